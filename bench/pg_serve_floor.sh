#!/bin/sh
# PostgreSQL's own floor for what bench/pg_serve.sh asks of it (issue 21):
# pgbench running, per submission, the statements the two front ends send,
# on the same schema, with nothing of gapsurvey in between.  Not part of
# `make test`.
#
#   sh bench/pg_serve_floor.sh [BUILD_DIR]
#
# A submission is the code's read of the form page (GET), the same read
# again (POST), and its share of a group commit: BEGIN, the data-modifying
# WITH that uses the code and stores the response (survey/store.c,
# use_and_add), COMMIT, sent in one pipeline.  Each pgbench transaction is
# BENCH_GROUP (default 3, about what the front ends' groups hold under
# this load) submissions: 2 x BENCH_GROUP reads, then one group; the
# submissions per second are its tps times BENCH_GROUP.  BENCH_SECONDS
# (default 15), BENCH_CLIENTS (default 10: the connections of two front
# ends of 4 threads and a writer each), GAPSURVEY_BENCH_PG as in
# pg_serve.sh (default a throwaway cluster with fsync on).
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
GS="$root/$build/gapsurvey"
SECS=${BENCH_SECONDS:-15}
CLIENTS=${BENCH_CLIENTS:-10}
GROUP=${BENCH_GROUP:-3}
DIR=$(mktemp -d /tmp/gapsurvey-pgfloor.XXXXXX)
bin=$(sh "$root/tools/pgtmp.sh" bin)
cluster=""
if [ -z "${GAPSURVEY_BENCH_PG:-}" ]; then
    cluster=$(mktemp -d /tmp/gapsurvey-pgfloor-cluster.XXXXXX)
    GAPSURVEY_BENCH_PG=$(PGTMP_FSYNC=on sh "$root/tools/pgtmp.sh" start "$cluster")
fi
cleanup() {
    [ -n "$cluster" ] && sh "$root/tools/pgtmp.sh" stop "$cluster" && rm -rf "$cluster"
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
case "$GAPSURVEY_BENCH_PG" in
*\?*) DB="$GAPSURVEY_BENCH_PG&dbname=gsfloor" ;;
*) DB="$GAPSURVEY_BENCH_PG?dbname=gsfloor" ;;
esac
"$bin/psql" "$GAPSURVEY_BENCH_PG" -qAtX -c "DROP DATABASE IF EXISTS gsfloor WITH (FORCE)" \
    -c "CREATE DATABASE gsfloor" >/dev/null
sql() { PGOPTIONS='-c search_path=gapsurvey' "$bin/psql" "$DB" -qAtX -c "$1"; }
"$GS" --db "$DB" init >/dev/null
"$GS" --db "$DB" form add "$root/questionnaires/staff-opinion.csv" >/dev/null
"$GS" --db "$DB" unit import "$root/questionnaires/units-sample.csv" >/dev/null
"$GS" --db "$DB" token issue --form staff-opinion --unit U07 --count 1 >/dev/null 2>&1
form=$(sql "SELECT id FROM forms")
wave=$(sql "SELECT id FROM waves")
unit=$(sql "SELECT id FROM units WHERE code = 'U07'")
# codes numbered n = 1..N, hashed md5(n) so that pgbench can name one;
# enough that a code drawn twice (which then stores nothing) is rare
n=$((SECS * 3000 * 20))
sql "INSERT INTO tokens(hash, form, unit, wave) SELECT md5(n::text), $form, $unit, $wave FROM generate_series(1, $n) n"
sql "VACUUM ANALYZE tokens"
# a staff response's answers packed as the web stores them (42 answers,
# about 110 bytes; tools/answers.py packs them as survey/packed.c does)
blob=$(/usr/bin/python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from answers import encode
a = [(p, 4.0, "4") for p in range(38)] + [(38, None, "clerk"), (39, None, "yes"), (40, None, "lt3"), (41, None, "mark-000000000000")]
print(encode(a).hex())' "$root/tools")
read="SELECT t.form, coalesce(t.unit, 0), t.wave, t.used, CASE WHEN w.closed_at IS NULL THEN 0 ELSE 1 END FROM gapsurvey.tokens t JOIN gapsurvey.waves w ON w.id = t.wave WHERE t.hash = md5((:n + KK)::text);"
write="WITH t AS (UPDATE gapsurvey.tokens SET used = 1 WHERE hash = md5((:n + KK)::text) AND used = 0 RETURNING 1) INSERT INTO gapsurvey.responses(id, form, wave, unit, submitted_on, source, answers) SELECT CAST(($wave::bigint << 40) + :id + KK AS bigint), CAST($form AS integer), CAST($wave AS integer), CAST($unit AS integer), CAST('2026-W49' AS text), CAST('web' AS text), CAST('\\x$blob' AS bytea) FROM t;"
{
    printf '%s\n' "\\set n random(1, $((n - GROUP)))"
    printf '%s\n' "\\set id random(1, 1099511627000)"
    k=0
    while [ $k -lt "$GROUP" ]; do
        printf "%s\n" "$read" | sed "s/KK/$k/"
        printf "%s\n" "$read" | sed "s/KK/$k/"
        k=$((k + 1))
    done
    printf '%s\n' '\startpipeline'
    echo 'BEGIN;'
    k=0
    while [ $k -lt "$GROUP" ]; do
        printf "%s\n" "$write" | sed "s/KK/$k/g"
        k=$((k + 1))
    done
    echo 'COMMIT;'
    printf '%s\n' '\endpipeline'
} >"$DIR/sub.sql"
"$bin/pgbench" -n -M prepared -c "$CLIENTS" -j 2 -T "$SECS" -f "$DIR/sub.sql" "$DB" >"$DIR/out" 2>&1 ||
    { cat "$DIR/out" >&2; exit 1; }
tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$DIR/out")
stored=$(sql "SELECT count(*) FROM responses")
echo "pgbench floor: $CLIENTS clients, groups of $GROUP, $SECS s:"
echo "  $(echo "$tps * $GROUP" | bc | cut -d. -f1) submissions/s ($stored responses stored)"
echo "($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
