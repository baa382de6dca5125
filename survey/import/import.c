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
#include "survey/answers.h"
#include "survey/import/importsrc.h"

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
    imp_plan_t *plan;
    csvr_t *csv;
    char delim;
    int writing, in_tx, header_done, in_header, ufield;
    int form_rowid, wave;
    int *item_ids;
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
    err_t err;           /* what stopped the pass early: a store error */
    char today[11];
};

static void progress(import_t *im, import_event_t ev)
{
    if (!im->o.progress)
        return;
    long long size = imp_src_size(im->src), done = imp_src_done(im->src);
    im->o.progress(im->o.ud, ev, size > 0 ? (double)done / (double)size : 1.0, im->st.rows);
}

static void report(import_t *im, long line, long col, const char *msg, int fatal)
{
    import_problem_t p = {line, col, msg, fatal};
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
    if (im->rejects)
        util_buf_addf(&im->why, "%s%ld:%ld: %s", im->why.len ? "; " : "", line, col, msg);
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
 * (heap, the caller frees) is the code or name as given. */
static unit_rec_t *row_unit(import_t *im, const csvr_row_t *row, const imp_row_t *r,
                            char **code_out)
{
    const char *given = r->unit ? r->unit : "";
    char *code = util_trim(util_xstrdup(given));
    const char *answer = im->ufield >= 0 ? ans_get(im->ans, (size_t)im->ufield) : NULL;
    unit_rec_t *u = NULL;
    if (!*code && answer) {
        free(code);
        code = util_xstrdup(answer);
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
        store_unit_t nu = {0, code, code, NULL, NULL, -1};
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
    char *code = NULL;
    unit_rec_t *u = row_unit(im, row, &r, &code);
    const form_t *f = im->form;
    for (size_t i = 0; i < f->nitems; i++) {
        err_t msg = {0};
        if (ans_get(im->ans, i) && ans_check_constraint(im->ans, i, f->default_lang, &msg) != 0) {
            problem(im, row->line, imp_plan_column(im->plan, i), _("%s: %s (value '%s')"),
                    f->items[i].name, msg.msg, ans_get(im->ans, i));
            err_clear(&msg);
        }
    }
    int rc = 0;
    if (im->row_problems) {
        im->st.rejected++;
        if (im->rejects)
            put_row(im, row, im->why.s ? im->why.s : "");
    } else if (im->writing && (im->o.skip_invalid || im->st.errors == 0)) {
        /* a strict import with a problem will be rolled back: the
         * checking goes on, the storing stops */
        rc = store_row(im, u, code);
    }
    free(code);
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
    int rc = imp_src_read(im->src, on_chunk, im, &err);
    if (rc == 0 && im->csv)
        rc = csvr_finish(im->csv);
    if (rc == 0)
        progress(im, IMPORT_PASS_DONE);
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
    if (im->rejects)
        fclose(im->rejects);
    for (size_t i = 0; i < im->nunits; i++) {
        free(im->units[i].code);
        free(im->units[i].name);
    }
    free(im->units);
    free(im->rejects_path);
    util_buf_free(&im->why);
    imp_plan_free(im->plan);
    csvr_free(im->csv);
    imp_src_free(im->src);
    free(im->item_ids);
    err_clear(&im->err);
    ans_free(im->ans);
    form_free(im->form);
    free(im);
}

const import_stats_t *import_stats(const import_t *im)
{
    return &im->st;
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
    if (store_item_ids(im->store, im->form_rowid, &im->item_ids, &nids, err) != 0 ||
        store_unit_list(im->store, load_unit, im, err) != 0)
        return -1;
    if (im->nunits)   /* no units yet: units is NULL, which qsort may not take */
        qsort(im->units, im->nunits, sizeof *im->units, cmp_unit);
    return 0;
}

/* The response file, the reject file and the answers of one row. */
static int open_files(import_t *im, err_t *err)
{
    err_t why = {0};
    if (imp_src_open(im->o.file, im->o.encoding, &im->src, &why) != 0) {
        report(im, why.line, why.col, why.msg, 1);
        err_clear(&why);
        err_set(err, ERR_FAIL, _("nothing imported"));
        return -1;
    }
    im->st.encoding = imp_src_encoding(im->src);
    if (im->o.skip_invalid) {
        im->rejects_path = im->o.rejects ? util_xstrdup(im->o.rejects) : rejects_name(im->o.file);
        im->st.rejects = im->rejects_path;
        im->rejects = fopen(im->rejects_path, "wb");
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
    if (r != 0)
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
        int bad = fclose(im->rejects) != 0;
        im->rejects = NULL;
        if (bad) {
            err_set(err, ERR_FAIL, _("cannot write the reject file %s"), im->rejects_path);
            return -1;
        }
        if (im->st.rejected == 0 || im->fatal || im->header_errors) {
            remove(im->rejects_path);
            im->st.rejects = NULL;
        }
    }
    return 0;
}

static void hash_hex(const import_t *im, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, im->hash);
}

int import_check(import_t *im, err_t *err)
{
    err_t why = {0};
    char hash[17];
    hash_hex(im, hash);
    /* a store error here is not the verdict: storing will meet it again */
    int seen = !im->fatal && !im->o.again &&
               store_import_seen(im->store, hash, im->o.form_id, &why) == 1;
    err_clear(&why);
    if (seen) {
        err_set(err, ERR_EXISTS, _("%s was imported into %s before; use --again to import it a "
                                   "second time"), im->o.file, im->o.form_id);
        return -1;
    }
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
    char hash[17];
    hash_hex(im, hash);
    if (store_import_record(im->store, hash, im->o.form_id, im->o.file, im->st.stored, err) != 0 ||
        store_commit(im->store, err) != 0)
        return -1;
    im->in_tx = 0;
    return 0;
}
