/*
 * token: issues one-time invitation codes and counts their use.
 *
 * A code is 16 characters from a 32-letter alphabet without 0/O, 1/I/l
 * (so a code read aloud or copied by hand cannot be mistyped into another
 * letter that looks the same): 16 x 5 = 80 bits straight from getrandom(),
 * with no modulo bias because 32 is a power of two.  It is shown in groups
 * of four, K7QM-3XPA-9TRE-H2WD.  Only tok_hash() of it is stored, so the
 * codes exist nowhere but on the printed slips and in the CSV printed
 * here; `token list` shows counts per unit, never which code was used.
 *
 * Order matters: codes are stored (one transaction) and the slips written
 * before the CSV is printed, so a code handed out is always a code the
 * server knows.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/web/slips.h"
#include "survey/token.h"

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
    "  --base-url URL   the address staff open (default http://127.0.0.1:8080/);\n"
    "                   each link is URL?code=CODE\n"
    "  --slips FILE     also write printable slips with QR codes (8 per A4 page)\n"
    "\n"
    "example:\n"
    "  gapsurvey token issue --form staff-opinion --unit U07 --count 40 \\\n"
    "      --base-url https://survey.intranet:8443/ --slips U07.html > U07.csv\n");

#define CODE_CHARS 16
static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";   /* 32 */

/* One code, "XXXX-XXXX-XXXX-XXXX" (20 bytes with the NUL). */
static int make_code(char out[CODE_CHARS + CODE_CHARS / 4])
{
    unsigned char r[CODE_CHARS * 5 / 8];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        return -1;
    size_t k = 0;
    for (int i = 0; i < CODE_CHARS; i++) {
        /* bits 5i .. 5i+4 of the 80 random bits */
        int bit = 5 * i, v = 0;
        for (int j = 0; j < 5; j++, bit++)
            v = (v << 1) | ((r[bit / 8] >> (7 - bit % 8)) & 1);
        if (i && i % 4 == 0)
            out[k++] = '-';
        out[k++] = alphabet[v];
    }
    out[k] = '\0';
    return 0;
}

static void csv_cell(const char *s)
{
    if (strpbrk(s, ",\"\r\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else
        fputs(s, stdout);
}

static int write_file(const char *path, const util_buf_t *b, char **err)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        util_seterr(err, _("cannot write %s: %s"), path, strerror(errno));
        return -1;
    }
    size_t wrote = b->len ? fwrite(b->s, 1, b->len, f) : 0;
    if (fclose(f) != 0 || wrote != b->len) {
        util_seterr(err, _("cannot write %s: %s"), path, strerror(errno));
        remove(path);
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
    const char *base = "http://127.0.0.1:8080/";
    long count = -1;
    store_t *s = NULL;
    form_t *f = NULL;
    char *err = NULL, *unit_name = NULL, *link_base = NULL;
    char (*codes)[CODE_CHARS + CODE_CHARS / 4] = NULL;
    char **links = NULL;
    util_buf_t page = {0};
    int rc = 1, c, form = 0, unit = 0, wave = 0, in_tx = 0, wrote_slips = 0;
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
    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
        cli_error(_("--base-url must start with http:// or https://, not '%s'"), base);
        return 2;
    }
    if (!(s = cli_store(cx)))
        return 1;
    if (cli_form_get(s, form_id, &f, &form))
        goto cleanup;
    int r;
    if (unit_code) {
        r = store_unit_find(s, unit_code, &unit, &err);
        if (r != 0) {
            if (r == 1)
                cli_error(_("no unit '%s'; 'gapsurvey unit list' shows them"), unit_code);
            else
                cli_error("%s", err);
            goto cleanup;
        }
        if (store_unit_get(s, unit, NULL, &unit_name, &err) < 0) {
            cli_error("%s", err);
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
            cli_error("%s", err);
        goto cleanup;
    }

    /* the link: BASE?code=CODE (a BASE that has a query gets &code=) */
    size_t bl = strlen(base);
    const char *sep = strchr(base, '?') ? "&" : (base[bl - 1] == '/' || strchr(base + 8, '/'))
                                                    ? "?" : "/?";
    link_base = util_fmt("%s%scode=", base, sep);
    codes = util_xcalloc((size_t)count, sizeof *codes);
    links = util_xcalloc((size_t)count, sizeof *links);
    for (long i = 0; i < count; i++) {
        if (make_code(codes[i]) != 0) {
            cli_error(_("cannot read the system's random source: %s"), strerror(errno));
            goto cleanup;
        }
        links[i] = util_fmt("%s%s", link_base, codes[i]);
    }
    if (slips_path) {
        slips_code_t *sc = util_xcalloc((size_t)count, sizeof *sc);
        for (long i = 0; i < count; i++)
            sc[i] = (slips_code_t){codes[i], links[i]};
        char *addr = util_fmt("%.*s", (int)(strchr(base, '?') ? (size_t)(strchr(base, '?') - base)
                                                               : bl), base);
        slips_info_t info = {f->title && *f->title ? f->title : f->form_id, unit_name, addr,
                             cli_zh()};
        r = slips_html(&page, &info, sc, (size_t)count, &err);
        free(sc);
        free(addr);
        if (r != 0) {
            cli_error("%s", err);
            goto cleanup;
        }
    }
    if (store_begin(s, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    in_tx = 1;
    for (long i = 0; i < count; i++) {
        char *h = tok_hash(codes[i]);
        r = h ? store_token_add(s, h, form, unit, wave, &err) : -1;
        free(h);
        if (r != 0) {
            cli_error("%s", err ? err : _("cannot store the codes"));
            goto cleanup;
        }
    }
    /* the slips are written inside the transaction: if they cannot be,
     * no code is stored that nobody could hand out */
    if (slips_path) {
        if (write_file(slips_path, &page, &err) != 0) {
            cli_error("%s", err);
            goto cleanup;
        }
        wrote_slips = 1;
    }
    if (store_commit(s, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    in_tx = 0;
    printf("code,unit,link\n");
    for (long i = 0; i < count; i++) {
        csv_cell(codes[i]);
        putchar(',');
        csv_cell(unit_code ? unit_code : "");
        putchar(',');
        csv_cell(links[i]);
        putchar('\n');
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error(_("cannot write the codes: %s"), strerror(errno));
        goto cleanup;
    }
    fprintf(stderr, _("gapsurvey: token: %ld code(s) for %s%s%s stored as hashes%s%s\n"), count,
            form_id, unit_code ? _(", unit ") : "", unit_code ? unit_code : "",
            slips_path ? _("; slips in ") : "", slips_path ? slips_path : "");
    rc = 0;
cleanup:
    if (in_tx) {
        store_rollback(s);
        if (wrote_slips)
            remove(slips_path);
    }
    for (long i = 0; links && i < count; i++)
        free(links[i]);
    free(links);
    free(codes);
    free(link_base);
    util_buf_free(&page);
    free(unit_name);
    free(err);
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
    if (l->rows++ == 0) {
        util_fput_padded(stdout, _("form"), 18, 0);
        util_fput_padded(stdout, _("wave"), 8, 0);
        util_fput_padded(stdout, _("unit"), 8, 0);
        util_fput_padded(stdout, _("name"), 26, 0);
        util_fput_padded(stdout, _("issued"), 8, 1);
        util_fput_padded(stdout, _("used"), 8, 1);
        util_fput_padded(stdout, _("rate"), 8, 1);
        putchar('\n');
    }
    util_fput_padded(stdout, form_id, 18, 0);
    util_fput_padded(stdout, wave, 8, 0);
    util_fput_padded(stdout, *unit ? unit : "-", 8, 0);
    util_fput_padded(stdout, name, 26, 0);
    printf("%8ld%8ld%7.0f%%\n", issued, used, issued ? 100.0 * (double)used / (double)issued : 0.0);
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
    list_t l = {&us, 0, 0, 0};
    char *err = NULL;
    int rc = 1;
    if (store_unit_list(s, unit_cb, &us, &err) != 0 ||
        store_token_counts(s, list_cb, &l, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
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
    free(err);
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
