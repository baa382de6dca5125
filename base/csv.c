/*
 * csv: a line-tracking reader over libcsv and the cell writer (see csv.h).
 *
 * libcsv calls back per field and per row; we collect the fields of the
 * current row into one reusable buffer, so a million-row import allocates
 * nothing per row.  The line of a row is the physical line where its first
 * byte was fed: rows can span lines when a quoted cell holds a newline.
 * A whole line without a quote (nearly every row of a response file) is
 * split here instead, exactly as libcsv would split it, without a call per
 * cell (fast_row); a line with a quote, or a row begun on an earlier line,
 * goes through libcsv.
 */
#include "base/csv.h"
#include "base/util.h"
#include "base/i18n.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSVR_SLICE 65536

struct csvr {
    struct csv_parser p;
    csvr_row_fn fn;
    void *ud;
    long line;          /* line currently being fed */
    long row_line;      /* line where the pending row started */
    int in_row;         /* bytes of a row fed but the row not yet ended */
    int stop;           /* callback's non-zero return */
    util_buf_t cellbuf; /* cells, NUL separated */
    size_t *offs;
    size_t ncells, capcells;
    char **ptrs;
    size_t capptrs;
    err_t err;          /* the syntax error that stopped the reading */
};

static void on_field(void *s, size_t n, void *ud)
{
    csvr_t *r = ud;
    if (r->ncells == r->capcells) {
        r->capcells = r->capcells ? r->capcells * 2 : 32;
        r->offs = util_xrealloc(r->offs, r->capcells * sizeof *r->offs);
    }
    r->offs[r->ncells++] = r->cellbuf.len;
    util_buf_add(&r->cellbuf, s ? s : "", s ? n : 0);
    util_buf_addc(&r->cellbuf, '\0');
}

static void on_row(int c, void *ud)
{
    (void)c;
    csvr_t *r = ud;
    if (r->stop) {
        r->ncells = 0;
        util_buf_reset(&r->cellbuf);
        return;
    }
    if (r->ncells > r->capptrs) {
        r->capptrs = r->ncells;
        r->ptrs = util_xrealloc(r->ptrs, r->capptrs * sizeof *r->ptrs);
    }
    for (size_t i = 0; i < r->ncells; i++)
        r->ptrs[i] = r->cellbuf.s + r->offs[i];
    csvr_row_t row = { r->row_line, r->ncells, r->ptrs };
    r->stop = r->fn(r->ud, &row);
    r->ncells = 0;
    util_buf_reset(&r->cellbuf);
    r->in_row = 0;
}

csvr_t *csvr_new(char delim, csvr_row_fn fn, void *ud)
{
    csvr_t *r = util_xcalloc(1, sizeof *r);
    /* CSV_APPEND_NULL is not needed: we copy fields ourselves.  Not strict:
     * Excel writes stray quotes inside unquoted cells and people expect
     * them kept, but an unterminated quote at the end is still an error. */
    if (csv_init(&r->p, CSV_STRICT_FINI) != 0) {
        free(r);
        return NULL;
    }
    csv_set_delim(&r->p, (unsigned char)delim);
    r->fn = fn;
    r->ud = ud;
    r->line = 1;
    return r;
}

void csvr_free(csvr_t *r)
{
    if (!r)
        return;
    csv_free(&r->p);
    util_buf_free(&r->cellbuf);
    free(r->offs);
    free(r->ptrs);
    err_clear(&r->err);
    free(r);
}

/* Bytes that libcsv skips outside a row without starting one: line ends,
 * and spaces and tabs (a tab only when it is not the delimiter).  Treating
 * exactly these as blank keeps in_row equal to libcsv's own "a row has
 * begun", so a line of spaces cannot leave in_row set and give the next
 * row this line's number. */
static int is_blank_line(csvr_t *r, const char *s, size_t n)
{
    char delim = (char)csv_get_delim(&r->p);
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r' && s[i] != '\n' && s[i] != ' ' && !(s[i] == '\t' && delim != '\t'))
            return 0;
    return 1;
}

/* space_or_tab as libcsv's default is_space sees it, the delimiter aside */
static int csv_space(char c, char delim)
{
    return (c == ' ' || c == '\t') && c != delim;
}

/* The common line, read without libcsv: one whole row (s[0..n) and its
 * '\r' or '\n' after it, no quote in it, begun at a row's start), split as
 * libcsv splits it: at every delimiter, and each cell without the spaces
 * and tabs at its edges.  Returns the callback's answer. */
static int fast_row(csvr_t *r, const char *s, size_t n)
{
    char delim = (char)csv_get_delim(&r->p);
    util_buf_reset(&r->cellbuf);
    util_buf_add(&r->cellbuf, s, n);
    char *b = r->cellbuf.s, *end = b + n;
    size_t k = 0;
    for (char *c = b;; c++) {
        char *e = c;   /* cells are short (codes): a loop, not a call each */
        while (e < end && *e != delim)
            e++;
        char *t = e;
        while (c < t && csv_space(*c, delim))
            c++;
        while (t > c && csv_space(t[-1], delim))
            t--;
        *t = '\0';   /* the delimiter's place, or the buffer's own NUL */
        if (k == r->capptrs) {
            r->capptrs = r->capptrs ? r->capptrs * 2 : 32;
            r->ptrs = util_xrealloc(r->ptrs, r->capptrs * sizeof *r->ptrs);
        }
        r->ptrs[k++] = c;
        if (e == end)
            break;
        c = e;
    }
    csvr_row_t row = {r->row_line, k, r->ptrs};
    int rc = r->fn(r->ud, &row);
    util_buf_reset(&r->cellbuf);
    return rc;
}

/* Feeds one piece: up to and including one '\r' or '\n', or a tail without
 * either.  Cutting at '\r' too means a piece holds at most one row end, at
 * its end, so in_row is right however the input was chunked: with CRLF fed
 * a byte at a time the lone "\n" after the row-ending "\r" is blank. */
static int feed_line(csvr_t *r, const char *s, size_t n)
{
    /* cells are handed on as C strings, so a NUL byte would silently cut
     * the cell short; text files never hold one */
    if (memchr(s, '\0', n))
        return err_set_at(&r->err, ERR_INPUT, r->line, 0,
                          _("a NUL byte (0x00); this is not a CSV text file"));
    if (!r->in_row) {
        if (is_blank_line(r, s, n))
            goto next;
        r->row_line = r->line;
        if (!r->stop && (s[n - 1] == '\n' || s[n - 1] == '\r') && !memchr(s, '"', n)) {
            /* a whole row without quotes: libcsv would end where it began */
            r->stop = fast_row(r, s, n - 1);
            if (r->stop)
                return r->stop;
            goto next;
        }
        r->in_row = 1;
    }
    /* libcsv grows its cell buffer by a fixed block (128 bytes) a realloc:
     * a 100 MB cell took 800 000 reallocs, each a full copy wherever realloc
     * cannot grow in place (ASan, valgrind), so the time was quadratic.  A
     * long line goes in slices, and before each the block is made as large
     * as the buffer already is, so the buffer doubles: a few dozen reallocs. */
    for (size_t done = 0; done < n;) {
        size_t k = n - done < CSVR_SLICE ? n - done : CSVR_SLICE;
        csv_set_blk_size(&r->p, r->p.entry_size > CSVR_SLICE ? r->p.entry_size : CSVR_SLICE);
        if (csv_parse(&r->p, s + done, k, on_field, on_row, r) != k)
            return err_set_at(&r->err, ERR_INPUT, r->line, 0, "%s",
                              csv_strerror(csv_error(&r->p)));
        done += k;
    }
    if (r->stop)
        return r->stop;
next:
    if (n > 0 && s[n - 1] == '\n')
        r->line++;
    return 0;
}

int csvr_feed(csvr_t *r, const char *data, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* up to the first '\n' or '\r', found by memchr, not byte by byte */
        const char *nl = memchr(data + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (data + i)) : len - i;
        const char *cr = memchr(data + i, '\r', n);
        if (cr)
            n = (size_t)(cr - (data + i));
        if (i + n < len)
            n++;
        int rc = feed_line(r, data + i, n);
        if (rc)
            return rc;
        i += n;
    }
    return 0;
}

int csvr_finish(csvr_t *r)
{
    if (r->stop)
        return r->stop;
    /* libcsv honours CSV_STRICT_FINI only together with CSV_STRICT; turning
     * CSV_STRICT on just for the final call reports an unclosed quote while
     * the stray quotes Excel leaves in unquoted cells stayed accepted. */
    csv_set_opts(&r->p, (unsigned char)(csv_get_opts(&r->p) | CSV_STRICT));
    if (csv_fini(&r->p, on_field, on_row, r) != 0)
        return err_set_at(&r->err, ERR_INPUT, r->row_line, 0,
                          _("a quoted cell in the row that starts here is never closed; add "
                            "the missing \""));
    return r->stop;
}

const err_t *csvr_error(const csvr_t *r)
{
    return &r->err;
}

int csvr_parse_mem(const char *data, size_t len, char delim, csvr_row_fn fn,
                   void *ud, err_t *err)
{
    csvr_t *r = csvr_new(delim, fn, ud);
    if (!r)
        return err_set(err, ERR_FAIL, _("cannot start the CSV parser"));
    int rc = csvr_feed(r, data, len);
    if (rc == 0)
        rc = csvr_finish(r);
    if (rc == -1 && r->err.code != ERR_OK)
        err_move(err, &r->err);
    else if (rc == -1)
        err_set(err, ERR_FAIL, _("CSV error"));   /* fn's own -1 */
    csvr_free(r);
    return rc;
}

char csvr_sniff_delim(const char *data, size_t len)
{
    size_t counts[3] = {0, 0, 0};
    const char delims[3] = {',', ';', '\t'};
    int inq = 0;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '"')
            inq = !inq;
        else if (!inq && c == '\n')
            break;
        else if (!inq)
            for (int k = 0; k < 3; k++)
                if (c == delims[k])
                    counts[k]++;
    }
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (counts[k] > counts[best])
            best = k;
    return counts[best] ? delims[best] : ',';
}

/* ---- writing ---- */

void csvw_cell(FILE *f, const char *s, char delim, int flags)
{
    s = s ? s : "";
    const char special[] = {delim, '"', '\r', '\n', '\0'};
    double d;
    int neutral = (flags & CSVW_NEUTRAL) && s[0] && strchr("=+-@\t\r", s[0]) &&
                  util_parse_double(s, &d) != 0;
    int edge = (flags & CSVW_EDGE_SPACES) && s[0] && (s[0] == ' ' || s[strlen(s) - 1] == ' ');
    if (!neutral && !edge && !strpbrk(s, special)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (neutral)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
