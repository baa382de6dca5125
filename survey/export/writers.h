/*
 * export/writers: one writer per format (ReadStat's layout): text.c (plain,
 * csv, json), exportstat.c (sav, dta), exportxlsx.c (xlsx).  Each reads the
 * responses through rows.h and writes path (NULL: standard output, text
 * formats only); the driver (export.c) picks one from its table and makes
 * the write atomic.  Returns 0, or -1 with err.
 */
#ifndef GS_EXPORT_WRITERS_H
#define GS_EXPORT_WRITERS_H

#include "base/err.h"
#include "survey/export/format.h"
#include "survey/export/rows.h"

typedef int (*exp_writer_fn)(store_t *s, const form_t *f, const char *form_id, int wave,
                             const exp_opts_t *o, const char *path, exp_stats_t *st,
                             err_t *err);

int exp_write_text(store_t *s, const form_t *f, const char *form_id, int wave,
                   const exp_opts_t *o, const char *path, exp_stats_t *st, err_t *err);
int exp_write_stat(store_t *s, const form_t *f, const char *form_id, int wave,
                   const exp_opts_t *o, const char *path, exp_stats_t *st, err_t *err);
int exp_write_xlsx(store_t *s, const form_t *f, const char *form_id, int wave,
                   const exp_opts_t *o, const char *path, exp_stats_t *st, err_t *err);

#endif
