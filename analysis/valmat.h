/*
 * valmat.h -- the few dense-matrix operations the validity modules
 * (validity.c, efa.c, cfa.c) and drivers.c share, on row-major double
 * arrays, done with GSL.  Internal to analysis/: not part of any public
 * interface.  Callers switch GSL's error handler off around them (a GSL
 * failure then comes back as a status, never an abort).
 */
#ifndef GAPSURVEY_VALMAT_H
#define GAPSURVEY_VALMAT_H

#include <stddef.h>

#include "analysis/valstatus.h"

/* A new array of n doubles, all NAN; the caller frees it.  NULL on
 * failure or n == 0. */
double *vm_nan_array(size_t n);

/* One allocation of NAN-filled doubles carved into `count` arrays: *ptrs[i]
 * gets sizes[i] doubles, the first one at the start of the block, so
 * free(*ptrs[0]) releases them all.  VAL_ENOMEM (every pointer NULL) on
 * failure.  Keeps the many result and scratch arrays of the validity
 * modules to one malloc and one free each. */
int vm_carve(double **const *ptrs, const size_t *sizes, size_t count);

/* Cholesky of the symmetric positive definite p x p matrix a (a itself is
 * not changed): its inverse into inv[p*p] (may be NULL) and log(det a) into
 * *logdet (may be NULL).  VAL_ESINGULAR when a is not positive definite or
 * holds a NAN, VAL_ENOMEM. */
int vm_spd_inverse(const double *a, size_t p, double *inv, double *logdet);

/* Eigen decomposition of the symmetric p x p matrix a: eigenvalues
 * decreasing into values[p]; vectors[p*p] (may be NULL) gets the
 * eigenvectors as columns (vectors[i*p + k] = element i of vector k). */
int vm_eigen(const double *a, size_t p, double *values, double *vectors);

/* In place: the covariance matrix a becomes the correlation matrix
 * a_ij / sqrt(a_ii a_jj), diagonal exactly 1 (R cov2cor). */
void vm_cov2cor(double *a, size_t p);

/* Solve a x = b for the p x p matrix a (general, LU with pivoting) with
 * nrhs right-hand sides: b[p*nrhs] is overwritten by x.  VAL_ESINGULAR,
 * VAL_ENOMEM. */
int vm_solve(const double *a, size_t p, double *b, size_t nrhs);

/* c[n*m] = a[n*k] b[k*m], or with a transposed (ta: a is k x n) or b
 * transposed (tb: b is m x k).  c must not alias a or b. */
void vm_mul(const double *a, int ta, const double *b, int tb, double *c,
            size_t n, size_t k, size_t m);

#endif /* GAPSURVEY_VALMAT_H */
