/*
 * answers: validation and XLSForm logic over one respondent's answers (see
 * answers.h).  Values are kept as text because that is what `relevant` and
 * `constraint` expressions see (XPath compares strings and converts numbers
 * itself); numbers for the store are derived when saving.
 */
#include "survey/answers.h"
#include "survey/ballot.h"
#include "base/i18n.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A select_one answer is the choice's own name in the form, borrowed, with
 * its index kept: an import checks tens of millions of Likert cells, and a
 * copy of each (malloc, free) and a second search of the list to find its
 * number for the store were a tenth of the time spent outside SQLite. */
struct ans {
    const form_t *f;
    char **val;          /* the answers; owned unless borrowed[i] */
    unsigned char *borrowed;
    int *choice;         /* select_one: index of val[i] in the item's list, else -1 */
    size_t cur;          /* item whose `.` the expression lookup returns */
};

static void drop_val(ans_t *a, size_t pos)
{
    if (!a->borrowed[pos])
        free(a->val[pos]);
    a->val[pos] = NULL;
    a->borrowed[pos] = 0;
    a->choice[pos] = -1;
}

ans_t *ans_new(const form_t *f)
{
    ans_t *a = util_xcalloc(1, sizeof *a);
    a->f = f;
    a->val = util_xcalloc(f->nitems + 1, sizeof *a->val);
    a->borrowed = util_xcalloc(f->nitems + 1, 1);
    a->choice = util_xcalloc(f->nitems + 1, sizeof *a->choice);
    for (size_t i = 0; i <= f->nitems; i++)
        a->choice[i] = -1;
    return a;
}

void ans_clear_all(ans_t *a)
{
    for (size_t i = 0; i < a->f->nitems; i++)
        if (a->val[i])
            drop_val(a, i);
}

void ans_free(ans_t *a)
{
    if (!a)
        return;
    ans_clear_all(a);
    free(a->val);
    free(a->borrowed);
    free(a->choice);
    free(a);
}

const char *ans_get(const ans_t *a, size_t pos)
{
    return pos < a->f->nitems ? a->val[pos] : NULL;
}

static void set_val(ans_t *a, size_t pos, char *v)
{
    drop_val(a, pos);
    a->val[pos] = v;
}

/* The answer to a select_one: choice k of its list. */
static void set_choice(ans_t *a, size_t pos, const form_list_t *l, int k)
{
    drop_val(a, pos);
    a->val[pos] = l->choices[k].name;
    a->borrowed[pos] = 1;
    a->choice[pos] = k;
}

static char *choice_names(const form_list_t *l)
{
    util_buf_t b = {0};
    for (size_t i = 0; i < l->nchoices && i < 12; i++) {
        if (i)
            util_buf_addc(&b, ' ');
        util_buf_adds(&b, l->choices[i].name);
    }
    if (l->nchoices > 12)
        util_buf_adds(&b, " ...");
    return util_buf_take(&b);
}

int ans_set(ans_t *a, size_t pos, const char *raw, err_t *err)
{
    const form_t *f = a->f;
    if (pos >= f->nitems)
        return -1;
    const form_item_t *it = &f->items[pos];
    const form_list_t *l = it->list >= 0 ? &f->lists[it->list] : NULL;
    if (it->type == FORM_SELECT_ONE && *raw && !isspace((unsigned char)*raw)) {
        /* the usual cell, a choice name as it is: no copy */
        size_t n = strlen(raw);
        int k = isspace((unsigned char)raw[n - 1]) ? -1 : form_list_choice(l, raw);
        if (k >= 0) {
            set_choice(a, pos, l, k);
            return 0;
        }
    }
    char *v = util_trim(util_xstrdup(raw));
    if (!*v) {
        free(v);
        set_val(a, pos, NULL);
        return 0;
    }
    switch (it->type) {
    case FORM_SELECT_ONE: {
        int k = form_list_choice(l, v);
        if (k < 0) {
            /* "3.0" for choice "3": spreadsheets turn codes into numbers */
            double x;
            if (l->numeric && util_parse_double(v, &x) == 0)
                for (size_t c = 0; c < l->nchoices && k < 0; c++)
                    if (l->choices[c].num == x)
                        k = (int)c;
        }
        if (k < 0) {
            char *names = choice_names(l);
            err_set(err, ERR_INPUT, _("'%s' is not a choice of %s (choices: %s)"), v, it->name,
                    names);
            free(names);
            free(v);
            return -1;
        }
        free(v);
        set_choice(a, pos, l, k);
        return 0;
    }
    case FORM_SELECT_MULTIPLE: {
        util_buf_t b = {0};
        char *save = NULL;
        int bad = 0;
        for (char *tok = strtok_r(v, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
            if (form_list_choice(l, tok) < 0) {
                char *names = choice_names(l);
                err_set(err, ERR_INPUT, _("'%s' is not a choice of %s (choices: %s)"), tok,
                        it->name, names);
                free(names);
                bad = 1;
                break;
            }
            /* the same option twice is one selection */
            if (b.len && util_has_word(b.s, tok))
                continue;
            if (b.len)
                util_buf_addc(&b, ' ');
            util_buf_adds(&b, tok);
        }
        free(v);
        if (bad) {
            util_buf_free(&b);
            return -1;
        }
        v = util_buf_take(&b);
        if (!*v) {
            free(v);
            v = NULL;
        }
        break;
    }
    case FORM_INTEGER: {
        long x;
        double d;
        if (util_parse_long(v, &x) != 0) {
            if (util_parse_double(v, &d) == 0 && d == floor(d) && fabs(d) < 1e15) {
                free(v);
                v = util_fmt("%.0f", d);
                break;
            }
            err_set(err, ERR_INPUT, _("'%s' is not a whole number (%s)"), v, it->name);
            free(v);
            return -1;
        }
        free(v);
        v = util_fmt("%ld", x);
        break;
    }
    case FORM_DECIMAL: {
        double d;
        if (util_parse_double(v, &d) != 0) {
            err_set(err, ERR_INPUT, _("'%s' is not a number (%s)"), v, it->name);
            free(v);
            return -1;
        }
        break;
    }
    case FORM_TEXT:
        break;
    default:
        err_set(err, ERR_INPUT, _("%s is a %s and takes no answer"), it->name ? it->name : "?",
                form_type_name(it->type));
        free(v);
        return -1;
    }
    set_val(a, pos, v);
    return 0;
}

static const char *lookup(void *ud, const char *name)
{
    ans_t *a = ud;
    if (!name)
        return a->val[a->cur] ? a->val[a->cur] : "";
    int k = form_item_index(a->f, name);
    return (k >= 0 && a->val[k]) ? a->val[k] : "";
}

int ans_relevant(const ans_t *a, size_t pos)
{
    ans_t *m = (ans_t *)a;   /* only the `.` cursor changes */
    for (int k = (int)pos; k >= 0; k = a->f->items[k].group) {
        const form_item_t *it = &a->f->items[k];
        if (it->relevant) {
            m->cur = (size_t)k;
            if (!expr_eval_bool(it->relevant, lookup, m))
                return 0;
        }
    }
    return 1;
}

int ans_check_constraint(const ans_t *a, size_t pos, int li, err_t *msg)
{
    const form_item_t *it = &a->f->items[pos];
    if (!it->constraint || !a->val[pos])
        return 0;
    ans_t *m = (ans_t *)a;
    m->cur = pos;
    if (expr_eval_bool(it->constraint, lookup, m))
        return 0;
    const char *cm = form_text(a->f, it->constraint_message, li);
    if (*cm)
        err_set(msg, ERR_INPUT, "%s", cm);
    else
        err_set(msg, ERR_INPUT, _("'%s' does not satisfy %s"), a->val[pos], it->constraint_src);
    return -1;
}

int ans_check_required(const ans_t *a, size_t pos, int li, err_t *msg)
{
    const form_item_t *it = &a->f->items[pos];
    if (!it->required || a->val[pos] || !ans_relevant(a, pos))
        return 0;
    const char *rm = form_text(a->f, it->required_message, li);
    err_set(msg, ERR_INPUT, "%s", *rm ? rm : "an answer is required");
    return -1;
}

void ans_drop_irrelevant(ans_t *a)
{
    /* dropping one answer can make a later item irrelevant: repeat to a fixpoint */
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t i = 0; i < a->f->nitems; i++)
            if (a->val[i] && !ans_relevant(a, i)) {
                set_val(a, i, NULL);
                changed = 1;
            }
    }
}

void ans_to_store(const ans_t *a, const int *item_ids, store_answer_t **out, size_t *n)
{
    const form_t *f = a->f;
    store_answer_t *r = util_xcalloc(f->nitems + 1, sizeof *r);
    size_t k = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        const char *v = a->val[i];
        if (!v)
            continue;
        const form_item_t *it = &f->items[i];
        r[k].item = item_ids[i];
        r[k].text = v;
        double d;
        if (it->type == FORM_INTEGER || it->type == FORM_DECIMAL) {
            r[k].has_num = util_parse_double(v, &d) == 0;
            r[k].num = d;
        } else if (it->type == FORM_SELECT_ONE && f->lists[it->list].numeric) {
            const form_list_t *l = &f->lists[it->list];
            int c = a->choice[i] >= 0 ? a->choice[i] : form_list_choice(l, v);
            r[k].has_num = 1;
            r[k].num = l->choices[c].num;
        }
        k++;
    }
    *out = r;
    *n = k;
}

/* The writes of one submission inside an open transaction: 0, 1 (token
 * already used) or -1 with *err.  The caller commits or undoes. */
static int write_one(store_t *s, const ans_submission_t *x, const char *today, err_t *err)
{
    store_answer_t *rows = NULL;
    size_t n = 0;
    int rc = -1;
    ans_to_store(x->a, x->item_ids, &rows, &n);
    if (x->token_hash) {
        rc = store_token_use(s, x->token_hash, err);
        if (rc != 0)
            goto cleanup;
        rc = -1;
    }
    if (ballot_response_add(s, x->form, x->wave, x->unit, today, x->source, rows, n, err) != 0)
        goto cleanup;
    if (x->draft_key && store_draft_delete(s, x->draft_key, err) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    free(rows);
    return rc;
}

int ans_submit(store_t *s, const ans_t *a, int form, const int *item_ids, int wave, int unit,
               const char *source, const char *token_hash, const char *draft_key, err_t *err)
{
    ans_submission_t x = {a, form, item_ids, wave, unit, source, token_hash, draft_key, 0, NULL};
    char today[11];
    util_today(today);
    if (store_begin(s, err) != 0)
        return -1;
    int rc = write_one(s, &x, today, err);
    if (rc == 0 && store_commit(s, err) != 0)
        rc = -1;
    if (rc != 0)
        store_rollback(s);
    return rc;
}

void ans_submit_many(store_t *s, ans_submission_t *const *sub, size_t n)
{
    char today[11];
    err_t err = {0};
    util_today(today);
    for (size_t i = 0; i < n; i++) {
        free(sub[i]->err);
        sub[i]->err = NULL;
        sub[i]->rc = -1;
    }
    if (n == 1) {
        sub[0]->rc = ans_submit(s, sub[0]->a, sub[0]->form, sub[0]->item_ids, sub[0]->wave,
                                sub[0]->unit, sub[0]->source, sub[0]->token_hash,
                                sub[0]->draft_key, &sub[0]->err);
        return;
    }
    if (store_begin(s, &err) != 0)
        goto one_by_one;
    for (size_t i = 0; i < n; i++) {
        ans_submission_t *x = sub[i];
        if (store_savepoint(s, &err) != 0)
            goto one_by_one;
        int rc = write_one(s, x, today, &x->err);
        if (rc == 0) {
            if (store_savepoint_release(s, &err) != 0)
                goto one_by_one;
        } else if (store_savepoint_rollback(s) != 0) {
            goto one_by_one;   /* the error ended the transaction: the others went with it */
        }
        x->rc = rc;
    }
    if (store_commit(s, &err) == 0)
        return;
one_by_one:
    /* the batch as a whole failed (nothing of it is stored): each
     * submission gets its own transaction, as if it had come alone */
    store_rollback(s);
    err_clear(&err);
    for (size_t i = 0; i < n; i++) {
        ans_submission_t *x = sub[i];
        free(x->err);
        x->err = NULL;
        x->rc = ans_submit(s, x->a, x->form, x->item_ids, x->wave, x->unit, x->source,
                           x->token_hash, x->draft_key, &x->err);
    }
}
