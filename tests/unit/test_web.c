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
#include "tests/unit/testmain.h"

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
    assert_non_null(strstr(html, "有1处需要修改"));
    /* the invalid number is given back as typed */
    assert_non_null(strstr(html, "name=\"q_n1\" value=\"12x\">"));
    /* relevance for the optional script, escaped */
    assert_non_null(strstr(html, "data-relevant=\"${q1} &lt;= 2\""));
    /* hidden fields: the code, the CSRF token, the language */
    assert_non_null(strstr(html, "name=\"code\" value=\"ABCD-EFGH-JKLM-NPQR\""));
    assert_non_null(strstr(html, "name=\"csrf\" value=\"c0ffee\""));
    assert_non_null(strstr(html, "action=\"/submit\""));
    assert_non_null(strstr(html, "<span class=\"req\">*</span>"));
    /* a question marked *: the legend says what it means; staff: anonymous */
    assert_non_null(strstr(html, "带 * 的题目为必答题"));
    assert_non_null(strstr(html, "<p class=\"small\" id=\"anonymous\">"));
    assert_null(strstr(html, "self-notice"));
    free(html);

    /* English, and the unit answered by the invitation: shown, not asked */
    html = render(f, WEB_EN, NULL, NULL, 0, 0);
    assert_non_null(strstr(html, "&lt;i&gt;Bold&lt;/i&gt;"));
    assert_non_null(strstr(html, "Strongly &quot;agree&quot;"));
    assert_non_null(strstr(html, "Unit: <span class=\"fixed\">庚 &lt;unit&gt;</span>"));
    assert_null(strstr(html, "name=\"q_u\""));
    assert_null(strstr(html, "class=\"problem\""));
    assert_non_null(strstr(html, "<html lang=\"en\">"));
    /* the one required question is answered by the invitation: no * on
     * the page, so no legend */
    assert_null(strstr(html, "<span class=\"req\">*</span>"));
    assert_null(strstr(html, "Questions marked *"));
    free(html);
    form_free(f);
}

/* A unit's self-assessment gets its own notice, never the staff's
 * promise of anonymity. */
static void test_self_notice(void **state)
{
    (void)state;
    /* the same form as a self-assessment: role self */
    const char *role = strstr(csv, ",staff,u\n");
    assert_non_null(role);
    util_buf_t b = {0};
    util_buf_add(&b, csv, (size_t)(role - csv));
    util_buf_adds(&b, ",self,u\n");
    util_buf_adds(&b, role + strlen(",staff,u\n"));
    char *src = util_buf_take(&b);
    util_diag_t d = {0};
    form_t *f = NULL;
    assert_int_equal(form_load_mem("self.csv", src, strlen(src), &f, &d), 0);
    util_diag_free(&d);
    assert_int_equal(f->role, FORM_ROLE_SELF);
    char *html = render(f, WEB_EN, NULL, NULL, 0, 0);
    assert_non_null(strstr(html, "<p class=\"small\" id=\"self-notice\">This is your unit&#39;s "
                                 "self-assessment"));
    assert_null(strstr(html, "anonymous"));
    free(html);
    html = render(f, WEB_ZH, NULL, NULL, 0, 0);
    assert_non_null(strstr(html, "本问卷为单位自评"));
    assert_null(strstr(html, "匿名"));
    free(html);
    form_free(f);
    free(src);

    /* the only required question is in a repeat: the legend only once an
     * instance (and so a *) is on the page */
    static const char rep[] =
        "survey,,,,\n"
        ",type,name,label,required\n"
        ",integer,n,How many,\n"
        ",begin_repeat,ev,Events,\n"
        ",text,what,What,yes\n"
        ",end_repeat,,,\n"
        "settings,,,\n"
        ",form_id,version,role\n"
        ",rep,1,self\n";
    d = (util_diag_t){0};
    assert_int_equal(form_load_mem("rep.csv", rep, strlen(rep), &f, &d), 0);
    util_diag_free(&d);
    size_t ninst[8] = {0};
    web_form_view_t v = {f, WEB_EN, "C", "c", NULL, NULL, 0, -1, NULL, NULL, NULL, NULL, 0, NULL,
                         NULL, NULL, 0, 0, NULL, 0};
    util_buf_t b2 = {0};
    web_page_form(&b2, &v);
    assert_null(strstr(b2.s, "Questions marked *"));
    util_buf_free(&b2);
    v.ninst = ninst;
    ninst[1] = 1;
    web_page_form(&b2, &v);
    assert_non_null(strstr(b2.s, "<span class=\"req\">*</span>"));
    assert_non_null(strstr(b2.s, "Questions marked * must be answered."));
    util_buf_free(&b2);
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

    web_page_thanks(&b, WEB_ZH, "<t>", 0);
    assert_non_null(strstr(b.s, "提交成功"));
    assert_non_null(strstr(b.s, "&lt;t&gt;"));
    util_buf_free(&b);

    /* a self-assessment's thank-you page promises no anonymity */
    web_page_thanks(&b, WEB_EN, "Self", 1);
    assert_null(strstr(b.s, "anonymous"));
    util_buf_free(&b);
    web_page_thanks(&b, WEB_EN, "Staff", 0);
    assert_non_null(strstr(b.s, "This survey is anonymous"));
    util_buf_free(&b);
}

/* The console of three units: U01 shown, U02 under min_n, U03 hidden by
 * the complement (a unit name that is a formula and one with markup). */
static void test_console(void **state)
{
    (void)state;
    console_unit_t units[] = {
        {(char *)"U01", (char *)"甲<b>", 10, 1},
        {(char *)"U02", (char *)"=HYPERLINK(\"x\")", -1, 0},
        {(char *)"U03", (char *)"丙", 20, 0},
    };
    console_count_t counts[] = {{8, 5, 0, 0}, {4, 0, 1, 1}, {0, 0, 1, 0}};
    console_form_t form = {(char *)"staff", (char *)"Staff <survey>", counts, 14, 2, 16, 0, 2};
    char *waves[] = {(char *)"2025", (char *)"2026 春"};
    console_t c = {waves, 2, waves[1], 1, 0, 5, units, 3, -1, &form, 1, 1,
                   (char *)"Self", 1, "2026-03-05 14:32"};
    util_buf_t b = {0};
    web_page_console(&b, WEB_EN, &c);
    assert_non_null(strstr(b.s, "<meta http-equiv=\"refresh\" content=\"60\">"));
    assert_non_null(strstr(b.s, "As of 2026-03-05 14:32. This page refreshes itself every minute."));
    assert_non_null(strstr(b.s, "<h2>Staff &lt;survey&gt;</h2>"));
    /* a shown unit: its count and both rates */
    assert_non_null(strstr(b.s, "<tr><td>U01 甲&lt;b&gt;</td><td class=\"n\">10</td>"
                                "<td class=\"n\">8</td><td class=\"n\">5</td>"
                                "<td class=\"n\">50.0%</td><td class=\"n\">62.5%</td>"
                                "<td class=\"t\">Filled</td><td class=\"t\">Started</td></tr>"));
    /* a small unit: "fewer than 5", no count, no rate */
    assert_non_null(strstr(b.s, "<td class=\"n\">4</td><td class=\"n hid\">fewer than 5</td>"
                                "<td class=\"n hid\">&ndash;</td><td class=\"n hid\">&ndash;</td>"));
    /* the complement: not shown, and not called small */
    assert_non_null(strstr(b.s, "<td>U03 丙</td><td class=\"n\">20</td><td class=\"n\">0</td>"
                                "<td class=\"n hid\">not shown</td>"));
    /* codes without a unit, the total (no headcount rate: U02 has none) */
    assert_non_null(strstr(b.s, "the respondent chooses it)</td><td class=\"n\">&ndash;</td>"
                                "<td class=\"n\">2</td>"));
    assert_non_null(strstr(b.s, "<tr><th>Total</th><th class=\"n\">&ndash;</th>"
                                "<th class=\"n\">14</th><th class=\"n\">16</th>"
                                "<th class=\"n\">&ndash;</th><th class=\"n\">114.3%</th>"
                                "<th class=\"t\">1 of 3</th><th class=\"t\">1 not started</th></tr>"));
    /* links keep the wave (encoded) and the language */
    assert_non_null(strstr(b.s, "href=\"/admin?wave=2025&amp;lang=en\">2025</a>"));
    assert_non_null(strstr(b.s, "<strong>2026 春 (open)</strong>"));
    assert_non_null(strstr(b.s, "href=\"/admin?wave=2026%20%E6%98%A5&amp;format=csv&amp;lang=en\""));
    assert_non_null(strstr(b.s, "Self-assessment (Self): filled by 1 of 3 units."));
    util_buf_free(&b);

    err_t err = {0};
    assert_int_equal(console_csv(&c, 0, &b, &err), 0);
    assert_int_equal(strncmp(b.s, "\xEF\xBB\xBF" "Form,Wave,Unit code,Unit,Headcount,Invited,"
                                  "Responses,Rate of headcount,Rate of invited,Self-assessment,"
                                  "Status\r\n", 110), 0);
    assert_non_null(strstr(b.s, "\r\nStaff <survey>,2026 春,U01,甲<b>,10,8,5,50.0%,62.5%,Filled,"
                                "Started\r\n"));
    /* the formula neutralised; the small unit as on the page */
    assert_non_null(strstr(b.s, "U02,\"'=HYPERLINK(\"\"x\"\")\",,4,fewer than 5,,,Not yet,Started\r\n"));
    assert_non_null(strstr(b.s, "U03,丙,20,0,not shown,,,Not yet,Started\r\n"));
    assert_non_null(strstr(b.s, ",Total,,,14,16,,114.3%,1 of 3,1 not started\r\n"));
    util_buf_free(&b);

    /* a total under min_n (every unit with responses hidden) is hidden too */
    form.total_small = 1;
    console_cell(&c, &form, CONSOLE_TOTAL, CONSOLE_RESPONSES, 0, &b);
    assert_string_equal(b.s, "fewer than 5");
    util_buf_reset(&b);
    console_cell(&c, &form, CONSOLE_TOTAL, CONSOLE_RATE_INVITED, 0, &b);
    assert_int_equal(b.len, 0);
    util_buf_free(&b);
    form.total_small = 0;

    /* a closed wave: no refresh */
    c.open = 0;
    web_page_console(&b, WEB_ZH, &c);
    assert_null(strstr(b.s, "http-equiv=\"refresh\""));
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
    slips_info_t info = {"<问卷>", "单位 & 部门", "http://x/", 1, 0};
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
    /* the page's title is one Chinese phrase, not "邀请条 - <问卷>" */
    assert_non_null(strstr(b.s, "<title>&lt;问卷&gt;邀请条</title>"));
    util_buf_free(&b);
    err_clear(&err);
}

TEST_MAIN(
    cmocka_unit_test(test_texts_complete),
    cmocka_unit_test(test_form_page),
    cmocka_unit_test(test_self_notice),
    cmocka_unit_test(test_other_pages),
    cmocka_unit_test(test_console),
    cmocka_unit_test(test_qr))
