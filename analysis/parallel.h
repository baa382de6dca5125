/*
 * parallel.h -- Horn's parallel analysis as psych::fa.parallel(x,
 * fa = "both") (psych 2.2.9) with simulated normal data, from the
 * correlation matrix and n.  Conventions as in analysis/validity.h.
 */
#ifndef GAPSURVEY_PARALLEL_H
#define GAPSURVEY_PARALLEL_H

#include <stddef.h>

#include "analysis/valstatus.h"

/* As psych::fa.parallel(x, fa = "both") with its simulated-normal-data
 * branch: pc_obs/fa_obs are the observed eigenvalues (val_eigen and
 * val_fa_values), pc_sim95/fa_sim95 the 95th percentiles (R quantile type
 * 7) over `iterations` correlation matrices of n independent normal
 * variables, and nfactors/ncomponents psych's rule: the number of leading
 * observed values greater than their simulated percentile.
 *
 * The simulated correlation matrices are drawn from their exact
 * distribution, the Wishart W_p(n-1, I) of (n-1) times the sample
 * covariance (Bartlett decomposition), instead of generating n x p normal
 * deviates: the same matrices in law, in O(p^3) per iteration whatever n.
 * Random numbers: GSL's MT19937 seeded with `seed`, so a run is
 * reproducible, but R's stream is not reproduced: percentiles agree with
 * R's within simulation error. */
typedef struct {
    size_t p, iterations;
    unsigned long seed;
    double *pc_obs, *fa_obs;     /* [p] */
    double *pc_sim95, *fa_sim95; /* [p] */
    double *pc_sim_mean, *fa_sim_mean; /* [p] means of the simulated values */
    int nfactors, ncomponents;
} val_parallel_t;

int val_parallel_init(val_parallel_t *out, size_t p);
void val_parallel_free(val_parallel_t *out);

/* n: the number of respondents (psych uses the rows of the data, missing
 * answers included: val_pair_rows).  Needs n > p. */
int val_parallel(const double *r, double n, size_t iterations,
                 unsigned long seed, val_parallel_t *out);

#endif /* GAPSURVEY_PARALLEL_H */
