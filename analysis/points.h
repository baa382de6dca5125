/*
 * points: the self-assessment's bonus and deduction points (加分/扣分,
 * the `points` column) per unit and dimension, and whether they agree
 * with what the staff report: Spearman's rho across the shown units
 * between net points and the staff mean, per dimension.  Points are
 * never mixed into the 0-100 scores.
 */
#ifndef GS_POINTS_H
#define GS_POINTS_H

#include "analysis/results.h"
#include "analysis/scan.h"

/* r->points and r->points_vs_staff from the points scan_self summed (pts,
 * r->ngroups x r->ndims) and the shown groups' cells: a unit's points
 * are the mean over its self responses; only shown units, only
 * dimensions where a self form has point items. */
void points_build(res_t *r, const scan_points_t *pts);

#endif
