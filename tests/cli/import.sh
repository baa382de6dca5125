# plain CSV import: every bad cell named as FILE:ROW:COLUMN, nothing stored
# on error (the database file is byte-for-byte unchanged), --dry-run,
# --create-units, repeated import refused, round trip of select_multiple.
. "$ROOT/tests/cli/lib.sh"
R="$FIX/rcheck"
"$GS" init >/dev/null
"$GS" form add "$R/staff.csv" >/dev/null
"$GS" unit import "$R/units.csv" >/dev/null
"$GS" import "$R/staff-responses.csv" --form rcheck-staff >/dev/null
before=$(dbsum)

cat > bad.csv <<'CSV'
unit,level,a1,a2,a3,a4,b1,b2,b3,comment,bogus
R1,jr,3,4,2,4,3,3,,fine,
R1,mid,6,4,2,4,3,3,3,,
ZZ,jr,3,4,2,4,3,x,3,,
,sr,3,4,2,4,3,3,3,,
CSV
run "$GS" import bad.csv --form rcheck-staff
status "bad file: exit 1" 1
has "unknown column" "$T/err" "bad.csv:1:11: column 'bogus' is not a question of rcheck-staff"
has "value not in the list (level)" "$T/err" "bad.csv:3:2: 'mid' is not a choice of level (choices: jr sr)"
has "value not in the list (a1)" "$T/err" "bad.csv:3:3: '6' is not a choice of a1"
has "unknown unit" "$T/err" "bad.csv:4:1: unit 'ZZ' is not known"
has "bad value in the same row too" "$T/err" "bad.csv:4:8: 'x' is not a choice of b2"
has "empty unit" "$T/err" "bad.csv:5:1: the unit is empty"
has "summary" "$T/err" "nothing imported: 6 problems"
same "database byte-for-byte unchanged" "$(dbsum)" "$before"

printf 'unit,level,a1\nR1,jr,3\nNEW1,sr,4\n' > newunit.csv
run "$GS" import newunit.csv --form rcheck-staff --dry-run --create-units
status "dry run" 0
has "dry run says nothing stored" "$T/out" "dry run: nothing stored"
same "dry run stored nothing" "$(sql 'SELECT count(*) FROM responses')" 108
run "$GS" import newunit.csv --form rcheck-staff --create-units
status "--create-units" 0
same "unit NEW1 created" "$(sql "SELECT count(*) FROM units WHERE code='NEW1'")" 1
run "$GS" import newunit.csv --form rcheck-staff --create-units
status "the same file again is refused" 1
has "with advice" "$T/err" "--again"
run "$GS" import newunit.csv --form rcheck-staff --create-units --again
status "--again imports it" 0
same "responses now" "$(sql 'SELECT count(*) FROM responses')" 112

# a form with a constraint, select_multiple and GB18030 input
cat > form.csv <<'CSV'
survey,,,,,
,type,name,label,constraint,constraint_message
,select_multiple topics,topics,Topics,,
,integer,years,Years,. >= 0 and . <= 50,between 0 and 50
choices,,,,,
,list_name,name,label,,
,topics,study,Study,,
,topics,plan,Plan,,
,topics,care,Care,,
settings,,,,,
,form_id,version,role,,
,mini,1,staff,,
CSV
"$GS" form add form.csv >/dev/null
printf 'unit,topics,years\nR1,study care,3\nR1,plan,70\nR1,plan nope,2\n' > mini.csv
run "$GS" import mini.csv --form mini
status "constraint and multi-select errors" 1
has "constraint message" "$T/err" "mini.csv:3:3: years: between 0 and 50 (value '70')"
has "bad option in a multi-select" "$T/err" "mini.csv:4:2: 'nope' is not a choice of topics"
printf 'unit,topics,years\nR1,study care,3\nR2,,\n' | iconv -f UTF-8 -t GB18030 > gb.csv
run "$GS" import gb.csv --form mini
status "GB18030 file imports" 0
same "select_multiple stored space-separated" "$(sql "SELECT a.text FROM answers a JOIN items i ON i.id=a.item WHERE i.name='topics'")" "study care"
same "no time of day stored" "$(sql "SELECT count(*) FROM responses WHERE length(submitted_on) <> 8")" 0

# a long choice list out of alphabetical order: its names are looked up
# through a sorted index (form_list_choice's binary search); every choice
# must be found, names that sort between two choices must not, and the
# stored value is the choice's own name
{
    printf 'survey,,,\n,type,name,label\n,select_one site,site,Site\nchoices,,,\n,list_name,name,label\n'
    for n in k07 b12 z01 a03 m44 c09 y10 d02 x55 e13 w08 f21; do printf ',site,%s,Site %s\n' "$n" "$n"; done
    printf 'settings,,,\n,form_id,version,role\n,sites,1,staff\n'
} > sites.csv
"$GS" form add sites.csv >/dev/null
{
    printf 'unit,site\n'
    for n in k07 b12 z01 a03 m44 c09 y10 d02 x55 e13 w08 f21; do printf 'R1,%s\n' "$n"; done
} > sites-ok.csv
run "$GS" import sites-ok.csv --form sites
status "every choice of a long unsorted list is found" 0
same "their names stored" "$(sql "SELECT a.text FROM answers a JOIN items i ON i.id=a.item JOIN forms f ON f.id=i.form WHERE f.form_id='sites' ORDER BY a.text" | tr '\n' ' ' | sed 's/ $//')" "a03 b12 c09 d02 e13 f21 k07 m44 w08 x55 y10 z01"
printf 'unit,site\nR1,a00\nR1,k08\nR1,zz\nR1,K07\n' > sites-bad.csv
run "$GS" import sites-bad.csv --form sites
status "names between, before and after the choices are refused" 1
has "before the first" "$T/err" "sites-bad.csv:2:2: 'a00' is not a choice of site"
has "between two" "$T/err" "sites-bad.csv:3:2: 'k08' is not a choice of site"
has "after the last" "$T/err" "sites-bad.csv:4:2: 'zz' is not a choice of site"
