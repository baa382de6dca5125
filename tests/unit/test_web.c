/*
 * Unit tests for survey/web_page and survey/slips: what the web form and
 * the invitation slips write.  The point of most cases is safety by
 * construction — every label, answer and code that reaches a page comes
 * out escaped, whatever it holds — and that a page shown again keeps
 * exactly what the respondent gave.  The curl and browser tests
 * (tests/cli/serve*.sh) cover the server around these pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/form.h"
#include "survey/web/slips.h"
#include "survey/web/web_page.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void test_texts_complete(void **state)
{
    (void)state;
    for (int i = 0; i < WEB_T_COUNT; i++) {
        assert_true(strlen(web_text(WEB_ZH, (web_text_t)i)) > 0);
        assert_true(strlen(web_text(WEB_EN, (web_text_t)i)) > 0);
    }
    assert_string_equal(web_lang_code(WEB_EN), "en");
    assert_string_equal(web_lang_code(WEB_ZH), "zh");
}

/* A form whose labels try to break out of the markup. */
static const char csv[] =
    "survey,,,,,,,\n"
    ",type,name,label::Chinese (zh),label::English (en),relevant,dimension,required\n"
    ",select_one units,u,单位,Unit,,,yes\n"
    ",select_one agree5,q1,<b>粗体</b> \"引号\",<i>Bold</i>,,planning,\n"
    ",select_multiple topics,m1,话题,Topics,,,\n"
    ",text,t1,意见,Comments,${q1} <= 2,,\n"
    ",integer,n1,次数,Count,,,\n"
    "choices,,,,\n"
    ",list_name,name,label::Chinese (zh),label::English (en)\n"
    ",agree5,1,非常不同意,Strongly disagree\n"
    ",agree5,2,不同意,Disagree\n"
    ",agree5,3,一般,Neutral\n"
    ",agree5,4,同意,Agree\n"
    ",agree5,5,非常同意,\"Strongly \"\"agree\"\"\"\n"
    ",topics,a,学习,Learning\n"
    ",topics,b,作风,Work <style>\n"
    ",units,U01,甲,A\n,units,U02,乙,B\n,units,U03,丙,C\n,units,U04,丁,D\n"
    ",units,U05,戊,E\n,units,U06,己,F\n,units,U07,庚,G\n,units,U08,辛,H\n"
    ",units,U09,壬,I\n,units,U10,癸,J\n,units,U11,子,K\n,units,U12,丑,L\n"
    ",units,U13,寅,M\n"
    "settings,,,,,,\n"
    ",form_id,version,form_title,default_language,role,unit_field\n"
    ",web-test,1,<title>测试,Chinese (zh),staff,u\n"
    "dimensions,,,\n"
    ",name,label::Chinese (zh),label::English (en)\n"
    ",planning,科学部署,Planning\n";

static form_t *load(void)
{
    util_diag_t d = {0};
    form_t *f = NULL;
    int rc = form_load_mem("web.csv", csv, strlen(csv), &f, &d);
    for (size_t i = 0; i < d.n; i++)
        print_message("%s\n", d.msgs[i]);
    util_diag_free(&d);
    assert_int_equal(rc, 0);
    return f;
}

static char *render(const form_t *f, web_lang_t lang, char **raw, char **errors, size_t nerr,
                    int fixed)
{
    web_form_view_t v = {f, lang, "ABCD-EFGH-JKLM-NPQR", "c0ffee", raw, errors, nerr, fixed,
                         fixed >= 0 ? "庚 <unit>" : NULL, NULL, "/live.js", NULL, 0, NULL, NULL, NULL,
                         0, 0, NULL, 0};
    util_buf_t b = {0};
    web_page_form(&b, &v);
    return util_buf_take(&b);
}

static void test_form_page(void **state)
{
    (void)state;
    form_t *f = load();
    char *raw[8] = {0}, *errors[8] = {0};
    raw[1] = "4";
    raw[2] = "a b";
    raw[3] = "</textarea><script>alert(1)</script>";
    raw[4] = "12x";
    errors[4] = "请填写整数";
    char *html = render(f, WEB_ZH, raw, errors, 1, -1);

    /* labels and titles escaped */
    assert_non_null(strstr(html, "&lt;b&gt;粗体&lt;/b&gt; &quot;引号&quot;"));
    assert_non_null(strstr(html, "<title>&lt;title&gt;测试</title>"));
    assert_null(strstr(html, "<b>粗体"));
    /* the raw text answer is kept but cannot close the textarea */
    assert_non_null(strstr(html, "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"));
    assert_null(strstr(html, "<script>alert"));
    /* the Likert item is one row of radio buttons, the given answer checked */
    assert_non_null(strstr(html, "<div class=\"likert\"><label class=\"o\" for=\"f-q1-0\">"));
    assert_non_null(strstr(html, "name=\"q_q1\" value=\"4\" checked>"));
    assert_null(strstr(html, "name=\"q_q1\" value=\"3\" checked>"));
    /* select_multiple: both given choices checked */
    assert_non_null(strstr(html, "type=\"checkbox\" id=\"f-m1-0\" name=\"q_m1\" value=\"a\" checked>"));
    assert_non_null(strstr(html, "value=\"b\" checked> 作风"));
    /* 13 units: a drop-down */
    assert_non_null(strstr(html, "<select id=\"f-u\" name=\"q_u\">"));
    /* the error beside its item, the item marked, a summary linking to it */
    assert_non_null(strstr(html, "<div class=\"q bad\" id=\"q-n1\""));
    assert_non_null(strstr(html, "<p class=\"err\" id=\"e-n1\">请填写整数</p>"));
    assert_non_null(strstr(html, "<li><a href=\"#q-n1\">次数</a>"));
    assert_non_null(strstr(html, "有 1 处需要修改"));
    /* the invalid number is given back as typed */
    assert_non_null(strstr(html, "name=\"q_n1\" value=\"12x\">"));
    /* relevance for the optional script, escaped */
    assert_non_null(strstr(html, "data-relevant=\"${q1} &lt;= 2\""));
    /* hidden fields: the code, the CSRF token, the language */
    assert_non_null(strstr(html, "name=\"code\" value=\"ABCD-EFGH-JKLM-NPQR\""));
    assert_non_null(strstr(html, "name=\"csrf\" value=\"c0ffee\""));
    assert_non_null(strstr(html, "action=\"/submit\""));
    assert_non_null(strstr(html, "<span class=\"req\">*</span>"));
    free(html);

    /* English, and the unit answered by the invitation: shown, not asked */
    html = render(f, WEB_EN, NULL, NULL, 0, 0);
    assert_non_null(strstr(html, "&lt;i&gt;Bold&lt;/i&gt;"));
    assert_non_null(strstr(html, "Strongly &quot;agree&quot;"));
    assert_non_null(strstr(html, "Unit: <span class=\"fixed\">庚 &lt;unit&gt;</span>"));
    assert_null(strstr(html, "name=\"q_u\""));
    assert_null(strstr(html, "class=\"problem\""));
    assert_non_null(strstr(html, "<html lang=\"en\">"));
    free(html);
    form_free(f);
}

static void test_other_pages(void **state)
{
    (void)state;
    util_buf_t b = {0};
    web_page_code(&b, WEB_EN, "tok", "\"><script>x</script>", "Bad <code>", "Try <again>");
    assert_non_null(strstr(b.s, "value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""));
    assert_non_null(strstr(b.s, "<strong>Bad &lt;code&gt;</strong><br>Try &lt;again&gt;"));
    assert_null(strstr(b.s, "<script>"));
    util_buf_free(&b);

    web_page_thanks(&b, WEB_ZH, "<t>");
    assert_non_null(strstr(b.s, "提交成功"));
    assert_non_null(strstr(b.s, "&lt;t&gt;"));
    util_buf_free(&b);

    web_admin_row_t rows[] = {
        {"staff", "2026", "U01", "甲<b>", 10, 4, 5},
        {"staff", "2026", "U02", "乙", 0, 0, 2},
        {"self", "2026", "U01", "甲", 1, 1, 1},
    };
    web_page_admin(&b, WEB_EN, rows, N_OF(rows));
    assert_non_null(strstr(b.s, "<td>U01 甲&lt;b&gt;</td><td class=\"n\">10</td><td class=\"n\">4</td>"
                                "<td class=\"n\">5</td><td class=\"n\">40.0%</td>"));
    assert_non_null(strstr(b.s, "<td class=\"n\">&ndash;</td>"));   /* no invitations: no rate */
    assert_non_null(strstr(b.s, "<th class=\"n\">10</th><th class=\"n\">4</th><th class=\"n\">7</th>"));
    util_buf_free(&b);
}

static void test_qr(void **state)
{
    (void)state;
    util_buf_t b = {0};
    err_t err = {0};
    assert_int_equal(slips_qr_svg(&b, "https://survey.example/?code=K7QM-3XPA-9TRE-H2WD", 30, &err), 0);
    assert_int_equal(strncmp(b.s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
    assert_non_null(strstr(b.s, "width=\"30mm\""));
    /* every QR code starts with a finder pattern: 7 dark modules, inside a
     * quiet zone of 4 */
    assert_non_null(strstr(b.s, "M4 4h7v1h-7z"));
    assert_int_equal(strcmp(b.s + b.len - 6, "</svg>"), 0);
    util_buf_free(&b);

    slips_code_t codes[9];
    for (int i = 0; i < 9; i++)
        codes[i] = (slips_code_t){"ABCD-EFGH-JKLM-NPQR", "http://x/?code=ABCD-EFGH-JKLM-NPQR"};
    slips_info_t info = {"<问卷>", "单位 & 部门", "http://x/", 1};
    assert_int_equal(slips_html(&b, &info, codes, 9, &err), 0);
    size_t sheets = 0, svgs = 0;
    for (const char *p = b.s; (p = strstr(p, "class=\"sheet\"")); p++)
        sheets++;
    for (const char *p = b.s; (p = strstr(p, "<svg")); p++)
        svgs++;
    assert_int_equal(sheets, 2);
    assert_int_equal(svgs, 9);
    assert_non_null(strstr(b.s, "&lt;问卷&gt;"));
    assert_non_null(strstr(b.s, "单位 &amp; 部门"));
    util_buf_free(&b);
    err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_texts_complete),
        cmocka_unit_test(test_form_page),
        cmocka_unit_test(test_other_pages),
        cmocka_unit_test(test_qr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
