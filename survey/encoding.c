/*
 * encoding: BOM stripping, UTF-8 validation and GB18030 -> UTF-8 through
 * glibc's iconv.  GB18030 is a superset of GBK and GB2312, so one decoder
 * covers every file Chinese Excel writes.
 */
#include "encoding.h"
#include "util.h"
#include "i18n.h"

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
static int from_gb18030(const char *data, size_t len, char **out, size_t *outlen, char **err,
                        size_t utf8_bad)
{
    int rc = -1;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    util_buf_t b = {0};
    if (cd == (iconv_t)-1) {
        util_seterr(err, _("GB18030 conversion is not available: %s"), strerror(errno));
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
                util_seterr(err, _("line %ld, column %ld: byte 0x%02X is not valid GB18030"),
                            line, col, (unsigned char)data[off]);
            else
                util_seterr(err, _("line %ld, column %ld: byte 0x%02X is neither UTF-8 nor "
                            "GB18030; save the file as UTF-8"), line, col,
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

int enc_to_utf8(const char *data, size_t len, enc_t want, char **out,
                size_t *outlen, enc_t *used, char **err)
{
    int bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
    if (bom) {
        data += 3;
        len -= 3;
    }
    size_t bad = 0;
    if (want == ENC_UTF8 || (want == ENC_AUTO && (bom || util_utf8_valid(data, len, &bad)))) {
        if (want == ENC_UTF8 && !util_utf8_valid(data, len, &bad)) {
            long line, col;
            position(data, bad, &line, &col);
            util_seterr(err, _("line %ld, column %ld: invalid UTF-8 byte 0x%02X"), line, col,
                        (unsigned char)data[bad]);
            return -1;
        }
        if (bom && !util_utf8_valid(data, len, &bad)) {
            long line, col;
            position(data, bad, &line, &col);
            util_seterr(err, _("line %ld, column %ld: invalid UTF-8 byte 0x%02X after a UTF-8 BOM"),
                        line, col, (unsigned char)data[bad]);
            return -1;
        }
        *out = util_xstrndup(data, len);
        *outlen = len;
        if (used)
            *used = ENC_UTF8;
        return 0;
    }
    if (from_gb18030(data, len, out, outlen, err, want == ENC_AUTO ? bad : (size_t)-1) != 0)
        return -1;
    if (used)
        *used = ENC_GB18030;
    return 0;
}
