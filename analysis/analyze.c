/*
 * analyze: the engine behind `analyze`, `report` and `demo`.
 *
 * One streaming pass (store_scan) turns each response into dimension
 * scores and feeds accumulators: Welford sums per dimension, per group x
 * dimension and per item, complete-case co-moments per dimension (alpha),
 * per group x item sums (rwg), within-person deviations (weak dimensions)
 * and a count table of distinct scores per group (Kruskal-Wallis ranks with
 * exact ties).  Their size is groups x items, never respondents.  A second,
 * lighter pass reads the comparison wave, and one more reads the self-role
 * forms of the same wave for the self-vs-staff gaps.  Everything else is
 * arithmetic on the accumulators, in the order of DESIGN.md section 5.
 *
 * Statistical choices are commented where they are made; each statistic is
 * checked against R in tests/fixtures/rcheck.
 */
#include "analysis/analyze.h"
#include "base/i18n.h"
#include "analysis/stats.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void an_opts_default(an_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->min_n = 5;
    o->min_diff = 5.0;
    o->fdr = 0.05;
    o->lang = "en";
}

/* ---- distinct-score counts for Kruskal-Wallis ---- */

/* Open addressing on the score rounded to 1e-6: POMP scores are rationals
 * with small denominators, so values closer than that are the same score
 * reached through different items, i.e. true ties.
 *
 * The counts are group-major (a row of value counts per group), 32-bit:
 * each respondent adds one count per dimension in their group's row.  A
 * table per value with a column per group put every one of those counts
 * in its own 16 KB array, a cache and TLB miss each at 2,000 groups
 * (bench/README.md). */
typedef struct {
    int64_t *keys;
    int *slot;          /* index into vals, -1 empty */
    size_t cap;
    double *vals;
    uint32_t *counts;   /* ngroups rows of capvals counts, by value index */
    size_t nvals, capvals, ngroups;
} kwtab_t;

static void kw_init(kwtab_t *k, size_t ngroups)
{
    memset(k, 0, sizeof *k);
    k->cap = 256;
    k->keys = util_xcalloc(k->cap, sizeof *k->keys);
    k->slot = util_xmalloc(k->cap * sizeof *k->slot);
    for (size_t i = 0; i < k->cap; i++)
        k->slot[i] = -1;
    k->ngroups = ngroups;
}

static void kw_free(kwtab_t *k)
{
    free(k->counts);
    free(k->vals);
    free(k->keys);
    free(k->slot);
}

static size_t kw_find(const kwtab_t *k, int64_t key)
{
    size_t h = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ULL) & (k->cap - 1);
    while (k->slot[h] >= 0 && k->keys[h] != key)
        h = (h + 1) & (k->cap - 1);
    return h;
}

static void kw_add(kwtab_t *k, double v, size_t g)
{
    int64_t key = llround(v * 1e6);
    size_t h = kw_find(k, key);
    if (k->slot[h] < 0) {
        if ((k->nvals + 1) * 2 > k->cap) {
            kwtab_t big = *k;
            big.cap = k->cap * 2;
            big.keys = util_xcalloc(big.cap, sizeof *big.keys);
            big.slot = util_xmalloc(big.cap * sizeof *big.slot);
            for (size_t i = 0; i < big.cap; i++)
                big.slot[i] = -1;
            for (size_t i = 0; i < k->cap; i++)
                if (k->slot[i] >= 0) {
                    size_t hh = kw_find(&big, k->keys[i]);
                    big.keys[hh] = k->keys[i];
                    big.slot[hh] = k->slot[i];
                }
            free(k->keys);
            free(k->slot);
            *k = big;
            h = kw_find(k, key);
        }
        if (k->nvals == k->capvals) {
            /* wider rows: a few times per dimension, early in the scan */
            size_t cap = k->capvals ? k->capvals * 2 : 64;
            uint32_t *c = util_xcalloc((k->ngroups + 1) * cap, sizeof *c);
            for (size_t r = 0; k->capvals && r < k->ngroups; r++)
                memcpy(c + r * cap, k->counts + r * k->capvals, k->capvals * sizeof *c);
            free(k->counts);
            k->counts = c;
            k->capvals = cap;
            k->vals = util_xrealloc(k->vals, k->capvals * sizeof *k->vals);
        }
        k->keys[h] = key;
        k->slot[h] = (int)k->nvals;
        k->vals[k->nvals] = (double)key / 1e6;
        k->nvals++;
    }
    k->counts[g * k->capvals + (size_t)k->slot[h]]++;
}

/* qsort has no context argument in C11; the table being sorted is set
 * here just before the call (single-threaded use). */
static const double *sort_vals;
static int cmp_by_val(const void *a, const void *b)
{
    double x = sort_vals[*(const size_t *)a], y = sort_vals[*(const size_t *)b];
    return (x > y) - (x < y);
}

/* ---- the scan ---- */

/* A list's choice names hashed.  Every respondent's answer to every
 * select_one question is looked up in its list (each question is a
 * grouping a researcher could ask for, the 38 Likert items included, and a
 * province's unit question lists 2,000 units): comparing names in turn,
 * or by binary search, was a twentieth of the scan's instructions. */
typedef struct {
    uint64_t key;       /* short_key of the name */
    int c;              /* choice index + 1, 0 empty */
} chslot_t;

typedef struct {
    chslot_t *slot;
    size_t mask;        /* slots - 1 (a power of two) */
    /* a numeric list whose values are distinct whole numbers close
     * together: value - vmin -> choice index, for the Likert counts */
    int *byval;
    long vmin;
    size_t vspan;
} choicehash_t;

/* A name of 1 to 7 bytes as an integer (its bytes, little end first), or
 * 0 for a longer or empty one: short names (Likert values, unit codes)
 * are then compared as one integer instead of by strcmp. */
static uint64_t short_key(const char *s)
{
    uint64_t k = 0;
    for (unsigned i = 0; i < 8; i++) {
        if (!s[i])
            return k;
        k |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    return 0;
}

static size_t name_hash(const char *s, uint64_t key)
{
    uint64_t h = key;
    if (!key) {
        h = 1469598103934665603ULL;   /* FNV-1a */
        for (; *s; s++)
            h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    h *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(h ^ (h >> 32));
}

static void choicehash_init(choicehash_t *ch, const form_list_t *l)
{
    size_t cap = 8;
    while (cap < 2 * l->nchoices)
        cap *= 2;
    ch->mask = cap - 1;
    ch->slot = util_xcalloc(cap, sizeof *ch->slot);
    for (size_t c = 0; c < l->nchoices; c++) {
        const char *name = l->choices[c].name;
        uint64_t key = short_key(name);
        size_t i = name_hash(name, key) & ch->mask;
        while (ch->slot[i].c && (ch->slot[i].key != key ||
                                 (!key && strcmp(l->choices[ch->slot[i].c - 1].name, name) != 0)))
            i = (i + 1) & ch->mask;
        if (!ch->slot[i].c)   /* a repeated name keeps its first choice, as form_list_choice */
            ch->slot[i] = (chslot_t){key, (int)c + 1};
    }
    /* value -> choice: only when every value is a distinct whole number
     * and they span at most 64 */
    double lo = 0, hi = 0;
    for (size_t c = 0; c < l->nchoices; c++) {
        double v = l->choices[c].num;
        if (!(isfinite(v) && v == floor(v) && fabs(v) < 1e9))
            return;
        lo = c == 0 || v < lo ? v : lo;
        hi = c == 0 || v > hi ? v : hi;
    }
    if (l->nchoices == 0 || hi - lo >= 64)
        return;
    ch->vmin = (long)lo;
    ch->vspan = (size_t)(hi - lo) + 1;
    ch->byval = util_xmalloc(ch->vspan * sizeof *ch->byval);
    for (size_t v = 0; v < ch->vspan; v++)
        ch->byval[v] = -1;
    for (size_t c = 0; c < l->nchoices; c++) {
        size_t v = (size_t)((long)l->choices[c].num - ch->vmin);
        if (ch->byval[v] >= 0) {   /* a repeated value: counted by the general loop */
            free(ch->byval);
            ch->byval = NULL;
            ch->vspan = 0;
            return;
        }
        ch->byval[v] = (int)c;
    }
}

/* The cross-counts of the differencing protection against one grouping
 * with many groups (the unit question, or the units themselves when the
 * analysis is by a question): (group, other group) -> respondents, only
 * the pairs that occur (about one per group: the unit question mirrors the
 * units).  A dense groups x 2,000 table was 32 MB touched at random. */
typedef struct {
    uint32_t g, k, h, n;
} xpair_t;

typedef struct {
    xpair_t *e;         /* n = 0: empty */
    size_t mask, used;
} xmap_t;

static size_t xmap_hash(size_t g, size_t k, size_t h)
{
    uint64_t x = ((uint64_t)g * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)k << 40) ^ (uint64_t)h;
    x *= 0xBF58476D1CE4E5B9ULL;
    return (size_t)(x ^ (x >> 31));
}

static void xmap_add(xmap_t *m, size_t g, size_t k, size_t h)
{
    if ((m->used + 1) * 2 > m->mask + 1) {
        xmap_t big = {util_xcalloc((m->mask + 1) * 2, sizeof *big.e), (m->mask + 1) * 2 - 1, 0};
        for (size_t i = 0; i <= m->mask; i++)
            if (m->e[i].n) {
                xpair_t *p = &m->e[i];
                size_t j = xmap_hash(p->g, p->k, p->h) & big.mask;
                while (big.e[j].n)
                    j = (j + 1) & big.mask;
                big.e[j] = *p;
                big.used++;
            }
        free(m->e);
        *m = big;
    }
    size_t i = xmap_hash(g, k, h) & m->mask;
    while (m->e[i].n && (m->e[i].g != g || m->e[i].k != k || m->e[i].h != h))
        i = (i + 1) & m->mask;
    if (!m->e[i].n) {
        m->e[i] = (xpair_t){(uint32_t)g, (uint32_t)k, (uint32_t)h, 0};
        m->used++;
    }
    m->e[i].n++;
}

static int cmp_xpair(const void *a, const void *b)
{
    const xpair_t *x = a, *y = b;
    if (x->g != y->g)
        return (x->g > y->g) - (x->g < y->g);
    if (x->k != y->k)
        return (x->k > y->k) - (x->k < y->k);
    return (x->h > y->h) - (x->h < y->h);
}

typedef struct {
    const form_t *f;
    size_t ndims, ngroups;
    size_t **dimitems;       /* per dim: positions of its scored items */
    size_t *ndimitems;
    int *item_slot;          /* form position -> index among scored items, -1 */
    size_t nscored;
    size_t *scored_pos;      /* scored index -> form position */
    int light;               /* comparison wave: scores per group only */
    /* grouping */
    int by_unit;
    int *unit_group;         /* units.id -> group index, -1 */
    size_t nunit_ids;
    int by_pos;              /* item position when grouping by an item */
    /* the other groupings a researcher could ask for (by unit and by each
     * other select_one question), cross-counted against this one so that
     * a group nested in another with a difference under min_n is found.
     * Group-major: a respondent's counts with the few-group groupings (40
     * and more: every Likert item is one) fall in one row of a few cache
     * lines, where a table per grouping cost a cache miss each; groupings
     * with many groups go to a map of the pairs that occur. */
    size_t nx;
    int *xpos;               /* item position per other grouping, -1 = unit */
    int *xlist;              /* its choice list, -1 = unit */
    size_t *xsize;           /* groups per other grouping */
    size_t *xtoff;           /* grouping k's groups in xtot */
    long *xtot;              /* respondents per group of each other grouping */
    size_t *xoff;            /* grouping k's columns in a row of xrow; XSPARSE */
    size_t xstride;          /* columns per row */
    uint32_t *xrow;          /* ngroups rows: respondents in group g and in
                                each group of each few-group grouping */
    xmap_t xmap;             /* the many-group groupings' pairs */
    xpair_t *xsp;            /* after the scan: xmap's pairs by group, k, h */
    size_t *xsp_at;          /* group g's pairs: xsp[xsp_at[g] .. xsp_at[g+1]) */
    /* accumulators */
    long respondents;
    long *gn;                /* responses per group */
    stats_acc_t *pop;        /* ndims */
    stats_acc_t *cell;       /* ngroups x ndims */
    stats_acc_t *dev;        /* ndims */
    stats_cov_t **cov;       /* ndims */
    stats_acc_t *item;       /* nscored, as answered */
    double *likert;          /* nscored x maxchoices */
    size_t maxchoices;
    stats_acc_t *gitem;      /* ngroups x nscored, as answered */
    kwtab_t *kw;             /* ndims */
    char **comments;         /* ngroups x RES_COMMENTS_KEPT */
    size_t *ncomments;
    long *ncommenters;
    /* per-response scratch */
    double *val;             /* nscored answered values (NAN = none) */
    double *score;           /* ndims */
    double *row;             /* complete-case vector */
    int *at;                 /* form position -> its answer's index in the
                                response, -1 */
    char *is_text;           /* form position -> a text item (comments) */
    choicehash_t *chash;     /* per list */
    /* progress (an_opts_t): responses read by earlier scans, and in all */
    const an_opts_t *o;
    long done_before, total;
} scan_t;

/* The choice index of the answer to the select_one at form position pos,
 * whose list is li, -1 when it is unanswered or not a choice. */
static inline int answer_choice(const scan_t *sc, const store_scan_row_t *r, int pos, int li)
{
    int i = sc->at[pos];
    if (i < 0 || !r->text[i])
        return -1;
    const form_list_t *l = &sc->f->lists[li];
    const choicehash_t *ch = &sc->chash[li];
    const char *text = r->text[i];
    uint64_t key = short_key(text);
    for (size_t j = name_hash(text, key) & ch->mask; ch->slot[j].c; j = (j + 1) & ch->mask)
        if (ch->slot[j].key == key &&
            (key || strcmp(l->choices[ch->slot[j].c - 1].name, text) == 0))
            return ch->slot[j].c - 1;
    return -1;
}

static int group_of(const scan_t *sc, const store_scan_row_t *r)
{
    if (sc->by_unit)
        return (r->unit > 0 && (size_t)r->unit < sc->nunit_ids) ? sc->unit_group[r->unit] : -1;
    return answer_choice(sc, r, sc->by_pos, sc->f->items[sc->by_pos].list);
}

/* The respondent's group in other grouping k, or -1. */
static long other_group_of(const scan_t *sc, size_t k, const store_scan_row_t *r)
{
    if (sc->xpos[k] < 0)
        return (r->unit > 0 && (size_t)r->unit < sc->xsize[k]) ? r->unit : -1;
    return answer_choice(sc, r, sc->xpos[k], sc->xlist[k]);
}

/* A grouping with more groups than this is counted in the pair map: its
 * columns would take more of a row than most respondents' counts. */
#define XDENSE_MAX 64
#define XSPARSE ((size_t)-1)

/* Sets up the cross-counts against every other grouping: by unit (unless
 * that is this analysis; unit ids index it directly) and by each other
 * select_one question.  nunit_ids bounds the unit ids. */
static void scan_cross_init(scan_t *sc, size_t nunit_ids)
{
    const form_t *f = sc->f;
    sc->xpos = util_xmalloc((f->nitems + 2) * sizeof *sc->xpos);
    sc->xsize = util_xmalloc((f->nitems + 2) * sizeof *sc->xsize);
    if (!sc->by_unit) {
        sc->xpos[sc->nx] = -1;
        sc->xsize[sc->nx++] = nunit_ids;
    }
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].type == FORM_SELECT_ONE && f->items[i].list >= 0 &&
            (sc->by_unit || (int)i != sc->by_pos)) {
            sc->xpos[sc->nx] = (int)i;
            sc->xsize[sc->nx++] = f->lists[f->items[i].list].nchoices;
        }
    sc->xlist = util_xmalloc((sc->nx + 1) * sizeof *sc->xlist);
    for (size_t k = 0; k < sc->nx; k++)
        sc->xlist[k] = sc->xpos[k] < 0 ? -1 : f->items[sc->xpos[k]].list;
    sc->xtoff = util_xmalloc((sc->nx + 1) * sizeof *sc->xtoff);
    sc->xoff = util_xmalloc((sc->nx + 1) * sizeof *sc->xoff);
    size_t tot = 0;
    for (size_t k = 0; k < sc->nx; k++) {
        sc->xtoff[k] = tot;
        tot += sc->xsize[k];
        sc->xoff[k] = sc->xsize[k] <= XDENSE_MAX ? sc->xstride : XSPARSE;
        if (sc->xsize[k] <= XDENSE_MAX)
            sc->xstride += sc->xsize[k];
    }
    sc->xtoff[sc->nx] = tot;
    sc->xtot = util_xcalloc(tot + 1, sizeof *sc->xtot);
    sc->xrow = util_xcalloc(sc->ngroups * sc->xstride + 1, sizeof *sc->xrow);
    sc->xmap.mask = 255;
    sc->xmap.e = util_xcalloc(sc->xmap.mask + 1, sizeof *sc->xmap.e);
}

/* After the scan: the pair map as a list by group (then grouping, then
 * group of it), so that a group's pairs can be walked in order. */
static void scan_cross_finish(scan_t *sc)
{
    size_t n = 0;
    sc->xsp = util_xmalloc((sc->xmap.used + 1) * sizeof *sc->xsp);
    for (size_t i = 0; sc->xmap.e && i <= sc->xmap.mask; i++)
        if (sc->xmap.e[i].n)
            sc->xsp[n++] = sc->xmap.e[i];
    qsort(sc->xsp, n, sizeof *sc->xsp, cmp_xpair);
    sc->xsp_at = util_xcalloc(sc->ngroups + 2, sizeof *sc->xsp_at);
    for (size_t i = 0; i < n; i++)
        sc->xsp_at[sc->xsp[i].g + 1]++;
    for (size_t g = 0; g < sc->ngroups; g++)
        sc->xsp_at[g + 1] += sc->xsp_at[g];
}

/* Respondents in group h of other grouping k. */
static long xn_of(const scan_t *sc, size_t k, size_t h)
{
    return sc->xtot[sc->xtoff[k] + h];
}

static double scored_value(const form_t *f, size_t pos, double x)
{
    const form_item_t *it = &f->items[pos];
    const form_list_t *l = &f->lists[it->list];
    return it->reverse ? l->min + l->max - x : x;
}

/* POMP of one item: 100 (x - min) / (max - min) of its list. */
static double pomp(const form_t *f, size_t pos, double scored)
{
    const form_list_t *l = &f->lists[f->items[pos].list];
    return 100.0 * (scored - l->min) / (l->max - l->min);
}

/* Dimension scores of one response into sc->score (NAN when fewer than
 * half of the dimension's items were answered). */
static void score_response(scan_t *sc)
{
    const form_t *f = sc->f;
    for (size_t d = 0; d < sc->ndims; d++) {
        size_t k = sc->ndimitems[d], answered = 0;
        double sum = 0;
        for (size_t j = 0; j < k; j++) {
            size_t pos = sc->dimitems[d][j];
            double x = sc->val[sc->item_slot[pos]];
            if (isnan(x))
                continue;
            /* the mean of POMP item scores equals POMP of the mean when the
             * items share one scale, and stays right when they do not */
            sum += pomp(f, pos, scored_value(f, pos, x));
            answered++;
        }
        sc->score[d] = (k > 0 && answered * 2 >= k) ? sum / (double)answered : NAN;
    }
}

static int on_response(void *ud, const store_scan_row_t *r)
{
    scan_t *sc = ud;
    const form_t *f = sc->f;
    sc->respondents++;
    if (sc->o && sc->o->progress && (sc->respondents & 4095) == 0)
        sc->o->progress(sc->o->progress_ud, sc->done_before + sc->respondents, sc->total);
    for (size_t i = 0; i < sc->nscored; i++)
        sc->val[i] = NAN;
    for (size_t i = 0; i < f->nitems; i++)
        sc->at[i] = -1;
    for (size_t i = 0; i < r->n; i++)
        sc->at[r->pos[i]] = (int)i;
    int g = group_of(sc, r);
    for (size_t i = 0; i < r->n; i++) {
        int slot = sc->item_slot[r->pos[i]];
        if (slot >= 0 && !isnan(r->num[i]))
            sc->val[slot] = r->num[i];
    }
    score_response(sc);
    if (g >= 0)
        sc->gn[g]++;
    uint32_t *xrow = g >= 0 && sc->xrow ? sc->xrow + (size_t)g * sc->xstride : NULL;
    for (size_t k = 0; k < sc->nx; k++) {
        long h = other_group_of(sc, k, r);
        if (h < 0)
            continue;
        sc->xtot[sc->xtoff[k] + (size_t)h]++;
        if (!xrow)
            continue;
        if (sc->xoff[k] != XSPARSE)
            xrow[sc->xoff[k] + (size_t)h]++;
        else
            xmap_add(&sc->xmap, (size_t)g, k, (size_t)h);
    }
    for (size_t d = 0; d < sc->ndims; d++) {
        if (isnan(sc->score[d]))
            continue;
        stats_acc_add(&sc->pop[d], sc->score[d]);
        if (g >= 0)
            stats_acc_add(&sc->cell[(size_t)g * sc->ndims + d], sc->score[d]);
    }
    if (sc->light)
        return 0;

    /* within-person deviations: score minus the respondent's own mean over
     * their scored dimensions, so a dimension is "weak" relative to the
     * others in the same heads, whatever each person's general level */
    double msum = 0;
    size_t mk = 0;
    for (size_t d = 0; d < sc->ndims; d++)
        if (!isnan(sc->score[d])) {
            msum += sc->score[d];
            mk++;
        }
    for (size_t d = 0; d < sc->ndims; d++) {
        if (isnan(sc->score[d]))
            continue;
        stats_acc_add(&sc->dev[d], sc->score[d] - msum / (double)mk);
        if (g >= 0)
            kw_add(&sc->kw[d], sc->score[d], (size_t)g);
        /* alpha uses complete cases of the dimension's items */
        size_t k = sc->ndimitems[d], j;
        for (j = 0; j < k; j++) {
            size_t pos = sc->dimitems[d][j];
            double x = sc->val[sc->item_slot[pos]];
            if (isnan(x))
                break;
            sc->row[j] = scored_value(f, pos, x);
        }
        if (j == k && sc->cov[d])
            stats_cov_add(sc->cov[d], sc->row);
    }
    for (size_t i = 0; i < sc->nscored; i++) {
        double x = sc->val[i];
        if (isnan(x))
            continue;
        stats_acc_add(&sc->item[i], x);
        int li = f->items[sc->scored_pos[i]].list;
        const form_list_t *l = &f->lists[li];
        const choicehash_t *ch = &sc->chash[li];
        double v = x - (double)ch->vmin;
        if (ch->byval) {
            /* the values are distinct whole numbers: the one choice with
             * this value, if any */
            if (v >= 0 && v < (double)ch->vspan && (double)(size_t)v == v) {
                int c = ch->byval[(size_t)v];
                if (c >= 0)
                    sc->likert[i * sc->maxchoices + (size_t)c] += 1;
            }
        } else {
            for (size_t c = 0; c < l->nchoices; c++)
                if (l->choices[c].num == x)
                    sc->likert[i * sc->maxchoices + c] += 1;
        }
        if (g >= 0)
            stats_acc_add(&sc->gitem[(size_t)g * sc->nscored + i], x);
    }
    /* free-text comments (text items outside dimensions) */
    if (g >= 0) {
        int wrote = 0;
        for (size_t i = 0; i < r->n; i++) {
            if (!sc->is_text[r->pos[i]] || !r->text[i] || !r->text[i][0])
                continue;
            wrote = 1;
            if (sc->ncomments[g] < RES_COMMENTS_KEPT)
                sc->comments[(size_t)g * RES_COMMENTS_KEPT + sc->ncomments[g]++] =
                    util_xstrdup(r->text[i]);
        }
        sc->ncommenters[g] += wrote;
    }
    return 0;
}

static void scan_init(scan_t *sc, const form_t *f, size_t ngroups, int light)
{
    sc->f = f;
    sc->light = light;
    sc->ndims = f->ndims;
    sc->ngroups = ngroups;
    sc->item_slot = util_xmalloc((f->nitems + 1) * sizeof *sc->item_slot);
    sc->scored_pos = util_xmalloc((f->nitems + 1) * sizeof *sc->scored_pos);
    sc->dimitems = util_xcalloc(f->ndims + 1, sizeof *sc->dimitems);
    sc->ndimitems = util_xcalloc(f->ndims + 1, sizeof *sc->ndimitems);
    for (size_t i = 0; i < f->nitems; i++) {
        sc->item_slot[i] = -1;
        if (!form_item_scored(f, &f->items[i]))
            continue;
        sc->item_slot[i] = (int)sc->nscored;
        sc->scored_pos[sc->nscored++] = i;
        size_t d = (size_t)f->items[i].dim;
        sc->dimitems[d] = util_xrealloc(sc->dimitems[d], (sc->ndimitems[d] + 1) * sizeof **sc->dimitems);
        sc->dimitems[d][sc->ndimitems[d]++] = i;
        size_t nc = f->lists[f->items[i].list].nchoices;
        if (nc > sc->maxchoices)
            sc->maxchoices = nc;
    }
    size_t nd = sc->ndims + 1, ng = ngroups + 1, ns = sc->nscored + 1;
    sc->gn = util_xcalloc(ng, sizeof *sc->gn);
    sc->pop = util_xcalloc(nd, sizeof *sc->pop);
    sc->cell = util_xcalloc(ng * nd, sizeof *sc->cell);
    sc->dev = util_xcalloc(nd, sizeof *sc->dev);
    sc->cov = util_xcalloc(nd, sizeof *sc->cov);
    sc->item = util_xcalloc(ns, sizeof *sc->item);
    sc->likert = util_xcalloc(ns * (sc->maxchoices + 1), sizeof *sc->likert);
    sc->gitem = util_xcalloc(ng * ns, sizeof *sc->gitem);
    sc->kw = util_xcalloc(nd, sizeof *sc->kw);
    sc->comments = util_xcalloc(ng * RES_COMMENTS_KEPT, sizeof *sc->comments);
    sc->ncomments = util_xcalloc(ng, sizeof *sc->ncomments);
    sc->ncommenters = util_xcalloc(ng, sizeof *sc->ncommenters);
    sc->val = util_xcalloc(ns, sizeof *sc->val);
    sc->score = util_xcalloc(nd, sizeof *sc->score);
    sc->row = util_xcalloc(ns, sizeof *sc->row);
    sc->at = util_xmalloc((f->nitems + 1) * sizeof *sc->at);
    sc->is_text = util_xcalloc(f->nitems + 1, 1);
    for (size_t i = 0; i < f->nitems; i++)
        sc->is_text[i] = f->items[i].type == FORM_TEXT;
    sc->chash = util_xcalloc(f->nlists + 1, sizeof *sc->chash);
    for (size_t l = 0; l < f->nlists; l++)
        choicehash_init(&sc->chash[l], &f->lists[l]);
    for (size_t d = 0; d < sc->ndims; d++) {
        kw_init(&sc->kw[d], ngroups);
        if (sc->ndimitems[d] >= 2)
            sc->cov[d] = stats_cov_new(sc->ndimitems[d]);
    }
}

static void scan_free(scan_t *sc)
{
    free(sc->xlist);
    free(sc->xtoff);
    free(sc->xtot);
    free(sc->xoff);
    free(sc->xrow);
    free(sc->xmap.e);
    free(sc->xsp);
    free(sc->xsp_at);
    free(sc->xpos);
    free(sc->xsize);
    for (size_t d = 0; d < sc->ndims; d++) {
        free(sc->dimitems[d]);
        stats_cov_free(sc->cov ? sc->cov[d] : NULL);
        if (sc->kw)
            kw_free(&sc->kw[d]);
    }
    if (sc->comments)
        for (size_t i = 0; i < sc->ngroups * RES_COMMENTS_KEPT; i++)
            free(sc->comments[i]);
    free(sc->dimitems);
    free(sc->ndimitems);
    free(sc->item_slot);
    free(sc->scored_pos);
    free(sc->unit_group);
    free(sc->gn);
    free(sc->pop);
    free(sc->cell);
    free(sc->dev);
    free(sc->cov);
    free(sc->item);
    free(sc->likert);
    free(sc->gitem);
    free(sc->kw);
    free(sc->comments);
    free(sc->ncomments);
    free(sc->ncommenters);
    free(sc->val);
    free(sc->score);
    free(sc->row);
    free(sc->at);
    for (size_t l = 0; sc->chash && l < sc->f->nlists; l++) {
        free(sc->chash[l].slot);
        free(sc->chash[l].byval);
    }
    free(sc->is_text);
    free(sc->chash);
}

/* ---- building the result ---- */

/* Warnings and findings are in the result's language (the report's
 * --lang), which need not be the process's: TR(zh_of(r), ...). */
static int zh_of(const res_t *r)
{
    return strcmp(r->lang, "zh") == 0;
}

static void warn(res_t *r, const char *fmt, ...) UTIL_PRINTF(2, 3);
static void warn(res_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    r->warnings = util_xrealloc(r->warnings, (r->nwarnings + 1) * sizeof *r->warnings);
    r->warnings[r->nwarnings++] = m;
}

typedef struct {
    store_t *s;
    res_t *r;
    int *unit_group;
    size_t nunit_ids;
    double *headcount;   /* per group, NAN unknown */
    size_t ngroups, capgroups;
} unitload_t;

static int on_unit(void *ud, const store_unit_t *u)
{
    unitload_t *ul = ud;
    if ((size_t)u->id >= ul->nunit_ids) {
        size_t n = (size_t)u->id + 64;
        ul->unit_group = util_xrealloc(ul->unit_group, n * sizeof *ul->unit_group);
        for (size_t i = ul->nunit_ids; i < n; i++)
            ul->unit_group[i] = -1;
        ul->nunit_ids = n;
    }
    if (ul->ngroups == ul->capgroups) {
        ul->capgroups = ul->capgroups ? ul->capgroups * 2 : 64;
        ul->r->groups = util_xrealloc(ul->r->groups, ul->capgroups * sizeof *ul->r->groups);
        ul->headcount = util_xrealloc(ul->headcount, ul->capgroups * sizeof *ul->headcount);
    }
    res_group_t *g = &ul->r->groups[ul->ngroups];
    memset(g, 0, sizeof *g);
    g->code = util_xstrdup(u->code);
    g->name = util_xstrdup(u->name);
    g->invited = NAN;
    g->response_rate = NAN;
    ul->headcount[ul->ngroups] = u->headcount >= 0 ? (double)u->headcount : NAN;
    ul->unit_group[u->id] = (int)ul->ngroups++;
    return 0;
}

typedef struct {
    int *unit_group;
    size_t nunit_ids;
    double *invited;
} tokload_t;

static int on_tokens(void *ud, int unit, long issued, long used)
{
    tokload_t *t = ud;
    (void)used;
    if (unit > 0 && (size_t)unit < t->nunit_ids && t->unit_group[unit] >= 0)
        t->invited[t->unit_group[unit]] = (double)issued;
    return 0;
}

/* Groups under min_n are suppressed; if the suppressed together hold fewer
 * than min_n, the next smallest is suppressed too, so no small group can be
 * recovered by subtracting the shown ones from the total.  Respondents in
 * no group (no unit, or the --by question unanswered) are in the total
 * too, so they count as hidden: three people who skipped "party member"
 * would otherwise be the population minus the two shown groups.  And a
 * grouping never has exactly one hidden group when everyone is in a group:
 * that group would be the total minus the shown ones, exactly (a group is
 * hidden with min_n or more only by the differencing defence, which the
 * exact figure would undo). */
static void suppress(res_t *r)
{
    long hidden = r->respondents, ungrouped;
    size_t nhidden = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        hidden -= r->groups[i].n;
    ungrouped = hidden;
    for (size_t i = 0; i < r->ngroups; i++)
        if (r->groups[i].n > 0 && (r->groups[i].n < r->min_n || r->groups[i].suppressed)) {
            r->groups[i].suppressed = 1;
            hidden += r->groups[i].n;
            nhidden++;
        }
    if (((nhidden > 0 || hidden > 0) && hidden < r->min_n) || (nhidden == 1 && ungrouped == 0)) {
        long best = -1;
        for (size_t i = 0; i < r->ngroups; i++)
            if (!r->groups[i].suppressed && r->groups[i].n > 0 &&
                (best < 0 || r->groups[i].n < r->groups[best].n))
                best = (long)i;
        if (best >= 0) {
            r->groups[best].suppressed = 1;
            nhidden++;
        }
    }
    r->nsuppressed = nhidden;
}

/* ---- the differencing defence across groupings (issue 9) ----
 *
 * What an analysis publishes is, for each shown group, its n and the means
 * of its respondents (so their sums), and the same for everyone (so the
 * pool of hidden groups and ungrouped respondents too: the total minus the
 * shown groups).  Each grouping therefore cuts the respondents into
 * published blocks: its shown groups and its pool.  A researcher can run
 * the analysis by unit and by every select_one question, so every grouping
 * is published, each under its own small-group rules (other_shown).
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

/* Would group h be shown by an analysis grouped by other grouping k?  The
 * same two rules as suppress(): at least min_n, and not the smallest when
 * that grouping's hidden and ungrouped respondents are fewer than min_n.
 * (The other grouping's own differencing suppression is not predicted:
 * its run applies this same defence from its side.)  Into shown, indexed
 * by xtoff[k] + h. */
static void other_shown_all(const res_t *r, const scan_t *sc, size_t k, char *shown)
{
    long hidden = r->respondents, smallest = -1;
    for (size_t j = 0; j < sc->xsize[k]; j++) {
        long nj = xn_of(sc, k, j);
        if (nj >= r->min_n) {
            hidden -= nj;
            if (smallest < 0 || nj < xn_of(sc, k, (size_t)smallest))
                smallest = (long)j;
        }
    }
    for (size_t j = 0; j < sc->xsize[k]; j++)
        shown[sc->xtoff[k] + j] = xn_of(sc, k, j) >= r->min_n &&
                                  !(hidden > 0 && hidden < r->min_n && smallest == (long)j);
}

/* A block's links to the other grouping's blocks: the sizes of those that
 * lie wholly inside it (and how many), and of all that meet it. */
typedef struct {
    long in, meet;
    long nin;
} blocklink_t;

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
static long cross_w(const res_t *r, const scan_t *sc, const char *xshown, size_t g, size_t k,
                    long h)
{
    if (h >= 0) {
        if (sc->xoff[k] != XSPARSE)
            return sc->xrow[g * sc->xstride + sc->xoff[k] + (size_t)h];
        for (size_t i = sc->xsp_at[g]; i < sc->xsp_at[g + 1]; i++)
            if (sc->xsp[i].k == k && sc->xsp[i].h == (uint32_t)h)
                return sc->xsp[i].n;
        return 0;
    }
    long w = r->groups[g].n;
    if (sc->xoff[k] != XSPARSE) {
        for (size_t j = 0; j < sc->xsize[k]; j++)
            if (xshown[sc->xtoff[k] + j])
                w -= sc->xrow[g * sc->xstride + sc->xoff[k] + j];
    } else {
        for (size_t i = sc->xsp_at[g]; i < sc->xsp_at[g + 1]; i++)
            if (sc->xsp[i].k == k && xshown[sc->xtoff[k] + sc->xsp[i].h])
                w -= sc->xsp[i].n;
    }
    return w;
}

/* The smallest shown group of this grouping whose overlap w with block
 * (k, h) of another grouping passes want: 0 inside it, 1 meeting it, 2
 * not inside it, 3 not meeting it; -1 when there is none. */
static long smallest_by_overlap(const res_t *r, const scan_t *sc, const char *xshown, size_t k,
                                long h, int want)
{
    long best = -1;
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (G->suppressed || G->n == 0 || (best >= 0 && G->n >= r->groups[best].n))
            continue;
        long w = cross_w(r, sc, xshown, g, k, h);
        int ok = want == 0 ? w == G->n : want == 1 ? w > 0 : want == 2 ? w < G->n : w == 0;
        if (ok)
            best = (long)g;
    }
    return best;
}

static long smallest_shown(const res_t *r)
{
    long best = -1;
    for (size_t g = 0; g < r->ngroups; g++)
        if (!r->groups[g].suppressed && r->groups[g].n > 0 &&
            (best < 0 || r->groups[g].n < r->groups[best].n))
            best = (long)g;
    return best;
}

/* One round over every other grouping: marks in hide[] the groups to
 * suppress.  Returns how many it marked. */
static size_t linked_round(const res_t *r, const scan_t *sc, const char *xshown, char *hide,
                           blocklink_t *ylink, long *ypool_w, blocklink_t *xk, long *inshown)
{
    long T = r->respondents, m = r->min_n, pool = T;
    size_t marked = 0;
    int widen = 0;
    for (size_t g = 0; g < r->ngroups; g++)
        if (!r->groups[g].suppressed)
            pool -= r->groups[g].n;
    size_t tot = sc->xtoff[sc->nx];
    memset(ylink, 0, (tot + sc->nx) * sizeof *ylink);
    /* ypool_w: per block of each other grouping, its respondents in this
     * grouping's pool (start from all, take the shown groups away) */
    memcpy(ypool_w, sc->xtot, tot * sizeof *ypool_w);
    long *bpool = inshown + sc->nx;   /* size of each other grouping's pool */
    for (size_t k = 0; k < sc->nx; k++) {
        bpool[k] = T;
        for (size_t j = 0; j < sc->xsize[k]; j++)
            if (xshown[sc->xtoff[k] + j])
                bpool[k] -= xn_of(sc, k, j);
    }
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_group_t *G = &r->groups[g];
        if (G->suppressed || G->n == 0)
            continue;
        long n = G->n;
        memset(xk, 0, sc->nx * sizeof *xk);
        memset(inshown, 0, sc->nx * sizeof *inshown);
        const uint32_t *row = sc->xrow + g * sc->xstride;
        for (size_t k = 0; k < sc->nx; k++) {
            if (sc->xoff[k] == XSPARSE)
                continue;
            for (size_t h = 0; h < sc->xsize[k]; h++) {
                long w = row[sc->xoff[k] + h];
                size_t yi = sc->xtoff[k] + h;
                if (!w || !xshown[yi])
                    continue;
                link_add(&xk[k], w, xn_of(sc, k, h));
                link_add(&ylink[yi], w, n);
                inshown[k] += w;
                ypool_w[yi] -= w;
            }
        }
        for (size_t i = sc->xsp_at[g]; i < sc->xsp_at[g + 1]; i++) {
            const xpair_t *p = &sc->xsp[i];
            size_t yi = sc->xtoff[p->k] + p->h;
            if (!xshown[yi])
                continue;
            link_add(&xk[p->k], p->n, xn_of(sc, p->k, p->h));
            link_add(&ylink[yi], p->n, n);
            inshown[p->k] += p->n;
            ypool_w[yi] -= p->n;
        }
        int exposed = 0;
        for (size_t k = 0; k < sc->nx; k++) {
            long w = n - inshown[k];   /* g's respondents in k's pool */
            link_add(&xk[k], w, bpool[k]);
            link_add(&ylink[tot + k], w, n);
            exposed |= link_exposed(&xk[k], n, m);
        }
        if (exposed && !hide[g]) {
            hide[g] = 1;
            marked++;
        }
    }
    /* this grouping's pool as a block */
    for (size_t k = 0; k < sc->nx; k++) {
        blocklink_t px = {0, 0, 0};
        long inpools = pool;
        for (size_t h = 0; h < sc->xsize[k] && pool > 0; h++) {
            size_t yi = sc->xtoff[k] + h;
            if (!xshown[yi])
                continue;
            link_add(&px, ypool_w[yi], xn_of(sc, k, h));
            link_add(&ylink[yi], ypool_w[yi], pool);
            inpools -= ypool_w[yi];
        }
        if (pool > 0) {
            link_add(&px, inpools, bpool[k]);
            link_add(&ylink[tot + k], inpools, pool);
            widen |= link_exposed(&px, pool, m);
        }
        /* the other grouping's blocks against this one's */
        for (size_t h = 0; h <= sc->xsize[k]; h++) {
            int is_pool = h == sc->xsize[k];
            size_t yi = is_pool ? tot + k : sc->xtoff[k] + h;
            if (!is_pool && !xshown[yi])
                continue;
            long ysize = is_pool ? bpool[k] : xn_of(sc, k, h);
            if (ysize <= 0)
                continue;
            const blocklink_t *y = &ylink[yi];
            long inside = ysize - y->in, around = y->meet - ysize;
            long hh = is_pool ? -1 : (long)h;
            long pw = is_pool ? inpools : ypool_w[yi];   /* this pool's share of it */
            long pick = -1;
            if (y->nin > 0 && inside >= 1 && inside < m) {
                /* Y minus this grouping's blocks inside it: take one of
                 * them out of Y's reach (into a pool that is not inside Y),
                 * or, when the pool lies inside Y, put a group that is not
                 * inside Y into the pool */
                if (!(pool > 0 && pw == pool))
                    pick = smallest_by_overlap(r, sc, xshown, k, hh, 0);
                else
                    pick = smallest_by_overlap(r, sc, xshown, k, hh, 2);
            } else if (around >= 1 && around < m) {
                /* this grouping's blocks meeting Y minus Y: merge one of
                 * them into a pool that does not meet Y, or, when the pool
                 * meets Y, put a group that does not meet Y into it */
                if (!(pool > 0 && pw > 0))
                    pick = smallest_by_overlap(r, sc, xshown, k, hh, 1);
                else
                    pick = smallest_by_overlap(r, sc, xshown, k, hh, 3);
            } else {
                continue;
            }
            if (pick < 0)
                pick = smallest_shown(r);
            if (pick >= 0 && !hide[pick]) {
                hide[pick] = 1;
                marked++;
            }
        }
    }
    if (widen) {
        /* the pool is exposed: widen it by the next smallest shown group */
        long best = -1;
        for (size_t g = 0; g < r->ngroups; g++)
            if (!r->groups[g].suppressed && r->groups[g].n > 0 && !hide[g] &&
                (best < 0 || r->groups[g].n < r->groups[best].n))
                best = (long)g;
        if (best >= 0) {
            hide[best] = 1;
            marked++;
        }
    }
    return marked;
}

static void suppress_nested(res_t *r, const scan_t *sc)
{
    size_t nested = 0, tot = sc->xtoff[sc->nx];
    char *xshown = util_xcalloc(tot + 1, 1);
    for (size_t k = 0; k < sc->nx; k++)
        other_shown_all(r, sc, k, xshown);
    char *hide = util_xcalloc(r->ngroups + 1, 1);
    blocklink_t *ylink = util_xmalloc((tot + sc->nx + 1) * sizeof *ylink);
    blocklink_t *xk = util_xmalloc((sc->nx + 1) * sizeof *xk);
    long *ypool_w = util_xmalloc((tot + 1) * sizeof *ypool_w);
    long *scratch = util_xmalloc((2 * sc->nx + 1) * sizeof *scratch);
    for (;;) {
        memset(hide, 0, r->ngroups + 1);
        if (linked_round(r, sc, xshown, hide, ylink, ypool_w, xk, scratch) == 0)
            break;
        size_t before = 0, after = 0;
        for (size_t g = 0; g < r->ngroups; g++) {
            before += r->groups[g].suppressed;
            if (hide[g])
                r->groups[g].suppressed = 1;
        }
        suppress(r);   /* the complementary rules over the new hidden set */
        for (size_t g = 0; g < r->ngroups; g++)
            after += r->groups[g].suppressed;
        if (after == before)
            break;   /* nothing left to hide: the total alone is published */
        nested += after - before;
    }
    free(xshown);
    free(hide);
    free(ylink);
    free(xk);
    free(ypool_w);
    free(scratch);
    if (nested)
        warn(r,
             i18n_npick(zh_of(r),
                        "%zu group suppressed so that no group of another grouping can be "
                        "recovered by subtraction (differencing protection)",
                        "%zu groups suppressed so that no group of another grouping can be "
                        "recovered by subtraction (differencing protection)",
                        nested),
             nested);
}

static int on_count_sum(void *ud, int unit, long n)
{
    (void)unit;
    *(long *)ud += n;
    return 0;
}

static int on_unit_maxid(void *ud, const store_unit_t *u)
{
    int *maxid = ud;
    if (u->id > *maxid)
        *maxid = u->id;
    return 0;
}

static res_funnel_t funnel(double mean, double grand, double se)
{
    if (!isfinite(se))
        return RES_INSIDE;
    if (mean < grand - STATS_Z998 * se)
        return RES_BELOW_998;
    if (mean < grand - STATS_Z95 * se)
        return RES_BELOW_95;
    if (mean > grand + STATS_Z998 * se)
        return RES_ABOVE_998;
    if (mean > grand + STATS_Z95 * se)
        return RES_ABOVE_95;
    return RES_INSIDE;
}

static void dim_stats(res_t *r, scan_t *sc, size_t d, const an_opts_t *o)
{
    res_dim_t *D = &r->dims[d];
    const form_t *f = sc->f;
    int li = form_lang(f, o->lang);
    stats_acc_t *pop = &sc->pop[d];
    D->n = pop->n;
    D->mean = pop->n > 0 ? pop->mean : NAN;
    D->sd = stats_acc_sd(pop);
    stats_mean_ci(pop, 0.95, &D->ci_low, &D->ci_high);
    D->grand = D->mean;

    size_t k = sc->ndimitems[d];
    D->nitems = k;
    D->items = util_xcalloc(k + 1, sizeof *D->items);
    double *rdrop = util_xcalloc(k + 1, sizeof *rdrop), *aid = util_xcalloc(k + 1, sizeof *aid);
    stats_alpha_t a = {0};
    a.r_drop = rdrop;
    a.alpha_if_dropped = aid;
    D->alpha = D->std_alpha = D->average_r = D->alpha_ci_low = D->alpha_ci_high = NAN;
    D->alpha_n = sc->cov[d] ? stats_cov_n(sc->cov[d]) : 0;
    int alpha_ok = sc->cov[d] && stats_alpha(sc->cov[d], &a) == 0;
    if (alpha_ok) {
        D->alpha = a.alpha;
        D->std_alpha = a.std_alpha;
        D->average_r = a.average_r;
        D->alpha_ci_low = a.ci_low;
        D->alpha_ci_high = a.ci_high;
    } else if (k >= 2) {
        warn(r, TR(zh_of(r), "%s: reliability not computable (too few complete answers or no variance)"),
             D->code);
    }
    for (size_t j = 0; j < k; j++) {
        size_t pos = sc->dimitems[d][j];
        size_t slot = (size_t)sc->item_slot[pos];
        const form_item_t *it = &f->items[pos];
        const form_list_t *l = &f->lists[it->list];
        res_item_t *I = &D->items[j];
        I->name = util_xstrdup(it->name);
        I->label = util_xstrdup(form_text(f, it->label, li));
        I->n = sc->item[slot].n;
        I->mean = I->n > 0 ? sc->item[slot].mean : NAN;
        I->sd = stats_acc_sd(&sc->item[slot]);
        I->r_drop = alpha_ok ? rdrop[j] : NAN;
        I->alpha_if_dropped = alpha_ok ? aid[j] : NAN;
        I->reverse = it->reverse;
        I->nchoices = l->nchoices;
        I->choice_labels = util_xcalloc(l->nchoices + 1, sizeof *I->choice_labels);
        I->counts = util_xcalloc(l->nchoices + 1, sizeof *I->counts);
        for (size_t c = 0; c < l->nchoices; c++) {
            I->choice_labels[c] = util_xstrdup(form_text(f, l->choices[c].label, li));
            I->counts[c] = sc->likert[slot * sc->maxchoices + c];
        }
    }
    free(rdrop);
    free(aid);

    /* between-group statistics over every group with scores, suppressed
     * ones included: they describe the spread, not any one group */
    size_t ng = 0;
    stats_acc_t *gs = util_xcalloc(sc->ngroups + 1, sizeof *gs);
    double N = 0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        stats_acc_t *c = &sc->cell[g * sc->ndims + d];
        if (c->n > 0) {
            gs[ng++] = *c;
            N += c->n;
        }
    }
    stats_anova_t an;
    D->f = D->df_between = D->df_within = D->p_anova = D->eta2 = D->omega2 = NAN;
    D->icc1 = D->icc2 = D->msw = D->tau2 = NAN;
    if (stats_anova(gs, ng, &an) == 0) {
        D->f = an.f;
        D->df_between = an.df_between;
        D->df_within = an.df_within;
        D->p_anova = an.p;
        D->eta2 = an.eta2;
        D->omega2 = an.omega2;
        D->msw = an.msw;
        double kbar = N / (double)ng;   /* multilevel::ICC1 uses the mean group size */
        D->icc1 = stats_icc1(&an, kbar);
        D->icc2 = stats_icc2(&an);
        D->tau2 = fmax(0.0, (an.msb - an.msw) / kbar);
    } else {
        warn(r, TR(zh_of(r), "%s: ANOVA not computable (fewer than two groups with scores)"), D->code);
    }
    D->welch_f = D->welch_df1 = D->welch_df2 = D->welch_p = NAN;
    if (stats_welch_anova(gs, ng, &D->welch_f, &D->welch_df1, &D->welch_df2, &D->welch_p) != 0)
        warn(r, TR(zh_of(r), "%s: Welch ANOVA not computable (a group has fewer than two scores or "
                             "no variance)"),
             D->code);
    /* Kruskal-Wallis from the distinct-score table, values ascending */
    kwtab_t *kt = &sc->kw[d];
    size_t nv = kt->nvals;
    size_t *order = util_xmalloc((nv + 1) * sizeof *order);
    for (size_t v = 0; v < nv; v++)
        order[v] = v;
    sort_vals = kt->vals;
    qsort(order, nv, sizeof *order, cmp_by_val);
    double *vals = util_xmalloc((nv + 1) * sizeof *vals);
    double *counts = util_xcalloc((nv + 1) * (sc->ngroups + 1), sizeof *counts);
    for (size_t v = 0; v < nv; v++)
        vals[v] = kt->vals[order[v]];
    for (size_t g = 0; g < sc->ngroups; g++)
        for (size_t v = 0; v < nv; v++)
            counts[g * nv + v] = kt->counts[g * kt->capvals + order[v]];
    D->kw_h = D->kw_df = D->kw_p = NAN;
    if (stats_kruskal(vals, nv, counts, sc->ngroups, &D->kw_h, &D->kw_df, &D->kw_p) != 0)
        warn(r, TR(zh_of(r), "%s: Kruskal-Wallis not computable"), D->code);
    free(order);
    free(vals);
    free(counts);
    free(gs);

    D->deviation = sc->dev[d].n > 0 ? sc->dev[d].mean : NAN;
    D->dev_t = D->dev_df = D->dev_p = D->dev_q = NAN;
    if (stats_one_sample_t(&sc->dev[d], 0.0, &D->dev_t, &D->dev_df, &D->dev_p) != 0)
        warn(r, TR(zh_of(r), "%s: deviation test not computable"), D->code);
}

static void cell_stats(res_t *r, scan_t *sc, size_t gi, size_t d)
{
    res_dim_t *D = &r->dims[d];
    res_cell_t *C = &r->groups[gi].cells[d];
    stats_acc_t *c = &sc->cell[gi * sc->ndims + d];
    C->n = c->n;
    C->mean = c->n > 0 ? c->mean : NAN;
    C->sd = stats_acc_sd(c);
    stats_mean_ci(c, 0.95, &C->ci_low, &C->ci_high);
    /* empirical Bayes: pull small groups towards the grand mean in
     * proportion to how little their own mean can be trusted */
    C->shrunk = NAN;
    if (c->n > 0 && isfinite(D->tau2) && isfinite(D->msw)) {
        double denom = D->tau2 + D->msw / c->n;
        double B = denom > 0 ? D->tau2 / denom : 0;
        C->shrunk = D->grand + B * (C->mean - D->grand);
    }
    /* rwg(j): mean observed item variance in the group (missing answers
     * dropped per item), against the uniform null (A^2-1)/12 */
    size_t k = sc->ndimitems[d], used = 0;
    double vsum = 0, A = 0;
    for (size_t j = 0; j < k; j++) {
        size_t pos = sc->dimitems[d][j];
        size_t slot = (size_t)sc->item_slot[pos];
        double v = stats_acc_var(&sc->gitem[gi * sc->nscored + slot]);
        A = (double)sc->f->lists[sc->f->items[pos].list].nchoices;
        if (!isnan(v)) {
            vsum += v;
            used++;
        }
    }
    C->rwg_j = used > 0 ? stats_rwg_j(k, vsum / (double)used, stats_rwg_ranvar(A)) : NAN;
    stats_acc_t others = stats_acc_minus(&sc->pop[d], c);
    C->diff = (c->n > 0 && others.n > 0) ? C->mean - others.mean : NAN;
    C->t = C->df = C->p = C->q = NAN;
    stats_welch_t(c, &others, &C->t, &C->df, &C->p);
    double se = (c->n > 0 && isfinite(D->msw)) ? sqrt(D->msw / c->n + (isfinite(D->tau2) ? D->tau2 : 0)) : NAN;
    C->funnel = c->n > 0 ? funnel(C->mean, D->grand, se) : RES_INSIDE;
}

static int cmp_dim_mean_desc(const void *a, const void *b)
{
    const res_dim_t *x = *(res_dim_t *const *)a, *y = *(res_dim_t *const *)b;
    double mx = isnan(x->mean) ? -1 : x->mean, my = isnan(y->mean) ? -1 : y->mean;
    return (mx < my) - (mx > my);
}

/* ---- self-assessment scores for the gaps ---- */

typedef struct {
    const form_t *sf;        /* the self form */
    int *dimmap;             /* self dim -> target dim, -1 */
    scan_t *target;          /* for unit_group */
    stats_acc_t *self;       /* ngroups x target ndims */
    long responses;
} selfscan_t;

static int on_self(void *ud, const store_scan_row_t *r)
{
    selfscan_t *ss = ud;
    const form_t *f = ss->sf;
    scan_t *tg = ss->target;
    if (r->unit <= 0 || (size_t)r->unit >= tg->nunit_ids || tg->unit_group[r->unit] < 0)
        return 0;
    size_t g = (size_t)tg->unit_group[r->unit];
    ss->responses++;
    for (size_t d = 0; d < f->ndims; d++) {
        if (ss->dimmap[d] < 0)
            continue;
        double sum = 0;
        size_t k = 0, answered = 0;
        for (size_t i = 0; i < f->nitems; i++) {
            if (f->items[i].dim != (int)d || !form_item_scored(f, &f->items[i]))
                continue;
            k++;
            for (size_t a = 0; a < r->n; a++)
                if ((size_t)r->pos[a] == i && !isnan(r->num[a])) {
                    sum += pomp(f, i, scored_value(f, i, r->num[a]));
                    answered++;
                }
        }
        if (k > 0 && answered * 2 >= k)
            stats_acc_add(&ss->self[g * tg->ndims + (size_t)ss->dimmap[d]], sum / (double)answered);
    }
    return 0;
}

static int self_scores(store_t *s, int wave, scan_t *tg, stats_acc_t *self, long *nresp,
                       char **err)
{
    char **ids = NULL;
    size_t nids = 0;
    int rc = -1;
    if (store_form_ids_by_role(s, FORM_ROLE_SELF, &ids, &nids, err) != 0)
        return -1;
    for (size_t i = 0; i < nids; i++) {
        form_t *sf = NULL;
        int fid;
        if (store_form_get(s, ids[i], &sf, &fid, err) != 0)
            goto cleanup;
        selfscan_t ss = {sf, util_xcalloc(sf->ndims + 1, sizeof(int)), tg, self, 0};
        int any = 0;
        for (size_t d = 0; d < sf->ndims; d++) {
            ss.dimmap[d] = form_dim_index(tg->f, sf->dims[d].code);
            any |= ss.dimmap[d] >= 0;
        }
        int r = any ? store_scan(s, ids[i], wave, sf, on_self, &ss, err) : 0;
        *nresp += ss.responses;
        free(ss.dimmap);
        form_free(sf);
        if (r != 0)
            goto cleanup;
    }
    rc = 0;
cleanup:
    for (size_t i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    return rc;
}

/* ---- findings ---- */

static void finding(res_t *r, res_fkind_t kind, const char *fmt, ...) UTIL_PRINTF(3, 4);
static void finding(res_t *r, res_fkind_t kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    r->findings = util_xrealloc(r->findings, (r->nfindings + 1) * sizeof *r->findings);
    r->findings[r->nfindings].kind = kind;
    r->findings[r->nfindings++].text = m;
}

static const char *fmt_p(double p, char buf[32])
{
    if (isnan(p))
        snprintf(buf, 32, "NA");
    else if (p < 0.001)
        snprintf(buf, 32, "< 0.001");
    else
        snprintf(buf, 32, "= %.3f", p);
    return buf;
}

/* One sentence per unit that over- (or under-) claims, naming each of its
 * flagged dimensions with both scores; units with the largest gap first,
 * so the list reads as a priority list. */
static void gap_findings(res_t *r, res_gapflag_t flag)
{
    int zh = strcmp(r->lang, "zh") == 0;
    size_t *order = util_xmalloc((r->ngroups + 1) * sizeof *order);
    double *worst = util_xcalloc(r->ngroups + 1, sizeof *worst);
    size_t n = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
        int any = 0;
        for (size_t i = 0; i < r->ngaps; i++)
            if (r->gaps[i].group == g && r->gaps[i].flag == flag) {
                double m = fabs(r->gaps[i].gap);
                if (!any || m > worst[g])
                    worst[g] = m;
                any = 1;
            }
        if (any)
            order[n++] = g;
    }
    for (size_t a = 1; a < n; a++)   /* insertion sort: a few dozen units at most */
        for (size_t b = a; b > 0 && worst[order[b]] > worst[order[b - 1]]; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    for (size_t k = 0; k < n; k++) {
        size_t g = order[k];
        res_group_t *G = &r->groups[g];
        util_buf_t b = {0};
        size_t cnt = 0;
        for (size_t i = 0; i < r->ngaps; i++) {
            res_gap_t *gp = &r->gaps[i];
            if (gp->group != g || gp->flag != flag)
                continue;
            if (cnt++)
                /* TRANSLATORS: separates the dimensions listed in one
                 * self-vs-staff gap finding */
                util_buf_adds(&b, TR(zh, "; "));
            util_buf_addf(&b, TR(zh, "%s: self %.1f, staff %.1f (95%% CI %.1f-%.1f), %+.1f points"),
                          r->dims[gp->dim].label, gp->self, gp->staff, gp->staff_ci_low,
                          gp->staff_ci_high, gp->gap);
        }
        if (flag == RES_OVERCLAIM)
            finding(r, RES_F_OVERCLAIM,
                    i18n_npick(zh, "%s (%s) rates itself above what its staff report on %zu dimension: %s.",
                               "%s (%s) rates itself above what its staff report on %zu dimensions: %s.",
                               cnt),
                    G->name, G->code, cnt, b.s);
        else
            finding(r, RES_F_UNDERCLAIM,
                    i18n_npick(zh, "%s (%s) rates itself below what its staff report on %zu dimension: %s.",
                               "%s (%s) rates itself below what its staff report on %zu dimensions: %s.",
                               cnt),
                    G->name, G->code, cnt, b.s);
        util_buf_free(&b);
    }
    free(order);
    free(worst);
}

static void write_findings(res_t *r)
{
    int zh = strcmp(r->lang, "zh") == 0;
    char b1[32];
    for (size_t d = 0; d < r->ndims; d++) {
        res_dim_t *D = &r->dims[d];
        if (!D->weak)
            continue;
        finding(r, RES_F_WEAK_DIMENSION,
                TR(zh, "%s is a weak dimension: mean score %.1f of 100, %.1f points below the same "
                       "respondents' average over the other dimensions (t = %.2f, q %s); rank %d of "
                       "%zu."),
                D->label, D->mean, -D->deviation, D->dev_t, fmt_p(D->dev_q, b1), D->rank, r->ndims);
    }
    for (size_t g = 0; g < r->ngroups; g++) {
        res_group_t *G = &r->groups[g];
        if (G->suppressed || !G->cells)
            continue;
        for (size_t d = 0; d < r->ndims; d++) {
            res_cell_t *C = &G->cells[d];
            if (!C->weak)
                continue;
            finding(r, RES_F_WEAK_UNIT,
                    TR(zh, "%s (%s) is weak on %s: mean %.1f from %.0f respondents, %.1f points "
                           "below all other respondents (Welch t = %.2f, q %s)."),
                    G->name, G->code, r->dims[d].label, C->mean, C->n, -C->diff, C->t,
                    fmt_p(C->q, b1));
        }
    }
    gap_findings(r, RES_OVERCLAIM);
    gap_findings(r, RES_UNDERCLAIM);
    for (size_t d = 0; d < r->ndims; d++) {
        res_dim_t *D = &r->dims[d];
        if (isnan(D->alpha) || D->alpha >= 0.7)
            continue;
        finding(r, RES_F_UNRELIABLE,
                TR(zh, "%s is not measured reliably (Cronbach's alpha = %.2f, 95%% CI %.2f-%.2f, "
                       "below 0.70); read its scores with care."),
                D->label, D->alpha, D->alpha_ci_low, D->alpha_ci_high);
    }
    for (size_t g = 0; g < r->ngroups; g++) {
        res_group_t *G = &r->groups[g];
        if (G->suppressed || isnan(G->response_rate) || G->response_rate >= 0.5)
            continue;
        finding(r, RES_F_LOW_RESPONSE,
                TR(zh, "%s (%s) has a low response rate: %ld responses, %.0f%% of those invited; "
                       "its results may not be representative."),
                G->name, G->code, G->n, 100 * G->response_rate);
    }
    for (size_t i = 0; i < r->nchanges; i++) {
        res_change_t *c = &r->changes[i];
        if (c->flag == RES_STABLE)
            continue;
        /* TRANSLATORS: the subject of a change finding when it is about
         * the whole population rather than one unit */
        const char *who = c->group < 0 ? TR(zh, "All respondents") : r->groups[c->group].name;
        if (c->flag == RES_IMPROVED)
            finding(r, RES_F_IMPROVED,
                    TR(zh, "%s improved on %s since %s: from %.1f to %.1f (%+.1f points, q %s)."),
                    who, r->dims[c->dim].label, r->compare_wave, c->mean0, c->mean1, c->diff,
                    fmt_p(c->q, b1));
        else
            finding(r, RES_F_DECLINED,
                    TR(zh, "%s declined on %s since %s: from %.1f to %.1f (%+.1f points, q %s)."),
                    who, r->dims[c->dim].label, r->compare_wave, c->mean0, c->mean1, c->diff,
                    fmt_p(c->q, b1));
    }
}

/* ---- the run ---- */

typedef struct {
    const char *want;
    int found;
    long best;
    char *best_id;
} pickform_t;

static int on_form_pick(void *ud, const store_form_row_t *f)
{
    pickform_t *p = ud;
    if (strcmp(f->role, "staff") != 0)
        return 0;
    if (f->responses > p->best || !p->best_id) {
        p->best = f->responses;
        free(p->best_id);
        p->best_id = util_xstrdup(f->form_id);
    }
    return 0;
}

static void add_change(res_t *r, long group, size_t d, const stats_acc_t *w0, const stats_acc_t *w1)
{
    r->changes = util_xrealloc(r->changes, (r->nchanges + 1) * sizeof *r->changes);
    res_change_t *c = &r->changes[r->nchanges++];
    memset(c, 0, sizeof *c);
    c->group = group;
    c->dim = d;
    c->n0 = w0->n;
    c->mean0 = w0->n > 0 ? w0->mean : NAN;
    c->n1 = w1->n;
    c->mean1 = w1->n > 0 ? w1->mean : NAN;
    c->diff = c->mean1 - c->mean0;
    c->t = c->df = c->p = c->q = NAN;
    stats_welch_t(w1, w0, &c->t, &c->df, &c->p);
}

int an_run(store_t *s, const an_opts_t *o, res_t **out, char **err)
{
    int rc = -1, fid, wave = 0, wave0 = 0;
    form_t *f = NULL;
    res_t *r = util_xcalloc(1, sizeof *r);
    scan_t sc = {0}, sc0 = {0};
    unitload_t ul = {0};
    double *pvals = NULL, *qvals = NULL;
    stats_acc_t *self = NULL;
    char *form_id = NULL;
    *out = NULL;

    r->lang = util_xstrdup(o->lang && strcmp(o->lang, "zh") == 0 ? "zh" : "en");
    r->min_n = o->min_n;
    r->min_diff = o->min_diff;
    r->fdr = o->fdr;
    if (o->form_id) {
        form_id = util_xstrdup(o->form_id);
    } else {
        pickform_t p = {0};
        if (store_form_list(s, on_form_pick, &p, err) != 0)
            goto cleanup;
        if (!p.best_id) {
            util_seterr(err, _("no staff questionnaire is stored; add one with 'gapsurvey form add'"));
            goto cleanup;
        }
        form_id = p.best_id;
    }
    int g = store_form_get(s, form_id, &f, &fid, err);
    if (g == 1)
        util_seterr(err, _("no form '%s'; 'gapsurvey form list' shows the stored ones"), form_id);
    if (g != 0)
        goto cleanup;
    if (f->ndims == 0) {
        util_seterr(err, _("form %s has no dimensions to analyse"), form_id);
        goto cleanup;
    }
    int li = form_lang(f, r->lang);
    r->form_id = util_xstrdup(f->form_id);
    r->form_title = util_xstrdup(form_title_in(f, li));
    if (o->wave) {
        g = store_wave_find(s, o->wave, &wave, err);
        if (g == 1)
            util_seterr(err, _("no wave '%s'; 'gapsurvey wave list' shows them"), o->wave);
        if (g != 0)
            goto cleanup;
    } else {
        g = store_wave_latest_for(s, form_id, &wave, err);
        if (g == 1)
            util_seterr(err, _("no responses to %s yet"), form_id);
        if (g != 0)
            goto cleanup;
    }
    if (store_wave_name(s, wave, &r->wave, err) != 0)
        goto cleanup;
    if (o->compare_wave) {
        g = store_wave_find(s, o->compare_wave, &wave0, err);
        if (g == 1)
            util_seterr(err, _("no wave '%s' to compare with"), o->compare_wave);
        if (g != 0)
            goto cleanup;
        if (wave0 == wave) {
            util_seterr(err, _("--compare-wave names the analysed wave itself"));
            goto cleanup;
        }
        r->compare_wave = util_xstrdup(o->compare_wave);
    }

    /* groups */
    int by_unit = !o->by || strcmp(o->by, "unit") == 0;
    ul.s = s;
    ul.r = r;
    if (by_unit) {
        if (store_unit_list(s, on_unit, &ul, err) != 0)
            goto cleanup;
        r->ngroups = ul.ngroups;
        /* The units table holds one name per unit, usually in the form's
         * own language; a form whose unit question labels the unit in the
         * report's language (a label::English (en) column) names it so in
         * that report.  The store's name stays where the form has none. */
        int up = f->unit_field ? form_item_index(f, f->unit_field) : -1;
        if (up >= 0 && f->items[up].type == FORM_SELECT_ONE && li >= 0 && li < FORM_MAX_LANGS)
            for (size_t g = 0; g < r->ngroups; g++) {
                const form_list_t *l = &f->lists[f->items[up].list];
                int ch = form_list_choice(l, r->groups[g].code);
                const char *name = ch >= 0 && l->choices[ch].label ? l->choices[ch].label[li] : NULL;
                if (name && *name) {
                    free(r->groups[g].name);
                    r->groups[g].name = util_xstrdup(name);
                }
            }
        r->group_by = util_xstrdup("unit");
        /* TRANSLATORS: what the groups of an analysis by unit are called
         * (a column heading of the tables) */
        r->group_label = util_xstrdup(TR(strcmp(r->lang, "zh") == 0, "unit"));
    } else {
        int p = form_item_index(f, o->by);
        if (p < 0 || f->items[p].type != FORM_SELECT_ONE) {
            util_seterr(err, _("--by %s: not a select_one question of %s"), o->by, form_id);
            goto cleanup;
        }
        const form_list_t *l = &f->lists[f->items[p].list];
        r->ngroups = l->nchoices;
        r->groups = util_xcalloc(l->nchoices + 1, sizeof *r->groups);
        for (size_t c = 0; c < l->nchoices; c++) {
            r->groups[c].code = util_xstrdup(l->choices[c].name);
            r->groups[c].name = util_xstrdup(form_text(f, l->choices[c].label, li));
            r->groups[c].invited = r->groups[c].response_rate = NAN;
        }
        r->group_by = util_xstrdup(o->by);
        r->group_label = util_xstrdup(form_text(f, f->items[p].label, li));
        sc.by_pos = p;
    }
    scan_init(&sc, f, r->ngroups, 0);
    sc.by_unit = by_unit;
    sc.unit_group = ul.unit_group;
    sc.nunit_ids = ul.nunit_ids;
    {
        int maxid = 0;
        if (store_unit_list(s, on_unit_maxid, &maxid, err) != 0)
            goto cleanup;
        scan_cross_init(&sc, (size_t)maxid + 1);
    }
    ul.unit_group = NULL;
    sc.o = o;
    if (o->progress) {
        if (store_count_by_unit(s, form_id, wave, on_count_sum, &sc.total, err) != 0 ||
            (wave0 && store_count_by_unit(s, form_id, wave0, on_count_sum, &sc.total, err) != 0))
            goto cleanup;
        o->progress(o->progress_ud, 0, sc.total);
    }
    if (store_scan(s, form_id, wave, f, on_response, &sc, err) != 0)
        goto cleanup;
    scan_cross_finish(&sc);
    if (sc.respondents == 0) {
        util_seterr(err, _("no responses to %s in wave %s"), form_id, r->wave);
        goto cleanup;
    }
    r->respondents = sc.respondents;

    /* drop groups without responses (they are simply absent) */
    for (size_t i = 0; i < r->ngroups; i++)
        r->groups[i].n = sc.gn[i];
    if (by_unit) {
        tokload_t tl = {sc.unit_group, sc.nunit_ids, util_xmalloc((r->ngroups + 1) * sizeof(double))};
        for (size_t i = 0; i < r->ngroups; i++)
            tl.invited[i] = NAN;
        if (store_tokens_by_unit(s, form_id, wave, on_tokens, &tl, err) != 0) {
            free(tl.invited);
            goto cleanup;
        }
        for (size_t i = 0; i < r->ngroups; i++) {
            double inv = !isnan(tl.invited[i]) ? tl.invited[i] : ul.headcount[i];
            r->groups[i].invited = inv;
            r->groups[i].response_rate = (inv > 0) ? (double)r->groups[i].n / inv : NAN;
        }
        free(tl.invited);
    }
    suppress(r);
    suppress_nested(r, &sc);

    r->ndims = f->ndims;
    r->dims = util_xcalloc(f->ndims + 1, sizeof *r->dims);
    for (size_t d = 0; d < f->ndims; d++) {
        r->dims[d].code = util_xstrdup(f->dims[d].code);
        r->dims[d].label = util_xstrdup(form_text(f, f->dims[d].label, li));
        if (!*r->dims[d].label) {
            free(r->dims[d].label);
            r->dims[d].label = util_xstrdup(f->dims[d].code);
        }
        dim_stats(r, &sc, d, o);
    }
    /* weak dimensions: BH across dimensions */
    pvals = util_xmalloc((r->ndims + 1) * sizeof *pvals);
    qvals = util_xmalloc((r->ndims + 1) * sizeof *qvals);
    for (size_t d = 0; d < r->ndims; d++)
        pvals[d] = r->dims[d].dev_p;
    stats_bh(pvals, r->ndims, qvals);
    res_dim_t **byrank = util_xmalloc((r->ndims + 1) * sizeof *byrank);
    for (size_t d = 0; d < r->ndims; d++) {
        res_dim_t *D = &r->dims[d];
        D->dev_q = qvals[d];
        D->weak = !isnan(D->dev_q) && D->dev_q < o->fdr && D->deviation <= -o->min_diff;
        byrank[d] = D;
    }
    qsort(byrank, r->ndims, sizeof *byrank, cmp_dim_mean_desc);
    for (size_t d = 0; d < r->ndims; d++)
        byrank[d]->rank = (int)d + 1;
    free(byrank);
    free(pvals);
    free(qvals);

    /* cells of shown groups; one BH family over every tested cell */
    size_t ncells = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        res_group_t *G = &r->groups[i];
        if (G->suppressed || G->n == 0)
            continue;
        G->cells = util_xcalloc(r->ndims + 1, sizeof *G->cells);
        for (size_t d = 0; d < r->ndims; d++)
            cell_stats(r, &sc, i, d);
        ncells += r->ndims;
        if (sc.ncommenters[i] >= 0 && G->n >= RES_COMMENT_MIN) {
            G->ncomments = sc.ncomments[i];
            G->comments = util_xcalloc(G->ncomments + 1, sizeof *G->comments);
            for (size_t c = 0; c < G->ncomments; c++) {
                G->comments[c] = sc.comments[i * RES_COMMENTS_KEPT + c];
                sc.comments[i * RES_COMMENTS_KEPT + c] = NULL;
            }
        }
    }
    pvals = util_xmalloc((ncells + 1) * sizeof *pvals);
    qvals = util_xmalloc((ncells + 1) * sizeof *qvals);
    size_t k = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        if (r->groups[i].cells)
            for (size_t d = 0; d < r->ndims; d++)
                pvals[k++] = r->groups[i].cells[d].p;
    stats_bh(pvals, k, qvals);
    k = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        if (r->groups[i].cells)
            for (size_t d = 0; d < r->ndims; d++) {
                res_cell_t *C = &r->groups[i].cells[d];
                C->q = qvals[k++];
                C->weak = !isnan(C->q) && C->q < o->fdr && C->diff <= -o->min_diff;
            }
    free(pvals);
    free(qvals);
    pvals = qvals = NULL;

    /* self-vs-staff gaps (units only) */
    if (by_unit) {
        self = util_xcalloc((r->ngroups + 1) * (r->ndims + 1), sizeof *self);
        if (self_scores(s, wave, &sc, self, &r->self_responses, err) != 0)
            goto cleanup;
        for (size_t i = 0; i < r->ngroups; i++) {
            res_group_t *G = &r->groups[i];
            if (!G->cells)
                continue;
            for (size_t d = 0; d < r->ndims; d++) {
                stats_acc_t *sa = &self[i * r->ndims + d];
                res_cell_t *C = &G->cells[d];
                if (sa->n == 0 || isnan(C->mean))
                    continue;
                r->gaps = util_xrealloc(r->gaps, (r->ngaps + 1) * sizeof *r->gaps);
                res_gap_t *gp = &r->gaps[r->ngaps++];
                gp->group = i;
                gp->dim = d;
                gp->self = sa->mean;
                gp->staff = C->mean;
                gp->staff_ci_low = C->ci_low;
                gp->staff_ci_high = C->ci_high;
                gp->gap = gp->self - gp->staff;
                gp->flag = (gp->self > C->ci_high && gp->gap >= o->min_diff) ? RES_OVERCLAIM
                         : (gp->self < C->ci_low && gp->gap <= -o->min_diff) ? RES_UNDERCLAIM
                         : RES_CONSISTENT;
            }
        }
    }

    /* changes against the comparison wave */
    if (o->compare_wave) {
        scan_init(&sc0, f, r->ngroups, 1);
        sc0.by_unit = by_unit;
        sc0.by_pos = sc.by_pos;
        sc0.unit_group = util_xmalloc((sc.nunit_ids + 1) * sizeof *sc0.unit_group);
        if (sc.nunit_ids)
            memcpy(sc0.unit_group, sc.unit_group, sc.nunit_ids * sizeof *sc0.unit_group);
        sc0.nunit_ids = sc.nunit_ids;
        sc0.o = o;
        sc0.done_before = sc.respondents;
        sc0.total = sc.total;
        if (store_scan(s, form_id, wave0, f, on_response, &sc0, err) != 0)
            goto cleanup;
        for (size_t d = 0; d < r->ndims; d++)
            add_change(r, -1, d, &sc0.pop[d], &sc.pop[d]);
        size_t first_cell = r->nchanges;
        for (size_t i = 0; i < r->ngroups; i++) {
            /* a group small in the earlier wave stays hidden there too */
            if (!r->groups[i].cells || sc0.gn[i] < r->min_n)
                continue;
            for (size_t d = 0; d < r->ndims; d++)
                add_change(r, (long)i, d, &sc0.cell[i * r->ndims + d], &sc.cell[i * r->ndims + d]);
        }
        /* two BH families: dimensions, and unit x dimension cells */
        pvals = util_xmalloc((r->nchanges + 1) * sizeof *pvals);
        qvals = util_xmalloc((r->nchanges + 1) * sizeof *qvals);
        for (size_t i = 0; i < r->nchanges; i++)
            pvals[i] = r->changes[i].p;
        stats_bh(pvals, first_cell, qvals);
        stats_bh(pvals + first_cell, r->nchanges - first_cell, qvals + first_cell);
        for (size_t i = 0; i < r->nchanges; i++) {
            res_change_t *c = &r->changes[i];
            c->q = qvals[i];
            c->flag = RES_STABLE;
            if (!isnan(c->q) && c->q < o->fdr && fabs(c->diff) >= o->min_diff)
                c->flag = c->diff > 0 ? RES_IMPROVED : RES_DECLINED;
        }
    }
    write_findings(r);
    *out = r;
    r = NULL;
    rc = 0;
cleanup:
    free(pvals);
    free(qvals);
    free(self);
    free(ul.unit_group);
    free(ul.headcount);
    if (r && !r->groups)
        r->ngroups = 0;
    res_free(r);
    scan_free(&sc);
    scan_free(&sc0);
    form_free(f);
    free(form_id);
    return rc;
}
