/*
 * units: the list of units (the organisation's departments, agencies...)
 * as a CSV file, the way `unit import` takes it and
 * questionnaires/units-sample.csv ships it: UTF-8 (BOM allowed) or GB18030
 * as Excel writes it, cells trimmed.  A first row with a cell "code" is a
 * header and the columns are read by its names, in any order: code and
 * name required, category, parent and headcount optional, any other name
 * an error; a file without a header is read as
 * code,name[,category,parent,headcount].  Every problem is reported with
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

/* ---- the units table as the one list of units ----
 * The units table is the one source of unit codes and names: a form's
 * unit question (settings unit_field, a select_one) is shown filled from
 * it on the web, in the terminal runner and in paper entry, the analysis
 * names units from it, and a form's own list is checked against it when
 * the form is added and when invitations are issued. */

/* The index of the list of f's unit question, or -1 when f has none. */
int units_form_list(const form_t *f);
/* Appends every unit of the units table to out (code order). */
int units_load(store_t *s, units_list_t *out, err_t *err);
/* Appends the units of f's unit question to out: code, and name in the
 * form's default language (what `form add` seeds an empty table with). */
void units_from_form(const form_t *f, units_list_t *out);
/* 0 when f's unit list names the same codes as table and each one's name
 * is its label in one of the form's languages (or f has no unit
 * question); else 1 with err: every difference, and what to do. */
int units_diff(const units_list_t *table, const form_t *f, err_t *err);
/* Fills f's unit question from the units table: its units in the form's
 * order (a paper form is numbered so), then those the form lacks in code
 * order (a unit the table lacks is left out), each labelled with the
 * table's name (a choice whose label already was
 * that name keeps its translations).  An empty table leaves the form's
 * own list.  0, or -1 with *err. */
int units_fill_form(store_t *s, form_t *f, err_t *err);
/* Removes the units of these codes, all or none: 0, or -1 with *err (no
 * such unit; a unit that responses or invitations refer to). */
int units_remove(store_t *s, char *const *codes, size_t n, err_t *err);

#endif
