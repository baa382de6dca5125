/*
 * questions: every question counted (analyze --items): for each
 * select_one and select_multiple question the answers per choice, for
 * numbers n, mean, SD, median and quartiles, for text questions how many
 * answered; each with those who left it blank and those it did not apply
 * to (its `relevant`, or its group's, false).  For everyone and, for
 * questions with at most RES_QGROUP_CHOICES choices, per group; a hidden
 * group's counts never leave this module.
 *
 * The scan feeds one response at a time (questions_add); memory is
 * groups x choices, plus one table of the distinct values of each number
 * question (for its quartiles).
 *
 * Ownership: a questions_t is the caller's (questions_free); the form is
 * borrowed and must outlive it.
 */
#ifndef GS_QUESTIONS_H
#define GS_QUESTIONS_H

#include <stddef.h>

#include "analysis/results.h"
#include "survey/form.h"
#include "survey/store.h"

typedef struct questions questions_t;

/* Counting f's questions into ngroups groups; by_pos is the form
 * position of the question the groups are (-1: none), unit_pos that of
 * the form's unit question (-1: none): their counts are group sizes. */
questions_t *questions_new(const form_t *f, size_t ngroups, int by_pos, int unit_pos);

/* One response: at[pos] is the index of item pos's answer in r, -1 for
 * none; group its group, -1 for none. */
void questions_add(questions_t *q, const store_scan_row_t *r, const int *at, int group);

/* The counts into r->questions (r->groups[].suppressed already decided:
 * a hidden group gets no counts, and the groups' own question shows no
 * hidden group's size); labels in language li. */
void questions_result(const questions_t *q, int li, res_t *r);

void questions_free(questions_t *q);   /* NULL is fine */

#endif
