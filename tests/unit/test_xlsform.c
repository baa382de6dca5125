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
#include "tests/unit/testmain.h"

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
    err_t err = {0};
    if (ans_set(a, (size_t)pos(f, name), v, &err) != 0)
        fail_msg("%s = '%s': %s", name, v, err.msg);
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
    {"or_other whose text question's name is taken",
     SETTINGS YN "survey,,,\n,type,name,label\n,text,a_other,T\n,select_one yn or_other,a,A\n",
     "t.csv:11:2: error: or_other adds a question named 'a_other', which this form already has; "
     "rename one of them"},
    {"range with decimal steps",
     SETTINGS "survey,,,,\n,type,name,label,parameters\n,range,r,R,start=0 end=1 step=0.5\n",
     "t.csv:6:5: error: range 'r': start, end and step must be whole numbers (a range is shown "
     "as a choice of its steps)"},
    {"range that never reaches its end",
     SETTINGS "survey,,,,\n,type,name,label,parameters\n,range,r,R,start=0 end=9 step=2\n",
     "t.csv:6:5: error: range 'r': from 0 to 9 by 2 does not give 1 to 1000 steps ending at 9"},
    {"range parameter not a number",
     SETTINGS "survey,,,,\n,type,name,label,parameters\n,range,r,R,start=x\n",
     "t.csv:6:5: error: parameter start must be a number, not 'x'"},
    {"a parameter gapsurvey does not know",
     SETTINGS "survey,,,,\n,type,name,label,parameters\n,integer,n,N,max-pixels=5\n",
     "t.csv:6:5: error: parameter 'max-pixels' is not supported on integer"},
    {"choice_filter on a text question",
     SETTINGS "survey,,,,\n,type,name,label,choice_filter\n,text,t,T,x = 1\n",
     "t.csv:6:5: error: choice_filter goes on select_one, select_multiple or rank questions, "
     "not on text"},
    {"choice_filter naming a column the choices sheet lacks",
     SETTINGS "choices,,,,\n,list_name,name,label,cat\n,l,a,A,x\n"
     "survey,,,,\n,type,name,label,choice_filter\n,select_one l,q,Q,kat = 'x'\n",
     "t.csv:9:5: error: choice_filter refers to 'kat', which is no column of the choices sheet; "
     "add the column or write ${kat} for a question"},
    {"default that is no answer",
     SETTINGS YN "survey,,,,\n,type,name,label,default\n,select_one yn,q,Q,maybe\n",
     "t.csv:10:5: error: default 'maybe' is not a valid answer to select_one 'q'"},
    {"default on a date, not ISO",
     SETTINGS "survey,,,,\n,type,name,label,default\n,date,d,D,2026/3/1\n",
     "t.csv:6:5: error: default '2026/3/1' is not a valid answer to date 'd'"},
    {"default from other answers",
     SETTINGS "survey,,,,\n,type,name,label,default\n,integer,a,A,\n,integer,b,B,${a}\n",
     "t.csv:7:5: error: a default that refers to other answers ('${a}') is not supported; use a "
     "fixed value, or a calculate row"},
    {"read_only that is neither yes nor no",
     SETTINGS "survey,,,,\n,type,name,label,read_only\n,integer,a,A,maybe\n",
     "t.csv:6:5: error: read_only must be yes or no, not 'maybe'"},
    {"an unsupported type names itself",
     SETTINGS "survey,,,\n,type,name,label\n,geopoint,g,Where\n",
     "t.csv:6:2: error: type 'geopoint' is not supported by gapsurvey; use one of select_one, "
     "select_multiple, rank, integer, decimal, range, text, date, note, calculate, begin_group, "
     "end_group, begin_repeat, end_repeat"},
    {"an unsupported select type with its list",
     SETTINGS "survey,,,\n,type,name,label\n,select_one_from_file x.csv,g,Where\n",
     "t.csv:6:2: error: type 'select_one_from_file x.csv' is not supported by gapsurvey; use "
     "one of select_one, select_multiple, rank, integer, decimal, range, text, date, note, "
     "calculate, begin_group, end_group, begin_repeat, end_repeat"},
    {"randomize neither true nor false",
     SETTINGS YN "survey,,,,\n,type,name,label,parameters\n,select_one yn,q,Q,randomize=often\n",
     "t.csv:10:5: error: randomize must be true or false, not 'often'"},
    {"randomize on a question without choices",
     SETTINGS "survey,,,,\n,type,name,label,parameters\n,text,q,Q,randomize=true\n",
     "t.csv:6:5: error: parameter 'randomize' is not supported on text"},
    {"a repeat inside a repeat",
     SETTINGS "survey,,,\n,type,name,label\n,begin_repeat,a,A\n,begin_repeat,b,B\n",
     "t.csv:7:2: error: a repeat inside a repeat is not supported (repeat 'a'); keep repeats to "
     "plain questions"},
    {"a calculate inside a repeat",
     SETTINGS "survey,,,,\n,type,name,label,calculation\n,begin_repeat,a,A,\n,calculate,c,,1\n"
     ",end_repeat,,,\n",
     "t.csv:7:2: error: a calculate inside a repeat is not supported (repeat 'a'); keep repeats "
     "to plain questions"},
    {"end_group closing a repeat",
     SETTINGS "survey,,,\n,type,name,label\n,begin_repeat,a,A\n,text,t,T\n,end_group,,\n",
     "t.csv:8:2: error: end_group inside repeat 'a'; close the repeat with end_repeat"},
    {"a repeat never closed",
     SETTINGS "survey,,,\n,type,name,label\n,begin_repeat,a,A\n,text,t,T\n",
     "t.csv:6:2: error: begin_repeat 'a' is never closed with end_repeat"},
    {"end_repeat without a repeat",
     SETTINGS "survey,,,\n,type,name,label\n,text,t,T\n,end_repeat,,\n",
     "t.csv:7:2: error: end_repeat without a matching begin_repeat"},
    {"points inside a repeat",
     SETTINGS "dimensions,,\n,name,label\n,clean,Clean\n"
     "survey,,,,,\n,type,name,label,dimension,points\n,begin_repeat,a,A,,\n"
     ",integer,n,N,clean,2\n,end_repeat,,,,\n",
     "t.csv:10:6: error: dimension and points do not go inside a repeat ('n'): the analysis "
     "scores one answer per response"},
    {"repeat_count on a question",
     SETTINGS "survey,,,,\n,type,name,label,repeat_count\n,integer,n,N,3\n",
     "t.csv:6:5: error: repeat_count goes on begin_repeat, not on integer"},
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
    err_t err = {0};
    assert_int_equal(ans_set(a, (size_t)pos(f, "total"), "5", &err), -1);
    err_clear(&err);

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

/* ---- date, range, rank, or_other, default, read_only ---- */

static const char types_form[] =
    SETTINGS
    "choices,,,,\n,list_name,name,label,cat\n"
    ",colours,red,Red,warm\n,colours,blue,Blue,cold\n,colours,sun,Sun yellow,warm\n"
    ",cats,warm,Warm,\n,cats,cold,Cold,\n"
    "survey,,,,,,,\n"
    ",type,name,label,parameters,default,read_only,choice_filter\n"
    ",date,when,When?,,2026-01-31,,\n"
    ",range,score,Score,start=0 end=10 step=2,,,\n"
    ",range,plain,Plain,,,,\n"
    ",rank colours,order,Order the colours,,,,\n"
    ",select_one colours or_other,fav,Favourite,,,,\n"
    ",select multiple from colours or specify other,some,Some,,blue red,,\n"
    ",integer,fixed,Fixed,,7,yes,\n"
    ",select_one cats,cat,Warm or cold?,,,,\n"
    ",select_multiple colours,pick,Pick,,,,cat = ${cat}\n"
    ",start,started,,,,,\n"
    ",deviceid,device,,,,,\n";

static void test_types(void **state)
{
    (void)state;
    util_diag_t d = {0};
    form_t *f = NULL;
    assert_int_equal(form_load_mem("t.csv", types_form, strlen(types_form), &f, &d), 0);
    /* metadata rows are left out, each with a warning */
    assert_int_equal(d.nwarnings, 2);
    assert_string_equal(d.msgs[0], "t.csv:22:2: warning: type 'start' records when, where or on "
                        "what device a response was made; gapsurvey keeps none of that, so the "
                        "row is left out");
    assert_int_equal(form_item_index(f, "started"), -1);
    util_diag_free(&d);

    ans_t *a = ans_new(f);
    err_t err = {0};
    /* date: read as people write it, kept as ISO, never with a time */
    size_t when = (size_t)pos(f, "when");
    assert_int_equal(f->items[when].type, FORM_DATE);
    set(a, f, "when", "2026/3/1");
    assert_string_equal(ans_get(a, when), "2026-03-01");
    set(a, f, "when", "2026年3月9日");
    assert_string_equal(ans_get(a, when), "2026-03-09");
    assert_int_equal(ans_set(a, when, "2026-03-01T10:20", &err), -1);
    assert_string_equal(err.msg, "'2026-03-01T10:20': only the date is kept, not the time of day; "
                        "write it as YYYY-MM-DD (when)");
    err_clear(&err);
    assert_int_equal(ans_set(a, when, "2026-02-30", &err), -1);
    assert_string_equal(err.msg, "'2026-02-30' is not a date; write it as YYYY-MM-DD (when)");
    err_clear(&err);

    /* range: a select_one of its steps */
    const form_item_t *score = &f->items[pos(f, "score")];
    assert_int_equal(score->type, FORM_SELECT_ONE);
    assert_true(score->range);
    const form_list_t *sl = &f->lists[score->list];
    assert_int_equal(sl->nchoices, 6);
    assert_true(sl->numeric && sl->min == 0 && sl->max == 10);
    assert_string_equal(sl->choices[3].name, "6");
    assert_string_equal(form_text(f, sl->choices[3].label, 0), "6");
    assert_int_equal(f->lists[f->items[pos(f, "plain")].list].nchoices, 10);
    set(a, f, "score", "4");
    assert_int_equal(ans_set(a, (size_t)pos(f, "score"), "5", &err), -1);
    err_clear(&err);

    /* rank: every option once, in order */
    size_t order = (size_t)pos(f, "order");
    assert_int_equal(f->items[order].type, FORM_RANK);
    set(a, f, "order", "sun, red blue");
    assert_string_equal(ans_get(a, order), "sun red blue");
    assert_int_equal(ans_set(a, order, "sun red", &err), -1);
    assert_string_equal(err.msg, "rank all 3 options of order, in order; 2 given");
    err_clear(&err);
    assert_int_equal(ans_set(a, order, "sun red sun", &err), -1);
    assert_string_equal(err.msg, "'sun' is ranked twice (order); give each option one place");
    err_clear(&err);
    assert_string_equal(ans_get(a, order), "sun red blue");   /* kept */

    /* or_other: the list gains "other", a text question follows */
    size_t fav = (size_t)pos(f, "fav");
    const form_item_t *fi = &f->items[fav];
    assert_int_equal(fi->other, (int)fav + 1);
    const form_item_t *fo = &f->items[fav + 1];
    assert_string_equal(fo->name, "fav_other");
    assert_int_equal(fo->type, FORM_TEXT);
    assert_string_equal(fo->relevant_src, "selected(${fav}, 'other')");
    const form_list_t *ol = &f->lists[fi->list];
    assert_string_equal(ol->name, "colours or_other");
    assert_int_equal(ol->nchoices, 4);
    assert_string_equal(ol->choices[3].name, "other");
    assert_string_equal(ol->choices[0].extra[0], "warm");
    assert_false(ans_relevant(a, fav + 1));
    set(a, f, "fav", "other");
    assert_true(ans_relevant(a, fav + 1));
    set(a, f, "fav_other", "Green");
    /* the old spelling, on a select_multiple, shares the list */
    size_t some = (size_t)pos(f, "some");
    assert_int_equal(f->items[some].list, fi->list);
    assert_string_equal(f->items[some + 1].name, "some_other");

    /* defaults, and read_only */
    assert_null(ans_get(a, (size_t)pos(f, "fixed")));
    ans_set_defaults(a);
    assert_string_equal(ans_get(a, (size_t)pos(f, "fixed")), "7");
    assert_string_equal(ans_get(a, some), "blue red");
    assert_string_equal(ans_get(a, when), "2026-03-09");   /* an answer is kept */
    assert_true(f->items[pos(f, "fixed")].read_only);

    /* choice_filter: what is offered follows the answer it names */
    size_t pick = (size_t)pos(f, "pick");
    form_list_t *v = ans_choices(a, pick, 1);
    assert_int_equal(v->nchoices, 0);   /* no category yet */
    ans_choices_free(v);
    set(a, f, "cat", "warm");
    v = ans_choices(a, pick, 1);
    assert_int_equal(v->nchoices, 2);
    assert_string_equal(v->choices[0].name, "red");
    assert_string_equal(v->choices[1].name, "sun");
    ans_choices_free(v);
    set(a, f, "pick", "red blue");
    err_t msg = {0};
    assert_int_equal(ans_check_constraint(a, pick, 0, &msg), -1);
    assert_string_equal(msg.msg, "'blue' is not among the options offered for the earlier answers");
    err_clear(&msg);
    set(a, f, "pick", "sun");
    assert_int_equal(ans_check_constraint(a, pick, 0, &msg), 0);
    ans_free(a);
    form_free(f);
}

/* ---- randomize ---- */

static const char shuffled_form[] =
    SETTINGS
    "choices,,,\n,list_name,name,label\n"
    ",l,a,A\n,l,b,B\n,l,c,C\n,l,d,D\n,l,e,E\n"
    "survey,,,,\n,type,name,label,parameters\n"
    ",select_one l or_other,q,Q,randomize=true seed=${x}\n"
    ",select_multiple l,m,M,\n";

static char *order_of(const ans_t *a, size_t pos)
{
    form_list_t *v = ans_choices(a, pos, 1);
    util_buf_t b = {0};
    for (size_t c = 0; c < v->nchoices; c++)
        util_buf_adds(&b, v->choices[c].name);
    ans_choices_free(v);
    return util_buf_take(&b);
}

static void test_randomize(void **state)
{
    (void)state;
    util_diag_t d = {0};
    form_t *f = NULL;
    assert_int_equal(form_load_mem("t.csv", shuffled_form, strlen(shuffled_form), &f, &d), 0);
    assert_int_equal(d.nwarnings, 1);   /* the seed from an answer is not taken */
    assert_string_equal(d.msgs[0], "t.csv:13:5: warning: parameter seed is ignored: each "
                        "respondent gets an order of their own, from a random seed");
    util_diag_free(&d);
    size_t q = (size_t)pos(f, "q"), m = (size_t)pos(f, "m");
    assert_true(f->items[q].randomize);
    assert_false(f->items[m].randomize);
    ans_t *a = ans_new(f);
    char *o = order_of(a, q);
    assert_string_equal(o, "abcdeother");   /* no seed: the list's order */
    free(o);
    int seen_first[5] = {0};
    for (unsigned long long seed = 1; seed <= 200; seed++) {
        ans_set_seed(a, seed);
        char *x = order_of(a, q), *y = order_of(a, q);
        assert_string_equal(x, y);             /* the same seed, the same order */
        assert_int_equal(strlen(x), 10);
        assert_string_equal(x + 5, "other");   /* "other" stays last */
        seen_first[x[0] - 'a']++;
        free(x);
        free(y);
        char *z = order_of(a, m);
        assert_string_equal(z, "abcde");       /* only where the form asks */
        free(z);
    }
    for (int i = 0; i < 5; i++)
        assert_true(seen_first[i] > 15);       /* every choice comes first now and then */
    unsigned long long s1 = ans_new_seed(), s2 = ans_new_seed();
    assert_true(s1 != 0 && s2 != 0 && s1 != s2);
    ans_free(a);
    form_free(f);
}

/* ---- repeats ---- */

static const char repeat_form[] =
    SETTINGS
    "survey,,,,,,\n"
    ",type,name,label,required,relevant,calculation\n"
    ",integer,n,How many?,,,\n"
    ",begin_repeat,ev,Events,,${n} != 0,\n"
    ",text,what,What?,yes,,\n"
    ",date,when,When?,,,\n"
    ",integer,pts,Points,,${what} != 'none',\n"
    ",end_repeat,,,,,\n"
    ",calculate,total,,,,sum(${pts})\n"
    ",text,after,Total ${total}?,,${total} > 3,\n";

static void test_repeats(void **state)
{
    (void)state;
    form_t *f = load(repeat_form);
    size_t ev = (size_t)pos(f, "ev"), what = (size_t)pos(f, "what"), pts = (size_t)pos(f, "pts");
    size_t total = (size_t)pos(f, "total");
    assert_int_equal(f->items[ev].type, FORM_BEGIN_REPEAT);
    assert_int_equal(f->items[what].repeat, (int)ev);
    assert_int_equal(f->items[what].group, (int)ev);
    assert_int_equal(f->items[total].repeat, -1);
    assert_true(form_item_stored(&f->items[ev]));
    assert_false(form_item_stored(&f->items[what]));   /* kept within the repeat's value */
    assert_true(form_item_answerable(&f->items[what]));
    assert_false(form_item_answerable(&f->items[ev]));

    ans_t *a = ans_new(f);
    assert_null(ans_get(a, ev));
    assert_int_equal(ans_instances(a, ev), 0);
    assert_int_equal(ans_instance_add(a, ev), 0);
    assert_int_equal(ans_focused(a, ev), 0);
    set(a, f, "what", "Award");
    set(a, f, "when", "2026/1/5");
    set(a, f, "pts", "2");
    assert_int_equal(ans_instance_add(a, ev), 1);
    assert_null(ans_get(a, what));                     /* a fresh instance */
    set(a, f, "what", "Prize, \"big\"");
    set(a, f, "pts", "3");
    ans_focus(a, ev, 0);
    assert_string_equal(ans_get(a, what), "Award");    /* each keeps its own */
    ans_focus(a, ev, (size_t)-1);
    /* from outside the repeat: every instance */
    assert_string_equal(ans_get(a, total), "5");
    assert_true(ans_relevant(a, (size_t)pos(f, "after")));
    char *t = ans_fill(a, form_text(f, f->items[pos(f, "after")].label, 0), 0);
    assert_string_equal(t, "Total 5?");
    free(t);
    /* a sibling reference is to the same instance */
    ans_focus(a, ev, 1);
    set(a, f, "what", "none");
    assert_false(ans_relevant(a, pts));
    ans_focus(a, ev, (size_t)-1);
    ans_drop_irrelevant(a);   /* the points of "none" go; the focus stays as it was */
    assert_int_equal(ans_focused(a, ev), -1);
    assert_string_equal(ans_get(a, total), "2");
    /* stored as a table with a header */
    const char *text = ans_get(a, ev);
    assert_string_equal(text, "what,when,pts\nAward,2026-01-05,2\nnone,,\n");
    char *copy = util_xstrdup(text);
    ans_t *b = ans_new(f);
    err_t err = {0};
    assert_int_equal(ans_set(b, ev, copy, &err), 0);
    assert_int_equal(ans_instances(b, ev), 2);
    assert_string_equal(ans_get(b, ev), copy);
    /* a bad cell refuses the whole table, naming the instance */
    assert_int_equal(ans_set(b, ev, "what,when\nx,2026-02-31\n", &err), -1);
    assert_string_equal(err.msg, "ev, instance 1: '2026-02-31' is not a date; write it as "
                        "YYYY-MM-DD (when)");
    err_clear(&err);
    assert_int_equal(ans_instances(b, ev), 0);
    /* a column of an older version is passed over */
    assert_int_equal(ans_set(b, ev, "gone,what\n1,kept\n", &err), 0);
    ans_focus(b, ev, 0);
    assert_string_equal(ans_get(b, what), "kept");
    ans_focus(b, ev, (size_t)-1);
    /* stored once, as the repeat's value; its questions not on their own */
    int ids[16];
    for (size_t i = 0; i < f->nitems; i++)
        ids[i] = (int)i;
    store_answer_t *rows;
    size_t n;
    ans_to_store(a, ids, &rows, &n);
    int seen = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(rows[k].item != (int)what && rows[k].item != (int)pts);
        seen += rows[k].item == (int)ev;
    }
    assert_int_equal(seen, 1);
    free(rows);
    /* the repeat not relevant: its instances go */
    set(a, f, "n", "0");
    ans_drop_irrelevant(a);
    assert_int_equal(ans_instances(a, ev), 0);
    /* at most FORM_MAX_INSTANCES */
    ans_clear_all(b);
    for (int k = 0; k < FORM_MAX_INSTANCES; k++)
        assert_true(ans_instance_add(b, ev) >= 0);
    assert_int_equal(ans_instance_add(b, ev), -1);
    ans_free(b);
    ans_free(a);
    free(copy);
    form_free(f);
}

TEST_MAIN(
    cmocka_unit_test(test_loader_errors),
    cmocka_unit_test(test_calculate),
    cmocka_unit_test(test_types),
    cmocka_unit_test(test_randomize),
    cmocka_unit_test(test_repeats))
