/*
 * results: everything one analysis found, in one structure.  It is the
 * single hinge between computing and presenting: analyze.c fills it from a
 * streaming scan of the store; the renderers of analysis/report/ (terminal
 * table, JSON, CSV, plots, the report) read it and never touch the
 * database.  It holds numbers and names, no sentences: a finding is a
 * kind with its numbers, worded by the renderer.
 *
 * Conventions: a statistic that could not be computed is NAN (printed as
 * JSON null) with the reason in warnings[].  Suppressed groups carry no
 * cells, comments or anything else derived from their answers: only code,
 * name and `suppressed`.  Every string and array belongs to the res_t and
 * is released by res_free().
 */
#ifndef GS_RESULTS_H
#define GS_RESULTS_H

#include <stddef.h>

typedef struct {
    char *name;
    char *label;             /* in the report language */
    double n, mean, sd;      /* as answered, before reversal */
    double r_drop, alpha_if_dropped;
    int reverse;
    size_t nchoices;         /* Likert distribution (population) */
    char **choice_labels;    /* nchoices */
    double *counts;          /* nchoices, answers per choice */
} res_item_t;

typedef struct {
    char *code, *label;
    double n, mean, sd, ci_low, ci_high;
    double alpha, std_alpha, average_r, alpha_ci_low, alpha_ci_high, alpha_n;
    res_item_t *items;
    size_t nitems;
    /* between groups: every group, suppressed ones included */
    double f, df_between, df_within, p_anova, eta2, omega2;
    double welch_f, welch_df1, welch_df2, welch_p;
    double kw_h, kw_df, kw_p;
    double icc1, icc2;
    double msw, tau2, grand;     /* for shrinkage and funnel limits */
    /* weak-dimension test on within-person deviations */
    double deviation, dev_t, dev_df, dev_p, dev_q;
    int rank;                /* 1 = highest mean */
    int weak;
} res_dim_t;

typedef enum {
    RES_INSIDE, RES_BELOW_95, RES_BELOW_998, RES_ABOVE_95, RES_ABOVE_998
} res_funnel_t;

typedef struct {
    double n, mean, sd, ci_low, ci_high;
    double shrunk, rwg_j;
    double diff, t, df, p, q;    /* Welch t against all other respondents */
    int weak;
    res_funnel_t funnel;
} res_cell_t;

typedef struct {
    char *code, *name;
    long n;                  /* responses in the group */
    int suppressed;
    double invited;          /* NAN when unknown */
    double response_rate;    /* NAN when unknown */
    res_cell_t *cells;       /* ndims, NULL when suppressed */
    char **comments;         /* only for groups of >= RES_COMMENT_MIN */
    size_t ncomments;
} res_group_t;

#define RES_COMMENT_MIN 10

#define RES_COMMENTS_KEPT 30

typedef enum { RES_CONSISTENT, RES_OVERCLAIM, RES_UNDERCLAIM } res_gapflag_t;

typedef struct {
    size_t group, dim;       /* indexes into groups[] and dims[] */
    double self, staff, staff_ci_low, staff_ci_high, gap;
    res_gapflag_t flag;
} res_gap_t;

typedef enum { RES_STABLE, RES_IMPROVED, RES_DECLINED } res_changeflag_t;

typedef struct {
    long group;              /* index into groups[], -1 for the whole population */
    size_t dim;
    double n0, mean0, n1, mean1, diff, t, df, p, q;
    res_changeflag_t flag;
} res_change_t;

typedef enum {
    RES_F_WEAK_DIMENSION, RES_F_WEAK_UNIT, RES_F_OVERCLAIM, RES_F_UNDERCLAIM,
    RES_F_UNRELIABLE, RES_F_LOW_RESPONSE, RES_F_IMPROVED, RES_F_DECLINED
} res_fkind_t;

/* A finding is data: what kind, about which group and dimension, and the
 * numbers it states (findings.h names them per kind).  The sentence is
 * the renderers' (render_finding, analysis/report/render.h), in whatever
 * language the output is written in. */
#define RES_FVALUES_MAX 8

typedef struct {
    const char *key;         /* a static name: "mean", "diff", "q"... */
    double v;                /* NAN: could not be computed */
} res_fvalue_t;

typedef struct {
    res_fkind_t kind;
    long group;              /* index into groups[], -1: none (a dimension, everyone) */
    long dim;                /* index into dims[], -1: none (a unit's gaps on several) */
    res_fvalue_t values[RES_FVALUES_MAX];
    size_t nvalues;
} res_finding_t;

/* What could not be computed, and the disclosure control's doing, as data
 * like the findings. */
typedef enum {
    RES_W_ALPHA,             /* dim: reliability not computable */
    RES_W_ANOVA,             /* dim: ANOVA not computable */
    RES_W_WELCH,             /* dim: Welch's ANOVA not computable */
    RES_W_KRUSKAL,           /* dim: Kruskal-Wallis not computable */
    RES_W_DEVIATION,         /* dim: the weak-dimension test not computable */
    RES_W_DIFFERENCING       /* count groups hidden by the differencing defence */
} res_wkind_t;

typedef struct {
    res_wkind_t kind;
    long dim;                /* index into dims[], -1: none */
    size_t count;
} res_warning_t;

typedef struct {
    char *form_id, *form_title, *wave, *compare_wave;
    char *lang;              /* "zh" or "en" */
    long respondents;
    char *group_by;          /* "unit" or an item name */
    char *group_label;       /* label of that item; NULL by unit (the
                                renderers name units in their language) */
    int min_n;
    double min_diff, fdr;
    long self_responses;     /* self-role responses found for gaps */
    res_dim_t *dims;
    size_t ndims;
    res_group_t *groups;     /* sorted by code */
    size_t ngroups;
    size_t nsuppressed;
    res_gap_t *gaps;
    size_t ngaps;
    res_change_t *changes;
    size_t nchanges;
    res_finding_t *findings;
    size_t nfindings;
    res_warning_t *warnings; /* worded by render_warning */
    size_t nwarnings;
} res_t;

void res_free(res_t *r);                      /* NULL is fine */
const char *res_funnel_name(res_funnel_t f);  /* "inside", "below_95", ... */
const char *res_gapflag_name(res_gapflag_t f);
const char *res_changeflag_name(res_changeflag_t f);
const char *res_fkind_name(res_fkind_t k);    /* "weak_dimension", ... */


#endif
