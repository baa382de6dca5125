/*
 * questions: every question counted (see questions.h).  Each counted
 * question has an accumulator with a row per group (when its groups are
 * counted) and a last row for everyone; a number question also keeps its
 * distinct values with their counts, for the median and quartiles.
 *
 * "Not applicable" is told from "not answered" by evaluating the
 * question's `relevant` (and its enclosing groups') on the response's
 * answers, as the form did when it was filled in: the store keeps no
 * answer to a question that was not asked, so an empty answer alone
 * cannot tell the two apart.
 */
#include "analysis/questions.h"
#include "analysis/stats.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double v, n;
} vcount_t;

typedef struct {
    size_t pos;
    res_qkind_t kind;
    int numeric;             /* a select_one whose choice names are numbers */
    size_t nchoices;
    size_t rows;             /* 1 (everyone), or ngroups + 1 (the groups, then everyone) */
    double *counts;          /* rows x nchoices */
    double *n, *blank, *na;  /* rows */
    stats_acc_t *acc;        /* rows */
    vcount_t *vals;          /* numbers: distinct values, ascending (everyone) */
    size_t nvals, capvals;
} qacc_t;

struct questions {
    const form_t *f;
    size_t ngroups;
    int by_pos, unit_pos;
    qacc_t *q;
    size_t nq;
    char *needs_rel;         /* per item: it or an enclosing group has `relevant` */
    /* the response being counted, for the relevance lookups */
    const store_scan_row_t *r;
    const int *at;
    size_t cur;
};

static int counted_kind(const form_item_t *it, res_qkind_t *kind)
{
    if (!form_item_answerable(it) || it->repeat >= 0)
        return 0;
    switch (it->type) {
    case FORM_SELECT_ONE: *kind = RES_Q_CHOICE; return it->list >= 0;
    case FORM_SELECT_MULTIPLE: *kind = RES_Q_MULTIPLE; return it->list >= 0;
    case FORM_INTEGER:
    case FORM_DECIMAL: *kind = RES_Q_NUMBER; return 1;
    case FORM_TEXT:
    case FORM_DATE:
    case FORM_RANK: *kind = RES_Q_TEXT; return 1;
    default: return 0;
    }
}

questions_t *questions_new(const form_t *f, size_t ngroups, int by_pos, int unit_pos)
{
    questions_t *q = util_xcalloc(1, sizeof *q);
    q->f = f;
    q->ngroups = ngroups;
    q->by_pos = by_pos;
    q->unit_pos = unit_pos;
    q->q = util_xcalloc(f->nitems + 1, sizeof *q->q);
    q->needs_rel = util_xcalloc(f->nitems + 1, 1);
    for (size_t i = 0; i < f->nitems; i++)
        for (int k = (int)i; k >= 0 && !q->needs_rel[i]; k = f->items[k].group)
            q->needs_rel[i] = f->items[k].relevant != NULL;
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        res_qkind_t kind;
        if (!counted_kind(it, &kind))
            continue;
        qacc_t *a = &q->q[q->nq++];
        a->pos = i;
        a->kind = kind;
        if (kind == RES_Q_CHOICE || kind == RES_Q_MULTIPLE) {
            const form_list_t *l = &f->lists[it->list];
            a->nchoices = l->nchoices;
            a->numeric = kind == RES_Q_CHOICE && l->numeric;
        }
        /* per group: not the groups' own question, nor the unit question
         * (their counts are the groups' sizes), nor a long list */
        int per_group = ngroups > 0 && (int)i != by_pos && (int)i != unit_pos &&
                        a->nchoices <= RES_QGROUP_CHOICES;
        a->rows = per_group ? ngroups + 1 : 1;
        a->counts = util_xcalloc(a->rows * a->nchoices + 1, sizeof *a->counts);
        a->n = util_xcalloc(a->rows, sizeof *a->n);
        a->blank = util_xcalloc(a->rows, sizeof *a->blank);
        a->na = util_xcalloc(a->rows, sizeof *a->na);
        a->acc = util_xcalloc(a->rows, sizeof *a->acc);
    }
    return q;
}

void questions_free(questions_t *q)
{
    if (!q)
        return;
    for (size_t k = 0; k < q->nq; k++) {
        qacc_t *a = &q->q[k];
        free(a->counts);
        free(a->n);
        free(a->blank);
        free(a->na);
        free(a->acc);
        free(a->vals);
    }
    free(q->q);
    free(q->needs_rel);
    free(q);
}

/* ---- one response ---- */

/* expr_lookup_fn over the response being counted: the answer's text,
 * or a number written out when the store kept only the number. */
static const char *lookup(void *ud, const char *name)
{
    questions_t *q = ud;
    static char buf[2][32];
    static int which;
    int pos = name ? form_item_index(q->f, name) : (int)q->cur;
    int i = pos >= 0 ? q->at[pos] : -1;
    if (i < 0)
        return NULL;
    if (q->r->text[i])
        return q->r->text[i];
    if (isnan(q->r->num[i]))
        return NULL;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%.15g", q->r->num[i]);
    return buf[which];
}

/* Was item pos asked of this respondent (its relevant and every
 * enclosing group's true)? */
static int asked(questions_t *q, size_t pos)
{
    if (!q->needs_rel[pos])
        return 1;
    for (int k = (int)pos; k >= 0; k = q->f->items[k].group) {
        const form_item_t *it = &q->f->items[k];
        q->cur = (size_t)k;
        if (it->relevant && !expr_eval_bool(it->relevant, lookup, q))
            return 0;
    }
    return 1;
}

/* The distinct value v counted once more (binary search; the values of a
 * number question are few: counts, ages, years). */
static void value_add(qacc_t *a, double v)
{
    size_t lo = 0, hi = a->nvals;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->vals[mid].v < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < a->nvals && a->vals[lo].v == v) {
        a->vals[lo].n += 1;
        return;
    }
    if (a->nvals == a->capvals) {
        a->capvals = a->capvals ? a->capvals * 2 : 16;
        a->vals = util_xrealloc(a->vals, a->capvals * sizeof *a->vals);
    }
    memmove(a->vals + lo + 1, a->vals + lo, (a->nvals - lo) * sizeof *a->vals);
    a->vals[lo] = (vcount_t){v, 1};
    a->nvals++;
}

/* The answer counted in row `row`; everyone's row also keeps numbers'
 * values. */
static void count_answer(const questions_t *q, qacc_t *a, size_t row, const char *text, double num)
{
    const form_item_t *it = &q->f->items[a->pos];
    double *counts = a->counts + row * a->nchoices;
    a->n[row] += 1;
    if (a->kind == RES_Q_CHOICE) {
        const form_list_t *l = &q->f->lists[it->list];
        int c = text ? form_list_choice(l, text) : -1;
        if (c >= 0) {
            counts[c] += 1;
            if (a->numeric)
                stats_acc_add(&a->acc[row], l->choices[c].num);
        }
    } else if (a->kind == RES_Q_MULTIPLE && text) {
        const form_list_t *l = &q->f->lists[it->list];
        char name[256];
        for (const char *p = text; *p;) {
            while (*p == ' ')
                p++;
            size_t len = strcspn(p, " ");
            if (len > 0 && len < sizeof name) {
                memcpy(name, p, len);
                name[len] = '\0';
                int c = form_list_choice(l, name);
                if (c >= 0)
                    counts[c] += 1;
            }
            p += len;
        }
    } else if (a->kind == RES_Q_NUMBER) {
        double x = num;
        if (isnan(x) && text && util_parse_double(text, &x) != 0)
            x = NAN;
        if (isfinite(x)) {
            stats_acc_add(&a->acc[row], x);
            if (row == a->rows - 1)
                value_add(a, x);
        }
    }
}

void questions_add(questions_t *q, const store_scan_row_t *r, const int *at, int group)
{
    q->r = r;
    q->at = at;
    for (size_t k = 0; k < q->nq; k++) {
        qacc_t *a = &q->q[k];
        int i = at[a->pos];
        const char *text = i >= 0 ? r->text[i] : NULL;
        double num = i >= 0 ? r->num[i] : NAN;
        int answered = (text && *text) || !isnan(num);
        size_t rows[2] = {a->rows - 1, 0}, nrows = 1;
        if (a->rows > 1 && group >= 0 && (size_t)group < q->ngroups)
            rows[nrows++] = (size_t)group;
        int is_asked = answered || asked(q, a->pos);
        for (size_t j = 0; j < nrows; j++) {
            if (answered)
                count_answer(q, a, rows[j], text, num);
            else if (is_asked)
                a->blank[rows[j]] += 1;
            else
                a->na[rows[j]] += 1;
        }
    }
}

/* ---- the results ---- */

/* The value at 0-based order statistic k of the distinct-value table. */
static double order_stat(const qacc_t *a, double k)
{
    double seen = 0;
    for (size_t i = 0; i < a->nvals; i++) {
        seen += a->vals[i].n;
        if (k < seen)
            return a->vals[i].v;
    }
    return a->nvals ? a->vals[a->nvals - 1].v : NAN;
}

/* R quantile(x, p, type = 7): x[floor(h)] + (h - floor(h)) (x[floor(h)+1] - x[floor(h)]),
 * h = (N - 1) p, on the sorted values. */
static double quantile7(const qacc_t *a, double p)
{
    double N = a->acc[a->rows - 1].n;
    if (N < 1)
        return NAN;
    double h = (N - 1) * p, lo = floor(h);
    double x0 = order_stat(a, lo), x1 = lo + 1 < N ? order_stat(a, lo + 1) : x0;
    return x0 + (h - lo) * (x1 - x0);
}

/* Row `row` of a into st (counts copied when the kind has them). */
static void stat_of(const qacc_t *a, size_t row, res_qstat_t *st)
{
    st->n = a->n[row];
    st->not_answered = a->blank[row];
    st->not_applicable = a->na[row];
    if (a->nchoices) {
        st->counts = util_xcalloc(a->nchoices + 1, sizeof *st->counts);
        memcpy(st->counts, a->counts + row * a->nchoices, a->nchoices * sizeof *st->counts);
    }
    const stats_acc_t *acc = &a->acc[row];
    st->mean = acc->n > 0 && (a->numeric || a->kind == RES_Q_NUMBER) ? acc->mean : NAN;
    st->sd = a->numeric || a->kind == RES_Q_NUMBER ? stats_acc_sd(acc) : NAN;
    st->min = st->q1 = st->median = st->q3 = st->max = NAN;
}

/* The group each choice of the groups' own question (or the unit
 * question) is, -1 for none: its count is shown only for a shown group. */
static long choice_group(const questions_t *q, const qacc_t *a, const res_t *r, size_t c)
{
    const form_list_t *l = &q->f->lists[q->f->items[a->pos].list];
    if ((int)a->pos == q->by_pos)
        return c < r->ngroups ? (long)c : -1;
    for (size_t g = 0; g < r->ngroups; g++)
        if (r->group_by && strcmp(r->group_by, "unit") == 0 && strcmp(r->groups[g].code, l->choices[c].name) == 0)
            return (long)g;
    return -1;
}

static void one_result(const questions_t *q, const qacc_t *a, int li, res_t *r, res_question_t *Q)
{
    const form_t *f = q->f;
    const form_item_t *it = &f->items[a->pos];
    Q->name = util_xstrdup(it->name);
    Q->label = util_xstrdup(form_text(f, it->label, li));
    Q->type = form_type_name(it->type);
    Q->kind = a->kind;
    Q->grouping = (int)a->pos == q->by_pos ? 1 : (int)a->pos == q->unit_pos ? 2 : 0;
    Q->nchoices = a->nchoices;
    if (a->nchoices) {
        const form_list_t *l = &f->lists[it->list];
        Q->choice_names = util_xcalloc(a->nchoices + 1, sizeof *Q->choice_names);
        Q->choice_labels = util_xcalloc(a->nchoices + 1, sizeof *Q->choice_labels);
        for (size_t c = 0; c < a->nchoices; c++) {
            Q->choice_names[c] = util_xstrdup(l->choices[c].name);
            Q->choice_labels[c] = util_xstrdup(form_text(f, l->choices[c].label, li));
        }
    }
    stat_of(a, a->rows - 1, &Q->all);
    if (a->kind == RES_Q_NUMBER && a->acc[a->rows - 1].n > 0) {
        Q->all.min = a->vals[0].v;
        Q->all.max = a->vals[a->nvals - 1].v;
        Q->all.q1 = quantile7(a, 0.25);
        Q->all.median = quantile7(a, 0.5);
        Q->all.q3 = quantile7(a, 0.75);
    }
    /* the sizes of groups: only shown ones (the unit question outside an
     * analysis by unit shows none: which units are hidden is not known) */
    for (size_t c = 0; Q->grouping && c < a->nchoices; c++) {
        long g = choice_group(q, a, r, c);
        if (g < 0 || r->groups[g].suppressed)
            Q->all.counts[c] = Q->all.counts[c] > 0 ? NAN : 0;
    }
    if (a->rows == 1)
        return;
    Q->groups = util_xcalloc(r->ngroups + 1, sizeof *Q->groups);
    for (size_t g = 0; g < r->ngroups; g++) {
        res_qstat_t *st = &Q->groups[g];
        if (r->groups[g].suppressed || r->groups[g].n == 0) {
            st->n = st->not_answered = st->not_applicable = NAN;
            st->mean = st->sd = st->min = st->q1 = st->median = st->q3 = st->max = NAN;
            continue;
        }
        stat_of(a, g, st);
    }
}

void questions_result(const questions_t *q, int li, res_t *r)
{
    r->questions = util_xcalloc(q->nq + 1, sizeof *r->questions);
    r->nquestions = q->nq;
    for (size_t k = 0; k < q->nq; k++)
        one_result(q, &q->q[k], li, r, &r->questions[k]);
}
