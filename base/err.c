/*
 * err: the error type every library function reports through (see err.h
 * for the ownership rule).  The position lives in fields so that a caller
 * can put it wherever its output wants it (a diagnostic list, a problem
 * callback, "FILE:LINE:COL: msg") without reading it back out of
 * translated text.  err depends on nothing else of the program (util
 * reports through it), so it formats and allocates for itself; out of
 * memory aborts, as util_xmalloc does.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A heap string of fmt; ap is used up. */
static char *vtext(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    char *p = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (!p) {
        fputs("gapsurvey: out of memory\n", stderr);
        abort();
    }
    if (n > 0)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    else
        *p = '\0';
    return p;
}

static char *text(const char *fmt, ...) ERR_PRINTF(1, 2);
static char *text(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = vtext(fmt, ap);
    va_end(ap);
    return p;
}

static int vset(err_t *e, err_code_t code, long line, long col, const char *fmt, va_list ap)
{
    if (!e || e->code != ERR_OK)
        return -1;
    e->code = code == ERR_OK ? ERR_FAIL : code;
    e->msg = vtext(fmt, ap);
    e->line = line > 0 ? line : 0;
    e->col = col > 0 ? col : 0;
    return -1;
}

int err_set(err_t *e, err_code_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, code, 0, 0, fmt, ap);
    va_end(ap);
    return -1;
}

int err_set_at(err_t *e, err_code_t code, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, code, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

void err_set_file(err_t *e, const char *file)
{
    if (e && e->code != ERR_OK && !e->file && file)
        e->file = text("%s", file);
}

void err_move(err_t *dst, err_t *src)
{
    if (dst && dst->code == ERR_OK) {
        *dst = *src;
        memset(src, 0, sizeof *src);
    } else {
        err_clear(src);
    }
}

char *err_text(const err_t *e)
{
    if (!e || e->code == ERR_OK)
        return NULL;
    if (!e->file)
        return text("%s", e->msg);
    if (e->line > 0 && e->col > 0)
        return text("%s:%ld:%ld: %s", e->file, e->line, e->col, e->msg);
    if (e->line > 0)
        return text("%s:%ld: %s", e->file, e->line, e->msg);
    return text("%s: %s", e->file, e->msg);
}

void err_clear(err_t *e)
{
    if (!e)
        return;
    free(e->msg);
    free(e->file);
    memset(e, 0, sizeof *e);
}
