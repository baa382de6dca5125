# Data entry (run --entry) takes a row of single-digit ratings typed as one
# line, as EpiData keyers expect (issue 17): "54433" fills five rating
# questions in turn and says what it filled; a digit that is no choice of
# its question, or a row longer than the rating questions that follow,
# refuses the whole row and fills nothing; relevance is followed as the
# digits fill it; numbers typed into a number question are not split.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/pty_lib.inc"
ans() {   # ans ITEM: the answer in the only response of source entry of FORM
    db "SELECT a.text FROM answers a JOIN items i ON i.id = a.item JOIN responses r
        ON r.id = a.response WHERE i.name = '$1' AND r.source = 'entry' AND r.form = i.form
        AND i.form IN (SELECT id FROM forms WHERE form_id = '$2')"
}

{
    echo "expect [ 1/43]"
    echo "send 1"
    echo "expect [ 2/43]"
    echo "send 2"
    echo "expect [ 3/43]"
    echo "send 3"
    echo "expect [ 4/43] po1"
    echo "send 54463"
    echo "expect Digit 4 of the row, '6', is not a choice of question 7 (1-5); nothing"
    echo "expect [ 4/43] po1"
    echo "send 54433"
    echo "expect Filled 5 questions: [4] po1=5, [5] po2=4, [6] po3=4, [7] po4=3, [8] po5=3"
    echo "expect [ 9/43]"
    echo "send 1234512"
    echo "expect Filled 7 questions:"
    echo "expect [16/43] ef3"
    # ef3 = 1 makes the text question ef3_why relevant: the row cannot go on
    echo "send 12"
    echo "expect A row of 2 ratings, but only 1 rating questions follow from here; nothing"
    echo "expect [16/43] ef3"
    # ef3 = 4 leaves ef3_why out: the next rating question takes the 2
    echo "send 42"
    echo "expect Filled 2 questions: [16] ef3=4, [18] "
    echo "expect [19/43]"
    echo "send n"
    echo "expect End of questionnaire."
    echo "send "
    echo "expect Saved. Stored in this session: 1."
    echo "send q"
    echo "exit 0"
} | pty staff run staff-opinion --entry --unit U07 --lang en
same "one questionnaire stored" "$(db "SELECT count(*) FROM responses WHERE source = 'entry'")" 1
same "the row's ratings, in turn" \
    "$(for q in po1 po2 po3 po4 po5; do ans $q staff-opinion; done | tr '\n' ' ')" "5 4 4 3 3 "
hasnot "the refused row filled nothing: no 6 was ever shown as kept" "$T/staff.log" "po4=6"
same "ef3 from the row that fit" "$(ans ef3 staff-opinion)" 4
same "ef3_why left out" "$(ans ef3_why staff-opinion)" ""
q18=$(grep -o 'Filled 2 questions: \[16\] ef3=4, \[18\] [a-z0-9_]*' "$T/staff.log" | sed 's/.*\[18\] //')
same "and the question after it took the second digit" "$(ans "$q18" staff-opinion)" 2
same "the first digit before the refused row is where keying went on" "$(ans le1 staff-opinion)" 1

# five-type-self: 36 ratings in one row; a yes/no question ends the run;
# "12" in a number question is twelve
row=$(printf '4%.0s' $(seq 1 36))
{
    echo "expect [ 1/55]"
    echo "send ${row}4"
    echo "expect A row of 37 ratings, but only 36 rating questions follow from here"
    echo "expect [ 1/55]"
    echo "send $row"
    echo "expect Filled 36 questions:"
    echo "expect [37/55] po_b1"
    echo "send 1"
    echo "expect [38/55]"
    echo "send 2"
    echo "expect [39/55]"
    echo "send 2"
    echo "expect [40/55] po_d1"
    echo "send 12"
    echo "expect [41/55]"
    echo "send n"
    echo "expect End of questionnaire."
    echo "send "
    echo "expect Saved."
    echo "send q"
    echo "exit 0"
} | pty self run five-type-self --entry --unit U05 --lang en
same "36 ratings of 4" "$(db "SELECT count(*) FROM answers a JOIN items i ON i.id = a.item
    JOIN responses r ON r.id = a.response WHERE r.source = 'entry' AND i.list = 'agree5'
    AND a.text = '4' AND i.form IN (SELECT id FROM forms WHERE form_id = 'five-type-self')")" 36
same "a number question takes 12 as twelve" "$(ans po_d1 five-type-self)" 12
