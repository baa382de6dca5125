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
#include "tests/unit/testmain.h"

#define MIN_N 5
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- suppress_small ---- */

static void test_small(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        long n[4];
        size_t ngroups;
        long total;              /* those in no group included */
        char hidden_in[4], hidden[4];
        size_t nhidden;
    } c[] = {
        /* 2 in no group: with the 3 hidden, a pool of 5 */
        {"a group under min_n is hidden", {10, 3, 12, 8}, 4, 35, {0}, {0, 1, 0, 0}, 1},
        /* the hidden 3 would be the total minus the shown: the next
         * smallest (10) goes with it */
        {"complement: the hidden hold fewer than min_n", {10, 3, 12}, 3, 25, {0}, {1, 1, 0}, 2},
        /* 3 skipped the question: the total minus the two groups */
        {"the ungrouped count as hidden", {10, 12}, 2, 25, {0}, {1, 0}, 1},
        /* a group of 8 hidden by the differencing defence, everyone
         * grouped: alone it would be the total minus the shown groups */
        {"one hidden group is never alone", {10, 8, 12}, 3, 30, {0, 1, 0}, {1, 1, 0}, 2},
        {"large and absent groups stay", {0, 10, 12, 5}, 4, 27, {0}, {0, 0, 0, 0}, 0},
    };
    for (size_t i = 0; i < N_OF(c); i++) {
        char hidden[4];
        memcpy(hidden, c[i].hidden_in, sizeof hidden);
        print_message("%s\n", c[i].what);
        assert_int_equal(suppress_small(c[i].n, c[i].ngroups, c[i].total, MIN_N, hidden), c[i].nhidden);
        assert_memory_equal(hidden, c[i].hidden, c[i].ngroups);
    }
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

static void test_linked(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        uint32_t rows[3][2];     /* seniors, juniors per unit */
        size_t ngroups, nested;
        char hidden[3];
    } c[] = {
        /* U1 = 8 seniors + 2 juniors: U1 minus "senior" is 2 people.  U1
         * goes, and U2 with it (one hidden group alone is the total minus
         * U2). */
        {"unit minus a level block", {{8, 2}, {0, 10}}, 2, 2, {1, 1}},
        /* U1 is exposed as above; U2 joins it in the pool (the
         * complement); the pool, 8 seniors and 32 juniors, and U3 then
         * reveal nobody */
        {"no more than needed", {{8, 2}, {0, 30}, {0, 30}}, 3, 2, {1, 1, 0}},
        /* 3 seniors: the level analysis hides them, and with them the
         * juniors (its complement), so it publishes the total alone:
         * nothing to subtract */
        {"blocks the other grouping hides are not used", {{3, 7}, {0, 10}}, 2, 0, {0, 0}},
        {"a safe table", {{5, 5}, {5, 5}, {6, 9}}, 3, 0, {0, 0, 0}},
    };
    for (size_t i = 0; i < N_OF(c); i++) {
        print_message("%s\n", c[i].what);
        check(c[i].rows, c[i].ngroups, c[i].nested, c[i].hidden);
    }
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

TEST_MAIN(
    cmocka_unit_test(test_small),
    cmocka_unit_test(test_linked),
    cmocka_unit_test(test_linked_union_of_blocks))
