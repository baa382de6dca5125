/*
 * csv: a res_t as CSV tables in a directory, one file per table
 * (dimensions, items, groups x dimensions, gaps, changes), UTF-8 with a
 * BOM so that Excel and WPS read the Chinese correctly.  Hidden groups
 * have no rows.
 */
#include "analysis/report/render.h"
#include "base/csv.h"
#include "base/i18n.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static FILE *csv_open(const char *dir, const char *name, err_t *err)
{
    char *path = util_fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
    else
        fputs("\xEF\xBB\xBF", f);   /* BOM: Excel/WPS then read UTF-8, not GBK */
    free(path);
    return f;
}

static int csv_close(FILE *f, const char *dir, const char *name, err_t *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        err_set(err, ERR_FAIL, _("%s/%s: write error"), dir, name);
        return -1;
    }
    return 0;
}

static void csv_dimensions(FILE *f, const res_t *r)
{
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
}

static void csv_items(FILE *f, const res_t *r)
{
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
}

static void csv_groups(FILE *f, const res_t *r)
{
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
}

static void csv_gaps(FILE *f, const res_t *r)
{
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
}

static void csv_changes(FILE *f, const res_t *r)
{
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
}

int render_csv(const res_t *r, const char *dir, err_t *err)
{
    static const struct {
        const char *name;
        void (*write)(FILE *f, const res_t *r);
    } tables[] = {{"dimensions.csv", csv_dimensions}, {"items.csv", csv_items},
                  {"groups.csv", csv_groups},         {"gaps.csv", csv_gaps},
                  {"changes.csv", csv_changes}};
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        err_set(err, ERR_IO, "%s: %s", dir, strerror(errno));
        return -1;
    }
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        FILE *f = csv_open(dir, tables[t].name, err);
        if (!f)
            return -1;
        tables[t].write(f, r);
        if (csv_close(f, dir, tables[t].name, err))
            return -1;
    }
    return 0;
}
