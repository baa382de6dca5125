/*
 * packed: one response's answers in one value, and back (the layout is in
 * packed.h).  Most answers of a survey are small integers whose text is
 * their digits (select_one codes, ratings): those take two bytes, a tag
 * and the number.  Doubles are kept as their 8 bytes so that every value
 * comes back bit for bit (-0.0 and NaN payloads included), and texts as
 * they are.  The decoder checks every length against the blob's end.
 */
#include "survey/packed.h"

#include <math.h>
#include <string.h>

#include "base/i18n.h"

enum {
    NUM_NONE = 0,
    NUM_INT = 1,
    NUM_DOUBLE = 2,
    NUM_MASK = 3,
    HAS_TEXT = 4,
    TEXT_DIGITS = 8
};

/* v as a varint into c; returns its length (at most 10) */
static size_t put_varint(char *c, uint64_t v)
{
    size_t n = 0;
    do {
        c[n++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

/* 0, or -1 when the varint runs past the end or beyond 64 bits */
static int get_varint_long(packed_it_t *it, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (it->p == it->end)
            return -1;
        unsigned char c = *it->p++;
        if (shift == 63 && c > 1)
            return -1;
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

/* The same, one byte (most varints: steps and codes below 128) read here
 * rather than by a call. */
static inline int get_varint(packed_it_t *it, uint64_t *v)
{
    if (it->p != it->end && *it->p < 0x80) {
        *v = *it->p++;
        return 0;
    }
    return get_varint_long(it, v);
}

/* The digits of 0..99, for the answers most often read. */
#define D10(t) #t "0", #t "1", #t "2", #t "3", #t "4", #t "5", #t "6", #t "7", #t "8", #t "9"
const char packed_small_digits[100][3] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                                          D10(1), D10(2), D10(3), D10(4), D10(5), D10(6),
                                          D10(7), D10(8), D10(9)};
#undef D10

/* The integer num is exactly, if it is one (-0.0 is not: its sign would
 * be lost). */
static int as_int(double num, int64_t *v)
{
    if (!(num >= -9223372036854775808.0 && num < 9223372036854775808.0))
        return 0;                /* NaN, infinities and out of range */
    *v = (int64_t)num;
    return (double)*v == num && !(num == 0 && signbit(num));
}

/* 1 when text[0..n) is exactly v's decimal digits (what packed_next gives
 * back for TEXT_DIGITS); 0..99, a code or a rating, without writing them */
static int is_digits(int64_t v, const char *text, size_t n)
{
    if (v >= 0 && v < 100) {
        const char *s = packed_small_digits[v];
        return v < 10 ? n == 1 && text[0] == s[0] : n == 2 && text[0] == s[0] && text[1] == s[1];
    }
    char d[24];
    return n < sizeof d && util_int_digits(v, d) == n && memcmp(d, text, n) == 0;
}

/* Does t[0..n) hold a NUL?  A short text (most: codes) is looked at here,
 * not by a call. */
static int has_nul(const char *t, size_t n)
{
    if (n > 16)
        return memchr(t, '\0', n) != NULL;
    for (size_t i = 0; i < n; i++)
        if (!t[i])
            return 1;
    return 0;
}

int packed_put(util_buf_t *b, int *last, const packed_ans_t *a, err_t *err)
{
    if (a->pos <= *last) {
        err_set(err, ERR_INPUT, _("storing answers: item position %d does not follow %d"), a->pos,
                *last);
        return -1;
    }
    if (a->text && has_nul(a->text, a->tlen)) {
        err_set(err, ERR_INPUT, _("storing answers: a text holds a NUL byte"));
        return -1;
    }
    uint64_t step = (uint64_t)((int64_t)a->pos - *last);
    int64_t v = 0;
    int kind = !a->has_num ? NUM_NONE : as_int(a->num, &v) ? NUM_INT : NUM_DOUBLE;
    int tag = kind;
    if (a->text)
        tag |= kind == NUM_INT && is_digits(v, a->text, a->tlen) ? TEXT_DIGITS : HAS_TEXT;
    /* the tag, the step and the number in one piece, at most 1 + 10 + 10,
     * and a short text with them: one append per answer */
    char c[64];
    size_t k = 0;
    c[k++] = (char)(tag | (step <= 15 ? (int)step << 4 : 0));
    if (step > 15)
        k += put_varint(c + k, step);
    if (kind == NUM_INT) {
        k += put_varint(c + k, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));   /* zigzag */
    } else if (kind == NUM_DOUBLE) {
        uint64_t bits;
        memcpy(&bits, &a->num, 8);
        for (int i = 0; i < 8; i++)
            c[k++] = (char)(bits >> (8 * i));
    }
    if ((tag & HAS_TEXT) && a->tlen < sizeof c - k) {
        memcpy(c + k, a->text, a->tlen + 1);
        k += a->tlen + 1;
        tag &= ~HAS_TEXT;   /* written */
    }
    util_buf_add(b, c, k);
    if (tag & HAS_TEXT)
        util_buf_add(b, a->text, a->tlen + 1);
    *last = a->pos;
    return 0;
}

void packed_begin(packed_it_t *it, const void *blob, size_t n)
{
    it->p = blob;
    it->end = blob ? it->p + n : it->p;
    it->pos = -1;
}

/* The tags no writer makes, by their low four bits: bit (tag & 15) of
 * BAD_LOW is set for the number kind 3, for text and digits both, and
 * for digits without an integer (one test instead of three). */
#define BAD_LOW ((uint16_t)((1u << 3) | (1u << 7) | (1u << 11) | (1u << 15) | /* kind 3 */ \
                            (1u << 12) | (1u << 13) | (1u << 14) |  /* text and digits */  \
                            (1u << 8) | (1u << 10)))                 /* digits, no integer */

static int damaged(packed_it_t *it, err_t *err)
{
    err_set(err, ERR_DB, _("a stored response's answers are damaged (at position %d)"), it->pos);
    it->p = it->end;             /* nothing more comes out of it */
    return -1;
}

int packed_next_any(packed_it_t *it, packed_ans_t *a, err_t *err)
{
    if (it->p == it->end)
        return 0;
    int tag = *it->p++;
    uint64_t step = (unsigned)tag >> 4;
    if (step == 0 && get_varint(it, &step))
        return damaged(it, err);
    int kind = tag & NUM_MASK;
    if (step == 0 || step > (uint64_t)((int64_t)INT32_MAX - it->pos) || (BAD_LOW >> (tag & 15)) & 1)
        return damaged(it, err);
    it->pos += (int)step;
    a->pos = it->pos;
    a->has_num = kind != NUM_NONE;
    a->num = 0;
    a->text = NULL;
    a->tlen = 0;
    if (kind == NUM_INT) {
        uint64_t z;
        if (get_varint(it, &z))
            return damaged(it, err);
        int64_t v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
        a->num = (double)v;
        if (tag & TEXT_DIGITS) {
            if (v >= 0 && v < 100) {
                /* the common case (codes and ratings): a constant text,
                 * nothing written or copied per answer */
                a->text = packed_small_digits[v];
                a->tlen = v < 10 ? 1 : 2;
            } else {
                a->tlen = util_int_digits(v, it->digits);
                a->text = it->digits;
            }
        }
    } else if (kind == NUM_DOUBLE) {
        if (it->end - it->p < 8)
            return damaged(it, err);
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++)
            bits |= (uint64_t)it->p[i] << (8 * i);
        memcpy(&a->num, &bits, 8);
        it->p += 8;
    }
    if (tag & HAS_TEXT) {
        const unsigned char *nul = memchr(it->p, '\0', (size_t)(it->end - it->p));
        if (!nul)
            return damaged(it, err);
        a->text = (const char *)it->p;
        a->tlen = (size_t)(nul - it->p);
        it->p = nul + 1;
    }
    return 1;
}

long packed_count(const void *blob, size_t n, err_t *err)
{
    packed_it_t it;
    packed_ans_t a;
    long k = 0;
    int r;
    packed_begin(&it, blob, n);
    while ((r = packed_next(&it, &a, err)) == 1)
        k++;
    return r < 0 ? -1 : k;
}
