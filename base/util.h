/*
 * util: the small pieces every module needs — allocation that cannot fail,
 * heap-formatted strings, a growable string buffer, a diagnostics list with
 * FILE:LINE:COL positions, whole-file reading and display width of UTF-8
 * text (CJK characters take two terminal columns).
 *
 * Ownership: functions returning char * return heap strings the caller
 * frees with free().  util_buf_t owns its bytes until util_buf_take().
 */
#ifndef GS_UTIL_H
#define GS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

#if defined(__GNUC__)
#define UTIL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define UTIL_PRINTF(a, b)
#endif

/* Allocation.  Out of memory aborts: a survey tool has no useful way to go
 * on without memory, and every caller checking NULL would hide real errors
 * in noise (the same choice as git's xmalloc). */
void *util_xmalloc(size_t n);
void *util_xcalloc(size_t n, size_t size);
void *util_xrealloc(void *p, size_t n);
char *util_xstrdup(const char *s);          /* NULL in, NULL out */
char *util_xstrndup(const char *s, size_t n);
char *util_fmt(const char *fmt, ...) UTIL_PRINTF(1, 2);
char *util_vfmt(const char *fmt, va_list ap);

/* Growable NUL-terminated byte buffer. */
typedef struct {
    char *s;        /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
} util_buf_t;
void util_buf_add(util_buf_t *b, const char *s, size_t n);
void util_buf_adds(util_buf_t *b, const char *s);
void util_buf_addc(util_buf_t *b, char c);
void util_buf_addf(util_buf_t *b, const char *fmt, ...) UTIL_PRINTF(2, 3);
void util_buf_reset(util_buf_t *b);          /* len 0, keeps memory */
char *util_buf_take(util_buf_t *b);          /* caller owns the string; b is emptied */
void util_buf_free(util_buf_t *b);

/* Diagnostics: a list of "file:line:col: severity: message" lines, so a
 * checker can report every problem in one run.  line/col 0 = not known. */
typedef enum { UTIL_ERROR, UTIL_WARNING } util_sev_t;
typedef struct {
    char **msgs;
    util_sev_t *sev;
    size_t n, cap;
    size_t nerrors, nwarnings;
} util_diag_t;
void util_diag_add(util_diag_t *d, util_sev_t sev, const char *file, long line,
                   long col, const char *fmt, ...) UTIL_PRINTF(6, 7);
/* e (which holds an error) as a diagnostic at its own position, in its
 * own file or else in file. */
void util_diag_err(util_diag_t *d, util_sev_t sev, const char *file, const err_t *e);
void util_diag_print(const util_diag_t *d, FILE *out);
void util_diag_free(util_diag_t *d);
/* Reads a whole file; *data is NUL-terminated and owned by the caller. */
int util_read_file(const char *path, char **data, size_t *len, err_t *err);

/* UTF-8 helpers.  util_utf8_decode returns the byte length of the code
 * point at s (1 for an invalid byte, with *cp = 0xFFFD). */
int util_utf8_decode(const char *s, size_t n, unsigned *cp);
int util_cp_width(unsigned cp);                    /* 0, 1 or 2 */
size_t util_utf8_width(const char *s);             /* terminal columns */
size_t util_utf8_chars(const char *s, size_t n);   /* code points in n bytes */
int util_utf8_valid(const char *s, size_t n, size_t *bad_at);
/* Writes s padded with spaces to `width` display columns (left aligned, or
 * right aligned when right != 0); longer text is written whole. */
void util_fput_padded(FILE *f, const char *s, size_t width, int right);
/* s cut to at most cols display columns at a character boundary, ending in
 * "…" when cut (NULL: ""); cols >= 1.  Caller frees. */
char *util_utf8_cut(const char *s, size_t cols);

/* Text helpers */
char *util_trim(char *s);                     /* in place, returns s */
int util_streq_ci(const char *a, const char *b);
int util_parse_double(const char *s, double *out);   /* whole string, finite */
int util_parse_long(const char *s, long *out);       /* whole string */
/* v's decimal digits (a '-' first when negative) into d, NUL-terminated;
 * returns their count: what "%" PRId64 writes, without the format. */
size_t util_int_digits(int64_t v, char d[24]);
/* What snprintf(out, 32, "%.15g", v) writes, the same bytes for every
 * double (NaN and infinities included), without printf's multiprecision
 * arithmetic for the usual numbers; returns the length. */
size_t util_fmt_g15(double v, char out[32]);
int util_is_yes(const char *s);   /* yes/true/true()/1 */
int util_is_no(const char *s);    /* no/false/false()/0/"" */
/* 1 when the space-separated list holds word as one of its items (the
 * stored form of a select_multiple answer, "a c"); NULL list or empty word:
 * 0. */
int util_has_word(const char *list, const char *word);
size_t util_levenshtein(const char *a, const char *b);
/* Nearest of the NULL-terminated candidates within distance 3, or NULL. */
const char *util_nearest(const char *word, const char *const *candidates);

/* Today's date as YYYY-MM-DD (local time); only the date, never the time
 * of day, is kept with responses. */
void util_today(char out[11]);
/* The ISO week of a date, "2026-W07" for 2026-02-12: all a response keeps
 * of the day it came (store.h).  Anything that is not a YYYY-MM-DD date is
 * copied as it is (cut to 15 bytes). */
void util_iso_week(const char *date, char out[16]);
/* A calendar date as written by people and spreadsheets (2026-03-01,
 * 2026/3/1, 2026.3.1, 2026年3月1日) into ISO form in out.  0; -2 when a
 * time of day follows (never kept); -1 when it is no valid date. */
int util_parse_date(const char *s, char out[11]);

#endif
