/*
 * unit: `unit import FILE` reads code,name[,category,parent,headcount] CSV
 * (UTF-8, BOM allowed, or GB18030 as Excel writes it) and stores every row
 * or none; `unit list` prints the units.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "base/csvread.h"
#include "base/encoding.h"

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

#define UNIT_TEXT_MAX 1000

typedef struct {
    const char *file;
    util_diag_t diag;
    store_unit_t *units;
    char **strs;         /* owned copies behind units[] */
    size_t n, nstrs;
    int seen_first;
} unit_reader_t;

static const char *keep(unit_reader_t *r, const char *s)
{
    r->strs = util_xrealloc(r->strs, (r->nstrs + 1) * sizeof *r->strs);
    return r->strs[r->nstrs++] = util_trim(util_xstrdup(s));
}

static int on_row(void *ud, const csvr_row_t *row)
{
    unit_reader_t *r = ud;
    const char *c0 = row->ncells > 0 ? row->cells[0] : "";
    if (!r->seen_first) {
        r->seen_first = 1;
        if (util_streq_ci(c0, "code"))
            return 0;
    }
    if (row->ncells > 5)
        util_diag_add(&r->diag, UTIL_ERROR, r->file, row->line, 6,
                      _("%zu columns; expected code,name[,category,parent,headcount]"), row->ncells);
    store_unit_t u = {0};
    u.code = keep(r, c0);
    u.name = keep(r, row->ncells > 1 ? row->cells[1] : "");
    u.category = keep(r, row->ncells > 2 ? row->cells[2] : "");
    u.parent = keep(r, row->ncells > 3 ? row->cells[3] : "");
    const char *hc = keep(r, row->ncells > 4 ? row->cells[4] : "");
    u.headcount = -1;
    if (!*u.code)
        util_diag_add(&r->diag, UTIL_ERROR, r->file, row->line, 1, _("unit code is empty"));
    else if (strchr(u.code, ' '))
        util_diag_add(&r->diag, UTIL_ERROR, r->file, row->line, 1,
                      _("unit code '%s' contains a space"), u.code);
    if (!*u.name)
        util_diag_add(&r->diag, UTIL_ERROR, r->file, row->line, 2, _("unit name is empty"));
    /* a unit list is short text; a cell of megabytes is a wrong file, and
     * would be copied into every table, plot and report */
    const char *cells[4] = {u.code, u.name, u.category, u.parent};
    for (int c = 0; c < 4; c++)
        if (strlen(cells[c]) > UNIT_TEXT_MAX)
            util_diag_add(&r->diag, UTIL_ERROR, r->file, row->line, c + 1,
                          _("cell of %zu bytes; at most %d are allowed in a unit list"),
                          strlen(cells[c]), UNIT_TEXT_MAX);
    if (*hc) {
        long v;
        if (util_parse_long(hc, &v) != 0 || v < 0)
            util_diag_add(&r->diag, UTIL_ERROR, r->file, row->line, 5,
                          _("headcount '%s' is not a whole number >= 0"), hc);
        else
            u.headcount = v;
    }
    for (size_t i = 0; i < r->n; i++)
        if (*u.code && strcmp(r->units[i].code, u.code) == 0)
            util_diag_add(&r->diag, UTIL_ERROR, r->file, row->line, 1,
                          _("unit code '%s' appears again (first on an earlier row)"), u.code);
    r->units = util_xrealloc(r->units, (r->n + 1) * sizeof *r->units);
    r->units[r->n++] = u;
    return 0;
}

static int do_import(const char *file, cli_ctx_t *cx)
{
    int rc = 1;
    char *data = NULL, *text = NULL, *err = NULL;
    size_t len, tlen;
    unit_reader_t r = {.file = file};
    store_t *s = NULL;
    if (util_read_file(file, &data, &len, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (enc_to_utf8(data, len, ENC_AUTO, &text, &tlen, NULL, &err) != 0 ||
        csvr_parse_mem(text, tlen, csvr_sniff_delim(text, tlen), on_row, &r, &err) != 0) {
        char *at = util_msg_at(file, err);
        cli_error("%s", at);
        free(at);
        goto cleanup;
    }
    if (r.n == 0)
        util_diag_add(&r.diag, UTIL_ERROR, file, 0, 0, _("no units in the file"));
    if (r.diag.nerrors) {
        util_diag_print(&r.diag, stderr);
        cli_error(i18n_ntext("nothing stored: %zu error", "nothing stored: %zu errors",
                             r.diag.nerrors),
                  r.diag.nerrors);
        goto cleanup;
    }
    if (!(s = cli_store(cx)))
        goto cleanup;
    if (store_begin(s, &err) != 0)
        goto fail;
    for (size_t i = 0; i < r.n; i++)
        if (store_unit_put(s, &r.units[i], &err) != 0)
            goto fail;
    if (store_commit(s, &err) != 0)
        goto fail;
    printf(_("%zu units stored\n"), r.n);
    rc = 0;
    goto cleanup;
fail:
    store_rollback(s);
    cli_error("%s", err);
cleanup:
    for (size_t i = 0; i < r.nstrs; i++)
        free(r.strs[i]);
    free(r.strs);
    free(r.units);
    util_diag_free(&r.diag);
    free(data);
    free(text);
    free(err);
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

static int do_list(cli_ctx_t *cx)
{
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    char *err = NULL;
    printf("%-8s %-10s %9s  %s\n", "code", "category", "headcount", "name");
    int rc = store_unit_list(s, print_unit, NULL, &err);
    if (rc) {
        cli_error("%s", err);
        free(err);
    }
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
