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
    int min_n;                  /* default 5 */
    double min_diff;            /* default 5 points */
    double fdr;                 /* default 0.05 */
    const char *lang;           /* "zh" or "en": labels, and the words of the JSON */
    /* NULL, or called every few thousand responses read, with the
     * responses read so far and the number the scans will read (a
     * command draws a progress line with it; the library prints nothing).
     * Counting them costs a query, made only when this is set. */
    void (*progress)(void *ud, long done, long total);
    void *progress_ud;
} an_opts_t;

void an_opts_default(an_opts_t *o);

/* Runs the analysis.  *out is the caller's (res_free).  Returns 0, or -1
 * with *err (heap): no such form or wave, no responses, bad --by item. */
int an_run(store_t *s, const an_opts_t *o, res_t **out, err_t *err);

#endif
