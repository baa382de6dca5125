# Chinese output (--lang zh) reads as Chinese: every listing and the
# analysis tables have Chinese headings, line up in display columns (a
# Chinese character is two) and never cut a name inside a character; the
# analysis text, its warnings and the report name dimensions by their
# labels and hold no English words beyond names and statistical symbols.
. "$ROOT/tests/cli/lib.sh"
CHK="$ROOT/tests/cli/zh_check.py"
ZH="$GS --lang zh"

run "$GS" init
run "$GS" unit import "$Q/units-sample.csv"
status "units" 0
run "$GS" simulate --units 8 --staff 14 --seed 3 --wave 2025
status "simulate 2025" 0
run "$GS" simulate --units 8 --staff 14 --seed 4 --wave 2026 --overclaim U07 --plant U08:planning:-25
status "simulate 2026" 0
run "$GS" token issue --form staff-opinion --unit U08 --count 30
status "tokens for U08" 0

# ---- what a command says as it works ----
run $ZH form check "$Q/staff-opinion.csv"
has "form check: a passing check is 校验通过" "$T/out" "：校验通过。问卷 staff-opinion，版本 "
hasnot "form check: not 正确" "$T/out" "正确"
has "form check: the role translated" "$T/out" "类型为职工"

# ---- listings ----
for c in "form list" "unit list" "wave list" "token list"; do
    $ZH $c >"$T/list.txt" 2>"$T/err"
    python3 "$CHK" tables "$c" "$T/list.txt"
done
$ZH wave list >"$T/list.txt"
hasnot "wave list: an open wave is not 'open'" "$T/list.txt" "open"

# ---- analyze: the tables, the gaps, the findings ----
$ZH analyze --compare-wave 2025 >"$T/an.txt" 2>"$T/err"
python3 "$CHK" tables "analyze" "$T/an.txt"
python3 "$CHK" words "analyze" "$T/an.txt" staff-opinion Welch BH
has "analyze: the dimensions head the unit table" "$T/an.txt" "科学部署"
hasnot "analyze: no dimension code" "$T/an.txt" "planning"
# the longest name (16 characters) is shown whole; longer ones are cut at a
# character with "…" (the checker above fails on half a character)
has "analyze: a long unit name whole" "$T/an.txt" "市委网络安全和信息化委员会办公室"
$ZH analyze --by position >"$T/by.txt" 2>"$T/err"
python3 "$CHK" tables "analyze --by position" "$T/by.txt"
# the groups' codes are the choice names of the question, data like unit codes
python3 "$CHK" words "analyze --by position" "$T/by.txt" staff-opinion Welch BH \
    $(awk -F, '$2 == "position" { print $3 }' "$Q/staff-opinion.csv")

# ---- the report ----
run $ZH report --compare-wave 2025 --out "$T/rep" --no-plots --format html,md
status "report" 0
# the waves and the date as an agency document writes them
has "report: the waves as years under the title" "$T/rep/report.md" "调查轮次：2026年　对比轮次：2025年　生成日期："
check "report: the date as 2026年12月2日" grep -Eq '生成日期：[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日' "$T/rep/report.md"
has "report: the change table headed by years" "$T/rep/report.md" "| 维度 | 2025年 | 2026年 | 变化 |"
hasnot "report: no bare year as a heading" "$T/rep/report.md" "| 2025 |"
# the command options the report names (analyze --json, --items) are identifiers
python3 "$CHK" words "report.md" "$T/rep/report.md" staff-opinion Welch BH ICC MSB MSW rwg \
    Kruskal-Wallis POMP "Cronbach's" Benjamini-Hochberg gnuplot Spiegelhalter SVG PNG IP Howell \
    Holm Feldt Excel Crawford CSV BOM WPS UTF max df plots analyze json items flat
# a unit's feedback report quotes the research ("说了当做了") only for a
# unit whose self-assessment is flagged
run $ZH report --compare-wave 2025 --unit U07 --out "$T/fb" --no-plots --format html
has "feedback: an overclaiming unit is told" "$T/fb/U07.html" "即调研中所说的"
run $ZH report --compare-wave 2025 --unit U01 --out "$T/fb" --no-plots --format html
hasnot "feedback: a unit without an overclaim is not accused" "$T/fb/U01.html" "即调研中所说的"
has "feedback: the comparison wave as a year" "$T/fb/U01.html" "与上次调查（2025年）比较"

# ---- warnings name the dimension by its label ----
# a wave in which everyone gives 学习型 the same answers: no reliability, no
# ANOVA, no confidence interval for that dimension
"$GS" export --form staff-opinion --wave 2026 --format plain -o "$T/all.csv" 2>"$T/err"
python3 - "$T/all.csv" "$T/flat.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
head = rows[0]
for r in rows[1:]:
    for i, h in enumerate(head):
        if h.startswith('le'):
            r[i] = '3'
csv.writer(open(sys.argv[2], 'w', encoding='utf-8', newline='')).writerows(rows)
PY
run "$GS" wave add flat
run "$GS" import "$T/flat.csv" --form staff-opinion --wave flat
status "import the flat wave" 0
$ZH analyze --wave flat >"$T/flat.txt" 2>"$T/err"
hasnot "no warning names the code 'learning'" "$T/flat.txt" "learning"
$ZH analyze --wave flat --json >"$T/flat.json" 2>"$T/err"
check "the warnings about it name 学习型" python3 -c '
import json, sys
w = json.load(open(sys.argv[1]))["warnings"]
sys.exit(not (sum("学习型" in x for x in w) >= 3 and not any("learning" in x for x in w)))' "$T/flat.json"
python3 "$CHK" words "analyze, flat wave" "$T/flat.txt" staff-opinion Welch BH Kruskal-Wallis flat

# the report names 学习型 in its warnings too
run $ZH report --wave flat --out "$T/repflat" --no-plots --format html,md
python3 "$CHK" words "report.md, flat wave" "$T/repflat/report.md" staff-opinion Welch BH ICC MSB MSW \
    rwg Kruskal-Wallis POMP "Cronbach's" Benjamini-Hochberg gnuplot Spiegelhalter SVG PNG IP Howell \
    Holm Feldt Excel Crawford CSV BOM WPS UTF max df plots analyze json items flat

# ---- last, as it adds invitations to U12 ----
# token issue names the form by its title and the unit by its name, in one
# Chinese sentence (it once said "8 个 staff-opinion、单位 U12 的邀请码")
$ZH token issue --form staff-opinion --unit U12 --count 8 >/dev/null 2>"$T/err"
has "token issue: one Chinese sentence" "$T/err" \
    "已为市教育局（U12）生成“模范机关创建干部职工问卷”邀请码8个，数据库只保存其哈希值"
hasnot "token issue: no form id in the sentence" "$T/err" "staff-opinion"
