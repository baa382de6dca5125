/*
 * plot: the figures of a report, drawn by gnuplot run as an external
 * program.  Every plot is written as NAME.dat (the numbers), NAME.gp (a
 * script that reads NAME.dat by a relative path and writes NAME.png and
 * NAME.svg itself) and the two pictures, so a researcher can restyle a
 * figure and re-draw it with `gnuplot NAME.gp` in the plot directory.
 *
 * Plots read only the res_t (results.h).  Suppressed groups have no cells
 * there and never appear in any plot, data file or script.
 */
#ifndef GS_PLOT_H
#define GS_PLOT_H

#include <stddef.h>

#include "analysis/results.h"
#include "base/err.h"

typedef enum {
    PLOT_HEATMAP,      /* groups x dimensions, weak cells marked */
    PLOT_MEANS,        /* dimension means with 95% CI */
    PLOT_FUNNEL,       /* one per dimension */
    PLOT_DUMBBELL,     /* self vs staff, one per dimension with gaps */
    PLOT_LIKERT,       /* diverging stacked bars, one per dimension */
    PLOT_RADAR,        /* one per flagged group (the PLOT_RADAR_MAX most notable), against the population */
    PLOT_CHANGE,       /* wave over wave, when compare_wave is set */
    PLOT_RESPONSE,     /* response rates, when any is known */
    PLOT_SCREE,        /* eigenvalues against parallel analysis (analyze --validity) */
    PLOT_PRIORITY      /* importance x mean score of the dimensions (analyze --drivers) */
} plot_kind_t;

typedef struct {
    plot_kind_t kind;
    char *base;        /* file base name in the plot directory, e.g. "funnel-planning" */
    char *title;       /* caption in the report language */
    long dim;          /* index into r->dims, -1 when the plot is not per dimension */
    long group;        /* index into r->groups, -1 when not per group */
} plot_t;

/* Bounds that keep a report readable (and drawable: Cairo refuses a
 * picture over 32,767 pixels) at province scale, 2,000 units.  Above them
 * the plot shows a selection, says so in its title, and the full numbers
 * stay in the tables and groups.csv. */
/* The print PNG (NAME.print.png, for the Word document) has this many
 * times the pixels of NAME.png a side, the fonts and lines scaled with
 * them: NAME.png set at 128 pixels an inch, the print one gives 320 dpi. */
#define PLOT_PRINT_SCALE 2.5

#define PLOT_ROWS_MAX 50      /* rows of the heatmap and the response-rate bars */
#define PLOT_RADAR_MAX 12     /* radar plots: the most notable flagged groups */
#define PLOT_GAP_ROWS_MAX 40  /* rows of a dumbbell plot: the largest gaps */
#define PLOT_FUNNEL_LABELS 12 /* names in a funnel plot: the farthest points */
#define PLOT_FUNNEL_MIN_GROUPS 2 /* a funnel plot compares groups: no plot below this */
#define PLOT_PRIORITY_UNITS_MAX 12 /* units' own priority matrices: those with the most respondents */

/* The shown groups (not suppressed, with cells) ranked by how notable
 * they are: the largest shortfall first, the shortfall being the sum of
 * the differences from all other respondents over the group's weak cells
 * (a group with one deep weakness can come before one with three slight
 * ones); groups without a weak cell after, by their mean difference over
 * the dimensions, lowest first; then by index.  Writes at most
 * max indexes into r->groups to out and returns how many; *nflagged (when
 * not NULL) gets the number of shown groups with at least one weak cell.
 * The heatmap shows the first PLOT_ROWS_MAX, the radar plots the first
 * PLOT_RADAR_MAX flagged ones; the report names the same selection. */
size_t plot_notable(const res_t *r, size_t *out, size_t max, size_t *nflagged);

/* The shown groups whose own key drivers were fitted (analyze --drivers,
 * enough respondents), most respondents in the fit first, then by index.
 * Writes at most max indexes into r->groups to out and returns how many;
 * *nfitted (when not NULL) gets the number of such groups.  The report
 * draws a priority matrix (priority-CODE) for the first
 * PLOT_PRIORITY_UNITS_MAX of them. */
size_t plot_priority_units(const res_t *r, size_t *out, size_t max, size_t *nfitted);
/* Whether group g is one of those (shown, its drivers fitted). */
int plot_has_unit_priority(const res_t *r, size_t g);

/* Told after each plot, so a command can show progress: done of total
 * plots, the figure just drawn (or skipped).  NULL: nothing is told. */
typedef void (*plot_progress_fn)(void *arg, size_t done, size_t total);

/* The gnuplot program run; "gnuplot" (found on PATH) unless the
 * environment sets GAPSURVEY_GNUPLOT (tests use it to simulate a missing
 * or failing gnuplot). */
const char *plot_gnuplot(void);

/* Writes every plot the results call for into dir (created if needed;
 * the .gp, .dat, .png and .svg files of an earlier run are removed first,
 * so no plot of a group that is now suppressed stays behind) and runs
 * gnuplot on each script with dir as its working directory.
 * *plots (caller frees with plot_list_free) lists the plots whose PNG and
 * SVG were drawn.  Returns 0; or -1 with err when dir cannot be
 * written or gnuplot is missing or fails — the message names the package
 * to install — and *plots then holds the plots drawn before the failure. */
int plot_all(const res_t *r, const char *dir, plot_t **plots, size_t *nplots, err_t *err);
/* plot_all telling progress to fn (may be NULL). */
int plot_all_progress(const res_t *r, const char *dir, plot_progress_fn fn, void *arg, plot_t **plots,
                      size_t *nplots, err_t *err);
/* The priority matrix of group g alone (priority-CODE, as plot_all draws
 * it), for the unit's feedback report: writes into dir (created if
 * needed) and removes nothing else there.  *plots (caller frees with
 * plot_list_free) gets it, or nothing when g's drivers were not fitted.
 * Returns 0, or -1 with err as plot_all. */
int plot_unit_priority(const res_t *r, size_t g, const char *dir, plot_t **plots, size_t *nplots, err_t *err);
void plot_list_free(plot_t *plots, size_t n);   /* NULL is fine */

/* Removes the .gp, .dat, .png and .svg files from dir (a missing dir is
 * fine).  Returns 0, or -1 with err. */
int plot_clear(const char *dir, err_t *err);

#endif
