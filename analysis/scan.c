/*
 * scan: the streaming pass of an analysis (see scan.h).
 *
 * One store_scan turns each response into dimension scores and feeds
 * accumulators: Welford sums per dimension, per group x dimension and per
 * item, complete-case co-moments per dimension (alpha), per group x item
 * sums (rwg), within-person deviations (weak dimensions), a count table of
 * distinct scores per group (Kruskal-Wallis ranks with exact ties) and the
 * cross-counts against every other grouping (the differencing defence).
 * Their size is groups x items, never respondents.  A lighter pass reads
 * the comparison wave (scan_wave), and one more the self-role forms of
 * the same wave (scan_self).
 */
#include "analysis/scan.h"
#include "analysis/crosstab.h"
#include "analysis/questions.h"
#include "base/relay.h"
#include "base/util.h"
#include "survey/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
struct scan_kw {
    int64_t *keys;
    int *slot;          /* index into vals, -1 empty */
    size_t cap;
    double *vals;
    uint32_t *counts;   /* ngroups rows of capvals counts, by value index */
    size_t nvals, capvals, ngroups;
};
typedef struct scan_kw kwtab_t;

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

/* The index of score v among the table's values (counts' column),
 * added when new; the counts are then counts[row * capvals + index]. */
static size_t kw_slot(kwtab_t *k, double v)
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
    return (size_t)k->slot[h];
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

/* A scored item's values: when its list's values are distinct whole
 * numbers close together, value - vmin -> choice index, for the Likert
 * counts (count_items).  Names are looked up in the form's own table
 * (form_list_choice_fast). */
struct scan_chash {
    int *byval;         /* NULL: counted by the general loop */
    long vmin;
    size_t vspan;
};
typedef struct scan_chash choicehash_t;

static void choicehash_init(choicehash_t *ch, const form_list_t *l)
{
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
typedef suppress_pair_t xpair_t;

struct scan_xmap {
    xpair_t *e;         /* n = 0: empty */
    size_t mask, used;
};
typedef struct scan_xmap xmap_t;

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


/* The choice index of the answer to the select_one at form position pos,
 * whose list is l (one of the scan's form: loaded, its tables built), -1
 * when it is unanswered or not a choice: the names "0" .. "99" from the
 * list's table, others through its hash.  Every
 * respondent's answer to every select_one question is looked up here (each
 * question is a grouping a researcher could ask for, the 38 Likert items
 * included). */
static inline int answer_choice(const scan_t *sc, const store_scan_row_t *r, int pos,
                                const form_list_t *l)
{
    int i = sc->at[pos];
    if (i < 0 || !r->text[i])
        return -1;
    return form_list_choice_fast(l, r->text[i]);
}

static int group_of(const scan_t *sc, const store_scan_row_t *r)
{
    if (sc->by_unit)
        return (r->unit > 0 && (size_t)r->unit < sc->nunit_ids) ? sc->unit_group[r->unit] : -1;
    return answer_choice(sc, r, sc->by_pos, &sc->f->lists[sc->f->items[sc->by_pos].list]);
}

/* Other groupings that are not questions (xpos) */
enum { XPOS_UNIT = -1, XPOS_CATEGORY = -2, XPOS_PARENT = -3 };

/* The respondent's group in other grouping k, or -1. */
static long other_group_of(const scan_t *sc, size_t k, const store_scan_row_t *r)
{
    switch (sc->xpos[k]) {
    case XPOS_UNIT: return (r->unit > 0 && (size_t)r->unit < sc->xsize[k]) ? r->unit : -1;
    case XPOS_CATEGORY: return (r->unit > 0 && (size_t)r->unit < sc->nucat) ? sc->ucat[r->unit] : -1;
    case XPOS_PARENT: return (r->unit > 0 && (size_t)r->unit < sc->nupar) ? sc->upar[r->unit] : -1;
    default: return answer_choice(sc, r, sc->xpos[k], sc->xlist[k]);
    }
}

/* A grouping with more groups than this is counted in the pair map: its
 * columns would take more of a row than most respondents' counts. */
#define XDENSE_MAX 64

void scan_unit_sets(scan_t *sc, scan_grouping_t grouping, int *ucat, size_t ncat, int *upar, size_t npar,
                    size_t nids)
{
    free(sc->ucat);
    free(sc->upar);
    sc->grouping = grouping;
    sc->ucat = ucat;
    sc->upar = upar;
    sc->ncat = ncat;
    sc->npar = npar;
    sc->nucat = sc->nupar = nids;
}

/* Sets up the cross-counts against every other grouping: by unit (unless
 * that is this analysis; unit ids index it directly) and by each other
 * select_one question; an analysis by category also against the parents,
 * one by parent against the categories.  nunit_ids bounds the unit ids.
 *
 * Why an analysis by unit or by a question does not cross-count the
 * categories and parents: a category is a union of whole units, so every
 * attack that pairs a category with another grouping's blocks (a
 * category less its shown units is its hidden ones) is found by the
 * analysis by category, which hides categories until none works; and
 * hiding fewer units than it predicts only widens what it subtracts.
 * Checking the same pairs from the unit side too hid a unit in the demo
 * city for every category holding one small unit, protecting nothing
 * more. */
void scan_cross_init(scan_t *sc, size_t nunit_ids)
{
    const form_t *f = sc->f;
    sc->xunits = nunit_ids;
    sc->xpos = util_xmalloc((f->nitems + 4) * sizeof *sc->xpos);
    sc->xsize = util_xmalloc((f->nitems + 4) * sizeof *sc->xsize);
    if (sc->grouping != SCAN_G_UNIT) {
        sc->xpos[sc->nx] = XPOS_UNIT;
        sc->xsize[sc->nx++] = nunit_ids;
    }
    if (sc->grouping == SCAN_G_PARENT && sc->ncat > 0) {
        sc->xpos[sc->nx] = XPOS_CATEGORY;
        sc->xsize[sc->nx++] = sc->ncat;
    }
    if (sc->grouping == SCAN_G_CATEGORY && sc->npar > 0) {
        sc->xpos[sc->nx] = XPOS_PARENT;
        sc->xsize[sc->nx++] = sc->npar;
    }
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].type == FORM_SELECT_ONE && f->items[i].list >= 0 &&
            (sc->grouping != SCAN_G_ITEM || (int)i != sc->by_pos)) {
            sc->xpos[sc->nx] = (int)i;
            sc->xsize[sc->nx++] = f->lists[f->items[i].list].nchoices;
        }
    sc->xlist = util_xmalloc((sc->nx + 1) * sizeof *sc->xlist);
    for (size_t k = 0; k < sc->nx; k++)
        sc->xlist[k] = sc->xpos[k] < 0 ? NULL : &f->lists[f->items[sc->xpos[k]].list];
    sc->xtoff = util_xmalloc((sc->nx + 1) * sizeof *sc->xtoff);
    sc->xoff = util_xmalloc((sc->nx + 1) * sizeof *sc->xoff);
    size_t tot = 0;
    for (size_t k = 0; k < sc->nx; k++) {
        sc->xtoff[k] = tot;
        tot += sc->xsize[k];
        sc->xoff[k] = sc->xsize[k] <= XDENSE_MAX ? sc->xstride : SUPPRESS_SPARSE;
        if (sc->xsize[k] <= XDENSE_MAX)
            sc->xstride += sc->xsize[k];
    }
    sc->xtoff[sc->nx] = tot;
    sc->xtot = util_xcalloc(tot + 1, sizeof *sc->xtot);
    sc->xrow = util_xcalloc(sc->ngroups * sc->xstride + 1, sizeof *sc->xrow);
    sc->xmap = util_xcalloc(1, sizeof *sc->xmap);
    sc->xmap->mask = 255;
    sc->xmap->e = util_xcalloc(sc->xmap->mask + 1, sizeof *sc->xmap->e);
}

/* After the scan: the pair map as a list by group (then grouping, then
 * group of it), so that a group's pairs can be walked in order. */
static void scan_cross_finish(scan_t *sc)
{
    size_t n = 0;
    sc->xsp = util_xmalloc((sc->xmap->used + 1) * sizeof *sc->xsp);
    for (size_t i = 0; i <= sc->xmap->mask; i++)
        if (sc->xmap->e[i].n)
            sc->xsp[n++] = sc->xmap->e[i];
    qsort(sc->xsp, n, sizeof *sc->xsp, cmp_xpair);
    sc->xsp_at = util_xcalloc(sc->ngroups + 2, sizeof *sc->xsp_at);
    for (size_t i = 0; i < n; i++)
        sc->xsp_at[sc->xsp[i].g + 1]++;
    for (size_t g = 0; g < sc->ngroups; g++)
        sc->xsp_at[g + 1] += sc->xsp_at[g];
}

/* Dimension scores of one respondent's answered values val (nscored)
 * into score (ndims; NAN when fewer than half of the dimension's items
 * were answered). */
static void score_person(const scan_t *sc, const double *val, double *score)
{
    const form_t *f = sc->f;
    for (size_t d = 0; d < sc->ndims; d++) {
        size_t k = sc->ndimitems[d], answered = 0;
        double sum = 0;
        for (size_t j = 0; j < k; j++) {
            size_t pos = sc->dimitems[d][j];
            double x = val[sc->item_slot[pos]];
            if (isnan(x))
                continue;
            sum += score_pomp(f, pos, x);
            answered++;
        }
        score[d] = score_mean(sum, answered, k);
    }
}

/* A comment's place in the published order: a hash of its text alone.
 * Which comments are kept (the RES_COMMENTS_KEPT lowest) and the order
 * they are shown in then depend on what was written, never on when or in
 * which order: submission order would tell a reader who knows when a
 * colleague answered which comment is theirs. */
static uint64_t comment_rank(const char *text)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a, then a final mix */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    return h ^ (h >> 33);
}

/* a (of rank x) before b (of rank y) in the published order (ties,
 * equal ranks, by text) */
static int comment_before(uint64_t x, const char *a, uint64_t y, const char *b)
{
    return x != y ? x < y : strcmp(a, b) < 0;
}

/* Keeps text among group g's comments when it is among the
 * RES_COMMENTS_KEPT first in the published order, the list sorted. */
static void comment_keep(scan_t *sc, size_t g, const char *text)
{
    char **c = sc->comments + g * RES_COMMENTS_KEPT;
    uint64_t *rk = sc->crank + g * RES_COMMENTS_KEPT;
    uint64_t x = comment_rank(text);
    size_t n = sc->ncomments[g];
    if (n == RES_COMMENTS_KEPT) {
        if (!comment_before(x, text, rk[n - 1], c[n - 1]))
            return;
        free(c[--n]);
    }
    size_t at = n;
    while (at > 0 && comment_before(x, text, rk[at - 1], c[at - 1])) {
        c[at] = c[at - 1];
        rk[at] = rk[at - 1];
        at--;
    }
    c[at] = util_xstrdup(text);
    rk[at] = x;
    sc->ncomments[g] = n + 1;
}

/* The items as answered (val, nscored): their sums in all and the Likert
 * distribution's counts (the sums per group: add_group). */
static void count_items(scan_t *sc, const double *val)
{
    const form_t *f = sc->f;
    for (size_t i = 0; i < sc->nscored; i++) {
        double x = val[i];
        if (isnan(x))
            continue;
        stats_acc_add(&sc->item[i], x);
        const choicehash_t *ch = &sc->chash[i];
        double v = x - (double)ch->vmin;
        if (ch->byval) {
            /* the values are distinct whole numbers: the one choice with
             * this value, if any */
            long iv = v >= 0 && v < (double)ch->vspan ? (long)v : -1;
            if (iv >= 0 && (double)iv == v) {
                int c = ch->byval[iv];
                if (c >= 0)
                    sc->likert[i * sc->maxchoices + (size_t)c] += 1;
            }
        } else {
            const form_list_t *l = &f->lists[f->items[sc->scored_pos[i]].list];
            for (size_t c = 0; c < l->nchoices; c++)
                if (l->choices[c].num == x)
                    sc->likert[i * sc->maxchoices + c] += 1;
        }
    }
}

/* Careless screening (scan_want_screen) of the response in sc->val, group
 * g: its indices go into the screen's sums; returns 1 when it is flagged
 * (straight-lining, or a Mahalanobis D^2 with p below SCAN_MAHA_ALPHA). */
static int screen_response(scan_t *sc, int g)
{
    size_t k = sc->nscored, answered = 0;
    for (size_t i = 0; i < k; i++)
        answered += !isnan(sc->val[i]);
    double ls = (double)careless_longstring(sc->val, k), irv = careless_irv(sc->val, k);
    double d2 = NAN, p = NAN;
    if (answered == k && k > 0) {
        sc->complete++;
        if (sc->maha && careless_maha(sc->maha, sc->val, &d2, &p) == 0)
            stats_acc_add(&sc->d2, d2);
    }
    int straight = careless_straightline(sc->val, k), far = !isnan(p) && p < SCAN_MAHA_ALPHA;
    sc->screened++;
    stats_acc_add(&sc->longstring, ls);
    if (ls > sc->longstring_max)
        sc->longstring_max = ls;
    if (!isnan(irv))
        stats_acc_add(&sc->irv, irv);
    sc->nstraight += straight;
    sc->nmaha += far;
    sc->nflagged += straight || far;
    sc->gflagged[g >= 0 ? (size_t)g : sc->ngroups] += straight || far;
    return straight || far;
}

/* ---- the accumulating side ----
 *
 * The reading thread (on_response) turns each response into a record of a
 * batch: its group, answered values, outcome and comments.  The other
 * accumulators are fed from the records (add_batch: the dimension scores,
 * then add_person and add_group), on a second thread once a scan fills a
 * batch (base/relay.h), in the order the responses were read, so every
 * sum sees its numbers in the same order as when done inline and the
 * results are the same to the last bit.  The reading thread keeps what
 * it needs the response itself for: the screen, the group counts,
 * --items and --crosstab, and the respondent's group in each other
 * grouping (the answers' choices), which goes into the record for the
 * cross-counts.  Each accumulator belongs to one of the two threads. */

/* One respondent of a batch (a view into it). */
typedef struct {
    int g;                   /* group, -1 none */
    size_t row;              /* row in cell and kw: g, or ngroups */
    const double *val;       /* nscored answered values (NAN none) */
    const double *score;     /* ndims (add_batch) */
    const int32_t *xh;       /* nx: the group in each other grouping, -1 none */
    double outcome;          /* the drivers' outcome, NAN none */
    const char *text, *text_end;   /* comments, each NUL-terminated */
} person_t;

struct scan_batch {
    size_t n, cap;
    int *g;
    int32_t *xh;             /* nx per record */
    double *val, *outcome;
    size_t *text_end;        /* record i's comments end here in text */
    util_buf_t text;
};
typedef struct scan_batch batch_t;

static batch_t *batch_new(const scan_t *sc, size_t cap)
{
    batch_t *b = util_xcalloc(1, sizeof *b);
    b->cap = cap;
    b->g = util_xmalloc(cap * sizeof *b->g);
    b->xh = util_xmalloc((cap * sc->nx + 1) * sizeof *b->xh);
    b->val = util_xmalloc(cap * (sc->nscored + 1) * sizeof *b->val);
    b->outcome = util_xmalloc(cap * sizeof *b->outcome);
    b->text_end = util_xmalloc(cap * sizeof *b->text_end);
    return b;
}

static void batch_free(batch_t *b)
{
    if (!b)
        return;
    free(b->g);
    free(b->xh);
    free(b->val);
    free(b->outcome);
    free(b->text_end);
    util_buf_free(&b->text);
    free(b);
}

static void person_at(const scan_t *sc, const batch_t *b, size_t i, person_t *p)
{
    p->g = b->g[i];
    p->row = p->g >= 0 ? (size_t)p->g : sc->ngroups;
    p->val = b->val + i * sc->nscored;
    p->xh = b->xh + i * sc->nx;
    p->score = NULL;         /* add_batch works them out */
    p->outcome = b->outcome[i];
    const char *t = b->text.s ? b->text.s : "";
    p->text = t + (i > 0 ? b->text_end[i - 1] : 0);
    p->text_end = t + b->text_end[i];
}

/* Measurement quality and key drivers: the respondent's scored items into
 * the pairwise and complete-case accumulators, their outcome and
 * dimension scores into the drivers' co-moments (of all, and of their
 * group). */
static void quality_add(scan_t *sc, const person_t *p)
{
    if (sc->vpair) {
        int complete = 1;
        for (size_t i = 0; i < sc->nscored; i++) {
            double x = p->val[i];
            sc->vrow[i] = isnan(x) ? NAN : score_value(sc->f, sc->scored_pos[i], x);
            complete &= !isnan(x);
        }
        val_pair_add(sc->vpair, sc->vrow);
        if (complete)
            stats_cov_add(sc->vcov, sc->vrow);
    }
    if (!sc->dcov || isnan(p->outcome))
        return;
    sc->drow[0] = p->outcome;
    for (size_t j = 0; j < sc->ndrv; j++)
        if (isnan(sc->drow[j + 1] = p->score[sc->drvdim[j]]))
            return;
    stats_cov_add(sc->dcov, sc->drow);
    if (p->g >= 0)
        stats_cov_add(sc->gdcov[p->g], sc->drow);
}

/* The response's group in each other grouping into xh (nx; -1 none), for
 * the cross-counts (on the reading thread, which has the answers' texts). */
static void cross_groups(const scan_t *sc, const store_scan_row_t *r, int32_t *xh)
{
    for (size_t k = 0; k < sc->nx; k++)
        xh[k] = (int32_t)other_group_of(sc, k, r);
}

/* The respondent in the cross counts: their group p->g (-1: none) against
 * their group in each other grouping, and that grouping's totals. */
static void count_cross(scan_t *sc, const person_t *p)
{
    uint32_t *xrow = p->g >= 0 && sc->xrow ? sc->xrow + (size_t)p->g * sc->xstride : NULL;
    for (size_t k = 0; k < sc->nx; k++) {
        long h = p->xh[k];
        if (h < 0)
            continue;
        sc->xtot[sc->xtoff[k] + (size_t)h]++;
        if (!xrow)
            continue;
        if (sc->xoff[k] != SUPPRESS_SPARSE)
            xrow[sc->xoff[k] + (size_t)h]++;
        else
            xmap_add(sc->xmap, (size_t)p->g, k, (size_t)h);
    }
}

/* Asks the cache for the bytes [p, p + n) ahead of their use.  A
 * respondent's group rows (sums per unit x item and unit x dimension,
 * cross-counts, score counts) lie anywhere in several megabytes at 2,000
 * units, and respondents come in the random order of their ids, so each
 * row was a cache miss when reached: a third of the scan's time at 200k
 * (bench/README.md).  add_batch asks for the next respondent's rows
 * while it adds this one's. */
static inline void prefetch(const void *p, size_t n)
{
#if defined(__GNUC__)
    const char *c = p;
    for (size_t o = 0; o < n; o += 64)
        __builtin_prefetch(c + o, 1);
    if (n > 0)
        __builtin_prefetch(c + n - 1, 1);
#else
    (void)p;
    (void)n;
#endif
}

/* The group rows count_cross and add_group will update for p. */
static void prefetch_group(const scan_t *sc, const person_t *p)
{
    if (p->g >= 0 && sc->xrow)
        prefetch(sc->xrow + (size_t)p->g * sc->xstride, sc->xstride * sizeof *sc->xrow);
    prefetch(sc->cell + p->row * sc->ndims, sc->ndims * sizeof *sc->cell);
    if (sc->light)
        return;
    prefetch(&sc->overall[p->row], sizeof *sc->overall);
    if (p->g >= 0)
        prefetch(sc->gitem + (size_t)p->g * sc->nscored, sc->nscored * sizeof *sc->gitem);
}

/* The respondent's part of what is not kept per group: their items into
 * the quality and drivers' sums, their dimensions' deviations from their
 * own mean, the alpha co-moments, the items' sums and Likert counts, each
 * score's column in the score counts (sc->kwslot).  Returns their mean
 * over the dimensions a self-assessment shares (NAN none), for add_group. */
static double add_person(scan_t *sc, const person_t *p)
{
    const form_t *f = sc->f;
    const double *score = p->score;
    for (size_t d = 0; d < sc->ndims; d++)
        if (!isnan(score[d])) {
            kwtab_t *k = &sc->kw[d];
            sc->kwslot[d] = kw_slot(k, score[d]);
            prefetch(&k->counts[p->row * k->capvals + sc->kwslot[d]], sizeof *k->counts);
        }
    quality_add(sc, p);

    /* within-person deviations: score minus the respondent's own mean over
     * their OTHER scored dimensions, so a dimension is "weak" relative to
     * the others in the same heads, whatever each person's general level,
     * and "d points below the others" is d, not (K-1)/K of it; and the
     * mean over the dimensions a self-assessment shares (the gap rule's
     * unit-level test) */
    double msum = 0, osum = 0;
    size_t mk = 0, ok = 0;
    for (size_t d = 0; d < sc->ndims; d++)
        if (!isnan(score[d])) {
            msum += score[d];
            mk++;
            if (!sc->gapdim || sc->gapdim[d]) {
                osum += score[d];
                ok++;
            }
        }
    for (size_t d = 0; d < sc->ndims; d++) {
        if (isnan(score[d]))
            continue;
        if (mk >= 2)
            stats_acc_add(&sc->dev[d], score[d] - (msum - score[d]) / (double)(mk - 1));
        /* alpha uses complete cases of the dimension's items */
        size_t k = sc->ndimitems[d], j;
        for (j = 0; j < k; j++) {
            size_t pos = sc->dimitems[d][j];
            double x = p->val[sc->item_slot[pos]];
            if (isnan(x))
                break;
            sc->row[j] = score_value(f, pos, x);
        }
        if (j == k && sc->cov[d])
            stats_cov_add(sc->cov[d], sc->row);
    }
    count_items(sc, p->val);
    return ok > 0 ? osum / (double)ok : NAN;
}

/* The respondent into the rows of their group (p->row; the ungrouped row
 * after the groups when they are in none): the scores per group, and
 * unless this is a light scan their mean for the gaps (overall, from
 * add_person), the score counts, the item sums and the comments. */
static void add_group(scan_t *sc, const person_t *p, double overall)
{
    for (size_t d = 0; d < sc->ndims; d++)
        if (!isnan(p->score[d]))
            stats_acc_add(&sc->cell[p->row * sc->ndims + d], p->score[d]);
    if (sc->light)
        return;
    if (!isnan(overall))
        stats_acc_add(&sc->overall[p->row], overall);
    for (size_t d = 0; d < sc->ndims; d++)
        if (!isnan(p->score[d]))
            sc->kw[d].counts[p->row * sc->kw[d].capvals + sc->kwslot[d]]++;
    if (p->g < 0)
        return;
    stats_acc_t *gi = sc->gitem + (size_t)p->g * sc->nscored;
    for (size_t i = 0; i < sc->nscored; i++)
        if (!isnan(p->val[i]))
            stats_acc_add(&gi[i], p->val[i]);
    /* free-text comments (text items outside dimensions) */
    for (const char *t = p->text; t < p->text_end; t += strlen(t) + 1)
        comment_keep(sc, (size_t)p->g, t);
    sc->ncommenters[p->g] += p->text < p->text_end;
}

/* Every record of batch b into the accumulators, in order (the relay's
 * work, or inline). */
static void add_batch(void *ud, void *batch)
{
    scan_t *sc = ud;
    const batch_t *b = batch;
    person_t p, next;
    if (b->n > 0)
        person_at(sc, b, 0, &next);
    for (size_t i = 0; i < b->n; i++) {
        p = next;
        score_person(sc, p.val, sc->score);
        p.score = sc->score;
        if (i + 1 < b->n) {
            person_at(sc, b, i + 1, &next);
            prefetch_group(sc, &next);
        }
        for (size_t d = 0; d < sc->ndims; d++)
            if (!isnan(p.score[d]))
                stats_acc_add(&sc->pop[d], p.score[d]);
        count_cross(sc, &p);
        double overall = sc->light ? NAN : add_person(sc, &p);
        add_group(sc, &p, overall);
    }
}

/* The current batch to the accumulators: handed to the relay, started
 * when the first batch fills (so small scans run on one thread), or added
 * inline when sc->batch_size is SCAN_BATCH_INLINE or no thread starts;
 * either way the current batch is empty on return. */
static void batch_flush(scan_t *sc, int full)
{
    batch_t *b = sc->batch[sc->cur];
    if (b->n == 0)
        return;
    if (!sc->relay && full && !sc->relay_failed && sc->batch_size != SCAN_BATCH_INLINE) {
        sc->relay = relay_new(add_batch, sc);
        sc->relay_failed = !sc->relay;
    }
    if (!sc->relay) {
        add_batch(sc, b);
    } else {
        relay_hand(sc->relay, b);
        sc->cur ^= 1;
        if (!sc->batch[sc->cur])
            sc->batch[sc->cur] = batch_new(sc, b->cap);
        b = sc->batch[sc->cur];     /* the worker is done with it */
    }
    b->n = 0;
    util_buf_reset(&b->text);
}

/* The response as a record of the current batch (sc->val holds its
 * values). */
static void batch_add(scan_t *sc, const store_scan_row_t *r, int g)
{
    batch_t *b = sc->batch[sc->cur];
    size_t i = b->n++;
    b->g[i] = g;
    cross_groups(sc, r, b->xh + i * sc->nx);
    memcpy(b->val + i * sc->nscored, sc->val, sc->nscored * sizeof *sc->val);
    int a = sc->outcome_pos >= 0 ? sc->at[sc->outcome_pos] : -1;
    b->outcome[i] = a >= 0 ? r->num[a] : NAN;
    if (g >= 0 && !sc->light)
        for (size_t t = 0; t < sc->ntext; t++) {
            int j = sc->at[sc->text_pos[t]];
            if (j >= 0 && r->text[j] && r->text[j][0])
                util_buf_add(&b->text, r->text[j], strlen(r->text[j]) + 1);
        }
    b->text_end[i] = b->text.len;
    if (b->n == b->cap)
        batch_flush(sc, 1);
}

static int on_response(void *ud, const store_scan_row_t *r)
{
    scan_t *sc = ud;
    const form_t *f = sc->f;
    sc->read++;
    if (sc->progress && (sc->read & 4095) == 0)
        sc->progress(sc->progress_ud, sc->done_before + sc->read, sc->total);
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
    /* a flagged respondent left out is left out of everything, the
     * counts that decide what is shown included */
    if (sc->screen && screen_response(sc, g) && sc->exclude) {
        sc->excluded++;
        return 0;
    }
    sc->respondents++;
    if (g >= 0)
        sc->gn[g]++;
    if (sc->questions)
        questions_add(sc->questions, r, sc->at, g);
    if (sc->xtab)
        xtab_add(sc->xtab, r, sc->at, g);
    batch_add(sc, r, g);
    return 0;
}

void scan_init(scan_t *sc, const form_t *f, size_t ngroups, int by_pos, int *unit_group,
               size_t nunit_ids, int light)
{
    sc->by_unit = by_pos < 0;
    sc->grouping = by_pos < 0 ? SCAN_G_UNIT : SCAN_G_ITEM;
    sc->by_pos = by_pos;
    sc->unit_group = unit_group;
    sc->nunit_ids = nunit_ids;
    sc->f = f;
    sc->light = light;
    sc->ndims = f->ndims;
    sc->ngroups = ngroups;
    sc->outcome_pos = -1;
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
    sc->overall = util_xcalloc(ng, sizeof *sc->overall);
    sc->comments = util_xcalloc(ng * RES_COMMENTS_KEPT, sizeof *sc->comments);
    sc->crank = util_xcalloc(ng * RES_COMMENTS_KEPT, sizeof *sc->crank);
    sc->ncomments = util_xcalloc(ng, sizeof *sc->ncomments);
    sc->ncommenters = util_xcalloc(ng, sizeof *sc->ncommenters);
    sc->val = util_xcalloc(ns, sizeof *sc->val);
    sc->vrow = util_xcalloc(ns, sizeof *sc->vrow);
    sc->score = util_xcalloc(nd, sizeof *sc->score);
    sc->kwslot = util_xcalloc(nd, sizeof *sc->kwslot);
    sc->row = util_xcalloc(ns, sizeof *sc->row);
    sc->at = util_xmalloc((f->nitems + 1) * sizeof *sc->at);
    sc->text_pos = util_xcalloc(f->nitems + 1, sizeof *sc->text_pos);
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].type == FORM_TEXT)
            sc->text_pos[sc->ntext++] = i;
    sc->chash = util_xcalloc(sc->nscored + 1, sizeof *sc->chash);
    for (size_t i = 0; i < sc->nscored; i++)
        choicehash_init(&sc->chash[i], &f->lists[f->items[sc->scored_pos[i]].list]);
    for (size_t d = 0; d < sc->ndims; d++) {
        kw_init(&sc->kw[d], ngroups + 1);   /* + the ungrouped row */
        if (sc->ndimitems[d] >= 2)
            sc->cov[d] = stats_cov_new(sc->ndimitems[d]);
    }
}

/* The accumulators' _new give NULL only when memory runs out (their
 * sizes are the form's), which aborts as util_xmalloc does. */
static void *made(void *p)
{
    if (!p)
        abort();
    return p;
}

void scan_want_validity(scan_t *sc)
{
    if (sc->nscored == 0)
        return;
    sc->vpair = made(val_pair_new(sc->nscored));
    sc->vcov = made(stats_cov_new(sc->nscored));
}

void scan_want_drivers(scan_t *sc, int outcome_pos)
{
    sc->drvdim = util_xcalloc(sc->ndims + 1, sizeof *sc->drvdim);
    for (size_t d = 0; d < sc->ndims; d++)
        if (sc->ndimitems[d] > 0)
            sc->drvdim[sc->ndrv++] = d;
    if (outcome_pos < 0 || sc->ndrv == 0)
        return;
    sc->outcome_pos = outcome_pos;
    sc->drow = util_xcalloc(sc->ndrv + 1, sizeof *sc->drow);
    sc->dcov = made(stats_cov_new(sc->ndrv + 1));
    sc->gdcov = util_xcalloc(sc->ngroups + 1, sizeof *sc->gdcov);
    for (size_t g = 0; g < sc->ngroups; g++)
        sc->gdcov[g] = made(stats_cov_new(sc->ndrv + 1));
}

void scan_want_screen(scan_t *sc, careless_maha_t *maha, int exclude)
{
    sc->screen = 1;
    sc->exclude = exclude;
    careless_maha_free(sc->maha);
    sc->maha = maha;
    free(sc->gflagged);
    sc->gflagged = util_xcalloc(sc->ngroups + 1, sizeof *sc->gflagged);
}

/* The Mahalanobis reference pass (scan_maha_ref). */
typedef struct {
    const form_t *f;
    int *slot;               /* form position -> scored index, -1 */
    size_t k;
    double *x;
    stats_cov_t *cov;
} mref_t;

static int on_mref(void *ud, const store_scan_row_t *r)
{
    mref_t *m = ud;
    size_t answered = 0;
    for (size_t i = 0; i < m->k; i++)
        m->x[i] = NAN;
    for (size_t i = 0; i < r->n; i++) {
        int s = m->slot[r->pos[i]];
        if (s >= 0 && !isnan(r->num[i]) && isnan(m->x[s])) {
            m->x[s] = r->num[i];
            answered++;
        }
    }
    if (answered == m->k)
        stats_cov_add(m->cov, m->x);
    return 0;
}

int scan_maha_ref(store_t *s, const form_t *f, const char *form_id, int wave,
                  careless_maha_t **out, double *ncomplete, err_t *err)
{
    mref_t m = {f, util_xmalloc((f->nitems + 1) * sizeof *m.slot), 0, NULL, NULL};
    int rc = -1;
    *out = NULL;
    *ncomplete = 0;
    for (size_t i = 0; i < f->nitems; i++)
        m.slot[i] = form_item_scored(f, &f->items[i]) ? (int)m.k++ : -1;
    if (m.k == 0) {
        rc = 0;
        goto cleanup;
    }
    m.x = util_xcalloc(m.k, sizeof *m.x);
    m.cov = made(stats_cov_new(m.k));
    if (store_scan(s, form_id, wave, f, on_mref, &m, err) != 0)
        goto cleanup;
    *ncomplete = stats_cov_n(m.cov);
    /* D^2 needs more cases than items for an invertible covariance */
    if (*ncomplete > (double)m.k)
        *out = careless_maha_new(m.cov);
    rc = 0;
cleanup:
    stats_cov_free(m.cov);
    free(m.x);
    free(m.slot);
    return rc;
}

/* scan_free in the parts that allocate: each frees what its setter
 * (scan_cross_init and scan_cross_finish; scan_want_validity, _drivers,
 * _screen; the accumulators and the per-response scratch of scan_init)
 * allocated, elements before their array.  Every pointer may be NULL. */
static void free_cross(scan_t *sc)
{
    free(sc->xpos);
    free(sc->xsize);
    free(sc->xlist);
    free(sc->xtoff);
    free(sc->xoff);
    free(sc->xtot);
    free(sc->xrow);
    if (sc->xmap)
        free(sc->xmap->e);
    free(sc->xmap);
    free(sc->xsp);
    free(sc->xsp_at);
}

static void free_quality(scan_t *sc)
{
    val_pair_free(sc->vpair);
    stats_cov_free(sc->vcov);
    free(sc->drvdim);
    free(sc->drow);
    stats_cov_free(sc->dcov);
    for (size_t g = 0; sc->gdcov && g < sc->ngroups; g++)
        stats_cov_free(sc->gdcov[g]);
    free(sc->gdcov);
    careless_maha_free(sc->maha);
    free(sc->gflagged);
}

static void free_accumulators(scan_t *sc)
{
    free(sc->gn);
    free(sc->pop);
    free(sc->cell);
    free(sc->dev);
    for (size_t d = 0; sc->cov && d < sc->ndims; d++)
        stats_cov_free(sc->cov[d]);
    free(sc->cov);
    free(sc->item);
    free(sc->likert);
    free(sc->gitem);
    for (size_t d = 0; sc->kw && d < sc->ndims; d++)
        kw_free(&sc->kw[d]);
    free(sc->kw);
    free(sc->overall);
    free(sc->gapdim);
    for (size_t i = 0; sc->comments && i < sc->ngroups * RES_COMMENTS_KEPT; i++)
        free(sc->comments[i]);
    free(sc->comments);
    free(sc->crank);
    free(sc->ncomments);
    free(sc->ncommenters);
}

static void free_scratch(scan_t *sc)
{
    free(sc->val);
    free(sc->vrow);
    free(sc->score);
    free(sc->kwslot);
    free(sc->row);
    free(sc->at);
    free(sc->text_pos);
    for (size_t i = 0; sc->chash && i < sc->nscored; i++)
        free(sc->chash[i].byval);
    free(sc->chash);
}

void scan_free(scan_t *sc)
{
    free_cross(sc);
    free_quality(sc);
    free_accumulators(sc);
    free_scratch(sc);
    /* the form's layout and the grouping (scan_init, scan_unit_sets) */
    for (size_t d = 0; sc->dimitems && d < sc->ndims; d++)
        free(sc->dimitems[d]);
    free(sc->dimitems);
    free(sc->ndimitems);
    free(sc->item_slot);
    free(sc->scored_pos);
    free(sc->unit_group);
    free(sc->ucat);
    free(sc->upar);
}

int scan_run(scan_t *sc, store_t *s, const char *form_id, int wave, err_t *err)
{
    size_t cap = sc->batch_size == 0 || sc->batch_size == SCAN_BATCH_INLINE ? SCAN_BATCH_DEFAULT
                                                                            : sc->batch_size;
    sc->batch[0] = batch_new(sc, cap);
    sc->cur = 0;
    int rc = store_scan(s, form_id, wave, sc->f, on_response, sc, err);
    if (rc == 0)
        batch_flush(sc, 0);
    relay_free(sc->relay);   /* waits for the last batch */
    sc->relay = NULL;
    for (int i = 0; i < 2; i++) {
        batch_free(sc->batch[i]);
        sc->batch[i] = NULL;
    }
    if (rc != 0)
        return -1;
    if (sc->xmap)
        scan_cross_finish(sc);
    return 0;
}

void scan_cross_view(const scan_t *sc, suppress_cross_t *x)
{
    *x = (suppress_cross_t){sc->nx,   sc->xsize,  sc->xtoff, sc->xtot, sc->xoff,
                            sc->xstride, sc->xrow, sc->xsp,  sc->xsp_at};
}

void scan_kw_table(const scan_t *sc, size_t d, double **vals, size_t *nv, double **counts)
{
    const kwtab_t *kt = &sc->kw[d];
    size_t n = kt->nvals;
    size_t *order = util_xmalloc((n + 1) * sizeof *order);
    for (size_t v = 0; v < n; v++)
        order[v] = v;
    sort_vals = kt->vals;
    qsort(order, n, sizeof *order, cmp_by_val);
    *vals = util_xmalloc((n + 1) * sizeof **vals);
    *counts = util_xcalloc((n + 1) * (sc->ngroups + 1), sizeof **counts);
    for (size_t v = 0; v < n; v++)
        (*vals)[v] = kt->vals[order[v]];
    for (size_t g = 0; g <= sc->ngroups; g++)
        for (size_t v = 0; v < n; v++)
            (*counts)[g * n + v] = kt->counts[g * kt->capvals + order[v]];
    *nv = n;
    free(order);
}

int scan_wave(scan_t *sc0, const scan_t *sc, store_t *s, const char *form_id, int wave0,
              err_t *err)
{
    int *ug = util_xmalloc((sc->nunit_ids + 1) * sizeof *ug);
    if (sc->nunit_ids)
        memcpy(ug, sc->unit_group, sc->nunit_ids * sizeof *ug);
    scan_init(sc0, sc->f, sc->ngroups, sc->by_unit ? -1 : sc->by_pos, ug, sc->nunit_ids, 1);
    int *ucat = util_xmalloc((sc->nucat + 1) * sizeof *ucat), *upar = util_xmalloc((sc->nupar + 1) * sizeof *upar);
    if (sc->nucat)
        memcpy(ucat, sc->ucat, sc->nucat * sizeof *ucat);
    if (sc->nupar)
        memcpy(upar, sc->upar, sc->nupar * sizeof *upar);
    scan_unit_sets(sc0, sc->grouping, ucat, sc->ncat, upar, sc->npar, sc->nucat);
    sc0->progress = sc->progress;
    sc0->progress_ud = sc->progress_ud;
    sc0->done_before = sc->read;
    sc0->total = sc->total;
    sc0->batch_size = sc->batch_size;
    if (sc->xpos)   /* the same disclosure control as sc's (the cross-counts) */
        scan_cross_init(sc0, sc->xunits);
    if (sc->screen && sc->exclude) {
        /* the earlier wave's careless respondents are left out too, judged
         * against their own wave */
        careless_maha_t *m0 = NULL;
        double n0;
        if (scan_maha_ref(s, sc->f, form_id, wave0, &m0, &n0, err) != 0)
            return -1;
        scan_want_screen(sc0, m0, 1);
    }
    return scan_run(sc0, s, form_id, wave0, err);
}

/* ---- self-assessment scores for the gaps ---- */

typedef struct {
    const form_t *sf;        /* the self form */
    int *dimmap;             /* self dim -> target dim, -1 */
    const scan_t *target;    /* for unit_group */
    stats_acc_t *self;       /* ngroups x target ndims */
    stats_acc_t *overall;    /* ngroups: the response's mean over its dims */
    scan_points_t *pts;      /* NULL: not wanted */
    long responses;
    double *x, *dimscore;    /* one response's answers by position, its scores by
                                self dim (scan_one_self's, sized for sf) */
} selfscan_t;

/* The response's bonus and deduction points, by the target's dimensions. */
static void self_points(const selfscan_t *ss, const store_scan_row_t *r, size_t g)
{
    const form_t *f = ss->sf;
    size_t nd = ss->target->ndims;
    ss->pts->responses[g] += 1;
    for (size_t a = 0; a < r->n; a++) {
        const form_item_t *it = &f->items[r->pos[a]];
        if (!it->has_points || it->dim < 0 || ss->dimmap[it->dim] < 0)
            continue;
        size_t d = (size_t)ss->dimmap[it->dim];
        double times = 0;
        if (it->list >= 0 && f->lists[it->list].yesno)
            times = r->text[a] && strcmp(r->text[a], "yes") == 0;
        else if (isfinite(r->num[a]))
            times = r->num[a];
        double v = times * it->points;
        if (v > 0)
            ss->pts->bonus[g * nd + d] += v;
        else
            ss->pts->deduction[g * nd + d] -= v;
    }
}

static int on_self(void *ud, const store_scan_row_t *r)
{
    selfscan_t *ss = ud;
    const form_t *f = ss->sf;
    const scan_t *tg = ss->target;
    if (r->unit <= 0 || (size_t)r->unit >= tg->nunit_ids || tg->unit_group[r->unit] < 0)
        return 0;
    size_t g = (size_t)tg->unit_group[r->unit];
    ss->responses++;
    double osum = 0;
    size_t ok = 0;
    for (size_t i = 0; i < f->nitems; i++)
        ss->x[i] = NAN;
    for (size_t a = 0; a < r->n; a++)
        if (r->pos[a] >= 0 && (size_t)r->pos[a] < f->nitems)
            ss->x[r->pos[a]] = r->num[a];
    score_dims(f, ss->x, ss->dimscore);
    for (size_t d = 0; d < f->ndims; d++) {
        if (ss->dimmap[d] < 0 || isnan(ss->dimscore[d]))
            continue;
        stats_acc_add(&ss->self[g * tg->ndims + (size_t)ss->dimmap[d]], ss->dimscore[d]);
        osum += ss->dimscore[d];
        ok++;
    }
    if (ok > 0)
        stats_acc_add(&ss->overall[g], osum / (double)ok);
    if (ss->pts)
        self_points(ss, r, g);
    return 0;
}

/* Calls fn on every self-role form that shares a dimension code with f,
 * with its dimensions mapped to f's (dimmap, the self form's ndims).
 * Returns 0, or -1 with err when a form cannot be read or fn
 * fails. */
static int each_self_form(store_t *s, const form_t *f,
                          int (*fn)(void *ud, const char *id, const form_t *sf, const int *dimmap,
                                    err_t *err),
                          void *ud, err_t *err)
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
        int *dimmap = util_xcalloc(sf->ndims + 1, sizeof *dimmap), any = 0;
        for (size_t d = 0; d < sf->ndims; d++) {
            dimmap[d] = form_dim_index(f, sf->dims[d].code);
            any |= dimmap[d] >= 0;
        }
        int r = any ? fn(ud, ids[i], sf, dimmap, err) : 0;
        free(dimmap);
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

static int mark_dims(void *ud, const char *id, const form_t *sf, const int *dimmap, err_t *err)
{
    (void)id;
    (void)err;
    for (size_t d = 0; d < sf->ndims; d++)
        if (dimmap[d] >= 0)
            ((char *)ud)[dimmap[d]] = 1;
    return 0;
}

int scan_self_dims(store_t *s, scan_t *sc, err_t *err)
{
    free(sc->gapdim);
    sc->gapdim = util_xcalloc(sc->ndims + 1, 1);
    return each_self_form(s, sc->f, mark_dims, sc->gapdim, err);
}

typedef struct {
    store_t *s;
    int wave;
    selfscan_t ss;
} selfrun_t;

static int scan_one_self(void *ud, const char *id, const form_t *sf, const int *dimmap, err_t *err)
{
    selfrun_t *sr = ud;
    sr->ss.sf = sf;
    sr->ss.dimmap = (int *)dimmap;
    for (size_t i = 0; sr->ss.pts && i < sf->nitems; i++)
        if (sf->items[i].has_points && sf->items[i].dim >= 0 && dimmap[sf->items[i].dim] >= 0)
            sr->ss.pts->dims[dimmap[sf->items[i].dim]] = 1;
    sr->ss.x = util_xcalloc(sf->nitems + 1, sizeof *sr->ss.x);
    sr->ss.dimscore = util_xcalloc(sf->ndims + 1, sizeof *sr->ss.dimscore);
    int rc = store_scan(sr->s, id, sr->wave, sf, on_self, &sr->ss, err);
    free(sr->ss.x);
    free(sr->ss.dimscore);
    sr->ss.x = sr->ss.dimscore = NULL;
    return rc;
}

int scan_self(store_t *s, int wave, const scan_t *tg, stats_acc_t *self, stats_acc_t *overall,
              scan_points_t *pts, long *nresp, err_t *err)
{
    selfrun_t sr = {s, wave, {NULL, NULL, tg, self, overall, pts, 0, NULL, NULL}};
    int rc = each_self_form(s, tg->f, scan_one_self, &sr, err);
    *nresp += sr.ss.responses;
    return rc;
}
