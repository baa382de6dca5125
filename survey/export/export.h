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

#include "base/err.h"
#include "survey/export/format.h"
#include "survey/form.h"
#include "survey/store.h"

/* Writes every response to form_id (all versions, answers matched by name
 * onto f, its newest version) in wave.  A file is written under a
 * temporary name and renamed when complete, so a failed export leaves no
 * half file.  Returns 0, or -1 with err. */
int exp_write(store_t *s, const form_t *f, const char *form_id, int wave, const exp_opts_t *o,
              exp_stats_t *st, err_t *err);

#endif
