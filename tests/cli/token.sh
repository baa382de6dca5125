# Invitation codes: `token issue` prints fresh readable codes as CSV and
# stores only their hashes, `--slips` writes printable slips with QR codes,
# `token list` shows counts per unit and never a code; bad input is refused
# with nothing stored.
. "$ROOT/tests/cli/lib.sh"

"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" "$Q/five-type-self-assessment.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1

run "$GS" token issue --form staff-opinion --unit U07 --count 200
status "issue 200 codes" 0
same "CSV header" "$(head -n 1 "$T/out")" "code,unit,link"
same "200 rows" "$(tail -n +2 "$T/out" | wc -l | tr -d ' ')" 200
tail -n +2 "$T/out" | cut -d, -f1 > codes.txt
same "every code is XXXX-XXXX-XXXX-XXXX from the readable alphabet" \
    "$(grep -cvE '^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$' codes.txt)" 0
same "no 0, O, 1, I or l anywhere" "$(grep -c '[0O1Il]' codes.txt)" 0
same "all distinct" "$(sort -u codes.txt | wc -l | tr -d ' ')" 200
same "all 32 letters of the alphabet occur (80 random bits each)" \
    "$(tr -d '\n-' < codes.txt | fold -w1 | sort -u | wc -l | tr -d ' ')" 32
C1=$(head -n 1 codes.txt)
has "the unit column" "$T/out" "$C1,U07,"
has "the link carries the code" "$T/out" "http://127.0.0.1:8080/?code=$C1"
has "a summary on stderr, naming the form by its title (in the language of the message) and the unit by its name" "$T/err" \
    "200 codes for \"Model Agency Staff Questionnaire\", unit 市委政策研究室 (U07), stored as hashes"

same "200 tokens stored" "$(sql 'select count(*) from tokens')" 200
same "stored as 64 hex digits" "$(sql "select hash from tokens" | grep -cE '^[0-9a-f]{64}$')" 200
same "no code is in the database" "$(grep -c -F -f codes.txt "$GAPSURVEY_DB" "$GAPSURVEY_DB-wal" 2>/dev/null | awk -F: '{s += $NF} END {print s + 0}')" 0
want=$(python3 -c "import hashlib,sys; print(hashlib.sha256(sys.argv[1].replace('-','').encode()).hexdigest())" "$C1")
same "the hash is SHA-256 of the code without dashes" "$(sql "select count(*) from tokens where hash = '$want'")" 1

run "$GS" --lang zh token issue --form staff-opinion --unit U12 --count 10 --base-url https://survey.intranet:8443/ --slips slips.html
status "issue with --slips and --base-url" 0
has "links use the base URL" "$T/out" "https://survey.intranet:8443/?code="
check "the slips file exists" test -s slips.html
same "one QR code (SVG) per code" "$(grep -o '<svg' slips.html | wc -l | tr -d ' ')" 10
same "eight slips to a sheet: two sheets" "$(grep -o 'class="sheet"' slips.html | wc -l | tr -d ' ')" 2
has "A4 pages" slips.html "@page{size:A4"
C2=$(sed -n 2p "$T/out" | cut -d, -f1)
has "a slip shows the code" slips.html "<p class=\"code\">$C2</p>"
has "and the address to type" slips.html "https://survey.intranet:8443/"
has "and the unit" slips.html "市教育局"
has "and the form title" slips.html "模范机关创建干部职工问卷"
B=http://192.168.1.20:8080/
run "$GS" --lang zh token issue --form staff-opinion --unit U12 --count 1 --base-url $B --slips zh.html
cp "$T/err" "$T/zh.err"
has "Chinese slips with --lang zh" zh.html "您的邀请码"
has "the instructions in Chinese" zh.html "用手机扫描二维码"
has "the Chinese title" zh.html "<p class=\"title\">模范机关创建干部职工问卷</p>"
hasnot "no English instructions" zh.html "Scan the QR code"
run "$GS" --lang en token issue --form staff-opinion --unit U12 --count 1 --base-url $B --slips en.html
has "English slips with --lang en" en.html "Your invitation code"
has "the instructions in English" en.html "Scan the QR code with a phone"
has "the English title (form_title::English)" en.html "<p class=\"title\">Model Agency Staff Questionnaire</p>"
has "... and the message names it so (it named the Chinese title)" "$T/err" \
    'token: 1 code for "Model Agency Staff Questionnaire", unit'
has "the Chinese message, the Chinese title" "$T/zh.err" '生成“模范机关创建干部职工问卷”邀请码1个'

has "an English page" en.html '<html lang="en">'
hasnot "no Chinese title on an English slip" en.html "干部职工问卷"
hasnot "no Chinese instructions" en.html "用手机扫描"
run "$GS" --lang zh token issue --form five-type-self --unit U01 --count 1 --base-url $B --slips self.html
has "a self-assessment slip says the unit answers as a unit" self.html "本问卷为单位自评，请代表本单位整体填报"
hasnot "and promises no anonymity" self.html "问卷匿名"
has "a staff slip does promise it" zh.html "问卷匿名"

# ---- slips need an address phones can reach ----
n0=$(sql 'select count(*) from tokens')
run "$GS" token issue --form staff-opinion --unit U12 --count 2 --slips nobase.html
status "--slips without --base-url: usage" 2
has "it says what to pass" "$T/err" "--slips needs --base-url"
check "no slips written" test ! -e nobase.html
for u in http://127.0.0.1:8080/ http://localhost:8080 "http://[::1]:8080/" http://0.0.0.0:8080/; do
    run "$GS" token issue --form staff-opinion --unit U12 --count 2 --base-url "$u" --slips loop.html
    status "--slips with the loopback $u: usage" 2
    has "it says why and what to pass instead" "$T/err" "is this computer's own address"
done
check "no slips written" test ! -e loop.html
same "and no code stored" "$(sql 'select count(*) from tokens')" "$n0"
run "$GS" token issue --form staff-opinion --unit U12 --count 1 --base-url http://127.0.0.1:8080/
status "a loopback address without --slips is still fine (the CSV, for a test on this computer)" 0

run "$GS" token issue --form staff-opinion --count 3
status "no --unit: allowed when the form asks for the unit" 0
has "with an empty unit" "$T/out" ",,http://"
run "$GS" token issue --form five-type-self --unit U01 --count 1 --base-url http://10.0.0.5:8080
has "a base URL without a path gets /" "$T/out" "http://10.0.0.5:8080/?code="

# ---- refused, nothing stored ----
n0=$(sql 'select count(*) from tokens')
run "$GS" token issue --form nosuch --unit U07 --count 3
status "unknown form: exit 1" 1
has "says so" "$T/err" "no form 'nosuch'"
run "$GS" token issue --form staff-opinion --unit U99 --count 3
status "unknown unit: exit 1" 1
has "says so" "$T/err" "no unit 'U99'"
run "$GS" token issue --form staff-opinion --unit U07 --count 0
status "--count 0: usage" 2
run "$GS" token issue --form staff-opinion --unit U07 --count many
status "--count many: usage" 2
run "$GS" token issue --unit U07 --count 3
status "no --form: usage" 2
run "$GS" token issue --form staff-opinion --unit U07 --count 3 --wave 1999
status "unknown wave: exit 1" 1
has "with advice" "$T/err" "gapsurvey wave add 1999"
run "$GS" token issue --form staff-opinion --unit U07 --count 3 --base-url ftp://x/
status "a base URL that is not http(s): usage" 2
run "$GS" token issue --form staff-opinion --unit U07 --count 3 --base-url $B --slips /nonexistent/dir/s.html
status "slips that cannot be written: exit 1" 1
same "and no code stored" "$(sql 'select count(*) from tokens')" "$n0"
hasnot "and no code printed" "$T/out" "code,unit,link"
run "$GS" token isue
status "a misspelt subcommand: usage" 2
has "with a hint" "$T/err" "did you mean 'issue'?"

# ---- list ----
sql "update tokens set used = 1 where hash in (select t.hash from tokens t join units u on u.id = t.unit where u.code = 'U07' limit 3)"
run "$GS" token list
status "token list" 0
has "U07: 200 issued, 3 used" "$T/out" "U07   市委政策研究室     200     3    2%"
has "U12" "$T/out" "U12"
has "codes without a unit" "$T/out" "staff-opinion   $(sql 'select name from waves limit 1')  -  "
hasnot "never a code" "$T/out" "$C1"
has "a total" "$T/out" "total 218 issued, 3 used"
