/*
 * results: releasing a res_t and writing it out as JSON (the contract of
 * DESIGN.md section 6), as CSV tables and as aligned terminal tables.
 * Suppressed groups are written with their code, name and the flag only.
 */
#include "base/csv.h"
#include "base/i18n.h"
#include "analysis/results.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    for (size_t i = 0; i < r->nfindings; i++)
        free(r->findings[i].text);
    free(r->findings);
    for (size_t i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
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
    return n[f];
}

const char *res_gapflag_name(res_gapflag_t f)
{
    static const char *const n[] = {"consistent", "overclaim", "underclaim"};
    return n[f];
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

/* ---- JSON ---- */

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

/* Numbers with 15 significant digits: enough to compare with R at 1e-6
 * and round-trip a double's meaningful digits; NaN/Inf are null. */
static void jnum(util_buf_t *b, double v)
{
    if (!isfinite(v))
        util_buf_adds(b, "null");
    else if (v == floor(v) && fabs(v) < 1e15)
        util_buf_addf(b, "%.0f", v);
    else
        util_buf_addf(b, "%.15g", v);
}

static void kstr(util_buf_t *b, const char *k, const char *v)
{
    util_buf_addf(b, "\"%s\": ", k);
    if (v)
        jstr(b, v);
    else
        util_buf_adds(b, "null");
}

static void knum(util_buf_t *b, const char *k, double v)
{
    util_buf_addf(b, "\"%s\": ", k);
    jnum(b, v);
}

static void kbool(util_buf_t *b, const char *k, int v)
{
    util_buf_addf(b, "\"%s\": %s", k, v ? "true" : "false");
}

#define SEP util_buf_adds(&b, ", ")

int res_write_json(const res_t *r, FILE *out, char **err)
{
    util_buf_t b = {0};
    util_buf_adds(&b, "{\n  ");
    kstr(&b, "form", r->form_id); SEP;
    kstr(&b, "title", r->form_title); SEP;
    kstr(&b, "wave", r->wave); SEP;
    kstr(&b, "compare_wave", r->compare_wave); SEP;
    knum(&b, "respondents", (double)r->respondents); SEP;
    kstr(&b, "group_by", r->group_by); SEP;
    knum(&b, "min_n", r->min_n); SEP;
    knum(&b, "min_diff", r->min_diff); SEP;
    knum(&b, "fdr", r->fdr); SEP;
    knum(&b, "suppressed_groups", (double)r->nsuppressed); SEP;
    knum(&b, "self_responses", (double)r->self_responses);
    util_buf_adds(&b, ",\n  \"dimensions\": [");
    for (size_t d = 0; d < r->ndims; d++) {
        const res_dim_t *D = &r->dims[d];
        util_buf_adds(&b, d ? ",\n    {" : "\n    {");
        kstr(&b, "code", D->code); SEP;
        kstr(&b, "label", D->label); SEP;
        knum(&b, "n", D->n); SEP;
        knum(&b, "mean", D->mean); SEP;
        knum(&b, "sd", D->sd); SEP;
        knum(&b, "ci_low", D->ci_low); SEP;
        knum(&b, "ci_high", D->ci_high); SEP;
        knum(&b, "alpha", D->alpha); SEP;
        knum(&b, "std_alpha", D->std_alpha); SEP;
        knum(&b, "average_r", D->average_r); SEP;
        knum(&b, "alpha_ci_low", D->alpha_ci_low); SEP;
        knum(&b, "alpha_ci_high", D->alpha_ci_high); SEP;
        knum(&b, "alpha_n", D->alpha_n);
        util_buf_adds(&b, ",\n     \"items\": [");
        for (size_t i = 0; i < D->nitems; i++) {
            const res_item_t *I = &D->items[i];
            util_buf_adds(&b, i ? ", {" : "{");
            kstr(&b, "name", I->name); SEP;
            kstr(&b, "label", I->label); SEP;
            kbool(&b, "reverse", I->reverse); SEP;
            knum(&b, "n", I->n); SEP;
            knum(&b, "mean", I->mean); SEP;
            knum(&b, "sd", I->sd); SEP;
            knum(&b, "r_drop", I->r_drop); SEP;
            knum(&b, "alpha_if_dropped", I->alpha_if_dropped);
            util_buf_adds(&b, "}");
        }
        util_buf_adds(&b, "],\n     \"anova\": ");
        if (isnan(D->f)) {
            util_buf_adds(&b, "null");
        } else {
            util_buf_adds(&b, "{");
            knum(&b, "f", D->f); SEP;
            knum(&b, "df_between", D->df_between); SEP;
            knum(&b, "df_within", D->df_within); SEP;
            knum(&b, "p", D->p_anova); SEP;
            knum(&b, "eta2", D->eta2); SEP;
            knum(&b, "omega2", D->omega2);
            util_buf_adds(&b, "}");
        }
        util_buf_adds(&b, ",\n     \"welch_anova\": ");
        if (isnan(D->welch_f)) {
            util_buf_adds(&b, "null");
        } else {
            util_buf_adds(&b, "{");
            knum(&b, "f", D->welch_f); SEP;
            knum(&b, "df_between", D->welch_df1); SEP;
            knum(&b, "df_within", D->welch_df2); SEP;
            knum(&b, "p", D->welch_p);
            util_buf_adds(&b, "}");
        }
        util_buf_adds(&b, ",\n     \"kruskal\": ");
        if (isnan(D->kw_h)) {
            util_buf_adds(&b, "null");
        } else {
            util_buf_adds(&b, "{");
            knum(&b, "h", D->kw_h); SEP;
            knum(&b, "df", D->kw_df); SEP;
            knum(&b, "p", D->kw_p);
            util_buf_adds(&b, "}");
        }
        util_buf_adds(&b, ",\n     ");
        knum(&b, "icc1", D->icc1); SEP;
        knum(&b, "icc2", D->icc2); SEP;
        knum(&b, "tau2", D->tau2); SEP;
        knum(&b, "msw", D->msw); SEP;
        knum(&b, "deviation", D->deviation); SEP;
        knum(&b, "t", D->dev_t); SEP;
        knum(&b, "df", D->dev_df); SEP;
        knum(&b, "p", D->dev_p); SEP;
        knum(&b, "q", D->dev_q); SEP;
        knum(&b, "rank", D->rank); SEP;
        kbool(&b, "weak", D->weak);
        util_buf_adds(&b, "}");
    }
    util_buf_adds(&b, "\n  ],\n  \"groups\": [");
    int first = 1;
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (G->n == 0)
            continue;   /* groups without responses are simply absent */
        util_buf_adds(&b, first ? "\n    {" : ",\n    {");
        first = 0;
        kstr(&b, "code", G->code); SEP;
        kstr(&b, "name", G->name); SEP;
        kbool(&b, "suppressed", G->suppressed);
        if (G->suppressed) {
            util_buf_adds(&b, "}");
            continue;
        }
        SEP;
        knum(&b, "n", (double)G->n); SEP;
        knum(&b, "invited", G->invited); SEP;
        knum(&b, "response_rate", G->response_rate);
        util_buf_adds(&b, ",\n     \"scores\": {");
        for (size_t d = 0; d < r->ndims && G->cells; d++) {
            const res_cell_t *C = &G->cells[d];
            util_buf_adds(&b, d ? ",\n       " : "\n       ");
            jstr(&b, r->dims[d].code);
            util_buf_adds(&b, ": {");
            knum(&b, "n", C->n); SEP;
            knum(&b, "mean", C->mean); SEP;
            knum(&b, "sd", C->sd); SEP;
            knum(&b, "ci_low", C->ci_low); SEP;
            knum(&b, "ci_high", C->ci_high); SEP;
            knum(&b, "shrunk", C->shrunk); SEP;
            knum(&b, "rwg_j", C->rwg_j); SEP;
            knum(&b, "diff", C->diff); SEP;
            knum(&b, "t", C->t); SEP;
            knum(&b, "df", C->df); SEP;
            knum(&b, "p", C->p); SEP;
            knum(&b, "q", C->q); SEP;
            kbool(&b, "weak", C->weak); SEP;
            kstr(&b, "funnel", res_funnel_name(C->funnel));
            util_buf_adds(&b, "}");
        }
        util_buf_adds(&b, "}}");
    }
    util_buf_adds(&b, "\n  ],\n  \"gaps\": [");
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        util_buf_adds(&b, i ? ",\n    {" : "\n    {");
        kstr(&b, "unit", r->groups[gp->group].code); SEP;
        kstr(&b, "dimension", r->dims[gp->dim].code); SEP;
        knum(&b, "self", gp->self); SEP;
        knum(&b, "staff", gp->staff); SEP;
        knum(&b, "staff_ci_low", gp->staff_ci_low); SEP;
        knum(&b, "staff_ci_high", gp->staff_ci_high); SEP;
        knum(&b, "gap", gp->gap); SEP;
        kstr(&b, "flag", res_gapflag_name(gp->flag));
        util_buf_adds(&b, "}");
    }
    util_buf_adds(&b, "\n  ],\n  \"changes\": [");
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *c = &r->changes[i];
        util_buf_adds(&b, i ? ",\n    {" : "\n    {");
        kstr(&b, "group", c->group < 0 ? NULL : r->groups[c->group].code); SEP;
        kstr(&b, "dimension", r->dims[c->dim].code); SEP;
        knum(&b, "n0", c->n0); SEP;
        knum(&b, "mean0", c->mean0); SEP;
        knum(&b, "n", c->n1); SEP;
        knum(&b, "mean", c->mean1); SEP;
        knum(&b, "diff", c->diff); SEP;
        knum(&b, "t", c->t); SEP;
        knum(&b, "df", c->df); SEP;
        knum(&b, "p", c->p); SEP;
        knum(&b, "q", c->q); SEP;
        kstr(&b, "flag", res_changeflag_name(c->flag));
        util_buf_adds(&b, "}");
    }
    util_buf_adds(&b, "\n  ],\n  \"findings\": [");
    for (size_t i = 0; i < r->nfindings; i++) {
        util_buf_adds(&b, i ? ",\n    {" : "\n    {");
        kstr(&b, "kind", res_fkind_name(r->findings[i].kind)); SEP;
        kstr(&b, "text", r->findings[i].text);
        util_buf_adds(&b, "}");
    }
    util_buf_adds(&b, "\n  ],\n  \"warnings\": [");
    for (size_t i = 0; i < r->nwarnings; i++) {
        if (i)
            util_buf_adds(&b, ", ");
        jstr(&b, r->warnings[i]);
    }
    util_buf_adds(&b, "]\n}\n");
    int rc = 0;
    if (fwrite(b.s, 1, b.len, out) != b.len || fflush(out) != 0) {
        util_seterr(err, _("writing JSON: %s"), strerror(errno));
        rc = -1;
    }
    util_buf_free(&b);
    return rc;
}

/* ---- CSV ---- */

/* Text cells (unit names, labels, codes) may come from any CSV the
 * researcher was sent: formulas neutralised, as in `export --format csv`. */
static void cstr(FILE *f, const char *s)
{
    csvw_cell(f, s, ',', CSVW_NEUTRAL);
}

static void cnum(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
}

static FILE *csv_open(const char *dir, const char *name, char **err)
{
    char *path = util_fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        util_seterr(err, "%s: %s", path, strerror(errno));
    else
        fputs("\xEF\xBB\xBF", f);   /* BOM: Excel/WPS then read UTF-8, not GBK */
    free(path);
    return f;
}

static int csv_close(FILE *f, const char *dir, const char *name, char **err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        util_seterr(err, _("%s/%s: write error"), dir, name);
        return -1;
    }
    return 0;
}

int res_write_csv(const res_t *r, const char *dir, char **err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        util_seterr(err, "%s: %s", dir, strerror(errno));
        return -1;
    }
    FILE *f;
    if (!(f = csv_open(dir, "dimensions.csv", err)))
        return -1;
    fputs("dimension,label,n,mean,sd,ci_low,ci_high,alpha,std_alpha,average_r,alpha_ci_low,"
          "alpha_ci_high,f,df_between,df_within,p_anova,eta2,omega2,welch_f,welch_df1,welch_df2,"
          "welch_p,kruskal_h,kruskal_df,kruskal_p,icc1,icc2,deviation,t,df,p,q,rank,weak\n", f);
    for (size_t d = 0; d < r->ndims; d++) {
        const res_dim_t *D = &r->dims[d];
        double v[] = {D->n, D->mean, D->sd, D->ci_low, D->ci_high, D->alpha, D->std_alpha,
                      D->average_r, D->alpha_ci_low, D->alpha_ci_high, D->f, D->df_between,
                      D->df_within, D->p_anova, D->eta2, D->omega2, D->welch_f, D->welch_df1,
                      D->welch_df2, D->welch_p, D->kw_h, D->kw_df, D->kw_p, D->icc1, D->icc2,
                      D->deviation, D->dev_t, D->dev_df, D->dev_p, D->dev_q, D->rank};
        cstr(f, D->code);
        fputc(',', f);
        cstr(f, D->label);
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fputc(',', f);
            cnum(f, v[i]);
        }
        fprintf(f, ",%d\n", D->weak);
    }
    if (csv_close(f, dir, "dimensions.csv", err))
        return -1;

    if (!(f = csv_open(dir, "items.csv", err)))
        return -1;
    fputs("dimension,item,label,reverse,n,mean,sd,r_drop,alpha_if_dropped\n", f);
    for (size_t d = 0; d < r->ndims; d++)
        for (size_t i = 0; i < r->dims[d].nitems; i++) {
            const res_item_t *I = &r->dims[d].items[i];
            cstr(f, r->dims[d].code);
            fputc(',', f);
            cstr(f, I->name);
            fputc(',', f);
            cstr(f, I->label);
            fprintf(f, ",%d,", I->reverse);
            double v[] = {I->n, I->mean, I->sd, I->r_drop, I->alpha_if_dropped};
            for (size_t k = 0; k < 5; k++) {
                if (k)
                    fputc(',', f);
                cnum(f, v[k]);
            }
            fputc('\n', f);
        }
    if (csv_close(f, dir, "items.csv", err))
        return -1;

    if (!(f = csv_open(dir, "groups.csv", err)))
        return -1;
    fputs("group,name,responses,invited,response_rate,dimension,n,mean,sd,ci_low,ci_high,shrunk,"
          "rwg_j,diff,t,df,p,q,weak,funnel\n", f);
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (G->suppressed || !G->cells)
            continue;
        for (size_t d = 0; d < r->ndims; d++) {
            const res_cell_t *C = &G->cells[d];
            cstr(f, G->code);
            fputc(',', f);
            cstr(f, G->name);
            fprintf(f, ",%ld,", G->n);
            cnum(f, G->invited);
            fputc(',', f);
            cnum(f, G->response_rate);
            fputc(',', f);
            cstr(f, r->dims[d].code);
            double v[] = {C->n, C->mean, C->sd, C->ci_low, C->ci_high, C->shrunk, C->rwg_j,
                          C->diff, C->t, C->df, C->p, C->q};
            for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
                fputc(',', f);
                cnum(f, v[k]);
            }
            fprintf(f, ",%d,%s\n", C->weak, res_funnel_name(C->funnel));
        }
    }
    if (csv_close(f, dir, "groups.csv", err))
        return -1;

    if (!(f = csv_open(dir, "gaps.csv", err)))
        return -1;
    fputs("unit,name,dimension,self,staff,staff_ci_low,staff_ci_high,gap,flag\n", f);
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        cstr(f, r->groups[gp->group].code);
        fputc(',', f);
        cstr(f, r->groups[gp->group].name);
        fputc(',', f);
        cstr(f, r->dims[gp->dim].code);
        double v[] = {gp->self, gp->staff, gp->staff_ci_low, gp->staff_ci_high, gp->gap};
        for (size_t k = 0; k < 5; k++) {
            fputc(',', f);
            cnum(f, v[k]);
        }
        fprintf(f, ",%s\n", res_gapflag_name(gp->flag));
    }
    if (csv_close(f, dir, "gaps.csv", err))
        return -1;

    if (!(f = csv_open(dir, "changes.csv", err)))
        return -1;
    fputs("group,dimension,n0,mean0,n,mean,diff,t,df,p,q,flag\n", f);
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *c = &r->changes[i];
        cstr(f, c->group < 0 ? "" : r->groups[c->group].code);
        fputc(',', f);
        cstr(f, r->dims[c->dim].code);
        double v[] = {c->n0, c->mean0, c->n1, c->mean1, c->diff, c->t, c->df, c->p, c->q};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc(',', f);
            cnum(f, v[k]);
        }
        fprintf(f, ",%s\n", res_changeflag_name(c->flag));
    }
    return csv_close(f, dir, "changes.csv", err);
}

/* ---- terminal tables ---- */

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

/* The language is the res_t's (the --lang of the analysis), so the text
 * goes through TR(zh, ...), not _(). */
void res_print_table(const res_t *r, FILE *out, int colour)
{
    int zh = r->lang && strcmp(r->lang, "zh") == 0;
    const char *bold = colour ? "\033[1m" : "", *red = colour ? "\033[31m" : "",
               *off = colour ? "\033[0m" : "";
    fprintf(out, TR(zh, "%s%s%s (%s), wave %s: %ld respondents\n\n"), bold, r->form_title, off, r->form_id,
            r->wave, r->respondents);

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
            fprintf(out, "  %s%s%s", red, TR(zh, "WEAK"), off);
        fputc('\n', out);
    }

    /* units x dimensions: mean, * marks a weak cell */
    fputc('\n', out);
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
                fprintf(out, " %s", red);
            else
                fputc(' ', out);
            cellf(out, C->mean, 7, 1);
            fprintf(out, "%s%s", C->weak ? " *" : "  ", C->weak ? off : "");
        }
        fputc('\n', out);
    }
    if (r->nsuppressed)
        fprintf(out, TR(zh, "\n%zu groups with fewer than %d responses (or hidden so that none can be "
                            "recovered by subtraction) are not shown.\n"),
                r->nsuppressed, r->min_n);
    fprintf(out, TR(zh, "* weak (Welch t against all others, BH q < %.2f, and at least %.0f points below)\n"),
            r->fdr, r->min_diff);

    if (r->ngaps) {
        int any = 0;
        for (size_t i = 0; i < r->ngaps; i++)
            if (r->gaps[i].flag != RES_CONSISTENT) {
                if (!any)
                    fprintf(out, "\n%s\n", TR(zh, "self-assessment vs staff"));
                any = 1;
                const res_gap_t *gp = &r->gaps[i];
                fprintf(out, "  %-8s %-14s %s %5.1f  %s %5.1f  %+6.1f  %s\n",
                        r->groups[gp->group].code, r->dims[gp->dim].code, TR(zh, "self"), gp->self,
                        TR(zh, "staff"), gp->staff, gp->gap, res_gapflag_name(gp->flag));
            }
    }
    if (r->nfindings) {
        fprintf(out, "\n%s%s%s\n", bold, TR(zh, "findings"), off);
        for (size_t i = 0; i < r->nfindings; i++)
            fprintf(out, "  - %s\n", r->findings[i].text);
    }
    for (size_t i = 0; i < r->nwarnings; i++)
        /* TRANSLATORS: before a warning of the analysis */
        fprintf(out, TR(zh, "note: %s\n"), r->warnings[i]);
}
