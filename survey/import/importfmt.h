/*
 * importfmt: what the columns of a response file mean.  Three layouts are
 * read: `plain` (gapsurvey's own: a `unit` column and one column per
 * question name), `kobo` (KoboToolbox and ODK Central CSV exports: group
 * paths in headers, select_multiple as a summary column and/or one 0/1
 * column per option, system columns) and `wjx` (问卷星 exports by option
 * number or by option text: numbered question headers, matrix and
 * multi-option sub-columns, skip codes).  A plan maps each header cell to a
 * form item, a unit column, one option of a select_multiple, or nothing;
 * each data row is then turned into answers in an ans_t, where the checks
 * shared by every way of collecting happen.
 *
 * Problems are handed to a report callback as (line, column, message)
 * rather than printed, so the command decides how to show them.
 *
 * Ownership: a plan borrows the form, which must outlive it.
 */
#ifndef GS_IMPORTFMT_H
#define GS_IMPORTFMT_H

#include "survey/answers.h"
#include "base/csv.h"
#include "survey/form.h"

typedef enum { IMP_AUTO, IMP_PLAIN, IMP_KOBO, IMP_WJX } imp_format_t;

/* "auto", "plain", "kobo" (also "odk"), "wjx"; -1 if unknown. */
int imp_format_parse(const char *name, imp_format_t *out);
const char *imp_format_name(imp_format_t f);

/* The layout of a file from its header row and delimiter: wjx when it has
 * 问卷星's leading columns or numbered question headers, kobo when it has
 * KoboToolbox/ODK system columns or group paths naming the form's
 * questions (or uses ';'), else plain. */
imp_format_t imp_format_detect(const form_t *f, const csvr_row_t *header, char delim);

/* A header cell that every format ignores: the reasons column that
 * `import --skip-invalid` adds to its reject file, so a corrected reject
 * file can be imported as it is. */
#define IMP_PROBLEMS_COLUMN "import_problems"

/* msg is borrowed; col is 1-based. */
typedef void (*imp_report_fn)(void *ud, long line, long col, const char *msg);

typedef struct imp_plan imp_plan_t;

/* Maps the header.  fmt must not be IMP_AUTO.  unit_column: the header of
 * the column holding unit codes (NULL: "unit").  Every problem with the
 * header is reported; the plan is returned anyway so that the rows can be
 * checked too. */
imp_plan_t *imp_plan_new(const form_t *f, imp_format_t fmt, const char *unit_column,
                         const csvr_row_t *header, imp_report_fn report, void *ud);
void imp_plan_free(imp_plan_t *p);   /* NULL is fine */
imp_format_t imp_plan_format(const imp_plan_t *p);
/* The 1-based column an item's answer comes from (its first option column
 * when it has no column of its own), for messages; 1 when none. */
long imp_plan_column(const imp_plan_t *p, size_t item);

typedef struct {
    const char *unit;   /* the unit column's cell (borrowed from the row), NULL without one */
    long unit_col;      /* its 1-based column, else that of the question
                           giving the unit, else 1 */
    int problems;       /* problems reported for this row */
} imp_row_t;

/* Clears a and fills it from one data row, reporting every bad cell. */
void imp_plan_row(imp_plan_t *p, ans_t *a, const csvr_row_t *row, imp_row_t *out,
                  imp_report_fn report, void *ud);

/* Cells of the rows so far that held choice labels where names were
 * expected (in any of the form's languages; `export --labels` writes them)
 * and were read as the choices they name; *example (owned by the plan,
 * NULL when none) shows the first: "'同意' = 4 (a1)".  Plain and kobo files
 * only: a 问卷星 file is read by option text anyway. */
long imp_plan_labels(const imp_plan_t *p, const char **example);

/* 1 when the last row's cell for item (its own column) was rejected. */
int imp_plan_rejected(const imp_plan_t *p, size_t item);

/* 1 when every cell of the row is empty: the trailing ",,,," rows Excel
 * leaves are skipped, not rejected. */
int imp_row_blank(const csvr_row_t *row);

#endif
