/*
 * stats.c -- statistics primitives for gapsurvey's streaming analysis.
 *
 * Everything here works from running summaries (Welford accumulators, a
 * co-moment matrix, per-group value counts), never from arrays of
 * respondents, because the analysis engine scans respondents once and
 * keeps only accumulators (DESIGN.md section 5).  Each statistic
 * reproduces a named R function; the comments say which, and note where
 * R's behaviour on degenerate input (an error, a dropped level) was turned
 * into a -1/NAN result.  Distribution functions are GSL's gsl_cdf_*; no
 * special function is written by hand.  Reference values:
 * tests/r/stats_ref.R; checks: tests/unit/test_stats.c.
 *
 * No function prints, exits or keeps global state of its own.  GSL's
 * default error handler aborts, so every GSL call goes through the small
 * wrappers below, which switch the handler off for the duration of the call
 * and restore the caller's handler afterwards; a GSL failure then shows up
 * as a NAN (checked by the callers).
 */
#include "analysis/stats.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* ------------------------------------------------------------------ */
/* GSL wrappers: quiet error handling, NAN on failure                 */
/* ------------------------------------------------------------------ */

/* Two-sided p of a t statistic: 2 * pt(-|t|, df), as R t.test. */
static double t_p_two_sided(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return 0.0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double p = 2.0 * gsl_cdf_tdist_P(-fabs(t), df);
    gsl_set_error_handler(old);
    return p > 1.0 ? 1.0 : p;
}

/* Quantile of Student's t: qt(p, df).  An analysis asks for the same
 * few (p, df) thousands of times (a confidence interval per group and
 * dimension, df = n - 1), each a few thousand instructions in GSL, so the
 * answers are kept in a small table per thread, by df: the same value
 * comes back, computed once. */
#define TQ_SLOTS 256
static double t_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    static _Thread_local struct {
        double p, df, q;
        int used;
    } memo[TQ_SLOTS];
    uint64_t bits;
    memcpy(&bits, &df, sizeof bits);
    size_t h = (size_t)((bits * 0x9E3779B97F4A7C15u) >> 56);   /* TQ_SLOTS 256 */
    if (memo[h].used && memo[h].p == p && memo[h].df == df)
        return memo[h].q;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double q = gsl_cdf_tdist_Pinv(p, df);
    gsl_set_error_handler(old);
    memo[h].p = p;
    memo[h].df = df;
    memo[h].q = q;
    memo[h].used = 1;
    return q;
}

/* Upper tail of F: pf(f, d1, d2, lower.tail = FALSE). */
static double f_upper(double f, double d1, double d2)
{
    if (isnan(f) || !(d1 > 0) || !(d2 > 0))
        return NAN;
    if (isinf(f))
        return f > 0 ? 0.0 : 1.0;
    if (f <= 0)
        return 1.0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double p = gsl_cdf_fdist_Q(f, d1, d2);
    gsl_set_error_handler(old);
    return p;
}

/* Quantile of F: qf(p, d1, d2). */
static double f_quantile(double p, double d1, double d2)
{
    if (!(p > 0 && p < 1) || !(d1 > 0) || !(d2 > 0))
        return NAN;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double q = gsl_cdf_fdist_Pinv(p, d1, d2);
    gsl_set_error_handler(old);
    return q;
}

/* Upper tail of chi-square: pchisq(x, df, lower.tail = FALSE). */
static double chisq_upper(double x, double df)
{
    if (isnan(x) || !(df > 0))
        return NAN;
    if (isinf(x))
        return x > 0 ? 0.0 : 1.0;
    if (x <= 0)
        return 1.0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double p = gsl_cdf_chisq_Q(x, df);
    gsl_set_error_handler(old);
    return p;
}

/* ------------------------------------------------------------------ */
/* Mean/variance accumulator                                          */
/* ------------------------------------------------------------------ */

void stats_acc_merge(stats_acc_t *into, const stats_acc_t *b)
{
    /* Chan, Golub & LeVeque (1979): m2 = m2a + m2b + d^2 na nb / n. */
    if (b->n <= 0)
        return;
    if (into->n <= 0) {
        *into = *b;
        return;
    }
    double n = into->n + b->n;
    double d = b->mean - into->mean;
    into->mean += d * (b->n / n);
    into->m2 += b->m2 + d * d * (into->n * b->n / n);
    into->n = n;
}

stats_acc_t stats_acc_minus(const stats_acc_t *all, const stats_acc_t *part)
{
    /* Invert the Chan update: with o = all \ part,
     *   mean_o = mean_all + (mean_all - mean_part) n_part / n_o,
     *   m2_o   = m2_all - m2_part - (mean_part - mean_o)^2 n_part n_o / n_all.
     * Counts are whole numbers stored as doubles, so fewer than half a
     * respondent left means nobody is left. */
    stats_acc_t o = {0.0, 0.0, 0.0};
    if (part->n <= 0)
        return *all;
    double no = all->n - part->n;
    if (no < 0.5)
        return o;
    o.n = no;
    o.mean = all->mean + (all->mean - part->mean) * (part->n / no);
    double d = part->mean - o.mean;
    o.m2 = all->m2 - part->m2 - d * d * (part->n * no / all->n);
    if (o.m2 < 0)
        o.m2 = 0; /* rounding can leave a tiny negative sum of squares */
    return o;
}

double stats_acc_var(const stats_acc_t *a)
{
    if (!(a->n >= 2))
        return NAN;
    return a->m2 / (a->n - 1.0);
}

double stats_acc_sd(const stats_acc_t *a)
{
    return sqrt(stats_acc_var(a));
}

/* R's t.test refuses "essentially constant" data: a standard error under
 * 10 eps |mean| (or zero).  The intervals below refuse them too. */
static int essentially_constant(double se, double mean)
{
    return !(se > 0) || se < 10.0 * DBL_EPSILON * fabs(mean);
}

void stats_mean_ci(const stats_acc_t *a, double level, double *lo, double *hi)
{
    /* R t.test(x, conf.level = level)$conf.int. */
    *lo = *hi = NAN;
    if (!(a->n >= 2) || !(level > 0 && level < 1))
        return;
    double se = sqrt(stats_acc_var(a) / a->n);
    if (essentially_constant(se, a->mean))
        return;
    double half = t_quantile(1.0 - (1.0 - level) / 2.0, a->n - 1.0) * se;
    if (isnan(half))
        return;
    *lo = a->mean - half;
    *hi = a->mean + half;
}

double stats_pred_half(double n, double sd, double level)
{
    /* qt((1+level)/2, n-1) sd sqrt(1 + 1/n): the interval that holds one
     * more draw from the same normal population with probability `level`
     * (the inversion of Crawford & Howell's t) */
    if (!(n >= 2) || !(sd >= 0) || !(level > 0 && level < 1))
        return NAN;
    return t_quantile(1.0 - (1.0 - level) / 2.0, n - 1.0) * sd * sqrt(1.0 + 1.0 / n);
}

void stats_pred_interval(const stats_acc_t *a, double level, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (!(a->n >= 2))
        return;
    double sd = stats_acc_sd(a);
    if (essentially_constant(sd / sqrt(a->n), a->mean))
        return;
    double half = stats_pred_half(a->n, sd, level);
    if (isnan(half))
        return;
    *lo = a->mean - half;
    *hi = a->mean + half;
}

int stats_single_case_t(const stats_acc_t *a, double x, double *t, double *df, double *p)
{
    /* Crawford & Howell (1998): t = (x - mean) / (sd sqrt((n+1)/n)),
     * df = n - 1, two-sided p */
    *t = *df = *p = NAN;
    if (!(a->n >= 2) || !isfinite(x))
        return -1;
    double sd = stats_acc_sd(a);
    if (essentially_constant(sd / sqrt(a->n), a->mean))
        return -1;
    *t = (x - a->mean) / (sd * sqrt((a->n + 1.0) / a->n));
    *df = a->n - 1.0;
    *p = t_p_two_sided(*t, *df);
    return 0;
}

/* ------------------------------------------------------------------ */
/* t tests and multiplicity                                           */
/* ------------------------------------------------------------------ */

int stats_welch_t(const stats_acc_t *x, const stats_acc_t *y,
                  double *t, double *df, double *p)
{
    /* R t.test(x, y) (var.equal = FALSE): se^2 = vx/nx + vy/ny,
     * Welch-Satterthwaite df = se^4 / (sx^4/(nx-1) + sy^4/(ny-1)),
     * p = 2 pt(-|t|, df).  R stops on n < 2 and on "essentially constant"
     * data (se < 10 eps max(|mx|, |my|)); those become -1 here. */
    *t = *df = *p = NAN;
    if (!(x->n >= 2) || !(y->n >= 2))
        return -1;
    double sx2 = stats_acc_var(x) / x->n;
    double sy2 = stats_acc_var(y) / y->n;
    double se = sqrt(sx2 + sy2);
    double scale = fmax(fabs(x->mean), fabs(y->mean));
    if (!(se > 0) || se < 10.0 * DBL_EPSILON * scale)
        return -1;
    double d = (sx2 * sx2) / (x->n - 1.0) + (sy2 * sy2) / (y->n - 1.0);
    *t = (x->mean - y->mean) / se;
    *df = (se * se) * (se * se) / d;
    *p = t_p_two_sided(*t, *df);
    return 0;
}

int stats_one_sample_t(const stats_acc_t *x, double mu,
                       double *t, double *df, double *p)
{
    /* R t.test(x, mu = mu): t = (mean - mu)/(sd/sqrt(n)), df = n - 1.
     * R stops on n < 2 and on se < 10 eps |mean|; those become -1. */
    *t = *df = *p = NAN;
    if (!(x->n >= 2))
        return -1;
    double se = sqrt(stats_acc_var(x) / x->n);
    if (essentially_constant(se, x->mean))
        return -1;
    *t = (x->mean - mu) / se;
    *df = x->n - 1.0;
    *p = t_p_two_sided(*t, *df);
    return 0;
}

/* One non-missing p-value and where it came from, for sorting. */
typedef struct {
    double p;
    size_t at;
} bh_item;

static int bh_cmp(const void *va, const void *vb)
{
    const bh_item *a = va, *b = vb;
    if (a->p < b->p)
        return -1;
    if (a->p > b->p)
        return 1;
    return (a->at > b->at) - (a->at < b->at); /* deterministic on ties */
}

/* The adjustments of R's p.adjust on the non-missing p-values sorted
 * ascending: m of them, p_(1) <= ... <= p_(m).  NAN entries are dropped
 * before m is counted, as R's lazy default n = length(p) does after
 * removing NAs.  holm: q_(i) = min(1, max_{j <= i} (m - j + 1) p_(j));
 * else BH: q_(i) = min(1, min_{j >= i} m/j p_(j)), so tied p-values end
 * up with the same q because the running minimum runs from the largest p
 * down. */
static int p_adjust(const double *p, size_t n, double *q, int holm)
{
    bh_item *items = malloc((n ? n : 1) * sizeof *items);
    if (!items) {
        for (size_t i = 0; i < n; i++)
            q[i] = NAN;
        return -1;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(p[i])) {
            items[m].p = p[i];
            items[m].at = i;
            m++;
        }
    }
    for (size_t i = 0; i < n; i++) /* p may alias q: p is copied above */
        q[i] = NAN;
    qsort(items, m, sizeof *items, bh_cmp);
    if (holm) {
        double run = 0;
        for (size_t r = 0; r < m; r++) {
            double v = (double)(m - r) * items[r].p;
            if (v > run)
                run = v;
            q[items[r].at] = run < 1.0 ? run : 1.0;
        }
    } else {
        double run = INFINITY;
        for (size_t r = m; r > 0; r--) {
            double v = (double)m / (double)r * items[r - 1].p;
            if (v < run)
                run = v;
            q[items[r - 1].at] = run < 1.0 ? run : 1.0;
        }
    }
    free(items);
    return 0;
}

int stats_bh(const double *p, size_t n, double *q)
{
    return p_adjust(p, n, q, 0);   /* R p.adjust(p, "BH") */
}

int stats_holm(const double *p, size_t n, double *q)
{
    return p_adjust(p, n, q, 1);   /* R p.adjust(p, "holm") */
}

/* ------------------------------------------------------------------ */
/* Between-group statistics                                           */
/* ------------------------------------------------------------------ */

static void anova_nan(stats_anova_t *o)
{
    o->f = o->df_between = o->df_within = o->p = o->eta2 = o->omega2 = NAN;
    o->ssb = o->ssw = o->msb = o->msw = NAN;
}

int stats_anova(const stats_acc_t *g, size_t ng, stats_anova_t *out)
{
    /* R summary(aov(y ~ g)).  SSB is summed as n_i (mean_i - grand)^2
     * around the Chan-merged grand mean and SSW as the sum of the groups'
     * m2, avoiding the cancellation of the textbook sum-of-squares forms.
     * Empty groups are skipped, as R drops unused factor levels. */
    anova_nan(out);
    stats_acc_t all = {0.0, 0.0, 0.0};
    double k = 0.0, ssw = 0.0;
    for (size_t i = 0; i < ng; i++) {
        if (g[i].n > 0) {
            stats_acc_merge(&all, &g[i]);
            ssw += g[i].m2;
            k += 1.0;
        }
    }
    double dfb = k - 1.0, dfw = all.n - k;
    if (k < 2 || dfw < 1)
        return -1;
    double ssb = 0.0;
    for (size_t i = 0; i < ng; i++) {
        if (g[i].n > 0) {
            double d = g[i].mean - all.mean;
            ssb += g[i].n * d * d;
        }
    }
    double sst = ssb + ssw;
    if (!(sst > 0))
        return -1;
    double msb = ssb / dfb, msw = ssw / dfw;
    out->df_between = dfb;
    out->df_within = dfw;
    out->ssb = ssb;
    out->ssw = ssw;
    out->msb = msb;
    out->msw = msw;
    out->f = msw > 0 ? msb / msw : INFINITY;
    out->p = f_upper(out->f, dfb, dfw);
    /* DESIGN.md 5: eta^2 = SSB/SST; omega^2 = max(0,(SSB-dfB MSW)/(SST+MSW)) */
    out->eta2 = ssb / sst;
    double w = (ssb - dfb * msw) / (sst + msw);
    out->omega2 = w > 0 ? w : 0.0;
    return 0;
}

int stats_welch_anova(const stats_acc_t *g, size_t ng,
                      double *f, double *df1, double *df2, double *p)
{
    /* R oneway.test(y ~ g, var.equal = FALSE) (Welch 1951):
     *   w_i = n_i / v_i, m = sum w_i m_i / sum w_i,
     *   tmp = sum (1 - w_i/sum w)^2 / (n_i - 1) / (k^2 - 1),
     *   F = sum w_i (m_i - m)^2 / ((k-1)(1 + 2(k-2) tmp)),
     *   df = (k-1, 1/(3 tmp)).
     * R stops when a group has n < 2; a zero-variance group makes w_i
     * infinite (R returns NaN).  Both are -1 here. */
    *f = *df1 = *df2 = *p = NAN;
    double k = 0.0, sw = 0.0, swm = 0.0;
    for (size_t i = 0; i < ng; i++) {
        if (g[i].n <= 0)
            continue;
        double v = stats_acc_var(&g[i]);
        if (!(v > 0))
            return -1; /* n < 2 (v NAN) or constant group */
        double w = g[i].n / v;
        sw += w;
        swm += w * g[i].mean;
        k += 1.0;
    }
    if (k < 2)
        return -1;
    double m = swm / sw;
    double num = 0.0, tmp = 0.0;
    for (size_t i = 0; i < ng; i++) {
        if (g[i].n <= 0)
            continue;
        double w = g[i].n / stats_acc_var(&g[i]);
        double d = g[i].mean - m;
        num += w * d * d;
        double u = 1.0 - w / sw;
        tmp += u * u / (g[i].n - 1.0);
    }
    tmp /= k * k - 1.0;
    if (!(tmp > 0))
        return -1;
    *f = num / ((k - 1.0) * (1.0 + 2.0 * (k - 2.0) * tmp));
    *df1 = k - 1.0;
    *df2 = 1.0 / (3.0 * tmp);
    *p = f_upper(*f, *df1, *df2);
    return 0;
}

int stats_kruskal(const double *values, size_t nv, const double *counts,
                  size_t ng, double *h, double *df, double *p)
{
    /* R kruskal.test(y ~ g): mid-ranks for ties, then
     *   H = 12/(N(N+1)) sum_g n_g (Rbar_g - (N+1)/2)^2
     *       / (1 - sum_v (t_v^3 - t_v)/(N^3 - N)),
     * df = (number of non-empty groups) - 1, p = pchisq upper tail.
     * R writes the numerator as 12 sum R_g^2/n_g /(N(N+1)) - 3(N+1); the
     * centred form used here is algebraically equal and avoids that
     * subtraction.  The values themselves only fix the order. */
    *h = *df = *p = NAN;
    for (size_t v = 1; v < nv; v++)
        if (!(values[v] > values[v - 1]))
            return -1;
    double N = 0.0, k = 0.0;
    for (size_t gi = 0; gi < ng; gi++) {
        double ngi = 0.0;
        for (size_t v = 0; v < nv; v++) {
            double c = counts[gi * nv + v];
            if (!isfinite(c) || c < 0)
                return -1;
            ngi += c;
        }
        if (ngi > 0)
            k += 1.0;
        N += ngi;
    }
    if (k < 2 || N < 2)
        return -1;

    /* Centred mid-rank of each value, and the tie sum.  Owned here. */
    double *crank = malloc(nv * sizeof *crank);
    if (!crank)
        return -1;
    double below = 0.0, ties = 0.0, centre = (N + 1.0) / 2.0;
    for (size_t v = 0; v < nv; v++) {
        double t = 0.0;
        for (size_t gi = 0; gi < ng; gi++)
            t += counts[gi * nv + v];
        crank[v] = below + (t + 1.0) / 2.0 - centre;
        ties += (t - 1.0) * t * (t + 1.0);
        below += t;
    }
    double corr = 1.0 - ties / ((N - 1.0) * N * (N + 1.0));
    double s = 0.0;
    for (size_t gi = 0; gi < ng; gi++) {
        double ngi = 0.0, dev = 0.0;
        for (size_t v = 0; v < nv; v++) {
            double c = counts[gi * nv + v];
            ngi += c;
            dev += c * crank[v];
        }
        if (ngi > 0)
            s += dev * dev / ngi;
    }
    free(crank);
    if (!(corr > 0))
        return -1; /* every observation tied: R gives NaN */
    *h = 12.0 / (N * (N + 1.0)) * s / corr;
    *df = k - 1.0;
    *p = chisq_upper(*h, *df);
    return 0;
}

double stats_icc1(const stats_anova_t *a, double k)
{
    /* multilevel::ICC1: (MSB - MSW)/(MSB + (k-1) MSW), k = N/G there. */
    double den = a->msb + (k - 1.0) * a->msw;
    if (isnan(den) || den == 0)
        return NAN;
    return (a->msb - a->msw) / den;
}

double stats_icc2(const stats_anova_t *a)
{
    /* multilevel::ICC2: (MSB - MSW)/MSB. */
    if (isnan(a->msb) || a->msb == 0)
        return NAN;
    return (a->msb - a->msw) / a->msb;
}

/* ------------------------------------------------------------------ */
/* Complete-case covariance                                           */
/* ------------------------------------------------------------------ */

struct stats_cov {
    size_t k;
    double n;
    double *mean; /* [k], points into data                     */
    double *cm;   /* [k*k] co-moments sum (x_i-m_i)(x_j-m_j)    */
    double *dx;   /* [k] scratch for stats_cov_add              */
    double data[];
};

stats_cov_t *stats_cov_new(size_t k)
{
    /* k(k+2) doubles after the header; refuse sizes that would overflow. */
    if (k == 0 || k > SIZE_MAX / 4 ||
        k > (SIZE_MAX - sizeof(stats_cov_t)) / sizeof(double) / (k + 2))
        return NULL;
    size_t nd = k * k + 2 * k;
    stats_cov_t *c = calloc(1, sizeof *c + nd * sizeof(double));
    if (!c)
        return NULL;
    c->k = k;
    c->mean = c->data;
    c->dx = c->data + k;
    c->cm = c->data + 2 * k;
    return c;
}

void stats_cov_free(stats_cov_t *c)
{
    free(c);
}

void stats_cov_add(stats_cov_t *c, const double *x)
{
    /* Welford co-moment update: with dx the deviations from the old
     * means, C_ij += dx_i dx_j (n-1)/n; then mean_i += dx_i/n.  The
     * symmetric form keeps C exactly symmetric. */
    size_t k = c->k;
    c->n += 1.0;
    double f = (c->n - 1.0) / c->n, n = c->n;
    double *dx = c->dx, *cm = c->cm, *mean = c->mean;
    for (size_t i = 0; i < k; i++)
        dx[i] = x[i] - mean[i];
    for (size_t i = 0; i < k; i++) {
        double fi = f * dx[i];
        double *row = cm + i * k;
        size_t j = 0;
#if defined(__GNUC__)
        /* two at a time in one vector register (this runs once per
         * respondent and dimension): the same products and sums per
         * element, so the same results as the plain loop */
        typedef double v2d __attribute__((vector_size(16)));
        v2d f2 = {fi, fi};
        for (; j + 2 <= k; j += 2) {
            v2d a, b;
            memcpy(&a, row + j, sizeof a);
            memcpy(&b, dx + j, sizeof b);
            a += f2 * b;
            memcpy(row + j, &a, sizeof a);
        }
#endif
        for (; j < k; j++)
            row[j] += fi * dx[j];
        mean[i] += dx[i] / n;
    }
}

double stats_cov_n(const stats_cov_t *c)
{
    return c->n;
}

size_t stats_cov_k(const stats_cov_t *c)
{
    return c->k;
}

double stats_cov_mean(const stats_cov_t *c, size_t i)
{
    if (i >= c->k || !(c->n > 0))
        return NAN;
    return c->mean[i];
}

double stats_cov_get(const stats_cov_t *c, size_t i, size_t j)
{
    if (i >= c->k || j >= c->k || !(c->n >= 2))
        return NAN;
    return c->cm[i * c->k + j] / (c->n - 1.0);
}

/* ------------------------------------------------------------------ */
/* Reliability                                                        */
/* ------------------------------------------------------------------ */

static void alpha_nan(stats_alpha_t *o, size_t k)
{
    o->alpha = o->std_alpha = o->average_r = o->ci_low = o->ci_high = NAN;
    for (size_t i = 0; i < k; i++) {
        if (o->r_drop)
            o->r_drop[i] = NAN;
        if (o->alpha_if_dropped)
            o->alpha_if_dropped[i] = NAN;
    }
}

int stats_alpha(const stats_cov_t *c, stats_alpha_t *out)
{
    /* psych::alpha (psych 2.2.9), on a covariance of complete cases:
     *   raw_alpha = k/(k-1) (1 - tr(C)/sum(C))
     *   std.alpha = k/(k-1) (1 - k/sum(R)),  R = cov2cor(C), diag(R) = 1
     *   average_r = (sum(R) - k)/(k(k-1))
     *   r.drop_i  = (sum_j C_ij - C_ii)/sqrt(C_ii * sum(C[-i,-i]))
     *   alpha.drop raw_alpha_i = raw_alpha of C[-i,-i] (k > 2), and for
     *     k = 2 psych's special case C[1,2]/C[j,j], j the item kept
     *   feldt (psych::alpha.ci, Feldt 1965) with N complete cases:
     *     lower = 1 - (1-a) qf(.975, N-1, (N-1)(k-1))
     *     upper = 1 - (1-a) qf(.025, N-1, (N-1)(k-1)) */
    size_t k = c->k;
    double n = c->n;
    alpha_nan(out, k);
    if (k < 2 || !(n >= 2))
        return -1;
    double kd = (double)k;
    double tot = 0.0, tr = 0.0;
    for (size_t i = 0; i < k; i++) {
        tr += stats_cov_get(c, i, i);
        for (size_t j = 0; j < k; j++)
            tot += stats_cov_get(c, i, j);
    }
    if (!(tot > 0))
        return -1;
    double a = kd / (kd - 1.0) * (1.0 - tr / tot);
    out->alpha = a;

    double df1 = n - 1.0, df2 = (n - 1.0) * (kd - 1.0);
    out->ci_low = 1.0 - (1.0 - a) * f_quantile(0.975, df1, df2);
    out->ci_high = 1.0 - (1.0 - a) * f_quantile(0.025, df1, df2);

    /* Correlation-based figures need every item to vary. */
    int corr_ok = 1;
    for (size_t i = 0; i < k; i++)
        if (!(stats_cov_get(c, i, i) > 0))
            corr_ok = 0;
    if (corr_ok) {
        double sum_r = kd; /* the diagonal of R is exactly 1 */
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                sum_r += 2.0 * stats_cov_get(c, i, j) /
                         sqrt(stats_cov_get(c, i, i) * stats_cov_get(c, j, j));
        out->std_alpha = kd / (kd - 1.0) * (1.0 - kd / sum_r);
        out->average_r = (sum_r - kd) / (kd * (kd - 1.0));
    }

    for (size_t i = 0; i < k; i++) {
        double cii = stats_cov_get(c, i, i);
        double c_with = 0.0, v_drop = 0.0, tr_drop = 0.0;
        for (size_t j = 0; j < k; j++) {
            if (j == i)
                continue;
            c_with += stats_cov_get(c, i, j);
            tr_drop += stats_cov_get(c, j, j);
            for (size_t l = 0; l < k; l++)
                if (l != i)
                    v_drop += stats_cov_get(c, j, l);
        }
        if (out->r_drop && cii > 0 && v_drop > 0)
            out->r_drop[i] = c_with / sqrt(cii * v_drop);
        if (out->alpha_if_dropped) {
            if (k == 2) {
                double cjj = stats_cov_get(c, 1 - i, 1 - i);
                if (cjj > 0)
                    out->alpha_if_dropped[i] = stats_cov_get(c, 0, 1) / cjj;
            } else if (v_drop > 0) {
                out->alpha_if_dropped[i] =
                    (kd - 1.0) / (kd - 2.0) * (1.0 - tr_drop / v_drop);
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Within-group agreement                                             */
/* ------------------------------------------------------------------ */

double stats_rwg_j(size_t j, double mean_item_var, double ranvar)
{
    /* multilevel::rwg.j: S truncated at ranvar, so a group that disagrees
     * more than the uniform null gets 0 rather than a negative or
     * exploding value. */
    if (j == 0 || !(ranvar > 0) || isnan(mean_item_var) || mean_item_var < 0)
        return NAN;
    double s = mean_item_var > ranvar ? ranvar : mean_item_var;
    double u = s / ranvar;
    double jd = (double)j;
    return jd * (1.0 - u) / (jd * (1.0 - u) + u);
}

double stats_rwg_ranvar(double a)
{
    /* Variance of the discrete uniform on 1..A (James et al. 1984). */
    if (!(a >= 2))
        return NAN;
    return (a * a - 1.0) / 12.0;
}

/* ------------------------------------------------------------------ */
/* Association: contingency tables and rank correlation               */
/* ------------------------------------------------------------------ */

int stats_chisq_indep(const double *t, size_t nr, size_t nc, stats_chisq_t *out)
{
    out->chisq = out->df = out->p = out->cramers_v = out->min_expected = NAN;
    out->expected_below_5 = 0;
    out->yates = nr == 2 && nc == 2;
    if (nr < 2 || nc < 2)
        return -1;
    double *rs = calloc(nr, sizeof *rs), *cs = calloc(nc, sizeof *cs), N = 0;
    int rc = -1;
    if (!rs || !cs)
        goto cleanup;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            double o = t[i * nc + j];
            if (!isfinite(o) || o < 0)
                goto cleanup;
            rs[i] += o;
            cs[j] += o;
            N += o;
        }
    for (size_t i = 0; i < nr; i++)
        if (!(rs[i] > 0))
            goto cleanup;
    for (size_t j = 0; j < nc; j++)
        if (!(cs[j] > 0))
            goto cleanup;
    /* R: E = outer(sr, sc) / n; YATES = min(0.5, abs(x - E)) on a 2 x 2
     * table; STATISTIC = sum((abs(x - E) - YATES)^2 / E) */
    double x2 = 0, x2raw = 0, emin = INFINITY;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            double e = rs[i] * cs[j] / N, dev = fabs(t[i * nc + j] - e);
            double y = out->yates ? fmin(0.5, dev) : 0.0;
            x2 += (dev - y) * (dev - y) / e;
            x2raw += dev * dev / e;
            emin = fmin(emin, e);
            out->expected_below_5 += e < 5;
        }
    out->chisq = x2;
    out->df = (double)((nr - 1) * (nc - 1));
    out->p = chisq_upper(x2, out->df);
    out->min_expected = emin;
    out->cramers_v = sqrt(x2raw / (N * (double)((nr < nc ? nr : nc) - 1)));
    rc = 0;
cleanup:
    free(rs);
    free(cs);
    return rc;
}

/* Mid-ranks of v[n] into rk (R rank(), ties.method = "average"); 1 when
 * some values tie. */
static int midranks(const double *v, size_t n, double *rk)
{
    size_t *o = malloc(n * sizeof *o);
    int ties = 0;
    if (!o)
        return -1;
    for (size_t i = 0; i < n; i++)
        o[i] = i;
    for (size_t i = 1; i < n; i++) {   /* insertion sort: n is a number of units */
        size_t k = o[i], j = i;
        while (j > 0 && v[o[j - 1]] > v[k]) {
            o[j] = o[j - 1];
            j--;
        }
        o[j] = k;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && v[o[j + 1]] == v[o[i]])
            j++;
        ties |= j > i;
        for (size_t k = i; k <= j; k++)
            rk[o[k]] = (double)(i + j) / 2.0 + 1.0;
        i = j + 1;
    }
    free(o);
    return ties;
}

/* Permutations p of 0..n-1 (positions already placed: used) whose sum
 * of (i - p[i])^2 reaches at least `is`, counted by placing position i. */
static double perms_at_least(int n, int i, unsigned used, double sum, double is)
{
    if (i == n)
        return sum >= is;
    double count = 0;
    for (int k = 0; k < n; k++)
        if (!(used & (1u << k)))
            count += perms_at_least(n, i + 1, used | (1u << k), sum + (double)((i - k) * (i - k)), is);
    return count;
}

/* P[S >= is] (upper) or P[S < is] of S = sum of squared rank
 * differences of n untied pairs under independence, the way R's pRho
 * computes it (AS 89, Best & Roberts 1975): by counting every
 * permutation for n <= 9, else by the Edgeworth series of the paper,
 * with its twelve coefficients.  *exact says which. */
static double prho(int n, double is, int upper, int *exact)
{
    double n3 = (double)n * ((double)n * n - 1.0) / 3.0;   /* the largest S */
    *exact = n <= 9;
    if (is <= 0)
        return upper ? 1.0 : 0.0;
    if (is > n3)
        return upper ? 0.0 : 1.0;
    if (n <= 9) {
        double nfac = 1;
        for (int i = 2; i <= n; i++)
            nfac *= i;
        double ge = perms_at_least(n, 0, 0, 0.0, is);
        return (upper ? ge : nfac - ge) / nfac;
    }
    static const double c[12] = {.2274, .2531, .1745, .0758, .1033, .3932,
                                 .0879, .0151, .0072, .0831, .0131, 4.6e-4};
    double y = (double)n, b = 1.0 / y;
    double x = (6.0 * (is - 1) * b / (y * y - 1) - 1) * sqrt(y - 1);   /* rho sqrt(n-1) */
    double x2 = x * x;
    double u = x * b *
               (c[0] + b * (c[1] + c[2] * b) +
                x2 * (-c[3] + b * (c[4] + c[5] * b) -
                      x2 * b * (c[6] + c[7] * b - x2 * (c[8] - c[9] * b + x2 * b * (c[10] - c[11] * x2)))));
    double corr = u / exp(x2 / 2.0);
    double pv = (upper ? corr : -corr) + (upper ? gsl_cdf_ugaussian_Q(x) : gsl_cdf_ugaussian_P(x));
    return pv < 0 ? 0 : pv > 1 ? 1 : pv;
}

int stats_spearman(const double *x, const double *y, size_t n, double *rho, double *p, const char **method)
{
    *rho = *p = NAN;
    *method = NULL;
    if (n < 3)
        return -1;
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    int rc = -1;
    if (!rx || !ry)
        goto cleanup;
    int tx = midranks(x, n, rx), ty = midranks(y, n, ry);
    if (tx < 0 || ty < 0)
        goto cleanup;
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        mx += rx[i];
        my += ry[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxy += (rx[i] - mx) * (ry[i] - my);
        sxx += (rx[i] - mx) * (rx[i] - mx);
        syy += (ry[i] - my) * (ry[i] - my);
    }
    if (!(sxx > 0) || !(syy > 0))
        goto cleanup;
    double r = sxy / sqrt(sxx * syy), dn = (double)n;
    *rho = r;
    double q = (dn * dn * dn - dn) * (1 - r) / 6.0, half = (dn * dn * dn - dn) / 6.0;
    int upper = q > half;   /* S above its mean: rho negative */
    if (!tx && !ty && n <= 1290) {
        int exact;
        /* R: pRho(round(q) + 2 * lower.tail, n, lower.tail) */
        double pv = prho((int)n, nearbyint(q) + (upper ? 0 : 2), upper, &exact);
        *p = fmin(2 * pv, 1.0);
        *method = exact ? "exact" : "edgeworth";
    } else {
        double t = r / sqrt((1 - r * r) / (dn - 2));
        *p = isinf(t) ? 0.0 : t_p_two_sided(t, dn - 2);
        *method = "t";
    }
    rc = 0;
cleanup:
    free(rx);
    free(ry);
    return rc;
}
