/*
 * export/rows: reading responses for the writers (see rows.h): answers by
 * item position, numbers stored without text given their shortest exact
 * text, and "not applicable" from the form's `relevant` logic evaluated on
 * the response's own answers.
 */
#include "survey/export/rows.h"
#include "survey/answers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int exp_item_exported(const form_t *f, size_t pos)
{
    const form_item_t *it = &f->items[pos];
    return form_item_stored(it) && it->type != FORM_BEGIN_REPEAT && strcmp(it->name, "unit") != 0;
}

const char *exp_choice_label(const form_t *f, const form_list_t *l, size_t c, int li)
{
    const char *t = form_text(f, l->choices[c].label, li);
    return *t ? t : l->choices[c].name;
}

char *exp_answer_label(const form_t *f, const form_item_t *it, const char *v, int li)
{
    if (it->list < 0)
        return util_xstrdup(v);
    const form_list_t *l = &f->lists[it->list];
    util_buf_t b = {0};
    char *copy = util_xstrdup(v), *save = NULL;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        int c = form_list_choice(l, t);
        if (b.len)
            util_buf_adds(&b, "; ");
        util_buf_adds(&b, c >= 0 ? exp_choice_label(f, l, (size_t)c, li) : t);
    }
    free(copy);
    return b.s ? util_buf_take(&b) : util_xstrdup("");
}

/* ---- the scan ---- */

typedef struct {
    int id;
    char *code;
} unit_code_t;

typedef struct {
    const form_t *f;     /* the form responses are read with (a table's parent) */
    const exp_table_t *table;   /* NULL: rows of f as they are */
    long index;          /* responses read so far */
    const char **tval;   /* a table row */
    char **towned;
    unsigned char *tna;
    ans_t *ans;
    unit_code_t *units;
    size_t nunits;
    const char **val;
    char **owned;         /* texts made here (a number stored without text) */
    unsigned char *na;
    exp_row_fn fn;
    void *ud;
} scan_t;

static int cmp_unit_id(const void *a, const void *b)
{
    const unit_code_t *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int add_unit(void *ud, const store_unit_t *u)
{
    scan_t *sc = ud;
    sc->units = util_xrealloc(sc->units, (sc->nunits + 1) * sizeof *sc->units);
    sc->units[sc->nunits++] = (unit_code_t){u->id, util_xstrdup(u->code)};
    return 0;
}

/* One row of a table from the response just read: the main table's, or
 * one per instance of a repeat's. */
static int table_row(scan_t *sc, const char *unit, long inst)
{
    const exp_table_t *t = sc->table;
    for (size_t k = 0; k < t->form.nitems; k++) {
        free(sc->towned[k]);
        sc->towned[k] = NULL;
        sc->tna[k] = 0;
        long p = t->src[k];
        if (p == EXP_INDEX || p == EXP_PARENT) {
            sc->tval[k] = sc->towned[k] = util_fmt("%ld", p == EXP_PARENT || inst < 0 ? sc->index
                                                                                  : inst + 1);
        } else if (inst < 0) {
            sc->tval[k] = sc->val[p];
            sc->tna[k] = sc->na[p];
        } else {
            sc->tval[k] = ans_get(sc->ans, (size_t)p);
            sc->tna[k] = !sc->tval[k] && !ans_relevant(sc->ans, (size_t)p);
        }
    }
    exp_row_t row = {unit, sc->tval, sc->tna};
    return sc->fn(sc->ud, &row);
}

static int table_rows(scan_t *sc, const char *unit)
{
    const exp_table_t *t = sc->table;
    if (t->repeat < 0)
        return table_row(sc, unit, -1);
    size_t rpos = (size_t)t->repeat, n = ans_instances(sc->ans, rpos);
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        ans_focus(sc->ans, rpos, k);
        rc = table_row(sc, unit, (long)k);
    }
    ans_focus(sc->ans, rpos, (size_t)-1);
    return rc;
}

static int scan_row(void *ud, const store_scan_row_t *r)
{
    scan_t *sc = ud;
    const form_t *f = sc->f;
    for (size_t i = 0; i < f->nitems; i++) {
        sc->val[i] = NULL;
        sc->na[i] = 0;
        free(sc->owned[i]);
        sc->owned[i] = NULL;
    }
    ans_clear_all(sc->ans);
    for (size_t k = 0; k < r->n; k++) {
        size_t pos = (size_t)r->pos[k];
        const char *v = r->text[k];
        if (!v && !isnan(r->num[k]))
            v = sc->owned[pos] = util_fmt("%.15g", r->num[k]);
        if (!v)
            continue;
        sc->val[pos] = v;
        /* a choice an older version had fails: exported, but no help for `relevant` */
        ans_set(sc->ans, pos, v, NULL);
    }
    for (size_t i = 0; i < f->nitems; i++)
        if (!sc->val[i] && form_item_answerable(&f->items[i]) && !ans_relevant(sc->ans, i))
            sc->na[i] = 1;
    unit_code_t key = {r->unit, NULL};
    unit_code_t *u = r->unit ? bsearch(&key, sc->units, sc->nunits, sizeof *sc->units,
                                       cmp_unit_id) : NULL;
    sc->index++;
    if (sc->table)
        return table_rows(sc, u ? u->code : "");
    exp_row_t row = {u ? u->code : "", sc->val, sc->na};
    return sc->fn(sc->ud, &row);
}

int exp_scan(store_t *s, const form_t *f, const char *form_id, int wave, const exp_opts_t *o,
             exp_row_fn fn, void *ud, err_t *err)
{
    scan_t sc = {0};
    sc.table = o ? o->table : NULL;
    if (sc.table) {
        f = sc.table->parent;
        size_t n = sc.table->form.nitems + 1;
        sc.tval = util_xcalloc(n, sizeof *sc.tval);
        sc.towned = util_xcalloc(n, sizeof *sc.towned);
        sc.tna = util_xcalloc(n, 1);
    }
    sc.f = f;
    sc.fn = fn;
    sc.ud = ud;
    sc.ans = ans_new(f);
    sc.val = util_xcalloc(f->nitems + 1, sizeof *sc.val);
    sc.owned = util_xcalloc(f->nitems + 1, sizeof *sc.owned);
    sc.na = util_xcalloc(f->nitems + 1, 1);
    int rc = store_unit_list(s, add_unit, &sc, err);
    if (rc == 0) {
        qsort(sc.units, sc.nunits, sizeof *sc.units, cmp_unit_id);
        rc = store_scan_by_unit(s, form_id, wave, f, scan_row, &sc, err);
    }
    for (size_t i = 0; i < sc.nunits; i++)
        free(sc.units[i].code);
    for (size_t i = 0; i < f->nitems; i++)
        free(sc.owned[i]);
    if (sc.table)
        for (size_t k = 0; k < sc.table->form.nitems; k++)
            free(sc.towned[k]);
    free(sc.tval);
    free(sc.towned);
    free(sc.tna);
    free(sc.units);
    free(sc.owned);
    free(sc.val);
    free(sc.na);
    ans_free(sc.ans);
    return rc;
}

int exp_has_repeats(const form_t *f)
{
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].type == FORM_BEGIN_REPEAT)
            return 1;
    return 0;
}

/* A column of a table that is no question of the form: the numbers that
 * tie a repeat's rows to their response. */
static void index_column(exp_table_t *t, const char *name, long src)
{
    form_item_t *it = &t->form.items[t->form.nitems];
    memset(it, 0, sizeof *it);
    it->type = FORM_INTEGER;
    it->name = (char *)name;   /* a literal: exp_table_free knows not to free it */
    it->list = it->dim = it->group = it->other = it->repeat = -1;
    t->src[t->form.nitems++] = src;
}

exp_table_t *exp_table_new(const form_t *f, long repeat)
{
    exp_table_t *t = util_xcalloc(1, sizeof *t);
    t->form = *f;   /* borrows lists, texts and languages; owns only its items */
    t->parent = f;
    t->repeat = repeat;
    t->form.items = util_xcalloc(f->nitems + 2, sizeof *t->form.items);
    t->src = util_xcalloc(f->nitems + 2, sizeof *t->src);
    t->form.nitems = 0;
    if (repeat >= 0)
        index_column(t, "_parent_index", EXP_PARENT);
    index_column(t, "_index", EXP_INDEX);
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        int in = repeat < 0 ? exp_item_exported(f, i)
                            : it->repeat == repeat && form_item_answerable(it);
        if (!in)
            continue;
        form_item_t *c = &t->form.items[t->form.nitems];
        *c = *it;
        c->repeat = c->group = -1;   /* a plain question of this table */
        c->relevant = NULL;          /* "not applicable" comes from the scan */
        t->src[t->form.nitems++] = (long)i;
    }
    return t;
}

void exp_table_free(exp_table_t *t)
{
    if (!t)
        return;
    free(t->form.items);
    free(t->src);
    free(t);
}
