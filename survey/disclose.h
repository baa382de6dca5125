/*
 * disclose: the small-group rule of disclosure control (DESIGN.md section
 * 5, "Anonymity"), as one pure function on group sizes.  It lives in
 * survey/ so that everything that publishes counts per group applies the
 * same rule: the analysis (analysis/suppress.c calls it suppress_small and
 * adds its differencing defence across groupings) and the survey console
 * of `serve` (survey/web/console.c), which may not depend on the analysis.
 *
 * Ownership: n is borrowed; hidden[] is the caller's, read and written in
 * place.
 */
#ifndef GS_DISCLOSE_H
#define GS_DISCLOSE_H

#include <stddef.h>

/* The analysis' default min_n (its --min-n). */
#define DISCLOSE_MIN_N 5

/* The min_n rule and its complement.  Groups with 1..min_n-1 respondents
 * are hidden; if the hidden groups and the respondents in no group
 * together hold fewer than min_n, the next smallest group is hidden too,
 * and so is it when exactly one group is hidden and everyone is in a
 * group (the total minus the shown groups would be that group).
 *
 * n[g]: respondents of group g (0: an absent group, never hidden);
 * total: all respondents, those in no group included; hidden[g] on entry
 * marks groups already hidden (by the caller's own rules), on return every
 * hidden group.  Returns the number of hidden groups. */
size_t disclose_small(const long *n, size_t ngroups, long total, long min_n, char *hidden);

#endif
