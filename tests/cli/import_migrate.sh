# A database from before import batches (schema 5, tests/fixtures/db/
# schema5-import.sql, written by the gapsurvey of that time; on PostgreSQL
# schema5-import-pg.sql, its pg_dump there) opened by
# today's: migrated to schema 6 on first use, its recorded import listed
# (marked: which responses it stored was never written down, so it cannot
# be undone, and the refusal says why), the same file still refused as
# imported before, its responses untouched and in no batch; a new import
# is a batch that undoes, leaving the old responses alone.
. "$ROOT/tests/cli/lib.sh"
R="$FIX/rcheck"
count() { sql "SELECT count(*) FROM $1"; }
load_dump "$FIX/db/schema5-import.sql" "$FIX/db/schema5-import-pg.sql"
if pg_backend; then
    tables() { sql "SELECT table_name FROM information_schema.tables WHERE table_schema = 'gapsurvey' AND table_name IN ('imports', 'import_batches')" | paste -sd, -; }
else
    tables() { sqlite3 "$GAPSURVEY_DB" "SELECT group_concat(name) FROM sqlite_master WHERE name IN ('imports', 'import_batches')"; }
fi
same "the fixture is schema 5" "$(schema_version)" 5
same "with its 5 imported responses" "$(count responses)" 5
answers=$(count answers)

run "$GS" import list
status "import list on the old database" 0
same "migrated to schema 8 (through 6 and 7)" "$(schema_version)" 8
same "the imports table became import_batches" "$(tables)" import_batches
check "the old import is listed, its rows marked" \
    grep -Eq '^ 1  [0-9]{4}-[0-9]{2}-[0-9]{2}  rcheck-staff  -  +5\*  old.csv$' "$T/out"
has "the mark is explained" "$T/out" "* recorded before imports were kept as batches: cannot be undone"
same "its responses are in no batch" "$(count 'responses WHERE batch IS NULL')" 5

run "$GS" import undo 1
status "undoing the old import: exit 1" 1
has "says why it cannot be" "$T/err" \
    "import 1 was recorded before imports were kept as batches: which responses it stored is not known, so it cannot be undone"
same "nothing removed" "$(count responses) $(count answers)" "5 $answers"
same "and it is still listed" "$(count import_batches)" 1

# the file it recorded: its bytes are known, so it is refused again
head -n 6 "$R/staff-responses.csv" > old.csv
run "$GS" import old.csv --form rcheck-staff
status "the same file again: refused" 1
has "as imported before, naming the old import" "$T/err" \
    "old.csv was imported into rcheck-staff before (import 1: old.csv,"

# a new import is a batch of its own and undoes without touching the old
run "$GS" import "$R/staff-responses.csv" --form rcheck-staff
status "a new import" 0
has "is import 2" "$T/out" "import 2 ('gapsurvey import undo 2' removes it)"
same "113 responses" "$(count responses)" 113
run "$GS" import undo 2
status "import undo 2" 0
has "108 removed" "$T/out" "undone: 108 responses removed"
same "the old import's responses and answers remain" "$(count responses) $(count answers)" "5 $answers"
