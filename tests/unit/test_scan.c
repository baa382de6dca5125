/*
 * test_scan.c -- cmocka tests of analysis/scan.c through its public entry
 * (scan_init, scan_run) on a scratch database: which group an answer to
 * the grouping question falls in, the choice names "0" .. "99" (read from
 * a direct table) agreeing with the others (read through a hash) on
 * near misses ("07", "+7", " 7", "007"), repeated names and names absent
 * from the list; and the comments kept per group not depending on the
 * order the responses are read in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/scan.h"
#include "tests/unit/testdb.h"
#include "tests/unit/testmain.h"

/* The grouping question grp (position 0) and a comment (position 1). */
static const char form_csv[] =
    "survey,,,\n,type,name,label\n,select_one g,grp,Group\n,text,comment,Comment\n"
    "choices,,,\n,list_name,name,label\n"
    ",g,a,A\n,g,07,Oh seven\n,g,7,Seven\n,g,3,Three\n,g,12,Twelve\n,g,0,Zero\n,g,x3,Renamed\n"
    "settings,,,\n,form_id,version,role\n,scantest,1,staff\n";

/* The first choice of l named text, -1 none: what a choice name means
 * (the form refuses repeated names; a repeated one keeps its first). */
static int first_named(const form_list_t *l, const char *text)
{
    for (size_t c = 0; c < l->nchoices; c++)
        if (strcmp(l->choices[c].name, text) == 0)
            return (int)c;
    return -1;
}

/* Stores n responses answering grp with text (with its number when it is
 * a plain integer, as an import stores it) and the comment, if any. */
static void add(testdb_t *t, const int *ids, const char *text, int n, const char *comment)
{
    err_t err = {0};
    char *end;
    long v = strtol(text, &end, 10);
    int num = *text && !*end && text[0] != '+' && text[0] != ' ';
    store_answer_t a[2] = {{ids[0], num, (double)v, text}, {ids[1], 0, 0, comment}};
    assert_int_equal(store_begin(t->s, &err), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(store_response_add(t->s, t->form, t->wave, t->unit, "2026-02-12", "import",
                                            a, comment ? 2 : 1, &err), 0);
    assert_int_equal(store_commit(t->s, &err), 0);
}

static void scan_by_grp(testdb_t *t, scan_t *sc)
{
    err_t err = {0};
    memset(sc, 0, sizeof *sc);
    scan_init(sc, t->f, t->f->lists[0].nchoices, 0, NULL, 0, 0);
    if (scan_run(sc, t->s, t->f->form_id, t->wave, &err) != 0)
        fail_msg("scan_run: %s", err.msg);
}

/* Respondents per group equal the answers' first choices so named, the
 * table's names and the hashed ones alike. */
static void test_group_of_answer(void **state)
{
    (void)state;
    testdb_t t;
    int *ids;
    size_t nids;
    err_t err = {0};
    testdb_open(&t, form_csv, "Unit one");
    assert_int_equal(store_item_ids(t.s, t.form, &ids, &nids, &err), 0);
    /* a repeated name, which the scan's form can hold (units_fill_form
     * gives the unit question one when two of the form's choices name the
     * same unit): "3" twice, through the list's public rebuild */
    static const char *const names[] = {"a", "07", "7", "3", "12", "0", "3"};
    static const char *const labels[] = {"A", "Oh seven", "Seven", "Three", "Twelve", "Zero",
                                         "Three again"};
    form_list_t *l = &t.f->lists[0];
    assert_int_equal(first_named(l, "x3"), 6);
    form_list_replace(t.f, 0, names, labels, 7);
    assert_int_equal(l->nchoices, 7);
    assert_int_equal(first_named(l, "x3"), -1);
    const char *texts[] = {"7", "07", "3", "a", "12", "0", "5", "70", "99", "007",
                           " 7", "+7", "x3", "A", "3 ", "12a", "100", "1"};
    size_t ntexts = sizeof texts / sizeof *texts;
    long want[8] = {0}, total = 0;
    for (size_t k = 0; k < ntexts; k++) {
        int n = (int)k + 1;   /* a count of its own for each text */
        add(&t, ids, texts[k], n, NULL);
        int c = first_named(l, texts[k]);
        if (c >= 0)
            want[c] += n;
        total += n;
    }
    assert_int_equal(want[6], 0);   /* "3" is choice 3's */
    scan_t sc;
    scan_by_grp(&t, &sc);
    assert_int_equal(sc.respondents, total);
    for (size_t c = 0; c < l->nchoices; c++)
        if (sc.gn[c] != want[c])
            fail_msg("choice %zu (%s): %ld respondents, want %ld", c, l->choices[c].name, sc.gn[c],
                     want[c]);
    scan_free(&sc);
    free(ids);
    testdb_close(&t);
}

/* The comments kept for a group, and their order, are the same whichever
 * order the responses are read in (ids from two seeds), repeated texts
 * and more comments than are kept included. */
static void test_comments_order_free(void **state)
{
    (void)state;
    char *kept[2][RES_COMMENTS_KEPT];
    size_t nkept[2];
    for (int run = 0; run < 2; run++) {
        testdb_t t;
        int *ids;
        size_t nids;
        err_t err = {0};
        testdb_open(&t, form_csv, "Unit one");
        assert_int_equal(store_item_ids(t.s, t.form, &ids, &nids, &err), 0);
        store_id_seed(t.s, run ? 99 : 1);
        for (int i = 0; i < 3 * RES_COMMENTS_KEPT; i++) {
            char text[32];
            snprintf(text, sizeof text, "comment %d", run ? i : 3 * RES_COMMENTS_KEPT - 1 - i);
            add(&t, ids, "7", 1, text);
            if (i % 4 == 0)
                add(&t, ids, "7", 3, "the same again");
        }
        scan_t sc;
        scan_by_grp(&t, &sc);
        nkept[run] = sc.ncomments[2];
        for (size_t c = 0; c < nkept[run]; c++)
            kept[run][c] = util_xstrdup(sc.comments[2 * RES_COMMENTS_KEPT + c]);
        scan_free(&sc);
        free(ids);
        testdb_close(&t);
    }
    assert_int_equal(nkept[0], RES_COMMENTS_KEPT);
    assert_int_equal(nkept[1], RES_COMMENTS_KEPT);
    for (size_t c = 0; c < RES_COMMENTS_KEPT; c++) {
        assert_string_equal(kept[0][c], kept[1][c]);
        free(kept[0][c]);
        free(kept[1][c]);
    }
}

TEST_MAIN(cmocka_unit_test(test_group_of_answer), cmocka_unit_test(test_comments_order_free))
