/*
 * points: bonus and deduction points against the staff's view (see
 * points.h).  Spearman's rho (ranks, not values) because points are
 * counts of events with many ties and a long tail, and the question is
 * whether units that claim more are also rated better, not by how much.
 */
#include "analysis/points.h"
#include "analysis/stats.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>

void points_build(res_t *r, const scan_points_t *pts)
{
    size_t nd = r->ndims;
    r->points = util_xcalloc(r->ngroups * nd + 1, sizeof *r->points);
    r->points_vs_staff = util_xcalloc(nd + 1, sizeof *r->points_vs_staff);
    double *x = util_xmalloc((r->ngroups + 1) * sizeof *x), *y = util_xmalloc((r->ngroups + 1) * sizeof *y);
    for (size_t d = 0; d < nd; d++) {
        if (!pts->dims[d])
            continue;
        size_t n = 0;
        for (size_t g = 0; g < r->ngroups; g++) {
            double k = pts->responses[g];
            if (r->groups[g].suppressed || !r->groups[g].cells || !(k > 0))
                continue;
            res_points_t *P = &r->points[r->npoints++];
            P->group = g;
            P->dim = d;
            P->responses = k;
            P->bonus = pts->bonus[g * nd + d] / k;
            P->deduction = pts->deduction[g * nd + d] / k;
            P->net = P->bonus - P->deduction;
            double staff = r->groups[g].cells[d].mean;
            if (isfinite(staff)) {
                x[n] = P->net;
                y[n++] = staff;
            }
        }
        res_pvs_t *S = &r->points_vs_staff[r->npvs++];
        S->dim = d;
        S->units = (double)n;
        stats_spearman(x, y, n, &S->rho, &S->p, &S->method);
    }
    free(x);
    free(y);
}
