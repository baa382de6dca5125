/*
 * serve: runs the web collection server (web.c) until SIGINT or SIGTERM.
 * Staff open the address on their slip, type their invitation code (or
 * follow the link or QR code that carries it) and answer the form in the
 * browser; the admin page shows counts per unit.
 *
 * Shutdown is orderly: the signals are blocked in every thread and taken
 * here with sigwait(), so no handler runs in the middle of a request; the
 * server then stops accepting, lets the requests in progress finish (a
 * submission that was being stored is committed and its thank-you page
 * sent) and closes the database.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "survey/seal.h"
#include "survey/web/web.h"

static const char usage[] = N_(
    "usage: gapsurvey serve [--listen ADDR:PORT] [--threads N]\n"
    "                       [--tls-cert FILE --tls-key FILE] [--admin-token FILE]\n"
    "                       [--timeout SECONDS] [--max-body BYTES] [--rate N]\n"
    "\n"
    "Serves the questionnaires of the invitation codes made by 'gapsurvey token\n"
    "issue': respondents open http://ADDR:PORT/, type their code (or follow the\n"
    "link on their slip) and answer in the browser.  Each code can be used once.\n"
    "\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080, this machine\n"
    "                      only; 0.0.0.0:8080 for the whole network; port 0 picks\n"
    "                      a free port and prints it)\n"
    "  --threads N         request threads (default 4)\n"
    "  --tls-cert FILE     serve HTTPS with this PEM certificate ...\n"
    "  --tls-key FILE      ... and its PEM private key\n"
    "  --admin-token FILE  sets the secret of the /admin page to the first line of\n"
    "                      FILE (- = standard input), at least 16 characters; only\n"
    "                      its hash is stored, and later starts keep it (default:\n"
    "                      the stored one, or a new random one printed once)\n"
    "  --timeout SECONDS   close connections idle this long (default 30)\n"
    "  --max-body BYTES    refuse larger submissions (default 262144)\n"
    "  --rate N            requests with a code per second from one address, a\n"
    "                      minute's worth at once (default 20; 0 = no limit)\n"
    "\n"
    "Ctrl-C or SIGTERM stops accepting, finishes the requests in progress and\n"
    "exits.\n"
    "\n"
    "example:\n"
    "  gapsurvey serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem\n");

static void log_line(void *ud, const char *msg)
{
    (void)ud;
    cli_error("%s", msg);
}

static int parse_uint(const char *opt, const char *v, long lo, long hi, long *out)
{
    if (util_parse_long(v, out) != 0 || *out < lo || *out > hi) {
        cli_error(_("%s takes a whole number from %ld to %ld, not '%s'"), opt, lo, hi, v);
        return -1;
    }
    return 0;
}

static int loopback(const char *listen)
{
    return strncmp(listen, "127.", 4) == 0 || strncmp(listen, "[::1]", 5) == 0 ||
           strncmp(listen, "localhost:", 10) == 0 || strchr(listen, ':') == NULL;
}

static const cli_opt_t opts[] = {
    {"listen", 'l', CLI_VALUE},      {"threads", 'j', CLI_VALUE}, {"tls-cert", 'c', CLI_VALUE},
    {"tls-key", 'k', CLI_VALUE},     {"admin-token", 'a', CLI_VALUE},
    {"timeout", 't', CLI_VALUE},     {"max-body", 'b', CLI_VALUE}, {"rate", 'r', CLI_VALUE},
    CLI_OPT_END};

typedef struct {
    const char *listen, *cert_file, *key_file, *admin;
    long threads, timeout, max_body, rate;
} serve_opts_t;

/* The options into o: -1 when they are fine, else the exit status. */
static int parse_options(int argc, char **argv, serve_opts_t *o)
{
    *o = (serve_opts_t){"127.0.0.1:8080", NULL, NULL, NULL, 4, 30, WEB_MAX_BODY_DEFAULT, 20};
    int c;
    while ((c = cli_getopt(argc, argv, opts, usage)) > 0) {
        switch (c) {
        case 'l': o->listen = optarg; break;
        case 'j': if (parse_uint("--threads", optarg, 1, 256, &o->threads)) return 2; break;
        case 'c': o->cert_file = optarg; break;
        case 'k': o->key_file = optarg; break;
        case 'a': o->admin = optarg; break;
        case 't': if (parse_uint("--timeout", optarg, 1, 3600, &o->timeout)) return 2; break;
        case 'r': if (parse_uint("--rate", optarg, 0, 100000, &o->rate)) return 2; break;
        case 'b':
            if (parse_uint("--max-body", optarg, 1024, 64L * 1024 * 1024, &o->max_body))
                return 2;
            break;
        }
    }
    if (c != CLI_END)
        return cli_status(c);
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        return cli_usage(usage);
    }
    if ((o->cert_file != NULL) != (o->key_file != NULL)) {
        cli_error(_("--tls-cert and --tls-key go together"));
        return cli_usage(usage);
    }
    return -1;
}

/* The admin secret's hash for the server, from the first line of path
 * ("-": standard input; an argument would show in every process list while
 * the server runs), or the stored one; *made is a new secret to print
 * once.  0, or the exit status after saying why not. */
static int admin_hash(const char *path, char **hash, char **made)
{
    size_t len = 0, cap = 0;
    err_t err = {0};
    char *secret = NULL;
    int rc = 1;
    if (path && strcmp(path, "-") == 0) {
        if (getline(&secret, &cap, stdin) < 0)
            err_set(&err, ERR_FAIL, _("--admin-token -: nothing on standard input"));
    } else if (path) {
        util_read_file(path, &secret, &len, &err);
    }
    if (secret)
        secret[strcspn(secret, "\r\n")] = '\0';
    if (!err.msg && secret && strlen(secret) < 16) {
        cli_error(_("--admin-token must be at least 16 characters long"));
        rc = 2;
    } else if (!err.msg && (!path || secret)) {
        rc = web_admin_secret(cli_db_path, secret, made, hash, &err) == 0 ? 0 : 1;
    }
    if (err.msg)
        cli_perror(&err);
    if (secret)
        seal_wipe(secret, strlen(secret));
    free(secret);
    err_clear(&err);
    return rc;
}

/* Prints the addresses of the front and admin pages as a browser would type them. */
static void print_addresses(const serve_opts_t *o, web_t *w, int tls, const char *made)
{
    const char *scheme = tls ? "https" : "http";
    char host[300];
    const char *colon = strrchr(o->listen, ':');
    if (!colon)
        snprintf(host, sizeof host, "127.0.0.1");
    else if (colon == o->listen)
        snprintf(host, sizeof host, "0.0.0.0");
    else
        snprintf(host, sizeof host, "%.*s", (int)(colon - o->listen), o->listen);
    printf(_("gapsurvey: serving %s://%s:%u/ with %ld threads; Ctrl-C stops\n"), scheme, host,
           web_port(w), o->threads);
    printf(_("admin page: %s://%s:%u/admin\n"), scheme, host, web_port(w));
    if (made)
        printf(_("admin secret (shown this once; only its hash is kept): %s\n"), made);
    fflush(stdout);
    if (!tls && !loopback(o->listen))
        cli_error(_("warning: serving the network without TLS; answers and codes travel "
                  "unencrypted (use --tls-cert and --tls-key)"));
}

/* Waits for a stop signal (blocked in every thread: see the top of the
 * file), then stops accepting and lets the requests in progress finish. */
static void serve_until_stopped(web_t *w, sigset_t *stop)
{
    int sig = 0;
    while (sigwait(stop, &sig) != 0)
        ;
    fprintf(stderr, _("gapsurvey: serve: %s: no new connections; finishing requests in progress\n"),
            sig == SIGINT ? _("interrupted") : _("stopping"));
    web_quiesce(w);
    int left = web_drain(w, 10000);
    if (left > 0)
        cli_error(_("%d request(s) still unfinished after 10 s are closed"), left);
    web_stats_t st;
    web_get_stats(w, &st);
    fprintf(stderr, _("gapsurvey: serve: stopped; %lu submission(s) stored since start\n"),
            st.submissions);
}

int cmd_serve(int argc, char **argv, cli_ctx_t *cx)
{
    serve_opts_t o;
    err_t err = {0};
    char *cert = NULL, *key = NULL, *token = NULL, *hash = NULL;
    size_t len;
    web_t *w = NULL;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    /* fail early, with the usual advice, when there is no database; the
     * server opens a connection of its own per thread */
    if (!cli_store(cx))
        return 1;
    cli_store_close(cx);
    rc = 1;
    if (o.cert_file && (util_read_file(o.cert_file, &cert, &len, &err) != 0 ||
                        util_read_file(o.key_file, &key, &len, &err) != 0)) {
        cli_perror(&err);
        goto cleanup;
    }
    if ((rc = admin_hash(o.admin, &hash, &token)) != 0)
        goto cleanup;
    rc = 1;

    /* block the stop signals before any thread exists, so that only
     * sigwait() ever sees them */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    web_config_t cfg = {
        .db_path = cli_db_path,
        .listen = o.listen,
        .threads = (unsigned)o.threads,
        .tls_cert_pem = cert,
        .tls_key_pem = key,
        .admin_hash = hash,
        .max_body = (size_t)o.max_body,
        .timeout = (unsigned)o.timeout,
        .rate = (double)o.rate,
        .log = log_line,
    };
    if (web_start(&cfg, &w, &err) != 0) {
        cli_perror(&err);
        goto cleanup;
    }
    print_addresses(&o, w, cert != NULL, token);
    serve_until_stopped(w, &stop);
    rc = 0;
cleanup:
    web_stop(w);
    free(cert);
    free(key);
    free(token);
    free(hash);
    err_clear(&err);
    return rc;
}
