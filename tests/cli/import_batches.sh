# Every import is a batch (issue 17): `import list` shows id, time, form,
# wave, rows and file; `import undo ID` removes the batch and every answer
# of its responses in one go; the same responses imported again from other
# bytes (CRLF line ends, rows and columns in another order, a workbook) are
# refused unless --again; responses from the terminal belong to no batch.
. "$ROOT/tests/cli/lib.sh"
R="$FIX/rcheck"
"$GS" init >/dev/null
"$GS" form add "$R/staff.csv" >/dev/null
"$GS" unit import "$R/units.csv" >/dev/null
count() { sql "SELECT count(*) FROM $1"; }

run "$GS" import list
status "import list on a new database" 0
has "says there are none" "$T/out" "no imports yet"

cp "$R/staff-responses.csv" first.csv
run "$GS" import first.csv --form rcheck-staff
status "first import" 0
has "names its batch and how to undo it" "$T/out" "import 1 ('gapsurvey import undo 1' removes it)"
answers=$(count answers)

# the same responses under other bytes
sed 's/$/\r/' first.csv > crlf.csv
python3 - first.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
with open("shuffled.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(rows[0][::-1])
    for r in reversed(rows[1:]):
        w.writerow(r[::-1])
PY
/usr/bin/python3 - first.csv <<'PY'
import csv, sys, openpyxl
wb = openpyxl.Workbook()
for r in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    wb.active.append([int(c) if c.isdigit() else c for c in r])
wb.save("first.xlsx")
PY
for f in crlf.csv shuffled.csv first.xlsx; do
    run "$GS" import "$f" --form rcheck-staff
    status "$f: the same responses again are refused" 1
    has "$f: saying which import holds them and what to do" "$T/err" \
        "$f holds the same 108 responses as import 1 (first.csv"
    has "$f: --again" "$T/err" "use --again to import them a second time"
    run "$GS" import "$f" --form rcheck-staff --dry-run
    status "$f: a dry run says so too" 1
done
run "$GS" import first.csv --form rcheck-staff
status "the very same file is refused" 1
has "as the same file" "$T/err" "first.csv was imported into rcheck-staff before (import 1: first.csv"
run "$GS" --lang zh import first.csv --form rcheck-staff
has "in Chinese: file and time with a full-width comma" "$T/err" "（第1次导入：first.csv，20"
same "nothing was added" "$(count responses)" 108
# one row changed is other data
sed '2s/^R1,jr,3/R1,jr,4/' first.csv > changed.csv
run "$GS" import changed.csv --form rcheck-staff --dry-run
status "one answer changed: not the same responses" 0

run "$GS" import shuffled.csv --form rcheck-staff --again
status "--again imports them" 0
has "as import 2" "$T/out" "import 2 ("
same "twice the responses" "$(count responses)" 216

# a response from the terminal is in no batch
printf 'jr\n3\n3\n3\n3\n3\n3\n3\n\n' | "$GS" run rcheck-staff --unit R1 >/dev/null 2>&1
same "the terminal response is stored" "$(count responses)" 217
same "and belongs to no batch" "$(sql "SELECT count(*) FROM responses WHERE source = 'terminal' AND batch IS NULL")" 1

run "$GS" import list
status "import list" 0
same "a header and the two imports" "$(wc -l < "$T/out")" 3
has "the header" "$T/out" "id  imported"
check "import 1: time, form, wave, rows, file" \
    grep -Eq '^ 1  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}  rcheck-staff  2026   108  first.csv$' "$T/out"
check "import 2" grep -Eq '^ 2  .*  rcheck-staff  2026   108  shuffled.csv$' "$T/out"

run "$GS" import undo 2
status "import undo 2" 0
has "says what was removed" "$T/out" "import 2 (shuffled.csv"
has "and how much" "$T/out" "undone: 108 responses removed"
same "its responses are gone" "$(count responses)" 109
same "with their answers (the terminal response's 8 remain)" "$(count answers)" $((answers + 8))
same "no answer is left without its response" "$(sql "SELECT count(*) FROM answers WHERE response NOT IN (SELECT id FROM responses)")" 0
same "the first import's responses are all there" "$(sql "SELECT count(*) FROM responses WHERE batch = 1")" 108
run "$GS" import list
hasnot "the batch is no longer listed" "$T/out" "shuffled.csv"
run "$GS" import undo 2
status "undoing it again: exit 1" 1
has "there is no such import" "$T/err" "there is no import 2"
run "$GS" import undo two
status "undo without a number: usage" 2
# after the undo the data may come in again (the batch is gone)
run "$GS" import shuffled.csv --form rcheck-staff --again
status "imported once more" 0
run "$GS" import undo 1
status "undo the first import" 0
same "only the second copy and the terminal response remain" "$(count responses)" 109
run "$GS" import first.csv --form rcheck-staff
status "the same data is still in import 3: refused" 1
has "naming import 3" "$T/err" "as import 3 (shuffled.csv"
