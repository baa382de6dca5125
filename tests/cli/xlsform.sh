# XLSForms as Excel workbooks (.xlsx): every shipped questionnaire is
# converted with openpyxl (tools/csv2xlsx.py) and must store the same form
# as its CSV ("already stored" on adding the second, the same `form list`,
# the same export of the same answers); the shipped .xlsx copies are
# current; `form check` on files that are no workbook, or a workbook
# without a survey sheet, says so; errors name sheet and cell (survey!C12).
. "$ROOT/tests/cli/lib.sh"
PY=/usr/bin/python3
CONV="$ROOT/tools/csv2xlsx.py"

for name in staff-opinion five-type-self-assessment; do
    $PY "$CONV" -o "$name.xlsx" "$Q/$name.csv"
    run "$GS" form check "$name.xlsx"
    status "$name.xlsx: form check" 0
    has "$name.xlsx: ok line" "$T/out" "$name.xlsx: ok: "

    # the CSV first, then the workbook: the same stored text
    export GAPSURVEY_DB="$T/$name-a.db"
    "$GS" init >/dev/null
    "$GS" form add "$Q/$name.csv" >/dev/null
    run "$GS" form add "$name.xlsx"
    status "$name: form add of the workbook after the CSV" 0
    has "$name: the workbook is the form already stored" "$T/out" "already stored"

    # each alone in its own store: the same list, the same export of the
    # same answers (imported from one export into both)
    export GAPSURVEY_DB="$T/$name-b.db"
    "$GS" init >/dev/null
    "$GS" form add "$name.xlsx" >/dev/null
    "$GS" unit import "$Q/units-sample.csv" >/dev/null
    export GAPSURVEY_DB="$T/$name-a.db"
    "$GS" unit import "$Q/units-sample.csv" >/dev/null
    "$GS" form list | sed 's/  *[0-9]* *[^ ]*$//' > list-a
    export GAPSURVEY_DB="$T/$name-b.db"
    "$GS" form list | sed 's/  *[0-9]* *[^ ]*$//' > list-b
    check "$name: form list the same" cmp -s list-a list-b
done

# the same answers into both stores of the staff form, exported again
export GAPSURVEY_DB="$T/sim.db"
"$GS" init >/dev/null
"$GS" simulate --units 3 --staff 8 --seed 5 >/dev/null
"$GS" export --form staff-opinion --format plain -o sim.csv >/dev/null
for db in a b; do
    export GAPSURVEY_DB="$T/staff-opinion-$db.db"
    "$GS" import sim.csv --form staff-opinion >/dev/null
    "$GS" export --form staff-opinion --format plain -o "back-$db.csv" >/dev/null
done
# exports are ordered by unit, then by the random response id: compare as sets
for f in sim back-a back-b; do sort "$f.csv" > "$f.sorted"; done
check "staff: CSV form and workbook form export the same answers alike" cmp -s back-a.sorted back-b.sorted
check "... and the export is the simulated one" cmp -s sim.sorted back-a.sorted

# the shipped workbooks are current: each stores what its CSV stores
for name in staff-opinion five-type-self-assessment; do
    export GAPSURVEY_DB="$T/ship-$name.db"
    "$GS" init >/dev/null
    "$GS" form add "$Q/$name.csv" >/dev/null
    run "$GS" form add "$Q/$name.xlsx"
    has "questionnaires/$name.xlsx is current (make questionnaires)" "$T/out" "already stored"
done

# ---- files that are not what they are called
printf 'survey,,\n,type,name\n' > plain.xlsx
run "$GS" form check plain.xlsx
status "a CSV called .xlsx is read as the CSV it is" 1
hasnot "... without a workbook message" "$T/err" "workbook"
printf 'PK\003\004broken' > broken.xlsx
run "$GS" form check broken.xlsx
status "a broken zip fails" 1
has "... saying it is no workbook" "$T/err" "broken.xlsx: error: not an .xlsx workbook: "
$PY - <<'EOF'
import zipfile
with zipfile.ZipFile("doc.xlsx", "w") as z:
    z.writestr("word/document.xml", "<w/>")
EOF
run "$GS" form check doc.xlsx
status "a zip that is no workbook fails" 1
has "... naming what is missing" "$T/err" "doc.xlsx: error: a zip archive but not an .xlsx workbook (it has no xl/workbook.xml)"
printf '\320\317\021\340\241\261\032\341rest' > old.xls
run "$GS" form check old.xls
status "an .xls (or password-protected workbook) fails" 1
has "... saying to save it as .xlsx" "$T/err" "old.xls: error: an Excel 97-2003 workbook (.xls) or one saved with a password"

# ---- a workbook as an author makes it: errors name sheet and cell
$PY - <<'EOF'
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "choices"
for row in [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"],
            ["agree", 1, "low"], ["agree", 2.0, "high"]]:
    ws.append(row)
ws = wb.create_sheet("survey")
for row in [["type", "name", "label", "required"], ["select_one yn", "a", "A?", True],
            [], ["select_one agree", "b", "B?", False], ["selct_one yn", "c", "C?"]]:
    ws.append(row)
ws.merge_cells("C2:D2")
wb.create_sheet("settings").append(["form_id", "version", "role"])
wb["settings"].append(["wb", 2026120101, "staff"])
wb.create_sheet("Sheet9")
wb.save("author.xlsx")
del wb["survey"]
wb.save("nosurvey.xlsx")
EOF
run "$GS" form check author.xlsx
status "a workbook with a mistake fails" 1
has "the error names the sheet and cell" "$T/err" "author.xlsx:survey!A5: error: unknown type 'selct_one yn'; did you mean 'select_one'?"
$PY - <<'EOF'
import openpyxl
wb = openpyxl.load_workbook("author.xlsx")
wb["survey"]["A5"] = "select_one yn"
wb.save("author.xlsx")
EOF
run "$GS" form check author.xlsx
status "fixed, it loads (merged cells, booleans, 2.0 for a choice 2, an empty sheet)" 0
has "... with its questions" "$T/out" "author.xlsx: ok: wb version 2026120101, role staff, 3 questions"
export GAPSURVEY_DB="$T/author.db"
"$GS" init >/dev/null
"$GS" form add author.xlsx >/dev/null
sqlite3 "$GAPSURVEY_DB" "SELECT name FROM choices WHERE list = 'agree' ORDER BY pos" | tr '\n' ' ' > names
same "numbers as Excel stores them: 1 and 2, not 1.0 and 2.0" "$(cat names)" "1 2 "
run "$GS" form check nosurvey.xlsx
status "a workbook without a survey sheet fails" 1
has "... saying which sheet is missing" "$T/err" "nosurvey.xlsx: error: the workbook has no sheet named survey; rename the sheet that lists the questions to survey"
