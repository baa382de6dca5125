/*
 * store: the database behind gapsurvey, SQLite (a file, the default) or
 * PostgreSQL (a postgresql:// or postgres:// URI).  All SQL lives behind
 * this header (survey/store*.c); the commands, runner, web server, import
 * and the analysis scan call these functions and never issue SQL
 * themselves, so the schema has one home and both databases answer alike.
 *
 * Conventions: functions return 0 on success and -1 on failure with err
 * set (base/err.h: ERR_DB when the database failed, the caller clears it).
 * Lookups return 1 for "not found", err untouched.  Strings
 * handed to callbacks belong to the store and are valid only during the
 * callback.  Every statement is prepared with bound parameters; no SQL is
 * ever built from user text.  A store_t may be used by one thread at a
 * time only (its connection is opened without SQLite's own locking).
 */
#ifndef GS_STORE_H
#define GS_STORE_H

#include <stddef.h>

#include "base/err.h"
#include "survey/form.h"

typedef struct store store_t;

#define STORE_SCHEMA_VERSION 8

/* ---- the connection: opening, transactions ---- */

/* Opens path: a file (SQLite), or a libpq URI starting postgresql:// or
 * postgres:// (PostgreSQL, the schema "gapsurvey" of that database).
 * create=1 makes a new database or schema (error if it has a schema of a
 * newer program); create=0 requires an existing gapsurvey database. */
int store_open(const char *path, int create, store_t **out, err_t *err);
void store_close(store_t *s);   /* NULL is fine */
/* 1 when target names a PostgreSQL database (a URI), 0 for a file. */
int store_is_uri(const char *target);
/* "sqlite" or "postgresql". */
const char *store_backend(const store_t *s);
/* target as it may be shown: a URI's password replaced by ***.  Heap. */
char *store_name(const char *target);
/* How long a write waits for another process's write lock before giving up
 * with "database is locked" (store_open sets 10 s). */
void store_busy_wait(store_t *s, int ms);

/* BEGIN IMMEDIATE: take the write lock up front so two writers queue
 * instead of failing half-way with SQLITE_BUSY on upgrade. */
int store_begin(store_t *s, err_t *err);
/* COMMIT, then (after a write that used a code or a draft, and after every
 * write under store_sync_at_checkpoint) the checkpoint that leaves no
 * history in any file.  ERR_IO: the transaction is committed but could
 * not be synced to the disk (store_sync_at_checkpoint); anything else:
 * nothing was committed. */
int store_commit(store_t *s, err_t *err);
/* For a connection that writes in batches (the web server's writer): its
 * commits skip their own sync, and reach the disk through the checkpoint
 * that follows every one of them before store_commit returns, one device
 * flush fewer per commit for the same guarantee.  Only for a connection
 * whose every write is in store_begin ... store_commit: a write outside
 * one (autocommit) would not be synced when it returns. */
int store_sync_at_checkpoint(store_t *s, err_t *err);
void store_rollback(store_t *s);

/* BEGIN (deferred): a read transaction, so that an export reading the
 * responses twice (a .sav needs its row count first) sees one snapshot
 * while imports go on.  End it with store_commit or store_rollback. */
int store_read_begin(store_t *s, err_t *err);
/* The reads of one web request, which need no common snapshot: on SQLite
 * a read transaction all the same (one WAL read lock for them all instead
 * of one per statement), on PostgreSQL nothing (each read stands alone; a
 * BEGIN and its ROLLBACK would be two more round trips to the server).
 * End it with store_rollback. */
int store_reads_begin(store_t *s, err_t *err);

/* ---- forms (and their items, choices, dimensions) ---- */
/* Stores f (its source text verbatim plus derived items/choices/dimensions).
 * Same form_id+version with the same source: *existed=1, nothing written.
 * Same version with a different source: error. */
int store_form_add(store_t *s, const form_t *f, int *id, int *existed, err_t *err);

typedef struct {
    int id;
    const char *form_id, *version, *title, *role, *added_on;
    long responses;
} store_form_row_t;
int store_form_list(store_t *s, int (*cb)(void *ud, const store_form_row_t *r), void *ud,
                    err_t *err);
/* The newest version of form_id, re-read from its stored source.  *out is
 * the caller's (form_free).  Returns 1 when there is no such form. */
int store_form_get(store_t *s, const char *form_id, form_t **out, int *id, err_t *err);
int store_form_get_by_id(store_t *s, int id, form_t **out, err_t *err);
/* form_ids of every stored form of the role, newest first; caller frees
 * each string and the array. */
int store_form_ids_by_role(store_t *s, form_role_t role, char ***ids, size_t *n, err_t *err);
/* items.id of each item of the stored form `id`, indexed by position;
 * caller frees *ids. */
int store_item_ids(store_t *s, int form, int **ids, size_t *n, err_t *err);

/* ---- units ---- */
typedef struct {
    int id;
    const char *code, *name, *category, *parent;
    long headcount;     /* -1 = unknown */
    unsigned keep;      /* store_unit_put: STORE_UNIT_KEEP_* fields an update leaves as stored */
} store_unit_t;
#define STORE_UNIT_KEEP_CATEGORY 1u
#define STORE_UNIT_KEEP_PARENT 2u
#define STORE_UNIT_KEEP_HEADCOUNT 4u
/* Inserts or updates by code (the fields in u->keep are not updated). */
int store_unit_put(store_t *s, const store_unit_t *u, err_t *err);
/* Removes the unit with this code: 0, 1 when there is none, -1 with err
 * (also when responses, invitations, drafts or entry batches refer to it:
 * those keep it). */
int store_unit_remove(store_t *s, const char *code, err_t *err);
int store_unit_list(store_t *s, int (*cb)(void *ud, const store_unit_t *u), void *ud,
                    err_t *err);
int store_unit_find(store_t *s, const char *code, int *id, err_t *err);

/* The code and name of unit id (caller frees both; either may be NULL when
 * not wanted).  Returns 1 when there is no such unit. */
int store_unit_get(store_t *s, int id, char **code, char **name, err_t *err);

/* ---- waves ---- */
typedef struct {
    int id;
    const char *name, *opened_at, *closed_at;   /* closed_at NULL while open */
    long responses;
} store_wave_t;
int store_wave_add(store_t *s, const char *name, int *id, err_t *err);
/* Closes the wave: its unfinished drafts deleted, then the database's
 * files rewritten (the driver's compact: nothing in them keeps the order
 * of writes or what was deleted).  0 closed now; 1 closed already, the
 * deletion and the rewrite done again (how a rewrite spoiled by another
 * PostgreSQL session's older snapshot is finished); -1 err, also for a
 * sealed wave (closed with its key: unseal.h). */
int store_wave_close(store_t *s, const char *name, err_t *err);
int store_wave_list(store_t *s, int (*cb)(void *ud, const store_wave_t *w), void *ud,
                    err_t *err);
int store_wave_find(store_t *s, const char *name, int *id, err_t *err);
/* The newest open wave; with none at all and create=1, makes one named by
 * the current year.  Returns 1 when there is none (create=0, or every wave
 * is closed). */
int store_wave_current(store_t *s, int create, int *id, err_t *err);
/* The newest wave holding responses to form_id (any version). */
int store_wave_latest_for(store_t *s, const char *form_id, int *id, err_t *err);
int store_wave_name(store_t *s, int id, char **name, err_t *err);

/* *closed = 1 when wave id has been closed.  Returns 1 when there is no
 * such wave. */
int store_wave_closed(store_t *s, int id, int *closed, err_t *err);

/* ---- responses ---- */
typedef struct store_answer {
    int item;           /* items.id */
    int has_num;
    double num;
    const char *text;   /* NULL for none */
} store_answer_t;
/* One anonymous response: form, wave, unit (0 = none), the date
 * (YYYY-MM-DD; only its ISO week, YYYY-Www, is stored), where it came from ("web", "terminal", "import", "entry",
 * "simulate").  Call inside store_begin/commit for many at once. */
int store_response_add(store_t *s, int form, int wave, int unit, const char *date,
                       const char *source, const store_answer_t *a, size_t n, err_t *err);

/* Response ids from now on come from a generator seeded with seed instead
 * of SQLite's random source: for simulated data only, so that the same
 * seed gives the same database (and the same analysis to the last bit,
 * sums being taken in id order).  Real answers always get random ids. */
void store_id_seed(store_t *s, unsigned long seed);

/* The id of the response this connection stored last, 0 if none; call it
 * right after the transaction that stored it (ans_submit). */
long store_response_last(store_t *s);

/* Streaming read of every response to form_id (all versions) in a wave,
 * answers mapped by item name onto the positions of `target`, in the
 * order of their random ids.  Memory is constant: one response at a
 * time. */
typedef struct {
    long response;
    int unit;            /* units.id, 0 = none */
    size_t n;            /* answers in this response */
    const int *pos;      /* item position in target */
    const double *num;   /* NAN when the answer has no number */
    const char *const *text;   /* NULL when no text */
} store_scan_row_t;
int store_scan(store_t *s, const char *form_id, int wave, const form_t *target,
               int (*cb)(void *ud, const store_scan_row_t *r), void *ud, err_t *err);
/* The same, ordered by unit and then by the random id (exports): nothing
 * in the order of the rows says who answered first. */
int store_scan_by_unit(store_t *s, const char *form_id, int wave, const form_t *target,
                       int (*cb)(void *ud, const store_scan_row_t *r), void *ud, err_t *err);

/* Responses per unit to form_id in wave (cb gets unit id, count). */
int store_count_by_unit(store_t *s, const char *form_id, int wave,
                        int (*cb)(void *ud, int unit, long n), void *ud, err_t *err);
/* Invitations (tokens) issued per unit for form_id in wave. */
int store_tokens_by_unit(store_t *s, const char *form_id, int wave,
                         int (*cb)(void *ud, int unit, long issued, long used), void *ud,
                         err_t *err);

/* ---- imports ----
 * Every import is a batch: its responses name it (responses.batch), so it
 * can be listed and undone.  Only imports are: nothing groups web or
 * terminal responses.  hash is of the file's decoded text, data_hash of
 * its responses whatever their order or layout (import.c makes both). */
/* 1 and the earlier batch of form_id with the same file hash (*same_file
 * 1) or the same data hash (*same_file 0), preferring the file; 0 when
 * there is none. */
int store_import_seen(store_t *s, const char *form_id, const char *hash, const char *data_hash,
                      long *batch, int *same_file, err_t *err);
/* Inside the import's transaction, before its responses: records the batch
 * (form row, form_id, wave, the file's name as given, the time of the
 * import to the minute) and makes the responses stored with source
 * "import" from now on belong to it, until store_import_end, which records
 * its hashes and row count. */
int store_import_begin(store_t *s, int form, const char *form_id, int wave, const char *file,
                       long *id, err_t *err);
int store_import_end(store_t *s, long id, const char *hash, const char *data_hash, long rows,
                     err_t *err);
typedef struct {
    long id;
    const char *form_id;
    const char *wave;        /* NULL for an import recorded before batches were kept */
    const char *file;
    const char *imported_at; /* "YYYY-MM-DD HH:MM" (only the day before batches were kept) */
    long rows;               /* responses the import stored */
    long responses;          /* of them in the store now */
    int undoable;            /* its responses are known (0: recorded before batches) */
} store_import_t;
/* Each batch in the order of their ids (id 0), or only batch id (1 when
 * there is no such batch). */
int store_import_list(store_t *s, long id, int (*cb)(void *ud, const store_import_t *b), void *ud,
                      err_t *err);
/* Inside a transaction: deletes batch id and every response of it;
 * *removed says how many. */
int store_import_delete(store_t *s, long id, long *removed, err_t *err);

/* ---- tokens (one-time invitation codes; only a hash is stored) ---- */
typedef struct {
    int form, unit, wave, used;
    int closed;          /* its wave has been closed */
} store_token_t;
/* Stores a token's hash for form/unit (0 = none)/wave.  Error if it exists. */
int store_token_add(store_t *s, const char *hash, int form, int unit, int wave, err_t *err);
/* Looks a hash up (with its wave, one statement); 1 when unknown. */
int store_token_get(store_t *s, const char *hash, store_token_t *t, err_t *err);
/* Marks it used; call inside the transaction that stores the response.
 * Returns 1 when it was already used (or unknown): roll back then. */
int store_token_use(store_t *s, const char *hash, err_t *err);

/* store_token_use and store_response_add together, inside the caller's
 * transaction: the code hash is marked used and, only if it was not
 * already, the response stored (on PostgreSQL in one statement).  Returns
 * 0; 1 when the code was unknown or used already (nothing changed); -1
 * with err (roll back then).  The wave must not be sealed (err). */
int store_response_add_token(store_t *s, const char *hash, int form, int wave, int unit,
                             const char *date, const char *source, const store_answer_t *a,
                             size_t n, err_t *err);
/* One submission of a group (store_response_add_tokens): the arguments of
 * store_response_add_token, all the caller's, and its result. */
typedef struct {
    const char *hash;
    int form, wave, unit;
    const char *date, *source;
    const store_answer_t *a;
    size_t n;
    int rc;              /* set by the call: 0 stored, 1 the code was unknown or used */
} store_tokened_t;
/* Group commit: store_response_add_token for each of sub[0..n-1], in one
 * transaction the call opens and commits; on PostgreSQL the whole group
 * is one round trip (pipeline mode: BEGIN, one statement per submission,
 * COMMIT).  No savepoints: a failing submission fails the group.  Returns
 * 0 once committed, each sub[i]->rc set; -1 with err when nothing was
 * committed (the caller may store each alone), except ERR_IO: committed
 * with every rc set, but not known to be on the disk
 * (store_sync_at_checkpoint).  Not inside a transaction; no sealed wave. */
int store_response_add_tokens(store_t *s, store_tokened_t *const *sub, size_t n, err_t *err);
/* Issued and used counts per form, unit code ("" = none) and wave; never
 * which token was used. */
int store_token_counts(store_t *s, int (*cb)(void *ud, const char *form_id, const char *unit,
                                               const char *wave, long issued, long used),
                       void *ud, err_t *err);

/* ---- drafts (the terminal runner saves every answer as it is given) ---- */
typedef struct {
    int form, wave, unit, cursor;
} store_draft_t;
/* Creates the draft or updates its cursor (the item the respondent is on). */
int store_draft_put(store_t *s, const char *key, int form, int wave, int unit, int cursor,
                    err_t *err);
/* Saves one answer (canonical text) of item position pos; NULL deletes it. */
int store_draft_answer(store_t *s, const char *key, int pos, const char *text, err_t *err);
/* Reads the draft (1 when none) and calls cb for each saved answer. */
int store_draft_get(store_t *s, const char *key, store_draft_t *d,
                    int (*cb)(void *ud, int pos, const char *text), void *ud, err_t *err);
/* Deletes it; call in the transaction that stores the response. */
int store_draft_delete(store_t *s, const char *key, err_t *err);
/* The session holding draft key ("pid@host", set by the runner) and the
 * form version it was made with: 0 and *owner (heap, NULL when no session
 * holds it); 1 when there is no such draft. */
int store_draft_owner(store_t *s, const char *key, int *form, char **owner, err_t *err);
/* Sets (or with NULL clears) the session holding draft key. */
int store_draft_set_owner(store_t *s, const char *key, const char *owner, err_t *err);
/* How many answers draft key holds (an encrypted box counts as one). */
int store_draft_count(store_t *s, const char *key, long *n, err_t *err);
/* The encrypted answers of a draft made with an invitation code (seal.h):
 * set (replacing the last), and read (*box heap; 1 when there is none). */
int store_draft_box(store_t *s, const char *key, const void *box, size_t n, err_t *err);
int store_draft_box_get(store_t *s, const char *key, unsigned char **box, size_t *n, err_t *err);

/* ---- sealed waves (ballot.h) ---- */
/* Seals wave: its submissions are stored as ballots sealed to pk. */
int store_wave_seal(store_t *s, int wave, const unsigned char pk[32], err_t *err);
/* 1 and pk when wave is sealed, 0 when it is not (or no such wave). */
int store_wave_key(store_t *s, int wave, unsigned char pk[32], err_t *err);
int store_ballot_add(store_t *s, int wave, int unit, const void *box, size_t n, err_t *err);
/* Every ballot of wave, in the order of their random ids. */
int store_ballot_scan(store_t *s, int wave,
                      int (*cb)(void *ud, long id, int unit, const unsigned char *box, size_t n),
                      void *ud, err_t *err);
/* Inside the transaction that stores the opened responses: the wave is
 * no longer sealed (responses may be added), and its ballots are deleted
 * (zeroed in the file: secure_delete). */
int store_wave_unseal(store_t *s, int wave, err_t *err);
int store_ballot_delete(store_t *s, int wave, err_t *err);

/* ---- secrets (hashed: the admin secret) ---- */
int store_secret_put(store_t *s, const char *name, const char *value, err_t *err);
/* *value heap; 1 when none is stored. */
int store_secret_get(store_t *s, const char *name, char **value, err_t *err);

/* ---- batches (double entry of paper forms) ---- */
/* A batch holds the first keying of its
 * questionnaires until the second keying has verified each of them. */
typedef struct {
    int id, form, wave, unit;   /* unit 0 = from each questionnaire's unit question */
    int pass;                   /* 1: first keying open; 2: closed, being verified */
    long keyed;                 /* questionnaires of the first keying (seq 1..keyed) */
    long verified;              /* of them verified and stored as responses */
    long compared, differences; /* values compared in the second keying; how many differed */
} store_batch_t;
/* Looks a batch up by name; 1 when there is none. */
int store_batch_get(store_t *s, const char *name, store_batch_t *b, err_t *err);
int store_batch_add(store_t *s, const char *name, int form, int wave, int unit, int *id,
                    err_t *err);
/* Keeps questionnaire seq of the first keying (n answers: item positions
 * and canonical texts) and sets keyed = seq.  Call inside a transaction. */
int store_batch_keep(store_t *s, int batch, long seq, const int *pos,
                     const char *const *text, size_t n, err_t *err);
/* Calls cb for each first-keying answer of questionnaire seq. */
int store_batch_values(store_t *s, int batch, long seq,
                       int (*cb)(void *ud, int pos, const char *text), void *ud, err_t *err);
/* Closes the first keying (pass 2 begins). */
int store_batch_close(store_t *s, int batch, err_t *err);
/* Questionnaire seq was verified: deletes its first keying, counts it and
 * adds the comparison counts.  Call inside the transaction that stores
 * its response. */
int store_batch_verified(store_t *s, int batch, long seq, long compared, long differences,
                         err_t *err);

/* ---- a whole database (db copy) ---- */
/* *empty = 1 when s holds no form, unit, wave or secret. */
int store_empty(store_t *s, int *empty, err_t *err);
/* Copies everything src holds into dst, which must be empty, in one
 * transaction of dst (all or nothing) from one snapshot of src; ids stay
 * the same.  Memory stays flat however many responses. */
int store_copy(store_t *src, store_t *dst, err_t *err);
/* What a copy is checked with: the rows of each table besides responses
 * and answers, the responses and answers, and a checksum over every
 * response and answer in id order (both ends compute it from what they
 * read). */
#define STORE_CENSUS_TABLES 16
typedef struct {
    const char *table[STORE_CENSUS_TABLES];   /* NULL after the last */
    long rows[STORE_CENSUS_TABLES];
    long responses, answers;
    char checksum[17];
} store_census_t;
int store_census(store_t *s, store_census_t *c, err_t *err);

#endif
