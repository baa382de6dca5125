/*
 * floor: the cost of only reading the benchmark's answers, which no
 * analysis can beat (issue #8, bench/README.md).
 *
 *   floor select DB     steps through every row of a bare
 *                       SELECT id, form, answers FROM responses and
 *                       decodes every packed answer (survey/packed.h),
 *                       reading each as the analysis scan does
 *   floor csv FILE      parses the response CSV once with libcsv
 *                       (the parser the import uses), counting cells
 *   floor insert SRC DST
 *                       SQLite inserting the responses rows of SRC (a
 *                       database gapsurvey imported) into DST (a fresh
 *                       copy of the database SRC was before the import)
 *                       through one prepared statement, the import's own
 *                       INSERT text, one row per step with bound values,
 *                       in the order of the import's inserts (below);
 *                       gapsurvey's pragmas (foreign keys, secure_delete,
 *                       WAL, synchronous=FULL), one transaction, and the
 *                       checkpoint at close that gapsurvey's close makes
 *   floor insert-select SRC DST
 *                       the same rows by SQLite's own
 *                       INSERT INTO responses SELECT ... FROM src.responses
 *                       (in id order: appends at the end of the b-tree)
 *
 * The import's ids are drawn in blocks of 64 at a random place, handed
 * out in a random order within the block (random_id in survey/store.c),
 * and SQLite's store writes each block's 64 rows at once, in id order
 * (bulk_add in survey/store_sqlite.c).  `insert` makes the same pattern:
 * the blocks (id >> 6) in a shuffled order with a fixed seed, the rows of
 * each block in id order.  The b-tree sees what it sees during an import:
 * a random page per block, then 63 rows appended after it.
 *
 * For the two insert floors the rows are read into memory first; the
 * seconds printed (wall, and CPU = user + system from getrusage) are from
 * BEGIN to the connection's close, the part an import also does.
 *
 * It prints what it read, so the work cannot be optimised away, and the
 * seconds it took.  A bench tool, not part of gapsurvey.
 */
#include <csv.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "survey/packed.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int floor_select(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 1;
    long rows = 0;
    double sum = 0;
    size_t bytes = 0;
    double t0 = now();
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT id, form, answers FROM responses", -1, &st,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "floor: %s: %s\n", path, sqlite3_errmsg(db));
        goto cleanup;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        packed_it_t it;
        packed_ans_t a;
        err_t err = {0};
        int r;
        sum += (double)sqlite3_column_int64(st, 0) + sqlite3_column_int(st, 1);
        packed_begin(&it, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2));
        while ((r = packed_next(&it, &a, &err)) == 1) {
            sum += a.pos + (a.has_num ? a.num : 0);
            bytes += a.tlen;
            rows++;
        }
        if (r < 0) {
            fprintf(stderr, "floor: %s\n", err.msg);
            err_clear(&err);
            goto cleanup;
        }
    }
    printf("select: %ld answers (%g, %zu text bytes) in %.3f s\n", rows, sum, bytes, now() - t0);
    rc = 0;
cleanup:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

static void on_cell(void *s, size_t n, void *ud)
{
    (void)s;
    ((size_t *)ud)[0]++;
    ((size_t *)ud)[1] += n;
}

static void on_end(int c, void *ud)
{
    (void)c;
    ((size_t *)ud)[2]++;
}

static int floor_csv(const char *path)
{
    struct csv_parser p;
    static char buf[1 << 16];
    size_t counts[3] = {0, 0, 0}, n;
    int rc = 1;
    double t0 = now();
    FILE *f = fopen(path, "rb");
    if (!f || csv_init(&p, 0) != 0) {
        fprintf(stderr, "floor: cannot read %s\n", path);
        if (f)
            fclose(f);
        return 1;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, on_cell, on_end, counts) != n)
            goto cleanup;
    csv_fini(&p, on_cell, on_end, counts);
    printf("csv: %zu rows, %zu cells, %zu bytes in %.3f s\n", counts[2], counts[0], counts[1],
           now() - t0);
    rc = 0;
cleanup:
    csv_free(&p);
    fclose(f);
    return rc;
}

/* ---- insert ---- */

typedef struct {
    int64_t id;
    int form, wave, unit;   /* unit 0: NULL */
    long batch;             /* 0: NULL */
    char *week, *source;
    void *blob;             /* NULL: NULL */
    int blen;
} row_t;

static uint64_t mix_state = 0x5eed;
static uint64_t mix(void)
{
    uint64_t z = (mix_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static char *dup_text(const unsigned char *t)
{
    return strdup(t ? (const char *)t : "");
}

/* Every responses row of the database, in id order. */
static row_t *read_rows(sqlite3 *db, size_t *n)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 1024;
    row_t *r = malloc(cap * sizeof *r);
    *n = 0;
    if (sqlite3_prepare_v2(db, "SELECT id, form, wave, unit, submitted_on, source, batch, answers "
                           "FROM src.responses ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "floor: %s\n", sqlite3_errmsg(db));
        free(r);
        return NULL;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap)
            r = realloc(r, (cap *= 2) * sizeof *r);
        row_t *x = &r[(*n)++];
        x->id = sqlite3_column_int64(st, 0);
        x->form = sqlite3_column_int(st, 1);
        x->wave = sqlite3_column_int(st, 2);
        x->unit = sqlite3_column_int(st, 3);
        x->week = dup_text(sqlite3_column_text(st, 4));
        x->source = dup_text(sqlite3_column_text(st, 5));
        x->batch = (long)sqlite3_column_int64(st, 6);
        x->blen = sqlite3_column_bytes(st, 7);
        x->blob = NULL;
        if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
            x->blob = malloc((size_t)x->blen + 1);
            memcpy(x->blob, sqlite3_column_blob(st, 7), (size_t)x->blen);
        }
    }
    sqlite3_finalize(st);
    return r;
}

/* The rows in the import's pattern: blocks of 64 ids in a shuffled
 * order, each block's rows in id order.  rows are in id order. */
static row_t **import_order(row_t *rows, size_t n)
{
    size_t nb = 0, *start = malloc((n + 1) * sizeof *start);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || rows[i].id >> 6 != rows[i - 1].id >> 6)
            start[nb++] = i;
    start[nb] = n;
    size_t *bo = malloc((nb ? nb : 1) * sizeof *bo);
    for (size_t b = 0; b < nb; b++)
        bo[b] = b;
    for (size_t b = nb; b > 1; b--) {
        size_t j = (size_t)(mix() % b), t = bo[b - 1];
        bo[b - 1] = bo[j];
        bo[j] = t;
    }
    row_t **o = malloc((n ? n : 1) * sizeof *o);
    size_t k = 0;
    for (size_t b = 0; b < nb; b++) {
        size_t s = start[bo[b]], e = start[bo[b] + 1];
        for (size_t i = s; i < e; i++)
            o[k + i - s] = &rows[i];
        k += e - s;
    }
    free(start);
    free(bo);
    return o;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "floor: %s\n", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* insert (bind = 1: one prepared INSERT per row, in the import's
 * pattern; 0: INSERT ... SELECT) */
static int floor_insert(const char *src, const char *dst, int bind)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    row_t *rows = NULL, **order = NULL;
    size_t n = 0;
    int rc = 1;
    char *att = sqlite3_mprintf("ATTACH %Q AS src", src);
    if (sqlite3_open_v2(dst, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        exec(db, "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; "
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL") || exec(db, att))
        goto cleanup;
    if (bind) {
        if (!(rows = read_rows(db, &n)))
            goto cleanup;
        order = import_order(rows, n);
    }
    double t0 = now(), c0 = cpu_now();
    if (exec(db, "BEGIN IMMEDIATE; INSERT INTO waves SELECT * FROM src.waves WHERE id NOT IN "
                 "(SELECT id FROM main.waves); INSERT INTO import_batches SELECT * FROM "
                 "src.import_batches"))
        goto cleanup;
    if (bind) {
        /* the import's statement (store_response_add), bound as it binds */
        if (sqlite3_prepare_v2(db, "INSERT INTO responses(id, form, wave, unit, submitted_on, "
                               "source, batch, answers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                               "ON CONFLICT (id) DO NOTHING", -1, &ins, NULL) != SQLITE_OK) {
            fprintf(stderr, "floor: %s\n", sqlite3_errmsg(db));
            goto cleanup;
        }
        for (size_t i = 0; i < n; i++) {
            const row_t *x = order[i];
            sqlite3_bind_int64(ins, 1, x->id);
            sqlite3_bind_int(ins, 2, x->form);
            sqlite3_bind_int(ins, 3, x->wave);
            if (x->unit)
                sqlite3_bind_int(ins, 4, x->unit);
            else
                sqlite3_bind_null(ins, 4);
            sqlite3_bind_text(ins, 5, x->week, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 6, x->source, -1, SQLITE_STATIC);
            if (x->batch)
                sqlite3_bind_int64(ins, 7, x->batch);
            else
                sqlite3_bind_null(ins, 7);
            if (x->blob)
                sqlite3_bind_blob(ins, 8, x->blob, x->blen, SQLITE_STATIC);
            else
                sqlite3_bind_null(ins, 8);
            if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_changes(db) != 1) {
                fprintf(stderr, "floor: row %zu: %s\n", i, sqlite3_errmsg(db));
                goto cleanup;
            }
            sqlite3_reset(ins);
        }
        sqlite3_finalize(ins);
        ins = NULL;
    } else if (exec(db, "INSERT INTO responses(id, form, wave, unit, submitted_on, source, batch, "
                        "answers) SELECT id, form, wave, unit, submitted_on, source, batch, "
                        "answers FROM src.responses")) {
        goto cleanup;
    } else {
        n = (size_t)sqlite3_changes(db);
    }
    if (exec(db, "COMMIT; DETACH src"))
        goto cleanup;
    sqlite3_close(db);   /* the last connection: checkpoints, as gapsurvey's close does */
    db = NULL;
    printf("%s: %zu rows in %.3f s wall, %.3f s CPU\n", bind ? "insert" : "insert-select", n,
           now() - t0, cpu_now() - c0);
    rc = 0;
cleanup:
    sqlite3_finalize(ins);
    sqlite3_close(db);
    sqlite3_free(att);
    for (size_t i = 0; i < n && rows; i++) {
        free(rows[i].week);
        free(rows[i].source);
        free(rows[i].blob);
    }
    free(rows);
    free(order);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "select") == 0)
        return floor_select(argv[2]);
    if (argc == 3 && strcmp(argv[1], "csv") == 0)
        return floor_csv(argv[2]);
    if (argc == 4 && strcmp(argv[1], "insert") == 0)
        return floor_insert(argv[2], argv[3], 1);
    if (argc == 4 && strcmp(argv[1], "insert-select") == 0)
        return floor_insert(argv[2], argv[3], 0);
    fputs("usage: floor select DB | floor csv FILE | floor insert SRC DST | "
          "floor insert-select SRC DST\n", stderr);
    return 2;
}
