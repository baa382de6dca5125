# Real public XLSForms (tests/fixtures/xlsform/corpus, see SOURCES.md
# there): each loads, or fails with errors that name the cell and what is
# not supported; none is read silently wrong.  What `form check` says of
# every one is kept in expected.txt; then the forms that lack only the
# settings gapsurvey needs get them, load, and are checked question by
# question.
. "$ROOT/tests/cli/lib.sh"
C="$FIX/xlsform/corpus"
PY=/usr/bin/python3
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=

cp "$C"/*.xlsx .
: > actual.txt
for f in *.xlsx; do
    "$GS" form check "$f" >> actual.txt 2>&1
done
if cmp -s actual.txt "$C/expected.txt"; then
    ok "form check says of every workbook what expected.txt says"
else
    notok "form check output differs from expected.txt"
    diff "$C/expected.txt" actual.txt | sed 's/^/# /' | head -n 30
fi
for f in *.xlsx; do
    if grep -q "^$f: ok: " actual.txt; then
        ok "$f loads"
    elif grep -q "^$f: error: not an XLSForm questionnaire" actual.txt ||
         grep -q "^$f: error: no settings sheet" actual.txt ||
         grep -q "^$f:[A-Za-z_]*!\?[A-Z]*[0-9:]*: error: " actual.txt; then
        ok "$f fails, naming the sheet and cell (or the sheet missing)"
    else
        notok "$f fails without naming where"
    fi
done
has "an unsupported type names itself and its cell" actual.txt "UCL_Biomass_Plot_Form.xlsx:survey!A16: error: type 'select_one_from_file UCL_regions.csv' is not supported"
has "an unsupported function names itself" actual.txt "survey!I10: error: constraint 'regex("
has "a curly quote typed in Excel is pointed at" actual.txt "unexpected curly quote '‘'; use '"
has "a date-formatted cell is read as the date it shows" actual.txt "xl_date_ambiguous_v1.xlsx: ok: XLDateAmbiguous-v1"
has "media is refused at its cell" actual.txt "xlsform_spec_test.xlsx:choices!D4: error: media ('a.jpg') is not supported"
has "a workbook without a survey sheet says so" actual.txt "survey_no_name.xlsx: error: not an XLSForm questionnaire: the workbook has no sheet named survey"

# ---- with a settings sheet added, the small ones load and read right
$PY - <<'EOF'
import openpyxl
for f in ["yes_or_no_question", "text_and_integer", "specify_other", "field-list"]:
    wb = openpyxl.load_workbook(f + ".xlsx")
    ws = wb.create_sheet("settings")
    ws.append(["form_id", "version", "role"])
    ws.append([f.replace("_", "-"), 1, "staff"])
    wb.save(f + "-set.xlsx")
EOF
export GAPSURVEY_DB="$T/c.db"
"$GS" init >/dev/null
for f in yes_or_no_question text_and_integer specify_other field-list; do
    run "$GS" form add "$f-set.xlsx"
    status "$f with settings: stored" 0
done
items() {   # items FORM: name:type:list of each item, in order
    sqlite3 "$GAPSURVEY_DB" "SELECT group_concat(coalesce(i.name, '') || ':' || i.type || ':' ||
        coalesce(i.list, ''), ' ') FROM items i JOIN forms f ON f.id = i.form
        WHERE f.form_id = '$1' ORDER BY i.pos"
}
same "yes/no question" "$(items yes-or-no-question)" "good_day:select_one:yes_or_no"
same "label:english read as a language, list name as list_name" \
    "$(items text-and-integer)" "your_name:text: your_age:integer:"
same "... its label" "$(sqlite3 "$GAPSURVEY_DB" "SELECT label FROM items WHERE name = 'your_age'")" \
    "How many years old are you?"
same "'or specify other': the list with other, and a text question for it" \
    "$(items specify-other)" "sex:select_one:sexes or_other sex_other:text:"
same "field-list: a group and its question" "$(items field-list)" \
    "name:begin_group: table_list_question:select_one:yes_no :end_group:"
