/*
 * run: the terminal runner.  Three ways in, one session model (runner.c):
 *
 *  - a respondent at a kiosk or over ssh (stdin is a terminal): one item
 *    at a time, every accepted answer saved to a draft before the next is
 *    shown, "Resume? [Y/n]" after a crash or a closed terminal, a summary
 *    and "Submit? [Y/n]" at the end;
 *  - a script (stdin is not a terminal): one line per item that would be
 *    asked, all or nothing, so other programs and tests can drive it;
 *  - data entry of paper questionnaires (--entry): one line per item, the
 *    next questionnaire without leaving, and double entry (--verify BATCH)
 *    where the second keying is compared with the first as EpiData does.
 *
 * Plain canonical-mode line reading is used on purpose: every key of the
 * protocol is typed and then Enter, it works the same over ssh, on a
 * serial console and under a pty, and the terminal's own line editing
 * (backspace over a Chinese character included) keeps working.
 *
 * Anonymity (DESIGN.md section 4): on a staff (anonymous) form nothing
 * shown or stored links the respondent, the token or the time of day to
 * the response: the draft of a token is named by one derivation of the
 * code and encrypted under another (seal.h), and is deleted in the
 * transaction that stores the response, after which the store leaves no
 * earlier version in any file (store.c); the response keeps the ISO week
 * only; and the response id is not shown: ids are random, but anyone who
 * noted "response 12" next to a person could still find that person's
 * answers.
 * A self-assessment (role self) is not anonymous and its id is printed.
 */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/runner.h"
#include "survey/seal.h"
#include "survey/token.h"

static const char usage[] = N_(
    "usage: gapsurvey run FORM [--unit U | --token CODE | --resume KEY] [--lang zh|en]\n"
    "       gapsurvey run FORM --entry [--unit U] [--verify BATCH | --resume KEY]\n"
    "\n"
    "Answers the newest version of questionnaire FORM in the terminal.  The\n"
    "unit is --unit, the unit of an invitation code (--token, used up on\n"
    "submission), or the answer to the form's unit question.  Each answer is\n"
    "saved as it is given, in a draft that belongs to this session alone:\n"
    "with --token (or --verify) the same command finds it again; otherwise\n"
    "the session shows a resume key when it starts and when it is left, and\n"
    "only --resume KEY continues it (another person at the same terminal, even\n"
    "of the same unit, starts afresh).  Keys: type the answer and Enter; Enter\n"
    "alone keeps the current answer; - clears it; b = back; ? = hint;\n"
    "q = save and quit.\n"
    "\n"
    "When stdin is not a terminal, one line is read per item that would be\n"
    "asked, in form order (notes, items that are not relevant and the unit\n"
    "question when the unit is given read no line): a choice by its name or\n"
    "position (a rating scale by its number; several separated by spaces), a\n"
    "number or text as it is, an empty line for no answer.  The response is\n"
    "stored when every line is valid; else 'stdin:LINE: message' and\n"
    "nothing is stored (exit 1).  It prints 'response N stored' for a\n"
    "self-assessment and 'response stored' for an anonymous staff form,\n"
    "whose response ids are not shown because they follow the order of\n"
    "arrival.\n"
    "\n"
    "  --entry          key in paper questionnaires: one line per item, digits\n"
    "                   for choices, Enter for blank, n = next questionnaire;\n"
    "                   a row of ratings as one line (54433 fills five rating\n"
    "                   questions in turn, refused whole if a digit does not fit)\n"
    "  --resume KEY     continue the interrupted session that showed KEY\n"
    "  --verify BATCH   double entry: the first run keys batch BATCH, the run\n"
    "                   after it was closed keys it again and every difference\n"
    "                   is shown for correction; verified questionnaires are\n"
    "                   stored as responses\n"
    "\n"
    "examples:\n"
    "  gapsurvey run staff-opinion --unit U07\n"
    "  gapsurvey run staff-opinion --token K7QM-3XPA-9TRE-H2WD --lang en\n"
    "  gapsurvey run staff-opinion --resume 4TQP-8HXM-2KWD-R7NA\n"
    "  gapsurvey run staff-opinion --entry --unit U07 --verify U07-box1\n");

typedef struct {
    store_t *s;
    form_t *form;
    int form_row;
    run_t *run;
    char *token_hash;
    char code[64];          /* the invitation code, normalised: the draft's secret */
    int anonymous;          /* role staff */
    int entry;              /* --entry */
    int ascii;
    const char *batch_name; /* --verify */
    store_batch_t batch;
    char *line;
    size_t cap;
    long lineno;
    util_buf_t out;
    int wave, unit;         /* waves.id and units.id of the response (unit 0: asked) */
    char *ucode;            /* the unit's code, or NULL */
    char *key;              /* the draft's key (interactive sessions), or NULL */
    /* a session without a code or batch keeps its draft under a resume key
     * of its own, made here (or typed back with --resume): it names and
     * encrypts the draft like a code, and is shown to the person only */
    char resume[64];        /* normalised: the draft's secret */
    char resume_shown[TOK_CODE_MAX + TOK_CODE_MAX / 4 + 2];   /* XXXX-XXXX-XXXX-XXXX */
} sess_t;

static void term_size(size_t *cols, size_t *rows)
{
    struct winsize ws;
    *cols = 80;
    *rows = 24;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row ? ws.ws_row : 24;
    } else {
        const char *c = getenv("COLUMNS"), *l = getenv("LINES");
        long v;
        if (c && util_parse_long(c, &v) == 0 && v > 0)
            *cols = (size_t)v;
        if (l && util_parse_long(l, &v) == 0 && v > 0)
            *rows = (size_t)v;
    }
    if (*cols < 20)
        *cols = 20;
}

static size_t cols(void)
{
    size_t c, r;
    term_size(&c, &r);
    return c;
}

static void flush(sess_t *x)
{
    if (x->out.len)
        fputs(x->out.s, stdout);
    util_buf_reset(&x->out);
    fflush(stdout);
}

static void say(sess_t *x, const char *prefix, const char *text)
{
    run_wrap(&x->out, prefix, text, cols(), util_utf8_width(prefix));
    flush(x);
}

/* Reads one line without its end; NULL at end of input. */
static char *read_line(sess_t *x)
{
    fflush(stdout);
    ssize_t n = getline(&x->line, &x->cap, stdin);
    if (n < 0)
        return NULL;
    x->lineno++;
    while (n > 0 && (x->line[n - 1] == '\n' || x->line[n - 1] == '\r'))
        x->line[--n] = '\0';
    /* a file saved by Windows Notepad starts with a byte-order mark */
    if (x->lineno == 1 && strncmp(x->line, "\xEF\xBB\xBF", 3) == 0)
        memmove(x->line, x->line + 3, (size_t)n - 2);
    return x->line;
}

/* A typed key: the line trimmed, when it is one of the single-letter
 * commands; else 0. */
static int key_of(const char *line)
{
    char *t = util_trim(util_xstrdup(line));
    int k = 0;
    if (strlen(t) == 1 && strchr("qQbBnN?-", t[0]))
        k = t[0] >= 'A' && t[0] <= 'Z' ? t[0] - 'A' + 'a' : t[0];
    else if (strcmp(t, "\xEF\xBC\x9F") == 0)   /* full-width ？ */
        k = '?';
    else if (!*t)
        k = '\n';
    free(t);
    return k;
}

/* Asks a yes/no question; 1 yes, 0 no, -1 end of input. */
static int ask_yes(sess_t *x, const char *question, int dflt)
{
    for (;;) {
        fputs(question, stdout);
        char *l = read_line(x);
        if (!l)
            return -1;
        char *t = util_trim(util_xstrdup(l));
        int v = -2;
        if (!*t)
            v = dflt;
        else if (util_streq_ci(t, "y") || util_streq_ci(t, "yes") || strcmp(t, "是") == 0)
            v = 1;
        else if (util_streq_ci(t, "n") || util_streq_ci(t, "no") || strcmp(t, "否") == 0)
            v = 0;
        free(t);
        if (v != -2)
            return v;
        say(x, "  ", _("Please type y or n."));
    }
}

/* The command that resumes this session's draft (heap), or NULL when the
 * draft is found by the same command (a code or a batch). */
static char *resume_command(const sess_t *x)
{
    if (!*x->resume)
        return NULL;
    return util_fmt("gapsurvey run %s%s --resume %s", x->form->form_id,
                    x->entry ? " --entry" : "", x->resume_shown);
}

/* text, then the resume command on a line of its own (never wrapped, so
 * that it can be copied whole) */
static void say_command(sess_t *x, const char *text, const char *cmd)
{
    say(x, "", text);
    printf("    %s\n", cmd);
    fflush(stdout);
}

/* At the start of a session with a fresh resume key: how to come back
 * after a crash or a closed terminal, said before anything can go wrong. */
static void tell_key(sess_t *x)
{
    char *cmd = resume_command(x);
    if (cmd)
        say_command(x, _("If this session is interrupted, continue it with this command (keep "
                         "the key to yourself: it opens these answers, and nobody else is "
                         "offered them):"), cmd);
    free(cmd);
}

static void quit_saved(sess_t *x)
{
    char *cmd = resume_command(x);
    int kept = run_count_answered(x->run) > 0;
    if (x->entry && kept && cmd)
        say_command(x, _("The questionnaire being keyed is kept as a draft; to finish it:"), cmd);
    else if (x->entry && kept)
        say(x, "", _("The questionnaire being keyed is kept as a draft; run the same command "
                     "again to finish it."));
    else if (x->entry)
        say(x, "", _("Done."));
    else if (kept && cmd)
        say_command(x, _("Your answers are saved. To continue:"), cmd);
    else if (kept)
        say(x, "", _("Your answers are saved. Run the same command again to continue."));
    else
        say(x, "", _("Nothing was answered; nothing was saved."));
    free(cmd);
}

/* Offers to resume a draft: 1 resumed (*pos set), 0 start afresh, -1
 * end of input, -2 store error. */
static int offer_resume(sess_t *x, int *pos)
{
    err_t err = {0};
    int cursor, rc = run_draft_load(x->run, &cursor, &err);
    if (rc == 1)
        return 0;
    if (rc < 0) {
        cli_perror(&err);
        err_clear(&err);
        return -2;
    }
    if (run_count_answered(x->run) == 0)
        return 0;   /* claimed afresh, or left before the first answer */
    int total, n = (int)run_form(x->run)->nitems;
    run_number(x->run, cursor, &total);
    int at = cursor < n ? run_number(x->run, cursor, NULL) : 0;
    char *m;
    int nans = run_count_answered(x->run);
    if (at > 0)
        m = util_fmt(i18n_ntext("A saved draft was found: %d answer, stopped at question %d of %d.",
                                "A saved draft was found: %d answers, stopped at question %d of "
                                "%d.", (unsigned long)nans),
                     nans, at, total);
    else
        m = util_fmt(i18n_ntext("A saved draft was found: %d answer.",
                                "A saved draft was found: %d answers.", (unsigned long)nans),
                     nans);
    say(x, "", m);
    free(m);
    int yes = ask_yes(x, _("Resume? [Y/n] "), 1);
    if (yes < 0)
        return -1;
    if (yes) {
        *pos = cursor;
        return 1;
    }
    if (run_draft_discard(x->run, &err) != 0) {
        cli_perror(&err);
        err_clear(&err);
        return -2;
    }
    say(x, "", _("The draft was deleted; starting afresh."));
    return 0;
}

/* Takes the line l typed at item pos (k: its key_of): Enter keeps the
 * answer or leaves the item blank, - clears it, anything else answers it.
 * 0 taken, 1 refused (said why), -1 the draft could not be saved (said). */
static int take_answer(sess_t *x, int pos, int k, const char *l)
{
    run_t *r = x->run;
    err_t msg = {0};
    int rc = 0;
    if (!(k == '\n' && (ans_get(run_answers(r), (size_t)pos) || !run_required(r, pos))))
        rc = run_answer(r, pos, k == '-' || k == '\n' ? "" : l, &msg);
    if (rc < 0)
        cli_perror(&msg);
    else if (rc == 1)
        say(x, "  ! ", msg.msg);
    err_clear(&msg);
    return rc;
}

/* Moves *pos to the next item to show and records it in the draft: 0, or
 * -1 after printing the store's error. */
static int move_on(sess_t *x, int *pos)
{
    err_t err = {0};
    *pos = run_next(x->run, *pos);
    if (run_move(x->run, *pos, &err) == 0)
        return 0;
    cli_perror(&err);
    err_clear(&err);
    return -1;
}

/* ---- respondent at a terminal ---- */

static int submit_tty(sess_t *x)
{
    err_t err = {0};
    long id = 0;
    int rc = run_submit(x->run, "terminal", x->token_hash, &id, &err);
    if (rc == 1) {
        say(x, "", _("This invitation code has been used meanwhile (perhaps on the web); "
                     "nothing was stored."));
        if (run_draft_discard(x->run, &err) != 0)
            err_clear(&err);
        return 1;
    }
    if (rc != 0) {
        cli_perror(&err);
        err_clear(&err);
        return 1;
    }
    util_buf_addc(&x->out, '\n');
    run_rule(&x->out, NULL, NULL, cols(), x->ascii);
    flush(x);
    if (x->anonymous)
        say(x, "", _("Submitted. Thank you! Your answers are stored anonymously."));
    else {
        char *m = util_fmt(_("Submitted. Thank you! (response %ld)"), id);
        say(x, "", m);
        free(m);
    }
    return 0;
}

static int tty_session(sess_t *x)
{
    run_t *r = x->run;
    int n = (int)run_form(r)->nitems, pos = 0;
    err_t msg = {0};
    int rs = offer_resume(x, &pos);
    if (rs == -1) {
        quit_saved(x);
        return 0;
    }
    if (rs == -2)
        return 1;
    if (rs == 0)
        pos = run_next(r, -1);
    util_buf_addc(&x->out, '\n');
    run_render_intro(r, cols(), &x->out);
    flush(x);
    if (rs == 0)
        tell_key(x);
    for (;;) {
        size_t w, h;
        term_size(&w, &h);
        if (pos >= n) {
            int bad;
            if (run_check(r, &bad, &msg)) {
                say(x, "  ! ", msg.msg);
                err_clear(&msg);
                pos = bad;
                continue;
            }
            run_render_summary(r, w, &x->out);
            flush(x);
            fputs(_("Submit? [Y/n] (b = back, q = save and quit) "), stdout);
            char *l = read_line(x);
            int k = l ? key_of(l) : 'q';
            if (k == 'q') {
                quit_saved(x);
                return 0;
            }
            if (k == 'n' || k == 'b') {
                pos = run_prev(r, n);
                continue;
            }
            char *t = util_trim(util_xstrdup(l));
            int yes = k == '\n' || util_streq_ci(t, "y") || util_streq_ci(t, "yes") ||
                      strcmp(t, "是") == 0;
            free(t);
            if (!yes) {
                say(x, "  ", _("Please type y to submit or b to go back."));
                continue;
            }
            return submit_tty(x);
        }
        run_render_item(r, pos, w, h, &x->out);
        flush(x);
        if (run_form(r)->items[pos].type == FORM_NOTE) {
            pos = run_next(r, pos);
            continue;
        }
        for (;;) {
            run_render_prompt(r, pos, cols(), &x->out);
            flush(x);
            char *l = read_line(x);
            if (!l) {
                fputc('\n', stdout);
                quit_saved(x);
                return 0;
            }
            int k = key_of(l);
            if (k == 'q') {
                quit_saved(x);
                return 0;
            } else if (k == 'b') {
                int p = run_prev(r, pos);
                if (p < 0) {
                    say(x, "  ! ", _("This is the first question."));
                    continue;
                }
                pos = p;
                break;
            } else if (k == '?') {
                run_render_help(r, pos, cols(), &x->out);
                flush(x);
                continue;
            }
            int rc = take_answer(x, pos, k, l);
            if (rc == 1)
                continue;
            if (rc < 0 || move_on(x, &pos) != 0)
                return 1;
            break;
        }
    }
}

/* ---- scripted: one line per item ---- */

static int scripted_session(sess_t *x)
{
    run_t *r = x->run;
    const form_t *f = run_form(r);
    int n = (int)f->nitems;
    err_t msg = {0};
    for (int pos = run_next(r, -1); pos < n; pos = run_next(r, pos)) {
        if (f->items[pos].type == FORM_NOTE)
            continue;
        char *l = read_line(x);
        if (!l) {
            char *m = util_fmt(_("input ended before question %s (an empty line leaves a question unanswered)"),
                               f->items[pos].name);
            fprintf(stderr, "stdin:%ld: %s\n%s\n", x->lineno + 1, m, _("nothing stored"));
            free(m);
            return 1;
        }
        int rc = run_answer(r, pos, l, &msg);
        if (rc != 0) {
            fprintf(stderr, "stdin:%ld: %s: %s\n", x->lineno, f->items[pos].name, msg.msg);
            err_clear(&msg);
            if (rc > 0)
                fprintf(stderr, "%s\n", _("nothing stored"));
            return 1;
        }
    }
    char *l;
    while ((l = read_line(x)) != NULL) {
        char *t = util_trim(util_xstrdup(l));
        int extra = *t != '\0';
        free(t);
        if (extra) {
            fprintf(stderr, "stdin:%ld: %s\n%s\n", x->lineno,
                    _("more lines than questions (a line per question that is asked; "
                      "notes and questions that are not relevant read none)"),
                    _("nothing stored"));
            return 1;
        }
    }
    int bad;
    if (run_check(r, &bad, &msg)) {
        fprintf(stderr, "stdin:%ld: %s: %s\n", x->lineno, f->items[bad].name, msg.msg);
        err_clear(&msg);
        return 1;
    }
    long id = 0;
    int rc = run_submit(r, "terminal", x->token_hash, &id, &msg);
    if (rc == 1) {
        cli_error("%s", _("the invitation code has been used meanwhile; nothing stored"));
        return 1;
    }
    if (rc != 0) {
        cli_perror(&msg);
        err_clear(&msg);
        return 1;
    }
    if (x->anonymous)
        printf("%s\n", _("response stored"));
    else
        printf(_("response %ld stored\n"), id);
    return 0;
}

/* ---- data entry of paper questionnaires ---- */

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

typedef struct {
    char **first;        /* first keying of this questionnaire (pass 2) */
    char **resolved;     /* value settled after a difference, per item */
    char *compared;      /* items compared */
    long differences;
} verify_t;

static void verify_free(verify_t *v, size_t n)
{
    run_values_free(v->first, n);
    run_values_free(v->resolved, n);
    free(v->compared);
    memset(v, 0, sizeof *v);
}

/* A difference at pos was settled on the value cur ("\x01" marks blank). */
static int verify_settled(const verify_t *v, int pos, const char *cur)
{
    if (!v->resolved[pos])
        return 0;
    return cur ? strcmp(cur, v->resolved[pos]) == 0 : strcmp(v->resolved[pos], "\x01") == 0;
}

/* Pass 2: compares item pos with the first keying; on a difference shows
 * both and asks for the value on paper.  0 settled, -1 end of input, -2
 * store error. */
static int verify_item(sess_t *x, verify_t *v, int pos)
{
    run_t *r = x->run;
    const char *cur = ans_get(run_answers(r), (size_t)pos);
    v->compared[pos] = 1;
    if (same(cur, v->first[pos]) || verify_settled(v, pos, cur))
        return 0;
    if (!v->resolved[pos])
        v->differences++;
    const char *blank = _("(blank)");
    char *a = run_show_value(r, pos, v->first[pos]), *b = run_show_value(r, pos, cur);
    char *m = util_fmt(_("Differs from the first keying: first %s, now %s."),
                       a ? a : blank, b ? b : blank);
    say(x, "  ! ", m);
    free(m);
    free(a);
    free(b);
    err_t msg = {0};
    for (;;) {
        fputs(_("    Check the paper form and key the correct value (Enter = blank): "), stdout);
        char *l = read_line(x);
        if (!l)
            return -1;
        int rc = run_answer(x->run, pos, l, &msg);
        if (rc < 0) {
            cli_perror(&msg);
            err_clear(&msg);
            return -2;
        }
        if (rc == 0)
            break;
        say(x, "  ! ", msg.msg);
        err_clear(&msg);
    }
    cur = ans_get(run_answers(r), (size_t)pos);
    free(v->resolved[pos]);
    v->resolved[pos] = util_xstrdup(cur ? cur : "\x01");
    return 0;
}

/* Data entry across the questionnaires of one session. */
typedef struct {
    int pass;            /* 0: single entry; 1, 2: first and second keying of x->batch */
    long seq;            /* the questionnaire's number in the batch */
    long stored;         /* stored in this session */
    int pos;             /* the item being keyed; nitems: the end of the questionnaire */
    verify_t v;          /* pass 2: the comparison with the first keying */
} entry_t;

/* What a step of data entry leaves the session loop to do. */
enum { ENTRY_STAY, ENTRY_NEXT_FORM, ENTRY_DONE };

/* Stores the questionnaire being keyed.  0 stored, 1 refused (the unit is
 * missing: e->pos is set to its question), -1 error. */
static int entry_save(sess_t *x, entry_t *e)
{
    run_t *r = x->run;
    err_t err = {0};
    int unit, bad;
    if (run_check(r, &bad, &err)) {
        say(x, "  ! ", err.msg);
        err_clear(&err);
        e->pos = bad;
        return 1;
    }
    if (run_unit(r, &unit, &err) != 0) {
        say(x, "  ! ", err.msg);
        err_clear(&err);
        const form_t *f = run_form(r);
        int u = f->unit_field ? form_item_index(f, f->unit_field) : -1;
        if (u >= 0)
            e->pos = u;
        return 1;
    }
    long id = 0, compared = 0;
    int rc;
    if (e->pass == 0) {
        rc = run_store_entry(r, &id, &err);
    } else if (e->pass == 1) {
        rc = run_batch_keep(r, x->batch.id, e->seq, &err);
    } else {
        for (size_t i = 0; i < run_form(r)->nitems; i++)
            compared += e->v.compared[i];
        rc = run_batch_verified(r, x->batch.id, e->seq, compared, e->v.differences, &id, &err);
    }
    if (rc != 0) {
        cli_error("%s", err.msg ? err.msg : "storing failed");
        err_clear(&err);
        return -1;
    }
    if (e->pass == 2) {
        x->batch.verified = e->seq;
        x->batch.compared += compared;
        x->batch.differences += e->v.differences;
    } else if (e->pass == 1) {
        x->batch.keyed = e->seq;
    }
    return 0;
}

/* Pass 1: asks whether every paper form of the batch has been keyed. */
static int entry_close_first(sess_t *x)
{
    if (x->batch.keyed == 0)
        return 0;
    char *q = util_fmt(_("Batch %s: %ld questionnaires keyed. Is that the whole batch "
                         "(close the first keying)? [y/N] "),
                       x->batch_name, x->batch.keyed);
    int yes = ask_yes(x, q, 0);
    free(q);
    if (yes != 1) {
        say(x, "", _("The first keying stays open; run the same command to key more."));
        return 0;
    }
    err_t err = {0};
    if (store_batch_close(x->s, x->batch.id, &err) != 0) {
        cli_perror(&err);
        err_clear(&err);
        return 1;
    }
    say(x, "", _("First keying closed. Now key the same paper forms again, in the same order, "
                 "with the same command: every difference will be shown for correction."));
    return 0;
}

/* The input ended, or the keyer quit: what was keyed stays a draft. */
static int entry_quit(sess_t *x, int newline, int *rc)
{
    if (newline)
        fputc('\n', stdout);
    quit_saved(x);
    *rc = 0;
    return ENTRY_DONE;
}

/* Starts questionnaire e->seq (at e->pos when resumed): ENTRY_DONE with
 * *rc when the batch is verified through or its first keying cannot be
 * read, else ENTRY_STAY. */
static int entry_begin_form(sess_t *x, entry_t *e, int resumed, int *rc)
{
    run_t *r = x->run;
    size_t n = run_form(r)->nitems;
    if (e->pass == 2 && e->seq > x->batch.keyed) {
        char *m = util_fmt(_("Batch %s is verified: %ld questionnaires stored as responses; "
                             "%ld values compared, %ld differed and were corrected."),
                           x->batch_name, x->batch.verified, x->batch.compared,
                           x->batch.differences);
        say(x, "", m);
        free(m);
        *rc = 0;
        return ENTRY_DONE;
    }
    if (e->pass == 2) {
        err_t msg = {0};
        verify_free(&e->v, n);
        if (run_batch_first(r, x->batch.id, e->seq, &e->v.first, &msg) != 0) {
            cli_perror(&msg);
            err_clear(&msg);
            *rc = 1;
            return ENTRY_DONE;
        }
        e->v.resolved = util_xcalloc(n + 1, sizeof *e->v.resolved);
        e->v.compared = util_xcalloc(n + 1, 1);
    }
    char *title = e->pass == 2 ? util_fmt(_("Questionnaire %ld of %ld"), e->seq, x->batch.keyed)
                  : e->pass == 1 ? util_fmt(_("Questionnaire %ld"), e->seq)
                                 : util_fmt(_("Questionnaire %ld"), e->stored + 1);
    char *right = util_fmt(_("%ld stored"), e->stored);
    util_buf_addc(&x->out, '\n');
    run_rule(&x->out, title, right, cols(), x->ascii);
    flush(x);
    free(title);
    free(right);
    if (!resumed)
        e->pos = run_next(r, -1);
    return ENTRY_STAY;
}

/* At the end of a questionnaire: Enter saves it and starts the next. */
static int entry_end_of_form(sess_t *x, entry_t *e, int *rc)
{
    run_t *r = x->run;
    fputs(_("End of questionnaire. Enter = save and next, b = back, "
            "q = save and quit: "), stdout);
    char *l = read_line(x);
    if (!l)
        return entry_quit(x, 1, rc);
    int k = key_of(l);
    if (k == 'b') {
        e->pos = run_prev(r, (int)run_form(r)->nitems);
        return ENTRY_STAY;
    }
    if (k != '\n' && k != 'n' && k != 'q') {
        say(x, "  ! ", _("Press Enter to save, or type b or q."));
        return ENTRY_STAY;
    }
    int sv = entry_save(x, e);
    if (sv < 0) {
        *rc = 1;
        return ENTRY_DONE;
    }
    if (sv > 0)
        return ENTRY_STAY;
    e->stored++;
    e->seq++;
    char *m = util_fmt(_("Saved. Stored in this session: %ld."), e->stored);
    say(x, "  ", m);
    free(m);
    run_reset(r);
    if (k == 'q') {
        *rc = e->pass == 1 ? entry_close_first(x) : 0;
        return ENTRY_DONE;
    }
    return ENTRY_NEXT_FORM;
}

/* A row of ratings typed as one line ("54433"): filled and shown, each
 * value compared with the first keying in pass 2.  ENTRY_STAY after it
 * was taken or refused (said why), ENTRY_DONE on an error; -1 when the
 * line is no such row. */
static int entry_row(sess_t *x, entry_t *e, const char *line, int *rc)
{
    run_t *r = x->run;
    int *ps = NULL;
    size_t n = 0;
    err_t msg = {0};
    int rr = run_answer_row(r, e->pos, line, &ps, &n, &msg), step = ENTRY_STAY;
    if (rr == 1)
        return -1;
    if (rr == 2)
        say(x, "  ! ", msg.msg);
    if (rr < 0) {
        cli_perror(&msg);
        *rc = 1;
        step = ENTRY_DONE;
    }
    if (rr == 0) {
        util_buf_t b = {0};
        util_buf_addf(&b, i18n_ntext("Filled %zu question:", "Filled %zu questions:",
                                     (unsigned long)n), n);
        for (size_t k = 0; k < n; k++)
            util_buf_addf(&b, "%s [%d] %s=%s", k ? "," : "", run_number(r, ps[k], NULL),
                          run_form(r)->items[ps[k]].name, ans_get(run_answers(r), (size_t)ps[k]));
        say(x, "  = ", b.s);
        util_buf_free(&b);
        for (size_t k = 0; e->pass == 2 && k < n && step == ENTRY_STAY; k++) {
            int v = verify_item(x, &e->v, ps[k]);
            if (v == -1)
                step = entry_quit(x, 1, rc);
            else if (v < 0)
                *rc = 1, step = ENTRY_DONE;
        }
        e->pos = ps[n - 1];
        if (step == ENTRY_STAY && move_on(x, &e->pos) != 0)
            *rc = 1, step = ENTRY_DONE;
    }
    free(ps);
    err_clear(&msg);
    return step;
}

/* One item: its prompt, then what was typed. */
static int entry_item(sess_t *x, entry_t *e, int *rc)
{
    run_t *r = x->run;
    if (run_form(r)->items[e->pos].type == FORM_NOTE) {
        e->pos = run_next(r, e->pos);
        return ENTRY_STAY;
    }
    run_render_entry_prompt(r, e->pos, cols(), &x->out);
    flush(x);
    char *l = read_line(x);
    if (!l)
        return entry_quit(x, 1, rc);
    int k = key_of(l), p;
    switch (k) {
    case 'q':
        if (run_count_answered(r) == 0 && e->pass == 1) {
            *rc = entry_close_first(x);
            return ENTRY_DONE;
        }
        return entry_quit(x, 0, rc);
    case 'b':
        if ((p = run_prev(r, e->pos)) < 0)
            say(x, "  ! ", _("This is the first item."));
        else
            e->pos = p;
        return ENTRY_STAY;
    case '?':
        run_render_help(r, e->pos, cols(), &x->out);
        flush(x);
        return ENTRY_STAY;
    case 'n':
        if (e->pass == 2)
            say(x, "  ! ", _("In the second keying every item is keyed; Enter leaves "
                             "one blank."));
        else
            e->pos = (int)run_form(r)->nitems;   /* the rest of this paper form is blank */
        return ENTRY_STAY;
    }
    int row = k ? -1 : entry_row(x, e, l, rc);
    if (row >= 0)
        return row;
    int arc = take_answer(x, e->pos, k, l);
    if (arc == 1)
        return ENTRY_STAY;
    if (arc == 0 && e->pass == 2) {
        arc = verify_item(x, &e->v, e->pos);
        if (arc == -1)
            return entry_quit(x, 1, rc);
    }
    if (arc == 0 && move_on(x, &e->pos) == 0)
        return ENTRY_STAY;
    *rc = 1;
    return ENTRY_DONE;
}

static int entry_session(sess_t *x)
{
    run_t *r = x->run;
    entry_t e = {x->batch_name ? x->batch.pass : 0, 0, 0, 0, {0}};
    e.seq = e.pass == 1 ? x->batch.keyed + 1 : e.pass == 2 ? x->batch.verified + 1 : 0;
    int rs = offer_resume(x, &e.pos);
    if (rs == -1) {
        quit_saved(x);
        return 0;
    }
    if (rs == -2)
        return 1;
    util_buf_addc(&x->out, '\n');
    run_render_intro(r, cols(), &x->out);
    if (e.pass == 1)
        run_wrap(&x->out, "", _("Double entry, first keying."), cols(), 0);
    else if (e.pass == 2)
        run_wrap(&x->out, "", _("Double entry, second keying: each value is compared with the "
                                "first keying."),
                 cols(), 0);
    flush(x);
    if (rs == 0)
        tell_key(x);
    int rc = 1, step = ENTRY_NEXT_FORM;
    for (int resumed = rs == 1; step == ENTRY_NEXT_FORM; resumed = 0) {
        step = entry_begin_form(x, &e, resumed, &rc);
        while (step == ENTRY_STAY)
            step = e.pos >= (int)run_form(r)->nitems ? entry_end_of_form(x, &e, &rc)
                                                      : entry_item(x, &e, &rc);
    }
    verify_free(&e.v, run_form(r)->nitems);
    return rc;
}

/* ---- setting up ---- */

/* Does the terminal take UTF-8?  The locale says so; when the locale
 * named in the environment is not installed (zh_CN.UTF-8 often is not),
 * its name still tells what the terminal was set up for. */
static int utf8_terminal(void)
{
    if (setlocale(LC_CTYPE, ""))
        return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !*v)
            continue;
        char *low = util_xstrdup(v);
        for (char *p = low; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        int yes = strstr(low, "utf-8") || strstr(low, "utf8");
        free(low);
        return yes;
    }
    return 0;
}

/* Loads the form version `id` in place of x->form when it differs (a
 * token, a batch or a draft made with an older version). */
static int use_version(sess_t *x, int id, const char *form_id, err_t *err)
{
    if (id == x->form_row)
        return 0;
    form_t *f = NULL;
    if (store_form_get_by_id(x->s, id, &f, err) != 0)
        return -1;
    if (strcmp(f->form_id, form_id) != 0) {
        err_set(err, ERR_FAIL, _("belongs to form %s, not %s"), f->form_id, form_id);
        form_free(f);
        return -1;
    }
    form_free(x->form);
    x->form = f;
    x->form_row = id;
    return 0;
}

/* The code of unit id into x->ucode (NULL when there is none): 0, or -1
 * after printing the store's error. */
static int unit_code_of(sess_t *x, int id)
{
    err_t err = {0};
    if (store_unit_get(x->s, id, &x->ucode, NULL, &err) < 0) {
        cli_perror(&err);
        err_clear(&err);
        return -1;
    }
    return 0;
}

/* The form version, wave and unit of an invitation code (hashed into
 * x->token_hash): 0, or 1 after saying why it cannot be used. */
static int from_token(sess_t *x, const char *token, const char *form_id)
{
    store_token_t t;
    err_t err = {0};
    char *wave_name = NULL;
    int rc = 1, closed = 0;
    x->token_hash = tok_hash(token);
    tok_normalise(token, x->code);
    int r = x->token_hash ? store_token_get(x->s, x->token_hash, &t, &err) : 1;
    if (r != 0) {
        if (r == 1)
            cli_error("%s", _("this invitation code is not valid; check it against the slip"));
        else
            cli_perror(&err);
        goto cleanup;
    }
    if (t.used) {
        cli_error("%s", _("this invitation code has already been used"));
        goto cleanup;
    }
    if (use_version(x, t.form, form_id, &err) != 0) {
        cli_error(_("this invitation code %s"), err.msg);
        goto cleanup;
    }
    x->wave = t.wave;
    x->unit = t.unit;
    if (store_wave_closed(x->s, x->wave, &closed, &err) < 0 ||
        (closed && store_wave_name(x->s, x->wave, &wave_name, &err) < 0)) {
        cli_perror(&err);
        goto cleanup;
    }
    if (closed) {
        cli_error(_("survey round %s is closed; this invitation code can no longer be used"),
                  wave_name ? wave_name : "?");
        goto cleanup;
    }
    if (x->unit > 0 && unit_code_of(x, x->unit) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    free(wave_name);
    err_clear(&err);
    return rc;
}

/* The unit given with --unit: 0, or 1 after saying it is not known. */
static int from_unit(sess_t *x, const char *unit_code)
{
    err_t err = {0};
    int r = store_unit_find(x->s, unit_code, &x->unit, &err);
    if (r == 1)
        cli_error(_("unit '%s' is not known; 'gapsurvey unit list' shows them"), unit_code);
    else if (r != 0)
        cli_perror(&err);
    else
        x->ucode = util_xstrdup(unit_code);
    err_clear(&err);
    return r != 0;
}

/* The batch of --verify, when it exists: its form version, wave and unit,
 * which must agree with the command.  0, or 1 after saying why not. */
static int from_batch(sess_t *x, const char *form_id)
{
    err_t err = {0};
    int rc = 1, r = store_batch_get(x->s, x->batch_name, &x->batch, &err);
    if (r < 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (r == 0) {
        if (use_version(x, x->batch.form, form_id, &err) != 0) {
            cli_error(_("batch %s %s"), x->batch_name, err.msg);
            goto cleanup;
        }
        if (x->unit && x->batch.unit != x->unit) {
            cli_error(_("batch %s was keyed %s; give the same --unit"), x->batch_name,
                      x->batch.unit ? _("for another unit") : _("without --unit"));
            goto cleanup;
        }
        if (x->batch.unit && !x->unit) {
            if (unit_code_of(x, x->batch.unit) != 0)
                goto cleanup;
            x->unit = x->batch.unit;
        }
        if (x->batch.pass == 2 && x->batch.verified >= x->batch.keyed) {
            cli_error(_("batch %s is verified and stored already (%ld questionnaires)"),
                      x->batch_name, x->batch.verified);
            goto cleanup;
        }
        x->wave = x->batch.wave;
    }
    rc = 0;
cleanup:
    err_clear(&err);
    return rc;
}

/* What the token, unit and batch left open: the unit must be known or
 * asked, the wave is the newest open one, a new batch is stored.  0, or
 * the exit status after saying what is wrong. */
static int settle(sess_t *x, const char *form_id)
{
    err_t err = {0};
    int rc = 1;
    int ufield = x->form->unit_field ? form_item_index(x->form, x->form->unit_field) : -1;
    if (!x->unit && ufield < 0) {
        cli_error(_("form %s has no unit question; give --unit U%s"), form_id,
                  x->entry ? "" : _(" or --token CODE"));
        return 2;
    }
    if (!x->wave) {
        int r = store_wave_current(x->s, 1, &x->wave, &err);
        if (r == 1)
            cli_error(_("every survey round (wave) is closed; open one with 'gapsurvey wave add NAME'"));
        else if (r != 0)
            cli_perror(&err);
        if (r != 0)
            goto cleanup;
    }
    if (x->batch_name && x->batch.id == 0) {
        if (store_batch_add(x->s, x->batch_name, x->form_row, x->wave, x->unit, &x->batch.id,
                            &err) != 0) {
            cli_perror(&err);
            goto cleanup;
        }
        x->batch.pass = 1;
        x->batch.form = x->form_row;
        x->batch.wave = x->wave;
        x->batch.unit = x->unit;
    }
    rc = 0;
cleanup:
    err_clear(&err);
    return rc;
}

/* `run --resume KEY`: the draft of that key, claimed into x->key, and its
 * form version, wave and unit.  0, or 1 after saying why not. */
static int from_resume(sess_t *x, const char *form_id)
{
    store_draft_t d;
    err_t err = {0};
    int rc = 1;
    char *base = run_draft_base(form_id, x->entry, NULL, 0, NULL, x->resume);
    int r = run_draft_resume(x->s, base, &x->key, &d, &err);
    free(base);
    if (r == 1 && x->entry)
        cli_error(_("no saved draft of %s has the key %s: it was stored or deleted, the key is "
                    "mistyped, or it is a respondent's (leave out --entry)"), form_id,
                  x->resume_shown);
    else if (r == 1)
        cli_error(_("no saved draft of %s has the key %s: it was submitted or deleted, the key "
                    "is mistyped, or it is a data-entry draft (add --entry)"), form_id,
                  x->resume_shown);
    else if (r == 2)
        cli_error(_("the draft of this key is open in another session right now; finish or quit "
                    "that one first"));
    else if (r < 0)
        cli_perror(&err);
    else if (use_version(x, d.form, form_id, &err) != 0)
        cli_error(_("the saved draft %s"), err.msg);
    else if (x->unit && d.unit && x->unit != d.unit)
        cli_error(_("the draft of this key was made for another unit; leave out --unit"));
    else if (!x->unit && d.unit && unit_code_of(x, d.unit) != 0)
        ;   /* said */
    else {
        x->wave = d.wave;
        if (d.unit)
            x->unit = d.unit;
        rc = 0;
    }
    err_clear(&err);
    return rc;
}

/* Takes the draft of this session into x->key, and its form version: 0,
 * or 1 after printing why not.  A session with neither a code nor a batch
 * gets a fresh resume key: its draft is its own. */
static int claim_draft(sess_t *x, const char *form_id)
{
    err_t err = {0};
    int dform = 0, rc = 1;
    if (!*x->code && !x->batch_name) {
        if (tok_code_make(x->resume_shown, &err) != 0) {
            cli_perror(&err);
            err_clear(&err);
            return 1;
        }
        tok_normalise(x->resume_shown, x->resume);
    }
    char *base = run_draft_base(form_id, x->entry, x->batch_name, x->batch.pass,
                                *x->code ? x->code : NULL, *x->resume ? x->resume : NULL);
    int r = run_draft_claim(x->s, base, x->form_row, x->wave, x->unit, &x->key, &dform, &err);
    free(base);
    if (r != 0)
        cli_perror(&err);
    else if (dform && use_version(x, dform, form_id, &err) != 0)
        cli_error(_("the saved draft %s"), err.msg);
    else
        rc = 0;
    err_clear(&err);
    return rc;
}

static const cli_opt_t opts[] = {
    {"unit", 'u', CLI_VALUE | CLI_SHORT}, {"token", 't', CLI_VALUE | CLI_SHORT},
    {"lang", 'l', CLI_VALUE | CLI_SHORT}, {"entry", 'e', CLI_SHORT},
    {"verify", 'v', CLI_VALUE | CLI_SHORT}, {"resume", 'r', CLI_VALUE | CLI_SHORT},
    CLI_OPT_END};

/* --resume KEY into x->resume (normalised) and x->resume_shown (in groups
 * of four, as it was shown): -1, or 2 after saying it is no key. */
static int take_resume(sess_t *x, const char *key)
{
    int n = tok_normalise(key, x->resume);
    if (n < 0) {
        cli_error(_("--resume takes the key the interrupted session showed "
                    "(XXXX-XXXX-XXXX-XXXX), not '%s'"), key);
        return 2;
    }
    size_t k = 0;
    for (int i = 0; i < n && k + 2 < sizeof x->resume_shown; i++) {
        if (i && i % 4 == 0)
            x->resume_shown[k++] = '-';
        x->resume_shown[k++] = x->resume[i];
    }
    x->resume_shown[k] = '\0';
    return -1;
}

/* The options (--verify into x->batch_name, --entry into x->entry,
 * --resume into x->resume): -1 when they are fine, else the exit status. */
static int parse_options(int argc, char **argv, sess_t *x, const char **unit_code,
                         const char **token)
{
    const char *resume = NULL;
    int c;
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        switch (c) {
        case 'u': *unit_code = optarg; break;
        case 't': *token = optarg; break;
        case 'l':
            if (!cli_norm_lang(optarg)) {
                cli_error(_("--lang takes zh or en, not '%s'"), optarg);
                return 2;
            }
            cli_lang = cli_norm_lang(optarg);
            i18n_init(cli_lang);   /* our words follow the command's --lang too */
            break;
        case 'e': x->entry = 1; break;
        case 'v': x->batch_name = optarg; x->entry = 1; break;
        case 'r': resume = optarg; break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc - 1)
        return cli_usage(usage);
    if (*unit_code && *token) {
        cli_error(_("give --unit or --token, not both (a token names its unit)"));
        return 2;
    }
    if (x->entry && *token) {
        cli_error(_("--token is for respondents; data entry takes --unit or the unit question"));
        return 2;
    }
    if (resume && (*token || x->batch_name)) {
        cli_error(_("--resume is for sessions without an invitation code or batch: with %s the "
                    "same command finds its draft"), *token ? "--token" : "--verify");
        return 2;
    }
    int rc = resume ? take_resume(x, resume) : -1;
    if (rc < 0 && resume && !x->entry && !isatty(STDIN_FILENO)) {
        cli_error(_("--resume continues a session at a terminal; input that is not a terminal "
                    "keeps no draft"));
        return 2;
    }
    return rc;
}

int cmd_run(int argc, char **argv, cli_ctx_t *cx)
{
    const char *unit_code = NULL, *token = NULL;
    sess_t x = {0};
    err_t err = {0};
    int rc = parse_options(argc, argv, &x, &unit_code, &token);
    if (rc >= 0)
        return rc;
    const char *form_id = argv[optind];
    rc = 1;
    x.ascii = !utf8_terminal();
    if (!(x.s = cli_store(cx)))
        goto cleanup;
    if (cli_form_get(x.s, form_id, &x.form, &x.form_row) ||
        (token && from_token(&x, token, form_id)) || (unit_code && from_unit(&x, unit_code)) ||
        (x.batch_name && from_batch(&x, form_id)) || (*x.resume && from_resume(&x, form_id)))
        goto cleanup;
    if ((rc = settle(&x, form_id)) != 0)
        goto cleanup;
    rc = 1;
    int interactive = x.entry || isatty(STDIN_FILENO);
    if (interactive && !x.key && claim_draft(&x, form_id) != 0)
        goto cleanup;
    x.anonymous = x.form->role == FORM_ROLE_STAFF;
    const char *secret = *x.code ? x.code : *x.resume ? x.resume : NULL;
    run_cfg_t cfg = {x.s,  x.form,   x.form_row, x.wave, x.unit, x.ucode,
                     x.key, cli_lang, x.ascii,    x.entry, secret};
    if (run_new(&cfg, &x.run, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (x.entry)
        rc = entry_session(&x);
    else if (interactive)
        rc = tty_session(&x);
    else
        rc = scripted_session(&x);
cleanup:
    fflush(stdout);
    err_t rel = {0};
    if (x.key && run_draft_release(x.s, x.key, &rel) != 0) {
        cli_perror(&rel);
        rc = 1;
    }
    err_clear(&rel);
    run_free(x.run);
    form_free(x.form);
    util_buf_free(&x.out);
    free(x.line);
    free(x.token_hash);
    seal_wipe(x.code, sizeof x.code);
    seal_wipe(x.resume, sizeof x.resume);
    seal_wipe(x.resume_shown, sizeof x.resume_shown);
    free(x.key);
    free(x.ucode);
    err_clear(&err);
    return rc;
}
