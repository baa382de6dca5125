/*
 * init: creates the database (or upgrades an older one in place).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] = N_(
    "usage: gapsurvey [--db FILE] init\n"
    "\n"
    "Creates the database (default ./gapsurvey.db).  Running it again on an\n"
    "existing database is harmless; an older schema is upgraded.\n"
    "\n"
    "example:\n"
    "  gapsurvey --db city.db init\n");

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = cli_getopt(argc, argv, "h", opts, usage)) != -1) {
        if (c == 'h') {
            fputs(_(usage), stdout);
            return 0;
        }
        return 2;
    }
    if (optind != argc)
        return cli_usage(usage);
    store_t *s = cli_open_store(1);
    if (!s)
        return 1;
    store_close(s);
    printf(_("database ready: %s\n"), cli_db_path);
    return 0;
}
