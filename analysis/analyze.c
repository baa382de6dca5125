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
#include "analysis/findings.h"
#include "analysis/scan.h"
#include "analysis/stats.h"
#include "analysis/suppress.h"
#include "base/i18n.h"

#include <math.h>
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
    int by_pos;              /* the --by item's form position, -1 by unit */
    double *headcount;       /* per unit group, NAN unknown */
    scan_t sc, sc0;
} run_t;

/* A warning is data, worded by the renderers (render_warning). */
static void warn(res_t *r, res_wkind_t kind, long dim, size_t count)
{
    r->warnings = util_xrealloc(r->warnings, (r->nwarnings + 1) * sizeof *r->warnings);
    r->warnings[r->nwarnings++] = (res_warning_t){kind, dim, count};
}

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

static int pick_form(run_t *u, err_t *err)
{
    if (u->o->form_id) {
        u->form_id = util_xstrdup(u->o->form_id);
    } else {
        pickform_t p = {0, NULL};
        if (store_form_list(u->s, on_form_pick, &p, err) != 0)
            return -1;
        if (!p.best_id) {
            err_set(err, ERR_FAIL, _("no staff questionnaire is stored; add one with 'gapsurvey "
                                     "form add'"));
            return -1;
        }
        u->form_id = p.best_id;
    }
    int fid, g = store_form_get(u->s, u->form_id, &u->f, &fid, err);
    if (g == 1)
        err_set(err, ERR_NOTFOUND, _("no form '%s'; 'gapsurvey form list' shows the stored ones"),
                u->form_id);
    if (g != 0)
        return -1;
    if (u->f->ndims == 0) {
        err_set(err, ERR_FAIL, _("form %s has no dimensions to analyse"), u->form_id);
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
            err_set(err, ERR_FAIL, _("no responses to %s yet"), u->form_id);
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

/* ---- the groups ---- */

typedef struct {
    res_t *r;
    int *unit_group;         /* units.id -> group index, -1 */
    size_t nunit_ids;
    double *headcount;       /* per group, NAN unknown */
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
    ul->r->ngroups = ul->ngroups;
    return 0;
}

/* The groups are the units; ul gets their ids' map and headcounts. */
static int groups_by_unit(run_t *u, unitload_t *ul, err_t *err)
{
    res_t *r = u->r;
    const form_t *f = u->f;
    ul->r = r;
    if (store_unit_list(u->s, on_unit, ul, err) != 0)
        return -1;
    /* The units table holds one name per unit, usually in the form's own
     * language; a form whose unit question labels the unit in the
     * report's language (a label::English (en) column) names it so in
     * that report.  The store's name stays where the form has none. */
    int up = f->unit_field ? form_item_index(f, f->unit_field) : -1;
    if (up >= 0 && f->items[up].type == FORM_SELECT_ONE && u->li >= 0 && u->li < FORM_MAX_LANGS)
        for (size_t g = 0; g < r->ngroups; g++) {
            const form_list_t *l = &f->lists[f->items[up].list];
            int ch = form_list_choice(l, r->groups[g].code);
            const char *name = ch >= 0 && l->choices[ch].label ? l->choices[ch].label[u->li] : NULL;
            if (name && *name) {
                free(r->groups[g].name);
                r->groups[g].name = util_xstrdup(name);
            }
        }
    r->group_by = util_xstrdup("unit");
    return 0;
}

/* The groups are the choices of the select_one question o->by. */
static int groups_by_item(run_t *u, err_t *err)
{
    res_t *r = u->r;
    const form_t *f = u->f;
    int p = form_item_index(f, u->o->by);
    if (p < 0 || f->items[p].type != FORM_SELECT_ONE) {
        err_set(err, ERR_FAIL, _("--by %s: not a select_one question of %s"), u->o->by, u->form_id);
        return -1;
    }
    const form_list_t *l = &f->lists[f->items[p].list];
    r->ngroups = l->nchoices;
    r->groups = util_xcalloc(l->nchoices + 1, sizeof *r->groups);
    for (size_t c = 0; c < l->nchoices; c++) {
        r->groups[c].code = util_xstrdup(l->choices[c].name);
        r->groups[c].name = util_xstrdup(form_text(f, l->choices[c].label, u->li));
        r->groups[c].invited = r->groups[c].response_rate = NAN;
    }
    r->group_by = util_xstrdup(u->o->by);
    r->group_label = util_xstrdup(form_text(f, f->items[p].label, u->li));
    u->by_pos = p;
    return 0;
}

/* ---- the scan ---- */

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

/* The groups, then the scan of the analysed wave into u->sc. */
static int group_and_scan(run_t *u, err_t *err)
{
    const an_opts_t *o = u->o;
    unitload_t ul = {0};
    int rc = -1, maxid = 0;
    int by_unit = !o->by || strcmp(o->by, "unit") == 0;
    u->by_pos = -1;
    if ((by_unit ? groups_by_unit(u, &ul, err) : groups_by_item(u, err)) != 0)
        goto cleanup;
    scan_init(&u->sc, u->f, u->r->ngroups, u->by_pos, ul.unit_group, ul.nunit_ids, 0);
    ul.unit_group = NULL;   /* the scan's now */
    u->headcount = ul.headcount;
    ul.headcount = NULL;
    if (store_unit_list(u->s, on_unit_maxid, &maxid, err) != 0)
        goto cleanup;
    scan_cross_init(&u->sc, (size_t)maxid + 1);
    if (o->progress) {
        u->sc.progress = o->progress;
        u->sc.progress_ud = o->progress_ud;
        if (store_count_by_unit(u->s, u->form_id, u->wave, on_count_sum, &u->sc.total, err) != 0 ||
            (u->wave0 && store_count_by_unit(u->s, u->form_id, u->wave0, on_count_sum, &u->sc.total, err) != 0))
            goto cleanup;
        o->progress(o->progress_ud, 0, u->sc.total);
    }
    if (scan_run(&u->sc, u->s, u->form_id, u->wave, err) != 0)
        goto cleanup;
    if (u->sc.respondents == 0) {
        err_set(err, ERR_FAIL, _("no responses to %s in wave %s"), u->form_id, u->r->wave);
        goto cleanup;
    }
    u->r->respondents = u->sc.respondents;
    for (size_t i = 0; i < u->r->ngroups; i++)
        u->r->groups[i].n = u->sc.gn[i];
    rc = 0;
cleanup:
    free(ul.unit_group);
    free(ul.headcount);
    return rc;
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

/* Units' response rates: responses over invitations issued, else over the
 * units table's headcount. */
static int response_rates(run_t *u, err_t *err)
{
    res_t *r = u->r;
    tokload_t tl = {u->sc.unit_group, u->sc.nunit_ids, util_xmalloc((r->ngroups + 1) * sizeof(double))};
    for (size_t i = 0; i < r->ngroups; i++)
        tl.invited[i] = NAN;
    int rc = store_tokens_by_unit(u->s, u->form_id, u->wave, on_tokens, &tl, err);
    for (size_t i = 0; rc == 0 && i < r->ngroups; i++) {
        double inv = !isnan(tl.invited[i]) ? tl.invited[i] : u->headcount[i];
        r->groups[i].invited = inv;
        r->groups[i].response_rate = (inv > 0) ? (double)r->groups[i].n / inv : NAN;
    }
    free(tl.invited);
    return rc;
}

/* Disclosure control (suppress.h): small groups, their complement, then
 * the differencing defence against every other grouping. */
static void hide_groups(run_t *u)
{
    res_t *r = u->r;
    long *n = util_xmalloc((r->ngroups + 1) * sizeof *n);
    char *hidden = util_xcalloc(r->ngroups + 1, 1);
    for (size_t g = 0; g < r->ngroups; g++)
        n[g] = r->groups[g].n;
    suppress_small(n, r->ngroups, r->respondents, r->min_n, hidden);
    suppress_cross_t x;
    scan_cross_view(&u->sc, &x);
    size_t nested = suppress_linked(n, r->ngroups, r->respondents, r->min_n, &x, hidden);
    r->nsuppressed = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
        r->groups[g].suppressed = hidden[g] != 0;
        r->nsuppressed += hidden[g] != 0;
    }
    free(n);
    free(hidden);
    if (nested)
        warn(r, RES_W_DIFFERENCING, -1, nested);
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
    D->alpha_n = sc->cov[d] ? stats_cov_n(sc->cov[d]) : 0;
    int alpha_ok = sc->cov[d] && stats_alpha(sc->cov[d], &a) == 0;
    if (alpha_ok) {
        D->alpha = a.alpha;
        D->std_alpha = a.std_alpha;
        D->average_r = a.average_r;
        D->alpha_ci_low = a.ci_low;
        D->alpha_ci_high = a.ci_high;
    } else if (k >= 2) {
        warn(r, RES_W_ALPHA, (long)d, 0);
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

/* Between-group statistics of dimension d over every group with scores,
 * suppressed ones included: they describe the spread, not any one group. */
static void dim_between(run_t *u, size_t d)
{
    res_t *r = u->r;
    res_dim_t *D = &r->dims[d];
    const scan_t *sc = &u->sc;
    size_t ng = 0;
    stats_acc_t *gs = util_xcalloc(sc->ngroups + 1, sizeof *gs);
    double N = 0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        const stats_acc_t *c = &sc->cell[g * sc->ndims + d];
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
        warn(r, RES_W_ANOVA, (long)d, 0);
    }
    D->welch_f = D->welch_df1 = D->welch_df2 = D->welch_p = NAN;
    if (stats_welch_anova(gs, ng, &D->welch_f, &D->welch_df1, &D->welch_df2, &D->welch_p) != 0)
        warn(r, RES_W_WELCH, (long)d, 0);
    free(gs);
    /* Kruskal-Wallis from the distinct-score table, values ascending */
    double *vals, *counts;
    size_t nv;
    scan_kw_table(sc, d, &vals, &nv, &counts);
    D->kw_h = D->kw_df = D->kw_p = NAN;
    if (stats_kruskal(vals, nv, counts, sc->ngroups, &D->kw_h, &D->kw_df, &D->kw_p) != 0)
        warn(r, RES_W_KRUSKAL, (long)d, 0);
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
    D->grand = D->mean;
    dim_items(u, d);
    dim_between(u, d);
    D->deviation = dev->n > 0 ? dev->mean : NAN;
    D->dev_t = D->dev_df = D->dev_p = D->dev_q = NAN;
    if (stats_one_sample_t(dev, 0.0, &D->dev_t, &D->dev_df, &D->dev_p) != 0)
        warn(r, RES_W_DEVIATION, (long)d, 0);
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
        ncells += r->ndims;
        if (sc->ncommenters[i] >= 0 && G->n >= RES_COMMENT_MIN) {
            G->ncomments = sc->ncomments[i];
            G->comments = util_xcalloc(G->ncomments + 1, sizeof *G->comments);
            for (size_t c = 0; c < G->ncomments; c++) {   /* moved, not copied */
                G->comments[c] = sc->comments[i * RES_COMMENTS_KEPT + c];
                sc->comments[i * RES_COMMENTS_KEPT + c] = NULL;
            }
        }
    }
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

/* Gaps of the shown units that have a self score (units only).  A self
 * score is one response, so it is judged against the staff mean's
 * interval and at least min_diff. */
static int gaps(run_t *u, err_t *err)
{
    res_t *r = u->r;
    stats_acc_t *self = util_xcalloc((r->ngroups + 1) * (r->ndims + 1), sizeof *self);
    int rc = scan_self(u->s, u->wave, &u->sc, self, &r->self_responses, err);
    for (size_t i = 0; rc == 0 && i < r->ngroups; i++) {
        const res_group_t *G = &r->groups[i];
        for (size_t d = 0; G->cells && d < r->ndims; d++) {
            const stats_acc_t *sa = &self[i * r->ndims + d];
            const res_cell_t *C = &G->cells[d];
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
            gp->flag = (gp->self > C->ci_high && gp->gap >= u->o->min_diff) ? RES_OVERCLAIM
                     : (gp->self < C->ci_low && gp->gap <= -u->o->min_diff) ? RES_UNDERCLAIM
                     : RES_CONSISTENT;
        }
    }
    free(self);
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

/* Changes since the comparison wave, per dimension and per shown group x
 * dimension; two BH families: dimensions, and group x dimension cells. */
static int changes(run_t *u, err_t *err)
{
    res_t *r = u->r;
    const scan_t *sc = &u->sc, *sc0 = &u->sc0;
    if (scan_wave(&u->sc0, sc, u->s, u->form_id, u->wave0, err) != 0)
        return -1;
    for (size_t d = 0; d < r->ndims; d++)
        add_change(r, -1, d, &sc0->pop[d], &sc->pop[d]);
    size_t first_cell = r->nchanges;
    for (size_t i = 0; i < r->ngroups; i++) {
        /* a group small in the earlier wave stays hidden there too */
        if (!r->groups[i].cells || sc0->gn[i] < r->min_n)
            continue;
        for (size_t d = 0; d < r->ndims; d++)
            add_change(r, (long)i, d, &sc0->cell[i * r->ndims + d], &sc->cell[i * r->ndims + d]);
    }
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
    r->min_diff = o->min_diff;
    r->fdr = o->fdr;
    if (pick_form(&u, err) != 0 || pick_waves(&u, err) != 0 || group_and_scan(&u, err) != 0)
        goto cleanup;
    if (u.by_pos < 0 && response_rates(&u, err) != 0)
        goto cleanup;
    hide_groups(&u);
    dims(&u);
    cells(&u);
    if (u.by_pos < 0 && gaps(&u, err) != 0)   /* self scores are by unit */
        goto cleanup;
    if (o->compare_wave && changes(&u, err) != 0)
        goto cleanup;
    findings_build(r);
    *out = r;
    u.r = NULL;
    rc = 0;
cleanup:
    free(u.headcount);
    if (u.r && !u.r->groups)
        u.r->ngroups = 0;
    res_free(u.r);
    scan_free(&u.sc);
    scan_free(&u.sc0);
    form_free(u.f);
    free(u.form_id);
    return rc;
}
