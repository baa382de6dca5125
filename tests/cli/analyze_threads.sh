# analyze's second thread (analysis/scan.c): once a scan has read a batch
# of responses, the accumulators are fed on a thread of their own, batch
# by batch in the order read.  The results must be the same bytes whatever
# the batch (GAPSURVEY_SCAN_BATCH): inline (no thread), one respondent per
# batch, 7 (many hand-overs, the last one partial) and the default (a
# thread from the 1,024th response on, here about 1,800 per wave): every
# statistic, each grouping, a comparison wave, the screen leaving
# respondents out, --items and --crosstab, and the report with its quoted
# comments (a simulated tenth of the staff comment).
. "$ROOT/tests/cli/lib.sh"

run "$GS" init
run "$GS" simulate --units 60 --staff 30 --seed 11 --careless 0.05 --missing 0.05 --wave 2025
status "simulate 2025" 0
run "$GS" simulate --units 60 --staff 30 --seed 12 --careless 0.03 --wave 2026
status "simulate 2026" 0

i=0
for args in "--json" \
    "--json --compare-wave 2025 --validity --drivers --screen" \
    "--json --exclude-careless --compare-wave 2025" \
    "--json --by category --screen" \
    "--json --by position --items --crosstab party,years" \
    "--json --items --crosstab position,party --comment-min 5" \
    "--lang zh"; do
    i=$((i + 1))
    # shellcheck disable=SC2086  # the options split on purpose
    GAPSURVEY_SCAN_BATCH=inline run "$GS" analyze $args
    status "analyze $args, inline" 0
    cp "$T/out" "$T/inline-$i"
    for b in 1 7 default; do
        if [ "$b" = default ]; then
            # shellcheck disable=SC2086
            run "$GS" analyze $args
        else
            # shellcheck disable=SC2086
            GAPSURVEY_SCAN_BATCH=$b run "$GS" analyze $args
        fi
        check "analyze $args: batches of $b give the bytes of inline" cmp -s "$T/out" "$T/inline-$i"
    done
done
# the results are not empty and hold what the comparison is about
has "the default run has the units" "$T/inline-1" '"code": "U01"'
has "the comparison wave's changes are there" "$T/inline-2" '"changes"'
has "the screen is there" "$T/inline-2" '"careless"'

GAPSURVEY_SCAN_BATCH=inline run "$GS" report --wave 2026 --comment-min 5 --no-plots --out "$T/rep-inline"
status "report, inline" 0
run "$GS" report --wave 2026 --comment-min 5 --no-plots --out "$T/rep-thread"
status "report, the default batches" 0
check "report: the same files" diff -r "$T/rep-inline" "$T/rep-thread"
check "report: staff comments are quoted" grep -qF "多抓落实" "$T/rep-thread/report.html"

GAPSURVEY_SCAN_BATCH=0 run "$GS" analyze
status "GAPSURVEY_SCAN_BATCH=0: a usage error" 2
has "GAPSURVEY_SCAN_BATCH=0: says what it takes" "$T/err" "GAPSURVEY_SCAN_BATCH must be a whole number"
