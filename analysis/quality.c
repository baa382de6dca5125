/*
 * quality: measurement quality, key drivers and careless screening of one
 * analysis, from the scan's accumulators into the res_t (see quality.h).
 *
 * Measurement quality works on the scored Likert items (reverse items
 * flipped): Pearson correlations from the respondents answering each pair
 * (psych's default), whose matrix gives KMO, Bartlett's test (n = every
 * respondent, as psych counts the rows of the data), the eigenvalues,
 * Horn's parallel analysis and the minres + oblimin EFA; the CFA of the
 * form's own model uses the complete cases' covariance, as lavaan's
 * default listwise deletion does.  Each factor of the EFA is then paired
 * with the dimension whose items load on it most, so a finding can say
 * "pl3 loads more on the Understanding factor than on Planning's".
 *
 * Key drivers: the outcome on the dimension scores (the dimensions with
 * scored items), over the respondents who have all of them; LMG, relative
 * weights, beta, r and Pratt's shares from drivers.c.  The priority matrix
 * crosses importance (the LMG share of R^2) with performance (the
 * dimension's mean score, over everyone who has it), each split at its
 * median over the dimensions: strictly above the median is "high
 * importance", strictly below "low score", so the median dimension itself
 * counts as less important and as scoring high.
 */
#include "analysis/quality.h"
#include "analysis/cfa.h"
#include "analysis/drivers.h"
#include "analysis/efa.h"
#include "analysis/parallel.h"
#include "analysis/validity.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

static res_vstatus_t vstatus(int code)
{
    switch (code) {
    case VAL_OK: return RES_V_OK;
    case VAL_EARG: return RES_V_FEW;
    case VAL_ESINGULAR: return RES_V_SINGULAR;
    case VAL_ENOCONV: return RES_V_NOCONV;
    case VAL_EUNDEF: return RES_V_UNDEF;
    default: return RES_V_NOMEM;
    }
}

/* Heap copies: the engines' arrays go away with their results. */
static double *copy_of(const double *a, size_t n)
{
    double *c = util_xmalloc((n + 1) * sizeof *c);
    memcpy(c, a, n * sizeof *c);
    return c;
}

static double *nan_of(size_t n)
{
    double *a = util_xmalloc((n + 1) * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = NAN;
    return a;
}

/* ---- measurement quality ---- */

/* KMO and Bartlett's test of the correlation matrix R. */
static void sphericity(res_t *r, res_validity_t *v, const double *R)
{
    size_t p = v->nitems;
    v->msa = nan_of(p);
    int st = val_kmo(R, p, &v->kmo, v->msa);
    if (st == VAL_OK)
        st = val_bartlett(R, p, v->rows, &v->bartlett_chisq, &v->bartlett_df, &v->bartlett_p);
    v->kmo_status = vstatus(st);
    if (st != VAL_OK) {
        v->kmo = v->bartlett_chisq = v->bartlett_df = v->bartlett_p = NAN;
        res_warn(r, RES_W_VAL_KMO, -1, v->kmo_status);
    }
}

/* The eigenvalues (observed and reduced) and Horn's parallel analysis;
 * the eigenvalues stand even when the simulation cannot be run. */
static void parallel(res_t *r, res_validity_t *v, const double *R)
{
    size_t p = v->nitems;
    val_parallel_t pa;
    v->eigen = nan_of(p);
    v->eigen_reduced = nan_of(p);
    int st = val_parallel_init(&pa, p);
    if (st == VAL_OK)
        st = val_parallel(R, v->rows, v->pa_iterations, v->pa_seed, &pa);
    v->pa_status = vstatus(st);
    if (st == VAL_OK) {
        memcpy(v->eigen, pa.pc_obs, p * sizeof *v->eigen);
        memcpy(v->eigen_reduced, pa.fa_obs, p * sizeof *v->eigen_reduced);
        v->pa_pc95 = copy_of(pa.pc_sim95, p);
        v->pa_fa95 = copy_of(pa.fa_sim95, p);
        v->pa_factors = pa.nfactors;
        v->pa_components = pa.ncomponents;
    } else {
        res_warn(r, RES_W_VAL_PARALLEL, -1, v->pa_status);
        val_eigen(R, p, v->eigen);
        val_fa_values(R, p, v->eigen_reduced);
    }
    val_parallel_free(&pa);
}

/* Which dimension each factor stands for: the (dimension, factor) pair
 * whose items' loadings sum highest, then the highest among the pairs
 * left, and so on, so that a factor stands for one dimension and a
 * dimension has at most one factor; a pair whose sum is not positive
 * pairs nothing. */
static void match_factors(res_validity_t *v, size_t ndims)
{
    size_t p = v->nitems, m = v->nfactors;
    double *S = util_xcalloc(ndims * m + 1, sizeof *S);
    char *dused = util_xcalloc(ndims + 1, 1), *fused = util_xcalloc(m + 1, 1);
    v->factor_dim = util_xmalloc((m + 1) * sizeof *v->factor_dim);
    for (size_t f = 0; f < m; f++)
        v->factor_dim[f] = -1;
    for (size_t i = 0; i < p; i++)
        for (size_t f = 0; f < m; f++)
            S[(size_t)v->item_dim[i] * m + f] += v->loadings[i * m + f];
    for (;;) {
        double best = 0;
        long bd = -1, bf = -1;
        for (size_t d = 0; d < ndims; d++)
            for (size_t f = 0; !dused[d] && f < m; f++)
                if (!fused[f] && S[d * m + f] > best) {
                    best = S[d * m + f];
                    bd = (long)d;
                    bf = (long)f;
                }
        if (bd < 0)
            break;
        dused[bd] = fused[bf] = 1;
        v->factor_dim[bf] = bd;
    }
    free(S);
    free(dused);
    free(fused);
}

static void efa(res_t *r, res_validity_t *v, const double *R)
{
    size_t p = v->nitems, m = v->nfactors;
    val_efa_t e;
    int st = val_efa_init(&e, p, m);
    if (st == VAL_OK)
        st = val_efa(R, &e);
    v->efa_status = vstatus(st);
    if (st != VAL_OK) {
        res_warn(r, RES_W_VAL_EFA, -1, v->efa_status);
        val_efa_free(&e);
        return;
    }
    v->loadings = copy_of(e.loadings, p * m);
    v->communality = copy_of(e.communality, p);
    v->uniqueness = copy_of(e.uniqueness, p);
    v->phi = copy_of(e.phi, m * m);
    v->ss_loadings = copy_of(e.ss_loadings, m);
    v->prop_var = copy_of(e.prop_var, m);
    v->rotation_converged = e.rotation_converged;
    if (!e.rotation_converged)
        res_warn(r, RES_W_VAL_ROTATION, -1, 0);
    match_factors(v, r->ndims);
    val_efa_free(&e);
}

/* The CFA's items (keep[], q of them) and their factors: the items of the
 * dimensions with two items or more (one item alone is not identified). */
static size_t cfa_items(res_validity_t *v, size_t ndims, size_t *keep, size_t *factor_of, size_t *m,
                        size_t *fidx)
{
    size_t p = v->nitems, q = 0, *cnt = util_xcalloc(ndims + 1, sizeof *cnt);
    for (size_t i = 0; i < p; i++)
        cnt[v->item_dim[i]]++;
    *m = 0;
    for (size_t d = 0; d < ndims; d++)
        if ((v->cfa_dim[d] = cnt[d] >= 2))
            fidx[d] = (*m)++;
    for (size_t i = 0; i < p; i++)
        if (v->cfa_dim[v->item_dim[i]]) {
            keep[q] = i;
            factor_of[q++] = fidx[v->item_dim[i]];
        }
    free(cnt);
    return q;
}

static void cfa(res_t *r, res_validity_t *v, const scan_t *sc)
{
    size_t p = v->nitems, nd = r->ndims, m;
    size_t *keep = util_xcalloc(p + 1, sizeof *keep), *factor_of = util_xcalloc(p + 1, sizeof *factor_of);
    size_t *fidx = util_xcalloc(nd + 1, sizeof *fidx);
    double *full = util_xmalloc((p * p + 1) * sizeof *full), *sub = NULL;
    v->cfa_dim = util_xcalloc(nd + 1, 1);
    v->std_loadings = nan_of(p);
    v->omega = nan_of(nd);
    v->ave = nan_of(nd);
    v->cfa_n = stats_cov_n(sc->vcov);
    size_t q = cfa_items(v, nd, keep, factor_of, &m, fidx);
    val_cfa_t c = {0};
    int st = m == 0 || q < 3 ? VAL_EARG : val_cfa_init(&c, q, m);
    if (st == VAL_OK) {
        val_cov_from_stats(sc->vcov, full);
        sub = util_xmalloc((q * q + 1) * sizeof *sub);
        for (size_t a = 0; a < q; a++)
            for (size_t b = 0; b < q; b++)
                sub[a * q + b] = full[keep[a] * p + keep[b]];
        st = val_cfa(sub, v->cfa_n, factor_of, &c);
    }
    v->cfa_status = vstatus(st);
    if (st == VAL_OK) {
        v->chisq = c.chisq;
        v->df = c.df;
        v->pvalue = c.pvalue;
        v->cfi = c.cfi;
        v->tli = c.tli;
        v->rmsea = c.rmsea;
        v->rmsea_ci_low = c.rmsea_ci_low;
        v->rmsea_ci_high = c.rmsea_ci_high;
        v->srmr = c.srmr;
        for (size_t a = 0; a < q; a++)
            v->std_loadings[keep[a]] = c.std_loadings[a];
        for (size_t d = 0; d < nd; d++)
            if (v->cfa_dim[d]) {
                v->omega[d] = c.omega[fidx[d]];
                v->ave[d] = c.ave[fidx[d]];
                /* a negative variance leaves the standardized solution
                 * undefined there, as lavaan's NA (and its warning) */
                if (!isfinite(v->ave[d]))
                    res_warn(r, RES_W_VAL_HEYWOOD, (long)d, 0);
            }
    } else {
        res_warn(r, RES_W_VAL_CFA, -1, v->cfa_status);
    }
    val_cfa_free(&c);
    free(keep);
    free(factor_of);
    free(fidx);
    free(full);
    free(sub);
}

/* The validity result's items, sizes and every statistic NAN. */
static res_validity_t *validity_new(const scan_t *sc, size_t nfactors)
{
    size_t p = sc->nscored;
    res_validity_t *v = util_xcalloc(1, sizeof *v);
    v->nitems = p;
    v->items = util_xcalloc(p + 1, sizeof *v->items);
    v->item_dim = util_xcalloc(p + 1, sizeof *v->item_dim);
    for (size_t i = 0; i < p; i++) {
        const form_item_t *it = &sc->f->items[sc->scored_pos[i]];
        v->items[i] = util_xstrdup(it->name);
        v->item_dim[i] = it->dim;
    }
    v->rows = val_pair_rows(sc->vpair);
    v->min_pair_n = INFINITY;
    for (size_t i = 0; i < p; i++)
        for (size_t j = i; j < p; j++)
            v->min_pair_n = fmin(v->min_pair_n, val_pair_count(sc->vpair, i, j));
    v->nfactors = nfactors;
    v->kmo = v->bartlett_chisq = v->bartlett_df = v->bartlett_p = NAN;
    v->pa_factors = v->pa_components = -1;
    v->cfa_n = v->chisq = v->df = v->pvalue = v->cfi = v->tli = NAN;
    v->rmsea = v->rmsea_ci_low = v->rmsea_ci_high = v->srmr = NAN;
    return v;
}

void quality_validity(res_t *r, const scan_t *sc, size_t nfactors, size_t iterations, unsigned long seed)
{
    if (!sc->vpair)
        return;
    size_t p = sc->nscored, withitems = 0;
    for (size_t d = 0; d < sc->ndims; d++)
        withitems += sc->ndimitems[d] > 0;
    res_validity_t *v = r->validity = validity_new(sc, nfactors ? nfactors : withitems);
    v->pa_iterations = iterations;
    v->pa_seed = seed;
    double *R = util_xmalloc((p * p + 1) * sizeof *R);
    int st = val_pair_cor(sc->vpair, R);
    v->cor_status = vstatus(st);
    if (st != VAL_OK) {
        /* nothing downstream of an undefined correlation is defined */
        v->kmo_status = v->pa_status = v->efa_status = v->cfa_status = v->cor_status;
        res_warn(r, RES_W_VAL_COR, -1, v->cor_status);
    } else {
        sphericity(r, v, R);
        parallel(r, v, R);
        efa(r, v, R);
        cfa(r, v, sc);
    }
    free(R);
}

/* ---- key drivers ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *a, size_t n)
{
    qsort(a, n, sizeof *a, cmp_double);
    return n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* The priority matrix of a fit: the medians and each dimension's
 * quadrant (see the top of this file). */
static void quadrants(res_drvfit_t *F, size_t ndims)
{
    double *imp = util_xcalloc(ndims + 1, sizeof *imp), *perf = util_xcalloc(ndims + 1, sizeof *perf);
    size_t n = 0;
    for (size_t d = 0; d < ndims; d++)
        if (isfinite(F->lmg_share[d]) && isfinite(F->mean[d])) {
            imp[n] = F->lmg_share[d];
            perf[n++] = F->mean[d];
        }
    if (n >= 2) {
        F->imp_median = median_of(imp, n);
        F->perf_median = median_of(perf, n);
        for (size_t d = 0; d < ndims; d++) {
            if (!isfinite(F->lmg_share[d]) || !isfinite(F->mean[d]))
                continue;
            int high = F->lmg_share[d] > F->imp_median, low = F->mean[d] < F->perf_median;
            F->quadrant[d] = high ? (low ? RES_Q_PRIORITY : RES_Q_STRENGTH)
                                  : (low ? RES_Q_LOW_PRIORITY : RES_Q_SURPLUS);
        }
    }
    free(imp);
    free(perf);
}

/* One fit from the co-moments c (the outcome, then the predictors
 * sc->drvdim), with the performance perf[ndims]. */
static void drv_fit(res_drvfit_t *F, const stats_cov_t *c, const scan_t *sc, size_t ndims,
                    const double *perf)
{
    size_t k = sc->ndrv;
    double **arrays[] = {&F->lmg, &F->lmg_share, &F->rw, &F->rw_share, &F->beta, &F->r, &F->pratt_share};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        *arrays[i] = nan_of(ndims);
    F->mean = copy_of(perf, ndims);
    F->quadrant = util_xmalloc((ndims + 1) * sizeof *F->quadrant);
    for (size_t d = 0; d < ndims; d++)
        F->quadrant[d] = RES_Q_NONE;
    F->n = stats_cov_n(c);
    F->r2 = F->imp_median = F->perf_median = NAN;
    if (k > DRV_MAX_PREDICTORS || F->n < (double)(RES_DRV_PER_PREDICTOR * k)) {
        F->status = RES_V_FEW;
        return;
    }
    drv_result_t d;
    if (drv_init(&d, k) != 0) {
        F->status = RES_V_NOMEM;
        return;
    }
    if (drv_compute(c, &d) != 0) {
        F->status = RES_V_SINGULAR;
    } else {
        F->status = RES_V_OK;
        F->r2 = d.r2;
        for (size_t j = 0; j < k; j++) {
            size_t dd = sc->drvdim[j];
            F->lmg[dd] = d.lmg[j];
            F->lmg_share[dd] = d.lmg_share[j];
            F->rw[dd] = d.rw[j];
            F->rw_share[dd] = d.rw_share[j];
            F->beta[dd] = d.beta[j];
            F->r[dd] = d.r[j];
            F->pratt_share[dd] = d.pratt_share[j];
        }
        quadrants(F, ndims);
    }
    drv_free(&d);
}

void quality_drivers(res_t *r, const scan_t *sc, const char *outcome, const char *label)
{
    if (!sc->dcov)
        return;
    size_t nd = r->ndims;
    res_drivers_t *D = r->drivers = util_xcalloc(1, sizeof *D);
    D->outcome = util_xstrdup(outcome);
    D->outcome_label = util_xstrdup(label);
    double *perf = nan_of(nd);
    for (size_t d = 0; d < nd; d++)
        perf[d] = r->dims[d].mean;
    drv_fit(&D->all, sc->dcov, sc, nd, perf);
    if (D->all.status != RES_V_OK)
        res_warn(r, RES_W_DRV, -1, D->all.status);
    D->groups = util_xcalloc(r->ngroups + 1, sizeof *D->groups);
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (G->suppressed || !G->cells) {
            D->groups[g].status = RES_V_FEW;   /* hidden: never written */
            continue;
        }
        for (size_t d = 0; d < nd; d++)
            perf[d] = G->cells[d].mean;
        drv_fit(&D->groups[g], sc->gdcov[g], sc, nd, perf);
    }
    free(perf);
}

/* ---- careless answers ---- */

void quality_careless(res_t *r, const scan_t *sc)
{
    for (size_t g = 0; g < r->ngroups; g++)
        r->groups[g].flagged = -1;
    r->excluded = sc->excluded;
    if (!sc->screen)
        return;
    res_careless_t *c = r->careless = util_xcalloc(1, sizeof *c);
    size_t k = sc->nscored;
    c->screened = sc->screened;
    c->complete = sc->complete;
    c->nitems = k;
    c->straight = sc->nstraight;
    c->maha = sc->nmaha;
    c->flagged = sc->nflagged;
    c->maha_alpha = SCAN_MAHA_ALPHA;
    c->maha_cutoff = k ? gsl_cdf_chisq_Qinv(SCAN_MAHA_ALPHA, (double)k) : NAN;
    c->longstring_mean = sc->longstring.n > 0 ? sc->longstring.mean : NAN;
    c->longstring_sd = stats_acc_sd(&sc->longstring);
    c->longstring_max = sc->longstring.n > 0 ? sc->longstring_max : NAN;
    c->irv_mean = sc->irv.n > 0 ? sc->irv.mean : NAN;
    c->irv_sd = stats_acc_sd(&sc->irv);
    c->d2_mean = sc->d2.n > 0 ? sc->d2.mean : NAN;
    c->maha_status = sc->maha ? RES_V_OK : (double)sc->complete <= (double)k ? RES_V_FEW : RES_V_SINGULAR;
    if (c->maha_status != RES_V_OK)
        res_warn(r, RES_W_MAHA, -1, c->maha_status);
    c->excluded = sc->exclude;
    for (size_t g = 0; g < r->ngroups; g++)
        if (!r->groups[g].suppressed && r->groups[g].cells)
            r->groups[g].flagged = sc->gflagged[g];
}
