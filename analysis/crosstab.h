/*
 * crosstab: a cross-tabulation of two questions (analyze --crosstab A,B):
 * respondents per pair of answers, with the chi-square test of
 * independence and Cramer's V.  A and B are select_one questions of the
 * form, or the analysis's own grouping (unit, category, parent), whose
 * hidden groups then share one pooled row or column.
 *
 * Disclosure control: a cell of 1..min_n-1 respondents is suppressed,
 * and so are more until no row or column has its suppressed cells alone
 * summing to under min_n or exactly one suppressed cell (suppress_small
 * on every row and column, over again until nothing changes), because
 * the margins are published.  The test is computed over what the
 * published numbers already give (see xtab_result).
 *
 * Ownership: an xtab_t is the caller's (xtab_free); the form is borrowed.
 */
#ifndef GS_CROSSTAB_H
#define GS_CROSSTAB_H

#include <stddef.h>

#include "analysis/results.h"
#include "base/err.h"
#include "survey/form.h"
#include "survey/store.h"

typedef struct xtab xtab_t;

/* The cross-tabulation of spec "A,B" on form f into an analysis whose
 * groups are `group_by` ("unit", "category", "parent" or a question's
 * name) in ngroups groups.  Returns NULL with *err (heap) when A or B is
 * not a select_one question of f nor the analysis's grouping, or they
 * are the same. */
xtab_t *xtab_new(const form_t *f, const char *spec, const char *group_by, size_t ngroups, err_t *err);

/* One response: at[pos] is the index of item pos's answer in r, -1
 * for none; group its group, -1 for none. */
void xtab_add(xtab_t *x, const store_scan_row_t *r, const int *at, int group);

/* The table into r->crosstab (r->groups[].suppressed decided), labels in
 * language li, with the suppression and the test; warnings into
 * r->warnings. */
void xtab_result(const xtab_t *x, int li, res_t *r);

void xtab_free(xtab_t *x);   /* NULL is fine */

#endif
