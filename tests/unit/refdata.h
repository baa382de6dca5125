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

/* One expected.csv: parallel arrays, owned by the struct (ref_free). */
typedef struct {
    size_t n;
    char (*key)[48];
    int *i, *j;
    double *value;
} ref_t;

static void ref_free(ref_t *r)
{
    free(r->key);
    free(r->i);
    free(r->j);
    free(r->value);
    memset(r, 0, sizeof *r);
}

/* 0 on success; the caller frees with ref_free. */
static int ref_load(const char *path, ref_t *r)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    size_t cap = 0;
    int rc = -1;
    if (!fgets(line, sizeof line, f)) /* header */
        goto done;
    while (fgets(line, sizeof line, f)) {
        if (r->n == cap) {
            cap = cap ? 2 * cap : 1024;
            void *k = realloc(r->key, cap * sizeof *r->key);
            if (k)
                r->key = k;
            int *ii = realloc(r->i, cap * sizeof *ii);
            if (ii)
                r->i = ii;
            int *jj = realloc(r->j, cap * sizeof *jj);
            if (jj)
                r->j = jj;
            double *v = realloc(r->value, cap * sizeof *v);
            if (v)
                r->value = v;
            if (!k || !ii || !jj || !v)
                goto done;
        }
        char *c1 = strchr(line, ','), *c2, *c3;
        if (!c1 || (size_t)(c1 - line) >= sizeof r->key[0])
            goto done;
        *c1 = 0;
        strcpy(r->key[r->n], line);
        r->i[r->n] = (int)strtol(c1 + 1, &c2, 10);
        r->j[r->n] = (int)strtol(c2 + 1, &c3, 10);
        r->value[r->n] = strncmp(c3 + 1, "NA", 2) ? strtod(c3 + 1, NULL) : NAN;
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
        if (r->i[e] == i && r->j[e] == j && !strcmp(r->key[e], key))
            return r->value[e];
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
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[8192];
    int rc = -1;
    size_t cap = 0;
    if (!fgets(line, sizeof line, f))
        goto done;
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

#endif /* GAPSURVEY_TEST_REFDATA_H */
