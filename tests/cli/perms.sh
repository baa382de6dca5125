# Files gapsurvey creates hold answers or codes: the database (and its
# -wal while it is open), slips, exports and reports are 0600 and their
# directories 0700 whatever the umask (here 022, the usual one, and 000).
. "$ROOT/tests/cli/lib.sh"
for um in 022 000; do
    umask $um
    rm -rf "$T/p$um"
    mkdir "$T/p$um"
    export GAPSURVEY_DB="$T/p$um/test.db"
    "$GS" init >/dev/null 2>&1
    "$GS" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
    "$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
    "$GS" token issue --form staff-opinion --unit U07 --count 3 --base-url http://10.0.0.5:8080/ --slips "$T/p$um/slips.html" \
        >"$T/p$um/codes.csv" 2>/dev/null
    "$GS" simulate --units 4 --staff 12 --seed 1 >/dev/null 2>&1
    "$GS" export --form staff-opinion --format csv -o "$T/p$um/e.csv" >/dev/null 2>&1
    "$GS" report --out "$T/p$um/rep/deeper" >/dev/null 2>&1
    bad=$(find "$T/p$um" | while read -r f; do
        [ "$f" = "$T/p$um" ] && continue
        [ "$f" = "$T/p$um/codes.csv" ] && continue   # the shell's redirection, not gapsurvey's
        m=$(stat -c %a "$f")
        if [ -d "$f" ]; then [ "$m" = 700 ] || echo "$f $m"; else [ "$m" = 600 ] || echo "$f $m"; fi
    done)
    same "umask $um: every file 0600, every directory 0700" "$bad" ""
    check "umask $um: the database, slips, export and report are there" \
        test -s "$T/p$um/test.db" -a -s "$T/p$um/slips.html" -a -s "$T/p$um/e.csv" \
        -a -s "$T/p$um/rep/deeper/report.html"
done
