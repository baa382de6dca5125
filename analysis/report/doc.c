/*
 * doc: the pieces a report is written with (doc.h): headings, paragraphs,
 * lists, tables and figures, each written to HTML, Markdown and, when the
 * document has one, a Word document (docx.h) by the same call, so the
 * formats always say the same thing.  Text is composed first and escaped
 * once, on the way into each format: HTML-escaped for the HTML,
 * backslash-escaped for the Markdown (whose renderers pass raw HTML
 * through, so `<script>` in a comment must not survive there either), XML
 * for the Word document.
 *
 * Also the number formats and the names (units, dimensions, groupings)
 * every report uses, and the rules on what may be printed.
 */
#include "analysis/report/doc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/html.h"
#include "base/i18n.h"
#include "analysis/report/docx.h"
#include "analysis/report/render.h"

/* ---- escaping ---- */

/* Markdown: < > & become entities, so no raw HTML can get through (and no
 * "<script" appears in the file at all); every other ASCII punctuation
 * that could start markup gets a backslash (CommonMark allows that for any
 * ASCII punctuation); line breaks become spaces so a comment cannot start
 * a heading. */
void doc_md_add(util_buf_t *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '<')
            util_buf_adds(b, "&lt;");
        else if (*p == '>')
            util_buf_adds(b, "&gt;");
        else if (*p == '&')
            util_buf_adds(b, "&amp;");
        else if (*p == '\n' || *p == '\r' || *p == '\t')
            util_buf_addc(b, ' ');
        else {
            if (strchr("\\`*_[]|#!~{}", *p))
                util_buf_addc(b, '\\');
            util_buf_addc(b, *p);
        }
    }
}

/* ---- numbers ---- */

static char *slot(doc_t *d)
{
    d->ri = (d->ri + 1) % 24;
    return d->ring[d->ri];
}

const char *doc_fnum(doc_t *d, double x, int prec)
{
    if (!isfinite(x))
        return "—";
    char *s = slot(d);
    snprintf(s, 64, "%.*f", prec, x);
    if (strcmp(s, "-0") == 0 || strcmp(s, "-0.0") == 0 || strcmp(s, "-0.00") == 0)
        memmove(s, s + 1, strlen(s));
    return s;
}

const char *doc_fsigned(doc_t *d, double x, int prec)
{
    if (!isfinite(x))
        return "—";
    char *s = slot(d);
    snprintf(s, 64, "%+.*f", prec, x);
    /* a difference that rounds to nothing has no direction: "0.0", not
     * "+0.0" or "-0.0" */
    if (strspn(s + 1, "0.") == strlen(s + 1))
        memmove(s, s + 1, strlen(s));
    return s;
}

const char *doc_fp(doc_t *d, double p)
{
    if (!isfinite(p))
        return "—";
    if (p < 0.001)
        return "<0.001";
    char *s = slot(d);
    snprintf(s, 64, "%.3f", p);
    return s;
}

/* p in a sentence, "p %s", as the findings write it: "p < 0.001",
 * "p = 0.713" (doc_fp alone would give "p 0.713") */
const char *doc_fpis(doc_t *d, double p)
{
    if (isfinite(p) && p < 0.001)
        return "< 0.001";
    char *s = slot(d);
    snprintf(s, 64, "= %s", doc_fp(d, p));
    return s;
}

const char *doc_fpct(doc_t *d, double rate)
{
    if (!isfinite(rate))
        return "—";
    char *s = slot(d);
    snprintf(s, 64, "%.0f%%", 100 * rate);
    return s;
}

const char *doc_ftoday(doc_t *d)
{
    char iso[11];
    util_today(iso);
    int y, m, day;
    char *s = slot(d);
    if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &day) == 3)
        /* TRANSLATORS: a date, year month day: "2026年12月2日" */
        snprintf(s, 64, TR(d->zh, "%1$d-%2$02d-%3$02d"), y, m, day);
    else
        memcpy(s, iso, sizeof iso);
    return s;
}

const char *doc_fwave(doc_t *d, const char *name)
{
    if (!name)
        return "";
    char *w = render_wave(name, d->zh);
    const char *out = name;
    if (strcmp(w, name) != 0 && strlen(w) < 64) {   /* a year: "2025年" */
        char *s = slot(d);
        memcpy(s, w, strlen(w) + 1);
        out = s;
    }
    free(w);
    return out;
}

const char *doc_fcount(doc_t *d, double n)
{
    if (!isfinite(n))
        return "—";
    char *s = slot(d);
    snprintf(s, 64, "%.0f", n);
    return s;
}

/* ---- what may be printed ---- */

static int is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* 1 when text holds w: anywhere when w is not a plain word (a Chinese
 * name), else as a whole word (so code "U3" is not found in "U31"). */
int doc_mentions(const char *text, const char *w)
{
    size_t n = strlen(w);
    if (!n)
        return 0;
    int word = 1;
    for (const char *q = w; *q; q++)
        word &= is_word(*q);
    for (const char *p = strstr(text, w); p; p = strstr(p + 1, w))
        if (!word || ((p == text || !is_word(p[-1])) && !is_word(p[n])))
            return 1;
    return 0;
}

/* 1 when text names a suppressed group: its name or its code.  For the
 * respondents' free text (comments) only: a finding is hidden by its
 * group's index (finding_shown). */
int doc_names_hidden(const doc_t *d, const char *text)
{
    for (size_t i = 0; i < d->nhide; i++)
        if (doc_mentions(text, d->hide[i]))
            return 1;
    return 0;
}

int doc_shown(const res_t *r, size_t g)
{
    return g < r->ngroups && !r->groups[g].suppressed && r->groups[g].cells;
}

/* A finding about a hidden group is never written (the engine makes none,
 * and a res_t from elsewhere is held to the same rule). */
int doc_finding_shown(const res_t *r, const res_finding_t *f)
{
    return f->group < 0 || doc_shown(r, (size_t)f->group);
}

/* ---- document pieces, written to both formats ---- */

/* The n-th numeral of the report's language (n from 1): the n-th word of
 * a translated list, so Chinese counts 一 二 三 where English counts 1 2 3;
 * digits past the end of the list. */
const char *doc_numeral(doc_t *d, int n)
{
    /* TRANSLATORS: the numerals that number the report's sections,
     * sub-sections and appendices, separated by single spaces */
    const char *list = TR(d->zh, "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20");
    char *s = slot(d);
    for (int i = 1; n >= 1 && *list; i++) {
        const char *e = strchr(list, ' ');
        size_t len = e ? (size_t)(e - list) : strlen(list);
        if (i == n && len < 64) {
            memcpy(s, list, len);
            s[len] = '\0';
            return s;
        }
        if (!e)
            break;
        list = e + 1;
    }
    snprintf(s, 64, "%d", n);
    return s;
}

/* A top-level heading t in the HTML (id, extra attributes attr) and the
 * Markdown; the Word heading is the caller's, its style differs. */
static void h2(doc_t *d, const char *id, const char *attr, const char *t)
{
    util_buf_addf(&d->h, "<h2 id=\"%s\"%s>", id, attr);
    html_esc(&d->h, t);
    util_buf_adds(&d->h, "</h2>\n");
    util_buf_adds(&d->m, "\n## ");
    doc_md_add(&d->m, t);
    util_buf_adds(&d->m, "\n\n");
}

void doc_section(doc_t *d, const char *id, const char *title)
{
    d->sec++;
    d->sub = 0;
    /* TRANSLATORS: a section heading: its numeral and its title */
    char *t = util_fmt(TR(d->zh, "%1$s %2$s"), doc_numeral(d, d->sec), title);
    if (d->x)
        docx_heading(d->x, 1, t, title, DOCX_H_NUMBERED);
    h2(d, id, "", t);
    free(t);
}

/* The n-th appendix's number: a letter in English, a numeral in Chinese. */
const char *doc_appendix_no(doc_t *d, int n)
{
    if (d->zh)
        return doc_numeral(d, n);
    char *s = slot(d);
    snprintf(s, 64, "%c", 'A' + (n - 1) % 26);
    return s;
}

/* An appendix heading: "Appendix A. Methods"; Chinese numbers appendices
 * with its numerals, English with letters. */
void doc_appendix(doc_t *d, int n, const char *id, const char *title)
{
    d->sub = 0;
    /* TRANSLATORS: the letter is the appendix's numeral in the translation */
    char *t = util_fmt(TR(d->zh, "Appendix %s. %s"), doc_appendix_no(d, n), title);
    d->in_appendix = 1;
    d->appendix = n;
    if (d->x)
        docx_heading(d->x, 1, t, t, DOCX_H_NEWPAGE);
    h2(d, id, " class=\"appendix\"", t);
    free(t);
}

void doc_subsection(doc_t *d, const char *title)
{
    d->sub++;
    /* English numbers a sub-section under its section (2.1); Chinese on
     * its own, with a numeral in brackets */
    char *t = d->zh            ? util_fmt(TR(d->zh, "(%s) %s"), doc_numeral(d, d->sub), title)
              : d->in_appendix ? util_fmt("%s.%d %s", doc_appendix_no(d, d->appendix), d->sub, title)
                               : util_fmt("%d.%d %s", d->sec, d->sub, title);
    /* the heading numbering counts sections, not appendices */
    if (d->x)
        docx_heading(d->x, 2, t, title, d->in_appendix ? 0 : DOCX_H_NUMBERED);
    util_buf_adds(&d->h, "<h3>");
    html_esc(&d->h, t);
    util_buf_adds(&d->h, "</h3>\n");
    util_buf_adds(&d->m, "\n### ");
    doc_md_add(&d->m, t);
    util_buf_adds(&d->m, "\n\n");
    free(t);
}

/* A heading below a sub-section (a unit's name above its comments). */
void doc_minor_heading(doc_t *d, const char *title)
{
    if (d->x)
        docx_heading(d->x, 3, title, title, d->in_appendix ? 0 : DOCX_H_NUMBERED);
    util_buf_adds(&d->h, "<h4>");
    html_esc(&d->h, title);
    util_buf_adds(&d->h, "</h4>\n");
    util_buf_adds(&d->m, "\n#### ");
    doc_md_add(&d->m, title);
    util_buf_adds(&d->m, "\n\n");
}

void doc_para(doc_t *d, const char *cls, const char *text)
{
    if (d->x)
        docx_para(d->x, cls, text);
    if (cls)
        util_buf_addf(&d->h, "<p class=\"%s\">", cls);
    else
        util_buf_adds(&d->h, "<p>");
    html_esc(&d->h, text);
    util_buf_adds(&d->h, "</p>\n");
    if (cls && strcmp(cls, "note") == 0) {
        util_buf_adds(&d->m, "*");
        doc_md_add(&d->m, text);
        util_buf_adds(&d->m, "*\n\n");
    } else if (cls && strcmp(cls, "warn") == 0) {
        util_buf_adds(&d->m, "> **");
        doc_md_add(&d->m, text);
        util_buf_adds(&d->m, "**\n\n");
    } else {
        doc_md_add(&d->m, text);
        util_buf_adds(&d->m, "\n\n");
    }
}

void doc_paraf(doc_t *d, const char *cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = util_vfmt(fmt, ap);
    va_end(ap);
    doc_para(d, cls, t);
    free(t);
}

void doc_list_begin(doc_t *d, const char *cls)
{
    if (d->x)
        docx_list_begin(d->x);
    if (cls)
        util_buf_addf(&d->h, "<ul class=\"%s\">\n", cls);
    else
        util_buf_adds(&d->h, "<ul>\n");
}

void doc_list_item(doc_t *d, const char *text)
{
    if (d->x)
        docx_list_item(d->x, text);
    util_buf_adds(&d->h, "<li>");
    html_esc(&d->h, text);
    util_buf_adds(&d->h, "</li>\n");
    util_buf_adds(&d->m, "- ");
    doc_md_add(&d->m, text);
    util_buf_addc(&d->m, '\n');
}

void doc_list_itemf(doc_t *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = util_vfmt(fmt, ap);
    va_end(ap);
    doc_list_item(d, t);
    free(t);
}

void doc_list_end(doc_t *d)
{
    if (d->x)
        docx_list_end(d->x);
    util_buf_adds(&d->h, "</ul>\n");
    util_buf_addc(&d->m, '\n');
}

/* Tables: caption above (表1 …), then a header row, then rows of cells. */
void doc_table_begin_v(doc_t *d, const char *caption, int ncols, const char *const *heads)
{
    d->tab++;
    d->ncols = ncols;
    d->in_row = 0;
    d->cell = 0;
    const char *pattern = TR(d->zh, "Table %d. %s");
    char *cap = util_fmt(pattern, d->tab, caption);
    if (d->x)
        docx_table_begin(d->x, pattern, caption, ncols, heads);
    util_buf_adds(&d->h, "<div class=\"table\"><table>\n<caption>");
    html_esc(&d->h, cap);
    util_buf_adds(&d->h, "</caption>\n");
    d->thead_at = d->h.len;
    memset(d->colnum, 0, sizeof d->colnum);
    util_buf_adds(&d->h, "<thead><tr>");
    util_buf_adds(&d->m, "**");
    doc_md_add(&d->m, cap);
    util_buf_adds(&d->m, "**\n\n|");
    for (int i = 0; i < ncols; i++) {
        util_buf_adds(&d->h, "<th>");
        html_esc(&d->h, heads[i]);
        util_buf_adds(&d->h, "</th>");
        util_buf_adds(&d->m, " ");
        doc_md_add(&d->m, heads[i]);
        util_buf_adds(&d->m, " |");
    }
    util_buf_adds(&d->h, "</tr></thead>\n<tbody>\n");
    util_buf_adds(&d->m, "\n|");
    for (int i = 0; i < ncols; i++)
        util_buf_adds(&d->m, i ? " ---: |" : " --- |");
    util_buf_addc(&d->m, '\n');
    free(cap);
}

void doc_table_begin(doc_t *d, const char *caption, int ncols, ...)
{
    const char *heads[DOC_COLS_MAX];
    va_list ap;
    va_start(ap, ncols);
    for (int i = 0; i < ncols && i < DOC_COLS_MAX; i++)
        heads[i] = va_arg(ap, const char *);
    va_end(ap);
    doc_table_begin_v(d, caption, ncols < DOC_COLS_MAX ? ncols : DOC_COLS_MAX, heads);
}

void doc_row_end(doc_t *d)
{
    if (!d->in_row)
        return;
    if (d->x)
        docx_row_end(d->x);
    util_buf_adds(&d->h, "</tr>\n");
    util_buf_addc(&d->m, '\n');
    d->in_row = 0;
    d->cell = 0;
}

void doc_td(doc_t *d, const char *text, int kind)
{
    if (!d->in_row) {
        util_buf_adds(&d->h, "<tr>");
        util_buf_adds(&d->m, "|");
        d->in_row = 1;
    }
    static const char *const cls[] = {"", " class=\"n\"", " class=\"n weak\"", " class=\"n good\""};
    if (d->x)
        docx_cell(d->x, text, (docx_cell_t)kind);
    if (text && *text && d->cell < DOC_COLS_MAX)
        d->colnum[d->cell] += kind == DOC_TEXT ? -1 : 1;
    util_buf_addf(&d->h, "<td%s>", cls[kind]);
    html_esc(&d->h, text);
    util_buf_adds(&d->h, "</td>");
    util_buf_adds(&d->m, " ");
    if (kind == DOC_WEAK)
        util_buf_adds(&d->m, "**");
    doc_md_add(&d->m, text);
    if (kind == DOC_WEAK)
        util_buf_adds(&d->m, "**");
    util_buf_adds(&d->m, " |");
    if (++d->cell == d->ncols)   /* a full row ends itself */
        doc_row_end(d);
}

void doc_tdf(doc_t *d, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = util_vfmt(fmt, ap);
    va_end(ap);
    doc_td(d, t, kind);
    free(t);
}

/* The table's header cells over numbers get class "n", set right as the
 * numbers are: the header row was written before its cells were known.
 * A header's text is escaped, so "<th>" in the table is a header cell. */
static void html_heads_align(doc_t *d)
{
    char *rest = util_xstrdup(d->h.s + d->thead_at);
    d->h.len = d->thead_at;
    const char *p = rest;
    int c = 0;
    for (const char *th; (th = strstr(p, "<th>")) != NULL; p = th + 4, c++) {
        util_buf_add(&d->h, p, (size_t)(th - p));
        util_buf_adds(&d->h, c < DOC_COLS_MAX && d->colnum[c] > 0 ? "<th class=\"n\">" : "<th>");
    }
    util_buf_adds(&d->h, p);
    free(rest);
}

void doc_table_end(doc_t *d, const char *note)
{
    doc_row_end(d);
    if (d->x)
        docx_table_end(d->x, note);
    html_heads_align(d);
    util_buf_adds(&d->h, "</tbody></table>\n");
    if (note) {
        util_buf_adds(&d->h, "<p class=\"tnote\">");
        html_esc(&d->h, note);
        util_buf_adds(&d->h, "</p>\n");
    }
    util_buf_adds(&d->h, "</div>\n");
    util_buf_addc(&d->m, '\n');
    if (note) {
        util_buf_adds(&d->m, "*");
        doc_md_add(&d->m, note);
        util_buf_adds(&d->m, "*\n\n");
    }
}

/* Copies a gnuplot SVG into the page: drops the XML prologue, gives every
 * id (and every reference to one) the prefix `f<N>-` inside tags only, and
 * puts the caption in <title> for screen readers. */
static void inline_svg(util_buf_t *b, const char *svg, int n, const char *title)
{
    const char *p = strstr(svg, "<svg");
    if (!p)
        return;
    char pre[24];
    snprintf(pre, sizeof pre, "f%d-", n);
    int in_tag = 0;
    while (*p) {
        if (*p == '<') {
            in_tag = 1;
            if (strncmp(p, "<title>", 7) == 0) {
                const char *e = strstr(p, "</title>");
                if (e) {
                    util_buf_adds(b, "<title>");
                    html_esc(b, title);
                    util_buf_adds(b, "</title>");
                    p = e + 8;
                    in_tag = 0;
                    continue;
                }
            }
        } else if (*p == '>') {
            in_tag = 0;
        }
        if (in_tag) {
            static const char *const keys[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
            int done = 0;
            for (size_t k = 0; k < 5 && !done; k++) {
                size_t kl = strlen(keys[k]);
                if (strncmp(p, keys[k], kl) == 0 && (k > 1 || p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t')) {
                    util_buf_add(b, p, kl);
                    util_buf_adds(b, pre);
                    p += kl;
                    done = 1;
                }
            }
            if (done)
                continue;
        }
        util_buf_addc(b, *p++);
    }
    util_buf_addc(b, '\n');
}

void doc_figure(doc_t *d, const plot_t *pl)
{
    if (!d->plotdir)
        return;
    err_t e = {0};
    char *path = util_fmt("%s/%s.svg", d->plotdir, pl->base), *svg = NULL;
    size_t len;
    if (util_read_file(path, &svg, &len, &e) != 0) {
        err_clear(&e);
        free(path);
        return;   /* the picture is listed as drawn, so this is unlikely; leave it out */
    }
    d->fig++;
    const char *pattern = TR(d->zh, "Figure %d. %s");
    char *cap = util_fmt(pattern, d->fig, pl->title);
    if (d->x) {
        char *png = util_fmt("%s/%s.png", d->plotdir, pl->base);
        char *print = util_fmt("%s/%s.print.png", d->plotdir, pl->base);
        docx_figure(d->x, png, print, pattern, pl->title, pl->kind == PLOT_RADAR);
        free(png);
        free(print);
    }
    static const char *const kinds[] = {"heatmap", "means", "funnel",   "dumbbell", "likert",
                                        "radar",   "change", "response", "scree",    "priority"};
    util_buf_addf(&d->h, "<figure id=\"fig-%s\" class=\"k-%s\">\n", pl->base,
                  (unsigned)pl->kind < sizeof kinds / sizeof kinds[0] ? kinds[pl->kind] : "plot");
    inline_svg(&d->h, svg, d->fig, pl->title);
    util_buf_adds(&d->h, "<figcaption>");
    html_esc(&d->h, cap);
    util_buf_adds(&d->h, "</figcaption>\n</figure>\n");
    /* the picture and its caption in one paragraph (a line break between
     * them): alone in a paragraph, pandoc would make the alt text a second
     * caption */
    util_buf_adds(&d->m, "![");
    doc_md_add(&d->m, pl->title);
    util_buf_addf(&d->m, "](plots/%s.png)\\\n", pl->base);
    util_buf_adds(&d->m, "*");
    doc_md_add(&d->m, cap);
    util_buf_adds(&d->m, "*\n\n");
    free(cap);
    free(svg);
    free(path);
}

void doc_figures(doc_t *d, plot_kind_t kind)
{
    for (size_t i = 0; i < d->nplots; i++)
        if (d->plots[i].kind == kind)
            doc_figure(d, &d->plots[i]);
}

/* ---- names ---- */

const char *doc_dim_name(const res_dim_t *dm)
{
    return dm->label && *dm->label ? dm->label : dm->code;
}

char *doc_group_name(const doc_t *d, const res_group_t *g)
{
    const char *name = g->name && *g->name ? g->name : g->code;
    int units = !d->r->group_by || strcmp(d->r->group_by, "unit") == 0;
    if (units && g->code && strcmp(g->code, name) != 0)
        return util_fmt("%s %s", g->code, name);
    return util_xstrdup(name);
}

int doc_by_unit(const doc_t *d)
{
    return !d->r->group_by || strcmp(d->r->group_by, "unit") == 0;
}

/* The noun for one group in running text: unit, or group when the groups
 * are the answers to a question such as position level.  English sentences
 * make its plural with "%ss". */
const char *doc_glabel(const doc_t *d)
{
    return doc_by_unit(d) ? TR(d->zh, "unit") : TR(d->zh, "group");
}

/* The noun for n groups: "1 unit", "2 units" (Chinese has one form). */
const char *doc_gnoun(const doc_t *d, size_t n)
{
    if (doc_by_unit(d))
        return n == 1 ? TR(d->zh, "unit") : TR(d->zh, "units");
    return n == 1 ? TR(d->zh, "group") : TR(d->zh, "groups");
}

/* The grouping itself, for headings: unit, category, parent unit, or
 * "Your position" (the question, quoted). */
char *doc_grouping(const doc_t *d)
{
    if (doc_by_unit(d))
        return util_xstrdup(TR(d->zh, "unit"));
    if (strcmp(d->r->group_by, "category") == 0)
        return util_xstrdup(TR(d->zh, "category"));
    if (strcmp(d->r->group_by, "parent") == 0)
        return util_xstrdup(TR(d->zh, "parent unit"));
    const char *q = d->r->group_label && *d->r->group_label ? d->r->group_label : d->r->group_by;
    /* TRANSLATORS: a question's text in quotation marks */
    return util_fmt(TR(d->zh, "\"%s\""), q);
}

/* ---- the document ---- */

void doc_head(doc_t *d, const char *title, const char *subtitle)
{
    util_buf_addf(&d->h, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                         "<meta name=\"generator\" content=\"gapsurvey\">\n<title>",
                  d->zh ? "zh-CN" : "en");
    html_esc(&d->h, title);
    util_buf_adds(&d->h, "</title>\n<style>\n");
    util_buf_adds(&d->h,
        "@page { size: A4; margin: 20mm 17mm 18mm 17mm; }\n"
        "html { font-size: 10.5pt; }\n"
        "body { margin: 0; color: #1a1a1a; background: #fff; line-height: 1.75;\n"
        "  font-family: \"Noto Serif CJK SC\", \"Source Han Serif SC\", \"Songti SC\", SimSun, serif; }\n"
        "body.en { font-family: \"Noto Serif\", \"DejaVu Serif\", Georgia, \"Noto Serif CJK SC\", serif;"
        " line-height: 1.55; }\n"
        "main { max-width: 180mm; margin: 0 auto; padding: 14mm 8mm 20mm; }\n"
        "h1, h2, h3, h4, caption, figcaption, th, .sub, .tnote, .note {\n"
        "  font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"PingFang SC\", \"Microsoft YaHei\","
        " sans-serif; }\n"
        "h1 { font-size: 19pt; text-align: center; margin: 0 0 4pt; line-height: 1.4; }\n"
        "p.sub, body.en p.sub { text-align: center; color: #555; margin: 0 0 18pt; text-indent: 0; }\n"
        "h2 { font-size: 14.5pt; margin: 22pt 0 8pt; padding-bottom: 2pt; border-bottom: 1.2pt solid #333; }\n"
        "h3 { font-size: 12pt; margin: 14pt 0 6pt; }\n"
        "h4 { font-size: 10.5pt; margin: 10pt 0 4pt; }\n"
        "p { margin: 5pt 0; text-align: justify; }\n"
        "body.en p { text-align: left; }\n"
        "body.zh main > p:not(.note):not(.warn):not(.sub) { text-indent: 2em; }\n"
        "ul { margin: 4pt 0 8pt; padding-left: 2.2em; }\n"
        "li { margin: 2pt 0; }\n"
        ".table { margin: 8pt 0 14pt; overflow-x: auto; }\n"
        "table { border-collapse: collapse; width: 100%; font-size: 9pt; line-height: 1.45;\n"
        "  font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif; }\n"
        "caption { caption-side: top; font-weight: bold; font-size: 10pt; padding-bottom: 4pt; }\n"
        "th, td { padding: 2.5pt 5pt; vertical-align: top; }\n"
        "thead th { border-top: 1.5pt solid #000; border-bottom: 0.75pt solid #000; text-align: left;"
        " font-weight: bold; word-break: keep-all; }\n"
        "thead th.n { text-align: right; }\n"
        "tbody tr:last-child td { border-bottom: 1.5pt solid #000; }\n"
        "td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }\n"
        "td.weak { font-weight: bold; color: #b2182b; }\n"
        "td.good { color: #2166ac; }\n"
        ".tnote { font-size: 8.5pt; color: #444; margin: 3pt 0 0; }\n"
        ".note { font-size: 9pt; color: #555; }\n"
        ".warn { border-left: 3pt solid #b2182b; padding: 4pt 8pt; background: #fbeeee; }\n"
        "figure { margin: 10pt 0 16pt; text-align: center; }\n"
        "figure svg { display: block; width: 100%; height: auto; margin: 0 auto; }\n"
        "figcaption { font-size: 9.5pt; margin-top: 4pt; }\n"
        "figure.k-radar svg { max-width: 125mm; }\n"
        "figure.k-means svg, figure.k-change svg, figure.k-funnel svg { max-width: 160mm; }\n"
        "ul.comments li { margin: 3pt 0; }\n"
        "h2.appendix { break-before: page; }\n"
        "@media print {\n"
        "  main { max-width: none; padding: 0; }\n"
        "  h2, h3, h4, caption { break-after: avoid; }\n"
        "  thead { display: table-header-group; }\n"
        "  tr, figure, li { break-inside: avoid; }\n"
        "  .table { overflow: visible; }\n"
        "}\n");
    util_buf_addf(&d->h, "</style>\n</head>\n<body class=\"%s\">\n<main>\n<h1>", d->zh ? "zh" : "en");
    html_esc(&d->h, title);
    util_buf_adds(&d->h, "</h1>\n<p class=\"sub\">");
    html_esc(&d->h, subtitle);
    util_buf_adds(&d->h, "</p>\n");
    util_buf_adds(&d->m, "# ");
    doc_md_add(&d->m, title);
    util_buf_adds(&d->m, "\n\n");
    doc_md_add(&d->m, subtitle);
    util_buf_adds(&d->m, "\n");
    if (d->x)
        docx_title(d->x, title, subtitle);
}

void doc_end(doc_t *d)
{
    util_buf_adds(&d->h, "</main>\n</body>\n</html>\n");
}
