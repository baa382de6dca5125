/*
 * xlsx: the workbook reader (see xlsx.h).  An .xlsx file is a zip of XML
 * parts tied together by relationship files: _rels/.rels names the
 * workbook part, the workbook lists the sheets (name and relationship id),
 * and the workbook's own .rels file maps each id to the sheet's part and
 * names the shared-string table.  Writers differ in the paths they choose
 * (xl/worksheets/sheet1.xml, /xl/worksheets/Sheet1.xml, worksheets/...),
 * so every path is found through the relationships, never guessed, and the
 * usual paths are only the fallback for a file that lacks them.
 *
 * Parts are streamed from the zip into expat in slices, so a sheet's XML
 * is never held whole; only the shared strings are kept, as cells refer to
 * them by number.  Element names are matched without their namespace, so
 * the transitional (Excel) and strict (ISO) namespaces read alike.  A
 * DOCTYPE is refused: no workbook needs one, and entity expansion is the
 * one way XML can make a small file huge.
 */
#include "base/xlsx.h"
#include "base/util.h"
#include "base/i18n.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define XLSX_SLICE 65536
/* Unpacked size of one part: far beyond any questionnaire or survey
 * export, and a bound on what a zip bomb can make us read. */
#define XLSX_MAX_PART ((zip_uint64_t)1 << 30)
/* Excel's own limits (XFD1048576). */
#define XLSX_MAX_COL 16384
#define XLSX_MAX_ROW 1048576L

struct xlsx {
    zip_t *zip;
    char **names;        /* sheet names, workbook order */
    char **parts;        /* the part of each sheet, a path inside the zip */
    size_t nsheets;
    char **sst;          /* shared strings */
    size_t nsst, capsst;
    unsigned char *xf_date;   /* by cell style (s=): its number format is a date */
    size_t nxf;
    int date1904;        /* serial numbers count from 1904 (old Mac workbooks) */
};

/* ---- parts and XML ---- */

/* What every expat callback's user data starts with, so a handler can stop
 * the parse with a message. */
typedef struct {
    XML_Parser p;
    const char *part;
    err_t err;           /* why a handler stopped the parse (the first error wins) */
    int stop;            /* a callback's non-zero return, passed back */
} xml_ctx_t;

static void xml_fail(xml_ctx_t *c, const char *fmt, ...) UTIL_PRINTF(2, 3);
static void xml_fail(xml_ctx_t *c, const char *fmt, ...)
{
    if (c->err.code == ERR_OK) {
        va_list ap;
        va_start(ap, fmt);
        char *m = util_vfmt(fmt, ap);
        va_end(ap);
        err_set(&c->err, ERR_INPUT, "%s", m);
        free(m);
    }
    XML_StopParser(c->p, XML_FALSE);
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
                       const XML_Char *pub, int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    xml_ctx_t *c = ud;
    xml_fail(c, _("%s has a DOCTYPE, which no workbook has; the file is refused"), c->part);
}

/* The local part of an expat namespaced name "URI|local". */
static const char *local(const XML_Char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

/* Attribute by local name; with ns != 0 only a namespaced one (r:id, not
 * a plain id). */
static const char *attr(const XML_Char **atts, const char *name, int ns)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0 && (!ns || strchr(atts[i], '|')))
            return atts[i + 1];
    return NULL;
}

static zip_int64_t find_part(const xlsx_t *x, const char *path)
{
    while (*path == '/')
        path++;
    /* part names are case-insensitive (Open Packaging Conventions) */
    return zip_name_locate(x->zip, path, ZIP_FL_NOCASE);
}

/* Streams part `path` through a parser with the given handlers; ctx is the
 * handlers' user data and starts with an xml_ctx_t.  Returns 0, ctx's stop
 * value, or -1 with err.  A missing part is an error unless optional
 * (then 0 and nothing is parsed). */
static int parse_part(xlsx_t *x, const char *path, int optional, XML_StartElementHandler start,
                      XML_EndElementHandler end, XML_CharacterDataHandler text, void *ctx,
                      err_t *err)
{
    xml_ctx_t *c = ctx;
    zip_file_t *zf = NULL;
    char *buf = NULL;
    int rc = -1;
    c->part = path;
    c->p = XML_ParserCreateNS("UTF-8", '|');
    if (!c->p) {
        err_set(err, ERR_NOMEM, _("out of memory"));
        return -1;
    }
    zip_int64_t idx = find_part(x, path);
    if (idx < 0) {
        if (optional)
            rc = 0;
        else
            err_set(err, ERR_INPUT, _("the workbook has no part %s; save it again from Excel or "
                                      "WPS"), path);
        goto cleanup;
    }
    zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!zf) {
        err_set(err, ERR_FAIL, _("cannot read %s in the workbook: %s"), path, zip_strerror(x->zip));
        goto cleanup;
    }
    XML_SetUserData(c->p, ctx);
    XML_SetElementHandler(c->p, start, end);
    if (text)
        XML_SetCharacterDataHandler(c->p, text);
    XML_SetStartDoctypeDeclHandler(c->p, on_doctype);
    buf = util_xmalloc(XLSX_SLICE);
    zip_uint64_t total = 0;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, XLSX_SLICE);
        if (n < 0) {
            err_set(err, ERR_FAIL, _("cannot read %s in the workbook: %s"), path,
                    zip_error_strerror(zip_file_get_error(zf)));
            goto cleanup;
        }
        total += (zip_uint64_t)n;
        if (total > XLSX_MAX_PART) {
            err_set(err, ERR_INPUT, _("%s is larger than %d MB unpacked; refused"), path,
                    (int)(XLSX_MAX_PART >> 20));
            goto cleanup;
        }
        if (XML_Parse(c->p, buf, (int)n, n == 0) != XML_STATUS_OK) {
            if (c->stop) {
                rc = c->stop;
            } else if (c->err.code != ERR_OK) {
                err_move(err, &c->err);
            } else {
                err_set(err, ERR_INPUT, _("%s is not well-formed XML (line %lu): %s"), path,
                        (unsigned long)XML_GetCurrentLineNumber(c->p),
                        XML_ErrorString(XML_GetErrorCode(c->p)));
            }
            goto cleanup;
        }
        if (n == 0)
            break;
    }
    rc = 0;
cleanup:
    free(buf);
    if (zf)
        zip_fclose(zf);
    XML_ParserFree(c->p);
    c->p = NULL;
    err_clear(&c->err);
    return rc;
}

/* Resolves a relationship target against the folder of the part that
 * holds the relationships ("xl/" for xl/workbook.xml).  Heap. */
static char *resolve(const char *base_dir, const char *target)
{
    util_buf_t b = {0};
    if (*target != '/')
        util_buf_adds(&b, base_dir);
    else
        target++;
    util_buf_adds(&b, target);
    char *path = util_buf_take(&b);
    /* fold "dir/../" so the name matches the zip entry */
    char *p;
    while ((p = strstr(path, "/../")) != NULL) {
        char *q = p;
        while (q > path && q[-1] != '/')
            q--;
        memmove(q, p + 4, strlen(p + 4) + 1);
    }
    while (strncmp(path, "../", 3) == 0)
        memmove(path, path + 3, strlen(path + 3) + 1);
    return path;
}

/* ---- relationships ---- */

typedef struct {
    xml_ctx_t c;
    const char *dir;     /* folder the targets are relative to */
    char **ids, **targets, **types;
    size_t n;
} rels_t;

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    rels_t *r = ud;
    if (strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id", 0), *target = attr(atts, "Target", 0);
    const char *type = attr(atts, "Type", 0), *mode = attr(atts, "TargetMode", 0);
    if (!id || !target || (mode && strcmp(mode, "External") == 0))
        return;
    r->ids = util_xrealloc(r->ids, (r->n + 1) * sizeof *r->ids);
    r->targets = util_xrealloc(r->targets, (r->n + 1) * sizeof *r->targets);
    r->types = util_xrealloc(r->types, (r->n + 1) * sizeof *r->types);
    r->ids[r->n] = util_xstrdup(id);
    r->targets[r->n] = resolve(r->dir, target);
    r->types[r->n] = util_xstrdup(type ? type : "");
    r->n++;
}

static void rels_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

static void rels_free(rels_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->ids[i]);
        free(r->targets[i]);
        free(r->types[i]);
    }
    free(r->ids);
    free(r->targets);
    free(r->types);
}

/* The target of the first relationship whose type ends in /suffix, or NULL. */
static const char *rel_of_type(const rels_t *r, const char *suffix)
{
    size_t n = strlen(suffix);
    for (size_t i = 0; i < r->n; i++) {
        size_t t = strlen(r->types[i]);
        if (t > n && r->types[i][t - n - 1] == '/' && strcmp(r->types[i] + t - n, suffix) == 0)
            return r->targets[i];
    }
    return NULL;
}

static const char *rel_by_id(const rels_t *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->ids[i], id) == 0)
            return r->targets[i];
    return NULL;
}

/* ---- workbook: the sheet list ---- */

typedef struct {
    xml_ctx_t c;
    xlsx_t *x;
    char **rids;         /* relationship id of each sheet, parallel to x->names */
} book_t;

static void book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book_t *b = ud;
    if (strcmp(local(name), "workbookPr") == 0) {
        const char *d = attr(atts, "date1904", 0);
        b->x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
        return;
    }
    if (strcmp(local(name), "sheet") != 0)
        return;
    const char *sname = attr(atts, "name", 0), *rid = attr(atts, "id", 1);
    if (!sname || !rid) {
        xml_fail(&b->c, _("%s lists a sheet without a name or relationship id"), b->c.part);
        return;
    }
    xlsx_t *x = b->x;
    x->names = util_xrealloc(x->names, (x->nsheets + 1) * sizeof *x->names);
    b->rids = util_xrealloc(b->rids, (x->nsheets + 1) * sizeof *b->rids);
    x->names[x->nsheets] = util_xstrdup(sname);
    b->rids[x->nsheets] = util_xstrdup(rid);
    x->nsheets++;
}

/* ---- strings ---- */

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* OOXML escapes characters XML cannot carry as _xHHHH_ (Excel writes a
 * carriage return as _x000D_); decoded in place. */
static void unescape_x(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        unsigned cp = 0;
        int ok = r[0] == '_' && r[1] == 'x';
        for (int i = 2; ok && i < 6; i++) {
            int h = hexval(r[i]);
            ok = h >= 0;
            cp = cp * 16 + (unsigned)(h >= 0 ? h : 0);
        }
        if (ok && r[6] == '_' && !(cp >= 0xD800 && cp <= 0xDFFF)) {
            if (cp == 0) {
                /* no NUL in a C string: dropped */
            } else if (cp < 0x80) {
                *w++ = (char)cp;
            } else if (cp < 0x800) {
                *w++ = (char)(0xC0 | (cp >> 6));
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *w++ = (char)(0xE0 | (cp >> 12));
                *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            }
            r += 7;   /* 7 bytes in, at most 3 out: w never passes r */
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Text of a string item (<si> or <is>): the <t> elements, directly or in
 * rich-text runs <r>, but not the phonetic guide <rPh> of Japanese
 * workbooks, which is a reading aid and not part of the value. */
typedef struct {
    int in_t, in_rph;
    util_buf_t text;
} strtext_t;

static void strtext_start(strtext_t *s, const char *el)
{
    if (strcmp(el, "rPh") == 0)
        s->in_rph++;
    else if (strcmp(el, "t") == 0 && !s->in_rph)
        s->in_t = 1;
}

static void strtext_end(strtext_t *s, const char *el)
{
    if (strcmp(el, "rPh") == 0 && s->in_rph)
        s->in_rph--;
    else if (strcmp(el, "t") == 0)
        s->in_t = 0;
}

/* The collected text as a heap string, decoded; s is emptied. */
static char *strtext_take(strtext_t *s)
{
    char *v = util_buf_take(&s->text);
    if (!v)
        v = util_xstrdup("");
    unescape_x(v);
    return v;
}

typedef struct {
    xml_ctx_t c;
    xlsx_t *x;
    int in_si;
    strtext_t st;
} sst_t;

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    sst_t *s = ud;
    const char *el = local(name);
    if (strcmp(el, "si") == 0) {
        s->in_si = 1;
        util_buf_reset(&s->st.text);
    } else if (s->in_si) {
        strtext_start(&s->st, el);
    }
}

static void sst_end(void *ud, const XML_Char *name)
{
    sst_t *s = ud;
    const char *el = local(name);
    if (strcmp(el, "si") == 0 && s->in_si) {
        xlsx_t *x = s->x;
        if (x->nsst == x->capsst) {
            x->capsst = x->capsst ? x->capsst * 2 : 256;
            x->sst = util_xrealloc(x->sst, x->capsst * sizeof *x->sst);
        }
        x->sst[x->nsst++] = strtext_take(&s->st);
        s->in_si = 0;
    } else if (s->in_si) {
        strtext_end(&s->st, el);
    }
}

static void sst_text(void *ud, const XML_Char *s, int len)
{
    sst_t *t = ud;
    if (t->in_si && t->st.in_t)
        util_buf_add(&t->st.text, s, (size_t)len);
}

/* ---- styles: which cells hold dates ---- */

/* A number format code that shows a date or a time: a d, m, y, h or s
 * outside quoted text, [brackets] and escaped characters ("yyyy-mm-dd",
 * "m/d/yy h:mm", "yyyy\"年\"m\"月\"d\"日\""), but not "General" or "0.00". */
static int date_code(const char *code)
{
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            const char *q = strchr(p + 1, '"');
            if (!q)
                return 0;
            p = q;
        } else if (*p == '[') {
            const char *q = strchr(p + 1, ']');
            if (!q)
                return 0;
            p = q;
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (p[1])
                p++;
        } else if (strchr("dmyhsDMYHS", *p)) {
            return 1;
        }
    }
    return 0;
}

/* Excel's built-in date and time formats, by id; 27-36 and 50-58 are the
 * dates of Chinese, Japanese and Korean installations (yyyy"年"m"月"d"日"). */
static int date_builtin(long id)
{
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
           (id >= 50 && id <= 58);
}

typedef struct {
    xml_ctx_t c;
    xlsx_t *x;
    long *fmt_ids;       /* custom formats that are dates */
    size_t nfmt;
    int in_xfs;          /* inside cellXfs, where the cells' styles are */
} styles_t;

static void styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    styles_t *st = ud;
    const char *el = local(name);
    if (strcmp(el, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId", 0), *code = attr(atts, "formatCode", 0);
        if (id && code && date_code(code)) {
            st->fmt_ids = util_xrealloc(st->fmt_ids, (st->nfmt + 1) * sizeof *st->fmt_ids);
            st->fmt_ids[st->nfmt++] = strtol(id, NULL, 10);
        }
    } else if (strcmp(el, "cellXfs") == 0) {
        st->in_xfs = 1;
    } else if (strcmp(el, "xf") == 0 && st->in_xfs) {
        const char *id = attr(atts, "numFmtId", 0);
        long f = id ? strtol(id, NULL, 10) : 0;
        int is_date = date_builtin(f);
        for (size_t i = 0; i < st->nfmt && !is_date; i++)
            is_date = st->fmt_ids[i] == f;
        xlsx_t *x = st->x;
        x->xf_date = util_xrealloc(x->xf_date, x->nxf + 1);
        x->xf_date[x->nxf++] = (unsigned char)is_date;
    }
}

static void styles_end(void *ud, const XML_Char *name)
{
    styles_t *st = ud;
    if (strcmp(local(name), "cellXfs") == 0)
        st->in_xfs = 0;
}

/* A date cell's serial number as the date it shows: "2026-03-01", with
 * the time "2026-03-01T09:30:00" when it has one.  Excel's 1900 system
 * counts 1900-02-29, which never was, so days after it are one less. */
static void serial_date(double serial, int date1904, char *buf, size_t n)
{
    double days = floor(serial);
    long secs = lround((serial - days) * 86400);
    if (secs >= 86400) {
        days += 1;
        secs -= 86400;
    }
    /* days from 1970-01-01 */
    long z = date1904 ? (long)days - 24107 : (long)days - (days >= 61 ? 25569 : 25568);
    /* civil date from days (Howard Hinnant's algorithm) */
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    /* the caller keeps serial within years 1900..9999: the % only bound
     * the widths for the compiler */
    int yy = (int)(y % 10000), mm = (int)(m % 100), dd = (int)(d % 100);
    if (secs)
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d", yy, mm, dd, (int)(secs / 3600 % 100),
                 (int)(secs / 60 % 60), (int)(secs % 60));
    else
        snprintf(buf, n, "%04d-%02d-%02d", yy, mm, dd);
}

/* ---- numbers ---- */

/* The shortest text that reads back as d, in plain notation when its
 * exponent is between -7 and 21 (as a spreadsheet's General format and
 * JavaScript show numbers), else as 1.5e+25.  buf holds 48 bytes. */
static void shortest(double d, char *buf)
{
    char tmp[40];
    int prec;
    if (d == 0) {
        strcpy(buf, "0");       /* -0 too: a cell shows 0 */
        return;
    }
    for (prec = 1; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
    /* tmp is [-]D[.DDD]e[+-]XX: split into digits and exponent */
    char digits[24];
    int nd = 0, neg = tmp[0] == '-';
    const char *p = tmp + neg;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    int e = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (e < -7 || e >= 21) {
        snprintf(buf, 48, "%s%c%s%.*se%+d", neg ? "-" : "", digits[0], nd > 1 ? "." : "",
                 nd - 1, digits + 1, e);
        return;
    }
    char *w = buf;
    if (neg)
        *w++ = '-';
    if (e < 0) {
        *w++ = '0';
        *w++ = '.';
        for (int i = 0; i < -e - 1; i++)
            *w++ = '0';
        memcpy(w, digits, (size_t)nd);
        w += nd;
    } else {
        for (int i = 0; i <= e || i < nd; i++) {
            if (i == e + 1)
                *w++ = '.';
            *w++ = i < nd ? digits[i] : '0';
        }
    }
    *w = '\0';
}

/* ---- sheets ---- */

typedef struct {
    xml_ctx_t c;
    xlsx_t *x;
    xlsx_row_fn fn;
    void *ud;
    long row;            /* current row number */
    long col;            /* last cell's column, 1-based */
    char **cells;        /* current row, cap entries, heap strings or NULL */
    size_t ncells, cap;
    /* the cell being read */
    int in_c, in_v, in_is;
    char type[16];
    long ccol;
    long style;          /* the cell's s=, -1 none */
    util_buf_t v;
    strtext_t is;
} sheet_t;

/* "C12" -> column 3, row 12; row may be absent ("C").  -1 when malformed. */
static int parse_ref(const char *ref, long *col, long *row)
{
    long c = 0, r = 0;
    const char *p = ref;
    while (*p >= 'A' && *p <= 'Z') {
        c = c * 26 + (*p - 'A' + 1);
        if (c > XLSX_MAX_COL)
            return -1;
        p++;
    }
    while (*p >= '0' && *p <= '9') {
        r = r * 10 + (*p - '0');
        if (r > XLSX_MAX_ROW)
            return -1;
        p++;
    }
    if (*p || c == 0)
        return -1;
    *col = c;
    *row = r;
    return 0;
}

static void row_clear(sheet_t *s)
{
    for (size_t i = 0; i < s->ncells; i++) {
        free(s->cells[i]);
        s->cells[i] = NULL;
    }
    s->ncells = 0;
}

/* Hands the collected row to the callback when it holds anything. */
static void row_flush(sheet_t *s)
{
    while (s->ncells > 0 && (!s->cells[s->ncells - 1] || !*s->cells[s->ncells - 1])) {
        free(s->cells[s->ncells - 1]);
        s->cells[--s->ncells] = NULL;
    }
    if (s->ncells > 0 && !s->c.stop) {
        for (size_t i = 0; i < s->ncells; i++)
            if (!s->cells[i])
                s->cells[i] = util_xstrdup("");
        xlsx_row_t r = {s->row, s->ncells, s->cells};
        int rc = s->fn(s->ud, &r);
        if (rc != 0) {
            s->c.stop = rc;
            XML_StopParser(s->c.p, XML_FALSE);
        }
    }
    row_clear(s);
}

static void cell_start(sheet_t *s, const XML_Char **atts)
{
    const char *ref = attr(atts, "r", 0), *t = attr(atts, "t", 0);
    long col = s->col + 1, row = 0;
    if (ref && parse_ref(ref, &col, &row) != 0) {
        xml_fail(&s->c, _("%s: cell reference '%s' is not valid"), s->c.part, ref);
        return;
    }
    if (col > XLSX_MAX_COL) {
        xml_fail(&s->c, _("%s: more than %d columns"), s->c.part, XLSX_MAX_COL);
        return;
    }
    s->in_c = 1;
    s->ccol = s->col = col;
    snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
    const char *st = attr(atts, "s", 0);
    s->style = st ? strtol(st, NULL, 10) : -1;
    util_buf_reset(&s->v);
    util_buf_reset(&s->is.text);
}

/* The value of the finished cell, by its type: heap. */
static char *cell_value(sheet_t *s)
{
    const char *v = s->v.s ? s->v.s : "";
    const char *t = s->type;
    if (strcmp(t, "inlineStr") == 0)
        return strtext_take(&s->is);
    if (strcmp(t, "s") == 0) {
        char *end;
        long k = strtol(v, &end, 10);
        if (!*v || *end || k < 0 || (size_t)k >= s->x->nsst) {
            char ref[16];
            xml_fail(&s->c, _("%s: cell %s refers to shared string '%s', which does not exist"),
                     s->c.part, xlsx_cell_name(s->row, s->ccol, ref), v);
            return NULL;
        }
        return util_xstrdup(s->x->sst[k]);
    }
    if (strcmp(t, "b") == 0)
        return util_xstrdup(!*v ? "" : strcmp(v, "0") == 0 ? "FALSE" : "TRUE");
    if (strcmp(t, "n") == 0 && *v) {
        char *end;
        double d = strtod(v, &end);
        if (*end == '\0' && isfinite(d)) {
            char buf[48];
            if (s->style >= 0 && (size_t)s->style < s->x->nxf && s->x->xf_date[s->style] &&
                d >= 0 && d < 2958466)   /* 9999-12-31 */
                serial_date(d, s->x->date1904, buf, sizeof buf);
            else
                shortest(d, buf);
            return util_xstrdup(buf);
        }
    }
    /* str (a formula's text), e (an error code), d (an ISO date) and a
     * number that is none: as written */
    char *r = util_xstrdup(v);
    unescape_x(r);
    return r;
}

static void cell_end(sheet_t *s)
{
    s->in_c = 0;
    char *val = cell_value(s);
    if (!val)
        return;
    size_t j = (size_t)s->ccol - 1;
    if (j >= s->cap) {
        size_t ncap = s->cap ? s->cap : 16;
        while (ncap <= j)
            ncap *= 2;
        s->cells = util_xrealloc(s->cells, ncap * sizeof *s->cells);
        memset(s->cells + s->cap, 0, (ncap - s->cap) * sizeof *s->cells);
        s->cap = ncap;
    }
    free(s->cells[j]);
    s->cells[j] = val;
    if (j + 1 > s->ncells)
        s->ncells = j + 1;
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sheet_t *s = ud;
    const char *el = local(name);
    if (s->in_c) {
        if (strcmp(el, "v") == 0)
            s->in_v = 1;
        else if (strcmp(el, "is") == 0)
            s->in_is = 1;
        else if (s->in_is)
            strtext_start(&s->is, el);
        return;
    }
    if (strcmp(el, "row") == 0) {
        const char *r = attr(atts, "r", 0);
        long n = s->row + 1;
        if (r) {
            char *end;
            n = strtol(r, &end, 10);
            if (*end || n < 1 || n > XLSX_MAX_ROW) {
                xml_fail(&s->c, _("%s: row number '%s' is not valid"), s->c.part, r);
                return;
            }
        }
        s->row = n;
        s->col = 0;
    } else if (strcmp(el, "c") == 0) {
        cell_start(s, atts);
    }
}

static void sheet_end(void *ud, const XML_Char *name)
{
    sheet_t *s = ud;
    const char *el = local(name);
    if (s->in_c) {
        if (strcmp(el, "c") == 0)
            cell_end(s);
        else if (strcmp(el, "v") == 0)
            s->in_v = 0;
        else if (strcmp(el, "is") == 0)
            s->in_is = 0;
        else if (s->in_is)
            strtext_end(&s->is, el);
    } else if (strcmp(el, "row") == 0) {
        row_flush(s);
    }
}

static void sheet_text(void *ud, const XML_Char *t, int len)
{
    sheet_t *s = ud;
    if (s->in_v)
        util_buf_add(&s->v, t, (size_t)len);
    else if (s->in_is && s->is.in_t)
        util_buf_add(&s->is.text, t, (size_t)len);
}

int xlsx_read_sheet(xlsx_t *x, size_t i, xlsx_row_fn fn, void *ud, err_t *err)
{
    if (i >= x->nsheets) {
        err_set(err, ERR_NOTFOUND, _("no sheet %zu"), i);
        return -1;
    }
    sheet_t s = {0};
    s.x = x;
    s.fn = fn;
    s.ud = ud;
    int rc = parse_part(x, x->parts[i], 0, sheet_start, sheet_end, sheet_text, &s, err);
    row_clear(&s);
    free(s.cells);
    util_buf_free(&s.v);
    util_buf_free(&s.is.text);
    return rc;
}

/* ---- the workbook ---- */

xlsx_kind_t xlsx_sniff(const char *data, size_t len)
{
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
        return XLSX_ZIP;
    if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return XLSX_OLE;
    return XLSX_NOT;
}

/* The folder of a part, with its slash ("xl/" for xl/workbook.xml). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return util_xstrndup(path, slash ? (size_t)(slash - path) + 1 : 0);
}

/* Reads the sheet list, where each sheet's part is, and the shared
 * strings. */
static int load_book(xlsx_t *x, err_t *err)
{
    rels_t root = {0}, wbrels = {0};
    book_t book = {0};
    sst_t sst = {0};
    char *wbdir = NULL, *relpath = NULL, *wbpath = NULL;
    int rc = -1;
    root.dir = "";
    if (parse_part(x, "_rels/.rels", 1, rels_start, rels_end, NULL, &root, err) != 0)
        goto cleanup;
    const char *wb = rel_of_type(&root, "officeDocument");
    wbpath = util_xstrdup(wb ? wb : "xl/workbook.xml");
    if (find_part(x, wbpath) < 0) {
        err_set(err, ERR_INPUT, _("a zip archive but not an .xlsx workbook (it has no %s); save "
                                  "the questionnaire from Excel or WPS as an Excel workbook "
                                  "(.xlsx)"), wbpath);
        goto cleanup;
    }
    book.x = x;
    if (parse_part(x, wbpath, 0, book_start, rels_end, NULL, &book, err) != 0)
        goto cleanup;
    wbdir = dir_of(wbpath);
    relpath = util_fmt("%s_rels/%s.rels", wbdir, wbpath + strlen(wbdir));
    wbrels.dir = wbdir;
    if (parse_part(x, relpath, 1, rels_start, rels_end, NULL, &wbrels, err) != 0)
        goto cleanup;
    x->parts = util_xcalloc(x->nsheets + 1, sizeof *x->parts);
    for (size_t i = 0; i < x->nsheets; i++) {
        const char *t = rel_by_id(&wbrels, book.rids[i]);
        /* no relationships at all: the usual names, sheet1.xml in order */
        x->parts[i] = t ? util_xstrdup(t) : util_fmt("%sworksheets/sheet%zu.xml", wbdir, i + 1);
    }
    const char *sty = rel_of_type(&wbrels, "styles");
    char *stypath = sty ? util_xstrdup(sty) : util_fmt("%sstyles.xml", wbdir);
    styles_t styles = {0};
    styles.x = x;
    rc = parse_part(x, stypath, 1, styles_start, styles_end, NULL, &styles, err);
    free(styles.fmt_ids);
    free(stypath);
    if (rc != 0)
        goto cleanup;
    const char *ss = rel_of_type(&wbrels, "sharedStrings");
    char *sspath = ss ? util_xstrdup(ss) : util_fmt("%ssharedStrings.xml", wbdir);
    sst.x = x;
    rc = parse_part(x, sspath, 1, sst_start, sst_end, sst_text, &sst, err);
    free(sspath);
cleanup:
    if (book.rids)
        for (size_t i = 0; i < x->nsheets; i++)
            free(book.rids[i]);
    free(book.rids);
    rels_free(&root);
    rels_free(&wbrels);
    util_buf_free(&sst.st.text);
    free(wbdir);
    free(relpath);
    free(wbpath);
    return rc;
}

int xlsx_open_mem(const char *data, size_t len, xlsx_t **out, err_t *err)
{
    *out = NULL;
    if (xlsx_sniff(data, len) != XLSX_ZIP) {
        err_set(err, ERR_INPUT, _("not an .xlsx workbook (not a zip archive)"));
        return -1;
    }
    xlsx_t *x = util_xcalloc(1, sizeof *x);
    zip_error_t ze;
    zip_error_init(&ze);
    /* the source frees its copy when the archive is closed */
    void *copy = util_xmalloc(len);
    memcpy(copy, data, len);
    zip_source_t *src = zip_source_buffer_create(copy, len, 1, &ze);
    if (!src) {
        free(copy);
        goto fail;
    }
    x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!x->zip) {
        zip_source_free(src);
        goto fail;
    }
    zip_error_fini(&ze);
    if (load_book(x, err) != 0) {
        xlsx_close(x);
        return -1;
    }
    *out = x;
    return 0;
fail:
    err_set(err, ERR_INPUT, _("not an .xlsx workbook: %s"), zip_error_strerror(&ze));
    zip_error_fini(&ze);
    xlsx_close(x);
    return -1;
}

void xlsx_close(xlsx_t *x)
{
    if (!x)
        return;
    if (x->zip)
        zip_discard(x->zip);
    for (size_t i = 0; i < x->nsheets; i++) {
        free(x->names[i]);
        if (x->parts)
            free(x->parts[i]);
    }
    free(x->names);
    free(x->parts);
    for (size_t i = 0; i < x->nsst; i++)
        free(x->sst[i]);
    free(x->sst);
    free(x->xf_date);
    free(x);
}

size_t xlsx_nsheets(const xlsx_t *x)
{
    return x->nsheets;
}

const char *xlsx_sheet_name(const xlsx_t *x, size_t i)
{
    return i < x->nsheets ? x->names[i] : NULL;
}

char *xlsx_cell_name(long row, long col, char buf[16])
{
    /* beyond Excel's grid there is no name: clamp to it */
    if (col < 1 || col > XLSX_MAX_COL)
        col = 1;
    if (row < 0 || row > XLSX_MAX_ROW)
        row = 0;
    char letters[4];
    int n = 0;
    for (long c = col; c > 0; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    int w = 0;
    while (n > 0)
        buf[w++] = letters[--n];
    if (row > 0)
        snprintf(buf + w, 16 - (size_t)w, "%d", (int)row);
    else
        buf[w] = '\0';
    return buf;
}
