/*
 * drivers.c -- relative importance of the dimensions for an outcome, from
 * a correlation matrix (so from accumulated co-moments, never from
 * respondents):
 *   R^2(S) = r_S' R_SS^-1 r_S for any subset S of predictors;
 *   beta = Rxx^-1 rxy, R^2 = beta' rxy;
 *   LMG (Lindeman, Merenda & Gold 1980; R relaimpo calc.relimp type "lmg"):
 *     lmg_j = sum over subsets S of the other predictors of
 *             |S|! (k-1-|S|)! / k! * (R^2(S + j) - R^2(S)),
 *     the average over all k! orders of entry, evaluated over the 2^k
 *     subsets (each R^2 once);
 *   relative weights (Johnson 2000): Rxx = V E V', Lambda = V E^1/2 V',
 *     beta* = Lambda^-1 rxy, rw_j = sum_m Lambda_jm^2 beta*_m^2.
 * tests/r/validity_ref.R computes the same with lm() by definition
 * (relaimpo is not packaged in Debian).
 */
#include "analysis/drivers.h"
#include "analysis/valmat.h"
#include "analysis/validity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

int drv_init(drv_result_t *out, size_t k)
{
    memset(out, 0, sizeof *out);
    if (k == 0 || k > DRV_MAX_PREDICTORS)
        return -1;
    out->k = k;
    out->n = out->r2 = NAN;
    double **const arr[] = {&out->lmg, &out->rw, &out->beta, &out->r,
                            &out->lmg_share, &out->rw_share,
                            &out->pratt_share};
    const size_t sz[] = {k, k, k, k, k, k, k};
    return vm_carve(arr, sz, 7) == VAL_OK ? 0 : -1;
}

void drv_free(drv_result_t *out)
{
    if (!out)
        return;
    free(out->lmg); /* the block of all arrays (vm_carve) */
    memset(out, 0, sizeof *out);
}

static void drv_nan(drv_result_t *o)
{
    o->r2 = NAN;
    for (size_t j = 0; j < o->k; j++)
        o->lmg[j] = o->rw[j] = o->beta[j] = o->r[j] = o->lmg_share[j] =
            o->rw_share[j] = o->pratt_share[j] = NAN;
}

/* R^2 of the predictors in bit set `set` (bit j = predictor j, whose
 * correlations are r[(j+1)*(k+1) + ...]).  scratch: (k*k + k) doubles. */
static double subset_r2(const double *r, size_t k, unsigned set,
                        double *scratch)
{
    size_t idx[DRV_MAX_PREDICTORS], s = 0, k1 = k + 1;
    for (size_t j = 0; j < k; j++)
        if (set & (1u << j))
            idx[s++] = j + 1;
    if (s == 0)
        return 0;
    double *a = scratch, *b = scratch + s * s;
    for (size_t u = 0; u < s; u++) {
        b[u] = r[idx[u] * k1];
        for (size_t v = 0; v < s; v++)
            a[u * s + v] = r[idx[u] * k1 + idx[v]];
    }
    double rhs[DRV_MAX_PREDICTORS];
    memcpy(rhs, b, s * sizeof *b);
    if (vm_solve(a, s, rhs, 1) != VAL_OK)
        return NAN;
    double r2 = 0;
    for (size_t u = 0; u < s; u++)
        r2 += rhs[u] * b[u];
    return r2;
}

/* LMG from the R^2 of all 2^k subsets. */
static int lmg(const double *r, size_t k, double *out)
{
    size_t nsub = (size_t)1 << k;
    double *r2 = malloc(nsub * sizeof *r2);
    double *scratch = malloc((k * k + k) * sizeof *scratch);
    int rc = -1;
    if (!r2 || !scratch)
        goto done;
    for (size_t set = 0; set < nsub; set++)
        if (isnan(r2[set] = subset_r2(r, k, (unsigned)set, scratch)))
            goto done;
    for (size_t j = 0; j < k; j++) {
        double sum = 0;
        for (size_t set = 0; set < nsub; set++) {
            if (set & ((size_t)1 << j))
                continue;
            int s = __builtin_popcount((unsigned)set);
            double w = exp(gsl_sf_lnfact((unsigned)s) +
                           gsl_sf_lnfact((unsigned)(k - 1 - s)) -
                           gsl_sf_lnfact((unsigned)k));
            sum += w * (r2[set | ((size_t)1 << j)] - r2[set]);
        }
        out[j] = sum;
    }
    rc = 0;
done:
    free(r2);
    free(scratch);
    return rc;
}

/* Johnson's relative weights; rxx [k*k], rxy [k]. */
static int relative_weights(const double *rxx, const double *rxy, size_t k,
                            double *out)
{
    double *v = malloc(k * k * sizeof *v), *e = malloc(k * sizeof *e);
    double *lam = malloc(k * k * sizeof *lam), *bs = malloc(k * sizeof *bs);
    int rc = -1;
    if (!v || !e || !lam || !bs || vm_eigen(rxx, k, e, v) != VAL_OK)
        goto done;
    for (size_t i = 0; i < k; i++) {
        if (!(e[i] > 0))
            goto done;
        e[i] = sqrt(e[i]);
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            double s = 0;
            for (size_t l = 0; l < k; l++)
                s += v[i * k + l] * e[l] * v[j * k + l];
            lam[i * k + j] = s;
        }
    memcpy(bs, rxy, k * sizeof *bs);
    if (vm_solve(lam, k, bs, 1) != VAL_OK)
        goto done;
    for (size_t j = 0; j < k; j++) {
        double s = 0;
        for (size_t l = 0; l < k; l++)
            s += lam[j * k + l] * lam[j * k + l] * bs[l] * bs[l];
        out[j] = s;
    }
    rc = 0;
done:
    free(v);
    free(e);
    free(lam);
    free(bs);
    return rc;
}

int drv_compute_cor(const double *r, double n, drv_result_t *out)
{
    size_t k = out->k, k1 = k + 1;
    drv_nan(out);
    out->n = n;
    for (size_t i = 0; i < k1 * k1; i++)
        if (!isfinite(r[i]))
            return -1;
    if (!(n > k + 1))
        return -1;
    double *rxx = malloc(k * k * sizeof *rxx);
    double *rxy = malloc(k * sizeof *rxy), *beta = malloc(k * sizeof *beta);
    int rc = -1;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    if (!rxx || !rxy || !beta)
        goto done;
    for (size_t i = 0; i < k; i++) {
        rxy[i] = r[(i + 1) * k1];
        for (size_t j = 0; j < k; j++)
            rxx[i * k + j] = r[(i + 1) * k1 + j + 1];
    }
    memcpy(beta, rxy, k * sizeof *beta);
    if (vm_spd_inverse(rxx, k, NULL, NULL) != VAL_OK ||
        vm_solve(rxx, k, beta, 1) != VAL_OK)
        goto done;
    double r2 = 0;
    for (size_t j = 0; j < k; j++)
        r2 += beta[j] * rxy[j];
    if (lmg(r, k, out->lmg) != 0 ||
        relative_weights(rxx, rxy, k, out->rw) != 0) {
        drv_nan(out);
        goto done;
    }
    out->r2 = r2;
    for (size_t j = 0; j < k; j++) {
        out->beta[j] = beta[j];
        out->r[j] = rxy[j];
        out->lmg_share[j] = out->lmg[j] / r2;
        out->rw_share[j] = out->rw[j] / r2;
        out->pratt_share[j] = beta[j] * rxy[j] / r2;
    }
    rc = 0;
done:
    gsl_set_error_handler(old);
    free(rxx);
    free(rxy);
    free(beta);
    return rc;
}

int drv_compute(const stats_cov_t *c, drv_result_t *out)
{
    size_t k1 = out->k + 1;
    if (stats_cov_k(c) != k1) {
        drv_nan(out);
        return -1;
    }
    double *r = malloc(k1 * k1 * sizeof *r);
    if (!r) {
        drv_nan(out);
        return -1;
    }
    val_cov_from_stats(c, r);
    int ok = 1;
    for (size_t i = 0; i < k1; i++)
        ok &= r[i * k1 + i] > 0; /* also false for NAN (n < 2) */
    int rc = -1;
    if (ok) {
        vm_cov2cor(r, k1);
        rc = drv_compute_cor(r, stats_cov_n(c), out);
    } else {
        drv_nan(out);
        out->n = stats_cov_n(c);
    }
    free(r);
    return rc;
}
