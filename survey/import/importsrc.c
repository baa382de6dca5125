/*
 * importsrc: chunked reading and decoding of response files (see
 * importsrc.h).  It exists because encoding.c converts a whole buffer and an
 * import must not hold the whole file: a 100 000-row export from a survey
 * platform is tens of megabytes and is read twice.
 *
 * The messages match encoding.c's word for word, so a bad byte reads the
 * same whether a questionnaire or a response file holds it.  Positions count
 * decoded characters: a column in a GB18030 file is what the user sees in
 * an editor, not a byte offset.
 */
#include "survey/import/importsrc.h"
#include "base/util.h"
#include "base/i18n.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK 65536

struct imp_src {
    FILE *fp;
    const char *mem;        /* imp_src_decode_mem: the buffer instead of fp */
    size_t memlen, mempos, memchunk;
    enc_t want, enc;
    int bom;                /* the file starts with a UTF-8 BOM */
    long long size, done;
    /* where the ENC_AUTO probe met its first byte that is not UTF-8, so a
     * file that is neither encoding is reported at the byte that matters */
    long long bad_off;
    long bad_line, bad_col;
    unsigned char bad_byte;
};

typedef struct {
    long line, col;         /* 1-based, of the next character */
} pos_t;

static void advance(pos_t *p, const char *t, size_t n)
{
    /* the lines by memchr; the characters only after the last line end */
    const char *nl, *from = t, *end = t + n;
    while ((nl = memchr(from, '\n', (size_t)(end - from))) != NULL) {
        p->line++;
        p->col = 1;
        from = nl + 1;
    }
    if (from != t) {
        n -= (size_t)(from - t);
        t = from;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '\n') {
            p->line++;
            p->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            p->col++;
        }
    }
}

/* Reads up to max bytes; 0 at the end; (size_t)-1 on a read error. */
static size_t input(imp_src_t *s, unsigned char *buf, size_t max)
{
    size_t n;
    if (s->mem) {
        n = s->memlen - s->mempos;
        if (n > s->memchunk)
            n = s->memchunk;
        if (n > max)
            n = max;
        memcpy(buf, s->mem + s->mempos, n);
        s->mempos += n;
    } else {
        n = fread(buf, 1, max, s->fp);
        if (n == 0 && ferror(s->fp))
            return (size_t)-1;
    }
    s->done += (long long)n;
    return n;
}

static int rewind_src(imp_src_t *s, err_t *err)
{
    s->done = 0;
    if (s->mem) {
        s->mempos = 0;
        return 0;
    }
    if (fseek(s->fp, 0, SEEK_SET) != 0) {
        err_set(err, ERR_IO, _("cannot read the file again: %s"), strerror(errno));
        return -1;
    }
    clearerr(s->fp);
    return 0;
}

/* Bytes at the end of t[0..n) that start a UTF-8 sequence the buffer does
 * not finish; they wait for the next chunk. */
static size_t utf8_tail(const unsigned char *t, size_t n)
{
    for (size_t i = 1; i <= 3 && i <= n; i++) {
        unsigned char c = t[n - i];
        if ((c & 0xC0) == 0x80)
            continue;
        size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        return need > i ? i : 0;
    }
    return 0;
}

/* The byte-order mark the input starts with (t[0..n), its first bytes),
 * to be dropped: 3 for UTF-8's (either encoding: an editor may give a
 * GB18030 file one), 4 for GB18030's, 0 for none; (size_t)-1 with *err
 * for GB18030's when the file is read as UTF-8. */
static size_t bom_length(imp_src_t *s, enc_t enc, const unsigned char *t, size_t n, err_t *err)
{
    if (n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) {
        s->bom = 1;
        return 3;
    }
    if (n < 4 || memcmp(t, ENC_GB18030_BOM, 4) != 0)
        return 0;
    if (enc != ENC_GB18030) {
        err_set_at(err, ERR_INPUT, 1, 1, _("the file starts with the GB18030 byte-order mark "
                                           "(84 31 95 33): it is GB18030, not UTF-8; give "
                                           "--encoding gb18030 or auto"));
        return (size_t)-1;
    }
    return 4;   /* U+FEFF is no character of the text */
}

/* One pass over the input in encoding enc, handing the UTF-8 text to fn. */
static int run(imp_src_t *s, enc_t enc, imp_chunk_fn fn, void *ud, err_t *err)
{
    int rc = -1;
    unsigned char *buf = util_xmalloc(CHUNK + 8);
    char *obuf = NULL;
    iconv_t cd = (iconv_t)-1;
    size_t carry = 0;
    long long base = 0;          /* file offset of buf[0] */
    int first = 1;
    pos_t pos = {1, 1};
    if (rewind_src(s, err) != 0)
        goto cleanup;
    if (enc == ENC_GB18030) {
        cd = iconv_open("UTF-8", "GB18030");
        if (cd == (iconv_t)-1) {
            err_set(err, ERR_IO, _("GB18030 conversion is not available: %s"), strerror(errno));
            goto cleanup;
        }
        obuf = util_xmalloc(2 * CHUNK);
    }
    for (;;) {
        size_t got = input(s, buf + carry, CHUNK);
        if (got == (size_t)-1) {
            err_set(err, ERR_IO, _("read error: %s"), strerror(errno));
            goto cleanup;
        }
        int eof = got == 0;
        size_t n = carry + got;
        unsigned char *p = buf;
        if (first) {
            if (n < 4 && !eof) {
                carry = n;
                continue;
            }
            first = 0;
            size_t bom = bom_length(s, enc, p, n, err);
            if (bom == (size_t)-1)
                goto cleanup;
            p += bom;
            n -= bom;
        }
        if (enc == ENC_UTF8) {
            size_t keep = eof ? 0 : utf8_tail(p, n), k = n - keep, bad;
            if (!util_utf8_valid((const char *)p, k, &bad)) {
                advance(&pos, (const char *)p, bad);
                err_set_at(err, ERR_INPUT, pos.line, pos.col, _("invalid UTF-8 byte 0x%02X%s"),
                           p[bad], s->bom && s->want == ENC_AUTO ? " after a UTF-8 BOM" : "");
                goto cleanup;
            }
            if (k > 0) {
                int r = fn(ud, (const char *)p, k);
                if (r) {
                    rc = r;
                    goto cleanup;
                }
            }
            advance(&pos, (const char *)p, k);
            base += (p - buf) + (long long)k;
            memmove(buf, p + k, keep);
            carry = keep;
        } else {
            char *in = (char *)p;
            size_t left = n;
            while (left > 0) {
                char *o = obuf;
                size_t oleft = 2 * CHUNK;
                size_t r = iconv(cd, &in, &left, &o, &oleft);
                int e = errno;
                size_t made = 2 * CHUNK - oleft;
                if (made > 0) {
                    int st = fn(ud, obuf, made);
                    if (st) {
                        rc = st;
                        goto cleanup;
                    }
                    advance(&pos, obuf, made);
                }
                if (r != (size_t)-1 || e == E2BIG)
                    continue;
                if (e == EINVAL && !eof)
                    break;           /* a character cut by the chunk: wait for the rest */
                long long off = base + (in - (char *)buf);
                unsigned char byte = (unsigned char)*in;
                if (s->want == ENC_GB18030) {
                    err_set_at(err, ERR_INPUT, pos.line, pos.col, _("byte 0x%02X is not valid "
                                                                    "GB18030"), byte);
                } else {
                    /* UTF-8 got at least as far: a UTF-8 file with one bad
                     * byte, whose Chinese text GB18030 trips over first */
                    long line = pos.line, col = pos.col;
                    if (s->bad_off >= off) {
                        line = s->bad_line;
                        col = s->bad_col;
                        byte = s->bad_byte;
                    }
                    err_set_at(err, ERR_INPUT, line, col, _("byte 0x%02X is neither UTF-8 nor "
                                                            "GB18030; save the file as UTF-8"),
                               byte);
                }
                goto cleanup;
            }
            base += in - (char *)buf;
            memmove(buf, in, left);
            carry = left;
        }
        if (eof)
            break;
    }
    rc = 0;
cleanup:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    free(obuf);
    free(buf);
    return rc;
}

/* Settles s->enc from s->want, probing the input when it is ENC_AUTO. */
static int settle(imp_src_t *s, err_t *err)
{
    if (s->want != ENC_AUTO) {
        s->enc = s->want;
        return 0;
    }
    /* encoding.c's detector, so a response file and a questionnaire are
     * judged alike; a file judged UTF-8 with a bad byte (or cut off inside
     * a character) fails here, before any row is read */
    enc_probe_t pr;
    unsigned char *buf = util_xmalloc(CHUNK);
    size_t got;
    enc_probe_init(&pr);
    if (rewind_src(s, err) != 0) {
        free(buf);
        return -1;
    }
    while ((got = input(s, buf, CHUNK)) != 0 && got != (size_t)-1)
        enc_probe_feed(&pr, (const char *)buf, got);
    free(buf);
    if (got == (size_t)-1) {
        err_set(err, ERR_IO, _("read error: %s"), strerror(errno));
        return -1;
    }
    s->enc = enc_probe_end(&pr);
    s->bom = pr.bom;
    s->bad_off = pr.bad_off;
    s->bad_line = pr.bad_line;
    s->bad_col = pr.bad_col;
    s->bad_byte = pr.bad_byte;
    if (s->enc == ENC_UTF8 && pr.bom && enc_probe_gb_after_bom(&pr)) {
        err_set_at(err, ERR_INPUT, pr.bad_line, pr.bad_col, _("invalid UTF-8 byte 0x%02X after a "
                                                              "UTF-8 BOM; the text after the BOM "
                                                              "looks like GB18030 (as Chinese "
                                                              "Excel and WPS save it): give "
                                                              "--encoding gb18030"), pr.bad_byte);
        return -1;
    }
    if (s->enc == ENC_UTF8 && enc_probe_error(&pr, err) != 0)
        return -1;
    return 0;
}

int imp_src_open(const char *path, enc_t want, imp_src_t **out, err_t *err)
{
    *out = NULL;
    struct stat st;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        err_set(err, ERR_IO, "%s", strerror(errno));
        return -1;
    }
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        err_set(err, ERR_INPUT, _("not a regular file; save the data to a file first (an import "
                                  "reads it twice)"));
        fclose(fp);
        return -1;
    }
    imp_src_t *s = util_xcalloc(1, sizeof *s);
    s->fp = fp;
    s->want = want;
    s->size = (long long)st.st_size;
    s->bad_off = -1;
    if (settle(s, err) != 0) {
        imp_src_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void imp_src_free(imp_src_t *s)
{
    if (!s)
        return;
    if (s->fp)
        fclose(s->fp);
    free(s);
}

enc_t imp_src_encoding(const imp_src_t *s)
{
    return s->enc;
}

long long imp_src_size(const imp_src_t *s)
{
    return s->size;
}

long long imp_src_done(const imp_src_t *s)
{
    return s->done;
}

int imp_src_read(imp_src_t *s, imp_chunk_fn fn, void *ud, err_t *err)
{
    return run(s, s->enc, fn, ud, err);
}

int imp_src_decode_mem(const char *data, size_t len, enc_t want, size_t chunk,
                       imp_chunk_fn fn, void *ud, err_t *err)
{
    imp_src_t s = {0};
    s.mem = data;
    s.memlen = len;
    s.memchunk = chunk ? chunk : CHUNK;
    s.want = want;
    s.size = (long long)len;
    s.bad_off = -1;
    if (settle(&s, err) != 0)
        return -1;
    return run(&s, s.enc, fn, ud, err);
}
