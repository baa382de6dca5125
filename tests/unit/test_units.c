/*
 * Unit tests for survey/units: the unit list reader of `unit import` and
 * `simulate`.  A header row and a UTF-8 BOM are optional, GB18030 is
 * read, cells are trimmed; every bad row is reported at its FILE:LINE:COL
 * while the rows are still returned; bytes that are no text are an error,
 * not a diagnostic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "survey/units.h"

typedef struct {
    units_list_t l;
    util_diag_t d;
    err_t err;
    int rc;
} parsed_t;

static void parse(parsed_t *p, const char *text)
{
    memset(p, 0, sizeof *p);
    p->rc = units_parse("u.csv", text, strlen(text), &p->l, &p->d, &p->err);
}

static void done(parsed_t *p)
{
    units_list_free(&p->l);
    util_diag_free(&p->d);
    err_clear(&p->err);
}

static void test_header_bom_trim(void **state)
{
    (void)state;
    parsed_t p;
    parse(&p, "\xEF\xBB\xBF" "code,name,category,parent,headcount\r\n"
              "U01,市委办公室,党委部门,,62\r\n"
              " U02 , 市委组织部 \r\n");
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.d.nerrors, 0);
    assert_int_equal(p.l.n, 2);
    assert_string_equal(p.l.units[0].code, "U01");
    assert_string_equal(p.l.units[0].name, "市委办公室");
    assert_string_equal(p.l.units[0].category, "党委部门");
    assert_string_equal(p.l.units[0].parent, "");
    assert_int_equal(p.l.units[0].headcount, 62);
    assert_string_equal(p.l.units[1].code, "U02");
    assert_string_equal(p.l.units[1].name, "市委组织部");
    assert_string_equal(p.l.units[1].category, "");
    assert_int_equal(p.l.units[1].headcount, -1);
    done(&p);

    /* no header: the first row is a unit */
    parse(&p, "U01,A\n");
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.d.nerrors, 0);
    assert_int_equal(p.l.n, 1);
    done(&p);

    /* GB18030, as Excel saves a CSV on a Chinese Windows: U01,市委 */
    parse(&p, "U01,\xCA\xD0\xCE\xAF\n");
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.l.n, 1);
    assert_string_equal(p.l.units[0].name, "市委");
    done(&p);
}

static void test_bad_headcount(void **state)
{
    (void)state;
    parsed_t p;
    parse(&p, "code,name,category,parent,headcount\nU01,A,,,x\nU02,B,,,-3\nU03,C,,,7\n");
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.l.n, 3);   /* rows are kept, problems or not */
    assert_int_equal(p.d.nerrors, 2);
    assert_string_equal(p.d.msgs[0], "u.csv:2:5: error: headcount 'x' is not a whole number >= 0");
    assert_string_equal(p.d.msgs[1], "u.csv:3:5: error: headcount '-3' is not a whole number >= 0");
    assert_int_equal(p.l.units[0].headcount, -1);
    assert_int_equal(p.l.units[2].headcount, 7);
    done(&p);
}

static void test_row_problems(void **state)
{
    (void)state;
    parsed_t p;
    parse(&p, "U01,A\nU 2,B\n,C\nU01,,,,,x\n");
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.d.nerrors, 5);
    assert_string_equal(p.d.msgs[0], "u.csv:2:1: error: unit code 'U 2' contains a space");
    assert_string_equal(p.d.msgs[1], "u.csv:3:1: error: unit code is empty");
    assert_string_equal(p.d.msgs[2],
                        "u.csv:4:6: error: 6 columns; expected code,name[,category,parent,headcount]");
    assert_string_equal(p.d.msgs[3], "u.csv:4:2: error: unit name is empty");
    assert_string_equal(p.d.msgs[4],
                        "u.csv:4:1: error: unit code 'U01' appears again (first on an earlier row)");
    done(&p);

    parse(&p, "code,name\n");
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.d.nerrors, 1);
    assert_string_equal(p.d.msgs[0], "u.csv: error: no units in the file");
    done(&p);
}

/* Neither UTF-8 nor GB18030, or a quote never closed: an error naming the
 * place (file, line, column in its fields), and no diagnostics. */
static void test_not_text(void **state)
{
    (void)state;
    parsed_t p;
    parse(&p, "U01,ok\nU02,\xFF\xFE\x81\n");
    assert_int_equal(p.rc, -1);
    assert_int_equal(p.err.code, ERR_INPUT);
    assert_string_equal(p.err.file, "u.csv");
    assert_int_equal(p.err.line, 2);
    assert_int_equal(p.err.col, 5);
    char *t = err_text(&p.err);
    assert_int_equal(strncmp(t, "u.csv:2:5: ", 11), 0);
    free(t);
    done(&p);
    parse(&p, "U01,\"open\n");
    assert_int_equal(p.rc, -1);
    assert_int_equal(p.err.line, 1);
    assert_int_equal(p.err.col, 0);
    t = err_text(&p.err);
    assert_int_equal(strncmp(t, "u.csv:1: ", 9), 0);
    free(t);
    done(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_bom_trim),
        cmocka_unit_test(test_bad_headcount),
        cmocka_unit_test(test_row_problems),
        cmocka_unit_test(test_not_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
