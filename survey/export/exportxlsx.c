/*
 * exportxlsx: an Excel workbook through libxlsxwriter (see export.h): a
 * `data` sheet with one row per response and one column per question, and
 * a `codebook` sheet describing each column (question text, dimension,
 * reverse scoring, choices).  Both have their header row frozen.
 *
 * The workbook is written in libxlsxwriter's constant-memory mode, which
 * flushes each row to a temporary file as the next begins, so a large wave
 * does not have to fit in memory.  Cells are typed: numbers (integer,
 * decimal and numeric choice codes) as numbers, everything else as text,
 * which Excel never evaluates as a formula.
 */
#include "survey/export/writers.h"
#include "base/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_MAX_ROWS 1048576
#define XLSX_CELL_MAX 32767      /* characters Excel keeps in one cell */

typedef struct {
    const form_t *f;
    const exp_opts_t *o;
    lxw_worksheet *ws;
    exp_stats_t *st;
    lxw_row_t row;
    lxw_error lerr;
} xlsx_t;

static int put_text(xlsx_t *x, lxw_col_t col, const char *s)
{
    size_t chars = util_utf8_chars(s, strlen(s));
    lxw_error e;
    if (chars > XLSX_CELL_MAX) {
        size_t n = 0, len = strlen(s);
        for (size_t c = 0; c < XLSX_CELL_MAX && n < len; c++) {
            unsigned cp;
            n += (size_t)util_utf8_decode(s + n, len - n, &cp);
        }
        char *cut = util_xstrndup(s, n);
        e = worksheet_write_string(x->ws, x->row, col, cut, NULL);
        free(cut);
        x->st->truncated++;
    } else {
        e = worksheet_write_string(x->ws, x->row, col, s, NULL);
    }
    if (e != LXW_NO_ERROR)
        x->lerr = e;
    return e == LXW_NO_ERROR ? 0 : -1;
}

static int put_number(xlsx_t *x, lxw_col_t col, double d)
{
    lxw_error e = worksheet_write_number(x->ws, x->row, col, d, NULL);
    if (e != LXW_NO_ERROR)
        x->lerr = e;
    return e == LXW_NO_ERROR ? 0 : -1;
}

static int data_row(void *ud, const exp_row_t *r)
{
    xlsx_t *x = ud;
    const form_t *f = x->f;
    if (x->row + 1 >= XLSX_MAX_ROWS) {
        x->lerr = LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE;
        return -1;
    }
    x->row++;
    if (put_text(x, 0, r->unit))
        return -1;
    lxw_col_t col = 1;
    for (size_t i = 0; i < f->nitems; i++) {
        if (!exp_item_exported(f, i))
            continue;
        const form_item_t *it = &f->items[i];
        const char *v = r->val[i];
        const form_list_t *l = it->list >= 0 ? &f->lists[it->list] : NULL;
        double d;
        int rc = 0;
        if (!v) {
            /* an empty cell */
        } else if (l && x->o->labels) {
            char *lab = exp_answer_label(f, it, v, x->o->lang);
            rc = put_text(x, col, lab);
            free(lab);
        } else if ((it->type == FORM_INTEGER || it->type == FORM_DECIMAL ||
                    (it->type == FORM_SELECT_ONE && l->numeric)) && util_parse_double(v, &d) == 0) {
            rc = put_number(x, col, d);
        } else {
            rc = put_text(x, col, v);
        }
        if (rc)
            return -1;
        col++;
    }
    x->st->rows++;
    return 0;
}

static char *choices_text(const form_t *f, const form_item_t *it, int li)
{
    if (it->list < 0)
        return util_xstrdup("");
    const form_list_t *l = &f->lists[it->list];
    util_buf_t b = {0};
    for (size_t c = 0; c < l->nchoices; c++)
        util_buf_addf(&b, "%s%s=%s", c ? "; " : "", l->choices[c].name,
                      exp_choice_label(f, l, c, li));
    return b.s ? util_buf_take(&b) : util_xstrdup("");
}

static int codebook(xlsx_t *x, lxw_format *bold)
{
    const form_t *f = x->f;
    int zh = x->o->zh;
    const char *head[] = {
        /* "column", not "item": the msgid "item" is a question elsewhere */
        TR(zh, "column"), TR(zh, "type"), TR(zh, "label"),
        TR(zh, "dimension"), TR(zh, "reverse"), TR(zh, "choices")};
    x->row = 0;
    for (lxw_col_t c = 0; c < 6; c++)
        if (worksheet_write_string(x->ws, 0, c, head[c], bold) != LXW_NO_ERROR)
            return -1;
    x->row = 1;
    if (put_text(x, 0, "unit") || put_text(x, 1, "text") ||
        put_text(x, 2, TR(zh, "unit code")))
        return -1;
    for (size_t i = 0; i < f->nitems; i++) {
        if (!exp_item_exported(f, i))
            continue;
        const form_item_t *it = &f->items[i];
        x->row++;
        const char *type = form_type_name(it->type);
        char *t = it->list >= 0 ? util_fmt("%s %s", type, f->lists[it->list].name)
                                : util_xstrdup(type);
        char *ch = choices_text(f, it, x->o->lang);
        int rc = put_text(x, 0, it->name) || put_text(x, 1, t) ||
                 put_text(x, 2, form_text(f, it->label, x->o->lang)) ||
                 (it->dim >= 0 && put_text(x, 3, f->dims[it->dim].code)) ||
                 put_text(x, 4, it->reverse ? TR(zh, "yes") : "") || put_text(x, 5, ch);
        free(t);
        free(ch);
        if (rc)
            return -1;
    }
    return 0;
}

static int copy_to_stdout(const char *path, err_t *err)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        err_set(err, ERR_IO, _("cannot read back %s: %s"), path, strerror(errno));
        return -1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            rc = -1;
    if (ferror(in) || fflush(stdout) != 0)
        rc = -1;
    fclose(in);
    if (rc)
        err_set(err, ERR_IO, _("cannot write the output: %s"), strerror(errno));
    return rc;
}

int exp_write_xlsx(store_t *s, const form_t *f, const char *form_id, int wave,
                   const exp_opts_t *o, const char *path, exp_stats_t *st, err_t *err)
{
    int rc = -1;
    char *tmp = NULL;
    lxw_workbook *wb = NULL;
    if (!path) {
        /* libxlsxwriter writes to a named file only: go through one */
        const char *dir = getenv("TMPDIR");
        tmp = util_fmt("%s/gapsurvey-XXXXXX.xlsx", dir && *dir ? dir : "/tmp");
        int fd = mkstemps(tmp, 5);
        if (fd < 0) {
            err_set(err, ERR_IO, _("cannot create a temporary file: %s"), strerror(errno));
            goto cleanup;
        }
        close(fd);
        path = tmp;
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    wb = workbook_new_opt(path, &opt);
    if (!wb) {
        err_set(err, ERR_FAIL, _("cannot write %s"), path);
        goto cleanup;
    }
    lxw_worksheet *data = workbook_add_worksheet(wb, "data");
    lxw_worksheet *book = workbook_add_worksheet(wb, "codebook");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    xlsx_t x = {f, o, data, st, 0, LXW_NO_ERROR};
    worksheet_freeze_panes(data, 1, 0);
    worksheet_freeze_panes(book, 1, 0);
    worksheet_set_column(book, 2, 2, 60, NULL);
    worksheet_set_column(book, 5, 5, 60, NULL);
    lxw_col_t col = 0;
    worksheet_write_string(data, 0, col++, "unit", bold);
    for (size_t i = 0; i < f->nitems; i++)
        if (exp_item_exported(f, i))
            worksheet_write_string(data, 0, col++, f->items[i].name, bold);
    if (exp_scan(s, f, form_id, wave, o, data_row, &x, err) != 0) {
        if (x.lerr == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE)
            err_set(err, ERR_FAIL, _("more than %d responses do not fit in one Excel sheet; export "
                                     "csv or sav instead"), XLSX_MAX_ROWS - 1);
        else if (x.lerr != LXW_NO_ERROR)
            err_set(err, ERR_FAIL, _("writing %s: %s"), path, lxw_strerror(x.lerr));
        goto cleanup;
    }
    x.ws = book;
    if (codebook(&x, bold) != 0) {
        err_set(err, ERR_FAIL, _("writing %s: %s"), path, lxw_strerror(x.lerr));
        goto cleanup;
    }
    lxw_error e = workbook_close(wb);
    wb = NULL;
    if (e != LXW_NO_ERROR) {
        err_set(err, ERR_FAIL, _("writing %s: %s"), path, lxw_strerror(e));
        goto cleanup;
    }
    rc = tmp ? copy_to_stdout(tmp, err) : 0;
cleanup:
    if (wb)
        workbook_close(wb);
    if (tmp) {
        remove(tmp);
        free(tmp);
    }
    return rc;
}
