/*
 * slips: printable invitation slips — one self-contained HTML page, eight
 * slips to an A4 sheet with cutting lines, each with the questionnaire's
 * title, the unit, the code in large letters, the link and the link as a
 * QR code (libqrencode, drawn as inline SVG so the page needs no image
 * files and prints sharp at any size).
 */
#ifndef GS_SLIPS_H
#define GS_SLIPS_H

#include <stddef.h>

#include "base/err.h"
#include "base/util.h"
#include "survey/form.h"
#include "survey/token.h"

typedef struct {
    const char *code;    /* as printed, with dashes */
    const char *link;    /* what the QR code opens */
} slips_code_t;

typedef struct {
    const char *title;       /* the questionnaire's title */
    const char *unit;        /* unit name, or NULL */
    const char *address;     /* the address to type when not scanning */
    int zh;                  /* Chinese texts, else English */
    int self;                /* a unit's self-assessment: no promise of anonymity */
} slips_info_t;

/* Appends the whole page to out.  Returns 0, or -1 with err when a link
 * cannot be made into a QR code. */
int slips_html(util_buf_t *out, const slips_info_t *info, const slips_code_t *codes, size_t n,
               err_t *err);

/* The page for a batch of issued codes of form f (token issue --slips),
 * all of it in lang ("zh", "en"): the texts, and the form's title in that
 * language where it has one.  The address printed on each slip is
 * base_url without its query. */
int slips_batch_html(util_buf_t *out, const form_t *f, const char *unit, const char *base_url,
                     const char *lang, const tok_batch_t *b, err_t *err);

/* Appends the QR code of text as an SVG element `mm` millimetres wide. */
int slips_qr_svg(util_buf_t *out, const char *text, double mm, err_t *err);

#endif
