/*
 * careless.h -- screening for careless answers, per respondent: the
 * longest run of identical answers (longstring), the intra-individual
 * response variability (IRV), straight-lining, and the Mahalanobis
 * distance of the Likert answers from the population with its chi-square
 * p-value.  Pure functions on one respondent's answers; the Mahalanobis
 * reference (mean and covariance of the complete cases) comes from a
 * stats_cov_t filled in a first pass, so a second pass screens each
 * respondent without keeping any of them.
 *
 * Answers are doubles in form order, NAN where not answered.
 */
#ifndef GAPSURVEY_CARELESS_H
#define GAPSURVEY_CARELESS_H

#include <stddef.h>

#include "analysis/stats.h"

/* Longest run of equal consecutive answers; a missing answer ends a run and
 * starts none (R: max of rle(x)$lengths over non-NA values, as careless::
 * longstring on data with NA).  0 when nothing is answered. */
size_t careless_longstring(const double *x, size_t n);

/* Intra-individual response variability: the standard deviation (n-1) of
 * the answered values (careless::irv, R sd(x, na.rm = TRUE)); NAN with
 * fewer than 2 answers. */
double careless_irv(const double *x, size_t n);

/* 1 when at least 2 values are answered and all answered values are equal
 * (straight-lining), else 0. */
int careless_straightline(const double *x, size_t n);

/* Mahalanobis reference: mean and the Cholesky factor of the covariance.
 * Opaque; built by careless_maha_new, freed by careless_maha_free. */
typedef struct careless_maha careless_maha_t;

/* From the complete-case accumulator c (n-1 covariance, as R cov).  NULL
 * when the covariance is not positive definite, n < 2 or out of memory. */
careless_maha_t *careless_maha_new(const stats_cov_t *c);

/* careless_maha_free(NULL) does nothing. */
void careless_maha_free(careless_maha_t *m);

/* D^2 = (x - mean)' C^-1 (x - mean) (R mahalanobis(x, mean, C)) and its
 * upper-tail chi-square p on k degrees of freedom (k = items).  Only for
 * complete answers: returns -1 (outputs NAN) when some x is missing.
 * Uses scratch inside m: one m is not for several threads at once. */
int careless_maha(const careless_maha_t *m, const double *x, double *d2,
                  double *p);

#endif /* GAPSURVEY_CARELESS_H */
