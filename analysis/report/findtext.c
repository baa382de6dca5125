/*
 * findtext: a finding (numbers, findings.h) or a warning of the analysis
 * worded as a sentence.
 *
 * Every sentence is English here and goes through TR(zh, ...): the output
 * has its language, which need not be the process's.  The Chinese wording
 * lives in po/zh_CN.po.  The numbers are the finding's own; the names
 * (unit, dimension, the comparison wave) come from the res_t by the
 * finding's indexes.
 */
#include "analysis/report/render.h"
#include "analysis/findings.h"
#include "base/i18n.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int render_zh(const res_t *r)
{
    return r->lang && strcmp(r->lang, "zh") == 0;
}

char *render_wave(const char *name, int zh)
{
    if (!name)
        name = "";
    int year = strlen(name) == 4;
    for (size_t i = 0; year && i < 4; i++)
        year = name[i] >= '0' && name[i] <= '9';
    /* TRANSLATORS: a wave named by a year, in a Chinese sentence ("2025年") */
    return year && zh ? util_fmt(TR(zh, "year %s"), name) : util_xstrdup(name);
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

/* A unit's self-vs-staff gaps with this flag: each flagged dimension with
 * both scores (the res_gap_t entries the finding stands for). */
static char *gap_text(const res_t *r, const res_finding_t *f, int zh)
{
    res_gapflag_t flag = f->kind == RES_F_OVERCLAIM ? RES_OVERCLAIM : RES_UNDERCLAIM;
    const res_group_t *G = &r->groups[f->group];
    util_buf_t b = {0};
    size_t cnt = 0;
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        if (gp->group != (size_t)f->group || gp->flag != flag)
            continue;
        if (cnt++)
            /* TRANSLATORS: separates the dimensions listed in one
             * self-vs-staff gap finding */
            util_buf_adds(&b, TR(zh, "; "));
        util_buf_addf(&b, TR(zh, "%s: self %.1f, staff %.1f (one staff member's 95%% range %.1f-%.1f), "
                                 "%+.1f points"),
                      r->dims[gp->dim].label, gp->self, gp->staff, gp->pi_low, gp->pi_high, gp->gap);
    }
    char *s;
    if (flag == RES_OVERCLAIM)
        s = util_fmt(i18n_npick(zh, "%s (%s) rates itself above what its staff report on %zu dimension: %s.",
                                "%s (%s) rates itself above what its staff report on %zu dimensions: %s.",
                                cnt),
                     G->name, G->code, cnt, b.s ? b.s : "");
    else
        s = util_fmt(i18n_npick(zh, "%s (%s) rates itself below what its staff report on %zu dimension: %s.",
                                "%s (%s) rates itself below what its staff report on %zu dimensions: %s.",
                                cnt),
                     G->name, G->code, cnt, b.s ? b.s : "");
    util_buf_free(&b);
    return s;
}

static char *change_text(const res_t *r, const res_finding_t *f, int zh)
{
    char b1[32];
    /* TRANSLATORS: the subject of a change finding when it is about
     * the whole population rather than one unit */
    const char *who = f->group < 0 ? TR(zh, "All respondents") : r->groups[f->group].name;
    const char *fmt = f->kind == RES_F_IMPROVED
                          ? TR(zh, "%s improved on %s since %s: from %.1f to %.1f (%+.1f points, q %s).")
                          : TR(zh, "%s declined on %s since %s: from %.1f to %.1f (%+.1f points, q %s).");
    char *w0 = render_wave(r->compare_wave, zh);
    char *s = util_fmt(fmt, who, r->dims[f->dim].label, w0, findings_value(f, "mean0"), findings_value(f, "mean"),
                       findings_value(f, "diff"), fmt_p(findings_value(f, "q"), b1));
    free(w0);
    return s;
}

/* The name of the finding's item (validity's), "" when there is none. */
static const char *item_name(const res_t *r, const res_finding_t *f)
{
    double i = findings_value(f, "item");
    return r->validity && i >= 0 && i < (double)r->validity->nitems ? r->validity->items[(size_t)i] : "";
}

/* The label of the finding's other dimension, "" when there is none. */
static const char *other_dim(const res_t *r, const res_finding_t *f)
{
    double d = findings_value(f, "other_dim");
    return d >= 0 && d < (double)r->ndims ? r->dims[(size_t)d].label : "";
}

/* Findings on measurement quality and priorities. */
static char *quality_text(const res_t *r, const res_finding_t *f, int zh)
{
    const res_dim_t *D = f->dim >= 0 ? &r->dims[f->dim] : NULL;
    switch (f->kind) {
    case RES_F_PRIORITY:
        return util_fmt(TR(zh, "%1$s is a first priority: it weighs heavily on the overall judgement (%2$.0f%% of "
                               "the variance the dimensions explain, rank %3$.0f of %4$.0f) and scores low "
                               "(mean %5$.1f of 100)."),
                        D->label, 100 * findings_value(f, "share"), findings_value(f, "rank"),
                        findings_value(f, "predictors"), findings_value(f, "mean"));
    case RES_F_FACTOR_COUNT:
        return util_fmt(TR(zh, "Parallel analysis suggests %1$.0f factors, but the form has %2$.0f dimensions: "
                               "the items may not separate the dimensions as designed."),
                        findings_value(f, "factors"), findings_value(f, "dimensions"));
    case RES_F_CROSS_LOADING:
        return util_fmt(TR(zh, "Item %1$s belongs with the %2$s items more than with %3$s: it loads %4$.2f on "
                               "their factor and %5$.2f on its own dimension's."),
                        item_name(r, f), other_dim(r, f), D->label,
                        findings_value(f, "other_loading"), findings_value(f, "loading"));
    case RES_F_LOW_LOADING:
        return util_fmt(TR(zh, "Item %1$s loads only %2$.2f on the factor of its dimension %3$s (below 0.40): "
                               "it measures that dimension weakly."),
                        item_name(r, f), findings_value(f, "loading"), D->label);
    case RES_F_POOR_FIT:
        return util_fmt(TR(zh, "The confirmatory factor analysis of the form's own model fits poorly: CFI = "
                               "%.3f (below 0.90), TLI = %.3f, RMSEA = %.3f, SRMR = %.3f."),
                        findings_value(f, "cfi"), findings_value(f, "tli"), findings_value(f, "rmsea"),
                        findings_value(f, "srmr"));
    case RES_F_LOW_AVE:   /* findings.c: omega below 0.60 too */
        return util_fmt(TR(zh, "%s: the average variance extracted is %.2f, below 0.50, and the composite "
                               "reliability (omega = %.2f) is below 0.60: the items do not converge on the "
                               "dimension."),
                        D->label, findings_value(f, "ave"), findings_value(f, "omega"));
    default:
        return util_xstrdup("");
    }
}

char *render_finding(const res_t *r, const res_finding_t *f, int zh)
{
    char b1[32];
    const res_group_t *G = f->group >= 0 ? &r->groups[f->group] : NULL;
    const res_dim_t *D = f->dim >= 0 ? &r->dims[f->dim] : NULL;
    switch (f->kind) {
    case RES_F_WEAK_DIMENSION:
        return util_fmt(TR(zh, "%s is a weak dimension: mean score %.1f of 100, %.1f points below the same "
                               "respondents' average over the other dimensions (t = %.2f, q %s); rank %d of "
                               "%zu."),
                        D->label, findings_value(f, "mean"), -findings_value(f, "deviation"),
                        findings_value(f, "t"), fmt_p(findings_value(f, "q"), b1),
                        (int)findings_value(f, "rank"), r->ndims);
    case RES_F_WEAK_UNIT:
        return util_fmt(TR(zh, "%s (%s) is weak on %s: mean %.1f from %.0f respondents, %.1f points "
                               "below all other respondents (Welch t = %.2f, q %s)."),
                        G->name, G->code, D->label, findings_value(f, "mean"), findings_value(f, "n"),
                        -findings_value(f, "diff"), findings_value(f, "t"),
                        fmt_p(findings_value(f, "q"), b1));
    case RES_F_OVERCLAIM:
    case RES_F_UNDERCLAIM:
        return gap_text(r, f, zh);
    case RES_F_UNRELIABLE:
        return util_fmt(TR(zh, "%s is not measured reliably (Cronbach's alpha = %.2f, 95%% CI %.2f-%.2f, "
                               "below 0.70); read its scores with care."),
                        D->label, findings_value(f, "alpha"), findings_value(f, "ci_low"),
                        findings_value(f, "ci_high"));
    case RES_F_LOW_RESPONSE:
        if (!isnan(findings_value(f, "invited")))
            return util_fmt(TR(zh, "%1$s (%2$s) has a low response rate: %3$ld responses from %4$.0f invited "
                                   "(%5$.0f%%); its results may not be representative."),
                            G->name, G->code, (long)findings_value(f, "n"), findings_value(f, "invited"),
                            100 * findings_value(f, "rate"));
        return util_fmt(TR(zh, "%1$s (%2$s) has a low response rate: %3$ld responses from a headcount of "
                               "%4$.0f (%5$.0f%%); its results may not be representative."),
                        G->name, G->code, (long)findings_value(f, "n"), findings_value(f, "headcount"),
                        100 * findings_value(f, "rate"));
    case RES_F_IMPROVED:
    case RES_F_DECLINED:
        return change_text(r, f, zh);
    case RES_F_PRIORITY:
    case RES_F_FACTOR_COUNT:
    case RES_F_CROSS_LOADING:
    case RES_F_LOW_LOADING:
    case RES_F_POOR_FIT:
    case RES_F_LOW_AVE:
        return quality_text(r, f, zh);
    case RES_F_POINTS_UNMATCHED:
        return util_fmt(TR(zh, "%1$s (%2$s) claims %3$+.0f net bonus points on %4$s, in the top quarter of the %5$.0f "
                               "units (upper quartile %6$+.0f), while its staff rate it weak there (mean %7$.1f, "
                               "%8$.1f points below all other respondents, q %9$s): saying counts as doing, on the "
                               "campaign's own yardstick."),
                        G->name, G->code, findings_value(f, "net"), D->label, findings_value(f, "units"),
                        findings_value(f, "net_q3"), findings_value(f, "mean"), -findings_value(f, "diff"),
                        fmt_p(findings_value(f, "q"), b1));
    }
    return util_xstrdup("");
}

/* Why a measurement-quality statistic is missing (res_vstatus_t). */
static const char *vreason(size_t status, int zh)
{
    switch (status) {
    case RES_V_FEW:
        return TR(zh, "too few respondents or items for it");
    case RES_V_SINGULAR:
        return TR(zh, "the correlation or covariance matrix is singular (an item repeats others, or too few "
                      "respondents answered every item)");
    case RES_V_NOCONV:
        return TR(zh, "the fit did not converge");
    case RES_V_UNDEF:
        return TR(zh, "an item does not vary, or two items were never answered together");
    default:
        return TR(zh, "out of memory");
    }
}

/* The warnings of quality.c (w->count: the res_vstatus_t); NULL for the
 * other kinds. */
static char *quality_warning(const res_warning_t *w, int zh)
{
    const char *fmt = NULL;
    switch (w->kind) {
    case RES_W_VAL_COR: fmt = TR(zh, "measurement quality not computed: %s"); break;
    case RES_W_VAL_KMO: fmt = TR(zh, "no KMO or Bartlett test: %s"); break;
    case RES_W_VAL_PARALLEL: fmt = TR(zh, "no parallel analysis: %s"); break;
    case RES_W_VAL_EFA: fmt = TR(zh, "no exploratory factor analysis: %s"); break;
    case RES_W_VAL_CFA: fmt = TR(zh, "no confirmatory factor analysis: %s"); break;
    case RES_W_MAHA: fmt = TR(zh, "no Mahalanobis distances in the careless-answer screen: %s"); break;
    case RES_W_VAL_ROTATION:
        return util_xstrdup(TR(zh, "the oblimin rotation stopped after 1000 steps without converging; read the "
                                   "factor loadings with care"));
    case RES_W_DRV_NO_OUTCOME:
        return util_xstrdup(TR(zh, "no key drivers: the form names no outcome (settings outcome_field, or the "
                                   "survey column outcome = yes)"));
    case RES_W_DRV:
        if (w->count == RES_V_FEW)
            return util_fmt(TR(zh, "no key drivers: fewer than %d respondents per dimension have both the "
                                   "outcome and every dimension score"),
                            RES_DRV_PER_PREDICTOR);
        if (w->count == RES_V_SINGULAR)
            return util_xstrdup(TR(zh, "no key drivers: the outcome or a dimension score does not vary, or "
                                       "the dimension scores are collinear"));
        fmt = TR(zh, "no key drivers: %s");
        break;
    default:
        return NULL;
    }
    return util_fmt(fmt, vreason(w->count, zh));
}

/* UNITS_NAMED units or fewer are listed as "name (code)", more by their
 * codes alone, so that a list of forty stays one readable line. */
#define UNITS_NAMED 10

/* The groups idx[0..n-1], comma-separated. */
static char *unit_list(const res_t *r, const size_t *idx, size_t n, int zh)
{
    char *list = NULL;
    for (size_t i = 0; i < n; i++) {
        const res_group_t *G = &r->groups[idx[i]];
        /* TRANSLATORS: a unit in a list: its name and its code */
        char *item = n <= UNITS_NAMED ? util_fmt(TR(zh, "%s (%s)"), G->name, G->code) : util_xstrdup(G->code);
        if (list) {
            /* TRANSLATORS: a list and its next item (Chinese: 、) */
            char *longer = util_fmt(TR(zh, "%s, %s"), list, item);
            free(list);
            free(item);
            list = longer;
        } else {
            list = item;
        }
    }
    return list ? list : util_xstrdup("");
}

char *render_silent(const res_t *r, int zh, int with_hidden)
{
    if (!r->nsilent)
        return NULL;
    if (!with_hidden || !r->nsuppressed) {
        char *list = unit_list(r, r->silent, r->nsilent, zh);
        char *s = util_fmt(i18n_npick(zh, "%zu unit has no response in this wave: %s.",
                                      "%zu units have no response in this wave: %s.", r->nsilent),
                           r->nsilent, list);
        free(list);
        return s;
    }
    /* silent and hidden units in one list, in the order of groups[] */
    size_t *idx = util_xmalloc((r->ngroups + 1) * sizeof *idx), n = 0;
    for (size_t g = 0; g < r->ngroups; g++)
        if (r->groups[g].n == 0 || r->groups[g].suppressed)
            idx[n++] = g;
    char *list = unit_list(r, idx, n, zh);
    char *s = util_fmt(i18n_npick(zh,
                                  "%zu unit is not reported one by one, having no response in this wave, "
                                  "fewer than %d, or being hidden so that none can be recovered by "
                                  "subtraction: %s.",
                                  "%zu units are not reported one by one, having no response in this wave, "
                                  "fewer than %d, or being hidden so that none can be recovered by "
                                  "subtraction: %s.",
                                  n),
                       n, r->min_n, list);
    free(list);
    free(idx);
    return s;
}

char *render_unrated(const res_t *r, int zh)
{
    if (!r->nunrated)
        return NULL;
    char *list = unit_list(r, r->unrated, r->nunrated, zh);
    char *s = util_fmt(i18n_npick(zh,
                                  "%zu unit has responses but no response rate (no invitations issued to "
                                  "it, no headcount in the units list): %s.",
                                  "%zu units have responses but no response rate (no invitations issued to "
                                  "them, no headcount in the units list): %s.",
                                  r->nunrated),
                       r->nunrated, list);
    free(list);
    return s;
}

/* The sentences of the warnings about one dimension (%s: its label, in
 * the output's language); a kind without one is about something else. */
static const char *const dim_warnings[] = {
    [RES_W_ALPHA_ONE_ITEM] = N_("%s: one item only, so no reliability (Cronbach's alpha needs two or more)"),
    [RES_W_ALPHA_FEW] = N_("%s: reliability not computable (fewer than two respondents answered every item)"),
    [RES_W_ALPHA_NOVAR] = N_("%s: reliability not computable (the complete answers do not vary)"),
    [RES_W_ANOVA_GROUPS] = N_("%s: ANOVA not computable (fewer than two groups with scores, or one score per group)"),
    [RES_W_ANOVA_NOVAR] = N_("%s: ANOVA not computable (every respondent has the same score)"),
    [RES_W_ANOVA_INF] = N_("%s: F is infinite (within every group all scores are equal); F is left empty, p = 0"),
    [RES_W_WELCH_GROUPS] = N_("%s: Welch ANOVA not computable (fewer than two groups with scores)"),
    [RES_W_WELCH_GROUPVAR] = N_("%s: Welch ANOVA not computable (a group has fewer than two scores or no variance)"),
    [RES_W_KRUSKAL_GROUPS] = N_("%s: Kruskal-Wallis not computable (fewer than two groups with scores)"),
    [RES_W_KRUSKAL_TIES] = N_("%s: Kruskal-Wallis not computable (every score ties)"),
    [RES_W_DEV_NOOTHER] = N_("%s: no weak-dimension test (no respondent has a score on another dimension)"),
    [RES_W_VAL_HEYWOOD] = N_("%s: the confirmatory factor analysis estimates a negative variance for this "
                             "dimension's factor or one of its items (an improper solution, a Heywood case), so its "
                             "standardized loadings, omega and AVE are undefined; its items may not measure one "
                             "thing"),
    [RES_W_DEV_NOVAR] = N_("%s: no weak-dimension test (fewer than two respondents, or no variance)"),
    [RES_W_CONSTANT] = N_("%s: every respondent has the same score, so there is no confidence interval"),
    [RES_W_FUNNEL] = N_("%s: no funnel position (the between-group variance or MSW is undefined)"),
};

static const char *dim_warning(res_wkind_t kind, int zh)
{
    if ((size_t)kind >= sizeof dim_warnings / sizeof dim_warnings[0] || !dim_warnings[kind])
        return NULL;
    return i18n_pick(zh, dim_warnings[kind]);
}

const char *render_quadrant(res_quadrant_t q, int zh)
{
    switch (q) {
    case RES_Q_PRIORITY: return TR(zh, "first priority");
    case RES_Q_STRENGTH: return TR(zh, "strength");
    case RES_Q_LOW_PRIORITY: return TR(zh, "lower priority");
    case RES_Q_SURPLUS: return TR(zh, "less important");
    default: return "";
    }
}

char *render_warning(const res_t *r, const res_warning_t *w, int zh)
{
    const char *dim = w->dim >= 0 ? r->dims[w->dim].label : "";
    const char *fmt = dim_warning(w->kind, zh);
    if (fmt)
        return util_fmt(fmt, dim);
    char *q = quality_warning(w, zh);
    if (q)
        return q;
    switch (w->kind) {
    case RES_W_CONSTANT_GROUPS:
        return util_fmt(i18n_npick(zh,
                                   "%s: %zu group has fewer than two scores or all equal ones: no "
                                   "confidence interval and no self-vs-staff flag",
                                   "%s: %zu groups have fewer than two scores or all equal ones: no "
                                   "confidence interval and no self-vs-staff flag",
                                   w->count),
                        dim, w->count);
    case RES_W_GAP_UNTESTED:
        return util_fmt(i18n_npick(zh,
                                   "%s: %zu self-assessment has no flag (its staff's scores have no spread "
                                   "to judge one response against)",
                                   "%s: %zu self-assessments have no flag (their staff's scores have no "
                                   "spread to judge one response against)",
                                   w->count),
                        dim, w->count);
    case RES_W_DIFFERENCING:
        return util_fmt(i18n_npick(zh,
                                   "%zu group suppressed so that no group of another grouping can be "
                                   "recovered by subtraction (differencing protection)",
                                   "%zu groups suppressed so that no group of another grouping can be "
                                   "recovered by subtraction (differencing protection)",
                                   w->count),
                        w->count);
    case RES_W_COMPARE_HIDDEN:
        return util_fmt(i18n_npick(zh,
                                   "%zu group shown in this wave is hidden in the earlier one by the same "
                                   "rules, so it has no change",
                                   "%zu groups shown in this wave are hidden in the earlier one by the same "
                                   "rules, so they have no change",
                                   w->count),
                        w->count);
    case RES_W_SMALL_MIN_N:
        return util_fmt(TR(zh, "the minimum group size is %d, below %d (--allow-small-groups): groups this "
                               "small can identify their members"),
                        r->min_n, RES_MIN_N_SAFE);
    case RES_W_XTAB_CELLS:
        return util_fmt(i18n_npick(zh,
                                   "cross-tabulation: %zu cell is suppressed (fewer than %d respondents, or "
                                   "so that none can be recovered from the totals)",
                                   "cross-tabulation: %zu cells are suppressed (fewer than %d respondents, or "
                                   "so that none can be recovered from the totals)",
                                   w->count),
                        w->count, r->min_n);
    case RES_W_XTAB_POOLED:
        return util_xstrdup(w->dim == 2 ? TR(zh, "cross-tabulation: the chi-square test merges the columns that "
                                                 "hold a suppressed cell into one, so that it reveals nothing "
                                                 "of them")
                                        : TR(zh, "cross-tabulation: the chi-square test merges the rows that "
                                                 "hold a suppressed cell into one, so that it reveals nothing "
                                                 "of them"));
    case RES_W_XTAB_NOTEST:
        return util_xstrdup(TR(zh, "cross-tabulation: no chi-square test (fewer than two rows or columns with "
                                   "answers are left to test)"));
    case RES_W_XTAB_EXPECTED:
        return util_fmt(i18n_npick(zh,
                                   "cross-tabulation: %zu cell has an expected count below 5, so the "
                                   "chi-square approximation may be incorrect (as R warns)",
                                   "cross-tabulation: %zu cells have an expected count below 5, so the "
                                   "chi-square approximation may be incorrect (as R warns)",
                                   w->count),
                        w->count);
    default:
        return util_xstrdup("");
    }
}
