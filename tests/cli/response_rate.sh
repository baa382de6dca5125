# Response rates are measured against what is known of each unit: the
# invitations issued to it, else its headcount; a low rate is a finding
# that says which.  Units without any response, and units whose rate has
# no base while others' have, are listed once, never as one "0 responses,
# 0% of those invited" finding per unit (a survey of 3 of 40 units once
# gave 38 of those).
. "$ROOT/tests/cli/lib.sh"

{
    echo "code,name,category,parent,headcount"
    echo "U01,市委办公室,党委部门,,60"
    echo "U02,市委组织部,党委部门,,300"
    echo "U03,市委宣传部,党委部门,,"
    # the other 37 under their names in the form's unit list (one list of
    # units: the form and the table must agree), 40 staff each
    awk -F, 'NR > 4 { print $1 "," $2 "," $3 ",," 40 }' "$Q/units-sample.csv"
} >units.csv
run "$GS" init
run "$GS" unit import units.csv
status "40 units, U03 without a headcount" 0
run "$GS" simulate --units 3 --staff 20 --seed 3
status "responses from U01-U03 only" 0
run "$GS" token issue --form staff-opinion --unit U01 --count 200
status "200 invitations for U01" 0

"$GS" analyze --json >"$T/a.json" 2>"$T/err"
python3 - "$T/a.json" >"$T/facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
low = {f["group"]: f["values"] for f in d["findings"] if f["kind"] == "low_response"}
print("low", sorted(low))
print("U01 invited", low.get("U01", {}).get("invited"), "headcount", low.get("U01", {}).get("headcount"))
print("U02 headcount", low.get("U02", {}).get("headcount"), "invited", low.get("U02", {}).get("invited"))
print("silent", len(d["units_without_responses"]), d["units_without_responses"][:2])
print("unrated", d["units_without_rate"])
print("basis", [(g["code"], g.get("rate_basis")) for g in d["groups"]])
PY
has "low response: U01 and U02 only, no unit without responses" "$T/facts" "low ['U01', 'U02']"
has "U01's rate is against its 200 invitations" "$T/facts" "U01 invited 200 headcount None"
has "U02's against its headcount of 300 (no invitations)" "$T/facts" "U02 headcount 300 invited None"
has "the 37 units without a response are listed once" "$T/facts" "silent 37 ['U04', 'U05']"
has "U03 (responses, neither invitations nor headcount) has no rate" "$T/facts" "unrated ['U03']"
has "each group says what its rate is against" "$T/facts" \
    "basis [('U01', 'invitations'), ('U02', 'headcount'), ('U03', None)]"

run "$GS" analyze
hasnot "no '0 responses' finding" "$T/out" "0 responses"
same "two low-response findings in the text" "$(grep -c 'low response rate' "$T/out")" 2
has "... one against invitations" "$T/out" "6 responses from 200 invited (3%)"
has "... one against the headcount" "$T/out" "from a headcount of 300"
same "one line names the units without a response" "$(grep -c 'no response in this wave' "$T/out")" 1
has "... by code when there are many" "$T/out" "37 units have no response in this wave: U04, U05"
has "one line names the unit without a rate" "$T/out" \
    "1 unit has responses but no response rate (no invitations issued to it, no headcount in the units list): "

run "$GS" --lang zh analyze
same "zh: two low-response findings" "$(grep -c '回收率偏低' "$T/out")" 2
hasnot "zh: no 应答 (it means 'should answer')" "$T/out" "应答"
same "zh: one line for the units without a response" "$(grep -c '37个单位' "$T/out")" 1

run "$GS" report --out "$T/rep" --no-plots --format md
status "report" 0
same "report: the units without a response once, not as findings" \
    "$(grep -c 'U04' "$T/rep/report.md")" 1
has "report: the rates by their base" "$T/rep/report.md" "1 unit was sent 200 invitations and returned 6 responses (3%)."
has "report: ... and the headcount" "$T/rep/report.md" "1 unit without invitations has a headcount of 300"
has "report: U03 has no rate" "$T/rep/report.md" "no headcount in the units list): Publicity Department of the Municipal Party Committee (U03)."
