#!/bin/sh
# Runs libFuzzer targets for a fixed time each (`make fuzz`):
#   tests/fuzz/run.sh BUILD_DIR SECONDS TARGET...
# Each target starts from a scratch copy of tests/fuzz/corpus/TARGET (the
# checked-in seeds stay as they are), with leak detection on.  A crash,
# leak or sanitizer report makes the target fail; its input is kept in
# BUILD_DIR/artifacts/.  Prints one "ok - ..." / "not ok - ..." line per
# target and exits non-zero if any failed.
set -u
build=$1
secs=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
mkdir -p "$build/artifacts" "$build/logs"
for t in "$@"; do
    work="$build/corpus-$t"
    rm -rf "$work"
    mkdir -p "$work"
    cp "$root/tests/fuzz/corpus/$t"/* "$work"/ 2>/dev/null
    log="$build/logs/$t.log"
    # every input a target ever failed on is replayed first
    for r in "$root/tests/fuzz/regress/$t"-*; do
        [ -f "$r" ] || continue
        if ASAN_OPTIONS=detect_leaks=1 "$build/fuzz_$t" "$r" >"$log" 2>&1; then
            echo "ok - fuzz_$t replays $(basename "$r")"
        else
            echo "not ok - fuzz_$t fails again on $(basename "$r")"
            grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -n 5 | sed 's/^/# /'
            failed=1
        fi
    done
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$build/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
        "$work" >"$log" 2>&1
    st=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$st" -eq 0 ]; then
        echo "ok - fuzz_$t: ${runs:-?} runs in ${secs}s, no findings"
    else
        echo "not ok - fuzz_$t: exit $st after ${runs:-?} runs (see $log)"
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 10 | sed 's/^/# /'
        failed=1
    fi
done
exit $failed
