/*
 * valmat.c -- dense-matrix helpers shared by validity.c, efa.c, cfa.c and
 * drivers.c: GSL's Cholesky, LU, symmetric eigen solver and dgemm behind
 * row-major double arrays, so the statistical code reads like the R it
 * reproduces.  Ownership: every function works on caller-owned arrays and
 * frees whatever scratch it allocates before returning.
 */
#include "analysis/valmat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>

double *vm_nan_array(size_t n)
{
    if (n == 0)
        return NULL;
    double *a = malloc(n * sizeof *a);
    if (a)
        for (size_t i = 0; i < n; i++)
            a[i] = NAN;
    return a;
}

int vm_carve(double **const *ptrs, const size_t *sizes, size_t count)
{
    size_t total = 0;
    for (size_t i = 0; i < count; i++)
        total += sizes[i];
    double *block = vm_nan_array(total);
    for (size_t i = 0, at = 0; i < count; at += sizes[i], i++)
        *ptrs[i] = block ? block + at : NULL;
    return block ? VAL_OK : VAL_ENOMEM;
}

int vm_spd_inverse(const double *a, size_t p, double *inv, double *logdet)
{
    for (size_t i = 0; i < p * p; i++)
        if (!isfinite(a[i]))
            return VAL_ESINGULAR;
    gsl_matrix *m = gsl_matrix_alloc(p, p);
    if (!m)
        return VAL_ENOMEM;
    memcpy(m->data, a, p * p * sizeof *a);
    int rc = VAL_OK;
    if (gsl_linalg_cholesky_decomp1(m) != GSL_SUCCESS) {
        rc = VAL_ESINGULAR;
        goto done;
    }
    if (logdet) {
        double s = 0;
        for (size_t i = 0; i < p; i++)
            s += log(gsl_matrix_get(m, i, i));
        *logdet = 2 * s;
    }
    if (inv) {
        if (gsl_linalg_cholesky_invert(m) != GSL_SUCCESS) {
            rc = VAL_ESINGULAR;
            goto done;
        }
        memcpy(inv, m->data, p * p * sizeof *inv);
    }
done:
    gsl_matrix_free(m);
    return rc;
}

int vm_eigen(const double *a, size_t p, double *values, double *vectors)
{
    for (size_t i = 0; i < p * p; i++)
        if (!isfinite(a[i]))
            return VAL_EUNDEF;
    int rc = VAL_ENOMEM;
    gsl_matrix *m = gsl_matrix_alloc(p, p);
    gsl_matrix *v = gsl_matrix_alloc(p, p);
    gsl_vector *e = gsl_vector_alloc(p);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(p);
    if (!m || !v || !e || !w)
        goto done;
    memcpy(m->data, a, p * p * sizeof *a);
    if (gsl_eigen_symmv(m, e, v, w) != GSL_SUCCESS) {
        rc = VAL_ENOCONV;
        goto done;
    }
    gsl_eigen_symmv_sort(e, v, GSL_EIGEN_SORT_VAL_DESC);
    for (size_t i = 0; i < p; i++)
        values[i] = gsl_vector_get(e, i);
    if (vectors)
        memcpy(vectors, v->data, p * p * sizeof *vectors);
    rc = VAL_OK;
done:
    gsl_eigen_symmv_free(w);
    gsl_vector_free(e);
    gsl_matrix_free(v);
    gsl_matrix_free(m);
    return rc;
}

void vm_cov2cor(double *a, size_t p)
{
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            if (i != j)
                a[i * p + j] /= sqrt(a[i * p + i] * a[j * p + j]);
    for (size_t i = 0; i < p; i++)
        a[i * p + i] = 1.0;
}

int vm_solve(const double *a, size_t p, double *b, size_t nrhs)
{
    int rc = VAL_ENOMEM, sign;
    gsl_matrix *m = gsl_matrix_alloc(p, p);
    gsl_permutation *perm = gsl_permutation_alloc(p);
    gsl_vector *x = gsl_vector_alloc(p);
    if (!m || !perm || !x)
        goto done;
    memcpy(m->data, a, p * p * sizeof *a);
    rc = VAL_ESINGULAR;
    if (gsl_linalg_LU_decomp(m, perm, &sign) != GSL_SUCCESS)
        goto done;
    for (size_t i = 0; i < p; i++)
        if (!(fabs(gsl_matrix_get(m, i, i)) > 0))
            goto done;
    for (size_t c = 0; c < nrhs; c++) {
        for (size_t i = 0; i < p; i++)
            gsl_vector_set(x, i, b[i * nrhs + c]);
        if (gsl_linalg_LU_svx(m, perm, x) != GSL_SUCCESS)
            goto done;
        for (size_t i = 0; i < p; i++)
            b[i * nrhs + c] = gsl_vector_get(x, i);
    }
    rc = VAL_OK;
done:
    gsl_vector_free(x);
    gsl_permutation_free(perm);
    gsl_matrix_free(m);
    return rc;
}

void vm_mul(const double *a, int ta, const double *b, int tb, double *c,
            size_t n, size_t k, size_t m)
{
    gsl_matrix_const_view av = ta ? gsl_matrix_const_view_array(a, k, n)
                                  : gsl_matrix_const_view_array(a, n, k);
    gsl_matrix_const_view bv = tb ? gsl_matrix_const_view_array(b, m, k)
                                  : gsl_matrix_const_view_array(b, k, m);
    gsl_matrix_view cv = gsl_matrix_view_array(c, n, m);
    gsl_blas_dgemm(ta ? CblasTrans : CblasNoTrans,
                   tb ? CblasTrans : CblasNoTrans, 1.0, &av.matrix,
                   &bv.matrix, 0.0, &cv.matrix);
}
