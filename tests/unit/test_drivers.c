/*
 * test_drivers.c -- cmocka tests of analysis/drivers.c against R.
 *
 * tests/r/validity_ref.R computed R^2, LMG (by its definition over all
 * subsets with lm(), as relaimpo's lmg), Johnson's relative weights, the
 * standardized betas and the zero-order r on two datasets committed under
 * tests/fixtures/validity/: drivers-demo (the demo's overall judgement, the
 * form's outcome, on its seven dimension scores, complete cases) and
 * drivers-swiss (R's swiss: Fertility on five predictors, relaimpo's own
 * example).  The rows go through a stats_cov_t as the streaming scan will
 * feed them; everything is compared to 1e-6 absolute and the largest
 * difference printed.
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

#include "analysis/drivers.h"
#include "analysis/stats.h"
#include "tests/unit/refdata.h"
#include "tests/unit/testmain.h"

static double check_vec(const char *ds, const ref_t *ref, const char *key,
                        const double *got, size_t k)
{
    double m = 0;
    for (size_t j = 0; j < k; j++) {
        double want = ref_get(ref, key, (int)j, 0);
        double d = fabs(got[j] - want);
        if (!(d <= 1e-6))
            fail_msg("%s: %s[%zu] got %.12g, R %.12g", ds, key, j, got[j], want);
        m = fmax(m, d);
    }
    return m;
}

/* state: the fixture directory name (cmocka prestate) */
static void test_dataset(void **state)
{
    const char *ds = *state;
    char path[256];
    table_t t;
    ref_t ref;
    snprintf(path, sizeof path, "tests/fixtures/validity/%s/drivers.csv", ds);
    assert_int_equal(table_load(path, &t), 0);
    snprintf(path, sizeof path, "tests/fixtures/validity/%s/expected.csv", ds);
    assert_int_equal(ref_load(path, &ref), 0);
    stats_cov_t *c = table_cov(&t, 0);
    size_t k = t.cols - 1;
    drv_result_t d;
    assert_int_equal(drv_init(&d, k), 0);
    assert_int_equal(drv_compute(c, &d), 0);
    assert_true(d.n == ref_get(&ref, "n", 0, 0));
    double m = fabs(d.r2 - ref_get(&ref, "r2", 0, 0));
    assert_true(m <= 1e-6);
    m = fmax(m, check_vec(ds, &ref, "lmg", d.lmg, k));
    m = fmax(m, check_vec(ds, &ref, "rw", d.rw, k));
    m = fmax(m, check_vec(ds, &ref, "beta", d.beta, k));
    m = fmax(m, check_vec(ds, &ref, "r", d.r, k));
    print_message("%-14s R2, LMG, RW, beta, r: max |diff| %.3g\n", ds, m);
    /* the shares: LMG and relative weights decompose R^2, Pratt too */
    double sl = 0, sr = 0, sp = 0;
    for (size_t j = 0; j < k; j++) {
        sl += d.lmg_share[j];
        sr += d.rw_share[j];
        sp += d.pratt_share[j];
    }
    assert_true(fabs(sl - 1) < 1e-12 && fabs(sr - 1) < 1e-12 &&
                fabs(sp - 1) < 1e-12);
    drv_free(&d);
    stats_cov_free(c);
    table_free(&t);
    ref_free(&ref);
}

static void test_degenerate(void **state)
{
    (void)state;
    drv_result_t d;
    assert_int_equal(drv_init(&d, 0), -1);
    assert_int_equal(drv_init(&d, DRV_MAX_PREDICTORS + 1), -1);
    assert_int_equal(drv_init(&d, 2), 0);
    /* x2 = 2 * x1: collinear predictors */
    stats_cov_t *c = stats_cov_new(3);
    const double rows[4][3] = {{1, 1, 2}, {2, 2, 4}, {2, 3, 6}, {4, 4, 8}};
    for (int i = 0; i < 4; i++)
        stats_cov_add(c, rows[i]);
    assert_int_equal(drv_compute(c, &d), -1);
    assert_true(isnan(d.r2) && isnan(d.lmg[0]));
    stats_cov_free(c);
    /* a constant outcome */
    c = stats_cov_new(3);
    const double flat[4][3] = {{1, 1, 2}, {1, 2, 1}, {1, 3, 6}, {1, 4, 3}};
    for (int i = 0; i < 4; i++)
        stats_cov_add(c, flat[i]);
    assert_int_equal(drv_compute(c, &d), -1);
    stats_cov_free(c);
    drv_free(&d);
    drv_free(NULL);
}

TEST_MAIN(
    cmocka_unit_test_prestate(test_dataset, "drivers-demo"),
    cmocka_unit_test_prestate(test_dataset, "drivers-swiss"),
    cmocka_unit_test(test_degenerate))
