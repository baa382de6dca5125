/*
 * cfa.c -- confirmatory factor analysis of a simple-structure model as
 * lavaan::cfa(model, data, std.lv = FALSE) fits it with its defaults
 * (lavaan 0.6-14: estimator ML, likelihood "normal", no mean structure
 * needed for these fit measures).
 *
 * Model: Sigma = Lambda Phi Lambda' + Theta, item i loading only on factor
 * f(i), the first item of each factor (the marker) with loading fixed to 1
 * (std.lv = FALSE), Phi (factor variances and covariances) and the diagonal
 * Theta free and unbounded (lavaan does not bound variances by default).
 * S is the covariance of the complete cases with divisor N, and lavaan's
 * ML discrepancy is F = log|Sigma| + tr(S Sigma^-1) - log|S| - p (its fx
 * is F/2 and chisq = 2 N fx = N F: N, not N-1).  The minimum is found with
 * GSL's BFGS (vector_bfgs2) on the analytic gradient, then polished by
 * Newton steps on a finite-difference Hessian of that gradient, so the
 * estimates are the optimum to ~1e-10, tighter than lavaan's nlminb; its
 * starting values do not matter for the optimum.
 *
 * Fit measures follow lavaan's lav_fit_* functions: baseline = the
 * independence model (chisq N(sum log S_ii - log|S|), df p(p-1)/2); CFI and
 * TLI (lav_fit_cfi, lav_fit_tli); RMSEA = sqrt(max((X2/N)/df - 1/N, 0)) and
 * its 90% interval from the noncentral chi-square (lav_fit_rmsea_ci, N =
 * complete cases); SRMR = lavaan's "srmr" (Bentler: residuals of the
 * covariances divided by the sample standard deviations, the p(p+1)/2
 * elements of the lower triangle with the diagonal).  std.all loadings are
 * lambda_i sqrt(phi_kk) / sqrt(Sigma_ii); per factor the composite
 * reliability (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) and the AVE mean(l^2)
 * of the standardized loadings l.
 */
#include "analysis/cfa.h"
#include "analysis/valmat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>

/* The model and its scratch, shared by the objective and gradient.  All
 * arrays owned by cfa_model_free. */
typedef struct {
    size_t p, m, npar;
    const size_t *f;  /* factor of each item (borrowed)                  */
    double n;
    double *s;        /* [p*p] sample covariance, divisor N              */
    double logdet_s;
    int *lam_par;     /* [p] parameter index of the loading, -1: marker  */
    double *lam, *theta, *phi;  /* current values [p], [p], [m*m]       */
    double *sigma, *sinv, *g, *tmp; /* [p*p] scratch                     */
} cfa_model_t;

static void cfa_model_free(cfa_model_t *md)
{
    free(md->s); /* the block of all double arrays (vm_carve) */
    free(md->lam_par);
}

/* Parameter vector: the free loadings (in item order), then theta[p],
 * then the lower triangle of Phi row by row. */
static void unpack(cfa_model_t *md, const double *x)
{
    size_t p = md->p, m = md->m, q = 0;
    for (size_t i = 0; i < p; i++)
        md->lam[i] = md->lam_par[i] < 0 ? 1.0 : x[md->lam_par[i]];
    q = md->npar - p - m * (m + 1) / 2;
    for (size_t i = 0; i < p; i++)
        md->theta[i] = x[q++];
    for (size_t k = 0; k < m; k++)
        for (size_t l = 0; l <= k; l++, q++)
            md->phi[k * m + l] = md->phi[l * m + k] = x[q];
}

/* Sigma at the unpacked values. */
static void implied(cfa_model_t *md)
{
    size_t p = md->p, m = md->m;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            md->sigma[i * p + j] = md->lam[i] * md->lam[j] *
                                       md->phi[md->f[i] * m + md->f[j]] +
                                   (i == j ? md->theta[i] : 0);
}

/* F at x (lavaan's 2 fx), and when grad is not NULL its gradient.  A
 * parameter vector whose Sigma is not positive definite gets F = +huge
 * and a zero gradient, which the line searches back away from. */
static double cfa_f(cfa_model_t *md, const double *x, double *grad)
{
    size_t p = md->p, m = md->m;
    unpack(md, x);
    implied(md);
    double logdet;
    if (vm_spd_inverse(md->sigma, p, md->sinv, &logdet) != VAL_OK) {
        if (grad)
            memset(grad, 0, md->npar * sizeof *grad);
        return 1e30;
    }
    double tr = 0;
    vm_mul(md->s, 0, md->sinv, 0, md->tmp, p, p, p); /* S Sigma^-1 */
    for (size_t i = 0; i < p; i++)
        tr += md->tmp[i * p + i];
    double f = logdet + tr - md->logdet_s - (double)p;
    if (!grad)
        return f;
    /* G = Sigma^-1 - Sigma^-1 S Sigma^-1; dF = tr(G dSigma) */
    vm_mul(md->sinv, 0, md->tmp, 0, md->g, p, p, p);
    for (size_t i = 0; i < p * p; i++)
        md->g[i] = md->sinv[i] - md->g[i];
    memset(grad, 0, md->npar * sizeof *grad);
    size_t q0 = md->npar - p - m * (m + 1) / 2, qphi = q0 + p;
    for (size_t i = 0; i < p; i++) {
        if (md->lam_par[i] >= 0) {
            double s = 0;
            for (size_t j = 0; j < p; j++)
                s += md->g[i * p + j] * md->lam[j] *
                     md->phi[md->f[i] * m + md->f[j]];
            grad[md->lam_par[i]] = 2 * s;
        }
        grad[q0 + i] = md->g[i * p + i];
        for (size_t j = 0; j < p; j++) {
            size_t k = md->f[i], l = md->f[j];
            if (l > k)
                continue;
            /* Phi_kl (k > l) enters Sigma_ij and Sigma_ji: twice */
            double w = md->g[i * p + j] * md->lam[i] * md->lam[j];
            grad[qphi + k * (k + 1) / 2 + l] += k == l ? w : 2 * w;
        }
    }
    return f;
}

/* GSL multimin adapters */
static double mm_f(const gsl_vector *x, void *params)
{
    return cfa_f(params, x->data, NULL);
}

static void mm_df(const gsl_vector *x, void *params, gsl_vector *g)
{
    cfa_f(params, x->data, g->data);
}

static void mm_fdf(const gsl_vector *x, void *params, double *f,
                   gsl_vector *g)
{
    *f = cfa_f(params, x->data, g->data);
}

/* Starting values: factor variance from the marker's covariances with its
 * factor's other items, loadings cov(i, marker)/phi_kk, residuals what is
 * left (at least a tenth of the variance), factor covariances those of
 * the markers shrunk until Phi is positive definite. */
static void start_values(cfa_model_t *md, const size_t *marker, double *x)
{
    size_t p = md->p, m = md->m, q = md->npar - p - m * (m + 1) / 2;
    const double *s = md->s;
    double *pv = md->phi;
    for (size_t k = 0; k < m; k++) {
        size_t mk = marker[k];
        double c = 0, cnt = 0;
        for (size_t i = 0; i < p; i++)
            if (md->f[i] == k && i != mk) {
                c += fabs(s[i * p + mk]);
                cnt++;
            }
        c = cnt > 0 ? c / cnt : 0;
        pv[k * m + k] = c > 0.05 * s[mk * p + mk] ? c : 0.5 * s[mk * p + mk];
    }
    for (size_t i = 0; i < p; i++) {
        size_t k = md->f[i], mk = marker[k];
        double lam = i == mk ? 1.0 : s[i * p + mk] / pv[k * m + k];
        double th = s[i * p + i] - lam * lam * pv[k * m + k];
        if (th < 0.1 * s[i * p + i])
            th = 0.1 * s[i * p + i];
        if (md->lam_par[i] >= 0)
            x[md->lam_par[i]] = lam;
        x[q + i] = th;
    }
    q += p;
    for (double shrink = 1.0; shrink > 1e-3; shrink /= 2) {
        for (size_t k = 0; k < m; k++)
            for (size_t l = 0; l < k; l++)
                pv[k * m + l] = pv[l * m + k] =
                    shrink * s[marker[k] * p + marker[l]];
        if (vm_spd_inverse(pv, m, NULL, NULL) == VAL_OK)
            break;
        for (size_t k = 0; k < m; k++)
            for (size_t l = 0; l < k; l++)
                pv[k * m + l] = pv[l * m + k] = 0;
    }
    for (size_t k = 0; k < m; k++)
        for (size_t l = 0; l <= k; l++)
            x[q++] = pv[k * m + l];
}

#define CFA_GTOL 1e-8 /* max |dF/dx| accepted as the optimum */

/* Newton steps on a central-difference Hessian of the analytic gradient:
 * from BFGS's neighbourhood of the optimum to its last digits.  Returns
 * max |gradient| at the final x. */
static double newton_polish(cfa_model_t *md, double *x, double *work)
{
    size_t n = md->npar;
    double *g = work, *gp = work + n, *gm = work + 2 * n, *d = work + 3 * n;
    double *xt = work + 4 * n, *h = work + 5 * n; /* h: [n*n] */
    double gmax = INFINITY;
    for (int step = 0; step < 20; step++) {
        double f = cfa_f(md, x, g);
        gmax = 0;
        for (size_t a = 0; a < n; a++)
            gmax = fmax(gmax, fabs(g[a]));
        if (gmax < 1e-13)
            break;
        for (size_t a = 0; a < n; a++) {
            double e = 1e-5 * fmax(1.0, fabs(x[a])), xa = x[a];
            x[a] = xa + e;
            cfa_f(md, x, gp);
            x[a] = xa - e;
            cfa_f(md, x, gm);
            x[a] = xa;
            for (size_t b = 0; b < n; b++)
                h[b * n + a] = (gp[b] - gm[b]) / (2 * e);
        }
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b < a; b++)
                h[a * n + b] = h[b * n + a] = (h[a * n + b] + h[b * n + a]) / 2;
        for (size_t a = 0; a < n; a++)
            d[a] = -g[a];
        if (vm_solve(h, n, d, 1) != VAL_OK)
            break;
        double t = 1;
        for (; t > 1e-4; t /= 2) {
            for (size_t a = 0; a < n; a++)
                xt[a] = x[a] + t * d[a];
            if (cfa_f(md, xt, NULL) <= f)
                break;
        }
        if (!(t > 1e-4))
            break;
        memcpy(x, xt, n * sizeof *x);
    }
    cfa_f(md, x, g);
    gmax = 0;
    for (size_t a = 0; a < n; a++)
        gmax = fmax(gmax, fabs(g[a]));
    return gmax;
}

/* Minimise F from x (start values in, estimates out). */
static int minimise(cfa_model_t *md, double *x, int *iterations)
{
    size_t n = md->npar;
    int rc = VAL_ENOMEM;
    gsl_multimin_function_fdf fn = {mm_f, mm_df, mm_fdf, n, md};
    gsl_vector *xv = gsl_vector_alloc(n);
    gsl_multimin_fdfminimizer *mz =
        gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, n);
    double *work = malloc((6 * n + n * n) * sizeof *work);
    if (!xv || !mz || !work)
        goto done;
    memcpy(xv->data, x, n * sizeof *x);
    gsl_multimin_fdfminimizer_set(mz, &fn, xv, 0.01, 0.1);
    int it = 0;
    for (; it < 10000; it++) {
        if (gsl_multimin_fdfminimizer_iterate(mz) != GSL_SUCCESS)
            break; /* no progress: the polish takes over */
        if (gsl_multimin_test_gradient(mz->gradient, CFA_GTOL) == GSL_SUCCESS)
            break;
    }
    *iterations = it;
    memcpy(x, mz->x->data, n * sizeof *x);
    rc = newton_polish(md, x, work) < CFA_GTOL ? VAL_OK : VAL_ENOCONV;
done:
    gsl_multimin_fdfminimizer_free(mz);
    gsl_vector_free(xv);
    free(work);
    return rc;
}

/* pchisq(x, df, ncp): the Poisson mixture sum_j w_j P(chi2_{df+2j} <= x),
 * w_j = e^{-ncp/2} (ncp/2)^j / j!, summed outwards from the largest
 * weight until the weights no longer matter. */
static double pnchisq(double x, double df, double ncp)
{
    if (!(ncp > 0))
        return gsl_cdf_chisq_P(x, df);
    double h = ncp / 2, sum = 0;
    long j0 = (long)floor(h);
    for (long j = j0;; j++) {
        double w = exp(-h + j * log(h) - gsl_sf_lngamma(j + 1.0));
        sum += w * gsl_cdf_chisq_P(x, df + 2.0 * j);
        if (w < 1e-17 && j > j0)
            break;
    }
    for (long j = j0 - 1; j >= 0; j--) {
        double w = exp(-h + j * log(h) - gsl_sf_lngamma(j + 1.0));
        sum += w * gsl_cdf_chisq_P(x, df + 2.0 * j);
        if (w < 1e-17)
            break;
    }
    return sum > 1 ? 1 : sum;
}

typedef struct {
    double x2, df, target;
} ncp_root_t;

static double ncp_fn(double lambda, void *params)
{
    const ncp_root_t *r = params;
    return pnchisq(r->x2, r->df, lambda) - r->target;
}

/* The noncentrality in [0, hi] with pchisq(x2, df, ncp) = target (lavaan
 * uniroot; Brent here, to 1e-10). */
static double ncp_solve(double x2, double df, double target, double hi)
{
    ncp_root_t r = {x2, df, target};
    gsl_function fn = {ncp_fn, &r};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    double root = NAN;
    if (!s || gsl_root_fsolver_set(s, &fn, 0, hi) != GSL_SUCCESS)
        goto done;
    for (int it = 0; it < 200; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            break;
        double lo = gsl_root_fsolver_x_lower(s), up = gsl_root_fsolver_x_upper(s);
        root = gsl_root_fsolver_root(s);
        if (gsl_root_test_interval(lo, up, 1e-10, 1e-12) == GSL_SUCCESS)
            break;
    }
done:
    gsl_root_fsolver_free(s);
    return root;
}

/* lav_fit_rmsea_ci(X2, df, N, level = 0.90) */
static void rmsea_ci(double x2, double df, double n, double *lo, double *hi)
{
    *lo = *hi = 0;
    if (df < 1)
        return;
    if (!(pnchisq(x2, df, 0) - 0.95 < 0))
        *lo = sqrt(ncp_solve(x2, df, 0.95, x2) / (n * df));
    double nr = fmax(n, 4 * x2);
    if (!(pnchisq(x2, df, nr) - 0.05 > 0 || pnchisq(x2, df, 0) - 0.05 < 0))
        *hi = sqrt(ncp_solve(x2, df, 0.05, nr) / (n * df));
}

/* ------------------------------------------------------------------ */
/* val_cfa                                                            */
/* ------------------------------------------------------------------ */

int val_cfa_init(val_cfa_t *out, size_t p, size_t m)
{
    memset(out, 0, sizeof *out);
    if (p == 0 || m == 0)
        return VAL_EARG;
    out->p = p;
    out->m = m;
    double **const arr[] = {&out->loadings, &out->std_loadings,
                            &out->residual, &out->phi, &out->std_phi,
                            &out->omega, &out->ave};
    const size_t sz[] = {p, p, p, m * m, m * m, m, m};
    return vm_carve(arr, sz, 7);
}

void val_cfa_free(val_cfa_t *out)
{
    if (!out)
        return;
    free(out->loadings); /* the block of all arrays (vm_carve) */
    memset(out, 0, sizeof *out);
}

/* Fit measures and the standardized solution from the estimates in md
 * (unpacked, sigma implied) and the minimum f. */
static void cfa_results(const cfa_model_t *md, double f, val_cfa_t *out)
{
    size_t p = md->p, m = md->m;
    double n = md->n, *s = md->s, *sg = md->sigma;
    out->chisq = n * f;
    out->df = p * (p + 1) / 2.0 - (double)md->npar;
    out->pvalue = out->df > 0 ? gsl_cdf_chisq_Q(out->chisq, out->df) : NAN;
    double sumlog = 0;
    for (size_t i = 0; i < p; i++)
        sumlog += log(s[i * p + i]);
    out->baseline_chisq = n * (sumlog - md->logdet_s);
    out->baseline_df = p * (p - 1) / 2.0;
    double x2 = out->chisq, df = out->df, x2b = out->baseline_chisq,
           dfb = out->baseline_df;
    double t1 = fmax(x2 - df, 0), t2 = fmax(fmax(x2 - df, x2b - dfb), 0);
    out->cfi = (fabs(t1) < 1e-8 && fabs(t2) < 1e-8) ? 1 : 1 - t1 / t2;
    t1 = (x2 - df) * dfb;
    t2 = (x2b - dfb) * df;
    out->tli = (df > 0 && fabs(t2) > 0) ? 1 - t1 / t2 : 1;
    out->rmsea = df > 0 ? sqrt(fmax((x2 / n) / df - 1 / n, 0)) : 0;
    rmsea_ci(x2, df, n, &out->rmsea_ci_low, &out->rmsea_ci_high);
    double srmr = 0;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++) {
            double e = (s[i * p + j] - sg[i * p + j]) /
                       sqrt(s[i * p + i] * s[j * p + j]);
            srmr += e * e;
        }
    out->srmr = sqrt(srmr / (p * (p + 1) / 2.0));

    for (size_t i = 0; i < p; i++) {
        size_t k = md->f[i];
        out->loadings[i] = md->lam[i];
        out->residual[i] = md->theta[i];
        out->std_loadings[i] =
            md->lam[i] * sqrt(md->phi[k * m + k]) / sqrt(sg[i * p + i]);
    }
    for (size_t k = 0; k < m; k++)
        for (size_t l = 0; l < m; l++) {
            out->phi[k * m + l] = md->phi[k * m + l];
            out->std_phi[k * m + l] = md->phi[k * m + l] /
                sqrt(md->phi[k * m + k] * md->phi[l * m + l]);
        }
    for (size_t k = 0; k < m; k++) {
        double sl = 0, se = 0, sl2 = 0, cnt = 0;
        for (size_t i = 0; i < p; i++)
            if (md->f[i] == k) {
                double l = out->std_loadings[i];
                sl += l;
                sl2 += l * l;
                se += 1 - l * l;
                cnt++;
            }
        out->omega[k] = sl * sl / (sl * sl + se);
        out->ave[k] = sl2 / cnt;
    }
}

/* Allocate md for the model; the markers (first item of each factor) into
 * marker[m].  VAL_EARG when a factor has fewer than 2 items. */
static int cfa_model_init(cfa_model_t *md, const double *cov, double n,
                          const size_t *f, size_t p, size_t m, size_t *marker)
{
    memset(md, 0, sizeof *md);
    md->p = p;
    md->m = m;
    md->f = f;
    md->n = n;
    double **const arr[] = {&md->s, &md->lam, &md->theta, &md->phi,
                            &md->sigma, &md->sinv, &md->g, &md->tmp};
    const size_t pp = p * p;
    const size_t sz[] = {pp, p, p, m * m, pp, pp, pp, pp};
    md->lam_par = malloc(p * sizeof *md->lam_par);
    if (vm_carve(arr, sz, 8) != VAL_OK || !md->lam_par)
        return VAL_ENOMEM;
    for (size_t k = 0; k < m; k++)
        marker[k] = p;
    size_t q = 0;
    for (size_t i = 0; i < p; i++) {
        if (f[i] >= m)
            return VAL_EARG;
        if (marker[f[i]] == p) {
            marker[f[i]] = i;
            md->lam_par[i] = -1;
        } else {
            md->lam_par[i] = (int)q++;
        }
    }
    for (size_t k = 0; k < m; k++) {
        size_t cnt = 0;
        for (size_t i = 0; i < p; i++)
            cnt += f[i] == k;
        if (cnt < 2)
            return VAL_EARG;
    }
    md->npar = q + p + m * (m + 1) / 2;
    /* lavaan's ML sample covariance: divisor N */
    for (size_t i = 0; i < p * p; i++)
        md->s[i] = cov[i] * (n - 1) / n;
    return vm_spd_inverse(md->s, p, NULL, &md->logdet_s);
}

int val_cfa(const double *cov, double n, const size_t *factor_of,
            val_cfa_t *out)
{
    size_t p = out->p, m = out->m;
    if (p < 3 || !(n > p))
        return VAL_EARG;
    cfa_model_t md;
    size_t *marker = malloc(m * sizeof *marker);
    double *x = NULL;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = marker ? cfa_model_init(&md, cov, n, factor_of, p, m, marker)
                    : VAL_ENOMEM;
    if (!marker)
        memset(&md, 0, sizeof md);
    if (rc != VAL_OK)
        goto done;
    out->n = n;
    rc = VAL_ENOMEM;
    x = malloc(md.npar * sizeof *x);
    if (!x)
        goto done;
    start_values(&md, marker, x);
    rc = minimise(&md, x, &out->iterations);
    if (rc != VAL_OK)
        goto done;
    double f = cfa_f(&md, x, NULL); /* leaves md unpacked at x */
    cfa_results(&md, f, out);
done:
    gsl_set_error_handler(old);
    cfa_model_free(&md);
    free(marker);
    free(x);
    return rc;
}
