/*
 * xlsxmake: builds .xlsx workbooks in memory for the unit tests, with
 * libzip, so a test controls every byte a writer might choose: raw parts
 * (xm_zip: any paths, any XML) or a plain workbook from text (xm_book: one
 * sheet per "NAME\nrow\nrow" block, cells separated by '|'; a cell that is
 * a number becomes a number cell, any other a shared string, as Excel
 * saves them).  Include after cmocka.h.
 *
 * Ownership: both return heap bytes the caller frees.
 */
#ifndef GS_XLSXMAKE_H
#define GS_XLSXMAKE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "base/err.h"
#include "base/util.h"
#include "base/xlsx.h"

/* parts: path, content, path, content, ..., NULL. */
static inline char *xm_zip(const char *const *parts, size_t *len)
{
    char path[] = "/tmp/gs-xlsx-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    int ze = 0;
    zip_t *z = zip_open(path, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; parts[i]; i += 2) {
        zip_source_t *src = zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, parts[i], src, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    err_t err = {0};
    char *data = NULL;
    assert_int_equal(util_read_file(path, &data, len, &err), 0);
    unlink(path);
    return data;
}

static inline void xm_esc(util_buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&')
            util_buf_adds(b, "&amp;");
        else if (s[i] == '<')
            util_buf_adds(b, "&lt;");
        else if (s[i] == '>')
            util_buf_adds(b, "&gt;");
        else if (s[i] == '"')
            util_buf_adds(b, "&quot;");
        else
            util_buf_addc(b, s[i]);
    }
}

static inline int xm_is_number(const char *s, size_t n)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double d;
    /* "01" is text in Excel unless typed as a number; keep it text */
    return util_parse_double(tmp, &d) == 0 && !(n > 1 && tmp[0] == '0' && tmp[1] != '.');
}

/* One sheet's XML from "row\nrow" (cells '|'); strings go to sst. */
static inline char *xm_sheet(const char *rows, util_buf_t *sst, size_t *nsst)
{
    util_buf_t b = {0};
    util_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                      "<sheetData>");
    long r = 0;
    const char *p = rows;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
        r++;
        util_buf_addf(&b, "<row r=\"%ld\">", r);
        long c = 0;
        const char *q = p;
        for (;;) {
            const char *bar = memchr(q, '|', (size_t)(p + linelen - q));
            size_t n = bar ? (size_t)(bar - q) : (size_t)(p + linelen - q);
            c++;
            if (n > 0) {
                char ref[16];
                xlsx_cell_name(r, c, ref);
                if (xm_is_number(q, n)) {
                    util_buf_addf(&b, "<c r=\"%s\"><v>%.*s</v></c>", ref, (int)n, q);
                } else {
                    util_buf_addf(&b, "<c r=\"%s\" t=\"s\"><v>%zu</v></c>", ref, (*nsst)++);
                    util_buf_adds(sst, "<si><t xml:space=\"preserve\">");
                    xm_esc(sst, q, n);
                    util_buf_adds(sst, "</t></si>");
                }
            }
            if (!bar)
                break;
            q = bar + 1;
        }
        util_buf_adds(&b, "</row>");
        p += linelen + (eol ? 1 : 0);
    }
    util_buf_adds(&b, "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>"
                      "</worksheet>");
    return util_buf_take(&b);
}

/* spec: blocks "NAME\nrow\nrow..." separated by a blank line. */
static inline char *xm_book(const char *spec, size_t *len)
{
    util_buf_t wb = {0}, rels = {0}, sst = {0};
    size_t nsst = 0, nsheets = 0;
    const char *parts[2 * 40 + 1];
    char *owned[40];
    size_t np = 0, nowned = 0;
    util_buf_adds(&wb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<workbook "
                       "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                       "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                       "relationships\"><sheets>");
    util_buf_adds(&rels, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships "
                         "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
    char *copy = util_xstrdup(spec);
    for (char *block = copy; block && *block;) {
        char *next = strstr(block, "\n\n");
        if (next) {
            *next = '\0';
            next += 2;
        }
        char *nl = strchr(block, '\n');
        const char *body = "";
        if (nl) {
            *nl = '\0';
            body = nl + 1;
        }
        nsheets++;
        assert_true(nowned + 3 < sizeof owned / sizeof owned[0]);
        util_buf_addf(&wb, "<sheet name=\"%s\" sheetId=\"%zu\" r:id=\"rId%zu\"/>", block, nsheets,
                      nsheets);
        util_buf_addf(&rels, "<Relationship Id=\"rId%zu\" Type=\"http://schemas.openxmlformats."
                      "org/officeDocument/2006/relationships/worksheet\" "
                      "Target=\"worksheets/sheet%zu.xml\"/>", nsheets, nsheets);
        owned[nowned++] = util_fmt("xl/worksheets/sheet%zu.xml", nsheets);
        parts[np++] = owned[nowned - 1];
        owned[nowned++] = xm_sheet(body, &sst, &nsst);
        parts[np++] = owned[nowned - 1];
        block = next;
    }
    free(copy);
    util_buf_adds(&wb, "</sheets></workbook>");
    util_buf_adds(&rels, "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/"
                         "officeDocument/2006/relationships/sharedStrings\" "
                         "Target=\"sharedStrings.xml\"/></Relationships>");
    owned[nowned++] = util_fmt("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"http://"
                               "schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                               "count=\"%zu\">%s</sst>", nsst, sst.s ? sst.s : "");
    parts[np++] = "xl/sharedStrings.xml";
    parts[np++] = owned[nowned - 1];
    parts[np++] = "xl/workbook.xml";
    parts[np++] = wb.s;
    parts[np++] = "xl/_rels/workbook.xml.rels";
    parts[np++] = rels.s;
    parts[np++] = "_rels/.rels";
    parts[np++] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://"
                  "schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
                  "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                  "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
    parts[np] = NULL;
    char *data = xm_zip(parts, len);
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    util_buf_free(&wb);
    util_buf_free(&rels);
    util_buf_free(&sst);
    return data;
}

#endif
