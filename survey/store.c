/*
 * store: gapsurvey's SQLite schema, its migrations and every query.
 *
 * Pragmas, and why:
 *  - journal_mode=WAL: the web server keeps answering readers while an
 *    import writes, and a crash never leaves a half-applied transaction.
 *  - synchronous=FULL: a respondent told "submitted" must find the answer
 *    there after a power cut, not only after a process crash.
 *  - foreign_keys=ON: answers cannot outlive their response, responses
 *    cannot point at a unit or wave that does not exist.
 *  - busy_timeout: a second writer (import during serve) waits its turn
 *    instead of showing "database is locked" to anyone.
 *  - secure_delete=ON: a deleted or overwritten row (a draft answer, the
 *    token row before it was used) is overwritten with zeros in its page,
 *    and freed pages are zeroed, so the file keeps no earlier version.
 * The schema version is PRAGMA user_version; migrations[] upgrades it one
 * step at a time inside a transaction.
 *
 * Anonymity is a schema property: responses hold a date, never a time of
 * day; tokens hold only a hash and nothing links them to a response.
 *
 * And no file keeps history (DESIGN.md section 4, unlinkability): the WAL
 * holds every commit until it is checkpointed, so replaying it would show
 * one token going used next to one new response.  Every write that uses a
 * code or touches a draft marks the connection; the commit that ends it
 * is followed at once by a checkpoint that copies the WAL into the main
 * file and truncates it to nothing (forget() below).  Response ids are
 * random within their wave, so neither ids nor id order say who came
 * first; `wave close` rewrites the file (VACUUM) so page placement does
 * not either.
 */
#include "survey/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"

/* Answers are inserted by multi-row statements of 1, 2, 4 ... 32 rows, a
 * response's n answers taking one statement per bit of n: one
 * sqlite3_step per row costs more in statement setup (reset, cursors
 * opened and closed, the foreign-key parent cursors) than the row's own
 * b-tree insert, and a bulk import stores tens of millions of rows. */
#define ANS_BATCH_BITS 6
#define STORE_CACHE 16

struct store {
    sqlite3 *db;
    int busy_ms;                 /* the busy timeout set by store_busy_wait */
    int forget;                  /* the open transaction used a code or a draft */
    long batch;                  /* store_import_begin: the import batch responses
                                    with source "import" belong to; 0 none */
    int sealed_wave, sealed;     /* store_wave_key's last answer (a wave is sealed at
                                    its creation and unsealed only as it closes) */
    uint64_t id_state;
    sqlite3_int64 blk_base;      /* random_id's block for bulk sources */
    int blk_next;
    unsigned char blk_perm[64];           /* store_id_seed: ids from splitmix64 instead; 0 = random */
    sqlite3_stmt *ins_response;
    sqlite3_stmt *ins_answers[ANS_BATCH_BITS];   /* [b]: 2^b rows */
    /* statements the web server runs for every request, prepared once per
     * connection: parsing them each time was a tenth of its CPU */
    struct {
        const char *sql;         /* the literal itself: looked up by address */
        sqlite3_stmt *st;
    } cache[STORE_CACHE];
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
     * day; iso_week() is this program's SQL function (store_open) */
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
};

static int sqlerr(store_t *s, err_t *err, const char *what)
{
    err_set(err, ERR_DB, "%s: %s", what, sqlite3_errmsg(s->db));
    return -1;
}

static int prep(store_t *s, const char *sql, sqlite3_stmt **st, err_t *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return sqlerr(s, err, _("database"));
    }
    return 0;
}

/* The prepared statement of sql (a string literal), from the connection's
 * cache.  The caller resets it when done, so no read stays open. */
static sqlite3_stmt *cached(store_t *s, const char *sql, err_t *err)
{
    int i = 0;
    for (; i < STORE_CACHE && s->cache[i].sql; i++)
        if (s->cache[i].sql == sql)
            return s->cache[i].st;
    if (i == STORE_CACHE) {
        err_set(err, ERR_DB, _("database: more than %d cached statements"), STORE_CACHE);
        return NULL;
    }
    if (prep(s, sql, &s->cache[i].st, err))
        return NULL;
    s->cache[i].sql = sql;
    return s->cache[i].st;
}

/* A statement without results (BEGIN, COMMIT, SAVEPOINT ...) through the
 * cache. */
static int exec_cached(store_t *s, const char *sql, err_t *err)
{
    sqlite3_stmt *st = cached(s, sql, err);
    if (!st)
        return -1;
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("database"));
    sqlite3_reset(st);
    return rc;
}

static int exec(store_t *s, const char *sql, err_t *err)
{
    char *m = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &m) != SQLITE_OK) {
        err_set(err, ERR_DB, _("database: %s"), m ? m : sqlite3_errmsg(s->db));
        sqlite3_free(m);
        return -1;
    }
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* A statement without results whose one parameter ?1 is text. */
static int exec_with(store_t *s, const char *sql, const char *v, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, sql, &st, err))
        return -1;
    bind_text(st, 1, v);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("database"));
    sqlite3_finalize(st);
    return rc;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static int user_version(store_t *s, int *v, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "PRAGMA user_version", &st, err))
        return -1;
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : sqlerr(s, err, _("database"));
}

static int migrate(store_t *s, err_t *err)
{
    int v;
    if (user_version(s, &v, err))
        return -1;
    int target = (int)(sizeof migrations / sizeof migrations[0]);
    if (v > target) {
        err_set(err, ERR_FAIL, _("the database has schema version %d, newer than this gapsurvey "
                                 "understands (%d); use a newer gapsurvey"), v, target);
        return -1;
    }
    while (v < target) {
        if (store_begin(s, err))
            return -1;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec(s, migrations[v], err) || exec(s, pragma, err) || store_commit(s, err)) {
            store_rollback(s);
            return -1;
        }
        v++;
    }
    return 0;
}

/* The ISO week of a date, "2026-W07" for 2026-02-12: all submitted_on
 * keeps.  A day, with who was at work or got their slip that day, can
 * narrow a small unit's respondents to one; a week still shows how
 * collection progresses.  Anything that is not a date is kept as it is. */
static void iso_week(const char *date, char out[16])
{
    struct tm tm = {0};
    char extra;
    snprintf(out, 16, "%s", date ? date : "");
    if (date && strlen(date) == 10 &&
        sscanf(date, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &extra) == 3) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_hour = 12;
        time_t t = timegm(&tm);
        struct tm n;
        if (gmtime_r(&t, &n))
            strftime(out, 16, "%G-W%V", &n);
    }
}

static void sql_iso_week(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    char w[16];
    (void)argc;
    iso_week((const char *)sqlite3_value_text(argv[0]), w);
    sqlite3_result_text(cx, w, -1, SQLITE_TRANSIENT);
}

/* SQLite's allocation statistics take a global mutex on every malloc and
 * free (1% of an import); nothing reads them.  Only possible before SQLite
 * initialises, so on the first open, which every command reaches from its
 * one thread before any other starts. */
static void sqlite_setup(void)
{
    static int done;
    if (!done) {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        done = 1;
    }
}

int store_open(const char *path, int create, store_t **out, err_t *err)
{
    sqlite_setup();
    store_t *s = util_xcalloc(1, sizeof *s);
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
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        err_set(err, ERR_DB, _("cannot open %s: %s"), path,
                s->db ? sqlite3_errmsg(s->db) : _("out of memory"));
        goto fail;
    }
    store_busy_wait(s, 10000);
    sqlite3_create_function(s->db, "iso_week", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            sql_iso_week, NULL, NULL);
    if (exec(s, "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON", err))
        goto fail;
    err_t m = {0};
    if (exec(s, "PRAGMA journal_mode = WAL", &m)) {
        /* SQLite only says "unable to open database file" when it cannot
         * write the file (a read-only mount, a copied file without write
         * permission); that is the usual cause, so it is named */
        if (access(path, W_OK) != 0 && (errno == EROFS || errno == EACCES))
            err_set(err, ERR_IO, _("%s is read-only (%s); gapsurvey must be able to write the "
                                   "database and its -wal file beside it"), path, strerror(errno));
        else
            err_set(err, ERR_FAIL, _("%s is not a usable database (%s)"), path, m.msg);
        err_clear(&m);
        goto fail;
    }
    if (exec(s, "PRAGMA synchronous = FULL", err))
        goto fail;
    if (!create) {
        int v;
        if (user_version(s, &v, err))
            goto fail;
        if (v == 0) {
            err_set(err, ERR_FAIL, _("%s is not a gapsurvey database; create one with 'gapsurvey "
                                     "init'"), path);
            goto fail;
        }
    }
    if (migrate(s, err))
        goto fail;
    *out = s;
    return 0;
fail:
    store_close(s);
    return -1;
}

void store_busy_wait(store_t *s, int ms)
{
    s->busy_ms = ms;
    sqlite3_busy_timeout(s->db, ms);
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

/* Copies the WAL into the main file and truncates it, once the writes
 * that used a code or a draft are committed: until then the WAL holds the
 * state before them, page by page.  When a reader holds on past the busy
 * handler's patience, the mark stays and the next commit of this
 * connection tries again. */
static void forget(store_t *s)
{
    if (!sqlite3_get_autocommit(s->db)) {
        s->forget = 1;           /* after the commit */
        return;
    }
    sqlite3_busy_handler(s->db, ckpt_busy, NULL);
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_busy_timeout(s->db, s->busy_ms);
    s->forget = rc != SQLITE_OK;
}

void store_close(store_t *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->ins_response);
    for (int b = 0; b < ANS_BATCH_BITS; b++)
        sqlite3_finalize(s->ins_answers[b]);
    for (int i = 0; i < STORE_CACHE; i++)
        sqlite3_finalize(s->cache[i].st);
    if (s->db)
        sqlite3_close(s->db);
    free(s);
}

int store_begin(store_t *s, err_t *err)
{
    return exec_cached(s, "BEGIN IMMEDIATE", err);
}

int store_commit(store_t *s, err_t *err)
{
    if (exec_cached(s, "COMMIT", err) != 0)
        return -1;
    if (s->forget)
        forget(s);
    return 0;
}

void store_rollback(store_t *s)
{
    s->batch = 0;   /* the batch row went with the transaction */
    if (!sqlite3_get_autocommit(s->db))
        exec_cached(s, "ROLLBACK", NULL);
}

/* One named savepoint is enough: a batch of web submissions nests one
 * level (each submission inside the batch's transaction), never deeper. */
int store_savepoint(store_t *s, err_t *err)
{
    return exec_cached(s, "SAVEPOINT one", err);
}

int store_savepoint_release(store_t *s, err_t *err)
{
    return exec_cached(s, "RELEASE one", err);
}

int store_savepoint_rollback(store_t *s)
{
    /* some errors (I/O, disk full, out of memory) end the whole
     * transaction: then there is no savepoint left to go back to, and the
     * caller must treat the batch as lost */
    if (sqlite3_get_autocommit(s->db))
        return -1;
    if (sqlite3_exec(s->db, "ROLLBACK TO one", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "RELEASE one", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    return 0;
}

/* ---- forms ---- */

int store_form_add(store_t *s, const form_t *f, int *id, int *existed, err_t *err)
{
    int rc = -1, in_tx = 0;
    sqlite3_stmt *st = NULL;
    char today[11];
    util_today(today);
    *existed = 0;
    if (prep(s, "SELECT id, source FROM forms WHERE form_id = ?1 AND version = ?2", &st, err))
        goto cleanup;
    bind_text(st, 1, f->form_id);
    bind_text(st, 2, f->version);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *src = col_text(st, 1);
        if (src && strlen(src) == f->source_len && memcmp(src, f->source, f->source_len) == 0) {
            *existed = 1;
            *id = sqlite3_column_int(st, 0);
            rc = 0;
        } else {
            err_set(err, ERR_EXISTS, _("form %s version %s is already stored with different "
                                       "content; raise the version in the settings sheet to keep "
                                       "both"), f->form_id, f->version);
        }
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (store_begin(s, err))
        goto cleanup;
    in_tx = 1;
    if (prep(s, "INSERT INTO forms(form_id, version, title, role, source, added_on) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, err))
        goto cleanup;
    bind_text(st, 1, f->form_id);
    bind_text(st, 2, f->version);
    bind_text(st, 3, f->title);
    bind_text(st, 4, form_role_name(f->role));
    sqlite3_bind_text(st, 5, f->source, (int)f->source_len, SQLITE_TRANSIENT);
    bind_text(st, 6, today);
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlerr(s, err, _("storing the form"));
        goto cleanup;
    }
    int fid = (int)sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    st = NULL;

    int dl = f->default_lang;
    if (prep(s, "INSERT INTO dimensions(form, code, label) VALUES (?1, ?2, ?3)", &st, err))
        goto cleanup;
    for (size_t i = 0; i < f->ndims; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, fid);
        bind_text(st, 2, f->dims[i].code);
        bind_text(st, 3, form_text(f, f->dims[i].label, dl));
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlerr(s, err, _("storing dimensions"));
            goto cleanup;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (prep(s, "INSERT INTO items(form, pos, name, type, list, dimension, reverse, points, label) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st, err))
        goto cleanup;
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, fid);
        sqlite3_bind_int(st, 2, (int)i);
        bind_text(st, 3, it->name);
        bind_text(st, 4, form_type_name(it->type));
        bind_text(st, 5, it->list >= 0 ? f->lists[it->list].name : NULL);
        bind_text(st, 6, it->dim >= 0 ? f->dims[it->dim].code : NULL);
        sqlite3_bind_int(st, 7, it->reverse);
        if (it->has_points)
            sqlite3_bind_double(st, 8, it->points);
        else
            sqlite3_bind_null(st, 8);
        bind_text(st, 9, it->label ? form_text(f, it->label, dl) : NULL);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlerr(s, err, _("storing items"));
            goto cleanup;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (prep(s, "INSERT INTO choices(form, list, pos, name, label) VALUES (?1, ?2, ?3, ?4, ?5)",
             &st, err))
        goto cleanup;
    for (size_t l = 0; l < f->nlists; l++)
        for (size_t c = 0; c < f->lists[l].nchoices; c++) {
            sqlite3_reset(st);
            sqlite3_bind_int(st, 1, fid);
            bind_text(st, 2, f->lists[l].name);
            sqlite3_bind_int(st, 3, (int)c);
            bind_text(st, 4, f->lists[l].choices[c].name);
            bind_text(st, 5, form_text(f, f->lists[l].choices[c].label, dl));
            if (sqlite3_step(st) != SQLITE_DONE) {
                sqlerr(s, err, _("storing choices"));
                goto cleanup;
            }
        }
    if (store_commit(s, err))
        goto cleanup;
    in_tx = 0;
    *id = fid;
    rc = 0;
cleanup:
    sqlite3_finalize(st);
    if (in_tx)
        store_rollback(s);
    return rc;
}

int store_form_list(store_t *s, int (*cb)(void *ud, const store_form_row_t *r), void *ud,
                    err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT f.id, f.form_id, f.version, f.title, f.role, f.added_on, "
                "(SELECT count(*) FROM responses r WHERE r.form = f.id) "
                "FROM forms f ORDER BY f.form_id, f.id", &st, err))
        return -1;
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        store_form_row_t r = {sqlite3_column_int(st, 0), col_text(st, 1), col_text(st, 2),
                              col_text(st, 3), col_text(st, 4), col_text(st, 5),
                              sqlite3_column_int64(st, 6)};
        if ((rc = cb(ud, &r)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("listing forms"));
    sqlite3_finalize(st);
    return rc;
}

static int form_from_row(store_t *s, sqlite3_stmt *st, form_t **out, int *id, err_t *err)
{
    util_diag_t d = {0};
    const char *src = (const char *)sqlite3_column_blob(st, 1);
    int n = sqlite3_column_bytes(st, 1);
    char *name = util_fmt(_("%s (stored form %d)"), col_text(st, 2), sqlite3_column_int(st, 0));
    int rc = form_load_mem(name, src ? src : "", (size_t)n, out, &d);
    if (rc != 0) {
        err_set(err, ERR_FAIL, _("the stored form no longer loads: %s"), d.n ? d.msgs[0] : "?");
        rc = -1;
    } else if (id) {
        *id = sqlite3_column_int(st, 0);
    }
    (void)s;
    free(name);
    util_diag_free(&d);
    return rc;
}

int store_form_get(store_t *s, const char *form_id, form_t **out, int *id, err_t *err)
{
    sqlite3_stmt *st;
    *out = NULL;
    if (prep(s, "SELECT id, source, form_id FROM forms WHERE form_id = ?1 ORDER BY id DESC LIMIT 1",
             &st, err))
        return -1;
    bind_text(st, 1, form_id);
    int rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        rc = form_from_row(s, st, out, id, err);
    else
        rc = 1;
    sqlite3_finalize(st);
    return rc;
}

int store_form_get_by_id(store_t *s, int id, form_t **out, err_t *err)
{
    sqlite3_stmt *st;
    *out = NULL;
    if (prep(s, "SELECT id, source, form_id FROM forms WHERE id = ?1", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, id);
    int rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        rc = form_from_row(s, st, out, NULL, err);
    else
        rc = 1;
    sqlite3_finalize(st);
    return rc;
}

int store_form_ids_by_role(store_t *s, form_role_t role, char ***ids, size_t *n, err_t *err)
{
    sqlite3_stmt *st;
    *ids = NULL;
    *n = 0;
    if (prep(s, "SELECT form_id FROM forms WHERE role = ?1 GROUP BY form_id ORDER BY max(id) DESC",
             &st, err))
        return -1;
    bind_text(st, 1, form_role_name(role));
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        *ids = util_xrealloc(*ids, (*n + 1) * sizeof **ids);
        (*ids)[(*n)++] = util_xstrdup(col_text(st, 0));
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? 0 : sqlerr(s, err, _("listing forms"));
}

int store_item_ids(store_t *s, int form, int **ids, size_t *n, err_t *err)
{
    sqlite3_stmt *st;
    *ids = NULL;
    *n = 0;
    if (prep(s, "SELECT id, pos FROM items WHERE form = ?1 ORDER BY pos", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, form);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        *ids = util_xrealloc(*ids, (*n + 1) * sizeof **ids);
        (*ids)[(*n)++] = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? 0 : sqlerr(s, err, _("reading items"));
}

/* ---- units ---- */

int store_unit_put(store_t *s, const store_unit_t *u, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "INSERT INTO units(code, name, category, parent, headcount) "
                "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(code) DO UPDATE SET "
                "name = excluded.name, category = excluded.category, "
                "parent = excluded.parent, headcount = excluded.headcount", &st, err))
        return -1;
    bind_text(st, 1, u->code);
    bind_text(st, 2, u->name);
    bind_text(st, 3, u->category && *u->category ? u->category : NULL);
    bind_text(st, 4, u->parent && *u->parent ? u->parent : NULL);
    if (u->headcount >= 0)
        sqlite3_bind_int64(st, 5, u->headcount);
    else
        sqlite3_bind_null(st, 5);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("storing unit"));
    sqlite3_finalize(st);
    return rc;
}

int store_unit_list(store_t *s, int (*cb)(void *ud, const store_unit_t *u), void *ud,
                    err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT id, code, name, category, parent, coalesce(headcount, -1) FROM units "
                "ORDER BY code", &st, err))
        return -1;
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        store_unit_t u = {sqlite3_column_int(st, 0), col_text(st, 1), col_text(st, 2),
                          col_text(st, 3), col_text(st, 4), (long)sqlite3_column_int64(st, 5)};
        if ((rc = cb(ud, &u)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("listing units"));
    sqlite3_finalize(st);
    return rc;
}

/* Runs a one-parameter query whose first column is an id: 0 and *id when
 * it returns a row, 1 when none, -1 on error. */
static int find_id(store_t *s, const char *sql, const char *key, int *id, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, sql, &st, err))
        return -1;
    bind_text(st, 1, key);
    int rc = 1, step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int(st, 0);
        rc = 0;
    } else if (step != SQLITE_DONE) {
        rc = sqlerr(s, err, _("database"));
    }
    sqlite3_finalize(st);
    return rc;
}

int store_unit_find(store_t *s, const char *code, int *id, err_t *err)
{
    return find_id(s, "SELECT id FROM units WHERE code = ?1", code, id, err);
}

/* ---- waves ---- */

int store_wave_add(store_t *s, const char *name, int *id, err_t *err)
{
    sqlite3_stmt *st;
    char today[11];
    util_today(today);
    if (prep(s, "INSERT INTO waves(name, opened_at) VALUES (?1, ?2)", &st, err))
        return -1;
    bind_text(st, 1, name);
    bind_text(st, 2, today);
    int step = sqlite3_step(st);
    int rc = 0;
    if (step == SQLITE_CONSTRAINT)
        rc = -1, err_set(err, ERR_EXISTS, _("wave '%s' already exists"), name);
    else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("adding wave"));
    else if (id)
        *id = (int)sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    return rc;
}

int store_wave_close(store_t *s, const char *name, err_t *err)
{
    sqlite3_stmt *st;
    char today[11];
    util_today(today);
    int id;
    unsigned char pk[32];
    if (store_wave_find(s, name, &id, err) == 0 && store_wave_key(s, id, pk, err) > 0) {
        err_set(err, ERR_FAIL, _("survey round %s is sealed: close it with 'gapsurvey wave close "
                                 "%s --key KEYFILE', the key written by 'wave add --sealed'"), name,
                name);
        return -1;
    }
    if (prep(s, "UPDATE waves SET closed_at = ?2 WHERE name = ?1 AND closed_at IS NULL", &st, err))
        return -1;
    bind_text(st, 1, name);
    bind_text(st, 2, today);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("closing wave"));
    if (rc == 0 && sqlite3_changes(s->db) == 0) {
        if (store_wave_find(s, name, &id, err) == 1)
            err_set(err, ERR_NOTFOUND, _("no wave named '%s'"), name);
        else
            err_set(err, ERR_FAIL, _("wave '%s' is already closed"), name);
        rc = -1;
    }
    sqlite3_finalize(st);
    /* drafts nobody submitted are answers of people who can be named by
     * their code; and VACUUM rewrites every table in id order, so where a
     * response sits in the file says no more than its random id */
    if (rc == 0)
        rc = exec_with(s, "DELETE FROM drafts WHERE wave = (SELECT id FROM waves WHERE name = ?1)",
                       name, err);
    if (rc == 0)
        rc = exec(s, "VACUUM", err);
    if (rc == 0)
        forget(s);
    return rc;
}

int store_wave_list(store_t *s, int (*cb)(void *ud, const store_wave_t *w), void *ud,
                    err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT w.id, w.name, w.opened_at, w.closed_at, "
                "(SELECT count(*) FROM responses r WHERE r.wave = w.id) FROM waves w ORDER BY w.id",
             &st, err))
        return -1;
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        store_wave_t w = {sqlite3_column_int(st, 0), col_text(st, 1), col_text(st, 2),
                          col_text(st, 3), (long)sqlite3_column_int64(st, 4)};
        if ((rc = cb(ud, &w)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("listing waves"));
    sqlite3_finalize(st);
    return rc;
}

int store_wave_find(store_t *s, const char *name, int *id, err_t *err)
{
    return find_id(s, "SELECT id FROM waves WHERE name = ?1", name, id, err);
}

int store_wave_current(store_t *s, int create, int *id, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT id FROM waves WHERE closed_at IS NULL ORDER BY id DESC LIMIT 1", &st, err))
        return -1;
    int rc = 1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *id = sqlite3_column_int(st, 0);
        rc = 0;
    }
    sqlite3_finalize(st);
    if (rc == 1 && create) {
        if (prep(s, "SELECT count(*) FROM waves", &st, err))
            return -1;
        int any = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
        if (any)
            return 1;
        char year[11];
        util_today(year);
        year[4] = '\0';
        rc = store_wave_add(s, year, id, err);
    }
    return rc;
}

int store_wave_latest_for(store_t *s, const char *form_id, int *id, err_t *err)
{
    /* a sealed wave counts too: analyze then says it is sealed instead of
     * silently taking the round before it */
    return find_id(s, "SELECT max(w) FROM (SELECT r.wave AS w FROM responses r JOIN forms f "
                      "ON f.id = r.form WHERE f.form_id = ?1 UNION ALL SELECT wave FROM ballots) "
                      "HAVING max(w) IS NOT NULL", form_id, id, err);
}

int store_wave_name(store_t *s, int id, char **name, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT name FROM waves WHERE id = ?1", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, id);
    int rc = 1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *name = util_xstrdup(col_text(st, 0));
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- responses ---- */

/* The statement inserting 2^b answers, prepared on first use. */
static sqlite3_stmt *ins_answers(store_t *s, int b, err_t *err)
{
    if (s->ins_answers[b])
        return s->ins_answers[b];
    util_buf_t q = {0};
    util_buf_adds(&q, "INSERT INTO answers(response, item, num, text) VALUES ");
    /* one response per statement, so its id is one parameter, bound once
     * (binding it for every row was 2% of an import) */
    for (int i = 0; i < 1 << b; i++)
        util_buf_addf(&q, "%s(?1, ?%d, ?%d, ?%d)", i ? ", " : "", 3 * i + 2, 3 * i + 3,
                      3 * i + 4);
    prep(s, q.s, &s->ins_answers[b], err);
    util_buf_free(&q);
    return s->ins_answers[b];
}

/* 64 random bits: SQLite's random source, or splitmix64 once seeded. */
static uint64_t draw(store_t *s)
{
    uint64_t z;
    if (!s->id_state) {
        sqlite3_randomness(sizeof z, &z);
        return z;
    }
    z = (s->id_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A response id: the wave in the high bits, so that one wave's responses
 * stay one id range (store_scan walks a range), and 40 random bits below,
 * so that the order of ids within a wave is no order of arrival.
 *
 * A bulk source (import, simulate) draws a block of BLOCK ids at a random
 * place instead and hands them out in a random order: a million answers
 * inserted at random places in the answers' b-tree made an import 2.5
 * times slower (pages split everywhere), within a block they share a few
 * pages.  What that keeps is which BLOCK rows of a file were neighbours,
 * never their order. */
#define BLOCK 64
static sqlite3_int64 random_id(store_t *s, int wave, int bulk)
{
    sqlite3_int64 r = 0, mask = ((sqlite3_int64)1 << 40) - 1;
    if (bulk) {
        if (s->blk_next == 0 || s->blk_next >= BLOCK) {
            s->blk_base = (sqlite3_int64)(draw(s) & (uint64_t)mask) & ~(sqlite3_int64)(BLOCK - 1);
            for (int i = 0; i < BLOCK; i++)
                s->blk_perm[i] = (unsigned char)i;
            for (int i = BLOCK - 1; i > 0; i--) {   /* Fisher-Yates */
                int j = (int)(draw(s) % (uint64_t)(i + 1));
                unsigned char t = s->blk_perm[i];
                s->blk_perm[i] = s->blk_perm[j];
                s->blk_perm[j] = t;
            }
            s->blk_next = 0;
        }
        r = s->blk_base + s->blk_perm[s->blk_next++];
    }
    while (r == 0)
        r = (sqlite3_int64)(draw(s) & (uint64_t)mask);
    return (sqlite3_int64)(wave & 0x7FFFFF) << 40 | r;
}

void store_id_seed(store_t *s, unsigned long seed)
{
    s->id_state = seed ? (uint64_t)seed : 1;
}

int store_response_add(store_t *s, int form, int wave, int unit, const char *date,
                       const char *source, const store_answer_t *a, size_t n, err_t *err)
{
    if (!s->ins_response &&
        prep(s, "INSERT INTO responses(id, form, wave, unit, submitted_on, source, batch) "
                "VALUES (?6, ?1, ?2, ?3, ?4, ?5, ?7)", &s->ins_response, err))
        return -1;
    unsigned char pk[32];
    int sealed = store_wave_key(s, wave, pk, err);
    if (sealed != 0) {
        if (sealed > 0)
            err_set(err, ERR_FAIL, _("survey round %d is sealed: its answers are kept only as "
                                     "sealed ballots"), wave);
        return -1;
    }
    sqlite3_stmt *st = s->ins_response;
    sqlite3_int64 rid = 0;
    int bulk = strcmp(source, "import") == 0 || strcmp(source, "simulate") == 0;
    char week[16];
    iso_week(date, week);
    for (int tries = 0;; tries++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, form);
        sqlite3_bind_int(st, 2, wave);
        if (unit > 0)
            sqlite3_bind_int(st, 3, unit);
        else
            sqlite3_bind_null(st, 3);
        sqlite3_bind_text(st, 4, week, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, source, -1, SQLITE_STATIC);
        rid = random_id(s, wave, bulk);
        sqlite3_bind_int64(st, 6, rid);
        if (s->batch > 0 && strcmp(source, "import") == 0)
            sqlite3_bind_int64(st, 7, s->batch);
        else
            sqlite3_bind_null(st, 7);
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        /* an id drawn twice (one draw in a million when the wave holds
         * a million responses): draw again */
        if (sqlite3_extended_errcode(s->db) != SQLITE_CONSTRAINT_PRIMARYKEY || tries == 8)
            return sqlerr(s, err, _("storing response"));
    }
    size_t done = 0;
    while (done < n) {
        int b = ANS_BATCH_BITS - 1;
        while ((size_t)1 << b > n - done)
            b--;
        if (!(st = ins_answers(s, b, err)))
            return -1;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, rid);
        for (int i = 0; i < 1 << b; i++, done++) {
            const store_answer_t *x = &a[done];
            sqlite3_bind_int(st, 3 * i + 2, x->item);
            if (x->has_num)
                sqlite3_bind_double(st, 3 * i + 3, x->num);
            else
                sqlite3_bind_null(st, 3 * i + 3);
            if (x->text)
                sqlite3_bind_text(st, 3 * i + 4, x->text, -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, 3 * i + 4);
        }
        /* every parameter is bound again before each step, so the texts
         * bound SQLITE_STATIC (the caller's) are never read after return */
        int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("storing answer"));
        sqlite3_reset(st);
        if (rc)
            return rc;
    }
    return 0;
}

/* The scan reads every answer of a wave, tens of millions at province
 * scale, so its per-answer work is kept to array lookups and one memcpy:
 * item ids map to target positions through an array indexed by id (the
 * items of a form are numbered consecutively, so the array spans the
 * stored versions' ids), and the texts of one response are copied into
 * one reused buffer instead of one allocation each.
 *
 * Two cursors are merged, both in id order with no sort: the wave's
 * responses (a rowid walk of the small responses table) and the answers
 * of the id range they span (one walk of the answers' primary key).  A
 * join would instead seek each response's answers, which made SQLite's
 * share of the scan 1.6 times a bare SELECT of the same answers; and
 * through the (wave, form) index SQLite would gather the whole wave in a
 * temporary b-tree to order it, in memory that grows with the answers.
 * Answers of other waves or forms inside the range are read and skipped:
 * waves are collected one after the other, so there are few. */
static int scan(store_t *s, const char *form_id, int wave, const form_t *target, int by_unit,
                int (*cb)(void *ud, const store_scan_row_t *r), void *ud, err_t *err)
{
    int rc = -1;
    sqlite3_stmt *st = NULL, *sa = NULL;
    int *map = NULL;             /* item id - lo -> target position, -1 */
    int lo = 0, hi = -1;
    int *pos = NULL;
    double *num = NULL;
    size_t *toff = NULL;         /* text offsets into tbuf, (size_t)-1 = none */
    const char **text = NULL;
    util_buf_t tbuf = {0};
    size_t cap = target->nitems + 1;
    static const char *const in_wave =
        "FROM responses NOT INDEXED WHERE form IN (SELECT id FROM forms WHERE form_id = ?1) "
        "AND wave = ?2";

    unsigned char pk[32];
    int sealed = store_wave_key(s, wave, pk, err);
    if (sealed != 0) {
        char *name = NULL;
        if (sealed > 0 && store_wave_name(s, wave, &name, err) == 0)
            err_set(err, ERR_FAIL, _("survey round %s is sealed: nobody can read its answers until "
                                     "'gapsurvey wave close %s --key KEYFILE' opens them"), name,
                    name);
        free(name);
        goto cleanup;
    }
    if (prep(s, "SELECT min(i.id), max(i.id) FROM items i JOIN forms f ON f.id = i.form "
                "WHERE f.form_id = ?1", &st, err))
        goto cleanup;
    bind_text(st, 1, form_id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        lo = sqlite3_column_int(st, 0);
        hi = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    st = NULL;
    map = util_xmalloc(((size_t)(hi - lo) + 2) * sizeof *map);
    for (int i = 0; i <= hi - lo; i++)
        map[i] = -1;
    /* item ids of every version, mapped onto the target form by name */
    if (prep(s, "SELECT i.id, i.name FROM items i JOIN forms f ON f.id = i.form "
                "WHERE f.form_id = ?1 AND i.name IS NOT NULL", &st, err))
        goto cleanup;
    bind_text(st, 1, form_id);
    while (sqlite3_step(st) == SQLITE_ROW)
        map[sqlite3_column_int(st, 0) - lo] = form_item_index(target, col_text(st, 1));
    sqlite3_finalize(st);
    st = NULL;

    char *q = util_fmt("SELECT min(id), max(id) %s", in_wave);
    int bad = prep(s, q, &st, err);
    free(q);
    if (bad)
        goto cleanup;
    bind_text(st, 1, form_id);
    sqlite3_bind_int(st, 2, wave);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
        rc = 0;                  /* no responses */
        goto cleanup;
    }
    sqlite3_int64 first = sqlite3_column_int64(st, 0), last = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    st = NULL;
    q = util_fmt("SELECT id, coalesce(unit, 0) %s ORDER BY %s", in_wave,
                 by_unit ? "coalesce(unit, 0), id" : "id");
    bad = prep(s, q, &st, err);
    free(q);
    if (bad || prep(s, "SELECT response, item, num, text FROM answers "
                       "WHERE response BETWEEN ?1 AND ?2 ORDER BY response", &sa, err))
        goto cleanup;
    bind_text(st, 1, form_id);
    sqlite3_bind_int(st, 2, wave);
    sqlite3_bind_int64(sa, 1, first);
    sqlite3_bind_int64(sa, 2, last);

    pos = util_xmalloc(cap * sizeof *pos);
    num = util_xmalloc(cap * sizeof *num);
    toff = util_xmalloc(cap * sizeof *toff);
    text = util_xcalloc(cap, sizeof *text);
    int astep = by_unit ? SQLITE_DONE : sqlite3_step(sa), step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 rid = sqlite3_column_int64(st, 0);
        if (by_unit) {
            /* responses out of id order: each one's answers are sought */
            sqlite3_reset(sa);
            sqlite3_bind_int64(sa, 1, rid);
            sqlite3_bind_int64(sa, 2, rid);
            astep = sqlite3_step(sa);
        }
        size_t n = 0;
        util_buf_reset(&tbuf);
        for (; astep == SQLITE_ROW; astep = sqlite3_step(sa)) {
            sqlite3_int64 arid = sqlite3_column_int64(sa, 0);
            if (arid > rid)
                break;
            if (arid < rid)
                continue;        /* another wave's or form's response */
            int id = sqlite3_column_int(sa, 1);
            if (id < lo || id > hi || map[id - lo] < 0 || n == cap)
                continue;
            pos[n] = map[id - lo];
            num[n] = sqlite3_column_type(sa, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(sa, 2);
            toff[n] = (size_t)-1;
            const char *t = col_text(sa, 3);
            if (t) {
                toff[n] = tbuf.len;
                util_buf_add(&tbuf, t, (size_t)sqlite3_column_bytes(sa, 3) + 1);
            }
            n++;
        }
        if (astep != SQLITE_ROW && astep != SQLITE_DONE)
            break;
        /* the buffer has stopped growing: its offsets become pointers */
        for (size_t i = 0; i < n; i++)
            text[i] = toff[i] == (size_t)-1 ? NULL : tbuf.s + toff[i];
        store_scan_row_t row = {(long)rid, sqlite3_column_int(st, 1), n, pos, num, text};
        int r = cb(ud, &row);
        if (r) {
            rc = r;
            goto cleanup;
        }
    }
    if (step != SQLITE_DONE || (astep != SQLITE_ROW && astep != SQLITE_DONE)) {
        sqlerr(s, err, _("reading responses"));
        goto cleanup;
    }
    rc = 0;
cleanup:
    sqlite3_finalize(st);
    sqlite3_finalize(sa);
    util_buf_free(&tbuf);
    free(text);
    free(toff);
    free(pos);
    free(num);
    free(map);
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

int store_count_by_unit(store_t *s, const char *form_id, int wave,
                        int (*cb)(void *ud, int unit, long n), void *ud, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT coalesce(r.unit, 0), count(*) FROM responses r JOIN forms f ON f.id = r.form "
                "WHERE f.form_id = ?1 AND r.wave = ?2 GROUP BY r.unit", &st, err))
        return -1;
    bind_text(st, 1, form_id);
    sqlite3_bind_int(st, 2, wave);
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = cb(ud, sqlite3_column_int(st, 0), (long)sqlite3_column_int64(st, 1))) != 0)
            break;
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("counting responses"));
    sqlite3_finalize(st);
    return rc;
}

int store_tokens_by_unit(store_t *s, const char *form_id, int wave,
                         int (*cb)(void *ud, int unit, long issued, long used), void *ud,
                         err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT coalesce(t.unit, 0), count(*), sum(t.used) FROM tokens t "
                "JOIN forms f ON f.id = t.form WHERE f.form_id = ?1 AND t.wave = ?2 "
                "GROUP BY t.unit", &st, err))
        return -1;
    bind_text(st, 1, form_id);
    sqlite3_bind_int(st, 2, wave);
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = cb(ud, sqlite3_column_int(st, 0), (long)sqlite3_column_int64(st, 1),
                     (long)sqlite3_column_int64(st, 2))) != 0)
            break;
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("counting invitations"));
    sqlite3_finalize(st);
    return rc;
}

/* ---- imports ---- */

int store_import_seen(store_t *s, const char *form_id, const char *hash, const char *data_hash,
                      long *batch, int *same_file, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT id, hash = ?2 FROM import_batches WHERE form_id = ?1 AND "
                "(hash = ?2 OR data_hash = ?3) ORDER BY hash = ?2 DESC, id LIMIT 1", &st, err))
        return -1;
    bind_text(st, 1, form_id);
    bind_text(st, 2, hash);
    bind_text(st, 3, data_hash);
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_ROW) {
        *batch = (long)sqlite3_column_int64(st, 0);
        *same_file = sqlite3_column_int(st, 1);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = sqlerr(s, err, _("looking up earlier imports"));
    }
    sqlite3_finalize(st);
    return rc;
}

int store_import_begin(store_t *s, int form, const char *form_id, int wave, const char *file,
                       long *id, err_t *err)
{
    sqlite3_stmt *st;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M", &tm);
    if (prep(s, "INSERT INTO import_batches(form, form_id, wave, file, hash, rows, imported_at) "
                "VALUES (?1, ?2, ?3, ?4, '', 0, ?5)", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, form);
    bind_text(st, 2, form_id);
    sqlite3_bind_int(st, 3, wave);
    bind_text(st, 4, file);
    bind_text(st, 5, now);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("recording import"));
    sqlite3_finalize(st);
    if (rc == 0)
        *id = s->batch = (long)sqlite3_last_insert_rowid(s->db);
    return rc;
}

int store_import_end(store_t *s, long id, const char *hash, const char *data_hash, long rows,
                     err_t *err)
{
    sqlite3_stmt *st;
    s->batch = 0;
    if (prep(s, "UPDATE import_batches SET hash = ?2, data_hash = ?3, rows = ?4 WHERE id = ?1",
             &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, hash);
    bind_text(st, 3, data_hash);
    sqlite3_bind_int64(st, 4, rows);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("recording import"));
    sqlite3_finalize(st);
    return rc;
}

int store_import_list(store_t *s, long id, int (*cb)(void *ud, const store_import_t *b), void *ud,
                      err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT b.id, b.form_id, w.name, b.file, b.rows, b.imported_at, b.form IS NOT NULL, "
                "(SELECT count(*) FROM responses r WHERE r.batch = b.id) "
                "FROM import_batches b LEFT JOIN waves w ON w.id = b.wave "
                "WHERE ?1 = 0 OR b.id = ?1 ORDER BY b.id", &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = 0, step, found = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        store_import_t b = {(long)sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
                            col_text(st, 3), col_text(st, 5), (long)sqlite3_column_int64(st, 4),
                            (long)sqlite3_column_int64(st, 7), sqlite3_column_int(st, 6)};
        found = 1;
        if ((rc = cb(ud, &b)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("listing imports"));
    sqlite3_finalize(st);
    return rc == 0 && id != 0 && !found ? 1 : rc;
}

int store_import_delete(store_t *s, long id, long *removed, err_t *err)
{
    sqlite3_stmt *st;
    /* answers go with their responses (ON DELETE CASCADE), zeroed in the
     * file (secure_delete) */
    if (prep(s, "DELETE FROM responses WHERE batch = ?1", &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("removing an import"));
    sqlite3_finalize(st);
    if (rc != 0)
        return rc;
    *removed = (long)sqlite3_changes(s->db);
    if (prep(s, "DELETE FROM import_batches WHERE id = ?1", &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("removing an import"));
    sqlite3_finalize(st);
    return rc;
}

/* ---- tokens ---- */

int store_token_add(store_t *s, const char *hash, int form, int unit, int wave, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "INSERT INTO tokens(hash, form, unit, wave) VALUES (?1, ?2, ?3, ?4)", &st, err))
        return -1;
    bind_text(st, 1, hash);
    sqlite3_bind_int(st, 2, form);
    if (unit > 0)
        sqlite3_bind_int(st, 3, unit);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int(st, 4, wave);
    int step = sqlite3_step(st);
    int rc = 0;
    if (step == SQLITE_CONSTRAINT)
        rc = -1, err_set(err, ERR_EXISTS, _("token already exists"));
    else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("storing token"));
    sqlite3_finalize(st);
    return rc;
}

int store_token_get(store_t *s, const char *hash, store_token_t *t, err_t *err)
{
    sqlite3_stmt *st = cached(
        s, "SELECT form, coalesce(unit, 0), wave, used FROM tokens WHERE hash = ?1", err);
    if (!st)
        return -1;
    bind_text(st, 1, hash);
    int rc = 1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        t->form = sqlite3_column_int(st, 0);
        t->unit = sqlite3_column_int(st, 1);
        t->wave = sqlite3_column_int(st, 2);
        t->used = sqlite3_column_int(st, 3);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

int store_token_use(store_t *s, const char *hash, err_t *err)
{
    sqlite3_stmt *st = cached(s, "UPDATE tokens SET used = 1 WHERE hash = ?1 AND used = 0", err);
    if (!st)
        return -1;
    bind_text(st, 1, hash);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("using token"));
    if (rc == 0 && sqlite3_changes(s->db) == 0)
        rc = 1;
    sqlite3_reset(st);
    forget(s);
    return rc;
}

int store_token_counts(store_t *s, int (*cb)(void *ud, const char *form_id, const char *unit,
                                               const char *wave, long issued, long used),
                       void *ud, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT f.form_id, coalesce(u.code, ''), w.name, count(*), sum(t.used) "
                "FROM tokens t JOIN forms f ON f.id = t.form JOIN waves w ON w.id = t.wave "
                "LEFT JOIN units u ON u.id = t.unit GROUP BY f.form_id, u.code, w.name "
                "ORDER BY f.form_id, w.name, u.code", &st, err))
        return -1;
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = cb(ud, col_text(st, 0), col_text(st, 1), col_text(st, 2),
                     (long)sqlite3_column_int64(st, 3), (long)sqlite3_column_int64(st, 4))) != 0)
            break;
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("counting tokens"));
    sqlite3_finalize(st);
    return rc;
}

/* ---- drafts ---- */

int store_draft_put(store_t *s, const char *key, int form, int wave, int unit, int cursor,
                    err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "INSERT INTO drafts(key, form, wave, unit, cursor) VALUES (?1, ?2, ?3, ?4, ?5) "
                "ON CONFLICT(key) DO UPDATE SET cursor = excluded.cursor", &st, err))
        return -1;
    bind_text(st, 1, key);
    sqlite3_bind_int(st, 2, form);
    sqlite3_bind_int(st, 3, wave);
    if (unit > 0)
        sqlite3_bind_int(st, 4, unit);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int(st, 5, cursor);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("saving draft"));
    sqlite3_finalize(st);
    forget(s);
    return rc;
}

int store_draft_answer(store_t *s, const char *key, int pos, const char *text, err_t *err)
{
    sqlite3_stmt *st;
    const char *sql = text ? "INSERT OR REPLACE INTO draft_answers(draft, pos, text) VALUES (?1, ?2, ?3)"
                           : "DELETE FROM draft_answers WHERE draft = ?1 AND pos = ?2";
    if (prep(s, sql, &st, err))
        return -1;
    bind_text(st, 1, key);
    sqlite3_bind_int(st, 2, pos);
    if (text)
        bind_text(st, 3, text);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("saving draft answer"));
    sqlite3_finalize(st);
    forget(s);
    return rc;
}

int store_draft_get(store_t *s, const char *key, store_draft_t *d,
                    int (*cb)(void *ud, int pos, const char *text), void *ud, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT form, wave, coalesce(unit, 0), cursor FROM drafts WHERE key = ?1", &st, err))
        return -1;
    bind_text(st, 1, key);
    int rc = 1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        d->form = sqlite3_column_int(st, 0);
        d->wave = sqlite3_column_int(st, 1);
        d->unit = sqlite3_column_int(st, 2);
        d->cursor = sqlite3_column_int(st, 3);
        rc = 0;
    }
    sqlite3_finalize(st);
    if (rc != 0 || !cb)
        return rc;
    if (prep(s, "SELECT pos, text FROM draft_answers WHERE draft = ?1 ORDER BY pos", &st, err))
        return -1;
    bind_text(st, 1, key);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = cb(ud, sqlite3_column_int(st, 0), col_text(st, 1))) != 0)
            break;
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading draft"));
    sqlite3_finalize(st);
    return rc;
}

int store_draft_delete(store_t *s, const char *key, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "DELETE FROM drafts WHERE key = ?1", &st, err))
        return -1;
    bind_text(st, 1, key);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("deleting draft"));
    sqlite3_finalize(st);
    forget(s);
    return rc;
}

/* ---- web collection ---- */

int store_unit_get(store_t *s, int id, char **code, char **name, err_t *err)
{
    sqlite3_stmt *st = cached(s, "SELECT code, name FROM units WHERE id = ?1", err);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, id);
    int rc = 1, step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        if (code)
            *code = util_xstrdup(col_text(st, 0));
        if (name)
            *name = util_xstrdup(col_text(st, 1));
        rc = 0;
    } else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading unit"));
    sqlite3_reset(st);
    return rc;
}

int store_wave_closed(store_t *s, int id, int *closed, err_t *err)
{
    sqlite3_stmt *st = cached(s, "SELECT closed_at IS NOT NULL FROM waves WHERE id = ?1", err);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, id);
    int rc = 1, step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *closed = sqlite3_column_int(st, 0);
        rc = 0;
    } else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading wave"));
    sqlite3_reset(st);
    return rc;
}

/* ---- terminal runner ---- */

long store_response_last(store_t *s)
{
    /* answers is WITHOUT ROWID and the token and draft are updated or
     * deleted, so after ans_submit the last rowid is the response's */
    return (long)sqlite3_last_insert_rowid(s->db);
}

int store_batch_get(store_t *s, const char *name, store_batch_t *b, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT id, form, wave, coalesce(unit, 0), pass, keyed, verified, compared, "
                "differences FROM entry_batches WHERE name = ?1", &st, err))
        return -1;
    bind_text(st, 1, name);
    int rc = 1, step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        b->id = sqlite3_column_int(st, 0);
        b->form = sqlite3_column_int(st, 1);
        b->wave = sqlite3_column_int(st, 2);
        b->unit = sqlite3_column_int(st, 3);
        b->pass = sqlite3_column_int(st, 4);
        b->keyed = (long)sqlite3_column_int64(st, 5);
        b->verified = (long)sqlite3_column_int64(st, 6);
        b->compared = (long)sqlite3_column_int64(st, 7);
        b->differences = (long)sqlite3_column_int64(st, 8);
        rc = 0;
    } else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading batch"));
    sqlite3_finalize(st);
    return rc;
}

int store_batch_add(store_t *s, const char *name, int form, int wave, int unit, int *id,
                    err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "INSERT INTO entry_batches(name, form, wave, unit) VALUES (?1, ?2, ?3, ?4)",
             &st, err))
        return -1;
    bind_text(st, 1, name);
    sqlite3_bind_int(st, 2, form);
    sqlite3_bind_int(st, 3, wave);
    if (unit > 0)
        sqlite3_bind_int(st, 4, unit);
    else
        sqlite3_bind_null(st, 4);
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_CONSTRAINT)
        rc = -1, err_set(err, ERR_EXISTS, _("batch '%s' already exists"), name);
    else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("adding batch"));
    else if (id)
        *id = (int)sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    return rc;
}

int store_batch_keep(store_t *s, int batch, long seq, const int *pos,
                     const char *const *text, size_t n, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "INSERT INTO entry_rows(batch, seq, pos, text) VALUES (?1, ?2, ?3, ?4)", &st, err))
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, batch);
        sqlite3_bind_int64(st, 2, seq);
        sqlite3_bind_int(st, 3, pos[i]);
        bind_text(st, 4, text[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = sqlerr(s, err, _("keeping the first keying"));
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if (prep(s, "UPDATE entry_batches SET keyed = ?2 WHERE id = ?1 AND pass = 1", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, batch);
    sqlite3_bind_int64(st, 2, seq);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("counting the first keying"));
    if (rc == 0 && sqlite3_changes(s->db) == 0)
        rc = -1, err_set(err, ERR_FAIL, _("the first keying of this batch is closed"));
    sqlite3_finalize(st);
    return rc;
}

int store_batch_values(store_t *s, int batch, long seq,
                       int (*cb)(void *ud, int pos, const char *text), void *ud, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT pos, text FROM entry_rows WHERE batch = ?1 AND seq = ?2 ORDER BY pos",
             &st, err))
        return -1;
    sqlite3_bind_int(st, 1, batch);
    sqlite3_bind_int64(st, 2, seq);
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = cb(ud, sqlite3_column_int(st, 0), col_text(st, 1))) != 0)
            break;
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading the first keying"));
    sqlite3_finalize(st);
    return rc;
}

int store_batch_close(store_t *s, int batch, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "UPDATE entry_batches SET pass = 2 WHERE id = ?1", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, batch);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("closing the first keying"));
    sqlite3_finalize(st);
    return rc;
}

int store_batch_verified(store_t *s, int batch, long seq, long compared, long differences,
                         err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "DELETE FROM entry_rows WHERE batch = ?1 AND seq = ?2", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, batch);
    sqlite3_bind_int64(st, 2, seq);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("forgetting the first keying"));
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if (prep(s, "UPDATE entry_batches SET verified = verified + 1, compared = compared + ?3, "
                "differences = differences + ?4 WHERE id = ?1 AND verified = ?2 - 1", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, batch);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_int64(st, 3, compared);
    sqlite3_bind_int64(st, 4, differences);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("counting the verification"));
    /* a second session verifying the same batch at once would store a
     * questionnaire twice; the verified counter catches it */
    if (rc == 0 && sqlite3_changes(s->db) == 0)
        rc = -1, err_set(err, ERR_FAIL, _("questionnaire %ld of this batch was verified elsewhere"),
                         seq);
    sqlite3_finalize(st);
    return rc;
}

/* ---- export ---- */

int store_read_begin(store_t *s, err_t *err)
{
    return exec_cached(s, "BEGIN", err);   /* the web server's every request */
}

/* ---- terminal runner: which session holds a draft ---- */

int store_draft_owner(store_t *s, const char *key, int *form, char **owner, err_t *err)
{
    sqlite3_stmt *st;
    *owner = NULL;
    if (prep(s, "SELECT form, owner FROM drafts WHERE key = ?1", &st, err))
        return -1;
    bind_text(st, 1, key);
    int rc = 1, step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        if (form)
            *form = sqlite3_column_int(st, 0);
        *owner = util_xstrdup(col_text(st, 1));
        rc = 0;
    } else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading draft"));
    sqlite3_finalize(st);
    return rc;
}

int store_draft_set_owner(store_t *s, const char *key, const char *owner, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "UPDATE drafts SET owner = ?2 WHERE key = ?1", &st, err))
        return -1;
    bind_text(st, 1, key);
    bind_text(st, 2, owner);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("claiming draft"));
    sqlite3_finalize(st);
    forget(s);
    return rc;
}

int store_draft_count(store_t *s, const char *key, long *n, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT (SELECT count(*) FROM draft_answers WHERE draft = ?1) + "
                "(SELECT count(*) FROM drafts WHERE key = ?1 AND box IS NOT NULL)", &st, err))
        return -1;
    bind_text(st, 1, key);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : sqlerr(s, err, _("reading draft"));
    if (rc == 0)
        *n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

int store_draft_box(store_t *s, const char *key, const void *box, size_t n, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "UPDATE drafts SET box = ?2 WHERE key = ?1", &st, err))
        return -1;
    bind_text(st, 1, key);
    sqlite3_bind_blob(st, 2, box, (int)n, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("saving draft"));
    sqlite3_finalize(st);
    forget(s);
    return rc;
}

int store_draft_box_get(store_t *s, const char *key, unsigned char **box, size_t *n, err_t *err)
{
    sqlite3_stmt *st;
    *box = NULL;
    *n = 0;
    if (prep(s, "SELECT box FROM drafts WHERE key = ?1 AND box IS NOT NULL", &st, err))
        return -1;
    bind_text(st, 1, key);
    int rc = 1, step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *n = (size_t)sqlite3_column_bytes(st, 0);
        *box = util_xmalloc(*n + 1);
        memcpy(*box, sqlite3_column_blob(st, 0), *n);
        rc = 0;
    } else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading draft"));
    sqlite3_finalize(st);
    return rc;
}

/* ---- secrets ---- */

int store_secret_put(store_t *s, const char *name, const char *value, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "INSERT OR REPLACE INTO secrets(name, value) VALUES (?1, ?2)", &st, err))
        return -1;
    bind_text(st, 1, name);
    bind_text(st, 2, value);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("storing a secret"));
    sqlite3_finalize(st);
    forget(s);   /* the hash it replaced goes from every file */
    return rc;
}

int store_secret_get(store_t *s, const char *name, char **value, err_t *err)
{
    sqlite3_stmt *st;
    *value = NULL;
    if (prep(s, "SELECT value FROM secrets WHERE name = ?1", &st, err))
        return -1;
    bind_text(st, 1, name);
    int rc = 1, step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *value = util_xstrdup(col_text(st, 0));
        rc = 0;
    } else if (step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading a secret"));
    sqlite3_finalize(st);
    return rc;
}

/* ---- sealed waves ---- */

int store_wave_seal(store_t *s, int wave, const unsigned char pk[32], err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "UPDATE waves SET sealed_pk = ?2 WHERE id = ?1", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, wave);
    sqlite3_bind_blob(st, 2, pk, 32, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("sealing the wave"));
    sqlite3_finalize(st);
    s->sealed_wave = 0;
    return rc;
}

int store_wave_key(store_t *s, int wave, unsigned char pk[32], err_t *err)
{
    if (wave == s->sealed_wave && !s->sealed)
        return 0;
    sqlite3_stmt *st = cached(s, "SELECT sealed_pk FROM waves WHERE id = ?1", err);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, wave);
    int rc = 0, step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
        memcpy(pk, sqlite3_column_blob(st, 0), 32);
        rc = 1;
    } else if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading wave"));
    sqlite3_reset(st);
    if (rc >= 0) {
        s->sealed_wave = wave;
        s->sealed = rc;
    }
    return rc;
}

int store_ballot_add(store_t *s, int wave, int unit, const void *box, size_t n, err_t *err)
{
    sqlite3_stmt *st = cached(s, "INSERT INTO ballots(id, wave, unit, box) VALUES (?1, ?2, ?3, ?4)",
                              err);
    if (!st)
        return -1;
    int rc = -1;
    for (int tries = 0; tries < 8 && rc < 0; tries++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, random_id(s, wave, 0));
        sqlite3_bind_int(st, 2, wave);
        if (unit > 0)
            sqlite3_bind_int(st, 3, unit);
        else
            sqlite3_bind_null(st, 3);
        sqlite3_bind_blob(st, 4, box, (int)n, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = 0;
        else if (sqlite3_extended_errcode(s->db) != SQLITE_CONSTRAINT_PRIMARYKEY)
            break;
    }
    if (rc < 0)
        sqlerr(s, err, _("storing a sealed ballot"));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int store_ballot_scan(store_t *s, int wave,
                      int (*cb)(void *ud, long id, int unit, const unsigned char *box, size_t n),
                      void *ud, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT id, coalesce(unit, 0), box FROM ballots WHERE wave = ?1 ORDER BY id", &st,
             err))
        return -1;
    sqlite3_bind_int(st, 1, wave);
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = cb(ud, (long)sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
                     sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2))) != 0)
            break;
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlerr(s, err, _("reading sealed ballots"));
    sqlite3_finalize(st);
    return rc;
}

int store_wave_unseal(store_t *s, int wave, err_t *err)
{
    sqlite3_stmt *st;
    s->sealed_wave = 0;
    if (prep(s, "UPDATE waves SET sealed_pk = NULL WHERE id = ?1", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, wave);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("opening the wave"));
    sqlite3_finalize(st);
    return rc;
}

int store_ballot_delete(store_t *s, int wave, err_t *err)
{
    sqlite3_stmt *st;
    if (prep(s, "DELETE FROM ballots WHERE wave = ?1", &st, err))
        return -1;
    sqlite3_bind_int(st, 1, wave);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlerr(s, err, _("deleting sealed ballots"));
    sqlite3_finalize(st);
    forget(s);
    return rc;
}
