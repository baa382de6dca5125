#!/bin/sh
# Issue #22's targets in one run, at each N (default 200000 and 1000000):
# bench/import_floor.sh (import against SQLite inserting the same packed
# rows, answers/s) and bench/ref_fast.sh (analyze --json against R written
# for speed and against the bare read of the packed rows; peak memory; the
# database's size against the CSV's).  REPS runs each, medians.
#
#   sh bench/targets.sh [BUILD] [REPS]        BENCH_NS="200000 1000000"
#
# The data of each N in /tmp/gapsurvey-bench-N (bench/gen.py, generated
# when missing: the 1M CSV is 104 MB).  Takes about 5 minutes at 200k
# and 15 at 1M on 2 cores (R needs 2.5 GB at 1M).
set -eu
build=${1:-build}
REPS=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
make -C "$root" "$build/gapsurvey" "$build/bench/floor" > /dev/null
for N in ${BENCH_NS:-200000 1000000}; do
    echo "== $N respondents: import =="
    sh "$root/bench/import_floor.sh" "$build" "$N" "$REPS" | grep -v '^run '
    echo
    echo "== $N respondents: analyze, the bare read, R, the database's size =="
    sh "$root/bench/ref_fast.sh" "$build" "$N" "$REPS" | sed -n '/respondents; /,$p'
    echo
done
