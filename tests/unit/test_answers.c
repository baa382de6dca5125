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

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/answers.h"
#include "survey/form.h"
#include "survey/store.h"
#include "survey/token.h"

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
    char dir[64];
    char *path;
    store_t *s;
    form_t *f;
    int form, wave, unit, *ids;
    size_t nids;
} fixture_t;

static int setup(void **state)
{
    fixture_t *x = util_xcalloc(1, sizeof *x);
    strcpy(x->dir, "/tmp/gs-answers-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    x->path = util_fmt("%s/t.db", x->dir);
    char *err = NULL;
    assert_int_equal(store_open(x->path, 1, &x->s, &err), 0);
    util_diag_t d = {0};
    assert_int_equal(form_load_mem("t.csv", form_csv, strlen(form_csv), &x->f, &d), 0);
    util_diag_free(&d);
    int existed;
    assert_int_equal(store_form_add(x->s, x->f, &x->form, &existed, &err), 0);
    assert_int_equal(store_item_ids(x->s, x->form, &x->ids, &x->nids, &err), 0);
    assert_int_equal(store_wave_add(x->s, "2026", &x->wave, &err), 0);
    store_unit_t unit = {0, "U01", "U01", NULL, NULL, -1};
    assert_int_equal(store_unit_put(x->s, &unit, &err), 0);
    assert_int_equal(store_unit_find(x->s, "U01", &x->unit, &err), 0);
    for (int i = 0; i < 4; i++) {
        char hash[16];   /* "h" and any int: gcc -O1 checks the whole range */
        snprintf(hash, sizeof hash, "h%d", i);
        assert_int_equal(store_token_add(x->s, hash, x->form, x->unit, x->wave, &err), 0);
    }
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *x = *state;
    store_close(x->s);
    form_free(x->f);
    free(x->ids);
    char *cmd = util_fmt("rm -rf '%s'", x->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", x->dir);
    free(cmd);
    free(x->path);
    free(x);
    return 0;
}

static long count(const fixture_t *x, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(x->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static ans_t *answers(const fixture_t *x, const char *q1, const char *site, const char *comment)
{
    ans_t *a = ans_new(x->f);
    char *m = NULL;
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
    char *err = NULL;
    assert_int_equal(store_token_use(x->s, "h3", &err), 0);   /* spent earlier */
    ans_t *a[5] = {
        answers(x, "3", "k7", "first"), answers(x, "1", "a3", "same code again"),
        answers(x, "2", "y0", "second"), answers(x, "2", "z1", "spent before"),
        answers(x, "1", "b2", "bad wave"),
    };
    ans_submission_t sub[5] = {
        {a[0], x->form, x->ids, x->wave, x->unit, "web", "h0", NULL, 0, NULL},
        {a[1], x->form, x->ids, x->wave, x->unit, "web", "h0", NULL, 0, NULL},
        {a[2], x->form, x->ids, x->wave, x->unit, "web", "h1", NULL, 0, NULL},
        {a[3], x->form, x->ids, x->wave, x->unit, "web", "h3", NULL, 0, NULL},
        /* no such wave: the response row fails its foreign key */
        {a[4], x->form, x->ids, x->wave + 99, x->unit, "web", "h2", NULL, 0, NULL},
    };
    ans_submission_t *p[5] = {&sub[0], &sub[1], &sub[2], &sub[3], &sub[4]};
    ans_submit_many(x->s, p, 5);
    assert_int_equal(sub[0].rc, 0);
    assert_int_equal(sub[1].rc, 1);
    assert_int_equal(sub[2].rc, 0);
    assert_int_equal(sub[3].rc, 1);
    assert_int_equal(sub[4].rc, -1);
    assert_non_null(sub[4].err);
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
        free(sub[i].err);
        ans_free(a[i]);
    }
}

/* A batch of one goes through ans_submit unchanged. */
static void test_batch_of_one(void **state)
{
    fixture_t *x = *state;
    ans_t *a = answers(x, "2", "m4", "alone");
    ans_submission_t sub = {a, x->form, x->ids, x->wave, x->unit, "web", "h2", NULL, 0, NULL};
    ans_submission_t *p = &sub;
    ans_submit_many(x->s, &p, 1);
    assert_int_equal(sub.rc, 0);
    ans_submit_many(x->s, &p, 1);
    assert_int_equal(sub.rc, 1);   /* the code is spent now */
    assert_int_equal(count(x, "SELECT count(*) FROM responses"), 1);
    free(sub.err);
    ans_free(a);
}

/* select_one answers: a name found as typed or trimmed, "3.0" for choice
 * "3", every choice of a long unsorted list, nothing else. */
static void test_select_one(void **state)
{
    fixture_t *x = *state;
    ans_t *a = ans_new(x->f);
    char *m = NULL;
    assert_int_equal(ans_set(a, 0, " 3 ", &m), 0);
    assert_string_equal(ans_get(a, 0), "3");
    assert_int_equal(ans_set(a, 0, "2.0", &m), 0);
    assert_string_equal(ans_get(a, 0), "2");
    assert_int_equal(ans_set(a, 0, "4", &m), -1);
    assert_non_null(m);
    free(m);
    m = NULL;
    assert_string_equal(ans_get(a, 0), "2");   /* the old answer is kept */
    static const char *const sites[] = {"k7", "b2", "z1", "a3", "m4", "c9", "y0", "d2", "x5"};
    for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++) {
        assert_int_equal(ans_set(a, 1, sites[i], &m), 0);
        assert_string_equal(ans_get(a, 1), sites[i]);
    }
    static const char *const not_sites[] = {"a0", "k8", "zz", "K7", "b"};
    for (size_t i = 0; i < sizeof not_sites / sizeof not_sites[0]; i++) {
        assert_int_equal(ans_set(a, 1, not_sites[i], &m), -1);
        free(m);
        m = NULL;
    }
    assert_int_equal(ans_set(a, 1, "", &m), 0);
    assert_null(ans_get(a, 1));
    ans_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_batch_isolates_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_of_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select_one, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
