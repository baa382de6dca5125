#!/bin/sh
# Two `serve` front ends on one PostgreSQL database under load, and one
# front end on SQLite under the same load for comparison (issue 21).  Not
# part of `make test`.
#
#   sh bench/pg_serve.sh [BUILD_DIR]
#
# Environment: BENCH_SECONDS (load time before the kill, default 30),
# BENCH_CONNECTIONS (per front end, default 32), BENCH_THREADS (serve
# --threads, default 4), GAPSURVEY_BENCH_PG (a server; default a
# throwaway cluster with fsync on, started and stopped here),
# BENCH_CODES_PER_S (codes issued per second of load, default 5000).
#
# The load is bench/load_serve_c (make BUILD/bench/load_serve_c): keep-alive
# connections that GET a form and POST the staff questionnaire with a unique
# marker in its comment, one code each.  After BENCH_SECONDS front end A is
# killed with SIGKILL while both loads go on; a second later the loads stop.
# Then every acknowledged marker must be stored once (lost = 0), codes used
# must equal responses stored, and every response must have all its answers.
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
GS="$root/$build/gapsurvey"
LOAD="$root/$build/bench/load_serve_c"
SECS=${BENCH_SECONDS:-30}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-4}
DIR=$(mktemp -d /tmp/gapsurvey-pgserve.XXXXXX)
bin=$(sh "$root/tools/pgtmp.sh" bin)
PSQL="$bin/psql"
[ -x "$LOAD" ] || { echo "bench/pg_serve.sh: make $build/bench/load_serve_c first" >&2; exit 1; }
cluster=""
if [ -z "${GAPSURVEY_BENCH_PG:-}" ]; then
    cluster=$(mktemp -d /tmp/gapsurvey-pgserve-cluster.XXXXXX)   # its owner must reach it
    GAPSURVEY_BENCH_PG=$(PGTMP_FSYNC=on sh "$root/tools/pgtmp.sh" start "$cluster")
fi
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    [ -n "$cluster" ] && sh "$root/tools/pgtmp.sh" stop "$cluster" && rm -rf "$cluster"
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
case "$GAPSURVEY_BENCH_PG" in
*\?*) DB="$GAPSURVEY_BENCH_PG&dbname=gsserve" ;;
*) DB="$GAPSURVEY_BENCH_PG?dbname=gsserve" ;;
esac
"$PSQL" "$GAPSURVEY_BENCH_PG" -qAtX -c "DROP DATABASE IF EXISTS gsserve WITH (FORCE)" \
    -c "CREATE DATABASE gsserve" >/dev/null
sql() { PGOPTIONS='-c search_path=gapsurvey' "$PSQL" "$DB" -qAtX -c "$1"; }

# setup DB: forms, units and codes (enough for BENCH_CODES_PER_S, default
# 5,000/s, for the whole run: a load that runs out of codes stops early and
# understates the rate; on a quiet machine 2,500/s ran out)
setup() {
    "$GS" --db "$1" init >/dev/null
    "$GS" --db "$1" form add "$root/questionnaires/staff-opinion.csv" >/dev/null
    "$GS" --db "$1" unit import "$root/questionnaires/units-sample.csv" >/dev/null
    n=$(( (SECS + 5) * ${BENCH_CODES_PER_S:-5000} ))
    : >"$2"
    while [ "$n" -gt 0 ]; do   # token issue takes at most 100,000 at a time
        c=$n; [ "$c" -gt 100000 ] && c=100000
        "$GS" --db "$1" token issue --form staff-opinion --unit U07 --count "$c" 2>/dev/null |
            tail -n +2 | cut -d, -f1 >>"$2"
        n=$((n - c))
    done
}
# front DB NAME: a front end; its port in $PORT, pid in $FPID
front() {
    printf 'bench-admin-secret-0123456789\n' >"$DIR/admin"
    # made here: the server's own redirection may come after the first
    # look below (a busy machine), and a missing file would end the script
    : >"$DIR/$2.out"
    "$GS" --db "$1" serve --listen 127.0.0.1:0 --threads "$THREADS" --rate 0 \
        --admin-token "$DIR/admin" >"$DIR/$2.out" 2>"$DIR/$2.err" &
    FPID=$!
    PIDS="$PIDS $FPID"
    i=0
    PORT=""
    while [ $i -lt 400 ] && [ -z "$PORT" ]; do
        PORT=$(sed -n 's/^gapsurvey: serving http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$DIR/$2.out")
        sleep 0.05
        i=$((i + 1))
    done
    [ -n "$PORT" ] || { echo "bench/pg_serve.sh: front end $2 did not start" >&2; cat "$DIR/$2.err" >&2; exit 1; }
}
# acked FILE...: the markers acknowledged in load_serve_c's outputs
acked() { cat "$@" | awk '$2 == 1 { print $1 }' | sort -u; }

# ---- PostgreSQL: two front ends ----
setup "$DB" "$DIR/codes"
half=$(( $(wc -l <"$DIR/codes") / 2 ))
head -n "$half" "$DIR/codes" >"$DIR/codes.a"
tail -n +"$((half + 1))" "$DIR/codes" >"$DIR/codes.b"
front "$DB" a
PA=$PORT
APID=$FPID
front "$DB" b
PB=$PORT
"$LOAD" --port "$PA" --codes "$DIR/codes.a" --connections "$CONNS" --out "$DIR/load.a" --tag a \
    >"$DIR/sum.a" 2>&1 &
LA=$!
"$LOAD" --port "$PB" --codes "$DIR/codes.b" --connections "$CONNS" --out "$DIR/load.b" --tag b \
    >"$DIR/sum.b" 2>&1 &
LB=$!
PIDS="$PIDS $LA $LB"
t0=$(date +%s.%N)
sleep "$SECS"
kill -9 "$APID"
sleep 1
kill -TERM "$LA" "$LB"
wait "$LA" "$LB" || true
t1=$(date +%s.%N)
acked "$DIR/load.a" "$DIR/load.b" >"$DIR/acked"
# each response's answers are packed (responses.answers, doc/STORAGE.md):
# tools/answers.py's decoder gives the comment's text and how many answers
# each one holds; "partial" counts those with fewer than the most
pos=$(sql "SELECT pos FROM items WHERE name = 'comment'")
sql "COPY (SELECT encode(answers, 'hex') FROM responses) TO STDOUT" |
    /usr/bin/python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from answers import decode
pos, n, texts = int(sys.argv[2]), [], []
for line in sys.stdin:
    a = decode(bytes.fromhex(line.strip()))
    n.append(len(a))
    texts += [t for p, _, t in a if p == pos]
open(sys.argv[3], "w").write("".join(t + "\n" for t in texts))
print(sum(1 for k in n if k < max(n)) if n else 0)' "$root/tools" "$pos" "$DIR/stored" >"$DIR/partial"
sort -o "$DIR/stored" "$DIR/stored"
n_acked=$(wc -l <"$DIR/acked")
lost=$(comm -23 "$DIR/acked" "$DIR/stored" | wc -l)
dup=$(uniq -d "$DIR/stored" | wc -l)
responses=$(sql "SELECT count(*) FROM responses")
used=$(sql "SELECT sum(used) FROM tokens")
partial=$(cat "$DIR/partial")
secs=$(echo "$t1 - $t0" | bc)
echo "PostgreSQL, two front ends ($THREADS threads each, $CONNS connections each), $SECS s, A killed -9 at the end:"
echo "  acknowledged $n_acked in $secs s: $(echo "$n_acked / $secs" | bc) submissions/s"
echo "  lost $lost, duplicated $dup, responses $responses, codes used $used, partial $partial"
sed 's/^/  A: /' "$DIR/sum.a" | tail -n 3
sed 's/^/  B: /' "$DIR/sum.b" | tail -n 3
[ "$lost" -eq 0 ] && [ "$dup" -eq 0 ] && [ "$partial" -eq 0 ] && [ "$responses" -eq "$used" ] &&
    echo "  RESULT: PASS" || echo "  RESULT: FAIL"

# ---- SQLite: one front end, the same total connections ----
setup "$DIR/s.db" "$DIR/scodes"
front "$DIR/s.db" s
"$LOAD" --port "$PORT" --codes "$DIR/scodes" --connections $((2 * CONNS)) --duration "$SECS" \
    --out "$DIR/load.s" --tag s >"$DIR/sum.s" 2>&1
n=$(acked "$DIR/load.s" | wc -l)
echo "SQLite, one front end ($THREADS threads, $((2 * CONNS)) connections), $SECS s:"
echo "  acknowledged $n: $((n / SECS)) submissions/s"
sed 's/^/  /' "$DIR/sum.s" | tail -n 3
echo "($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
