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
#include "analysis/report/feedback.h"
#include "analysis/report/report.h"

static const char usage[] = N_(
    "usage: gapsurvey report --out DIR [--form FORM] [--wave NAME]\n"
    "                        [--by unit|category|parent|ITEM]\n"
    "                        [--lang zh|en] [--compare-wave NAME] [--min-n N]\n"
    "                        [--min-diff X] [--fdr Q] [--comment-min N]\n"
    "                        [--allow-small-groups] [--validity] [--factors N]\n"
    "                        [--drivers] [--screen] [--exclude-careless]\n"
    "                        [--crosstab A,B] [--no-plots]\n"
    "                        [--format html,md,docx|all] [--unit CODE]\n"
    "       gapsurvey report --each-unit DIR [analysis options]\n"
    "\n"
    "Writes DIR/report.html (one self-contained file, printable on A4),\n"
    "DIR/report.md, the tables as CSV (UTF-8 with BOM, for Excel and WPS) and\n"
    "the plots under DIR/plots/ (PNG and SVG, each with the gnuplot script and\n"
    "data that draw it).  The analysis options are those of 'gapsurvey analyze';\n"
    "--validity, --drivers and --screen add the sections on measurement quality\n"
    "and on where to act first; every question is counted in an appendix, and\n"
    "--crosstab A,B adds a section on that cross-tabulation.\n"
    "\n"
    "  --out DIR          where to write (created if needed)\n"
    "  --lang zh|en       language of the report (default: --lang before the\n"
    "                     command, else the environment)\n"
    "  --compare-wave W0  add the changes since wave W0\n"
    "  --no-plots         write the report without plots (no gnuplot needed)\n"
    "  --format LIST      the formats, comma-separated: html, md, docx (a Word\n"
    "                     document, report.docx) or all (default: html,md)\n"
    "  --unit CODE        instead, the feedback report of one unit: DIR/CODE.html\n"
    "                     and DIR/CODE.docx (by --format: html,docx)\n"
    "  --each-unit DIR    the feedback report of every unit into DIR\n"
    "\n"
    "examples:\n"
    "  gapsurvey report --out report-2026\n"
    "  gapsurvey report --wave 2026 --compare-wave 2025 --lang en --out report-en\n"
    "  gapsurvey report --format docx --out report-2026\n"
    "  gapsurvey report --validity --drivers --screen --out report-2026\n"
    "  gapsurvey report --compare-wave 2025 --each-unit feedback-2026\n");

/* The formats of --format LIST into *f; -1 on a word it does not know. */
static int parse_formats(const char *list, unsigned *f)
{
    static const struct {
        const char *name;
        unsigned f;
    } names[] = {{"html", REPORT_HTML}, {"md", REPORT_MD}, {"docx", REPORT_DOCX}, {"all", REPORT_ALL}};
    *f = 0;
    char *copy = util_xstrdup(list), *save = NULL;
    int rc = 0;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        size_t k = 0;
        while (k < sizeof names / sizeof names[0] && strcmp(names[k].name, util_trim(w)) != 0)
            k++;
        if (k == sizeof names / sizeof names[0])
            rc = -1;
        else
            *f |= names[k].f;
    }
    free(copy);
    return rc == 0 && *f ? 0 : -1;
}

/* --unit and --each-unit: the feedback reports.  Returns the exit status. */
static int write_feedback(const res_t *r, const char *unit, const char *dir, unsigned formats, int plots)
{
    err_t err = {0};
    char *path = NULL;
    size_t n = 0;
    int rc = unit ? feedback_write(r, unit, dir, formats, plots, &path, &err)
                  : feedback_write_all(r, dir, formats, plots, &n, &err);
    if (rc != 0)
        cli_perror(&err);
    else if (unit)
        printf("%s\n", path);
    else
        printf(_("%s: %zu feedback reports\n"), dir, n);
    err_clear(&err);
    free(path);
    return rc ? 1 : 0;
}

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
    {"format", 'F', CLI_VALUE},
    {"unit", 'U', CLI_VALUE},
    {"each-unit", 'E', CLI_VALUE},
    CLI_OPT_END};

int cmd_report(int argc, char **argv, cli_ctx_t *cx)
{
    an_opts_t o;
    an_opts_default(&o);
    o.lang = cli_lang;
    o.questions = 1;   /* the report's appendix counts every question */
    o.rollup = 1;      /* and its units table has category subtotals */
    const char *out = NULL, *unit = NULL, *each = NULL;
    unsigned formats = 0;
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
        case 'U': unit = optarg; break;
        case 'E': each = optarg; break;
        case 'F':
            if (parse_formats(optarg, &formats) != 0) {
                cli_error(_("--format takes html, md, docx or all (comma-separated), not '%s'"), optarg);
                return 2;
            }
            break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc)
        return cli_usage(usage);
    if (cli_dash_dir("--out", out, NULL) || cli_dash_dir("--each-unit", each, NULL))
        return 2;
    if (each && *each)
        out = each;
    if (anopt_env(&o) != 0 || anopt_check(&o) != 0)
        return 2;
    if (!out || !*out) {
        cli_error(_("--out DIR is required: the directory to write the report into"));
        return cli_usage(usage);
    }
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    res_t *r = NULL;
    err_t err = {0};
    err_t plot_err = {0};
    int rc = 1;
    if (an_run(s, &o, &r, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (unit || each) {
        rc = write_feedback(r, unit, out, formats ? formats : REPORT_HTML | REPORT_DOCX, plots);
        goto cleanup;
    }
    cli_progress_t prog;
    cli_progress_begin(&prog, _("drawing plots"), _("plots"));
    int wrc = report_write_formats(r, out, formats ? formats : REPORT_HTML | REPORT_MD, plots, plot_told, &prog,
                                   &plot_err, &err);
    cli_progress_clear(&prog);
    if (wrc != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (plot_err.msg) {
        cli_perror(&plot_err);
        cli_error(_("the report was written without those plots: %s/report.html"), out);
        goto cleanup;
    }
    static const char *const files[] = {"report.html", "report.md", "report.docx"};
    for (unsigned k = 0; k < 3; k++)
        if ((formats ? formats : REPORT_HTML | REPORT_MD) & (1u << k))
            printf("%s/%s\n", out, files[k]);
    rc = 0;
cleanup:
    err_clear(&err);
    err_clear(&plot_err);
    res_free(r);
    return rc;
}
