#!/bin/sh
# The benchmark suite of issue #8 (bench/README.md): gapsurvey against R and
# pandas/scipy on one generated province-scale survey, with the floors that
# no tool can beat.  `make bench` runs it; not part of `make test`.
#
#   sh bench/run.sh [BUILD_DIR]
#
# Environment:
#   BENCH_N       respondents (default 100000); 1000000 is the province
#   BENCH_REPS    runs of each gapsurvey step and floor, median reported (3)
#   BENCH_REF_REPS  runs of the R and pandas scripts (default BENCH_REPS)
#   BENCH_REPORT_REPS  runs of `report` (default BENCH_REPS)
#   BENCH_DIR     where data and databases go (default /tmp/gapsurvey-bench-N);
#                 the CSV is generated once and kept there (never in the repo)
#   BENCH_SERVE   seconds of `bench/load_serve.py` to run at the end (0 = skip,
#                 default 0; the recorded serve runs are in bench/README.md)
#
# Each step runs under /usr/bin/time: wall seconds, CPU seconds (user +
# system) and peak resident memory.  The R and pandas numbers are checked
# against gapsurvey's with bench/compare.py; a disagreement fails the run.
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_N:-100000}
REPS=${BENCH_REPS:-3}
REF_REPS=${BENCH_REF_REPS:-$REPS}
REPORT_REPS=${BENCH_REPORT_REPS:-$REPS}
DIR=${BENCH_DIR:-/tmp/gapsurvey-bench-$N}
GS="$root/$build/gapsurvey"
FLOOR="$root/$build/bench/floor"
PY=/usr/bin/python3             # Debian's, where python3-pandas/scipy live
TIME=/usr/bin/time
mkdir -p "$DIR"
log="$DIR/times"
: > "$log"
rm -f "$DIR/report.status"

for tool in "$TIME" "$PY" Rscript sqlite3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (make deps; apt-get install time r-base-core r-cran-psych r-cran-multilevel r-cran-jsonlite python3-pandas python3-scipy)" >&2; exit 1; }
done

if [ ! -s "$DIR/responses.csv" ] || [ "$(sed -n '$=' "$DIR/responses.csv")" -ne $((N + 1)) ]; then
    echo "generating $N responses in $DIR"
    "$PY" "$root/bench/gen.py" "$N" "$DIR"
fi
answers=0

# a fresh database with the form and the units, copied for every import
rm -f "$DIR/empty.db"*
"$GS" --db "$DIR/empty.db" init >/dev/null
"$GS" --db "$DIR/empty.db" form add "$DIR/form.csv" >/dev/null
"$GS" --db "$DIR/empty.db" unit import "$DIR/units.csv" >/dev/null
sqlite3 "$DIR/empty.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

# timed STEP COMMAND...: appends "STEP wall cpu rss_kib" to the log; a
# failing command stops the suite, except `report`, whose exit status is
# shown in the table (it fails on its own plots at province scale)
timed() {
    step=$1; shift
    st=0
    "$TIME" -f "%e %U %S %M" -o "$DIR/t.$$" "$@" >"$DIR/out.$$" 2>"$DIR/err.$$" || st=$?
    if [ "$st" -ne 0 ]; then
        echo "bench: $step exited with $st:" >&2; tail -n 3 "$DIR/err.$$" >&2
        [ "$step" = report ] || exit 1
        echo "$st" > "$DIR/report.status"
    fi
    grep -v '^Command exited' "$DIR/t.$$" |
        awk -v s="$step" '{ printf "%s %s %.2f %s\n", s, $1, $2 + $3, $4 }' >> "$log"
}
fresh() { rm -f "$1" "$1-wal" "$1-shm"; cp "$DIR/empty.db" "$1"; }

i=1
while [ "$i" -le "$REPS" ]; do
    echo "run $i of $REPS"
    fresh "$DIR/gs.db"
    timed import "$GS" --db "$DIR/gs.db" import "$DIR/responses.csv" --form staff-opinion
    # SQLite's own floor for the same packed rows: INSERT ... SELECT, same pragmas
    fresh "$DIR/floor.db"
    timed insert_select sqlite3 "$DIR/floor.db" \
        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         ATTACH '$DIR/gs.db' AS src; BEGIN IMMEDIATE;
         INSERT INTO waves SELECT * FROM src.waves;
         INSERT INTO responses(id, form, wave, unit, submitted_on, source, answers)
             SELECT id, form, wave, unit, submitted_on, source, answers FROM src.responses WHERE 1;
         COMMIT;"
    timed analyze "$GS" --db "$DIR/gs.db" analyze --json
    cp "$DIR/out.$$" "$DIR/gapsurvey.json"
    # issue 19: measurement quality and key drivers from the same pass's
    # co-moments; the careless screen adds a pass of its own
    timed analyze_validity "$GS" --db "$DIR/gs.db" analyze --json --validity --drivers
    timed analyze_screen "$GS" --db "$DIR/gs.db" analyze --json --validity --drivers --screen
    if [ "$i" -le "$REPORT_REPS" ]; then
        rm -rf "$DIR/report"
        timed report "$GS" --db "$DIR/gs.db" report --out "$DIR/report"
    fi
    timed floor_select "$FLOOR" select "$DIR/gs.db"
    timed floor_csv "$FLOOR" csv "$DIR/responses.csv"
    i=$((i + 1))
done
answers=$("$FLOOR" select "$DIR/gs.db" | sed 's/^select: \([0-9]*\) answers.*/\1/')
i=1
while [ "$i" -le "$REF_REPS" ]; do
    echo "R and pandas, run $i of $REF_REPS"
    timed R Rscript "$root/bench/ref.R" "$DIR" "$DIR/r.json"
    timed pandas "$PY" "$root/bench/ref.py" "$DIR" "$DIR/pandas.json"
    i=$((i + 1))
done
"$PY" "$root/bench/compare.py" "$DIR/gapsurvey.json" "$DIR/r.json"
"$PY" "$root/bench/compare.py" "$DIR/gapsurvey.json" "$DIR/pandas.json"
rm -f "$DIR/t.$$" "$DIR/out.$$" "$DIR/err.$$"

# the table: medians of wall and CPU seconds, the largest peak memory
awk -v n="$N" -v answers="$answers" '
function median(a, k,   i, j, t) {
    for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j] < a[j-1]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
{ k = ++cnt[$1]; W[$1, k] = $2; C[$1, k] = $3; if ($4 > M[$1]) M[$1] = $4 }
END {
    split("import insert_select analyze analyze_validity analyze_screen report floor_select floor_csv R pandas", order, " ")
    for (s in cnt) { delete w; delete c
        for (i = 1; i <= cnt[s]; i++) { w[i] = W[s, i]; c[i] = C[s, i] }
        wall[s] = median(w, cnt[s]); cpu[s] = median(c, cnt[s]) }
    label["import"] = "gapsurvey import (CSV -> fresh database)"
    label["insert_select"] = "floor: SQLite INSERT ... SELECT of the same rows"
    label["analyze"] = "gapsurvey analyze --json"
    label["analyze_validity"] = "gapsurvey analyze --json --validity --drivers"
    label["analyze_screen"] = "gapsurvey analyze --json --validity --drivers --screen"
    label["report"] = "gapsurvey report (plots, HTML, Markdown)" (rstatus ? " [exit " rstatus "]" : "")
    label["floor_select"] = "floor: bare SELECT of every answer"
    label["floor_csv"] = "floor: read the CSV once (libcsv)"
    label["R"] = "R script, same statistics (bench/ref.R)"
    label["pandas"] = "pandas/scipy script, same statistics (bench/ref.py)"
    printf "\n%d respondents, %d answers stored\n\n", n, answers
    printf "| step | runs | wall s (median) | CPU s (median) | peak MiB |\n|---|---|---|---|---|\n"
    for (i = 1; i <= 10; i++) { s = order[i]; if (!(s in cnt)) continue
        printf "| %s | %d | %.2f | %.2f | %.0f |\n", label[s], cnt[s], wall[s], cpu[s], M[s] / 1024 }
    printf "\n"
    if (wall["import"] > 0) printf "import: %.0f responses/s, %.0f answers/s wall (%.0f answers/s of CPU); %.2fx the INSERT ... SELECT floor (wall), %.2fx (CPU)\n", n / wall["import"], answers / wall["import"], answers / cpu["import"], wall["import"] / wall["insert_select"], cpu["import"] / cpu["insert_select"]
    if (wall["analyze"] > 0) printf "analyze: R/gapsurvey %.1fx, pandas/gapsurvey %.1fx (wall); %.1fx, %.1fx (CPU); %.2fx the bare-SELECT floor (wall), %.2fx (CPU)\n", wall["R"] / wall["analyze"], wall["pandas"] / wall["analyze"], cpu["R"] / cpu["analyze"], cpu["pandas"] / cpu["analyze"], wall["analyze"] / wall["floor_select"], cpu["analyze"] / cpu["floor_select"]
}' rstatus="$(cat "$DIR/report.status" 2>/dev/null || true)" "$log" | tee "$DIR/results.md"

serve=${BENCH_SERVE:-0}
if [ "$serve" -gt 0 ]; then
    "$PY" "$root/bench/load_serve.py" --duration "$serve" --gapsurvey "$GS"
fi
