# The foundation path: init, forms, units, waves, and errors that name
# file, line and column with nothing stored.
. "$ROOT/tests/cli/lib.sh"

run "$GS" form list
status "form list without a database fails" 1
has "it says how to create one" "$T/err" "gapsurvey init"

run "$GS" init
status "init" 0
run "$GS" init
status "init twice is harmless" 0

run "$GS" form add "$Q"/*.csv
status "form add questionnaires/*.csv" 0
has "self form stored" "$T/out" "five-type-self version 2026120201 stored"
has "staff form stored" "$T/out" "staff-opinion version 2026120201 stored"
has "the unit list is passed over" "$T/err" "units-sample.csv: not a questionnaire; skipped"

run "$GS" form add "$Q/staff-opinion.csv"
status "adding the same version again is harmless" 0
has "and says so" "$T/out" "already stored"

sed 's/本单位领导班子/本单位领导/' "$Q/staff-opinion.csv" > changed.csv
run "$GS" form add changed.csv
status "same version with other content is refused" 1
has "with advice to raise the version" "$T/err" "raise the version"

sed 's/,staff-opinion,2026120201,/,staff-opinion,2026120202,/' changed.csv > v2.csv
run "$GS" form add v2.csv
status "a new version is kept beside the old one" 0
run "$GS" form list
same "form list shows both versions" "$(grep -c '^staff-opinion' "$T/out")" 2

run "$GS" unit import "$Q/units-sample.csv"
status "unit import" 0
has "40 units" "$T/out" "40 units stored"
run "$GS" unit list
same "unit list shows 40 units" "$(grep -c '^U[0-9]' "$T/out")" 40
has "unit names in Chinese" "$T/out" "市财政局"

# a malformed unit list: every error, nothing stored
printf 'code,name,category,parent,headcount\nX1,市甲局,,,12\nX2,,,,\nX1,市乙局,,,x\n' > badunits.csv
run "$GS" unit import badunits.csv
status "bad unit list fails" 1
has "empty name at line 3 col 2" "$T/err" "badunits.csv:3:2: error: unit name is empty"
has "duplicate code at line 4 col 1" "$T/err" "badunits.csv:4:1: error: unit code 'X1' appears again"
has "bad headcount at line 4 col 5" "$T/err" "badunits.csv:4:5: error: headcount 'x' is not a whole number >= 0"
run "$GS" unit list
same "nothing from the bad file was stored" "$(grep -c '^X' "$T/out")" 0

# a malformed form: all errors at once, exit 1, nothing stored
cat > bad.csv <<'CSV'
survey,,,,
,type,name,label,dimension
,select_one agree5,q1,Question one,plannning
,selct_one agree5,q2,Question two,planning
,select_one nolist,q3,Question three,planning
,integer,q1,Again,
choices,,,,
,list_name,name,label,
,agree5,1,No,
,agree5,2,Yes,
settings,,,,
,form_id,version,role,
,bad-form,1,staff,
dimensions,,,,
,name,label,,
,planning,Planning,,
CSV
run "$GS" form add bad.csv
status "malformed form: exit 1" 1
has "undeclared dimension with hint" "$T/err" "bad.csv:3:5: error: dimension 'plannning' is not declared in the dimensions sheet; did you mean 'planning'?"
has "unknown type with hint" "$T/err" "bad.csv:4:2: error: unknown type 'selct_one agree5'; did you mean 'select_one'?"
has "undefined list" "$T/err" "bad.csv:5:2: error: choice list 'nolist' is not defined in the choices sheet"
has "duplicate name" "$T/err" "bad.csv:6:3: error: name 'q1' is already used at line 3"
run "$GS" form list
hasnot "the malformed form was not stored" "$T/out" "bad-form"
run "$GS" form check bad.csv
status "form check on it: exit 1" 1
same "form check reports all four errors" "$(grep -c ': error: ' "$T/err")" 4

run "$GS" form check "$Q/staff-opinion.csv" "$Q/five-type-self-assessment.csv"
status "shipped questionnaires pass form check" 0

run "$GS" wave add 2025
status "wave add" 0
run "$GS" wave add 2025
status "a wave name is unique" 1
run "$GS" wave close 2025
status "wave close" 0
has "says so" "$T/out" "wave 2025 closed"
run "$GS" wave close 2025
status "closing a closed wave again" 0
has "does the deletion and the rewrite again, and says so" "$T/out" "wave 2025 was closed already"
run "$GS" wave close 1999
status "closing a wave that does not exist" 1
has "names it" "$T/err" "no wave named '1999'"
run "$GS" wave list
has "wave list shows it closed" "$T/out" "2025"

run "$GS" form frobnicate
status "unknown subcommand is a usage error" 2
run "$GS" import x.csv --frm staff-opinion
status "unknown option is a usage error" 2
has "with the nearest option" "$T/err" "did you mean '--form'?"
# a long option without its value is named as it was typed, not by the
# letter getopt keeps for it (--csv is not -C)
run "$GS" analyze --csv
status "a long option without its value is a usage error" 2
has "named as typed" "$T/err" "option --csv needs a value"
hasnot "not by its key letter" "$T/err" "option -C"
run "$GS" export --form staff-opinion -o
has "a short option without its value is named as typed" "$T/err" "option -o needs a value"
run "$GS" analyse
status "unknown command is a usage error" 2
has "with the nearest command" "$T/err" "did you mean 'analyze'?"

# --help anywhere on the line, also after a subcommand; an unknown option
# after one is a usage error, not a file name
for line in "form check --help" "form add --help" "unit import --help" "wave add --help"; do
    run "$GS" $line
    status "gapsurvey $line: exit 0" 0
    has "gapsurvey $line: the usage" "$T/out" "usage: gapsurvey ${line%% *}"
done
run "$GS" form check "$Q/staff-opinion.csv" --strict
status "an unknown option after the files is a usage error" 2
has "and named" "$T/err" "unknown option '--strict'"

# a unit list with a byte that is neither UTF-8 nor GB18030: FILE:LINE:COL
printf 'code,name\nU1,ab\350\n' >"$T/badunits.csv"
run "$GS" unit import "$T/badunits.csv"
status "unit import of a broken file: exit 1" 1
has "its position as FILE:LINE:COL" "$T/err" "badunits.csv:2:6: "
# in Chinese too: the position comes from the error's fields, not from
# reading a translated "line L, column C" back out of the message
run "$GS" --lang zh unit import "$T/badunits.csv"
has "Chinese: the position as FILE:LINE:COL" "$T/err" "badunits.csv:2:6: 字节 0xE8 "
printf 'survey,,\n,type,name\n,text,"q1\n' >"$T/openquote.csv"
run "$GS" --lang zh form check "$T/openquote.csv"
has "Chinese form check: FILE:LINE: 错误：" "$T/err" "openquote.csv:3: 错误：从这一行开始"
# the C library's messages in Chinese are readable, not '?'
run "$GS" --lang zh form check "$T/no-such-file.csv"
status "a missing file in Chinese: exit 1" 1
hasnot "no '?' in place of Chinese" "$T/err" "???"
