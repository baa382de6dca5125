/*
 * import: reads responses from a CSV file into the store.  The `plain`
 * format is gapsurvey's own (one row per response, a `unit` column and one
 * column per question name, select_multiple as space-separated names,
 * blank = not answered) and is what `export --format plain` writes.
 *
 * Nothing is half-imported: a first pass validates every cell and reports
 * every problem as FILE:ROW:COLUMN; only a file without errors is read a
 * second time and written, in one transaction.  The validating pass never
 * writes, so a rejected file leaves the database byte-for-byte unchanged.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "commands.h"
#include "csvread.h"
#include "encoding.h"

static const char usage[] =
    "usage: gapsurvey import FILE --form FORM [--format plain] [--wave NAME]\n"
    "                        [--encoding auto|utf-8|gb18030] [--create-units]\n"
    "                        [--dry-run] [--again]\n"
    "\n"
    "Reads one response per row: a 'unit' column with the unit code and one\n"
    "column per question name (select_multiple: names separated by spaces;\n"
    "blank: not answered).  Every cell is checked against the form; problems\n"
    "are listed as FILE:ROW:COLUMN and nothing is stored unless the whole file\n"
    "is valid.  Responses go to --wave, else the newest open wave.\n"
    "\n"
    "  --create-units  add unit codes that are not known yet (named by code)\n"
    "  --dry-run       check only, store nothing\n"
    "  --again         import a file that was imported before\n"
    "\n"
    "example:\n"
    "  gapsurvey import responses.csv --form staff-opinion --dry-run\n";

#define MAX_REPORTED 200

typedef struct {
    const char *file;
    form_t *form;
    store_t *store;
    ans_t *ans;
    int *colpos;          /* header column -> item position, -1 unit, -2 ignored */
    size_t ncols;
    int unit_col;
    int header_done;
    int writing;          /* second pass */
    int create_units;
    int form_rowid, wave;
    int *item_ids;
    long rows, errors;
    char **new_units;     /* codes to create (pass 1 collects, pass 2 creates) */
    size_t nnew;
    char *err;            /* fatal store error in pass 2 */
    char today[11];
} importer_t;

static void report(importer_t *im, long line, long col, const char *fmt, ...) UTIL_PRINTF(4, 5);
static void report(importer_t *im, long line, long col, const char *fmt, ...)
{
    im->errors++;
    if (im->errors > MAX_REPORTED)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s:%ld:%ld: %s\n", im->file, line, col, m);
    free(m);
}

static int header(importer_t *im, const csvr_row_t *row)
{
    im->ncols = row->ncells;
    im->colpos = util_xmalloc((row->ncells + 1) * sizeof *im->colpos);
    im->unit_col = -1;
    for (size_t j = 0; j < row->ncells; j++) {
        char *name = util_trim(util_xstrdup(row->cells[j]));
        im->colpos[j] = -2;
        if (strcmp(name, "unit") == 0) {
            im->colpos[j] = -1;
            im->unit_col = (int)j;
        } else {
            int k = form_item_index(im->form, name);
            if (k < 0) {
                const char **names = util_xcalloc(im->form->nitems + 2, sizeof *names);
                size_t m = 0;
                for (size_t i = 0; i < im->form->nitems; i++)
                    if (form_item_answerable(&im->form->items[i]))
                        names[m++] = im->form->items[i].name;
                const char *near = util_nearest(name, names);
                if (near)
                    report(im, row->line, (long)j + 1, "column '%s' is not a question of %s; did you mean '%s'?",
                           name, im->form->form_id, near);
                else
                    report(im, row->line, (long)j + 1, "column '%s' is not a question of %s",
                           name, im->form->form_id);
                free(names);
            } else if (!form_item_answerable(&im->form->items[k])) {
                report(im, row->line, (long)j + 1, "column '%s' is a %s, which takes no answer",
                       name, form_type_name(im->form->items[k].type));
            } else {
                im->colpos[j] = k;
            }
        }
        for (size_t i = 0; i < j; i++)
            if (strcmp(util_trim(row->cells[i]), name) == 0 && *name)
                report(im, row->line, (long)j + 1, "column '%s' appears twice", name);
        free(name);
    }
    if (im->unit_col < 0 && !im->form->unit_field)
        report(im, row->line, 1, "no 'unit' column; every response needs the code of its unit");
    return 0;
}

static int unit_known(importer_t *im, const char *code)
{
    for (size_t i = 0; i < im->nnew; i++)
        if (strcmp(im->new_units[i], code) == 0)
            return 1;
    return 0;
}

static int on_row(void *ud, const csvr_row_t *row)
{
    importer_t *im = ud;
    if (!im->header_done) {
        im->header_done = 1;
        return header(im, row);
    }
    im->rows++;
    ans_clear_all(im->ans);
    if (row->ncells > im->ncols) {
        for (size_t j = im->ncols; j < row->ncells; j++)
            if (row->cells[j][0]) {
                report(im, row->line, (long)j + 1, "value '%s' in a column without a header",
                       row->cells[j]);
                break;
            }
    }
    const char *unit_code = "";
    for (size_t j = 0; j < row->ncells && j < im->ncols; j++) {
        int p = im->colpos[j];
        if (p == -1) {
            unit_code = row->cells[j];
            continue;
        }
        if (p < 0)
            continue;
        char *msg = NULL;
        if (ans_set(im->ans, (size_t)p, row->cells[j], &msg) != 0) {
            report(im, row->line, (long)j + 1, "%s", msg);
            free(msg);
        }
    }
    /* the unit: the unit column, else the form's unit_field question */
    char *code = util_trim(util_xstrdup(unit_code));
    int ufield = im->form->unit_field ? form_item_index(im->form, im->form->unit_field) : -1;
    if (!*code && ufield >= 0 && ans_get(im->ans, (size_t)ufield)) {
        free(code);
        code = util_xstrdup(ans_get(im->ans, (size_t)ufield));
    }
    if (ufield >= 0 && *code && !ans_get(im->ans, (size_t)ufield)) {
        char *m = NULL;
        if (ans_set(im->ans, (size_t)ufield, code, &m) != 0)   /* keep the question consistent */
            free(m);
    }
    int unit_id = 0;
    long ucol = im->unit_col >= 0 ? im->unit_col + 1 : 1;
    if (!*code) {
        report(im, row->line, ucol, "the unit is empty");
    } else {
        char *e = NULL;
        int r = store_unit_find(im->store, code, &unit_id, &e);
        if (r < 0) {
            report(im, row->line, ucol, "%s", e);
            free(e);
        } else if (r == 1) {
            if (!im->create_units)
                report(im, row->line, ucol, "unit '%s' is not known; add it with 'gapsurvey unit "
                       "import' or use --create-units", code);
            else if (!unit_known(im, code)) {
                im->new_units = util_xrealloc(im->new_units, (im->nnew + 1) * sizeof *im->new_units);
                im->new_units[im->nnew++] = util_xstrdup(code);
            }
        }
    }
    for (size_t j = 0; j < row->ncells && j < im->ncols; j++) {
        int p = im->colpos[j];
        char *msg = NULL;
        if (p >= 0 && ans_check_constraint(im->ans, (size_t)p, im->form->default_lang, &msg) != 0) {
            report(im, row->line, (long)j + 1, "%s: %s (value '%s')", im->form->items[p].name,
                   msg, ans_get(im->ans, (size_t)p));
            free(msg);
        }
    }
    if (im->writing && im->errors == 0) {
        if (unit_id == 0) {
            store_unit_t u = {0, code, code, NULL, NULL, -1};
            if (store_unit_put(im->store, &u, &im->err) != 0 ||
                store_unit_find(im->store, code, &unit_id, &im->err) != 0) {
                free(code);
                return 1;
            }
        }
        store_answer_t *a;
        size_t n;
        ans_to_store(im->ans, im->item_ids, &a, &n);
        int rc = store_response_add(im->store, im->form_rowid, im->wave, unit_id, im->today,
                                    "import", a, n, &im->err);
        free(a);
        if (rc != 0) {
            free(code);
            return 1;
        }
    }
    free(code);
    return 0;
}

static int pass(importer_t *im, const char *text, size_t len)
{
    char *err = NULL;
    im->header_done = 0;
    im->rows = 0;
    free(im->colpos);
    im->colpos = NULL;
    int rc = csvr_parse_mem(text, len, csvr_sniff_delim(text, len), on_row, im, &err);
    if (rc == -1) {
        report(im, 0, 0, "%s", err);
        free(err);
    }
    return rc;
}

/* FNV-1a 64: enough to recognise the same file imported twice. */
static void content_hash(const char *s, size_t n, char out[17])
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    snprintf(out, 17, "%016" PRIx64, h);
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"form", required_argument, NULL, 'f'},   {"format", required_argument, NULL, 'F'},
        {"wave", required_argument, NULL, 'w'},   {"encoding", required_argument, NULL, 'e'},
        {"create-units", no_argument, NULL, 'c'}, {"dry-run", no_argument, NULL, 'n'},
        {"again", no_argument, NULL, 'a'},        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0}};
    const char *form_id = NULL, *format = "plain", *wave_name = NULL, *encname = "auto";
    int dry = 0, again = 0, create_units = 0, c;
    while ((c = cli_getopt(argc, argv, "f:F:w:e:cnah", opts, usage)) != -1) {
        switch (c) {
        case 'f': form_id = optarg; break;
        case 'F': format = optarg; break;
        case 'w': wave_name = optarg; break;
        case 'e': encname = optarg; break;
        case 'c': create_units = 1; break;
        case 'n': dry = 1; break;
        case 'a': again = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: return 2;
        }
    }
    if (optind != argc - 1 || !form_id) {
        if (!form_id)
            cli_error("--form is required");
        return cli_usage(usage);
    }
    if (strcmp(format, "plain") != 0 && strcmp(format, "auto") != 0) {
        cli_error("format '%s' is not supported yet; use plain", format);
        return 2;
    }
    enc_t enc;
    if (enc_parse(encname, &enc) != 0) {
        cli_error("--encoding takes auto, utf-8 or gb18030, not '%s'", encname);
        return 2;
    }
    const char *file = argv[optind];
    int rc = 1;
    char *data = NULL, *text = NULL, *err = NULL;
    size_t len, tlen;
    importer_t im = {.file = file, .create_units = create_units};
    util_today(im.today);
    store_t *s = cli_open_store(0);
    if (!s)
        goto cleanup;
    im.store = s;
    int r = store_form_get(s, form_id, &im.form, &im.form_rowid, &err);
    if (r != 0) {
        if (r == 1)
            cli_error("no form '%s'; 'gapsurvey form list' shows the stored ones", form_id);
        else
            cli_error("%s", err);
        goto cleanup;
    }
    size_t nids;
    if (store_item_ids(s, im.form_rowid, &im.item_ids, &nids, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (util_read_file(file, &data, &len, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (enc_to_utf8(data, len, enc, &text, &tlen, NULL, &err) != 0) {
        fprintf(stderr, "%s: %s\n", file, err);
        cli_error("nothing imported");
        goto cleanup;
    }
    char hash[17];
    content_hash(text, tlen, hash);
    if (!again && store_import_seen(s, hash, form_id, &err) == 1) {
        cli_error("%s was imported into %s before; use --again to import it a second time",
                  file, form_id);
        goto cleanup;
    }
    im.ans = ans_new(im.form);
    pass(&im, text, tlen);
    if (im.rows == 0 && im.errors == 0)
        report(&im, 1, 1, "no responses in the file (a header row and one row per response)");
    if (im.errors) {
        if (im.errors > MAX_REPORTED)
            fprintf(stderr, "... and %ld more\n", im.errors - MAX_REPORTED);
        cli_error("nothing imported: %ld problem%s in %s", im.errors, im.errors == 1 ? "" : "s", file);
        goto cleanup;
    }
    if (dry) {
        printf("%s: %ld responses are valid (dry run: nothing stored)\n", file, im.rows);
        rc = 0;
        goto cleanup;
    }
    if (store_begin(s, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (wave_name) {
        r = store_wave_find(s, wave_name, &im.wave, &err);
        if (r == 1) {
            cli_error("no wave '%s'; add it with 'gapsurvey wave add %s'", wave_name, wave_name);
            goto rollback;
        }
    } else {
        r = store_wave_current(s, 1, &im.wave, &err);
        if (r == 1) {
            cli_error("every wave is closed; open one with 'gapsurvey wave add NAME' or give --wave");
            goto rollback;
        }
    }
    if (r < 0) {
        cli_error("%s", err);
        goto rollback;
    }
    im.writing = 1;
    if (pass(&im, text, tlen) != 0 || im.errors) {
        cli_error("%s", im.err ? im.err : "import failed");
        goto rollback;
    }
    if (store_import_record(s, hash, form_id, file, im.rows, &err) != 0 || store_commit(s, &err) != 0) {
        cli_error("%s", err);
        goto rollback;
    }
    printf("%s: %ld responses imported into %s\n", file, im.rows, form_id);
    if (im.nnew)
        printf("%zu new units created\n", im.nnew);
    rc = 0;
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    for (size_t i = 0; i < im.nnew; i++)
        free(im.new_units[i]);
    free(im.new_units);
    free(im.colpos);
    free(im.item_ids);
    free(im.err);
    ans_free(im.ans);
    form_free(im.form);
    store_close(s);
    free(data);
    free(text);
    free(err);
    return rc;
}
