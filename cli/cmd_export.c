/*
 * export: `gapsurvey export` writes the responses to one form in one wave
 * for SPSS, Stata, Excel, R or another gapsurvey (see export.h for what
 * each format holds).  This file picks the form, the wave and the format,
 * and says what was written; the writers live in export*.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/export/export.h"

static const char usage[] = N_(
    "usage: gapsurvey export --form FORM [--wave NAME] [--format FORMAT] [--labels]\n"
    "                        [-o FILE]\n"
    "\n"
    "Writes every response to FORM in the wave (default: the newest wave with\n"
    "responses to it), one row per response: the unit code and one column per\n"
    "question.  Raw data: small units are not suppressed, but no token, IP,\n"
    "date or time of day is ever written.\n"
    "\n"
    "formats (default: from the extension of -o):\n"
    "  plain  the import format: 'gapsurvey import' reads it back unchanged\n"
    "  csv    for Excel/WPS: UTF-8 with BOM; cells that would run as formulas\n"
    "         (= + - @) are prefixed with '\n"
    "  json   an array with one object per response\n"
    "  sav    SPSS (also PSPP, R haven): variable and value labels from the\n"
    "         form; -9 not answered, -8 not applicable, declared missing;\n"
    "         select_multiple as one 0/1 variable per option\n"
    "  dta    Stata 14+, the same coding; .a not answered, .b not applicable\n"
    "  xlsx   Excel: a data sheet and a codebook sheet\n"
    "\n"
    "  --labels   choice labels instead of choice names (csv, json, xlsx)\n"
    "  -o, --output FILE\n"
    "             write FILE (default: standard output; not a terminal for\n"
    "             sav, dta and xlsx)\n"
    "\n"
    "Labels are in the --lang language when the form has it.\n"
    "\n"
    "examples:\n"
    "  gapsurvey export --form staff-opinion -o staff-2026.sav\n"
    "  gapsurvey export --form staff-opinion --format csv --labels -o staff.csv\n");

static const cli_opt_t opts[] = {
    {"form", 'f', CLI_VALUE | CLI_SHORT},   {"wave", 'w', CLI_VALUE | CLI_SHORT},
    {"format", 'F', CLI_VALUE | CLI_SHORT}, {"labels", 'l', CLI_SHORT},
    {"output", 'o', CLI_VALUE | CLI_SHORT}, CLI_OPT_END};

int cmd_export(int argc, char **argv, cli_ctx_t *cx)
{
    const char *form_id = NULL, *wave_name = NULL, *format = NULL;
    exp_opts_t o = {0};
    int c;
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        switch (c) {
        case 'f': form_id = optarg; break;
        case 'w': wave_name = optarg; break;
        case 'F': format = optarg; break;
        case 'l': o.labels = 1; break;
        case 'o': o.path = optarg; break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc || !form_id) {
        if (!form_id)
            cli_error(_("--form is required"));
        return cli_usage(usage);
    }
    if (format) {
        if (exp_format_parse(format, &o.format) != 0) {
            cli_error(_("--format takes plain, csv, json, sav, dta or xlsx, not '%s'"), format);
            return 2;
        }
    } else if (!o.path || exp_format_from_path(o.path, &o.format) != 0) {
        cli_error(_("give --format plain, csv, json, sav, dta or xlsx (or -o FILE with one of "
                  "those extensions)"));
        return 2;
    }
    if (o.labels && o.format == EXP_PLAIN) {
        cli_error(_("--labels does not go with plain: the file would no longer import"));
        return 2;
    }
    if (!o.path && exp_format_binary(o.format) && isatty(1)) {
        cli_error(_("%s is a binary format; write it to a file with -o FILE"),
                  exp_format_name(o.format));
        return 2;
    }
    int rc = 1, wave;
    err_t err = {0};
    char *wname = NULL;
    form_t *f = NULL;
    store_t *s = cli_store(cx);
    if (!s || cli_form_get(s, form_id, &f, NULL))
        goto cleanup;
    int r = wave_name ? store_wave_find(s, wave_name, &wave, &err)
                  : store_wave_latest_for(s, form_id, &wave, &err);
    if (r == 1) {
        if (wave_name)
            cli_error(_("no wave '%s'; 'gapsurvey wave list' shows them"), wave_name);
        else
            cli_error(_("no responses to %s yet"), form_id);
        goto cleanup;
    }
    if (r < 0 || store_wave_name(s, wave, &wname, &err) != 0) {
        cli_error("%s", err.msg ? err.msg : _("cannot read the wave"));
        goto cleanup;
    }
    o.lang = form_lang(f, cli_lang);
    o.zh = cli_zh();
    exp_stats_t st;
    if (exp_write(s, f, form_id, wave, &o, &st, &err) != 0) {
        cli_perror(&err);
        free(st.tables);
        goto cleanup;
    }
    if (st.unlisted)
        fprintf(stderr,
                i18n_ntext("gapsurvey: export: note: %ld answer names a choice the newest version "
                           "of %s no longer has%s\n",
                           "gapsurvey: export: note: %ld answers name a choice the newest version "
                           "of %s no longer has%s\n",
                           (unsigned long)st.unlisted),
                st.unlisted, form_id,
                o.format == EXP_SAV || o.format == EXP_DTA ? _(" (written as missing)") : "");
    if (st.truncated)
        fprintf(stderr,
                i18n_ntext("gapsurvey: export: note: %ld text cut to the %s limit\n",
                           "gapsurvey: export: note: %ld texts cut to the %s limit\n",
                           (unsigned long)st.truncated),
                st.truncated, exp_format_name(o.format));
    if (o.path)
        printf(_("%s: %ld responses to %s (wave %s) written as %s\n"), o.path, st.rows, form_id,
               wname, exp_format_name(o.format));
    if (st.tables)
        printf(_("the repeats' rows, one per instance: %s\n"), st.tables);
    free(st.tables);
    rc = 0;
cleanup:
    free(wname);
    err_clear(&err);
    form_free(f);
    return rc;
}
