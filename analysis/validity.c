/*
 * validity.c -- the correlation side of measurement quality: the
 * pairwise-complete co-moment accumulator, KMO, Bartlett's sphericity test,
 * eigenvalues and SMCs.  The factor models build on it in efa.c (minres +
 * oblimin), parallel.c (Horn's parallel analysis) and cfa.c (lavaan's ML
 * CFA); valmat.c holds the small dense-matrix helpers they share.  Each function names the R
 * function whose formula it follows (psych 2.2.9 sources read for this);
 * tests/r/validity_ref.R prints the reference values.
 */
#include "analysis/validity.h"
#include "analysis/valmat.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* ------------------------------------------------------------------ */
/* Pairwise-complete co-moments                                       */
/* ------------------------------------------------------------------ */

/* Sums over the rows answering both items of a pair, in shifted units
 * (x - shift_i): a = item i, b = item j. */
typedef struct {
    double n, sa, sb, saa, sbb, sab;
} pair_sums_t;

struct val_pair {
    size_t k;
    double rows;
    double *shift;     /* [k] first observed value of each item, NAN
                          until one is seen; also the block holding dx   */
    double *dx;        /* [k] scratch: shifted answers, NAN if missing    */
    pair_sums_t *s;    /* [k(k+1)/2] upper triangle i <= j, row by row    */
};

/* Index of pair (i, j), i <= j, in the packed upper triangle. */
static size_t tri(size_t k, size_t i, size_t j)
{
    return i * k - i * (i - 1) / 2 + (j - i);
}

val_pair_t *val_pair_new(size_t k)
{
    if (k == 0 || k > 100000)
        return NULL;
    val_pair_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->k = k;
    double **const arr[] = {&a->shift, &a->dx};
    const size_t sz[] = {k, k};
    a->s = calloc(k * (k + 1) / 2, sizeof *a->s);
    if (vm_carve(arr, sz, 2) != VAL_OK || !a->s) {
        val_pair_free(a);
        return NULL;
    }
    return a;
}

void val_pair_free(val_pair_t *a)
{
    if (!a)
        return;
    free(a->shift); /* with dx */
    free(a->s);
    free(a);
}

void val_pair_add(val_pair_t *a, const double *x)
{
    size_t k = a->k;
    a->rows += 1.0;
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(x[i])) {
            a->dx[i] = NAN;
            continue;
        }
        if (isnan(a->shift[i]))
            a->shift[i] = x[i];
        a->dx[i] = x[i] - a->shift[i];
    }
    pair_sums_t *s = a->s;
    for (size_t i = 0; i < k; i++) {
        double u = a->dx[i];
        if (isnan(u)) {
            s += k - i;
            continue;
        }
        for (size_t j = i; j < k; j++, s++) {
            double v = a->dx[j];
            if (isnan(v))
                continue;
            s->n += 1.0;
            s->sa += u;
            s->sb += v;
            s->saa += u * u;
            s->sbb += v * v;
            s->sab += u * v;
        }
    }
}

size_t val_pair_k(const val_pair_t *a)
{
    return a->k;
}

double val_pair_rows(const val_pair_t *a)
{
    return a->rows;
}

double val_pair_count(const val_pair_t *a, size_t i, size_t j)
{
    if (i >= a->k || j >= a->k)
        return NAN;
    return i <= j ? a->s[tri(a->k, i, j)].n : a->s[tri(a->k, j, i)].n;
}

int val_pair_cor(const val_pair_t *a, double *r)
{
    /* R cor(use = "pairwise.complete.obs"): for each pair the means and
     * sums of squares are those of the rows complete on that pair. */
    size_t k = a->k;
    int rc = VAL_OK;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = i; j < k; j++) {
            const pair_sums_t *s = &a->s[tri(k, i, j)];
            double v = NAN;
            if (s->n >= 2) {
                double caa = s->saa - s->sa * s->sa / s->n;
                double cbb = s->sbb - s->sb * s->sb / s->n;
                double cab = s->sab - s->sa * s->sb / s->n;
                if (caa > 0 && cbb > 0)
                    v = i == j ? 1.0 : cab / sqrt(caa * cbb);
            }
            if (isnan(v))
                rc = VAL_EUNDEF;
            r[i * k + j] = r[j * k + i] = v;
        }
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* KMO, Bartlett, eigenvalues, SMC                                    */
/* ------------------------------------------------------------------ */

int val_kmo(const double *r, size_t p, double *overall, double *items)
{
    /* psych::KMO: Q = solve(r), anti-image correlations cov2cor(Q) with a
     * zero diagonal; MSA = sum r^2 / (sum r^2 + sum Q^2) over off-diagonal
     * elements, MSAi the same by column. */
    *overall = NAN;
    for (size_t i = 0; i < p; i++)
        items[i] = NAN;
    if (p < 2)
        return VAL_EARG;
    double *q = malloc(p * p * sizeof *q);
    if (!q)
        return VAL_ENOMEM;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = vm_spd_inverse(r, p, q, NULL);
    gsl_set_error_handler(old);
    if (rc != VAL_OK)
        goto done;
    double sr = 0, sq = 0;
    for (size_t j = 0; j < p; j++) {
        double cr = 0, cq = 0;
        for (size_t i = 0; i < p; i++) {
            if (i == j)
                continue;
            double qij = q[i * p + j] / sqrt(q[i * p + i] * q[j * p + j]);
            cr += r[i * p + j] * r[i * p + j];
            cq += qij * qij;
        }
        items[j] = cr / (cr + cq);
        sr += cr;
        sq += cq;
    }
    *overall = sr / (sr + sq);
done:
    free(q);
    return rc;
}

int val_bartlett(const double *r, size_t p, double n, double *chisq,
                 double *df, double *pval)
{
    /* psych::cortest.bartlett: -log(det R) (n - 1 - (2p + 5)/6) on
     * p(p-1)/2 df, diag(R) taken as 1. */
    *chisq = *df = *pval = NAN;
    if (p < 2 || !(n > 1))
        return VAL_EARG;
    double *r1 = malloc(p * p * sizeof *r1);
    if (!r1)
        return VAL_ENOMEM;
    memcpy(r1, r, p * p * sizeof *r1);
    for (size_t i = 0; i < p; i++)
        r1[i * p + i] = 1.0;
    double logdet;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = vm_spd_inverse(r1, p, NULL, &logdet);
    if (rc == VAL_OK) {
        double dfv = p * (p - 1) / 2.0;
        *chisq = -logdet * (n - 1 - (2.0 * p + 5) / 6.0);
        *df = dfv;
        *pval = gsl_cdf_chisq_Q(*chisq, dfv);
    }
    gsl_set_error_handler(old);
    free(r1);
    return rc;
}

int val_eigen(const double *r, size_t p, double *values)
{
    if (p == 0)
        return VAL_EARG;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = vm_eigen(r, p, values, NULL);
    gsl_set_error_handler(old);
    return rc;
}

int val_smc(const double *r, size_t p, double *smc)
{
    /* psych::smc: 1 - 1/diag(solve(R)) (Pinv, equal for a positive definite
     * R), values above 1 or below 0 set to 1 and 0. */
    if (p == 0)
        return VAL_EARG;
    double *q = malloc(p * p * sizeof *q);
    if (!q)
        return VAL_ENOMEM;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = vm_spd_inverse(r, p, q, NULL);
    gsl_set_error_handler(old);
    for (size_t i = 0; i < p; i++) {
        double s = rc == VAL_OK ? 1.0 - 1.0 / q[i * p + i] : NAN;
        smc[i] = s > 1 ? 1 : s < 0 ? 0 : s;
    }
    free(q);
    return rc;
}

void val_cov_from_stats(const stats_cov_t *c, double *cov)
{
    size_t k = stats_cov_k(c);
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            cov[i * k + j] = stats_cov_get(c, i, j);
}
