/*
 * token: `token issue` makes one-time invitation codes (survey/token.c
 * makes and stores them, survey/web/slips.c draws the slips) and prints
 * them as CSV; `token list` shows counts per unit, never which code was
 * used.  Only tok_hash() of a code is stored, so the codes exist nowhere
 * but on the printed slips and in the CSV printed here.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/texttab.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/web/slips.h"
#include "survey/token.h"
#include "survey/units.h"

static const char usage[] = N_(
    "usage: gapsurvey token issue --form FORM --unit CODE --count N [--wave NAME]\n"
    "                             [--base-url URL] [--slips FILE.html]\n"
    "       gapsurvey token list\n"
    "\n"
    "issue  makes N one-time invitation codes for the unit's staff and prints\n"
    "       them as CSV (code,unit,link).  Only a hash of each code is stored:\n"
    "       keep the CSV or the slips, the codes cannot be shown again.\n"
    "       --unit may be left out when the form asks for the unit itself.\n"
    "list   invitations issued and used per form, wave and unit (never which\n"
    "       code was used).\n"
    "\n"
    "  --wave NAME      the survey round (default: the newest open one)\n"
    "  --base-url URL   the address staff open, as their phones and computers\n"
    "                   reach the server; each link is URL?code=CODE (default\n"
    "                   http://127.0.0.1:8080/, this computer only)\n"
    "  --slips FILE     also write printable slips with QR codes (8 per A4 page),\n"
    "                   in the --lang language; needs a --base-url other staff\n"
    "                   can reach, not 127.0.0.1 or localhost\n"
    "\n"
    "example:\n"
    "  gapsurvey token issue --form staff-opinion --unit U07 --count 40 \\\n"
    "      --base-url https://survey.intranet:8443/ --slips U07.html > U07.csv\n");

/* The codes as CSV on stdout: 0, or -1 when stdout cannot take them. */
static int print_codes(const tok_batch_t *b, const char *unit_code)
{
    printf("code,unit,link\n");
    for (size_t i = 0; i < b->n; i++) {
        csvw_cell(stdout, b->codes[i], ',', 0);
        putchar(',');
        csvw_cell(stdout, unit_code ? unit_code : "", ',', 0);
        putchar(',');
        csvw_cell(stdout, b->links[i], ',', 0);
        putchar('\n');
    }
    return fflush(stdout) != 0 || ferror(stdout) ? -1 : 0;
}

/* 1 when the form's own unit list is the units table's (or it has none);
 * else 0 after printing the differences: codes for a unit the form would
 * not name, or under another name, are not issued. */
static int units_agree(store_t *s, const form_t *f)
{
    units_list_t t = {0};
    err_t msg = {0};
    int ok = units_load(s, &t, &msg) == 0 && units_diff(&t, f, &msg) == 0;
    if (!ok)
        cli_perror(&msg);
    err_clear(&msg);
    units_list_free(&t);
    return ok;
}

/* --slips and --base-url: *base defaults to this computer for codes
 * without slips; slips need a file (standard output carries the codes)
 * and an address a phone can reach.  0, or -1 after saying why. */
static int check_base(const char *slips_path, const char **base)
{
    if (slips_path && strcmp(slips_path, "-") == 0) {
        /* the codes' CSV is standard output's already */
        cli_error(_("--slips takes a file name, not '-': standard output carries the codes "
                    "(CSV)"));
        return -1;
    }
    if (slips_path && !*base) {
        cli_error(_("--slips needs --base-url: the address staff reach the server at from "
                    "their phones, e.g. --base-url http://192.168.1.20:8080/ (the QR codes "
                    "open it)"));
        return -1;
    }
    if (!*base)
        *base = "http://127.0.0.1:8080/";
    if (strncmp(*base, "http://", 7) != 0 && strncmp(*base, "https://", 8) != 0) {
        cli_error(_("--base-url must start with http:// or https://, not '%s'"), *base);
        return -1;
    }
    if (slips_path && tok_url_loopback(*base)) {
        cli_error(_("--base-url %s is this computer's own address: a phone scanning the slip "
                    "would open itself, not the survey; give the address staff reach the "
                    "server at, e.g. --base-url http://192.168.1.20:8080/ (and serve with "
                    "--listen 0.0.0.0:8080)"), *base);
        return -1;
    }
    return 0;
}

static int issue(int argc, char **argv, cli_ctx_t *cx)
{
    static const cli_opt_t longopts[] = {
        {"form", 'f', CLI_VALUE},
        {"unit", 'u', CLI_VALUE},
        {"count", 'n', CLI_VALUE},
        {"wave", 'w', CLI_VALUE},
        {"base-url", 'b', CLI_VALUE},
        {"slips", 's', CLI_VALUE},
        CLI_OPT_END,
    };
    const char *form_id = NULL, *unit_code = NULL, *wave_name = NULL, *slips_path = NULL;
    const char *base = NULL;
    long count = -1;
    store_t *s = NULL;
    form_t *f = NULL;
    err_t err = {0};
    char *unit_name = NULL;
    tok_batch_t batch = {0};
    util_buf_t page = {0};
    int rc = 1, c, form = 0, unit = 0, wave = 0;
    while ((c = cli_getopt(argc, argv, longopts, usage)) > 0) {
        switch (c) {
        case 'f': form_id = optarg; break;
        case 'u': unit_code = optarg; break;
        case 'n':
            if (util_parse_long(optarg, &count) != 0 || count < 1 || count > 100000) {
                cli_error(_("--count takes a whole number from 1 to 100000, not '%s'"), optarg);
                return 2;
            }
            break;
        case 'w': wave_name = optarg; break;
        case 'b': base = optarg; break;
        case 's': slips_path = optarg; break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (!form_id || count < 0 || optind < argc) {
        if (optind < argc)
            cli_error(_("unexpected argument '%s'"), argv[optind]);
        else
            cli_error(_("token issue needs --form and --count"));
        return cli_usage(usage);
    }
    if (check_base(slips_path, &base) != 0)
        return 2;
    if (!(s = cli_store(cx)))
        return 1;
    if (cli_form_get(s, form_id, &f, &form) || !units_agree(s, f))
        goto cleanup;
    int r;
    if (unit_code) {
        r = store_unit_find(s, unit_code, &unit, &err);
        if (r != 0) {
            if (r == 1)
                cli_error(_("no unit '%s'; 'gapsurvey unit list' shows them"), unit_code);
            else
                cli_perror(&err);
            goto cleanup;
        }
        if (store_unit_get(s, unit, NULL, &unit_name, &err) < 0) {
            cli_perror(&err);
            goto cleanup;
        }
    } else if (!f->unit_field) {
        cli_error(_("--unit is needed: form '%s' does not ask for the unit"), form_id);
        goto cleanup;
    }
    if (wave_name) {
        r = store_wave_find(s, wave_name, &wave, &err);
        if (r == 1)
            cli_error(_("no wave '%s'; add it with 'gapsurvey wave add %s'"), wave_name, wave_name);
    } else {
        r = store_wave_current(s, 1, &wave, &err);
        if (r == 1)
            cli_error(_("every wave is closed; open a new one with 'gapsurvey wave add NAME'"));
    }
    if (r != 0) {
        if (r < 0)
            cli_perror(&err);
        goto cleanup;
    }

    if (tok_batch_make(&batch, base, (size_t)count, &err) != 0 ||
        (slips_path && slips_batch_html(&page, f, unit_name, base, cli_lang, &batch, &err) != 0) ||
        tok_batch_store(s, &batch, form, unit, wave, slips_path, &page, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    if (print_codes(&batch, unit_code) != 0) {
        cli_error(_("cannot write the codes: %s"), strerror(errno));
        goto cleanup;
    }
    /* the form by its title and the unit by its name: a sentence for the
     * organiser, not a list of ids */
    const char *title = form_title_in(f, form_lang(f, cli_lang));   /* the slips' title */
    title = *title ? title : form_id;
    if (unit_code)
        fprintf(stderr,
                i18n_ntext("gapsurvey: token: %1$ld code for \"%2$s\", unit %3$s (%4$s), stored as hashes\n",
                           "gapsurvey: token: %1$ld codes for \"%2$s\", unit %3$s (%4$s), stored as hashes\n",
                           (unsigned long)count),
                count, title, unit_name && *unit_name ? unit_name : unit_code, unit_code);
    else
        fprintf(stderr,
                i18n_ntext("gapsurvey: token: %1$ld code for \"%2$s\" stored as hashes\n",
                           "gapsurvey: token: %1$ld codes for \"%2$s\" stored as hashes\n", (unsigned long)count),
                count, title);
    if (slips_path)
        fprintf(stderr, _("gapsurvey: token: slips in %s\n"), slips_path);
    rc = 0;
cleanup:
    tok_batch_free(&batch);
    util_buf_free(&page);
    free(unit_name);
    err_clear(&err);
    form_free(f);
    return rc;
}

typedef struct {
    char **codes, **names;
    size_t n;
} units_t;

static int unit_cb(void *ud, const store_unit_t *u)
{
    units_t *us = ud;
    us->codes = util_xrealloc(us->codes, (us->n + 1) * sizeof *us->codes);
    us->names = util_xrealloc(us->names, (us->n + 1) * sizeof *us->names);
    us->codes[us->n] = util_xstrdup(u->code);
    us->names[us->n++] = util_xstrdup(u->name);
    return 0;
}

typedef struct {
    units_t *units;
    texttab_t *t;
    long rows, issued, used;
} list_t;

static int list_cb(void *ud, const char *form_id, const char *unit, const char *wave,
                   long issued, long used)
{
    list_t *l = ud;
    const char *name = "";
    for (size_t i = 0; i < l->units->n; i++)
        if (strcmp(l->units->codes[i], unit) == 0)
            name = l->units->names[i];
    texttab_t *t = l->t;
    if (l->rows++ == 0) {
        texttab_add(t, _("form"));
        texttab_add(t, _("wave"));
        texttab_add(t, _("unit"));
        texttab_add(t, _("name"));
        texttab_add(t, _("issued"));
        texttab_add(t, _("used"));
        texttab_add(t, _("rate"));
    }
    texttab_add(t, form_id);
    texttab_add(t, wave);
    texttab_add(t, *unit ? unit : "-");
    texttab_add(t, name);
    texttab_addf(t, "%ld", issued);
    texttab_addf(t, "%ld", used);
    texttab_addf(t, "%.0f%%", issued ? 100.0 * (double)used / (double)issued : 0.0);
    l->issued += issued;
    l->used += used;
    return 0;
}

static int list(int argc, char **argv, cli_ctx_t *cx)
{
    static const cli_opt_t longopts[] = {CLI_OPT_END};
    int c;
    if ((c = cli_getopt(argc, argv, longopts, usage)) != CLI_END)
        return cli_status(c);
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        return cli_usage(usage);
    }
    store_t *s = cli_store(cx);
    if (!s)
        return 1;
    units_t us = {0};
    list_t l = {&us, texttab_new(7, "llllrrr"), 0, 0, 0};
    err_t err = {0};
    int rc = 1;
    if (store_unit_list(s, unit_cb, &us, &err) != 0 ||
        store_token_counts(s, list_cb, &l, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    texttab_print(l.t, stdout, 0);
    if (l.rows == 0)
        printf(_("no invitations yet; make some with 'gapsurvey token issue'\n"));
    else
        printf(_("total %ld issued, %ld used\n"), l.issued, l.used);
    rc = 0;
cleanup:
    for (size_t i = 0; i < us.n; i++) {
        free(us.codes[i]);
        free(us.names[i]);
    }
    free(us.codes);
    free(us.names);
    texttab_free(l.t);
    err_clear(&err);
    return rc;
}

static const cli_cmd_t subs[] = {
    {"issue", issue, CLI_NEEDS_DB, NULL},
    {"list", list, CLI_NEEDS_DB, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_token(int argc, char **argv, cli_ctx_t *cx)
{
    if (argc < 2) {
        cli_error(_("token needs a subcommand: issue or list"));
        return cli_usage(usage);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(_(usage), stdout);
        return 0;
    }
    const cli_cmd_t *sub = cli_sub_find(subs, argv[1]);
    if (sub)
        return cli_sub_run(cx, sub, argc - 1, argv + 1);
    if (strcmp(argv[1], CLI_LIST_OPTIONS) == 0)
        return cli_sub_options(cx, subs);
    const char *near = cli_sub_nearest(subs, argv[1]);
    if (near)
        cli_error(_("no subcommand '%s'; did you mean '%s'?"), argv[1], near);
    else
        cli_error(_("no subcommand '%s'; use issue or list"), argv[1]);
    return 2;
}
