# Hostile input to `serve`: a unit name and an answer holding HTML/JS are
# escaped in every page; malformed bodies (the multipart part without a
# name that crashed the server, found by fuzz_web) get an answer and the
# server lives on; every input the fuzzers ever failed on is replayed.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"

"$GS" init >/dev/null 2>&1
printf 'code,name\nU1,<script>alert(1)</script>Unit\n' >units.csv
# the staff form whose unit list is that one unit (one list of units)
form_with_units "$Q/staff-opinion.csv" units.csv staff-u1.csv
"$GS" form add staff-u1.csv >/dev/null 2>&1
"$GS" unit import units.csv >/dev/null 2>&1
run "$GS" token issue --form staff-opinion --unit U1 --count 2
status "codes" 0
C1=$(sed -n 2p "$T/out" | cut -d, -f1)
serve_start
fetch form "$URL/?code=$C1&lang=en"
same "the form opens" "$CODE_HTTP" 200
hasnot "the unit name is not echoed raw" "$T/form.html" "<script>alert(1)"
has "it is shown escaped" "$T/form.html" "&lt;script&gt;alert(1)&lt;/script&gt;"
CS=$(csrf_of "$T/form.html")
fetch answer "$URL/submit" --data-urlencode "code=$C1" -d "csrf=$CS" -d lang=en \
    --data-urlencode 'q_comment=</textarea><script>alert(2)</script>' -d q_po1=9
hasnot "an answer shown back is escaped" "$T/answer.html" "<script>alert(2)"

# the regression: a multipart part with no name (libmicrohttpd passes a
# NULL key; web.c compared it with strcmp and the server died)
printf -- '--XyZ\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--XyZ--\r\n' >noname.txt
fetch noname "$URL/submit" -H 'Content-Type: multipart/form-data; boundary=XyZ' \
    --data-binary @noname.txt
check "a multipart part without a name gets an answer" [ "$CODE_HTTP" -ge 200 ]
check "the server is still running" kill -0 "$SPID"
body=$(tail -c +2 "$ROOT/tests/fuzz/regress/web-multipart-noname")
printf '%s' "$body" >fuzzbody.bin
fetch fuzzcase "$URL/submit" -H 'Content-Type: multipart/form-data; boundary=XyZ' \
    --data-binary @fuzzbody.bin
check "the fuzzer's own crashing body gets an answer" [ "$CODE_HTTP" -ge 200 ]
fetch after "$URL/"
same "and the server still answers after it" "$CODE_HTTP" 200
serve_kill
check "no sanitizer report from the server" sh -c '! grep -q "Sanitizer\|runtime error" "$0"' "$T/serve.err"

# the loader's leak (fuzz_form): a header naming label::Chinese (zh) twice
run "$GS" form check "$ROOT/tests/fuzz/regress/form-dup-lang-column"
check "form check on the fuzz_form leak case: exit 0 or 1, no sanitizer report" \
    sh -c '[ "$0" -le 1 ] && ! grep -q "Sanitizer\|runtime error" "$1"' "$RC" "$T/err"
