/*
 * units: the list of units (the organisation's departments, agencies...)
 * as a CSV file, code,name[,category,parent,headcount], the way `unit
 * import` takes it and questionnaires/units-sample.csv ships it: UTF-8
 * (BOM allowed) or GB18030 as Excel writes it, a first row starting with
 * "code" taken as a header, cells trimmed.  Every problem is reported with
 * its FILE:LINE:COL, all of them in one reading.
 *
 * Ownership: a units_list_t owns the strings its units point to; free it
 * with units_list_free().
 */
#ifndef GS_UNITS_H
#define GS_UNITS_H

#include <stddef.h>

#include "base/err.h"
#include "base/util.h"
#include "survey/store.h"

/* Longest code, name, category or parent in bytes: a unit list is short
 * text, and a cell of megabytes is a wrong file. */
#define UNITS_TEXT_MAX 1000

typedef struct {
    store_unit_t *units;   /* in file order, id 0, headcount -1 when not given */
    size_t n;
    char **strs;           /* the trimmed cells units[] point to */
    size_t nstrs;
} units_list_t;

/* Reads a unit list from len bytes of data; file names it in messages.
 * Every row is kept in *out, and every problem with a row (an empty or
 * repeated code, an empty name, a bad headcount, too many columns, an
 * overlong cell) or an empty list is added to diag.  Returns 0 (diag says
 * whether the list is valid), or -1 with err (ERR_INPUT at its file, line
 * and column) when the bytes are neither UTF-8 nor GB18030 or not CSV. */
int units_parse(const char *file, const char *data, size_t len, units_list_t *out,
                util_diag_t *diag, err_t *err);
/* units_parse() over the file at path. */
int units_read_file(const char *path, units_list_t *out, util_diag_t *diag, err_t *err);
void units_list_free(units_list_t *l);   /* frees the contents; l itself is the caller's */

/* Stores every unit of the list (new codes added, existing ones updated)
 * in one transaction: all or nothing.  0, or -1 with err. */
int units_store(store_t *s, const units_list_t *l, err_t *err);

#endif
