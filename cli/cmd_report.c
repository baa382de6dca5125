/*
 * report: `gapsurvey report --out DIR` analyses a staff form in a wave (the
 * same options as analyze) and writes the written report, its tables and
 * its plots into DIR (report.c, plot.c).  A missing gnuplot does not stop
 * the report: it is written without plots, and the command says which
 * package to install and exits 1 so scripts notice.
 *
 * The plots are most of the time (one gnuplot run each), so on a terminal
 * a progress line counts them on stderr (cli_progress_*: nothing when
 * stderr is not a terminal, so logs stay clean).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze.h"
#include "cli/anopt.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "analysis/report/report.h"

static const char usage[] = N_(
    "usage: gapsurvey report --out DIR [--form FORM] [--wave NAME] [--by unit|ITEM]\n"
    "                        [--lang zh|en] [--compare-wave NAME] [--min-n N]\n"
    "                        [--min-diff X] [--fdr Q] [--comment-min N]\n"
    "                        [--allow-small-groups] [--no-plots]\n"
    "\n"
    "Writes DIR/report.html (one self-contained file, printable on A4),\n"
    "DIR/report.md, the tables as CSV (UTF-8 with BOM, for Excel and WPS) and\n"
    "the plots under DIR/plots/ (PNG and SVG, each with the gnuplot script and\n"
    "data that draw it).  The analysis options are those of 'gapsurvey analyze'.\n"
    "\n"
    "  --out DIR          where to write (created if needed)\n"
    "  --lang zh|en       language of the report (default: --lang before the\n"
    "                     command, else the environment)\n"
    "  --compare-wave W0  add the changes since wave W0\n"
    "  --no-plots         write the report without plots (no gnuplot needed)\n"
    "\n"
    "examples:\n"
    "  gapsurvey report --out report-2026\n"
    "  gapsurvey report --wave 2026 --compare-wave 2025 --lang en --out report-en\n");

/* plot_progress_fn: one more plot drawn */
static void plot_told(void *arg, size_t done, size_t total)
{
    cli_progress_update(arg, total ? (double)done / (double)total : 1.0, (long)done, 0);
}

static const cli_opt_t opts[] = {
    ANOPT_OPTS
    {"lang", 'l', CLI_VALUE | CLI_SHORT},
    {"out", 'o', CLI_VALUE | CLI_SHORT},
    {"no-plots", 'P', CLI_SHORT},
    CLI_OPT_END};

int cmd_report(int argc, char **argv, cli_ctx_t *cx)
{
    an_opts_t o;
    an_opts_default(&o);
    o.lang = cli_lang;
    const char *out = NULL;
    int plots = 1, c;
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        int k = anopt_apply(&o, c, optarg);
        if (k < 0)
            return 2;
        if (k)
            continue;
        switch (c) {
        case 'l':
            o.lang = cli_norm_lang(optarg);
            if (!o.lang) {
                cli_error(_("--lang takes zh or en, not '%s'"), optarg);
                return 2;
            }
            break;
        case 'o': out = optarg; break;
        case 'P': plots = 0; break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc)
        return cli_usage(usage);
    if (anopt_check(&o) != 0)
        return 2;
    if (!out || !*out) {
        cli_error(_("--out DIR is required: the directory to write the report into"));
        return cli_usage(usage);
    }
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    res_t *r = NULL;
    char *err = NULL, *plot_err = NULL;
    int rc = 1;
    if (an_run(s, &o, &r, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    cli_progress_t prog;
    cli_progress_begin(&prog, _("drawing plots"), _("plots"));
    int wrc = report_write_progress(r, out, plots, plot_told, &prog, &plot_err, &err);
    cli_progress_clear(&prog);
    if (wrc != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (plot_err) {
        cli_error("%s", plot_err);
        cli_error(_("the report was written without those plots: %s/report.html"), out);
        goto cleanup;
    }
    printf("%s/report.html\n%s/report.md\n", out, out);
    rc = 0;
cleanup:
    free(err);
    free(plot_err);
    res_free(r);
    return rc;
}
