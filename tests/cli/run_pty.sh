# gapsurvey run at a real terminal (a pseudo-terminal driven by
# tests/cli/ptydrive.py): both shipped forms, in Chinese and in English,
# answered whole; going back; a hint; a refused choice; a constraint; an
# item made irrelevant losing its answer; kill -9, a closed terminal and
# q in the middle, each resumed with the session's resume key (shown at
# its start) without losing an answer that was on screen; the summary,
# "Submit? [Y/n]" and the confirmation; and what is in the database
# afterwards.  A draft is the session's own: another person running the
# same command, even for the same unit, is never offered it.
. "$ROOT/tests/cli/lib.sh"
"$GS" init >/dev/null
"$GS" form add "$Q/staff-opinion.csv" "$Q/five-type-self-assessment.csv" >/dev/null
"$GS" unit import "$Q/units-sample.csv" >/dev/null
db() { sqlite3 "$GAPSURVEY_DB" "$1"; }
# pty NAME LANG ARGS...: runs gapsurvey ARGS at an 80x24 terminal with
# LANG, the steps on stdin (see ptydrive.py); prints ok/not ok itself
pty() {
    name=$1 lang=$2
    shift 2
    python3 "$ROOT/tests/cli/ptydrive.py" --name "$name" --log "$T/$name.log" -- \
        env LANG="$lang" LC_ALL= LANGUAGE= GAPSURVEY_DB="$GAPSURVEY_DB" "$GS" "$@"
}
# answer FROM TO TOTAL VALUE: items FROM..TO (as numbered on screen) get VALUE
answer() {
    k=$1
    while [ "$k" -le "$2" ]; do
        printf 'expect [%d/%d]\nsend %s\n' "$k" "$3" "$4"
        k=$((k + 1))
    done
}
# the answer to ITEM in the newest response, and in draft KEY
ans() {
    db "SELECT a.text FROM answers a JOIN items i ON i.id = a.item WHERE i.name = '$1'
        AND a.response = $(newest)"
}
# the resume key a session showed (in its log NAME)
key() { grep -o -- '--resume [0-9A-Z-]*' "$T/$1.log" | head -n 1 | cut -d' ' -f2; }
# drafts: how many, and how many hold an encrypted box (a session's
# answers are readable only with its key: no draft_answers rows)
drafts() { db "SELECT count(*) || ' ' || count(box) FROM drafts"; }

# ---- staff-opinion in Chinese, unit from --unit (43 questions shown)
{
    echo "expect 输入答案的数字后按回车"
    echo "expect 如果本次作答中断"
    echo "expect gapsurvey run staff-opinion --resume "
    answer 1 3 43 1
    answer 4 8 43 4
    echo "expect [9/43]"
    echo "send ?"
    echo "expect 提示：“第一议题”指在党组"
    echo "send 3"
    answer 10 13 43 3
    answer 14 15 43 5
    echo "expect [16/43]"
    echo "send 1"
    echo "expect [17/43] 您认为哪些问题没有整改到位"
    echo "send 整改不到位"
    echo "expect [18/43]"
    echo "send b"
    echo "expect 当前答案：整改不到位"
    echo "send b"
    echo "expect [16/43]"
    echo "expect 当前答案：1 非常不同意"
    echo "expect （1-5，回车保留 1）>"
    echo "send 4"
    echo "expect [18/43]"
    echo "send 4"
    answer 19 20 43 4
    echo "expect [21/43]"
    echo "send 9"
    echo "expect “9”不是可选的答案（1-5）"
    echo "send 2"
    answer 22 25 43 2
    echo "expect [26/43]"
    echo "kill"
} | pty staff-zh-1 C.UTF-8 --lang zh run staff-opinion --unit U07
K=$(key staff-zh-1)
check "the session showed its resume key" test -n "$K"
same "after kill -9: one draft, encrypted, no answer in clear" "$(drafts) $(db 'SELECT count(*) FROM draft_answers')" "1 1 0"
same "nothing submitted yet" "$(db 'SELECT count(*) FROM responses')" 0
{
    echo "expect 找到上次保存的草稿：已答24题，停在第26题（共43题）。"
    echo "expect 继续作答？[Y/n]"
    echo "send "
    echo "expect ── 活力型"
    answer 26 31 43 4
    answer 32 37 43 2
    answer 38 42 43 3
    echo "expect [43/43]"
    echo "send 希望多听取基层意见"
    echo "expect 答题情况"
    echo "expect 您回答了42道题（共42道）。"
    echo "expect 提交？[Y/n]"
    echo "send "
    echo "expect 提交成功，谢谢！您的答案已匿名保存。"
    echo "exit 0"
} | pty staff-zh-2 C.UTF-8 --lang zh run staff-opinion --resume "$K"
same "one response" "$(db 'SELECT count(*) FROM responses')" 1
same "43 answers: every one given before and after the kill" "$(db 'SELECT count(*) FROM answers')" 43
same "unit U07" "$(ans unit)" U07
same "ef3 is the corrected 4" "$(ans ef3)" 4
same "no ef3_why (dropped when it became irrelevant)" "$(ans ef3_why)" ""
same "cl1: the refused 9 was not kept, 2 was" "$(ans cl1)" 2
same "the last answer before the kill" "$(ans cl5)" 2
same "an answer from before the kill" "$(ans po5)" 4
same "an answer from after it" "$(ans pl5)" 3
same "Chinese text" "$(ans comment)" "希望多听取基层意见"
same "the draft is gone" "$(db 'SELECT count(*) FROM drafts')" 0
same "and its answers" "$(db 'SELECT count(*) FROM draft_answers')" 0
same "source terminal, ISO week only" "$(db "SELECT source || ' ' || length(submitted_on) FROM responses")" "terminal 8"
has "the scale is one line at 80 columns" "$T/staff-zh-1.log" "  1 非常不同意   2 不同意   3 一般   4 同意   5 非常同意"

# ---- staff-opinion in English at a plain ASCII terminal (LANG=C);
# the unit is asked (44 questions)
{
    echo "expect Type the number of your answer"
    echo "expect [1/44] Your unit"
    echo "send "
    echo "expect This question must be answered."
    echo "send 7"
    echo "expect [2/44]"
    echo "send 4"
    echo "expect [3/44]"
    echo "send 2"
    echo "expect [4/44]"
    echo "send 1"
    echo "expect -- Political -----"
    answer 5 16 44 3
    echo "expect [17/44]"
    echo "send 3"
    echo "expect [19/44]"
    echo "send 5"
    answer 20 43 44 5
    echo "expect [44/44]"
    echo "send "
    echo "expect You answered 42 of the 43 questions shown to you."
    echo "expect Left blank:"
    echo "expect [44] Your comments"
    echo "expect Submit? [Y/n]"
    echo "send y"
    echo "expect Submitted. Thank you! Your answers are stored anonymously."
    echo "exit 0"
} | pty staff-en C run staff-opinion --lang en
same "second response" "$(db 'SELECT count(*) FROM responses')" 2
same "unit from the unit question" "$(ans unit)" U07
same "position 4" "$(ans position)" division
same "ef3_why never asked" "$(ans ef3_why)" ""
same "blank comment not stored" "$(ans comment)" ""
same "42 answers" "$(db "SELECT count(*) FROM answers WHERE response = $(newest)")" 42
same "LANG=C: nothing but ASCII on screen" "$(tr -d '\000-\177' < "$T/staff-en.log" | wc -c)" 0
has "English scale on one line" "$T/staff-en.log" "  1 Strongly disagree   2 Disagree   3 Neutral   4 Agree   5 Strongly agree"

# ---- five-type-self in English: a constraint, q in the middle, resume
# (56 questions: the unit, 36 ratings, 18 bonus/deduction items, notes)
{
    echo "expect [1/56] Your unit"
    echo "send 5"
    answer 2 19 56 4
    echo "expect [20/56]"
    echo "send q"
    echo "expect Your answers are saved. To continue:"
    echo "expect gapsurvey run five-type-self --resume "
    echo "exit 0"
} | pty self-en-1 C.UTF-8 run five-type-self --lang en
same "q: the draft is kept" "$(drafts)" "1 1"
{
    echo "expect A saved draft was found: 19 answers, stopped at question 20 of 56."
    echo "expect Resume? [Y/n]"
    echo "send y"
    answer 20 37 56 5
    echo "expect [38/56] Party-building responsibility assessment rated excellent"
    echo "expect   1 Yes   2 No"
    echo "send 1"
    answer 39 40 56 2
    echo "expect [41/56]"
    echo "expect (whole number, ? hint) >"
    echo "send ?"
    echo "expect Hint: Enter 0 if none"
    echo "send 99"
    echo "expect Enter a whole number from 0 to 50"
    echo "send 1.5"
    echo "expect '1.5' is not a whole number"
    echo "send 1"
    echo "expect [42/56]"
    echo "send b"
    echo "expect Current answer: 1"
    echo "send "
    answer 42 55 56 2
    echo "expect Bonus and deduction events: 0 so far. Add one?"
    echo "send n"
    echo "expect [56/56]"
    echo "send 无"
    echo "expect You answered 56 of the 56 questions shown to you."
    echo "expect Submit? [Y/n]"
    echo "send "
    echo "expect Submitted. Thank you! (response "
    echo "exit 0"
} | pty self-en-2 C.UTF-8 run five-type-self --lang en --resume "$(key self-en-1)"
same "self response stored with its unit" "$(ans unit)" U05
same "po_b1 yes" "$(ans po_b1)" yes
same "po_d1 after the constraint" "$(ans po_d1)" 1
same "an answer from before q" "$(ans ef1)" 4
resp=$(newest)
same "56 answers" "$(db "SELECT count(*) FROM answers a JOIN items i ON i.id = a.item
    WHERE a.response = $resp AND i.type != 'calculate'")" 56
same "and the form's 3 calculations" "$(db "SELECT count(*) FROM answers a JOIN items i
    ON i.id = a.item WHERE a.response = $resp AND i.type = 'calculate'")" 3

# ---- five-type-self in Chinese, --unit U03 (55 shown): the terminal is
# closed mid-form; on return the draft is declined and the form starts
# afresh; kill -9 at "Submit?" resumes at the summary
{
    answer 1 10 55 3
    echo "expect [11/55]"
    echo "hup"
} | pty self-zh-1 C.UTF-8 --lang zh run five-type-self --unit U03
K=$(key self-zh-1)
same "closed terminal: the draft is kept" "$(drafts)" "1 1"
{
    echo "expect 找到上次保存的草稿：已答10题，停在第11题（共55题）。"
    echo "expect 继续作答？[Y/n]"
    echo "send n"
    echo "expect 草稿已删除，重新开始。"
    echo "expect [1/55]"
    echo "send 5"
    answer 2 36 55 4
    echo "expect [37/55]"
    echo "expect   1 是   2 否"
    echo "send 2"
    answer 38 54 55 2
    echo "expect 加分扣分事项清单：已有0条。要添加一条吗？"
    echo "send n"
    echo "expect [55/55]"
    echo "send "
    echo "expect 未作答："
    echo "expect 提交？[Y/n]"
    echo "kill"
} | pty self-zh-2 C.UTF-8 --lang zh run five-type-self --resume "$K"
same "the declined draft was replaced, under the same key" "$(drafts)" "1 1"
{
    echo "expect 找到上次保存的草稿：已答54题。"
    echo "expect 继续作答？[Y/n]"
    echo "send "
    echo "expect 答题情况"
    echo "expect 提交？[Y/n]"
    echo "send b"
    echo "expect [55/55]"
    echo "send 没有"
    echo "expect 您回答了55道题（共55道）。"
    echo "send y"
    echo "expect 提交成功，谢谢！（第"
    echo "exit 0"
} | pty self-zh-3 C.UTF-8 --lang zh run five-type-self --resume "$K"
same "fourth response" "$(db 'SELECT count(*) FROM responses')" 4
same "unit U03" "$(ans unit)" U03
same "the first answer is the one given after the draft was declined" "$(ans po1)" 5
same "integer from the summary-resumed session" "$(ans po_d1)" 2
same "notes added after going back" "$(ans notes)" "没有"
same "no drafts left" "$(db 'SELECT count(*) FROM drafts')" 0

# ---- two respondents of one unit at two terminals at once: the second
# is not offered the first one's answers and each keeps a draft of its own
{
    answer 1 3 43 1
    echo "expect [4/43]"
    echo "sleep 4"
    echo "send q"
    echo "expect Your answers are saved."
    echo "exit 0"
} | pty two-a C.UTF-8 --lang en run staff-opinion --unit U11 > "$T/two-a.out" &
sleep 1.5
{
    echo "expect [1/43]"
    echo "send 2"
    echo "expect [2/43]"
    echo "send q"
    echo "expect Your answers are saved."
    echo "exit 0"
} | pty two-b C.UTF-8 --lang en run staff-opinion --unit U11
wait
cat "$T/two-a.out"
hasnot "the second session was not offered the first one's draft" "$T/two-b.log" "Resume?"
check "each session has a key of its own" test "$(key two-a)" != "$(key two-b)"
same "two drafts, one each" "$(drafts)" "2 2"
same "neither is held once both quit" "$(db "SELECT count(*) FROM drafts WHERE owner IS NOT NULL")" 0
# the next person at that terminal, of the same unit, starts afresh
{
    echo "expect [1/43]"
    echo "send q"
    echo "expect Nothing was answered"
    echo "exit 0"
} | pty two-c C.UTF-8 --lang en run staff-opinion --unit U11
hasnot "a later session of the same unit is offered neither draft" "$T/two-c.log" "saved draft"
same "and leaves none of its own" "$(drafts)" "2 2"
# the first person comes back with the key: their own three answers, and
# only theirs, paged back through
{
    echo "expect A saved draft was found: 3 answers, stopped at question 4 of 43."
    echo "send y"
    echo "expect [4/43]"
    echo "send b"
    echo "expect [3/43]"
    echo "expect Current answer: 1"
    echo "send b"
    echo "expect [2/43]"
    echo "expect Current answer: 1"
    echo "eof"
    echo "exit 0"
} | pty two-d C.UTF-8 --lang en run staff-opinion --resume "$(key two-a)"
{
    echo "expect A saved draft was found: 1 answer, stopped at question 2 of 43."
    echo "send y"
    echo "expect [2/43]"
    echo "send b"
    echo "expect [1/43]"
    echo "expect Current answer: 2"
    echo "send q"
    echo "exit 0"
} | pty two-e C.UTF-8 --lang en run staff-opinion --resume "$(key two-b)"

# ---- a token at the terminal: the draft is keyed by the token's hash
# while the form is open and gone with it once submitted
"$GS" wave add 2026 >/dev/null 2>&1
h=$(printf 'QW12ER34' | sha256sum | cut -d' ' -f1)
db "INSERT INTO tokens(hash, form, unit, wave) VALUES ('$h', (SELECT max(id) FROM forms WHERE form_id = 'staff-opinion'), (SELECT id FROM units WHERE code = 'U20'), (SELECT max(id) FROM waves))"
{
    answer 1 5 43 2
    echo "expect [6/43]"
    echo "kill"
} | pty token-1 C.UTF-8 run staff-opinion --token qw12-er34 --lang en
same "token still unused" "$(db "SELECT used FROM tokens WHERE hash = '$h'")" 0
{
    echo "expect Resume? [Y/n]"
    echo "send "
    answer 6 42 43 2
    echo "expect [43/43]"
    echo "send "
    echo "expect Submit? [Y/n]"
    echo "send "
    echo "expect Submitted."
    echo "exit 0"
} | pty token-2 C.UTF-8 run staff-opinion --token QW12ER34 --lang en
same "token used" "$(db "SELECT used FROM tokens WHERE hash = '$h'")" 1
same "unit of the token" "$(ans unit)" U20
same "no draft names the token any more" "$(db "SELECT count(*) FROM drafts WHERE key LIKE '%$h%'")" 0
sqlite3 "$GAPSURVEY_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
same "the token's hash is nowhere in the file but in its own row (table and index)" "$(grep -a -o "$h" "$GAPSURVEY_DB" | wc -l)" 2
{
    echo "expect already been used"
    echo "exit 1"
} | pty token-3 C.UTF-8 run staff-opinion --token QW12ER34 --lang en
