# The global options --db, --lang and --quiet given after the command
# (issue 17): `gapsurvey analyze --db x` is `gapsurvey --db x analyze`, for
# every command (subcommands too), while a command's own option of the
# same name keeps its meaning (report --lang, analyze -q = --fdr), and
# --list-options still lists the command's own table only.
. "$ROOT/tests/cli/lib.sh"
unset GAPSURVEY_DB
"$GS" --db city.db init >/dev/null
"$GS" --db city.db simulate --units 6 --staff 12 --seed 3 >/dev/null 2>&1

"$GS" --db city.db analyze --json >before.json 2>/dev/null
run "$GS" analyze --json --db city.db
status "analyze --db FILE after the command" 0
check "... reads the same database as --db before it" cmp -s before.json "$T/out"
run "$GS" analyze --db=city.db --json
status "--db=FILE after the command" 0
check "... the same" cmp -s before.json "$T/out"
run "$GS" analyze --db nowhere.db
status "a --db after the command is the database used" 1
has "... named in the error" "$T/err" "no database at nowhere.db"
run "$GS" analyze --wave nosuch --db city.db --lang zh
status "--lang zh after the command" 1
has "... the error is in Chinese" "$T/err" "gapsurvey: analyze:"
# cjk FILE: FILE holds Chinese characters
cjk() { python3 -c 'import re,sys; sys.exit(not re.search("[\u4e00-\u9fff]", open(sys.argv[1], encoding="utf-8").read()))' "$1"; }
check "... (Chinese text)" cjk "$T/err"
# not only its errors: the tables and findings follow a --lang after it
# (analyze took the language before reading its options: English tables)
"$GS" --db city.db --lang zh analyze >before_zh.txt 2>/dev/null
run "$GS" analyze --db city.db --lang zh
status "analyze --lang zh after the command" 0
check "... prints what --lang zh before it prints" cmp -s before_zh.txt "$T/out"
has "... its tables in Chinese" "$T/out" "平均分"
run "$GS" analyze --lang xx --db city.db
status "a bad --lang after the command: usage error" 2
has "... saying what it takes" "$T/err" "--lang takes zh or en, not 'xx'"

# subcommands: after the subcommand and its words
run "$GS" form list --db city.db
status "form list --db" 0
has "... lists the stored forms" "$T/out" "staff-opinion"
run "$GS" unit list --db city.db --lang zh
status "unit list --db --lang" 0
has "... of that database" "$T/out" "U01"
run "$GS" wave list --db city.db
has "wave list --db" "$T/out" "2026"
run "$GS" token list --db city.db
status "token list --db" 0
run "$GS" wave list -q --db city.db
status "-q after the command is --quiet" 0
run "$GS" export --form staff-opinion --format plain --db city.db --quiet
status "export ... --db --quiet" 0
has "... writes the responses" "$T/out" "unit,"

# a command's own option of the same name keeps its meaning
run "$GS" report --db city.db --lang zh --out rep
status "report --lang zh (the report's language) with --db after" 0
check "... the report is in Chinese" cjk rep/report.md
run "$GS" analyze --db city.db -q 0.2 --json
status "analyze -q is still its --fdr" 0
has "... with the rate given" "$T/out" '"fdr": 0.2'
# options whose keys are no letters (0x101...) are still the command's
run "$GS" analyze --db city.db --min-n 4 --allow-small-groups --comment-min 6 --json
status "analyze --allow-small-groups --comment-min after --db" 0
has "... applied" "$T/out" '"small_groups_allowed": true'
run "$GS" analyze --list-options
hasnot "--list-options lists the command's table only" "$T/out" "--db"

# --help with a --lang after it: the help in that language
run "$GS" help analyze --lang zh
status "help analyze --lang zh" 0
check "... the help is in Chinese" cjk "$T/out"
run "$GS" analyze --help --lang=zh
check "analyze --help --lang=zh: in Chinese" cjk "$T/out"
run "$GS" report --lang zh --help
check "report --lang zh --help (the report's own --lang): in Chinese" cjk "$T/out"
run "$GS" help unit --lang zh
check "help unit --lang zh (a command of subcommands): in Chinese" cjk "$T/out"

# the options that cannot follow the command, or precede it: where they go
run "$GS" analyze --version
status "analyze --version: usage error" 2
has "... saying where --version goes" "$T/err" "--version goes before the command: gapsurvey --version"
run "$GS" --json --db city.db analyze
status "a command's option before the command: usage error" 2
has "... saying where it goes, with the command" "$T/err" \
    "the options of analyze follow it: gapsurvey analyze --json ..."
run "$GS" --form x
status "a command's option and no command" 2
has "... where options go" "$T/err" "its own options follow it"
