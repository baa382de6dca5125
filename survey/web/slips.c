/*
 * slips: the printable invitation slips of `token issue --slips` (see
 * slips.h).  Sizes are in millimetres because the page is meant for paper:
 * 2 x 4 slips of 95 x 68 mm fill an A4 sheet inside 10 mm margins, and a
 * QR code of 30 mm (about 1 mm per module for a link of this length at
 * error-correction level M) scans reliably from a photocopy.
 */
#include "survey/web/slips.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "survey/web/web_page.h"
#include "base/html.h"
#include "base/i18n.h"
#include "base/util.h"

#define PER_PAGE 8
#define QUIET 4      /* the white border a QR reader needs, in modules */

int slips_qr_svg(util_buf_t *out, const char *text, double mm, err_t *err)
{
    /* level M survives a smudge or a fold; 8-bit mode keeps the link as is */
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        err_set(err, ERR_IO, _("cannot make a QR code of '%s': %s"), text, strerror(errno));
        return -1;
    }
    int wdt = q->width, full = wdt + 2 * QUIET;
    util_buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                       "width=\"%gmm\" height=\"%gmm\" shape-rendering=\"crispEdges\">"
                       "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                  full, full, mm, mm, full, full);
    /* one rectangle per run of dark modules in a row keeps the file small */
    for (int y = 0; y < wdt; y++) {
        int x = 0;
        while (x < wdt) {
            if (!(q->data[y * wdt + x] & 1)) {
                x++;
                continue;
            }
            int start = x;
            while (x < wdt && (q->data[y * wdt + x] & 1))
                x++;
            util_buf_addf(out, "M%d %dh%dv1h-%dz", start + QUIET, y + QUIET, x - start, x - start);
        }
    }
    util_buf_adds(out, "\"/></svg>");
    QRcode_free(q);
    return 0;
}

static const char style[] =
    "@page{size:A4;margin:10mm}"
    "body{margin:0;font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;"
    "color:#000}"
    ".sheet{width:190mm;overflow:hidden;page-break-after:always}"
    ".sheet:last-child{page-break-after:auto}"
    ".slip{float:left;width:95mm;height:68mm;box-sizing:border-box;border:0.3mm dashed #888;"
    "padding:4mm 4mm 3mm;overflow:hidden;page-break-inside:avoid}"
    ".title{font-weight:bold;font-size:3.6mm;line-height:1.3;margin:0 0 1mm}"
    ".unit{font-size:3.2mm;margin:0 0 2mm}"
    ".qr{float:right;margin:-1mm -1mm 1mm 2mm}"
    ".lab{clear:both;font-size:2.8mm;color:#333;margin:0}"
    ".code{font-family:\"DejaVu Sans Mono\",Consolas,Menlo,monospace;font-size:5.4mm;"
    "font-weight:bold;letter-spacing:0.3mm;margin:0.5mm 0 1.5mm;white-space:nowrap}"
    ".link{font-family:\"DejaVu Sans Mono\",Consolas,monospace;font-size:2.6mm;word-break:break-all;"
    "margin:0 0 1.5mm}"
    ".how{font-size:2.6mm;line-height:1.35;color:#222;margin:0}"
    "@media screen{body{background:#ddd}.sheet{background:#fff;margin:5mm auto;padding:0}}";

int slips_html(util_buf_t *out, const slips_info_t *info, const slips_code_t *codes, size_t n,
               err_t *err)
{
    const int zh = info->zh;
    util_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"");
    util_buf_adds(out, zh ? "zh-CN" : "en");
    util_buf_adds(out, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    /* TRANSLATORS: the title of the slips' page; %s is the form's title */
    char *title = util_fmt(TR(zh, "Invitation slips: %s"), info->title);
    html_esc(out, title);
    free(title);
    util_buf_adds(out, "</title>\n<style>");
    util_buf_adds(out, style);
    util_buf_adds(out, "</style>\n</head>\n<body>\n");
    for (size_t i = 0; i < n; i++) {
        if (i % PER_PAGE == 0)
            util_buf_adds(out, "<div class=\"sheet\">\n");
        util_buf_adds(out, "<div class=\"slip\"><div class=\"qr\">");
        if (slips_qr_svg(out, codes[i].link, 30, err) != 0)
            return -1;
        util_buf_adds(out, "</div><p class=\"title\">");
        html_esc(out, info->title);
        util_buf_adds(out, "</p>");
        if (info->unit && *info->unit) {
            util_buf_adds(out, "<p class=\"unit\">");
            html_esc(out, info->unit);
            util_buf_adds(out, "</p>");
        }
        util_buf_adds(out, "<p class=\"lab\">");
        html_esc(out, TR(zh, "Your invitation code"));
        util_buf_adds(out, "</p><p class=\"code\">");
        html_esc(out, codes[i].code);
        util_buf_adds(out, "</p><p class=\"link\">");
        html_esc(out, info->address);
        util_buf_adds(out, "</p><p class=\"how\">");
        html_esc(out, info->self
                          ? TR(zh, "Scan the QR code with a phone, or open the address above in "
                                   "a browser and type the code. The code works once. This is "
                                   "the unit's self-assessment: answer for the unit as a whole.")
                          : TR(zh, "Scan the QR code with a phone, or open the address above in "
                                   "a browser and type the code. The code works once. The "
                                   "survey is anonymous: answers are never linked to the "
                                   "code."));
        util_buf_adds(out, "</p></div>\n");
        if (i % PER_PAGE == PER_PAGE - 1 || i + 1 == n)
            util_buf_adds(out, "</div>\n");
    }
    util_buf_adds(out, "</body>\n</html>\n");
    return 0;
}

int slips_batch_html(util_buf_t *out, const form_t *f, const char *unit, const char *base_url,
                     const char *lang, const tok_batch_t *b, err_t *err)
{
    slips_code_t *sc = util_xcalloc(b->n, sizeof *sc);
    for (size_t i = 0; i < b->n; i++)
        sc[i] = (slips_code_t){b->codes[i], b->links[i]};
    const char *q = strchr(base_url, '?');
    char *addr = util_fmt("%.*s", (int)(q ? (size_t)(q - base_url) : strlen(base_url)), base_url);
    const char *title = form_title_in(f, form_lang(f, lang));
    slips_info_t info = {*title ? title : f->form_id, unit, addr, strcmp(lang, "zh") == 0,
                         f->role == FORM_ROLE_SELF};
    int rc = slips_html(out, &info, sc, b->n, err);
    free(sc);
    free(addr);
    return rc;
}
