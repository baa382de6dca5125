/*
 * table: a res_t as aligned tables for a terminal: the dimensions, the
 * groups x dimensions means (hidden groups left out), the self-vs-staff
 * gaps that are flagged, the findings and the warnings.  The language is
 * the res_t's (the --lang of the analysis), so the text goes through
 * TR(zh, ...), not _().
 */
#include "analysis/report/render.h"
#include "base/i18n.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void cellf(FILE *out, double v, int width, int prec)
{
    if (isfinite(v))
        fprintf(out, "%*.*f", width, prec, v);
    else
        fprintf(out, "%*s", width, "-");
}

/* A column heading right-aligned in `width` display columns (a Chinese
 * heading is two columns a character, and printf counts bytes). */
static void head_cell(FILE *out, const char *s, size_t width)
{
    fputc(' ', out);
    util_fput_padded(out, s, width, 1);
}

/* Escape sequences, empty without colour. */
typedef struct {
    const char *bold, *red, *off;
} ink_t;

static void dims_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    size_t lw = 10;
    for (size_t d = 0; d < r->ndims; d++)
        if (util_utf8_width(r->dims[d].label) > lw)
            lw = util_utf8_width(r->dims[d].label);
    util_fput_padded(out, TR(zh, "dimension"), lw, 0);
    fprintf(out, " %6s", "n");
    head_cell(out, TR(zh, "mean"), 6);
    fprintf(out, " %6s %13s %6s %7s %6s", "sd", "95% CI", "alpha", "F", "ICC1");
    head_cell(out, TR(zh, "deviation"), 9);
    fprintf(out, " %5s\n", "rank");
    for (size_t d = 0; d < r->ndims; d++) {
        const res_dim_t *D = &r->dims[d];
        util_fput_padded(out, D->label, lw, 0);
        fprintf(out, " %6.0f", D->n);
        cellf(out, D->mean, 7, 1);
        cellf(out, D->sd, 7, 1);
        fprintf(out, "  ");
        cellf(out, D->ci_low, 5, 1);
        fprintf(out, "-");
        cellf(out, D->ci_high, 5, 1);
        cellf(out, D->alpha, 7, 2);
        cellf(out, D->f, 8, 2);
        cellf(out, D->icc1, 7, 3);
        cellf(out, D->deviation, 10, 1);
        fprintf(out, " %5d", D->rank);
        if (D->weak)
            fprintf(out, "  %s%s%s", k.red, TR(zh, "WEAK"), k.off);
        fputc('\n', out);
    }
}

/* units x dimensions: mean, * marks a weak cell */
static void groups_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    size_t nw = 8;
    for (size_t g = 0; g < r->ngroups; g++)
        if (r->groups[g].cells && util_utf8_width(r->groups[g].name) > nw)
            nw = util_utf8_width(r->groups[g].name);
    if (nw > 24)
        nw = 24;
    const char *by = !r->group_by || strcmp(r->group_by, "unit") == 0 ? TR(zh, "unit")
                     : strcmp(r->group_by, "category") == 0             ? TR(zh, "category")
                     : strcmp(r->group_by, "parent") == 0               ? TR(zh, "parent unit")
                                                                        : r->group_by;
    util_fput_padded(out, by, 8, 0);
    fputc(' ', out);
    util_fput_padded(out, TR(zh, "name"), nw, 0);
    fprintf(out, " %5s", "n");
    for (size_t d = 0; d < r->ndims; d++) {
        char code[10];
        snprintf(code, sizeof code, "%.8s", r->dims[d].code);
        fprintf(out, " %9s", code);
    }
    fputc('\n', out);
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (!G->cells)
            continue;
        fprintf(out, "%-8s ", G->code);
        /* truncate long names by display width */
        char name[128];
        snprintf(name, sizeof name, "%s", G->name);
        while (util_utf8_width(name) > nw) {
            size_t len = strlen(name);
            while (len > 0 && ((unsigned char)name[len - 1] & 0xC0) == 0x80)
                name[--len] = '\0';
            if (len > 0)
                name[--len] = '\0';
        }
        util_fput_padded(out, name, nw, 0);
        fprintf(out, " %5ld", G->n);
        for (size_t d = 0; d < r->ndims; d++) {
            const res_cell_t *C = &G->cells[d];
            if (C->weak)
                fprintf(out, " %s", k.red);
            else
                fputc(' ', out);
            cellf(out, C->mean, 7, 1);
            fprintf(out, "%s%s", C->weak ? " *" : "  ", C->weak ? k.off : "");
        }
        fputc('\n', out);
    }
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
    fprintf(out, TR(zh, "%s%s%s (%s), wave %s: %ld respondents\n\n"), k.bold, r->form_title, k.off,
            r->form_id, r->wave, r->respondents);
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
    if (r->nsuppressed)
        fprintf(out, TR(zh, "\n%zu groups with fewer than %d responses (or hidden so that none can be "
                            "recovered by subtraction) are not shown.\n"),
                r->nsuppressed, r->min_n);
    fprintf(out, TR(zh, "* weak (Welch t against all others, BH q < %.2f, and at least %.0f points below)\n"),
            r->fdr, r->min_diff);

    if (r->ngaps) {
        int any = 0;
        for (size_t i = 0; i < r->ngaps; i++)
            if (r->gaps[i].flag == RES_OVERCLAIM || r->gaps[i].flag == RES_UNDERCLAIM) {
                if (!any)
                    fprintf(out, "\n%s\n", TR(zh, "self-assessment vs staff"));
                any = 1;
                const res_gap_t *gp = &r->gaps[i];
                fprintf(out, "  %-8s %-14s %s %5.1f  %s %5.1f  %+6.1f  %s\n",
                        r->groups[gp->group].code, r->dims[gp->dim].code, TR(zh, "self"), gp->self,
                        TR(zh, "staff"), gp->staff, gp->gap, res_gapflag_name(gp->flag));
            }
    }
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
    for (size_t i = 0; i < r->nwarnings; i++) {
        if (r->warnings[i].kind == RES_W_SMALL_MIN_N)
            continue;
        char *text = render_warning(r, &r->warnings[i], zh);
        /* TRANSLATORS: before a warning of the analysis */
        fprintf(out, TR(zh, "note: %s\n"), text);
        free(text);
    }
}
