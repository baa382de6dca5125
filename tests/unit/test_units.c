/*
 * Unit tests for survey/units: the unit list reader of `unit import` and
 * `simulate`.  A header row and a UTF-8 BOM are optional, a header names
 * the columns in any order, GB18030 is read, cells are trimmed; every bad row is reported at its FILE:LINE:COL
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
#include "tests/unit/testmain.h"

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

/* The header names the columns, in any order (issue 17: the positional
 * reader put code,name,category,headcount's headcount in parent). */
static void test_header_by_name(void **state)
{
    (void)state;
    parsed_t p;
    parse(&p, "code,name,category,headcount\nU01,A,bureau,12\n");
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.d.nerrors, 0);
    assert_int_equal(p.l.n, 1);
    assert_string_equal(p.l.units[0].category, "bureau");
    assert_string_equal(p.l.units[0].parent, "");
    assert_int_equal(p.l.units[0].headcount, 12);
    done(&p);

    /* any order, any case, optional columns left out */
    parse(&p, "Headcount, NAME ,parent,Code\n7,B,U01,U02\n");
    assert_int_equal(p.d.nerrors, 0);
    assert_int_equal(p.l.n, 1);
    assert_string_equal(p.l.units[0].code, "U02");
    assert_string_equal(p.l.units[0].name, "B");
    assert_string_equal(p.l.units[0].parent, "U01");
    assert_string_equal(p.l.units[0].category, "");
    assert_int_equal(p.l.units[0].headcount, 7);
    done(&p);

    /* a row's problems are placed in the column the header gives */
    parse(&p, "name,code,headcount\n,U 1,x\n");
    assert_int_equal(p.d.nerrors, 3);
    assert_string_equal(p.d.msgs[0], "u.csv:2:2: error: unit code 'U 1' contains a space");
    assert_string_equal(p.d.msgs[1], "u.csv:2:1: error: unit name is empty");
    assert_string_equal(p.d.msgs[2], "u.csv:2:3: error: headcount 'x' is not a whole number >= 0");
    done(&p);
}

static void test_header_errors(void **state)
{
    (void)state;
    parsed_t p;
    parse(&p, "code,name,headcnt,region\nU01,A,3,north\n");
    assert_int_equal(p.d.nerrors, 2);
    assert_string_equal(p.d.msgs[0], "u.csv:1:3: error: unknown column 'headcnt' (did you mean "
                                     "'headcount'?); a unit list has the columns code, name, "
                                     "category, parent, headcount");
    assert_string_equal(p.d.msgs[1], "u.csv:1:4: error: unknown column 'region'; a unit list has "
                                     "the columns code, name, category, parent, headcount");
    done(&p);

    /* a required column missing: said once, not once per row */
    parse(&p, "code,category\nU01,x\nU02,y\n");
    assert_int_equal(p.d.nerrors, 1);
    assert_string_equal(p.d.msgs[0],
                        "u.csv:1: error: the header has no column 'name'; code and name are required");
    done(&p);

    parse(&p, "code,name,Code\nU01,A,U01\n");
    assert_int_equal(p.d.nerrors, 1);
    assert_string_equal(p.d.msgs[0], "u.csv:1:3: error: column 'code' appears twice in the header "
                                     "(first in column 1)");
    done(&p);

    /* a value in a column the header does not name; an empty one is fine */
    parse(&p, "code,name,\nU01,A,\nU02,B,x\nU03,C,,y\n");
    assert_int_equal(p.d.nerrors, 2);
    assert_string_equal(p.d.msgs[0], "u.csv:3:3: error: a value in column 3, which the header "
                                     "leaves without a name");
    assert_string_equal(p.d.msgs[1], "u.csv:4:4: error: a value in column 4; the header names "
                                     "only 3 columns");
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

TEST_MAIN(
    cmocka_unit_test(test_header_bom_trim),
    cmocka_unit_test(test_bad_headcount),
    cmocka_unit_test(test_row_problems),
    cmocka_unit_test(test_header_by_name),
    cmocka_unit_test(test_header_errors),
    cmocka_unit_test(test_not_text))
