/*
 * store_sqlite: the SQLite driver behind survey/store.c (store_driver.h),
 * the embedded default: the schema and its migrations, the pragmas, the
 * statements, the streaming scan, and the checkpoint that leaves no
 * history in the files.
 *
 * Pragmas, and why:
 *  - journal_mode=WAL: the web server keeps answering readers while an
 *    import writes, and a crash never leaves a half-applied transaction.
 *  - synchronous=FULL: a respondent told "submitted" must find the answer
 *    there after a power cut, not only after a process crash.  (The web
 *    server's writer uses NORMAL, and its commits reach the disk through
 *    the checkpoint that follows each one: s_sync_at_checkpoint.)
 *  - foreign_keys=ON: a draft's answers cannot outlive it, responses
 *    cannot point at a unit or wave that does not exist.
 *  - busy_timeout: a second writer (import during serve) waits its turn
 *    instead of showing "database is locked" to anyone.
 *  - secure_delete=ON: a deleted or overwritten row (a draft answer, the
 *    token row before it was used) is overwritten with zeros in its page,
 *    and freed pages are zeroed, so the file keeps no earlier version.
 * The schema version is PRAGMA user_version; migrations[] upgrades it one
 * step at a time inside a transaction.
 *
 * No file keeps history (DESIGN.md section 4, unlinkability): the WAL
 * holds every commit until it is checkpointed, so replaying it would show
 * one token going used next to one new response.  Every write that uses a
 * code or touches a draft marks the connection (forget()); the commit that
 * ends it is followed at once by a checkpoint that copies the WAL into the
 * main file and empties it (overwritten with zeros in place, not
 * truncated: survey/walwipe.c).  A reader holding an older snapshot (a
 * long export) keeps that checkpoint from finishing; every connection
 * checkpoints again when it closes, so the log is emptied once the reader
 * is done (close_checkpoint).  `wave close` rewrites the file (VACUUM) so
 * page placement says nothing either.
 *
 * Bulk rows (import, simulate, db copy) are kept 1,024 at a time (16 of
 * store.c's blocks of 64 ids) and written in the order of their ids
 * (bulk_add): the pages fill up, and the cells of a page lie in id order,
 * not in the order of the file.  Inside a transaction a writer thread
 * inserts each 1,024 while the caller prepares the next; the caller's
 * thread waits for it before any other use of the connection.
 */
#include "survey/store_driver.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/relay.h"
#include "base/util.h"
#include "survey/packed.h"
#include "survey/store.h"
#include "survey/walwipe.h"

#define KEEP_MAX 48

typedef struct sq sq_t;

/* The bulk rows (import, simulate) kept to be written in id order: their
 * texts and answers in data, at offsets (data moves as it grows). */
#define BULK_ROWS 1024           /* 16 of store.c's blocks of 64 ids */
struct bulk_row {
    int64_t id;
    int form, wave, unit;
    long batch;
    size_t week, source, answers, alen;   /* offsets into data; alen 0: answers NULL */
    int has_answers;
};

/* One set of kept rows: filled by the caller's thread, written by the
 * writer thread once handed to it. */
struct bulk_set {
    struct bulk_row row[BULK_ROWS];
    int n;
    util_buf_t data;
    int rc;                      /* the writer's bulk_write of it: 0 or -1 */
};

typedef struct {
    store_db_t base;
    sqlite3 *db;
    /* Bulk rows: set[cur] fills while set[!cur] may be with the writer
     * thread (handed, through base/relay); the caller's thread touches the
     * connection only when the writer is idle (bulk_wait).  Everything
     * here belongs to whichever thread holds the connection. */
    struct {
        struct bulk_set set[2];
        int cur;
        sqlite3_stmt *ins;       /* prepared at the first write */
        const char *msg;         /* the failed write's message, or NULL */
        char why[256];           /* its words, copied from SQLite's */
        int handed;              /* set[!cur] went to the writer, not yet waited for */
        int failed;              /* a write in this transaction failed: until rollback */
        relay_t *writer;         /* the writer thread, from the first hand-over */
    } bulk;
    int busy_ms;                 /* the busy timeout set by busy_wait */
    int forget;                  /* the open transaction used a code or a draft */
    int late_sync;               /* s_sync_at_checkpoint: commits are durable at forget() */
    int opened;                  /* s_open succeeded: s_close may checkpoint */
    /* statements the web server runs for every request, prepared once per
     * connection: parsing them each time was a tenth of its CPU */
    struct {
        const char *sql;         /* the string itself: looked up by address */
        sq_t *q;
    } keep[KEEP_MAX];
} sdb_t;

struct sq {
    store_q_t base;
    sdb_t *db;
    sqlite3_stmt *st;
    int kept;
    long changes;
};

static const char *const migrations[] = {
    /* 0 -> 1: the first schema */
    "CREATE TABLE forms("
    "  id INTEGER PRIMARY KEY,"
    "  form_id TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('self','staff')),"
    "  source TEXT NOT NULL,"
    "  added_on TEXT NOT NULL,"
    "  UNIQUE (form_id, version));"
    "CREATE TABLE dimensions("
    "  form INTEGER NOT NULL REFERENCES forms(id),"
    "  code TEXT NOT NULL,"
    "  label TEXT,"
    "  PRIMARY KEY (form, code));"
    "CREATE TABLE items("
    "  id INTEGER PRIMARY KEY,"
    "  form INTEGER NOT NULL REFERENCES forms(id),"
    "  pos INTEGER NOT NULL,"
    "  name TEXT,"
    "  type TEXT NOT NULL,"
    "  list TEXT,"
    "  dimension TEXT,"
    "  reverse INTEGER NOT NULL DEFAULT 0,"
    "  points REAL,"
    "  label TEXT,"
    "  UNIQUE (form, pos));"
    "CREATE TABLE choices("
    "  form INTEGER NOT NULL REFERENCES forms(id),"
    "  list TEXT NOT NULL,"
    "  pos INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  label TEXT,"
    "  PRIMARY KEY (form, list, name));"
    "CREATE TABLE units("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  category TEXT,"
    "  parent TEXT,"
    "  headcount INTEGER);"
    "CREATE TABLE waves("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  opened_at TEXT NOT NULL,"
    "  closed_at TEXT);"
    "CREATE TABLE tokens("
    "  hash TEXT PRIMARY KEY,"
    "  form INTEGER NOT NULL REFERENCES forms(id),"
    "  unit INTEGER REFERENCES units(id),"
    "  wave INTEGER NOT NULL REFERENCES waves(id),"
    "  used INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE responses("
    "  id INTEGER PRIMARY KEY,"
    "  form INTEGER NOT NULL REFERENCES forms(id),"
    "  wave INTEGER NOT NULL REFERENCES waves(id),"
    "  unit INTEGER REFERENCES units(id),"
    "  submitted_on TEXT NOT NULL,"
    "  source TEXT NOT NULL);"
    "CREATE INDEX responses_by_wave ON responses(wave, form);"
    "CREATE TABLE answers("
    "  response INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,"
    "  item INTEGER NOT NULL REFERENCES items(id),"
    "  num REAL,"
    "  text TEXT,"
    "  PRIMARY KEY (response, item)) WITHOUT ROWID;"
    "CREATE TABLE imports("
    "  hash TEXT NOT NULL,"
    "  form_id TEXT NOT NULL,"
    "  file TEXT NOT NULL,"
    "  rows INTEGER NOT NULL,"
    "  imported_on TEXT NOT NULL,"
    "  PRIMARY KEY (hash, form_id));",
    /* 1 -> 2: drafts of the terminal runner, so a crash loses no answer.
     * A draft is keyed by what the respondent typed to start (form and
     * unit, or the token's hash) and is deleted in the same transaction
     * that stores the response. */
    "CREATE TABLE drafts("
    "  key TEXT PRIMARY KEY,"
    "  form INTEGER NOT NULL REFERENCES forms(id),"
    "  wave INTEGER NOT NULL REFERENCES waves(id),"
    "  unit INTEGER REFERENCES units(id),"
    "  cursor INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE draft_answers("
    "  draft TEXT NOT NULL REFERENCES drafts(key) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  PRIMARY KEY (draft, pos)) WITHOUT ROWID;",
    /* 2 -> 3: double entry of paper questionnaires (`run --entry --verify`).
     * The first keying of a batch waits here until the second keying has
     * been compared with it; each verified questionnaire becomes a response
     * and its first keying is deleted in the same transaction, so answers
     * are never kept twice.  The batch row keeps only counts. */
    "CREATE TABLE entry_batches("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  form INTEGER NOT NULL REFERENCES forms(id),"
    "  wave INTEGER NOT NULL REFERENCES waves(id),"
    "  unit INTEGER REFERENCES units(id),"
    "  pass INTEGER NOT NULL DEFAULT 1 CHECK (pass IN (1, 2)),"
    "  keyed INTEGER NOT NULL DEFAULT 0,"
    "  verified INTEGER NOT NULL DEFAULT 0,"
    "  compared INTEGER NOT NULL DEFAULT 0,"
    "  differences INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE entry_rows("
    "  batch INTEGER NOT NULL REFERENCES entry_batches(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  pos INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  PRIMARY KEY (batch, seq, pos)) WITHOUT ROWID;",
    /* 3 -> 4: which running session holds a draft ("pid@host"), so two
     * respondents of one unit answering at two terminals at once never
     * share a draft or are offered each other's answers; NULL when no
     * session holds it (it was left with q, or its session died). */
    "ALTER TABLE drafts ADD COLUMN owner TEXT;",
    /* 4 -> 5: submitted_on keeps the ISO week (2026-W07) instead of the
     * day; iso_week() is this program's SQL function (open) */
    "UPDATE responses SET submitted_on = iso_week(submitted_on);"
    /* the answers of a draft made with an invitation code, encrypted with
     * a key from that code (seal.h), instead of draft_answers rows */
    "ALTER TABLE drafts ADD COLUMN box BLOB;"
    /* secrets of the installation, hashed (the admin secret, seal.h) */
    "CREATE TABLE secrets(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    /* sealed waves (ballot.c): the public key while the wave is sealed,
     * and each submission as a box only the secret key opens; its unit in
     * the clear, so that response rates can be followed */
    "ALTER TABLE waves ADD COLUMN sealed_pk BLOB;"
    "CREATE TABLE ballots("
    "  id INTEGER PRIMARY KEY,"
    "  wave INTEGER NOT NULL REFERENCES waves(id),"
    "  unit INTEGER REFERENCES units(id),"
    "  box BLOB NOT NULL);",
    /* 5 -> 6: every import is a batch that can be listed and undone: its
     * responses name it.  Only imports are batches: a web or terminal
     * response has none, so nothing groups those by arrival.  data_hash
     * recognises the same responses imported again from other bytes (line
     * ends, column or row order, another encoding or layout).  Imports
     * recorded before this have no responses linked (form and wave NULL)
     * and can be listed but not undone.  Ids are never reused, so "import
     * undo 3" cannot hit another import than the one listed as 3. */
    "CREATE TABLE import_batches("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"   /* an undone batch's id is never reused */
    "  form INTEGER REFERENCES forms(id),"
    "  form_id TEXT NOT NULL,"
    "  wave INTEGER REFERENCES waves(id),"
    "  file TEXT NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  data_hash TEXT,"
    "  rows INTEGER NOT NULL,"
    "  imported_at TEXT NOT NULL);"
    "INSERT INTO import_batches(form_id, file, hash, rows, imported_at)"
    "  SELECT form_id, file, hash, rows, imported_on FROM imports ORDER BY rowid;"
    "DROP TABLE imports;"
    "CREATE INDEX import_batches_by_form ON import_batches(form_id);"
    "ALTER TABLE responses ADD COLUMN batch INTEGER REFERENCES import_batches(id);"
    "CREATE INDEX responses_by_batch ON responses(batch) WHERE batch IS NOT NULL;",
    /* 6 -> 7: each response's answers packed in one value (survey/packed.h,
     * doc/STORAGE.md) instead of one answers row each: a scan reads one
     * row per response, and the file is a fraction of the size.  Every
     * answer moves bit for bit (pack_answers() is this program's SQL
     * function, open); a response without answers keeps NULL.  The table
     * goes, so nothing can write answers that the scan would not see. */
    "ALTER TABLE responses ADD COLUMN answers BLOB;"
    "UPDATE responses SET answers = (SELECT pack_answers(i.pos, a.num, a.text) FROM answers a "
    "  JOIN items i ON i.id = a.item WHERE a.response = responses.id);"
    "DROP TABLE answers;",
    /* 7 -> 8: no index on responses.batch.  It was a tenth of the file
     * (every imported response has a batch), and only `import list` and
     * `import undo` look responses up by batch: one pass over the table
     * each (store_import_list, store_import_delete). */
    "DROP INDEX IF EXISTS responses_by_batch;",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");

static int bulk_wait(sdb_t *d);
static void bulk_quiet(sdb_t *d);
static int bulk_settle(sdb_t *d);
static void bulk_stop(sdb_t *d);

/* The error of the last call on the connection (a failed bulk write's
 * first) into err; -1. */
static int fail(sdb_t *d, err_t *err)
{
    bulk_quiet(d);
    err_set(err, ERR_DB, _("database: %s"), d->bulk.msg ? d->bulk.msg : sqlite3_errmsg(d->db));
    return -1;
}

static int exec(sdb_t *d, const char *sql, err_t *err)
{
    char *m = NULL;
    if (bulk_settle(d))
        return fail(d, err);
    if (sqlite3_exec(d->db, sql, NULL, NULL, &m) != SQLITE_OK) {
        err_set(err, ERR_DB, _("database: %s"), m ? m : sqlite3_errmsg(d->db));
        sqlite3_free(m);
        return -1;
    }
    return 0;
}

/* ---- statements ---- */

static store_q_t *s_prep(store_db_t *db, const char *sql, int mode, err_t *err)
{
    sdb_t *d = (sdb_t *)db;
    int i = 0, keep = mode == STORE_Q_KEEP;   /* a stream is any statement here */
    bulk_quiet(d);
    if (keep) {
        for (; i < KEEP_MAX && d->keep[i].sql; i++)
            if (d->keep[i].sql == sql)
                return &d->keep[i].q->base;
        if (i == KEEP_MAX) {
            err_set(err, ERR_DB, _("database: more than %d cached statements"), KEEP_MAX);
            return NULL;
        }
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(d, err);
        return NULL;
    }
    sq_t *q = util_xcalloc(1, sizeof *q);
    q->base.drv = db->drv;
    q->db = d;
    q->st = st;
    q->kept = keep;
    if (keep) {
        d->keep[i].sql = sql;
        d->keep[i].q = q;
    }
    return &q->base;
}

/* Q(q): the statement, once the writer thread has let go of its
 * connection. */
static sq_t *quiet_q(store_q_t *q)
{
    sq_t *x = (sq_t *)q;
    bulk_quiet(x->db);
    return x;
}
#define Q(q) quiet_q(q)

static void s_bind_int(store_q_t *q, int i, int64_t v)
{
    sqlite3_bind_int64(Q(q)->st, i, v);
}

static void s_bind_double(store_q_t *q, int i, double v)
{
    sqlite3_bind_double(Q(q)->st, i, v);
}

/* Texts and blobs are bound where they are (SQLITE_STATIC): the caller's
 * bytes outlive the step (store_driver.h), and a kept statement loses its
 * bindings at finish; copying every answer's text was an import's
 * malloc per answer. */
static void s_bind_text(store_q_t *q, int i, const char *v, size_t n)
{
    if (v)
        sqlite3_bind_text(Q(q)->st, i, v, (int)n, SQLITE_STATIC);
    else
        sqlite3_bind_null(Q(q)->st, i);
}

static void s_bind_blob(store_q_t *q, int i, const void *v, size_t n)
{
    sqlite3_bind_blob(Q(q)->st, i, v, (int)n, SQLITE_STATIC);
}

static void s_bind_null(store_q_t *q, int i)
{
    sqlite3_bind_null(Q(q)->st, i);
}

static int s_step(store_q_t *q)
{
    sq_t *x = (sq_t *)q;
    if (bulk_settle(x->db))      /* the bulk rows go first */
        return STORE_Q_ERR;
    int rc = sqlite3_step(x->st);
    if (rc == SQLITE_ROW)
        return STORE_Q_ROW;
    if (rc == SQLITE_DONE) {
        x->changes = sqlite3_changes(x->db->db);
        return STORE_Q_DONE;
    }
    return STORE_Q_ERR;
}

static int s_is_null(store_q_t *q, int c)
{
    return sqlite3_column_type(Q(q)->st, c) == SQLITE_NULL;
}

static int64_t s_col_int(store_q_t *q, int c)
{
    return sqlite3_column_int64(Q(q)->st, c);
}

static double s_col_double(store_q_t *q, int c)
{
    return sqlite3_column_double(Q(q)->st, c);
}

static const char *s_col_text(store_q_t *q, int c)
{
    return (const char *)sqlite3_column_text(Q(q)->st, c);
}

static const void *s_col_blob(store_q_t *q, int c, size_t *n)
{
    const void *p = sqlite3_column_blob(Q(q)->st, c);
    *n = (size_t)sqlite3_column_bytes(Q(q)->st, c);
    return p;
}

static long s_changes(store_q_t *q)
{
    return Q(q)->changes;
}

static void s_reset(store_q_t *q)
{
    sqlite3_reset(Q(q)->st);
}

static void free_q(sq_t *q)
{
    if (q) {
        sqlite3_finalize(q->st);
        free(q);
    }
}

static void s_finish(store_q_t *q)
{
    if (!q)
        return;
    if (Q(q)->kept) {
        /* a kept statement is reset, so no read stays open, and loses its
         * bindings, so no text of the caller is read after it is gone */
        sqlite3_reset(Q(q)->st);
        sqlite3_clear_bindings(Q(q)->st);
    } else {
        free_q(Q(q));
    }
}

/* ---- the connection ---- */

static int user_version(sdb_t *d, int *v, err_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return fail(d, err);
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : fail(d, err);
}

static int migrate(sdb_t *d, err_t *err)
{
    int v;
    if (user_version(d, &v, err))
        return -1;
    int target = STORE_SCHEMA_VERSION;
    if (v > target) {
        err_set(err, ERR_FAIL, _("the database has schema version %d, newer than this gapsurvey "
                                 "understands (%d); use a newer gapsurvey"), v, target);
        return -1;
    }
    while (v < target) {
        if (exec(d, "BEGIN IMMEDIATE", err))
            return -1;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec(d, migrations[v], err) || exec(d, pragma, err) || exec(d, "COMMIT", err)) {
            if (!sqlite3_get_autocommit(d->db))
                exec(d, "ROLLBACK", NULL);
            return -1;
        }
        v++;
    }
    return 0;
}

static void sql_iso_week(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    char w[16];
    (void)argc;
    util_iso_week((const char *)sqlite3_value_text(argv[0]), w);
    sqlite3_result_text(cx, w, -1, SQLITE_TRANSIENT);
}

/* pack_answers(pos, num, text): the aggregate that packs the answers of
 * one response in the migration to schema 7, in the order of pos whatever
 * order they come in; NULL when there are none.  A text holding a NUL or
 * two answers to one position fail the migration. */
typedef struct {
    packed_ans_t *a;
    size_t n, cap;
    util_buf_t texts;
    size_t *toff;
} pack_agg_t;

static void pack_step(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    pack_agg_t *g = sqlite3_aggregate_context(cx, sizeof *g);
    if (!g)
        return;
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->a = util_xrealloc(g->a, g->cap * sizeof *g->a);
        g->toff = util_xrealloc(g->toff, g->cap * sizeof *g->toff);
    }
    packed_ans_t *a = &g->a[g->n];
    a->pos = sqlite3_value_int(argv[0]);
    a->has_num = sqlite3_value_type(argv[1]) != SQLITE_NULL;
    a->num = a->has_num ? sqlite3_value_double(argv[1]) : 0;
    a->text = NULL;
    a->tlen = 0;
    g->toff[g->n] = (size_t)-1;
    if (sqlite3_value_type(argv[2]) != SQLITE_NULL) {
        const char *t = (const char *)sqlite3_value_text(argv[2]);
        a->tlen = (size_t)sqlite3_value_bytes(argv[2]);
        g->toff[g->n] = g->texts.len;
        util_buf_add(&g->texts, t ? t : "", a->tlen);
        util_buf_addc(&g->texts, '\0');
    }
    g->n++;
}

static int pack_cmp(const void *x, const void *y)
{
    const packed_ans_t *a = x, *b = y;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

static void pack_final(sqlite3_context *cx)
{
    pack_agg_t *g = sqlite3_aggregate_context(cx, 0);
    if (!g || g->n == 0) {
        sqlite3_result_null(cx);
        return;
    }
    for (size_t i = 0; i < g->n; i++)
        g->a[i].text = g->toff[i] == (size_t)-1 ? NULL : g->texts.s + g->toff[i];
    qsort(g->a, g->n, sizeof *g->a, pack_cmp);
    util_buf_t b = {0};
    err_t err = {0};
    int last = -1, rc = 0;
    for (size_t i = 0; i < g->n && rc == 0; i++)
        rc = packed_put(&b, &last, &g->a[i], &err);
    if (rc)
        sqlite3_result_error(cx, err.msg, -1);
    else
        sqlite3_result_blob(cx, b.s, (int)b.len, SQLITE_TRANSIENT);
    err_clear(&err);
    util_buf_free(&b);
    util_buf_free(&g->texts);
    free(g->a);
    free(g->toff);
}

/* SQLite's allocation statistics take a global mutex on every malloc and
 * free (1% of an import); nothing reads them.  Only possible before SQLite
 * initialises, so on the first open, which every command reaches from its
 * one thread before any other starts; the VFS that wipes emptied logs
 * (survey/walwipe.c) is registered then too. */
static void sqlite_setup(void)
{
    static int done;
    if (!done) {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        walwipe_vfs();
        done = 1;
    }
}

static void s_close(store_db_t *db);
static void close_checkpoint(sdb_t *d);
static void s_busy_wait(store_db_t *db, int ms);

/* The pragmas of the header; a file that cannot be written is named. */
static int pragmas(sdb_t *d, const char *path, err_t *err)
{
    if (exec(d, "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON", err))
        return -1;
    err_t m = {0};
    if (exec(d, "PRAGMA journal_mode = WAL", &m)) {
        /* SQLite only says "unable to open database file" when it cannot
         * write the file (a read-only mount, a copied file without write
         * permission); that is the usual cause, so it is named */
        if (access(path, W_OK) != 0 && (errno == EROFS || errno == EACCES))
            err_set(err, ERR_IO, _("%s is read-only (%s); gapsurvey must be able to write the "
                                   "database and its -wal file beside it"), path, strerror(errno));
        else
            err_set(err, ERR_FAIL, _("%s is not a usable database (%s)"), path, m.msg);
        err_clear(&m);
        return -1;
    }
    return exec(d, "PRAGMA synchronous = FULL", err);
}

static int s_open(const char *path, int create, store_db_t **out, err_t *err)
{
    sqlite_setup();
    sdb_t *d = util_xcalloc(1, sizeof *d);
    d->base.drv = &store_sqlite_driver;
    *out = NULL;
    if (!create && access(path, F_OK) != 0) {
        err_set(err, ERR_NOTFOUND, _("no database at %s; create one with 'gapsurvey init' (or "
                                     "choose another with --db FILE or GAPSURVEY_DB)"), path);
        goto fail;
    }
    /* NOMUTEX: a connection is only ever used by one thread at a time (the
     * web server checks one out of its pool per request), so SQLite's own
     * per-call locking is pure cost; it was a tenth of a scan's time */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &d->db, flags, walwipe_vfs()) != SQLITE_OK) {
        err_set(err, ERR_DB, _("cannot open %s: %s"), path,
                d->db ? sqlite3_errmsg(d->db) : _("out of memory"));
        goto fail;
    }
    s_busy_wait(&d->base, 10000);
    sqlite3_create_function(d->db, "iso_week", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            sql_iso_week, NULL, NULL);
    sqlite3_create_function(d->db, "pack_answers", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            NULL, pack_step, pack_final);
    if (pragmas(d, path, err))
        goto fail;
    if (!create) {
        int v;
        if (user_version(d, &v, err))
            goto fail;
        if (v == 0) {
            err_set(err, ERR_FAIL, _("%s is not a gapsurvey database; create one with 'gapsurvey "
                                     "init'"), path);
            goto fail;
        }
    }
    if (migrate(d, err))
        goto fail;
    d->opened = 1;
    *out = &d->base;
    return 0;
fail:
    s_close(&d->base);
    return -1;
}

static void s_close(store_db_t *db)
{
    sdb_t *d = (sdb_t *)db;
    if (!d)
        return;
    for (int i = 0; i < KEEP_MAX; i++)
        free_q(d->keep[i].q);
    bulk_stop(d);
    sqlite3_finalize(d->bulk.ins);   /* rows still kept: never committed */
    util_buf_free(&d->bulk.set[0].data);
    util_buf_free(&d->bulk.set[1].data);
    if (d->opened)
        close_checkpoint(d);
    if (d->db)
        sqlite3_close(d->db);
    free(d);
}

static const char *s_errmsg(store_db_t *db)
{
    sdb_t *d = (sdb_t *)db;
    bulk_quiet(d);
    return d->bulk.msg ? d->bulk.msg : sqlite3_errmsg(d->db);
}

static void s_busy_wait(store_db_t *db, int ms)
{
    sdb_t *d = (sdb_t *)db;
    bulk_quiet(d);
    d->busy_ms = ms;
    sqlite3_busy_timeout(d->db, ms);
}

/* ---- transactions ---- */

/* A statement without results through the kept statements. */
static int exec_kept(sdb_t *d, const char *sql, err_t *err)
{
    store_q_t *q = s_prep(&d->base, sql, STORE_Q_KEEP, err);
    if (!q)
        return -1;
    int rc = s_step(q) == STORE_Q_DONE ? 0 : fail(d, err);
    s_finish(q);
    return rc;
}

/* The checkpoint's busy handler: readers still on older frames of the
 * WAL finish within a request (a fraction of a millisecond), so it looks
 * again every 50 us instead of sleeping SQLite's 1, 2, 5 ... ms steps,
 * which made each group commit of the web server wait 10-30 ms; it gives
 * up after 5 s (an export holding one snapshot for long). */
static int ckpt_busy(void *ud, int n)
{
    (void)ud;
    struct timespec t = {0, 50 * 1000};
    nanosleep(&t, NULL);
    return n < 100000;
}

/* Copies the WAL into the main file and empties it, once the writes
 * that used a code or a draft are committed: until then the WAL holds the
 * state before them, page by page (emptied: overwritten with zeros, see
 * survey/walwipe.c).  When a reader holds on past the busy handler's
 * patience, the mark stays and the next commit of this connection tries
 * again.  On a connection whose commits become durable here
 * (s_sync_at_checkpoint) a checkpoint that could not finish is followed
 * by a sync of the WAL, so the commit is on the disk either way; -1 when
 * that sync failed. */
static int checkpoint(sdb_t *d)
{
    if (!sqlite3_get_autocommit(d->db)) {
        d->forget = 1;           /* after the commit */
        return 0;
    }
    sqlite3_busy_handler(d->db, ckpt_busy, NULL);
    int rc = sqlite3_wal_checkpoint_v2(d->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_busy_timeout(d->db, d->busy_ms);
    d->forget = rc != SQLITE_OK;
    if (rc == SQLITE_OK || !d->late_sync)
        return 0;
    sqlite3_file *wal = NULL;   /* SQLite's, not ours to close */
    if (sqlite3_file_control(d->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK ||
        !wal || !wal->pMethods)
        return -1;
    return wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) == SQLITE_OK ? 0 : -1;
}

static void s_forget(store_db_t *db)
{
    bulk_quiet((sdb_t *)db);
    checkpoint((sdb_t *)db);
}

/* The busy handler at close: about 0.1 s (the server's readers finish
 * within a request). */
static int close_busy(void *ud, int n)
{
    return ckpt_busy(ud, n) && n < 2000;
}

/* At the close of every connection, whatever it did: a checkpoint held up
 * by a long reader (an export during collection) left commits that used a
 * code in the WAL, and the connection that made them may never commit
 * again (a server at the end of collection, its connections open); the
 * reader itself, or any command after it, empties the log here.  Nothing
 * when another reader still holds on: the next close or commit tries. */
static void close_checkpoint(sdb_t *d)
{
    if (!sqlite3_get_autocommit(d->db))
        return;
    sqlite3_busy_handler(d->db, close_busy, NULL);
    sqlite3_wal_checkpoint_v2(d->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

/* synchronous=NORMAL leaves out the sync at COMMIT; the checkpoint that
 * follows every commit of this connection syncs the WAL before it copies
 * a page (SQLite's order) and then the main file, so the commit is on the
 * disk when s_commit returns, as with FULL, with one device flush fewer
 * per commit.  (With FULL that sync of the WAL finds nothing left to
 * write, and costs a flush all the same.) */
static int s_sync_at_checkpoint(store_db_t *db, err_t *err)
{
    sdb_t *d = (sdb_t *)db;
    if (exec(d, "PRAGMA synchronous = NORMAL", err))
        return -1;
    d->late_sync = 1;
    return 0;
}

/* BEGIN IMMEDIATE takes the write lock up front, so two writers queue
 * instead of failing half-way with SQLITE_BUSY on upgrade; a snapshot is a
 * deferred BEGIN, the web server's every request. */
static int s_begin(store_db_t *db, int mode, err_t *err)
{
    return exec_kept((sdb_t *)db, mode == STORE_TX_WRITE ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

static int s_commit(store_db_t *db, err_t *err)
{
    sdb_t *d = (sdb_t *)db;
    if (bulk_settle(d))          /* the rows kept, before the commit is asked for */
        return fail(d, err);
    int wrote = d->late_sync && sqlite3_txn_state(d->db, NULL) == SQLITE_TXN_WRITE;
    if (exec_kept(d, "COMMIT", err) != 0)
        return -1;
    if ((d->forget || wrote) && checkpoint(d) != 0)
        return err_set(err, ERR_IO, _("the answers were stored but could not be synced to the "
                                      "disk"));
    return 0;
}

static void s_rollback(store_db_t *db)
{
    sdb_t *d = (sdb_t *)db;
    bulk_wait(d);                /* the bulk rows kept go with it */
    for (int i = 0; i < 2; i++) {
        d->bulk.set[i].n = 0;
        util_buf_reset(&d->bulk.set[i].data);
    }
    d->bulk.failed = 0;
    d->bulk.msg = NULL;
    if (!sqlite3_get_autocommit(d->db))
        exec_kept(d, "ROLLBACK", NULL);
}

/* VACUUM rewrites every table in id order, so where a response sits in
 * the file says no more than its random id; then the WAL goes. */
static int s_compact(store_db_t *db, int wave, err_t *err)
{
    (void)wave;
    sdb_t *d = (sdb_t *)db;
    if (exec(d, "VACUUM", err))  /* exec writes the bulk rows first */
        return -1;
    s_forget(db);
    return 0;
}

/* ---- the scan ---- */

/* The scan reads every response of a wave, with its packed answers: one
 * walk of the responses table in rowid (id) order over the wave's id range
 * (ids carry the wave in their high bits, store.c), the rows of other
 * forms skipped.  Through the (wave, form) index SQLite would
 * instead gather the whole wave in a temporary b-tree to order it, in
 * memory that grows with the answers.  By unit, the ids come out of the
 * index in unit order (a sort of ids and units only) and each response's
 * answers are sought by id. */
static int s_scan(store_db_t *db, const char *form_id, int wave, int by_unit, store_emit_fn emit,
                  void *ud, err_t *err)
{
    sdb_t *d = (sdb_t *)db;
    int rc = -1, step;
    sqlite3_stmt *st = NULL, *sa = NULL;
    char *q = util_fmt("SELECT id, coalesce(unit, 0), form%s FROM responses %s WHERE form IN (SELECT "
                       "id FROM forms WHERE form_id = ?1) AND wave = ?2 AND id >= ?3 AND id < ?4 "
                       "ORDER BY %s",
                       by_unit ? "" : ", answers", by_unit ? "" : "NOT INDEXED",
                       by_unit ? "coalesce(unit, 0), id" : "id");
    int bad = bulk_settle(d) || sqlite3_prepare_v2(d->db, q, -1, &st, NULL) != SQLITE_OK;
    free(q);
    if (bad || (by_unit && sqlite3_prepare_v2(d->db, "SELECT answers FROM responses WHERE id = ?1",
                                              -1, &sa, NULL) != SQLITE_OK))
        goto fail;
    sqlite3_bind_text(st, 1, form_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, wave);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)(wave & 0x7FFFFF) << 40);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)((wave & 0x7FFFFF) + 1) << 40);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 rid = sqlite3_column_int64(st, 0);
        sqlite3_stmt *from = st;
        int col = 3;
        if (by_unit) {
            sqlite3_reset(sa);
            sqlite3_bind_int64(sa, 1, rid);
            if (sqlite3_step(sa) != SQLITE_ROW)
                goto fail;
            from = sa;
            col = 0;
        }
        const void *blob = sqlite3_column_blob(from, col);
        int r = emit(ud, rid, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2), blob,
                     blob ? (size_t)sqlite3_column_bytes(from, col) : 0);
        if (r) {
            rc = r;
            goto cleanup;
        }
    }
    if (step != SQLITE_DONE)
        goto fail;
    rc = 0;
    goto cleanup;
fail:
    err_set(err, ERR_DB, _("reading responses: %s"), sqlite3_errmsg(d->db));
    rc = -1;
cleanup:
    sqlite3_finalize(st);
    sqlite3_finalize(sa);
    return rc;
}

/* ---- bulk inserts ---- */

/* Bulk rows (import, simulate, db copy) are kept until BULK_ROWS are,
 * then written in the order of their ids; what is kept is written before
 * any other statement runs (bulk_settle: s_step, s_scan, s_compact,
 * exec), and a rollback drops it.  store.c draws a bulk source's ids as
 * blocks of 64 at random places and hands a block's ids out in a random
 * order: inserted in that order, the rows of a block land in the b-tree's
 * pages one by one, at random, the pages split half empty and the table
 * was a quarter free space (77% full at 200,000 responses); in id order
 * the pages of a block fill up.  It also keeps the order of arrival out
 * of where the cells lie within a page.
 *
 * Inside a transaction a full set is handed to a writer thread, which
 * inserts it while the caller parses and checks the next set: SQLite's
 * insert was 40% of an import's CPU, done in turn with the rest.  A set
 * is 16 blocks, not one: with a hand-over every 64 rows the two threads
 * woke each other 6,300 times in a 200,000-row import, and on a 2-vCPU
 * machine each wake of an idle CPU cost so much system time (1.0-1.2 s
 * against 0.4 s) that the thread gained no wall time; with 1,024, 420
 * wakes, 0.5 s.  The connection is opened NOMUTEX, so the caller's
 * thread waits for the writer (bulk_wait) before any other use of it:
 * every entry of this driver but bulk_add starts with bulk_quiet or
 * bulk_settle.  A write
 * that failed is reported by the next bulk_add or statement and by every
 * one after it until the rollback (bulk.failed): the transaction cannot
 * commit without the rows, even if SQLite rolled it back already. */

static int row_by_id(const void *x, const void *y)
{
    int64_t a = ((const struct bulk_row *)x)->id, b = ((const struct bulk_row *)y)->id;
    return (a > b) - (a < b);
}

/* One kept row into responses; an id taken already (one draw in a
 * million at a million responses) is drawn again: the same wave, 40 new
 * random bits.  0 stored, -1 an error. */
static int bulk_insert(sdb_t *d, const char *data, struct bulk_row *w)
{
    sqlite3_stmt *st = d->bulk.ins;
    int64_t mask = ((int64_t)1 << 40) - 1;
    for (int tries = 0; tries < 8; tries++) {
        sqlite3_bind_int64(st, 1, w->id);
        sqlite3_bind_int(st, 2, w->form);
        sqlite3_bind_int(st, 3, w->wave);
        if (w->unit > 0)
            sqlite3_bind_int(st, 4, w->unit);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_text(st, 5, data + w->week, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, data + w->source, -1, SQLITE_STATIC);
        if (w->batch > 0)
            sqlite3_bind_int64(st, 7, w->batch);
        else
            sqlite3_bind_null(st, 7);
        if (w->has_answers)
            sqlite3_bind_blob(st, 8, data + w->answers, (int)w->alen, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 8);
        int rc = sqlite3_step(st);
        int changed = sqlite3_changes(d->db);
        if (rc != SQLITE_DONE)
            return -1;           /* the message stays until the reset */
        sqlite3_reset(st);
        if (changed == 1)
            return 0;
        int64_t r = 0;
        while ((r & mask) == 0)
            sqlite3_randomness(sizeof r, &r);
        w->id = (w->id & ~mask) | (r & mask);
    }
    d->bulk.msg = _("storing response: no free id");
    return -1;
}

/* Writes set s, in id order, on whichever thread holds the connection;
 * 0, or -1 with the message in bulk.msg.  The set is emptied either way
 * (an error fails the transaction). */
static int bulk_write(sdb_t *d, struct bulk_set *s)
{
    int rc = 0;
    d->bulk.msg = NULL;
    if (!d->bulk.ins &&
        sqlite3_prepare_v3(d->db, "INSERT INTO responses(id, form, wave, unit, submitted_on, "
                           "source, batch, answers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                           "ON CONFLICT (id) DO NOTHING", -1, SQLITE_PREPARE_PERSISTENT,
                           &d->bulk.ins, NULL) != SQLITE_OK)
        rc = -1;
    qsort(s->row, (size_t)s->n, sizeof *s->row, row_by_id);
    for (int i = 0; i < s->n && rc == 0; i++)
        rc = bulk_insert(d, s->data.s, &s->row[i]);
    if (rc != 0 && !d->bulk.msg) {
        snprintf(d->bulk.why, sizeof d->bulk.why, "%s", sqlite3_errmsg(d->db));
        d->bulk.msg = d->bulk.why;
    }
    if (d->bulk.ins) {
        if (rc != 0)
            sqlite3_reset(d->bulk.ins);
        sqlite3_clear_bindings(d->bulk.ins);
    }
    s->n = 0;
    util_buf_reset(&s->data);
    return rc;
}

/* The writer thread's work: one set handed to it, its result kept in it
 * for bulk_wait. */
static void bulk_job(void *ud, void *set)
{
    struct bulk_set *s = set;
    s->rc = bulk_write(ud, s);
}

/* The caller's thread: waits until the writer has written what it was
 * handed; a failure becomes bulk.failed.  Returns bulk.failed ? -1 : 0. */
static int bulk_wait(sdb_t *d)
{
    if (d->bulk.handed) {
        relay_wait(d->bulk.writer);
        d->bulk.handed = 0;
        if (d->bulk.set[!d->bulk.cur].rc)
            d->bulk.failed = 1;
    }
    return d->bulk.failed ? -1 : 0;
}

/* Before any use of the connection that runs no statement (prepare, bind,
 * read a column, the error message): the writer idle. */
static void bulk_quiet(sdb_t *d)
{
    if (d->bulk.handed)
        bulk_wait(d);
}

/* Before a statement runs: the writer idle, then the rows kept written
 * here.  0, or -1 (bulk.msg says why) when a write of this transaction
 * failed. */
static int bulk_settle(sdb_t *d)
{
    if (bulk_wait(d))
        return -1;
    struct bulk_set *s = &d->bulk.set[d->bulk.cur];
    if (s->n && bulk_write(d, s))
        d->bulk.failed = 1;
    return d->bulk.failed ? -1 : 0;
}

/* Hands the full set to the writer thread (started at the first; the
 * writer idle, bulk_wait); -1 when no thread could be started: the
 * caller writes it itself. */
static int bulk_hand(sdb_t *d)
{
    if (!d->bulk.writer && !(d->bulk.writer = relay_new(bulk_job, d)))
        return -1;
    struct bulk_set *s = &d->bulk.set[d->bulk.cur];
    s->rc = 0;
    relay_hand(d->bulk.writer, s);
    d->bulk.cur ^= 1;
    d->bulk.handed = 1;
    return 0;
}

/* At close: the writer thread stopped (what it was handed is written
 * first, and never committed: the caller did not commit). */
static void bulk_stop(sdb_t *d)
{
    if (!d->bulk.writer)
        return;
    bulk_wait(d);
    relay_free(d->bulk.writer);
    d->bulk.writer = NULL;
}

static int bulk_add(store_db_t *db, const store_resp_t *r, err_t *err)
{
    sdb_t *d = (sdb_t *)db;
    if (d->bulk.failed)
        return fail(d, err);
    struct bulk_set *s = &d->bulk.set[d->bulk.cur];
    util_buf_t *b = &s->data;
    struct bulk_row *w = &s->row[s->n++];
    *w = (struct bulk_row){r->id, r->form, r->wave, r->unit, r->batch, b->len, 0, 0, r->alen,
                           r->answers != NULL};
    util_buf_add(b, r->week, strlen(r->week) + 1);
    w->source = b->len;
    util_buf_add(b, r->source, strlen(r->source) + 1);
    w->answers = b->len;
    if (r->answers)
        util_buf_add(b, r->answers, r->alen);
    /* handed: inside a transaction, and the writer may hold the connection */
    int txn = d->bulk.handed || !sqlite3_get_autocommit(d->db);
    if (s->n < BULK_ROWS && txn)
        return 0;
    if (txn && bulk_wait(d) == 0 && bulk_hand(d) == 0)
        return 0;
    if (!d->bulk.failed && bulk_write(d, s) == 0)   /* no transaction (or no thread): here */
        return 0;
    s->n = 0;
    util_buf_reset(&s->data);
    fail(d, err);
    if (txn)
        d->bulk.failed = 1;      /* the message stays with it, until the rollback */
    else
        d->bulk.msg = NULL;      /* said once: no later error borrows it */
    return -1;
}

const store_driver_t store_sqlite_driver = {
    .name = "sqlite",
    STORE_DRIVER_CORE(s),
    .sync_at_checkpoint = s_sync_at_checkpoint,
    .bulk_add = bulk_add,
    .lock = NULL,
    .ids_follow = NULL,          /* a rowid table goes on after its largest id */
};
