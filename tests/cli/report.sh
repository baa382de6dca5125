# report and demo: every promised plot is there with its script and data,
# the PNGs are real pictures, the report is one self-contained HTML file
# that Chromium renders, English works, a suppressed unit's name reaches no
# file, a missing gnuplot still gives a report that says what to install,
# the demo's findings name what was planted; with one unit above min-n the
# report says why it has no funnel plot (gnuplot 5.4 crashed on it); with
# many units the heatmap and the radar plots keep to a readable selection.
. "$ROOT/tests/cli/lib.sh"

# png_size FILE: "WIDTH HEIGHT" from the IHDR, or nothing when FILE is no PNG
png_size() {
    python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read(24)
if len(d) == 24 and d[:8] == b'\x89PNG\r\n\x1a\n' and d[12:16] == b'IHDR':
    print(*struct.unpack('>II', d[16:24]))
PY
}
# sensible_png FILE MINW MINH: a PNG at least that large
sensible_png() {
    s=$(png_size "$1")
    [ -n "$s" ] || return 1
    set -- $s "$2" "$3"
    [ "$1" -ge "$3" ] && [ "$2" -ge "$4" ] && [ "$1" -le 4000 ] && [ "$2" -le 40000 ]
}

run "$GS" init
status "init" 0
run "$GS" simulate --seed 1 --wave 2025
status "simulate wave 2025" 0
run "$GS" simulate --seed 2 --wave 2026 --plant U07:planning:-20 --overclaim U07
status "simulate wave 2026 with a planted weakness" 0

run "$GS" report --wave 2026 --compare-wave 2025 --lang zh --out "$T/rep"
status "report --out DIR" 0
has "it prints the path of report.html" "$T/out" "$T/rep/report.html"
check "no progress line when stderr is no terminal" test ! -s "$T/err"
for f in report.html report.md dimensions.csv groups.csv items.csv gaps.csv changes.csv; do
    check "$f written" [ -s "$T/rep/$f" ]
done
check "CSV tables start with a UTF-8 BOM" [ "$(head -c 3 "$T/rep/groups.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]

# what the analysis says decides which plots are promised
"$GS" analyze --wave 2026 --compare-wave 2025 --json > "$T/res.json"
python3 - "$T/res.json" > "$T/expect" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
dims = [d['code'] for d in r['dimensions']]
print('heatmap'); print('means'); print('change')
for d in dims:
    print('funnel-' + d); print('likert-' + d); print('dumbbell-' + d)
# radar plots: the 12 most notable flagged units (the largest shortfall,
# summed over the weak cells, then the lowest mean difference from all
# others), as plot_notable ranks them
flagged = []
for i, g in enumerate(r['groups']):
    if g['suppressed']:
        continue
    cells = list(g['scores'].values())
    short = sum(c['diff'] for c in cells if c['weak'] and c['diff'] is not None)
    diffs = [c['diff'] for c in cells if c['diff'] is not None]
    if any(c['weak'] for c in cells):
        flagged.append((short, sum(diffs) / len(diffs) if diffs else 0, i, g['code']))
for f in sorted(flagged)[:12]:
    print('radar-' + f[3])
open(sys.argv[1] + '.nflagged', 'w').write(str(len(flagged)))
if any(g.get('response_rate') is not None for g in r['groups'] if not g['suppressed']):
    print('response')
PY
python3 - "$T/res.json" > "$T/hidden" <<'PY'
import json, sys
for g in json.load(open(sys.argv[1]))['groups']:
    if g['suppressed']:
        print(g['name'])
PY
check "the expected plots include a radar of the planted unit" grep -qx radar-U07 "$T/expect"
missing=""
badpng=""
for b in $(cat "$T/expect"); do
    for ext in gp dat png svg print.png; do
        [ -s "$T/rep/plots/$b.$ext" ] || missing="$missing $b.$ext"
    done
    sensible_png "$T/rep/plots/$b.png" 400 200 || badpng="$badpng $b.png"
    # the print PNG: the same picture at 2.5 times the pixels a side
    set -- $(png_size "$T/rep/plots/$b.png") $(png_size "$T/rep/plots/$b.print.png")
    [ $# -eq 4 ] && [ $(($3 * 2)) -ge $(($1 * 5 - 2)) ] && [ $(($3 * 2)) -le $(($1 * 5 + 2)) ] ||
        badpng="$badpng $b.print.png"
done
same "every promised plot has .gp, .dat, .png, .svg and .print.png" "$missing" ""
same "every PNG is a real image of sensible size, the print one 2.5 times as wide" "$badpng" ""
same "no plot beyond the promised ones" "$(ls "$T/rep/plots" | grep '\.png$' | grep -vc '\.print\.png$')" "$(wc -l < "$T/expect")"
check "the heatmap grows with the number of units" sensible_png "$T/rep/plots/heatmap.png" 600 700
has "scripts use the CJK font" "$T/rep/plots/heatmap.gp" 'Noto Sans CJK SC'
has "scripts read their data by a relative path" "$T/rep/plots/funnel-planning.gp" "'funnel-planning.dat'"
hasnot "scripts hold no absolute path" "$T/rep/plots/funnel-planning.gp" "$T"

# a script re-draws its picture by itself
rm -f "$T/rep/plots/means.png" "$T/rep/plots/means.svg"
(cd "$T/rep/plots" && gnuplot means.gp) >/dev/null 2>&1
check "gnuplot NAME.gp re-draws NAME.png" sensible_png "$T/rep/plots/means.png" 400 200
check "... and NAME.svg" [ -s "$T/rep/plots/means.svg" ]

# anonymity: the suppressed units exist, and nothing in DIR names them
check "the simulated city has suppressed units" [ -s "$T/hidden" ]
leak=""
while IFS= read -r name; do
    [ -n "$name" ] && grep -rqF -- "$name" "$T/rep" && leak="$leak $name"
done < "$T/hidden"
same "no suppressed unit's name anywhere in DIR" "$leak" ""

# a second report into the same DIR with a larger minimum hides more
# units: nothing of theirs may survive from the first run
run "$GS" report --wave 2026 --min-n 25 --lang zh --out "$T/rep2"
cp -r "$T/rep/plots" "$T/rep2/" 2>/dev/null
run "$GS" report --wave 2026 --min-n 25 --lang zh --out "$T/rep2"
status "report again into the same DIR with --min-n 25" 0
"$GS" analyze --wave 2026 --min-n 25 --json > "$T/res25.json"
python3 -c 'import json,sys
for g in json.load(open(sys.argv[1]))["groups"]:
    if g["suppressed"]: print(g["name"])' "$T/res25.json" > "$T/hidden25"
check "more units are hidden with --min-n 25" [ "$(wc -l < "$T/hidden25")" -gt "$(wc -l < "$T/hidden")" ]
leak=""
while IFS= read -r name; do
    [ -n "$name" ] && grep -rqF -- "$name" "$T/rep2" && leak="$leak $name"
done < "$T/hidden25"
same "no plot or text of a newly hidden unit is left from the earlier run" "$leak" ""

# the HTML: self-contained, Chinese sections, plots inline
H="$T/rep/report.html"
has "Chinese section 一、总体情况" "$H" "一、总体情况"
has "Chinese section 二、主要发现" "$H" "二、主要发现"
has "methods appendix" "$H" "附录一：方法说明"
has "anonymity rules with min_n" "$H" "本报告的最低人数为5人"
has "A4 print styles" "$H" "size: A4"
has "plots inline as SVG" "$H" "<svg"
hasnot "no script element" "$H" "<script"
hasnot "nothing fetched over the network" "$H" 'src="http'
hasnot "no stylesheet link" "$H" "<link"
has "the planted weak unit is a finding" "$H" "市委政策研究室（U07）在“科学部署”上明显偏弱"
has "report.md links the PNGs" "$T/rep/report.md" "](plots/heatmap.png)"
nflagged=$(cat "$T/res.json.nflagged")
if [ "$nflagged" -gt 12 ]; then
    has "the report says the radar plots are the 12 most notable of $nflagged" "$H" \
        "下面的雷达图只列出薄弱差距最大的12个单位；共有${nflagged}个单位至少有一项薄弱"
else
    notok "the simulated city has more than 12 flagged units (it has $nflagged)"
fi

# Chromium renders it
if command -v chromium >/dev/null 2>&1; then
    prof=$(mktemp -d)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$prof" --screenshot="$T/shot.png" --window-size=1200,3000 \
        "file://$H" >/dev/null 2>&1
    rm -rf "$prof"
    check "Chromium renders report.html to a 1200x3000 screenshot" [ "$(png_size "$T/shot.png")" = "1200 3000" ]
    check "the screenshot is not blank (has content)" [ "$(wc -c < "$T/shot.png")" -gt 60000 ]
else
    notok "chromium is not installed (apt-get install chromium)"
fi

# English
run "$GS" report --wave 2026 --compare-wave 2025 --lang en --out "$T/rep-en"
status "report --lang en" 0
has "English overview" "$T/rep-en/report.html" "1 Overview"
has "English methods" "$T/rep-en/report.html" "Appendix A. Methods"
has "English finding on the planted unit" "$T/rep-en/report.html" "(U07) is weak on Planning"
hasnot "no Chinese section numbers" "$T/rep-en/report.html" "一、总体情况"
has "English plot titles" "$T/rep-en/plots/means.gp" "Dimension means with 95% confidence intervals"
# the form's English title (form_title::English (en)) and its unit
# question's English labels name the form and the units in English
has "English title from form_title::English (en)" "$T/rep-en/report.html" \
    "<h1>Model Agency Staff Questionnaire: survey report"
has "units by their English label" "$T/rep-en/report.html" "Policy Research Office"
has "the Chinese report keeps the Chinese names" "$T/rep/report.html" "市委政策研究室"

# one unit above min-n: no funnel plot (gnuplot 5.4 crashes drawing one
# with a single group), and the report says why
python3 -c 'import json,sys
ns = sorted(g["n"] for g in json.load(open(sys.argv[1]))["groups"] if not g["suppressed"])
print(ns[-2] + 1)' "$T/res.json" > "$T/min1"
m1=$(cat "$T/min1")
run "$GS" report --wave 2026 --min-n "$m1" --lang en --out "$T/rep-one"
status "report with only one unit of at least $m1 respondents" 0
hasnot "no gnuplot failure" "$T/err" "gnuplot failed"
check "no funnel plot drawn" [ -z "$(ls "$T/rep-one/plots" | grep '^funnel')" ]
has "the report says why there is no funnel plot" "$T/rep-one/report.html" \
    "There are no funnel plots: they compare units, and only 1 unit has at least $m1 respondents."
check "the other plots are there (means)" sensible_png "$T/rep-one/plots/means.png" 400 200
run "$GS" report --wave 2026 --min-n "$m1" --lang zh --out "$T/rep-one-zh" --no-plots
has "with --no-plots it does not talk about funnel plots" "$T/rep-one-zh/report.html" "一、总体情况"
hasnot "... (no note on funnel plots without plots)" "$T/rep-one-zh/report.html" "未绘制漏斗图"
run "$GS" report --wave 2026 --min-n "$m1" --lang zh --out "$T/rep-one-zh"
status "the same in Chinese" 0
has "Chinese: why there is no funnel plot" "$T/rep-one-zh/report.html" "未绘制漏斗图：漏斗图用于比较各单位"

# many units (issue #8: 2,000 units broke the heatmap and drew 1,000
# radar plots): 70 units, the heatmap and the response plot show 50, the
# radar plots 12, the body's table the same 50, every unit in an appendix
MANY="$T/many.db"
run env GAPSURVEY_DB="$MANY" "$GS" init
run env GAPSURVEY_DB="$MANY" "$GS" simulate --units 70 --staff 12 --seed 5 --wave 2026
status "simulate 70 units" 0
run env GAPSURVEY_DB="$MANY" "$GS" report --wave 2026 --lang en --out "$T/rep-many"
status "report on 70 units" 0
env GAPSURVEY_DB="$MANY" "$GS" analyze --wave 2026 --json > "$T/many.json"
nshown=$(python3 -c 'import json,sys
print(sum(1 for g in json.load(open(sys.argv[1]))["groups"] if not g["suppressed"]))' "$T/many.json")
check "more than 50 units are shown ($nshown)" [ "$nshown" -gt 50 ]
same "the heatmap has 50 rows" "$(awk '!/^#/ {print $2}' "$T/rep-many/plots/heatmap.dat" | sort -u | wc -l)" 50
has "its title says which" "$T/rep-many/plots/heatmap.gp" "(the 50 of $nshown units with the largest shortfalls)"
check "the heatmap is a sensible picture" sensible_png "$T/rep-many/plots/heatmap.png" 600 900
nfl=$(python3 -c 'import json,sys
print(sum(1 for g in json.load(open(sys.argv[1]))["groups"]
          if not g["suppressed"] and any(c["weak"] for c in g["scores"].values())))' "$T/many.json")
same "one radar plot per flagged unit, at most 12 ($nfl flagged)" \
    "$(ls "$T/rep-many/plots" | grep -c '^radar-[^.]*\.png$')" "$([ "$nfl" -gt 12 ] && echo 12 || echo "$nfl")"
has "the body's table is the same selection" "$T/rep-many/report.html" "Mean scores by unit and dimension: the 50 with the largest shortfalls"
has "Appendix F (after the Questions) has every unit" "$T/rep-many/report.html" "Appendix F. Scores of every unit"
has "and the text points to it" "$T/rep-many/report.html" "Appendix F and groups.csv give every unit"
has "and the text says so" "$T/rep-many/report.html" "With $nshown units, the table and the figure below show the 50"
python3 -c 'import json,sys
for g in json.load(open(sys.argv[1]))["groups"]:
    if not g["suppressed"]: print(g["code"] + " " + g["name"])' "$T/many.json" > "$T/many.names"
miss=""
while IFS= read -r name; do
    [ "$(grep -cF -- "<td>$name</td>" "$T/rep-many/report.html")" -ge 1 ] || miss="$miss $name"
done < "$T/many.names"
same "every shown unit has a row in the report" "$miss" ""
# a loose threshold flags hundreds of weak scores: a kind of finding lists 50
run env GAPSURVEY_DB="$MANY" "$GS" report --wave 2026 --fdr 0.9 --min-diff 0 --no-plots --lang en \
    --out "$T/rep-manyf"
status "report with a loose threshold" 0
same "50 weak-unit findings listed (rows of the findings' weak-unit table)" \
    "$(awk '/^### [0-9.]* Weak units/ {f = 1; next} /^##/ {f = 0} f && /^\| [^-]/' "$T/rep-manyf/report.md" | wc -l)" 51
check "and the report says how many there are" \
    grep -qE 'With [0-9]+ such findings, the list shows 50: those of the units with the largest shortfalls' \
    "$T/rep-manyf/report.md"

# grouped by another question
run "$GS" report --wave 2026 --by position --out "$T/rep-by" --no-plots
status "report --by position --no-plots" 0
has "groups are position levels" "$T/rep-by/report.html" "<h2"
check "no plots directory with --no-plots" [ ! -d "$T/rep-by/plots" ]

# the parts from the answers question by question and the points: the
# Questions appendix, a cross-tabulation section, the points with their
# Spearman table, category subtotals in the units table
run "$GS" report --wave 2026 --lang en --crosstab position,party --out "$T/rep-q" --no-plots
status "report --crosstab position,party" 0
M="$T/rep-q/report.md"
check "a questions appendix" grep -q '^## Appendix [A-Z]. How each question was answered' "$M"
# a difference that rounds to zero has no sign ("+0 (0−0)" was printed for
# a unit without points)
check "no signed zero in any table" sh -c "! grep -qE '(^|[ |(])[+-]0(\.0+)?([ |)]|\$)' '$M'"
has "with the scale table of a dimension" "$M" "Political: answers per choice"
check "a section on the cross-tabulation" grep -qE '^## [0-9]+ Your position level by ' "$M"
has "with its chi-square test" "$M" "Chi-square test of independence"
check "a points section" grep -qE '^## [0-9]+ Bonus and deduction points' "$M"
has "with the Spearman table" "$M" "Net points and the staff's scores: Spearman correlation across units"
has "the units table has category subtotals" "$M" ": subtotal |"
for f in questions.csv crosstab.csv points.csv points_vs_staff.csv; do
    check "$f written" [ -s "$T/rep-q/$f" ]
done
"$GS" analyze --wave 2026 --json | python3 -c '
import json, sys
for g in json.load(sys.stdin)["groups"]:
    if g["suppressed"]:
        print(g["code"], g["name"])' > "$T/hidden.txt"
leak=""
while read -r code name; do
    grep -qE "(^|[^A-Za-z0-9_-])$code([^A-Za-z0-9_-]|$)" "$M" "$T/rep-q/questions.csv" "$T/rep-q/crosstab.csv" \
        "$T/rep-q/points.csv" && leak="$leak $code"
done < "$T/hidden.txt"
check "the report's hidden units are there to look for" [ -s "$T/hidden.txt" ]
same "no hidden unit's code in the new parts or their CSV files" "$leak" ""
run "$GS" report --wave 2026 --by category --out "$T/rep-cat" --no-plots --lang en
status "report --by category" 0
has "groups are categories" "$T/rep-cat/report.md" "Results by category"

# gnuplot missing: the report is still written and says what to install
run env GAPSURVEY_GNUPLOT=/nonexistent/gnuplot "$GS" --lang zh report --wave 2026 --out "$T/rep-nog"
status "a missing gnuplot fails the command" 1
has "the error names the package" "$T/err" "gnuplot-nox"
check "report.html is written anyway" [ -s "$T/rep-nog/report.html" ]
has "and says it has no plots" "$T/rep-nog/report.html" "本报告未包含图表"
check "the scripts are there to draw later" [ -s "$T/rep-nog/plots/heatmap.gp" ]

# progress: on a terminal the plots are counted on stderr (a slowed
# gnuplot makes the run last past the one-second delay on any machine)
if command -v script >/dev/null 2>&1; then
    printf '#!/bin/sh\nsleep 0.1\nexec gnuplot "$@"\n' > "$T/slowplot"
    chmod +x "$T/slowplot"
    GAPSURVEY_GNUPLOT="$T/slowplot" script -qc "'$GS' --lang en report --wave 2026 --out '$T/rep-tty'" /dev/null \
        > "$T/tty.log" 2>&1
    has "on a terminal: a progress line counts the plots" "$T/tty.log" "drawing plots ["
    GAPSURVEY_GNUPLOT="$T/slowplot" script -qc "'$GS' --lang zh report --wave 2026 --out '$T/rep-tty'" /dev/null \
        > "$T/tty.log" 2>&1
    has "... in the process's language" "$T/tty.log" "正在绘图 ["
    GAPSURVEY_GNUPLOT="$T/slowplot" script -qc "'$GS' --quiet report --wave 2026 --out '$T/rep-tty'" /dev/null \
        > "$T/tty.log" 2>&1
    hasnot "--quiet: no progress line" "$T/tty.log" "drawing plots"
fi

run "$GS" report --wave 2026
status "report without --out is a usage error" 2
has "it says --out is required" "$T/err" "--out DIR is required"

# demo: the whole job in one command
run "$GS" --lang zh demo --out "$T/demo"
status "demo" 0
check "demo wrote report.html" [ -s "$T/demo/report.html" ]
check "demo wrote report.md" [ -s "$T/demo/report.md" ]
check "demo kept its database" [ -s "$T/demo/demo.db" ]
has "demo prints the path of report.html" "$T/out" "$T/demo/report.html"
# the findings are tables: a weak unit is a row "| U07 name | dimension | **mean** |..."
for planted in "U07 科学部署" "U12 思想认识" "U23 高效型" "U31 廉洁型"; do
    set -- $planted
    check "demo finds the planted weakness $planted" grep -qE "^\| $1 [^|]*\| $2 \| \*\*" "$T/demo/report.md"
done
check "demo finds the overclaiming unit U07" grep -qE '^\| U07 .*\*\*▲ 高估\*\* \|$' "$T/demo/report.md"
check "demo finds the overclaiming unit U18" grep -qE '^\| U18 .*\*\*▲ 高估\*\* \|$' "$T/demo/report.md"
check "demo wrote report.docx" [ -s "$T/demo/report.docx" ]
# issue 19: the demo has the sections on where to act first and on
# measurement quality, with their plots, and names the first priorities
# the simulation built in (the overall judgement leans on understanding
# and planning, the two lowest dimensions)
has "demo: 优先改进 section" "$T/demo/report.md" "优先改进"
has "demo: 效度与信度 section" "$T/demo/report.md" "效度与信度"
check "demo: the priority matrix is drawn" [ -s "$T/demo/plots/priority.svg" ]
check "demo: the scree plot is drawn" [ -s "$T/demo/plots/scree.svg" ]
has "demo: planning is a first priority" "$T/out" "科学部署是首要改进维度"
has "demo: understanding is a first priority" "$T/out" "思想认识是首要改进维度"
check "demo: the careless screen flags some of the simulated careless respondents" \
    grep -qE '共标记[1-9][0-9]*份' "$T/demo/report.md"
run "$GS" --lang en demo --out "$T/demo"
status "demo again replaces the old database (English)" 0
has "English demo report" "$T/demo/report.html" "1 Overview"
has "English demo: Where to act first" "$T/demo/report.md" "Where to act first"
has "English demo: Measurement quality" "$T/demo/report.md" "Measurement quality"
