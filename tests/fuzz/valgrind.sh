#!/bin/sh
# `make valgrind`: runs CLI tests with every gapsurvey call under
#   valgrind --leak-check=full
# and fails on any definite or indirect leak or memory error.
#   tests/fuzz/valgrind.sh BUILD_DIR [PATTERN...]
# The binary must be a plain (not sanitizer) build.  Each call writes its
# own log; the tests themselves run as usual (their exit codes are not
# changed), then the logs are read.  By default the tests whose commands
# all finish on their own are run (not the serve and terminal tests, whose
# background servers and ptys valgrind slows past their timeouts); name
# others as PATTERNs.
set -u
build=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- foundation export import anon hostile token simulate report
logs=$(mktemp -d)
wrap="$logs/gapsurvey"
cat >"$wrap" <<WRAP
#!/bin/sh
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect --log-file="$logs/vg.%p.log" \\
    "$root/$build/gapsurvey" "\$@"
WRAP
chmod +x "$wrap"
failed=0
for p in "$@"; do
    for t in "$root"/tests/cli/*"$p"*.sh; do
        [ -f "$t" ] || continue
        name=$(basename "$t" .sh)
        GS="$wrap" ROOT="$root" sh "$t" >"$logs/$name.out" 2>&1
        bad=$(grep -c '^not ok' "$logs/$name.out")
        echo "# $name: $(grep -c '^ok' "$logs/$name.out") checks passed, $bad failed under valgrind"
    done
done
calls=$(ls "$logs"/vg.*.log 2>/dev/null | wc -l)
dirty=$(grep -l 'definitely lost\|indirectly lost\|Invalid read\|Invalid write\|uninitialised\|Invalid free' \
    "$logs"/vg.*.log 2>/dev/null)
if [ -z "$dirty" ]; then
    echo "ok - valgrind: $calls gapsurvey calls, no leaks or memory errors"
else
    echo "not ok - valgrind: $(echo "$dirty" | wc -l) of $calls calls reported problems"
    for f in $dirty; do sed 's/^/# /' "$f" | head -n 30; done
    failed=1
fi
rm -rf "$logs"
exit $failed
