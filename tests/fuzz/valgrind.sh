#!/bin/sh
# `make valgrind`: runs the CLI tests with every gapsurvey call under
#   valgrind --leak-check=full
# and fails on any memory error or definite/indirect leak.
#   tests/fuzz/valgrind.sh BUILD_DIR [PATTERN...]
# The binary must be a plain (not sanitizer) build.  With no PATTERN every
# tests/cli/*.sh runs except those in SKIP below (each with its reason);
# PATTERNs pick tests by name as tests/run.sh does.  Each call writes its
# own log; the tests run as usual (valgrind does not change their exit
# codes, and its output goes to the log, not to the test's stderr), and
# VALGRIND=1 is exported so a test can shrink what only costs time (the
# 100 MB line of hostile.sh: the code paths are the same at 1 MB).
# Logs stay in BUILD_DIR/valgrind/.  A call the test kills on purpose
# (crash.sh's SIGKILL) leaves a log with no summary; it is counted as
# killed, not as clean.  So does the child a call forks to run gnuplot
# (report); it is no call of its own and is counted apart.  A check that
# fails under valgrind (a timeout) is listed but does not fail the run:
# only memory errors and leaks do.
set -u
build=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
# Left out, and why:
#   detector  800 calls: init, unit import, simulate (--plant) and
#             analyze --json for 100 seeds twice; about 2 hours under
#             valgrind for the same code paths that simulate.sh and
#             report.sh run (they plant weak cells too).  Run it by name
#             (VG_TESTS=detector) when those paths change.
SKIP="detector"
# logs are kept for reading afterwards: BUILD_DIR/valgrind/TEST/vg.PID.log
logs="$root/$build/valgrind"
rm -rf "$logs"
mkdir -p "$logs"
# beside the binary, so a test that finds its build from $GS's directory
# (i18n.sh's make install) finds this one
wrap="$root/$build/gapsurvey-valgrind"
# the log directory is read at each call, so each test's logs stay apart
cat >"$wrap" <<WRAP
#!/bin/sh
exec valgrind --leak-check=full --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect --num-callers=30 \\
    --log-file="\${VG_LOGDIR:-$logs}/vg.%p.log" "$root/$build/gapsurvey" "\$@"
WRAP
chmod +x "$wrap"
trap 'rm -f "$wrap"' EXIT
tests=""
for t in "$root"/tests/cli/*.sh; do
    name=$(basename "$t" .sh)
    [ "$name" = lib ] && continue
    if [ $# -eq 0 ]; then
        case " $SKIP " in *" $name "*) continue ;; esac
        tests="$tests $name"
    else
        for p in "$@"; do
            case "$name" in *"$p"*) tests="$tests $name"; break ;; esac
        done
    fi
done
failed=0
all_calls=0 all_killed=0 all_forks=0 all_errors=0 all_leaks=0 all_checks=0 all_notok=0
for name in $tests; do
    d="$logs/$name"
    mkdir -p "$d"
    start=$(date +%s)
    VG_LOGDIR="$d" VALGRIND=1 GS="$wrap" ROOT="$root" sh "$root/tests/cli/$name.sh" >"$d/out" 2>&1
    secs=$(($(date +%s) - start))
    okc=$(grep -c '^ok' "$d/out")
    bad=$(grep -c '^not ok' "$d/out")
    calls=0 killed=0 forks=0 errors=0 leaks=0
    for f in "$d"/vg.*.log; do
        [ -f "$f" ] || continue
        if ! grep -q 'ERROR SUMMARY' "$f"; then
            # no summary: a child that a logged call forked to run another
            # program (report's gnuplot; valgrind does not follow the exec)
            # is no call of its own; anything else was killed by the test
            p=$(sed -n 's/.*Parent PID: \([0-9]*\).*/\1/p' "$f")
            if [ -n "$p" ] && [ -f "$d/vg.$p.log" ]; then
                forks=$((forks + 1))
            else
                calls=$((calls + 1)) killed=$((killed + 1))
            fi
            continue
        fi
        calls=$((calls + 1))
        # "definitely lost: 24 bytes in 1 blocks": blocks; errors from the
        # summary minus the leak records, which it counts as errors too
        e=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$f" | tr -d ,)
        l=$(grep -c 'are definitely lost\|are indirectly lost' "$f")
        b=$(sed -n 's/.*\(definitely\|indirectly\) lost: [0-9,]* bytes in \([0-9,]*\) blocks.*/\2/p' \
            "$f" | tr -d , | awk '{ s += $1 } END { print s + 0 }')
        errors=$((errors + ${e:-0} - l))
        leaks=$((leaks + b))
        if [ "${e:-0}" -ne 0 ]; then
            cp "$f" "$d/problem.$(basename "$f")"
        fi
    done
    echo "# $name: ${secs}s, $okc checks passed, $bad failed under valgrind;" \
        "$calls calls ($killed killed by the test), $errors memory errors, $leaks leaked blocks" \
        "($forks forks that ran another program)"
    if [ "$bad" -ne 0 ]; then
        grep '^not ok' "$d/out" | head -n 10 | sed 's/^/#   /'
    fi
    for f in "$d"/problem.*; do
        [ -f "$f" ] || continue
        grep -v '^==[0-9]*== *$' "$f" | sed -n '/Command:/,$p' | head -n 40 | sed 's/^/#   /'
    done
    all_calls=$((all_calls + calls)) all_killed=$((all_killed + killed)) all_forks=$((all_forks + forks))
    all_errors=$((all_errors + errors)) all_leaks=$((all_leaks + leaks))
    all_checks=$((all_checks + okc)) all_notok=$((all_notok + bad))
done
summary="$(echo $tests | wc -w) test scripts, $all_calls gapsurvey calls ($all_killed killed by the test; $all_forks forks to gnuplot apart), $all_errors memory errors, $all_leaks leaked blocks; $all_checks checks passed, $all_notok failed"
if [ "$all_errors" -eq 0 ] && [ "$all_leaks" -eq 0 ]; then
    echo "ok - valgrind: $summary"
else
    echo "not ok - valgrind: $summary"
    failed=1
fi
exit $failed
