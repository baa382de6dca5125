# PostgreSQL behind the same store (issue 21): the store-level CLI tests
# run again against PostgreSQL databases; demo, analyze --json and export
# give the same bytes on both backends; db copy SQLite -> PostgreSQL ->
# SQLite gives identical exports; two `serve` front ends on one database
# never accept one code twice, and a front end killed under load loses no
# acknowledged submission; closing a wave leaves no row carrying the id of
# the transaction that stored it.  Needs GAPSURVEY_TEST_PG or the server
# binaries (then a throwaway cluster of its own); says "skipped" without.
. "$ROOT/tests/cli/lib.sh"
pg_need
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; lib_cleanup' EXIT

# ---- 1. the CLI tests of the store's behaviour, on PostgreSQL ----
# in four lanes at once (most of their time is spent waiting for servers,
# terminals and, in sealed, wave close's 30 s for a snapshot held past it,
# not computing; the lanes are balanced by their durations), each test on
# a database of its own; their lines are printed afterwards
LANES="serve,run_entry,import_batches,token,foundation
    export,simulate,anon_serve,import_migrate,packed_migrate,batch_index_migrate
    serve_console,rcheck,run,serve_pages,import
    sealed,analyze_form,analyze_threads"
for lane in $LANES; do
    (
        for t in $(echo "$lane" | tr , ' '); do
            GS_BACKEND=pg sh "$ROOT/tests/cli/$t.sh" >"$T/sub-$t.log" 2>&1
            echo $? >"$T/sub-$t.st"
        done
    ) &
done
wait
for t in $(echo "$LANES" | tr , ' '); do
    st=$(cat "$T/sub-$t.st" 2>/dev/null || echo "none")
    sed -n "s/^ok - /ok - pg $t: /p; s/^not ok - /not ok - pg $t: /p; s/^#/# pg $t:/p" "$T/sub-$t.log"
    if [ "$st" != 0 ] || ! grep -q '^ok ' "$T/sub-$t.log"; then
        notok "pg $t: the test itself ended with status $st"
        grep -v '^ok ' "$T/sub-$t.log" | head -n 20 | sed 's/^/# /'
    fi
done

# ---- 2. the same outputs on both backends ----
# a stand-in for gnuplot: the plots' scripts and data are compared, their
# pictures would only cost minutes
cat >"$T/gnuplot" <<'EOF'
#!/bin/sh
for f in "$@"; do
    sed -n "s/^set output '\(.*\)'$/\1/p" "$f" | while read -r o; do echo "picture of $f" >"$o"; done
done
EOF
chmod +x "$T/gnuplot"
export GAPSURVEY_GNUPLOT="$T/gnuplot"
pg_newdb
PGA=$NEWDB
run "$GS" --db "$T/none.db" demo --out "$T/sq"
status "demo on SQLite" 0
sed '/^report: /d' "$T/out" >demo-sq.txt
run "$GS" --db "$PGA" demo --out "$T/pg"
status "demo on PostgreSQL" 0
sed '/^report: /d' "$T/out" >demo-pg.txt
check "demo prints the same findings" cmp -s demo-sq.txt demo-pg.txt
check "(and prints findings)" grep -q "U07" demo-pg.txt
check "demo made no file for the PostgreSQL run" [ ! -e "$T/pg/demo.db" ]
for f in report.md report.html dimensions.csv groups.csv gaps.csv changes.csv items.csv; do
    check "demo: $f the same" cmp -s "$T/sq/$f" "$T/pg/$f"
done
nplots=0
for f in "$T"/sq/plots/*.dat "$T"/sq/plots/*.gp; do
    cmp -s "$f" "$T/pg/plots/$(basename "$f")" || { notok "demo: plots/$(basename "$f") differs"; nplots=-1000; }
    nplots=$((nplots + 1))
done
check "demo: every plot's data and script the same ($nplots files)" [ "$nplots" -gt 20 ]
SQ="$T/sq/demo.db"
for args in "--wave 2026 --compare-wave 2025" "--wave 2025 --by position" "--wave 2026 --min-n 12 --min-diff 2"; do
    # shellcheck disable=SC2086
    "$GS" --db "$SQ" analyze $args --json >a-sq.json 2>a-sq.err
    # shellcheck disable=SC2086
    "$GS" --db "$PGA" analyze $args --json >a-pg.json 2>a-pg.err
    check "analyze $args --json: the same bytes" cmp -s a-sq.json a-pg.json
    check "(and not empty)" [ -s a-pg.json ]
done
for fmt in csv json sav xlsx; do
    for w in 2025 2026; do
        "$GS" --db "$SQ" export --form staff-opinion --wave $w --format $fmt -o "e-sq-$w.$fmt" >/dev/null 2>&1
        "$GS" --db "$PGA" export --form staff-opinion --wave $w --format $fmt -o "e-pg-$w.$fmt" >/dev/null 2>&1
        if [ "$fmt" = xlsx ]; then   # a zip: its members, not its dates
            mkdir -p "x-sq-$w" "x-pg-$w"
            (cd "x-sq-$w" && unzip -qo "../e-sq-$w.xlsx")
            (cd "x-pg-$w" && unzip -qo "../e-pg-$w.xlsx")
            check "export $fmt, wave $w: the same sheets" diff -r "x-sq-$w/xl" "x-pg-$w/xl"
        elif [ "$fmt" = sav ]; then  # the header holds the time of writing
            check "export $fmt, wave $w: the same data" cmp -s -i 200 "e-sq-$w.sav" "e-pg-$w.sav"
        else
            check "export $fmt, wave $w: the same bytes" cmp -s "e-sq-$w.$fmt" "e-pg-$w.$fmt"
        fi
    done
done
check "(exports are not empty)" [ "$(wc -l <e-pg-2026.csv)" -gt 1000 ]
run "$GS" --db "$PGA" demo --out "$T/again"
status "demo refuses a database that holds data" 1
has "and says why" "$T/err" "holds one already"
hasnot "a URI's password is never shown" "$T/err" "secret"

# a wave of more than one page of the scan's cursor (2,500 rows a page,
# the next page asked for while one is read): every row read once, in id
# order and by unit (the same bytes as SQLite); a scan stopped by a damaged
# row in its first page, with the next page asked for ahead, ends with that
# error (the page is drained before the cursor closes; a CLI process ends
# there either way, so this guards the message, not the drain)
"$GS" --db "$T/big.db" init >/dev/null 2>&1
"$GS" --db "$T/big.db" simulate --units 80 --staff 80 --seed 3 >/dev/null 2>&1
pg_newdb
PGB=$NEWDB
"$GS" --db "$PGB" init >/dev/null 2>&1
"$GS" --db "$PGB" simulate --units 80 --staff 80 --seed 3 >/dev/null 2>&1
nbig=$("$PSQL" "$PGB" -qAtX -c "SELECT count(*) FROM gapsurvey.responses")
check "a wave of more than one page ($nbig responses)" [ "$nbig" -gt 2500 ]
"$GS" --db "$T/big.db" analyze --json >b-sq.json 2>b-sq.err
"$GS" --db "$PGB" analyze --json >b-pg.json 2>b-pg.err
check "analyze --json over several pages: the same bytes" cmp -s b-sq.json b-pg.json
check "(and not empty)" [ -s b-pg.json ]
# export reads by unit (the cursor's other order)
"$GS" --db "$T/big.db" export --form staff-opinion --format csv -o big-sq.csv >/dev/null 2>&1
"$GS" --db "$PGB" export --form staff-opinion --format csv -o big-pg.csv >/dev/null 2>&1
check "export over several pages: the same bytes" cmp -s big-sq.csv big-pg.csv
"$PSQL" "$PGB" -qAtX -c "UPDATE gapsurvey.responses SET answers = decode('13', 'hex') WHERE id = (SELECT min(r.id) FROM gapsurvey.responses r JOIN gapsurvey.forms f ON f.id = r.form WHERE f.form_id = 'staff-opinion')" >/dev/null
run "$GS" --db "$PGB" analyze --json
status "a damaged row in the first page: analyze exits 1" 1
has "(the damaged answers named)" "$T/err" "a stored response's answers are damaged"
hasnot "(no libpq error from the page asked for ahead)" "$T/err" "another command"
run "$GS" --db "$PGB" export --form staff-opinion --format csv
status "and export exits 1" 1
has "(the damaged answers named)" "$T/err" "a stored response's answers are damaged"

# the R agreement data: imported on SQLite (random ids), copied with its
# ids to PostgreSQL, analysed there to the same bytes
R="$FIX/rcheck"
"$GS" --db rc.db init >/dev/null
"$GS" --db rc.db form add "$R/staff.csv" "$R/self.csv" >/dev/null
"$GS" --db rc.db unit import "$R/units.csv" >/dev/null
"$GS" --db rc.db import "$R/staff-responses.csv" --form rcheck-staff --format plain >/dev/null
"$GS" --db rc.db import "$R/self-responses.csv" --form rcheck-self --format plain >/dev/null
pg_newdb
PGR=$NEWDB
run "$GS" db copy rc.db "$PGR"
status "the R agreement data copied to PostgreSQL" 0
for args in "" "--min-n 4" "--by level"; do
    # shellcheck disable=SC2086
    "$GS" --db rc.db analyze --form rcheck-staff $args --json >r-sq.json
    # shellcheck disable=SC2086
    "$GS" --db "$PGR" analyze --form rcheck-staff $args --json >r-pg.json
    check "R agreement data, analyze $args --json: the same bytes on both" cmp -s r-sq.json r-pg.json
done
"$GS" --db rc.db import list >il-sq.txt 2>&1
"$GS" --db "$PGR" import list >il-pg.txt 2>&1
check "the copy keeps the import batches: import list the same" cmp -s il-sq.txt il-pg.txt
check "(two imports listed)" grep -q "self-responses.csv" il-pg.txt
same "and which batch each response came from" \
    "$(GAPSURVEY_DB="$PGR" sql "SELECT batch, count(*) FROM responses GROUP BY batch ORDER BY batch" | tr '\n' ' ')" \
    "$(sqlite3 rc.db "SELECT batch, count(*) FROM responses GROUP BY batch ORDER BY batch" | tr '\n' ' ')"
if python3 "$ROOT/tests/cli/json_close.py" "$R/expected-by-level.json" r-pg.json --rtol 1e-6 --atol 1e-13 >cmp.txt 2>&1; then
    ok "and PostgreSQL's --by level agrees with R: $(tail -n 1 cmp.txt | sed 's/ (.*//')"
else
    notok "PostgreSQL's analysis agrees with R"; sed 's/^/# /' cmp.txt | head -n 20
fi

# ---- 3. db copy: SQLite -> PostgreSQL -> SQLite ----
pg_newdb
PGB=$NEWDB
run "$GS" db copy "$SQ" "$PGB"
status "db copy SQLite -> PostgreSQL" 0
has "checked by counts and checksum" "$T/out" "on both sides"
sum1=$(sed -n 's/.*checksum \([0-9a-f]*\) on both sides.*/\1/p' "$T/out")
run "$GS" db copy "$PGB" back.db
status "db copy PostgreSQL -> SQLite" 0
sum2=$(sed -n 's/.*checksum \([0-9a-f]*\) on both sides.*/\1/p' "$T/out")
same "the same checksum both ways" "$sum2" "$sum1"
for w in 2025 2026; do
    for f in five-type-self staff-opinion; do
        "$GS" --db "$SQ" export --form $f --wave $w --format json -o "c-sq.json" >/dev/null 2>&1
        "$GS" --db back.db export --form $f --wave $w --format json -o "c-back.json" >/dev/null 2>&1
        "$GS" --db "$PGB" export --form $f --wave $w --format json -o "c-pg.json" >/dev/null 2>&1
        check "round trip $f $w: identical export" cmp -s c-sq.json c-back.json
        check "and the same on PostgreSQL" cmp -s c-sq.json c-pg.json
    done
done
check "(the exports hold answers)" [ "$(wc -c <c-pg.json)" -gt 10000 ]
same "every table the same on the way back" \
    "$(sqlite3 back.db "SELECT (SELECT count(*) FROM forms), (SELECT count(*) FROM items), (SELECT count(*) FROM units), (SELECT count(*) FROM waves), (SELECT count(*) FROM responses), (SELECT count(*) FROM answers)")" \
    "$(sqlite3 "$SQ" "SELECT (SELECT count(*) FROM forms), (SELECT count(*) FROM items), (SELECT count(*) FROM units), (SELECT count(*) FROM waves), (SELECT count(*) FROM responses), (SELECT count(*) FROM answers)")"
"$GS" --db "$PGB" form add "$FIX/rcheck/staff.csv" >/dev/null 2>&1
same "ids go on after the copied ones" \
    "$(GAPSURVEY_DB="$PGB" sql "SELECT max(id) FROM forms")" "$(($(sqlite3 "$SQ" "SELECT max(id) FROM forms") + 1))"
run "$GS" db copy "$SQ" "$PGB"
status "a destination that holds data is refused" 1
has "saying so" "$T/err" "already holds a gapsurvey database"
run "$GS" db copy "$PGB" "$T/nodir/x.db"
status "a destination that cannot be made fails" 1
check "and leaves no file" [ ! -e "$T/nodir/x.db" ]

# ---- 4. two front ends on one database ----
pg_newdb
export GAPSURVEY_DB=$NEWDB
"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
"$GS" token issue --form staff-opinion --unit U07 --count 460 2>/dev/null | tail -n +2 | cut -d, -f1 >codes.txt
head -n 60 codes.txt >race.txt
tail -n 400 codes.txt >load.txt
printf 'pg-test-admin-secret-0123456789\n' >admin.secret
# front NAME: starts a front end on a free port: its URL in $URL, pid in $FPID
front() {
    "$GS" serve --listen 127.0.0.1:0 --admin-token admin.secret --threads 4 >"$1.out" 2>"$1.err" &
    FPID=$!
    PIDS="$PIDS $FPID"
    i=0
    while [ $i -lt 200 ]; do
        port=$(sed -n 's/^gapsurvey: serving http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$1.out")
        [ -n "$port" ] && break
        sleep 0.05
        i=$((i + 1))
    done
    URL="http://127.0.0.1:$port"
}
front a
A=$URL
APID=$FPID
front b
B=$URL
check "two front ends up" [ -n "$A" -a -n "$B" -a "$A" != "$B" ]
python3 "$ROOT/tests/cli/pg_serve.py" race "$A" "$B" race.txt raced.txt
same "60 codes sent to both front ends at once: each accepted exactly once" \
    "$(awk '($2 == "thanks") + ($3 == "thanks") == 1' raced.txt | wc -l)" 60
check "(both front ends accepted some)" [ "$(awk '$2 == "thanks"' raced.txt | wc -l)" -gt 0 -a \
    "$(awk '$3 == "thanks"' raced.txt | wc -l)" -gt 0 ]
same "60 responses stored" "$(sql 'SELECT count(*) FROM responses')" 60
same "60 codes used" "$(sql 'SELECT sum(used) FROM tokens')" 60
same "each marker once" "$(sql "SELECT count(DISTINCT text) FROM answers WHERE text LIKE 'mark-%'")" 60
c=$(head -n 1 race.txt)
curl -s -o used.html "$B/?code=$c&lang=en"
has "a code used on one front end is refused on the other" used.html "This code cannot be used"

python3 "$ROOT/tests/cli/pg_serve.py" load "$A" load.txt "$APID" 40 acked.txt >load.out
wait "$APID" 2>/dev/null
sed 's/^/# /' load.out
check "the front end was killed with submissions under way" \
    [ "$(wc -l <acked.txt)" -ge 40 -a "$(wc -l <acked.txt)" -lt 400 ]
lost=0
while read -r m; do
    [ "$(sql "SELECT count(*) FROM answers WHERE text = '$m'")" = 1 ] || lost=$((lost + 1))
done <acked.txt
same "kill -9 under load: no acknowledged submission lost" "$lost" 0
same "codes used = responses stored (same transaction)" \
    "$(sql 'SELECT sum(used) FROM tokens')" "$(sql 'SELECT count(*) FROM responses')"
same "no partial response (every one has all its answers)" \
    "$(sql "SELECT count(DISTINCT n) FROM (SELECT count(a.item) AS n FROM responses r LEFT JOIN answers a ON a.response = r.id GROUP BY r.id) AS x")" 1
same "the other front end still serves" "$(curl -s -o /dev/null -w '%{http_code}' "$B/")" 200

# ---- 5. closing a wave: no row keeps the id of the transaction that stored it ----
distinct() { sql "SELECT count(DISTINCT xmin::text) FROM $1"; }
check "before: each web response has a transaction id of its own" [ "$(distinct responses)" -gt 50 ]
check "before: a used code and its response share one (the link)" \
    [ "$(sql "SELECT count(*) FROM responses r JOIN tokens t ON t.xmin::text = r.xmin::text")" -gt 0 ]
"$GS" wave close "$(sql 'SELECT name FROM waves')" >/dev/null 2>&1
same "after wave close: one transaction id for every response" "$(distinct responses)" 1
same "and for every answer" "$(distinct answers)" 1
same "and for every code" "$(distinct tokens)" 1
