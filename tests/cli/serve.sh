# Web collection with curl: every path of `gapsurvey serve` — the code page,
# opening a form by code, validation errors shown beside their items with
# the answers kept, CSRF, oversize and malformed bodies, escaping of what is
# echoed, one-time use of codes, anonymity of what is stored and logged,
# the admin page, languages, slow clients, TLS and an orderly stop.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"

"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" "$Q/five-type-self-assessment.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
run "$GS" token issue --form staff-opinion --unit U07 --count 12
status "codes for U07" 0
cp "$T/out" codes.csv

serve_start
has "start-up line names the address" "$T/serve.out" "gapsurvey: serving http://127.0.0.1:$PORT/"
has "start-up prints the admin page" "$T/serve.out" "admin page: http://127.0.0.1:$PORT/admin"
hasnot "and not the secret set from a file" "$T/serve.out" "$ADMIN"

# ---- the code page ----
fetch root "$URL/"
same "GET / is 200" "$CODE_HTTP" 200
has "it asks for the code" "$T/root.html" 'name="code"'
has "its form carries a CSRF token" "$T/root.html" 'name="csrf" value="'
hasnot "it is no questionnaire" "$T/root.html" 'action="/submit"'
curl -s -D "$T/headers" -o /dev/null "$URL/"
has "pages are not cached" "$T/headers" "Cache-Control: no-store"
has "no referrer leaks the code" "$T/headers" "Referrer-Policy: no-referrer"
has "a content security policy" "$T/headers" "Content-Security-Policy: default-src 'none'"
has "no framing" "$T/headers" "X-Frame-Options: DENY"

fetch zh "$URL/" -H 'Accept-Language: zh-CN,zh;q=0.9,en;q=0.5'
has "Accept-Language zh: Chinese" "$T/zh.html" "请输入邀请码"
fetch en "$URL/" -H 'Accept-Language: en-GB,en;q=0.9,zh;q=0.4'
has "Accept-Language en: English" "$T/en.html" "Enter your invitation code"
fetch lang "$URL/?lang=zh" -H 'Accept-Language: en'
has "?lang=zh wins over the header" "$T/lang.html" "请输入邀请码"

# ---- opening a form ----
fetch unknown "$URL/?code=ABCD-EFGH-JKLM-NPQR&lang=en"
same "an unknown code: 404" "$CODE_HTTP" 404
has "with a clear message" "$T/unknown.html" "This code cannot be used"
hasnot "and no questionnaire" "$T/unknown.html" 'action="/submit"'
fetch junk "$URL/?code=%3Cscript%3Ealert(1)%3C/script%3E&lang=en"
same "a code that is not a code: 404" "$CODE_HTTP" 404
hasnot "the typed code is not echoed raw" "$T/junk.html" "<script>alert"

C1=$(code 1)
fetch form1 "$URL/?code=$C1&lang=en"
same "a valid code opens its form" "$CODE_HTTP" 200
has "the questionnaire" "$T/form1.html" 'action="/submit"'
has "the unit comes from the invitation" "$T/form1.html" "Policy Research Office"
has "Likert items are one row of radio buttons" "$T/form1.html" '<div class="likert"><label class="o" for="f-po1-0"><input type="radio"'
has "it carries a CSRF token" "$T/form1.html" 'name="csrf" value="'
hasnot "no script is needed: the live script is optional" "$T/form1.html" "onclick="
LOWER=$(echo "$C1" | tr 'A-Z' 'a-z' | tr -d '-')
fetch lower "$URL/?code=$LOWER&lang=en"
same "a code typed in lower case without dashes works" "$CODE_HTTP" 200

CS0=$(csrf_of "$T/root.html")
fetch post_code "$URL/" --data-urlencode "code= $C1 " --data-urlencode "csrf=$CS0" -d lang=en
same "POST / with the code opens the form" "$CODE_HTTP" 200
has "the form" "$T/post_code.html" 'action="/submit"'
fetch post_code_nocsrf "$URL/" --data-urlencode "code=$C1" -d lang=en
same "POST / without CSRF: 403" "$CODE_HTTP" 403
hasnot "and no form" "$T/post_code_nocsrf.html" 'action="/submit"'

# ---- submitting ----
CS1=$(csrf_of "$T/form1.html")
base="--data-urlencode code=$C1 -d lang=en -d q_position=clerk -d q_party=yes -d q_years=lt3"
# shellcheck disable=SC2046,SC2086
fetch nocsrf "$URL/submit" $base $(likert_args 4)
same "submit without CSRF: 403" "$CODE_HTTP" 403
has "says the page expired" "$T/nocsrf.html" "This page had expired"
has "and keeps the answers" "$T/nocsrf.html" 'value="clerk" checked'
# shellcheck disable=SC2046,SC2086
fetch badcsrf "$URL/submit" $base -d csrf=00$CS1 $(likert_args 4)
same "submit with a wrong CSRF: 403" "$CODE_HTTP" 403
C2=$(code 2)
fetch form2 "$URL/?code=$C2"
CS2=$(csrf_of "$T/form2.html")
# shellcheck disable=SC2046,SC2086
fetch othercsrf "$URL/submit" $base -d csrf=$CS2 $(likert_args 4)
same "the CSRF token of another code: 403" "$CODE_HTTP" 403
same "nothing stored so far" "$(sql 'select count(*) from responses')" 0

# invalid values: each error beside its item, every answer kept, escaped
# shellcheck disable=SC2046,SC2086
fetch invalid "$URL/submit" $base -d csrf=$CS1 \
    -d q_po1=9 -d q_po2=banana $(likert_args 4 | sed 's/-d q_po1=4 -d q_po2=4 //') \
    --data-urlencode 'q_comment=<script>alert("x")</script> & more'
same "invalid values: the form again (200)" "$CODE_HTTP" 200
has "an error summary" "$T/invalid.html" "2 answers need attention"
has "the error beside po1" "$T/invalid.html" '<p class="err" id="e-po1">Please choose one of the options given</p>'
has "the error beside po2" "$T/invalid.html" 'id="e-po2"'
has "the item is marked" "$T/invalid.html" '<div class="q bad" id="q-po1"'
has "valid answers kept" "$T/invalid.html" 'id="f-po3-3" name="q_po3" value="4" checked'
has "the text answer kept, escaped" "$T/invalid.html" '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</textarea>'
hasnot "no raw <script> echoed" "$T/invalid.html" '<script>alert'
hasnot "an invalid choice is not echoed as a choice" "$T/invalid.html" 'value="banana"'
same "nothing stored" "$(sql 'select count(*) from responses')" 0

# shellcheck disable=SC2046,SC2086
fetch notnum "$URL/submit" --data-urlencode code=$C1 -d lang=en -d csrf=$CS1 -d q_position=general \
    $(likert_args 4) -d q_comment=ok
same "a choice not in the list: form again" "$CODE_HTTP" 200
has "its error" "$T/notnum.html" 'id="e-position"'

# a good submission
# shellcheck disable=SC2046,SC2086
fetch good "$URL/submit" $base -d csrf=$CS1 $(likert_args 4 | sed 's/q_ef3=4/q_ef3=5/') \
    -d q_ef3_why=dropped-because-irrelevant -d q_unit=U01 \
    --data-urlencode 'q_comment=<script>alert("x")</script> 评论'
same "a good submission: 200" "$CODE_HTTP" 200
has "the thank-you page" "$T/good.html" "Thank you!"
same "one response stored" "$(sql 'select count(*) from responses')" 1
same "the code is used" "$(sql 'select sum(used) from tokens')" 1
same "source web" "$(sql 'select source from responses')" web
same "the unit from the invitation, not from the body" \
    "$(sql 'select u.code from responses r join units u on u.id = r.unit')" U07
same "the ISO week only, no day or time" "$(sql "select submitted_on from responses" | grep -cE '^[0-9]{4}-W[0-9]{2}$')" 1
same "no column links a response to a token, address or time" \
    "$(columns responses | grep -cvxE 'id|form|wave|unit|submitted_on|source|batch|answers')" 0
# batch names the import a response came from (import list/undo): never a web response's
same "a web response belongs to no batch" "$(sql 'select count(*) from responses where batch is not null')" 0
same "all 38 Likert answers and 4 more stored" "$(sql 'select count(*) from answers')" 43
same "the irrelevant answer dropped" "$(sql "select count(*) from answers where text = 'dropped-because-irrelevant'")" 0
same "the text stored as typed" "$(sql "select count(*) from answers where text = '<script>alert(\"x\")</script> 评论'")" 1

# shellcheck disable=SC2046,SC2086
fetch again "$URL/submit" $base -d csrf=$CS1 $(likert_args 2)
same "the same code again: 404, as if unknown (polling tells nothing)" "$CODE_HTTP" 404
has "a clear page" "$T/again.html" "or it has been used"
hasnot "never a form" "$T/again.html" 'action="/submit"'
fetch reopen "$URL/?code=$C1&lang=en"
same "opening a used code: 404" "$CODE_HTTP" 404
hasnot "no form for a used code" "$T/reopen.html" 'action="/submit"'
same "still one response" "$(sql 'select count(*) from responses')" 1

# the same code submitted five times at once: stored exactly once
C5=$(code 5)
fetch form5 "$URL/?code=$C5&lang=en"
CS5=$(csrf_of "$T/form5.html")
pids=""
for i in 1 2 3 4 5; do
    # shellcheck disable=SC2046,SC2086
    curl -s -o "$T/race$i.html" --max-time 20 "$URL/submit" --data-urlencode code=$C5 -d csrf=$CS5 \
        -d lang=en -d q_comment=race $(likert_args 3) &
    pids="$pids $!"
done
for p in $pids; do wait "$p"; done   # not a bare wait: the server is a child too
same "five racing submissions of one code: one thank-you page" \
    "$(grep -l 'id="thanks"' "$T"/race*.html | wc -l | tr -d ' ')" 1
same "the other four told the code is used" \
    "$(grep -l 'or it has been used' "$T"/race*.html | wc -l | tr -d ' ')" 4
same "one response stored" "$(sql "select count(*) from answers where text = 'race'")" 1

# a code without a unit: the respondent chooses it
CU=$("$GS" token issue --form staff-opinion --count 1 2>/dev/null | sed -n 2p | cut -d, -f1)
fetch formu "$URL/?code=$CU&lang=en"
has "a code without a unit asks for it" "$T/formu.html" '<select id="f-unit" name="q_unit">'
CSU=$(csrf_of "$T/formu.html")
fetch nounit "$URL/submit" --data-urlencode code=$CU -d csrf=$CSU -d lang=en -d q_po1=3
has "the unit is required" "$T/nounit.html" '<p class="err" id="e-unit">Please answer this question</p>'
has "the other answer kept" "$T/nounit.html" 'name="q_po1" value="3" checked'
newest >/dev/null
fetch withunit "$URL/submit" --data-urlencode code=$CU -d csrf=$CSU -d lang=en -d q_po1=3 -d q_unit=U05
has "with a unit it is accepted" "$T/withunit.html" 'id="thanks"'
same "and stored under that unit" "$(sql "select u.code from responses r join units u on u.id = r.unit where r.id = $(newest)")" U05

curl -s -I -o "$T/head.txt" -w '%{http_code}' "$URL/" > "$T/head.code"
same "HEAD / is 200" "$(cat "$T/head.code")" 200

# switching language keeps the answers and stores nothing
# shellcheck disable=SC2046,SC2086
fetch setlang "$URL/submit" --data-urlencode code=$C2 -d csrf=$CS2 -d lang=en -d setlang=x -d q_po1=2 \
    --data-urlencode 'q_comment=保留'
same "language switch: 200" "$CODE_HTTP" 200
has "now in Chinese" "$T/setlang.html" "提交问卷"
has "answers kept" "$T/setlang.html" 'name="q_po1" value="2" checked'
has "text kept" "$T/setlang.html" '保留</textarea>'
same "nothing stored by switching" "$(sql 'select count(*) from responses')" 3

# ---- bodies ----
head -c 300000 /dev/zero | tr '\0' a > big.txt
fetch big "$URL/submit" --data-urlencode code=$C2 -d csrf=$CS2 --data-urlencode "q_comment@big.txt"
same "a body over 256 KiB: 413" "$CODE_HTTP" 413
has "with a page that says so" "$T/big.html" "提交的内容过长"
curl -s -o /dev/null --max-time 10 -H 'Transfer-Encoding: chunked' --data-binary @big.txt "$URL/submit"
check "a chunked body over the limit is cut off" [ $? -ne 0 ]
fetch json "$URL/submit" -H 'Content-Type: application/json' -d '{"code":"x"}'
same "a body that is no form: 400" "$CODE_HTTP" 400
printf 'q_comment=%%ff%%fe&code=%s&csrf=%s&lang=en' "$C2" "$CS2" > badutf.txt
fetch badutf "$URL/submit" --data-binary @badutf.txt
has "invalid UTF-8 in an answer is an error beside it" "$T/badutf.html" 'id="e-comment"'
same "nothing stored" "$(sql 'select count(*) from responses')" 3
fetch put "$URL/submit" -X PUT -d x=1
same "PUT: 405" "$CODE_HTTP" 405
fetch nowhere "$URL/etc/passwd"
same "another path: 404" "$CODE_HTTP" 404

# ---- slow and malformed clients ----
serve_kill
serve_start --timeout 2
python3 - "$PORT" > slow.txt <<'PY'
import socket, sys, time, urllib.request
port = int(sys.argv[1])
slow = socket.create_connection(("127.0.0.1", port))
slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")          # never finishes its headers
bad = socket.create_connection(("127.0.0.1", port))
bad.sendall(b"\x16\x03\x01 garbage \r\n\r\n")             # not HTTP at all
t0 = time.time()
ok = urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=5).status == 200
print("others-served", ok and time.time() - t0 < 2)
slow.settimeout(8)
t0 = time.time()
try:
    closed = slow.recv(100) == b""
except (ConnectionResetError, socket.timeout):
    closed = False
print("slow-closed", closed, 1 <= time.time() - t0 <= 6)
bad.settimeout(8)
try:
    reply = bad.recv(100)
except ConnectionResetError:
    reply = b""
print("malformed-answered", reply == b"" or reply.startswith(b"HTTP/1.1 400"))
PY
has "a slow client does not hold up others" slow.txt "others-served True"
has "a slow client is closed after --timeout" slow.txt "slow-closed True True"
has "a malformed request gets 400 or is closed" slow.txt "malformed-answered True"
fetch alive "$URL/"
same "the server is still fine" "$CODE_HTTP" 200

# ---- admin ----
fetch admin_no "$URL/admin"
same "admin without the token: 403" "$CODE_HTTP" 403
has "it offers the sign-in form" "$T/admin_no.html" 'type="password"'
acs=$(csrf_of "$T/admin_no.html")
fetch admin_bad "$URL/admin" -d "csrf=$acs" -d secret=wrong-secret-0123456789
same "admin with a wrong secret: 403" "$CODE_HTTP" 403
fetch admin_url "$URL/admin?token=$ADMIN"
same "the secret in the address opens nothing" "$CODE_HTTP" 403
curl -s -D "$T/login.hdr" -o /dev/null -c "$T/jar" "$URL/admin" -d "csrf=$acs" \
    --data-urlencode "secret=$ADMIN" -d lang=en
has "signing in: a redirect to the page" "$T/login.hdr" "Location: /admin?lang=en"
has "with an HttpOnly, SameSite=Strict session cookie" "$T/login.hdr" "; HttpOnly; SameSite=Strict"
hasnot "not Secure without TLS (the browser would drop it)" "$T/login.hdr" "Secure"
hasnot "and no HSTS without TLS" "$T/login.hdr" "Strict-Transport-Security"
fetch admin "$URL/admin?lang=en" -b "$T/jar"
same "admin with the session: 200" "$CODE_HTTP" 200
has "counts per unit; U07's 2 responses are fewer than 5" "$T/admin.html" '<td>U07 市委政策研究室</td><td class="n">38</td><td class="n">12</td><td class="n hid">fewer than 5</td><td class="n hid">&ndash;</td><td class="n hid">&ndash;</td>'
hasnot "no answer text on the admin page" "$T/admin.html" "评论"
fetch admin_hdr "$URL/admin" -H "Authorization: Bearer $ADMIN"
same "admin with a bearer header: 200" "$CODE_HTTP" 200

# ---- what the log holds ----
serve_kill
cat "$T"/serve.err > all.log
hasnot "no answer text in the log" all.log "评论"
hasnot "no code in the log" all.log "$C1"
hasnot "no script text in the log" all.log "alert"

# ---- a closed wave ----
serve_start
"$GS" wave close "$(sql 'select name from waves limit 1')" >/dev/null 2>&1
fetch closed "$URL/?code=$(code 3)&lang=en"
same "a code of a closed wave: 410" "$CODE_HTTP" 410
has "says the round closed" "$T/closed.html" "This survey round has closed"
hasnot "no form" "$T/closed.html" 'action="/submit"'
sql "update waves set closed_at = NULL"

# ---- SIGTERM finishes a submission in progress ----
C4=$(code 4)
fetch form4 "$URL/?code=$C4&lang=en"
CS4=$(csrf_of "$T/form4.html")
python3 - "$PORT" "$C4" "$CS4" "$SPID" > term.txt <<'PY'
import os, signal, socket, sys, time
port, code, csrf, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
body = ("code=%s&csrf=%s&lang=en&q_po1=5&q_comment=in-flight" % (code, csrf)).encode()
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body[:20])
time.sleep(0.3)
os.kill(pid, signal.SIGTERM)             # stop while the body is half sent
time.sleep(0.3)
late = socket.socket()
try:
    late.connect(("127.0.0.1", port))
    late.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    late.settimeout(2)
    refused = late.recv(100) == b""
except OSError:
    refused = True
print("new-refused", refused)
s.sendall(body[20:])
s.settimeout(10)
reply = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    reply += chunk
    if b"</html>" in reply:
        break
print("in-flight-thanked", b"Thank you!" in reply)
PY
wait "$SPID"
st=$?
SPID=""
has "after SIGTERM no new connection is served" term.txt "new-refused True"
has "the submission in progress got its thank-you page" term.txt "in-flight-thanked True"
same "and it is stored" "$(sql "select count(*) from answers where text = 'in-flight'")" 1
same "the server exits 0" "$st" 0
has "and says it stopped" "$T/serve.err" "stopped; 1 submission(s) stored"

# ---- the admin secret survives a restart; without --admin-token none is printed
"$GS" serve --listen 127.0.0.1:0 >"$T/again.out" 2>&1 &
APID=$!
i=0
while [ $i -lt 100 ] && ! grep -q "^admin page" "$T/again.out"; do sleep 0.05; i=$((i + 1)); done
APORT=$(sed -n 's/^gapsurvey: serving http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$T/again.out")
hasnot "restarted: no new secret printed" "$T/again.out" "admin secret"
fetch again_admin "http://127.0.0.1:$APORT/admin" -H "Authorization: Bearer $ADMIN"
same "restarted: the secret set before still opens the page" "$CODE_HTTP" 200
kill "$APID"; wait "$APID" 2>/dev/null
secret_hashed() { ! dbdump | grep -qa "$ADMIN" && sql "select value from secrets" | grep -q '^\$argon2id'; }
check "the admin secret is stored hashed, not as it is" secret_hashed
# a new secret from standard input replaces it; one typed as the value is
# taken for a file name (a secret on the command line shows in every
# process list while the server runs) and the server does not start
NEWADMIN=another-admin-secret-98765
printf '%s\n' "$NEWADMIN" | "$GS" serve --listen 127.0.0.1:0 --admin-token - >"$T/stdin.out" 2>&1 &
APID=$!
i=0
while [ $i -lt 100 ] && ! grep -q "^admin page" "$T/stdin.out"; do sleep 0.05; i=$((i + 1)); done
APORT=$(sed -n 's/^gapsurvey: serving http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$T/stdin.out")
fetch stdin_new "http://127.0.0.1:$APORT/admin" -H "Authorization: Bearer $NEWADMIN"
same "--admin-token -: the secret read from standard input opens the page" "$CODE_HTTP" 200
fetch stdin_old "http://127.0.0.1:$APORT/admin" -H "Authorization: Bearer $ADMIN"
same "and the one it replaced no longer does" "$CODE_HTTP" 403
kill "$APID"; wait "$APID" 2>/dev/null
run "$GS" serve --listen 127.0.0.1:0 --admin-token "$NEWADMIN"
status "a secret given as the value: not taken, the server does not start" 1
has "it was read as a file name" "$T/err" "$NEWADMIN: No such file or directory"
printf 'too-short\n' >short.secret
run "$GS" serve --listen 127.0.0.1:0 --admin-token short.secret
status "a secret under 16 characters: a usage error" 2

# ---- TLS ----
if command -v openssl >/dev/null 2>&1; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
        -subj /CN=127.0.0.1 >/dev/null 2>&1
    serve_start --tls-cert cert.pem --tls-key key.pem
    has "TLS: the address is https" "$T/serve.out" "serving https://127.0.0.1:$PORT/"
    curl -s -k -D "$T/tls.hdr" -o "$T/tls.html" "https://127.0.0.1:$PORT/"
    has "a page over TLS" "$T/tls.hdr" "HTTP/1.1 200"
    has "TLS: HSTS" "$T/tls.hdr" "Strict-Transport-Security: max-age=31536000"
    curl -s -k -D "$T/tlslogin.hdr" -o "$T/tla.html" "https://127.0.0.1:$PORT/admin"
    curl -s -k -D "$T/tlslogin.hdr" -o /dev/null "https://127.0.0.1:$PORT/admin" \
        -d "csrf=$(csrf_of "$T/tla.html")" --data-urlencode "secret=$ADMIN"
    has "TLS: the session cookie is Secure" "$T/tlslogin.hdr" "SameSite=Strict; Secure"
    fetch plain "http://127.0.0.1:$PORT/"
    check "plain HTTP to the TLS port gets no page" [ "$CODE_HTTP" != 200 ]
    serve_kill
else
    ok "TLS test skipped: no openssl"
fi
run "$GS" serve --tls-cert cert.pem
status "--tls-cert without --tls-key: usage error" 2

# ---- defaults ----
run "$GS" serve --help
has "the default listens on loopback only" "$T/out" "default 127.0.0.1:8080, this machine"
rm -f nodb.db
run env GAPSURVEY_DB=nodb.db "$GS" serve --listen 127.0.0.1:0
status "no database: exit 1" 1
has "with advice" "$T/err" "gapsurvey init"
