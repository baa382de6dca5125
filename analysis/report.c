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
 * Chinese layout follows a research report: numbered sections 一、二、…,
 * sub-sections （一）（二）…, three-line tables with the caption above,
 * figure captions below.
 *
 * Suppressed groups: the res_t gives them no numbers; their code and name
 * are used here only to drop any warning, finding or comment that would
 * name them.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plot.h"
#include "util.h"

typedef struct {
    const res_t *r;
    int zh;
    util_buf_t h, m;            /* report.html, report.md */
    const char *plotdir;        /* where the SVGs are, NULL without plots */
    const plot_t *plots;
    size_t nplots;
    int sec, sub, fig, tab;     /* counters for numbering */
    int in_row, ncols, cell;    /* table being written */
    const char **hide;          /* codes and names of suppressed groups */
    size_t nhide;
    char ring[24][64];          /* formatted numbers, reused round-robin */
    int ri;
} doc_t;

static const char *T(const doc_t *d, const char *zh, const char *en)
{
    return d->zh ? zh : en;
}

/* ---- escaping ---- */

static void html_add(util_buf_t *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': util_buf_adds(b, "&amp;"); break;
        case '<': util_buf_adds(b, "&lt;"); break;
        case '>': util_buf_adds(b, "&gt;"); break;
        case '"': util_buf_adds(b, "&quot;"); break;
        case '\'': util_buf_adds(b, "&#39;"); break;
        default: util_buf_addc(b, *p);
        }
    }
}

char *report_html_escape(const char *s)
{
    util_buf_t b = {0};
    html_add(&b, s);
    util_buf_addc(&b, '\0');
    b.len--;
    return util_buf_take(&b);
}

/* Markdown: < > & become entities, so no raw HTML can get through (and no
 * "<script" appears in the file at all); every other ASCII punctuation
 * that could start markup gets a backslash (CommonMark allows that for any
 * ASCII punctuation); line breaks become spaces so a comment cannot start
 * a heading. */
static void md_add(util_buf_t *b, const char *s)
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

static const char *fnum(doc_t *d, double x, int prec)
{
    if (!isfinite(x))
        return "—";
    char *s = slot(d);
    snprintf(s, 64, "%.*f", prec, x);
    if (strcmp(s, "-0") == 0 || strcmp(s, "-0.0") == 0 || strcmp(s, "-0.00") == 0)
        memmove(s, s + 1, strlen(s));
    return s;
}

static const char *fsigned(doc_t *d, double x, int prec)
{
    if (!isfinite(x))
        return "—";
    char *s = slot(d);
    snprintf(s, 64, "%+.*f", prec, x);
    return s;
}

static const char *fp(doc_t *d, double p)
{
    if (!isfinite(p))
        return "—";
    if (p < 0.001)
        return "<0.001";
    char *s = slot(d);
    snprintf(s, 64, "%.3f", p);
    return s;
}

static const char *fpct(doc_t *d, double rate)
{
    if (!isfinite(rate))
        return "—";
    char *s = slot(d);
    snprintf(s, 64, "%.0f%%", 100 * rate);
    return s;
}

static const char *fcount(doc_t *d, double n)
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

/* 1 when text names a suppressed group: its name anywhere, or its code as
 * a whole word (so code "U3" does not hide a text about "U31"). */
static int names_hidden(const doc_t *d, const char *text)
{
    for (size_t i = 0; i < d->nhide; i++) {
        const char *w = d->hide[i];
        size_t n = strlen(w);
        if (!n)
            continue;
        for (const char *p = strstr(text, w); p; p = strstr(p + 1, w)) {
            int word = 1;
            for (const char *q = w; *q; q++)
                word &= is_word(*q);
            if (!word || ((p == text || !is_word(p[-1])) && !is_word(p[n])))
                return 1;
        }
    }
    return 0;
}

static int shown(const res_t *r, size_t g)
{
    return g < r->ngroups && !r->groups[g].suppressed && r->groups[g].cells;
}

/* ---- document pieces, written to both formats ---- */

static const char *const zh_num[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                     "十一", "十二", "十三", "十四", "十五"};

static void section(doc_t *d, const char *id, const char *title)
{
    d->sec++;
    d->sub = 0;
    char *t = d->zh ? util_fmt("%s、%s", zh_num[(d->sec - 1) % 15], title)
                    : util_fmt("%d %s", d->sec, title);
    util_buf_addf(&d->h, "<h2 id=\"%s\">", id);
    html_add(&d->h, t);
    util_buf_adds(&d->h, "</h2>\n");
    util_buf_adds(&d->m, "\n## ");
    md_add(&d->m, t);
    util_buf_adds(&d->m, "\n\n");
    free(t);
}

/* An appendix heading: 附录一：方法说明 / Appendix A. Methods */
static void appendix(doc_t *d, int n, const char *id, const char *title)
{
    d->sub = 0;
    char *t = d->zh ? util_fmt("附录%s：%s", zh_num[(n - 1) % 15], title)
                    : util_fmt("Appendix %c. %s", 'A' + (n - 1) % 26, title);
    util_buf_addf(&d->h, "<h2 id=\"%s\" class=\"appendix\">", id);
    html_add(&d->h, t);
    util_buf_adds(&d->h, "</h2>\n");
    util_buf_adds(&d->m, "\n## ");
    md_add(&d->m, t);
    util_buf_adds(&d->m, "\n\n");
    free(t);
}

static void subsection(doc_t *d, const char *title)
{
    d->sub++;
    char *t = d->zh ? util_fmt("（%s）%s", zh_num[(d->sub - 1) % 15], title)
                    : util_fmt("%d.%d %s", d->sec, d->sub, title);
    util_buf_adds(&d->h, "<h3>");
    html_add(&d->h, t);
    util_buf_adds(&d->h, "</h3>\n");
    util_buf_adds(&d->m, "\n### ");
    md_add(&d->m, t);
    util_buf_adds(&d->m, "\n\n");
    free(t);
}

/* A heading below a sub-section (a unit's name above its comments). */
static void minor_heading(doc_t *d, const char *title)
{
    util_buf_adds(&d->h, "<h4>");
    html_add(&d->h, title);
    util_buf_adds(&d->h, "</h4>\n");
    util_buf_adds(&d->m, "\n#### ");
    md_add(&d->m, title);
    util_buf_adds(&d->m, "\n\n");
}

static void para_cls(doc_t *d, const char *cls, const char *text)
{
    if (cls)
        util_buf_addf(&d->h, "<p class=\"%s\">", cls);
    else
        util_buf_adds(&d->h, "<p>");
    html_add(&d->h, text);
    util_buf_adds(&d->h, "</p>\n");
    if (cls && strcmp(cls, "note") == 0) {
        util_buf_adds(&d->m, "*");
        md_add(&d->m, text);
        util_buf_adds(&d->m, "*\n\n");
    } else if (cls && strcmp(cls, "warn") == 0) {
        util_buf_adds(&d->m, "> **");
        md_add(&d->m, text);
        util_buf_adds(&d->m, "**\n\n");
    } else {
        md_add(&d->m, text);
        util_buf_adds(&d->m, "\n\n");
    }
}

static void paraf(doc_t *d, const char *cls, const char *fmt, ...) UTIL_PRINTF(3, 4);
static void paraf(doc_t *d, const char *cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = util_vfmt(fmt, ap);
    va_end(ap);
    para_cls(d, cls, t);
    free(t);
}

static void list_begin(doc_t *d, const char *cls)
{
    if (cls)
        util_buf_addf(&d->h, "<ul class=\"%s\">\n", cls);
    else
        util_buf_adds(&d->h, "<ul>\n");
}

static void list_item(doc_t *d, const char *text)
{
    util_buf_adds(&d->h, "<li>");
    html_add(&d->h, text);
    util_buf_adds(&d->h, "</li>\n");
    util_buf_adds(&d->m, "- ");
    md_add(&d->m, text);
    util_buf_addc(&d->m, '\n');
}

static void list_itemf(doc_t *d, const char *fmt, ...) UTIL_PRINTF(2, 3);
static void list_itemf(doc_t *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = util_vfmt(fmt, ap);
    va_end(ap);
    list_item(d, t);
    free(t);
}

static void list_end(doc_t *d)
{
    util_buf_adds(&d->h, "</ul>\n");
    util_buf_addc(&d->m, '\n');
}

/* Tables: caption above (表1 …), then a header row, then rows of cells. */
enum { C_TEXT, C_NUM, C_WEAK, C_GOOD };

static void table_begin(doc_t *d, const char *caption, int ncols, ...)
{
    d->tab++;
    d->ncols = ncols;
    d->in_row = 0;
    d->cell = 0;
    char *cap = d->zh ? util_fmt("表%d %s", d->tab, caption) : util_fmt("Table %d. %s", d->tab, caption);
    util_buf_adds(&d->h, "<div class=\"table\"><table>\n<caption>");
    html_add(&d->h, cap);
    util_buf_adds(&d->h, "</caption>\n<thead><tr>");
    util_buf_adds(&d->m, "**");
    md_add(&d->m, cap);
    util_buf_adds(&d->m, "**\n\n|");
    va_list ap;
    va_start(ap, ncols);
    for (int i = 0; i < ncols; i++) {
        const char *c = va_arg(ap, const char *);
        util_buf_adds(&d->h, "<th>");
        html_add(&d->h, c);
        util_buf_adds(&d->h, "</th>");
        util_buf_adds(&d->m, " ");
        md_add(&d->m, c);
        util_buf_adds(&d->m, " |");
    }
    va_end(ap);
    util_buf_adds(&d->h, "</tr></thead>\n<tbody>\n");
    util_buf_adds(&d->m, "\n|");
    for (int i = 0; i < ncols; i++)
        util_buf_adds(&d->m, i ? " ---: |" : " --- |");
    util_buf_addc(&d->m, '\n');
    free(cap);
}

static void row_end(doc_t *d)
{
    if (!d->in_row)
        return;
    util_buf_adds(&d->h, "</tr>\n");
    util_buf_addc(&d->m, '\n');
    d->in_row = 0;
    d->cell = 0;
}

static void td(doc_t *d, const char *text, int kind)
{
    if (!d->in_row) {
        util_buf_adds(&d->h, "<tr>");
        util_buf_adds(&d->m, "|");
        d->in_row = 1;
    }
    static const char *const cls[] = {"", " class=\"n\"", " class=\"n weak\"", " class=\"n good\""};
    util_buf_addf(&d->h, "<td%s>", cls[kind]);
    html_add(&d->h, text);
    util_buf_adds(&d->h, "</td>");
    util_buf_adds(&d->m, " ");
    if (kind == C_WEAK)
        util_buf_adds(&d->m, "**");
    md_add(&d->m, text);
    if (kind == C_WEAK)
        util_buf_adds(&d->m, "**");
    util_buf_adds(&d->m, " |");
    if (++d->cell == d->ncols)   /* a full row ends itself */
        row_end(d);
}

static void tdf(doc_t *d, int kind, const char *fmt, ...) UTIL_PRINTF(3, 4);
static void tdf(doc_t *d, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = util_vfmt(fmt, ap);
    va_end(ap);
    td(d, t, kind);
    free(t);
}

static void table_end(doc_t *d, const char *note)
{
    row_end(d);
    util_buf_adds(&d->h, "</tbody></table>\n");
    if (note) {
        util_buf_adds(&d->h, "<p class=\"tnote\">");
        html_add(&d->h, note);
        util_buf_adds(&d->h, "</p>\n");
    }
    util_buf_adds(&d->h, "</div>\n");
    util_buf_addc(&d->m, '\n');
    if (note) {
        util_buf_adds(&d->m, "*");
        md_add(&d->m, note);
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
                    html_add(b, title);
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

static void figure(doc_t *d, const plot_t *pl)
{
    if (!d->plotdir)
        return;
    char *path = util_fmt("%s/%s.svg", d->plotdir, pl->base), *svg = NULL, *e = NULL;
    size_t len;
    if (util_read_file(path, &svg, &len, &e) != 0) {
        free(e);
        free(path);
        return;   /* the picture is listed as drawn, so this is unlikely; leave it out */
    }
    d->fig++;
    char *cap = d->zh ? util_fmt("图%d %s", d->fig, pl->title) : util_fmt("Figure %d. %s", d->fig, pl->title);
    static const char *const kinds[] = {"heatmap", "means", "funnel", "dumbbell",
                                        "likert",  "radar", "change", "response"};
    util_buf_addf(&d->h, "<figure id=\"fig-%s\" class=\"k-%s\">\n", pl->base,
                  (unsigned)pl->kind < 8 ? kinds[pl->kind] : "plot");
    inline_svg(&d->h, svg, d->fig, pl->title);
    util_buf_adds(&d->h, "<figcaption>");
    html_add(&d->h, cap);
    util_buf_adds(&d->h, "</figcaption>\n</figure>\n");
    util_buf_adds(&d->m, "![");
    md_add(&d->m, cap);
    util_buf_addf(&d->m, "](plots/%s.png)\n\n", pl->base);
    util_buf_adds(&d->m, "*");
    md_add(&d->m, cap);
    util_buf_adds(&d->m, "*\n\n");
    free(cap);
    free(svg);
    free(path);
}

static void figures(doc_t *d, plot_kind_t kind)
{
    for (size_t i = 0; i < d->nplots; i++)
        if (d->plots[i].kind == kind)
            figure(d, &d->plots[i]);
}

/* ---- names ---- */

static const char *dim_name(const res_dim_t *dm)
{
    return dm->label && *dm->label ? dm->label : dm->code;
}

static char *group_name(const doc_t *d, const res_group_t *g)
{
    const char *name = g->name && *g->name ? g->name : g->code;
    int units = !d->r->group_by || strcmp(d->r->group_by, "unit") == 0;
    if (units && g->code && strcmp(g->code, name) != 0)
        return util_fmt("%s %s", g->code, name);
    return util_xstrdup(name);
}

static int by_unit(const doc_t *d)
{
    return !d->r->group_by || strcmp(d->r->group_by, "unit") == 0;
}

/* The noun for one group in running text: 单位 / unit, or 组 / group when
 * the groups are the answers to a question such as position level. */
static const char *glabel(const doc_t *d)
{
    return by_unit(d) ? T(d, "单位", "unit") : T(d, "组", "group");
}

/* The grouping itself, for headings: 单位, or “您的职级” (the question). */
static char *grouping(const doc_t *d)
{
    if (by_unit(d))
        return util_xstrdup(T(d, "单位", "unit"));
    const char *q = d->r->group_label && *d->r->group_label ? d->r->group_label : d->r->group_by;
    return d->zh ? util_fmt("“%s”", q) : util_fmt("\"%s\"", q);
}

/* ---- the sections ---- */

static void write_head(doc_t *d, const char *title, const char *subtitle)
{
    util_buf_addf(&d->h, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                         "<meta name=\"generator\" content=\"gapsurvey\">\n<title>",
                  d->zh ? "zh-CN" : "en");
    html_add(&d->h, title);
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
        ".sub { text-align: center; color: #555; margin: 0 0 18pt; text-indent: 0; }\n"
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
        "thead th { border-top: 1.5pt solid #000; border-bottom: 0.75pt solid #000; text-align: center;"
        " font-weight: bold; }\n"
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
    html_add(&d->h, title);
    util_buf_adds(&d->h, "</h1>\n<p class=\"sub\">");
    html_add(&d->h, subtitle);
    util_buf_adds(&d->h, "</p>\n");
    util_buf_adds(&d->m, "# ");
    md_add(&d->m, title);
    util_buf_adds(&d->m, "\n\n");
    md_add(&d->m, subtitle);
    util_buf_adds(&d->m, "\n");
}

static void write_overview(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    section(d, "overview", T(d, "总体情况", "Overview"));
    const char *gl = glabel(d);
    char *by = grouping(d);
    if (d->zh)
        paraf(d, NULL, "本次调查（%s）共收回%s有效问卷%ld份，按%s分为%zu组。其中%zu个%s回答人数达到%d人及以上，"
                       "在报告中单独列出；%zu个%s因回答人数不足未单独列出，其答卷仍计入全体统计。",
              r->wave ? r->wave : "", r->form_title ? r->form_title : "", r->respondents, by, r->ngroups,
              nshown, gl, r->min_n, r->nsuppressed, gl);
    else
        paraf(d, NULL, "This wave (%s) of the %s received %ld valid responses in %zu groups by %s. "
                       "%zu groups with at least %d respondents are reported one by one; %zu groups with "
                       "fewer are not shown, although their answers count in every population figure.",
              r->wave ? r->wave : "", r->form_title ? r->form_title : "survey", r->respondents, r->ngroups,
              by, nshown, r->min_n, r->nsuppressed);
    free(by);

    /* response rates over the shown groups whose invitations are known */
    double sn = 0, sinv = 0, lo = INFINITY, hi = -INFINITY;
    size_t nk = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        const res_group_t *g = &r->groups[i];
        if (!shown(r, i) || !isfinite(g->response_rate) || !isfinite(g->invited) || !(g->invited > 0))
            continue;
        nk++;
        sn += (double)g->n;
        sinv += g->invited;
        lo = fmin(lo, g->response_rate);
        hi = fmax(hi, g->response_rate);
    }
    if (nk && d->zh)
        paraf(d, NULL, "回收率：在已知应答人数（邀请码或编制人数）的%zu个%s中，合计应答%s人、收回%s份，"
                       "合计回收率%s；各%s回收率在%s至%s之间。",
              nk, gl, fcount(d, sinv), fcount(d, sn), fpct(d, sn / sinv), gl, fpct(d, lo), fpct(d, hi));
    else if (nk)
        paraf(d, NULL, "Response rate: in the %zu groups whose number invited is known (tokens or "
                       "headcount), %s were invited and %s responded, %s overall; group rates range "
                       "from %s to %s.",
              nk, fcount(d, sinv), fcount(d, sn), fpct(d, sn / sinv), fpct(d, lo), fpct(d, hi));
    else
        para_cls(d, NULL, T(d, "回收率：各单位应答人数（邀请码或编制人数）未知，未计算回收率。",
                            "Response rate: the number invited is not known (no tokens or headcounts), "
                            "so no response rate is given."));
    if (r->ngaps)
        paraf(d, NULL, d->zh ? "单位自评：同期共有%ld份单位自评问卷，用于自评与职工评价的对比（见第%s部分）。"
                             : "Self-assessments: %ld unit self-assessments of the same wave are "
                               "compared with the staff's view (section %s).",
              r->self_responses, d->zh ? "五" : "5");

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
            if (d->zh)
                util_buf_addf(&low, "%s“%s”（α=%.2f）", nlow ? "、" : "", dim_name(dm), dm->alpha);
            else
                util_buf_addf(&low, "%s%s (alpha = %.2f)", nlow ? ", " : "", dim_name(dm), dm->alpha);
            nlow++;
        }
    }
    if (isfinite(alo)) {
        if (d->zh)
            paraf(d, NULL, "信度：各维度内部一致性信度（Cronbach's α）在%.2f至%.2f之间%s%s%s",
                  alo, ahi, nlow ? "，其中" : "。", nlow ? low.s : "",
                  nlow ? "低于0.70，相关结论解读时需谨慎。" : "");
        else
            paraf(d, NULL, "Reliability: Cronbach's alpha of the dimensions ranges from %.2f to %.2f%s%s%s",
                  alo, ahi, nlow ? "; below 0.70, so to be read with care: " : ".", nlow ? low.s : "",
                  nlow ? "." : "");
    }
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
    if (nm) {
        if (d->zh)
            paraf(d, NULL, "总体水平：%zu个维度的平均得分（0–100分）为%s分，最高为“%s”（%s分），最低为“%s”（%s分）。",
                  nm, fnum(d, sum / (double)nm, 1), dim_name(top), fnum(d, top->mean, 1), dim_name(bottom),
                  fnum(d, bottom->mean, 1));
        else
            paraf(d, NULL, "Overall level: the mean of the %zu dimension means (0-100) is %s; highest %s "
                           "(%s), lowest %s (%s).",
                  nm, fnum(d, sum / (double)nm, 1), dim_name(top), fnum(d, top->mean, 1), dim_name(bottom),
                  fnum(d, bottom->mean, 1));
    }
    figures(d, PLOT_MEANS);
    figures(d, PLOT_RESPONSE);
}

static const struct {
    res_fkind_t kind;
    const char *zh, *en;
} fkinds[] = {
    {RES_F_WEAK_DIMENSION, "薄弱维度", "Weak dimensions"},
    {RES_F_WEAK_UNIT, "薄弱单位", "Weak units"},
    {RES_F_OVERCLAIM, "自评高于职工评价（高估）", "Self-assessment above the staff's view (overclaim)"},
    {RES_F_UNDERCLAIM, "自评低于职工评价（低估）", "Self-assessment below the staff's view (underclaim)"},
    {RES_F_DECLINED, "较上次调查下降", "Declines since the previous wave"},
    {RES_F_IMPROVED, "较上次调查提升", "Improvements since the previous wave"},
    {RES_F_UNRELIABLE, "信度偏低", "Low reliability"},
    {RES_F_LOW_RESPONSE, "回收率偏低", "Low response"},
};

static void write_findings(doc_t *d)
{
    const res_t *r = d->r;
    section(d, "findings", T(d, "主要发现", "Main findings"));
    size_t total = 0;
    for (size_t k = 0; k < sizeof fkinds / sizeof fkinds[0]; k++) {
        size_t n = 0;
        for (size_t i = 0; i < r->nfindings; i++)
            if (r->findings[i].kind == fkinds[k].kind && r->findings[i].text &&
                !names_hidden(d, r->findings[i].text))
                n++;
        if (!n)
            continue;
        subsection(d, d->zh ? fkinds[k].zh : fkinds[k].en);
        list_begin(d, "findings");
        for (size_t i = 0; i < r->nfindings; i++)
            if (r->findings[i].kind == fkinds[k].kind && r->findings[i].text &&
                !names_hidden(d, r->findings[i].text))
                list_item(d, r->findings[i].text);
        list_end(d);
        total += n;
    }
    if (!total)
        paraf(d, NULL, d->zh ? "按本报告的判定标准（BH校正q<%g且差距至少%g分），未发现薄弱维度、薄弱%s、"
                               "自评与职工评价的明显差距或显著变化。"
                             : "By this report's rules (BH-adjusted q < %g and a difference of at least "
                               "%g points), no weak dimension, weak %s, self-vs-staff gap or significant "
                               "change was found.",
              r->fdr, r->min_diff, glabel(d));
}

static void write_dimensions(doc_t *d)
{
    const res_t *r = d->r;
    section(d, "dimensions", T(d, "各维度情况", "Dimensions"));
    if (d->zh)
        paraf(d, NULL, "表%d列出各维度的得分和信度；“偏差”为受访者在该维度的得分与其本人各维度平均分之差的平均值，"
                       "为负且显著时说明该维度是受访者普遍评价较低的短板。表%d列出各维度%s间差异的检验结果。",
              d->tab + 1, d->tab + 2, glabel(d));
    else
        paraf(d, NULL, "Table %d gives each dimension's score and reliability; \"deviation\" is the mean "
                       "difference between a respondent's score on the dimension and that respondent's own "
                       "average over all dimensions: a significant negative value marks a dimension "
                       "people rate low relative to the rest. Table %d tests the differences between groups.",
              d->tab + 1, d->tab + 2);
    table_begin(d, T(d, "各维度得分与信度", "Dimension scores and reliability"), 10,
                T(d, "维度", "dimension"), T(d, "人数", "n"), T(d, "平均分", "mean"), T(d, "标准差", "SD"),
                T(d, "95%置信区间", "95% CI"), T(d, "α（95%置信区间）", "alpha (95% CI)"),
                T(d, "排名", "rank"), T(d, "偏差", "deviation"), "q", T(d, "判定", "verdict"));
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        td(d, dim_name(dm), C_TEXT);
        td(d, fcount(d, dm->n), C_NUM);
        td(d, fnum(d, dm->mean, 1), dm->weak ? C_WEAK : C_NUM);
        td(d, fnum(d, dm->sd, 1), C_NUM);
        tdf(d, C_NUM, "%s–%s", fnum(d, dm->ci_low, 1), fnum(d, dm->ci_high, 1));
        tdf(d, C_NUM, "%s (%s–%s)", fnum(d, dm->alpha, 2), fnum(d, dm->alpha_ci_low, 2),
            fnum(d, dm->alpha_ci_high, 2));
        tdf(d, C_NUM, "%d", dm->rank);
        td(d, fsigned(d, dm->deviation, 1), dm->weak ? C_WEAK : C_NUM);
        td(d, fp(d, dm->dev_q), C_NUM);
        td(d, dm->weak ? T(d, "▼ 薄弱", "▼ weak") : "", dm->weak ? C_WEAK : C_TEXT);
    }
    table_end(d, T(d, "注：得分为0–100分（POMP）；q为经Benjamini-Hochberg校正的p值；▼表示薄弱维度。",
                   "Scores are 0-100 (POMP); q is the Benjamini-Hochberg adjusted p value; ▼ marks a "
                   "weak dimension."));

    table_begin(d, T(d, "各维度组间差异检验", "Differences between groups"), 9, T(d, "维度", "dimension"),
                T(d, "F（df）", "F (df)"), "p", "η²", "ω²", T(d, "Welch F（p）", "Welch F (p)"),
                T(d, "Kruskal-Wallis H（p）", "Kruskal-Wallis H (p)"), "ICC(1)", "ICC(2)");
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        td(d, dim_name(dm), C_TEXT);
        tdf(d, C_NUM, "%s (%s, %s)", fnum(d, dm->f, 2), fnum(d, dm->df_between, 0), fnum(d, dm->df_within, 0));
        td(d, fp(d, dm->p_anova), C_NUM);
        td(d, fnum(d, dm->eta2, 3), C_NUM);
        td(d, fnum(d, dm->omega2, 3), C_NUM);
        tdf(d, C_NUM, "%s (%s)", fnum(d, dm->welch_f, 2), fp(d, dm->welch_p));
        tdf(d, C_NUM, "%s (%s)", fnum(d, dm->kw_h, 1), fp(d, dm->kw_p));
        td(d, fnum(d, dm->icc1, 3), C_NUM);
        td(d, fnum(d, dm->icc2, 3), C_NUM);
    }
    table_end(d, T(d, "注：组间检验使用全部分组（含因人数不足未列出的分组）；“—”表示该统计量无法计算。",
                   "Between-group tests use every group, including those not shown; \"—\" means the "
                   "statistic could not be computed."));
    figures(d, PLOT_LIKERT);
    figures(d, PLOT_FUNNEL);
}

static void write_units(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    char *by = grouping(d);
    char *title = by_unit(d) ? util_xstrdup(T(d, "各单位情况", "Results by unit"))
                  : d->zh    ? util_fmt("按%s分组情况", by)
                             : util_fmt("Results by %s", by);
    section(d, "units", title);
    free(title);
    if (!nshown || !r->ndims) {
        paraf(d, NULL, d->zh ? "没有回答人数达到%d人的%s，不单独列出任何%s。"
                             : "No group reached %d respondents, so none is shown on its own.",
              r->min_n, glabel(d), glabel(d));
        free(by);
        return;
    }
    if (d->zh)
        paraf(d, NULL, "表%d列出各%s在各维度的平均得分；▼表示该%s在该维度的得分显著低于其余全部受访者"
                       "（Welch t检验，BH校正q<%g，且低至少%g分）。",
              d->tab + 1, glabel(d), glabel(d), r->fdr, r->min_diff);
    else
        paraf(d, NULL, "Table %d gives each %s's mean score on each dimension; ▼ marks a score "
                       "significantly below all other respondents (Welch t test, BH-adjusted q < %g, "
                       "at least %g points lower).",
              d->tab + 1, glabel(d), r->fdr, r->min_diff);
    char *cap = by_unit(d) ? util_xstrdup(T(d, "各单位各维度平均得分", "Mean scores by unit and dimension"))
                : d->zh    ? util_fmt("按%s分组的各维度平均得分", by)
                           : util_fmt("Mean scores by %s and dimension", by);
    free(by);
    /* a table of variable width: header built here */
    d->tab++;
    char *capn = d->zh ? util_fmt("表%d %s", d->tab, cap) : util_fmt("Table %d. %s", d->tab, cap);
    util_buf_adds(&d->h, "<div class=\"table\"><table class=\"units\">\n<caption>");
    html_add(&d->h, capn);
    const char *col1 = by_unit(d) ? T(d, "单位", "unit")
                       : d->r->group_label && *d->r->group_label ? d->r->group_label : d->r->group_by;
    util_buf_adds(&d->h, "</caption>\n<thead><tr><th>");
    html_add(&d->h, col1);
    util_buf_adds(&d->h, "</th><th>");
    html_add(&d->h, T(d, "人数", "n"));
    util_buf_adds(&d->h, "</th><th>");
    html_add(&d->h, T(d, "回收率", "response"));
    util_buf_adds(&d->h, "</th>");
    util_buf_adds(&d->m, "**");
    md_add(&d->m, capn);
    util_buf_adds(&d->m, "**\n\n| ");
    md_add(&d->m, col1);
    util_buf_adds(&d->m, " | ");
    md_add(&d->m, T(d, "人数", "n"));
    util_buf_adds(&d->m, " | ");
    md_add(&d->m, T(d, "回收率", "response"));
    util_buf_adds(&d->m, " |");
    for (size_t j = 0; j < r->ndims; j++) {
        util_buf_adds(&d->h, "<th>");
        html_add(&d->h, dim_name(&r->dims[j]));
        util_buf_adds(&d->h, "</th>");
        util_buf_adds(&d->m, " ");
        md_add(&d->m, dim_name(&r->dims[j]));
        util_buf_adds(&d->m, " |");
    }
    util_buf_adds(&d->h, "</tr></thead>\n<tbody>\n");
    util_buf_adds(&d->m, "\n| --- |");
    for (size_t j = 0; j < r->ndims + 2; j++)
        util_buf_adds(&d->m, " ---: |");
    util_buf_addc(&d->m, '\n');
    d->in_row = 0;
    d->cell = 0;
    d->ncols = (int)r->ndims + 3;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (!shown(r, i))
            continue;
        const res_group_t *g = &r->groups[i];
        char *name = group_name(d, g);
        td(d, name, C_TEXT);
        free(name);
        tdf(d, C_NUM, "%ld", g->n);
        td(d, fpct(d, g->response_rate), C_NUM);
        for (size_t j = 0; j < r->ndims; j++) {
            const res_cell_t *c = &g->cells[j];
            if (c->weak)
                tdf(d, C_WEAK, "▼%s", fnum(d, c->mean, 1));
            else
                td(d, fnum(d, c->mean, 1), C_NUM);
        }
        row_end(d);
    }
    util_buf_addf(&d->h, "<tr class=\"all\"><td>%s</td><td class=\"n\">%ld</td><td class=\"n\"></td>",
                  T(d, "全体", "all"), r->respondents);
    util_buf_addf(&d->m, "| %s | %ld | |", T(d, "全体", "all"), r->respondents);
    for (size_t j = 0; j < r->ndims; j++) {
        util_buf_addf(&d->h, "<td class=\"n\">%s</td>", fnum(d, r->dims[j].mean, 1));
        util_buf_addf(&d->m, " %s |", fnum(d, r->dims[j].mean, 1));
    }
    util_buf_adds(&d->h, "</tr>\n");
    util_buf_addc(&d->m, '\n');
    table_end(d, T(d, "注：▼表示薄弱；“全体”含因人数不足未单独列出的分组的受访者。",
                   "▼ marks a weak score; \"all\" includes the respondents of groups not shown."));
    free(capn);
    free(cap);
    figures(d, PLOT_HEATMAP);

    /* the weak cells in detail */
    size_t nweak = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        for (size_t j = 0; shown(r, i) && j < r->ndims; j++)
            nweak += r->groups[i].cells[j].weak != 0;
    subsection(d, d->zh ? "薄弱项明细" : "Weak scores in detail");
    if (!nweak) {
        paraf(d, NULL, d->zh ? "没有%s在任何维度上显著低于其余受访者。"
                             : "No %s scores significantly below all other respondents on any dimension.",
              glabel(d));
    } else {
        table_begin(d, T(d, "薄弱项明细", "Weak scores"), 10, glabel(d), T(d, "维度", "dimension"),
                    T(d, "人数", "n"), T(d, "平均分", "mean"), T(d, "与其余人员之差", "difference"),
                    "t", "q", T(d, "收缩估计", "shrunk"), "rwg(j)", T(d, "漏斗图位置", "funnel"));
        for (size_t i = 0; i < r->ngroups; i++) {
            if (!shown(r, i))
                continue;
            for (size_t j = 0; j < r->ndims; j++) {
                const res_cell_t *c = &r->groups[i].cells[j];
                if (!c->weak)
                    continue;
                char *name = group_name(d, &r->groups[i]);
                td(d, name, C_TEXT);
                free(name);
                td(d, dim_name(&r->dims[j]), C_TEXT);
                td(d, fcount(d, c->n), C_NUM);
                td(d, fnum(d, c->mean, 1), C_WEAK);
                td(d, fsigned(d, c->diff, 1), C_WEAK);
                td(d, fnum(d, c->t, 2), C_NUM);
                td(d, fp(d, c->q), C_NUM);
                td(d, fnum(d, c->shrunk, 1), C_NUM);
                td(d, fnum(d, c->rwg_j, 2), C_NUM);
                static const char *const fz[] = {"控制限内", "低于95%限", "低于99.8%限", "高于95%限", "高于99.8%限"};
                static const char *const fe[] = {"inside", "below 95%", "below 99.8%", "above 95%", "above 99.8%"};
                td(d, (unsigned)c->funnel < 5 ? (d->zh ? fz[c->funnel] : fe[c->funnel]) : "", C_TEXT);
                row_end(d);
            }
        }
        table_end(d, T(d, "注：收缩估计为经验贝叶斯收缩后的平均分；rwg(j)为组内一致性（越接近1越一致）。",
                       "\"Shrunk\" is the empirical-Bayes shrunk mean; rwg(j) is within-group agreement "
                       "(closer to 1, more agreement)."));
    }
    figures(d, PLOT_RADAR);
}

static void write_gaps(doc_t *d)
{
    const res_t *r = d->r;
    section(d, "gaps", T(d, "单位自评与职工评价对比", "Self-assessment and the staff's view"));
    size_t over = 0, under = 0, n = 0, units = 0;
    for (size_t i = 0; i < r->ngaps; i++) {
        const res_gap_t *g = &r->gaps[i];
        if (!shown(r, g->group))
            continue;
        n++;
        over += g->flag == RES_OVERCLAIM;
        under += g->flag == RES_UNDERCLAIM;
    }
    for (size_t i = 0; i < r->ngroups; i++) {
        int has = 0;
        for (size_t k = 0; k < r->ngaps && !has; k++)
            has = r->gaps[k].group == i;
        units += has && shown(r, i);
    }
    if (d->zh)
        paraf(d, NULL, "%zu个单位既有自评又有职工评价，共%zu个“单位×维度”组合。自评得分高于职工平均分95%%置信区间上限"
                       "且高出至少%g分的判为“高估”，共%zu项；低于下限且低出至少%g分的判为“低估”，共%zu项。"
                       "高估即调研中所说的“说了当做了、做了当做好了”。",
              units, n, r->min_diff, over, r->min_diff, under);
    else
        paraf(d, NULL, "%zu units have both a self-assessment and staff responses: %zu unit x dimension "
                       "pairs. A self score above the upper 95%% limit of the staff mean and at least %g points "
                       "higher is an overclaim (%zu pairs); below the lower limit and at least %g points lower "
                       "an underclaim (%zu pairs). Overclaiming is what the research called \"saying counts "
                       "as doing, doing counts as doing well\".",
              units, n, r->min_diff, over, r->min_diff, under);
    if (over + under) {
        table_begin(d, T(d, "自评与职工评价差距明显的项目", "Pairs where self and staff differ"), 6, T(d, "单位", "unit"),
                    T(d, "维度", "dimension"), T(d, "自评", "self"), T(d, "职工评价（95%置信区间）", "staff (95% CI)"),
                    T(d, "差距", "gap"), T(d, "判定", "verdict"));
        /* overclaims first, the largest gap on top; then underclaims */
        size_t *ord = util_xcalloc(r->ngaps + 1, sizeof *ord), no = 0;
        for (int pass = 0; pass < 2; pass++) {
            size_t from = no;
            for (size_t i = 0; i < r->ngaps; i++)
                if (shown(r, r->gaps[i].group) && r->gaps[i].flag == (pass ? RES_UNDERCLAIM : RES_OVERCLAIM))
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
            char *name = group_name(d, &r->groups[g->group]);
            td(d, name, C_TEXT);
            free(name);
            td(d, g->dim < r->ndims ? dim_name(&r->dims[g->dim]) : "", C_TEXT);
            td(d, fnum(d, g->self, 1), C_NUM);
            tdf(d, C_NUM, "%s (%s–%s)", fnum(d, g->staff, 1), fnum(d, g->staff_ci_low, 1),
                fnum(d, g->staff_ci_high, 1));
            td(d, fsigned(d, g->gap, 1), pass ? C_GOOD : C_WEAK);
            td(d, pass ? T(d, "低估", "underclaim") : T(d, "▲ 高估", "▲ overclaim"), pass ? C_TEXT : C_WEAK);
            row_end(d);
        }
        free(ord);
        table_end(d, T(d, "注：按差距大小排列；全部组合见 gaps.csv。",
                       "Sorted by the size of the gap; every pair is in gaps.csv."));
    }
    figures(d, PLOT_DUMBBELL);
}

static void write_changes(doc_t *d)
{
    const res_t *r = d->r;
    char *t = d->zh ? util_fmt("与上次调查（%s）比较", r->compare_wave)
                    : util_fmt("Change since wave %s", r->compare_wave);
    section(d, "changes", t);
    free(t);
    size_t npop = 0, nflag = 0;
    for (size_t i = 0; i < r->nchanges; i++) {
        const res_change_t *c = &r->changes[i];
        if (c->group == -1)
            npop++;
        else if (c->group >= 0 && shown(r, (size_t)c->group) && c->flag != RES_STABLE)
            nflag++;
    }
    if (!r->nchanges) {
        paraf(d, NULL, d->zh ? "%s没有可比较的数据。" : "Wave %s holds no data to compare with.", r->compare_wave);
        return;
    }
    paraf(d, NULL, d->zh ? "本次（%s）与%s的得分用Welch t检验比较，经BH校正q<%g且变化至少%g分的判为提升或下降。"
                         : "Scores of this wave (%s) are compared with %s by Welch t tests; a change with "
                           "BH-adjusted q < %g and at least %g points is an improvement or a decline.",
          r->wave ? r->wave : "", r->compare_wave, r->fdr, r->min_diff);
    static const char *const vz[] = {"持平", "▲ 提升", "▼ 下降"}, *const ve[] = {"stable", "▲ improved", "▼ declined"};
    if (npop) {
        table_begin(d, T(d, "各维度变化（全体）", "Change by dimension (all respondents)"), 7,
                    T(d, "维度", "dimension"), r->compare_wave, r->wave, T(d, "变化", "change"), "t", "q",
                    T(d, "判定", "verdict"));
        for (size_t i = 0; i < r->nchanges; i++) {
            const res_change_t *c = &r->changes[i];
            if (c->group != -1 || c->dim >= r->ndims)
                continue;
            int k = c->flag == RES_DECLINED ? C_WEAK : c->flag == RES_IMPROVED ? C_GOOD : C_NUM;
            td(d, dim_name(&r->dims[c->dim]), C_TEXT);
            tdf(d, C_NUM, "%s (n=%s)", fnum(d, c->mean0, 1), fcount(d, c->n0));
            tdf(d, C_NUM, "%s (n=%s)", fnum(d, c->mean1, 1), fcount(d, c->n1));
            td(d, fsigned(d, c->diff, 1), k);
            td(d, fnum(d, c->t, 2), C_NUM);
            td(d, fp(d, c->q), C_NUM);
            td(d, d->zh ? vz[c->flag % 3] : ve[c->flag % 3], k == C_NUM ? C_TEXT : k);
        }
        table_end(d, NULL);
    }
    figures(d, PLOT_CHANGE);
    if (nflag) {
        char *cap = d->zh ? util_fmt("%s层面的显著变化", glabel(d)) : util_fmt("Significant changes by %s", glabel(d));
        table_begin(d, cap, 7, glabel(d), T(d, "维度", "dimension"), r->compare_wave, r->wave,
                    T(d, "变化", "change"), "q", T(d, "判定", "verdict"));
        free(cap);
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < r->nchanges; i++) {
                const res_change_t *c = &r->changes[i];
                if (c->group < 0 || !shown(r, (size_t)c->group) || c->dim >= r->ndims ||
                    c->flag != (pass ? RES_IMPROVED : RES_DECLINED))
                    continue;
                char *name = group_name(d, &r->groups[c->group]);
                td(d, name, C_TEXT);
                free(name);
                td(d, dim_name(&r->dims[c->dim]), C_TEXT);
                td(d, fnum(d, c->mean0, 1), C_NUM);
                td(d, fnum(d, c->mean1, 1), C_NUM);
                td(d, fsigned(d, c->diff, 1), pass ? C_GOOD : C_WEAK);
                td(d, fp(d, c->q), C_NUM);
                td(d, d->zh ? vz[c->flag % 3] : ve[c->flag % 3], pass ? C_GOOD : C_WEAK);
            }
        table_end(d, T(d, "注：全部比较见 changes.csv。", "Every comparison is in changes.csv."));
    } else {
        paraf(d, NULL, d->zh ? "没有%s在任何维度上有显著变化。" : "No %s changed significantly on any dimension.",
              glabel(d));
    }
}

static void write_comments(doc_t *d)
{
    const res_t *r = d->r;
    size_t any = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        if (shown(r, i))
            any += r->groups[i].ncomments;
    if (!any)
        return;
    section(d, "comments", T(d, "干部职工意见建议摘录", "Staff comments"));
    if (d->zh)
        paraf(d, "note", "以下为问卷开放题的原文摘录，仅列出回答人数不少于%d人的%s，每个%s最多%d条，未作修改。",
              RES_COMMENT_MIN, glabel(d), glabel(d), RES_COMMENTS_KEPT);
    else
        paraf(d, "note", "Verbatim answers to the open question, quoted only for groups of at least %d "
                         "respondents, at most %d per group.",
              RES_COMMENT_MIN, RES_COMMENTS_KEPT);
    for (size_t i = 0; i < r->ngroups; i++) {
        const res_group_t *g = &r->groups[i];
        if (!shown(r, i) || !g->ncomments)
            continue;
        char *name = group_name(d, g);
        minor_heading(d, name);
        free(name);
        list_begin(d, "comments");
        for (size_t k = 0; k < g->ncomments; k++)
            if (g->comments[k] && !names_hidden(d, g->comments[k]))
                list_item(d, g->comments[k]);
        list_end(d);
    }
}

static void write_methods(doc_t *d, int n)
{
    const res_t *r = d->r;
    appendix(d, n, "methods", T(d, "方法说明", "Methods"));
    if (d->zh) {
        list_begin(d, "methods");
        list_item(d, "得分计算（POMP）：李克特题按选项编码计分（如五级量表为1–5分），反向题按“最小值＋最大值－原值”转换。"
                     "受访者在某维度的得分为其在该维度所答题目的平均分，再换算为0–100分：100×(平均分－最小值)/(最大值－最小值)。"
                     "某维度答题不足一半的受访者，该维度不计分。加分项、扣分项单独汇总，不计入0–100分。");
        list_item(d, "题目统计（人数、平均分、标准差）按原始作答计算（反向转换前）；其余统计均使用转换后的分值。");
        list_item(d, "平均分的95%置信区间按t分布计算。");
        list_item(d, "信度：用各维度题目全部作答的问卷计算Cronbach's α＝k/(k－1)×(1－各题方差之和/总分方差)、标准化α和题目间平均相关，"
                     "α的95%置信区间用Feldt方法（F分布）计算；每道题给出校正后的题总相关和删除该题后的α。α低于0.70时，该维度的结论需谨慎解读。");
        list_item(d, "组间差异：对受访者的维度得分做单因素方差分析，报告F、p、η²（组间平方和/总平方和）和ω²＝max(0,(组间平方和－组间自由度×组内均方)/(总平方和＋组内均方))；"
                     "同时报告不要求方差齐性的Welch方差分析和不依赖正态分布的Kruskal-Wallis检验（含结校正）。");
        list_item(d, "组内相关：ICC(1)＝(MSB－MSW)/(MSB＋(k－1)MSW)，表示得分差异中来自单位之间的比例；ICC(2)＝(MSB－MSW)/MSB，"
                     "表示单位平均分的可靠程度；k为平均每组人数。组间统计使用全部分组（包括因人数不足未列出的分组），因为它们不透露任何单个分组的信息；无法计算的统计量记为“—”。");
        list_itemf(d, "薄弱维度：对每位受访者计算其该维度得分与本人各维度平均分之差，对差值的平均数做单样本t检验，"
                      "各维度的p值用Benjamini-Hochberg（BH）方法校正为q值；q<%g且平均差值不高于－%g分时判为薄弱维度。"
                      "这样比较的是同一批人对不同维度的相对评价，不受个人打分宽严的影响。",
                   r->fdr, r->min_diff);
        list_itemf(d, "薄弱单位：对每个列出的“分组×维度”，用Welch t检验比较该组得分与其余全部受访者（含未列出分组的受访者）的得分，"
                      "全部检验的p值一并做BH校正；q<%g且比其余人员低至少%g分时判为薄弱。",
                   r->fdr, r->min_diff);
        list_item(d, "组内一致性rwg(j)：按该维度题目的原始作答计算，零分布方差为(A²－1)/12（A为选项数），"
                     "题目平均方差超过该值时截断，缺答按题剔除。越接近1，组内意见越一致。");
        list_item(d, "收缩估计（经验贝叶斯）：人数少的分组平均分波动大，因此同时给出收缩后的平均分：总平均＋B×(组平均－总平均)，"
                     "B＝τ²/(τ²＋MSW/n)，τ²＝max(0,(MSB－MSW)/k)，总平均为全部受访者得分的平均数。");
        list_item(d, "漏斗图：控制限为总平均±z×√(MSW/n＋τ²)（Spiegelhalter，2005），z＝1.96（95%）和3.09（99.8%），"
                     "随人数n变化画成曲线；落在控制限外的分组在图中标注名称。");
        list_itemf(d, "自评与职工评价差距：单位自评（同一轮次、维度代码相同的自评问卷）按同样方法换算为0–100分；差距＝自评得分－职工平均分。"
                      "自评高于职工平均分95%%置信区间上限且差距≥%g分为“高估”，低于下限且差距≤－%g分为“低估”，其余为“一致”。",
                   r->min_diff, r->min_diff);
        list_itemf(d, "两次调查比较：各维度（全体）及各“分组×维度”用Welch t检验比较本次与对比轮次的得分，BH校正后q<%g且变化至少%g分时判为提升或下降。",
                   r->fdr, r->min_diff);
        list_item(d, "BH校正控制错误发现率：在判为显著的结果中，预期误判的比例不超过设定的水平。");
        list_end(d);
        paraf(d, NULL, "本次分析的参数：最低人数%d人，最小差距%g分，错误发现率%g。", r->min_n, r->min_diff, r->fdr);
    } else {
        list_begin(d, "methods");
        list_item(d, "Scoring (POMP): Likert items are scored by their choice codes (1-5 on a five-point "
                     "scale); reversed items become min + max - x. A respondent's dimension score is the mean "
                     "of the items answered in that dimension, rescaled to 0-100: 100 x (mean - min) / "
                     "(max - min). It is missing when fewer than half of the dimension's items are answered. "
                     "Bonus and deduction points are summed separately and never mixed into the 0-100 score.");
        list_item(d, "Item statistics (n, mean, SD) describe the answers as given, before reversal; everything "
                     "else uses the reversed scores.");
        list_item(d, "Confidence intervals of means are t intervals (95%).");
        list_item(d, "Reliability, on respondents who answered every item of the dimension: Cronbach's alpha "
                     "= k/(k-1) x (1 - sum of item variances / variance of the total), standardised alpha and "
                     "the average inter-item correlation, with Feldt's 95% interval for alpha (F distribution); "
                     "per item the corrected item-total correlation and alpha if the item is dropped. Below "
                     "0.70, conclusions on the dimension need care.");
        list_item(d, "Differences between groups: one-way ANOVA of respondents' scores with F, p, eta squared "
                     "(between sum of squares / total) and omega squared = max(0, (SSB - dfB x MSW) / (SST + "
                     "MSW)); Welch's ANOVA, which does not assume equal variances; and the Kruskal-Wallis "
                     "test with tie correction, which does not assume normality.");
        list_item(d, "Intraclass correlation: ICC(1) = (MSB - MSW) / (MSB + (k-1) MSW), the share of score "
                     "variance that lies between groups; ICC(2) = (MSB - MSW) / MSB, the reliability of group "
                     "means; k is the mean group size. Between-group statistics use every group, those not "
                     "shown included, because they reveal nothing about any one group; a statistic that "
                     "cannot be computed is shown as \"—\".");
        list_itemf(d, "Weak dimension: for each respondent, the score on the dimension minus that respondent's "
                      "mean over all dimensions; a one-sample t test of the mean difference against 0; p values "
                      "adjusted across dimensions by Benjamini-Hochberg (BH) into q values. Weak when q < %g and "
                      "the mean difference is at most -%g points. This compares how the same people rate "
                      "different dimensions, so lenient or strict raters do not matter.",
                   r->fdr, r->min_diff);
        list_itemf(d, "Weak group: for each shown group x dimension, a Welch t test of the group's scores "
                      "against all other respondents' (those of groups not shown included), BH-adjusted over "
                      "every tested pair; weak when q < %g and the group is at least %g points lower.",
                   r->fdr, r->min_diff);
        list_item(d, "Within-group agreement rwg(j): on the dimension's items as answered, null variance "
                     "(A^2 - 1)/12 for an A-point scale, the mean item variance truncated at the null variance, "
                     "missing answers dropped per item. Closer to 1 means more agreement.");
        list_item(d, "Shrinkage (empirical Bayes): small groups' means are noisy, so a shrunk mean is given "
                     "too: grand + B x (mean - grand), B = tau^2 / (tau^2 + MSW/n), tau^2 = max(0, (MSB - MSW) / "
                     "k), grand = the mean of all respondents' scores.");
        list_item(d, "Funnel plots: limits grand +/- z x sqrt(MSW/n + tau^2) (Spiegelhalter 2005) with z = "
                     "1.96 (95%) and 3.09 (99.8%), drawn as curves over n; groups outside are labelled.");
        list_itemf(d, "Self vs staff: a unit's self-assessment (same wave, a self-assessment form with the same "
                      "dimension codes) is scored the same way; gap = self score - staff mean. Overclaim when "
                      "the self score is above the upper 95%% limit of the staff mean and the gap is at least "
                      "%g; underclaim symmetrically; else consistent.",
                   r->min_diff);
        list_itemf(d, "Change between waves: per dimension (all respondents) and per group x dimension, a "
                      "Welch t test of this wave against the earlier one, BH-adjusted; improved or declined "
                      "when q < %g and the change is at least %g points.",
                   r->fdr, r->min_diff);
        list_item(d, "BH adjustment controls the false discovery rate: among results called significant, the "
                     "expected share of false ones stays below the chosen level.");
        list_end(d);
        paraf(d, NULL, "Settings of this analysis: minimum group size %d, minimum difference %g points, false "
                       "discovery rate %g.",
              r->min_n, r->min_diff, r->fdr);
    }
}

static void write_anonymity(doc_t *d, int n)
{
    const res_t *r = d->r;
    appendix(d, n, "anonymity", T(d, "匿名保护", "Anonymity"));
    if (d->zh) {
        paraf(d, NULL, "本报告的最低人数为%d人：回答人数少于%d人的%s不报告任何得分、图中的点、发现或意见；"
                       "如果这些%s合计人数仍少于%d人，再将人数次少的一个%s一并隐去，防止通过相减推算出任何一个%s的结果。"
                       "本次共有%zu个%s因此未单独列出（报告不说明是哪些）；其受访者仍计入全体统计和组间检验。",
              r->min_n, r->min_n, glabel(d), glabel(d), r->min_n, glabel(d), glabel(d), r->nsuppressed, glabel(d));
        paraf(d, NULL, "开放题意见只摘录回答人数不少于%d人的%s，每个最多%d条。问卷不记录邀请码与答卷的对应关系、IP地址和作答时间，只记录提交日期。",
              RES_COMMENT_MIN, glabel(d), RES_COMMENTS_KEPT);
    } else {
        paraf(d, NULL, "The minimum group size of this report is %d: a group with fewer respondents has no "
                       "score, plot point, finding or comment anywhere; if such groups together hold fewer "
                       "than %d respondents, the next smallest group is hidden too, so that no group can be "
                       "recovered by subtraction. %zu groups were hidden this way (which ones is not said); "
                       "their respondents still count in population figures and between-group tests.",
              r->min_n, r->min_n, r->nsuppressed);
        paraf(d, NULL, "Comments are quoted only for groups of at least %d respondents, at most %d per group. "
                       "No token, IP address or time of day is stored with an answer, only the date.",
              RES_COMMENT_MIN, RES_COMMENTS_KEPT);
    }
}

static void write_items(doc_t *d, int n)
{
    const res_t *r = d->r;
    appendix(d, n, "items", T(d, "题目统计", "Items"));
    para_cls(d, "note", T(d, "平均分和标准差按原始作答计算（反向转换前）；校正题总相关和删除该题后的α按转换后的分值计算。",
                          "Means and SDs are of the answers as given (before reversal); the corrected "
                          "item-total correlation and alpha if dropped use reversed scores."));
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        if (!dm->nitems)
            continue;
        table_begin(d, dim_name(dm), 7, T(d, "题目", "item"), T(d, "题干", "text"), T(d, "人数", "n"),
                    T(d, "平均分", "mean"), T(d, "标准差", "SD"), T(d, "校正题总相关", "r.drop"),
                    T(d, "删除后α", "alpha if dropped"));
        for (size_t i = 0; i < dm->nitems; i++) {
            const res_item_t *it = &dm->items[i];
            tdf(d, C_TEXT, "%s%s", it->name, it->reverse ? T(d, "（反向）", " (R)") : "");
            td(d, it->label ? it->label : "", C_TEXT);
            td(d, fcount(d, it->n), C_NUM);
            td(d, fnum(d, it->mean, 2), C_NUM);
            td(d, fnum(d, it->sd, 2), C_NUM);
            td(d, fnum(d, it->r_drop, 2), C_NUM);
            td(d, fnum(d, it->alpha_if_dropped, 2), C_NUM);
        }
        table_end(d, NULL);
    }
}

static void write_files(doc_t *d, int n, const char *plot_note)
{
    const res_t *r = d->r;
    appendix(d, n, "files", T(d, "数据文件与图表", "Data files and plots"));
    list_begin(d, NULL);
    list_item(d, T(d, "dimensions.csv：各维度统计；groups.csv：各分组各维度统计（不含未列出的分组的得分）；items.csv：题目统计；"
                      "gaps.csv：自评与职工评价差距；changes.csv：两次调查比较。均为带BOM的UTF-8编码，可直接用Excel或WPS打开。",
                   "dimensions.csv (dimensions), groups.csv (groups x dimensions; no scores of hidden groups), "
                   "items.csv (items), gaps.csv (self vs staff), changes.csv (between waves): UTF-8 with a BOM, "
                   "so Excel and WPS open them directly."));
    if (d->nplots)
        list_item(d, T(d, "plots/ 目录：每张图都有 PNG 和 SVG 两种格式，以及 gnuplot 脚本（.gp）和数据（.dat）；修改脚本后在该目录运行 gnuplot 文件名.gp 即可重新生成。",
                       "plots/: every figure as PNG and SVG with its gnuplot script (.gp) and data (.dat); edit "
                       "a script and run gnuplot NAME.gp in that directory to re-draw it."));
    list_end(d);
    if (plot_note)
        para_cls(d, "warn", plot_note);
    size_t nw = 0;
    for (size_t i = 0; i < r->nwarnings; i++)
        nw += r->warnings[i] && !names_hidden(d, r->warnings[i]);
    if (nw) {
        subsection(d, T(d, "计算提示", "Warnings from the analysis"));
        list_begin(d, "warnings");
        for (size_t i = 0; i < r->nwarnings; i++)
            if (r->warnings[i] && !names_hidden(d, r->warnings[i]))
                list_item(d, r->warnings[i]);
        list_end(d);
    }
}

/* ---- files ---- */

static int mkdir_p(const char *path, char **err)
{
    char *p = util_xstrdup(path);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char save = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                util_seterr(err, "%s: cannot create directory: %s", p, strerror(errno));
                rc = -1;
                break;
            }
            *s = save;
            if (!save)
                break;
        }
    }
    free(p);
    return rc;
}

static int save(const char *dir, const char *name, const util_buf_t *b, char **err)
{
    char *path = util_fmt("%s/%s", dir, name);
    int rc = -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        util_seterr(err, "%s: cannot write: %s", path, strerror(errno));
        goto cleanup;
    }
    size_t w = b->len ? fwrite(b->s, 1, b->len, f) : 0;
    if (fclose(f) != 0 || w != b->len) {
        util_seterr(err, "%s: write failed: %s", path, strerror(errno));
        goto cleanup;
    }
    rc = 0;
cleanup:
    free(path);
    return rc;
}

int report_write(const res_t *r, const char *dir, int with_plots, char **plot_err, char **err)
{
    doc_t d = {.r = r};
    int rc = -1;
    plot_t *plots = NULL;
    size_t nplots = 0;
    char *plotdir = util_fmt("%s/plots", dir), *perr = NULL, *plot_note = NULL;
    char *title = NULL, *subtitle = NULL;
    if (plot_err)
        *plot_err = NULL;
    d.zh = r->lang && strcmp(r->lang, "zh") == 0;
    if (mkdir_p(dir, err) != 0)
        goto cleanup;
    if (res_write_csv(r, dir, err) != 0)
        goto cleanup;
    if (!with_plots && plot_clear(plotdir, err) != 0)   /* no stale plots of an earlier run */
        goto cleanup;
    if (with_plots) {
        if (plot_all(r, plotdir, &plots, &nplots, &perr) != 0) {
            plot_note = util_fmt(d.zh ? "%s：%s" : "%s: %s",
                                 nplots ? (d.zh ? "部分图表未能生成" : "Some plots could not be drawn")
                                        : (d.zh ? "本报告未包含图表" : "This report has no plots"),
                                 perr ? perr : "gnuplot failed");
        }
        d.plotdir = plotdir;
        d.plots = plots;
        d.nplots = nplots;
    }

    d.hide = util_xcalloc(2 * r->ngroups + 1, sizeof *d.hide);
    size_t nshown = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        if (shown(r, i)) {
            nshown++;
            continue;
        }
        if (r->groups[i].code)
            d.hide[d.nhide++] = r->groups[i].code;
        if (r->groups[i].name)
            d.hide[d.nhide++] = r->groups[i].name;
    }
    char today[11];
    util_today(today);
    const char *wave = r->wave ? r->wave : "";
    title = d.zh ? util_fmt("%s调查分析报告", r->form_title ? r->form_title : "")
                 : util_fmt("%s: survey report", r->form_title ? r->form_title : "Survey");
    if (d.zh)
        subtitle = r->compare_wave ? util_fmt("调查轮次：%s　对比轮次：%s　生成日期：%s", wave, r->compare_wave, today)
                                   : util_fmt("调查轮次：%s　生成日期：%s", wave, today);
    else
        subtitle = r->compare_wave ? util_fmt("Wave %s, compared with %s. Written %s.", wave, r->compare_wave, today)
                                   : util_fmt("Wave %s. Written %s.", wave, today);
    write_head(&d, title, subtitle);
    if (plot_note)
        para_cls(&d, "warn", plot_note);
    else if (!with_plots)
        para_cls(&d, "note", T(&d, "本报告按要求未生成图表。", "Plots were not requested for this report."));
    write_overview(&d, nshown);
    write_findings(&d);
    write_dimensions(&d);
    write_units(&d, nshown);
    if (r->ngaps)
        write_gaps(&d);
    if (r->compare_wave)
        write_changes(&d);
    write_comments(&d);
    write_methods(&d, 1);
    write_anonymity(&d, 2);
    write_items(&d, 3);
    write_files(&d, 4, plot_note);
    util_buf_adds(&d.h, "</main>\n</body>\n</html>\n");
    if (save(dir, "report.html", &d.h, err) != 0 || save(dir, "report.md", &d.m, err) != 0)
        goto cleanup;
    if (plot_note && plot_err)
        *plot_err = util_xstrdup(perr ? perr : plot_note);
    rc = 0;
cleanup:
    util_buf_free(&d.h);
    util_buf_free(&d.m);
    free(d.hide);
    plot_list_free(plots, nplots);
    free(plotdir);
    free(perr);
    free(plot_note);
    free(title);
    free(subtitle);
    return rc;
}
