/*
 * validity.h -- is the questionnaire measuring the dimensions it claims?
 * The correlation side: the pairwise-complete co-moment accumulator and
 * what follows from the correlation matrix alone (KMO, Bartlett's
 * sphericity test, eigenvalues, SMCs).  The factor models build on it:
 * analysis/efa.h (minres + oblimin, psych::fa), analysis/parallel.h
 * (Horn's parallel analysis, psych::fa.parallel) and analysis/cfa.h
 * (lavaan::cfa of the form's own model); all share the val_ prefix and the
 * status codes of analysis/valstatus.h.  Versions reproduced: psych 2.2.9,
 * GPArotation 2022.10-2, lavaan 0.6-14.
 *
 * Everything works from an item correlation or covariance matrix, never
 * from respondents, so the streaming scan (DESIGN.md section 5) only has to
 * fill one of two accumulators: val_pair_t (pairwise-complete co-moments,
 * psych's default for correlations) for KMO .. EFA, and stats_cov_t
 * (analysis/stats.h, complete cases) for the CFA.  Both are items^2 in
 * memory.  tests/r/validity_ref.R computes the reference values;
 * tests/unit/test_validity.c checks them.
 *
 * Matrices are row-major double arrays: element (i, j) of a p x q matrix is
 * a[i*q + j].  All pointer arguments are borrowed for the call; output
 * arrays belong to the caller and have the sizes stated.  Functions
 * returning int give VAL_OK or a negative val_status code, in which case
 * the outputs are NAN (or untouched where stated).  Nothing prints, exits
 * or keeps global state; GSL's error handler is switched off during each
 * call (not thread-safe, like analysis/stats.c).
 */
#ifndef GAPSURVEY_VALIDITY_H
#define GAPSURVEY_VALIDITY_H

#include <stddef.h>

#include "analysis/stats.h"
#include "analysis/valstatus.h"


/* ------------------------------------------------------------------ */
/* Pairwise-complete co-moment accumulator                            */
/* ------------------------------------------------------------------ */

/* For every item pair (i <= j): the number of rows answering both and, over
 * those rows, the sums, sums of squares and the sum of cross-products
 * (shifted by each item's first observed value, which keeps integer answers
 * exact and the subtraction stable).  One pass, memory k(k+1)/2 * 48 bytes
 * plus O(k); this is exactly what R cor(x, use = "pairwise") needs. */
typedef struct val_pair val_pair_t;

/* val_pair_new: an empty accumulator for k >= 1 items (NULL if k == 0 or
 * out of memory), owned by the caller, who releases it with val_pair_free
 * (NULL does nothing).  val_pair_add adds one respondent, x[0..k-1] with
 * NAN where not answered. */
val_pair_t *val_pair_new(size_t k);
void val_pair_free(val_pair_t *a);
void val_pair_add(val_pair_t *a, const double *x);

/* The k x k correlation matrix into r[k*k], as R cor(x, use = "pairwise"):
 * each r_ij from the rows answering both, with those rows' own means and
 * standard deviations.  Returns VAL_EUNDEF (r_ij NAN for the undefined
 * pairs, the others filled) when some pair has fewer than 2 rows or zero
 * variance on them. */
int val_pair_cor(const val_pair_t *a, double *r);

/* The number of items k; the rows added (respondents, whatever they
 * answered: psych's n.obs when it is given the raw data); the rows
 * answering both i and j (i == j: the rows answering i). */
size_t val_pair_k(const val_pair_t *a);
double val_pair_rows(const val_pair_t *a);
double val_pair_count(const val_pair_t *a, size_t i, size_t j);

/* ------------------------------------------------------------------ */
/* Sampling adequacy, sphericity, eigenvalues                         */
/* ------------------------------------------------------------------ */

/* Kaiser-Meyer-Olkin measure, as psych::KMO(r): overall MSA and per item
 * MSAi (items[p]); from the anti-image correlations of r^-1.
 * VAL_ESINGULAR when r is not positive definite (psych falls back to r
 * itself with a message; a report should rather say it is singular). */
int val_kmo(const double *r, size_t p, double *overall, double *items);

/* Bartlett's test of sphericity, as psych::cortest.bartlett(r, n):
 * chisq = -log(det r) (n - 1 - (2p + 5)/6), df = p(p-1)/2, p upper tail. */
int val_bartlett(const double *r, size_t p, double n, double *chisq,
                 double *df, double *pval);

/* Eigenvalues of the symmetric matrix r, decreasing, into values[p]
 * (R eigen(r)$values). */
int val_eigen(const double *r, size_t p, double *values);

/* Squared multiple correlations 1 - 1/diag(r^-1) clamped to [0, 1], as
 * psych::smc(r), into smc[p]. */
int val_smc(const double *r, size_t p, double *smc);

/* cov[k*k] = the covariance matrix of a complete-case accumulator (NAN
 * when it holds fewer than 2 cases). */
void val_cov_from_stats(const stats_cov_t *c, double *cov);

#endif /* GAPSURVEY_VALIDITY_H */
