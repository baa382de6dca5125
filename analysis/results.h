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
    double alpha, std_alpha, average_r, alpha_ci_low, alpha_ci_high;
    double alpha_n;          /* the complete cases alpha is computed on (those
                                who answered every item); NAN with one item */
    res_item_t *items;
    size_t nitems;
    /* between groups, over the published blocks: each shown group, and
     * one block pooling every hidden group with the respondents in no
     * group (so nothing here can be solved for a hidden group's mean) */
    double f, df_between, df_within, p_anova, eta2, omega2;
    double welch_f, welch_df1, welch_df2, welch_p;
    double kw_h, kw_df, kw_p;
    double icc1, icc2;
    double msw, tau2, grand;     /* for shrinkage and funnel limits */
    double blocks;           /* published blocks the between-group statistics use */
    /* weak-dimension test on within-person deviations */
    double deviation, dev_t, dev_df, dev_p, dev_q;
    int rank;                /* 1 = highest mean */
    int weak;
} res_dim_t;

/* RES_FUNNEL_NONE: no limits (tau^2 or MSW undefined, e.g. one block) */
typedef enum {
    RES_INSIDE, RES_BELOW_95, RES_BELOW_998, RES_ABOVE_95, RES_ABOVE_998, RES_FUNNEL_NONE
} res_funnel_t;

typedef struct {
    double n, mean, sd, ci_low, ci_high;
    double shrunk, rwg_j;
    double diff, t, df, p, q;    /* Welch t against all other respondents */
    int weak;
    res_funnel_t funnel;
} res_cell_t;

/* What a unit's response rate is measured against: the invitations
 * (codes) issued to it for the analysed form and wave, else its headcount
 * in the units table; RES_RATE_NONE when neither is known (and for groups
 * that are not units). */
typedef enum { RES_RATE_NONE, RES_RATE_INVITED, RES_RATE_HEADCOUNT } res_rate_t;

typedef struct {
    char *code, *name;
    char *category;          /* a unit's category in the units table, NULL none */
    long n;                  /* responses in the group (those left in: under
                                --exclude-careless, without the flagged) */
    long flagged;            /* careless screening (analyze --screen): the
                                group's respondents flagged, -1 unscreened */
    int suppressed;
    double invited;          /* the base of the rate (rate_basis); NAN when unknown */
    double response_rate;    /* NAN when unknown */
    res_rate_t rate_basis;
    res_cell_t *cells;       /* ndims, NULL when suppressed */
    double *item_means;      /* every dimension's items in the order of
                                dims[].items, dimension by dimension: the
                                group's mean answer (as given); NULL when
                                suppressed */
    char **comments;         /* only units of >= res_t.comment_min, in an
                                order set by their text alone */
    size_t ncomments;
} res_group_t;

/* Default threshold for quoting a unit's comments, never below min_n. */
#define RES_COMMENT_MIN 10

/* The smallest min_n an analysis takes without being told that smaller
 * groups are wanted (an_opts_t.allow_small_groups); every output of an
 * analysis below it says so. */
#define RES_MIN_N_SAFE 5

#define RES_COMMENTS_KEPT 30

/* RES_UNTESTED: the staff's scores have no spread to judge one response
 * against (fewer than two, or all equal); the flag is null. */
typedef enum { RES_CONSISTENT, RES_OVERCLAIM, RES_UNDERCLAIM, RES_UNTESTED } res_gapflag_t;

/* A self score is one response: it is judged against the spread of one
 * staff member's score, the 95% prediction interval pi_low..pi_high
 * (Crawford & Howell's single-case t, whose t, df and p are given; p_holm
 * is p adjusted by Holm over the unit's dimensions), not against the
 * staff mean's CI.  The flags also ask for the whole profile or for
 * p_holm (analyze.c, gap_judge). */
typedef struct {
    size_t group, dim;       /* indexes into groups[] and dims[] */
    double self, staff, staff_ci_low, staff_ci_high, gap;
    double staff_n, staff_sd, pi_low, pi_high, t, df, p, p_holm;
    /* the whole profile: the self response's mean over its dimensions
     * against the staff's means over the same dimensions, by the same
     * single-case t */
    double overall_self, overall_staff, overall_t, overall_p;
    res_gapflag_t flag;
} res_gap_t;

typedef enum { RES_STABLE, RES_IMPROVED, RES_DECLINED } res_changeflag_t;

typedef struct {
    long group;              /* index into groups[], -1 for the whole population */
    size_t dim;
    double n0, mean0, n1, mean1, diff, t, df, p, q;
    res_changeflag_t flag;
} res_change_t;

/* ---- every question counted (analyze --items) ---- */

typedef enum { RES_Q_CHOICE, RES_Q_MULTIPLE, RES_Q_NUMBER, RES_Q_TEXT } res_qkind_t;

/* One question's answers among some respondents: everyone, or one shown
 * group.  Percentages are of n, those who answered. */
typedef struct {
    double n;                /* answered */
    double not_answered;     /* asked (relevant) but left blank */
    double not_applicable;   /* not asked: its `relevant` (or its group's) was false */
    double *counts;          /* nchoices answers per choice (select_multiple:
                                respondents who ticked it; NAN: a choice that
                                is a hidden group of this analysis); NULL for
                                other kinds */
    double mean, sd;         /* numbers, and choices whose names are numbers */
    double min, q1, median, q3, max;   /* numbers only, everyone only (R
                                quantile type 7); else NAN */
} res_qstat_t;

/* Groups are counted only for questions whose list has at most this many
 * choices (the unit question of a province has 2,000). */
#define RES_QGROUP_CHOICES 64

typedef struct {
    char *name, *label;
    const char *type;        /* static: form_type_name of its type */
    res_qkind_t kind;
    int grouping;            /* 1: the question the groups are, 2: the
                                form's unit question: their counts are
                                group sizes, given only for shown groups
                                (the unit question's only by unit) */
    size_t nchoices;
    char **choice_names, **choice_labels;
    res_qstat_t all;
    res_qstat_t *groups;     /* ngroups, or NULL (not counted per group); a
                                hidden group's has n NAN and no counts */
} res_question_t;

/* ---- a cross-tabulation of two questions (analyze --crosstab A,B) ---- */

typedef struct {
    char *rows, *cols;       /* question names, or unit / category / parent */
    char *row_label, *col_label;
    size_t nrows, ncols;
    char **row_names, **row_labels, **col_names, **col_labels;
    double *table;           /* nrows x ncols respondents who answered both;
                                NAN: a suppressed cell */
    double *row_tot, *col_tot;   /* nrows, ncols (published whole) */
    double n;                /* respondents who answered both */
    size_t suppressed_cells;
    int pooled_groups;       /* 1: the last row pools the analysis's groups
                                not shown (and those in none), 2: the last
                                column; 0: neither */
    /* the chi-square test of independence over the table it may use: the
     * table itself, or with the rows (pooled == 1) or the columns (2)
     * that hold a suppressed cell merged into one, whose counts the
     * margins give anyway; empty rows and columns left out */
    int pooled;
    double test_rows, test_cols;
    double chisq, df, p, cramers_v;   /* NAN: no test (fewer than 2 x 2) */
    int yates;               /* a 2 x 2 table: Yates' continuity correction, as R */
    double min_expected;
    size_t expected_below_5; /* cells expected below 5: R's warning */
} res_crosstab_t;

/* ---- the self-assessment's bonus and deduction points ---- */

typedef struct {
    size_t group, dim;       /* indexes into groups[] and dims[] */
    double bonus, deduction, net;   /* the mean over the unit's self responses */
    double responses;        /* self-assessments read for the unit */
} res_points_t;

/* Spearman's rho across shown units between net points and the staff mean
 * on one dimension (R cor.test(method = "spearman")). */
typedef struct {
    size_t dim;
    double rho, p, units;
    const char *method;      /* static: "exact", "edgeworth" or "t" (R's choice) */
} res_pvs_t;

typedef enum {
    RES_F_WEAK_DIMENSION, RES_F_WEAK_UNIT, RES_F_OVERCLAIM, RES_F_UNDERCLAIM,
    RES_F_UNRELIABLE, RES_F_LOW_RESPONSE, RES_F_IMPROVED, RES_F_DECLINED,
    /* measurement quality (analyze --validity) and key drivers (--drivers) */
    RES_F_FACTOR_COUNT, RES_F_CROSS_LOADING, RES_F_LOW_LOADING, RES_F_POOR_FIT,
    RES_F_LOW_AVE, RES_F_PRIORITY,
    RES_F_POINTS_UNMATCHED
} res_fkind_t;

/* How many kinds there are: the last one + 1 (res_fkind_name's table
 * has one name each, which results.c checks when it compiles). */
#define RES_FKINDS (RES_F_POINTS_UNMATCHED + 1)

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
    RES_W_ALPHA_ONE_ITEM,    /* dim: one item, so no reliability */
    RES_W_ALPHA_FEW,         /* dim: fewer than two complete cases */
    RES_W_ALPHA_NOVAR,       /* dim: the complete cases' totals do not vary */
    RES_W_ANOVA_GROUPS,      /* dim: fewer than two blocks with scores */
    RES_W_ANOVA_NOVAR,       /* dim: every score is the same */
    RES_W_ANOVA_INF,         /* dim: F infinite (no variance within any block) */
    RES_W_WELCH_GROUPS,      /* dim: fewer than two blocks with scores */
    RES_W_WELCH_GROUPVAR,    /* dim: a block has one score or no variance */
    RES_W_KRUSKAL_GROUPS,    /* dim: fewer than two blocks with scores */
    RES_W_KRUSKAL_TIES,      /* dim: every score ties */
    RES_W_DEV_NOOTHER,       /* dim: nobody has another scored dimension */
    RES_W_DEV_NOVAR,         /* dim: fewer than two deviations, or all equal */
    RES_W_CONSTANT,          /* dim: everyone gave the same score: no CI */
    RES_W_CONSTANT_GROUPS,   /* dim, count shown groups whose scores are all
                                equal (or one): no CI and no gap flag */
    RES_W_FUNNEL,            /* dim: no funnel limits (tau^2 or MSW undefined) */
    RES_W_GAP_UNTESTED,      /* dim, count gaps with no flag: no staff spread */
    RES_W_DIFFERENCING,      /* count groups hidden by the differencing defence */
    RES_W_COMPARE_HIDDEN,    /* count shown groups without a change row: hidden
                                in the earlier wave by the same rules */
    RES_W_SMALL_MIN_N,       /* min_n below RES_MIN_N_SAFE, asked for */
    /* count: the res_vstatus_t saying why it was not computed */
    RES_W_VAL_COR,           /* item correlations undefined */
    RES_W_VAL_KMO,           /* no KMO or Bartlett test */
    RES_W_VAL_PARALLEL,      /* no parallel analysis */
    RES_W_VAL_EFA,           /* no exploratory factor analysis */
    RES_W_VAL_CFA,           /* no confirmatory factor analysis */
    RES_W_VAL_ROTATION,      /* oblimin stopped before converging */
    RES_W_DRV,               /* no key drivers */
    RES_W_DRV_NO_OUTCOME,    /* --drivers on a form without an outcome */
    RES_W_MAHA,              /* no Mahalanobis distances */
    RES_W_VAL_HEYWOOD,       /* dim: the CFA estimates a negative variance
                                for its factor or an item (an improper
                                solution): no standardized loadings, omega
                                or AVE there */
    RES_W_XTAB_CELLS,        /* count crosstab cells suppressed */
    RES_W_XTAB_POOLED,       /* the chi-square test merged the rows (dim 1) or
                                columns (dim 2) holding suppressed cells */
    RES_W_XTAB_NOTEST,       /* no chi-square test: fewer than 2 x 2 left */
    RES_W_XTAB_EXPECTED      /* count cells expected below 5: the chi-square
                                approximation may be incorrect (R) */
} res_wkind_t;

/* Why a measurement-quality statistic is missing (the warnings' count). */
typedef enum {
    RES_V_OK, RES_V_FEW,     /* too few respondents or items for it */
    RES_V_SINGULAR,          /* correlation/covariance not positive definite */
    RES_V_NOCONV,            /* the fit did not converge */
    RES_V_UNDEF,             /* an item with no variance, or a pair never
                                answered together */
    RES_V_NOMEM
} res_vstatus_t;

/* Measurement quality (analyze --validity) of the scored Likert items
 * (reverse items flipped), in form order.  Correlations from the pairs
 * answering both (psych's default); the CFA on complete cases.  Arrays
 * are NULL where the step could not be computed; each step's status says
 * why (and a warning words it). */
typedef struct {
    size_t nitems;
    char **items;            /* item names */
    long *item_dim;          /* the dimension each item belongs to */
    double rows;             /* respondents the correlations come from */
    double min_pair_n;       /* fewest respondents behind one correlation */
    res_vstatus_t cor_status, kmo_status, pa_status, efa_status, cfa_status;
    double kmo, *msa;        /* overall and per item (psych::KMO) */
    double bartlett_chisq, bartlett_df, bartlett_p;
    double *eigen;           /* nitems: of the correlation matrix */
    double *eigen_reduced;   /* nitems: of the reduced matrix (diagonal: the
                                communalities of one minres factor, as
                                psych::fa.parallel's fa values) */
    size_t pa_iterations;
    unsigned long pa_seed;
    double *pa_pc95, *pa_fa95;   /* nitems: simulated 95th percentiles */
    int pa_factors, pa_components;
    size_t nfactors;         /* asked for (--factors, default the dimensions) */
    double *loadings;        /* nitems x nfactors, psych's order and sign */
    double *communality, *uniqueness;   /* nitems */
    double *phi;             /* nfactors x nfactors */
    double *ss_loadings, *prop_var;     /* nfactors */
    int rotation_converged;
    long *factor_dim;        /* nfactors: the dimension whose items load most
                                on it (one factor per dimension), -1 */
    /* CFA of the form's own model: each item on its dimension, on the
     * dimensions with two or more items (cfa_dim[d]: 1 when in it) */
    char *cfa_dim;           /* ndims */
    double cfa_n, chisq, df, pvalue, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, srmr;
    double *std_loadings;    /* nitems, NAN for an item outside the CFA */
    double *omega, *ave;     /* ndims, NAN outside the CFA */
} res_validity_t;

/* Where a dimension lies in the priority matrix: importance (its LMG share
 * of R^2) against performance (its mean score), each split at its median
 * over the dimensions. */
typedef enum {
    RES_Q_PRIORITY,          /* important, low score: act here first */
    RES_Q_STRENGTH,          /* important, high score: keep it up */
    RES_Q_LOW_PRIORITY,      /* less important, low score */
    RES_Q_SURPLUS,           /* less important, high score */
    RES_Q_NONE               /* no importance (not computed) */
} res_quadrant_t;

/* One key-driver fit: the outcome on the dimension scores (all arrays
 * ndims).  status RES_V_FEW: fewer than RES_DRV_PER_PREDICTOR respondents
 * per predictor, so not computed. */
typedef struct {
    res_vstatus_t status;
    double n, r2;
    double *lmg, *lmg_share, *rw, *rw_share, *beta, *r, *pratt_share;
    double *mean;            /* performance: the dimension means (0-100) */
    double imp_median, perf_median;
    res_quadrant_t *quadrant;
} res_drvfit_t;

/* Respondents per predictor below which a fit is not made. */
#define RES_DRV_PER_PREDICTOR 10

typedef struct {
    char *outcome, *outcome_label;
    res_drvfit_t all;
    res_drvfit_t *groups;    /* ngroups; status RES_V_FEW or zeroed for a
                                hidden group (never written) */
} res_drivers_t;

/* Careless-answer screening (analyze --screen) over the scored Likert
 * items as answered, in form order. */
typedef struct {
    long screened;           /* respondents screened (all of the wave) */
    long complete;           /* with every item answered: D^2 computed */
    size_t nitems;
    long straight, maha, flagged;   /* flagged: either */
    double maha_alpha, maha_cutoff; /* p < alpha, i.e. D^2 > the cutoff */
    double longstring_mean, longstring_sd, longstring_max;
    double irv_mean, irv_sd, d2_mean;
    res_vstatus_t maha_status;
    int excluded;            /* --exclude-careless: the flagged respondents
                                are in no statistic */
} res_careless_t;

typedef struct {
    res_wkind_t kind;
    long dim;                /* index into dims[], -1: none */
    size_t count;
} res_warning_t;

typedef struct res {
    char *form_id, *form_title, *wave, *compare_wave;
    char *lang;              /* "zh" or "en" */
    long respondents;
    char *group_by;          /* "unit" or an item name */
    char *group_label;       /* label of that item; NULL by unit (the
                                renderers name units in their language) */
    int min_n;
    int comment_min;         /* quote a unit's comments from this many respondents */
    double min_diff, fdr;
    long self_responses;     /* self-role responses found for gaps */
    res_dim_t *dims;
    size_t ndims;
    res_group_t *groups;     /* sorted by code */
    size_t ngroups;
    size_t nsuppressed;
    res_gap_t *gaps;
    size_t ngaps;
    /* What the gap rule can see in a unit of typical size: n the median
     * staff of the units with a self score; sd, sd_overall the pooled
     * within-unit SDs of one dimension's scores and of the mean over the
     * dimensions; the smallest |gap| flagged on a dimension (its interval,
     * and min_diff), by the profile's mean, and by one dimension alone
     * (Holm over ndims).  NAN without gaps. */
    struct {
        double n, sd, sd_overall, dim, overall, alone;
    } gap_detect;
    res_change_t *changes;
    size_t nchanges;
    res_finding_t *findings;
    size_t nfindings;
    res_warning_t *warnings; /* worded by render_warning */
    size_t nwarnings;
    long excluded;           /* respondents left out as careless (analyze
                                --exclude-careless); 0 otherwise */
    res_validity_t *validity;   /* NULL unless asked for */
    res_drivers_t *drivers;
    res_careless_t *careless;
    res_question_t *questions;   /* analyze --items, NULL otherwise */
    size_t nquestions;
    res_crosstab_t *crosstab;    /* analyze --crosstab, NULL otherwise */
    res_points_t *points;    /* by unit: shown units with a self-assessment,
                                dimensions with point items */
    size_t npoints;
    res_pvs_t *points_vs_staff;  /* per dimension with points */
    size_t npvs;
    struct res *rollup;      /* by unit, when asked: the same analysis by
                                category (an_opts_t.rollup), for the
                                subtotals of the units table; NULL else */
    /* Units listed once rather than one finding each (findings_build),
     * indexes into groups[], grouped by unit only: those without a
     * response in the wave, and the shown ones whose rate has no base (no
     * invitations, no headcount) while other units' rates have one. */
    size_t *silent, nsilent;
    size_t *unrated, nunrated;
} res_t;

void res_free(res_t *r);                      /* NULL is fine */
void res_drvfit_free(res_drvfit_t *f);    /* its arrays; f itself is the caller's */
/* Appends a warning (data, worded by render_warning). */
void res_warn(res_t *r, res_wkind_t kind, long dim, size_t count);
/* Their parts (ngroups: the length of q->groups). */
void res_question_free(res_question_t *q, size_t ngroups);
void res_crosstab_free(res_crosstab_t *x);    /* NULL is fine */
/* The names of the JSON and CSV; NULL (null, an empty cell) for
 * RES_FUNNEL_NONE and RES_UNTESTED. */
const char *res_funnel_name(res_funnel_t f);  /* "inside", "below_95", ... */
const char *res_gapflag_name(res_gapflag_t f);
const char *res_changeflag_name(res_changeflag_t f);
const char *res_fkind_name(res_fkind_t k);    /* "weak_dimension", ... */
const char *res_quadrant_name(res_quadrant_t q); /* "priority", ...; NULL for none */
const char *res_qkind_name(res_qkind_t k);    /* "choice", "multiple", "number", "text" */
const char *res_rate_name(res_rate_t b);      /* "invitations", "headcount"; NULL */
/* The responses a group's response rate counts: its n, and under
 * --exclude-careless the flagged respondents left out of n, who did
 * respond (response_rate is responded / invited). */
long res_responded(const res_t *r, const res_group_t *g);


#endif
