# gapsurvey run, scripted protocol (stdin not a terminal): one line per item
# that would be asked, choices by name or position, select_multiple,
# notes and irrelevant items reading no line, an invalid line reported as
# stdin:LINE with nothing stored, both shipped forms in both languages,
# tokens used up, and what an anonymous response does and does not keep.
. "$ROOT/tests/cli/lib.sh"
"$GS" init >/dev/null
"$GS" form add "$Q/staff-opinion.csv" "$Q/five-type-self-assessment.csv" >/dev/null
"$GS" unit import "$Q/units-sample.csv" >/dev/null
db() { sqlite3 "$GAPSURVEY_DB" "$1"; }

# lines N VALUE: N copies of VALUE, one per line
lines() { i=0; while [ "$i" -lt "$1" ]; do echo "$2"; i=$((i + 1)); done; }

# ---- staff-opinion: the unit question, background, 41 Likert items,
# ef3_why only when ef3 <= 2, one comment
{ echo U07; echo 1; echo yes; echo 3; lines 12 4; echo 2; echo "整改不彻底"; lines 25 3;
  echo "多结合实际"; } > staff1.txt
run "$GS" run staff-opinion < staff1.txt
status "staff form from a script" 0
same "anonymous: no response number" "$(cat "$T/out")" "response stored"
same "one response" "$(db 'SELECT count(*) FROM responses')" 1
same "unit from the unit question" "$(db 'SELECT u.code FROM responses r JOIN units u ON u.id = r.unit')" U07
ans() {   # ans ITEM: the answer of the last response to ITEM
    db "SELECT a.text FROM answers a JOIN items i ON i.id = a.item WHERE i.name = '$1'
        AND a.response = $(newest)"
}
same "choice by position (party: 1 = yes)" "$(ans party)" yes
same "choice by name (party: yes)" "$(ans position)" clerk
same "position 3 of years" "$(ans years)" gt10
same "relevant text item asked (ef3 = 2)" "$(ans ef3_why)" "整改不彻底"
same "Chinese comment kept" "$(ans comment)" "多结合实际"
same "44 answers" "$(db 'SELECT count(*) FROM answers')" 44
same "source terminal" "$(db 'SELECT source FROM responses')" terminal
same "the ISO week only, no day or time" "$(db "SELECT count(*) FROM responses WHERE submitted_on GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'")" 1
same "no draft left behind" "$(db 'SELECT count(*) FROM drafts')" 0

# ef3 = 4: ef3_why is not relevant and reads no line
{ echo 7; echo 2; echo no; echo lt3; lines 12 4; echo 4; lines 25 3; echo ""; } > staff2.txt
run "$GS" run staff-opinion < staff2.txt
status "irrelevant item reads no line" 0
same "ef3_why not stored" "$(ans ef3_why)" ""
same "empty line: comment unanswered" "$(ans comment)" ""
same "unit 7 by position" "$(ans unit)" U07

# --unit: the unit question is answered from the command line and not asked
{ echo 1; echo 1; echo 1; lines 12 5; echo 5; lines 25 5; echo ""; } > staff3.txt
run "$GS" run staff-opinion --unit U03 < staff3.txt
status "--unit skips the unit question" 0
same "unit answer follows --unit" "$(ans unit)" U03

# errors: stdin:LINE, exit 1, nothing stored
n0=$(db 'SELECT count(*) FROM responses')
printf 'U07\n9\n' | "$GS" run staff-opinion >"$T/out" 2>"$T/err"; RC=$?
status "bad choice: exit 1" 1
has "bad choice named with its line" "$T/err" "stdin:2: position: '9' is not one of the choices (1-4)"
has "says nothing stored" "$T/err" "nothing stored"
printf '\n' | "$GS" run staff-opinion >"$T/out" 2>"$T/err"; RC=$?
status "required item left empty: exit 1" 1
has "required message" "$T/err" "stdin:1: unit: This question must be answered."
printf 'U07\n1\n1\n' | "$GS" run staff-opinion >"$T/out" 2>"$T/err"; RC=$?
status "input too short: exit 1" 1
has "names the question waiting for a line" "$T/err" "stdin:4: input ended before question years"
{ cat staff2.txt; echo extra; } | "$GS" run staff-opinion >"$T/out" 2>"$T/err"; RC=$?
status "extra line: exit 1" 1
has "extra line reported" "$T/err" "stdin:44: more lines than questions"
printf 'U07\n1\n1\n1\nabc\n' | "$GS" --lang zh run staff-opinion >"$T/out" 2>"$T/err"; RC=$?
status "Chinese message" 1
has "in Chinese" "$T/err" "stdin:5: po1: “abc”不是可选的答案（1-5）"
printf 'U07\n1\n1\n' | "$GS" --lang zh run staff-opinion >"$T/out" 2>"$T/err"; RC=$?
has "input too short, in one Chinese sentence" "$T/err" "stdin:4: 输入在题目 years 之前结束（空行表示不作答）"
same "nothing stored by any failure" "$(db 'SELECT count(*) FROM responses')" "$n0"
run "$GS" run nosuch < staff1.txt
status "unknown form: exit 1" 1
has "unknown form named" "$T/err" "no form 'nosuch'"
run "$GS" run staff-opinion --unit U99 < staff3.txt
status "unknown unit: exit 1" 1
has "unknown unit named" "$T/err" "unit 'U99' is not known"
run "$GS" run staff-opinion --unit U07 --token X
status "--unit and --token together: usage" 2

# ---- five-type-self (role self: the response number is printed);
# constraint: counts between 0 and 50; no event added to the list (n)
{ lines 36 4; echo yes; echo no; echo 2; echo 0; echo 0; echo 3; echo 0; echo yes; echo no;
  echo 1; echo 0; echo 0; echo no; echo 0; echo 0; echo 2; echo yes; echo no;
  echo n; echo "自评说明"; } > self1.txt
run "$GS" run five-type-self --unit U05 < self1.txt
status "self form from a script" 0
rid=$(newest)
same "self form: response number printed" "$(cat "$T/out")" "response $rid stored"
same "integer stored as a number" "$(db "SELECT a.num FROM answers a JOIN items i ON i.id = a.item WHERE i.name = 'le_b1' AND a.response = $rid")" 3.0
sed 's/^3$/51/' self1.txt > self_bad.txt
run "$GS" run five-type-self --unit U05 < self_bad.txt
status "constraint: exit 1" 1
has "constraint message in English" "$T/err" "stdin:42: le_b1: Enter a whole number from 0 to 50"
run "$GS" --lang zh run five-type-self --unit U05 < self_bad.txt
has "constraint message in Chinese" "$T/err" "stdin:42: le_b1: 请填写0到50之间的整数"
sed 's/^3$/2.5/' self1.txt > self_bad.txt
run "$GS" run five-type-self --unit U05 < self_bad.txt
has "not a whole number" "$T/err" "stdin:42: le_b1: '2.5' is not a whole number"
run "$GS" run five-type-self --unit U05 --lang zh < self1.txt
status "--lang after the command" 0
has "Chinese confirmation with the number" "$T/out" "号答卷已保存"
newest >/dev/null   # (that response is not the one the next checks read)

# ---- a small form: select_multiple, a note, relevant on a group,
# decimal, a constraint using another answer, text
cat > mini.csv <<'CSV'
survey,,,,,,
,type,name,label,relevant,constraint,required
,note,intro,Welcome,,,
,select_multiple topics,topics,Topics,,,
,begin_group,g,More,"selected(${topics}, 'plan')",,
,decimal,hours,Hours a week,,. > 0 and . < 80,
,integer,people,People,,. <= ${hours},yes
,end_group,,,,,
,text,why,Why,count-selected(${topics}) > 1,,
choices,,,,,,
,list_name,name,label,,,
,topics,study,Study,,,
,topics,plan,Plan,,,
,topics,care,Care,,,
settings,,,,,,
,form_id,version,role,,,
,mini,1,self,,,
CSV
"$GS" form add mini.csv >/dev/null
run "$GS" run mini --unit U01 <<'IN'
1 3
because
IN
status "select_multiple by positions; group not relevant" 0
same "names stored space-separated" "$(ans topics)" "study care"
same "why asked (two topics)" "$(ans why)" because
run "$GS" run mini --unit U01 <<'IN'
plan, study
7.5
7
x
IN
status "group relevant: decimal, integer, text" 0
same "order as typed, commas accepted" "$(ans topics)" "plan study"
same "decimal" "$(ans hours)" 7.5
run "$GS" run mini --unit U01 <<'IN'
plan
7.5
9
IN
status "constraint against another answer" 1
has "default constraint message names the rule" "$T/err" "stdin:3: people: This answer is not allowed here (. <= \${hours})."
run "$GS" run mini --unit U01 <<'IN'
plan 4
IN
has "bad option in a multi-select" "$T/err" "stdin:1: topics: '4' is not one of the choices"
# full-width digits from a Chinese input method
printf '\357\274\222\n\357\274\223\n\357\274\222\n' | "$GS" run mini --unit U01 >"$T/out" 2>"$T/err"; RC=$?
status "full-width digits accepted" 0
same "full-width 2 is plan" "$(ans topics)" plan

# a byte-order mark (Windows Notepad) and CRLF line ends are forgiven;
# text that is not UTF-8 is refused
{ printf '\357\273\277'; sed 's/$/\r/' staff3.txt; } > bom.txt
run "$GS" run staff-opinion --unit U04 < bom.txt
status "BOM and CRLF input" 0
same "first line read despite the BOM" "$(ans position)" clerk
same "CR not kept in text" "$(db "SELECT count(*) FROM answers WHERE text LIKE '%' || char(13) || '%'")" 0
{ head -n 41 staff3.txt; printf '\316\322\n'; } > gbk.txt
run "$GS" run staff-opinion --unit U04 < gbk.txt
status "GBK bytes in a text answer refused" 1
has "says to switch to UTF-8" "$T/err" "stdin:42: comment: The text is not UTF-8"

# ---- tokens: used up by the response, refused a second time, never
# linked to it
"$GS" wave add 2026 >/dev/null 2>&1
h=$(printf 'AB12CD34' | sha256sum | cut -d' ' -f1)
db "INSERT INTO tokens(hash, form, unit, wave) VALUES ('$h', (SELECT max(id) FROM forms WHERE form_id = 'staff-opinion'), (SELECT id FROM units WHERE code = 'U12'), (SELECT max(id) FROM waves))"
run "$GS" run staff-opinion --token "ab12-cd34" < staff3.txt
status "token: typed in lower case with a dash" 0
same "token used" "$(db "SELECT used FROM tokens WHERE hash = '$h'")" 1
same "unit from the token" "$(ans unit)" U12
same "nothing in the response names the token" "$(db "SELECT count(*) FROM responses r JOIN answers a ON a.response = r.id WHERE a.text LIKE '%$h%' OR r.source LIKE '%$h%'")" 0
run "$GS" run staff-opinion --token AB12CD34 < staff3.txt
status "used token refused" 1
has "says it was used" "$T/err" "already been used"
run "$GS" run staff-opinion --token ZZ99 < staff3.txt
status "unknown token refused" 1
has "says it is not valid" "$T/err" "not valid"
h2=$(printf 'XY98' | sha256sum | cut -d' ' -f1)
db "INSERT INTO tokens(hash, form, unit, wave) VALUES ('$h2', (SELECT max(id) FROM forms WHERE form_id = 'staff-opinion'), NULL, (SELECT max(id) FROM waves))"
run "$GS" run five-type-self --token xy98 < self1.txt
status "a token of another form is refused" 1
has "names the token's form" "$T/err" "belongs to form staff-opinion"
same "and is not used up" "$(db "SELECT used FROM tokens WHERE hash = '$h2'")" 0
