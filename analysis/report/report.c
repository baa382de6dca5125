/*
 * report: writes report.html, report.md, the CSV tables and the plots of
 * one analysis (see report.h).
 *
 * The HTML and the Markdown are written side by side by the same calls
 * (heading, paragraph, table, figure), so the two always say the same
 * thing.  Text is composed first and escaped once, on the way into each
 * format: HTML-escaped for report.html, backslash-escaped for report.md
 * (whose renderers pass raw HTML through, so `<script>` in a comment must
 * not survive there either).
 *
 * The HTML is one file a researcher can mail or print: CSS inline, the
 * SVG pictures inline (their element ids prefixed per picture, because
 * gnuplot gives every SVG the same ids), no script, no link to a network.
 * Chinese layout follows a research report: sections numbered with
 * Chinese numerals, sub-sections with numerals in brackets, three-line
 * tables with the caption above, figure captions below.
 *
 * Language: every sentence is English here and goes through TR(d->zh, ...),
 * because the report has its own --lang, which need not be the process's.
 * The Chinese wording, numerals and heading punctuation included, lives in
 * po/zh_CN.po.  A sentence whose Chinese needs its arguments in another
 * order, or one of them twice, numbers them (%1$s) in the translation.
 *
 * Suppressed groups: the res_t gives them no numbers, and no finding; a
 * finding is written only when its group is shown (by index).  Their code
 * and name are used here only to drop any comment (the respondents' free
 * text) that would name them.
 */
#include "analysis/report/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "analysis/findings.h"
#include "analysis/report/doc.h"
#include "analysis/report/plot.h"
#include "analysis/report/qualdoc.h"
#include "analysis/report/render.h"
#include "analysis/report/sections.h"
#include "base/util.h"

/* ---- the sections ---- */

/* The response rates of the shown units, against what is known of each
 * (results.h, rate_basis): invitations, else the headcount; then the
 * units without a response and those without a rate, once each. */
static void write_rates(doc_t *d)
{
    const res_t *r = d->r;
    if (!r->group_by || strcmp(r->group_by, "unit") != 0)
        return;   /* rates are the units' */
    double sn[3] = {0}, sbase[3] = {0}, lo = INFINITY, hi = -INFINITY;
    size_t nk[3] = {0};
    for (size_t i = 0; i < r->ngroups; i++) {
        const res_group_t *g = &r->groups[i];
        if (!doc_shown(r, i) || g->rate_basis == RES_RATE_NONE || !isfinite(g->response_rate))
            continue;
        nk[g->rate_basis]++;
        /* those left out as careless did respond (as the unit rates count) */
        sn[g->rate_basis] += (double)res_responded(r, g);
        sbase[g->rate_basis] += g->invited;
        lo = fmin(lo, g->response_rate);
        hi = fmax(hi, g->response_rate);
    }
    util_buf_t b = {0};
    size_t inv = RES_RATE_INVITED, hc = RES_RATE_HEADCOUNT;
    if (nk[inv])
        util_buf_addf(&b, i18n_npick(d->zh, "Response rate: %1$zu unit was sent %2$s invitations and returned %3$s "
                                            "responses (%4$s).",
                                     "Response rate: %1$zu units were sent %2$s invitations and returned %3$s "
                                     "responses (%4$s).", nk[inv]),
                      nk[inv], doc_fcount(d, sbase[inv]), doc_fcount(d, sn[inv]), doc_fpct(d, sn[inv] / sbase[inv]));
    if (nk[hc] && nk[inv])
        util_buf_addf(&b, i18n_npick(d->zh, " %1$zu unit without invitations has a headcount of %2$s and returned "
                                            "%3$s responses (%4$s).",
                                     " %1$zu units without invitations have a headcount of %2$s and returned "
                                     "%3$s responses (%4$s).", nk[hc]),
                      nk[hc], doc_fcount(d, sbase[hc]), doc_fcount(d, sn[hc]), doc_fpct(d, sn[hc] / sbase[hc]));
    else if (nk[hc])
        util_buf_addf(&b, i18n_npick(d->zh, "Response rate, against the headcount: %1$zu unit has %2$s staff and "
                                            "returned %3$s responses (%4$s).",
                                     "Response rate, against the headcount: %1$zu units have %2$s staff and "
                                     "returned %3$s responses (%4$s).", nk[hc]),
                      nk[hc], doc_fcount(d, sbase[hc]), doc_fcount(d, sn[hc]), doc_fpct(d, sn[hc] / sbase[hc]));
    if (nk[inv] + nk[hc] > 1)
        util_buf_addf(&b, TR(d->zh, " Rates range from %1$s to %2$s."), doc_fpct(d, lo), doc_fpct(d, hi));
    if (nk[inv] + nk[hc])
        doc_para(d, NULL, b.s);
    else
        doc_para(d, NULL, TR(d->zh, "Response rate: the number invited is not known (no invitations issued, "
                                    "no headcounts), so no response rate is given."));
    util_buf_free(&b);
    char *notes[2] = {render_silent(r, d->zh, 1), render_unrated(r, d->zh)};
    for (size_t i = 0; i < 2; i++)
        if (notes[i]) {
            doc_para(d, NULL, notes[i]);
            free(notes[i]);
        }
}

static void write_overview(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    doc_section(d, "overview", TR(d->zh, "Overview"));
    size_t nanswered = 0;   /* units without a response are listed by write_rates */
    for (size_t i = 0; i < r->ngroups; i++)
        nanswered += r->groups[i].n > 0;
    char *by = doc_grouping(d);
    doc_paraf(d, NULL,
          TR(d->zh, "This wave (%1$s) of the %2$s received %3$ld valid responses in %4$zu %5$s by %6$s. "
                    "Reported one by one: %7$zu %8$s with at least %9$d respondents. Not shown: %10$zu %11$s "
                    "with fewer, although their answers count in every population figure."),
          doc_fwave(d, r->wave), r->form_title ? r->form_title : TR(d->zh, "survey"), r->respondents,
          nanswered, nanswered == 1 ? TR(d->zh, "group") : TR(d->zh, "groups"), by, nshown,
          doc_gnoun(d, nshown), r->min_n, r->nsuppressed, doc_gnoun(d, r->nsuppressed));
    free(by);
    qualdoc_overview(d);

    write_rates(d);
    /* the comparison is the fifth section: overview, findings, dimensions,
     * units, then self vs staff (report_write) */
    if (r->ngaps)
        doc_paraf(d, NULL, TR(d->zh, "Self-assessments: %ld unit self-assessments of the same wave are "
                                 "compared with the staff's view (section %s)."),
              r->self_responses, doc_numeral(d, 5));

    /* reliability */
    double alo = INFINITY, ahi = -INFINITY;
    util_buf_t low = {0};
    size_t nlow = 0;
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        if (!isfinite(dm->alpha))
            continue;
        alo = fmin(alo, dm->alpha);
        ahi = fmax(ahi, dm->alpha);
        if (dm->alpha < 0.7) {
            /* TRANSLATORS: the first and each further entry of a list of
             * dimensions with their alpha */
            util_buf_addf(&low, nlow ? TR(d->zh, ", %s (alpha = %.2f)") : TR(d->zh, "%s (alpha = %.2f)"),
                          doc_dim_name(dm), dm->alpha);
            nlow++;
        }
    }
    if (isfinite(alo) && nlow)
        doc_paraf(d, NULL,
              TR(d->zh, "Reliability: Cronbach's alpha of the dimensions ranges from %.2f to %.2f; below "
                        "0.70, so to be read with care: %s."),
              alo, ahi, low.s);
    else if (isfinite(alo))
        doc_paraf(d, NULL, TR(d->zh, "Reliability: Cronbach's alpha of the dimensions ranges from %.2f to %.2f."),
              alo, ahi);
    util_buf_free(&low);

    /* overall level */
    double sum = 0;
    size_t nm = 0;
    const res_dim_t *top = NULL, *bottom = NULL;
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        if (!isfinite(dm->mean))
            continue;
        sum += dm->mean;
        nm++;
        if (!top || dm->mean > top->mean)
            top = dm;
        if (!bottom || dm->mean < bottom->mean)
            bottom = dm;
    }
    if (nm)
        doc_paraf(d, NULL, TR(d->zh, "Overall level: the mean of the %zu dimension means (0-100) is %s; highest %s "
                                 "(%s), lowest %s (%s)."),
              nm, doc_fnum(d, sum / (double)nm, 1), doc_dim_name(top), doc_fnum(d, top->mean, 1), doc_dim_name(bottom),
              doc_fnum(d, bottom->mean, 1));
    doc_figures(d, PLOT_MEANS);
    doc_figures(d, PLOT_RESPONSE);
}

/* The kinds of finding in the order written, each with the kind written
 * with it in one table (or itself). */
static const struct {
    res_fkind_t kind, with;
    const char *title;   /* translated when written */
} fkinds[] = {
    {RES_F_WEAK_DIMENSION, RES_F_WEAK_DIMENSION, N_("Weak dimensions")},
    {RES_F_WEAK_UNIT, RES_F_WEAK_UNIT, N_("Weak units")},
    {RES_F_OVERCLAIM, RES_F_UNDERCLAIM, N_("Self-assessment and the staff's view")},
    {RES_F_POINTS_UNMATCHED, RES_F_POINTS_UNMATCHED, N_("Points and the staff's view")},
    {RES_F_DECLINED, RES_F_IMPROVED, N_("Changes since the previous wave")},
    {RES_F_PRIORITY, RES_F_PRIORITY, N_("First priorities")},
    {RES_F_UNRELIABLE, RES_F_UNRELIABLE, N_("Low reliability")},
    {RES_F_FACTOR_COUNT, RES_F_POOR_FIT, N_("Factor structure")},
    {RES_F_CROSS_LOADING, RES_F_LOW_LOADING, N_("Items that do not load on their dimension")},
    {RES_F_LOW_AVE, RES_F_LOW_AVE, N_("Convergent validity")},
    {RES_F_LOW_RESPONSE, RES_F_LOW_RESPONSE, N_("Low response")},
};

/* At province scale (more than PLOT_ROWS_MAX groups shown) a kind of
 * finding lists at most this many: a thousand weak units is a table, and
 * the tables and CSV files hold every one. */
#define REPORT_FINDINGS_MAX 50

/* Marks in keep[] which findings of kind k are listed: all of them, or
 * past REPORT_FINDINGS_MAX those of the groups with the largest shortfall
 * (plot_notable) for weak units and the first ones for the other kinds.
 * Returns the number listed. */
static size_t pick_findings(const doc_t *d, res_fkind_t k, size_t nshown, char *keep)
{
    const res_t *r = d->r;
    size_t n = 0;
    for (size_t i = 0; i < r->nfindings; i++) {
        keep[i] = r->findings[i].kind == k && doc_finding_shown(r, &r->findings[i]);
        n += keep[i];
    }
    if (nshown <= PLOT_ROWS_MAX || n <= REPORT_FINDINGS_MAX)
        return n;
    char *want = util_xcalloc(r->nfindings + 1, 1);
    size_t m = 0;
    if (k == RES_F_WEAK_UNIT) {
        size_t *rank = util_xcalloc(nshown + 1, sizeof *rank);
        size_t nr = plot_notable(r, rank, nshown, NULL);
        for (size_t g = 0; g < nr && m < REPORT_FINDINGS_MAX; g++)
            for (size_t i = 0; i < r->nfindings && m < REPORT_FINDINGS_MAX; i++)
                if (keep[i] && !want[i] && r->findings[i].group == (long)rank[g]) {
                    want[i] = 1;
                    m++;
                }
        free(rank);
    }
    for (size_t i = 0; i < r->nfindings && m < REPORT_FINDINGS_MAX; i++)
        if (keep[i] && !want[i]) {
            want[i] = 1;
            m++;
        }
    memcpy(keep, want, r->nfindings);
    free(want);
    return m;
}

/* The unit x dimension pairs whose self-assessment differs from the
 * staff's view: overclaims first, the largest gap on top; then
 * underclaims. */
static void gaps_table(doc_t *d)
{
    const res_t *r = d->r;
    /* xgettext:no-c-format */
    const char *staff = TR(d->zh, "staff (95% range)");
    doc_table_begin(d, TR(d->zh, "Pairs where self and staff differ"), 6, TR(d->zh, "unit"), TR(d->zh, "dimension"),
                TR(d->zh, "self"), staff, TR(d->zh, "gap"), TR(d->zh, "verdict"));
    /* overclaims first, the largest gap on top; then underclaims */
    size_t *ord = util_xcalloc(r->ngaps + 1, sizeof *ord), no = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t from = no;
        for (size_t i = 0; i < r->ngaps; i++)
            if (doc_shown(r, r->gaps[i].group) && r->gaps[i].flag == (pass ? RES_UNDERCLAIM : RES_OVERCLAIM))
                ord[no++] = i;
        for (size_t a = from + 1; a < no; a++) {
            size_t v = ord[a], b = a;
            while (b > from && fabs(r->gaps[ord[b - 1]].gap) < fabs(r->gaps[v].gap)) {
                ord[b] = ord[b - 1];
                b--;
            }
            ord[b] = v;
        }
    }
    for (size_t k = 0; k < no; k++) {
        const res_gap_t *g = &r->gaps[ord[k]];
        int pass = g->flag == RES_UNDERCLAIM;
        char *name = doc_group_name(d, &r->groups[g->group]);
        doc_td(d, name, DOC_TEXT);
        free(name);
        doc_td(d, g->dim < r->ndims ? doc_dim_name(&r->dims[g->dim]) : "", DOC_TEXT);
        doc_td(d, doc_fnum(d, g->self, 1), DOC_NUM);
        doc_tdf(d, DOC_NUM, "%s (%s–%s)", doc_fnum(d, g->staff, 1), doc_fnum(d, g->pi_low, 1),
                doc_fnum(d, g->pi_high, 1));
        doc_td(d, doc_fsigned(d, g->gap, 1), pass ? DOC_GOOD : DOC_WEAK);
        doc_td(d, pass ? TR(d->zh, "underclaim") : TR(d->zh, "▲ overclaim"), pass ? DOC_TEXT : DOC_WEAK);
        doc_row_end(d);
    }
    free(ord);
    /* xgettext:no-c-format */
    doc_table_end(d, TR(d->zh, "Staff: the staff mean and, in brackets, the range of one staff member's score "
                               "(95% prediction interval). Sorted by the size of the gap; every pair is in gaps.csv."));
}

/* The finding of kind k with the largest value key in size (the one that
 * matters most), NULL when there is none shown. */
static const res_finding_t *largest(const res_t *r, res_fkind_t k, const char *key)
{
    const res_finding_t *best = NULL;
    for (size_t i = 0; i < r->nfindings; i++) {
        const res_finding_t *f = &r->findings[i];
        if (f->kind == k && doc_finding_shown(r, f) &&
            (!best || fabs(findings_value(f, key)) > fabs(findings_value(best, key))))
            best = f;
    }
    return best;
}

/* A paragraph: lead, then the sentence of finding f. */
static void say_finding(doc_t *d, const char *lead, const res_finding_t *f)
{
    if (!f)
        return;
    char *text = render_finding(d->r, f, d->zh);
    doc_paraf(d, NULL, "%s%s", lead, text);
    free(text);
}

static void weak_dims_table(doc_t *d, const char *keep)
{
    const res_t *r = d->r;
    doc_table_begin(d, TR(d->zh, "Weak dimensions"), 6, TR(d->zh, "dimension"), TR(d->zh, "mean"),
                    TR(d->zh, "deviation"), "t", "q", TR(d->zh, "rank"));
    for (size_t i = 0; i < r->nfindings; i++) {
        const res_finding_t *f = &r->findings[i];
        if (!keep[i] || f->dim < 0)
            continue;
        doc_td(d, doc_dim_name(&r->dims[f->dim]), DOC_TEXT);
        doc_td(d, doc_fnum(d, findings_value(f, "mean"), 1), DOC_WEAK);
        doc_td(d, doc_fsigned(d, findings_value(f, "deviation"), 1), DOC_WEAK);
        doc_td(d, doc_fnum(d, findings_value(f, "t"), 2), DOC_NUM);
        doc_td(d, doc_fp(d, findings_value(f, "q")), DOC_NUM);
        doc_tdf(d, DOC_NUM, "%.0f / %zu", findings_value(f, "rank"), r->ndims);
    }
    doc_table_end(d, NULL);
    say_finding(d, TR(d->zh, "Most marked: "), largest(r, RES_F_WEAK_DIMENSION, "deviation"));
}

static void weak_units_table(doc_t *d, const char *keep, size_t n)
{
    const res_t *r = d->r;
    doc_table_begin(d, TR(d->zh, "Weak units"), 5, doc_glabel(d), TR(d->zh, "dimension"), TR(d->zh, "mean"),
                    TR(d->zh, "difference"), "q");
    char *seen = util_xcalloc(r->ngroups + 1, 1);
    size_t units = 0;
    for (size_t i = 0; i < r->nfindings; i++) {
        const res_finding_t *f = &r->findings[i];
        if (f->kind == RES_F_WEAK_UNIT && doc_finding_shown(r, f) && f->group >= 0 && !seen[f->group]) {
            seen[f->group] = 1;
            units++;
        }
        if (!keep[i] || f->group < 0 || f->dim < 0)
            continue;
        char *name = doc_group_name(d, &r->groups[f->group]);
        doc_td(d, name, DOC_TEXT);
        free(name);
        doc_td(d, doc_dim_name(&r->dims[f->dim]), DOC_TEXT);
        doc_td(d, doc_fnum(d, findings_value(f, "mean"), 1), DOC_WEAK);
        doc_td(d, doc_fsigned(d, findings_value(f, "diff"), 1), DOC_WEAK);
        doc_td(d, doc_fp(d, findings_value(f, "q")), DOC_NUM);
    }
    free(seen);
    doc_table_end(d, TR(d->zh, "Difference: from all other respondents, in points of 0-100; q: BH-adjusted."));
    doc_paraf(d, NULL, i18n_npick(d->zh, "%1$zu weak score in %2$zu %3$s.", "%1$zu weak scores in %2$zu %3$s.", n),
              n, units, doc_gnoun(d, units));
    say_finding(d, TR(d->zh, "The largest shortfall: "), largest(r, RES_F_WEAK_UNIT, "diff"));
}

/* Changes: declines first, then improvements; all respondents, then the
 * groups. */
static void changes_table(doc_t *d, const char *keep)
{
    const res_t *r = d->r;
    doc_table_begin(d, TR(d->zh, "Significant changes"), 6, doc_glabel(d), TR(d->zh, "dimension"),
                    doc_fwave(d, r->compare_wave), doc_fwave(d, r->wave), TR(d->zh, "change"), "q");
    size_t ndecl = 0, nimpr = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->nfindings; i++) {
            const res_finding_t *f = &r->findings[i];
            if (!keep[i] || f->kind != (pass ? RES_F_IMPROVED : RES_F_DECLINED) || f->dim < 0)
                continue;
            (pass ? &nimpr : &ndecl)[0]++;
            char *name = f->group < 0 ? util_xstrdup(TR(d->zh, "all respondents"))
                                      : doc_group_name(d, &r->groups[f->group]);
            doc_td(d, name, DOC_TEXT);
            free(name);
            doc_td(d, doc_dim_name(&r->dims[f->dim]), DOC_TEXT);
            doc_td(d, doc_fnum(d, findings_value(f, "mean0"), 1), DOC_NUM);
            doc_td(d, doc_fnum(d, findings_value(f, "mean"), 1), DOC_NUM);
            doc_td(d, doc_fsigned(d, findings_value(f, "diff"), 1), pass ? DOC_GOOD : DOC_WEAK);
            doc_td(d, doc_fp(d, findings_value(f, "q")), DOC_NUM);
        }
    doc_table_end(d, NULL);
    doc_paraf(d, NULL, TR(d->zh, "Declines: %zu; improvements: %zu."), ndecl, nimpr);
    say_finding(d, TR(d->zh, "The largest decline: "), largest(r, RES_F_DECLINED, "diff"));
}

/* The findings of one kind as a table with a sentence or two on what
 * matters most; the kinds without a table as sentences. */
static void findings_of(doc_t *d, res_fkind_t k, const char *keep, size_t m)
{
    switch (k) {
    case RES_F_WEAK_DIMENSION: weak_dims_table(d, keep); break;
    case RES_F_WEAK_UNIT: weak_units_table(d, keep, m); break;
    case RES_F_OVERCLAIM: gaps_table(d); break;
    case RES_F_DECLINED: changes_table(d, keep); break;
    case RES_F_POINTS_UNMATCHED: sec_points_findings(d, keep); break;
    default:
        doc_list_begin(d, "findings");
        for (size_t i = 0; i < d->r->nfindings; i++)
            if (keep[i]) {
                char *text = render_finding(d->r, &d->r->findings[i], d->zh);
                doc_list_item(d, text);
                free(text);
            }
        doc_list_end(d);
    }
}

static void write_findings(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    doc_section(d, "findings", TR(d->zh, "Main findings"));
    size_t total = 0;
    char *keep = util_xcalloc(r->nfindings + 1, 1), *keep2 = util_xcalloc(r->nfindings + 1, 1);
    for (size_t k = 0; k < sizeof fkinds / sizeof fkinds[0]; k++) {
        size_t n = 0;
        for (size_t i = 0; i < r->nfindings; i++)
            n += (r->findings[i].kind == fkinds[k].kind || r->findings[i].kind == fkinds[k].with) &&
                 doc_finding_shown(r, &r->findings[i]);
        if (!n)
            continue;
        size_t m = pick_findings(d, fkinds[k].kind, nshown, keep);
        if (fkinds[k].with != fkinds[k].kind) {
            m += pick_findings(d, fkinds[k].with, nshown, keep2);
            for (size_t i = 0; i < r->nfindings; i++)
                keep[i] |= keep2[i];
        }
        doc_subsection(d, TR(d->zh, fkinds[k].title));
        findings_of(d, fkinds[k].kind, keep, m);
        if (m < n && fkinds[k].kind == RES_F_WEAK_UNIT)
            doc_paraf(d, "note",
                  TR(d->zh, "With %1$zu such findings, the list shows %2$zu: those of the %3$ss with the largest "
                            "shortfalls. Every weak score is in the tables below and groups.csv."),
                  n, m, doc_glabel(d));
        else if (m < n)
            doc_paraf(d, "note",
                  TR(d->zh, "With %1$zu such findings, the list shows the first %2$zu. Every one is in the "
                            "tables below and the CSV files."),
                  n, m);
        total += n;
    }
    free(keep);
    free(keep2);
    if (!total)
        doc_paraf(d, NULL, TR(d->zh, "By this report's rules (BH-adjusted q < %g and a difference of at least "
                                 "%g points), no weak dimension, weak %s, self-vs-staff gap or significant "
                                 "change was found."),
              r->fdr, r->min_diff, doc_glabel(d));
}

static void write_dimensions(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    doc_section(d, "dimensions", TR(d->zh, "Dimensions"));
    doc_paraf(d, NULL, TR(d->zh, "Table %d gives each dimension's score and reliability; \"deviation\" is the mean "
                             "difference between a respondent's score on the dimension and that respondent's own "
                             "average over all dimensions: a significant negative value marks a dimension "
                             "people rate low relative to the rest. Table %d tests the differences between "
                             "%ss."),
          d->tab + 1, d->tab + 2, doc_glabel(d));
    /* xgettext:no-c-format */
    const char *ci = TR(d->zh, "95% CI");
    /* xgettext:no-c-format */
    const char *aci = TR(d->zh, "alpha (95% CI)");
    doc_table_begin(d, TR(d->zh, "Dimension scores and reliability"), 10, TR(d->zh, "dimension"), TR(d->zh, "n"),
                TR(d->zh, "mean"), TR(d->zh, "SD"), ci, aci, TR(d->zh, "rank"), TR(d->zh, "deviation"), "q",
                TR(d->zh, "verdict"));
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        doc_td(d, doc_dim_name(dm), DOC_TEXT);
        doc_td(d, doc_fcount(d, dm->n), DOC_NUM);
        doc_td(d, doc_fnum(d, dm->mean, 1), dm->weak ? DOC_WEAK : DOC_NUM);
        doc_td(d, doc_fnum(d, dm->sd, 1), DOC_NUM);
        doc_tdf(d, DOC_NUM, "%s–%s", doc_fnum(d, dm->ci_low, 1), doc_fnum(d, dm->ci_high, 1));
        doc_tdf(d, DOC_NUM, "%s (%s–%s)", doc_fnum(d, dm->alpha, 2), doc_fnum(d, dm->alpha_ci_low, 2),
            doc_fnum(d, dm->alpha_ci_high, 2));
        doc_tdf(d, DOC_NUM, "%d", dm->rank);
        doc_td(d, doc_fsigned(d, dm->deviation, 1), dm->weak ? DOC_WEAK : DOC_NUM);
        doc_td(d, doc_fp(d, dm->dev_q), DOC_NUM);
        doc_td(d, dm->weak ? TR(d->zh, "▼ weak") : "", dm->weak ? DOC_WEAK : DOC_TEXT);
    }
    doc_table_end(d, TR(d->zh, "Scores are 0-100 (POMP); q is the Benjamini-Hochberg adjusted p value; ▼ marks a "
                           "weak dimension."));

    doc_table_begin(d, TR(d->zh, "Differences between groups"), 9, TR(d->zh, "dimension"), TR(d->zh, "F (df)"),
                "p", "η²", "ω²", TR(d->zh, "Welch F (p)"), TR(d->zh, "Kruskal-Wallis H (p)"), "ICC(1)",
                "ICC(2)");
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        doc_td(d, doc_dim_name(dm), DOC_TEXT);
        doc_tdf(d, DOC_NUM, "%s (%s, %s)", doc_fnum(d, dm->f, 2), doc_fnum(d, dm->df_between, 0), doc_fnum(d, dm->df_within, 0));
        doc_td(d, doc_fp(d, dm->p_anova), DOC_NUM);
        doc_td(d, doc_fnum(d, dm->eta2, 3), DOC_NUM);
        doc_td(d, doc_fnum(d, dm->omega2, 3), DOC_NUM);
        doc_tdf(d, DOC_NUM, "%s (%s)", doc_fnum(d, dm->welch_f, 2), doc_fp(d, dm->welch_p));
        doc_tdf(d, DOC_NUM, "%s (%s)", doc_fnum(d, dm->kw_h, 1), doc_fp(d, dm->kw_p));
        doc_td(d, doc_fnum(d, dm->icc1, 3), DOC_NUM);
        doc_td(d, doc_fnum(d, dm->icc2, 3), DOC_NUM);
    }
    doc_table_end(d, TR(d->zh, "Between-group tests use every group, including those not shown; \"—\" means the "
                           "statistic could not be computed."));
    doc_figures(d, PLOT_LIKERT);
    doc_figures(d, PLOT_FUNNEL);
    if (d->plotdir && nshown < PLOT_FUNNEL_MIN_GROUPS)
        doc_paraf(d, "note",
              i18n_npick(d->zh, "There are no funnel plots: they compare %2$ss, and only %1$zu %2$s has at least %3$d "
                                "respondents.",
                         "There are no funnel plots: they compare %2$ss, and only %1$zu %2$ss have at least %3$d "
                         "respondents.",
                         nshown),
              nshown, doc_glabel(d), r->min_n);
}

/* One row of the units table: group G (name: its heading), its scores,
 * ▼ on a weak one; a hidden subtotal G shows dashes. */
static void units_row(doc_t *d, const res_group_t *G, const char *name)
{
    const res_t *r = d->r;
    doc_td(d, name, DOC_TEXT);
    if (!G->cells) {
        for (size_t j = 0; j < r->ndims + 2; j++)
            doc_td(d, "—", DOC_NUM);
        return;
    }
    doc_tdf(d, DOC_NUM, "%ld", G->n);
    doc_td(d, doc_fpct(d, G->response_rate), DOC_NUM);
    for (size_t j = 0; j < r->ndims; j++) {
        const res_cell_t *c = &G->cells[j];
        if (c->weak)
            doc_tdf(d, DOC_WEAK, "▼%s", doc_fnum(d, c->mean, 1));
        else
            doc_td(d, doc_fnum(d, c->mean, 1), DOC_NUM);
    }
}

static int in_category(const res_group_t *G, const char *cat)
{
    return cat ? G->category && strcmp(G->category, cat) == 0 : !G->category;
}

/* The table of groups x dimensions for the groups rows[0..nrows), with a
 * last row for all respondents; cap is the caption without its number.
 * By unit with the analysis by category at hand (r->rollup), the units
 * come category by category, each followed by its subtotal: the
 * category's own scores, over all its units' respondents (the hidden
 * units' too), shown when an analysis by category shows it. */
static void units_table(doc_t *d, const size_t *rows, size_t nrows, const char *cap, const char *note)
{
    const res_t *r = d->r, *cats = doc_by_unit(d) ? r->rollup : NULL;
    const char **heads = util_xcalloc(r->ndims + 3, sizeof *heads);
    char *by = doc_grouping(d);
    heads[0] = doc_by_unit(d) ? TR(d->zh, "unit") : by;
    heads[1] = TR(d->zh, "n");
    heads[2] = TR(d->zh, "response");
    for (size_t j = 0; j < r->ndims; j++)
        heads[j + 3] = doc_dim_name(&r->dims[j]);
    doc_table_begin_v(d, cap, (int)r->ndims + 3, heads);
    free(heads);
    free(by);
    size_t ncat = cats ? cats->ngroups : 0, hidden_sub = 0;
    for (size_t c = 0; c <= ncat; c++) {   /* c == ncat: the units of no category (all of them without cats) */
        const char *code = c < ncat ? cats->groups[c].code : NULL;
        size_t listed = 0;
        for (size_t k = 0; k < nrows; k++) {
            const res_group_t *G = &r->groups[rows[k]];
            if (cats && !in_category(G, code))
                continue;
            char *name = doc_group_name(d, G);
            units_row(d, G, name);
            free(name);
            listed++;
        }
        if (c < ncat && listed && cats->groups[c].n > 0) {
            char *name = util_fmt(TR(d->zh, "%s: subtotal"), cats->groups[c].name);
            units_row(d, &cats->groups[c], name);
            hidden_sub += !cats->groups[c].cells;
            free(name);
        }
    }
    doc_td(d, TR(d->zh, "all"), DOC_TEXT);
    doc_tdf(d, DOC_NUM, "%ld", r->respondents);
    doc_td(d, "", DOC_NUM);
    for (size_t j = 0; j < r->ndims; j++)
        doc_td(d, doc_fnum(d, r->dims[j].mean, 1), DOC_NUM);
    if (cats) {
        char *n2 = util_fmt(hidden_sub ? TR(d->zh, "%s A subtotal is its category's score over all its units' "
                                                   "respondents (units not shown included); — a category hidden "
                                                   "by the same rules as units.")
                                       : TR(d->zh, "%s A subtotal is its category's score over all its units' "
                                                   "respondents (units not shown included)."),
                            note);
        doc_table_end(d, n2);
        free(n2);
    } else {
        doc_table_end(d, note);
    }
}

/* Where a group's point lies in the funnel plot, by res_funnel_t. */
static const char *const funnel_pos[] = {N_("inside"), N_("below 95%"), N_("below 99.8%"), N_("above 95%"),
                                         N_("above 99.8%")};

/* The appendix with every group's scores, when the body shows only the
 * most notable (write_units): after the fixed ones (methods, anonymity,
 * items, the questions when counted, files). */
static int appendix_all(const res_t *r)
{
    return r->nquestions ? 6 : 5;
}

static void write_all_units(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    doc_appendix(d, appendix_all(r), "all-units",
             doc_by_unit(d) ? TR(d->zh, "Scores of every unit") : TR(d->zh, "Scores of every group"));
    size_t *rows = util_xcalloc(nshown + 1, sizeof *rows), nrows = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        if (doc_shown(r, i))
            rows[nrows++] = i;
    char *by = doc_grouping(d);
    char *cap = doc_by_unit(d) ? util_xstrdup(TR(d->zh, "Mean scores by unit and dimension"))
                           : util_fmt(TR(d->zh, "Mean scores by %s and dimension"), by);
    units_table(d, rows, nrows, cap, TR(d->zh, "▼ marks a weak score; \"all\" includes the respondents of "
                                               "groups not shown."));
    free(cap);
    free(by);
    free(rows);
}

static void write_units(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    char *by = doc_grouping(d);
    char *title = doc_by_unit(d) ? util_xstrdup(TR(d->zh, "Results by unit")) : util_fmt(TR(d->zh, "Results by %s"), by);
    doc_section(d, "units", title);
    free(title);
    if (!nshown || !r->ndims) {
        doc_paraf(d, NULL, TR(d->zh, "No %2$s reached %1$d respondents, so none is shown on its own."), r->min_n,
              doc_glabel(d));
        free(by);
        return;
    }
    doc_paraf(d, NULL, TR(d->zh, "Table %d gives each %s's mean score on each dimension; ▼ marks a score "
                             "significantly below all other respondents (Welch t test, BH-adjusted q < %g, "
                             "at least %g points lower)."),
          d->tab + 1, doc_glabel(d), r->fdr, r->min_diff);
    char *cap = doc_by_unit(d) ? util_xstrdup(TR(d->zh, "Mean scores by unit and dimension"))
                           : util_fmt(TR(d->zh, "Mean scores by %s and dimension"), by);
    free(by);
    /* Past PLOT_ROWS_MAX groups the table here, like the heatmap, holds the
     * most notable ones; every group is in an appendix and groups.csv. */
    size_t *rows = util_xcalloc(nshown + 1, sizeof *rows), nrows = 0;
    if (nshown > PLOT_ROWS_MAX) {
        nrows = plot_notable(r, rows, PLOT_ROWS_MAX, NULL);
        doc_paraf(d, NULL,
              TR(d->zh, "With %1$zu %2$ss, the table and the figure below show the %3$zu whose weak scores fall "
                        "furthest below all other respondents (the shortfalls summed over the dimensions); "
                        "Appendix %4$s and groups.csv give every %2$s."),
              nshown, doc_glabel(d), nrows, doc_appendix_no(d, appendix_all(r)));
        char *c2 = util_fmt(TR(d->zh, "%s: the %zu with the largest shortfalls"), cap, nrows);
        free(cap);
        cap = c2;
    } else {
        for (size_t i = 0; i < r->ngroups; i++)
            if (doc_shown(r, i))
                rows[nrows++] = i;
    }
    units_table(d, rows, nrows, cap, TR(d->zh, "▼ marks a weak score; \"all\" includes the respondents of "
                                               "groups not shown."));
    free(rows);
    free(cap);
    doc_figures(d, PLOT_HEATMAP);

    /* the weak cells in detail */
    size_t nweak = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        for (size_t j = 0; doc_shown(r, i) && j < r->ndims; j++)
            nweak += r->groups[i].cells[j].weak != 0;
    doc_subsection(d, TR(d->zh, "Weak scores in detail"));
    if (!nweak) {
        doc_paraf(d, NULL, TR(d->zh, "No %s scores significantly below all other respondents on any dimension."),
              doc_glabel(d));
    } else {
        doc_table_begin(d, TR(d->zh, "Weak scores"), 10, doc_glabel(d), TR(d->zh, "dimension"), TR(d->zh, "n"),
                    TR(d->zh, "mean"), TR(d->zh, "difference"), "t", "q", TR(d->zh, "shrunk"), "rwg(j)",
                    TR(d->zh, "funnel"));
        for (size_t i = 0; i < r->ngroups; i++) {
            if (!doc_shown(r, i))
                continue;
            for (size_t j = 0; j < r->ndims; j++) {
                const res_cell_t *c = &r->groups[i].cells[j];
                if (!c->weak)
                    continue;
                char *name = doc_group_name(d, &r->groups[i]);
                doc_td(d, name, DOC_TEXT);
                free(name);
                doc_td(d, doc_dim_name(&r->dims[j]), DOC_TEXT);
                doc_td(d, doc_fcount(d, c->n), DOC_NUM);
                doc_td(d, doc_fnum(d, c->mean, 1), DOC_WEAK);
                doc_td(d, doc_fsigned(d, c->diff, 1), DOC_WEAK);
                doc_td(d, doc_fnum(d, c->t, 2), DOC_NUM);
                doc_td(d, doc_fp(d, c->q), DOC_NUM);
                doc_td(d, doc_fnum(d, c->shrunk, 1), DOC_NUM);
                doc_td(d, doc_fnum(d, c->rwg_j, 2), DOC_NUM);
                doc_td(d, (unsigned)c->funnel < 5 ? TR(d->zh, funnel_pos[c->funnel]) : "", DOC_TEXT);
                doc_row_end(d);
            }
        }
        doc_table_end(d, TR(d->zh, "Difference: from all other respondents, in points of 0-100; \"shrunk\" is the "
                                   "empirical-Bayes shrunk mean; rwg(j) is within-group agreement (closer to 1, more "
                                   "agreement)."));
    }
    size_t nradar = 0, nflagged = 0;
    for (size_t i = 0; i < d->nplots; i++)
        nradar += d->plots[i].kind == PLOT_RADAR;
    plot_notable(r, NULL, 0, &nflagged);
    if (d->plotdir && nradar && nradar < nflagged)
        doc_paraf(d, NULL, TR(d->zh, "The radar plots below show the %1$zu %2$ss with the largest shortfalls; %3$zu "
                                 "%2$ss have at least one weak score (all of them in the tables above and "
                                 "groups.csv)."),
              nradar, doc_glabel(d), nflagged);
    doc_figures(d, PLOT_RADAR);
}

static void write_gaps(doc_t *d)
{
    const res_t *r = d->r;
    doc_section(d, "gaps", TR(d->zh, "Self-assessment and the staff's view"));
    size_t over = 0, under = 0, n = 0, units = 0;
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *g = &r->gaps[i];
        if (!doc_shown(r, g->group))
            continue;
        n++;
        over += g->flag == RES_OVERCLAIM;
        under += g->flag == RES_UNDERCLAIM;
    }
    for (size_t i = 0; i < r->ngroups; i++) {
        int has = 0;
        for (size_t k = 0; k < r->ngaps && !has; k++)
            has = r->gaps[k].group == i;
        units += has && doc_shown(r, i);
    }
    doc_paraf(d, NULL, TR(d->zh, "%zu units have both a self-assessment and staff responses: %zu unit x dimension "
                             "pairs. A self-assessment is one response, so it is compared with the range of one "
                             "staff member's score (95%% prediction interval): a self score above that range, "
                             "at least %g points higher, on a self-assessment that is high as a whole or "
                             "strikingly high on that dimension (see Methods), is an overclaim (%zu pairs); the "
                             "same below, an underclaim (%zu pairs). Overclaiming is what the research called "
                             "\"saying counts as doing, doing counts as doing well\"."),
          units, n, r->min_diff, over, under);
    if (over + under)
        doc_paraf(d, NULL, TR(d->zh, "Section %s (main findings) lists these pairs, the largest gaps first."),
                  doc_numeral(d, 2));
    doc_figures(d, PLOT_DUMBBELL);
}

static void write_changes(doc_t *d)
{
    const res_t *r = d->r;
    char *t = util_fmt(TR(d->zh, "Change since wave %s"), doc_fwave(d, r->compare_wave));
    doc_section(d, "changes", t);
    free(t);
    size_t npop = 0, nflag = 0;
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *c = &r->changes[i];
        if (c->group == -1)
            npop++;
        else if (c->group >= 0 && doc_shown(r, (size_t)c->group) && c->flag != RES_STABLE)
            nflag++;
    }
    if (!r->nchanges) {
        doc_paraf(d, NULL, TR(d->zh, "Wave %s holds no data to compare with."), doc_fwave(d, r->compare_wave));
        return;
    }
    doc_paraf(d, NULL, TR(d->zh, "Scores of this wave (%s) are compared with %s by Welch t tests; a change with "
                             "BH-adjusted q < %g and at least %g points is an improvement or a decline."),
          doc_fwave(d, r->wave), doc_fwave(d, r->compare_wave), r->fdr, r->min_diff);
    /* by res_changeflag_t */
    static const char *const verdict[] = {N_("stable"), N_("▲ improved"), N_("▼ declined")};
    if (npop) {
        doc_table_begin(d, TR(d->zh, "Change by dimension (all respondents)"), 7, TR(d->zh, "dimension"),
                    doc_fwave(d, r->compare_wave), doc_fwave(d, r->wave), TR(d->zh, "change"), "t", "q",
                    TR(d->zh, "verdict"));
        for (size_t i = 0; i < r->nchanges; i++) {
            const res_change_t *c = &r->changes[i];
            if (c->group != -1 || c->dim >= r->ndims)
                continue;
            int k = c->flag == RES_DECLINED ? DOC_WEAK : c->flag == RES_IMPROVED ? DOC_GOOD : DOC_NUM;
            doc_td(d, doc_dim_name(&r->dims[c->dim]), DOC_TEXT);
            doc_tdf(d, DOC_NUM, "%s (n=%s)", doc_fnum(d, c->mean0, 1), doc_fcount(d, c->n0));
            doc_tdf(d, DOC_NUM, "%s (n=%s)", doc_fnum(d, c->mean1, 1), doc_fcount(d, c->n1));
            doc_td(d, doc_fsigned(d, c->diff, 1), k);
            doc_td(d, doc_fnum(d, c->t, 2), DOC_NUM);
            doc_td(d, doc_fp(d, c->q), DOC_NUM);
            doc_td(d, TR(d->zh, verdict[c->flag % 3]), k == DOC_NUM ? DOC_TEXT : k);
        }
        doc_table_end(d, NULL);
    }
    doc_figures(d, PLOT_CHANGE);
    if (nflag) {
        doc_paraf(d, NULL, TR(d->zh, "Section %s (main findings) lists the significant changes; every comparison "
                                     "is in changes.csv."),
                  doc_numeral(d, 2));
    } else {
        doc_paraf(d, NULL, TR(d->zh, "No %s changed significantly on any dimension."), doc_glabel(d));
    }
}

static void write_comments(doc_t *d)
{
    const res_t *r = d->r;
    size_t any = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        if (doc_shown(r, i))
            any += r->groups[i].ncomments;
    if (!any)
        return;
    doc_section(d, "comments", TR(d->zh, "Staff comments"));
    doc_paraf(d, "note", TR(d->zh, "Verbatim answers to the open question, quoted only for units of at least %1$d "
                               "respondents, at most %2$d per unit, in an order set by their text alone (not "
                               "the order they came in)."),
          r->comment_min, RES_COMMENTS_KEPT);
    for (size_t i = 0; i < r->ngroups; i++) {
        const res_group_t *g = &r->groups[i];
        if (!doc_shown(r, i) || !g->ncomments)
            continue;
        /* Chinese: "市委办公室（U01）" after the heading's "1.", as the
         * findings name a unit; "1.U01 市委办公室" reads as one number */
        int units = !r->group_by || strcmp(r->group_by, "unit") == 0;
        char *name = d->zh && units && g->name && *g->name && g->code && strcmp(g->code, g->name) != 0
                         ? util_fmt(TR(d->zh, "%s (%s)"), g->name, g->code)
                         : doc_group_name(d, g);
        doc_minor_heading(d, name);
        free(name);
        doc_list_begin(d, "comments");
        for (size_t k = 0; k < g->ncomments; k++)
            if (g->comments[k] && !doc_names_hidden(d, g->comments[k]))
                doc_list_item(d, g->comments[k]);
        doc_list_end(d);
    }
}

static void write_methods(doc_t *d, int n)
{
    const res_t *r = d->r;
    doc_appendix(d, n, "methods", TR(d->zh, "Methods"));
    doc_list_begin(d, "methods");
    doc_list_item(d, TR(d->zh, "Scoring (POMP): Likert items are scored by their choice codes (1-5 on a five-point "
                           "scale); reversed items become min + max - x. A respondent's dimension score is the "
                           "mean of the items answered in that dimension, rescaled to 0-100: 100 x (mean - "
                           "min) / (max - min). It is missing when fewer than half of the dimension's items "
                           "are answered. Bonus and deduction points are summed separately and never mixed "
                           "into the 0-100 score."));
    doc_list_item(d, TR(d->zh, "Item statistics (n, mean, SD) describe the answers as given, before reversal; "
                           "everything else uses the reversed scores."));
    doc_list_item(d, TR(d->zh, "Confidence intervals of means are t intervals (95%). Where everyone in a group gave "
                           "the same score there is no interval (R's t.test refuses such \"essentially "
                           "constant\" data); a warning says so."));
    /* xgettext:no-c-format */
    doc_list_item(d, TR(d->zh, "Reliability, on respondents who answered every item of the dimension: Cronbach's "
                           "alpha = k/(k-1) x (1 - sum of item variances / variance of the total), "
                           "standardised alpha and the average inter-item correlation, with Feldt's 95% "
                           "interval for alpha (F distribution); per item the corrected item-total correlation "
                           "and alpha if the item is dropped. Below 0.70, conclusions on the dimension need "
                           "care."));
    doc_list_item(d, TR(d->zh, "Differences between groups: one-way ANOVA of respondents' scores with F, p, eta "
                           "squared (between sum of squares / total) and omega squared = max(0, (SSB - dfB x "
                           "MSW) / (SST + MSW)); Welch's ANOVA, which does not assume equal variances; and the "
                           "Kruskal-Wallis test with tie correction, which does not assume normality. These use "
                           "the published blocks: every shown group, and one block pooling the hidden groups "
                           "with the respondents in no group, so that no hidden group's mean can be solved from "
                           "them."));
    doc_list_item(d, TR(d->zh, "Intraclass correlation: ICC(1) = (MSB - MSW) / (MSB + (k-1) MSW), the share of "
                           "score variance that lies between groups; ICC(2) = (MSB - MSW) / MSB, the "
                           "reliability of group means; k is the mean block size, over the same blocks as the "
                           "ANOVA. A statistic that cannot be computed is shown as \"—\", and the warnings "
                           "say why."));
    doc_list_itemf(d, TR(d->zh, "Weak dimension: for each respondent, the score on the dimension minus that "
                            "respondent's mean over the other dimensions (respondents with no other scored "
                            "dimension are left out); a one-sample t test of the mean difference against 0; p "
                            "values adjusted across dimensions by Benjamini-Hochberg (BH) into q values. Weak "
                            "when q < %g and the mean difference is at most -%g points. This compares how the "
                            "same people rate different dimensions, so lenient or strict raters do not matter."),
               r->fdr, r->min_diff);
    doc_list_itemf(d, TR(d->zh, "Weak group: for each shown group x dimension, a Welch t test of the group's "
                            "scores against all other respondents' (those of groups not shown included), "
                            "BH-adjusted over every tested pair; weak when q < %g and the group is at least %g "
                            "points lower."),
               r->fdr, r->min_diff);
    doc_list_item(d, TR(d->zh, "Within-group agreement rwg(j): on the dimension's items as answered, missing answers "
                           "dropped per item; J counts the items answered at least twice in the group; each "
                           "item's variance is divided by its own scale's null variance (A^2 - 1)/12 for an "
                           "A-point list, and the mean ratio is truncated at 1. Closer to 1 means more "
                           "agreement; with no such item there is no value."));
    doc_list_item(d, TR(d->zh, "Shrinkage (empirical Bayes): small groups' means are noisy, so a shrunk mean is "
                           "given too: grand + B x (mean - grand), B = tau^2 / (tau^2 + MSW/n), tau^2 = max(0, "
                           "(MSB - MSW) / k), grand = the mean of all respondents' scores."));
    doc_list_item(d, TR(d->zh, "Funnel plots: limits grand +/- z x sqrt(MSW/n + tau^2) (Spiegelhalter 2005) with z "
                           "= 1.96 (95%) and 3.09 (99.8%), drawn as curves over n; groups outside are labelled. "
                           "Where tau^2 or MSW is undefined (a single block) there is no position."));
    doc_list_itemf(d, TR(d->zh, "Self vs staff: a unit's self-assessment (same wave, a self-assessment form with "
                            "the same dimension codes) is scored the same way; gap = self score - staff mean. "
                            "A self score is one response, so it is judged against the spread of one staff "
                            "member's score: the 95%% prediction interval mean +/- t x SD x sqrt(1 + 1/n), the "
                            "single-case test of Crawford & Howell (1998), not the much narrower interval of "
                            "the staff mean. A dimension is an overclaim when the self score lies above that "
                            "interval, the gap is at least %g points, and either the self-assessment's mean "
                            "over the dimensions also lies above the interval of one staff member's mean, or "
                            "the dimension's own test stays below 0.05 after Holm's correction over the unit's "
                            "dimensions; an underclaim symmetrically; else consistent. With no spread among "
                            "the staff there is no flag. On simulated cities with no real gap this flags about "
                            "1%% of unit x dimension pairs."),
               r->min_diff);
    if (isfinite(r->gap_detect.dim))
        doc_list_itemf(d, TR(d->zh, "What one response can show: for a unit of %.0f staff (the median here), whose "
                                "scores on a dimension spread with SD %.1f, a self score is flagged only when it "
                                "lies at least %.1f points from the staff mean and the self-assessment's mean "
                                "over the dimensions lies at least %.1f points from the staff's (SD %.1f), or "
                                "at least %.1f points on that dimension alone. Smaller gaps may be real but "
                                "cannot be told from one person's own view."),
                   r->gap_detect.n, r->gap_detect.sd, r->gap_detect.dim, r->gap_detect.overall,
                   r->gap_detect.sd_overall, r->gap_detect.alone);
    doc_list_itemf(d, TR(d->zh, "Change between waves: per dimension (all respondents) and per group x dimension, "
                            "a Welch t test of this wave against the earlier one, BH-adjusted; improved or "
                            "declined when q < %g and the change is at least %g points."),
               r->fdr, r->min_diff);
    qualdoc_methods(d);
    sec_method_items(d);
    doc_list_item(d, TR(d->zh, "BH adjustment controls the false discovery rate: among results called significant, "
                           "the expected share of false ones stays below the chosen level."));
    doc_list_item(d, TR(d->zh, "Precision: the tables and the CSV files round scores to 2 decimals, test "
                           "statistics to 2, correlations and effect sizes to 3, p and q values to 3 "
                           "significant digits; analyze --json keeps full precision for programs."));
    doc_list_end(d);
    doc_paraf(d, NULL, TR(d->zh, "Settings of this analysis: minimum group size %d, minimum difference %g points, "
                             "false discovery rate %g."),
          r->min_n, r->min_diff, r->fdr);
}

static void write_anonymity(doc_t *d, int n)
{
    const res_t *r = d->r;
    doc_appendix(d, n, "anonymity", TR(d->zh, "Anonymity"));
    doc_paraf(d, NULL,
          i18n_npick(d->zh,
                     "The minimum group size of this report is %1$d: a %3$s with fewer respondents has no "
                     "score, plot point, finding or comment anywhere; if such %3$ss together hold fewer than "
                     "%1$d respondents, the next smallest %3$s is hidden too, so that no %3$s can be recovered "
                     "by subtraction. %2$zu %3$s was hidden this way (which one is not said); its respondents "
                     "still count in population figures and between-group tests.",
                     "The minimum group size of this report is %1$d: a %3$s with fewer respondents has no "
                     "score, plot point, finding or comment anywhere; if such %3$ss together hold fewer than "
                     "%1$d respondents, the next smallest %3$s is hidden too, so that no %3$s can be recovered "
                     "by subtraction. %2$zu %3$ss were hidden this way (which ones is not said); their "
                     "respondents still count in population figures and between-group tests.",
                     r->nsuppressed),
          r->min_n, r->nsuppressed, doc_glabel(d));
    doc_paraf(d, NULL,
          TR(d->zh, "Comments are quoted only under units of at least %1$d respondents (never fewer than the "
                    "minimum group size), at most %2$d per unit, in an order set by their text alone; never "
                    "under groups of another grouping (position, party...), where the same comment under a "
                    "unit would name its author as one of the few in both. No token, IP address or time of "
                    "day is stored with an answer, only the date."),
          r->comment_min, RES_COMMENTS_KEPT);
    doc_paraf(d, NULL,
          TR(d->zh, "Statistics across groups (ANOVA, Welch, Kruskal-Wallis, ICC, eta and omega squared) "
                    "treat the hidden %1$ss and the respondents in no %1$s as one pooled block, so that no "
                    "hidden %1$s's mean can be solved from them. A comparison with an earlier wave hides "
                    "the same way in that wave (minimum group size, complement and differencing), and a "
                    "%1$s hidden in either wave has no change."),
          doc_glabel(d));
    if (r->nquestions || r->crosstab)
        doc_paraf(d, NULL,
                  TR(d->zh, "Counts of answers follow the same rules: per group they are given for shown groups "
                            "only; the whole population's are given as they are, except that the answers of a "
                            "question that is itself the grouping (or names the units) show no hidden group's "
                            "size. In a cross-tabulation every cell of 1-%1$d respondents, and every cell of a row "
                            "or column that small, is suppressed, then more until no row or column has a single "
                            "suppressed cell or suppressed cells summing to fewer than %2$d; the chi-square test "
                            "uses only what the published totals already give."),
                  r->min_n - 1, r->min_n);
}

static void write_items(doc_t *d, int n)
{
    const res_t *r = d->r;
    doc_appendix(d, n, "items", TR(d->zh, "Item scores and reliability"));
    doc_para(d, "note", TR(d->zh, "Means and SDs are of the answers as given (before reversal); the corrected "
                                  "item-total correlation and alpha if dropped use reversed scores."));
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        if (!dm->nitems)
            continue;
        doc_table_begin(d, doc_dim_name(dm), 7, TR(d->zh, "item"), TR(d->zh, "text"), TR(d->zh, "n"), TR(d->zh, "mean"),
                    TR(d->zh, "SD"), TR(d->zh, "r.drop"), TR(d->zh, "alpha if dropped"));
        for (size_t i = 0; i < dm->nitems; i++) {
            const res_item_t *it = &dm->items[i];
            doc_tdf(d, DOC_TEXT, "%s%s", it->name, it->reverse ? TR(d->zh, " (R)") : "");
            doc_td(d, it->label ? it->label : "", DOC_TEXT);
            doc_td(d, doc_fcount(d, it->n), DOC_NUM);
            doc_td(d, doc_fnum(d, it->mean, 2), DOC_NUM);
            doc_td(d, doc_fnum(d, it->sd, 2), DOC_NUM);
            doc_td(d, doc_fnum(d, it->r_drop, 2), DOC_NUM);
            doc_td(d, doc_fnum(d, it->alpha_if_dropped, 2), DOC_NUM);
        }
        doc_table_end(d, NULL);
    }
}

static void write_files(doc_t *d, int n, const char *plot_note)
{
    const res_t *r = d->r;
    doc_appendix(d, n, "files", TR(d->zh, "Data files and plots"));
    doc_list_begin(d, NULL);
    doc_list_item(d, TR(d->zh, "dimensions.csv (dimensions), groups.csv (groups x dimensions; no scores of hidden "
                           "groups), items.csv (items), gaps.csv (self vs staff), changes.csv (between waves): "
                           "UTF-8 with a BOM, so Excel and WPS open them directly."));
    if (r->points)
        doc_list_item(d, TR(d->zh, "points.csv (bonus and deduction points per unit and type), points_vs_staff.csv "
                                   "(their Spearman correlation with the staff's scores)."));
    if (r->nquestions)
        doc_list_item(d, TR(d->zh, "questions.csv: every question counted, for everyone and per shown group (a row "
                                   "per choice)."));
    if (r->crosstab)
        doc_list_item(d, TR(d->zh, "crosstab.csv: the cross-tabulation (suppressed cells empty)."));
    if (d->nplots)
        doc_list_item(d, TR(d->zh, "plots/: every figure as PNG and SVG with its gnuplot script (.gp) and data (.dat); "
                               "edit a script and run gnuplot NAME.gp in that directory to re-draw it."));
    doc_list_end(d);
    if (plot_note)
        doc_para(d, "warn", plot_note);
    if (r->nwarnings) {   /* about dimensions and counts: none names a group */
        doc_subsection(d, TR(d->zh, "Warnings from the analysis"));
        doc_list_begin(d, "warnings");
        for (size_t i = 0; i < r->nwarnings; i++) {
            /* the terminal's warning is a clause; here each is a sentence */
            char *text = render_warning(r, &r->warnings[i], d->zh);
            /* TRANSLATORS: a warning made a sentence: its full stop */
            char *sentence = util_fmt(TR(d->zh, "%s."), text);
            doc_list_item(d, sentence);
            free(sentence);
            free(text);
        }
        doc_list_end(d);
    }
}

/* ---- files ---- */

/* A report is replaced whole: whoever has report.html open, or a crash
 * halfway, sees the old file or the new one. */
static int save(const char *dir, const char *name, const util_buf_t *b, err_t *err)
{
    char *path = util_fmt("%s/%s", dir, name);
    int rc = fs_write_atomic(path, b->s, b->len, err);
    free(path);
    return rc;
}

int report_write_formats(const res_t *r, const char *dir, unsigned formats, int with_plots, plot_progress_fn fn,
                         void *arg, err_t *plot_err, err_t *err)
{
    doc_t d = {.r = r};
    int rc = -1;
    plot_t *plots = NULL;
    size_t nplots = 0;
    err_t perr = {0};
    char *plotdir = util_fmt("%s/plots", dir), *plot_note = NULL;
    char *title = NULL, *subtitle = NULL;
    d.zh = r->lang && strcmp(r->lang, "zh") == 0;
    if (formats & REPORT_DOCX)
        d.x = docx_new(d.zh);
    if (fs_mkdir_p(dir, err) != 0)
        goto cleanup;
    if (render_csv(r, dir, err) != 0)
        goto cleanup;
    if (!with_plots && plot_clear(plotdir, err) != 0)   /* no stale plots of an earlier run */
        goto cleanup;
    if (with_plots) {
        if (plot_all_progress(r, plotdir, fn, arg, &plots, &nplots, &perr) != 0) {
            plot_note = util_fmt(nplots ? TR(d.zh, "Some plots could not be drawn: %s")
                                        : TR(d.zh, "This report has no plots: %s"),
                                 perr.msg ? perr.msg : TR(d.zh, "gnuplot failed"));
        }
        d.plotdir = plotdir;
        d.plots = plots;
        d.nplots = nplots;
    }

    d.hide = util_xcalloc(2 * r->ngroups + 1, sizeof *d.hide);
    size_t nshown = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (doc_shown(r, i)) {
            nshown++;
            continue;
        }
        if (r->groups[i].code)
            d.hide[d.nhide++] = r->groups[i].code;
        if (r->groups[i].name)
            d.hide[d.nhide++] = r->groups[i].name;
    }
    /* the date and the waves as a reader names them: "2026年" in Chinese */
    const char *today = doc_ftoday(&d);
    const char *wave = doc_fwave(&d, r->wave), *wave0 = doc_fwave(&d, r->compare_wave);
    title = util_fmt(TR(d.zh, "%s: survey report"), r->form_title ? r->form_title : TR(d.zh, "Survey"));
    subtitle = r->compare_wave ? util_fmt(TR(d.zh, "Wave %s, compared with %s. Written %s."), wave, wave0, today)
                               : util_fmt(TR(d.zh, "Wave %s. Written %s."), wave, today);
    doc_head(&d, title, subtitle);
    for (size_t i = 0; i < r->nwarnings; i++)
        if (r->warnings[i].kind == RES_W_SMALL_MIN_N) {   /* on the first page, where it cannot be missed */
            char *text = render_warning(r, &r->warnings[i], d.zh);
            doc_para(&d, "warn", text);
            free(text);
        }
    if (plot_note)
        doc_para(&d, "warn", plot_note);
    else if (!with_plots)
        doc_para(&d, "note", TR(d.zh, "Plots were not requested for this report."));
    write_overview(&d, nshown);
    write_findings(&d, nshown);
    write_dimensions(&d, nshown);
    write_units(&d, nshown);
    if (r->ngaps)
        write_gaps(&d);
    sec_points(&d);
    if (r->compare_wave)
        write_changes(&d);
    qualdoc_priorities(&d);
    qualdoc_measurement(&d);
    sec_crosstab(&d);
    write_comments(&d);
    write_methods(&d, 1);
    write_anonymity(&d, 2);
    write_items(&d, 3);
    sec_questions(&d, 4);
    write_files(&d, r->nquestions ? 5 : 4, plot_note);
    if (nshown > PLOT_ROWS_MAX && r->ndims)
        write_all_units(&d, nshown);
    doc_end(&d);
    if (((formats & REPORT_HTML) && save(dir, "report.html", &d.h, err) != 0) ||
        ((formats & REPORT_MD) && save(dir, "report.md", &d.m, err) != 0))
        goto cleanup;
    if (d.x) {
        char *path = util_fmt("%s/report.docx", dir);
        int bad = docx_save(d.x, path, title, err);
        free(path);
        if (bad)
            goto cleanup;
    }
    if (plot_note) {
        if (perr.code == ERR_OK)
            err_set(&perr, ERR_FAIL, "%s", plot_note);
        err_move(plot_err, &perr);
    }
    rc = 0;
cleanup:
    util_buf_free(&d.h);
    util_buf_free(&d.m);
    docx_free(d.x);
    free(d.hide);
    plot_list_free(plots, nplots);
    free(plotdir);
    err_clear(&perr);
    free(plot_note);
    free(title);
    free(subtitle);
    return rc;
}

int report_write_progress(const res_t *r, const char *dir, int with_plots, plot_progress_fn fn, void *arg,
                          err_t *plot_err, err_t *err)
{
    return report_write_formats(r, dir, REPORT_HTML | REPORT_MD, with_plots, fn, arg, plot_err, err);
}

int report_write(const res_t *r, const char *dir, int with_plots, err_t *plot_err, err_t *err)
{
    return report_write_progress(r, dir, with_plots, NULL, NULL, plot_err, err);
}
