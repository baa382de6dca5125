/*
 * Unit tests for survey/import: the import engine from the file to the
 * store.  A good file is stored whole; a file with one bad cell reports
 * that cell by line and column through the problem callback and stores
 * nothing, not even its good rows; a dry run stores nothing either; a file
 * that is not text stops the pass with a read error.
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

#include "survey/form.h"
#include "survey/import/import.h"
#include "survey/store.h"
#include "tests/unit/testdb.h"
#include "tests/unit/testmain.h"

static const char form_csv[] =
    "survey,,,\n"
    ",type,name,label\n"
    ",select_one agree,q1,Q1\n"
    ",text,comment,Comment\n"
    "choices,,,\n"
    ",list_name,name,label\n"
    ",agree,1,Disagree\n"
    ",agree,2,Neutral\n"
    ",agree,3,Agree\n"
    "settings,,,\n"
    ",form_id,version,role\n"
    ",imp,1,staff\n";

#define MAX_SEEN 8

typedef struct {
    testdb_t db;
    char file[96];       /* DIR/responses.csv */
    /* what the callbacks saw */
    long nproblems, line[MAX_SEEN], col[MAX_SEEN];
    int fatal[MAX_SEEN];
    int began, ended;
} fixture_t;

static int setup(void **state)
{
    fixture_t *x = util_xcalloc(1, sizeof *x);
    testdb_open(&x->db, form_csv, "第一单位");
    snprintf(x->file, sizeof x->file, "%s/responses.csv", x->db.dir);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *x = *state;
    testdb_close(&x->db);
    free(x);
    return 0;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void on_problem(void *ud, const import_problem_t *p)
{
    fixture_t *x = ud;
    assert_non_null(p->msg);
    if (x->nproblems < MAX_SEEN) {
        x->line[x->nproblems] = p->line;
        x->col[x->nproblems] = p->col;
        x->fatal[x->nproblems] = p->fatal;
    }
    x->nproblems++;
}

static void on_progress(void *ud, import_event_t ev, double frac, long rows)
{
    fixture_t *x = ud;
    assert_true(frac >= 0 && frac <= 1);
    assert_true(rows >= 0);
    x->began += ev == IMPORT_PASS_BEGIN;
    x->ended += ev == IMPORT_PASS_END;
}

static import_opts_t opts(fixture_t *x)
{
    import_opts_t o = {0};
    o.file = x->file;
    o.form_id = "imp";
    o.want = IMP_AUTO;
    o.encoding = ENC_AUTO;
    o.problem = on_problem;
    o.progress = on_progress;
    o.ud = x;
    return o;
}

/* Runs the three stages as `gapsurvey import` does; the stage that failed
 * (1 read, 2 check, 3 commit) or 0, with its message in *err. */
static int run(store_t *s, const import_opts_t *o, import_stats_t *st, err_t *err)
{
    import_t *im = import_new(s, o);
    int stage = import_read(im, err) != 0    ? 1
                : import_check(im, err) != 0 ? 2
                : import_commit(im, err) != 0 ? 3
                                              : 0;
    *st = *import_stats(im);
    st->rejects = NULL;   /* owned by im */
    import_free(im);
    return stage;
}

static void test_good_file_stored(void **state)
{
    fixture_t *x = *state;
    write_text(x->file, "unit,q1,comment\nU01,3,fine\n第一单位,1,\n,,\n");
    import_opts_t o = opts(x);
    import_stats_t st;
    err_t err = {0};
    assert_int_equal(run(x->db.s, &o, &st, &err), 0);
    assert_null(err.msg);
    assert_int_equal(x->nproblems, 0);
    assert_int_equal(x->began, 1);
    assert_int_equal(x->ended, 1);
    assert_int_equal(st.rows, 2);   /* the blank row is skipped */
    assert_int_equal(st.stored, 2);
    assert_int_equal(st.format, IMP_PLAIN);
    assert_int_equal(st.encoding, ENC_UTF8);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM responses"), 2);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM answers WHERE text = 'fine'"), 1);
    /* the same file again is refused, unless asked for */
    assert_int_equal(run(x->db.s, &o, &st, &err), 2);
    assert_non_null(strstr(err.msg, "was imported into imp before"));
    err_clear(&err);
    o.again = 1;
    assert_int_equal(run(x->db.s, &o, &st, &err), 0);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM responses"), 4);
}

static void test_bad_row_stores_nothing(void **state)
{
    fixture_t *x = *state;
    write_text(x->file, "unit,q1,comment\nU01,3,fine\nU01,7,out of range\nU01,2,\n");
    import_opts_t o = opts(x);
    import_stats_t st;
    err_t err = {0};
    assert_int_equal(run(x->db.s, &o, &st, &err), 2);
    assert_int_equal(x->nproblems, 1);
    assert_int_equal(x->line[0], 3);   /* responses.csv:3:2 */
    assert_int_equal(x->col[0], 2);
    assert_int_equal(x->fatal[0], 0);
    assert_int_equal(st.rows, 3);
    assert_int_equal(st.rejected, 1);
    assert_int_equal(st.errors, 1);
    char *want = util_fmt("nothing imported: 1 problem in %s", x->file);
    assert_string_equal(err.msg, want);
    free(want);
    err_clear(&err);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM responses"), 0);
}

static void test_unknown_unit_and_dry_run(void **state)
{
    fixture_t *x = *state;
    write_text(x->file, "unit,q1\nU01,2\nU99,1\n");
    import_opts_t o = opts(x);
    import_stats_t st;
    err_t err = {0};
    assert_int_equal(run(x->db.s, &o, &st, &err), 2);
    assert_int_equal(x->nproblems, 1);
    assert_int_equal(x->line[0], 3);
    assert_int_equal(x->col[0], 1);
    err_clear(&err);
    /* with create_units the unit is added; a dry run still stores nothing */
    o.create_units = 1;
    o.dry_run = 1;
    assert_int_equal(run(x->db.s, &o, &st, &err), 0);
    assert_int_equal(st.rows, 2);
    assert_int_equal(st.stored, 0);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM responses"), 0);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM units"), 1);
    o.dry_run = 0;
    assert_int_equal(run(x->db.s, &o, &st, &err), 0);
    assert_int_equal(st.created, 1);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM responses"), 2);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM units"), 2);
}

/* Not UTF-8 when told so: the pass stops with a read error, reported as
 * fatal with the reader's own position in the message. */
static void test_read_error(void **state)
{
    fixture_t *x = *state;
    write_text(x->file, "unit,q1\nU01,\xFF\n");
    import_opts_t o = opts(x);
    o.encoding = ENC_UTF8;
    import_stats_t st;
    err_t err = {0};
    assert_int_equal(run(x->db.s, &o, &st, &err), 2);
    assert_int_equal(x->nproblems, 1);
    assert_int_equal(x->fatal[0], 1);
    assert_int_equal(st.errors, 1);
    err_clear(&err);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM responses"), 0);
}

static void test_no_form(void **state)
{
    fixture_t *x = *state;
    write_text(x->file, "unit,q1\nU01,1\n");
    import_opts_t o = opts(x);
    o.form_id = "nosuch";
    import_stats_t st;
    err_t err = {0};
    assert_int_equal(run(x->db.s, &o, &st, &err), 1);
    assert_string_equal(err.msg, "no form 'nosuch'; 'gapsurvey form list' shows the stored ones");
    err_clear(&err);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(test_good_file_stored, setup, teardown),
    cmocka_unit_test_setup_teardown(test_bad_row_stores_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_unknown_unit_and_dry_run, setup, teardown),
    cmocka_unit_test_setup_teardown(test_read_error, setup, teardown),
    cmocka_unit_test_setup_teardown(test_no_form, setup, teardown))
