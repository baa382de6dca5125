/*
 * gapsurvey: one program for a unit self-assessment and an anonymous staff
 * opinion survey, from questionnaire to written report.  This file holds
 * the one table of commands: each lives in its own cmd_X.c as
 * int cmd_X(int argc, char **argv, cli_ctx_t *cx), whose return value is
 * the exit status (0 ok, 1 failure, 2 usage); its flags say what cli.c
 * opens for it (the store, or a new one); cli_main does the rest.
 */
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"

#define GAPSURVEY_VERSION "0.1.0"

/* form, unit, wave and token declare the store on their subcommands (form
 * check needs none); demo makes a database of its own. */
static const cli_cmd_t commands[] = {
    {"init", cmd_init, CLI_CREATES_DB, N_("create the database")},
    {"form", cmd_form, 0, N_("check, add and list questionnaires (XLSForm CSV)")},
    {"unit", cmd_unit, 0, N_("import and list units")},
    {"wave", cmd_wave, 0, N_("add, close and list survey rounds")},
    {"token", cmd_token, 0, N_("issue one-time invitation codes")},
    {"run", cmd_run, CLI_NEEDS_DB, N_("answer a questionnaire in the terminal, or key in paper forms")},
    {"serve", cmd_serve, CLI_NEEDS_DB, N_("collect answers on the web")},
    {"import", cmd_import, CLI_NEEDS_DB, N_("import responses from a CSV file")},
    {"export", cmd_export, CLI_NEEDS_DB, N_("export responses for SPSS, Excel, R and Stata")},
    {"simulate", cmd_simulate, CLI_NEEDS_DB, N_("fill the database with a simulated city")},
    {"analyze", cmd_analyze, CLI_NEEDS_DB, N_("statistics per dimension and unit")},
    {"report", cmd_report, CLI_NEEDS_DB, N_("plots and a written report")},
    {"demo", cmd_demo, 0, N_("simulate a city, analyse it and write the report")},
    {"db", cmd_db, 0, N_("copy a whole database between SQLite and PostgreSQL")},
    {NULL, NULL, 0, NULL},
};

int main(int argc, char **argv)
{
    /* everything gapsurvey writes holds answers or codes (the database and
     * its -wal, slips, exports, reports, plots): readable by the user who
     * ran it only, files 0600 and directories 0700, whatever the umask
     * was; a report meant for others is shared by copying it */
    umask(umask(0) | 077);
    return cli_main(argc, argv, commands, GAPSURVEY_VERSION);
}
