/*
 * scan: the streaming pass of an analysis and its accumulators.
 *
 * One store_scan over a form's responses in a wave turns each response
 * into dimension scores and feeds accumulators whose size is groups x
 * items, never respondents (DESIGN.md section 5).  The statistics are then
 * arithmetic on these accumulators (analyze.c), and the cross-counts feed
 * the disclosure control (suppress.h).
 *
 * The accumulators are fed on a second thread once a scan has read
 * SCAN_BATCH_DEFAULT responses, in the order they were read (scan.c), so
 * the results do not depend on it; scan_run has joined it on return.
 *
 * Ownership: a scan_t is the caller's (usually on the stack, zeroed);
 * scan_init allocates everything in it and scan_free releases it.  The
 * form is borrowed and must outlive the scan.  The accumulators are read
 * directly by analyze.c: the fields marked "out" below.
 */
#ifndef GS_SCAN_H
#define GS_SCAN_H

#include "analysis/careless.h"
#include "analysis/results.h"
#include "analysis/stats.h"
#include "analysis/suppress.h"
#include "analysis/validity.h"
#include "base/err.h"
#include "survey/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct scan_kw scan_kw_t;        /* distinct-score counts (Kruskal-Wallis) */
typedef struct scan_chash scan_chash_t;  /* an item's values -> choices */
typedef struct scan_xmap scan_xmap_t;    /* cross-count pairs of many-group groupings */
typedef struct scan_q scan_q_t;          /* one question's counts (analyze --items) */
typedef struct scan_batch scan_batch_t;  /* respondents read, for the accumulators */
struct relay;

/* Respondents per batch handed from the reading thread to the
 * accumulating one (scan.c), unless scan_t.batch_size says otherwise;
 * SCAN_BATCH_INLINE there: no second thread. */
#define SCAN_BATCH_DEFAULT 1024
#define SCAN_BATCH_INLINE ((size_t)-1)

/* What the groups of an analysis are: the units, the choices of a
 * select_one question, or the units' category or parent in the units
 * table (a group is the units sharing it). */
typedef enum { SCAN_G_UNIT, SCAN_G_ITEM, SCAN_G_CATEGORY, SCAN_G_PARENT } scan_grouping_t;

typedef struct {
    const form_t *f;
    size_t ndims, ngroups;
    size_t **dimitems;       /* per dim: form positions of its scored items */
    size_t *ndimitems;
    int *item_slot;          /* form position -> index among scored items, -1 */
    size_t nscored;
    size_t *scored_pos;      /* scored index -> form position */
    int light;               /* comparison wave: scores per group only */
    /* grouping */
    scan_grouping_t grouping;
    int by_unit;             /* the groups come from the response's unit
                                through unit_group (units, categories, parents) */
    int *unit_group;         /* units.id -> group index, -1 */
    size_t nunit_ids;
    int by_pos;              /* item position when grouping by an item */
    /* the units table's categories and parents (--by category, --by
     * parent): unit id -> index among them, -1 for none (scan_unit_sets;
     * the scan's) */
    int *ucat, *upar;
    size_t nucat, nupar;     /* entries of ucat and upar (unit ids) */
    size_t ncat, npar;       /* distinct categories and parents */
    /* the other groupings a researcher could ask for (by unit and by each
     * other select_one question), cross-counted against this one so that
     * a group nested in another with a difference under min_n is found.
     * Group-major: a respondent's counts with the few-group groupings (40
     * and more: every Likert item is one) fall in one row of a few cache
     * lines, where a table per grouping cost a cache miss each; groupings
     * with many groups go to a map of the pairs that occur. */
    size_t nx;
    size_t xunits;           /* unit ids are below this (scan_cross_init) */
    int *xpos;               /* item position per other grouping, -1 = unit */
    const form_list_t **xlist; /* its choice list, NULL = not a question */
    size_t *xsize;           /* groups per other grouping */
    size_t *xtoff;           /* grouping k's groups in xtot */
    long *xtot;              /* respondents per group of each other grouping */
    size_t *xoff;            /* grouping k's columns in a row of xrow; SUPPRESS_SPARSE */
    size_t xstride;          /* columns per row */
    uint32_t *xrow;          /* ngroups rows: respondents in group g and in
                                each group of each few-group grouping */
    scan_xmap_t *xmap;       /* the many-group groupings' pairs */
    suppress_pair_t *xsp;    /* after the scan: xmap's pairs by group, k, h */
    size_t *xsp_at;          /* group g's pairs: xsp[xsp_at[g] .. xsp_at[g+1]) */
    /* accumulators (out) */
    long *gn;                /* responses per group */
    stats_acc_t *pop;        /* ndims */
    stats_acc_t *cell;       /* (ngroups + 1) x ndims: row ngroups holds the
                                respondents in no group */
    stats_acc_t *dev;        /* ndims: score minus the mean of the others */
    stats_acc_t *overall;    /* ngroups + 1: respondents' mean over the
                                dimensions in gapdim (the gap rule's unit test) */
    char *gapdim;            /* ndims, or NULL (all): the dimensions a self
                                form shares; set before scan_run, the scan's */
    stats_cov_t **cov;       /* ndims */
    stats_acc_t *item;       /* nscored, as answered */
    double *likert;          /* nscored x maxchoices */
    size_t maxchoices;
    stats_acc_t *gitem;      /* ngroups x nscored, as answered */
    scan_kw_t *kw;           /* ndims; rows as cell */
    char **comments;         /* ngroups x RES_COMMENTS_KEPT, each row in the
                                published order (a hash of the text) */
    uint64_t *crank;         /* as comments: each one's rank (comment_rank) */
    size_t *ncomments;
    long *ncommenters;
    /* measurement quality (scan_want_validity): the scored items, reverse
     * ones flipped, pairwise (KMO .. EFA) and on complete cases (CFA) */
    val_pair_t *vpair;
    stats_cov_t *vcov;
    /* key drivers (scan_want_drivers): (outcome, every dimension score)
     * of the respondents who have them all, in all and per group */
    int outcome_pos;         /* form position of the outcome, -1 none */
    size_t *drvdim, ndrv;    /* the dimensions with scored items: predictors */
    double *drow;            /* scratch: ndrv + 1 */
    stats_cov_t *dcov;
    stats_cov_t **gdcov;     /* ngroups */
    /* careless screening (scan_want_screen): the scored items as answered */
    int screen, exclude;     /* exclude: flagged respondents count nowhere */
    careless_maha_t *maha;   /* the scan's; NULL: no Mahalanobis distances */
    long screened, complete, nstraight, nmaha, nflagged, excluded;
    stats_acc_t longstring, irv, d2;
    double longstring_max;
    long *gflagged;          /* ngroups + 1: flagged respondents per group */
    /* What the reading thread writes at every response lies between two
     * pads, in cache lines of its own: next to the pointers the
     * accumulating thread reads at every respondent, each of its writes
     * took that line away from the other core (false sharing). */
    char pad_read[64];
    long read;               /* responses read, kept or not (progress) */
    long respondents;        /* responses kept (out) */
    /* per-response scratch of the reading thread (on_response) */
    double *val;             /* nscored answered values (NAN = none) */
    int *at;                 /* form position -> its answer's index in the
                                response, -1 */
    char pad_add[64];
    /* per-respondent scratch of the accumulating thread (add_batch) */
    double *vrow;            /* nscored scored values (NAN = none) */
    double *score;           /* ndims */
    size_t *kwslot;          /* ndims: the score's column in kw */
    double *row;             /* complete-case vector */
    size_t *text_pos, ntext; /* the text items' positions (comments) */
    scan_chash_t *chash;     /* per scored item */
    /* borrowed, NULL for none: every question counted (analyze --items),
     * and the cross-tabulation (analyze --crosstab) */
    struct questions *questions;
    struct xtab *xtab;
    /* progress (an_opts_t): NULL, or called every few thousand responses
     * with those read by this and earlier scans, and all the scans will
     * read */
    void (*progress)(void *ud, long done, long total);
    void *progress_ud;
    long done_before, total;
    /* the hand-over to the accumulating thread: batch_size 0 (default:
     * SCAN_BATCH_DEFAULT), or SCAN_BATCH_INLINE for none, set before
     * scan_run; the rest is scan_run's */
    size_t batch_size;
    scan_batch_t *batch[2];
    int cur;
    struct relay *relay;
    int relay_failed;
} scan_t;

/* Sets up a scan of form f into ngroups groups: by the select_one at
 * form position by_pos, or (by_pos < 0) by unit through unit_group
 * (units.id -> group index, -1; nunit_ids entries), which the scan takes
 * over.  light: scores per group and population only (a comparison
 * wave). */
void scan_init(scan_t *sc, const form_t *f, size_t ngroups, int by_pos, int *unit_group,
               size_t nunit_ids, int light);

/* The units' categories and parents (ucat, upar: unit id -> index
 * among ncat categories and npar parents, -1 for none; nids entries
 * each), which the scan takes over, and which grouping the analysis is
 * (SCAN_G_UNIT unless told).  Before scan_cross_init. */
void scan_unit_sets(scan_t *sc, scan_grouping_t grouping, int *ucat, size_t ncat, int *upar, size_t npar,
                    size_t nids);

/* Adds the cross-counts against every other grouping (by unit, unless
 * that is this one, by each other select_one question, and between
 * category and parent; scan.c says why not more); unit ids are below
 * nunit_ids.  Before scan_run. */
void scan_cross_init(scan_t *sc, size_t nunit_ids);

/* Reads form_id's responses in wave into the accumulators.  Returns 0,
 * or -1 with err. */
int scan_run(scan_t *sc, store_t *s, const char *form_id, int wave, err_t *err);

/* The cross-counts as suppress.h reads them (borrowed from sc). */
void scan_cross_view(const scan_t *sc, suppress_cross_t *x);

/* Dimension d's distinct scores ascending (*vals, *nv of them) and their
 * counts per group (*counts, ngroups + 1 rows of *nv, the last the
 * respondents in no group), both the caller's to free: the count table
 * stats_kruskal reads. */
void scan_kw_table(const scan_t *sc, size_t d, double **vals, size_t *nv, double **counts);

/* The comparison wave: sets up sc0 as a light scan grouped and
 * cross-counted as sc and reads form_id's responses in wave0 into it.
 * Returns 0, or -1 with err; sc0 is the caller's to scan_free either way. */
int scan_wave(scan_t *sc0, const scan_t *sc, store_t *s, const char *form_id, int wave0,
              err_t *err);

/* The dimensions of sc's form that a self-role form shares, into
 * sc->gapdim (replacing it): the staff's overall score for the gap rule
 * is the mean over these.  Before scan_run.  Returns 0, or -1 with err
 * (heap). */
int scan_self_dims(store_t *s, scan_t *sc, err_t *err);

/* The bonus and deduction points of the self-assessments (the `points`
 * column), summed over each unit's self responses: the caller's arrays,
 * zeroed. */
typedef struct {
    double *bonus, *deduction;   /* ngroups x ndims: positive contributions,
                                    and the negative ones as a positive sum */
    double *responses;           /* ngroups: self responses read */
    char *dims;                  /* ndims: 1 where a self form has point items */
} scan_points_t;

/* Self-assessment scores for the gaps: every self-role form sharing
 * dimension codes with tg's form, scored the same way, into self[group x
 * tg's dims] (by unit, through tg's unit_group), and each response's mean
 * over its scored shared dimensions into overall[group]; its points
 * into pts (NULL: not wanted): a "yes" to a yes/no item adds the item's
 * points, an integer answer that many times them; *nresp counts the
 * self-role responses read.  Returns 0, or -1 with err. */
int scan_self(store_t *s, int wave, const scan_t *tg, stats_acc_t *self, stats_acc_t *overall,
              scan_points_t *pts, long *nresp, err_t *err);

/* Careless screening flags a Mahalanobis D^2 whose chi-square p is
 * below this. */
#define SCAN_MAHA_ALPHA 0.001

/* Asks the scan (before scan_run) for the validity accumulators; the
 * outcome at form position outcome_pos for the key drivers; careless
 * screening with the Mahalanobis reference maha (taken over by the scan,
 * may be NULL), leaving the flagged respondents out of everything when
 * exclude is set. */
void scan_want_validity(scan_t *sc);
void scan_want_drivers(scan_t *sc, int outcome_pos);
void scan_want_screen(scan_t *sc, careless_maha_t *maha, int exclude);

/* The Mahalanobis reference of careless screening: mean and covariance of
 * the scored items as answered over the respondents of form_id in wave
 * who answered them all, in a pass of its own (the screen needs it before
 * it can judge the first respondent).  *out NULL when there is none (fewer
 * cases than items, or a singular covariance); *ncomplete the cases.
 * Returns 0, or -1 with *err (heap). */
int scan_maha_ref(store_t *s, const form_t *f, const char *form_id, int wave,
                  careless_maha_t **out, double *ncomplete, err_t *err);

/* Releases what scan_init and the scan allocated; a zeroed scan is fine. */
void scan_free(scan_t *sc);

#endif
