/*
 * analyze: the engine behind `analyze`, `report` and `demo`.
 *
 * an_run puts one analysis together, in the order of DESIGN.md section 5:
 * it finds the form, the waves and the groups, runs the streaming scan
 * (scan.h), hides the groups disclosure control asks for (suppress.h),
 * computes the statistics from the scan's accumulators into a res_t, the
 * self-vs-staff gaps and the changes since the comparison wave, and lists
 * the findings (findings.h).  Nothing here words a finding: that is the
 * renderers' (analysis/report/render.h).
 *
 * Statistical choices are commented where they are made; each statistic is
 * checked against R in tests/fixtures/rcheck.
 */
#include "analysis/analyze.h"
#include "analysis/crosstab.h"
#include "analysis/findings.h"
#include "analysis/quality.h"
#include "analysis/groups.h"
#include "analysis/points.h"
#include "analysis/questions.h"
#include "analysis/scan.h"
#include "analysis/stats.h"
#include "analysis/suppress.h"
#include "survey/units.h"
#include "base/i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void an_opts_default(an_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->min_n = RES_MIN_N_SAFE;
    o->comment_min = RES_COMMENT_MIN;
    o->min_diff = 5.0;
    o->fdr = 0.05;
    o->lang = "en";
    o->pa_iterations = 100;
    o->pa_seed = 1;
}

/* One run's state.  Everything in it is an_run's, released at its end;
 * r moves to the caller on success. */
typedef struct {
    store_t *s;
    const an_opts_t *o;
    res_t *r;
    form_t *f;
    char *form_id;
    int wave, wave0;         /* 0: no comparison wave */
    int li;                  /* the form's language for r->lang */
    int by_pos;              /* the --by item's form position, -1 through units */
    groups_t groups;         /* the grouping; its groups move to r */
    questions_t *questions;  /* an_opts_t.questions */
    xtab_t *xtab;            /* an_opts_t.crosstab */
    scan_t sc, sc0;
} run_t;

/* ---- the form and the waves ---- */

typedef struct {
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

/* The staff form_id analysed when none is named: the one whose version
 * has the most responses (the first listed on a tie).  The counts take a
 * pass over every response's index entry (store_form_list), so they are
 * asked for only when there is more than one staff form_id.  The caller
 * frees it; NULL with *err when there is none. */
static char *default_form(store_t *s, err_t *err)
{
    char **ids = NULL, *id = NULL;
    size_t n = 0;
    if (store_form_ids_by_role(s, FORM_ROLE_STAFF, &ids, &n, err) == 0) {
        if (n == 1) {
            id = ids[0];
            ids[0] = NULL;
        } else if (n > 1) {
            pickform_t p = {0, NULL};
            if (store_form_list(s, on_form_pick, &p, err) == 0)
                id = p.best_id;
            else
                free(p.best_id);
        } else {
            err_set(err, ERR_NOTFOUND, _("no staff questionnaire is stored; add one with "
                                         "'gapsurvey form add'"));
        }
    }
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    return id;
}

static int pick_form(run_t *u, err_t *err)
{
    if (u->o->form_id)
        u->form_id = util_xstrdup(u->o->form_id);
    else if (!(u->form_id = default_form(u->s, err)))
        return -1;
    int fid, g = store_form_get(u->s, u->form_id, &u->f, &fid, err);
    if (g == 1)
        err_set(err, ERR_NOTFOUND, _("no form '%s'; 'gapsurvey form list' shows the stored ones"),
                u->form_id);
    /* units are named from the units table (the unit question's labels
     * stay where they translate the table's name) */
    if (g != 0 || units_fill_form(u->s, u->f, err) != 0)
        return -1;
    if (u->f->ndims == 0) {
        err_set(err, ERR_FAIL, _("form %s has no dimensions to analyse"), u->form_id);
        return -1;
    }
    size_t nscored = 0;
    for (size_t i = 0; i < u->f->nitems; i++)
        nscored += form_item_scored(u->f, &u->f->items[i]) != 0;
    if (u->o->validity && u->o->factors >= nscored) {
        err_set(err, ERR_FAIL, _("--factors %zu: form %s has %zu Likert items, so at most %zu "
                                 "factors"), u->o->factors, u->form_id, nscored,
                nscored ? nscored - 1 : 0);
        return -1;
    }
    u->li = form_lang(u->f, u->r->lang);
    u->r->form_id = util_xstrdup(u->f->form_id);
    u->r->form_title = util_xstrdup(form_title_in(u->f, u->li));
    return 0;
}

static int pick_waves(run_t *u, err_t *err)
{
    const an_opts_t *o = u->o;
    int g;
    if (o->wave) {
        g = store_wave_find(u->s, o->wave, &u->wave, err);
        if (g == 1)
            err_set(err, ERR_NOTFOUND, _("no wave '%s'; 'gapsurvey wave list' shows them"),
                    o->wave);
    } else {
        g = store_wave_latest_for(u->s, u->form_id, &u->wave, err);
        if (g == 1)
            err_set(err, ERR_NOTFOUND, _("no responses to %s yet"), u->form_id);
    }
    if (g != 0 || store_wave_name(u->s, u->wave, &u->r->wave, err) != 0)
        return -1;
    if (!o->compare_wave)
        return 0;
    g = store_wave_find(u->s, o->compare_wave, &u->wave0, err);
    if (g == 1)
        err_set(err, ERR_NOTFOUND, _("no wave '%s' to compare with"), o->compare_wave);
    if (g != 0)
        return -1;
    if (u->wave0 == u->wave) {
        err_set(err, ERR_FAIL, _("--compare-wave names the analysed wave itself"));
        return -1;
    }
    u->r->compare_wave = util_xstrdup(o->compare_wave);
    return 0;
}

/* ---- the scan ---- */

static int on_count_sum(void *ud, int unit, long n)
{
    (void)unit;
    *(long *)ud += n;
    return 0;
}

/* The optional accumulators of quality.h: validity, the outcome's
 * co-moments for the key drivers, and careless screening, whose
 * Mahalanobis reference takes a pass of its own before the scan. */
static int want_quality(run_t *u, err_t *err)
{
    const an_opts_t *o = u->o;
    if (o->validity)
        scan_want_validity(&u->sc);
    if (o->drivers) {
        int pos = u->f->outcome_field ? form_item_index(u->f, u->f->outcome_field) : -1;
        if (pos < 0)
            res_warn(u->r, RES_W_DRV_NO_OUTCOME, -1, 0);
        scan_want_drivers(&u->sc, pos);
    }
    if (o->screen || o->exclude_careless) {
        careless_maha_t *m = NULL;
        double n;
        if (scan_maha_ref(u->s, u->f, u->form_id, u->wave, &m, &n, err) != 0)
            return -1;
        scan_want_screen(&u->sc, m, o->exclude_careless);
    }
    return 0;
}

/* The groups, then the scan of the analysed wave into u->sc. */
static int group_and_scan(run_t *u, err_t *err)
{
    const an_opts_t *o = u->o;
    groups_t *g = &u->groups;
    res_t *r = u->r;
    if (groups_load(u->s, u->f, u->li, o->by, g, err) != 0)
        return -1;
    /* the groups move to the res_t */
    r->groups = g->groups;
    r->ngroups = g->ngroups;
    g->groups = NULL;
    r->group_by = util_xstrdup(g->group_by);
    r->group_label = g->group_label ? util_xstrdup(g->group_label) : NULL;
    u->by_pos = g->by_pos;
    scan_init(&u->sc, u->f, r->ngroups, u->by_pos, groups_copy(g, g->unit_group), g->nids, 0);
    scan_unit_sets(&u->sc, g->grouping, groups_copy(g, g->ucat), g->ncat, groups_copy(g, g->upar), g->npar,
                   g->nids);
    scan_cross_init(&u->sc, g->nids);
    u->sc.batch_size = o->scan_batch < 0 ? SCAN_BATCH_INLINE : (size_t)o->scan_batch;
    if (o->questions) {
        int up = u->f->unit_field ? form_item_index(u->f, u->f->unit_field) : -1;
        u->sc.questions = u->questions = questions_new(u->f, r->ngroups, u->by_pos, up);
    }
    if (o->crosstab && !(u->sc.xtab = u->xtab = xtab_new(u->f, o->crosstab, r->group_by, r->ngroups, err)))
        return -1;
    if (g->grouping == SCAN_G_UNIT && scan_self_dims(u->s, &u->sc, err) != 0)
        return -1;
    if (want_quality(u, err) != 0)
        return -1;
    if (o->progress) {
        u->sc.progress = o->progress;
        u->sc.progress_ud = o->progress_ud;
        if (store_count_by_unit(u->s, u->form_id, u->wave, on_count_sum, &u->sc.total, err) != 0 ||
            (u->wave0 && store_count_by_unit(u->s, u->form_id, u->wave0, on_count_sum, &u->sc.total, err) != 0))
            return -1;
        o->progress(o->progress_ud, 0, u->sc.total);
    }
    if (scan_run(&u->sc, u->s, u->form_id, u->wave, err) != 0)
        return -1;
    if (u->sc.respondents == 0 && u->sc.excluded > 0) {
        err_set(err, ERR_FAIL, _("every response to %s in wave %s is flagged as careless; nothing "
                                 "is left to analyse without --exclude-careless"), u->form_id,
                r->wave);
        return -1;
    }
    if (u->sc.respondents == 0) {
        err_set(err, ERR_NOTFOUND, _("no responses to %s in wave %s"), u->form_id, r->wave);
        return -1;
    }
    r->respondents = u->sc.respondents;
    for (size_t i = 0; i < r->ngroups; i++)
        r->groups[i].n = u->sc.gn[i];
    return 0;
}

/* Disclosure control (suppress.h) of one scan's groups: small groups,
 * their complement, then the differencing defence against every other
 * grouping.  hidden[] (ngroups) may come in with groups already hidden.
 * Returns the number the differencing defence hid. */
static size_t hide_in(const scan_t *sc, long total, int min_n, char *hidden)
{
    long *n = util_xmalloc((sc->ngroups + 1) * sizeof *n);
    for (size_t g = 0; g < sc->ngroups; g++)
        n[g] = sc->gn[g];
    suppress_small(n, sc->ngroups, total, min_n, hidden);
    suppress_cross_t x;
    scan_cross_view(sc, &x);
    size_t nested = suppress_linked(n, sc->ngroups, total, min_n, &x, hidden);
    free(n);
    return nested;
}

static void hide_groups(run_t *u)
{
    res_t *r = u->r;
    char *hidden = util_xcalloc(r->ngroups + 1, 1);
    size_t nested = hide_in(&u->sc, r->respondents, r->min_n, hidden);
    r->nsuppressed = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
        r->groups[g].suppressed = hidden[g] != 0;
        r->nsuppressed += hidden[g] != 0;
    }
    free(hidden);
    if (nested)
        res_warn(r, RES_W_DIFFERENCING, -1, nested);
}

/* ---- per dimension ---- */

/* Reliability of dimension d (Cronbach's alpha on complete cases) and
 * its items' statistics. */
static void dim_items(run_t *u, size_t d)
{
    res_t *r = u->r;
    res_dim_t *D = &r->dims[d];
    const scan_t *sc = &u->sc;
    const form_t *f = u->f;
    size_t k = sc->ndimitems[d];
    D->nitems = k;
    D->items = util_xcalloc(k + 1, sizeof *D->items);
    double *rdrop = util_xcalloc(k + 1, sizeof *rdrop), *aid = util_xcalloc(k + 1, sizeof *aid);
    stats_alpha_t a = {0};
    a.r_drop = rdrop;
    a.alpha_if_dropped = aid;
    D->alpha = D->std_alpha = D->average_r = D->alpha_ci_low = D->alpha_ci_high = NAN;
    D->alpha_n = sc->cov[d] ? stats_cov_n(sc->cov[d]) : NAN;
    int alpha_ok = sc->cov[d] && stats_alpha(sc->cov[d], &a) == 0;
    if (alpha_ok) {
        D->alpha = a.alpha;
        D->std_alpha = a.std_alpha;
        D->average_r = a.average_r;
        D->alpha_ci_low = a.ci_low;
        D->alpha_ci_high = a.ci_high;
    } else {
        res_warn(r, k < 2 ? RES_W_ALPHA_ONE_ITEM : D->alpha_n < 2 ? RES_W_ALPHA_FEW : RES_W_ALPHA_NOVAR,
             (long)d, 0);
    }
    for (size_t j = 0; j < k; j++) {
        size_t pos = sc->dimitems[d][j];
        size_t slot = (size_t)sc->item_slot[pos];
        const form_item_t *it = &f->items[pos];
        const form_list_t *l = &f->lists[it->list];
        res_item_t *I = &D->items[j];
        I->name = util_xstrdup(it->name);
        I->label = util_xstrdup(form_text(f, it->label, u->li));
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
            I->choice_labels[c] = util_xstrdup(form_text(f, l->choices[c].label, u->li));
            I->counts[c] = sc->likert[slot * sc->maxchoices + c];
        }
    }
    free(rdrop);
    free(aid);
}

/* The published blocks of dimension d for the between-group statistics:
 * each shown group's scores, then one block pooling every hidden group
 * and the respondents in no group (the total minus the shown groups,
 * which anyone can compute from what is published).  Statistics over
 * every group would hold each hidden group's own mean: with the shown
 * groups known, F or eta^2 is one equation in the hidden means, and two
 * hidden groups of known size give two candidates, one of them right.
 * Into bs (ngroups + 1 slots); returns the number of blocks.  With
 * counts, the Kruskal-Wallis count table (ngroups + 1 rows of nv) is
 * pooled the same way in place, block i into row i. */
static size_t blocks(const run_t *u, size_t d, stats_acc_t *bs, double *counts, size_t nv)
{
    const scan_t *sc = &u->sc;
    size_t nb = 0;
    stats_acc_t pool = sc->cell[sc->ngroups * sc->ndims + d];
    double *pooled = counts ? util_xcalloc(nv + 1, sizeof *pooled) : NULL;
    for (size_t v = 0; counts && v < nv; v++)
        pooled[v] = counts[sc->ngroups * nv + v];
    for (size_t g = 0; g < sc->ngroups; g++) {
        const stats_acc_t *c = &sc->cell[g * sc->ndims + d];
        if (c->n == 0)
            continue;
        if (u->r->groups[g].suppressed) {
            stats_acc_merge(&pool, c);
            for (size_t v = 0; counts && v < nv; v++)
                pooled[v] += counts[g * nv + v];
            continue;
        }
        if (counts)
            memmove(counts + nb * nv, counts + g * nv, nv * sizeof *counts);
        bs[nb++] = *c;
    }
    if (pool.n > 0) {
        if (counts)
            memcpy(counts + nb * nv, pooled, nv * sizeof *counts);
        bs[nb++] = pool;
    }
    free(pooled);
    return nb;
}

/* Why the one-way ANOVA of nb blocks of N scores has no F (or an
 * infinite one): a warning kind, or -1 when nothing is wrong. */
static int anova_trouble(size_t nb, double N, const stats_anova_t *an, int ok)
{
    if (ok == 0)
        return isinf(an->f) ? RES_W_ANOVA_INF : -1;
    return (nb < 2 || N - (double)nb < 1) ? RES_W_ANOVA_GROUPS : RES_W_ANOVA_NOVAR;
}

/* Between-group statistics of dimension d over the published blocks. */
static void dim_between(run_t *u, size_t d)
{
    res_t *r = u->r;
    res_dim_t *D = &r->dims[d];
    const scan_t *sc = &u->sc;
    double *vals, *counts;
    size_t nv;
    scan_kw_table(sc, d, &vals, &nv, &counts);
    stats_acc_t *bs = util_xcalloc(sc->ngroups + 2, sizeof *bs);
    size_t nb = blocks(u, d, bs, counts, nv);
    double N = 0;
    for (size_t b = 0; b < nb; b++)
        N += bs[b].n;
    D->blocks = (double)nb;
    stats_anova_t an;
    D->f = D->df_between = D->df_within = D->p_anova = D->eta2 = D->omega2 = NAN;
    D->icc1 = D->icc2 = D->msw = D->tau2 = NAN;
    int ok = stats_anova(bs, nb, &an);
    if (ok == 0) {
        D->f = an.f;
        D->df_between = an.df_between;
        D->df_within = an.df_within;
        D->p_anova = an.p;
        D->eta2 = an.eta2;
        D->omega2 = an.omega2;
        D->msw = an.msw;
        double kbar = N / (double)nb;   /* multilevel::ICC1 uses the mean group size */
        D->icc1 = stats_icc1(&an, kbar);
        D->icc2 = stats_icc2(&an);
        D->tau2 = fmax(0.0, (an.msb - an.msw) / kbar);
    }
    int why = anova_trouble(nb, N, &an, ok);
    if (why >= 0)
        res_warn(r, (res_wkind_t)why, (long)d, 0);
    D->welch_f = D->welch_df1 = D->welch_df2 = D->welch_p = NAN;
    if (stats_welch_anova(bs, nb, &D->welch_f, &D->welch_df1, &D->welch_df2, &D->welch_p) != 0)
        res_warn(r, nb < 2 ? RES_W_WELCH_GROUPS : RES_W_WELCH_GROUPVAR, (long)d, 0);
    free(bs);
    D->kw_h = D->kw_df = D->kw_p = NAN;
    if (stats_kruskal(vals, nv, counts, nb, &D->kw_h, &D->kw_df, &D->kw_p) != 0)
        res_warn(r, nb < 2 ? RES_W_KRUSKAL_GROUPS : RES_W_KRUSKAL_TIES, (long)d, 0);
    free(vals);
    free(counts);
}

static void dim_stats(run_t *u, size_t d)
{
    res_t *r = u->r;
    res_dim_t *D = &r->dims[d];
    const stats_acc_t *pop = &u->sc.pop[d], *dev = &u->sc.dev[d];
    D->code = util_xstrdup(u->f->dims[d].code);
    D->label = util_xstrdup(form_text(u->f, u->f->dims[d].label, u->li));
    if (!*D->label) {
        free(D->label);
        D->label = util_xstrdup(D->code);
    }
    D->n = pop->n;
    D->mean = pop->n > 0 ? pop->mean : NAN;
    D->sd = stats_acc_sd(pop);
    stats_mean_ci(pop, 0.95, &D->ci_low, &D->ci_high);
    if (pop->n >= 2 && isnan(D->ci_low))
        res_warn(r, RES_W_CONSTANT, (long)d, 0);
    D->grand = D->mean;
    dim_items(u, d);
    dim_between(u, d);
    D->deviation = dev->n > 0 ? dev->mean : NAN;
    D->dev_t = D->dev_df = D->dev_p = D->dev_q = NAN;
    if (stats_one_sample_t(dev, 0.0, &D->dev_t, &D->dev_df, &D->dev_p) != 0)
        res_warn(r, dev->n == 0 && pop->n > 0 ? RES_W_DEV_NOOTHER : RES_W_DEV_NOVAR, (long)d, 0);
}

static int cmp_dim_mean_desc(const void *a, const void *b)
{
    const res_dim_t *x = *(res_dim_t *const *)a, *y = *(res_dim_t *const *)b;
    double mx = isnan(x->mean) ? -1 : x->mean, my = isnan(y->mean) ? -1 : y->mean;
    return (mx < my) - (mx > my);
}

/* Every dimension; weak ones by BH across dimensions; ranks by mean. */
static void dims(run_t *u)
{
    res_t *r = u->r;
    const an_opts_t *o = u->o;
    r->ndims = u->f->ndims;
    r->dims = util_xcalloc(r->ndims + 1, sizeof *r->dims);
    for (size_t d = 0; d < r->ndims; d++)
        dim_stats(u, d);
    double *pvals = util_xmalloc((r->ndims + 1) * sizeof *pvals);
    double *qvals = util_xmalloc((r->ndims + 1) * sizeof *qvals);
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
}

/* ---- per group x dimension ---- */

static res_funnel_t funnel(double mean, double grand, double se)
{
    if (!(se > 0) || !isfinite(se) || !isfinite(mean))
        return RES_FUNNEL_NONE;
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

/* rwg(j) of group gi on dimension d: the items answered at least twice
 * in the group (J of them) each compared with the uniform null variance
 * of its own list, (A^2-1)/12; the mean of those ratios truncated at 1.
 * With one list for the dimension this is multilevel::rwg.j's mean item
 * variance over the null variance; the last item's list length stood for
 * every item before, so reordering items changed the value. */
static double cell_rwg(const scan_t *sc, size_t gi, size_t d)
{
    size_t used = 0;
    double usum = 0;
    for (size_t j = 0; j < sc->ndimitems[d]; j++) {
        size_t pos = sc->dimitems[d][j];
        size_t slot = (size_t)sc->item_slot[pos];
        double v = stats_acc_var(&sc->gitem[gi * sc->nscored + slot]);
        double null = stats_rwg_ranvar((double)sc->f->lists[sc->f->items[pos].list].nchoices);
        if (!isnan(v) && null > 0) {
            usum += v / null;
            used++;
        }
    }
    return used > 0 ? stats_rwg_j(used, usum / (double)used, 1.0) : NAN;
}

static void cell_stats(res_t *r, const scan_t *sc, size_t gi, size_t d)
{
    res_dim_t *D = &r->dims[d];
    res_cell_t *C = &r->groups[gi].cells[d];
    const stats_acc_t *c = &sc->cell[gi * sc->ndims + d];
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
    C->rwg_j = cell_rwg(sc, gi, d);
    stats_acc_t others = stats_acc_minus(&sc->pop[d], c);
    C->diff = (c->n > 0 && others.n > 0) ? C->mean - others.mean : NAN;
    C->t = C->df = C->p = C->q = NAN;
    stats_welch_t(c, &others, &C->t, &C->df, &C->p);
    double se = (c->n > 0 && isfinite(D->msw) && isfinite(D->tau2)) ? sqrt(D->msw / c->n + D->tau2) : NAN;
    C->funnel = funnel(C->mean, D->grand, se);
}

/* Group gi's mean answer to each item of each dimension, as given (the
 * feedback report sets them against the city's item means). */
static void cell_items(res_t *r, const scan_t *sc, size_t gi)
{
    size_t k = 0;
    r->groups[gi].item_means = util_xcalloc(sc->nscored + 1, sizeof(double));
    for (size_t d = 0; d < r->ndims; d++)
        for (size_t j = 0; j < sc->ndimitems[d]; j++) {
            const stats_acc_t *a = &sc->gitem[gi * sc->nscored + (size_t)sc->item_slot[sc->dimitems[d][j]]];
            r->groups[gi].item_means[k++] = a->n > 0 ? a->mean : NAN;
        }
}

/* Moves group i's comments into the res_t when it is a unit of at least
 * comment_min respondents.  Never under --by groups: the same verbatim
 * comment under a unit and under a --by group names its author as one
 * of the intersection of the two. */
static void cell_comments(run_t *u, size_t i)
{
    res_group_t *G = &u->r->groups[i];
    scan_t *sc = &u->sc;
    if (u->groups.grouping != SCAN_G_UNIT || G->n < u->r->comment_min)
        return;
    G->ncomments = sc->ncomments[i];
    G->comments = util_xcalloc(G->ncomments + 1, sizeof *G->comments);
    for (size_t c = 0; c < G->ncomments; c++) {   /* moved, not copied */
        G->comments[c] = sc->comments[i * RES_COMMENTS_KEPT + c];
        sc->comments[i * RES_COMMENTS_KEPT + c] = NULL;
    }
}

/* Per dimension, the warnings about the shown cells: groups whose
 * scores are all equal (no CI, no gap flag), and no funnel limits. */
static void cell_warnings(res_t *r)
{
    for (size_t d = 0; d < r->ndims; d++) {
        size_t constant = 0, nofunnel = 0;
        for (size_t i = 0; i < r->ngroups; i++) {
            const res_cell_t *C = r->groups[i].cells ? &r->groups[i].cells[d] : NULL;
            if (!C || C->n == 0)
                continue;
            constant += isnan(C->ci_low);
            nofunnel += C->funnel == RES_FUNNEL_NONE;
        }
        if (constant)
            res_warn(r, RES_W_CONSTANT_GROUPS, (long)d, constant);
        if (nofunnel)
            res_warn(r, RES_W_FUNNEL, (long)d, 0);
    }
}

/* Cells and comments of the shown groups; one BH family over every
 * tested cell. */
static void cells(run_t *u)
{
    res_t *r = u->r;
    scan_t *sc = &u->sc;
    size_t ncells = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        res_group_t *G = &r->groups[i];
        if (G->suppressed || G->n == 0)
            continue;
        G->cells = util_xcalloc(r->ndims + 1, sizeof *G->cells);
        for (size_t d = 0; d < r->ndims; d++)
            cell_stats(r, sc, i, d);
        cell_items(r, sc, i);
        ncells += r->ndims;
        cell_comments(u, i);
    }
    cell_warnings(r);
    double *pvals = util_xmalloc((ncells + 1) * sizeof *pvals);
    double *qvals = util_xmalloc((ncells + 1) * sizeof *qvals);
    size_t k = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        for (size_t d = 0; r->groups[i].cells && d < r->ndims; d++)
            pvals[k++] = r->groups[i].cells[d].p;
    stats_bh(pvals, k, qvals);
    k = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        for (size_t d = 0; r->groups[i].cells && d < r->ndims; d++) {
            res_cell_t *C = &r->groups[i].cells[d];
            C->q = qvals[k++];
            C->weak = !isnan(C->q) && C->q < u->o->fdr && C->diff <= -u->o->min_diff;
        }
    free(pvals);
    free(qvals);
}

/* ---- self-vs-staff gaps, changes ---- */

/* One gap, its numbers already in (gap_cells).  A self score is ONE
 * response: it moves in steps of several points and carries one person's
 * own leniency, so it is judged against the spread of one staff member's
 * score, the 95% prediction interval mean +- t sd sqrt(1 + 1/n)
 * (Crawford & Howell 1998), not against the staff mean's CI, which
 * narrows with n and flagged about half the cells of a city with no real
 * gap.  Seven dimensions judged so would still flag one unit in three by
 * chance, so a flag asks for more than its own interval: either the whole
 * profile agrees (the self response's mean over its dimensions lies
 * outside the interval of one staff member's mean over the same
 * dimensions, on the same side: an inflated self-assessment is inflated
 * throughout), or the dimension's own test survives Holm's correction
 * over the unit's dimensions (one blatant dimension).  And the gap is at
 * least min_diff.  tests/detector/gaps.py measures what this gives on
 * simulated cities. */
static void gap_judge(res_gap_t *gp, double min_diff)
{
    int side = gp->gap > 0 ? 1 : -1;
    int profile = !isnan(gp->overall_p) && gp->overall_p < 0.05 && (gp->overall_t > 0 ? 1 : -1) == side;
    int alone = !isnan(gp->p_holm) && gp->p_holm < 0.05;
    int outside = side > 0 ? gp->self > gp->pi_high : gp->self < gp->pi_low;
    if (isnan(gp->pi_low))
        gp->flag = RES_UNTESTED;
    else if (outside && fabs(gp->gap) >= min_diff && (profile || alone))
        gp->flag = side > 0 ? RES_OVERCLAIM : RES_UNDERCLAIM;
    else
        gp->flag = RES_CONSISTENT;
}

/* The numbers of one gap of unit i on dimension d. */
static void gap_cell(res_gap_t *gp, const scan_t *sc, const res_cell_t *C, size_t i, size_t d)
{
    const stats_acc_t *staff = &sc->cell[i * sc->ndims + d];
    gp->group = i;
    gp->dim = d;
    gp->staff = C->mean;
    gp->staff_ci_low = C->ci_low;
    gp->staff_ci_high = C->ci_high;
    gp->staff_n = staff->n;
    gp->staff_sd = C->sd;
    gp->gap = gp->self - gp->staff;
    stats_pred_interval(staff, 0.95, &gp->pi_low, &gp->pi_high);
    stats_single_case_t(staff, gp->self, &gp->t, &gp->df, &gp->p);
}

/* Unit i's gaps (those with a self score) appended to r->gaps, Holm over
 * them, flags; untested[d] counts the flags left null. */
static void gap_unit(run_t *u, size_t i, const stats_acc_t *self, const stats_acc_t *overall,
                     size_t *untested)
{
    res_t *r = u->r;
    const scan_t *sc = &u->sc;
    const res_group_t *G = &r->groups[i];
    double ot = NAN, odf, op = NAN;
    if (overall->n > 0)
        stats_single_case_t(&sc->overall[i], overall->mean, &ot, &odf, &op);
    size_t first = r->ngaps;
    for (size_t d = 0; d < r->ndims; d++) {
        const stats_acc_t *sa = &self[i * r->ndims + d];
        if (sa->n == 0 || isnan(G->cells[d].mean))
            continue;
        r->gaps = util_xrealloc(r->gaps, (r->ngaps + 1) * sizeof *r->gaps);
        res_gap_t *gp = &r->gaps[r->ngaps++];
        memset(gp, 0, sizeof *gp);
        gp->self = sa->mean;
        gp->overall_self = overall->mean;
        gp->overall_staff = sc->overall[i].n > 0 ? sc->overall[i].mean : NAN;
        gp->overall_t = ot;
        gp->overall_p = op;
        gap_cell(gp, sc, &G->cells[d], i, d);
    }
    size_t n = r->ngaps - first;
    double *p = util_xmalloc((n + 1) * sizeof *p);
    for (size_t k = 0; k < n; k++)
        p[k] = r->gaps[first + k].p;
    stats_holm(p, n, p);
    for (size_t k = 0; k < n; k++) {
        res_gap_t *gp = &r->gaps[first + k];
        gp->p_holm = p[k];
        gap_judge(gp, u->o->min_diff);
        untested[gp->dim] += gp->flag == RES_UNTESTED;
    }
    free(p);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* r->gap_detect: the smallest gaps the rule flags in a unit of the
 * median size among those with a self score, with the pooled
 * within-unit SDs (the methods appendix states them: one response
 * cannot show a small gap). */
static void gap_detect(run_t *u)
{
    res_t *r = u->r;
    const scan_t *sc = &u->sc;
    double *ns = util_xmalloc((r->ngroups + 1) * sizeof *ns), ss = 0, df = 0, sso = 0, dfo = 0;
    size_t nn = 0, k = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
        int has = 0;
        for (size_t i = 0; i < r->ngaps; i++)
            has |= r->gaps[i].group == g;
        if (!has)
            continue;
        ns[nn++] = (double)r->groups[g].n;
        for (size_t d = 0; d < r->ndims; d++) {
            const stats_acc_t *c = &sc->cell[g * sc->ndims + d];
            if (c->n >= 2) {
                ss += c->m2;
                df += c->n - 1;
            }
        }
        if (sc->overall[g].n >= 2) {
            sso += sc->overall[g].m2;
            dfo += sc->overall[g].n - 1;
        }
    }
    for (size_t d = 0; d < r->ndims; d++)
        k += sc->gapdim && sc->gapdim[d];
    if (nn > 0 && df > 0) {
        qsort(ns, nn, sizeof *ns, cmp_double);
        double n = nn % 2 ? ns[nn / 2] : (ns[nn / 2 - 1] + ns[nn / 2]) / 2;
        r->gap_detect.n = n;
        r->gap_detect.sd = sqrt(ss / df);
        r->gap_detect.sd_overall = dfo > 0 ? sqrt(sso / dfo) : NAN;
        r->gap_detect.dim = fmax(u->o->min_diff, stats_pred_half(n, r->gap_detect.sd, 0.95));
        r->gap_detect.overall = stats_pred_half(n, r->gap_detect.sd_overall, 0.95);
        r->gap_detect.alone = fmax(u->o->min_diff,
                                   stats_pred_half(n, r->gap_detect.sd, 1.0 - 0.05 / (double)(k ? k : 1)));
    }
    free(ns);
}

/* Gaps of the shown units that have a self score (units only). */
static int gaps(run_t *u, err_t *err)
{
    res_t *r = u->r;
    stats_acc_t *self = util_xcalloc((r->ngroups + 1) * (r->ndims + 1), sizeof *self);
    stats_acc_t *overall = util_xcalloc(r->ngroups + 1, sizeof *overall);
    size_t *untested = util_xcalloc(r->ndims + 1, sizeof *untested);
    size_t nc = (r->ngroups + 1) * (r->ndims + 1);
    scan_points_t pts = {util_xcalloc(nc, sizeof(double)), util_xcalloc(nc, sizeof(double)),
                         util_xcalloc(r->ngroups + 1, sizeof(double)), util_xcalloc(r->ndims + 1, 1)};
    int rc = scan_self(u->s, u->wave, &u->sc, self, overall, &pts, &r->self_responses, err);
    if (rc == 0)
        points_build(r, &pts);
    free(pts.bonus);
    free(pts.deduction);
    free(pts.responses);
    free(pts.dims);
    for (size_t i = 0; rc == 0 && i < r->ngroups; i++)
        if (r->groups[i].cells)
            gap_unit(u, i, self, &overall[i], untested);
    for (size_t d = 0; rc == 0 && d < r->ndims; d++)
        if (untested[d])
            res_warn(r, RES_W_GAP_UNTESTED, (long)d, untested[d]);
    gap_detect(u);
    free(self);
    free(overall);
    free(untested);
    return rc;
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

/* Changes since the comparison wave, per dimension and per group x
 * dimension; two BH families: dimensions, and group x dimension cells.
 * The earlier wave's groups get the same disclosure control as this
 * wave's (min_n, complement, differencing), starting from the groups
 * hidden now: a group shows a change only when it is shown in both
 * waves.  Checking the earlier wave against min_n alone left the
 * respondents in its hidden groups as the population minus the shown
 * groups, one subtraction away. */
static int changes(run_t *u, err_t *err)
{
    res_t *r = u->r;
    const scan_t *sc = &u->sc, *sc0 = &u->sc0;
    if (scan_wave(&u->sc0, sc, u->s, u->form_id, u->wave0, err) != 0)
        return -1;
    char *hidden0 = util_xcalloc(r->ngroups + 1, 1);
    for (size_t i = 0; i < r->ngroups; i++)
        hidden0[i] = r->groups[i].suppressed;
    hide_in(sc0, sc0->respondents, r->min_n, hidden0);
    size_t lost = 0;
    for (size_t d = 0; d < r->ndims; d++)
        add_change(r, -1, d, &sc0->pop[d], &sc->pop[d]);
    size_t first_cell = r->nchanges;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (!r->groups[i].cells)
            continue;
        if (hidden0[i] || sc0->gn[i] == 0) {
            lost += hidden0[i] != 0;
            continue;
        }
        for (size_t d = 0; d < r->ndims; d++)
            add_change(r, (long)i, d, &sc0->cell[i * r->ndims + d], &sc->cell[i * r->ndims + d]);
    }
    free(hidden0);
    if (lost)
        res_warn(r, RES_W_COMPARE_HIDDEN, -1, lost);
    double *pvals = util_xmalloc((r->nchanges + 1) * sizeof *pvals);
    double *qvals = util_xmalloc((r->nchanges + 1) * sizeof *qvals);
    for (size_t i = 0; i < r->nchanges; i++)
        pvals[i] = r->changes[i].p;
    stats_bh(pvals, first_cell, qvals);
    stats_bh(pvals + first_cell, r->nchanges - first_cell, qvals + first_cell);
    for (size_t i = 0; i < r->nchanges; i++) {
        res_change_t *c = &r->changes[i];
        c->q = qvals[i];
        c->flag = RES_STABLE;
        if (!isnan(c->q) && c->q < u->o->fdr && fabs(c->diff) >= u->o->min_diff)
            c->flag = c->diff > 0 ? RES_IMPROVED : RES_DECLINED;
    }
    free(pvals);
    free(qvals);
    return 0;
}

/* ---- the run ---- */

int an_run(store_t *s, const an_opts_t *o, res_t **out, err_t *err)
{
    int rc = -1;
    run_t u = {0};
    u.s = s;
    u.o = o;
    u.r = util_xcalloc(1, sizeof *u.r);
    *out = NULL;

    res_t *r = u.r;
    r->lang = util_xstrdup(o->lang && strcmp(o->lang, "zh") == 0 ? "zh" : "en");
    r->min_n = o->min_n;
    r->comment_min = o->comment_min > o->min_n ? o->comment_min : o->min_n;
    r->min_diff = o->min_diff;
    r->fdr = o->fdr;
    r->gap_detect.n = r->gap_detect.sd = r->gap_detect.sd_overall = NAN;
    r->gap_detect.dim = r->gap_detect.overall = r->gap_detect.alone = NAN;
    if (o->min_n < RES_MIN_N_SAFE && !o->allow_small_groups) {
        err_set(err, ERR_FAIL, _("a minimum group size below %d needs --allow-small-groups"),
                RES_MIN_N_SAFE);
        goto cleanup;
    }
    if (o->min_n < RES_MIN_N_SAFE)
        res_warn(r, RES_W_SMALL_MIN_N, -1, 0);
    if (pick_form(&u, err) != 0 || pick_waves(&u, err) != 0 || group_and_scan(&u, err) != 0)
        goto cleanup;
    if (u.by_pos < 0 && groups_rates(s, u.form_id, u.wave, &u.groups, r->groups, r->ngroups,
                                       u.sc.exclude ? u.sc.gflagged : NULL, err) != 0)
        goto cleanup;
    hide_groups(&u);
    dims(&u);
    cells(&u);
    quality_validity(r, &u.sc, o->factors, o->pa_iterations, o->pa_seed);
    if (u.sc.dcov) {
        int pos = form_item_index(u.f, u.f->outcome_field);
        quality_drivers(r, &u.sc, u.f->outcome_field, form_text(u.f, u.f->items[pos].label, u.li));
    }
    quality_careless(r, &u.sc);
    if (u.questions)
        questions_result(u.questions, u.li, r);
    if (u.xtab)
        xtab_result(u.xtab, u.li, r);
    if (u.groups.grouping == SCAN_G_UNIT && gaps(&u, err) != 0)   /* self scores are by unit */
        goto cleanup;
    if (o->compare_wave && changes(&u, err) != 0)
        goto cleanup;
    findings_build(r);
    if (o->rollup && u.groups.grouping == SCAN_G_UNIT && u.groups.ncat > 0) {
        /* its own disclosure control: a category is shown by the rules of
         * an analysis by category, whatever its units are */
        an_opts_t o2 = *o;
        o2.by = "category";
        o2.rollup = o2.questions = 0;
        o2.crosstab = o2.compare_wave = NULL;
        o2.progress = NULL;
        o2.form_id = r->form_id;
        o2.wave = r->wave;
        if (an_run(s, &o2, &r->rollup, err) != 0)
            goto cleanup;
    }
    *out = r;
    u.r = NULL;
    rc = 0;
cleanup:
    groups_free(&u.groups);
    questions_free(u.questions);
    xtab_free(u.xtab);
    if (u.r && !u.r->groups)
        u.r->ngroups = 0;
    res_free(u.r);
    scan_free(&u.sc);
    scan_free(&u.sc0);
    form_free(u.f);
    free(u.form_id);
    return rc;
}
