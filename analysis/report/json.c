/*
 * json: a res_t as JSON, the contract of DESIGN.md section 6.  Suppressed
 * groups are written with their code, name and the flag only; a statistic
 * that could not be computed is null.  Findings carry their kind, group,
 * dimension and numbers, and their sentence in the analysis language.
 */
#include "analysis/report/render.h"
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

/* An object of numbers {"k0": v0, "k1": v1...}, or null when the first
 * (the statistic itself) could not be computed. */
static void kobj(util_buf_t *b, const char *const *keys, const double *v, size_t n)
{
    if (isnan(v[0])) {
        util_buf_adds(b, "null");
        return;
    }
    util_buf_adds(b, "{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            util_buf_adds(b, ", ");
        knum(b, keys[i], v[i]);
    }
    util_buf_adds(b, "}");
}

#define SEP util_buf_adds(b, ", ")

static void json_head(util_buf_t *b, const res_t *r)
{
    util_buf_adds(b, "{\n  ");
    kstr(b, "form", r->form_id); SEP;
    kstr(b, "title", r->form_title); SEP;
    kstr(b, "wave", r->wave); SEP;
    kstr(b, "compare_wave", r->compare_wave); SEP;
    knum(b, "respondents", (double)r->respondents); SEP;
    kstr(b, "group_by", r->group_by); SEP;
    knum(b, "min_n", r->min_n); SEP;
    knum(b, "min_diff", r->min_diff); SEP;
    knum(b, "fdr", r->fdr); SEP;
    knum(b, "suppressed_groups", (double)r->nsuppressed); SEP;
    knum(b, "self_responses", (double)r->self_responses);
}

static void json_items(util_buf_t *b, const res_dim_t *D)
{
    for (size_t i = 0; i < D->nitems; i++) {
        const res_item_t *I = &D->items[i];
        util_buf_adds(b, i ? ", {" : "{");
        kstr(b, "name", I->name); SEP;
        kstr(b, "label", I->label); SEP;
        kbool(b, "reverse", I->reverse); SEP;
        knum(b, "n", I->n); SEP;
        knum(b, "mean", I->mean); SEP;
        knum(b, "sd", I->sd); SEP;
        knum(b, "r_drop", I->r_drop); SEP;
        knum(b, "alpha_if_dropped", I->alpha_if_dropped);
        util_buf_adds(b, "}");
    }
}

static void json_dim(util_buf_t *b, const res_dim_t *D)
{
    static const char *const anova[] = {"f", "df_between", "df_within", "p", "eta2", "omega2"};
    static const char *const welch[] = {"f", "df_between", "df_within", "p"};
    static const char *const kw[] = {"h", "df", "p"};
    kstr(b, "code", D->code); SEP;
    kstr(b, "label", D->label); SEP;
    knum(b, "n", D->n); SEP;
    knum(b, "mean", D->mean); SEP;
    knum(b, "sd", D->sd); SEP;
    knum(b, "ci_low", D->ci_low); SEP;
    knum(b, "ci_high", D->ci_high); SEP;
    knum(b, "alpha", D->alpha); SEP;
    knum(b, "std_alpha", D->std_alpha); SEP;
    knum(b, "average_r", D->average_r); SEP;
    knum(b, "alpha_ci_low", D->alpha_ci_low); SEP;
    knum(b, "alpha_ci_high", D->alpha_ci_high); SEP;
    knum(b, "alpha_n", D->alpha_n);
    util_buf_adds(b, ",\n     \"items\": [");
    json_items(b, D);
    util_buf_adds(b, "],\n     \"anova\": ");
    kobj(b, anova, (double[]){D->f, D->df_between, D->df_within, D->p_anova, D->eta2, D->omega2}, 6);
    util_buf_adds(b, ",\n     \"welch_anova\": ");
    kobj(b, welch, (double[]){D->welch_f, D->welch_df1, D->welch_df2, D->welch_p}, 4);
    util_buf_adds(b, ",\n     \"kruskal\": ");
    kobj(b, kw, (double[]){D->kw_h, D->kw_df, D->kw_p}, 3);
    util_buf_adds(b, ",\n     ");
    knum(b, "icc1", D->icc1); SEP;
    knum(b, "icc2", D->icc2); SEP;
    knum(b, "tau2", D->tau2); SEP;
    knum(b, "msw", D->msw); SEP;
    knum(b, "deviation", D->deviation); SEP;
    knum(b, "t", D->dev_t); SEP;
    knum(b, "df", D->dev_df); SEP;
    knum(b, "p", D->dev_p); SEP;
    knum(b, "q", D->dev_q); SEP;
    knum(b, "rank", D->rank); SEP;
    kbool(b, "weak", D->weak);
}

static void json_cell(util_buf_t *b, const res_cell_t *C)
{
    knum(b, "n", C->n); SEP;
    knum(b, "mean", C->mean); SEP;
    knum(b, "sd", C->sd); SEP;
    knum(b, "ci_low", C->ci_low); SEP;
    knum(b, "ci_high", C->ci_high); SEP;
    knum(b, "shrunk", C->shrunk); SEP;
    knum(b, "rwg_j", C->rwg_j); SEP;
    knum(b, "diff", C->diff); SEP;
    knum(b, "t", C->t); SEP;
    knum(b, "df", C->df); SEP;
    knum(b, "p", C->p); SEP;
    knum(b, "q", C->q); SEP;
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
        knum(b, "invited", G->invited); SEP;
        knum(b, "response_rate", G->response_rate);
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
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "unit", r->groups[gp->group].code); SEP;
        kstr(b, "dimension", r->dims[gp->dim].code); SEP;
        knum(b, "self", gp->self); SEP;
        knum(b, "staff", gp->staff); SEP;
        knum(b, "staff_ci_low", gp->staff_ci_low); SEP;
        knum(b, "staff_ci_high", gp->staff_ci_high); SEP;
        knum(b, "gap", gp->gap); SEP;
        kstr(b, "flag", res_gapflag_name(gp->flag));
        util_buf_adds(b, "}");
    }
}

static void json_changes(util_buf_t *b, const res_t *r)
{
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *c = &r->changes[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "group", c->group < 0 ? NULL : r->groups[c->group].code); SEP;
        kstr(b, "dimension", r->dims[c->dim].code); SEP;
        knum(b, "n0", c->n0); SEP;
        knum(b, "mean0", c->mean0); SEP;
        knum(b, "n", c->n1); SEP;
        knum(b, "mean", c->mean1); SEP;
        knum(b, "diff", c->diff); SEP;
        knum(b, "t", c->t); SEP;
        knum(b, "df", c->df); SEP;
        knum(b, "p", c->p); SEP;
        knum(b, "q", c->q); SEP;
        kstr(b, "flag", res_changeflag_name(c->flag));
        util_buf_adds(b, "}");
    }
}

static void json_findings(util_buf_t *b, const res_t *r)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        const res_finding_t *f = &r->findings[i];
        util_buf_adds(b, i ? ",\n    {" : "\n    {");
        kstr(b, "kind", res_fkind_name(f->kind)); SEP;
        kstr(b, "group", f->group < 0 ? NULL : r->groups[f->group].code); SEP;
        kstr(b, "dimension", f->dim < 0 ? NULL : r->dims[f->dim].code); SEP;
        util_buf_adds(b, "\"values\": {");
        for (size_t k = 0; k < f->nvalues; k++) {
            if (k)
                SEP;
            knum(b, f->values[k].key, f->values[k].v);
        }
        util_buf_adds(b, "}, ");
        char *text = render_finding(r, f, render_zh(r));
        kstr(b, "text", text);
        free(text);
        util_buf_adds(b, "}");
    }
}

int render_json(const res_t *r, FILE *out, char **err)
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
    util_buf_adds(b, "\n  ],\n  \"changes\": [");
    json_changes(b, r);
    util_buf_adds(b, "\n  ],\n  \"findings\": [");
    json_findings(b, r);
    util_buf_adds(b, "\n  ],\n  \"warnings\": [");
    for (size_t i = 0; i < r->nwarnings; i++) {
        if (i)
            SEP;
        jstr(b, r->warnings[i]);
    }
    util_buf_adds(b, "]\n}\n");
    int rc = 0;
    if (fwrite(b->s, 1, b->len, out) != b->len || fflush(out) != 0) {
        util_seterr(err, _("writing JSON: %s"), strerror(errno));
        rc = -1;
    }
    util_buf_free(b);
    return rc;
}
