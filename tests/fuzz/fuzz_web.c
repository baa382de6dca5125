/*
 * fuzz_web: libFuzzer target for the HTTP form-body path of `serve`:
 * libmicrohttpd's post processor (urlencoded and multipart), web.c's field
 * collector and the answer handling of POST /submit.  One server runs in
 * this process on a loopback port against a scratch database holding the
 * staff questionnaire and invitation codes.  Each input becomes the body
 * of a POST /submit that starts with a valid code and CSRF token (so the
 * answers are parsed, checked and possibly stored), followed by the fuzzed
 * bytes.  The harness computes the CSRF token with the server's own key
 * through web_internal.h.  The first byte picks the content type.  A used
 * code is replaced by a fresh one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/util.h"
#include "survey/form.h"
#include "survey/store.h"
#include "survey/token.h"
#include "survey/web/web.h"
#include "survey/web/web_internal.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static web_t *srv;
static char db_path[256];
static int form_dbid, unit_dbid, wave_dbid;
static unsigned long ncode;
static char code[32], csrf[65];

static void die(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_web: %s: %s\n", what, err ? err : "?");
    abort();
}

/* A new invitation code in the scratch database and its CSRF token. */
static void new_code(void)
{
    err_t err = {0};
    store_t *s = NULL;
    snprintf(code, sizeof code, "FUZZ%lu", ++ncode);
    char *h = tok_hash(code);
    if (store_open(db_path, 0, &s, &err) != 0 ||
        store_token_add(s, h, form_dbid, unit_dbid, wave_dbid, &err) != 0)
        die("token", err.msg);
    store_close(s);
    web_submit_csrf(srv, h, csrf);
    free(h);
}

static void setup(void)
{
    err_t err = {0};
    char dir[] = "/tmp/fuzz_web.XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp", strerror(errno));
    snprintf(db_path, sizeof db_path, "%s/fuzz.db", dir);
    form_t *f = NULL;
    util_diag_t d = {0};
    if (form_load_file(FUZZ_ROOT "/questionnaires/staff-opinion.csv", &f, &d) != 0)
        die("form", "cannot load questionnaires/staff-opinion.csv");
    util_diag_free(&d);
    store_t *s = NULL;
    int existed;
    store_unit_t u = {.code = "U01", .name = "<b>unit</b>", .category = "", .parent = "",
                      .headcount = -1};
    if (store_open(db_path, 1, &s, &err) != 0 || store_form_add(s, f, &form_dbid, &existed, &err) != 0 ||
        store_unit_put(s, &u, &err) != 0 || store_unit_find(s, "U01", &unit_dbid, &err) != 0 ||
        store_wave_current(s, 1, &wave_dbid, &err) != 0)
        die("database", err.msg);
    store_close(s);
    form_free(f);
    /* the server wants an admin secret (stored hashed); the fuzzed path is
     * the respondents' /submit, so any will do */
    char *admin_hash = NULL;
    char *made = NULL;
    if (web_admin_secret(db_path, "fuzz-admin-secret", &made, &admin_hash, &err) != 0)
        die("admin secret", err.msg);
    web_config_t cfg = {.db_path = db_path, .listen = "127.0.0.1:0", .threads = 1,
                        .admin_hash = admin_hash};
    if (web_start(&cfg, &srv, &err) != 0)
        die("web_start", err.msg);
    free(admin_hash);   /* web_start keeps its own copy */
    free(made);
    new_code();
}

/* Sends one request and reads the whole answer; the status, or -1. */
static int post(const char *ctype, const char *body, size_t n, char *reply, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)web_port(srv))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int st = -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        char head[512];
        int hn = snprintf(head, sizeof head,
                          "POST /submit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                          "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", ctype, n);
        if (write(fd, head, (size_t)hn) == hn && (n == 0 || write(fd, body, n) == (ssize_t)n)) {
            size_t got = 0;
            ssize_t k;
            while (got + 1 < cap && (k = read(fd, reply + got, cap - 1 - got)) > 0)
                got += (size_t)k;
            reply[got] = '\0';
            if (sscanf(reply, "HTTP/1.%*d %d", &st) != 1)
                st = -1;
        }
    }
    close(fd);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!srv)
        setup();
    if (size < 1)
        return 0;
    static const char *const ctypes[] = {
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=XyZ",
        "application/x-www-form-urlencoded; charset=utf-8",
        "text/plain",
    };
    int kind = data[0] & 3;
    util_buf_t b = {0};
    if (kind == 1)
        util_buf_addf(&b,
                      "--XyZ\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n%s\r\n"
                      "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n",
                      code, csrf);
    else
        util_buf_addf(&b, "code=%s&csrf=%s&", code, csrf);
    util_buf_add(&b, (const char *)data + 1, size - 1);
    static char reply[1 << 16];
    int st = post(ctypes[kind], b.s, b.len, reply, sizeof reply);
    util_buf_free(&b);
    if (st >= 500)
        abort();   /* the server failed on a body it should have judged */
    if (st == 200 && strstr(reply, "name=\"code\"") == NULL)
        new_code();   /* stored (thank-you page): the code is used now */
    return 0;
}
