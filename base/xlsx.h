/*
 * xlsx: reads the cells of an Office Open XML workbook (.xlsx, as Excel,
 * WPS and LibreOffice save it), on libzip for the container and expat for
 * the XML.  It knows sheets, rows and cell values and nothing else: styles,
 * merged ranges, formulas (their last computed value is read), comments and
 * pictures are passed over.
 *
 * Values come as text the way a CSV export would give them: shared and
 * inline strings as written (rich-text runs joined), numbers as the
 * shortest text that reads back as the same double ("1", not "1.0";
 * "0.1"), booleans TRUE/FALSE, error cells as their code (#N/A).
 *
 * Ownership: xlsx_open_mem returns an xlsx_t the caller closes with
 * xlsx_close; it keeps its own copy of the bytes.  Strings handed to a
 * callback live until the callback returns; sheet names until xlsx_close.
 */
#ifndef GS_XLSX_H
#define GS_XLSX_H

#include <stddef.h>

#include "base/err.h"

typedef struct xlsx xlsx_t;

typedef struct {
    long row;           /* 1-based row number as Excel shows it */
    size_t ncells;      /* cells[j] is column j+1 (A = 0); trailing empties cut */
    char **cells;       /* "" for an empty cell; never NULL */
} xlsx_row_t;

/* Return 0 to go on; non-zero stops the read, which returns that value. */
typedef int (*xlsx_row_fn)(void *ud, const xlsx_row_t *row);

/* What the first bytes of a file say it is, whatever it is called. */
typedef enum {
    XLSX_NOT,           /* neither: a text file such as CSV */
    XLSX_ZIP,           /* a zip archive, as every .xlsx is */
    XLSX_OLE            /* an OLE compound file: an old .xls, or a workbook
                           saved with a password (Office encrypts into one) */
} xlsx_kind_t;
xlsx_kind_t xlsx_sniff(const char *data, size_t len);

/* Opens a workbook held in memory and reads its list of sheets.  Returns 0
 * and *out, or -1 with err saying what is wrong: not a zip archive,
 * a zip that is no workbook (no xl/workbook.xml), broken XML (with the part
 * and line). */
int xlsx_open_mem(const char *data, size_t len, xlsx_t **out, err_t *err);
void xlsx_close(xlsx_t *x);          /* NULL is fine */

size_t xlsx_nsheets(const xlsx_t *x);
/* Sheet i's name as its tab shows it, in workbook order. */
const char *xlsx_sheet_name(const xlsx_t *x, size_t i);

/* Calls fn for each row of sheet i that has a non-empty cell, in the order
 * of the file (row order, as every writer keeps it); blank rows are not
 * called.  Returns 0, fn's non-zero value, or -1 with err. */
int xlsx_read_sheet(xlsx_t *x, size_t i, xlsx_row_fn fn, void *ud, err_t *err);

/* "C12" for row 12, column 3 (1-based) into buf (16 bytes); "C" when row
 * is 0.  Returns buf. */
char *xlsx_cell_name(long row, long col, char buf[16]);

#endif
