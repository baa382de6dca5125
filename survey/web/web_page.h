/*
 * web_page: the HTML pages of `gapsurvey serve` — the code page, a
 * questionnaire as a plain HTML form, the thank-you page, message pages and
 * the survey console — in Chinese or English.  Pages are built into a
 * util_buf_t and work without any script or external file: old intranet
 * browsers and phones get the same page.
 *
 * Every text that came from outside (answers, codes, form labels) goes
 * through html_esc() (base/html.h) before it is written; nothing here builds markup from
 * unescaped input.  Nothing here touches the network or the store.
 */
#ifndef GS_WEB_PAGE_H
#define GS_WEB_PAGE_H

#include <stddef.h>

#include "survey/answers.h"
#include "survey/form.h"
#include "survey/web/console.h"
#include "base/util.h"

typedef enum { WEB_ZH = 0, WEB_EN = 1 } web_lang_t;

/* The fixed texts of the pages, each in both languages (web_text). */
typedef enum {
    WEB_T_SITE,
    WEB_T_CODE_HEAD,
    WEB_T_CODE_HELP,
    WEB_T_CODE_LABEL,
    WEB_T_CODE_START,
    WEB_T_ANONYMOUS,
    WEB_T_UNKNOWN_HEAD,
    WEB_T_UNKNOWN_TEXT,
    WEB_T_CLOSED_HEAD,
    WEB_T_CLOSED_TEXT,
    WEB_T_ERRORS_ONE,
    WEB_T_ERRORS_MANY,     /* printf format with one %zu */
    WEB_T_REQUIRED,
    WEB_T_BAD_CHOICE,
    WEB_T_BAD_INTEGER,
    WEB_T_BAD_DECIMAL,
    WEB_T_BAD_CONSTRAINT,
    WEB_T_BAD_TEXT,
    WEB_T_SUBMIT,
    WEB_T_THANKS_HEAD,
    WEB_T_THANKS_TEXT,
    WEB_T_EXPIRED_FORM,
    WEB_T_EXPIRED_CODE,
    WEB_T_STORE_FAILED,
    WEB_T_TOO_BIG_HEAD,
    WEB_T_TOO_BIG_TEXT,
    WEB_T_BUSY_HEAD,
    WEB_T_BUSY_TEXT,
    WEB_T_NOT_FOUND_HEAD,
    WEB_T_NOT_FOUND_TEXT,
    WEB_T_BAD_REQUEST_HEAD,
    WEB_T_BAD_REQUEST_TEXT,
    WEB_T_SERVER_HEAD,
    WEB_T_SERVER_TEXT,
    WEB_T_FORBIDDEN_HEAD,
    WEB_T_FORBIDDEN_TEXT,
    WEB_T_ADMIN_SECRET,
    WEB_T_ADMIN_SIGNIN,
    WEB_T_REQUIRED_LEGEND,
    WEB_T_CHOOSE,
    WEB_T_BACK,
    WEB_T_OTHER_LANG,      /* the name of the other language, in it */
    WEB_T_ADMIN_HEAD,
    WEB_T_ADMIN_NOTE,      /* printf format with two %ld: min_n - 1, min_n */
    WEB_T_ADMIN_WAVE,
    WEB_T_ADMIN_UNIT,
    WEB_T_ADMIN_TOTAL,
    WEB_T_ADMIN_NONE,
    WEB_T_ADMIN_ASOF,      /* printf format with one %s: the time */
    WEB_T_ADMIN_REFRESH,
    WEB_T_ADMIN_OPEN,
    WEB_T_ADMIN_CLOSED,
    WEB_T_ADMIN_SEALED,
    WEB_T_ADMIN_STARTED,   /* printf format with three %zu: started, units, not started */
    WEB_T_ADMIN_SELF,      /* printf format: %s the self form's title, %zu filled, %zu units */
    WEB_T_ADMIN_CSV,
    WEB_T_ADMIN_NO_UNITS,
    WEB_T_ADMIN_NO_FORMS,
    WEB_T_ADMIN_NO_WAVE,
    WEB_T_SELF_NOTICE,     /* the self-assessment's notice instead of WEB_T_ANONYMOUS */
    WEB_T_BAD_DATE,
    WEB_T_BAD_RANK,
    WEB_T_RANK_PLACE,      /* printf format with one %zu: "Place %zu" */
    WEB_T_REPEAT_ADD,
    WEB_T_REPEAT_REMOVE,
    WEB_T_PAGE_OF,         /* printf format with two %zu: "Page 3 of 9" */
    WEB_T_PREV,
    WEB_T_NEXT,
    WEB_T_COUNT
} web_text_t;

const char *web_text(web_lang_t lang, web_text_t id);
/* "zh" for WEB_ZH, "en" for WEB_EN: the language as form_lang() takes it. */
const char *web_lang_code(web_lang_t lang);

/* The questionnaire page.  raw and errors are indexed by item position
 * (NULL = nothing); raw holds what the respondent sent, valid or not, so a
 * page shown again keeps every answer as given. */
typedef struct {
    const form_t *form;
    web_lang_t lang;
    const char *code;          /* the invitation code, carried in a hidden field */
    const char *csrf;
    char *const *raw;
    char *const *errors;
    size_t nerrors;
    int fixed_pos;             /* item answered by the invitation itself (the unit), -1 none */
    const char *fixed_text;    /* what to show for it instead of a question */
    const char *notice;        /* a message above the form, or NULL */
    const char *script;        /* URL of the optional live script, or NULL */
    const ans_t *ans;          /* the answers so far, for ${name} in labels; NULL: none */
    unsigned long long seed;   /* this respondent's order of randomized choices (a hidden
                                  field carries it to the next page); 0 none */
    /* repeats: instances on the page by begin_repeat position (NULL: the
     * first showing, none, or repeat_count's), and what was sent and what
     * is wrong per question and instance, at [pos * FORM_MAX_INSTANCES + k].
     * An instance's fields are named q_NAME#K (K from 1). */
    const size_t *ninst;
    char *const *rraw;
    char *const *rerr;
    /* the paged form (phones): the page shown (1-based; 0: the whole form on
     * one page), how many there are, and each item's (web_pages) */
    size_t page, npages;
    const size_t *page_of;
    size_t last;               /* the last page with a relevant question: it submits */
} web_form_view_t;

/* The pages of the paged form: each top-level group or repeat is a page,
 * and the top-level questions between groups share one; the item at fixed
 * (the unit from the invitation, shown not asked; -1 none) opens none.
 * Sets page_of[pos] (1-based) for every item; returns the number of pages. */
size_t web_pages(const form_t *f, int fixed, size_t *page_of);
void web_page_form(util_buf_t *b, const web_form_view_t *v);

/* The page that asks for the code; problem_head/text (may be NULL) say why
 * the last code was refused; code is put back into the field. */
void web_page_code(util_buf_t *b, web_lang_t lang, const char *csrf, const char *code,
                   const char *problem_head, const char *problem_text);
/* self: the form was a unit's self-assessment (no anonymity line). */
void web_page_thanks(util_buf_t *b, web_lang_t lang, const char *form_title, int self);
/* A page with one heading and one paragraph and a link back to the code page. */
void web_page_message(util_buf_t *b, web_lang_t lang, const char *head, const char *text);
/* The admin sign-in page: the secret is posted (never put in an address),
 * and a session cookie comes back. */
void web_page_login(util_buf_t *b, web_lang_t lang, const char *csrf);

/* The survey console (survey/web/console.h): every unit's counts for the
 * wave c->wave, the links to the other waves and to the CSV, an "as of"
 * time, and a plain meta refresh every minute while the wave is open. */
void web_page_console(util_buf_t *b, web_lang_t lang, const console_t *c);

/* The optional script that hides questions that are not relevant yet
 * (web_live.c); the pages work the same without it. */
extern const char web_live_js[];

#endif
