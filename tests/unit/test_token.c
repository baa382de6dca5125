/*
 * Unit tests for survey/token: SHA-256 against the FIPS 180-4 / NIST
 * example vectors and the padding boundaries (55, 56, 63, 64 bytes ...),
 * where hand-written implementations usually go wrong; normalisation of
 * typed codes, including what a Chinese input method in full-width mode
 * types; and tok_hash being the hash of the normalised code, since the
 * web server and the runner must find the same stored row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/token.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void hex(const unsigned char d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    static const struct { const char *in; const char *want; } cases[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
         "klmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    char got[65];
    unsigned char d[32];
    for (size_t i = 0; i < N_OF(cases); i++) {
        tok_sha256(cases[i].in, strlen(cases[i].in), d);
        hex(d, got);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("[%zu] \"%s\": %s, want %s", i, cases[i].in, got, cases[i].want);
    }
}

static void test_sha256_padding_boundaries(void **state)
{
    (void)state;
    /* n bytes of 'x', checked with Python's hashlib */
    static const struct { size_t n; const char *want; } cases[] = {
        {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
        {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
        {57, "ae14a2563ccf969d99aca69ce6bb74981f734bbf9f655f73b8f06db68cab5217"},
        {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
        {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
        {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
        {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
        {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
    };
    char buf[128], got[65];
    unsigned char d[32];
    memset(buf, 'x', sizeof buf);
    for (size_t i = 0; i < N_OF(cases); i++) {
        tok_sha256(buf, cases[i].n, d);
        hex(d, got);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%zu bytes: %s, want %s", cases[i].n, got, cases[i].want);
    }
}

static void test_sha256_million(void **state)
{
    (void)state;
    size_t n = 1000000;
    char *a = malloc(n);
    assert_non_null(a);
    memset(a, 'a', n);
    unsigned char d[32];
    char got[65];
    tok_sha256(a, n, d);
    hex(d, got);
    assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_normalise(void **state)
{
    (void)state;
    static const struct { const char *in; const char *want; } cases[] = {
        {"AB12CD34", "AB12CD34"},
        {"ab12-cd34", "AB12CD34"},
        {"  ab12 cd34\n", "AB12CD34"},
        {"Ab-12\t-Cd 34", "AB12CD34"},
        {"\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x91\xEF\xBC\x92", "AB12"},   /* ＡＢ１２ */
        {"\xEF\xBD\x81\xEF\xBD\x82\xEF\xBC\x8D\xEF\xBC\x91", "AB1"},    /* ａｂ－１ */
        {"AB\xE3\x80\x80" "12", "AB12"},                                   /* ideographic space */
        {"AB\xE2\x80\x94" "12", "AB12"},                                   /* em dash */
        {"", NULL},
        {" - ", NULL},
        {NULL, NULL},
        {"AB_12", NULL},
        {"AB.12", NULL},
        {"单位12", NULL},
        {"\xff" "AB", NULL},
        {"0123456789012345678901234567890123456789012345678901234567890123", NULL},  /* 64 */
        {"012345678901234567890123456789012345678901234567890123456789012",
         "012345678901234567890123456789012345678901234567890123456789012"},        /* 63 */
    };
    char out[64];
    for (size_t i = 0; i < N_OF(cases); i++) {
        memset(out, 'z', sizeof out);
        int n = tok_normalise(cases[i].in, out);
        if (!cases[i].want) {
            if (n != -1 || out[0] != '\0')
                fail_msg("[%zu] '%s' should be refused, got %d '%s'", i,
                         cases[i].in ? cases[i].in : "(null)", n, out);
        } else if (n != (int)strlen(cases[i].want) || strcmp(out, cases[i].want) != 0) {
            fail_msg("[%zu] '%s': %d '%s', want '%s'", i, cases[i].in, n, out, cases[i].want);
        }
    }
}

static void test_hash(void **state)
{
    (void)state;
    const char *want = "668c072603bbc3a89b6e2a67f878e29dbe33c020984d4928eda299e7cebe0adb";
    const char *forms[] = {"AB12CD34", "ab12-cd34", "ab12 cd34", "\xEF\xBD\x81\xEF\xBD\x82" "12cd34"};
    for (size_t i = 0; i < N_OF(forms); i++) {
        char *h = tok_hash(forms[i]);
        assert_non_null(h);
        assert_string_equal(h, want);
        free(h);
    }
    assert_null(tok_hash(""));
    assert_null(tok_hash("AB_12"));
}

/* A phone scanning a slip cannot reach any of these; it can reach the rest. */
static void test_url_loopback(void **state)
{
    (void)state;
    static const char *const loop[] = {
        "http://127.0.0.1:8080/", "http://127.0.0.1", "https://127.8.9.10/x", "http://localhost/",
        "http://LOCALHOST:8080/", "http://localhost./", "http://survey.localhost/",
        "http://[::1]:8080/", "http://[::]/", "http://0.0.0.0:8080/", "http://127.1/",
        "http://2130706433/", "http://0x7f000001/", "http://[::ffff:127.0.0.1]/",
        "http://user:pw@127.0.0.1/", "http://127.0.0.1?x=1",
    };
    static const char *const far[] = {
        "http://10.0.0.5:8080", "https://survey.intranet:8443/", "http://192.168.1.20/",
        "http://[fe80::1]/", "http://localhost.example.com/", "http://127.0.0.1.nip.io/",
        "http://mylocalhost/", "http://x/?u=http://127.0.0.1/", "http://[2001:db8::1]:80/",
    };
    for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++)
        if (!tok_url_loopback(loop[i]))
            fail_msg("%s is loopback", loop[i]);
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++)
        if (tok_url_loopback(far[i]))
            fail_msg("%s is not loopback", far[i]);
}

TEST_MAIN(
    cmocka_unit_test(test_sha256_vectors),
    cmocka_unit_test(test_sha256_padding_boundaries),
    cmocka_unit_test(test_sha256_million),
    cmocka_unit_test(test_normalise),
    cmocka_unit_test(test_hash),
    cmocka_unit_test(test_url_loopback))
