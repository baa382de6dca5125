/*
 * demo: `gapsurvey demo` is the whole job in one command, on a simulated
 * city: a fresh DIR/demo.db (or the empty PostgreSQL database --db names)
 * with the shipped questionnaires and units, two
 * survey waves (2025 and 2026) with a few weaknesses planted in 2026 and
 * two units whose self-assessments are inflated, the analysis of 2026
 * against 2025 and the report in DIR.  It ends by printing the findings,
 * which should name exactly what was planted.
 *
 * What it prints on stdout goes with the findings, which are in the
 * report's language (--lang of demo), so it uses TR(zh, ...); errors
 * follow the process's language (_()).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "base/fs.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "base/i18n.h"
#include "analysis/report/render.h"
#include "analysis/report/report.h"
#include "survey/simulate.h"

static const char usage[] = N_(
    "usage: gapsurvey demo [--out DIR] [--lang zh|en]\n"
    "\n"
    "Simulates a city of 40 units surveyed in 2025 and 2026, with weaknesses\n"
    "planted in 2026 (U07 planning, U12 understanding, U23 efficient, U31\n"
    "clean), two units (U07, U18) whose self-assessments are inflated and 2%\n"
    "careless respondents; analyses 2026 against 2025 with measurement\n"
    "quality and key drivers, leaving the careless answers out, and writes\n"
    "the report into DIR (default ./demo): report.html, report.md,\n"
    "report.docx, the CSV tables, plots/ and demo.db, the database it used (an\n"
    "older DIR/demo.db is replaced).  With --db naming PostgreSQL (a\n"
    "postgresql:// URI) it uses that database instead, which must hold no\n"
    "gapsurvey data yet.\n"
    "\n"
    "example:\n"
    "  gapsurvey --lang en demo --out /tmp/demo\n");

/* What is planted in 2026: the report's findings should name these. */
static const sim_plant_t plants[] = {
    {"U07", "planning", -15},
    {"U12", "understanding", -15},
    {"U23", "efficient", -12},
    {"U31", "clean", -15},
};
static char overclaim_u07[] = "U07", overclaim_u18[] = "U18";

static int make_dir(const char *path)
{
    err_t err = {0};
    int rc = fs_mkdir_p(path, &err);
    if (rc != 0)
        cli_perror(&err);
    err_clear(&err);
    return rc;
}

/* A fresh database: the old file and SQLite's WAL companions go first. */
static int remove_db(const char *db)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        char *p = util_fmt("%s%s", db, ext[i]);
        int bad = unlink(p) != 0 && errno != ENOENT;
        if (bad)
            cli_error(_("%s: cannot remove the old demo database: %s"), p, strerror(errno));
        free(p);
        if (bad)
            return -1;
    }
    return 0;
}

static double seconds(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* plot_progress_fn: one more plot drawn (stderr, on a terminal only) */
static void plot_told(void *arg, size_t done, size_t total)
{
    cli_progress_update(arg, total ? (double)done / (double)total : 1.0, (long)done, 0);
}

static const cli_opt_t opts[] = {
    {"out", 'o', CLI_VALUE | CLI_SHORT}, {"lang", 'l', CLI_VALUE | CLI_SHORT}, CLI_OPT_END};

/* The key findings: weak dimensions and units, first priorities, the
 * strongest overclaims; the rest is counted and left to the report. */
static void print_findings(const res_t *r, int zh)
{
    size_t left = 0;
    int shown[RES_FKINDS] = {0};
    for (size_t i = 0; i < r->nfindings; i++) {
        res_fkind_t k = r->findings[i].kind;
        int cap = k == RES_F_WEAK_DIMENSION || k == RES_F_PRIORITY ? 100
                  : k == RES_F_WEAK_UNIT                           ? 15
                  : k == RES_F_OVERCLAIM                           ? 3
                                                                   : 0;
        if ((unsigned)k < RES_FKINDS && shown[k] < cap) {
            shown[k]++;
            char *text = render_finding(r, &r->findings[i], zh);
            printf("  - %s\n", text);
            free(text);
        } else {
            left++;
        }
    }
    if (!r->nfindings)
        fputs(TR(zh, "  (none)\n"), stdout);
    if (left)
        printf(TR(zh, "  ... and %zu more findings (self-vs-staff gaps, changes since the previous wave, "
                      "measurement quality) in the report.\n"),
               left);
}

/* The table gives demo no CLI_*_DB flag: it makes its own database. */
int cmd_demo(int argc, char **argv, cli_ctx_t *cx)
{
    const char *out = "demo", *lang = cli_lang;
    int c;
    (void)cx;
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'l':
            lang = cli_norm_lang(optarg);
            if (!lang) {
                cli_error(_("--lang takes zh or en, not '%s'"), optarg);
                return 2;
            }
            break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc || !*out)
        return cli_usage(usage);
    if (cli_dash_dir("--out", out, NULL))
        return 2;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = 1, zh = strcmp(lang, "zh") == 0;
    /* --db (or GAPSURVEY_DB) naming PostgreSQL: the demo goes there, into
     * an empty database only (nothing of anyone's is ever replaced) */
    int pg = store_is_uri(cli_db_path), empty = 1;
    err_t err = {0};
    err_t plot_err = {0};
    char *db = pg ? util_xstrdup(cli_db_path) : util_fmt("%s/demo.db", out);
    store_t *s = NULL;
    res_t *r = NULL;
    if (make_dir(out) != 0 || (!pg && remove_db(db) != 0))
        goto cleanup;
    if (store_open(db, 1, &s, &err) != 0 || store_empty(s, &empty, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (!empty) {
        char *name = store_name(db);
        cli_error(_("demo fills an empty database, and %s holds one already; give it a new "
                    "database (or no --db: then DIR/demo.db)"), name);
        free(name);
        goto cleanup;
    }
    char *overclaim[] = {overclaim_u07, overclaim_u18};
    for (int w = 0; w < 2; w++) {
        sim_opts_t o;
        sim_opts_init(&o);
        o.seed = w ? 2026 : 2025;
        o.wave = w ? "2026" : "2025";
        /* the inflated self-assessments are a habit of both years; the
         * weaknesses appear in 2026, so they also show as declines */
        o.overclaim = overclaim;
        o.noverclaim = 2;
        o.unit_effects = 0.5;
        /* a few careless respondents, for the screen to find */
        o.careless = 0.02;
        if (w) {
            o.plants = (sim_plant_t *)plants;
            o.nplants = sizeof plants / sizeof plants[0];
        }
        long staff = 0, self = 0;
        if (sim_run(s, &o, &staff, &self, &err) != 0) {
            char *why = err_text(&err);   /* as in cmd_simulate */
            cli_error(_("simulating wave %s: %s"), o.wave, why);
            free(why);
            goto cleanup;
        }
        char *w = render_wave(o.wave, zh);
        printf(TR(zh, "simulated wave %s (seed %lu): %ld staff responses, %ld self-assessments\n"), w, o.seed,
               staff, self);
        free(w);
    }
    an_opts_t ao;
    an_opts_default(&ao);
    ao.wave = "2026";
    ao.compare_wave = "2025";
    ao.lang = lang;
    /* the careless respondents are left out: kept, their straight-lining
     * on reverse-worded items makes an eighth factor of its own */
    ao.validity = ao.drivers = ao.screen = ao.exclude_careless = 1;
    ao.questions = 1;
    ao.rollup = 1;
    if (an_run(s, &ao, &r, &err) != 0) {
        cli_error(_("analysis: %s"), err.msg);
        goto cleanup;
    }
    cli_progress_t prog;
    cli_progress_begin(&prog, _("drawing plots"), _("plots"));
    int wrc = report_write_formats(r, out, REPORT_ALL, 1, plot_told, &prog, &plot_err, &err);
    cli_progress_clear(&prog);
    if (wrc != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    char *w1 = render_wave(r->wave, zh), *w0 = render_wave(r->compare_wave ? r->compare_wave : "-", zh);
    printf(TR(zh, "\nFindings (wave %s against %s):\n"), w1, w0);
    free(w1);
    free(w0);
    print_findings(r, zh);
    if (plot_err.msg) {
        cli_perror(&plot_err);
        cli_error(_("the report was written without those plots"));
    }
    printf(TR(zh, "\nreport: %s/report.html (%.1f s)\n"), out, seconds(&t0));
    rc = plot_err.msg ? 1 : 0;
cleanup:
    free(db);
    err_clear(&err);
    err_clear(&plot_err);
    res_free(r);
    store_close(s);
    return rc;
}
