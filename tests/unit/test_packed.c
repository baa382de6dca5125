/*
 * Unit tests for survey/packed: answers go into a blob and come back bit
 * for bit (integers up to the edges a double holds exactly, -0.0, NaN
 * payloads and infinities, texts that look like the number but are not
 * its digits such as "007" or "1.0", the empty text, nulls, steps past
 * 15), the common answer takes two bytes, and every malformed blob is an
 * error, never a read past its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/packed.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static packed_ans_t ans(int pos, int has_num, double num, const char *text)
{
    packed_ans_t a = {pos, has_num, num, text, text ? strlen(text) : 0};
    return a;
}

static void encode(util_buf_t *b, const packed_ans_t *a, size_t n)
{
    int last = -1;
    err_t err = {0};
    for (size_t i = 0; i < n; i++)
        if (packed_put(b, &last, &a[i], &err))
            fail_msg("[%zu] %s", i, err.msg);
}

/* a and what b decodes to are the same, bit for bit */
static void same(const util_buf_t *b, const packed_ans_t *a, size_t n)
{
    packed_it_t it;
    packed_ans_t got;
    err_t err = {0};
    packed_begin(&it, b->s, b->len);
    for (size_t i = 0; i < n; i++) {
        if (packed_next(&it, &got, &err) != 1)
            fail_msg("[%zu] missing: %s", i, err.msg ? err.msg : "end");
        assert_int_equal(got.pos, a[i].pos);
        assert_int_equal(got.has_num, a[i].has_num);
        if (a[i].has_num && memcmp(&got.num, &a[i].num, sizeof got.num) != 0)
            fail_msg("[%zu] %.17g came back as %.17g", i, a[i].num, got.num);
        if (!a[i].text) {
            assert_null(got.text);
            continue;
        }
        assert_non_null(got.text);
        assert_int_equal(got.tlen, a[i].tlen);
        assert_memory_equal(got.text, a[i].text, a[i].tlen);
        assert_int_equal(got.text[got.tlen], '\0');
    }
    assert_int_equal(packed_next(&it, &got, &err), 0);
    assert_int_equal(packed_count(b->s, b->len, &err), (long)n);
}

static double bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static void test_round_trip(void **state)
{
    (void)state;
    packed_ans_t a[] = {
        ans(0, 1, 3, "3"),
        ans(1, 1, 0, "0"),
        ans(2, 1, -1, "-1"),
        ans(3, 1, -9223372036854775808.0, "-9223372036854775808"),
        ans(4, 1, 9223372036854774784.0, "9223372036854774784"),   /* the largest below 2^63 */
        ans(5, 1, 9223372036854775808.0, "9223372036854775808"),   /* 2^63: a double */
        ans(6, 1, -0.0, "-0"),
        ans(7, 1, 2.5, "2.5"),
        ans(8, 1, bits(0x7ff8000000000001u), NULL),                  /* a NaN with a payload */
        ans(9, 1, bits(0xfff0000000000000u), NULL),                  /* -inf */
        ans(10, 1, 7, "007"),
        ans(11, 1, 1, "1.0"),
        ans(12, 1, 4, NULL),
        ans(13, 0, 0, ""),
        ans(14, 0, 0, "study care"),
        ans(15, 0, 0, NULL),
        ans(16, 1, 1e300, "很好"),
        ans(31, 1, 2, "2"),                                          /* step 15 */
        ans(47, 1, 2, "2"),                                          /* step 16: escaped */
        ans(100000, 1, 5, "5"),
        ans(2147483647, 0, 0, "last"),
    };
    util_buf_t b = {0};
    encode(&b, a, N_OF(a));
    same(&b, a, N_OF(a));
    util_buf_free(&b);
}

static void test_compact(void **state)
{
    (void)state;
    packed_ans_t a[] = {ans(0, 1, 4, "4"), ans(1, 1, 5, "5"), ans(3, 1, 1, "1"), ans(4, 1, 63, "63")};
    util_buf_t b = {0};
    encode(&b, a, N_OF(a));
    assert_int_equal(b.len, 8);      /* a tag and one byte each */
    same(&b, a, N_OF(a));
    util_buf_free(&b);
    /* nothing at all: an empty blob, also read from NULL */
    err_t err = {0};
    assert_int_equal(packed_count(NULL, 0, &err), 0);
}

/* An integer whose text is exactly its digits never stores the text
 * (tag bit 3), at the edges too; one that only looks like it does. */
static void test_digits_not_stored(void **state)
{
    (void)state;
    const double v[] = {0, 1, -1, 9, 10, -10, 99, 100, -100, 123456789012.0,
                        -9223372036854775808.0, 9223372036854774784.0};
    for (size_t i = 0; i < N_OF(v); i++) {
        char d[32];
        snprintf(d, sizeof d, "%.0f", v[i]);
        packed_ans_t a[] = {ans(0, 1, v[i], d), ans(1, 1, v[i], "+1"), ans(2, 1, v[i], "")};
        util_buf_t b = {0};
        encode(&b, a, 1);
        if (!(b.s[0] & 8))
            fail_msg("%s stored as a text", d);
        same(&b, a, 1);
        util_buf_free(&b);
        encode(&b, a + 1, 2);
        assert_int_equal(b.s[0] & 8, 0);
        same(&b, a + 1, 2);
        util_buf_free(&b);
    }
}

static void test_refused(void **state)
{
    (void)state;
    util_buf_t b = {0};
    err_t err = {0};
    int last = -1;
    packed_ans_t a = ans(2, 1, 1, "1");
    assert_int_equal(packed_put(&b, &last, &a, &err), 0);
    assert_int_equal(packed_put(&b, &last, &a, &err), -1);    /* the same position again */
    assert_int_equal(err.code, ERR_INPUT);
    err_clear(&err);
    a = ans(1, 0, 0, "x");
    assert_int_equal(packed_put(&b, &last, &a, &err), -1);    /* going back */
    err_clear(&err);
    packed_ans_t nul = {5, 0, 0, "a\0b", 3};
    assert_int_equal(packed_put(&b, &last, &nul, &err), -1);
    err_clear(&err);
    assert_int_equal(b.len, 2);
    assert_int_equal(last, 2);
    util_buf_free(&b);
}

static void test_malformed(void **state)
{
    (void)state;
    static const struct { const char *what; const char *blob; size_t n; } cases[] = {
        {"an escape with no varint", "\x01", 1},
        {"an escaped step of 0", "\x00\x00", 2},
        {"a varint that never ends", "\x00\x80\x80", 3},
        {"a varint past 64 bits", "\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11},
        {"a position past INT_MAX", "\x00\xff\xff\xff\xff\x0f", 6},
        {"an integer cut short", "\x11", 1},
        {"an integer's varint cut short", "\x11\x80", 2},
        {"a double cut short", "\x12\x00\x00\x00", 4},
        {"number kind 3", "\x13\x00", 2},
        {"a text without its NUL", "\x14" "abc", 4},
        {"digits and a text both", "\x1d\x02" "x", 4},
        {"digits without an integer", "\x18", 1},
        {"digits with a double", "\x1a\x00\x00\x00\x00\x00\x00\x00\x00", 9},
        {"a good answer, then a bad one", "\x19\x06\x11", 3},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        err_t err = {0};
        if (packed_count(cases[i].blob, cases[i].n, &err) != -1)
            fail_msg("[%zu] %s: accepted", i, cases[i].what);
        assert_int_equal(err.code, ERR_DB);
        err_clear(&err);
    }
    /* a large step escaped; the next ones rise from there */
    err_t err = {0};
    packed_it_t it;
    packed_ans_t a;
    packed_begin(&it, "\x00\x80\x01\x19\x06", 5);
    assert_int_equal(packed_next(&it, &a, &err), 1);
    assert_int_equal(a.pos, 127);
    assert_null(a.text);
    assert_int_equal(packed_next(&it, &a, &err), 1);
    assert_int_equal(a.pos, 128);
    assert_string_equal(a.text, "3");
    assert_int_equal(packed_next(&it, &a, &err), 0);
}

/* packed_next reads the common answer inline and leaves the rest to
 * packed_next_any: for every first and second byte, after an answer at
 * position -1, 1000 or near INT32_MAX, with the blob ending after them or
 * going on, both give the same result, answer and place in the blob. */
static void test_inline_path(void **state)
{
    (void)state;
    static const int starts[] = {-1, 1000, 0x7fffffff - 16, 0x7fffffff - 15, 0x7fffffff - 1};
    unsigned char blob[4];
    for (size_t s = 0; s < N_OF(starts); s++)
        for (int b0 = 0; b0 < 256; b0++)
            for (int b1 = 0; b1 < 256; b1++)
                for (size_t len = 1; len <= 4; len++) {
                    blob[0] = (unsigned char)b0;
                    blob[1] = (unsigned char)b1;
                    blob[2] = 0x19;
                    blob[3] = 0x04;
                    packed_it_t x, y;
                    packed_ans_t a, b;
                    err_t ex = {0}, ey = {0};
                    memset(&a, 0x5a, sizeof a);
                    memset(&b, 0x5a, sizeof b);
                    packed_begin(&x, blob, len);
                    packed_begin(&y, blob, len);
                    x.pos = y.pos = starts[s];
                    int rx = packed_next(&x, &a, &ex);
                    int ry = packed_next_any(&y, &b, &ey);
                    assert_int_equal(rx, ry);
                    assert_ptr_equal(x.p, y.p);
                    if (rx == 1) {
                        assert_int_equal(x.pos, y.pos);
                        assert_int_equal(a.pos, b.pos);
                        assert_int_equal(a.has_num, b.has_num);
                        assert_memory_equal(&a.num, &b.num, sizeof a.num);
                        assert_int_equal(a.tlen, b.tlen);
                        assert_true((a.text == NULL) == (b.text == NULL));
                        if (a.text)
                            assert_memory_equal(a.text, b.text, a.tlen + 1);
                    }
                    err_clear(&ex);
                    err_clear(&ey);
                }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_compact),
        cmocka_unit_test(test_digits_not_stored),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_inline_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
