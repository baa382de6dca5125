/*
 * quality: the three optional parts of an analysis that look past the
 * scores, filled into the res_t from the accumulators of the streaming
 * scan (scan.h): measurement quality (is the form measuring its
 * dimensions? res_t.validity: KMO, Bartlett, eigenvalues, parallel
 * analysis, minres + oblimin EFA, the CFA of the form's own model), key
 * drivers (which dimension matters most for the form's outcome?
 * res_t.drivers, with the priority matrix) and careless-answer screening
 * (res_t.careless).  The engines are validity.h, efa.h, parallel.h,
 * cfa.h, drivers.h and careless.h; this module only feeds them and keeps
 * what they give, with a warning (res_warn) wherever a step cannot be
 * computed.  Nothing here reads the store or words anything.
 */
#ifndef GS_QUALITY_H
#define GS_QUALITY_H

#include "analysis/results.h"
#include "analysis/scan.h"

/* r->validity from sc's validity accumulators (scan_want_validity):
 * EFA with nfactors factors (0: the dimensions with items), parallel
 * analysis from iterations simulated data sets drawn with seed.  Needs
 * r->dims. */
void quality_validity(res_t *r, const scan_t *sc, size_t nfactors, size_t iterations, unsigned long seed);

/* r->drivers from sc's driver co-moments (scan_want_drivers), in all and
 * per shown group with at least RES_DRV_PER_PREDICTOR respondents per
 * predictor; performance is the dimension means already in r (dims and
 * cells), so after the cells are computed.  outcome and label name the
 * outcome question. */
void quality_drivers(res_t *r, const scan_t *sc, const char *outcome, const char *label);

/* r->careless and each shown group's flagged count from sc's screen
 * (scan_want_screen). */
void quality_careless(res_t *r, const scan_t *sc);

#endif
