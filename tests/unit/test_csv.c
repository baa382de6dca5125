/*
 * Unit tests for base/csv: reading RFC 4180 rows with the physical line each
 * row starts on.  One table of inputs, each with the rows it must give
 * (written "LINE:cell|cell" per row); every input is fed whole and again in
 * chunks of 1, 2 and 7 bytes, because a reader that splits its input
 * differently (an import reading a file in blocks) must see the same rows
 * on the same lines.  Then delimiter sniffing and a callback that stops.
 * Writing: quoting, formula neutralisation and edge spaces per flag, and
 * every written cell read back unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "base/csv.h"
#include "base/util.h"
#include "tests/unit/testerr.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

struct csv_case {
    const char *desc;
    const char *in;
    char delim;         /* 0: sniff it as the loaders do */
    const char *rows;   /* "LINE:cell|cell\n" per row */
    int rc;             /* 0, or -1 for a syntax error */
    const char *err;    /* csvr_error() when rc is -1 */
};

static const struct csv_case cases[] = {
    { "plain rows", "a,b\nc,d\n", 0, "1:a|b\n2:c|d\n", 0, NULL },
    { "quoted cell with a comma", "\"a,b\",c\n", 0, "1:a,b|c\n", 0, NULL },
    { "doubled quotes inside a quoted cell", "\"say \"\"hi\"\"\",x\n", 0,
      "1:say \"hi\"|x\n", 0, NULL },
    { "quoted cell with a newline: next row keeps its own line",
      "a,\"line1\nline2\",b\nc,d\n", 0, "1:a|line1\nline2|b\n3:c|d\n", 0, NULL },
    { "quoted cell spanning three lines, row starts where it starts",
      "h\nx,\"1\n2\n3\"\ny\n", 0, "1:h\n2:x|1\n2\n3\n5:y\n", 0, NULL },
    { "quoted cell that holds a blank line",
      "\"a\n\nb\"\n\nc\n", 0, "1:a\n\nb\n5:c\n", 0, NULL },
    { "CRLF line ends", "a,b\r\nc,d\r\n", 0, "1:a|b\n2:c|d\n", 0, NULL },
    { "CRLF inside a quoted cell is kept",
      "\"x\r\ny\",z\r\nw,v\r\n", 0, "1:x\r\ny|z\n3:w|v\n", 0, NULL },
    { "blank lines skipped but counted", "a\n\n\nb\n", 0, "1:a\n4:b\n", 0, NULL },
    { "blank CRLF lines skipped but counted", "a\r\n\r\n\r\nb\r\n", 0, "1:a\n4:b\n", 0, NULL },
    { "leading blank lines", "\n\r\n\na,b\n", 0, "4:a|b\n", 0, NULL },
    { "a line of spaces is blank", "a,b\n   \nc,d\n", 0, "1:a|b\n3:c|d\n", 0, NULL },
    { "last row without newline", "a,b\nc,d", 0, "1:a|b\n2:c|d\n", 0, NULL },
    { "last row without newline after CRLF rows", "a\r\nb", 0, "1:a\n2:b\n", 0, NULL },
    { "empty cells are kept", ",,\nx,,\n", 0, "1:||\n2:x||\n", 0, NULL },
    { "spaces around unquoted cells are dropped", " a , b \n", 0, "1:a|b\n", 0, NULL },
    { "a stray quote inside an unquoted cell is kept (Excel writes them)",
      "5\" screen,x\n", 0, "1:5\" screen|x\n", 0, NULL },
    { "Chinese text", "单位,意见\nU01,\"很好，谢谢\"\n", 0, "1:单位|意见\n2:U01|很好，谢谢\n",
      0, NULL },
    { "empty input", "", 0, "", 0, NULL },
    { "only line ends", "\n\r\n\n", 0, "", 0, NULL },
    { "semicolon sniffed", "a;b;\"c;d\"\n1;2;3\n", 0, "1:a|b|c;d\n2:1|2|3\n", 0, NULL },
    { "tab sniffed, empty cells kept", "a\tb\t\tc\n\t\t\nz\tw\n", 0,
      "1:a|b||c\n2:||\n3:z|w\n", 0, NULL },
    { "comma given, semicolons are text", "a;b,c\n", ',', "1:a;b|c\n", 0, NULL },
    /* what libcsv does with a line without quotes, which the reader splits
     * itself (fast_row): the edges of every cell, not its inside */
    { "tabs and spaces at cell edges dropped, inside kept", "\t a b \t, c\td ,\t \n", ',',
      "1:a b|c\td|\n", 0, NULL },
    { "tab delimiter: a tab is no edge space", " a \t\t b\t \n", '\t', "1:a||b|\n", 0, NULL },
    { "CR alone ends rows (lines count LFs)", "a,b\rc, d\r", ',', "1:a|b\n1:c|d\n", 0, NULL },
    { "a row after a quoted row spanning lines", "\"x\ny\",1\n a ,2\n", ',',
      "1:x\ny|1\n3:a|2\n", 0, NULL },
    { "unterminated quote on the only row", "a,\"b\n", 0, "", -1,
      "line 1: a quoted cell in the row that starts here is never closed; add the missing \"" },
    { "unterminated quote after good rows, over several lines",
      "h,i\nx,y\n\na,\"b\nc\nd", 0, "1:h|i\n2:x|y\n", -1,
      "line 4: a quoted cell in the row that starts here is never closed; add the missing \"" },
};

static int collect(void *ud, const csvr_row_t *row)
{
    util_buf_t *b = ud;
    util_buf_addf(b, "%ld:", row->line);
    for (size_t i = 0; i < row->ncells; i++) {
        if (i)
            util_buf_addc(b, '|');
        util_buf_adds(b, row->cells[i]);
    }
    util_buf_addc(b, '\n');
    return 0;
}

/* Feeds `in` in pieces of `chunk` bytes (0 = all at once through
 * csvr_parse_mem); returns the rows, *rc and err. */
static char *run(const struct csv_case *c, size_t chunk, int *rc, err_t *err)
{
    size_t len = strlen(c->in);
    char delim = c->delim ? c->delim : csvr_sniff_delim(c->in, len);
    util_buf_t b = {0};
    if (chunk == 0) {
        *rc = csvr_parse_mem(c->in, len, delim, collect, &b, err);
        return util_buf_take(&b);
    }
    csvr_t *r = csvr_new(delim, collect, &b);
    assert_non_null(r);
    *rc = 0;
    for (size_t i = 0; i < len && *rc == 0; i += chunk)
        *rc = csvr_feed(r, c->in + i, len - i < chunk ? len - i : chunk);
    if (*rc == 0)
        *rc = csvr_finish(r);
    const err_t *e = csvr_error(r);
    if (*rc == -1)
        err_set_at(err, e->code, e->line, e->col, "%s", e->msg);
    csvr_free(r);
    return util_buf_take(&b);
}

static void test_rows_and_lines(void **state)
{
    (void)state;
    static const size_t chunks[] = {0, 1, 2, 7};
    int failed = 0;
    for (size_t i = 0; i < N_OF(cases); i++) {
        const struct csv_case *c = &cases[i];
        for (size_t k = 0; k < N_OF(chunks); k++) {
            int rc;
            err_t err = {0};
            char *rows = run(c, chunks[k], &rc, &err);
            char *at = testerr_pos(&err);   /* the position comes in fields */
            int ok = strcmp(rows, c->rows) == 0 && rc == c->rc &&
                     (c->rc == 0 ? at == NULL : at && strcmp(at, c->err) == 0 &&
                      err.code == ERR_INPUT);
            if (!ok) {
                print_message("FAIL [%zu] %s, chunk %zu: rc %d (want %d), err %s\n"
                              "--- got rows:\n%s--- want rows:\n%s---\n", i, c->desc,
                              chunks[k], rc, c->rc, at ? at : "(none)", rows, c->rows);
                failed++;
            }
            free(at);
            free(rows);
            err_clear(&err);
        }
    }
    assert_int_equal(failed, 0);
}

/* The reader splits a line without quotes itself (fast_row) and hands
 * the others to libcsv: the rows must be libcsv's, whatever the mix.
 * 20,000 random inputs of up to 6 lines over an alphabet of the bytes
 * that matter (every delimiter, edge spaces and tabs, CR, LF, UTF-8, a
 * quote now and then), each read by the reader and by libcsv alone with
 * the reader's options; the cells of every row compared. */
/* libcsv's cells go into row[0] until the row ends, then into row[1]:
 * only whole rows are compared (on an error the reader gives none of the
 * row it was in) */
static void lib_cell(void *s, size_t n, void *ud)
{
    util_buf_t *row = ud;
    util_buf_adds(&row[0], row[0].len ? "|" : "<");
    util_buf_add(&row[0], s, n);
}

static void lib_row(int c, void *ud)
{
    (void)c;
    util_buf_t *row = ud;
    util_buf_add(&row[1], row[0].s ? row[0].s : "<", row[0].len ? row[0].len : 1);
    util_buf_adds(&row[1], ">\n");
    util_buf_reset(&row[0]);
}

static int reader_row(void *ud, const csvr_row_t *row)
{
    util_buf_t *b = ud;
    util_buf_adds(b, "<");
    for (size_t i = 0; i < row->ncells; i++) {
        if (i)
            util_buf_addc(b, '|');
        util_buf_adds(b, row->cells[i]);
    }
    util_buf_adds(b, ">\n");
    return 0;
}

static void test_split_is_libcsv(void **state)
{
    (void)state;
    static const char *const bytes[] = {"a", "b", "7", " ", " ", "\t", ",", ",", ";", "\r",
                                        "\n", "\n", "\r\n", "\xe5\x8d\x95", "\""};
    static const char delims[] = {',', ';', '\t'};
    uint64_t x = 88172645463325252u;
    util_buf_t in = {0}, a = {0}, lib[2] = {{0}};
    int quoted = 0;
    for (int t = 0; t < 20000; t++) {
        util_buf_reset(&in);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int len = (int)(x % 40);
        for (int i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t k = x % N_OF(bytes);
            if (k == N_OF(bytes) - 1 && x % 7)   /* a quote now and then */
                k = 0;
            util_buf_adds(&in, bytes[k]);
        }
        if (x % 3)
            util_buf_addc(&in, '\n');
        char delim = delims[t % 3];
        quoted += memchr(in.s, '"', in.len) != NULL;
        util_buf_reset(&a);
        util_buf_reset(&lib[0]);
        util_buf_reset(&lib[1]);
        err_t err = {0};
        int rc = csvr_parse_mem(in.s, in.len, delim, reader_row, &a, &err);
        err_clear(&err);
        struct csv_parser p;
        assert_int_equal(csv_init(&p, CSV_STRICT_FINI), 0);
        csv_set_delim(&p, (unsigned char)delim);
        int lrc = csv_parse(&p, in.s, in.len, lib_cell, lib_row, lib) == in.len ? 0 : -1;
        if (lrc == 0) {
            csv_set_opts(&p, (unsigned char)(csv_get_opts(&p) | CSV_STRICT));
            lrc = csv_fini(&p, lib_cell, lib_row, lib) == 0 ? 0 : -1;
        }
        csv_free(&p);
        const char *b = lib[1].s ? lib[1].s : "";
        if (rc != lrc || strcmp(a.s ? a.s : "", b) != 0)
            fail_msg("input %d (delimiter %d) \"%s\": reader %d\n%s\nlibcsv %d\n%s", t, delim,
                     in.s, rc, a.s ? a.s : "", lrc, b);
    }
    assert_true(quoted > 1000 && quoted < 19000);   /* both paths taken */
    util_buf_free(&in);
    util_buf_free(&a);
    util_buf_free(&lib[0]);
    util_buf_free(&lib[1]);
}

static void test_sniff(void **state)
{
    (void)state;
    static const struct { const char *in; char want; } sniff[] = {
        { "a,b,c\n", ',' },
        { "a;b;c\n", ';' },
        { "a\tb\tc\n", '\t' },
        { "survey;;;;\n;type;name\n", ';' },
        { "\"x,y,z\";a;b\n", ';' },            /* commas inside quotes do not count */
        { "\"two\nlines,,,,\";x\n", ';' },     /* nor a newline inside quotes */
        { "a;b\nc,d,e,f\n", ';' },             /* the first line decides */
        { "a,b;c\n", ',' },                    /* a tie goes to comma */
        { "survey\n", ',' },
        { "", ',' },
    };
    for (size_t i = 0; i < N_OF(sniff); i++) {
        char got = csvr_sniff_delim(sniff[i].in, strlen(sniff[i].in));
        if (got != sniff[i].want)
            fail_msg("sniff [%zu]: got '%c', want '%c'", i, got, sniff[i].want);
    }
    /* only len bytes are looked at */
    assert_int_equal(csvr_sniff_delim("a;b,c,d,e", 3), ';');
}

static int stop_at_second(void *ud, const csvr_row_t *row)
{
    int *seen = ud;
    (void)row;
    return ++*seen == 2 ? 7 : 0;
}

/* A callback's non-zero return stops the parse and is returned as is. */
static void test_callback_stops(void **state)
{
    (void)state;
    static const char in[] = "a\nb\nc\nd";
    int seen = 0;
    err_t err = {0};
    assert_int_equal(csvr_parse_mem(in, strlen(in), ',', stop_at_second, &seen, &err), 7);
    assert_int_equal(seen, 2);
    assert_null(err.msg);

    seen = 0;
    csvr_t *r = csvr_new(',', stop_at_second, &seen);
    int rc = 0;
    for (size_t i = 0; i < strlen(in) && rc == 0; i++)
        rc = csvr_feed(r, in + i, 1);
    assert_int_equal(rc, 7);
    assert_int_equal(csvr_finish(r), 7);
    assert_int_equal(seen, 2);
    csvr_free(r);

    /* the stop also holds for a last row flushed by finish */
    seen = 1;
    r = csvr_new(',', stop_at_second, &seen);
    assert_int_equal(csvr_feed(r, "x", 1), 0);
    assert_int_equal(csvr_finish(r), 7);
    csvr_free(r);
}

static void test_api_edges(void **state)
{
    (void)state;
    csvr_t *r = csvr_new(',', collect, NULL);
    assert_int_equal(csvr_error(r)->code, ERR_OK);   /* no error yet */
    assert_null(csvr_error(r)->msg);
    assert_int_equal(csvr_finish(r), 0);
    csvr_free(r);
    csvr_free(NULL);

    /* rows with many cells grow the cell arrays */
    util_buf_t in = {0}, want = {0}, got = {0};
    util_buf_adds(&want, "1:");
    for (int i = 0; i < 100; i++) {
        util_buf_addf(&in, "%s%d", i ? "," : "", i);
        util_buf_addf(&want, "%s%d", i ? "|" : "", i);
    }
    util_buf_adds(&in, "\nz\n");
    util_buf_adds(&want, "\n2:z\n");
    err_t err = {0};
    assert_int_equal(csvr_parse_mem(in.s, in.len, ',', collect, &got, &err), 0);
    assert_string_equal(got.s, want.s);
    util_buf_free(&in);
    util_buf_free(&want);
    util_buf_free(&got);
}

/* One cell written by csvw_cell, as a heap string. */
static char *written(const char *cell, char delim, int flags)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    assert_non_null(f);
    csvw_cell(f, cell, delim, flags);
    assert_int_equal(fclose(f), 0);
    return out;
}

static void test_write_cell(void **state)
{
    (void)state;
    static const struct { const char *in; char delim; int flags; const char *out; } cases[] = {
        {"plain", ',', 0, "plain"},
        {NULL, ',', CSVW_NEUTRAL, ""},
        {"", ',', CSVW_NEUTRAL | CSVW_EDGE_SPACES, ""},
        {"a,b", ',', 0, "\"a,b\""},
        {"a,b", ';', 0, "a,b"},
        {"a;b", ';', 0, "\"a;b\""},
        {"a\tb", '\t', 0, "\"a\tb\""},
        {"say \"hi\"", ',', 0, "\"say \"\"hi\"\"\""},
        {"two\nlines", ',', 0, "\"two\nlines\""},
        {"cr\r", ',', 0, "\"cr\r\""},
        /* formulas: only with CSVW_NEUTRAL, and never a plain number */
        {"=1+1", ',', 0, "=1+1"},
        {"=1+1", ',', CSVW_NEUTRAL, "\"'=1+1\""},
        {"+cmd|' /C calc'!A0", ',', CSVW_NEUTRAL, "\"'+cmd|' /C calc'!A0\""},
        {"@SUM(A1)", ',', CSVW_NEUTRAL, "\"'@SUM(A1)\""},
        {"-x", ',', CSVW_NEUTRAL, "\"'-x\""},
        {"\tx", ',', CSVW_NEUTRAL, "\"'\tx\""},
        {"=\"q\"", ',', CSVW_NEUTRAL, "\"'=\"\"q\"\"\""},
        {"-3", ',', CSVW_NEUTRAL, "-3"},
        {"+2.5", ',', CSVW_NEUTRAL, "+2.5"},
        {"a=b", ',', CSVW_NEUTRAL, "a=b"},
        /* spaces at either end: only with CSVW_EDGE_SPACES */
        {" a", ',', 0, " a"},
        {" a", ',', CSVW_EDGE_SPACES, "\" a\""},
        {"a ", ',', CSVW_EDGE_SPACES, "\"a \""},
        {"a b", ',', CSVW_EDGE_SPACES, "a b"},
        {"单位", ',', CSVW_NEUTRAL | CSVW_EDGE_SPACES, "单位"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *got = written(cases[i].in, cases[i].delim, cases[i].flags);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

/* Without neutralisation what is written is read back as it was. */
static void test_write_reads_back(void **state)
{
    (void)state;
    static const char *const cells[] = {"", "a", "a,b", "say \"hi\"", "two\nlines", " x ",
                                        "=1", "-3", "a;b", "\"", "\"\""};
    for (size_t i = 0; i < N_OF(cells); i++) {
        char *line = written(cells[i], ',', CSVW_EDGE_SPACES);
        util_buf_t in = {0}, got = {0};
        util_buf_addf(&in, "%s,end\n", line);
        err_t err = {0};
        assert_int_equal(csvr_parse_mem(in.s, in.len, ',', collect, &got, &err), 0);
        char *want = util_fmt("1:%s|end\n", cells[i]);
        assert_string_equal(got.s, want);
        free(want);
        free(line);
        util_buf_free(&in);
        util_buf_free(&got);
    }
}

TEST_MAIN(
    cmocka_unit_test(test_rows_and_lines),
    cmocka_unit_test(test_split_is_libcsv),
    cmocka_unit_test(test_sniff),
    cmocka_unit_test(test_callback_stops),
    cmocka_unit_test(test_api_edges),
    cmocka_unit_test(test_write_cell),
    cmocka_unit_test(test_write_reads_back))
