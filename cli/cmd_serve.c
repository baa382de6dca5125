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
#include <errno.h>
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

/* The first line of path ("-": standard input), without its line end. */
static int read_secret(const char *path, char **out, char **err)
{
    size_t len = 0, cap = 0;
    char *line = NULL;
    if (strcmp(path, "-") == 0) {
        if (getline(&line, &cap, stdin) < 0) {
            free(line);
            util_seterr(err, _("--admin-token -: nothing on standard input"));
            return -1;
        }
    } else if (util_read_file(path, &line, &len, err) != 0) {
        return -1;
    }
    line[strcspn(line, "\r\n")] = '\0';
    *out = line;
    return 0;
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

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 'j'},
        {"tls-cert", required_argument, NULL, 'c'},
        {"tls-key", required_argument, NULL, 'k'},
        {"admin-token", required_argument, NULL, 'a'},
        {"timeout", required_argument, NULL, 't'},
        {"max-body", required_argument, NULL, 'b'},
        {"rate", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen = "127.0.0.1:8080", *cert_file = NULL, *key_file = NULL;
    const char *admin = NULL;
    long threads = 4, timeout = 30, max_body = WEB_MAX_BODY_DEFAULT, rate = 20;
    char *cert = NULL, *key = NULL, *err = NULL, *token = NULL, *secret = NULL, *hash = NULL;
    size_t len;
    web_t *w = NULL;
    store_t *check = NULL;
    int rc = 1, c;
    while ((c = cli_getopt(argc, argv, "h", longopts, usage)) != -1) {
        switch (c) {
        case 'l': listen = optarg; break;
        case 'j': if (parse_uint("--threads", optarg, 1, 256, &threads)) return 2; break;
        case 'c': cert_file = optarg; break;
        case 'k': key_file = optarg; break;
        case 'a': admin = optarg; break;
        case 't': if (parse_uint("--timeout", optarg, 1, 3600, &timeout)) return 2; break;
        case 'r': if (parse_uint("--rate", optarg, 0, 100000, &rate)) return 2; break;
        case 'b':
            if (parse_uint("--max-body", optarg, 1024, 64L * 1024 * 1024, &max_body))
                return 2;
            break;
        case 'h': fputs(_(usage), stdout); return 0;
        default: return 2;
        }
    }
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        return cli_usage(usage);
    }
    if ((cert_file != NULL) != (key_file != NULL)) {
        cli_error(_("--tls-cert and --tls-key go together"));
        return cli_usage(usage);
    }
    /* fail early, with the usual advice, when there is no database */
    if (!(check = cli_open_store(0)))
        return 1;
    store_close(check);
    /* the secret comes from a file or stdin: an argument would show in
     * every process list while the server runs */
    if (admin && read_secret(admin, &secret, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (secret && strlen(secret) < 16) {
        cli_error(_("--admin-token must be at least 16 characters long"));
        rc = 2;
        goto cleanup;
    }
    if (web_admin_secret(cli_db_path, secret, &token, &hash, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    if (cert_file && (util_read_file(cert_file, &cert, &len, &err) != 0 ||
                      util_read_file(key_file, &key, &len, &err) != 0)) {
        cli_error("%s", err);
        goto cleanup;
    }
    /* block the stop signals before any thread exists, so that only
     * sigwait() below ever sees them */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    web_config_t cfg = {
        .db_path = cli_db_path,
        .listen = listen,
        .threads = (unsigned)threads,
        .tls_cert_pem = cert,
        .tls_key_pem = key,
        .admin_hash = hash,
        .max_body = (size_t)max_body,
        .timeout = (unsigned)timeout,
        .rate = (double)rate,
        .log = log_line,
    };
    if (web_start(&cfg, &w, &err) != 0) {
        cli_error("%s", err);
        goto cleanup;
    }
    /* the address as a browser would type it */
    const char *scheme = cert ? "https" : "http";
    char host[300];
    const char *colon = strrchr(listen, ':');
    if (!colon)
        snprintf(host, sizeof host, "127.0.0.1");
    else if (colon == listen)
        snprintf(host, sizeof host, "0.0.0.0");
    else
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    printf(_("gapsurvey: serving %s://%s:%u/ with %ld threads; Ctrl-C stops\n"), scheme, host,
           web_port(w), threads);
    printf(_("admin page: %s://%s:%u/admin\n"), scheme, host, web_port(w));
    if (token)
        printf(_("admin secret (shown this once; only its hash is kept): %s\n"), token);
    fflush(stdout);
    if (!cert && !loopback(listen))
        cli_error(_("warning: serving the network without TLS; answers and codes travel "
                  "unencrypted (use --tls-cert and --tls-key)"));

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
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
    rc = 0;
cleanup:
    web_stop(w);
    free(cert);
    free(key);
    free(token);
    if (secret)
        seal_wipe(secret, strlen(secret));
    free(secret);
    free(hash);
    free(err);
    return rc;
}
