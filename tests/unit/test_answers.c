/*
 * Unit tests for survey/answers: the group commit of the web server
 * (ans_submit_many) and the select_one answers that borrow their choice's
 * name.  A batch is one transaction, but each submission in it must keep
 * ans_submit's all-or-nothing: a spent code or a bad row undoes that one
 * submission only, and the others are stored with their codes spent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/answers.h"
#include "survey/form.h"
#include "survey/store.h"
#include "survey/token.h"
#include "tests/unit/testdb.h"
#include "tests/unit/testmain.h"

static const char form_csv[] =
    "survey,,,\n"
    ",type,name,label\n"
    ",select_one agree,q1,Q1\n"
    ",select_one site,site,Site\n"
    ",text,comment,Comment\n"
    "choices,,,\n"
    ",list_name,name,label\n"
    ",agree,1,Disagree\n"
    ",agree,2,Neutral\n"
    ",agree,3,Agree\n"
    /* more than 8 choices, out of order: looked up by binary search */
    ",site,k7,K7\n,site,b2,B2\n,site,z1,Z1\n,site,a3,A3\n,site,m4,M4\n"
    ",site,c9,C9\n,site,y0,Y0\n,site,d2,D2\n,site,x5,X5\n"
    "settings,,,\n"
    ",form_id,version,role\n"
    ",batch,1,staff\n";

typedef struct {
    testdb_t db;
    int *ids;
    size_t nids;
} fixture_t;

static int setup(void **state)
{
    fixture_t *x = util_xcalloc(1, sizeof *x);
    testdb_open(&x->db, form_csv, "U01");
    err_t err = {0};
    assert_int_equal(store_item_ids(x->db.s, x->db.form, &x->ids, &x->nids, &err), 0);
    testdb_codes(&x->db, 4);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *x = *state;
    testdb_close(&x->db);
    free(x->ids);
    free(x);
    return 0;
}

static long count(const fixture_t *x, const char *sql)
{
    return testdb_count(&x->db, sql);
}

static ans_t *answers(const fixture_t *x, const char *q1, const char *site, const char *comment)
{
    ans_t *a = ans_new(x->db.f);
    err_t m = {0};
    assert_int_equal(ans_set(a, 0, q1, &m), 0);
    assert_int_equal(ans_set(a, 1, site, &m), 0);
    assert_int_equal(ans_set(a, 2, comment, &m), 0);
    return a;
}

/* Five submissions in one batch: two good, one whose code another in the
 * same batch already spent, one with a code that was spent before, one
 * whose row breaks a foreign key.  Only the good ones are stored, once,
 * with their codes spent; the failures are undone alone. */
static void test_batch_isolates_failures(void **state)
{
    fixture_t *x = *state;
    err_t err = {0};
    assert_int_equal(store_token_use(x->db.s, "h3", &err), 0);   /* spent earlier */
    ans_t *a[5] = {
        answers(x, "3", "k7", "first"), answers(x, "1", "a3", "same code again"),
        answers(x, "2", "y0", "second"), answers(x, "2", "z1", "spent before"),
        answers(x, "1", "b2", "bad wave"),
    };
    ans_submission_t sub[5] = {
        {a[0], x->db.form, x->ids, x->db.wave, x->db.unit, "web", "h0", NULL, 0, {0}},
        {a[1], x->db.form, x->ids, x->db.wave, x->db.unit, "web", "h0", NULL, 0, {0}},
        {a[2], x->db.form, x->ids, x->db.wave, x->db.unit, "web", "h1", NULL, 0, {0}},
        {a[3], x->db.form, x->ids, x->db.wave, x->db.unit, "web", "h3", NULL, 0, {0}},
        /* no such wave: the response row fails its foreign key */
        {a[4], x->db.form, x->ids, x->db.wave + 99, x->db.unit, "web", "h2", NULL, 0, {0}},
    };
    ans_submission_t *p[5] = {&sub[0], &sub[1], &sub[2], &sub[3], &sub[4]};
    ans_submit_many(x->db.s, p, 5);
    assert_int_equal(sub[0].rc, 0);
    assert_int_equal(sub[1].rc, 1);
    assert_int_equal(sub[2].rc, 0);
    assert_int_equal(sub[3].rc, 1);
    assert_int_equal(sub[4].rc, -1);
    assert_int_equal(sub[4].err.code, ERR_DB);
    assert_non_null(sub[4].err.msg);
    assert_int_equal(count(x, "SELECT count(*) FROM responses"), 2);
    assert_int_equal(count(x, "SELECT count(*) FROM answers"), 6);
    assert_int_equal(count(x, "SELECT count(*) FROM answers WHERE text IN ('first', 'second')"), 2);
    /* h0, h1 spent by the batch, h3 before it; h2's submission was undone,
     * so its code is still good */
    assert_int_equal(count(x, "SELECT count(*) FROM tokens WHERE used"), 3);
    assert_int_equal(count(x, "SELECT used FROM tokens WHERE hash = 'h2'"), 0);
    /* the Likert answer's number and the site's name reached the store */
    assert_int_equal(count(x, "SELECT sum(num) FROM answers WHERE num IS NOT NULL"), 5);
    assert_int_equal(count(x, "SELECT count(*) FROM answers WHERE text IN ('k7', 'y0')"), 2);
    for (int i = 0; i < 5; i++) {
        err_clear(&sub[i].err);
        ans_free(a[i]);
    }
}

/* A batch of one goes through ans_submit unchanged. */
static void test_batch_of_one(void **state)
{
    fixture_t *x = *state;
    ans_t *a = answers(x, "2", "m4", "alone");
    ans_submission_t sub = {a, x->db.form, x->ids, x->db.wave, x->db.unit, "web", "h2", NULL, 0,
                            {0}};
    ans_submission_t *p = &sub;
    ans_submit_many(x->db.s, &p, 1);
    assert_int_equal(sub.rc, 0);
    ans_submit_many(x->db.s, &p, 1);
    assert_int_equal(sub.rc, 1);   /* the code is spent now */
    assert_int_equal(count(x, "SELECT count(*) FROM responses"), 1);
    err_clear(&sub.err);
    ans_free(a);
}

/* select_one answers: a name found as typed or trimmed, "3.0" for choice
 * "3", every choice of a long unsorted list, nothing else. */
static void test_select_one(void **state)
{
    fixture_t *x = *state;
    ans_t *a = ans_new(x->db.f);
    err_t m = {0};
    assert_int_equal(ans_set(a, 0, " 3 ", &m), 0);
    assert_string_equal(ans_get(a, 0), "3");
    assert_int_equal(ans_set(a, 0, "2.0", &m), 0);
    assert_string_equal(ans_get(a, 0), "2");
    assert_int_equal(ans_set(a, 0, "4", &m), -1);
    assert_non_null(m.msg);
    err_clear(&m);
    assert_string_equal(ans_get(a, 0), "2");   /* the old answer is kept */
    static const char *const sites[] = {"k7", "b2", "z1", "a3", "m4", "c9", "y0", "d2", "x5"};
    for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++) {
        assert_int_equal(ans_set(a, 1, sites[i], &m), 0);
        assert_string_equal(ans_get(a, 1), sites[i]);
    }
    static const char *const not_sites[] = {"a0", "k8", "zz", "K7", "b"};
    for (size_t i = 0; i < sizeof not_sites / sizeof not_sites[0]; i++) {
        assert_int_equal(ans_set(a, 1, not_sites[i], &m), -1);
        err_clear(&m);
    }
    assert_int_equal(ans_set(a, 1, "", &m), 0);
    assert_null(ans_get(a, 1));
    ans_free(a);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(test_batch_isolates_failures, setup, teardown),
    cmocka_unit_test_setup_teardown(test_batch_of_one, setup, teardown),
    cmocka_unit_test_setup_teardown(test_select_one, setup, teardown))
