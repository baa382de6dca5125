/*
 * web: the HTTP server of `gapsurvey serve` (libmicrohttpd).  Respondents
 * open a questionnaire with a one-time invitation code; a good submission
 * is stored in one transaction that also marks the code used, and only
 * then is the thank-you page sent.  The pages themselves are web_page's.
 *
 * The server never prints: problems with the store or the network go to
 * the log callback, which never receives an answer, a code or an address.
 *
 * Threads: libmicrohttpd runs `threads` event loops; each request borrows
 * one store_t from a pool of as many connections, so no SQLite connection
 * is used by two threads at once.
 */
#ifndef GS_WEB_H
#define GS_WEB_H

#include <stddef.h>

#include "base/err.h"

typedef struct web web_t;

typedef struct {
    const char *db_path;
    const char *listen;        /* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:8080", "8080";
                                  port 0 picks a free one (see web_port) */
    unsigned threads;          /* 0 = 4 */
    const char *tls_cert_pem;  /* PEM text, not file names; both or neither */
    const char *tls_key_pem;
    const char *admin_hash;    /* of the secret /admin asks for (seal_pass_hash) */
    size_t max_body;           /* request bodies over this are refused; 0 = 256 KiB */
    unsigned timeout;          /* seconds a connection may stay idle; 0 = 30 */
    double rate;               /* requests with a code a second per client address,
                                  a minute's worth at once; 0 = no limit */
    void (*log)(void *ud, const char *msg);
    void *log_ud;
} web_config_t;

#define WEB_MAX_BODY_DEFAULT (256u * 1024u)

/* The hash of the admin secret for web_config_t: secret (at least 16
 * characters, from `serve --admin-token`) replaces the stored one; with
 * secret NULL the stored one is kept, and when there is none a random
 * secret is made, its hash stored and the secret returned in *made (heap,
 * to be shown once).  *hash is heap.  Returns 0 or -1 with err. */
int web_admin_secret(const char *db_path, const char *secret, char **made, char **hash,
                     err_t *err);

/* Opens the store connections and starts listening.  Returns 0 and *out,
 * or -1 with err. */
int web_start(const web_config_t *cfg, web_t **out, err_t *err);
/* The port actually bound (useful after port 0). */
unsigned web_port(const web_t *w);
/* Stops accepting new connections; requests in progress go on, and every
 * response from now on asks the client to close its connection. */
void web_quiesce(web_t *w);
/* Waits up to ms milliseconds for the requests in progress to finish;
 * returns how many are still running. */
int web_drain(web_t *w, unsigned ms);
/* Closes every connection and the store and frees w.  NULL is fine. */
void web_stop(web_t *w);

/* Counters since the start, for the log line at exit. */
typedef struct {
    unsigned long requests, submissions;
    unsigned long commits;     /* transactions of the writer (group commit: several
                                  submissions each under load) */
} web_stats_t;
void web_get_stats(const web_t *w, web_stats_t *st);

#endif
