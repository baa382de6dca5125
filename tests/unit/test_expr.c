/*
 * Unit tests for survey/expr: table-driven checks of evaluation (every
 * operator, function, XPath 1.0 type conversion and the unanswered cases
 * that relevant/constraint cells depend on) and of syntax errors with their
 * messages and UTF-8 character columns, plus the recursion guards.
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

#include "survey/expr.h"

#define MAX_ANSWERS 8

/* Answers are written "a=1;m=x y;.=5": a name absent from the list is
 * unanswered (lookup returns NULL), "a=" is an explicit empty answer. */
struct answers {
    int n;
    char name[MAX_ANSWERS][32];
    char value[MAX_ANSWERS][128];
};

static void answers_parse(struct answers *a, const char *spec)
{
    const char *p = spec;

    memset(a, 0, sizeof *a);
    while (p && *p) {
        const char *end = strchr(p, ';');
        const char *eq = strchr(p, '=');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        assert_non_null(eq);
        assert_true(eq < p + len);
        assert_true(a->n < MAX_ANSWERS);
        snprintf(a->name[a->n], sizeof a->name[0], "%.*s", (int)(eq - p), p);
        snprintf(a->value[a->n], sizeof a->value[0], "%.*s",
                 (int)(p + len - eq - 1), eq + 1);
        a->n++;
        p = end ? end + 1 : NULL;
    }
}

static const char *lookup(void *ud, const char *name)
{
    const struct answers *a = ud;
    int i;

    if (!name)
        name = ".";
    for (i = 0; i < a->n; i++)
        if (strcmp(a->name[i], name) == 0)
            return a->value[i];
    return NULL;
}

static expr_t *parse_ok(const char *src)
{
    expr_t *e = NULL;
    err_t err = {0};

    if (expr_parse(src, &e, &err) != 0)
        fail_msg("parse of \"%s\" failed at column %ld: %s", src, err.col,
                 err.msg ? err.msg : "(no message)");
    assert_null(err.msg);
    assert_non_null(e);
    return e;
}

/* ---- boolean evaluation ------------------------------------------- */

struct bool_case {
    const char *src;
    const char *answers;
    int expect;
};

static const struct bool_case bool_cases[] = {
    /* unanswered and empty answers */
    { "${a} > 3", "", 0 },
    { "${a} < 3", "", 0 },
    { "${a} >= 3", "a=", 0 },
    { "${a} <= 3", "a=", 0 },
    { "${a} = 3", "", 0 },
    { "${a} != 3", "", 1 },
    { "${a} = ''", "", 1 },
    { "${a} = ''", "a=", 1 },
    { "${a} = ''", "a=x", 0 },
    { "${a} != ''", "a=x", 1 },
    { "${a} != ''", "", 0 },
    { "${a}", "", 0 },
    { "${a}", "a=0", 1 },
    { "not(${a})", "", 1 },
    { "not(${a})", "a=x", 0 },
    /* = and != : strings vs numbers */
    { "${a} = 3", "a=3", 1 },
    { "${a} = 3", "a=03", 1 },
    { "${a} = 3", "a= 3 ", 1 },
    { "${a} = 3", "a=3.0", 1 },
    { "${a} = '3'", "a=3", 1 },
    { "${a} = '03'", "a=3", 0 },
    { "${a} = ${b}", "a=10;b=10.0", 0 },
    { "${a} = ${b}", "a=yes;b=yes", 1 },
    { "${a} != 3", "a=4", 1 },
    { "${a} != 3", "a=3", 0 },
    { "${a} = -5", "a=-5", 1 },
    { "${a} = 5", "a=+5", 0 },
    { "${a} = 1000", "a=1e3", 0 },
    { "${a} != 1000", "a=1e3", 1 },
    { "${a} = 'yes'", "a=yes", 1 },
    { "${a} = 'yes'", "a=no", 0 },
    { "${a} = \"yes\"", "a=yes", 1 },
    { "\"it's\" = ${a}", "a=it's", 1 },
    { "${名字} = '张三'", "名字=张三", 1 },
    { "string(5) = 5", "", 1 },
    { "string(5) = '5.0'", "", 0 },
    /* relational operators always compare numbers */
    { "${a} >= 3", "a=3", 1 },
    { "${a} > 3", "a=3", 0 },
    { "${a} > 3", "a=3.5", 1 },
    { "${a} < 3", "a= 2 ", 1 },
    { "${a} <= 3", "a=3", 1 },
    { "${a} < 10", "a=9", 1 },
    { "${a} > ${b}", "a=10;b=9", 1 },
    { "'10' > '9'", "", 1 },
    { "${a} < 3", "a=abc", 0 },
    { "${a} >= 3", "a=abc", 0 },
    /* NaN: every comparison false except != */
    { "number('x') = number('x')", "", 0 },
    { "number('x') != number('x')", "", 1 },
    { "number('x') != 1", "", 1 },
    { "number('') < 1", "", 0 },
    { "number('') >= 1", "", 0 },
    { "0 div 0 != 0 div 0", "", 1 },
    /* booleans: = converts the other side to boolean */
    { "true()", "", 1 },
    { "false()", "", 0 },
    { "not(false())", "", 1 },
    { "true() = 1", "", 1 },
    { "true() = 2", "", 1 },
    { "false() = 0", "", 1 },
    { "true() = 'x'", "", 1 },
    { "true() = 'false'", "", 1 },
    { "false() = ''", "", 1 },
    { "${a} = true()", "", 0 },
    { "${a} = true()", "a=no", 1 },
    { "true() > false()", "", 1 },
    { "true() + 1 = 2", "", 1 },
    { "1 < 2 = true()", "", 1 },
    { "3 > 2 > 1", "", 0 },
    /* boolean() of numbers and strings */
    { "1", "", 1 },
    { "0", "", 0 },
    { "-0.5", "", 1 },
    { "0 div 0", "", 0 },
    { "1 div 0", "", 1 },
    { "'0'", "", 1 },
    { "'false'", "", 1 },
    { "''", "", 0 },
    { "string(0)", "", 1 },
    /* and, or, not, precedence */
    { "1 = 1 and 2 = 2", "", 1 },
    { "1 = 1 and 2 = 3", "", 0 },
    { "1 = 2 or 2 = 2", "", 1 },
    { "1 = 2 or 2 = 3", "", 0 },
    { "not(1 = 2)", "", 1 },
    { "1 = 1 or 1 = 2 and 1 = 2", "", 1 },
    { "(1 = 1 or 1 = 2) and 1 = 2", "", 0 },
    { "${a} = 3 and ${b} = 'x'", "a=3;b=x", 1 },
    { "${a} = 3 and ${b} = 'x'", "a=3", 0 },
    { "${a} = 'y' or ${b} > 17", "b=18", 1 },
    /* arithmetic */
    { "1 + 2 * 3 = 7", "", 1 },
    { "(1 + 2) * 3 = 9", "", 1 },
    { "10 - 2 - 3 = 5", "", 1 },
    { "2 * 3 div 4 = 1.5", "", 1 },
    { "7 mod 3 = 1", "", 1 },
    { "-7 mod 3 = -1", "", 1 },
    { "7 mod -3 = 1", "", 1 },
    { "5.5 mod 2 = 1.5", "", 1 },
    { "${a} mod 2 = 0", "a=14", 1 },
    { "1 div 0 > 1000000", "", 1 },
    { "-1 div 0 < -1000000", "", 1 },
    { "- - 3 = 3", "", 1 },
    { "-${a} = -4", "a=4", 1 },
    { "3 - -2 = 5", "", 1 },
    { "3-2 = 1", "", 1 },
    { ".5 + .5 = 1", "", 1 },
    { "5. = 5", "", 1 },
    { "0.1 + 0.2 = 0.3", "", 0 },
    { "0.1 + 0.2 != 0.3", "", 1 },
    { "${a} + ${b} = 7", "a=3;b=4", 1 },
    { "${a} + 1 = 1", "", 0 },
    { "${a} * 2 = 5", "a=2.5", 1 },
    /* `.` constraints */
    { ". >= 0 and . <= 50", ".=25", 1 },
    { ". >= 0 and . <= 50", ".=0", 1 },
    { ". >= 0 and . <= 50", ".=50", 1 },
    { ". >= 0 and . <= 50", ".=51", 0 },
    { ". >= 0 and . <= 50", ".=-1", 0 },
    { ". >= 0 and . <= 50", ".=abc", 0 },
    { ". >= 0 and . <= 50", "", 0 },
    { ". != ''", ".=x", 1 },
    { "string-length(.) <= 5", ".=你好世界", 1 },
    { "string-length(.) <= 5", ".=你好世界你好", 0 },
    { "string-length() = 4", ".=你好世界", 1 },
    { "number() > 2", ".=3", 1 },
    { "string() = 'ok'", ".=ok", 1 },
    { "selected(., 'x')", ".=x y", 1 },
    /* selected() */
    { "selected(${m}, 'b')", "m=a b c", 1 },
    { "selected(${m}, 'a')", "m=a b c", 1 },
    { "selected(${m}, 'c')", "m=a b c", 1 },
    { "selected(${m}, 'd')", "m=a b c", 0 },
    { "selected(${m}, 'a')", "m=ab", 0 },
    { "selected(${m}, 'b')", "m=abc", 0 },
    { "selected(${m}, 'a b')", "m=a b", 0 },
    { "selected(${m}, 'b')", "m=", 0 },
    { "selected(${m}, 'b')", "", 0 },
    { "selected(${m}, '')", "m=a", 0 },
    { "selected(${m}, ' b ')", "m=a b", 1 },
    { "selected(${m}, 'b')", "m=  a \tb  ", 1 },
    { "selected(${m}, 2)", "m=1 2 3", 1 },
    { "selected(${m}, 4)", "m=1 2 3", 0 },
    { "selected(${m}, ${n})", "m=x y;n=y", 1 },
    { "selected(${m}, 'b') and not(selected(${m}, 'c'))", "m=a b", 1 },
    { "selected(${m}, 'b') and not(selected(${m}, 'c'))", "m=b c", 0 },
    { "selected(${m}, '其他')", "m=甲 其他", 1 },
    { "not(selected(${m}, 'none')) or count-selected(${m}) = 1",
      "m=none", 1 },
    { "not(selected(${m}, 'none')) or count-selected(${m}) = 1",
      "m=none a", 0 },
    /* count-selected() */
    { "count-selected(${m}) = 3", "m=a b c", 1 },
    { "count-selected(${m}) = 0", "", 1 },
    { "count-selected(${m}) = 0", "m=", 1 },
    { "count-selected(${m}) = 2", "m=  a   b ", 1 },
    { "count-selected(${m}) >= 1 and count-selected(${m}) <= 2",
      "m=a b c", 0 },
    { "count-selected(${m}) >= 1 and count-selected(${m}) <= 2",
      "m=a", 1 },
    /* string-length() */
    { "string-length(${t}) = 0", "", 1 },
    { "string-length('abc') = 3", "", 1 },
    { "string-length(${t}) > 2", "t=中文字", 1 },
    { "string-length(${t}) = 3", "t=中文字", 1 },
    { "string-length(12.50) = 4", "", 1 },
    { "string-length(1 = 1) = 4", "", 1 },
    /* number() and string() */
    { "number('  12 ') = 12", "", 1 },
    { "number('1,5') = number('1,5')", "", 0 },
    { "number(${a}) = 7", "a=7.0", 1 },
    { "number(true()) = 1", "", 1 },
    { "number(false()) = 0", "", 1 },
    { "string(true()) = 'true'", "", 1 },
    { "string(false()) = 'false'", "", 1 },
    { "string(100) = '100'", "", 1 },
    { "string(-2.50) = '-2.5'", "", 1 },
    { "string(-0) = '0'", "", 1 },
    { "string(1 div 3) = '0.3333333333333333'", "", 1 },
    { "string(0.1 + 0.2) = '0.30000000000000004'", "", 1 },
    { "string(0.000001) = '0.000001'", "", 1 },
    { "string(123456789012345678901234567890) = "
      "'123456789012345680000000000000'", "", 1 },
    { "string(1 div 0) = 'Infinity'", "", 1 },
    { "string(-1 div 0) = '-Infinity'", "", 1 },
    { "string(0 div 0) = 'NaN'", "", 1 },
    { "string(${a}) = '007'", "a=007", 1 },
    { "string(number(${a})) = '7'", "a=007", 1 },
    { "number(string(1 div 3)) = 1 div 3", "", 1 },
    { "number(string(1 div 0)) = 1 div 0", "", 0 },
    /* if() */
    { "if(${a} = 'y', 1, 0) = 1", "a=y", 1 },
    { "if(${a} = 'y', 1, 0) = 1", "a=n", 0 },
    { "if(true(), 'x', 'y') = 'x'", "", 1 },
    { "if(${a} > 3, ${b} != '', true())", "a=5;b=", 0 },
    { "if(${a} > 3, ${b} != '', true())", "a=2;b=", 1 },
    /* coalesce() */
    { "coalesce(${a}, 5) = 5", "", 1 },
    { "coalesce(${a}, 5) = 5", "a=2", 0 },
    { "coalesce(${a}, 'z') = 'z'", "a=", 1 },
    { "coalesce(number(${a}), 0) = 0", "a=x", 1 },
    { "coalesce(${a}, ${b}) = 'b'", "b=b", 1 },
    /* concat, sum, min, max over select_multiple answers */
    { "concat('a', ${b}, 1) = 'ax1'", "b=x", 1 },
    { "concat(${b}) = ''", "", 1 },
    { "sum(${m}) = 9", "m=2 3 4", 1 },
    { "sum(${a}, ${b}) = 3", "a=1;b=2", 1 },
    { "sum(${m}) = 0", "m=", 1 },
    { "sum(${m}, 2) = 2", "", 1 },
    { "sum(${m}) != sum(${m})", "m=a b", 1 },
    { "sum(true(), 1) = 2", "", 1 },
    { "min(3, ${m}) = 1", "m=1 5", 1 },
    { "max(${m}) = 5", "m=1 5", 1 },
    { "max(${m}) != max(${m})", "m=", 1 },
    /* rounding */
    { "round(2.5) = 3", "", 1 },
    { "round(-2.5) = -2", "", 1 },
    { "round(3.14159, 2) = 3.14", "", 1 },
    { "round(1234, -2) = 1200", "", 1 },
    { "int(-3.7) = -3", "", 1 },
    { "int(${a}) = 7", "a=7.9", 1 },
    { "floor(-3.2) = -4", "", 1 },
    { "ceiling(3.2) = 4", "", 1 },
    { "abs(-2) = 2", "", 1 },
    /* strings */
    { "contains(${t}, '作风')", "t=改进作风建设", 1 },
    { "contains(${t}, 'x')", "t=abc", 0 },
    { "starts-with(${t}, 'ab')", "t=abc", 1 },
    { "ends-with(${t}, 'bc')", "t=abc", 1 },
    { "ends-with(${t}, 'abcd')", "t=abc", 0 },
    /* ISO dates are days since 1970-01-01 */
    { "'2026-03-01' - '2026-02-01' = 28", "", 1 },
    { "'2024-03-01' - '2024-02-01' = 29", "", 1 },
    { "number('1970-01-02') = 1", "", 1 },
    { "number('1969-12-31') = -1", "", 1 },
    { "${d} <= '2026-12-31'", "d=2026-06-01", 1 },
    { "${d} > '2026-12-31'", "d=2026-06-01", 0 },
    { "number('2026-02-29') != number('2026-02-29')", "", 1 },
    { "number('2026-13-01') != number('2026-13-01')", "", 1 },
    { "string-length(today()) = 10", "", 1 },
    { ". <= today()", ".=2000-01-01", 1 },
    { ". <= today()", ".=9999-01-01", 0 },
    /* long numerals keep exact rounding */
    { "9007199254740993 = 9007199254740992", "", 1 },
    { "0.1000000000000000055511151231257827 = 0.1", "", 1 },
};

static void test_eval_bool(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bool_cases / sizeof bool_cases[0]; i++) {
        const struct bool_case *c = &bool_cases[i];
        struct answers a;
        expr_t *e = parse_ok(c->src);
        int got;

        answers_parse(&a, c->answers);
        got = expr_eval_bool(e, lookup, &a);
        if (got != c->expect)
            fail_msg("\"%s\" with {%s}: got %d, expected %d", c->src,
                     c->answers, got, c->expect);
        expr_free(e);
    }
}

/* ---- number evaluation -------------------------------------------- */

struct num_case {
    const char *src;
    const char *answers;
    double expect;          /* NAN means NaN is expected */
};

static const struct num_case num_cases[] = {
    { "1 + 2", "", 3 },
    { "10 div 4", "", 2.5 },
    { "7 mod 3", "", 1 },
    { "-${a}", "a=4", -4 },
    { "${a} * 2", "a=2.5", 5 },
    { "${a} + 1", "", NAN },
    { "${a}", "a=abc", NAN },
    { "${a}", "a= -12.5 ", -12.5 },
    { "count-selected(${m})", "m=a b", 2 },
    { "string-length('中文')", "", 2 },
    { "'12'", "", 12 },
    { "'abc'", "", NAN },
    { "true()", "", 1 },
    { "false()", "", 0 },
    { "1 = 1", "", 1 },
    { "if(${a} > 1, ${a}, 0)", "a=5", 5 },
    { "if(${a} > 1, ${a}, 0)", "a=1", 0 },
    { "0.1 + 0.2", "", 0.1 + 0.2 },
    { "123456789.123456789", "", 123456789.123456789 },
    { "0.000000000000000000000000000001", "", 1e-30 },
    { "9007199254740993", "", 9007199254740992.0 },
    { "1 div 0", "", INFINITY },
    { "coalesce(${a}, 42)", "", 42 },
    { "number()", ".=8", 8 },
};

static void test_eval_number(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof num_cases / sizeof num_cases[0]; i++) {
        const struct num_case *c = &num_cases[i];
        struct answers a;
        expr_t *e = parse_ok(c->src);
        double got;

        answers_parse(&a, c->answers);
        got = expr_eval_number(e, lookup, &a);
        if (isnan(c->expect) ? !isnan(got) : got != c->expect)
            fail_msg("\"%s\" with {%s}: got %.17g, expected %.17g", c->src,
                     c->answers, got, c->expect);
        expr_free(e);
    }
}

/* ---- string evaluation (calculate) -------------------------------- */

struct str_case {
    const char *src;
    const char *answers;
    const char *expect;
};

static const struct str_case str_cases[] = {
    { "1 + 2", "", "3" },
    { "10 div 4", "", "2.5" },
    { "${a} * 2", "a=", "NaN" },
    { "concat(${a}, '/', ${b})", "a=甲;b=2", "甲/2" },
    { "concat('x', 1 div 3)", "", "x0.3333333333333333" },
    { "if(${a} = 'yes', 2, 0) + coalesce(${n}, 0) * -3", "a=yes;n=2", "-4" },
    { "if(${a} = 'yes', 2, 0) + coalesce(${n}, 0) * -3", "a=no", "0" },
    { "sum(${m})", "m=1 2.5", "3.5" },
    { "round(${x}, 1)", "x=2.26", "2.3" },
    { "${t}", "t=text as is", "text as is" },
    { "1 = 1", "", "true" },
    { "if(${a} > 3, 'high', concat('low:', ${a}))", "a=2", "low:2" },
    { "concat(concat('a', 'b'), concat('c', concat('d', 'e')))", "", "abcde" },
};

static void test_eval_string(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof str_cases / sizeof str_cases[0]; i++) {
        const struct str_case *c = &str_cases[i];
        struct answers a;
        expr_t *e = parse_ok(c->src);
        char *got;

        answers_parse(&a, c->answers);
        got = expr_eval_string(e, lookup, &a);
        assert_non_null(got);
        if (strcmp(got, c->expect) != 0)
            fail_msg("\"%s\" with {%s}: got '%s', expected '%s'", c->src, c->answers, got,
                     c->expect);
        free(got);
        expr_free(e);
    }
    {
        char *s = expr_eval_string(NULL, lookup, NULL);
        assert_string_equal(s, "");
        free(s);
    }
}

/* ---- syntax errors ------------------------------------------------ */

struct err_case {
    const char *src;
    const char *msg;
    int col;
};

static const struct err_case err_cases[] = {
    { "", "empty expression", 1 },
    { "   ", "empty expression", 1 },
    { "(1 + 2", "unclosed '('", 1 },
    { "not((1)", "unclosed '(' in call to 'not'", 4 },
    { "1 + 2)", "unexpected ')'", 6 },
    { "(1 2)", "expected ')' but found '2'", 4 },
    { "${a} >", "missing operand after '>'", 7 },
    { "1 and", "missing operand after 'and'", 6 },
    { "1 = 1 or", "missing operand after 'or'", 9 },
    { "not(", "missing operand after '('", 5 },
    { "${a} = = 1", "unexpected '='", 8 },
    { "1 +* 2", "unexpected '*'", 4 },
    { "and 1", "unexpected 'and'", 1 },
    { "not(1,)", "unexpected ')'", 7 },
    { "'abc", "unterminated string; add the closing '", 1 },
    { "${a} = \"abc", "unterminated string; add the closing \"", 8 },
    { "foo(1)", "unknown function 'foo'", 1 },
    { "regex(., '^[0-9]+$')", "unsupported function 'regex'", 1 },
    { "jr:choice-name(${a}, '${a}')",
      "unsupported function 'jr:choice-name'", 1 },
    { "${a", "unterminated reference '${a'; add '}'", 1 },
    { "${a} = 1 and ${b = 2", "unterminated reference '${b'; add '}'", 14 },
    { "${}", "empty reference '${}'; put a question name between the braces",
      1 },
    { "${a b} = 1", "space in question name '${a'", 4 },
    { "$a", "unexpected '$'; refer to questions as ${name}", 1 },
    { "${a} = 1 2", "unexpected '2'; is an operator missing?", 10 },
    { "${a} = 1 ${b} = 2", "unexpected '${b}'; is an operator missing?",
      10 },
    { "${a} = 1 ,", "unexpected ','", 10 },
    { "${a} = 1 AND ${b} = 2",
      "unexpected 'AND'; operators are lower-case: 'and'", 10 },
    { "not(1, 2)", "function 'not' takes 1 argument, got 2", 1 },
    { "selected(${a})", "function 'selected' takes 2 arguments, got 1", 1 },
    { "count-selected()", "function 'count-selected' takes 1 argument, "
      "got 0", 1 },
    { "if(1, 2)", "function 'if' takes 3 arguments, got 2", 1 },
    { "true(1)", "function 'true' takes 0 arguments, got 1", 1 },
    { "coalesce(1, 2, 3, 4, 5)", "function 'coalesce' takes 2 arguments, "
      "got 5", 1 },
    { "concat()", "function 'concat' takes at least 1 argument, got 0", 1 },
    { "round(1, 2, 3)", "function 'round' takes at most 2 arguments, got 3", 1 },
    { "now()", "unsupported function 'now'", 1 },
    { "string-length(., 1)", "function 'string-length' takes at most "
      "1 argument, got 2", 1 },
    { "selected(${a} 'x')", "expected ',' or ')' but found ''x''", 15 },
    { "q1 = 1", "'q1' is not a function; refer to questions as ${q1}", 1 },
    { "true = 1", "'true' is a function; write true()", 1 },
    { "1 # 2", "unexpected character '#'", 3 },
    { "1e5 > 2", "invalid number '1e5'", 1 },
    { "1.2.3", "invalid number '1.2.3'", 1 },
    { "${a} == 1", "'==' is not XPath; use '='", 6 },
    { "${a} <> 1", "'<>' is not XPath; use '!='", 6 },
    { "${a} = 1 && ${b} = 2", "unexpected '&'; use 'and'", 10 },
    { "${a} = 1 || ${b} = 2", "unexpected '|'; use 'or'", 10 },
    { "!${a}", "unexpected '!'; use '!=' or not()", 1 },
    { "../a = 1", "'..' is not supported; refer to questions as ${name}", 1 },
    { "/data/a = 1", "paths such as /data/q are not supported; refer to "
      "questions as ${name} (use 'div' to divide)", 1 },
    /* columns count characters, not bytes */
    { "'中文' = ${a} )", "unexpected ')'", 13 },
    { "${名字} ＝ 1", "unexpected full-width character '＝'; use '='", 7 },
    { "${名字} = （1）", "unexpected full-width character '（'; use '('", 9 },
    { "${a} = ‘是’", "unexpected curly quote '‘'; use '", 8 },
    { "${a}\xe3\x80\x80= 1", "unexpected full-width space; use an ordinary "
      "space", 5 },
    { "${a} = \x01", "unexpected control character U+0001", 8 },
    { "${a} = \xff", "invalid UTF-8 byte 0xFF", 8 },
    { "${甲 乙} = 1", "space in question name '${甲'", 4 },
};

static void test_parse_errors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
        const struct err_case *c = &err_cases[i];
        expr_t *e = (expr_t *)&e;    /* must be reset to NULL */
        err_t err = {0};

        if (expr_parse(c->src, &e, &err) != -1)
            fail_msg("\"%s\" parsed but should fail with \"%s\"", c->src,
                     c->msg);
        assert_null(e);
        assert_int_equal(err.code, ERR_INPUT);
        assert_non_null(err.msg);
        if (strcmp(err.msg, c->msg) != 0 || err.col != c->col || err.line != 0)
            fail_msg("\"%s\": got \"%s\" at column %ld, expected \"%s\" at "
                     "column %d", c->src, err.msg, err.col, c->msg, c->col);
        err_clear(&err);
    }
}

/* ---- recursion guards --------------------------------------------- */

static char *repeat(const char *head, int n, const char *mid,
                    const char *tail, int m)
{
    size_t hl = strlen(head), tl = strlen(tail), ml = strlen(mid);
    char *s = malloc(hl * (size_t)n + ml + tl * (size_t)m + 1);
    size_t len = 0;
    int i;

    assert_non_null(s);
    for (i = 0; i < n; i++, len += hl)
        memcpy(s + len, head, hl);
    memcpy(s + len, mid, ml);
    len += ml;
    for (i = 0; i < m; i++, len += tl)
        memcpy(s + len, tail, tl);
    s[len] = '\0';
    return s;
}

static void expect_error(const char *src, const char *msg, int col)
{
    expr_t *e = NULL;
    err_t err = {0};

    assert_int_equal(expr_parse(src, &e, &err), -1);
    assert_null(e);
    assert_non_null(err.msg);
    assert_string_equal(err.msg, msg);
    if (col > 0)
        assert_int_equal(err.col, col);
    err_clear(&err);
}

static void test_depth_limits(void **state)
{
    struct answers a;
    expr_t *e;
    char *s;

    (void)state;
    answers_parse(&a, "");

    s = repeat("(", 200, "1", ")", 200);
    expect_error(s, "expression nested too deeply", 101);
    free(s);

    s = repeat("not(", 200, "1", ")", 200);
    expect_error(s, "expression nested too deeply", 401);
    free(s);

    s = repeat("-", 200, "1", "", 0);
    expect_error(s, "expression nested too deeply", 100);
    free(s);

    /* unbalanced hostile input must also stop early, not recurse */
    s = repeat("(", 100000, "", "", 0);
    expect_error(s, "expression nested too deeply", 101);
    free(s);

    s = repeat("1 + ", 5000, "1", "", 0);
    expect_error(s, "expression too complex (more than 1000 levels of "
                 "operators)", 0);
    free(s);

    /* realistic depths still work */
    s = repeat("(", 50, "1", ")", 50);
    e = parse_ok(s);
    assert_true(expr_eval_bool(e, lookup, &a));
    expr_free(e);
    free(s);

    s = repeat("1 + ", 500, "1", "", 0);
    e = parse_ok(s);
    assert_true(expr_eval_number(e, lookup, &a) == 501);
    expr_free(e);
    free(s);

    s = repeat("not(", 40, "true()", ")", 40);
    e = parse_ok(s);
    assert_true(expr_eval_bool(e, lookup, &a));
    expr_free(e);
    free(s);
}

/* ---- references, `.`, API edges ----------------------------------- */

struct seen {
    int n;
    char name[8][32];
    int col[8];
};

static void collect(void *ud, const char *name, int col)
{
    struct seen *s = ud;

    assert_true(s->n < 8);
    snprintf(s->name[s->n], sizeof s->name[0], "%s", name);
    s->col[s->n] = col;
    s->n++;
}

static void test_foreach_ref(void **state)
{
    struct seen s;
    expr_t *e;

    (void)state;
    memset(&s, 0, sizeof s);
    e = parse_ok("'中文' = ${甲} and selected(${乙}, 'x') or . > ${c_1}");
    expr_foreach_ref(e, collect, &s);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.name[0], "甲");
    assert_int_equal(s.col[0], 8);
    assert_string_equal(s.name[1], "乙");
    assert_int_equal(s.col[1], 26);
    assert_string_equal(s.name[2], "c_1");
    assert_int_equal(s.col[2], 44);
    expr_free(e);

    memset(&s, 0, sizeof s);
    e = parse_ok(". > 3");
    expr_foreach_ref(e, collect, &s);
    assert_int_equal(s.n, 0);
    expr_free(e);
}

static void test_uses_dot(void **state)
{
    static const struct {
        const char *src;
        int uses;
    } cases[] = {
        { ". >= 0", 1 },
        { "${a} > 1", 0 },
        { "string-length() > 1", 1 },
        { "number() > 1", 1 },
        { "selected(${m}, 'x') or string(.) = ''", 1 },
        { "'.' = ${a}", 0 },
        { ".5 > 0", 0 },
        { "true()", 0 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expr_t *e = parse_ok(cases[i].src);

        if (expr_uses_dot(e) != cases[i].uses)
            fail_msg("\"%s\": uses_dot %d", cases[i].src, expr_uses_dot(e));
        expr_free(e);
    }
}

static void test_api_edges(void **state)
{
    expr_t *e = NULL;
    err_t err = {0};

    (void)state;
    expr_free(NULL);
    assert_int_equal(expr_eval_bool(NULL, lookup, NULL), 0);
    assert_true(isnan(expr_eval_number(NULL, lookup, NULL)));
    assert_int_equal(expr_uses_dot(NULL), 0);
    expr_foreach_ref(NULL, collect, NULL);

    /* err is optional */
    assert_int_equal(expr_parse("1 +", &e, NULL), -1);
    assert_null(e);
    assert_int_equal(expr_parse("(", &e, &err), -1);
    assert_int_equal(err.col, 2);
    err_clear(&err);
    assert_int_equal(expr_parse(NULL, &e, NULL), -1);
    assert_int_equal(expr_parse("1", NULL, NULL), -1);

    /* a NULL lookup treats everything as unanswered */
    e = parse_ok("${a} = '' and . = ''");
    assert_true(expr_eval_bool(e, NULL, NULL));
    expr_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_bool),
        cmocka_unit_test(test_eval_number),
        cmocka_unit_test(test_eval_string),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_depth_limits),
        cmocka_unit_test(test_foreach_ref),
        cmocka_unit_test(test_uses_dot),
        cmocka_unit_test(test_api_edges),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
