/*
 * export: `gapsurvey export` writes the responses to one form in one wave
 * or several for SPSS, Stata, Excel, R or another gapsurvey (see export.h
 * for what each format holds), with the unit's name and category, the
 * wave and the dimension scores as added columns when asked.  This file
 * picks the form, the waves and the format, and says what was written;
 * the writers live in survey/export/.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/export/export.h"
#include "survey/units.h"

static const char usage[] = N_(
    "usage: gapsurvey export --form FORM [--wave NAME[,NAME...] | --all-waves]\n"
    "                        [--format FORMAT] [--labels] [--unit-info]\n"
    "                        [--wave-column] [--scores] [-o FILE]\n"
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
    "  --wave A,B     several waves in one file, one after the other; a wave\n"
    "                 column tells them apart\n"
    "  --all-waves    every wave, oldest first\n"
    "  --labels       choice labels instead of choice names (csv, json, xlsx)\n"
    "  --unit-info    unit_name and unit_category columns after unit, from the\n"
    "                 units table\n"
    "  --wave-column  a wave column after them (always with several waves)\n"
    "  --scores       a score_DIM column per dimension after the questions: the\n"
    "                 respondent's 0-100 score, as analyze computes it (empty\n"
    "                 when fewer than half of the dimension's items were answered)\n"
    "  -o, --output FILE\n"
    "             write FILE; - or no -o: standard output (sav, dta and xlsx\n"
    "             only to a pipe or a file, never to a terminal)\n"
    "\n"
    "The added columns and several waves are for analysis (csv, json, sav, dta,\n"
    "xlsx), not for plain, which must import back.  Labels are in the --lang\n"
    "language when the form has it.\n"
    "\n"
    "examples:\n"
    "  gapsurvey export --form staff-opinion -o staff-2026.sav\n"
    "  gapsurvey export --form staff-opinion --format csv --labels -o staff.csv\n"
    "  gapsurvey export --form staff-opinion --all-waves --unit-info --scores \\\n"
    "      -o staff-all.sav\n");

static const cli_opt_t opts[] = {
    {"form", 'f', CLI_VALUE | CLI_SHORT},   {"wave", 'w', CLI_VALUE | CLI_SHORT},
    {"format", 'F', CLI_VALUE | CLI_SHORT}, {"labels", 'l', CLI_SHORT},
    {"output", 'o', CLI_VALUE | CLI_SHORT}, {"all-waves", 'A', 0},
    {"unit-info", 'U', 0},                  {"wave-column", 'W', 0},
    {"scores", 'S', 0},                     CLI_OPT_END};

/* The waves an export reads (ids and names, the caller frees both and
 * each name). */
typedef struct {
    int *ids;
    char **names;
    size_t n;
} waves_t;

static void waves_add(waves_t *w, int id, const char *name)
{
    w->ids = util_xrealloc(w->ids, (w->n + 1) * sizeof *w->ids);
    w->names = util_xrealloc(w->names, (w->n + 1) * sizeof *w->names);
    w->ids[w->n] = id;
    w->names[w->n++] = util_xstrdup(name);
}

static void waves_free(waves_t *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->names[i]);
    free(w->names);
    free(w->ids);
}

static int add_listed_wave(void *ud, const store_wave_t *w)
{
    waves_add(ud, w->id, w->name);
    return 0;
}

/* The waves asked for: --all-waves, --wave A[,B...], else the newest
 * with responses to form_id.  0, or 1 after printing why not. */
static int pick_waves(store_t *s, const char *form_id, const char *list, int all, waves_t *w)
{
    err_t err = {0};
    char *copy = NULL;
    int id, r = 0;
    if (all) {
        r = store_wave_list(s, add_listed_wave, w, &err);
    } else if (!list) {
        char *name = NULL;
        r = store_wave_latest_for(s, form_id, &id, &err);
        if (r == 1)
            cli_error(_("no responses to %s yet"), form_id);
        else if (r == 0 && (r = store_wave_name(s, id, &name, &err)) == 0)
            waves_add(w, id, name);
        free(name);
    } else {
        copy = util_xstrdup(list);
        char *save = NULL;
        for (char *n = strtok_r(copy, ",", &save); n && r == 0; n = strtok_r(NULL, ",", &save)) {
            n = util_trim(n);
            r = store_wave_find(s, n, &id, &err);
            for (size_t i = 0; r == 0 && i < w->n; i++)
                if (w->ids[i] == id) {
                    cli_error(_("--wave names wave '%s' twice"), n);
                    r = 1;
                }
            if (r == 0)
                waves_add(w, id, n);
            else if (r == 1 && !err.msg)
                cli_error(_("no wave '%s'; 'gapsurvey wave list' shows them"), n);
        }
    }
    if (r == 0 && w->n == 0) {
        cli_error(_("no waves yet"));
        r = 1;
    }
    if (r < 0)
        cli_perror(&err);
    free(copy);
    err_clear(&err);
    return r != 0;
}

/* The format, from --format or the file's extension, and what goes with
 * it: 0, or the usage exit status after saying what is wrong. */
static int settle_format(const char *format, int out_given, int several, exp_opts_t *o)
{
    if (format) {
        if (exp_format_parse(format, &o->format) != 0) {
            cli_error(_("--format takes plain, csv, json, sav, dta or xlsx, not '%s'"), format);
            return 2;
        }
    } else if (!o->path || exp_format_from_path(o->path, &o->format) != 0) {
        if (out_given && !o->path)
            cli_error(_("-o - (standard output) has no extension to tell the format: give "
                        "--format plain, csv, json, sav, dta or xlsx"));
        else
            cli_error(_("give --format plain, csv, json, sav, dta or xlsx (or -o FILE with one "
                        "of those extensions)"));
        return 2;
    }
    if (o->labels && o->format == EXP_PLAIN) {
        cli_error(_("--labels does not go with plain: the file would no longer import"));
        return 2;
    }
    if ((exp_added_columns(o) || several) && o->format == EXP_PLAIN) {
        cli_error(_("--unit-info, --wave-column, --scores and several waves do not go with "
                    "plain, the import format: the file would no longer import; use csv"));
        return 2;
    }
    if (!o->path && exp_format_binary(o->format) && isatty(1)) {
        cli_error(_("%s is a binary format; write it to a file with -o FILE"),
                  exp_format_name(o->format));
        return 2;
    }
    return 0;
}

/* What was written, on stdout when the file is elsewhere. */
static void tell(const exp_opts_t *o, const exp_stats_t *st, const char *form_id,
                 const waves_t *w)
{
    if (st->unlisted)
        fprintf(stderr,
                i18n_ntext("gapsurvey: export: note: %ld answer names a choice the newest version "
                           "of %s no longer has%s\n",
                           "gapsurvey: export: note: %ld answers name a choice the newest version "
                           "of %s no longer has%s\n",
                           (unsigned long)st->unlisted),
                st->unlisted, form_id,
                o->format == EXP_SAV || o->format == EXP_DTA ? _(" (written as missing)") : "");
    if (st->truncated)
        fprintf(stderr,
                i18n_ntext("gapsurvey: export: note: %ld text cut to the %s limit\n",
                           "gapsurvey: export: note: %ld texts cut to the %s limit\n",
                           (unsigned long)st->truncated),
                st->truncated, exp_format_name(o->format));
    if (o->path) {
        util_buf_t names = {0};
        for (size_t i = 0; i < w->n; i++)
            util_buf_addf(&names, "%s%s", i ? ", " : "", w->names[i]);
        printf(_("%s: %ld responses to %s (wave %s) written as %s\n"), o->path, st->rows, form_id,
               names.s, exp_format_name(o->format));
        util_buf_free(&names);
    }
    if (st->tables)
        printf(_("the repeats' rows, one per instance: %s\n"), st->tables);
}

int cmd_export(int argc, char **argv, cli_ctx_t *cx)
{
    const char *form_id = NULL, *wave_name = NULL, *format = NULL;
    exp_opts_t o = {0};
    int c, out_given = 0, all = 0;
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        switch (c) {
        case 'f': form_id = optarg; break;
        case 'w': wave_name = optarg; break;
        case 'F': format = optarg; break;
        case 'l': o.labels = 1; break;
        case 'o': o.path = cli_out_file(optarg); out_given = 1; break;
        case 'A': all = 1; break;
        case 'U': o.unit_info = 1; break;
        case 'W': o.wave_column = 1; break;
        case 'S': o.scores = 1; break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc || !form_id) {
        if (!form_id)
            cli_error(_("--form is required"));
        return cli_usage(usage);
    }
    if (all && wave_name) {
        cli_error(_("--wave and --all-waves exclude each other"));
        return 2;
    }
    int several = all || (wave_name && strchr(wave_name, ','));
    if ((c = settle_format(format, out_given, several, &o)) != 0)
        return c;
    int rc = 1;
    err_t err = {0};
    form_t *f = NULL;
    waves_t w = {0};
    store_t *s = cli_store(cx);
    if (!s || cli_form_get(s, form_id, &f, NULL))
        goto cleanup;
    /* unit labels (--labels, value labels) are the units table's names */
    if (units_fill_form(s, f, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (pick_waves(s, form_id, wave_name, all, &w))
        goto cleanup;
    o.waves = w.ids;
    o.wave_names = (const char *const *)w.names;
    o.nwaves = w.n;
    o.wave_column |= w.n > 1;
    o.lang = form_lang(f, cli_lang);
    o.zh = cli_zh();
    exp_stats_t st;
    if (exp_write(s, f, form_id, w.ids[0], &o, &st, &err) != 0) {
        cli_perror(&err);
        free(st.tables);
        goto cleanup;
    }
    tell(&o, &st, form_id, &w);
    free(st.tables);
    rc = 0;
cleanup:
    waves_free(&w);
    err_clear(&err);
    form_free(f);
    return rc;
}
