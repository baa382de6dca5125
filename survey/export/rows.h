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


/* One response (of the form, or of a table: then pos is a table column).
 * val[pos]: canonical answer text of item pos, NULL when
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
 * _index) and _index (the instance's number).  The columns an export
 * asks for beyond the questions (exp_opts_t: unit_name, unit_category,
 * wave, score_DIM) make a main table too, of a form with or without
 * repeats.  Each table is given to the writers as a form whose questions
 * are its columns (it borrows the lists and texts of the form it comes
 * from, and owns the names and labels of the columns it adds). */
typedef struct exp_table {
    form_t form;
    const form_t *parent;
    long repeat;         /* begin_repeat position in parent; -1: the main table */
    long *src;           /* form.items[k] is parent item src[k], or one of EXP_* */
    char **owned;        /* names of added columns */
    form_text_t *owned_labels;
    size_t nowned;
} exp_table_t;
#define EXP_INDEX (-1)
#define EXP_PARENT (-2)
#define EXP_WAVE (-3)
#define EXP_UNIT_NAME (-4)
#define EXP_UNIT_CATEGORY (-5)
#define EXP_SCORE(d) (-100 - (long)(d))   /* dimension d's score */
#define EXP_SCORE_DIM(src) ((size_t)(-100 - (src)))
int exp_has_repeats(const form_t *f);
/* The table of f's repeat at position repeat, or (-1) its main table with
 * the columns o adds (o may be NULL); NULL when a name of an added column
 * is a question's too (*err says which). */
exp_table_t *exp_table_new(const form_t *f, long repeat, const exp_opts_t *o, err_t *err);
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
