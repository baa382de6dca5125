# The XLSForm features of round 2 end to end, on one form that uses them
# all (tests/fixtures/xlsform/features.csv): date, range, a choice_filter
# on the answer before, or_other, rank, a default, a read-only question, a
# calculate shown in a note and used in a relevant.  Answered in the
# terminal (scripted) and on the web (curl), exported, imported into a
# fresh store and exported again unchanged; the same form as .xlsx stores
# the same text.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"
F="$FIX/xlsform/features.csv"
FORM=features
. "$ROOT/tests/cli/xlsform_lib.inc"
fresh_db test
status "the form loads" 0
# the form's own unit list (U01, U02) fills the units table: the two are one list

# ---- the terminal: one line per question asked
scripted 'U01\n2026/3/1\n7\na\n3\nGreen tea\n3 1 2\n5\nBusy\nfig\n'
status "answered from a script" 0
same "date kept as ISO" "$(ans when)" 2026-03-01
same "range: a choice of its steps" "$(ans score)" 7
same "or_other: position 3 of the filtered list is 'other'" "$(ans item)" other
same "... and the typed text is kept" "$(ans item_other)" "Green tea"
same "rank: the order given" "$(ans order)" "green red blue"
same "read-only question keeps its default" "$(ans office)" "Main office"
same "calculate stored" "$(ans twice)" 10
same "relevant on a calculation: asked" "$(ans why)" Busy
same "randomized choices answered by name" "$(ans fruit)" fig

# an empty line clears the default; the calculation then has no value and
# the question relevant on it is not asked (no line read for it)
scripted 'U02\n\n\nb\ny1\n1 2 3\n\n\n'
status "defaults cleared, filter of category b" 0
same "visits cleared" "$(ans visits)" ""
same "no calculation without visits" "$(ans twice)" ""
same "the filtered choice" "$(ans item)" y1

n0=$(sql 'SELECT count(*) FROM responses')
refused "a choice the filter does not offer" 'U02\n\n\nb\nx1\n' \
    "... named with its line" "stdin:5: item: 'x1' is not one of the choices"
same "... nothing stored" "$(sql 'SELECT count(*) FROM responses')" "$n0"
refused "a time of day" 'U02\n2026-03-01 09:30\n' \
    "... the date only is kept" "only the date is kept, not the time of day"
refused "a rank with an option twice" 'U02\n\n\na\nx1\n1 1 2\n' \
    "... says so" "'red' is ranked twice (order)"

# ---- export, import into a fresh store, export again
run "$GS" export --form features --format plain -o back1.csv
status "export" 0
head -1 back1.csv | tr ',' '\n' > cols
check "the or_other text and the calculation are columns" grep -qx item_other cols
check "... calculate too" grep -qx twice cols
fresh_db copy
run "$GS" import back1.csv --form features
status "the export imports" 0
"$GS" export --form features --format plain -o back2.csv >/dev/null
check "date, rank, or_other and calculations round-trip exactly" cmp -s back1.csv back2.csv
sed 's/,10,Busy$/,99,Busy/' back1.csv > forged.csv
fresh_db copy2
"$GS" import forged.csv --form features >/dev/null
"$GS" export --form features --format plain -o back3.csv >/dev/null
check "an imported calculate column is computed again, not trusted" cmp -s back1.csv back3.csv
for fmt in xlsx sav dta json; do
    run "$GS" export --form features --format $fmt -o "all.$fmt"
    status "export as $fmt" 0
done

# ---- the same form as an Excel workbook
export GAPSURVEY_DB="$T/test.db"
/usr/bin/python3 "$ROOT/tools/csv2xlsx.py" -o features.xlsx "$F"
run "$GS" form add features.xlsx
has "the workbook stores the same form" "$T/out" "features version 1 already stored"

# ---- the web form
web_open 3
has "date: a date field" "$T/f1.html" 'type="date" placeholder="YYYY-MM-DD" maxlength="10" id="f-when" name="q_when"'
has "range: a row of its steps" "$T/f1.html" 'name="q_score" value="10">'
has "rank: one drop-down per place" "$T/f1.html" '<select id="f-order-2" name="q_order">'
has "default shown" "$T/f1.html" 'name="q_visits" value="3"'
has "read-only shown, not asked" "$T/f1.html" 'Office: <span class="fixed">Main office</span>'
hasnot "... no field for it" "$T/f1.html" 'name="q_office"'
hasnot "calculate: never a field" "$T/f1.html" 'q_twice'
has "or_other: its text question, relevant on 'other'" "$T/f1.html" 'id="q-item_other" data-relevant="selected(${item}, &#39;other&#39;)"'
has "the note shows the calculation (3 visits by default)" "$T/f1.html" "twice the visits is 6."
CS=$(csrf_of "$T/f1.html")
SEED=$(seed_of "$T/f1.html")
fetch bad "$URL/submit" -d code="$C1" -d csrf="$CS" -d lang=en -d seed="$SEED" -d q_when=2026-03-05 \
    -d q_score=9 -d q_cat=a -d q_item=x2 -d q_order=blue -d q_order=red -d q_order= -d q_visits=2
has "a rank with a place left empty is refused" "$T/bad.html" "Please give every option a different place"
has "... the page kept the answers" "$T/bad.html" 'name="q_score" value="9" checked>'
fetch ok "$URL/submit" -d code="$C1" -d csrf="$CS" -d lang=en -d q_when=2026-03-05 \
    -d q_score=9 -d q_cat=a -d q_item=x2 -d q_order=blue -d q_order=red -d q_order=green \
    -d q_visits=2 -d q_office=forged
has "a full answer is thanked" "$T/ok.html" "Thank you"
same "web: date" "$(ans when)" 2026-03-05
same "web: rank in the order of the places" "$(ans order)" "blue red green"
same "web: read-only not taken from the page" "$(ans office)" "Main office"
same "web: calculate" "$(ans twice)" 4
C2=$(code 2)
fetch f2 "$URL/?code=$C2&lang=en"
C3=$(code 3)
fetch f3 "$URL/?code=$C3&lang=en"
fruits() { grep -o 'name="q_fruit" value="[a-z]*"' "$1" | sed 's/.*value="//; s/"//' | tr '\n' ' '; }
check "randomize: every fruit on the page" [ "$(fruits "$T/f1.html" | wc -w)" -eq 6 ]
check "randomize: the three pages do not all show one order" \
    [ "$(printf '%s\n%s\n%s\n' "$(fruits "$T/f1.html")" "$(fruits "$T/f2.html")" \
        "$(fruits "$T/f3.html")" | sort -u | wc -l)" -gt 1 ]
has "the order's seed travels in the page" "$T/f1.html" 'name="seed" value="'
check "... and in the page shown again after an error, the same order" \
    [ "$(fruits "$T/bad.html")" = "$(fruits "$T/f1.html")" ]
same "no column of the store holds the seed" \
    "$(sql "SELECT count(*) FROM pragma_table_info('responses') WHERE name LIKE '%seed%'")" 0
CS=$(csrf_of "$T/f2.html")
fetch flt "$URL/submit" -d code="$C2" -d csrf="$CS" -d lang=en -d q_cat=b -d q_item=x1 \
    -d q_order=blue -d q_order=red -d q_order=green
has "web: a choice the filter does not offer is refused" "$T/flt.html" 'id="e-item"'
serve_kill
