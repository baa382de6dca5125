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
#include "base/html.h"
#include "base/i18n.h"
#include "analysis/report/plot.h"
#include "analysis/report/render.h"
#include "base/util.h"

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

/* ---- escaping ---- */

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

/* 1 when text holds w: anywhere when w is not a plain word (a Chinese
 * name), else as a whole word (so code "U3" is not found in "U31"). */
static int mentions(const char *text, const char *w)
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
static int names_hidden(const doc_t *d, const char *text)
{
    for (size_t i = 0; i < d->nhide; i++)
        if (mentions(text, d->hide[i]))
            return 1;
    return 0;
}

static int shown(const res_t *r, size_t g)
{
    return g < r->ngroups && !r->groups[g].suppressed && r->groups[g].cells;
}

/* A finding about a hidden group is never written (the engine makes none,
 * and a res_t from elsewhere is held to the same rule). */
static int finding_shown(const res_t *r, const res_finding_t *f)
{
    return f->group < 0 || shown(r, (size_t)f->group);
}

/* ---- document pieces, written to both formats ---- */

/* The n-th numeral of the report's language (n from 1): the n-th word of
 * a translated list, so Chinese counts 一 二 三 where English counts 1 2 3;
 * digits past the end of the list. */
static const char *numeral(doc_t *d, int n)
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

static void section(doc_t *d, const char *id, const char *title)
{
    d->sec++;
    d->sub = 0;
    /* TRANSLATORS: a section heading: its numeral and its title */
    char *t = util_fmt(TR(d->zh, "%1$s %2$s"), numeral(d, d->sec), title);
    util_buf_addf(&d->h, "<h2 id=\"%s\">", id);
    html_esc(&d->h, t);
    util_buf_adds(&d->h, "</h2>\n");
    util_buf_adds(&d->m, "\n## ");
    md_add(&d->m, t);
    util_buf_adds(&d->m, "\n\n");
    free(t);
}

/* The n-th appendix's number: a letter in English, a numeral in Chinese. */
static const char *appendix_no(doc_t *d, int n)
{
    if (d->zh)
        return numeral(d, n);
    char *s = slot(d);
    snprintf(s, 64, "%c", 'A' + (n - 1) % 26);
    return s;
}

/* An appendix heading: "Appendix A. Methods"; Chinese numbers appendices
 * with its numerals, English with letters. */
static void appendix(doc_t *d, int n, const char *id, const char *title)
{
    d->sub = 0;
    /* TRANSLATORS: the letter is the appendix's numeral in the translation */
    char *t = util_fmt(TR(d->zh, "Appendix %s. %s"), appendix_no(d, n), title);
    util_buf_addf(&d->h, "<h2 id=\"%s\" class=\"appendix\">", id);
    html_esc(&d->h, t);
    util_buf_adds(&d->h, "</h2>\n");
    util_buf_adds(&d->m, "\n## ");
    md_add(&d->m, t);
    util_buf_adds(&d->m, "\n\n");
    free(t);
}

static void subsection(doc_t *d, const char *title)
{
    d->sub++;
    /* English numbers a sub-section under its section (2.1); Chinese on
     * its own, with a numeral in brackets */
    char *t = d->zh ? util_fmt(TR(d->zh, "(%s) %s"), numeral(d, d->sub), title)
                    : util_fmt("%d.%d %s", d->sec, d->sub, title);
    util_buf_adds(&d->h, "<h3>");
    html_esc(&d->h, t);
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
    html_esc(&d->h, title);
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
    html_esc(&d->h, text);
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
    html_esc(&d->h, text);
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
    char *cap = util_fmt(TR(d->zh, "Table %d. %s"), d->tab, caption);
    util_buf_adds(&d->h, "<div class=\"table\"><table>\n<caption>");
    html_esc(&d->h, cap);
    util_buf_adds(&d->h, "</caption>\n<thead><tr>");
    util_buf_adds(&d->m, "**");
    md_add(&d->m, cap);
    util_buf_adds(&d->m, "**\n\n|");
    va_list ap;
    va_start(ap, ncols);
    for (int i = 0; i < ncols; i++) {
        const char *c = va_arg(ap, const char *);
        util_buf_adds(&d->h, "<th>");
        html_esc(&d->h, c);
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
    html_esc(&d->h, text);
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
        html_esc(&d->h, note);
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
    char *cap = util_fmt(TR(d->zh, "Figure %d. %s"), d->fig, pl->title);
    static const char *const kinds[] = {"heatmap", "means", "funnel", "dumbbell",
                                        "likert",  "radar", "change", "response"};
    util_buf_addf(&d->h, "<figure id=\"fig-%s\" class=\"k-%s\">\n", pl->base,
                  (unsigned)pl->kind < 8 ? kinds[pl->kind] : "plot");
    inline_svg(&d->h, svg, d->fig, pl->title);
    util_buf_adds(&d->h, "<figcaption>");
    html_esc(&d->h, cap);
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

/* The noun for one group in running text: unit, or group when the groups
 * are the answers to a question such as position level.  English sentences
 * make its plural with "%ss". */
static const char *glabel(const doc_t *d)
{
    return by_unit(d) ? TR(d->zh, "unit") : TR(d->zh, "group");
}

/* The noun for n groups: "1 unit", "2 units" (Chinese has one form). */
static const char *gnoun(const doc_t *d, size_t n)
{
    if (by_unit(d))
        return n == 1 ? TR(d->zh, "unit") : TR(d->zh, "units");
    return n == 1 ? TR(d->zh, "group") : TR(d->zh, "groups");
}

/* The grouping itself, for headings: unit, or "Your position" (the
 * question, quoted). */
static char *grouping(const doc_t *d)
{
    if (by_unit(d))
        return util_xstrdup(TR(d->zh, "unit"));
    const char *q = d->r->group_label && *d->r->group_label ? d->r->group_label : d->r->group_by;
    /* TRANSLATORS: a question's text in quotation marks */
    return util_fmt(TR(d->zh, "\"%s\""), q);
}

/* ---- the sections ---- */

static void write_head(doc_t *d, const char *title, const char *subtitle)
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
    html_esc(&d->h, title);
    util_buf_adds(&d->h, "</h1>\n<p class=\"sub\">");
    html_esc(&d->h, subtitle);
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
    section(d, "overview", TR(d->zh, "Overview"));
    const char *gl = glabel(d);
    char *by = grouping(d);
    paraf(d, NULL,
          TR(d->zh, "This wave (%1$s) of the %2$s received %3$ld valid responses in %4$zu %5$s by %6$s. "
                    "Reported one by one: %7$zu %8$s with at least %9$d respondents. Not shown: %10$zu %11$s "
                    "with fewer, although their answers count in every population figure."),
          r->wave ? r->wave : "", r->form_title ? r->form_title : TR(d->zh, "survey"), r->respondents,
          r->ngroups, r->ngroups == 1 ? TR(d->zh, "group") : TR(d->zh, "groups"), by, nshown,
          gnoun(d, nshown), r->min_n, r->nsuppressed, gnoun(d, r->nsuppressed));
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
    if (nk)
        paraf(d, NULL,
              TR(d->zh, "Response rate: in the %1$zu %2$s whose number invited is known (tokens or "
                        "headcount), %3$s were invited and %4$s responded, %5$s overall; %8$s rates range "
                        "from %6$s to %7$s."),
              nk, gnoun(d, nk), fcount(d, sinv), fcount(d, sn), fpct(d, sn / sinv), fpct(d, lo), fpct(d, hi), gl);
    else
        para_cls(d, NULL, TR(d->zh, "Response rate: the number invited is not known (no tokens or headcounts), "
                                    "so no response rate is given."));
    /* the comparison is the fifth section: overview, findings, dimensions,
     * units, then self vs staff (report_write) */
    if (r->ngaps)
        paraf(d, NULL, TR(d->zh, "Self-assessments: %ld unit self-assessments of the same wave are "
                                 "compared with the staff's view (section %s)."),
              r->self_responses, numeral(d, 5));

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
                          dim_name(dm), dm->alpha);
            nlow++;
        }
    }
    if (isfinite(alo) && nlow)
        paraf(d, NULL,
              TR(d->zh, "Reliability: Cronbach's alpha of the dimensions ranges from %.2f to %.2f; below "
                        "0.70, so to be read with care: %s."),
              alo, ahi, low.s);
    else if (isfinite(alo))
        paraf(d, NULL, TR(d->zh, "Reliability: Cronbach's alpha of the dimensions ranges from %.2f to %.2f."),
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
        paraf(d, NULL, TR(d->zh, "Overall level: the mean of the %zu dimension means (0-100) is %s; highest %s "
                                 "(%s), lowest %s (%s)."),
              nm, fnum(d, sum / (double)nm, 1), dim_name(top), fnum(d, top->mean, 1), dim_name(bottom),
              fnum(d, bottom->mean, 1));
    figures(d, PLOT_MEANS);
    figures(d, PLOT_RESPONSE);
}

static const struct {
    res_fkind_t kind;
    const char *title;   /* translated when written */
} fkinds[] = {
    {RES_F_WEAK_DIMENSION, N_("Weak dimensions")},
    {RES_F_WEAK_UNIT, N_("Weak units")},
    {RES_F_OVERCLAIM, N_("Self-assessment above the staff's view (overclaim)")},
    {RES_F_UNDERCLAIM, N_("Self-assessment below the staff's view (underclaim)")},
    {RES_F_DECLINED, N_("Declines since the previous wave")},
    {RES_F_IMPROVED, N_("Improvements since the previous wave")},
    {RES_F_UNRELIABLE, N_("Low reliability")},
    {RES_F_LOW_RESPONSE, N_("Low response")},
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
        keep[i] = r->findings[i].kind == k && finding_shown(r, &r->findings[i]);
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

static void write_findings(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    section(d, "findings", TR(d->zh, "Main findings"));
    size_t total = 0;
    char *keep = util_xcalloc(r->nfindings + 1, 1);
    for (size_t k = 0; k < sizeof fkinds / sizeof fkinds[0]; k++) {
        size_t n = 0;
        for (size_t i = 0; i < r->nfindings; i++)
            n += r->findings[i].kind == fkinds[k].kind && finding_shown(r, &r->findings[i]);
        if (!n)
            continue;
        size_t m = pick_findings(d, fkinds[k].kind, nshown, keep);
        subsection(d, TR(d->zh, fkinds[k].title));
        list_begin(d, "findings");
        for (size_t i = 0; i < r->nfindings; i++)
            if (keep[i]) {
                char *text = render_finding(r, &r->findings[i], d->zh);
                list_item(d, text);
                free(text);
            }
        list_end(d);
        if (m < n && fkinds[k].kind == RES_F_WEAK_UNIT)
            paraf(d, "note",
                  TR(d->zh, "With %1$zu such findings, the list shows %2$zu: those of the %3$ss with the largest "
                            "shortfalls. Every weak score is in the tables below and groups.csv."),
                  n, m, glabel(d));
        else if (m < n)
            paraf(d, "note",
                  TR(d->zh, "With %1$zu such findings, the list shows the first %2$zu. Every one is in the "
                            "tables below and the CSV files."),
                  n, m);
        total += n;
    }
    free(keep);
    if (!total)
        paraf(d, NULL, TR(d->zh, "By this report's rules (BH-adjusted q < %g and a difference of at least "
                                 "%g points), no weak dimension, weak %s, self-vs-staff gap or significant "
                                 "change was found."),
              r->fdr, r->min_diff, glabel(d));
}

static void write_dimensions(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    section(d, "dimensions", TR(d->zh, "Dimensions"));
    paraf(d, NULL, TR(d->zh, "Table %d gives each dimension's score and reliability; \"deviation\" is the mean "
                             "difference between a respondent's score on the dimension and that respondent's own "
                             "average over all dimensions: a significant negative value marks a dimension "
                             "people rate low relative to the rest. Table %d tests the differences between "
                             "%ss."),
          d->tab + 1, d->tab + 2, glabel(d));
    /* xgettext:no-c-format */
    const char *ci = TR(d->zh, "95% CI");
    /* xgettext:no-c-format */
    const char *aci = TR(d->zh, "alpha (95% CI)");
    table_begin(d, TR(d->zh, "Dimension scores and reliability"), 10, TR(d->zh, "dimension"), TR(d->zh, "n"),
                TR(d->zh, "mean"), TR(d->zh, "SD"), ci, aci, TR(d->zh, "rank"), TR(d->zh, "deviation"), "q",
                TR(d->zh, "verdict"));
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
        td(d, dm->weak ? TR(d->zh, "▼ weak") : "", dm->weak ? C_WEAK : C_TEXT);
    }
    table_end(d, TR(d->zh, "Scores are 0-100 (POMP); q is the Benjamini-Hochberg adjusted p value; ▼ marks a "
                           "weak dimension."));

    table_begin(d, TR(d->zh, "Differences between groups"), 9, TR(d->zh, "dimension"), TR(d->zh, "F (df)"),
                "p", "η²", "ω²", TR(d->zh, "Welch F (p)"), TR(d->zh, "Kruskal-Wallis H (p)"), "ICC(1)",
                "ICC(2)");
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
    table_end(d, TR(d->zh, "Between-group tests use every group, including those not shown; \"—\" means the "
                           "statistic could not be computed."));
    figures(d, PLOT_LIKERT);
    figures(d, PLOT_FUNNEL);
    if (d->plotdir && nshown < PLOT_FUNNEL_MIN_GROUPS)
        paraf(d, "note",
              i18n_npick(d->zh, "There are no funnel plots: they compare %2$ss, and only %1$zu %2$s has at least %3$d "
                                "respondents.",
                         "There are no funnel plots: they compare %2$ss, and only %1$zu %2$ss have at least %3$d "
                         "respondents.",
                         nshown),
              nshown, glabel(d), r->min_n);
}

/* The table of groups x dimensions for the groups rows[0..nrows), with a
 * last row for all respondents; cap is the caption without its number. */
static void units_table(doc_t *d, const size_t *rows, size_t nrows, const char *cap, const char *note)
{
    const res_t *r = d->r;
    /* a table of variable width: header built here */
    d->tab++;
    char *capn = util_fmt(TR(d->zh, "Table %d. %s"), d->tab, cap);
    util_buf_adds(&d->h, "<div class=\"table\"><table class=\"units\">\n<caption>");
    html_esc(&d->h, capn);
    const char *col1 = by_unit(d) ? TR(d->zh, "unit")
                       : d->r->group_label && *d->r->group_label ? d->r->group_label : d->r->group_by;
    util_buf_adds(&d->h, "</caption>\n<thead><tr><th>");
    html_esc(&d->h, col1);
    util_buf_adds(&d->h, "</th><th>");
    html_esc(&d->h, TR(d->zh, "n"));
    util_buf_adds(&d->h, "</th><th>");
    html_esc(&d->h, TR(d->zh, "response"));
    util_buf_adds(&d->h, "</th>");
    util_buf_adds(&d->m, "**");
    md_add(&d->m, capn);
    util_buf_adds(&d->m, "**\n\n| ");
    md_add(&d->m, col1);
    util_buf_adds(&d->m, " | ");
    md_add(&d->m, TR(d->zh, "n"));
    util_buf_adds(&d->m, " | ");
    md_add(&d->m, TR(d->zh, "response"));
    util_buf_adds(&d->m, " |");
    for (size_t j = 0; j < r->ndims; j++) {
        util_buf_adds(&d->h, "<th>");
        html_esc(&d->h, dim_name(&r->dims[j]));
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
    for (size_t k = 0; k < nrows; k++) {
        const res_group_t *g = &r->groups[rows[k]];
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
                  TR(d->zh, "all"), r->respondents);
    util_buf_addf(&d->m, "| %s | %ld | |", TR(d->zh, "all"), r->respondents);
    for (size_t j = 0; j < r->ndims; j++) {
        util_buf_addf(&d->h, "<td class=\"n\">%s</td>", fnum(d, r->dims[j].mean, 1));
        util_buf_addf(&d->m, " %s |", fnum(d, r->dims[j].mean, 1));
    }
    util_buf_adds(&d->h, "</tr>\n");
    util_buf_addc(&d->m, '\n');
    table_end(d, note);
    free(capn);
}

/* Where a group's point lies in the funnel plot, by res_funnel_t. */
static const char *const funnel_pos[] = {N_("inside"), N_("below 95%"), N_("below 99.8%"), N_("above 95%"),
                                         N_("above 99.8%")};

/* The appendix with every group's scores, when the body shows only the
 * most notable (write_units): Appendix E, after the four fixed ones. */
enum { APPENDIX_ALL = 5 };

static void write_all_units(doc_t *d, size_t nshown)
{
    const res_t *r = d->r;
    appendix(d, APPENDIX_ALL, "all-units",
             by_unit(d) ? TR(d->zh, "Scores of every unit") : TR(d->zh, "Scores of every group"));
    size_t *rows = util_xcalloc(nshown + 1, sizeof *rows), nrows = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        if (shown(r, i))
            rows[nrows++] = i;
    char *by = grouping(d);
    char *cap = by_unit(d) ? util_xstrdup(TR(d->zh, "Mean scores by unit and dimension"))
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
    char *by = grouping(d);
    char *title = by_unit(d) ? util_xstrdup(TR(d->zh, "Results by unit")) : util_fmt(TR(d->zh, "Results by %s"), by);
    section(d, "units", title);
    free(title);
    if (!nshown || !r->ndims) {
        paraf(d, NULL, TR(d->zh, "No %2$s reached %1$d respondents, so none is shown on its own."), r->min_n,
              glabel(d));
        free(by);
        return;
    }
    paraf(d, NULL, TR(d->zh, "Table %d gives each %s's mean score on each dimension; ▼ marks a score "
                             "significantly below all other respondents (Welch t test, BH-adjusted q < %g, "
                             "at least %g points lower)."),
          d->tab + 1, glabel(d), r->fdr, r->min_diff);
    char *cap = by_unit(d) ? util_xstrdup(TR(d->zh, "Mean scores by unit and dimension"))
                           : util_fmt(TR(d->zh, "Mean scores by %s and dimension"), by);
    free(by);
    /* Past PLOT_ROWS_MAX groups the table here, like the heatmap, holds the
     * most notable ones; every group is in an appendix and groups.csv. */
    size_t *rows = util_xcalloc(nshown + 1, sizeof *rows), nrows = 0;
    if (nshown > PLOT_ROWS_MAX) {
        nrows = plot_notable(r, rows, PLOT_ROWS_MAX, NULL);
        paraf(d, NULL,
              TR(d->zh, "With %1$zu %2$ss, the table and the figure below show the %3$zu whose weak scores fall "
                        "furthest below all other respondents (the shortfalls summed over the dimensions); "
                        "Appendix %4$s and groups.csv give every %2$s."),
              nshown, glabel(d), nrows, appendix_no(d, APPENDIX_ALL));
        char *c2 = util_fmt(TR(d->zh, "%s: the %zu with the largest shortfalls"), cap, nrows);
        free(cap);
        cap = c2;
    } else {
        for (size_t i = 0; i < r->ngroups; i++)
            if (shown(r, i))
                rows[nrows++] = i;
    }
    units_table(d, rows, nrows, cap, TR(d->zh, "▼ marks a weak score; \"all\" includes the respondents of "
                                               "groups not shown."));
    free(rows);
    free(cap);
    figures(d, PLOT_HEATMAP);

    /* the weak cells in detail */
    size_t nweak = 0;
    for (size_t i = 0; i < r->ngroups; i++)
        for (size_t j = 0; shown(r, i) && j < r->ndims; j++)
            nweak += r->groups[i].cells[j].weak != 0;
    subsection(d, TR(d->zh, "Weak scores in detail"));
    if (!nweak) {
        paraf(d, NULL, TR(d->zh, "No %s scores significantly below all other respondents on any dimension."),
              glabel(d));
    } else {
        table_begin(d, TR(d->zh, "Weak scores"), 10, glabel(d), TR(d->zh, "dimension"), TR(d->zh, "n"),
                    TR(d->zh, "mean"), TR(d->zh, "difference"), "t", "q", TR(d->zh, "shrunk"), "rwg(j)",
                    TR(d->zh, "funnel"));
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
                td(d, (unsigned)c->funnel < 5 ? TR(d->zh, funnel_pos[c->funnel]) : "", C_TEXT);
                row_end(d);
            }
        }
        table_end(d, TR(d->zh, "\"Shrunk\" is the empirical-Bayes shrunk mean; rwg(j) is within-group agreement "
                               "(closer to 1, more agreement)."));
    }
    size_t nradar = 0, nflagged = 0;
    for (size_t i = 0; i < d->nplots; i++)
        nradar += d->plots[i].kind == PLOT_RADAR;
    plot_notable(r, NULL, 0, &nflagged);
    if (d->plotdir && nradar && nradar < nflagged)
        paraf(d, NULL, TR(d->zh, "The radar plots below show the %1$zu %2$ss with the largest shortfalls; %3$zu "
                                 "%2$ss have at least one weak score (all of them in the tables above and "
                                 "groups.csv)."),
              nradar, glabel(d), nflagged);
    figures(d, PLOT_RADAR);
}

static void write_gaps(doc_t *d)
{
    const res_t *r = d->r;
    section(d, "gaps", TR(d->zh, "Self-assessment and the staff's view"));
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
    paraf(d, NULL, TR(d->zh, "%zu units have both a self-assessment and staff responses: %zu unit x dimension "
                             "pairs. A self-assessment is one response, so it is compared with the range of one "
                             "staff member's score (95%% prediction interval): a self score above that range, "
                             "at least %g points higher, on a self-assessment that is high as a whole or "
                             "strikingly high on that dimension (see Methods), is an overclaim (%zu pairs); the "
                             "same below, an underclaim (%zu pairs). Overclaiming is what the research called "
                             "\"saying counts as doing, doing counts as doing well\"."),
          units, n, r->min_diff, over, under);
    if (over + under) {
        /* xgettext:no-c-format */
        const char *staff = TR(d->zh, "staff (one member's 95% range)");
        table_begin(d, TR(d->zh, "Pairs where self and staff differ"), 6, TR(d->zh, "unit"), TR(d->zh, "dimension"),
                    TR(d->zh, "self"), staff, TR(d->zh, "gap"), TR(d->zh, "verdict"));
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
            tdf(d, C_NUM, "%s (%s–%s)", fnum(d, g->staff, 1), fnum(d, g->pi_low, 1), fnum(d, g->pi_high, 1));
            td(d, fsigned(d, g->gap, 1), pass ? C_GOOD : C_WEAK);
            td(d, pass ? TR(d->zh, "underclaim") : TR(d->zh, "▲ overclaim"), pass ? C_TEXT : C_WEAK);
            row_end(d);
        }
        free(ord);
        table_end(d, TR(d->zh, "Sorted by the size of the gap; every pair is in gaps.csv."));
    }
    figures(d, PLOT_DUMBBELL);
}

static void write_changes(doc_t *d)
{
    const res_t *r = d->r;
    char *t = util_fmt(TR(d->zh, "Change since wave %s"), r->compare_wave);
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
        paraf(d, NULL, TR(d->zh, "Wave %s holds no data to compare with."), r->compare_wave);
        return;
    }
    paraf(d, NULL, TR(d->zh, "Scores of this wave (%s) are compared with %s by Welch t tests; a change with "
                             "BH-adjusted q < %g and at least %g points is an improvement or a decline."),
          r->wave ? r->wave : "", r->compare_wave, r->fdr, r->min_diff);
    /* by res_changeflag_t */
    static const char *const verdict[] = {N_("stable"), N_("▲ improved"), N_("▼ declined")};
    if (npop) {
        table_begin(d, TR(d->zh, "Change by dimension (all respondents)"), 7, TR(d->zh, "dimension"),
                    r->compare_wave, r->wave, TR(d->zh, "change"), "t", "q", TR(d->zh, "verdict"));
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
            td(d, TR(d->zh, verdict[c->flag % 3]), k == C_NUM ? C_TEXT : k);
        }
        table_end(d, NULL);
    }
    figures(d, PLOT_CHANGE);
    if (nflag) {
        char *cap = util_fmt(TR(d->zh, "Significant changes by %s"), glabel(d));
        table_begin(d, cap, 7, glabel(d), TR(d->zh, "dimension"), r->compare_wave, r->wave, TR(d->zh, "change"),
                    "q", TR(d->zh, "verdict"));
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
                td(d, TR(d->zh, verdict[c->flag % 3]), pass ? C_GOOD : C_WEAK);
            }
        table_end(d, TR(d->zh, "Every comparison is in changes.csv."));
    } else {
        paraf(d, NULL, TR(d->zh, "No %s changed significantly on any dimension."), glabel(d));
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
    section(d, "comments", TR(d->zh, "Staff comments"));
    paraf(d, "note", TR(d->zh, "Verbatim answers to the open question, quoted only for units of at least %1$d "
                               "respondents, at most %2$d per unit, in an order set by their text alone (not "
                               "the order they came in)."),
          r->comment_min, RES_COMMENTS_KEPT);
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
    appendix(d, n, "methods", TR(d->zh, "Methods"));
    list_begin(d, "methods");
    list_item(d, TR(d->zh, "Scoring (POMP): Likert items are scored by their choice codes (1-5 on a five-point "
                           "scale); reversed items become min + max - x. A respondent's dimension score is the "
                           "mean of the items answered in that dimension, rescaled to 0-100: 100 x (mean - "
                           "min) / (max - min). It is missing when fewer than half of the dimension's items "
                           "are answered. Bonus and deduction points are summed separately and never mixed "
                           "into the 0-100 score."));
    list_item(d, TR(d->zh, "Item statistics (n, mean, SD) describe the answers as given, before reversal; "
                           "everything else uses the reversed scores."));
    list_item(d, TR(d->zh, "Confidence intervals of means are t intervals (95%). Where everyone in a group gave "
                           "the same score there is no interval (R's t.test refuses such \"essentially "
                           "constant\" data); a warning says so."));
    /* xgettext:no-c-format */
    list_item(d, TR(d->zh, "Reliability, on respondents who answered every item of the dimension: Cronbach's "
                           "alpha = k/(k-1) x (1 - sum of item variances / variance of the total), "
                           "standardised alpha and the average inter-item correlation, with Feldt's 95% "
                           "interval for alpha (F distribution); per item the corrected item-total correlation "
                           "and alpha if the item is dropped. Below 0.70, conclusions on the dimension need "
                           "care."));
    list_item(d, TR(d->zh, "Differences between groups: one-way ANOVA of respondents' scores with F, p, eta "
                           "squared (between sum of squares / total) and omega squared = max(0, (SSB - dfB x "
                           "MSW) / (SST + MSW)); Welch's ANOVA, which does not assume equal variances; and the "
                           "Kruskal-Wallis test with tie correction, which does not assume normality. These use "
                           "the published blocks: every shown group, and one block pooling the hidden groups "
                           "with the respondents in no group, so that no hidden group's mean can be solved from "
                           "them."));
    list_item(d, TR(d->zh, "Intraclass correlation: ICC(1) = (MSB - MSW) / (MSB + (k-1) MSW), the share of "
                           "score variance that lies between groups; ICC(2) = (MSB - MSW) / MSB, the "
                           "reliability of group means; k is the mean block size, over the same blocks as the "
                           "ANOVA. A statistic that cannot be computed is shown as \"—\", and the warnings "
                           "say why."));
    list_itemf(d, TR(d->zh, "Weak dimension: for each respondent, the score on the dimension minus that "
                            "respondent's mean over the other dimensions (respondents with no other scored "
                            "dimension are left out); a one-sample t test of the mean difference against 0; p "
                            "values adjusted across dimensions by Benjamini-Hochberg (BH) into q values. Weak "
                            "when q < %g and the mean difference is at most -%g points. This compares how the "
                            "same people rate different dimensions, so lenient or strict raters do not matter."),
               r->fdr, r->min_diff);
    list_itemf(d, TR(d->zh, "Weak group: for each shown group x dimension, a Welch t test of the group's "
                            "scores against all other respondents' (those of groups not shown included), "
                            "BH-adjusted over every tested pair; weak when q < %g and the group is at least %g "
                            "points lower."),
               r->fdr, r->min_diff);
    list_item(d, TR(d->zh, "Within-group agreement rwg(j): on the dimension's items as answered, missing answers "
                           "dropped per item; J counts the items answered at least twice in the group; each "
                           "item's variance is divided by its own scale's null variance (A^2 - 1)/12 for an "
                           "A-point list, and the mean ratio is truncated at 1. Closer to 1 means more "
                           "agreement; with no such item there is no value."));
    list_item(d, TR(d->zh, "Shrinkage (empirical Bayes): small groups' means are noisy, so a shrunk mean is "
                           "given too: grand + B x (mean - grand), B = tau^2 / (tau^2 + MSW/n), tau^2 = max(0, "
                           "(MSB - MSW) / k), grand = the mean of all respondents' scores."));
    list_item(d, TR(d->zh, "Funnel plots: limits grand +/- z x sqrt(MSW/n + tau^2) (Spiegelhalter 2005) with z "
                           "= 1.96 (95%) and 3.09 (99.8%), drawn as curves over n; groups outside are labelled. "
                           "Where tau^2 or MSW is undefined (a single block) there is no position."));
    list_itemf(d, TR(d->zh, "Self vs staff: a unit's self-assessment (same wave, a self-assessment form with "
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
        list_itemf(d, TR(d->zh, "What one response can show: for a unit of %.0f staff (the median here), whose "
                                "scores on a dimension spread with SD %.1f, a self score is flagged only when it "
                                "lies at least %.1f points from the staff mean and the self-assessment's mean "
                                "over the dimensions lies at least %.1f points from the staff's (SD %.1f), or "
                                "at least %.1f points on that dimension alone. Smaller gaps may be real but "
                                "cannot be told from one person's own view."),
                   r->gap_detect.n, r->gap_detect.sd, r->gap_detect.dim, r->gap_detect.overall,
                   r->gap_detect.sd_overall, r->gap_detect.alone);
    list_itemf(d, TR(d->zh, "Change between waves: per dimension (all respondents) and per group x dimension, "
                            "a Welch t test of this wave against the earlier one, BH-adjusted; improved or "
                            "declined when q < %g and the change is at least %g points."),
               r->fdr, r->min_diff);
    list_item(d, TR(d->zh, "BH adjustment controls the false discovery rate: among results called significant, "
                           "the expected share of false ones stays below the chosen level."));
    list_item(d, TR(d->zh, "Precision: the tables and the CSV files round scores to 2 decimals, test "
                           "statistics to 2, correlations and effect sizes to 3, p and q values to 3 "
                           "significant digits; analyze --json keeps full precision for programs."));
    list_end(d);
    paraf(d, NULL, TR(d->zh, "Settings of this analysis: minimum group size %d, minimum difference %g points, "
                             "false discovery rate %g."),
          r->min_n, r->min_diff, r->fdr);
}

static void write_anonymity(doc_t *d, int n)
{
    const res_t *r = d->r;
    appendix(d, n, "anonymity", TR(d->zh, "Anonymity"));
    paraf(d, NULL,
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
          r->min_n, r->nsuppressed, glabel(d));
    paraf(d, NULL,
          TR(d->zh, "Comments are quoted only under units of at least %1$d respondents (never fewer than the "
                    "minimum group size), at most %2$d per unit, in an order set by their text alone; never "
                    "under groups of another grouping (position, party...), where the same comment under a "
                    "unit would name its author as one of the few in both. No token, IP address or time of "
                    "day is stored with an answer, only the date."),
          r->comment_min, RES_COMMENTS_KEPT);
    paraf(d, NULL,
          TR(d->zh, "Statistics across groups (ANOVA, Welch, Kruskal-Wallis, ICC, eta and omega squared) "
                    "treat the hidden %1$ss and the respondents in no %1$s as one pooled block, so that no "
                    "hidden %1$s's mean can be solved from them. A comparison with an earlier wave hides "
                    "the same way in that wave (minimum group size, complement and differencing), and a "
                    "%1$s hidden in either wave has no change."),
          glabel(d));
}

static void write_items(doc_t *d, int n)
{
    const res_t *r = d->r;
    appendix(d, n, "items", TR(d->zh, "Items"));
    para_cls(d, "note", TR(d->zh, "Means and SDs are of the answers as given (before reversal); the corrected "
                                  "item-total correlation and alpha if dropped use reversed scores."));
    for (size_t j = 0; j < r->ndims; j++) {
        const res_dim_t *dm = &r->dims[j];
        if (!dm->nitems)
            continue;
        table_begin(d, dim_name(dm), 7, TR(d->zh, "item"), TR(d->zh, "text"), TR(d->zh, "n"), TR(d->zh, "mean"),
                    TR(d->zh, "SD"), TR(d->zh, "r.drop"), TR(d->zh, "alpha if dropped"));
        for (size_t i = 0; i < dm->nitems; i++) {
            const res_item_t *it = &dm->items[i];
            tdf(d, C_TEXT, "%s%s", it->name, it->reverse ? TR(d->zh, " (R)") : "");
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
    appendix(d, n, "files", TR(d->zh, "Data files and plots"));
    list_begin(d, NULL);
    list_item(d, TR(d->zh, "dimensions.csv (dimensions), groups.csv (groups x dimensions; no scores of hidden "
                           "groups), items.csv (items), gaps.csv (self vs staff), changes.csv (between waves): "
                           "UTF-8 with a BOM, so Excel and WPS open them directly."));
    if (d->nplots)
        list_item(d, TR(d->zh, "plots/: every figure as PNG and SVG with its gnuplot script (.gp) and data (.dat); "
                               "edit a script and run gnuplot NAME.gp in that directory to re-draw it."));
    list_end(d);
    if (plot_note)
        para_cls(d, "warn", plot_note);
    if (r->nwarnings) {   /* about dimensions and counts: none names a group */
        subsection(d, TR(d->zh, "Warnings from the analysis"));
        list_begin(d, "warnings");
        for (size_t i = 0; i < r->nwarnings; i++) {
            char *text = render_warning(r, &r->warnings[i], d->zh);
            list_item(d, text);
            free(text);
        }
        list_end(d);
    }
}

/* ---- files ---- */

/* A report is replaced whole: whoever has report.html open, or a crash
 * halfway, sees the old file or the new one. */
static int save(const char *dir, const char *name, const util_buf_t *b, char **err)
{
    char *path = util_fmt("%s/%s", dir, name);
    int rc = fs_write_atomic(path, b->s, b->len, err);
    free(path);
    return rc;
}

int report_write_progress(const res_t *r, const char *dir, int with_plots, plot_progress_fn fn, void *arg,
                          char **plot_err, char **err)
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
                                 perr ? perr : TR(d.zh, "gnuplot failed"));
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
    title = util_fmt(TR(d.zh, "%s: survey report"), r->form_title ? r->form_title : TR(d.zh, "Survey"));
    subtitle = r->compare_wave ? util_fmt(TR(d.zh, "Wave %s, compared with %s. Written %s."), wave, r->compare_wave,
                                          today)
                               : util_fmt(TR(d.zh, "Wave %s. Written %s."), wave, today);
    write_head(&d, title, subtitle);
    for (size_t i = 0; i < r->nwarnings; i++)
        if (r->warnings[i].kind == RES_W_SMALL_MIN_N) {   /* on the first page, where it cannot be missed */
            char *text = render_warning(r, &r->warnings[i], d.zh);
            para_cls(&d, "warn", text);
            free(text);
        }
    if (plot_note)
        para_cls(&d, "warn", plot_note);
    else if (!with_plots)
        para_cls(&d, "note", TR(d.zh, "Plots were not requested for this report."));
    write_overview(&d, nshown);
    write_findings(&d, nshown);
    write_dimensions(&d, nshown);
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
    if (nshown > PLOT_ROWS_MAX && r->ndims)
        write_all_units(&d, nshown);
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

int report_write(const res_t *r, const char *dir, int with_plots, char **plot_err, char **err)
{
    return report_write_progress(r, dir, with_plots, NULL, NULL, plot_err, err);
}
