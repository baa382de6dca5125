/*
 * csv: reading and writing CSV.
 *
 * Reading (csvr_): RFC 4180 rows with their source line numbers, on libcsv.
 * Questionnaires, unit lists and response files are all CSV, and every
 * error message must name the line; libcsv knows fields but not lines, so
 * the reader feeds it one physical line at a time and remembers where
 * each row began.
 *
 * Writing (csvw_): one cell at a time, quoted only when it has to be, and
 * with formula neutralisation for files a spreadsheet will open.
 */
#ifndef GS_CSV_H
#define GS_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

typedef struct {
    long line;          /* 1-based physical line where the row starts */
    size_t ncells;
    char **cells;       /* NUL-terminated UTF-8; owned by the reader, valid
                           only during the callback */
} csvr_row_t;

/* Return 0 to go on, non-zero to stop (the parse returns that value). */
typedef int (*csvr_row_fn)(void *ud, const csvr_row_t *row);

typedef struct csvr csvr_t;

/* delim is ',' or ';' (or '\t'). */
csvr_t *csvr_new(char delim, csvr_row_fn fn, void *ud);
void csvr_free(csvr_t *r);
/* Feeds bytes; may call fn for each completed row.  Returns the callback's
 * non-zero value, -1 on a CSV syntax error (csvr_error() says which), else 0. */
int csvr_feed(csvr_t *r, const char *data, size_t len);
/* Ends input: flushes a last row without newline; -1 on an unterminated
 * quoted field. */
int csvr_finish(csvr_t *r);
/* The syntax error that stopped the reader: ERR_INPUT with the line of the
 * row (col 0), or ERR_OK when there was none.  Owned by r. */
const err_t *csvr_error(const csvr_t *r);

/* Whole buffer in one call; err as csvr_error() would say (a callback's
 * -1 is ERR_FAIL "CSV error"). */
int csvr_parse_mem(const char *data, size_t len, char delim, csvr_row_fn fn,
                   void *ud, err_t *err);

/* Guesses ',' ';' or '\t' from the first line (the one with most of them
 * outside quotes); ',' when none. */
char csvr_sniff_delim(const char *data, size_t len);

/* ---- writing ---- */

/* The UTF-8 byte order mark: with it Excel and WPS read a CSV file as
 * UTF-8, not as the local code page (GBK). */
#define CSV_BOM "\xEF\xBB\xBF"

/* csvw_cell flags. */
enum {
    /* A text cell a spreadsheet would run as a formula (it starts with
     * = + - @ tab or CR and is not a plain number such as -3: names,
     * labels and answers may come from any file the researcher was sent)
     * is written quoted with a leading apostrophe.  For files meant for
     * spreadsheets; never for a format another program reads back. */
    CSVW_NEUTRAL = 1,
    /* A cell with a leading or trailing space is quoted, so readers that
     * trim unquoted cells keep the spaces. */
    CSVW_EDGE_SPACES = 2
};

/* Writes s (NULL: an empty cell) as one cell of a file delimited by delim:
 * as it is, or in double quotes with quotes doubled when it holds delim,
 * a quote or a line break (or when flags ask for it). */
void csvw_cell(FILE *f, const char *s, char delim, int flags);

#endif
