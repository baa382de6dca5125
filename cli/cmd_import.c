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

#include "cli/cli.h"
#include "cli/commands.h"
#include "base/encoding.h"
#include "survey/import/import.h"

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

/* What the command shows while the engine works: the first MAX_REPORTED
 * problems and the progress bar. */
typedef struct {
    const char *file;
    const char *what;    /* the progress bar's label */
    long shown;          /* problems reported so far (read errors aside) */
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
        char *at = err_text(&e);
        fprintf(stderr, "%s\n", at);
        free(at);
        err_clear(&e);
    } else if (++v->shown <= MAX_REPORTED) {
        cli_progress_clear(&v->prog);
        fprintf(stderr, "%s:%ld:%ld: %s\n", v->file, p->line, p->col, p->msg);
    }
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
    view_t v = {file, dry ? _("checking") : _("importing"), 0, {0}};
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
    if (import_read(run, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    const import_stats_t *st = import_stats(run);
    if (st->errors > MAX_REPORTED)
        fprintf(stderr, _("... and %ld more\n"), st->errors - MAX_REPORTED);
    if (import_check(run, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (st->rejected)
        fprintf(stderr, _("%s: %ld of %ld rows rejected; they and their problems are in %s\n"),
                file, st->rejected, st->rows, st->rejects);
    if (dry) {
        printf(_("%s: %ld responses are valid (dry run: nothing stored)\n"), file,
               st->rows - st->rejected);
        rc = 0;
        goto cleanup;
    }
    if (import_commit(run, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    printf(_("%s: %ld responses imported into %s"), file, st->stored, form_id);
    if (st->format != IMP_PLAIN || st->encoding != ENC_UTF8)
        printf(_(" (read as %s, %s)"), imp_format_name(st->format), enc_name(st->encoding));
    putchar('\n');
    if (st->created)
        printf(_("%ld new units created\n"), st->created);
    rc = 0;
cleanup:
    import_free(run);
    err_clear(&err);
    return rc;
}
