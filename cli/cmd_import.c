/*
 * import: `gapsurvey import FILE --form FORM` reads responses from a CSV
 * file into the store: gapsurvey's own `plain` layout (what `export
 * --format plain` writes) or the CSV exports of KoboToolbox/ODK Central
 * and 问卷星, in UTF-8 (with or without BOM) or GB18030.  The engine
 * (survey/import/import.c) checks and stores; this file parses the
 * options, shows the problems (the first MAX_REPORTED) and the progress
 * bar as the engine reports them, and says what was imported.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "base/encoding.h"
#include "base/rowgroup.h"
#include "base/xlsx.h"
#include "survey/import/import.h"

/* The reject column's name is spelled out (it is IMP_PROBLEMS_COLUMN):
 * xgettext cannot see through a macro in a translated string. */
static const char usage[] = N_(
    "usage: gapsurvey import FILE --form FORM [--format auto|plain|kobo|wjx] [--wave NAME]\n"
    "                        [--encoding auto|utf-8|gb18030] [--unit-column COL]\n"
    "                        [--create-units] [--skip-invalid [--rejects FILE]]\n"
    "                        [--dry-run] [--again]\n"
    "       gapsurvey import list\n"
    "       gapsurvey import undo ID\n"
    "\n"
    "Reads one response per row of a CSV file or of the first sheet of an\n"
    ".xlsx workbook and checks every cell against the form; problems are\n"
    "listed as FILE:ROW:COLUMN (FILE:Sheet!C12), the same problem on many\n"
    "rows once with its rows, and nothing is stored unless the whole file is\n"
    "valid.  Choice labels (what 'export --labels' writes) are read as their\n"
    "choices.  Responses go to --wave, else the newest open wave.\n"
    "\n"
    "Every import is a batch: 'import list' shows them (id, time, form, wave,\n"
    "rows, file), 'import undo ID' removes one with all its responses.  The\n"
    "same file, or the same responses in another file (other line ends,\n"
    "column or row order, encoding), is refused unless --again is given.\n"
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
    "  --again            import a file, or responses, that were imported before\n"
    "\n"
    "A progress bar (rows/s, time left) is shown on stderr when it is a terminal\n"
    "and the import takes more than a second.\n"
    "\n"
    "examples:\n"
    "  gapsurvey import responses.csv --form staff-opinion --dry-run\n"
    "  gapsurvey import wjx-export.xlsx --form staff-opinion --format wjx\n"
    "  gapsurvey import list\n"
    "  gapsurvey import undo 3\n");

/* Kinds of problem shown (each once, with its rows), kinds kept, and rows
 * listed per kind before "...". */
#define MAX_REPORTED 200
#define MAX_KINDS 2000
#define MAX_RANGES 12

/* What the command shows of the engine's work: the problems, grouped by
 * column and message (the same problem on 500 rows is one line with the
 * row list), after the pass; the progress bar during it. */
typedef struct {
    const char *file;
    const char *what;    /* the progress bar's label */
    rowgroup_t *groups;  /* the problems of the rows */
    const char *sheet;   /* an .xlsx file: the sheet the positions are in */
    char *fatal;         /* the read error, shown after the rest (heap) */
    cli_progress_t prog;
} view_t;

static void on_problem(void *ud, const import_problem_t *p)
{
    view_t *v = ud;
    if (p->fatal) {
        /* FILE:LINE:COL: as far as the problem knows its position */
        err_t e = {0};
        err_set_at(&e, ERR_INPUT, p->line, p->col, "%s", p->msg);
        err_set_file(&e, v->file);
        free(v->fatal);
        v->fatal = err_text(&e);
        err_clear(&e);
        return;
    }
    v->sheet = p->sheet;
    rowgroup_add(v->groups, p->col, p->msg, p->line);
}

/* FILE:LINE:COL, or FILE:SHEET!C12 for a workbook (heap). */
static char *where(const view_t *v, long line, long col)
{
    char ref[16];
    if (v->sheet)
        return util_fmt("%s:%s!%s", v->file, v->sheet, xlsx_cell_name(line, col, ref));
    return util_fmt("%s:%ld:%ld", v->file, line, col);
}

/* Every kind of problem once (the first MAX_REPORTED), at its first row,
 * with the other rows it was found in; then the read error. */
static void show_problems(view_t *v)
{
    size_t n = rowgroup_count(v->groups);
    long more = rowgroup_dropped(v->groups);
    for (size_t i = 0; i < n; i++) {
        rowgroup_item_t g = rowgroup_get(v->groups, i);
        if (i >= MAX_REPORTED) {
            more += g.rows;
            continue;
        }
        char *at = where(v, g.first, g.col);
        fprintf(stderr, "%s: %s", at, g.msg);
        if (g.rows > 1) {
            char *rows = rowgroup_rows(v->groups, i, MAX_RANGES);
            fputc(' ', stderr);
            /* TRANSLATORS: after a problem found in many rows: how many,
             * and which ("2-24, 31, ...") */
            fprintf(stderr, i18n_ntext("(the same in %ld row: %s)", "(the same in %ld rows: %s)",
                                       (unsigned long)g.rows), g.rows, rows);
            free(rows);
        }
        fputc('\n', stderr);
        free(at);
    }
    if (more > 0)
        fprintf(stderr, i18n_ntext("... and %ld more problem\n", "... and %ld more problems\n",
                                   (unsigned long)more), more);
    if (v->fatal)
        fprintf(stderr, "%s\n", v->fatal);
}

static void on_progress(void *ud, import_event_t ev, double frac, long rows)
{
    view_t *v = ud;
    switch (ev) {
    case IMPORT_PASS_BEGIN: cli_progress_begin(&v->prog, v->what, _("rows")); break;
    case IMPORT_PASS_STEP: cli_progress_update(&v->prog, frac, rows, 0); break;
    case IMPORT_PASS_DONE: cli_progress_update(&v->prog, frac, rows, 1); break;
    case IMPORT_PASS_END: cli_progress_clear(&v->prog); break;
    }
}

/* ---- import list, import undo ---- */

typedef struct {
    char **cells;        /* 6 per batch: id, time, form, wave, rows, file */
    size_t n;
    int old;             /* a batch recorded before batches were kept */
} listing_t;

static int collect(void *ud, const store_import_t *b)
{
    listing_t *l = ud;
    l->cells = util_xrealloc(l->cells, (l->n + 1) * 6 * sizeof *l->cells);
    char **c = l->cells + 6 * l->n++;
    c[0] = util_fmt("%ld", b->id);
    c[1] = util_xstrdup(b->imported_at);
    c[2] = util_xstrdup(b->form_id);
    c[3] = util_xstrdup(b->wave ? b->wave : "-");
    c[4] = util_fmt("%ld%s", b->rows, b->undoable ? "" : "*");
    c[5] = util_xstrdup(b->file);
    l->old |= !b->undoable;
    return 0;
}

static int import_list(cli_ctx_t *cx)
{
    /* TRANSLATORS: the column headers of `import list` */
    const char *head[6] = {_("id"), _("imported"), _("form"), _("wave"), _("rows"), _("file")};
    listing_t l = {0};
    err_t err = {0};
    store_t *s = cli_store(cx);
    int rc = 1;
    if (!s)
        return 1;
    if (store_import_list(s, 0, collect, &l, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (l.n == 0) {
        printf("%s\n", _("no imports yet"));
        rc = 0;
        goto cleanup;
    }
    size_t w[6];
    for (size_t j = 0; j < 6; j++) {
        w[j] = util_utf8_width(head[j]);
        for (size_t i = 0; i < l.n; i++)
            if (util_utf8_width(l.cells[6 * i + j]) > w[j])
                w[j] = util_utf8_width(l.cells[6 * i + j]);
    }
    for (size_t i = 0; i <= l.n; i++)
        for (size_t j = 0; j < 6; j++) {
            const char *t = i == 0 ? head[j] : l.cells[6 * (i - 1) + j];
            util_fput_padded(stdout, t, j == 5 ? 0 : w[j], j == 0 || j == 4);
            fputs(j == 5 ? "\n" : "  ", stdout);
        }
    if (l.old)
        printf("%s\n", _("* recorded before imports were kept as batches: cannot be undone"));
    rc = 0;
cleanup:
    for (size_t i = 0; i < 6 * l.n; i++)
        free(l.cells[i]);
    free(l.cells);
    err_clear(&err);
    return rc;
}

static int describe(void *ud, const store_import_t *b)
{
    *(char **)ud = util_fmt(_("import %ld (%s, %s, form %s, wave %s)"), b->id, b->file,
                            b->imported_at, b->form_id, b->wave ? b->wave : "-");
    return 0;
}

static int import_undo_cmd(cli_ctx_t *cx, const char *arg)
{
    long id, removed = 0;
    err_t err = {0};
    char *what = NULL;
    int rc = 1;
    if (util_parse_long(arg, &id) != 0 || id <= 0) {
        cli_error(_("import undo takes the id of an import ('gapsurvey import list' shows "
                    "them), not '%s'"), arg);
        return 2;
    }
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    int r = store_import_list(s, id, describe, &what, &err);
    if (r == 0)
        r = import_undo(s, id, &removed, &err);
    if (r == 1)
        cli_error(_("there is no import %ld; 'gapsurvey import list' shows them"), id);
    else if (r != 0)
        cli_perror(&err);
    else {
        printf(i18n_ntext("%s undone: %ld response removed\n", "%s undone: %ld responses removed\n",
                          (unsigned long)removed), what, removed);
        rc = 0;
    }
    free(what);
    err_clear(&err);
    return rc;
}

/* After a successful check: what the file held, then the commit (unless
 * dry) and what was stored.  The exit status. */
static int finish(import_t *run, const char *file, const char *form_id, int dry)
{
    const import_stats_t *st = import_stats(run);
    err_t err = {0};
    if (st->rejected)
        fprintf(stderr, _("%s: %ld of %ld rows rejected; they and their problems are in %s\n"),
                file, st->rejected, st->rows, st->rejects);
    if (st->labels)
        printf(i18n_ntext("%s: %ld cell held a choice label instead of its name and was read as "
                          "that choice, e.g. %s\n",
                          "%s: %ld cells held choice labels instead of names and were read as "
                          "those choices, e.g. %s\n", (unsigned long)st->labels),
               file, st->labels, st->label_example);
    if (dry) {
        printf(_("%s: %ld responses are valid (dry run: nothing stored)\n"), file,
               st->rows - st->rejected);
        return 0;
    }
    if (import_commit(run, &err) != 0) {
        cli_perror(&err);
        err_clear(&err);
        return 1;
    }
    printf(_("%s: %ld responses imported into %s"), file, st->stored, form_id);
    if (st->book)
        printf(_(" (read as %s, from the first sheet of the workbook)"),
               imp_format_name(st->format));
    else if (st->format != IMP_PLAIN || st->encoding != ENC_UTF8)
        printf(_(" (read as %s, %s)"), imp_format_name(st->format), enc_name(st->encoding));
    printf(_("; import %ld ('gapsurvey import undo %ld' removes it)"), st->batch, st->batch);
    putchar('\n');
    if (st->created)
        printf(_("%ld new units created\n"), st->created);
    return 0;
}

int cmd_import(int argc, char **argv, cli_ctx_t *cx)
{
    /* `import list` and `import undo ID`: a file called list or undo is
     * given as ./list */
    if (argc == 2 && strcmp(argv[1], "list") == 0)
        return import_list(cx);
    if (argc == 3 && strcmp(argv[1], "undo") == 0)
        return import_undo_cmd(cx, argv[2]);
    if (argc >= 2 && (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "undo") == 0))
        return cli_usage(usage);

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
    import_opts_t im = {0};   /* the engine's options, filled as they are parsed */
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
    view_t v = {file, dry ? _("checking") : _("importing"), rowgroup_new(MAX_KINDS, MAX_RANGES),
                NULL, NULL, {0}};
    im.file = file;
    im.form_id = form_id;
    im.encoding = enc;
    im.wave = wave_name;
    im.rejects = rejects;
    im.dry_run = dry;
    im.again = again;
    im.problem = on_problem;
    im.progress = on_progress;
    im.ud = &v;
    int rc = 1;
    err_t err = {0};
    import_t *run = NULL;
    store_t *s = cli_store(cx);
    if (!s)
        goto cleanup;
    run = import_new(s, &im);
    int rr = import_read(run, &err);
    show_problems(&v);
    if (rr != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (import_check(run, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    rc = finish(run, file, form_id, dry);
cleanup:
    import_free(run);
    rowgroup_free(v.groups);
    free(v.fatal);
    err_clear(&err);
    return rc;
}
