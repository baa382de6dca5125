#!/bin/sh
# PostgreSQL against SQLite, side by side in one run (issue 21), and the
# floors that PostgreSQL itself sets.  Not part of `make test`.
#
#   sh bench/pg.sh [BUILD_DIR]
#
# Environment:
#   BENCH_N        respondents (default 50000)
#   BENCH_SCALE    also import and analyze BENCH_SCALE x BENCH_N respondents
#                  on both, side by side (the CSV imported BENCH_SCALE times),
#                  to see that the scan's memory stays flat (default 4; 0 =
#                  skip)
#   BENCH_DIR      where data and databases go (default /tmp/gapsurvey-pgbench-N)
#   GAPSURVEY_BENCH_PG  a server to use (a URI whose user may create
#                  databases); default: a throwaway cluster started here
#                  with fsync on (tools/pgtmp.sh), stopped at the end
#
# Steps, each under /usr/bin/time (wall s, CPU s of the gapsurvey process,
# peak resident memory of that process):
#   1. the data: `simulate` of N/45 units into a scratch database, its staff
#      responses exported as plain CSV and cut to N rows;
#   2. SQLite: import of the CSV into a database holding the forms and
#      units, then analyze --json;
#   3. PostgreSQL: the same into a fresh database (forms and units put there
#      with db copy), then analyze --json; the two analyses must agree to
#      1e-9 (the ids are random on each side, so the last bits of sums
#      differ);
#   4. the floors: PostgreSQL's own COPY (psql \copy, binary) of the same
#      rows into the same schema in one transaction, and of every answer of
#      the wave out in key order to /dev/null (what any scan must read);
#   5. import and analyze at BENCH_SCALE x N (the CSV imported BENCH_SCALE
#      times) on SQLite and on PostgreSQL, for time and memory.
# Each step also records the machine's load average (1 minute) as it ends:
# the machine is shared.  It prints a table for bench/README.md.
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_N:-50000}
SCALE=${BENCH_SCALE:-4}
DIR=${BENCH_DIR:-/tmp/gapsurvey-pgbench-$N}
GS="$root/$build/gapsurvey"
TIME=/usr/bin/time
mkdir -p "$DIR"
log="$DIR/times"
: >"$log"
bin=$(sh "$root/tools/pgtmp.sh" bin) || { echo "bench/pg.sh: no PostgreSQL server binaries" >&2; exit 1; }
PSQL="$bin/psql"

cluster=""
if [ -z "${GAPSURVEY_BENCH_PG:-}" ]; then
    cluster="$DIR/cluster"
    GAPSURVEY_BENCH_PG=$(PGTMP_FSYNC=on sh "$root/tools/pgtmp.sh" start "$cluster")
fi
trap '[ -n "$cluster" ] && sh "$root/tools/pgtmp.sh" stop "$cluster"' EXIT
trap 'exit 1' INT TERM HUP
uri() { case "$GAPSURVEY_BENCH_PG" in *\?*) echo "$GAPSURVEY_BENCH_PG&dbname=$1" ;; *) echo "$GAPSURVEY_BENCH_PG?dbname=$1" ;; esac; }
newdb() {
    "$PSQL" "$GAPSURVEY_BENCH_PG" -qAtX -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
    uri "$1"
}
# timed STEP COMMAND...: "STEP wall cpu rss_kib" into the log
timed() {
    step=$1; shift
    "$TIME" -f "%e %U %S %M" -o "$DIR/t" "$@" >"$DIR/out" 2>"$DIR/err" ||
        { echo "bench/pg.sh: $step failed:" >&2; tail -n 5 "$DIR/err" >&2; exit 1; }
    awk -v s="$step" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
        '{ printf "%s %s %.2f %s %s\n", s, $1, $2 + $3, $4, l }' "$DIR/t" | tee -a "$log"
}

# 1. the data
if [ ! -s "$DIR/responses.csv" ] || [ "$(sed -n '$=' "$DIR/responses.csv")" -ne $((N + 1)) ]; then
    echo "generating $N responses in $DIR"
    rm -f "$DIR/gen.db"*
    "$GS" --db "$DIR/gen.db" init >/dev/null
    # about 52 respondents a unit (headcounts bound them)
    "$GS" --db "$DIR/gen.db" simulate --units $((N / 45 + 10)) --staff 250 --seed 5 >/dev/null
    "$GS" --db "$DIR/gen.db" export --form staff-opinion --format plain -o "$DIR/all.csv" >/dev/null
    head -n $((N + 1)) "$DIR/all.csv" >"$DIR/responses.csv"
    [ "$(sed -n '$=' "$DIR/responses.csv")" -eq $((N + 1)) ] ||
        { echo "bench/pg.sh: simulate made fewer than $N responses" >&2; exit 1; }
    # the forms and units only
    cp "$DIR/gen.db" "$DIR/empty.db"
    sqlite3 "$DIR/empty.db" "DELETE FROM responses; DELETE FROM waves; VACUUM;"
fi

# 2. SQLite
rm -f "$DIR/s.db"*
cp "$DIR/empty.db" "$DIR/s.db"
timed sqlite_import "$GS" --db "$DIR/s.db" import "$DIR/responses.csv" --form staff-opinion
timed sqlite_analyze "$GS" --db "$DIR/s.db" analyze --json
cp "$DIR/out" "$DIR/s.json"
answers=$("$root/$build/bench/floor" select "$DIR/s.db" | sed 's/^select: \([0-9]*\) answers.*/\1/')

# 3. PostgreSQL
P=$(newdb gsbench)
"$GS" db copy "$DIR/empty.db" "$P" >/dev/null
timed pg_import "$GS" --db "$P" import "$DIR/responses.csv" --form staff-opinion
"$PSQL" "$P" -qc "ANALYZE" >/dev/null
timed pg_analyze "$GS" --db "$P" analyze --json
cp "$DIR/out" "$DIR/p.json"
python3 - "$DIR/s.json" "$DIR/p.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
def walk(x, y, p=""):
    if isinstance(x, dict):
        assert x.keys() == y.keys(), p
        for k in x: walk(x[k], y[k], p + "." + k)
    elif isinstance(x, list):
        assert len(x) == len(y), p
        for i, (u, v) in enumerate(zip(x, y)): walk(u, v, "%s[%d]" % (p, i))
    elif isinstance(x, float) or isinstance(y, float):
        assert abs(x - y) <= 1e-9 * max(1, abs(x)), (p, x, y)
    elif p.endswith(".text"):
        pass        # sentences round to one decimal: a last bit can move one
    else:
        assert x == y, (p, x, y)
walk(a, b)
print("analyze --json: SQLite and PostgreSQL agree to 1e-9")
PY

# 4. the floors
# (the answers are packed in the responses' rows: schema 7)
"$PSQL" "$P" -qAtX -v ON_ERROR_STOP=1 -c "\\copy gapsurvey.responses TO '$DIR/r.bin' (FORMAT binary)"
F=$(newdb gsfloor)
"$GS" db copy "$DIR/empty.db" "$F" >/dev/null
# the rows the responses refer to besides forms and units: the wave, the
# import batch (errors stop psql: a COPY refused at once is no floor)
"$PSQL" "$P" -qAtX -v ON_ERROR_STOP=1 -c "\\copy gapsurvey.waves TO '$DIR/w.bin' (FORMAT binary)" \
    -c "\\copy gapsurvey.import_batches TO '$DIR/b.bin' (FORMAT binary)"
"$PSQL" "$F" -qAtX -v ON_ERROR_STOP=1 -c "\\copy gapsurvey.waves FROM '$DIR/w.bin' (FORMAT binary)" \
    -c "\\copy gapsurvey.import_batches FROM '$DIR/b.bin' (FORMAT binary)"
timed pg_copy_floor "$PSQL" "$F" -qAtX -v ON_ERROR_STOP=1 -c "BEGIN" \
    -c "\\copy gapsurvey.responses FROM '$DIR/r.bin' (FORMAT binary)" -c "COMMIT"
timed pg_scan_floor "$PSQL" "$P" -qAtX -v ON_ERROR_STOP=1 \
    -c "\\copy (SELECT id, form, answers FROM gapsurvey.responses ORDER BY id) TO '/dev/null' (FORMAT binary)"
timed sqlite_scan_floor "$root/$build/bench/floor" select "$DIR/s.db"

# 5. SCALE x N on both: the CSV imported SCALE times into each
if [ "$SCALE" -gt 1 ]; then
    rm -f "$DIR/big.db"*
    cp "$DIR/empty.db" "$DIR/big.db"
    B=$(newdb gsbig)
    "$GS" db copy "$DIR/empty.db" "$B" >/dev/null
    printf '%s\n' 'i=0' "while [ \$i -lt $SCALE ]; do" \
        "  \"$GS\" --db \"\$1\" import \"$DIR/responses.csv\" --form staff-opinion --again >/dev/null || exit 1" \
        '  i=$((i + 1))' 'done' >"$DIR/imports.sh"
    timed sqlite_import_x$SCALE sh "$DIR/imports.sh" "$DIR/big.db"
    timed sqlite_analyze_x$SCALE "$GS" --db "$DIR/big.db" analyze --json
    timed pg_import_x$SCALE sh "$DIR/imports.sh" "$B"
    "$PSQL" "$B" -qc "ANALYZE" >/dev/null
    timed pg_analyze_x$SCALE "$GS" --db "$B" analyze --json
fi

echo
echo "$N respondents, $answers answers; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| step | wall s | CPU s (gapsurvey/psql) | peak MiB | load at end |"
echo "|---|---|---|---|---|"
awk '{ printf "| %s | %.2f | %.2f | %.0f | %s |\n", $1, $2, $3, $4 / 1024, $5 }' "$log"
awk -v n="$N" -v a="$answers" -v x="$SCALE" '
{ w[$1] = $2 }
END {
    printf "\nimport: SQLite %.0f answers/s, PostgreSQL %.0f answers/s (%.2fx the COPY floor)\n",
        a / w["sqlite_import"], a / w["pg_import"], w["pg_import"] / w["pg_copy_floor"]
    printf "analyze: SQLite %.2f s, PostgreSQL %.2f s (%.2fx SQLite; the scan floor %.2f s)\n",
        w["sqlite_analyze"], w["pg_analyze"], w["pg_analyze"] / w["sqlite_analyze"], w["pg_scan_floor"]
    if (x > 1)
        printf "at %d x: import SQLite %.0f answers/s, PostgreSQL %.0f answers/s; analyze SQLite %.2f s, PostgreSQL %.2f s (%.2fx)\n",
            x, x * a / w["sqlite_import_x" x], x * a / w["pg_import_x" x], w["sqlite_analyze_x" x],
            w["pg_analyze_x" x], w["pg_analyze_x" x] / w["sqlite_analyze_x" x]
}' "$log"
