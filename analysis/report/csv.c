/*
 * csv: a res_t as CSV tables in a directory, one file per table
 * (dimensions, items, groups x dimensions, gaps, changes, the points
 * and, when asked, every question counted and a cross-tabulation), UTF-8 with a
 * BOM so that Excel and WPS read the Chinese correctly.  Hidden groups
 * have no rows.  Numbers are rounded to what a reader needs (cnum); an
 * analysis with a minimum group size below RES_MIN_N_SAFE says so in the
 * first line of every file.
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

/* How a number is published: decimals for scores (2: the 0-100 scale
 * needs no more), statistics (2) and effect sizes and correlations (3),
 * three significant digits for p and q, whole numbers for counts.  The
 * tables are for readers (and Excel); the JSON keeps full precision for
 * programs and for the check against R (json.c). */
enum { C_INT = 0, C_STAT = 2, C_SCORE = 2, C_EFFECT = 3, C_P = -1 };

static void cnum(FILE *f, double v, int prec)
{
    if (!isfinite(v))
        return;
    if (prec == C_P) {
        fprintf(f, "%.3g", v);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", prec, v);
    if (strchr(buf, '.')) {   /* 4.00 -> 4, 35.80 -> 35.8 */
        char *e = buf + strlen(buf) - 1;
        while (*e == '0')
            *e-- = '\0';
        if (*e == '.')
            *e = '\0';
    }
    fputs(strcmp(buf, "-0") == 0 ? "0" : buf, f);
}

/* ",v" for each of n values, each with its precision */
static void cnums(FILE *f, const double *v, const int *prec, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputc(',', f);
        cnum(f, v[i], prec[i]);
    }
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
        static const int prec[] = {C_INT,    C_SCORE,  C_SCORE,  C_SCORE,  C_SCORE,  C_EFFECT, C_EFFECT,
                                   C_EFFECT, C_EFFECT, C_EFFECT, C_STAT,   C_STAT,   C_STAT,   C_P,
                                   C_EFFECT, C_EFFECT, C_STAT,   C_STAT,   C_STAT,   C_P,      C_STAT,
                                   C_INT,    C_P,      C_EFFECT, C_EFFECT, C_SCORE,  C_STAT,   C_STAT,
                                   C_P,      C_P,      C_INT};
        _Static_assert(sizeof prec / sizeof prec[0] == 31, "one precision per column");
        cstr(f, D->code);
        fputc(',', f);
        cstr(f, D->label);
        cnums(f, v, prec, sizeof v / sizeof v[0]);
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
            fprintf(f, ",%d", I->reverse);
            double v[] = {I->n, I->mean, I->sd, I->r_drop, I->alpha_if_dropped};
            static const int prec[] = {C_INT, C_EFFECT, C_EFFECT, C_EFFECT, C_EFFECT};
            cnums(f, v, prec, 5);
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
            cnum(f, G->invited, C_INT);
            fputc(',', f);
            cnum(f, G->response_rate, C_EFFECT);
            fputc(',', f);
            cstr(f, r->dims[d].code);
            double v[] = {C->n, C->mean, C->sd, C->ci_low, C->ci_high, C->shrunk, C->rwg_j,
                          C->diff, C->t, C->df, C->p, C->q};
            static const int prec[] = {C_INT,   C_SCORE, C_SCORE, C_SCORE, C_SCORE, C_SCORE,
                                       C_EFFECT, C_SCORE, C_STAT,  C_STAT,  C_P,     C_P};
            cnums(f, v, prec, sizeof v / sizeof v[0]);
            const char *pos = res_funnel_name(C->funnel);
            fprintf(f, ",%d,%s\n", C->weak, pos ? pos : "");
        }
    }
}

static void csv_gaps(FILE *f, const res_t *r)
{
    fputs("unit,name,dimension,self,staff,staff_ci_low,staff_ci_high,gap,staff_n,staff_sd,pi_low,pi_high,"
          "p,p_holm,overall_self,overall_staff,overall_p,flag\n", f);
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        cstr(f, r->groups[gp->group].code);
        fputc(',', f);
        cstr(f, r->groups[gp->group].name);
        fputc(',', f);
        cstr(f, r->dims[gp->dim].code);
        double v[] = {gp->self,   gp->staff, gp->staff_ci_low, gp->staff_ci_high, gp->gap,
                      gp->staff_n, gp->staff_sd, gp->pi_low, gp->pi_high, gp->p, gp->p_holm,
                      gp->overall_self, gp->overall_staff, gp->overall_p};
        static const int prec[] = {C_SCORE, C_SCORE, C_SCORE, C_SCORE, C_SCORE, C_INT, C_SCORE,
                                   C_SCORE, C_SCORE, C_P,     C_P,     C_SCORE, C_SCORE, C_P};
        cnums(f, v, prec, sizeof v / sizeof v[0]);
        const char *flag = res_gapflag_name(gp->flag);
        fprintf(f, ",%s\n", flag ? flag : "");
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
        static const int prec[] = {C_INT, C_SCORE, C_INT, C_SCORE, C_SCORE, C_STAT, C_STAT, C_P, C_P};
        cnums(f, v, prec, sizeof v / sizeof v[0]);
        fprintf(f, ",%s\n", res_changeflag_name(c->flag));
    }
}

/* One question among some respondents (group "" for everyone): a row
 * per choice, or one row for a number or text question. */
static void csv_qstat(FILE *f, const res_question_t *Q, const char *group, const res_qstat_t *st)
{
    size_t rows = Q->nchoices && st->counts ? Q->nchoices : 1;
    for (size_t c = 0; c < rows; c++) {
        if (Q->nchoices && st->counts && isnan(st->counts[c]))
            continue;   /* a hidden group (the groups' own question): not even named */
        cstr(f, Q->name);
        fputc(',', f);
        cstr(f, Q->label);
        fprintf(f, ",%s,", Q->type);
        cstr(f, group);
        double head[] = {st->n, st->not_answered, st->not_applicable};
        static const int hp[] = {C_INT, C_INT, C_INT};
        cnums(f, head, hp, 3);
        fputc(',', f);
        if (Q->nchoices && st->counts) {
            cstr(f, Q->choice_names[c]);
            fputc(',', f);
            cstr(f, Q->choice_labels[c]);
            double v[] = {st->counts[c], st->n > 0 ? 100 * st->counts[c] / st->n : NAN};
            static const int vp[] = {C_INT, C_SCORE};
            cnums(f, v, vp, 2);
        } else {
            fputs(",,,", f);
        }
        double num[] = {st->mean, st->sd, st->min, st->q1, st->median, st->q3, st->max};
        static const int np[] = {C_EFFECT, C_EFFECT, C_EFFECT, C_EFFECT, C_EFFECT, C_EFFECT, C_EFFECT};
        cnums(f, num, np, 7);
        fputc('\n', f);
    }
}

static void csv_questions(FILE *f, const res_t *r)
{
    fputs("question,label,type,group,n,not_answered,not_applicable,choice,choice_label,count,percent,mean,sd,"
          "min,q1,median,q3,max\n", f);
    for (size_t i = 0; i < r->nquestions; i++) {
        const res_question_t *Q = &r->questions[i];
        csv_qstat(f, Q, "", &Q->all);
        for (size_t g = 0; Q->groups && g < r->ngroups; g++)
            if (!r->groups[g].suppressed && !isnan(Q->groups[g].n))
                csv_qstat(f, Q, r->groups[g].code, &Q->groups[g]);
    }
}

/* The cross-tabulation as a wide table: a row per row, a column per
 * column, then the total; a suppressed cell is empty. */
static void csv_crosstab(FILE *f, const res_t *r)
{
    const res_crosstab_t *X = r->crosstab;
    char *corner = util_fmt("%s \\ %s", X->rows, X->cols);
    cstr(f, corner);
    free(corner);
    for (size_t j = 0; j < X->ncols; j++) {
        fputc(',', f);
        cstr(f, X->col_names[j] ? X->col_names[j] : TR(render_zh(r), "not shown (pooled)"));
    }
    fputs(",total\n", f);
    for (size_t i = 0; i < X->nrows; i++) {
        cstr(f, X->row_names[i] ? X->row_names[i] : TR(render_zh(r), "not shown (pooled)"));
        for (size_t j = 0; j < X->ncols; j++) {
            fputc(',', f);
            cnum(f, X->table[i * X->ncols + j], C_INT);
        }
        fputc(',', f);
        cnum(f, X->row_tot[i], C_INT);
        fputc('\n', f);
    }
    fputs("total", f);
    for (size_t j = 0; j < X->ncols; j++) {
        fputc(',', f);
        cnum(f, X->col_tot[j], C_INT);
    }
    fputc(',', f);
    cnum(f, X->n, C_INT);
    fputc('\n', f);
}

static void csv_points(FILE *f, const res_t *r)
{
    fputs("unit,name,dimension,bonus,deduction,net,self_responses,staff_mean\n", f);
    for (size_t i = 0; i < r->npoints; i++) {
        const res_points_t *P = &r->points[i];
        const res_group_t *G = &r->groups[P->group];
        cstr(f, G->code);
        fputc(',', f);
        cstr(f, G->name);
        fputc(',', f);
        cstr(f, r->dims[P->dim].code);
        double v[] = {P->bonus, P->deduction, P->net, P->responses, G->cells[P->dim].mean};
        static const int prec[] = {C_SCORE, C_SCORE, C_SCORE, C_INT, C_SCORE};
        cnums(f, v, prec, 5);
        fputc('\n', f);
    }
}

static void csv_pvs(FILE *f, const res_t *r)
{
    fputs("dimension,spearman,p,units,method\n", f);
    for (size_t i = 0; i < r->npvs; i++) {
        const res_pvs_t *S = &r->points_vs_staff[i];
        cstr(f, r->dims[S->dim].code);
        double v[] = {S->rho, S->p, S->units};
        static const int prec[] = {C_EFFECT, C_P, C_INT};
        cnums(f, v, prec, 3);
        fprintf(f, ",%s\n", S->method ? S->method : "");
    }
}

int render_csv(const res_t *r, const char *dir, err_t *err)
{
    static const struct {
        const char *name;
        void (*write)(FILE *f, const res_t *r);
        int what;            /* 0 always; 1 with points, 2 questions, 3 a crosstab */
    } tables[] = {{"dimensions.csv", csv_dimensions, 0}, {"items.csv", csv_items, 0},
                  {"groups.csv", csv_groups, 0},         {"gaps.csv", csv_gaps, 0},
                  {"changes.csv", csv_changes, 0},       {"points.csv", csv_points, 1},
                  {"points_vs_staff.csv", csv_pvs, 1},   {"questions.csv", csv_questions, 2},
                  {"crosstab.csv", csv_crosstab, 3}};
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        err_set(err, ERR_IO, "%s: %s", dir, strerror(errno));
        return -1;
    }
    /* an analysis below the safe minimum group size says so at the top
     * of every table, where no one opening it can miss it */
    char *stamp = NULL;
    if (r->min_n < RES_MIN_N_SAFE) {
        res_warning_t w = {RES_W_SMALL_MIN_N, -1, 0};
        stamp = render_warning(r, &w, render_zh(r));
    }
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        int what = tables[t].what;
        if ((what == 1 && !r->points) || (what == 2 && !r->questions) || (what == 3 && !r->crosstab))
            continue;
        FILE *f = csv_open(dir, tables[t].name, err);
        if (!f) {
            free(stamp);
            return -1;
        }
        if (stamp) {
            cstr(f, stamp);
            fputc('\n', f);
        }
        tables[t].write(f, r);
        if (csv_close(f, dir, tables[t].name, err)) {
            free(stamp);
            return -1;
        }
    }
    free(stamp);
    return 0;
}
