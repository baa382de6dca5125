# A sealed wave end to end (survey/ballot.c, survey/unseal.c): the secret
# key goes to a 0600 file and only the public key into the database;
# submissions on the web and at the terminal are stored as sealed boxes
# (beside their unit) that no file of the database shows in clear;
# analyze, export and a plain close refuse the wave and say how to open
# it; a wrong key and a changed box are refused with nothing lost; the
# right key opens every box, the responses are stored (random ids) and
# the boxes are gone from the file.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"
"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
R=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')   # this run's answers, in a shared cluster
lines() { i=0; while [ "$i" -lt "$1" ]; do echo "$2"; i=$((i + 1)); done; }

run "$GS" wave add 2026 --sealed k26.key
status "wave add --sealed" 0
same "the key file is 0600" "$(stat -c %a k26.key)" 600
same "the database keeps the public key only" "$(sql "SELECT $(hexsql sealed_pk) FROM waves")" \
    "$(sed -n 's/^pk //p' k26.key)"
dbdump >dump.bin
check "the secret key is nowhere in the database" python3 -c '
import sys
sk = bytes.fromhex([l.split()[1] for l in open("k26.key") if l.startswith("sk ")][0])
db = open("dump.bin", "rb").read()
sys.exit(len(sk) != 32 or len(db) < 1000 or any(x in db for x in (sk, sk.hex().encode(), sk.hex().upper().encode())))'
run "$GS" wave add 2025 --sealed k26.key
status "a key file is never overwritten" 1
"$GS" token issue --form staff-opinion --unit U07 --wave 2026 --count 4 >codes.csv 2>/dev/null
tail -n +2 codes.csv | cut -d, -f1 >codes.txt

serve_start
i=0
for c in $(head -n 3 codes.txt); do
    fetch f "$URL/?code=$c&lang=en"
    # shellcheck disable=SC2046
    fetch s "$URL/submit" --data-urlencode "code=$c" -d "csrf=$(csrf_of "$T/f.html")" -d lang=en \
        -d q_position=clerk -d q_party=yes -d q_years=lt3 -d "q_comment=SEALEDWEB${i}x$R" \
        $(likert_args $((i + 2)))
    same "web submission $i acknowledged" "$CODE_HTTP" 200
    i=$((i + 1))
done
serve_kill
{ echo 1; echo yes; echo 3; lines 12 4; echo 2; echo "why"; lines 25 3; echo 4; echo "SEALEDTTYx$R"; } >tty.txt
run "$GS" run staff-opinion --token "$(sed -n 4p codes.txt)" <tty.txt
status "a terminal submission" 0
{ sed "s/SEALEDTTYx$R/SEALEDENTRYx$R/" tty.txt; echo; echo q; } >entry.txt   # Enter: stored; q: done
run "$GS" run staff-opinion --entry --unit U07 <entry.txt
status "a paper form keyed in (run --entry)" 0
same "5 ballots, no response" "$(sql 'SELECT count(*) FROM ballots') $(sql 'SELECT count(*) FROM responses')" "5 0"
same "each ballot keeps its unit (response rates)" \
    "$(sql "SELECT count(*) FROM ballots WHERE unit = (SELECT id FROM units WHERE code = 'U07')")" 5
# every file: SQLite's two; on PostgreSQL the whole data directory, its
# WAL included (the answers carry this run's tag $R; a code's hash, kept in
# clear, shows that the files were read)
if pg_backend; then files=$(sql "SHOW data_directory"); else files="test.db test.db-wal"; fi
find $files -type f 2>/dev/null | while read -r f; do cat "$f"; done >files.bin
check "no answer in clear in any file of the database" sh -c "! grep -qa 'x$R' files.bin"
h=$(printf '%s' "$(head -n 1 codes.txt | tr -d -)" | sha256sum | cut -d' ' -f1)
check "(and the files were read: a code's hash is there)" grep -qa "$h" files.bin
sql "SELECT $(hexsql box) FROM ballots" >boxes.hex

run "$GS" analyze --json
status "analyze refuses the sealed wave" 1
has "and says how to open it" "$T/err" "wave close 2026 --key KEYFILE"
run "$GS" export --form staff-opinion --wave 2026 --format csv
status "export refuses it" 1
has "export says how" "$T/err" "wave close 2026 --key KEYFILE"
run "$GS" wave close 2026
status "a plain close refuses it" 1
has "and names --key" "$T/err" "--key KEYFILE"

"$GS" wave add 2027 --sealed k27.key >/dev/null 2>&1
run "$GS" wave close 2026 --key k27.key
status "another wave's key is refused" 1
has "with a clear message" "$T/err" "k27.key is not the key of survey round 2026 (it is the key of 2027)"
same "nothing lost" "$(sql 'SELECT count(*) FROM ballots WHERE wave = 1') $(sql 'SELECT count(*) FROM responses')" "5 0"

first=$(sql "SELECT min(id) FROM ballots")
good=$(sql "SELECT $(hexsql box) FROM ballots WHERE id = $first")
bad=$(echo "$good" | cut -c1-120)a5c3$(echo "$good" | cut -c125-)
sql "UPDATE ballots SET box = $(blobsql "$bad") WHERE id = $first"
run "$GS" wave close 2026 --key k26.key
status "a changed box is refused" 1
has "with a clear message" "$T/err" "cannot be opened (it does not open with this key: it was changed); nothing was changed"
same "nothing lost, nothing half-opened" \
    "$(sql 'SELECT count(*) FROM ballots WHERE wave = 1') $(sql 'SELECT count(*) FROM responses') $(sql "SELECT $(bool 'sealed_pk IS NOT NULL') FROM waves WHERE id = 1")" "5 0 1"
sql "UPDATE ballots SET box = $(blobsql "$good") WHERE id = $first"
# the operator has the public key and can seal boxes that open: one
# forged with an answer the form does not allow (a 9 on a 1-5 scale), and
# a true box moved to another unit (response rates), are refused too
cat >forge.py <<'PY'
import ctypes, ctypes.util, sys
na = ctypes.CDLL(ctypes.util.find_library("sodium"))
na.sodium_init()
key = {l.split()[0]: l.split()[1] for l in open(sys.argv[1]) if l[:3] in ("pk ", "sk ")}
pk, sk, box = bytes.fromhex(key["pk"]), bytes.fromhex(key["sk"]), bytes.fromhex(sys.argv[2])
m = ctypes.create_string_buffer(len(box) - 48)
assert na.crypto_box_seal_open(m, box, ctypes.c_ulonglong(len(box)), pk, sk) == 0
lines = m.raw.split(b"\n")
for i in range(2, len(lines) - 1):   # ITEM HAS_NUM NUM LEN, then the text
    f = lines[i].split(b" ")
    if len(f) == 4 and f[1] == b"1" and lines[i + 1] in (b"1", b"2", b"3", b"4", b"5"):
        lines[i], lines[i + 1] = b" ".join([f[0], b"1", b"9", b"1"]), b"9"
        break
else:
    sys.exit("no rating answer in the box")
m = b"\n".join(lines)
c = ctypes.create_string_buffer(len(m) + 48)
na.crypto_box_seal(c, m, ctypes.c_ulonglong(len(m)), pk)
print(c.raw.hex())
PY
forged=$(python3 forge.py k26.key "$good")
check "(a box forged with the public key)" [ -n "$forged" ]
sql "UPDATE ballots SET box = $(blobsql "$forged") WHERE id = $first"
run "$GS" wave close 2026 --key k26.key
status "a forged box with an answer the form does not allow is refused" 1
has "with a clear message" "$T/err" "cannot be opened (an answer does not fit the form); nothing was changed"
sql "UPDATE ballots SET box = $(blobsql "$good") WHERE id = $first"
sql "UPDATE ballots SET unit = (SELECT id FROM units WHERE code = 'U01') WHERE id = $first"
run "$GS" wave close 2026 --key k26.key
status "a box moved to another unit is refused" 1
has "with a clear message" "$T/err" "cannot be opened (its unit was changed); nothing was changed"
sql "UPDATE ballots SET unit = (SELECT id FROM units WHERE code = 'U07') WHERE id = $first"
same "nothing lost" "$(sql 'SELECT count(*) FROM ballots WHERE wave = 1') $(sql 'SELECT count(*) FROM responses')" "5 0"

# on PostgreSQL, another session holding a snapshot from before the close
# (an autovacuum's ANALYZE, a report still reading; here a psql for 4 s,
# not touching the ballots): its rows deleted by the close were still
# visible to it, and the rewrite copied the opened boxes into the new
# files (all 5 were found there); wave close now waits for it
if pg_backend; then
    "$PSQL" "$GAPSURVEY_DB" -qAtX -c "BEGIN ISOLATION LEVEL REPEATABLE READ" \
        -c "SELECT count(*) FROM gapsurvey.units" -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null 2>&1 &
    holder=$!
    sleep 1
fi
run "$GS" wave close 2026 --key k26.key
[ -z "${holder:-}" ] || wait "$holder"
status "the right key opens the wave" 0
has "and says how many" "$T/out" "sealed submissions opened: 5"
same "5 responses, no ballot left" "$(sql 'SELECT count(*) FROM responses') $(sql 'SELECT count(*) FROM ballots')" "5 0"
same "the wave is closed and no longer sealed" \
    "$(sql "SELECT $(bool 'closed_at IS NOT NULL'), $(bool 'sealed_pk IS NULL') FROM waves WHERE name = '2026'")" "1|1"
run "$GS" export --form staff-opinion --wave 2026 --format csv -o open.csv
status "export now works" 0
check "every answer is there" sh -c "grep -c 'SEALED[A-Z0-9]*x$R' open.csv | grep -qx 5"
run "$GS" analyze --wave 2026 --min-n 1 --allow-small-groups --json
status "analyze now works" 0
same "ids are random, not 1..5" "$(sql "SELECT $(bool 'min(id) > 1000000') FROM responses")" 1
# boxes_left HEXFILE: "boxes left N" in left.txt, N the boxes of HEXFILE
# (one hex box a line) found in the database's files (copied to db.files):
# SQLite's one file; PostgreSQL's files of the gapsurvey tables (not its
# WAL, which keeps them until it is recycled: README, "Who can link an
# answer to a person")
boxes_left() {
    if pg_backend; then
        dir=$(sql "SHOW data_directory")
        sql "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'gapsurvey' AND pg_relation_filepath(c.oid) IS NOT NULL" |
            while read -r f; do cat "$dir/$f"* 2>/dev/null; done >db.files
    else
        cp test.db db.files
    fi
    python3 - db.files "$1" >left.txt <<'PY'
import sys
db = open(sys.argv[1], "rb").read()
print("boxes left", sum(bytes.fromhex(l.strip())[:64] in db for l in open(sys.argv[2]) if l.strip()))
PY
}
boxes_left boxes.hex
has "no box is left in the database's files" left.txt "boxes left 0"
check "(and the check can see a box: the files were read)" [ -s db.files ]

# on PostgreSQL, a snapshot held past the wait (a psql left in a
# transaction from before the close, here for the whole close): wave close
# gives up after 30 s, closes the wave, rewrites, and fails naming that
# session; the rewrite kept what the session could still see (the opened
# boxes, the old versions of the codes and responses), and closing the
# wave again once the session has ended, as the message says, removes it
# (the VACUUM FULL it also names runs as the tables' owner)
if pg_backend; then
    "$GS" token issue --form staff-opinion --unit U07 --wave 2027 --count 2 >codes27.csv 2>/dev/null
    for c in $(tail -n +2 codes27.csv | cut -d, -f1); do
        sed "s/SEALEDTTYx$R/SEALED27x$R/" tty.txt | "$GS" run staff-opinion --token "$c" >/dev/null 2>&1
    done
    # the codes of 2027 as they are in tokens.hash (hex text), to count
    # their versions in the files
    tail -n +2 codes27.csv | cut -d, -f1 | while read -r c; do
        printf '%s' "$(echo "$c" | tr -d -)" | sha256sum | cut -d' ' -f1 | tr -d '\n' | od -An -tx1 | tr -d ' \n'
        echo
    done >codes27.hex
    # copies HEXFILE: how many times the byte strings of HEXFILE (hex, one
    # a line) are in db.files (boxes_left copies it)
    copies() {
        python3 -c 'import sys; db = open("db.files", "rb").read(); print(sum(db.count(bytes.fromhex(l.strip())) for l in open(sys.argv[1]) if l.strip()))' "$1"
    }
    same "2 ballots in survey round 2027" "$(sql "SELECT count(*) FROM ballots WHERE wave = (SELECT id FROM waves WHERE name = '2027')")" 2
    sql "SELECT $(hexsql box) FROM ballots" >boxes27.hex
    mkfifo hold.in
    "$PSQL" "$GAPSURVEY_DB" -qAtX <hold.in >hold.out 2>&1 &
    holder=$!
    exec 3>hold.in
    echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_backend_pid();" >&3
    i=0
    while [ ! -s hold.out ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    pid=$(cat hold.out)
    check "(a psql holds a snapshot: session $pid)" sh -c "[ '$pid' -gt 0 ] 2>/dev/null"
    t0=$(date +%s)
    run "$GS" wave close 2027 --key k27.key
    t1=$(date +%s)
    cp "$T/err" close27.err
    status "wave close with a snapshot held throughout fails" 1
    has "naming the session" "$T/err" "PostgreSQL session $pid held a transaction open throughout"
    has "and saying the wave is closed" "$T/err" "the wave is closed"
    check "after waiting 30 s for it (waited $((t1 - t0)) s)" [ $((t1 - t0)) -ge 30 ]
    run "$GS" wave list
    same "wave list shows 2027 closed with its 2 responses" \
        "$(awk '$1 == "2027" { print ($3 ~ /^[0-9]+-[0-9]+-[0-9]+$/), $4 }' "$T/out")" "1 2"
    same "the ballots are opened and gone, the wave no longer sealed" \
        "$(sql 'SELECT count(*) FROM ballots') $(sql "SELECT $(bool 'sealed_pk IS NULL') FROM waves WHERE name = '2027'")" "0 1"
    boxes_left boxes27.hex
    has "while the session lasts the files hold the boxes it can see (as the message says)" left.txt "boxes left 2"
    sql "SELECT id FROM responses WHERE wave = (SELECT id FROM waves WHERE name = '2027')" |
        python3 -c 'import struct, sys; [print(struct.pack("<q", int(l)).hex()) for l in sys.stdin]' >ids27.hex
    # the codes' and the responses' old versions (the transaction ids they
    # were stored with) are kept too: each code and each response id is
    # there more than once in its table and once in its key
    same "(2 responses of 2027)" "$(wc -l <ids27.hex)" 2
    check "the files hold the old versions of the codes too ($(copies codes27.hex) copies of 2)" \
        [ "$(copies codes27.hex)" -gt 4 ]
    check "and of the responses ($(copies ids27.hex) copies of 2)" [ "$(copies ids27.hex)" -gt 4 ]
    has "the message says to close it again once the session has ended" close27.err \
        "once it has ended, the same 'gapsurvey wave close' run again rewrites them"
    echo "COMMIT;" >&3
    exec 3>&-
    wait "$holder"
    # what the message says to do: the same close again
    t0=$(date +%s)
    run "$GS" wave close 2027
    t1=$(date +%s)
    status "closing the wave again once the session has ended" 0
    has "(it was closed already)" "$T/out" "wave 2027 was closed already"
    check "without waiting ($((t1 - t0)) s)" [ $((t1 - t0)) -lt 10 ]
    boxes_left boxes27.hex
    has "leaves no box in the database's files" left.txt "boxes left 0"
    same "nor any old version of a code (once in its table, once in its key)" "$(copies codes27.hex)" 4
    same "nor of a response" "$(copies ids27.hex)" 4
    # or the rewrite the message names, in a psql of the tables' owner whose
    # search_path does not hold the schema (a role not named gapsurvey)
    advice=$(sed -n 's/.*(\(VACUUM FULL [^)]*\)).*/\1/p' close27.err)
    check "(the message names the rewrite: $advice)" [ -n "$advice" ]
    PGOPTIONS='-c search_path=public' "$PSQL" "$GAPSURVEY_DB" -qAtX -v ON_ERROR_STOP=1 -c "$advice" >vacuum.out 2>&1
    RC=$?
    cp vacuum.out "$T/err"
    status "which runs too" 0
fi
