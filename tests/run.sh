#!/bin/sh
# Runs every unit test binary (cmocka) and every CLI test script, and ends
# with the one line CI reads: "N passed, N failed".
#   tests/run.sh BUILD_DIR [PATTERN]
# A cmocka binary counts its test cases; a CLI script counts its "ok" and
# "not ok" lines.  A program that dies without reporting counts as one
# failure, so a crash can never pass silently.
set -u
build=${1:-build}
pattern=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0
failures=""
log=$(mktemp)
skips=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT

count_cmocka() {   # name status
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    p=${p:-0}; f=${f:-0}
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -gt 0 ] && failures="$failures $1"
    printf '%-28s %4d passed %4d failed\n' "$1" "$p" "$f"
}

# A check that could not run says so on its ok line ("# skip: why",
# "skipped: why"); TAP counts it as passed, so each is listed before the
# last line: a run where a check was skipped never passes for one where
# it held.
note_skips() {   # name
    grep -E '^ok .*skip(ped)?:' "$log" | sed "s|^ok [-0-9 ]*|$1: |" >>"$skips"
    grep -E '^\[  SKIPPED \] [a-z_]' "$log" | sed "s|^\[  SKIPPED \] |$1: |" >>"$skips"
}

count_tap() {   # name status
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -gt 0 ] && failures="$failures $1"
    printf '%-28s %4d passed %4d failed\n' "$1" "$p" "$f"
}

cd "$root" || exit 1

# The PostgreSQL tests (tests/cli/pg.sh, test_store) use the server that
# GAPSURVEY_TEST_PG names; without one, and with the server binaries
# installed, one throwaway cluster is started here for the whole run
# (tools/pgtmp.sh) and stopped at the end.
# What the run does about PostgreSQL is said first and again before the
# last line ($pgnote), so a run without it never passes for one with it.
pgtmp=""
pgnote=""
case "pg test_store" in *"$pattern"*) wants_pg=1 ;; *) wants_pg=0 ;; esac
case "$pattern" in *pg*|*store*) wants_pg=1 ;; esac
if [ "$wants_pg" = 1 ] && [ -n "${GAPSURVEY_TEST_PG:-}" ]; then
    pgnote="PostgreSQL: the store and CLI tests run on both backends, PostgreSQL on the server GAPSURVEY_TEST_PG names"
elif [ "$wants_pg" = 1 ] && sh tools/pgtmp.sh bin >/dev/null 2>&1; then
    pgtmp=$(mktemp -d /tmp/gapsurvey-pg.XXXXXX)
    trap 'rm -f "$log" "$skips"; sh tools/pgtmp.sh stop "$pgtmp" >/dev/null 2>&1; rm -rf "$pgtmp"' EXIT
    if GAPSURVEY_TEST_PG=$(sh tools/pgtmp.sh start "$pgtmp" 2>"$log"); then
        export GAPSURVEY_TEST_PG
        pgnote="PostgreSQL: GAPSURVEY_TEST_PG is not set; the store and CLI tests run on both backends, PostgreSQL on a throwaway cluster started for this run (tools/pgtmp.sh)"
    else
        pgnote="PostgreSQL: GAPSURVEY_TEST_PG is not set and a throwaway cluster could not be started: the PostgreSQL tests fail or say skipped"
        echo "tests/run.sh: could not start a PostgreSQL cluster:"; cat "$log"
    fi
elif [ "$wants_pg" = 1 ]; then
    pgnote="PostgreSQL: GAPSURVEY_TEST_PG is not set and no PostgreSQL server is installed: the PostgreSQL tests are SKIPPED (SQLite only; set GAPSURVEY_TEST_PG=postgresql://... or install postgresql)"
fi
[ -n "$pgnote" ] && echo "$pgnote"

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    case "$name" in *"$pattern"*) ;; *) continue ;; esac
    "$t" >"$log" 2>&1
    st=$?
    count_cmocka "$name" "$st"
    note_skips "$name"
    [ "$st" -ne 0 ] && { grep -E '^\[  (FAILED|ERROR) |error|Error|ERROR' "$log" | head -n 20; }
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    case "$name" in lib) continue ;; esac
    case "$name" in *"$pattern"*) ;; *) continue ;; esac
    GS="$root/$build/gapsurvey" ROOT="$root" sh "$t" >"$log" 2>&1
    st=$?
    count_tap "cli/$name" "$st"
    note_skips "cli/$name"
    if grep -q '^not ok ' "$log" || [ "$st" -ne 0 ]; then
        grep -v '^ok ' "$log" | head -n 40
    fi
done
if [ -s "$skips" ]; then
    echo "skipped (counted as passed; the check did not run):"
    sed 's/^/  /' "$skips"
fi
[ -n "$failures" ] && echo "failing:$failures"
[ -n "$pgnote" ] && echo "$pgnote"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
