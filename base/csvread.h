/*
 * csvread: RFC 4180 CSV rows with their source line numbers, on libcsv.
 * Questionnaires, unit lists and response files are all CSV, and every
 * error message must name the line; libcsv knows fields but not lines, so
 * this module feeds it one physical line at a time and remembers where
 * each row began.
 */
#ifndef GS_CSVREAD_H
#define GS_CSVREAD_H

#include <stddef.h>
#include <stdio.h>

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
const char *csvr_error(const csvr_t *r);   /* owned by r */

/* Whole buffer in one call. *err (heap) on failure. */
int csvr_parse_mem(const char *data, size_t len, char delim, csvr_row_fn fn,
                   void *ud, char **err);

/* Guesses ',' ';' or '\t' from the first line (the one with most of them
 * outside quotes); ',' when none. */
char csvr_sniff_delim(const char *data, size_t len);

#endif
