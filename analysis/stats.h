/*
 * stats.h -- statistics primitives for gapsurvey's streaming analysis.
 *
 * The analysis engine reads every respondent exactly once and keeps only
 * running summaries, so memory never grows with the number of respondents
 * (DESIGN.md section 5).  This module supplies those summaries (Welford
 * mean/variance accumulators, a complete-case covariance accumulator) and
 * every test or index DESIGN.md section 5 asks for, computed from the
 * summaries alone: t intervals, Welch and one-sample t tests, Benjamini-
 * Hochberg, one-way and Welch ANOVA, Kruskal-Wallis from a count table,
 * ICC(1)/ICC(2), Cronbach's alpha with psych's companions and rwg(j).
 * Each function names the R function it reproduces; tests/r/stats_ref.R
 * prints the reference values and tests/unit/test_stats.c checks them to
 * 1e-6 relative.
 *
 * Distribution functions come from GSL (gsl_cdf_*).  The library never
 * prints or exits: while it calls GSL it switches GSL's error handler off
 * (and restores the caller's afterwards), so a GSL domain error becomes a
 * NAN result, not an abort.  That switch touches GSL's process-wide
 * handler, so these functions are not meant to be called from several
 * threads at once.
 *
 * Conventions: counts are doubles (n as double); a value that cannot be
 * computed is NAN; functions returning int give 0 on success and -1 when
 * the statistic is not computable, in which case every output is NAN.
 * Ownership: all pointer arguments are borrowed for the duration of the
 * call; only stats_cov_new allocates, and its result belongs to the caller
 * (release with stats_cov_free).
 */
#ifndef GAPSURVEY_STATS_H
#define GAPSURVEY_STATS_H

#include <stddef.h>

/* Two-sided standard normal quantiles of the funnel plot's control limits
 * (Spiegelhalter 2005, DESIGN.md section 5): 95% and 99.8%.  The engine
 * classifies groups by them and the plots draw them, so both use these. */
#define STATS_Z95 1.959964
#define STATS_Z998 3.090232

/* ------------------------------------------------------------------ */
/* Mean/variance accumulator                                          */
/* ------------------------------------------------------------------ */

/* Welford running summary: n observations, their mean and the sum of
 * squared deviations from the mean (m2).  Zero-initialise to start
 * ({0} or memset).  A plain value type; no ownership. */
typedef struct {
    double n, mean, m2;
} stats_acc_t;

/* Add one observation (Welford 1962).  Non-finite x is the caller's
 * business: pass only answered, finite values.  Inline: the analysis
 * calls it about a hundred times per respondent. */
static inline void stats_acc_add(stats_acc_t *a, double x)
{
    /* Welford: update the mean first, then m2 with the old and new
     * deviations; stable for long streams with a large mean. */
    a->n += 1.0;
    double d = x - a->mean;
    a->mean += d / a->n;
    a->m2 += d * (x - a->mean);
}

/* into += b (Chan, Golub & LeVeque pairwise update). */
void stats_acc_merge(stats_acc_t *into, const stats_acc_t *b);

/* The summary of "all other respondents": all minus part, where part is a
 * subset of all (inverse of the Chan update).  Returns a zero accumulator
 * when nothing is left; m2 is clamped at 0 against rounding. */
stats_acc_t stats_acc_minus(const stats_acc_t *all, const stats_acc_t *part);

/* Sample variance, n-1 denominator (R var); NAN if n < 2. */
double stats_acc_var(const stats_acc_t *a);

/* Sample standard deviation (R sd); NAN if n < 2. */
double stats_acc_sd(const stats_acc_t *a);

/* Two-sided t confidence interval of the mean at confidence `level`
 * (0.95 for 95%), as R t.test(x, conf.level = level)$conf.int:
 * mean +- qt(1-(1-level)/2, n-1) * sd/sqrt(n).  NAN bounds when n < 2 or
 * level is not in (0,1), and when the data are essentially constant
 * (standard error below 10 eps |mean|), where R's t.test stops: an
 * interval of width 0 would claim a certainty that one sample of equal
 * answers does not give. */
void stats_mean_ci(const stats_acc_t *a, double level, double *lo, double *hi);

/* Two-sided prediction interval for ONE more observation from the
 * population a was drawn from, at `level`:
 * mean +- qt(1-(1-level)/2, n-1) * sd * sqrt(1 + 1/n).  A value outside it
 * is exactly one whose Crawford-Howell test (stats_single_case_t) has
 * p < 1 - level.  NAN bounds as stats_mean_ci (n < 2, constant data). */
void stats_pred_interval(const stats_acc_t *a, double level, double *lo, double *hi);

/* The half-width of that interval for n controls with standard deviation
 * sd: qt(1-(1-level)/2, n-1) * sd * sqrt(1 + 1/n), the smallest distance
 * from the mean that a single case must have to fall outside it.  NAN
 * when n < 2, sd is negative or NAN, or level is not in (0,1). */
double stats_pred_half(double n, double sd, double level);

/* Crawford & Howell's (1998) modified t test of one case x against a
 * small control sample a: t = (x - mean)/(sd sqrt((n+1)/n)), df = n - 1,
 * two-sided p.  Returns -1 (outputs NAN) when n < 2, x is not finite or a
 * is essentially constant. */
int stats_single_case_t(const stats_acc_t *a, double x, double *t, double *df, double *p);

/* ------------------------------------------------------------------ */
/* t tests and multiplicity                                           */
/* ------------------------------------------------------------------ */

/* Welch two-sample two-sided t test of mean(x) - mean(y), as R
 * t.test(x, y): t, Welch-Satterthwaite df, p.  Returns -1 (outputs NAN)
 * when either n < 2 or the standard error is zero or below R's
 * "essentially constant" threshold 10*eps*max(|mean x|, |mean y|). */
int stats_welch_t(const stats_acc_t *x, const stats_acc_t *y,
                  double *t, double *df, double *p);

/* One-sample two-sided t test of mean(x) against mu, as R
 * t.test(x, mu = mu).  Returns -1 (outputs NAN) when n < 2 or the data are
 * constant (R's 10*eps*|mean| threshold). */
int stats_one_sample_t(const stats_acc_t *x, double mu,
                       double *t, double *df, double *p);

/* Benjamini-Hochberg adjusted p-values, as R p.adjust(p, "BH"): NAN
 * entries are skipped (their q is NAN) and are not counted in the family
 * size.  p and q may be the same array.  Tied p-values get the same q.
 * Returns 0, or -1 (every q NAN) if its O(n) scratch cannot be allocated;
 * callers written against a void signature may ignore the result. */
int stats_bh(const double *p, size_t n, double *q);

/* Holm's step-down adjusted p-values, as R p.adjust(p, "holm"): they
 * control the family-wise error rate (the chance of any false call in
 * the family), where BH controls the share of false calls.  NAN entries
 * and aliasing as stats_bh. */
int stats_holm(const double *p, size_t n, double *q);

/* ------------------------------------------------------------------ */
/* Between-group statistics from per-group accumulators               */
/* ------------------------------------------------------------------ */

/* One-way ANOVA table plus effect sizes as DESIGN.md section 5 defines
 * them:  eta2 = SSB/SST,  omega2 = max(0, (SSB - dfB*MSW)/(SST + MSW)). */
typedef struct {
    double f, df_between, df_within, p, eta2, omega2, ssb, ssw, msb, msw;
} stats_anova_t;

/* One-way ANOVA from group accumulators, as R summary(aov(y ~ g)).
 * Groups with n = 0 are ignored (R drops unused factor levels).  Returns -1
 * (all fields NAN) when fewer than 2 non-empty groups, df_within < 1, or
 * every observation is equal (SST = 0: F and eta2 undefined).  When only
 * SSW is 0, F = +Inf and p = 0. */
int stats_anova(const stats_acc_t *g, size_t ng, stats_anova_t *out);

/* Welch's heteroscedastic one-way ANOVA, as R
 * oneway.test(y ~ g, var.equal = FALSE): F, df1 = k-1, df2, p.  Empty groups
 * are ignored.  Returns -1 (outputs NAN) with fewer than 2 non-empty groups,
 * or when a group has n < 2 or zero variance (its weight n/var is
 * infinite, so the test is undefined). */
int stats_welch_anova(const stats_acc_t *g, size_t ng,
                      double *f, double *df1, double *df2, double *p);

/* Kruskal-Wallis rank sum test with tie correction, as R
 * kruskal.test(y ~ g), from a count table: values[nv] are the distinct
 * observed values in strictly ascending order, counts[g*nv + v] the number
 * of respondents of group g with value v.  Ties share mid-ranks.  Groups
 * with no respondents are ignored (R drops unused levels).  Returns -1
 * (outputs NAN) when values are not strictly ascending, a count is negative
 * or non-finite, fewer than 2 non-empty groups, fewer than 2 observations,
 * or all observations tie (tie correction denominator 0). */
int stats_kruskal(const double *values, size_t nv, const double *counts,
                  size_t ng, double *h, double *df, double *p);

/* ICC(1) = (MSB - MSW)/(MSB + (k-1) MSW), as R multilevel::ICC1(aov(...)),
 * which uses k = N/G (total respondents over groups).  May be negative.
 * NAN if the ANOVA fields are NAN or the denominator is 0. */
double stats_icc1(const stats_anova_t *a, double k);

/* ICC(2) = (MSB - MSW)/MSB, as R multilevel::ICC2(aov(...)).  May be
 * negative.  NAN if MSB = 0. */
double stats_icc2(const stats_anova_t *a);

/* ------------------------------------------------------------------ */
/* Complete-case covariance and reliability                           */
/* ------------------------------------------------------------------ */

/* Opaque co-moment accumulator for k items: n, k means and the k x k
 * matrix of sums of cross-products of deviations, updated Welford-style
 * (numerically stable; one pass). */
typedef struct stats_cov stats_cov_t;

/* Allocate an empty accumulator for k >= 1 items.  The caller owns the
 * result and releases it with stats_cov_free.  NULL if k == 0 or out of
 * memory. */
stats_cov_t *stats_cov_new(size_t k);

/* Release c; stats_cov_free(NULL) does nothing. */
void stats_cov_free(stats_cov_t *c);

/* Add one complete case: x[0..k-1], all answered and finite.  (The caller
 * performs listwise deletion: cases with a missing item are not added.) */
void stats_cov_add(stats_cov_t *c, const double *x);

/* Number of cases added. */
double stats_cov_n(const stats_cov_t *c);

/* Number of items k. */
size_t stats_cov_k(const stats_cov_t *c);

/* Mean of item i over the cases added; NAN if none. */
double stats_cov_mean(const stats_cov_t *c, size_t i);

/* Sample covariance of items i and j, n-1 denominator (R cov); NAN if
 * n < 2 or an index is out of range. */
double stats_cov_get(const stats_cov_t *c, size_t i, size_t j);

/* Cronbach's alpha and its companions, as R psych::alpha (psych 2.2.9) on
 * the complete cases.  r_drop and alpha_if_dropped point to caller-owned
 * arrays of k doubles each (either may be NULL to skip it). */
typedef struct {
    double alpha;      /* raw_alpha  k/(k-1) (1 - tr(C)/1'C1)            */
    double std_alpha;  /* std.alpha  k/(k-1) (1 - k/1'R1), R = cor        */
    double average_r;  /* average_r  mean off-diagonal correlation        */
    double ci_low;     /* Feldt: 1-(1-a) qf(.975, N-1, (N-1)(k-1))         */
    double ci_high;    /* Feldt: 1-(1-a) qf(.025, N-1, (N-1)(k-1))         */
    double *r_drop;           /* [k] item vs sum of the other items       */
    double *alpha_if_dropped; /* [k] psych alpha.drop$raw_alpha            */
} stats_alpha_t;

/* Fill *out from the covariance accumulator.  Returns -1 (scalars NAN,
 * arrays NAN) when k < 2, n < 2 or the total variance 1'C1 <= 0.
 *
 * Matching psych::alpha exactly:
 *  - N for the Feldt interval is the number of complete cases (psych uses
 *    nrow of the data it is given; gapsurvey gives it complete cases).
 *  - For k = 2, psych reports as alpha.drop raw_alpha of item i the ratio
 *    C[1,2]/C[j,j] (j the item kept), not an alpha of one item (which
 *    does not exist); this function reproduces that value.
 *  - For k > 2 a dropped set whose total variance is 0 gives NAN.
 *  - An item with zero variance makes the correlation matrix undefined:
 *    std_alpha, average_r and that item's r_drop are NAN while alpha,
 *    the Feldt CI and alpha_if_dropped are still computed.  (psych would
 *    instead delete the item with a warning and keep it in the score.) */
int stats_alpha(const stats_cov_t *c, stats_alpha_t *out);

/* ------------------------------------------------------------------ */
/* Within-group agreement                                             */
/* ------------------------------------------------------------------ */

/* rwg(j) of James, Demaree & Wolf (1984), as R multilevel::rwg.j:
 *   S = min(mean_item_var, ranvar),
 *   rwg(j) = J(1 - S/ranvar) / (J(1 - S/ranvar) + S/ranvar),
 * with ranvar = (A^2 - 1)/12 for an A-point list (stats_rwg_ranvar).
 * mean_item_var is the mean over the J items of each item's sample
 * variance in the group; the caller chooses how missing answers enter it
 * (DESIGN.md: dropped per item; rwg.j itself drops incomplete rows).
 * NAN when j == 0, ranvar <= 0 or mean_item_var is NAN (R gives NA for a
 * group of one). */
double stats_rwg_j(size_t j, double mean_item_var, double ranvar);

/* Uniform null variance (A^2 - 1)/12 of an A-point response scale;
 * NAN if a < 2. */
double stats_rwg_ranvar(double a);


/* ------------------------------------------------------------------ */
/* Association: contingency tables and rank correlation               */
/* ------------------------------------------------------------------ */

typedef struct {
    double chisq, df, p;
    double cramers_v;        /* sqrt(X2 / (N (min(r, c) - 1))), X2 without Yates */
    double min_expected;
    size_t expected_below_5; /* R warns "Chi-squared approximation may be
                                incorrect" when there is any */
    int yates;               /* 1: a 2 x 2 table, corrected as R does by default */
} stats_chisq_t;

/* Pearson's chi-square test of independence on the nr x nc table t of
 * counts (row-major), as R chisq.test(t) with its defaults: expected
 * counts from the margins, Yates' continuity correction on a 2 x 2 table
 * (|O - E| less min(0.5, |O - E|)), df (nr-1)(nc-1), p from the upper
 * tail of chi-square.  Every row and column must have a positive total
 * (R gives NaN otherwise).  Returns -1 (outputs NAN) when nr or nc < 2,
 * a total is not positive, or a count is negative or not finite. */
int stats_chisq_indep(const double *t, size_t nr, size_t nc, stats_chisq_t *out);

/* Spearman's rank correlation of x and y (n pairs, all finite) and its
 * two-sided p, as R cor.test(x, y, method = "spearman") with its
 * defaults: rho is the Pearson correlation of the mid-ranks; p is exact
 * when there are no ties and n <= 1290 (R's pRho, Best & Roberts 1975,
 * AS 89: every permutation counted up to n = 9, the Edgeworth series
 * above), else from Student's t with n - 2 df on rho sqrt((n-2)/(1-rho^2))
 * (R also, and warns, when there are ties).  *method (static) says which:
 * "exact", "edgeworth" or "t".  Returns -1 (outputs NAN, method NULL)
 * when n < 3 (R stops) or x or y does not vary (R gives NA). */
int stats_spearman(const double *x, const double *y, size_t n, double *rho, double *p, const char **method);

#endif /* GAPSURVEY_STATS_H */
