/*
 * results: releasing a res_t, and the names of its enumerations as the
 * JSON and CSV outputs spell them.  Writing a res_t out is the renderers'
 * (analysis/report/render.h).
 */
#include "analysis/results.h"

#include <stdlib.h>

#include "base/util.h"

void res_warn(res_t *r, res_wkind_t kind, long dim, size_t count)
{
    r->warnings = util_xrealloc(r->warnings, (r->nwarnings + 1) * sizeof *r->warnings);
    r->warnings[r->nwarnings++] = (res_warning_t){kind, dim, count};
}

static void validity_free(res_validity_t *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nitems; i++)
        free(v->items[i]);
    void *arrays[] = {v->items, v->item_dim, v->msa, v->eigen, v->eigen_reduced, v->pa_pc95,
                      v->pa_fa95, v->loadings, v->communality, v->uniqueness, v->phi,
                      v->ss_loadings, v->prop_var, v->factor_dim, v->cfa_dim, v->std_loadings,
                      v->omega, v->ave};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    free(v);
}

void res_drvfit_free(res_drvfit_t *f)
{
    void *arrays[] = {f->lmg, f->lmg_share, f->rw, f->rw_share, f->beta, f->r, f->pratt_share,
                      f->mean, f->quadrant};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
}

static void drivers_free(res_drivers_t *d, size_t ngroups)
{
    if (!d)
        return;
    free(d->outcome);
    free(d->outcome_label);
    res_drvfit_free(&d->all);
    for (size_t g = 0; d->groups && g < ngroups; g++)
        res_drvfit_free(&d->groups[g]);
    free(d->groups);
    free(d);
}

void res_free(res_t *r)
{
    if (!r)
        return;
    validity_free(r->validity);
    drivers_free(r->drivers, r->ngroups);
    free(r->careless);
    for (size_t d = 0; d < r->ndims; d++) {
        res_dim_t *D = &r->dims[d];
        for (size_t i = 0; i < D->nitems; i++) {
            res_item_t *I = &D->items[i];
            for (size_t c = 0; c < I->nchoices; c++)
                free(I->choice_labels[c]);
            free(I->choice_labels);
            free(I->counts);
            free(I->name);
            free(I->label);
        }
        free(D->items);
        free(D->code);
        free(D->label);
    }
    free(r->dims);
    for (size_t g = 0; g < r->ngroups; g++) {
        res_group_t *G = &r->groups[g];
        free(G->code);
        free(G->name);
        free(G->category);
        free(G->cells);
        free(G->item_means);
        for (size_t c = 0; c < G->ncomments; c++)
            free(G->comments[c]);
        free(G->comments);
    }
    free(r->groups);
    free(r->gaps);
    free(r->changes);
    free(r->findings);   /* no heap inside: keys are static, names are the res_t's */
    free(r->warnings);
    free(r->silent);
    free(r->unrated);
    free(r->form_id);
    free(r->form_title);
    free(r->wave);
    free(r->compare_wave);
    free(r->lang);
    free(r->group_by);
    free(r->group_label);
    for (size_t i = 0; i < r->nquestions; i++)
        res_question_free(&r->questions[i], r->ngroups);
    free(r->questions);
    res_crosstab_free(r->crosstab);
    free(r->points);
    free(r->points_vs_staff);
    res_free(r->rollup);
    free(r);
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void res_question_free(res_question_t *q, size_t ngroups)
{
    free(q->name);
    free(q->label);
    free_names(q->choice_names, q->nchoices);
    free_names(q->choice_labels, q->nchoices);
    free(q->all.counts);
    for (size_t g = 0; q->groups && g < ngroups; g++)
        free(q->groups[g].counts);
    free(q->groups);
}

void res_crosstab_free(res_crosstab_t *x)
{
    if (!x)
        return;
    free(x->rows);
    free(x->cols);
    free(x->row_label);
    free(x->col_label);
    free_names(x->row_names, x->nrows);
    free_names(x->row_labels, x->nrows);
    free_names(x->col_names, x->ncols);
    free_names(x->col_labels, x->ncols);
    free(x->table);
    free(x->row_tot);
    free(x->col_tot);
    free(x);
}

const char *res_funnel_name(res_funnel_t f)
{
    static const char *const n[] = {"inside", "below_95", "below_998", "above_95", "above_998"};
    return f == RES_FUNNEL_NONE ? NULL : n[f];
}

const char *res_gapflag_name(res_gapflag_t f)
{
    static const char *const n[] = {"consistent", "overclaim", "underclaim"};
    return f == RES_UNTESTED ? NULL : n[f];
}

const char *res_changeflag_name(res_changeflag_t f)
{
    static const char *const n[] = {"stable", "improved", "declined"};
    return n[f];
}

const char *res_fkind_name(res_fkind_t k)
{
    static const char *const n[] = {"weak_dimension", "weak_unit",     "overclaim",
                                    "underclaim",     "unreliable",    "low_response",
                                    "improved",       "declined",      "factor_count",
                                    "cross_loading",  "low_loading",   "poor_fit",
                                    "low_ave",        "priority",      "points_unmatched"};
    _Static_assert(sizeof n / sizeof n[0] == RES_FKINDS, "a name for every kind of finding");
    return n[k];
}

const char *res_qkind_name(res_qkind_t k)
{
    static const char *const n[] = {"choice", "multiple", "number", "text"};
    return n[k];
}

const char *res_quadrant_name(res_quadrant_t q)
{
    static const char *const n[] = {"priority", "strength", "low_priority", "surplus"};
    return q == RES_Q_NONE ? NULL : n[q];
}

const char *res_rate_name(res_rate_t b)
{
    return b == RES_RATE_INVITED ? "invitations" : b == RES_RATE_HEADCOUNT ? "headcount" : NULL;
}

long res_responded(const res_t *r, const res_group_t *g)
{
    return g->n + (r->excluded && g->flagged > 0 ? g->flagged : 0);
}
