# No history while a long reader runs (DESIGN.md section 4): a program
# that holds one snapshot of the database (an export or an analysis of a
# large wave during collection) keeps the checkpoint after a submission
# from emptying the write-ahead log, so for as long as it reads, the log
# links that code to its response (README, "Who can link an answer to a
# person").  When it ends, nothing may be left: the next gapsurvey
# command that ends, whatever it did, empties the log, though the server
# keeps its own connections open and no more submissions come.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"
"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
"$GS" wave add 2026 >/dev/null 2>&1
"$GS" token issue --form staff-opinion --unit U07 --count 2 >codes.csv 2>/dev/null
lines() { i=0; while [ "$i" -lt "$1" ]; do echo "$2"; i=$((i + 1)); done; }
snap() {   # NAME: a copy of every file of the database
    mkdir -p "$1"
    for f in "$GAPSURVEY_DB" "$GAPSURVEY_DB-wal" "$GAPSURVEY_DB-journal"; do
        [ -f "$f" ] && cp "$f" "$1/"
    done
}
serve_start
# the long reader: one snapshot, held until the file "release" appears
python3 - "$GAPSURVEY_DB" >hold.txt 2>&1 <<'PY' &
import os, sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN")
print("rows", con.execute("SELECT count(*) FROM responses").fetchone()[0], flush=True)
for _ in range(1200):
    if os.path.exists("release"):
        break
    time.sleep(0.05)
con.execute("COMMIT")
con.close()
PY
HPID=$!
i=0
while [ $i -lt 200 ] && ! grep -q '^rows' hold.txt; do sleep 0.05; i=$((i + 1)); done
has "a reader holds a snapshot" hold.txt "rows 0"
{ echo 1; echo yes; echo 3; lines 12 4; echo 2; echo why; lines 25 3; echo 4; echo READER; } >tty.txt
run "$GS" run staff-opinion --token "$(sed -n 2p codes.csv | cut -d, -f1)" <tty.txt
status "a terminal submission while it reads" 0
snap during
python3 "$ROOT/tests/cli/walreplay.py" during/test.db >during.txt
sed 's/^/# /' during.txt
has "while the reader reads, the log still links the code (the check sees a link)" during.txt "linked 1"
touch release
wait "$HPID"
run "$GS" export --form staff-opinion --format csv -o e.csv
status "a short command after it (an export)" 0
snap after
python3 "$ROOT/tests/cli/walreplay.py" after/test.db >after.txt
sed 's/^/# /' after.txt
has "once the reader is done and a command has ended, no code is linked" after.txt "linked 0"
serve_kill
same "the response is stored" "$(sql 'SELECT count(*) FROM responses')" 1
