/*
 * crosstab: the cross-tabulation of two questions (see crosstab.h).
 *
 * The counts are taken in the scan, one cell per pair of answers (the
 * respondents who answered both).  Afterwards the rows or columns of the
 * analysis's grouping keep its shown groups and pool the rest into one
 * (the hidden groups with the respondents in no group, the block the
 * between-group statistics pool too), small cells are suppressed, and the
 * chi-square test is computed.
 *
 * The test and the suppressed cells: X2 over the whole table would be one
 * more equation in the suppressed cells, which the margins leave with a
 * few degrees of freedom only; two suppressed cells of a row (x and s - x)
 * are then the roots of a quadratic, one of them right.  So when cells are
 * suppressed the test is computed with the rows that hold one merged into
 * a single row (or the columns, whichever leaves more degrees of
 * freedom): that row's counts are the column totals less the published
 * rows, so the test is a function of published numbers alone.
 */
#include "analysis/crosstab.h"
#include "analysis/stats.h"
#include "base/i18n.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *spec;              /* as given */
    int pos;                 /* the question's form position; -1: the analysis's groups */
    int list;
    size_t n;                /* choices, or ngroups + 1 (the last: in no group) */
} xdim_t;

struct xtab {
    const form_t *f;
    xdim_t a, b;
    double *counts;          /* a.n x b.n */
};

static int dim_parse(const form_t *f, const char *spec, const char *group_by, size_t ngroups, xdim_t *d,
                     err_t *err)
{
    d->spec = util_xstrdup(spec);
    d->pos = -1;
    /* the form's unit question is the units: its rows would give every
     * hidden unit's size, so it is crossed as the grouping or not at all */
    int unit_q = f->unit_field && strcmp(spec, f->unit_field) == 0;
    if (group_by && (strcmp(spec, group_by) == 0 || (unit_q && strcmp(group_by, "unit") == 0))) {
        d->n = ngroups + 1;
        return 0;
    }
    if (unit_q) {
        err_set(err, ERR_FAIL, _("--crosstab %s: the units can be crossed only in an analysis by "
                                 "unit (--by unit)"), spec);
        return -1;
    }
    int p = form_item_index(f, spec);
    if (p >= 0 && f->items[p].type == FORM_SELECT_ONE && f->items[p].list >= 0) {
        d->pos = p;
        d->list = f->items[p].list;
        d->n = f->lists[d->list].nchoices;
        return 0;
    }
    if (strcmp(spec, "unit") == 0 || strcmp(spec, "category") == 0 || strcmp(spec, "parent") == 0)
        err_set(err, ERR_FAIL, _("--crosstab %s: %s can be crossed only in an analysis grouped by "
                                 "it (--by %s)"), spec, spec, spec);
    else
        err_set(err, ERR_FAIL, _("--crosstab: '%s' is not a select_one question of %s"), spec,
                f->form_id);
    return -1;
}

xtab_t *xtab_new(const form_t *f, const char *spec, const char *group_by, size_t ngroups, err_t *err)
{
    xtab_t *x = util_xcalloc(1, sizeof *x);
    char *copy = util_xstrdup(spec), *comma = strchr(copy, ',');
    x->f = f;
    if (!comma || strchr(comma + 1, ',')) {
        err_set(err, ERR_FAIL, _("--crosstab takes two questions separated by a comma (A,B), not "
                                 "'%s'"), spec);
        goto fail;
    }
    *comma = '\0';
    if (dim_parse(f, util_trim(copy), group_by, ngroups, &x->a, err) != 0 ||
        dim_parse(f, util_trim(comma + 1), group_by, ngroups, &x->b, err) != 0)
        goto fail;
    if (strcmp(x->a.spec, x->b.spec) == 0) {
        err_set(err, ERR_FAIL, _("--crosstab %s: the two questions must differ"), spec);
        goto fail;
    }
    x->counts = util_xcalloc(x->a.n * x->b.n + 1, sizeof *x->counts);
    free(copy);
    return x;
fail:
    free(copy);
    xtab_free(x);
    return NULL;
}

void xtab_free(xtab_t *x)
{
    if (!x)
        return;
    free(x->a.spec);
    free(x->b.spec);
    free(x->counts);
    free(x);
}

/* The respondent's category on d, -1 when unanswered. */
static long cat_of(const xtab_t *x, const xdim_t *d, const store_scan_row_t *r, const int *at, int group)
{
    if (d->pos < 0)
        return group >= 0 ? group : (long)d->n - 1;
    int i = at[d->pos];
    if (i < 0 || !r->text[i])
        return -1;
    return form_list_choice(&x->f->lists[d->list], r->text[i]);
}

void xtab_add(xtab_t *x, const store_scan_row_t *r, const int *at, int group)
{
    long i = cat_of(x, &x->a, r, at, group), j = cat_of(x, &x->b, r, at, group);
    if (i >= 0 && j >= 0)
        x->counts[(size_t)i * x->b.n + (size_t)j] += 1;
}

/* ---- the published table ---- */

/* Where each category of d goes in the published table (map[d->n]), its
 * names and labels; returns how many published categories.  A grouping
 * keeps its shown groups, and pools the hidden ones and the respondents
 * in no group into a last one (name and label NULL) when any of them
 * answered (*pooled set). */
static size_t dim_publish(const xtab_t *x, const xdim_t *d, const double *tot, int li, const res_t *r, size_t *map,
                          char ***names, char ***labels, int *pooled)
{
    size_t n = 0;
    *names = util_xcalloc(d->n + 1, sizeof **names);
    *labels = util_xcalloc(d->n + 1, sizeof **labels);
    *pooled = 0;
    if (d->pos >= 0) {
        const form_list_t *l = &x->f->lists[d->list];
        for (size_t c = 0; c < d->n; c++) {
            (*names)[n] = util_xstrdup(l->choices[c].name);
            (*labels)[n] = util_xstrdup(form_text(x->f, l->choices[c].label, li));
            map[c] = n++;
        }
        return n;
    }
    double pool = 0;
    for (size_t g = 0; g < d->n; g++) {
        int shown = g < r->ngroups && !r->groups[g].suppressed && r->groups[g].n > 0;
        map[g] = shown ? n : (size_t)-1;
        if (shown) {
            (*names)[n] = util_xstrdup(r->groups[g].code);
            (*labels)[n++] = util_xstrdup(r->groups[g].name);
        } else {
            pool += tot[g];
        }
    }
    if (pool > 0) {
        for (size_t g = 0; g < d->n; g++)
            if (map[g] == (size_t)-1)
                map[g] = n;
        *pooled = 1;
        n++;
    }
    return n;
}

/* Cell (line i, position k) of a row (by_col 0) or column (1). */
static size_t at_of(size_t nc, int by_col, size_t i, size_t k)
{
    return by_col ? k * nc + i : i * nc + k;
}

/* Cell suppression into hidden[nr x nc], the rules of suppress_small
 * for cells: a row or column of 1..min_n-1 respondents hides every cell
 * (its zeros too, which would show where its few answers are not); a
 * cell of 1..min_n-1 is hidden; then, over again until nothing changes,
 * a row or column whose hidden cells are one alone, or sum to under
 * min_n, hides its smallest other cell (a count before a zero), because
 * the totals are published and would give them by subtraction.  Returns
 * the number hidden. */
static size_t hide_cells(const double *t, size_t nr, size_t nc, long min_n, char *hidden)
{
    for (int by_col = 0; by_col < 2; by_col++)
        for (size_t i = 0; i < (by_col ? nc : nr); i++) {
            double tot = 0;
            for (size_t k = 0; k < (by_col ? nr : nc); k++)
                tot += t[at_of(nc, by_col, i, k)];
            for (size_t k = 0; tot > 0 && tot < min_n && k < (by_col ? nr : nc); k++)
                hidden[at_of(nc, by_col, i, k)] = 1;
        }
    for (size_t i = 0; i < nr * nc; i++)
        hidden[i] |= t[i] > 0 && t[i] < min_n;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int by_col = 0; by_col < 2; by_col++)
            for (size_t i = 0; i < (by_col ? nc : nr); i++) {
                size_t len = by_col ? nr : nc, nh = 0;
                double hsum = 0;
                long pick = -1;
                for (size_t k = 0; k < len; k++) {
                    size_t a = at_of(nc, by_col, i, k);
                    if (hidden[a]) {
                        nh++;
                        hsum += t[a];
                    } else if (pick < 0 || (t[a] > 0 && (t[at_of(nc, by_col, i, (size_t)pick)] == 0 ||
                                                         t[a] < t[at_of(nc, by_col, i, (size_t)pick)]))) {
                        pick = (long)k;
                    }
                }
                if (nh > 0 && (nh == 1 || hsum < min_n) && pick >= 0) {
                    hidden[at_of(nc, by_col, i, (size_t)pick)] = 1;
                    changed = 1;
                }
            }
    }
    size_t n = 0;
    for (size_t i = 0; i < nr * nc; i++)
        n += hidden[i] != 0;
    return n;
}

/* The table the test may use, with the lines (rows, or with by_col the
 * columns) that hold a suppressed cell merged into one, and empty rows
 * and columns left out; transposed when by_col (X2, df and V do not
 * change).  Into *out (heap); returns its rows, *onc its columns. */
static size_t collapse(const double *t, const char *hidden, size_t nr, size_t nc, int by_col, double **out,
                       size_t *onc)
{
    size_t lines = by_col ? nc : nr, len = by_col ? nr : nc;
    double *m = util_xcalloc((lines + 1) * (len + 1), sizeof *m);
    size_t nl = 0;
    int anyhid = 0;
    for (size_t i = 0; i < lines; i++) {
        int hid = 0;
        for (size_t k = 0; k < len; k++)
            hid |= hidden[by_col ? k * nc + i : i * nc + k];
        if (hid) {
            anyhid = 1;
            continue;
        }
        for (size_t k = 0; k < len; k++)
            m[nl * len + k] = t[by_col ? k * nc + i : i * nc + k];
        nl++;
    }
    if (anyhid) {   /* the merged line, last */
        for (size_t i = 0; i < lines; i++) {
            int hid = 0;
            for (size_t k = 0; k < len; k++)
                hid |= hidden[by_col ? k * nc + i : i * nc + k];
            for (size_t k = 0; hid && k < len; k++)
                m[nl * len + k] += t[by_col ? k * nc + i : i * nc + k];
        }
        nl++;
    }
    /* drop empty lines, then empty columns */
    size_t keep = 0;
    for (size_t i = 0; i < nl; i++) {
        double s = 0;
        for (size_t k = 0; k < len; k++)
            s += m[i * len + k];
        if (s > 0)
            memmove(m + keep++ * len, m + i * len, len * sizeof *m);
    }
    size_t kc = 0;
    double *o = util_xcalloc(keep * len + 1, sizeof *o);
    for (size_t k = 0; k < len; k++) {
        double s = 0;
        for (size_t i = 0; i < keep; i++)
            s += m[i * len + k];
        if (s > 0) {
            for (size_t i = 0; i < keep; i++)
                o[i * len + kc] = m[i * len + k];
            kc++;
        }
    }
    /* compact the kept columns into rows of kc */
    for (size_t i = 0; i < keep; i++)
        memmove(o + i * kc, o + i * len, kc * sizeof *o);
    free(m);
    *out = o;
    *onc = kc;
    return keep;
}

/* The test over the published numbers (see the top of this file). */
static void xtab_test(res_crosstab_t *X, const double *t, const char *hidden, res_t *r)
{
    double *tab[2] = {NULL, NULL};
    size_t rows[2], cols[2];
    int tries = X->suppressed_cells ? 2 : 1, pick = 0;
    for (int k = 0; k < tries; k++)
        rows[k] = collapse(t, hidden, X->nrows, X->ncols, k, &tab[k], &cols[k]);
    if (tries == 2) {
        double df0 = rows[0] > 1 && cols[0] > 1 ? (double)((rows[0] - 1) * (cols[0] - 1)) : 0;
        double df1 = rows[1] > 1 && cols[1] > 1 ? (double)((rows[1] - 1) * (cols[1] - 1)) : 0;
        pick = df1 > df0;
    }
    X->pooled = X->suppressed_cells ? 1 + pick : 0;
    X->test_rows = (double)(pick ? cols[1] : rows[0]);
    X->test_cols = (double)(pick ? rows[1] : cols[0]);
    stats_chisq_t cs;
    if (stats_chisq_indep(tab[pick], rows[pick], cols[pick], &cs) == 0) {
        X->chisq = cs.chisq;
        X->df = cs.df;
        X->p = cs.p;
        X->cramers_v = cs.cramers_v;
        X->yates = cs.yates;
        X->min_expected = cs.min_expected;
        X->expected_below_5 = cs.expected_below_5;
        if (X->pooled)
            res_warn(r, RES_W_XTAB_POOLED, X->pooled, 0);
        if (cs.expected_below_5)
            res_warn(r, RES_W_XTAB_EXPECTED, -1, cs.expected_below_5);
    } else {
        res_warn(r, RES_W_XTAB_NOTEST, -1, 0);
    }
    free(tab[0]);
    free(tab[1]);
}

void xtab_result(const xtab_t *x, int li, res_t *r)
{
    res_crosstab_t *X = util_xcalloc(1, sizeof *X);
    double *ra = util_xcalloc(x->a.n + 1, sizeof *ra), *cb = util_xcalloc(x->b.n + 1, sizeof *cb);
    for (size_t i = 0; i < x->a.n; i++)
        for (size_t j = 0; j < x->b.n; j++) {
            ra[i] += x->counts[i * x->b.n + j];
            cb[j] += x->counts[i * x->b.n + j];
        }
    size_t *ma = util_xmalloc((x->a.n + 1) * sizeof *ma), *mb = util_xmalloc((x->b.n + 1) * sizeof *mb);
    int pooled_row = 0, pooled_col = 0;
    X->rows = util_xstrdup(x->a.spec);
    X->cols = util_xstrdup(x->b.spec);
    X->row_label = x->a.pos >= 0 ? util_xstrdup(form_text(x->f, x->f->items[x->a.pos].label, li)) : NULL;
    X->col_label = x->b.pos >= 0 ? util_xstrdup(form_text(x->f, x->f->items[x->b.pos].label, li)) : NULL;
    X->nrows = dim_publish(x, &x->a, ra, li, r, ma, &X->row_names, &X->row_labels, &pooled_row);
    X->ncols = dim_publish(x, &x->b, cb, li, r, mb, &X->col_names, &X->col_labels, &pooled_col);
    X->pooled_groups = pooled_row | pooled_col << 1;
    X->table = util_xcalloc(X->nrows * X->ncols + 1, sizeof *X->table);
    X->row_tot = util_xcalloc(X->nrows + 1, sizeof *X->row_tot);
    X->col_tot = util_xcalloc(X->ncols + 1, sizeof *X->col_tot);
    for (size_t i = 0; i < x->a.n; i++)
        for (size_t j = 0; j < x->b.n; j++)
            if (ma[i] != (size_t)-1 && mb[j] != (size_t)-1)   /* unmapped: groups with no answers */
                X->table[ma[i] * X->ncols + mb[j]] += x->counts[i * x->b.n + j];
    for (size_t i = 0; i < X->nrows; i++)
        for (size_t j = 0; j < X->ncols; j++) {
            X->row_tot[i] += X->table[i * X->ncols + j];
            X->col_tot[j] += X->table[i * X->ncols + j];
            X->n += X->table[i * X->ncols + j];
        }
    char *hidden = util_xcalloc(X->nrows * X->ncols + 1, 1);
    X->suppressed_cells = hide_cells(X->table, X->nrows, X->ncols, r->min_n, hidden);
    X->chisq = X->df = X->p = X->cramers_v = X->min_expected = X->test_rows = X->test_cols = NAN;
    xtab_test(X, X->table, hidden, r);
    if (X->suppressed_cells)
        res_warn(r, RES_W_XTAB_CELLS, -1, X->suppressed_cells);
    for (size_t i = 0; i < X->nrows * X->ncols; i++)
        if (hidden[i])
            X->table[i] = NAN;
    r->crosstab = X;
    free(hidden);
    free(ra);
    free(cb);
    free(ma);
    free(mb);
}
