/*
 * valstatus.h -- the status codes of the measurement-quality modules
 * (validity, efa, parallel, cfa and their helpers in valmat): 0 or one of
 * these negative values; the caller (cmd or report code) turns them into
 * messages.  A header of its own so that every one of those modules can
 * return them without depending on another.
 */
#ifndef GAPSURVEY_VALSTATUS_H
#define GAPSURVEY_VALSTATUS_H

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

#endif /* GAPSURVEY_VALSTATUS_H */
