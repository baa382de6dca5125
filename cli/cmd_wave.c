/*
 * wave: survey rounds.  New responses go to the newest open wave; with no
 * wave at all, the first response creates one named by the current year.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] = N_(
    "usage: gapsurvey wave add NAME\n"
    "       gapsurvey wave close NAME\n"
    "       gapsurvey wave list\n"
    "\n"
    "A wave is one survey round (e.g. 2025, 2026).  Responses go to the newest\n"
    "open wave; analyze and report take --wave NAME and compare rounds with\n"
    "--compare-wave.\n"
    "\n"
    "example:\n"
    "  gapsurvey wave add 2026\n");

static int print_wave(void *ud, const store_wave_t *w)
{
    (void)ud;
    printf("%-12s %-10s %-10s %9ld\n", w->name, w->opened_at, w->closed_at ? w->closed_at : "open",
           w->responses);
    return 0;
}

/* The store for a subcommand that takes words after its name; NULL
 * with *rc the exit status after the usage or the store's error. */
static store_t *sub_store(cli_ctx_t *cx, int argc, int words, int *rc)
{
    store_t *s = NULL;
    if (argc != words + 1)
        *rc = cli_usage(usage);
    else if (!(s = cli_store(cx)))
        *rc = 1;
    return s;
}

/* The store's answer: 0, or 1 after printing its error (cleared). */
static int told(int rc, err_t *err)
{
    if (rc)
        cli_perror(err);
    err_clear(err);
    return rc ? 1 : 0;
}

static int wave_add(int argc, char **argv, cli_ctx_t *cx)
{
    int rc;
    err_t err = {0};
    store_t *s = sub_store(cx, argc, 1, &rc);
    if (!s)
        return rc;
    rc = store_wave_add(s, argv[1], NULL, &err);
    if (rc == 0)
        printf(_("wave %s opened\n"), argv[1]);
    return told(rc, &err);
}

static int wave_close(int argc, char **argv, cli_ctx_t *cx)
{
    int rc;
    err_t err = {0};
    store_t *s = sub_store(cx, argc, 1, &rc);
    if (!s)
        return rc;
    rc = store_wave_close(s, argv[1], &err);
    if (rc == 0)
        printf(_("wave %s closed\n"), argv[1]);
    return told(rc, &err);
}

static int wave_list(int argc, char **argv, cli_ctx_t *cx)
{
    int rc;
    err_t err = {0};
    store_t *s = sub_store(cx, argc, 0, &rc);
    (void)argv;
    if (!s)
        return rc;
    printf("%-12s %-10s %-10s %9s\n", "wave", "opened", "closed", "responses");
    return told(store_wave_list(s, print_wave, NULL, &err), &err);
}

static const cli_cmd_t subs[] = {
    {"add", wave_add, CLI_NEEDS_DB, NULL},
    {"close", wave_close, CLI_NEEDS_DB, NULL},
    {"list", wave_list, CLI_NEEDS_DB, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_wave(int argc, char **argv, cli_ctx_t *cx)
{
    return cli_subcommand(cx, argc, argv, subs, usage);
}
