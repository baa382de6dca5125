/*
 * simulate: a synthetic but realistic city for trying gapsurvey out — staff
 * opinion responses and unit self-assessments to the two shipped
 * questionnaires, with known weak spots planted where the user asks, so
 * the analysis can be checked against the truth.  `simulate` and `demo`
 * both call sim_run(); the model is described at the top of simulate.c.
 *
 * The same options and seed give the same answers, value for value, on
 * every machine (only the submission date is today's).
 */
#ifndef GS_SIMULATE_H
#define GS_SIMULATE_H

#include <stddef.h>

#include "base/err.h"
#include "survey/store.h"

typedef struct {
    char unit[32];
    char dim[64];
    double delta;       /* in POMP points (0-100 scale); negative = weaker */
} sim_plant_t;

typedef struct {
    int units;          /* units to simulate (the first N by code), default 40 */
    int staff;          /* mean staff respondents per unit, default 30 */
    unsigned long seed; /* default 1 */
    const char *wave;   /* NULL: the newest open wave (made when there is none);
                           a name that does not exist yet is created */
    double missing;     /* share of Likert answers left blank, default 0.03 */
    double unit_effects; /* scale of the random unit effects, default 1; 0 makes
                           every unit alike but for plants (a null model for
                           testing the detector) */
    sim_plant_t *plants;
    size_t nplants;
    char **overclaim;   /* unit codes whose self-assessment is at the top of the scale */
    size_t noverclaim;
    int unbiased_self;  /* 1: each self-assessment is drawn like one more staff
                           member of its unit (a null model for the gap rule);
                           0 (default): a realistic small self-flattery */
    /* NULL, or called while responses are written: done of total (a
     * command draws a progress line with it; the library prints nothing) */
    void (*progress)(void *ud, long done, long total);
    void *progress_ud;
} sim_opts_t;

/* Fills *o with the defaults above (no plants, no overclaim). */
void sim_opts_init(sim_opts_t *o);

/* Parses "UNIT:DIM:DELTA[,UNIT:DIM:DELTA...]" (DELTA a number from -100 to
 * 100) and appends to *plants / *n (caller frees *plants).  Returns 0, or -1
 * with err naming the bad entry; *plants is unchanged then.  Whether
 * the unit and dimension exist is checked by sim_run(). */
int sim_parse_plants(const char *spec, sim_plant_t **plants, size_t *n, err_t *err);

/* Generates and stores everything: the shipped forms and the units when the
 * store lacks them, then every response in one transaction.  All options
 * are checked (plants and overclaim units must name simulated units and
 * dimensions of the staff form; the wave must not hold staff responses
 * yet) before anything is written.  Returns 0, or -1 with err and
 * no response stored.  Prints nothing. */
int sim_run(store_t *s, const sim_opts_t *o, long *staff_written, long *self_written,
            err_t *err);

#endif
