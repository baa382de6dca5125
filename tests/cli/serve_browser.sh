# Browser test of the web form: Debian's Chromium driven by playwright-core
# (tests/browser/staff.mjs) opens the code page, fills in the whole staff
# questionnaire, submits and sees the thank-you page, then does the
# self-assessment on a phone-sized screen with a constraint error; then
# (tests/browser/phone.mjs) as an iPhone pages through the staff
# questionnaire, reopens it mid-way from the draft in localStorage and
# finishes, and does it again with JavaScript off; then (console.mjs) an
# organiser signs in to the survey console and looks at it in both
# languages, switches waves and downloads the CSV.  The
# screenshots land in tests/browser/out/ for a person to look at.  Skips
# (with the reason) only where Chromium or Node.js is not installed.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"

B="$ROOT/tests/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! command -v node >/dev/null 2>&1; then
    ok "browser test skipped: needs $CHROMIUM and node (apt-get install chromium nodejs npm)"
    exit 0
fi
# playwright-core 1.65 needs Node.js 20; Debian 12's own nodejs is 18
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    ok "browser test skipped: playwright-core needs Node.js >= 20, this is $(node --version)"
    exit 0
fi
if [ ! -d "$B/node_modules/playwright-core" ]; then
    # the driver is pinned in package-lock.json; CI runs the same command
    if ! npm ci --prefix "$B" --no-audit --no-fund >"$T/npm.log" 2>&1; then
        notok "npm ci --prefix tests/browser failed"
        sed 's/^/# /' "$T/npm.log" | tail -n 20
        exit 1
    fi
fi

"$GS" init >/dev/null 2>&1
"$GS" form add "$Q/staff-opinion.csv" "$Q/five-type-self-assessment.csv" >/dev/null 2>&1
"$GS" unit import "$Q/units-sample.csv" >/dev/null 2>&1
STAFF=$("$GS" token issue --form staff-opinion --unit U07 --count 1 2>/dev/null | sed -n 2p | cut -d, -f1)
SELF=$("$GS" token issue --form five-type-self --unit U01 --count 1 2>/dev/null | sed -n 2p | cut -d, -f1)
"$GS" token issue --form staff-opinion --unit U07 --count 2 2>/dev/null > phone-codes.csv
PHONE1=$(sed -n 2p phone-codes.csv | cut -d, -f1)
PHONE2=$(sed -n 3p phone-codes.csv | cut -d, -f1)
serve_start

mkdir -p "$B/out"
CHROMIUM="$CHROMIUM" timeout 120 node "$B/staff.mjs" "$URL" "$STAFF" "$SELF" "$B/out"
st=$?
[ $st -eq 0 ] || notok "the browser run exited $st"
CHROMIUM="$CHROMIUM" timeout 180 node "$B/phone.mjs" "$URL" "$PHONE1" "$PHONE2" "$B/out"
st=$?
[ $st -eq 0 ] || notok "the phone run exited $st"

same "the staff responses are stored (desktop, paged with a draft, paged without script)" "$(sqlite3 "$GAPSURVEY_DB" "select count(*) from responses r join forms f on f.id = r.form where f.form_id = 'staff-opinion'")" 3
# ids are random, so the three are told apart by nothing: each must hold
# every Likert answer (38), the paged ones included
same "every Likert answer in each, the paged ones included" "$(asql "select group_concat(n, ' ') from (select count(*) as n from answers a join items i on i.id = a.item join responses r on r.id = a.response where i.dimension is not null and i.form = (select id from forms where form_id = 'staff-opinion') group by r.id)")" "38 38 38"
same "with every Likert answer (38 each)" "$(asql "select count(*) from answers a join items i on i.id = a.item where i.dimension is not null and i.form = (select id from forms where form_id = 'staff-opinion')")" 114
same "the relevant follow-up is kept" "$(asql "select text from answers a join items i on i.id = a.item where i.name = 'ef3_why'")" "The complaint window backlog"
same "the text stored as typed" "$(asql "select count(*) from answers where text = '<script>alert(\"x\")</script> 建议加强培训'")" 1
same "the corrected self-assessment is stored once" "$(sqlite3 "$GAPSURVEY_DB" "select count(*) from responses r join forms f on f.id = r.form where f.form_id = 'five-type-self'")" 1
same "every code is used" "$(sqlite3 "$GAPSURVEY_DB" "select sum(used) from tokens")" 4

# the survey console: a closed pilot wave beside the live one, looked at
# in both languages, on a desktop and a phone
"$GS" simulate --units 16 --staff 9 --seed 2 --wave pilot >/dev/null 2>&1
"$GS" wave close pilot >/dev/null 2>&1
CHROMIUM="$CHROMIUM" timeout 120 node "$B/console.mjs" "$URL" "$ADMIN" pilot "$B/out"
st=$?
[ $st -eq 0 ] || notok "the console run exited $st"
