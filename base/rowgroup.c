/*
 * rowgroup: problems grouped by (column, message) with their rows as
 * ranges (see rowgroup.h).  A group is found through an open-addressing
 * hash table, so a file with a hundred thousand problems costs a hash and
 * a compare each, not a scan of every group.
 */
#include "base/rowgroup.h"
#include "base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    long lo, hi;
} range_t;

typedef struct {
    long col;
    char *msg;
    long first, last, rows;
    range_t *ranges;       /* max_ranges of them */
    size_t nranges;
    int full;              /* a row did not fit: the list is cut */
} group_t;

struct rowgroup {
    group_t *g;            /* in order of creation, which is the order of first rows
                              when rows are fed in increasing order */
    size_t n, max_groups, max_ranges;
    size_t *slot;          /* hash table of group index + 1 (0: empty), 2 * max_groups */
    size_t nslot;
    long dropped;
};

rowgroup_t *rowgroup_new(size_t max_groups, size_t max_ranges)
{
    rowgroup_t *g = util_xcalloc(1, sizeof *g);
    g->max_groups = max_groups ? max_groups : 1;
    g->max_ranges = max_ranges ? max_ranges : 1;
    g->nslot = 2 * g->max_groups;
    g->slot = util_xcalloc(g->nslot, sizeof *g->slot);
    g->g = util_xcalloc(g->max_groups, sizeof *g->g);
    return g;
}

void rowgroup_free(rowgroup_t *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++) {
        free(g->g[i].msg);
        free(g->g[i].ranges);
    }
    free(g->g);
    free(g->slot);
    free(g);
}

static uint64_t hash(long col, const char *msg)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)col;
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Group of (col, msg), or a new one; NULL when there is no room. */
static group_t *find(rowgroup_t *g, long col, const char *msg, int *made)
{
    size_t i = (size_t)(hash(col, msg) % g->nslot);
    *made = 0;
    for (; g->slot[i]; i = (i + 1) % g->nslot) {
        group_t *x = &g->g[g->slot[i] - 1];
        if (x->col == col && strcmp(x->msg, msg) == 0)
            return x;
    }
    if (g->n == g->max_groups)
        return NULL;
    group_t *x = &g->g[g->n++];
    g->slot[i] = g->n;
    x->col = col;
    x->msg = util_xstrdup(msg);
    x->ranges = util_xmalloc(g->max_ranges * sizeof *x->ranges);
    *made = 1;
    return x;
}

int rowgroup_add(rowgroup_t *g, long col, const char *msg, long row)
{
    int made;
    group_t *x = find(g, col, msg, &made);
    if (!x) {
        g->dropped++;
        return -1;
    }
    if (made)
        x->first = row;
    else if (row == x->last)
        return 0;        /* a second problem of the same kind in the same row */
    x->last = row;
    range_t *last = x->nranges ? &x->ranges[x->nranges - 1] : NULL;
    if (last && row >= last->lo && row <= last->hi + 1) {
        last->hi = row;
    } else if (!x->full && x->nranges < g->max_ranges) {
        x->ranges[x->nranges++] = (range_t){row, row};
    } else {
        x->full = 1;
    }
    x->rows++;
    return made;
}

size_t rowgroup_count(const rowgroup_t *g)
{
    return g->n;
}

rowgroup_item_t rowgroup_get(const rowgroup_t *g, size_t i)
{
    const group_t *x = &g->g[i];
    return (rowgroup_item_t){x->col, x->msg, x->first, x->rows};
}

char *rowgroup_rows(const rowgroup_t *g, size_t i, size_t max_ranges)
{
    const group_t *x = &g->g[i];
    util_buf_t b = {0};
    size_t k = 0;
    for (; k < x->nranges && k < max_ranges; k++) {
        const range_t *r = &x->ranges[k];
        if (k)
            util_buf_adds(&b, ", ");
        if (r->lo == r->hi)
            util_buf_addf(&b, "%ld", r->lo);
        else
            util_buf_addf(&b, "%ld-%ld", r->lo, r->hi);
    }
    if (k < x->nranges || x->full)
        util_buf_adds(&b, ", ...");
    return b.s ? util_buf_take(&b) : util_xstrdup("");
}

long rowgroup_dropped(const rowgroup_t *g)
{
    return g->dropped;
}
