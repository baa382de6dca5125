/*
 * efa.h -- exploratory factor analysis as psych::fa(r, nfactors,
 * fm = "minres", rotate = "oblimin") (psych 2.2.9, GPArotation
 * 2022.10-2), on a correlation matrix (val_pair_cor).  Conventions as in
 * analysis/validity.h.
 */
#ifndef GAPSURVEY_EFA_H
#define GAPSURVEY_EFA_H

#include <stddef.h>

#include "analysis/valstatus.h"

/* psych::fa(r, nfactors, fm = "minres", rotate = "oblimin") on a p x p
 * correlation matrix.  All arrays caller-owned. */
typedef struct {
    size_t p, nfactors;
    double *loadings;    /* [p*nfactors] rotated pattern, psych's order/sign */
    double *communality; /* [p] h2 = diag(L Phi L')                          */
    double *uniqueness;  /* [p] u2 = 1 - h2                                  */
    double *phi;         /* [nfactors^2] factor correlations (identity when
                            nfactors == 1)                                  */
    double *ss_loadings; /* [nfactors] diag(Phi L'L): psych Vaccounted row 1 */
    double *prop_var;    /* [nfactors] ss_loadings / p                       */
    double *values;      /* [p] eigenvalues of r with diag = h2 (fa $values) */
    int rotation_converged; /* GPFoblq reached eps 1e-5 within 1000 steps    */
} val_efa_t;

/* Allocate the arrays of out for p items and nf factors (all NAN); free
 * with val_efa_free.  VAL_ENOMEM on failure (out then holds no memory). */
int val_efa_init(val_efa_t *out, size_t p, size_t nf);
void val_efa_free(val_efa_t *out);

/* Fit: minres (psych fit.residuals / FAgr.minres: uniquenesses in
 * [0.005, 1], solved to a pseudo-gradient of 1e-10), psych's sign rule,
 * GPArotation::oblimin (gamma 0, Tmat = I, eps 1e-5, maxit 1000) for
 * nfactors > 1, then psych's signs and ordering by variance explained.
 * out must have been initialised with the same p and nfactors. */
int val_efa(const double *r, val_efa_t *out);

/* The eigenvalues fa.parallel calls fa.values: those of r with the
 * diagonal replaced by the communalities of a one-factor minres fit
 * (psych::fa(r, 1, rotate = "none")$values), into values[p]. */
int val_fa_values(const double *r, size_t p, double *values);

/* val_fa_values letting a fit stand whose pseudo-gradient stays below
 * `accept` without reaching 1e-12 (see minres() in efa.c): for
 * val_parallel on simulated noise matrices, where psych's own optimiser
 * stops just as loosely. */
int val_fa_values_accept(const double *r, size_t p, double accept,
                         double *values);

#endif /* GAPSURVEY_EFA_H */
