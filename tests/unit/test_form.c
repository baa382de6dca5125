/*
 * Unit tests for survey/form: the XLSForm CSV loader.  The heart is two
 * tables of malformed questionnaires (most are the shared head and a row
 * or two; the rest whole files), each with the exact diagnostic line a
 * questionnaire author should see (file, line, column, what to do) and the
 * number of errors, so a change that moves a position, loses a "did you
 * mean", or lets one mistake cascade into several errors shows up here.
 * Then: every error of a form with several mistakes comes out of one load;
 * a valid form loads into the model the rest of the program relies on; the
 * same form loads as GB18030, with a BOM and with CRLF; a list's choices
 * are found by name (the names "0" .. "99" from its direct table, near
 * misses and the rest through its hash, also after form_list_replace and
 * in a list made by hand); and the shipped questionnaires load cleanly.
 * Runs from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/form.h"
#include "base/csv.h"
#include "base/util.h"
#include "tests/unit/xlsxmake.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- building blocks: lines 1-19 of most cases ----
 * Columns of the survey sheet: 2 type, 3 name, 4 label::Chinese (zh),
 * 5 label::English (en), 6 dimension, 7 reverse, 8 points, 9 relevant,
 * 10 constraint.  A case's own rows start at line 20. */
#define SETTINGS                                                   \
    "settings,,,,,\n"                                 /* line 1 */ \
    ",form_id,version,form_title,default_language,role\n"          \
    ",t1,1,Test,Chinese (zh),staff\n"                 /* line 3 */
#define DIMS                                                       \
    "dimensions,,,\n"                                 /* line 4 */ \
    ",name,label::Chinese (zh),label::English (en)\n"              \
    ",planning,科学部署,Planning\n"                                \
    ",clean,廉洁型,Clean\n"                           /* line 7 */
#define CHOICES                                                    \
    "choices,,,,\n"                                   /* line 8 */ \
    ",list_name,name,label::Chinese (zh),label::English (en)\n"    \
    ",agree5,1,非常不同意,Strongly disagree\n"       /* line 10 */ \
    ",agree5,2,不同意,Disagree\n"                                  \
    ",agree5,3,一般,Neutral\n"                                     \
    ",agree5,4,同意,Agree\n"                                       \
    ",agree5,5,非常同意,Strongly agree\n"                          \
    ",yn,yes,是,Yes\n"                                             \
    ",yn,no,否,No\n"                                 /* line 16 */
#define SURVEY_HEADER                                              \
    "survey,,,,,,,,,\n"                              /* line 17 */ \
    ",type,name,label::Chinese (zh),label::English (en),dimension,reverse,points,relevant,constraint\n"
#define Q1 ",select_one agree5,q1,问一,Q one,planning,,,,\n"   /* line 19 */
#define HEAD SETTINGS DIMS CHOICES SURVEY_HEADER Q1
/* the same without settings: lines 1-16 */
#define NOSET_HEAD DIMS CHOICES SURVEY_HEADER Q1

/* The commonest case: HEAD, then the case's own survey rows from line 20,
 * and exactly one error (rc -1). */
struct row_case {
    const char *desc;
    const char *rows;   /* after HEAD */
    const char *line;   /* must be among the diagnostics, verbatim */
};

static const struct row_case row_cases[] = {
    { "unknown type with a suggestion",
      ",selct_one agree5,q2,问二,Q two,planning,,,,\n",
      "bad.csv:20:2: error: unknown type 'selct_one agree5'; did you mean 'select_one'?" },
    { "unknown type far from any, lists the types",
      ",slider,q2,问二,Q two,,,,,\n",
      "bad.csv:20:2: error: unknown type 'slider'; use one of select_one LIST, "
      "select_multiple LIST, rank LIST, integer, decimal, range, text, date, note, "
      "calculate, begin_group, end_group, begin_repeat, end_repeat" },
    { "unsupported type (time: only dates are kept)",
      ",time,d1,时间,Time,,,,,\n",
      "bad.csv:20:2: error: type 'time' is not supported by gapsurvey; use one of "
      "select_one, select_multiple, rank, integer, decimal, range, text, date, note, "
      "calculate, begin_group, end_group, begin_repeat, end_repeat" },
    { "select_one without a list name",
      ",select_one,q2,问二,Q two,,,,,\n",
      "bad.csv:20:2: error: type 'select_one' needs a choice list name, e.g. "
      "'select_one agree5'" },
    { "select_one with two list names",
      ",select_one agree5 yn,q2,问二,Q two,,,,,\n",
      "bad.csv:20:2: error: type 'select_one agree5 yn' must be followed by exactly "
      "one list name" },
    { "a list name with a typo used by three questions: one error, with the list meant",
      ",select_one agre5,q2,问二,Q two,planning,,,,\n"
      ",select_one agre5,q3,问三,Q three,planning,,,,\n"
      ",select_one agre5,q4,问四,Q four,planning,,,,\n",
      "bad.csv:20:2: error: choice list 'agre5' is not defined in the choices sheet "
      "(did you mean 'agree5', line 10?); 3 questions use it" },
    { "a list name like none: no guess",
      ",select_one zzzzzzzz,q2,问二,Q two,,,,,\n",
      "bad.csv:20:2: error: choice list 'zzzzzzzz' is not defined in the choices sheet" },
    { "duplicate question name",
      ",select_one agree5,q1,问二,Q two,planning,,,,\n",
      "bad.csv:20:3: error: name 'q1' is already used at line 19; names must be unique" },
    { "invalid name",
      ",text,2nd,问二,Q two,,,,,\n",
      "bad.csv:20:3: error: name '2nd' must start with a letter or _ and use only "
      "letters, digits, _, - or ." },
    { "missing name",
      ",text,,问二,Q two,,,,,\n",
      "bad.csv:20:3: error: text has no name; give it a short unique name such as q1" },
    { "row without a type",
      ",,q2,问二,Q two,,,,,\n",
      "bad.csv:20:2: error: row has no type; every survey row needs one" },
    { "question without a label, reported at the label column",
      ",text,c1,,,,,,,\n",
      "bad.csv:20:4: error: question 'c1' has no label" },
    { "note without a label",
      ",note,n1,,,,,,,\n",
      "bad.csv:20:4: error: note 'n1' has no label" },
    { "dimension not declared, with a suggestion",
      ",select_one agree5,q2,问二,Q two,planing,,,,\n",
      "bad.csv:20:6: error: dimension 'planing' is not declared in the dimensions "
      "sheet; did you mean 'planning'?" },
    { "dimension not declared, nothing near",
      ",select_one agree5,q2,问二,Q two,vibrant,,,,\n",
      "bad.csv:20:6: error: dimension 'vibrant' is not declared in the dimensions "
      "sheet; add a row for it there" },
    { "dimension on a text item",
      ",text,c1,意见,Comment,planning,,,,\n",
      "bad.csv:20:6: error: only Likert items (select_one with a numeric choice list) "
      "or items with points can belong to a dimension; 'c1' is text" },
    { "reverse on a text item",
      ",text,c1,意见,Comment,,yes,,,\n",
      "bad.csv:20:7: error: reverse needs a select_one item with a numeric choice "
      "list; 'c1' is text" },
    { "reverse on a select_one with a non-numeric list",
      ",select_one yn,b1,加分,Bonus,clean,yes,2,,\n",
      "bad.csv:20:7: error: reverse needs a numeric choice list; the choice names of "
      "list 'yn' are not all numbers" },
    { "reverse value not yes/no",
      ",select_one agree5,q2,问二,Q two,planning,maybe,,,\n",
      "bad.csv:20:7: error: reverse must be yes or no, not 'maybe'" },
    { "points on a text item",
      ",text,c1,意见,Comment,clean,,3,,\n",
      "bad.csv:20:8: error: points go on an integer item (per count) or a select_one "
      "yes/no item (per yes), not on text" },
    { "points on a Likert item",
      ",select_one agree5,q2,问二,Q two,planning,,1,,\n",
      "bad.csv:20:8: error: points go on an integer item (per count) or a select_one "
      "yes/no item (per yes), not on select_one" },
    { "points not a number",
      ",select_one yn,b1,加分,Bonus,clean,,two,,\n",
      "bad.csv:20:8: error: points must be a number, not 'two'" },
    { "points in hex are not a number",
      ",integer,n1,次数,Count,clean,,0x10,,\n",
      "bad.csv:20:8: error: points must be a number, not '0x10'" },
    { "points without a dimension",
      ",select_one yn,b1,加分,Bonus,,,2,,\n",
      "bad.csv:20:8: error: points need a dimension to count towards" },
    { "end_group without begin_group",
      ",end_group,,,,,,,,\n",
      "bad.csv:20:2: error: end_group without a matching begin_group" },
    { "begin_group never closed",
      ",begin_group,g1,第一组,Part one,,,,,\n"
      ",select_one agree5,q2,问二,Q two,planning,,,,\n",
      "bad.csv:20:2: error: begin_group 'g1' is never closed with end_group" },
    { "relevant with a syntax error, at its character",
      ",text,c1,意见,Comment,,,,${q1} > > 2,\n",
      "bad.csv:20:9: error: relevant '${q1} > > 2': unexpected '>' at character 9" },
    { "relevant syntax error after Chinese text counts characters",
      ",text,c1,意见,Comment,,,,${q1} = '同意' and,\n",
      "bad.csv:20:9: error: relevant '${q1} = '同意' and': missing operand after "
      "'and' at character 17" },
    { "constraint refers to an unknown question, with a suggestion",
      ",integer,n1,次数,Count,,,,,. >= ${q9}\n",
      "bad.csv:20:10: error: constraint refers to ${q9}, which is not a question; "
      "did you mean ${q1}?" },
    { "relevant refers to an unknown question, nothing near",
      ",text,c1,意见,Comment,,,,${satisfaction} > 2,\n",
      "bad.csv:20:9: error: relevant refers to ${satisfaction}, which is not a "
      "question in this form" },
    { "a sheet that starts twice (its rows are not also orphans)",
      "settings,,\n,form_id,role\n,t2,self\n",
      "bad.csv:20:1: error: sheet 'settings' starts again (first at line 1); merge "
      "the two" },
    { "bad bytes in a UTF-8 form: UTF-8 with an error at the bad byte, not at good Chinese text",
      ",text,c1,意见\xff\xfe,Comment,,,,,\n",
      "bad.csv:20:12: error: invalid UTF-8 byte 0xFF; the file is otherwise UTF-8, so "
      "it is not read as GB18030" },
    { "quoted cell never closed",
      ",text,c1,\"意见,Comment,,,,,\n,text,c2,二,Two,,,,,\n",
      "bad.csv:20: error: a quoted cell in the row that starts here is never closed; "
      "add the missing \"" },
};

/* The others: a whole file each, with its return and its count of errors. */
struct bad_case {
    const char *desc;
    const char *csv;
    int rc;             /* -1, or -2 for a file that is no questionnaire */
    size_t nerrors;     /* exactly this many errors: no cascades */
    const char *line;   /* must be among the diagnostics, verbatim */
};

static const struct bad_case bad_cases[] = {
    { "list not defined (its dimension, points and reverse do not cascade)",
      HEAD ",select_one agree7,q2,问二,Q two,planning,yes,,,\n"
           ",select_one yesno,b1,加分,Bonus,clean,,2,,\n",
      -1, 2, "bad.csv:20:2: error: choice list 'agree7' is not defined in the choices sheet "
             "(did you mean 'agree5', line 10?)" },
    { "required not yes/no",
      SETTINGS DIMS CHOICES
      "survey,,,,\n"
      ",type,name,label,required\n"
      ",text,c1,意见,sometimes\n",
      -1, 1, "bad.csv:19:5: error: required must be yes or no, not 'sometimes'" },
    { "duplicate choice in a list",
      SETTINGS DIMS CHOICES ",agree5,3,一般 again,Neutral again\n"
      SURVEY_HEADER Q1,
      -1, 1, "bad.csv:17:3: error: choice '3' appears twice in list 'agree5'" },
    { "choice without a label, reported at the label column",
      SETTINGS DIMS CHOICES ",agree5,6,,\n"
      SURVEY_HEADER Q1,
      -1, 1, "bad.csv:17:4: error: choice '6' of list 'agree5' has no label" },
    { "choice name with a space",
      SETTINGS DIMS CHOICES ",topics,well being,身心,Well-being\n"
      SURVEY_HEADER Q1,
      -1, 1, "bad.csv:17:3: error: choice name 'well being' contains a space; "
             "select_multiple answers are space-separated, so use _ instead" },
    { "dimension declared twice",
      SETTINGS DIMS ",planning,科学部署,Planning again\n" CHOICES SURVEY_HEADER Q1,
      -1, 1, "bad.csv:8:2: error: dimension 'planning' is declared twice" },
    { "missing form_id",
      "settings,,,,,\n"
      ",form_id,version,form_title,default_language,role\n"
      ",,1,Test,Chinese (zh),staff\n" NOSET_HEAD,
      -1, 1, "bad.csv:3:2: error: settings: form_id is missing; give the form a short id "
             "such as staff-opinion" },
    { "invalid form_id",
      "settings,,,,,\n"
      ",form_id,version,form_title,default_language,role\n"
      ",staff opinion,1,Test,Chinese (zh),staff\n" NOSET_HEAD,
      -1, 1, "bad.csv:3:2: error: settings: form_id 'staff opinion' must start with a "
             "letter and use only letters, digits, _, - or ." },
    { "role not self or staff",
      "settings,,,,,\n"
      ",form_id,version,form_title,default_language,role\n"
      ",t1,1,Test,Chinese (zh),boss\n" NOSET_HEAD,
      -1, 1, "bad.csv:3:6: error: settings: role 'boss' must be self (unit "
             "self-assessment) or staff (staff opinion survey)" },
    { "default_language matches no label column",
      "settings,,,,,\n"
      ",form_id,version,form_title,default_language,role\n"
      ",t1,1,Test,Chinese,staff\n" NOSET_HEAD,
      -1, 1, "bad.csv:3:5: error: default_language 'Chinese' matches no label column; write "
             "it exactly as after label:: ('Chinese (zh)', 'English (en)')" },
    { "unit_field naming a text question",
      "settings,,,,,,\n"
      ",form_id,version,form_title,default_language,role,unit_field\n"
      ",t1,1,Test,Chinese (zh),staff,c1\n" NOSET_HEAD
      ",text,c1,单位,Unit,,,,,\n",
      -1, 1, "bad.csv:3:7: error: unit_field 'c1' must name a select_one question of this "
             "form, but it is text" },
    { "unit_field naming no question",
      "settings,,,,,,\n"
      ",form_id,version,form_title,default_language,role,unit_field\n"
      ",t1,1,Test,Chinese (zh),staff,unit\n" NOSET_HEAD,
      -1, 1, "bad.csv:3:7: error: unit_field 'unit' is not a question of this form; name "
             "the select_one question that asks for the unit" },
    { "no settings sheet",
      NOSET_HEAD,
      -1, 1, "bad.csv: error: no settings sheet; add one with at least form_id, version and "
             "role (self or staff)" },
    { "no survey sheet",
      SETTINGS DIMS CHOICES,
      -1, 1, "bad.csv: error: no survey sheet; the first cell of the row that starts it "
             "must be 'survey'" },
    { "survey sheet without questions",
      SETTINGS DIMS CHOICES SURVEY_HEADER,
      -1, 1, "bad.csv:17:1: error: the survey sheet has no questions" },
    { "survey sheet without a type column",
      SETTINGS DIMS CHOICES "survey,,\n,kind,name,label\n,text,c1,意见\n",
      -1, 1, "bad.csv:18: error: sheet survey needs the columns type and name" },
    { "data before any sheet (reported once, the sheets are still read)",
      ",type,name\n,text,c1\n" HEAD ",txt,c2,问,Q,,,,,\n",
      -1, 2, "bad.csv:1:2: error: data before any sheet: the first row must name a sheet in "
             "its first cell (survey, choices, settings or dimensions)" },
    { "sheet without header row (its codes are not reported as undeclared)",
      SETTINGS "dimensions,,,\n" CHOICES SURVEY_HEADER
      ",select_one agree5,q1,问一,Q one,planning,,,,\n",
      -1, 1, "bad.csv:4:1: error: sheet 'dimensions' has no header row; the row after the "
             "sheet name must list its columns, with the first cell empty" },
    { "CRLF line ends keep line numbers",
      "survey,,\r\n,type,name,label\r\n\r\n,text,c1,意见\r\n,txet,c2,二\r\n"
      "settings,,\r\n,form_id,role\r\n,t1,staff\r\n",
      -1, 1, "bad.csv:5:2: error: unknown type 'txet'; did you mean 'text'?" },
    { "semicolon-separated file is read",
      "survey;;\n;type;name;label\n;text;c1;意见\n;intger;n1;次数\n"
      "settings;;\n;form_id;role\n;t1;staff\n",
      -1, 1, "bad.csv:4:2: error: unknown type 'intger'; did you mean 'integer'?" },
    { "a unit list is not a questionnaire",
      "code,name,category,parent,headcount\nU01,市委办公室,党委部门,,62\n",
      -2, 1, "bad.csv: error: not an XLSForm questionnaire: no row starts a survey, choices "
             "or settings sheet in its first cell" },
};

static int has_line(const util_diag_t *d, const char *line)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->msgs[i], line) == 0)
            return 1;
    return 0;
}

static void dump(const char *what, const util_diag_t *d)
{
    print_message("%s: %zu errors, %zu warnings\n", what, d->nerrors, d->nwarnings);
    for (size_t i = 0; i < d->n; i++)
        print_message("    %s\n", d->msgs[i]);
}

/* Loads csv as bad.csv: 1 when it fails with rc, exactly nerrors errors and
 * line among them; otherwise 0, with what came out. */
static int bad_as_expected(const char *desc, const char *csv, int want_rc, size_t nerrors,
                           const char *line)
{
    util_diag_t d = {0};
    form_t *f = (form_t *)1;
    int rc = form_load_mem("bad.csv", csv, strlen(csv), &f, &d);
    int ok = rc == want_rc && f == NULL && d.nerrors == nerrors && has_line(&d, line);
    if (!ok) {
        print_message("FAIL %s: rc %d (want %d), want %zu errors and the line\n"
                      "    %s\n", desc, rc, want_rc, nerrors, line);
        dump("got", &d);
    }
    form_free(f == (form_t *)1 ? NULL : f);
    util_diag_free(&d);
    return ok;
}

static void test_bad_forms(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < N_OF(row_cases); i++) {
        const struct row_case *c = &row_cases[i];
        char *csv = util_fmt("%s%s", HEAD, c->rows);
        failed += !bad_as_expected(c->desc, csv, -1, 1, c->line);
        free(csv);
    }
    for (size_t i = 0; i < N_OF(bad_cases); i++) {
        const struct bad_case *c = &bad_cases[i];
        failed += !bad_as_expected(c->desc, c->csv, c->rc, c->nerrors, c->line);
    }
    assert_int_equal(failed, 0);
}

/* One load reports every mistake, in every sheet, without cascades. */
static void test_all_errors_in_one_load(void **state)
{
    (void)state;
    static const char csv[] =
        "settings,,,,,\n"
        ",form_id,version,form_title,default_language,role\n"
        ",t1,1,Test,Chinese (zh),boss\n"                              /* 3: role */
        DIMS
        CHOICES
        ",agree5,5,又一个,Again\n"                                    /* 17: duplicate */
        "survey,,,,,,,,,\n"
        ",type,name,label::Chinese (zh),label::English (en),dimension,reverse,points,relevant,constraint\n"
        ",selct_one agree5,q1,问一,Q one,planning,,,,\n"              /* 20: type */
        ",select_one agree5,q2,问二,Q two,planing,,,,\n"              /* 21: dimension */
        ",end_group,,,,,,,,\n"                                        /* 22: end_group */
        ",text,c1,意见,Comment,,,,${q1} > 2,\n"   /* 23: fine: q1 exists though its row is bad */
        ",text,c2,,,,,,,\n"                                           /* 24: label */
        ",integer,n1,次数,Count,clean,,x,,\n";                        /* 25: points */
    static const char *const want[] = {
        "bad.csv:3:6: error: settings: role 'boss' must be self (unit self-assessment) or "
        "staff (staff opinion survey)",
        "bad.csv:17:3: error: choice '5' appears twice in list 'agree5'",
        "bad.csv:20:2: error: unknown type 'selct_one agree5'; did you mean 'select_one'?",
        "bad.csv:21:6: error: dimension 'planing' is not declared in the dimensions sheet; "
        "did you mean 'planning'?",
        "bad.csv:22:2: error: end_group without a matching begin_group",
        "bad.csv:24:4: error: question 'c2' has no label",
        "bad.csv:25:8: error: points must be a number, not 'x'",
    };
    util_diag_t d = {0};
    form_t *f = NULL;
    int rc = form_load_mem("bad.csv", csv, strlen(csv), &f, &d);
    if (d.nerrors != N_OF(want))
        dump("several errors", &d);
    assert_int_equal(rc, -1);
    assert_null(f);
    assert_int_equal(d.nerrors, N_OF(want));
    for (size_t i = 0; i < N_OF(want); i++)
        if (!has_line(&d, want[i])) {
            dump("several errors", &d);
            fail_msg("missing: %s", want[i]);
        }
    util_diag_free(&d);
}

/* ---- a valid form and the model it gives ---- */

static const char valid_form[] =
    "survey,,,,,,,,,,,\n"
    ",type,name,label::Chinese (zh),label::English (en),hint::Chinese (zh),dimension,reverse,points,relevant,constraint,required\n"
    ",select_one units,u,单位,Unit,,,,,,,yes\n"                 /* 0 */
    ",begin_group,g1,第一组,Part one,,,,,,,\n"                   /* 1 */
    ",select_one agree5,q1,问一,Q one,请选择,planning,,,,,yes\n" /* 2 */
    ",select_one agree5,q2,问二,,,planning,yes,,,,\n"            /* 3 */
    ",select_one agree5,c1,问三,Q three,,clean,no,,,,\n"         /* 4 */
    ",end_group,,,,,,,,,,\n"                                     /* 5 */
    ",select_one yn,b1,获奖,Award,,clean,,2,,,\n"                /* 6 */
    ",integer,n1,次数,Count,,clean,,-1.5,,. >= 0,\n"             /* 7 */
    ",select_multiple topics,m1,话题,Topics,,,,,${q1} >= 4,,\n"  /* 8 */
    ",decimal,d1,比例,Share,,,,,,. <= 100,\n"                    /* 9 */
    ",text,t1,意见,Comment,,,,,\"selected(${m1}, 'a')\",,\n"     /* 10 */
    ",note,thanks,谢谢,Thanks,,,,,,,\n"                          /* 11 */
    "choices,,,,\n"
    ",list_name,name,label::Chinese (zh),label::English (en)\n"
    ",units,U01,市委办公室,\n"
    ",units,U02,市委组织部,\n"
    ",agree5,1,非常不同意,Strongly disagree\n"
    ",agree5,2,不同意,Disagree\n"
    ",agree5,3,一般,Neutral\n"
    ",agree5,4,同意,Agree\n"
    ",agree5,5,非常同意,Strongly agree\n"
    ",yn,yes,是,Yes\n"
    ",yn,no,否,No\n"
    ",topics,a,学习,Learning\n"
    ",topics,b,作风,Work style\n"
    "settings,,,,,,\n"
    ",form_id,version,form_title,default_language,role,unit_field\n"
    ",valid-form,2026112601,测试问卷,Chinese (zh),self,u\n"
    "dimensions,,,\n"
    ",name,label::Chinese (zh),label::English (en)\n"
    ",planning,科学部署,Planning\n"
    ",clean,廉洁型,Clean\n";

static form_t *load_ok(const char *data, size_t len, util_diag_t *d)
{
    form_t *f = NULL;
    int rc = form_load_mem("valid.csv", data, len, &f, d);
    if (rc != 0)
        dump("valid form", d);
    assert_int_equal(rc, 0);
    assert_non_null(f);
    assert_int_equal(d->nerrors, 0);
    return f;
}

static const form_list_t *list_named(const form_t *f, const char *name)
{
    for (size_t i = 0; i < f->nlists; i++)
        if (strcmp(f->lists[i].name, name) == 0)
            return &f->lists[i];
    fail_msg("no list %s", name);
    return NULL;
}

/* What the rest of the program reads from a form: checked field by field.
 * file is the name it was loaded as, first the line (or Excel row) of its
 * first question. */
static void check_valid_model(const form_t *f, const char *file, long first)
{
    assert_string_equal(f->form_id, "valid-form");
    assert_string_equal(f->version, "2026112601");
    assert_string_equal(f->title, "测试问卷");
    assert_int_equal(f->role, FORM_ROLE_SELF);
    assert_string_equal(f->unit_field, "u");
    assert_string_equal(f->file, file);

    /* languages in order of first appearance; the default one found */
    assert_int_equal(f->nlangs, 2);
    assert_string_equal(f->langs[0], "Chinese (zh)");
    assert_string_equal(f->langs[1], "English (en)");
    assert_int_equal(f->default_lang, 0);
    assert_int_equal(form_lang(f, "zh"), 0);
    assert_int_equal(form_lang(f, "en"), 1);
    assert_int_equal(form_lang(f, "English (en)"), 1);
    assert_int_equal(form_lang(f, "fr"), 0);
    assert_int_equal(form_lang(f, NULL), 0);

    static const struct { const char *name; form_type_t type; int group; } items[] = {
        { "u", FORM_SELECT_ONE, -1 },      { "g1", FORM_BEGIN_GROUP, -1 },
        { "q1", FORM_SELECT_ONE, 1 },      { "q2", FORM_SELECT_ONE, 1 },
        { "c1", FORM_SELECT_ONE, 1 },      { NULL, FORM_END_GROUP, -1 },
        { "b1", FORM_SELECT_ONE, -1 },     { "n1", FORM_INTEGER, -1 },
        { "m1", FORM_SELECT_MULTIPLE, -1 },{ "d1", FORM_DECIMAL, -1 },
        { "t1", FORM_TEXT, -1 },           { "thanks", FORM_NOTE, -1 },
    };
    assert_int_equal(f->nitems, N_OF(items));
    for (size_t i = 0; i < N_OF(items); i++) {
        const form_item_t *it = &f->items[i];
        assert_int_equal(it->type, items[i].type);
        if (items[i].name)
            assert_string_equal(it->name, items[i].name);
        else
            assert_null(it->name);
        assert_int_equal(it->group, items[i].group);
        assert_int_equal(it->line, (long)i + first);
    }
    assert_int_equal(form_item_index(f, "n1"), 7);
    assert_int_equal(form_item_index(f, "nope"), -1);

    /* lists: numeric range, yes/no detection, choice numbers */
    assert_int_equal(f->nlists, 4);
    const form_list_t *agree = list_named(f, "agree5"), *yn = list_named(f, "yn");
    const form_list_t *units = list_named(f, "units"), *topics = list_named(f, "topics");
    assert_int_equal(agree->nchoices, 5);
    assert_true(agree->numeric);
    assert_true(agree->min == 1.0 && agree->max == 5.0);
    assert_false(agree->yesno);
    assert_true(agree->choices[2].num == 3.0);
    assert_int_equal(form_list_choice(agree, "4"), 3);
    assert_int_equal(form_list_choice(agree, "6"), -1);
    assert_true(yn->yesno);
    assert_false(yn->numeric);
    assert_true(isnan(yn->choices[0].num));
    assert_false(units->numeric);
    assert_false(units->yesno);
    assert_int_equal(topics->nchoices, 2);
    assert_string_equal(f->lists[f->items[8].list].name, "topics");
    assert_int_equal(f->items[10].list, -1);

    /* dimensions: Likert items counted, points items not */
    assert_int_equal(f->ndims, 2);
    int planning = form_dim_index(f, "planning"), clean = form_dim_index(f, "clean");
    assert_int_equal(planning, 0);
    assert_int_equal(clean, 1);
    assert_int_equal(form_dim_index(f, "vibrant"), -1);
    assert_int_equal(f->dims[planning].nscored, 2);
    assert_int_equal(f->dims[clean].nscored, 1);
    assert_string_equal(form_text(f, f->dims[clean].label, 1), "Clean");

    const form_item_t *q1 = &f->items[2], *q2 = &f->items[3], *c1 = &f->items[4];
    const form_item_t *b1 = &f->items[6], *n1 = &f->items[7], *m1 = &f->items[8];
    assert_int_equal(q1->dim, planning);
    assert_false(q1->reverse);
    assert_true(q2->reverse);
    assert_false(c1->reverse);
    assert_true(form_item_scored(f, q1));
    assert_true(form_item_scored(f, c1));
    assert_int_equal(b1->dim, clean);
    assert_true(b1->has_points);
    assert_true(b1->points == 2.0);
    assert_false(form_item_scored(f, b1));
    assert_int_equal(n1->dim, clean);
    assert_true(n1->has_points);
    assert_true(n1->points == -1.5);
    assert_false(q1->has_points);
    assert_int_equal(m1->dim, -1);

    /* answerable, required, expressions */
    assert_false(form_item_answerable(&f->items[1]));
    assert_false(form_item_answerable(&f->items[5]));
    assert_false(form_item_answerable(&f->items[11]));
    assert_true(form_item_answerable(m1));
    assert_true(f->items[0].required);
    assert_true(q1->required);
    assert_false(q2->required);
    assert_non_null(m1->relevant);
    assert_string_equal(m1->relevant_src, "${q1} >= 4");
    assert_non_null(n1->constraint);
    assert_null(n1->relevant);
    assert_string_equal(f->items[10].relevant_src, "selected(${m1}, 'a')");

    /* texts: per language, falling back to the default language */
    assert_string_equal(form_text(f, q1->label, 0), "问一");
    assert_string_equal(form_text(f, q1->label, 1), "Q one");
    assert_null(q2->label[1]);
    assert_string_equal(form_text(f, q2->label, 1), "问二");
    assert_string_equal(form_text(f, q1->hint, 1), "请选择");
    assert_string_equal(form_text(f, q2->hint, 0), "");
    assert_string_equal(form_text(f, units->choices[0].label, 1), "市委办公室");
    assert_string_equal(form_text(f, agree->choices[4].label, 1), "Strongly agree");
    assert_string_equal(form_text(f, q1->label, 99), "问一");
    assert_string_equal(form_text(f, NULL, 0), "");
}

static void test_valid_form(void **state)
{
    (void)state;
    util_diag_t d = {0};
    form_t *f = load_ok(valid_form, strlen(valid_form), &d);
    if (d.n)
        dump("valid form", &d);
    assert_int_equal(d.nwarnings, 0);
    check_valid_model(f, "valid.csv", 3);
    assert_int_equal(f->source_len, strlen(valid_form));
    assert_memory_equal(f->source, valid_form, f->source_len);
    assert_string_equal(form_type_name(FORM_SELECT_MULTIPLE), "select_multiple");
    assert_string_equal(form_role_name(f->role), "self");
    form_free(f);
    form_free(NULL);
    util_diag_free(&d);
}

/* Excel and WPS on Chinese Windows save CSV as GB18030. */
static void test_gb18030_form(void **state)
{
    (void)state;
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(valid_form), outcap = inleft * 2, outleft = outcap;
    char *gb = malloc(outcap), *in = (char *)valid_form, *o = gb;
    assert_non_null(gb);
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    size_t gblen = outcap - outleft;
    assert_true(gblen < strlen(valid_form));   /* really re-encoded */

    util_diag_t d = {0};
    form_t *f = load_ok(gb, gblen, &d);
    assert_true(has_line(&d, "valid.csv: warning: read as GB18030 (not UTF-8); it is stored "
                             "as UTF-8"));
    assert_int_equal(d.nwarnings, 1);
    check_valid_model(f, "valid.csv", 3);
    /* what is stored is UTF-8, byte for byte the original */
    assert_int_equal(f->source_len, strlen(valid_form));
    assert_memory_equal(f->source, valid_form, f->source_len);
    form_free(f);
    util_diag_free(&d);

    /* a bad byte after Chinese text: the column counts characters */
    static const char bad[] = "survey,,\n,type,name,label\n,text,a,\xce\xca\xff\n";
    f = NULL;
    assert_int_equal(form_load_mem("gb.csv", bad, strlen(bad), &f, &d), -1);
    assert_null(f);
    if (!has_line(&d, "gb.csv:3:10: error: byte 0xFF is neither UTF-8 nor GB18030; save the "
                      "file as UTF-8"))
        dump("gb18030 bad byte", &d);
    assert_true(has_line(&d, "gb.csv:3:10: error: byte 0xFF is neither UTF-8 nor GB18030; "
                             "save the file as UTF-8"));
    util_diag_free(&d);
    free(gb);
}

/* Excel's "CSV UTF-8" adds a BOM, and Windows line ends. */
static void test_bom_and_crlf_form(void **state)
{
    (void)state;
    util_buf_t b = {0};
    util_buf_adds(&b, "\xEF\xBB\xBF");
    for (const char *p = valid_form; *p; p++) {
        if (*p == '\n')
            util_buf_addc(&b, '\r');
        util_buf_addc(&b, *p);
    }
    util_diag_t d = {0};
    form_t *f = load_ok(b.s, b.len, &d);
    if (d.n)
        dump("BOM + CRLF form", &d);
    assert_int_equal(d.n, 0);
    check_valid_model(f, "valid.csv", 3);
    assert_int_equal(f->source_len, b.len - 3);
    assert_memory_equal(f->source, b.s + 3, f->source_len);
    form_free(f);
    util_diag_free(&d);
    util_buf_free(&b);

    util_buf_adds(&b, "\xEF\xBB\xBF");
    util_buf_adds(&b, valid_form);
    f = load_ok(b.s, b.len, &d);
    assert_int_equal(d.n, 0);
    assert_string_equal(f->form_id, "valid-form");
    form_free(f);
    util_diag_free(&d);
    util_buf_free(&b);
}

/* Warnings do not stop a load: unknown columns and sheets are kept. */
static void test_warnings_only(void **state)
{
    (void)state;
    static const char csv[] =
        "settings,,\n,form_id,role\n,w1,staff\n"
        "notes,,\n,anything,at all\n,x,y\n"
        "survey,,,,\n,type,name,label,lable\n,text,c1,意见,x\n";
    util_diag_t d = {0};
    form_t *f = NULL;
    assert_int_equal(form_load_mem("w.csv", csv, strlen(csv), &f, &d), 0);
    assert_non_null(f);
    assert_int_equal(d.nerrors, 0);
    assert_true(has_line(&d, "w.csv:4:1: warning: unknown sheet 'notes' is kept in the file "
                             "and ignored"));
    assert_true(has_line(&d, "w.csv:8:5: warning: unknown column 'lable' in sheet 'survey' "
                             "is ignored; did you mean 'label'?"));
    assert_true(has_line(&d, "w.csv:3: warning: settings: no version; using 1 (set version, "
                             "e.g. 2026112601, so later edits can be told apart)"));
    assert_string_equal(f->version, "1");
    assert_string_equal(f->title, "w1");
    /* a plain label column without default_language is language "" */
    assert_int_equal(f->nlangs, 1);
    assert_string_equal(f->langs[0], "");
    assert_string_equal(form_text(f, f->items[0].label, form_lang(f, "en")), "意见");
    form_free(f);
    util_diag_free(&d);
}

/* ---- workbooks ---- */

/* The CSV layout turned into an xm_book spec: one block per sheet, its
 * cells joined by '|', the sheets in the order of `order` (names). */
typedef struct {
    const char *const *order;
    util_buf_t sheets[8];
    int cur;
} spec_t;

static int spec_row(void *ud, const csvr_row_t *r)
{
    spec_t *sp = ud;
    if (r->ncells > 0 && r->cells[0][0]) {
        sp->cur = -1;
        for (int i = 0; sp->order[i]; i++)
            if (strcmp(sp->order[i], r->cells[0]) == 0)
                sp->cur = i;
        assert_true(sp->cur >= 0);
        util_buf_adds(&sp->sheets[sp->cur], r->cells[0]);
        return 0;
    }
    util_buf_t *b = &sp->sheets[sp->cur];
    util_buf_addc(b, '\n');
    for (size_t j = 1; j < r->ncells; j++)
        util_buf_addf(b, "%s%s", j > 1 ? "|" : "", r->cells[j]);
    return 0;
}

static char *csv_to_book(const char *csv, const char *const *order, size_t *len)
{
    spec_t sp = {order, {{0}}, -1};
    err_t err = {0};
    assert_int_equal(csvr_parse_mem(csv, strlen(csv), ',', spec_row, &sp, &err), 0);
    util_buf_t all = {0};
    for (int i = 0; order[i]; i++) {
        if (i)
            util_buf_adds(&all, "\n\n");
        if (!sp.sheets[i].s)
            util_buf_adds(&all, order[i]);   /* a sheet the CSV has not: empty */
        else
            util_buf_adds(&all, sp.sheets[i].s);
        util_buf_free(&sp.sheets[i]);
    }
    char *data = xm_book(all.s, len);
    util_buf_free(&all);
    return data;
}

/* The valid form saved from Excel: sheets in another order, an empty
 * Sheet3 at the end, numbers as number cells.  It loads into the same
 * model, item lines being Excel rows, and what is kept is the CSV layout,
 * which loads to the same model again. */
static void test_workbook_form(void **state)
{
    (void)state;
    static const char *const order[] = {"dimensions", "settings", "choices", "survey", "Sheet3",
                                        NULL};
    size_t len;
    char *book = csv_to_book(valid_form, order, &len);
    util_diag_t d = {0};
    form_t *f = NULL;
    int rc = form_load_mem("valid.xlsx", book, len, &f, &d);
    if (rc != 0 || d.n)
        dump("valid workbook", &d);
    assert_int_equal(rc, 0);
    assert_int_equal(d.n, 0);
    check_valid_model(f, "valid.xlsx", 2);
    /* the survey sheet comes last of the four: 4 + 3 + 13 rows before it */
    form_t *again = NULL;
    rc = form_load_mem("valid.csv", f->source, f->source_len, &again, &d);
    if (rc != 0 || d.n)
        dump("valid workbook's source", &d);
    assert_int_equal(rc, 0);
    check_valid_model(again, "valid.csv", 23);
    assert_memory_equal(f->source, "dimensions,,,\n,name,label::Chinese (zh),", 40);
    form_free(again);
    form_free(f);
    free(book);
    util_diag_free(&d);
}

struct book_case {
    const char *desc;
    const char *spec;      /* xm_book's: sheets "NAME\nrow\nrow", blank line between */
    int rc;
    const char *line;      /* must be among the diagnostics */
};

#define BK_SETTINGS "settings\nform_id|version|role\nt1|1|staff\n\n"
#define BK_CHOICES "choices\nlist_name|name|label\nyn|yes|Yes\nyn|no|No\n\n"

static const struct book_case book_cases[] = {
    {"error at the cell, as Excel names it (a blank row still counts)",
     BK_SETTINGS BK_CHOICES "survey\ntype|name|label\ntext|a|A\n|\nselct_one yn|b|B",
     -1, "bad.xlsx:survey!A4: error: unknown type 'selct_one yn'; did you mean 'select_one'?"},
    {"a name used twice names the first cell",
     BK_SETTINGS BK_CHOICES "survey\ntype|name|label\ntext|a|A\ntext|b|B\ntext|a|C",
     -1, "bad.xlsx:survey!B4: error: name 'a' is already used in survey!B2; names must be "
         "unique"},
    {"a column far right",
     BK_SETTINGS BK_CHOICES "survey\ntype|name|label|||||||||||||||||||||||||relevant\n"
     "text|a|A|||||||||||||||||||||||||${elsewhere} = 1",
     -1, "bad.xlsx:survey!AB2: error: relevant refers to ${elsewhere}, which is not a question in "
         "this form"},
    {"a settings problem names its row",
     "settings\nform_id|version\nt1|1\n\nsurvey\ntype|name|label\ntext|a|A",
     0, "bad.xlsx:settings!2:2: warning: settings: no role; assuming staff (anonymous opinion "
        "survey); set role to self for a unit self-assessment"},
    {"no survey sheet",
     BK_SETTINGS BK_CHOICES "Sheet1\ntype|name|label\ntext|a|A",
     -1, "bad.xlsx: error: the workbook has no sheet named survey; rename the sheet that "
         "lists the questions to survey"},
    {"an empty survey sheet",
     BK_SETTINGS "survey\n|", -1,
     "bad.xlsx:survey: error: sheet 'survey' is empty; its first row must list its columns "
     "(such as type, name, label)"},
    {"a workbook of something else",
     "Sheet1\ncode|name\nU01|x\n\nSheet2\na", -2,
     "bad.xlsx: error: not an XLSForm questionnaire: the workbook has no sheet named survey, "
     "choices or settings (its sheets: 'Sheet1', 'Sheet2')"},
    {"sheet names in any case",
     "SETTINGS\nform_id|version|role\nt1|1|staff\n\nSurvey\nType|Name|Label\ntext|a|A\n"
     "integer|a|B", -1,
     "bad.xlsx:Survey!B3: error: name 'a' is already used in Survey!B2; names must be unique"},
};

static void test_workbook_errors(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < N_OF(book_cases); i++) {
        const struct book_case *c = &book_cases[i];
        size_t len;
        char *book = xm_book(c->spec, &len);
        util_diag_t d = {0};
        form_t *f = NULL;
        int rc = form_load_mem("bad.xlsx", book, len, &f, &d);
        if (rc != c->rc || !has_line(&d, c->line)) {
            print_message("case '%s': rc %d (want %d), want: %s\n", c->desc, rc, c->rc, c->line);
            dump(c->desc, &d);
            failed++;
        }
        form_free(f);
        free(book);
        util_diag_free(&d);
    }
    assert_int_equal(failed, 0);
}

/* Files that are no workbook though they look like one. */
static void test_not_workbooks(void **state)
{
    (void)state;
    static const char *const docx[] = {"word/document.xml", "<w/>", NULL};
    static const struct { const char *bytes; size_t len; const char *line; } cases[] = {
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10,
         "x.xlsx: error: an Excel 97-2003 workbook (.xls) or one saved with a password: save it "
         "as an Excel workbook (.xlsx) without a password, or as CSV"},
        {"PK\x03\x04 and then nothing", sizeof "PK\x03\x04 and then nothing" - 1, NULL},
        {NULL, 0, "x.xlsx: error: a zip archive but not an .xlsx workbook (it has no "
                  "xl/workbook.xml); save the questionnaire from Excel or WPS as an Excel "
                  "workbook (.xlsx)"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        size_t len = cases[i].len;
        char *data = cases[i].bytes ? NULL : xm_zip(docx, &len);
        util_diag_t d = {0};
        form_t *f = NULL;
        assert_int_equal(form_load_mem("x.xlsx", data ? data : cases[i].bytes, len, &f, &d), -1);
        assert_null(f);
        assert_int_equal(d.nerrors, 1);
        if (cases[i].line && !has_line(&d, cases[i].line)) {
            dump("not a workbook", &d);
            fail_msg("missing: %s", cases[i].line);
        }
        if (!cases[i].line && strncmp(d.msgs[0], "x.xlsx: error: not an .xlsx workbook: ", 38))
            fail_msg("truncated zip: %s", d.msgs[0]);
        free(data);
        util_diag_free(&d);
    }
}

static void test_shipped_questionnaires(void **state)
{
    (void)state;
    static const struct { const char *path; form_role_t role; } files[] = {
        { "questionnaires/five-type-self-assessment.csv", FORM_ROLE_SELF },
        { "questionnaires/staff-opinion.csv", FORM_ROLE_STAFF },
    };
    for (size_t i = 0; i < N_OF(files); i++) {
        util_diag_t d = {0};
        form_t *f = NULL;
        int rc = form_load_file(files[i].path, &f, &d);
        if (rc != 0 || d.nerrors)
            dump(files[i].path, &d);
        assert_int_equal(rc, 0);
        assert_non_null(f);
        assert_int_equal(d.nerrors, 0);
        assert_int_equal(f->role, files[i].role);
        assert_int_equal(f->ndims, 7);
        for (size_t k = 0; k < f->ndims; k++)
            assert_true(f->dims[k].nscored > 0);
        form_free(f);
        util_diag_free(&d);
    }

    /* the workbooks beside them store the same text (make questionnaires) */
    static const char *const books[][2] = {
        {"questionnaires/five-type-self-assessment.csv",
         "questionnaires/five-type-self-assessment.xlsx"},
        {"questionnaires/staff-opinion.csv", "questionnaires/staff-opinion.xlsx"},
    };
    for (size_t i = 0; i < N_OF(books); i++) {
        util_diag_t d = {0};
        form_t *c = NULL, *x = NULL;
        assert_int_equal(form_load_file(books[i][0], &c, &d), 0);
        if (form_load_file(books[i][1], &x, &d) != 0)
            dump(books[i][1], &d);
        assert_non_null(x);
        assert_int_equal(d.nerrors, 0);
        assert_int_equal(x->source_len, c->source_len);
        assert_memory_equal(x->source, c->source, c->source_len);
        form_free(c);
        form_free(x);
        util_diag_free(&d);
    }

    /* the unit list beside them is recognised as no questionnaire */
    util_diag_t d = {0};
    form_t *f = NULL;
    assert_int_equal(form_load_file("questionnaires/units-sample.csv", &f, &d), -2);
    assert_null(f);
    assert_int_equal(d.nerrors, 1);
    util_diag_free(&d);

    assert_int_equal(form_load_file("questionnaires/no-such-file.csv", &f, &d), -1);
    assert_null(f);
    assert_int_equal(d.nerrors, 1);
    util_diag_free(&d);
}

/* ---- choices by name ---- */

/* A list whose names "0" .. "99" are read from a direct table and the
 * rest through the hash: near misses of a table name ("07", "+7", "100"
 * in the list; " 7", "3 ", "007" not) are names of their own. */
static const char names_form[] =
    "survey,,,\n,type,name,label\n,select_one g,grp,Group\n"
    "choices,,,\n,list_name,name,label\n"
    ",g,a,A\n,g,07,Oh seven\n,g,+7,Plus seven\n,g,100,Hundred\n,g,3,Three\n,g,12,Twelve\n"
    ",g,0,Zero\n,g,99,Ninety-nine\n,g,x,X\n"
    "settings,,,\n,form_id,version,role\n,names,1,staff\n";

typedef struct {
    const char *name;
    int want;
} named_t;

/* Each name's index in l by form_list_choice_len (and its length), by
 * form_list_choice and, in a loaded list, by form_list_choice_fast. */
static void check_named(const form_list_t *l, const named_t *cases, size_t n)
{
    int loaded = l->slot != NULL;
    for (size_t i = 0; i < n; i++) {
        size_t len = 12345;
        int got = form_list_choice_len(l, cases[i].name, &len);
        if (got != cases[i].want)
            fail_msg("\"%s\": choice %d, want %d", cases[i].name, got, cases[i].want);
        assert_int_equal(len, strlen(cases[i].name));
        assert_int_equal(form_list_choice(l, cases[i].name), cases[i].want);
        if (loaded)
            assert_int_equal(form_list_choice_fast(l, cases[i].name), cases[i].want);
    }
}

static void test_list_choice_names(void **state)
{
    (void)state;
    util_diag_t d = {0};
    form_t *f = load_ok(names_form, strlen(names_form), &d);
    form_list_t *l = &f->lists[0];
    static const named_t loaded[] = {
        {"a", 0},   {"07", 1},  {"+7", 2},  {"100", 3}, {"3", 4},   {"12", 5},
        {"0", 6},   {"99", 7},  {"x", 8},   {"7", -1},  {" 7", -1}, {"3 ", -1},
        {"007", -1}, {"1", -1}, {"10", -1}, {"9", -1},  {"", -1},   {"A", -1},
        {"00", -1}, {"-0", -1}, {"990", -1}};
    check_named(l, loaded, N_OF(loaded));

    /* rebuilt by form_list_replace: a repeated name keeps its first
     * choice, a name gone ("0", "x") is absent, a new one ("7") present */
    static const char *const names[] = {"7", "3", "07", "3", "+7", "99", "12"};
    static const char *const labels[] = {"Seven", "Three", "Oh seven", "Three again",
                                         "Plus seven", "Ninety-nine", "Twelve"};
    form_list_replace(f, 0, names, labels, 7);
    static const named_t replaced[] = {
        {"7", 0},   {"3", 1},   {"07", 2},  {"+7", 4},  {"99", 5},  {"12", 6},
        {"0", -1},  {"x", -1},  {"a", -1},  {"100", -1}, {" 7", -1}, {"3 ", -1},
        {"70", -1}, {"6", -1}};
    check_named(l, replaced, N_OF(replaced));

    /* a list made by hand (a subset in another order, as a page shows
     * one): searched in turn, whatever tables the list it came from had */
    form_list_t v = *l;
    form_choice_t sub[3] = {l->choices[5], l->choices[3], l->choices[1]};   /* 99, 3, 3 */
    v.slot = NULL;
    v.choices = sub;
    v.nchoices = 3;
    static const named_t by_hand[] = {{"99", 0}, {"3", 1}, {"7", -1}, {"12", -1}, {"07", -1}};
    check_named(&v, by_hand, N_OF(by_hand));

    /* replaced by yes and no: known as a yes/no list */
    static const char *const yn[] = {"yes", "no"};
    form_list_replace(f, 0, yn, yn, 2);
    assert_true(l->yesno);
    static const named_t yesno[] = {{"yes", 0}, {"no", 1}, {"3", -1}, {"7", -1}};
    check_named(l, yesno, N_OF(yesno));
    form_free(f);
    util_diag_free(&d);
}

TEST_MAIN(
    cmocka_unit_test(test_bad_forms),
    cmocka_unit_test(test_all_errors_in_one_load),
    cmocka_unit_test(test_valid_form),
    cmocka_unit_test(test_list_choice_names),
    cmocka_unit_test(test_gb18030_form),
    cmocka_unit_test(test_bom_and_crlf_form),
    cmocka_unit_test(test_warnings_only),
    cmocka_unit_test(test_workbook_form),
    cmocka_unit_test(test_workbook_errors),
    cmocka_unit_test(test_not_workbooks),
    cmocka_unit_test(test_shipped_questionnaires))
