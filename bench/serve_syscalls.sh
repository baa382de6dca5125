#!/bin/sh
# What one web submission costs the server, independent of how fast the
# machine is: fsyncs, WAL writes and CPU time per stored submission, counted
# by `perf stat` on the running server while bench/load_serve.py loads it
# (bench/README.md, issue #8).  With group commit, fdatasync per submission
# falls below 1 as soon as submissions arrive together.
#
#   sh bench/serve_syscalls.sh [GAPSURVEY] [CLIENTS] [SECONDS]
#
# GAPSURVEY defaults to ./gapsurvey, CLIENTS to 16, SECONDS (of counting,
# in the middle of a load run of SECONDS + 12) to 8.  Also prints the load
# generator's own CPU per submission: server and clients share the cores,
# so 2 cores sustain at most 2000 / (server ms + client ms) submissions/s.  Needs perf with
# access to the syscall tracepoints (root, or kernel.perf_event_paranoid
# <= -1) and sqlite3.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
gs=${1:-$root/gapsurvey}
clients=${2:-16}
secs=${3:-8}
dir=$(mktemp -d /tmp/gs-serve-sys-XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 "$root/bench/load_serve.py" --duration $((secs + 12)) --clients "$clients" \
    --gapsurvey "$gs" --dir "$dir/run" >"$dir/load.out" 2>&1 &
py=$!
spid=""
i=0
while [ -z "$spid" ] && [ $i -lt 300 ]; do
    # the server is the load script's child running `serve --listen`
    spid=$(pgrep -P "$py" -f " serve --listen" | head -n 1 || true)
    i=$((i + 1))
    sleep 0.1
done
[ -n "$spid" ] || { echo "serve_syscalls: the server did not start" >&2; cat "$dir/load.out" >&2; exit 1; }
sleep 4   # past the start
# the load generator's own CPU (its client processes), from /proc, in ticks
clients=$(pgrep -P "$py" | grep -vx "$spid" || true)
ticks() {
    for p in $clients; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0; done |
        awk '{ s += $1 } END { print s + 0 }'
}
c0=$(ticks)
n0=$(sqlite3 "$dir/run/load.db" "SELECT count(*) FROM responses")
perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync,syscalls:sys_enter_pwrite64,task-clock \
    -p "$spid" -- sleep "$secs" 2>"$dir/perf.csv"
n1=$(sqlite3 "$dir/run/load.db" "SELECT count(*) FROM responses")
c1=$(ticks)
wait "$py" || true
n=$((n1 - n0))
echo "submissions stored while counting: $n"
[ "$n" -gt 0 ] || exit 1
awk -F, -v n="$n" '$3 != "" {
    name = $3; sub(/^syscalls:sys_enter_/, "", name)
    if (name == "task-clock") printf "%-12s %10.0f ms   %.3f ms per submission\n", "CPU", $1, $1 / n
    else printf "%-12s %10d      %.3f per submission\n", name, $1, $1 / n
}' "$dir/perf.csv"
awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN {
    printf "%-12s %10.0f ms   %.3f ms per submission (the Python clients)\n", "client CPU", t * 1000 / hz, t * 1000 / hz / n }'
grep -E "^(acknowledged|stored_not_acknowledged|submissions_per_s|p50_ms|p99_ms|lost|duplicated) |RESULT" "$dir/load.out"
