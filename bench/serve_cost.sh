#!/bin/sh
# What one web submission costs the server, in figures that do not depend
# on how loaded the machine is (bench/README.md, "serve"): the server runs
# under a counter while bench/load_serve_c makes N submissions on C
# connections (GET the form, POST it), once with N = SMALL and once with
# N = LARGE; the difference divided by LARGE - SMALL removes the start,
# the form's loading and the shutdown.
#
#   sh bench/serve_cost.sh instr GAPSURVEY [C] [SMALL] [LARGE]
#       callgrind: instructions per submission (defaults 8, 100, 400)
#   sh bench/serve_cost.sh sys GAPSURVEY [C] [SMALL] [LARGE]
#       perf stat: fdatasync, fsync, pwrite64, ftruncate and the server's
#       CPU time per submission (defaults 16, 2000, 8000)
#
# The load generator is the one beside GAPSURVEY (bench/load_serve_c, made
# by `make bench` or `make BUILD=DIR DIR/bench/load_serve_c`).  Group
# commit makes the per-submission counts depend on how many submissions
# share a commit, which depends on timing; `sys` also prints the server's
# commits ("stored ... in N commits" on its stop), so batches can be
# compared.  Needs valgrind (instr) or perf with access to the syscall
# tracepoints (sys: root, or kernel.perf_event_paranoid <= -1).
set -eu
mode=${1:?usage: serve_cost.sh instr|sys GAPSURVEY [C] [SMALL] [LARGE]}
gs=$(realpath "${2:?usage: serve_cost.sh instr|sys GAPSURVEY [C] [SMALL] [LARGE]}")
root=$(cd "$(dirname "$0")/.." && pwd)
load=$(dirname "$gs")/bench/load_serve_c
[ -x "$load" ] || { echo "serve_cost: no $load (make BUILD=... .../bench/load_serve_c)" >&2; exit 1; }
case $mode in
instr) conns=${3:-8} small=${4:-100} large=${5:-400} ;;
sys) conns=${3:-16} small=${4:-2000} large=${5:-8000} ;;
*) echo "serve_cost: instr or sys" >&2; exit 2 ;;
esac
dir=$(mktemp -d /tmp/gs-serve-cost-XXXXXX)
trap 'rm -rf "$dir"' EXIT
export GAPSURVEY_DB="$dir/cost.db"

# one run: N submissions; prints "instructions" or "fdatasync fsync pwrite ftruncate cpu_ms",
# then the submissions stored and the commits
run() {
    n=$1
    rm -f "$GAPSURVEY_DB" "$GAPSURVEY_DB-wal" "$GAPSURVEY_DB-shm"
    "$gs" init >/dev/null
    "$gs" form add "$root/questionnaires/staff-opinion.csv" >/dev/null
    "$gs" unit import "$root/questionnaires/units-sample.csv" >/dev/null
    "$gs" token issue --form staff-opinion --unit U01 --count "$n" 2>/dev/null | tail -n +2 | cut -d, -f1 >"$dir/codes.txt"
    rm -f "$dir/out" "$dir/cg.out" "$dir/perf.csv"
    case $mode in
    instr) valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" \
               "$gs" serve --listen 127.0.0.1:0 --rate 0 >"$dir/url" 2>"$dir/err" & ;;
    sys) perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync,syscalls:sys_enter_pwrite64,syscalls:sys_enter_ftruncate,task-clock \
             -o "$dir/perf.csv" "$gs" serve --listen 127.0.0.1:0 --rate 0 >"$dir/url" 2>"$dir/err" & ;;
    esac
    pid=$!
    i=0
    until grep -q "127.0.0.1:" "$dir/url" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 600 ] || { echo "serve_cost: the server did not start" >&2; cat "$dir/err" >&2; exit 1; }
        sleep 0.1
    done
    port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/url" | head -n 1)
    "$load" --port "$port" --codes "$dir/codes.txt" --connections "$conns" --out "$dir/out" >"$dir/load.out"
    # the server's own pid: valgrind and perf start it as their child
    spid=$(pgrep -P "$pid" | head -n 1 || true)
    [ "$mode" = instr ] && spid=$pid
    # the server's user and system CPU (all its threads), in clock ticks
    ticks=$(awk '{ print $14, $15 }' "/proc/${spid:-$pid}/stat")
    kill -TERM "${spid:-$pid}"
    wait "$pid" || true
    if [ -n "${KEEP:-}" ]; then   # KEEP=DIR: leave the counter's output there
        for f in cg.out perf.csv err; do [ ! -f "$dir/$f" ] || cp "$dir/$f" "$KEEP/$n.$f"; done
    fi
    acked=$(awk '$2 == 1' "$dir/out" | wc -l)
    [ "$acked" -eq "$n" ] || { echo "serve_cost: $acked of $n acknowledged" >&2; cat "$dir/err" >&2; exit 1; }
    commits=$(sed -n 's/.* in \([0-9]*\) commit.*/\1/p' "$dir/err" | tail -n 1)
    case $mode in
    instr) printf '%s ' "$(sed -n 's/^summary: *//p' "$dir/cg.out")" ;;
    sys) awk -F, -v t="$ticks" -v hz="$(getconf CLK_TCK)" '$3 != "" { v[$3] = $1 } END {
             split(t, u, " ")
             printf "%d %d %d %d %.1f %.1f %.1f ", v["syscalls:sys_enter_fdatasync"], v["syscalls:sys_enter_fsync"],
                 v["syscalls:sys_enter_pwrite64"], v["syscalls:sys_enter_ftruncate"], v["task-clock"],
                 u[1] * 1000 / hz, u[2] * 1000 / hz }' "$dir/perf.csv" ;;
    esac
    echo "$n ${commits:-?}"
}

a=$(run "$small")
b=$(run "$large")
echo "N=$small: $a"
echo "N=$large: $b"
echo "$a
$b" | awk -v mode="$mode" '
NR == 1 { for (i = 1; i <= NF; i++) a[i] = $i; next }
{
    d = $(NF - 1) - a[NF - 1]
    if (mode == "instr")
        printf "instructions per submission: %.0f (commits: %s, %s)\n", ($1 - a[1]) / d, a[NF], $NF
    else
        printf "per submission: fdatasync %.3f  fsync %.3f  pwrite64 %.2f  ftruncate %.3f  CPU %.3f ms (user %.3f, system %.3f; commits: %s, %s)\n",
            ($1 - a[1]) / d, ($2 - a[2]) / d, ($3 - a[3]) / d, ($4 - a[4]) / d, ($5 - a[5]) / d,
            ($6 - a[6]) / d, ($7 - a[7]) / d, a[NF], $NF
}'
