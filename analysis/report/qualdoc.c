/*
 * qualdoc: the report's sections on key drivers ("Where to act first")
 * and on measurement quality, and their methods (see qualdoc.h).
 *
 * The verdict words follow the usual cut-offs, named where they are used:
 * Kaiser (1974) for KMO; Hu & Bentler (1999) for CFI, RMSEA and SRMR;
 * Fornell & Larcker (1981) for AVE and composite reliability.  Like the
 * rest of the report this reads only the res_t; the per-unit priority
 * table lists shown units only.  Sentences are English here and go
 * through TR(d->zh, ...), the Chinese in po/zh_CN.po.
 */
#include "analysis/report/qualdoc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/findings.h"
#include "analysis/report/plot.h"
#include "analysis/report/render.h"
#include "base/i18n.h"
#include "base/util.h"

void qualdoc_overview(doc_t *d)
{
    const res_t *r = d->r;
    if (!r->excluded || !r->careless)
        return;
    doc_paraf(d, NULL,
              TR(d->zh, "Careless answers: %1$ld further responses were flagged (every answer the same, or an "
                        "answer pattern far from everyone's: Mahalanobis p < %2$g) and are left out of every "
                        "figure in this report, response rates excepted (see Measurement quality)."),
              r->excluded, r->careless->maha_alpha);
}

/* ---- where to act first ---- */

static const char *quadrant_word(doc_t *d, res_quadrant_t q)
{
    return q == RES_Q_PRIORITY ? TR(d->zh, "▲ first priority") : render_quadrant(q, d->zh);
}

/* Appends item to the list in b, joined as the language joins a list
 * (Chinese: 、). */
static void list_add(doc_t *d, util_buf_t *b, const char *item)
{
    if (!b->len) {
        util_buf_adds(b, item);
        return;
    }
    /* TRANSLATORS: a list and its next item (Chinese: 、) */
    char *longer = util_fmt(TR(d->zh, "%s, %s"), b->s, item);
    util_buf_reset(b);
    util_buf_adds(b, longer);
    free(longer);
}

/* The labels of fit F's first priorities, most important first, joined
 * by the language's list separator; NULL when there is none. */
static char *priority_list(doc_t *d, const res_drvfit_t *F)
{
    const res_t *r = d->r;
    util_buf_t b = {0};
    char *done = util_xcalloc(r->ndims + 1, 1);
    for (size_t n = 0;; n++) {
        long best = -1;
        for (size_t j = 0; j < r->ndims; j++)
            if (!done[j] && F->quadrant[j] == RES_Q_PRIORITY &&
                (best < 0 || F->lmg_share[j] > F->lmg_share[best]))
                best = (long)j;
        if (best < 0)
            break;
        done[best] = 1;
        list_add(d, &b, doc_dim_name(&r->dims[best]));
    }
    free(done);
    return b.s;
}

/* The sentence after a priority matrix: fit F's first priorities, or
 * that there are none. */
static void say_priorities(doc_t *d, const res_drvfit_t *F)
{
    char *list = priority_list(d, F);
    if (list)
        doc_paraf(d, NULL,
                  TR(d->zh, "First priorities, more important than the median dimension and scoring below "
                            "the median: %s. Work on these pays most for the overall judgement."),
                  list);
    else
        doc_para(d, NULL, TR(d->zh, "No dimension is both more important and lower-scoring than the median "
                                    "one: the low scores lie where the overall judgement depends on them less."));
    free(list);
}

static void drivers_table(doc_t *d, const res_drvfit_t *F)
{
    const res_t *r = d->r;
    doc_table_begin(d, TR(d->zh, "Importance and performance of the dimensions"), 8, TR(d->zh, "dimension"),
                    TR(d->zh, "importance (LMG)"), TR(d->zh, "relative weight"), TR(d->zh, "Pratt"), "β", "r",
                    TR(d->zh, "mean"), TR(d->zh, "verdict"));
    for (size_t j = 0; j < r->ndims; j++) {
        int first = F->quadrant[j] == RES_Q_PRIORITY;
        doc_td(d, doc_dim_name(&r->dims[j]), DOC_TEXT);
        doc_td(d, doc_fpct(d, F->lmg_share[j]), first ? DOC_WEAK : DOC_NUM);
        doc_td(d, doc_fpct(d, F->rw_share[j]), DOC_NUM);
        doc_td(d, doc_fpct(d, F->pratt_share[j]), DOC_NUM);
        doc_td(d, doc_fnum(d, F->beta[j], 3), DOC_NUM);
        doc_td(d, doc_fnum(d, F->r[j], 3), DOC_NUM);
        doc_td(d, doc_fnum(d, F->mean[j], 1), first ? DOC_WEAK : DOC_NUM);
        doc_td(d, quadrant_word(d, F->quadrant[j]), first ? DOC_WEAK : DOC_TEXT);
    }
    doc_table_end(d, TR(d->zh, "Importance, relative weight and Pratt: each dimension's share of the variance "
                               "of the overall judgement that the dimensions explain together (R²); β: "
                               "standardized regression weight; r: correlation with the overall judgement; "
                               "mean: 0-100."));
}

/* The priority matrix of all respondents (group < 0), or of each unit
 * that has one (group >= 0), in the order drawn. */
static size_t priority_figures(doc_t *d, int units)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nplots; i++)
        if (d->plots[i].kind == PLOT_PRIORITY && (d->plots[i].group >= 0) == units) {
            doc_figure(d, &d->plots[i]);
            n++;
        }
    return n;
}

/* The units' own priority matrices after their table: nfitted units have
 * one, the PLOT_PRIORITY_UNITS_MAX with the most respondents are drawn. */
static void unit_figures(doc_t *d, size_t nfitted)
{
    size_t ndrawn = 0;
    for (size_t i = 0; i < d->nplots; i++)
        ndrawn += d->plots[i].kind == PLOT_PRIORITY && d->plots[i].group >= 0;
    if (d->plotdir && ndrawn && ndrawn < nfitted)
        doc_paraf(d, NULL,
                  TR(d->zh, "The priority matrices below are those of the %1$zu %2$s with the most respondents; "
                            "the first priorities of all %3$zu are in the table above, and each one's importance "
                            "and mean scores in the JSON (drivers.groups of gapsurvey analyze --drivers --json)."),
                  ndrawn, doc_gnoun(d, ndrawn), nfitted);
    priority_figures(d, 1);
}

void qualdoc_unit_priorities(doc_t *d, size_t g)
{
    const res_t *r = d->r;
    const res_drivers_t *D = r->drivers;
    if (!D || D->all.status != RES_V_OK || !D->groups)
        return;
    const res_drvfit_t *F = &D->groups[g];
    size_t k = 0;
    for (size_t j = 0; j < r->ndims; j++)
        k += isfinite(D->all.lmg_share[j]);
    doc_section(d, "priorities", TR(d->zh, "Where to act first"));
    if (F->status != RES_V_OK) {
        doc_paraf(d, NULL,
                  TR(d->zh, "Priorities of the unit's own would need %1$zu respondents with the overall "
                            "judgement and every dimension score (%2$d per dimension); it has %3$s, and with fewer "
                            "the shares would be mostly noise, so none are computed for it."),
                  (size_t)RES_DRV_PER_PREDICTOR * k, RES_DRV_PER_PREDICTOR, doc_fcount(d, F->n));
        return;
    }
    doc_paraf(d, NULL,
              TR(d->zh, "Over the unit's %1$s respondents with the overall judgement and every dimension score, "
                        "the dimension scores explain %2$s of the variance of the overall judgement (R² = %3$s). "
                        "The priority matrix below sets each dimension's share of that (LMG) against its mean "
                        "score, both split at the unit's own medians."),
              doc_fcount(d, F->n), doc_fpct(d, F->r2), doc_fnum(d, F->r2, 3));
    priority_figures(d, 1);
    say_priorities(d, F);
}

/* The units with a priority matrix of their own, or why there are none. */
static void unit_priorities(doc_t *d)
{
    const res_t *r = d->r;
    const res_drivers_t *D = r->drivers;
    size_t k = 0, n = 0;
    for (size_t j = 0; j < r->ndims; j++)
        k += isfinite(D->all.lmg_share[j]);
    for (size_t g = 0; g < r->ngroups; g++)
        n += doc_shown(r, g) && D->groups[g].status == RES_V_OK;
    if (!n) {
        doc_paraf(d, NULL,
                  TR(d->zh, "No %1$s has %2$zu respondents with the overall judgement and every dimension "
                            "score (%3$d per dimension), which a matrix of its own would need; below that its "
                            "shares would be mostly noise. The priorities above are those of all respondents."),
                  doc_glabel(d), (size_t)RES_DRV_PER_PREDICTOR * k, RES_DRV_PER_PREDICTOR);
        return;
    }
    doc_paraf(d, NULL,
              TR(d->zh, "%1$zu %2$s have at least %3$zu respondents with the overall judgement and every "
                        "dimension score (%4$d per dimension) and get priorities of their own, by the same "
                        "rule against their own medians; the others are left out, their shares would be "
                        "mostly noise."),
              n, doc_gnoun(d, n), (size_t)RES_DRV_PER_PREDICTOR * k, RES_DRV_PER_PREDICTOR);
    doc_table_begin(d, TR(d->zh, "First priorities by unit"), 4, doc_glabel(d), TR(d->zh, "n"), "R²",
                    TR(d->zh, "first priorities"));
    for (size_t g = 0; g < r->ngroups; g++) {
        const res_drvfit_t *F = &D->groups[g];
        if (!doc_shown(r, g) || F->status != RES_V_OK)
            continue;
        char *name = doc_group_name(d, &r->groups[g]), *list = priority_list(d, F);
        doc_td(d, name, DOC_TEXT);
        doc_td(d, doc_fcount(d, F->n), DOC_NUM);
        doc_td(d, doc_fnum(d, F->r2, 2), DOC_NUM);
        doc_td(d, list ? list : "—", list ? DOC_WEAK : DOC_TEXT);
        free(name);
        free(list);
    }
    doc_table_end(d, NULL);
    unit_figures(d, n);
}

void qualdoc_priorities(doc_t *d)
{
    const res_t *r = d->r;
    const res_drivers_t *D = r->drivers;
    if (!D)
        return;
    const res_drvfit_t *F = &D->all;
    doc_section(d, "priorities", TR(d->zh, "Where to act first"));
    if (F->status != RES_V_OK) {
        res_warning_t w = {RES_W_DRV, -1, F->status};
        char *text = render_warning(r, &w, d->zh);
        doc_para(d, NULL, text);
        free(text);
        return;
    }
    size_t k = 0;
    for (size_t j = 0; j < r->ndims; j++)
        k += isfinite(F->lmg_share[j]);
    doc_paraf(d, NULL,
              TR(d->zh, "Which dimension should be worked on first? A low score alone does not say: what "
                        "matters is a low score on a dimension that weighs on the overall judgement. The "
                        "question \"%1$s\" (%2$s) is explained by the %3$zu dimension scores over the %4$s "
                        "respondents who answered it and have every score: together they explain %5$s of its "
                        "variance (R² = %6$s). Table %7$d shares that out among the dimensions (LMG: a "
                        "dimension's average gain in R² over every order of entry) and sets it against the "
                        "dimension's mean score; the priority matrix below draws both."),
              D->outcome_label ? D->outcome_label : "", D->outcome ? D->outcome : "", k,
              doc_fcount(d, F->n), doc_fpct(d, F->r2), doc_fnum(d, F->r2, 3), d->tab + 1);
    drivers_table(d, F);
    priority_figures(d, 0);
    say_priorities(d, F);
    unit_priorities(d);
}

/* ---- measurement quality ---- */

/* Kaiser's (1974) words for a KMO value. */
static const char *kmo_word(doc_t *d, double kmo)
{
    if (kmo >= 0.9) return TR(d->zh, "marvelous");
    if (kmo >= 0.8) return TR(d->zh, "meritorious");
    if (kmo >= 0.7) return TR(d->zh, "middling");
    if (kmo >= 0.6) return TR(d->zh, "mediocre");
    if (kmo >= 0.5) return TR(d->zh, "miserable");
    return TR(d->zh, "unacceptable");
}

static void adequacy(doc_t *d, const res_validity_t *v)
{
    if (v->kmo_status != RES_V_OK)
        return;
    util_buf_t low = {0};
    for (size_t i = 0; i < v->nitems; i++)
        if (v->msa[i] < 0.5) {
            char *item = util_fmt("%s (%.2f)", v->items[i], v->msa[i]);
            list_add(d, &low, item);
            free(item);
        }
    doc_paraf(d, NULL,
              TR(d->zh, "Sampling adequacy: KMO = %1$s (%2$s, Kaiser 1974); Bartlett's test of sphericity "
                        "chi-square = %3$s, df = %4$s, p %5$s: the items are correlated enough to be "
                        "factored."),
              doc_fnum(d, v->kmo, 3), kmo_word(d, v->kmo), doc_fnum(d, v->bartlett_chisq, 1),
              doc_fcount(d, v->bartlett_df), doc_fpis(d, v->bartlett_p));
    if (low.s)
        doc_paraf(d, NULL, TR(d->zh, "Items whose own sampling adequacy (MSA) is below 0.50: %s."), low.s);
    util_buf_free(&low);
}

static void factor_count(doc_t *d, const res_validity_t *v, size_t ndims)
{
    size_t kaiser = 0;
    for (size_t i = 0; v->eigen && i < v->nitems; i++)
        kaiser += v->eigen[i] > 1;
    if (v->pa_factors >= 0)
        doc_paraf(d, NULL,
                  TR(d->zh, "Number of factors: %1$zu eigenvalues of the correlation matrix exceed 1; "
                            "parallel analysis (%2$zu simulated data sets of the same size, seed %3$lu) keeps "
                            "%4$d factors and %5$d components, those whose eigenvalue exceeds the 95th "
                            "percentile of the simulated ones. The form has %6$zu dimensions."),
                  kaiser, v->pa_iterations, v->pa_seed, v->pa_factors, v->pa_components, ndims);
    doc_figures(d, PLOT_SCREE);
}

/* The EFA pattern matrix: an item's loading on its own dimension's
 * factor below 0.40, and a loading on another dimension's factor that
 * beats it, are marked. */
static void loadings_table(doc_t *d, const res_validity_t *v)
{
    const res_t *r = d->r;
    size_t m = v->nfactors;
    const char **heads = util_xcalloc(m + 4, sizeof *heads);
    char **own = util_xcalloc(m + 1, sizeof *own);
    heads[0] = TR(d->zh, "item");
    heads[1] = TR(d->zh, "dimension");
    for (size_t f = 0; f < m; f++) {
        own[f] = v->factor_dim[f] >= 0 ? util_fmt("F%zu %s", f + 1, doc_dim_name(&r->dims[v->factor_dim[f]]))
                                       : util_fmt("F%zu", f + 1);
        heads[f + 2] = own[f];
    }
    heads[m + 2] = "h²";
    doc_table_begin_v(d, TR(d->zh, "Factor loadings (minres, oblimin)"), (int)m + 3, heads);
    for (size_t i = 0; i < v->nitems; i++) {
        const double *L = &v->loadings[i * m];
        double mine = NAN;
        for (size_t f = 0; f < m; f++)
            if (v->factor_dim[f] == v->item_dim[i])
                mine = L[f];
        doc_td(d, v->items[i], DOC_TEXT);
        doc_td(d, doc_dim_name(&r->dims[v->item_dim[i]]), DOC_TEXT);
        for (size_t f = 0; f < m; f++) {
            int is_own = v->factor_dim[f] == v->item_dim[i];
            int bad = is_own ? L[f] < FINDINGS_LOADING_MIN
                             : v->factor_dim[f] >= 0 && fabs(L[f]) >= FINDINGS_CROSS_MIN && fabs(L[f]) > mine;
            doc_td(d, doc_fnum(d, L[f], 2), bad ? DOC_WEAK : DOC_NUM);
        }
        doc_td(d, doc_fnum(d, v->communality[i], 2), DOC_NUM);
    }
    doc_table_end(d, TR(d->zh, "Each factor is named after the dimension whose items load on it most; marked: "
                               "a loading below 0.40 on the item's own dimension's factor, or one on another "
                               "dimension's factor of at least 0.30 that exceeds it. h²: communality."));
    for (size_t f = 0; f < m; f++)
        free(own[f]);
    free(own);
    free(heads);
}

/* The measurement findings as sentences (kinds a and b), or `none`. */
static void finding_list(doc_t *d, res_fkind_t a, res_fkind_t b, const char *none)
{
    const res_t *r = d->r;
    size_t n = 0;
    for (size_t i = 0; i < r->nfindings; i++)
        n += r->findings[i].kind == a || r->findings[i].kind == b;
    if (!n) {
        if (none)
            doc_para(d, NULL, none);
        return;
    }
    doc_list_begin(d, "findings");
    for (size_t i = 0; i < r->nfindings; i++)
        if (r->findings[i].kind == a || r->findings[i].kind == b) {
            char *text = render_finding(r, &r->findings[i], d->zh);
            doc_list_item(d, text);
            free(text);
        }
    doc_list_end(d);
}

/* Hu & Bentler's (1999) reading of the fit. */
static const char *fit_word(doc_t *d, const res_validity_t *v)
{
    if (v->cfi >= 0.95 && v->rmsea <= 0.06 && v->srmr <= 0.08)
        return TR(d->zh, "a good fit (CFI at least 0.95, RMSEA at most 0.06, SRMR at most 0.08)");
    if (v->cfi >= 0.90 && v->rmsea <= 0.08 && v->srmr <= 0.10)
        return TR(d->zh, "an acceptable fit (CFI at least 0.90, RMSEA at most 0.08), short of a good one");
    return TR(d->zh, "a poor fit: the form's dimensions do not describe how its items go together");
}

/* The analysis's warnings of kinds from..to (what could not be computed
 * here, and why) as notes. */
static void warnings_between(doc_t *d, res_wkind_t from, res_wkind_t to)
{
    const res_t *r = d->r;
    for (size_t i = 0; i < r->nwarnings; i++)
        if (r->warnings[i].kind >= from && r->warnings[i].kind <= to) {
            char *text = render_warning(r, &r->warnings[i], d->zh);
            doc_para(d, "note", text);
            free(text);
        }
}

/* "lo-hi" of two numbers into buf, or the one number when they print
 * alike. */
static const char *span(doc_t *d, double lo, double hi, char buf[64])
{
    const char *a = doc_fnum(d, lo, 2), *b = doc_fnum(d, hi, 2);
    if (!strcmp(a, b))
        return a;
    snprintf(buf, 64, "%s–%s", a, b);
    return buf;
}

/* The dimensions whose AVE is below FINDINGS_AVE_MIN while their omega
 * reaches FINDINGS_OMEGA_MIN: adequate convergence by Fornell and
 * Larcker's rule, said once for all of them (a dimension with omega below
 * it as well is a finding, listed after this). */
static void convergence(doc_t *d, const res_validity_t *v)
{
    const res_t *r = d->r;
    util_buf_t names = {0};
    double alo = INFINITY, ahi = -INFINITY, olo = INFINITY, ohi = -INFINITY;
    for (size_t j = 0; j < r->ndims; j++)
        if (v->cfa_dim[j] && v->ave[j] < FINDINGS_AVE_MIN && v->omega[j] >= FINDINGS_OMEGA_MIN) {
            list_add(d, &names, doc_dim_name(&r->dims[j]));
            alo = fmin(alo, v->ave[j]);
            ahi = fmax(ahi, v->ave[j]);
            olo = fmin(olo, v->omega[j]);
            ohi = fmax(ohi, v->omega[j]);
        }
    char b1[64], b2[64];
    if (names.len)
        doc_paraf(d, NULL,
                  TR(d->zh, "The average variance extracted is below 0.50 on %1$s (%2$s): their items share "
                            "less than half of their variance with the dimension. Their composite reliability "
                            "(omega %3$s) is above 0.60, which Fornell and Larcker (1981) accept as adequate "
                            "convergence."),
                  names.s, span(d, alo, ahi, b1), span(d, olo, ohi, b2));
    free(names.s);
}

/* The CFA's fit and, per dimension, alpha, omega, AVE and the range of
 * the standardized loadings. */
static void cfa_part(doc_t *d, const res_validity_t *v)
{
    const res_t *r = d->r;
    if (v->cfa_status != RES_V_OK)
        return;
    doc_paraf(d, NULL,
              TR(d->zh, "Confirmatory factor analysis of the form's own model (each item on its dimension, the "
                        "dimensions correlated; maximum likelihood on the %1$s respondents who answered every "
                        "item): chi-square = %2$s, df = %3$s, p %4$s; CFI = %5$s, TLI = %6$s, RMSEA = %7$s "
                        "(90%% CI %8$s-%9$s), SRMR = %10$s: %11$s."),
              doc_fcount(d, v->cfa_n), doc_fnum(d, v->chisq, 1), doc_fcount(d, v->df), doc_fpis(d, v->pvalue),
              doc_fnum(d, v->cfi, 3), doc_fnum(d, v->tli, 3), doc_fnum(d, v->rmsea, 3),
              doc_fnum(d, v->rmsea_ci_low, 3), doc_fnum(d, v->rmsea_ci_high, 3), doc_fnum(d, v->srmr, 3),
              fit_word(d, v));
    warnings_between(d, RES_W_VAL_HEYWOOD, RES_W_VAL_HEYWOOD);
    doc_table_begin(d, TR(d->zh, "Reliability and convergent validity by dimension"), 6, TR(d->zh, "dimension"),
                    TR(d->zh, "items"), "alpha", "omega", "AVE", TR(d->zh, "standardized loadings"));
    for (size_t j = 0; j < r->ndims; j++) {
        if (!v->cfa_dim[j])
            continue;
        double lo = INFINITY, hi = -INFINITY;
        size_t k = 0;
        for (size_t i = 0; i < v->nitems; i++)
            if (v->item_dim[i] == (long)j && isfinite(v->std_loadings[i])) {
                lo = fmin(lo, v->std_loadings[i]);
                hi = fmax(hi, v->std_loadings[i]);
                k++;
            }
        doc_td(d, doc_dim_name(&r->dims[j]), DOC_TEXT);
        doc_tdf(d, DOC_NUM, "%zu", k);
        doc_td(d, doc_fnum(d, r->dims[j].alpha, 2), DOC_NUM);
        doc_td(d, doc_fnum(d, v->omega[j], 2), v->omega[j] < 0.7 ? DOC_WEAK : DOC_NUM);
        doc_td(d, doc_fnum(d, v->ave[j], 2), v->ave[j] < FINDINGS_AVE_MIN ? DOC_WEAK : DOC_NUM);
        doc_tdf(d, DOC_NUM, "%s–%s", doc_fnum(d, lo, 2), doc_fnum(d, hi, 2));
    }
    doc_table_end(d, TR(d->zh, "omega: composite reliability of the standardized solution, marked below "
                               "0.70, the usual standard of reliability; AVE: average variance extracted, the "
                               "mean squared standardized loading, marked below 0.50 (0.50 or more: the items "
                               "share at least half their variance with the dimension, Fornell & Larcker "
                               "1981)."));
    convergence(d, v);
}

static void careless_counts(doc_t *d, const res_careless_t *c);

static void careless_part(doc_t *d)
{
    const res_careless_t *c = d->r->careless;
    if (!c)
        return;
    doc_subsection(d, TR(d->zh, "Careless answers"));
    if (c->maha_status != RES_V_OK) {
        doc_paraf(d, NULL,
                  TR(d->zh, "All %1$ld responses were screened on the %2$zu items: %3$ld gave the same answer to "
                            "every item (straight-lining) and are flagged. The longest run of equal answers in "
                            "form order averages %4$s (at most %5$s); the SD of a respondent's own answers "
                            "averages %6$s."),
                  c->screened, c->nitems, c->straight, doc_fnum(d, c->longstring_mean, 1),
                  doc_fcount(d, c->longstring_max), doc_fnum(d, c->irv_mean, 2));
        warnings_between(d, RES_W_MAHA, RES_W_MAHA);
    } else {
        careless_counts(d, c);
    }
    doc_para(d, NULL, c->excluded ? TR(d->zh, "The flagged responses are left out of every statistic of this "
                                              "report (analyze --exclude-careless).")
                                  : TR(d->zh, "The flagged responses are kept in every statistic of this "
                                              "report; --exclude-careless leaves them out."));
}

/* The screen's counts when the Mahalanobis distances were computed. */
static void careless_counts(doc_t *d, const res_careless_t *c)
{
    doc_paraf(d, NULL,
              TR(d->zh, "All %1$ld responses were screened on the %2$zu items: %3$ld gave the same answer to "
                        "every item (straight-lining); of the %4$ld who answered every item, %5$ld lie farther "
                        "from the others than chance allows (Mahalanobis D² above %6$s, p < %7$g); %8$ld are "
                        "flagged in all. The longest run of equal answers in form order averages %9$s (at most "
                        "%10$s); the SD of a respondent's own answers averages %11$s."),
              c->screened, c->nitems, c->straight, c->complete, c->maha, doc_fnum(d, c->maha_cutoff, 1),
              c->maha_alpha, c->flagged, doc_fnum(d, c->longstring_mean, 1), doc_fcount(d, c->longstring_max),
              doc_fnum(d, c->irv_mean, 2));
}

void qualdoc_measurement(doc_t *d)
{
    const res_t *r = d->r;
    const res_validity_t *v = r->validity;
    if (!v && !r->careless)
        return;
    doc_section(d, "measurement", TR(d->zh, "Measurement quality"));
    if (v) {
        size_t ndims = 0;
        for (size_t j = 0; j < r->ndims; j++)
            ndims += r->dims[j].nitems > 0;
        doc_paraf(d, NULL,
                  TR(d->zh, "Is the questionnaire measuring the %1$zu dimensions it claims? This section checks "
                            "its %2$zu scored items (reverse-worded ones flipped) over %3$s respondents as a "
                            "study of a new instrument would: whether the items suit factor analysis, how many "
                            "factors they hold, whether each item loads on its own dimension, and how well the "
                            "form's own model fits."),
                  ndims, v->nitems, doc_fcount(d, v->rows));
        warnings_between(d, RES_W_VAL_COR, RES_W_VAL_ROTATION);
        adequacy(d, v);
        factor_count(d, v, ndims);
        finding_list(d, RES_F_FACTOR_COUNT, RES_F_FACTOR_COUNT, NULL);
        if (v->loadings) {
            loadings_table(d, v);
            finding_list(d, RES_F_CROSS_LOADING, RES_F_LOW_LOADING,
                         TR(d->zh, "Every item loads at least 0.40 on the factor of its own dimension, and "
                                   "none loads more on another dimension's."));
        }
        cfa_part(d, v);
        finding_list(d, RES_F_POOR_FIT, RES_F_LOW_AVE, NULL);
    }
    careless_part(d);
}

/* ---- methods ---- */

void qualdoc_methods(doc_t *d)
{
    const res_t *r = d->r;
    const res_validity_t *v = r->validity;
    if (v) {
        doc_list_itemf(d, TR(d->zh, "Measurement quality: Pearson correlations of the scored items (reverse "
                                    "items flipped), each from the respondents who answered both items (psych's "
                                    "default); KMO and Bartlett's test with n = all respondents; eigenvalues of "
                                    "the correlation matrix and of the reduced matrix (its diagonal replaced by "
                                    "the communalities of one minres factor, as psych::fa.parallel); Horn's "
                                    "parallel analysis from %zu simulated normal data sets of the same size "
                                    "(seed %lu), keeping the leading factors whose eigenvalue exceeds the 95th "
                                    "percentile of the simulated ones."),
                       v->pa_iterations, v->pa_seed);
        doc_list_itemf(d, TR(d->zh, "Exploratory factor analysis: minimum residual (minres) extraction of %zu "
                                    "factors and oblimin rotation with gamma 0 (GPArotation), as psych::fa, "
                                    "factors ordered and signed as psych does; each factor is paired with the "
                                    "dimension whose items' loadings on it sum highest. An item is reported when "
                                    "it loads below 0.40 on its own dimension's factor, or at least 0.30 and more "
                                    "on another dimension's."),
                       v->nfactors);
        /* xgettext:no-c-format */
        doc_list_item(d, TR(d->zh, "Confirmatory factor analysis of the form's own model: each item on its "
                                   "dimension (dimensions with two items or more), the dimensions correlated, "
                                   "the first loading of each fixed to 1; maximum likelihood on the complete "
                                   "cases (respondents who answered every item), as lavaan::cfa with its "
                                   "defaults, the ML discrepancy minimised by GSL's BFGS: chi-square, CFI, TLI, "
                                   "RMSEA with its 90% interval, SRMR. Composite reliability omega and the "
                                   "average variance extracted (AVE) come from the standardized loadings; CFI "
                                   "below 0.90 is reported, and AVE below 0.50, as a finding where omega is "
                                   "below 0.60 too (Fornell and Larcker accept it otherwise)."));
    }
    if (r->drivers)
        doc_list_itemf(d, TR(d->zh, "Key drivers: the overall judgement (%1$s) regressed on the dimension scores "
                                    "over the respondents who have all of them. Importance is a dimension's LMG "
                                    "share of R² (Lindeman, Merenda & Gold: its gain in R² averaged over every "
                                    "order of entry, computed over all subsets of dimensions as relaimpo's "
                                    "lmg); Johnson's relative weights and Pratt's measure (β × r / R²) are given "
                                    "as checks. The priority matrix splits importance and the mean score at "
                                    "their medians over the dimensions: more important than the median and "
                                    "scoring below it is a first priority. A unit gets its own from %2$d "
                                    "respondents per dimension."),
                       r->drivers->outcome ? r->drivers->outcome : "", RES_DRV_PER_PREDICTOR);
    if (r->careless)
        doc_list_itemf(d, TR(d->zh, "Careless answers, per respondent over the scored items as answered: the "
                                    "longest run of identical answers in form order, the SD of their answers "
                                    "(intra-individual response variability), straight-lining (every answer the "
                                    "same) and the Mahalanobis distance D² of complete answers from the mean of "
                                    "all complete answers, with its chi-square p on %1$zu degrees of freedom; "
                                    "flagged when straight-lining or p < %2$g (D² above %3$.1f)."),
                       r->careless->nitems, r->careless->maha_alpha, r->careless->maha_cutoff);
}
