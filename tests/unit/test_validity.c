/*
 * test_validity.c -- cmocka tests of analysis/validity.c, efa.c,
 * parallel.c and cfa.c against R (psych 2.2.9, GPArotation 2022.10-2,
 * lavaan 0.6-14).
 *
 * The expected values come from tests/r/validity_ref.R, committed under
 * tests/fixtures/validity/{demo,bfi,heywood}/expected.csv with the data they were
 * computed on (items.csv, dims.csv), so the tests run without R.  The items
 * go through the accumulators one respondent at a time, as the streaming
 * scan will feed them.  Tolerances (absolute): correlations, KMO,
 * Bartlett, eigenvalues and SMCs 1e-9 (closed forms); minres quantities
 * (EFA loadings up to column order and sign, communalities, Phi, fa
 * values; also on heywood/, psych's Thurstone with 4 factors, one
 * uniqueness at psych's bound) and the CFA 1e-4 (R stops its optimisers
 * earlier than we do);
 * parallel-analysis percentiles within 1.5 standard deviations of the
 * simulated values (two independent simulations of 200 draws: the standard
 * error of a 95th percentile is about 0.2 sd each) and the same number of
 * factors and components.  Each test prints the largest difference seen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "analysis/cfa.h"
#include "analysis/efa.h"
#include "analysis/parallel.h"
#include "analysis/validity.h"
#include "tests/unit/refdata.h"
#include "tests/unit/testmain.h"

/* One dataset loaded: items, dims, R's values and the pairwise r. */
typedef struct {
    const char *name;
    table_t items, dims;
    ref_t ref;
    size_t p, nf;
    double n;
    double *r;
    size_t *factor_of;
} ds_t;

static int ds_setup(void **state, const char *name)
{
    ds_t *d = calloc(1, sizeof *d);
    char path[256];
    d->name = name;
    snprintf(path, sizeof path, "tests/fixtures/validity/%s/items.csv", name);
    assert_int_equal(table_load(path, &d->items), 0);
    snprintf(path, sizeof path, "tests/fixtures/validity/%s/dims.csv", name);
    assert_int_equal(table_load(path, &d->dims), 0);
    snprintf(path, sizeof path, "tests/fixtures/validity/%s/expected.csv", name);
    assert_int_equal(ref_load(path, &d->ref), 0);
    d->p = d->items.cols;
    d->factor_of = calloc(d->p, sizeof *d->factor_of);
    for (size_t i = 0; i < d->p; i++) {
        d->factor_of[i] = (size_t)d->dims.v[i * 2 + 1];
        if (d->factor_of[i] + 1 > d->nf)
            d->nf = d->factor_of[i] + 1;
    }
    val_pair_t *acc = val_pair_new(d->p);
    assert_non_null(acc);
    for (size_t row = 0; row < d->items.rows; row++)
        val_pair_add(acc, d->items.v + row * d->p);
    d->n = val_pair_rows(acc);
    d->r = malloc(d->p * d->p * sizeof *d->r);
    assert_int_equal(val_pair_cor(acc, d->r), VAL_OK);
    val_pair_free(acc);
    *state = d;
    return 0;
}

/* heywood/: only a correlation matrix (r.csv) and EFA values */
static int setup_heywood(void **state)
{
    ds_t *d = calloc(1, sizeof *d);
    table_t t;
    d->name = "heywood";
    assert_int_equal(table_load("tests/fixtures/validity/heywood/r.csv", &t), 0);
    assert_int_equal(
        ref_load("tests/fixtures/validity/heywood/expected.csv", &d->ref), 0);
    d->p = t.cols;
    d->r = t.v; /* ownership moves to d */
    d->nf = (size_t)ref_get(&d->ref, "efa_factors", 0, 0);
    *state = d;
    return 0;
}

static int setup_demo(void **state) { return ds_setup(state, "demo"); }
static int setup_bfi(void **state) { return ds_setup(state, "bfi"); }

static int ds_teardown(void **state)
{
    ds_t *d = *state;
    table_free(&d->items);
    table_free(&d->dims);
    ref_free(&d->ref);
    free(d->r);
    free(d->factor_of);
    free(d);
    return 0;
}

/* |got - R| <= tol for key(i, j); returns the difference for the max. */
static double near(const ds_t *d, const char *key, int i, int j, double got,
                   double tol)
{
    double want = ref_get(&d->ref, key, i, j);
    if (isnan(want))
        fail_msg("%s: %s(%d,%d) missing from expected.csv", d->name, key, i, j);
    double diff = fabs(got - want);
    if (!(diff <= tol))
        fail_msg("%s: %s(%d,%d): got %.12g, R %.12g (diff %.3g > %.3g)",
                 d->name, key, i, j, got, want, diff, tol);
    return diff;
}

/* Compare a vector of n values with key(0..n-1, 0). */
static double near_vec(const ds_t *d, const char *key, const double *got,
                       size_t n, double tol)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, near(d, key, (int)i, 0, got[i], tol));
    return m;
}

static void report(const ds_t *d, const char *what, double maxdiff)
{
    print_message("%-6s %-34s max |diff| %.3g\n", d->name, what, maxdiff);
}

/* ------------------------------------------------------------------ */

static void test_correlation_kmo_bartlett(void **state)
{
    ds_t *d = *state;
    size_t p = d->p;
    near(d, "n", 0, 0, d->n, 0);
    double m = 0;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            m = fmax(m, near(d, "r", (int)i, (int)j, d->r[i * p + j], 1e-12));
    report(d, "pairwise r", m);

    double kmo, *items = malloc(p * sizeof *items);
    assert_int_equal(val_kmo(d->r, p, &kmo, items), VAL_OK);
    m = near(d, "kmo", 0, 0, kmo, 1e-9);
    m = fmax(m, near_vec(d, "kmo_item", items, p, 1e-9));
    report(d, "KMO overall and items", m);

    double chisq, df, pv;
    assert_int_equal(val_bartlett(d->r, p, d->n, &chisq, &df, &pv), VAL_OK);
    m = near(d, "bartlett_chisq", 0, 0, chisq, 1e-9 * chisq);
    near(d, "bartlett_df", 0, 0, df, 0);
    near(d, "bartlett_p", 0, 0, pv, 1e-12);
    report(d, "Bartlett chisq", m);

    assert_int_equal(val_eigen(d->r, p, items), VAL_OK);
    report(d, "eigenvalues", near_vec(d, "eigen", items, p, 1e-9));
    assert_int_equal(val_smc(d->r, p, items), VAL_OK);
    report(d, "SMC", near_vec(d, "smc", items, p, 1e-9));
    assert_int_equal(val_fa_values(d->r, p, items), VAL_OK);
    report(d, "fa values (1-factor minres)",
           near_vec(d, "fa_values", items, p, 1e-4));
    free(items);
}

/* Our factor k matches R's factor col[k] with sign sg[k]: the pairing
 * with the smallest sum of squared differences, found greedily by
 * congruence (psych's order is by variance, ours too, but near-equal
 * variances may swap). */
static void match_factors(const ds_t *d, const val_efa_t *e, int *col,
                          double *sg)
{
    size_t p = d->p, m = e->nfactors;
    int used[64] = {0};
    for (size_t k = 0; k < m; k++) {
        double best = -1;
        for (size_t c = 0; c < m; c++) {
            if (used[c])
                continue;
            double xy = 0, xx = 0, yy = 0;
            for (size_t i = 0; i < p; i++) {
                double a = e->loadings[i * m + k];
                double b = ref_get(&d->ref, "efa_loadings", (int)i, (int)c);
                xy += a * b;
                xx += a * a;
                yy += b * b;
            }
            double cong = fabs(xy) / sqrt(xx * yy);
            if (cong > best) {
                best = cong;
                col[k] = (int)c;
                sg[k] = xy < 0 ? -1 : 1;
            }
        }
        used[col[k]] = 1;
    }
}

static void test_efa(void **state)
{
    ds_t *d = *state;
    size_t p = d->p, m = d->nf;
    near(d, "efa_factors", 0, 0, (double)m, 0);
    val_efa_t e;
    assert_int_equal(val_efa_init(&e, p, m), VAL_OK);
    assert_int_equal(val_efa(d->r, &e), VAL_OK);
    assert_true(e.rotation_converged);
    int col[64];
    double sg[64];
    match_factors(d, &e, col, sg);
    double ml = 0, mp = 0, mh = 0;
    int reordered = 0;
    for (size_t k = 0; k < m; k++) {
        reordered |= col[k] != (int)k || sg[k] < 0;
        for (size_t i = 0; i < p; i++)
            ml = fmax(ml, near(d, "efa_loadings", (int)i, col[k],
                               sg[k] * e.loadings[i * m + k], 1e-4));
        for (size_t j = 0; j < m; j++)
            mp = fmax(mp, near(d, "efa_phi", col[k], col[j],
                               sg[k] * sg[j] * e.phi[k * m + j], 1e-4));
        near(d, "efa_ss_loadings", col[k], 0, e.ss_loadings[k], 1e-4);
    }
    mh = near_vec(d, "efa_communality", e.communality, p, 1e-4);
    mh = fmax(mh, near_vec(d, "efa_uniqueness", e.uniqueness, p, 1e-4));
    mh = fmax(mh, near_vec(d, "efa_values", e.values, p, 1e-4));
    report(d, "EFA loadings", ml);
    report(d, "EFA Phi", mp);
    report(d, "EFA h2, u2, values", mh);
    if (reordered)
        print_message("%s: EFA factor order or signs differ from psych's\n",
                      d->name);
    val_efa_free(&e);
}

static void test_parallel(void **state)
{
    ds_t *d = *state;
    size_t p = d->p;
    val_parallel_t pa;
    assert_int_equal(val_parallel_init(&pa, p), VAL_OK);
    size_t iter = (size_t)ref_get(&d->ref, "pa_iterations", 0, 0);
    assert_int_equal(val_parallel(d->r, d->n, iter, 1, &pa), VAL_OK);
    double m = near_vec(d, "pa_pc_obs", pa.pc_obs, p, 1e-9);
    m = fmax(m, near_vec(d, "pa_fa_obs", pa.fa_obs, p, 1e-4));
    report(d, "parallel observed eigenvalues", m);
    double zpc = 0, zfa = 0;
    for (size_t i = 0; i < p; i++) {
        double sdp = ref_get(&d->ref, "pa_pc_sim_sd", (int)i, 0);
        double sdf = ref_get(&d->ref, "pa_fa_sim_sd", (int)i, 0);
        zpc = fmax(zpc, near(d, "pa_pc_sim95", (int)i, 0, pa.pc_sim95[i],
                             1.5 * sdp) / sdp);
        zfa = fmax(zfa, near(d, "pa_fa_sim95", (int)i, 0, pa.fa_sim95[i],
                             1.5 * sdf) / sdf);
    }
    report(d, "parallel pc 95% (in sd units)", zpc);
    report(d, "parallel fa 95% (in sd units)", zfa);
    near(d, "pa_nfact", 0, 0, pa.nfactors, 0);
    near(d, "pa_ncomp", 0, 0, pa.ncomponents, 0);
    val_parallel_free(&pa);
}

static void test_cfa(void **state)
{
    ds_t *d = *state;
    size_t p = d->p, m = d->nf;
    /* complete cases through the complete-case accumulator */
    stats_cov_t *c = table_cov(&d->items, 1);
    double *cov = malloc(p * p * sizeof *cov);
    val_cov_from_stats(c, cov);
    val_cfa_t f;
    assert_int_equal(val_cfa_init(&f, p, m), VAL_OK);
    assert_int_equal(val_cfa(cov, stats_cov_n(c), d->factor_of, &f), VAL_OK);
    near(d, "cfa_n", 0, 0, f.n, 0);
    near(d, "cfa_df", 0, 0, f.df, 0);
    near(d, "cfa_baseline_df", 0, 0, f.baseline_df, 0);
    double mx = near(d, "cfa_chisq", 0, 0, f.chisq, 1e-4);
    mx = fmax(mx, near(d, "cfa_baseline_chisq", 0, 0, f.baseline_chisq, 1e-4));
    report(d, "CFA chisq, baseline chisq", mx);
    mx = near(d, "cfa_pvalue", 0, 0, f.pvalue, 1e-4);
    mx = fmax(mx, near(d, "cfa_cfi", 0, 0, f.cfi, 1e-4));
    mx = fmax(mx, near(d, "cfa_tli", 0, 0, f.tli, 1e-4));
    mx = fmax(mx, near(d, "cfa_rmsea", 0, 0, f.rmsea, 1e-4));
    mx = fmax(mx, near(d, "cfa_rmsea_ci_lower", 0, 0, f.rmsea_ci_low, 1e-4));
    mx = fmax(mx, near(d, "cfa_rmsea_ci_upper", 0, 0, f.rmsea_ci_high, 1e-4));
    mx = fmax(mx, near(d, "cfa_srmr", 0, 0, f.srmr, 1e-4));
    report(d, "CFA p, CFI, TLI, RMSEA+CI, SRMR", mx);
    mx = near_vec(d, "cfa_loading", f.loadings, p, 1e-4);
    mx = fmax(mx, near_vec(d, "cfa_residual", f.residual, p, 1e-4));
    for (size_t k = 0; k < m; k++)
        for (size_t l = 0; l < m; l++)
            mx = fmax(mx, near(d, "cfa_phi", (int)k, (int)l, f.phi[k * m + l], 1e-4));
    report(d, "CFA estimates (lambda, theta, phi)", mx);
    mx = near_vec(d, "cfa_std_loading", f.std_loadings, p, 1e-4);
    report(d, "CFA std.all loadings", mx);
    mx = near_vec(d, "cfa_omega", f.omega, m, 1e-4);
    mx = fmax(mx, near_vec(d, "cfa_ave", f.ave, m, 1e-4));
    report(d, "CFA omega, AVE", mx);
    val_cfa_free(&f);
    free(cov);
    stats_cov_free(c);
}

/* ------------------------------------------------------------------ */

static void test_pair_accumulator(void **state)
{
    (void)state;
    /* R: x <- c(1,2,NA,4,5); y <- c(2,NA,3,5,4); z <- c(1,1,2,2,NA)
     * cor(cbind(x,y,z), use = "pairwise") */
    const double rows[5][3] = {{1, 2, 1}, {2, NAN, 1}, {NAN, 3, 2},
                               {4, 5, 2}, {5, 4, NAN}};
    val_pair_t *a = val_pair_new(3);
    for (int i = 0; i < 5; i++)
        val_pair_add(a, rows[i]);
    double r[9];
    assert_int_equal(val_pair_cor(a, r), VAL_OK);
    assert_true(fabs(r[1] - 0.8386278693775346) < 1e-14);  /* x,y n=3 */
    assert_true(fabs(r[2] - 0.9449111825230680) < 1e-14);  /* x,z n=3 */
    assert_true(fabs(r[5] - 0.7559289460184545) < 1e-14);  /* y,z n=3 */
    assert_true(val_pair_count(a, 0, 1) == 3 && val_pair_rows(a) == 5);
    val_pair_free(a);
    /* a constant item: its correlations are undefined */
    a = val_pair_new(2);
    const double c[3][2] = {{1, 1}, {1, 2}, {1, 3}};
    for (int i = 0; i < 3; i++)
        val_pair_add(a, c[i]);
    assert_int_equal(val_pair_cor(a, r), VAL_EUNDEF);
    assert_true(isnan(r[1]));
    val_pair_free(a);
    val_pair_free(NULL);
}

static void test_singular(void **state)
{
    (void)state;
    const double r[9] = {1, 1, 0, 1, 1, 0, 0, 0, 1};
    double kmo, items[3], chisq, df, pv;
    assert_int_equal(val_kmo(r, 3, &kmo, items), VAL_ESINGULAR);
    assert_true(isnan(kmo));
    assert_int_equal(val_bartlett(r, 3, 100, &chisq, &df, &pv), VAL_ESINGULAR);
    val_efa_t e;
    assert_int_equal(val_efa_init(&e, 3, 3), VAL_OK);
    assert_int_equal(val_efa(r, &e), VAL_EARG); /* 3 factors of 3 items */
    val_efa_free(&e);
}

TEST_MAIN(
    cmocka_unit_test(test_pair_accumulator),
    cmocka_unit_test(test_singular),
    cmocka_unit_test_setup_teardown(test_correlation_kmo_bartlett, setup_demo, ds_teardown),
    cmocka_unit_test_setup_teardown(test_correlation_kmo_bartlett, setup_bfi, ds_teardown),
    cmocka_unit_test_setup_teardown(test_efa, setup_demo, ds_teardown),
    cmocka_unit_test_setup_teardown(test_efa, setup_bfi, ds_teardown),
    cmocka_unit_test_setup_teardown(test_efa, setup_heywood, ds_teardown),
    cmocka_unit_test_setup_teardown(test_cfa, setup_demo, ds_teardown),
    cmocka_unit_test_setup_teardown(test_cfa, setup_bfi, ds_teardown),
    cmocka_unit_test_setup_teardown(test_parallel, setup_demo, ds_teardown),
    cmocka_unit_test_setup_teardown(test_parallel, setup_bfi, ds_teardown))
