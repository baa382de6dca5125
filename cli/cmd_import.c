/*
 * import: reads responses from a CSV file into the store: gapsurvey's own
 * `plain` layout (what `export --format plain` writes) or the CSV exports of
 * KoboToolbox/ODK Central and 问卷星, in UTF-8 (with or without BOM) or
 * GB18030.  importfmt.c knows the layouts, importsrc.c the encodings; this
 * file runs the pass, resolves units, stores and talks to the user.
 *
 * Nothing is half-imported: one pass checks every cell, reports every
 * problem as FILE:ROW:COLUMN and stores the valid rows as it goes, all in
 * one transaction that is committed only when the whole file was valid and
 * rolled back otherwise.  In WAL mode a transaction's pages reach only the
 * log until it commits, so a rejected file leaves the database file
 * byte-for-byte unchanged.  --skip-invalid relaxes this to "every valid
 * row, and a reject file with the others and their reasons".  Checking and
 * storing share one reading of the file because reading and checking are a
 * third of an import's time (bench/README.md); the price is that the write
 * lock is also held while a bad file is checked, as it is while a good one
 * is stored.
 *
 * The pass streams the file in chunks: memory depends on the form and the
 * number of units, never on the number of rows.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/answers.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "base/csvread.h"
#include "base/encoding.h"
#include "survey/import/importfmt.h"
#include "survey/import/importsrc.h"

/* The reject column's name is spelled out (it is IMP_PROBLEMS_COLUMN):
 * xgettext cannot see through a macro in a translated string. */
static const char usage[] = N_(
    "usage: gapsurvey import FILE --form FORM [--format auto|plain|kobo|wjx] [--wave NAME]\n"
    "                        [--encoding auto|utf-8|gb18030] [--unit-column COL]\n"
    "                        [--create-units] [--skip-invalid [--rejects FILE]]\n"
    "                        [--dry-run] [--again]\n"
    "\n"
    "Reads one response per row and checks every cell against the form;\n"
    "problems are listed as FILE:ROW:COLUMN and nothing is stored unless the\n"
    "whole file is valid.  Responses go to --wave, else the newest open wave.\n"
    "\n"
    "formats (auto recognises them from the header row):\n"
    "  plain  a 'unit' column with the unit code and one column per question\n"
    "         name; select_multiple: names separated by spaces; blank: not\n"
    "         answered (what 'gapsurvey export --format plain' writes)\n"
    "  kobo   KoboToolbox or ODK Central CSV export (',' or ';'): group paths\n"
    "         (grp/q1, grp-q1), select_multiple as one column and/or one 0/1\n"
    "         column per option; _id, _uuid, times, meta-instanceID... ignored\n"
    "  wjx    Wenjuanxing (wjx.cn) export by option number or by option text:\n"
    "         numbered questions matched by text or number, the numbered matrix\n"
    "         columns for rows and options; the serial number, time, source and\n"
    "         IP columns dropped; the 'skipped' mark, -2, -3: not answered\n"
    "\n"
    "  --encoding E       utf-8 (BOM or not) or gb18030/gbk; auto tells them apart\n"
    "  --unit-column COL  the column holding unit codes (or unit names) when it\n"
    "                     is not called 'unit' and no question gives the unit\n"
    "  --create-units     add unit codes that are not known yet (named by code)\n"
    "  --skip-invalid     store the valid rows; write the others, with a column\n"
    "                     import_problems giving the reasons, to a reject file\n"
    "                     (FILE.rejected.csv, or --rejects FILE) that can be\n"
    "                     corrected and imported as it is\n"
    "  --dry-run          check only, store nothing\n"
    "  --again            import a file that was imported before\n"
    "\n"
    "A progress bar (rows/s, time left) is shown on stderr when it is a terminal\n"
    "and the import takes more than a second.\n"
    "\n"
    "examples:\n"
    "  gapsurvey import responses.csv --form staff-opinion --dry-run\n"
    "  gapsurvey import wjx-export.csv --form staff-opinion --format wjx\n");

#define MAX_REPORTED 200

typedef struct {
    char *code, *name;
    int id;              /* 0 until stored (a unit created by this import) */
} unit_rec_t;

typedef struct {
    const char *file;
    form_t *form;
    store_t *store;
    ans_t *ans;
    imp_src_t *src;
    imp_plan_t *plan;
    csvr_t *csv;
    char delim;
    imp_format_t want, fmt;
    const char *unit_column;
    int create_units, skip_invalid, writing, header_done, in_header, ufield;
    int form_rowid, wave;
    int *item_ids;
    long rows, errors, header_errors, rejected, stored, created;
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
    cli_progress_t prog;
    char *err;           /* a store error in the second pass */
    char today[11];
} importer_t;

static void progress_draw(importer_t *im, int force)
{
    long long size = imp_src_size(im->src), done = imp_src_done(im->src);
    cli_progress_update(&im->prog, size > 0 ? (double)done / (double)size : 1.0, im->rows, force);
}

static void on_problem(void *ud, long line, long col, const char *msg)
{
    importer_t *im = ud;
    im->row_problems++;
    im->errors++;
    if (im->in_header)
        im->header_errors++;
    if (im->rejects)
        util_buf_addf(&im->why, "%s%ld:%ld: %s", im->why.len ? "; " : "", line, col, msg);
    if (im->errors <= MAX_REPORTED) {
        cli_progress_clear(&im->prog);
        fprintf(stderr, "%s:%ld:%ld: %s\n", im->file, line, col, msg);
    }
}

static void problem(importer_t *im, long line, long col, const char *fmt, ...) UTIL_PRINTF(4, 5);
static void problem(importer_t *im, long line, long col, const char *fmt, ...)
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
    importer_t *im = ud;
    im->units = util_xrealloc(im->units, (im->nunits + 1) * sizeof *im->units);
    im->units[im->nunits++] = (unit_rec_t){util_xstrdup(u->code), util_xstrdup(u->name), u->id};
    return 0;
}

/* By code, else by name when exactly one unit has it (问卷星 and Kobo
 * files often hold the unit's name typed by the respondent). */
static unit_rec_t *unit_find(importer_t *im, const char *v)
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

static unit_rec_t *unit_add(importer_t *im, const char *code, int id)
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

static void put_cell(FILE *f, const char *s, char delim)
{
    size_t n = strlen(s);
    if (strchr(s, delim) || strpbrk(s, "\"\r\n") || s[0] == ' ' || (n && s[n - 1] == ' ')) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

/* A row of the reject file: the cells as read, in the file's own
 * delimiter, and the reasons in the problems column (replacing the old
 * reasons when a reject file is imported again). */
static void put_row(importer_t *im, const csvr_row_t *row, const char *why)
{
    size_t n = row->ncells > im->ncols ? row->ncells : im->ncols;
    for (size_t j = 0; j < n; j++) {
        if (j)
            fputc(im->delim, im->rejects);
        if ((long)j == im->why_col)
            put_cell(im->rejects, why, im->delim);
        else if (j < row->ncells)
            put_cell(im->rejects, row->cells[j], im->delim);
    }
    if (im->why_col < 0) {
        fputc(im->delim, im->rejects);
        put_cell(im->rejects, why, im->delim);
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

static int header(importer_t *im, const csvr_row_t *row)
{
    im->header_done = 1;
    im->fmt = im->want == IMP_AUTO ? imp_format_detect(im->form, row, im->delim) : im->want;
    im->in_header = 1;
    im->plan = imp_plan_new(im->form, im->fmt, im->unit_column, row, on_problem, im);
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
 * unit_field question; the question is kept consistent with it. */
static unit_rec_t *row_unit(importer_t *im, const csvr_row_t *row, const imp_row_t *r,
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
    } else if ((u = unit_find(im, code)) == NULL && !im->create_units) {
        problem(im, row->line, r->unit_col, _("unit '%s' is not known; add it with "
                  "'gapsurvey unit import' or use --create-units"), code);
    }
    const char *canon = u ? u->code : code;
    if (im->ufield >= 0 && *canon) {
        if (answer && strcmp(answer, canon) != 0) {
            problem(im, row->line, r->unit_col, _("the unit column says '%s' but the answer "
                      "to %s is '%s'"), code, im->form->unit_field, answer);
        } else if (!answer) {
            char *m = NULL;
            if (ans_set(im->ans, (size_t)im->ufield, canon, &m) != 0)
                free(m);   /* a unit the question does not list: the unit still counts */
        }
    }
    *code_out = code;
    return u;
}

static int store_row(importer_t *im, unit_rec_t *u, const char *code)
{
    if (!u) {
        int id;
        store_unit_t nu = {0, code, code, NULL, NULL, -1};
        if (store_unit_put(im->store, &nu, &im->err) != 0 ||
            store_unit_find(im->store, code, &id, &im->err) != 0)
            return 1;
        u = unit_add(im, code, id);
        im->created++;
    }
    store_answer_t *a;
    size_t n;
    ans_to_store(im->ans, im->item_ids, &a, &n);
    int rc = store_response_add(im->store, im->form_rowid, im->wave, u->id, im->today, "import",
                                a, n, &im->err);
    free(a);
    if (rc != 0)
        return 1;
    im->stored++;
    return 0;
}

static int on_row(void *ud, const csvr_row_t *row)
{
    importer_t *im = ud;
    if (!im->header_done)
        return header(im, row);
    if (imp_row_blank(row))
        return 0;
    im->rows++;
    im->row_problems = 0;
    util_buf_reset(&im->why);
    imp_row_t r;
    imp_plan_row(im->plan, im->ans, row, &r, on_problem, im);
    char *code = NULL;
    unit_rec_t *u = row_unit(im, row, &r, &code);
    const form_t *f = im->form;
    for (size_t i = 0; i < f->nitems; i++) {
        char *msg = NULL;
        if (ans_get(im->ans, i) && ans_check_constraint(im->ans, i, f->default_lang, &msg) != 0) {
            problem(im, row->line, imp_plan_column(im->plan, i), _("%s: %s (value '%s')"),
                    f->items[i].name, msg, ans_get(im->ans, i));
            free(msg);
        }
    }
    int rc = 0;
    if (im->row_problems) {
        im->rejected++;
        if (im->rejects)
            put_row(im, row, im->why.s ? im->why.s : "");
    } else if (im->writing && (im->skip_invalid || im->errors == 0)) {
        /* a strict import with a problem will be rolled back: the
         * checking goes on, the storing stops */
        rc = store_row(im, u, code);
    }
    free(code);
    if ((im->rows & 1023) == 0)
        progress_draw(im, 0);
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
    importer_t *im = ud;
    if (!im->csv) {
        im->delim = csvr_sniff_delim(text, n);
        im->csv = csvr_new(im->delim, on_row, im);
        if (!im->csv) {
            util_seterr(&im->err, _("cannot start the CSV parser"));
            return 2;
        }
    }
    hash_add(&im->hash, text, n);
    progress_draw(im, 0);
    return csvr_feed(im->csv, text, n);
}

/* The pass over the file.  0, or -1 after an encoding or CSV error (said),
 * or a positive value after a store error (im->err). */
static int pass(importer_t *im, const char *what)
{
    char *err = NULL;
    im->header_done = 0;
    im->rows = im->rejected = 0;
    imp_plan_free(im->plan);
    im->plan = NULL;
    csvr_free(im->csv);
    im->csv = NULL;
    cli_progress_begin(&im->prog, what, _("rows"));
    int rc = imp_src_read(im->src, on_chunk, im, &err);
    if (rc == 0 && im->csv)
        rc = csvr_finish(im->csv);
    if (rc == 0)
        progress_draw(im, 1);
    cli_progress_clear(&im->prog);
    if (err || rc == -1) {
        char *at = util_msg_at(im->file, err ? err : csvr_error(im->csv));
        fprintf(stderr, "%s\n", at);
        free(at);
        free(err);
        im->errors++;
        im->fatal = 1;
        return -1;
    }
    return rc;
}

int cmd_import(int argc, char **argv, cli_ctx_t *cx)
{
    static const cli_opt_t opts[] = {
        {"form", 'f', CLI_VALUE | CLI_SHORT},   {"format", 'F', CLI_VALUE | CLI_SHORT},
        {"wave", 'w', CLI_VALUE | CLI_SHORT},   {"encoding", 'e', CLI_VALUE | CLI_SHORT},
        {"unit-column", 'u', CLI_VALUE | CLI_SHORT},
        {"create-units", 'c', CLI_SHORT},       {"dry-run", 'n', CLI_SHORT},
        {"again", 'a', CLI_SHORT},              {"skip-invalid", 's', CLI_SHORT},
        {"rejects", 'r', CLI_VALUE | CLI_SHORT}, CLI_OPT_END};
    const char *form_id = NULL, *format = "auto", *wave_name = NULL, *encname = "auto";
    const char *rejects = NULL;
    int dry = 0, again = 0, c;
    importer_t im = {0};
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        switch (c) {
        case 'f': form_id = optarg; break;
        case 'F': format = optarg; break;
        case 'w': wave_name = optarg; break;
        case 'e': encname = optarg; break;
        case 'u': im.unit_column = optarg; break;
        case 'c': im.create_units = 1; break;
        case 'n': dry = 1; break;
        case 'a': again = 1; break;
        case 's': im.skip_invalid = 1; break;
        case 'r': rejects = optarg; break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc - 1 || !form_id) {
        if (!form_id)
            cli_error(_("--form is required"));
        return cli_usage(usage);
    }
    if (imp_format_parse(format, &im.want) != 0) {
        cli_error(_("--format takes auto, plain, kobo or wjx, not '%s'"), format);
        return 2;
    }
    enc_t enc;
    if (enc_parse(encname, &enc) != 0) {
        cli_error(_("--encoding takes auto, utf-8 or gb18030, not '%s'"), encname);
        return 2;
    }
    if (rejects && !im.skip_invalid) {
        cli_error(_("--rejects goes with --skip-invalid"));
        return 2;
    }
    const char *file = argv[optind];
    int rc = 1;
    char *err = NULL;
    im.file = file;
    im.hash = 1469598103934665603ULL;
    util_today(im.today);
    store_t *s = cli_store(cx);
    if (!s)
        goto cleanup;
    im.store = s;
    if (cli_form_get(s, form_id, &im.form, &im.form_rowid))
        goto cleanup;
    int r;
    im.ufield = im.form->unit_field ? form_item_index(im.form, im.form->unit_field) : -1;
    size_t nids;
    if (store_item_ids(s, im.form_rowid, &im.item_ids, &nids, &err) != 0 ||
        store_unit_list(s, load_unit, &im, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (im.nunits)   /* no units yet: units is NULL, which qsort may not take */
        qsort(im.units, im.nunits, sizeof *im.units, cmp_unit);
    if (imp_src_open(file, enc, &im.src, &err) != 0) {
        char *at = util_msg_at(file, err);
        fprintf(stderr, "%s\n", at);
        free(at);
        cli_error(_("nothing imported"));
        goto cleanup;
    }
    if (im.skip_invalid) {
        im.rejects_path = rejects ? util_xstrdup(rejects) : rejects_name(file);
        im.rejects = fopen(im.rejects_path, "wb");
        if (!im.rejects) {
            cli_error(_("cannot write the reject file %s"), im.rejects_path);
            goto cleanup;
        }
        fputs("\xEF\xBB\xBF", im.rejects);   /* Excel then reads the CJK text right */
    }
    im.ans = ans_new(im.form);

    if (!dry) {
        if (store_begin(s, &err) != 0) {
            cli_error("%s", err);
            goto cleanup;
        }
        if (wave_name) {
            r = store_wave_find(s, wave_name, &im.wave, &err);
            if (r == 1) {
                cli_error(_("no wave '%s'; add it with 'gapsurvey wave add %s'"), wave_name,
                          wave_name);
                goto rollback;
            }
        } else {
            r = store_wave_current(s, 1, &im.wave, &err);
            if (r == 1) {
                cli_error(_("every wave is closed; open one with 'gapsurvey wave add NAME' or "
                            "give --wave"));
                goto rollback;
            }
        }
        if (r < 0) {
            cli_error("%s", err);
            goto rollback;
        }
        im.writing = 1;
    }
    r = pass(&im, dry ? _("checking") : _("importing"));
    if (r > 0) {
        cli_error("%s", im.err);
        goto rollback;
    }
    if (r == 0 && im.rows == 0 && im.errors == 0)
        problem(&im, 1, 1, _("no responses in the file (a header row and one row per response)"));
    long checked = im.rows, rejected = im.rejected;
    if (im.rejects) {
        int bad = fclose(im.rejects) != 0;
        im.rejects = NULL;
        if (bad) {
            cli_error(_("cannot write the reject file %s"), im.rejects_path);
            goto rollback;
        }
        if (rejected == 0 || im.fatal || im.header_errors)
            remove(im.rejects_path);
    }
    if (im.errors > MAX_REPORTED)
        fprintf(stderr, _("... and %ld more\n"), im.errors - MAX_REPORTED);
    char hash[17];
    snprintf(hash, sizeof hash, "%016" PRIx64, im.hash);
    if (!im.fatal && !again && store_import_seen(s, hash, form_id, &err) == 1) {
        cli_error(_("%s was imported into %s before; use --again to import it a second time"),
                  file, form_id);
        goto rollback;
    }
    if (im.errors && (!im.skip_invalid || im.fatal || im.header_errors || rejected == checked)) {
        cli_error(i18n_ntext("nothing imported: %ld problem in %s",
                             "nothing imported: %ld problems in %s", (unsigned long)im.errors),
                  im.errors, file);
        goto rollback;
    }
    if (rejected)
        fprintf(stderr, _("%s: %ld of %ld rows rejected; they and their problems are in %s\n"), file,
                rejected, checked, im.rejects_path);
    if (dry) {
        printf(_("%s: %ld responses are valid (dry run: nothing stored)\n"), file, checked - rejected);
        rc = 0;
        goto cleanup;
    }
    if (store_import_record(s, hash, form_id, file, im.stored, &err) != 0 ||
        store_commit(s, &err) != 0) {
        cli_error("%s", err);
        goto rollback;
    }
    printf(_("%s: %ld responses imported into %s"), file, im.stored, form_id);
    if (im.fmt != IMP_PLAIN || imp_src_encoding(im.src) != ENC_UTF8)
        printf(_(" (read as %s, %s)"), imp_format_name(im.fmt), enc_name(imp_src_encoding(im.src)));
    putchar('\n');
    if (im.created)
        printf(_("%ld new units created\n"), im.created);
    rc = 0;
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    if (im.rejects)
        fclose(im.rejects);
    for (size_t i = 0; i < im.nunits; i++) {
        free(im.units[i].code);
        free(im.units[i].name);
    }
    free(im.units);
    free(im.rejects_path);
    util_buf_free(&im.why);
    imp_plan_free(im.plan);
    csvr_free(im.csv);
    imp_src_free(im.src);
    free(im.item_ids);
    free(im.err);
    ans_free(im.ans);
    form_free(im.form);
    free(err);
    return rc;
}
