/*
 * db: the database as a whole.  `db copy SRC DST` copies everything one
 * gapsurvey database holds into another, SQLite file or PostgreSQL URI
 * either way, and then checks the copy: the rows of every table and a
 * checksum over every response and answer, computed on both ends from
 * what each reads back.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"

static const char usage[] = N_(
    "usage: gapsurvey db copy SRC DST\n"
    "\n"
    "Copies a whole gapsurvey database: forms, units, waves, invitation codes\n"
    "(their hashes), responses, drafts, sealed ballots and the admin secret's\n"
    "hash.  SRC and DST are each a file (SQLite) or a PostgreSQL URI\n"
    "(postgresql://user@host:port/dbname); DST must be new or empty.  The copy\n"
    "is one transaction: on any error nothing is left in DST.  It then counts\n"
    "the rows of every table on both sides and compares a checksum of every\n"
    "response and answer, and says so; a difference is an error.  --db is not\n"
    "used.\n"
    "\n"
    "examples:\n"
    "  gapsurvey db copy city.db postgresql://survey@db.intranet/survey\n"
    "  gapsurvey db copy postgresql://survey@db.intranet/survey backup.db\n");

/* Counts and checksum of both ends: 0 when they agree (printed), 1 after
 * naming the first difference. */
static int compare(store_t *src, store_t *dst, const char *dst_name)
{
    store_census_t a, b;
    err_t err = {0};
    if (store_census(src, &a, &err) != 0 || store_census(dst, &b, &err) != 0) {
        cli_perror(&err);
        err_clear(&err);
        return 1;
    }
    for (int i = 0; i < STORE_CENSUS_TABLES && a.table[i]; i++)
        if (a.rows[i] != b.rows[i]) {
            cli_error(_("the copy in %s differs: table %s has %ld rows there, %ld here"), dst_name,
                      a.table[i], b.rows[i], a.rows[i]);
            return 1;
        }
    if (a.responses != b.responses || a.answers != b.answers ||
        strcmp(a.checksum, b.checksum) != 0) {
        cli_error(_("the copy in %s differs: %ld responses and %ld answers (checksum %s) there, "
                    "%ld and %ld (checksum %s) here"), dst_name, b.responses, b.answers,
                  b.checksum, a.responses, a.answers, a.checksum);
        return 1;
    }
    printf(_("copied and checked: %ld responses, %ld answers, checksum %s on both sides\n"),
           a.responses, a.answers, a.checksum);
    return 0;
}

static int db_copy(int argc, char **argv, cli_ctx_t *cx)
{
    static const cli_opt_t opts[] = {CLI_OPT_END};
    int c = cli_getopt(argc, argv, opts, usage);
    (void)cx;
    if (c != CLI_END)
        return cli_status(c);
    if (argc - optind != 2)
        return cli_usage(usage);
    const char *from = argv[optind], *to = argv[optind + 1];
    err_t err = {0};
    char *to_name = store_name(to);
    store_t *src = NULL, *dst = NULL;
    int rc = 1;
    /* a file made here goes again when the copy fails */
    int made = !store_is_uri(to) && access(to, F_OK) != 0 && errno == ENOENT;
    if (strcmp(from, to) == 0) {
        cli_error(_("db copy: the source and the destination are the same"));
        goto cleanup;
    }
    if (store_open(from, 0, &src, &err) != 0 || store_open(to, 1, &dst, &err) != 0 ||
        store_copy(src, dst, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    rc = compare(src, dst, to_name);
cleanup:
    err_clear(&err);
    free(to_name);
    store_close(src);
    store_close(dst);
    if (rc != 0 && made && dst) {
        static const char *const ext[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
            char *p = util_fmt("%s%s", to, ext[i]);
            unlink(p);
            free(p);
        }
    }
    return rc;
}

/* copy opens both databases itself: --db plays no part */
static const cli_cmd_t subs[] = {
    {"copy", db_copy, 0, NULL},
    {NULL, NULL, 0, NULL},
};

int cmd_db(int argc, char **argv, cli_ctx_t *cx)
{
    return cli_subcommand(cx, argc, argv, subs, usage);
}
