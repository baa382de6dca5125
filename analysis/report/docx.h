/*
 * docx: a Word document (Office Open XML) built piece by piece and written
 * as one .docx file, a zip of XML parts made with libzip.  It knows pages,
 * fonts, numbering, tables and pictures, and nothing of surveys: doc.c
 * feeds it the same headings, paragraphs, tables and figures it writes to
 * HTML and Markdown.
 *
 * Layout: A4.  Chinese follows agency documents (GB/T 9704): title in
 * 方正小标宋简体, headings 黑体 / 楷体_GB2312 numbered 一、（一）1., body
 * 仿宋_GB2312 at 三号; each font names its common substitute (SimHei,
 * KaiTi, FangSong) so Word or WPS without it picks a like one.  English is
 * a plain academic layout in Times New Roman.  Tables are real Word tables
 * (three-line style, the header row repeated on every page) with column
 * widths from the display width of their content, so a header never wraps
 * inside a word and a table never runs past the margin; figures are the
 * report's PNGs embedded at print size; tables and figures are numbered by
 * SEQ fields; the table of contents gives each heading's page by a
 * PAGEREF field, the footer the page by a PAGE field.
 *
 * Text passed in is UTF-8, escaped here (control characters dropped, bad
 * bytes replaced).  Ownership: a docx_t is the caller's (docx_free); the
 * strings passed in are copied or written at once.
 */
#ifndef GS_DOCX_H
#define GS_DOCX_H

#include <stddef.h>

#include "base/err.h"

typedef struct docx docx_t;

/* How a table cell is shown: text (left), a number (right), a number
 * marked weak (bold, red) or good (blue). */
typedef enum { DOCX_TEXT, DOCX_NUM, DOCX_WEAK, DOCX_GOOD } docx_cell_t;

/* Heading flags */
#define DOCX_H_NUMBERED 1   /* numbered by the heading numbering, not by its text */
#define DOCX_H_NEWPAGE 2    /* starts a page (appendices) */

docx_t *docx_new(int zh);
void docx_free(docx_t *x);   /* NULL is fine */

/* Whether the document has a table of contents (on by default). */
void docx_contents(docx_t *x, int on);

/* The document's title and the line below it; a table of contents
 * follows them (filled in from the headings when the file is written). */
void docx_title(docx_t *x, const char *title, const char *subtitle);

/* A heading of level 1-3.  With DOCX_H_NUMBERED the numbering adds the
 * number before title (一、 in Chinese, 1 in English); `shown` is the text
 * with its number, as the table of contents lists it.  Without the flag
 * `shown` is the heading's text. */
void docx_heading(docx_t *x, int level, const char *shown, const char *title, int flags);

/* A paragraph; cls NULL for body text, "note", "warn" or "sub". */
void docx_para(docx_t *x, const char *cls, const char *text);

void docx_list_begin(docx_t *x);
void docx_list_item(docx_t *x, const char *text);
void docx_list_end(docx_t *x);

/* A table: its caption is pattern ("Table %d. %s", translated) with the
 * number as a SEQ field and caption for %s; heads[ncols] the header row.
 * Cells fill rows of ncols left to right; docx_table_end lays the table
 * out and writes it, with note below it when not NULL. */
void docx_table_begin(docx_t *x, const char *pattern, const char *caption, int ncols, const char *const *heads);
void docx_cell(docx_t *x, const char *text, docx_cell_t kind);
void docx_row_end(docx_t *x);   /* a short row: the rest of it empty */
void docx_table_end(docx_t *x, const char *note);

/* The PNG at png as a figure at print size (narrow: at most two thirds
 * of the text width), with its caption below as docx_table_begin's; the
 * picture embedded is print (the same drawing at print resolution) when
 * it is a readable PNG, else png.  Returns 0, or -1 (nothing added) when
 * png is not a readable PNG. */
int docx_figure(docx_t *x, const char *png, const char *print, const char *pattern, const char *caption,
                int narrow);

/* Writes the document to path (replaced atomically); title goes into its
 * properties.  Returns 0, or -1 with err. */
int docx_save(docx_t *x, const char *path, const char *title, err_t *err);

#endif
