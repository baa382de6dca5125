/*
 * Unit tests for base/util and base/encoding: display width of UTF-8
 * text (terminal tables line up only if CJK counts two columns), the strict
 * number parsers every CSV cell goes through, the "did you mean"
 * machinery, conversion of Excel/WPS bytes to UTF-8 with the line and
 * column of a bad byte, string buffers and the diagnostics list.
 * Mostly tables: one row per input and what must come out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/encoding.h"
#include "base/texttab.h"
#include "base/util.h"
#include "tests/unit/testerr.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- UTF-8 ---- */

/* A cut keeps whole characters and ends in "…" within the columns. */
static void test_utf8_cut(void **state)
{
    (void)state;
    static const struct { const char *s; size_t cols; const char *want; } cases[] = {
        { "市委办公室", 10, "市委办公室" },             /* fits: unchanged */
        { "市委办公室", 9, "市委办公\xE2\x80\xA6" },      /* 8 columns + "…" */
        { "市委办公室", 8, "市委办\xE2\x80\xA6" },        /* never half a character */
        { "U01市委", 4, "U01\xE2\x80\xA6" },
        { "abcdef", 3, "ab\xE2\x80\xA6" },
        { NULL, 3, "" },
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *c = util_utf8_cut(cases[i].s, cases[i].cols);
        if (strcmp(c, cases[i].want) != 0 || util_utf8_width(c) > cases[i].cols ||
            !util_utf8_valid(c, strlen(c), NULL))
            fail_msg("[%zu] cut to %zu: \"%s\", want \"%s\"", i, cases[i].cols, c, cases[i].want);
        free(c);
    }
}

/* Columns line up in display width: a Chinese heading is two columns a
 * character; colour sequences take none; no trailing spaces. */
static void test_texttab(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    texttab_t *t = texttab_new(3, "lrl");
    texttab_limit(t, 2, 6);
    texttab_add(t, "单位");
    texttab_add(t, "人数");
    texttab_add(t, "名称");
    texttab_add(t, "U01");
    texttab_addf(t, "%d", 37);
    texttab_add(t, "市委办公室");                 /* 10 columns: cut to 6 */
    texttab_add(t, "U02");
    texttab_add(t, "\033[31m5\033[0m");          /* red, one column */
    texttab_add(t, "");
    assert_int_equal(texttab_rows(t), 3);
    texttab_print(t, f, 2);
    texttab_free(t);
    fclose(f);
    assert_string_equal(buf, "  单位  人数  名称\n"
                             "  U01     37  市委\xE2\x80\xA6\n"
                             "  U02      \033[31m5\033[0m\n");
    free(buf);
}

static void test_utf8_width(void **state)
{
    (void)state;
    static const struct { const char *s; size_t width, chars; } cases[] = {
        { "", 0, 0 },
        { "abc", 3, 3 },
        { "U01", 3, 3 },
        { "单位", 4, 2 },                       /* CJK ideographs: 2 each */
        { "U01 市委办公室", 14, 9 },
        { "，。！", 6, 3 },                     /* full-width punctuation */
        { "（是）", 6, 3 },
        { "、「」", 6, 3 },                     /* CJK symbols block */
        { "Ａ１", 4, 2 },                       /* full-width Latin and digits */
        { "e\xCC\x81", 1, 2 },                  /* e + combining acute: one column */
        { "a\xE2\x80\x8B" "b", 2, 3 },          /* zero-width space */
        { "한국", 4, 2 },                       /* Hangul */
        { "\xE2\x80\x9C" "x" "\xE2\x80\x9D", 3, 3 },   /* curly quotes are narrow */
        { "\xF0\x9F\x98\x80", 2, 1 },           /* emoji */
        { "\xF0\xA0\x80\x80", 2, 1 },           /* CJK extension B */
        { "\xff", 1, 1 },                       /* invalid byte: one replacement */
        { "a\xE4\xB8", 3, 3 },                  /* truncated sequence: each byte one */
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        size_t w = util_utf8_width(cases[i].s);
        size_t c = util_utf8_chars(cases[i].s, strlen(cases[i].s));
        if (w != cases[i].width || c != cases[i].chars)
            fail_msg("[%zu] \"%s\": width %zu chars %zu, want %zu %zu", i, cases[i].s, w, c,
                     cases[i].width, cases[i].chars);
    }
    assert_int_equal(util_cp_width(0), 0);
    assert_int_equal(util_cp_width('a'), 1);
    assert_int_equal(util_cp_width(0x4E00), 2);
    assert_int_equal(util_cp_width(0x0301), 0);
    assert_int_equal(util_cp_width(0xFF0C), 2);
    assert_int_equal(util_cp_width(0xFF61), 1);   /* half-width katakana punctuation */
}

static void test_utf8_decode_valid(void **state)
{
    (void)state;
    static const struct { const char *s; size_t n; int len; unsigned cp; } dec[] = {
        { "A", 1, 1, 'A' },
        { "\xC3\xA9", 2, 2, 0xE9 },
        { "\xE5\x8D\x95", 3, 3, 0x5355 },
        { "\xF0\x9F\x98\x80", 4, 4, 0x1F600 },
        { "\xEF\xBF\xBD", 3, 3, 0xFFFD },       /* a real U+FFFD */
        { "\xC0\xAF", 2, 1, 0xFFFD },           /* overlong */
        { "\xE0\x80\xAF", 3, 1, 0xFFFD },       /* overlong */
        { "\xED\xA0\x80", 3, 1, 0xFFFD },       /* surrogate */
        { "\xF4\x90\x80\x80", 4, 1, 0xFFFD },   /* above U+10FFFF */
        { "\xE5\x8D", 2, 1, 0xFFFD },           /* truncated */
        { "\xE5\x41\x95", 3, 1, 0xFFFD },       /* bad continuation */
        { "\x80", 1, 1, 0xFFFD },               /* lone continuation */
        { "", 0, 0, 0 },
    };
    for (size_t i = 0; i < N_OF(dec); i++) {
        unsigned cp = 1;
        int len = util_utf8_decode(dec[i].s, dec[i].n, &cp);
        if (len != dec[i].len || cp != dec[i].cp)
            fail_msg("decode [%zu]: len %d cp U+%04X", i, len, cp);
    }

    static const struct { const char *s; int valid; size_t bad_at; } val[] = {
        { "plain ascii", 1, 0 },
        { "单位，意见", 1, 0 },
        { "\xEF\xBF\xBD ok", 1, 0 },
        { "ab\xff", 0, 2 },
        { "单\xC0\xAF", 0, 3 },
        { "x\xED\xA0\x80", 0, 1 },
        { "位\xE5\x8D", 0, 3 },
    };
    for (size_t i = 0; i < N_OF(val); i++) {
        size_t bad = 999;
        int v = util_utf8_valid(val[i].s, strlen(val[i].s), &bad);
        if (v != val[i].valid || (!v && bad != val[i].bad_at))
            fail_msg("valid [%zu]: %d at %zu", i, v, bad);
    }
    assert_true(util_utf8_valid("a\xff", 1, NULL));   /* only n bytes are looked at */
}

static void test_fput_padded(void **state)
{
    (void)state;
    static const struct { const char *s; size_t width; int right; const char *want; } cases[] = {
        { "单位", 6, 0, "单位  " },
        { "单位", 6, 1, "  单位" },
        { "ab", 4, 0, "ab  " },
        { "市委办公室", 4, 0, "市委办公室" },   /* longer: written whole */
        { "", 2, 1, "  " },
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        util_fput_padded(f, cases[i].s, cases[i].width, cases[i].right);
        fclose(f);
        if (strcmp(buf, cases[i].want) != 0)
            fail_msg("padded [%zu]: \"%s\"", i, buf);
        free(buf);
    }
}

/* ---- numbers ---- */

static void test_parse_double(void **state)
{
    (void)state;
    static const struct { const char *s; int rc; double v; } cases[] = {
        { "3", 0, 3 },
        { "-2.5", 0, -2.5 },
        { "+4", 0, 4 },
        { ".5", 0, 0.5 },
        { "5.", 0, 5 },
        { "1e3", 0, 1000 },
        { "1E-2", 0, 0.01 },
        { "-0", 0, 0 },
        { "5 ", 0, 5 },            /* trailing spaces, as Excel pads cells */
        { "5 \t", 0, 5 },
        { " 5", -1, 0 },           /* leading space is refused */
        { "", -1, 0 },
        { "   ", -1, 0 },
        { "0x10", -1, 0 },         /* strtod reads hex; survey numbers are decimal */
        { "0X1p3", -1, 0 },
        { "inf", -1, 0 },
        { "-Infinity", -1, 0 },
        { "nan", -1, 0 },
        { "NAN(1)", -1, 0 },
        { "1e999", -1, 0 },        /* overflows */
        { "1e", -1, 0 },
        { "e5", -1, 0 },
        { "1,5", -1, 0 },
        { "1.2.3", -1, 0 },
        { "--1", -1, 0 },
        { "5 x", -1, 0 },
        { "five", -1, 0 },
        { "３", -1, 0 },           /* full-width digit */
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        double v = -12345;
        int rc = util_parse_double(cases[i].s, &v);
        if (rc != cases[i].rc || (rc == 0 && v != cases[i].v))
            fail_msg("parse_double(\"%s\"): rc %d v %g", cases[i].s, rc, v);
        if (rc != 0 && v != -12345)
            fail_msg("parse_double(\"%s\") wrote its output on failure", cases[i].s);
    }
    double v;
    assert_int_equal(util_parse_double(NULL, &v), -1);
}

/* util_fmt_g15 writes what snprintf's "%.15g" writes, byte for byte:
 * the numbers analyze --json prints (means, proportions, statistics),
 * random bit patterns, every power of ten and its neighbours, numbers
 * that lie exactly half-way between two 15-digit numbers (ties: to the
 * even digit), and those that round up to the next power of ten. */
static void g15_same(double v)
{
    char want[64], got[32];
    snprintf(want, sizeof want, "%.15g", v);
    size_t n = util_fmt_g15(v, got);
    if (strcmp(want, got) != 0 || n != strlen(want))
        fail_msg("%a: printf %s, util_fmt_g15 %s", v, want, got);
}

static void test_fmt_g15(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15u;
    double edge[] = {0, -0.0, 1, -1, 0.5, 0.1, 0.0001, 0.00009999999999999999, 1e-4, 1e-5,
                     999999999999999.0, 999999999999999.5, 99999999999999.95,
                     999999999999999.9, 1e15, 1e15 + 2, 0.000099999999999999995,
                     12345678901234.5, 12345678901235.5, 1.0000000000000005,
                     0.30000000000000004, 2.5, 1.5 / 3, 1 / 3.0, 2 / 3.0, 1e300, 5e-324,
                     NAN, INFINITY, -INFINITY, 4.35, 0.15, 0.25, 1e14 + 0.5};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        g15_same(edge[i]);
        g15_same(-edge[i]);
    }
    for (int e = -8; e <= 16; e++) {
        double p = pow(10, e);
        g15_same(p);
        g15_same(nextafter(p, 0));
        g15_same(nextafter(p, INFINITY));
    }
    for (long i = 0; i < 1000000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        switch (i % 5) {
        case 0:   /* a mean or a proportion: k / n */
            v = (double)(x % 100000) / (double)(1 + (x >> 20) % 5000);
            break;
        case 1:   /* any magnitude in and around the range without an exponent */
            v = ldexp((double)(x >> 11), -53) * pow(10, (int)((x >> 3) % 24) - 7);
            break;
        case 2: { /* any bit pattern */
            memcpy(&v, &x, sizeof v);
            break;
        }
        case 3:   /* half-way between two 15-digit numbers when exact */
            v = ((double)((x >> 14) % 1000000000000000u) * 10 + 5) /
                pow(10, (int)((x >> 2) % 20));
            break;
        default:  /* a statistic: a square root, a logarithm */
            v = sqrt((double)(x % 1000003)) * ((x & 1) ? -1 : 1) + log1p((double)(x >> 40));
            break;
        }
        g15_same(v);
    }
    /* ties exactly: 2^-k steps above 10^14 have 15 digits and one more bit */
    for (uint64_t q = 100000000000000u; q < 100000000000000u + 20000; q++) {
        g15_same((double)q + 0.5);
        g15_same((double)q / 4 + 0.125);
    }
}

static void test_parse_long(void **state)
{
    (void)state;
    static const struct { const char *s; int rc; long v; } cases[] = {
        { "42", 0, 42 },
        { "-7", 0, -7 },
        { "+3", 0, 3 },
        { "0", 0, 0 },
        { "007", 0, 7 },           /* decimal, not octal */
        { "12 ", 0, 12 },
        { " 12", -1, 0 },
        { "", -1, 0 },
        { "0x10", -1, 0 },
        { "1.0", -1, 0 },
        { "1e3", -1, 0 },
        { "12abc", -1, 0 },
        { "99999999999999999999999", -1, 0 },
        { "-99999999999999999999999", -1, 0 },
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        long v = -12345;
        int rc = util_parse_long(cases[i].s, &v);
        if (rc != cases[i].rc || (rc == 0 && v != cases[i].v))
            fail_msg("parse_long(\"%s\"): rc %d v %ld", cases[i].s, rc, v);
        if (rc != 0 && v != -12345)
            fail_msg("parse_long(\"%s\") wrote its output on failure", cases[i].s);
    }
    long v;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", LONG_MAX);
    assert_int_equal(util_parse_long(buf, &v), 0);
    assert_true(v == LONG_MAX);
    snprintf(buf, sizeof buf, "%ld", LONG_MIN);
    assert_int_equal(util_parse_long(buf, &v), 0);
    assert_true(v == LONG_MIN);
    assert_int_equal(util_parse_long(NULL, &v), -1);
}

static void test_yes_no(void **state)
{
    (void)state;
    static const struct { const char *s; int yes, no; } cases[] = {
        { "yes", 1, 0 }, { "YES", 1, 0 }, { "True", 1, 0 }, { "true()", 1, 0 }, { "1", 1, 0 },
        { "no", 0, 1 },  { "No", 0, 1 },  { "FALSE", 0, 1 }, { "false()", 0, 1 }, { "0", 0, 1 },
        { "", 0, 1 },
        { "maybe", 0, 0 }, { "y", 0, 0 }, { "2", 0, 0 }, { "是", 0, 0 },
    };
    for (size_t i = 0; i < N_OF(cases); i++)
        if (util_is_yes(cases[i].s) != cases[i].yes || util_is_no(cases[i].s) != cases[i].no)
            fail_msg("yes/no \"%s\"", cases[i].s);
}

/* select_multiple answers are stored as "a c": a word is a whole item */
static void test_has_word(void **state)
{
    (void)state;
    static const struct { const char *list, *word; int has; } cases[] = {
        { "a c", "a", 1 },  { "a c", "c", 1 },   { "a c", "b", 0 },
        { "ab c", "a", 0 }, { "a bc", "b", 0 },  { "a bc", "bc", 1 },
        { "10 1", "1", 1 }, { "10 11", "1", 0 }, { "x", "x", 1 },
        { "  a  c ", "c", 1 }, { " a", "a", 1 },
        { "", "a", 0 },     { "a c", "", 0 },    { " ", "", 0 },   { NULL, "a", 0 },
        { "选项1 选项2", "选项2", 1 }, { "选项1 选项2", "选项", 0 },
    };
    for (size_t i = 0; i < N_OF(cases); i++)
        if (util_has_word(cases[i].list, cases[i].word) != cases[i].has)
            fail_msg("\"%s\" has \"%s\"", cases[i].list ? cases[i].list : "(null)", cases[i].word);
}

/* ---- did you mean ---- */

static void test_levenshtein(void **state)
{
    (void)state;
    static const struct { const char *a, *b; size_t d; } cases[] = {
        { "", "", 0 },
        { "", "abc", 3 },
        { "abc", "", 3 },
        { "kitten", "sitting", 3 },
        { "flaw", "lawn", 2 },
        { "select_one", "selct_one", 1 },
        { "Text", "text", 0 },              /* case does not count */
        { "planning", "planing", 1 },
        { "abc", "cba", 2 },
        { "单位", "单元", 3 },               /* bytes, not characters */
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        size_t d1 = util_levenshtein(cases[i].a, cases[i].b);
        size_t d2 = util_levenshtein(cases[i].b, cases[i].a);
        if (d1 != cases[i].d || d2 != cases[i].d)
            fail_msg("levenshtein(%s, %s) = %zu / %zu, want %zu", cases[i].a, cases[i].b, d1,
                     d2, cases[i].d);
    }
}

static void test_nearest(void **state)
{
    (void)state;
    static const char *const types[] = {"select_one", "select_multiple", "integer", "decimal",
                                        "text", "note", "begin_group", "end_group", NULL};
    static const char *const none[] = {NULL};
    static const char *const far[] = {"abcdefg", "abcdefgh", NULL};
    static const char *const tie[] = {"cat", "bat", NULL};
    static const struct {
        const char *word;
        const char *const *cand;
        const char *want;
    } cases[] = {
        { "selct_one", types, "select_one" },
        { "intger", types, "integer" },
        { "TEXT", types, "text" },
        { "begin grup", types, "begin_group" },
        { "select_mutliple", types, "select_multiple" },
        { "decimal", types, "decimal" },       /* exact */
        { "geopoint", types, NULL },
        { "xyzzy", types, NULL },
        { "anything", none, NULL },
        { "abcd", far, "abcdefg" },           /* distance 3 is still near */
        { "abcd", far + 1, NULL },            /* distance 4 is not */
        { "hat", tie, "cat" },                /* a tie goes to the first */
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        const char *got = util_nearest(cases[i].word, cases[i].cand);
        if (!(got == cases[i].want || (got && cases[i].want && strcmp(got, cases[i].want) == 0)))
            fail_msg("nearest(%s) = %s, want %s", cases[i].word, got ? got : "NULL",
                     cases[i].want ? cases[i].want : "NULL");
    }
}

/* ---- encodings ---- */

static void test_enc_to_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *desc;
        const char *in;
        size_t len;          /* 0: strlen */
        enc_t want;
        int rc;
        const char *out;     /* on success */
        enc_t used;
        const char *err;     /* on failure */
    } cases[] = {
        { "ASCII is UTF-8", "a,b\n", 0, ENC_AUTO, 0, "a,b\n", ENC_UTF8, NULL },
        { "UTF-8 Chinese", "单位,意见\n", 0, ENC_AUTO, 0, "单位,意见\n", ENC_UTF8, NULL },
        { "BOM stripped", "\xEF\xBB\xBFsurvey,,\n", 0, ENC_AUTO, 0, "survey,,\n", ENC_UTF8, NULL },
        { "BOM only", "\xEF\xBB\xBF", 0, ENC_AUTO, 0, "", ENC_UTF8, NULL },
        { "BOM stripped when UTF-8 is asked for", "\xEF\xBB\xBFx", 0, ENC_UTF8, 0, "x",
          ENC_UTF8, NULL },
        { "empty", "", 0, ENC_AUTO, 0, "", ENC_UTF8, NULL },
        { "GB18030 detected", "\xB5\xA5\xCE\xBB,ok\n", 0, ENC_AUTO, 0, "单位,ok\n", ENC_GB18030,
          NULL },
        { "GB18030 two- and four-byte sequences", "\xA8\xA6\xA2\xE3\x94\x39\xFC\x36", 0,
          ENC_AUTO, 0, "é€😀", ENC_GB18030, NULL },
        { "GB18030 asked for", "abc", 0, ENC_GB18030, 0, "abc", ENC_GB18030, NULL },
        { "NUL bytes pass through", "a\0b", 3, ENC_AUTO, 0, "a\0b", ENC_UTF8, NULL },
        { "neither: ASCII then a bad byte", "ab\ncd\xff", 0, ENC_AUTO, -1, NULL, ENC_AUTO,
          "line 2, column 3: byte 0xFF is neither UTF-8 nor GB18030; save the file as UTF-8" },
        { "neither: GB18030 text then a bad byte, column in characters",
          "x\n\xB5\xA5\xCE\xBB\xFF", 0, ENC_AUTO, -1, NULL, ENC_AUTO,
          "line 2, column 3: byte 0xFF is neither UTF-8 nor GB18030; save the file as UTF-8" },
        { "UTF-8 text then a bad byte: UTF-8 with an error, at the bad byte",
          "单位\n意见\xFF", 0, ENC_AUTO, -1, NULL, ENC_AUTO,
          "line 2, column 3: invalid UTF-8 byte 0xFF; the file is otherwise UTF-8, so it is "
          "not read as GB18030" },
        /* the last character cut to two of its three bytes: GB18030 would
         * decode all of it (as nonsense), which is what used to happen */
        { "UTF-8 cut off inside its last character", "单位意见\n单位\xE6\x84", 0, ENC_AUTO, -1,
          NULL, ENC_AUTO, "line 2, column 3: the file ends in the middle of a UTF-8 character; "
          "it looks cut off (copy or export it again)" },
        { "ASCII cut off inside a UTF-8 character", "a,b\n1,\xE6\x84", 0, ENC_AUTO, -1, NULL,
          ENC_AUTO, "line 2, column 3: the file ends in the middle of a UTF-8 character; it "
          "looks cut off (copy or export it again)" },
        { "bad byte amid UTF-8 text that GB18030 would also accept",
          "单位,意见\n单位,意\xE8\xC4\x81\n", 0, ENC_AUTO, -1, NULL, ENC_AUTO,
          "line 2, column 5: invalid UTF-8 byte 0xE8; the file is otherwise UTF-8, so it is not "
          "read as GB18030" },
        /* short GB18030 text is partly valid UTF-8 by chance (here 9 of its
         * 12 high bytes): still GB18030 */
        { "GB18030 that is three quarters valid UTF-8", "\xCE\xB4\xD6\xAA\xD1\xA1\xCF\xEE"
          "\xA1\xB0%s\xA1\xB1", 0, ENC_AUTO, 0, "未知选项“%s”", ENC_GB18030, NULL },
        { "GB18030 liantong", "\xC1\xAA\xCD\xA8", 0, ENC_AUTO, 0, "联通", ENC_GB18030, NULL },
        { "UTF-8 asked for, cut off", "ab\xE6\x84", 0, ENC_UTF8, -1, NULL, ENC_AUTO,
          "line 1, column 3: invalid UTF-8 byte 0xE6" },
        { "neither: a truncated GB18030 character at the end", "ab\xB5", 0, ENC_AUTO, -1,
          NULL, ENC_AUTO,
          "line 1, column 3: byte 0xB5 is neither UTF-8 nor GB18030; save the file as UTF-8" },
        { "UTF-8 asked for, bad byte", "单\n位\xFF", 0, ENC_UTF8, -1, NULL, ENC_AUTO,
          "line 2, column 2: invalid UTF-8 byte 0xFF" },
        { "bad byte after a BOM in UTF-8 text", "\xEF\xBB\xBF" "单位意见\xFF", 0, ENC_AUTO, -1,
          NULL, ENC_AUTO, "line 1, column 5: invalid UTF-8 byte 0xFF after a UTF-8 BOM" },
        { "GB18030 text after a UTF-8 BOM says so", "\xEF\xBB\xBF" "ab\xB5\xA5", 0, ENC_AUTO,
          -1, NULL, ENC_AUTO, "line 1, column 3: invalid UTF-8 byte 0xB5 after a UTF-8 BOM; the "
          "text after the BOM looks like GB18030 (as Chinese Excel and WPS save it): save the "
          "file again as CSV UTF-8" },
        { "GB18030 BOM: GB18030, the BOM dropped", "\x84\x31\x95\x33\xB5\xA5\xCE\xBB,ok\n", 0,
          ENC_AUTO, 0, "单位,ok\n", ENC_GB18030, NULL },
        { "GB18030 BOM before ASCII", "\x84\x31\x95\x33unit,a\n", 0, ENC_AUTO, 0, "unit,a\n",
          ENC_GB18030, NULL },
        { "GB18030 BOM when GB18030 is asked for", "\x84\x31\x95\x33\xB5\xA5", 0, ENC_GB18030,
          0, "单", ENC_GB18030, NULL },
        { "an .xlsx workbook is no text", "PK\x03\x04\x14\x00\x06\x00\x9E", 9, ENC_AUTO, -1,
          NULL, ENC_AUTO, "this is an Excel workbook (.xlsx) or another zip archive, not a CSV "
          "text file: save the sheet as CSV UTF-8 (in Excel or WPS: Save As, CSV UTF-8)" },
        { "an .xls workbook is no text", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x9E", 0, ENC_AUTO,
          -1, NULL, ENC_AUTO, "this is an Excel 97-2003 workbook (.xls) or a workbook saved with "
          "a password, not a CSV text file: save the sheet as CSV UTF-8 (in Excel or WPS: Save "
          "As, CSV UTF-8)" },
        { "GB18030 asked for, bad byte", "a\n\xB5\xA5\xFF", 0, ENC_GB18030, -1, NULL, ENC_AUTO,
          "line 2, column 2: byte 0xFF is not valid GB18030" },
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        err_t err = {0};
        char *out = NULL;
        size_t outlen = 12345;
        enc_t used = ENC_AUTO;
        int rc = enc_to_utf8(cases[i].in, len, cases[i].want, &out, &outlen, &used, &err);
        char *at = testerr_pos(&err);
        if (rc != cases[i].rc)
            fail_msg("[%zu] %s: rc %d, err %s", i, cases[i].desc, rc, at ? at : "(none)");
        if (rc == 0) {
            size_t want_len = cases[i].len ? cases[i].len : strlen(cases[i].out);
            if (cases[i].len && cases[i].in[0] == '\xEF')
                want_len -= 3;
            if (outlen != want_len || memcmp(out, cases[i].out, outlen) != 0 ||
                out[outlen] != '\0' || used != cases[i].used || at)
                fail_msg("[%zu] %s: got \"%s\" (%zu bytes) as %s", i, cases[i].desc, out,
                         outlen, enc_name(used));
        } else if (!at || strcmp(at, cases[i].err) != 0 || out || err.code != ERR_INPUT) {
            fail_msg("[%zu] %s: err \"%s\"", i, cases[i].desc, at ? at : "(none)");
        }
        free(at);
        free(out);
        err_clear(&err);
    }

    /* used may be NULL */
    char *out = NULL;
    size_t outlen;
    assert_int_equal(enc_to_utf8("x", 1, ENC_AUTO, &out, &outlen, NULL, NULL), 0);
    assert_string_equal(out, "x");
    free(out);
}

static void test_enc_names(void **state)
{
    (void)state;
    static const struct { const char *name; int rc; enc_t e; } cases[] = {
        { "auto", 0, ENC_AUTO }, { "utf-8", 0, ENC_UTF8 }, { "UTF8", 0, ENC_UTF8 },
        { "gb18030", 0, ENC_GB18030 }, { "GBK", 0, ENC_GB18030 }, { "gb2312", 0, ENC_GB18030 },
        { "latin1", -1, ENC_AUTO }, { "", -1, ENC_AUTO },
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        enc_t e = ENC_AUTO;
        int rc = enc_parse(cases[i].name, &e);
        if (rc != cases[i].rc || (rc == 0 && e != cases[i].e))
            fail_msg("enc_parse(%s)", cases[i].name);
    }
    assert_string_equal(enc_name(ENC_UTF8), "utf-8");
    assert_string_equal(enc_name(ENC_GB18030), "gb18030");
    assert_string_equal(enc_name(ENC_AUTO), "auto");
}

/* ---- buffers, strings, diagnostics ---- */

static void test_buf(void **state)
{
    (void)state;
    util_buf_t b = {0};

    /* nothing added: take still gives a heap "" */
    char *s = util_buf_take(&b);
    assert_string_equal(s, "");
    free(s);
    util_buf_addf(&b, "%s", "");
    assert_int_equal(b.len, 0);

    util_buf_add(&b, "ab", 2);
    util_buf_addc(&b, 'c');
    util_buf_adds(&b, "单位");
    util_buf_addf(&b, "-%d-%s", 42, "x");
    assert_string_equal(b.s, "abc单位-42-x");
    assert_int_equal(b.len, strlen("abc单位-42-x"));

    /* growth well past the first allocation, through every adder */
    for (int i = 0; i < 1000; i++)
        util_buf_addf(&b, "%04d", i);
    assert_int_equal(b.len, strlen("abc单位-42-x") + 4000);
    assert_memory_equal(b.s + b.len - 8, "09980999", 8);
    assert_int_equal(b.s[b.len], '\0');
    assert_true(b.cap > b.len);

    /* reset keeps the memory */
    size_t cap = b.cap;
    util_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, cap);
    assert_string_equal(b.s, "");

    /* embedded NUL counts in len */
    util_buf_add(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.s, "a\0b", 4);

    /* take hands over the string and empties the buffer */
    s = util_buf_take(&b);
    assert_memory_equal(s, "a\0b", 3);
    assert_null(b.s);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(s);

    /* a long formatted string in one go */
    char big[300];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    util_buf_addf(&b, "<%s>", big);
    assert_int_equal(b.len, sizeof big + 1);
    assert_int_equal(b.s[0], '<');
    assert_int_equal(b.s[b.len - 1], '>');
    util_buf_free(&b);
    assert_null(b.s);
    util_buf_free(&b);   /* twice is fine */
}

static void test_strings(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } trims[] = {
        { "  a b  ", "a b" }, { "\t\r\nx\n", "x" }, { "", "" }, { "   ", "" }, { "单位 ", "单位" },
    };
    for (size_t i = 0; i < N_OF(trims); i++) {
        char *s = util_xstrdup(trims[i].in);
        assert_ptr_equal(util_trim(s), s);
        assert_string_equal(s, trims[i].out);
        free(s);
    }
    assert_true(util_streq_ci("Survey", "sURVEY"));
    assert_false(util_streq_ci("survey", "surveys"));
    assert_false(util_streq_ci("", "x"));
    assert_true(util_streq_ci("", ""));

    assert_null(util_xstrdup(NULL));
    char *s = util_xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    s = util_fmt("%s:%ld:%d", "f.csv", 12L, 3);
    assert_string_equal(s, "f.csv:12:3");
    free(s);

    char today[11];
    util_today(today);
    assert_int_equal(strlen(today), 10);
    assert_true(today[4] == '-' && today[7] == '-');

    char *data = NULL;
    size_t len = 0;
    err_t err = {0};
    assert_int_equal(util_read_file("tests/no/such/file.csv", &data, &len, &err), -1);
    assert_null(data);
    assert_non_null(strstr(err.msg, "tests/no/such/file.csv: "));
    assert_int_equal(err.code, ERR_IO);
    err_clear(&err);
}

static void test_diag(void **state)
{
    (void)state;
    util_diag_t d = {0};
    util_diag_add(&d, UTIL_ERROR, "f.csv", 3, 2, "bad %s", "type");
    util_diag_add(&d, UTIL_WARNING, "f.csv", 7, 0, "only a line");
    util_diag_add(&d, UTIL_ERROR, "f.csv", 0, 5, "no line, so no column");
    util_diag_add(&d, UTIL_ERROR, NULL, 1, 1, "no file");
    for (int i = 0; i < 40; i++)   /* grows past its first allocation */
        util_diag_add(&d, UTIL_WARNING, "f.csv", i + 1, 0, "w%d", i);
    assert_int_equal(d.n, 44);
    assert_int_equal(d.nerrors, 3);
    assert_int_equal(d.nwarnings, 41);
    assert_string_equal(d.msgs[0], "f.csv:3:2: error: bad type");
    assert_string_equal(d.msgs[1], "f.csv:7: warning: only a line");
    assert_string_equal(d.msgs[2], "f.csv: error: no line, so no column");
    assert_string_equal(d.msgs[3], "-:1:1: error: no file");
    assert_int_equal(d.sev[0], UTIL_ERROR);
    assert_int_equal(d.sev[1], UTIL_WARNING);
    assert_string_equal(d.msgs[43], "f.csv:40: warning: w39");

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    util_diag_print(&d, f);
    fclose(f);
    assert_true(strncmp(buf, "f.csv:3:2: error: bad type\nf.csv:7: warning: only a line\n", 54)
                == 0);
    free(buf);

    util_diag_free(&d);
    assert_int_equal(d.n, 0);
    assert_int_equal(d.nerrors, 0);
    assert_null(d.msgs);
    util_diag_free(&d);
}

TEST_MAIN(
    cmocka_unit_test(test_utf8_width),
    cmocka_unit_test(test_utf8_decode_valid),
    cmocka_unit_test(test_fput_padded),
    cmocka_unit_test(test_parse_double),
    cmocka_unit_test(test_parse_long),
    cmocka_unit_test(test_fmt_g15),
    cmocka_unit_test(test_yes_no),
    cmocka_unit_test(test_has_word),
    cmocka_unit_test(test_levenshtein),
    cmocka_unit_test(test_nearest),
    cmocka_unit_test(test_enc_to_utf8),
    cmocka_unit_test(test_enc_names),
    cmocka_unit_test(test_buf),
    cmocka_unit_test(test_strings),
    cmocka_unit_test(test_diag),
    cmocka_unit_test(test_utf8_cut),
    cmocka_unit_test(test_texttab))
