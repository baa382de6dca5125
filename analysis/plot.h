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

#include "results.h"

typedef enum {
    PLOT_HEATMAP,      /* groups x dimensions, weak cells marked */
    PLOT_MEANS,        /* dimension means with 95% CI */
    PLOT_FUNNEL,       /* one per dimension */
    PLOT_DUMBBELL,     /* self vs staff, one per dimension with gaps */
    PLOT_LIKERT,       /* diverging stacked bars, one per dimension */
    PLOT_RADAR,        /* one per flagged group, against the population */
    PLOT_CHANGE,       /* wave over wave, when compare_wave is set */
    PLOT_RESPONSE      /* response rates, when any is known */
} plot_kind_t;

typedef struct {
    plot_kind_t kind;
    char *base;        /* file base name in the plot directory, e.g. "funnel-planning" */
    char *title;       /* caption in the report language */
    long dim;          /* index into r->dims, -1 when the plot is not per dimension */
    long group;        /* index into r->groups, -1 when not per group */
} plot_t;

/* The gnuplot program run; "gnuplot" (found on PATH) unless the
 * environment sets GAPSURVEY_GNUPLOT (tests use it to simulate a missing
 * or failing gnuplot). */
const char *plot_gnuplot(void);

/* Writes every plot the results call for into dir (created if needed;
 * the .gp, .dat, .png and .svg files of an earlier run are removed first,
 * so no plot of a group that is now suppressed stays behind) and runs
 * gnuplot on each script with dir as its working directory.
 * *plots (caller frees with plot_list_free) lists the plots whose PNG and
 * SVG were drawn.  Returns 0; or -1 with *err (heap) when dir cannot be
 * written or gnuplot is missing or fails — the message names the package
 * to install — and *plots then holds the plots drawn before the failure. */
int plot_all(const res_t *r, const char *dir, plot_t **plots, size_t *nplots, char **err);
void plot_list_free(plot_t *plots, size_t n);   /* NULL is fine */

/* Removes the .gp, .dat, .png and .svg files from dir (a missing dir is
 * fine).  Returns 0, or -1 with *err. */
int plot_clear(const char *dir, char **err);

#endif
