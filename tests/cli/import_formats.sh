# import from other platforms: KoboToolbox, ODK Central and 问卷星 (wjx)
# exports of the staff form and of a small form with select_multiple, in
# UTF-8, UTF-8 with BOM and GB18030, must import to exactly the data of the
# plain CSV they were made from (tests/fixtures/import/make_fixtures.py
# writes them from that CSV and the XLSForm, independently of the C
# reader); checked by exporting plain after each import.  Then the
# malformed variants: every bad cell named as FILE:ROW:COLUMN, the database
# byte-for-byte unchanged; --skip-invalid and its reject file; --encoding,
# --format, --unit-column; a repeated import; the progress bar only on a
# terminal; nothing of the platforms' times and IPs stored.
. "$ROOT/tests/cli/lib.sh"
I="$FIX/import"

# fresh NAME FORMFILE: a new database with the form and the sample units
fresh() {
    export GAPSURVEY_DB="$T/$1.db"
    rm -f "$GAPSURVEY_DB"*
    "$GS" init >/dev/null
    "$GS" form add "$2" >/dev/null
    "$GS" unit import "$Q/units-sample.csv" >/dev/null
}
dbsum() {
    sqlite3 "$GAPSURVEY_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    sha256sum "$GAPSURVEY_DB" | cut -d' ' -f1
}

# imports FIXTURE (auto format and encoding) and compares the plain export
# with the plain CSV; $2 the form file, $3 its id, $4 the plain CSV, $5 what
# the import must say it read the file as
same_data() {
    fresh "$1" "$2"
    run "$GS" import "$I/$1.csv" --form "$3"
    status "$1: imports" 0
    has "$1: read as $5" "$T/out" "$5"
    "$GS" export --form "$3" --format plain -o "$T/$1.plain" >/dev/null
    if samerows "$T/$1.plain" "$4"; then ok "$1: same data as the plain CSV"; else
        notok "$1: same data as the plain CSV"; diff "$T/$1.plain" "$4" | head -n 10 | sed 's/^/# /'; fi
}

S="$Q/staff-opinion.csv"
SP="$I/staff-plain.csv"
same_data staff-plain "$S" staff-opinion "$SP" "31 responses imported into staff-opinion"
# the Done-when files: KoboToolbox and 问卷星, in GB18030 and in UTF-8 with BOM
same_data kobo-staff-gb18030 "$S" staff-opinion "$SP" "(read as kobo, gb18030)"
same_data kobo-staff-bom "$S" staff-opinion "$SP" "(read as kobo, utf-8)"
same_data wjx-staff-gb18030 "$S" staff-opinion "$SP" "(read as wjx, gb18030)"
same_data wjx-staff-bom "$S" staff-opinion "$SP" "(read as wjx, utf-8)"
same_data kobo-staff-utf8 "$S" staff-opinion "$SP" "(read as kobo, utf-8)"
same_data odk-staff "$S" staff-opinion "$SP" "(read as kobo, utf-8)"
same_data wjx-staff-text-bom "$S" staff-opinion "$SP" "(read as wjx, utf-8)"
same_data wjx-staff-text-gb18030 "$S" staff-opinion "$SP" "(read as wjx, gb18030)"
same_data wjx-staff-flat "$S" staff-opinion "$SP" "(read as wjx, utf-8)"

M="$I/mini-form.csv"
MP="$I/mini-plain.csv"
same_data mini-plain "$M" mini-multi "$MP" "6 responses imported into mini-multi"
same_data kobo-mini "$M" mini-multi "$MP" "(read as kobo, utf-8)"
same_data odk-mini "$M" mini-multi "$MP" "(read as kobo, utf-8)"
same_data wjx-mini-gb18030 "$M" mini-multi "$MP" "(read as wjx, gb18030)"
same_data wjx-mini-text "$M" mini-multi "$MP" "(read as wjx, utf-8)"

# anonymity: the platforms' submission times, durations, IPs and ids are dropped
fresh anon "$S"
"$GS" import "$I/wjx-staff-gb18030.csv" --form staff-opinion >/dev/null
# the same responses as the first file: --again, or they would be refused
"$GS" import "$I/kobo-staff-utf8.csv" --form staff-opinion --again >/dev/null
dump=$(sqlite3 "$GAPSURVEY_DB" .dump)
case "$dump" in *58.20.*|*2026/11/1*|*T08:0*|*uuid*|*秒*) notok "no IP, time or id stored" ;;
    *) ok "no IP, time or id stored" ;; esac

# explicit --format and --encoding
fresh opts "$S"
run "$GS" import "$I/wjx-staff-bom.csv" --form staff-opinion --format wjx --encoding utf-8 --dry-run
status "--format wjx --encoding utf-8" 0
run "$GS" import "$I/wjx-staff-gb18030.csv" --form staff-opinion --encoding gbk --dry-run
status "--encoding gbk" 0
run "$GS" import "$I/wjx-staff-gb18030.csv" --form staff-opinion --encoding utf-8
status "GB18030 read as UTF-8 is refused" 1
has "names the first bad byte" "$T/err" "wjx-staff-gb18030.csv:1:1: invalid UTF-8 byte 0xD0"
run "$GS" import "$I/kobo-staff-utf8.csv" --form staff-opinion --format plain
status "a Kobo file read as plain is refused" 1
has "plain names the group path column" "$T/err" "kobo-staff-utf8.csv:1:4: column 'g_background/position' is not a question of staff-opinion"
run "$GS" import "$I/kobo-staff-utf8.csv" --form staff-opinion --format sps
status "unknown --format" 2
has "lists the formats" "$T/err" "--format takes auto, plain, kobo or wjx, not 'sps'"

# the same data again, in another encoding, is the same import
run "$GS" import "$I/kobo-staff-gb18030.csv" --form staff-opinion
status "first import" 0
run "$GS" import "$I/kobo-staff-bom.csv" --form staff-opinion
status "the same data as UTF-8 with BOM is refused" 1
has "says it was imported before" "$T/err" "was imported into staff-opinion before (import 1: "
has "and what to do" "$T/err" "use --again to import it a second time"
run "$GS" import "$I/kobo-staff-bom.csv" --form staff-opinion --again
status "--again imports it" 0
same "62 responses" "$(sqlite3 "$GAPSURVEY_DB" 'SELECT count(*) FROM responses')" 62

# malformed variants: every bad cell named, nothing stored
# bad NAME FORM: imports $I/NAME.csv, expects exit 1 and an unchanged database
bad() {
    before=$(dbsum)
    run "$GS" import "$I/$1.csv" --form "$2"
    status "$1: refused" 1
    same "$1: database byte-for-byte unchanged" "$(dbsum)" "$before"
}
fresh badstaff "$S"
"$GS" import "$SP" --form staff-opinion >/dev/null
bad bad-kobo-staff staff-opinion
has "kobo: unknown group path" "$T/err" "bad-kobo-staff.csv:1:11: column 'g_political/po9' is not a question of staff-opinion"
has "kobo: value not a choice" "$T/err" "bad-kobo-staff.csv:3:7: '6' is not a choice of po1"
has "kobo: unit not a choice" "$T/err" "bad-kobo-staff.csv:4:3: 'U99' is not a choice of unit"
hasnot "kobo: no second message for that unit" "$T/err" "bad-kobo-staff.csv:4:3: the unit is empty"
has "kobo: text in a Likert item" "$T/err" "bad-kobo-staff.csv:5:18: 'abc' is not a choice of ef2"
has "kobo: bad background answer" "$T/err" "bad-kobo-staff.csv:6:4: 'chief' is not a choice of position"
has "kobo: value without a header" "$T/err" "bad-kobo-staff.csv:7:57: value 'extra' in a column without a header"
has "kobo: summary" "$T/err" "nothing imported: 6 problems"
bad bad-wjx-staff staff-opinion
has "wjx: unknown question after a matrix" "$T/err" "bad-wjx-staff.csv:1:51: column '99、不存在的问题' matches no question of staff-opinion by its text, and after a matrix question"
has "wjx: option number out of range in a matrix row" "$T/err" "bad-wjx-staff.csv:2:11: '7' is not an option of po1: give its number (1-5) or its text"
has "wjx: text that is no option" "$T/err" "bad-wjx-staff.csv:3:8: '非常好' is not an option of position"
has "wjx: unit number out of range" "$T/err" "bad-wjx-staff.csv:4:7: '41' is not an option of unit: give its number (1-40)"
has "wjx: summary" "$T/err" "nothing imported: 4 problems"
bad bad-wjx-staff-text staff-opinion
has "wjx by text: unknown option text" "$T/err" "bad-wjx-staff-text.csv:2:9: '也许' is not an option of party"
bad bad-bytes-gb18030 staff-opinion
has "a byte neither UTF-8 nor GB18030, by line and character" "$T/err" "bad-bytes-gb18030.csv:5:3: byte 0x81 is neither UTF-8 nor GB18030; save the file as UTF-8"
bad bad-bytes-bom staff-opinion
has "a bad byte after a BOM" "$T/err" "bad-bytes-bom.csv:3:31: invalid UTF-8 byte 0xFF after a UTF-8 BOM"
fresh badmini "$M"
"$GS" import "$MP" --form mini-multi >/dev/null
bad bad-kobo-mini mini-multi
has "kobo: option column not 0/1" "$T/err" "bad-kobo-mini.csv:2:5: 'x' is not 1 or 0 (option plan of topics)"
has "kobo: option column disagrees with the summary" "$T/err" "bad-kobo-mini.csv:3:6: option care of topics is 1 here but column 3 says 'plan'"
has "kobo: constraint with its message and value" "$T/err" "bad-kobo-mini.csv:4:8: years: 工龄应在0到50之间 (value '70')"
has "kobo: select_multiple name not a choice" "$T/err" "bad-kobo-mini.csv:5:3: 'dance' is not a choice of topics"
bad bad-wjx-mini-text mini-multi
has "wjx: one of several options unknown" "$T/err" "bad-wjx-mini-text.csv:2:8: '跳舞' is not an option of topics"
has "wjx: not a whole number" "$T/err" "bad-wjx-mini-text.csv:3:9: '三年' is not a whole number (years)"
bad bad-cut-gb18030 mini-multi
has "GB18030 cut in a character at the end" "$T/err" "bad-cut-gb18030.csv:7:86: byte 0xD6 is neither UTF-8 nor GB18030"
before=$(dbsum)
run "$GS" import "$I/bad-cut-gb18030.csv" --form mini-multi --encoding gb18030
has "... and as forced GB18030" "$T/err" "bad-cut-gb18030.csv:7:86: byte 0xD6 is not valid GB18030"
bad bad-quote mini-multi
has "unterminated quote: the line its row starts on" "$T/err" "bad-quote.csv:7: a quoted cell in the row that starts here is never closed"

# --skip-invalid: the valid rows stored, the others in a reject file that
# imports once corrected
fresh skip "$M"
cp "$I/bad-kobo-mini.csv" "$T/survey.csv"
run "$GS" import survey.csv --form mini-multi --skip-invalid
status "--skip-invalid" 0
has "says how many rows were rejected and where" "$T/err" "survey.csv: 4 of 6 rows rejected; they and their problems are in survey.rejected.csv"
has "stored the others" "$T/out" "survey.csv: 2 responses imported"
same "2 responses stored" "$(sqlite3 "$GAPSURVEY_DB" 'SELECT count(*) FROM responses')" 2
check "reject file starts with a BOM" sh -c "head -c 3 survey.rejected.csv | od -An -tx1 | grep -q 'ef bb bf'"
has "reject file keeps the delimiter and adds the reasons" survey.rejected.csv "_submission_time;import_problems"
has "reject row with its reason" survey.rejected.csv ";4:8: years: 工龄应在0到50之间 (value '70')"
same "4 rejected rows and the header" "$(wc -l < survey.rejected.csv)" 5
sed -e 's/;x;/;0;/' -e 's/;70;/;25;/' -e 's/study dance;1;1;1;1;/study plan care other;1;1;1;1;/' \
    -e 's/;plan;0;1;1;0;/;plan;0;1;0;0;/' survey.rejected.csv > fixed.csv
run "$GS" import fixed.csv --form mini-multi --skip-invalid
status "the corrected reject file imports" 0
has "all of it" "$T/out" "fixed.csv: 4 responses imported"
check "no reject file when nothing is rejected" test ! -e fixed.rejected.csv
"$GS" export --form mini-multi --format plain -o all.csv >/dev/null
same "together the same data as the plain CSV" "$(sort all.csv | md5sum)" "$(sort "$MP" | md5sum)"
before=$(dbsum)
run "$GS" import "$I/bad-wjx-staff.csv" --form mini-multi --skip-invalid --rejects r.csv
status "header problems stop --skip-invalid too" 1
same "database unchanged" "$(dbsum)" "$before"
check "and leave no reject file" test ! -e r.csv

# --unit-column: a file whose units are in another column, as names
fresh unitcol "$FIX/rcheck/staff.csv"
"$GS" unit import "$FIX/rcheck/units.csv" >/dev/null
printf '单位,level,a1,a2\nUnit One,jr,3,4\nR2,sr,2,2\n' > u.csv
run "$GS" import u.csv --form rcheck-staff --unit-column 单位
status "--unit-column with unit names or codes" 0
same "units by name and code" "$(sqlite3 "$GAPSURVEY_DB" "SELECT group_concat(code) FROM (SELECT u.code FROM responses r JOIN units u ON u.id = r.unit ORDER BY u.code)")" "R1,R2"
run "$GS" import u.csv --form rcheck-staff --unit-column dept --again
status "--unit-column naming no column" 1
has "says so" "$T/err" "u.csv:1:1: no column 'dept' (--unit-column)"

# the progress bar: on a terminal only
fresh prog "$S"
run "$GS" import "$I/wjx-staff-gb18030.csv" --form staff-opinion --dry-run
check "no progress bar when stderr is no terminal" sh -c "! grep -q 'rows/s' '$T/err'"
if command -v script >/dev/null 2>&1; then
    script -qc "'$GS' import '$I/wjx-staff-gb18030.csv' --form staff-opinion --dry-run" /dev/null > tty.txt 2>&1
    has "progress bar on a terminal" tty.txt "rows/s"
    has "with the time left" tty.txt "ETA"
else
    ok "# skip: no script(1) for a terminal"
fi
