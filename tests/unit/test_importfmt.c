/*
 * Unit tests for the import readers: survey/importsrc (chunked decoding)
 * and survey/importfmt (what the header cells of plain, KoboToolbox/ODK
 * and 问卷星 files mean).
 *
 * The decoder is fed every input in pieces of 1, 2, 3, 5 and 7 bytes and
 * whole, because an import reads files in blocks and a block boundary can
 * fall inside any character: the text and the errors (with their line and
 * column) must not depend on where it falls, and no piece handed on may
 * end inside a character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/import/importfmt.h"
#include "survey/import/importsrc.h"
#include "base/util.h"
#include "tests/unit/testerr.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

struct dec_case {
    const char *desc;
    const char *in;
    size_t len;           /* 0: strlen(in) */
    enc_t want;
    const char *out;      /* decoded text, or NULL when an error is expected */
    const char *err;
};

#define GB_TEXT "\xB5\xA5\xCE\xBB\x2C\xD2\xE2\xBC\xFB\x0A\xCA\xD0\xCE\xAF\xB0\xEC\xB9\xAB\xCA\xD2\x0A"

static const struct dec_case dec_cases[] = {
    {"UTF-8, detected", "单位,意见\n市委办公室\n", 0, ENC_AUTO, "单位,意见\n市委办公室\n", NULL},
    {"UTF-8 BOM dropped", "\xEF\xBB\xBF单位\n", 0, ENC_AUTO, "单位\n", NULL},
    {"only a BOM", "\xEF\xBB\xBF", 0, ENC_AUTO, "", NULL},
    {"empty", "", 0, ENC_AUTO, "", NULL},
    {"ASCII", "unit,a1\nU01,3\n", 0, ENC_AUTO, "unit,a1\nU01,3\n", NULL},
    {"GB18030, detected", GB_TEXT, 0, ENC_AUTO, "单位,意见\n市委办公室\n", NULL},
    {"GB18030 two- and four-byte characters", "\xA2\xE3\xA8\xA6\x95\x32\x82\x36\x0A", 0,
     ENC_GB18030, "€é𠀀\n", NULL},
    {"GB18030 given, with a BOM", "\xEF\xBB\xBF" "\xCA\xD0", 0, ENC_GB18030, "市", NULL},
    {"UTF-8 given, bad byte", "ab\n\xFFx", 0, ENC_UTF8, NULL,
     "line 2, column 1: invalid UTF-8 byte 0xFF"},
    {"UTF-8 given, character cut at the end", "ab\xE5\x8D", 0, ENC_UTF8, NULL,
     "line 1, column 3: invalid UTF-8 byte 0xE5"},
    {"UTF-8 with BOM, bad byte", "\xEF\xBB\xBF" "单位\n意\xFF", 0, ENC_AUTO, NULL,
     "line 2, column 2: invalid UTF-8 byte 0xFF after a UTF-8 BOM"},
    {"GB18030 given, bad pair", "ab\n\xCA\xD0\x81\x20", 0, ENC_GB18030, NULL,
     "line 2, column 2: byte 0x81 is not valid GB18030"},
    {"GB18030 given, cut at the end", "\xCA\xD0\n\xCA", 0, ENC_GB18030, NULL,
     "line 2, column 1: byte 0xCA is not valid GB18030"},
    {"a UTF-8 file with one bad byte", "单位\n\x81\x20", 0, ENC_AUTO, NULL,
     "line 2, column 1: invalid UTF-8 byte 0x81; the file is otherwise UTF-8, so it is not "
     "read as GB18030"},
    {"UTF-8 cut inside its last character (GB18030 would take it)", "单位,意见\n单位,\xE6\x84",
     0, ENC_AUTO, NULL, "line 2, column 4: the file ends in the middle of a UTF-8 character; it "
     "looks cut off (copy or export it again)"},
    {"a bad byte amid UTF-8 that GB18030 would take", "单位,意见\n单位,意\xE8\xC4\x81\n", 0,
     ENC_AUTO, NULL, "line 2, column 5: invalid UTF-8 byte 0xE8; the file is otherwise UTF-8, "
     "so it is not read as GB18030"},
    {"neither: GB18030 text, then a bad pair", GB_TEXT "\xCA\xD0\x81\x20", 0, ENC_AUTO, NULL,
     "line 3, column 2: byte 0x81 is neither UTF-8 nor GB18030; save the file as UTF-8"},
    {"GB18030 BOM, detected and dropped", "\x84\x31\x95\x33" GB_TEXT, 0, ENC_AUTO,
     "单位,意见\n市委办公室\n", NULL},
    {"GB18030 BOM before ASCII", "\x84\x31\x95\x33unit,a1\n", 0, ENC_AUTO, "unit,a1\n", NULL},
    {"GB18030 given, with a GB18030 BOM", "\x84\x31\x95\x33" GB_TEXT, 0, ENC_GB18030,
     "单位,意见\n市委办公室\n", NULL},
    {"UTF-8 given, with a GB18030 BOM", "\x84\x31\x95\x33unit\n", 0, ENC_UTF8, NULL,
     "line 1, column 1: the file starts with the GB18030 byte-order mark (84 31 95 33): it is "
     "GB18030, not UTF-8; give --encoding gb18030 or auto"},
    {"GB18030 text after a UTF-8 BOM: says --encoding gb18030", "\xEF\xBB\xBF" GB_TEXT, 0,
     ENC_AUTO, NULL, "line 1, column 1: invalid UTF-8 byte 0xB5 after a UTF-8 BOM; the text "
     "after the BOM looks like GB18030 (as Chinese Excel and WPS save it): give --encoding "
     "gb18030"},
    {"GB18030 given, GB18030 text after a UTF-8 BOM", "\xEF\xBB\xBF" GB_TEXT, 0, ENC_GB18030,
     "单位,意见\n市委办公室\n", NULL},
};

typedef struct {
    util_buf_t b;
    int split;           /* a piece ended inside a character */
} sink_t;

static int collect(void *ud, const char *t, size_t n)
{
    sink_t *s = ud;
    size_t bad;
    if (!util_utf8_valid(t, n, &bad))
        s->split = 1;
    util_buf_add(&s->b, t, n);
    return 0;
}

static void test_decode(void **state)
{
    (void)state;
    static const size_t chunks[] = {0, 1, 2, 3, 5, 7};
    int failed = 0;
    for (size_t i = 0; i < N_OF(dec_cases); i++) {
        const struct dec_case *c = &dec_cases[i];
        size_t len = c->len ? c->len : strlen(c->in);
        for (size_t k = 0; k < N_OF(chunks); k++) {
            sink_t s = {{0}, 0};
            err_t err = {0};
            int rc = imp_src_decode_mem(c->in, len, c->want, chunks[k], collect, &s, &err);
            const char *got = s.b.s ? s.b.s : "";
            char *at = testerr_pos(&err);   /* the position comes in fields */
            int ok = c->out ? rc == 0 && strcmp(got, c->out) == 0 && !s.split
                            : rc == -1 && at && strcmp(at, c->err) == 0;
            if (!ok) {
                print_message("FAIL [%zu] %s, chunk %zu: rc %d, split %d, out '%s', err '%s'\n", i,
                              c->desc, chunks[k], rc, s.split, got, at ? at : "(none)");
                failed++;
            }
            free(at);
            util_buf_free(&s.b);
            err_clear(&err);
        }
    }
    assert_int_equal(failed, 0);
}

static int stop_at_two(void *ud, const char *t, size_t n)
{
    int *calls = ud;
    (void)t;
    (void)n;
    return ++*calls == 2 ? 9 : 0;
}

/* The callback's value stops the read and comes back as is. */
static void test_decode_stops(void **state)
{
    (void)state;
    int calls = 0;
    err_t err = {0};
    assert_int_equal(imp_src_decode_mem("abcdef", 6, ENC_UTF8, 2, stop_at_two, &calls, &err), 9);
    assert_int_equal(calls, 2);
    assert_null(err.msg);
    calls = 0;
    assert_int_equal(imp_src_decode_mem(GB_TEXT, strlen(GB_TEXT), ENC_GB18030, 2, stop_at_two,
                                        &calls, &err), 9);
    assert_null(err.msg);
}

static void test_open_file(void **state)
{
    (void)state;
    err_t err = {0};
    imp_src_t *s = NULL;
    assert_int_equal(imp_src_open("/nonexistent/x.csv", ENC_AUTO, &s, &err), -1);
    assert_string_equal(err.msg, "No such file or directory");
    err_clear(&err);
    assert_int_equal(imp_src_open("/dev/null", ENC_AUTO, &s, &err), -1);
    assert_non_null(strstr(err.msg, "not a regular file"));
    err_clear(&err);
    char path[] = "/tmp/gs-importfmt-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fputs(GB_TEXT, f);
    fclose(f);
    assert_int_equal(imp_src_open(path, ENC_AUTO, &s, &err), 0);
    assert_int_equal(imp_src_encoding(s), ENC_GB18030);
    assert_int_equal(imp_src_size(s), (long long)strlen(GB_TEXT));
    for (int pass = 0; pass < 2; pass++) {   /* read twice, as an import does */
        sink_t k = {{0}, 0};
        assert_int_equal(imp_src_read(s, collect, &k, &err), 0);
        assert_string_equal(k.b.s, "单位,意见\n市委办公室\n");
        assert_int_equal(imp_src_done(s), (long long)strlen(GB_TEXT));
        util_buf_free(&k.b);
    }
    imp_src_free(s);
    imp_src_free(NULL);
    remove(path);
}

/* ---- header plans ---- */

static const char form_csv[] =
    "survey,,,,\n"
    ",type,name,label::Chinese (zh),label::English (en)\n"
    ",select_one units,unit,单位,Unit\n"
    ",begin_group,g-1,分组,Group\n"
    ",select_multiple topics,topics,活动,Activities\n"
    ",select_one agree,a1,说法一,Statement one\n"
    ",end_group,,,\n"
    ",select_one agree,a2,说法二,Statement two\n"
    ",integer,n,人数,Count\n"
    ",text,note,意见,Comment\n"
    "choices,,,,\n"
    ",list_name,name,label::Chinese (zh),label::English (en)\n"
    ",units,U01,办公室,Office\n"
    ",units,U02,组织部,Organisation\n"
    ",topics,study,学习,Study\n"
    ",topics,plan,方案,Plan\n"
    ",topics,care,关爱,Care\n"
    ",agree,1,不同意,Disagree\n"
    ",agree,2,一般,Neutral\n"
    ",agree,3,同意,Agree\n"
    "settings,,,,\n"
    ",form_id,version,role,unit_field\n"
    ",t,1,staff,unit\n";

static form_t *load(void)
{
    util_diag_t d = {0};
    form_t *f = NULL;
    if (form_load_mem("t.csv", form_csv, strlen(form_csv), &f, &d) != 0)
        util_diag_print(&d, stderr);
    util_diag_free(&d);
    assert_non_null(f);
    return f;
}

static void report(void *ud, long line, long col, const char *msg)
{
    util_buf_addf(ud, "%ld:%ld: %s\n", line, col, msg);
}

/* Splits "a|b|c" into a row (cells point into a heap copy). */
static csvr_row_t row_of(const char *spec, long line, char **keep)
{
    csvr_row_t r = {line, 0, NULL};
    char *s = *keep = util_xstrdup(spec);
    r.cells = util_xcalloc(strlen(spec) + 2, sizeof *r.cells);
    for (;;) {
        r.cells[r.ncells++] = s;
        char *bar = strchr(s, '|');
        if (!bar)
            break;
        *bar = '\0';
        s = bar + 1;
    }
    return r;
}

static void free_row(csvr_row_t *r, char *keep)
{
    free(r->cells);
    free(keep);
}

static void test_detect(void **state)
{
    (void)state;
    form_t *f = load();
    static const struct { const char *head; char delim; imp_format_t want; } cases[] = {
        {"unit|topics|a1", ',', IMP_PLAIN},
        {"unit|topics|a1", ';', IMP_KOBO},
        {"start|unit|g-1/topics|_uuid", ',', IMP_KOBO},
        {"unit|g-1-a1", ',', IMP_KOBO},
        {"SubmissionDate|unit|a2", ',', IMP_KOBO},
        {"unit|meta-instanceID", ',', IMP_KOBO},
        {"序号|提交答卷时间|1、单位", ',', IMP_WJX},
        {"1、单位|2、说法二", ',', IMP_WJX},
        {"第3题(说法一)|unit", ',', IMP_WJX},
        {"unit|1.5", ',', IMP_PLAIN},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *keep;
        csvr_row_t r = row_of(cases[i].head, 1, &keep);
        imp_format_t got = imp_format_detect(f, &r, cases[i].delim);
        if (got != cases[i].want)
            fail_msg("detect [%zu] %s: got %s, want %s", i, cases[i].head, imp_format_name(got),
                     imp_format_name(cases[i].want));
        free_row(&r, keep);
    }
    imp_format_t fmt;
    assert_int_equal(imp_format_parse("ODK", &fmt), 0);
    assert_int_equal(fmt, IMP_KOBO);
    assert_int_equal(imp_format_parse("问卷星", &fmt), 0);
    assert_int_equal(fmt, IMP_WJX);
    assert_int_equal(imp_format_parse("spss", &fmt), -1);
    form_free(f);
}

struct plan_case {
    const char *desc;
    imp_format_t fmt;
    const char *head, *row;
    const char *problems;   /* reported, "LINE:COL: msg\n" each */
    const char *answers;    /* "name=value;" for every answered item, in form order */
};

static const struct plan_case plan_cases[] = {
    {"kobo: group paths with '/' and '-', a group name with '-', system columns ignored",
     IMP_KOBO, "_id|unit|g-1/topics|g-1-a1|a2|n|meta-instanceID|KEY|formhub/uuid|_submission_time",
     "7|U01|study care|2|3|4|uuid:x|k|u|2026-01-01T08:00:00", "",
     "unit=U01;topics=study care;a1=2;a2=3;n=4;"},
    {"kobo: option columns alone, True/False, in choice order", IMP_KOBO,
     "unit|g-1-topics/care|g-1-topics/study|g-1-topics/plan", "U02|True|1|false", "",
     "unit=U02;topics=study care;"},
    {"kobo: all options empty or 0 is no answer", IMP_KOBO, "unit|topics/study|topics/plan",
     "U02|0|", "", "unit=U02;"},
    {"kobo: a select_one label where no name matches", IMP_KOBO, "unit|a2", "办公室|Agree", "",
     "unit=U01;a2=3;"},
    {"kobo: a prefix that is no group is no question", IMP_KOBO, "unit|other/a1", "U01|2",
     "1:2: column 'other/a1' is not a question of t; did you mean 'a1'?\n", "unit=U01;"},
    {"kobo: the same question twice", IMP_KOBO, "unit|a2|g-1/a2", "U01|1|2",
     "1:3: column 'g-1/a2' gives a2 a second time (first in column 2)\n", "unit=U01;a2=1;"},
    {"plain: group paths are not plain", IMP_PLAIN, "unit|g-1/a1", "U01|2",
     "1:2: column 'g-1/a1' is not a question of t\n", ""},
    {"plain: an empty header cell takes no values", IMP_PLAIN, "unit||a2", "U01|x|2",
     "2:2: value 'x' in a column without a header\n", "a2=2;"},
    /* plain: the unit column gives the unit; the command fills the unit question */
    {"plain: no unit column and no unit question", IMP_PLAIN, "a2", "2",
     "1:1: no 'unit' column and no column for the question unit; every response needs the code "
     "of its unit (--unit-column names another column)\n", "a2=2;"},
    {"wjx: numbers, matrix rows by text, options by text, skip codes", IMP_WJX,
     "序号|提交答卷时间|所用时间|来源|来源详情|来自IP|1、单位|第2题(学习)|第2题(方案)|第2题(关爱)"
     "|第3题(说法一)|第3题(说法二)|4、人数|5、意见",
     "1|2026/1/1 8:00:00|100秒|手机提交|直接访问|1.2.3.4|2|1|0|1|3|-2|-3|(跳过)", "",
     "unit=U02;topics=study care;a1=3;"},
    {"wjx: by option text, several options with ┋, an other text in 〖〗", IMP_WJX,
     "1、单位|2、活动|3、说法一|4、说法二", "组织部|学习┋关爱|同意〖其实一般〗|(跳过)", "",
     "unit=U02;topics=study care;a1=3;"},
    {"wjx: numbered questions without matrix match by number when texts differ", IMP_WJX,
     "1、您的单位|2、参加的活动|3、说法一（单选）", "1|2┋3|1", "",
     "unit=U01;topics=plan care;a1=1;"},
    {"wjx: after a matrix, numbers no longer count", IMP_WJX,
     "1、单位|第2题(说法一)|第2题(说法二)|3、写错的题目", "1|1|2|9",
     "1:4: column '3、写错的题目' matches no question of t by its text, and after a matrix "
     "question the numbers no longer follow the form; make the text match the question's label\n",
     "unit=U01;a1=1;a2=2;"},
    {"wjx: option number out of range, option column not 0/1", IMP_WJX,
     "1、单位|第2题(学习)|3、说法一", "3|2|4",
     "2:1: '3' is not an option of unit: give its number (1-2) or its text\n"
     "2:2: '2' is not 1 or 0 (option study of topics)\n"
     "2:3: '4' is not an option of a1: give its number (1-3) or its text\n", ""},
    {"wjx: unknown column", IMP_WJX, "1、单位|备注", "1|x",
     "1:2: column '备注' is neither one of 问卷星's own columns nor a question (\"N、text\" or "
     "\"第N题(text)\")\n", "unit=U01;"},
};

static void test_plans(void **state)
{
    (void)state;
    form_t *f = load();
    ans_t *a = ans_new(f);
    int failed = 0;
    for (size_t i = 0; i < N_OF(plan_cases); i++) {
        const struct plan_case *c = &plan_cases[i];
        char *kh, *kr;
        csvr_row_t h = row_of(c->head, 1, &kh), r = row_of(c->row, 2, &kr);
        util_buf_t probs = {0}, got = {0};
        imp_plan_t *p = imp_plan_new(f, c->fmt, NULL, &h, report, &probs);
        imp_row_t out;
        imp_plan_row(p, a, &r, &out, report, &probs);
        for (size_t k = 0; k < f->nitems; k++)
            if (ans_get(a, k))
                util_buf_addf(&got, "%s=%s;", f->items[k].name, ans_get(a, k));
        const char *gp = probs.s ? probs.s : "", *ga = got.s ? got.s : "";
        if (strcmp(gp, c->problems) != 0 || strcmp(ga, c->answers) != 0) {
            print_message("FAIL [%zu] %s\n--- problems:\n%s--- want:\n%s--- answers: %s\n"
                          "--- want:    %s\n", i, c->desc, gp, c->problems, ga, c->answers);
            failed++;
        }
        imp_plan_free(p);
        util_buf_free(&probs);
        util_buf_free(&got);
        free_row(&h, kh);
        free_row(&r, kr);
    }
    ans_free(a);
    form_free(f);
    assert_int_equal(failed, 0);
}

/* --unit-column, and where a row's unit problems point. */
static void test_unit_column(void **state)
{
    (void)state;
    form_t *f = load();
    ans_t *a = ans_new(f);
    char *kh, *kr;
    csvr_row_t h = row_of("a2|部门|note", 1, &kh), r = row_of("1|组织部|ok", 2, &kr);
    util_buf_t probs = {0};
    imp_plan_t *p = imp_plan_new(f, IMP_WJX, "部门", &h, report, &probs);
    imp_row_t out;
    imp_plan_row(p, a, &r, &out, report, &probs);
    assert_null(probs.s);
    assert_string_equal(out.unit, "组织部");
    assert_int_equal(out.unit_col, 2);
    assert_int_equal(imp_plan_column(p, (size_t)form_item_index(f, "note")), 3);
    assert_int_equal(imp_plan_format(p), IMP_WJX);
    imp_plan_free(p);
    free_row(&h, kh);
    free_row(&r, kr);

    /* no unit column: problems about the unit point at the unit question */
    h = row_of("a2|1、单位", 1, &kh);
    r = row_of("1|9", 2, &kr);
    p = imp_plan_new(f, IMP_WJX, NULL, &h, report, &probs);
    imp_plan_row(p, a, &r, &out, report, &probs);
    assert_null(out.unit);
    assert_int_equal(out.unit_col, 2);
    assert_int_equal(imp_plan_rejected(p, (size_t)form_item_index(f, "unit")), 1);
    assert_int_equal(out.problems, 1);
    imp_plan_free(p);
    imp_plan_free(NULL);
    free_row(&h, kh);
    free_row(&r, kr);

    char *k1;
    csvr_row_t blank = row_of(" | |\t", 3, &k1);
    assert_int_equal(imp_row_blank(&blank), 1);
    free_row(&blank, k1);
    util_buf_free(&probs);
    ans_free(a);
    form_free(f);
}

TEST_MAIN(
    cmocka_unit_test(test_decode),
    cmocka_unit_test(test_decode_stops),
    cmocka_unit_test(test_open_file),
    cmocka_unit_test(test_detect),
    cmocka_unit_test(test_plans),
    cmocka_unit_test(test_unit_column))
