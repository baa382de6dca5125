/*
 * suppress: which groups of an analysis are hidden, from group sizes and
 * cross-counts alone (see suppress.h).  The min_n rule with its
 * complement is suppress_small (its body is survey/disclose.c); the
 * differencing defence across the groupings a researcher could run is
 * suppress_linked, explained below.
 */
#include "analysis/suppress.h"
#include "survey/disclose.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* The rule itself is in survey/disclose.c, where the survey console can
 * call it too (survey/ may not depend on analysis/). */
size_t suppress_small(const long *n, size_t ngroups, long total, long min_n, char *hidden)
{
    return disclose_small(n, ngroups, total, min_n, hidden);
}

/* ---- the differencing defence across groupings (issue 9) ----
 *
 * What an analysis publishes is, for each shown group, its n and the means
 * of its respondents (so their sums), and the same for everyone (so the
 * pool of hidden groups and ungrouped respondents too: the total minus the
 * shown groups).  Each grouping therefore cuts the respondents into
 * published blocks: its shown groups and its pool.  A researcher can run
 * the analysis by unit and by every select_one question, so every grouping
 * is published, each under its own small-group rules (other_shown_all).
 *
 * Two groupings' blocks are linked through the respondents they share.
 * Sums of blocks of one grouping minus sums of blocks of another reveal
 * whoever is in the one union and not the other; that is a disclosure
 * when they are 1..min_n-1 people.  This is the complementary suppression
 * problem of statistical disclosure control over two linked tables; exact
 * protection against every linear combination is a hard (integer
 * programming) problem, so the rule here checks the combinations built
 * around one block, from both sides, which a search over subsets would
 * find first:
 *
 *   inside: a block X minus the blocks of the other grouping that lie
 *     wholly in X (one or more of them);
 *   around: the blocks of the other grouping that meet X, together, minus X;
 *
 * for every block X of this grouping against the other's, and every block
 * of the other against this one's.  A single block used whole is the
 * classic two-grouping attack (unit minus "senior" = one person); the
 * unions are the three-and-more-group attacks (unit minus "senior" minus
 * "middle"; "junior" minus two units that hold only juniors).  By the
 * complement, the same sums also cover a union of all blocks but one.
 * When one is found, groups of this grouping are hidden (which merges them
 * into its pool, a block the same checks then apply to), chosen so that
 * the combination stops being exact, and everything is checked again until
 * nothing is found; at worst every group is hidden, which publishes the
 * total alone.  Not searched: combinations of three groupings at once (a
 * unit minus a level minus a years-of-service group), and differences of
 * two unions that cross both ways. */

/* The groups, the cross-counts and the scratch of one suppress_linked. */
typedef struct {
    const long *n;
    size_t ngroups;
    long total, min_n;
    const suppress_cross_t *x;
    const char *hidden;
    char *xshown;            /* xtoff[nx]: shown by its own grouping's run */
    char *hide;              /* ngroups: marked by this round */
    /* A block's links to the other grouping's blocks (blocklink_t):
     * per block of each other grouping (then per pool), and per grouping
     * for the analysed group at hand */
    struct blocklink *ylink, *xk;
    long *ypool_w;           /* per block of each other grouping: its respondents in this pool */
    long *inshown;           /* nx: the group at hand's respondents in k's shown groups */
    long *bpool;             /* nx: size of each other grouping's pool */
    long pool;               /* this grouping's pool */
} link_t;

/* The sizes of the other grouping's blocks that lie wholly inside a block
 * (and how many), and of all that meet it. */
typedef struct blocklink {
    long in, meet;
    long nin;
} blocklink_t;

/* Respondents in group h of other grouping k. */
static long xn_of(const suppress_cross_t *x, size_t k, size_t h)
{
    return x->xtot[x->xtoff[k] + h];
}

/* Would group h be shown by an analysis grouped by other grouping k?  The
 * same two rules as suppress_small: at least min_n, and not the smallest
 * when that grouping's hidden and ungrouped respondents are fewer than
 * min_n.  (The other grouping's own differencing suppression is not
 * predicted: its run applies this same defence from its side.)  Into
 * xshown, indexed by xtoff[k] + h. */
static void other_shown_all(link_t *L, size_t k)
{
    const suppress_cross_t *x = L->x;
    long hidden = L->total, smallest = -1;
    for (size_t j = 0; j < x->xsize[k]; j++) {
        long nj = xn_of(x, k, j);
        if (nj >= L->min_n) {
            hidden -= nj;
            if (smallest < 0 || nj < xn_of(x, k, (size_t)smallest))
                smallest = (long)j;
        }
    }
    for (size_t j = 0; j < x->xsize[k]; j++)
        L->xshown[x->xtoff[k] + j] = xn_of(x, k, j) >= L->min_n &&
                                     !(hidden > 0 && hidden < L->min_n && smallest == (long)j);
}

/* x shares w respondents with a block of ysize. */
static void link_add(blocklink_t *x, long w, long ysize)
{
    if (w <= 0)
        return;
    x->meet += ysize;
    if (w == ysize) {
        x->in += ysize;
        x->nin++;
    }
}

/* 1 when a block of n respondents with these links can be differenced
 * down to 1..min_n-1 people ("inside" or "around" above). */
static int link_exposed(const blocklink_t *x, long n, long min_n)
{
    long inside = n - x->in, around = x->meet - n;
    return (x->nin > 0 && inside >= 1 && inside < min_n) || (around >= 1 && around < min_n);
}

/* Respondents of group g (of this grouping) in group h of other grouping
 * k, or (h < 0) in that grouping's pool. */
static long cross_w(const link_t *L, size_t g, size_t k, long h)
{
    const suppress_cross_t *x = L->x;
    if (h >= 0) {
        if (x->xoff[k] != SUPPRESS_SPARSE)
            return x->xrow[g * x->xstride + x->xoff[k] + (size_t)h];
        for (size_t i = x->xsp_at[g]; i < x->xsp_at[g + 1]; i++)
            if (x->xsp[i].k == k && x->xsp[i].h == (uint32_t)h)
                return x->xsp[i].n;
        return 0;
    }
    long w = L->n[g];
    if (x->xoff[k] != SUPPRESS_SPARSE) {
        for (size_t j = 0; j < x->xsize[k]; j++)
            if (L->xshown[x->xtoff[k] + j])
                w -= x->xrow[g * x->xstride + x->xoff[k] + j];
    } else {
        for (size_t i = x->xsp_at[g]; i < x->xsp_at[g + 1]; i++)
            if (x->xsp[i].k == k && L->xshown[x->xtoff[k] + x->xsp[i].h])
                w -= x->xsp[i].n;
    }
    return w;
}

/* The smallest shown group of this grouping whose overlap w with block
 * (k, h) of another grouping passes want: 0 inside it, 1 meeting it, 2
 * not inside it, 3 not meeting it; -1 when there is none. */
static long smallest_by_overlap(const link_t *L, size_t k, long h, int want)
{
    long best = -1;
    for (size_t g = 0; g < L->ngroups; g++) {
        long n = L->n[g];
        if (L->hidden[g] || n == 0 || (best >= 0 && n >= L->n[best]))
            continue;
        long w = cross_w(L, g, k, h);
        int ok = want == 0 ? w == n : want == 1 ? w > 0 : want == 2 ? w < n : w == 0;
        if (ok)
            best = (long)g;
    }
    return best;
}

/* The smallest shown group that is not in skip[] (NULL: none skipped). */
static long smallest_shown(const link_t *L, const char *skip)
{
    long best = -1;
    for (size_t g = 0; g < L->ngroups; g++)
        if (!L->hidden[g] && L->n[g] > 0 && !(skip && skip[g]) && (best < 0 || L->n[g] < L->n[best]))
            best = (long)g;
    return best;
}

static size_t mark(link_t *L, long g)
{
    if (g < 0 || L->hide[g])
        return 0;
    L->hide[g] = 1;
    return 1;
}

/* Per block of each other grouping, and per other grouping's pool: the
 * round's starting point. */
static void round_begin(link_t *L)
{
    const suppress_cross_t *x = L->x;
    size_t tot = x->xtoff[x->nx];
    L->pool = L->total;
    for (size_t g = 0; g < L->ngroups; g++)
        if (!L->hidden[g])
            L->pool -= L->n[g];
    memset(L->ylink, 0, (tot + x->nx) * sizeof *L->ylink);
    /* start from all of each block in this pool, take the shown groups away */
    memcpy(L->ypool_w, x->xtot, tot * sizeof *L->ypool_w);
    for (size_t k = 0; k < x->nx; k++) {
        L->bpool[k] = L->total;
        for (size_t j = 0; j < x->xsize[k]; j++)
            if (L->xshown[x->xtoff[k] + j])
                L->bpool[k] -= xn_of(x, k, j);
    }
}

/* Shown group g as block X against every other grouping: links both ways
 * are recorded; returns 1 when g itself is exposed. */
static int group_links(link_t *L, size_t g)
{
    const suppress_cross_t *x = L->x;
    size_t tot = x->xtoff[x->nx];
    long n = L->n[g];
    memset(L->xk, 0, x->nx * sizeof *L->xk);
    memset(L->inshown, 0, x->nx * sizeof *L->inshown);
    for (size_t k = 0; k < x->nx; k++) {
        if (x->xoff[k] == SUPPRESS_SPARSE)
            continue;
        const uint32_t *row = x->xrow + g * x->xstride;
        for (size_t h = 0; h < x->xsize[k]; h++) {
            long w = row[x->xoff[k] + h];
            size_t yi = x->xtoff[k] + h;
            if (!w || !L->xshown[yi])
                continue;
            link_add(&L->xk[k], w, xn_of(x, k, h));
            link_add(&L->ylink[yi], w, n);
            L->inshown[k] += w;
            L->ypool_w[yi] -= w;
        }
    }
    for (size_t i = x->xsp_at[g]; i < x->xsp_at[g + 1]; i++) {
        const suppress_pair_t *p = &x->xsp[i];
        size_t yi = x->xtoff[p->k] + p->h;
        if (!L->xshown[yi])
            continue;
        link_add(&L->xk[p->k], p->n, xn_of(x, p->k, p->h));
        link_add(&L->ylink[yi], p->n, n);
        L->inshown[p->k] += p->n;
        L->ypool_w[yi] -= p->n;
    }
    int exposed = 0;
    for (size_t k = 0; k < x->nx; k++) {
        long w = n - L->inshown[k];   /* g's respondents in k's pool */
        link_add(&L->xk[k], w, L->bpool[k]);
        link_add(&L->ylink[tot + k], w, n);
        exposed |= link_exposed(&L->xk[k], n, L->min_n);
    }
    return exposed;
}

/* This grouping's pool as block X against other grouping k; returns 1
 * when the pool is exposed.  *inpools: the pool's respondents in k's
 * pool. */
static int pool_links(link_t *L, size_t k, long *inpools)
{
    const suppress_cross_t *x = L->x;
    size_t tot = x->xtoff[x->nx];
    blocklink_t px = {0, 0, 0};
    *inpools = L->pool;
    for (size_t h = 0; h < x->xsize[k] && L->pool > 0; h++) {
        size_t yi = x->xtoff[k] + h;
        if (!L->xshown[yi])
            continue;
        link_add(&px, L->ypool_w[yi], xn_of(x, k, h));
        link_add(&L->ylink[yi], L->ypool_w[yi], L->pool);
        *inpools -= L->ypool_w[yi];
    }
    if (L->pool <= 0)
        return 0;
    link_add(&px, *inpools, L->bpool[k]);
    link_add(&L->ylink[tot + k], *inpools, L->pool);
    return link_exposed(&px, L->pool, L->min_n);
}

/* Block Y = group h of other grouping k (h = xsize[k]: its pool) against
 * this grouping's blocks: the group to hide so that Y's combination stops
 * being exact, -1 when Y is not exposed. */
static long other_block_pick(const link_t *L, size_t k, size_t h, long inpools)
{
    const suppress_cross_t *x = L->x;
    size_t tot = x->xtoff[x->nx];
    int is_pool = h == x->xsize[k];
    size_t yi = is_pool ? tot + k : x->xtoff[k] + h;
    if (!is_pool && !L->xshown[yi])
        return -1;
    long ysize = is_pool ? L->bpool[k] : xn_of(x, k, h);
    if (ysize <= 0)
        return -1;
    const blocklink_t *y = &L->ylink[yi];
    long inside = ysize - y->in, around = y->meet - ysize, m = L->min_n, pool = L->pool;
    long hh = is_pool ? -1 : (long)h;
    long pw = is_pool ? inpools : L->ypool_w[yi];   /* this pool's share of it */
    long pick;
    if (y->nin > 0 && inside >= 1 && inside < m) {
        /* Y minus this grouping's blocks inside it: take one of them out
         * of Y's reach (into a pool that is not inside Y), or, when the
         * pool lies inside Y, put a group that is not inside Y into the
         * pool */
        pick = smallest_by_overlap(L, k, hh, !(pool > 0 && pw == pool) ? 0 : 2);
    } else if (around >= 1 && around < m) {
        /* this grouping's blocks meeting Y minus Y: merge one of them
         * into a pool that does not meet Y, or, when the pool meets Y,
         * put a group that does not meet Y into it */
        pick = smallest_by_overlap(L, k, hh, !(pool > 0 && pw > 0) ? 1 : 3);
    } else {
        return -1;
    }
    return pick >= 0 ? pick : smallest_shown(L, NULL);
}

/* One round over every other grouping: marks in hide[] the groups to
 * suppress.  Returns how many it marked. */
static size_t linked_round(link_t *L)
{
    const suppress_cross_t *x = L->x;
    size_t marked = 0;
    int widen = 0;
    round_begin(L);
    for (size_t g = 0; g < L->ngroups; g++)
        if (!L->hidden[g] && L->n[g] > 0 && group_links(L, g))
            marked += mark(L, (long)g);
    for (size_t k = 0; k < x->nx; k++) {
        long inpools;
        widen |= pool_links(L, k, &inpools);
        /* the other grouping's blocks against this one's */
        for (size_t h = 0; h <= x->xsize[k]; h++) {
            long pick = other_block_pick(L, k, h, inpools);
            if (pick >= 0)
                marked += mark(L, pick);
        }
    }
    if (widen)   /* the pool is exposed: widen it by the next smallest shown group */
        marked += mark(L, smallest_shown(L, L->hide));
    return marked;
}

size_t suppress_linked(const long *n, size_t ngroups, long total, long min_n,
                       const suppress_cross_t *x, char *hidden)
{
    size_t tot = x->xtoff[x->nx], nested = 0;
    link_t L = {n, ngroups, total, min_n, x, hidden, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0};
    L.xshown = util_xcalloc(tot + 1, 1);
    L.hide = util_xcalloc(ngroups + 1, 1);
    L.ylink = util_xmalloc((tot + x->nx + 1) * sizeof *L.ylink);
    L.xk = util_xmalloc((x->nx + 1) * sizeof *L.xk);
    L.ypool_w = util_xmalloc((tot + 1) * sizeof *L.ypool_w);
    L.inshown = util_xmalloc((x->nx + 1) * sizeof *L.inshown);
    L.bpool = util_xmalloc((x->nx + 1) * sizeof *L.bpool);
    for (size_t k = 0; k < x->nx; k++)
        other_shown_all(&L, k);
    for (;;) {
        memset(L.hide, 0, ngroups + 1);
        if (linked_round(&L) == 0)
            break;
        size_t before = 0, after = 0;
        for (size_t g = 0; g < ngroups; g++) {
            before += hidden[g] != 0;
            if (L.hide[g])
                hidden[g] = 1;
        }
        suppress_small(n, ngroups, total, min_n, hidden);   /* the complement over the new hidden set */
        for (size_t g = 0; g < ngroups; g++)
            after += hidden[g] != 0;
        if (after == before)
            break;   /* nothing left to hide: the total alone is published */
        nested += after - before;
    }
    free(L.xshown);
    free(L.hide);
    free(L.ylink);
    free(L.xk);
    free(L.ypool_w);
    free(L.inshown);
    free(L.bpool);
    return nested;
}
