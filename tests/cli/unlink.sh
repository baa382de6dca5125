# Unlinkability against whoever copies the database files (DESIGN.md
# section 4): codes are used on the web and at the terminal while an
# adversary copies the database, its -wal and any -journal after every
# acknowledged submission and in the middle of a terminal session; the
# adversary (walreplay.py) rebuilds every commit of every copy and must
# link no code to a response, find no draft answer once it was submitted
# and no earlier version of an answer the respondent changed; the draft
# of a session in progress holds no answer in clear.  After `wave close`
# nothing orders the responses by arrival: ids (and so the report's
# comments and the pages VACUUM lays out in id order) and exports.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"

"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
"$GS" wave add 2026 >/dev/null 2>&1
"$GS" token issue --form staff-opinion --unit U07 --count 10 >codes.csv 2>/dev/null
tail -n +2 codes.csv | cut -d, -f1 >codes.txt
for c in $(sed 's/-//g' codes.txt); do printf '%s' "$c" | sha256sum | cut -d' ' -f1; done >issued.txt
check "token rows are not in the order of the list handed out" \
    test "$(sql 'SELECT hash FROM tokens ORDER BY rowid')" != "$(cat issued.txt)"
snap() {   # NAME: the adversary's copy of every file of the database
    mkdir -p "snaps/$1"
    for f in "$GAPSURVEY_DB" "$GAPSURVEY_DB-wal" "$GAPSURVEY_DB-journal"; do
        [ -f "$f" ] && cp "$f" "snaps/$1/"
    done
}
pty() {   # NAME ARGS...: gapsurvey at a pseudo-terminal (see ptydrive.py)
    name=$1
    shift
    python3 "$ROOT/tests/cli/ptydrive.py" --name "$name" --log "$T/$name.log" -- \
        env LANG=C.UTF-8 LC_ALL= LANGUAGE= GAPSURVEY_DB="$GAPSURVEY_DB" "$GS" "$@"
}
answer() {   # FROM TO TOTAL VALUE
    k=$1
    while [ "$k" -le "$2" ]; do
        printf 'expect [%d/%d]\nsend %s\n' "$k" "$3" "$4"
        k=$((k + 1))
    done
}

# ---- the web: seven respondents, a copy after each acknowledgement
serve_start
for i in 1 2 3 4 8 9 10; do
    c=$(sed -n "${i}p" codes.txt)
    fetch f "$URL/?code=$c&lang=en"
    cs=$(csrf_of "$T/f.html")
    # shellcheck disable=SC2046
    fetch s "$URL/submit" --data-urlencode "code=$c" -d "csrf=$cs" -d lang=en -d q_position=clerk \
        -d q_party=yes -d q_years=lt3 -d "q_comment=WEBC${i}Z" $(likert_args $((i % 5 + 1)))
    same "web submission $i acknowledged" "$CODE_HTTP" 200
    snap "web$i"
done

# ---- the terminal, while the server runs: the comment is first typed as
# DRAFTMARKER, the session is killed, resumed, and the comment changed
for k in 5 6; do
    c=$(sed -n "${k}p" codes.txt)
    {
        answer 1 43 44 $((k % 5 + 1))
        echo "expect [44/44]"
        echo "send DRAFTMARKER$k"
        echo "expect Submit? [Y/n]"
        echo "kill"
    } | pty "tty$k-a" run staff-opinion --token "$c" --lang en
    snap "tty$k-draft"
    {
        echo "expect Resume? [Y/n]"
        echo "send "
        echo "expect Submit? [Y/n]"
        echo "send b"
        echo "expect [44/44]"
        echo "send FINAL$k"
        echo "expect Submit? [Y/n]"
        echo "send "
        echo "expect Submitted."
        echo "exit 0"
    } | pty "tty$k-b" run staff-opinion --token "$c" --lang en
    snap "tty$k"
done

# ---- a draft in progress is encrypted with a key from the code
python3 "$ROOT/tests/cli/walreplay.py" snaps/tty5-draft/test.db snaps/tty6-draft/test.db \
    --grep DRAFTMARKER5 DRAFTMARKER6 >mid.txt
sed 's/^/# /' mid.txt
hasnot "a draft in progress: its answers are in no file in clear (5)" mid.txt "text DRAFTMARKER5"
hasnot "a draft in progress: its answers are in no file in clear (6)" mid.txt "text DRAFTMARKER6"
# each save of a draft is a new box (a new nonce): 44 saves per session,
# and the copies must hold the latest of each session only
has "a draft in progress: its latest box only, no earlier version" mid.txt "boxes 2"
c=$(sed -n 7p codes.txt)
{
    answer 1 3 44 1
    echo "expect [4/44]"
    echo "kill"
} | pty tty7-a run staff-opinion --token "$c" --lang en
same "the draft is one encrypted box, no answer rows" \
    "$(sql 'SELECT count(*), sum(box IS NOT NULL) FROM drafts') $(sql 'SELECT count(*) FROM draft_answers')" "1|1 0"
check "its row is not named by the token's hash" \
    test "$(sql "SELECT count(*) FROM drafts d JOIN tokens t ON d.key LIKE '%' || t.hash || '%'")" = 0
sql "UPDATE drafts SET box = substr(box, 1, 50) || X'00' || substr(box, 52)"
{
    echo "expect cannot be read"
    echo "exit 1"
} | pty tty7-b run staff-opinion --token "$c" --lang en
same "a changed box is refused, and kept" "$(sql 'SELECT count(*) FROM drafts WHERE box IS NOT NULL')" 1
serve_kill
same "nine responses stored" "$(sql 'SELECT count(*) FROM responses')" 9
same "nine codes used" "$(sql 'SELECT sum(used) FROM tokens')" 9

after=""
for d in snaps/web* snaps/tty5 snaps/tty6; do after="$after $d/test.db"; done
python3 "$ROOT/tests/cli/walreplay.py" $after --grep DRAFTMARKER5 DRAFTMARKER6 >adv.txt
sed 's/^/# /' adv.txt
has "the adversary rebuilt the copies' states" adv.txt "states"
has "no code is linked to a response in any commit of any copy" adv.txt "linked 0"
has "no draft answer is left once submitted" adv.txt "drafts 0"
has "freed pages hold nothing" adv.txt "freelist 0"
has "no draft's box, nor an earlier version of it, is left once submitted" adv.txt "boxes 0"
hasnot "an answer the respondent changed is nowhere (5)" adv.txt "text DRAFTMARKER5"
hasnot "an answer the respondent changed is nowhere (6)" adv.txt "text DRAFTMARKER6"

# ---- no order: after the wave closes, nothing lists the responses in the
# order they came in (9 of them: by chance one time in 362,880).  An
# import of 300 more (another unit) fills pages in the order the random
# ids arrived, which only the rewrite at close puts in the order of the ids
python3 - <<'PY'
import random
random.seed(16)
lik = ("po1 po2 po3 po4 po5 le1 le2 le3 le4 le5 ef1 ef2 ef3 ef4 ef5 ef6 cl1 cl2 cl3 cl4 cl5 "
       "vi1 vi2 vi3 vi4 vi5 vi6 un1 un2 un3 un4 un5 un6 pl1 pl2 pl3 pl4 pl5").split()
rows = [",".join(["unit", "position", "party", "years"] + lik)]
rows += [",".join(["U01", "section", "no", "gt10"] + [str(random.randint(1, 5)) for _ in lik])
         for _ in range(300)]
open("more.csv", "w").write("\n".join(rows) + "\n")
PY
run "$GS" import more.csv --form staff-opinion --format plain
status "an import of 300 more" 0
run "$GS" wave close 2026
status "wave close" 0
arrival="WEBC1Z WEBC2Z WEBC3Z WEBC4Z WEBC8Z WEBC9Z WEBC10Z FINAL5 FINAL6"
sorted() { printf '%s\n' $1 | sort | tr '\n' ' '; }
byid=$(sql "SELECT group_concat(text, ' ') FROM (SELECT a.text FROM answers a JOIN items i
            ON i.id = a.item WHERE i.name = 'comment' ORDER BY a.response)")
same "every comment is stored" "$(sorted "$byid")" "$(sorted "$arrival")"
check "response ids: not in the order of arrival" test "$byid" != "$arrival"
"$GS" export --form staff-opinion --format csv -o e.csv >/dev/null 2>&1
byexport=$(grep -o 'WEBC[0-9]*Z\|FINAL[0-9]' e.csv | tr '\n' ' ' | sed 's/ $//')
same "the export holds every one" "$(sorted "$byexport")" "$(sorted "$arrival")"
check "export: not in the order of arrival" test "$byexport" != "$arrival"
"$GS" report --out rep --lang en --no-plots --format md --min-n 1 --allow-small-groups --comment-min 1 >/dev/null 2>&1
byreport=$(grep -o 'WEBC[0-9]*Z\|FINAL[0-9]' rep/report.md | tr '\n' ' ' | sed 's/ $//')
same "the report's comments hold every one" "$(sorted "$byreport")" "$(sorted "$arrival")"
check "report's comments: not in the order of arrival" test "$byreport" != "$arrival"
# VACUUM copies every table in the order of its key: the pages follow the
# random ids, and no free page keeps an older layout
same "the file was rewritten at close: no free page" "$(sql 'PRAGMA freelist_count')" 0
# (each response's answers are packed in its row: schema 7)
sql "SELECT name, pageno FROM dbstat WHERE name = 'responses' AND pagetype = 'leaf'
     ORDER BY name, path" >leaves.txt
check "the pages of responses, their answers in them, lie in the order of their ids" awk -F'|' '
    $1 != name { name = $1; last = 0 }
    { if ($2 <= last) bad = 1; last = $2; n[$1]++ }
    END { exit !(!bad && n["responses"] >= 4) }' leaves.txt
same "no abandoned draft survives the close" "$(sql 'SELECT count(*) FROM drafts')" 0
