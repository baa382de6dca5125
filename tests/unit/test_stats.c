/*
 * test_stats.c -- cmocka unit tests of analysis/stats.c against R.
 *
 * Every expected number below was printed by tests/r/stats_ref.R (R 4.2.2,
 * psych 2.2.9, multilevel 2.7) and pasted here with the R call that
 * produced it, so the tests run without R.  The datasets are the same
 * inline vectors as in that script; the test feeds them through the
 * accumulators exactly as the streaming engine would (one value at a time,
 * groups kept apart, complete cases only for reliability) and compares to
 * 1e-6 relative, or 1e-12 absolute when the expected value is 0.
 * Not-computable cases check the -1 return and NAN outputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "analysis/stats.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Comparison helpers                                                 */
/* ------------------------------------------------------------------ */

/* One expected value: what, the computed value, and R's value (NAN when
 * the expected result is "not computable"). */
typedef struct {
    const char *what;
    double got;
    double want;
} check_t;

static void check_one(const char *what, double got, double want)
{
    if (isnan(want)) {
        if (!isnan(got))
            fail_msg("%s: got %.15g, want NAN", what, got);
        return;
    }
    if (isinf(want)) {
        if (got != want)
            fail_msg("%s: got %.15g, want %.15g", what, got, want);
        return;
    }
    double tol = want == 0 ? 1e-12 : 1e-6 * fabs(want);
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.15g, want %.15g (R)", what, got, want);
}

static void check_all(const check_t *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_one(c[i].what, c[i].got, c[i].want);
}

static stats_acc_t acc_of(const double *x, size_t n)
{
    stats_acc_t a = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        stats_acc_add(&a, x[i]);
    return a;
}

/* ------------------------------------------------------------------ */
/* Datasets (identical to tests/r/stats_ref.R)                        */
/* ------------------------------------------------------------------ */

/* Dataset 1: four unbalanced groups with ties. */
static const double yA[] = {3, 5, 5, 7, 2, 6};
static const double yB[] = {4, 8, 9, 9, 7};
static const double yC[] = {1, 2, 2, 3};
static const double yD[] = {5, 6, 5, 9, 4, 7, 8};

/* Dataset 2: three groups with nearly equal means. */
static const double y2a[] = {1, 5, 3};
static const double y2b[] = {2, 4, 3, 6};
static const double y2c[] = {5, 1, 2};

typedef struct {
    const double *x;
    size_t n;
} vec_t;

#define VEC(a) {(a), N_OF(a)}

static const vec_t ds1[] = {VEC(yA), VEC(yB), VEC(yC), VEC(yD)};
static const vec_t ds2[] = {VEC(y2a), VEC(y2b), VEC(y2c)};

static void accs_of(const vec_t *v, size_t ng, stats_acc_t *g)
{
    for (size_t i = 0; i < ng; i++)
        g[i] = acc_of(v[i].x, v[i].n);
}

/* ------------------------------------------------------------------ */
/* Accumulators                                                       */
/* ------------------------------------------------------------------ */

static void test_acc(void **state)
{
    (void)state;
    stats_acc_t a = acc_of(yA, N_OF(yA));
    stats_acc_t b = acc_of(yB, N_OF(yB));
    stats_acc_t ab = a;
    stats_acc_merge(&ab, &b);

    stats_acc_t g[4], all = {0, 0, 0};
    accs_of(ds1, 4, g);
    for (size_t i = 0; i < 4; i++)
        stats_acc_merge(&all, &g[i]);
    stats_acc_t others = stats_acc_minus(&all, &g[0]);

    stats_acc_t empty = {0, 0, 0}, e2 = {0, 0, 0};
    stats_acc_merge(&empty, &a); /* merge into an empty accumulator */
    stats_acc_merge(&a, &e2);    /* merging an empty one changes nothing */
    stats_acc_t none = stats_acc_minus(&all, &all);
    stats_acc_t same = stats_acc_minus(&all, &e2);
    stats_acc_t one = acc_of(yA, 1);

    /* Welford stability: values around 1e9 with variance 30. */
    const double big[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
    stats_acc_t bg = acc_of(big, N_OF(big));

    const check_t c[] = {
        {"mean(yA)", a.mean, 4.66666666666667},
        {"var(yA)", stats_acc_var(&a), 3.46666666666667},
        {"sd(yA)", stats_acc_sd(&a), 1.86189867250253},
        {"merge n", ab.n, 11},
        {"mean(c(yA, yB))", ab.mean, 5.90909090909091},
        {"var(c(yA, yB))", stats_acc_var(&ab), 5.49090909090909},
        {"minus n", others.n, 16},
        {"mean(y[g != \"A\"])", others.mean, 5.5625},
        {"var(y[g != \"A\"])", stats_acc_var(&others), 7.32916666666667},
        {"merge into empty: mean", empty.mean, 4.66666666666667},
        {"merge into empty: var", stats_acc_var(&empty), 3.46666666666667},
        {"merge empty: mean", a.mean, 4.66666666666667},
        {"merge empty: n", a.n, 6},
        {"all minus all: n", none.n, 0},
        {"all minus all: m2", none.m2, 0},
        {"all minus empty: var", stats_acc_var(&same), stats_acc_var(&all)},
        {"var n=1 is NAN", stats_acc_var(&one), NAN},
        {"sd n=1 is NAN", stats_acc_sd(&one), NAN},
        {"var(1e9 + c(4,7,13,16)) (exact)", stats_acc_var(&bg), 30},
    };
    check_all(c, N_OF(c));
}

static void test_mean_ci(void **state)
{
    (void)state;
    stats_acc_t a = acc_of(yA, N_OF(yA)), one = acc_of(yA, 1);
    double lo95, hi95, lo90, hi90, lo1, hi1, lob, hib;
    stats_mean_ci(&a, 0.95, &lo95, &hi95);
    stats_mean_ci(&a, 0.90, &lo90, &hi90);
    stats_mean_ci(&one, 0.95, &lo1, &hi1);
    stats_mean_ci(&a, 1.5, &lob, &hib);
    const check_t c[] = {
        /* t.test(yA)$conf.int */
        {"t.test(yA)$conf.int[1]", lo95, 2.7127238418675},
        {"t.test(yA)$conf.int[2]", hi95, 6.62060949146584},
        /* t.test(yA, conf.level = 0.9)$conf.int */
        {"t.test(yA, conf.level=0.9)$conf.int[1]", lo90, 3.13499424289313},
        {"t.test(yA, conf.level=0.9)$conf.int[2]", hi90, 6.1983390904402},
        {"n=1 lo", lo1, NAN},
        {"n=1 hi", hi1, NAN},
        {"bad level lo", lob, NAN},
        {"bad level hi", hib, NAN},
    };
    check_all(c, N_OF(c));
}

/* R's t.test stops on "essentially constant" data: no interval (it was
 * [4, 4] before), and no prediction interval or single-case test either */
static void test_constant_ci(void **state)
{
    (void)state;
    static const double four3[] = {4, 4, 4};
    stats_acc_t a = acc_of(four3, N_OF(four3));
    double lo, hi, plo, phi, t, df, p;
    stats_mean_ci(&a, 0.95, &lo, &hi);
    stats_pred_interval(&a, 0.95, &plo, &phi);
    assert_int_equal(stats_single_case_t(&a, 5, &t, &df, &p), -1);
    const check_t c[] = {
        {"constant: CI lo", lo, NAN},     {"constant: CI hi", hi, NAN},
        {"constant: PI lo", plo, NAN},    {"constant: PI hi", phi, NAN},
        {"constant: single-case t", t, NAN}, {"constant: single-case p", p, NAN},
    };
    check_all(c, N_OF(c));
}

/* the self-vs-staff rule: one more draw against the staff's spread */
static void test_single_case(void **state)
{
    (void)state;
    stats_acc_t a = acc_of(yA, N_OF(yA)), one = acc_of(yA, 1);
    double lo, hi, t, df, p, t1, df1, p1;
    stats_pred_interval(&a, 0.95, &lo, &hi);
    assert_int_equal(stats_single_case_t(&a, 10, &t, &df, &p), 0);
    assert_int_equal(stats_single_case_t(&one, 10, &t1, &df1, &p1), -1);
    const check_t c[] = {
        /* mean(yA) + c(-1,1)*qt(.975,5)*sd(yA)*sqrt(1+1/6) */
        {"PI lo", lo, -0.50298012379099},
        {"PI hi", hi, 9.83631345712432},
        /* (10 - mean(yA)) / (sd(yA) sqrt(7/6)), 2 pt(-|t|, 5) */
        {"Crawford-Howell t", t, 2.65197417652718},
        {"Crawford-Howell df", df, 5},
        {"Crawford-Howell p", p, 0.0453187669853322},
        {"n=1: no test", t1, NAN},
    };
    check_all(c, N_OF(c));
}

/* ------------------------------------------------------------------ */
/* t tests                                                            */
/* ------------------------------------------------------------------ */

static const double four3[] = {4, 4, 4};
static const double four2[] = {4, 4};
static const double five2[] = {5, 5};

typedef struct {
    const char *call;          /* the R call that produced t, df, p */
    vec_t x, y;                /* y.x == NULL: "all other" than x in ds1 */
    int rc;
    double t, df, p;
} welch_case_t;

static void test_welch_t(void **state)
{
    (void)state;
    static const welch_case_t cases[] = {
        /* t.test(yA, y[g != "A"]): y built with stats_acc_minus */
        {"t.test(yA, y[g != \"A\"])", VEC(yA), {NULL, 0}, 0,
         -0.880194473532834, 13.2870773324542, 0.394395690491697},
        /* t.test(yB, yC) */
        {"t.test(yB, yC)", VEC(yB), VEC(yC), 0,
         5.32940872917413, 5.42876218453732, 0.00242719887542584},
        /* t.test(c(4, 4, 4), yC): one constant sample is fine */
        {"t.test(c(4, 4, 4), yC)", VEC(four3), VEC(yC), 0,
         4.89897948556636, 3, 0.0162766034594286},
        /* R: "not enough 'x' observations" */
        {"n=1", {yA, 1}, VEC(yB), -1, NAN, NAN, NAN},
        {"n=1 (y)", VEC(yB), {yA, 1}, -1, NAN, NAN, NAN},
        /* R: "data are essentially constant" */
        {"both constant", VEC(four2), VEC(five2), -1, NAN, NAN, NAN},
    };
    stats_acc_t g[4], all = {0, 0, 0};
    accs_of(ds1, 4, g);
    for (size_t i = 0; i < 4; i++)
        stats_acc_merge(&all, &g[i]);

    for (size_t i = 0; i < N_OF(cases); i++) {
        const welch_case_t *k = &cases[i];
        stats_acc_t x = acc_of(k->x.x, k->x.n);
        stats_acc_t y = k->y.x ? acc_of(k->y.x, k->y.n) : stats_acc_minus(&all, &x);
        double t, df, p;
        int rc = stats_welch_t(&x, &y, &t, &df, &p);
        if (rc != k->rc)
            fail_msg("%s: rc %d, want %d", k->call, rc, k->rc);
        check_one(k->call, t, k->t);
        check_one(k->call, df, k->df);
        check_one(k->call, p, k->p);
    }
}

static const double dvec[] = {-3.2, 1.5, -0.7, -2.1, 0.4, -1.8, -2.6};
static const double const7[] = {7, 7, 7, 7};

typedef struct {
    const char *call;
    vec_t x;
    double mu;
    int rc;
    double t, df, p;
} one_case_t;

static void test_one_sample_t(void **state)
{
    (void)state;
    static const one_case_t cases[] = {
        /* t.test(d) */
        {"t.test(d)", VEC(dvec), 0, 0,
         -1.89592388116825, 6, 0.106771547930938},
        /* t.test(d, mu = -2) */
        {"t.test(d, mu = -2)", VEC(dvec), -2, 0,
         1.22677427605004, 6, 0.265859135706044},
        {"n=1", {dvec, 1}, 0, -1, NAN, NAN, NAN},
        {"constant", VEC(const7), 0, -1, NAN, NAN, NAN},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        const one_case_t *k = &cases[i];
        stats_acc_t x = acc_of(k->x.x, k->x.n);
        double t, df, p;
        int rc = stats_one_sample_t(&x, k->mu, &t, &df, &p);
        if (rc != k->rc)
            fail_msg("%s: rc %d, want %d", k->call, rc, k->rc);
        check_one(k->call, t, k->t);
        check_one(k->call, df, k->df);
        check_one(k->call, p, k->p);
    }
}

static void test_bh(void **state)
{
    (void)state;
    /* p <- c(0.01, NA, 0.04, 0.03, 0.04, NA, 0.2, 0.001, 0.03, 0.9) */
    const double p[] = {0.01, NAN, 0.04, 0.03, 0.04, NAN, 0.2, 0.001, 0.03, 0.9};
    /* p.adjust(p, "BH") */
    const double want[] = {0.04, NAN, 0.0533333333333333, 0.0533333333333333,
                           0.0533333333333333, NAN, 0.228571428571429, 0.008,
                           0.0533333333333333, 0.9};
    double q[N_OF(p)], inplace[N_OF(p)];
    assert_int_equal(stats_bh(p, N_OF(p), q), 0);
    for (size_t i = 0; i < N_OF(p); i++)
        check_one("p.adjust(p, \"BH\")", q[i], want[i]);

    memcpy(inplace, p, sizeof p); /* q may alias p */
    assert_int_equal(stats_bh(inplace, N_OF(p), inplace), 0);
    for (size_t i = 0; i < N_OF(p); i++)
        check_one("p.adjust(p, \"BH\") in place", inplace[i], want[i]);

    /* p.adjust(c(0.5), "BH") */
    double one = 0.5, q1;
    stats_bh(&one, 1, &q1);
    check_one("p.adjust(c(0.5), \"BH\")", q1, 0.5);

    double nan2[] = {NAN, NAN}, qn[2];
    stats_bh(nan2, 2, qn);
    check_one("all NA", qn[0], NAN);
    check_one("all NA", qn[1], NAN);
    assert_int_equal(stats_bh(NULL, 0, NULL), 0);
}

static void test_holm(void **state)
{
    (void)state;
    const double p[] = {0.01, NAN, 0.04, 0.03, 0.04, NAN, 0.2, 0.001, 0.03, 0.9};
    /* p.adjust(p, "holm") */
    const double want[] = {0.07, NAN, 0.18, 0.18, 0.18, NAN, 0.4, 0.008, 0.18, 0.9};
    double q[N_OF(p)];
    assert_int_equal(stats_holm(p, N_OF(p), q), 0);
    for (size_t i = 0; i < N_OF(p); i++)
        check_one("p.adjust(p, \"holm\")", q[i], want[i]);
}

/* ------------------------------------------------------------------ */
/* Between-group statistics                                           */
/* ------------------------------------------------------------------ */

static void test_anova(void **state)
{
    (void)state;
    stats_acc_t g1[5], g2[3];
    accs_of(ds1, 4, g1);
    accs_of(ds2, 3, g2);
    g1[4] = (stats_acc_t){0, 0, 0}; /* an empty group is ignored */
    stats_anova_t a1, a2;
    assert_int_equal(stats_anova(g1, 5, &a1), 0);
    assert_int_equal(stats_anova(g2, 3, &a2), 0);
    /* multilevel::ICC1 uses k = N/G: 22/4 and 10/3 */
    const check_t c[] = {
        /* summary(aov(y ~ g))[[1]] */
        {"aov(y ~ g) F value", a1.f, 8.02090166470698},
        {"aov(y ~ g) Pr(>F)", a1.p, 0.00132919365766578},
        {"aov(y ~ g) Df g", a1.df_between, 3},
        {"aov(y ~ g) Df Residuals", a1.df_within, 18},
        {"aov(y ~ g) Sum Sq g", a1.ssb, 74.8108225108225},
        {"aov(y ~ g) Sum Sq Residuals", a1.ssw, 55.9619047619048},
        {"aov(y ~ g) Mean Sq g", a1.msb, 24.9369408369408},
        {"aov(y ~ g) Mean Sq Residuals", a1.msw, 3.10899470899471},
        /* SSB/(SSB+SSW) from that table */
        {"eta2", a1.eta2, 0.572067464455368},
        /* max(0,(SSB-dfB*MSW)/(SSB+SSW+MSW)) from that table */
        {"omega2", a1.omega2, 0.489117090925813},
        /* multilevel::ICC1(aov(y ~ g)), multilevel::ICC2(aov(y ~ g)) */
        {"ICC1(aov(y ~ g))", stats_icc1(&a1, 22.0 / 4.0), 0.56073451039848},
        {"ICC2(aov(y ~ g))", stats_icc2(&a1), 0.875325737454165},
        /* summary(aov(y2 ~ g2))[[1]] */
        {"aov(y2 ~ g2) F value", a2.f, 0.300655737704918},
        {"aov(y2 ~ g2) Pr(>F)", a2.p, 0.749433822653778},
        {"eta2 (y2)", a2.eta2, 0.0791062801932367},
        /* (SSB-dfB*MSW)/(SSB+SSW+MSW) = -0.16261340245483 -> clamped */
        {"omega2 (y2) clamped", a2.omega2, 0},
        /* multilevel::ICC1(aov(y2 ~ g2)), multilevel::ICC2(aov(y2 ~ g2)) */
        {"ICC1(aov(y2 ~ g2))", stats_icc1(&a2, 10.0 / 3.0), -0.265507655284013},
        {"ICC2(aov(y2 ~ g2))", stats_icc2(&a2), -2.32606324972737},
    };
    check_all(c, N_OF(c));
}

static void test_anova_not_computable(void **state)
{
    (void)state;
    stats_acc_t g[3];
    stats_anova_t a;
    accs_of(ds1, 3, g);
    /* fewer than 2 groups */
    assert_int_equal(stats_anova(g, 1, &a), -1);
    check_one("1 group F", a.f, NAN);
    check_one("1 group ICC1", stats_icc1(&a, 6), NAN);
    check_one("1 group ICC2", stats_icc2(&a), NAN);
    /* one respondent per group: df_within = 0 */
    stats_acc_t s[3] = {acc_of(yA, 1), acc_of(yB, 1), acc_of(yC, 1)};
    assert_int_equal(stats_anova(s, 3, &a), -1);
    check_one("df_within 0: p", a.p, NAN);
    /* every value equal: SST = 0 */
    stats_acc_t e[2] = {acc_of(four3, 3), acc_of(four2, 2)};
    assert_int_equal(stats_anova(e, 2, &a), -1);
    check_one("SST 0: eta2", a.eta2, NAN);
    /* constant within groups but different between: F = Inf, p = 0 */
    stats_acc_t w[2] = {acc_of(four2, 2), acc_of(five2, 2)};
    assert_int_equal(stats_anova(w, 2, &a), 0);
    check_one("SSW 0: F", a.f, INFINITY);
    check_one("SSW 0: p", a.p, 0);
    check_one("SSW 0: eta2", a.eta2, 1);
}

static void test_welch_anova(void **state)
{
    (void)state;
    stats_acc_t g1[5], g2[3];
    accs_of(ds1, 4, g1);
    accs_of(ds2, 3, g2);
    g1[4] = (stats_acc_t){0, 0, 0}; /* ignored, like an unused level */
    double f1, a1, b1, p1, f2, a2, b2, p2;
    assert_int_equal(stats_welch_anova(g1, 5, &f1, &a1, &b1, &p1), 0);
    assert_int_equal(stats_welch_anova(g2, 3, &f2, &a2, &b2, &p2), 0);
    const check_t c[] = {
        /* oneway.test(y ~ g) */
        {"oneway.test(y ~ g)$statistic", f1, 14.3912636802564},
        {"oneway.test(y ~ g)$parameter[1]", a1, 3},
        {"oneway.test(y ~ g)$parameter[2]", b1, 9.61510393439754},
        {"oneway.test(y ~ g)$p.value", p1, 0.000682281642821643},
        /* oneway.test(y2 ~ g2) */
        {"oneway.test(y2 ~ g2)$statistic", f2, 0.268120321815754},
        {"oneway.test(y2 ~ g2)$parameter[1]", a2, 2},
        {"oneway.test(y2 ~ g2)$parameter[2]", b2, 4.16157539644532},
        {"oneway.test(y2 ~ g2)$p.value", p2, 0.777089426150759},
    };
    check_all(c, N_OF(c));

    /* not computable: a group of one (R: "not enough observations"), a
     * zero-variance group (weight n/0), a single group */
    stats_acc_t bad1[2] = {acc_of(yA, N_OF(yA)), acc_of(yB, 1)};
    stats_acc_t bad2[2] = {acc_of(yA, N_OF(yA)), acc_of(four3, 3)};
    double f, d1, d2, p;
    assert_int_equal(stats_welch_anova(bad1, 2, &f, &d1, &d2, &p), -1);
    check_one("n=1 group: F", f, NAN);
    check_one("n=1 group: p", p, NAN);
    assert_int_equal(stats_welch_anova(bad2, 2, &f, &d1, &d2, &p), -1);
    check_one("var 0 group: F", f, NAN);
    check_one("var 0 group: df2", d2, NAN);
    assert_int_equal(stats_welch_anova(g1, 1, &f, &d1, &d2, &p), -1);
}

/* Build the Kruskal-Wallis count table from raw groups, as the engine
 * would from its per-group value counts.  values/counts are caller-sized. */
static size_t count_table(const vec_t *v, size_t ng, double *values,
                          size_t maxv, double *counts)
{
    size_t nv = 0;
    for (size_t g = 0; g < ng; g++)
        for (size_t i = 0; i < v[g].n; i++) {
            double x = v[g].x[i];
            size_t at = 0;
            while (at < nv && values[at] < x)
                at++;
            if (at < nv && values[at] == x)
                continue;
            assert_true(nv < maxv);
            memmove(values + at + 1, values + at, (nv - at) * sizeof *values);
            values[at] = x;
            nv++;
        }
    memset(counts, 0, ng * nv * sizeof *counts);
    for (size_t g = 0; g < ng; g++)
        for (size_t i = 0; i < v[g].n; i++)
            for (size_t k = 0; k < nv; k++)
                if (values[k] == v[g].x[i])
                    counts[g * nv + k] += 1;
    return nv;
}

static void test_kruskal(void **state)
{
    (void)state;
    double values[32], counts[5 * 32];
    double h, df, p;

    size_t nv = count_table(ds1, 4, values, 32, counts);
    assert_int_equal(stats_kruskal(values, nv, counts, 4, &h, &df, &p), 0);
    /* kruskal.test(y ~ g) */
    check_one("kruskal.test(y ~ g)$statistic", h, 11.5280945558739);
    check_one("kruskal.test(y ~ g)$parameter", df, 3);
    check_one("kruskal.test(y ~ g)$p.value", p, 0.00918759680210338);

    /* an all-zero row (group with no respondents) is not a level */
    memset(counts + 4 * nv, 0, nv * sizeof *counts);
    assert_int_equal(stats_kruskal(values, nv, counts, 5, &h, &df, &p), 0);
    check_one("empty group ignored: H", h, 11.5280945558739);
    check_one("empty group ignored: df", df, 3);

    nv = count_table(ds2, 3, values, 32, counts);
    assert_int_equal(stats_kruskal(values, nv, counts, 3, &h, &df, &p), 0);
    /* kruskal.test(y2 ~ g2) */
    check_one("kruskal.test(y2 ~ g2)$statistic", h, 0.819875776397513);
    check_one("kruskal.test(y2 ~ g2)$parameter", df, 2);
    check_one("kruskal.test(y2 ~ g2)$p.value", p, 0.663691471928918);

    /* not computable */
    const double v1[] = {4};
    const double c1[] = {3, 2}; /* all tied: R gives NaN */
    assert_int_equal(stats_kruskal(v1, 1, c1, 2, &h, &df, &p), -1);
    check_one("all tied: H", h, NAN);
    const double v2[] = {1, 2};
    const double c2[] = {3, 2}; /* one group */
    assert_int_equal(stats_kruskal(v2, 2, c2, 1, &h, &df, &p), -1);
    const double v3[] = {2, 1}; /* not ascending */
    const double c3[] = {1, 1, 1, 1};
    assert_int_equal(stats_kruskal(v3, 2, c3, 2, &h, &df, &p), -1);
    const double c4[] = {1, -1, 1, 1}; /* negative count */
    assert_int_equal(stats_kruskal(v2, 2, c4, 2, &h, &df, &p), -1);
    check_one("negative count: p", p, NAN);
}

/* ------------------------------------------------------------------ */
/* Covariance and reliability                                         */
/* ------------------------------------------------------------------ */

/* Dataset 3: 5 items (columns i1..i5), 13 respondents; NAN = missing. */
static const double d5[13][5] = {
    {4, 4, 3, 5, 2}, {5, 4, 5, 4, 3}, {3, 3, 2, 3, 4}, {4, 5, NAN, 4, 3},
    {2, 2, 3, 1, 2}, {5, 5, 4, 5, 4}, {4, 3, 4, 4, 2}, {3, 3, 2, 4, 3},
    {4, NAN, 4, 3, 3}, {5, 4, 5, 4, 5}, {2, 1, 2, 3, 3}, {3, 3, 2, 3, 1},
    {4, 5, 4, 3, 4},
};

/* Dataset 4: 2 items (a, b). */
static const double d2[8][2] = {
    {3, 2}, {4, 4}, {2, 3}, {5, 5}, {4, 3}, {1, 2}, {3, 3}, {4, 5},
};

static int complete(const double *x, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (isnan(x[i]))
            return 0;
    return 1;
}

static void test_alpha_5(void **state)
{
    (void)state;
    stats_cov_t *c = stats_cov_new(5);
    assert_non_null(c);
    for (size_t r = 0; r < 13; r++)
        if (complete(d5[r], 5)) /* listwise deletion, as the engine does */
            stats_cov_add(c, d5[r]);
    double rd[5], ad[5];
    stats_alpha_t a = {.r_drop = rd, .alpha_if_dropped = ad};
    assert_int_equal(stats_alpha(c, &a), 0);
    const check_t chk[] = {
        {"nrow(na.omit(d5))", stats_cov_n(c), 11},
        /* cov(na.omit(d5))[1, ] */
        {"cov[1,1]", stats_cov_get(c, 0, 0), 1.25454545454545},
        {"cov[1,2]", stats_cov_get(c, 0, 1), 1.14545454545455},
        {"cov[1,3]", stats_cov_get(c, 0, 2), 1.10909090909091},
        {"cov[1,4]", stats_cov_get(c, 0, 3), 0.918181818181818},
        {"cov[1,5]", stats_cov_get(c, 0, 4), 0.6},
        {"cov[5,1] symmetric", stats_cov_get(c, 4, 0), 0.6},
        /* psych::alpha(na.omit(d5))$total */
        {"raw_alpha", a.alpha, 0.855817875210793},
        {"std.alpha", a.std_alpha, 0.856895914074474},
        {"average_r", a.average_r, 0.544954850861569},
        /* psych::alpha(na.omit(d5))$feldt */
        {"feldt$lower.ci", a.ci_low, 0.655669860182153},
        {"feldt$upper.ci", a.ci_high, 0.955709805515347},
        /* psych::alpha(na.omit(d5))$item.stats$r.drop */
        {"r.drop i1", rd[0], 0.942811778737376},
        {"r.drop i2", rd[1], 0.777949535286226},
        {"r.drop i3", rd[2], 0.679670920953494},
        {"r.drop i4", rd[3], 0.549993874016362},
        {"r.drop i5", rd[4], 0.44421105615977},
        /* psych::alpha(na.omit(d5))$alpha.drop$raw_alpha */
        {"alpha.drop i1", ad[0], 0.754036087369421},
        {"alpha.drop i2", ad[1], 0.79634703196347},
        {"alpha.drop i3", ad[2], 0.823428079242033},
        {"alpha.drop i4", ad[3], 0.855345911949685},
        {"alpha.drop i5", ad[4], 0.882308276385725},
    };
    check_all(chk, N_OF(chk));
    stats_cov_free(c);
}

static void test_alpha_2(void **state)
{
    (void)state;
    stats_cov_t *c = stats_cov_new(2);
    assert_non_null(c);
    for (size_t r = 0; r < 8; r++)
        stats_cov_add(c, d2[r]);
    double rd[2], ad[2];
    stats_alpha_t a = {.r_drop = rd, .alpha_if_dropped = ad};
    assert_int_equal(stats_alpha(c, &a), 0);
    const check_t chk[] = {
        /* psych::alpha(d2)$total */
        {"raw_alpha", a.alpha, 0.871287128712871},
        {"std.alpha", a.std_alpha, 0.872712467232169},
        {"average_r", a.average_r, 0.77417024660017},
        /* psych::alpha(d2)$feldt */
        {"feldt$lower.ci", a.ci_low, 0.35709089259582},
        {"feldt$upper.ci", a.ci_high, 0.974231189068283},
        /* psych::alpha(d2)$item.stats$r.drop */
        {"r.drop a", rd[0], 0.77417024660017},
        {"r.drop b", rd[1], 0.77417024660017},
        /* psych::alpha(d2)$alpha.drop$raw_alpha: C[1,2]/C[j,j] for k = 2 */
        {"alpha.drop a", ad[0], 0.835443037974684},
        {"alpha.drop b", ad[1], 0.717391304347826},
    };
    check_all(chk, N_OF(chk));

    /* arrays are optional */
    stats_alpha_t bare = {.r_drop = NULL, .alpha_if_dropped = NULL};
    assert_int_equal(stats_alpha(c, &bare), 0);
    check_one("raw_alpha, no arrays", bare.alpha, 0.871287128712871);
    stats_cov_free(c);
}

static void test_alpha_not_computable(void **state)
{
    (void)state;
    double rd[3], ad[3];
    stats_alpha_t a = {.r_drop = rd, .alpha_if_dropped = ad};

    /* k < 2 */
    stats_cov_t *c1 = stats_cov_new(1);
    assert_non_null(c1);
    const double x1[] = {1}, x2[] = {2};
    stats_cov_add(c1, x1);
    stats_cov_add(c1, x2);
    assert_int_equal(stats_alpha(c1, &a), -1);
    check_one("k=1 alpha", a.alpha, NAN);
    check_one("k=1 r.drop", rd[0], NAN);
    stats_cov_free(c1);

    /* n < 2 */
    stats_cov_t *c = stats_cov_new(3);
    assert_non_null(c);
    const double r1[] = {1, 2, 3};
    stats_cov_add(c, r1);
    assert_int_equal(stats_alpha(c, &a), -1);
    check_one("n=1 alpha", a.alpha, NAN);
    check_one("n=1 ci", a.ci_low, NAN);
    check_one("n=1 alpha.drop", ad[2], NAN);
    /* zero total variance: every item constant */
    stats_cov_add(c, r1);
    stats_cov_add(c, r1);
    assert_int_equal(stats_alpha(c, &a), -1);
    check_one("var 0 alpha", a.alpha, NAN);
    check_one("var 0 std", a.std_alpha, NAN);
    stats_cov_free(c);

    /* one constant item (no R value: psych would delete it): raw alpha by
     * the formula, C = [[1,0],[0,0]] -> 2 (1 - 1/1) = 0; correlations NAN */
    stats_cov_t *z = stats_cov_new(2);
    assert_non_null(z);
    const double z1[] = {1, 2}, z2[] = {2, 2}, z3[] = {3, 2};
    stats_cov_add(z, z1);
    stats_cov_add(z, z2);
    stats_cov_add(z, z3);
    assert_int_equal(stats_alpha(z, &a), 0);
    check_one("constant item: alpha", a.alpha, 0);
    check_one("constant item: std_alpha", a.std_alpha, NAN);
    check_one("constant item: average_r", a.average_r, NAN);
    check_one("constant item: r.drop 1", rd[0], NAN);
    check_one("constant item: r.drop 2", rd[1], NAN);
    check_one("constant item: alpha.drop 1 (C12/C22, C22=0)", ad[0], NAN);
    check_one("constant item: alpha.drop 2 (C12/C11)", ad[1], 0);
    stats_cov_free(z);
}

static void test_cov_basics(void **state)
{
    (void)state;
    assert_null(stats_cov_new(0));
    stats_cov_free(NULL);
    stats_cov_t *c = stats_cov_new(2);
    assert_non_null(c);
    assert_int_equal(stats_cov_k(c), 2);
    check_one("empty n", stats_cov_n(c), 0);
    check_one("empty mean", stats_cov_mean(c, 0), NAN);
    for (size_t r = 0; r < 8; r++)
        stats_cov_add(c, d2[r]);
    check_one("mean(d2$a)", stats_cov_mean(c, 0), 3.25);
    check_one("mean(d2$b)", stats_cov_mean(c, 1), 3.375);
    check_one("mean out of range", stats_cov_mean(c, 2), NAN);
    check_one("cov out of range", stats_cov_get(c, 0, 2), NAN);
    stats_cov_free(c);
}

/* ------------------------------------------------------------------ */
/* rwg(j)                                                             */
/* ------------------------------------------------------------------ */

/* Dataset 5: 3 items on a 5-point list, groups x (4), y (5), z (4). */
static const double q_items[13][3] = {
    {4, 4, 5}, {4, 5, 4}, {5, 5, 4}, {4, 4, 4},
    {2, 3, 3}, {3, 3, 2}, {3, 2, 3}, {2, 2, 3}, {3, 4, 3},
    {1, 5, 1}, {5, 1, 5}, {1, 5, 2}, {5, 1, 5},
};
static const size_t q_start[] = {0, 4, 9, 13};

/* Mean over items of the per-item sample variance in rows [from, to),
 * missing answers (NAN) dropped per item (DESIGN.md) or, with listwise,
 * rows with any missing answer dropped (what rwg.j() does). */
static double mean_item_var(const double (*rows)[3], size_t from, size_t to,
                            int listwise)
{
    stats_acc_t it[3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
    for (size_t r = from; r < to; r++) {
        if (listwise && !complete(rows[r], 3))
            continue;
        for (size_t j = 0; j < 3; j++)
            if (!isnan(rows[r][j]))
                stats_acc_add(&it[j], rows[r][j]);
    }
    return (stats_acc_var(&it[0]) + stats_acc_var(&it[1]) +
            stats_acc_var(&it[2])) / 3.0;
}

static void test_rwg(void **state)
{
    (void)state;
    double ranvar = stats_rwg_ranvar(5);
    double s_z = mean_item_var(q_items, q_start[2], q_start[3], 0);
    double rwg[3];
    for (size_t g = 0; g < 3; g++)
        rwg[g] = stats_rwg_j(3, mean_item_var(q_items, q_start[g], q_start[g + 1], 0),
                             ranvar);

    /* items_na: q1 of row 3 missing */
    double na_rows[13][3];
    memcpy(na_rows, q_items, sizeof na_rows);
    na_rows[2][0] = NAN;

    const check_t c[] = {
        {"ranvar (5^2-1)/12", ranvar, 2},
        /* multilevel::rwg.j(items, grp, ranvar=2)$rwg.j */
        {"rwg.j x", rwg[0], 0.948979591836735},
        {"rwg.j y", rwg[1], 0.923076923076923},
        {"rwg.j z (S > ranvar -> 0)", rwg[2], 0},
        /* mean(apply(items[grp=="z",], 2, var)) */
        {"S of z", s_z, 4.97222222222222},
        /* multilevel::rwg.j(items_na, grp, ranvar=2)$rwg.j[1] (listwise) */
        {"rwg.j x, listwise", stats_rwg_j(3, mean_item_var(na_rows, 0, 4, 1), 2),
         0.96},
        /* per-item S = mean(apply(items_na[grp=="x",], 2, var, na.rm=TRUE)) */
        {"S x, per item", mean_item_var(na_rows, 0, 4, 0), 0.194444444444444},
        /* rwg.j formula J*(1-S/2)/(J*(1-S/2)+S/2) with the per-item S */
        {"rwg.j x, per item", stats_rwg_j(3, mean_item_var(na_rows, 0, 4, 0), 2),
         0.965346534653465},
        {"S = 0 -> 1", stats_rwg_j(3, 0, 2), 1},
        {"group of one (S NAN)", stats_rwg_j(3, NAN, 2), NAN},
        {"j = 0", stats_rwg_j(0, 1, 2), NAN},
        {"ranvar 0", stats_rwg_j(3, 1, 0), NAN},
        {"ranvar A=1", stats_rwg_ranvar(1), NAN},
    };
    check_all(c, N_OF(c));
}

/* Pearson's chi-square test of independence (R chisq.test) and Cramer's V. */
static void test_chisq(void **state)
{
    (void)state;
    const double t1[] = {12, 5, 9, 3, 14, 8};   /* 2 x 3 */
    const double t2[] = {20, 8, 6, 15};         /* 2 x 2: Yates */
    const double zero_col[] = {3, 0, 4, 0};     /* a column with no answers */
    stats_chisq_t a, b, c;
    assert_int_equal(stats_chisq_indep(t1, 2, 3, &a), 0);
    assert_int_equal(stats_chisq_indep(t2, 2, 2, &b), 0);
    assert_int_equal(stats_chisq_indep(zero_col, 2, 2, &c), -1);
    assert_int_equal(stats_chisq_indep(t1, 1, 6, &c), -1);
    const check_t k[] = {
        {"chisq.test(2x3)$statistic", a.chisq, 9.70610526315789},
        {"chisq.test(2x3)$parameter", a.df, 2},
        {"chisq.test(2x3)$p.value", a.p, 0.0078045168342221},
        {"min(chisq.test(2x3)$expected)", a.min_expected, 7.35294117647059},
        {"chisq.test(2x2)$statistic (Yates)", b.chisq, 7.21240942028985},
        {"chisq.test(2x2)$p.value (Yates)", b.p, 0.00724012363343607},
        {"V from chisq.test(2x2, correct = FALSE)", b.cramers_v, 0.424972948184897},
        {"no test without answers in a column", c.chisq, NAN},
    };
    check_all(k, N_OF(k));
    assert_int_equal(a.yates, 0);
    assert_int_equal(b.yates, 1);
    assert_int_equal(a.expected_below_5, 0);
}

/* Spearman's rho and R cor.test(method = "spearman")'s p: exact (n <= 9,
 * no ties), the Edgeworth series (n > 9, no ties), t (ties). */
static void test_spearman(void **state)
{
    (void)state;
    const double x7[] = {3, 1, 4, 1.5, 5, 9, 2.6}, y7[] = {2, 7, 1, 8, 2.8, 1.8, 2.9};
    const double x3[] = {3, 1, 4}, y3[] = {1, 2, 3};
    const double x12[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const double y12[] = {2, 1, 4, 3, 6, 5, 8, 7, 10, 12, 9, 11};
    const double xt[] = {1, 2, 2, 3, 4, 5, 5, 6}, yt[] = {3, 1, 4, 1, 5, 9, 2, 6};
    const double x9[] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, y9[] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    const double flat[] = {2, 2, 2};
    double r[6], p[6], rn, pn;
    const char *m[6], *mn;
    assert_int_equal(stats_spearman(x7, y7, 7, &r[0], &p[0], &m[0]), 0);
    assert_int_equal(stats_spearman(x3, y3, 3, &r[1], &p[1], &m[1]), 0);
    assert_int_equal(stats_spearman(x12, y12, 12, &r[2], &p[2], &m[2]), 0);
    assert_int_equal(stats_spearman(xt, yt, 8, &r[3], &p[3], &m[3]), 0);
    assert_int_equal(stats_spearman(x9, y9, 9, &r[4], &p[4], &m[4]), 0);
    assert_int_equal(stats_spearman(x3, flat, 3, &rn, &pn, &mn), -1);
    assert_int_equal(stats_spearman(x3, y3, 2, &rn, &pn, &mn), -1);
    const check_t k[] = {
        {"rho n7", r[0], -0.785714285714285}, {"p n7 (exact)", p[0], 0.048015873015873},
        {"rho n3", r[1], 0.5},                {"p n3 (exact)", p[1], 1},
        {"rho n12", r[2], 0.937062937062937}, {"p n12 (Edgeworth)", p[2], 0},
        {"rho ties", r[3], 0.527282411152491}, {"p ties (t)", p[3], 0.179309366896602},
        {"rho n9 reversed", r[4], -1},        {"p n9 reversed (exact)", p[4], 5.51146384479718e-06},
        {"constant y: no rho", rn, NAN},
    };
    check_all(k, N_OF(k));
    assert_string_equal(m[0], "exact");
    assert_string_equal(m[2], "edgeworth");
    assert_string_equal(m[3], "t");
    assert_null(mn);
}

TEST_MAIN(
    cmocka_unit_test(test_acc),
    cmocka_unit_test(test_mean_ci),
    cmocka_unit_test(test_constant_ci),
    cmocka_unit_test(test_single_case),
    cmocka_unit_test(test_welch_t),
    cmocka_unit_test(test_one_sample_t),
    cmocka_unit_test(test_bh),
    cmocka_unit_test(test_holm),
    cmocka_unit_test(test_anova),
    cmocka_unit_test(test_anova_not_computable),
    cmocka_unit_test(test_welch_anova),
    cmocka_unit_test(test_kruskal),
    cmocka_unit_test(test_alpha_5),
    cmocka_unit_test(test_alpha_2),
    cmocka_unit_test(test_alpha_not_computable),
    cmocka_unit_test(test_cov_basics),
    cmocka_unit_test(test_rwg),
    cmocka_unit_test(test_chisq),
    cmocka_unit_test(test_spearman))
