/*
 * texttab: a table of text for a terminal, its columns measured in display
 * columns (a Chinese character is two, a combining mark none), so headings
 * and names in any language line up.  Cells are added row by row, the first
 * row being the headings; texttab_print sizes each column to its widest
 * cell and writes two spaces between columns and no trailing spaces.
 * ANSI colour sequences ("\033[...m") in a cell take no columns.
 */
#ifndef GS_TEXTTAB_H
#define GS_TEXTTAB_H

#include <stdio.h>

#include "base/util.h"

typedef struct texttab texttab_t;

/* ncols columns; align holds one letter per column, 'l' (left) or 'r'
 * (right); a shorter string leaves the rest left aligned.  Never NULL. */
texttab_t *texttab_new(size_t ncols, const char *align);
void texttab_free(texttab_t *t);   /* NULL is fine */

/* Cells of column col wider than maxw display columns are cut there, at a
 * character boundary, ending in "…" (util_utf8_cut); headings too. */
void texttab_limit(texttab_t *t, size_t col, size_t maxw);

/* The next cell (copied; NULL is an empty cell).  A row is complete after
 * ncols cells. */
void texttab_add(texttab_t *t, const char *cell);
void texttab_addf(texttab_t *t, const char *fmt, ...) UTIL_PRINTF(2, 3);

/* Rows added so far, the headings included (an incomplete row counts). */
size_t texttab_rows(const texttab_t *t);

/* Writes the table, each line after indent spaces. */
void texttab_print(const texttab_t *t, FILE *out, size_t indent);

#endif
