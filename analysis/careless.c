/*
 * careless.c -- per-respondent indices of careless answering (see
 * careless.h): longstring and IRV as the R careless package defines them
 * (re-implemented from their definitions; the package is not in Debian),
 * straight-lining, and Mahalanobis D^2 with a Cholesky factor of the
 * complete-case covariance (R mahalanobis, p from pchisq(D2, k, lower.tail
 * = FALSE)).  tests/r/validity_ref.R computes the reference values on the
 * first 30 respondents of each validity dataset.
 */
#include "analysis/careless.h"
#include "analysis/valmat.h"
#include "analysis/valstatus.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

size_t careless_longstring(const double *x, size_t n)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            run = 0;
        else if (run > 0 && x[i] == x[i - 1])
            run++;
        else
            run = 1;
        if (run > best)
            best = run;
    }
    return best;
}

double careless_irv(const double *x, size_t n)
{
    stats_acc_t a = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            stats_acc_add(&a, x[i]);
    return stats_acc_sd(&a);
}

int careless_straightline(const double *x, size_t n)
{
    size_t answered = 0;
    double first = NAN;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        if (answered++ == 0)
            first = x[i];
        else if (x[i] != first)
            return 0;
    }
    return answered >= 2;
}

struct careless_maha {
    size_t k;
    double *mean; /* [k]                                        */
    double *chol; /* [k*k] Cholesky factor L (lower) of the cov  */
    double *z;    /* [k] scratch                                 */
};

careless_maha_t *careless_maha_new(const stats_cov_t *c)
{
    size_t k = stats_cov_k(c);
    careless_maha_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->k = k;
    double **const arr[] = {&m->mean, &m->chol, &m->z};
    const size_t sz[] = {k, k * k, k};
    if (vm_carve(arr, sz, 3) != VAL_OK || !(stats_cov_n(c) >= 2)) {
        careless_maha_free(m);
        return NULL;
    }
    for (size_t i = 0; i < k; i++) {
        m->mean[i] = stats_cov_mean(c, i);
        for (size_t j = 0; j < k; j++)
            m->chol[i * k + j] = stats_cov_get(c, i, j);
    }
    gsl_matrix_view v = gsl_matrix_view_array(m->chol, k, k);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int st = gsl_linalg_cholesky_decomp1(&v.matrix);
    gsl_set_error_handler(old);
    if (st != GSL_SUCCESS) {
        careless_maha_free(m);
        return NULL;
    }
    return m;
}

void careless_maha_free(careless_maha_t *m)
{
    if (!m)
        return;
    free(m->mean); /* with chol and z (vm_carve) */
    free(m);
}

int careless_maha(const careless_maha_t *m, const double *x, double *d2,
                  double *p)
{
    /* D^2 = |L^-1 (x - mean)|^2 by forward substitution */
    size_t k = m->k;
    *d2 = *p = NAN;
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        if (isnan(x[i]))
            return -1;
        double z = x[i] - m->mean[i];
        for (size_t j = 0; j < i; j++)
            z -= m->chol[i * k + j] * m->z[j];
        z /= m->chol[i * k + i];
        m->z[i] = z;
        s += z * z;
    }
    *d2 = s;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    *p = gsl_cdf_chisq_Q(s, (double)k);
    gsl_set_error_handler(old);
    return 0;
}
