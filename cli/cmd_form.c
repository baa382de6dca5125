/*
 * form: `form check` validates questionnaires and reports every problem at
 * once; `form add` stores them (a new version beside the old one);
 * `form list` shows what is stored.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "base/texttab.h"

static const char usage[] = N_(
    "usage: gapsurvey form check FILE...\n"
    "       gapsurvey form add FILE...\n"
    "       gapsurvey form list\n"
    "\n"
    "Questionnaires are XLSForm saved as an Excel workbook (.xlsx, sheets survey,\n"
    "choices, settings and dimensions) or as one CSV (pyxform's layout: a row whose\n"
    "first cell is survey, choices, settings or dimensions starts that sheet).\n"
    "check reports every problem as FILE:LINE:COL (FILE:SHEET!CELL in a workbook);\n"
    "add stores nothing unless every file is valid.\n"
    "\n"
    "examples:\n"
    "  gapsurvey form check questionnaires/staff-opinion.csv\n"
    "  gapsurvey form add questionnaires/*.csv\n");

/* Loads every file, printing all diagnostics; returns the number of files
 * with errors.  forms[] gets the loaded forms (NULL for failures).  With
 * skip_other, a file that is no questionnaire at all (a unit list beside
 * the forms in the questionnaires folder) is passed over with a note. */
static int load_all(int n, char **files, form_t **forms, int skip_other)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        util_diag_t d = {0};
        int rc = form_load_file(files[i], &forms[i], &d);
        if (rc == -2 && skip_other && n > 1)
            fprintf(stderr, _("%s: not a questionnaire; skipped\n"), files[i]);
        else {
            if (rc != 0)
                bad++;
            util_diag_print(&d, stderr);
        }
        util_diag_free(&d);
    }
    return bad;
}

static int form_check(int argc, char **argv, cli_ctx_t *cx)
{
    (void)cx;
    int n = argc - 1;
    char **files = argv + 1;
    if (n < 1)
        return cli_usage(usage);
    form_t **forms = util_xcalloc((size_t)n, sizeof *forms);
    int bad = load_all(n, files, forms, 0);
    for (int i = 0; i < n; i++) {
        if (forms[i]) {
            size_t q = 0;
            for (size_t k = 0; k < forms[i]->nitems; k++)
                q += form_item_answerable(&forms[i]->items[k]);
            printf(_("%s: ok: %s version %s, role %s, %zu questions, %zu dimensions\n"), files[i],
                   forms[i]->form_id, forms[i]->version,
                   forms[i]->role == FORM_ROLE_SELF ? _("self") : _("staff"), q,
                   forms[i]->ndims);
        }
        form_free(forms[i]);
    }
    free(forms);
    return bad ? 1 : 0;
}

static int form_add(int argc, char **argv, cli_ctx_t *cx)
{
    int n = argc - 1;
    char **files = argv + 1;
    if (n < 1)
        return cli_usage(usage);
    int rc = 1;
    form_t **forms = util_xcalloc((size_t)n, sizeof *forms);
    store_t *s = NULL;
    if (load_all(n, files, forms, 1) > 0) {
        cli_error(_("nothing stored: fix the errors above first"));
        goto cleanup;
    }
    if (!(s = cli_store(cx)))
        goto cleanup;
    rc = 0;
    for (int i = 0; i < n; i++) {
        int id, existed;
        if (!forms[i])
            continue;
        err_t err = {0};
        if (store_form_add(s, forms[i], &id, &existed, &err) != 0) {
            cli_error("%s: %s", files[i], err.msg);
            err_clear(&err);
            rc = 1;
            continue;
        }
        printf(_("%s: %s version %s %s\n"), files[i], forms[i]->form_id, forms[i]->version,
               existed ? _("already stored") : _("stored"));
    }
cleanup:
    for (int i = 0; i < n; i++)
        form_free(forms[i]);
    free(forms);
    return rc;
}

static int print_form(void *ud, const store_form_row_t *r)
{
    texttab_t *t = ud;
    texttab_add(t, r->form_id);
    texttab_add(t, r->version);
    /* the role as written in the form's settings, in English */
    texttab_add(t, strcmp(r->role, "self") == 0 ? _("self") : strcmp(r->role, "staff") == 0 ? _("staff") : r->role);
    texttab_addf(t, "%ld", r->responses);
    texttab_add(t, r->title);
    return 0;
}

static int form_list(int argc, char **argv, cli_ctx_t *cx)
{
    (void)argv;
    if (argc != 1)
        return cli_usage(usage);
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    err_t err = {0};
    /* TRANSLATORS: the headings of form list */
    texttab_t *t = texttab_new(5, "lllrl");
    texttab_add(t, _("Form"));
    texttab_add(t, _("Version"));
    texttab_add(t, _("Role"));
    texttab_add(t, _("Responses"));
    texttab_add(t, _("Title"));
    int rc = store_form_list(s, print_form, t, &err);
    if (rc) {
        cli_perror(&err);
        err_clear(&err);
    } else {
        texttab_print(t, stdout, 0);
    }
    texttab_free(t);
    return rc ? 1 : 0;
}

/* check reads files only; add opens the store after every file proved valid */
static const cli_cmd_t subs[] = {
    {"check", form_check, 0, NULL},
    {"add", form_add, CLI_NEEDS_DB, NULL},
    {"list", form_list, CLI_NEEDS_DB, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_form(int argc, char **argv, cli_ctx_t *cx)
{
    return cli_subcommand(cx, argc, argv, subs, usage);
}
