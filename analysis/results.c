/*
 * results: releasing a res_t, and the names of its enumerations as the
 * JSON and CSV outputs spell them.  Writing a res_t out is the renderers'
 * (analysis/report/render.h).
 */
#include "analysis/results.h"

#include <stdlib.h>

void res_free(res_t *r)
{
    if (!r)
        return;
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
        free(G->cells);
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
    free(r);
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
    static const char *const n[] = {"weak_dimension", "weak_unit", "overclaim", "underclaim",
                                    "unreliable", "low_response", "improved", "declined"};
    return n[k];
}

const char *res_rate_name(res_rate_t b)
{
    return b == RES_RATE_INVITED ? "invitations" : b == RES_RATE_HEADCOUNT ? "headcount" : NULL;
}
