# gapsurvey run --entry at a real terminal: keying paper questionnaires one
# line per item, digits for choices, Enter for blank, immediate validation,
# the running count, n for the next questionnaire; and double entry
# (--verify BATCH): the second keying is compared with the first, every
# difference is shown and corrected, verified questionnaires become
# responses, a quit in the middle resumes.
. "$ROOT/tests/cli/lib.sh"
"$GS" init >/dev/null
"$GS" form add "$Q/staff-opinion.csv" "$Q/five-type-self-assessment.csv" >/dev/null
"$GS" unit import "$Q/units-sample.csv" >/dev/null
db() { sqlite3 "$GAPSURVEY_DB" "$1"; }
pty() {
    name=$1 lang=$2
    shift 2
    python3 "$ROOT/tests/cli/ptydrive.py" --name "$name" --log "$T/$name.log" -- \
        env LANG="$lang" LC_ALL= LANGUAGE= GAPSURVEY_DB="$GAPSURVEY_DB" "$GS" "$@"
}
# key FROM TO TOTAL VALUE: entry prompts FROM..TO get VALUE
key() {
    k=$1
    while [ "$k" -le "$2" ]; do
        printf 'expect [%2d/%d]\nsend %s\n' "$k" "$3" "$4"
        k=$((k + 1))
    done
}
ans() {   # ans ITEM RESPONSE
    db "SELECT a.text FROM answers a JOIN items i ON i.id = a.item WHERE i.name = '$1'
        AND a.response = $2"
}

# ---- single entry, self-assessment in English, unit from --unit (55 items)
{
    echo "expect Key each item and press Enter"
    echo "expect -- Questionnaire 1 "
    echo "expect 0 stored --"
    key 1 36 55 4
    echo "expect [37/55] po_b1"
    echo "send 1"
    key 38 39 55 2
    echo "expect [40/55] po_d1"
    echo "send 60"
    echo "expect Enter a whole number from 0 to 50"
    echo "send 0"
    key 41 54 55 2
    echo "expect [+] events"
    echo "send "
    echo "expect [55/55] notes"
    echo "send "
    echo "expect End of questionnaire."
    echo "send "
    echo "expect Saved. Stored in this session: 1."
    echo "expect -- Questionnaire 2 "
    echo "expect 1 stored --"
    key 1 3 55 5
    echo "expect [ 4/55]"
    echo "send n"
    echo "expect End of questionnaire."
    echo "send n"
    echo "expect Stored in this session: 2."
    echo "expect [ 1/55]"
    echo "send q"
    echo "expect Done."
    echo "exit 0"
} | pty entry-en C run five-type-self --entry --unit U05 --lang en
same "two questionnaires stored" "$(db "SELECT count(*) FROM responses WHERE source = 'entry'")" 2
same "both for U05" "$(db "SELECT group_concat(DISTINCT u.code) FROM responses r JOIN units u ON u.id = r.unit")" U05
asked() {   # asked RESPONSE: answers to questions (not calculations)
    db "SELECT count(*) FROM answers a JOIN items i ON i.id = a.item
        WHERE a.response = $1 AND i.type != 'calculate'"
}
# ids are random: the two questionnaires are told apart by what they hold
same "first: every item keyed but the blank notes (54 + unit); second: n left the rest blank (3 + unit)" \
    "$(db "SELECT group_concat(n, ' ') FROM (SELECT count(*) AS n FROM answers a JOIN items i ON i.id = a.item
           WHERE i.type != 'calculate' GROUP BY response ORDER BY n DESC)")" "55 4"
first=$(db "SELECT response FROM answers a JOIN items i ON i.id = a.item WHERE i.type != 'calculate'
            GROUP BY response HAVING count(*) = 55")
same "the corrected constraint value" "$(ans po_d1 "$first")" 0
same "the form's calculations stored: bonus points" "$(ans bonus_total "$first")" 8
same "... deduction points" "$(ans deduction_total "$first")" 34
same "... net" "$(ans net_points "$first")" -26
newest >/dev/null
same "no draft left" "$(db 'SELECT count(*) FROM drafts')" 0

# ---- double entry of a batch of staff forms, in Chinese (43 items with --unit)
{
    echo "expect 双录入：第一次录入。"
    echo "expect ── 第1份 "
    key 1 5 43 2
    echo "expect [ 6/43]"
    echo "send n"
    echo "expect 本份录入完毕。"
    echo "send "
    echo "expect ── 第2份 "
    echo "expect 已保存1份"
    key 1 5 43 1
    echo "expect [ 6/43]"
    echo "send n"
    echo "expect 本份录入完毕。"
    echo "send "
    echo "expect [ 1/43]"
    echo "send q"
    echo "expect 批次 B1 已录入2份。这是整批吗（结束第一次录入）？[y/N]"
    echo "send y"
    echo "expect 第一次录入已结束。"
    echo "exit 0"
} | pty verify-1 C.UTF-8 --lang zh run staff-opinion --entry --unit U07 --verify B1
same "first keying kept, not yet responses" "$(db "SELECT count(*) FROM responses WHERE source = 'entry'")" 2
same "batch closed for the second keying" "$(db "SELECT pass || ' ' || keyed FROM entry_batches WHERE name = 'B1'")" "2 2"
same "first keying rows (unit + 5 items, twice)" "$(db 'SELECT count(*) FROM entry_rows')" 12
{
    echo "expect 双录入：第二次录入"
    echo "expect ── 第1份（共2份）"
    key 1 2 43 2
    echo "expect [ 3/43]"
    echo "send 3"
    echo "expect 与第一次录入不一致：第一次为“2 3至10年”，这次为“3 10年以上”。"
    echo "expect 请核对纸质问卷，录入正确的值"
    echo "send 2"
    key 4 5 43 2
    echo "expect [ 6/43]"
    echo "send n"
    echo "expect 第二次录入需逐项录入"
    echo "send "
    key 7 16 43 ""
    key 18 43 43 ""
    echo "expect 本份录入完毕。"
    echo "send "
    echo "expect 已保存。本次共保存1份。"
    echo "expect ── 第2份（共2份）"
    key 1 3 43 1
    echo "expect [ 4/43]"
    echo "send q"
    echo "expect 正在录入的这份问卷已存为草稿"
    echo "exit 0"
} | pty verify-2 C.UTF-8 --lang zh run staff-opinion --entry --unit U07 --verify B1
same "questionnaire 1 verified and stored" "$(db "SELECT count(*) FROM responses WHERE source = 'entry'")" 3
same "with the corrected value" "$(ans years "$(newest)")" 3to10
same "its first keying forgotten" "$(db 'SELECT count(*) FROM entry_rows')" 6
same "one difference counted" "$(db "SELECT verified || ' ' || differences FROM entry_batches WHERE name = 'B1'")" "1 1"
{
    echo "expect 继续作答？[Y/n]"
    echo "send "
    echo "expect [ 4/43]"
    echo "send 1"
    echo "expect [ 5/43]"
    echo "send 4"
    echo "expect 与第一次录入不一致：第一次为“1 非常不同意”，这次为“4 同意”。"
    echo "send 4"
    echo "expect [ 6/43]"
    echo "send "
    key 7 16 43 ""
    key 18 43 43 ""
    echo "expect 本份录入完毕。"
    echo "send "
    echo "expect 批次 B1 核对完成：2份问卷已保存为答卷"
    echo "expect 其中2个不一致并已更正。"
    echo "exit 0"
} | pty verify-3 C.UTF-8 --lang zh run staff-opinion --entry --unit U07 --verify B1
same "both verified questionnaires stored" "$(db "SELECT count(*) FROM responses WHERE source = 'entry'")" 4
same "second: the value from the paper, not the first keying" "$(ans po2 "$(newest)")" 4
same "no first keying left" "$(db 'SELECT count(*) FROM entry_rows')" 0
same "batch counts" "$(db "SELECT verified || ' ' || differences FROM entry_batches WHERE name = 'B1'")" "2 2"
same "no drafts left" "$(db 'SELECT count(*) FROM drafts')" 0
run "$GS" run staff-opinion --entry --unit U07 --verify B1
status "a verified batch cannot be keyed again" 1
has "says so" "$T/err" "batch B1 is verified and stored already"
run "$GS" run staff-opinion --entry --unit U03 --verify B1
status "nor for another unit" 1
