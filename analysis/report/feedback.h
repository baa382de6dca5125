/*
 * feedback: a report for one unit, to send to that unit (`report --unit`,
 * `--each-unit`): its scores against the whole city (its rank among the
 * units shown, the city mean and CI), its weak dimensions, its
 * self-assessment against its staff's view, its change since the last
 * wave and its staff's comments.  It names no other unit: no other code or
 * name appears, and a comment that mentions one is left out.  A unit
 * hidden by the minimum group size gets a one-page notice with no numbers.
 *
 * Reads only the res_t, like every renderer.
 */
#ifndef GS_FEEDBACK_H
#define GS_FEEDBACK_H

#include <stddef.h>

#include "analysis/results.h"
#include "base/err.h"

/* Writes the report of the group with code `code` into dir (created if
 * needed) as CODE.html, CODE.docx and CODE.md, as formats asks
 * (REPORT_HTML, REPORT_DOCX, REPORT_MD of report.h); with_plots: a unit
 * with key drivers of its own gets its priority matrix, drawn into
 * dir/plots (plot_unit_priority).  *path (heap, when
 * path is not NULL) gets the first file written.  Returns 0, 1 when no
 * group has that code (with err), or -1 with err when a file
 * cannot be written. */
int feedback_write(const res_t *r, const char *code, const char *dir, unsigned formats, int with_plots, char **path,
                   err_t *err);

/* feedback_write for every group, suppressed ones included (they get the
 * notice); *n (when not NULL) gets the number of groups written.  Returns
 * 0, or -1 with err. */
int feedback_write_all(const res_t *r, const char *dir, unsigned formats, int with_plots, size_t *n, err_t *err);

#endif
