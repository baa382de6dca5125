# Crash safety (DESIGN.md section 4: every acknowledged write is committed,
# a crash loses at most what is being typed).  The web server and the
# importer are killed with SIGKILL at random moments, over and over; then
# the database must pass PRAGMA integrity_check, every acknowledged
# submission and every completed import must be there exactly once, and
# nothing half-written may be.  Also: serve and import writing at once,
# a full disk (RLIMIT_FSIZE) and a read-only database.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"
# the tmpfs mounts below must never outlive the test
trap 'serve_kill; umount "$T/ro" "$T/small" 2>/dev/null; lib_cleanup' EXIT

"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
"$GS" token issue --form staff-opinion --unit U07 --count 261 >codes.csv 2>/dev/null
tail -n +2 codes.csv | cut -d, -f1 >codes.txt
ANSWERS_PER=$(( 38 + 4 ))   # Likert items + unit, position, party, years

python3 - <<'PY'
import random
random.seed(2)
lik = ("po1 po2 po3 po4 po5 le1 le2 le3 le4 le5 ef1 ef2 ef3 ef4 ef5 ef6 cl1 cl2 cl3 cl4 cl5 "
       "vi1 vi2 vi3 vi4 vi5 vi6 un1 un2 un3 un4 un5 un6 pl1 pl2 pl3 pl4 pl5").split()
for name, n in (("big1.csv", 20000), ("big2.csv", 3000)):
    rows = [",".join(["unit", "position", "party", "years"] + lik)]
    for i in range(n):
        rows.append(",".join(["U0%d" % (1 + i % 9), "clerk", "yes", "lt3"] +
                             [str(random.randint(1, 5)) for _ in lik]))
    open(name, "w").write("\n".join(rows) + "\n")
PY
rnd() {   # A B: a random number of seconds between A and B
    awk -v a="$1" -v b="$2" -v s="$(od -An -N4 -tu4 /dev/urandom)" \
        'BEGIN { srand(s); printf "%.2f\n", a + rand() * (b - a) }'
}

# submit CODE: one respondent's visit; prints the code when the thank-you
# page came back (acknowledged)
submit() {
    page=$(curl -s --max-time 5 "$URL/?code=$1&lang=en") || return 0
    cs=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
    [ -n "$cs" ] || return 0
    # shellcheck disable=SC2046
    reply=$(curl -s --max-time 5 -w '\n%{http_code}' "$URL/submit" --data-urlencode "code=$1" \
        -d "csrf=$cs" -d lang=en -d q_position=clerk -d q_party=yes -d q_years=lt3 \
        $(likert_args 3)) || return 0
    case "$reply" in *'name="code"'*|*'action="/submit"'*) return 0 ;; esac
    [ "${reply##*
}" = 200 ] && echo "$1"
}

# ---- kill the web server at random moments ----
# each round offers the next 30 codes; whatever the kill interrupts is lost
# to the respondent, but must not be half-stored
: >acked.txt
round=0
while [ $round -lt 6 ]; do
    serve_start
    (
        n=$((round * 30 + 1))
        while [ "$n" -le $((round * 30 + 30)) ]; do
            submit "$(sed -n "${n}p" codes.txt)" >>acked.txt
            n=$((n + 1))
        done
    ) &
    cpid=$!
    sleep "$(rnd 0.2 1.2)"
    kill -9 "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=""
    wait "$cpid" 2>/dev/null
    round=$((round + 1))
done
acked=$(sort -u acked.txt | wc -l)
same "serve killed 6 times: integrity_check ok" "$(sql 'pragma integrity_check')" ok
check "some submissions were acknowledged between kills ($acked)" [ "$acked" -gt 0 ]
stored=$(sql "select count(*) from responses")
used=$(sql "select count(*) from tokens where used")
same "every stored response used exactly one code (no half-written submission)" "$stored" "$used"
check "every acknowledged submission is stored ($acked acknowledged, $stored stored)" [ "$stored" -ge "$acked" ]
bad=0
while read -r c; do
    h=$(printf '%s' "$c" | tr -d '-' | tr 'a-z' 'A-Z' | sha256sum | cut -d' ' -f1)
    [ "$(sql "select used from tokens where hash='$h'")" = 1 ] || bad=$((bad + 1))
done <acked.txt
same "each acknowledged code is marked used" "$bad" 0
same "no response is missing answers" \
    "$(sql "select count(*) from responses r where (select count(*) from answers a where a.response = r.id) <> $ANSWERS_PER")" 0
same "no answers without a response" \
    "$(sql 'select count(*) from answers where response not in (select id from responses)')" 0
WEB=$stored

# ---- kill the importer at random moments ----
round=0
while [ $round -lt 5 ]; do
    "$GS" import big1.csv --form staff-opinion --format plain >/dev/null 2>&1 &
    ipid=$!
    sleep "$(rnd 0.05 0.8)"
    kill -9 $ipid 2>/dev/null
    wait $ipid 2>/dev/null
    n=$(sql 'select count(*) from responses')
    case $n in
        "$WEB"|$((WEB + 20000))) ok "import killed (round $((round + 1))): all or nothing ($((n - WEB)) rows)" ;;
        *) notok "import killed (round $((round + 1))): $((n - WEB)) of 20000 rows stored" ;;
    esac
    [ "$n" -eq $((WEB + 20000)) ] && break   # it finished before the kill
    round=$((round + 1))
done
same "importer killed: integrity_check ok" "$(sql 'pragma integrity_check')" ok
run "$GS" import big1.csv --form staff-opinion --format plain
n=$(sql 'select count(*) from responses')
same "the import completed (now or before) is there exactly once" "$n" $((WEB + 20000))
run "$GS" import big1.csv --form staff-opinion --format plain
check "importing it again stores nothing" [ "$(sql 'select count(*) from responses')" -eq $((WEB + 20000)) ]

# ---- serve and import writing at the same time ----
serve_start
: >acked2.txt
(
    n=200
    while [ "$n" -le 240 ]; do
        submit "$(sed -n "${n}p" codes.txt)" >>acked2.txt
        n=$((n + 1))
    done
) &
cpid=$!
run "$GS" import big2.csv --form staff-opinion --format plain
status "import while the server takes submissions: succeeds" 0
hasnot "import: no 'database is locked'" "$T/err" "locked"
wait $cpid
check "submissions during the import were acknowledged ($(wc -l <acked2.txt))" [ -s acked2.txt ]
hasnot "server: no 'database is locked'" "$T/serve.err" "locked"
serve_kill
same "after both: integrity_check ok" "$(sql 'pragma integrity_check')" ok
same "stored responses = used codes + imported rows" \
    "$(sql 'select count(*) from responses')" \
    $(( $(sql 'select count(*) from tokens where used') + 23000 ))

# ---- group commit: every code posted twice at the same moment ----
# The writer stores all waiting submissions in one transaction, each in
# its own savepoint: the second submission of a code (often in the same
# batch as the first) must be refused alone, and every other one stored.
serve_start
before=$(sql 'select count(*) from responses')
m=241   # not n: fetch uses that name
while [ "$m" -le 260 ]; do
    c=$(sed -n "${m}p" codes.txt)
    fetch "g$m" "$URL/?code=$c&lang=en"
    printf '%s %s\n' "$c" "$(csrf_of "$T/g$m.html")" >>pairs.txt
    m=$((m + 1))
done
k=0
posts=""
while read -r c cs; do
    for twice in 1 2; do
        # shellcheck disable=SC2046
        curl -s -o "post$k.html" -w '%{http_code}\n' --max-time 20 "$URL/submit" \
            --data-urlencode "code=$c" -d "csrf=$cs" -d lang=en -d q_position=clerk \
            -d q_party=yes -d q_years=lt3 $(likert_args 4) >"post$k.code" &
        posts="$posts $!"
        k=$((k + 1))
    done
done <pairs.txt
# shellcheck disable=SC2086
wait $posts   # the 40 posts, not the server
thanks=$(grep -l 'id="thanks"' post*.html | wc -l)
gone=$(cat post*.code | grep -c '^404$')
same "20 codes posted twice at once: 20 thank-you pages" "$thanks" 20
same "and 20 refusals as used (404, the page of an unknown code)" "$gone" 20
same "20 responses stored, not 40" "$(( $(sql 'select count(*) from responses') - before ))" 20
same "every one of the 20 codes is used" \
    "$(sql "select count(*) from tokens where used")" "$(( $(sql 'select count(*) from responses') - 23000 ))"
serve_kill
same "after the double posts: integrity_check ok" "$(sql 'pragma integrity_check')" ok

# ---- a write lock held longer than SQLite's 10 s busy timeout ----
# An import holds the write lock for its whole transaction (a large file:
# a minute).  A respondent who submits meanwhile waits and is then
# thanked; the server never answers "database is locked".
serve_start
c=$(sed -n 261p codes.txt)
fetch l261 "$URL/?code=$c&lang=en"
cs=$(csrf_of "$T/l261.html")
python3 -c 'import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(25)
db.execute("COMMIT")' "$GAPSURVEY_DB" "$T/locked" &
lpid=$!
i=0
while [ ! -e "$T/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t0=$(date +%s)
# shellcheck disable=SC2046
curl -s -o lock.html --max-time 90 "$URL/submit" --data-urlencode "code=$c" -d "csrf=$cs" \
    -d lang=en -d q_position=clerk -d q_party=yes -d q_years=lt3 $(likert_args 4)
t1=$(date +%s)
wait $lpid
check "a submission during a 25 s write lock is thanked" grep -q 'id="thanks"' lock.html
check "after waiting for the lock ($((t1 - t0)) s)" [ $((t1 - t0)) -ge 20 ]
h=$(printf '%s' "$c" | tr -d - | sha256sum | cut -d' ' -f1)
same "and its code is spent" "$(sql "select used from tokens where hash = '$h'")" 1
hasnot "server: no 'database is locked'" "$T/serve.err" "locked"
serve_kill
same "after the long lock: integrity_check ok" "$(sql 'pragma integrity_check')" ok

# ---- a full disk and a read-only database ----
# A small tmpfs is the real thing (ENOSPC); where mounting is not allowed,
# the file size limit (EFBIG, with SIGXFSZ ignored) stops SQLite instead.
before=$(sql 'select count(*) from responses')
sed '2,$s/,lt3$/,3to10/; 2,$s/,lt3,/,3to10,/' big1.csv >big3.csv
mkdir small ro
dbk=$(( $(wc -c <"$GAPSURVEY_DB") / 1024 ))
if mount -t tmpfs -o size=$((dbk + 3000))k tmpfs small 2>/dev/null; then
    cp "$GAPSURVEY_DB" small/full.db
    fill=$(( $(df -k small | awk 'NR==2 { print $4 }') - 400 ))
    dd if=/dev/zero of=small/filler bs=1k count="$fill" 2>/dev/null
    run env GAPSURVEY_DB="$T/small/full.db" "$GS" import big3.csv --form staff-opinion --format plain
    status "disk full (tmpfs): import fails with status 1" 1
    check "disk full: a one-line reason that says so" grep -qi "full" "$T/err"
    sed 's/^/# /' "$T/err" | head -n 2
    rm -f small/filler
    same "disk full: nothing half-written" "$(sqlite3 "$T/small/full.db" 'select count(*) from responses')" "$before"
    same "disk full: integrity_check ok" "$(sqlite3 "$T/small/full.db" 'pragma integrity_check')" ok
    mount -t tmpfs -o size=$((dbk * 2 + 1000))k tmpfs ro && cp "$GAPSURVEY_DB" ro/ro.db && mount -o remount,ro ro
    run env GAPSURVEY_DB="$T/ro/ro.db" "$GS" import big2.csv --form staff-opinion --format plain
    check "read-only database: import fails with 1 or 2" [ "$RC" -eq 1 ] || [ "$RC" -eq 2 ]
    check "read-only database: it says so" grep -qi "read-only" "$T/err"
    sed 's/^/# /' "$T/err" | head -n 2
    same "read-only database: unchanged" \
        "$(sqlite3 "file:$T/ro/ro.db?immutable=1" 'select count(*) from responses')" "$before"
    umount ro
    umount small
else
    ok "read-only database # skip: cannot mount a tmpfs here"
fi
size=1000   # blocks: the -wal file outgrows it long before the import ends
run sh -c "trap '' XFSZ; ulimit -f $size; exec \"\$0\" import big3.csv --form staff-opinion --format plain" "$GS"
status "file size limit reached: import fails with status 1" 1
check "file size limit: a reason" grep -qi "error\|full" "$T/err"
same "file size limit: nothing half-written" "$(sql 'select count(*) from responses')" "$before"
same "file size limit: integrity_check ok" "$(sql 'pragma integrity_check')" ok
