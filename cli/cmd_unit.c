/*
 * unit: `unit import FILE` reads a unit list (survey/units.c, columns by
 * the header's names) and stores every row or none; `unit list` prints the
 * units; `unit remove CODE...` takes out units nothing refers to.  The
 * units table is the one list of units (survey/units.h): after an import,
 * a stored form whose unit question lists other units is pointed out.
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
    "       gapsurvey unit remove CODE...\n"
    "\n"
    "The units table is the one list of units: the unit question of every form\n"
    "offers its units under its names (web, terminal, paper entry), analyze and\n"
    "report name units from it, and 'form add' and 'token issue' refuse a form\n"
    "whose own unit list differs from it.  'form add' fills an empty table from\n"
    "the form's unit list.\n"
    "\n"
    "import  FILE is CSV whose first row names the columns, in any order: code\n"
    "        and name (required), category, parent, headcount.  A file without\n"
    "        that header row is read as code,name,category,parent,headcount.\n"
    "        Existing codes are updated (a column the file leaves out keeps its\n"
    "        stored values).  Nothing is stored unless every row is valid.\n"
    "        headcount (staff in the unit) gives response rates when no\n"
    "        invitations were issued.\n"
    "remove  takes units out of the table; one that responses, invitations or\n"
    "        drafts refer to stays.\n"
    "\n"
    "example:\n"
    "  gapsurvey unit import questionnaires/units-sample.csv\n");

typedef struct {
    char **ids;
    size_t n;
} form_ids_t;

static int add_form_id(void *ud, const store_form_row_t *r)
{
    form_ids_t *fi = ud;
    for (size_t i = 0; i < fi->n; i++)
        if (strcmp(fi->ids[i], r->form_id) == 0)
            return 0;
    fi->ids = util_xrealloc(fi->ids, (fi->n + 1) * sizeof *fi->ids);
    fi->ids[fi->n++] = util_xstrdup(r->form_id);
    return 0;
}

/* A note for each stored form whose unit question lists other units than
 * the table now holds: the table wins where units are chosen, and token
 * issue refuses the form until its list agrees. */
static void note_forms(store_t *s)
{
    form_ids_t fi = {0};
    units_list_t t = {0};
    err_t err = {0};
    if (store_form_list(s, add_form_id, &fi, &err) == 0 && units_load(s, &t, &err) == 0)
        for (size_t i = 0; i < fi.n; i++) {
            form_t *f = NULL;
            err_t msg = {0};
            if (store_form_get(s, fi.ids[i], &f, NULL, &err) == 0 && units_diff(&t, f, &msg) == 1)
                fprintf(stderr, _("gapsurvey: unit: note: the unit list of form %s differs from "
                                  "the units table now; its unit question offers the table's "
                                  "units, and 'token issue --form %s' is refused until the "
                                  "form's list agrees\n"),
                        fi.ids[i], fi.ids[i]);
            err_clear(&msg);
            form_free(f);
        }
    for (size_t i = 0; i < fi.n; i++)
        free(fi.ids[i]);
    free(fi.ids);
    units_list_free(&t);
    err_clear(&err);
}

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
    if (!cli_quiet)
        note_forms(s);
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

/* TRANSLATORS: the headings of unit list */
static const char *const unit_headings[] = {N_("Code"), N_("Category"), N_("Headcount"),
                                            N_("Name"), NULL};

static int fill_units(store_t *s, texttab_t *t, err_t *err)
{
    return store_unit_list(s, print_unit, t, err);
}

static int do_list(cli_ctx_t *cx)
{
    store_t *s = cli_store(cx);
    return s ? cli_list_table(s, "llrl", unit_headings, fill_units) : 1;
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

static int unit_remove(int argc, char **argv, cli_ctx_t *cx)
{
    if (argc < 2)
        return cli_usage(usage);
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    err_t err = {0};
    if (units_remove(s, argv + 1, (size_t)argc - 1, &err) != 0) {
        cli_error(_("nothing removed: %s"), err.msg);
        err_clear(&err);
        return 1;
    }
    printf(i18n_ntext("%d unit removed\n", "%d units removed\n", (unsigned long)(argc - 1)),
           argc - 1);
    if (!cli_quiet)
        note_forms(s);
    return 0;
}

/* import checks the whole file before it opens the store */
static const cli_cmd_t subs[] = {
    {"import", unit_import, CLI_NEEDS_DB, NULL},
    {"list", unit_list, CLI_NEEDS_DB, NULL},
    {"remove", unit_remove, CLI_NEEDS_DB, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_unit(int argc, char **argv, cli_ctx_t *cx)
{
    return cli_subcommand(cx, argc, argv, subs, usage);
}
