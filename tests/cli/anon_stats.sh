# Disclosure control beyond the tables (DESIGN.md section 5, "Disclosure
# control beyond min_n"): attackers that try to recover a hidden group's
# mean from what analyze, analyze --by, analyze --compare-wave and report
# publish, and fail to.
#   - between groups: with the shown groups' n and means known and two
#     hidden units of known size, eta^2 (or F) is one equation in the
#     hidden means: a quadratic whose two roots were the two hidden units'
#     means when the statistics ran over every group.  Now they run over
#     the published blocks (the hidden units pooled), and the roots are
#     the pool's mean.  The same by unit, --by an item, and on the
#     report's rounded CSV tables.
#   - --compare-wave: the earlier wave's population minus its shown groups
#     was a hidden 3-person unit exactly; now that wave is suppressed like
#     the current one (the complement hides a second unit).
#   - comments: never under --by groups (a comment under a unit and under
#     a level names its author as one of the few in both), and their order
#     is the same whatever order the responses came in.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/anon_lib.inc"
export RESP_SEED=11

# the rcheck staff form with two more levels (the --by attack needs four)
sed 's/^,level,sr,Senior$/,level,sr,Senior\n,level,md,Middle\n,level,tp,Top/' "$R/staff.csv" >staff4.csv
STAFF_FORM=staff4.csv

# quad.py PUBLISHED TRUTH GROUP_A NA GROUP_B NB: the between-group attack.
# PUBLISHED: an analyze --json, or a report directory (its dimensions.csv
# and groups.csv, as rounded as they are published).  TRUTH: a JSON in
# which GROUP_A is shown (its true means).  GROUP_A and GROUP_B hidden, of
# the sizes NA and NB the attacker is assumed to know (a headcount).  From
# eta^2 (SSB = eta^2 SST, SST from the population SD) minus the shown
# groups' share, n_a (m_a - g)^2 + n_b (m_b - g)^2 is known, and so is
# n_a m_a + n_b m_b (the population minus the shown groups): two
# candidates for m_a.  Prints RECOVERED when one is GROUP_A's true mean
# (within 0.01).  With --unpooled, the eta^2 used is the one over every
# group, computed from TRUTH (the control: the attack works on that).
cat >quad.py <<'PY'
import csv, io, json, math, os, sys
args = sys.argv[1:]
unpooled = args[0] == "--unpooled"
if unpooled:
    args = args[1:]
pub, truth, ga, na, gb, nb = args[0], args[1], args[2], float(args[3]), args[4], float(args[5])
t = json.load(open(truth))
tg = {g["code"]: g for g in t["groups"]}
def table(path):
    text = open(path, encoding="utf-8-sig").read()
    lines = [l for l in text.splitlines() if l.startswith(("dimension,", "group,")) or "," in l]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))
if os.path.isdir(pub):
    dims = {r["dimension"]: {"n": float(r["n"]), "mean": float(r["mean"]), "sd": float(r["sd"]),
                             "eta2": float(r["eta2"]) if r["eta2"] else None}
            for r in table(os.path.join(pub, "dimensions.csv"))}
    shown = {}
    for r in table(os.path.join(pub, "groups.csv")):
        shown.setdefault(r["group"], {})[r["dimension"]] = (float(r["n"]), float(r["mean"]))
else:
    d = json.load(open(pub))
    dims = {x["code"]: {"n": x["n"], "mean": x["mean"], "sd": x["sd"],
                        "eta2": (x["anova"] or {}).get("eta2")} for x in d["dimensions"]}
    shown = {g["code"]: {k: (v["n"], v["mean"]) for k, v in g["scores"].items()}
             for g in d["groups"] if not g["suppressed"]}
found = tried = 0
for code, D in dims.items():
    N, g = D["n"], D["mean"]
    sst = (N - 1) * D["sd"] ** 2
    if unpooled:   # eta^2 over every group, from the truth
        ssb = sum(x["scores"][code]["n"] * (x["scores"][code]["mean"] - g) ** 2
                  for x in t["groups"] if x.get("scores"))
    elif D["eta2"] is None:
        continue
    else:
        ssb = D["eta2"] * sst
    rest = ssb - sum(s[code][0] * (s[code][1] - g) ** 2 for s in shown.values())
    S = N * g - sum(s[code][0] * s[code][1] for s in shown.values())
    # na (ma - g)^2 + nb ((S - na ma)/nb - g)^2 = rest, a quadratic in ma
    A = na + na * na / nb
    B = -2 * na * g - 2 * na * (S / nb - g)
    C = na * g * g + nb * (S / nb - g) ** 2 - rest
    disc = B * B - 4 * A * C
    tried += 1
    cands = [(-B + s * math.sqrt(max(disc, 0))) / (2 * A) for s in (1, -1)]
    want = tg[ga]["scores"][code]["mean"]
    if any(abs(c - want) < 0.01 for c in cands):
        found += 1
        print("RECOVERED", ga, code, "candidates", " ".join(f"{c:.3f}" for c in cands), "true", f"{want:.3f}")
print("dimensions tried:", tried, "recovered:", found)
PY

# ---- between groups, by unit: two hidden units of 4 and 6 ----
units='code,name
BIG,Big Unit
MID,Mid Unit
OTH,Other Unit
HFOUR,Hidden Four
HSIX,Hidden Six
'
setup between "$units" 'BIG:jr:30:x' 'MID:jr:12:x' 'OTH:jr:15:x' 'HFOUR:jr:4:x:1121211' 'HSIX:jr:6:x:5545455'
status "between: responses imported" 0
run "$GS" analyze --json; cp "$T/out" pub.json
status "between: analyze --json" 0
run "$GS" analyze --min-n 4 --allow-small-groups --json; cp "$T/out" truth.json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(g["code"] + ("-hidden" if g["suppressed"] else "") for g in d["groups"]))' pub.json >shown.txt
has "between: the units of 4 and 6 are hidden" shown.txt "HFOUR-hidden HSIX-hidden"
python3 quad.py --unpooled pub.json truth.json HFOUR 4 HSIX 6 >ctl.txt
has "between, control: eta^2 over every group gives the hidden unit's mean" ctl.txt "RECOVERED HFOUR"
python3 quad.py pub.json truth.json HFOUR 4 HSIX 6 >att.txt
has "between: the attack ran on every dimension" att.txt "dimensions tried: 2"
hasnot "between: eta^2 over the published blocks gives neither hidden unit's mean" att.txt "RECOVERED"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(*[x["anova"]["df_between"] for x in d["dimensions"]], d["dimensions"][0]["blocks"])' pub.json >df.txt
same "between: df_between counts the 3 shown units and one pooled block" "$(cat df.txt)" "3 3 4"

# the report's tables: rounded, and over the same blocks
run "$GS" report --out rep --no-plots --lang en
status "between: report" 0
python3 quad.py rep truth.json HFOUR 4 HSIX 6 >attr.txt
has "between, report tables: the attack ran" attr.txt "dimensions tried: 2"
hasnot "between, report tables: nothing recovered" attr.txt "RECOVERED"
check "report tables: eta^2 has at most 3 decimals (not 10 significant digits)" \
    python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))); sys.exit(any(len(x["eta2"].split(".")[-1]) > 3 for x in r))' rep/dimensions.csv
check "report tables: means have at most 2 decimals" \
    python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))); sys.exit(any(len(x["mean"].split(".")[-1]) > 2 for x in r if "." in x["mean"]))' rep/groups.csv
has "report methods: the pooled block is stated" rep/report.md "one block pooling the hidden groups"

# ---- between groups, --by an item: two hidden levels of 4 and 6 ----
setup byitem 'code,name
ONE,One Unit
TWO,Two Unit
' 'ONE:jr:30:x' 'TWO:sr:12:x' 'ONE:sr:8:x' 'TWO:md:4:x:1121211' 'ONE:tp:6:x:5545455'
run "$GS" analyze --by level --json; cp "$T/out" lpub.json
status "--by level: analyze" 0
run "$GS" analyze --by level --min-n 4 --allow-small-groups --json; cp "$T/out" ltruth.json
python3 quad.py --unpooled lpub.json ltruth.json md 4 tp 6 >lctl.txt
has "--by level, control: eta^2 over every level gives the hidden level's mean" lctl.txt "RECOVERED md"
python3 quad.py lpub.json ltruth.json md 4 tp 6 >latt.txt
has "--by level: the attack ran" latt.txt "dimensions tried: 2"
hasnot "--by level: nothing recovered from the published blocks" latt.txt "RECOVERED"

# ---- --compare-wave: a 3-person unit in the earlier wave ----
setup waves 'code,name
BIG,Big Unit
MID,Mid Unit
SMALL,Small Unit
' 
"$GS" wave add 2025 >/dev/null 2>&1
python3 resp.py w0.csv 'BIG:jr:30:x' 'MID:jr:12:x' 'SMALL:jr:3:x:1121211'
run "$GS" import w0.csv --form rcheck-staff --format plain --wave 2025
status "waves: 2025 imported" 0
"$GS" wave add 2026 >/dev/null 2>&1
python3 resp.py w1.csv 'BIG:jr:28:x' 'MID:jr:11:x' 'SMALL:jr:8:x'
run "$GS" import w1.csv --form rcheck-staff --format plain --wave 2026
status "waves: 2026 imported" 0
run "$GS" analyze --wave 2026 --compare-wave 2025 --json; cp "$T/out" cw.json
status "waves: analyze --compare-wave" 0
cat >wave.py <<'PY'
# the earlier wave's population minus its shown groups' change rows: a
# hidden group exactly when one group of known size (3) is left
import json, sys
d = json.load(open(sys.argv[1]))
want = {"alpha_dim": 25.0, "beta_dim": 8.333333333333334}   # SMALL's 2025 answers 1121211
for dim, w in want.items():
    tot = [c for c in d["changes"] if c["group"] is None and c["dimension"] == dim][0]
    n, s = tot["n0"], tot["n0"] * tot["mean0"]
    rows = [c for c in d["changes"] if c["group"] is not None and c["dimension"] == dim]
    for c in rows:
        n -= c["n0"]
        s -= c["n0"] * c["mean0"]
    print(dim, "rest", n, "groups", " ".join(sorted(c["group"] for c in rows)),
          "RECOVERED" if n == 3 and abs(s / n - w) < 1e-6 else "safe")
PY
python3 wave.py cw.json >cw.txt
has "waves: the attack ran" cw.txt "alpha_dim rest"
hasnot "waves: the 2025 population minus the shown changes is not the 3-person unit" cw.txt "RECOVERED"
has "waves: the unit small in 2025 has no change row, and its complement neither" cw.txt "rest 15 groups BIG"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(g["code"] + ("-hidden" if g["suppressed"] else "") for g in d["groups"]))' cw.json >cwshown.txt
has "waves: all three units are shown in 2026" cwshown.txt "BIG MID SMALL"
has "waves: the analysis says why two have no change" cw.json "2 groups shown in this wave are hidden in the earlier one"
run "$GS" analyze --wave 2026 --compare-wave 2025 --csv cwcsv
hasnot "waves: changes.csv has no row of the hidden units" cwcsv/changes.csv "SMALL"
run "$GS" report --wave 2026 --compare-wave 2025 --no-plots --lang en --out cwrep
status "waves: report" 0
hasnot "waves: the report has no change of the unit small in 2025" cwrep/changes.csv "SMALL"

# ---- comments: units only, in an order set by their text ----
setup comments 'code,name
BIG,Big Unit
MID,Mid Unit
' 'BIG:jr:12:first-%d' 'BIG:sr:10:second-%d' 'MID:sr:11:mid-%d'
run "$GS" report --by level --no-plots --lang en --out byrep
status "comments: report --by level" 0
hasnot "comments: none under --by groups (a comment under a unit and a level names its author)" byrep/report.md "second-"
run "$GS" report --no-plots --lang en --out unitrep
has "comments: under a unit of 22" unitrep/report.md "second-3"
grep -o 'first-[0-9]*\|second-[0-9]*' unitrep/report.md >order1.txt
cat >rev.py <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
open(sys.argv[2], "w").write("\n".join([lines[0]] + lines[1:][::-1]) + "\n")
PY
python3 rev.py resp.csv resp-rev.csv
export GAPSURVEY_DB="$T/rev.db"
"$GS" init >/dev/null 2>&1
"$GS" form add staff4.csv >/dev/null 2>&1
"$GS" unit import units.csv >/dev/null 2>&1
run "$GS" import resp-rev.csv --form rcheck-staff --format plain
run "$GS" report --no-plots --lang en --out revrep
grep -o 'first-[0-9]*\|second-[0-9]*' revrep/report.md >order2.txt
check "comments: the same order whatever order the responses came in" cmp -s order1.txt order2.txt
grep -o 'first-[0-9]*' unitrep/report.md | head -n 12 >firsts.txt
check "comments: not in submission order" sh -c '! printf "first-%s\n" 0 1 2 3 4 5 6 7 8 9 10 11 | cmp -s - firsts.txt'
run "$GS" report --no-plots --lang en --comment-min 23 --out c23
hasnot "comments: --comment-min 23 hides them under a unit of 22" c23/report.md "second-3"
run "$GS" analyze --comment-min 3 --json
has "comments: --comment-min is never below min_n" "$T/out" '"comment_min": 5'

# ---- --min-n below 5: asked for explicitly, stamped everywhere ----
GAPSURVEY_DB="$T/between.db" run "$GS" analyze --min-n 4
status "--min-n 4 without --allow-small-groups is a usage error" 2
has "--min-n 4: the error names the option" "$T/err" "--allow-small-groups"
export GAPSURVEY_DB="$T/between.db"
run "$GS" analyze --min-n 4 --allow-small-groups
status "--min-n 4 --allow-small-groups" 0
check "terminal: the stamp is in the first lines" sh -c "head -n 3 '$T/out' | grep -q 'WARNING: the minimum group size is 4, below 5'"
run "$GS" analyze --min-n 4 --allow-small-groups --json
has "JSON: small_groups_allowed" "$T/out" '"small_groups_allowed": true'
has "JSON: and a warning" "$T/out" "the minimum group size is 4, below 5"
run "$GS" analyze --min-n 4 --allow-small-groups --csv small
check "CSV: every table starts with the stamp" sh -c 'for f in small/*.csv; do head -n 1 "$f" | grep -q "minimum group size is 4" || exit 1; done'
run "$GS" report --min-n 4 --allow-small-groups --no-plots --lang en --out smallrep
has "report: the stamp" smallrep/report.md "the minimum group size is 4, below 5"
check "report: every table starts with the stamp" sh -c 'for f in smallrep/*.csv; do head -n 1 "$f" | grep -q "minimum group size is 4" || exit 1; done'
run "$GS" analyze --json
has "JSON at the default: small_groups_allowed false" "$T/out" '"small_groups_allowed": false'
