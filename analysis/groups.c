/*
 * groups: the groups of an analysis (see groups.h).  The units table is
 * read once: its units are the groups by unit, its distinct categories
 * and parents the groups by category and by parent, and the maps from a
 * unit's id to its category and parent feed the disclosure control of
 * every grouping.
 */
#include "analysis/groups.h"
#include "base/i18n.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One unit of the units table, copied out of the store's callback. */
typedef struct {
    int id;
    char *code, *name, *category, *parent;
    double headcount;        /* NAN unknown */
} unitrow_t;

typedef struct {
    unitrow_t *u;
    size_t n, cap;
    size_t nids;             /* largest id + 1 */
} unitlist_t;

static int on_unit(void *ud, const store_unit_t *su)
{
    unitlist_t *l = ud;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->u = util_xrealloc(l->u, l->cap * sizeof *l->u);
    }
    unitrow_t *u = &l->u[l->n++];
    u->id = su->id;
    u->code = util_xstrdup(su->code);
    u->name = util_xstrdup(su->name ? su->name : su->code);
    u->category = su->category && *su->category ? util_xstrdup(su->category) : NULL;
    u->parent = su->parent && *su->parent ? util_xstrdup(su->parent) : NULL;
    u->headcount = su->headcount >= 0 ? (double)su->headcount : NAN;
    if (su->id >= 0 && (size_t)su->id + 1 > l->nids)
        l->nids = (size_t)su->id + 1;
    return 0;
}

static void unitlist_free(unitlist_t *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->u[i].code);
        free(l->u[i].name);
        free(l->u[i].category);
        free(l->u[i].parent);
    }
    free(l->u);
}

static const char *set_value(const unitrow_t *u, int parent)
{
    return parent ? u->parent : u->category;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct non-empty categories (parent = 0) or parents of the
 * units, sorted, into *names (heap array of borrowed strings); into map
 * (nids + 1 entries, as groups_load sizes its per-id arrays) each unit's
 * index among them, -1 for none.  Returns how many. */
static size_t unit_set(const unitlist_t *l, int parent, const char ***names, int *map)
{
    const char **v = util_xcalloc(l->n + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (set_value(&l->u[i], parent))
            v[n++] = set_value(&l->u[i], parent);
    qsort(v, n, sizeof *v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
            v[k++] = v[i];
    for (size_t i = 0; i <= l->nids; i++)
        map[i] = -1;
    for (size_t i = 0; i < l->n; i++) {
        const char *s = set_value(&l->u[i], parent);
        const char **hit = s ? bsearch(&s, v, k, sizeof *v, cmp_str) : NULL;
        if (hit && l->u[i].id >= 0)
            map[l->u[i].id] = (int)(hit - v);
    }
    *names = v;
    return k;
}

/* The groups are the units.  The units table holds one name per unit,
 * usually in the form's own language; a form whose unit question labels
 * the unit in the report's language (a label::English (en) column) names
 * it so in that report.  The store's name stays where the form has none. */
static void groups_by_unit(groups_t *g, const unitlist_t *l, const form_t *f, int li)
{
    g->groups = util_xcalloc(l->n + 1, sizeof *g->groups);
    int up = f->unit_field ? form_item_index(f, f->unit_field) : -1;
    const form_list_t *ul = up >= 0 && f->items[up].type == FORM_SELECT_ONE ? &f->lists[f->items[up].list] : NULL;
    for (size_t i = 0; i < l->n; i++) {
        res_group_t *G = &g->groups[g->ngroups];
        G->code = util_xstrdup(l->u[i].code);
        int ch = ul ? form_list_choice(ul, G->code) : -1;
        const char *name = ch >= 0 && ul->choices[ch].label && li >= 0 && li < FORM_MAX_LANGS
                               ? ul->choices[ch].label[li]
                               : NULL;
        G->name = util_xstrdup(name && *name ? name : l->u[i].name);
        G->category = l->u[i].category ? util_xstrdup(l->u[i].category) : NULL;
        G->invited = G->response_rate = NAN;
        if (l->u[i].id >= 0)
            g->unit_group[l->u[i].id] = (int)g->ngroups;
        g->ngroups++;
    }
    g->group_by = util_xstrdup("unit");
}

/* The groups are the categories (parent = 0) or the parents of the
 * units: the units of a group are those mapped to it.  A parent that is
 * the code of a unit is named by that unit's name. */
static void groups_by_set(groups_t *g, const unitlist_t *l, int parent)
{
    const char **names = NULL;
    int *map = parent ? g->upar : g->ucat;
    size_t n = unit_set(l, parent, &names, map);
    g->groups = util_xcalloc(n + 1, sizeof *g->groups);
    for (size_t k = 0; k < n; k++) {
        res_group_t *G = &g->groups[k];
        G->code = util_xstrdup(names[k]);
        const char *name = names[k];
        for (size_t i = 0; parent && i < l->n; i++)
            if (strcmp(l->u[i].code, names[k]) == 0)
                name = l->u[i].name;
        G->name = util_xstrdup(name);
        G->invited = G->response_rate = NAN;
    }
    g->ngroups = n;
    memcpy(g->unit_group, map, g->nids * sizeof *map);
    free(names);
    g->group_by = util_xstrdup(parent ? "parent" : "category");
}

/* The groups are the choices of the select_one question `by`. */
static int groups_by_item(groups_t *g, const form_t *f, int li, const char *by, err_t *err)
{
    int p = form_item_index(f, by);
    if (p < 0 || f->items[p].type != FORM_SELECT_ONE) {
        err_set(err, ERR_FAIL, _("--by %s: not a select_one question of %s, nor unit, category or "
                                 "parent"), by, f->form_id);
        return -1;
    }
    const form_list_t *l = &f->lists[f->items[p].list];
    g->ngroups = l->nchoices;
    g->groups = util_xcalloc(l->nchoices + 1, sizeof *g->groups);
    for (size_t c = 0; c < l->nchoices; c++) {
        g->groups[c].code = util_xstrdup(l->choices[c].name);
        g->groups[c].name = util_xstrdup(form_text(f, l->choices[c].label, li));
        g->groups[c].invited = g->groups[c].response_rate = NAN;
    }
    g->group_by = util_xstrdup(by);
    g->group_label = util_xstrdup(form_text(f, f->items[p].label, li));
    g->by_pos = p;
    return 0;
}

int groups_load(store_t *s, const form_t *f, int li, const char *by, groups_t *g, err_t *err)
{
    unitlist_t l = {0};
    int rc = -1;
    g->by_pos = -1;
    if (store_unit_list(s, on_unit, &l, err) != 0)
        goto cleanup;
    g->nids = l.nids + 1;
    g->unit_group = util_xmalloc(g->nids * sizeof *g->unit_group);
    g->ucat = util_xmalloc(g->nids * sizeof *g->ucat);
    g->upar = util_xmalloc(g->nids * sizeof *g->upar);
    g->unit_invited = util_xmalloc(g->nids * sizeof *g->unit_invited);
    for (size_t i = 0; i < g->nids; i++) {
        g->unit_group[i] = -1;
        g->unit_invited[i] = NAN;
    }
    for (size_t i = 0; i < l.n; i++)
        if (l.u[i].id >= 0)
            g->unit_invited[l.u[i].id] = l.u[i].headcount;
    const char **names = NULL;
    g->ncat = unit_set(&l, 0, &names, g->ucat);
    free(names);
    g->npar = unit_set(&l, 1, &names, g->upar);
    free(names);
    if (!by || strcmp(by, "unit") == 0) {
        g->grouping = SCAN_G_UNIT;
        groups_by_unit(g, &l, f, li);
    } else if (strcmp(by, "category") == 0 || strcmp(by, "parent") == 0) {
        int parent = by[0] == 'p';
        g->grouping = parent ? SCAN_G_PARENT : SCAN_G_CATEGORY;
        groups_by_set(g, &l, parent);
    } else {
        g->grouping = SCAN_G_ITEM;
        if (groups_by_item(g, f, li, by, err) != 0)
            goto cleanup;
    }
    rc = 0;
cleanup:
    unitlist_free(&l);
    return rc;
}

int *groups_copy(const groups_t *g, const int *map)
{
    int *c = util_xmalloc((g->nids + 1) * sizeof *c);
    memcpy(c, map, g->nids * sizeof *c);
    return c;
}

typedef struct {
    double *invited;         /* per unit id */
    res_rate_t *basis;       /* per unit id: what invited[] counts */
    size_t nids;
} tokload_t;

static int on_tokens(void *ud, int unit, long issued, long used)
{
    tokload_t *t = ud;
    (void)used;
    if (unit > 0 && (size_t)unit < t->nids) {
        t->invited[unit] = (double)issued;
        t->basis[unit] = RES_RATE_INVITED;
    }
    return 0;
}

int groups_rates(store_t *s, const char *form_id, int wave, const groups_t *g, res_group_t *groups,
                 size_t ngroups, const long *left_out, err_t *err)
{
    /* tl's arrays are freed here; a unit's base starts as its headcount */
    tokload_t tl = {util_xmalloc((g->nids + 1) * sizeof(double)),
                    util_xmalloc((g->nids + 1) * sizeof(res_rate_t)), g->nids};
    memcpy(tl.invited, g->unit_invited, g->nids * sizeof(double));
    for (size_t u = 0; u < g->nids; u++)
        tl.basis[u] = isnan(tl.invited[u]) ? RES_RATE_NONE : RES_RATE_HEADCOUNT;
    int rc = store_tokens_by_unit(s, form_id, wave, on_tokens, &tl, err);
    /* a group's base: its units' sum when they all count the same thing;
     * seen[] (freed here) marks a group that has had a unit */
    unsigned char *seen = util_xcalloc(ngroups + 1, 1);
    for (size_t i = 0; rc == 0 && i < ngroups; i++) {
        groups[i].invited = 0;
        groups[i].rate_basis = RES_RATE_NONE;
    }
    for (size_t u = 0; rc == 0 && u < g->nids; u++) {
        int gi = g->unit_group[u];
        if (gi < 0 || (size_t)gi >= ngroups)
            continue;
        res_group_t *G = &groups[gi];
        G->invited += tl.invited[u];   /* NAN stays NAN */
        if (!seen[gi])
            G->rate_basis = tl.basis[u];
        else if (G->rate_basis != tl.basis[u])
            G->rate_basis = RES_RATE_NONE;   /* invitations here, a headcount there */
        seen[gi] = 1;
    }
    for (size_t i = 0; rc == 0 && i < ngroups; i++) {
        res_group_t *G = &groups[i];
        if (!(G->invited > 0))
            G->rate_basis = RES_RATE_NONE;   /* a headcount of 0 is no base */
        if (G->rate_basis == RES_RATE_NONE)
            G->invited = NAN;
        double responded = (double)G->n + (left_out ? (double)left_out[i] : 0);
        G->response_rate = G->rate_basis != RES_RATE_NONE ? responded / G->invited : NAN;
    }
    free(seen);
    free(tl.invited);
    free(tl.basis);
    return rc;
}

void groups_free(groups_t *g)
{
    for (size_t i = 0; g->groups && i < g->ngroups; i++) {
        free(g->groups[i].code);
        free(g->groups[i].name);
        free(g->groups[i].category);
    }
    free(g->groups);
    free(g->group_by);
    free(g->group_label);
    free(g->unit_group);
    free(g->ucat);
    free(g->upar);
    free(g->unit_invited);
    memset(g, 0, sizeof *g);
}
