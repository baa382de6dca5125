/*
 * feedback: the report for one unit (feedback.h), written with the pieces
 * of doc.h to HTML, Word and Markdown at once.
 *
 * What keeps other units out: the city appears only as all respondents
 * (the dimension means of the res_t) and as a rank among the units shown;
 * the findings, plots and tables of the full report, which name units,
 * are not used (its own priority matrix excepted, drawn for it alone);
 * and every other group's code and name is on the hide list, so a staff
 * comment naming one is dropped.
 */
#include "analysis/report/feedback.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/report/doc.h"
#include "analysis/report/plot.h"
#include "analysis/report/qualdoc.h"
#include "analysis/report/render.h"
#include "analysis/report/report.h"
#include "analysis/report/sections.h"
#include "base/fs.h"
#include "base/i18n.h"

/* Rank of group g on dimension j among the shown groups (1 = highest
 * mean); *of gets how many were ranked.  0 when g has no mean. */
static size_t rank_of(const res_t *r, size_t g, size_t j, size_t *of)
{
    double m = r->groups[g].cells[j].mean;
    size_t above = 0, n = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (!doc_shown(r, i) || !isfinite(r->groups[i].cells[j].mean))
            continue;
        n++;
        above += r->groups[i].cells[j].mean > m;
    }
    *of = n;
    return isfinite(m) ? above + 1 : 0;
}

static void overview(doc_t *d, size_t g, size_t nshown)
{
    const res_t *r = d->r;
    const res_group_t *G = &r->groups[g];
    char *name = doc_group_name(d, G);
    doc_section(d, "overview", TR(d->zh, "Overview"));
    doc_paraf(d, NULL,
              TR(d->zh, "This report gives the results of %1$s in wave %2$s of the %3$s: %4$ld respondents. "
                        "It compares the unit with the whole city (%5$ld respondents; %6$zu units are reported one "
                        "by one) and names no other unit."),
              name, doc_fwave(d, r->wave), r->form_title ? r->form_title : TR(d->zh, "survey"), G->n,
              r->respondents, nshown);
    if (G->rate_basis == RES_RATE_INVITED && isfinite(G->response_rate))
        doc_paraf(d, NULL, TR(d->zh, "Response rate: %1$s of the %2$s invited."), doc_fpct(d, G->response_rate),
                  doc_fcount(d, G->invited));
    else if (G->rate_basis == RES_RATE_HEADCOUNT && isfinite(G->response_rate))
        doc_paraf(d, NULL, TR(d->zh, "Response rate: %1$s of the unit's headcount of %2$s."),
                  doc_fpct(d, G->response_rate), doc_fcount(d, G->invited));
    free(name);
}

static void scores(doc_t *d, size_t g)
{
    const res_t *r = d->r;
    const res_group_t *G = &r->groups[g];
    doc_section(d, "scores", TR(d->zh, "Scores against the city"));
    /* xgettext:no-c-format */
    const char *ci = TR(d->zh, "95% CI");
    /* xgettext:no-c-format (one comment marks one string) */
    const char *city = TR(d->zh, "city (95% CI)");
    doc_table_begin(d, TR(d->zh, "The unit's scores and the city's"), 7, TR(d->zh, "dimension"), TR(d->zh, "mean"),
                    ci, city, TR(d->zh, "difference"), "q", TR(d->zh, "rank"));
    char *weak = NULL;   /* the weak dimensions, a list */
    for (size_t j = 0; j < r->ndims; j++) {
        const res_cell_t *c = &G->cells[j];
        const res_dim_t *dm = &r->dims[j];
        size_t of, rk = rank_of(r, g, j, &of);
        doc_td(d, doc_dim_name(dm), DOC_TEXT);
        if (c->weak)
            doc_tdf(d, DOC_WEAK, "▼%s", doc_fnum(d, c->mean, 1));
        else
            doc_td(d, doc_fnum(d, c->mean, 1), DOC_NUM);
        doc_tdf(d, DOC_NUM, "%s–%s", doc_fnum(d, c->ci_low, 1), doc_fnum(d, c->ci_high, 1));
        doc_tdf(d, DOC_NUM, "%s (%s–%s)", doc_fnum(d, dm->mean, 1), doc_fnum(d, dm->ci_low, 1),
                doc_fnum(d, dm->ci_high, 1));
        doc_td(d, doc_fsigned(d, c->diff, 1), c->weak ? DOC_WEAK : DOC_NUM);
        doc_td(d, doc_fp(d, c->q), DOC_NUM);
        if (rk)
            doc_tdf(d, DOC_NUM, "%zu / %zu", rk, of);
        else
            doc_td(d, "—", DOC_NUM);
        if (c->weak) {
            char *longer = weak ? util_fmt(TR(d->zh, "%s, %s"), weak, doc_dim_name(dm))
                                : util_xstrdup(doc_dim_name(dm));
            free(weak);
            weak = longer;
        }
    }
    doc_table_end(d, TR(d->zh, "Difference: from all other respondents, in points of 0-100; q: BH-adjusted; rank "
                               "among the units shown, 1 the highest; ▼ a weak score."));
    if (weak)
        doc_paraf(d, NULL, TR(d->zh, "Weak (significantly below all other respondents): %s."), weak);
    else
        doc_para(d, NULL, TR(d->zh, "No score of the unit is significantly below all other respondents."));
    free(weak);
}

/* The items of the dimensions that are weak for the unit or the city:
 * what those dimensions ask, the unit's mean answer to each against the
 * city's, the item furthest below named. */
static void weak_items(doc_t *d, size_t g)
{
    const res_t *r = d->r;
    const res_group_t *G = &r->groups[g];
    size_t n = 0;
    for (size_t j = 0; j < r->ndims; j++)
        n += (G->cells[j].weak || r->dims[j].weak) && r->dims[j].nitems;
    if (!n)
        return;
    doc_section(d, "weak", TR(d->zh, "Weak dimensions and their items"));
    doc_para(d, NULL, TR(d->zh, "The dimensions that are weak for the unit (▼ above) or for the whole city, with "
                                "the questions they are made of and the mean answer to each, the unit's against "
                                "the city's (answers as given, 1-5: on a reversed item a lower answer is the "
                                "better one)."));
    for (size_t j = 0, k0 = 0; j < r->ndims; k0 += r->dims[j].nitems, j++) {
        const res_dim_t *dm = &r->dims[j];
        if (!(G->cells[j].weak || dm->weak) || !dm->nitems)
            continue;
        doc_table_begin(d, doc_dim_name(dm), 5, TR(d->zh, "item"), TR(d->zh, "text"), TR(d->zh, "unit mean"),
                        TR(d->zh, "city mean"), TR(d->zh, "against the city"));
        const res_item_t *worst = NULL;
        double wd = 0;
        for (size_t i = 0; i < dm->nitems; i++) {
            const res_item_t *it = &dm->items[i];
            double um = G->item_means ? G->item_means[k0 + i] : NAN;
            /* the difference in the scored direction: below the city is worse */
            double diff = (um - it->mean) * (it->reverse ? -1 : 1);
            doc_tdf(d, DOC_TEXT, "%s%s", it->name, it->reverse ? TR(d->zh, " (R)") : "");
            doc_td(d, it->label ? it->label : "", DOC_TEXT);
            doc_td(d, doc_fnum(d, um, 2), DOC_NUM);
            doc_td(d, doc_fnum(d, it->mean, 2), DOC_NUM);
            doc_td(d, doc_fsigned(d, diff, 2), diff <= -0.3 ? DOC_WEAK : DOC_NUM);
            if (isfinite(diff) && diff <= -0.3 && diff < wd) {
                wd = diff;
                worst = it;
            }
        }
        doc_table_end(d, TR(d->zh, "Difference: the unit's mean less the city's, in the scored direction "
                                   "(reversed items turned round); below -0.3 marked."));
        if (worst)
            doc_paraf(d, NULL, TR(d->zh, "Furthest below the city: %s (%s)."), worst->name, worst->label);
    }
}

static void gaps(doc_t *d, size_t g)
{
    const res_t *r = d->r;
    size_t n = 0;
    for (size_t i = 0; i < r->ngaps; i++)
        n += r->gaps[i].group == g;
    if (!n)
        return;
    doc_section(d, "gaps", TR(d->zh, "Self-assessment and the staff's view"));
    /* xgettext:no-c-format */
    const char *staff = TR(d->zh, "staff (95% range)");
    doc_table_begin(d, TR(d->zh, "The unit's self-assessment and its staff's view"), 5, TR(d->zh, "dimension"),
                    TR(d->zh, "self"), staff, TR(d->zh, "gap"), TR(d->zh, "verdict"));
    size_t over = 0;
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *gp = &r->gaps[i];
        if (gp->group != g || gp->dim >= r->ndims)
            continue;
        int k = gp->flag == RES_OVERCLAIM ? DOC_WEAK : gp->flag == RES_UNDERCLAIM ? DOC_GOOD : DOC_NUM;
        over += gp->flag == RES_OVERCLAIM;
        doc_td(d, doc_dim_name(&r->dims[gp->dim]), DOC_TEXT);
        doc_td(d, doc_fnum(d, gp->self, 1), DOC_NUM);
        doc_tdf(d, DOC_NUM, "%s (%s–%s)", doc_fnum(d, gp->staff, 1), doc_fnum(d, gp->pi_low, 1),
                doc_fnum(d, gp->pi_high, 1));
        doc_td(d, doc_fsigned(d, gp->gap, 1), k);
        doc_td(d, gp->flag == RES_OVERCLAIM    ? TR(d->zh, "▲ overclaim")
                  : gp->flag == RES_UNDERCLAIM ? TR(d->zh, "underclaim")
                                               : TR(d->zh, "consistent"),
               k == DOC_NUM ? DOC_TEXT : k);
    }
    doc_table_end(d, NULL);
    if (over)
        doc_paraf(d, NULL,
                  TR(d->zh, "The self-assessment is one response, so it is set against the range of one staff "
                            "member's score (95%% prediction interval). It is above that range, by at least %g "
                            "points, and high beyond chance (see the methods of the city report), on %zu "
                            "dimensions: what the research called \"saying counts as doing\"."),
                  r->min_diff, over);
    else   /* no overclaim: the research's phrase would accuse the unit of nothing */
        doc_paraf(d, NULL,
                  TR(d->zh, "The self-assessment is one response, so it is set against the range of one staff "
                            "member's score (95%% prediction interval). On no dimension is it above that range by "
                            "at least %g points beyond chance."),
                  r->min_diff);
}

static void changes(doc_t *d, size_t g)
{
    const res_t *r = d->r;
    if (!r->compare_wave)
        return;
    char *t = util_fmt(TR(d->zh, "Change since wave %s"), doc_fwave(d, r->compare_wave));
    doc_section(d, "changes", t);
    free(t);
    size_t n = 0;
    for (size_t i = 0; i < r->nchanges; i++)
        n += r->changes[i].group == (long)g;
    if (!n) {
        doc_paraf(d, NULL, TR(d->zh, "Wave %s holds no data to compare with."), doc_fwave(d, r->compare_wave));
        return;
    }
    static const char *const verdict[] = {N_("stable"), N_("▲ improved"), N_("▼ declined")};
    doc_table_begin(d, TR(d->zh, "The unit's change by dimension"), 6, TR(d->zh, "dimension"),
                    doc_fwave(d, r->compare_wave), doc_fwave(d, r->wave), TR(d->zh, "change"), "q",
                    TR(d->zh, "verdict"));
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *c = &r->changes[i];
        if (c->group != (long)g || c->dim >= r->ndims)
            continue;
        int k = c->flag == RES_DECLINED ? DOC_WEAK : c->flag == RES_IMPROVED ? DOC_GOOD : DOC_NUM;
        doc_td(d, doc_dim_name(&r->dims[c->dim]), DOC_TEXT);
        doc_td(d, doc_fnum(d, c->mean0, 1), DOC_NUM);
        doc_td(d, doc_fnum(d, c->mean1, 1), DOC_NUM);
        doc_td(d, doc_fsigned(d, c->diff, 1), k);
        doc_td(d, doc_fp(d, c->q), DOC_NUM);
        doc_td(d, TR(d->zh, verdict[c->flag % 3]), k == DOC_NUM ? DOC_TEXT : k);
    }
    doc_table_end(d, NULL);
}

static void comments(doc_t *d, size_t g)
{
    const res_group_t *G = &d->r->groups[g];
    if (!G->ncomments)
        return;
    doc_section(d, "comments", TR(d->zh, "Staff comments"));
    doc_paraf(d, "note", TR(d->zh, "Verbatim answers to the open question (at most %d); a comment that names "
                                   "another unit is left out."),
              RES_COMMENTS_KEPT);
    doc_list_begin(d, "comments");
    for (size_t k = 0; k < G->ncomments; k++)
        if (G->comments[k] && !doc_names_hidden(d, G->comments[k]))
            doc_list_item(d, G->comments[k]);
    doc_list_end(d);
}

/* A file name from a unit code: bytes that a path or a shell would take
 * for something else become '_'. */
static char *file_base(const char *code)
{
    char *s = util_xstrdup(code && *code ? code : "unit");
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || strchr("/\\:*?\"<>| ", *p) || (p == s && *p == '.'))
            *p = '_';
    return s;
}

static int save(doc_t *d, const char *dir, const char *base, unsigned formats, const char *title, char **path,
                err_t *err)
{
    static const struct {
        unsigned f;
        const char *ext;
    } kinds[] = {{REPORT_HTML, "html"}, {REPORT_DOCX, "docx"}, {REPORT_MD, "md"}};
    for (size_t k = 0; k < 3; k++) {
        if (!(formats & kinds[k].f))
            continue;
        char *p = util_fmt("%s/%s.%s", dir, base, kinds[k].ext);
        int rc = kinds[k].f == REPORT_DOCX ? docx_save(d->x, p, title, err)
                 : kinds[k].f == REPORT_HTML ? fs_write_atomic(p, d->h.s, d->h.len, err)
                                             : fs_write_atomic(p, d->m.s, d->m.len, err);
        if (rc == 0 && path && !*path)
            *path = util_xstrdup(p);
        free(p);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Draws group g's own priority matrix into dir/plots for d, when it has
 * one and plots are wanted.  A plot that cannot be drawn is a note in the
 * report (*note, heap), not an error. */
static void unit_plots(doc_t *d, size_t g, const char *dir, int with_plots, char **note)
{
    if (!with_plots || !plot_has_unit_priority(d->r, g))
        return;
    char *plotdir = util_fmt("%s/plots", dir);
    err_t e = {0};
    plot_t *plots = NULL;
    if (plot_unit_priority(d->r, g, plotdir, &plots, &d->nplots, &e) != 0)
        *note = util_fmt(TR(d->zh, "This report has no plots: %s"), e.msg ? e.msg : TR(d->zh, "gnuplot failed"));
    err_clear(&e);
    d->plots = plots;
    d->plotdir = plotdir;
}

/* The whole report of group g into dir. */
static int write_one(const res_t *r, size_t g, const char *dir, unsigned formats, int with_plots, char **path,
                     err_t *err)
{
    doc_t d = {.r = r, .zh = render_zh(r)};
    const res_group_t *G = &r->groups[g];
    char *plot_note = NULL;
    if (doc_shown(r, g))
        unit_plots(&d, g, dir, with_plots, &plot_note);
    if (formats & REPORT_DOCX) {
        d.x = docx_new(d.zh);
        docx_contents(d.x, 0);
    }
    d.hide = util_xcalloc(2 * r->ngroups + 1, sizeof *d.hide);
    size_t nshown = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        nshown += doc_shown(r, i) != 0;
        if (i == g)
            continue;
        if (r->groups[i].code)
            d.hide[d.nhide++] = r->groups[i].code;
        if (r->groups[i].name)
            d.hide[d.nhide++] = r->groups[i].name;
    }
    char *name = doc_group_name(&d, G);
    const char *today = doc_ftoday(&d);
    char *title = util_fmt(TR(d.zh, "%s: feedback report"), name);
    char *sub = r->compare_wave
                    ? util_fmt(TR(d.zh, "Wave %s, compared with %s. Written %s."), doc_fwave(&d, r->wave),
                               doc_fwave(&d, r->compare_wave), today)
                    : util_fmt(TR(d.zh, "Wave %s. Written %s."), doc_fwave(&d, r->wave), today);
    doc_head(&d, title, sub);
    if (plot_note)
        doc_para(&d, "warn", plot_note);
    if (!doc_shown(r, g) && G->n >= r->min_n) {
        /* hidden with the small units (their complement, or the
         * differencing defence), not for its own size */
        doc_paraf(&d, NULL,
                  TR(d.zh, "None of the results of %1$s are shown in this wave: other units had fewer respondents "
                           "than the minimum of %2$d for a report of their own, and with the results of %1$s "
                           "shown theirs could be worked out from the totals. Its staff's answers still count in "
                           "every figure for the whole city."),
                  name, r->min_n);
    } else if (!doc_shown(r, g)) {
        doc_paraf(&d, NULL,
                  TR(d.zh, "%1$s had fewer respondents in this wave than the minimum of %2$d for a report of its "
                           "own, so none of its results are shown. Its staff's answers still count in every "
                           "figure for the whole city."),
                  name, r->min_n);
    } else {
        overview(&d, g, nshown);
        scores(&d, g);
        weak_items(&d, g);
        gaps(&d, g);
        sec_unit_points(&d, g);
        changes(&d, g);
        qualdoc_unit_priorities(&d, g);
        comments(&d, g);
    }
    doc_end(&d);
    char *base = file_base(G->code);
    int rc = fs_mkdir_p(dir, err) == 0 ? save(&d, dir, base, formats, title, path, err) : -1;
    free(base);
    free(name);
    free(title);
    free(sub);
    free(d.hide);
    free(plot_note);
    free((char *)d.plotdir);
    plot_list_free((plot_t *)d.plots, d.nplots);
    util_buf_free(&d.h);
    util_buf_free(&d.m);
    docx_free(d.x);
    return rc;
}

int feedback_write(const res_t *r, const char *code, const char *dir, unsigned formats, int with_plots, char **path,
                   err_t *err)
{
    if (path)
        *path = NULL;
    for (size_t g = 0; g < r->ngroups; g++)
        if (r->groups[g].code && strcmp(r->groups[g].code, code) == 0)
            return write_one(r, g, dir, formats, with_plots, path, err);
    err_set(err, ERR_NOTFOUND, _("no unit '%s' in this analysis"), code);
    return 1;
}

int feedback_write_all(const res_t *r, const char *dir, unsigned formats, int with_plots, size_t *n, err_t *err)
{
    size_t done = 0;
    int rc = 0;
    for (size_t g = 0; g < r->ngroups && rc == 0; g++)
        if ((rc = write_one(r, g, dir, formats, with_plots, NULL, err)) == 0)
            done++;
    if (n)
        *n = done;
    return rc;
}
