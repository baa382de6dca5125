#!/bin/sh
# gapsurvey import against SQLite inserting the same packed rows (issue
# #22: "import >= 1.5M answers/s, within 2x of SQLite inserting the same
# packed rows"), side by side in one run, alternating, REPS times each.
#
#   sh bench/import_floor.sh [BUILD] [N] [REPS]
#
# BUILD: a build directory, relative to the tree or absolute (an older
# build to compare: BENCH_FLOOR=build/bench/floor gives it this tree's floor).
#
# N respondents of bench/gen.py (default 200000; the data in
# ${BENCH_DIR:-/tmp/gapsurvey-bench-N}, generated when missing).  Each
# run: `gapsurvey import` of responses.csv into a fresh database holding
# the form and the units (wall and CPU from /usr/bin/time), then two
# floors on copies of the same fresh database, fed the rows that import
# stored (bench/floor.c; wall and CPU from BEGIN to close, reading the
# rows excluded):
#   insert         one prepared INSERT (the import's text) per row with
#                  bound values, in the import's pattern of ids: the ratio
#   insert-select  SQLite's own INSERT ... SELECT, rows in id order
# Prints every run, the medians, answers/s and the ratios.
set -eu
build=${1:-build}
N=${2:-200000}
REPS=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/tmp/gapsurvey-bench-$N}
case $build in /*) B=$build ;; *) B="$root/$build" ;; esac
GS="$B/gapsurvey"
FLOOR=${BENCH_FLOOR:-$B/bench/floor}   # another build's floor: the same floor for both
TIME=/usr/bin/time
W=$(mktemp -d "${TMPDIR:-/tmp}/import_floor.XXXXXX")
trap 'rm -rf "$W"' EXIT
if [ ! -s "$DIR/responses.csv" ] || [ "$(sed -n '$=' "$DIR/responses.csv")" -ne $((N + 1)) ]; then
    echo "generating $N responses in $DIR"
    mkdir -p "$DIR"
    /usr/bin/python3 "$root/bench/gen.py" "$N" "$DIR"
fi
"$GS" --db "$W/empty.db" init > /dev/null
"$GS" --db "$W/empty.db" form add "$DIR/form.csv" > /dev/null
"$GS" --db "$W/empty.db" unit import "$DIR/units.csv" > /dev/null
sqlite3 "$W/empty.db" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
fresh() { rm -f "$1" "$1-wal" "$1-shm"; cp "$W/empty.db" "$1"; }
log="$W/times"
: > "$log"
i=1
while [ "$i" -le "$REPS" ]; do
    fresh "$W/gs.db"
    "$TIME" -f "%e %U %S" -o "$W/t" "$GS" --db "$W/gs.db" import "$DIR/responses.csv" \
        --form staff-opinion > /dev/null
    awk '{ printf "import %s %.2f\n", $1, $2 + $3 }' "$W/t" >> "$log"
    for m in insert insert-select; do
        fresh "$W/f.db"
        "$FLOOR" "$m" "$W/gs.db" "$W/f.db" > "$W/out"
        sed -n 's/^[a-z-]*: [0-9]* rows in \([0-9.]*\) s wall, \([0-9.]*\) s CPU$/\1 \2/p' \
            "$W/out" | awk -v m="$m" '{ print m, $1, $2 }' >> "$log"
    done
    tail -n 3 "$log" | awk -v i="$i" '{ printf "run %d: %s %.2f s wall, %.2f s CPU\n", i, $1, $2, $3 }'
    i=$((i + 1))
done
answers=$("$FLOOR" select "$W/gs.db" | sed 's/^select: \([0-9]*\) answers.*/\1/')
echo "$N respondents, $answers answers; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="$answers" '
{ w[$1] = w[$1] " " $2; c[$1] = c[$1] " " $3 }
function med(s,   n, x, i, j, t) { n = split(s, x, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }; return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
END {
    printf "| step | wall s (median) | CPU s (median) | answers/s wall | answers/s of CPU |\n|---|---|---|---|---|\n"
    split("import insert insert-select", s, " ")
    for (k = 1; k <= 3; k++) {
        W = med(w[s[k]]); C = med(c[s[k]])
        printf "| %s | %.2f | %.2f | %.0f | %.0f |\n", s[k], W, C, a / W, a / C
    }
    printf "\nimport / insert floor: %.2fx wall, %.2fx CPU; import / insert-select: %.2fx wall, %.2fx CPU\n",
        med(w["import"]) / med(w["insert"]), med(c["import"]) / med(c["insert"]),
        med(w["import"]) / med(w["insert-select"]), med(c["import"]) / med(c["insert-select"])
}' "$log"
