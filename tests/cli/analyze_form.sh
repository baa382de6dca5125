# analyze (and report) without --form: the staff form whose version has
# the most responses, the first in form list's order on a tie; a self
# form is never taken; none at all is an error naming 'form add'.  With
# one staff form_id it is taken without counting responses (an_run's
# default_form), with several the counts decide: both ways are checked.
. "$ROOT/tests/cli/lib.sh"

run "$GS" init
run "$GS" analyze
status "no form: an error" 1
has "no form: says to add one" "$T/err" "no staff questionnaire is stored"
run "$GS" form add "$Q/five-type-self-assessment.csv"
run "$GS" analyze
status "a self form only: an error" 1
has "a self form only: it is not analysed" "$T/err" "no staff questionnaire is stored"
run "$GS" form add "$Q/staff-opinion.csv"
run "$GS" analyze
status "one staff form without responses: an error" 1
has "one staff form: it is the one taken" "$T/err" "no responses to staff-opinion yet"

# a second staff form (of the shipped units): mini-multi, no dimensions,
# so an analysis of it stops saying so, which names it
form_with_units "$FIX/import/mini-form.csv" "$Q/units-sample.csv" mini.csv
run "$GS" form add mini.csv
status "a second staff form" 0
run "$GS" analyze
status "two staff forms, no responses: the first listed" 1
has "two staff forms, no responses: mini-multi, first in form_id order" "$T/err" \
    "form mini-multi has no dimensions to analyse"
run "$GS" import "$FIX/import/staff-sim.csv" --form staff-opinion
status "31 responses to staff-opinion" 0
run "$GS" analyze --json
status "staff-opinion has more responses: it is analysed" 0
has "staff-opinion has more responses: the result is of it" "$T/out" '"form": "staff-opinion"'
run "$GS" import "$FIX/import/mini-plain.csv" --form mini-multi
status "6 responses to mini-multi" 0
run "$GS" analyze --json
has "31 responses against 6: still staff-opinion" "$T/out" '"respondents": 31'
run "$GS" analyze --form mini-multi
status "--form names the other one" 1
has "--form names the other one: it is taken" "$T/err" "form mini-multi has no dimensions"
