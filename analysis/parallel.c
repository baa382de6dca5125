/*
 * parallel.c -- Horn's parallel analysis as psych::fa.parallel(x,
 * fa = "both") computes its simulated-data branch (psych 2.2.9
 * fa.parallel.R): observed eigenvalues of R and of the one-factor minres
 * reduced matrix (fa.values), the same for `iterations` correlation
 * matrices of normal noise of the same n and p, their 95th percentiles
 * (quantile type 7) and psych's rule for the number of factors and
 * components.  The noise matrices are drawn from their exact Wishart law
 * instead of from n x p deviates (see parallel.h).
 */
#include "analysis/parallel.h"
#include "analysis/efa.h"
#include "analysis/validity.h"
#include "analysis/valmat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

int val_parallel_init(val_parallel_t *out, size_t p)
{
    memset(out, 0, sizeof *out);
    out->p = p;
    out->nfactors = out->ncomponents = -1;
    double **const arr[] = {&out->pc_obs, &out->fa_obs, &out->pc_sim95,
                            &out->fa_sim95, &out->pc_sim_mean,
                            &out->fa_sim_mean};
    const size_t sz[] = {p, p, p, p, p, p};
    return p ? vm_carve(arr, sz, 6) : VAL_EARG;
}

void val_parallel_free(val_parallel_t *out)
{
    if (!out)
        return;
    free(out->pc_obs); /* the block of all six arrays (vm_carve) */
    memset(out, 0, sizeof *out);
}

/* One correlation matrix of n independent N(0, I_p) rows: with the Bartlett
 * decomposition (n-1)S = T T', T lower triangular, T_ii^2 ~ chi^2(n-1-i)
 * (i from 0), T_ij ~ N(0,1) below the diagonal; then cov2cor. */
static void wishart_cor(gsl_rng *rng, size_t p, double n, double *t,
                        double *r)
{
    for (size_t i = 0; i < p; i++) {
        for (size_t j = 0; j < p; j++)
            t[i * p + j] = j < i ? gsl_ran_gaussian(rng, 1.0) : 0.0;
        t[i * p + i] = sqrt(gsl_ran_chisq(rng, n - 1.0 - (double)i));
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = 0;
            for (size_t l = 0; l <= j; l++)
                s += t[i * p + l] * t[j * p + l];
            r[i * p + j] = r[j * p + i] = s;
        }
    vm_cov2cor(r, p);
}

/* R quantile(x, q) type 7 of a sorted array. */
static double quantile7(const double *sorted, size_t n, double q)
{
    double h = (n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/* psych's rule: which(!(obs > sim95))[1] - 1, i.e. the length of the
 * leading run of observed values above their percentile. */
static int leading_above(const double *obs, const double *sim, size_t p)
{
    size_t i = 0;
    while (i < p && obs[i] > sim[i])
        i++;
    return (int)i;
}

int val_parallel(const double *r, double n, size_t iterations,
                 unsigned long seed, val_parallel_t *out)
{
    size_t p = out->p;
    if (p < 2 || iterations < 1 || !(n > p + 1))
        return VAL_EARG;
    out->iterations = iterations;
    out->seed = seed;
    int rc = val_eigen(r, p, out->pc_obs);
    if (rc == VAL_OK)
        rc = val_fa_values(r, p, out->fa_obs);
    if (rc != VAL_OK)
        return rc;
    /* sims[v*iterations + it]: value v of iteration it, pc then fa */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double *sims, *t, *c, *ev;
    double **const arr[] = {&sims, &t, &c, &ev};
    const size_t sz[] = {2 * p * iterations, p * p, p * p, p};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (vm_carve(arr, sz, 4) != VAL_OK || !rng) {
        rc = VAL_ENOMEM;
        goto done;
    }
    gsl_rng_set(rng, seed);
    for (size_t it = 0; it < iterations && rc == VAL_OK; it++) {
        wishart_cor(rng, p, n, t, c);
        rc = val_eigen(c, p, ev);
        for (size_t v = 0; v < p && rc == VAL_OK; v++)
            sims[v * iterations + it] = ev[v];
        if (rc == VAL_OK)
            rc = val_fa_values_accept(c, p, 1e-2, ev);
        for (size_t v = 0; v < p && rc == VAL_OK; v++)
            sims[(p + v) * iterations + it] = ev[v];
    }
    if (rc != VAL_OK)
        goto done;
    for (size_t v = 0; v < 2 * p; v++) {
        double *x = sims + v * iterations;
        double mean = gsl_stats_mean(x, 1, iterations);
        gsl_sort(x, 1, iterations);
        double q95 = quantile7(x, iterations, 0.95);
        if (v < p) {
            out->pc_sim95[v] = q95;
            out->pc_sim_mean[v] = mean;
        } else {
            out->fa_sim95[v - p] = q95;
            out->fa_sim_mean[v - p] = mean;
        }
    }
    out->ncomponents = leading_above(out->pc_obs, out->pc_sim95, p);
    out->nfactors = leading_above(out->fa_obs, out->fa_sim95, p);
done:
    gsl_rng_free(rng);
    free(sims); /* with t, c, ev (vm_carve) */
    gsl_set_error_handler(old);
    return rc;
}
