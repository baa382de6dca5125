/*
 * gapsurvey: one program for a unit self-assessment and an anonymous staff
 * opinion survey, from questionnaire to written report.  This file holds
 * the global options and the one table of commands; each command lives in
 * its own cmd_X.c as int cmd_X(int argc, char **argv), whose return value
 * is the exit status (0 ok, 1 failure, 2 usage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#define GAPSURVEY_VERSION "0.1.0"

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"init", cmd_init, "create the database"},
    {"form", cmd_form, "check, add and list questionnaires (XLSForm CSV)"},
    {"unit", cmd_unit, "import and list units"},
    {"wave", cmd_wave, "add, close and list survey rounds"},
    {"token", cmd_token, "issue one-time invitation codes"},
    {"run", cmd_run, "answer a questionnaire in the terminal, or key in paper forms"},
    {"serve", cmd_serve, "collect answers on the web"},
    {"import", cmd_import, "import responses from a CSV file"},
    {"export", cmd_export, "export responses for SPSS, Excel, R and Stata"},
    {"simulate", cmd_simulate, "fill the database with a simulated city"},
    {"analyze", cmd_analyze, "statistics per dimension and unit"},
    {"report", cmd_report, "plots and a written report"},
    {"demo", cmd_demo, "simulate a city, analyse it and write the report"},
};

static const char usage[] =
    "usage: gapsurvey [--db FILE] [--lang zh|en] COMMAND [ARGS]\n"
    "\n"
    "The database is --db FILE, else $GAPSURVEY_DB, else ./gapsurvey.db.\n"
    "'gapsurvey COMMAND --help' describes a command.\n"
    "\n"
    "commands:\n";

static void print_usage(FILE *out)
{
    fputs(usage, out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    const char *env = getenv("GAPSURVEY_DB");
    if (env && *env)
        cli_db_path = env;
    cli_lang = cli_env_lang();
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("gapsurvey %s\n", GAPSURVEY_VERSION);
            return 0;
        } else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
            cli_db_path = argv[++i];
        } else if (strncmp(a, "--db=", 5) == 0) {
            cli_db_path = a + 5;
        } else if ((strcmp(a, "--lang") == 0 && i + 1 < argc) || strncmp(a, "--lang=", 7) == 0) {
            const char *v = a[6] == '=' ? a + 7 : argv[++i];
            cli_lang = cli_norm_lang(v);
            if (!cli_lang) {
                fprintf(stderr, "gapsurvey: --lang takes zh or en, not '%s'\n", v);
                return 2;
            }
        } else {
            fprintf(stderr, "gapsurvey: unknown option '%s'\n", a);
            print_usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        print_usage(stderr);
        return 2;
    }
    const char *name = argv[i];
    if (strcmp(name, "help") == 0) {
        if (i + 1 >= argc) {
            print_usage(stdout);
            return 0;
        }
        name = argv[i + 1];
        for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
            if (strcmp(commands[k].name, name) == 0) {
                char *av[] = {(char *)name, "--help", NULL};
                cli_cmd = name;
                return commands[k].fn(2, av);
            }
        fprintf(stderr, "gapsurvey: no command '%s'\n", name);
        return 2;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(commands[k].name, name) == 0) {
            cli_cmd = name;
            return commands[k].fn(argc - i, argv + i);
        }
    const char *names[sizeof commands / sizeof commands[0] + 1];
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        names[k] = commands[k].name;
    names[sizeof commands / sizeof commands[0]] = NULL;
    const char *near = util_nearest(name, names);
    if (near)
        fprintf(stderr, "gapsurvey: no command '%s'; did you mean '%s'?\n", name, near);
    else
        fprintf(stderr, "gapsurvey: no command '%s'; 'gapsurvey --help' lists them\n", name);
    return 2;
}
