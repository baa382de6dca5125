/*
 * Unit tests for base/xlsx: the workbook reader.  Workbooks are built byte
 * by byte (tests/unit/xlsxmake.h) so each test holds what some writer
 * really produces: sheets found through the relationships at unusual paths
 * (absolute, relative with ../, other names), shared strings with
 * rich-text runs and a phonetic guide, inline strings, numbers as Excel
 * stores them (1.0, 1E-3, 2026112601), booleans, errors, formula results,
 * cells and rows without a reference, styled empty cells, _x000D_
 * escapes.  Then what must fail clearly: not a zip, a zip that is no
 * workbook, broken XML, a DOCTYPE, a shared string that does not exist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/xlsx.h"
#include "tests/unit/xlsxmake.h"
#include "tests/unit/testmain.h"

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RNS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELNS "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define ROOT_RELS                                                                          \
    "_rels/.rels", "<Relationships " RELNS "><Relationship Id=\"a\" Type=\"" RT            \
                   "officeDocument\" Target=\"/xl/workbook.xml\"/></Relationships>"

/* Rows of a sheet as "ROW:cell|cell\n" lines. */
static int dump_row(void *ud, const xlsx_row_t *r)
{
    util_buf_t *b = ud;
    util_buf_addf(b, "%ld:", r->row);
    for (size_t j = 0; j < r->ncells; j++)
        util_buf_addf(b, "%s%s", j ? "|" : "", r->cells[j]);
    util_buf_addc(b, '\n');
    return 0;
}

static char *dump_sheet(xlsx_t *x, size_t i)
{
    util_buf_t b = {0};
    err_t err = {0};
    int rc = xlsx_read_sheet(x, i, dump_row, &b, &err);
    if (rc != 0)
        fail_msg("sheet %zu: %s", i, err.msg ? err.msg : "?");
    return b.s ? util_buf_take(&b) : util_xstrdup("");
}

/* The workbook every value test reads: two sheets at paths no default
 * would guess, one found by an absolute target and one through "../". */
static const char *const parts_values[] = {
    ROOT_RELS,
    "xl/workbook.xml",
    "<workbook " NS " " RNS "><sheets>"
    "<sheet name=\"survey\" sheetId=\"7\" r:id=\"r7\"/>"
    "<sheet name=\"问卷 choices\" sheetId=\"2\" r:id=\"r2\"/>"
    "</sheets></workbook>",
    "xl/_rels/workbook.xml.rels",
    "<Relationships " RELNS ">"
    "<Relationship Id=\"r2\" Type=\"" RT "worksheet\" Target=\"../xl/sheets/Other.xml\"/>"
    "<Relationship Id=\"r7\" Type=\"" RT "worksheet\" Target=\"/xl/worksheets/Sheet9.xml\"/>"
    "<Relationship Id=\"s\" Type=\"" RT "sharedStrings\" Target=\"strings/sst.xml\"/>"
    "<Relationship Id=\"x\" Type=\"" RT "hyperlink\" Target=\"http://x\" TargetMode=\"External\"/>"
    "</Relationships>",
    "xl/strings/sst.xml",
    "<sst " NS "><si><t>type</t></si>"
    "<si><r><rPr><b/></rPr><t>rich </t></r><r><t>text</t></r></si>"
    "<si><t>漢字</t><rPh sb=\"0\" eb=\"1\"><t>かんじ</t></rPh></si>"
    "<si><t>line_x000D_two &amp; &lt;three&gt;</t></si>"
    "<si><t xml:space=\"preserve\">  spaced  </t></si></sst>",
    "xl/worksheets/Sheet9.xml",
    "<worksheet " NS "><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\" s=\"4\"><v>1</v></c></row>"
    "<row r=\"3\"><c r=\"A3\"><v>1.0</v></c><c r=\"B3\" t=\"n\"><v>2026112601</v></c>"
    "<c r=\"C3\"><v>0.1</v></c><c r=\"D3\"><v>1E-3</v></c><c r=\"E3\"><v>-3.5</v></c>"
    "<c r=\"F3\"><v>1.5E+25</v></c><c r=\"G3\"><v>0.30000000000000004</v></c></row>"
    "<row r=\"4\"><c r=\"A4\" t=\"b\"><v>1</v></c><c r=\"B4\" t=\"b\"><v>0</v></c>"
    "<c r=\"C4\" t=\"e\"><v>#N/A</v></c><c r=\"D4\" t=\"str\"><f>A1&amp;\"x\"</f><v>typex</v></c>"
    "<c r=\"E4\" t=\"inlineStr\"><is><t>in</t><r><t>line</t></r></is></c></row>"
    "<row r=\"5\" spans=\"1:3\"><c r=\"A5\" s=\"2\"/><c r=\"B5\" s=\"2\"/></row>"
    "<row><c t=\"s\"><v>2</v></c><c t=\"s\"><v>3</v></c><c><v>7</v></c></row>"
    "<row r=\"12\"><c r=\"AB12\" t=\"s\"><v>4</v></c></row>"
    "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>",
    "xl/sheets/Other.xml",
    "<x:worksheet xmlns:x=\"http://purl.oclc.org/ooxml/spreadsheetml/main\"><x:sheetData>"
    "<x:row r=\"2\"><x:c r=\"B2\" t=\"inlineStr\"><x:is><x:t>strict</x:t></x:is></x:c></x:row>"
    "</x:sheetData></x:worksheet>",
    NULL};

static void test_values(void **state)
{
    (void)state;
    size_t len;
    err_t err = {0};
    char *data = xm_zip(parts_values, &len);
    xlsx_t *x = NULL;
    assert_int_equal(xlsx_sniff(data, len), XLSX_ZIP);
    if (xlsx_open_mem(data, len, &x, &err) != 0)
        fail_msg("%s", err.msg);
    free(data);   /* the reader keeps its own copy */
    assert_int_equal(xlsx_nsheets(x), 2);
    assert_string_equal(xlsx_sheet_name(x, 0), "survey");
    assert_string_equal(xlsx_sheet_name(x, 1), "问卷 choices");
    assert_null(xlsx_sheet_name(x, 2));
    char *s = dump_sheet(x, 0);
    assert_string_equal(s,
        "1:type||rich text\n"
        "3:1|2026112601|0.1|0.001|-3.5|1.5e+25|0.30000000000000004\n"
        "4:TRUE|FALSE|#N/A|typex|inline\n"
        "6:漢字|line\rtwo & <three>|7\n"
        "12:|||||||||||||||||||||||||||  spaced  \n");
    free(s);
    s = dump_sheet(x, 1);
    assert_string_equal(s, "2:|strict\n");
    free(s);
    /* a sheet can be read again */
    s = dump_sheet(x, 1);
    assert_string_equal(s, "2:|strict\n");
    free(s);
    xlsx_close(x);
}

static int stop_at_second(void *ud, const xlsx_row_t *r)
{
    int *n = ud;
    (void)r;
    return ++*n == 2 ? 42 : 0;
}

static void test_callback_stops(void **state)
{
    (void)state;
    size_t len;
    err_t err = {0};
    char *data = xm_zip(parts_values, &len);
    xlsx_t *x = NULL;
    assert_int_equal(xlsx_open_mem(data, len, &x, &err), 0);
    int n = 0;
    assert_int_equal(xlsx_read_sheet(x, 0, stop_at_second, &n, &err), 42);
    assert_int_equal(n, 2);
    assert_null(err.msg);
    free(data);
    xlsx_close(x);
}

/* The usual layout made by xm_book, with no relationships for the
 * workbook at all: the default paths are the fallback. */
static void test_book_without_rels(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "xl/workbook.xml",
        "<workbook " NS " " RNS "><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/>"
        "<sheet name=\"b\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>",
        "xl/worksheets/sheet1.xml",
        "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\"><v>5</v></c></row></sheetData>"
        "</worksheet>",
        "xl/worksheets/sheet2.xml", "<worksheet " NS "><sheetData/></worksheet>",
        NULL};
    size_t len;
    err_t err = {0};
    char *data = xm_zip(parts, &len);
    xlsx_t *x = NULL;
    if (xlsx_open_mem(data, len, &x, &err) != 0)
        fail_msg("%s", err.msg);
    char *s = dump_sheet(x, 0);
    assert_string_equal(s, "1:5\n");
    free(s);
    s = dump_sheet(x, 1);
    assert_string_equal(s, "");
    free(s);
    free(data);
    xlsx_close(x);
}

/* Cells formatted as dates hold serial numbers; they read as the date
 * they show, whether the format is built in (14), a CJK built-in (31) or
 * custom; other formats leave the number. */
static void test_dates(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "xl/workbook.xml",
        "<workbook " NS " " RNS "><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets></workbook>",
        "xl/styles.xml",
        "<styleSheet " NS "><numFmts count=\"2\">"
        "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
        "<numFmt numFmtId=\"165\" formatCode=\"&quot;day &quot;0.00\"/></numFmts>"
        "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
        "<cellXfs count=\"6\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
        "<xf numFmtId=\"165\"/><xf numFmtId=\"31\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>",
        "xl/worksheets/sheet1.xml",
        "<worksheet " NS "><sheetData><row r=\"1\">"
        "<c r=\"A1\"><v>45000</v></c><c r=\"B1\" s=\"1\"><v>45000</v></c>"
        "<c r=\"C1\" s=\"2\"><v>45000</v></c><c r=\"D1\" s=\"3\"><v>45000</v></c>"
        "<c r=\"E1\" s=\"4\"><v>1</v></c><c r=\"F1\" s=\"5\"><v>45000.75</v></c>"
        "<c r=\"G1\" s=\"9\"><v>7</v></c><c r=\"H1\" s=\"1\" t=\"s\"><v>0</v></c>"
        "</row></sheetData></worksheet>",
        "xl/sharedStrings.xml", "<sst " NS "><si><t>2026-01-01 as text</t></si></sst>",
        NULL};
    size_t len;
    err_t err = {0};
    char *data = xm_zip(parts, &len);
    xlsx_t *x = NULL;
    if (xlsx_open_mem(data, len, &x, &err) != 0)
        fail_msg("%s", err.msg);
    char *s = dump_sheet(x, 0);
    assert_string_equal(s, "1:45000|2023-03-15|2023-03-15|45000|1900-01-01|"
                           "2023-03-15T18:00:00|7|2026-01-01 as text\n");
    free(s);
    free(data);
    xlsx_close(x);
}

static void test_xm_book(void **state)
{
    (void)state;
    size_t len;
    char *data = xm_book("survey\ntype|name\ninteger|01\n|\n\nchoices\nlist_name|name\nl|1.50",
                         &len);
    err_t err = {0};
    xlsx_t *x = NULL;
    assert_int_equal(xlsx_open_mem(data, len, &x, &err), 0);
    char *s = dump_sheet(x, 0);
    assert_string_equal(s, "1:type|name\n2:integer|01\n");
    free(s);
    s = dump_sheet(x, 1);
    assert_string_equal(s, "1:list_name|name\n2:l|1.5\n");
    free(s);
    free(data);
    xlsx_close(x);
}

struct bad {
    const char *desc;
    const char *const *parts;   /* NULL: the bytes below */
    const char *bytes;
    int at_open;                /* fails in xlsx_open_mem, else reading sheet 0 */
    const char *err;            /* substring of the message */
};

static const char *const p_nobook[] = {"word/document.xml", "<w/>", NULL};
static const char *const p_broken[] = {
    "xl/workbook.xml", "<workbook " NS "><sheets>\n<sheets></workbook>", NULL};
static const char *const p_doctype[] = {
    "xl/workbook.xml",
    "<!DOCTYPE lol [<!ENTITY a \"aaaa\">]><workbook " NS "><sheets/></workbook>", NULL};
static const char *const p_badsst[] = {
    "xl/workbook.xml",
    "<workbook " NS " " RNS "><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets></workbook>",
    "xl/worksheets/sheet1.xml",
    "<worksheet " NS "><sheetData><row r=\"3\"><c r=\"C3\" t=\"s\"><v>9</v></c></row>"
    "</sheetData></worksheet>",
    NULL};
static const char *const p_badref[] = {
    "xl/workbook.xml",
    "<workbook " NS " " RNS "><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets></workbook>",
    "xl/worksheets/sheet1.xml",
    "<worksheet " NS "><sheetData><row><c r=\"3C\"><v>1</v></c></row></sheetData></worksheet>",
    NULL};
static const char *const p_nosheetpart[] = {
    "xl/workbook.xml",
    "<workbook " NS " " RNS "><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets></workbook>",
    NULL};
static const char *const p_noname[] = {
    "xl/workbook.xml", "<workbook " NS " " RNS "><sheets><sheet r:id=\"rId1\"/></sheets></workbook>",
    NULL};

static const struct bad bads[] = {
    {"CSV text", NULL, "survey,,\n,type,name\n", 1, "not a zip archive"},
    {"zip but no workbook", p_nobook, NULL, 1, "not an .xlsx workbook (it has no xl/workbook.xml)"},
    {"broken XML names part and line", p_broken, NULL, 1,
     "xl/workbook.xml is not well-formed XML (line 2)"},
    {"DOCTYPE refused", p_doctype, NULL, 1, "xl/workbook.xml has a DOCTYPE"},
    {"sheet without a name", p_noname, NULL, 1, "a sheet without a name"},
    {"shared string out of range", p_badsst, NULL, 0,
     "cell C3 refers to shared string '9', which does not exist"},
    {"bad cell reference", p_badref, NULL, 0, "cell reference '3C' is not valid"},
    {"sheet part missing", p_nosheetpart, NULL, 0, "no part xl/worksheets/sheet1.xml"},
};

static int ignore_row(void *ud, const xlsx_row_t *r)
{
    (void)ud, (void)r;
    return 0;
}

static void test_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        const struct bad *b = &bads[i];
        size_t len;
        err_t err = {0};
        char *data = b->parts ? xm_zip(b->parts, &len) : util_xstrdup(b->bytes);
        if (!b->parts)
            len = strlen(data);
        xlsx_t *x = NULL;
        int rc = xlsx_open_mem(data, len, &x, &err);
        if (!b->at_open && rc == 0)
            rc = xlsx_read_sheet(x, 0, ignore_row, NULL, &err);
        if (rc != -1 || !err.msg || !strstr(err.msg, b->err))
            fail_msg("%s: rc %d, err '%s', want '%s'", b->desc, rc, err.msg ? err.msg : "(none)", b->err);
        err_clear(&err);
        free(data);
        xlsx_close(x);
    }
}

static void test_sniff_and_names(void **state)
{
    (void)state;
    assert_int_equal(xlsx_sniff("PK\x03\x04rest", 8), XLSX_ZIP);
    assert_int_equal(xlsx_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), XLSX_OLE);
    assert_int_equal(xlsx_sniff("survey,", 7), XLSX_NOT);
    assert_int_equal(xlsx_sniff("PK", 2), XLSX_NOT);
    char buf[16];
    assert_string_equal(xlsx_cell_name(12, 3, buf), "C12");
    assert_string_equal(xlsx_cell_name(1, 26, buf), "Z1");
    assert_string_equal(xlsx_cell_name(1, 27, buf), "AA1");
    assert_string_equal(xlsx_cell_name(1048576, 16384, buf), "XFD1048576");
    assert_string_equal(xlsx_cell_name(0, 2, buf), "B");
}

TEST_MAIN(
    cmocka_unit_test(test_values),
    cmocka_unit_test(test_callback_stops),
    cmocka_unit_test(test_book_without_rels),
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_xm_book),
    cmocka_unit_test(test_bad),
    cmocka_unit_test(test_sniff_and_names))
