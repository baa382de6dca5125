# The paged web form without any script (curl): a page per group (and per
# repeat), "Page k of n", each page checked on its own when Next is
# pressed, the answers of the other pages carried in hidden fields, back
# with Previous, repeats added on their page, and Submit on the last page
# going back to the first page with a problem.  Phones get it on their
# own; ?pages=1 asks for it anywhere.  tests/browser/phone.mjs does the
# same in Chromium with the draft kept in localStorage.
. "$ROOT/tests/cli/lib.sh"
. "$ROOT/tests/cli/serve_lib.inc"
F="$FIX/xlsform/repeats.csv"
"$GS" init >/dev/null
# the form's own unit list (U01, U02) fills the units table
"$GS" form add "$F" >/dev/null
run "$GS" token issue --form repeats --unit U01 --count 2
cp "$T/out" codes.csv
C1=$(code 1)
ans() {
    sql "SELECT a.text FROM answers a JOIN items i ON i.id = a.item
        WHERE i.name = '$1' AND a.response = $(newest)"
}
serve_start

fetch desk "$URL/?code=$C1&lang=en"
hasnot "a desktop browser gets the whole form on one page" "$T/desk.html" 'name="page"'
fetch phone "$URL/?code=$C1&lang=en" -A 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36'
has "a phone gets it a page at a time" "$T/phone.html" "Page 1 of 4"
fetch p1 "$URL/?code=$C1&lang=en&pages=1"
has "?pages=1 asks for pages" "$T/p1.html" '<progress max="4" value="1"></progress> Page 1 of 4'
has "page 1: the first question" "$T/p1.html" 'name="q_n"'
hasnot "... and not the repeats of later pages" "$T/p1.html" 'name="add_ev"'
has "no Submit before the last page, Next instead" "$T/p1.html" 'id="next" name="next" value="Next"'
CS=$(csrf_of "$T/p1.html")
SEED=$(seed_of "$T/p1.html")
post() { n=$1; shift; fetch "$n" "$URL/submit" -d code="$C1" -d csrf="$CS" -d lang=en \
    -d seed="$SEED" -d pages=1 "$@"; }

post e1 -d page=1 -d next=x -d n_ev=0 -d n_kid=0
has "Next with a required question empty: the same page" "$T/e1.html" "Page 1 of 4"
has "... with the problem beside it" "$T/e1.html" '<p class="err" id="e-n">Please answer this question</p>'
post p2 -d page=1 -d next=x -d q_n=1 -d n_ev=0 -d n_kid=0
has "answered: page 2 (the events)" "$T/p2.html" "Page 2 of 4"
has "... page 1's answer carried along" "$T/p2.html" '<input type="hidden" name="q_n" value="1">'
post p2b -d page=2 -d q_n=1 -d n_ev=0 -d n_kid=0 -d add_ev=x
has "add an event: still page 2, with it" "$T/p2b.html" 'name="q_what#1"'
has "... on page 2" "$T/p2b.html" "Page 2 of 4"
post p3 -d page=2 -d next=x -d q_n=1 -d n_ev=1 -d 'q_what#1=Award' -d 'q_when#1=2026-05-01' \
    -d n_kid=1
has "Next: page 3 (the children, one as n says)" "$T/p3.html" 'name="q_age#1"'
has "... the event carried in hidden fields" "$T/p3.html" '<input type="hidden" name="q_what#1" value="Award">'
post p2c -d page=3 -d prev=x -d q_n=1 -d n_ev=1 -d 'q_what#1=Award' -d n_kid=1 -d 'q_age#1=4'
has "Previous: page 2 with the event as given" "$T/p2c.html" 'name="q_what#1">Award</textarea>'
has "... and page 3's answer carried" "$T/p2c.html" '<input type="hidden" name="q_age#1" value="4">'
post p4 -d page=3 -d next=x -d q_n=1 -d n_ev=1 -d 'q_what#1=Award' -d 'q_pts#1=5' -d n_kid=1 \
    -d 'q_age#1=4'
has "the last page submits" "$T/p4.html" 'id="send" name="send" value="Submit"'
has "... its label shows the calculation over the events of page 2" "$T/p4.html" "Total points 5"
post s1 -d page=4 -d send=x -d q_n=1 -d n_ev=1 -d 'q_what#1=Award' -d n_kid=1 -d 'q_age#1=' \
    -d q_last=ok
has "Submit with a problem on page 3: back there" "$T/s1.html" "Page 3 of 4"
has "... the problem shown" "$T/s1.html" 'id="e-age#1"'
post s2 -d page=4 -d send=x -d q_n=1 -d n_ev=1 -d 'q_what#1=Award' -d 'q_pts#1=3' -d n_kid=1 \
    -d 'q_age#1=4' -d q_last=ok
has "Submit: stored" "$T/s2.html" "Thank you"
same "every page's answers stored" "$(ans n) $(ans last) $(ans total)" "1 ok 3"
same "the repeats too" "$(ans kid)" "age
4"
serve_kill
