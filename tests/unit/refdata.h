/*
 * refdata.h -- reading the R reference fixtures of tests/fixtures/validity/
 * (written by tests/r/validity_ref.R) in the unit tests: expected.csv
 * (key,i,j,value) and numeric tables (items.csv, drivers.csv, dims.csv:
 * a header line, then comma-separated numbers, blank = missing = NAN).
 * Header-only (static functions) because each test binary is one .c file
 * linked with the library; included by test_validity.c, test_drivers.c
 * and test_careless.c.
 */
#ifndef GAPSURVEY_TEST_REFDATA_H
#define GAPSURVEY_TEST_REFDATA_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"

/* One expected.csv, its rows in an array owned by the struct
 * (ref_free). */
typedef struct {
    char key[48];
    int i, j;
    double value;
} ref_row_t;

typedef struct {
    size_t n;
    ref_row_t *row;
} ref_t;

static void ref_free(ref_t *r)
{
    free(r->row);
    memset(r, 0, sizeof *r);
}

/* path opened for reading with its header line read into line[n]; NULL
 * when it cannot be opened or is empty. */
static FILE *csv_open(const char *path, char *line, size_t n)
{
    FILE *f = fopen(path, "r");
    if (f && !fgets(line, (int)n, f)) {
        fclose(f);
        f = NULL;
    }
    return f;
}

/* 0 on success; the caller frees with ref_free. */
static int ref_load(const char *path, ref_t *r)
{
    char line[256];
    size_t cap = 0;
    int rc = -1;
    memset(r, 0, sizeof *r);
    FILE *f = csv_open(path, line, sizeof line);
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (r->n == cap) {
            cap = cap ? 2 * cap : 1024;
            ref_row_t *g = realloc(r->row, cap * sizeof *g);
            if (!g)
                goto done;
            r->row = g;
        }
        ref_row_t *e = &r->row[r->n];
        char *c1 = strchr(line, ','), *c2, *c3;
        if (!c1 || (size_t)(c1 - line) >= sizeof e->key)
            goto done;
        *c1 = 0;
        strcpy(e->key, line);
        e->i = (int)strtol(c1 + 1, &c2, 10);
        e->j = (int)strtol(c2 + 1, &c3, 10);
        e->value = strncmp(c3 + 1, "NA", 2) ? strtod(c3 + 1, NULL) : NAN;
        r->n++;
    }
    rc = 0;
done:
    fclose(f);
    if (rc)
        ref_free(r);
    return rc;
}

/* The value of key at (i, j); NAN when absent. */
static double ref_get(const ref_t *r, const char *key, int i, int j)
{
    for (size_t e = 0; e < r->n; e++)
        if (r->row[e].i == i && r->row[e].j == j && !strcmp(r->row[e].key, key))
            return r->row[e].value;
    return NAN;
}

/* A numeric table: rows x cols values, row-major, NAN for blank cells;
 * owned by the struct (table_free). */
typedef struct {
    size_t rows, cols;
    double *v;
} table_t;

static void table_free(table_t *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

/* Reads path; a column that is not numeric (dims.csv's item names) reads
 * as NAN.  0 on success. */
static int table_load(const char *path, table_t *t)
{
    char line[8192];
    memset(t, 0, sizeof *t);
    FILE *f = csv_open(path, line, sizeof line);
    if (!f)
        return -1;
    int rc = -1;
    size_t cap = 0;
    t->cols = 1;
    for (char *c = line; *c; c++)
        t->cols += *c == ',';
    while (fgets(line, sizeof line, f)) {
        if ((t->rows + 1) * t->cols > cap) {
            cap = cap ? 2 * cap : 4096 * t->cols;
            double *v = realloc(t->v, cap * sizeof *v);
            if (!v)
                goto done;
            t->v = v;
        }
        char *s = line;
        for (size_t c = 0; c < t->cols; c++) {
            char *end;
            double x = strtod(s, &end);
            t->v[t->rows * t->cols + c] =
                (end == s || (*end != ',' && *end != '\n' && *end != '\r' &&
                              *end)) ? NAN : x;
            s = strchr(s, ',');
            if (!s && c + 1 < t->cols)
                goto done;
            if (s)
                s++;
        }
        t->rows++;
    }
    rc = 0;
done:
    fclose(f);
    if (rc)
        table_free(t);
    return rc;
}

/* The co-moments of the table's rows, all of them or (complete_only) only
 * those with no missing value, fed one row at a time as the streaming
 * scan does.  The caller frees the result with stats_cov_free. */
static stats_cov_t *table_cov(const table_t *t, int complete_only)
{
    stats_cov_t *c = stats_cov_new(t->cols);
    for (size_t row = 0; c && row < t->rows; row++) {
        const double *x = t->v + row * t->cols;
        size_t i = 0;
        while (complete_only && i < t->cols && !isnan(x[i]))
            i++;
        if (!complete_only || i == t->cols)
            stats_cov_add(c, x);
    }
    return c;
}

#endif /* GAPSURVEY_TEST_REFDATA_H */
