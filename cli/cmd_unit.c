/*
 * unit: `unit import FILE` reads a code,name[,category,parent,headcount]
 * list (survey/units.c) and stores every row or none; `unit list` prints
 * the units.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/texttab.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/units.h"

static const char usage[] = N_(
    "usage: gapsurvey unit import FILE\n"
    "       gapsurvey unit list\n"
    "\n"
    "FILE is CSV with the columns code,name[,category,parent,headcount]; a first\n"
    "row starting with 'code' is a header.  Existing codes are updated.  Nothing\n"
    "is stored unless every row is valid.  headcount (staff in the unit) gives\n"
    "response rates when no invitations were issued.\n"
    "\n"
    "example:\n"
    "  gapsurvey unit import questionnaires/units-sample.csv\n");

static int do_import(const char *file, cli_ctx_t *cx)
{
    int rc = 1;
    err_t err = {0};
    units_list_t l = {0};
    util_diag_t diag = {0};
    store_t *s = NULL;
    if (units_read_file(file, &l, &diag, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (diag.nerrors) {
        util_diag_print(&diag, stderr);
        cli_error(i18n_ntext("nothing stored: %zu error", "nothing stored: %zu errors",
                             diag.nerrors),
                  diag.nerrors);
        goto cleanup;
    }
    if (!(s = cli_store(cx)))
        goto cleanup;
    if (units_store(s, &l, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    printf(_("%zu units stored\n"), l.n);
    rc = 0;
cleanup:
    units_list_free(&l);
    util_diag_free(&diag);
    err_clear(&err);
    return rc;
}

static int print_unit(void *ud, const store_unit_t *u)
{
    texttab_t *t = ud;
    texttab_add(t, u->code);
    texttab_add(t, u->category && *u->category ? u->category : "-");
    if (u->headcount >= 0)
        texttab_addf(t, "%ld", u->headcount);
    else
        texttab_add(t, "-");
    texttab_add(t, u->name);
    return 0;
}

static int do_list(cli_ctx_t *cx)
{
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    err_t err = {0};
    /* TRANSLATORS: the headings of unit list */
    texttab_t *t = texttab_new(4, "llrl");
    texttab_add(t, _("Code"));
    texttab_add(t, _("Category"));
    texttab_add(t, _("Headcount"));
    texttab_add(t, _("Name"));
    int rc = store_unit_list(s, print_unit, t, &err);
    if (rc) {
        cli_perror(&err);
        err_clear(&err);
    } else {
        texttab_print(t, stdout, 0);
    }
    texttab_free(t);
    return rc ? 1 : 0;
}

static int unit_import(int argc, char **argv, cli_ctx_t *cx)
{
    return argc == 2 ? do_import(argv[1], cx) : cli_usage(usage);
}

static int unit_list(int argc, char **argv, cli_ctx_t *cx)
{
    (void)argv;
    return argc == 1 ? do_list(cx) : cli_usage(usage);
}

/* import checks the whole file before it opens the store */
static const cli_cmd_t subs[] = {
    {"import", unit_import, CLI_NEEDS_DB, NULL},
    {"list", unit_list, CLI_NEEDS_DB, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_unit(int argc, char **argv, cli_ctx_t *cx)
{
    return cli_subcommand(cx, argc, argv, subs, usage);
}
