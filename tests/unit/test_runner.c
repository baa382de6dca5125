/*
 * Unit tests for survey/runner: the terminal layout (wrapping by display
 * width with Chinese line-breaking rules, cutting with an ellipsis, every
 * item of both shipped questionnaires rendered at widths from 20 to 200
 * columns without a line wider than the terminal, the rating scale on one
 * line at 80), typed choices by name or position, and a session against a
 * real store: relevance deciding what is asked, an answer that makes a
 * later one irrelevant dropping it from memory and from the draft, a
 * refused answer keeping the old one, resuming a draft, submitting.
 * Runs from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/runner.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The widest line of text, in display columns (*which: a copy of it). */
static size_t widest(const char *text, char **which)
{
    size_t w = 0;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *line = strndup(p, n);
        size_t lw = util_utf8_width(line);
        if (lw > w) {
            w = lw;
            free(*which);
            *which = line;
        } else {
            free(line);
        }
        p += n + (e ? 1 : 0);
    }
    return w;
}

static void test_wrap(void **state)
{
    (void)state;
    static const struct { const char *prefix, *text; size_t width, indent; const char *want; } cases[] = {
        {NULL, "one two three", 80, 0, "one two three\n"},
        {NULL, "one two three", 9, 0, "one two\nthree\n"},
        {"[1/9] ", "one two three four", 14, 6, "[1/9] one two\n      three\n      four\n"},
        /* CJK breaks between characters: 8 columns usable in width 9 */
        {NULL, "本单位领导班子", 9, 0, "本单位领\n导班子\n"},
        /* a closing mark never starts a line: "，" moves down with "导" */
        {NULL, "本单位领，导班", 9, 0, "本单位\n领，导班\n"},
        /* an opening quote never ends one */
        {NULL, "本单位“领导”", 9, 0, "本单位\n“领导”\n"},
        /* words are not split when they fit a line */
        {NULL, "单位 Party office", 11, 2, "单位 Party\n  office\n"},
        /* a word longer than the line is cut */
        {NULL, "abcdefghijkl", 6, 0, "abcde\nfghij\nkl\n"},
        {NULL, "line\nnext", 80, 2, "line\n  next\n"},
        /* a no-break space holds "q 退出" together and prints as a space */
        {NULL, "返回上一题，q\xC2\xA0退出", 13, 0, "返回上一题，\nq 退出\n"},
        {NULL, "", 80, 0, "\n"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        util_buf_t b = {0};
        run_wrap(&b, cases[i].prefix, cases[i].text, cases[i].width, cases[i].indent);
        if (strcmp(b.s, cases[i].want) != 0)
            fail_msg("[%zu] wrap(\"%s\", %zu):\n%s\nwant:\n%s", i, cases[i].text,
                     cases[i].width, b.s, cases[i].want);
        util_buf_free(&b);
    }
}

static void test_fit(void **state)
{
    (void)state;
    static const struct { const char *s; size_t width; int ascii; const char *want; } cases[] = {
        {"short", 10, 0, "short"},
        {"市委网络安全和信息化委员会办公室", 10, 0, "市委网络\xE2\x80\xA6"},
        {"市委网络安全和信息化委员会办公室", 10, 1, "市委网..."},
        {"Organization Department", 12, 1, "Organizat..."},
        {"two\nlines", 20, 0, "two lines"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *got = run_fit(cases[i].s, cases[i].width, cases[i].ascii);
        if (strcmp(got, cases[i].want) != 0 || util_utf8_width(got) > cases[i].width)
            fail_msg("[%zu] fit(\"%s\", %zu) = \"%s\", want \"%s\"", i, cases[i].s,
                     cases[i].width, got, cases[i].want);
        free(got);
    }
}

static form_t *load(const char *path)
{
    form_t *f = NULL;
    util_diag_t d = {0};
    if (form_load_file(path, &f, &d) != 0)
        fail_msg("%s does not load: %s", path, d.n ? d.msgs[0] : "?");
    util_diag_free(&d);
    return f;
}

static void test_choice(void **state)
{
    (void)state;
    form_t *f = load("questionnaires/staff-opinion.csv");
    const form_list_t *agree = &f->lists[f->items[form_item_index(f, "po1")].list];
    const form_list_t *yesno = &f->lists[f->items[form_item_index(f, "party")].list];
    const form_list_t *units = &f->lists[f->items[form_item_index(f, "unit")].list];
    assert_true(run_is_scale(agree));
    assert_false(run_is_scale(yesno));
    assert_false(run_is_scale(units));
    assert_int_equal(run_choice(agree, "4"), 3);
    assert_int_equal(run_choice(agree, " 4 "), 3);
    assert_int_equal(run_choice(agree, "4.0"), 3);
    assert_int_equal(run_choice(agree, "\xEF\xBC\x94"), 3);   /* full-width ４ */
    assert_int_equal(run_choice(agree, "6"), -1);
    assert_int_equal(run_choice(agree, "0"), -1);
    assert_int_equal(run_choice(yesno, "1"), 0);                /* position */
    assert_int_equal(run_choice(yesno, "no"), 1);               /* name */
    assert_int_equal(run_choice(yesno, "3"), -1);
    assert_int_equal(run_choice(yesno, "Yes"), -1);             /* names are exact */
    assert_int_equal(run_choice(units, "U07"), 6);
    assert_int_equal(run_choice(units, "7"), 6);
    assert_int_equal(run_choice(units, "40"), 39);
    assert_int_equal(run_choice(units, "41"), -1);
    form_free(f);
}

/* Every item of both shipped forms, both languages, UTF-8 and ASCII, at
 * widths 20..200: no line reaches the terminal's last column. */
static void test_render_widths(void **state)
{
    (void)state;
    const char *paths[] = {"questionnaires/staff-opinion.csv",
                           "questionnaires/five-type-self-assessment.csv"};
    const char *langs[] = {"zh", "en"};
    for (size_t p = 0; p < N_OF(paths); p++) {
        form_t *f = load(paths[p]);
        for (size_t l = 0; l < N_OF(langs); l++)
            for (int ascii = 0; ascii <= 1; ascii++)
                for (size_t w = 20; w <= 200; w += (w < 100 ? 1 : 20)) {
                    /* unit 1: the unit question is not looked up in a store */
                    run_cfg_t cfg = {NULL, f, 1, 1, 1, NULL, NULL, langs[l], ascii, 0, NULL};
                    run_t *r;
                    assert_int_equal(run_new(&cfg, &r, NULL), 0);
                    util_buf_t b = {0};
                    util_buf_adds(&b, "");
                    run_render_intro(r, w, &b);
                    for (size_t i = 0; i < f->nitems; i++)
                        if (run_shown(r, (int)i)) {
                            /* unanswered, then with the longest answer */
                            run_render_item(r, (int)i, w, 24, &b);
                            run_render_prompt(r, (int)i, w, &b);
                            util_buf_addc(&b, '\n');
                            const form_item_t *it = &f->items[i];
                            err_t m = {0};
                            const char *v = it->type == FORM_INTEGER ? "50"
                                : it->type == FORM_TEXT ? "本单位对明察暗访和办不成事窗口反映的问题"
                                                          "整改到位，需要进一步加强督查督办"
                                : it->list >= 0 ? f->lists[it->list].choices[f->lists[it->list].nchoices - 1].name
                                : "";
                            if (form_item_answerable(it) && run_answer(r, (int)i, v, &m) != 0)
                                fail_msg("%s: %s", it->name, m.msg);
                            run_render_item(r, (int)i, w, 24, &b);
                            run_render_help(r, (int)i, w, &b);
                            run_render_prompt(r, (int)i, w, &b);
                            util_buf_addc(&b, '\n');
                            run_render_entry_prompt(r, (int)i, w, &b);
                            util_buf_addc(&b, '\n');
                        }
                    run_render_summary(r, w, &b);
                    char *line = NULL;
                    size_t got = widest(b.s, &line);
                    if (got > w - 1)
                        fail_msg("%s %s ascii=%d width %zu: a line of %zu columns: '%s'",
                                 paths[p], langs[l], ascii, w, got, line);
                    free(line);
                    util_buf_free(&b);
                    run_free(r);
                }
        form_free(f);
    }
}

static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return 1;
    return 0;
}

static void test_scale_one_line(void **state)
{
    (void)state;
    form_t *f = load("questionnaires/staff-opinion.csv");
    int po1 = form_item_index(f, "po1");
    static const struct { const char *lang; size_t width; const char *line; } cases[] = {
        {"zh", 80, "  1 非常不同意   2 不同意   3 一般   4 同意   5 非常同意"},
        {"en", 80, "  1 Strongly disagree   2 Disagree   3 Neutral   4 Agree   5 Strongly agree"},
        {"en", 74, "  1 Strongly disagree  2 Disagree  3 Neutral  4 Agree  5 Strongly agree"},
        {"en", 50, "  1 Strongly disagree  2  3  4  5 Strongly agree"},
        {"zh", 40, "  1 非常不同意  2  3  4  5 非常同意"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        run_cfg_t cfg = {NULL, f, 1, 1, 0, NULL, NULL, cases[i].lang, 0, 0, NULL};
        run_t *r;
        assert_int_equal(run_new(&cfg, &r, NULL), 0);
        util_buf_t b = {0};
        run_render_item(r, po1, cases[i].width, 24, &b);
        if (!has_line(b.s, cases[i].line))
            fail_msg("[%zu] %s at %zu:\n%s\nwant the line:\n%s", i, cases[i].lang,
                     cases[i].width, b.s, cases[i].line);
        util_buf_free(&b);
        run_free(r);
    }
    form_free(f);
}

/* ---- a session against a real store ---- */

static const char mini[] =
    "survey,,,,,,\n"
    ",type,name,label,relevant,constraint,required\n"
    ",select_one units,unit,Unit,,,yes\n"
    ",note,hello,Hello,,,\n"
    ",select_one agree3,a,A,,,\n"
    ",text,why,Why,${a} = 1,,\n"
    ",integer,n,N,,. >= 0 and . <= 9,\n"
    ",select_multiple topics,t,Topics,,,\n"
    "choices,,,,,,\n"
    ",list_name,name,label,,,\n"
    ",units,U1,One,,,\n"
    ",units,U2,Two,,,\n"
    ",agree3,1,No,,,\n"
    ",agree3,2,Maybe,,,\n"
    ",agree3,3,Yes,,,\n"
    ",topics,x,X,,,\n"
    ",topics,y,Y,,,\n"
    "settings,,,,,,\n"
    ",form_id,version,role,unit_field,,\n"
    ",mini,1,staff,unit,,\n";

typedef struct {
    char path[64];
    store_t *s;
    form_t *f;
    int form_row, wave;
} fx_t;

static int setup(void **state)
{
    fx_t *x = calloc(1, sizeof *x);
    err_t err = {0};
    util_diag_t d = {0};
    int existed;
    snprintf(x->path, sizeof x->path, "/tmp/test_runner_%ld.db", (long)getpid());
    unlink(x->path);
    if (store_open(x->path, 1, &x->s, &err) != 0 ||
        form_load_mem("mini.csv", mini, strlen(mini), &x->f, &d) != 0 ||
        store_form_add(x->s, x->f, &x->form_row, &existed, &err) != 0)
        fail_msg("setup: %s", err.msg ? err.msg : d.n ? d.msgs[0] : "?");
    store_unit_t u1 = {0, "U1", "One", NULL, NULL, -1, 0};
    if (store_unit_put(x->s, &u1, &err) != 0 || store_wave_current(x->s, 1, &x->wave, &err) != 0)
        fail_msg("setup: %s", err.msg);
    util_diag_free(&d);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx_t *x = *state;
    store_close(x->s);
    form_free(x->f);
    char wal[80];
    unlink(x->path);
    snprintf(wal, sizeof wal, "%s-wal", x->path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", x->path);
    unlink(wal);
    free(x);
    return 0;
}

typedef struct {
    int n;
    char text[8][32];
    int pos[8];
} drafted_t;

static int draft_cb(void *ud, int pos, const char *text)
{
    drafted_t *d = ud;
    if (d->n < 8) {
        d->pos[d->n] = pos;
        snprintf(d->text[d->n], sizeof d->text[d->n], "%s", text);
        d->n++;
    }
    return 0;
}

static void test_session(void **state)
{
    fx_t *x = *state;
    const char *key = "run:mini:any";
    run_cfg_t cfg = {x->s, x->f, x->form_row, x->wave, 0, NULL, key, "en", 0, 0, NULL};
    run_t *r;
    err_t msg = {0};
    assert_int_equal(run_new(&cfg, &r, &msg), 0);
    int unit = form_item_index(x->f, "unit"), note = form_item_index(x->f, "hello"),
        a = form_item_index(x->f, "a"), why = form_item_index(x->f, "why"),
        n = form_item_index(x->f, "n"), t = form_item_index(x->f, "t");
    int total;
    /* the walk: unit, the note, a; why only when a = 1 */
    assert_int_equal(run_next(r, -1), unit);
    assert_int_equal(run_next(r, unit), note);
    assert_int_equal(run_next(r, note), a);
    assert_int_equal(run_next(r, a), n);
    assert_int_equal(run_number(r, a, &total), 2);
    assert_int_equal(total, 5);
    /* the unit is required and must be known to the store */
    assert_int_equal(run_answer(r, unit, "", &msg), 1);
    assert_string_equal(msg.msg, "This question must be answered.");
    err_clear(&msg);
    assert_int_equal(run_answer(r, unit, "2", &msg), 1);   /* U2: a choice, not a unit */
    assert_non_null(strstr(msg.msg, "not in the database"));
    err_clear(&msg);
    assert_int_equal(run_answer(r, unit, "1", &msg), 0);
    assert_string_equal(ans_get(run_answers(r), (size_t)unit), "U1");
    /* a = 1 opens why; answering it, then a = 3 drops it, in memory and in the draft */
    assert_int_equal(run_answer(r, a, "1", &msg), 0);
    assert_int_equal(run_next(r, a), why);
    assert_int_equal(run_answer(r, why, "because", &msg), 0);
    drafted_t d = {0};
    store_draft_t dr;
    assert_int_equal(store_draft_get(x->s, key, &dr, draft_cb, &d, NULL), 0);
    assert_int_equal(d.n, 3);
    assert_int_equal(run_answer(r, a, "3", &msg), 0);
    assert_null(ans_get(run_answers(r), (size_t)why));
    assert_int_equal(run_next(r, a), n);
    memset(&d, 0, sizeof d);
    assert_int_equal(store_draft_get(x->s, key, &dr, draft_cb, &d, NULL), 0);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.pos[1], a);
    assert_string_equal(d.text[1], "3");
    /* a refused constraint keeps the old answer */
    assert_int_equal(run_answer(r, n, "4", &msg), 0);
    assert_int_equal(run_answer(r, n, "12", &msg), 1);
    assert_non_null(strstr(msg.msg, ". >= 0 and . <= 9"));
    err_clear(&msg);
    assert_string_equal(ans_get(run_answers(r), (size_t)n), "4");
    assert_int_equal(run_answer(r, n, "x", &msg), 1);
    assert_string_equal(msg.msg, "'x' is not a whole number");
    err_clear(&msg);
    /* select_multiple by positions and names, commas or spaces */
    assert_int_equal(run_answer(r, t, "2, x", &msg), 0);
    assert_string_equal(ans_get(run_answers(r), (size_t)t), "y x");
    assert_int_equal(run_answer(r, t, "1 3", &msg), 1);
    err_clear(&msg);
    assert_int_equal(run_move(r, t, &msg), 0);
    run_free(r);

    /* a new session finds the draft where it stopped */
    assert_int_equal(run_new(&cfg, &r, &msg), 0);
    int cursor = -1;
    assert_int_equal(run_draft_load(r, &cursor, &msg), 0);
    assert_int_equal(cursor, t);
    assert_int_equal(run_count_answered(r), 4);
    assert_string_equal(ans_get(run_answers(r), (size_t)t), "y x");
    int bad;
    assert_int_equal(run_check(r, &bad, &msg), 0);
    long id = 0;
    assert_int_equal(run_submit(r, "terminal", NULL, &id, &msg), 0);
    assert_true(id > 0);
    assert_int_equal(store_draft_get(x->s, key, &dr, NULL, NULL, NULL), 1);
    run_free(r);
}

/* A draft made with an invitation code: one encrypted box, no answer in
 * clear; the same code opens it in a new session, another does not. */
static void test_encrypted_draft(void **state)
{
    fx_t *x = *state;
    const char *key = "run:mini:token:x";
    run_cfg_t cfg = {x->s, x->f, x->form_row, x->wave, 0, NULL, key, "en", 0, 0,
                     "ABCD1234EFGH5678"};
    run_t *r;
    err_t msg = {0};
    int unit = form_item_index(x->f, "unit"), a = form_item_index(x->f, "a"),
        why = form_item_index(x->f, "why");
    assert_int_equal(run_new(&cfg, &r, &msg), 0);
    assert_int_equal(run_answer(r, unit, "1", &msg), 0);
    assert_int_equal(run_answer(r, a, "1", &msg), 0);
    assert_int_equal(run_answer(r, why, "secret words", &msg), 0);
    run_free(r);
    drafted_t d = {0};
    store_draft_t dr;
    assert_int_equal(store_draft_get(x->s, key, &dr, draft_cb, &d, NULL), 0);
    assert_int_equal(d.n, 0);
    unsigned char *box = NULL;
    size_t n = 0;
    assert_int_equal(store_draft_box_get(x->s, key, &box, &n, NULL), 0);
    for (size_t i = 0; i + 12 <= n; i++)
        assert_int_not_equal(memcmp(box + i, "secret words", 12), 0);
    free(box);

    int cursor;
    assert_int_equal(run_new(&cfg, &r, &msg), 0);
    assert_int_equal(run_draft_load(r, &cursor, &msg), 0);
    assert_string_equal(ans_get(run_answers(r), (size_t)why), "secret words");
    run_free(r);
    cfg.draft_secret = "ZZZZ1234EFGH5678";
    assert_int_equal(run_new(&cfg, &r, &msg), 0);
    assert_int_equal(run_draft_load(r, &cursor, &msg), -1);
    assert_string_equal(msg.msg, "the saved draft cannot be read with this code");
    err_clear(&msg);
    assert_int_equal(run_count_answered(r), 0);
    run_free(r);
}

static void test_unit_prefill(void **state)
{
    fx_t *x = *state;
    run_cfg_t cfg = {x->s, x->f, x->form_row, x->wave, 1, "U1", NULL, "zh", 0, 0, NULL};
    run_t *r;
    err_t msg = {0};
    assert_int_equal(run_new(&cfg, &r, &msg), 0);
    int unit = form_item_index(x->f, "unit");
    assert_false(run_shown(r, unit));
    assert_string_equal(ans_get(run_answers(r), (size_t)unit), "U1");
    int total;
    run_number(r, form_item_index(x->f, "a"), &total);
    assert_int_equal(total, 4);
    assert_int_equal(run_answer(r, form_item_index(x->f, "a"), "9", &msg), 1);
    assert_string_equal(msg.msg, "“9”不是可选的答案（1-3）");
    err_clear(&msg);
    run_reset(r);
    assert_string_equal(ans_get(run_answers(r), (size_t)unit), "U1");
    run_free(r);
    cfg.unit_code = "U9";
    assert_int_equal(run_new(&cfg, &r, &msg), -1);
    assert_non_null(strstr(msg.msg, "'U9' is not a choice"));
    err_clear(&msg);
}

/* The draft key says what started the session and nothing else: a
 * batch, else a token, else the session's own resume key; entry or run.
 * A unit never names a draft (two people of one unit must not share one),
 * and there is no key for none of them. */
static void test_draft_base(void **state)
{
    (void)state;
    struct {
        int entry, pass;
        const char *batch, *token, *session, *want;
    } cases[] = {
        {1, 2, "box1", NULL, "K7QM3XPA9TREH2WD", "entry:f:batch:box1:2"},
        {0, 0, NULL, "CODE1234", NULL, "run:f:token:"},
        {0, 0, NULL, NULL, "K7QM3XPA9TREH2WD", "run:f:session:"},
        {1, 0, NULL, NULL, "K7QM3XPA9TREH2WD", "entry:f:session:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *k = run_draft_base("f", cases[i].entry, cases[i].batch, cases[i].pass,
                                 cases[i].token, cases[i].session);
        const char *secret = cases[i].token ? cases[i].token : cases[i].session;
        if (!cases[i].batch) {
            /* named by a derivation of the code or key, not by it or its hash */
            assert_int_equal(strncmp(k, cases[i].want, strlen(cases[i].want)), 0);
            assert_int_equal(strlen(k), strlen(cases[i].want) + 64);
            assert_null(strstr(k, secret));
        } else {
            assert_string_equal(k, cases[i].want);
        }
        free(k);
    }
    /* two sessions' keys name two drafts */
    char *a = run_draft_base("f", 0, NULL, 0, NULL, "AAAA2222BBBB3333");
    char *b = run_draft_base("f", 0, NULL, 0, NULL, "AAAA2222BBBB3334");
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    assert_null(run_draft_base("f", 0, NULL, 0, NULL, NULL));
}

TEST_MAIN(
    cmocka_unit_test(test_wrap),
    cmocka_unit_test(test_fit),
    cmocka_unit_test(test_choice),
    cmocka_unit_test(test_render_widths),
    cmocka_unit_test(test_scale_one_line),
    cmocka_unit_test(test_draft_base),
    cmocka_unit_test_setup_teardown(test_session, setup, teardown),
    cmocka_unit_test_setup_teardown(test_unit_prefill, setup, teardown),
    cmocka_unit_test_setup_teardown(test_encrypted_draft, setup, teardown))
