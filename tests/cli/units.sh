# One list of units (issue 17): the units table is the one source of unit
# codes and names.  form add fills an empty table from the form's unit
# list and refuses a form whose list differs from the table (every
# difference listed, with what to do), token issue likewise; the web
# form, the terminal runner and paper entry offer the table's units under
# its names, analyze and report name units from it, and a unit the table
# lacks is refused where a unit is chosen.  unit import reads its columns
# by the header's names; unit remove takes out a unit nothing refers to.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"
S="$Q/staff-opinion.csv"
db() { sqlite3 "$GAPSURVEY_DB" "$1"; }
"$GS" init >/dev/null

# ---- form add seeds an empty table from the form's list, and says so
run "$GS" form add "$S"
status "form add into an empty units table" 0
has "... says the table was filled from the form's list" "$T/out" \
    "the units table was empty: 40 units stored from the form's list 'units'"
same "... the 40 units of the form" "$(db 'SELECT count(*) FROM units')" 40
same "... named as the form names them" "$(db "SELECT name FROM units WHERE code = 'U07'")" "市委政策研究室"
run "$GS" unit import "$Q/units-sample.csv"
status "the shipped unit list imports" 0
hasnot "... agreeing with the form: no note" "$T/err" "note"

# ---- unit import by header: code,name,category,headcount (no parent)
printf 'code,name,category,headcount\nU01,市委办公室,党委部门,99\n' >u1.csv
run "$GS" unit import u1.csv
status "unit import code,name,category,headcount" 0
same "... the headcount in headcount" "$(db "SELECT headcount FROM units WHERE code = 'U01'")" 99
same "... nothing in parent" "$(db "SELECT coalesce(parent, '') FROM units WHERE code = 'U01'")" ""
printf 'name,code\n市委组织部,U02\n' >u2.csv
run "$GS" unit import u2.csv
status "columns in another order" 0
same "... a column the file leaves out keeps its stored value" \
    "$(db "SELECT headcount || ' ' || category FROM units WHERE code = 'U02'")" "55 党委部门"
printf 'code,name,headcnt\nU03,x,3\n' >u3.csv
run "$GS" unit import u3.csv
status "an unknown column: refused" 1
has "... named at FILE:LINE:COL, with the nearest name" "$T/err" \
    "u3.csv:1:3: error: unknown column 'headcnt' (did you mean 'headcount'?)"
printf 'code,headcount\nU03,3\n' >u4.csv
run "$GS" unit import u4.csv
status "a missing required column: refused" 1
has "... saying which" "$T/err" "u4.csv:1: error: the header has no column 'name'; code and name are required"
same "nothing stored from either" "$(db "SELECT name || headcount FROM units WHERE code = 'U03'")" "市委宣传部46"

# ---- the table and the form disagree: U07 renamed, A01 added
CU=$("$GS" token issue --form staff-opinion --count 1 2>/dev/null | sed -n 2p | cut -d, -f1)
check "while they agree, codes are issued" test -n "$CU"
printf 'code,name\nU07,市政策研究中心\nA01,新设单位\n' >ren.csv
run "$GS" unit import ren.csv
status "unit import of names the form does not have" 0
has "... notes that the form's list now differs" "$T/err" \
    "note: the unit list of form staff-opinion differs from the units table now"
run "$GS" token issue --form staff-opinion --unit U07 --count 3
status "token issue for a form whose list differs: refused" 1
has "... one message naming the form and the question" "$T/err" \
    "the units of its question 'unit' (list 'units') and the units table differ in 2 units:"
has "... the renamed unit" "$T/err" "U07: the form names it '市委政策研究室', the units table '市政策研究中心'"
has "... the unit only the table has" "$T/err" "A01 (新设单位): in the units table, not in the form's list"
has "... and what to do" "$T/err" "Make them one list: correct the list 'units'"
same "... no code stored" "$(db 'SELECT count(*) FROM tokens')" 1
run "$GS" form add "$S"
status "form add of a form whose list differs: refused" 1
has "... with the same differences" "$T/err" "U07: the form names it '市委政策研究室', the units table '市政策研究中心'"
sed 's/^,units,U07,市委政策研究室,[^,]*$/,units,U07,市政策研究中心,Finance Bureau/;
     s/^,staff-opinion,2026112601,/,staff-opinion,2026112602,/' "$S" >fixed.csv
run "$GS" form add fixed.csv
status "a form still lacking A01: refused" 1
has "... for A01 only" "$T/err" "differ in 1 unit:"

# ---- where a unit is chosen: the table's units, under its names
run "$GS" run staff-opinion <<'IN'
A01
IN
has "terminal runner: A01 (only in the table) is a choice" "$T/err" "stdin:2"
hasnot "... and not refused as a unit" "$T/err" "stdin:1"
{ echo U99; } >u99.txt
run "$GS" run staff-opinion <u99.txt
status "a unit the table lacks: refused" 1
has "... at its line" "$T/err" "stdin:1"
if python3 -c 'import pty' 2>/dev/null; then
    printf 'expect 1-41\n' | python3 "$ROOT/tests/cli/ptydrive.py" --name "runner lists 41 units" \
        --log "$T/pty.log" -- env LANG=C.UTF-8 GAPSURVEY_DB="$GAPSURVEY_DB" "$GS" --lang zh run staff-opinion
    has "... U07 under the table's name, in the form's place" "$T/pty.log" "   7 市政策研究中心"
    hasnot "... not the form's" "$T/pty.log" "市委政策研究室"
    has "... A01 after the form's units" "$T/pty.log" "41 新设单位"
    printf 'expect （1-41）\nsend ?\nexpect 41 新设单位\nsend q\n' |
        python3 "$ROOT/tests/cli/ptydrive.py" --name "paper entry: 41 units, A01 the 41st" \
        --log "$T/entry.log" -- env LANG=C.UTF-8 GAPSURVEY_DB="$GAPSURVEY_DB" "$GS" --lang zh \
        run staff-opinion --entry
    has "... U07 under the table's name" "$T/entry.log" "   7 市政策研究中心"
fi
serve_start
fetch zh "$URL/?code=$CU&lang=zh"
has "web: U07 offered under the table's name" "$T/zh.html" '<option value="U07">市政策研究中心</option>'
hasnot "... never the form's old name" "$T/zh.html" "市委政策研究室"
has "... A01 offered" "$T/zh.html" '<option value="A01">新设单位</option>'
fetch en "$URL/?code=$CU&lang=en"
has "web in English: a renamed unit shows the table's name, not the form's translation" \
    "$T/en.html" '<option value="U07">市政策研究中心</option>'
has "... a unit that agrees keeps its English label" "$T/en.html" \
    '<option value="U01">Municipal Party Committee General Office</option>'
CS=$(csrf_of "$T/en.html")
fetch bad "$URL/submit" --data-urlencode code=$CU -d csrf=$CS -d lang=en -d q_unit=U99 -d q_po1=3
has "web: a unit the table lacks is refused" "$T/bad.html" 'id="e-unit"'
fetch good "$URL/submit" --data-urlencode code=$CU -d csrf=$CS -d lang=en -d q_unit=A01 -d q_po1=3
has "web: A01 accepted" "$T/good.html" 'id="thanks"'
serve_kill
same "... stored under A01" "$(db "SELECT u.code FROM responses r JOIN units u ON u.id = r.unit")" A01

# ---- unit remove: a unit responses refer to stays; another goes
run "$GS" unit remove A01
status "unit remove of a unit with a response: refused" 1
has "... saying why" "$T/err" "unit A01 has responses"
printf 'code,name\nA02,临时单位\n' >a2.csv
"$GS" unit import a2.csv >/dev/null 2>&1
run "$GS" unit remove A02
status "unit remove of a unit nothing refers to" 0
same "... gone" "$(db "SELECT count(*) FROM units WHERE code = 'A02'")" 0

# ---- analyze and report name units from the table
export GAPSURVEY_DB="$T/sim.db"
"$GS" init >/dev/null
"$GS" simulate --units 6 --staff 12 --seed 3 >/dev/null 2>&1
printf 'code,name\nU03,市甲局\n' >ren3.csv
"$GS" unit import ren3.csv >/dev/null 2>&1
name_of() { python3 -c 'import json,sys; print([g["name"] for g in json.load(open(sys.argv[1]))["groups"] if g["code"] == "U03"][0])' "$1"; }
"$GS" --lang zh analyze --json >zh.json
same "analyze (zh) names U03 as the table does" "$(name_of zh.json)" "市甲局"
"$GS" --lang en analyze --json >en.json
same "analyze (en): the table's name, not the form's stale English label" "$(name_of en.json)" "市甲局"
same "analyze (en): a unit that agrees keeps the form's English" \
    "$(python3 -c 'import json,sys; print([g["name"] for g in json.load(open(sys.argv[1]))["groups"] if g["code"] == "U01"][0])' en.json)" \
    "Municipal Party Committee General Office"
"$GS" report --no-plots --lang zh --out rep >/dev/null 2>&1
has "report names U03 from the table" rep/report.md "市甲局"
hasnot "... not the form's name" rep/report.md "市委宣传部"
