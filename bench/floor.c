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
 *
 * It prints what it read, so the work cannot be optimised away, and the
 * seconds it took.  A bench tool, not part of gapsurvey.
 */
#include <csv.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "survey/packed.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "select") == 0)
        return floor_select(argv[2]);
    if (argc == 3 && strcmp(argv[1], "csv") == 0)
        return floor_csv(argv[2]);
    fputs("usage: floor select DB | floor csv FILE\n", stderr);
    return 2;
}
