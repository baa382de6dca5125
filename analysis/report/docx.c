/*
 * docx: the Word document of a report (docx.h).  The body is built as
 * WordprocessingML text while the report is written; docx_save adds the
 * parts around it (styles, numbering, fonts, settings, footer, relations,
 * properties) and zips everything with libzip.
 *
 * Two things are settled only at the end and so kept aside: the table of
 * contents, which lists headings written after it (entries with PAGEREF
 * fields to bookmarks on the headings, so an office suite fills in the
 * page numbers), and a table, whose column widths need all its cells.
 */
#include "analysis/report/docx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"

/* The empty paragraph after a table without a note (docx_table_end). */
#define TABLE_GAP "<w:p><w:pPr><w:pStyle w:val=\"TableNote\"/></w:pPr></w:p>\n"

/* Page geometry in twips (1/1440 inch).  Chinese: GB/T 9704 margins
 * (37 mm top, 35 bottom, 28 left, 26 right); English: one inch. */
typedef struct {
    int top, bottom, left, right;
    int body_hp;                 /* body text size in half-points */
    int table_hp[3];             /* table text sizes tried, largest first */
} layout_t;

static const layout_t lay_zh = {2098, 1984, 1588, 1474, 32, {21, 18, 15}};
static const layout_t lay_en = {1440, 1440, 1440, 1440, 22, {18, 16, 14}};

#define PAGE_W 11906
#define PAGE_H 16838
#define CELL_MAR 57              /* twips left and right in a cell (1 mm) */
#define EMU_PER_TWIP 635

typedef struct {
    char *text;
    docx_cell_t kind;
} cell_t;

typedef struct {
    int level, id;
    char *text;
} toc_t;

struct docx {
    int zh, no_contents;
    const layout_t *lay;
    util_buf_t head, body;       /* before and after the table of contents */
    toc_t *toc;
    size_t ntoc, ctoc;
    int nbook, nlists, list_num, ntab, nfig;
    char **media;                /* PNG paths, word/media/imageN.png */
    size_t nmedia;
    /* the table being collected */
    int ncols;
    char **heads;
    char *pattern, *caption;
    cell_t *cells;
    size_t ncells, ccells;
};

static int text_w(const docx_t *x)
{
    return PAGE_W - x->lay->left - x->lay->right;
}

/* How text may break across lines, for measure (with the tables) */
enum { BREAK_NONE, BREAK_WORDS, BREAK_CJK };
static void measure(const char *s, int brk, int bold, int *full, int *unit);

/* ---- text ---- */

/* Text as XML character data: & < > " escaped, control characters (which
 * XML 1.0 forbids) as spaces, invalid UTF-8 as U+FFFD. */
static void x_esc(util_buf_t *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    while (n) {
        unsigned cp;
        int k = util_utf8_decode(s, n, &cp);
        if (cp == '&')
            util_buf_adds(b, "&amp;");
        else if (cp == '<')
            util_buf_adds(b, "&lt;");
        else if (cp == '>')
            util_buf_adds(b, "&gt;");
        else if (cp == '"')
            util_buf_adds(b, "&quot;");
        else if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
            util_buf_addc(b, ' ');
        else if (cp == 0xFFFD && k == 1 && (unsigned char)*s >= 0x80)
            util_buf_adds(b, "\xEF\xBF\xBD");
        else
            util_buf_add(b, s, (size_t)k);
        s += k;
        n -= (size_t)k;
    }
}

/* A run of text with run properties rpr (may be NULL). */
static void x_run(util_buf_t *b, const char *rpr, const char *text)
{
    util_buf_adds(b, "<w:r>");
    if (rpr && *rpr)
        util_buf_addf(b, "<w:rPr>%s</w:rPr>", rpr);
    util_buf_adds(b, "<w:t xml:space=\"preserve\">");
    x_esc(b, text);
    util_buf_adds(b, "</w:t></w:r>");
}

/* A run of running text: a minus before a number (" -9.03", "（-15.6")
 * is written as the minus sign U+2212, which a line break does not part
 * from its digits as it parts a hyphen ("t = -" at a line's end, "9.03"
 * on the next).  Table cells keep their hyphens: a cell does not wrap
 * inside a number. */
static void x_prose(util_buf_t *b, const char *text)
{
    util_buf_t t = {0};
    for (const char *s = text ? text : ""; *s; s++) {
        int after_space = s == text || strchr(" (=", s[-1]) || (unsigned char)s[-1] >= 0x80;
        if (*s == '-' && after_space && s[1] >= '0' && s[1] <= '9')
            util_buf_adds(&t, "\xE2\x88\x92");
        else
            util_buf_addc(&t, *s);
    }
    x_run(b, NULL, t.s ? t.s : "");
    util_buf_free(&t);
}

/* A complex field: instr with result shown until it is updated. */
static void x_field(util_buf_t *b, const char *instr, const char *result)
{
    util_buf_adds(b, "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> ");
    x_esc(b, instr);
    util_buf_adds(b, " </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>");
    x_run(b, NULL, result);
    util_buf_adds(b, "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>");
}

/* ---- life ---- */

docx_t *docx_new(int zh)
{
    docx_t *x = util_xcalloc(1, sizeof *x);
    x->zh = zh;
    x->lay = zh ? &lay_zh : &lay_en;
    return x;
}

static void table_clear(docx_t *x)
{
    for (int i = 0; i < x->ncols; i++)
        free(x->heads[i]);
    free(x->heads);
    x->heads = NULL;
    for (size_t i = 0; i < x->ncells; i++)
        free(x->cells[i].text);
    free(x->cells);
    x->cells = NULL;
    x->ncells = x->ccells = 0;
    free(x->pattern);
    free(x->caption);
    x->pattern = x->caption = NULL;
    x->ncols = 0;
}

void docx_free(docx_t *x)
{
    if (!x)
        return;
    table_clear(x);
    util_buf_free(&x->head);
    util_buf_free(&x->body);
    for (size_t i = 0; i < x->ntoc; i++)
        free(x->toc[i].text);
    free(x->toc);
    for (size_t i = 0; i < x->nmedia; i++)
        free(x->media[i]);
    free(x->media);
    free(x);
}

/* ---- paragraphs ---- */

void docx_contents(docx_t *x, int on)
{
    x->no_contents = !on;
}

void docx_title(docx_t *x, const char *title, const char *subtitle)
{
    util_buf_adds(&x->head, "<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr>");
    x_run(&x->head, NULL, title);
    util_buf_adds(&x->head, "</w:p><w:p><w:pPr><w:pStyle w:val=\"Subtitle\"/></w:pPr>");
    /* a subtitle wider than the text ("调查轮次：…　对比轮次：…　生成日期：…"
     * at 三号) goes on a second line after its last ideographic space,
     * not wherever the line happens to end (inside the date) */
    int full, unit;
    measure(subtitle, BREAK_NONE, 0, &full, &unit);
    const char *sp = NULL;
    for (const char *s = strstr(subtitle, "\xE3\x80\x80"); s; s = strstr(s + 3, "\xE3\x80\x80"))
        sp = s;
    if (sp && (long)full * x->lay->body_hp / 2 > text_w(x)) {
        char *first = util_xstrndup(subtitle, (size_t)(sp - subtitle));
        x_run(&x->head, NULL, first);
        free(first);
        util_buf_adds(&x->head, "<w:r><w:br/></w:r>");
        x_run(&x->head, NULL, sp + 3);
    } else {
        x_run(&x->head, NULL, subtitle);
    }
    util_buf_adds(&x->head, "</w:p>");
}

void docx_heading(docx_t *x, int level, const char *shown, const char *title, int flags)
{
    level = level < 1 ? 1 : level > 3 ? 3 : level;
    int id = ++x->nbook;
    /* a heading that starts a page needs no empty paragraph between it and
     * the table before it: when the table ends at the foot of a page, that
     * paragraph alone would fill the next page, left blank by the break */
    size_t gap = strlen(TABLE_GAP);
    if ((flags & DOCX_H_NEWPAGE) && x->body.len >= gap &&
        strcmp(x->body.s + x->body.len - gap, TABLE_GAP) == 0) {
        x->body.len -= gap;
        x->body.s[x->body.len] = '\0';
    }
    util_buf_addf(&x->body, "<w:p><w:pPr><w:pStyle w:val=\"Heading%d\"/>", level);
    /* the schema's order: pageBreakBefore before numPr */
    if (flags & DOCX_H_NEWPAGE)
        util_buf_adds(&x->body, "<w:pageBreakBefore/>");
    if (!(flags & DOCX_H_NUMBERED))   /* numId 0: the style's numbering is off here */
        util_buf_adds(&x->body, "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"0\"/></w:numPr>");
    util_buf_addf(&x->body, "</w:pPr><w:bookmarkStart w:id=\"%d\" w:name=\"_Toc%09d\"/>", id, id);
    x_run(&x->body, NULL, (flags & DOCX_H_NUMBERED) ? title : shown);
    util_buf_addf(&x->body, "<w:bookmarkEnd w:id=\"%d\"/></w:p>\n", id);
    if (level > 2)
        return;
    if (x->ntoc == x->ctoc) {
        x->ctoc = x->ctoc ? 2 * x->ctoc : 32;
        x->toc = util_xrealloc(x->toc, x->ctoc * sizeof *x->toc);
    }
    x->toc[x->ntoc++] = (toc_t){level, id, util_xstrdup(shown)};
}

static const char *para_style(const char *cls)
{
    if (!cls)
        return NULL;
    if (strcmp(cls, "note") == 0)
        return "Note";
    if (strcmp(cls, "warn") == 0)
        return "Warn";
    if (strcmp(cls, "sub") == 0)
        return "Subtitle";
    return NULL;
}

void docx_para(docx_t *x, const char *cls, const char *text)
{
    const char *st = para_style(cls);
    util_buf_adds(&x->body, "<w:p>");
    if (st)
        util_buf_addf(&x->body, "<w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", st);
    x_prose(&x->body, text);
    util_buf_adds(&x->body, "</w:p>\n");
}

/* Lists: each a numbering instance of its own (numId 2, 3, ...), so a
 * Chinese list counts from (1) again. */
void docx_list_begin(docx_t *x)
{
    x->list_num = 2 + x->nlists++;
}

void docx_list_item(docx_t *x, const char *text)
{
    util_buf_addf(&x->body, "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"0\"/>"
                            "<w:numId w:val=\"%d\"/></w:numPr></w:pPr>",
                  x->list_num ? x->list_num : 2);
    x_prose(&x->body, text);
    util_buf_adds(&x->body, "</w:p>\n");
}

void docx_list_end(docx_t *x)
{
    x->list_num = 0;
}

/* A caption: pattern's text around %d, the number as a SEQ field of
 * series seq, caption for %s. */
static void caption_para(docx_t *x, const char *seq, int no, const char *pattern, const char *caption,
                         int keep_next)
{
    util_buf_t *b = &x->body;
    util_buf_addf(b, "<w:p><w:pPr><w:pStyle w:val=\"Caption\"/>%s</w:pPr>", keep_next ? "<w:keepNext/>" : "");
    const char *d = strstr(pattern, "%d");
    char num[16];
    snprintf(num, sizeof num, "%d", no);
    if (!d) {   /* a translation without the number: the caption as it is */
        x_run(b, NULL, caption);
        util_buf_adds(b, "</w:p>\n");
        return;
    }
    char *pre = util_xstrndup(pattern, (size_t)(d - pattern));
    x_run(b, NULL, pre);
    free(pre);
    util_buf_addf(b, "<w:fldSimple w:instr=\" SEQ %s \\* ARABIC \">", seq);
    x_run(b, NULL, num);
    util_buf_adds(b, "</w:fldSimple>");
    const char *rest = d + 2, *s = strstr(rest, "%s");
    util_buf_t t = {0};
    if (s) {
        util_buf_add(&t, rest, (size_t)(s - rest));
        util_buf_adds(&t, caption);
        util_buf_adds(&t, s + 2);
    } else {
        util_buf_adds(&t, rest);
    }
    x_run(b, NULL, t.s ? t.s : "");
    util_buf_free(&t);
    util_buf_adds(b, "</w:p>\n");
}

/* ---- tables ---- */

void docx_table_begin(docx_t *x, const char *pattern, const char *caption, int ncols, const char *const *heads)
{
    table_clear(x);
    x->ncols = ncols > 0 ? ncols : 1;
    x->heads = util_xcalloc((size_t)x->ncols, sizeof *x->heads);
    for (int i = 0; i < ncols; i++)
        x->heads[i] = util_xstrdup(heads[i] ? heads[i] : "");
    x->pattern = util_xstrdup(pattern);
    x->caption = util_xstrdup(caption);
}

void docx_cell(docx_t *x, const char *text, docx_cell_t kind)
{
    if (!x->heads)
        return;
    if (x->ncells == x->ccells) {
        x->ccells = x->ccells ? 2 * x->ccells : 64;
        x->cells = util_xrealloc(x->cells, x->ccells * sizeof *x->cells);
    }
    x->cells[x->ncells++] = (cell_t){util_xstrdup(text ? text : ""), kind};
}

void docx_row_end(docx_t *x)
{
    while (x->heads && x->ncells % (size_t)x->ncols)
        docx_cell(x, "", DOCX_TEXT);
}

/* Advance widths of printable ASCII (space to ~) in tenths of half an
 * em, from Times New Roman (Liberation Serif has the same metrics),
 * rounded up: a digit is 10, "i" 6, "%" 17. */
static const unsigned char ascii_tenths[95] = {
    5, 7, 9, 10, 10, 17, 16, 4, 7, 7, 10, 12, 5, 7, 5, 6,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 6, 6, 12, 12, 12, 9,
    19, 15, 14, 14, 15, 13, 12, 15, 15, 7, 8, 15, 13, 18, 15, 15,
    12, 15, 14, 12, 13, 15, 15, 19, 15, 15, 13, 7, 6, 7, 10, 10,
    7, 9, 10, 9, 10, 9, 7, 10, 10, 6, 6, 10, 6, 16, 10, 10,
    10, 10, 7, 8, 6, 10, 10, 15, 10, 10, 9, 10, 4, 10, 11,
};

/* Width of a code point in tenths of half an em: a digit is 10, a Chinese
 * character 20 (a full em). */
static int cp_tenths(unsigned cp)
{
    if (cp >= 0x20 && cp < 0x7F)
        return ascii_tenths[cp - 0x20];
    /* arrows and shapes (▲ ▼) are full width in Chinese fonts */
    if (util_cp_width(cp) == 2 || (cp >= 0x2190 && cp <= 0x27BF) || cp == 0x2014)
        return 20;
    return 12;
}

/* Display width of s in tenths of half an em: the whole text (*full) and
 * the widest piece a line break may not split (*unit): with BREAK_WORDS
 * the words between spaces; with BREAK_CJK also before each Chinese
 * character, though a column of Chinese text is kept four characters
 * wide.  In a bold face Latin letters and digits are about an eighth
 * wider; Chinese characters keep their em. */
static void measure(const char *s, int brk, int bold, int *full, int *unit)
{
    int tot = 0, word = 0, max = 0, prev = 0;
    size_t n = strlen(s);
    while (n) {
        unsigned cp;
        int k = util_utf8_decode(s, n, &cp);
        int w = cp_tenths(cp);
        if (bold && w != 20)
            w = w * 112 / 100;
        /* Word and LibreOffice put a quarter em between Chinese and Latin
         * text ("低于 99.8%") */
        if (prev && cp != ' ' && (prev == 20) != (w == 20))
            w += 5;
        prev = cp == ' ' ? 0 : cp_tenths(cp);
        tot += w;
        if (cp == ' ' && brk != BREAK_NONE) {
            word = 0;
        } else {
            if (brk == BREAK_CJK && w == 20) {
                word = 0;
                if (max < 4 * 20)
                    max = 4 * 20;
            }
            word += w;
        }
        if (word > max)
            max = word;
        s += k;
        n -= (size_t)k;
    }
    *full = tot;
    *unit = max;
}

/* How well a table fits at one text size (layout's answer) */
enum {
    FIT_NONE,      /* not even with every text column at its narrowest */
    FIT_SQUEEZED,  /* short text wraps, or long text in a narrow strip */
    FIT_WRAPPED,   /* only long text wraps, in columns COMFORT_EM wide */
    FIT_WHOLE      /* every cell on one line */
};
#define COMFORT_EM 12   /* ems: long text below 1.5 times this is short */

/* Column widths in twips for table text of hp half-points.  Headers and
 * numbers never wrap (hwrap: headers may break between words, the last
 * resort); each column is as wide as its widest content, and where the
 * table would run past the text width the widest text columns give way
 * first, down to a common width (so one long column of question texts
 * wraps, not the short unit names beside it).  Returns a FIT_ value; with
 * FIT_NONE every column is in proportion to the text width. */
static int layout(const docx_t *x, int hp, int hwrap, int *w)
{
    int n = x->ncols, avail = text_w(x), pad = 2 * CELL_MAR + 30, fit = FIT_WHOLE, top = 0;
    long want_sum = 0, min_sum = 0;
    /* per column: its widest text (want), the widest piece that may not
     * wrap (min), in tenths of half an em and then in twips */
    int *want = util_xcalloc((size_t)n, sizeof *want), *min = util_xcalloc((size_t)n, sizeof *min);
    for (int c = 0; c < n; c++)
        measure(x->heads[c], hwrap ? BREAK_WORDS : BREAK_NONE, 1, &want[c], &min[c]);
    for (size_t i = 0; i < x->ncells; i++) {
        int c = (int)(i % (size_t)n), full, unit;
        docx_cell_t k = x->cells[i].kind;
        measure(x->cells[i].text, k == DOCX_TEXT ? BREAK_CJK : BREAK_NONE, k == DOCX_WEAK, &full, &unit);
        if (full > want[c])
            want[c] = full;
        if (unit > min[c])
            min[c] = unit;
    }
    for (int c = 0; c < n; c++) {
        /* min, without the want's room for the estimate, still holds the
         * text on its lines */
        want[c] = want[c] * hp / 2 * 104 / 100 + pad;
        min[c] = min[c] * hp / 2 + pad;
        want_sum += want[c];
        min_sum += min[c];
        if (want[c] > top)
            top = want[c];
    }
    if (want_sum <= avail) {
        memcpy(w, want, (size_t)n * sizeof *w);
    } else if (min_sum > avail) {   /* too wide even so: every column in proportion */
        fit = FIT_NONE;
        for (int c = 0; c < n; c++)
            w[c] = (int)((long)want[c] * avail / want_sum);
    } else {   /* the highest common cap on the widest columns that fits */
        int lo = 0, hi = top;
        while (lo < hi) {
            int cap = (lo + hi + 1) / 2;
            long sum = 0;
            for (int c = 0; c < n; c++)
                sum += want[c] < cap ? want[c] : min[c] > cap ? min[c] : cap;
            if (sum <= avail)
                lo = cap;
            else
                hi = cap - 1;
        }
        /* wrapping is for long text (questions), in a column wide enough
         * to read; short text (unit names) that wraps is squeezed.  A
         * column that only gives up its room for the estimate (want is
         * 4% over) does not wrap. */
        long comfort = (long)COMFORT_EM * hp * 10;
        fit = FIT_WRAPPED;
        for (int c = 0; c < n; c++) {
            w[c] = want[c] < lo ? want[c] : min[c] > lo ? min[c] : lo;
            int wraps = (long)(w[c] - pad) * 104 < (long)(want[c] - pad) * 100;
            if (wraps && (w[c] < comfort || 2 * want[c] < 3 * comfort))
                fit = FIT_SQUEEZED;
        }
    }
    free(want);
    free(min);
    return fit;
}

/* The text size of the table (returned) and its column widths w: the
 * largest size at which it fits well (FIT_WRAPPED or better), else the
 * largest at which it fits squeezed, else the smallest; headers on one
 * line at any size before one breaks between its words. */
static int table_size(const docx_t *x, int *w)
{
    int pick = -1, pick_hw = 1, squeezed = -1, squeezed_hw = 1;
    for (int hw = 0; hw < 2 && pick < 0; hw++)
        for (int k = 0; k < 3 && pick < 0; k++) {
            int f = layout(x, x->lay->table_hp[k], hw, w);
            if (f >= FIT_WRAPPED) {
                pick = k;
                pick_hw = hw;
            } else if (f == FIT_SQUEEZED && squeezed < 0) {
                squeezed = k;
                squeezed_hw = hw;
            }
        }
    if (pick < 0) {   /* else the largest squeezed fit, else the smallest size */
        pick = squeezed >= 0 ? squeezed : 2;
        pick_hw = squeezed_hw;
    }
    int hp = x->lay->table_hp[pick];
    layout(x, hp, pick_hw, w);
    return hp;
}

/* cell_xml flags: a header cell, keep with the next row, a header over
 * numbers */
enum { CELL_HEAD = 1, CELL_KEEP = 4, CELL_NUMS = 8 };

/* Whether column c holds numbers: more of its filled cells are numbers
 * than text.  Its header is then set right like them, so "q" or "人数"
 * stands over its digits and not in the middle of a wide column. */
static int col_numeric(const docx_t *x, int c)
{
    long nums = 0, texts = 0;
    for (size_t i = (size_t)c; i < x->ncells; i += (size_t)x->ncols) {
        if (!x->cells[i].text[0])
            continue;
        if (x->cells[i].kind == DOCX_TEXT)
            texts++;
        else
            nums++;
    }
    return nums > texts;
}

static void cell_xml(util_buf_t *b, int w, int hp, const char *text, docx_cell_t kind, int flags)
{
    int head = flags & CELL_HEAD;
    util_buf_addf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", w);
    if (head)
        util_buf_adds(b, "<w:tcBorders><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"0\" "
                         "w:color=\"000000\"/></w:tcBorders><w:vAlign w:val=\"bottom\"/>");
    util_buf_addf(b, "</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"%s\"/>%s<w:jc w:val=\"%s\"/></w:pPr>",
                  head ? "TableHeader" : "TableText", (flags & CELL_KEEP) ? "<w:keepNext/>" : "",
                  head ? ((flags & CELL_NUMS) ? "right" : "left") : kind == DOCX_TEXT ? "left" : "right");
    char rpr[160];
    snprintf(rpr, sizeof rpr, "%s%s<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>",
             kind == DOCX_WEAK ? "<w:b/><w:bCs/>" : "",
             kind == DOCX_WEAK ? "<w:color w:val=\"B2182B\"/>" : kind == DOCX_GOOD ? "<w:color w:val=\"2166AC\"/>" : "",
             hp, hp);
    x_run(b, rpr, text);
    util_buf_adds(b, "</w:p></w:tc>");
}

void docx_table_end(docx_t *x, const char *note)
{
    if (!x->heads)
        return;
    int n = x->ncols, *w = util_xcalloc((size_t)n, sizeof *w), hp = table_size(x, w);
    long total = 0;
    for (int c = 0; c < n; c++)
        total += w[c];
    util_buf_t *b = &x->body;
    caption_para(x, "Table", ++x->ntab, x->pattern, x->caption, 1);
    util_buf_addf(b, "<w:tbl><w:tblPr><w:tblW w:w=\"%ld\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
                     "<w:tblBorders><w:top w:val=\"single\" w:sz=\"12\" w:space=\"0\" w:color=\"000000\"/>"
                     "<w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>"
                     "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"%d\" w:type=\"dxa\"/>"
                     "<w:right w:w=\"%d\" w:type=\"dxa\"/></w:tblCellMar>"
                     "<w:tblLook w:val=\"0020\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" "
                     "w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
                  total, CELL_MAR, CELL_MAR);
    for (int c = 0; c < n; c++)
        util_buf_addf(b, "<w:gridCol w:w=\"%d\"/>", w[c]);
    util_buf_adds(b, "</w:tblGrid>\n<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    /* the header and the first rows keep with the rows after them, so a
     * page never ends on a caption, a header or a single row */
    size_t nrows = x->ncells / (size_t)n;
    for (int c = 0; c < n; c++)
        cell_xml(b, w[c], hp, x->heads[c], DOCX_TEXT,
                 CELL_HEAD | (nrows ? CELL_KEEP : 0) | (col_numeric(x, c) ? CELL_NUMS : 0));
    util_buf_adds(b, "</w:tr>\n");
    for (size_t i = 0; i < x->ncells; i += (size_t)n) {
        size_t row = i / (size_t)n;
        int keep = row < 2 && row + 1 < nrows && nrows > 3 ? CELL_KEEP : 0;
        util_buf_adds(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (int c = 0; c < n; c++) {
            const cell_t *ce = i + (size_t)c < x->ncells ? &x->cells[i + (size_t)c] : NULL;
            cell_xml(b, w[c], hp, ce ? ce->text : "", ce ? ce->kind : DOCX_TEXT, keep);
        }
        util_buf_adds(b, "</w:tr>\n");
    }
    util_buf_adds(b, "</w:tbl>\n");
    if (note) {
        util_buf_adds(b, "<w:p><w:pPr><w:pStyle w:val=\"TableNote\"/></w:pPr>");
        x_run(b, NULL, note);
        util_buf_adds(b, "</w:p>\n");
    } else {   /* a paragraph between tables keeps them apart */
        util_buf_adds(b, TABLE_GAP);
    }
    free(w);
    table_clear(x);
}

/* ---- figures ---- */

/* Width and height of the PNG at path from its IHDR chunk. */
static int png_size(const char *path, long *w, long *h)
{
    unsigned char b[24];
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t got = fread(b, 1, sizeof b, f);
    fclose(f);
    if (got != sizeof b || memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(b + 12, "IHDR", 4) != 0)
        return -1;
    *w = ((long)b[16] << 24) | ((long)b[17] << 16) | ((long)b[18] << 8) | b[19];
    *h = ((long)b[20] << 24) | ((long)b[21] << 16) | ((long)b[22] << 8) | b[23];
    return *w > 0 && *h > 0 ? 0 : -1;
}

int docx_figure(docx_t *x, const char *png, const char *print, const char *pattern, const char *caption,
                int narrow)
{
    long pw, ph, qw, qh;
    if (png_size(png, &pw, &ph) != 0)
        return -1;
    /* the print PNG goes in when it is there, at the size the screen one
     * gives (the same picture, more pixels) */
    const char *embed = print && png_size(print, &qw, &qh) == 0 ? print : png;
    /* gnuplot draws text at 96 dpi; printed at 128 dpi its 10-point
     * labels read as 7.5 points, small but clear, and most plots then
     * fill the text width */
    long maxw = (long)text_w(x) * EMU_PER_TWIP * (narrow ? 2 : 3) / 3;
    long maxh = (long)(PAGE_H - x->lay->top - x->lay->bottom) * EMU_PER_TWIP * 62 / 100;
    long cx = pw * 914400 / 128, cy;
    if (cx > maxw)
        cx = maxw;
    cy = (long)((double)cx * (double)ph / (double)pw);
    /* a figure a little taller than half the page is made half as tall,
     * so that two go on a page, not one above a blank half (the funnel
     * plots); about 650 twips is each one's caption and space */
    long half = (long)(PAGE_H - x->lay->top - x->lay->bottom - 2 * 650) / 2 * EMU_PER_TWIP;
    if (cy > half && cy <= maxh)
        maxh = half;
    if (cy > maxh) {
        cy = maxh;
        cx = (long)((double)cy * (double)pw / (double)ph);
    }
    x->media = util_xrealloc(x->media, (x->nmedia + 1) * sizeof *x->media);
    x->media[x->nmedia++] = util_xstrdup(embed);
    int id = (int)x->nmedia;
    util_buf_t *b = &x->body;
    util_buf_addf(b, "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/><w:keepNext/></w:pPr><w:r><w:drawing>"
                     "<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"%ld\" cy=\"%ld\"/>"
                     "<wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:docPr id=\"%d\" name=\"Picture %d\" descr=\"",
                  cx, cy, id, id);
    x_esc(b, caption);
    util_buf_addf(b, "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks "
                     "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" noChangeAspect=\"1\"/>"
                     "</wp:cNvGraphicFramePr><a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">"
                     "<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
                     "<pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
                     "<pic:nvPicPr><pic:cNvPr id=\"%d\" name=\"image%d.png\"/><pic:cNvPicPr/></pic:nvPicPr>"
                     "<pic:blipFill><a:blip r:embed=\"rIdImg%d\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
                     "<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
                     "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>"
                     "</a:graphic></wp:inline></w:drawing></w:r></w:p>\n",
                  id, id, id, cx, cy);
    caption_para(x, "Figure", ++x->nfig, pattern, caption, 0);
    return 0;
}

/* ---- the table of contents ---- */

/* A list of the headings with PAGEREF fields for their pages, not a TOC
 * field: LibreOffice leaves the page references inside a TOC field empty
 * (it does not update the field), while it fills bare PAGEREF fields, and
 * Word updates both on opening (settings: updateFields). */
static void toc_xml(const docx_t *x, util_buf_t *b)
{
    util_buf_adds(b, "<w:p><w:pPr><w:pStyle w:val=\"TOCHeading\"/></w:pPr>");
    x_run(b, NULL, TR(x->zh, "Contents"));
    util_buf_adds(b, "</w:p>\n");
    for (size_t i = 0; i < x->ntoc; i++) {
        const toc_t *t = &x->toc[i];
        util_buf_addf(b, "<w:p><w:pPr><w:pStyle w:val=\"TOC%d\"/><w:tabs><w:tab w:val=\"right\" "
                         "w:leader=\"dot\" w:pos=\"%d\"/></w:tabs></w:pPr><w:hyperlink w:anchor=\"_Toc%09d\" "
                         "w:history=\"1\">",
                      t->level, text_w(x), t->id);
        x_run(b, NULL, t->text);
        util_buf_adds(b, "<w:r><w:tab/></w:r>");
        char ref[40];
        snprintf(ref, sizeof ref, "PAGEREF _Toc%09d \\h", t->id);
        x_field(b, ref, "");
        util_buf_adds(b, "</w:hyperlink></w:p>\n");
    }
}

/* ---- the parts around the body ---- */

static const char ns_w[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char ns_r[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/* Fonts: ascii (Latin letters and digits) and eastAsia (Chinese). */
static void fonts(util_buf_t *b, const char *ascii, const char *east)
{
    util_buf_addf(b, "<w:rFonts w:ascii=\"%s\" w:hAnsi=\"%s\" w:eastAsia=\"%s\" w:cs=\"%s\"/>", ascii, ascii,
                  east, ascii);
}

/* One paragraph style; ppr and rpr are its properties' XML (rpr after
 * the fonts). */
static void pstyle(util_buf_t *b, const char *id, const char *name, const char *ppr, const char *ascii,
                   const char *east, const char *rpr)
{
    /* Normal is the default: a paragraph that names no style (the page
     * break after the contents) is Normal, which python-docx and other
     * readers find only by this mark */
    util_buf_addf(b, "<w:style w:type=\"paragraph\"%s w:styleId=\"%s\"><w:name w:val=\"%s\"/>",
                  strcmp(id, "Normal") == 0 ? " w:default=\"1\"" : "", id, name);
    if (strcmp(id, "Normal") != 0)
        util_buf_adds(b, "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>");
    util_buf_addf(b, "<w:qFormat/><w:pPr>%s</w:pPr><w:rPr>", ppr);
    if (ascii)
        fonts(b, ascii, east);
    util_buf_addf(b, "%s</w:rPr></w:style>\n", rpr);
}

/* Chinese (GB/T 9704): body 仿宋_GB2312 三号 (16 pt) on a 28.95-point
 * line (22 lines a page), first lines indented two characters; title
 * 方正小标宋简体 二号; headings 黑体, 楷体_GB2312, then 仿宋 bold. */
static void styles_zh(util_buf_t *b)
{
    const char *tnr = "Times New Roman", *fs = "仿宋_GB2312", *hei = "黑体", *kai = "楷体_GB2312";
    const char *flat = "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>"
                       "<w:ind w:firstLine=\"0\" w:firstLineChars=\"0\"/>";
    char p[400];
    pstyle(b, "Normal", "Normal",
           "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"579\" w:lineRule=\"exact\"/>"
           "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc w:val=\"both\"/>",
           tnr, fs, "<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/>");
    pstyle(b, "Title", "Title",
           "<w:spacing w:before=\"240\" w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/>"
           "<w:ind w:firstLine=\"0\" w:firstLineChars=\"0\"/><w:jc w:val=\"center\"/>",
           "方正小标宋简体", "方正小标宋简体", "<w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/>");
    snprintf(p, sizeof p, "%s<w:spacing w:after=\"360\"/><w:jc w:val=\"center\"/>", flat);
    pstyle(b, "Subtitle", "Subtitle", p, tnr, kai, "");
    for (int l = 1; l <= 3; l++) {
        snprintf(p, sizeof p, "<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val=\"%d\"/><w:numId w:val=\"1\"/>"
                              "</w:numPr><w:outlineLvl w:val=\"%d\"/>",
                 l - 1, l - 1);
        char id[32], name[32];
        snprintf(id, sizeof id, "Heading%d", l);
        snprintf(name, sizeof name, "heading %d", l);
        pstyle(b, id, name, p, l == 1 ? hei : l == 2 ? kai : tnr, l == 1 ? hei : l == 2 ? kai : fs,
               l == 3 ? "<w:b/><w:bCs/>" : "");
    }
    snprintf(p, sizeof p, "%s<w:spacing w:before=\"120\" w:after=\"240\"/><w:jc w:val=\"center\"/>", flat);
    pstyle(b, "TOCHeading", "TOC Heading", p, hei, hei, "");
    pstyle(b, "TOC1", "toc 1", flat, tnr, fs, "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>");
    snprintf(p, sizeof p, "%s<w:ind w:left=\"560\"/>", flat);
    pstyle(b, "TOC2", "toc 2", p, tnr, kai, "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>");
    snprintf(p, sizeof p, "%s<w:spacing w:before=\"120\" w:after=\"60\"/><w:jc w:val=\"center\"/>", flat);
    pstyle(b, "Caption", "caption", p, tnr, hei, "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
    pstyle(b, "Figure", "Figure", "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"0\" w:line=\"240\" "
                                  "w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\" w:firstLineChars=\"0\"/>"
                                  "<w:jc w:val=\"center\"/>", NULL, NULL, "");
    pstyle(b, "TableText", "Table Text", flat, tnr, "宋体", "<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/>");
    pstyle(b, "TableHeader", "Table Header", flat, tnr, hei, "<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/>");
    snprintf(p, sizeof p, "%s<w:spacing w:before=\"60\" w:after=\"120\"/>", flat);
    pstyle(b, "TableNote", "Table Note", p, tnr, kai, "<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/>");
    snprintf(p, sizeof p, "<w:spacing w:line=\"400\" w:lineRule=\"exact\"/>");
    pstyle(b, "Note", "Note", p, tnr, kai, "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
    pstyle(b, "Warn", "Warn", "<w:pBdr><w:left w:val=\"single\" w:sz=\"24\" w:space=\"4\" w:color=\"B2182B\"/>"
                              "</w:pBdr>", tnr, fs, "<w:b/><w:bCs/>");
    pstyle(b, "ListParagraph", "List Paragraph", "", NULL, NULL, "");
    pstyle(b, "Footer", "footer", flat, tnr, "宋体", "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>");
}

/* English: Times New Roman 11 pt, bold headings, a plain academic page. */
static void styles_en(util_buf_t *b)
{
    const char *tnr = "Times New Roman", *song = "SimSun";
    const char *flat = "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>";
    char p[400];
    pstyle(b, "Normal", "Normal", "<w:spacing w:before=\"0\" w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/>"
                                  "<w:jc w:val=\"both\"/>",
           tnr, song, "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>");
    pstyle(b, "Title", "Title", "<w:spacing w:before=\"240\" w:after=\"120\"/><w:jc w:val=\"center\"/>", tnr,
           song, "<w:b/><w:bCs/><w:sz w:val=\"36\"/><w:szCs w:val=\"36\"/>");
    pstyle(b, "Subtitle", "Subtitle", "<w:spacing w:after=\"360\"/><w:jc w:val=\"center\"/>", tnr, song,
           "<w:i/><w:iCs/>");
    static const int size[] = {28, 24, 22};
    for (int l = 1; l <= 3; l++) {
        /* level 3 (a unit's name above its comments) is not numbered */
        snprintf(p, sizeof p, "<w:keepNext/><w:keepLines/>%s<w:spacing w:before=\"%d\" w:after=\"120\"/>"
                              "<w:jc w:val=\"left\"/><w:outlineLvl w:val=\"%d\"/>",
                 l < 3 ? (l == 1 ? "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>"
                                 : "<w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr>")
                       : "",
                 l == 1 ? 360 : 240, l - 1);
        char id[32], name[32], r[120];
        snprintf(id, sizeof id, "Heading%d", l);
        snprintf(name, sizeof name, "heading %d", l);
        snprintf(r, sizeof r, "<w:b/><w:bCs/>%s<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>",
                 l == 3 ? "<w:i/><w:iCs/>" : "", size[l - 1], size[l - 1]);
        pstyle(b, id, name, p, tnr, song, r);
    }
    pstyle(b, "TOCHeading", "TOC Heading", "<w:spacing w:before=\"120\" w:after=\"240\"/>", tnr, song,
           "<w:b/><w:bCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>");
    pstyle(b, "TOC1", "toc 1", "<w:spacing w:after=\"60\"/>", tnr, song, "");
    pstyle(b, "TOC2", "toc 2", "<w:spacing w:after=\"60\"/><w:ind w:left=\"440\"/>", tnr, song, "");
    snprintf(p, sizeof p, "%s<w:spacing w:before=\"120\" w:after=\"60\"/><w:jc w:val=\"center\"/>", flat);
    pstyle(b, "Caption", "caption", p, tnr, song, "<w:b/><w:bCs/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>");
    pstyle(b, "Figure", "Figure", "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"0\"/><w:jc w:val=\"center\"/>",
           NULL, NULL, "");
    pstyle(b, "TableText", "Table Text", flat, tnr, song, "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>");
    pstyle(b, "TableHeader", "Table Header", flat, tnr, song,
           "<w:b/><w:bCs/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>");
    snprintf(p, sizeof p, "%s<w:spacing w:before=\"60\" w:after=\"160\"/>", flat);
    pstyle(b, "TableNote", "Table Note", p, tnr, song, "<w:i/><w:iCs/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>");
    pstyle(b, "Note", "Note", "", tnr, song, "<w:i/><w:iCs/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>");
    pstyle(b, "Warn", "Warn", "<w:pBdr><w:left w:val=\"single\" w:sz=\"24\" w:space=\"4\" w:color=\"B2182B\"/>"
                              "</w:pBdr>", tnr, song, "<w:b/><w:bCs/>");
    pstyle(b, "ListParagraph", "List Paragraph", "<w:spacing w:after=\"60\"/>", NULL, NULL, "");
    pstyle(b, "Footer", "footer", flat, tnr, song, "<w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/>");
}

static char *styles_xml(const docx_t *x)
{
    util_buf_t b = {0};
    util_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                      "<w:styles xmlns:w=\"%s\"><w:docDefaults><w:rPrDefault><w:rPr>",
                  ns_w);
    fonts(&b, "Times New Roman", x->zh ? "仿宋_GB2312" : "SimSun");
    /* the Latin text's language is English even in a Chinese document,
     * as Word sets it: marked Chinese, LibreOffice breaks a line inside a
     * number ("8." at a line's end, "6 分" on the next) */
    util_buf_addf(&b, "<w:kern w:val=\"2\"/><w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>"
                      "<w:lang w:val=\"%s\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
                      "<w:pPrDefault><w:pPr><w:widowControl/></w:pPr></w:pPrDefault></w:docDefaults>\n",
                  x->lay->body_hp, x->lay->body_hp, x->zh ? "en-US" : "en-GB");
    if (x->zh)
        styles_zh(&b);
    else
        styles_en(&b);
    util_buf_adds(&b, "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name "
                      "w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar>"
                      "<w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"57\" w:type=\"dxa\"/><w:bottom w:w=\"0\" "
                      "w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\n"
                      "</w:styles>\n");
    return util_buf_take(&b);
}

/* One level of a numbering definition. */
static void lvl(util_buf_t *b, int ilvl, const char *fmt, const char *text, const char *style, const char *ind,
                const char *suff)
{
    util_buf_addf(b, "<w:lvl w:ilvl=\"%d\"><w:start w:val=\"1\"/><w:numFmt w:val=\"%s\"/>", ilvl, fmt);
    if (style)
        util_buf_addf(b, "<w:pStyle w:val=\"%s\"/>", style);
    util_buf_addf(b, "<w:suff w:val=\"%s\"/><w:lvlText w:val=\"%s\"/><w:lvlJc w:val=\"left\"/>"
                     "<w:pPr><w:ind %s/></w:pPr></w:lvl>",
                  suff, text, ind);
}

/* numId 1: the headings (一、（一）1.（1） in Chinese; 1, 1.1 in English);
 * numId 2 and up: one per list, (1) (2) in Chinese, bullets in English. */
static char *numbering_xml(const docx_t *x)
{
    util_buf_t b = {0};
    util_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering xmlns:w=\"%s\">"
                      "<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"multilevel\"/>",
                  ns_w);
    if (x->zh) {
        const char *ind = "w:left=\"0\" w:firstLine=\"640\"";
        lvl(&b, 0, "chineseCounting", "%1、", "Heading1", ind, "nothing");
        lvl(&b, 1, "chineseCounting", "（%2）", "Heading2", ind, "nothing");
        lvl(&b, 2, "decimal", "%3.", "Heading3", ind, "nothing");
        lvl(&b, 3, "decimal", "（%4）", NULL, ind, "nothing");
    } else {
        const char *ind = "w:left=\"0\" w:firstLine=\"0\"";
        lvl(&b, 0, "decimal", "%1", "Heading1", ind, "space");
        lvl(&b, 1, "decimal", "%1.%2", "Heading2", ind, "space");
        lvl(&b, 2, "decimal", "%1.%2.%3", NULL, ind, "space");
    }
    util_buf_adds(&b, "</w:abstractNum><w:abstractNum w:abstractNumId=\"1\">"
                      "<w:multiLevelType w:val=\"singleLevel\"/>");
    if (x->zh)
        lvl(&b, 0, "decimal", "（%1）", NULL, "w:left=\"0\" w:firstLine=\"640\"", "nothing");
    else
        lvl(&b, 0, "bullet", "•", NULL, "w:left=\"360\" w:hanging=\"360\"", "tab");
    util_buf_adds(&b, "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>");
    for (int i = 0; i < x->nlists || i == 0; i++)
        util_buf_addf(&b, "<w:num w:numId=\"%d\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\">"
                          "<w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>",
                      2 + i);
    util_buf_adds(&b, "</w:numbering>\n");
    return util_buf_take(&b);
}

/* The fonts named, each with the common name Word or WPS looks for when
 * it is missing (altName) and its kind, so a substitute is like it. */
static char *fonts_xml(void)
{
    static const struct {
        const char *name, *alt, *family;
    } f[] = {
        {"Times New Roman", NULL, "roman"}, {"宋体", "SimSun", "auto"},     {"黑体", "SimHei", "modern"},
        {"仿宋_GB2312", "FangSong", "modern"}, {"楷体_GB2312", "KaiTi", "modern"},
        {"方正小标宋简体", "SimHei", "script"}, {"SimSun", "宋体", "auto"},
    };
    util_buf_t b = {0};
    util_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"%s\">", ns_w);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        util_buf_addf(&b, "<w:font w:name=\"%s\">", f[i].name);
        if (f[i].alt)
            util_buf_addf(&b, "<w:altName w:val=\"%s\"/>", f[i].alt);
        util_buf_addf(&b, "<w:charset w:val=\"%s\"/><w:family w:val=\"%s\"/><w:pitch w:val=\"variable\"/></w:font>",
                      f[i].alt ? "86" : "00", f[i].family);
    }
    util_buf_adds(&b, "</w:fonts>\n");
    return util_buf_take(&b);
}

static char *footer_xml(const docx_t *x)
{
    util_buf_t b = {0};
    util_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr xmlns:w=\"%s\" "
                      "xmlns:r=\"%s\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>",
                  ns_w, ns_r);
    if (x->zh)   /* GB/T 9704: the number between dashes */
        x_run(&b, NULL, "— ");
    x_field(&b, "PAGE", "1");
    if (x->zh)
        x_run(&b, NULL, " —");
    util_buf_adds(&b, "</w:p></w:ftr>\n");
    return util_buf_take(&b);
}

/* After the table of contents the body starts a page.  Its first
 * paragraph gets pageBreakBefore: a paragraph holding only a page break
 * needs a line of its own, and when the contents fill the first page that
 * line goes to the second, which the break then leaves blank.  Writes the
 * start of the body so changed to b and returns how many bytes of the body
 * that took (0 when the body does not start with a paragraph: then a break
 * paragraph is written, the body after it). */
static size_t body_new_page(const docx_t *x, util_buf_t *b)
{
    const char *s = x->body.s ? x->body.s : "", *ppr = "<w:p><w:pPr>", *style = "<w:pStyle ";
    size_t n = strlen(ppr);
    if (strncmp(s, ppr, n) == 0) {
        if (strncmp(s + n, style, strlen(style)) == 0)   /* pStyle comes first */
            n = (size_t)(strstr(s + n, "/>") + 2 - s);
        if (strncmp(s + n, "<w:pageBreakBefore/>", 20) == 0)
            return 0;
        util_buf_add(b, s, n);
        util_buf_adds(b, "<w:pageBreakBefore/>");
        return n;
    }
    if (strncmp(s, "<w:p>", 5) == 0) {
        util_buf_adds(b, "<w:p><w:pPr><w:pageBreakBefore/></w:pPr>");
        return 5;
    }
    util_buf_adds(b, "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n");
    return 0;
}

static char *document_xml(const docx_t *x)
{
    util_buf_t b = {0};
    util_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"%s\" "
                      "xmlns:r=\"%s\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\">"
                      "<w:body>\n",
                  ns_w, ns_r);
    util_buf_add(&b, x->head.s ? x->head.s : "", x->head.len);
    size_t skip = 0;
    if (!x->no_contents) {
        toc_xml(x, &b);
        skip = body_new_page(x, &b);
    }
    util_buf_add(&b, x->body.s ? x->body.s + skip : "", x->body.len - skip);
    const layout_t *l = x->lay;
    util_buf_addf(&b, "<w:p/><w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>"
                      "<w:pgSz w:w=\"%d\" w:h=\"%d\"/><w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" "
                      "w:left=\"%d\" w:header=\"851\" w:footer=\"%d\" w:gutter=\"0\"/></w:sectPr>"
                      "</w:body></w:document>\n",
                  PAGE_W, PAGE_H, l->top, l->right, l->bottom, l->left, x->zh ? 1247 : 720);
    return util_buf_take(&b);
}

static char *settings_xml(const docx_t *x)
{
    return util_fmt("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"%s\">"
                    "<w:zoom w:percent=\"100\"/><w:updateFields w:val=\"true\"/>"
                    "<w:defaultTabStop w:val=\"%d\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>"
                    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
                    "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
                    "<w:themeFontLang w:val=\"%s\" w:eastAsia=\"zh-CN\"/></w:settings>\n",
                    ns_w, x->zh ? 640 : 720, x->zh ? "zh-CN" : "en-GB");
}

static char *doc_rels_xml(const docx_t *x)
{
    util_buf_t b = {0};
    const char *t = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
    util_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
                      "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                      "<Relationship Id=\"rIdStyles\" Type=\"%sstyles\" Target=\"styles.xml\"/>"
                      "<Relationship Id=\"rIdSettings\" Type=\"%ssettings\" Target=\"settings.xml\"/>"
                      "<Relationship Id=\"rIdNumbering\" Type=\"%snumbering\" Target=\"numbering.xml\"/>"
                      "<Relationship Id=\"rIdFonts\" Type=\"%sfontTable\" Target=\"fontTable.xml\"/>"
                      "<Relationship Id=\"rIdFooter\" Type=\"%sfooter\" Target=\"footer1.xml\"/>",
                  t, t, t, t, t);
    for (size_t i = 0; i < x->nmedia; i++)
        util_buf_addf(&b, "<Relationship Id=\"rIdImg%zu\" Type=\"%simage\" Target=\"media/image%zu.png\"/>", i + 1,
                      t, i + 1);
    util_buf_adds(&b, "</Relationships>\n");
    return util_buf_take(&b);
}

static char *core_xml(const char *title)
{
    char today[11];
    util_today(today);
    util_buf_t b = {0};
    util_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties "
                      "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
                      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
    x_esc(&b, title);
    util_buf_addf(&b, "</dc:title><dc:creator>gapsurvey</dc:creator><dcterms:created xsi:type=\"dcterms:W3CDTF\">"
                      "%sT00:00:00Z</dcterms:created></cp:coreProperties>\n",
                  today);
    return util_buf_take(&b);
}

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Default Extension=\"png\" ContentType=\"image/png\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/numbering.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>"
    "<Override PartName=\"/word/fontTable.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "<Override PartName=\"/docProps/app.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    "</Types>\n";

static const char package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    "core-properties\" Target=\"docProps/core.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "extended-properties\" Target=\"docProps/app.xml\"/>"
    "</Relationships>\n";

static const char app_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
    "<Application>gapsurvey</Application></Properties>\n";

/* ---- the zip ---- */

/* Adds name with len bytes of data (which must live until zip_close), or
 * the file at path when data is NULL; PNGs are stored, XML deflated.  The
 * time is fixed, so the same report gives the same bytes. */
static int zadd(zip_t *za, const char *name, const char *data, const char *path)
{
    zip_source_t *src = data ? zip_source_buffer(za, data, strlen(data), 0) : zip_source_file(za, path, 0, -1);
    if (!src)
        return -1;
    zip_int64_t i = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (i < 0) {
        zip_source_free(src);
        return -1;
    }
    zip_set_file_compression(za, (zip_uint64_t)i, data ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    zip_file_set_mtime(za, (zip_uint64_t)i, (time_t)1577836800, 0);   /* 2020-01-01 */
    return 0;
}

enum { P_DOC, P_STYLES, P_NUMBERING, P_FONTS, P_FOOTER, P_SETTINGS, P_RELS, P_CORE, P_N };

int docx_save(docx_t *x, const char *path, const char *title, err_t *err)
{
    static const char *const names[P_N] = {"word/document.xml", "word/styles.xml",   "word/numbering.xml",
                                           "word/fontTable.xml", "word/footer1.xml", "word/settings.xml",
                                           "word/_rels/document.xml.rels", "docProps/core.xml"};
    char *part[P_N] = {document_xml(x), styles_xml(x), numbering_xml(x), fonts_xml(), footer_xml(x),
                       settings_xml(x), doc_rels_xml(x), core_xml(title ? title : "")};
    char *tmp = fs_temp_name(path);
    int rc = -1, zerr = 0;
    zip_t *za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        err_set(err, ERR_FAIL, "%s: %s", path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto cleanup;
    }
    /* [Content_Types].xml first, as readers that stream the zip expect */
    int bad = zadd(za, "[Content_Types].xml", content_types, NULL) || zadd(za, "_rels/.rels", package_rels, NULL) ||
              zadd(za, "docProps/app.xml", app_xml, NULL);
    for (int i = 0; i < P_N && !bad; i++)
        bad = zadd(za, names[i], part[i], NULL);
    for (size_t i = 0; i < x->nmedia && !bad; i++) {
        char name[48];
        snprintf(name, sizeof name, "word/media/image%zu.png", i + 1);
        bad = zadd(za, name, NULL, x->media[i]);
    }
    if (bad || zip_close(za) != 0) {
        err_set(err, ERR_FAIL, "%s: %s", path, zip_strerror(za));
        zip_discard(za);
        unlink(tmp);
        goto cleanup;
    }
    if (fs_commit(tmp, path) != 0) {
        err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
        unlink(tmp);
        goto cleanup;
    }
    rc = 0;
cleanup:
    for (int i = 0; i < P_N; i++)
        free(part[i]);
    free(tmp);
    return rc;
}
