/*
 * analyze: the analysis engine.  One streaming pass over a form's responses
 * in a wave feeds accumulators whose size depends on groups x items, never
 * on the number of respondents; the statistics of DESIGN.md section 5 are
 * then computed from those accumulators into a res_t (results.h).
 */
#ifndef GS_ANALYZE_H
#define GS_ANALYZE_H

#include "analysis/results.h"
#include "base/err.h"
#include "survey/store.h"

typedef struct {
    const char *form_id;        /* NULL: the staff-role form with the most responses */
    const char *wave;           /* NULL: the newest wave with responses to the form */
    const char *by;             /* NULL or "unit": units; else a select_one item name */
    const char *compare_wave;   /* NULL: no wave-over-wave changes */
    int min_n;                  /* default 5; below RES_MIN_N_SAFE only with
                                   allow_small_groups */
    int allow_small_groups;     /* 1: min_n may be below RES_MIN_N_SAFE (every
                                   output then says so) */
    int comment_min;            /* quote a unit's comments from this many
                                   respondents, default RES_COMMENT_MIN; never
                                   below min_n (raised to it) */
    double min_diff;            /* default 5 points */
    double fdr;                 /* default 0.05 */
    const char *lang;           /* "zh" or "en": labels, and the words of the JSON */
    int validity;               /* measurement quality: KMO .. CFA (res_t.validity) */
    size_t factors;             /* EFA factors; 0: the form's dimensions */
    size_t pa_iterations;       /* parallel analysis: simulated data sets (default 100) */
    unsigned long pa_seed;      /* and their seed (default 1) */
    int drivers;                /* key drivers of the form's outcome (res_t.drivers) */
    int screen;                 /* careless-answer screening (res_t.careless) */
    int exclude_careless;       /* screen, and leave the flagged out of everything */
    int questions;              /* 1: count every question (res_t.questions) */
    const char *crosstab;       /* NULL, or "A,B": cross-tabulate two questions */
    int rollup;                 /* 1: by unit, also the analysis by category
                                   (res_t.rollup: the units table's subtotals) */
    /* NULL, or called every few thousand responses read, with the
     * responses read so far and the number the scans will read (a
     * command draws a progress line with it; the library prints nothing).
     * Counting them costs a query, made only when this is set. */
    void (*progress)(void *ud, long done, long total);
    void *progress_ud;
    /* respondents the scan hands to its accumulating thread at once: 0
     * the default (SCAN_BATCH_DEFAULT), -1 no second thread; the results
     * are the same either way (scan.h) */
    long scan_batch;
} an_opts_t;

void an_opts_default(an_opts_t *o);

/* Runs the analysis.  *out is the caller's (res_free).  Returns 0, or -1
 * with err: no such form or wave, no responses, bad --by item or
 * --crosstab question, min_n below RES_MIN_N_SAFE without
 * allow_small_groups. */
int an_run(store_t *s, const an_opts_t *o, res_t **out, err_t *err);

#endif
