/*
 * export/format: the export formats by name and the options and counts every
 * writer shares.  The lowest part of survey/export/: the writers and the
 * driver (export.h) include it, it includes none of them.
 */
#ifndef GS_EXPORT_FORMAT_H
#define GS_EXPORT_FORMAT_H

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
    /* which table of a form with repeats is written (rows.h); NULL: the
     * one table of a form without */
    const struct exp_table *table;
} exp_opts_t;

typedef struct {
    long rows;           /* responses written */
    long unlisted;       /* answers whose choice the newest form version no
                            longer has: missing in sav/dta, as stored elsewhere */
    long truncated;      /* texts cut to the format's limit */
    char *tables;        /* the files of the repeats' tables written beside, ", "
                            between; NULL for a form without (the caller frees) */
} exp_stats_t;

#endif
