# report.docx and the feedback reports (issue 18): demo writes report.docx;
# python-docx reads its tables back with the numbers of analyze --json;
# LibreOffice converts it to PDF with the expected number of pages; the
# feedback report of each unit names no other unit, and a suppressed unit's
# is a one-page notice without numbers.  Without LibreOffice (soffice) the
# conversion checks are skipped and say so.
. "$ROOT/tests/cli/lib.sh"

PY=/usr/bin/python3
have_docx=0
"$PY" -c 'import docx' 2>/dev/null && have_docx=1
[ "$have_docx" = 1 ] || notok "python-docx is missing (tools/deps.sh: python3-docx)"
have_office=0
command -v soffice >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 && have_office=1
[ "$have_office" = 1 ] || echo "# SKIP: LibreOffice (soffice) or pdfinfo not installed: no PDF conversion checks"
# the columns are measured in Times New Roman: LibreOffice must set the
# text in it or in Liberation Serif (the same metrics), else the layout
# checks would see another, wider face wrap
tnr=$(fc-match 'Times New Roman' 2>/dev/null)
if [ "$have_office" = 1 ]; then
    case "$tnr" in
    *'"Liberation Serif"'* | *'"Times New Roman"'*) ok "Times New Roman or a font of its metrics is installed" ;;
    *) notok "Times New Roman is set in another face here ($tnr): install fonts-liberation2 (tools/deps.sh)" ;;
    esac
fi

# pages PDF: the page count pdfinfo reports
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
# convert DOCX: soffice --headless --convert-to pdf next to it; own profile
# so a running LibreOffice or another test does not get in the way
convert() {
    timeout 300 soffice -env:UserInstallation=file://$T/lo --headless --convert-to pdf --outdir "$(dirname "$1")" \
        "$1" >"$T/soffice.log" 2>&1
}
# pdf_check DOCX PDF WHAT: docx_check.py pdf: its TAP lines, named by WHAT
pdf_check() {
    "$PY" "$ROOT/tests/cli/docx_check.py" pdf "$1" "$2" >"$T/pdf.tap" 2>&1
    rc=$?
    sed -n "s/^\(\(not \)\{0,1\}ok - \)/\1$3: /p" "$T/pdf.tap"
    grep -q '^Traceback' "$T/pdf.tap" && { notok "docx_check.py pdf $3 ran to its end"; sed 's/^/# /' "$T/pdf.tap" | tail -n 5; }
    [ $rc -eq 0 ] || grep -q '^not ok' "$T/pdf.tap" || notok "docx_check.py pdf $3 exited $rc"
}
# in_range N LO HI
in_range() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# demo's language is the environment's: Chinese under a Chinese locale,
# else English (docx_check.py tells them apart by fonts and headings)
for lang in zh en; do
    if [ $lang = zh ]; then loc=zh_CN.UTF-8; else loc=C.UTF-8; fi
    run env LANG=$loc LANGUAGE= LC_ALL= LC_MESSAGES= "$GS" demo --out "$T/$lang"
    status "demo under LANG=$loc" 0
    check "demo under LANG=$loc wrote report.docx next to report.html" [ -s "$T/$lang/report.docx" -a -s "$T/$lang/report.html" ]
    check "report.docx is a zip with [Content_Types].xml first" \
        sh -c "unzip -Z1 '$T/$lang/report.docx' | head -n 1 | grep -qx '\\[Content_Types\\].xml'"
    # the response-rate plot under demo's --exclude-careless: each label's
    # "60% (37/62)" and the overall line count the responses the rate does
    # (the careless left out did respond), so 37/62 is 60%
    "$PY" - "$T/$lang/plots/response.dat" "$T/$lang/plots/response.gp" >"$T/rates.txt" <<'PY'
import re, sys
bad, rows, resp, inv = [], 0, 0, 0
for line in open(sys.argv[1], encoding='utf-8'):
    m = re.match(r'\d+ (\S+) (\d+) (\S+) "(\d+)% \((\d+)/(\d+)\)"', line)
    if m:
        rows += 1
        resp += int(m.group(2))
        inv += float(m.group(3))
        if round(100 * int(m.group(5)) / int(m.group(6))) != int(m.group(4)) or m.group(5) != m.group(2):
            bad.append(line.strip())
overall = float(re.search(r'^overall = (\S+)', open(sys.argv[2], encoding='utf-8').read(), re.M).group(1))
if rows and abs(100 * resp / inv - overall) > 0.01:
    bad.append('overall %s, responses %d of %d' % (overall, resp, inv))
print('rows', rows, 'bad', bad[:3])
PY
    has "demo under LANG=$loc: the response plot's labels and overall rate add up" "$T/rates.txt" "bad []"
    hasnot "demo under LANG=$loc: the response plot has rows" "$T/rates.txt" "rows 0 "
    "$GS" --db "$T/$lang/demo.db" --lang $lang analyze --wave 2026 --compare-wave 2025 --items --validity --drivers --screen --exclude-careless --json >"$T/$lang.json"
    # the low-response finding under --exclude-careless: its n is the
    # responses its rate counts (n / headcount = rate)
    "$PY" - "$T/$lang.json" >"$T/low.txt" <<'PY'
import json, sys
low = [f['values'] for f in json.load(open(sys.argv[1]))['findings'] if f['kind'] == 'low_response']
base = [v.get('invited', v.get('headcount')) for v in low]
print('low', len(low), 'off', [(v['n'], b, v['rate']) for v, b in zip(low, base) if abs(v['n'] / b - v['rate']) > 1e-9])
PY
    has "$lang: each low-response finding's n over its base is its rate" "$T/low.txt" "off []"
    hasnot "$lang: the demo has a low-response finding" "$T/low.txt" "low 0 "
    # "saying counts as doing": the points findings are exactly the shown
    # units whose net points on a type are in the top quarter (at or above
    # the upper quartile, R's type 7, and above the median) while their
    # staff score there is weak
    "$PY" - "$T/$lang.json" >"$T/pts.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
shown = {g['code']: g for g in d['groups'] if not g['suppressed']}
def q7(v, p):
    v = sorted(v); h = (len(v) - 1) * p; i = int(h)
    return v[i] + (h - i) * ((v[i + 1] if i + 1 < len(v) else v[i]) - v[i])
want = set()
for dim in {p['dimension'] for p in d['points']}:
    rows = [p for p in d['points'] if p['dimension'] == dim and p['unit'] in shown
            and shown[p['unit']]['scores'].get(dim, {}).get('mean') is not None]
    if len(rows) < 4:
        continue
    nets = [p['net'] for p in rows]
    q3, med = q7(nets, .75), q7(nets, .5)
    want |= {(p['unit'], dim) for p in rows
             if p['net'] >= q3 and p['net'] > med and shown[p['unit']]['scores'][dim]['weak']}
got = {(f['group'], f['dimension']) for f in d['findings'] if f['kind'] == 'points_unmatched'}
print('found', sorted(got), 'missing', sorted(want - got), 'extra', sorted(got - want))
PY
    has "$lang: the points findings are the top-quarter units with a weak staff score" "$T/pts.txt" "missing [] extra []"
    hasnot "$lang: the demo has one" "$T/pts.txt" "found []"
    if [ "$have_docx" = 1 ]; then
        # a check that stops half way (an exception) fails, not just its
        # missing lines
        "$PY" "$ROOT/tests/cli/docx_check.py" report "$T/$lang/report.docx" "$T/$lang.json" $lang >"$T/check.tap" 2>&1
        rc=$?
        grep -E '^(not )?ok' "$T/check.tap"
        grep -q '^Traceback' "$T/check.tap" && { notok "docx_check.py $lang ran to its end"; sed 's/^/# /' "$T/check.tap" | tail -n 5; }
        [ $rc -ne 0 ] || ok "docx_check.py $lang: every check passed"
        "$PY" "$ROOT/tests/cli/docx_check.py" html "$T/$lang/report.html" >"$T/html.tap" 2>&1
        grep -E '^(not )?ok|^#' "$T/html.tap"
        grep -q '^Traceback' "$T/html.tap" && notok "docx_check.py html $lang ran to its end"
    fi
    if [ "$have_office" = 1 ]; then
        convert "$T/$lang/report.docx"
        check "soffice converts the $lang report.docx to PDF" [ -s "$T/$lang/report.pdf" ]
        n=$(pages "$T/$lang/report.pdf")
        # zh (三号 body, GB/T 9704 margins) runs to about 50 pages, en to about 40
        if [ $lang = zh ]; then lo=35 hi=70; else lo=25 hi=55; fi
        check "the $lang PDF has $lo-$hi pages (has ${n:-none})" in_range "$n" $lo $hi
        # the pages as a reader sees them: headers on one line, each
        # caption once, tables inside the margins
        [ "$have_docx" = 1 ] && pdf_check "$T/$lang/report.docx" "$T/$lang/report.pdf" $lang
    fi
done

# pandoc's own conversion of report.md: each figure's caption once (a
# picture alone in its paragraph would get its alt text as a second one)
if command -v pandoc >/dev/null 2>&1 && [ "$have_docx" = 1 ]; then
    (cd "$T/zh" && pandoc report.md -o "$T/pandoc.docx") 2>"$T/pandoc.err"
    "$PY" - "$T/zh/report.md" "$T/pandoc.docx" >"$T/pandoc.txt" <<'PY'
import re, sys, docx
alts = re.findall(r'^!\[(.*?)\]\(', open(sys.argv[1], encoding='utf-8').read(), re.M)
texts = [p.text.strip() for p in docx.Document(sys.argv[2]).paragraphs]
twice = [a for a in alts if texts.count(a) > 0]
print('figures', len(alts), 'alt text as its own caption:', twice[:3])
PY
    has "pandoc report.md: no figure caption written twice" "$T/pandoc.txt" "alt text as its own caption: []"
    hasnot "pandoc report.md: the report has figures to check" "$T/pandoc.txt" "figures 0 "
else
    echo "# SKIP: pandoc or python-docx not installed: no check of pandoc's conversion"
fi

# report --format docx alone, and a bad --format
run "$GS" --db "$T/zh/demo.db" report --wave 2026 --format docx --no-plots --out "$T/only"
status "report --format docx" 0
check "it writes report.docx" [ -s "$T/only/report.docx" ]
check "and no report.html" [ ! -e "$T/only/report.html" ]
has "it prints the path" "$T/out" "$T/only/report.docx"
# the cross-tabulation's test in a sentence: "p < 0.001", not "p = <0.001"
run "$GS" --db "$T/zh/demo.db" --lang en report --wave 2026 --crosstab position,party --format docx --no-plots \
    --out "$T/xt"
status "report --crosstab position,party --format docx" 0
if [ "$have_docx" = 1 ]; then
    "$PY" -c 'import docx, sys; print("\n".join(p.text for p in docx.Document(sys.argv[1]).paragraphs))' \
        "$T/xt/report.docx" >"$T/xt.txt"
    has "the chi-square test's p reads 'p < 0.001'" "$T/xt.txt" "df = 3, p < 0.001; Cramér's V"
    hasnot "and never 'p = <'" "$T/xt.txt" "p = <"
fi
run "$GS" --db "$T/zh/demo.db" report --wave 2026 --format pdf --out "$T/bad"
status "report --format pdf is a usage error" 2

# feedback reports: one unit, then every unit
DB="$T/zh/demo.db"
run "$GS" --db "$DB" --lang zh report --wave 2026 --compare-wave 2025 --unit U07 --out "$T/fb"
status "report --unit U07" 0
check "it writes U07.html and U07.docx" [ -s "$T/fb/U07.html" -a -s "$T/fb/U07.docx" ]
run "$GS" --db "$DB" report --wave 2026 --unit U99 --out "$T/fb"
status "report --unit with an unknown code fails" 1
run "$GS" --db "$DB" --lang zh report --wave 2026 --compare-wave 2025 --each-unit "$T/each"
status "report --each-unit" 0
n=$(ls "$T/each"/*.docx 2>/dev/null | wc -l)
same "one feedback report per unit" "$n" 40
# every other unit's code and name: never in a unit's report
"$PY" - "$T/zh.json" >"$T/units.txt" <<'PY'
import json, sys
for g in json.load(open(sys.argv[1]))['groups']:
    print(g['code'], g['name'], 'suppressed' if g['suppressed'] else 'shown')
PY
leak=""
while read -r code name state; do
    f="$T/each/$code.html"
    [ -s "$f" ] || { leak="$leak $code:missing"; continue; }
    while read -r oc oname ostate; do
        [ "$oc" = "$code" ] && continue
        if grep -qE "(^|[^A-Za-z0-9_-])$oc([^A-Za-z0-9_-]|$)" "$f" || grep -qF -- "$oname" "$f"; then
            leak="$leak $code:$oc"
        fi
    done <"$T/units.txt"
    if [ "$have_docx" = 1 ]; then
        "$PY" "$ROOT/tests/cli/docx_check.py" unit "$T/each/$code.docx" "$T/zh.json" "$code" >"$T/unit.tap"
        grep -q '^not ok' "$T/unit.tap" && { leak="$leak $code:docx"; sed 's/^/# /' "$T/unit.tap" | head -n 5; }
    fi
done <"$T/units.txt"
same "no feedback report names another unit (HTML grep, docx read back)" "$leak" ""
sup=$(awk '$3 == "suppressed" {print $1; exit}' "$T/units.txt")
if [ -n "$sup" ]; then
    hasnot "the suppressed unit's notice has no table" "$T/each/$sup.html" "<table"
    if [ "$have_office" = 1 ]; then
        convert "$T/each/$sup.docx"
        same "the suppressed unit's notice is one page" "$(pages "$T/each/$sup.pdf")" 1
        convert "$T/each/U07.docx"
        n=$(pages "$T/each/U07.pdf")
        check "U07's feedback report is 2-5 pages (has ${n:-none})" in_range "$n" 2 5
        [ "$have_docx" = 1 ] && pdf_check "$T/each/U07.docx" "$T/each/U07.pdf" U07
    fi
else
    notok "the demo has a suppressed unit to check"
fi
