/*
 * texttab: aligned text tables for the terminal (see texttab.h).  printf's
 * field widths count bytes, so a Chinese heading or unit name (three bytes,
 * two columns a character) pushes every later column out of line; here
 * every width is a display width.
 */
#include "base/texttab.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct texttab {
    size_t ncols;
    char *align;             /* ncols letters */
    size_t *maxw;            /* ncols, 0 = no limit */
    char **cells;            /* row-major, ncells of them; owned */
    size_t ncells, cap;
};

texttab_t *texttab_new(size_t ncols, const char *align)
{
    texttab_t *t = util_xcalloc(1, sizeof *t);
    t->ncols = ncols ? ncols : 1;
    t->align = util_xcalloc(t->ncols + 1, 1);
    t->maxw = util_xcalloc(t->ncols, sizeof *t->maxw);
    for (size_t c = 0; c < t->ncols; c++)
        t->align[c] = align && c < strlen(align) && align[c] == 'r' ? 'r' : 'l';
    return t;
}

void texttab_free(texttab_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->maxw);
    free(t->align);
    free(t);
}

void texttab_limit(texttab_t *t, size_t col, size_t maxw)
{
    if (col < t->ncols)
        t->maxw[col] = maxw;
}

/* Takes ownership of s. */
static void push(texttab_t *t, char *s)
{
    if (t->ncells == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cells = util_xrealloc(t->cells, t->cap * sizeof *t->cells);
    }
    size_t col = t->ncells % t->ncols;
    if (t->maxw[col] && util_utf8_width(s) > t->maxw[col]) {
        char *c = util_utf8_cut(s, t->maxw[col]);
        free(s);
        s = c;
    }
    t->cells[t->ncells++] = s;
}

void texttab_add(texttab_t *t, const char *cell)
{
    push(t, util_xstrdup(cell ? cell : ""));
}

void texttab_addf(texttab_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    push(t, util_vfmt(fmt, ap));
    va_end(ap);
}

size_t texttab_rows(const texttab_t *t)
{
    return (t->ncells + t->ncols - 1) / t->ncols;
}

/* Display width of s, ANSI colour sequences taking none. */
static size_t width(const char *s)
{
    size_t w = 0, n = strlen(s);
    while (n > 0) {
        if (s[0] == '\033' && n > 1 && s[1] == '[') {
            size_t k = 2;
            while (k < n && !((unsigned char)s[k] >= 0x40 && (unsigned char)s[k] <= 0x7e))
                k++;
            k = k < n ? k + 1 : n;
            s += k;
            n -= k;
            continue;
        }
        unsigned cp;
        int k = util_utf8_decode(s, n, &cp);
        w += (size_t)util_cp_width(cp);
        s += k;
        n -= (size_t)k;
    }
    return w;
}

void texttab_print(const texttab_t *t, FILE *out, size_t indent)
{
    size_t *cw = util_xcalloc(t->ncols, sizeof *cw);
    for (size_t i = 0; i < t->ncells; i++) {
        size_t w = width(t->cells[i]);
        if (w > cw[i % t->ncols])
            cw[i % t->ncols] = w;
    }
    size_t rows = texttab_rows(t);
    for (size_t r = 0; r < rows; r++) {
        /* the last non-empty cell of the row: nothing is padded after it */
        size_t last = 0;
        for (size_t c = 0; c < t->ncols && r * t->ncols + c < t->ncells; c++)
            if (*t->cells[r * t->ncols + c])
                last = c;
        for (size_t i = 0; i < indent; i++)
            fputc(' ', out);
        for (size_t c = 0; c <= last && r * t->ncols + c < t->ncells; c++) {
            const char *s = t->cells[r * t->ncols + c];
            size_t w = width(s), pad = cw[c] > w ? cw[c] - w : 0;
            if (c > 0)
                fputs("  ", out);
            if (t->align[c] == 'r')
                for (size_t i = 0; i < pad; i++)
                    fputc(' ', out);
            size_t len = strlen(s);
            if (c == last)   /* no trailing spaces */
                while (len > 0 && s[len - 1] == ' ')
                    len--;
            fwrite(s, 1, len, out);
            if (t->align[c] != 'r' && c < last)
                for (size_t i = 0; i < pad; i++)
                    fputc(' ', out);
        }
        fputc('\n', out);
    }
    free(cw);
}
