/*
 * runner: one questionnaire's session for the terminal runner (see
 * runner.h) — walking the items `relevant` allows, taking typed answers,
 * keeping a draft that survives kill -9, submitting — and the terminal
 * layout by display width.
 *
 * The draft is written in the same transaction as the answer that changes
 * it, before the next item is shown: whatever the respondent has seen
 * accepted is on disk, so a crash loses at most the line being typed
 * (DESIGN.md section 4).
 */
#include "survey/runner.h"
#include "survey/ballot.h"
#include "survey/seal.h"
#include "base/i18n.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run {
    run_cfg_t cfg;       /* strings below are our copies */
    char *draft_key, *unit_code;
    ans_t *ans;
    int li;              /* language of the form's labels */
    int zh;              /* language of our own words */
    int ufield;          /* position of the unit question, -1 none */
    int skip;            /* the unit question when answered from the command line, -1 */
    int drafted;         /* a draft row exists */
    char *owner;         /* "pid@host": this session, as it marks the draft it holds */
    int shown_group;     /* group whose heading was printed last; -2 = none yet */
    int *item_ids;       /* items.id by position, read at the first store */
    char *secret;        /* cfg.draft_secret, our copy */
    unsigned char salt[16], key[32];   /* of the encrypted draft, once have_key */
    int have_key;
    form_list_t *view;   /* the choices list_of gave last (choice_filter applied) */
    int more;            /* the last answer to a repeat's "add one?" was yes */
};

/* Our own words are in the session's language (cfg.lang), which need not
 * be the process's: TR(r->zh, "...") picks the Chinese from the catalogue.
 * In them a no-break space (\u00A0) keeps "q = quit" on one line; run_wrap
 * prints it as a plain space, so an ASCII terminal never sees it.  The
 * Chinese in po/zh_CN.po keeps the same no-break spaces. */

/* The choices item pos offers now.  With a choice_filter they depend on
 * the answers, so the view is made again at each call and lives until the
 * next one: a caller uses one list at a time. */
static const form_list_t *list_of(const run_t *r, int pos)
{
    const form_item_t *it = &r->cfg.form->items[pos];
    if (it->list < 0)
        return NULL;
    if (!it->choice_filter && !it->randomize)
        return &r->cfg.form->lists[it->list];
    run_t *m = (run_t *)r;   /* only the cached view changes */
    ans_choices_free(m->view);
    m->view = ans_choices(r->ans, (size_t)pos, 1);
    return m->view;
}

/* Is item it put to the respondent?  Read-only questions keep their
 * default and are not asked. */
static int is_asked(const form_item_t *it)
{
    return form_item_answerable(it) && !it->read_only;
}

/* Is it one of the numbered questions ("[3/55]")?  A repeat's questions
 * are asked once per instance and go by the instance instead. */
static int counted(const form_item_t *it)
{
    return is_asked(it) && it->repeat < 0;
}

static void prefill(run_t *r)
{
    ans_set_defaults(r->ans);
    if (r->skip >= 0) {
        err_t e = {0};
        if (ans_set(r->ans, (size_t)r->skip, r->unit_code, &e) != 0)
            err_clear(&e);   /* checked in run_new */
    }
}

static char *owner_me(void)
{
    char host[256] = "";
    if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    return util_fmt("%ld@%s", (long)getpid(), host);
}

/* Is the session that marked a draft still running?  Only a process on
 * this machine can be checked; one elsewhere is assumed alive, which at
 * worst gives this session a draft of its own. */
static int owner_alive(const char *owner)
{
    char *me = owner_me();
    const char *at = strchr(owner, '@'), *myat = strchr(me, '@');
    long pid = strtol(owner, NULL, 10);
    int alive = 1;
    if (!at || strcmp(at, myat) != 0 || pid <= 0)
        goto cleanup;
    if (pid == (long)getpid())
        goto cleanup;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
        alive = 0;
        goto cleanup;
    }
    /* after a reboot the number may belong to another program, and a
     * killed session not yet reaped is a zombie with no command line */
    char path[64], cmd[4096];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    FILE *f = fopen(path, "rb");
    if (f) {
        size_t n = fread(cmd, 1, sizeof cmd - 1, f);
        fclose(f);
        for (size_t i = 0; i < n; i++)
            if (cmd[i] == '\0')
                cmd[i] = ' ';
        cmd[n] = '\0';
        alive = strstr(cmd, "gapsurvey") != NULL;
    }
cleanup:
    free(me);
    return alive;
}

char *run_draft_base(const char *form_id, int entry, const char *batch, int pass,
                     const char *code, const char *session)
{
    const char *mode = entry ? "entry" : "run";
    char id[65];
    if (batch)
        return util_fmt("entry:%s:batch:%s:%d", form_id, batch, pass);
    if (code) {
        /* not the token's hash: nothing joins the draft to the token row */
        seal_draft_id(code, id);
        return util_fmt("run:%s:token:%s", form_id, id);
    }
    if (session) {
        seal_draft_id(session, id);
        return util_fmt("%s:%s:session:%s", mode, form_id, id);
    }
    return NULL;
}

int run_draft_claim(store_t *s, const char *base, int form, int wave, int unit, char **key,
                    int *draft_form, err_t *err)
{
    char *me = owner_me(), *owner = NULL, *k = NULL;
    int rc = -1;
    *key = NULL;
    *draft_form = 0;
    for (int i = 1; i < 1000 && rc < 0; i++) {
        k = i == 1 ? util_xstrdup(base) : util_fmt("%s#%d", base, i);
        int df = 0;
        if (store_begin(s, err) != 0)
            goto cleanup;
        int r = store_draft_owner(s, k, &df, &owner, err);
        if (r < 0)
            goto rollback;
        if (r == 0 && owner && owner_alive(owner)) {
            /* another respondent is answering with this key right now */
            store_rollback(s);
            free(owner), owner = NULL;
            free(k), k = NULL;
            continue;
        }
        if ((r == 1 && store_draft_put(s, k, form, wave, unit, 0, err) != 0) ||
            store_draft_set_owner(s, k, me, err) != 0 || store_commit(s, err) != 0)
            goto rollback;
        *draft_form = r == 0 ? df : 0;
        *key = k;
        k = NULL;
        rc = 0;
    }
    if (rc < 0)
        err_set(err, ERR_FAIL, _("a thousand sessions hold drafts for %s"), base);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    free(owner);
    free(k);
    free(me);
    return rc;
}

int run_draft_resume(store_t *s, const char *base, char **key, store_draft_t *d, err_t *err)
{
    char *me = owner_me(), *owner = NULL;
    int rc = -1;
    *key = NULL;
    if (store_begin(s, err) != 0)
        goto cleanup;
    int r = store_draft_get(s, base, d, NULL, NULL, err);
    if (r == 0)
        r = store_draft_owner(s, base, NULL, &owner, err);
    if (r == 0 && owner && owner_alive(owner))
        r = 2;   /* the same key typed at a second terminal */
    if (r == 0 && (store_draft_set_owner(s, base, me, err) != 0 || store_commit(s, err) != 0))
        r = -1;
    if (r != 0) {
        store_rollback(s);
        rc = r;
        goto cleanup;
    }
    *key = util_xstrdup(base);
    rc = 0;
cleanup:
    free(owner);
    free(me);
    return rc;
}

int run_draft_release(store_t *s, const char *key, err_t *err)
{
    long n = 0;
    char *owner = NULL;
    int r = store_draft_owner(s, key, NULL, &owner, err);
    free(owner);
    if (r != 0)
        return r < 0 ? -1 : 0;   /* submitted: the draft is gone already */
    if (store_draft_count(s, key, &n, err) != 0)
        return -1;
    return n == 0 ? store_draft_delete(s, key, err) : store_draft_set_owner(s, key, NULL, err);
}

void run_use_draft(run_t *r, const char *key)
{
    free(r->draft_key);
    r->draft_key = util_xstrdup(key);
    r->cfg.draft_key = r->draft_key;
    r->drafted = 1;
}

int run_new(const run_cfg_t *cfg, run_t **out, err_t *err)
{
    run_t *r = util_xcalloc(1, sizeof *r);
    const form_t *f = cfg->form;
    r->cfg = *cfg;
    r->draft_key = util_xstrdup(cfg->draft_key);
    r->unit_code = util_xstrdup(cfg->unit_code);
    r->secret = util_xstrdup(cfg->draft_secret);
    r->cfg.draft_key = r->draft_key;
    r->cfg.draft_secret = r->secret;
    r->cfg.unit_code = r->unit_code;
    r->ans = ans_new(f);
    /* each session its own order of randomized choices, which nothing
     * keeps; paper is keyed in the order it was printed in */
    if (!cfg->entry)
        ans_set_seed(r->ans, ans_new_seed());
    r->li = form_lang(f, cfg->lang);
    r->zh = cfg->lang && strcmp(cfg->lang, "zh") == 0;
    r->ufield = f->unit_field ? form_item_index(f, f->unit_field) : -1;
    r->skip = -1;
    r->shown_group = -2;
    r->owner = owner_me();
    *out = NULL;
    if (r->ufield >= 0 && cfg->unit_code) {
        const form_list_t *l = list_of(r, r->ufield);
        if (!l || form_list_choice(l, cfg->unit_code) < 0) {
            err_set(err, ERR_INPUT, _("unit '%s' is not a choice of the question '%s' of form %s"),
                    cfg->unit_code, f->unit_field, f->form_id);
            run_free(r);
            return -1;
        }
        r->skip = r->ufield;
    }
    prefill(r);
    *out = r;
    return 0;
}

void run_free(run_t *r)
{
    if (!r)
        return;
    ans_free(r->ans);
    ans_choices_free(r->view);
    free(r->draft_key);
    free(r->unit_code);
    free(r->item_ids);
    free(r->owner);
    if (r->secret)
        seal_wipe(r->secret, strlen(r->secret));
    free(r->secret);
    seal_wipe(r->key, sizeof r->key);
    free(r);
}

const ans_t *run_answers(const run_t *r)
{
    return r->ans;
}

const form_t *run_form(const run_t *r)
{
    return r->cfg.form;
}

void run_reset(run_t *r)
{
    ans_clear_all(r->ans);
    prefill(r);
    r->drafted = 0;
    r->shown_group = -2;
}

/* ---- walking ---- */

int run_shown(const run_t *r, int pos)
{
    const form_t *f = r->cfg.form;
    if (pos < 0 || (size_t)pos >= f->nitems || pos == r->skip)
        return 0;
    const form_item_t *it = &f->items[pos];
    /* a repeat whose count is the respondent's is put as "add one?" */
    int asks_more = it->type == FORM_BEGIN_REPEAT && !it->repeat_count;
    if (it->type != FORM_NOTE && !is_asked(it) && !asks_more)
        return 0;
    return ans_relevant(r->ans, (size_t)pos);
}

/* The end_repeat of the repeat beginning at rpos. */
static int repeat_end(const form_t *f, int rpos)
{
    int e = rpos + 1;
    while ((size_t)e < f->nitems && f->items[e].type != FORM_END_REPEAT)
        e++;
    return e;
}

/* The walk through a repeat: its questions once per instance, the instance
 * in focus (ans_focus).  With a repeat_count the instances are made as it
 * says; without, the respondent is asked at the repeat whether to add one
 * (run_answer), and asked again after each.  p is the repeat's begin (from
 * after its question with from_begin) or its end; returns the position
 * run_next's walk goes on after. */
static int repeat_step(run_t *r, int p, int from_begin)
{
    const form_t *f = r->cfg.form;
    int rpos = p;
    while (rpos > 0 && f->items[rpos].type != FORM_BEGIN_REPEAT)
        rpos--;
    int end = repeat_end(f, rpos);
    size_t n = ans_instances(r->ans, (size_t)rpos);
    if (!f->items[rpos].repeat_count) {
        if (p == end)
            return rpos - 1;   /* to the repeat again: "another?" */
        int more = r->more;
        r->more = 0;
        if (from_begin && more)
            return rpos;       /* into the instance just added */
        ans_focus(r->ans, (size_t)rpos, (size_t)-1);
        return end;
    }
    if (p == rpos) {
        long want = ans_relevant(r->ans, (size_t)rpos)
                        ? ans_instances_wanted(r->ans, (size_t)rpos) : 0;
        while ((long)n > want)
            ans_instance_remove(r->ans, (size_t)rpos, --n);
        while ((long)n < want && ans_instance_add(r->ans, (size_t)rpos) >= 0)
            n++;
        if (n == 0)
            return end;
        ans_focus(r->ans, (size_t)rpos, 0);
        return rpos;
    }
    long k = ans_focused(r->ans, (size_t)rpos);
    if (k >= 0 && (size_t)k + 1 < n) {
        ans_focus(r->ans, (size_t)rpos, (size_t)k + 1);
        return rpos;
    }
    ans_focus(r->ans, (size_t)rpos, (size_t)-1);
    return end;
}

int run_next(const run_t *r, int pos)
{
    run_t *m = (run_t *)r;   /* walking into a repeat moves its focus */
    const form_t *f = r->cfg.form;
    int n = (int)f->nitems;
    int p = pos < 0 ? 0 : pos + 1;
    if (pos >= 0 && f->items[pos].type == FORM_BEGIN_REPEAT)
        p = repeat_step(m, pos, 1) + 1;
    for (; p < n; p++) {
        form_type_t t = f->items[p].type;
        if (t == FORM_END_REPEAT || (t == FORM_BEGIN_REPEAT && f->items[p].repeat_count)) {
            p = repeat_step(m, p, 0);
            continue;
        }
        if (run_shown(r, p))
            return p;
        if (t == FORM_BEGIN_REPEAT)
            p = repeat_end(f, p);   /* not relevant: none of it is asked */
    }
    return n;
}

int run_prev(const run_t *r, int pos)
{
    for (int p = pos - 1; p >= 0; p--)
        if (run_shown(r, p) && is_asked(&r->cfg.form->items[p]))
            return p;
    return -1;
}

int run_number(const run_t *r, int pos, int *total)
{
    const form_t *f = r->cfg.form;
    int k = 0, num = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        if ((int)i == r->skip || !counted(&f->items[i]))
            continue;
        k++;
        if ((int)i == pos)
            num = k;
    }
    if (total)
        *total = k;
    return num;
}

int run_count_answered(const run_t *r)
{
    int k = 0;
    for (size_t i = 0; i < r->cfg.form->nitems; i++)
        if ((int)i != r->skip && is_asked(&r->cfg.form->items[i]) &&
            ans_get(r->ans, i))
            k++;
    return k;
}

/* Full-width ASCII (U+FF01..FF5E) to ASCII, the ideographic space to a
 * space and the Chinese list commas to commas: a respondent whose input
 * method is in Chinese mode types "３" and "１，３". */
static char *fold_ascii(const char *s)
{
    util_buf_t b = {0};
    size_t n = strlen(s);
    util_buf_adds(&b, "");
    while (n > 0) {
        unsigned cp;
        int k = util_utf8_decode(s, n, &cp);
        if (cp >= 0xFF01 && cp <= 0xFF5E)
            util_buf_addc(&b, (char)(cp - 0xFEE0));
        else if (cp == 0x3000)
            util_buf_addc(&b, ' ');
        else if (cp == 0x3001)
            util_buf_addc(&b, ',');
        else
            util_buf_add(&b, s, (size_t)k);
        s += k;
        n -= (size_t)k;
    }
    return util_buf_take(&b);
}

int run_choice(const form_list_t *l, const char *typed)
{
    if (!l || !typed)
        return -1;
    char *t = util_trim(fold_ascii(typed));
    int k = form_list_choice(l, t);
    double x;
    long p;
    if (k < 0 && l->numeric && util_parse_double(t, &x) == 0) {
        /* "3.0" for 3; on a numeric list the number is the name, never a
         * position: on a 0-4 scale "4" must not mean the fourth choice */
        for (size_t c = 0; c < l->nchoices; c++)
            if (l->choices[c].num == x)
                k = (int)c;
    } else if (k < 0 && !l->numeric && util_parse_long(t, &p) == 0 && p >= 1 &&
               (size_t)p <= l->nchoices) {
        k = (int)p - 1;
    }
    free(t);
    return k;
}

/* The key shown for choice c and typed to select it. */
static char *choice_key(const form_list_t *l, size_t c)
{
    return l->numeric ? util_xstrdup(l->choices[c].name) : util_fmt("%zu", c + 1);
}

static char *range_text(const form_list_t *l)
{
    if (l->nchoices == 0)
        return util_xstrdup("-");
    char *a = choice_key(l, 0), *b = choice_key(l, l->nchoices - 1);
    char *s = l->nchoices == 1 ? util_xstrdup(a) : util_fmt("%s-%s", a, b);
    free(a);
    free(b);
    return s;
}

/* Turns a typed line into the canonical text ans_set takes, or a message
 * in our language. */
static int canonical(const run_t *r, int pos, const char *line, char **val, err_t *msg)
{
    const form_item_t *it = &r->cfg.form->items[pos];
    const form_list_t *l = list_of(r, pos);
    char *t = util_trim(it->type == FORM_TEXT ? util_xstrdup(line) : fold_ascii(line));
    *val = NULL;
    /* a terminal left in GBK would store bytes nobody can read back */
    if (!util_utf8_valid(t, strlen(t), NULL)) {
        err_set(msg, ERR_INPUT, TR(r->zh, "The text is not UTF-8; set the terminal's character set "
                                          "to UTF-8 and type it again."));
        free(t);
        return 1;
    }
    if (!*t || it->type == FORM_TEXT) {
        *val = t;
        return 0;
    }
    int rc = 0;
    switch (it->type) {
    case FORM_SELECT_ONE: {
        int k = run_choice(l, t);
        if (k < 0) {
            char *rg = range_text(l);
            err_set(msg, ERR_INPUT, TR(r->zh, "'%s' is not one of the choices (%s)"), t, rg);
            free(rg);
            rc = 1;
        } else {
            *val = util_xstrdup(l->choices[k].name);
        }
        break;
    }
    case FORM_SELECT_MULTIPLE: {
        util_buf_t b = {0};
        char *save = NULL;
        /* a choice given twice is one selection (ans_set folds it) */
        util_buf_adds(&b, "");
        for (char *tok = strtok_r(t, " ,;\t", &save); tok; tok = strtok_r(NULL, " ,;\t", &save)) {
            int k = run_choice(l, tok);
            if (k < 0) {
                char *rg = range_text(l);
                err_set(msg, ERR_INPUT, TR(r->zh, "'%s' is not one of the choices (%s; several "
                                                  "separated by spaces)"), tok, rg);
                free(rg);
                rc = 1;
                break;
            }
            if (b.len)
                util_buf_addc(&b, ' ');
            util_buf_adds(&b, l->choices[k].name);
        }
        if (rc)
            util_buf_free(&b);
        else
            *val = util_buf_take(&b);
        break;
    }
    case FORM_INTEGER: {
        long x;
        double d;
        if (util_parse_long(t, &x) != 0 &&
            !(util_parse_double(t, &d) == 0 && d == floor(d) && fabs(d) < 1e15)) {
            err_set(msg, ERR_INPUT, TR(r->zh, "'%s' is not a whole number"), t);
            rc = 1;
        } else {
            *val = util_xstrdup(t);
        }
        break;
    }
    case FORM_DECIMAL: {
        double d;
        if (util_parse_double(t, &d) != 0) {
            err_set(msg, ERR_INPUT, TR(r->zh, "'%s' is not a number"), t);
            rc = 1;
        } else {
            *val = util_xstrdup(t);
        }
        break;
    }
    case FORM_DATE:
        *val = util_xstrdup(t);   /* ans_set reads the date and says what is wrong */
        break;
    case FORM_RANK: {
        /* the options' numbers (or names) in order; ans_set checks that
         * every option is there once */
        util_buf_t b = {0};
        char *save = NULL;
        util_buf_adds(&b, "");
        for (char *tok = strtok_r(t, " ,;\t", &save); tok; tok = strtok_r(NULL, " ,;\t", &save)) {
            int k = run_choice(l, tok);
            if (b.len)
                util_buf_addc(&b, ' ');
            util_buf_adds(&b, k >= 0 ? l->choices[k].name : tok);
        }
        *val = util_buf_take(&b);
        break;
    }
    default:
        err_set(msg, ERR_INPUT, TR(r->zh, "this item takes no answer"));
        rc = 1;
    }
    free(t);
    return rc;
}

static int has_text(const form_t *f, form_text_t t)
{
    return *form_text(f, t, f->default_lang) != '\0';
}

/* required is enforced for respondents; a keyer types what is on paper,
 * blanks included, except the unit, without which nothing can be stored */
static int must_answer(const run_t *r, int pos)
{
    if (pos == r->ufield && r->cfg.unit == 0)
        return 1;
    return r->cfg.form->items[pos].required && !r->cfg.entry;
}

int run_required(const run_t *r, int pos)
{
    return pos >= 0 && (size_t)pos < r->cfg.form->nitems && must_answer(r, pos);
}

/* Item pos is required and has no answer: the form's message, else ours. */
static void required_msg(const run_t *r, int pos, err_t *msg)
{
    const form_t *f = r->cfg.form;
    const form_item_t *it = &f->items[pos];
    if (it->required_message && has_text(f, it->required_message))
        err_set(msg, ERR_INPUT, "%s", form_text(f, it->required_message, r->li));
    else
        err_set(msg, ERR_INPUT, "%s", TR(r->zh, "This question must be answered."));
}

static int constraint_msg(const run_t *r, int pos, err_t *msg)
{
    err_t m = {0};
    if (ans_check_constraint(r->ans, (size_t)pos, r->li, &m) == 0)
        return 0;
    const form_t *f = r->cfg.form;
    const form_item_t *it = &f->items[pos];
    if (it->constraint_message && has_text(f, it->constraint_message)) {
        err_move(msg, &m);
    } else {
        err_clear(&m);
        err_set(msg, ERR_INPUT, TR(r->zh, "This answer is not allowed here (%s)."),
                it->constraint_src);
    }
    return 1;
}

static int load_item_ids(run_t *r, err_t *err)
{
    if (r->item_ids)
        return 0;
    size_t n;
    if (store_item_ids(r->cfg.store, r->cfg.form_row, &r->item_ids, &n, err) != 0)
        return -1;
    if (n != r->cfg.form->nitems) {
        err_set(err, ERR_FAIL, _("the stored form %d has %zu items, the loaded one %zu"),
                r->cfg.form_row, n, r->cfg.form->nitems);
        return -1;
    }
    return 0;
}

static int unit_known(const run_t *r, const char *code, int *unit, err_t *msg)
{
    err_t e = {0};
    int rc = store_unit_find(r->cfg.store, code, unit, &e);
    if (rc == 1)
        err_set(msg, ERR_INPUT, TR(r->zh, "Unit %s is not in the database yet; the survey's "
                                          "organiser must add it with 'gapsurvey unit import'."),
                code);
    else if (rc < 0)
        err_move(msg, &e);
    err_clear(&e);
    return rc;
}

/* ---- encrypted drafts ----
 * The answers of a draft made with an invitation code are one box,
 * rewritten whole at each answer: "POS LEN\n" and LEN bytes of text per
 * answer, encrypted with seal_lock under a key from the code.  The key
 * is derived once per session (a tenth of a second), with the salt of the
 * box already stored, or a new one for a new draft. */
static int draft_key(run_t *r, const unsigned char *salt, err_t *err)
{
    if (r->have_key && (!salt || memcmp(salt, r->salt, sizeof r->salt) == 0))
        return 0;
    if (salt)
        memcpy(r->salt, salt, sizeof r->salt);
    else
        seal_random(r->salt, sizeof r->salt);
    if (seal_draft_key(r->secret, r->salt, r->key) != 0) {
        err_set(err, ERR_NOMEM, _("not enough memory to derive the draft's key"));
        return -1;
    }
    r->have_key = 1;
    return 0;
}

static int draft_seal(run_t *r, err_t *err)
{
    util_buf_t b = {0};
    for (size_t i = 0; i < r->cfg.form->nitems; i++) {
        /* a repeat's questions are inside the repeat's own value */
        const char *v = r->cfg.form->items[i].repeat >= 0 ? NULL : ans_get(r->ans, i);
        if (v) {
            util_buf_addf(&b, "%zu %zu\n", i, strlen(v));
            util_buf_adds(&b, v);
        }
    }
    size_t n = 0;
    unsigned char *box = NULL;
    int rc = draft_key(r, NULL, err);
    if (rc == 0) {
        box = seal_lock(r->key, r->salt, b.s ? b.s : "", b.len, &n);
        rc = store_draft_box(r->cfg.store, r->draft_key, box, n, err);
    }
    seal_wipe(b.s, b.len);
    util_buf_free(&b);
    free(box);
    return rc;
}

static int draft_cb(void *ud, int pos, const char *text);

/* The answers of the draft's box, if it has one. */
static int draft_unseal(run_t *r, err_t *err)
{
    unsigned char *box = NULL;
    char *m = NULL;
    size_t n = 0, mn = 0;
    int rc = store_draft_box_get(r->cfg.store, r->draft_key, &box, &n, err);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    rc = -1;
    if (!seal_salt(box, n) || draft_key(r, seal_salt(box, n), err) != 0)
        goto cleanup;
    if (seal_unlock(r->key, box, n, &m, &mn) != 0) {
        err_set(err, ERR_INPUT, _("the saved draft cannot be read with this code"));
        goto cleanup;
    }
    for (char *p = m, *end = m + mn; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t pos, len;
        if (!nl || sscanf(p, "%zu %zu", &pos, &len) != 2 || len > (size_t)(end - nl - 1))
            break;
        char *v = util_xstrndup(nl + 1, len);
        draft_cb(r, (int)pos, v);
        seal_wipe(v, len);
        free(v);
        p = nl + 1 + len;
    }
    rc = 0;
cleanup:
    if (m)
        seal_wipe(m, mn);
    free(m);
    free(box);
    return rc;
}

/* The answer to a repeat's "add one?": y (or 1) adds an instance and puts
 * it in focus, anything else empty or n (2, 0) goes on past the repeat. */
static int repeat_answer(run_t *r, int pos, const char *line, err_t *msg)
{
    char *t = util_trim(fold_ascii(line));
    int yes = util_streq_ci(t, "y") || util_streq_ci(t, "yes") || strcmp(t, "1") == 0 ||
              strcmp(t, "是") == 0;
    int no = !*t || util_streq_ci(t, "n") || util_streq_ci(t, "no") || strcmp(t, "2") == 0 ||
             strcmp(t, "0") == 0 || strcmp(t, "否") == 0;
    free(t);
    if (!yes && !no) {
        err_set(msg, ERR_INPUT, TR(r->zh, "Type y to add one, or n to go on."));
        return 1;
    }
    if (yes && ans_instance_add(r->ans, (size_t)pos) < 0) {
        err_set(msg, ERR_INPUT, TR(r->zh, "No more than %d can be added."), FORM_MAX_INSTANCES);
        return 1;
    }
    r->more = yes;
    return 0;
}

int run_answer(run_t *r, int pos, const char *line, err_t *msg)
{
    const form_t *f = r->cfg.form;
    size_t n = f->nitems;
    err_t e = {0};
    char *val = NULL, *old = NULL;
    char *had = NULL;
    int rc = 1, in_tx = 0;
    if (f->items[pos].type == FORM_BEGIN_REPEAT && run_shown(r, pos))
        return repeat_answer(r, pos, line, msg);
    if (!run_shown(r, pos) || !is_asked(&f->items[pos])) {
        err_set(msg, ERR_INPUT, TR(r->zh, "this item takes no answer"));
        goto cleanup;
    }
    if (canonical(r, pos, line, &val, msg) != 0)
        goto cleanup;
    if (!*val && must_answer(r, pos)) {
        required_msg(r, pos, msg);
        goto cleanup;
    }
    if (*val && pos == r->ufield && r->cfg.unit == 0) {
        int unit;
        int u = unit_known(r, val, &unit, msg);
        if (u != 0) {
            rc = u < 0 ? -1 : 1;
            goto cleanup;
        }
    }
    old = util_xstrdup(ans_get(r->ans, (size_t)pos));
    if (ans_set(r->ans, (size_t)pos, val, &e) != 0) {
        err_move(msg, &e);
        goto cleanup;
    }
    if (constraint_msg(r, pos, msg)) {
        if (ans_set(r->ans, (size_t)pos, old ? old : "", &e) != 0)
            err_clear(&e);
        goto cleanup;
    }
    /* answers that this one made irrelevant are dropped (ODK does the
     * same), and must leave the draft too */
    had = util_xcalloc(n + 1, 1);
    for (size_t i = 0; i < n; i++)
        had[i] = ans_get(r->ans, i) != NULL;
    ans_drop_irrelevant(r->ans);
    rc = 0;
    if (!r->draft_key)
        goto cleanup;
    store_t *s = r->cfg.store;
    if (store_begin(s, &e) != 0)
        goto fail;
    in_tx = 1;
    /* an answer in a repeat is kept as the repeat's whole value, and a
     * session resumed there starts at the repeat */
    int dpos = f->items[pos].repeat >= 0 ? f->items[pos].repeat : pos;
    if (store_draft_put(s, r->draft_key, r->cfg.form_row, r->cfg.wave, r->cfg.unit, dpos, &e) != 0 ||
        (!r->drafted && store_draft_set_owner(s, r->draft_key, r->owner, &e) != 0))
        goto fail;
    if (r->secret) {
        if (draft_seal(r, &e) != 0)
            goto fail;
    } else {
        if (store_draft_answer(s, r->draft_key, dpos, ans_get(r->ans, (size_t)dpos), &e) != 0)
            goto fail;
        for (size_t i = 0; i < n; i++)
            if (had[i] && !ans_get(r->ans, i) &&
                store_draft_answer(s, r->draft_key, (int)i, NULL, &e) != 0)
                goto fail;
    }
    if (store_commit(s, &e) != 0)
        goto fail;
    in_tx = 0;
    r->drafted = 1;
    goto cleanup;
fail:
    if (in_tx)
        store_rollback(r->cfg.store);
    err_set(msg, e.code, _("saving the answer failed: %s"), e.msg ? e.msg : "?");
    rc = -1;
cleanup:
    err_clear(&e);
    free(had);
    free(old);
    free(val);
    return rc;
}

/* ---- a row of ratings typed as one string (data entry) ---- */

/* Item p takes one digit: a shown select_one on a rating scale whose
 * choices are the digits 0-9, outside any repeat. */
static int digit_item(const run_t *r, int p)
{
    const form_t *f = r->cfg.form;
    if (p < 0 || (size_t)p >= f->nitems || !run_shown(r, p))
        return 0;
    const form_item_t *it = &f->items[p];
    const form_list_t *l = list_of(r, p);
    return it->type == FORM_SELECT_ONE && it->repeat < 0 && run_is_scale(l) &&
           l->choices[0].num >= 0 && l->choices[l->nchoices - 1].num <= 9;
}

/* The next item after p that is asked (notes are passed over), or nitems. */
static int next_asked(const run_t *r, int p)
{
    const form_t *f = r->cfg.form;
    do
        p = run_next(r, p);
    while ((size_t)p < f->nitems && f->items[p].type == FORM_NOTE);
    return p;
}

/* Tries the digits of t on the items from pos on, in r->ans only: 0 when
 * every digit is a choice of its item (positions in ps), else 2 with *msg.
 * The answers set are put back either way. */
static int row_try(run_t *r, int pos, const char *t, int *ps, err_t *msg)
{
    size_t n = strlen(t), set = 0;
    char **old = util_xcalloc(n, sizeof *old);
    int rc = 0, total;
    run_number(r, pos, &total);
    for (size_t k = 0; k < n && rc == 0; k++) {
        int p = k ? next_asked(r, ps[k - 1]) : pos;
        if (!digit_item(r, p)) {
            err_set(msg, ERR_INPUT, TR(r->zh, "A row of %zu ratings, but only %zu rating questions "
                                       "follow from here; nothing was filled. Key the rest one "
                                       "answer per question."), n, k);
            rc = 2;
            break;
        }
        const form_list_t *l = list_of(r, p);
        char d[2] = {t[k], '\0'};
        err_t e = {0};
        int c = run_choice(l, d);
        if (c < 0) {
            char *rg = range_text(l);
            err_set(msg, ERR_INPUT, TR(r->zh, "Digit %zu of the row, '%c', is not a choice of question "
                                       "%d (%s); nothing was filled."), k + 1, t[k],
                        run_number(r, p, NULL), rg);
            free(rg);
            rc = 2;
            break;
        }
        ps[k] = p;
        old[set++] = util_xstrdup(ans_get(r->ans, (size_t)p));
        if (ans_set(r->ans, (size_t)p, l->choices[c].name, &e) != 0) {
            rc = 2;
        } else if (constraint_msg(r, p, &e)) {
            err_set(msg, ERR_INPUT, TR(r->zh, "Question %d: %s; nothing was filled."),
                    run_number(r, p, NULL), e.msg);
            rc = 2;
        }
        err_clear(&e);
    }
    while (set > 0) {
        set--;
        err_t e = {0};
        /* it was this item's answer a moment ago: it cannot be refused */
        ans_set(r->ans, (size_t)ps[set], old[set] ? old[set] : "", &e);
        err_clear(&e);
        free(old[set]);
    }
    free(old);
    return rc;
}

int run_answer_row(run_t *r, int pos, const char *line, int **filled, size_t *nfilled,
                   err_t *msg)
{
    char *t = util_trim(fold_ascii(line));
    size_t n = strlen(t);
    int rc = 1;
    *filled = NULL;
    *nfilled = 0;
    if (n < 2 || strspn(t, "0123456789") != n || !digit_item(r, pos))
        goto cleanup;   /* not a row: the line is one answer */
    int *ps = util_xcalloc(n, sizeof *ps);
    rc = row_try(r, pos, t, ps, msg);
    for (size_t k = 0; rc == 0 && k < n; k++) {
        char d[2] = {t[k], '\0'};
        /* the same digits on the same items: only saving can fail now */
        if (run_answer(r, ps[k], d, msg) != 0)
            rc = -1;
    }
    if (rc == 0) {
        *filled = ps;
        *nfilled = n;
    } else {
        free(ps);
    }
cleanup:
    free(t);
    return rc;
}

int run_move(run_t *r, int pos, err_t *err)
{
    if (!r->draft_key || !r->drafted)
        return 0;
    const form_t *f = r->cfg.form;
    if (pos >= 0 && (size_t)pos < f->nitems && f->items[pos].repeat >= 0)
        pos = f->items[pos].repeat;
    return store_draft_put(r->cfg.store, r->draft_key, r->cfg.form_row, r->cfg.wave, r->cfg.unit,
                           pos, err);
}

/* The first of items [first, end) whose answer is missing or refused. */
static int check_range(const run_t *r, size_t first, size_t end, int *pos, err_t *msg)
{
    const form_t *f = r->cfg.form;
    for (size_t i = first; i < end; i++) {
        if (!run_shown(r, (int)i) || !is_asked(&f->items[i]))
            continue;
        if (!ans_get(r->ans, i) && must_answer(r, (int)i)) {
            *pos = (int)i;
            required_msg(r, (int)i, msg);
            return 1;
        }
        if (constraint_msg(r, (int)i, msg)) {
            *pos = (int)i;
            return 1;
        }
    }
    return 0;
}

int run_check(const run_t *r, int *pos, err_t *msg)
{
    const form_t *f = r->cfg.form;
    size_t start = 0;
    for (size_t i = 0; i <= f->nitems; i++) {
        if (i < f->nitems && f->items[i].type != FORM_BEGIN_REPEAT)
            continue;
        if (check_range(r, start, i, pos, msg))
            return 1;
        if (i == f->nitems)
            break;
        /* each instance of the repeat, left in focus where one fails */
        size_t end = (size_t)repeat_end(f, (int)i);
        for (size_t k = 0; ans_relevant(r->ans, i) && k < ans_instances(r->ans, i); k++) {
            ans_focus(r->ans, i, k);
            if (check_range(r, i + 1, end, pos, msg))
                return 1;
        }
        ans_focus(r->ans, i, (size_t)-1);
        start = end;
        i = end;
    }
    return 0;
}

/* ---- drafts ---- */

static int draft_cb(void *ud, int pos, const char *text)
{
    run_t *r = ud;
    /* a refused answer cannot happen with the form version the draft was made with */
    if (pos >= 0 && (size_t)pos < r->cfg.form->nitems && pos != r->skip)
        ans_set(r->ans, (size_t)pos, text, NULL);
    return 0;
}

int run_draft_load(run_t *r, int *cursor, err_t *err)
{
    store_draft_t d;
    if (!r->draft_key)
        return 1;
    ans_clear_all(r->ans);
    prefill(r);
    int rc = store_draft_get(r->cfg.store, r->draft_key, &d, draft_cb, r, err);
    if (rc == 0 && r->secret)
        rc = draft_unseal(r, err);
    if (rc != 0)
        return rc;
    if (d.form != r->cfg.form_row) {
        err_set(err, ERR_FAIL, _("the draft was made with another version of the form (%d, not "
                                 "%d)"), d.form, r->cfg.form_row);
        ans_clear_all(r->ans);
        prefill(r);
        return -1;
    }
    ans_drop_irrelevant(r->ans);
    int n = (int)r->cfg.form->nitems, c = d.cursor;
    if (c < 0 || c > n)
        c = 0;
    if (c < n && !run_shown(r, c))
        c = run_next(r, c);
    *cursor = c;
    r->drafted = 1;
    return 0;
}

int run_draft_discard(run_t *r, err_t *err)
{
    store_t *s = r->cfg.store;
    ans_clear_all(r->ans);
    prefill(r);
    r->drafted = 0;
    if (!r->draft_key)
        return 0;
    /* the row is made again at once, still marked as ours, so no other
     * session can take the key in between */
    if (store_begin(s, err) != 0)
        return -1;
    if (store_draft_delete(s, r->draft_key, err) != 0 ||
        store_draft_put(s, r->draft_key, r->cfg.form_row, r->cfg.wave, r->cfg.unit, 0, err) != 0 ||
        store_draft_set_owner(s, r->draft_key, r->owner, err) != 0 || store_commit(s, err) != 0) {
        store_rollback(s);
        return -1;
    }
    r->drafted = 1;
    return 0;
}

/* ---- storing ---- */

int run_unit(const run_t *r, int *unit, err_t *msg)
{
    if (r->cfg.unit > 0) {
        *unit = r->cfg.unit;
        return 0;
    }
    const char *code = r->ufield >= 0 ? ans_get(r->ans, (size_t)r->ufield) : NULL;
    if (!code) {
        err_set(msg, ERR_INPUT, TR(r->zh, "The unit is not known: answer the unit question."));
        return 1;
    }
    return unit_known(r, code, unit, msg) == 0 ? 0 : 1;
}

int run_submit(run_t *r, const char *source, const char *token_hash, long *response, err_t *err)
{
    int unit;
    err_t m = {0};
    if (load_item_ids(r, err) != 0)
        return -1;
    if (run_unit(r, &unit, &m) != 0) {
        err_move(err, &m);
        return -1;
    }
    ans_drop_irrelevant(r->ans);
    int rc = ans_submit(r->cfg.store, r->ans, r->cfg.form_row, r->item_ids, r->cfg.wave, unit,
                        source, token_hash, r->draft_key, err);
    if (rc == 0) {
        *response = store_response_last(r->cfg.store);
        r->drafted = 0;
    }
    return rc;
}

/* Inside the transaction that stores a keyed questionnaire: its answers
 * leave the draft, but the draft row stays, still ours, for the next
 * questionnaire, so no other session can take the key in between. */
static int empty_draft(run_t *r, err_t *err)
{
    store_t *s = r->cfg.store;
    if (!r->draft_key)
        return 0;
    if (store_draft_delete(s, r->draft_key, err) != 0 ||
        store_draft_put(s, r->draft_key, r->cfg.form_row, r->cfg.wave, r->cfg.unit, 0, err) != 0 ||
        store_draft_set_owner(s, r->draft_key, r->owner, err) != 0)
        return -1;
    return 0;
}

int run_batch_keep(run_t *r, int batch, long seq, err_t *err)
{
    const form_t *f = r->cfg.form;
    store_t *s = r->cfg.store;
    int *pos = util_xcalloc(f->nitems + 1, sizeof *pos);
    const char **text = util_xcalloc(f->nitems + 1, sizeof *text);
    size_t n = 0;
    int rc = -1, unit;
    err_t m = {0};
    if (run_unit(r, &unit, &m) != 0) {
        err_move(err, &m);
        goto cleanup;
    }
    ans_drop_irrelevant(r->ans);
    for (size_t i = 0; i < f->nitems; i++)
        if (ans_get(r->ans, i)) {
            pos[n] = (int)i;
            text[n++] = ans_get(r->ans, i);
        }
    if (store_begin(s, err) != 0)
        goto cleanup;
    if (store_batch_keep(s, batch, seq, pos, text, n, err) != 0 || empty_draft(r, err) != 0 ||
        store_commit(s, err) != 0) {
        store_rollback(s);
        goto cleanup;
    }
    rc = 0;
cleanup:
    free(pos);
    free(text);
    return rc;
}

typedef struct {
    char **v;
    size_t n;
} values_t;

static int values_cb(void *ud, int pos, const char *text)
{
    values_t *vs = ud;
    if (pos >= 0 && (size_t)pos < vs->n) {
        free(vs->v[pos]);
        vs->v[pos] = util_xstrdup(text);
    }
    return 0;
}

int run_batch_first(run_t *r, int batch, long seq, char ***values, err_t *err)
{
    values_t vs = {util_xcalloc(r->cfg.form->nitems + 1, sizeof(char *)), r->cfg.form->nitems};
    if (store_batch_values(r->cfg.store, batch, seq, values_cb, &vs, err) != 0) {
        run_values_free(vs.v, vs.n);
        *values = NULL;
        return -1;
    }
    *values = vs.v;
    return 0;
}

void run_values_free(char **values, size_t n)
{
    if (!values)
        return;
    for (size_t i = 0; i < n; i++)
        free(values[i]);
    free(values);
}

int run_store_entry(run_t *r, long *response, err_t *err)
{
    return run_batch_verified(r, 0, 0, 0, 0, response, err);
}

int run_batch_verified(run_t *r, int batch, long seq, long compared, long differences,
                       long *response, err_t *err)
{
    store_t *s = r->cfg.store;
    store_answer_t *rows = NULL;
    size_t n = 0;
    int rc = -1, unit;
    err_t m = {0};
    char today[11];
    if (load_item_ids(r, err) != 0)
        return -1;
    if (run_unit(r, &unit, &m) != 0) {
        err_move(err, &m);
        return -1;
    }
    util_today(today);
    ans_drop_irrelevant(r->ans);
    ans_to_store(r->ans, r->item_ids, &rows, &n);
    if (store_begin(s, err) != 0)
        goto cleanup;
    if (ballot_response_add(s, r->cfg.form_row, r->cfg.wave, unit, today, "entry", rows, n, err) != 0)
        goto rollback;
    *response = store_response_last(s);
    if ((batch && store_batch_verified(s, batch, seq, compared, differences, err) != 0) ||
        empty_draft(r, err) != 0 || store_commit(s, err) != 0)
        goto rollback;
    rc = 0;
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    free(rows);
    return rc;
}

/* ---- layout ---- */

int run_is_scale(const form_list_t *l)
{
    if (!l || !l->numeric || l->nchoices < 2 || l->nchoices > 11)
        return 0;
    for (size_t c = 0; c < l->nchoices; c++)
        if (l->choices[c].num != floor(l->choices[c].num) ||
            l->choices[c].num != l->choices[0].num + (double)c)
            return 0;
    return 1;
}

/* Kinsoku: marks that may not begin a line, and that may not end one. */
static int no_start(unsigned cp)
{
    static const unsigned set[] = {0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
                                   0xFF09, 0x300B, 0x300D, 0x300F, 0x3011, 0x3009, 0x201D,
                                   0x2019, 0x2026, 0xFF0E, 0x30FC, 0x00A0, ',', '.', ';', ':',
                                   '?', '!', ')', ']', '}', '%'};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return 1;
    return 0;
}

static int no_end(unsigned cp)
{
    static const unsigned set[] = {0xFF08, 0x300A, 0x300C, 0x300E, 0x3010, 0x3008, 0x201C,
                                   0x2018, 0x00A0, '(', '[', '{'};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return 1;
    return 0;
}

typedef struct {
    size_t off, len, width;
    int space_before;
    int newline;          /* a forced line break, no text */
} atom_t;

/* Splits text into the pieces a line may not break inside: a word of
 * narrow characters, or one wide character together with the punctuation
 * that must stay with it. */
static atom_t *atoms_of(const char *text, size_t *count)
{
    size_t n = strlen(text), i = 0, k = 0, cap = 16;
    atom_t *a = util_xmalloc(cap * sizeof *a);
    int open = 0, pending_space = 0, last_wide = 0;
    unsigned last = 0;
    while (i < n) {
        unsigned cp;
        int len = util_utf8_decode(text + i, n - i, &cp);
        if (cp == ' ' || cp == '\t' || cp == '\r') {
            open = 0;
            pending_space = 1;
            i += (size_t)len;
            continue;
        }
        if (k + 2 >= cap)
            a = util_xrealloc(a, (cap *= 2) * sizeof *a);
        if (cp == '\n') {
            a[k++] = (atom_t){i, 0, 0, 0, 1};
            open = 0;
            pending_space = 0;
            i += (size_t)len;
            continue;
        }
        int w = util_cp_width(cp), wide = w == 2;
        int fresh = !open || ((wide || last_wide) && !no_start(cp) && !no_end(last));
        if (fresh) {
            a[k++] = (atom_t){i, 0, 0, pending_space, 0};
            open = 1;
        }
        a[k - 1].len += (size_t)len;
        a[k - 1].width += (size_t)w;
        last = cp;
        last_wide = wide;
        pending_space = 0;
        i += (size_t)len;
    }
    *count = k;
    return a;
}

static void spaces(util_buf_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        util_buf_addc(out, ' ');
}

/* Copies n bytes of text, no-break spaces as plain ones. */
static void add_text(util_buf_t *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
            util_buf_addc(out, ' ');
            i++;
        } else {
            util_buf_addc(out, s[i]);
        }
    }
}

void run_wrap(util_buf_t *out, const char *prefix, const char *text, size_t width,
              size_t indent)
{
    size_t maxw = width > 1 ? width - 1 : 1;
    if (indent + 4 > maxw)
        indent = maxw > 4 ? maxw - 4 : 0;
    size_t col = prefix ? util_utf8_width(prefix) : 0, count;
    int line_has = 0;
    if (prefix)
        util_buf_adds(out, prefix);
    atom_t *a = atoms_of(text ? text : "", &count);
    for (size_t i = 0; i < count; i++) {
        if (a[i].newline) {
            util_buf_addc(out, '\n');
            spaces(out, indent);
            col = indent;
            line_has = 0;
            continue;
        }
        size_t sp = a[i].space_before && line_has ? 1 : 0;
        if (col + sp + a[i].width > maxw && line_has) {
            util_buf_addc(out, '\n');
            spaces(out, indent);
            col = indent;
            sp = 0;
        }
        spaces(out, sp);
        col += sp;
        if (col + a[i].width <= maxw) {
            add_text(out, text + a[i].off, a[i].len);
            col += a[i].width;
        } else {
            /* longer than a line (a URL, a long number): cut anywhere */
            const char *s = text + a[i].off;
            size_t left = a[i].len;
            while (left > 0) {
                unsigned cp;
                int len = util_utf8_decode(s, left, &cp);
                size_t w = (size_t)util_cp_width(cp);
                if (col + w > maxw && col > indent) {
                    util_buf_addc(out, '\n');
                    spaces(out, indent);
                    col = indent;
                }
                add_text(out, s, (size_t)len);
                col += w;
                s += len;
                left -= (size_t)len;
            }
        }
        line_has = 1;
    }
    util_buf_addc(out, '\n');
    free(a);
}

char *run_fit(const char *text, size_t width, int ascii)
{
    const char *ell = ascii ? "..." : "\xE2\x80\xA6";
    size_t ew = ascii ? 3 : 1;
    if (!text)
        return util_xstrdup("");
    if (util_utf8_width(text) <= width && !strchr(text, '\n'))
        return util_xstrdup(text);
    util_buf_t b = {0};
    util_buf_adds(&b, "");
    size_t n = strlen(text), i = 0, col = 0;
    while (i < n) {
        unsigned cp;
        int len = util_utf8_decode(text + i, n - i, &cp);
        size_t w = (size_t)util_cp_width(cp);
        if (col + w + ew > width)
            break;
        if (cp == '\n' || cp == '\r' || cp == '\t')
            util_buf_addc(&b, ' ');
        else
            util_buf_add(&b, text + i, (size_t)len);
        col += w;
        i += (size_t)len;
    }
    if (i < n && width >= ew)
        util_buf_adds(&b, ell);
    return util_buf_take(&b);
}

void run_rule(util_buf_t *out, const char *title, const char *right, size_t width, int ascii)
{
    const char *h = ascii ? "-" : "\xE2\x94\x80";
    size_t maxw = width > 1 ? width - 1 : 1, col = 0;
    char *t = title && *title ? run_fit(title, maxw > 12 ? maxw - 12 : 1, ascii) : NULL;
    util_buf_adds(out, h);
    util_buf_adds(out, h);
    col = 2;
    if (t) {
        util_buf_addf(out, " %s ", t);
        col += util_utf8_width(t) + 2;
    }
    size_t rw = right ? util_utf8_width(right) + 4 : 0;
    for (; col + rw < maxw; col++)
        util_buf_adds(out, h);
    if (right && col + rw <= maxw)
        util_buf_addf(out, " %s %s%s", right, h, h);
    util_buf_addc(out, '\n');
    free(t);
}

static char *item_tag(const run_t *r, int pos, int pad);

/* The label as shown: earlier answers filled in (${name}).  Heap. */
static char *label_of(const run_t *r, int pos)
{
    const form_t *f = r->cfg.form;
    const char *l = form_text(f, f->items[pos].label, r->li);
    return *l ? ans_fill(r->ans, l, r->li)
              : util_xstrdup(f->items[pos].name ? f->items[pos].name : "");
}

static const char *choice_label(const run_t *r, const form_list_t *l, size_t c)
{
    const char *s = form_text(r->cfg.form, l->choices[c].label, r->li);
    return *s ? s : l->choices[c].name;
}

void run_render_intro(const run_t *r, size_t width, util_buf_t *out)
{
    const form_t *f = r->cfg.form;
    const char *title = form_title_in(f, r->li);
    if (!*title)
        title = f->form_id;
    /* a title in a script the terminal cannot show gives way to the
     * form's id rather than a row of question marks */
    for (const char *p = title; r->cfg.ascii && !r->zh && *p; p++)
        if ((unsigned char)*p >= 0x80) {
            title = f->form_id;
            break;
        }
    run_rule(out, title, NULL, width, r->cfg.ascii);
    if (r->cfg.entry)
        run_wrap(out, NULL, TR(r->zh, "Key each item and press Enter; Enter alone leaves it blank. "
                                      "Choices are keyed by their number. b\u00A0=\u00A0back, "
                                      "n\u00A0=\u00A0save and start the next questionnaire, "
                                      "?\u00A0=\u00A0help, q\u00A0=\u00A0quit (what is keyed is "
                                      "kept)."),
                 width, 0);
    else
        run_wrap(out, NULL, TR(r->zh, "Type the number of your answer and press Enter. Enter alone "
                                      "keeps the answer shown. b\u00A0=\u00A0back, "
                                      "?\u00A0=\u00A0help, q\u00A0=\u00A0save and quit (you can "
                                      "continue later)."),
                 width, 0);
}

/* A list on one line when it fits: "  1 Strongly disagree   2 Disagree ...". */
static int render_line(const run_t *r, const form_list_t *l, size_t maxw, size_t sep,
                       util_buf_t *out)
{
    size_t w = 2;
    for (size_t c = 0; c < l->nchoices; c++) {
        char *k = choice_key(l, c);
        w += util_utf8_width(k) + 1 + util_utf8_width(choice_label(r, l, c)) + (c ? sep : 0);
        free(k);
    }
    if (w > maxw)
        return 0;
    util_buf_adds(out, "  ");
    for (size_t c = 0; c < l->nchoices; c++) {
        char *k = choice_key(l, c);
        if (c)
            spaces(out, sep);
        util_buf_addf(out, "%s %s", k, choice_label(r, l, c));
        free(k);
    }
    util_buf_addc(out, '\n');
    return 1;
}

/* A scale too long for one line with every label: the end points keep
 * their labels, the steps between are numbers ("1 Strongly disagree  2  3
 * 4  5 Strongly agree"), the way paper questionnaires print them. */
static int render_ends(const run_t *r, const form_list_t *l, size_t maxw, util_buf_t *out)
{
    size_t n = l->nchoices;
    const char *a = choice_label(r, l, 0), *z = choice_label(r, l, n - 1);
    util_buf_t b = {0};
    util_buf_adds(&b, "  ");
    for (size_t c = 0; c < n; c++) {
        if (c)
            util_buf_adds(&b, "  ");
        util_buf_adds(&b, l->choices[c].name);
        if (c == 0)
            util_buf_addf(&b, " %s", a);
        else if (c == n - 1)
            util_buf_addf(&b, " %s", z);
    }
    int ok = util_utf8_width(b.s) <= maxw;
    if (ok) {
        util_buf_adds(out, b.s);
        util_buf_addc(out, '\n');
    }
    util_buf_free(&b);
    return ok;
}

static void render_columns(const run_t *r, const form_list_t *l, size_t maxw, size_t rows,
                           util_buf_t *out)
{
    size_t n = l->nchoices, kw = 0, lw = 0, gap = 2;
    for (size_t c = 0; c < n; c++) {
        char *k = choice_key(l, c);
        size_t w = util_utf8_width(k), x = util_utf8_width(choice_label(r, l, c));
        kw = w > kw ? w : kw;
        lw = x > lw ? x : lw;
        free(k);
    }
    size_t avail = maxw > 2 ? maxw - 2 : 1;   /* two spaces of margin */
    size_t colw = kw + 1 + lw + gap;
    size_t ncols = (avail + gap) / colw;
    if (ncols < 1)
        ncols = 1;
    size_t maxrows = rows > 9 ? rows - 4 : 5;
    size_t nrows = (n + ncols - 1) / ncols;
    if (nrows > maxrows) {
        /* more columns, labels cut, so the whole list stays on screen */
        ncols = (n + maxrows - 1) / maxrows;
        colw = (avail + gap) / ncols;
        if (colw < kw + 1 + 4 + gap) {
            ncols = (avail + gap) / (kw + 1 + 4 + gap);
            if (ncols < 1)
                ncols = 1;
            colw = (avail + gap) / ncols;
        }
        nrows = (n + ncols - 1) / ncols;
    }
    if (ncols == 1) {
        for (size_t c = 0; c < n; c++) {
            char *k = choice_key(l, c);
            char *pre = util_fmt("  %*s%s ", (int)(kw - util_utf8_width(k)), "", k);
            run_wrap(out, pre, choice_label(r, l, c), maxw + 1, 2 + kw + 1);
            free(pre);
            free(k);
        }
        return;
    }
    size_t labw = colw - gap - kw - 1;
    for (size_t row = 0; row < nrows; row++) {
        util_buf_adds(out, "  ");
        for (size_t col = 0; col < ncols; col++) {
            size_t c = col * nrows + row;   /* down then across, like ls */
            if (c >= n)
                break;
            char *k = choice_key(l, c);
            char *lab = run_fit(choice_label(r, l, c), labw, r->cfg.ascii);
            spaces(out, kw - util_utf8_width(k));
            util_buf_addf(out, "%s %s", k, lab);
            int last = col + 1 == ncols || (col + 1) * nrows + row >= n;
            if (!last)
                spaces(out, labw - util_utf8_width(lab) + gap);
            free(k);
            free(lab);
        }
        util_buf_addc(out, '\n');
    }
}

char *run_show_value(const run_t *r, int pos, const char *value)
{
    if (!value)
        return NULL;
    const form_item_t *it = &r->cfg.form->items[pos];
    const form_list_t *l = list_of(r, pos);
    if (!l || (it->type != FORM_SELECT_ONE && it->type != FORM_SELECT_MULTIPLE &&
               it->type != FORM_RANK))
        return util_xstrdup(value);
    util_buf_t b = {0};
    char *copy = util_xstrdup(value), *save = NULL;
    util_buf_adds(&b, "");
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        int c = form_list_choice(l, t);
        if (b.len)
            util_buf_adds(&b, TR(r->zh, ", "));
        if (c < 0) {
            util_buf_adds(&b, t);
            continue;
        }
        char *k = choice_key(l, (size_t)c);
        util_buf_addf(&b, "%s %s", k, choice_label(r, l, (size_t)c));
        free(k);
    }
    free(copy);
    return util_buf_take(&b);
}

void run_render_item(run_t *r, int pos, size_t width, size_t rows, util_buf_t *out)
{
    const form_t *f = r->cfg.form;
    const form_item_t *it = &f->items[pos];
    size_t maxw = width > 1 ? width - 1 : 1;
    if (it->group != r->shown_group) {
        if (it->group >= 0 || r->shown_group >= 0) {
            util_buf_addc(out, '\n');
            char *g = it->group >= 0 ? label_of(r, it->group) : NULL;
            run_rule(out, g, NULL, width, r->cfg.ascii);
            free(g);
        }
        r->shown_group = it->group;
    }
    util_buf_addc(out, '\n');
    char *lab = label_of(r, pos);
    if (it->type == FORM_NOTE) {
        run_wrap(out, "  ", lab, width, 2);
        free(lab);
        return;
    }
    if (it->type == FORM_BEGIN_REPEAT) {
        char *q = util_fmt(TR(r->zh, "%s: %zu so far. Add one?"), lab,
                           ans_instances(r->ans, (size_t)pos));
        run_wrap(out, "  ", q, width, 2);
        free(q);
        free(lab);
        return;
    }
    char *pre = item_tag(r, pos, 0);
    run_wrap(out, pre, lab, width, util_utf8_width(pre));
    free(pre);
    free(lab);
    const form_list_t *l = list_of(r, pos);
    if (l && (it->type == FORM_SELECT_ONE || it->type == FORM_SELECT_MULTIPLE ||
              it->type == FORM_RANK) && l->nchoices) {
        int done = 0;
        if (run_is_scale(l) || l->nchoices <= 6)
            done = render_line(r, l, maxw, 3, out) || render_line(r, l, maxw, 2, out);
        if (!done && run_is_scale(l))
            done = render_ends(r, l, maxw, out);
        if (!done)
            render_columns(r, l, maxw, rows, out);
    }
    const char *cur = ans_get(r->ans, (size_t)pos);
    if (cur) {
        char *v = run_show_value(r, pos, cur);
        run_wrap(out, TR(r->zh, "  Current answer: "), v, width, 4);
        free(v);
    }
}

/* The keys of the current answer, as the respondent would type them. */
static char *typed_form(const run_t *r, int pos, const char *value)
{
    const form_list_t *l = list_of(r, pos);
    const form_item_t *it = &r->cfg.form->items[pos];
    if (!l || (it->type != FORM_SELECT_ONE && it->type != FORM_SELECT_MULTIPLE &&
               it->type != FORM_RANK))
        return run_fit(value, 20, r->cfg.ascii);
    util_buf_t b = {0};
    char *copy = util_xstrdup(value), *save = NULL;
    util_buf_adds(&b, "");
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        int c = form_list_choice(l, t);
        char *k = c >= 0 ? choice_key(l, (size_t)c) : util_xstrdup(t);
        if (b.len)
            util_buf_addc(&b, ' ');
        util_buf_adds(&b, k);
        free(k);
    }
    free(copy);
    return util_buf_take(&b);
}

static void prompt_parts(const run_t *r, int pos, util_buf_t *b, int entry)
{
    const form_item_t *it = &r->cfg.form->items[pos];
    const form_list_t *l = list_of(r, pos);
    const char *sep = TR(r->zh, ", ");
    size_t start = b->len;
    char *rg = l ? range_text(l) : NULL;
    switch (it->type) {
    case FORM_SELECT_ONE:
        util_buf_adds(b, rg);
        break;
    case FORM_SELECT_MULTIPLE:
        util_buf_addf(b, TR(r->zh, "%s, several with spaces"), rg);
        break;
    case FORM_RANK:
        util_buf_addf(b, TR(r->zh, "%s, every one in order, with spaces"), rg);
        break;
    case FORM_DATE:
        util_buf_adds(b, TR(r->zh, "date as YYYY-MM-DD"));
        break;
    case FORM_BEGIN_REPEAT:
        util_buf_adds(b, TR(r->zh, "y = add one, n = go on"));
        break;
    case FORM_INTEGER:
        util_buf_adds(b, TR(r->zh, "whole number"));
        break;
    case FORM_DECIMAL:
        util_buf_adds(b, TR(r->zh, "number"));
        break;
    default:
        break;
    }
    free(rg);
    if (!entry && must_answer(r, pos)) {
        if (b->len > start)
            util_buf_adds(b, sep);
        util_buf_adds(b, TR(r->zh, "required"));
    }
    const char *cur = it->type == FORM_BEGIN_REPEAT ? NULL : ans_get(r->ans, (size_t)pos);
    if (cur && !entry) {
        char *k = typed_form(r, pos, cur);
        if (b->len > start)
            util_buf_adds(b, sep);
        util_buf_addf(b, TR(r->zh, "Enter keeps %s"), k);
        free(k);
    }
    if (!entry && it->hint && has_text(r->cfg.form, it->hint)) {
        if (b->len > start)
            util_buf_adds(b, sep);
        util_buf_adds(b, TR(r->zh, "? hint"));
    }
}

void run_render_prompt(const run_t *r, int pos, size_t width, util_buf_t *out)
{
    util_buf_t b = {0};
    util_buf_adds(&b, "");
    prompt_parts(r, pos, &b, 0);
    if (b.len) {
        char *p = util_fmt(TR(r->zh, "(%s) > "), b.s);
        /* on a narrow terminal the explanation goes on lines of its own
         * and the answer is typed after a bare "> " */
        if (util_utf8_width(p) + 4 > (width > 1 ? width - 1 : 1)) {
            char *q = util_fmt(TR(r->zh, "(%s)"), b.s);
            run_wrap(out, NULL, q, width, 1);
            util_buf_adds(out, "> ");
            free(q);
        } else {
            util_buf_adds(out, p);
        }
        free(p);
    } else {
        util_buf_adds(out, "> ");
    }
    util_buf_free(&b);
}

void run_render_help(const run_t *r, int pos, size_t width, util_buf_t *out)
{
    const form_t *f = r->cfg.form;
    const form_item_t *it = &f->items[pos];
    if (r->cfg.entry) {
        /* the keyer's line shows only the start of the label */
        char *lab = label_of(r, pos);
        run_wrap(out, "  ", lab, width, 2);
        free(lab);
        const form_list_t *l = list_of(r, pos);
        if (l && l->nchoices)
            render_columns(r, l, width > 1 ? width - 1 : 1, 24, out);
    }
    if (it->hint && has_text(f, it->hint)) {
        char *hint = ans_fill(r->ans, form_text(f, it->hint, r->li), r->li);
        run_wrap(out, TR(r->zh, "  Hint: "), hint, width, 4);
        free(hint);
    }
    else if (!r->cfg.entry)
        run_wrap(out, "  ", TR(r->zh, "This question has no hint."), width, 2);
    if (r->cfg.entry)
        run_wrap(out, "  ", TR(r->zh, "Keys: Enter alone\u00A0=\u00A0blank (or keep the value "
                                      "shown), -\u00A0=\u00A0clear, b\u00A0=\u00A0back, "
                                      "n\u00A0=\u00A0save and next questionnaire, "
                                      "q\u00A0=\u00A0quit."),
                 width, 2);
    else
        run_wrap(out, "  ", TR(r->zh, "Keys: type the answer and press Enter; Enter alone keeps "
                                      "the current answer; -\u00A0=\u00A0clear it, "
                                      "b\u00A0=\u00A0back, q\u00A0=\u00A0save and quit (run the "
                                      "same command again to continue)."),
                 width, 2);
}

/* "[3/55] " before a numbered question (numbers padded to the total's
 * width with pad), "[events 2] " before a repeat's, "[+] " at a repeat's
 * "add one?".  Heap. */
static char *item_tag(const run_t *r, int pos, int pad)
{
    const form_t *f = r->cfg.form;
    const form_item_t *it = &f->items[pos];
    if (it->type == FORM_BEGIN_REPEAT)
        return util_xstrdup("[+] ");
    if (it->repeat >= 0)
        return util_fmt("[%s %ld] ", f->items[it->repeat].name,
                        ans_focused(r->ans, (size_t)it->repeat) + 1);
    int total, num = run_number(r, pos, &total);
    int digits = !pad ? 1 : total >= 100 ? 3 : total >= 10 ? 2 : 1;
    return util_fmt("[%*d/%d] ", digits, num, total);
}

void run_render_entry_prompt(const run_t *r, int pos, size_t width, util_buf_t *out)
{
    const form_item_t *it = &r->cfg.form->items[pos];
    size_t maxw = width > 1 ? width - 1 : 1;
    util_buf_t tail = {0};
    util_buf_adds(&tail, "");
    prompt_parts(r, pos, &tail, 1);
    char *t = tail.len ? util_fmt(TR(r->zh, " (%s)"), tail.s) : util_xstrdup("");
    util_buf_free(&tail);
    const char *cur = it->type == FORM_BEGIN_REPEAT ? NULL : ans_get(r->ans, (size_t)pos);
    char *k = cur ? typed_form(r, pos, cur) : NULL;
    char *c = k ? util_fmt(" [%s]", k) : util_xstrdup("");
    char *tag = item_tag(r, pos, 1);
    char *head = util_fmt("%s%s  ", tag, it->name ? it->name : "");
    size_t fixed = util_utf8_width(head) + util_utf8_width(t) + util_utf8_width(c) + 2;
    /* a narrow terminal loses the item's name, then the range, before
     * the prompt wraps */
    if (fixed > maxw) {
        free(head);
        head = util_xstrdup(tag);
        fixed = util_utf8_width(head) + util_utf8_width(t) + util_utf8_width(c) + 2;
    }
    if (fixed > maxw) {
        free(t);
        t = util_xstrdup("");
        fixed = util_utf8_width(head) + util_utf8_width(c) + 2;
    }
    if (fixed > maxw && k) {
        size_t hw = util_utf8_width(head) + 5;
        char *kk = run_fit(k, maxw > hw + 4 ? maxw - hw : 4, r->cfg.ascii);
        free(c);
        c = util_fmt(" [%s]", kk);
        free(kk);
    }
    /* leave room to type a few characters after the prompt */
    size_t room = maxw > fixed + 10 ? maxw - fixed - 10 : 0;
    util_buf_adds(out, head);
    if (room >= 8) {
        char *full = label_of(r, pos);
        char *lab = run_fit(full, room, r->cfg.ascii);
        util_buf_adds(out, lab);
        free(lab);
        free(full);
    }
    util_buf_addf(out, "%s%s: ", t, c);
    free(t);
    free(k);
    free(c);
    free(head);
    free(tag);
}

void run_render_summary(const run_t *r, size_t width, util_buf_t *out)
{
    const form_t *f = r->cfg.form;
    size_t maxw = width > 1 ? width - 1 : 1;
    int asked = 0, answered = 0, blank = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        if (!run_shown(r, (int)i) || !counted(&f->items[i]))
            continue;
        asked++;
        if (ans_get(r->ans, i))
            answered++;
    }
    util_buf_addc(out, '\n');
    run_rule(out, TR(r->zh, "Summary"), NULL, width, r->cfg.ascii);
    char *line = util_fmt(TR(r->zh, "You answered %d of the %d questions shown to you."),
                          answered, asked);
    run_wrap(out, "  ", line, width, 2);
    free(line);
    if (answered == asked)
        return;
    run_wrap(out, "  ", TR(r->zh, "Left blank:"), width, 2);
    for (size_t i = 0; i < f->nitems; i++) {
        if (!run_shown(r, (int)i) || !counted(&f->items[i]) || ans_get(r->ans, i))
            continue;
        if (++blank > 8) {
            char *more = util_fmt(TR(r->zh, "... and %d more"), asked - answered - 8);
            run_wrap(out, "    ", more, width, 4);
            free(more);
            break;
        }
        char *pre = util_fmt("    [%d] ", run_number(r, (int)i, NULL));
        size_t pw = util_utf8_width(pre);
        char *full = label_of(r, (int)i);
        char *lab = run_fit(full, maxw > pw + 4 ? maxw - pw : 4, r->cfg.ascii);
        free(full);
        util_buf_addf(out, "%s%s\n", pre, lab);
        free(pre);
        free(lab);
    }
}
