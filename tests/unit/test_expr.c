/*
 * Unit tests for survey/expr: table-driven checks of evaluation (every
 * operator, function, XPath 1.0 type conversion and the unanswered cases
 * that relevant/constraint cells depend on) and of syntax errors with their
 * messages and UTF-8 character columns, plus the recursion guards.  The
 * table is tests/fixtures/expr/cases.csv (one case a row; add cases there).
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

#include "base/csv.h"
#include "base/util.h"
#include "survey/expr.h"
#include "tests/unit/testmain.h"

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

/* What every evaluation case starts with: src parsed (it must parse) and
 * the answers written in spec set in *a, which lookup reads while the
 * caller evaluates.  The caller frees the expression. */
static expr_t *parse_on(const char *src, const char *spec, struct answers *a)
{
    answers_parse(a, spec);
    return parse_ok(src);
}

/* ---- the cases (tests/fixtures/expr/cases.csv) ------------------- */

/* One row of the case file: kind is "bool", "number", "string" (what
 * expression evaluates to, with answers) or "error" (expression must fail
 * to parse with the message expect at column).  group is the heading the
 * case stands under, for the reader of the file.  In expression, \xHH
 * stands for the byte HH (control characters, invalid UTF-8). */
struct xcase {
    char *kind, *src, *answers, *expect;
    int col;
};

static struct xcase *cases;
static size_t ncases;

static char *unescape(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    assert_non_null(out);
    while (*s) {
        unsigned v;
        if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1) {
            *o++ = (char)v;
            s += 4;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static int case_row(void *ud, const csvr_row_t *row)
{
    (void)ud;
    if (row->line == 1)
        return 0;        /* kind,group,expression,answers,expect,column */
    assert_int_equal(row->ncells, 6);
    cases = realloc(cases, (ncases + 1) * sizeof *cases);
    assert_non_null(cases);
    cases[ncases++] = (struct xcase){strdup(row->cells[0]), unescape(row->cells[2]),
                                     strdup(row->cells[3]), strdup(row->cells[4]),
                                     atoi(row->cells[5])};
    return 0;
}

static int cases_load(void **state)
{
    (void)state;
    char *data;
    size_t len;
    err_t err = {0};
    if (util_read_file("tests/fixtures/expr/cases.csv", &data, &len, &err))
        return -1;
    int rc = csvr_parse_mem(data, len, ',', case_row, NULL, &err);
    free(data);
    return rc;
}

static int cases_free(void **state)
{
    (void)state;
    for (size_t i = 0; i < ncases; i++) {
        free(cases[i].kind);
        free(cases[i].src);
        free(cases[i].answers);
        free(cases[i].expect);
    }
    free(cases);
    return 0;
}

/* Evaluates every case of kind, as eval says, and returns how many there
 * were; a case the file has fewer of than at_least fails (a cut file). */
typedef void (*eval_fn)(const struct xcase *c, expr_t *e, struct answers *a);

static void each_case(const char *kind, size_t at_least, eval_fn eval)
{
    size_t n = 0;
    for (size_t i = 0; i < ncases; i++) {
        if (strcmp(cases[i].kind, kind) != 0)
            continue;
        struct answers a;
        expr_t *e = parse_on(cases[i].src, cases[i].answers, &a);
        eval(&cases[i], e, &a);
        expr_free(e);
        n++;
    }
    if (n < at_least)
        fail_msg("%zu %s cases in tests/fixtures/expr/cases.csv, expected %zu or more", n, kind,
                 at_least);
}

/* ---- boolean, number and string evaluation ------------------------ */

static void eval_bool(const struct xcase *c, expr_t *e, struct answers *a)
{
    int got = expr_eval_bool(e, lookup, a);
    if (got != atoi(c->expect))
        fail_msg("\"%s\" with {%s}: got %d, expected %s", c->src, c->answers, got, c->expect);
}

static void test_eval_bool(void **state)
{
    (void)state;
    each_case("bool", 223, eval_bool);
}

/* expect "nan" means NaN is expected */
static void eval_number(const struct xcase *c, expr_t *e, struct answers *a)
{
    double got = expr_eval_number(e, lookup, a), want = strtod(c->expect, NULL);
    if (isnan(want) ? !isnan(got) : got != want)
        fail_msg("\"%s\" with {%s}: got %.17g, expected %s", c->src, c->answers, got, c->expect);
}

static void test_eval_number(void **state)
{
    (void)state;
    each_case("number", 24, eval_number);
}

static void eval_string(const struct xcase *c, expr_t *e, struct answers *a)
{
    char *got = expr_eval_string(e, lookup, a);
    assert_non_null(got);
    if (strcmp(got, c->expect) != 0)
        fail_msg("\"%s\" with {%s}: got '%s', expected '%s'", c->src, c->answers, got, c->expect);
    free(got);
}

static void test_eval_string(void **state)
{
    (void)state;
    each_case("string", 13, eval_string);
    char *s = expr_eval_string(NULL, lookup, NULL);
    assert_string_equal(s, "");
    free(s);
}

/* ---- syntax errors ------------------------------------------------ */

static void test_parse_errors(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t i = 0; i < ncases; i++) {
        const struct xcase *c = &cases[i];
        if (strcmp(c->kind, "error") != 0)
            continue;
        expr_t *e = (expr_t *)&e;    /* must be reset to NULL */
        err_t err = {0};

        if (expr_parse(c->src, &e, &err) != -1)
            fail_msg("\"%s\" parsed but should fail with \"%s\"", c->src, c->expect);
        assert_null(e);
        assert_int_equal(err.code, ERR_INPUT);
        assert_non_null(err.msg);
        if (strcmp(err.msg, c->expect) != 0 || err.col != c->col || err.line != 0)
            fail_msg("\"%s\": got \"%s\" at column %ld, expected \"%s\" at column %d", c->src,
                     err.msg, err.col, c->expect, c->col);
        err_clear(&err);
        n++;
    }
    assert_true(n >= 59);
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

TEST_MAIN_GROUP(cases_load, cases_free,
    cmocka_unit_test(test_eval_bool),
    cmocka_unit_test(test_eval_number),
    cmocka_unit_test(test_eval_string),
    cmocka_unit_test(test_parse_errors),
    cmocka_unit_test(test_depth_limits),
    cmocka_unit_test(test_foreach_ref),
    cmocka_unit_test(test_uses_dot),
    cmocka_unit_test(test_api_edges))
