/*
 * wave: survey rounds.  New responses go to the newest open wave; with no
 * wave at all, the first response creates one named by the current year.
 * A sealed wave (ballot.h) is opened by its closing (unseal.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "the database, so nothing in it keeps the order answers came in.\n"
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
    (void)ud;
    printf("%-12s %-10s %-10s %9ld\n", w->name, w->opened_at, w->closed_at ? w->closed_at : "open",
           w->responses);
    return 0;
}

int cmd_wave(int argc, char **argv)
{
    static const struct option opts[] = {{"sealed", required_argument, NULL, 's'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *sealed = NULL, *key = NULL;
    long opened = 0;
    int c;
    while ((c = cli_getopt(argc, argv, "h", opts, usage)) != -1) {
        if (c == 's' || c == 'k') {
            *(c == 's' ? &sealed : &key) = optarg;
            continue;
        }
        if (c == 'h') {
            fputs(_(usage), stdout);
            return 0;
        }
        return 2;
    }
    int n = argc - optind;
    const char *sub = n > 0 ? argv[optind] : "";
    if (!((n == 2 && (strcmp(sub, "add") == 0 || strcmp(sub, "close") == 0)) ||
          (n == 1 && strcmp(sub, "list") == 0)))
        return cli_usage(usage);
    store_t *s = cli_open_store(0);
    if (!s)
        return 1;
    char *err = NULL;
    int rc;
    if (strcmp(sub, "add") == 0) {
        rc = sealed ? ballot_new_wave(s, argv[optind + 1], sealed, &err)
                    : store_wave_add(s, argv[optind + 1], NULL, &err);
        if (rc == 0)
            printf(_("wave %s opened\n"), argv[optind + 1]);
    } else if (strcmp(sub, "close") == 0) {
        rc = key ? unseal_wave(s, argv[optind + 1], key, &opened, &err)
                 : store_wave_close(s, argv[optind + 1], &err);
        if (rc == 0 && key)
            printf(_("sealed submissions opened: %ld\n"), opened);
        if (rc == 0)
            printf(_("wave %s closed\n"), argv[optind + 1]);
    } else {
        printf("%-12s %-10s %-10s %9s\n", "wave", "opened", "closed", "responses");
        rc = store_wave_list(s, print_wave, NULL, &err);
    }
    if (rc) {
        cli_error("%s", err);
        free(err);
    }
    store_close(s);
    return rc ? 1 : 0;
}
