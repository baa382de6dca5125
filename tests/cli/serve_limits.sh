# The web front against someone who polls codes or ties the server up
# (DESIGN.md section 4): a used code and an unknown code get the same page
# and status; 1,010 slow connections (a request never finished) from one
# address leave the server answering everyone else; codes tried as fast
# as a script can from one address are refused after a minute's worth,
# while another address is served; and a whole office behind one address
# (200 people, each opening the form and submitting) gets through.  A real
# server on 127.0.0.1; the clients use 127.0.0.2-127.0.0.5 as their own
# addresses; every loop is bounded.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"
ulimit -n 4096 2>/dev/null || { ok "# SKIP needs 4096 open files"; exit 0; }

"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
"$GS" token issue --form staff-opinion --unit U07 --count 202 >codes.csv 2>/dev/null
tail -n +2 codes.csv | cut -d, -f1 >codes.txt
serve_start

# ---- one page for a used and an unknown code
c=$(head -n 1 codes.txt)
fetch f "$URL/?code=$c&lang=en"
cs=$(csrf_of "$T/f.html")
# shellcheck disable=SC2046
fetch s "$URL/submit" --data-urlencode "code=$c" -d "csrf=$cs" -d lang=en -d q_position=clerk \
    -d q_party=yes -d q_years=lt3 $(likert_args 3)
same "a submission" "$CODE_HTTP" 200
fetch used "$URL/?code=$c&lang=en"
st_used=$CODE_HTTP
fetch unknown "$URL/?code=ZZZZ-ZZZZ-ZZZZ-ZZZZ&lang=en"
same "a used and an unknown code: the same status" "$st_used" "$CODE_HTTP"
check "a used and an unknown code: the same page" cmp -s "$T/used.html" "$T/unknown.html"
fetch used2 "$URL/" -d "csrf=$(csrf_of "$T/used.html")" --data-urlencode "code=$c" -d lang=en
fetch unknown2 "$URL/" -d "csrf=$(csrf_of "$T/used.html")" -d "code=ZZZZZZZZZZZZZZZZ" -d lang=en
check "typed in the code page too" cmp -s "$T/used2.html" "$T/unknown2.html"

cat >limits.py <<'PY'
import http.client, re, socket, sys, time, urllib.parse
port = int(sys.argv[1]); what = sys.argv[2]
codes = [l.strip() for l in open("codes.txt")][1:]

def req(src, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(src, 0))
    h = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    c.close()
    return r.status, data

if what == "slow":
    # 1,010 connections from one address, each a request that never ends
    held = []
    for i in range(1010):
        s = socket.socket()
        s.settimeout(5)
        s.bind(("127.0.0.2", 0))
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        except OSError:
            pass
        held.append(s)
    time.sleep(0.5)
    t0 = time.time(); good = 0
    for i in range(5):
        try:
            st, _ = req("127.0.0.3", "GET", "/?lang=en")
            good += st == 200
        except OSError as e:
            print("# another address:", e)
    print("others_served", good, "in %.1f s" % (time.time() - t0))
    for s in held:
        s.close()
elif what == "poll":
    # codes tried as fast as possible from one address
    refused = served = 0
    for i in range(1500):
        st, _ = req("127.0.0.4", "GET", "/?code=QQQQ%04dQQQQ&lang=en" % i)
        refused += st == 429
        served += st != 429
    st, _ = req("127.0.0.5", "GET", "/?code=QQQQ0000QQQQ&lang=en")
    print("poll_served", served, "poll_refused", refused, "other_address", st)
elif what == "office":
    # 200 people behind one address: the form, then the submission
    lik = ("po1 po2 po3 po4 po5 le1 le2 le3 le4 le5 ef1 ef2 ef3 ef4 ef5 ef6 cl1 cl2 cl3 cl4 cl5 "
           "vi1 vi2 vi3 vi4 vi5 vi6 un1 un2 un3 un4 un5 un6 pl1 pl2 pl3 pl4 pl5").split()
    done = 0
    for c in codes[:200]:
        st, page = req("127.0.0.3", "GET", "/?code=%s&lang=en" % c)
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        if st != 200 or not m:
            continue
        f = [("code", c), ("csrf", m.group(1)), ("lang", "en"), ("q_position", "clerk"),
             ("q_party", "yes"), ("q_years", "lt3")] + [("q_" + q, "4") for q in lik]
        st, page = req("127.0.0.3", "POST", "/submit", urllib.parse.urlencode(f))
        done += st == 200 and 'action="/submit"' not in page
    print("office_submitted", done)
PY
python3 limits.py "$PORT" slow >slow.txt 2>&1
sed 's/^/# /' slow.txt
has "1,010 slow connections from one address: another address is served" slow.txt "others_served 5"
python3 limits.py "$PORT" poll >poll.txt 2>&1
sed 's/^/# /' poll.txt
# 20 a second, 1,200 at once (the default --rate 20), and what refilled
# while the 1,500 ran
check "codes polled from one address: refused after a minute's worth" \
    awk '/^poll_served/ { ok = $2 >= 1200 && $2 <= 1300 && $4 >= 200 } END { exit !ok }' poll.txt
has "while another address is served" poll.txt "other_address 404"
python3 limits.py "$PORT" office >office.txt 2>&1
sed 's/^/# /' office.txt
has "200 people behind one address all submit" office.txt "office_submitted 200"
serve_kill
