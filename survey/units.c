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

typedef struct {
    const char *file;
    units_list_t *l;
    util_diag_t *diag;
    int seen_first;
} reader_t;

static const char *keep(units_list_t *l, const char *s)
{
    l->strs = util_xrealloc(l->strs, (l->nstrs + 1) * sizeof *l->strs);
    return l->strs[l->nstrs++] = util_trim(util_xstrdup(s));
}

static int on_row(void *ud, const csvr_row_t *row)
{
    reader_t *r = ud;
    units_list_t *l = r->l;
    util_diag_t *d = r->diag;
    const char *c0 = row->ncells > 0 ? row->cells[0] : "";
    if (!r->seen_first) {
        r->seen_first = 1;
        if (util_streq_ci(c0, "code"))
            return 0;
    }
    if (row->ncells > 5)
        util_diag_add(d, UTIL_ERROR, r->file, row->line, 6,
                      _("%zu columns; expected code,name[,category,parent,headcount]"), row->ncells);
    store_unit_t u = {0};
    u.code = keep(l, c0);
    u.name = keep(l, row->ncells > 1 ? row->cells[1] : "");
    u.category = keep(l, row->ncells > 2 ? row->cells[2] : "");
    u.parent = keep(l, row->ncells > 3 ? row->cells[3] : "");
    const char *hc = keep(l, row->ncells > 4 ? row->cells[4] : "");
    u.headcount = -1;
    if (!*u.code)
        util_diag_add(d, UTIL_ERROR, r->file, row->line, 1, _("unit code is empty"));
    else if (strchr(u.code, ' '))
        util_diag_add(d, UTIL_ERROR, r->file, row->line, 1,
                      _("unit code '%s' contains a space"), u.code);
    if (!*u.name)
        util_diag_add(d, UTIL_ERROR, r->file, row->line, 2, _("unit name is empty"));
    /* a cell of megabytes would be copied into every table, plot and report */
    const char *cells[4] = {u.code, u.name, u.category, u.parent};
    for (int c = 0; c < 4; c++)
        if (strlen(cells[c]) > UNITS_TEXT_MAX)
            util_diag_add(d, UTIL_ERROR, r->file, row->line, c + 1,
                          _("cell of %zu bytes; at most %d are allowed in a unit list"),
                          strlen(cells[c]), UNITS_TEXT_MAX);
    if (*hc) {
        long v;
        if (util_parse_long(hc, &v) != 0 || v < 0)
            util_diag_add(d, UTIL_ERROR, r->file, row->line, 5,
                          _("headcount '%s' is not a whole number >= 0"), hc);
        else
            u.headcount = v;
    }
    for (size_t i = 0; i < l->n; i++)
        if (*u.code && strcmp(l->units[i].code, u.code) == 0)
            util_diag_add(d, UTIL_ERROR, r->file, row->line, 1,
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
    reader_t r = {file, out, diag, 0};
    int rc = -1;
    if (enc_to_utf8(data, len, ENC_AUTO, &text, &tlen, NULL, err) != 0 ||
        csvr_parse_mem(text, tlen, csvr_sniff_delim(text, tlen), on_row, &r, err) != 0) {
        err_set_file(err, file);
        goto cleanup;
    }
    if (out->n == 0)
        util_diag_add(diag, UTIL_ERROR, file, 0, 0, _("no units in the file"));
    rc = 0;
cleanup:
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
