/*
 * store_driver: what survey/store.c asks of a database behind it.  Two
 * drivers implement it: survey/store_sqlite.c (the embedded default, a
 * file) and survey/store_pg.c (PostgreSQL through libpq, chosen by a
 * postgresql:// or postgres:// URI).  store.c writes every query once, in
 * the SQL both databases understand (?N parameters, INSERT ... ON CONFLICT,
 * RETURNING); a driver runs them and does what cannot be said the same way
 * in both: the schema and its migrations, transactions, the streaming scan,
 * bulk inserts, and what a commit or the end of a wave must leave behind.
 *
 * Only the store module includes this header.  A driver never calls back
 * into store.c (layers.sh would see the circle): what it needs comes in
 * through its arguments.
 */
#ifndef GS_STORE_DRIVER_H
#define GS_STORE_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct store_driver store_driver_t;

/* A connection and a statement: each driver's own structures begin with
 * these heads, so store.c can reach the driver from either. */
typedef struct store_db {
    const store_driver_t *drv;
} store_db_t;
typedef struct store_q {
    const store_driver_t *drv;
} store_q_t;

/* prep's modes */
enum {
    STORE_Q_ONCE,        /* prepared for this use only */
    STORE_Q_KEEP,        /* prepared once per connection, found again by the
                            address of sql (a string that outlives it) */
    STORE_Q_STREAM       /* a read of any size: memory stays flat however many
                            rows, and other statements may run between steps
                            (PostgreSQL: a cursor, inside a transaction of its
                            own when none is open) */
};

/* step results */
enum { STORE_Q_ERR = -1, STORE_Q_DONE = 0, STORE_Q_ROW = 1 };

/* Transactions (begin's mode) */
enum {
    STORE_TX_WRITE,      /* a write transaction; on SQLite the write lock at once */
    STORE_TX_SNAPSHOT,   /* reads that see one snapshot until commit or rollback */
    STORE_TX_READS       /* reads that need no common snapshot: a transaction only
                            where that is cheaper than none (SQLite: one WAL read
                            lock; PostgreSQL: none, a BEGIN costs a round trip) */
};

/* One response for a bulk insert (import, simulate, db copy).  week,
 * source and answers belong to the caller and are valid during the call
 * only. */
typedef struct {
    int64_t id;
    int form, wave, unit;      /* unit 0 = none */
    const char *week, *source;
    long batch;                /* the import batch it belongs to, 0 = none */
    const void *answers;       /* its answers packed (survey/packed.h); NULL none */
    size_t alen;
} store_resp_t;

/* A scan hands over its rows one response at a time, in the order asked
 * for: its form version and its answers as stored, packed (survey/packed.h;
 * NULL and 0 when it has none), valid during the call only.  Nonzero stops
 * the scan and is returned. */
typedef int (*store_emit_fn)(void *ud, int64_t rid, int unit, int form, const void *answers,
                             size_t alen);

struct store_driver {
    const char *name;
    /* Opens target (a path, a URI): create=1 makes the schema, or brings
     * it up to date (both always migrate). */
    int (*open)(const char *target, int create, store_db_t **out, err_t *err);
    void (*close)(store_db_t *db);
    const char *(*errmsg)(store_db_t *db);
    void (*busy_wait)(store_db_t *db, int ms);

    int (*begin)(store_db_t *db, int mode, err_t *err);
    int (*commit)(store_db_t *db, err_t *err);
    void (*rollback)(store_db_t *db);
    /* The open transaction used a code or touched a draft: once it is
     * committed, nothing the database keeps may show the state before it
     * (SQLite: the WAL is checkpointed and truncated).  Outside a
     * transaction, at once. */
    void (*forget)(store_db_t *db);
    /* Optional (NULL: commits are durable by themselves): for a connection
     * that writes in batches, a commit skips its own sync and reaches the
     * disk through the forget() that then follows every commit before
     * commit returns (SQLite: synchronous=NORMAL and the checkpoint's
     * syncs).  commit then fails with ERR_IO when that sync failed. */
    int (*sync_at_checkpoint)(store_db_t *db, err_t *err);

    /* A statement (mode below).  Bound parameters and results are the
     * caller's until finish. */
    store_q_t *(*prep)(store_db_t *db, const char *sql, int mode, err_t *err);
    void (*bind_int)(store_q_t *q, int i, int64_t v);
    void (*bind_double)(store_q_t *q, int i, double v);
    /* v NULL binds a null; the bytes must stay as they are until the
     * statement is finished or bound again (SQLite reads them in step) */
    void (*bind_text)(store_q_t *q, int i, const char *v, size_t n);
    void (*bind_blob)(store_q_t *q, int i, const void *v, size_t n);
    void (*bind_null)(store_q_t *q, int i);
    int (*step)(store_q_t *q);
    int (*is_null)(store_q_t *q, int col);
    int64_t (*col_int)(store_q_t *q, int col);
    double (*col_double)(store_q_t *q, int col);
    const char *(*col_text)(store_q_t *q, int col);     /* NULL for null */
    const void *(*col_blob)(store_q_t *q, int col, size_t *n);
    long (*changes)(store_q_t *q);     /* rows the statement's last step changed */
    void (*reset)(store_q_t *q);       /* ready to bind and step again */
    void (*finish)(store_q_t *q);      /* done: freed, or reset when kept */

    /* The answers of a wave's responses to form_id (every version), in the
     * order of their ids, or by unit and then id. */
    int (*scan)(store_db_t *db, const char *form_id, int wave, int by_unit, store_emit_fn emit,
                void *ud, err_t *err);
    /* Bulk insert of one response inside a transaction; NULL when the
     * driver has none (then store.c inserts it with a statement).  May
     * keep it to write later, before any other statement. */
    int (*bulk_add)(store_db_t *db, const store_resp_t *r, err_t *err);
    /* A wave closed: leave no trace of the order of writes that the
     * database can drop (SQLite: VACUUM). */
    int (*compact)(store_db_t *db, int wave, err_t *err);
    /* After rows were written with their ids given (db copy): the next id
     * each table hands out comes after them. */
    int (*ids_follow)(store_db_t *db, err_t *err);
    /* Inside a write transaction: wait for any other transaction holding
     * the same key (an import of one file), NULL when writers queue
     * anyway (SQLite). */
    int (*lock)(store_db_t *db, const char *key, err_t *err);
    /* Optional (NULL: store.c runs the statements one by one in a
     * transaction of its own): sql, a kept statement that writes, run n
     * times in one transaction that group() begins and commits, outside any
     * other, all in one round trip (PostgreSQL: pipeline mode).  Before
     * the i-th run bind(ud, i, q) binds its values; changed[i] gets the
     * rows it changed.  0 once committed; -1 with err when nothing was:
     * one failing run fails them all. */
    int (*group)(store_db_t *db, const char *sql, size_t n,
                 void (*bind)(void *ud, size_t i, store_q_t *q), void *ud, long *changed,
                 err_t *err);
};

/* The entries every driver has, named by one rule: the driver's prefix p,
 * then _open, _close and so on.  A driver's table is
 * { .name = ..., STORE_DRIVER_CORE(p), ...the optional entries it has }. */
#define STORE_DRIVER_CORE(p)                                                                      \
    .open = p##_open, .close = p##_close, .errmsg = p##_errmsg, .busy_wait = p##_busy_wait,       \
    .begin = p##_begin, .commit = p##_commit, .rollback = p##_rollback, .forget = p##_forget,     \
    .prep = p##_prep, .bind_int = p##_bind_int,                                                   \
    .bind_double = p##_bind_double, .bind_text = p##_bind_text, .bind_blob = p##_bind_blob,       \
    .bind_null = p##_bind_null, .step = p##_step, .is_null = p##_is_null,                         \
    .col_int = p##_col_int, .col_double = p##_col_double, .col_text = p##_col_text,               \
    .col_blob = p##_col_blob, .changes = p##_changes, .reset = p##_reset, .finish = p##_finish,   \
    .scan = p##_scan, .compact = p##_compact

extern const store_driver_t store_sqlite_driver;
extern const store_driver_t store_pg_driver;

#endif
