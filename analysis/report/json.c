/*
 * json: a res_t as JSON, the contract of DESIGN.md section 6.  Suppressed
 * groups are written with their code, name and the flag only; a statistic
 * that could not be computed is null.  Findings carry their kind, group,
 * dimension and numbers, and their sentence in the analysis language;
 * warnings are sentences in that language.
 */
#include "analysis/report/render.h"
#include "analysis/findings.h"
#include "base/i18n.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void jstr(util_buf_t *b, const char *s)
{
    util_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': util_buf_adds(b, "\\\""); break;
        case '\\': util_buf_adds(b, "\\\\"); break;
        case '\n': util_buf_adds(b, "\\n"); break;
        case '\r': util_buf_adds(b, "\\r"); break;
        case '\t': util_buf_adds(b, "\\t"); break;
        default:
            if (*p < 0x20)
                util_buf_addf(b, "\\u%04x", *p);
            else
                util_buf_addc(b, (char)*p);
        }
    }
    util_buf_addc(b, '"');
}

/* Numbers with 15 significant digits: the JSON is the machine interface,
 * checked against R at 1e-6 (tests/cli/rcheck.sh) and read by programs
 * that compute on, so it is not rounded to a reader's precision as the
 * tables are (csv.c, table.c, the report).  Rounding would protect
 * nothing: what may be published is decided by the blocks the numbers
 * are computed over (analyze.c), not by their digits.  NaN/Inf are null. */
static void jnum(util_buf_t *b, double v)
{
    char d[32];
    if (!isfinite(v))
        util_buf_adds(b, "null");
    else
        util_buf_add(b, d, util_fmt_g15(v, d));   /* "%.15g": integers as %.0f */
}

/* "k": (keys are the renderer's own names: nothing to escape) */
static void key(util_buf_t *b, const char *k)
{
    util_buf_addc(b, '"');
    util_buf_adds(b, k);
    util_buf_add(b, "\": ", 3);
}

static void kstr(util_buf_t *b, const char *k, const char *v)
{
    key(b, k);
    if (v)
        jstr(b, v);
    else
        util_buf_adds(b, "null");
}

static void knum(util_buf_t *b, const char *k, double v)
{
    key(b, k);
    jnum(b, v);
}

static void kbool(util_buf_t *b, const char *k, int v)
{
    util_buf_addf(b, "\"%s\": %s", k, v ? "true" : "false");
}

/* "k0": v0, "k1": v1... */
static void knums(util_buf_t *b, const char *const *keys, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            util_buf_adds(b, ", ");
        knum(b, keys[i], v[i]);
    }
}

/* An object of numbers {"k0": v0, "k1": v1...}, or null when the first
 * (the statistic itself) could not be computed. */
static void kobj(util_buf_t *b, const char *const *keys, const double *v, size_t n)
{
    if (isnan(v[0])) {
        util_buf_adds(b, "null");
        return;
    }
    util_buf_adds(b, "{");
    knums(b, keys, v, n);
    util_buf_adds(b, "}");
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define SEP util_buf_adds(b, ", ")

static void json_head(util_buf_t *b, const res_t *r)
{
    static const char *const keys[] = {"min_n",          "min_diff",    "fdr", "suppressed_groups",
                                       "self_responses", "comment_min"};
    util_buf_adds(b, "{\n  ");
    kstr(b, "form", r->form_id); SEP;
    kstr(b, "title", r->form_title); SEP;
    kstr(b, "wave", r->wave); SEP;
    kstr(b, "compare_wave", r->compare_wave); SEP;
    knum(b, "respondents", (double)r->respondents); SEP;
    knum(b, "excluded_careless", (double)r->excluded); SEP;
    kstr(b, "group_by", r->group_by); SEP;
    knums(b, keys,
          (double[]){r->min_n, r->min_diff, r->fdr, (double)r->nsuppressed, (double)r->self_responses,
                     r->comment_min},
          N_OF(keys));
    SEP;
    kbool(b, "small_groups_allowed", r->min_n < RES_MIN_N_SAFE);
}

static void json_items(util_buf_t *b, const res_dim_t *D)
{
    static const char *const keys[] = {"n", "mean", "sd", "r_drop", "alpha_if_dropped"};
    for (size_t i = 0; i < D->nitems; i++) {
        const res_item_t *I = &D->items[i];
        util_buf_adds(b, i ? ", {" : "{");
        kstr(b, "name", I->name); SEP;
        kstr(b, "label", I->label); SEP;
        kbool(b, "reverse", I->reverse); SEP;
        knums(b, keys, (double[]){I->n, I->mean, I->sd, I->r_drop, I->alpha_if_dropped}, N_OF(keys));
        util_buf_adds(b, "}");
    }
}

static void json_dim(util_buf_t *b, const res_dim_t *D)
{
    static const char *const anova[] = {"f", "df_between", "df_within", "p", "eta2", "omega2"};
    static const char *const welch[] = {"f", "df_between", "df_within", "p"};
    static const char *const kw[] = {"h", "df", "p"};
    static const char *const head[] = {"n", "mean", "sd", "ci_low", "ci_high", "alpha", "std_alpha",
                                       "average_r", "alpha_ci_low", "alpha_ci_high", "alpha_n"};
    static const char *const tail[] = {"icc1", "icc2", "tau2", "msw", "blocks", "deviation", "t", "df",
                                       "p", "q", "rank"};
    kstr(b, "code", D->code); SEP;
    kstr(b, "label", D->label); SEP;
    knums(b, head,
          (double[]){D->n, D->mean, D->sd, D->ci_low, D->ci_high, D->alpha, D->std_alpha, D->average_r,
                     D->alpha_ci_low, D->alpha_ci_high, D->alpha_n},
          N_OF(head));
    util_buf_adds(b, ",\n     \"items\": [");
    json_items(b, D);
    util_buf_adds(b, "],\n     \"anova\": ");
    kobj(b, anova, (double[]){D->f, D->df_between, D->df_within, D->p_anova, D->eta2, D->omega2}, 6);
    util_buf_adds(b, ",\n     \"welch_anova\": ");
    kobj(b, welch, (double[]){D->welch_f, D->welch_df1, D->welch_df2, D->welch_p}, 4);
    util_buf_adds(b, ",\n     \"kruskal\": ");
    kobj(b, kw, (double[]){D->kw_h, D->kw_df, D->kw_p}, 3);
    util_buf_adds(b, ",\n     ");
    knums(b, tail,
          (double[]){D->icc1, D->icc2, D->tau2, D->msw, D->blocks, D->deviation, D->dev_t, D->dev_df,
                     D->dev_p, D->dev_q, D->rank},
          N_OF(tail));
    SEP;
    kbool(b, "weak", D->weak);
}

static void json_cell(util_buf_t *b, const res_cell_t *C)
{
    static const char *const keys[] = {"n",    "mean", "sd", "ci_low", "ci_high", "shrunk",
                                       "rwg_j", "diff", "t",  "df",     "p",       "q"};
    knums(b, keys,
          (double[]){C->n, C->mean, C->sd, C->ci_low, C->ci_high, C->shrunk, C->rwg_j, C->diff, C->t,
                     C->df, C->p, C->q},
          N_OF(keys));
    SEP;
    kbool(b, "weak", C->weak); SEP;
    kstr(b, "funnel", res_funnel_name(C->funnel));
}

static void json_groups(util_buf_t *b, const res_t *r)
{
    int first = 1;
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (G->n == 0)
            continue;   /* groups without responses are simply absent */
        util_buf_adds(b, first ? "\n    {" : ",\n    {");
        first = 0;
        kstr(b, "code", G->code); SEP;
        kstr(b, "name", G->name); SEP;
        kbool(b, "suppressed", G->suppressed);
        if (G->suppressed) {
            util_buf_adds(b, "}");
            continue;
        }
        SEP;
        knum(b, "n", (double)G->n); SEP;
        if (G->flagged >= 0) {
            knum(b, "careless", (double)G->flagged); SEP;
        }
        knum(b, "invited", G->invited); SEP;
        knum(b, "response_rate", G->response_rate); SEP;
        kstr(b, "rate_basis", res_rate_name(G->rate_basis));
        util_buf_adds(b, ",\n     \"item_means\": {");
        for (size_t d = 0, k = 0; d < r->ndims && G->item_means; d++)
            for (size_t i = 0; i < r->dims[d].nitems; i++, k++) {
                util_buf_adds(b, k ? ", " : "");
                knum(b, r->dims[d].items[i].name, G->item_means[k]);
            }
        util_buf_adds(b, "}");
        util_buf_adds(b, ",\n     \"scores\": {");
        for (size_t d = 0; d < r->ndims && G->cells; d++) {
            util_buf_adds(b, d ? ",\n       " : "\n       ");
            jstr(b, r->dims[d].code);
            util_buf_adds(b, ": {");
            json_cell(b, &G->cells[d]);
            util_buf_adds(b, "}");
        }
        util_buf_adds(b, "}}");
    }
}

static void json_gaps(util_buf_t *b, const res_t *r)
{
    static const char *const keys[] = {"self",         "staff",         "staff_ci_low", "staff_ci_high",
                                       "gap",          "staff_n",       "staff_sd",     "pi_low",
                                       "pi_high",      "t",             "df",           "p",
                                       "p_holm",       "overall_self",  "overall_staff", "overall_t",
                                       "overall_p"};
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "unit", r->groups[gp->group].code); SEP;
        kstr(b, "dimension", r->dims[gp->dim].code); SEP;
        knums(b, keys,
              (double[]){gp->self, gp->staff, gp->staff_ci_low, gp->staff_ci_high, gp->gap, gp->staff_n,
                         gp->staff_sd, gp->pi_low, gp->pi_high, gp->t, gp->df, gp->p, gp->p_holm,
                         gp->overall_self,
                         gp->overall_staff, gp->overall_t, gp->overall_p},
              N_OF(keys));
        SEP;
        kstr(b, "flag", res_gapflag_name(gp->flag));
        util_buf_adds(b, "}");
    }
}

static void json_changes(util_buf_t *b, const res_t *r)
{
    static const char *const keys[] = {"n0", "mean0", "n", "mean", "diff", "t", "df", "p", "q"};
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *c = &r->changes[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "group", c->group < 0 ? NULL : r->groups[c->group].code); SEP;
        kstr(b, "dimension", r->dims[c->dim].code); SEP;
        knums(b, keys,
              (double[]){c->n0, c->mean0, c->n1, c->mean1, c->diff, c->t, c->df, c->p, c->q},
              N_OF(keys));
        SEP;
        kstr(b, "flag", res_changeflag_name(c->flag));
        util_buf_adds(b, "}");
    }
}

/* [v0, v1, ...], or null when v is NULL (not computed). */
static void jarr(util_buf_t *b, const double *v, size_t n)
{
    if (!v) {
        util_buf_adds(b, "null");
        return;
    }
    util_buf_adds(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            SEP;
        jnum(b, v[i]);
    }
    util_buf_adds(b, "]");
}

/* "k": [v0, ...] (null when v is NULL) */
static void karr(util_buf_t *b, const char *k, const double *v, size_t n)
{
    key(b, k);
    jarr(b, v, n);
}

/* A count that is -1 when it does not exist (a parallel analysis that
 * could not run): null. */
static double count_or_nan(int n)
{
    return n < 0 ? NAN : (double)n;
}

/* validity.items: per item its dimension, MSA, loadings, h2, u2 and CFA
 * standardized loading. */
static void json_val_items(util_buf_t *b, const res_t *r, const res_validity_t *v)
{
    size_t m = v->nfactors;
    for (size_t i = 0; i < v->nitems; i++) {
        util_buf_adds(b, i ? ",\n      {" : "\n      {");
        kstr(b, "name", v->items[i]); SEP;
        kstr(b, "dimension", r->dims[v->item_dim[i]].code); SEP;
        knum(b, "msa", v->msa ? v->msa[i] : NAN); SEP;
        karr(b, "loadings", v->loadings ? &v->loadings[i * m] : NULL, m); SEP;
        knum(b, "communality", v->communality ? v->communality[i] : NAN); SEP;
        knum(b, "uniqueness", v->uniqueness ? v->uniqueness[i] : NAN); SEP;
        knum(b, "std_loading", v->std_loadings ? v->std_loadings[i] : NAN);
        util_buf_adds(b, "}");
    }
}

static void json_efa(util_buf_t *b, const res_t *r, const res_validity_t *v)
{
    size_t m = v->nfactors;
    util_buf_adds(b, ",\n    \"efa\": {\"method\": \"minres\", \"rotation\": \"oblimin\", ");
    knum(b, "factors", (double)m); SEP;
    if (!v->loadings) {
        kbool(b, "computed", 0);
        util_buf_adds(b, "}");
        return;
    }
    kbool(b, "computed", 1); SEP;
    kbool(b, "rotation_converged", v->rotation_converged); SEP;
    karr(b, "ss_loadings", v->ss_loadings, m); SEP;
    karr(b, "proportion_variance", v->prop_var, m);
    util_buf_adds(b, ",\n      \"phi\": [");
    for (size_t f = 0; f < m; f++) {
        if (f)
            SEP;
        jarr(b, &v->phi[f * m], m);
    }
    util_buf_adds(b, "],\n      \"factor_dimensions\": [");
    for (size_t f = 0; f < m; f++) {
        if (f)
            SEP;
        if (v->factor_dim[f] >= 0)
            jstr(b, r->dims[v->factor_dim[f]].code);
        else
            util_buf_adds(b, "null");
    }
    util_buf_adds(b, "]}");
}

static void json_cfa(util_buf_t *b, const res_t *r, const res_validity_t *v)
{
    static const char *const keys[] = {"n",     "chisq", "df",           "p",             "cfi",
                                       "tli",   "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr"};
    util_buf_adds(b, ",\n    \"cfa\": {\"estimator\": \"ML\", ");
    kbool(b, "computed", v->cfa_status == RES_V_OK); SEP;
    knums(b, keys,
          (double[]){v->cfa_n, v->chisq, v->df, v->pvalue, v->cfi, v->tli, v->rmsea, v->rmsea_ci_low,
                     v->rmsea_ci_high, v->srmr},
          N_OF(keys));
    util_buf_adds(b, ",\n      \"dimensions\": [");
    int first = 1;
    for (size_t d = 0; v->cfa_dim && d < r->ndims; d++) {
        if (!v->cfa_dim[d])
            continue;
        util_buf_adds(b, first ? "{" : ", {");
        first = 0;
        kstr(b, "code", r->dims[d].code); SEP;
        knum(b, "omega", v->omega[d]); SEP;
        knum(b, "ave", v->ave[d]);
        util_buf_adds(b, "}");
    }
    util_buf_adds(b, "]}");
}

static void json_validity(util_buf_t *b, const res_t *r)
{
    const res_validity_t *v = r->validity;
    if (!v) {
        util_buf_adds(b, "null");
        return;
    }
    size_t p = v->nitems;
    util_buf_adds(b, "{\n    ");
    knum(b, "respondents", v->rows); SEP;
    knum(b, "min_pair_n", v->min_pair_n); SEP;
    knum(b, "kmo", v->kmo);
    util_buf_adds(b, ",\n    \"bartlett\": ");
    static const char *const bk[] = {"chisq", "df", "p"};
    kobj(b, bk, (double[]){v->bartlett_chisq, v->bartlett_df, v->bartlett_p}, 3);
    util_buf_adds(b, ",\n    ");
    karr(b, "eigenvalues", v->eigen, p);
    util_buf_adds(b, ",\n    ");
    karr(b, "eigenvalues_reduced", v->eigen_reduced, p);
    util_buf_adds(b, ",\n    \"parallel\": {");
    knum(b, "iterations", (double)v->pa_iterations); SEP;
    knum(b, "seed", (double)v->pa_seed); SEP;
    knum(b, "factors", count_or_nan(v->pa_factors)); SEP;
    knum(b, "components", count_or_nan(v->pa_components));
    util_buf_adds(b, ",\n      ");
    karr(b, "simulated_95", v->pa_pc95, p);
    util_buf_adds(b, ",\n      ");
    karr(b, "simulated_95_reduced", v->pa_fa95, p);
    util_buf_adds(b, "}");
    json_efa(b, r, v);
    json_cfa(b, r, v);
    util_buf_adds(b, ",\n    \"items\": [");
    json_val_items(b, r, v);
    util_buf_adds(b, "]}");
}

/* One key-driver fit: n, R^2, and per dimension its shares, beta, r,
 * mean and quadrant; computed false (and why) when it was not made. */
static void json_drvfit(util_buf_t *b, const res_t *r, const res_drvfit_t *F)
{
    static const char *const keys[] = {"lmg", "lmg_share", "rw", "rw_share", "beta", "r", "pratt_share", "mean"};
    knum(b, "n", F->n); SEP;
    kbool(b, "computed", F->status == RES_V_OK); SEP;
    if (F->status != RES_V_OK) {
        kstr(b, "reason", F->status == RES_V_FEW ? "few_respondents" : "singular");
        return;
    }
    knum(b, "r2", F->r2); SEP;
    knum(b, "importance_median", F->imp_median); SEP;
    knum(b, "performance_median", F->perf_median);
    util_buf_adds(b, ",\n      \"dimensions\": [");
    for (size_t d = 0; d < r->ndims; d++) {
        util_buf_adds(b, d ? ",\n        {" : "\n        {");
        kstr(b, "code", r->dims[d].code); SEP;
        knums(b, keys,
              (double[]){F->lmg[d], F->lmg_share[d], F->rw[d], F->rw_share[d], F->beta[d], F->r[d],
                         F->pratt_share[d], F->mean[d]},
              N_OF(keys));
        SEP;
        kstr(b, "quadrant", res_quadrant_name(F->quadrant[d]));
        util_buf_adds(b, "}");
    }
    util_buf_adds(b, "]");
}

static void json_drivers(util_buf_t *b, const res_t *r)
{
    const res_drivers_t *D = r->drivers;
    if (!D) {
        util_buf_adds(b, "null");
        return;
    }
    util_buf_adds(b, "{\n    ");
    kstr(b, "outcome", D->outcome); SEP;
    kstr(b, "outcome_label", D->outcome_label); SEP;
    kstr(b, "importance", "lmg_share"); SEP;
    knum(b, "min_per_predictor", RES_DRV_PER_PREDICTOR); SEP;
    json_drvfit(b, r, &D->all);
    util_buf_adds(b, ",\n    \"groups\": [");
    int first = 1;
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (G->suppressed || !G->cells)
            continue;
        util_buf_adds(b, first ? "\n     {" : ",\n     {");
        first = 0;
        kstr(b, "code", G->code); SEP;
        json_drvfit(b, r, &D->groups[g]);
        util_buf_adds(b, "}");
    }
    util_buf_adds(b, "]}");
}

static void json_careless(util_buf_t *b, const res_t *r)
{
    const res_careless_t *c = r->careless;
    if (!c) {
        util_buf_adds(b, "null");
        return;
    }
    static const char *const keys[] = {"screened", "items", "complete", "straightlining", "mahalanobis",
                                       "flagged", "mahalanobis_alpha", "mahalanobis_cutoff",
                                       "mahalanobis_mean"};
    static const char *const ls[] = {"mean", "sd", "max"};
    static const char *const irv[] = {"mean", "sd"};
    util_buf_adds(b, "{\n    ");
    knums(b, keys,
          (double[]){(double)c->screened, (double)c->nitems, (double)c->complete, (double)c->straight,
                     (double)c->maha, (double)c->flagged, c->maha_alpha, c->maha_cutoff, c->d2_mean},
          N_OF(keys));
    SEP;
    kbool(b, "excluded", c->excluded);
    util_buf_adds(b, ",\n    \"longstring\": ");
    kobj(b, ls, (double[]){c->longstring_mean, c->longstring_sd, c->longstring_max}, 3);
    util_buf_adds(b, ", \"irv\": ");
    kobj(b, irv, (double[]){c->irv_mean, c->irv_sd}, 2);
    util_buf_adds(b, "}");
}

static void json_findings(util_buf_t *b, const res_t *r)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const res_finding_t *f = &r->findings[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "kind", res_fkind_name(f->kind)); SEP;
        kstr(b, "group", f->group < 0 ? NULL : r->groups[f->group].code); SEP;
        kstr(b, "dimension", f->dim < 0 ? NULL : r->dims[f->dim].code); SEP;
        /* the indexes of an item and another dimension as their names */
        double item = findings_value(f, "item"), other = findings_value(f, "other_dim");
        if (item >= 0 && r->validity && item < (double)r->validity->nitems) {
            kstr(b, "item", r->validity->items[(size_t)item]); SEP;
        }
        if (other >= 0 && other < (double)r->ndims) {
            kstr(b, "other_dimension", r->dims[(size_t)other].code); SEP;
        }
        util_buf_adds(b, "\"values\": {");
        int first = 1;
        for (size_t k = 0; k < f->nvalues; k++) {
            if (strcmp(f->values[k].key, "item") == 0 || strcmp(f->values[k].key, "other_dim") == 0)
                continue;
            if (!first)
                SEP;
            first = 0;
            knum(b, f->values[k].key, f->values[k].v);
        }
        util_buf_adds(b, "}, ");
        char *text = render_finding(r, f, render_zh(r));
        kstr(b, "text", text);
        free(text);
        util_buf_adds(b, "}");
    }
}

/* One question's counts among some respondents: n, the blanks, then
 * per choice (counts, and choices with labels and percentages of n). */
static void json_qstat(util_buf_t *b, const res_question_t *Q, const res_qstat_t *st, int all)
{
    static const char *const head[] = {"n", "not_answered", "not_applicable"};
    static const char *const num[] = {"mean", "sd", "min", "q1", "median", "q3", "max"};
    knums(b, head, (double[]){st->n, st->not_answered, st->not_applicable}, N_OF(head));
    if (st->counts) {
        util_buf_adds(b, ", \"counts\": {");
        for (size_t c = 0; c < Q->nchoices; c++) {
            util_buf_adds(b, c ? ", " : "");
            knum(b, Q->choice_names[c], st->counts[c]);
        }
        util_buf_adds(b, "}, \"percent\": {");
        for (size_t c = 0; c < Q->nchoices; c++) {
            util_buf_adds(b, c ? ", " : "");
            knum(b, Q->choice_names[c], st->n > 0 ? 100 * st->counts[c] / st->n : NAN);
        }
        util_buf_adds(b, "}");
    }
    if (Q->kind == RES_Q_NUMBER || !isnan(st->mean)) {
        SEP;
        knums(b, num, (double[]){st->mean, st->sd, st->min, st->q1, st->median, st->q3, st->max},
              all && Q->kind == RES_Q_NUMBER ? N_OF(num) : 2);
    }
}

static void json_questions(util_buf_t *b, const res_t *r)
{
    for (size_t i = 0; i < r->nquestions; i++) {
        const res_question_t *Q = &r->questions[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "name", Q->name); SEP;
        kstr(b, "label", Q->label); SEP;
        kstr(b, "type", Q->type); SEP;
        kstr(b, "kind", res_qkind_name(Q->kind)); SEP;
        kbool(b, "grouping", Q->grouping); SEP;
        json_qstat(b, Q, &Q->all, 1);
        if (Q->nchoices) {
            util_buf_adds(b, ",\n     \"labels\": {");
            for (size_t c = 0; c < Q->nchoices; c++) {
                util_buf_adds(b, c ? ", " : "");
                kstr(b, Q->choice_names[c], Q->choice_labels[c]);
            }
            util_buf_adds(b, "}");
        }
        util_buf_adds(b, ",\n     \"groups\": [");
        int first = 1;
        for (size_t g = 0; Q->groups && g < r->ngroups; g++) {
            if (r->groups[g].suppressed || isnan(Q->groups[g].n))
                continue;   /* a hidden group's counts never get here; belt and braces */
            util_buf_adds(b, first ? "{" : ", {");
            first = 0;
            kstr(b, "group", r->groups[g].code); SEP;
            json_qstat(b, Q, &Q->groups[g], 0);
            util_buf_adds(b, "}");
        }
        util_buf_adds(b, "]}");
    }
}

/* [[..], ..] of nr rows of nc numbers, v(i, j) each. */
static void json_matrix(util_buf_t *b, size_t nr, size_t nc, double (*v)(const res_crosstab_t *, size_t, size_t),
                        const res_crosstab_t *X)
{
    util_buf_adds(b, "[");
    for (size_t i = 0; i < nr; i++) {
        util_buf_adds(b, i ? ", [" : "[");
        for (size_t j = 0; j < nc; j++) {
            util_buf_adds(b, j ? ", " : "");
            jnum(b, v(X, i, j));
        }
        util_buf_adds(b, "]");
    }
    util_buf_adds(b, "]");
}

static double xcell(const res_crosstab_t *X, size_t i, size_t j) { return X->table[i * X->ncols + j]; }
static double xrowpct(const res_crosstab_t *X, size_t i, size_t j)
{
    return X->row_tot[i] > 0 ? 100 * X->table[i * X->ncols + j] / X->row_tot[i] : NAN;
}
static double xcolpct(const res_crosstab_t *X, size_t i, size_t j)
{
    return X->col_tot[j] > 0 ? 100 * X->table[i * X->ncols + j] / X->col_tot[j] : NAN;
}

/* names or labels of the rows or columns; the pooled group, NULL, is
 * worded */
static void json_names(util_buf_t *b, char **v, size_t n, int zh, int labels)
{
    util_buf_adds(b, "[");
    for (size_t i = 0; i < n; i++) {
        util_buf_adds(b, i ? ", " : "");
        if (v[i])
            jstr(b, v[i]);
        else if (labels)
            jstr(b, TR(zh, "not shown (pooled)"));
        else
            util_buf_adds(b, "null");
    }
    util_buf_adds(b, "]");
}

static void json_crosstab(util_buf_t *b, const res_t *r)
{
    const res_crosstab_t *X = r->crosstab;
    int zh = render_zh(r);
    util_buf_adds(b, "{");
    kstr(b, "rows", X->rows); SEP;
    kstr(b, "cols", X->cols); SEP;
    kstr(b, "row_label", X->row_label); SEP;
    kstr(b, "col_label", X->col_label);
    util_buf_adds(b, ",\n   \"row_names\": ");
    json_names(b, X->row_names, X->nrows, zh, 0);
    util_buf_adds(b, ", \"row_labels\": ");
    json_names(b, X->row_labels, X->nrows, zh, 1);
    util_buf_adds(b, ",\n   \"col_names\": ");
    json_names(b, X->col_names, X->ncols, zh, 0);
    util_buf_adds(b, ", \"col_labels\": ");
    json_names(b, X->col_labels, X->ncols, zh, 1);
    util_buf_adds(b, ",\n   \"table\": ");
    json_matrix(b, X->nrows, X->ncols, xcell, X);
    util_buf_adds(b, ",\n   \"row_percent\": ");
    json_matrix(b, X->nrows, X->ncols, xrowpct, X);
    util_buf_adds(b, ",\n   \"col_percent\": ");
    json_matrix(b, X->nrows, X->ncols, xcolpct, X);
    util_buf_adds(b, ",\n   \"row_totals\": [");
    for (size_t i = 0; i < X->nrows; i++) {
        util_buf_adds(b, i ? ", " : "");
        jnum(b, X->row_tot[i]);
    }
    util_buf_adds(b, "], \"col_totals\": [");
    for (size_t j = 0; j < X->ncols; j++) {
        util_buf_adds(b, j ? ", " : "");
        jnum(b, X->col_tot[j]);
    }
    util_buf_adds(b, "],\n   ");
    static const char *const keys[] = {"n", "suppressed_cells", "chisq", "df", "p", "cramers_v",
                                       "min_expected", "expected_below_5", "test_rows", "test_cols"};
    knums(b, keys,
          (double[]){X->n, (double)X->suppressed_cells, X->chisq, X->df, X->p, X->cramers_v, X->min_expected,
                     (double)X->expected_below_5, X->test_rows, X->test_cols},
          N_OF(keys));
    SEP;
    kbool(b, "yates", X->yates); SEP;
    kstr(b, "pooled", X->pooled == 1 ? "rows" : X->pooled == 2 ? "columns" : NULL); SEP;
    kstr(b, "pooled_groups", X->pooled_groups == 1 ? "row" : X->pooled_groups == 2 ? "column" : NULL);
    util_buf_adds(b, "}");
}

static void json_points(util_buf_t *b, const res_t *r)
{
    static const char *const keys[] = {"bonus", "deduction", "net", "responses"};
    for (size_t i = 0; i < r->npoints; i++) {
        const res_points_t *P = &r->points[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "unit", r->groups[P->group].code); SEP;
        kstr(b, "dimension", r->dims[P->dim].code); SEP;
        knums(b, keys, (double[]){P->bonus, P->deduction, P->net, P->responses}, N_OF(keys));
        util_buf_adds(b, "}");
    }
    util_buf_adds(b, "\n  ],\n  \"points_vs_staff\": [");
    for (size_t i = 0; i < r->npvs; i++) {
        const res_pvs_t *S = &r->points_vs_staff[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "dimension", r->dims[S->dim].code); SEP;
        knum(b, "spearman", S->rho); SEP;
        knum(b, "p", S->p); SEP;
        knum(b, "units", S->units); SEP;
        kstr(b, "method", S->method);
        util_buf_adds(b, "}");
    }
}

int render_json(const res_t *r, FILE *out, err_t *err)
{
    util_buf_t buf = {0}, *b = &buf;
    json_head(b, r);
    util_buf_adds(b, ",\n  \"dimensions\": [");
    for (size_t d = 0; d < r->ndims; d++) {
        util_buf_adds(b, d ? ",\n    {" : "\n    {");
        json_dim(b, &r->dims[d]);
        util_buf_adds(b, "}");
    }
    util_buf_adds(b, "\n  ],\n  \"groups\": [");
    json_groups(b, r);
    util_buf_adds(b, "\n  ],\n  \"gaps\": [");
    json_gaps(b, r);
    util_buf_adds(b, "\n  ],\n  \"gap_rule\": ");
    static const char *const detect[] = {"n", "sd", "sd_overall", "detectable", "detectable_overall",
                                         "detectable_alone"};
    kobj(b, detect,
         (double[]){r->gap_detect.n, r->gap_detect.sd, r->gap_detect.sd_overall, r->gap_detect.dim,
                    r->gap_detect.overall, r->gap_detect.alone},
         N_OF(detect));
    if (r->points) {   /* by unit: the self-assessments were read */
        util_buf_adds(b, ",\n  \"points\": [");
        json_points(b, r);
        util_buf_adds(b, "\n  ]");
    }
    if (r->questions) {
        util_buf_adds(b, ",\n  \"questions\": [");
        json_questions(b, r);
        util_buf_adds(b, "\n  ]");
    }
    if (r->crosstab) {
        util_buf_adds(b, ",\n  \"crosstab\": ");
        json_crosstab(b, r);
    }
    util_buf_adds(b, ",\n  \"changes\": [");
    json_changes(b, r);
    util_buf_adds(b, "\n  ],\n  \"validity\": ");
    json_validity(b, r);
    util_buf_adds(b, ",\n  \"drivers\": ");
    json_drivers(b, r);
    util_buf_adds(b, ",\n  \"careless\": ");
    json_careless(b, r);
    util_buf_adds(b, ",\n  \"findings\": [");
    json_findings(b, r);
    /* the units listed once rather than as findings (results.h) */
    util_buf_adds(b, "\n  ],\n  \"units_without_responses\": [");
    for (size_t i = 0; i < r->nsilent; i++) {
        if (i)
            SEP;
        jstr(b, r->groups[r->silent[i]].code);
    }
    util_buf_adds(b, "],\n  \"units_without_rate\": [");
    for (size_t i = 0; i < r->nunrated; i++) {
        if (i)
            SEP;
        jstr(b, r->groups[r->unrated[i]].code);
    }
    util_buf_adds(b, "],\n  \"warnings\": [");
    for (size_t i = 0; i < r->nwarnings; i++) {
        if (i)
            SEP;
        char *text = render_warning(r, &r->warnings[i], render_zh(r));
        jstr(b, text);
        free(text);
    }
    util_buf_adds(b, "]\n}\n");
    int rc = 0;
    if (fwrite(b->s, 1, b->len, out) != b->len || fflush(out) != 0) {
        err_set(err, ERR_IO, _("writing JSON: %s"), strerror(errno));
        rc = -1;
    }
    util_buf_free(b);
    return rc;
}
