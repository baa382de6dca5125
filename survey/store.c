/*
 * store: every query of gapsurvey, written once for both databases behind
 * store.h.  A path opens SQLite (survey/store_sqlite.c), a postgresql://
 * or postgres:// URI PostgreSQL (survey/store_pg.c); the drivers
 * (store_driver.h) hold the schemas, the transactions and what must be
 * done differently (the streaming scan, bulk inserts, what a commit or a
 * closed wave leaves behind).  The SQL here is the dialect both speak:
 * ?N parameters (the PostgreSQL driver renames them $N), INSERT ... ON
 * CONFLICT instead of INSERT OR REPLACE, RETURNING instead of the last
 * rowid, and no statement that may fail inside a transaction on purpose
 * (PostgreSQL would abandon the whole transaction): an insert that may
 * meet an existing key says ON CONFLICT DO NOTHING and counts its rows.
 *
 * Each response's answers are one packed value in its row
 * (responses.answers, survey/packed.h, doc/STORAGE.md): packed here on
 * the way in, unpacked here in the scan; the drivers only carry it.
 *
 * Anonymity is a schema property: responses hold an ISO week, never a
 * day or a time; tokens hold only a hash and nothing links them to a
 * response.  Response ids are random within their wave, so neither ids nor
 * id order say who came first.
 */
#include "survey/store.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/i18n.h"
#include "survey/packed.h"
#include "survey/store_driver.h"

/* A form version's item ids mapped onto their positions, for packing a
 * response's answers (survey/packed.h): kept per connection, since the
 * items of a stored form version never change. */
typedef struct {
    int form, lo, n;             /* ids lo .. lo + n - 1 */
    int *pos;                    /* [id - lo]: the position, -1 none */
} posmap_t;

struct store {
    const store_driver_t *drv;
    store_db_t *db;
    long batch;                  /* store_import_begin: the import batch responses
                                    with source "import" belong to; 0 none */
    int sealed_wave, sealed;     /* store_wave_key's last answer (a wave is sealed at
                                    its creation and unsealed only as it closes) */
    uint64_t id_state;           /* store_id_seed: ids from splitmix64 instead; 0 = random */
    int64_t blk_base;            /* random_id's block for bulk sources */
    int blk_next;
    unsigned char blk_perm[64];
    long last_response;          /* store_response_last */
    posmap_t *pm;                /* the forms' position maps met so far */
    size_t npm;
    util_buf_t pack;             /* the response being packed */
    char week_of[11], week[16];  /* store_response_add's last date and its ISO week */
};

/* ---- statements ---- */

static int sqlerr(store_t *s, err_t *err, const char *what)
{
    err_set(err, ERR_DB, "%s: %s", what, s->drv->errmsg(s->db));
    return -1;
}

/* Binds the arguments after fmt, one letter each: t text (NULL: null),
 * i int, u int or null when <= 0 (a unit), l long, n long or null when
 * <= 0 (an import batch), d double, b a blob
 * (pointer, size_t). */
static void bindv(store_q_t *q, const char *fmt, va_list ap)
{
    const store_driver_t *d = q->drv;
    for (int i = 1; *fmt; fmt++, i++) {
        switch (*fmt) {
        case 't': {
            const char *v = va_arg(ap, const char *);
            d->bind_text(q, i, v, v ? strlen(v) : 0);
            break;
        }
        case 'i':
            d->bind_int(q, i, va_arg(ap, int));
            break;
        case 'u': {
            int v = va_arg(ap, int);
            if (v > 0)
                d->bind_int(q, i, v);
            else
                d->bind_null(q, i);
            break;
        }
        case 'l':
            d->bind_int(q, i, va_arg(ap, long));
            break;
        case 'n': {
            long v = va_arg(ap, long);
            if (v > 0)
                d->bind_int(q, i, v);
            else
                d->bind_null(q, i);
            break;
        }
        case 'd':
            d->bind_double(q, i, va_arg(ap, double));
            break;
        case 'b': {
            const void *v = va_arg(ap, const void *);
            d->bind_blob(q, i, v, va_arg(ap, size_t));
            break;
        }
        }
    }
}

/* bindv with the arguments given here. */
static void bind_args(store_q_t *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bindv(q, fmt, ap);
    va_end(ap);
}

/* A statement with its parameters bound (see bindv), ready to step; mode
 * STORE_Q_KEEP for the ones run on every web request, STORE_Q_STREAM for
 * reads of any size (store_driver.h).  NULL and *err on error; done()
 * when finished with it. */
static store_q_t *query(store_t *s, int mode, err_t *err, const char *sql, const char *fmt, ...)
{
    store_q_t *q = s->drv->prep(s->db, sql, mode, err);
    if (!q)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    bindv(q, fmt, ap);
    va_end(ap);
    return q;
}

static void done(store_q_t *q)
{
    if (q)
        q->drv->finish(q);
}

static int step(store_q_t *q)
{
    return q->drv->step(q);
}

static int64_t c_int(store_q_t *q, int c)
{
    return q->drv->col_int(q, c);
}

static const char *c_text(store_q_t *q, int c)
{
    return q->drv->col_text(q, c);
}

/* A statement without results: 0, or -1 with *err "what: message";
 * *changed (when wanted) the rows it changed. */
static int run(store_t *s, const char *what, long *changed, err_t *err, const char *sql,
               const char *fmt, ...)
{
    store_q_t *q = s->drv->prep(s->db, sql, STORE_Q_ONCE, err);
    if (!q)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    bindv(q, fmt, ap);
    va_end(ap);
    int rc = step(q) == STORE_Q_ERR ? sqlerr(s, err, what) : 0;
    if (rc == 0 && changed)
        *changed = q->drv->changes(q);
    done(q);
    return rc;
}

/* Steps q to its first row: 0 with the row ready (the caller reads it,
 * then done(q)), 1 when there is none, -1 with *err "what: message"; q is
 * finished unless 0.  A NULL q (its preparation failed) is -1. */
static int first_row(store_t *s, store_q_t *q, const char *what, err_t *err)
{
    if (!q)
        return -1;
    int st = step(q);
    if (st == STORE_Q_ROW)
        return 0;
    int rc = st == STORE_Q_ERR ? sqlerr(s, err, what) : 1;
    done(q);
    return rc;
}

/* The first column of a query's one row as an integer: 0 and *v, 1 when
 * it returns no row (or null), -1 on error. */
static int one_int(store_t *s, int64_t *v, err_t *err, const char *sql, const char *fmt, ...)
{
    store_q_t *q = s->drv->prep(s->db, sql, STORE_Q_ONCE, err);
    if (q) {
        va_list ap;
        va_start(ap, fmt);
        bindv(q, fmt, ap);
        va_end(ap);
    }
    int rc = first_row(s, q, _("database"), err);
    if (rc == 0) {
        if (q->drv->is_null(q, 0))
            rc = 1;
        else
            *v = c_int(q, 0);
        done(q);
    }
    return rc;
}

/* Runs a one-text-parameter query whose first column is an id: 0 and *id
 * when it returns a row, 1 when none, -1 on error. */
static int find_id(store_t *s, const char *sql, const char *key, int *id, err_t *err)
{
    int64_t v;
    int rc = one_int(s, &v, err, sql, "t", key);
    if (rc == 0)
        *id = (int)v;
    return rc;
}

/* Steps q to its end, rows to each(ud, q); each's nonzero return stops it
 * and is returned.  Errors: -1 with *err "what: message".  Finishes q. */
static int each_row(store_t *s, store_q_t *q, const char *what, err_t *err,
                    int (*each)(void *ud, store_q_t *q), void *ud)
{
    int rc = 0, st;
    while ((st = step(q)) == STORE_Q_ROW)
        if ((rc = each(ud, q)) != 0)
            break;
    if (rc == 0 && st == STORE_Q_ERR)
        rc = sqlerr(s, err, what);
    done(q);
    return rc;
}

/* ---- the connection: opening, transactions ---- */

/* PostgreSQL's URIs (libpq: postgresql:// and postgres://); anything else
 * is a file for SQLite. */
static const store_driver_t *driver_for(const char *target)
{
    if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
        return &store_pg_driver;
    return &store_sqlite_driver;
}

int store_is_uri(const char *target)
{
    return target && driver_for(target) != &store_sqlite_driver;
}

int store_open(const char *path, int create, store_t **out, err_t *err)
{
    store_t *s = util_xcalloc(1, sizeof *s);
    *out = NULL;
    s->drv = driver_for(path);
    if (s->drv->open(path, create, &s->db, err) != 0) {
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void store_close(store_t *s)
{
    if (!s)
        return;
    s->drv->close(s->db);
    for (size_t i = 0; i < s->npm; i++)
        free(s->pm[i].pos);
    free(s->pm);
    util_buf_free(&s->pack);
    free(s);
}

const char *store_backend(const store_t *s)
{
    return s->drv->name;
}

void store_busy_wait(store_t *s, int ms)
{
    s->drv->busy_wait(s->db, ms);
}

int store_begin(store_t *s, err_t *err)
{
    return s->drv->begin(s->db, STORE_TX_WRITE, err);
}

int store_read_begin(store_t *s, err_t *err)
{
    return s->drv->begin(s->db, STORE_TX_SNAPSHOT, err);
}

int store_reads_begin(store_t *s, err_t *err)
{
    return s->drv->begin(s->db, STORE_TX_READS, err);
}

int store_commit(store_t *s, err_t *err)
{
    return s->drv->commit(s->db, err);
}

int store_sync_at_checkpoint(store_t *s, err_t *err)
{
    return s->drv->sync_at_checkpoint ? s->drv->sync_at_checkpoint(s->db, err) : 0;
}

void store_rollback(store_t *s)
{
    s->batch = 0;   /* the batch row went with the transaction */
    s->drv->rollback(s->db);
}

/* ---- forms ---- */

static int form_rows(store_t *s, const form_t *f, int fid, err_t *err)
{
    int dl = f->default_lang;
    const char *ins_dim = "INSERT INTO dimensions(form, code, label) VALUES (?1, ?2, ?3)";
    for (size_t i = 0; i < f->ndims; i++)
        if (run(s, _("storing dimensions"), NULL, err, ins_dim, "itt", fid, f->dims[i].code,
                form_text(f, f->dims[i].label, dl)))
            return -1;
    const char *ins_item = "INSERT INTO items(form, pos, name, type, list, dimension, reverse, "
                           "points, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        store_q_t *q = query(s, STORE_Q_ONCE, err, ins_item, "iitttti", fid, (int)i, it->name,
                             form_type_name(it->type),
                             it->list >= 0 ? f->lists[it->list].name : NULL,
                             it->dim >= 0 ? f->dims[it->dim].code : NULL, it->reverse);
        if (!q)
            return -1;
        if (it->has_points)
            q->drv->bind_double(q, 8, it->points);
        else
            q->drv->bind_null(q, 8);
        const char *label = it->label ? form_text(f, it->label, dl) : NULL;
        q->drv->bind_text(q, 9, label, label ? strlen(label) : 0);
        int rc = step(q) == STORE_Q_ERR ? sqlerr(s, err, _("storing items")) : 0;
        done(q);
        if (rc)
            return -1;
    }
    const char *ins_choice = "INSERT INTO choices(form, list, pos, name, label) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)";
    for (size_t l = 0; l < f->nlists; l++)
        for (size_t c = 0; c < f->lists[l].nchoices; c++)
            if (run(s, _("storing choices"), NULL, err, ins_choice, "ititt", fid,
                    f->lists[l].name, (int)c, f->lists[l].choices[c].name,
                    form_text(f, f->lists[l].choices[c].label, dl)))
                return -1;
    return 0;
}

int store_form_add(store_t *s, const form_t *f, int *id, int *existed, err_t *err)
{
    int rc = -1, in_tx = 0;
    char today[11];
    util_today(today);
    *existed = 0;
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT id, source FROM forms WHERE form_id = ?1 AND "
                         "version = ?2", "tt", f->form_id, f->version);
    if (!q)
        goto cleanup;
    int st = step(q);
    if (st == STORE_Q_ROW) {
        size_t n;
        const char *src = q->drv->col_blob(q, 1, &n);
        if (src && n == f->source_len && memcmp(src, f->source, n) == 0) {
            *existed = 1;
            *id = (int)c_int(q, 0);
            rc = 0;
        } else {
            err_set(err, ERR_EXISTS, _("form %s version %s is already stored with different "
                                       "content; raise the version in the settings sheet to keep "
                                       "both"), f->form_id, f->version);
        }
        goto cleanup;
    }
    if (st == STORE_Q_ERR) {
        sqlerr(s, err, _("database"));
        goto cleanup;
    }
    done(q);
    q = NULL;
    if (store_begin(s, err))
        goto cleanup;
    in_tx = 1;
    q = query(s, STORE_Q_ONCE, err, "INSERT INTO forms(form_id, version, title, role, source, added_on) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id", "tttt", f->form_id, f->version,
              f->title, form_role_name(f->role));
    if (!q)
        goto cleanup;
    q->drv->bind_text(q, 5, f->source, f->source_len);
    q->drv->bind_text(q, 6, today, strlen(today));
    if (step(q) != STORE_Q_ROW) {
        sqlerr(s, err, _("storing the form"));
        goto cleanup;
    }
    int fid = (int)c_int(q, 0);
    done(q);
    q = NULL;
    if (form_rows(s, f, fid, err) || store_commit(s, err))
        goto cleanup;
    in_tx = 0;
    *id = fid;
    rc = 0;
cleanup:
    done(q);
    if (in_tx)
        store_rollback(s);
    return rc;
}

typedef struct {
    void *ud;
    void *cb;
} each_t;

static int form_row(void *ud, store_q_t *q)
{
    each_t *e = ud;
    store_form_row_t r = {(int)c_int(q, 0), c_text(q, 1), c_text(q, 2), c_text(q, 3),
                          c_text(q, 4), c_text(q, 5), (long)c_int(q, 6)};
    return ((int (*)(void *, const store_form_row_t *))e->cb)(e->ud, &r);
}

int store_form_list(store_t *s, int (*cb)(void *ud, const store_form_row_t *r), void *ud,
                    err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT f.id, f.form_id, f.version, f.title, f.role, "
                         "f.added_on, (SELECT count(*) FROM responses r WHERE r.form = f.id) "
                         "FROM forms f ORDER BY f.form_id, f.id", "");
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("listing forms"), err, form_row, &e) : -1;
}

/* The form of a row (id, source, form_id): 0, or -1 when the stored form
 * no longer loads; 1 when there is no row. */
static int form_from(store_t *s, store_q_t *q, form_t **out, int *id, err_t *err)
{
    *out = NULL;
    if (!q)
        return -1;
    int st = step(q), rc = 1;
    if (st == STORE_Q_ERR) {
        rc = sqlerr(s, err, _("database"));
    } else if (st == STORE_Q_ROW) {
        util_diag_t d = {0};
        size_t n;
        const char *src = q->drv->col_blob(q, 1, &n);
        char *name = util_fmt(_("%s (stored form %d)"), c_text(q, 2), (int)c_int(q, 0));
        rc = form_load_mem(name, src ? src : "", src ? n : 0, out, &d);
        if (rc != 0) {
            err_set(err, ERR_FAIL, _("the stored form no longer loads: %s"), d.n ? d.msgs[0] : "?");
            rc = -1;
        } else if (id) {
            *id = (int)c_int(q, 0);
        }
        free(name);
        util_diag_free(&d);
    }
    done(q);
    return rc;
}

int store_form_get(store_t *s, const char *form_id, form_t **out, int *id, err_t *err)
{
    return form_from(s, query(s, STORE_Q_ONCE, err, "SELECT id, source, form_id FROM forms WHERE "
                              "form_id = ?1 ORDER BY id DESC LIMIT 1", "t", form_id),
                     out, id, err);
}

int store_form_get_by_id(store_t *s, int id, form_t **out, err_t *err)
{
    return form_from(s, query(s, STORE_Q_ONCE, err, "SELECT id, source, form_id FROM forms WHERE id = ?1",
                              "i", id), out, NULL, err);
}

typedef struct {
    void *v;
    size_t n, size;
    int text;
} list_t;

static int list_row(void *ud, store_q_t *q)
{
    list_t *l = ud;
    l->v = util_xrealloc(l->v, (l->n + 1) * l->size);
    if (l->text)
        ((char **)l->v)[l->n++] = util_xstrdup(c_text(q, 0));
    else
        ((int *)l->v)[l->n++] = (int)c_int(q, 0);
    return 0;
}

int store_form_ids_by_role(store_t *s, form_role_t role, char ***ids, size_t *n, err_t *err)
{
    list_t l = {NULL, 0, sizeof(char *), 1};
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT form_id FROM forms WHERE role = ?1 GROUP BY form_id "
                         "ORDER BY max(id) DESC", "t", form_role_name(role));
    int rc = q ? each_row(s, q, _("listing forms"), err, list_row, &l) : -1;
    *ids = l.v;
    *n = l.n;
    return rc;
}

int store_item_ids(store_t *s, int form, int **ids, size_t *n, err_t *err)
{
    list_t l = {NULL, 0, sizeof(int), 0};
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT id, pos FROM items WHERE form = ?1 ORDER BY pos", "i",
                         form);
    int rc = q ? each_row(s, q, _("reading items"), err, list_row, &l) : -1;
    *ids = l.v;
    *n = l.n;
    return rc;
}

/* ---- units ---- */

int store_unit_put(store_t *s, const store_unit_t *u, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "INSERT INTO units(code, name, category, parent, headcount) "
                         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO UPDATE SET "
                         "name = excluded.name, "
                         "category = CASE WHEN ?6 & 1 <> 0 THEN units.category ELSE excluded.category END, "
                         "parent = CASE WHEN ?6 & 2 <> 0 THEN units.parent ELSE excluded.parent END, "
                         "headcount = CASE WHEN ?6 & 4 <> 0 THEN units.headcount ELSE excluded.headcount END",
                         "tttt", u->code, u->name, u->category && *u->category ? u->category : NULL,
                         u->parent && *u->parent ? u->parent : NULL);
    if (!q)
        return -1;
    if (u->headcount >= 0)
        q->drv->bind_int(q, 5, u->headcount);
    else
        q->drv->bind_null(q, 5);
    q->drv->bind_int(q, 6, (int)u->keep);
    int rc = step(q) == STORE_Q_ERR ? sqlerr(s, err, _("storing unit")) : 0;
    done(q);
    return rc;
}

static int unit_row(void *ud, store_q_t *q)
{
    each_t *e = ud;
    store_unit_t u = {(int)c_int(q, 0), c_text(q, 1), c_text(q, 2), c_text(q, 3), c_text(q, 4),
                      (long)c_int(q, 5), 0};
    return ((int (*)(void *, const store_unit_t *))e->cb)(e->ud, &u);
}

int store_unit_list(store_t *s, int (*cb)(void *ud, const store_unit_t *u), void *ud,
                    err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT id, code, name, category, parent, "
                         "coalesce(headcount, -1) FROM units ORDER BY code", "");
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("listing units"), err, unit_row, &e) : -1;
}

int store_unit_find(store_t *s, const char *code, int *id, err_t *err)
{
    return find_id(s, "SELECT id FROM units WHERE code = ?1", code, id, err);
}

int store_unit_remove(store_t *s, const char *code, err_t *err)
{
    int id;
    int rc = store_unit_find(s, code, &id, err);
    if (rc != 0)
        return rc;
    /* responses, invitations, drafts, entry batches and ballots keep the
     * unit they name (their foreign keys would refuse the delete; asked
     * first, as a refused statement would abandon a PostgreSQL
     * transaction) */
    int64_t used = 0;
    if (one_int(s, &used, err, "SELECT CASE WHEN EXISTS (SELECT 1 FROM responses WHERE unit = ?1) "
                "OR EXISTS (SELECT 1 FROM tokens WHERE unit = ?1) "
                "OR EXISTS (SELECT 1 FROM drafts WHERE unit = ?1) "
                "OR EXISTS (SELECT 1 FROM entry_batches WHERE unit = ?1) "
                "OR EXISTS (SELECT 1 FROM ballots WHERE unit = ?1) THEN 1 ELSE 0 END", "i", id) < 0)
        return -1;
    if (used)
        return err_set(err, ERR_FAIL, _("unit %s has responses, invitations, drafts or data "
                                        "entry batches; it stays"), code);
    return run(s, _("removing unit"), NULL, err, "DELETE FROM units WHERE id = ?1", "i", id);
}

int store_unit_get(store_t *s, int id, char **code, char **name, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_KEEP, err, "SELECT code, name FROM units WHERE id = ?1", "i", id);
    int rc = first_row(s, q, _("reading unit"), err);
    if (rc == 0) {
        if (code)
            *code = util_xstrdup(c_text(q, 0));
        if (name)
            *name = util_xstrdup(c_text(q, 1));
        done(q);
    }
    return rc;
}

/* ---- waves ---- */

/* 0 and *id (when wanted), 1 when a wave of that name exists, -1. */
static int wave_insert(store_t *s, const char *name, int *id, err_t *err)
{
    char today[11];
    util_today(today);
    int64_t v;
    int rc = one_int(s, &v, err, "INSERT INTO waves(name, opened_at) VALUES (?1, ?2) "
                     "ON CONFLICT (name) DO NOTHING RETURNING id", "tt", name, today);
    if (rc == 0 && id)
        *id = (int)v;
    return rc;
}

int store_wave_add(store_t *s, const char *name, int *id, err_t *err)
{
    int rc = wave_insert(s, name, id, err);
    if (rc == 1)
        err_set(err, ERR_EXISTS, _("wave '%s' already exists"), name);
    return rc ? -1 : 0;
}

int store_wave_close(store_t *s, const char *name, err_t *err)
{
    char today[11];
    util_today(today);
    int id = 0;
    long changed = 0;
    unsigned char pk[32];
    if (store_wave_find(s, name, &id, err) == 0 && store_wave_key(s, id, pk, err) > 0) {
        err_set(err, ERR_FAIL, _("survey round %s is sealed: close it with 'gapsurvey wave close "
                                 "%s --key KEYFILE', the key written by 'wave add --sealed'"), name,
                name);
        return -1;
    }
    if (run(s, _("closing wave"), &changed, err, "UPDATE waves SET closed_at = ?2 WHERE "
            "name = ?1 AND closed_at IS NULL", "tt", name, today))
        return -1;
    if (changed == 0) {
        int found = store_wave_find(s, name, &id, err);
        if (found == 1)
            err_set(err, ERR_NOTFOUND, _("no wave named '%s'"), name);
        if (found != 0)
            return -1;
    }
    /* drafts nobody submitted are answers of people who can be named by
     * their code; then the driver rewrites what holds the order of writes */
    if (run(s, _("database"), NULL, err, "DELETE FROM drafts WHERE wave = (SELECT id FROM waves "
            "WHERE name = ?1)", "t", name) ||
        s->drv->compact(s->db, id, err))
        return -1;
    return changed == 0;
}

static int wave_row(void *ud, store_q_t *q)
{
    each_t *e = ud;
    store_wave_t w = {(int)c_int(q, 0), c_text(q, 1), c_text(q, 2), c_text(q, 3),
                      (long)c_int(q, 4)};
    return ((int (*)(void *, const store_wave_t *))e->cb)(e->ud, &w);
}

int store_wave_list(store_t *s, int (*cb)(void *ud, const store_wave_t *w), void *ud,
                    err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT w.id, w.name, w.opened_at, w.closed_at, "
                         "(SELECT count(*) FROM responses r WHERE r.wave = w.id) FROM waves w "
                         "ORDER BY w.id", "");
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("listing waves"), err, wave_row, &e) : -1;
}

int store_wave_find(store_t *s, const char *name, int *id, err_t *err)
{
    return find_id(s, "SELECT id FROM waves WHERE name = ?1", name, id, err);
}

int store_wave_current(store_t *s, int create, int *id, err_t *err)
{
    int64_t v;
    int rc = one_int(s, &v, err, "SELECT id FROM waves WHERE closed_at IS NULL ORDER BY id DESC "
                     "LIMIT 1", "");
    if (rc == 0)
        *id = (int)v;
    if (rc == 1 && create) {
        if ((rc = one_int(s, &v, err, "SELECT count(*) FROM waves", "")) != 0)
            return rc;
        if (v > 0)
            return 1;
        char year[11];
        util_today(year);
        year[4] = '\0';
        /* another front end may have made it a moment ago: then that one */
        rc = wave_insert(s, year, id, err);
        if (rc == 1)
            rc = store_wave_find(s, year, id, err) == 0 ? 0 : -1;
    }
    return rc;
}

int store_wave_latest_for(store_t *s, const char *form_id, int *id, err_t *err)
{
    /* a sealed wave counts too: analyze then says it is sealed instead of
     * silently taking the round before it.  Each wave (a few rows) and
     * version of the form is one seek of responses_by_wave(wave, form):
     * the smallest form at or after the version's in that wave is the
     * version itself when the wave has a response of it.  min() and not
     * EXISTS: PostgreSQL turns an EXISTS into a join that its estimates can
     * make a scan of every response, where min() over an index range is
     * one seek whatever the statistics; SQLite stops at the first entry of
     * either.  Every response's wave is in waves (a foreign key).  ballots
     * has no index on wave: its max is one pass over the sealed waves'
     * ballots, which are deleted when their wave is opened. */
    return find_id(s, "SELECT max(w) FROM (SELECT w.id AS w FROM waves w JOIN forms f "
                      "ON f.form_id = ?1 WHERE (SELECT min(r.form) FROM responses r "
                      "WHERE r.wave = w.id AND r.form >= f.id) = f.id "
                      "UNION ALL SELECT wave FROM ballots) AS x", form_id, id, err);
}

int store_wave_name(store_t *s, int id, char **name, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT name FROM waves WHERE id = ?1", "i", id);
    int rc = first_row(s, q, _("database"), err);
    if (rc == 0) {
        *name = util_xstrdup(c_text(q, 0));
        done(q);
    }
    return rc;
}

int store_wave_closed(store_t *s, int id, int *closed, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_KEEP, err, "SELECT CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END "
                         "FROM waves WHERE id = ?1", "i", id);
    int rc = first_row(s, q, _("reading wave"), err);
    if (rc == 0) {
        *closed = (int)c_int(q, 0);
        done(q);
    }
    return rc;
}

/* ---- response ids ---- */

/* 64 random bits: the system's random source, or splitmix64 once seeded. */
static uint64_t draw(store_t *s)
{
    uint64_t z = 0;
    if (!s->id_state) {
        /* getrandom of 8 bytes never fails short once the pool is ready */
        if (getrandom(&z, sizeof z, 0) != (ssize_t)sizeof z)
            z = (uint64_t)rand() << 32 ^ (uint64_t)rand();
        return z;
    }
    z = (s->id_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* n draws into v: one getrandom for up to 32 of them (a bulk block's 64
 * draws were 64 system calls, 3% of an import), the same words as n
 * single draws. */
static void draw_n(store_t *s, uint64_t *v, size_t n)
{
    size_t got = 0;
    while (!s->id_state && got < n * sizeof *v) {
        size_t want = n * sizeof *v - got;
        ssize_t k = getrandom((char *)v + got, want < 256 ? want : 256, 0);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    if (got == n * sizeof *v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = draw(s);
}

/* A response id: the wave in the high bits, so that one wave's responses
 * stay one id range (the scans walk a range), and 40 random bits below,
 * so that the order of ids within a wave is no order of arrival.
 *
 * A bulk source (import, simulate) draws a block of BLOCK ids at a random
 * place instead and hands them out in a random order: a million rows
 * inserted at random places in a b-tree made an import 2.5 times slower
 * (pages split everywhere), within a block they share a few pages.  What that keeps is which BLOCK rows of a file were neighbours,
 * never their order. */
#define BLOCK 64
static int64_t random_id(store_t *s, int wave, int bulk)
{
    int64_t r = 0, mask = ((int64_t)1 << 40) - 1;
    if (bulk) {
        if (s->blk_next == 0 || s->blk_next >= BLOCK) {
            uint64_t d[BLOCK];
            draw_n(s, d, BLOCK);
            s->blk_base = (int64_t)(d[0] & (uint64_t)mask) & ~(int64_t)(BLOCK - 1);
            for (int i = 0; i < BLOCK; i++)
                s->blk_perm[i] = (unsigned char)i;
            for (int i = BLOCK - 1; i > 0; i--) {   /* Fisher-Yates */
                int j = (int)(d[BLOCK - i] % (uint64_t)(i + 1));
                unsigned char t = s->blk_perm[i];
                s->blk_perm[i] = s->blk_perm[j];
                s->blk_perm[j] = t;
            }
            s->blk_next = 0;
        }
        r = s->blk_base + s->blk_perm[s->blk_next++];
    }
    while (r == 0)
        r = (int64_t)(draw(s) & (uint64_t)mask);
    return (int64_t)(wave & 0x7FFFFF) << 40 | r;
}

void store_id_seed(store_t *s, unsigned long seed)
{
    s->id_state = seed ? (uint64_t)seed : 1;
}

long store_response_last(store_t *s)
{
    return s->last_response;
}

/* ---- responses ---- */

static int posmap_row(void *ud, store_q_t *q)
{
    posmap_t *m = ud;
    int id = (int)c_int(q, 0);
    if (!m->pos) {               /* the first row: ids in order, the lowest first */
        m->lo = id;
        m->n = 0;
    }
    if (id - m->lo >= m->n) {
        int n = id - m->lo + 1;
        m->pos = util_xrealloc(m->pos, (size_t)n * sizeof *m->pos);
        for (int i = m->n; i < n; i++)
            m->pos[i] = -1;
        m->n = n;
    }
    m->pos[id - m->lo] = (int)c_int(q, 1);
    return 0;
}

/* The position map of form, read once per connection; NULL on error. */
static const posmap_t *posmap(store_t *s, int form, err_t *err)
{
    for (size_t i = 0; i < s->npm; i++)
        if (s->pm[i].form == form)
            return &s->pm[i];
    posmap_t m = {form, 0, 0, NULL};
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT id, pos FROM items WHERE form = ?1 ORDER BY id",
                         "i", form);
    if (!q || each_row(s, q, _("reading items"), err, posmap_row, &m)) {
        free(m.pos);
        return NULL;
    }
    s->pm = util_xrealloc(s->pm, (s->npm + 1) * sizeof *s->pm);
    s->pm[s->npm] = m;
    return &s->pm[s->npm++];
}

typedef struct {
    int pos;
    size_t i;
} by_pos_t;

static int by_pos_cmp(const void *a, const void *b)
{
    const by_pos_t *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The n answers of a response to form packed into s->pack, in the order of
 * their items' positions (whatever order they come in). */
static int pack_answers(store_t *s, int form, const store_answer_t *a, size_t n, err_t *err)
{
    util_buf_reset(&s->pack);
    if (n == 0)
        return 0;
    const posmap_t *m = posmap(s, form, err);
    if (!m)
        return -1;
    by_pos_t small[64];   /* most responses: no allocation */
    by_pos_t *o = n <= 64 ? small : util_xmalloc(n * sizeof *o);
    int sorted = 1, rc = 0, last = -1;
    for (size_t i = 0; i < n; i++) {
        int k = a[i].item - m->lo;
        o[i].pos = k >= 0 && k < m->n ? m->pos[k] : -1;
        o[i].i = i;
        if (o[i].pos < 0) {
            err_set(err, ERR_INPUT, _("storing answers: item %d is not in the questionnaire"),
                    a[i].item);
            rc = -1;
            goto cleanup;
        }
        sorted &= i == 0 || o[i].pos > o[i - 1].pos;
    }
    if (!sorted)
        qsort(o, n, sizeof *o, by_pos_cmp);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const store_answer_t *x = &a[o[i].i];
        packed_ans_t p = {o[i].pos, x->has_num, x->num, x->text, x->text ? strlen(x->text) : 0};
        rc = packed_put(&s->pack, &last, &p, err);
    }
cleanup:
    if (o != small)
        free(o);
    return rc;
}

/* What every response written goes through first: its wave must not be
 * sealed, and its answers are packed into s->pack (each item checked to be
 * one of the form's). */
static int response_prep(store_t *s, int form, int wave, const store_answer_t *a, size_t n,
                         err_t *err)
{
    unsigned char pk[32];
    int sealed = store_wave_key(s, wave, pk, err);
    if (sealed != 0) {
        if (sealed > 0)
            err_set(err, ERR_FAIL, _("survey round %d is sealed: its answers are kept only as "
                                     "sealed ballots"), wave);
        return -1;
    }
    return pack_answers(s, form, a, n, err);
}

int store_response_add(store_t *s, int form, int wave, int unit, const char *date,
                       const char *source, const store_answer_t *a, size_t n, err_t *err)
{
    if (response_prep(s, form, wave, a, n, err))
        return -1;
    int bulk = strcmp(source, "import") == 0 || strcmp(source, "simulate") == 0;
    /* an import's rows all have one date: its week is worked out once */
    const char *day = date ? date : "";   /* util_iso_week takes NULL as "" */
    if (strncmp(day, s->week_of, sizeof s->week_of) != 0 || !s->week_of[0]) {
        util_iso_week(day, s->week);
        snprintf(s->week_of, sizeof s->week_of, "%s", day);
    }
    const char *week = s->week;
    /* an import's responses name its batch (import list/undo); nothing else
     * is grouped */
    long batch = s->batch > 0 && strcmp(source, "import") == 0 ? s->batch : 0;
    const void *blob = s->pack.len ? s->pack.s : NULL;   /* no answers: null */
    if (bulk && s->drv->bulk_add) {
        store_resp_t r = {random_id(s, wave, 1), form, wave, unit, week, source, batch, blob,
                          s->pack.len};
        return s->drv->bulk_add(s->db, &r, err);
    }
    int64_t rid = 0;
    for (int tries = 0;; tries++) {
        /* an id drawn twice (one draw in a million when the wave holds a
         * million responses): draw again */
        rid = random_id(s, wave, bulk);
        store_q_t *q = query(s, STORE_Q_KEEP, err, "INSERT INTO responses(id, form, wave, unit, "
                             "submitted_on, source, batch, answers) VALUES (?1, ?2, ?3, ?4, ?5, "
                             "?6, ?7, ?8) ON CONFLICT (id) DO NOTHING", "liiuttnb", (long)rid,
                             form, wave, unit, week, source, batch, blob, s->pack.len);
        if (!q)
            return -1;
        int st = step(q);
        long changed = q->drv->changes(q);
        done(q);
        if (st == STORE_Q_ERR)
            return sqlerr(s, err, _("storing response"));
        if (changed == 1)
            break;
        if (tries == 8) {
            err_set(err, ERR_FAIL, _("storing response: no free id"));
            return -1;
        }
    }
    s->last_response = (long)rid;
    return 0;
}

/* ---- the scan ---- */

/* Unpacks the driver's responses (survey/packed.h) onto the target form:
 * the per-answer work is an array lookup, (form version, position) ->
 * target position, built from the items' names before the scan (the
 * versions of a form are few, their ids close together).  Texts point
 * into the packed value, which the driver keeps valid during the call;
 * an integer's digits are written into a slot per answer.  Nothing is
 * allocated per response or per answer. */
typedef struct {
    int *map;                    /* [(form - flo) * npos + pos]: target position, -1 */
    int flo, fhi, npos;
    size_t cap;
    size_t n;
    int *pos;
    double *num;
    const char **text;
    char (*digits)[24];
    int (*cb)(void *ud, const store_scan_row_t *r);
    void *ud;
    err_t *err;
} gather_t;

static int gather(void *ud, int64_t rid, int unit, int form, const void *answers, size_t alen)
{
    gather_t *g = ud;
    packed_it_t it;
    packed_ans_t a;
    int r;
    g->n = 0;
    packed_begin(&it, answers, alen);
    const int *map = form >= g->flo && form <= g->fhi ? g->map + (size_t)(form - g->flo) * g->npos
                                                      : NULL;
    while ((r = packed_next(&it, &a, g->err)) == 1) {
        if (!map || a.pos >= g->npos || map[a.pos] < 0 || g->n == g->cap)
            continue;
        size_t n = g->n++;
        g->pos[n] = map[a.pos];
        g->num[n] = a.has_num ? a.num : NAN;
        g->text[n] = a.text;
        if (a.text == it.digits) {
            memcpy(g->digits[n], a.text, a.tlen + 1);
            g->text[n] = g->digits[n];
        }
    }
    if (r < 0)
        return -1;
    store_scan_row_t row = {(long)rid, unit, g->n, g->pos, g->num, g->text};
    return g->cb(g->ud, &row);
}

static int item_map_row(void *ud, store_q_t *q)
{
    gather_t *g = ud;
    if (!g->map) {               /* the first row: the range of versions and positions */
        g->flo = (int)c_int(q, 0);
        g->fhi = (int)c_int(q, 1);
        g->npos = (int)c_int(q, 2) + 1;
        size_t n = (size_t)(g->fhi - g->flo + 1) * (size_t)g->npos;
        g->map = util_xmalloc(n * sizeof *g->map);
        for (size_t i = 0; i < n; i++)
            g->map[i] = -1;
    }
    return 0;
}

/* The sealed wave's message, or the map of the item positions of every
 * version of form_id onto the target form (by name). */
static int scan_prepare(store_t *s, const char *form_id, int wave, const form_t *target,
                        gather_t *g, err_t *err)
{
    unsigned char pk[32];
    int sealed = store_wave_key(s, wave, pk, err);
    if (sealed != 0) {
        char *name = NULL;
        if (sealed > 0 && store_wave_name(s, wave, &name, err) == 0)
            err_set(err, ERR_FAIL, _("survey round %s is sealed: nobody can read its answers until "
                                     "'gapsurvey wave close %s --key KEYFILE' opens them"), name,
                    name);
        free(name);
        return -1;
    }
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT min(i.form), max(i.form), max(i.pos) FROM items "
                         "i JOIN forms f ON f.id = i.form WHERE f.form_id = ?1 HAVING count(*) > 0",
                         "t", form_id);
    if (!q || each_row(s, q, _("reading items"), err, item_map_row, g))
        return -1;
    if (!g->map) {
        g->flo = 0;
        g->fhi = -1;
        g->map = util_xmalloc(sizeof *g->map);
    }
    q = query(s, STORE_Q_ONCE, err, "SELECT i.form, i.pos, i.name FROM items i JOIN forms f ON f.id = "
              "i.form WHERE f.form_id = ?1 AND i.name IS NOT NULL", "t", form_id);
    if (!q)
        return -1;
    int st;
    while ((st = step(q)) == STORE_Q_ROW)
        g->map[(size_t)(c_int(q, 0) - g->flo) * (size_t)g->npos + (size_t)c_int(q, 1)] =
            form_item_index(target, c_text(q, 2));
    done(q);
    return st == STORE_Q_ERR ? sqlerr(s, err, _("reading items")) : 0;
}

static int scan(store_t *s, const char *form_id, int wave, const form_t *target, int by_unit,
                int (*cb)(void *ud, const store_scan_row_t *r), void *ud, err_t *err)
{
    gather_t g = {0};
    g.cap = target->nitems + 1;
    g.cb = cb;
    g.ud = ud;
    g.err = err;
    int rc = scan_prepare(s, form_id, wave, target, &g, err);
    if (rc == 0) {
        g.pos = util_xmalloc(g.cap * sizeof *g.pos);
        g.num = util_xmalloc(g.cap * sizeof *g.num);
        g.text = util_xcalloc(g.cap, sizeof *g.text);
        g.digits = util_xmalloc(g.cap * sizeof *g.digits);
        rc = s->drv->scan(s->db, form_id, wave, by_unit, gather, &g, err);
    }
    free(g.digits);
    free(g.text);
    free(g.pos);
    free(g.num);
    free(g.map);
    return rc;
}

int store_scan(store_t *s, const char *form_id, int wave, const form_t *target,
               int (*cb)(void *ud, const store_scan_row_t *r), void *ud, err_t *err)
{
    return scan(s, form_id, wave, target, 0, cb, ud, err);
}

int store_scan_by_unit(store_t *s, const char *form_id, int wave, const form_t *target,
                       int (*cb)(void *ud, const store_scan_row_t *r), void *ud, err_t *err)
{
    return scan(s, form_id, wave, target, 1, cb, ud, err);
}

static int count_row(void *ud, store_q_t *q)
{
    each_t *e = ud;
    return ((int (*)(void *, int, long))e->cb)(e->ud, (int)c_int(q, 0), (long)c_int(q, 1));
}

int store_count_by_unit(store_t *s, const char *form_id, int wave,
                        int (*cb)(void *ud, int unit, long n), void *ud, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT coalesce(r.unit, 0), count(*) FROM responses r "
                         "JOIN forms f ON f.id = r.form WHERE f.form_id = ?1 AND r.wave = ?2 "
                         "GROUP BY r.unit", "ti", form_id, wave);
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("counting responses"), err, count_row, &e) : -1;
}

static int issued_row(void *ud, store_q_t *q)
{
    each_t *e = ud;
    return ((int (*)(void *, int, long, long))e->cb)(e->ud, (int)c_int(q, 0), (long)c_int(q, 1),
                                                     (long)c_int(q, 2));
}

int store_tokens_by_unit(store_t *s, const char *form_id, int wave,
                         int (*cb)(void *ud, int unit, long issued, long used), void *ud,
                         err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT coalesce(t.unit, 0), count(*), sum(t.used) FROM "
                         "tokens t JOIN forms f ON f.id = t.form WHERE f.form_id = ?1 AND "
                         "t.wave = ?2 GROUP BY t.unit", "ti", form_id, wave);
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("counting invitations"), err, issued_row, &e) : -1;
}

/* ---- imports ---- */

int store_import_seen(store_t *s, const char *form_id, const char *hash, const char *data_hash,
                      long *batch, int *same_file, err_t *err)
{
    /* two imports into one form at once (PostgreSQL): the second waits
     * here for the first to commit, and then sees its batch */
    char *key = util_fmt("import %s", form_id);
    int bad = s->drv->lock && s->drv->lock(s->db, key, err) != 0;
    free(key);
    if (bad)
        return -1;
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT id, CASE WHEN hash = ?2 THEN 1 ELSE 0 END "
                         "FROM import_batches WHERE form_id = ?1 AND (hash = ?2 OR data_hash = ?3) "
                         "ORDER BY CASE WHEN hash = ?2 THEN 0 ELSE 1 END, id LIMIT 1", "ttt",
                         form_id, hash, data_hash);
    int rc = first_row(s, q, _("looking up earlier imports"), err);
    if (rc == 0) {
        *batch = (long)c_int(q, 0);
        *same_file = (int)c_int(q, 1);
        done(q);
        return 1;
    }
    return rc == 1 ? 0 : -1;
}

int store_import_begin(store_t *s, int form, const char *form_id, int wave, const char *file,
                       long *id, err_t *err)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M", &tm);
    int64_t v = 0;
    int rc = one_int(s, &v, err, "INSERT INTO import_batches(form, form_id, wave, file, hash, "
                     "rows, imported_at) VALUES (?1, ?2, ?3, ?4, '', 0, ?5) RETURNING id",
                     "ititt", form, form_id, wave, file, now);
    if (rc == 1)   /* no row: cannot happen, but never a batch 0 */
        err_set(err, ERR_DB, _("recording import: no id"));
    if (rc != 0)
        return -1;
    *id = s->batch = (long)v;
    return 0;
}

int store_import_end(store_t *s, long id, const char *hash, const char *data_hash, long rows,
                     err_t *err)
{
    s->batch = 0;
    return run(s, _("recording import"), NULL, err, "UPDATE import_batches SET hash = ?2, "
               "data_hash = ?3, rows = ?4 WHERE id = ?1", "lttl", id, hash, data_hash, rows);
}

/* store_import_list's callback and how many rows it was handed */
typedef struct {
    each_t e;
    long rows;
} each_import_t;

static int import_row(void *ud, store_q_t *q)
{
    each_import_t *x = ud;
    each_t *e = &x->e;
    store_import_t b = {(long)c_int(q, 0), c_text(q, 1), c_text(q, 2), c_text(q, 3),
                        c_text(q, 5), (long)c_int(q, 4), (long)c_int(q, 7), (int)c_int(q, 6)};
    x->rows++;
    return ((int (*)(void *, const store_import_t *))e->cb)(e->ud, &b);
}

int store_import_list(store_t *s, long id, int (*cb)(void *ud, const store_import_t *b), void *ud,
                      err_t *err)
{
    /* responses.batch has no index (schema 8: it was a tenth of the
     * file), so the responses of every batch are counted in one pass over
     * the table, not one per batch */
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT b.id, b.form_id, w.name, b.file, b.rows, "
                         "b.imported_at, CASE WHEN b.form IS NOT NULL THEN 1 ELSE 0 END, "
                         "coalesce(c.n, 0) FROM import_batches b LEFT JOIN waves w ON w.id = b.wave "
                         "LEFT JOIN (SELECT batch, count(*) AS n FROM responses WHERE batch IS NOT "
                         "NULL AND (?1 = 0 OR batch = ?1) GROUP BY batch) c ON c.batch = b.id "
                         "WHERE ?1 = 0 OR b.id = ?1 ORDER BY b.id", "l", id);
    each_import_t x = {{ud, (void *)cb}, 0};
    int rc = q ? each_row(s, q, _("listing imports"), err, import_row, &x) : -1;
    return rc == 0 && id != 0 && x.rows == 0 ? 1 : rc;
}

int store_import_delete(store_t *s, long id, long *removed, err_t *err)
{
    /* one pass over the table (responses.batch has no index); answers
     * are packed in their responses' rows and go with them; SQLite
     * zeroes them in the file (secure_delete), PostgreSQL leaves dead rows
     * until a vacuum (README, "On PostgreSQL") */
    return run(s, _("removing an import"), removed, err, "DELETE FROM responses WHERE batch = ?1",
               "l", id) ||
           run(s, _("removing an import"), NULL, err, "DELETE FROM import_batches WHERE id = ?1",
               "l", id) ? -1 : 0;
}

/* ---- tokens ---- */

int store_token_add(store_t *s, const char *hash, int form, int unit, int wave, err_t *err)
{
    long changed = 0;
    if (run(s, _("storing token"), &changed, err, "INSERT INTO tokens(hash, form, unit, wave) "
            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (hash) DO NOTHING", "tiui", hash, form, unit,
            wave))
        return -1;
    if (changed == 0) {
        err_set(err, ERR_EXISTS, _("token already exists"));
        return -1;
    }
    return 0;
}

int store_token_get(store_t *s, const char *hash, store_token_t *t, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_KEEP, err, "SELECT t.form, coalesce(t.unit, 0), t.wave, t.used, "
                         "CASE WHEN w.closed_at IS NULL THEN 0 ELSE 1 END FROM tokens t JOIN waves w "
                         "ON w.id = t.wave WHERE t.hash = ?1", "t", hash);
    int rc = first_row(s, q, _("database"), err);
    if (rc == 0) {
        t->form = (int)c_int(q, 0);
        t->unit = (int)c_int(q, 1);
        t->wave = (int)c_int(q, 2);
        t->used = (int)c_int(q, 3);
        t->closed = (int)c_int(q, 4);
        done(q);
    }
    return rc;
}

/* UPDATE ... WHERE used = 0: of two transactions using one code at once
 * (two web front ends on one PostgreSQL), the second waits for the row
 * and then changes nothing. */
int store_token_use(store_t *s, const char *hash, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_KEEP, err, "UPDATE tokens SET used = 1 WHERE hash = ?1 AND used = 0",
                         "t", hash);
    if (!q)
        return -1;
    int rc = step(q) == STORE_Q_ERR ? sqlerr(s, err, _("using token")) : 0;
    if (rc == 0 && q->drv->changes(q) == 0)
        rc = 1;
    done(q);
    s->drv->forget(s->db);
    return rc;
}

/* ---- a response stored with its code (the web's submissions) ----
 *
 * On PostgreSQL, the code's UPDATE and the response's INSERT are one
 * statement (a data-modifying WITH): one round trip instead of two, and
 * a group of them goes in one more (store_response_add_tokens).  The
 * INSERT takes its row from the UPDATE's: a code unknown or used already
 * (by another front end a moment ago: its row lock made this one wait)
 * changes nothing and stores nothing.  SQLite has no such statement and
 * no round trips: there the two run one after the other.  Only a driver
 * with group() (PostgreSQL) is given these statements.
 *
 * In a group an id drawn twice must fail the statement, so that the
 * group is not committed with a code used and no response (the caller
 * then stores each alone); alone, inside the caller's transaction, it
 * draws again (ON CONFLICT, counting what each half did). */
#define USE_AND_ADD_ROW                                                                           \
    "INSERT INTO responses(id, form, wave, unit, submitted_on, source, answers) "                  \
    "SELECT CAST(?2 AS bigint), CAST(?3 AS integer), CAST(?4 AS integer), CAST(?5 AS integer), "  \
    "CAST(?6 AS text), CAST(?7 AS text), CAST(?8 AS bytea) FROM t"
static const char use_and_add[] =
    "WITH t AS (UPDATE tokens SET used = 1 WHERE hash = ?1 AND used = 0 RETURNING 1) "
    USE_AND_ADD_ROW;
static const char use_and_add_once[] =
    "WITH t AS (UPDATE tokens SET used = 1 WHERE hash = ?1 AND used = 0 RETURNING 1), "
    "r AS (" USE_AND_ADD_ROW " ON CONFLICT (id) DO NOTHING RETURNING 1) "
    "SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM r)";

int store_response_add_token(store_t *s, const char *hash, int form, int wave, int unit,
                             const char *date, const char *source, const store_answer_t *a,
                             size_t n, err_t *err)
{
    if (!s->drv->group) {
        int rc = store_token_use(s, hash, err);
        return rc ? rc : store_response_add(s, form, wave, unit, date, source, a, n, err);
    }
    if (response_prep(s, form, wave, a, n, err))
        return -1;
    char week[16];
    util_iso_week(date, week);
    int64_t rid = random_id(s, wave, 0);
    store_q_t *q = query(s, STORE_Q_KEEP, err, use_and_add_once, "tliiuttb", hash, (long)rid,
                         form, wave, unit, week, source, s->pack.len ? s->pack.s : NULL,
                         s->pack.len);
    int rc = first_row(s, q, _("storing response"), err);
    if (rc != 0)
        return rc < 0 ? -1 : sqlerr(s, err, _("storing response"));
    int used = c_int(q, 0) == 1, stored = c_int(q, 1) == 1;
    done(q);
    s->drv->forget(s->db);
    if (!used)
        return 1;
    if (!stored)   /* the id was taken: the code is used, the response goes in on its own */
        return store_response_add(s, form, wave, unit, date, source, a, n, err);
    s->last_response = (long)rid;
    return 0;
}

/* A group's submissions ready to bind: ids, weeks, answers packed one
 * after the other. */
typedef struct {
    store_tokened_t *const *sub;
    int64_t *rid;
    char (*week)[16];
    size_t *off;
    util_buf_t packs;
} group_t;

static void group_bind(void *ud, size_t i, store_q_t *q)
{
    const group_t *g = ud;
    const store_tokened_t *x = g->sub[i];
    size_t len = g->off[i + 1] - g->off[i];
    bind_args(q, "tliiuttb", x->hash, (long)g->rid[i], x->form, x->wave, x->unit, g->week[i],
         x->source, len ? g->packs.s + g->off[i] : NULL, len);
}

/* Without group(): the statements of each in one transaction. */
static int tokens_one_by_one(store_t *s, store_tokened_t *const *sub, size_t n, err_t *err)
{
    if (store_begin(s, err))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const store_tokened_t *x = sub[i];
        int rc = store_response_add_token(s, x->hash, x->form, x->wave, x->unit, x->date,
                                          x->source, x->a, x->n, err);
        if (rc < 0) {
            store_rollback(s);
            return -1;
        }
        sub[i]->rc = rc;
    }
    if (store_commit(s, err) == 0)
        return 0;
    if (err->code != ERR_IO)
        store_rollback(s);
    return -1;
}

int store_response_add_tokens(store_t *s, store_tokened_t *const *sub, size_t n, err_t *err)
{
    if (!s->drv->group)
        return tokens_one_by_one(s, sub, n, err);
    group_t g = {sub, util_xcalloc(n + 1, sizeof *g.rid), util_xcalloc(n + 1, sizeof *g.week),
                 util_xcalloc(n + 1, sizeof *g.off), {0}};
    long *changed = util_xcalloc(n + 1, sizeof *changed);
    int rc = -1;
    /* every read (the wave's seal, the form's items) before the group is
     * sent: nothing waits for the server in the middle of it */
    for (size_t i = 0; i < n; i++) {
        const store_tokened_t *x = sub[i];
        if (response_prep(s, x->form, x->wave, x->a, x->n, err))
            goto cleanup;
        if (s->pack.len)
            util_buf_add(&g.packs, s->pack.s, s->pack.len);
        g.off[i + 1] = g.packs.len;
        util_iso_week(x->date, g.week[i]);
        g.rid[i] = random_id(s, x->wave, 0);
    }
    if (s->drv->group(s->db, use_and_add, n, group_bind, &g, changed, err))
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        sub[i]->rc = changed[i] == 1 ? 0 : 1;
    rc = 0;
cleanup:
    free(g.rid);
    free(g.week);
    free(g.off);
    util_buf_free(&g.packs);
    free(changed);
    return rc;
}

static int token_count_row(void *ud, store_q_t *q)
{
    each_t *e = ud;
    return ((int (*)(void *, const char *, const char *, const char *, long, long))e->cb)(
        e->ud, c_text(q, 0), c_text(q, 1), c_text(q, 2), (long)c_int(q, 3), (long)c_int(q, 4));
}

int store_token_counts(store_t *s, int (*cb)(void *ud, const char *form_id, const char *unit,
                                               const char *wave, long issued, long used),
                       void *ud, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT f.form_id, coalesce(u.code, ''), w.name, count(*), "
                         "sum(t.used) FROM tokens t JOIN forms f ON f.id = t.form JOIN waves w "
                         "ON w.id = t.wave LEFT JOIN units u ON u.id = t.unit "
                         "GROUP BY f.form_id, u.code, w.name ORDER BY f.form_id, w.name, u.code",
                         "");
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("counting tokens"), err, token_count_row, &e) : -1;
}

/* ---- drafts ---- */

int store_draft_put(store_t *s, const char *key, int form, int wave, int unit, int cursor,
                    err_t *err)
{
    int rc = run(s, _("saving draft"), NULL, err, "INSERT INTO drafts(key, form, wave, unit, "
                 "cursor) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO UPDATE SET "
                 "cursor = excluded.cursor", "tiiui", key, form, wave, unit, cursor);
    s->drv->forget(s->db);
    return rc;
}

int store_draft_answer(store_t *s, const char *key, int pos, const char *text, err_t *err)
{
    int rc = text ? run(s, _("saving draft answer"), NULL, err, "INSERT INTO draft_answers(draft, "
                        "pos, text) VALUES (?1, ?2, ?3) ON CONFLICT (draft, pos) DO UPDATE SET "
                        "text = excluded.text", "tit", key, pos, text)
                  : run(s, _("saving draft answer"), NULL, err, "DELETE FROM draft_answers "
                        "WHERE draft = ?1 AND pos = ?2", "ti", key, pos);
    s->drv->forget(s->db);
    return rc;
}

static int draft_row(void *ud, store_q_t *q)
{
    each_t *e = ud;
    return ((int (*)(void *, int, const char *))e->cb)(e->ud, (int)c_int(q, 0), c_text(q, 1));
}

int store_draft_get(store_t *s, const char *key, store_draft_t *d,
                    int (*cb)(void *ud, int pos, const char *text), void *ud, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT form, wave, coalesce(unit, 0), cursor FROM drafts "
                         "WHERE key = ?1", "t", key);
    int rc = first_row(s, q, _("reading draft"), err);
    if (rc == 0) {
        d->form = (int)c_int(q, 0);
        d->wave = (int)c_int(q, 1);
        d->unit = (int)c_int(q, 2);
        d->cursor = (int)c_int(q, 3);
        done(q);
    }
    if (rc != 0 || !cb)
        return rc;
    q = query(s, STORE_Q_ONCE, err, "SELECT pos, text FROM draft_answers WHERE draft = ?1 ORDER BY pos", "t",
              key);
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("reading draft"), err, draft_row, &e) : -1;
}

int store_draft_delete(store_t *s, const char *key, err_t *err)
{
    int rc = run(s, _("deleting draft"), NULL, err, "DELETE FROM drafts WHERE key = ?1", "t", key);
    s->drv->forget(s->db);
    return rc;
}

int store_draft_owner(store_t *s, const char *key, int *form, char **owner, err_t *err)
{
    *owner = NULL;
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT form, owner FROM drafts WHERE key = ?1", "t", key);
    int rc = first_row(s, q, _("reading draft"), err);
    if (rc == 0) {
        if (form)
            *form = (int)c_int(q, 0);
        *owner = util_xstrdup(c_text(q, 1));
        done(q);
    }
    return rc;
}

int store_draft_set_owner(store_t *s, const char *key, const char *owner, err_t *err)
{
    int rc = run(s, _("claiming draft"), NULL, err, "UPDATE drafts SET owner = ?2 WHERE key = ?1",
                 "tt", key, owner);
    s->drv->forget(s->db);
    return rc;
}

int store_draft_count(store_t *s, const char *key, long *n, err_t *err)
{
    int64_t v = 0;
    int rc = one_int(s, &v, err, "SELECT (SELECT count(*) FROM draft_answers WHERE draft = ?1) + "
                     "(SELECT count(*) FROM drafts WHERE key = ?1 AND box IS NOT NULL)", "t", key);
    if (rc == 1)
        rc = sqlerr(s, err, _("reading draft"));
    *n = (long)v;
    return rc;
}

int store_draft_box(store_t *s, const char *key, const void *box, size_t n, err_t *err)
{
    int rc = run(s, _("saving draft"), NULL, err, "UPDATE drafts SET box = ?2 WHERE key = ?1",
                 "tb", key, box, n);
    s->drv->forget(s->db);
    return rc;
}

/* The blob of a one-row query's first column: 0 and *out (heap, n
 * bytes), 1 when no row (or null), -1 on error. */
static int one_blob(store_t *s, store_q_t *q, const char *what, unsigned char **out, size_t *n,
                    err_t *err)
{
    *out = NULL;
    *n = 0;
    int rc = first_row(s, q, what, err);
    if (rc == 0) {
        if (q->drv->is_null(q, 0)) {
            rc = 1;
        } else {
            const void *p = q->drv->col_blob(q, 0, n);
            *out = util_xmalloc(*n + 1);
            memcpy(*out, p, *n);
            (*out)[*n] = 0;
        }
        done(q);
    }
    return rc;
}

int store_draft_box_get(store_t *s, const char *key, unsigned char **box, size_t *n, err_t *err)
{
    return one_blob(s, query(s, STORE_Q_ONCE, err, "SELECT box FROM drafts WHERE key = ?1 AND box IS NOT "
                             "NULL", "t", key), _("reading draft"), box, n, err);
}

/* ---- secrets ---- */

int store_secret_put(store_t *s, const char *name, const char *value, err_t *err)
{
    int rc = run(s, _("storing a secret"), NULL, err, "INSERT INTO secrets(name, value) VALUES "
                 "(?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", "tt", name,
                 value);
    s->drv->forget(s->db);   /* the hash it replaced goes from every file */
    return rc;
}

int store_secret_get(store_t *s, const char *name, char **value, err_t *err)
{
    size_t n;
    return one_blob(s, query(s, STORE_Q_ONCE, err, "SELECT value FROM secrets WHERE name = ?1", "t", name),
                    _("reading a secret"), (unsigned char **)value, &n, err);
}

/* ---- batches (double entry) ---- */

int store_batch_get(store_t *s, const char *name, store_batch_t *b, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT id, form, wave, coalesce(unit, 0), pass, keyed, "
                         "verified, compared, differences FROM entry_batches WHERE name = ?1", "t",
                         name);
    int rc = first_row(s, q, _("reading batch"), err);
    if (rc == 0) {
        b->id = (int)c_int(q, 0);
        b->form = (int)c_int(q, 1);
        b->wave = (int)c_int(q, 2);
        b->unit = (int)c_int(q, 3);
        b->pass = (int)c_int(q, 4);
        b->keyed = (long)c_int(q, 5);
        b->verified = (long)c_int(q, 6);
        b->compared = (long)c_int(q, 7);
        b->differences = (long)c_int(q, 8);
        done(q);
    }
    return rc;
}

int store_batch_add(store_t *s, const char *name, int form, int wave, int unit, int *id,
                    err_t *err)
{
    int64_t v;
    int rc = one_int(s, &v, err, "INSERT INTO entry_batches(name, form, wave, unit) VALUES (?1, "
                     "?2, ?3, ?4) ON CONFLICT (name) DO NOTHING RETURNING id", "tiiu", name, form,
                     wave, unit);
    if (rc == 1)
        err_set(err, ERR_EXISTS, _("batch '%s' already exists"), name);
    else if (rc == 0 && id)
        *id = (int)v;
    return rc ? -1 : 0;
}

int store_batch_keep(store_t *s, int batch, long seq, const int *pos,
                     const char *const *text, size_t n, err_t *err)
{
    for (size_t i = 0; i < n; i++)
        if (run(s, _("keeping the first keying"), NULL, err, "INSERT INTO entry_rows(batch, seq, "
                "pos, text) VALUES (?1, ?2, ?3, ?4)", "ilit", batch, seq, pos[i], text[i]))
            return -1;
    long changed = 0;
    if (run(s, _("counting the first keying"), &changed, err, "UPDATE entry_batches SET keyed = ?2 "
            "WHERE id = ?1 AND pass = 1", "il", batch, seq))
        return -1;
    if (changed == 0) {
        err_set(err, ERR_FAIL, _("the first keying of this batch is closed"));
        return -1;
    }
    return 0;
}

int store_batch_values(store_t *s, int batch, long seq,
                       int (*cb)(void *ud, int pos, const char *text), void *ud, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_ONCE, err, "SELECT pos, text FROM entry_rows WHERE batch = ?1 AND "
                         "seq = ?2 ORDER BY pos", "il", batch, seq);
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("reading the first keying"), err, draft_row, &e) : -1;
}

int store_batch_close(store_t *s, int batch, err_t *err)
{
    return run(s, _("closing the first keying"), NULL, err,
               "UPDATE entry_batches SET pass = 2 WHERE id = ?1", "i", batch);
}

int store_batch_verified(store_t *s, int batch, long seq, long compared, long differences,
                         err_t *err)
{
    long changed = 0;
    if (run(s, _("forgetting the first keying"), NULL, err, "DELETE FROM entry_rows WHERE "
            "batch = ?1 AND seq = ?2", "il", batch, seq) ||
        run(s, _("counting the verification"), &changed, err, "UPDATE entry_batches SET "
            "verified = verified + 1, compared = compared + ?3, differences = differences + ?4 "
            "WHERE id = ?1 AND verified = ?2 - 1", "illl", batch, seq, compared, differences))
        return -1;
    /* a second session verifying the same batch at once would store a
     * questionnaire twice; the verified counter catches it */
    if (changed == 0) {
        err_set(err, ERR_FAIL, _("questionnaire %ld of this batch was verified elsewhere"), seq);
        return -1;
    }
    return 0;
}

/* ---- sealed waves ---- */

int store_wave_seal(store_t *s, int wave, const unsigned char pk[32], err_t *err)
{
    s->sealed_wave = 0;
    return run(s, _("sealing the wave"), NULL, err, "UPDATE waves SET sealed_pk = ?2 WHERE "
               "id = ?1", "ib", wave, (const void *)pk, (size_t)32);
}

int store_wave_key(store_t *s, int wave, unsigned char pk[32], err_t *err)
{
    if (wave == s->sealed_wave && !s->sealed)
        return 0;
    store_q_t *q = query(s, STORE_Q_KEEP, err, "SELECT sealed_pk FROM waves WHERE id = ?1", "i", wave);
    if (!q)
        return -1;
    int rc = 0, st = step(q);
    if (st == STORE_Q_ROW && !q->drv->is_null(q, 0)) {
        size_t n;
        const void *p = q->drv->col_blob(q, 0, &n);
        if (n == 32) {
            memcpy(pk, p, 32);
            rc = 1;
        }
    } else if (st == STORE_Q_ERR) {
        rc = sqlerr(s, err, _("reading wave"));
    }
    done(q);
    if (rc >= 0) {
        s->sealed_wave = wave;
        s->sealed = rc;
    }
    return rc;
}

int store_ballot_add(store_t *s, int wave, int unit, const void *box, size_t n, err_t *err)
{
    for (int tries = 0; tries < 8; tries++) {
        long changed = 0;
        if (run(s, _("storing a sealed ballot"), &changed, err, "INSERT INTO ballots(id, wave, "
                "unit, box) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING", "liub",
                (long)random_id(s, wave, 0), wave, unit, box, n))
            return -1;
        if (changed == 1)
            return 0;
    }
    err_set(err, ERR_FAIL, _("storing a sealed ballot: no free id"));
    return -1;
}

static int ballot_row(void *ud, store_q_t *q)
{
    each_t *e = ud;
    size_t n;
    const unsigned char *p = q->drv->col_blob(q, 2, &n);
    return ((int (*)(void *, long, int, const unsigned char *, size_t))e->cb)(
        e->ud, (long)c_int(q, 0), (int)c_int(q, 1), p, n);
}

/* A wave may hold a million ballots, and the caller stores each one it
 * opens as it goes: a stream, so memory stays flat and the connection
 * takes other statements between rows. */
int store_ballot_scan(store_t *s, int wave,
                      int (*cb)(void *ud, long id, int unit, const unsigned char *box, size_t n),
                      void *ud, err_t *err)
{
    store_q_t *q = query(s, STORE_Q_STREAM, err, "SELECT id, coalesce(unit, 0), box FROM ballots "
                         "WHERE wave = ?1 ORDER BY id", "i", wave);
    each_t e = {ud, (void *)cb};
    return q ? each_row(s, q, _("reading sealed ballots"), err, ballot_row, &e) : -1;
}

int store_wave_unseal(store_t *s, int wave, err_t *err)
{
    s->sealed_wave = 0;
    return run(s, _("opening the wave"), NULL, err, "UPDATE waves SET sealed_pk = NULL WHERE "
               "id = ?1", "i", wave);
}

int store_ballot_delete(store_t *s, int wave, err_t *err)
{
    int rc = run(s, _("deleting sealed ballots"), NULL, err, "DELETE FROM ballots WHERE wave = ?1",
                 "i", wave);
    s->drv->forget(s->db);
    return rc;
}

/* ---- naming, copying and counting a whole database (db copy) ---- */

char *store_name(const char *target)
{
    if (!store_is_uri(target))
        return util_xstrdup(target);
    /* a password in the user part (user:secret@host) or in a parameter
     * (password=secret) is shown as *** */
    util_buf_t b = {0};
    const char *p = strstr(target, "://") + 3, *at = strchr(p, '@'), *slash = strchr(p, '/');
    const char *colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
    if (colon && (!slash || colon < slash)) {
        util_buf_add(&b, target, (size_t)(colon + 1 - target));
        util_buf_adds(&b, "***");
        p = at;
    } else {
        util_buf_add(&b, target, (size_t)(p - target));
    }
    while (*p) {
        const char *pw = strstr(p, "password=");
        if (!pw || (pw != target && pw[-1] != '?' && pw[-1] != '&')) {
            util_buf_adds(&b, p);
            break;
        }
        util_buf_add(&b, p, (size_t)(pw + 9 - p));
        util_buf_adds(&b, "***");
        p = pw + 9 + strcspn(pw + 9, "&");
    }
    return util_buf_take(&b);
}

/* The tables besides responses, parents first, each read in
 * the order of its key and written with the same ids.  Column types: i an
 * integer, d a double, t a text, b a blob (null stays null).  The SQL is
 * literal: the destination keeps its prepared statements by address. */
static const struct copy_table {
    const char *name, *types, *select, *insert;
} copy_tables[] = {
    {"forms", "itttttt", "SELECT id, form_id, version, title, role, source, added_on FROM forms "
     "ORDER BY id", "INSERT INTO forms(id, form_id, version, title, role, source, added_on) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
    {"dimensions", "itt", "SELECT form, code, label FROM dimensions ORDER BY form, code",
     "INSERT INTO dimensions(form, code, label) VALUES (?1, ?2, ?3)"},
    {"items", "iiittttidt", "SELECT id, form, pos, name, type, list, dimension, reverse, "
     "points, label FROM items ORDER BY id", "INSERT INTO items(id, form, pos, name, type, list, "
     "dimension, reverse, points, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
    {"choices", "ititt", "SELECT form, list, pos, name, label FROM choices ORDER BY form, list, "
     "name", "INSERT INTO choices(form, list, pos, name, label) VALUES (?1, ?2, ?3, ?4, ?5)"},
    {"units", "itttti", "SELECT id, code, name, category, parent, headcount FROM units ORDER BY "
     "id", "INSERT INTO units(id, code, name, category, parent, headcount) VALUES (?1, ?2, ?3, "
     "?4, ?5, ?6)"},
    {"waves", "itttb", "SELECT id, name, opened_at, closed_at, sealed_pk FROM waves ORDER BY id",
     "INSERT INTO waves(id, name, opened_at, closed_at, sealed_pk) VALUES (?1, ?2, ?3, ?4, ?5)"},
    /* before the responses that name them */
    {"import_batches", "iititttit", "SELECT id, form, form_id, wave, file, hash, data_hash, rows, "
     "imported_at FROM import_batches ORDER BY id", "INSERT INTO import_batches(id, form, form_id, "
     "wave, file, hash, data_hash, rows, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
    {"tokens", "tiiii", "SELECT hash, form, unit, wave, used FROM tokens ORDER BY hash",
     "INSERT INTO tokens(hash, form, unit, wave, used) VALUES (?1, ?2, ?3, ?4, ?5)"},
    {"drafts", "tiiiitb", "SELECT key, form, wave, unit, cursor, owner, box FROM drafts ORDER BY "
     "key", "INSERT INTO drafts(key, form, wave, unit, cursor, owner, box) VALUES (?1, ?2, ?3, "
     "?4, ?5, ?6, ?7)"},
    {"draft_answers", "tit", "SELECT draft, pos, text FROM draft_answers ORDER BY draft, pos",
     "INSERT INTO draft_answers(draft, pos, text) VALUES (?1, ?2, ?3)"},
    {"entry_batches", "itiiiiiiii", "SELECT id, name, form, wave, unit, pass, keyed, verified, "
     "compared, differences FROM entry_batches ORDER BY id", "INSERT INTO entry_batches(id, name, "
     "form, wave, unit, pass, keyed, verified, compared, differences) VALUES (?1, ?2, ?3, ?4, ?5, "
     "?6, ?7, ?8, ?9, ?10)"},
    {"entry_rows", "iiit", "SELECT batch, seq, pos, text FROM entry_rows ORDER BY batch, seq, pos",
     "INSERT INTO entry_rows(batch, seq, pos, text) VALUES (?1, ?2, ?3, ?4)"},
    {"secrets", "tt", "SELECT name, value FROM secrets ORDER BY name",
     "INSERT INTO secrets(name, value) VALUES (?1, ?2)"},
    {"ballots", "iiib", "SELECT id, wave, unit, box FROM ballots ORDER BY id",
     "INSERT INTO ballots(id, wave, unit, box) VALUES (?1, ?2, ?3, ?4)"},
};
#define NCOPY (sizeof copy_tables / sizeof copy_tables[0])

/* One row of r into w, column by column as types says. */
static void copy_row(store_q_t *r, store_q_t *w, const char *types)
{
    const store_driver_t *rd = r->drv, *wd = w->drv;
    for (int c = 0; types[c]; c++) {
        size_t n;
        const void *p;
        if (rd->is_null(r, c)) {
            wd->bind_null(w, c + 1);
            continue;
        }
        switch (types[c]) {
        case 'i': wd->bind_int(w, c + 1, rd->col_int(r, c)); break;
        case 'd': wd->bind_double(w, c + 1, rd->col_double(r, c)); break;
        case 'b':
            p = rd->col_blob(r, c, &n);
            wd->bind_blob(w, c + 1, p, n);
            break;
        default:
            p = rd->col_blob(r, c, &n);
            wd->bind_text(w, c + 1, p, n);
            break;
        }
    }
}

static int copy_table(store_t *src, store_t *dst, const struct copy_table *t, err_t *err)
{
    store_q_t *r = query(src, STORE_Q_STREAM, err, t->select, "");
    if (!r)
        return -1;
    int rc = 0, st = STORE_Q_DONE;
    while (rc == 0 && (st = step(r)) == STORE_Q_ROW) {
        store_q_t *w = dst->drv->prep(dst->db, t->insert, STORE_Q_KEEP, err);
        if (!w) {
            rc = -1;
            break;
        }
        copy_row(r, w, t->types);
        if (step(w) == STORE_Q_ERR)
            rc = sqlerr(dst, err, t->name);
        done(w);
    }
    if (rc == 0 && st == STORE_Q_ERR)
        rc = sqlerr(src, err, t->name);
    done(r);
    return rc;
}

/* Every response with its answers, in id order: id, form, wave, unit,
 * week, source, its answers packed (survey/packed.h), its import batch or
 * 0.  The packed answers go from one database to the other as they are:
 * positions, not item ids, so they mean the same wherever the form is. */
static const char *const all_responses =
    "SELECT id, form, wave, coalesce(unit, 0), submitted_on, source, answers, coalesce(batch, 0) "
    "FROM responses ORDER BY id";

/* The stream's row into dst, with its id (bulk when it can). */
static int put_response(store_t *dst, store_q_t *q, err_t *err)
{
    size_t alen = 0;
    const void *answers = q->drv->is_null(q, 6) ? NULL : q->drv->col_blob(q, 6, &alen);
    store_resp_t r = {c_int(q, 0), (int)c_int(q, 1), (int)c_int(q, 2), (int)c_int(q, 3),
                      c_text(q, 4), c_text(q, 5), (long)c_int(q, 7), alen ? answers : NULL, alen};
    if (dst->drv->bulk_add)
        return dst->drv->bulk_add(dst->db, &r, err);
    return run(dst, _("storing response"), NULL, err, "INSERT INTO responses(id, form, wave, unit, "
               "submitted_on, source, batch, answers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
               "liiuttnb", (long)r.id, r.form, r.wave, r.unit, r.week, r.source, r.batch,
               r.answers, r.alen);
}

static int copy_responses(store_t *src, store_t *dst, err_t *err)
{
    store_q_t *q = query(src, STORE_Q_STREAM, err, all_responses, "");
    int rc = q ? 0 : -1, st = STORE_Q_DONE;
    while (rc == 0 && (st = step(q)) == STORE_Q_ROW)
        rc = put_response(dst, q, err);
    if (rc == 0 && st == STORE_Q_ERR)
        rc = sqlerr(src, err, _("reading responses"));
    done(q);
    return rc;
}

int store_empty(store_t *s, int *empty, err_t *err)
{
    int64_t v = 0;
    int rc = one_int(s, &v, err, "SELECT (SELECT count(*) FROM forms) + (SELECT count(*) FROM "
                     "units) + (SELECT count(*) FROM waves) + (SELECT count(*) FROM secrets)", "");
    if (rc == 1)
        rc = sqlerr(s, err, _("database"));
    *empty = v == 0;
    return rc;
}

int store_copy(store_t *src, store_t *dst, err_t *err)
{
    int empty;
    if (store_empty(dst, &empty, err))
        return -1;
    if (!empty) {
        err_set(err, ERR_EXISTS, _("the destination already holds a gapsurvey database; copy into a "
                               "new file or an empty PostgreSQL database"));
        return -1;
    }
    if (store_read_begin(src, err))
        return -1;
    int rc = store_begin(dst, err);
    for (size_t i = 0; rc == 0 && i < NCOPY; i++) {
        rc = copy_table(src, dst, &copy_tables[i], err);
        if (rc == 0 && strcmp(copy_tables[i].name, "tokens") == 0)
            rc = copy_responses(src, dst, err);   /* after their parents, before nothing */
    }
    if (rc == 0 && dst->drv->ids_follow)
        rc = dst->drv->ids_follow(dst->db, err);
    if (rc == 0)
        rc = store_commit(dst, err);
    if (rc)
        store_rollback(dst);
    store_rollback(src);
    return rc;
}

/* FNV-1a, 64 bits: a checksum that both ends compute the same way from
 * what they read back, not a defence against anyone. */
static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ b[i]) * 0x100000001b3u;
}

/* The response's row and each of its answers into the checksum; the
 * number of its answers, or -1 (damaged: err set). */
static long fnv_row(uint64_t *h, store_q_t *q, err_t *err)
{
    char line[128];
    int n = snprintf(line, sizeof line, "%lld|%lld|%lld|%lld|%lld|", (long long)c_int(q, 0),
                     (long long)c_int(q, 1), (long long)c_int(q, 2), (long long)c_int(q, 3),
                     (long long)c_int(q, 7));
    fnv(h, line, (size_t)n);
    for (int c = 4; c <= 5; c++) {
        const char *t = c_text(q, c);
        fnv(h, t, strlen(t) + 1);
    }
    size_t alen = 0;
    const void *answers = q->drv->is_null(q, 6) ? NULL : q->drv->col_blob(q, 6, &alen);
    packed_it_t it;
    packed_ans_t a;
    long k = 0;
    int r;
    packed_begin(&it, answers, alen);
    while ((r = packed_next(&it, &a, err)) == 1) {
        n = snprintf(line, sizeof line, "%d|", a.pos);
        if (a.has_num)
            n += snprintf(line + n, sizeof line - (size_t)n, "%.17g", a.num);
        fnv(h, line, (size_t)n + 1);
        fnv(h, a.text ? a.text : "", a.text ? a.tlen + 1 : 0);
        k++;
    }
    return r < 0 ? -1 : k;
}

int store_census(store_t *s, store_census_t *c, err_t *err)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NCOPY && i < STORE_CENSUS_TABLES; i++) {
        char *sql = util_fmt("SELECT count(*) FROM %s", copy_tables[i].name);
        int64_t v = 0;
        int rc = one_int(s, &v, err, sql, "");
        free(sql);
        if (rc)
            return -1;
        c->table[i] = copy_tables[i].name;
        c->rows[i] = (long)v;
    }
    uint64_t h = 0xcbf29ce484222325u;
    store_q_t *q = query(s, STORE_Q_STREAM, err, all_responses, "");
    if (!q)
        return -1;
    int st;
    long k = 0;
    while ((st = step(q)) == STORE_Q_ROW) {
        c->responses++;
        if ((k = fnv_row(&h, q, err)) < 0)
            break;
        c->answers += k;
    }
    done(q);
    if (k < 0)
        return -1;
    if (st == STORE_Q_ERR)
        return sqlerr(s, err, _("reading responses"));
    snprintf(c->checksum, sizeof c->checksum, "%016llx", (unsigned long long)h);
    return 0;
}
