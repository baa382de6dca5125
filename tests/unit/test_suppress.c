/*
 * test_suppress.c -- cmocka tests of analysis/suppress.c, the disclosure
 * control of an analysis, on group sizes and cross-count tables written by
 * hand (no store, no scan).  min_n is 5 throughout.
 *
 * suppress_small: a group under min_n is hidden; when the hidden groups
 * and the respondents in no group hold fewer than min_n, the next smallest
 * group is hidden too; one hidden group alone is never left when everyone
 * is in a group; absent groups (n = 0) are never hidden.
 *
 * suppress_linked: the differencing defence against another grouping
 * (here "level": senior, junior).  A unit minus the seniors who lie wholly
 * inside it must not leave 1..4 people, nor a unit minus two level blocks
 * (a union); the same with the level grouping's counts as pairs (the path
 * for groupings with many groups); blocks the other grouping does not
 * publish are not used; a safe table hides nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "analysis/suppress.h"

#define MIN_N 5
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- suppress_small ---- */

static void test_small_group_hidden(void **state)
{
    (void)state;
    long n[] = {10, 3, 12, 8};
    char hidden[4] = {0};
    /* 2 respondents in no group: with the 3 hidden, a pool of 5 */
    assert_int_equal(suppress_small(n, 4, 35, MIN_N, hidden), 1);
    assert_memory_equal(hidden, ((char[]){0, 1, 0, 0}), 4);
}

static void test_complement(void **state)
{
    (void)state;
    /* the hidden 3 would be the total minus the shown: the next smallest
     * (10) goes with it */
    long n[] = {10, 3, 12};
    char hidden[3] = {0};
    assert_int_equal(suppress_small(n, 3, 25, MIN_N, hidden), 2);
    assert_memory_equal(hidden, ((char[]){1, 1, 0}), 3);
}

static void test_ungrouped_count_as_hidden(void **state)
{
    (void)state;
    /* 3 skipped the question: the total minus the two groups */
    long n[] = {10, 12};
    char hidden[2] = {0};
    assert_int_equal(suppress_small(n, 2, 25, MIN_N, hidden), 1);
    assert_memory_equal(hidden, ((char[]){1, 0}), 2);
}

static void test_one_hidden_never_alone(void **state)
{
    (void)state;
    /* a group of 8 hidden by the differencing defence, everyone grouped:
     * alone it would be the total minus the shown groups */
    long n[] = {10, 8, 12};
    char hidden[3] = {0, 1, 0};
    assert_int_equal(suppress_small(n, 3, 30, MIN_N, hidden), 2);
    assert_memory_equal(hidden, ((char[]){1, 1, 0}), 3);
}

static void test_large_and_absent_groups_shown(void **state)
{
    (void)state;
    long n[] = {0, 10, 12, 5};
    char hidden[4] = {0};
    assert_int_equal(suppress_small(n, 4, 27, MIN_N, hidden), 0);
    assert_memory_equal(hidden, ((char[]){0, 0, 0, 0}), 4);
}

/* ---- suppress_linked ---- */

/* Units against one other grouping with two groups (senior, junior),
 * dense: xrow holds each unit's seniors and juniors. */
typedef struct {
    size_t xsize[1], xtoff[2], xoff[1], xsp_at[8];
    long xtot[2];
    uint32_t xrow[16];
    suppress_pair_t xsp[16];
    suppress_cross_t x;
} table_t;

/* rows[g] = {seniors, juniors} of unit g; sparse: as pairs instead (a
 * grouping's counts are in one place or the other, never both). */
static void table(table_t *t, const uint32_t (*rows)[2], size_t ngroups, int sparse)
{
    memset(t, 0, sizeof *t);
    t->xsize[0] = 2;
    t->xtoff[1] = 2;
    size_t np = 0;
    for (size_t g = 0; g < ngroups; g++) {
        t->xsp_at[g] = np;
        for (size_t h = 0; h < 2; h++) {
            t->xtot[h] += rows[g][h];
            t->xrow[g * 2 + h] = rows[g][h];
            if (sparse && rows[g][h])
                t->xsp[np++] = (suppress_pair_t){(uint32_t)g, 0, (uint32_t)h, rows[g][h]};
        }
    }
    t->xsp_at[ngroups] = np;
    t->xoff[0] = sparse ? SUPPRESS_SPARSE : 0;
    t->x = (suppress_cross_t){1, t->xsize, t->xtoff, t->xtot, t->xoff, sparse ? 0 : 2,
                              t->xrow, t->xsp, t->xsp_at};
}

/* Runs both rules as an analysis does, with the level counts dense and
 * as pairs: suppress_linked hides want_nested groups, want_hidden[] in
 * all. */
static void check(const uint32_t (*rows)[2], size_t ngroups, size_t want_nested, const char *want_hidden)
{
    for (int sparse = 0; sparse < 2; sparse++) {
        table_t t;
        long n[8], total = 0;
        char hidden[8] = {0};
        table(&t, rows, ngroups, sparse);
        for (size_t g = 0; g < ngroups; g++) {
            n[g] = (long)(rows[g][0] + rows[g][1]);
            total += n[g];
        }
        suppress_small(n, ngroups, total, MIN_N, hidden);
        assert_int_equal(suppress_linked(n, ngroups, total, MIN_N, &t.x, hidden), want_nested);
        assert_memory_equal(hidden, want_hidden, ngroups);
    }
}

static void test_linked_unit_minus_level(void **state)
{
    (void)state;
    /* U1 = 8 seniors + 2 juniors: U1 minus "senior" is 2 people.  U1 goes,
     * and U2 with it (one hidden group alone is the total minus U2). */
    static const uint32_t rows[][2] = {{8, 2}, {0, 10}};
    check(rows, 2, 2, (char[]){1, 1});
}

static void test_linked_hides_only_what_it_must(void **state)
{
    (void)state;
    /* U1 is exposed as above; U2 joins it in the pool (the complement);
     * the pool, 8 seniors and 32 juniors, and U3 then reveal nobody */
    static const uint32_t rows[][2] = {{8, 2}, {0, 30}, {0, 30}};
    check(rows, 3, 2, (char[]){1, 1, 0});
}

static void test_linked_union_of_blocks(void **state)
{
    (void)state;
    /* the other grouping has three groups here: U1 = 6 seniors + 6 middle
     * + 2 juniors, U2 = 20 juniors; U1 minus senior minus middle is 2 */
    size_t xsize[] = {3}, xtoff[] = {0, 3}, xoff[] = {0}, xsp_at[] = {0, 0, 0};
    long xtot[] = {6, 6, 22}, n[] = {14, 20};
    uint32_t xrow[] = {6, 6, 2, 0, 0, 20};
    suppress_cross_t x = {1, xsize, xtoff, xtot, xoff, 3, xrow, NULL, xsp_at};
    char hidden[2] = {0};
    suppress_small(n, 2, 34, MIN_N, hidden);
    assert_int_equal(suppress_linked(n, 2, 34, MIN_N, &x, hidden), 2);
    assert_memory_equal(hidden, ((char[]){1, 1}), 2);
}

static void test_linked_unpublished_blocks_unused(void **state)
{
    (void)state;
    /* 3 seniors: the level analysis hides them, and with them the juniors
     * (its complement), so it publishes the total alone: nothing to
     * subtract */
    static const uint32_t rows[][2] = {{3, 7}, {0, 10}};
    check(rows, 2, 0, (char[]){0, 0});
}

static void test_linked_safe_table(void **state)
{
    (void)state;
    static const uint32_t rows[][2] = {{5, 5}, {5, 5}, {6, 9}};
    check(rows, 3, 0, (char[]){0, 0, 0});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_group_hidden),
        cmocka_unit_test(test_complement),
        cmocka_unit_test(test_ungrouped_count_as_hidden),
        cmocka_unit_test(test_one_hidden_never_alone),
        cmocka_unit_test(test_large_and_absent_groups_shown),
        cmocka_unit_test(test_linked_unit_minus_level),
        cmocka_unit_test(test_linked_hides_only_what_it_must),
        cmocka_unit_test(test_linked_union_of_blocks),
        cmocka_unit_test(test_linked_unpublished_blocks_unused),
        cmocka_unit_test(test_linked_safe_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
