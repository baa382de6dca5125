/*
 * export: the responses to one form in one wave, written for the programs
 * researchers use — `plain` (gapsurvey's import layout: export then import
 * gives the same data), `csv` (for Excel: BOM, formulas neutralised),
 * `json`, `sav` (SPSS, through ReadStat), `dta` (Stata, the same code path)
 * and `xlsx` (a data sheet and a codebook sheet, through libxlsxwriter).
 *
 * Raw exports are not suppressed (every response is there, small units
 * too), but they hold only the unit and the answers: never a token, an IP,
 * a date or a time of day.  Responses are read with store_scan, one at a
 * time, so memory does not grow with their number.
 */
#ifndef GS_EXPORT_H
#define GS_EXPORT_H

#include "survey/form.h"
#include "survey/store.h"

typedef enum { EXP_PLAIN, EXP_CSV, EXP_JSON, EXP_SAV, EXP_DTA, EXP_XLSX } exp_format_t;

/* "plain", "csv", "json", "sav" (also "spss"), "dta" (also "stata"),
 * "xlsx"; -1 if unknown. */
int exp_format_parse(const char *name, exp_format_t *out);
const char *exp_format_name(exp_format_t f);
/* The format a file name's extension asks for; -1 when it says nothing. */
int exp_format_from_path(const char *path, exp_format_t *out);
int exp_format_binary(exp_format_t f);

typedef struct {
    exp_format_t format;
    int labels;          /* csv, json, xlsx: choice labels instead of names */
    int lang;            /* the form language of labels */
    int zh;              /* Chinese for the few words gapsurvey adds itself */
    const char *path;    /* NULL: stdout */
} exp_opts_t;

typedef struct {
    long rows;           /* responses written */
    long unlisted;       /* answers whose choice the newest form version no
                            longer has: missing in sav/dta, as stored elsewhere */
    long truncated;      /* texts cut to the format's limit */
} exp_stats_t;

/* Writes every response to form_id (all versions, answers matched by name
 * onto f, its newest version) in wave.  A file is written under a
 * temporary name and renamed when complete, so a failed export leaves no
 * half file.  Returns 0, or -1 with *err. */
int exp_write(store_t *s, const form_t *f, const char *form_id, int wave, const exp_opts_t *o,
              exp_stats_t *st, char **err);

/* ---- shared by the writers (export.c, exportstat.c, exportxlsx.c) ---- */

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
             void *ud, char **err);

/* Items that get a column: those taking an answer, except one called
 * `unit` (the unit column holds its answer). */
int exp_item_exported(const form_t *f, size_t pos);
/* The label of choice c in language li, or its name when it has none. */
const char *exp_choice_label(const form_t *f, const form_list_t *l, size_t c, int li);
/* The label of the answer v to item it (select: choice labels joined by
 * "; "; anything else: v); heap. */
char *exp_answer_label(const form_t *f, const form_item_t *it, const char *v, int li);

int exp_write_stat(store_t *s, const form_t *f, const char *form_id, int wave,
                   const exp_opts_t *o, const char *path, exp_stats_t *st, char **err);
int exp_write_xlsx(store_t *s, const form_t *f, const char *form_id, int wave,
                   const exp_opts_t *o, const char *path, exp_stats_t *st, char **err);

#endif
