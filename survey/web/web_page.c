/*
 * web_page: builds the HTML of every page `gapsurvey serve` sends (see
 * web_page.h).  The markup is deliberately plain — tables for the Likert
 * rows, fieldsets with legends, implicit and explicit labels — because
 * staff answer on old intranet browsers as well as phones: everything must
 * work and read well with no script, no external file and a 390-pixel
 * screen.  The one optional script only hides items that are not relevant
 * yet; the server checks everything again on submit.
 */
#include "survey/web/web_page.h"
#include "base/html.h"
#include "base/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The English; web_text gives the Chinese of po/zh_CN.po per request. */
static const char *const texts[WEB_T_COUNT] = {
    [WEB_T_SITE] = N_("Survey"),
    [WEB_T_CODE_HEAD] = N_("Enter your invitation code"),
    [WEB_T_CODE_HELP] = N_("The code is printed on your invitation slip, for example "
                           "K7QM-3XPA-9TRE-H2WD. Letters may be typed in either case and the "
                           "dashes may be left out."),
    [WEB_T_CODE_LABEL] = N_("Invitation code"),
    [WEB_T_CODE_START] = N_("Start"),
    [WEB_T_ANONYMOUS] = N_("This survey is anonymous: your answers are never linked to your "
                           "code, your name, your IP address or the time you answered, and are "
                           "only reported in totals per unit."),
    /* one page for a code that is unknown and one that was used, so that
     * nobody polling codes learns which were used, or when */
    [WEB_T_UNKNOWN_HEAD] = N_("This code cannot be used"),
    [WEB_T_UNKNOWN_TEXT] = N_("Either no invitation has this code, or it has been used: each code "
                              "is good for one submission. Please check the code on your slip and "
                              "type it again. If you have submitted the questionnaire already, "
                              "your answers were received. Thank you."),
    [WEB_T_CLOSED_HEAD] = N_("This survey round has closed"),
    [WEB_T_CLOSED_TEXT] = N_("The survey this code belongs to has closed and accepts no more "
                             "answers."),
    [WEB_T_ERRORS_ONE] = N_("1 answer needs attention; see the question marked in red below."),
    [WEB_T_ERRORS_MANY] = N_("%zu answers need attention; see the questions marked in red below."),
    [WEB_T_REQUIRED] = N_("Please answer this question"),
    [WEB_T_BAD_CHOICE] = N_("Please choose one of the options given"),
    [WEB_T_BAD_INTEGER] = N_("Please enter a whole number"),
    [WEB_T_BAD_DECIMAL] = N_("Please enter a number"),
    [WEB_T_BAD_CONSTRAINT] = N_("This answer is not accepted"),
    [WEB_T_BAD_TEXT] = N_("Contains characters that cannot be read; please type it again"),
    [WEB_T_SUBMIT] = N_("Submit"),
    [WEB_T_THANKS_HEAD] = N_("Thank you!"),
    [WEB_T_THANKS_TEXT] = N_("Your answers have been saved. You may close this page now."),
    [WEB_T_EXPIRED_FORM] = N_("This page had expired and nothing was submitted. Your answers are "
                              "kept below; please check them and submit again."),
    [WEB_T_EXPIRED_CODE] = N_("This page had expired; please enter your code again."),
    [WEB_T_STORE_FAILED] = N_("The server could not save your answers just now and nothing was "
                              "submitted. Your answers are kept below; please submit again in a "
                              "moment."),
    [WEB_T_TOO_BIG_HEAD] = N_("The submission is too large"),
    [WEB_T_TOO_BIG_TEXT] = N_("The submission is longer than allowed and was not saved. Please "
                              "shorten your text and try again."),
    [WEB_T_BUSY_HEAD] = N_("Too many requests"),
    [WEB_T_BUSY_TEXT] = N_("Too many codes were tried from your network in a short time. Please "
                           "wait a minute and try again."),
    [WEB_T_NOT_FOUND_HEAD] = N_("Page not found"),
    [WEB_T_NOT_FOUND_TEXT] = N_("There is no page at this address."),
    [WEB_T_BAD_REQUEST_HEAD] = N_("Bad request"),
    [WEB_T_BAD_REQUEST_TEXT] = N_("The browser sent something that cannot be read; nothing was "
                                  "saved."),
    [WEB_T_SERVER_HEAD] = N_("Server error"),
    [WEB_T_SERVER_TEXT] = N_("The server had a problem; please try again in a moment."),
    [WEB_T_FORBIDDEN_HEAD] = N_("Not allowed"),
    [WEB_T_FORBIDDEN_TEXT] = N_("This page needs the admin token."),
    [WEB_T_ADMIN_SECRET] = N_("Admin secret"),
    [WEB_T_ADMIN_SIGNIN] = N_("Sign in"),
    [WEB_T_REQUIRED_LEGEND] = N_("Questions marked * must be answered."),
    [WEB_T_CHOOSE] = N_("Choose"),
    [WEB_T_BACK] = N_("Back to the code page"),
    [WEB_T_ADMIN_HEAD] = N_("Survey console"),
    [WEB_T_ADMIN_NOTE] = N_("Counts per unit only, never a single response. As in the analysis, a "
                            "unit with 1 to %ld responses shows \"fewer than %ld\" "
                            "instead of its count and rates, and where the total would still "
                            "give such a unit away, one more unit is not shown."),
    [WEB_T_ADMIN_WAVE] = N_("Wave"),
    [WEB_T_ADMIN_UNIT] = N_("Unit"),
    [WEB_T_ADMIN_TOTAL] = N_("Total"),
    [WEB_T_ADMIN_NONE] = N_("There is no survey wave yet; issuing the first invitation codes "
                            "opens one."),
    [WEB_T_ADMIN_ASOF] = N_("As of %s"),
    [WEB_T_ADMIN_REFRESH] = N_("This page refreshes itself every minute."),
    [WEB_T_ADMIN_OPEN] = N_("open"),
    [WEB_T_ADMIN_CLOSED] = N_("This wave is closed."),
    [WEB_T_ADMIN_SEALED] = N_("This wave is sealed: until it is closed and opened with its key, "
                              "responses are counted by the invitation codes used."),
    [WEB_T_ADMIN_STARTED] = N_("Units with responses: %zu of %zu; not started: %zu."),
    [WEB_T_ADMIN_SELF] = N_("Self-assessment (%s): filled by %zu of %zu units."),
    [WEB_T_ADMIN_CSV] = N_("Download this table (CSV)"),
    [WEB_T_ADMIN_NO_UNITS] = N_("No units yet: load the list with 'gapsurvey unit import FILE'."),
    [WEB_T_ADMIN_NO_FORMS] = N_("No staff questionnaire is loaded: add one with 'gapsurvey form "
                                "add FILE'."),
    [WEB_T_ADMIN_NO_WAVE] = N_("There is no wave of that name."),
    [WEB_T_SELF_NOTICE] = N_("This is your unit's self-assessment: please answer for the unit as "
                             "a whole. The answers are recorded under your unit's name and may be "
                             "shown, as the unit's, beside the views of its staff; the name of "
                             "whoever fills it in and their IP address are not recorded."),
    [WEB_T_BAD_DATE] = N_("Please enter a date as YYYY-MM-DD"),
    [WEB_T_BAD_RANK] = N_("Please give every option a different place"),
    [WEB_T_RANK_PLACE] = N_("Place %zu"),
    [WEB_T_REPEAT_ADD] = N_("Add one"),
    [WEB_T_REPEAT_REMOVE] = N_("Remove this one"),
    [WEB_T_PAGE_OF] = N_("Page %zu of %zu"),
    [WEB_T_PREV] = N_("Previous"),
    [WEB_T_NEXT] = N_("Next"),
};

const char *web_text(web_lang_t lang, web_text_t id)
{
    if (id < 0 || id >= WEB_T_COUNT)
        return "";
    /* the name of the other language is written in that language: data,
     * the same on every page of it */
    if (id == WEB_T_OTHER_LANG)
        return lang == WEB_EN ? "中文" : "English";
    return TR(lang == WEB_ZH, texts[id]);
}

const char *web_lang_code(web_lang_t lang)
{
    return lang == WEB_EN ? "en" : "zh";
}

/* One small stylesheet inline in every page: no second request, nothing to
 * go stale in a proxy, and old browsers ignore what they do not know.
 * Font size 16px keeps phones from zooming into fields. */
static const char style[] =
    "body{margin:0;background:#f3f4f6;color:#1f2328;font:16px/1.55 -apple-system,"
    "\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Helvetica Neue\",Arial,sans-serif}"
    ".wrap{max-width:780px;margin:0 auto;padding:10px}"
    ".top{overflow:hidden;margin:4px 0 8px;color:#555;font-size:.9em}"
    ".top .lang{float:right}"
    ".card{background:#fff;border:1px solid #d8dce1;border-radius:6px;padding:12px 16px;"
    "margin:0 0 12px}"
    "h1{font-size:1.35em;line-height:1.3;margin:.2em 0 .5em}"
    "h2{font-size:1.12em;margin:.2em 0 .3em;padding-bottom:.2em;border-bottom:2px solid #b71c1c}"
    "a{color:#0b5cad}"
    "fieldset{border:0;margin:0;padding:0;min-width:0}"
    "legend{padding:0;margin:0 0 .2em;font-weight:bold;white-space:normal;display:table;"
    "max-width:100%}"
    ".q{padding:10px 0 12px;border-top:1px solid #eceef1}"
    ".card>.q:first-child,h2+.q{border-top:0;padding-top:4px}"
    ".q.bad{background:#fff3f3;border-left:4px solid #c62828;padding-left:8px}"
    ".num{color:#666;margin-right:.25em}"
    ".req{color:#c62828}"
    ".hint{color:#5b6470;font-size:.9em;margin:.1em 0 .3em}"
    ".err{color:#b71c1c;font-weight:bold;margin:.2em 0}"
    ".notice{background:#fff8e1;border:1px solid #e0c060;padding:8px 12px;border-radius:4px}"
    ".problem{background:#fff3f3;border:1px solid #e0a0a0;padding:8px 12px;border-radius:4px}"
    ".likert{display:table;width:100%;table-layout:fixed;border-collapse:collapse;margin-top:4px}"
    ".likert .o{display:table-cell;text-align:center;vertical-align:top;padding:6px 2px 4px;"
    "border:1px solid #dfe3e8;font-size:.82em;line-height:1.3;cursor:pointer}"
    ".likert input{display:block;margin:0 auto 4px;width:20px;height:20px}"
    ".opts .o{display:block;padding:5px 2px;cursor:pointer}"
    ".opts input{width:18px;height:18px;vertical-align:-3px;margin:0 .4em 0 0}"
    "input.t,textarea,select{width:100%;box-sizing:border-box;font:inherit;padding:7px;"
    "border:1px solid #9aa3ad;border-radius:4px;background:#fff}"
    "textarea{min-height:5em}"
    ".code{font-family:Consolas,Menlo,monospace;letter-spacing:.08em;text-transform:uppercase}"
    ".btn{font:inherit;font-size:1.1em;padding:10px 30px;background:#b71c1c;color:#fff;"
    "border:0;border-radius:4px;cursor:pointer}"
    ".small{color:#5b6470;font-size:.88em}"
    ".fixed{font-weight:bold}"
    ".inst{border:1px solid #dfe3e8;border-radius:4px;padding:4px 10px;margin:8px 0}"
    ".sub{font:inherit;padding:5px 14px;cursor:pointer}"
    ".progress{color:#5b6470;margin:.2em 0}.progress progress{width:100%;height:8px}"
    ".btn.back{background:#fff;color:#b71c1c;border:1px solid #b71c1c;margin-right:.5em}"
    "table.adm{border-collapse:collapse;width:100%;font-size:.92em}"
    "table.adm th,table.adm td{border:1px solid #d8dce1;padding:4px 6px;text-align:left}"
    "table.adm .n{text-align:right}table.adm tr.ns td{background:#fff8e1}"
    "table.adm .hid{color:#5b6470;font-style:italic}.scroll{overflow-x:auto}"
    "table.adm th,table.adm td.n,table.adm td.t{white-space:nowrap}"
    "table.adm td:first-child{min-width:9em}"
    ".wrap.wide{max-width:1100px}.waves a,.waves strong{margin-right:.6em}"
    "@media (max-width:480px){.wrap{padding:6px}.card{padding:10px 10px}"
    ".likert .o{font-size:.75em;padding:6px 1px 4px}}"
    "@media print{.top,.btn{display:none}body{background:#fff}}";

/* The start of every page; refresh (seconds, 0: none) reloads the page by
 * itself with no script, wide gives tables more room than a form needs. */
static void head_full(util_buf_t *b, web_lang_t lang, const char *title, int refresh, int wide)
{
    util_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"");
    util_buf_adds(b, lang == WEB_EN ? "en" : "zh-CN");
    util_buf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"referrer\" content=\"no-referrer\">\n");
    if (refresh > 0)
        util_buf_addf(b, "<meta http-equiv=\"refresh\" content=\"%d\">\n", refresh);
    util_buf_adds(b, "<title>");
    html_esc(b, title);
    util_buf_adds(b, "</title>\n<style>");
    util_buf_adds(b, style);
    util_buf_adds(b, wide ? "</style>\n</head>\n<body>\n<div class=\"wrap wide\">\n"
                          : "</style>\n</head>\n<body>\n<div class=\"wrap\">\n");
}

static void head(util_buf_t *b, web_lang_t lang, const char *title)
{
    head_full(b, lang, title, 0, 0);
}

static void tail(util_buf_t *b)
{
    util_buf_adds(b, "</div>\n</body>\n</html>\n");
}

/* The language switch of pages that hold nothing the respondent typed: a
 * plain link.  The form page switches through a submit button instead so
 * that the answers (and the code) travel in the body, not the address. */
static void top_link(util_buf_t *b, web_lang_t lang, const char *path)
{
    util_buf_adds(b, "<div class=\"top\"><span>");
    html_esc(b, web_text(lang, WEB_T_SITE));
    util_buf_adds(b, "</span><a class=\"lang\" href=\"");
    html_esc(b, path);
    util_buf_adds(b, lang == WEB_EN ? "?lang=zh" : "?lang=en");
    util_buf_adds(b, "\">");
    html_esc(b, web_text(lang, WEB_T_OTHER_LANG));
    util_buf_adds(b, "</a></div>\n");
}

void web_page_message(util_buf_t *b, web_lang_t lang, const char *headline, const char *text)
{
    head(b, lang, headline);
    top_link(b, lang, "/");
    util_buf_adds(b, "<div class=\"card\">\n<h1>");
    html_esc(b, headline);
    util_buf_adds(b, "</h1>\n<p>");
    html_esc(b, text);
    util_buf_adds(b, "</p>\n<p><a href=\"/?lang=");
    util_buf_adds(b, web_lang_code(lang));
    util_buf_adds(b, "\">");
    html_esc(b, web_text(lang, WEB_T_BACK));
    util_buf_adds(b, "</a></p>\n</div>\n");
    tail(b);
}

void web_page_thanks(util_buf_t *b, web_lang_t lang, const char *form_title, int self)
{
    const char *h = web_text(lang, WEB_T_THANKS_HEAD);
    head(b, lang, h);
    util_buf_adds(b, "<div class=\"top\"><span>");
    html_esc(b, form_title && *form_title ? form_title : web_text(lang, WEB_T_SITE));
    util_buf_adds(b, "</span></div>\n<div class=\"card\" id=\"thanks\">\n<h1>");
    html_esc(b, h);
    util_buf_adds(b, "</h1>\n<p>");
    html_esc(b, web_text(lang, WEB_T_THANKS_TEXT));
    util_buf_adds(b, "</p>\n");
    if (!self) {   /* a self-assessment is the unit's: no promise of anonymity */
        util_buf_adds(b, "<p class=\"small\">");
        html_esc(b, web_text(lang, WEB_T_ANONYMOUS));
        util_buf_adds(b, "</p>\n");
    }
    util_buf_adds(b, "</div>\n");
    tail(b);
}

static void hidden(util_buf_t *b, const char *name, const char *value)
{
    util_buf_adds(b, "<input type=\"hidden\" name=\"");
    html_esc(b, name);
    util_buf_adds(b, "\" value=\"");
    html_esc(b, value);
    util_buf_adds(b, "\">\n");
}

void web_page_code(util_buf_t *b, web_lang_t lang, const char *csrf, const char *code,
                   const char *problem_head, const char *problem_text)
{
    head(b, lang, web_text(lang, WEB_T_CODE_HEAD));
    top_link(b, lang, "/");
    util_buf_adds(b, "<div class=\"card\">\n<h1>");
    html_esc(b, web_text(lang, WEB_T_CODE_HEAD));
    util_buf_adds(b, "</h1>\n");
    if (problem_head) {
        util_buf_adds(b, "<div class=\"problem\" id=\"problem\" role=\"alert\"><strong>");
        html_esc(b, problem_head);
        util_buf_adds(b, "</strong><br>");
        html_esc(b, problem_text ? problem_text : "");
        util_buf_adds(b, "</div>\n");
    }
    util_buf_adds(b, "<form method=\"post\" action=\"/\" accept-charset=\"utf-8\" "
                     "autocomplete=\"off\">\n");
    hidden(b, "csrf", csrf);
    hidden(b, "lang", web_lang_code(lang));
    util_buf_adds(b, "<p><label for=\"code\">");
    html_esc(b, web_text(lang, WEB_T_CODE_LABEL));
    util_buf_adds(b, "</label><br>\n<input class=\"t code\" type=\"text\" id=\"code\" name=\"code\" "
                     "maxlength=\"64\" autocomplete=\"off\" autocapitalize=\"characters\" "
                     "autocorrect=\"off\" spellcheck=\"false\" value=\"");
    html_esc(b, code ? code : "");
    util_buf_adds(b, "\"></p>\n<p class=\"hint\">");
    html_esc(b, web_text(lang, WEB_T_CODE_HELP));
    util_buf_adds(b, "</p>\n<p><input class=\"btn\" type=\"submit\" value=\"");
    html_esc(b, web_text(lang, WEB_T_CODE_START));
    util_buf_adds(b, "\"></p>\n</form>\n<p class=\"small\">");
    html_esc(b, web_text(lang, WEB_T_ANONYMOUS));
    util_buf_adds(b, "</p>\n</div>\n");
    tail(b);
}

void web_page_login(util_buf_t *b, web_lang_t lang, const char *csrf)
{
    head(b, lang, web_text(lang, WEB_T_FORBIDDEN_HEAD));
    util_buf_adds(b, "<div class=\"card\">\n<h1>");
    html_esc(b, web_text(lang, WEB_T_FORBIDDEN_HEAD));
    util_buf_adds(b, "</h1>\n<p>");
    html_esc(b, web_text(lang, WEB_T_FORBIDDEN_TEXT));
    util_buf_adds(b, "</p>\n<form method=\"post\" action=\"/admin\" accept-charset=\"utf-8\">\n");
    hidden(b, "csrf", csrf);
    hidden(b, "lang", web_lang_code(lang));
    util_buf_adds(b, "<p><label for=\"secret\">");
    html_esc(b, web_text(lang, WEB_T_ADMIN_SECRET));
    util_buf_adds(b, "</label><br>\n<input class=\"t\" type=\"password\" id=\"secret\" "
                     "name=\"secret\" autocomplete=\"current-password\"></p>\n"
                     "<p><input class=\"btn\" type=\"submit\" value=\"");
    html_esc(b, web_text(lang, WEB_T_ADMIN_SIGNIN));
    util_buf_adds(b, "\"></p>\n</form>\n</div>\n");
    tail(b);
}

/* ---- the questionnaire ---- */

/* Likert scales and yes/no lists read best as one row of radio buttons;
 * long lists (units) as a drop-down so a phone does not scroll past 40
 * radio buttons; everything else as a column of radio buttons. */
typedef enum { LOOK_ROW, LOOK_COLUMN, LOOK_DROPDOWN } look_t;

static look_t select_look(const form_t *f, const form_item_t *it)
{
    const form_list_t *l = &f->lists[it->list];
    if (it->type == FORM_SELECT_ONE && (form_item_scored(f, it) || l->yesno ||
                                        (l->numeric && l->nchoices >= 3 && l->nchoices <= 11)))
        return LOOK_ROW;
    if (it->type == FORM_SELECT_ONE && l->nchoices > 12)
        return LOOK_DROPDOWN;
    return LOOK_COLUMN;
}

static void field_name(util_buf_t *b, const form_item_t *it)
{
    /* "q_" keeps question names apart from the page's own fields (code, csrf, lang) */
    util_buf_adds(b, "q_");
    html_esc(b, it->name);
}

/* The options of a drop-down: "Choose", then every choice, the one named
 * selected (or none) selected; each followed by end. */
static void options(util_buf_t *b, const form_t *f, const form_list_t *l, int li, web_lang_t lang,
                    const char *selected, const char *end)
{
    util_buf_adds(b, "<option value=\"\">");
    html_esc(b, web_text(lang, WEB_T_CHOOSE));
    util_buf_adds(b, "</option>");
    util_buf_adds(b, end);
    for (size_t c = 0; c < l->nchoices; c++) {
        util_buf_adds(b, "<option value=\"");
        html_esc(b, l->choices[c].name);
        util_buf_adds(b, selected && strcmp(selected, l->choices[c].name) == 0 ? "\" selected>"
                                                                               : "\">");
        html_esc(b, form_text(f, l->choices[c].label, li));
        util_buf_adds(b, "</option>");
        util_buf_adds(b, end);
    }
}

static void render_select(util_buf_t *b, const web_form_view_t *v, const form_item_t *it,
                          size_t pos, int li, const char *raw)
{
    const form_t *f = v->form;
    web_lang_t lang = v->lang;
    const form_list_t *l = &f->lists[it->list];
    /* this respondent's order; every choice is on the page, as what a
     * choice_filter leaves depends on answers given on the same page (the
     * server refuses a choice it does not offer) */
    ans_t *order = NULL;
    form_list_t *view = NULL;
    if (it->randomize && v->seed) {
        order = ans_new(f);
        ans_set_seed(order, v->seed);
        view = ans_choices(order, pos, 0);
        l = view;
    }
    look_t look = select_look(f, it);
    if (look == LOOK_DROPDOWN) {
        util_buf_adds(b, "<select id=\"f-");
        html_esc(b, it->name);
        util_buf_adds(b, "\" name=\"");
        field_name(b, it);
        util_buf_adds(b, "\">\n");
        options(b, f, l, li, lang, raw, "\n");
        util_buf_adds(b, "</select>\n");
        ans_choices_free(view);
        ans_free(order);
        return;
    }
    const char *type = it->type == FORM_SELECT_MULTIPLE ? "checkbox" : "radio";
    util_buf_adds(b, look == LOOK_ROW ? "<div class=\"likert\">" : "<div class=\"opts\">");
    for (size_t c = 0; c < l->nchoices; c++) {
        const char *name = l->choices[c].name;
        int on = it->type == FORM_SELECT_MULTIPLE ? util_has_word(raw, name)
                                                  : (raw && strcmp(raw, name) == 0);
        /* the number by hand: two printf calls per choice were a tenth of
         * the server's CPU under load (bench/README.md) */
        char num[24];
        size_t k = sizeof num;
        num[--k] = '\0';
        size_t x = c;
        do
            num[--k] = (char)('0' + x % 10);
        while (x /= 10);
        num[--k] = '-';
        util_buf_adds(b, "<label class=\"o\" for=\"f-");
        html_esc(b, it->name);
        util_buf_adds(b, num + k);
        util_buf_adds(b, "\"><input type=\"");
        util_buf_adds(b, type);
        util_buf_adds(b, "\" id=\"f-");
        html_esc(b, it->name);
        util_buf_adds(b, num + k);
        util_buf_adds(b, "\" name=\"");
        field_name(b, it);
        util_buf_adds(b, "\" value=\"");
        html_esc(b, name);
        util_buf_adds(b, on ? "\" checked> " : "\"> ");
        html_esc(b, form_text(f, l->choices[c].label, li));
        util_buf_adds(b, "</label>");
    }
    util_buf_adds(b, "</div>\n");
    ans_choices_free(view);
    ans_free(order);
}

/* rank: one drop-down per place, each offering every option; the places
 * are sent in order under one name, which is the stored order. */
static void render_rank(util_buf_t *b, const form_t *f, const form_item_t *it, int li,
                        web_lang_t lang, const char *raw)
{
    const form_list_t *l = &f->lists[it->list];
    char *copy = util_xstrdup(raw ? raw : ""), *save = NULL;
    char *tok = strtok_r(copy, " ", &save);
    util_buf_adds(b, "<div class=\"rank\">");
    for (size_t place = 0; place < l->nchoices; place++) {
        char *lab = util_fmt(web_text(lang, WEB_T_RANK_PLACE), place + 1);
        util_buf_addf(b, "<p><label for=\"f-");
        html_esc(b, it->name);
        util_buf_addf(b, "-%zu\">", place);
        html_esc(b, lab);
        free(lab);
        util_buf_addf(b, "</label> <select id=\"f-");
        html_esc(b, it->name);
        util_buf_addf(b, "-%zu\" name=\"", place);
        field_name(b, it);
        util_buf_adds(b, "\">");
        options(b, f, l, li, lang, tok, "");
        util_buf_adds(b, "</select></p>\n");
        tok = tok ? strtok_r(NULL, " ", &save) : NULL;
    }
    util_buf_adds(b, "</div>\n");
    free(copy);
}

static void render_input(util_buf_t *b, const form_item_t *it, const char *raw)
{
    if (it->type == FORM_TEXT) {
        util_buf_adds(b, "<textarea rows=\"3\" maxlength=\"10000\" id=\"f-");
        html_esc(b, it->name);
        util_buf_adds(b, "\" name=\"");
        field_name(b, it);
        util_buf_adds(b, "\">");
        html_esc(b, raw);
        util_buf_adds(b, "</textarea>\n");
        return;
    }
    if (it->type == FORM_DATE) {
        /* a browser without a date picker shows a text box: the hint on
         * the format is in the placeholder */
        util_buf_adds(b, "<input class=\"t\" type=\"date\" placeholder=\"YYYY-MM-DD\" "
                         "maxlength=\"10\" id=\"f-");
        html_esc(b, it->name);
        util_buf_adds(b, "\" name=\"");
        field_name(b, it);
        util_buf_adds(b, "\" value=\"");
        html_esc(b, raw);
        util_buf_adds(b, "\">\n");
        return;
    }
    /* type=text, not type=number: a browser that cannot parse a number
     * sends "" for it, and the respondent's typing would vanish silently */
    util_buf_adds(b, "<input class=\"t\" type=\"text\" inputmode=\"");
    util_buf_adds(b, it->type == FORM_INTEGER ? "numeric" : "decimal");
    util_buf_adds(b, "\" maxlength=\"40\" id=\"f-");
    html_esc(b, it->name);
    util_buf_adds(b, "\" name=\"");
    field_name(b, it);
    util_buf_adds(b, "\" value=\"");
    html_esc(b, raw);
    util_buf_adds(b, "\">\n");
}

/* A form text (label, hint, note) escaped, with ${name} filled in from
 * the answers so far (the defaults when there are none yet). */
static void text_out(util_buf_t *b, const web_form_view_t *v, form_text_t t, int li)
{
    const char *s = form_text(v->form, t, li);
    if (!strstr(s, "${")) {
        html_esc(b, s);
        return;
    }
    ans_t *none = v->ans ? NULL : ans_new(v->form);
    if (none)
        ans_set_defaults(none);   /* a page shown the first time starts from them */
    char *filled = ans_fill(v->ans ? v->ans : none, s, li);
    html_esc(b, filled);
    free(filled);
    ans_free(none);
}

static const char *lang_colon(web_lang_t lang)
{
    return lang == WEB_EN ? ": " : "\xEF\xBC\x9A";   /* full-width colon after Chinese */
}

/* Item it (the form's item pos, or a copy named for a repeat's instance),
 * with what was sent for it (raw) and what is wrong with it (err). */
static void render_item(util_buf_t *b, const web_form_view_t *v, const form_item_t *it,
                        size_t pos, const char *raw, const char *err, int li, int *number)
{
    const form_t *f = v->form;
    if (it->type == FORM_NOTE) {
        util_buf_adds(b, "<div class=\"q note\" id=\"q-");
        html_esc(b, it->name);
        if (it->relevant_src) {
            util_buf_adds(b, "\" data-relevant=\"");
            html_esc(b, it->relevant_src);
        }
        util_buf_adds(b, "\"><p>");
        text_out(b, v, it->label, li);
        util_buf_adds(b, "</p></div>\n");
        return;
    }
    if ((int)pos == v->fixed_pos || it->read_only) {
        /* answered by the invitation, or read-only: shown, not asked, and
         * not sent back */
        util_buf_adds(b, "<div class=\"q\" id=\"q-");
        html_esc(b, it->name);
        if (it->relevant_src) {
            util_buf_adds(b, "\" data-relevant=\"");
            html_esc(b, it->relevant_src);
        }
        util_buf_adds(b, "\"><p style=\"margin:0\">");
        text_out(b, v, it->label, li);
        util_buf_adds(b, lang_colon(v->lang));
        util_buf_adds(b, "<span class=\"fixed\">");
        if ((int)pos == v->fixed_pos) {
            html_esc(b, v->fixed_text ? v->fixed_text : "");
        } else if (it->default_value) {
            char *ref = util_fmt("${%s}", it->name);
            ans_t *one = ans_new(f);
            err_t m = {0};
            if (ans_set(one, pos, it->default_value, &m) != 0)
                err_clear(&m);
            char *shown = ans_fill(one, ref, li);
            html_esc(b, shown);
            free(shown);
            ans_free(one);
            free(ref);
        }
        util_buf_adds(b, "</span></p></div>\n");
        return;
    }
    (*number)++;
    util_buf_adds(b, err ? "<div class=\"q bad\" id=\"q-" : "<div class=\"q\" id=\"q-");
    html_esc(b, it->name);
    if (it->relevant_src) {
        util_buf_adds(b, "\" data-relevant=\"");
        html_esc(b, it->relevant_src);
    }
    int is_select = it->type == FORM_SELECT_ONE || it->type == FORM_SELECT_MULTIPLE;
    int dropdown = is_select && select_look(f, it) == LOOK_DROPDOWN;
    /* several fields answer it: a fieldset named by its legend */
    int fieldset = (is_select && !dropdown) || it->type == FORM_RANK;
    /* radio and checkbox groups are fieldsets named by their legend; a single
     * field is named by a label pointing at it */
    if (fieldset)
        util_buf_adds(b, "\">\n<fieldset><legend>");
    else {
        util_buf_adds(b, "\">\n<label class=\"lab\" for=\"f-");
        html_esc(b, it->name);
        util_buf_adds(b, "\" style=\"font-weight:bold\">");
    }
    util_buf_addf(b, "<span class=\"num\">%d.</span>", *number);
    text_out(b, v, it->label, li);
    if (it->required)
        util_buf_adds(b, " <span class=\"req\">*</span>");
    util_buf_adds(b, fieldset ? "</legend>\n" : "</label>\n");
    if (*form_text(f, it->hint, li)) {
        util_buf_adds(b, "<p class=\"hint\">");
        text_out(b, v, it->hint, li);
        util_buf_adds(b, "</p>\n");
    }
    if (err) {
        util_buf_adds(b, "<p class=\"err\" id=\"e-");
        html_esc(b, it->name);
        util_buf_adds(b, "\">");
        html_esc(b, err);
        util_buf_adds(b, "</p>\n");
    }
    if (it->type == FORM_RANK)
        render_rank(b, f, it, li, v->lang, raw);
    else if (is_select)
        render_select(b, v, it, pos, li, raw);
    else
        render_input(b, it, raw);
    if (fieldset)
        util_buf_adds(b, "</fieldset>\n");
    util_buf_adds(b, "</div>\n");
}

/* How many instances of repeat rpos a page shown the first time has: what
 * repeat_count says from the defaults, else none (the respondent adds). */
static size_t first_instances(const web_form_view_t *v, size_t rpos)
{
    if (!v->form->items[rpos].repeat_count)
        return 0;
    ans_t *a = ans_new(v->form);
    ans_set_defaults(a);
    long n = ans_instances_wanted(a, rpos);
    ans_free(a);
    return n > 0 ? (size_t)n : 0;
}

static void submit_button(util_buf_t *b, const char *name, const char *label)
{
    util_buf_adds(b, "<input class=\"sub\" type=\"submit\" name=\"");
    html_esc(b, name);
    util_buf_adds(b, "\" value=\"");
    html_esc(b, label);
    util_buf_adds(b, "\">");
}

/* A repeat: a card with each instance as a fieldset of its questions, and
 * buttons that add and remove instances by sending the page (no script
 * needed: the server shows it again with the answers kept).  Returns the
 * position of its end_repeat. */
static size_t render_repeat(util_buf_t *b, const web_form_view_t *v, size_t rpos, int li,
                            int *number)
{
    const form_t *f = v->form;
    const form_item_t *it = &f->items[rpos];
    size_t end = rpos + 1;
    while (end < f->nitems && f->items[end].type != FORM_END_REPEAT)
        end++;
    size_t n = v->ninst ? v->ninst[rpos] : first_instances(v, rpos);
    util_buf_adds(b, "<div class=\"card group repeat\" id=\"g-");
    html_esc(b, it->name);
    if (it->relevant_src) {
        util_buf_adds(b, "\" data-relevant=\"");
        html_esc(b, it->relevant_src);
    }
    util_buf_adds(b, "\">\n<h2>");
    text_out(b, v, it->label, li);
    util_buf_adds(b, "</h2>\n");
    char *field = util_fmt("n_%s", it->name), count[24];
    snprintf(count, sizeof count, "%zu", n);
    hidden(b, field, count);
    free(field);
    for (size_t k = 0; k < n; k++) {
        util_buf_adds(b, "<fieldset class=\"inst\"><legend>");
        text_out(b, v, it->label, li);
        util_buf_addf(b, " %zu</legend>\n", k + 1);
        for (size_t j = rpos + 1; j < end; j++) {
            form_item_t c = f->items[j];
            c.name = util_fmt("%s#%zu", f->items[j].name, k + 1);
            /* the script cannot tell one instance's answers from another's:
             * the server decides what is relevant in an instance */
            c.relevant_src = NULL;
            size_t at = j * FORM_MAX_INSTANCES + k;
            render_item(b, v, &c, j, v->rraw ? v->rraw[at] : c.default_value,
                        v->rerr ? v->rerr[at] : NULL, li, number);
            free(c.name);
        }
        if (!it->repeat_count) {
            char *del = util_fmt("del_%s_%zu", it->name, k + 1);
            util_buf_adds(b, "<p>");
            submit_button(b, del, web_text(v->lang, WEB_T_REPEAT_REMOVE));
            util_buf_adds(b, "</p>\n");
            free(del);
        }
        util_buf_adds(b, "</fieldset>\n");
    }
    if (!it->repeat_count && n < FORM_MAX_INSTANCES) {
        char *add = util_fmt("add_%s", it->name);
        util_buf_adds(b, "<p>");
        submit_button(b, add, web_text(v->lang, WEB_T_REPEAT_ADD));
        util_buf_adds(b, "</p>\n");
        free(add);
    }
    util_buf_adds(b, "</div>\n");
    return end;
}

size_t web_pages(const form_t *f, int fixed, size_t *page_of)
{
    size_t n = 0;
    int depth = 0, run = 0;   /* run: a page of top-level questions is open */
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        int begins = it->type == FORM_BEGIN_GROUP || it->type == FORM_BEGIN_REPEAT;
        int ends = it->type == FORM_END_GROUP || it->type == FORM_END_REPEAT;
        if (depth == 0 && begins) {
            n++;
            run = 0;
        } else if (depth == 0 && !ends && it->type != FORM_CALCULATE && (int)i != fixed &&
                   !run) {
            n++;   /* questions between groups share a page */
            run = 1;
        }
        depth += begins - ends;
        /* a calculate, or the unit from the invitation, before any page
         * goes with the first */
        page_of[i] = n ? n : 1;
    }
    return n ? n : 1;
}

/* Is item pos on the page shown (every item is, on the one-page form)? */
static int on_page(const web_form_view_t *v, size_t pos)
{
    return !v->page || v->page_of[pos] == v->page;
}

/* What was sent for an item of another page, carried in a hidden field so
 * that the answers of every page travel with the form (no script needed). */
static void carry(util_buf_t *b, const web_form_view_t *v, size_t pos)
{
    const form_t *f = v->form;
    const form_item_t *it = &f->items[pos];
    if (it->type == FORM_BEGIN_REPEAT) {
        size_t n = v->ninst ? v->ninst[pos] : 0;
        char *field = util_fmt("n_%s", it->name), count[24];
        snprintf(count, sizeof count, "%zu", n);
        hidden(b, field, count);
        free(field);
        for (size_t k = 0; k < n && v->rraw; k++)
            for (size_t j = pos + 1; f->items[j].type != FORM_END_REPEAT; j++) {
                const char *raw = v->rraw[j * FORM_MAX_INSTANCES + k];
                if (!raw)
                    continue;
                char *name = util_fmt("q_%s#%zu", f->items[j].name, k + 1);
                hidden(b, name, raw);
                free(name);
            }
        return;
    }
    const char *raw = v->raw ? v->raw[pos] : it->default_value;
    if (!form_item_answerable(it) || it->repeat >= 0 || it->read_only ||
        (int)pos == v->fixed_pos || !raw)
        return;
    char *name = util_fmt("q_%s", it->name);
    hidden(b, name, raw);
    free(name);
}

/* Does the page shown hold a question marked *: required and asked (not
 * the unit the invitation answers, nor a read-only one), on this page,
 * and, inside a repeat, in an instance that is there? */
static int asks_required(const web_form_view_t *v)
{
    const form_t *f = v->form;
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        if (!it->required || !form_item_answerable(it) || it->read_only ||
            (int)i == v->fixed_pos || !on_page(v, i))
            continue;
        if (it->repeat < 0)
            return 1;
        size_t r = (size_t)it->repeat;
        if ((v->ninst ? v->ninst[r] : first_instances(v, r)) > 0)
            return 1;
    }
    return 0;
}

/* Title, the hidden fields, the language switch, progress, notices and the
 * list of problems (of the page shown). */
static void form_top(util_buf_t *b, const web_form_view_t *v, const char *title, int li)
{
    const form_t *f = v->form;
    util_buf_adds(b, "<form method=\"post\" action=\"/submit\" accept-charset=\"utf-8\" "
                     "autocomplete=\"off\" novalidate id=\"survey\"");
    /* a page shown the first time: the script may bring back a draft */
    util_buf_adds(b, v->raw ? ">\n" : " data-fresh=\"1\">\n");
    hidden(b, "code", v->code);
    hidden(b, "csrf", v->csrf);
    hidden(b, "lang", web_lang_code(v->lang));
    if (v->seed) {
        char seed[24];
        snprintf(seed, sizeof seed, "%llx", v->seed);
        hidden(b, "seed", seed);
    }
    if (v->page) {
        char page[24];
        snprintf(page, sizeof page, "%zu", v->page);
        hidden(b, "page", page);
        hidden(b, "pages", "1");
    }
    /* the language switch is a submit button so the answers given so far
     * come along and are shown again in the other language */
    util_buf_adds(b, "<div class=\"top\"><span>");
    html_esc(b, web_text(v->lang, WEB_T_SITE));
    util_buf_adds(b, "</span><span class=\"lang\"><input type=\"submit\" name=\"setlang\" value=\"");
    html_esc(b, web_text(v->lang, WEB_T_OTHER_LANG));
    util_buf_adds(b, "\" style=\"font:inherit;background:none;border:0;color:#0b5cad;"
                     "text-decoration:underline;cursor:pointer;padding:0\"></span></div>\n");
    util_buf_adds(b, "<div class=\"card\">\n<h1>");
    html_esc(b, title);
    util_buf_adds(b, "</h1>\n");
    if (v->page) {
        char *m = util_fmt(web_text(v->lang, WEB_T_PAGE_OF), v->page, v->npages);
        util_buf_addf(b, "<p class=\"progress\" id=\"progress\"><progress max=\"%zu\" value=\"%zu\">"
                         "</progress> ", v->npages, v->page);
        html_esc(b, m);
        util_buf_adds(b, "</p>\n");
        free(m);
    }
    /* a unit's self-assessment is the unit's, not anonymous: its own notice */
    util_buf_adds(b, f->role == FORM_ROLE_SELF ? "<p class=\"small\" id=\"self-notice\">"
                                               : "<p class=\"small\" id=\"anonymous\">");
    html_esc(b, web_text(v->lang, f->role == FORM_ROLE_SELF ? WEB_T_SELF_NOTICE : WEB_T_ANONYMOUS));
    if (asks_required(v)) {
        util_buf_adds(b, " ");
        html_esc(b, web_text(v->lang, WEB_T_REQUIRED_LEGEND));
    }
    util_buf_adds(b, "</p>\n");
    if (v->notice) {
        util_buf_adds(b, "<p class=\"notice\" id=\"notice\" role=\"alert\">");
        html_esc(b, v->notice);
        util_buf_adds(b, "</p>\n");
    }
    if (v->nerrors) {
        util_buf_adds(b, "<div class=\"problem\" id=\"problems\" role=\"alert\"><strong>");
        if (v->nerrors == 1)
            html_esc(b, web_text(v->lang, WEB_T_ERRORS_ONE));
        else {
            char *m = util_fmt(web_text(v->lang, WEB_T_ERRORS_MANY), v->nerrors);
            html_esc(b, m);
            free(m);
        }
        util_buf_adds(b, "</strong><ul>\n");
        for (size_t i = 0; i < f->nitems; i++) {
            if (!v->errors || !v->errors[i] || !on_page(v, i))
                continue;
            util_buf_adds(b, "<li><a href=\"#q-");
            html_esc(b, f->items[i].name);
            util_buf_adds(b, "\">");
            text_out(b, v, f->items[i].label, li);
            util_buf_adds(b, "</a>");
            util_buf_adds(b, lang_colon(v->lang));
            html_esc(b, v->errors[i]);
            util_buf_adds(b, "</li>\n");
        }
        for (size_t at = 0; v->rerr && at < f->nitems * FORM_MAX_INSTANCES; at++) {
            if (!v->rerr[at] || !on_page(v, at / FORM_MAX_INSTANCES))
                continue;
            const form_item_t *it = &f->items[at / FORM_MAX_INSTANCES];
            util_buf_adds(b, "<li><a href=\"#q-");
            html_esc(b, it->name);
            util_buf_addf(b, "#%zu\">", at % FORM_MAX_INSTANCES + 1);
            text_out(b, v, it->label, li);
            util_buf_addf(b, " (%zu)</a>", at % FORM_MAX_INSTANCES + 1);
            util_buf_adds(b, lang_colon(v->lang));
            html_esc(b, v->rerr[at]);
            util_buf_adds(b, "</li>\n");
        }
        util_buf_adds(b, "</ul></div>\n");
    }
    util_buf_adds(b, "</div>\n");
}

/* The questions of the page shown, in cards by group; the answers of the
 * others in hidden fields. */
static void form_items(util_buf_t *b, const web_form_view_t *v, int li)
{
    const form_t *f = v->form;
    int number = 0, open = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        if (!on_page(v, i)) {
            carry(b, v, i);
            if (it->type == FORM_BEGIN_REPEAT)
                while (f->items[i].type != FORM_END_REPEAT)
                    i++;
            if (form_item_answerable(it) && it->repeat < 0 && !it->read_only &&
                (int)i != v->fixed_pos)
                number++;   /* the numbers of a page follow those before it */
            continue;
        }
        if (it->type == FORM_BEGIN_GROUP) {
            util_buf_adds(b, "<div class=\"card group\" id=\"g-");
            html_esc(b, it->name);
            if (it->relevant_src) {
                util_buf_adds(b, "\" data-relevant=\"");
                html_esc(b, it->relevant_src);
            }
            util_buf_adds(b, "\">\n");
            if (*form_text(f, it->label, li)) {
                util_buf_adds(b, "<h2>");
                text_out(b, v, it->label, li);
                util_buf_adds(b, "</h2>\n");
            }
            open++;
        } else if (it->type == FORM_END_GROUP) {
            if (open > 0) {
                util_buf_adds(b, "</div>\n");
                open--;
            }
        } else if (it->type == FORM_CALCULATE) {
            continue;   /* computed from the answers, never asked */
        } else if (it->type == FORM_BEGIN_REPEAT) {
            i = render_repeat(b, v, i, li, &number);
        } else {
            /* top-level questions sit in cards of their own */
            if (!open)
                util_buf_adds(b, "<div class=\"card\">\n");
            /* a page shown the first time starts from the defaults; shown
             * again, from what was sent (an emptied default stays empty) */
            render_item(b, v, it, i, v->raw ? v->raw[i] : it->default_value,
                        v->errors ? v->errors[i] : NULL, li, &number);
            if (!open)
                util_buf_adds(b, "</div>\n");
        }
    }
    while (open-- > 0)
        util_buf_adds(b, "</div>\n");
}

/* Previous and next, or submit on the last page (or the one-page form). */
static void form_buttons(util_buf_t *b, const web_form_view_t *v)
{
    util_buf_adds(b, "<div class=\"card nav\"><p>");
    if (v->page > 1) {
        util_buf_adds(b, "<input class=\"btn back\" type=\"submit\" id=\"prev\" name=\"prev\" "
                         "value=\"");
        html_esc(b, web_text(v->lang, WEB_T_PREV));
        util_buf_adds(b, "\"> ");
    }
    if (v->page && v->page < v->last) {
        util_buf_adds(b, "<input class=\"btn\" type=\"submit\" id=\"next\" name=\"next\" value=\"");
        html_esc(b, web_text(v->lang, WEB_T_NEXT));
    } else {
        util_buf_adds(b, "<input class=\"btn\" type=\"submit\" id=\"send\" name=\"send\" value=\"");
        html_esc(b, web_text(v->lang, WEB_T_SUBMIT));
    }
    util_buf_adds(b, "\"></p></div>\n");
}

void web_page_form(util_buf_t *b, const web_form_view_t *v)
{
    const form_t *f = v->form;
    int li = form_lang(f, web_lang_code(v->lang));
    const char *title = form_title_in(f, li);
    if (!*title)
        title = f->form_id;
    head(b, v->lang, title);
    form_top(b, v, title, li);
    form_items(b, v, li);
    form_buttons(b, v);
    util_buf_adds(b, "</form>\n");
    if (v->script) {
        util_buf_adds(b, "<script src=\"");
        html_esc(b, v->script);
        util_buf_adds(b, "\"></script>\n");
    }
    tail(b);
}

/* ---- the survey console ---- */

/* A link to the console: the wave, then more of the query (may be ""). */
static void console_href(util_buf_t *b, const char *wave, const char *more)
{
    util_buf_adds(b, "/admin?");
    if (wave) {
        util_buf_adds(b, "wave=");
        html_url_esc(b, wave);
        util_buf_adds(b, "&amp;");
    }
    util_buf_adds(b, more);
}

/* The language switch, the time, the waves and the notes. */
static void console_top(util_buf_t *b, web_lang_t lang, const console_t *c)
{
    const char *h = web_text(lang, WEB_T_ADMIN_HEAD);
    util_buf_adds(b, "<div class=\"top\"><span>");
    html_esc(b, h);
    util_buf_adds(b, "</span><a class=\"lang\" href=\"");
    console_href(b, c->wave, lang == WEB_EN ? "lang=zh" : "lang=en");
    util_buf_adds(b, "\">");
    html_esc(b, web_text(lang, WEB_T_OTHER_LANG));
    util_buf_adds(b, "</a></div>\n<div class=\"card\">\n<h1>");
    html_esc(b, h);
    util_buf_adds(b, "</h1>\n<p class=\"small\" id=\"asof\">");
    char *m = util_fmt(web_text(lang, WEB_T_ADMIN_ASOF), c->asof);
    html_esc(b, m);
    free(m);
    if (c->open) {
        util_buf_adds(b, lang == WEB_EN ? ". " : "\xE3\x80\x82");   /* 。 */
        html_esc(b, web_text(lang, WEB_T_ADMIN_REFRESH));
    }
    util_buf_adds(b, "</p>\n");
    if (c->nwaves) {
        util_buf_adds(b, "<p class=\"waves\" id=\"waves\">");
        html_esc(b, web_text(lang, WEB_T_ADMIN_WAVE));
        util_buf_adds(b, lang == WEB_EN ? ": " : "\xEF\xBC\x9A");   /* ： */
        for (size_t i = 0; i < c->nwaves; i++) {
            if (c->waves[i] == c->wave) {
                util_buf_adds(b, "<strong>");
                html_esc(b, c->waves[i]);
                if (c->open) {
                    util_buf_adds(b, lang == WEB_EN ? " (" : "\xEF\xBC\x88");
                    html_esc(b, web_text(lang, WEB_T_ADMIN_OPEN));
                    util_buf_adds(b, lang == WEB_EN ? ")" : "\xEF\xBC\x89");
                }
                util_buf_adds(b, "</strong>");
                continue;
            }
            util_buf_adds(b, "<a href=\"");
            console_href(b, c->waves[i], lang == WEB_EN ? "lang=en" : "lang=zh");
            util_buf_adds(b, "\">");
            html_esc(b, c->waves[i]);
            util_buf_adds(b, "</a>");
        }
        util_buf_adds(b, "</p>\n");
    }
    if (c->wave && !c->open) {
        util_buf_adds(b, "<p class=\"notice\">");
        html_esc(b, web_text(lang, WEB_T_ADMIN_CLOSED));
        util_buf_adds(b, "</p>\n");
    }
    if (c->sealed) {
        util_buf_adds(b, "<p class=\"notice\" id=\"sealed\">");
        html_esc(b, web_text(lang, WEB_T_ADMIN_SEALED));
        util_buf_adds(b, "</p>\n");
    }
    m = util_fmt(web_text(lang, WEB_T_ADMIN_NOTE), c->min_n - 1, c->min_n);
    util_buf_adds(b, "<p class=\"small\">");
    html_esc(b, m);
    util_buf_adds(b, "</p>\n");
    free(m);
    if (c->has_self && c->wave) {
        m = util_fmt(web_text(lang, WEB_T_ADMIN_SELF), c->self_title, c->self_filled, c->nunits);
        util_buf_adds(b, "<p id=\"self\">");
        html_esc(b, m);
        util_buf_adds(b, "</p>\n");
        free(m);
    }
}

/* One row of a form's table: a unit (u >= 0), CONSOLE_NOUNIT or CONSOLE_TOTAL. */
static void console_row(util_buf_t *b, web_lang_t lang, const console_t *c,
                        const console_form_t *f, long u, util_buf_t *cell)
{
    const int zh = lang == WEB_ZH;
    const char *td = u == CONSOLE_TOTAL ? "th" : "td";
    int ns = u >= 0 && !f->counts[u].hidden && f->counts[u].responses == 0;
    util_buf_addf(b, "<tr%s><%s>", ns ? " class=\"ns\"" : "", td);
    if (u >= 0) {
        html_esc(b, c->units[u].code);
        util_buf_adds(b, " ");
        html_esc(b, c->units[u].name);
    } else {
        html_esc(b, u == CONSOLE_TOTAL ? web_text(lang, WEB_T_ADMIN_TOTAL) : console_nounit(zh));
    }
    util_buf_addf(b, "</%s>", td);
    for (int col = 0; col < CONSOLE_NCOLS; col++) {
        if (col == CONSOLE_SELF && !c->has_self)
            continue;
        util_buf_reset(cell);
        console_cell(c, f, u, (console_col_t)col, zh, cell);
        int hid = ((u >= 0 && f->counts[u].hidden) || (u == CONSOLE_TOTAL && f->total_small)) &&
                  (col == CONSOLE_RESPONSES || col == CONSOLE_RATE_HEAD ||
                   col == CONSOLE_RATE_INVITED);
        int text = col == CONSOLE_SELF || col == CONSOLE_STATUS;
        util_buf_addf(b, "<%s class=\"%s\">", td, hid ? "n hid" : text ? "t" : "n");
        if (cell->len)
            html_esc(b, cell->s);
        else
            util_buf_adds(b, "&ndash;");
        util_buf_addf(b, "</%s>", td);
    }
    util_buf_adds(b, "</tr>\n");
}

static void console_form(util_buf_t *b, web_lang_t lang, const console_t *c,
                         const console_form_t *f)
{
    util_buf_t cell = {0};
    util_buf_adds(b, "<div class=\"card\">\n<h2>");
    html_esc(b, f->title);
    util_buf_adds(b, "</h2>\n<p>");
    char *m = util_fmt(web_text(lang, WEB_T_ADMIN_STARTED), f->started, c->nunits,
                       c->nunits - f->started);
    html_esc(b, m);
    free(m);
    util_buf_adds(b, "</p>\n<div class=\"scroll\"><table class=\"adm\" id=\"t-");
    html_esc(b, f->form_id);
    util_buf_adds(b, "\">\n<tr><th>");
    html_esc(b, web_text(lang, WEB_T_ADMIN_UNIT));
    util_buf_adds(b, "</th>");
    for (int col = 0; col < CONSOLE_NCOLS; col++) {
        if (col == CONSOLE_SELF && !c->has_self)
            continue;
        util_buf_adds(b, "<th>");
        html_esc(b, console_col_name((console_col_t)col, lang == WEB_ZH));
        util_buf_adds(b, "</th>");
    }
    util_buf_adds(b, "</tr>\n");
    for (size_t u = 0; u < c->nunits; u++)
        console_row(b, lang, c, f, (long)u, &cell);
    if (f->invited_nounit > 0)
        console_row(b, lang, c, f, CONSOLE_NOUNIT, &cell);
    console_row(b, lang, c, f, CONSOLE_TOTAL, &cell);
    util_buf_adds(b, "</table></div>\n</div>\n");
    util_buf_free(&cell);
}

void web_page_console(util_buf_t *b, web_lang_t lang, const console_t *c)
{
    head_full(b, lang, web_text(lang, WEB_T_ADMIN_HEAD), c->open ? 60 : 0, 1);
    console_top(b, lang, c);
    web_text_t empty = !c->wave ? WEB_T_ADMIN_NONE : !c->nunits ? WEB_T_ADMIN_NO_UNITS
                     : !c->nforms ? WEB_T_ADMIN_NO_FORMS : WEB_T_COUNT;
    if (empty != WEB_T_COUNT) {
        util_buf_adds(b, "<p class=\"notice\" id=\"empty\">");
        html_esc(b, web_text(lang, empty));
        util_buf_adds(b, "</p>\n");
    }
    util_buf_adds(b, "</div>\n");
    if (empty != WEB_T_COUNT) {
        tail(b);
        return;
    }
    for (size_t i = 0; i < c->nforms; i++)
        console_form(b, lang, c, &c->forms[i]);
    util_buf_adds(b, "<p><a id=\"csv\" href=\"");
    console_href(b, c->wave, lang == WEB_EN ? "format=csv&amp;lang=en" : "format=csv&amp;lang=zh");
    util_buf_adds(b, "\">");
    html_esc(b, web_text(lang, WEB_T_ADMIN_CSV));
    util_buf_adds(b, "</a></p>\n");
    tail(b);
}
