/*
 * cfa.h -- confirmatory factor analysis of the form's own
 * simple-structure model as lavaan::cfa(model, data, std.lv = FALSE)
 * (lavaan 0.6-14), from the complete-case covariance matrix
 * (val_cov_from_stats).  Conventions as in analysis/validity.h.
 */
#ifndef GAPSURVEY_CFA_H
#define GAPSURVEY_CFA_H

#include <stddef.h>

#include "analysis/valstatus.h"

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

#endif /* GAPSURVEY_CFA_H */
