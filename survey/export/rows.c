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
    return form_item_answerable(it) && strcmp(it->name, "unit") != 0;
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
    const form_t *f;
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
        err_t m = {0};
        if (ans_set(sc->ans, pos, v, &m) != 0)
            err_clear(&m);   /* a choice an older version had: exported, but no help for `relevant` */
    }
    for (size_t i = 0; i < f->nitems; i++)
        if (!sc->val[i] && form_item_answerable(&f->items[i]) && !ans_relevant(sc->ans, i))
            sc->na[i] = 1;
    unit_code_t key = {r->unit, NULL};
    unit_code_t *u = r->unit ? bsearch(&key, sc->units, sc->nunits, sizeof *sc->units,
                                       cmp_unit_id) : NULL;
    exp_row_t row = {u ? u->code : "", sc->val, sc->na};
    return sc->fn(sc->ud, &row);
}

int exp_scan(store_t *s, const form_t *f, const char *form_id, int wave, exp_row_fn fn,
             void *ud, err_t *err)
{
    scan_t sc = {0};
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
    free(sc.units);
    free(sc.owned);
    free(sc.val);
    free(sc.na);
    ans_free(sc.ans);
    return rc;
}
