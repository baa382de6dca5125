/*
 * Export to SPSS .sav and Stata .dta, read back with ReadStat's parser:
 * the data that went into the store must come out of the file with the
 * same values, the question texts as variable labels, the choice labels as
 * value labels, and the two kinds of missing (not answered, not
 * applicable) declared.  Every file is dumped to one line per fact
 * ("var ...", "label ...", "row N name=value") and the test looks for the
 * lines it expects.
 *
 * By hand, once (2026-11-26, R 4.2.2, haven 2.5.1): haven::read_sav and
 * read_dta on these files give the same values and labels; the CLI test
 * tests/cli/export.sh repeats that check whenever R and haven are
 * installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/answers.h"
#include "survey/export/export.h"
#include "survey/store.h"
#include "base/util.h"
#include "tests/unit/testmain.h"

static const char form_csv[] =
    "survey,,,,,\n"
    ",type,name,label::Chinese (zh),label::English (en),relevant\n"
    ",select_one units,unit,单位,Unit,\n"
    ",select_multiple topics,topics,参加的活动,Activities,\n"
    ",select_one agree,q1,本单位风清气正,The unit is clean,\n"
    ",select_one yesno,trained,是否参加培训,Trained?,\n"
    ",integer,hours,培训学时,Hours,${trained} = 'yes'\n"
    ",decimal,score,自评分,Score,\n"
    ",text,with,意见,Comment,\n"
    ",integer,a_very_long_question_name_that_goes_on_1,长名一,Long one,\n"
    ",integer,a_very_long_question_name_that_goes_on_2,长名二,Long two,\n"
    "choices,,,,,\n"
    ",list_name,name,label::Chinese (zh),label::English (en),\n"
    ",units,U01,办公室,Office,\n"
    ",units,U02,组织部,Organisation,\n"
    ",units,U03,宣传部,Publicity,\n"
    ",topics,study,学习,Study,\n"
    ",topics,care,关爱,Care,\n"
    ",agree,1,不同意,Disagree,\n"
    ",agree,2,一般,Neutral,\n"
    ",agree,3,同意,Agree,\n"
    ",yesno,yes,是,Yes,\n"
    ",yesno,no,否,No,\n"
    "settings,,,,,\n"
    ",form_id,version,form_title,default_language,unit_field\n"
    ",t,1,测试问卷,Chinese (zh),unit\n";

/* unit, topics, q1, trained, hours, score, with, long1, long2; one unit
 * each, so the export's order (by unit, then random id) is this one */
static const char *const data[][9] = {
    {"U01", "study care", "3", "yes", "12", "4.5", "很好，\"谢谢\"", "1", "2"},
    {"U02", NULL, "1", "no", NULL, "-9", NULL, NULL, NULL},
    {"U03", "care", NULL, NULL, NULL, NULL, "", "7", "8"},
};

typedef struct {
    char dir[64];
    store_t *s;
    form_t *f;
} fixture_t;

static int setup(void **state)
{
    fixture_t *x = util_xcalloc(1, sizeof *x);
    strcpy(x->dir, "/tmp/gs-sav-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    err_t err = {0};
    char *path = util_fmt("%s/t.db", x->dir);
    assert_int_equal(store_open(path, 1, &x->s, &err), 0);
    free(path);
    util_diag_t d = {0};
    assert_int_equal(form_load_mem("t.csv", form_csv, strlen(form_csv), &x->f, &d), 0);
    util_diag_free(&d);
    int form, existed, wave, *ids;
    size_t nids;
    assert_int_equal(store_form_add(x->s, x->f, &form, &existed, &err), 0);
    assert_int_equal(store_item_ids(x->s, form, &ids, &nids, &err), 0);
    assert_int_equal(store_wave_add(x->s, "2026", &wave, &err), 0);
    for (int u = 1; u <= 3; u++) {
        char code[16];
        snprintf(code, sizeof code, "U0%d", u);
        store_unit_t unit = {0, code, code, NULL, NULL, -1, 0};
        assert_int_equal(store_unit_put(x->s, &unit, &err), 0);
    }
    ans_t *a = ans_new(x->f);
    for (size_t r = 0; r < sizeof data / sizeof data[0]; r++) {
        ans_clear_all(a);
        for (size_t i = 0; i < 9; i++) {
            err_t m = {0};
            if (data[r][i])
                assert_int_equal(ans_set(a, i, data[r][i], &m), 0);
        }
        int unit;
        assert_int_equal(store_unit_find(x->s, data[r][0], &unit, &err), 0);
        assert_int_equal(ans_submit(x->s, a, form, ids, wave, unit, "test", NULL, NULL, &err), 0);
    }
    ans_free(a);
    free(ids);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *x = *state;
    store_close(x->s);
    form_free(x->f);
    char *cmd = util_fmt("rm -rf '%s'", x->dir);
    if (system(cmd) != 0)
        print_message("could not remove %s\n", x->dir);
    free(cmd);
    free(x);
    return 0;
}

static int on_meta(readstat_metadata_t *m, void *ctx)
{
    util_buf_addf(ctx, "file '%s' rows %d vars %d\n", readstat_get_file_label(m),
                  readstat_get_row_count(m), readstat_get_var_count(m));
    return READSTAT_HANDLER_OK;
}

static int on_var(int index, readstat_variable_t *v, const char *labels, void *ctx)
{
    (void)index;
    util_buf_addf(ctx, "var %s '%s' labels=%s missing=%d\n", readstat_variable_get_name(v),
                  readstat_variable_get_label(v) ? readstat_variable_get_label(v) : "",
                  labels ? labels : "-", readstat_variable_get_missing_ranges_count(v));
    return READSTAT_HANDLER_OK;
}

static void put_value(util_buf_t *b, readstat_value_t val, readstat_variable_t *v)
{
    if (readstat_value_type(val) == READSTAT_TYPE_STRING) {
        util_buf_addf(b, "'%s'", readstat_string_value(val) ? readstat_string_value(val) : "");
    } else if (readstat_value_is_tagged_missing(val)) {
        util_buf_addf(b, ".%c", readstat_value_tag(val));
    } else if (readstat_value_is_system_missing(val)) {
        util_buf_adds(b, ".");
    } else {
        double d = readstat_value_type(val) == READSTAT_TYPE_DOUBLE ? readstat_double_value(val)
                                                                     : readstat_int32_value(val);
        int miss = v && readstat_value_is_defined_missing(val, v);
        util_buf_addf(b, "%g%s", d, miss ? "(missing)" : "");
    }
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t val, void *ctx)
{
    util_buf_addf(ctx, "row %d %s=", obs, readstat_variable_get_name(v));
    put_value(ctx, val, v);
    util_buf_addc(ctx, '\n');
    return READSTAT_HANDLER_OK;
}

static int on_label(const char *set, readstat_value_t val, const char *label, void *ctx)
{
    util_buf_addf(ctx, "label %s ", set);
    put_value(ctx, val, NULL);
    util_buf_addf(ctx, "=%s\n", label);
    return READSTAT_HANDLER_OK;
}

static char *export_and_dump(fixture_t *x, exp_format_t fmt, long *rows)
{
    err_t err = {0};
    char *path = util_fmt("%s/t.%s", x->dir, exp_format_name(fmt));
    exp_opts_t o = {.format = fmt, .zh = 1, .path = path};
    exp_stats_t st;
    int wave;
    assert_int_equal(store_wave_find(x->s, "2026", &wave, &err), 0);
    if (exp_write(x->s, x->f, "t", wave, &o, &st, &err) != 0)
        fail_msg("export: %s", err.msg);
    *rows = st.rows;
    util_buf_t b = {0};
    readstat_parser_t *p = readstat_parser_init();
    readstat_set_metadata_handler(p, on_meta);
    readstat_set_variable_handler(p, on_var);
    readstat_set_value_handler(p, on_value);
    readstat_set_value_label_handler(p, on_label);
    readstat_error_t e = fmt == EXP_SAV ? readstat_parse_sav(p, path, &b)
                                        : readstat_parse_dta(p, path, &b);
    readstat_parser_free(p);
    if (e != READSTAT_OK)
        fail_msg("ReadStat cannot read %s back: %s", path, readstat_error_message(e));
    free(path);
    return util_buf_take(&b);
}

static void expect(const char *dump, const char *const *lines)
{
    int missing = 0;
    for (; *lines; lines++)
        if (!strstr(dump, *lines)) {
            print_message("missing: %s\n", *lines);
            missing++;
        }
    if (missing)
        print_message("--- dump:\n%s", dump);
    assert_int_equal(missing, 0);
}

static void test_sav(void **state)
{
    fixture_t *x = *state;
    long rows;
    char *dump = export_and_dump(x, EXP_SAV, &rows);
    assert_int_equal(rows, 3);
    static const char *const want[] = {
        "file '测试问卷' rows 3 vars 10\n",
        "var unit '单位代码' labels=- missing=0\n",
        /* SPSS files name their label sets themselves (labels0, ...) */
        "var topics_study '参加的活动: 学习' labels=labels0 missing=2\n",
        "var q1 '本单位风清气正' labels=labels1 missing=2\n",
        "var trained '是否参加培训' labels=labels2 missing=2\n",
        "var hours '培训学时' labels=labels3 missing=2\n",
        /* -9 is a real score here: no missing codes, system-missing instead */
        "var score '自评分' labels=- missing=0\n",
        "var with_2 '意见' labels=- missing=0\n",
        "var a_very_long_question_name_that_goes_on_1 '长名一'",
        "row 0 unit='U01'\n", "row 0 topics_study=1\n", "row 0 topics_care=1\n",
        "row 0 q1=3\n", "row 0 trained=1\n", "row 0 hours=12\n", "row 0 score=4.5\n",
        "row 0 with_2='很好，\"谢谢\"'\n",
        "row 1 topics_study=-9(missing)\n", "row 1 q1=1\n", "row 1 trained=2\n",
        "row 1 hours=-8(missing)\n", "row 1 score=-9\n", "row 1 with_2=''\n",
        "row 2 topics_study=0\n", "row 2 topics_care=1\n", "row 2 q1=-9(missing)\n",
        "row 2 trained=-9(missing)\n", "row 2 hours=-8(missing)\n", "row 2 score=.\n",
        "label labels1 3=同意\n", "label labels1 -9=未作答\n",
        "label labels1 -8=不适用（按问卷逻辑跳过）\n", "label labels2 1=是\n", "label labels2 2=否\n",
        "label labels0 1=已选\n",
        NULL};
    expect(dump, want);
    free(dump);
}

static void test_dta(void **state)
{
    fixture_t *x = *state;
    long rows;
    char *dump = export_and_dump(x, EXP_DTA, &rows);
    assert_int_equal(rows, 3);
    static const char *const want[] = {
        "file '测试问卷' rows 3 vars 10\n",
        "var topics_study '参加的活动: 学习' labels=selected",
        "var q1 '本单位风清气正' labels=agree",
        /* Stata names: 32 bytes, unique */
        "var a_very_long_question_name_that_g '长名一'", "var a_very_long_question_name_that_2 '长名二'",
        /* a Stata and SPSS keyword gets a suffix */
        "var with_2 '意见'",
        "row 0 q1=3\n", "row 0 hours=12\n", "row 0 score=4.5\n",
        "row 1 topics_study=.a\n", "row 1 hours=.b\n", "row 1 score=-9\n",
        "row 2 q1=.a\n", "row 2 trained=.a\n", "row 2 hours=.b\n", "row 2 score=.a\n",
        "row 2 a_very_long_question_name_that_g=7\n",
        "label agree 2=一般\n", "label agree .a=未作答\n", "label agree .b=不适用（按问卷逻辑跳过）\n",
        NULL};
    expect(dump, want);
    free(dump);
}

static void test_formats(void **state)
{
    (void)state;
    exp_format_t f;
    assert_int_equal(exp_format_from_path("out/data.SAV", &f), 0);
    assert_int_equal(f, EXP_SAV);
    assert_int_equal(exp_format_from_path("x.xlsx", &f), 0);
    assert_int_equal(f, EXP_XLSX);
    assert_int_equal(exp_format_from_path("x.d/noext", &f), -1);
    assert_int_equal(exp_format_from_path("x.plain", &f), -1);
    assert_int_equal(exp_format_parse("Stata", &f), 0);
    assert_int_equal(f, EXP_DTA);
    assert_true(exp_format_binary(EXP_XLSX) && !exp_format_binary(EXP_CSV));
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(test_sav, setup, teardown),
    cmocka_unit_test_setup_teardown(test_dta, setup, teardown),
    cmocka_unit_test(test_formats))
