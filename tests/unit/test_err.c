/*
 * Unit tests for base/err: the first error wins, NULL discards, err_text
 * writes what it knows of the place, err_move hands an error on, and the
 * readers that know a position (the encoding decoder, the CSV reader, the
 * import source) put it in the fields, never into the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/encoding.h"
#include "base/err.h"
#include "survey/import/importsrc.h"
#include "tests/unit/testmain.h"

static void test_set_and_clear(void **state)
{
    (void)state;
    err_t e = {0};
    assert_int_equal(err_set(&e, ERR_IO, "cannot open %s: %s", "f.csv", "No such file"), -1);
    assert_int_equal(e.code, ERR_IO);
    assert_string_equal(e.msg, "cannot open f.csv: No such file");
    assert_null(e.file);
    assert_int_equal(e.line, 0);
    assert_int_equal(e.col, 0);
    /* the first error wins: the second is a consequence of the first */
    err_set_at(&e, ERR_INPUT, 3, 9, "second");
    assert_int_equal(e.code, ERR_IO);
    assert_string_equal(e.msg, "cannot open f.csv: No such file");
    assert_int_equal(e.line, 0);
    err_clear(&e);
    assert_int_equal(e.code, ERR_OK);
    assert_null(e.msg);
    /* cleared, it takes a new error; ERR_OK is no error code */
    err_set(&e, ERR_OK, "x");
    assert_int_equal(e.code, ERR_FAIL);
    err_clear(&e);
    err_clear(&e);     /* twice is harmless */
    err_clear(NULL);
    /* NULL discards, and still says -1 */
    assert_int_equal(err_set(NULL, ERR_FAIL, "nobody listens"), -1);
    assert_int_equal(err_set_at(NULL, ERR_INPUT, 1, 1, "nobody"), -1);
    err_set_file(NULL, "f.csv");
    assert_null(err_text(NULL));
}

static void test_text(void **state)
{
    (void)state;
    err_t e = {0};
    assert_null(err_text(&e));      /* no error, no text */
    err_set_file(&e, "f.csv");      /* no error: no file either */
    assert_null(e.file);
    err_set_at(&e, ERR_INPUT, 3, 9, "bad byte 0x%02X", 0xFF);
    char *t = err_text(&e);
    assert_string_equal(t, "bad byte 0xFF");      /* no file known: the message */
    free(t);
    err_set_file(&e, "f.csv");
    err_set_file(&e, "other.csv");                 /* the first file named stays */
    t = err_text(&e);
    assert_string_equal(t, "f.csv:3:9: bad byte 0xFF");
    free(t);
    e.col = 0;
    t = err_text(&e);
    assert_string_equal(t, "f.csv:3: bad byte 0xFF");
    free(t);
    e.line = 0;
    t = err_text(&e);
    assert_string_equal(t, "f.csv: bad byte 0xFF");
    free(t);
    err_clear(&e);
    assert_null(e.file);
    /* negative positions are unknown ones */
    err_set_at(&e, ERR_INPUT, -1, -5, "m");
    assert_int_equal(e.line, 0);
    assert_int_equal(e.col, 0);
    err_clear(&e);
}

static void test_move(void **state)
{
    (void)state;
    err_t inner = {0}, outer = {0};
    err_set_at(&inner, ERR_INPUT, 2, 4, "inner");
    err_set_file(&inner, "a.csv");
    err_move(&outer, &inner);
    assert_int_equal(inner.code, ERR_OK);
    assert_null(inner.msg);
    assert_int_equal(outer.code, ERR_INPUT);
    assert_string_equal(outer.msg, "inner");
    assert_string_equal(outer.file, "a.csv");
    assert_int_equal(outer.line, 2);
    /* into an error already set: dropped (freed), the first stays */
    err_set(&inner, ERR_DB, "later");
    err_move(&outer, &inner);
    assert_null(inner.msg);
    assert_string_equal(outer.msg, "inner");
    /* into NULL: dropped */
    err_set(&inner, ERR_DB, "nobody");
    err_move(NULL, &inner);
    assert_null(inner.msg);
    err_clear(&outer);
}

/* The decoder's position is in line/col; the message does not repeat it. */
static void test_encoding_position(void **state)
{
    (void)state;
    err_t e = {0};
    char *out = NULL;
    size_t n;
    /* GB18030 text, then a byte neither encoding has, on line 2 column 3 */
    assert_int_equal(enc_to_utf8("x\n\xB5\xA5\xCE\xBB\xFF", 7, ENC_AUTO, &out, &n, NULL, &e), -1);
    assert_null(out);
    assert_int_equal(e.code, ERR_INPUT);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 3);
    assert_string_equal(e.msg, "byte 0xFF is neither UTF-8 nor GB18030; save the file as UTF-8");
    err_clear(&e);
    /* UTF-8 asked for: the first bad byte, counted in characters */
    assert_int_equal(enc_to_utf8("单\n位\xFF", 8, ENC_UTF8, &out, &n, NULL, &e), -1);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 2);
    assert_string_equal(e.msg, "invalid UTF-8 byte 0xFF");
    err_clear(&e);
}

static int chunk_ok(void *ud, const char *text, size_t n)
{
    (void)ud, (void)text, (void)n;
    return 0;
}

/* The streaming decoder of an import says the same, in the same fields. */
static void test_import_source_position(void **state)
{
    (void)state;
    err_t e = {0};
    assert_int_equal(imp_src_decode_mem("a,b\n1,\xFF\n", 7, ENC_UTF8, 3, chunk_ok, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 3);
    assert_string_equal(e.msg, "invalid UTF-8 byte 0xFF");
    err_clear(&e);
}

static int row_ok(void *ud, const csvr_row_t *row)
{
    (void)ud, (void)row;
    return 0;
}

/* The CSV reader knows the line of the row (col 0: the whole row). */
static void test_csv_position(void **state)
{
    (void)state;
    err_t e = {0};
    const char *in = "h,i\nx,y\n\na,\"b\nc";
    assert_int_equal(csvr_parse_mem(in, strlen(in), ',', row_ok, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_int_equal(e.line, 4);
    assert_int_equal(e.col, 0);
    assert_string_equal(e.msg, "a quoted cell in the row that starts here is never closed; add "
                               "the missing \"");
    err_clear(&e);
    /* the streaming reader keeps its error until it is freed */
    csvr_t *r = csvr_new(',', row_ok, NULL);
    assert_int_equal(csvr_feed(r, "a,b\nc\0d\n", 8), -1);
    const err_t *re = csvr_error(r);
    assert_int_equal(re->code, ERR_INPUT);
    assert_int_equal(re->line, 2);
    assert_string_equal(re->msg, "a NUL byte (0x00); this is not a CSV text file");
    csvr_free(r);
}

TEST_MAIN(
    cmocka_unit_test(test_set_and_clear),
    cmocka_unit_test(test_text),
    cmocka_unit_test(test_move),
    cmocka_unit_test(test_encoding_position),
    cmocka_unit_test(test_import_source_position),
    cmocka_unit_test(test_csv_position))
