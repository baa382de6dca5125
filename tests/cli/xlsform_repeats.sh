# Repeats (begin_repeat/end_repeat) end to end, on
# tests/fixtures/xlsform/repeats.csv: a list of events the respondent adds
# to (asked "add one?"), a list of children as many as an earlier answer
# says (repeat_count), a calculation summing the events' points.  The
# terminal (scripted), the web form without script (add and remove by
# sending the page), and the export: a main table with _index and one
# table per repeat, a row per instance, in every format (sav and dta: a
# second file).
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"
F="$FIX/xlsform/repeats.csv"
FORM=repeats
. "$ROOT/tests/cli/xlsform_lib.inc"
fresh_db test
# the form's own unit list (U01, U02) fills the units table: the two are one list

# ---- the terminal: y/n at the events, two children from n = 2
scripted 'U01\n2\ny\nAward\n2026/1/5\n2\ny\nnone\n\nn\n7\n9\nfine\n'
status "answered from a script" 0
same "the events, stored as one table" "$(ans ev)" "what,when,pts
Award,2026-01-05,2
none,,"
same "the children, as many as n" "$(ans kid)" "age
7
9"
same "a calculation over the instances" "$(ans total)" 2
same "a label shows it" "$(ans last)" fine
same "a repeated question is not stored on its own" "$(ans what)" ""
scripted 'U02\n0\nn\nnothing\n'
status "no events, no children" 0
same "no value for an empty repeat" "$(ans ev)" ""
refused "a required question inside an instance" 'U02\n1\ny\n\n' \
    "... named with its line" "stdin:4: what: This question must be answered."
refused "neither y nor n at 'add one?'" 'U02\n1\nmaybe\n' \
    "... says what to type" "Type y to add one, or n to go on."

# ---- export: a table per repeat
run "$GS" export --form repeats --format plain -o out.csv
status "export plain" 0
has "names the repeats' files" "$T/out" "the repeats' rows, one per instance: out-ev.csv, out-kid.csv"
same "main table: _index first, no repeated question" "$(head -1 out.csv)" "unit,_index,n,total,last"
same "events table" "$(cat out-ev.csv)" "unit,_parent_index,_index,what,when,pts
U01,1,1,Award,2026-01-05,2
U01,1,2,none,,"
same "children table" "$(cat out-kid.csv)" "unit,_parent_index,_index,age
U01,1,1,7
U01,1,2,9"
for fmt in csv json xlsx sav dta; do
    run "$GS" export --form repeats --format $fmt -o "all.$fmt"
    status "export as $fmt" 0
    check "... with the events beside it" [ -s "all-ev.$fmt" ]
done
check "json: the events as rows" grep -q '"_parent_index":1,"_index":2,"what":"none"' all-ev.json
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(haven)' >/dev/null 2>&1; then
    out=$(Rscript -e 'x <- haven::read_sav("all-ev.sav"); cat(nrow(x), names(x))' 2>&1)
    same "sav: the events file reads back" "$out" "2 unit v_parent_index v_index what when pts"
else
    ok "sav: R haven not installed; the C tests read sav back"
fi
run "$GS" export --form repeats --format plain
status "to standard output: refused, the repeats need files" 1
has "... saying so" "$T/err" "form repeats has repeats, which are written as files of their own"
fresh_db copy
run "$GS" import out.csv --form repeats
status "the main table imports (its _index passed over)" 0
run "$GS" import out-ev.csv --form repeats
status "a repeat's table does not import as responses" 1
has "... saying why" "$T/err" "is a question of repeat 'ev', whose rows are not imported"
export GAPSURVEY_DB="$T/test.db"

# ---- the web form, no script
web_open 2
has "no event yet, a button to add one" "$T/f1.html" 'name="add_ev" value="Add one">'
has "the number of events travels in the page" "$T/f1.html" 'name="n_ev" value="0">'
CS=$(csrf_of "$T/f1.html")
SEED=$(seed_of "$T/f1.html")
post() { n=$1; shift; fetch "$n" "$URL/submit" -d code="$C1" -d csrf="$CS" -d lang=en -d seed="$SEED" "$@"; }
post a1 -d q_n=1 -d n_ev=0 -d n_kid=0 -d add_ev=x
has "add: the page again, with one event" "$T/a1.html" 'name="n_ev" value="1">'
has "... its questions named by instance" "$T/a1.html" 'name="q_what#1"'
has "... n = 1 gives one child" "$T/a1.html" 'name="q_age#1"'
has "... the answer given is kept" "$T/a1.html" 'name="q_n" value="1"'
hasnot "nothing stored yet" "$T/a1.html" "Thank you"
post a2 -d q_n=1 -d n_ev=1 -d n_kid=1 -d 'q_what#1=Award' -d add_ev=x
has "add again: two events" "$T/a2.html" 'name="n_ev" value="2">'
has "... the first one kept" "$T/a2.html" 'name="q_what#1">Award</textarea>'
post a3 -d q_n=1 -d n_ev=2 -d n_kid=1 -d 'q_what#1=Award' -d 'q_what#2=Fine' -d del_ev_1=x
has "remove the first: one left" "$T/a3.html" 'name="n_ev" value="1">'
has "... the second is now the first" "$T/a3.html" 'name="q_what#1">Fine</textarea>'
post e1 -d q_n=1 -d n_ev=1 -d n_kid=1 -d 'q_what#1=' -d 'q_age#1=3'
has "a required question left empty in an instance" "$T/e1.html" 'id="e-what#1"'
post s1 -d q_n=1 -d n_ev=1 -d n_kid=1 -d 'q_what#1=Fine' -d 'q_when#1=2026-02-03' \
    -d 'q_pts#1=4' -d 'q_age#1=3' -d q_last=ok
has "submitted" "$T/s1.html" "Thank you"
same "web: the event stored" "$(ans ev)" "what,when,pts
Fine,2026-02-03,4"
same "web: the child" "$(ans kid)" "age
3"
same "web: the calculation" "$(ans total)" 4
serve_kill
