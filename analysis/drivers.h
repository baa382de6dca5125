/*
 * drivers.h -- key-driver analysis: which dimension matters most for an
 * outcome?  From the co-moments of (outcome, k dimension scores) over the
 * respondents who have all of them (one stats_cov_t, items^2 memory, filled
 * by the streaming scan): R^2 of the linear regression, the standardized
 * betas, the zero-order correlations, LMG (relaimpo's "lmg": the R^2
 * increase of each predictor averaged over all orders of entry) and
 * Johnson's relative weights, each also as a share of R^2.
 * tests/r/validity_ref.R computes the reference values;
 * tests/unit/test_drivers.c checks them.
 *
 * All arrays are caller-owned (drv_init allocates them inside the result,
 * drv_free releases them); nothing prints or exits.
 */
#ifndef GAPSURVEY_DRIVERS_H
#define GAPSURVEY_DRIVERS_H

#include <stddef.h>

#include "analysis/stats.h"

/* More predictors than this are refused: LMG visits all 2^k subsets. */
#define DRV_MAX_PREDICTORS 20

typedef struct {
    size_t k;          /* predictors                                       */
    double n, r2;      /* complete cases; R^2 of the full model           */
    double *lmg;       /* [k] relaimpo lmg: sums to r2                    */
    double *rw;        /* [k] Johnson (2000) relative weights: sum to r2  */
    double *beta;      /* [k] standardized regression coefficients        */
    double *r;         /* [k] zero-order correlation with the outcome     */
    double *lmg_share; /* [k] lmg / r2                                    */
    double *rw_share;  /* [k] rw / r2                                     */
    double *pratt_share; /* [k] beta * r / r2 (Pratt's measure: the share
                            of R^2 that beta and r together attribute;
                            sums to 1, can be negative)                  */
} drv_result_t;

/* Allocate the arrays of out for k predictors (all NAN); 0, or -1 when
 * k is 0, above DRV_MAX_PREDICTORS or memory runs out. */
int drv_init(drv_result_t *out, size_t k);
void drv_free(drv_result_t *out);

/* c: co-moments of k+1 variables, the outcome first, over complete cases
 * (out->k must be stats_cov_k(c) - 1).  Returns 0, or -1 (outputs NAN)
 * when n <= k + 1, a variable has zero variance or the predictors are
 * collinear (their correlation matrix is not positive definite). */
int drv_compute(const stats_cov_t *c, drv_result_t *out);

/* The same from a (k+1) x (k+1) correlation matrix (row-major, outcome
 * first) and n. */
int drv_compute_cor(const double *r, double n, drv_result_t *out);

#endif /* GAPSURVEY_DRIVERS_H */
