/*
 * console: the figures of the survey console (GET /admin of `gapsurvey
 * serve`) for one wave: every unit of the units table with its headcount,
 * the invitations issued to it, its responses to each staff form and
 * whether it has filled the self-assessment.  web_page.c draws them as the
 * page, console_csv() writes the same table as CSV.
 *
 * No single response is ever described, and counts follow the analysis'
 * small-group rule (survey/disclose.h): a unit with 1..min_n-1 responses
 * to a form is hidden (shown as "fewer than min_n", no count, no rate),
 * and so is the next smallest when the hidden units and the responses
 * without a unit together hold fewer than min_n, so the total row cannot
 * be differenced down to a small unit.  Build it inside one read
 * transaction (store_read_begin; each request of the server has one), so
 * that totals and unit counts come from the same moment: a submission
 * between two queries would otherwise show up as a difference.
 *
 * Ownership: a console_t owns every string and array in it; console_free.
 */
#ifndef GS_CONSOLE_H
#define GS_CONSOLE_H

#include <stddef.h>

#include "base/err.h"
#include "base/util.h"
#include "survey/store.h"

typedef struct {
    char *code, *name;
    long headcount;           /* -1: unknown */
    int self;                 /* has filled a self-assessment in the wave */
} console_unit_t;

/* One unit's figures for one form. */
typedef struct {
    long invited;             /* codes issued for the form, the wave and the unit */
    long used;                /* of them, codes used (responses on paper or imported
                               * use none: the rate of invited is used / invited) */
    long responses;           /* 0 when hidden: never look at it then */
    int hidden;               /* not shown (the small-group rule or its complement) */
    int small;                /* hidden because it has 1..min_n-1 responses */
} console_count_t;

typedef struct {
    char *form_id;
    char *title;              /* in the language asked for */
    console_count_t *counts;  /* by unit, in the order of console_t.units */
    long invited;             /* every code issued for the form in the wave */
    long invited_nounit;      /* of them, codes with no unit (the form asks for it) */
    long used;                /* every code used */
    long responses;           /* every response, those without a unit included */
    int total_small;          /* responses is 1..min_n-1: hidden like a small unit */
    size_t started;           /* units with at least one response */
} console_form_t;

typedef struct {
    char **waves;             /* every wave, oldest first (for switching) */
    size_t nwaves;
    const char *wave;         /* the wave shown (one of waves), NULL when there is none */
    int open, sealed;         /* it is open; its answers are sealed until it closes */
    long min_n;
    console_unit_t *units;    /* every unit of the units table, by code */
    size_t nunits;
    long headcount;           /* of all units; -1 when one has none */
    console_form_t *forms;    /* the staff forms of the wave */
    size_t nforms;
    int has_self;             /* a self-assessment form is loaded */
    char *self_title;         /* its title (the newest one's) */
    size_t self_filled;       /* units that have filled one in the wave */
    char asof[24];            /* "YYYY-MM-DD HH:MM", local time of the reading */
} console_t;

/* Reads the console of wave (NULL: the newest open wave, else the newest)
 * with titles in lang ("zh", "en").  Staff forms shown: those with
 * invitations or responses in the wave, or every staff form when none has
 * any yet.  Returns 0, 1 when there is no wave of that name, -1 with *err.
 * *c is the caller's to console_free in every case. */
int console_build(store_t *s, const char *wave, const char *lang, long min_n, console_t *c,
                  err_t *err);
void console_free(console_t *c);

/* The columns after the unit, in the page and in the CSV alike. */
typedef enum {
    CONSOLE_HEADCOUNT,
    CONSOLE_INVITED,
    CONSOLE_RESPONSES,
    CONSOLE_RATE_HEAD,        /* responses / headcount */
    CONSOLE_RATE_INVITED,     /* responses / codes issued */
    CONSOLE_SELF,             /* only when c->has_self */
    CONSOLE_STATUS,
    CONSOLE_NCOLS
} console_col_t;

/* A column's heading in Chinese (zh) or English. */
const char *console_col_name(console_col_t col, int zh);
/* Rows besides the units' (console_cell's u). */
#define CONSOLE_TOTAL (-1)
#define CONSOLE_NOUNIT (-2)   /* codes issued with no unit; shown when there are any */

/* Appends the text of the cell of form f and unit u (an index into
 * c->units, or CONSOLE_TOTAL, CONSOLE_NOUNIT): nothing where there is no
 * figure (a rate with nothing to divide by, a hidden unit's rate). */
void console_cell(const console_t *c, const console_form_t *f, long u, console_col_t col,
                  int zh, util_buf_t *out);

/* What the CONSOLE_NOUNIT row is called, in Chinese (zh) or English. */
const char *console_nounit(int zh);

/* The table of every form as CSV (UTF-8 with a BOM, for Excel and WPS;
 * text cells formula-neutralised), headers in Chinese when zh.  Appends to
 * out; -1 with *err when it cannot be written. */
int console_csv(const console_t *c, int zh, util_buf_t *out, err_t *err);

#endif
