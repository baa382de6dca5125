# An import's responses fill the pages of the SQLite file (issue 22: the
# database at most 2x its CSV).  A bulk source draws its ids as blocks of
# 64 at random places, handed out in a random order (survey/store.c,
# random_id); the driver writes each block's rows in id order
# (store_sqlite.c, bulk_add), so the table's leaf pages are about 85%
# full, where rows inserted in the order of the file left them 78% full
# (0.217-0.222 of every leaf page unused in five runs of this import,
# 0.139-0.153 now).  And every row is there, as the file had it.
. "$ROOT/tests/cli/lib.sh"
D="$FIX/validity/demo/staff.csv"
"$GS" init >/dev/null
"$GS" form add "$Q/staff-opinion.csv" >/dev/null
"$GS" unit import "$Q/units-sample.csv" >/dev/null
{ head -n 1 "$D"; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do tail -n +2 "$D"; done; } > many.csv
rows=$(($(wc -l < many.csv) - 1))
run "$GS" import many.csv --form staff-opinion --format plain
status "an import of $rows responses" 0
same "every one stored" "$(sql 'SELECT count(*) FROM responses')" "$rows"
check "no WAL left behind" [ ! -s "$GAPSURVEY_DB-wal" ]
unused=$(sql "SELECT round(100.0 * sum(unused) / sum(pgsize)) FROM dbstat WHERE name = 'responses' AND pagetype = 'leaf'")
check "the responses' leaf pages less than 18% unused (got ${unused%.*}%)" [ "${unused%.*}" -lt 18 ]
"$GS" export --form staff-opinion --format plain -o back.csv >/dev/null 2>&1
tail -n +2 many.csv | sort > want.txt
tail -n +2 back.csv | sort > got.txt
check "exported, the same rows as the file (in another order)" cmp -s want.txt got.txt
