/*
 * web: the request handling of `gapsurvey serve` on libmicrohttpd (see
 * web.h).  Routes: GET / (the code page, or with ?code= the form), POST /
 * (a typed code), POST /submit (answers), GET /admin (the survey console,
 * survey/web/console.h, for a signed-in session; ?format=csv its table),
 * POST /admin (signing in) and GET /live.js
 * (the optional script).
 *
 * Safety, by construction rather than by care at each call:
 *  - every page is built by web_page, which escapes everything it echoes;
 *  - a body over max_body is refused before it is read (Content-Length) or
 *    the connection is dropped once it passes the limit (chunked);
 *  - every form carries a CSRF token, an HMAC under a key made at start,
 *    bound to the invitation code's hash (or to "code" on the code page);
 *  - answers are stored by ans_submit in one transaction with the token
 *    marked used, and the thank-you page is built only after the commit;
 *  - the log receives server problems only: never an answer, a code, a
 *    query string or a client address; responses keep no time of day.
 */
#include "survey/web/web.h"
#include "survey/web/web_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "survey/answers.h"
#include "survey/disclose.h"
#include "survey/seal.h"
#include "survey/store.h"
#include "survey/token.h"
#include "survey/web/limit.h"
#include "survey/web/web_page.h"
#include "survey/units.h"
#include "base/i18n.h"

#define MAX_FIELDS 2000          /* more than any questionnaire has items */
#define CONNECTION_LIMIT 1000
/* per client address: one client opening connections without end (slow
 * ones, never finishing a request) must leave room for everyone else,
 * and an office behind one NAT address still has plenty */
#define ADDRESS_CONNECTION_LIMIT 256
#define MAX_FORMS 64             /* questionnaire versions served at once */
#define MAX_BATCH 128            /* submissions committed in one transaction at most */

typedef struct {
    int id;                      /* forms.id */
    form_t *form;
    int *item_ids;
    size_t nids;
} cached_form_t;

struct web {
    struct MHD_Daemon *d;
    web_config_t cfg;
    char *db_path, *admin_hash;
    int tls;
    pthread_mutex_t admin_mu;    /* one Argon2id check (64 MiB) at a time */
    unsigned char key[32];       /* CSRF key: random, this process only */
    web_limit_t *limit;          /* requests with a code, per client address */
    /* store pool: one connection per event-loop thread */
    store_t **pool;
    size_t npool, nfree;
    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    /* the units table as it was at the start, by id and by code (strcmp
     * order): an invitation's unit and the answer to a form's unit
     * question are found here, not with a query per request; a unit added
     * while serving is looked up in the store */
    units_list_t units;
    const store_unit_t **unit_id, **unit_code;
    /* questionnaires, loaded on first use; immutable once loaded */
    cached_form_t *forms;
    size_t nforms;
    pthread_mutex_t forms_mu;
    /* one writer at a time, queued here rather than in SQLite: its busy
     * handler sleeps and polls (up to 100 ms a try), which turns a queue of
     * writers into seconds of tail latency; a mutex hands over at once */
    pthread_mutex_t write_mu;
    /* group commit: checked submissions wait here, their connections
     * suspended, for the writer thread, which stores all that are waiting
     * in one transaction (one fsync) and resumes each connection after the
     * commit; meanwhile the event loops go on serving other requests */
    struct pending *qhead, **qtail;
    pthread_mutex_t q_mu;
    pthread_cond_t q_cv;
    pthread_t writer;
    int writer_running;          /* under q_mu; 0 once web_stop has asked it to end */
    int writer_started;
    store_t *wstore;             /* the writer's own connection */
    int quiesced_fd;             /* listening socket after web_quiesce, -1 before */
    atomic_int inflight;
    atomic_int stopping;
    atomic_ulong requests, submissions, commits;
    atomic_size_t page_size;     /* of the last questionnaire page built */
    unsigned port;
};

typedef struct {
    char *key;
    util_buf_t val;
} field_t;

typedef struct pending pending_t;

/* One request's state (libmicrohttpd's con_cls). */
typedef struct {
    struct MHD_PostProcessor *pp;
    field_t *fields;
    size_t nfields, cap;
    size_t body;
    int bad;                     /* the body could not be parsed */
    pending_t *pend;             /* a submission queued for the writer */
} req_t;

static void wlog(web_t *w, const char *fmt, ...) UTIL_PRINTF(2, 3);
static void wlog(web_t *w, const char *fmt, ...)
{
    if (!w->cfg.log)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    w->cfg.log(w->cfg.log_ud, m);
    free(m);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    web_t *w = cls;
    if (!w->cfg.log)
        return;
    char *m = util_vfmt(fmt, ap);
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == '\r'))
        m[--n] = '\0';
    w->cfg.log(w->cfg.log_ud, m);
    free(m);
}

/* ---- HMAC-SHA256 for the CSRF tokens ---- */

/* RFC 2104 over token.c's SHA-256 (one-shot, so each pass hashes one
 * buffer).  A plain hash of key||message would do here too, but HMAC is
 * the construction nobody has to argue about. */
static void hmac_sha256(const unsigned char *key, size_t nkey, const char *msg, size_t n,
                        unsigned char mac[32])
{
    unsigned char k[64] = {0}, inner[32];
    if (nkey > 64)
        tok_sha256(key, nkey, k);
    else
        memcpy(k, key, nkey);
    unsigned char *buf = util_xmalloc(64 + (n > 32 ? n : 32));
    for (int i = 0; i < 64; i++)
        buf[i] = k[i] ^ 0x36;
    memcpy(buf + 64, msg, n);
    tok_sha256(buf, 64 + n, inner);
    for (int i = 0; i < 64; i++)
        buf[i] = k[i] ^ 0x5c;
    memcpy(buf + 64, inner, 32);
    tok_sha256(buf, 64 + 32, mac);
    free(buf);
}

/* The CSRF token of a page: HMAC(key, purpose "\n" bound) in hex. */
static void hmac_hex(const web_t *w, const char *purpose, const char *bound, char out[65])
{
    unsigned char mac[32];
    char *msg = util_fmt("%s\n%s", purpose, bound);
    hmac_sha256(w->key, sizeof w->key, msg, strlen(msg), mac);
    free(msg);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

void web_submit_csrf(const web_t *w, const char *code_hash, char out[65])
{
    hmac_hex(w, "submit", code_hash, out);
}

/* Compares without an early exit, so the time taken says nothing about how
 * much of a guessed token was right. */
static int same_secret(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = (unsigned char)(na != nb);
    for (size_t i = 0; i < na; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
    return diff == 0 && nb > 0;
}

/* ---- the store pool and the form cache ---- */

/* A request's reads (the code and its wave, the form) share one read
 * transaction on SQLite: on its own each SELECT took and released WAL read
 * locks, and ending those read transactions was a tenth of the server's
 * CPU.  On PostgreSQL they go without one (store_reads_begin), unless
 * snapshot asks for one snapshot of every read (the console's tables). */
static store_t *pool_get(web_t *w, int snapshot)
{
    pthread_mutex_lock(&w->pool_mu);
    while (w->nfree == 0)
        pthread_cond_wait(&w->pool_cv, &w->pool_mu);
    store_t *s = w->pool[--w->nfree];
    pthread_mutex_unlock(&w->pool_mu);
    err_t err = {0};
    if ((snapshot ? store_read_begin(s, &err) : store_reads_begin(s, &err)) != 0) {
        wlog(w, "starting a read: %s", err.msg ? err.msg : "?");   /* each read then stands alone */
        err_clear(&err);
    }
    return s;
}

static void pool_put(web_t *w, store_t *s)
{
    if (!s)
        return;
    store_rollback(s);   /* ends the read transaction; nothing was written */
    pthread_mutex_lock(&w->pool_mu);
    w->pool[w->nfree++] = s;
    pthread_cond_signal(&w->pool_cv);
    pthread_mutex_unlock(&w->pool_mu);
}

static int unit_by_id(const void *a, const void *b)
{
    const store_unit_t *x = *(const store_unit_t *const *)a, *y = *(const store_unit_t *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

static int unit_by_code(const void *a, const void *b)
{
    return strcmp((*(const store_unit_t *const *)a)->code, (*(const store_unit_t *const *)b)->code);
}

/* Reads the units table into w's cache (web_start). */
static int units_cache(web_t *w, store_t *s, err_t *err)
{
    if (units_load(s, &w->units, err) != 0)
        return -1;
    size_t n = w->units.n;
    w->unit_id = util_xcalloc(n + 1, sizeof *w->unit_id);
    w->unit_code = util_xcalloc(n + 1, sizeof *w->unit_code);
    for (size_t i = 0; i < n; i++)
        w->unit_id[i] = w->unit_code[i] = &w->units.units[i];
    qsort(w->unit_id, n, sizeof *w->unit_id, unit_by_id);
    qsort(w->unit_code, n, sizeof *w->unit_code, unit_by_code);
    return 0;
}

/* The cached unit with this id (code NULL) or code; NULL when the cache
 * has none. */
static const store_unit_t *unit_cached(const web_t *w, int id, const char *code)
{
    store_unit_t key = {.id = id, .code = code};
    const store_unit_t *k = &key, **hit;
    if (code)
        hit = bsearch(&k, w->unit_code, w->units.n, sizeof *w->unit_code, unit_by_code);
    else
        hit = bsearch(&k, w->unit_id, w->units.n, sizeof *w->unit_id, unit_by_id);
    return hit ? *hit : NULL;
}

/* The questionnaire stored as forms.id = id, parsed once and then shared
 * read-only by every thread (the expression evaluator keeps its state in
 * the ans_t of the request, not in the form). */
static const cached_form_t *form_get(web_t *w, store_t *s, int id, err_t *err)
{
    const cached_form_t *hit = NULL;
    pthread_mutex_lock(&w->forms_mu);
    for (size_t i = 0; i < w->nforms; i++)
        if (w->forms[i].id == id)
            hit = &w->forms[i];
    pthread_mutex_unlock(&w->forms_mu);
    if (hit)
        return hit;
    cached_form_t c = {id, NULL, NULL, 0};
    if (store_form_get_by_id(s, id, &c.form, err) != 0)
        return NULL;
    /* the unit question offers the units table's units (read when the
     * form is first used: `unit import` while serving shows after a
     * restart) */
    if (units_fill_form(s, c.form, err) != 0 ||
        store_item_ids(s, id, &c.item_ids, &c.nids, err) != 0) {
        form_free(c.form);
        return NULL;
    }
    pthread_mutex_lock(&w->forms_mu);
    for (size_t i = 0; i < w->nforms && !hit; i++)
        if (w->forms[i].id == id)
            hit = &w->forms[i];   /* another thread was quicker */
    if (!hit) {
        /* entries never move once handed out (growing the array would
         * invalidate them), so it is allocated once at its full size */
        if (w->nforms < MAX_FORMS) {
            w->forms[w->nforms] = c;
            hit = &w->forms[w->nforms++];
            c.form = NULL;
            c.item_ids = NULL;
        } else
            err_set(err, ERR_FAIL, _("more than %d questionnaires in use at once"), MAX_FORMS);
    }
    pthread_mutex_unlock(&w->forms_mu);
    form_free(c.form);
    free(c.item_ids);
    return hit;
}

/* ---- request bodies ---- */

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    req_t *r = cls;
    (void)kind, (void)content_type, (void)transfer_encoding;
    if (filename)
        return MHD_YES;   /* no questionnaire takes files */
    if (!key)
        return MHD_YES;   /* a multipart part with no name: nothing to answer */
    field_t *f = NULL;
    if (off > 0 && r->nfields && strcmp(r->fields[r->nfields - 1].key, key) == 0)
        f = &r->fields[r->nfields - 1];
    if (!f) {
        if (r->nfields >= MAX_FIELDS) {
            r->bad = 1;
            return MHD_NO;
        }
        if (r->nfields == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 32;
            r->fields = util_xrealloc(r->fields, r->cap * sizeof *r->fields);
        }
        f = &r->fields[r->nfields++];
        f->key = util_xstrdup(key);
        memset(&f->val, 0, sizeof f->val);
        util_buf_add(&f->val, "", 0);
    }
    util_buf_add(&f->val, data, size);
    return MHD_YES;
}

/* The first value posted under key, or NULL.  A value holding a NUL byte
 * is treated as absent: it cannot be an honest answer. */
static const char *field(const req_t *r, const char *key)
{
    for (size_t i = 0; r && i < r->nfields; i++)
        if (strcmp(r->fields[i].key, key) == 0) {
            const util_buf_t *v = &r->fields[i].val;
            const char *s = v->s ? v->s : "";
            return strlen(s) == v->len ? s : NULL;
        }
    return NULL;
}

static void pending_free(pending_t *p);

static void req_free(req_t *r)
{
    if (!r)
        return;
    /* a pending submission is the writer's until it is done, and the
     * writer finishes every one before libmicrohttpd is stopped (web_stop) */
    pending_free(r->pend);
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    for (size_t i = 0; i < r->nfields; i++) {
        free(r->fields[i].key);
        util_buf_free(&r->fields[i].val);
    }
    free(r->fields);
    free(r);
}

/* ---- responses ---- */

/* extra: NULL, or header names and values, ending with NULL */
static enum MHD_Result send_buf(web_t *w, struct MHD_Connection *c, unsigned status,
                                util_buf_t *b, const char *ctype, int cache,
                                const char *const *extra)
{
    size_t len = b->len;
    char *body = util_buf_take(b);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    /* pages hold answers and codes: no cache may keep them */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            cache ? "public, max-age=3600" : "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    /* links carry the code in the address; no other site may see it */
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; "
                            "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
                            "base-uri 'none'");
    if (w->tls)   /* browsers that came once over HTTPS never fall back to HTTP */
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    for (; extra && extra[0]; extra += 2)
        MHD_add_response_header(resp, extra[0], extra[1]);
    if (atomic_load(&w->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result send_html(web_t *w, struct MHD_Connection *c, unsigned status, util_buf_t *b)
{
    return send_buf(w, c, status, b, "text/html; charset=utf-8", 0, NULL);
}

static enum MHD_Result send_message(web_t *w, struct MHD_Connection *c, unsigned status,
                                    web_lang_t lang, web_text_t head, web_text_t text)
{
    util_buf_t b = {0};
    web_page_message(&b, lang, web_text(lang, head), web_text(lang, text));
    return send_html(w, c, status, &b);
}

/* ---- language ---- */

/* ?lang= or the posted lang (the setlang button asks for the other one),
 * else the best of zh and en in Accept-Language, else Chinese. */
static web_lang_t pick_lang(struct MHD_Connection *c, const req_t *r)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    if (!v)
        v = field(r, "lang");
    if (v && *v) {
        web_lang_t l = strncmp(v, "en", 2) == 0 ? WEB_EN : WEB_ZH;
        if (field(r, "setlang"))
            l = l == WEB_EN ? WEB_ZH : WEB_EN;
        return l;
    }
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
    double best_q = -1;
    web_lang_t best = WEB_ZH;
    for (const char *p = al; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        double q = 1.0;
        const char *qs = NULL;
        for (const char *s = p; s + 2 < e; s++)
            if (s[0] == ';' && (s[1] == 'q' || s[1] == 'Q') && s[2] == '=')
                qs = s + 3;
        if (qs)
            q = strtod(qs, NULL);
        int zh = strncasecmp(p, "zh", 2) == 0, en = strncasecmp(p, "en", 2) == 0;
        if ((zh || en) && q > best_q) {
            best_q = q;
            best = en ? WEB_EN : WEB_ZH;
        }
        p = e;
    }
    return best;
}

/* ---- invitation codes ---- */

/* A used code is CODE_UNKNOWN: it gets the same page and status as one
 * never issued, so polling codes tells nobody which were used, or when. */
typedef enum { CODE_OK, CODE_UNKNOWN, CODE_CLOSED, CODE_ERROR } code_state_t;

/* Looks the code up.  On CODE_OK (and CODE_CLOSED) *hash is the
 * caller's.  *norm gets the normalised code for the form's hidden field. */
static code_state_t check_code(web_t *w, store_t *s, const char *code, char norm[64],
                               char **hash, store_token_t *t)
{
    *hash = NULL;
    if (!code || tok_normalise(code, norm) < 0)
        return CODE_UNKNOWN;
    *hash = tok_hash(norm);
    if (!*hash)
        return CODE_UNKNOWN;
    err_t err = {0};
    int rc = store_token_get(s, *hash, t, &err);
    if (rc < 0) {
        wlog(w, "looking up an invitation: %s", err.msg);
        err_clear(&err);
        return CODE_ERROR;
    }
    if (rc == 1 || t->used)
        return CODE_UNKNOWN;
    return t->closed ? CODE_CLOSED : CODE_OK;
}

/* The code page again, saying why the code was refused.  The refused code
 * is not put back into the field: it was wrong or is spent. */
static enum MHD_Result send_code_state(web_t *w, struct MHD_Connection *c, web_lang_t lang,
                                       code_state_t st)
{
    util_buf_t b = {0};
    char csrf[65];
    hmac_hex(w, "code", "", csrf);
    unsigned status;
    web_text_t h, t;
    switch (st) {
    case CODE_CLOSED: status = MHD_HTTP_GONE, h = WEB_T_CLOSED_HEAD, t = WEB_T_CLOSED_TEXT; break;
    case CODE_ERROR:
        return send_message(w, c, MHD_HTTP_INTERNAL_SERVER_ERROR, lang, WEB_T_SERVER_HEAD,
                            WEB_T_SERVER_TEXT);
    default: status = MHD_HTTP_NOT_FOUND, h = WEB_T_UNKNOWN_HEAD, t = WEB_T_UNKNOWN_TEXT; break;
    }
    web_page_code(&b, lang, csrf, "", web_text(lang, h), web_text(lang, t));
    return send_html(w, c, status, &b);
}

/* ---- the questionnaire page ---- */

typedef struct {
    const cached_form_t *cf;
    int unit;                /* units.id from the invitation, 0 = the respondent says */
    int fixed_pos;           /* the unit question answered by the invitation, -1 none */
    char *unit_code;         /* of the invitation's unit */
    char *fixed_text;        /* how the fixed unit is shown */
    unsigned long long seed; /* the respondent's order of randomized choices */
    /* repeats on the page: instances by begin_repeat position; what was
     * sent and what is wrong by question and instance (web_form_view_t) */
    size_t *ninst;
    char **rraw, **rerr;
    size_t nslots;
    /* the paged form: the page shown (0: the whole form on one page), the
     * pages, each item's, and the last one that has a relevant question */
    size_t page, npages, last;
    size_t *page_of;
} survey_t;

static void survey_free(survey_t *sv)
{
    free(sv->unit_code);
    free(sv->fixed_text);
    for (size_t i = 0; i < sv->nslots; i++) {
        free(sv->rraw[i]);
        free(sv->rerr[i]);
    }
    free(sv->rraw);
    free(sv->rerr);
    free(sv->ninst);
    free(sv->page_of);
}

static int survey_load(web_t *w, store_t *s, const store_token_t *t, web_lang_t lang,
                       survey_t *sv)
{
    err_t err = {0};
    char *name = NULL;
    memset(sv, 0, sizeof *sv);
    sv->fixed_pos = -1;
    sv->cf = form_get(w, s, t->form, &err);
    if (!sv->cf) {
        wlog(w, "loading questionnaire %d: %s", t->form, err.msg ? err.msg : "?");
        err_clear(&err);
        return -1;
    }
    sv->unit = t->unit;
    const form_t *f = sv->cf->form;

    const store_unit_t *u = t->unit > 0 && f->unit_field ? unit_cached(w, t->unit, NULL) : NULL;
    if (u) {
        sv->unit_code = util_xstrdup(u->code);
        name = util_xstrdup(u->name);
    }
    if (t->unit > 0 && f->unit_field) {
        if (!u && store_unit_get(s, t->unit, &sv->unit_code, &name, &err) != 0) {
            wlog(w, "reading unit %d: %s", t->unit, err.msg ? err.msg : "no such unit");
            err_clear(&err);
            return -1;
        }
        sv->fixed_pos = form_item_index(f, f->unit_field);
        const form_item_t *it = sv->fixed_pos >= 0 ? &f->items[sv->fixed_pos] : NULL;
        int k = it && it->list >= 0 ? form_list_choice(&f->lists[it->list], sv->unit_code) : -1;
        /* the form's own label speaks the page's language; units.name is Chinese */
        if (k >= 0)
            sv->fixed_text = util_xstrdup(form_text(f, f->lists[it->list].choices[k].label,
                                                    form_lang(f, web_lang_code(lang))));
        else
            sv->fixed_text = util_xstrdup(name ? name : sv->unit_code);
        free(name);
    }
    sv->page_of = util_xcalloc(f->nitems + 1, sizeof *sv->page_of);
    sv->npages = sv->last = web_pages(f, sv->fixed_pos, sv->page_of);
    return 0;
}

static enum MHD_Result send_form(web_t *w, struct MHD_Connection *c, unsigned status,
                                 web_lang_t lang, const survey_t *sv, const char *code,
                                 const char *hash, char *const *raw, char *const *errors,
                                 size_t nerrors, const char *notice)
{
    char csrf[65];
    hmac_hex(w, "submit", hash, csrf);
    web_form_view_t v = {sv->cf->form, lang, code, csrf, raw, errors, nerrors, sv->fixed_pos,
                         sv->fixed_text, notice, "/live.js", NULL, sv->seed,
                         sv->ninst, sv->rraw, sv->rerr, sv->page, sv->npages, sv->page_of,
                         sv->last};
    /* labels may show earlier answers (${name}): those sent so far, the
     * repeats' instances included (a sum over them) */
    ans_t *a = raw ? ans_new(v.form) : NULL;
    for (size_t i = 0; a && i < v.form->nitems; i++) {
        err_t m = {0};
        if (raw[i] && ans_set(a, i, raw[i], &m) != 0)
            err_clear(&m);
        if (v.form->items[i].type != FORM_BEGIN_REPEAT || !sv->ninst)
            continue;
        for (size_t k = 0; k < sv->ninst[i] && ans_instance_add(a, i) >= 0; k++)
            for (size_t j = i + 1; v.form->items[j].type != FORM_END_REPEAT; j++) {
                const char *rv = sv->rraw[j * FORM_MAX_INSTANCES + k];
                if (rv && ans_set(a, j, rv, &m) != 0)
                    err_clear(&m);
            }
        ans_focus(a, i, (size_t)-1);
    }
    v.ans = a;
    /* a questionnaire page is tens of KiB: grown from nothing by doubling
     * it was reallocated a dozen times (7% of the server's CPU), so it
     * starts at the size the last one reached */
    util_buf_t b = {0};
    b.cap = atomic_load(&w->page_size) + 4096;
    b.s = util_xmalloc(b.cap);
    b.s[0] = '\0';
    web_page_form(&b, &v);
    ans_free(a);
    atomic_store(&w->page_size, b.len);
    return send_html(w, c, status, &b);
}

/* Does the respondent get the form a page at a time?  As asked (pages=1
 * or 0, carried from page to page), else on a phone, where one long page
 * of forty questions is hard to get through. */
static int wants_pages(struct MHD_Connection *c, const req_t *r)
{
    const char *p = r ? field(r, "pages") : NULL;
    if (!p)
        p = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "pages");
    if (p)
        return strcmp(p, "1") == 0;
    const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    return ua && (strstr(ua, "Mobi") || strstr(ua, "Android") || strstr(ua, "iPhone") ||
                  strstr(ua, "iPad"));
}

/* Is page k shown with these answers: does it hold something relevant? */
static int page_shown(const survey_t *sv, const ans_t *a, size_t k)
{
    const form_t *f = sv->cf->form;
    for (size_t i = 0; i < f->nitems; i++) {
        form_type_t t = f->items[i].type;
        /* the unit from the invitation is shown, not asked: no page alone */
        if (sv->page_of[i] == k && t != FORM_CALCULATE && t != FORM_END_GROUP &&
            t != FORM_END_REPEAT && f->items[i].repeat < 0 && (int)i != sv->fixed_pos &&
            ans_relevant(a, i))
            return 1;
    }
    return 0;
}

/* The next shown page after from (dir 1) or before it (-1); from when there
 * is none. */
static size_t page_step(const survey_t *sv, const ans_t *a, size_t from, int dir)
{
    for (size_t k = from + (size_t)dir; k >= 1 && k <= sv->npages; k += (size_t)dir)
        if (page_shown(sv, a, k))
            return k;
    return from;
}

/* GET /?code= and POST /: a code opens its form, anything else gets the
 * code page back with the reason. */
static enum MHD_Result open_form(web_t *w, struct MHD_Connection *c, web_lang_t lang,
                                 const char *code, int paged)
{
    char norm[64] = "";
    char *hash = NULL;
    store_token_t t = {0};
    survey_t sv = {0};
    enum MHD_Result rc;
    store_t *s = pool_get(w, 0);
    code_state_t st = check_code(w, s, code, norm, &hash, &t);
    if (st != CODE_OK) {
        rc = send_code_state(w, c, lang, st);
        goto cleanup;
    }
    if (survey_load(w, s, &t, lang, &sv) != 0) {
        rc = send_message(w, c, MHD_HTTP_INTERNAL_SERVER_ERROR, lang, WEB_T_SERVER_HEAD,
                          WEB_T_SERVER_TEXT);
        goto cleanup;
    }
    sv.seed = ans_new_seed();
    if (paged) {
        ans_t *a = ans_new(sv.cf->form);
        ans_set_defaults(a);
        sv.page = page_step(&sv, a, 0, 1);
        sv.last = page_step(&sv, a, sv.npages + 1, -1);
        ans_free(a);
    }
    rc = send_form(w, c, MHD_HTTP_OK, lang, &sv, norm, hash, NULL, NULL, 0, NULL);
cleanup:
    pool_put(w, s);
    survey_free(&sv);
    free(hash);
    return rc;
}

/* ---- POST /submit ---- */

/* A checked submission waiting for, or back from, the writer thread.  It
 * owns what the reply needs (the answers as typed, for the form shown
 * again if storing failed). */
struct pending {
    ans_submission_t sub;        /* sub.rc and sub.err are the writer's result */
    struct MHD_Connection *c;
    pending_t *next;
    int done;                    /* under q_mu: the writer has finished with it */
    web_lang_t lang;
    survey_t sv;
    char norm[64];
    char *hash;
    char **raw, **errors;
    size_t n;
    ans_t *a;
};

static void pending_free(pending_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->raw[i]);
        free(p->errors[i]);
    }
    free(p->raw);
    free(p->errors);
    ans_free(p->a);
    survey_free(&p->sv);
    free(p->hash);
    err_clear(&p->sub.err);
    free(p);
}

/* Queues p for the writer and suspends its connection; 0 when the writer
 * has stopped.  The suspension happens under q_mu, before the writer can
 * see p, so it never resumes a connection that is not suspended. */
static int enqueue(web_t *w, pending_t *p)
{
    pthread_mutex_lock(&w->q_mu);
    int ok = w->writer_running;
    if (ok) {
        MHD_suspend_connection(p->c);
        p->next = NULL;
        *w->qtail = p;
        w->qtail = &p->next;
        pthread_cond_signal(&w->q_cv);
    }
    pthread_mutex_unlock(&w->q_mu);
    return ok;
}

/* The writer thread: takes every waiting submission (up to MAX_BATCH),
 * commits them in one transaction, then wakes their connections.  While
 * it waits for the disk, the next batch gathers in the queue, so the
 * batches grow with the load and a lone submission waits for nobody. */
static void *writer_main(void *arg)
{
    web_t *w = arg;
    pending_t *batch[MAX_BATCH];
    ans_submission_t *subs[MAX_BATCH];
    struct MHD_Connection *conns[MAX_BATCH];
    for (;;) {
        size_t k = 0;
        pthread_mutex_lock(&w->q_mu);
        while (!w->qhead && w->writer_running)
            pthread_cond_wait(&w->q_cv, &w->q_mu);
        while (w->qhead && k < MAX_BATCH) {
            batch[k] = w->qhead;
            w->qhead = batch[k]->next;
            k++;
        }
        if (!w->qhead)
            w->qtail = &w->qhead;
        pthread_mutex_unlock(&w->q_mu);
        if (k == 0)
            break;   /* asked to stop, and nothing is left */
        for (size_t i = 0; i < k; i++) {
            subs[i] = &batch[i]->sub;
            conns[i] = batch[i]->c;
        }
        pthread_mutex_lock(&w->write_mu);
        ans_submit_many(w->wstore, subs, k);
        pthread_mutex_unlock(&w->write_mu);
        atomic_fetch_add(&w->commits, 1);
        pthread_mutex_lock(&w->q_mu);
        for (size_t i = 0; i < k; i++)
            batch[i]->done = 1;
        pthread_mutex_unlock(&w->q_mu);
        /* once resumed, a connection may finish and free its pending at
         * once: only the connection pointers saved above are used now */
        for (size_t i = 0; i < k; i++)
            MHD_resume_connection(conns[i]);
    }
    return NULL;
}

/* Everything posted for item it, as the respondent sent it: the first
 * value, or all values joined by spaces for select_multiple.  *bad is set
 * when it is not valid UTF-8 (it is then dropped). */
static char *posted(const req_t *r, const form_item_t *it, int *bad)
{
    char *key = util_fmt("q_%s", it->name);
    util_buf_t b = {0};
    int any = 0;
    *bad = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        if (strcmp(r->fields[i].key, key) != 0)
            continue;
        const util_buf_t *v = &r->fields[i].val;
        const char *s = v->s ? v->s : "";
        if (strlen(s) != v->len || !util_utf8_valid(s, v->len, NULL)) {
            *bad = 1;
            continue;
        }
        if (any && it->type != FORM_SELECT_MULTIPLE && it->type != FORM_RANK)
            break;
        if (any)
            util_buf_addc(&b, ' ');
        util_buf_add(&b, s, v->len);
        any = 1;
    }
    free(key);
    if (!any) {
        util_buf_free(&b);
        return NULL;
    }
    return util_buf_take(&b);
}

/* The message for an answer ans_set refused. */
static web_text_t bad_text(const form_item_t *it)
{
    return it->type == FORM_INTEGER   ? WEB_T_BAD_INTEGER
         : it->type == FORM_DECIMAL ? WEB_T_BAD_DECIMAL
         : it->type == FORM_TEXT    ? WEB_T_BAD_TEXT
         : it->type == FORM_DATE    ? WEB_T_BAD_DATE
         : it->type == FORM_RANK    ? WEB_T_BAD_RANK
                                    : WEB_T_BAD_CHOICE;
}

/* The instances of repeat rpos as sent: n_NAME of them, less one whose
 * "remove" was pressed, plus one when "add" was; each instance's answers
 * set (in turn in focus) and kept as typed in sv.  Returns 1 when a
 * button asked for the page again. */
static int read_repeat(const req_t *r, survey_t *sv, ans_t *a, size_t rpos, web_lang_t lang)
{
    const form_t *f = sv->cf->form;
    const form_item_t *it = &f->items[rpos];
    char *key = util_fmt("n_%s", it->name);
    const char *nv = field(r, key);
    free(key);
    long n = nv ? strtol(nv, NULL, 10) : 0, del = -1;
    n = n < 0 ? 0 : n > FORM_MAX_INSTANCES ? FORM_MAX_INSTANCES : n;
    for (long k = 1; k <= n && del < 0; k++) {
        key = util_fmt("del_%s_%ld", it->name, k);
        del = field(r, key) ? k : -1;
        free(key);
    }
    key = util_fmt("add_%s", it->name);
    int add = field(r, key) != NULL && n < FORM_MAX_INSTANCES;
    free(key);
    for (long k = 1; k <= n + add; k++) {
        if (k == del)
            continue;
        long at = ans_instance_add(a, rpos);
        for (size_t j = rpos + 1; at >= 0 && f->items[j].type != FORM_END_REPEAT; j++) {
            if (!form_item_answerable(&f->items[j]) || k > n)
                continue;
            form_item_t c = f->items[j];
            c.name = util_fmt("%s#%ld", f->items[j].name, k);
            int bad = 0;
            size_t slot = j * FORM_MAX_INSTANCES + (size_t)at;
            sv->rraw[slot] = posted(r, &c, &bad);
            err_t m = {0};
            if (bad)
                sv->rerr[slot] = util_xstrdup(web_text(lang, WEB_T_BAD_TEXT));
            else if (sv->rraw[slot] && ans_set(a, j, sv->rraw[slot], &m) != 0)
                sv->rerr[slot] = util_xstrdup(web_text(lang, bad_text(&f->items[j])));
            err_clear(&m);
            free(c.name);
        }
    }
    ans_focus(a, rpos, (size_t)-1);
    sv->ninst[rpos] = ans_instances(a, rpos);
    return del >= 0 || add;
}

/* The checks of every instance of repeat rpos that is relevant: required
 * and constraint, per instance; the number of problems. */
static size_t check_repeat(survey_t *sv, ans_t *a, size_t rpos, web_lang_t lang, int li)
{
    const form_t *f = sv->cf->form;
    size_t bad = 0;
    for (size_t k = 0; k < ans_instances(a, rpos); k++) {
        ans_focus(a, rpos, k);
        for (size_t j = rpos + 1; f->items[j].type != FORM_END_REPEAT; j++) {
            size_t slot = j * FORM_MAX_INSTANCES + k;
            err_t m = {0};
            if (!form_item_answerable(&f->items[j]) || !ans_relevant(a, j)) {
                free(sv->rerr[slot]);
                sv->rerr[slot] = NULL;
            } else if (!sv->rerr[slot] && ans_check_constraint(a, j, li, &m) != 0) {
                sv->rerr[slot] = util_xstrdup(*form_text(f, f->items[j].constraint_message, li)
                                                  ? m.msg : web_text(lang, WEB_T_BAD_CONSTRAINT));
            } else if (!sv->rerr[slot] && ans_check_required(a, j, li, &m) != 0) {
                sv->rerr[slot] = util_xstrdup(web_text(lang, WEB_T_REQUIRED));
            }
            err_clear(&m);
            bad += sv->rerr[slot] != NULL;
        }
    }
    ans_focus(a, rpos, (size_t)-1);
    return bad;
}

/* Reads every repeat of the page; 1 when a button asked for the page
 * again, 2 when a repeat_count now asks for another number of instances
 * (on the one-page form the page is then shown again to fill them in). */
static int read_repeats(const req_t *r, survey_t *sv, ans_t *a, web_lang_t lang)
{
    const form_t *f = sv->cf->form;
    int again = 0, any = 0;
    for (size_t i = 0; i < f->nitems && !any; i++)
        any = f->items[i].type == FORM_BEGIN_REPEAT;
    if (!any)
        return 0;   /* no slots to fill: allocating and freeing them was a tenth of the CPU */
    sv->nslots = f->nitems * FORM_MAX_INSTANCES;
    sv->rraw = util_xcalloc(sv->nslots, sizeof *sv->rraw);
    sv->rerr = util_xcalloc(sv->nslots, sizeof *sv->rerr);
    sv->ninst = util_xcalloc(f->nitems, sizeof *sv->ninst);
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].type == FORM_BEGIN_REPEAT)
            again |= read_repeat(r, sv, a, i, lang);
    for (size_t i = 0; i < f->nitems; i++) {
        long want = f->items[i].type == FORM_BEGIN_REPEAT ? ans_instances_wanted(a, i) : -1;
        if (want < 0 || (size_t)want == sv->ninst[i])
            continue;
        while (ans_instances(a, i) > (size_t)want)
            ans_instance_remove(a, i, ans_instances(a, i) - 1);
        while (ans_instances(a, i) < (size_t)want && ans_instance_add(a, i) >= 0)
            ;
        ans_focus(a, i, (size_t)-1);
        sv->ninst[i] = ans_instances(a, i);
        again |= 2;
    }
    return again;
}

/* The reply to a submission once the store has answered: the thank-you
 * page only after a commit. */
static enum MHD_Result submit_reply(web_t *w, struct MHD_Connection *c, web_lang_t lang,
                                    const survey_t *sv, const char *norm, const char *hash,
                                    char *const *raw, int sub, const char *err)
{
    if (sub == 1)
        return send_code_state(w, c, lang, CODE_UNKNOWN);
    if (sub != 0) {
        wlog(w, "storing a response: %s", err ? err : "?");
        return send_form(w, c, MHD_HTTP_SERVICE_UNAVAILABLE, lang, sv, norm, hash, raw, NULL, 0,
                         web_text(lang, WEB_T_STORE_FAILED));
    }
    /* committed: only now may the respondent be told */
    atomic_fetch_add(&w->submissions, 1);
    util_buf_t b = {0};
    const form_t *f = sv->cf->form;
    web_page_thanks(&b, lang, form_title_in(f, form_lang(f, web_lang_code(lang))),
                    f->role == FORM_ROLE_SELF);
    return send_html(w, c, MHD_HTTP_OK, &b);
}

/* The connection of a queued submission, resumed by the writer. */
static enum MHD_Result submit_done(web_t *w, struct MHD_Connection *c, req_t *r)
{
    pending_t *p = r->pend;
    pthread_mutex_lock(&w->q_mu);   /* pairs with the writer's: its results are visible */
    int done = p->done;
    pthread_mutex_unlock(&w->q_mu);
    if (!done)
        return MHD_YES;   /* cannot happen: only the writer resumes, after it is done */
    r->pend = NULL;
    enum MHD_Result rc = submit_reply(w, c, p->lang, &p->sv, p->norm, p->hash, p->raw,
                                      p->sub.rc, p->sub.err.msg);
    pending_free(p);
    return rc;
}

/* Every answer sent outside the repeats, set in a and kept as typed in raw,
 * with what ans_set refused in errors; the unit from the invitation and
 * read-only questions keep their own value whatever was sent. */
static void read_answers(const req_t *r, const survey_t *sv, ans_t *a, char **raw,
                         char **errors, web_lang_t lang)
{
    const form_t *f = sv->cf->form;
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        if (!form_item_answerable(it) || it->repeat >= 0)
            continue;
        if ((int)i == sv->fixed_pos || it->read_only) {
            const char *given = (int)i == sv->fixed_pos ? sv->unit_code : it->default_value;
            err_t m = {0};
            if (given && ans_set(a, i, given, &m) != 0)
                err_clear(&m);   /* a unit the form does not list: the invitation still names it */
            continue;
        }
        int bad = 0;
        raw[i] = posted(r, it, &bad);
        err_t m = {0};
        if (bad)
            errors[i] = util_xstrdup(web_text(lang, WEB_T_BAD_TEXT));
        else if (raw[i] && ans_set(a, i, raw[i], &m) != 0)
            errors[i] = util_xstrdup(web_text(lang, bad_text(it)));
        err_clear(&m);
    }
}

/* The constraint and required checks of every relevant question, repeats
 * included; an irrelevant question loses its error (it is dropped,
 * whatever was typed in it).  The number of repeat problems found (the
 * caller counts errors[] itself). */
static size_t check_answers(survey_t *sv, ans_t *a, char **errors, web_lang_t lang, int li)
{
    const form_t *f = sv->cf->form;
    size_t nerr = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        if (f->items[i].type == FORM_BEGIN_REPEAT && ans_relevant(a, i))
            nerr += check_repeat(sv, a, i, lang, li);
        if (!form_item_answerable(&f->items[i]) || (int)i == sv->fixed_pos ||
            f->items[i].repeat >= 0)
            continue;
        if (!ans_relevant(a, i)) {
            free(errors[i]);
            errors[i] = NULL;
            continue;
        }
        if (errors[i])
            continue;
        err_t m = {0};
        if (ans_check_constraint(a, i, li, &m) != 0)
            errors[i] = util_xstrdup(*form_text(f, f->items[i].constraint_message, li)
                                         ? m.msg : web_text(lang, WEB_T_BAD_CONSTRAINT));
        else if (ans_check_required(a, i, li, &m) != 0)
            errors[i] = util_xstrdup(*form_text(f, f->items[i].required_message, li)
                                         ? m.msg : web_text(lang, WEB_T_REQUIRED));
        err_clear(&m);
    }
    return nerr;
}

/* The problems on page k: its questions' and its repeats'. */
static size_t page_problems(const survey_t *sv, char *const *errors, size_t k)
{
    const form_t *f = sv->cf->form;
    size_t bad = 0;
    for (size_t i = 0; i < f->nitems; i++)
        bad += errors[i] && sv->page_of[i] == k;
    for (size_t at = 0; at < sv->nslots; at++)
        bad += sv->rerr[at] && sv->page_of[at / FORM_MAX_INSTANCES] == k;
    return bad;
}

/* The page a paged form's submission asks for: the one it came from, the
 * one before it (Previous), or where a restored draft was (goto, from the
 * live script). */
static void page_asked(const req_t *r, survey_t *sv, const ans_t *a)
{
    long k = strtol(field(r, "page"), NULL, 10);
    sv->page = k < 1 ? 1 : (size_t)k > sv->npages ? sv->npages : (size_t)k;
    sv->last = page_step(sv, a, sv->npages + 1, -1);
    if (field(r, "prev"))
        sv->page = page_step(sv, a, sv->page, -1);
    long go = field(r, "goto") ? strtol(field(r, "goto"), NULL, 10) : 0;
    if (go >= 1 && (size_t)go <= sv->npages)
        sv->page = (size_t)go;
}

/* The order the page was shown in (its seed field), kept when it is shown
 * again; a new one for a page that has none. */
static void read_seed(const req_t *r, survey_t *sv)
{
    const char *seed = field(r, "seed");
    char *end = NULL;
    sv->seed = seed ? strtoull(seed, &end, 16) : 0;
    if (!sv->seed || !end || *end)
        sv->seed = ans_new_seed();
}

/* The unit a checked submission goes to: the invitation's, else the answer
 * to the form's unit question; an answer naming no stored unit becomes
 * that question's error (and unit 0). */
static int answer_unit(web_t *w, store_t *s, const survey_t *sv, const ans_t *a, char **errors,
                       web_lang_t lang)
{
    const form_t *f = sv->cf->form;
    int unit = sv->unit;
    int up = f->unit_field ? form_item_index(f, f->unit_field) : -1;
    if (unit != 0 || up < 0 || !ans_get(a, (size_t)up) || errors[up])
        return unit;
    const store_unit_t *u = unit_cached(w, 0, ans_get(a, (size_t)up));
    if (u)
        return u->id;
    err_t err = {0};
    int rcu = store_unit_find(s, ans_get(a, (size_t)up), &unit, &err);
    if (rcu != 0) {
        if (rcu < 0)
            wlog(w, "looking up a unit: %s", err.msg);
        unit = 0;
        errors[up] = util_xstrdup(web_text(lang, WEB_T_BAD_CHOICE));
    }
    err_clear(&err);
    return unit;
}

/* How many of nerr problems the page shows: a paged form goes to the first
 * page with a problem and shows that page's; else all of them. */
static size_t first_problem_page(survey_t *sv, char *const *errors, size_t nerr)
{
    if (!sv->page)
        return nerr;
    for (sv->page = 1; sv->page < sv->npages && !page_problems(sv, errors, sv->page);)
        sv->page++;
    return page_problems(sv, errors, sv->page);
}

static enum MHD_Result submit(web_t *w, struct MHD_Connection *c, web_lang_t lang, req_t *r)
{
    char norm[64] = "";
    err_t err = {0};
    char *hash = NULL;
    store_token_t t = {0};
    survey_t sv = {0};
    char **raw = NULL, **errors = NULL;
    ans_t *a = NULL;
    size_t n = 0, nerr = 0;
    enum MHD_Result rc;
    store_t *s = pool_get(w, 0);
    code_state_t st = check_code(w, s, field(r, "code"), norm, &hash, &t);
    if (st != CODE_OK) {
        rc = send_code_state(w, c, lang, st);
        goto cleanup;
    }
    if (survey_load(w, s, &t, lang, &sv) != 0) {
        rc = send_message(w, c, MHD_HTTP_INTERNAL_SERVER_ERROR, lang, WEB_T_SERVER_HEAD,
                          WEB_T_SERVER_TEXT);
        goto cleanup;
    }
    const form_t *f = sv.cf->form;
    read_seed(r, &sv);
    n = f->nitems;
    raw = util_xcalloc(n + 1, sizeof *raw);
    errors = util_xcalloc(n + 1, sizeof *errors);
    a = ans_new(f);
    int li = form_lang(f, web_lang_code(lang));
    read_answers(r, &sv, a, raw, errors, lang);
    int again = read_repeats(r, &sv, a, lang);
    /* a forged or stale page is never stored; its answers are shown back
     * with a fresh token (only this page's own origin can read them) */
    char want[65];
    hmac_hex(w, "submit", hash, want);
    const char *got = field(r, "csrf");
    if (!got || !same_secret(got, want)) {
        rc = send_form(w, c, MHD_HTTP_FORBIDDEN, lang, &sv, norm, hash, raw, NULL, 0,
                       web_text(lang, WEB_T_EXPIRED_FORM));
        goto cleanup;
    }
    if (wants_pages(c, r) && field(r, "page"))
        page_asked(r, &sv, a);
    /* paged, a repeat whose number changed is filled in on its own page */
    if (sv.page)
        again &= 1;
    if (field(r, "setlang") || again || (sv.page && (field(r, "prev") || field(r, "goto")))) {
        rc = send_form(w, c, MHD_HTTP_OK, lang, &sv, norm, hash, raw, NULL, 0, NULL);
        goto cleanup;
    }
    nerr += check_answers(&sv, a, errors, lang, li);
    if (sv.page && field(r, "next")) {
        /* the page is checked on its own; the next one is shown when it
         * passes, with the answers of all pages carried along */
        size_t bad = page_problems(&sv, errors, sv.page);
        if (!bad)
            sv.page = page_step(&sv, a, sv.page, 1);
        rc = send_form(w, c, MHD_HTTP_OK, lang, &sv, norm, hash, raw, bad ? errors : NULL, bad,
                       NULL);
        goto cleanup;
    }
    ans_drop_irrelevant(a);
    int unit = answer_unit(w, s, &sv, a, errors, lang);
    for (size_t i = 0; i < n; i++)
        nerr += errors[i] != NULL;
    if (nerr) {
        rc = send_form(w, c, MHD_HTTP_OK, lang, &sv, norm, hash, raw, errors,
                       first_problem_page(&sv, errors, nerr), NULL);
        goto cleanup;
    }
    /* checked: the writer stores it with whatever else is waiting, and the
     * connection sleeps until that commit (see submit_done) */
    pending_t *p = util_xcalloc(1, sizeof *p);
    p->sub = (ans_submission_t){a, sv.cf->id, sv.cf->item_ids, t.wave, unit, "web", hash,
                                NULL, -1, {0}};
    p->c = c;
    p->lang = lang;
    p->sv = sv;
    memcpy(p->norm, norm, sizeof norm);
    p->hash = hash;
    p->raw = raw;
    p->errors = errors;
    p->n = n;
    p->a = a;
    if (enqueue(w, p)) {
        r->pend = p;
        hash = NULL, raw = NULL, errors = NULL, a = NULL, n = 0;
        memset(&sv, 0, sizeof sv);
        rc = MHD_YES;
        goto cleanup;
    }
    free(p);
    /* the writer has stopped (the server is shutting down): store it here,
     * after ending this request's read transaction */
    store_rollback(s);
    pthread_mutex_lock(&w->write_mu);
    int sub = ans_submit(s, a, sv.cf->id, sv.cf->item_ids, t.wave, unit, "web", hash, NULL, &err);
    pthread_mutex_unlock(&w->write_mu);
    rc = submit_reply(w, c, lang, &sv, norm, hash, raw, sub, err.msg);
cleanup:
    pool_put(w, s);
    for (size_t i = 0; i < n; i++) {
        free(raw[i]);
        free(errors[i]);
    }
    free(raw);
    free(errors);
    ans_free(a);
    survey_free(&sv);
    free(hash);
    err_clear(&err);
    return rc;
}

/* ---- GET /admin ---- */

/* The admin session: a cookie "EXPIRY.MAC", MAC = HMAC of the expiry
 * under this process's key, so it needs no table, and a restart (a new
 * key) signs everyone out. */
#define ADMIN_SESSION_SECONDS (12 * 3600)

static void session_value(const web_t *w, long expiry, char out[96])
{
    char e[24], mac[65];
    snprintf(e, sizeof e, "%ld", expiry);
    hmac_hex(w, "admin-session", e, mac);
    snprintf(out, 96, "%s.%s", e, mac);
}

static int session_ok(const web_t *w, struct MHD_Connection *c)
{
    const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "gs_admin");
    char *end, want[96];
    long expiry = v ? strtol(v, &end, 10) : 0;
    if (!v || *end != '.' || expiry < (long)time(NULL))
        return 0;
    session_value(w, expiry, want);
    return same_secret(v, want);
}

static int admin_secret_ok(web_t *w, const char *secret)
{
    pthread_mutex_lock(&w->admin_mu);
    int ok = seal_pass_check(w->admin_hash, secret);
    pthread_mutex_unlock(&w->admin_mu);
    return ok;
}

/* POST /admin: the secret from the sign-in form; on success a session
 * cookie only scripts of this site's pages cannot read (HttpOnly), sent
 * back only from this site (SameSite=Strict) and only over TLS when the
 * server has it (Secure), and a redirect to the page. */
static enum MHD_Result admin_login(web_t *w, struct MHD_Connection *c, web_lang_t lang,
                                   const req_t *r)
{
    char csrf[65], cookie[200], v[96];
    hmac_hex(w, "admin", "", csrf);
    const char *got = field(r, "csrf"), *secret = field(r, "secret");
    util_buf_t b = {0};
    if (!got || !same_secret(got, csrf) || !secret || !admin_secret_ok(w, secret)) {
        web_page_login(&b, lang, csrf);
        return send_html(w, c, MHD_HTTP_FORBIDDEN, &b);
    }
    session_value(w, (long)time(NULL) + ADMIN_SESSION_SECONDS, v);
    snprintf(cookie, sizeof cookie, "gs_admin=%s; Path=/admin; Max-Age=%d; HttpOnly; "
             "SameSite=Strict%s", v, ADMIN_SESSION_SECONDS, w->tls ? "; Secure" : "");
    const char *extra[] = {MHD_HTTP_HEADER_SET_COOKIE, cookie, MHD_HTTP_HEADER_LOCATION,
                           lang == WEB_EN ? "/admin?lang=en" : "/admin", NULL};
    web_page_message(&b, lang, web_text(lang, WEB_T_ADMIN_HEAD), "");
    return send_buf(w, c, MHD_HTTP_SEE_OTHER, &b, "text/html; charset=utf-8", 0, extra);
}

/* The survey console of a signed-in organiser: ?wave=NAME (default the
 * newest open wave), ?format=csv for the same table as a download. */
static enum MHD_Result console(web_t *w, struct MHD_Connection *c, web_lang_t lang)
{
    const char *wave = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "wave");
    const char *format = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
    int csv = format && strcmp(format, "csv") == 0;
    console_t con;
    err_t err = {0};
    util_buf_t b = {0};
    enum MHD_Result rc;
    store_t *s = pool_get(w, 1);
    int r = console_build(s, wave && *wave ? wave : NULL, web_lang_code(lang),
                          DISCLOSE_MIN_N, &con, &err);
    pool_put(w, s);
    if (r == 0 && csv)
        r = console_csv(&con, lang == WEB_ZH, &b, &err);
    if (r < 0) {
        wlog(w, "admin page: %s", err.msg ? err.msg : "?");
        rc = send_message(w, c, MHD_HTTP_INTERNAL_SERVER_ERROR, lang, WEB_T_SERVER_HEAD,
                          WEB_T_SERVER_TEXT);
    } else if (r == 1) {
        web_page_message(&b, lang, web_text(lang, WEB_T_NOT_FOUND_HEAD),
                         web_text(lang, WEB_T_ADMIN_NO_WAVE));
        rc = send_html(w, c, MHD_HTTP_NOT_FOUND, &b);
    } else if (csv) {
        /* the wave's name goes into the file name only as far as it is
         * plain letters and digits: a header is no place for the rest */
        char disp[41];
        size_t k = 0;
        for (const char *p = con.wave ? con.wave : ""; *p && k + 1 < sizeof disp; p++)
            if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                *p == '-' || *p == '_')
                disp[k++] = *p;
        disp[k] = '\0';
        char name[128];
        snprintf(name, sizeof name, "attachment; filename=\"gapsurvey-console%s%s.csv\"",
                 k ? "-" : "", disp);
        const char *extra[] = {"Content-Disposition", name, NULL};
        rc = send_buf(w, c, MHD_HTTP_OK, &b, "text/csv; charset=utf-8", 0, extra);
    } else {
        web_page_console(&b, lang, &con);
        rc = send_html(w, c, MHD_HTTP_OK, &b);
    }
    util_buf_free(&b);
    console_free(&con);
    err_clear(&err);
    return rc;
}

static enum MHD_Result admin(web_t *w, struct MHD_Connection *c, web_lang_t lang)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!session_ok(w, c) &&
        !(auth && strncmp(auth, "Bearer ", 7) == 0 && admin_secret_ok(w, auth + 7))) {
        char csrf[65];
        util_buf_t b = {0};
        hmac_hex(w, "admin", "", csrf);
        web_page_login(&b, lang, csrf);
        return send_html(w, c, MHD_HTTP_FORBIDDEN, &b);
    }
    return console(w, c, lang);
}

/* ---- routing ---- */

static enum MHD_Result route(web_t *w, struct MHD_Connection *c, const char *url,
                             const char *method, req_t *r)
{
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    web_lang_t lang = pick_lang(c, r);
    if (post && r->bad)
        return send_message(w, c, MHD_HTTP_BAD_REQUEST, lang, WEB_T_BAD_REQUEST_HEAD,
                            WEB_T_BAD_REQUEST_TEXT);
    /* every request that looks a code (or the admin secret) up counts */
    int looks_up = (strcmp(url, "/") == 0 && (post || MHD_lookup_connection_value(
                        c, MHD_GET_ARGUMENT_KIND, "code"))) ||
                   (strcmp(url, "/submit") == 0 && post) || strcmp(url, "/admin") == 0;
    const union MHD_ConnectionInfo *ci =
        looks_up ? MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS) : NULL;
    if (ci && !web_limit_take(w->limit, ci->client_addr))
        return send_message(w, c, MHD_HTTP_TOO_MANY_REQUESTS, lang, WEB_T_BUSY_HEAD,
                            WEB_T_BUSY_TEXT);
    if (strcmp(url, "/") == 0 && get) {
        const char *code = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "code");
        if (code && *code)
            return open_form(w, c, lang, code, wants_pages(c, NULL));
        char csrf[65];
        hmac_hex(w, "code", "", csrf);
        util_buf_t b = {0};
        web_page_code(&b, lang, csrf, "", NULL, NULL);
        return send_html(w, c, MHD_HTTP_OK, &b);
    }
    if (strcmp(url, "/") == 0 && post) {
        char csrf[65];
        hmac_hex(w, "code", "", csrf);
        const char *got = field(r, "csrf");
        const char *code = field(r, "code");
        if (!got || !same_secret(got, csrf)) {
            util_buf_t b = {0};
            web_page_code(&b, lang, csrf, "", web_text(lang, WEB_T_EXPIRED_CODE), NULL);
            return send_html(w, c, MHD_HTTP_FORBIDDEN, &b);
        }
        if (!code || !*code) {
            util_buf_t b = {0};
            web_page_code(&b, lang, csrf, "", NULL, NULL);
            return send_html(w, c, MHD_HTTP_OK, &b);
        }
        return open_form(w, c, lang, code, wants_pages(c, r));
    }
    if (strcmp(url, "/submit") == 0 && post)
        return submit(w, c, lang, r);
    if (strcmp(url, "/admin") == 0 && get)
        return admin(w, c, lang);
    if (strcmp(url, "/admin") == 0 && post)
        return admin_login(w, c, lang, r);
    if (strcmp(url, "/live.js") == 0 && get) {
        util_buf_t b = {0};
        util_buf_adds(&b, web_live_js);
        return send_buf(w, c, MHD_HTTP_OK, &b, "application/javascript; charset=utf-8", 1, NULL);
    }
    if ((strcmp(url, "/") == 0 || strcmp(url, "/submit") == 0 || strcmp(url, "/admin") == 0 ||
         strcmp(url, "/live.js") == 0)) {
        util_buf_t b = {0};
        web_page_message(&b, lang, "405", web_text(lang, WEB_T_BAD_REQUEST_TEXT));
        return send_html(w, c, MHD_HTTP_METHOD_NOT_ALLOWED, &b);
    }
    return send_message(w, c, MHD_HTTP_NOT_FOUND, lang, WEB_T_NOT_FOUND_HEAD,
                        WEB_T_NOT_FOUND_TEXT);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    web_t *w = cls;
    req_t *r = *con_cls;
    (void)version;
    if (!r) {
        r = util_xcalloc(1, sizeof *r);
        *con_cls = r;
        atomic_fetch_add(&w->inflight, 1);
        atomic_fetch_add(&w->requests, 1);
        if (strcmp(method, "POST") == 0) {
            const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
            long len;
            if (cl && (util_parse_long(cl, &len) != 0 || len < 0 || (size_t)len > w->cfg.max_body))
                /* refused before a byte of the body is read; libmicrohttpd
                 * then closes the connection instead of reading on */
                return send_message(w, c, MHD_HTTP_CONTENT_TOO_LARGE, pick_lang(c, NULL),
                                    WEB_T_TOO_BIG_HEAD, WEB_T_TOO_BIG_TEXT);
            r->pp = MHD_create_post_processor(c, 16 * 1024, on_field, r);
            if (!r->pp)
                r->bad = 1;   /* not a form encoding: the body is read and ignored */
        }
        return MHD_YES;
    }
    if (*upload_size) {
        r->body += *upload_size;
        if (r->body > w->cfg.max_body)
            return MHD_NO;   /* chunked past the limit: drop the connection */
        if (r->pp && !r->bad && MHD_post_process(r->pp, upload, *upload_size) != MHD_YES)
            r->bad = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->pend)
        return submit_done(w, c, r);
    return route(w, c, url, method, r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    web_t *w = cls;
    (void)c, (void)toe;
    if (!*con_cls)
        return;
    req_free(*con_cls);
    *con_cls = NULL;
    atomic_fetch_sub(&w->inflight, 1);
}

/* ---- start and stop ---- */

static int parse_listen(const char *spec, struct sockaddr_storage *ss, err_t *err)
{
    char host[256] = "127.0.0.1";
    const char *port = spec;
    const char *colon = strrchr(spec, ':');
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof host) {
            err_set(err, ERR_FAIL, _("--listen '%s': write an IPv6 address as [::1]:8080"), spec);
            return -1;
        }
        memcpy(host, spec + 1, (size_t)(close - spec - 1));
        host[close - spec - 1] = '\0';
        port = close + 2;
    } else if (colon) {
        if ((size_t)(colon - spec) >= sizeof host) {
            err_set(err, ERR_FAIL, _("--listen '%s': host name too long"), spec);
            return -1;
        }
        if (colon > spec) {
            memcpy(host, spec, (size_t)(colon - spec));
            host[colon - spec] = '\0';
        } else
            strcpy(host, "0.0.0.0");
        port = colon + 1;
    }
    long p;
    if (util_parse_long(port, &p) != 0 || p < 0 || p > 65535) {
        err_set(err, ERR_FAIL, _("--listen '%s': the port must be a number from 0 to 65535"), spec);
        return -1;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g != 0 || !res) {
        err_set(err, ERR_IO, _("--listen '%s': %s"), spec, gai_strerror(g));
        return -1;
    }
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

int web_start(const web_config_t *cfg, web_t **out, err_t *err)
{
    web_t *w = util_xcalloc(1, sizeof *w);
    struct sockaddr_storage ss;
    *out = NULL;
    w->cfg = *cfg;
    w->db_path = util_xstrdup(cfg->db_path);
    w->admin_hash = util_xstrdup(cfg->admin_hash ? cfg->admin_hash : "");
    w->tls = cfg->tls_cert_pem != NULL;
    w->cfg.db_path = w->db_path;
    w->cfg.admin_hash = w->admin_hash;
    w->cfg.listen = NULL;
    if (!w->cfg.threads)
        w->cfg.threads = 4;
    if (!w->cfg.max_body)
        w->cfg.max_body = WEB_MAX_BODY_DEFAULT;
    if (!w->cfg.timeout)
        w->cfg.timeout = 30;
    w->quiesced_fd = -1;
    w->limit = web_limit_new(cfg->rate, 60 * cfg->rate);
    pthread_mutex_init(&w->admin_mu, NULL);
    pthread_mutex_init(&w->pool_mu, NULL);
    pthread_cond_init(&w->pool_cv, NULL);
    pthread_mutex_init(&w->forms_mu, NULL);
    pthread_mutex_init(&w->write_mu, NULL);
    pthread_mutex_init(&w->q_mu, NULL);
    pthread_cond_init(&w->q_cv, NULL);
    w->qtail = &w->qhead;
    w->forms = util_xcalloc(MAX_FORMS, sizeof *w->forms);
    if (!*w->admin_hash) {
        err_set(err, ERR_FAIL, _("an admin token is needed"));
        goto fail;
    }
    if (getrandom(w->key, sizeof w->key, 0) != (ssize_t)sizeof w->key) {
        err_set(err, ERR_IO, _("cannot read the system's random source: %s"), strerror(errno));
        goto fail;
    }
    if (parse_listen(cfg->listen ? cfg->listen : "127.0.0.1:8080", &ss, err) != 0)
        goto fail;
    if ((cfg->tls_cert_pem != NULL) != (cfg->tls_key_pem != NULL)) {
        err_set(err, ERR_FAIL, _("TLS needs both a certificate and its key"));
        goto fail;
    }
    if (cfg->tls_cert_pem && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        err_set(err, ERR_FAIL, _("this libmicrohttpd was built without TLS"));
        goto fail;
    }
    w->npool = w->cfg.threads;
    w->pool = util_xcalloc(w->npool, sizeof *w->pool);
    for (size_t i = 0; i < w->npool; i++) {
        if (store_open(w->db_path, 0, &w->pool[i], err) != 0)
            goto fail;
        w->nfree++;
    }
    if (store_open(w->db_path, 0, &w->wstore, err) != 0 || units_cache(w, w->wstore, err) != 0)
        goto fail;
    /* An import holds the write lock for its whole transaction (all or
     * nothing): a million rows take a minute.  The writer waits that out
     * rather than tell respondents their answers could not be stored; their
     * connections stay suspended meanwhile, and reads go on (WAL). */
    store_busy_wait(w->wstore, 15 * 60 * 1000);
    /* its commits reach the disk through the checkpoint that follows each
     * one (the no-history rule), before any connection of the batch is
     * answered: no sync of their own (survey/store.c) */
    if (store_sync_at_checkpoint(w->wstore, err) != 0)
        goto fail;
    /* running before the daemon, so no request ever finds it missing */
    w->writer_running = 1;
    if (pthread_create(&w->writer, NULL, writer_main, w) != 0) {
        w->writer_running = 0;
        err_set(err, ERR_IO, _("cannot start a thread: %s"), strerror(errno));
        goto fail;
    }
    w->writer_started = 1;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (cfg->tls_cert_pem)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem opts[16];
    size_t k = 0;
    /* the logger first, so that libmicrohttpd never prints on its own */
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, w};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, w->cfg.threads, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, w->cfg.timeout, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                        ADDRESS_CONNECTION_LIMIT, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, w};
    if (cfg->tls_cert_pem) {
        opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert_pem};
        opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem};
    }
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    w->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
    if (!w->d) {
        err_set(err, ERR_FAIL, _("cannot listen on %s (in use, not an address of this machine, or "
                                 "a bad TLS certificate or key)"),
                cfg->listen ? cfg->listen : "127.0.0.1:8080");
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
    w->port = di ? di->port : 0;
    *out = w;
    return 0;
fail:
    web_stop(w);
    return -1;
}

int web_admin_secret(const char *db_path, const char *secret, char **made, char **hash,
                     err_t *err)
{
    store_t *s = NULL;
    char h[SEAL_PASS_BYTES], *mine = NULL;
    int rc = -1;
    *made = *hash = NULL;
    if (store_open(db_path, 0, &s, err) != 0)
        goto cleanup;
    int r = secret ? 1 : store_secret_get(s, "admin", hash, err);
    if (r <= 0) {
        rc = r;
        goto cleanup;
    }
    if (!secret) {
        unsigned char b[16];
        seal_random(b, sizeof b);
        mine = util_xmalloc(33);
        for (int i = 0; i < 16; i++)
            snprintf(mine + 2 * i, 3, "%02x", b[i]);
        secret = mine;
    }
    if (seal_pass_hash(secret, h) != 0) {
        err_set(err, ERR_NOMEM, _("not enough memory to hash the admin secret"));
        goto cleanup;
    }
    if (store_secret_put(s, "admin", h, err) != 0)
        goto cleanup;
    *hash = util_xstrdup(h);
    *made = mine;
    mine = NULL;
    rc = 0;
cleanup:
    free(mine);
    store_close(s);
    return rc;
}

unsigned web_port(const web_t *w)
{
    return w->port;
}

void web_quiesce(web_t *w)
{
    if (!w || !w->d || w->quiesced_fd >= 0)
        return;
    atomic_store(&w->stopping, 1);
    MHD_socket fd = MHD_quiesce_daemon(w->d);
    w->quiesced_fd = fd == MHD_INVALID_SOCKET ? -1 : (int)fd;
}

int web_drain(web_t *w, unsigned ms)
{
    struct timespec step = {0, 20 * 1000 * 1000};
    for (unsigned waited = 0; atomic_load(&w->inflight) > 0 && waited < ms; waited += 20)
        nanosleep(&step, NULL);
    return atomic_load(&w->inflight);
}

void web_get_stats(const web_t *w, web_stats_t *st)
{
    st->requests = atomic_load(&((web_t *)w)->requests);
    st->submissions = atomic_load(&((web_t *)w)->submissions);
    st->commits = atomic_load(&((web_t *)w)->commits);
}

void web_stop(web_t *w)
{
    if (!w)
        return;
    /* the writer first: it stores what is queued and resumes those
     * connections (libmicrohttpd must not be stopped with any suspended);
     * a submission checked after this is stored by its own thread */
    if (w->writer_started) {
        pthread_mutex_lock(&w->q_mu);
        w->writer_running = 0;
        pthread_cond_signal(&w->q_cv);
        pthread_mutex_unlock(&w->q_mu);
        pthread_join(w->writer, NULL);
    }
    if (w->d)
        MHD_stop_daemon(w->d);
    /* libmicrohttpd's threads may use the quiesced socket until they stop */
    if (w->quiesced_fd >= 0)
        close(w->quiesced_fd);
    for (size_t i = 0; w->pool && i < w->npool; i++)
        store_close(w->pool[i]);
    free(w->pool);
    store_close(w->wstore);
    for (size_t i = 0; i < w->nforms; i++) {
        form_free(w->forms[i].form);
        free(w->forms[i].item_ids);
    }
    free(w->forms);
    units_list_free(&w->units);
    free(w->unit_id);
    free(w->unit_code);
    web_limit_free(w->limit);
    pthread_mutex_destroy(&w->pool_mu);
    pthread_cond_destroy(&w->pool_cv);
    pthread_mutex_destroy(&w->forms_mu);
    pthread_mutex_destroy(&w->write_mu);
    pthread_mutex_destroy(&w->q_mu);
    pthread_cond_destroy(&w->q_cv);
    free(w->db_path);
    free(w->admin_hash);
    pthread_mutex_destroy(&w->admin_mu);
    free(w);
}
