/*
 * export/rows: the one reading of responses every export writer shares.
 * Each response is handed over as a row of canonical answer texts by item
 * position, with "not applicable" marked where the form's `relevant` logic
 * skipped an item; units as codes.  Read with store_scan, one response at a
 * time, so memory does not grow with their number.
 */
#ifndef GS_EXPORT_ROWS_H
#define GS_EXPORT_ROWS_H

#include "base/err.h"
#include "survey/form.h"
#include "survey/store.h"


/* One response.  val[pos]: canonical answer text of item pos, NULL when
 * unanswered; na[pos]: 1 when unanswered because the form's `relevant`
 * logic skipped the item (not applicable rather than not answered). */
typedef struct {
    const char *unit;    /* unit code, "" when none */
    const char *const *val;
    const unsigned char *na;
} exp_row_t;

typedef int (*exp_row_fn)(void *ud, const exp_row_t *r);
int exp_scan(store_t *s, const form_t *f, const char *form_id, int wave, exp_row_fn fn,
             void *ud, err_t *err);

/* Items that get a column: those taking an answer, except one called
 * `unit` (the unit column holds its answer). */
int exp_item_exported(const form_t *f, size_t pos);
/* The label of choice c in language li, or its name when it has none. */
const char *exp_choice_label(const form_t *f, const form_list_t *l, size_t c, int li);
/* The label of the answer v to item it (select: choice labels joined by
 * "; "; anything else: v); heap. */
char *exp_answer_label(const form_t *f, const form_item_t *it, const char *v, int li);

#endif
