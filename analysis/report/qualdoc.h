/*
 * qualdoc: the report's parts on measurement quality, key drivers and
 * careless answers (analyze --validity, --drivers, --screen), written
 * with the doc.h pieces so they reach HTML, Markdown and Word alike.
 * report.c calls them where they belong; each says nothing when its part
 * of the res_t is absent.
 */
#ifndef GS_QUALDOC_H
#define GS_QUALDOC_H

#include "analysis/report/doc.h"

/* The overview's paragraph on respondents left out as careless. */
void qualdoc_overview(doc_t *d);

/* The section "Where to act first": the key drivers of the outcome, the
 * priority matrix, and the units that have one of their own. */
void qualdoc_priorities(doc_t *d);
/* The same for group g alone, in its feedback report: its own priorities
 * and matrix (the plot in d->plots, when drawn), or why it has none;
 * nothing without analyze --drivers or a fit of all respondents. */
void qualdoc_unit_priorities(doc_t *d, size_t g);

/* The section "Measurement quality": sampling adequacy, the number of
 * factors, the EFA loadings, the CFA's fit, omega and AVE per dimension,
 * and the careless-answer screen. */
void qualdoc_measurement(doc_t *d);

/* The methods appendix's items on these analyses, inside its open list. */
void qualdoc_methods(doc_t *d);

#endif
