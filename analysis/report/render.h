/*
 * render: one analysis (a res_t) written out for a reader or a program.
 *
 *   render_table    aligned tables for a terminal (table.c)
 *   render_json     the contract of DESIGN.md section 6 (json.c)
 *   render_csv      the tables as CSV files (csv.c)
 *   render_finding  one finding as a sentence (findtext.c)
 *   render_warning  one warning as a sentence (findtext.c)
 *
 * Words are chosen here, never in the engine: a finding (or a warning) is
 * numbers until render_finding words it in the language asked for, Chinese
 * or English
 * (TR(zh, ...), translated in po/zh_CN.po).  The tables, the JSON text
 * and the CSV labels are in the analysis language (res_t.lang).
 *
 * Ownership: the res_t is borrowed; render_finding's and render_warning's
 * strings are the caller's to free.
 */
#ifndef GS_RENDER_H
#define GS_RENDER_H

#include <stdio.h>

#include "analysis/results.h"
#include "base/err.h"

/* The whole result as JSON on out.  Returns 0, or -1 with err. */
int render_json(const res_t *r, FILE *out, err_t *err);

/* dimensions.csv, groups.csv, items.csv, gaps.csv, changes.csv in dir
 * (UTF-8 with BOM so Excel and WPS open Chinese text correctly).  Returns
 * 0, or -1 with err. */
int render_csv(const res_t *r, const char *dir, err_t *err);

/* Aligned tables for a terminal; colour only when `colour` is set. */
void render_table(const res_t *r, FILE *out, int colour);

/* Finding f of r as one sentence, in Chinese when zh is set, else in
 * English.  Heap string, the caller's. */
char *render_finding(const res_t *r, const res_finding_t *f, int zh);

/* Warning w of r as one sentence, as render_finding.  Heap string, the
 * caller's. */
char *render_warning(const res_t *r, const res_warning_t *w, int zh);

/* The units without a response (res_t.silent), and those with responses
 * but no base for a rate (res_t.unrated), each as one sentence naming
 * them; NULL when there are none.  with_hidden: the hidden units are in
 * the same list, not told apart (for the report, which never says which
 * units are hidden).  Heap strings, the caller's. */
char *render_silent(const res_t *r, int zh, int with_hidden);
char *render_unrated(const res_t *r, int zh);

/* 1 when res_t.lang is Chinese: the language of the JSON text and the
 * tables. */
int render_zh(const res_t *r);

/* A wave's name as a Chinese sentence names it: a year (four digits) with
 * 年 ("2025年"), any other name as it is; English: the name.  NULL: "".
 * Heap string, the caller's. */
char *render_wave(const char *name, int zh);

#endif
