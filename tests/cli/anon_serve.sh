# Anonymity of what is stored, exported, logged and reported: after a web
# submission by invitation code and an import, no response row, export,
# log line, report or plot holds the code, its hash, an IP address or a
# time of day, and the schema has no place for them.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"

"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
run "$GS" token issue --form staff-opinion --unit U07 --count 6
status "codes" 0
tail -n +2 "$T/out" | cut -d, -f1 >codes.txt
serve_start
acked=0
while read -r c; do
    fetch f "$URL/?code=$c&lang=en" -H 'X-Forwarded-For: 203.0.113.77'
    cs=$(csrf_of "$T/f.html")
    # shellcheck disable=SC2046
    fetch s "$URL/submit" --data-urlencode "code=$c" -d "csrf=$cs" -d lang=en -d q_position=clerk \
        -d q_party=yes -d q_years=lt3 $(likert_args $((acked % 5 + 1))) \
        -H 'X-Forwarded-For: 203.0.113.77' -H 'User-Agent: Mozilla/5.0 (UA-MARKER)'
    [ "$CODE_HTTP" = 200 ] && acked=$((acked + 1))
done <codes.txt
same "6 submissions acknowledged" "$acked" 6
serve_kill
# more respondents in other units of the same wave, so the report has
# several shown units (a funnel of one group crashes gnuplot 5.4: see
# tests/fuzz/README.md)
python3 - <<'PY'
import random
random.seed(4)
lik = ("po1 po2 po3 po4 po5 le1 le2 le3 le4 le5 ef1 ef2 ef3 ef4 ef5 ef6 cl1 cl2 cl3 cl4 cl5 "
       "vi1 vi2 vi3 vi4 vi5 vi6 un1 un2 un3 un4 un5 un6 pl1 pl2 pl3 pl4 pl5").split()
rows = [",".join(["unit", "position", "party", "years"] + lik)]
for u in ("U01", "U02", "U03"):
    for i in range(12):
        rows.append(",".join([u, "section", "no", "gt10"] + [str(random.randint(1, 5)) for _ in lik]))
open("more.csv", "w").write("\n".join(rows) + "\n")
PY
"$GS" import more.csv --form staff-opinion --format plain >/dev/null 2>&1

# every trace the respondents could leave
sed 's/-//g' codes.txt >codes_norm.txt
for c in $(cat codes_norm.txt); do printf '%s' "$c" | sha256sum | cut -d' ' -f1; done >hashes.txt
if pg_backend; then
    "$(dirname "$PSQL")/pg_dump" -a -t gapsurvey.responses "$GAPSURVEY_DB" >dump.sql
    columns responses | sed 's/^/ /' >schema.sql
else
    sqlite3 "$GAPSURVEY_DB" '.dump responses' >dump.sql
    sqlite3 "$GAPSURVEY_DB" "select sql from sqlite_master where name = 'responses'" >schema.sql
fi
# the answers packed in responses.answers, decoded: their texts as stored
asql "SELECT response, item, num, text FROM answers" >>dump.sql
run "$GS" export --form staff-opinion --format csv -o e.csv
run "$GS" export --form staff-opinion --format json -o e.json
run "$GS" analyze --json
cp "$T/out" a.json
run "$GS" report --out rep --lang en
status "report" 0
# the start-up lines name the server's own listening address; every other
# line must be free of any client's
cat "$T/serve.out" "$T/serve.err" | grep -v "^gapsurvey: serving \|^admin page: " >serve.log

notrace() {   # NAME FILE...
    n=$1; shift
    found=""
    for f in "$@"; do
        grep -qaiF -f codes.txt "$f" && found="$found $f(code)"
        grep -qaiF -f codes_norm.txt "$f" && found="$found $f(code)"
        grep -qaF -f hashes.txt "$f" && found="$found $f(hash)"
        grep -qaE '127\.0\.0\.1|203\.0\.113\.77|::1\b' "$f" && found="$found $f(ip)"
        grep -qaF 'UA-MARKER' "$f" && found="$found $f(user agent)"
        grep -qaE '(^|[^0-9])([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]' "$f" && found="$found $f(time)"
    done
    if [ -z "$found" ]; then ok "$n: no code, hash, IP, user agent or time of day"; else
        notok "$n:$found"; fi
}
notrace "responses and answers rows" dump.sql
notrace "export csv" e.csv
notrace "export json" e.json
notrace "analyze --json" a.json
notrace "the server's log" serve.log
notrace "report.html and report.md" rep/report.html rep/report.md
notrace "report tables" rep/*.csv
notrace "plot data and scripts" rep/plots/*.dat rep/plots/*.gp
hasnot "responses have no token column" schema.sql "token"
hasnot "responses have no address column" schema.sql " ip"
same "submitted_on is the ISO week, without day or time" \
    "$(sql "select submitted_on from responses" | grep -cvE '^[0-9]{4}-W[0-9]{2}$')" 0
same "responses are not stored in submission order of codes (no rowid link to tokens)" \
    "$(columns tokens | grep -cxE 'response|response_id')" 0
