/*
 * efa.c -- exploratory factor analysis as psych::fa(r, nfactors,
 * fm = "minres", rotate = "oblimin") computes it (psych 2.2.9 fa.R and
 * fac.R, GPArotation 2022.10-2 GPFoblq.R and vgQ.oblimin), on a correlation
 * matrix:
 *
 *  1. minres: psych minimises the off-diagonal residuals (fit.residuals)
 *     with optim L-BFGS-B over the uniquenesses psi in [0.005, 1], using as
 *     gradient FAgr.minres g = diag(L L') + psi - 1, L the first nfactors
 *     eigenvectors of R - diag(psi) scaled by the root of their eigenvalues
 *     (FAout.wls).  Its optimum is the point where g vanishes on the free
 *     uniquenesses.  We first follow psych's path (descent on its objective
 *     along -g inside its box, which decides between several stationary
 *     points, e.g. a Heywood case at the bound), then solve g = 0 by
 *     Newton's method with the analytic Jacobian (first-order eigenvector
 *     perturbation), bounds handled as L-BFGS-B's projected gradient does,
 *     falling back to the principal-axis step psi -= g when a Newton step
 *     does not reduce |g|.  This lands where L-BFGS-B heads, more tightly
 *     than its factr = 1e7 stopping rule, so R's values differ from ours by
 *     its tolerance only (about 1e-5 on the loadings).
 *  2. psych's signs: columns with negative sums are flipped.
 *  3. GPArotation::oblimin(L) (gamma 0 = quartimin, Tmat = I, eps 1e-5,
 *     maxit 1000, no normalisation): the gradient projection algorithm of
 *     GPFoblq replayed step by step, so the same local optimum is reached
 *     by the same path.
 *  4. psych's signs again, then factors ordered by diag(Phi L'L).
 */
#include "analysis/efa.h"
#include "analysis/validity.h"
#include "analysis/valmat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#define PSI_LO 0.005 /* psych fit(): optim lower bound            */
#define G_TOL 1e-12  /* pseudo-gradient at which minres stops     */
#define MINRES_MAXIT 500
#define DESCENT_TOL 1e-4 /* |g| where the descent hands over to Newton */

/* Scratch of the minres solver, all [p*p] or [p]; owned by minres(). */
typedef struct {
    size_t p, nf;
    double *a, *vec, *val, *jac, *g, *gt, *psit, *d;
} mr_work_t;

/* g = diag(L L') + psi - 1 at psi; with vec/val left holding the eigen
 * decomposition of R - diag(psi) (diag 1 - psi).  Returns max |g_i| over
 * all i, or NAN on failure. */
static double mr_grad(const double *r, const double *psi, mr_work_t *w,
                      double *g)
{
    size_t p = w->p;
    memcpy(w->a, r, p * p * sizeof *w->a);
    for (size_t i = 0; i < p; i++)
        w->a[i * p + i] = 1.0 - psi[i];
    if (vm_eigen(w->a, p, w->val, w->vec) != VAL_OK)
        return NAN;
    double gmax = 0;
    for (size_t i = 0; i < p; i++) {
        double m = 0;
        for (size_t k = 0; k < w->nf; k++) {
            double lam = w->val[k] > 0 ? w->val[k] : 0;
            m += lam * w->vec[i * p + k] * w->vec[i * p + k];
        }
        g[i] = m + psi[i] - 1.0;
        if (fabs(g[i]) > gmax)
            gmax = fabs(g[i]);
    }
    return gmax;
}

/* psych's objective fit.residuals at the decomposition left in w by
 * mr_grad: the sum of squared residuals below the diagonal. */
static double mr_fit(const double *r, const mr_work_t *w)
{
    size_t p = w->p;
    double f = 0;
    for (size_t i = 1; i < p; i++)
        for (size_t j = 0; j < i; j++) {
            double m = 0;
            for (size_t k = 0; k < w->nf; k++)
                if (w->val[k] > 0)
                    m += w->val[k] * w->vec[i * p + k] * w->vec[j * p + k];
            f += (r[i * p + j] - m) * (r[i * p + j] - m);
        }
    return f;
}

/* The uniquenesses L-BFGS-B would leave alone: at a bound with the
 * gradient pushing outwards.  psych's upper bound max(smc, 1) = 1 never
 * binds at a solution: g_i = M_ii + psi_i - 1 >= 0 at psi_i = 1 (M_ii is a
 * sum of squares), so the projected gradient there points inwards, and
 * g_i = 0 means psi_i = 1 - M_ii <= 1.  Iterates may therefore pass above
 * 1 on their way (clamping them there stalls Newton on near-singular
 * matrices, as in parallel analysis); only the lower bound is enforced. */
static int mr_pinned(double psi, double g)
{
    return psi <= PSI_LO && g > 0;
}

/* max |g_i| over the free uniquenesses (psych's projected gradient). */
static double mr_norm(const double *psi, const double *g, size_t p)
{
    double m = 0;
    for (size_t i = 0; i < p; i++)
        if (!mr_pinned(psi[i], g[i]) && fabs(g[i]) > m)
            m = fabs(g[i]);
    return m;
}

static double clamp_psi(double x)
{
    return x < PSI_LO ? PSI_LO : x;
}

/* Jacobian of g at the decomposition in w (vec, val), rows and columns of
 * the pinned uniquenesses replaced by identity.  With A = R - diag(psi),
 * dA/dpsi_j = -e_j e_j', and M = sum_{k<nf} lam_k v_k v_k':
 *   dM_ii/dpsi_j = -P_ij^2 - 2 sum_{k<nf} lam_k v_ik v_jk
 *                               sum_{l>=nf} v_il v_jl / (lam_k - lam_l)
 * (P the projector on the retained vectors; pairs within the retained set
 * combine into P_ij^2, so equal retained eigenvalues do no harm). */
static void mr_jacobian(const double *psi, const double *g, mr_work_t *w)
{
    size_t p = w->p, nf = w->nf;
    const double *v = w->vec, *lam = w->val;
    for (size_t i = 0; i < p; i++) {
        for (size_t j = i; j < p; j++) {
            double pij = 0, s = 0;
            for (size_t k = 0; k < nf; k++) {
                pij += v[i * p + k] * v[j * p + k];
                if (!(lam[k] > 0))
                    continue;
                double t = 0;
                for (size_t l = nf; l < p; l++)
                    t += v[i * p + l] * v[j * p + l] / (lam[k] - lam[l]);
                s += lam[k] * v[i * p + k] * v[j * p + k] * t;
            }
            double dm = -pij * pij - 2 * s;
            w->jac[i * p + j] = w->jac[j * p + i] = dm + (i == j);
        }
    }
    for (size_t i = 0; i < p; i++)
        if (mr_pinned(psi[i], g[i]))
            for (size_t j = 0; j < p; j++)
                w->jac[i * p + j] = w->jac[j * p + i] = (i == j);
}

/* One step from psi (g its pseudo-gradient, w holding its decomposition):
 * Newton with halving, else the principal-axis step.  psi and g updated. */
static int mr_step(const double *r, double *psi, double *g, mr_work_t *w)
{
    size_t p = w->p;
    double cur = mr_norm(psi, g, p);
    mr_jacobian(psi, g, w);
    for (size_t i = 0; i < p; i++)
        w->d[i] = mr_pinned(psi[i], g[i]) ? 0 : -g[i];
    int newton = vm_solve(w->jac, p, w->d, 1) == VAL_OK;
    for (double t = 1.0; newton && t > 1e-3; t /= 2) {
        for (size_t i = 0; i < p; i++)
            w->psit[i] = clamp_psi(psi[i] + t * w->d[i]);
        double gm = mr_grad(r, w->psit, w, w->gt);
        if (!isnan(gm) && mr_norm(w->psit, w->gt, p) < cur) {
            memcpy(psi, w->psit, p * sizeof *psi);
            memcpy(g, w->gt, p * sizeof *g);
            return VAL_OK;
        }
    }
    /* principal-axis iteration: psi = 1 - diag(L L') */
    for (size_t i = 0; i < p; i++)
        psi[i] = clamp_psi(psi[i] - g[i]);
    return isnan(mr_grad(r, psi, w, g)) ? VAL_ENOCONV : VAL_OK;
}

/* Phase 1, psych's own path: descend fit.residuals along -g (its
 * gradient argument) within psych's box [0.005, 1], with Armijo
 * backtracking, until |g| < DESCENT_TOL.  Where several stationary points
 * exist (Heywood cases: a uniqueness driven to the bound) this lands in the
 * basin psych's L-BFGS-B reaches, which Newton from the start would not
 * always.  psi, w->g and the decomposition in w are left at the result. */
static int mr_descend(const double *r, double *psi, mr_work_t *w)
{
    size_t p = w->p;
    double f = mr_fit(r, w);
    for (int it = 0; it < 2000 && mr_norm(psi, w->g, p) >= DESCENT_TOL; it++) {
        double t = 1;
        for (; t > 1e-6; t /= 2) {
            double dec = 0;
            for (size_t i = 0; i < p; i++) {
                double x = clamp_psi(psi[i] - t * w->g[i]);
                w->psit[i] = x > 1 ? 1 : x;
                dec += w->g[i] * (psi[i] - w->psit[i]);
            }
            if (isnan(mr_grad(r, w->psit, w, w->gt)))
                return VAL_ENOCONV;
            double ft = mr_fit(r, w);
            if (ft <= f - 1e-4 * dec) {
                f = ft;
                break;
            }
        }
        if (!(t > 1e-6))
            break; /* no descent left: Newton takes over */
        memcpy(psi, w->psit, p * sizeof *psi);
        memcpy(w->g, w->gt, p * sizeof *psi);
    }
    return isnan(mr_grad(r, psi, w, w->g)) ? VAL_ENOCONV : VAL_OK;
}

/* psych fa(fm = "minres") up to the loadings: psi[p] and the unrotated
 * loadings l[p*nf] (FAout.wls), not yet signed.  Converged when the
 * projected pseudo-gradient is below G_TOL.  On matrices with nearly equal
 * leading eigenvalues (pure noise, as in parallel analysis) g can jump
 * where the eigenvalues cross and have no zero; the iterates then circle
 * the point where R's optimiser also stops.  `accept` > G_TOL lets the
 * best iterate stand when its pseudo-gradient is below `accept`. */
static int minres(const double *r, size_t p, size_t nf, double accept,
                  double *psi, double *l)
{
    mr_work_t w = {.p = p, .nf = nf};
    int rc = VAL_ENOMEM;
    double *best, bestn = INFINITY;
    double **const arr[] = {&w.a, &w.vec, &w.jac, &w.val, &w.g, &w.gt,
                            &w.psit, &w.d, &best};
    const size_t sz[] = {p * p, p * p, p * p, p, p, p, p, p, p};
    if (vm_carve(arr, sz, 9) != VAL_OK)
        goto done;
    /* psych: start <- diag(S) - smc(S) */
    rc = val_smc(r, p, psi);
    if (rc != VAL_OK)
        goto done;
    for (size_t i = 0; i < p; i++)
        psi[i] = clamp_psi(1.0 - psi[i]);
    rc = VAL_ENOCONV;
    if (isnan(mr_grad(r, psi, &w, w.g)) || mr_descend(r, psi, &w) != VAL_OK)
        goto done;
    for (int it = 0; it < MINRES_MAXIT; it++) {
        double norm = mr_norm(psi, w.g, p);
        if (norm < bestn) {
            bestn = norm;
            memcpy(best, psi, p * sizeof *best);
        }
        if (norm < G_TOL)
            break;
        if (mr_step(r, psi, w.g, &w) != VAL_OK)
            goto done;
    }
    if (!(bestn < accept))
        goto done;
    /* FAout.wls at the best point */
    memcpy(psi, best, p * sizeof *psi);
    if (isnan(mr_grad(r, psi, &w, w.g)))
        goto done;
    for (size_t i = 0; i < p; i++)
        for (size_t k = 0; k < nf; k++)
            l[i * nf + k] = w.vec[i * p + k] *
                            sqrt(w.val[k] > 0 ? w.val[k] : 0);
    rc = VAL_OK;
done:
    free(w.a); /* the block of all scratch (vm_carve) */
    return rc;
}

/* psych: sign(colSums(L)), 0 counted as +; also applied to Phi when given. */
static void sign_columns(double *l, size_t p, size_t nf, double *phi)
{
    for (size_t k = 0; k < nf; k++) {
        double s = 0;
        for (size_t i = 0; i < p; i++)
            s += l[i * nf + k];
        if (s >= 0)
            continue;
        for (size_t i = 0; i < p; i++)
            l[i * nf + k] = -l[i * nf + k];
        if (phi)
            for (size_t j = 0; j < nf; j++)
                if (j != k) {
                    phi[k * nf + j] = -phi[k * nf + j];
                    phi[j * nf + k] = -phi[j * nf + k];
                }
    }
}

/* ------------------------------------------------------------------ */
/* GPArotation oblimin                                                */
/* ------------------------------------------------------------------ */

/* vgQ.oblimin with gam = 0: X = L^2 (1 - I), Gq = L * X,
 * f = sum(L^2 * X)/4. */
static double vgq_oblimin(const double *l, size_t p, size_t m, double *gq)
{
    double f = 0;
    for (size_t i = 0; i < p; i++) {
        double row = 0;
        for (size_t k = 0; k < m; k++)
            row += l[i * m + k] * l[i * m + k];
        for (size_t k = 0; k < m; k++) {
            double lik = l[i * m + k];
            double x = row - lik * lik;
            gq[i * m + k] = lik * x;
            f += lik * lik * x;
        }
    }
    return f / 4;
}

/* Scratch of the rotation: [m*m] and [p*m] arrays, owned by oblimin(). */
typedef struct {
    size_t p, m;
    double *tinv, *tmp, *gq, *g, *gp, *x, *tt, *lt;
} gp_work_t;

/* L = A t(solve(T)); G = -t(t(L) Gq solve(T)); returns f.  Writes l, gq
 * and g; NAN when T is singular. */
static double gp_eval(const double *a, const double *t, double *l,
                      double *g, gp_work_t *w)
{
    size_t p = w->p, m = w->m;
    for (size_t i = 0; i < m * m; i++)
        w->tinv[i] = (i % (m + 1)) == 0;
    if (vm_solve(t, m, w->tinv, m) != VAL_OK)
        return NAN;
    vm_mul(a, 0, w->tinv, 1, l, p, m, m);
    double f = vgq_oblimin(l, p, m, w->gq);
    vm_mul(l, 1, w->gq, 0, w->tmp, m, p, m);     /* t(L) Gq           */
    vm_mul(w->tmp, 0, w->tinv, 0, w->x, m, m, m); /* ... solve(T)      */
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            g[i * m + j] = -w->x[j * m + i];
    return f;
}

/* GPArotation::GPFoblq(A, Tmat = I, normalize = FALSE, eps = 1e-5,
 * maxit = 1000, method = "oblimin") step by step.  l[p*m] receives the
 * rotated loadings, phi[m*m] = t(T) T.  Returns 1 when converged, 0 when
 * not, negative val_status on failure. */
static int oblimin(const double *a, size_t p, size_t m, double *l,
                   double *phi)
{
    gp_work_t w = {.p = p, .m = m};
    double *t, *gt;
    double **const arr[] = {&t, &w.tinv, &w.tmp, &w.g, &w.gp, &w.x, &w.tt,
                            &gt, &w.gq, &w.lt};
    const size_t mm = m * m, pm = p * m;
    const size_t sz[] = {mm, mm, mm, mm, mm, mm, mm, mm, pm, pm};
    int rc = VAL_ENOMEM;
    if (vm_carve(arr, sz, 10) != VAL_OK)
        goto done;
    for (size_t k = 0; k < m * m; k++)
        t[k] = k % (m + 1) == 0; /* Tmat = diag(m) */
    rc = VAL_ESINGULAR;
    double f = gp_eval(a, t, l, w.g, &w), al = 1, s = INFINITY;
    if (isnan(f))
        goto done;
    for (int iter = 0; iter <= 1000; iter++) {
        /* Gp = G - T diag(colSums(T * G)) */
        for (size_t j = 0; j < m; j++) {
            double c = 0;
            for (size_t i = 0; i < m; i++)
                c += t[i * m + j] * w.g[i * m + j];
            for (size_t i = 0; i < m; i++)
                w.gp[i * m + j] = w.g[i * m + j] - t[i * m + j] * c;
        }
        s = 0;
        for (size_t i = 0; i < m * m; i++)
            s += w.gp[i] * w.gp[i];
        s = sqrt(s);
        if (s < 1e-5)
            break;
        al *= 2;
        double ft = NAN;
        for (int i = 0; i <= 10; i++) {
            for (size_t e = 0; e < m * m; e++)
                w.x[e] = t[e] - al * w.gp[e];
            for (size_t j = 0; j < m; j++) {
                double c = 0;
                for (size_t r = 0; r < m; r++)
                    c += w.x[r * m + j] * w.x[r * m + j];
                for (size_t r = 0; r < m; r++)
                    w.tt[r * m + j] = w.x[r * m + j] / sqrt(c);
            }
            ft = gp_eval(a, w.tt, w.lt, gt, &w);
            if (isnan(ft))
                goto done;
            if (f - ft > 0.5 * s * s * al)
                break;
            al /= 2;
        }
        memcpy(t, w.tt, m * m * sizeof *t);
        memcpy(l, w.lt, p * m * sizeof *l);
        memcpy(w.g, gt, m * m * sizeof *gt);
        f = ft;
    }
    vm_mul(t, 1, t, 0, phi, m, m, m);
    rc = s < 1e-5;
done:
    free(t); /* the block of all scratch (vm_carve) */
    return rc;
}

/* ------------------------------------------------------------------ */
/* psych::fa                                                          */
/* ------------------------------------------------------------------ */

int val_efa_init(val_efa_t *out, size_t p, size_t nf)
{
    memset(out, 0, sizeof *out);
    if (p == 0 || nf == 0)
        return VAL_EARG;
    out->p = p;
    out->nfactors = nf;
    double **const arr[] = {&out->loadings, &out->communality,
                            &out->uniqueness, &out->phi, &out->ss_loadings,
                            &out->prop_var, &out->values};
    const size_t sz[] = {p * nf, p, p, nf * nf, nf, nf, p};
    return vm_carve(arr, sz, 7);
}

void val_efa_free(val_efa_t *out)
{
    if (!out)
        return;
    free(out->loadings); /* the block of all arrays (vm_carve) */
    memset(out, 0, sizeof *out);
}

/* Communalities diag(L L') of the unrotated loadings and the eigenvalues
 * of r with that diagonal (psych: S <- r; diag(S) <- diag(model);
 * eigens <- eigen(S)$values). */
static int fa_values(const double *r, size_t p, size_t nf, const double *l,
                     double *h2, double *values)
{
    double *s = malloc(p * p * sizeof *s);
    if (!s)
        return VAL_ENOMEM;
    memcpy(s, r, p * p * sizeof *s);
    for (size_t i = 0; i < p; i++) {
        double h = 0;
        for (size_t k = 0; k < nf; k++)
            h += l[i * nf + k] * l[i * nf + k];
        h2[i] = h;
        s[i * p + i] = h;
    }
    int rc = vm_eigen(s, p, values, NULL);
    free(s);
    return rc;
}

int val_fa_values_accept(const double *r, size_t p, double accept,
                         double *values)
{
    if (p < 2)
        return VAL_EARG;
    double *psi = malloc(p * sizeof *psi), *l = malloc(p * sizeof *l);
    double *h2 = malloc(p * sizeof *h2);
    int rc = VAL_ENOMEM;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    if (psi && l && h2) {
        rc = minres(r, p, 1, accept, psi, l);
        if (rc == VAL_OK)
            rc = fa_values(r, p, 1, l, h2, values);
    }
    gsl_set_error_handler(old);
    free(psi);
    free(l);
    free(h2);
    return rc;
}

int val_fa_values(const double *r, size_t p, double *values)
{
    return val_fa_values_accept(r, p, G_TOL, values);
}

/* Rotation, psych's second sign rule, ordering by diag(Phi L'L) and the
 * variance accounted for; a is the signed unrotated solution. */
static int efa_rotate(const double *a, val_efa_t *out)
{
    size_t p = out->p, m = out->nfactors;
    double *l, *phi, *ltl, *ev;
    double **const arr[] = {&l, &phi, &ltl, &ev};
    const size_t sz[] = {p * m, m * m, m * m, m};
    size_t *ord = malloc(m * sizeof *ord);
    int rc = VAL_ENOMEM;
    if (vm_carve(arr, sz, 4) != VAL_OK || !ord)
        goto done;
    if (m == 1) {
        memcpy(l, a, p * sizeof *l);
        phi[0] = 1;
        out->rotation_converged = 1;
    } else {
        rc = oblimin(a, p, m, l, phi);
        if (rc < 0)
            goto done;
        out->rotation_converged = rc;
        sign_columns(l, p, m, phi);
    }
    vm_mul(l, 1, l, 0, ltl, m, p, m);
    for (size_t k = 0; k < m; k++) {
        ev[k] = 0;
        for (size_t j = 0; j < m; j++)
            ev[k] += phi[k * m + j] * ltl[j * m + k];
        ord[k] = k;
    }
    /* order(ev, decreasing = TRUE): stable, ties keep their order */
    for (size_t i = 1; i < m; i++)
        for (size_t j = i; j > 0 && ev[ord[j]] > ev[ord[j - 1]]; j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    for (size_t k = 0; k < m; k++) {
        for (size_t i = 0; i < p; i++)
            out->loadings[i * m + k] = l[i * m + ord[k]];
        for (size_t j = 0; j < m; j++)
            out->phi[k * m + j] = phi[ord[k] * m + ord[j]];
        out->ss_loadings[k] = ev[ord[k]];
        out->prop_var[k] = ev[ord[k]] / (double)p;
    }
    rc = VAL_OK;
done:
    free(l); /* with phi, ltl, ev (vm_carve) */
    free(ord);
    return rc;
}

int val_efa(const double *r, val_efa_t *out)
{
    size_t p = out->p, m = out->nfactors;
    if (p < 2 || m < 1 || m >= p)
        return VAL_EARG;
    double *psi = malloc(p * sizeof *psi), *a = malloc(p * m * sizeof *a);
    int rc = VAL_ENOMEM;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    if (!psi || !a)
        goto done;
    rc = minres(r, p, m, G_TOL, psi, a);
    if (rc != VAL_OK)
        goto done;
    sign_columns(a, p, m, NULL);
    /* psych: loadings[loadings == 0] <- 10^-15 */
    for (size_t i = 0; i < p * m; i++)
        if (a[i] == 0)
            a[i] = 1e-15;
    rc = fa_values(r, p, m, a, out->communality, out->values);
    if (rc != VAL_OK)
        goto done;
    for (size_t i = 0; i < p; i++)
        out->uniqueness[i] = 1.0 - out->communality[i];
    rc = efa_rotate(a, out);
done:
    gsl_set_error_handler(old);
    free(psi);
    free(a);
    return rc;
}
