# Errors that say what to do (issue 17), on real files: an .xlsx response
# file is read (its first sheet; positions as Sheet!C12), an .xls or a zip
# that is no workbook is named as what it is (never "byte 0x9E is neither
# UTF-8 nor GB18030" or "NUL byte"); a GB18030 BOM is recognised, with or
# without --encoding gb18030; GB18030 text behind a UTF-8 BOM points to
# --encoding gb18030; the same problem on many rows is one line with the
# row list; `export --labels` output imports again (labels in any of the
# form's languages, said once); a typo in a choice list name is one error
# with the list it was probably meant to be.
. "$ROOT/tests/cli/lib.sh"
R="$FIX/rcheck"
PY=/usr/bin/python3
"$GS" init >/dev/null
"$GS" form add "$R/staff.csv" >/dev/null
"$GS" unit import "$R/units.csv" >/dev/null

# ---- workbooks where CSV was expected ----
$PY - "$R/staff-responses.csv" <<'PY'
import csv, sys, openpyxl
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
def book(name, rows, title="Responses"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        # codes typed as numbers, as Excel stores them
        ws.append([int(c) if c.isdigit() else c for c in r])
    wb.save(name)
book("resp.xlsx", rows)
bad = [list(r) for r in rows]
for i in (3, 4, 5, 9):
    bad[i][0] = "ZZ"
bad[7][3] = "9"
book("bad.xlsx", bad)
book("units.xlsx", [["code", "name"], ["R9", "Unit Nine"]])
PY
run "$GS" import bad.xlsx --form rcheck-staff
status "a bad .xlsx: exit 1" 1
has "problems named by sheet and cell, one line for four rows" "$T/err" \
    "bad.xlsx:Responses!A4: unit 'ZZ' is not known; add it with 'gapsurvey unit import' or use --create-units (the same in 4 rows: 4-6, 10)"
has "a cell of another column" "$T/err" "bad.xlsx:Responses!D8: '9' is not a choice of a2"
same "one line per problem kind" "$(grep -c 'bad.xlsx:Responses!' "$T/err")" 2
run "$GS" import resp.xlsx --form rcheck-staff
status "an .xlsx response file imports" 0
has "says it read the sheet" "$T/out" "108 responses imported into rcheck-staff"
same "every row stored" "$(sql 'SELECT count(*) FROM responses')" 108
"$GS" export --form rcheck-staff --format plain -o from-xlsx.csv >/dev/null
check "the workbook's data equal the CSV's" samerows from-xlsx.csv "$R/staff-responses.csv"

printf '\320\317\021\340\241\261\032\341rest of an old workbook' > old.xls
run "$GS" import old.xls --form rcheck-staff
status "an .xls: exit 1" 1
has "an .xls is named as such" "$T/err" "old.xls: an Excel 97-2003 workbook (.xls)"
has "and what to do" "$T/err" "save it as an Excel workbook (.xlsx)"
printf 'PK\003\004\024\000\006\000\236\000not really a workbook' > data.csv
run "$GS" import data.csv --form rcheck-staff
status "a zip named .csv: exit 1" 1
has "a zip that is no workbook says so" "$T/err" "data.csv: a zip archive that is not an Excel workbook"
hasnot "no word of bytes" "$T/err" "neither UTF-8 nor GB18030"
hasnot "no word of NUL bytes" "$T/err" "NUL byte"
run "$GS" unit import units.xlsx
status "unit import of a workbook: exit 1" 1
has "the shared reader names a workbook" "$T/err" "this is an Excel workbook (.xlsx) or another zip archive, not a CSV text file"
hasnot "unit import: no word of bytes" "$T/err" "neither UTF-8 nor GB18030"

# ---- byte-order marks ----
printf 'unit,level,a1,comment\nR1,jr,3,很好\nR2,sr,4,不错\n' > u8.csv
{ printf '\204\061\225\063'; iconv -f UTF-8 -t GB18030 u8.csv; } > gbbom.csv
{ printf '\357\273\277'; iconv -f UTF-8 -t GB18030 u8.csv; } > u8bom-gb.csv
for enc in auto gb18030; do
    run "$GS" import gbbom.csv --form rcheck-staff --dry-run --encoding "$enc"
    status "GB18030 with its BOM, --encoding $enc" 0
    has "GB18030 with its BOM, --encoding $enc: both rows valid" "$T/out" "2 responses are valid"
done
run "$GS" import gbbom.csv --form rcheck-staff --dry-run --encoding utf-8
status "GB18030 BOM read as UTF-8: exit 1" 1
has "GB18030 BOM read as UTF-8: says what it is" "$T/err" "gbbom.csv:1:1: the file starts with the GB18030 byte-order mark"
run "$GS" import u8bom-gb.csv --form rcheck-staff --dry-run
status "GB18030 behind a UTF-8 BOM: exit 1" 1
has "GB18030 behind a UTF-8 BOM: points to --encoding gb18030" "$T/err" "looks like GB18030 (as Chinese Excel and WPS save it): give --encoding gb18030"
run "$GS" import u8bom-gb.csv --form rcheck-staff --encoding gb18030
status "and --encoding gb18030 reads it" 0
same "with its Chinese text" "$(sql "SELECT a.text FROM answers a JOIN items i ON i.id = a.item WHERE i.name = 'comment' AND a.text = '很好'")" "很好"

# ---- the same problem on many rows: one line ----
{
    echo "unit,level,a1"
    for i in $(seq 2 24); do echo "ZZ,jr,3"; done
    for i in $(seq 25 30); do echo "R1,jr,3"; done
    echo "ZZ,jr,3"
    echo "R1,mid,3"
} > many.csv
run "$GS" import many.csv --form rcheck-staff
status "many bad rows: exit 1" 1
has "23 + 1 rows of one unknown unit: one line with the rows" "$T/err" \
    "many.csv:2:1: unit 'ZZ' is not known; add it with 'gapsurvey unit import' or use --create-units (the same in 24 rows: 2-24, 31)"
has "another problem keeps its own line" "$T/err" "many.csv:32:2: 'mid' is not a choice of level"
same "two problem lines and the summary" "$(wc -l < "$T/err")" 3
has "the summary still counts every problem" "$T/err" "nothing imported: 25 problems"
{
    echo "unit,level,a1"
    for i in $(seq 2 400); do echo "R1,jr,$((i % 2 * 7))"; done
} > long.csv
run "$GS" import long.csv --form rcheck-staff
has "a long row list is cut" "$T/err" "long.csv:2:3: '0' is not a choice of a1 (choices: 1 2 3 4 5) (the same in 200 rows: 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, ...)"

# ---- export --labels imports again ----
"$GS" export --form rcheck-staff --format csv --labels -o labels.csv >/dev/null
"$GS" export --form rcheck-staff --format plain -o names.csv >/dev/null
has "the export holds labels" labels.csv "Neither agree nor disagree"
GAPSURVEY_DB="$T/second.db" "$GS" init >/dev/null
GAPSURVEY_DB="$T/second.db" "$GS" form add "$R/staff.csv" >/dev/null
GAPSURVEY_DB="$T/second.db" "$GS" unit import "$R/units.csv" >/dev/null
GAPSURVEY_DB="$T/second.db" run "$GS" import labels.csv --form rcheck-staff
status "export --labels output imports" 0
cells=$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
print(sum(1 for r in rows[1:] for c in r[1:9] if c))' names.csv)
has "says once how many cells were labels" "$T/out" "labels.csv: $cells cells held choice labels instead of names and were read as those choices, e.g. '"
GAPSURVEY_DB="$T/second.db" "$GS" export --form rcheck-staff --format plain -o again.csv >/dev/null
check "the same data as before the labels" samerows again.csv names.csv

# labels in any of the form's languages; a select_multiple's joined by "; "
cat > zh.csv <<'CSV'
survey,,,,
,type,name,label::Chinese (zh),label::English (en)
,select_one agree3,q1,认同吗,Agree?
,select_multiple topics,q2,主题,Topics
choices,,,,
,list_name,name,label::Chinese (zh),label::English (en)
,agree3,1,不同意,Disagree
,agree3,2,一般,Neutral
,agree3,3,同意,Agree
,topics,study,学习,Study
,topics,care,关爱,Care
settings,,,,
,form_id,version,default_language,role
,zhmini,1,Chinese (zh),staff
CSV
"$GS" form add zh.csv >/dev/null
printf 'unit,q1,q2\nR1,同意,学习; 关爱\nR1,Disagree,Care\nR2,2,study\nR2,同意吗,\n' > zhlab.csv
run "$GS" import zhlab.csv --form zhmini
status "a label that names no choice is still an error" 1
has "and says so" "$T/err" "zhlab.csv:5:2: '同意吗' is not a choice of q1"
sed -i '$d' zhlab.csv
run "$GS" --lang zh import zhlab.csv --form zhmini --dry-run
has "in Chinese, the example quoted as Chinese quotes it" "$T/out" "例如“同意” = 3（q1）"
run "$GS" import zhlab.csv --form zhmini
status "labels in Chinese and English" 0
has "four cells were labels" "$T/out" "zhlab.csv: 4 cells held choice labels instead of names and were read as those choices, e.g. '同意' = 3 (q1)"
same "stored as the choices they name" "$(sql "SELECT a.text FROM answers a JOIN items i ON i.id = a.item JOIN forms f ON f.id = i.form WHERE f.form_id = 'zhmini' ORDER BY i.name, a.text" | paste -sd'|' -)" "1|2|3|care|study|study care"

# ---- a typo in a choice list name: one error, with the list meant ----
sed 's/select_one agree5/select_one agre5/' "$Q/staff-opinion.csv" > typo.csv
uses=$(grep -c 'select_one agre5' typo.csv)
line=$(grep -n '^,agree5,' typo.csv | head -n 1 | cut -d: -f1)
run "$GS" form check typo.csv
status "form check: exit 1" 1
same "one error line, not one per question" "$(grep -c 'agre5' "$T/err")" 1
has "it names the list meant and where it is" "$T/err" "choice list 'agre5' is not defined in the choices sheet (did you mean 'agree5', line $line?); $uses questions use it"
hasnot "no empty-dimension warnings on top" "$T/err" "has no items"
same "no other error from it (the outcome 'overall' is on that list: not 'not numeric')" \
    "$(grep -c ': error: ' "$T/err")" 1
