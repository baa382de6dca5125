/*
 * doc: what the written reports (report.c, feedback.c) are made of.  A
 * doc_t is one document being written to report.html and report.md side
 * by side and, when x is set, to a Word document (docx.h); every piece
 * (heading, paragraph, list, table, figure) goes to all of them by one
 * call.
 *
 * Language: every sentence is English in the callers and goes through
 * TR(d->zh, ...), because a report has its own --lang, which need not be
 * the process's; the Chinese lives in po/zh_CN.po.
 *
 * Ownership: the res_t and the plots are borrowed; h, m and x are the
 * doc_t's until the caller saves and frees them; numbers formatted by
 * doc_fnum and friends live in a ring of slots, valid for the next 24
 * formats.
 */
#ifndef GS_DOC_H
#define GS_DOC_H

#include <stddef.h>

#include "analysis/report/docx.h"
#include "analysis/report/plot.h"
#include "analysis/results.h"
#include "base/util.h"

#define DOC_COLS_MAX 64   /* columns of a table */

typedef struct {
    const res_t *r;
    int zh;
    util_buf_t h, m;            /* the HTML and the Markdown */
    docx_t *x;                  /* the Word document, NULL for none */
    const char *plotdir;        /* where the SVGs and PNGs are, NULL without plots */
    const plot_t *plots;
    size_t nplots;
    int sec, sub, fig, tab;     /* counters for numbering */
    int in_row, ncols, cell;    /* table being written */
    size_t thead_at;            /* where its <thead> is in h */
    int colnum[DOC_COLS_MAX];   /* per column: its number cells less its text cells */
    int in_appendix;            /* sub-sections are numbered by their text here: */
    int appendix;               /* the appendix's number (E.1 in English) */
    const char **hide;          /* codes and names no comment may mention */
    size_t nhide;
    char ring[24][64];          /* formatted numbers, reused round-robin */
    int ri;
} doc_t;

/* table cells: text, a number, a number marked weak or good */
enum { DOC_TEXT = DOCX_TEXT, DOC_NUM = DOCX_NUM, DOC_WEAK = DOCX_WEAK, DOC_GOOD = DOCX_GOOD };

/* Markdown text: < > & as entities, markup punctuation backslashed. */
void doc_md_add(util_buf_t *b, const char *s);

/* numbers; "—" for NAN */
const char *doc_fnum(doc_t *d, double x, int prec);
const char *doc_fsigned(doc_t *d, double x, int prec);   /* "+1.5", "-0.3"; "0.0" for what rounds to 0 */
const char *doc_fp(doc_t *d, double p);        /* "<0.001" or 3 decimals */
const char *doc_fpis(doc_t *d, double p);      /* after "p ": "< 0.001" or "= 0.713" */
const char *doc_fpct(doc_t *d, double rate);   /* 0.85 -> "85%" */
const char *doc_fcount(doc_t *d, double n);
/* today's date: "2026年12月2日" in Chinese, 2026-12-02 in English */
const char *doc_ftoday(doc_t *d);
/* a wave's name in a sentence (render_wave): "2025年" in Chinese */
const char *doc_fwave(doc_t *d, const char *name);

/* what may be printed */
int doc_mentions(const char *text, const char *w);     /* w as a word (a code) or anywhere (a name) */
int doc_names_hidden(const doc_t *d, const char *text); /* names one of d->hide */
int doc_shown(const res_t *r, size_t g);                /* a group with numbers */
int doc_finding_shown(const res_t *r, const res_finding_t *f);

/* names */
const char *doc_dim_name(const res_dim_t *dm);
char *doc_group_name(const doc_t *d, const res_group_t *g);   /* heap: "U07 name" */
int doc_by_unit(const doc_t *d);
const char *doc_glabel(const doc_t *d);            /* "unit" or "group" */
const char *doc_gnoun(const doc_t *d, size_t n);   /* singular or plural */
char *doc_grouping(const doc_t *d);                /* heap: "unit" or the question quoted */

/* The n-th numeral of the report's language (一 二 三 / 1 2 3). */
const char *doc_numeral(doc_t *d, int n);
const char *doc_appendix_no(doc_t *d, int n);      /* 一 / A */

/* The HTML's head and style sheet, the title and subtitle in every
 * format; doc_end closes the HTML. */
void doc_head(doc_t *d, const char *title, const char *subtitle);
void doc_end(doc_t *d);

/* headings */
void doc_section(doc_t *d, const char *id, const char *title);
void doc_appendix(doc_t *d, int n, const char *id, const char *title);
void doc_subsection(doc_t *d, const char *title);
void doc_minor_heading(doc_t *d, const char *title);

/* paragraphs (cls NULL, "note", "warn") and lists */
void doc_para(doc_t *d, const char *cls, const char *text);
void doc_paraf(doc_t *d, const char *cls, const char *fmt, ...) UTIL_PRINTF(3, 4);
void doc_list_begin(doc_t *d, const char *cls);
void doc_list_item(doc_t *d, const char *text);
void doc_list_itemf(doc_t *d, const char *fmt, ...) UTIL_PRINTF(2, 3);
void doc_list_end(doc_t *d);

/* Tables: caption above (numbered), the ncols headers, then cells left
 * to right; a full row ends itself, doc_row_end ends a short one. */
void doc_table_begin(doc_t *d, const char *caption, int ncols, ...);
void doc_table_begin_v(doc_t *d, const char *caption, int ncols, const char *const *heads);
void doc_td(doc_t *d, const char *text, int kind);
void doc_tdf(doc_t *d, int kind, const char *fmt, ...) UTIL_PRINTF(3, 4);
void doc_row_end(doc_t *d);
void doc_table_end(doc_t *d, const char *note);

/* A plot as a figure (SVG inline in the HTML, the PNG in Markdown and
 * the Word document), numbered, with its caption below. */
void doc_figure(doc_t *d, const plot_t *pl);
void doc_figures(doc_t *d, plot_kind_t kind);

#endif
