/*
 * wave: survey rounds.  New responses go to the newest open wave; with no
 * wave at all, the first response creates one named by the current year.
 * A sealed wave (ballot.h) is opened by its closing (unseal.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/texttab.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/ballot.h"
#include "survey/unseal.h"

static const char usage[] = N_(
    "usage: gapsurvey wave add NAME [--sealed KEYFILE]\n"
    "       gapsurvey wave close NAME [--key KEYFILE]\n"
    "       gapsurvey wave list\n"
    "\n"
    "A wave is one survey round (e.g. 2025, 2026).  Responses go to the newest\n"
    "open wave; analyze and report take --wave NAME and compare rounds with\n"
    "--compare-wave.  Closing a wave deletes its unfinished drafts and rewrites\n"
    "the database, so nothing in it keeps the order answers came in; closing a\n"
    "closed wave does both again.\n"
    "\n"
    "  --sealed KEYFILE  a sealed wave: every submission is stored sealed to a new\n"
    "                    key whose secret half is written to KEYFILE (take it off\n"
    "                    this server); nobody can read the answers until...\n"
    "  --key KEYFILE     ... the wave is closed with it: every submission is opened,\n"
    "                    checked and stored, in random order\n"
    "\n"
    "examples:\n"
    "  gapsurvey wave add 2026\n"
    "  gapsurvey wave add 2027 --sealed /media/usb/2027.key\n"
    "  gapsurvey wave close 2027 --key /media/usb/2027.key\n");

static int print_wave(void *ud, const store_wave_t *w)
{
    texttab_t *t = ud;
    texttab_add(t, w->name);
    texttab_add(t, w->opened_at);
    /* TRANSLATORS: in the Closed column of wave list: not closed yet */
    texttab_add(t, w->closed_at ? w->closed_at : _("open"));
    texttab_addf(t, "%ld", w->responses);
    return 0;
}

/* The store for a subcommand that takes words after its name (and, for
 * add and close, one option whose value goes to *file); NULL with *rc the
 * exit status after the usage or the store's error. */
static store_t *sub_store(cli_ctx_t *cx, int argc, char **argv, int words, const char *opt,
                          const char **file, int *rc)
{
    const cli_opt_t opts[] = {{opt, 'f', CLI_VALUE}, CLI_OPT_END};
    store_t *s = NULL;
    int c;
    while ((c = cli_getopt(argc, argv, opt ? opts : opts + 1, usage)) > 0)
        *file = optarg;
    if (c != CLI_END)
        *rc = cli_status(c);
    else if (argc - optind != words)   /* the words, after getopt moved them last */
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
    const char *keyfile = NULL;
    store_t *s = sub_store(cx, argc, argv, 1, "sealed", &keyfile, &rc);
    if (!s)
        return rc;
    const char *name = argv[optind];
    if (keyfile && strcmp(keyfile, "-") == 0) {
        /* ballot_new_wave puts the key on a disk before the wave exists */
        cli_error(_("--sealed takes a file name, not '-': the secret key must be safely on a "
                    "disk before the wave is opened, and standard output is no disk"));
        return 2;
    }
    rc = keyfile ? ballot_new_wave(s, name, keyfile, &err) : store_wave_add(s, name, NULL, &err);
    if (rc == 0)
        printf(_("wave %s opened\n"), name);
    return told(rc, &err);
}

static int wave_close(int argc, char **argv, cli_ctx_t *cx)
{
    int rc;
    long opened = 0;
    err_t err = {0};
    const char *keyfile = NULL;
    store_t *s = sub_store(cx, argc, argv, 1, "key", &keyfile, &rc);
    if (!s)
        return rc;
    const char *name = argv[optind];
    rc = keyfile ? unseal_wave(s, name, keyfile, &opened, &err) : store_wave_close(s, name, &err);
    if (rc == 0 && keyfile)
        printf(_("sealed submissions opened: %ld\n"), opened);
    if (rc == 0)
        printf(_("wave %s closed\n"), name);
    if (rc == 1)
        printf(_("wave %s was closed already: its unfinished drafts deleted and the database's "
                 "files rewritten again\n"), name);
    return told(rc < 0 ? -1 : 0, &err);
}

/* TRANSLATORS: the headings of wave list */
static const char *const wave_headings[] = {N_("Wave"), N_("Opened"), N_("Closed"),
                                            N_("Responses"), NULL};

static int fill_waves(store_t *s, texttab_t *t, err_t *err)
{
    return store_wave_list(s, print_wave, t, err);
}

static int wave_list(int argc, char **argv, cli_ctx_t *cx)
{
    int rc;
    store_t *s = sub_store(cx, argc, argv, 0, NULL, NULL, &rc);
    return s ? cli_list_table(s, "lllr", wave_headings, fill_waves) : rc;
}

static const cli_cmd_t subs[] = {
    {"add", wave_add, CLI_NEEDS_DB, NULL},
    {"close", wave_close, CLI_NEEDS_DB, NULL},
    {"list", wave_list, CLI_NEEDS_DB, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_wave(int argc, char **argv, cli_ctx_t *cx)
{
    /* add and close take options of their own: the subcommand parses them */
    const cli_cmd_t *sub = argc > 1 ? cli_sub_find(subs, argv[1]) : NULL;
    if (sub)
        return cli_sub_run(cx, sub, argc - 1, argv + 1);
    if (argc == 2 && strcmp(argv[1], CLI_LIST_OPTIONS) == 0)
        return cli_sub_options(cx, subs);
    return cli_subcommand(cx, argc, argv, subs, usage);
}
