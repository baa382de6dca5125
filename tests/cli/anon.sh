# Anonymity of what the analysis publishes (DESIGN.md section 5): a unit
# under min_n never appears with a number in JSON, CSV, terminal tables,
# plots, findings, comments or the report; complementary suppression;
# --by ITEM under the same rules; comments only for 10 or more; the
# population minus the shown groups never isolates the respondents in no
# group; the classic differencing attack across two groupings (a unit
# of 6 whose 5 seniors are the only seniors: unit minus "senior" = one
# person) is refused from both sides; and so are unions of three and more
# groups (unit minus "senior" minus "no level"; "junior" minus two units;
# two units minus "senior"), checked by an attacker that tries every sum
# and difference of everything the two analyses publish.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/anon_lib.inc"

# ---- small units, complementary suppression, comments ----
setup small 'code,name
BIG,Big Unit
MID,Mid Unit Nine
SML,Sixth Unit
TINY,Tiny Unit Name
' 'BIG:jr:30:big comment %d' 'MID:jr:9:MIDNINE-%d' 'SML:jr:6:sml %d' 'TINY:jr:4:SECRET-TINY-%d'
status "small: responses imported" 0
run "$GS" analyze --json
status "analyze --json" 0
cp "$T/out" small.json
cat >groups.py <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for g in d["groups"]:
    sc = g.get("scores") or {}
    print(g["code"], "hidden" if g["suppressed"] else "shown", "scores" if sc else "noscores",
          "n" if "n" in g else "non", len(g.get("comments") or []))
PY
python3 groups.py small.json >g.txt
has "a unit of 4 is suppressed, with no scores and no n" g.txt "TINY hidden noscores non 0"
has "the next smallest (6) is suppressed with it (4 < min_n on its own)" g.txt "SML hidden noscores non 0"
has "a unit of 9 is shown" g.txt "MID shown scores"
has "but without comments (fewer than 10)" g.txt "MID shown scores n 0"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps([d["findings"], d.get("gaps"), d.get("warnings")]))' small.json >findings.txt
hasnot "no finding, gap or warning names the small unit" findings.txt "TINY"
hasnot "no comment of the small unit in JSON" small.json "SECRET-TINY"
hasnot "no comment of the unit of 9 in JSON" small.json "MIDNINE"
run "$GS" analyze
hasnot "terminal table: no small unit" "$T/out" "TINY"
hasnot "terminal table: no complementary unit" "$T/out" "Sixth Unit"
run "$GS" analyze --csv csvd
status "analyze --csv" 0
check "CSV tables: neither hidden unit" sh -c '! grep -rq "TINY\|SML\|Tiny Unit\|Sixth Unit" csvd'
run "$GS" report --out rep --lang en
status "report" 0
check "report, its tables and plot data: no hidden unit" \
    sh -c '! grep -rqa "TINY\|Tiny Unit\|Sixth Unit\|SECRET-TINY\|,SML\|\"SML" rep'
check "report: no comment of the unit of 9" sh -c '! grep -rqa MIDNINE rep'
has "report: comments of a unit of 30 are there" rep/report.md "big comment"
# the feedback reports: comments only for 10 or more; a hidden unit's
# notice says why (TINY too few, SML only as TINY's complement)
run "$GS" report --each-unit fb --lang en --format html --no-plots
status "report --each-unit" 0
has "feedback: BIG (30) quotes its comments" fb/BIG.html "big comment"
hasnot "feedback: MID (9) quotes none" fb/MID.html "MIDNINE"
has "feedback: TINY (4) had too few respondents" fb/TINY.html "Tiny Unit Name had fewer respondents"
hasnot "feedback: SML (6) is not told it had too few" fb/SML.html "Sixth Unit had fewer respondents"
has "feedback: SML is told it is hidden with units that had too few" fb/SML.html "other units had fewer respondents"
leak=""
for u in BIG:Big MID:Mid SML:Sixth TINY:Tiny; do
    for o in "Big Unit" "Mid Unit Nine" "Sixth Unit" "Tiny Unit Name"; do
        case "$o" in "${u#*:}"*) continue ;; esac
        grep -qF "$o" "fb/${u%%:*}.html" && leak="$leak ${u%%:*}:$o"
    done
done
same "feedback: no report names another unit" "$leak" ""
run "$GS" analyze --min-n 4 --allow-small-groups --json
python3 groups.py "$T/out" >g4.txt
has "--min-n 4 shows the unit of 4" g4.txt "TINY shown scores"

# ---- --by ITEM, and respondents in no group ----
setup byitem 'code,name
BIG,Big Unit
' 'BIG:jr:20:a' 'BIG:sr:8:b' 'BIG::2:c'
run "$GS" analyze --by level --json
status "--by level" 0
python3 groups.py "$T/out" >gl.txt
has "--by level: juniors shown" gl.txt "jr shown scores"
has "--by level: 2 who skipped the question would be total minus the groups, so the next smallest group is hidden" \
    gl.txt "sr hidden noscores"
setup byitem2 'code,name
BIG,Big Unit
' 'BIG:jr:20:a' 'BIG:sr:3:b' 'BIG:x:0:c'
run "$GS" analyze --by level --json
python3 groups.py "$T/out" >gl2.txt
has "--by level: a level of 3 is hidden" gl2.txt "sr hidden noscores"
has "--by level: and the other level with it (complementary)" gl2.txt "jr hidden noscores"

# ---- the differencing attack ----
# SIX has 6 respondents: 5 seniors (the only seniors) and one junior whose
# answers are known to the test (alpha 25, beta 100).  Published: unit SIX
# (n 6) by unit, level sr (n 5) by level; 6*SIX - 5*sr = the junior.
setup diff 'code,name
BIG,Big Unit
MID,Mid Unit
SIX,Six Unit
' 'BIG:jr:30:x' 'MID:jr:12:x' 'SIX:sr:5:x' 'SIX:jr:1:x:2242555'
cat >attack.py <<'PY'
# attack.py pairs|all JSON...: every set whose sums an analysis publishes
# (each shown group and the pool, total minus shown groups; for "all" the
# total too), then what an attacker can learn from them.  "pairs": the
# difference of every two sets from different analyses; "all": every sum
# and difference with coefficients -1, 0, 1.  Prints "RECOVERED" when a
# combination is one person whose scores are the target's.
import itertools, json, sys
mode, files = sys.argv[1], sys.argv[2:]
target = {"alpha_dim": 25.0, "beta_dim": 100.0}
sets = []
for f in files:
    d = json.load(open(f))
    dims = {x["code"]: x for x in d["dimensions"]}
    total = {k: [v["n"], v["mean"] * v["n"]] for k, v in dims.items()}
    pool = {k: list(v) for k, v in total.items()}
    for g in d["groups"]:
        if g["suppressed"]:
            continue
        s = {k: [v["n"], v["mean"] * v["n"]] for k, v in g["scores"].items()}
        sets.append((f + ":" + g["code"], s))
        for k in pool:
            pool[k][0] -= s[k][0]
            pool[k][1] -= s[k][1]
    if pool["alpha_dim"][0] > 0:
        sets.append((f + ":pool", pool))
    if mode == "all" and f == files[0]:
        sets.append(("total", total))
def one_person(coef):
    for k, want in target.items():
        n = sum(c * s[k][0] for c, (_, s) in zip(coef, sets) if c)
        t = sum(c * s[k][1] for c, (_, s) in zip(coef, sets) if c)
        if n != 1 or abs(t - want) > 1e-6:
            return False
    return True
if mode == "pairs":
    for i, (na, _) in enumerate(sets):
        for j, (nb, _) in enumerate(sets):
            if na.split(":")[0] == nb.split(":")[0]:
                continue
            coef = [0] * len(sets)
            coef[i], coef[j] = 1, -1
            if one_person(coef):
                print("RECOVERED", na, "-", nb)
    print("published sets:", len(sets))
else:
    found = 0
    for coef in itertools.product((-1, 0, 1), repeat=len(sets)):
        if one_person(coef):
            found += 1
            if found <= 3:
                print("RECOVERED", " ".join(("+" if c > 0 else "-") + name
                                            for c, (name, _) in zip(coef, sets) if c))
    print("published sets:", len(sets), "recovering combinations:", found)
PY
run "$GS" analyze --min-n 1 --allow-small-groups --json; cp "$T/out" u1.json
run "$GS" analyze --min-n 1 --allow-small-groups --by level --json; cp "$T/out" l1.json
python3 attack.py pairs u1.json l1.json >att1.txt
has "control: with protection off (--min-n 1) the attack recovers the person" att1.txt "RECOVERED"
run "$GS" analyze --json; cp "$T/out" u.json
run "$GS" analyze --by level --json; cp "$T/out" l.json
python3 attack.py pairs u.json l.json >att.txt
has "the attack script ran" att.txt "published sets:"
hasnot "with min_n 5 the attack recovers nobody" att.txt "RECOVERED"
python3 groups.py u.json >gu.txt
python3 groups.py l.json >gl3.txt
has "by unit: SIX is suppressed (nested in 'senior', 1 apart)" gu.txt "SIX hidden"
has "by level: 'senior' is suppressed (nested in SIX, 1 apart)" gl3.txt "sr hidden"
has "by level: the pool of hidden respondents is widened too" gl3.txt "jr hidden"
has "by unit: the analysis says why" u.json "differencing protection"
has "by unit: the big unit is still shown" gu.txt "BIG shown scores"

# ---- differencing with three and more groups (unions) ----
# MIX has 13 respondents: 6 seniors (the only seniors), 6 who did not give
# their level and one junior whose answers the test knows; BIG and OTH hold
# only juniors.  No two published groups differ by fewer than min_n, so
# the two-group defence finds nothing, but MIX - senior - (no level) and
# junior - BIG - OTH are both the junior.  The attacker below tries every
# sum and difference of the published sets of both analyses (each shown
# group, each pool, the total) with coefficients -1, 0, 1.
setup union 'code,name
BIG,Big Unit
OTH,Other Unit
MIX,Mixed Unit
' 'BIG:jr:30:x' 'OTH:jr:10:x' 'MIX:sr:6:x' 'MIX::6:x' 'MIX:jr:1:x:2242555'
# the two-group attack's analyses (above), against every combination
python3 attack.py all u.json l.json >att3.txt
has "two groupings, every combination: the attack script ran" att3.txt "published sets:"
hasnot "two groupings, every combination: nothing recovers the junior" att3.txt "RECOVERED"
run "$GS" analyze --min-n 1 --allow-small-groups --json; cp "$T/out" x1u.json
run "$GS" analyze --min-n 1 --allow-small-groups --by level --json; cp "$T/out" x1l.json
python3 attack.py all x1u.json x1l.json >x1.txt
has "unions, control: with protection off (--min-n 1) the attack recovers the junior" x1.txt "RECOVERED"
run "$GS" analyze --json; cp "$T/out" xu.json
status "unions: analyze by unit" 0
run "$GS" analyze --by level --json; cp "$T/out" xl.json
status "unions: analyze by level" 0
python3 attack.py all xu.json xl.json >x.txt
has "unions: the attack script ran" x.txt "published sets:"
hasnot "unions: with min_n 5 no sum or difference of published sets is the junior" x.txt "RECOVERED"
python3 groups.py xu.json >gxu.txt
python3 groups.py xl.json >gxl.txt
has "unions: by unit, MIX is hidden (MIX - senior - no level = 1)" gxu.txt "MIX hidden"
has "unions: by unit, the big unit is still shown" gxu.txt "BIG shown scores"
has "unions: by level, junior is hidden (junior - BIG - OTH = 1)" gxl.txt "jr hidden"
has "unions: the analysis says why" xu.json "differencing protection"

# Y inside a union: U1 and U2 hold the 10 seniors and, besides, one junior
# whose answers are known; U1 + U2 - senior is that junior.  BIG holds the
# other juniors and everyone who gave no level.
setup union2 'code,name
BIG,Big Unit
U1,First Unit
U2,Second Unit
' 'BIG:jr:30:x' 'BIG::10:x' 'U1:sr:5:x' 'U2:sr:5:x' 'U2:jr:1:x:2242555'
run "$GS" analyze --min-n 1 --allow-small-groups --json; cp "$T/out" y1u.json
run "$GS" analyze --min-n 1 --allow-small-groups --by level --json; cp "$T/out" y1l.json
python3 attack.py all y1u.json y1l.json >y1.txt
has "union around a group, control: --min-n 1 recovers the junior" y1.txt "RECOVERED"
run "$GS" analyze --json; cp "$T/out" yu.json
run "$GS" analyze --by level --json; cp "$T/out" yl.json
python3 attack.py all yu.json yl.json >y.txt
has "union around a group: the attack script ran" y.txt "published sets:"
hasnot "union around a group: with min_n 5 nothing recovers the junior" y.txt "RECOVERED"
python3 groups.py yl.json >gyl.txt
has "union around a group: by level, senior is hidden (U1 + U2 - senior = 1)" gyl.txt "sr hidden"
