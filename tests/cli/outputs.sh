# "-" as an output file is standard output (issue 17, the Unix
# convention): export -o -, import --rejects -; binary formats go to a
# pipe but never to a terminal; options that name a directory (analyze
# --csv, report --out and --each-unit, demo --out) and the two that cannot
# be standard output (token issue --slips: the codes are there; wave add
# --sealed: the key must reach a disk first) say so instead of writing a
# file or directory called "-".
. "$ROOT/tests/cli/lib.sh"
"$GS" init >/dev/null
"$GS" simulate --units 6 --staff 12 --seed 3 >/dev/null 2>&1

# ---- export -o -
"$GS" export --form staff-opinion --format csv -o file.csv >/dev/null
run "$GS" export --form staff-opinion --format csv -o -
status "export -o - " 0
check "... writes standard output, the same bytes as the file" cmp -s file.csv "$T/out"
check "... and no file named -" test ! -e ./-
run "$GS" export --form staff-opinion --output=- --format json
status "--output=- too" 0
check "... valid JSON on standard output" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out"
run "$GS" export --form staff-opinion -o -
status "-o - without --format: usage error" 2
has "... saying standard output has no extension" "$T/err" "-o - (standard output) has no extension"
"$GS" export --form staff-opinion -o file.sav >/dev/null
"$GS" export --form staff-opinion --format sav -o - | cat >piped.sav
# the same bytes but for the header's creation date and time (bytes 92-108)
samesav() { python3 -c 'import sys; a, b = (open(f, "rb").read() for f in sys.argv[1:3]); sys.exit(not (a[:92] == b[:92] and a[109:] == b[109:]))' "$1" "$2"; }
check "sav to a pipe: the same bytes as the file" samesav file.sav piped.sav
"$GS" export --form staff-opinion --format xlsx -o - | cat >piped.xlsx
check "xlsx to a pipe: a workbook (zip)" python3 -c 'import zipfile,sys; zipfile.ZipFile(sys.argv[1]).testzip()' piped.xlsx
if command -v script >/dev/null 2>&1; then
    script -qc "'$GS' export --form staff-opinion --format sav -o -" /dev/null >tty.txt 2>&1
    has "sav -o - to a terminal: refused" tty.txt "sav is a binary format; write it to a file with -o FILE"
    script -qc "'$GS' export --form staff-opinion --format xlsx -o -" /dev/null >tty.txt 2>&1
    has "xlsx -o - to a terminal: refused" tty.txt "xlsx is a binary format"
else
    ok "# skip: no script(1) for a terminal"
fi

# ---- import --rejects -
"$GS" export --form staff-opinion --format plain -o back.csv >/dev/null
awk -F, 'NR == 3 { $5 = "9" } { print }' OFS=, back.csv >bad.csv
"$GS" init --db copy.db >/dev/null
"$GS" form add --db copy.db "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" unit import --db copy.db "$Q/units-sample.csv" >/dev/null
run "$GS" import bad.csv --db copy.db --form staff-opinion --skip-invalid --rejects -
status "import --skip-invalid --rejects -" 0
has "... the rejected row on standard output" "$T/out" "import_problems"
same "... and only it (header and one row)" "$(grep -c . "$T/out")" 2
has "... the summary on standard error" "$T/err" "responses imported into staff-opinion"
has "... naming standard output as the reject file" "$T/err" "are in standard output"
check "... no file named -" test ! -e ./-

# ---- directories and the two that cannot be standard output
run "$GS" analyze --csv -
status "analyze --csv -: usage error" 2
has "... --csv is a directory, --json is for standard output" "$T/err" \
    "--csv takes a directory, where it writes several files, not '-'"
has "... pointing to --json" "$T/err" "--json writes the whole result to standard output"
run "$GS" report --out -
status "report --out -" 2
has "... a directory" "$T/err" "--out takes a directory"
run "$GS" report --each-unit -
status "report --each-unit -" 2
has "... a directory" "$T/err" "--each-unit takes a directory"
run "$GS" demo --out -
status "demo --out -" 2
has "... a directory" "$T/err" "--out takes a directory"
check "no directory named - was made" test ! -e ./-
run "$GS" token issue --form staff-opinion --unit U01 --count 2 --slips -
status "token issue --slips -: usage error" 2
has "... standard output carries the codes" "$T/err" "standard output carries the codes"
run "$GS" wave add W9 --sealed -
status "wave add --sealed -: usage error" 2
has "... the key must reach a disk" "$T/err" "the secret key must be safely on a disk"
run "$GS" wave list
hasnot "... and no wave was opened" "$T/out" "W9"
