# Shared by the CLI tests: each test runs the real binary ($GS) on real
# files in a fresh temporary directory and prints one "ok - ..." or
# "not ok - ..." line per check (tests/run.sh counts them).
set -u
: "${GS:?GS must name the gapsurvey binary}"
: "${ROOT:?ROOT must name the repository}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export GAPSURVEY_DB="$T/test.db"
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
    sqlite3 "$GAPSURVEY_DB" "SELECT id FROM responses" | sort >"$T/.ids.now"
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
