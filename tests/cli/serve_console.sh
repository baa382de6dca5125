# The survey console (GET /admin of `gapsurvey serve`) with curl: every
# unit of the units table, headcount and invitation rates, units not
# started, who has filled the self-assessment, the form's title, an "as of"
# time with a plain meta refresh while the wave is open, per-wave switching,
# and the same table as CSV (formula-neutralised).  And the small-group
# rule of the analysis: a unit with 1-4 responses shows "fewer than 5",
# never its count or a rate, and when the total would give it away one
# more unit is hidden.  Real submissions through the real server.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"

"$GS" init >/dev/null 2>&1
printf 'code,name\nU99,=HYPERLINK("http://x")\n' >odd-unit.csv
# the forms' unit lists are the units table: the sample's units and U99
{ cat "$Q/units-sample.csv"; sed 1d odd-unit.csv; } >all-units.csv
form_with_units "$Q/staff-opinion.csv" all-units.csv staff.csv
form_with_units "$Q/five-type-self-assessment.csv" all-units.csv self.csv
"$GS" form add staff.csv self.csv >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
"$GS" unit import odd-unit.csv >/dev/null 2>&1
NUNITS=$(sql 'select count(*) from units')
# last year's wave, simulated and closed; this year's open one
"$GS" simulate --units 12 --staff 9 --seed 3 --wave 2025 >/dev/null 2>&1
"$GS" wave close 2025 >/dev/null 2>&1
"$GS" wave add 2026 >/dev/null 2>&1
"$GS" token issue --form staff-opinion --unit U01 --count 12 2>/dev/null | tail -n +2 | cut -d, -f1 >u01
"$GS" token issue --form staff-opinion --unit U02 --count 6 2>/dev/null | tail -n +2 | cut -d, -f1 >u02
"$GS" token issue --form staff-opinion --unit U07 --count 6 2>/dev/null | tail -n +2 | cut -d, -f1 >u07
"$GS" token issue --form five-type-self --unit U01 --count 1 2>/dev/null | tail -n +2 | cut -d, -f1 >self
"$GS" token issue --form staff-opinion --count 1 2>/dev/null | tail -n +2 | cut -d, -f1 >nounit

serve_start

# submit FILE N: the first N codes of FILE each answer the staff form
submit() {
    for c in $(head -n "$2" "$1"); do
        fetch f "$URL/?code=$c"
        cs=$(csrf_of "$T/f.html")
        # shellcheck disable=SC2046
        fetch s "$URL/submit" --data-urlencode "code=$c" -d "csrf=$cs" -d q_position=clerk \
            -d q_party=yes -d q_years=lt3 $(likert_args 4) --data-urlencode 'q_comment=秘密评论'
        grep -q 'id="thanks"' "$T/s.html" || notok "submission with $c not thanked"
    done
}
# ---- the notices of the form pages ----
fetch staffpage "$URL/?code=$(head -n 1 u01)&lang=zh"
has "a staff form: the promise of anonymity" "$T/staffpage.html" 'id="anonymous">本问卷匿名填写'
hasnot "no legend for *: the one required question (the unit) comes with the code" \
    "$T/staffpage.html" "必答题"
fetch choose "$URL/?code=$(cat nounit)&lang=zh"
has "a code without a unit: the unit is asked, marked *, and the legend says so" \
    "$T/choose.html" "带 * 的题目为必答题"
fetch selfpage "$URL/?code=$(cat self)&lang=zh"
has "the self-assessment: its own notice" "$T/selfpage.html" 'id="self-notice">本问卷为单位自评，请代表本单位整体作答'
hasnot "no promise of anonymity to a unit" "$T/selfpage.html" "匿名"
hasnot "no legend: no question asked is required (nor a repeat's, with no instance yet)" \
    "$T/selfpage.html" "必答题"
fetch selfen "$URL/?code=$(cat self)&lang=en"
has "in English too" "$T/selfen.html" "This is your unit&#39;s self-assessment"

AUTH="Authorization: Bearer $ADMIN"
submit u02 2
# U02 alone has responses: the total would be its count
fetch first "$URL/admin?lang=zh" -H "$AUTH"
has "U02's 2 responses: fewer than 5" "$T/first.html" '<td class="n">6</td><td class="n hid">少于5份</td>'
has "and the total (2, U02's alone) is hidden too" "$T/first.html" \
    '<tr><th>合计</th><th class="n">&ndash;</th><th class="n">25</th><th class="n hid">少于5份</th><th class="n hid">&ndash;</th><th class="n hid">&ndash;</th>'
submit u01 6
submit u07 5
c=$(cat self)
fetch f "$URL/?code=$c"
fetch s "$URL/submit" --data-urlencode "code=$c" -d "csrf=$(csrf_of "$T/f.html")"
has "the self-assessment is stored" "$T/s.html" 'id="thanks"'
same "13 staff responses in 2026" "$(sql "select count(*) from responses r join waves w on w.id = r.wave join forms f on f.id = r.form where w.name = '2026' and f.form_id = 'staff-opinion'")" 13

# ---- access ----
fetch noauth "$URL/admin?wave=2025&format=csv"
same "the CSV without signing in: 403" "$CODE_HTTP" 403
hasnot "and no figures" "$T/noauth.html" "U01"

# ---- this year's wave (the newest open one) ----
fetch zh "$URL/admin?lang=zh" -H "$AUTH"
same "the console: 200" "$CODE_HTTP" 200
has "titled in Chinese" "$T/zh.html" "<h1>问卷回收进度</h1>"
has "the form's title, not its id" "$T/zh.html" "<h2>模范机关创建干部职工问卷</h2>"
hasnot "the form id is no heading" "$T/zh.html" "<h2>staff-opinion"
has "an as-of time" "$T/zh.html" "数据截至$(date +%Y-%m-%d)"
has "an open wave refreshes itself, with no script" "$T/zh.html" '<meta http-equiv="refresh" content="60">'
hasnot "no script at all" "$T/zh.html" "<script"
has "the wave shown, open" "$T/zh.html" "<strong>2026（进行中）</strong>"
has "a link to last year's wave" "$T/zh.html" '<a href="/admin?wave=2025&amp;lang=zh">2025</a>'
same "every unit of the units table, once" "$(grep -c '^<tr[^>]*><td>U' "$T/zh.html")" "$NUNITS"
has "U01: 6 responses, 6 of 62 staff, 6 of 12 codes, self-assessment filled" "$T/zh.html" \
    '<tr><td>U01 市委办公室</td><td class="n">62</td><td class="n">12</td><td class="n">6</td><td class="n">9.7%</td><td class="n">50.0%</td><td class="t">已填报</td><td class="t">已开始</td></tr>'
has "U02 with 2: fewer than 5, no count, no rate" "$T/zh.html" \
    '<td>U02 市委组织部</td><td class="n">55</td><td class="n">6</td><td class="n hid">少于5份</td><td class="n hid">&ndash;</td><td class="n hid">&ndash;</td>'
# U02 alone would be the total minus the shown units: the next smallest
# (U07, 5 responses) is hidden with it
has "U07 with 5 hidden too, so the total minus the shown is 7, not U02's 2" "$T/zh.html" \
    '<td>U07 市委政策研究室</td><td class="n">38</td><td class="n">6</td><td class="n hid">不予显示</td>'
has "a unit never invited: not started, no invitation rate" "$T/zh.html" \
    '<tr class="ns"><td>U04 市委统战部</td><td class="n">34</td><td class="n">0</td><td class="n">0</td><td class="n">0.0%</td><td class="n">&ndash;</td><td class="t">未填报</td><td class="t">未开始</td></tr>'
has "the total" "$T/zh.html" "<tr><th>合计</th>"
has "units with responses and not started" "$T/zh.html" "已有答卷的单位3个（共${NUNITS}个），尚未开始$((NUNITS - 3))个。"
has "self-assessments filled" "$T/zh.html" "单位自评（模范机关创建单位自评表）：已填报1个单位，共${NUNITS}个。"
has "the rule stated" "$T/zh.html" "答卷为1至4份的单位只显示“少于5份”"
hasnot "no answer text" "$T/zh.html" "秘密评论"
hasnot "U02's count nowhere" "$T/zh.html" '<td class="n">2</td><td class="n'
has "a unit name that is markup is escaped" "$T/zh.html" "U99 =HYPERLINK(&quot;http://x&quot;)"
has "the CSV link keeps the wave" "$T/zh.html" 'href="/admin?wave=2026&amp;format=csv&amp;lang=zh"'
has "the language link keeps the wave" "$T/zh.html" 'href="/admin?wave=2026&amp;lang=en"'

fetch en "$URL/admin?wave=2026&lang=en" -H "$AUTH"
has "English: the English title" "$T/en.html" "<h2>Model Agency Staff Questionnaire</h2>"
has "English: fewer than 5" "$T/en.html" '<td class="n hid">fewer than 5</td>'
has "English: as of" "$T/en.html" "As of $(date +%Y-%m-%d)"

# the total can never be differenced down to a hidden unit: what the
# shown units leave of it is 0 or at least 5 (checked on the CSV below)

# ---- the CSV: the same table ----
curl -s -D csv.hdr -o console.csv -H "$AUTH" "$URL/admin?wave=2026&format=csv&lang=zh"
has "served as CSV" csv.hdr "Content-Type: text/csv; charset=utf-8"
has "as a download named by the wave" csv.hdr 'Content-Disposition: attachment; filename="gapsurvey-console-2026.csv"'
has "not cached" csv.hdr "Cache-Control: no-store"
check "with a BOM for Excel and WPS" sh -c "head -c 3 console.csv | od -An -tx1 | grep -q 'ef bb bf'"
has "the formula is neutralised" console.csv "U99,\"'=HYPERLINK(\"\"http://x\"\")\""
hasnot "no answer text" console.csv "秘密评论"
python3 - "$T/zh.html" console.csv >cmp.txt <<'PY'
import csv, html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
rows = {}
for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", page):
    cells = [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr)]
    if cells and cells[0][:1] == "U":
        rows[cells[0].split(" ", 1)[0]] = ["" if c == "\u2013" else c for c in cells[1:]]
    elif cells and cells[0] == "合计":
        rows["合计"] = ["" if c == "\u2013" else c for c in cells[1:]]
f = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig", newline="")))
print("header", f[0])
same = True
shown = 0
nounit = [r for r in f[1:] if r[2] == ""]
print("nounit", [r[3:6] for r in nounit])
for r in f[1:]:
    key = r[2]
    if key == "":
        continue
    if rows.get(key) != r[4:]:
        same = False
        print("differs", key, rows.get(key), r[4:])
    if key.startswith("U") and r[6].isdigit():
        shown += int(r[6])
    if key == "合计":
        total = int(r[6])
print("same", same, len(f) - 2 - len(nounit) == len(rows) - 1)
left = total - shown
print("left", left == 0 or left >= 5)
PY
has "the CSV holds the page's figures, row for row" cmp.txt "same True True"
has "the total minus the shown units is 0 or at least 5" cmp.txt "left True"
has "the code without a unit in a row of its own" cmp.txt "nounit [['未指定单位的邀请码（由答卷人选择单位）', '', '1']]"
has "on the page too" "$T/zh.html" '<tr><td>未指定单位的邀请码（由答卷人选择单位）</td><td class="n">&ndash;</td><td class="n">1</td>'
has "headers in Chinese" cmp.txt "'单位代码', '单位', '干部职工数', '邀请数', '答卷数', '回收率（按人数）', '回收率（按邀请码）', '单位自评', '进度'"

# ---- last year's wave ----
fetch w25 "$URL/admin?wave=2025&lang=en" -H "$AUTH"
same "?wave=2025: 200" "$CODE_HTTP" 200
has "the wave shown" "$T/w25.html" "<strong>2025</strong>"
has "closed" "$T/w25.html" "This wave is closed."
hasnot "a closed wave does not refresh" "$T/w25.html" 'http-equiv="refresh"'
has "a link back to 2026" "$T/w25.html" '<a href="/admin?wave=2026&amp;lang=en">2026</a>'
# each unit's figure is what the database holds, or "fewer than 5"
sql "select u.code, count(r.id) from units u left join responses r on r.unit = u.id and r.wave = (select id from waves where name = '2025') and r.form in (select id from forms where form_id = 'staff-opinion') group by u.code" >n25
bad=""
while IFS='|' read -r u n; do
    if [ "$n" -ge 1 ] && [ "$n" -le 4 ]; then
        grep -q "<td>$u [^<]*</td><td class=\"n\">[0-9]*</td><td class=\"n\">0</td><td class=\"n hid\">fewer than 5</td>" "$T/w25.html" || bad="$bad $u"
    elif [ "$n" -ge 5 ]; then
        grep -q "<td>$u [^<]*</td><td class=\"n\">[0-9]*</td><td class=\"n\">0</td><td class=\"n\">$n</td>\|<td>$u [^<]*</td><td class=\"n\">[0-9]*</td><td class=\"n\">0</td><td class=\"n hid\">not shown</td>" "$T/w25.html" || bad="$bad $u"
    fi
done <n25
same "2025: each unit's count as stored, or fewer than 5" "$bad" ""
check "2025 has small units to hide" grep -q '|[1-4]$' n25
has "2025: every self-assessment of the simulation" "$T/w25.html" "filled by 12 of $NUNITS units"

fetch nowave "$URL/admin?wave=1999" -H "$AUTH"
same "an unknown wave: 404" "$CODE_HTTP" 404
has "with a message" "$T/nowave.html" "没有该名称的调查轮次"
fetch evil "$URL/admin?wave=%3Cscript%3E" -H "$AUTH"
hasnot "an unknown wave name is not echoed" "$T/evil.html" "<script>"

# ---- paper forms beside the codes ----
# six of U02's staff answer on paper, keyed in by import: 8 responses, 2
# of its 6 codes used.  The rate of invited is of the codes used (it was
# responses over codes: 133.3%, and 2702% on the demo's total)
{
    printf 'unit,position,party,years'
    for q in $(likert_args 4 | sed 's/-d q_\([a-z0-9]*\)=4/\1/g'); do printf ',%s' "$q"; done
    printf '\n'
    for i in 1 2 3 4 5 6; do
        printf 'U02,clerk,yes,lt3'
        for q in $(likert_args 4 | sed 's/-d q_\([a-z0-9]*\)=4/\1/g'); do printf ',%s' $((i % 5 + 1)); done
        printf '\n'
    done
} >paper.csv
run "$GS" import paper.csv --form staff-opinion --wave 2026
status "six paper forms of U02 imported" 0
fetch paper "$URL/admin?wave=2026&lang=en" -H "$AUTH"
has "U02: 8 responses, 2 of its 6 codes used" "$T/paper.html" \
    '<td>U02 市委组织部</td><td class="n">55</td><td class="n">6</td><td class="n">8</td><td class="n">14.5%</td><td class="n">33.3%</td>'
