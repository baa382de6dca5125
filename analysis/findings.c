/*
 * findings: the list of what an analysis found, in the order a reader
 * should meet it (see findings.h).  Numbers only: the wording is
 * render_finding's.
 */
#include "analysis/findings.h"
#include "base/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Appends a finding of kind about group and dim with nvalues key/value
 * pairs (const char *, double) as the trailing arguments. */
static void add(res_t *r, res_fkind_t kind, long group, long dim, size_t nvalues, ...)
{
    r->findings = util_xrealloc(r->findings, (r->nfindings + 1) * sizeof *r->findings);
    res_finding_t *f = &r->findings[r->nfindings++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->group = group;
    f->dim = dim;
    va_list ap;
    va_start(ap, nvalues);
    for (size_t i = 0; i < nvalues && i < RES_FVALUES_MAX; i++) {
        f->values[i].key = va_arg(ap, const char *);
        f->values[i].v = va_arg(ap, double);
    }
    va_end(ap);
    f->nvalues = nvalues < RES_FVALUES_MAX ? nvalues : RES_FVALUES_MAX;
}

double findings_value(const res_finding_t *f, const char *key)
{
    for (size_t i = 0; i < f->nvalues; i++)
        if (strcmp(f->values[i].key, key) == 0)
            return f->values[i].v;
    return NAN;
}

/* One finding per unit that over- (or under-) claims, covering each of
 * its flagged dimensions; units with the largest gap first, so the list
 * reads as a priority list. */
static void gap_findings(res_t *r, res_gapflag_t flag)
{
    size_t *order = util_xmalloc((r->ngroups + 1) * sizeof *order);
    double *worst = util_xcalloc(r->ngroups + 1, sizeof *worst), *signed_worst =
        util_xcalloc(r->ngroups + 1, sizeof *signed_worst);
    size_t *cnt = util_xcalloc(r->ngroups + 1, sizeof *cnt);
    size_t n = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
        for (size_t i = 0; i < r->ngaps; i++)
            if (r->gaps[i].group == g && r->gaps[i].flag == flag) {
                double m = fabs(r->gaps[i].gap);
                if (!cnt[g] || m > worst[g]) {
                    worst[g] = m;
                    signed_worst[g] = r->gaps[i].gap;
                }
                cnt[g]++;
            }
        if (cnt[g])
            order[n++] = g;
    }
    for (size_t a = 1; a < n; a++)   /* insertion sort: a few dozen units at most */
        for (size_t b = a; b > 0 && worst[order[b]] > worst[order[b - 1]]; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    for (size_t k = 0; k < n; k++) {
        size_t g = order[k];
        add(r, flag == RES_OVERCLAIM ? RES_F_OVERCLAIM : RES_F_UNDERCLAIM, (long)g, -1, 2,
            "dimensions", (double)cnt[g], "gap", signed_worst[g]);
    }
    free(order);
    free(worst);
    free(signed_worst);
    free(cnt);
}

static void weak_cells(res_t *r)
{
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (G->suppressed || !G->cells)
            continue;
        for (size_t d = 0; d < r->ndims; d++) {
            const res_cell_t *C = &G->cells[d];
            if (C->weak)
                add(r, RES_F_WEAK_UNIT, (long)g, (long)d, 5, "mean", C->mean, "n", C->n, "diff",
                    C->diff, "t", C->t, "q", C->q);
        }
    }
}

/* The EFA's verdict on item i: it loads more on another dimension's
 * factor (at least FINDINGS_CROSS_MIN) than on its own dimension's, or
 * below FINDINGS_LOADING_MIN on its own.  Only items whose dimension has
 * a factor of its own (quality.c pairs them). */
static void item_finding(res_t *r, const res_validity_t *v, size_t i)
{
    size_t m = v->nfactors;
    const double *L = &v->loadings[i * m];
    long own = -1, other = -1;
    for (size_t f = 0; f < m; f++) {
        if (v->factor_dim[f] == v->item_dim[i])
            own = (long)f;
        else if (v->factor_dim[f] >= 0 && (other < 0 || fabs(L[f]) > fabs(L[other])))
            other = (long)f;
    }
    if (own < 0)
        return;
    if (other >= 0 && fabs(L[other]) >= FINDINGS_CROSS_MIN && fabs(L[other]) > L[own])
        add(r, RES_F_CROSS_LOADING, -1, v->item_dim[i], 4, "item", (double)i, "other_dim",
            (double)v->factor_dim[other], "loading", L[own], "other_loading", L[other]);
    else if (L[own] < FINDINGS_LOADING_MIN)
        add(r, RES_F_LOW_LOADING, -1, v->item_dim[i], 2, "item", (double)i, "loading", L[own]);
}

/* Measurement quality: a number of factors other than the dimensions,
 * items that do not load where the form puts them, a poor CFA fit, and
 * dimensions whose items share too little variance with them. */
static void validity_findings(res_t *r)
{
    const res_validity_t *v = r->validity;
    if (!v)
        return;
    char *has = util_xcalloc(r->ndims + 1, 1);
    size_t withitems = 0;
    for (size_t i = 0; i < v->nitems; i++)
        has[v->item_dim[i]] = 1;
    for (size_t d = 0; d < r->ndims; d++)
        withitems += has[d];
    free(has);
    if (v->pa_status == RES_V_OK && v->pa_factors >= 0 && (size_t)v->pa_factors != withitems)
        add(r, RES_F_FACTOR_COUNT, -1, -1, 2, "factors", (double)v->pa_factors, "dimensions",
            (double)withitems);
    for (size_t i = 0; v->loadings && v->factor_dim && i < v->nitems; i++)
        item_finding(r, v, i);
    if (isfinite(v->cfi) && v->cfi < FINDINGS_CFI_MIN)
        add(r, RES_F_POOR_FIT, -1, -1, 4, "cfi", v->cfi, "tli", v->tli, "rmsea", v->rmsea, "srmr",
            v->srmr);
    /* an AVE below its bar with omega above its own is adequate
     * convergence (the report's table says so), not a finding */
    for (size_t d = 0; v->ave && d < r->ndims; d++)
        if (isfinite(v->ave[d]) && v->ave[d] < FINDINGS_AVE_MIN && !(v->omega[d] >= FINDINGS_OMEGA_MIN))
            add(r, RES_F_LOW_AVE, -1, (long)d, 2, "ave", v->ave[d], "omega", v->omega[d]);
}

/* Key drivers: the dimensions in the first-priority quadrant of the
 * priority matrix (important and scoring low), most important first. */
static void priority_findings(res_t *r)
{
    const res_drivers_t *D = r->drivers;
    if (!D || D->all.status != RES_V_OK)
        return;
    const res_drvfit_t *F = &D->all;
    size_t nd = r->ndims, n = 0;
    size_t *order = util_xcalloc(nd + 1, sizeof *order);
    for (size_t d = 0; d < nd; d++)
        if (isfinite(F->lmg_share[d]))
            order[n++] = d;
    for (size_t a = 1; a < n; a++)   /* insertion sort: a handful of dimensions */
        for (size_t b = a; b > 0 && F->lmg_share[order[b]] > F->lmg_share[order[b - 1]]; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    for (size_t k = 0; k < n; k++)
        if (F->quadrant[order[k]] == RES_Q_PRIORITY)
            add(r, RES_F_PRIORITY, -1, (long)order[k], 5, "share", F->lmg_share[order[k]], "mean",
                F->mean[order[k]], "rank", (double)(k + 1), "predictors", (double)n, "r2", F->r2);
    free(order);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R quantile(v, p, type = 7) of v[n] (sorted in place). */
static double quantile7(double *v, size_t n, double p)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmp_dbl);
    double h = (double)(n - 1) * p, lo = floor(h);
    size_t i = (size_t)lo;
    return v[i] + (h - lo) * ((i + 1 < n ? v[i + 1] : v[i]) - v[i]);
}

/* "Saying counts as doing" on the campaign's own yardstick: units whose
 * net points on a dimension are in the top quarter of the shown units'
 * (at or above the upper quartile, and above the median, so that a
 * dimension where most units tie names nobody) while their staff score
 * there is weak (the weak-unit test: significantly below all other
 * respondents).  A lowest-quarter staff score alone was tried: on a
 * simulated city with no link between points and staff scores it named
 * nine units, noise; the tested weakness names only the planted ones. */
static void points_findings(res_t *r)
{
    double *net = util_xmalloc((r->npoints + 1) * sizeof *net);
    for (size_t d = 0; d < r->ndims; d++) {
        size_t n = 0;
        for (size_t i = 0; i < r->npoints; i++)
            if (r->points[i].dim == d && isfinite(r->groups[r->points[i].group].cells[d].mean))
                net[n++] = r->points[i].net;
        if (n < 4)   /* no quarters to speak of */
            continue;
        double q3 = quantile7(net, n, 0.75), med = quantile7(net, n, 0.5);
        for (size_t i = 0; i < r->npoints; i++) {
            const res_points_t *P = &r->points[i];
            const res_cell_t *C = &r->groups[P->group].cells[d];
            if (P->dim != d || !C->weak || !(P->net >= q3 && P->net > med))
                continue;
            add(r, RES_F_POINTS_UNMATCHED, (long)P->group, (long)d, 6, "net", P->net, "net_q3", q3, "mean",
                C->mean, "diff", C->diff, "q", C->q, "units", (double)n);
        }
    }
    free(net);
}

/* Low response, one finding per shown unit that has answered at all, its
 * rate against what is known (findings.h); the units without a response,
 * and those whose rate has no base while others' have, go to the two
 * lists of res_t instead: dozens of "0 responses" findings for units a
 * survey never reached would bury the findings that matter. */
static void response_findings(res_t *r)
{
    if (!r->group_by || strcmp(r->group_by, "unit") != 0)
        return;
    size_t nbased = 0;
    for (size_t g = 0; g < r->ngroups; g++)
        nbased += r->groups[g].rate_basis != RES_RATE_NONE;
    r->silent = util_xmalloc((r->ngroups + 1) * sizeof *r->silent);
    r->unrated = util_xmalloc((r->ngroups + 1) * sizeof *r->unrated);
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (res_responded(r, G) == 0)   /* every respondent left out as careless still responded */
            r->silent[r->nsilent++] = g;
        else if (G->rate_basis == RES_RATE_NONE && nbased > 0 && !G->suppressed)
            r->unrated[r->nunrated++] = g;
        else if (!G->suppressed && G->rate_basis != RES_RATE_NONE && G->response_rate < 0.5)
            add(r, RES_F_LOW_RESPONSE, (long)g, -1, 3, "n", (double)res_responded(r, G), "rate",
                G->response_rate, G->rate_basis == RES_RATE_INVITED ? "invited" : "headcount", G->invited);
    }
}

void findings_build(res_t *r)
{
    for (size_t d = 0; d < r->ndims; d++) {
        const res_dim_t *D = &r->dims[d];
        if (D->weak)
            add(r, RES_F_WEAK_DIMENSION, -1, (long)d, 5, "mean", D->mean, "deviation", D->deviation,
                "t", D->dev_t, "q", D->dev_q, "rank", (double)D->rank);
    }
    weak_cells(r);
    gap_findings(r, RES_OVERCLAIM);
    gap_findings(r, RES_UNDERCLAIM);
    points_findings(r);
    for (size_t d = 0; d < r->ndims; d++) {
        const res_dim_t *D = &r->dims[d];
        if (!isnan(D->alpha) && D->alpha < 0.7)
            add(r, RES_F_UNRELIABLE, -1, (long)d, 3, "alpha", D->alpha, "ci_low", D->alpha_ci_low,
                "ci_high", D->alpha_ci_high);
    }
    response_findings(r);
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *c = &r->changes[i];
        if (c->flag != RES_STABLE)
            add(r, c->flag == RES_IMPROVED ? RES_F_IMPROVED : RES_F_DECLINED, c->group, (long)c->dim,
                4, "mean0", c->mean0, "mean", c->mean1, "diff", c->diff, "q", c->q);
    }
    priority_findings(r);
    validity_findings(r);
}
