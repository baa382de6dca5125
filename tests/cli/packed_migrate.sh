# A database of schema 6, one answers row per answer (tests/fixtures/db/
# schema6/: a small simulated city and an import of odd values, written by
# the gapsurvey of main 8a4be08; on PostgreSQL its db copy, pg_dumped),
# opened by today's: migrated to schema 8 (through 7), each response's answers packed
# in responses.answers, every answer bit for bit (the same numbers to the
# last bit, the same texts, the same nulls), the answers table gone; and
# every export (each format, with scores and unit columns, with labels)
# and analyze --json, with --items, byte for byte what that gapsurvey
# wrote before (expected.sha256; the times written into .sav, .dta and
# .xlsx files left out by norm.py).
. "$ROOT/tests/cli/lib.sh"
F="$FIX/db/schema6"
load_dump "$F/schema6.sql" "$F/schema6-pg.sql"
if pg_backend; then
    has_table() { sql "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'gapsurvey' AND table_name = 'answers'"; }
    listing() {   # every answer, its number as its 8 bytes
        $1 "SELECT response, item, encode(float8send(num), 'hex'), text FROM answers ORDER BY response, item"
    }
    plain() { PGOPTIONS='-c search_path=gapsurvey' "$PSQL" "$GAPSURVEY_DB" -qAtX -F'|' -c "$1"; }
else
    has_table() { sqlite3 "$GAPSURVEY_DB" "SELECT count(*) FROM sqlite_master WHERE name = 'answers'"; }
    listing() {
        /usr/bin/python3 - "$GAPSURVEY_DB" "$1" "$ROOT/tools" <<'PY'
import sqlite3, struct, sys
sys.path.insert(0, sys.argv[3])
import answers
if sys.argv[2] == 'plain':
    rows = sqlite3.connect(sys.argv[1]).execute('SELECT response, item, num, text FROM answers').fetchall()
else:
    rows = list(answers.rows(sys.argv[1]))
for r, i, n, t in sorted(rows, key=lambda x: (x[0], x[1])):
    print(r, i, '' if n is None else struct.pack('>d', n).hex(), '\\N' if t is None else repr(t), sep='|')
PY
    }
fi
same "the fixture is schema 6" "$(schema_version)" 6
listing plain > before.txt
if pg_backend; then n=$(plain 'SELECT count(*) FROM answers'); else n=$(wc -l < before.txt); fi
same "with its 35 responses and 1242 answers" "$(sql 'SELECT count(*) FROM responses') $n" "35 1242"

run "$GS" wave list
status "wave list on the old database" 0
same "migrated to schema 8 (through 7)" "$(schema_version)" 8
same "the answers table is gone" "$(has_table)" 0
same "no response lost" "$(sql 'SELECT count(*) FROM responses')" 35
same "one without answers keeps none (NULL)" "$(sql 'SELECT count(*) FROM responses WHERE answers IS NULL')" 1
listing asql > after.txt
check "every answer bit for bit: the same numbers to the last bit, texts and nulls" cmp -s before.txt after.txt
if ! cmp -s before.txt after.txt; then diff before.txt after.txt | head -n 10 | sed 's/^/# /'; fi

# the outputs of that gapsurvey, byte for byte
mkdir outs
cd outs || exit 1
for f in staff-opinion five-type-self odd; do
    "$GS" export --form "$f" --format plain -o "$f.plain.csv" >/dev/null 2>&1
    for fmt in csv json sav dta xlsx; do
        "$GS" export --form "$f" --format "$fmt" --scores --unit-info -o "$f.$fmt" >/dev/null 2>&1
        "$GS" export --form "$f" --format "$fmt" --labels -o "$f-labels.$fmt" >/dev/null 2>&1
    done
done
"$GS" analyze --json > analyze.json
"$GS" analyze --json --items > analyze-items.json
/usr/bin/python3 "$F/norm.py" $(ls | sort) > "$T/got.sha256"
cd "$T" || exit 1
same "46 outputs" "$(wc -l < got.sha256)" 46
check "every export and analyze --json byte-identical to schema 6's" cmp -s got.sha256 "$F/expected.sha256"
diff got.sha256 "$F/expected.sha256" | sed 's/^/# /' | head -n 10

# the packed bytes are the ones the C encoder writes and the decoder of
# tools/answers.py reads back to the same bytes
if ! pg_backend; then
    check "tools/answers.py encodes every response to the same bytes" /usr/bin/python3 - "$GAPSURVEY_DB" "$ROOT/tools" <<'PY'
import sqlite3, sys
sys.path.insert(0, sys.argv[2])
import answers
bad = [i for i, b in sqlite3.connect(sys.argv[1]).execute('SELECT id, answers FROM responses WHERE answers IS NOT NULL')
       if answers.encode(answers.decode(b)) != b]
sys.exit(1 if bad else 0)
PY
fi

# a new import into the migrated database, and its answers read back
odd() { sql "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response JOIN forms f ON f.id = r.form WHERE f.form_id = 'odd'"; }
nodd=$(odd)
run "$GS" import "$F/odd-data.csv" --form odd --again
status "an import into the migrated database" 0
same "its answers are packed too: twice the $nodd answers to odd" "$(odd)" "$((2 * nodd))"

# a damaged packed value is an error that names it, never a crash or a
# silently shorter analysis
# (tag 0x13: number kind 3, which is never written)
sql "UPDATE responses SET answers = $(blobsql 13) WHERE id = (SELECT min(id) FROM responses WHERE form = (SELECT id FROM forms WHERE form_id = 'staff-opinion'))"
run "$GS" export --form staff-opinion --format csv --all-waves
status "export of a database with a damaged response: exit 1" 1
has "says the answers are damaged" "$T/err" "a stored response's answers are damaged"
run "$GS" analyze --json
status "analyze: exit 1" 1
