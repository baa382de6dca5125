# simulate: a synthetic city that is reproducible to the answer, shows
# what was planted, refuses bad plants without writing anything, and keeps
# responses anonymous (a date, never a time of day).
. "$ROOT/tests/cli/lib.sh"

# every answer with its unit, in a fixed order: equal output = equal data
# (numbers as integers of millionths: the two backends print 3.0 and 3)
answers() {
    GAPSURVEY_DB="$1" sql "SELECT r.unit, a.item, CAST(a.num * 1000000 AS INTEGER), a.text
        FROM answers a JOIN responses r ON r.id = a.response ORDER BY a.response, a.item"
}
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
differ() { ! cmp -s "$1" "$2"; }

run "$GS" init
status "init" 0
run "$GS" simulate --seed 1
status "simulate --seed 1" 0
has "one-line summary" "$T/out" "self-assessments for 40 units in wave"
has "it names the seed" "$T/out" "(seed 1)"
same "exactly one line" "$(wc -l < "$T/out")" 1
nstaff=$(awk '{print $2}' "$T/out")
nself=$(awk '{print $6}' "$T/out")
same "staff responses stored = printed" \
    "$(sql "SELECT count(*) FROM responses r JOIN forms f ON f.id = r.form WHERE f.role = 'staff'")" "$nstaff"
same "self-assessments stored = printed" \
    "$(sql "SELECT count(*) FROM responses r JOIN forms f ON f.id = r.form WHERE f.role = 'self'")" "$nself"
same "one self-assessment per unit" "$nself" 40
same "every response is marked simulate" \
    "$(sql "SELECT count(*) FROM responses WHERE source <> 'simulate'")" 0
same "the shipped forms were added" "$(sql "SELECT count(*) FROM forms")" 2
same "the sample units were imported" "$(sql "SELECT count(*) FROM units")" 40
check "roughly 30 staff per unit" between "$nstaff" 900 1500
check "at least one unit below 5 respondents (anonymity)" [ "$(sql "SELECT count(*) FROM
    (SELECT r.unit FROM responses r JOIN forms f ON f.id = r.form WHERE f.role = 'staff'
     GROUP BY r.unit HAVING count(*) < 5) AS small")" -ge 1 ]
same "no day or time: submitted_on is the ISO week" "$(sql "SELECT submitted_on FROM responses" |
    grep -cvE '^[0-9]{4}-W[0-9]{2}$')" 0
same "Likert answers are 1..5" "$(sql "SELECT count(*) FROM answers a JOIN items i ON i.id = a.item
    WHERE i.list = 'agree5' AND (a.num < 1 OR a.num > 5 OR a.num <> CAST(a.num AS INTEGER))")" 0
check "some answers are blank (--missing 0.03)" [ "$(sql "SELECT count(*) FROM answers a
    JOIN items i ON i.id = a.item JOIN responses r ON r.id = a.response JOIN forms f ON f.id = r.form
    WHERE f.role = 'staff' AND i.list = 'agree5' AND i.dimension IS NOT NULL")" -lt $((nstaff * 37)) ]
check "the overall judgement (the outcome) is answered, some left blank" between "$(sql "SELECT count(*)
    FROM answers a JOIN items i ON i.id = a.item WHERE i.name = 'overall'")" $((nstaff * 9 / 10)) $((nstaff - 1))
check "a few respondents left a comment" [ "$(sql "SELECT count(*) FROM answers a JOIN items i
    ON i.id = a.item WHERE i.name = 'comment'")" -gt $((nstaff / 20)) ]
same "the unit question holds the unit's code" "$(sql "SELECT count(*) FROM answers a
    JOIN items i ON i.id = a.item JOIN responses r ON r.id = a.response JOIN units u ON u.id = r.unit
    WHERE i.name = 'unit' AND a.text <> u.code")" 0
check "bonus/deduction counts are small and mostly 0" [ "$(sql "SELECT count(*) FROM answers a
    JOIN items i ON i.id = a.item WHERE i.type = 'integer' AND a.num = 0")" -gt "$(sql "SELECT
    count(*) FROM answers a JOIN items i ON i.id = a.item WHERE i.type = 'integer' AND a.num > 0")" ]
answers "$GAPSURVEY_DB" > one.txt

run "$GS" simulate --seed 1
status "a second run into the same wave is refused" 1
has "saying why" "$T/err" "already holds"
same "and writes nothing" "$(sql "SELECT count(*) FROM responses")" $((nstaff + nself))
run "$GS" simulate --seed 3 --wave 2025 --units 10 --staff 5
status "another wave is fine" 0
has "named in the summary" "$T/out" "in wave 2025 (seed 3)"

# the same seed in a second database: the same answers
GAPSURVEY_DB="$T/two.db" run "$GS" init
GAPSURVEY_DB="$T/two.db" run "$GS" simulate --seed 1
status "simulate --seed 1 into a second database" 0
answers "$T/two.db" > two.txt
check "same seed, identical answers" cmp -s one.txt two.txt
check "and not trivially empty" [ "$(wc -l < one.txt)" -gt 30000 ]

GAPSURVEY_DB="$T/three.db" run "$GS" init
GAPSURVEY_DB="$T/three.db" run "$GS" simulate --seed 2
status "simulate --seed 2" 0
answers "$T/three.db" > three.txt
check "another seed, other answers" differ one.txt three.txt

# a planted weakness shows in plain SQL
GAPSURVEY_DB="$T/plant.db" run "$GS" init
GAPSURVEY_DB="$T/plant.db" run "$GS" simulate --plant U07:planning:-15
status "simulate --plant U07:planning:-15" 0
planning_mean() {   # WHERE clause on the unit code
    GAPSURVEY_DB="$T/plant.db" asql "SELECT avg(a.num) FROM answers a JOIN items i ON i.id = a.item
        JOIN responses r ON r.id = a.response JOIN units u ON u.id = r.unit
        WHERE i.dimension = 'planning' AND i.reverse = 0 AND $1"
}
u07=$(planning_mean "u.code = 'U07'")
rest=$(planning_mean "u.code <> 'U07'")
check "U07's planning answers are clearly lower ($u07 vs $rest)" \
    awk -v a="$u07" -v b="$rest" 'BEGIN { exit !(a + 0.35 < b) }'
n07=$(sqlite3 "$T/plant.db" "SELECT count(*) FROM responses r JOIN units u ON u.id = r.unit
    WHERE u.code = 'U07'")
check "a planted unit is never one of the tiny ones ($n07 responses)" [ "$n07" -ge 6 ]

# bad plants: nothing at all is written
GAPSURVEY_DB="$T/bad.db" run "$GS" init
nothing() { sqlite3 "$T/bad.db" "SELECT (SELECT count(*) FROM responses) + (SELECT count(*) FROM
    units) + (SELECT count(*) FROM forms) + (SELECT count(*) FROM waves)"; }
GAPSURVEY_DB="$T/bad.db" run "$GS" simulate --plant U07:planning:-15,U99:planning:-10
status "an unknown unit in --plant: exit 1" 1
has "names the unit" "$T/err" "unit 'U99' is not one of the 40 simulated units"
same "nothing written" "$(nothing)" 0
GAPSURVEY_DB="$T/bad.db" run "$GS" simulate --plant U07:plannning:-15
status "an unknown dimension: exit 1" 1
has "with a suggestion" "$T/err" "did you mean 'planning'?"
GAPSURVEY_DB="$T/bad.db" run "$GS" simulate --overclaim U07,U77
status "an unknown unit in --overclaim: exit 1" 1
same "still nothing written" "$(nothing)" 0
GAPSURVEY_DB="$T/bad.db" run "$GS" simulate --plant U07-planning-15
status "a malformed --plant is a usage error" 2
has "showing the form" "$T/err" "UNIT:DIMENSION:DELTA"
GAPSURVEY_DB="$T/bad.db" run "$GS" simulate --plant U07:planning:lots
status "a non-numeric delta is a usage error" 2
GAPSURVEY_DB="$T/bad.db" run "$GS" simulate --units 0
status "--units 0 is a usage error" 2
GAPSURVEY_DB="$T/bad.db" run "$GS" simulate --missing 1.5
status "--missing 1.5 is a usage error" 2
GAPSURVEY_DB="$T/bad.db" run "$GS" simulate --careless 1.5
status "--careless 1.5 is a usage error" 2
has "saying what it takes" "$T/err" "--careless takes a share from 0 to 1"
same "nothing written by any of them" "$(nothing)" 0

# more units than the sample list: U41.. are made up
GAPSURVEY_DB="$T/big.db" run "$GS" init
GAPSURVEY_DB="$T/big.db" run "$GS" simulate --units 45 --staff 8
status "simulate --units 45" 0
has "45 units" "$T/out" "for 45 units"
same "45 units stored" "$(sqlite3 "$T/big.db" "SELECT count(*) FROM units")" 45
same "U41 has a made-up name" "$(sqlite3 "$T/big.db" "SELECT name LIKE '%41%' FROM units WHERE code = 'U41'")" 1
same "every unit answered" "$(sqlite3 "$T/big.db" "SELECT count(DISTINCT unit) FROM responses")" 45

# progress on stderr: only on a terminal, and only once the work has taken
# about a second (CLI_PROGRESS_DELAY), so a quick run prints nothing extra.
# The slow run is made slow (stopped); whether the small one is quick
# depends on the machine: the time it took decides what to expect.
secs() { date +%s.%N; }
took() { awk -v a="$1" -v b="$2" 'BEGIN { print (b - a >= 2) ? "slow" : (b - a < 0.8) ? "quick" : "between" }'; }
GAPSURVEY_DB="$T/big.db" run "$GS" simulate --units 400 --staff 60 --wave nottty
status "a large city" 0
hasnot "no progress line when stderr is no terminal" "$T/err" "responses/s"
if command -v script >/dev/null 2>&1; then
    # a slow run, made slow: stopped for 1.5 s once it holds the database
    # open (tests/cli/ptystop.py; the monotonic clock runs on meanwhile)
    GAPSURVEY_DB="$T/big.db" python3 "$ROOT/tests/cli/ptystop.py" 1.5 tty.txt "$T/big.db" \
        "$GS" simulate --units 400 --staff 150 --wave tty
    RC=$?
    if [ "$RC" -eq 3 ]; then
        ok "# skip: simulate ended before it could be stopped"
    else
        status "simulate on a terminal, stopped for 1.5 s" 0
        has "a slow run on a terminal shows progress" tty.txt "responses/s"
        has "with the time left" tty.txt "ETA"
        check "the progress line is cleared before the summary" grep -q "$(printf '\r\033\\[K')simulated" tty.txt
    fi
    t0=$(secs)
    GAPSURVEY_DB="$T/big.db" script -qc "'$GS' simulate --units 5 --staff 5 --wave quick" /dev/null >tty.txt 2>&1
    speed=$(took "$t0" "$(secs)")
    if [ "$speed" = quick ]; then
        hasnot "a quick run on a terminal shows no progress" tty.txt "responses/s"
    else
        ok "# skip: the small city took 0.8 s or more here"
    fi
    GAPSURVEY_DB="$T/big.db" script -qc "'$GS' --quiet simulate --units 400 --staff 100 --wave quiet" /dev/null >tty.txt 2>&1
    hasnot "--quiet: no progress on a terminal" tty.txt "responses/s"
else
    ok "# skip: no script(1) for a terminal"
fi

# --unbiased-self changes the self-assessments only (their own stream):
# the staff responses are the same as without it; an --overclaim unit
# answers its self-assessment at the top of every scale
for m in plain unbiased; do
    extra=""; [ $m = unbiased ] && extra="--unbiased-self"
    GAPSURVEY_DB="$T/self-$m.db" "$GS" init >/dev/null 2>&1
    GAPSURVEY_DB="$T/self-$m.db" run "$GS" simulate --units 6 --staff 8 --seed 4 --overclaim U02 $extra
    GAPSURVEY_DB="$T/self-$m.db" "$GS" export --form staff-opinion --format plain -o "$T/staff-$m.csv" >/dev/null 2>&1
    GAPSURVEY_DB="$T/self-$m.db" "$GS" export --form five-type-self --format plain -o "$T/self-$m.csv" >/dev/null 2>&1
done
status "simulate --unbiased-self" 0
check "--unbiased-self: the staff responses are unchanged" cmp -s "$T/staff-plain.csv" "$T/staff-unbiased.csv"
check "--unbiased-self: the self-assessments differ" sh -c "! cmp -s '$T/self-plain.csv' '$T/self-unbiased.csv'"
python3 - "$ROOT/questionnaires/five-type-self-assessment.csv" "$T/self-unbiased.csv" >top.txt <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
hdr = rows[1]
likert = {r[hdr.index("name")]: r[hdr.index("reverse")] == "yes" for r in rows[2:]
          if len(r) > 2 and r[hdr.index("type")] == "select_one agree5" and r[hdr.index("dimension")]}
for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")):
    if r["unit"] == "U02":
        print("top" if all(r[q] == ("1" if rev else "5") for q, rev in likert.items()) else "not top")
PY
has "--overclaim: the unit's self-assessment is at the top of every scale" top.txt "top"
hasnot "--overclaim: no item below the top" top.txt "not top"
