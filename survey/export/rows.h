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
#include "survey/export/format.h"
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
/* Calls fn for each row of the table o->table (the one table of f when
 * that is NULL): f is then that table's form. */
int exp_scan(store_t *s, const form_t *f, const char *form_id, int wave, const exp_opts_t *o,
             exp_row_fn fn, void *ud, err_t *err);

/* A form with repeats is written as tables, each a file of its own: the
 * main one, a row per response, with _index (its number) first; and one
 * per repeat, a row per instance, with _parent_index (the response's
 * _index) and _index (the instance's number).  Each table is given to
 * the writers as a form whose questions are its columns (it borrows the
 * lists and texts of the form it comes from). */
typedef struct exp_table {
    form_t form;
    const form_t *parent;
    long repeat;         /* begin_repeat position in parent; -1: the main table */
    long *src;           /* form.items[k] is parent item src[k]; EXP_INDEX, EXP_PARENT */
} exp_table_t;
#define EXP_INDEX (-1)
#define EXP_PARENT (-2)
int exp_has_repeats(const form_t *f);
exp_table_t *exp_table_new(const form_t *f, long repeat);
void exp_table_free(exp_table_t *t);

/* Items that get a column: those taking an answer and calculates, except
 * one called `unit` (the unit column holds its answer) and what is inside
 * a repeat (its own table). */
int exp_item_exported(const form_t *f, size_t pos);
/* The label of choice c in language li, or its name when it has none. */
const char *exp_choice_label(const form_t *f, const form_list_t *l, size_t c, int li);
/* The label of the answer v to item it (select: choice labels joined by
 * "; "; anything else: v); heap. */
char *exp_answer_label(const form_t *f, const form_item_t *it, const char *v, int li);

#endif
