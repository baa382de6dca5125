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
 *   priority        share (of R^2, LMG), mean, rank (of importance),
 *                   predictors, r2; group -1: a dimension in the
 *                   important-but-low quadrant of the priority matrix
 *   factor_count    factors (parallel analysis), dimensions; dim -1
 *   cross_loading   item, other_dim (the dimension of the other factor),
 *                   loading (on its own dimension's factor), other_loading
 *   low_loading     item, loading (on its dimension's factor)
 *   poor_fit        cfi, tli, rmsea, srmr (the CFA); dim -1
 *   low_ave         ave, omega: a dimension whose items do not converge
 * item is an index into res_t.validity->items, other_dim into dims[].
 *   points_unmatched  net (the unit's net points on the dimension), net_q3
 *                   (the units' upper quartile), mean, diff, q (its staff's
 *                   score, weak by the weak-unit test), units
 */
#ifndef GS_FINDINGS_H
#define GS_FINDINGS_H

#include "analysis/results.h"

/* The thresholds of the measurement findings: an item loads on its own
 * dimension's factor at least FINDINGS_LOADING_MIN, and not more on
 * another's when that one reaches FINDINGS_CROSS_MIN; the CFA's CFI at
 * least FINDINGS_CFI_MIN; a dimension's AVE at least FINDINGS_AVE_MIN,
 * or else its composite reliability (omega) at least FINDINGS_OMEGA_MIN,
 * which Fornell & Larcker (1981) accept as adequate convergence (Hair et
 * al.). */
#define FINDINGS_LOADING_MIN 0.40
#define FINDINGS_CROSS_MIN 0.30
#define FINDINGS_CFI_MIN 0.90
#define FINDINGS_AVE_MIN 0.50
#define FINDINGS_OMEGA_MIN 0.60

/* Appends r's findings from the flags and numbers already in r: weak
 * dimensions, weak cells, self-vs-staff gaps (units with the largest gap
 * first), points in the top quarter against a weak staff score,
 * unreliable dimensions, low response, changes, first priorities
 * (most important first), then measurement quality.  Nothing of a
 * suppressed group.  Fills r->silent and r->unrated (results.h). */
void findings_build(res_t *r);

/* The value of f named key, NAN when f has none. */
double findings_value(const res_finding_t *f, const char *key);

#endif
