/*
 * validity.h -- is the questionnaire measuring the dimensions it claims?
 * Sampling adequacy, sphericity, eigenvalues, parallel analysis,
 * exploratory factor analysis (minres + oblimin) and a confirmatory factor
 * analysis of the form's own simple-structure model, each reproducing a
 * named R function (psych 2.2.9, GPArotation 2022.10-2, lavaan 0.6-14).
 *
 * Everything works from an item correlation or covariance matrix, never
 * from respondents, so the streaming scan (DESIGN.md section 5) only has to
 * fill one of two accumulators: val_pair_t (pairwise-complete co-moments,
 * psych's default for correlations) for KMO .. EFA, and stats_cov_t
 * (analysis/stats.h, complete cases) for the CFA.  Both are items^2 in
 * memory.  tests/r/validity_ref.R computes the reference values;
 * tests/unit/test_validity.c checks them.
 *
 * Matrices are row-major double arrays: element (i, j) of a p x q matrix is
 * a[i*q + j].  All pointer arguments are borrowed for the call; output
 * arrays belong to the caller and have the sizes stated.  Functions
 * returning int give VAL_OK or a negative val_status code, in which case
 * the outputs are NAN (or untouched where stated).  Nothing prints, exits
 * or keeps global state; GSL's error handler is switched off during each
 * call (not thread-safe, like analysis/stats.c).
 */
#ifndef GAPSURVEY_VALIDITY_H
#define GAPSURVEY_VALIDITY_H

#include <stddef.h>

#include "analysis/stats.h"

/* Results of the functions below; the caller turns them into messages. */
enum val_status {
    VAL_OK = 0,
    VAL_EARG = -1,      /* p too small, nfactors out of range, n too small  */
    VAL_ENOMEM = -2,
    VAL_ESINGULAR = -3, /* correlation/covariance matrix not positive definite */
    VAL_ENOCONV = -4,   /* an iterative fit did not converge                */
    VAL_EUNDEF = -5     /* a correlation is undefined (pair with n < 2 or an
                           item with zero variance among the pair's cases)  */
};

/* ------------------------------------------------------------------ */
/* Pairwise-complete co-moment accumulator                            */
/* ------------------------------------------------------------------ */

/* For every item pair (i <= j): the number of rows answering both and, over
 * those rows, the sums, sums of squares and the sum of cross-products
 * (shifted by each item's first observed value, which keeps integer answers
 * exact and the subtraction stable).  One pass, memory k(k+1)/2 * 48 bytes
 * plus O(k); this is exactly what R cor(x, use = "pairwise") needs. */
typedef struct val_pair val_pair_t;

/* val_pair_new: an empty accumulator for k >= 1 items (NULL if k == 0 or
 * out of memory), owned by the caller, who releases it with val_pair_free
 * (NULL does nothing).  val_pair_add adds one respondent, x[0..k-1] with
 * NAN where not answered. */
val_pair_t *val_pair_new(size_t k);
void val_pair_free(val_pair_t *a);
void val_pair_add(val_pair_t *a, const double *x);

/* The k x k correlation matrix into r[k*k], as R cor(x, use = "pairwise"):
 * each r_ij from the rows answering both, with those rows' own means and
 * standard deviations.  Returns VAL_EUNDEF (r_ij NAN for the undefined
 * pairs, the others filled) when some pair has fewer than 2 rows or zero
 * variance on them. */
int val_pair_cor(const val_pair_t *a, double *r);

/* The number of items k; the rows added (respondents, whatever they
 * answered: psych's n.obs when it is given the raw data); the rows
 * answering both i and j (i == j: the rows answering i). */
size_t val_pair_k(const val_pair_t *a);
double val_pair_rows(const val_pair_t *a);
double val_pair_count(const val_pair_t *a, size_t i, size_t j);

/* ------------------------------------------------------------------ */
/* Sampling adequacy, sphericity, eigenvalues                         */
/* ------------------------------------------------------------------ */

/* Kaiser-Meyer-Olkin measure, as psych::KMO(r): overall MSA and per item
 * MSAi (items[p]); from the anti-image correlations of r^-1.
 * VAL_ESINGULAR when r is not positive definite (psych falls back to r
 * itself with a message; a report should rather say it is singular). */
int val_kmo(const double *r, size_t p, double *overall, double *items);

/* Bartlett's test of sphericity, as psych::cortest.bartlett(r, n):
 * chisq = -log(det r) (n - 1 - (2p + 5)/6), df = p(p-1)/2, p upper tail. */
int val_bartlett(const double *r, size_t p, double n, double *chisq,
                 double *df, double *pval);

/* Eigenvalues of the symmetric matrix r, decreasing, into values[p]
 * (R eigen(r)$values). */
int val_eigen(const double *r, size_t p, double *values);

/* Squared multiple correlations 1 - 1/diag(r^-1) clamped to [0, 1], as
 * psych::smc(r), into smc[p]. */
int val_smc(const double *r, size_t p, double *smc);

/* ------------------------------------------------------------------ */
/* Exploratory factor analysis                                        */
/* ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ */
/* Horn's parallel analysis                                           */
/* ------------------------------------------------------------------ */

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
 * deviates: the same matrices in law, in O(p^2) per iteration whatever n.
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

/* ------------------------------------------------------------------ */
/* Confirmatory factor analysis                                       */
/* ------------------------------------------------------------------ */

/* lavaan::cfa(model, data, std.lv = FALSE) with default settings for a
 * simple-structure model: item i loads only on factor factor_of[i]
 * (0..m-1), the first item of each factor (in item order) has its loading
 * fixed to 1, factor variances and covariances and the residual variances
 * are free; maximum likelihood on complete cases with the covariance
 * divisor N, chisq = N F_ML. */
typedef struct {
    size_t p, m;
    double n;             /* complete cases                                */
    double chisq, df, pvalue;
    double baseline_chisq, baseline_df;
    double cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, srmr;
    double *loadings;     /* [p] unstandardised loading on its factor       */
    double *std_loadings; /* [p] std.all                                     */
    double *residual;     /* [p] residual variances theta                    */
    double *phi;          /* [m*m] factor covariances                        */
    double *std_phi;      /* [m*m] factor correlations                       */
    double *omega;        /* [m] composite reliability of the std solution   */
    double *ave;          /* [m] average variance extracted                  */
    int iterations;
} val_cfa_t;

int val_cfa_init(val_cfa_t *out, size_t p, size_t m);
void val_cfa_free(val_cfa_t *out);

/* cov: the p x p sample covariance of the complete cases with divisor n-1
 * (stats_cov_get, or val_cov_from_stats; converted to lavaan's divisor n
 * inside); n: the number of complete cases; factor_of[p]: each item's
 * factor.  out initialised by val_cfa_init(out, p, m).  VAL_EARG when a
 * factor has fewer than 2 items (not identified with a fixed marker
 * alone), p < 3 or n <= p; VAL_ESINGULAR when cov is not positive
 * definite; VAL_ENOCONV when the fit does not converge (no gradient below
 * 1e-8 in F units). */
int val_cfa(const double *cov, double n, const size_t *factor_of,
            val_cfa_t *out);

/* cov[k*k] = the covariance matrix of a complete-case accumulator (NAN
 * when it holds fewer than 2 cases). */
void val_cov_from_stats(const stats_cov_t *c, double *cov);

#endif /* GAPSURVEY_VALIDITY_H */
