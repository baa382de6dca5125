/*
 * load_serve_c: the load of bench/load_serve.py's Python clients, in C, so
 * that on a 2-core machine the load generator does not take the cores the
 * server is being measured on (issue #8: the Python clients needed 0.53 ms
 * of CPU per submission, more than the server's 0.36 ms).
 *
 *   load_serve_c --port PORT --codes FILE [--connections N] [--duration S]
 *                [--out FILE] [--host 127.0.0.1] [--tag c]
 *
 * Each of N keep-alive HTTP/1.1 connections does, per submission, what one
 * Python client does: GET /?code=CODE&lang=en, take the csrf token from the
 * form, POST /submit the staff questionnaire (38 Likert answers, position,
 * party, years, and a comment holding a unique marker), and count the
 * submission as acknowledged when the answer is 200 with the thank-you page
 * (id="thanks").  Only the POST is timed, as in load_serve.py.
 *
 * One thread drives every connection with poll(): threads per connection
 * would spend the client's CPU on context switches, which is what this tool
 * exists to avoid.  Codes come from FILE (one per line, or `token issue`'s
 * CSV: the text before the first comma; a "code" header is skipped), each
 * used once, in order.
 *
 * It stops after S seconds (0: only on SIGTERM or SIGINT, which is how
 * load_serve.py --client c drives it: it kills the server first, so the
 * submissions in flight end as errors, as with the Python clients).  After
 * the stop no new submission starts; POSTs in flight are waited for (at most
 * 30 s), unsent GETs are dropped.  Then every attempted submission is
 * written to --out as "MARKER OK SECONDS CODE" (OK 1 = acknowledged;
 * SECONDS -1 when the connection failed), the format load_serve.py reads,
 * and a summary is printed: acknowledged, rate, p50/p99 latency, its own CPU.
 * A bench tool, not part of gapsurvey; loopback only.
 */
#define _GNU_SOURCE   /* memmem: the pages are searched as bytes */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_S 30.0   /* a request with no answer by then failed (load_serve.py's timeout) */
#define RETRY_S 0.05     /* pause after a failed connection, as load_serve.py */

static const char *const likert[] = {
    "po1", "po2", "po3", "po4", "po5", "le1", "le2", "le3", "le4", "le5", "ef1", "ef2", "ef3",
    "ef4", "ef5", "ef6", "cl1", "cl2", "cl3", "cl4", "cl5", "vi1", "vi2", "vi3", "vi4", "vi5",
    "vi6", "un1", "un2", "un3", "un4", "un5", "un6", "pl1", "pl2", "pl3", "pl4", "pl5"};
#define NLIKERT (sizeof likert / sizeof likert[0])

enum state { IDLE, CONNECTING, SENDING, RECEIVING, WAITING };

typedef struct {
    char *p;
    size_t len, cap;
} buf_t;

typedef struct {
    int fd;
    enum state st;
    int posting;          /* the request in flight is the POST */
    long code;            /* index of the code being submitted, -1 none */
    long seq;             /* this connection's submission number (the marker) */
    double t0;            /* POST sent */
    double deadline;      /* request timeout, or end of the retry pause */
    buf_t out, in;
    size_t sent;
    size_t hdr_end;       /* end of the response headers, 0 until seen */
    long clen;            /* Content-Length, -1 none */
    int chunked, close_after, status;
} conn_t;

typedef struct {
    long code;
    int conn;
    long seq;
    int ok;
    double dt;
} result_t;

static volatile sig_atomic_t stop_signal;
static char **codes;
static long ncodes, next_code;
static result_t *results;
static size_t nresults, capresults;
static struct sockaddr_in addr;
static char host_hdr[64];
static const char *tag = "c";

static void on_signal(int sig)
{
    (void)sig;
    stop_signal = 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "load_serve_c: out of memory\n");
        exit(1);
    }
    return q;
}

static void buf_reserve(buf_t *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

static void buf_add(buf_t *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_adds(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* application/x-www-form-urlencoded, as urllib.parse.urlencode */
static void buf_addenc(buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            buf_add(b, (const char *)&c, 1);
        } else if (c == ' ') {
            buf_add(b, "+", 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_add(b, e, 3);
        }
    }
}

static void record(conn_t *c, int ci, int ok, double dt)
{
    if (nresults == capresults) {
        capresults = capresults ? capresults * 2 : 65536;
        results = xrealloc(results, capresults * sizeof *results);
    }
    results[nresults++] = (result_t){c->code, ci, c->seq, ok, dt};
    c->code = -1;
    c->seq++;
}

static void conn_close(conn_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* the connection failed: the submission in progress (if any) was not
 * acknowledged; try again with the next code after a pause */
static void conn_fail(conn_t *c, int ci, double t)
{
    if (c->code >= 0)
        record(c, ci, 0, -1.0);
    conn_close(c);
    c->st = WAITING;
    c->deadline = t + RETRY_S;
}

static int conn_open(conn_t *c)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    /* each request is one write: nothing to gain from Nagle, only delay */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0)
        return 1;
    if (errno == EINPROGRESS)
        return 0;
    return -1;
}

static void start_request(conn_t *c, double t)
{
    c->st = SENDING;
    c->sent = 0;
    c->in.len = 0;
    c->hdr_end = 0;
    c->clen = -1;
    c->chunked = c->close_after = 0;
    c->status = 0;
    c->deadline = t + TIMEOUT_S;
}

/* Starts the request built in c->out, on a new connection when c has
 * none (CONNECTING until the non-blocking connect completes). */
static void send_request(conn_t *c, int ci, double t)
{
    int r = 1;
    if (c->fd < 0 && (r = conn_open(c)) < 0) {
        conn_fail(c, ci, t);
        return;
    }
    start_request(c, t);
    if (!r)
        c->st = CONNECTING;
}

static void build_get(conn_t *c)
{
    c->out.len = 0;
    buf_adds(&c->out, "GET /?code=");
    buf_addenc(&c->out, codes[c->code]);
    buf_adds(&c->out, "&lang=en HTTP/1.1\r\nHost: ");
    buf_adds(&c->out, host_hdr);
    buf_adds(&c->out, "\r\nAccept-Encoding: identity\r\n\r\n");
    c->posting = 0;
}

static void build_post(conn_t *c, int ci, const char *csrf)
{
    buf_t body = {0};
    char v[64];
    buf_adds(&body, "code=");
    buf_addenc(&body, codes[c->code]);
    buf_adds(&body, "&csrf=");
    buf_add(&body, csrf, 64);
    buf_adds(&body, "&lang=en&q_position=clerk&q_party=yes&q_years=3to10&q_comment=");
    snprintf(v, sizeof v, "m%s%d-%ld", tag, ci, c->seq);
    buf_addenc(&body, v);
    for (size_t k = 0; k < NLIKERT; k++) {
        snprintf(v, sizeof v, "&q_%s=%ld", likert[k], 1 + ((long)k + c->seq) % 5);
        buf_adds(&body, v);
    }
    c->out.len = 0;
    buf_adds(&c->out, "POST /submit HTTP/1.1\r\nHost: ");
    buf_adds(&c->out, host_hdr);
    snprintf(v, sizeof v, "%zu", body.len);
    buf_adds(&c->out, "\r\nAccept-Encoding: identity\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ");
    buf_adds(&c->out, v);
    buf_adds(&c->out, "\r\n\r\n");
    buf_add(&c->out, body.p, body.len);
    free(body.p);
    c->posting = 1;
}

static int header_is(const char *line, size_t n, const char *name, const char **val)
{
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return 0;
    const char *v = line + k + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    *val = v;
    return 1;
}

/* parses the status line and the headers once they are all in; -1 malformed */
static int parse_headers(conn_t *c)
{
    char *end = strstr(c->in.p, "\r\n\r\n");
    if (!end)
        return 0;
    c->hdr_end = (size_t)(end - c->in.p) + 4;
    if (strncmp(c->in.p, "HTTP/1.", 7) != 0 || c->in.len < 12)
        return -1;
    c->status = atoi(c->in.p + 9);
    if (strncmp(c->in.p, "HTTP/1.0", 8) == 0)
        c->close_after = 1;
    for (char *line = strstr(c->in.p, "\r\n") + 2; line < end;) {
        char *eol = strstr(line, "\r\n");
        size_t n = (size_t)(eol - line);
        const char *v;
        if (header_is(line, n, "Content-Length", &v))
            c->clen = atol(v);
        else if (header_is(line, n, "Transfer-Encoding", &v) && strncasecmp(v, "chunked", 7) == 0)
            c->chunked = 1;
        else if (header_is(line, n, "Connection", &v) && strncasecmp(v, "close", 5) == 0)
            c->close_after = 1;
        line = eol + 2;
    }
    return 1;
}

/* a chunked body complete in the buffer is decoded in place; 0 if not yet */
static int dechunk(conn_t *c)
{
    char *p = c->in.p + c->hdr_end, *end = c->in.p + c->in.len, *w = p;
    for (;;) {
        char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (!eol)
            return 0;
        unsigned long n = strtoul(p, NULL, 16);
        p = eol + 2;
        if (n == 0) {
            /* trailers end with an empty line */
            if (!memmem(p - 2, (size_t)(end - p + 2), "\r\n\r\n", 4))
                return 0;
            break;
        }
        if ((size_t)(end - p) < n + 2)
            return 0;
        p += n + 2;
    }
    /* complete: copy the chunks' data together */
    p = c->in.p + c->hdr_end;
    for (;;) {
        char *eol = strstr(p, "\r\n");
        unsigned long n = strtoul(p, NULL, 16);
        p = eol + 2;
        if (n == 0)
            break;
        memmove(w, p, n);
        w += n;
        p += n + 2;
    }
    c->in.len = (size_t)(w - c->in.p);
    c->in.p[c->in.len] = '\0';
    return 1;
}

/* 1 when the whole response is in, 0 not yet, -1 broken */
static int response_complete(conn_t *c, int eof)
{
    if (!c->hdr_end) {
        int r = parse_headers(c);
        if (r <= 0)
            return eof ? -1 : r;
    }
    if (c->chunked) {
        int r = dechunk(c);
        return r ? 1 : eof ? -1 : 0;
    }
    if (c->clen >= 0) {
        if (c->in.len - c->hdr_end >= (size_t)c->clen)
            return 1;
        return eof ? -1 : 0;
    }
    if (eof) {
        c->close_after = 1;
        return 1;
    }
    return 0;
}

/* the next submission on this connection, or IDLE when there is none */
static void next_submission(conn_t *c, int ci, double t, int stopping)
{
    if (stopping || next_code >= ncodes) {
        conn_close(c);
        c->st = IDLE;
        return;
    }
    c->code = next_code++;
    build_get(c);
    send_request(c, ci, t);
}

static void response_done(conn_t *c, int ci, double t, int stopping)
{
    const char *body = c->in.p + c->hdr_end;
    size_t blen = c->in.len - c->hdr_end;
    if (c->clen >= 0 && (size_t)c->clen < blen)
        blen = (size_t)c->clen;   /* nothing is pipelined: extra bytes are not ours */
    if (!c->posting) {
        static const char key[] = "name=\"csrf\" value=\"";
        const char *m = c->status == 200 ? memmem(body, blen, key, sizeof key - 1) : NULL;
        const char *tok = m ? m + sizeof key - 1 : NULL;
        if (!tok || (size_t)(body + blen - tok) < 65 || tok[64] != '"' ||
            strspn(tok, "0123456789abcdef") < 64) {
            conn_fail(c, ci, t);   /* no form: as load_serve.py, drop the connection */
            return;
        }
        char csrf[65];
        memcpy(csrf, tok, 64);
        csrf[64] = '\0';
        if (c->close_after)   /* the POST needs a new connection */
            conn_close(c);
        build_post(c, ci, csrf);
        send_request(c, ci, t);
        c->t0 = t;
        return;
    }
    int ok = c->status == 200 && memmem(body, blen, "id=\"thanks\"", 11) != NULL;
    record(c, ci, ok, t - c->t0);
    if (c->close_after)
        conn_close(c);
    next_submission(c, ci, t, stopping);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *lat, size_t n, double q)
{
    if (!n)
        return 0.0;
    size_t k = (size_t)(q * (double)n);
    return lat[k < n ? k : n - 1] * 1000;
}

/* writes the results to OUT_PATH (if any) and prints the summary */
static int report(const char *out_path, int nconn, double elapsed)
{
    int rc = 1;
    size_t nack = 0;
    FILE *out = NULL;
    double *lat = malloc((nresults + 1) * sizeof *lat);
    if (!lat) {
        fprintf(stderr, "load_serve_c: out of memory\n");
        goto cleanup;
    }
    if (out_path && !(out = fopen(out_path, "w"))) {
        fprintf(stderr, "load_serve_c: %s: %s\n", out_path, strerror(errno));
        goto cleanup;
    }
    for (size_t k = 0; k < nresults; k++) {
        const result_t *x = &results[k];
        if (x->ok)
            lat[nack++] = x->dt;
        if (out)
            fprintf(out, "m%s%d-%ld %d %.6f %s\n", tag, x->conn, x->seq, x->ok, x->dt,
                    codes[x->code]);
    }
    if (out) {
        int bad = ferror(out);
        bad |= fclose(out) != 0;
        out = NULL;
        if (bad) {
            fprintf(stderr, "load_serve_c: %s: write failed\n", out_path);
            goto cleanup;
        }
    }
    qsort(lat, nack, sizeof *lat, cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("connections          %d\n", nconn);
    printf("elapsed_s            %.2f\n", elapsed);
    printf("attempted            %zu\n", nresults);
    printf("acknowledged         %zu\n", nack);
    printf("submissions_per_s    %.1f\n", (double)nack / elapsed);
    printf("p50_ms               %.2f\n", pct(lat, nack, 0.50));
    printf("p99_ms               %.2f\n", pct(lat, nack, 0.99));
    printf("max_ms               %.2f\n", nack ? lat[nack - 1] * 1000 : 0.0);
    printf("codes_left           %ld\n", ncodes - next_code);
    printf("client_cpu_s         %.2f\n", cpu);
    printf("client_cpu_ms_per_submission %.3f\n", nack ? cpu * 1000 / (double)nack : 0.0);
    rc = 0;
cleanup:
    if (out)
        fclose(out);
    free(lat);
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: load_serve_c --port PORT --codes FILE [--connections N] "
                    "[--duration S] [--out FILE] [--host ADDR] [--tag TAG]\n");
    exit(2);
}

static int read_codes(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "load_serve_c: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[512];
    long cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, ",\r\n")] = '\0';
        if (!line[0] || strcmp(line, "code") == 0)
            continue;
        if (ncodes == cap) {
            cap = cap ? cap * 2 : 4096;
            codes = xrealloc(codes, (size_t)cap * sizeof *codes);
        }
        codes[ncodes] = strdup(line);
        if (!codes[ncodes++]) {
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

typedef struct {
    const char *codes_path, *out_path;
    int nconn;
    double duration;
} opts_t;

/* The command line into o, and the server's address into addr and
 * host_hdr (and --tag into tag).  Exits with usage() on a bad option;
 * -1 (said on stderr) when --host is not an IPv4 address. */
static int parse_args(int argc, char **argv, opts_t *o)
{
    const char *host = "127.0.0.1";
    int port = 0;
    *o = (opts_t){NULL, NULL, 16, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (strcmp(a, "--port") == 0)
            port = atoi(v);
        else if (strcmp(a, "--codes") == 0)
            o->codes_path = v;
        else if (strcmp(a, "--connections") == 0)
            o->nconn = atoi(v);
        else if (strcmp(a, "--duration") == 0)
            o->duration = atof(v);
        else if (strcmp(a, "--out") == 0)
            o->out_path = v;
        else if (strcmp(a, "--host") == 0)
            host = v;
        else if (strcmp(a, "--tag") == 0)
            tag = v;
        else
            usage();
    }
    if (port <= 0 || port > 65535 || !o->codes_path || o->nconn < 1 || o->nconn > 4096 ||
        o->duration < 0)
        usage();
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "load_serve_c: %s: not an IPv4 address\n", host);
        return -1;
    }
    snprintf(host_hdr, sizeof host_hdr, "%s:%d", host, port);
    return 0;
}

/* Connection i (c), which poll() found ready at time t: finishes its
 * connect, sends what is left of its request, or reads its answer and,
 * when the answer is whole, goes on to what follows (response_done). */
static void conn_ready(conn_t *c, int i, double t, int stopping)
{
    if (c->st == CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
            conn_fail(c, i, t);
            return;
        }
        c->st = SENDING;
    }
    if (c->st == SENDING) {
        ssize_t w = send(c->fd, c->out.p + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno != EAGAIN && errno != EINTR)
                conn_fail(c, i, t);
            return;
        }
        c->sent += (size_t)w;
        if (c->sent == c->out.len)
            c->st = RECEIVING;
        return;
    }
    /* RECEIVING */
    buf_reserve(&c->in, 65536);
    ssize_t got = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len - 1, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (got < 0) {
        conn_fail(c, i, t);
        return;
    }
    c->in.len += (size_t)got;
    c->in.p[c->in.len] = '\0';
    int done = response_complete(c, got == 0);
    if (done < 0) {
        conn_fail(c, i, t);
        return;
    }
    if (done)
        response_done(c, i, t, stopping);
}

int main(int argc, char **argv)
{
    opts_t o;
    if (parse_args(argc, argv, &o) < 0)
        return 2;
    int nconn = o.nconn;
    if (read_codes(o.codes_path) < 0)
        return 1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);   /* a write to a server that died is an error, not the end */

    int rc = 1;
    conn_t *cs = calloc((size_t)nconn, sizeof *cs);
    struct pollfd *pfd = calloc((size_t)nconn, sizeof *pfd);
    int *pidx = calloc((size_t)nconn, sizeof *pidx);
    if (!cs || !pfd || !pidx) {
        fprintf(stderr, "load_serve_c: out of memory\n");
        goto cleanup;
    }
    double start = now(), stop_at = o.duration > 0 ? start + o.duration : 0, t = start;
    for (int i = 0; i < nconn; i++) {
        cs[i].fd = -1;
        cs[i].code = -1;
        next_submission(&cs[i], i, t, 0);
    }
    int stopping = 0;
    for (;;) {
        t = now();
        if (!stopping && (stop_signal || (stop_at && t >= stop_at)))
            stopping = 1;
        int n = 0, active = 0;
        double wake = t + 0.1;
        for (int i = 0; i < nconn; i++) {
            conn_t *c = &cs[i];
            if (stopping && c->st != IDLE && !(c->posting && c->st == RECEIVING) &&
                !(c->posting && c->st == SENDING)) {
                /* no new submission after the stop; a GET not answered yet is dropped */
                c->code = -1;
                conn_close(c);
                c->st = IDLE;
            }
            if (c->st == IDLE)
                continue;
            active++;
            if (c->st == WAITING) {
                if (t >= c->deadline) {
                    next_submission(c, i, t, stopping);
                    if (c->st == IDLE || c->st == WAITING)
                        continue;
                } else {
                    if (c->deadline < wake)
                        wake = c->deadline;
                    continue;
                }
            }
            if (t >= c->deadline) {
                conn_fail(c, i, t);   /* no answer in time */
                continue;
            }
            if (c->st == WAITING)
                continue;
            pfd[n].fd = c->fd;
            pfd[n].events = c->st == RECEIVING ? POLLIN : POLLOUT;
            pfd[n].revents = 0;
            pidx[n++] = i;
        }
        if (!active)
            break;
        if (stop_at && !stopping && stop_at < wake)
            wake = stop_at;
        int ms = (int)((wake - t) * 1000) + 1;
        int r = poll(pfd, (nfds_t)n, ms);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            perror("load_serve_c: poll");
            goto cleanup;
        }
        t = now();
        for (int k = 0; k < n && r > 0; k++) {
            if (!pfd[k].revents)
                continue;
            r--;
            conn_ready(&cs[pidx[k]], pidx[k], t, stopping);
        }
    }
    rc = report(o.out_path, nconn, now() - start);

cleanup:
    for (int i = 0; cs && i < nconn; i++) {
        conn_close(&cs[i]);
        free(cs[i].in.p);
        free(cs[i].out.p);
    }
    free(cs);
    free(pfd);
    free(pidx);
    for (long k = 0; k < ncodes; k++)
        free(codes[k]);
    free(codes);
    free(results);
    return rc;
}
