/*
 * simulate: `gapsurvey simulate` fills the database with a synthetic city
 * (staff opinion responses and unit self-assessments to the shipped
 * questionnaires) for trying out the analysis, teaching and testing.  The
 * generating model lives in simulate.c; this file parses the options and
 * prints the one-line summary.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/simulate.h"

static const char usage[] = N_(
    "usage: gapsurvey simulate [--units N] [--staff N] [--seed S] [--wave NAME]\n"
    "                          [--plant UNIT:DIM:DELTA,...] [--overclaim UNIT,...]\n"
    "                          [--missing RATE] [--unit-effects SCALE] [--unbiased-self]\n"
    "\n"
    "Stores synthetic but realistic responses to the shipped questionnaires\n"
    "(staff-opinion and five-type-self): about N staff per unit and one\n"
    "self-assessment per unit, for the first N units by code.  Missing forms\n"
    "and units are added first (units from questionnaires/units-sample.csv,\n"
    "then made-up ones).  The same seed gives the same answers on every machine.\n"
    "\n"
    "  --units N         units to simulate (default 40)\n"
    "  --staff N         mean staff respondents per unit (default 30); sizes vary\n"
    "                    with headcount and a few units stay below 5\n"
    "  --seed S          random seed, a whole number (default 1)\n"
    "  --wave NAME       wave to fill, created if new (default: the newest open\n"
    "                    wave); it must not hold responses yet\n"
    "  --plant U:D:X     shift unit U's staff scores on dimension D by X points of\n"
    "                    the 0-100 scale (negative = weaker); repeatable\n"
    "  --overclaim U,... units whose self-assessment is at the top of the scale\n"
    "  --missing RATE    share of Likert answers left blank (default 0.03)\n"
    "  --unit-effects S  scale of the random differences between units (default 1;\n"
    "                    0: units differ only where planted)\n"
    "  --unbiased-self   draw each self-assessment like one more staff member of\n"
    "                    its unit (no self-flattery: a city with no real gap)\n"
    "\n"
    "example:\n"
    "  gapsurvey simulate --seed 7 --plant U07:planning:-15 --overclaim U07\n");

static int parse_int(const char *opt, const char *v, long lo, long hi, int *out)
{
    long x;
    if (util_parse_long(v, &x) != 0 || x < lo || x > hi) {
        cli_error(_("%s takes a whole number from %ld to %ld, not '%s'"), opt, lo, hi, v);
        return -1;
    }
    *out = (int)x;
    return 0;
}

static int parse_seed(const char *v, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (!*v || *v == '-' || *end || errno) {
        cli_error(_("--seed takes a whole number >= 0, not '%s'"), v);
        return -1;
    }
    *out = x;
    return 0;
}

/* Appends the comma-separated unit codes in v to *list (copies). */
static int parse_units(const char *v, char ***list, size_t *n)
{
    char *copy = util_xstrdup(v), *save = NULL;
    size_t before = *n;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        t = util_trim(t);
        if (!*t)
            continue;
        *list = util_xrealloc(*list, (*n + 1) * sizeof **list);
        (*list)[(*n)++] = util_xstrdup(t);
    }
    free(copy);
    if (*n == before) {
        cli_error(_("--overclaim takes unit codes separated by commas, not '%s'"), v);
        return -1;
    }
    return 0;
}

static void on_progress(void *ud, long done, long total)
{
    cli_progress_update(ud, total > 0 ? (double)done / (double)total : 1.0, done, 0);
}

static const cli_opt_t opts[] = {
    {"units", 'u', CLI_VALUE | CLI_SHORT},     {"staff", 's', CLI_VALUE | CLI_SHORT},
    {"seed", 'S', CLI_VALUE | CLI_SHORT},      {"plant", 'p', CLI_VALUE | CLI_SHORT},
    {"overclaim", 'o', CLI_VALUE | CLI_SHORT}, {"wave", 'w', CLI_VALUE | CLI_SHORT},
    {"missing", 'm', CLI_VALUE | CLI_SHORT},   {"unit-effects", 'E', CLI_VALUE | CLI_SHORT},
    {"unbiased-self", 'B', CLI_SHORT},         CLI_OPT_END};

int cmd_simulate(int argc, char **argv, cli_ctx_t *cx)
{
    sim_opts_t o;
    sim_opts_init(&o);
    int rc = 2, c;
    err_t err = {0};
    char *wave_name = NULL;
    store_t *s;
    long nstaff = 0, nself = 0;
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        switch (c) {
        case 'u':
            if (parse_int("--units", optarg, 1, 10000, &o.units) != 0)
                goto cleanup;
            break;
        case 's':
            if (parse_int("--staff", optarg, 1, 10000, &o.staff) != 0)
                goto cleanup;
            break;
        case 'S':
            if (parse_seed(optarg, &o.seed) != 0)
                goto cleanup;
            break;
        case 'p':
            if (sim_parse_plants(optarg, &o.plants, &o.nplants, &err) != 0) {
                cli_error(_("--plant: %s"), err.msg);
                goto cleanup;
            }
            break;
        case 'o':
            if (parse_units(optarg, &o.overclaim, &o.noverclaim) != 0)
                goto cleanup;
            break;
        case 'w': o.wave = optarg; break;
        case 'm':
            if (util_parse_double(optarg, &o.missing) != 0 || o.missing < 0 || o.missing >= 1) {
                cli_error(_("--missing takes a share from 0 to below 1 (e.g. 0.03), not '%s'"),
                          optarg);
                goto cleanup;
            }
            break;
        case 'E':
            if (util_parse_double(optarg, &o.unit_effects) != 0 || o.unit_effects < 0 ||
                o.unit_effects > 10) {
                cli_error(_("--unit-effects takes a scale from 0 to 10, not '%s'"), optarg);
                goto cleanup;
            }
            break;
        case 'B': o.unbiased_self = 1; break;
        }
    }
    if (c != CLI_END) {
        rc = cli_status(c);
        goto cleanup;
    }
    if (optind != argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        rc = cli_usage(usage);
        goto cleanup;
    }
    rc = 1;
    if (!(s = cli_store(cx)))
        goto cleanup;
    /* a large city takes seconds (400 units of 100 staff: about 4 s) */
    cli_progress_t prog;
    cli_progress_begin(&prog, _("simulating"), _("responses"));
    o.progress = on_progress;
    o.progress_ud = &prog;
    int r = sim_run(s, &o, &nstaff, &nself, &err);
    cli_progress_clear(&prog);
    if (r != 0) {
        char *why = err_text(&err);   /* the shipped unit list's errors have a position */
        cli_error(_("%s; nothing simulated"), why);
        free(why);
        goto cleanup;
    }
    /* sim_run filled o.wave, or else the newest open wave */
    int wave;
    if (!o.wave && (store_wave_current(s, 0, &wave, &err) != 0 ||
                    store_wave_name(s, wave, &wave_name, &err) != 0)) {
        cli_error("%s", err.msg ? err.msg : _("the simulated wave has gone"));
        goto cleanup;
    }
    printf(_("simulated %ld staff responses and %ld self-assessments for %d units in wave %s "
           "(seed %lu)\n"), nstaff, nself, o.units, o.wave ? o.wave : wave_name, o.seed);
    rc = 0;
cleanup:
    for (size_t i = 0; i < o.noverclaim; i++)
        free(o.overclaim[i]);
    free(o.overclaim);
    free(o.plants);
    free(wave_name);
    err_clear(&err);
    return rc;
}
