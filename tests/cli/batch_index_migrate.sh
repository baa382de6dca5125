# A database of schema 7 (tests/fixtures/db/schema7/: the rcheck staff
# responses imported as nine batches, import 4 undone, one response from
# the terminal; written by the gapsurvey of main 19074d9, which kept an
# index on responses.batch; on PostgreSQL its db copy, pg_dumped) opened
# by today's: migrated to schema 8, the index gone, every response with its
# id, batch and packed answers byte for byte as before; `import list`
# still shows every batch, `import undo` removes exactly one batch's
# responses among many, and new imports after the migration list and undo
# the same way (the responses of a batch are found by scanning the table).
. "$ROOT/tests/cli/lib.sh"
F="$FIX/db/schema7"
R="$FIX/rcheck"
load_dump "$F/schema7.sql" "$F/schema7-pg.sql"
if pg_backend; then
    indexes() { sql "SELECT indexname FROM pg_indexes WHERE schemaname = 'gapsurvey' AND tablename = 'responses' AND indexname <> 'responses_pkey' ORDER BY 1" | paste -sd, -; }
else
    indexes() { sqlite3 "$GAPSURVEY_DB" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'responses' AND sql IS NOT NULL ORDER BY name)"; }
fi
rows() { sql "SELECT id, coalesce(batch, 0), form, wave, coalesce(unit, 0), submitted_on, source, $(hexsql answers) FROM responses ORDER BY id"; }
batch() { sql "SELECT count(*) FROM responses WHERE batch = $1"; }

same "the fixture is schema 7" "$(schema_version)" 7
same "with the index on responses.batch" "$(indexes)" "responses_by_batch,responses_by_wave"
rows > before.txt
same "97 responses: 8 batches of 12 and one from the terminal" \
    "$(wc -l < before.txt) $(sql 'SELECT count(*) FROM responses WHERE batch IS NULL')" "97 1"

run "$GS" import list
status "import list on the old database" 0
same "migrated to schema 8" "$(schema_version)" 8
same "the index on responses.batch is gone, the one on wave stays" "$(indexes)" responses_by_wave
rows > after.txt
check "every response, its id, batch and answers byte for byte as before" cmp -s before.txt after.txt
if ! cmp -s before.txt after.txt; then diff before.txt after.txt | head -n 10 | sed 's/^/# /'; fi
same "a header and the eight batches" "$(wc -l < "$T/out")" 9
for i in 1 2 3 5 6 7 8 9; do
    check "import $i listed with its 12 rows" grep -Eq "^ $i  .*  rcheck-staff  2026    12  part$i.csv\$" "$T/out"
done
hasnot "the undone import 4 is not" "$T/out" "part4.csv"

run "$GS" import undo 6
status "import undo 6" 0
has "12 responses removed" "$T/out" "undone: 12 responses removed"
same "only batch 6's responses went" "$(batch 6) $(sql 'SELECT count(*) FROM responses')" "0 85"
grep -v "^[0-9]*|6|" before.txt > kept.txt
rows > after.txt
check "every other response untouched" cmp -s kept.txt after.txt
run "$GS" import undo 6
status "undoing it again: exit 1" 1
has "there is no import 6" "$T/err" "there is no import 6"

# new imports after the migration: batches 10 and 11, listed and undone
head -n 31 "$R/staff-responses.csv" > new10.csv
{ head -n 1 "$R/staff-responses.csv"; sed -n '32,50p' "$R/staff-responses.csv"; } > new11.csv
run "$GS" import new10.csv --form rcheck-staff --again
status "a new import into the migrated database" 0
has "is import 10" "$T/out" "import 10 ("
run "$GS" import new11.csv --form rcheck-staff --again
has "and import 11" "$T/out" "import 11 ("
same "30 and 19 responses in them" "$(batch 10) $(batch 11)" "30 19"
run "$GS" import list
same "nine batches listed" "$(wc -l < "$T/out")" 10
check "import 10 with 30 rows" grep -Eq '^10  .*  rcheck-staff  2026    30  new10.csv$' "$T/out"
check "import 11 with 19 rows" grep -Eq '^11  .*  rcheck-staff  2026    19  new11.csv$' "$T/out"
run "$GS" import undo 10
status "import undo 10" 0
has "30 responses removed" "$T/out" "undone: 30 responses removed"
same "batch 11 and the old ones stay" "$(batch 10) $(batch 11) $(batch 1) $(sql 'SELECT count(*) FROM responses')" "0 19 12 104"
run "$GS" import undo 3
has "an old batch undoes too: 12 removed" "$T/out" "undone: 12 responses removed"
same "92 left, the terminal one among them" "$(sql 'SELECT count(*) FROM responses') $(sql 'SELECT count(*) FROM responses WHERE batch IS NULL')" "92 1"
