/*
 * Unit tests for the XLSForm features of round 2 (DESIGN.md section 3), at
 * the level of the form loader and the answer model every way of
 * collecting shares: what each feature's columns load into, the errors a
 * form author gets for each misuse (with the cell), and how answers
 * behave — calculate values kept up to date and filled into labels.
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

#include "survey/answers.h"
#include "survey/form.h"
#include "base/util.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define SETTINGS "settings,,,\n,form_id,version,role\n,t,1,staff\n"
#define YN "choices,,,\n,list_name,name,label\n,yn,yes,Yes\n,yn,no,No\n"

static form_t *load(const char *csv)
{
    util_diag_t d = {0};
    form_t *f = NULL;
    if (form_load_mem("t.csv", csv, strlen(csv), &f, &d) != 0 || d.nerrors) {
        for (size_t i = 0; i < d.n; i++)
            print_message("    %s\n", d.msgs[i]);
        fail_msg("the form does not load");
    }
    util_diag_free(&d);
    return f;
}

static int pos(const form_t *f, const char *name)
{
    int k = form_item_index(f, name);
    if (k < 0)
        fail_msg("no item %s", name);
    return k;
}

static void set(ans_t *a, const form_t *f, const char *name, const char *v)
{
    char *err = NULL;
    if (ans_set(a, (size_t)pos(f, name), v, &err) != 0)
        fail_msg("%s = '%s': %s", name, v, err);
}

/* ---- loader errors ---- */

struct bad {
    const char *desc;
    const char *csv;
    const char *line;    /* must be among the diagnostics */
};

static const struct bad bads[] = {
    {"calculate without a calculation",
     SETTINGS "survey,,,\n,type,name,calculation\n,calculate,c1,\n",
     "t.csv:6:4: error: calculate 'c1' has no calculation; write the expression in the "
     "calculation column"},
    {"calculate without a calculation column",
     SETTINGS "survey,,\n,type,name\n,calculate,c1\n",
     "t.csv:6:2: error: calculate 'c1' has no calculation; write the expression in the "
     "calculation column"},
    {"calculation on a question",
     SETTINGS "survey,,,,\n,type,name,label,calculation\n,integer,n,N,1 + 1\n",
     "t.csv:6:5: error: a calculation on integer 'n' is not supported; put it on a row of "
     "type calculate"},
    {"calculation with a syntax error",
     SETTINGS "survey,,,\n,type,name,calculation\n,calculate,c1,1 +\n",
     "t.csv:6:4: error: calculation '1 +': missing operand after '+' at character 4"},
    {"calculation referring to no question",
     SETTINGS "survey,,,,\n,type,name,label,calculation\n,integer,n,N,\n"
     ",calculate,c1,,${m} * 2\n",
     "t.csv:7:5: error: calculation refers to ${m}, which is not a question; did you mean "
     "${n}?"},
    {"calculations in a circle",
     SETTINGS "survey,,,\n,type,name,calculation\n,calculate,a,${b} + 1\n"
     ",calculate,b,${c} + 1\n,calculate,c,${a} * 2\n",
     "t.csv:6:4: error: calculation of 'a' depends on itself (through the calculations it "
     "refers to); break the circle"},
    {"calculation using .",
     SETTINGS "survey,,,\n,type,name,calculation\n,calculate,a,. + 1\n",
     "t.csv:6:4: error: calculation '. + 1' uses '.', which has no value in a calculation; "
     "refer to questions as ${name}"},
    {"a label showing an answer that does not exist",
     SETTINGS "survey,,,\n,type,name,label\n,integer,n,N\n,note,x,You said ${nn}\n",
     "t.csv:7:4: error: label refers to ${nn}, which is not a question; did you mean ${n}?"},
};

static void test_loader_errors(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < N_OF(bads); i++) {
        util_diag_t d = {0};
        form_t *f = NULL;
        int rc = form_load_mem("t.csv", bads[i].csv, strlen(bads[i].csv), &f, &d);
        int found = 0;
        for (size_t k = 0; k < d.n; k++)
            found |= strcmp(d.msgs[k], bads[i].line) == 0;
        if (rc != -1 || !found) {
            print_message("case '%s': rc %d, want: %s\n", bads[i].desc, rc, bads[i].line);
            for (size_t k = 0; k < d.n; k++)
                print_message("    %s\n", d.msgs[k]);
            failed++;
        }
        form_free(f);
        util_diag_free(&d);
    }
    assert_int_equal(failed, 0);
}

/* ---- calculate ---- */

static const char calc_form[] =
    SETTINGS YN
    "survey,,,,,\n"
    ",type,name,label,calculation,relevant\n"
    /* the total refers forward to a calculation further down */
    ",calculate,total,,${bonus} - ${deduct},\n"
    ",select_one yn,award,Award?,,\n"
    ",integer,notices,Notices,,\n"
    ",calculate,bonus,,\"if(${award} = 'yes', 2, 0)\",\n"
    ",calculate,deduct,,\"coalesce(${notices}, 0) * 3\",\n"
    ",calculate,half,,${notices} div 2,\n"
    ",calculate,shown,,\"concat('n=', ${notices})\",${notices} > 0\n"
    ",integer,more,More than ${total}?,,${total} > 1\n"
    ",note,sum,\"Award: ${award}; total ${total}, ${half}, ${missing_is_a_typo}\",,\n";

static void test_calculate(void **state)
{
    (void)state;
    /* the typo in the note is refused: the same form without it */
    char *csv = util_xstrdup(calc_form);
    char *typo = strstr(csv, ", ${missing_is_a_typo}");
    memmove(typo, typo + strlen(", ${missing_is_a_typo}"),
            strlen(typo + strlen(", ${missing_is_a_typo}")) + 1);
    form_t *f = load(csv);
    free(csv);
    const form_item_t *total = &f->items[pos(f, "total")];
    assert_int_equal(total->type, FORM_CALCULATE);
    assert_false(form_item_answerable(total));
    assert_true(form_item_stored(total));
    assert_string_equal(total->calculation_src, "${bonus} - ${deduct}");
    assert_string_equal(form_type_name(FORM_CALCULATE), "calculate");

    ans_t *a = ans_new(f);
    /* nothing answered: the arithmetic ones are 0, the NaN one has no value */
    assert_string_equal(ans_get(a, (size_t)pos(f, "total")), "0");
    assert_null(ans_get(a, (size_t)pos(f, "half")));
    assert_null(ans_get(a, (size_t)pos(f, "shown")));    /* not relevant */
    set(a, f, "award", "yes");
    set(a, f, "notices", "1");
    assert_string_equal(ans_get(a, (size_t)pos(f, "bonus")), "2");
    assert_string_equal(ans_get(a, (size_t)pos(f, "deduct")), "3");
    assert_string_equal(ans_get(a, (size_t)pos(f, "total")), "-1");
    assert_string_equal(ans_get(a, (size_t)pos(f, "half")), "0.5");
    assert_string_equal(ans_get(a, (size_t)pos(f, "shown")), "n=1");
    /* relevant uses a calculation */
    assert_false(ans_relevant(a, (size_t)pos(f, "more")));
    set(a, f, "notices", "");
    assert_string_equal(ans_get(a, (size_t)pos(f, "total")), "2");
    assert_true(ans_relevant(a, (size_t)pos(f, "more")));
    /* a calculate takes no answer of its own */
    char *err = NULL;
    assert_int_equal(ans_set(a, (size_t)pos(f, "total"), "5", &err), -1);
    free(err);

    /* labels show answers (choice labels) and calculations */
    const form_item_t *note = &f->items[pos(f, "sum")];
    char *t = ans_fill(a, form_text(f, note->label, 0), 0);
    assert_string_equal(t, "Award: Yes; total 2, ");
    free(t);
    t = ans_fill(a, form_text(f, f->items[pos(f, "more")].label, 0), 0);
    assert_string_equal(t, "More than 2?");
    free(t);
    t = ans_fill(a, "no refs, ${unclosed", 0);
    assert_string_equal(t, "no refs, ${unclosed");
    free(t);

    /* stored with the response, as a number when it is one */
    int ids[16];
    for (size_t i = 0; i < f->nitems; i++)
        ids[i] = 100 + (int)i;
    store_answer_t *rows;
    size_t n;
    set(a, f, "notices", "4");
    ans_to_store(a, ids, &rows, &n);
    int saw = 0;
    for (size_t k = 0; k < n; k++) {
        if (rows[k].item == 100 + pos(f, "total")) {
            assert_string_equal(rows[k].text, "-10");
            assert_true(rows[k].has_num && rows[k].num == -10);
            saw++;
        }
        if (rows[k].item == 100 + pos(f, "shown")) {
            assert_string_equal(rows[k].text, "n=4");
            assert_false(rows[k].has_num);
            saw++;
        }
    }
    assert_int_equal(saw, 2);
    free(rows);
    ans_free(a);
    form_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loader_errors),
        cmocka_unit_test(test_calculate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
