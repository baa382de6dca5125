/*
 * findings: which findings an analysis has, as data (res_finding_t in
 * results.h).  The engine decides which exist and with which numbers; the
 * sentences are the renderers' (render_finding, analysis/report/render.h).
 *
 * The values of each kind, by key, in this order:
 *   weak_dimension  mean, deviation (from the same respondents' other
 *                   dimensions), t, q, rank; group -1
 *   weak_unit       mean, n, diff (from all other respondents), t, q
 *   overclaim,      dimensions (how many are flagged), gap (the largest in
 *   underclaim      size, signed); dim -1: each flagged dimension's numbers
 *                   are the res_gap_t entries of the group with that flag
 *   unreliable      alpha, ci_low, ci_high; group -1
 *   low_response    n (at least 1), rate, and the base of the rate: invited
 *                   (codes issued) or else headcount; dim -1
 *   improved,       mean0 (the earlier wave), mean, diff, q; group -1 for
 *   declined        all respondents
 *   points_unmatched  net (the unit's net points on the dimension), net_q3
 *                   (the units' upper quartile), mean, diff, q (its staff's
 *                   score, weak by the weak-unit test), units
 */
#ifndef GS_FINDINGS_H
#define GS_FINDINGS_H

#include "analysis/results.h"

/* Appends r's findings from the flags and numbers already in r: weak
 * dimensions, weak cells, self-vs-staff gaps (units with the largest gap
 * first), points in the top quarter against a weak staff score,
 * unreliable dimensions, low response, changes.  Nothing of a
 * suppressed group.  Fills r->silent and r->unrated (results.h). */
void findings_build(res_t *r);

/* The value of f named key, NAN when f has none. */
double findings_value(const res_finding_t *f, const char *key);

#endif
