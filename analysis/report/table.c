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
    texttab_add(t, by_unit(r) ? TR(zh, "unit") : r->group_label ? r->group_label : r->group_by);
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
