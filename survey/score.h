/*
 * score: the one rule that turns a respondent's answers into dimension
 * scores, shared by the analysis scan (analysis/scan.c) and the export's
 * score columns (survey/export), so both give the same number.
 *
 * Items are coded by their choice names (1..A on an A-point list); a
 * reverse item becomes min+max-x; an item's score is POMP, 100 (x - min) /
 * (max - min) of its list's range; a dimension's score is the mean of its
 * answered items' scores, missing (NAN) when fewer than half of its items
 * were answered.  Only Likert items count (form_item_scored).
 */
#ifndef GS_SCORE_H
#define GS_SCORE_H

#include <math.h>
#include <stddef.h>

#include "survey/form.h"

/* Answer x to Likert item pos as scored: reversed where the form says.
 * (Inline, as the two below: the analysis scan calls them for every
 * answer.) */
static inline double score_value(const form_t *f, size_t pos, double x)
{
    const form_item_t *it = &f->items[pos];
    const form_list_t *l = &f->lists[it->list];
    return it->reverse ? l->min + l->max - x : x;
}

/* The 0-100 score of answer x to Likert item pos (after reversal). */
static inline double score_pomp(const form_t *f, size_t pos, double x)
{
    const form_list_t *l = &f->lists[f->items[pos].list];
    return 100.0 * (score_value(f, pos, x) - l->min) / (l->max - l->min);
}

/* A dimension's score from the sum of score_pomp over its answered items:
 * their mean, or NAN when fewer than half of its k items were answered. */
static inline double score_mean(double sum, size_t answered, size_t k)
{
    return k > 0 && answered * 2 >= k ? sum / (double)answered : (double)NAN;
}
/* Every dimension's score of one response: x[pos] is the answer to item
 * pos as a number (NAN when not answered), out[d] gets dimension d's
 * score (NAN when missing); out has f->ndims places. */
void score_dims(const form_t *f, const double *x, double *out);

#endif
