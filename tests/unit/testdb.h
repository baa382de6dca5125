/*
 * testdb: what the unit tests that need a database share: a scratch
 * directory with a fresh store holding one form, wave "2026" and unit
 * "U01", a number from a query run on its own connection (so it sees only
 * what was committed; the query may read a table answers(response, item,
 * num, text), made from the packed answers first), and removing it all.
 * Include after cmocka.h.
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
#include "survey/packed.h"
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
    store_unit_t unit = {0, "U01", unit_name, NULL, NULL, -1, 0};
    assert_int_equal(store_unit_put(t->s, &unit, &err), 0);
    assert_int_equal(store_unit_find(t->s, "U01", &t->unit, &err), 0);
}

/* Issues n codes for the form, unit and wave, stored under the hashes
 * "h0", "h1" ... */
static inline void testdb_codes(testdb_t *t, int n)
{
    err_t err = {0};
    for (int i = 0; i < n; i++) {
        char hash[16];   /* "h" and any int: gcc -O1 checks the whole range */
        snprintf(hash, sizeof hash, "h%d", i);
        assert_int_equal(store_token_add(t->s, hash, t->form, t->unit, t->wave, &err), 0);
    }
}

/* Removes a scratch directory and everything in it. */
static inline void testdb_rm(const char *dir)
{
    char *cmd = util_fmt("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
}

/* Closes the store and removes the directory. */
static inline void testdb_close(testdb_t *t)
{
    store_close(t->s);
    form_free(t->f);
    testdb_rm(t->dir);
    free(t->path);
}

/* A temporary table answers(response, item, num, text) on db, unpacked
 * from responses.answers (survey/packed.h), item ids from positions. */
static inline void testdb_unpack(sqlite3 *db)
{
    sqlite3_stmt *r, *item, *ins;
    err_t err = {0};
    assert_int_equal(sqlite3_exec(db, "CREATE TEMP TABLE answers(response INTEGER, item INTEGER, "
                                      "num REAL, text TEXT)", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, form, answers FROM responses", -1, &r,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM items WHERE form = ?1 AND pos = ?2",
                                        -1, &item, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO temp.answers VALUES (?1, ?2, ?3, ?4)", -1,
                                        &ins, NULL), SQLITE_OK);
    while (sqlite3_step(r) == SQLITE_ROW) {
        packed_it_t it;
        packed_ans_t a;
        int k;
        packed_begin(&it, sqlite3_column_blob(r, 2), (size_t)sqlite3_column_bytes(r, 2));
        while ((k = packed_next(&it, &a, &err)) == 1) {
            sqlite3_bind_int(item, 1, sqlite3_column_int(r, 1));
            sqlite3_bind_int(item, 2, a.pos);
            assert_int_equal(sqlite3_step(item), SQLITE_ROW);
            sqlite3_bind_int64(ins, 1, sqlite3_column_int64(r, 0));
            sqlite3_bind_int(ins, 2, sqlite3_column_int(item, 0));
            sqlite3_reset(item);
            if (a.has_num)
                sqlite3_bind_double(ins, 3, a.num);
            else
                sqlite3_bind_null(ins, 3);
            if (a.text)
                sqlite3_bind_text(ins, 4, a.text, (int)a.tlen, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(ins, 4);
            assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
            sqlite3_reset(ins);
        }
        assert_int_equal(k, 0);
    }
    sqlite3_finalize(r);
    sqlite3_finalize(item);
    sqlite3_finalize(ins);
}

/* The first column of the first row of sql. */
static inline long testdb_count(const testdb_t *t, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    testdb_unpack(db);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

#endif
