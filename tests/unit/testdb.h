/*
 * testdb: what the unit tests that need a database share: a scratch
 * directory with a fresh store holding one form, wave "2026" and unit
 * "U01", a number from a query run on its own connection (so it sees only
 * what was committed), and removing it all.  Include after cmocka.h.
 */
#ifndef GS_TESTDB_H
#define GS_TESTDB_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "survey/form.h"
#include "survey/store.h"

typedef struct {
    char dir[64];
    char *path;      /* DIR/t.db */
    store_t *s;
    form_t *f;       /* the form as loaded */
    int form, wave, unit;
} testdb_t;

/* form_csv is an XLSForm CSV; the unit is called unit_name. */
static inline void testdb_open(testdb_t *t, const char *form_csv, const char *unit_name)
{
    err_t err = {0};
    util_diag_t d = {0};
    int existed;
    memset(t, 0, sizeof *t);
    strcpy(t->dir, "/tmp/gs-test-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    t->path = util_fmt("%s/t.db", t->dir);
    assert_int_equal(store_open(t->path, 1, &t->s, &err), 0);
    assert_int_equal(form_load_mem("t.csv", form_csv, strlen(form_csv), &t->f, &d), 0);
    util_diag_free(&d);
    assert_int_equal(store_form_add(t->s, t->f, &t->form, &existed, &err), 0);
    assert_int_equal(store_wave_add(t->s, "2026", &t->wave, &err), 0);
    store_unit_t unit = {0, "U01", unit_name, NULL, NULL, -1};
    assert_int_equal(store_unit_put(t->s, &unit, &err), 0);
    assert_int_equal(store_unit_find(t->s, "U01", &t->unit, &err), 0);
}

/* Closes the store and removes the directory. */
static inline void testdb_close(testdb_t *t)
{
    store_close(t->s);
    form_free(t->f);
    char *cmd = util_fmt("rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
    free(cmd);
    free(t->path);
}

/* The first column of the first row of sql. */
static inline long testdb_count(const testdb_t *t, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

#endif
