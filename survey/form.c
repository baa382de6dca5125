/*
 * form: loads an XLSForm saved in pyxform's one-file CSV layout (a row whose
 * first cell is non-empty starts a sheet; the next row is its header; data
 * rows leave the first cell empty) into a form_t, checking everything a
 * questionnaire author can get wrong and reporting all of it in one pass,
 * each problem at its FILE:LINE:COL with what to do about it.
 *
 * The sheets are read settings first, then dimensions, choices and survey,
 * whatever their order in the file, because the survey sheet refers to the
 * others (default language, choice lists, dimension codes).
 */
#include "survey/form.h"
#include "base/csv.h"
#include "base/encoding.h"
#include "base/i18n.h"
#include "base/xlsx.h"

#include <ctype.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- raw rows ---- */

/* A row of either layout.  In the CSV layout line is the file's line.  A
 * workbook is laid out the same way (each sheet starts with a row holding
 * its name, its rows follow with an empty first cell), so one loader reads
 * both; there line numbers the rows in turn, and sheet/xrow say where the
 * row is in the workbook, for messages. */
typedef struct {
    long line;
    size_t n;
    char **cells;
    int sheet;           /* workbook: index into loader_t.book_sheets; -1 in a CSV file */
    long xrow;           /* workbook: the row as Excel numbers it; 0 for the name row */
} row_t;

typedef struct {
    row_t *rows;
    size_t n, cap;
} rows_t;

/* A new row of n cells (filled by the caller), at the end of rs. */
static row_t *row_push(rows_t *rs, size_t n)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->rows = util_xrealloc(rs->rows, rs->cap * sizeof *rs->rows);
    }
    row_t *row = &rs->rows[rs->n++];
    memset(row, 0, sizeof *row);
    row->n = n;
    row->cells = util_xcalloc(n ? n : 1, sizeof *row->cells);
    row->sheet = -1;
    return row;
}

static int collect_row(void *ud, const csvr_row_t *r)
{
    row_t *row = row_push(ud, r->ncells);
    row->line = r->line;
    for (size_t i = 0; i < r->ncells; i++)
        row->cells[i] = util_trim(util_xstrdup(r->cells[i]));
    return 0;
}

static void rows_free(rows_t *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        for (size_t j = 0; j < rs->rows[i].n; j++)
            free(rs->rows[i].cells[j]);
        free(rs->rows[i].cells);
    }
    free(rs->rows);
}

static const char *cell(const row_t *r, int col)
{
    return (col >= 0 && (size_t)col < r->n) ? r->cells[col] : "";
}

static int row_blank(const row_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->cells[i][0])
            return 0;
    return 1;
}

/* ---- sheets and columns ---- */

typedef struct {
    const char *name;     /* as written, first cell of the sheet row */
    long line;
    const row_t *header;  /* NULL when the sheet has no header row */
    size_t first, end;    /* data rows [first, end) in rows_t */
} sheet_t;

/* A column of a sheet's header: base name ("label"), language index or -1. */
typedef struct {
    char *base;
    int lang;
} colspec_t;

typedef struct {
    form_t *f;
    util_diag_t *d;
    const char *file;
    rows_t rows;
    sheet_t sheets[16];
    size_t nsheets;
    /* where the settings values sit, for checks made once the survey is read */
    long settings_line;
    int col_default_language, col_unit_field, col_outcome_field;
    /* the survey row marked `outcome` yes, for the checks against
     * settings' outcome_field: its line and column, 0 for none */
    long outcome_line;
    int outcome_col;
    int outcome_by_col;      /* outcome_field came from that column, not settings */
    /* a dimensions or choices sheet that could not be read: every code or
     * list name used in the survey would then be "not declared", which says
     * nothing the sheet's own error does not */
    int dims_unreadable, choices_unreadable;
    /* names of survey rows dropped for a bad type, so ${name} references to
     * them are not reported as unknown questions on top */
    const char **dropped;
    size_t ndropped;
    /* a workbook: its sheet names (owned), which its rows' `sheet` index */
    char **book_sheets;
    size_t nbook;
    /* choice lists named in the survey but not defined: each is reported
     * once, at its first use, with how many questions use it (a typo in
     * one list name would otherwise be an error on every question) */
    struct undef_list {
        char *name;
        long line, col;
        size_t uses;
    } *undef;
    size_t nundef;
    int undefined_lists;    /* how many were reported */
} loader_t;

/* Where a workbook row and column of the CSV layout are, as Excel names
 * them: "survey!C12" (the layout's column 1 holds the sheet name, so its
 * column 2 is Excel's A), "survey!12:12" for the whole row, "survey" for
 * the sheet itself.  Heap. */
static char *book_where(const loader_t *L, const row_t *r, long col)
{
    const char *sheet = L->book_sheets[r->sheet];
    if (r->xrow == 0)
        return util_xstrdup(sheet);
    if (col < 2)
        return util_fmt("%s!%ld:%ld", sheet, r->xrow, r->xrow);
    char ref[16];
    return util_fmt("%s!%s", sheet, xlsx_cell_name(r->xrow, col - 1, ref));
}

static void diag(loader_t *L, util_sev_t sev, long line, long col, const char *m)
{
    if (L->book_sheets && line > 0 && (size_t)line <= L->rows.n) {
        char *w = book_where(L, &L->rows.rows[line - 1], col);
        char *at = util_fmt("%s:%s", L->file, w);
        util_diag_add(L->d, sev, at, 0, 0, "%s", m);
        free(at);
        free(w);
        return;
    }
    util_diag_add(L->d, sev, L->file, line, col, "%s", m);
}

static void err(loader_t *L, long line, long col, const char *fmt, ...) UTIL_PRINTF(4, 5);
static void err(loader_t *L, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    diag(L, UTIL_ERROR, line, col, m);
    free(m);
}

/* Notes a question using a list the choices sheet does not define
 * (report_undefined reports each list once). */
static void undefined_list(loader_t *L, const char *name, long line, long col)
{
    for (size_t i = 0; i < L->nundef; i++)
        if (strcmp(L->undef[i].name, name) == 0) {
            L->undef[i].uses++;
            return;
        }
    L->undef = util_xrealloc(L->undef, (L->nundef + 1) * sizeof *L->undef);
    L->undef[L->nundef++] = (struct undef_list){util_xstrdup(name), line, col, 1};
}

static void warn(loader_t *L, long line, long col, const char *fmt, ...) UTIL_PRINTF(4, 5);
static void warn(loader_t *L, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    diag(L, UTIL_WARNING, line, col, m);
    free(m);
}

static int lang_add(form_t *f, const char *lang)
{
    for (size_t i = 0; i < f->nlangs; i++)
        if (strcmp(f->langs[i], lang) == 0)
            return (int)i;
    f->langs = util_xrealloc(f->langs, (f->nlangs + 1) * sizeof *f->langs);
    f->langs[f->nlangs] = util_xstrdup(lang);
    return (int)f->nlangs++;
}

/* Older and other spellings of column names, as pyxform reads them. */
static const char *const col_aliases[][2] = {
    {"list name", "list_name"},     {"caption", "label"},
    {"relevance", "relevant"},      {"readonly", "read_only"},
    {"read only", "read_only"},     {"constraining_message", "constraint_message"},
    {"constraint message", "constraint_message"}, {"requiredmsg", "required_message"},
    {"required message", "required_message"},    {"count", "repeat_count"},
    {"jr:count", "repeat_count"},   {"repeat count", "repeat_count"},
    {"choice filter", "choice_filter"},           {"set_form_id", "form_id"},
    {"set_form_title", "form_title"},             {"form id", "form_id"},
    {"form title", "form_title"},   {"default language", "default_language"},
    {"value", "name"},              {"command", "type"},
    {"calculate", "calculation"},
};

/* Columns that name a picture, sound or film to show. */
static int is_media(const char *base, size_t n)
{
    static const char *const m[] = {"media", "image", "audio", "video", "big-image", NULL};
    for (const char *const *k = m; *k; k++)
        if (strlen(*k) == n && strncasecmp(base, *k, n) == 0)
            return 1;
    return 0;
}

/* Columns that hold a text per language (label::English (en)). */
static int translatable(const char *base)
{
    static const char *const t[] = {"label", "hint", "constraint_message", "required_message",
                                    "guidance_hint", "form_title", "image", "audio", "video",
                                    "big-image", "media", NULL};
    for (const char *const *k = t; *k; k++)
        if (util_streq_ci(base, *k))
            return 1;
    return 0;
}

/* Splits a header cell "label::Chinese (zh)" into base and language.  A
 * sheet with no "::" at all may use one colon (label:English), the older
 * spelling pyxform still reads. */
static colspec_t *parse_header(loader_t *L, const row_t *h)
{
    colspec_t *cs = util_xcalloc(h->n + 1, sizeof *cs);
    int dbl = 0;
    for (size_t j = 1; j < h->n; j++)
        dbl |= strstr(h->cells[j], "::") != NULL;
    for (size_t j = 1; j < h->n; j++) {
        const char *c = h->cells[j];
        const char *sep = strstr(c, "::");
        size_t seplen = 2;
        if (!dbl && (sep = strchr(c, ':')) != NULL) {
            char *b = util_xstrndup(c, (size_t)(sep - c));
            if (!translatable(util_trim(b)))
                sep = NULL;
            free(b);
            seplen = 1;
        }
            if (sep && is_media(c, (size_t)(sep - c))) {
            /* media::image::English: a file to show, not a language */
            cs[j].base = util_xstrdup("media");
            cs[j].lang = -1;
            continue;
        }
        if (sep) {
            cs[j].base = util_trim(util_xstrndup(c, (size_t)(sep - c)));
            char *lang = util_trim(util_xstrdup(sep + seplen));
            cs[j].lang = lang_add(L->f, lang);
            free(lang);
        } else {
            cs[j].base = util_xstrdup(c);
            cs[j].lang = -1;
        }
        for (char *p = cs[j].base; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (is_media(cs[j].base, strlen(cs[j].base))) {
            free(cs[j].base);
            cs[j].base = util_xstrdup("media");
            cs[j].lang = -1;
            continue;
        }
        for (size_t k = 0; k < sizeof col_aliases / sizeof col_aliases[0]; k++)
            if (strcmp(cs[j].base, col_aliases[k][0]) == 0) {
                free(cs[j].base);
                cs[j].base = util_xstrdup(col_aliases[k][1]);
                break;
            }
        /* "label" without a language is the default language's text */
        if (!sep && (strcmp(cs[j].base, "label") == 0 || strcmp(cs[j].base, "hint") == 0 ||
                     strcmp(cs[j].base, "constraint_message") == 0 ||
                     strcmp(cs[j].base, "required_message") == 0))
            cs[j].lang = lang_add(L->f, L->f->default_language ? L->f->default_language : "");
    }
    return cs;
}

/* A file named under a media column (image, audio, video): gapsurvey
 * shows text only, and a question that depends on its picture would be
 * misread without it. */
static void check_media(loader_t *L, const sheet_t *s, colspec_t *cs, const row_t *r)
{
    for (size_t j = 1; j < s->header->n; j++)
        if (strcmp(cs[j].base, "media") == 0 && cell(r, (int)j)[0]) {
            err(L, r->line, (long)j + 1, _("media ('%s') is not supported: gapsurvey shows text "
                "only; describe it in the label and empty this cell"), cell(r, (int)j));
            return;
        }
}

static void colspecs_free(colspec_t *cs, size_t n)
{
    if (!cs)
        return;
    for (size_t j = 0; j < n; j++)
        free(cs[j].base);
    free(cs);
}

/* Column index of a single-valued column, -1 if absent; duplicate columns
 * are an error. */
static int col_of(loader_t *L, const sheet_t *s, colspec_t *cs, const char *base)
{
    int found = -1;
    for (size_t j = 1; j < s->header->n; j++)
        if (cs[j].lang < 0 && strcmp(cs[j].base, base) == 0) {
            if (found >= 0)
                err(L, s->header->line, (long)j + 1,
                    _("column '%s' appears twice in sheet '%s'; delete one of them"), base, s->name);
            else
                found = (int)j;
        }
    return found;
}

/* Reads a multi-language text from all columns whose base is `base`. */
static form_text_t read_text(const sheet_t *s, colspec_t *cs, const row_t *r,
                             const char *base)
{
    form_text_t t = NULL;
    for (size_t j = 1; j < s->header->n; j++) {
        if (cs[j].lang < 0 || strcmp(cs[j].base, base) != 0)
            continue;
        const char *v = cell(r, (int)j);
        if (!*v)
            continue;
        if (!t)
            t = util_xcalloc(FORM_MAX_LANGS, sizeof *t);
        /* a header naming the same language twice: the first column wins
         * (the second must not leak the first's copy) */
        if (cs[j].lang < FORM_MAX_LANGS && !t[cs[j].lang])
            t[cs[j].lang] = util_xstrdup(v);
    }
    return t;
}

/* First column of a multi-language text such as label, or -1: where an
 * empty text is reported, since that is the cell to fill in. */
static int text_col(const sheet_t *s, colspec_t *cs, const char *base)
{
    for (size_t j = 1; j < s->header->n; j++)
        if (cs[j].lang >= 0 && strcmp(cs[j].base, base) == 0)
            return (int)j;
    return -1;
}

static int text_empty(form_text_t t)
{
    if (!t)
        return 1;
    for (size_t i = 0; i < FORM_MAX_LANGS; i++)
        if (t[i])
            return 0;
    return 1;
}

static void text_free(form_text_t t)
{
    if (!t)
        return;
    for (size_t i = 0; i < FORM_MAX_LANGS; i++)
        free(t[i]);
    free(t);
}

static void warn_unknown_columns(loader_t *L, const sheet_t *s, colspec_t *cs,
                                 const char *const *known)
{
    for (size_t j = 1; j < s->header->n; j++) {
        const char *b = cs[j].base;
        if (!*b)
            continue;
        int ok = 0;
        for (const char *const *k = known; *k; k++)
            if (strcmp(b, *k) == 0)
                ok = 1;
        if (ok)
            continue;
        const char *near = util_nearest(b, known);
        if (near)
            warn(L, s->header->line, (long)j + 1,
                 _("unknown column '%s' in sheet '%s' is ignored; did you mean '%s'?"), b, s->name, near);
        else
            warn(L, s->header->line, (long)j + 1,
                 _("unknown column '%s' in sheet '%s' is kept in the file and ignored"), b, s->name);
    }
}

static const sheet_t *find_sheet(loader_t *L, const char *name)
{
    for (size_t i = 0; i < L->nsheets; i++)
        if (util_streq_ci(L->sheets[i].name, name))
            return &L->sheets[i];
    return NULL;
}

static int valid_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

/* ---- sheets ---- */

/* A unit list or a data file has none of the XLSForm sheet names in its
 * first column; telling that apart lets `form add` over a whole folder
 * pass over units-sample.csv instead of burying it in sheet errors. */
static int looks_like_xlsform(const rows_t *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        const char *c = cell(&rs->rows[i], 0);
        if (util_streq_ci(c, "survey") || util_streq_ci(c, "choices") ||
            util_streq_ci(c, "settings"))
            return 1;
    }
    return 0;
}

static void split_sheets(loader_t *L)
{
    const rows_t *rs = &L->rows;
    sheet_t *cur = NULL;
    /* rows of a sheet that was refused (repeated, one too many) belong to
     * it: they are not also "data before any sheet" */
    int skipping = 0, reported_orphans = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const row_t *r = &rs->rows[i];
        if (row_blank(r))
            continue;
        if (cell(r, 0)[0]) {
            if (cur)
                cur->end = i;
            skipping = 0;
            const sheet_t *dup = find_sheet(L, cell(r, 0));
            if (dup && L->book_sheets) {
                err(L, r->line, 1, _("the workbook has two sheets named '%s'; merge the two"),
                    cell(r, 0));
                cur = NULL;
                skipping = 1;
                continue;
            }
            if (dup) {
                err(L, r->line, 1, _("sheet '%s' starts again (first at line %ld); merge the two"),
                    cell(r, 0), dup->line);
                cur = NULL;
                skipping = 1;
                continue;
            }
            if (L->nsheets == sizeof L->sheets / sizeof L->sheets[0]) {
                err(L, r->line, 1, _("too many sheets"));
                cur = NULL;
                skipping = 1;
                continue;
            }
            cur = &L->sheets[L->nsheets++];
            cur->name = cell(r, 0);
            cur->line = r->line;
            cur->header = NULL;
            /* a sheet row may carry the header on the same row (cells after
             * the name) only when they are non-empty; pyxform puts it on
             * the next row, which is what we write */
            size_t k = i + 1;
            while (k < rs->n && row_blank(&rs->rows[k]))
                k++;
            if (k < rs->n && !cell(&rs->rows[k], 0)[0]) {
                cur->header = &rs->rows[k];
                i = k;
            }
            cur->first = i + 1;
            cur->end = rs->n;
        } else if (!cur && !skipping && !reported_orphans) {
            /* once is enough, and the sheets that follow are still read so
             * their errors come out in the same run */
            err(L, r->line, 2,
                _("data before any sheet: the first row must name a sheet in its first cell "
                "(survey, choices, settings or dimensions)"));
            reported_orphans = 1;
        }
    }
    if (cur)
        cur->end = rs->n;
    for (size_t i = 0; i < L->nsheets; i++) {
        sheet_t *s = &L->sheets[i];
        if (!s->header && L->book_sheets)
            err(L, s->line, 1, _("sheet '%s' is empty; its first row must list its columns "
                "(such as type, name, label)"), s->name);
        else if (!s->header)
            err(L, s->line, 1, _("sheet '%s' has no header row; the row after the sheet name "
                "must list its columns, with the first cell empty"), s->name);
        static const char *const known[] = {"survey", "choices", "settings", "dimensions", NULL};
        int ok = 0;
        for (const char *const *k = known; *k; k++)
            if (util_streq_ci(s->name, *k))
                ok = 1;
        if (!ok)
            warn(L, s->line, 1, _("unknown sheet '%s' is kept in the file and ignored"), s->name);
    }
}

static void load_settings(loader_t *L)
{
    form_t *f = L->f;
    const sheet_t *s = find_sheet(L, "settings");
    if (!s || !s->header) {
        if (!s)
            err(L, 0, 0, _("no settings sheet; add one with at least form_id, version and role "
                "(self or staff)"));
        return;
    }
    static const char *const known[] = {"form_id", "version", "form_title", "default_language",
                                        "role", "unit_field", "outcome_field", "instance_name",
                                        "style", "allow_choice_duplicates", NULL};
    colspec_t *cs = parse_header(L, s->header);
    warn_unknown_columns(L, s, cs, known);
    const row_t *r = NULL;
    for (size_t i = s->first; i < s->end; i++)
        if (!row_blank(&L->rows.rows[i])) {
            if (r) {
                warn(L, L->rows.rows[i].line, 2, _("settings has more than one row; only the first counts"));
                break;
            }
            r = &L->rows.rows[i];
        }
    long line = r ? r->line : s->header->line;
    int c;
    const char *v;
    L->settings_line = line;

    c = col_of(L, s, cs, "form_id");
    v = r ? cell(r, c) : "";
    if (c < 0 || !*v)
        err(L, line, c < 0 ? 0 : c + 1, _("settings: form_id is missing; give the form a short id "
            "such as staff-opinion"));
    else if (!valid_name(v))
        err(L, line, c + 1, _("settings: form_id '%s' must start with a letter and use only "
            "letters, digits, _, - or ."), v);
    else
        f->form_id = util_xstrdup(v);

    c = col_of(L, s, cs, "version");
    v = r ? cell(r, c) : "";
    if (!*v) {
        warn(L, line, c < 0 ? 0 : c + 1, _("settings: no version; using 1 (set version, e.g. "
             "2026112601, so later edits can be told apart)"));
        f->version = util_xstrdup("1");
    } else {
        f->version = util_xstrdup(v);
    }

    c = col_of(L, s, cs, "form_title");
    v = r ? cell(r, c) : "";
    if (r)
        f->title_text = read_text(s, cs, r, "form_title");
    /* no plain form_title: a form_title::LANG one, else the form_id */
    if (!*v && f->title_text)
        v = form_text(f, f->title_text, f->default_lang);
    f->title = util_xstrdup(*v ? v : (f->form_id ? f->form_id : ""));

    c = col_of(L, s, cs, "role");
    v = r ? cell(r, c) : "";
    if (!*v) {
        warn(L, line, c < 0 ? 0 : c + 1, _("settings: no role; assuming staff (anonymous opinion "
             "survey); set role to self for a unit self-assessment"));
        f->role = FORM_ROLE_STAFF;
    } else if (util_streq_ci(v, "staff")) {
        f->role = FORM_ROLE_STAFF;
    } else if (util_streq_ci(v, "self")) {
        f->role = FORM_ROLE_SELF;
    } else {
        err(L, line, c + 1, _("settings: role '%s' must be self (unit self-assessment) or staff "
            "(staff opinion survey)"), v);
    }

    c = col_of(L, s, cs, "default_language");
    v = r ? cell(r, c) : "";
    if (*v)
        f->default_language = util_xstrdup(v);
    L->col_default_language = c + 1;

    c = col_of(L, s, cs, "unit_field");
    v = r ? cell(r, c) : "";
    if (*v)
        f->unit_field = util_xstrdup(v);
    L->col_unit_field = c + 1;

    c = col_of(L, s, cs, "outcome_field");
    v = r ? cell(r, c) : "";
    if (*v)
        f->outcome_field = util_xstrdup(v);
    L->col_outcome_field = c + 1;
    colspecs_free(cs, s->header->n);
}

static void load_dimensions(loader_t *L)
{
    form_t *f = L->f;
    const sheet_t *s = find_sheet(L, "dimensions");
    if (!s)
        return;
    if (!s->header) {
        L->dims_unreadable = 1;
        return;
    }
    static const char *const known[] = {"name", "label", NULL};
    colspec_t *cs = parse_header(L, s->header);
    warn_unknown_columns(L, s, cs, known);
    int cname = col_of(L, s, cs, "name");
    if (cname < 0) {
        err(L, s->header->line, 0, _("sheet dimensions has no 'name' column"));
        L->dims_unreadable = 1;
        goto cleanup;
    }
    for (size_t i = s->first; i < s->end; i++) {
        const row_t *r = &L->rows.rows[i];
        if (row_blank(r))
            continue;
        const char *name = cell(r, cname);
        if (!*name) {
            err(L, r->line, cname + 1, _("dimension without a name"));
            continue;
        }
        if (!valid_name(name)) {
            err(L, r->line, cname + 1, _("dimension name '%s' must start with a letter and use "
                "only letters, digits, _, - or ."), name);
            continue;
        }
        if (form_dim_index(f, name) >= 0) {
            err(L, r->line, cname + 1, _("dimension '%s' is declared twice"), name);
            continue;
        }
        f->dims = util_xrealloc(f->dims, (f->ndims + 1) * sizeof *f->dims);
        form_dim_t *dm = &f->dims[f->ndims++];
        memset(dm, 0, sizeof *dm);
        dm->code = util_xstrdup(name);
        dm->label = read_text(s, cs, r, "label");
    }
cleanup:
    colspecs_free(cs, s->header->n);
}

/* FNV-1a of a choice name, for the list's hash table; *len its length. */
static uint32_t name_hash_len(const char *name, size_t *len)
{
    uint32_t h = 2166136261u;
    const unsigned char *p = (const unsigned char *)name;
    for (; *p; p++)
        h = (h ^ *p) * 16777619u;
    *len = (size_t)(p - (const unsigned char *)name);
    return h;
}

static uint32_t name_hash(const char *name)
{
    size_t len;
    return name_hash_len(name, &len);
}

/* The hash table of a loaded list's names, and the direct table of the
 * names "0" .. "99" beside it.  Lookups by name are the
 * import's hot path: every select_one cell (tens of millions in a
 * province-wide import) and a unit question of up to 2,000 units; a search
 * in turn compared a row's unit with half of them, a binary search with
 * eleven, and a Likert cell with up to five names.  The first of two equal
 * names is the one found, as a search in turn finds it. */
static void list_index(form_list_t *l)
{
    for (size_t v = 0; v < 100; v++)
        l->bydig[v] = -1;
    for (size_t i = 0; i < l->nchoices; i++) {
        int d = form_digit_name(l->choices[i].name);
        if (d >= 0 && l->bydig[d] < 0)
            l->bydig[d] = (int)i;
    }
    free(l->slot);
    size_t n = 4;
    while (n < 2 * l->nchoices)
        n *= 2;
    l->slot = util_xcalloc(n, sizeof *l->slot);
    l->slot_mask = n - 1;
    for (size_t i = 0; i < l->nchoices; i++) {
        size_t k = name_hash(l->choices[i].name) & l->slot_mask;
        int dup = 0;
        for (; l->slot[k] && !dup; k = (k + 1) & l->slot_mask)
            dup = strcmp(l->choices[l->slot[k] - 1].name, l->choices[i].name) == 0;
        if (!dup)
            l->slot[k] = (unsigned)i + 1;
    }
}

/* The list's last choice into its index while a form loads, so that
 * load_choices finds a repeated name through the hash instead of
 * comparing it with every earlier choice (a unit list of 2,000 was 2
 * million comparisons at every analyze and import).  The index is
 * rebuilt whole each time the list doubles. */
static void list_index_last(form_list_t *l)
{
    if (!l->slot || 2 * l->nchoices > l->slot_mask + 1) {
        list_index(l);
        return;
    }
    size_t i = l->nchoices - 1;
    const char *name = l->choices[i].name;
    int d = form_digit_name(name);
    if (d >= 0 && l->bydig[d] < 0)
        l->bydig[d] = (int)i;
    size_t k = name_hash(name) & l->slot_mask;
    for (; l->slot[k]; k = (k + 1) & l->slot_mask)
        if (strcmp(l->choices[l->slot[k] - 1].name, name) == 0)
            return;   /* the first of a repeated name stays */
    l->slot[k] = (unsigned)i + 1;
}

/* What is known of a list once its choices are in: numeric range, yes/no,
 * the index for lookups by name. */
static void list_finish(form_list_t *l)
{
    l->numeric = 1;
    l->min = INFINITY;
    l->max = -INFINITY;
    for (size_t c = 0; c < l->nchoices; c++) {
        if (isnan(l->choices[c].num)) {
            l->numeric = 0;
        } else {
            if (l->choices[c].num < l->min)
                l->min = l->choices[c].num;
            if (l->choices[c].num > l->max)
                l->max = l->choices[c].num;
        }
    }
    /* indexed first: a replaced list (form_list_replace) still has the
     * old choices' tables until then */
    list_index(l);
    l->yesno = l->nchoices == 2 && form_list_choice(l, "yes") >= 0 &&
               form_list_choice(l, "no") >= 0;
}

/* A new empty list named name at the end of f->lists. */
static form_list_t *list_new(form_t *f, const char *name, long line)
{
    f->lists = util_xrealloc(f->lists, (f->nlists + 1) * sizeof *f->lists);
    form_list_t *l = &f->lists[f->nlists++];
    memset(l, 0, sizeof *l);
    l->name = util_xstrdup(name);
    l->line = line;
    return l;
}

static form_choice_t *choice_add(form_list_t *l, const char *name, form_text_t label)
{
    l->choices = util_xrealloc(l->choices, (l->nchoices + 1) * sizeof *l->choices);
    form_choice_t *ch = &l->choices[l->nchoices++];
    memset(ch, 0, sizeof *ch);
    ch->name = util_xstrdup(name);
    ch->label = label;
    double v;
    ch->num = util_parse_double(name, &v) == 0 ? v : NAN;
    return ch;
}

/* The choices sheet's columns beyond list_name, name, label and media:
 * the ones choice_filter cells refer to (a choice's state, category...).
 * They are kept in form->choice_cols; a name close to a known column is
 * more likely a typo and is said so.  Returns their column indices. */
static int *choice_columns(loader_t *L, const sheet_t *s, colspec_t *cs)
{
    static const char *const known[] = {"list_name", "name", "label", "media", NULL};
    form_t *f = L->f;
    int *cols = util_xcalloc(s->header->n + 1, sizeof *cols);
    for (size_t j = 1; j < s->header->n; j++) {
        const char *b = cs[j].base;
        int ok = !*b || cs[j].lang >= 0;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(b, *k) == 0;
        if (ok)
            continue;
        /* only a near miss of a longer name is taken for a typo ("lable");
         * a short filter column ("cat") is a column of its own */
        const char *near = strlen(b) >= 4 ? util_nearest(b, known) : NULL;
        if (near && util_levenshtein(b, near) <= 2) {
            warn(L, s->header->line, (long)j + 1, _("unknown column '%s' in sheet '%s' is "
                 "ignored; did you mean '%s'?"), b, s->name, near);
            continue;
        }
        int dup = 0;
        for (size_t k = 0; k < f->nchoice_cols; k++)
            dup |= strcmp(f->choice_cols[k], b) == 0;
        if (dup)
            continue;
        f->choice_cols = util_xrealloc(f->choice_cols, (f->nchoice_cols + 1) * sizeof(char *));
        f->choice_cols[f->nchoice_cols] = util_xstrdup(b);
        cols[f->nchoice_cols++] = (int)j;
    }
    return cols;
}

static void load_choices(loader_t *L)
{
    form_t *f = L->f;
    const sheet_t *s = find_sheet(L, "choices");
    if (!s)
        return;
    if (!s->header) {
        L->choices_unreadable = 1;
        return;
    }
    colspec_t *cs = parse_header(L, s->header);
    int *extra = choice_columns(L, s, cs);
    int clist = col_of(L, s, cs, "list_name");
    int cname = col_of(L, s, cs, "name");
    if (clist < 0 || cname < 0) {
        err(L, s->header->line, 0, _("sheet choices needs the columns list_name and name"));
        L->choices_unreadable = 1;
        goto cleanup;
    }
    for (size_t i = s->first; i < s->end; i++) {
        const row_t *r = &L->rows.rows[i];
        if (row_blank(r))
            continue;
        const char *ln = cell(r, clist), *name = cell(r, cname);
        check_media(L, s, cs, r);
        if (!*ln) {
            err(L, r->line, clist + 1, _("choice without a list_name"));
            continue;
        }
        if (!*name) {
            err(L, r->line, cname + 1, _("choice of list '%s' without a name"), ln);
            continue;
        }
        form_list_t *l = NULL;
        for (size_t k = 0; k < f->nlists; k++)
            if (strcmp(f->lists[k].name, ln) == 0)
                l = &f->lists[k];
        if (!l)
            l = list_new(f, ln, r->line);
        if (form_list_choice(l, name) >= 0) {
            err(L, r->line, cname + 1, _("choice '%s' appears twice in list '%s'"), name, ln);
            continue;
        }
        if (strchr(name, ' ')) {
            err(L, r->line, cname + 1, _("choice name '%s' contains a space; select_multiple "
                "answers are space-separated, so use _ instead"), name);
            continue;
        }
        form_text_t label = read_text(s, cs, r, "label");
        if (text_empty(label)) {
            int clabel = text_col(s, cs, "label");
            err(L, r->line, (clabel >= 0 ? clabel : cname) + 1,
                _("choice '%s' of list '%s' has no label"), name, ln);
        }
        form_choice_t *ch = choice_add(l, name, label);
        list_index_last(l);
        if (f->nchoice_cols) {
            ch->extra = util_xcalloc(f->nchoice_cols, sizeof *ch->extra);
            for (size_t k = 0; k < f->nchoice_cols; k++)
                ch->extra[k] = util_xstrdup(cell(r, extra[k]));
        }
    }
    for (size_t k = 0; k < f->nlists; k++)
        list_finish(&f->lists[k]);
cleanup:
    free(extra);
    colspecs_free(cs, s->header->n);
}

/* A type cell read: the type, its list, and what the words after it ask. */
typedef struct {
    form_type_t t;
    char *list;          /* heap, for types that take a list */
    int other;           /* "or_other" */
    int range;           /* `range`: loads as a select_one of its steps */
} ptype_t;

/* Type words, with the spellings of older XLSForms (pyxform's aliases). */
static const struct {
    const char *word;
    form_type_t t;
    int list;            /* takes a choice list */
} types[] = {
    {"select_one", FORM_SELECT_ONE, 1},
    {"select one", FORM_SELECT_ONE, 1},
    {"select_multiple", FORM_SELECT_MULTIPLE, 1},
    {"select multiple", FORM_SELECT_MULTIPLE, 1},
    {"select all that apply", FORM_SELECT_MULTIPLE, 1},
    {"rank", FORM_RANK, 1},
    {"integer", FORM_INTEGER, 0},
    {"int", FORM_INTEGER, 0},
    {"decimal", FORM_DECIMAL, 0},
    {"range", FORM_SELECT_ONE, 0},
    {"text", FORM_TEXT, 0},
    {"string", FORM_TEXT, 0},
    {"date", FORM_DATE, 0},
    {"note", FORM_NOTE, 0},
    {"calculate", FORM_CALCULATE, 0},
    {"begin_group", FORM_BEGIN_GROUP, 0},
    {"begin group", FORM_BEGIN_GROUP, 0},
    {"end_group", FORM_END_GROUP, 0},
    {"end group", FORM_END_GROUP, 0},
    {"begin_repeat", FORM_BEGIN_REPEAT, 0},
    {"begin repeat", FORM_BEGIN_REPEAT, 0},
    {"end_repeat", FORM_END_REPEAT, 0},
    {"end repeat", FORM_END_REPEAT, 0},
};

static const char *const type_names[] = {
    "select_one", "select_multiple", "rank", "integer", "decimal", "range", "text", "date",
    "note", "calculate", "begin_group", "end_group", "begin_repeat", "end_repeat", NULL};

static const char *const unsupported_types[] = {
    "time", "datetime", "geopoint", "geotrace", "geoshape", "image",
    "audio", "video", "file", "barcode", "acknowledge", "hidden", "xml-external", "csv-external",
    "begin loop", "end loop", "phone number", "photo", "signature",
    "select_one_from_file", "select_multiple_from_file", "select_one_external",
    "trigger", "background-audio", "background-geopoint", "osm", "include", NULL};

/* Metadata a device records about the interview itself: when, where, on
 * what device, by whom.  gapsurvey keeps none of it (responses hold only
 * the date), so such rows are left out with a warning, not refused: the
 * forms of ODK and KoboToolbox carry start and end by default. */
static const char *const metadata_types[] = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", NULL};

/* The words after a type that takes a list: "L", "from L", "L or_other",
 * "L or specify other".  0, or -1 with the problem reported. */
static int type_list(loader_t *L, const row_t *r, int ctype, const char *v, const char *words,
                     ptype_t *pt)
{
    char *copy = util_trim(util_xstrdup(words)), *arg = copy;
    int rc = -1;
    if (strncmp(arg, "from ", 5) == 0)
        arg += 5;
    size_t n = strlen(arg);
    static const char *const others[] = {" or_other", " or specify other"};
    for (size_t k = 0; k < 2; k++) {
        size_t m = strlen(others[k]);
        if (n > m && strcmp(arg + n - m, others[k]) == 0) {
            arg[n - m] = '\0';
            pt->other = 1;
        }
    }
    util_trim(arg);
    if (!*arg || strchr(arg, ' ')) {
        err(L, r->line, ctype + 1, _("type '%s' must be followed by exactly one list name"), v);
        goto cleanup;
    }
    if (pt->other && pt->t == FORM_RANK) {
        err(L, r->line, ctype + 1, _("or_other is not supported on rank; add an 'other' choice "
            "to the list instead"));
        goto cleanup;
    }
    pt->list = util_xstrdup(arg);
    rc = 0;
cleanup:
    free(copy);
    return rc;
}

static void unknown_type(loader_t *L, const row_t *r, int ctype, const char *v)
{
    size_t first = strcspn(v, " ");
    for (const char *const *u = unsupported_types; *u; u++)
        if (strcmp(v, *u) == 0 || (strlen(*u) == first && strncmp(v, *u, first) == 0) ||
            (strncmp(v, *u, strlen(*u)) == 0 && v[strlen(*u)] == ' ')) {
            err(L, r->line, ctype + 1, _("type '%s' is not supported by gapsurvey; use one of "
                "select_one, select_multiple, rank, integer, decimal, range, text, date, note, "
                "calculate, begin_group, end_group, begin_repeat, end_repeat"), v);
            return;
        }
    /* suggest on the type word alone: "selct_one agree5" -> select_one */
    char *word = util_xstrdup(v);
    word[strcspn(word, " ")] = '\0';
    const char *near = util_nearest(word, type_names);
    free(word);
    if (near)
        err(L, r->line, ctype + 1, _("unknown type '%s'; did you mean '%s'?"), v, near);
    else
        err(L, r->line, ctype + 1, _("unknown type '%s'; use one of select_one LIST, "
            "select_multiple LIST, rank LIST, integer, decimal, range, text, date, note, "
            "calculate, begin_group, end_group, begin_repeat, end_repeat"), v);
}

/* Parses the type cell: 0 and *pt; 1 for a metadata row left out (with a
 * warning); -1 with an error reported. */
static int parse_type(loader_t *L, const row_t *r, int ctype, ptype_t *pt)
{
    char *v = util_xstrdup(cell(r, ctype));
    int rc = -1;
    memset(pt, 0, sizeof *pt);
    /* fold runs of spaces */
    char *w = v;
    for (char *p = v; *p; p++)
        if (!(*p == ' ' && (w == v || w[-1] == ' ')))
            *w++ = *p;
    *w = '\0';
    util_trim(v);
    for (const char *const *m = metadata_types; *m; m++)
        if (strcmp(v, *m) == 0) {
            warn(L, r->line, ctype + 1, _("type '%s' records when, where or on what device a "
                 "response was made; gapsurvey keeps none of that, so the row is left out"), v);
            rc = 1;
            goto cleanup;
        }
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        size_t n = strlen(types[k].word);
        if (strncmp(v, types[k].word, n) != 0 || (v[n] && v[n] != ' '))
            continue;
        pt->t = types[k].t;
        pt->range = strcmp(types[k].word, "range") == 0;
        if (types[k].list && !v[n]) {
            err(L, r->line, ctype + 1, _("type '%s' needs a choice list name, e.g. '%s agree5'"),
                v, v);
            goto cleanup;
        }
        if (!types[k].list && v[n])
            break;   /* "integer x": not this type */
        rc = types[k].list ? type_list(L, r, ctype, v, v + n, pt) : 0;
        goto cleanup;
    }
    unknown_type(L, r, ctype, v);
cleanup:
    free(v);
    return rc;
}

static expr_t *parse_expr(loader_t *L, const row_t *r, int col, const char *what)
{
    const char *src = cell(r, col);
    if (!*src)
        return NULL;
    /* a spreadsheet's TRUE or FALSE cell (a yes/no typed into Excel) */
    if (util_streq_ci(src, "true") || util_streq_ci(src, "false"))
        src = util_streq_ci(src, "true") ? "true()" : "false()";
    expr_t *e = NULL;
    err_t why = {0};
    if (expr_parse(src, &e, &why) != 0) {
        err(L, r->line, col + 1, _("%s '%s': %s at character %d"), what, src, why.msg,
            (int)why.col);
        err_clear(&why);
        return NULL;
    }
    return e;
}

typedef struct {
    loader_t *L;
    long line;
    int col;
    const char *what;
} refcheck_t;

static void drop_name(loader_t *L, const char *name)
{
    if (!*name)
        return;
    L->dropped = util_xrealloc(L->dropped, (L->ndropped + 1) * sizeof *L->dropped);
    L->dropped[L->ndropped++] = name;   /* a cell of L->rows, which outlives the check */
}

static void check_ref(void *ud, const char *name, int col)
{
    refcheck_t *rc = ud;
    (void)col;
    for (size_t i = 0; i < rc->L->ndropped; i++)
        if (strcmp(rc->L->dropped[i], name) == 0)
            return;
    if (form_item_index(rc->L->f, name) < 0) {
        const form_t *f = rc->L->f;
        const char **names = util_xcalloc(f->nitems + 1, sizeof *names);
        for (size_t i = 0; i < f->nitems; i++)
            names[i] = f->items[i].name ? f->items[i].name : "";
        const char *near = util_nearest(name, names);
        if (near)
            err(rc->L, rc->line, rc->col + 1, _("%s refers to ${%s}, which is not a question; "
                "did you mean ${%s}?"), rc->what, name, near);
        else
            err(rc->L, rc->line, rc->col + 1, _("%s refers to ${%s}, which is not a question in "
                "this form"), rc->what, name);
        free(names);
    }
}

/* Where the survey sheet keeps what, and the state of its read. */
typedef struct {
    const sheet_t *s;
    colspec_t *cs;
    int type, name, label, req, rel, con, app, dim, rev, pts, calc, outc;
    int filter, dflt, ro, params, rcount;
    int stack[64];       /* open groups: item indices */
    long stack_line[64];
    int depth;
    int repeat;          /* the open begin_repeat, -1 none */
    size_t *row_of;      /* item -> its row in L->rows, for the reference checks */
    size_t caprow;
} survey_t;

/* Item k comes from row i of L->rows. */
static void survey_track(survey_t *sv, size_t k, size_t i)
{
    if (k >= sv->caprow) {
        sv->caprow = k * 2 + 64;
        sv->row_of = util_xrealloc(sv->row_of, sv->caprow * sizeof *sv->row_of);
    }
    sv->row_of[k] = i;
}

static int survey_columns(loader_t *L, survey_t *sv)
{
    static const char *const known[] = {
        "type", "name", "label", "hint", "required", "required_message", "relevant",
        "constraint", "constraint_message", "appearance", "dimension", "reverse", "points",
        "calculation", "choice_filter", "default", "read_only", "parameters", "repeat_count",
        "media", "outcome", NULL};
    const sheet_t *s = sv->s;
    sv->cs = parse_header(L, s->header);
    warn_unknown_columns(L, s, sv->cs, known);
    colspec_t *cs = sv->cs;
    sv->type = col_of(L, s, cs, "type");
    sv->name = col_of(L, s, cs, "name");
    sv->req = col_of(L, s, cs, "required");
    sv->rel = col_of(L, s, cs, "relevant");
    sv->con = col_of(L, s, cs, "constraint");
    sv->app = col_of(L, s, cs, "appearance");
    sv->dim = col_of(L, s, cs, "dimension");
    sv->rev = col_of(L, s, cs, "reverse");
    sv->pts = col_of(L, s, cs, "points");
    sv->outc = col_of(L, s, cs, "outcome");
    sv->calc = col_of(L, s, cs, "calculation");
    sv->filter = col_of(L, s, cs, "choice_filter");
    sv->dflt = col_of(L, s, cs, "default");
    sv->ro = col_of(L, s, cs, "read_only");
    sv->params = col_of(L, s, cs, "parameters");
    sv->rcount = col_of(L, s, cs, "repeat_count");
    sv->label = text_col(s, cs, "label");
    if (sv->type < 0 || sv->name < 0) {
        err(L, s->header->line, 0, _("sheet survey needs the columns type and name"));
        return -1;
    }
    return 0;
}

/* The name of row r of type t: 0 when it may have it (end_group has
 * none), else -1 with the problem reported. */
static int check_name(loader_t *L, survey_t *sv, const row_t *r, form_type_t t)
{
    const form_t *f = L->f;
    const char *name = cell(r, sv->name);
    int cname = sv->name;
    if (t == FORM_END_GROUP || t == FORM_END_REPEAT)
        return 0;
    if (!*name) {
        err(L, r->line, cname + 1, _("%s has no name; give it a short unique name such as q1"),
            form_type_name(t));
        return -1;
    }
    if (!valid_name(name)) {
        err(L, r->line, cname + 1, _("name '%s' must start with a letter or _ and use only "
            "letters, digits, _, - or ."), name);
        return -1;
    }
    int prev = form_item_index(f, name);
    if (prev >= 0 && L->book_sheets) {
        char ref[16];
        err(L, r->line, cname + 1, _("name '%s' is already used in %s!%s; names must be "
            "unique"), name, sv->s->name, xlsx_cell_name(f->items[prev].line, cname, ref));
        return -1;
    }
    if (prev >= 0) {
        err(L, r->line, cname + 1, _("name '%s' is already used at line %ld; names must "
            "be unique"), name, f->items[prev].line);
        return -1;
    }
    return 0;
}

/* Opens or closes a group for row r; -1 when an end has no beginning. */
/* A repeat holds plain questions only: what gapsurvey can keep as rows of
 * a second table.  0, or -1 with the problem reported. */
static int track_repeat(loader_t *L, survey_t *sv, const row_t *r, form_type_t t)
{
    const form_t *f = L->f;
    if (t == FORM_END_REPEAT) {
        if (sv->repeat < 0 || sv->depth == 0 || sv->stack[sv->depth - 1] != sv->repeat) {
            err(L, r->line, sv->type + 1, sv->repeat < 0
                ? _("end_repeat without a matching begin_repeat")
                : _("end_repeat closes a group; close the group with end_group first"));
            return -1;
        }
        sv->depth--;
        sv->repeat = -1;
        return 0;
    }
    if (sv->repeat >= 0 && t == FORM_END_GROUP) {
        err(L, r->line, sv->type + 1, _("end_group inside repeat '%s'; close the repeat with "
            "end_repeat"), f->items[sv->repeat].name);
        return -1;
    }
    if (sv->repeat < 0 && t != FORM_BEGIN_REPEAT)
        return 0;
    const char *what = t == FORM_BEGIN_REPEAT ? N_("a repeat inside a repeat")
                     : t == FORM_BEGIN_GROUP ? N_("a group inside a repeat")
                     : t == FORM_CALCULATE ? N_("a calculate inside a repeat") : NULL;
    if (sv->repeat >= 0 && what) {
        err(L, r->line, sv->type + 1, _("%s is not supported (repeat '%s'); keep repeats to plain "
            "questions"), _(what), f->items[sv->repeat].name);
        return -1;
    }
    if (t == FORM_BEGIN_REPEAT) {
        if (sv->depth == 64) {
            err(L, r->line, sv->type + 1, _("groups nested more than 64 deep"));
            return -1;
        }
        sv->stack_line[sv->depth] = r->line;
        sv->stack[sv->depth++] = sv->repeat = (int)f->nitems;
    }
    return 0;
}

static int track_groups(loader_t *L, survey_t *sv, const row_t *r, form_type_t t)
{
    if (t == FORM_BEGIN_REPEAT || t == FORM_END_REPEAT || sv->repeat >= 0)
        return track_repeat(L, sv, r, t);
    if (t == FORM_END_GROUP) {
        if (sv->depth == 0) {
            err(L, r->line, sv->type + 1, _("end_group without a matching begin_group"));
            return -1;
        }
        sv->depth--;
    } else if (t == FORM_BEGIN_GROUP) {
        if (sv->depth == 64) {
            err(L, r->line, sv->type + 1, _("groups nested more than 64 deep"));
        } else {
            sv->stack_line[sv->depth] = r->line;
            sv->stack[sv->depth++] = (int)L->f->nitems;
        }
    }
    return 0;
}

/* required, relevant, constraint, appearance, calculation. */
static void item_logic(loader_t *L, survey_t *sv, const row_t *r, form_item_t *it)
{
    const char *req = cell(r, sv->req);
    if (*req) {
        if (util_is_yes(req))
            it->required = 1;
        else if (!util_is_no(req))
            err(L, r->line, sv->req + 1, _("required must be yes or no, not '%s'"), req);
    }
    if (sv->rel >= 0 && cell(r, sv->rel)[0]) {
        it->relevant_src = util_xstrdup(cell(r, sv->rel));
        it->relevant = parse_expr(L, r, sv->rel, "relevant");
    }
    if (sv->con >= 0 && cell(r, sv->con)[0]) {
        it->constraint_src = util_xstrdup(cell(r, sv->con));
        it->constraint = parse_expr(L, r, sv->con, "constraint");
        if (!form_item_answerable(it))
            err(L, r->line, sv->con + 1, _("a constraint needs a question that takes an answer"));
    }
    if (sv->app >= 0 && cell(r, sv->app)[0])
        it->appearance = util_xstrdup(cell(r, sv->app));
    const char *calc = cell(r, sv->calc);
    if (it->type == FORM_CALCULATE && !*calc) {
        err(L, r->line, (sv->calc >= 0 ? sv->calc : sv->type) + 1, _("calculate '%s' has no "
            "calculation; write the expression in the calculation column"), it->name);
    } else if (*calc && it->type != FORM_CALCULATE) {
        err(L, r->line, sv->calc + 1, _("a calculation on %s '%s' is not supported; put it "
            "on a row of type calculate"), form_type_name(it->type), it->name ? it->name : "");
    } else if (*calc) {
        it->calculation_src = util_xstrdup(calc);
        it->calculation = parse_expr(L, r, sv->calc, "calculation");
        if (expr_uses_dot(it->calculation))
            err(L, r->line, sv->calc + 1, _("calculation '%s' uses '.', which has no value in a "
                "calculation; refer to questions as ${name}"), calc);
    }
}

/* The `outcome` column: yes marks the question whose answer the key-driver
 * analysis explains (the same as settings' outcome_field; the checks on
 * the question itself are final_outcome's). */
static void item_outcome(loader_t *L, survey_t *sv, const row_t *r, form_item_t *it)
{
    form_t *f = L->f;
    const char *v = cell(r, sv->outc);
    if (!*v || util_is_no(v))
        return;
    if (!util_is_yes(v)) {
        err(L, r->line, sv->outc + 1, _("outcome must be yes or no, not '%s'"), v);
        return;
    }
    if (L->outcome_line) {
        err(L, r->line, sv->outc + 1, _("'%s' is a second outcome: line %ld marks one already; "
            "the key-driver analysis explains one question"), it->name ? it->name : "",
            L->outcome_line);
        return;
    }
    L->outcome_line = r->line;
    L->outcome_col = sv->outc + 1;
    if (f->outcome_field && it->name && strcmp(f->outcome_field, it->name) != 0) {
        err(L, r->line, sv->outc + 1, _("'%s' is marked outcome, but settings name '%s' as "
            "outcome_field; keep one of the two"), it->name, f->outcome_field);
        return;
    }
    if (!f->outcome_field && it->name) {
        f->outcome_field = util_xstrdup(it->name);
        L->outcome_by_col = 1;
    }
}

/* points, dimension, reverse: what the analysis scores. */
static void item_scoring(loader_t *L, survey_t *sv, const row_t *r, form_item_t *it)
{
    form_t *f = L->f;
    form_type_t t = it->type;
    int cpts = sv->pts, cdim = sv->dim, crev = sv->rev;
    const form_list_t *l = it->list >= 0 ? &f->lists[it->list] : NULL;
    /* a select whose list is undefined was reported once above; checks
     * that need the list say nothing more about it */
    int list_missing = (t == FORM_SELECT_ONE || t == FORM_SELECT_MULTIPLE) && !l;
    const char *pts = cell(r, cpts);
    if (it->repeat >= 0 && (*pts || cell(r, cdim)[0])) {
        err(L, r->line, (*pts ? cpts : cdim) + 1, _("dimension and points do not go inside a "
            "repeat ('%s'): the analysis scores one answer per response"), it->name);
        return;
    }
    if (*pts) {
        double pv;
        if (util_parse_double(pts, &pv) != 0) {
            err(L, r->line, cpts + 1, _("points must be a number, not '%s'"), pts);
        } else if (!(t == FORM_INTEGER || (t == FORM_SELECT_ONE && l && l->yesno))) {
            if (!list_missing)
                err(L, r->line, cpts + 1, _("points go on an integer item (per count) or a "
                    "select_one yes/no item (per yes), not on %s"), form_type_name(t));
        } else {
            it->has_points = 1;
            it->points = pv;
        }
    }
    const char *dim = cell(r, cdim);
    if (*dim) {
        it->dim = form_dim_index(f, dim);
        if (it->dim < 0 && L->dims_unreadable) {
            /* the dimensions sheet's own error covers it */
        } else if (it->dim < 0) {
            const char **codes = util_xcalloc(f->ndims + 1, sizeof *codes);
            for (size_t k = 0; k < f->ndims; k++)
                codes[k] = f->dims[k].code;
            const char *near = util_nearest(dim, codes);
            if (near)
                err(L, r->line, cdim + 1, _("dimension '%s' is not declared in the "
                    "dimensions sheet; did you mean '%s'?"), dim, near);
            else
                err(L, r->line, cdim + 1, _("dimension '%s' is not declared in the "
                    "dimensions sheet; add a row for it there"), dim);
            free(codes);
        } else if (!it->has_points && !(t == FORM_SELECT_ONE && l && l->numeric)) {
            /* an undefined list was reported already; do not cascade */
            if (!*pts && !list_missing)
                err(L, r->line, cdim + 1, _("only Likert items (select_one with a numeric "
                    "choice list) or items with points can belong to a dimension; '%s' "
                    "is %s"), it->name ? it->name : "", form_type_name(t));
            it->dim = -1;
        } else if (!it->has_points) {
            f->dims[it->dim].nscored++;
        }
    } else if (it->has_points) {
        err(L, r->line, cpts + 1, _("points need a dimension to count towards"));
    }
    const char *rev = cell(r, crev);
    if (*rev) {
        if (util_is_yes(rev)) {
            if (t == FORM_SELECT_ONE && l && l->numeric)
                it->reverse = 1;
            else if (t == FORM_SELECT_ONE && l)
                err(L, r->line, crev + 1, _("reverse needs a numeric choice list; the choice "
                    "names of list '%s' are not all numbers"), l->name);
            else if (!list_missing)
                err(L, r->line, crev + 1, _("reverse needs a select_one item with a numeric "
                    "choice list; '%s' is %s"), it->name ? it->name : "", form_type_name(t));
        } else if (!util_is_no(rev)) {
            err(L, r->line, crev + 1, _("reverse must be yes or no, not '%s'"), rev);
        }
    }
    item_outcome(L, sv, r, it);
}

/* ---- round-2 columns ---- */

/* Each key=value of a parameters cell ("start=0 end=10 step=2",
 * "randomize=true"): separated by spaces, commas or semicolons.  Calls cb
 * with copies; stops at its non-zero return. */
static int each_param(const char *cellv, int (*cb)(void *ud, const char *key, const char *val),
                      void *ud)
{
    char *copy = util_xstrdup(cellv), *save = NULL;
    int rc = 0;
    for (char *t = strtok_r(copy, " ,;", &save); t && !rc; t = strtok_r(NULL, " ,;", &save)) {
        char *eq = strchr(t, '=');
        if (eq)
            *eq = '\0';
        rc = cb(ud, t, eq ? eq + 1 : "");
    }
    free(copy);
    return rc;
}

typedef struct {
    loader_t *L;
    const row_t *r;
    int col;
    form_item_t *it;
    double start, end, step;
} params_t;

/* One parameter of a row: the range's start, end and step; a select's
 * randomize; anything else is refused by name. */
static int one_param(void *ud, const char *key, const char *val)
{
    params_t *p = ud;
    double *slot = !p->it->range ? NULL : strcmp(key, "start") == 0 ? &p->start
                 : strcmp(key, "end") == 0 ? &p->end : strcmp(key, "step") == 0 ? &p->step : NULL;
    if (slot) {
        if (util_parse_double(val, slot) != 0) {
            err(p->L, p->r->line, p->col + 1, _("parameter %s must be a number, not '%s'"), key,
                val);
            return -1;
        }
        return 0;
    }
    form_type_t t = p->it->type;
    int chooses = !p->it->range && (t == FORM_SELECT_ONE || t == FORM_SELECT_MULTIPLE ||
                                    t == FORM_RANK);
    if (chooses && strcmp(key, "randomize") == 0) {
        if (util_is_yes(val))
            p->it->randomize = 1;
        else if (!util_is_no(val)) {
            err(p->L, p->r->line, p->col + 1, _("randomize must be true or false, not '%s'"), val);
            return -1;
        }
        return 0;
    }
    if (chooses && strcmp(key, "seed") == 0) {
        /* ODK seeds the order from an answer; gapsurvey's seed is random
         * and comes from nothing about the respondent */
        warn(p->L, p->r->line, p->col + 1, _("parameter seed is ignored: each respondent gets "
             "an order of their own, from a random seed"));
        return 0;
    }
    err(p->L, p->r->line, p->col + 1, _("parameter '%s' is not supported on %s"), key,
        p->it->range ? "range" : form_type_name(t));
    return -1;
}

/* A range row: a select_one over the whole numbers from start to end by
 * step (pyxform's defaults 1, 10, 1), so every way of answering shows it as
 * a choice and the analysis can score it like a Likert item. */
static void range_list(loader_t *L, survey_t *sv, const row_t *r, form_item_t *it)
{
    form_t *f = L->f;
    params_t p = {L, r, sv->params, it, 1, 10, 1};
    if (each_param(cell(r, sv->params), one_param, &p) != 0)
        return;
    double n = (p.end - p.start) / p.step;
    if (p.start != floor(p.start) || p.end != floor(p.end) || p.step != floor(p.step)) {
        err(L, r->line, sv->params + 1, _("range '%s': start, end and step must be whole numbers "
            "(a range is shown as a choice of its steps)"), it->name);
        return;
    }
    if (p.step == 0 || n < 0 || n != floor(n) || n >= 1000) {
        err(L, r->line, sv->params + 1, _("range '%s': from %g to %g by %g does not give 1 to "
            "1000 steps ending at %g"), it->name, p.start, p.end, p.step, p.end);
        return;
    }
    /* a space cannot be in a list name of the choices sheet: no clash */
    char *name = util_fmt("range %g %g %g", p.start, p.end, p.step);
    for (size_t k = 0; k < f->nlists && it->list < 0; k++)
        if (strcmp(f->lists[k].name, name) == 0)
            it->list = (int)k;
    if (it->list < 0) {
        form_list_t *l = list_new(f, name, r->line);
        for (double x = p.start; l->nchoices <= (size_t)n; x += p.step) {
            char v[32];
            snprintf(v, sizeof v, "%.0f", x);
            form_text_t t = util_xcalloc(FORM_MAX_LANGS, sizeof *t);
            t[0] = util_xstrdup(v);   /* a number reads the same in every language */
            choice_add(l, v, t);
        }
        list_finish(l);
        it->list = (int)f->nlists - 1;
    }
    free(name);
}

typedef struct {
    loader_t *L;
    long line;
    int col;
} fieldcheck_t;

static void check_field(void *ud, const char *name, int col)
{
    (void)col;
    fieldcheck_t *fc = ud;
    const form_t *f = fc->L->f;
    if (strcmp(name, "name") == 0)
        return;
    for (size_t k = 0; k < f->nchoice_cols; k++)
        if (strcmp(f->choice_cols[k], name) == 0)
            return;
    err(fc->L, fc->line, fc->col + 1, _("choice_filter refers to '%s', which is no column of "
        "the choices sheet; add the column or write ${%s} for a question"), name, name);
}

/* Is v a valid answer to it, for a default? */
static int default_ok(const form_t *f, const form_item_t *it, const char *v)
{
    const form_list_t *l = it->list >= 0 ? &f->lists[it->list] : NULL;
    long x;
    double d;
    char iso[11];
    switch (it->type) {
    case FORM_SELECT_ONE:
        return l && form_list_choice(l, v) >= 0;
    case FORM_SELECT_MULTIPLE: {
        char *copy = util_xstrdup(v), *save = NULL;
        int ok = l != NULL;
        for (char *t = strtok_r(copy, " ", &save); t && ok; t = strtok_r(NULL, " ", &save))
            ok = form_list_choice(l, t) >= 0;
        free(copy);
        return ok;
    }
    case FORM_INTEGER:
        return util_parse_long(v, &x) == 0;
    case FORM_DECIMAL:
        return util_parse_double(v, &d) == 0;
    case FORM_DATE:
        return util_parse_date(v, iso) == 0 && strcmp(iso, v) == 0;
    case FORM_TEXT:
        return 1;
    default:
        return 0;
    }
}

/* choice_filter, default, read_only and parameters (other than a range's). */
static void item_features(loader_t *L, survey_t *sv, const row_t *r, form_item_t *it)
{
    const form_t *f = L->f;
    int is_select = it->type == FORM_SELECT_ONE || it->type == FORM_SELECT_MULTIPLE ||
                    it->type == FORM_RANK;
    const char *flt = cell(r, sv->filter);
    if (*flt && (!is_select || it->range)) {
        err(L, r->line, sv->filter + 1, _("choice_filter goes on select_one, select_multiple or "
            "rank questions, not on %s"), it->range ? "range" : form_type_name(it->type));
    } else if (*flt) {
        expr_t *e = NULL;
        err_t msg = {0};
        if (expr_parse_filter(flt, &e, &msg) != 0) {
            err(L, r->line, sv->filter + 1, _("choice_filter '%s': %s at character %d"), flt,
                msg.msg, (int)msg.col);
            err_clear(&msg);
        } else {
            it->choice_filter_src = util_xstrdup(flt);
            it->choice_filter = e;
            fieldcheck_t fc = {L, r->line, sv->filter};
            expr_foreach_field(e, check_field, &fc);
        }
    }
    const char *dv = cell(r, sv->dflt);
    if (*dv && strstr(dv, "${")) {
        err(L, r->line, sv->dflt + 1, _("a default that refers to other answers ('%s') is not "
            "supported; use a fixed value, or a calculate row"), dv);
    } else if (*dv && !default_ok(f, it, dv)) {
        if (form_item_answerable(it) && it->type != FORM_RANK)
            err(L, r->line, sv->dflt + 1, _("default '%s' is not a valid answer to %s '%s'"), dv,
                form_type_name(it->type), it->name);
        else
            err(L, r->line, sv->dflt + 1, _("a default on %s is not supported"),
                form_type_name(it->type));
    } else if (*dv) {
        long x;
        it->default_value = it->type == FORM_INTEGER && util_parse_long(dv, &x) == 0
                                ? util_fmt("%ld", x) : util_xstrdup(dv);
    }
    const char *ro = cell(r, sv->ro);
    if (*ro && util_is_yes(ro)) {
        if (form_item_answerable(it))
            it->read_only = 1;
        else if (it->type != FORM_NOTE && it->type != FORM_CALCULATE)
            err(L, r->line, sv->ro + 1, _("read_only goes on questions, not on %s"),
                form_type_name(it->type));
    } else if (*ro && !util_is_no(ro)) {
        err(L, r->line, sv->ro + 1, _("read_only must be yes or no, not '%s'"), ro);
    }
    const char *rc = cell(r, sv->rcount);
    if (*rc && it->type != FORM_BEGIN_REPEAT) {
        err(L, r->line, sv->rcount + 1, _("repeat_count goes on begin_repeat, not on %s"),
            form_type_name(it->type));
    } else if (*rc) {
        it->repeat_count_src = util_xstrdup(rc);
        it->repeat_count = parse_expr(L, r, sv->rcount, "repeat_count");
    }
    const char *params = cell(r, sv->params);
    if (*params && !it->range) {
        params_t p = {L, r, sv->params, it, 0, 0, 0};
        each_param(params, one_param, &p);
    }
}

/* The language of index li reads Chinese? */
static int lang_is_zh(const form_t *f, size_t li)
{
    const char *l = f->langs[li];
    return strstr(l, "zh") || strstr(l, "Chinese") || strstr(l, "中文");
}

/* A text of ours in every language of the form: the catalogue's Chinese
 * for a Chinese label column, the English for any other. */
static form_text_t text_ours(const form_t *f, const char *en)
{
    form_text_t t = util_xcalloc(FORM_MAX_LANGS, sizeof *t);
    for (size_t i = 0; i < f->nlangs && i < FORM_MAX_LANGS; i++)
        t[i] = util_xstrdup(TR(lang_is_zh(f, i), en));
    if (f->nlangs == 0)
        t[0] = util_xstrdup(en);
    return t;
}

static form_text_t text_dup(form_text_t t)
{
    if (!t)
        return NULL;
    form_text_t c = util_xcalloc(FORM_MAX_LANGS, sizeof *c);
    for (size_t i = 0; i < FORM_MAX_LANGS; i++)
        c[i] = util_xstrdup(t[i]);
    return c;
}

/* The list of an or_other question: its list and the choice "other", as
 * pyxform makes it; a list that has an "other" already serves as it is. */
static int other_list(loader_t *L, int base)
{
    form_t *f = L->f;
    if (form_list_choice(&f->lists[base], "other") >= 0)
        return base;
    char *name = util_fmt("%s or_other", f->lists[base].name);
    int found = -1;
    for (size_t k = 0; k < f->nlists; k++)
        if (strcmp(f->lists[k].name, name) == 0)
            found = (int)k;
    if (found < 0) {
        form_list_t *l = list_new(f, name, f->lists[base].line);
        const form_list_t *b = &f->lists[base];   /* after list_new's realloc */
        for (size_t c = 0; c < b->nchoices; c++) {
            form_choice_t *ch = choice_add(l, b->choices[c].name, text_dup(b->choices[c].label));
            if (b->choices[c].extra) {
                ch->extra = util_xcalloc(f->nchoice_cols, sizeof *ch->extra);
                for (size_t k = 0; k < f->nchoice_cols; k++)
                    ch->extra[k] = util_xstrdup(b->choices[c].extra[k]);
            }
        }
        choice_add(l, "other", text_ours(f, N_("Other")));
        list_finish(l);
        found = (int)f->nlists - 1;
    }
    free(name);
    return found;
}

/* Item k asks "or_other": it gets the list with "other", and a text
 * question NAME_other right after it, asked when "other" is chosen, where
 * the typed text is kept (as pyxform and KoboToolbox name it). */
static void add_other(loader_t *L, survey_t *sv, const row_t *r, size_t k)
{
    form_t *f = L->f;
    char *name = util_fmt("%s_other", f->items[k].name);
    if (form_item_index(f, name) >= 0) {
        err(L, r->line, sv->type + 1, _("or_other adds a question named '%s', which this form "
            "already has; rename one of them"), name);
        free(name);
        return;
    }
    f->items[k].list = other_list(L, f->items[k].list);
    f->items = util_xrealloc(f->items, (f->nitems + 1) * sizeof *f->items);
    form_item_t *sel = &f->items[k], *it = &f->items[f->nitems];
    memset(it, 0, sizeof *it);
    it->type = FORM_TEXT;
    it->name = name;
    it->line = sel->line;
    it->list = it->dim = it->other = -1;
    it->group = sel->group;
    it->repeat = sel->repeat;
    it->label = text_ours(f, N_("Specify other"));
    it->relevant_src = util_fmt("selected(${%s}, 'other')", sel->name);
    expr_parse(it->relevant_src, &it->relevant, NULL);
    sel->other = (int)f->nitems;
    survey_track(sv, f->nitems, sv->row_of[k]);
    f->nitems++;
}

/* One row of the survey sheet: its item, or nothing when the row is
 * dropped (its problem reported). */
static void survey_row(loader_t *L, survey_t *sv, size_t i)
{
    form_t *f = L->f;
    const row_t *r = &L->rows.rows[i];
    ptype_t pt;
    check_media(L, sv->s, sv->cs, r);
    if (!cell(r, sv->type)[0]) {
        err(L, r->line, sv->type + 1, _("row has no type; every survey row needs one"));
        drop_name(L, cell(r, sv->name));
        return;
    }
    if (parse_type(L, r, sv->type, &pt) != 0) {
        drop_name(L, cell(r, sv->name));
        return;
    }
    form_type_t t = pt.t;
    char *list = pt.list;
    if (check_name(L, sv, r, t) != 0 || track_groups(L, sv, r, t) != 0) {
        free(list);
        return;
    }
    f->items = util_xrealloc(f->items, (f->nitems + 1) * sizeof *f->items);
    form_item_t *it = &f->items[f->nitems];
    memset(it, 0, sizeof *it);
    it->type = t;
    it->name = (t == FORM_END_GROUP || t == FORM_END_REPEAT) ? NULL
                                                              : util_xstrdup(cell(r, sv->name));
    it->line = L->book_sheets ? r->xrow : r->line;
    it->list = -1;
    it->dim = -1;
    it->other = -1;
    it->range = pt.range;
    it->repeat = t == FORM_BEGIN_REPEAT ? -1 : sv->repeat;
    /* a group is not its own member: its enclosing group is below it */
    int below = (t == FORM_BEGIN_GROUP || t == FORM_BEGIN_REPEAT) && sv->depth > 0 &&
                sv->stack[sv->depth - 1] == (int)f->nitems;
    int d = sv->depth - below;
    it->group = d > 0 ? sv->stack[d - 1] : -1;
    it->label = read_text(sv->s, sv->cs, r, "label");
    it->hint = read_text(sv->s, sv->cs, r, "hint");
    it->required_message = read_text(sv->s, sv->cs, r, "required_message");
    it->constraint_message = read_text(sv->s, sv->cs, r, "constraint_message");
    survey_track(sv, f->nitems, i);
    f->nitems++;
    if (list) {
        for (size_t k = 0; k < f->nlists; k++)
            if (strcmp(f->lists[k].name, list) == 0)
                it->list = (int)k;
        if (it->list < 0 && !L->choices_unreadable)
            undefined_list(L, list, r->line, sv->type + 1);
        free(list);
    }
    int lc = (sv->label >= 0 ? sv->label : sv->name) + 1;
    if (form_item_answerable(it) && text_empty(it->label))
        err(L, r->line, lc, _("question '%s' has no label"), it->name);
    if (t == FORM_NOTE && text_empty(it->label))
        err(L, r->line, lc, _("note '%s' has no label"), it->name);
    if (pt.range)
        range_list(L, sv, r, it);
    item_logic(L, sv, r, it);
    item_features(L, sv, r, it);
    item_scoring(L, sv, r, it);
    if (pt.other && it->list >= 0)
        add_other(L, sv, r, f->nitems - 1);
}

/* Each ${name} inside a text (a label showing an earlier answer). */
static void text_refs(loader_t *L, form_text_t t, long line, int col)
{
    if (!t)
        return;
    refcheck_t rc = {L, line, col, "label"};
    for (size_t k = 0; k < FORM_MAX_LANGS; k++)
        for (const char *p = t[k] ? strstr(t[k], "${") : NULL; p; p = strstr(p + 2, "${")) {
            const char *end = strchr(p + 2, '}');
            if (!end)
                break;
            char *name = util_xstrndup(p + 2, (size_t)(end - p - 2));
            check_ref(&rc, name, 0);
            free(name);
        }
}

/* Calculations that depend on each other in a circle never settle: the
 * item that closes one is reported.  state: 0 unseen, 1 on the path, 2
 * done. */
static int calc_cycle(loader_t *L, size_t k, unsigned char *state);

typedef struct {
    loader_t *L;
    unsigned char *state;
    int found;
} cycle_t;

static void cycle_ref(void *ud, const char *name, int col)
{
    (void)col;
    cycle_t *c = ud;
    int k = form_item_index(c->L->f, name);
    if (!c->found && k >= 0 && c->L->f->items[k].type == FORM_CALCULATE)
        c->found = calc_cycle(c->L, (size_t)k, c->state);
}

static int calc_cycle(loader_t *L, size_t k, unsigned char *state)
{
    if (state[k] == 1)
        return 1;
    if (state[k] == 2)
        return 0;
    state[k] = 1;
    cycle_t c = {L, state, 0};
    expr_foreach_ref(L->f->items[k].calculation, cycle_ref, &c);
    state[k] = 2;
    return c.found;
}

/* References can point forward, so they are checked once every name is
 * known. */
static void survey_refs(loader_t *L, survey_t *sv)
{
    form_t *f = L->f;
    unsigned char *state = util_xcalloc(f->nitems + 1, 1);
    for (size_t k = 0; k < f->nitems; k++) {
        form_item_t *it = &f->items[k];
        const row_t *r = &L->rows.rows[sv->row_of[k]];
        const struct { const expr_t *e; int col; const char *what; } ex[] = {
            {it->relevant, sv->rel, "relevant"},
            {it->constraint, sv->con, "constraint"},
            {it->calculation, sv->calc, "calculation"},
            {it->choice_filter, sv->filter, "choice_filter"},
            {it->repeat_count, sv->rcount, "repeat_count"},
        };
        for (size_t j = 0; j < sizeof ex / sizeof ex[0]; j++)
            if (ex[j].e) {
                refcheck_t rc = {L, r->line, ex[j].col, ex[j].what};
                expr_foreach_ref(ex[j].e, check_ref, &rc);
            }
        text_refs(L, it->label, r->line, sv->label);
        if (it->calculation && !state[k] && calc_cycle(L, k, state))
            err(L, r->line, sv->calc + 1, _("calculation of '%s' depends on itself (through "
                "the calculations it refers to); break the circle"), it->name);
    }
    free(state);
}

/* Where list l is defined, for a message: "line 65", or in a workbook
 * "choices row 65" (heap). */
static char *list_where(const loader_t *L, const form_list_t *l)
{
    if (L->book_sheets && l->line > 0 && (size_t)l->line <= L->rows.n) {
        const row_t *r = &L->rows.rows[l->line - 1];
        return util_fmt(_("%s row %ld"), L->book_sheets[r->sheet], r->xrow);
    }
    return util_fmt(_("line %ld"), l->line);
}

/* One error per undefined list, at its first use, naming the list it was
 * probably meant to be. */
static void report_undefined(loader_t *L)
{
    const form_t *f = L->f;
    const char **names = util_xcalloc(f->nlists + 1, sizeof *names);
    for (size_t k = 0; k < f->nlists; k++)
        names[k] = f->lists[k].name;
    for (size_t i = 0; i < L->nundef; i++) {
        struct undef_list *u = &L->undef[i];
        L->undefined_lists++;
        const char *near = util_nearest(u->name, names);
        util_buf_t b = {0};
        util_buf_addf(&b, _("choice list '%s' is not defined in the choices sheet"), u->name);
        for (size_t k = 0; near && k < f->nlists; k++)
            if (f->lists[k].name == near) {
                char *at = list_where(L, &f->lists[k]);
                util_buf_addf(&b, _(" (did you mean '%s', %s?)"), near, at);
                free(at);
            }
        if (u->uses > 1)
            util_buf_addf(&b, i18n_ntext("; %zu question uses it", "; %zu questions use it",
                                         (unsigned long)u->uses), u->uses);
        err(L, u->line, u->col, "%s", b.s);
        util_buf_free(&b);
        free(u->name);
    }
    free(names);
    free(L->undef);
    L->undef = NULL;
    L->nundef = 0;
}

static void load_survey(loader_t *L)
{
    form_t *f = L->f;
    survey_t sv = {0};
    sv.repeat = -1;
    sv.s = find_sheet(L, "survey");
    if (!sv.s && L->book_sheets) {
        err(L, 0, 0, _("the workbook has no sheet named survey; rename the sheet that lists the "
            "questions to survey"));
        return;
    }
    if (!sv.s) {
        err(L, 0, 0, _("no survey sheet; the first cell of the row that starts it must be 'survey'"));
        return;
    }
    if (!sv.s->header)
        return;
    if (survey_columns(L, &sv) != 0)
        goto cleanup;
    for (size_t i = sv.s->first; i < sv.s->end; i++)
        if (!row_blank(&L->rows.rows[i]))
            survey_row(L, &sv, i);
    while (sv.depth > 0) {
        sv.depth--;
        const form_item_t *open = &f->items[sv.stack[sv.depth]];
        if (open->type == FORM_BEGIN_REPEAT)
            err(L, sv.stack_line[sv.depth], sv.type + 1, _("begin_repeat '%s' is never closed "
                "with end_repeat"), open->name);
        else
            err(L, sv.stack_line[sv.depth], sv.type + 1, _("begin_group '%s' is never closed "
                "with end_group"), open->name);
    }
    survey_refs(L, &sv);
    report_undefined(L);
    if (f->nitems == 0)
        err(L, sv.s->line, 1, _("the survey sheet has no questions"));
cleanup:
    free(sv.row_of);
    colspecs_free(sv.cs, sv.s->header->n);
}

/* A dimension whose scored items answer on lists of different lengths
 * or ranges is scored on one 0-100 scale all the same (POMP per item),
 * but a reader comparing its items' means, or its agreement rwg(j)
 * (each item against its own list's null variance), should know. */
static void warn_mixed_scales(loader_t *L)
{
    const form_t *f = L->f;
    for (size_t d = 0; d < f->ndims; d++) {
        const form_item_t *first = NULL;
        for (size_t k = 0; k < f->nitems; k++) {
            const form_item_t *it = &f->items[k];
            if (it->dim != (int)d || !form_item_scored(f, it))
                continue;
            if (!first) {
                first = it;
                continue;
            }
            const form_list_t *a = &f->lists[first->list], *b = &f->lists[it->list];
            if (a->nchoices != b->nchoices || a->min != b->min || a->max != b->max) {
                warn(L, it->line, 0, _("dimension '%s' mixes answer scales: %s has %zu choices (%g-%g), "
                                       "%s has %zu (%g-%g); scores still share the 0-100 scale"),
                     f->dims[d].code, first->name, a->nchoices, a->min, a->max, it->name, b->nchoices,
                     b->min, b->max);
                break;
            }
        }
    }
}

/* The outcome (settings' outcome_field or the `outcome` column) must be
 * a select_one question with a numeric choice list outside the
 * dimensions: an overall judgement the dimension scores can explain. */
static void final_outcome(loader_t *L)
{
    form_t *f = L->f;
    if (!f->outcome_field)
        return;
    long line = L->outcome_by_col ? L->outcome_line : L->settings_line;
    int col = L->outcome_by_col ? L->outcome_col : L->col_outcome_field;
    int k = form_item_index(f, f->outcome_field);
    const form_item_t *it = k >= 0 ? &f->items[k] : NULL;
    if (!it)
        err(L, line, col, _("outcome_field '%s' is not a question of this form; name the "
            "select_one question that asks for the overall judgement"), f->outcome_field);
    else if (it->type == FORM_SELECT_ONE && it->list < 0 && L->undefined_lists)
        return;   /* its list is undefined: that one error says it (`agre5`) */
    else if (it->type != FORM_SELECT_ONE || it->list < 0 || !f->lists[it->list].numeric)
        err(L, line, col, _("outcome '%s' must be a select_one question with a numeric choice "
            "list (such as agree5), but it is %s"), f->outcome_field,
            it->type == FORM_SELECT_ONE ? _("a select_one with a list that is not numeric")
                                        : form_type_name(it->type));
    else if (it->dim >= 0)
        err(L, line, col, _("outcome '%s' belongs to dimension '%s'; the outcome is explained "
            "by the dimensions, so it must stand outside them"), f->outcome_field,
            f->dims[it->dim].code);
    else if (it->repeat >= 0)
        err(L, line, col, _("outcome '%s' is inside a repeat; it needs one answer per "
            "response"), f->outcome_field);
}

static void final_checks(loader_t *L)
{
    form_t *f = L->f;
    if (f->nlangs > FORM_MAX_LANGS) {
        err(L, 0, 0, _("more than %d languages"), FORM_MAX_LANGS);
        return;
    }
    f->default_lang = 0;
    if (f->default_language) {
        int found = -1;
        for (size_t i = 0; i < f->nlangs; i++)
            if (strcmp(f->langs[i], f->default_language) == 0)
                found = (int)i;
        if (found < 0 && f->nlangs > 0) {
            util_buf_t b = {0};
            for (size_t i = 0; i < f->nlangs; i++)
                if (*f->langs[i])
                    util_buf_addf(&b, "%s'%s'", b.len ? ", " : "", f->langs[i]);
            err(L, L->settings_line, L->col_default_language, _("default_language '%s' matches "
                "no label column; write it exactly as after label:: (%s)"), f->default_language,
                b.s ? b.s : "");
            util_buf_free(&b);
        } else if (found >= 0) {
            f->default_lang = found;
        }
    }
    if (f->unit_field) {
        int k = form_item_index(f, f->unit_field);
        if (k < 0)
            err(L, L->settings_line, L->col_unit_field, _("unit_field '%s' is not a question of "
                "this form; name the select_one question that asks for the unit"), f->unit_field);
        else if (f->items[k].type != FORM_SELECT_ONE)
            err(L, L->settings_line, L->col_unit_field, _("unit_field '%s' must name a "
                "select_one question of this form, but it is %s"), f->unit_field,
                form_type_name(f->items[k].type));
    }
    final_outcome(L);
    /* a question on an undefined list is not scored: its dimension would
     * look empty because of the one error already reported */
    for (size_t i = 0; i < f->ndims && !L->undefined_lists; i++)
        if (f->dims[i].nscored == 0) {
            int has_points = 0;
            for (size_t k = 0; k < f->nitems; k++)
                if (f->items[k].dim == (int)i)
                    has_points = 1;
            if (!has_points)
                warn(L, 0, 0, _("dimension '%s' has no items"), f->dims[i].code);
        }
    warn_mixed_scales(L);
}

/* Reads CSV bytes into L->rows; *text (heap) is the UTF-8 text, which is
 * what the store keeps.  0, or -1 with an error reported. */
static int read_csv(loader_t *L, const char *data, size_t len, char **text, size_t *tlen)
{
    err_t msg = {0};
    enc_t used;
    int rc = -1;
    if (enc_to_utf8(data, len, ENC_AUTO, text, tlen, &used, &msg) != 0) {
        util_diag_err(L->d, UTIL_ERROR, L->file, &msg);
        goto cleanup;
    }
    if (used == ENC_GB18030)
        util_diag_add(L->d, UTIL_WARNING, L->file, 0, 0, _("read as GB18030 (not UTF-8); it is "
                      "stored as UTF-8"));
    char delim = csvr_sniff_delim(*text, *tlen);
    if (csvr_parse_mem(*text, *tlen, delim, collect_row, &L->rows, &msg) != 0) {
        util_diag_err(L->d, UTIL_ERROR, L->file, &msg);
        goto cleanup;
    }
    rc = 0;
cleanup:
    err_clear(&msg);
    return rc;
}

typedef struct {
    rows_t *rows;
    int sheet;
} book_rows_t;

/* A workbook row in the CSV layout: an empty first cell, then A, B, ... */
static int collect_book_row(void *ud, const xlsx_row_t *r)
{
    book_rows_t *b = ud;
    row_t *row = row_push(b->rows, r->ncells + 1);
    row->line = (long)b->rows->n;
    row->sheet = b->sheet;
    row->xrow = r->row;
    row->cells[0] = util_xstrdup("");
    for (size_t i = 0; i < r->ncells; i++)
        row->cells[i + 1] = util_trim(util_xstrdup(r->cells[i]));
    return 0;
}

static int known_sheet(const char *name)
{
    return util_streq_ci(name, "survey") || util_streq_ci(name, "choices") ||
           util_streq_ci(name, "settings") || util_streq_ci(name, "dimensions");
}

/* Reads every sheet of a workbook into L->rows in the CSV layout.  An empty
 * sheet of another name (Excel's Sheet2) is left out, as it holds nothing
 * to keep.  0, or -1 with an error reported. */
static int read_book(loader_t *L, const char *data, size_t len)
{
    xlsx_t *x = NULL;
    err_t msg = {0};
    int rc = -1;
    if (xlsx_open_mem(data, len, &x, &msg) != 0) {
        util_diag_add(L->d, UTIL_ERROR, L->file, 0, 0, "%s", msg.msg);
        goto cleanup;
    }
    L->nbook = xlsx_nsheets(x);
    L->book_sheets = util_xcalloc(L->nbook + 1, sizeof *L->book_sheets);
    for (size_t i = 0; i < L->nbook; i++) {
        const char *name = xlsx_sheet_name(x, i);
        L->book_sheets[i] = util_xstrdup(name);
        size_t first = L->rows.n;
        row_t *head = row_push(&L->rows, 1);
        head->line = (long)L->rows.n;
        head->sheet = (int)i;
        head->cells[0] = util_trim(util_xstrdup(name));
        book_rows_t b = {&L->rows, (int)i};
        if (xlsx_read_sheet(x, i, collect_book_row, &b, &msg) != 0) {
            util_diag_add(L->d, UTIL_ERROR, L->file, 0, 0, _("sheet '%s': %s"), name, msg.msg);
            goto cleanup;
        }
        if (L->rows.n == first + 1 && !known_sheet(name)) {
            L->rows.n--;
            free(head->cells[0]);
            free(head->cells);
        }
    }
    rc = 0;
cleanup:
    err_clear(&msg);
    xlsx_close(x);
    return rc;
}

/* The workbook in the CSV layout, which is what the store keeps (and
 * reloads): each sheet's rows as wide as its widest, blank rows left out.
 * The shipped questionnaires are written this way, so a form saved from
 * Excel and its CSV store the same text.  Heap, *len its length. */
static char *book_csv(const rows_t *rs, size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (!f)
        abort();   /* out of memory, as util_xmalloc would */
    for (size_t i = 0; i < rs->n;) {
        size_t end = i + 1, width = 1;
        while (end < rs->n && rs->rows[end].xrow != 0)
            end++;
        for (size_t k = i; k < end; k++) {
            size_t w = rs->rows[k].n;
            while (w > 1 && !*rs->rows[k].cells[w - 1])
                w--;
            if (w > width)
                width = w;
        }
        for (; i < end; i++) {
            if (rs->rows[i].xrow != 0 && row_blank(&rs->rows[i]))
                continue;
            for (size_t j = 0; j < width; j++) {
                if (j)
                    fputc(',', f);
                csvw_cell(f, cell(&rs->rows[i], (int)j), ',', 0);
            }
            fputc('\n', f);
        }
    }
    fclose(f);
    *len = n;
    return text;
}

int form_load_mem(const char *file, const char *data, size_t len, form_t **out,
                  util_diag_t *diags)
{
    loader_t L = {0};
    L.d = diags;
    L.file = file;
    L.f = util_xcalloc(1, sizeof *L.f);
    L.f->file = util_xstrdup(file);
    size_t before = diags->nerrors;
    int notform = 0;
    char *text = NULL;
    size_t tlen = 0;
    *out = NULL;

    xlsx_kind_t kind = xlsx_sniff(data, len);
    if (kind == XLSX_OLE) {
        util_diag_add(diags, UTIL_ERROR, file, 0, 0, _("an Excel 97-2003 workbook (.xls) or one "
                      "saved with a password: save it as an Excel workbook (.xlsx) without a "
                      "password, or as CSV"));
        goto cleanup;
    }
    if (kind == XLSX_ZIP ? read_book(&L, data, len) : read_csv(&L, data, len, &text, &tlen))
        goto cleanup;
    if (!looks_like_xlsform(&L.rows)) {
        if (L.book_sheets) {
            util_buf_t b = {0};
            for (size_t i = 0; i < L.nbook && i < 8; i++)
                util_buf_addf(&b, "%s'%s'", i ? ", " : "", L.book_sheets[i]);
            if (L.nbook > 8)
                util_buf_adds(&b, ", ...");
            util_diag_add(diags, UTIL_ERROR, file, 0, 0, _("not an XLSForm questionnaire: the "
                          "workbook has no sheet named survey, choices or settings (its sheets: "
                          "%s)"), b.s ? b.s : "");
            util_buf_free(&b);
        } else {
            util_diag_add(diags, UTIL_ERROR, file, 0, 0, _("not an XLSForm questionnaire: no row "
                          "starts a survey, choices or settings sheet in its first cell"));
        }
        notform = 1;
        goto cleanup;
    }
    split_sheets(&L);
    load_settings(&L);
    load_dimensions(&L);
    load_choices(&L);
    load_survey(&L);
    final_checks(&L);
    if (L.book_sheets)
        text = book_csv(&L.rows, &tlen);
    L.f->source = text;
    L.f->source_len = tlen;
    text = NULL;
cleanup:
    free(text);
    free(L.dropped);
    rows_free(&L.rows);
    for (size_t i = 0; i < L.nbook; i++)
        free(L.book_sheets[i]);
    free(L.book_sheets);
    if (diags->nerrors > before) {
        form_free(L.f);
        return notform ? -2 : -1;
    }
    *out = L.f;
    return 0;
}

int form_load_file(const char *path, form_t **out, util_diag_t *diags)
{
    err_t why = {0};
    char *data = NULL;
    size_t len;
    *out = NULL;
    if (util_read_file(path, &data, &len, &why) != 0) {
        util_diag_add(diags, UTIL_ERROR, path, 0, 0, _("cannot read: %s"), why.msg);
        err_clear(&why);
        return -1;
    }
    int rc = form_load_mem(path, data, len, out, diags);
    free(data);
    return rc;
}

void form_free(form_t *f)
{
    if (!f)
        return;
    text_free(f->title_text);
    for (size_t i = 0; i < f->nitems; i++) {
        form_item_t *it = &f->items[i];
        free(it->name);
        text_free(it->label);
        text_free(it->hint);
        text_free(it->required_message);
        text_free(it->constraint_message);
        free(it->relevant_src);
        free(it->constraint_src);
        free(it->appearance);
        free(it->calculation_src);
        free(it->choice_filter_src);
        free(it->default_value);
        free(it->repeat_count_src);
        expr_free(it->repeat_count);
        expr_free(it->choice_filter);
        expr_free(it->relevant);
        expr_free(it->constraint);
        expr_free(it->calculation);
    }
    free(f->items);
    for (size_t i = 0; i < f->nlists; i++) {
        for (size_t c = 0; c < f->lists[i].nchoices; c++) {
            form_choice_t *ch = &f->lists[i].choices[c];
            free(ch->name);
            text_free(ch->label);
            for (size_t k = 0; ch->extra && k < f->nchoice_cols; k++)
                free(ch->extra[k]);
            free(ch->extra);
        }
        free(f->lists[i].choices);
        free(f->lists[i].slot);
        free(f->lists[i].name);
    }
    free(f->lists);
    for (size_t i = 0; i < f->ndims; i++) {
        free(f->dims[i].code);
        text_free(f->dims[i].label);
    }
    free(f->dims);
    for (size_t i = 0; i < f->nchoice_cols; i++)
        free(f->choice_cols[i]);
    free(f->choice_cols);
    for (size_t i = 0; i < f->nlangs; i++)
        free(f->langs[i]);
    free(f->langs);
    free(f->form_id);
    free(f->version);
    free(f->title);
    free(f->default_language);
    free(f->unit_field);
    free(f->outcome_field);
    free(f->file);
    free(f->source);
    free(f);
}

int form_text_has(form_text_t t, const char *s)
{
    for (size_t i = 0; t && s && i < FORM_MAX_LANGS; i++)
        if (t[i] && strcmp(t[i], s) == 0)
            return 1;
    return 0;
}

/* A choice given by a caller: the name, the label in the default
 * language only, the choice-sheet columns empty (or moved from the old
 * choice of that name). */
static void choice_given(const form_t *f, form_choice_t *ch, const char *name, const char *label)
{
    double v;
    ch->name = util_xstrdup(name);
    ch->num = util_parse_double(name, &v) == 0 ? v : NAN;
    ch->label = util_xcalloc(FORM_MAX_LANGS, sizeof *ch->label);
    ch->label[f->default_lang >= 0 && f->default_lang < FORM_MAX_LANGS ? f->default_lang : 0] =
        util_xstrdup(label);
    if (!ch->extra && f->nchoice_cols) {
        ch->extra = util_xcalloc(f->nchoice_cols, sizeof *ch->extra);
        for (size_t k = 0; k < f->nchoice_cols; k++)
            ch->extra[k] = util_xstrdup("");
    }
}

void form_list_replace(form_t *f, size_t list, const char *const *names,
                       const char *const *labels, size_t n)
{
    form_list_t *l = &f->lists[list];
    form_choice_t *nc = util_xcalloc(n + 1, sizeof *nc);
    /* every old choice is looked up first, while the list is whole; then
     * what moves to the new list is taken out of the old one (zeroed) */
    int *was = util_xcalloc(n + 1, sizeof *was);
    for (size_t i = 0; i < n; i++)
        was[i] = form_list_choice(l, names[i]);
    for (size_t i = 0; i < n; i++) {
        form_choice_t *old = was[i] >= 0 ? &l->choices[was[i]] : NULL;
        if (old && form_text_has(old->label, labels[i])) {
            nc[i] = *old;   /* the same name: its translations stay */
            memset(old, 0, sizeof *old);
            continue;
        }
        if (old) {
            nc[i].extra = old->extra;
            old->extra = NULL;
        }
        choice_given(f, &nc[i], names[i], labels[i]);
    }
    for (size_t c = 0; c < l->nchoices; c++) {
        form_choice_t *ch = &l->choices[c];
        free(ch->name);
        text_free(ch->label);
        for (size_t k = 0; ch->extra && k < f->nchoice_cols; k++)
            free(ch->extra[k]);
        free(ch->extra);
    }
    free(l->choices);
    free(was);
    l->choices = nc;
    l->nchoices = n;
    list_finish(l);
}

int form_item_index(const form_t *f, const char *name)
{
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].name && strcmp(f->items[i].name, name) == 0)
            return (int)i;
    return -1;
}

int form_dim_index(const form_t *f, const char *code)
{
    for (size_t i = 0; i < f->ndims; i++)
        if (strcmp(f->dims[i].code, code) == 0)
            return (int)i;
    return -1;
}

int form_list_choice(const form_list_t *l, const char *name)
{
    size_t len;
    return form_list_choice_len(l, name, &len);
}

int form_list_choice_len(const form_list_t *l, const char *name, size_t *len)
{
    if (!l->slot) {
        *len = strlen(name);
        for (size_t i = 0; i < l->nchoices; i++)
            if (strcmp(l->choices[i].name, name) == 0)
                return (int)i;
        return -1;
    }
    int d = form_digit_name(name);
    if (d >= 0) {
        *len = d < 10 ? 1 : 2;
        return l->bydig[d];
    }
    size_t k = name_hash_len(name, len) & l->slot_mask;
    for (; l->slot[k]; k = (k + 1) & l->slot_mask) {
        /* names are short: compared here, not by a call */
        const char *c = l->choices[l->slot[k] - 1].name, *d = name;
        while (*c && *c == *d)
            c++, d++;
        if (*c == *d)
            return (int)l->slot[k] - 1;
    }
    return -1;
}

int form_item_scored(const form_t *f, const form_item_t *it)
{
    return it->dim >= 0 && !it->has_points && it->type == FORM_SELECT_ONE && it->list >= 0 &&
           f->lists[it->list].numeric;
}

int form_item_answerable(const form_item_t *it)
{
    return it->type != FORM_NOTE && it->type != FORM_BEGIN_GROUP &&
           it->type != FORM_END_GROUP && it->type != FORM_CALCULATE &&
           it->type != FORM_BEGIN_REPEAT && it->type != FORM_END_REPEAT;
}

int form_item_stored(const form_item_t *it)
{
    return (form_item_answerable(it) && it->repeat < 0) || it->type == FORM_CALCULATE ||
           it->type == FORM_BEGIN_REPEAT;
}

int form_lang(const form_t *f, const char *lang)
{
    if (lang && *lang) {
        char paren[16];
        snprintf(paren, sizeof paren, "(%s)", lang);
        for (size_t i = 0; i < f->nlangs; i++)
            if (strcmp(f->langs[i], lang) == 0 || strstr(f->langs[i], paren))
                return (int)i;
        const char *word = strcmp(lang, "zh") == 0 ? "Chinese" : strcmp(lang, "en") == 0 ? "English" : NULL;
        if (word)
            for (size_t i = 0; i < f->nlangs; i++)
                if (strncmp(f->langs[i], word, strlen(word)) == 0)
                    return (int)i;
    }
    return f->default_lang;
}

const char *form_text(const form_t *f, form_text_t t, int li)
{
    if (!t)
        return "";
    if (li >= 0 && li < FORM_MAX_LANGS && t[li])
        return t[li];
    if (f->default_lang < FORM_MAX_LANGS && t[f->default_lang])
        return t[f->default_lang];
    for (size_t i = 0; i < f->nlangs && i < FORM_MAX_LANGS; i++)
        if (t[i])
            return t[i];
    return "";
}

const char *form_title_in(const form_t *f, int li)
{
    if (f->title_text && li >= 0 && li < FORM_MAX_LANGS && f->title_text[li])
        return f->title_text[li];
    return f->title ? f->title : "";
}

const char *form_type_name(form_type_t t)
{
    switch (t) {
    case FORM_SELECT_ONE: return "select_one";
    case FORM_SELECT_MULTIPLE: return "select_multiple";
    case FORM_INTEGER: return "integer";
    case FORM_DECIMAL: return "decimal";
    case FORM_TEXT: return "text";
    case FORM_NOTE: return "note";
    case FORM_BEGIN_GROUP: return "begin_group";
    case FORM_END_GROUP: return "end_group";
    case FORM_CALCULATE: return "calculate";
    case FORM_DATE: return "date";
    case FORM_RANK: return "rank";
    case FORM_BEGIN_REPEAT: return "begin_repeat";
    case FORM_END_REPEAT: return "end_repeat";
    }
    return "?";
}

const char *form_role_name(form_role_t r)
{
    return r == FORM_ROLE_SELF ? "self" : "staff";
}
