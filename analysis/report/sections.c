/*
 * sections: points, a cross-tabulation and every question counted, in
 * the written reports (see sections.h).  Compact tables first, then at
 * most a sentence or two on what matters most, as the rest of the report.
 */
#include "analysis/report/sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/findings.h"
#include "base/i18n.h"
#include "base/util.h"

/* ---- bonus and deduction points ---- */

/* The entry of r->points for group g on dimension d, NULL for none. */
static const res_points_t *points_of(const res_t *r, size_t g, size_t d)
{
    for (size_t i = 0; i < r->npoints; i++)
        if (r->points[i].group == g && r->points[i].dim == d)
            return &r->points[i];
    return NULL;
}

/* "+4 (6−2)": net, then bonus less deduction */
static void points_cell(doc_t *d, const res_points_t *P)
{
    if (!P) {
        doc_td(d, "—", DOC_NUM);
        return;
    }
    /* TRANSLATORS: net points (bonus - deduction) in a table cell */
    doc_tdf(d, DOC_NUM, TR(d->zh, "%s (%s−%s)"), doc_fsigned(d, P->net, 0), doc_fnum(d, P->bonus, 0),
            doc_fnum(d, P->deduction, 0));
}

static void points_vs_staff_table(doc_t *d)
{
    const res_t *r = d->r;
    doc_table_begin(d, TR(d->zh, "Net points and the staff's scores: Spearman correlation across units"), 5,
                    TR(d->zh, "dimension"), TR(d->zh, "Spearman rho"), "p", TR(d->zh, "units"),
                    TR(d->zh, "p from"));
    const res_pvs_t *low = NULL;
    for (size_t i = 0; i < r->npvs; i++) {
        const res_pvs_t *S = &r->points_vs_staff[i];
        doc_td(d, doc_dim_name(&r->dims[S->dim]), DOC_TEXT);
        doc_td(d, doc_fnum(d, S->rho, 2), isfinite(S->rho) && S->rho <= 0 ? DOC_WEAK : DOC_NUM);
        doc_td(d, doc_fp(d, S->p), DOC_NUM);
        doc_td(d, doc_fcount(d, S->units), DOC_NUM);
        doc_td(d, !S->method                       ? "—"
                  : strcmp(S->method, "exact") == 0 ? TR(d->zh, "exact")
                  : strcmp(S->method, "t") == 0     ? TR(d->zh, "t approximation (ties)")
                                                    : TR(d->zh, "Edgeworth series"),
               DOC_TEXT);
        if (isfinite(S->rho) && (!low || S->rho < low->rho))
            low = S;
    }
    doc_table_end(d, TR(d->zh, "As R cor.test(method = \"spearman\"): the p value is exact without ties, else "
                               "from the t approximation."));
    if (low)
        doc_paraf(d, NULL,
                  TR(d->zh, "The weakest agreement is on %s (rho = %s, p %s): there, the units that claim more "
                            "points are %s rated higher by their own staff."),
                  doc_dim_name(&r->dims[low->dim]), doc_fnum(d, low->rho, 2), doc_fpis(d, low->p),
                  low->p < 0.05 && low->rho > 0 ? TR(d->zh, "still") : TR(d->zh, "not clearly"));
}

void sec_points(doc_t *d)
{
    const res_t *r = d->r;
    if (!r->npvs)
        return;
    doc_section(d, "points", TR(d->zh, "Bonus and deduction points"));
    size_t *pd = util_xcalloc(r->npvs + 1, sizeof *pd), units = 0;
    const char **heads = util_xcalloc(r->npvs + 2, sizeof *heads);
    heads[0] = TR(d->zh, "unit");
    for (size_t i = 0; i < r->npvs; i++) {
        pd[i] = r->points_vs_staff[i].dim;
        heads[i + 1] = doc_dim_name(&r->dims[pd[i]]);
    }
    for (size_t g = 0; g < r->ngroups; g++)
        units += doc_shown(r, g) && points_of(r, g, pd[0]);
    doc_paraf(d, NULL,
              TR(d->zh, "Each self-assessment also lists the campaign's own bonus and deduction items. Table %1$d "
                        "gives every unit's points per type: net points, then bonus less deduction (%2$zu units "
                        "with a self-assessment). Table %3$d asks whether they agree with what staff report: do "
                        "the units that claim more points also score higher with their own staff?"),
              d->tab + 1, units, d->tab + 2);
    doc_table_begin_v(d, TR(d->zh, "Bonus and deduction points by unit"), (int)r->npvs + 1, heads);
    for (size_t g = 0; g < r->ngroups; g++) {
        if (!doc_shown(r, g) || !points_of(r, g, pd[0]))
            continue;
        char *name = doc_group_name(d, &r->groups[g]);
        doc_td(d, name, DOC_TEXT);
        free(name);
        for (size_t i = 0; i < r->npvs; i++)
            points_cell(d, points_of(r, g, pd[i]));
    }
    doc_table_end(d, TR(d->zh, "Net points (bonus − deduction), from the unit's self-assessment; never mixed into "
                               "the 0-100 scores. Every number is in points.csv."));
    points_vs_staff_table(d);
    free(pd);
    free(heads);
}

void sec_points_findings(doc_t *d, const char *keep)
{
    const res_t *r = d->r;
    doc_table_begin(d, TR(d->zh, "High points, weak staff scores"), 5, TR(d->zh, "unit"), TR(d->zh, "dimension"),
                    TR(d->zh, "net points"), TR(d->zh, "staff mean"), TR(d->zh, "difference"));
    for (size_t i = 0; i < r->nfindings; i++) {
        const res_finding_t *f = &r->findings[i];
        if (!keep[i] || f->kind != RES_F_POINTS_UNMATCHED || f->group < 0 || f->dim < 0)
            continue;
        char *name = doc_group_name(d, &r->groups[f->group]);
        doc_td(d, name, DOC_TEXT);
        free(name);
        doc_td(d, doc_dim_name(&r->dims[f->dim]), DOC_TEXT);
        doc_td(d, doc_fsigned(d, findings_value(f, "net"), 0), DOC_NUM);
        doc_td(d, doc_fnum(d, findings_value(f, "mean"), 1), DOC_WEAK);
        doc_td(d, doc_fsigned(d, findings_value(f, "diff"), 1), DOC_WEAK);
    }
    doc_table_end(d, TR(d->zh, "Net points in the top quarter of the units' on that type, while the staff score "
                               "there is weak (significantly below all other respondents): \"saying counts as "
                               "doing\" on the campaign's own yardstick."));
}

void sec_unit_points(doc_t *d, size_t g)
{
    const res_t *r = d->r;
    size_t n = 0;
    for (size_t i = 0; i < r->npoints; i++)
        n += r->points[i].group == g;
    if (!n)
        return;
    doc_section(d, "points", TR(d->zh, "Bonus and deduction points"));
    doc_table_begin(d, TR(d->zh, "The unit's bonus and deduction points"), 5, TR(d->zh, "dimension"),
                    TR(d->zh, "bonus"), TR(d->zh, "deduction"), TR(d->zh, "net"), TR(d->zh, "staff mean"));
    for (size_t i = 0; i < r->npoints; i++) {
        const res_points_t *P = &r->points[i];
        if (P->group != g)
            continue;
        doc_td(d, doc_dim_name(&r->dims[P->dim]), DOC_TEXT);
        doc_td(d, doc_fnum(d, P->bonus, 0), DOC_NUM);
        doc_td(d, doc_fnum(d, P->deduction, 0), DOC_NUM);
        doc_td(d, doc_fsigned(d, P->net, 0), DOC_NUM);
        doc_td(d, doc_fnum(d, r->groups[g].cells[P->dim].mean, 1), DOC_NUM);
    }
    doc_table_end(d, TR(d->zh, "From the unit's self-assessment; the staff mean is its staff's score on that type "
                               "(0-100)."));
}

/* ---- methods ---- */

void sec_method_items(doc_t *d)
{
    const res_t *r = d->r;
    if (r->group_by && (strcmp(r->group_by, "category") == 0 || strcmp(r->group_by, "parent") == 0))
        doc_list_item(d, TR(d->zh, "Groups by category (or parent unit): a group is every unit with that category "
                                   "in the units table, hidden units included; the group is then shown or hidden "
                                   "by the same rules as a unit."));
    else if (r->rollup)
        doc_list_item(d, TR(d->zh, "Category subtotals in the units table: the analysis by category, a category "
                                   "being every unit with it in the units table (hidden units included) and shown "
                                   "or hidden by the same rules as a unit."));
    if (r->npvs)
        doc_list_item(d, TR(d->zh, "Bonus and deduction points: from each unit's self-assessment, a \"yes\" to a "
                                   "bonus or deduction item counts its points, a number of events that many times "
                                   "them; bonus and deduction are summed per type (the mean where a unit sent more "
                                   "than one self-assessment). Whether they agree with the staff: Spearman's rank "
                                   "correlation across the units shown between net points and the staff mean, "
                                   "with R's p value (cor.test: exact without ties, else the t approximation). A "
                                   "unit is named when its net points are in the top quarter of the units' (at or "
                                   "above the upper quartile and above the median) and its staff score on that "
                                   "type is weak."));
    if (r->nquestions)
        doc_list_item(d, TR(d->zh, "Every question counted: answers per choice as given, with percentages of those "
                                   "who answered; \"not asked\" when a condition of the question (its relevant, "
                                   "or its group's) was not met for the respondent; numbers with mean, SD, median "
                                   "and quartiles (R quantile type 7)."));
    if (r->crosstab)
        doc_list_item(d, TR(d->zh, "Cross-tabulation: respondents who answered both questions; Pearson's chi-square "
                                   "test of independence as R chisq.test (Yates' continuity correction on a 2 x 2 "
                                   "table), rows and columns with no answers left out; Cramér's V = sqrt(X² / (n "
                                   "(min(rows, columns) - 1))) from the uncorrected X². R warns when an expected "
                                   "count is below 5, and so does this report."));
}

/* ---- a cross-tabulation ---- */

/* The name of a row or column question: its label, or the grouping
 * worded. */
static const char *xname(doc_t *d, const char *spec, const char *label)
{
    if (label && *label)
        return label;
    if (strcmp(spec, "unit") == 0)
        return TR(d->zh, "unit");
    if (strcmp(spec, "category") == 0)
        return TR(d->zh, "category");
    if (strcmp(spec, "parent") == 0)
        return TR(d->zh, "parent unit");
    return spec;
}

static const char *xlabel(doc_t *d, char **labels, size_t i)
{
    return labels[i] ? labels[i] : TR(d->zh, "not shown (pooled)");
}

static void crosstab_test(doc_t *d, const res_crosstab_t *X)
{
    if (!isfinite(X->chisq)) {
        doc_para(d, NULL, TR(d->zh, "No chi-square test: fewer than two rows or columns with answers are left to "
                                    "test once the suppressed cells are merged."));
        return;
    }
    doc_paraf(d, NULL,
              TR(d->zh, "Chi-square test of independence: X² = %s, df = %s, p %s; Cramér's V = %s (n = %s%s)."),
              doc_fnum(d, X->chisq, 2), doc_fnum(d, X->df, 0), doc_fpis(d, X->p), doc_fnum(d, X->cramers_v, 3),
              doc_fcount(d, X->n), X->yates ? TR(d->zh, ", with Yates' continuity correction") : "");
    if (X->pooled)
        doc_paraf(d, "note",
                  X->pooled == 1
                      ? TR(d->zh, "The test merges the rows that hold a suppressed cell into one (%s x %s left), so "
                                  "that it is computed from published numbers only.")
                      : TR(d->zh, "The test merges the columns that hold a suppressed cell into one (%s x %s "
                                  "left), so that it is computed from published numbers only."),
                  doc_fnum(d, X->test_rows, 0), doc_fnum(d, X->test_cols, 0));
    if (X->expected_below_5)
        doc_paraf(d, "warn",
                  i18n_npick(d->zh,
                             "%zu cell expects fewer than 5 respondents (smallest %s): the chi-square "
                             "approximation may be incorrect, as R warns.",
                             "%zu cells expect fewer than 5 respondents (smallest %s): the chi-square "
                             "approximation may be incorrect, as R warns.",
                             X->expected_below_5),
                  X->expected_below_5, doc_fnum(d, X->min_expected, 2));
}

/* The column percentages of X: each cell over its column's total (the
 * cells and totals of the table before, so nothing more is disclosed);
 * the last column the rows' shares of all. */
static void crosstab_columns(doc_t *d, const res_crosstab_t *X, const char *rn, const char *title)
{
    char *cap = util_fmt(TR(d->zh, "%s: column percentages"), title);
    const char **heads = util_xcalloc(X->ncols + 3, sizeof *heads);
    heads[0] = rn;
    for (size_t j = 0; j < X->ncols; j++)
        heads[j + 1] = xlabel(d, X->col_labels, j);
    heads[X->ncols + 1] = TR(d->zh, "all");
    doc_table_begin_v(d, cap, (int)X->ncols + 2, heads);
    free(heads);
    for (size_t i = 0; i < X->nrows; i++) {
        doc_td(d, xlabel(d, X->row_labels, i), DOC_TEXT);
        for (size_t j = 0; j < X->ncols; j++) {
            double v = X->table[i * X->ncols + j];
            doc_td(d, isnan(v) ? "—" : doc_fpct(d, X->col_tot[j] > 0 ? v / X->col_tot[j] : NAN), DOC_NUM);
        }
        doc_td(d, doc_fpct(d, X->n > 0 ? X->row_tot[i] / X->n : NAN), DOC_NUM);
    }
    /* xgettext:no-c-format */
    doc_table_end(d, TR(d->zh, "Each column adds up to 100% of its respondents; — a suppressed cell."));
    free(cap);
}

void sec_crosstab(doc_t *d)
{
    const res_crosstab_t *X = d->r->crosstab;
    if (!X)
        return;
    const char *rn = xname(d, X->rows, X->row_label), *cn = xname(d, X->cols, X->col_label);
    char *title = util_fmt(TR(d->zh, "%s by %s"), rn, cn);
    doc_section(d, "crosstab", title);
    const char **heads = util_xcalloc(X->ncols + 3, sizeof *heads);
    heads[0] = rn;
    for (size_t j = 0; j < X->ncols; j++)
        heads[j + 1] = xlabel(d, X->col_labels, j);
    heads[X->ncols + 1] = TR(d->zh, "total");
    doc_table_begin_v(d, title, (int)X->ncols + 2, heads);
    free(heads);
    for (size_t i = 0; i < X->nrows; i++) {
        doc_td(d, xlabel(d, X->row_labels, i), DOC_TEXT);
        for (size_t j = 0; j < X->ncols; j++) {
            double v = X->table[i * X->ncols + j];
            if (isnan(v))
                doc_td(d, "—", DOC_NUM);
            else
                doc_tdf(d, DOC_NUM, "%s (%s)", doc_fcount(d, v), doc_fpct(d, X->row_tot[i] > 0 ? v / X->row_tot[i] : NAN));
        }
        doc_td(d, doc_fcount(d, X->row_tot[i]), DOC_NUM);
    }
    doc_td(d, TR(d->zh, "total"), DOC_TEXT);
    for (size_t j = 0; j < X->ncols; j++)
        doc_tdf(d, DOC_NUM, "%s (%s)", doc_fcount(d, X->col_tot[j]), doc_fpct(d, X->n > 0 ? X->col_tot[j] / X->n : NAN));
    doc_td(d, doc_fcount(d, X->n), DOC_NUM);
    char *note = util_fmt(TR(d->zh, "Respondents who answered both; row percentages in brackets; — a suppressed cell "
                                    "(fewer than %d respondents, or hidden so that none can be recovered from the "
                                    "totals). The next table gives the column percentages."),
                          d->r->min_n);
    doc_table_end(d, note);
    free(note);
    crosstab_columns(d, X, rn, title);
    free(title);
    crosstab_test(d, X);
}

/* ---- every question counted ---- */

/* A question as a table's caption or row names it: its name and label;
 * in Chinese the label alone (the name is an English identifier, kept in
 * questions.csv), the name where there is no label. */
static char *question_title(const doc_t *d, const res_question_t *Q)
{
    if (d->zh && Q->label && *Q->label)
        return util_fmt("%s", Q->label);
    return util_fmt("%s %s", Q->name, Q->label ? Q->label : "");
}

/* The dimension question q is an item of, -1 none. */
static long dim_of(const res_t *r, const res_question_t *q)
{
    for (size_t j = 0; j < r->ndims; j++)
        for (size_t i = 0; i < r->dims[j].nitems; i++)
            if (strcmp(r->dims[j].items[i].name, q->name) == 0)
                return (long)j;
    return -1;
}

/* Do a and b offer the same choices? */
static int same_scale(const res_question_t *a, const res_question_t *b)
{
    if (a->kind != RES_Q_CHOICE || b->kind != RES_Q_CHOICE || a->nchoices != b->nchoices)
        return 0;
    for (size_t c = 0; c < a->nchoices; c++)
        if (strcmp(a->choice_names[c], b->choice_names[c]) != 0)
            return 0;
    return 1;
}

/* The questions rows[0..n) share a scale: one row each, a column per
 * choice (percentages of those who answered), then the mean and the
 * blanks. */
static void scale_table(doc_t *d, const size_t *rows, size_t n, long dim)
{
    const res_t *r = d->r;
    const res_question_t *Q0 = &r->questions[rows[0]];
    int mean = isfinite(Q0->all.mean);
    size_t nc = Q0->nchoices + 3 + (size_t)mean;
    const char **heads = util_xcalloc(nc + 1, sizeof *heads);
    size_t h = 0;
    heads[h++] = TR(d->zh, "question");
    heads[h++] = TR(d->zh, "n");
    for (size_t c = 0; c < Q0->nchoices; c++)
        heads[h++] = Q0->choice_labels[c];
    if (mean)
        heads[h++] = TR(d->zh, "mean");
    heads[h++] = TR(d->zh, "no answer");
    /* a caption for all the rows: the dimension, else what they share (the
     * first question's label would name one of several) */
    char *cap = dim >= 0 ? util_fmt(TR(d->zh, "%s: answers per choice"), doc_dim_name(&r->dims[dim]))
                         : util_xstrdup(TR(d->zh, "Questions with the same choices: answers per choice"));
    doc_table_begin_v(d, cap, (int)nc, heads);
    for (size_t k = 0; k < n; k++) {
        const res_question_t *Q = &r->questions[rows[k]];
        char *title = question_title(d, Q);
        doc_td(d, title, DOC_TEXT);
        free(title);
        doc_td(d, doc_fcount(d, Q->all.n), DOC_NUM);
        for (size_t c = 0; c < Q->nchoices; c++)
            doc_td(d, doc_fpct(d, Q->all.n > 0 ? Q->all.counts[c] / Q->all.n : NAN), DOC_NUM);
        if (mean)
            doc_td(d, doc_fnum(d, Q->all.mean, 2), DOC_NUM);
        doc_td(d, doc_fcount(d, Q->all.not_answered + Q->all.not_applicable), DOC_NUM);
    }
    doc_table_end(d, NULL);
    free(cap);
    free(heads);
}

/* One question, a row per choice: the count and its share. */
static void choice_table(doc_t *d, const res_question_t *Q)
{
    char *cap = question_title(d, Q);
    /* xgettext:no-c-format */
    const char *many = TR(d->zh, "% of those who answered (several allowed)");
    /* xgettext:no-c-format */
    const char *one = TR(d->zh, "% of those who answered");
    doc_table_begin(d, cap, 3, TR(d->zh, "answer"), TR(d->zh, "n"), Q->kind == RES_Q_MULTIPLE ? many : one);
    for (size_t c = 0; c < Q->nchoices; c++) {
        if (isnan(Q->all.counts[c]))
            continue;   /* a hidden group (the groups' own question): not even named */
        doc_td(d, Q->choice_labels[c], DOC_TEXT);
        doc_td(d, doc_fcount(d, Q->all.counts[c]), DOC_NUM);
        doc_td(d, doc_fpct(d, Q->all.n > 0 ? Q->all.counts[c] / Q->all.n : NAN), DOC_NUM);
    }
    char *note = util_fmt(TR(d->zh, "Answered %s, left blank %s, not asked %s%s."), doc_fcount(d, Q->all.n),
                          doc_fcount(d, Q->all.not_answered), doc_fcount(d, Q->all.not_applicable),
                          Q->grouping ? TR(d->zh, "; groups not shown are left out") : "");
    doc_table_end(d, note);
    free(note);
    free(cap);
}

/* The number questions, then the text questions: one table each. */
static void other_tables(doc_t *d)
{
    const res_t *r = d->r;
    size_t nnum = 0, ntext = 0;
    for (size_t i = 0; i < r->nquestions; i++) {
        nnum += r->questions[i].kind == RES_Q_NUMBER;
        ntext += r->questions[i].kind == RES_Q_TEXT;
    }
    if (nnum) {
        doc_table_begin(d, TR(d->zh, "Questions answered with a number"), 7, TR(d->zh, "question"), TR(d->zh, "n"),
                        TR(d->zh, "mean"), TR(d->zh, "SD"), TR(d->zh, "median"), TR(d->zh, "quartiles"),
                        TR(d->zh, "range"));
        for (size_t i = 0; i < r->nquestions; i++) {
            const res_question_t *Q = &r->questions[i];
            if (Q->kind != RES_Q_NUMBER)
                continue;
            char *title = question_title(d, Q);
            doc_td(d, title, DOC_TEXT);
            free(title);
            doc_td(d, doc_fcount(d, Q->all.n), DOC_NUM);
            doc_td(d, doc_fnum(d, Q->all.mean, 2), DOC_NUM);
            doc_td(d, doc_fnum(d, Q->all.sd, 2), DOC_NUM);
            doc_td(d, doc_fnum(d, Q->all.median, 1), DOC_NUM);
            doc_tdf(d, DOC_NUM, "%s–%s", doc_fnum(d, Q->all.q1, 1), doc_fnum(d, Q->all.q3, 1));
            doc_tdf(d, DOC_NUM, "%s–%s", doc_fnum(d, Q->all.min, 0), doc_fnum(d, Q->all.max, 0));
        }
        doc_table_end(d, TR(d->zh, "Quartiles as R quantile(type = 7)."));
    }
    if (ntext) {
        doc_table_begin(d, TR(d->zh, "Open questions (counted only)"), 4, TR(d->zh, "question"),
                        TR(d->zh, "answered"), TR(d->zh, "left blank"), TR(d->zh, "not asked"));
        for (size_t i = 0; i < r->nquestions; i++) {
            const res_question_t *Q = &r->questions[i];
            if (Q->kind != RES_Q_TEXT)
                continue;
            char *title = question_title(d, Q);
            doc_td(d, title, DOC_TEXT);
            free(title);
            doc_td(d, doc_fcount(d, Q->all.n), DOC_NUM);
            doc_td(d, doc_fcount(d, Q->all.not_answered), DOC_NUM);
            doc_td(d, doc_fcount(d, Q->all.not_applicable), DOC_NUM);
        }
        doc_table_end(d, NULL);
    }
}

void sec_questions(doc_t *d, int n)
{
    const res_t *r = d->r;
    if (!r->nquestions)
        return;
    doc_appendix(d, n, "questions", TR(d->zh, "How each question was answered"));
    doc_para(d, "note", TR(d->zh, "How everyone answered each question. Percentages are of those who answered; "
                                  "\"no answer\" counts those who left it blank or were not asked (a condition "
                                  "of the question was not met). Per unit, the same counts are in questions.csv "
                                  "and analyze --items (units shown only)."));
    /* the questions of one dimension on one scale make one table, in the
     * order of the form; any other choice question a table of its own */
    char *done = util_xcalloc(r->nquestions + 1, 1);
    size_t *rows = util_xcalloc(r->nquestions + 1, sizeof *rows);
    for (size_t i = 0; i < r->nquestions; i++) {
        const res_question_t *Q = &r->questions[i];
        /* the unit question's counts are the units' respondents: the
         * units table has them */
        if (done[i] || Q->kind == RES_Q_NUMBER || Q->kind == RES_Q_TEXT || Q->grouping == 2)
            continue;
        long dim = dim_of(r, Q);
        size_t n = 0;
        for (size_t j = i; j < r->nquestions; j++)
            if (!done[j] && (j == i || (same_scale(Q, &r->questions[j]) && dim_of(r, &r->questions[j]) == dim))) {
                done[j] = 1;
                rows[n++] = j;
            }
        if (n >= 2)
            scale_table(d, rows, n, dim);
        else
            choice_table(d, Q);
    }
    free(done);
    free(rows);
    other_tables(d);
}
