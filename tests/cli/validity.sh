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
    rep-zh/plots/priority.svg >"$T/svg" <<'PY'
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

# a later version of the form without an outcome: --drivers says why
sed 's/,outcome$/,/; s/,,,yes$/,,,/' "$V/form.csv" | sed 's/^,valcheck,1,/,valcheck,2,/' >noout.csv
"$GS" form add noout.csv >/dev/null 2>&1
run "$GS" analyze --form valcheck --drivers
has "--drivers on a form without an outcome says why there are none" "$T/out" \
    "no key drivers: the form names no outcome"

