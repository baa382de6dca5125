/*
 * Unit tests for base/rowgroup, which turns the same problem on many rows
 * into one message with the row list: groups by (column, message) in the
 * order of their first row, rows as ranges, both lists capped so that a
 * file of any size costs bounded memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rowgroup.h"
#include "tests/unit/testmain.h"

static void assert_rows(const rowgroup_t *g, size_t i, size_t max, const char *want)
{
    char *got = rowgroup_rows(g, i, max);
    assert_string_equal(got, want);
    free(got);
}

/* 23 rows with one unknown unit, two others: one group, "2-24", and the
 * others their own groups in the order of their first row. */
static void test_groups_and_ranges(void **state)
{
    (void)state;
    rowgroup_t *g = rowgroup_new(100, 10);
    for (long r = 2; r <= 24; r++)
        assert_int_equal(rowgroup_add(g, 1, "unit 'ZZ' is not known", r), r == 2 ? 1 : 0);
    assert_int_equal(rowgroup_add(g, 3, "'6' is not a choice of a1", 5), 1);
    assert_int_equal(rowgroup_add(g, 1, "unit 'ZZ' is not known", 31), 0);
    /* the same message in another column is another problem */
    assert_int_equal(rowgroup_add(g, 4, "unit 'ZZ' is not known", 31), 1);
    assert_int_equal(rowgroup_count(g), 3);
    rowgroup_item_t a = rowgroup_get(g, 0), b = rowgroup_get(g, 1), c = rowgroup_get(g, 2);
    assert_int_equal(a.col, 1);
    assert_int_equal(a.first, 2);
    assert_int_equal(a.rows, 24);
    assert_string_equal(a.msg, "unit 'ZZ' is not known");
    assert_rows(g, 0, 10, "2-24, 31");
    assert_int_equal(b.first, 5);
    assert_int_equal(b.rows, 1);
    assert_rows(g, 1, 10, "5");
    assert_int_equal(c.col, 4);
    assert_rows(g, 2, 10, "31");
    assert_int_equal(rowgroup_dropped(g), 0);
    rowgroup_free(g);
}

/* A row with the same problem twice counts once; rows that skip a line
 * (a cell holding a line break) start a new range. */
static void test_same_row_and_gaps(void **state)
{
    (void)state;
    rowgroup_t *g = rowgroup_new(10, 10);
    rowgroup_add(g, 2, "x", 3);
    rowgroup_add(g, 2, "x", 3);
    rowgroup_add(g, 2, "x", 4);
    rowgroup_add(g, 2, "x", 6);
    rowgroup_add(g, 2, "x", 7);
    assert_int_equal(rowgroup_get(g, 0).rows, 4);
    assert_rows(g, 0, 10, "3-4, 6-7");
    assert_rows(g, 0, 1, "3-4, ...");
    rowgroup_free(g);
}

/* Caps: ranges beyond max_ranges are counted, not listed; kinds beyond
 * max_groups are counted as dropped. */
static void test_caps(void **state)
{
    (void)state;
    rowgroup_t *g = rowgroup_new(2, 3);
    for (long r = 2; r < 2000; r += 2)
        rowgroup_add(g, 1, "every other row", r);
    assert_int_equal(rowgroup_get(g, 0).rows, 999);
    assert_rows(g, 0, 3, "2, 4, 6, ...");
    assert_rows(g, 0, 100, "2, 4, 6, ...");
    assert_int_equal(rowgroup_add(g, 1, "second", 5), 1);
    assert_int_equal(rowgroup_add(g, 1, "third", 6), -1);
    assert_int_equal(rowgroup_add(g, 2, "fourth", 7), -1);
    assert_int_equal(rowgroup_count(g), 2);
    assert_int_equal(rowgroup_dropped(g), 2);
    rowgroup_free(g);
    rowgroup_free(NULL);
}

/* Many kinds: each is found again however full the table is. */
static void test_many_kinds(void **state)
{
    (void)state;
    rowgroup_t *g = rowgroup_new(500, 4);
    char msg[32];
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < 500; k++) {
            snprintf(msg, sizeof msg, "'%d' is not a choice", k);
            assert_int_equal(rowgroup_add(g, k % 7, msg, 10 + pass), pass == 0 ? 1 : 0);
        }
    assert_int_equal(rowgroup_count(g), 500);
    for (size_t i = 0; i < 500; i++) {
        assert_int_equal(rowgroup_get(g, i).rows, 2);
        assert_rows(g, i, 4, "10-11");
    }
    rowgroup_free(g);
}

TEST_MAIN(
    cmocka_unit_test(test_groups_and_ranges),
    cmocka_unit_test(test_same_row_and_gaps),
    cmocka_unit_test(test_caps),
    cmocka_unit_test(test_many_kinds))
