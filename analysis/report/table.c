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

static size_t label_width(const res_t *r, size_t min);

static void dims_table(const res_t *r, FILE *out, int zh, ink_t k)
{
    size_t lw = label_width(r, 10);
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
    util_fput_padded(out, r->group_by && strcmp(r->group_by, "unit") == 0 ? TR(zh, "unit") : r->group_by, 8, 0);
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

/* The width of the widest dimension label, at least min. */
static size_t label_width(const res_t *r, size_t min)
{
    for (size_t d = 0; d < r->ndims; d++)
        if (util_utf8_width(r->dims[d].label) > min)
            min = util_utf8_width(r->dims[d].label);
    return min;
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
    if (v->cfa_status == RES_V_OK)
        fprintf(out, TR(zh, "  CFA (ML, %.0f complete cases): chi-square %.1f (df %.0f, p %.3g), CFI %.3f, TLI %.3f, "
                            "RMSEA %.3f (90%% CI %.3f-%.3f), SRMR %.3f\n"),
                v->cfa_n, v->chisq, v->df, v->pvalue, v->cfi, v->tli, v->rmsea, v->rmsea_ci_low,
                v->rmsea_ci_high, v->srmr);
    size_t lw = label_width(r, 10), m = v->nfactors;
    if (v->cfa_status != RES_V_OK)
        goto efa;   /* the warnings say why */
    fputs("  ", out);
    util_fput_padded(out, TR(zh, "dimension"), lw, 0);
    fprintf(out, " %7s %7s\n", "omega", "AVE");
    for (size_t d = 0; d < r->ndims; d++) {
        if (!v->cfa_dim[d])
            continue;
        fputs("  ", out);
        util_fput_padded(out, r->dims[d].label, lw, 0);
        cellf(out, v->omega[d], 8, 3);
        cellf(out, v->ave[d], 8, 3);
        fputc('\n', out);
    }
efa:
    if (!v->loadings)
        return;
    fprintf(out, TR(zh, "  EFA (minres, oblimin), loadings; F1..F%zu stand for:"), m);
    for (size_t f = 0; f < m; f++)
        fprintf(out, " %s", v->factor_dim[f] >= 0 ? r->dims[v->factor_dim[f]].code : "-");
    fputc('\n', out);
    for (size_t i = 0; i < v->nitems; i++) {
        fprintf(out, "  %-10.10s %-10.10s", v->items[i], r->dims[v->item_dim[i]].code);
        for (size_t f = 0; f < m; f++)
            cellf(out, v->loadings[i * m + f], 7, 2);
        cellf(out, v->communality[i], 8, 2);
        fputc('\n', out);
    }
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
    size_t lw = label_width(r, 10);
    fputs("  ", out);
    util_fput_padded(out, TR(zh, "dimension"), lw, 0);
    fprintf(out, " %7s %7s %7s %7s %7s  %s\n", "LMG", "RW", "beta", "r", TR(zh, "mean"), TR(zh, "quadrant"));
    for (size_t d = 0; d < r->ndims; d++) {
        fputs("  ", out);
        util_fput_padded(out, r->dims[d].label, lw, 0);
        cellf(out, F->lmg_share[d], 8, 3);
        cellf(out, F->rw_share[d], 8, 3);
        cellf(out, F->beta[d], 8, 3);
        cellf(out, F->r[d], 8, 3);
        cellf(out, F->mean[d], 8, 1);
        const char *q = res_quadrant_name(F->quadrant[d]);
        fprintf(out, "  %s%s%s\n", F->quadrant[d] == RES_Q_PRIORITY ? k.red : "", q ? q : "-",
                F->quadrant[d] == RES_Q_PRIORITY ? k.off : "");
    }
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

void render_table(const res_t *r, FILE *out, int colour)
{
    int zh = render_zh(r);
    ink_t k = {colour ? "\033[1m" : "", colour ? "\033[31m" : "", colour ? "\033[0m" : ""};
    if (r->excluded)
        fprintf(out, TR(zh, "%s%s%s (%s), wave %s: %ld respondents (%ld more left out as careless)\n\n"), k.bold,
                r->form_title, k.off, r->form_id, r->wave, r->respondents, r->excluded);
    else
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
    if (r->validity)
        validity_table(r, out, zh, k);
    if (r->drivers)
        drivers_table(r, out, zh, k);
    if (r->careless)
        careless_table(r, out, zh, k);
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
