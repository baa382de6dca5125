/*
 * score: dimension scores of one respondent (see score.h).  The mean of
 * POMP item scores equals POMP of the mean when a dimension's items share
 * one scale, and stays right when they do not.
 */
#include "survey/score.h"

#include <math.h>

void score_dims(const form_t *f, const double *x, double *out)
{
    for (size_t d = 0; d < f->ndims; d++) {
        double sum = 0;
        size_t k = 0, answered = 0;
        for (size_t i = 0; i < f->nitems; i++) {
            if (f->items[i].dim != (int)d || !form_item_scored(f, &f->items[i]))
                continue;
            k++;
            if (!isnan(x[i])) {
                sum += score_pomp(f, i, x[i]);
                answered++;
            }
        }
        out[d] = score_mean(sum, answered, k);
    }
}
