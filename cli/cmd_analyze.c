/*
 * analyze: per-dimension and per-unit statistics of a staff form in a wave,
 * as terminal tables (default), JSON (the contract of DESIGN.md section 6)
 * or CSV tables.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "analysis/report/render.h"
#include "cli/anopt.h"
#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] = N_(
    "usage: gapsurvey analyze [--form FORM] [--wave NAME]\n"
    "                         [--by unit|category|parent|ITEM]\n"
    "                         [--compare-wave NAME] [--min-n N] [--min-diff X]\n"
    "                         [--fdr Q] [--comment-min N] [--allow-small-groups]\n"
    "                         [--validity] [--factors N] [--drivers] [--screen]\n"
    "                         [--exclude-careless] [--items] [--crosstab A,B]\n"
    "                         [--json | --csv DIR]\n"
    "\n"
    "Scores every respondent per dimension (0-100), then reports per dimension\n"
    "(mean, CI, Cronbach's alpha, ANOVA, Welch, Kruskal-Wallis, ICC, weak-\n"
    "dimension test) and per unit (mean, CI, rwg(j), shrunk mean, Welch t\n"
    "against all others with Benjamini-Hochberg q, funnel position), the gap\n"
    "between each unit's self-assessment and its staff, the self-assessment's\n"
    "bonus and deduction points against the staff's view, and changes since\n"
    "--compare-wave.  Groups with fewer than --min-n responses never show.\n"
    "\n"
    "  --form FORM        the staff form (default: the one with most responses)\n"
    "  --wave NAME        default: the newest wave with responses\n"
    "  --by GROUPING      unit (default); category or parent (the units table's:\n"
    "                     a group is the units sharing it); or a select_one\n"
    "                     question\n"
    "  --items            count every question: answers per choice with\n"
    "                     percentages, not answered, not applicable; numbers with\n"
    "                     mean, SD, median and quartiles; per shown group too\n"
    "  --crosstab A,B     cross-tabulate two select_one questions (or the\n"
    "                     grouping, e.g. unit,party): counts, row and column\n"
    "                     percentages, chi-square test and Cramer's V; cells under\n"
    "                     --min-n are suppressed\n"
    "  --min-n N          smallest group shown (default 5; below 5 only with\n"
    "                     --allow-small-groups, which every output then states)\n"
    "  --comment-min N    quote a unit's comments from N respondents (default 10,\n"
    "                     never below --min-n; never under --by groups)\n"
    "  --allow-small-groups  allow --min-n below 5\n"
    "  --min-diff X       smallest difference, in points, called weak (default 5)\n"
    "  --fdr Q            false discovery rate (default 0.05)\n"
    "  --validity         measurement quality: KMO, Bartlett, parallel analysis,\n"
    "                     EFA (minres, oblimin), CFA of the form's own model,\n"
    "                     omega and AVE per dimension\n"
    "  --factors N        factors of the EFA (default: the form's dimensions)\n"
    "  --drivers          key drivers of the form's outcome question (settings\n"
    "                     outcome_field) and the priority matrix\n"
    "  --screen           careless answers: longest run of equal answers, SD of\n"
    "                     one's answers, straight-lining, Mahalanobis distance\n"
    "  --exclude-careless screen, and leave the flagged out of every statistic\n"
    "  --json             the whole result as JSON on stdout\n"
    "  --csv DIR          dimensions.csv, groups.csv, items.csv, gaps.csv, changes.csv,\n"
    "                     points.csv (and questions.csv, crosstab.csv when asked)\n"
    "\n"
    "examples:\n"
    "  gapsurvey analyze\n"
    "  gapsurvey analyze --form staff-opinion --by position --json\n"
    "  gapsurvey analyze --validity --drivers --screen\n"
    "  gapsurvey analyze --items --crosstab position,party\n"
    "  gapsurvey analyze --by category\n");

static void on_progress(void *ud, long done, long total)
{
    cli_progress_update(ud, total > 0 ? (double)done / (double)total : -1.0, done, 0);
}

static const cli_opt_t opts[] = {
    ANOPT_OPTS
    {"json", 'j', CLI_SHORT},
    {"items", 'i', 0},
    {"csv", 'C', CLI_VALUE | CLI_SHORT},
    CLI_OPT_END};

int cmd_analyze(int argc, char **argv, cli_ctx_t *cx)
{
    an_opts_t o;
    an_opts_default(&o);
    int json = 0, c;
    const char *csvdir = NULL;
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        int k = anopt_apply(&o, c, optarg);
        if (k < 0)
            return 2;
        if (k)
            continue;
        switch (c) {
        case 'j': json = 1; break;
        case 'i': o.questions = 1; break;
        case 'C': csvdir = optarg; break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc)
        return cli_usage(usage);
    o.lang = cli_lang;   /* after the options: `analyze --lang zh` sets it */
    if (anopt_env(&o) != 0 || anopt_check(&o) != 0)
        return 2;
    if (json && csvdir) {
        cli_error(_("--json and --csv exclude each other"));
        return 2;
    }
    if (cli_dash_dir("--csv", csvdir, _("--json writes the whole result to standard output")))
        return 2;
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    res_t *r = NULL;
    err_t err = {0};
    int rc = 1;
    /* a million responses take about 20 s: a line on a terminal after 1 s */
    cli_progress_t prog;
    cli_progress_begin(&prog, _("analysing"), _("responses"));
    if (prog.on) {
        o.progress = on_progress;
        o.progress_ud = &prog;
    }
    int ran = an_run(s, &o, &r, &err);
    cli_progress_clear(&prog);
    if (ran != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (json) {
        if (render_json(r, stdout, &err) != 0) {
            cli_perror(&err);
            goto cleanup;
        }
    } else if (csvdir) {
        if (render_csv(r, csvdir, &err) != 0) {
            cli_perror(&err);
            goto cleanup;
        }
        printf(_("wrote dimensions.csv, groups.csv, items.csv, gaps.csv, changes.csv in %s\n"), csvdir);
    } else {
        const char *nc = getenv("NO_COLOR");
        render_table(r, stdout, isatty(STDOUT_FILENO) && !(nc && *nc));
    }
    rc = 0;
cleanup:
    err_clear(&err);
    res_free(r);
    return rc;
}
