/*
 * util: allocation, heap strings, string buffers, diagnostics, file reading
 * and UTF-8 display width.  See util.h for the ownership rules.
 */
#include "base/util.h"
#include "base/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(void)
{
    fputs("gapsurvey: out of memory\n", stderr);
    abort();
}

void *util_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *util_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *util_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *util_xstrdup(const char *s)
{
    return s ? util_xstrndup(s, strlen(s)) : NULL;
}

char *util_xstrndup(const char *s, size_t n)
{
    char *p = util_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *util_vfmt(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = util_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *util_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = util_vfmt(fmt, ap);
    va_end(ap);
    return p;
}

/* ---- buffers ---- */

static void buf_grow(util_buf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = util_xrealloc(b->s, cap);
    b->cap = cap;
}

void util_buf_add(util_buf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)   /* buf_grow's test here: most appends fit */
        buf_grow(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void util_buf_adds(util_buf_t *b, const char *s)
{
    util_buf_add(b, s, strlen(s));
}

void util_buf_addc(util_buf_t *b, char c)
{
    util_buf_add(b, &c, 1);
}

void util_buf_addf(util_buf_t *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    /* formatted straight into the spare room, and again only when it did
     * not fit: measuring first doubled the cost of every web page's
     * hundreds of short pieces */
    buf_grow(b, 64);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->s + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n > 0 && (size_t)n >= room) {
        buf_grow(b, (size_t)n);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    }
    if (n > 0)
        b->len += (size_t)n;
    b->s[b->len] = '\0';
    va_end(ap);
}

void util_buf_reset(util_buf_t *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

char *util_buf_take(util_buf_t *b)
{
    char *s = b->s ? b->s : util_xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void util_buf_free(util_buf_t *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* ---- diagnostics ---- */

void util_diag_add(util_diag_t *d, util_sev_t sev, const char *file, long line,
                   long col, const char *fmt, ...)
{
    util_buf_t b = {0};
    util_buf_adds(&b, file ? file : "-");
    if (line > 0) {
        util_buf_addf(&b, ":%ld", line);
        if (col > 0)
            util_buf_addf(&b, ":%ld", col);
    }
    /* "error"/"warning" in the user's language (gcc's zh_CN says 错误：) */
    util_buf_adds(&b, ": ");
    util_buf_adds(&b, sev == UTIL_ERROR ? _("error: ") : _("warning: "));
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    util_buf_adds(&b, m);
    free(m);
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->msgs = util_xrealloc(d->msgs, d->cap * sizeof *d->msgs);
        d->sev = util_xrealloc(d->sev, d->cap * sizeof *d->sev);
    }
    d->msgs[d->n] = util_buf_take(&b);
    d->sev[d->n] = sev;
    d->n++;
    if (sev == UTIL_ERROR)
        d->nerrors++;
    else
        d->nwarnings++;
}

void util_diag_err(util_diag_t *d, util_sev_t sev, const char *file, const err_t *e)
{
    util_diag_add(d, sev, e->file ? e->file : file, e->line, e->col, "%s", e->msg);
}

void util_diag_print(const util_diag_t *d, FILE *out)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(out, "%s\n", d->msgs[i]);
}

void util_diag_free(util_diag_t *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->msgs[i]);
    free(d->msgs);
    free(d->sev);
    memset(d, 0, sizeof *d);
}

/* ---- files ---- */

int util_read_file(const char *path, char **data, size_t *len, err_t *err)
{
    int rc = -1;
    util_buf_t b = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
        goto cleanup;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        util_buf_add(&b, chunk, n);
    if (ferror(f)) {
        err_set(err, ERR_IO, _("%s: read error: %s"), path, strerror(errno));
        goto cleanup;
    }
    *len = b.len;
    *data = util_buf_take(&b);
    rc = 0;
cleanup:
    if (f)
        fclose(f);
    util_buf_free(&b);
    return rc;
}

/* ---- UTF-8 ---- */

int util_utf8_decode(const char *str, size_t n, unsigned *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0) {
        *cp = 0;
        return 0;
    }
    unsigned c = s[0];
    int len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2; c &= 0x1F; min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3; c &= 0x0F; min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4; c &= 0x07; min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if ((size_t)len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return len;
}

/* East Asian Wide/Fullwidth ranges (Unicode UAX #11) that occur in survey
 * text, plus combining marks as zero width.  wcwidth() would need a UTF-8
 * locale, which a kiosk running with LANG=C does not have. */
int util_cp_width(unsigned cp)
{
    if (cp == 0)
        return 0;
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
        (cp >= 0xFE00 && cp <= 0xFE0F))
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

size_t util_utf8_width(const char *s)
{
    size_t w = 0, n = strlen(s);
    while (n > 0) {
        unsigned cp;
        int k = util_utf8_decode(s, n, &cp);
        w += (size_t)util_cp_width(cp);
        s += k;
        n -= (size_t)k;
    }
    return w;
}

size_t util_utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    while (n > 0) {
        unsigned cp;
        int k = util_utf8_decode(s, n, &cp);
        s += k;
        n -= (size_t)k;
        c++;
    }
    return c;
}

int util_utf8_valid(const char *s, size_t n, size_t *bad_at)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {   /* ASCII, most of a CSV file: no decoding */
            i++;
            continue;
        }
        unsigned cp;
        int k = util_utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && !(k == 3 && (unsigned char)s[i] == 0xEF)) {
            if (bad_at)
                *bad_at = i;
            return 0;
        }
        i += (size_t)k;
    }
    return 1;
}

void util_fput_padded(FILE *f, const char *s, size_t width, int right)
{
    size_t w = util_utf8_width(s);
    if (right)
        for (size_t i = w; i < width; i++)
            fputc(' ', f);
    fputs(s, f);
    if (!right)
        for (size_t i = w; i < width; i++)
            fputc(' ', f);
}

char *util_utf8_cut(const char *s, size_t cols)
{
    if (!s)
        s = "";
    size_t n = strlen(s), w = 0, i = 0, keep = 0;
    if (util_utf8_width(s) <= cols)
        return util_xstrdup(s);
    while (i < n) {
        unsigned cp;
        int k = util_utf8_decode(s + i, n - i, &cp);
        int cw = util_cp_width(cp);
        if (w + (size_t)cw > cols - 1)
            break;
        w += (size_t)cw;
        i += (size_t)k;
        keep = i;
    }
    char *out = util_xmalloc(keep + 4);
    memcpy(out, s, keep);
    memcpy(out + keep, "\xe2\x80\xa6", 4);   /* … and the NUL */
    return out;
}

/* ---- text ---- */

char *util_trim(char *s)
{
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    char *b = s;
    while (*b && isspace((unsigned char)*b))
        b++;
    if (b != s)
        memmove(s, b, strlen(b) + 1);
    return s;
}

int util_streq_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int util_parse_double(const char *s, double *out)
{
    if (!s || !*s || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end && isspace((unsigned char)*end))
        end++;
    if (*end || errno == ERANGE || !isfinite(v))
        return -1;
    /* strtod accepts hex floats and "inf"; survey numbers are decimal */
    for (const char *p = s; p < end; p++)
        if (*p == 'x' || *p == 'X' || isalpha((unsigned char)*p)) {
            if (*p != 'e' && *p != 'E')
                return -1;
        }
    *out = v;
    return 0;
}

size_t util_int_digits(int64_t v, char d[24])
{
    char t[24];
    size_t n = 0, k = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        t[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        d[k++] = '-';
    while (n)
        d[k++] = t[--n];
    d[k] = '\0';
    return k;
}

/* util_fmt_g15: "%.15g" is 15 significant digits, rounded from the
 * double's exact binary value to nearest, ties to an even last digit (how
 * glibc rounds in the default mode), written without an exponent when the
 * rounded number's exponent X is in [-4, 15), trailing zeros of the
 * fraction dropped, then the point if nothing follows it.  For a number
 * that is not an integer with 1e-4 <= |v| < 1e15 this does the same with
 * exact integers: |v| = m / 2^s (m the 53-bit significand), so
 * |v| * 10^(14-X) = m * 10^(14-X) / 2^s, a product below 2^113 in 128
 * bits whose quotient is the 15 digits and whose remainder decides the
 * rounding exactly.  Integers below 1e15 are their digits; everything
 * else (the exponent forms, NaN, the infinities) is printf's. */
static const uint64_t pow10_u64[19] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u,
    10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
    1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u};

/* The 15 digits of |v| (not an integer, 1e-4 <= |v| < 1e15) and *x its
 * exponent as "%.15g" rounds it; 0 when that exponent is 15 (printf's
 * exponent form). */
static uint64_t digits15(double a, int *x)
{
    int e2;
    uint64_t m = (uint64_t)ldexp(frexp(a, &e2), 53);   /* exact: a = m / 2^s */
    int s = 53 - e2;                                   /* 3..66 in this range */
    int X = (int)floor(log10(a));                      /* right, or one off */
    for (int tries = 0; tries < 4; tries++) {
        if (X < -4 || X > 14)
            return 0;
        unsigned __int128 p = (unsigned __int128)m * pow10_u64[14 - X];
        unsigned __int128 q = p >> s, r = p & (((unsigned __int128)1 << s) - 1);
        unsigned __int128 half = (unsigned __int128)1 << (s - 1);
        if (q >= pow10_u64[15]) {
            X++;
            continue;
        }
        if (q < pow10_u64[14]) {
            X--;
            continue;
        }
        uint64_t d = (uint64_t)q;
        if (r > half || (r == half && (d & 1)))
            d++;
        if (d == pow10_u64[15]) {   /* rounded up to the next power of ten */
            d = pow10_u64[14];
            X++;
        }
        *x = X;
        return X <= 14 ? d : 0;
    }
    return 0;
}

size_t util_fmt_g15(double v, char out[32])
{
    double a = fabs(v);
    if (isfinite(v) && v == floor(v) && a < 1e15) {
        if (v == 0 && signbit(v)) {
            memcpy(out, "-0", 3);
            return 2;
        }
        return util_int_digits((int64_t)v, out);
    }
    int X = 0;
    uint64_t d = isfinite(v) && a >= 1e-4 && a < 1e15 ? digits15(a, &X) : 0;
    if (!d)
        return (size_t)snprintf(out, 32, "%.15g", v);
    char t[16];
    for (int i = 14; i >= 0; i--, d /= 10)
        t[i] = (char)('0' + d % 10);
    int last = 14;   /* the last digit kept: trailing zeros of the fraction go */
    while (last > (X > 0 ? X : 0) && t[last] == '0')
        last--;
    size_t k = 0;
    if (v < 0)
        out[k++] = '-';
    if (X >= 0) {
        memcpy(out + k, t, (size_t)X + 1);
        k += (size_t)X + 1;
        if (last > X) {
            out[k++] = '.';
            memcpy(out + k, t + X + 1, (size_t)(last - X));
            k += (size_t)(last - X);
        }
    } else {
        out[k++] = '0';
        out[k++] = '.';
        for (int i = X; i < -1; i++)
            out[k++] = '0';
        memcpy(out + k, t, (size_t)last + 1);
        k += (size_t)last + 1;
    }
    out[k] = '\0';
    return k;
}

int util_parse_long(const char *s, long *out)
{
    if (!s || !*s || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    while (*end && isspace((unsigned char)*end))
        end++;
    if (*end || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

int util_is_yes(const char *s)
{
    return util_streq_ci(s, "yes") || util_streq_ci(s, "true") ||
           util_streq_ci(s, "true()") || strcmp(s, "1") == 0;
}

int util_is_no(const char *s)
{
    return !*s || util_streq_ci(s, "no") || util_streq_ci(s, "false") ||
           util_streq_ci(s, "false()") || strcmp(s, "0") == 0;
}

int util_has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    if (!list || !n)
        return 0;
    for (const char *s = list; *s;) {
        while (*s == ' ')
            s++;
        size_t k = strcspn(s, " ");
        if (k == n && memcmp(s, word, n) == 0)
            return 1;
        s += k;
    }
    return 0;
}

size_t util_levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = util_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

const char *util_nearest(const char *word, const char *const *cand)
{
    const char *best = NULL;
    size_t bestd = 4;
    for (; *cand; cand++) {
        size_t d = util_levenshtein(word, *cand);
        if (d < bestd) {
            bestd = d;
            best = *cand;
        }
    }
    return best;
}

void util_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A day, with who was at work or got their slip that day, can narrow a
 * small unit's respondents to one; a week still shows how collection
 * progresses. */
void util_iso_week(const char *date, char out[16])
{
    struct tm tm = {0};
    char extra;
    snprintf(out, 16, "%s", date ? date : "");
    if (date && strlen(date) == 10 &&
        sscanf(date, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &extra) == 3) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_hour = 12;
        time_t t = timegm(&tm);
        struct tm n;
        if (gmtime_r(&t, &n))
            strftime(out, 16, "%G-W%V", &n);
    }
}

int util_parse_date(const char *s, char out[11])
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 0, m = 0, d = 0, n = 0;
    char sep1 = 0, sep2 = 0;
    while (*s == ' ')
        s++;
    /* 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日 */
    if (sscanf(s, "%4d%c%2d%c%2d%n", &y, &sep1, &m, &sep2, &d, &n) == 5 && sep1 == sep2 &&
        (sep1 == '-' || sep1 == '/' || sep1 == '.')) {
        s += n;
    } else if (sscanf(s, "%4d\xE5\xB9\xB4%2d\xE6\x9C\x88%2d\xE6\x97\xA5%n", &y, &m, &d, &n) == 3 &&
               n > 0) {
        s += n;
    } else {
        return -1;
    }
    while (*s == ' ')
        s++;
    if (*s)
        return (*s == 'T' || isdigit((unsigned char)*s)) ? -2 : -1;
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
        (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
        return -1;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = out[7] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return 0;
}
