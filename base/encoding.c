/*
 * encoding: BOM stripping, UTF-8 validation and GB18030 -> UTF-8 through
 * glibc's iconv.  GB18030 is a superset of GBK and GB2312, so one decoder
 * covers every file Chinese Excel writes.
 */
#include "base/encoding.h"
#include "base/util.h"
#include "base/i18n.h"
#include "base/xlsx.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

int enc_parse(const char *name, enc_t *out)
{
    if (util_streq_ci(name, "auto"))
        *out = ENC_AUTO;
    else if (util_streq_ci(name, "utf-8") || util_streq_ci(name, "utf8"))
        *out = ENC_UTF8;
    else if (util_streq_ci(name, "gb18030") || util_streq_ci(name, "gbk") ||
             util_streq_ci(name, "gb2312"))
        *out = ENC_GB18030;
    else
        return -1;
    return 0;
}

const char *enc_name(enc_t e)
{
    switch (e) {
    case ENC_UTF8: return "utf-8";
    case ENC_GB18030: return "gb18030";
    default: return "auto";
    }
}

/* line and column (1-based, in characters of the decoded prefix) of offset */
static void position(const char *data, size_t off, long *line, long *col)
{
    long l = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++)
        if (data[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = (long)util_utf8_chars(data + start, off - start) + 1;
}

/* utf8_bad: offset of the first byte that is not UTF-8, or (size_t)-1 when
 * GB18030 was asked for and UTF-8 never tried. */
static int from_gb18030(const char *data, size_t len, char **out, size_t *outlen, err_t *err,
                        size_t utf8_bad)
{
    int rc = -1;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    util_buf_t b = {0};
    if (cd == (iconv_t)-1) {
        err_set(err, ERR_IO, _("GB18030 conversion is not available: %s"), strerror(errno));
        return -1;
    }
    char *in = (char *)data;
    size_t inleft = len;
    char chunk[16384];
    while (inleft > 0) {
        char *o = chunk;
        size_t oleft = sizeof chunk;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        util_buf_add(&b, chunk, sizeof chunk - oleft);
        if (r == (size_t)-1 && errno != E2BIG) {
            long line, col;
            size_t off = (size_t)(in - data);
            if (utf8_bad != (size_t)-1 && utf8_bad >= off) {
                /* UTF-8 got at least as far as GB18030: a UTF-8 file with
                 * one bad byte, whose Chinese text GB18030 trips over long
                 * before (or decodes as nonsense of another width); point
                 * at that byte and count its columns as UTF-8 */
                off = utf8_bad;
                position(data, off, &line, &col);
            } else {
                /* b holds everything before the bad byte, already decoded:
                 * count there, since the raw prefix would count each Chinese
                 * character as two columns */
                position(b.s ? b.s : "", b.len, &line, &col);
            }
            if (utf8_bad == (size_t)-1)
                err_set_at(err, ERR_INPUT, line, col, _("byte 0x%02X is not valid GB18030"),
                           (unsigned char)data[off]);
            else
                err_set_at(err, ERR_INPUT, line, col, _("byte 0x%02X is neither UTF-8 nor GB18030; "
                                                        "save the file as UTF-8"),
                           (unsigned char)data[off]);
            goto cleanup;
        }
    }
    *outlen = b.len;
    *out = util_buf_take(&b);
    rc = 0;
cleanup:
    iconv_close(cd);
    util_buf_free(&b);
    return rc;
}

void enc_probe_init(enc_probe_t *p)
{
    memset(p, 0, sizeof *p);
    p->bad_off = -1;
    p->line = 1;
    p->col = 1;
}

/* Remembers the first bad byte and where it is. */
static void probe_bad(enc_probe_t *p, long long off, unsigned char byte)
{
    if (p->bad_off >= 0)
        return;
    p->bad_off = off;
    p->bad_line = p->line;
    p->bad_col = p->col;
    p->bad_byte = byte;
}

/* A byte-at-a-time UTF-8 decoder (a character may straddle two pieces),
 * as strict as util_utf8_valid: no overlong forms, surrogates or code
 * points past U+10FFFF.  The bytes of a character that stops short are all
 * bad and the byte that stopped it starts afresh, so the counts do not
 * depend on how the input was cut into pieces. */
void enc_probe_feed(enc_probe_t *p, const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    for (size_t i = 0; i < len; i++, p->off++) {
        unsigned c = s[i];
        if (c < 0x80 && !p->need && p->off >= 4) {
            /* a run of ASCII past the BOMs' bytes: only the line and the
             * column move (most of a response file) */
            size_t j = i;
            long line = p->line, col = p->col;
            for (; j < len && s[j] < 0x80; j++) {
                if (s[j] == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            p->line = line;
            p->col = col;
            p->off += (long long)(j - i) - 1;   /* the loop adds the last one */
            i = j - 1;
            continue;
        }
        if (p->off < 3 && p->bompre == (unsigned)p->off &&
            c == (unsigned char)"\xEF\xBB\xBF"[p->off])
            p->bompre++;
        if (p->off < 4 && p->gbpre == (unsigned)p->off &&
            c == (unsigned char)ENC_GB18030_BOM[p->off] && ++p->gbpre == 4)
            p->gbbom = 1;
        if (p->need) {
            if ((c & 0xC0) == 0x80) {
                p->cp = (p->cp << 6) | (c & 0x3F);
                if (++p->have < p->need)
                    continue;
                if (p->cp < p->min || p->cp > 0x10FFFF || (p->cp >= 0xD800 && p->cp <= 0xDFFF)) {
                    probe_bad(p, p->seq_off, (unsigned char)p->lead);
                    p->invalid += p->need;
                } else {
                    p->valid += p->need;
                    p->col++;
                }
                p->need = 0;
                if (p->bompre == 3 && p->off == 2) {
                    /* the BOM is no character of the text */
                    p->bom = 1;
                    p->col = 1;
                }
                continue;
            }
            probe_bad(p, p->seq_off, (unsigned char)p->lead);
            p->invalid += p->have;
            p->need = 0;
        }
        if (c < 0x80) {
            if (c == '\n') {
                p->line++;
                p->col = 1;
            } else {
                p->col++;
            }
            continue;
        }
        unsigned need = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
                        c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!need) {
            probe_bad(p, p->off, (unsigned char)c);
            p->invalid++;
            continue;
        }
        p->need = need;
        p->have = 1;
        p->lead = c;
        p->cp = c & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
        p->min = need == 2 ? 0x80 : need == 3 ? 0x800 : 0x10000;
        p->seq_off = p->off;
    }
}

enc_t enc_probe_end(enc_probe_t *p)
{
    if (p->need) {
        probe_bad(p, p->seq_off, (unsigned char)p->lead);
        p->cut = p->have;
        p->need = 0;
    }
    if (p->gbbom)
        return ENC_GB18030;
    if (p->bom || p->invalid == 0)
        return ENC_UTF8;
    if (p->valid > 0 && p->valid >= ENC_UTF8_RATIO * p->invalid)
        return ENC_UTF8;
    return ENC_GB18030;
}

int enc_probe_gb_after_bom(const enc_probe_t *p)
{
    /* the BOM's own three bytes are a well-formed character: not evidence */
    unsigned long long valid = p->valid >= 3 ? p->valid - 3 : 0;
    return p->bom && p->invalid > 0 && !(valid > 0 && valid >= ENC_UTF8_RATIO * p->invalid);
}

int enc_probe_error(const enc_probe_t *p, err_t *err)
{
    if (p->bad_off < 0)
        return 0;
    if (p->cut && p->invalid == 0)
        /* a download or copy that stopped early; rows may be missing too,
         * so nothing is guessed or replaced */
        err_set_at(err, ERR_INPUT, p->bad_line, p->bad_col, _("the file ends in the middle of a "
                                                              "UTF-8 character; it looks cut off "
                                                              "(copy or export it again)"));
    else if (p->bom && enc_probe_gb_after_bom(p))
        err_set_at(err, ERR_INPUT, p->bad_line, p->bad_col, _("invalid UTF-8 byte 0x%02X after a "
                   "UTF-8 BOM; the text after the BOM looks like GB18030 (as Chinese Excel and "
                   "WPS save it): save the file again as CSV UTF-8"), p->bad_byte);
    else if (p->bom)
        err_set_at(err, ERR_INPUT, p->bad_line, p->bad_col, _("invalid UTF-8 byte 0x%02X after a "
                                                              "UTF-8 BOM"), p->bad_byte);
    else
        err_set_at(err, ERR_INPUT, p->bad_line, p->bad_col, _("invalid UTF-8 byte 0x%02X; the file "
                                                              "is otherwise UTF-8, so it is not "
                                                              "read as GB18030"), p->bad_byte);
    return -1;
}

int enc_not_text(const char *data, size_t len, err_t *err)
{
    switch (xlsx_sniff(data, len)) {
    case XLSX_ZIP:
        err_set(err, ERR_INPUT, _("this is an Excel workbook (.xlsx) or another zip archive, not a "
                                 "CSV text file: save the sheet as CSV UTF-8 (in Excel or WPS: "
                                 "Save As, CSV UTF-8)"));
        return -1;
    case XLSX_OLE:
        err_set(err, ERR_INPUT, _("this is an Excel 97-2003 workbook (.xls) or a workbook saved "
                                 "with a password, not a CSV text file: save the sheet as CSV "
                                 "UTF-8 (in Excel or WPS: Save As, CSV UTF-8)"));
        return -1;
    default:
        return 0;
    }
}

int enc_to_utf8(const char *data, size_t len, enc_t want, char **out,
                size_t *outlen, enc_t *used, err_t *err)
{
    if (enc_not_text(data, len, err) != 0)
        return -1;
    enc_probe_t pr;
    enc_probe_init(&pr);
    enc_probe_feed(&pr, data, len);
    enc_t e = enc_probe_end(&pr);
    if (want != ENC_AUTO)
        e = want;
    if (pr.bom) {
        data += 3;
        len -= 3;
    } else if (pr.gbbom && e == ENC_GB18030) {
        data += 4;
        len -= 4;
    }
    if (e == ENC_UTF8) {
        if (want == ENC_UTF8 && pr.bad_off >= 0) {
            err_set_at(err, ERR_INPUT, pr.bad_line, pr.bad_col, _("invalid UTF-8 byte 0x%02X"),
                       pr.bad_byte);
            return -1;
        }
        if (enc_probe_error(&pr, err) != 0)
            return -1;
        *out = util_xstrndup(data, len);
        *outlen = len;
        if (used)
            *used = ENC_UTF8;
        return 0;
    }
    /* ENC_AUTO picks GB18030 without a UTF-8 BOM, after a bad byte, so
     * pr.bad_off is then an offset into data; or for a GB18030 BOM, when
     * the file said what it is and a bad byte is bad GB18030 */
    if (from_gb18030(data, len, out, outlen, err,
                     want == ENC_AUTO && !pr.gbbom ? (size_t)pr.bad_off : (size_t)-1) != 0)
        return -1;
    if (used)
        *used = ENC_GB18030;
    return 0;
}
