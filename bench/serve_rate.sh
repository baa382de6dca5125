#!/bin/sh
# The serve rate of bench/README.md's table ("serve", the no-history rule),
# for a quiet moment of the machine: bench/load_serve.py with the C load
# generator (--client c), 20 s per run, RUNS runs (default 3) at 16 and at
# 32 connections, alternating, then one table row per connection count:
# the runs, their median, and p50 / p99 latency, server and load CPU per
# submission of the median run, and lost / duplicated / partial (must be
# 0 / 0 / 0: every run kills the server mid-load and checks the database).
#
#   sh bench/serve_rate.sh [GAPSURVEY] [RUNS]
#
# GAPSURVEY defaults to ./gapsurvey; bench/load_serve_c beside it (make
# bench, or make BUILD=DIR DIR/bench/load_serve_c).  The load average is
# printed before and after: above 3 on this 2-core machine other work is
# sharing the cores and the disk, and the rates say little (use
# bench/serve_cost.sh for figures that do not depend on it).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
gs=${1:-$root/gapsurvey}
runs=${2:-3}
dir=$(mktemp -d /tmp/gs-serve-rate-XXXXXX)
trap 'rm -rf "$dir"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average before: $(load)"
i=1
while [ "$i" -le "$runs" ]; do
    for c in 16 32; do
        out="$dir/c$c.$i"
        python3 "$root/bench/load_serve.py" --client c --gapsurvey "$gs" --duration 20 \
            --clients "$c" >"$out" 2>&1 || { echo "serve_rate: run failed:" >&2; cat "$out" >&2; exit 1; }
        printf '%s connections, run %d: %s/s (load average %s)\n' "$c" "$i" \
            "$(awk '$1 == "submissions_per_s" { print $2 }' "$out")" "$(load)"
    done
    i=$((i + 1))
done
echo "load average after: $(load)"
echo "| load | runs, submissions/s | median | p50 / p99 ms (median run) | server CPU per submission | load CPU per submission | lost, duplicated, partial |"
echo "|---|---|---|---|---|---|---|"
for c in 16 32; do
    # one line per run: rate p50 p99 server_cpu load_cpu lost dup partial, sorted by rate
    for f in "$dir"/c$c.*; do
        awk '{ v[$1] = $2 } END { print v["submissions_per_s"], v["p50_ms"], v["p99_ms"],
             v["server_cpu_ms_per_submission"], v["client_cpu_ms_per_submission"],
             v["lost"], v["duplicated"], v["partial"] }' "$f"
    done | sort -n >"$dir/rows"
    n=$(wc -l <"$dir/rows")
    all=$(awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 }' "$dir/rows")
    bad=$(awk '{ l += $6; d += $7; p += $8 } END { print l + 0 ", " d + 0 ", " p + 0 }' "$dir/rows")
    sed -n "$(((n + 1) / 2))p" "$dir/rows" | awk -v c="$c" -v all="$all" -v bad="$bad" '{
        printf "| C, %s connections | %s | %.0f | %s / %s | %s ms | %s ms | %s |\n", c, all, $1, $2, $3, $4, $5, bad }'
done
