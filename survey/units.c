/*
 * units: the unit list reader (see units.h).  The whole list is read and
 * checked before anything is stored, so `unit import` can report every
 * problem of a file and store all of it or nothing; a list is small (the
 * units of one city), so it is read into memory at once.
 */
#include "survey/units.h"

#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/encoding.h"
#include "base/i18n.h"

/* The columns of a unit list, in the order of a file without a header. */
enum { F_CODE, F_NAME, F_CATEGORY, F_PARENT, F_HEADCOUNT, NFIELDS };
static const char *const field_names[NFIELDS + 1] = {"code", "name", "category", "parent",
                                                     "headcount", NULL};

typedef struct {
    const char *file;
    units_list_t *l;
    util_diag_t *diag;
    int seen_first;
    int header;          /* the first row named the columns */
    int skip;            /* the header lacks code or name: the rows cannot be read */
    long col[NFIELDS];   /* each field's column (0-based), -1 when the file has none */
    size_t ncols;        /* the header's width */
    unsigned char *unnamed;   /* per header column: left empty */
} reader_t;

static const char *keep(units_list_t *l, const char *s)
{
    l->strs = util_xrealloc(l->strs, (l->nstrs + 1) * sizeof *l->strs);
    return l->strs[l->nstrs++] = util_trim(util_xstrdup(s));
}

/* A first row with a cell "code" names the columns; any other first row
 * is a unit, in the order code,name,category,parent,headcount. */
static int is_header(const csvr_row_t *row)
{
    for (size_t j = 0; j < row->ncells; j++) {
        char *c = util_trim(util_xstrdup(row->cells[j]));
        int hit = util_streq_ci(c, field_names[F_CODE]);
        free(c);
        if (hit)
            return 1;
    }
    return 0;
}

/* The header: which column holds which field.  An unknown or repeated
 * name is an error at its cell; so is a header without code or name. */
static void read_header(reader_t *r, const csvr_row_t *row)
{
    util_diag_t *d = r->diag;
    r->header = 1;
    r->ncols = row->ncells;
    r->unnamed = util_xcalloc(row->ncells + 1, 1);
    for (int f = 0; f < NFIELDS; f++)
        r->col[f] = -1;
    for (size_t j = 0; j < row->ncells; j++) {
        char *c = util_trim(util_xstrdup(row->cells[j]));
        int f = 0;
        while (f < NFIELDS && !util_streq_ci(c, field_names[f]))
            f++;
        if (!*c) {
            r->unnamed[j] = 1;
        } else if (f == NFIELDS) {
            const char *near = util_nearest(c, field_names);
            if (near)
                util_diag_add(d, UTIL_ERROR, r->file, row->line, (long)j + 1,
                              _("unknown column '%s' (did you mean '%s'?); a unit list has "
                                "the columns code, name, category, parent, headcount"), c, near);
            else
                util_diag_add(d, UTIL_ERROR, r->file, row->line, (long)j + 1,
                              _("unknown column '%s'; a unit list has the columns code, name, "
                                "category, parent, headcount"), c);
        } else if (r->col[f] >= 0) {
            util_diag_add(d, UTIL_ERROR, r->file, row->line, (long)j + 1,
                          _("column '%s' appears twice in the header (first in column %ld)"),
                          field_names[f], r->col[f] + 1);
        } else {
            r->col[f] = (long)j;
        }
        free(c);
    }
    for (int f = F_CODE; f <= F_NAME; f++)
        if (r->col[f] < 0) {
            util_diag_add(d, UTIL_ERROR, r->file, row->line, 0,
                          _("the header has no column '%s'; code and name are required"),
                          field_names[f]);
            r->skip = 1;
        }
}

static const char *cell_of(const reader_t *r, const csvr_row_t *row, int f)
{
    long c = r->col[f];
    return c >= 0 && (size_t)c < row->ncells ? row->cells[c] : "";
}

/* Cells the header gave no column for: an error where they hold text. */
static void check_unnamed(reader_t *r, const csvr_row_t *row)
{
    for (size_t j = 0; j < row->ncells; j++) {
        int named = j < r->ncols && !r->unnamed[j];
        if (named || !*row->cells[j] || strspn(row->cells[j], " \t") == strlen(row->cells[j]))
            continue;
        if (j < r->ncols)
            util_diag_add(r->diag, UTIL_ERROR, r->file, row->line, (long)j + 1,
                          _("a value in column %zu, which the header leaves without a name"),
                          j + 1);
        else
            util_diag_add(r->diag, UTIL_ERROR, r->file, row->line, (long)j + 1,
                          _("a value in column %zu; the header names only %zu columns"), j + 1,
                          r->ncols);
        return;   /* one per row */
    }
}

static int on_row(void *ud, const csvr_row_t *row)
{
    reader_t *r = ud;
    units_list_t *l = r->l;
    util_diag_t *d = r->diag;
    if (!r->seen_first) {
        r->seen_first = 1;
        if (is_header(row)) {
            read_header(r, row);
            return 0;
        }
    }
    if (r->skip)
        return 0;
    if (r->header)
        check_unnamed(r, row);
    else if (row->ncells > NFIELDS)
        util_diag_add(d, UTIL_ERROR, r->file, row->line, NFIELDS + 1,
                      _("%zu columns; expected code,name[,category,parent,headcount]"), row->ncells);
    store_unit_t u = {0};
    u.code = keep(l, cell_of(r, row, F_CODE));
    u.name = keep(l, cell_of(r, row, F_NAME));
    u.category = keep(l, cell_of(r, row, F_CATEGORY));
    u.parent = keep(l, cell_of(r, row, F_PARENT));
    const char *hc = keep(l, cell_of(r, row, F_HEADCOUNT));
    u.headcount = -1;
    /* a column the header leaves out keeps what is stored: a list of
     * codes and names does not wipe the headcounts imported before */
    if (r->header)
        u.keep = (r->col[F_CATEGORY] < 0 ? STORE_UNIT_KEEP_CATEGORY : 0) |
                 (r->col[F_PARENT] < 0 ? STORE_UNIT_KEEP_PARENT : 0) |
                 (r->col[F_HEADCOUNT] < 0 ? STORE_UNIT_KEEP_HEADCOUNT : 0);
    long ccode = r->col[F_CODE] + 1, cname = r->col[F_NAME] + 1;
    if (!*u.code)
        util_diag_add(d, UTIL_ERROR, r->file, row->line, ccode, _("unit code is empty"));
    else if (strchr(u.code, ' '))
        util_diag_add(d, UTIL_ERROR, r->file, row->line, ccode,
                      _("unit code '%s' contains a space"), u.code);
    if (!*u.name)
        util_diag_add(d, UTIL_ERROR, r->file, row->line, cname, _("unit name is empty"));
    /* a cell of megabytes would be copied into every table, plot and report */
    const char *cells[4] = {u.code, u.name, u.category, u.parent};
    for (int c = 0; c < 4; c++)
        if (strlen(cells[c]) > UNITS_TEXT_MAX)
            util_diag_add(d, UTIL_ERROR, r->file, row->line, r->col[c] + 1,
                          _("cell of %zu bytes; at most %d are allowed in a unit list"),
                          strlen(cells[c]), UNITS_TEXT_MAX);
    if (*hc) {
        long v;
        if (util_parse_long(hc, &v) != 0 || v < 0)
            util_diag_add(d, UTIL_ERROR, r->file, row->line, r->col[F_HEADCOUNT] + 1,
                          _("headcount '%s' is not a whole number >= 0"), hc);
        else
            u.headcount = v;
    }
    for (size_t i = 0; i < l->n; i++)
        if (*u.code && strcmp(l->units[i].code, u.code) == 0)
            util_diag_add(d, UTIL_ERROR, r->file, row->line, ccode,
                          _("unit code '%s' appears again (first on an earlier row)"), u.code);
    l->units = util_xrealloc(l->units, (l->n + 1) * sizeof *l->units);
    l->units[l->n++] = u;
    return 0;
}

int units_parse(const char *file, const char *data, size_t len, units_list_t *out,
                util_diag_t *diag, err_t *err)
{
    char *text = NULL;
    size_t tlen;
    /* with no header the columns come in the order of field_names */
    reader_t r = {file, out, diag, 0, 0, 0, {F_CODE, F_NAME, F_CATEGORY, F_PARENT, F_HEADCOUNT},
                  NFIELDS, NULL};
    int rc = -1;
    if (enc_to_utf8(data, len, ENC_AUTO, &text, &tlen, NULL, err) != 0 ||
        csvr_parse_mem(text, tlen, csvr_sniff_delim(text, tlen), on_row, &r, err) != 0) {
        err_set_file(err, file);
        goto cleanup;
    }
    if (out->n == 0 && !r.skip)
        util_diag_add(diag, UTIL_ERROR, file, 0, 0, _("no units in the file"));
    rc = 0;
cleanup:
    free(r.unnamed);
    free(text);
    return rc;
}

int units_read_file(const char *path, units_list_t *out, util_diag_t *diag, err_t *err)
{
    char *data = NULL;
    size_t len;
    if (util_read_file(path, &data, &len, err) != 0)
        return -1;
    int rc = units_parse(path, data, len, out, diag, err);
    free(data);
    return rc;
}

void units_list_free(units_list_t *l)
{
    for (size_t i = 0; i < l->nstrs; i++)
        free(l->strs[i]);
    free(l->strs);
    free(l->units);
    memset(l, 0, sizeof *l);
}

int units_store(store_t *s, const units_list_t *l, err_t *err)
{
    if (store_begin(s, err) != 0)
        return -1;
    for (size_t i = 0; i < l->n; i++)
        if (store_unit_put(s, &l->units[i], err) != 0) {
            store_rollback(s);
            return -1;
        }
    if (store_commit(s, err) != 0) {
        store_rollback(s);
        return -1;
    }
    return 0;
}

/* ---- the units table as the one list of units ---- */

int units_form_list(const form_t *f)
{
    int p = f->unit_field ? form_item_index(f, f->unit_field) : -1;
    if (p < 0 || f->items[p].type != FORM_SELECT_ONE || f->items[p].list < 0)
        return -1;
    return f->items[p].list;
}

static int load_unit(void *ud, const store_unit_t *u)
{
    units_list_t *l = ud;
    store_unit_t c = *u;
    c.code = keep(l, u->code);
    c.name = keep(l, u->name ? u->name : "");
    c.category = keep(l, u->category ? u->category : "");
    c.parent = keep(l, u->parent ? u->parent : "");
    l->units = util_xrealloc(l->units, (l->n + 1) * sizeof *l->units);
    l->units[l->n++] = c;
    return 0;
}

int units_load(store_t *s, units_list_t *out, err_t *err)
{
    return store_unit_list(s, load_unit, out, err);
}

void units_from_form(const form_t *f, units_list_t *out)
{
    int li = units_form_list(f);
    if (li < 0)
        return;
    const form_list_t *l = &f->lists[li];
    for (size_t c = 0; c < l->nchoices; c++) {
        store_unit_t u = {0, keep(out, l->choices[c].name),
                          keep(out, form_text(f, l->choices[c].label, f->default_lang)), NULL,
                          NULL, -1, 0};
        out->units = util_xrealloc(out->units, (out->n + 1) * sizeof *out->units);
        out->units[out->n++] = u;
    }
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp((*(const store_unit_t *const *)a)->code, (*(const store_unit_t *const *)b)->code);
}

/* The units of t by code (strcmp order, whatever order the store gave:
 * PostgreSQL sorts by its collation), for unit_named; the caller frees
 * the array, not the units.  A search in turn made loading a form's 2,000
 * units 2 million comparisons, at every analyze and import. */
static const store_unit_t **units_by_code(const units_list_t *t)
{
    const store_unit_t **by = util_xmalloc((t->n + 1) * sizeof *by);
    for (size_t i = 0; i < t->n; i++)
        by[i] = &t->units[i];
    qsort(by, t->n, sizeof *by, cmp_code);
    return by;
}

/* The unit with this code among n sorted by units_by_code, or NULL. */
static const store_unit_t *unit_named(const store_unit_t *const *by, size_t n, const char *code)
{
    store_unit_t key = {0};
    key.code = (char *)code;
    const store_unit_t *k = &key;
    const store_unit_t *const *u = n ? bsearch(&k, by, n, sizeof *by, cmp_code) : NULL;
    return u ? *u : NULL;
}

/* The most differences listed one by one; the rest are counted. */
#define DIFF_SHOWN 20

static void diff_line(util_buf_t *b, size_t *n, const char *line)
{
    if ((*n)++ < DIFF_SHOWN)
        util_buf_addf(b, "\n  %s", line);
}

int units_diff(const units_list_t *table, const form_t *f, err_t *err)
{
    int li = units_form_list(f);
    if (li < 0)
        return 0;
    const form_list_t *l = &f->lists[li];
    util_buf_t b = {0};
    size_t n = 0;
    const store_unit_t **by = units_by_code(table);
    for (size_t c = 0; c < l->nchoices; c++) {
        const form_choice_t *ch = &l->choices[c];
        const char *label = form_text(f, ch->label, f->default_lang);
        const store_unit_t *u = unit_named(by, table->n, ch->name);
        char *line = NULL;
        if (!u)
            line = util_fmt(_("%s (%s): in the form's list, not in the units table"), ch->name,
                            label);
        else if (!form_text_has(ch->label, u->name))
            line = util_fmt(_("%s: the form names it '%s', the units table '%s'"), ch->name, label,
                            u->name);
        if (line)
            diff_line(&b, &n, line);
        free(line);
    }
    free(by);
    for (size_t i = 0; i < table->n; i++)
        if (form_list_choice(l, table->units[i].code) < 0) {
            char *line = util_fmt(_("%s (%s): in the units table, not in the form's list"),
                                  table->units[i].code, table->units[i].name);
            diff_line(&b, &n, line);
            free(line);
        }
    if (n == 0)
        return 0;
    if (n > DIFF_SHOWN)
        util_buf_addf(&b, "\n  %s", _("..."));
    char *head = util_fmt(i18n_ntext("%s: the units of its question '%s' (list '%s') and the "
                                     "units table differ in %zu unit:",
                                     "%s: the units of its question '%s' (list '%s') and the "
                                     "units table differ in %zu units:", n),
                          f->file ? f->file : f->form_id, f->unit_field, l->name, n);
    err_set(err, ERR_INPUT, _("%s%s\nMake them one list: correct the list '%s' in the form's "
                              "choices and add it again, or the units table with 'gapsurvey unit "
                              "import FILE' (a code,name,... list; existing codes are updated) and "
                              "'gapsurvey unit remove CODE...'.  'gapsurvey unit list' shows the "
                              "table."), head, b.s ? b.s : "", l->name);
    free(head);
    util_buf_free(&b);
    return 1;
}

int units_fill_form(store_t *s, form_t *f, err_t *err)
{
    int li = units_form_list(f);
    if (li < 0)
        return 0;
    units_list_t t = {0};
    if (units_load(s, &t, err) != 0) {
        units_list_free(&t);
        return -1;
    }
    /* no units imported yet (a database older than the seeding at form
     * add): the form's own list is all there is */
    if (t.n > 0) {
        /* the form's order first (a paper form numbers its choices so, and
         * entry keys those numbers), then the table's units it lacks */
        const form_list_t *l = &f->lists[li];
        const char **names = util_xcalloc(t.n, sizeof *names);
        const char **labels = util_xcalloc(t.n, sizeof *labels);
        const store_unit_t **by = units_by_code(&t);
        size_t k = 0;
        for (size_t c = 0; c < l->nchoices; c++) {
            const store_unit_t *u = unit_named(by, t.n, l->choices[c].name);
            if (u) {
                names[k] = u->code;
                labels[k++] = u->name;
            }
        }
        free(by);
        for (size_t i = 0; i < t.n; i++)
            if (form_list_choice(l, t.units[i].code) < 0) {
                names[k] = t.units[i].code;
                labels[k++] = t.units[i].name;
            }
        form_list_replace(f, (size_t)li, names, labels, k);
        free(names);
        free(labels);
    }
    units_list_free(&t);
    return 0;
}

int units_remove(store_t *s, char *const *codes, size_t n, err_t *err)
{
    if (store_begin(s, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int r = store_unit_remove(s, codes[i], err);
        if (r == 1)
            err_set(err, ERR_NOTFOUND, _("no unit '%s'; 'gapsurvey unit list' shows them"),
                    codes[i]);
        if (r != 0) {
            store_rollback(s);
            return -1;
        }
    }
    if (store_commit(s, err) != 0) {
        store_rollback(s);
        return -1;
    }
    return 0;
}
