/*
 * import: the import engine (see import.h): reads a response file of
 * gapsurvey's own `plain` layout or a KoboToolbox/ODK Central or 问卷星
 * CSV export, in UTF-8 (with or without BOM) or GB18030, into the store.
 * importfmt.c knows the layouts, importsrc.c the encodings; this file runs
 * the pass, resolves units and stores.
 *
 * Nothing is half-imported: one pass checks every cell, reports every
 * problem as FILE:ROW:COLUMN and stores the valid rows as it goes, all in
 * one transaction that is committed only when the whole file was valid and
 * rolled back otherwise.  In WAL mode a transaction's pages reach only the
 * log until it commits, so a rejected file leaves the database file
 * byte-for-byte unchanged.  skip_invalid relaxes this to "every valid
 * row, and a reject file with the others and their reasons".  Checking and
 * storing share one reading of the file because reading and checking are a
 * third of an import's time (bench/README.md); the price is that the write
 * lock is also held while a bad file is checked, as it is while a good one
 * is stored.
 *
 * The pass streams the file in chunks: memory depends on the form and the
 * number of units, never on the number of rows.
 */
#include "survey/import/import.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/i18n.h"
#include "base/xlsx.h"
#include "survey/answers.h"
#include "survey/import/importsrc.h"
#include "survey/units.h"

typedef struct {
    char *code, *name;
    int id;              /* 0 until stored (a unit created by this import) */
} unit_rec_t;

struct import {
    import_opts_t o;
    import_stats_t st;
    store_t *store;
    form_t *form;
    ans_t *ans;
    imp_src_t *src;
    xlsx_t *book;        /* an .xlsx response file: read instead of src */
    const char *sheet;   /* its first sheet's name (owned by book), the one read */
    imp_plan_t *plan;
    csvr_t *csv;
    char delim;
    int writing, in_tx, header_done, in_header, ufield;
    int form_rowid, wave;
    int *item_ids;
    /* worked out once per import from the form, for the per-row loops */
    size_t *checked, nchecked;   /* items with a constraint or a choice_filter */
    size_t *valued, nvalued;     /* items that can hold a value (no note, group end...) */
    size_t *name_len;            /* per item: its name's length with the NUL */
    util_buf_t code;             /* the current row's unit code, as given (row_unit) */
    long header_errors;
    int row_problems;
    int fatal;           /* an encoding or CSV error: no row can be trusted */
    unit_rec_t *units;   /* sorted by code */
    size_t nunits;
    FILE *rejects;
    char *rejects_path;
    size_t ncols;        /* header cells, for the reject file */
    long why_col;        /* the header's own IMP_PROBLEMS_COLUMN, -1 */
    util_buf_t why;      /* the current row's problems, for the reject file */
    uint64_t hash;
    uint64_t data_hash;  /* sum of the valid rows' hashes: the same responses in any
                            order, layout or encoding give the same sum */
    long data_rows;      /* the rows in it */
    long batch;          /* the batch the responses are stored in (store_import_begin) */
    err_t err;           /* what stopped the pass early: a store error */
    char today[11];
};

static void progress(import_t *im, import_event_t ev)
{
    if (!im->o.progress)
        return;
    if (im->book) {
        /* a sheet is read as it unpacks: no share of it is known */
        im->o.progress(im->o.ud, ev, ev == IMPORT_PASS_DONE ? 1.0 : -1.0, im->st.rows);
        return;
    }
    long long size = imp_src_size(im->src), done = imp_src_done(im->src);
    im->o.progress(im->o.ud, ev, size > 0 ? (double)done / (double)size : 1.0, im->st.rows);
}

static void report(import_t *im, long line, long col, const char *msg, int fatal)
{
    import_problem_t p = {line, col, msg, fatal, line > 0 ? im->sheet : NULL};
    if (im->o.problem)
        im->o.problem(im->o.ud, &p);
}

static void on_problem(void *ud, long line, long col, const char *msg)
{
    import_t *im = ud;
    im->row_problems++;
    im->st.errors++;
    if (im->in_header)
        im->header_errors++;
    if (im->rejects && im->book) {
        char ref[16];
        util_buf_addf(&im->why, "%s%s: %s", im->why.len ? "; " : "",
                      xlsx_cell_name(line, col, ref), msg);
    } else if (im->rejects) {
        util_buf_addf(&im->why, "%s%ld:%ld: %s", im->why.len ? "; " : "", line, col, msg);
    }
    report(im, line, col, msg, 0);
}

static void problem(import_t *im, long line, long col, const char *fmt, ...) UTIL_PRINTF(4, 5);
static void problem(import_t *im, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    on_problem(im, line, col, m);
    free(m);
}

/* ---- units: loaded once, so a row costs no query ---- */

static int cmp_unit(const void *a, const void *b)
{
    return strcmp(((const unit_rec_t *)a)->code, ((const unit_rec_t *)b)->code);
}

static int load_unit(void *ud, const store_unit_t *u)
{
    import_t *im = ud;
    im->units = util_xrealloc(im->units, (im->nunits + 1) * sizeof *im->units);
    im->units[im->nunits++] = (unit_rec_t){util_xstrdup(u->code), util_xstrdup(u->name), u->id};
    return 0;
}

/* By code, else by name when exactly one unit has it (问卷星 and Kobo
 * files often hold the unit's name typed by the respondent). */
static unit_rec_t *unit_find(import_t *im, const char *v)
{
    unit_rec_t key = {(char *)v, NULL, 0};
    unit_rec_t *u = im->nunits ? bsearch(&key, im->units, im->nunits, sizeof *im->units, cmp_unit)
                               : NULL;   /* no units: units is NULL */
    if (u)
        return u;
    for (size_t i = 0; i < im->nunits; i++)
        if (im->units[i].name && strcmp(im->units[i].name, v) == 0) {
            if (u)
                return NULL;
            u = &im->units[i];
        }
    return u;
}

static unit_rec_t *unit_add(import_t *im, const char *code, int id)
{
    size_t i = 0;
    while (i < im->nunits && strcmp(im->units[i].code, code) < 0)
        i++;
    im->units = util_xrealloc(im->units, (im->nunits + 1) * sizeof *im->units);
    memmove(im->units + i + 1, im->units + i, (im->nunits - i) * sizeof *im->units);
    im->units[i] = (unit_rec_t){util_xstrdup(code), util_xstrdup(code), id};
    im->nunits++;
    return &im->units[i];
}

/* ---- reject file ---- */

/* A row of the reject file: the cells as read, in the file's own
 * delimiter, and the reasons in the problems column (replacing the old
 * reasons when a reject file is imported again). */
static void put_row(import_t *im, const csvr_row_t *row, const char *why)
{
    size_t n = row->ncells > im->ncols ? row->ncells : im->ncols;
    for (size_t j = 0; j < n; j++) {
        if (j)
            fputc(im->delim, im->rejects);
        if ((long)j == im->why_col)
            csvw_cell(im->rejects, why, im->delim, CSVW_EDGE_SPACES);
        else if (j < row->ncells)
            csvw_cell(im->rejects, row->cells[j], im->delim, CSVW_EDGE_SPACES);
    }
    if (im->why_col < 0) {
        fputc(im->delim, im->rejects);
        csvw_cell(im->rejects, why, im->delim, CSVW_EDGE_SPACES);
    }
    fputs("\r\n", im->rejects);
}

static char *rejects_name(const char *file)
{
    size_t n = strlen(file);
    if (n > 4 && util_streq_ci(file + n - 4, ".csv"))
        n -= 4;
    else if (n > 5 && util_streq_ci(file + n - 5, ".xlsx"))
        n -= 5;
    return util_fmt("%.*s.rejected.csv", (int)n, file);
}

/* ---- rows ---- */

static int header(import_t *im, const csvr_row_t *row)
{
    im->header_done = 1;
    im->st.format = im->o.want == IMP_AUTO ? imp_format_detect(im->form, row, im->delim)
                                           : im->o.want;
    im->in_header = 1;
    im->plan = imp_plan_new(im->form, im->st.format, im->o.unit_column, row, on_problem, im);
    im->in_header = 0;
    if (im->rejects) {
        im->ncols = row->ncells;
        im->why_col = -1;
        for (size_t j = 0; j < row->ncells && im->why_col < 0; j++)
            if (strcmp(row->cells[j], IMP_PROBLEMS_COLUMN) == 0)
                im->why_col = (long)j;
        put_row(im, row, IMP_PROBLEMS_COLUMN);
    }
    return 0;
}

/* The row's unit: the unit column, else the answer to the form's
 * unit_field question; the question is kept consistent with it.  *code_out
 * is the code or name as given, trimmed: im->code's text, valid until the
 * next row (a buffer kept for the import: no allocation per row). */
static unit_rec_t *row_unit(import_t *im, const csvr_row_t *row, const imp_row_t *r,
                            const char **code_out)
{
    util_buf_reset(&im->code);
    util_buf_adds(&im->code, r->unit ? r->unit : "");
    char *code = util_trim(im->code.s);
    const char *answer = im->ufield >= 0 ? ans_get(im->ans, (size_t)im->ufield) : NULL;
    unit_rec_t *u = NULL;
    if (!*code && answer) {
        util_buf_reset(&im->code);
        util_buf_adds(&im->code, answer);
        code = im->code.s;
    }
    if (!*code) {
        /* a unit question whose cell was rejected has been reported already */
        if (im->ufield < 0 || !imp_plan_rejected(im->plan, (size_t)im->ufield))
            problem(im, row->line, r->unit_col, _("the unit is empty"));
    } else if ((u = unit_find(im, code)) == NULL && !im->o.create_units) {
        problem(im, row->line, r->unit_col, _("unit '%s' is not known; add it with "
                  "'gapsurvey unit import' or use --create-units"), code);
    }
    const char *canon = u ? u->code : code;
    if (im->ufield >= 0 && *canon) {
        if (answer && strcmp(answer, canon) != 0) {
            problem(im, row->line, r->unit_col, _("the unit column says '%s' but the answer "
                      "to %s is '%s'"), code, im->form->unit_field, answer);
        } else if (!answer) {
            /* a unit the question does not list fails: the unit still counts */
            ans_set(im->ans, (size_t)im->ufield, canon, NULL);
        }
    }
    *code_out = code;
    return u;
}

static int store_row(import_t *im, unit_rec_t *u, const char *code)
{
    if (!u) {
        int id;
        store_unit_t nu = {0, code, code, NULL, NULL, -1, 0};
        if (store_unit_put(im->store, &nu, &im->err) != 0 ||
            store_unit_find(im->store, code, &id, &im->err) != 0)
            return 1;
        u = unit_add(im, code, id);
        im->st.created++;
    }
    store_answer_t *a;
    size_t n;
    ans_to_store(im->ans, im->item_ids, &a, &n);
    int rc = store_response_add(im->store, im->form_rowid, im->wave, u->id, im->today, "import",
                                a, n, &im->err);
    free(a);
    if (rc != 0)
        return 1;
    im->st.stored++;
    return 0;
}

static void hash_add(uint64_t *h, const char *s, size_t n);
static void hash_adds(uint64_t *h, const char *s);

/* Adds a valid row to the data hash: its unit and its answers by question
 * name, as they are stored (so "3.0" and "3", a label and its choice's
 * name, GB18030 and UTF-8 all hash alike).  Rows are summed, so their
 * order does not count. */
static void data_row(import_t *im, const char *unit)
{
    uint64_t h = 1469598103934665603ULL;
    hash_adds(&h, unit);
    /* the items that can hold no value (groups, notes) add nothing */
    for (size_t k = 0; k < im->nvalued; k++) {
        size_t i = im->valued[k];
        const char *v = ans_get(im->ans, i);
        if (!v)
            continue;
        hash_add(&h, im->form->items[i].name, im->name_len[i]);
        hash_adds(&h, v);
    }
    /* splitmix64's finaliser: FNV's low bits are weak, and sums of them
     * would carry that */
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    h ^= h >> 31;
    im->data_hash += h;
    im->data_rows++;
}

static int on_row(void *ud, const csvr_row_t *row)
{
    import_t *im = ud;
    if (!im->header_done)
        return header(im, row);
    if (imp_row_blank(row))
        return 0;
    im->st.rows++;
    im->row_problems = 0;
    util_buf_reset(&im->why);
    imp_row_t r;
    imp_plan_row(im->plan, im->ans, row, &r, on_problem, im);
    const char *code = NULL;
    unit_rec_t *u = row_unit(im, row, &r, &code);
    const form_t *f = im->form;
    /* only an item with a constraint or a choice_filter can fail the check */
    for (size_t k = 0; k < im->nchecked; k++) {
        size_t i = im->checked[k];
        err_t msg = {0};
        if (ans_get(im->ans, i) && ans_check_constraint(im->ans, i, f->default_lang, &msg) != 0) {
            problem(im, row->line, imp_plan_column(im->plan, i), _("%s: %s (value '%s')"),
                    f->items[i].name, msg.msg, ans_get(im->ans, i));
            err_clear(&msg);
        }
    }
    int rc = 0;
    if (!im->row_problems)
        data_row(im, u ? u->code : code);
    if (im->row_problems) {
        im->st.rejected++;
        if (im->rejects)
            put_row(im, row, im->why.s ? im->why.s : "");
    } else if (im->writing && (im->o.skip_invalid || im->st.errors == 0)) {
        /* a strict import with a problem will be rolled back: the
         * checking goes on, the storing stops */
        rc = store_row(im, u, code);
    }
    if ((im->st.rows & 1023) == 0)
        progress(im, IMPORT_PASS_STEP);
    return rc;
}

/* FNV-1a 64 over the decoded text: enough to recognise the same file
 * imported twice, and the same data in GB18030 and UTF-8 alike. */
static void hash_add(uint64_t *h, const char *s, size_t n)
{
    uint64_t x = *h;
    for (size_t i = 0; i < n; i++) {
        x ^= (unsigned char)s[i];
        x *= 1099511628211ULL;
    }
    *h = x;
}

/* hash_add over s and its NUL, without measuring it first */
static void hash_adds(uint64_t *h, const char *s)
{
    uint64_t x = *h;
    do {
        x ^= (unsigned char)*s;
        x *= 1099511628211ULL;
    } while (*s++);
    *h = x;
}

static int on_chunk(void *ud, const char *text, size_t n)
{
    import_t *im = ud;
    if (!im->csv) {
        im->delim = csvr_sniff_delim(text, n);
        im->csv = csvr_new(im->delim, on_row, im);
        if (!im->csv) {
            err_set(&im->err, ERR_FAIL, _("cannot start the CSV parser"));
            return 1;   /* stops the pass, as a store error does */
        }
    }
    hash_add(&im->hash, text, n);
    progress(im, IMPORT_PASS_STEP);
    return csvr_feed(im->csv, text, n);
}

/* A row of a workbook's sheet, as the CSV reader would hand it on; its
 * line is the sheet's row number, which messages show as a cell name. */
static int on_book_row(void *ud, const xlsx_row_t *xr)
{
    import_t *im = ud;
    csvr_row_t row = {xr->row, xr->ncells, xr->cells};
    for (size_t j = 0; j < xr->ncells; j++)
        hash_add(&im->hash, xr->cells[j], strlen(xr->cells[j]) + 1);   /* with the NUL */
    hash_add(&im->hash, "\n", 1);
    return on_row(im, &row);
}

/* The pass over the file.  0, or -1 after an encoding or CSV error
 * (reported as a fatal problem, at the position the reader names), or 1
 * when im->err stopped it. */
static int pass(import_t *im)
{
    err_t err = {0};
    im->header_done = 0;
    im->st.rows = im->st.rejected = 0;
    imp_plan_free(im->plan);
    im->plan = NULL;
    csvr_free(im->csv);
    im->csv = NULL;
    progress(im, IMPORT_PASS_BEGIN);
    int rc;
    if (im->book) {
        im->delim = ',';   /* of the reject file */
        rc = xlsx_read_sheet(im->book, 0, on_book_row, im, &err);
    } else {
        rc = imp_src_read(im->src, on_chunk, im, &err);
    }
    if (rc == 0 && im->csv)
        rc = csvr_finish(im->csv);
    if (rc == 0)
        progress(im, IMPORT_PASS_DONE);
    if (im->plan) {
        const char *ex = NULL;
        im->st.labels = imp_plan_labels(im->plan, &ex);
        free(im->st.label_example);
        im->st.label_example = util_xstrdup(ex);
    }
    progress(im, IMPORT_PASS_END);
    if (rc == -1) {
        const err_t *e = err.code != ERR_OK || !im->csv ? &err : csvr_error(im->csv);
        report(im, e->line, e->col, e->msg ? e->msg : _("CSV error"), 1);
        err_clear(&err);
        im->st.errors++;
        im->fatal = 1;
        return -1;
    }
    return rc;
}

/* ---- the stages ---- */

import_t *import_new(store_t *s, const import_opts_t *o)
{
    import_t *im = util_xcalloc(1, sizeof *im);
    im->o = *o;
    im->store = s;
    im->ufield = -1;
    im->hash = 1469598103934665603ULL;
    util_today(im->today);
    return im;
}

void import_free(import_t *im)
{
    if (!im)
        return;
    if (im->in_tx)
        store_rollback(im->store);
    if (im->rejects && im->rejects != stdout)
        fclose(im->rejects);
    for (size_t i = 0; i < im->nunits; i++) {
        free(im->units[i].code);
        free(im->units[i].name);
    }
    free(im->units);
    free(im->rejects_path);
    free(im->st.label_example);
    util_buf_free(&im->why);
    imp_plan_free(im->plan);
    csvr_free(im->csv);
    imp_src_free(im->src);
    xlsx_close(im->book);
    free(im->item_ids);
    free(im->checked);
    free(im->valued);
    free(im->name_len);
    util_buf_free(&im->code);
    err_clear(&im->err);
    ans_free(im->ans);
    form_free(im->form);
    free(im);
}

const import_stats_t *import_stats(const import_t *im)
{
    return &im->st;
}

/* What the per-row loops need of the form, worked out once: the items
 * whose answer a check can reject (a constraint or a choice_filter: the
 * others pass ans_check_constraint whatever they hold), the items that can
 * hold a value at all (ans_set refuses notes, groups and a repeat's end,
 * and nothing computes them), and the length of every item's name. */
static void plan_items(import_t *im)
{
    const form_t *f = im->form;
    im->checked = util_xcalloc(f->nitems + 1, sizeof *im->checked);
    im->valued = util_xcalloc(f->nitems + 1, sizeof *im->valued);
    im->name_len = util_xcalloc(f->nitems + 1, sizeof *im->name_len);
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        if (it->constraint || it->choice_filter)
            im->checked[im->nchecked++] = i;
        if (it->type != FORM_NOTE && it->type != FORM_BEGIN_GROUP &&
            it->type != FORM_END_GROUP && it->type != FORM_END_REPEAT)
            im->valued[im->nvalued++] = i;
        im->name_len[i] = it->name ? strlen(it->name) + 1 : 0;
    }
}

/* The form, its item ids and the known units. */
static int load_form(import_t *im, err_t *err)
{
    int r = store_form_get(im->store, im->o.form_id, &im->form, &im->form_rowid, err);
    if (r != 0) {
        if (r == 1)
            err_set(err, ERR_NOTFOUND, _("no form '%s'; 'gapsurvey form list' shows the stored "
                                         "ones"), im->o.form_id);
        return -1;
    }
    im->ufield = im->form->unit_field ? form_item_index(im->form, im->form->unit_field) : -1;
    size_t nids;
    /* the unit question's choices are the units table's */
    if (units_fill_form(im->store, im->form, err) != 0 ||
        store_item_ids(im->store, im->form_rowid, &im->item_ids, &nids, err) != 0 ||
        store_unit_list(im->store, load_unit, im, err) != 0)
        return -1;
    if (im->nunits)   /* no units yet: units is NULL, which qsort may not take */
        qsort(im->units, im->nunits, sizeof *im->units, cmp_unit);
    plan_items(im);
    return 0;
}

/* What the file's first bytes say it is (xlsx_sniff), without reading
 * more of it: a text file is streamed, a workbook is unpacked whole. */
static xlsx_kind_t sniff_file(const char *path)
{
    char head[8];
    size_t n = 0;
    FILE *fp = fopen(path, "rb");
    if (fp) {
        n = fread(head, 1, sizeof head, fp);
        fclose(fp);
    }
    return xlsx_sniff(head, n);
}

/* An .xlsx file: its first sheet is read as a CSV file would be.  An old
 * .xls (or a password-protected workbook) and a zip archive that is no
 * workbook are refused, saying what they are.  0, or -1 with the reason
 * reported as a read error. */
static int open_book(import_t *im, xlsx_kind_t kind)
{
    char *data = NULL;
    err_t why = {0};
    size_t len = 0;
    int rc = -1;
    if (kind == XLSX_OLE) {
        err_set(&why, ERR_INPUT, _("an Excel 97-2003 workbook (.xls) or a workbook saved with a "
                                   "password: save it as an Excel workbook (.xlsx) without a "
                                   "password, or as CSV UTF-8"));
    } else if (util_read_file(im->o.file, &data, &len, &why) == 0) {
        err_t msg = {0};
        if (xlsx_open_mem(data, len, &im->book, &msg) != 0)
            err_set(&why, ERR_INPUT, _("a zip archive that is not an Excel workbook, and not a "
                                       "CSV text file (%s): give the responses as .xlsx or as "
                                       "CSV"), msg.msg);
        else if (xlsx_nsheets(im->book) == 0)
            err_set(&why, ERR_INPUT, _("the workbook has no sheet"));
        else
            rc = 0;
        err_clear(&msg);
        if (rc == 0)
            im->sheet = xlsx_sheet_name(im->book, 0);
    }
    if (rc != 0) {
        report(im, 0, 0, why.msg, 1);
        im->st.errors++;
        im->fatal = 1;
    }
    err_clear(&why);
    free(data);
    return rc;
}

/* The response file, the reject file and the answers of one row. */
static int open_files(import_t *im, err_t *err)
{
    err_t why = {0};
    xlsx_kind_t kind = sniff_file(im->o.file);
    if (kind != XLSX_NOT) {
        if (open_book(im, kind) != 0) {
            err_set(err, ERR_FAIL, _("nothing imported"));
            return -1;
        }
        im->st.encoding = ENC_UTF8;   /* a workbook holds Unicode text */
        im->st.book = 1;
    } else if (imp_src_open(im->o.file, im->o.encoding, &im->src, &why) != 0) {
        report(im, why.line, why.col, why.msg, 1);
        err_clear(&why);
        err_set(err, ERR_FAIL, _("nothing imported"));
        return -1;
    } else {
        im->st.encoding = imp_src_encoding(im->src);
    }
    if (im->o.skip_invalid) {
        im->rejects_path = im->o.rejects ? util_xstrdup(im->o.rejects) : rejects_name(im->o.file);
        im->st.rejects = im->rejects_path;
        /* "-": standard output, the Unix convention; never closed or removed here */
        im->rejects = strcmp(im->rejects_path, "-") == 0 ? stdout : fopen(im->rejects_path, "wb");
        if (!im->rejects) {
            err_set(err, ERR_FAIL, _("cannot write the reject file %s"), im->rejects_path);
            return -1;
        }
        fputs("\xEF\xBB\xBF", im->rejects);   /* Excel then reads the CJK text right */
    }
    im->ans = ans_new(im->form);
    return 0;
}

/* The transaction and the wave the responses go to. */
static int begin(import_t *im, err_t *err)
{
    if (store_begin(im->store, err) != 0)
        return -1;
    im->in_tx = 1;
    int r;
    if (im->o.wave) {
        r = store_wave_find(im->store, im->o.wave, &im->wave, err);
        if (r == 1)
            err_set(err, ERR_NOTFOUND, _("no wave '%s'; add it with 'gapsurvey wave add %s'"),
                    im->o.wave, im->o.wave);
    } else {
        r = store_wave_current(im->store, 1, &im->wave, err);
        if (r == 1)
            err_set(err, ERR_FAIL, _("every wave is closed; open one with 'gapsurvey wave add "
                                     "NAME' or give --wave"));
    }
    if (r != 0 || store_import_begin(im->store, im->form_rowid, im->o.form_id, im->wave,
                                     im->o.file, &im->batch, err) != 0)
        return -1;
    im->writing = 1;
    return 0;
}

int import_read(import_t *im, err_t *err)
{
    if (load_form(im, err) != 0 || open_files(im, err) != 0 ||
        (!im->o.dry_run && begin(im, err) != 0))
        return -1;
    int r = pass(im);
    if (r > 0) {
        err_move(err, &im->err);
        return -1;
    }
    if (r == 0 && im->st.rows == 0 && im->st.errors == 0)
        problem(im, 1, 1, _("no responses in the file (a header row and one row per response)"));
    if (im->rejects) {
        int out = im->rejects == stdout;
        int bad = out ? fflush(stdout) != 0 || ferror(stdout) : fclose(im->rejects) != 0;
        im->rejects = NULL;
        if (bad) {
            err_set(err, ERR_FAIL, _("cannot write the reject file %s"), im->rejects_path);
            return -1;
        }
        if (im->st.rejected == 0 || im->fatal || im->header_errors) {
            if (!out)
                remove(im->rejects_path);
            im->st.rejects = NULL;
        }
    }
    return 0;
}

static void hash_hex(const import_t *im, char out[17], char data[40])
{
    snprintf(out, 17, "%016" PRIx64, im->hash);
    snprintf(data, 40, "%016" PRIx64 "-%ld", im->data_hash, im->data_rows);
}

static int earlier_file(void *ud, const store_import_t *b)
{
    /* TRANSLATORS: an earlier import: its file, and when it was imported */
    *(char **)ud = util_fmt(_("%s, at %s"), b->file, b->imported_at);
    return 0;
}

/* -1 with *err when the file, or the same responses from other bytes, was
 * imported into the form before (and --again was not given). */
static int check_seen(import_t *im, err_t *err)
{
    char hash[17], data[40], *what = NULL;
    err_t why = {0};
    long batch = 0;
    int same_file = 0;
    hash_hex(im, hash, data);
    /* a store error here is not the verdict: storing will meet it again */
    int seen = !im->fatal && !im->o.again && im->data_rows > 0 &&
               store_import_seen(im->store, im->o.form_id, hash, data, &batch, &same_file,
                                 &why) == 1;
    if (seen && store_import_list(im->store, batch, earlier_file, &what, &why) != 0)
        what = util_xstrdup("?");
    err_clear(&why);
    if (seen && same_file)
        err_set(err, ERR_EXISTS, _("%s was imported into %s before (import %ld: %s); use --again "
                                   "to import it a second time"), im->o.file, im->o.form_id,
                batch, what);
    else if (seen)
        err_set(err, ERR_EXISTS, i18n_ntext("%s holds the same %ld response as import %ld (%s) "
                                    "already stored in %s, in another file or another order; use "
                                    "--again to import it a second time",
                                    "%s holds the same %ld responses as import %ld (%s) "
                                    "already stored in %s, in another file or another order; use "
                                    "--again to import them a second time",
                                    (unsigned long)im->data_rows),
                    im->o.file, im->data_rows, batch, what, im->o.form_id);
    free(what);
    return seen ? -1 : 0;
}

int import_check(import_t *im, err_t *err)
{
    if (check_seen(im, err) != 0)
        return -1;
    const import_stats_t *st = &im->st;
    if (st->errors &&
        (!im->o.skip_invalid || im->fatal || im->header_errors || st->rejected == st->rows)) {
        err_set(err, ERR_FAIL, i18n_ntext("nothing imported: %ld problem in %s",
                                          "nothing imported: %ld problems in %s",
                                          (unsigned long)st->errors), st->errors, im->o.file);
        return -1;
    }
    return 0;
}

int import_commit(import_t *im, err_t *err)
{
    if (im->o.dry_run)
        return 0;
    char hash[17], data[40];
    hash_hex(im, hash, data);
    if (store_import_end(im->store, im->batch, hash, data, im->st.stored, err) != 0 ||
        store_commit(im->store, err) != 0)
        return -1;
    im->st.batch = im->batch;
    im->in_tx = 0;
    return 0;
}

/* ---- undo ---- */

static int undo_info(void *ud, const store_import_t *b)
{
    *(int *)ud = b->undoable;
    return 0;
}

int import_undo(store_t *s, long id, long *removed, err_t *err)
{
    int undoable = 0;
    *removed = 0;
    if (store_begin(s, err) != 0)
        return -1;
    int r = store_import_list(s, id, undo_info, &undoable, err);
    if (r == 0 && !undoable) {
        err_set(err, ERR_FAIL, _("import %ld was recorded before imports were kept as batches: "
                                 "which responses it stored is not known, so it cannot be "
                                 "undone"), id);
        r = -1;
    }
    if (r == 0 && (store_import_delete(s, id, removed, err) != 0 || store_commit(s, err) != 0))
        r = -1;
    if (r != 0)
        store_rollback(s);
    return r;
}
