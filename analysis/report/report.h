/*
 * report: the written report of one analysis, in Chinese or English (the
 * language of the res_t).  A researcher should be able to paste its
 * sections into the next research report, so it is written as one: an
 * overview, the findings as sentences with their numbers, dimensions,
 * units, self-vs-staff gaps, wave-over-wave changes, staff comments and a
 * methods appendix in plain words.
 *
 * Like the plots it reads only the res_t.  Suppressed groups appear only
 * as a count: never their code, name, numbers or comments.
 */
#ifndef GS_REPORT_H
#define GS_REPORT_H

#include "analysis/report/plot.h"
#include "analysis/results.h"
#include "base/err.h"

/* Writes into dir (created if needed):
 *   report.html   one self-contained file: inline CSS and SVG pictures, A4
 *                 print styles, no scripts and nothing fetched from a network
 *   report.md     the same text; pictures linked as plots/NAME.png
 *   *.csv         the tables (render_csv: UTF-8 with BOM)
 *   plots/        with_plots: every plot of plot.h, with .gp and .dat
 * When the plots cannot be drawn (gnuplot missing or failing) the report is
 * still written without them and says why; plot_err (NULL: not wanted)
 * then holds that reason and the return is still 0.
 * Returns -1 with err when dir or a report file cannot be written. */
int report_write(const res_t *r, const char *dir, int with_plots, err_t *plot_err, err_t *err);
/* report_write telling fn (NULL: nobody) after each plot: the plots are
 * most of a report's time. */
int report_write_progress(const res_t *r, const char *dir, int with_plots, plot_progress_fn fn, void *arg,
                          err_t *plot_err, err_t *err);

/* The formats a report is written in (report.html, report.md,
 * report.docx); report_write gives the first two. */
#define REPORT_HTML 1u
#define REPORT_MD 2u
#define REPORT_DOCX 4u
#define REPORT_ALL (REPORT_HTML | REPORT_MD | REPORT_DOCX)

/* report_write_progress in the formats asked for; the CSV tables and
 * plots are written whatever they are. */
int report_write_formats(const res_t *r, const char *dir, unsigned formats, int with_plots, plot_progress_fn fn,
                         void *arg, err_t *plot_err, err_t *err);

#endif
