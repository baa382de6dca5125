/*
 * test_careless.c -- cmocka tests of analysis/careless.c: hand-made cases
 * for longstring, IRV and straight-lining, and R's values (rle, sd,
 * mahalanobis, pchisq in tests/r/validity_ref.R) on the first 30
 * respondents of the demo and bfi fixtures, with the Mahalanobis reference
 * built from the complete cases through stats_cov_t.  Tolerance 1e-9
 * (relative for D^2).
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

#include "analysis/careless.h"
#include "analysis/stats.h"
#include "tests/unit/refdata.h"
#include "tests/unit/testmain.h"

static void test_by_hand(void **state)
{
    (void)state;
    const double a[] = {3, 3, 3, NAN, 3, 3, 2, 2, 2, 2};
    assert_int_equal(careless_longstring(a, 10), 4);
    assert_int_equal(careless_longstring(a, 3), 3);
    assert_int_equal(careless_longstring(a + 3, 1), 0);
    assert_int_equal(careless_straightline(a, 6), 1);
    assert_int_equal(careless_straightline(a, 7), 0);
    assert_int_equal(careless_straightline(a, 1), 0); /* one answer */
    assert_true(isnan(careless_irv(a + 3, 2)));        /* NA, 3 */
    /* sd(c(3,3,3,3,3,2,2,2,2)) */
    assert_true(fabs(careless_irv(a, 10) - 0.52704627669472992) < 1e-15);
}

/* state: the fixture directory name (cmocka prestate) */
static void test_dataset(void **state)
{
    const char *ds = *state;
    char path[256];
    table_t t;
    ref_t ref;
    snprintf(path, sizeof path, "tests/fixtures/validity/%s/items.csv", ds);
    assert_int_equal(table_load(path, &t), 0);
    snprintf(path, sizeof path, "tests/fixtures/validity/%s/expected.csv", ds);
    assert_int_equal(ref_load(path, &ref), 0);
    size_t p = t.cols;
    stats_cov_t *c = table_cov(&t, 1);
    careless_maha_t *m = careless_maha_new(c);
    assert_non_null(m);
    double md = 0;
    for (int i = 0; i < 30; i++) {
        const double *x = t.v + (size_t)i * p;
        assert_true(careless_longstring(x, p) ==
                    ref_get(&ref, "careless_longstring", i, 0));
        double irv = careless_irv(x, p), d2, pv;
        md = fmax(md, fabs(irv - ref_get(&ref, "careless_irv", i, 0)));
        int rc = careless_maha(m, x, &d2, &pv);
        double w = ref_get(&ref, "careless_d2", i, 0);
        if (isnan(w)) {
            assert_int_equal(rc, -1);
            assert_true(isnan(d2) && isnan(pv));
            continue;
        }
        assert_int_equal(rc, 0);
        md = fmax(md, fabs(d2 - w) / w);
        md = fmax(md, fabs(pv - ref_get(&ref, "careless_d2_p", i, 0)));
    }
    assert_true(md < 1e-9);
    print_message("%-6s longstring exact; IRV, D2 (rel), p: max diff %.3g\n",
                  ds, md);
    careless_maha_free(m);
    stats_cov_free(c);
    table_free(&t);
    ref_free(&ref);
}

static void test_singular(void **state)
{
    (void)state;
    stats_cov_t *c = stats_cov_new(2);
    const double rows[3][2] = {{1, 2}, {2, 4}, {3, 6}};
    for (int i = 0; i < 3; i++)
        stats_cov_add(c, rows[i]);
    assert_null(careless_maha_new(c));
    stats_cov_free(c);
    careless_maha_free(NULL);
}

TEST_MAIN(
    cmocka_unit_test(test_by_hand),
    cmocka_unit_test_prestate(test_dataset, "demo"),
    cmocka_unit_test_prestate(test_dataset, "bfi"),
    cmocka_unit_test(test_singular))
