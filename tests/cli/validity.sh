# analyze --validity --drivers --screen against R: the validity, drivers
# and careless blocks of analyze --json must equal
# tests/r/validity_cli_ref.R's numbers (psych, GPArotation, lavaan; LMG and
# relative weights by definition) on two datasets, tests/fixtures/valcheck/
# (made in R) and the demo's simulated city (tests/fixtures/validity/demo/
# staff.csv): closed forms to 1e-6, the iterative fits (EFA, CFA) to 1e-4,
# parallel analysis within simulation error with the same numbers of
# factors and components, --factors 2 as psych::fa with two factors, and
# with --exclude-careless everything
# recomputed without the flagged respondents.  Then the findings the
# valcheck fixture was built to show (b4 belongs with the gamma items, c4
# barely loads), none of them on a simulated city, the outcome's errors in
# forms, the options' errors, the hidden units, and the report's sections.
. "$ROOT/tests/cli/lib.sh"
V="$FIX/valcheck"

run "$GS" init; status "init" 0
run "$GS" form add "$V/form.csv"; status "form with an outcome column" 0
run "$GS" unit import "$V/units.csv"; status "units" 0
run "$GS" import "$V/responses.csv" --form valcheck --format plain
status "responses imported" 0
has "223 of them" "$T/out" "223 responses imported"

# agreement NAME FORM EXPDIR: analyze --json of FORM in $GAPSURVEY_DB
# against R's four reference files in EXPDIR
agreement() {
    name=$1; form=$2; exp=$3
    close() {   # expected-file description tolerance-args -- analyze-args...
        ef=$1; desc=$2; rtol=$3; atol=$4; shift 4
        "$GS" analyze --form "$form" --json "$@" >"$T/actual.json" 2>"$T/err"
        if python3 "$ROOT/tests/cli/json_close.py" "$exp/$ef" "$T/actual.json" --rtol "$rtol" --atol "$atol" \
            >"$T/cmp" 2>&1; then
            ok "$name: $desc: $(tail -n 1 "$T/cmp" | sed 's/ (.*//')"
        else
            notok "$name: $desc"; sed 's/^/# /' "$T/cmp" | head -n 30
        fi
    }
    close expected-exact.json "R agreement to 1e-6: KMO, Bartlett, eigenvalues, drivers, careless" 1e-6 1e-12 \
        --validity --drivers --screen
    close expected-fit.json "R agreement to 1e-4: EFA (psych::fa), CFA (lavaan), omega, AVE" 0 1e-4 \
        --validity --drivers --screen
    close expected-exclude.json "R agreement with --exclude-careless: recomputed without the flagged" 1e-6 1e-12 \
        --validity --drivers --exclude-careless
    close expected-exclude-fit.json "R agreement to 1e-4 with --exclude-careless: EFA, CFA" 0 1e-4 \
        --validity --exclude-careless
    close expected-factors2.json "R agreement to 1e-4 with --factors 2: psych::fa of two factors" 0 1e-4 \
        --validity --factors 2
    "$GS" analyze --form "$form" --json --validity >"$T/a.json"
    python3 - "$T/a.json" "$exp/expected-pa.json" >"$T/pa" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["validity"]["parallel"]
e = json.load(open(sys.argv[2]))
print("factors", a["factors"], e["factors"], "components", a["components"], e["components"])
z = max(abs(x - y) / s for x, y, s in zip(a["simulated_95"], e["simulated_95"], e["simulated_95_sd"]))
zr = max(abs(x - y) / s for x, y, s in
         zip(a["simulated_95_reduced"], e["simulated_95_reduced"], e["simulated_95_reduced_sd"]))
print("within" if z < 1.5 and zr < 1.5 else "outside", "%.2f %.2f" % (z, zr))
print("iterations", a["iterations"], "seed", a["seed"])
PY
    nf=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(e["factors"], e["components"])' \
        "$exp/expected-pa.json")
    has "$name: parallel analysis: as many factors and components as psych's ($nf)" "$T/pa" \
        "factors ${nf% *} ${nf% *} components ${nf#* } ${nf#* }"
    has "$name: parallel analysis: percentiles within 1.5 SD of psych's simulation" "$T/pa" "within"
    has "$name: parallel analysis states its iterations and seed" "$T/pa" "iterations 100 seed 1"
}
agreement valcheck valcheck "$V"

# the shipped simulated city: the demo's wave 2026 as exported
# (tests/fixtures/validity/demo/staff.csv), references in $V/demo
export GAPSURVEY_DB="$T/demo.db"
"$GS" init >/dev/null
"$GS" form add "$Q/staff-opinion.csv" >/dev/null
"$GS" unit import "$Q/units-sample.csv" >/dev/null
run "$GS" import "$FIX/validity/demo/staff.csv" --form staff-opinion --format plain
status "the demo's responses imported" 0
agreement demo staff-opinion "$V/demo"
export GAPSURVEY_DB="$T/test.db"
"$GS" analyze --form valcheck --json --validity >"$T/a.json"

# the findings the fixture was built to show, as data and as sentences
python3 - "$T/a.json" >"$T/f" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(f["kind"], f.get("item"), f.get("dimension"), f.get("other_dimension"), sorted(f["values"]))
PY
has "b4 belongs with the gamma items (data)" "$T/f" "cross_loading b4 beta_dim gamma_dim ['loading', 'other_loading']"
has "c4 barely loads on its own dimension (data)" "$T/f" "low_loading c4 gamma_dim None ['loading']"
same "no other item is reported" "$(grep -c 'loading' "$T/f")" 2
run "$GS" analyze --form valcheck --validity
has "b4 belongs with the gamma items (sentence)" "$T/out" \
    "Item b4 belongs with the Gamma items more than with Beta: it loads 0.69 on their factor and -0.01 on its own dimension's."
has "c4 (sentence)" "$T/out" "Item c4 loads only 0.19 on the factor of its dimension Gamma (below 0.40)"
run "$GS" --lang zh analyze --form valcheck --validity
has "in Chinese too" "$T/out" "题目b4"

# convergent validity: every valcheck dimension has an AVE below 0.50 but
# omega above 0.60, which Fornell and Larcker accept: said once in the
# report, no finding.  Three unrelated items as one dimension (a1, b1,
# c4) do not converge (omega 0.40): a finding for that one only.  Two
# (a3, c4) make lavaan's improper solution (a negative factor variance):
# a warning, no omega.
hasnot "valcheck: an AVE below 0.50 with omega above 0.60 is no finding" "$T/f" "low_ave"
run "$GS" report --form valcheck --validity --out conv --lang en --format md --no-plots
has "the reliability table's note says what is marked: omega below 0.70" conv/report.md \
    "omega: composite reliability of the standardized solution, marked below 0.70"
has "the report says it once, with the ranges" conv/report.md \
    "The average variance extracted is below 0.50 on Alpha, Beta, Gamma (0.37–0.42): their items share less than half of their variance with the dimension. Their composite reliability (omega 0.68–0.74) is above 0.60"
mixform() {   # NAME ITEM...: valcheck's form as NAME with ITEMs in a dimension mix_dim
    n=$1; shift
    expr=""
    for it in "$@"; do expr="$expr; s/^\(,select_one agree5,$it,[^,]*\),[a-z]*_dim,/\1,mix_dim,/"; done
    sed "s/^,valcheck,1,/,$n,1,/; s/^,gamma_dim,Gamma\$/&\n,mix_dim,Mix/$expr" "$V/form.csv" >"$n.csv"
    "$GS" form add "$n.csv" >/dev/null
    "$GS" import "$V/responses.csv" --form "$n" --format plain >/dev/null
    "$GS" analyze --form "$n" --validity --json >"$T/$n.json"
    python3 - "$T/$n.json" >"$T/$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("low_ave", [f["dimension"] for f in d["findings"] if f["kind"] == "low_ave"])
print("omega", [(c["code"], c["omega"] is None) for c in d["validity"]["cfa"]["dimensions"]])
for w in d["warnings"]:
    print("warning", w)
PY
}
mixform valmix1 a1 b1 c4
has "unrelated items: low_ave for their dimension only" "$T/valmix1" "low_ave ['mix_dim']"
run "$GS" analyze --form valmix1 --validity
has "worded: the items do not converge" "$T/out" \
    "Mix: the average variance extracted is 0.20, below 0.50, and the composite reliability (omega = 0.40) is below 0.60: the items do not converge on the dimension."
mixform valmix2 a3 c4
has "a negative factor variance: omega undefined, as lavaan's NA" "$T/valmix2" "('mix_dim', True)"
has "and a warning says why" "$T/valmix2" \
    "warning Mix: the confirmatory factor analysis estimates a negative variance for this dimension's factor"
hasnot "no low_ave finding from an undefined AVE" "$T/valmix2" "low_ave ['mix_dim']"

# a simulated city whose items load where the form puts them: no item,
# factor-count or fit finding; straight-liners only when simulated
export GAPSURVEY_DB="$T/sim.db"
"$GS" init >/dev/null
"$GS" simulate --units 10 --staff 40 --seed 5 >/dev/null
"$GS" analyze --validity --drivers --screen --json >"$T/sim.json"
python3 - "$T/sim.json" >"$T/s" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("kinds", sorted({f["kind"] for f in d["findings"]}))
print("straightlining", d["careless"]["straightlining"], "outcome", d["drivers"]["outcome"])
print("factors", d["validity"]["parallel"]["factors"], d["validity"]["efa"]["factor_dimensions"])
PY
for k in cross_loading low_loading factor_count poor_fit; do
    hasnot "simulated city: no $k finding" "$T/s" "'$k'"
done
has "simulated city: nobody straight-lines" "$T/s" "straightlining 0 outcome overall"
has "simulated city: seven factors, one per dimension" "$T/s" \
    "factors 7 ['"
export GAPSURVEY_DB="$T/careless.db"
"$GS" init >/dev/null
"$GS" simulate --units 10 --staff 40 --seed 5 --careless 0.1 >/dev/null
"$GS" analyze --screen --json >"$T/c.json"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["careless"]; print("ok" if c["straightlining"] > 5 and c["mahalanobis"] > 3 else c)' \
    "$T/c.json" >"$T/c"
has "simulate --careless 0.1: the screen finds straight-liners and outliers" "$T/c" "ok"
export GAPSURVEY_DB="$T/test.db"

# --exclude-careless says so wherever respondents are counted
run "$GS" analyze --form valcheck --exclude-careless
has "the table's head counts the left out" "$T/out" "218 respondents (5 more left out as careless)"
has "and the screen says they are left out" "$T/out" "5 flagged in all, left out of every statistic"

# hidden units: no drivers, no careless count; units below 10 per
# predictor get no fit and say why
"$GS" analyze --form valcheck --json --drivers --screen --min-n 10 >"$T/h.json"
python3 - "$T/h.json" >"$T/h" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("drivers", [(g["code"], g["computed"], g.get("reason")) for g in d["drivers"]["groups"]])
print("careless", [(g["code"], g.get("careless")) for g in d["groups"]])
PY
has "drivers per unit: V1 and V2 fit, V3 below 30 respondents says why, V3 and V4 hidden at --min-n 10" "$T/h" \
    "drivers [('V1', True, None), ('V2', True, None)]"
has "careless per unit: V1 and V2 counted, hidden V3 and V4 show no count" "$T/h" \
    "careless [('V1', 3), ('V2', 2), ('V3', None), ('V4', None)]"
"$GS" analyze --form valcheck --json --drivers >"$T/h.json"
python3 - "$T/h.json" >"$T/h" <<'PY'
import json, sys
print([(g["code"], g["computed"], g.get("reason")) for g in json.load(open(sys.argv[1]))["drivers"]["groups"]])
PY
has "drivers per unit at the default --min-n" "$T/h" \
    "[('V1', True, None), ('V2', True, None), ('V3', False, 'few_respondents'), ('V4', False, 'few_respondents')]"

# options
run "$GS" analyze --form valcheck --factors 12
status "--factors as many as the items: an error" 1
has "it says how many the form allows" "$T/err" "--factors 12: form valcheck has 12 Likert items, so at most 11 factors"
run "$GS" analyze --form valcheck --factors 0
status "--factors 0 is a usage error" 2
"$GS" analyze --form valcheck --factors 2 --json >"$T/f2.json"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["validity"]["efa"]; print("efa", e["factors"], len(e["ss_loadings"]))' \
    "$T/f2.json" >"$T/f2"
has "--factors 2 asks for the EFA with two factors" "$T/f2" "efa 2 2"
"$GS" analyze --form valcheck --json >"$T/plain.json"
has "without the options: no validity, drivers or careless block" "$T/plain.json" \
    "\"validity\": null,
  \"drivers\": null,
  \"careless\": null"

# the outcome in forms: errors name the cell
sed 's/^,select_one agree5,overall,\(.*\),,,yes$/,select_one agree5,overall,\1,alpha_dim,,yes/' "$V/form.csv" >o1.csv
run "$GS" form check o1.csv
status "an outcome inside a dimension is refused" 1
has "naming line and column" "$T/err" "o1.csv:15:7: error: outcome 'overall' belongs to dimension 'alpha_dim'"
sed 's/^\(,select_one agree5,a2,.*\),$/\1,yes/' "$V/form.csv" >o2.csv
run "$GS" form check o2.csv
has "a second outcome is refused" "$T/err" "o2.csv:15:7: error: 'overall' is a second outcome: line 4 marks one already"
sed 's/,outcome$/,outcome/; s/^\(,text,comment,.*\),$/\1,maybe/' "$V/form.csv" >o3.csv
run "$GS" form check o3.csv
has "outcome takes yes or no" "$T/err" "o3.csv:16:7: error: outcome must be yes or no, not 'maybe'"
sed 's/^,form_id,version,form_title,default_language,role$/&,outcome_field/; s/^,valcheck,1,Validity check,English (en),staff$/&,comment/' \
    "$V/form.csv" >o4.csv
run "$GS" form check o4.csv
has "settings and the column disagree" "$T/err" \
    "o4.csv:15:7: error: 'overall' is marked outcome, but settings name 'comment' as outcome_field"
has "and a text outcome is refused where settings name it" "$T/err" \
    "o4.csv:26:7: error: outcome 'comment' must be a select_one question with a numeric choice list"
run "$GS" form check "$Q/staff-opinion.csv"
status "the shipped staff form names its outcome in settings" 0
# the report's sections, in both languages, with their plots
run "$GS" report --form valcheck --validity --drivers --screen --out rep-en --lang en --format all
status "report with the three parts" 0
has "Where to act first (en)" rep-en/report.md "Where to act first"
has "Measurement quality (en)" rep-en/report.md "Measurement quality"
has "methods name minres and oblimin gamma 0" rep-en/report.md "oblimin rotation with gamma 0"
has "methods name ML on complete cases" rep-en/report.md "maximum likelihood on the complete cases"
has "methods name Pratt's measure" rep-en/report.md "Pratt's measure"
check "priority matrix drawn" [ -s rep-en/plots/priority.svg ]
check "scree plot drawn" [ -s rep-en/plots/scree.svg ]
check "the Word document has both sections" sh -c \
    "unzip -p rep-en/report.docx word/document.xml | grep -q 'Where to act first' &&
     unzip -p rep-en/report.docx word/document.xml | grep -q 'Measurement quality'"
run "$GS" report --form valcheck --validity --drivers --screen --out rep-zh --lang zh --format html,md
has "优先改进 (zh)" rep-zh/report.md "优先改进"
has "效度与信度 (zh)" rep-zh/report.md "效度与信度"
has "the note on omega in Chinese too" rep-zh/report.md "低于信度通常标准0.70者标出"
# the SVG plots (inline in report.html): no two labels on top of each
# other, e.g. the scree plot's key over its x label (the SVG terminal set
# the English key in one column of four rows while the margin had room
# for two).  Text widths estimated as 0.55 em a Latin letter, 1 em a
# Chinese character.
python3 - rep-en/plots/scree.svg rep-en/plots/priority.svg rep-zh/plots/scree.svg \
    rep-zh/plots/priority.svg rep-en/plots/priority-V1.svg rep-zh/plots/priority-V2.svg >"$T/svg" <<'PY'
import re, sys
for path in sys.argv[1:]:
    boxes = []
    for m in re.finditer(r'<g transform="translate\(([-0-9.]+),([-0-9.]+)\)"[^>]*font-size="([0-9.]+)"'
                         r'(?:[^>]*text-anchor="(\w+)")?[^>]*>\s*<text>([^<]+)</text>', open(path).read()):
        x, y, size, anchor, s = float(m[1]), float(m[2]), float(m[3]), m[4] or "start", m[5]
        w = sum(size if ord(c) > 0x2e80 else 0.55 * size for c in s)
        x0 = x - {"middle": w / 2, "end": w}.get(anchor, 0)
        boxes.append((x0, x0 + w, y - 0.8 * size, y + 0.2 * size, s))
    for i, p in enumerate(boxes):
        for q in boxes[i + 1:]:
            if p != q and min(p[1], q[1]) - max(p[0], q[0]) > 2 and min(p[3], q[3]) - max(p[2], q[2]) > 2:
                print("%s: '%s' over '%s'" % (path, p[4], q[4]))
    print("%s: %d labels" % (path, len(boxes)))
PY
hasnot "the SVG plots have no label over another (scree, priority; en, zh)" "$T/svg" "' over '"
check "and the check read the plots' labels" grep -qE '^rep-zh/plots/priority.svg: [0-9]{2,} labels' "$T/svg"

# each unit with drivers of its own (V1, V2: 30 respondents for three
# dimensions) gets its priority matrix after the table of units; V3 and
# V4 are below that and get none, and the report says why
for u in V1 V2; do
    check "priority matrix of $u drawn (en, zh)" [ -s rep-en/plots/priority-$u.svg -a -s rep-en/plots/priority-$u.png \
        -a -s rep-en/plots/priority-$u.print.png -a -s rep-zh/plots/priority-$u.svg ]
done
check "no priority matrix for V3 and V4 (below 10 per dimension)" \
    sh -c '! ls rep-en/plots rep-zh/plots | grep -q "priority-V[34]"'
has "the report says why the others have none" rep-en/report.md \
    "2 units have at least 30 respondents with the overall judgement and every dimension score (10 per dimension) and get priorities of their own, by the same rule against their own medians; the others are left out, their shares would be mostly noise."
python3 - rep-en/report.md rep-zh/report.md rep-en/report.html <<'PY' >"$T/pm"
import re, sys
for path in sys.argv[1:3]:
    t = open(path).read()
    table = t.index("First priorities by unit" if "-en" in path else "各单位的首要改进维度")
    figs = [(m.start(), m[1]) for m in re.finditer(r"\]\(plots/(priority[^)]*)\.png\)", t)]
    print(path, "after the table:", [f for at, f in figs if at > table], "before:", [f for at, f in figs if at < table])
h = open(sys.argv[3]).read()
print("html figures", re.findall(r'<figure id="fig-(priority[^"]*)"', h))
PY
has "Markdown: the units' matrices after their table (en)" "$T/pm" \
    "rep-en/report.md after the table: ['priority-V1', 'priority-V2'] before: ['priority']"
has "Markdown: the same in Chinese" "$T/pm" \
    "rep-zh/report.md after the table: ['priority-V1', 'priority-V2'] before: ['priority']"
has "HTML: the three matrices inline" "$T/pm" "html figures ['priority', 'priority-V1', 'priority-V2']"
has "the title names the unit (en)" rep-en/report.md \
    ". Priority matrix of V1 Unit One: importance for the overall judgement and mean score*"
has "the title names the unit (zh)" rep-zh/report.md "V2 Unit Two：优先改进矩阵（对总体评价的重要性与得分均值）"
nfig=$(grep -c '<figure id=' rep-en/report.html)
nimg=$(unzip -p rep-en/report.docx word/document.xml | grep -o '<pic:pic ' | wc -l)
check "the Word document has every figure of the HTML, the units' matrices too ($nimg of $nfig)" \
    [ "$nimg" -eq "$nfig" -a "$nfig" -gt 2 ]
check "and its captions name both units" sh -c \
    "unzip -p rep-en/report.docx word/document.xml | grep -q 'Priority matrix of V1 Unit One' &&
     unzip -p rep-en/report.docx word/document.xml | grep -q 'Priority matrix of V2 Unit Two'"

# the feedback report of a unit with drivers of its own has its matrix;
# one below the n says why it has none
run "$GS" report --form valcheck --drivers --unit V1 --out fb-en --lang en --format all
status "feedback report of V1" 0
check "V1's matrix drawn beside its feedback report" [ -s fb-en/plots/priority-V1.png -a -s fb-en/plots/priority-V1.svg ]
has "in its Markdown" fb-en/V1.md "![Priority matrix of V1 Unit One: importance for the overall judgement and mean score](plots/priority-V1.png)"
check "in its HTML" grep -q '<figure id="fig-priority-V1"' fb-en/V1.html
check "in its Word document (one picture)" sh -c \
    "[ \$(unzip -p fb-en/V1.docx word/document.xml | grep -o '<pic:pic ' | wc -l) -eq 1 ]"
has "with its own fit" fb-en/V1.md "Over the unit's 126 respondents with the overall judgement and every dimension score"
hasnot "and no other unit's" fb-en/V1.md "Unit Two"
run "$GS" report --form valcheck --drivers --unit V3 --out fb-en --lang en --format html,md
check "V3: no matrix" [ ! -e fb-en/plots/priority-V3.png ]
has "V3's feedback report says why" fb-en/V3.md \
    "Priorities of the unit's own would need 30 respondents with the overall judgement and every dimension score (10 per dimension); it has 23, and with fewer the shares would be mostly noise, so none are computed for it."
run "$GS" report --form valcheck --drivers --unit V2 --out fb-zh --lang zh --format html,md
has "V2's feedback report in Chinese" fb-zh/V2.md "![V2 Unit Two：优先改进矩阵（对总体评价的重要性与得分均值）](plots/priority-V2.png)"
run "$GS" report --form valcheck --drivers --unit V1 --out fb-np --format html,md --no-plots
check "--no-plots: no matrix for the feedback report either" [ ! -e fb-np/plots/priority-V1.png ]

# more units with drivers of their own than the report draws: the 12
# with the most respondents, the rest said in one sentence; a hidden unit
# never gets one.  Valcheck's form, 14 units of 31-44 respondents, one of
# 20, one of 3 (hidden at --min-n 5).
export GAPSURVEY_DB="$T/many.db"
"$GS" init >/dev/null
"$GS" form add "$V/form.csv" >/dev/null
python3 - <<'PY'
import random
rnd = random.Random(19)
sizes = {"M%02d" % i: 31 + i for i in range(1, 15)}
sizes.update({"M15": 20, "M16": 3})
with open("many-units.csv", "w") as f:
    f.write("code,name,category,parent,headcount\n")
    for u, n in sizes.items():
        f.write("%s,Unit %s,bureau,,%d\n" % (u, u, 2 * n))
with open("many.csv", "w") as f:
    f.write("unit,a1,a2,a3,a4,b1,b2,b3,b4,c1,c2,c3,c4,overall,comment\n")
    c = lambda x: str(min(5, max(1, round(x))))
    for u, n in sizes.items():
        for _ in range(n):
            z = [rnd.gauss(0, 1) for _ in range(3)]
            items = [c(3 + z[k // 4] * (-1 if k == 2 else 1) + rnd.gauss(0, 0.7)) for k in range(12)]
            w = [rnd.uniform(0.1, 1) for _ in range(3)]
            f.write("%s,%s,%s,\n" % (u, ",".join(items), c(3 + sum(a * b for a, b in zip(w, z)) + rnd.gauss(0, 0.6))))
PY
"$GS" unit import many-units.csv >/dev/null
"$GS" import many.csv --form valcheck --format plain >/dev/null
"$GS" analyze --form valcheck --drivers --json >"$T/many.json"
python3 -c 'import json,sys; print("fitted", sorted(g["code"] for g in json.load(open(sys.argv[1]))["drivers"]["groups"] if g["computed"]))' \
    "$T/many.json" >"$T/many"
has "14 units have drivers of their own" "$T/many" \
    "fitted ['M01', 'M02', 'M03', 'M04', 'M05', 'M06', 'M07', 'M08', 'M09', 'M10', 'M11', 'M12', 'M13', 'M14']"
run "$GS" report --form valcheck --drivers --out rep-many --lang en --format all
status "report of 16 units" 0
ls rep-many/plots | sed -n 's/^priority-\([^.]*\)\.png$/\1/p' | tr '\n' ' ' >"$T/drawn"
has "the 12 with the most respondents drawn (M03-M14), not M01, M02, M15 or hidden M16" "$T/drawn" \
    "M03 M04 M05 M06 M07 M08 M09 M10 M11 M12 M13 M14 "
has "the rest in one sentence, with where their numbers are" rep-many/report.md \
    "The priority matrices below are those of the 12 units with the most respondents; the first priorities of all 14 are in the table above, and each one's importance and mean scores in the JSON (drivers.groups of gapsurvey analyze --drivers --json)."
check "HTML and Word: the city's matrix and the 12 units'" sh -c \
    "[ \$(grep -c '<figure id=\"fig-priority' rep-many/report.html) -eq 13 ] &&
     [ \$(unzip -p rep-many/report.docx word/document.xml | grep -o 'Priority matrix of ' | wc -l) -ge 12 ]"
run "$GS" report --form valcheck --drivers --unit M01 --out many-fb --format html,md
check "a unit beyond the 12 still gets its matrix in its own feedback report" \
    grep -q '](plots/priority-M01.png)' many-fb/M01.md
run "$GS" report --form valcheck --drivers --unit M16 --out many-fb --format html,md
check "a hidden unit gets none" [ ! -e many-fb/plots/priority-M16.png ]
hasnot "and its notice has no priorities" many-fb/M16.md "Where to act first"
export GAPSURVEY_DB="$T/test.db"

# a later version of the form without an outcome: --drivers says why
sed 's/,outcome$/,/; s/,,,yes$/,,,/' "$V/form.csv" | sed 's/^,valcheck,1,/,valcheck,2,/' >noout.csv
"$GS" form add noout.csv >/dev/null 2>&1
run "$GS" analyze --form valcheck --drivers
has "--drivers on a form without an outcome says why there are none" "$T/out" \
    "no key drivers: the form names no outcome"

