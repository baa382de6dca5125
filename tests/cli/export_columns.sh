# Export's added columns (issue 17): unit_name and unit_category from the
# units table (--unit-info), the wave (--wave-column, and always with
# several waves: --wave A,B or --all-waves), and each respondent's 0-100
# dimension scores (--scores) by the analysis's own rule (survey/score.h:
# per unit their mean is analyze's mean to the last digit, and a score is
# empty where analyze leaves the respondent out).  Without them the
# export is what it was: the same bytes as the added columns taken away.
. "$ROOT/tests/cli/lib.sh"
"$GS" init >/dev/null
# 30% of answers missing: some respondents answer fewer than half of a
# dimension's items, and their score must be empty
"$GS" simulate --units 6 --staff 15 --seed 4 --missing 0.3 --wave 2025 >/dev/null 2>&1
"$GS" simulate --units 6 --staff 12 --seed 5 --wave 2026 >/dev/null 2>&1

# csvcols FILE COL...: the CSV without the named columns, as CSV
dropcols() { python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
drop = {i for i, h in enumerate(rows[0]) if h in sys.argv[2:] or h.startswith("score_")}
w = csv.writer(sys.stdout, lineterminator="\r\n")
for r in rows: w.writerow([c for i, c in enumerate(r) if i not in drop])' "$@"; }

# ---- without the options: unchanged
"$GS" export --form staff-opinion --format csv -o plain.csv >/dev/null
"$GS" export --form staff-opinion --format csv --unit-info --wave-column --scores -o all.csv >/dev/null
head -1 all.csv | tr -d '\357\273\277\r' | tr ',' '\n' >cols.txt
same "the added columns: unit, unit_name, unit_category, wave first" "$(head -4 cols.txt | paste -sd, -)" \
    "unit,unit_name,unit_category,wave"
same "... the scores last, one per dimension" "$(grep -c '^score_' cols.txt)" 7
same "... in the form's order of dimensions" "$(tail -7 cols.txt | paste -sd, -)" \
    "score_political,score_learning,score_efficient,score_clean,score_vibrant,score_understanding,score_planning"
printf '\357\273\277' >stripped.csv
dropcols all.csv unit_name unit_category wave >>stripped.csv
check "the rest is the default export, byte for byte" cmp -s plain.csv stripped.csv
for f in json sav; do
    run "$GS" export --form staff-opinion --format $f -o "default.$f"
done
check "the default json has no added key" sh -c '! grep -q "\"score_\|\"unit_name\"\|\"wave\"" default.json'

# ---- unit name and category: the units table's
python3 - all.csv "$GAPSURVEY_DB" >unitcheck.txt <<'PY'
import csv, sqlite3, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
db = {c: (n, k or "") for c, n, k in sqlite3.connect(sys.argv[2]).execute("SELECT code, name, category FROM units")}
bad = [r["unit"] for r in rows if (r["unit_name"], r["unit_category"]) != db[r["unit"]]]
print("ok" if rows and not bad else "bad %s" % bad[:3])
PY
same "unit_name and unit_category are the units table's for every row" "$(cat unitcheck.txt)" ok

# ---- scores: analyze's rule, to the last digit
"$GS" analyze --wave 2025 --json >an.json
"$GS" export --form staff-opinion --wave 2025 --format csv --scores -o s25.csv >/dev/null
python3 - s25.csv an.json >scorecheck.txt <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
an = json.load(open(sys.argv[2]))
dims = [d["code"] for d in an["dimensions"]]
worst, checked, empty = 0.0, 0, 0
for d in dims:
    allv = [float(r["score_" + d]) for r in rows if r["score_" + d] != ""]
    empty += sum(1 for r in rows if r["score_" + d] == "")
    ref = [x for x in an["dimensions"] if x["code"] == d][0]
    assert ref["n"] == len(allv), (d, ref["n"], len(allv))
    worst = max(worst, abs(sum(allv) / len(allv) - ref["mean"]))
    for g in an["groups"]:
        s = (g.get("scores") or {}).get(d)
        if not s:
            continue
        v = [float(r["score_" + d]) for r in rows if r["unit"] == g["code"] and r["score_" + d] != ""]
        assert s["n"] == len(v), (g["code"], d, s["n"], len(v))
        worst = max(worst, abs(sum(v) / len(v) - s["mean"]))
        checked += 1
print("ok" if worst < 1e-6 and checked >= 6 and empty > 0 else "bad worst=%g checked=%d empty=%d" % (worst, checked, empty))
PY
same "per unit and overall, the scores' n and mean are analyze's (1e-6), empty scores included" \
    "$(cat scorecheck.txt)" ok

# ---- several waves in one file
"$GS" export --form staff-opinion --wave 2025 --format csv -o w25.csv >/dev/null
"$GS" export --form staff-opinion --wave 2026 --format csv -o w26.csv >/dev/null
run "$GS" export --form staff-opinion --wave 2025,2026 --format csv -o both.csv
status "--wave 2025,2026" 0
has "... says which waves" "$T/out" "(wave 2025, 2026)"
same "... every response of both" "$(($(wc -l <both.csv) - 1))" "$(($(wc -l <w25.csv) + $(wc -l <w26.csv) - 2))"
same "... with a wave column though not asked for" "$(head -1 both.csv | tr -d '\357\273\277\r' | cut -d, -f2)" wave
same "... telling them apart" "$(cut -d, -f2 both.csv | sed 1d | sort | uniq -c | awk '{print $2 ":" $1}' | paste -sd' ' -)" \
    "2025:$(($(wc -l <w25.csv) - 1)) 2026:$(($(wc -l <w26.csv) - 1))"
run "$GS" export --form staff-opinion --all-waves --format csv -o every.csv
status "--all-waves" 0
check "... the same rows as --wave 2025,2026" cmp -s both.csv every.csv
run "$GS" export --form staff-opinion --wave 2025,1999 --format csv
status "an unknown wave in the list" 1
has "... named" "$T/err" "no wave '1999'"
run "$GS" export --form staff-opinion --wave 2025 --all-waves --format csv
status "--wave with --all-waves: usage error" 2

# ---- the other formats carry the columns too
run "$GS" export --form staff-opinion --all-waves --unit-info --scores --format json -o all.json
status "json with the added columns" 0
check "... numbers for the scores, text for the rest" python3 -c '
import json, sys
d = json.load(open("all.json"))
assert isinstance(d[0]["wave"], str) and isinstance(d[0]["unit_name"], str)
assert any(isinstance(r["score_planning"], float) or isinstance(r["score_planning"], int) for r in d)
assert any(r["score_clean"] is None for r in d)'
run "$GS" export --form staff-opinion --all-waves --unit-info --scores -o all.sav
status "sav with the added columns" 0
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(haven)' >/dev/null 2>&1; then
    out=$(Rscript -e 'x <- haven::read_sav("all.sav"); cat(nrow(x), all(c("unit_name", "unit_category", "wave", "score_planning") %in% names(x)), is.numeric(x$score_planning))' 2>&1)
    same "sav: R haven reads the rows and the columns, scores numeric" "$out" \
        "$(($(wc -l <every.csv) - 1)) TRUE TRUE"
else
    ok "sav: R haven not installed"
fi
run "$GS" export --form staff-opinion --all-waves --scores --format xlsx -o all.xlsx
status "xlsx with the added columns" 0

# ---- plain is the import format: refused, it would not import
run "$GS" export --form staff-opinion --format plain --scores
status "plain with --scores: usage error" 2
has "... saying why" "$T/err" "do not go with plain, the import format"
run "$GS" export --form staff-opinion --format plain --all-waves
status "plain with several waves: usage error" 2

# ---- a question with an added column's name
sed 's/^,text,comment,/,text,wave,/' "$Q/staff-opinion.csv" >clash.csv
export GAPSURVEY_DB="$T/clash.db"
"$GS" init >/dev/null
"$GS" form add clash.csv >/dev/null 2>&1
"$GS" simulate --units 2 --staff 3 --seed 1 >/dev/null 2>&1
run "$GS" export --form staff-opinion --format csv --wave-column
status "--wave-column where a question is called wave: refused" 1
has "... naming the option, the column and the form" "$T/err" \
    "--wave-column adds a column 'wave', and form staff-opinion has a question of that name"
