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
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "base/i18n.h"

#define GAPSURVEY_VERSION "0.1.0"

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"init", cmd_init, N_("create the database")},
    {"form", cmd_form, N_("check, add and list questionnaires (XLSForm CSV)")},
    {"unit", cmd_unit, N_("import and list units")},
    {"wave", cmd_wave, N_("add, close and list survey rounds")},
    {"token", cmd_token, N_("issue one-time invitation codes")},
    {"run", cmd_run, N_("answer a questionnaire in the terminal, or key in paper forms")},
    {"serve", cmd_serve, N_("collect answers on the web")},
    {"import", cmd_import, N_("import responses from a CSV file")},
    {"export", cmd_export, N_("export responses for SPSS, Excel, R and Stata")},
    {"simulate", cmd_simulate, N_("fill the database with a simulated city")},
    {"analyze", cmd_analyze, N_("statistics per dimension and unit")},
    {"report", cmd_report, N_("plots and a written report")},
    {"demo", cmd_demo, N_("simulate a city, analyse it and write the report")},
};

static const char usage[] = N_(
    "usage: gapsurvey [--db FILE] [--lang zh|en] [--quiet] COMMAND [ARGS]\n"
    "       gapsurvey help COMMAND\n"
    "       gapsurvey --version\n"
    "\n"
    "The database is --db FILE, else $GAPSURVEY_DB, else ./gapsurvey.db.\n"
    "The language is --lang, else $LANGUAGE, $LC_ALL, $LC_MESSAGES or $LANG,\n"
    "else English.  --quiet (-q) keeps everything but errors and data off the\n"
    "terminal.  'gapsurvey help COMMAND' or 'gapsurvey COMMAND --help'\n"
    "describes a command with examples; 'man gapsurvey' has them all.\n"
    "\n"
    "commands:\n");

static const char examples[] = N_(
    "\n"
    "examples:\n"
    "  gapsurvey demo --out demo          simulate a city and write its report\n"
    "  gapsurvey --lang zh help analyze   describe analyze in Chinese\n");

static void print_usage(FILE *out)
{
    fputs(_(usage), out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
    fputs(_(examples), out);
}

/* The nearest command name to a mistyped one, or NULL. */
static const char *nearest_command(const char *name)
{
    const char *names[sizeof commands / sizeof commands[0] + 1];
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        names[k] = commands[k].name;
    names[sizeof commands / sizeof commands[0]] = NULL;
    return util_nearest(name, names);
}

static void no_command(const char *name)
{
    const char *near = nearest_command(name);
    if (near)
        fprintf(stderr, _("gapsurvey: no command '%s'; did you mean '%s'?\n"), name, near);
    else
        fprintf(stderr, _("gapsurvey: no command '%s'; 'gapsurvey --help' lists them\n"), name);
}

int main(int argc, char **argv)
{
    /* everything gapsurvey writes holds answers or codes (the database and
     * its -wal, slips, exports, reports, plots): readable by the user who
     * ran it only, files 0600 and directories 0700, whatever the umask
     * was; a report meant for others is shared by copying it */
    umask(umask(0) | 077);
    const char *env = getenv("GAPSURVEY_DB");
    if (env && *env)
        cli_db_path = env;
    cli_lang = cli_env_lang();
    i18n_init(cli_lang);
    int i = 1;
    int help = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help = 1;   /* after the loop, so a later --lang still applies */
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf("gapsurvey %s\n", GAPSURVEY_VERSION);
            return 0;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            cli_quiet = 1;
        } else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
            cli_db_path = argv[++i];
        } else if (strncmp(a, "--db=", 5) == 0) {
            cli_db_path = a + 5;
        } else if ((strcmp(a, "--lang") == 0 && i + 1 < argc) || strncmp(a, "--lang=", 7) == 0) {
            const char *v = a[6] == '=' ? a + 7 : argv[++i];
            cli_lang = cli_norm_lang(v);
            if (!cli_lang) {
                cli_lang = "en";
                fprintf(stderr, _("gapsurvey: --lang takes zh or en, not '%s'\n"), v);
                return 2;
            }
            i18n_init(cli_lang);
        } else {
            static const char *const global[] = {"help", "version", "quiet", "db", "lang", NULL};
            const char *eq = strchr(a, '=');
            char *w = util_xstrndup(a + strspn(a, "-"), eq ? (size_t)(eq - a) - strspn(a, "-")
                                                           : strlen(a + strspn(a, "-")));
            const char *near = util_nearest(w, global);
            free(w);
            if (strcmp(a, "--db") == 0 || strcmp(a, "--lang") == 0)
                fprintf(stderr, _("gapsurvey: option %s needs a value\n"), a);
            else if (near)
                fprintf(stderr, _("gapsurvey: unknown option '%s'; did you mean '--%s'?\n"), a,
                        near);
            else
                fprintf(stderr, _("gapsurvey: unknown option '%s'\n"), a);
            print_usage(stderr);
            return 2;
        }
    }
    if (help) {
        print_usage(stdout);
        return 0;
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
        no_command(name);
        return 2;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(commands[k].name, name) == 0) {
            cli_cmd = name;
            return commands[k].fn(argc - i, argv + i);
        }
    no_command(name);
    return 2;
}
