/*
 * sections: the parts of the written reports that come from the answers
 * question by question and from the self-assessment's points: the
 * bonus and deduction points against the staff's view, a
 * cross-tabulation, every question counted (an appendix), and a unit's
 * own points and item means for its feedback report.  Written with the
 * pieces of doc.h, so they reach HTML, Markdown and Word alike.
 *
 * Nothing here shows a hidden group: rows are shown groups (doc_shown),
 * and the counts of the res_t are already those that may be published.
 */
#ifndef GS_SECTIONS_H
#define GS_SECTIONS_H

#include <stddef.h>

#include "analysis/report/doc.h"

/* The section "Bonus and deduction points": a table of units x the
 * dimensions with point items, net (bonus - deduction), then the Spearman
 * correlations with the staff's scores.  Nothing when there are no
 * points. */
void sec_points(doc_t *d);

/* The cross-tabulation's section (r->crosstab), nothing without one. */
void sec_crosstab(doc_t *d);

/* Appendix n, "Questions": every question counted in compact tables. */
void sec_questions(doc_t *d, int n);

/* The findings of kind RES_F_POINTS_UNMATCHED marked in keep[] as a
 * table. */
void sec_points_findings(doc_t *d, const char *keep);

/* The methods of this file's parts, as items of the methods list. */
void sec_method_items(doc_t *d);

/* Feedback report: group g's points by dimension (its own row), nothing
 * when it has none. */
void sec_unit_points(doc_t *d, size_t g);

#endif
