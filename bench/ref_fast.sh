#!/bin/sh
# `gapsurvey analyze --json` against R written for speed (bench/ref_fast.R),
# side by side in one run (issue #22's 20x target): bench/gen.py's survey of
# N respondents, imported afresh into DIR/fast.db (its size against the
# CSV's: issue #22's "no more than 2x"); then REPS times, alternating,
# analyze --json on the database, the bare read of the packed rows
# (BUILD/bench/floor select: issue #22's "within 2x of a bare scan"),
# analyze again on one thread (GAPSURVEY_SCAN_BATCH=inline: what the
# second thread gains, and what it costs in CPU) and
# Rscript bench/ref_fast.R on the CSV, each under /usr/bin/time.  First
# checks R's numbers against gapsurvey's (bench/compare.py on every shared
# value, then a handful printed).
#
#   sh bench/ref_fast.sh [BUILD_DIR] [N] [REPS]     (defaults: build 200000 3)
#
# Data in ${BENCH_DIR:-/tmp/gapsurvey-bench-N} (bench/run.sh's layout).
set -eu
build=${1:-build} N=${2:-200000} REPS=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/tmp/gapsurvey-bench-$N}
GS="$root/$build/gapsurvey"
PY=/usr/bin/python3
TIME=/usr/bin/time
mkdir -p "$DIR"
if [ ! -s "$DIR/responses.csv" ] || [ "$(sed -n '$=' "$DIR/responses.csv")" -ne $((N + 1)) ]; then
    "$PY" "$root/bench/gen.py" "$N" "$DIR"
fi
# a fresh import each time: the database is this build's layout
rm -f "$DIR/fast.db" "$DIR/fast.db-wal" "$DIR/fast.db-shm"
"$GS" --db "$DIR/fast.db" init > /dev/null
"$GS" --db "$DIR/fast.db" form add "$DIR/form.csv" > /dev/null
"$GS" --db "$DIR/fast.db" unit import "$DIR/units.csv" > /dev/null
"$GS" --db "$DIR/fast.db" import "$DIR/responses.csv" --form staff-opinion > /dev/null
[ ! -s "$DIR/fast.db-wal" ] || { echo "ref_fast: the import left a WAL" >&2; exit 1; }
dbsize=$(stat -c %s "$DIR/fast.db") csvsize=$(stat -c %s "$DIR/responses.csv")
FLOOR="$root/$build/bench/floor"
[ -x "$FLOOR" ] || make -C "$root" "$build/bench/floor" > /dev/null
# agreement
"$GS" --db "$DIR/fast.db" analyze --json > "$DIR/fast-gs.json"
Rscript "$root/bench/ref_fast.R" "$DIR" "$DIR/fast-r.json"
"$PY" "$root/bench/compare.py" "$DIR/fast-gs.json" "$DIR/fast-r.json"
"$PY" - "$DIR/fast-gs.json" "$DIR/fast-r.json" <<'EOF'
import json, sys
g, r = (json.load(open(f)) for f in sys.argv[1:3])
gd = {d["code"]: d for d in g["dimensions"]}
print("%-28s %22s %22s" % ("value", "gapsurvey", "ref_fast.R"))
for d in r["dimensions"]:
    for f in ("mean", "alpha"):
        print("%-28s %22.15g %22.15g" % (d["code"] + " " + f, gd[d["code"]][f], d[f]))
c = r["cells"][0]
s = {x["code"]: x for x in g["groups"]}[c["unit"]]["scores"][c["dimension"]]
for f in ("t", "df", "rwg_j"):
    print("%-28s %22.15g %22.15g" % ("%s/%s Welch %s" % (c["unit"], c["dimension"], f), s[f], c[f]))
EOF
# timing, alternating
log="$DIR/fast-times"; : > "$log"
i=1
while [ "$i" -le "$REPS" ]; do
    "$TIME" -f "analyze %e %U %S %M" -a -o "$log" "$GS" --db "$DIR/fast.db" analyze --json > /dev/null
    "$TIME" -f "floor %e %U %S %M" -a -o "$log" "$FLOOR" select "$DIR/fast.db" > /dev/null
    GAPSURVEY_SCAN_BATCH=inline "$TIME" -f "analyze1 %e %U %S %M" -a -o "$log" "$GS" --db "$DIR/fast.db" analyze --json > /dev/null
    "$TIME" -f "R %e %U %S %M" -a -o "$log" Rscript "$root/bench/ref_fast.R" "$DIR" "$DIR/fast-r.json"
    i=$((i + 1))
done
echo "$N respondents; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); R reader: $(sed 's/.*"reader":"\([^"]*\)".*/\1/' "$DIR/fast-r.json")"
awk '
function med(s,   n, x, i, j, t) { n = split(s, x, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }; return x[int((n + 1) / 2)] }
{ w[$1] = w[$1] " " $2; c[$1] = c[$1] " " ($3 + $4); if ($5 > m[$1]) m[$1] = $5; all[$1] = all[$1] sprintf(" %.2f/%.2f", $2, $3 + $4) }
END {
    printf "| step | wall s (median) | CPU s (median) | peak MiB | runs wall/CPU |\n|---|---|---|---|---|\n"
    printf "| gapsurvey analyze --json | %.2f | %.2f | %.0f |%s |\n", med(w["analyze"]), med(c["analyze"]), m["analyze"] / 1024, all["analyze"]
    printf "| the same on one thread (GAPSURVEY_SCAN_BATCH=inline) | %.2f | %.2f | %.0f |%s |\n", med(w["analyze1"]), med(c["analyze1"]), m["analyze1"] / 1024, all["analyze1"]
    printf "| bare read of the packed rows (bench/floor select) | %.2f | %.2f | %.0f |%s |\n", med(w["floor"]), med(c["floor"]), m["floor"] / 1024, all["floor"]
    printf "| Rscript bench/ref_fast.R | %.2f | %.2f | %.0f |%s |\n", med(w["R"]), med(c["R"]), m["R"] / 1024, all["R"]
    printf "\nanalyze / bare read: %.1fx wall, %.1fx CPU (target: within 2x)\n", med(w["analyze"]) / med(w["floor"]), med(c["analyze"]) / med(c["floor"])
    printf "database %.1f MB, CSV %.1f MB: %.3fx (target: at most 2x)\n", db / 1e6, csv / 1e6, db / csv
    printf "\nR / gapsurvey: %.1fx wall, %.1fx CPU (target: 20x)\n", med(w["R"]) / med(w["analyze"]), med(c["R"]) / med(c["analyze"])
}' db="$dbsize" csv="$csvsize" "$log"
