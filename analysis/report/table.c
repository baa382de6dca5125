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
        fprintf(out, TR(zh, " Spearman rho %6.3f, p %.3g (%.0f units)\n"), S->rho, S->p, S->units);
    }
}

void render_table(const res_t *r, FILE *out, int colour)
{
    int zh = render_zh(r);
    ink_t k = {colour ? "\033[1m" : "", colour ? "\033[31m" : "", colour ? "\033[0m" : ""};
    char *wave = render_wave(r->wave, zh);
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
