/*
 * answers: validation and XLSForm logic over one respondent's answers (see
 * answers.h).  Values are kept as text because that is what `relevant` and
 * `constraint` expressions see (XPath compares strings and converts numbers
 * itself); numbers for the store are derived when saving.
 */
#include "survey/answers.h"
#include "base/csv.h"
#include "survey/ballot.h"
#include "base/i18n.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* A select_one answer is the choice's own name in the form, borrowed, with
 * its index kept: an import checks tens of millions of Likert cells, and a
 * copy of each (malloc, free) and a second search of the list to find its
 * number for the store were a tenth of the time spent outside SQLite. */
/* The values of one instance of a repeat, for its questions [first, end). */
typedef struct {
    char **val;
    unsigned char *borrowed;
    int *choice;
} inst_t;

/* The instances of a repeat.  The one in focus has its values in ans.val
 * (swapped in), so every function that reads or checks an answer works on
 * it unchanged; the others wait in inst. */
typedef struct {
    inst_t *inst;
    size_t n;
    long focus;          /* -1: none */
    size_t first, end;   /* the repeat's questions */
} rep_t;

struct ans {
    const form_t *f;
    char **val;          /* the answers; owned unless borrowed[i] */
    unsigned char *borrowed;
    int *choice;         /* select_one: index of val[i] in the item's list, else -1 */
    size_t cur;          /* item whose `.` the expression lookup returns */
    /* calculate items are computed when one of their values is asked for
     * after an answer changed, not on every change: an import sets every
     * cell of a row before anything reads them */
    size_t ncalc;        /* calculate items in the form */
    int stale;           /* answers changed since they were computed */
    int computing;
    const form_choice_t *choice_now;   /* the choice a choice_filter is asked about */
    unsigned long long seed;           /* the order of randomized choices; 0 none */
    unsigned char *kind; /* by item position: what ans_to_store does with it (store_kind) */
    unsigned char *lazy; /* by item position: its value is made when asked for
                            (a calculate, a begin_repeat): ans_get's test */
    rep_t *rep;          /* by item position: a begin_repeat's instances */
    size_t nrep;         /* begin_repeat items in the form */
    char *scratch[8];    /* joined values of a repeated question, for lookups */
    unsigned nscratch;
};

/* An item's part in ans_to_store, from its type, worked out in ans_new. */
enum { KIND_SKIP, KIND_REPEAT, KIND_NUMBER, KIND_SELECT_ONE, KIND_TEXT };

static unsigned char store_kind(const form_item_t *it)
{
    if (it->repeat >= 0)
        return KIND_SKIP;   /* kept in its repeat's value */
    switch (it->type) {
    case FORM_BEGIN_REPEAT: return KIND_REPEAT;
    case FORM_INTEGER: case FORM_DECIMAL: case FORM_CALCULATE: return KIND_NUMBER;
    case FORM_SELECT_ONE: return KIND_SELECT_ONE;
    default: return KIND_TEXT;
    }
}

/* A value NULL always has borrowed 0 and choice -1, as drop_val leaves
 * them: what a new ans_t, a new instance and swap_focus keep too. */
static inline void drop_val(ans_t *a, size_t pos)
{
    if (a->val[pos] && !a->borrowed[pos])
        free(a->val[pos]);
    a->val[pos] = NULL;
    a->borrowed[pos] = 0;
    a->choice[pos] = -1;
    if (!a->computing)
        a->stale = 1;
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
    for (size_t i = 0; i < f->nitems; i++)
        a->ncalc += f->items[i].type == FORM_CALCULATE;
    a->kind = util_xcalloc(f->nitems + 1, 1);
    a->lazy = util_xcalloc(f->nitems + 1, 1);
    for (size_t i = 0; i < f->nitems; i++) {
        a->kind[i] = store_kind(&f->items[i]);
        a->lazy[i] = f->items[i].type == FORM_CALCULATE || f->items[i].type == FORM_BEGIN_REPEAT;
    }
    a->rep = util_xcalloc(f->nitems + 1, sizeof *a->rep);
    for (size_t i = 0; i < f->nitems; i++) {
        if (f->items[i].type != FORM_BEGIN_REPEAT)
            continue;
        size_t e = i + 1;
        while (e < f->nitems && f->items[e].type != FORM_END_REPEAT)
            e++;
        a->rep[i] = (rep_t){NULL, 0, -1, i + 1, e};
        a->nrep++;
    }
    a->stale = 1;
    return a;
}

static void repeats_clear(ans_t *a);

void ans_clear_all(ans_t *a)
{
    if (a->nrep)
        repeats_clear(a);
    /* drop_val's work, once per row of an import: its stale flag once */
    for (size_t i = 0; i < a->f->nitems; i++)
        if (a->val[i]) {
            if (!a->borrowed[i])
                free(a->val[i]);
            a->val[i] = NULL;
            a->borrowed[i] = 0;
            a->choice[i] = -1;
        }
    a->stale = 1;
}

void ans_free(ans_t *a)
{
    if (!a)
        return;
    ans_clear_all(a);
    for (size_t i = 0; i < a->f->nitems; i++)
        free(a->rep[i].inst);
    for (size_t i = 0; i < sizeof a->scratch / sizeof a->scratch[0]; i++)
        free(a->scratch[i]);
    free(a->rep);
    free(a->kind);
    free(a->lazy);
    free(a->val);
    free(a->borrowed);
    free(a->choice);
    free(a);
}

static void compute(ans_t *a);
static char *repeat_text(ans_t *a, size_t rpos);
static int repeat_set(ans_t *a, size_t rpos, const char *text, err_t *err);
static const char *lookup(void *ud, const char *name);

const char *ans_get(const ans_t *a, size_t pos)
{
    if (pos >= a->f->nitems)
        return NULL;
    if (!a->lazy[pos])
        return a->val[pos];   /* an answer as it was set: most items */
    if (a->f->items[pos].type == FORM_CALCULATE)
        compute((ans_t *)a);   /* only the cached calculate values change */
    if (a->f->items[pos].type == FORM_BEGIN_REPEAT) {
        /* the instances as they are now, in the text they are stored as */
        ans_t *m = (ans_t *)a;
        free(m->val[pos]);
        m->val[pos] = repeat_text(m, pos);
    }
    return a->val[pos];
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

/* A select_multiple answer: its choice names, each once, space-separated
 * (heap; NULL for none), or *bad with err. */
static char *multi_value(const form_item_t *it, const form_list_t *l, char *v, int *bad,
                         err_t *err)
{
    util_buf_t b = {0};
    char *save = NULL;
    for (char *tok = strtok_r(v, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (form_list_choice(l, tok) < 0) {
            char *names = choice_names(l);
            err_set(err, ERR_INPUT, _("'%s' is not a choice of %s (choices: %s)"), tok, it->name,
                    names);
            free(names);
            *bad = 1;
            util_buf_free(&b);
            return NULL;
        }
        /* the same option twice is one selection */
        if (b.len && util_has_word(b.s, tok))
            continue;
        if (b.len)
            util_buf_addc(&b, ' ');
        util_buf_adds(&b, tok);
    }
    char *out = util_buf_take(&b);
    if (out && !*out) {
        free(out);
        out = NULL;
    }
    return out;
}

/* A rank answer: every choice of the list once, in the order given
 * (names separated by spaces or commas).  Heap, or NULL with err. */
static char *rank_value(const form_item_t *it, const form_list_t *l, const char *v, err_t *err)
{
    util_buf_t b = {0};
    char *copy = util_xstrdup(v), *save = NULL;
    unsigned char *seen = util_xcalloc(l->nchoices + 1, 1);
    size_t n = 0;
    for (char *t = strtok_r(copy, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
        int c = form_list_choice(l, t);
        if (c < 0) {
            char *names = choice_names(l);
            err_set(err, ERR_INPUT, _("'%s' is not a choice of %s (choices: %s)"), t, it->name,
                    names);
            free(names);
            goto fail;
        }
        if (seen[c]) {
            err_set(err, ERR_INPUT, _("'%s' is ranked twice (%s); give each option one place"), t,
                    it->name);
            goto fail;
        }
        seen[c] = 1;
        n++;
        util_buf_adds(&b, b.len ? " " : "");
        util_buf_adds(&b, t);
    }
    if (n != l->nchoices) {
        err_set(err, ERR_INPUT, _("rank all %zu options of %s, in order; %zu given"), l->nchoices,
                it->name, n);
        goto fail;
    }
    free(copy);
    free(seen);
    return util_buf_take(&b);
fail:
    free(copy);
    free(seen);
    util_buf_free(&b);
    return NULL;
}

/* ans_set's usual cells, set without a copy: a select_one's choice name
 * as it is, and an empty cell.  1 when raw was one of them (and is set),
 * 0 for ans_set to read it. */
static int quick_set(ans_t *a, size_t pos, const form_item_t *it, const form_list_t *l,
                     const char *raw)
{
    if (!*raw) {
        set_val(a, pos, NULL);
        return 1;
    }
    if (it->type != FORM_SELECT_ONE || isspace((unsigned char)*raw))
        return 0;
    /* a cell with space at its end is trimmed first, by ans_set */
    size_t n;
    int k = form_list_choice_len(l, raw, &n);
    if (k < 0 || isspace((unsigned char)raw[n - 1]))
        return 0;
    set_choice(a, pos, l, k);
    return 1;
}

int ans_set(ans_t *a, size_t pos, const char *raw, err_t *err)
{
    const form_t *f = a->f;
    if (pos >= f->nitems)
        return -1;
    const form_item_t *it = &f->items[pos];
    const form_list_t *l = it->list >= 0 ? &f->lists[it->list] : NULL;
    if (it->type == FORM_BEGIN_REPEAT)
        return repeat_set(a, pos, raw, err);
    if (quick_set(a, pos, it, l, raw))
        return 0;
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
        int bad = 0;
        char *names = multi_value(it, l, v, &bad, err);
        free(v);
        if (bad)
            return -1;
        v = names;
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
    case FORM_DATE: {
        char iso[11];
        int rc = util_parse_date(v, iso);
        if (rc != 0) {
            if (rc == -2)
                err_set(err, ERR_INPUT, _("'%s': only the date is kept, not the time of day; write "
                                          "it as YYYY-MM-DD (%s)"), v, it->name);
            else
                err_set(err, ERR_INPUT, _("'%s' is not a date; write it as YYYY-MM-DD (%s)"), v,
                        it->name);
            free(v);
            return -1;
        }
        free(v);
        v = util_xstrdup(iso);
        break;
    }
    case FORM_RANK: {
        char *order = rank_value(it, l, v, err);
        free(v);
        if (!order)
            return -1;
        v = order;
        break;
    }
    default:
        err_set(err, ERR_INPUT, _("%s is a %s and takes no answer"), it->name ? it->name : "?",
                form_type_name(it->type));
        free(v);
        return -1;
    }
    set_val(a, pos, v);
    return 0;
}

/* ---- repeats ---- */

static void swap_focus(ans_t *a, rep_t *r, size_t k)
{
    inst_t *in = &r->inst[k];
    for (size_t j = r->first; j < r->end; j++) {
        size_t x = j - r->first;
        char *v = a->val[j];
        a->val[j] = in->val[x];
        in->val[x] = v;
        unsigned char b = a->borrowed[j];
        a->borrowed[j] = in->borrowed[x];
        in->borrowed[x] = b;
        int c = a->choice[j];
        a->choice[j] = in->choice[x];
        in->choice[x] = c;
    }
    a->stale = 1;
}

void ans_focus(ans_t *a, size_t rpos, size_t k)
{
    rep_t *r = &a->rep[rpos];
    if (r->focus >= 0) {
        swap_focus(a, r, (size_t)r->focus);
        r->focus = -1;
    }
    if (k < r->n) {
        swap_focus(a, r, k);
        r->focus = (long)k;
    }
}

long ans_focused(const ans_t *a, size_t rpos)
{
    return a->rep[rpos].focus;
}

size_t ans_instances(const ans_t *a, size_t rpos)
{
    return a->rep[rpos].n;
}

long ans_instance_add(ans_t *a, size_t rpos)
{
    rep_t *r = &a->rep[rpos];
    if (r->n >= FORM_MAX_INSTANCES)
        return -1;
    size_t w = r->end - r->first;
    r->inst = util_xrealloc(r->inst, (r->n + 1) * sizeof *r->inst);
    inst_t *in = &r->inst[r->n];
    in->val = util_xcalloc(w + 1, sizeof *in->val);
    in->borrowed = util_xcalloc(w + 1, 1);
    in->choice = util_xcalloc(w + 1, sizeof *in->choice);
    for (size_t x = 0; x <= w; x++)
        in->choice[x] = -1;
    r->n++;
    ans_focus(a, rpos, r->n - 1);
    return (long)r->n - 1;
}

static void inst_free(inst_t *in, size_t w)
{
    for (size_t x = 0; x < w; x++)
        if (!in->borrowed[x])
            free(in->val[x]);
    free(in->val);
    free(in->borrowed);
    free(in->choice);
}

void ans_instance_remove(ans_t *a, size_t rpos, size_t k)
{
    rep_t *r = &a->rep[rpos];
    ans_focus(a, rpos, (size_t)-1);
    if (k >= r->n)
        return;
    inst_free(&r->inst[k], r->end - r->first);
    memmove(&r->inst[k], &r->inst[k + 1], (r->n - k - 1) * sizeof *r->inst);
    r->n--;
    a->stale = 1;
}

static void repeats_clear_one(ans_t *a, size_t rpos)
{
    while (a->rep[rpos].n > 0)
        ans_instance_remove(a, rpos, a->rep[rpos].n - 1);
}

static void repeats_clear(ans_t *a)
{
    for (size_t i = 0; i < a->f->nitems; i++)
        if (a->f->items[i].type == FORM_BEGIN_REPEAT)
            repeats_clear_one(a, i);
}

long ans_instances_wanted(const ans_t *a, size_t rpos)
{
    const expr_t *e = a->f->items[rpos].repeat_count;
    if (!e)
        return -1;
    double n = expr_eval_number(e, lookup, (ans_t *)a);
    if (isnan(n) || n < 0)
        return 0;
    return n > FORM_MAX_INSTANCES ? FORM_MAX_INSTANCES : (long)n;
}

/* A repeat's instances as a table, the form they are stored in: a CSV
 * header of its questions' names, one row per instance.  Heap; NULL when
 * there is no instance. */
static char *repeat_text(ans_t *a, size_t rpos)
{
    rep_t *r = &a->rep[rpos];
    const form_t *f = a->f;
    if (r->n == 0)
        return NULL;
    long was = r->focus;
    ans_focus(a, rpos, (size_t)-1);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        abort();   /* out of memory, as util_xmalloc would */
    for (long k = -1; k < (long)r->n; k++) {
        int col = 0;
        for (size_t j = r->first; j < r->end; j++) {
            if (!form_item_answerable(&f->items[j]))
                continue;
            if (col++)
                fputc(',', out);
            csvw_cell(out, k < 0 ? f->items[j].name : r->inst[k].val[j - r->first], ',',
                      CSVW_EDGE_SPACES);
        }
        fputc('\n', out);
    }
    fclose(out);
    if (was >= 0)
        ans_focus(a, rpos, (size_t)was);
    return text;
}

typedef struct {
    ans_t *a;
    size_t rpos;
    int *col_pos;        /* column -> item position, -1 for a column no question has */
    size_t ncols;
    long row;
    err_t err;           /* why repeat_row stopped the reading */
} reader_t;

static int repeat_row(void *ud, const csvr_row_t *row)
{
    reader_t *rd = ud;
    ans_t *a = rd->a;
    const rep_t *r = &a->rep[rd->rpos];
    if (rd->row++ == 0) {
        rd->ncols = row->ncells;
        rd->col_pos = util_xcalloc(row->ncells + 1, sizeof *rd->col_pos);
        for (size_t c = 0; c < row->ncells; c++) {
            int k = form_item_index(a->f, row->cells[c]);
            /* a question a later version dropped: its column is passed over */
            rd->col_pos[c] = k >= (int)r->first && k < (int)r->end ? k : -1;
        }
        return 0;
    }
    if (ans_instance_add(a, rd->rpos) < 0) {
        err_set(&rd->err, ERR_INPUT, _("more than %d instances of %s"), FORM_MAX_INSTANCES,
                a->f->items[rd->rpos].name);
        return 1;
    }
    for (size_t c = 0; c < row->ncells && c < rd->ncols; c++) {
        err_t m = {0};
        if (rd->col_pos[c] >= 0 && ans_set(a, (size_t)rd->col_pos[c], row->cells[c], &m) != 0) {
            err_set(&rd->err, ERR_INPUT, _("%s, instance %ld: %s"), a->f->items[rd->rpos].name,
                    rd->row - 1, m.msg);
            err_clear(&m);
            return 1;
        }
    }
    return 0;
}

/* Reads a repeat's stored table back into its instances (all or none). */
static int repeat_set(ans_t *a, size_t rpos, const char *text, err_t *err)
{
    reader_t rd = {a, rpos, NULL, 0, 0, {0}};
    err_t msg = {0};
    repeats_clear_one(a, rpos);
    int rc = csvr_parse_mem(text, strlen(text), ',', repeat_row, &rd, &msg);
    ans_focus(a, rpos, (size_t)-1);
    if (rc != 0) {
        /* repeat_row's own reason first: the reader's is then its "CSV error" */
        err_move(err, rd.err.code != ERR_OK ? &rd.err : &msg);
        err_set(err, ERR_INPUT, "?");
        repeats_clear_one(a, rpos);
    }
    free(rd.col_pos);
    err_clear(&rd.err);
    err_clear(&msg);
    return rc == 0 ? 0 : -1;
}

/* The answers to a repeated question over every instance, joined by
 * spaces (what sum() and count-selected() read from outside the repeat).
 * Lives until eight more are made. */
static const char *joined(ans_t *a, size_t pos)
{
    const rep_t *r = &a->rep[a->f->items[pos].repeat];
    util_buf_t b = {0};
    util_buf_adds(&b, "");
    for (size_t k = 0; k < r->n; k++) {
        const char *v = r->inst[k].val[pos - r->first];
        if (v && *v)
            util_buf_addf(&b, "%s%s", b.len ? " " : "", v);
    }
    unsigned i = a->nscratch++ % (sizeof a->scratch / sizeof a->scratch[0]);
    free(a->scratch[i]);
    a->scratch[i] = util_buf_take(&b);
    return a->scratch[i];
}

/* A choices-sheet column of the choice a filter is asked about ("#state"). */
static const char *choice_field(const ans_t *a, const char *col)
{
    const form_t *f = a->f;
    const form_choice_t *ch = a->choice_now;
    if (!ch)
        return "";
    if (strcmp(col, "name") == 0)
        return ch->name;
    for (size_t k = 0; ch->extra && k < f->nchoice_cols; k++)
        if (strcmp(f->choice_cols[k], col) == 0)
            return ch->extra[k];
    return "";
}

static const char *lookup(void *ud, const char *name)
{
    ans_t *a = ud;
    if (!name)
        return a->val[a->cur] ? a->val[a->cur] : "";
    if (name[0] == '#')
        return choice_field(a, name + 1);
    int k = form_item_index(a->f, name);
    if (k >= 0 && a->f->items[k].repeat >= 0 && a->rep[a->f->items[k].repeat].focus < 0)
        return joined(a, (size_t)k);
    if (k >= 0 && a->f->items[k].type == FORM_CALCULATE)
        compute(a);
    return (k >= 0 && a->val[k]) ? a->val[k] : "";
}

/* The value of calculate item pos from the other values: heap, or NULL
 * when it has none (irrelevant, or not a number where one was needed). */
static char *calc_value(ans_t *a, size_t pos)
{
    if (!ans_relevant(a, pos))
        return NULL;
    size_t cur = a->cur;
    a->cur = pos;
    char *v = expr_eval_string(a->f->items[pos].calculation, lookup, a);
    a->cur = cur;
    if (v && (!*v || strcmp(v, "NaN") == 0 || strstr(v, "Infinity"))) {
        free(v);
        v = NULL;
    }
    return v;
}

/* Brings every calculate value up to date.  A calculation may use one
 * further down the form, so the pass is repeated until nothing changes:
 * at most once per calculate item, since the loader refuses circles. */
static void compute(ans_t *a)
{
    if (!a->stale || a->computing || a->ncalc == 0)
        return;
    a->computing = 1;
    const form_t *f = a->f;
    for (size_t pass = 0; pass <= a->ncalc; pass++) {
        int changed = 0;
        for (size_t i = 0; i < f->nitems; i++) {
            if (f->items[i].type != FORM_CALCULATE)
                continue;
            char *v = calc_value(a, i);
            if ((v == NULL) != (a->val[i] == NULL) || (v && strcmp(v, a->val[i]) != 0)) {
                set_val(a, i, v);
                changed = 1;
            } else {
                free(v);
            }
        }
        if (!changed)
            break;
    }
    a->computing = 0;
    a->stale = 0;
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

int ans_offered(const ans_t *a, size_t pos, size_t c)
{
    const form_item_t *it = &a->f->items[pos];
    if (!it->choice_filter)
        return 1;
    /* or_other's "other" is offered whatever the filter: it has no columns */
    if (it->other >= 0 && strcmp(a->f->lists[it->list].choices[c].name, "other") == 0)
        return 1;
    ans_t *m = (ans_t *)a;   /* only the cursor and the filter's choice change */
    m->choice_now = &a->f->lists[it->list].choices[c];
    m->cur = pos;
    int ok = expr_eval_bool(it->choice_filter, lookup, m);
    m->choice_now = NULL;
    return ok;
}

void ans_set_seed(ans_t *a, unsigned long long seed)
{
    a->seed = seed;
}

unsigned long long ans_seed(const ans_t *a)
{
    return a->seed;
}

unsigned long long ans_new_seed(void)
{
    unsigned long long s = 0;
    while (s == 0)
        if (getrandom(&s, sizeof s, 0) != (ssize_t)sizeof s)
            s = (unsigned long long)time(NULL) * 6364136223846793005ULL + (unsigned long long)clock();
    return s;
}

/* splitmix64: a small generator whose stream from (seed, item) is the same
 * wherever it is drawn, so a page shown again shows the same order. */
static unsigned long long mix(unsigned long long *x)
{
    unsigned long long z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void shuffle(form_list_t *v, unsigned long long seed, size_t pos)
{
    unsigned long long x = seed ^ (0xD1B54A32D192ED03ULL * (pos + 1));
    size_t n = v->nchoices;
    /* "other" stays where a respondent looks for it: last */
    if (n > 0 && strcmp(v->choices[n - 1].name, "other") == 0)
        n--;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(mix(&x) % i);
        form_choice_t t = v->choices[i - 1];
        v->choices[i - 1] = v->choices[j];
        v->choices[j] = t;
    }
}

form_list_t *ans_choices(const ans_t *a, size_t pos, int filter)
{
    const form_item_t *it = &a->f->items[pos];
    const form_list_t *l = &a->f->lists[it->list];
    form_list_t *v = util_xmalloc(sizeof *v);
    *v = *l;
    v->slot = NULL;    /* a subset, or another order: searched in turn */
    v->choices = util_xcalloc(l->nchoices + 1, sizeof *v->choices);
    v->nchoices = 0;
    for (size_t c = 0; c < l->nchoices; c++)
        if (!filter || ans_offered(a, pos, c))
            v->choices[v->nchoices++] = l->choices[c];
    if (it->randomize && a->seed)
        shuffle(v, a->seed, pos);
    return v;
}

void ans_choices_free(form_list_t *l)
{
    if (!l)
        return;
    free(l->choices);
    free(l);
}

/* The first choice of the answer to pos that its choice_filter does not
 * offer, or NULL. */
static char *not_offered(const ans_t *a, size_t pos)
{
    const form_item_t *it = &a->f->items[pos];
    const form_list_t *l = &a->f->lists[it->list];
    char *copy = util_xstrdup(a->val[pos]), *save = NULL, *bad = NULL;
    for (char *t = strtok_r(copy, " ", &save); t && !bad; t = strtok_r(NULL, " ", &save)) {
        int c = form_list_choice(l, t);
        if (c >= 0 && !ans_offered(a, pos, (size_t)c))
            bad = util_xstrdup(t);
    }
    free(copy);
    return bad;
}

int ans_check_constraint(const ans_t *a, size_t pos, int li, err_t *msg)
{
    const form_item_t *it = &a->f->items[pos];
    if (a->val[pos] && it->choice_filter) {
        char *bad = not_offered(a, pos);
        if (bad) {
            err_set(msg, ERR_INPUT, _("'%s' is not among the options offered for the earlier "
                                      "answers"), bad);
            free(bad);
            return -1;
        }
    }
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

void ans_set_defaults(ans_t *a)
{
    for (size_t i = 0; i < a->f->nitems; i++) {
        const char *d = a->f->items[i].default_value;
        err_t err = {0};
        if (d && !a->val[i] && ans_set(a, i, d, &err) != 0)
            err_clear(&err);   /* the loader checked it against the type */
    }
}

/* Clears the answers of the questions (of the instance in focus) that are
 * not relevant, from first to end; 1 when one was. */
static int drop_range(ans_t *a, size_t first, size_t end)
{
    int any = 0;
    for (size_t i = first; i < end; i++)
        if (a->f->items[i].type != FORM_BEGIN_REPEAT && a->val[i] && !ans_relevant(a, i)) {
            set_val(a, i, NULL);
            any = 1;
        }
    return any;
}

void ans_drop_irrelevant(ans_t *a)
{
    /* dropping one answer can make a later item irrelevant: repeat to a fixpoint */
    int changed = 1;
    while (changed) {
        changed = drop_range(a, 0, a->f->nitems);
        for (size_t i = 0; i < a->f->nitems; i++) {
            rep_t *r = &a->rep[i];
            if (a->f->items[i].type != FORM_BEGIN_REPEAT || r->n == 0)
                continue;
            long was = r->focus;   /* a respondent may be in the middle of one */
            ans_focus(a, i, (size_t)-1);
            if (!ans_relevant(a, i)) {
                repeats_clear_one(a, i);
                changed = 1;
                continue;
            }
            for (size_t k = 0; k < r->n; k++) {
                ans_focus(a, i, k);
                changed |= drop_range(a, r->first, r->end);
            }
            ans_focus(a, i, (size_t)was);
        }
    }
}

char *ans_fill(const ans_t *a, const char *text, int li)
{
    util_buf_t b = {0};
    const form_t *f = a->f;
    const char *p = text ? text : "";
    for (const char *ref; (ref = strstr(p, "${")) != NULL;) {
        const char *end = strchr(ref + 2, '}');
        if (!end)
            break;
        util_buf_add(&b, p, (size_t)(ref - p));
        char *name = util_xstrndup(ref + 2, (size_t)(end - ref - 2));
        int k = form_item_index(f, name);
        free(name);
        const char *v = k >= 0 ? ans_get(a, (size_t)k) : NULL;
        const form_item_t *it = k >= 0 ? &f->items[k] : NULL;
        if (v && it->list >= 0) {
            /* choice names are codes; the respondent knows the labels */
            const form_list_t *l = &f->lists[it->list];
            char *copy = util_xstrdup(v), *save = NULL;
            int first = 1;
            for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
                int c = form_list_choice(l, t);
                const char *lab = c >= 0 ? form_text(f, l->choices[c].label, li) : "";
                util_buf_adds(&b, first ? "" : ", ");
                util_buf_adds(&b, *lab ? lab : t);
                first = 0;
            }
            free(copy);
        } else if (v) {
            util_buf_adds(&b, v);
        }
        p = end + 1;
    }
    util_buf_adds(&b, p);
    return b.s ? util_buf_take(&b) : util_xstrdup("");
}

void ans_to_store(const ans_t *a, const int *item_ids, store_answer_t **out, size_t *n)
{
    const form_t *f = a->f;
    compute((ans_t *)a);
    store_answer_t *r = util_xcalloc(f->nitems + 1, sizeof *r);
    size_t k = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        unsigned kind = a->kind[i];
        if (kind == KIND_SKIP)
            continue;   /* kept in its repeat's value */
        const char *v = kind == KIND_REPEAT ? ans_get(a, i) : a->val[i];
        if (!v)
            continue;
        r[k].item = item_ids[i];
        r[k].text = v;
        double d;
        if (kind == KIND_NUMBER) {
            r[k].has_num = util_parse_double(v, &d) == 0;
            r[k].num = r[k].has_num ? d : 0;
        } else if (kind == KIND_SELECT_ONE && f->lists[f->items[i].list].numeric) {
            const form_list_t *l = &f->lists[f->items[i].list];
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
 * already used) or -1 with err.  The caller commits or undoes. */
static int write_one(store_t *s, const ans_submission_t *x, const char *today, err_t *err)
{
    store_answer_t *rows = NULL;
    size_t n = 0;
    int rc = -1;
    unsigned char pk[32];
    ans_to_store(x->a, x->item_ids, &rows, &n);
    int sealed = x->token_hash ? store_wave_key(s, x->wave, pk, err) : 1;
    if (sealed < 0)
        goto cleanup;
    if (sealed == 0) {
        /* the code and the response in one call (one statement on PostgreSQL) */
        rc = store_response_add_token(s, x->token_hash, x->form, x->wave, x->unit, today,
                                      x->source, rows, n, err);
        if (rc != 0)
            goto cleanup;
        rc = -1;
    } else {
        if (x->token_hash) {
            rc = store_token_use(s, x->token_hash, err);
            if (rc != 0)
                goto cleanup;
            rc = -1;
        }
        if (ballot_response_add(s, x->form, x->wave, x->unit, today, x->source, rows, n, err))
            goto cleanup;
    }
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
    ans_submission_t x = {a, form, item_ids, wave, unit, source, token_hash, draft_key, 0, {0}};
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

/* Does x go in the group: a code, no draft, a wave not sealed (each of
 * the web's submissions)? */
static int groupable(store_t *s, const ans_submission_t *x)
{
    unsigned char pk[32];
    err_t e = {0};
    int sealed = x->token_hash && !x->draft_key ? store_wave_key(s, x->wave, pk, &e) : 1;
    err_clear(&e);   /* alone, it meets the error again and reports it */
    return sealed == 0;
}

void ans_submit_many(store_t *s, ans_submission_t *const *sub, size_t n)
{
    char today[11];
    err_t err = {0};
    util_today(today);
    store_tokened_t *tk = util_xcalloc(n + 1, sizeof *tk);
    store_tokened_t **tp = util_xcalloc(n + 1, sizeof *tp);
    store_answer_t **rows = util_xcalloc(n + 1, sizeof *rows);
    size_t *of = util_xcalloc(n + 1, sizeof *of), k = 0;
    unsigned char *alone = util_xcalloc(n + 1, 1);
    for (size_t i = 0; i < n; i++) {
        ans_submission_t *x = sub[i];
        err_clear(&x->err);
        x->rc = -1;
        if (!groupable(s, x)) {
            alone[i] = 1;
            continue;
        }
        tk[k] = (store_tokened_t){x->token_hash, x->form, x->wave, x->unit, today, x->source,
                                  NULL, 0, -1};
        ans_to_store(x->a, x->item_ids, &rows[k], &tk[k].n);
        tk[k].a = rows[k];
        tp[k] = &tk[k];
        of[k++] = i;
    }
    int rc = k ? store_response_add_tokens(s, tp, k, &err) : 0;
    for (size_t j = 0; j < k; j++) {
        ans_submission_t *x = sub[of[j]];
        if (rc == 0) {
            x->rc = tk[j].rc;
        } else if (err.code == ERR_IO) {
            /* committed, but not known to be on the disk: nobody is told
             * it was stored, and a retry would only find the codes spent */
            x->rc = tk[j].rc == 0 ? -1 : tk[j].rc;
            if (x->rc < 0)
                err_set(&x->err, ERR_IO, "%s", err.msg);
        } else {
            alone[of[j]] = 1;   /* the group failed as a whole: nothing of it is stored */
        }
        free(rows[j]);
    }
    err_clear(&err);
    /* each of the others in a transaction of its own, as if it had come alone */
    for (size_t i = 0; i < n; i++)
        if (alone[i])
            sub[i]->rc = ans_submit(s, sub[i]->a, sub[i]->form, sub[i]->item_ids, sub[i]->wave,
                                    sub[i]->unit, sub[i]->source, sub[i]->token_hash,
                                    sub[i]->draft_key, &sub[i]->err);
    free(tk);
    free(tp);
    free(rows);
    free(of);
    free(alone);
}
