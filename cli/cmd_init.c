/*
 * init: creates the database (or upgrades an older one in place).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] = N_(
    "usage: gapsurvey [--db FILE|URI] init\n"
    "\n"
    "Creates the database (default ./gapsurvey.db).  Running it again on an\n"
    "existing database is harmless; an older schema is upgraded.  With a\n"
    "PostgreSQL URI (postgresql://user@host:port/dbname) the tables go in the\n"
    "schema gapsurvey of that database, which must exist.\n"
    "\n"
    "examples:\n"
    "  gapsurvey --db city.db init\n"
    "  gapsurvey --db postgresql://survey@db.intranet/survey init\n");

static const cli_opt_t opts[] = {CLI_OPT_END};

int cmd_init(int argc, char **argv, cli_ctx_t *cx)
{
    int c = cli_getopt(argc, argv, opts, usage);
    if (c != CLI_END)
        return cli_status(c);
    if (optind != argc)
        return cli_usage(usage);
    if (!cli_store(cx))
        return 1;
    char *name = store_name(cli_db_path);   /* no password on the screen */
    printf(_("database ready: %s\n"), name);
    free(name);
    return 0;
}
