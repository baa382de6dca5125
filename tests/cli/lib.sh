# Shared by the CLI tests: each test runs the real binary ($GS) on real
# files in a fresh temporary directory and prints one "ok - ..." or
# "not ok - ..." line per check (tests/run.sh counts them).
set -u
: "${GS:?GS must name the gapsurvey binary}"
: "${ROOT:?ROOT must name the repository}"
T=$(mktemp -d)
# lib_cleanup: what every test leaves behind goes (a test that sets its
# own EXIT trap calls it there)
lib_cleanup() {
    pg_cleanup
    rm -rf "$T"
}
trap 'lib_cleanup' EXIT
cd "$T" || exit 1
export GAPSURVEY_DB="$T/test.db"

# PostgreSQL (issue 21).  GAPSURVEY_TEST_PG is the URI of a server the
# tests may create databases on (tests/run.sh starts a throwaway one with
# tools/pgtmp.sh when the server binaries are installed).
PSQL="$( (sh "$ROOT/tools/pgtmp.sh" bin 2>/dev/null || dirname "$(command -v psql 2>/dev/null || echo /x/psql)") | head -n 1)/psql"
# pg_uri NAME: the URI of database NAME on the test server
pg_uri() {
    case "$GAPSURVEY_TEST_PG" in
    *\?*) echo "$GAPSURVEY_TEST_PG&dbname=$1" ;;
    *) echo "$GAPSURVEY_TEST_PG?dbname=$1" ;;
    esac
}
# pg_newdb: a fresh empty database on the test server, its URI in $NEWDB;
# dropped when the test ends (lib_cleanup)
PG_DBS=""
pg_newdb() {
    n=gst_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
    "$PSQL" "$GAPSURVEY_TEST_PG" -qAtX -c "CREATE DATABASE $n" >/dev/null || return 1
    PG_DBS="$PG_DBS $n"
    NEWDB=$(pg_uri "$n")
}
PGTMP=""
pg_cleanup() {
    for n in $PG_DBS; do
        "$PSQL" "$GAPSURVEY_TEST_PG" -qAtX -c "DROP DATABASE IF EXISTS $n WITH (FORCE)" >/dev/null 2>&1
    done
    PG_DBS=""
    if [ -n "$PGTMP" ]; then
        sh "$ROOT/tools/pgtmp.sh" stop "$PGTMP" >/dev/null 2>&1
        rm -rf "$PGTMP"
        PGTMP=""
    fi
}
# pg_need: a PostgreSQL server for this test: GAPSURVEY_TEST_PG, else a
# throwaway cluster of the test's own when the server binaries are here
# (stopped at the end); else the test says it is skipped and ends, which
# is a failure under GAPSURVEY_REQUIRE_PG=1 (CI).
pg_need() {
    if [ -z "${GAPSURVEY_TEST_PG:-}" ] && sh "$ROOT/tools/pgtmp.sh" bin >/dev/null 2>&1; then
        PGTMP=$(mktemp -d /tmp/gapsurvey-pg.XXXXXX)
        GAPSURVEY_TEST_PG=$(sh "$ROOT/tools/pgtmp.sh" start "$PGTMP" 2>"$T/pgtmp.err") ||
            { notok "a throwaway PostgreSQL cluster"; sed 's/^/# /' "$T/pgtmp.err"; exit 1; }
        export GAPSURVEY_TEST_PG
    fi
    if [ -z "${GAPSURVEY_TEST_PG:-}" ]; then
        if [ "${GAPSURVEY_REQUIRE_PG:-0}" = 1 ]; then
            notok "PostgreSQL: GAPSURVEY_REQUIRE_PG=1 but GAPSURVEY_TEST_PG is not set and no server binaries"
            exit 1
        fi
        ok "skipped: no PostgreSQL (GAPSURVEY_TEST_PG is not set and no server binaries are installed)"
        exit 0
    fi
}
# GS_BACKEND=pg (tests/cli/pg.sh) runs a test against a PostgreSQL
# database of its own instead of $T/test.db
if [ "${GS_BACKEND:-sqlite}" = pg ]; then
    pg_newdb || { echo "not ok - cannot create a PostgreSQL database"; exit 1; }
    export GAPSURVEY_DB="$NEWDB"
fi
# sql QUERY: one query on the database under test, rows as a|b.  A query
# that reads or writes the answers table (gone since schema 7: each
# response's answers are packed in responses.answers) runs through asql.
sql() {
    if echo "$1" | grep -Eqi '(from|join|update|into)[[:space:]]+answers([^_a-z]|$)'; then
        asql "$1"
        return
    fi
    case "$GAPSURVEY_DB" in
    postgres://*|postgresql://*)
        PGOPTIONS='-c search_path=gapsurvey' "$PSQL" "$GAPSURVEY_DB" -qAtX -F'|' -c "$1" ;;
    *) sqlite3 "$GAPSURVEY_DB" "$1" ;;
    esac
}
# asql QUERY: QUERY with a table answers(response, item, num, text) made
# from the packed answers first (tools/answers.py; on PostgreSQL a
# temporary table); a statement that changes it writes it back packed
asql() {
    PSQL="$PSQL" /usr/bin/python3 "$ROOT/tools/answers.py" query "$GAPSURVEY_DB" "$1"
}
# pg_backend: true when the database under test is PostgreSQL
pg_backend() {
    case "$GAPSURVEY_DB" in postgres://*|postgresql://*) return 0 ;; esac
    return 1
}
# SQL that the two backends spell differently: hexsql COL (a blob as
# lower-case hex), blobsql HEX (a blob literal), bool EXPR (0 or 1)
hexsql() { if pg_backend; then echo "encode($1, 'hex')"; else echo "lower(hex($1))"; fi; }
blobsql() { if pg_backend; then echo "decode('$1', 'hex')"; else echo "X'$1'"; fi; }
bool() { echo "CASE WHEN $1 THEN 1 ELSE 0 END"; }
# load_dump SQLITE.sql PG.sql: the database under test made from a dump
# (a fixture written by an older gapsurvey)
load_dump() {
    if pg_backend; then
        "$PSQL" "$GAPSURVEY_DB" -qX -v ON_ERROR_STOP=1 -f "$2" >/dev/null
    else
        sqlite3 "$GAPSURVEY_DB" < "$1"
    fi
}
# schema_version: the schema version of the database under test
schema_version() {
    if pg_backend; then sql 'SELECT version FROM schema_version'; else sqlite3 "$GAPSURVEY_DB" 'PRAGMA user_version'; fi
}
# columns TABLE: its column names, one a line
columns() {
    if pg_backend; then
        sql "SELECT column_name FROM information_schema.columns WHERE table_schema = 'gapsurvey' AND table_name = '$1'"
    else
        sql "SELECT name FROM pragma_table_info('$1')"
    fi
}
# dbdump: everything the database under test holds, as its files have it
# (SQLite: the file after a checkpoint) or as pg_dump writes it
dbdump() {
    if pg_backend; then
        # without the random \restrict key of each run (pg_dump 15.14 on)
        "$(dirname "$PSQL")/pg_dump" -n gapsurvey "$GAPSURVEY_DB" | grep -v '^\\\(un\)\{0,1\}restrict '
    else
        sqlite3 "$GAPSURVEY_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
        cat "$GAPSURVEY_DB"
    fi
}
# dbsum: a checksum of dbdump (unchanged database, unchanged sum)
dbsum() { dbdump | sha256sum | cut -d' ' -f1; }
export NO_COLOR=1
FIX="$ROOT/tests/fixtures"
Q="$ROOT/questionnaires"

# run CMD...: runs it; stdout in $T/out, stderr in $T/err, status in $RC.
run() {
    "$@" >"$T/out" 2>"$T/err"
    RC=$?
}
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
# check DESC CONDITION...: ok when the condition command succeeds.
check() {
    d=$1; shift
    if "$@"; then ok "$d"; else notok "$d"; fi
}
# status DESC N: the last run exited with N.
status() {
    if [ "$RC" -eq "$2" ]; then ok "$1"; else
        notok "$1 (exit $RC, wanted $2)"; sed 's/^/# /' "$T/err" | head -n 20; fi
}
# has DESC FILE TEXT: FILE contains TEXT (fixed string).
has() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else
        notok "$1 (no '$3' in $(basename "$2"))"; sed 's/^/# /' "$2" | head -n 20; fi
}
# hasnot DESC FILE TEXT
hasnot() {
    if grep -qF -- "$3" "$2"; then notok "$1 ('$3' found in $(basename "$2"))"; else ok "$1"; fi
}
# same DESC ACTUAL EXPECTED
same() {
    if [ "$2" = "$3" ]; then ok "$1"; else notok "$1 (got '$2', wanted '$3')"; fi
}
# samerows A B: two CSV files with the same header and the same rows in
# any order (exports are ordered by unit and then by random id, so rows of
# one unit come in no order of arrival)
samerows() {
    python3 -c '
import csv, sys
a, b = (list(csv.reader(open(f, encoding="utf-8-sig", newline=""))) for f in sys.argv[1:3])
sys.exit(not (a[:1] == b[:1] and sorted(a[1:]) == sorted(b[1:])))' "$1" "$2"
}
# newest: the id of the response stored since the previous call (response
# ids are random, so max(id) is not the newest); the same id again when
# nothing was stored since.  Call it after each submission.
newest() {
    sql "SELECT id FROM responses" | sort >"$T/.ids.now"
    touch "$T/.ids.seen"
    n=$(comm -13 "$T/.ids.seen" "$T/.ids.now" | tail -n 1)
    mv "$T/.ids.now" "$T/.ids.seen"
    [ -n "$n" ] && echo "$n" >"$T/.ids.new"
    cat "$T/.ids.new" 2>/dev/null
}
# form_with_units FORM UNITS OUT: a copy of the questionnaire FORM (CSV)
# whose unit list ("units" in its choices) is the units of the unit list
# UNITS (code,name...), every label column given the unit's name: for
# tests whose units are not the shipped ones (the units table and a
# form's unit list must agree since issue 17)
form_with_units() {
    python3 - "$1" "$2" "$3" <<'PY'
import csv, sys
form, units, out = sys.argv[1:4]
rows = list(csv.reader(open(form, encoding="utf-8-sig", newline="")))
us = list(csv.DictReader(open(units, encoding="utf-8-sig", newline="")))
kept, header, at = [], None, None
for r in rows:
    if r and r[0].strip().lower() == "choices":
        header = None
    if len(r) > 2 and r[0] == "" and r[1] == "list_name":
        header = r
    if header and len(r) > 1 and r[0] == "" and r[1] == "units":
        at = at if at is not None else len(kept)
        continue
    kept.append(r)
for u in reversed(us):
    row = [""] * len(header)
    for j, h in enumerate(header):
        row[j] = {"list_name": "units", "name": u["code"]}.get(h, u["name"] if h.startswith("label") else "")
    kept.insert(at, row)
csv.writer(open(out, "w", encoding="utf-8", newline=""), lineterminator="\n").writerows(kept)
PY
}
