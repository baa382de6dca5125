/*
 * table: a res_t as aligned tables for a terminal: the dimensions, the
 * groups x dimensions means (hidden groups left out), the self-vs-staff
 * gaps that are flagged, the findings and the warnings.  The language is
 * the res_t's (the --lang of the analysis), so the text goes through
 * TR(zh, ...), not _().  Columns are measured in display width
 * (base/texttab), so Chinese headings and names line up.
 */
#include "analysis/report/render.h"
#include "base/i18n.h"
#include "base/texttab.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Unit names longer than this many display columns are cut (with "…"):
 * sixteen Chinese characters, the length of most agency names. */
#define NAME_COLS 32

static int by_unit(const res_t *r)
{
    return r->group_by && strcmp(r->group_by, "unit") == 0;
}

/* The heading of the groups' column: unit, category, parent unit, or the
 * grouping question's label. */
static const char *group_heading(const res_t *r, int zh)
{
    if (!r->group_by || by_unit(r))
        return TR(zh, "unit");
    if (strcmp(r->group_by, "category") == 0)
        return TR(zh, "category");
    if (strcmp(r->group_by, "parent") == 0)
        return TR(zh, "parent unit");
    return r->group_label ? r->group_label : r->group_by;
}

/* v with prec decimals, "-" when it could not be computed. */
static void num(texttab_t *t, double v, int prec)
{
    if (isfinite(v))
        texttab_addf(t, "%.*f", prec, v);
    else
        texttab_add(t, "-");
}

/* Escape sequences, empty without colour. */
typedef struct {
    const char *bold, *red, *off;
} ink_t;

static void dims_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    texttab_t *t = texttab_new(11, "lrrrrrrrrrl");
    texttab_add(t, TR(zh, "dimension"));
    texttab_add(t, TR(zh, "n"));
    texttab_add(t, TR(zh, "mean"));
    texttab_add(t, TR(zh, "SD"));
    texttab_add(t, TR(zh, "95% CI"));
    /* TRANSLATORS: column of Cronbach's alpha in the terminal table */
    texttab_add(t, TR(zh, "alpha"));
    texttab_add(t, "F");
    texttab_add(t, "ICC(1)");
    texttab_add(t, TR(zh, "deviation"));
    texttab_add(t, TR(zh, "rank"));
    texttab_add(t, "");
    for (size_t d = 0; d < r->ndims; d++) {
        const res_dim_t *D = &r->dims[d];
        texttab_add(t, D->label);
        num(t, D->n, 0);
        num(t, D->mean, 1);
        num(t, D->sd, 1);
        if (isfinite(D->ci_low) && isfinite(D->ci_high))
            texttab_addf(t, "%.1f-%.1f", D->ci_low, D->ci_high);
        else
            texttab_add(t, "-");
        num(t, D->alpha, 2);
        num(t, D->f, 2);
        num(t, D->icc1, 3);
        num(t, D->deviation, 1);
        texttab_addf(t, "%d", D->rank);
        if (D->weak)
            texttab_addf(t, "%s%s%s", k.red, TR(zh, "WEAK"), k.off);
        else
            texttab_add(t, "");
    }
    texttab_print(t, out, 0);
    texttab_free(t);
}

/* units x dimensions: mean, * marks a weak cell */
static void groups_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    char *align = util_xmalloc(r->ndims + 4);
    memcpy(align, "llr", 3);
    memset(align + 3, 'r', r->ndims);
    align[r->ndims + 3] = '\0';
    texttab_t *t = texttab_new(r->ndims + 3, align);
    free(align);
    texttab_limit(t, 1, NAME_COLS);
    texttab_add(t, group_heading(r, zh));
    texttab_add(t, TR(zh, "name"));
    texttab_add(t, TR(zh, "n"));
    for (size_t d = 0; d < r->ndims; d++)   /* "  " after: the weak mark's place */
        texttab_addf(t, "%s  ", r->dims[d].label);
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (!G->cells)
            continue;
        texttab_add(t, G->code);
        texttab_add(t, G->name);
        texttab_addf(t, "%ld", G->n);
        for (size_t d = 0; d < r->ndims; d++) {
            const res_cell_t *C = &G->cells[d];
            char v[32] = "-";
            if (isfinite(C->mean))
                snprintf(v, sizeof v, "%.1f", C->mean);
            if (C->weak)
                texttab_addf(t, "%s%s *%s", k.red, v, k.off);
            else
                texttab_addf(t, "%s  ", v);
        }
    }
    texttab_print(t, out, 0);
    texttab_free(t);
}

/* The flagged self-vs-staff gaps, one line each. */
static void gaps_table(const res_t *r, FILE *out, int zh)
{
    texttab_t *t = texttab_new(7, "lllrrrl");
    texttab_add(t, TR(zh, "unit"));
    texttab_add(t, TR(zh, "name"));
    texttab_add(t, TR(zh, "dimension"));
    texttab_add(t, TR(zh, "self"));
    texttab_add(t, TR(zh, "staff"));
    /* TRANSLATORS: column of the self score minus the staff mean */
    texttab_add(t, TR(zh, "gap"));
    /* TRANSLATORS: column of the judgement (overclaim, underclaim) */
    texttab_add(t, TR(zh, "judgement"));
    texttab_limit(t, 1, NAME_COLS);
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        if (gp->flag != RES_OVERCLAIM && gp->flag != RES_UNDERCLAIM)
            continue;
        texttab_add(t, r->groups[gp->group].code);
        texttab_add(t, r->groups[gp->group].name);
        texttab_add(t, r->dims[gp->dim].label);
        texttab_addf(t, "%.1f", gp->self);
        texttab_addf(t, "%.1f", gp->staff);
        texttab_addf(t, "%+.1f", gp->gap);
        /* TRANSLATORS: a self-assessment above (below) what its staff report */
        texttab_add(t, gp->flag == RES_OVERCLAIM ? TR(zh, "overclaim") : TR(zh, "underclaim"));
    }
    if (texttab_rows(t) > 1) {
        fprintf(out, "\n%s\n", TR(zh, "self-assessment vs staff"));
        texttab_print(t, out, 2);
    }
    texttab_free(t);
}

/* Measurement quality: sampling adequacy, the factor count, the CFA's fit,
 * per dimension omega and AVE, and the EFA loadings by item. */
static void validity_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    const res_validity_t *v = r->validity;
    fprintf(out, "\n%s%s%s\n", k.bold, TR(zh, "measurement quality"), k.off);
    if (v->kmo_status == RES_V_OK)
        fprintf(out, TR(zh, "  %zu items, %.0f respondents; KMO %.3f; Bartlett chi-square %.1f (df %.0f, p %.3g)\n"),
                v->nitems, v->rows, v->kmo, v->bartlett_chisq, v->bartlett_df, v->bartlett_p);
    if (v->pa_factors >= 0)
        fprintf(out, TR(zh, "  parallel analysis (%zu simulated data sets, seed %lu): %d factors, %d components\n"),
                v->pa_iterations, v->pa_seed, v->pa_factors, v->pa_components);
    if (v->cfa_status == RES_V_OK) {   /* else the warnings say why */
        fprintf(out, TR(zh, "  CFA (ML, %.0f complete cases): chi-square %.1f (df %.0f, p %.3g), CFI %.3f, TLI %.3f, "
                            "RMSEA %.3f (90%% CI %.3f-%.3f), SRMR %.3f\n"),
                v->cfa_n, v->chisq, v->df, v->pvalue, v->cfi, v->tli, v->rmsea, v->rmsea_ci_low,
                v->rmsea_ci_high, v->srmr);
        texttab_t *t = texttab_new(3, "lrr");
        texttab_add(t, TR(zh, "dimension"));
        texttab_add(t, "omega");
        texttab_add(t, "AVE");
        for (size_t d = 0; d < r->ndims; d++)
            if (v->cfa_dim[d]) {
                texttab_add(t, r->dims[d].label);
                num(t, v->omega[d], 3);
                num(t, v->ave[d], 3);
            }
        texttab_print(t, out, 2);
        texttab_free(t);
    }
    if (!v->loadings)
        return;
    size_t m = v->nfactors;
    fprintf(out, TR(zh, "  EFA (minres, oblimin), loadings; F1..F%zu stand for:"), m);
    for (size_t f = 0; f < m; f++)
        fprintf(out, " %s", v->factor_dim[f] >= 0 ? r->dims[v->factor_dim[f]].code : "-");
    fputc('\n', out);
    char *align = util_xmalloc(m + 4);
    memset(align, 'r', m + 3);
    memcpy(align, "ll", 2);
    align[m + 3] = '\0';
    texttab_t *t = texttab_new(m + 3, align);
    free(align);
    texttab_add(t, TR(zh, "item"));
    texttab_add(t, TR(zh, "dimension"));
    for (size_t f = 0; f < m; f++)
        texttab_addf(t, "F%zu", f + 1);
    texttab_add(t, "h2");
    for (size_t i = 0; i < v->nitems; i++) {
        texttab_add(t, v->items[i]);
        texttab_add(t, r->dims[v->item_dim[i]].label);
        for (size_t f = 0; f < m; f++)
            num(t, v->loadings[i * m + f], 2);
        num(t, v->communality[i], 2);
    }
    texttab_print(t, out, 2);
    texttab_free(t);
}

/* Key drivers of the outcome and the priority matrix. */
static void drivers_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    const res_drivers_t *D = r->drivers;
    const res_drvfit_t *F = &D->all;
    fprintf(out, "\n%s%s%s\n", k.bold, TR(zh, "key drivers"), k.off);
    if (F->status != RES_V_OK)
        return;   /* the warning says why */
    fprintf(out, TR(zh, "  outcome %s, %.0f respondents, R-squared %.3f\n"), D->outcome, F->n, F->r2);
    texttab_t *t = texttab_new(7, "lrrrrrl");
    texttab_add(t, TR(zh, "dimension"));
    texttab_add(t, "LMG");
    texttab_add(t, "RW");
    texttab_add(t, "beta");
    texttab_add(t, "r");
    texttab_add(t, TR(zh, "mean"));
    texttab_add(t, TR(zh, "quadrant"));
    for (size_t d = 0; d < r->ndims; d++) {
        texttab_add(t, r->dims[d].label);
        num(t, F->lmg_share[d], 3);
        num(t, F->rw_share[d], 3);
        num(t, F->beta[d], 3);
        num(t, F->r[d], 3);
        num(t, F->mean[d], 1);
        const char *q = render_quadrant(F->quadrant[d], zh);
        texttab_addf(t, "%s%s%s", F->quadrant[d] == RES_Q_PRIORITY ? k.red : "", *q ? q : "-",
                     F->quadrant[d] == RES_Q_PRIORITY ? k.off : "");
    }
    texttab_print(t, out, 2);
    texttab_free(t);
    fprintf(out, TR(zh, "  LMG, RW: shares of R-squared; priority = above the median share and below the median "
                        "mean\n"));
}

static void careless_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    const res_careless_t *c = r->careless;
    fprintf(out, "\n%s%s%s\n", k.bold, TR(zh, "careless answers"), k.off);
    if (c->maha_status == RES_V_OK)
        fprintf(out, TR(zh, "  %ld screened on %zu items: %ld straight-lining, %ld with Mahalanobis D-squared above "
                            "%.1f (p < %g, of %ld complete), %ld flagged in all%s\n"),
                c->screened, c->nitems, c->straight, c->maha, c->maha_cutoff, c->maha_alpha, c->complete,
                c->flagged, c->excluded ? TR(zh, ", left out of every statistic") : "");
    else
        fprintf(out, TR(zh, "  %ld screened on %zu items: %ld straight-lining (no Mahalanobis distances), %ld "
                            "flagged in all%s\n"),
                c->screened, c->nitems, c->straight, c->flagged,
                c->excluded ? TR(zh, ", left out of every statistic") : "");
    fprintf(out, TR(zh, "  longest run of equal answers: mean %.1f, at most %.0f; SD of a respondent's answers: "
                        "mean %.2f\n"),
            c->longstring_mean, c->longstring_max, c->irv_mean);
}

/* "n 1478, not answered 2, not applicable 0" and, for numbers, their
 * summary */
static void question_head(const res_t *r, FILE *out, int zh, const res_question_t *Q)
{
    fprintf(out, TR(zh, "    n %.0f, not answered %.0f, not applicable %.0f"), Q->all.n, Q->all.not_answered,
            Q->all.not_applicable);
    if (isfinite(Q->all.mean))
        fprintf(out, TR(zh, "; mean %.2f, SD %.2f"), Q->all.mean, Q->all.sd);
    if (Q->kind == RES_Q_NUMBER && isfinite(Q->all.median))
        fprintf(out, TR(zh, "; median %g (quartiles %g-%g), range %g-%g"), Q->all.median, Q->all.q1, Q->all.q3,
                Q->all.min, Q->all.max);
    fputc('\n', out);
    (void)r;
}

/* Every question counted: per choice, the count and its share of those
 * who answered. */
static void questions_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    /* xgettext:no-c-format */
    const char *title = TR(zh, "questions (answers per choice, % of those who answered)");
    fprintf(out, "\n%s%s%s\n", k.bold, title, k.off);
    for (size_t i = 0; i < r->nquestions; i++) {
        const res_question_t *Q = &r->questions[i];
        fprintf(out, "  %s  %s\n", Q->name, Q->label);
        question_head(r, out, zh, Q);
        for (size_t c = 0; Q->all.counts && c < Q->nchoices; c++) {
            if (isnan(Q->all.counts[c]))
                continue;   /* a hidden group (the groups' own question): not even named */
            fputs("      ", out);
            util_fput_padded(out, Q->choice_labels[c], 28, 0);
            fprintf(out, " %6.0f %6.1f%%\n", Q->all.counts[c], Q->all.n > 0 ? 100 * Q->all.counts[c] / Q->all.n : 0.0);
        }
    }
}

static void crosstab_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    const res_crosstab_t *X = r->crosstab;
    fprintf(out, "\n%s%s%s %s x %s\n", k.bold, TR(zh, "cross-tabulation"), k.off, X->rows, X->cols);
    util_fput_padded(out, "", 16, 0);
    for (size_t j = 0; j < X->ncols; j++) {
        fputc(' ', out);
        util_fput_padded(out, X->col_names[j] ? X->col_names[j] : TR(zh, "other"), 8, 1);
    }
    fprintf(out, " %8s\n", TR(zh, "total"));
    for (size_t i = 0; i < X->nrows; i++) {
        util_fput_padded(out, X->row_names[i] ? X->row_names[i] : TR(zh, "not shown (pooled)"), 16, 0);
        for (size_t j = 0; j < X->ncols; j++) {
            double v = X->table[i * X->ncols + j];
            if (isnan(v))
                fprintf(out, " %8s", "-");
            else
                fprintf(out, " %4.0f %2.0f%%", v, X->row_tot[i] > 0 ? 100 * v / X->row_tot[i] : 0.0);
        }
        fprintf(out, " %8.0f\n", X->row_tot[i]);
    }
    if (isfinite(X->chisq))
        fprintf(out, TR(zh, "chi-square %.2f, df %.0f, p %.3g, Cramer's V %.3f (n %.0f)\n"), X->chisq, X->df, X->p,
                X->cramers_v, X->n);
    fprintf(out, "%s\n", TR(zh, "cells: count and row %; - suppressed"));
}

static void points_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    fprintf(out, "\n%s%s%s\n", k.bold, TR(zh, "bonus and deduction points against the staff's view"), k.off);
    for (size_t i = 0; i < r->npvs; i++) {
        const res_pvs_t *S = &r->points_vs_staff[i];
        fputs("  ", out);
        util_fput_padded(out, r->dims[S->dim].label, 14, 0);
        if (isfinite(S->rho))
            fprintf(out, TR(zh, " Spearman rho %6.3f, p %.3g (%.0f units)\n"), S->rho, S->p, S->units);
        else if (S->units < 3)
            fprintf(out, TR(zh, " Spearman rho not computable: %.0f units, at least 3 needed\n"), S->units);
        else
            fprintf(out,
                    TR(zh, " Spearman rho not computable: the units do not differ in net points or in the "
                           "staff's scores (%.0f units)\n"),
                    S->units);
    }
}

void render_table(const res_t *r, FILE *out, int colour)
{
    int zh = render_zh(r);
    ink_t k = {colour ? "\033[1m" : "", colour ? "\033[31m" : "", colour ? "\033[0m" : ""};
    char *wave = render_wave(r->wave, zh);
    if (r->excluded)
        fprintf(out, TR(zh, "%s%s%s (%s), wave %s: %ld respondents (%ld more left out as careless)\n\n"), k.bold,
                r->form_title, k.off, r->form_id, wave, r->respondents, r->excluded);
    else
        fprintf(out, TR(zh, "%s%s%s (%s), wave %s: %ld respondents\n\n"), k.bold, r->form_title, k.off,
                r->form_id, wave, r->respondents);
    free(wave);
    for (size_t i = 0; i < r->nwarnings; i++)
        if (r->warnings[i].kind == RES_W_SMALL_MIN_N) {   /* first, where it cannot be missed */
            char *text = render_warning(r, &r->warnings[i], zh);
            /* TRANSLATORS: before the warning that small groups are shown */
            fprintf(out, TR(zh, "%sWARNING: %s%s\n\n"), k.red, text, k.off);
            free(text);
        }
    dims_table(r, out, zh, k);
    fputc('\n', out);
    groups_table(r, out, zh, k);
    if (r->nsuppressed && by_unit(r))
        fprintf(out, TR(zh, "\n%zu units with fewer than %d responses (or hidden so that none can be "
                            "recovered by subtraction) are not shown.\n"),
                r->nsuppressed, r->min_n);
    else if (r->nsuppressed)
        fprintf(out, TR(zh, "\n%zu groups with fewer than %d responses (or hidden so that none can be "
                            "recovered by subtraction) are not shown.\n"),
                r->nsuppressed, r->min_n);
    fprintf(out, TR(zh, "* weak (Welch t against all others, BH q < %.2f, and at least %.0f points below)\n"),
            r->fdr, r->min_diff);
    gaps_table(r, out, zh);
    if (r->validity)
        validity_table(r, out, zh, k);
    if (r->drivers)
        drivers_table(r, out, zh, k);
    if (r->careless)
        careless_table(r, out, zh, k);
    if (r->npvs)
        points_table(r, out, zh, k);
    if (r->nquestions)
        questions_table(r, out, zh, k);
    if (r->crosstab)
        crosstab_table(r, out, zh, k);
    if (r->nfindings) {
        fprintf(out, "\n%s%s%s\n", k.bold, TR(zh, "findings"), k.off);
        for (size_t i = 0; i < r->nfindings; i++) {
            char *text = render_finding(r, &r->findings[i], zh);
            fprintf(out, "  - %s\n", text);
            free(text);
        }
    }
    char *notes[2] = {render_silent(r, zh, 0), render_unrated(r, zh)};
    for (size_t i = 0; i < 2; i++)
        if (notes[i]) {
            fprintf(out, TR(zh, "note: %s\n"), notes[i]);
            free(notes[i]);
        }
    for (size_t i = 0; i < r->nwarnings; i++) {
        if (r->warnings[i].kind == RES_W_SMALL_MIN_N)
            continue;
        char *text = render_warning(r, &r->warnings[i], zh);
        /* TRANSLATORS: before a warning of the analysis */
        fprintf(out, TR(zh, "note: %s\n"), text);
        free(text);
    }
}
