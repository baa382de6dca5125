# analyze --json against R: every statistic of tests/fixtures/rcheck/expected*.json
# (written by tests/r/analyze_ref.R with psych, multilevel and stats) must
# agree to 1e-6 relative.  Also checks the JSON contract with a parser.
. "$ROOT/tests/cli/lib.sh"
R="$FIX/rcheck"

run "$GS" init; status "init" 0
run "$GS" form add "$R/staff.csv" "$R/self.csv"; status "forms" 0
run "$GS" unit import "$R/units.csv"; status "units" 0
run "$GS" import "$R/staff-responses.csv" --form rcheck-staff --format plain
status "staff responses imported" 0
has "108 of them" "$T/out" "108 responses imported"
run "$GS" import "$R/self-responses.csv" --form rcheck-self --format plain
status "self responses imported" 0

compare() {   # expected-file description analyze-args...
    fcompare rcheck-staff "$@"
}
fcompare() {   # form expected-file description analyze-args...
    form=$1; exp=$2; desc=$3; shift 3
    "$GS" analyze --form "$form" --json "$@" > "$T/actual.json" 2>"$T/err"
    if python3 "$ROOT/tests/cli/json_close.py" "$R/$exp" "$T/actual.json" --rtol 1e-6 --atol 1e-13 > "$T/cmp" 2>&1; then
        ok "$desc: $(tail -n 1 "$T/cmp" | sed 's/ (.*//')"
    else
        notok "$desc"; sed 's/^/# /' "$T/cmp" | head -n 30
    fi
}
compare expected.json "R agreement, min_n 5 (complementary suppression; two hidden units pooled)"
compare expected-min-n-4.json "R agreement, min_n 4" --min-n 4 --allow-small-groups
compare expected-by-level.json "R agreement, --by level" --by level

# the feedback report of a hidden unit says why it is hidden: R6 (2
# respondents) had too few; R5 (9) is hidden only as the complement of
# R6 and R7, and had enough
for u in R5 R6; do
    run "$GS" report --form rcheck-staff --unit $u --format html --no-plots --out "$T/fb"
    status "report --unit $u (hidden)" 0
done
hasnot "R5's notice does not say it had too few respondents" "$T/fb/R5.html" "R5 Unit Five had fewer respondents"
has "R5's notice: hidden so that the small units' results cannot be worked out" "$T/fb/R5.html" \
    "other units had fewer respondents than the minimum of 5"
has "R6's notice: too few respondents" "$T/fb/R6.html" "R6 Unit Six had fewer respondents in this wave than the minimum of 5"
hasnot "R5's notice has no table" "$T/fb/R5.html" "<table"

# every question counted, cross-tabulations, the self-assessment's points
# and the roll-up by category (make_items.R, tests/r/items_ref.R)
DB0=$GAPSURVEY_DB   # the database under test ($T/test.db, or PostgreSQL under pg.sh)
export GAPSURVEY_DB="$T/items.db"
run "$GS" init; status "items: init" 0
run "$GS" form add "$R/items-staff.csv" "$R/items-self.csv"; status "items: forms" 0
run "$GS" unit import "$R/items-units.csv"; status "items: units" 0
run "$GS" import "$R/items-staff-responses.csv" --form items-staff --format plain
has "items: 200 staff responses" "$T/out" "200 responses imported"
run "$GS" import "$R/items-self-responses.csv" --form items-self --format plain
has "items: 12 self-assessments" "$T/out" "12 responses imported"
icompare() {   # expected-file description analyze-args...
    fcompare items-staff "$@"
}
icompare expected-items.json "R agreement, --items: counts, percentages, not applicable, means, quartiles; points; Spearman (Edgeworth, t)" --items
icompare expected-items-min-n-20.json "R agreement, --items --min-n 20: Spearman exact (6 units)" --items --min-n 20
icompare expected-items-x-level-party.json "R agreement, --crosstab level,party: chi-square 3 x 2, no cell suppressed" --crosstab level,party
icompare expected-items-x-level-p1.json "R agreement, --crosstab level,p1: cells suppressed, the test over merged columns" --crosstab level,p1
icompare expected-items-x-party-mgr.json "R agreement, --crosstab party,mgr: 2 x 2 with Yates" --crosstab party,mgr
icompare expected-items-x-unit-level.json "R agreement, --crosstab unit,level: hidden units pooled, merged rows" --crosstab unit,level
icompare expected-items-by-category.json "R agreement, --by category" --by category
icompare expected-items-by-parent.json "R agreement, --by parent (U10: its hidden units U11 and U12; the parents' own staff in no group)" --by parent
"$GS" analyze --form items-staff --json --items --crosstab unit,level > "$T/items.json"
python3 - "$T/items.json" > "$T/items.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
hidden = {g["code"] for g in d["groups"] if g["suppressed"]}
print("hidden", sorted(hidden))
bad = [q["name"] for q in d["questions"] for g in q["groups"] if g["group"] in hidden]
print("hidden group counted:", bad)
x = d["crosstab"]
print("hidden crosstab rows:", [r for r in x["row_names"] if r in hidden])
print("small cells shown:", [v for row in x["table"] for v in row if v is not None and 0 < v < d["min_n"]])
PY
has "items: U11 and U12 are hidden" "$T/items.txt" "hidden ['U11', 'U12']"
has "items: no hidden unit has per-group counts" "$T/items.txt" "hidden group counted: []"
has "items: no hidden unit is a crosstab row (they are pooled)" "$T/items.txt" "hidden crosstab rows: []"
has "items: the crosstab shows no cell of 1-4" "$T/items.txt" "small cells shown: []"
# R's chisq.test warns on unit,level (one expected count of 3.44): so does analyze
has "items: the expected-count warning, as R's" "$T/items.json" \
    "cross-tabulation: 1 cell has an expected count below 5, so the chi-square approximation may be incorrect"
"$GS" analyze --form items-staff --json --crosstab level,party > "$T/lp.json"
hasnot "items: and none where every expected count is 5 or more (level,party)" "$T/lp.json" "expected count below 5"
# the report's Questions appendix: party and mgr (both yes/no, in no
# dimension) share a table, whose caption names neither alone
run "$GS" report --form items-staff --format md --no-plots --lang en --out "$T/irep"
status "items: report" 0
hasnot "items: the shared table is not captioned by its first question" "$T/irep/report.md" \
    "Are you a party member?: answers per choice"
has "items: it is captioned by what its rows share" "$T/irep/report.md" \
    "Questions with the same choices: answers per choice**"
has "items: with a row for each question" "$T/irep/report.md" "| mgr Do you manage staff? | 179 | 28% | 72% | 21 |"
# the report's cross-tabulation: row and column percentages (R's table,
# expected-items-x-level-party.json: Junior 80 of Yes's 125, 26 of No's
# 54, 106 of 179)
run "$GS" report --form items-staff --crosstab level,party --format md --no-plots --lang en --out "$T/xrep"
status "items: report --crosstab level,party" 0
has "items: the row percentages" "$T/xrep/report.md" "| Junior | 80 (75%) | 26 (25%) | 106 |"
has "items: the column percentages" "$T/xrep/report.md" "| Junior | 64% | 48% | 59% |"
run "$GS" analyze --form items-staff --crosstab level
status "--crosstab with one question is a usage error" 1
has "and says how to write it" "$T/err" "two questions separated by a comma"
run "$GS" analyze --form items-staff --crosstab level,why
status "--crosstab with a text question fails" 1
has "naming the question" "$T/err" "'why' is not a select_one question"
run "$GS" analyze --form items-staff --by category --crosstab unit,level
status "--crosstab unit (the unit question) in an analysis by category fails" 1
has "saying which --by it needs" "$T/err" "--by unit"
run "$GS" analyze --form items-staff --by category --crosstab category,level --json
status "--crosstab category,level in an analysis by category" 0
run "$GS" analyze --form items-staff --by parent --json
status "--by parent" 0
has "parent groups are named by the parent unit" "$T/out" '"code": "U01", "name": "Unit 01"'
export GAPSURVEY_DB="$DB0"

# the edge cases (make_edge.py): zero variance, mixed scales, a one-item
# dimension, two hidden units pooled into one block
run "$GS" form add "$R/edge-staff.csv" "$R/edge-self.csv"; status "edge forms" 0
has "form add warns that mix_dim mixes answer scales" "$T/err" "dimension 'mix_dim' mixes answer scales"
run "$GS" form check "$R/edge-staff.csv"
has "form check warns about the mixed scales too" "$T/err" "edge-staff.csv:6: warning: dimension 'mix_dim' mixes answer scales: m1 has 5 choices (1-5), m3 has 7 (1-7)"
run "$GS" unit import "$R/edge-units.csv"; status "edge units" 0
run "$GS" import "$R/edge-staff-responses.csv" --form edge-staff --format plain
status "edge staff responses imported" 0
run "$GS" import "$R/edge-self-responses.csv" --form edge-self --format plain
status "edge self responses imported" 0
"$GS" analyze --form edge-staff --json > "$T/edge.json" 2>"$T/err"
if python3 "$ROOT/tests/cli/json_close.py" "$R/expected-edge.json" "$T/edge.json" --rtol 1e-6 --atol 1e-13 > "$T/cmp" 2>&1; then
    ok "R agreement, edge cases: $(tail -n 1 "$T/cmp" | sed 's/ (.*//')"
else
    notok "R agreement, edge cases"; sed 's/^/# /' "$T/cmp" | head -n 30
fi
python3 - "$T/edge.json" > "$T/edgew" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("\n".join(d["warnings"]))
g = {x["unit"] + "." + x["dimension"]: x for x in d["gaps"]}
print("E1 flag", g["E1.base_dim"]["flag"], "E1 ci", [x for x in d["groups"] if x["code"] == "E1"][0]["scores"]["base_dim"]["ci_low"])
dm = {x["code"]: x for x in d["dimensions"]}
print("solo alpha_n", dm["solo_dim"]["alpha_n"], "mix alpha_n", dm["mix_dim"]["alpha_n"])
PY
has "zero variance: no CI for the unit where everyone agrees" "$T/edgew" "E1 flag None E1 ci None"
has "zero variance: the warning says why" "$T/edgew" "Base: 1 group has fewer than two scores or all equal ones"
has "zero variance: no gap flag, and the warning says why" "$T/edgew" "Base: 1 self-assessment has no flag"
has "one item: the warning says so" "$T/edgew" "Solo: one item only, so no reliability"
has "one item: alpha_n is null; three items: the complete cases" "$T/edgew" "solo alpha_n None mix alpha_n 38"
has "Welch with a constant group: the warning says why" "$T/edgew" "a group has fewer than two scores or no variance"

# the contract of DESIGN.md section 6, read with a JSON parser
"$GS" analyze --form rcheck-staff --json > "$T/a.json"
python3 - "$T/a.json" > "$T/contract" 2>&1 <<'PY'
import json, sys, math
d = json.load(open(sys.argv[1]))
bad = []
def need(obj, keys, where):
    for k in keys:
        if k not in obj:
            bad.append(f"{where}: missing {k}")
need(d, ["form", "wave", "respondents", "group_by", "min_n", "min_diff", "fdr",
         "dimensions", "groups", "gaps", "changes", "findings"], "top")
for dm in d["dimensions"]:
    need(dm, ["code", "label", "n", "mean", "sd", "ci_low", "ci_high", "alpha", "std_alpha",
              "average_r", "alpha_ci_low", "alpha_ci_high", "items", "anova", "welch_anova",
              "kruskal", "icc1", "icc2", "deviation", "t", "p", "q", "rank", "weak"], dm.get("code"))
    for it in dm["items"]:
        need(it, ["name", "n", "mean", "sd", "r_drop", "alpha_if_dropped"], it.get("name"))
    need(dm["anova"], ["f", "df_between", "df_within", "p", "eta2", "omega2"], "anova")
    need(dm["welch_anova"], ["f", "df_between", "df_within", "p"], "welch")
    need(dm["kruskal"], ["h", "df", "p"], "kruskal")
    for k in ["p", "q"]:
        if not isinstance(dm[k], (int, float)) or isinstance(dm[k], bool):
            bad.append(f"{dm['code']}.{k} is not a number")
for g in d["groups"]:
    need(g, ["code", "name", "suppressed"], g.get("code"))
    if g["suppressed"]:
        if set(g) - {"code", "name", "suppressed"}:
            bad.append(f"suppressed {g['code']} shows {sorted(set(g) - {'code','name','suppressed'})}")
        continue
    need(g, ["n", "invited", "response_rate", "scores"], g["code"])
    for dim, s in g["scores"].items():
        need(s, ["n", "mean", "sd", "ci_low", "ci_high", "shrunk", "rwg_j", "diff", "t", "df",
                 "p", "q", "weak", "funnel"], g["code"] + "." + dim)
        if s["funnel"] not in ("inside", "below_95", "below_998", "above_95", "above_998"):
            bad.append("bad funnel " + s["funnel"])
for gp in d["gaps"]:
    need(gp, ["unit", "dimension", "self", "staff", "staff_ci_low", "staff_ci_high", "gap", "flag"], "gap")
    if gp["flag"] not in ("overclaim", "underclaim", "consistent"):
        bad.append("bad gap flag")
for f in d["findings"]:
    need(f, ["kind", "text"], "finding")
print("\n".join(bad) if bad else "contract ok")
sys.exit(1 if bad else 0)
PY
if [ $? -eq 0 ]; then ok "analyze --json follows the contract"; else notok "contract"; sed 's/^/# /' "$T/contract"; fi
has "response rate from headcount (R1: 40 of 50)" "$T/a.json" '"invited": 50, "response_rate": 0.8'

# findings name the weak unit, weak dimension and the overclaiming unit
run "$GS" analyze --form rcheck-staff
status "terminal table" 0
has "weak dimension found" "$T/out" "Beta is a weak dimension"
has "weak unit found" "$T/out" "Unit Two (R2) is weak on Beta"
has "overclaim found, on the one dimension outside one staff member's range" "$T/out" "Unit Two (R2) rates itself above what its staff report on 1 dimension"
has "with both scores and the range it is judged against" "$T/out" "Beta: self 91.7, staff 37.7 (one staff member's 95% range 2.9-72.4), +54.0 points"
hasnot "R1's self score on Alpha, inside one member's range, is no underclaim" "$T/out" "rates itself below"
hasnot "suppressed unit R6 not in the table" "$T/out" "Unit Six"
hasnot "complementary-suppressed unit R5 not in the table" "$T/out" "Unit Five"
run "$GS" --lang zh analyze --form rcheck-staff
has "findings in Chinese" "$T/out" "是薄弱维度"

run "$GS" analyze --form rcheck-staff --csv "$T/tables"
status "--csv writes tables" 0
check "dimensions.csv starts with a BOM" sh -c "head -c 3 '$T/tables/dimensions.csv' | od -An -tx1 | grep -q 'ef bb bf'"
same "groups.csv has 4 shown units x 2 dimensions" "$(($(wc -l < "$T/tables/groups.csv") - 1))" 8
hasnot "groups.csv has no suppressed unit" "$T/tables/groups.csv" "R6"

run "$GS" analyze --form rcheck-staff --by nosuch
status "--by a missing item fails" 1
run "$GS" analyze --form rcheck-staff --fdr 2
status "--fdr out of range is a usage error" 2

# one unit only: a single block, so no ANOVA, no tau^2 and no funnel
# position (it was "inside"); two units each of one voice: F is infinite
one() {   # DB UNITS... : the edge form, the edge staff responses of UNITS
    export GAPSURVEY_DB="$T/$1.db"; shift
    "$GS" init >/dev/null 2>&1
    "$GS" form add "$R/edge-staff.csv" >/dev/null 2>&1
    "$GS" unit import "$R/edge-units.csv" >/dev/null 2>&1
    head -n 1 "$R/edge-staff-responses.csv" >"$T/one.csv"
    for u in "$@"; do grep "^$u," "$R/edge-staff-responses.csv" >>"$T/one.csv"; done
    "$GS" import "$T/one.csv" --form edge-staff --format plain >/dev/null 2>&1
}
one single E2
"$GS" analyze --form edge-staff --json >"$T/single.json" 2>"$T/err"
python3 - "$T/single.json" >"$T/single.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("funnel", d["groups"][0]["scores"]["base_dim"]["funnel"], "anova", d["dimensions"][0]["anova"])
print("\n".join(d["warnings"]))
PY
has "one unit: no funnel position (null, not inside)" "$T/single.txt" "funnel None anova None"
has "one unit: the warning says why there is no ANOVA" "$T/single.txt" "Base: ANOVA not computable (fewer than two groups with scores"
has "one unit: and why there is no funnel position" "$T/single.txt" "Base: no funnel position"
sed 's/^E2,\(jr\|sr\),.*/E2,jr,2,2,3,2,2,4,2,/' "$R/edge-staff-responses.csv" >"$T/flat.csv"
export GAPSURVEY_DB="$T/flat.db"
"$GS" init >/dev/null 2>&1
"$GS" form add "$R/edge-staff.csv" >/dev/null 2>&1
"$GS" unit import "$R/edge-units.csv" >/dev/null 2>&1
grep '^unit\|^E1,\|^E2,' "$T/flat.csv" >"$T/flat2.csv"
"$GS" import "$T/flat2.csv" --form edge-staff --format plain >/dev/null 2>&1
"$GS" analyze --form edge-staff --json >"$T/flat.json" 2>"$T/err"
has "two units of one voice each: F is infinite, and the warning says so" "$T/flat.json" "Base: F is infinite (within every group all scores are equal)"

# rwg(j) does not depend on the order of a dimension's items: the edge form
# with its 7-point item first gives the same values (each item is held
# against its own list's null variance; the last item's list stood for all)
python3 - "$R/edge-staff.csv" >"$T/edge-reordered.csv" <<'PY'
import sys
rows = open(sys.argv[1]).read().splitlines()
m3 = next(r for r in rows if r.startswith(",select_one agree7,m3,"))
rows.remove(m3)
rows.insert(next(i for i, r in enumerate(rows) if r.startswith(",select_one agree5,m1,")), m3)
print("\n".join(rows))
PY
grep -n "m1\|m3" "$T/edge-reordered.csv" | head -n 2 | cut -d, -f3 | tr '\n' ' ' >"$T/order.txt"
same "reordered form: m3 comes before m1" "$(cat "$T/order.txt")" "m3 m1 "
export GAPSURVEY_DB="$T/reorder.db"
"$GS" init >/dev/null 2>&1
"$GS" form add "$T/edge-reordered.csv" >/dev/null 2>&1
"$GS" unit import "$R/edge-units.csv" >/dev/null 2>&1
"$GS" import "$R/edge-staff-responses.csv" --form edge-staff --format plain >/dev/null 2>&1
"$GS" analyze --form edge-staff --json >"$T/reordered.json" 2>"$T/err"
python3 - "$R/expected-edge.json" "$T/reordered.json" >"$T/rwg.txt" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
ga = {g["code"]: g for g in a["groups"] if not g["suppressed"]}
for g in b["groups"]:
    if g["suppressed"]:
        continue
    x, y = ga[g["code"]]["scores"]["mix_dim"]["rwg_j"], g["scores"]["mix_dim"]["rwg_j"]
    print(g["code"], "same" if (x is None and y is None) or (x is not None and y is not None and abs(x - y) < 1e-9) else f"differs {x} {y}")
PY
hasnot "rwg(j) of mix_dim is the same with the items in another order (and as in R)" "$T/rwg.txt" "differs"
has "rwg(j): the comparison ran" "$T/rwg.txt" "E2 same"
