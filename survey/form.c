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

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- raw rows ---- */

typedef struct {
    long line;
    size_t n;
    char **cells;
} row_t;

typedef struct {
    row_t *rows;
    size_t n, cap;
} rows_t;

static int collect_row(void *ud, const csvr_row_t *r)
{
    rows_t *rs = ud;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->rows = util_xrealloc(rs->rows, rs->cap * sizeof *rs->rows);
    }
    row_t *row = &rs->rows[rs->n++];
    row->line = r->line;
    row->n = r->ncells;
    row->cells = util_xmalloc((r->ncells ? r->ncells : 1) * sizeof *row->cells);
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
    int col_default_language, col_unit_field;
    /* a dimensions or choices sheet that could not be read: every code or
     * list name used in the survey would then be "not declared", which says
     * nothing the sheet's own error does not */
    int dims_unreadable, choices_unreadable;
    /* names of survey rows dropped for a bad type, so ${name} references to
     * them are not reported as unknown questions on top */
    const char **dropped;
    size_t ndropped;
} loader_t;

static void err(loader_t *L, long line, long col, const char *fmt, ...) UTIL_PRINTF(4, 5);
static void err(loader_t *L, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    util_diag_add(L->d, UTIL_ERROR, L->file, line, col, "%s", m);
    free(m);
}

static void warn(loader_t *L, long line, long col, const char *fmt, ...) UTIL_PRINTF(4, 5);
static void warn(loader_t *L, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    util_diag_add(L->d, UTIL_WARNING, L->file, line, col, "%s", m);
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

/* Splits a header cell "label::Chinese (zh)" into base and language. */
static colspec_t *parse_header(loader_t *L, const row_t *h)
{
    colspec_t *cs = util_xcalloc(h->n + 1, sizeof *cs);
    for (size_t j = 1; j < h->n; j++) {
        const char *c = h->cells[j];
        const char *sep = strstr(c, "::");
        if (sep) {
            cs[j].base = util_xstrndup(c, (size_t)(sep - c));
            char *lang = util_trim(util_xstrdup(sep + 2));
            cs[j].lang = lang_add(L->f, lang);
            free(lang);
        } else {
            cs[j].base = util_xstrdup(c);
            cs[j].lang = -1;
        }
        for (char *p = cs[j].base; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        /* "label" without a language is the default language's text */
        if (!sep && (strcmp(cs[j].base, "label") == 0 || strcmp(cs[j].base, "hint") == 0 ||
                     strcmp(cs[j].base, "constraint_message") == 0 ||
                     strcmp(cs[j].base, "required_message") == 0))
            cs[j].lang = lang_add(L->f, L->f->default_language ? L->f->default_language : "");
    }
    return cs;
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
        if (!s->header)
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
                                        "role", "unit_field", "instance_name", "style",
                                        "allow_choice_duplicates", NULL};
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

/* qsort has no context argument: the list being sorted, for by_name; a
 * thread-local, as two threads of the web server may load forms at once. */
static _Thread_local const form_list_t *sorting;

static int by_name(const void *a, const void *b)
{
    return strcmp(sorting->choices[*(const size_t *)a].name,
                  sorting->choices[*(const size_t *)b].name);
}

/* The sorted index of a loaded list.  Lookups by name are the import's
 * hot path: a unit question lists up to 2,000 units, and a linear search
 * compared every row's code with half of them (12% of an import). */
static void list_index(form_list_t *l)
{
    free(l->order);
    l->order = NULL;
    if (l->nchoices < 8)
        return;   /* a Likert scale: comparing in turn is as quick */
    l->order = util_xcalloc(l->nchoices, sizeof *l->order);
    for (size_t i = 0; i < l->nchoices; i++)
        l->order[i] = i;
    sorting = l;
    qsort(l->order, l->nchoices, sizeof *l->order, by_name);
    sorting = NULL;
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
    static const char *const known[] = {"list_name", "name", "label", "image", "media", NULL};
    colspec_t *cs = parse_header(L, s->header);
    warn_unknown_columns(L, s, cs, known);
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
        if (!l) {
            f->lists = util_xrealloc(f->lists, (f->nlists + 1) * sizeof *f->lists);
            l = &f->lists[f->nlists++];
            memset(l, 0, sizeof *l);
            l->name = util_xstrdup(ln);
            l->line = r->line;
        }
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
        l->choices = util_xrealloc(l->choices, (l->nchoices + 1) * sizeof *l->choices);
        form_choice_t *ch = &l->choices[l->nchoices++];
        ch->name = util_xstrdup(name);
        ch->label = label;
        double v;
        ch->num = util_parse_double(name, &v) == 0 ? v : NAN;
    }
    for (size_t k = 0; k < f->nlists; k++) {
        form_list_t *l = &f->lists[k];
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
        l->yesno = l->nchoices == 2 && form_list_choice(l, "yes") >= 0 &&
                   form_list_choice(l, "no") >= 0;
        list_index(l);
    }
cleanup:
    colspecs_free(cs, s->header->n);
}

static const char *const type_names[] = {
    "select_one", "select_multiple", "integer", "decimal", "text", "note",
    "begin_group", "end_group", NULL};

static const char *const unsupported_types[] = {
    "calculate", "date", "time", "datetime", "geopoint", "geotrace", "geoshape", "image",
    "audio", "video", "file", "barcode", "acknowledge", "range", "rank", "hidden",
    "begin_repeat", "end_repeat", "begin repeat", "end repeat", "start", "end", "today",
    "deviceid", "username", "phonenumber", "email", "audit", "select_one_from_file",
    "select_multiple_from_file", "trigger", "background-audio", NULL};

/* Parses the type cell; returns 0 and the type (and *list = the list name
 * for selects, heap) or -1 with an error reported. */
static int parse_type(loader_t *L, const row_t *r, int ctype, form_type_t *t, char **list)
{
    char *v = util_xstrdup(cell(r, ctype));
    int rc = -1;
    /* fold runs of spaces and "select one" spelling */
    char *w = v;
    for (char *p = v; *p; p++)
        if (!(*p == ' ' && (w == v || w[-1] == ' ')))
            *w++ = *p;
    *w = '\0';
    util_trim(v);
    *list = NULL;
    char *arg = NULL;
    if (strncmp(v, "select one ", 11) == 0 || strncmp(v, "select_one ", 11) == 0) {
        *t = FORM_SELECT_ONE;
        arg = v + 11;
    } else if (strncmp(v, "select multiple ", 16) == 0 || strncmp(v, "select_multiple ", 16) == 0) {
        *t = FORM_SELECT_MULTIPLE;
        arg = v + 16;
    } else if (strcmp(v, "select_one") == 0 || strcmp(v, "select_multiple") == 0 ||
               strcmp(v, "select one") == 0 || strcmp(v, "select multiple") == 0) {
        err(L, r->line, ctype + 1, _("type '%s' needs a choice list name, e.g. '%s agree5'"), v, v);
        goto cleanup;
    } else if (strcmp(v, "integer") == 0 || strcmp(v, "int") == 0) {
        *t = FORM_INTEGER;
    } else if (strcmp(v, "decimal") == 0) {
        *t = FORM_DECIMAL;
    } else if (strcmp(v, "text") == 0 || strcmp(v, "string") == 0) {
        *t = FORM_TEXT;
    } else if (strcmp(v, "note") == 0) {
        *t = FORM_NOTE;
    } else if (strcmp(v, "begin_group") == 0 || strcmp(v, "begin group") == 0) {
        *t = FORM_BEGIN_GROUP;
    } else if (strcmp(v, "end_group") == 0 || strcmp(v, "end group") == 0) {
        *t = FORM_END_GROUP;
    } else {
        for (const char *const *u = unsupported_types; *u; u++)
            if (strcmp(v, *u) == 0) {
                err(L, r->line, ctype + 1, _("type '%s' is not supported by gapsurvey; use one of "
                    "select_one, select_multiple, integer, decimal, text, note, begin_group, "
                    "end_group"), v);
                goto cleanup;
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
                "select_multiple LIST, integer, decimal, text, note, begin_group, end_group"), v);
        goto cleanup;
    }
    if (arg) {
        util_trim(arg);
        if (!*arg || strchr(arg, ' ')) {
            err(L, r->line, ctype + 1, _("type '%s' must be followed by exactly one list name"), v);
            goto cleanup;
        }
        *list = util_xstrdup(arg);
    }
    rc = 0;
cleanup:
    free(v);
    return rc;
}

static expr_t *parse_expr(loader_t *L, const row_t *r, int col, const char *what)
{
    const char *src = cell(r, col);
    if (!*src)
        return NULL;
    expr_t *e = NULL;
    err_t msg = {0};
    int ecol = 0;
    if (expr_parse(src, &e, &msg, &ecol) != 0) {
        err(L, r->line, col + 1, _("%s '%s': %s at character %d"), what, src, msg.msg ? msg.msg : "syntax error", ecol);
        err_clear(&msg);
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

static void load_survey(loader_t *L)
{
    form_t *f = L->f;
    const sheet_t *s = find_sheet(L, "survey");
    if (!s) {
        err(L, 0, 0, _("no survey sheet; the first cell of the row that starts it must be 'survey'"));
        return;
    }
    if (!s->header)
        return;
    static const char *const known[] = {
        "type", "name", "label", "hint", "required", "required_message", "relevant",
        "constraint", "constraint_message", "appearance", "dimension", "reverse", "points",
        NULL};
    colspec_t *cs = parse_header(L, s->header);
    warn_unknown_columns(L, s, cs, known);
    int ctype = col_of(L, s, cs, "type"), cname = col_of(L, s, cs, "name");
    int creq = col_of(L, s, cs, "required"), crel = col_of(L, s, cs, "relevant");
    int ccon = col_of(L, s, cs, "constraint"), capp = col_of(L, s, cs, "appearance");
    int cdim = col_of(L, s, cs, "dimension"), crev = col_of(L, s, cs, "reverse");
    int cpts = col_of(L, s, cs, "points");
    int *relcol = NULL;
    if (ctype < 0 || cname < 0) {
        err(L, s->header->line, 0, _("sheet survey needs the columns type and name"));
        goto cleanup;
    }
    int stack[64];
    long stack_line[64];
    int depth = 0;
    int clabel = text_col(s, cs, "label");
    relcol = util_xcalloc(L->rows.n + 1, sizeof *relcol);
    for (size_t i = s->first; i < s->end; i++) {
        const row_t *r = &L->rows.rows[i];
        if (row_blank(r))
            continue;
        form_type_t t;
        char *list = NULL;
        if (!cell(r, ctype)[0]) {
            err(L, r->line, ctype + 1, _("row has no type; every survey row needs one"));
            drop_name(L, cell(r, cname));
            continue;
        }
        if (parse_type(L, r, ctype, &t, &list) != 0) {
            drop_name(L, cell(r, cname));
            continue;
        }
        const char *name = cell(r, cname);
        if (t == FORM_END_GROUP) {
            if (depth == 0) {
                err(L, r->line, ctype + 1, _("end_group without a matching begin_group"));
                free(list);
                continue;
            }
            depth--;
        } else if (!*name) {
            err(L, r->line, cname + 1, _("%s has no name; give it a short unique name such as q1"),
                form_type_name(t));
            free(list);
            continue;
        } else if (!valid_name(name)) {
            err(L, r->line, cname + 1, _("name '%s' must start with a letter or _ and use only "
                "letters, digits, _, - or ."), name);
            free(list);
            continue;
        } else {
            int prev = form_item_index(f, name);
            if (prev >= 0) {
                err(L, r->line, cname + 1, _("name '%s' is already used at line %ld; names must "
                    "be unique"), name, f->items[prev].line);
                free(list);
                continue;
            }
        }
        f->items = util_xrealloc(f->items, (f->nitems + 1) * sizeof *f->items);
        form_item_t *it = &f->items[f->nitems];
        memset(it, 0, sizeof *it);
        it->type = t;
        it->name = (t == FORM_END_GROUP) ? NULL : util_xstrdup(name);
        it->line = r->line;
        it->list = -1;
        it->dim = -1;
        it->group = depth > 0 ? stack[depth - 1] : -1;
        it->label = read_text(s, cs, r, "label");
        it->hint = read_text(s, cs, r, "hint");
        it->required_message = read_text(s, cs, r, "required_message");
        it->constraint_message = read_text(s, cs, r, "constraint_message");
        if (t == FORM_BEGIN_GROUP) {
            if (depth == 64) {
                err(L, r->line, ctype + 1, _("groups nested more than 64 deep"));
            } else {
                stack_line[depth] = r->line;
                stack[depth++] = (int)f->nitems;
            }
        }
        f->nitems++;
        if (list) {
            for (size_t k = 0; k < f->nlists; k++)
                if (strcmp(f->lists[k].name, list) == 0)
                    it->list = (int)k;
            if (it->list < 0 && !L->choices_unreadable)
                err(L, r->line, ctype + 1, _("choice list '%s' is not defined in the choices "
                    "sheet"), list);
            free(list);
        }
        if (form_item_answerable(it) && text_empty(it->label))
            err(L, r->line, (clabel >= 0 ? clabel : cname) + 1, _("question '%s' has no label"),
                it->name);
        if (t == FORM_NOTE && text_empty(it->label))
            err(L, r->line, (clabel >= 0 ? clabel : cname) + 1, _("note '%s' has no label"),
                it->name);

        const char *req = cell(r, creq);
        if (*req) {
            if (util_is_yes(req))
                it->required = 1;
            else if (!util_is_no(req))
                err(L, r->line, creq + 1, _("required must be yes or no, not '%s'"), req);
        }
        if (crel >= 0 && cell(r, crel)[0]) {
            it->relevant_src = util_xstrdup(cell(r, crel));
            it->relevant = parse_expr(L, r, crel, "relevant");
        }
        if (ccon >= 0 && cell(r, ccon)[0]) {
            it->constraint_src = util_xstrdup(cell(r, ccon));
            it->constraint = parse_expr(L, r, ccon, "constraint");
            if (!form_item_answerable(it))
                err(L, r->line, ccon + 1, _("a constraint needs a question that takes an answer"));
        }
        if (capp >= 0 && cell(r, capp)[0])
            it->appearance = util_xstrdup(cell(r, capp));

        const form_list_t *l = it->list >= 0 ? &f->lists[it->list] : NULL;
        /* a select whose list is undefined was reported once above; checks
         * that need the list say nothing more about it */
        int list_missing = (t == FORM_SELECT_ONE || t == FORM_SELECT_MULTIPLE) && !l;
        const char *pts = cell(r, cpts);
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
                if (!*pts && !((t == FORM_SELECT_ONE || t == FORM_SELECT_MULTIPLE) && !l))
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
        relcol[f->nitems - 1] = (int)i;
    }
    while (depth > 0) {
        depth--;
        err(L, stack_line[depth], ctype + 1, _("begin_group '%s' is never closed with end_group"),
            f->items[stack[depth]].name);
    }
    /* references can point forward, so check them once every name is known */
    for (size_t k = 0; k < f->nitems; k++) {
        form_item_t *it = &f->items[k];
        const row_t *r = &L->rows.rows[relcol[k]];
        if (it->relevant) {
            refcheck_t rc = {L, r->line, crel, "relevant"};
            expr_foreach_ref(it->relevant, check_ref, &rc);
        }
        if (it->constraint) {
            refcheck_t rc = {L, r->line, ccon, "constraint"};
            expr_foreach_ref(it->constraint, check_ref, &rc);
        }
    }
    if (f->nitems == 0)
        err(L, s->line, 1, _("the survey sheet has no questions"));
cleanup:
    free(relcol);
    colspecs_free(cs, s->header->n);
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
    for (size_t i = 0; i < f->ndims; i++)
        if (f->dims[i].nscored == 0) {
            int has_points = 0;
            for (size_t k = 0; k < f->nitems; k++)
                if (f->items[k].dim == (int)i)
                    has_points = 1;
            if (!has_points)
                warn(L, 0, 0, _("dimension '%s' has no items"), f->dims[i].code);
        }
}

/* enc_to_utf8 and the CSV reader put the position at the front of their message;
 * it goes into FILE:LINE:COL like every other diagnostic. */
static void diag_positioned(util_diag_t *d, const char *file, const char *msg)
{
    long line, col;
    size_t at = util_msg_pos(msg, &line, &col);
    util_diag_add(d, UTIL_ERROR, file, line, col, "%s", msg + at);
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
    err_t msg = {0};
    char *text = NULL;
    size_t tlen = 0;
    enc_t used;
    *out = NULL;

    if (enc_to_utf8(data, len, ENC_AUTO, &text, &tlen, &used, &msg) != 0) {
        diag_positioned(diags, file, msg.msg ? msg.msg : "cannot convert to UTF-8");
        goto cleanup;
    }
    if (used == ENC_GB18030)
        util_diag_add(diags, UTIL_WARNING, file, 0, 0, _("read as GB18030 (not UTF-8); it is "
                      "stored as UTF-8"));
    char delim = csvr_sniff_delim(text, tlen);
    if (csvr_parse_mem(text, tlen, delim, collect_row, &L.rows, &msg) != 0) {
        diag_positioned(diags, file, msg.msg ? msg.msg : "CSV error");
        goto cleanup;
    }
    if (!looks_like_xlsform(&L.rows)) {
        util_diag_add(diags, UTIL_ERROR, file, 0, 0, _("not an XLSForm questionnaire: no row "
                      "starts a survey, choices or settings sheet in its first cell"));
        notform = 1;
        goto cleanup;
    }
    split_sheets(&L);
    load_settings(&L);
    load_dimensions(&L);
    load_choices(&L);
    load_survey(&L);
    final_checks(&L);
    L.f->source = text;
    L.f->source_len = tlen;
    text = NULL;
cleanup:
    free(text);
    err_clear(&msg);
    free(L.dropped);
    rows_free(&L.rows);
    if (diags->nerrors > before) {
        form_free(L.f);
        return notform ? -2 : -1;
    }
    *out = L.f;
    return 0;
}

int form_load_file(const char *path, form_t **out, util_diag_t *diags)
{
    err_t msg = {0};
    char *data = NULL;
    size_t len;
    *out = NULL;
    if (util_read_file(path, &data, &len, &msg) != 0) {
        util_diag_add(diags, UTIL_ERROR, path, 0, 0, _("cannot read: %s"), msg.msg);
        err_clear(&msg);
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
        expr_free(it->relevant);
        expr_free(it->constraint);
    }
    free(f->items);
    for (size_t i = 0; i < f->nlists; i++) {
        for (size_t c = 0; c < f->lists[i].nchoices; c++) {
            free(f->lists[i].choices[c].name);
            text_free(f->lists[i].choices[c].label);
        }
        free(f->lists[i].choices);
        free(f->lists[i].order);
        free(f->lists[i].name);
    }
    free(f->lists);
    for (size_t i = 0; i < f->ndims; i++) {
        free(f->dims[i].code);
        text_free(f->dims[i].label);
    }
    free(f->dims);
    for (size_t i = 0; i < f->nlangs; i++)
        free(f->langs[i]);
    free(f->langs);
    free(f->form_id);
    free(f->version);
    free(f->title);
    free(f->default_language);
    free(f->unit_field);
    free(f->file);
    free(f->source);
    free(f);
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
    if (!l->order) {
        for (size_t i = 0; i < l->nchoices; i++)
            if (strcmp(l->choices[i].name, name) == 0)
                return (int)i;
        return -1;
    }
    size_t lo = 0, hi = l->nchoices;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(l->choices[l->order[mid]].name, name);
        if (c == 0)
            return (int)l->order[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
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
    return it->type != FORM_NOTE && it->type != FORM_BEGIN_GROUP && it->type != FORM_END_GROUP;
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
    }
    return "?";
}

const char *form_role_name(form_role_t r)
{
    return r == FORM_ROLE_SELF ? "self" : "staff";
}
