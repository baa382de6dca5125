/*
 * Unit tests for base/html, the one escaper the web pages, the slips and
 * the report share: every special character becomes its entity, text
 * without one (Chinese included) passes unchanged, and an entity already
 * in the text is escaped again rather than trusted; a query value is
 * percent-encoded byte by byte, so it can neither end an attribute nor
 * add a parameter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/html.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct { const char *in, *out; } cases[] = {
    {"", ""},
    {"plain", "plain"},
    {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
    {"a & b", "a &amp; b"},
    {"\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"},
    {"\" onmouseover=\"x", "&quot; onmouseover=&quot;x"},
    {"非常同意 <b>", "非常同意 &lt;b&gt;"},
    {"市委办公室", "市委办公室"},
    {"&amp;", "&amp;amp;"},
    {"<a href='x'>\"&\"</a>", "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"},
};

static void test_esc_appends(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(cases); i++) {
        util_buf_t b = {0};
        util_buf_adds(&b, "[");
        html_esc(&b, cases[i].in);
        html_esc(&b, NULL);   /* adds nothing */
        char *want = util_fmt("[%s", cases[i].out);
        assert_string_equal(b.s, want);
        free(want);
        util_buf_free(&b);
    }
}

static void test_escape_heap(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *s = html_escape(cases[i].in);
        assert_string_equal(s, cases[i].out);
        free(s);
    }
    char *s = html_escape(NULL);
    assert_string_equal(s, "");
    free(s);
}

static void test_url_esc(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } q[] = {
        {"2026", "2026"},
        {"A-z._~9", "A-z._~9"},
        {"2026 春", "2026%20%E6%98%A5"},
        {"a&format=csv", "a%26format%3Dcsv"},
        {"\"><x>'", "%22%3E%3Cx%3E%27"},
        {"100%", "100%25"},
    };
    for (size_t i = 0; i < N_OF(q); i++) {
        util_buf_t b = {0};
        util_buf_adds(&b, "[");
        html_url_esc(&b, q[i].in);
        html_url_esc(&b, NULL);
        char *want = util_fmt("[%s", q[i].out);
        assert_string_equal(b.s, want);
        free(want);
        util_buf_free(&b);
    }
}

TEST_MAIN(
    cmocka_unit_test(test_esc_appends),
    cmocka_unit_test(test_escape_heap),
    cmocka_unit_test(test_url_esc))
