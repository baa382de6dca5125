/*
 * unit: `unit import FILE` reads a code,name[,category,parent,headcount]
 * list (survey/units.c) and stores every row or none; `unit list` prints
 * the units.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int do_import(const char *file)
{
    int rc = 1;
    char *err = NULL;
    units_list_t l = {0};
    util_diag_t diag = {0};
    store_t *s = NULL;
    if (units_read_file(file, &l, &diag, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (diag.nerrors) {
        util_diag_print(&diag, stderr);
        cli_error(i18n_ntext("nothing stored: %zu error", "nothing stored: %zu errors",
                             diag.nerrors),
                  diag.nerrors);
        goto cleanup;
    }
    if (!(s = cli_open_store(0)))
        goto cleanup;
    if (units_store(s, &l, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    printf(_("%zu units stored\n"), l.n);
    rc = 0;
cleanup:
    units_list_free(&l);
    util_diag_free(&diag);
    free(err);
    store_close(s);
    return rc;
}

static int print_unit(void *ud, const store_unit_t *u)
{
    (void)ud;
    util_fput_padded(stdout, u->code, 8, 0);
    fputc(' ', stdout);
    util_fput_padded(stdout, u->category ? u->category : "", 10, 0);
    fputc(' ', stdout);
    if (u->headcount >= 0)
        printf("%9ld  ", u->headcount);
    else
        printf("%9s  ", "-");
    printf("%s\n", u->name);
    return 0;
}

static int do_list(void)
{
    store_t *s = cli_open_store(0);
    if (!s)
        return 1;
    char *err = NULL;
    printf("%-8s %-10s %9s  %s\n", "code", "category", "headcount", "name");
    int rc = store_unit_list(s, print_unit, NULL, &err);
    if (rc) {
        cli_error("%s", err);
        free(err);
    }
    store_close(s);
    return rc ? 1 : 0;
}

int cmd_unit(int argc, char **argv)
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
    int n = argc - optind;
    if (n == 2 && strcmp(argv[optind], "import") == 0)
        return do_import(argv[optind + 1]);
    if (n == 1 && strcmp(argv[optind], "list") == 0)
        return do_list();
    return cli_usage(usage);
}
