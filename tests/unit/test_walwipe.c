/*
 * Unit tests for survey/walwipe (the VFS that wipes an emptied WAL in
 * place) and for the web writer's commits (store_sync_at_checkpoint), on a
 * simulated disk: a VFS below walwipe keeps, for the database and its WAL,
 * the image the disk holds (what the last sync of each file wrote) and the
 * pages written since.  At every sync, and when a submission has been
 * acknowledged, the test builds what a power cut could leave: the disk's
 * images with any choice of the pages written since (none, all, each one
 * alone, all but each one, the WAL's first page alone or all but it),
 * lets SQLite recover each, and checks it: integrity_check ok, every
 * response with its code spent and no more, every acknowledged submission
 * there.  Then the costs the change is for: two syncs per group commit
 * (the WAL's and the database's), and the WAL left at its length, all
 * zeros, after each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/answers.h"
#include "survey/store.h"
#include "tests/unit/testdb.h"
#include "tests/unit/testmain.h"

#define PG 4096          /* the page cache's unit: what a power cut keeps or loses */
#define MAX_SNAPS 64

/* one Likert question and a comment */
static const char form_csv[] =
    "survey,,,\n,type,name,label\n,select_one agree,q1,Q1\n,text,comment,Comment\n"
    "choices,,,\n,list_name,name,label\n,agree,1,Disagree\n,agree,2,Neutral\n,agree,3,Agree\n"
    "settings,,,\n,form_id,version,role\n,wipe,1,staff\n";

/* ---- the simulated disk ---- */

typedef struct {
    unsigned char *p;
    size_t n;
} bytes_t;

/* One file of the database (0: the database, 1: its WAL). */
typedef struct {
    char *path;
    bytes_t disk;          /* what its last sync left on the disk */
    unsigned char *dirty;  /* [page]: written since */
    size_t ndirty;
    int syncs;
} disk_file_t;

typedef struct {
    bytes_t disk[2], now[2];
    unsigned char *dirty[2];
    size_t ndirty[2];
    long lo, hi;           /* responses it may hold */
    long codes;            /* codes it holds */
} snap_t;

static disk_file_t files[2];
static snap_t snaps[MAX_SNAPS];
static int nsnaps, recording, recovered;
static long acked, in_flight, codes;
static sqlite3_vfs *sys_vfs, disk_vfs;

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
    disk_file_t *f;
} dfile_t;

static bytes_t slurp(const char *path)
{
    bytes_t b = {NULL, 0};
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return b;
    fseek(fp, 0, SEEK_END);
    b.n = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    b.p = malloc(b.n + 1);
    assert_non_null(b.p);
    assert_int_equal(fread(b.p, 1, b.n, fp), b.n);
    fclose(fp);
    return b;
}

static bytes_t copy(bytes_t b)
{
    bytes_t c = {malloc(b.n + 1), b.n};
    assert_non_null(c.p);
    if (b.n)
        memcpy(c.p, b.p, b.n);
    return c;
}

static void snapshot(void)
{
    if (!recording)
        return;
    assert_true(nsnaps < MAX_SNAPS);
    snap_t *s = &snaps[nsnaps++];
    for (int k = 0; k < 2; k++) {
        s->disk[k] = copy(files[k].disk);
        s->now[k] = slurp(files[k].path);
        s->ndirty[k] = files[k].ndirty;
        s->dirty[k] = calloc(files[k].ndirty + 1, 1);
        assert_non_null(s->dirty[k]);
        if (files[k].ndirty)
            memcpy(s->dirty[k], files[k].dirty, files[k].ndirty);
    }
    s->lo = acked;
    s->hi = acked + in_flight;
    s->codes = codes;
}

/* Everything written so far is on the disk. */
static void settle(void)
{
    for (int k = 0; k < 2; k++) {
        free(files[k].disk.p);
        files[k].disk = slurp(files[k].path);
        memset(files[k].dirty, 0, files[k].ndirty);
    }
}

#define REAL(f) (((dfile_t *)(f))->real)

/* The methods that only pass the call on to the system's file. */
#define FORWARD(type, name, method, params, args) \
    static type name params { return REAL(f)->pMethods->method args; }
FORWARD(int, d_close, xClose, (sqlite3_file *f), (REAL(f)))
FORWARD(int, d_read, xRead, (sqlite3_file *f, void *b, int n, sqlite3_int64 o), (REAL(f), b, n, o))
FORWARD(int, d_truncate, xTruncate, (sqlite3_file *f, sqlite3_int64 n), (REAL(f), n))
FORWARD(int, d_size, xFileSize, (sqlite3_file *f, sqlite3_int64 *n), (REAL(f), n))
FORWARD(int, d_lock, xLock, (sqlite3_file *f, int l), (REAL(f), l))
FORWARD(int, d_unlock, xUnlock, (sqlite3_file *f, int l), (REAL(f), l))
FORWARD(int, d_reserved, xCheckReservedLock, (sqlite3_file *f, int *o), (REAL(f), o))
FORWARD(int, d_control, xFileControl, (sqlite3_file *f, int op, void *a), (REAL(f), op, a))
FORWARD(int, d_sector, xSectorSize, (sqlite3_file *f), (REAL(f)))
FORWARD(int, d_device, xDeviceCharacteristics, (sqlite3_file *f), (REAL(f)))
FORWARD(int, d_shm_map, xShmMap, (sqlite3_file *f, int i, int sz, int ext, void volatile **pp),
        (REAL(f), i, sz, ext, pp))
FORWARD(int, d_shm_lock, xShmLock, (sqlite3_file *f, int off, int n, int fl), (REAL(f), off, n, fl))
FORWARD(int, d_shm_unmap, xShmUnmap, (sqlite3_file *f, int del), (REAL(f), del))
FORWARD(int, d_fetch, xFetch, (sqlite3_file *f, sqlite3_int64 o, int n, void **pp),
        (REAL(f), o, n, pp))
FORWARD(int, d_unfetch, xUnfetch, (sqlite3_file *f, sqlite3_int64 o, void *p), (REAL(f), o, p))

static int d_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    disk_file_t *df = ((dfile_t *)f)->f;
    size_t last = (size_t)((o + n - 1) / PG);
    if (last >= df->ndirty) {
        df->dirty = realloc(df->dirty, last + 1);
        assert_non_null(df->dirty);
        memset(df->dirty + df->ndirty, 0, last + 1 - df->ndirty);
        df->ndirty = last + 1;
    }
    for (size_t p = (size_t)(o / PG); p <= last; p++)
        df->dirty[p] = 1;
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}

static void d_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int d_sync(sqlite3_file *f, int flags)
{
    disk_file_t *df = ((dfile_t *)f)->f;
    snapshot();   /* a power cut just before this sync */
    int rc = REAL(f)->pMethods->xSync(REAL(f), flags);
    free(df->disk.p);
    df->disk = slurp(df->path);
    memset(df->dirty, 0, df->ndirty);
    df->syncs++;
    return rc;
}

static const sqlite3_io_methods disk_methods = {
    3, d_close, d_read, d_write, d_truncate, d_sync, d_size, d_lock, d_unlock, d_reserved,
    d_control, d_sector, d_device, d_shm_map, d_shm_lock, d_shm_barrier, d_shm_unmap, d_fetch,
    d_unfetch,
};

static int d_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v;
    int k = flags & SQLITE_OPEN_MAIN_DB ? 0 : flags & SQLITE_OPEN_WAL ? 1 : -1;
    size_t len = name ? strlen(name) : 0;
    if (k == 0 && !files[0].path && len > 5 && strcmp(name + len - 5, "/t.db") == 0) {
        files[0].path = util_fmt("%s", name);   /* testdb's database: the one to watch */
        files[1].path = util_fmt("%s-wal", name);
    }
    if (k < 0 || !name || !files[0].path ||
        strncmp(name, files[0].path, strlen(files[0].path)) != 0)
        return sys_vfs->xOpen(sys_vfs, name, f, flags, out);
    dfile_t *d = (dfile_t *)f;
    d->base.pMethods = NULL;
    d->real = (sqlite3_file *)(d + 1);
    d->f = &files[k];
    int rc = sys_vfs->xOpen(sys_vfs, name, d->real, flags, out);
    if (rc == SQLITE_OK)
        d->base.pMethods = &disk_methods;
    return rc;
}

/* ---- what a power cut could leave, and whether SQLite recovers it ---- */

/* The disk's image of file k with the pages of pick (1 = written since,
 * and kept) taken from the file as it is; all: the file as it is. */
static bytes_t image(const snap_t *s, int k, const unsigned char *pick, int all)
{
    if (all)
        return copy(s->now[k]);
    bytes_t b = copy(s->disk[k]);
    for (size_t p = 0; p < s->ndirty[k]; p++) {
        if (!pick[p] || p * PG >= s->now[k].n)
            continue;
        size_t end = (p + 1) * PG < s->now[k].n ? (p + 1) * PG : s->now[k].n;
        if (end > b.n) {
            b.p = realloc(b.p, end);
            assert_non_null(b.p);
            memset(b.p + b.n, 0, end - b.n);
            b.n = end;
        }
        memcpy(b.p + p * PG, s->now[k].p + p * PG, end - p * PG);
    }
    return b;
}

static void put(const char *path, bytes_t b)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (b.n)
        assert_int_equal(fwrite(b.p, 1, b.n, fp), b.n);
    fclose(fp);
    free(b.p);
}

static long one(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Recovers the database from these two images and checks it. */
static void recover(const char *dir, const snap_t *s, bytes_t db_img, bytes_t wal_img)
{
    char *path = util_fmt("%s/c.db", dir), *wal = util_fmt("%s/c.db-wal", dir),
         *shm = util_fmt("%s/c.db-shm", dir);
    put(path, db_img);
    put(wal, wal_img);
    unlink(shm);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, "unix"), SQLITE_OK);
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);   /* no syncs: a check */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    long n = one(db, "SELECT count(*) FROM responses");
    assert_int_equal(n, one(db, "SELECT count(*) FROM tokens WHERE used"));
    assert_in_range(n, s->lo, s->hi);
    assert_int_equal(one(db, "SELECT count(*) FROM tokens"), s->codes);
    sqlite3_close(db);
    recovered++;
    free(path);
    free(wal);
    free(shm);
}

/* The power cuts a snapshot stands for: the database's pages written since
 * its last sync all lost or all kept; the WAL's all lost, all kept, all
 * but its first page (the header) kept, only that one, and each one alone
 * (an old header with a run of old frames ending at a new or zeroed one:
 * what walwipe must never let recovery replay when the run ends at an
 * older commit). */
static void check_snapshots(const char *dir)
{
    for (int i = 0; i < nsnaps; i++) {
        snap_t *s = &snaps[i];
        size_t nw = s->ndirty[1];
        unsigned char *pick = calloc(nw + 1, 1);
        assert_non_null(pick);
        int dbdirty = memchr(s->dirty[0], 1, s->ndirty[0]) != NULL;
        for (int dball = 0; dball <= dbdirty; dball++) {
            for (size_t c = 0; c < 4 + nw; c++) {
                if (c >= 4 && !s->dirty[1][c - 4])
                    continue;
                for (size_t p = 0; p < nw; p++) {
                    int d = s->dirty[1][p];
                    pick[p] = c == 0   ? 0
                              : c == 1 ? d
                              : c == 2 ? d && p != 0
                              : c == 3 ? d && p == 0
                                       : p == c - 4;
                }
                recover(dir, s, image(s, 0, s->dirty[0], dball), image(s, 1, pick, 0));
            }
        }
        free(pick);
        for (int k = 0; k < 2; k++) {
            free(s->disk[k].p);
            free(s->now[k].p);
            free(s->dirty[k]);
        }
    }
    nsnaps = 0;
}

/* ---- the test ---- */

typedef struct {
    testdb_t db;
    int *ids;
    size_t nids;
    char crash[64];
    int next_code;
} fixture_t;

static int setup(void **state)
{
    fixture_t *x = util_xcalloc(1, sizeof *x);
    err_t err = {0};
    testdb_open(&x->db, form_csv, "U01");
    testdb_codes(&x->db, 12);
    assert_int_equal(store_item_ids(x->db.s, x->db.form, &x->ids, &x->nids, &err), 0);
    /* the recovered images are scratch: in memory where there is a tmpfs */
    strcpy(x->crash, "/dev/shm/gs-crash-XXXXXX");
    if (!mkdtemp(x->crash)) {
        strcpy(x->crash, "/tmp/gs-crash-XXXXXX");
        assert_non_null(mkdtemp(x->crash));
    }
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *x = *state;
    testdb_rm(x->crash);
    free(x->ids);
    testdb_close(&x->db);
    free(x);
    return 0;
}

/* The WAL is at its length and all zeros. */
static void assert_wal_wiped(const fixture_t *x)
{
    char *wal = util_fmt("%s-wal", x->db.path);
    bytes_t b = slurp(wal);
    assert_true(b.n > 32);
    for (size_t i = 0; i < b.n; i++)
        if (b.p[i]) {
            fprintf(stderr, "WAL byte %zu of %zu is not zero\n", i, b.n);
            fail();
        }
    free(b.p);
    free(wal);
}

/* One group commit of n submissions, as the web writer makes it, with
 * new codes or (spent) with codes used already, which store nothing; then
 * every power cut during it is recovered, it made wal_syncs syncs of the
 * WAL and one of the database, and the WAL is wiped. */
static void group_commit(fixture_t *x, int n, int spent, int wal_syncs)
{
    ans_t *a[8];
    ans_submission_t sub[8], *p[8];
    char hash[8][16];
    err_t m = {0};
    assert_true(n <= 8);
    for (int i = 0; i < n; i++) {
        a[i] = ans_new(x->db.f);
        assert_int_equal(ans_set(a[i], 0, "2", &m), 0);
        assert_int_equal(ans_set(a[i], 1, "a comment", &m), 0);
        snprintf(hash[i], sizeof hash[i], "h%d", spent ? i : x->next_code++);
        sub[i] = (ans_submission_t){a[i], x->db.form, x->ids, x->db.wave, x->db.unit, "web",
                                    hash[i], NULL, 0, {0}};
        p[i] = &sub[i];
    }
    int before[2] = {files[0].syncs, files[1].syncs};
    in_flight = spent ? 0 : n;
    ans_submit_many(x->db.s, p, (size_t)n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(sub[i].rc, spent ? 1 : 0);
        err_clear(&sub[i].err);
        ans_free(a[i]);
    }
    acked += in_flight;   /* the thank-you pages go out now */
    in_flight = 0;
    snapshot();
    check_snapshots(x->crash);
    assert_int_equal(files[1].syncs - before[1], wal_syncs);
    assert_int_equal(files[0].syncs - before[0], 1);
    assert_wal_wiped(x);
}

/* Another connection (as `token issue` while the server runs) adds a code:
 * a commit of its own, which does not empty the WAL while that connection
 * is open (its close checkpoints: other_close).  Returns it. */
static store_t *other_adds_code(fixture_t *x, const char *hash)
{
    store_t *other;
    err_t err = {0};
    assert_int_equal(store_open(x->db.path, 0, &other, &err), 0);
    recording = 0;   /* its own commit is SQLite's business */
    assert_int_equal(store_token_add(other, hash, x->db.form, x->db.unit, x->db.wave, &err), 0);
    codes++;
    recording = 1;
    return other;
}

/* Closes it after the group commit that found its commit in the WAL. */
static void other_close(store_t *other)
{
    recording = 0;
    store_close(other);
    recording = 1;
}

static void test_power_cuts(void **state)
{
    fixture_t *x = *state;
    err_t err = {0};
    assert_int_equal(store_sync_at_checkpoint(x->db.s, &err), 0);
    /* the setup's commits are on the disk and fully copied into the main
     * file, the WAL not emptied: the first group commit restarts the log
     * over a header that was not wiped */
    sqlite3 *raw;
    assert_int_equal(sqlite3_open_v2(x->db.path, &raw, SQLITE_OPEN_READWRITE, "gapsurvey-walwipe"),
                     SQLITE_OK);
    int log = -1, done = -1;
    assert_true(one(raw, "SELECT count(*) FROM sqlite_master") > 0);   /* opens the WAL */
    assert_int_equal(sqlite3_wal_checkpoint_v2(raw, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done),
                     SQLITE_OK);
    assert_true(log > 0);
    assert_int_equal(log, done);
    sqlite3_close(raw);
    settle();
    codes = 12;
    recording = 1;

    /* the new header over an old one is synced (SQLite's rule), then the
     * checkpoint's syncs of the WAL and the database */
    group_commit(x, 2, 0, 2);
    /* steady state: a new header over a wiped one needs no sync, the commit
     * none of its own (synchronous=NORMAL), the log held one commit so its
     * wipe none: the WAL's sync before the checkpoint copies it, and the
     * database's after */
    group_commit(x, 1, 0, 1);
    group_commit(x, 2, 0, 1);
    /* a commit that does not empty the log (a code issued by another
     * connection), then a group commit: the log holds two commits, so its
     * zeroed header is synced before the frames are wiped */
    store_t *other = other_adds_code(x, "late");
    group_commit(x, 2, 0, 2);
    other_close(other);
    /* the other connection's frames past all this connection wrote: a
     * group commit that stores nothing (spent codes) still checkpoints,
     * and its wipe finds them and zeroes them too */
    other = other_adds_code(x, "later");
    group_commit(x, 2, 1, 1);
    other_close(other);
    assert_int_equal(testdb_count(&x->db, "SELECT count(*) FROM responses"), acked);
    recording = 0;
    printf("%d power cuts recovered\n", recovered);
}

/* A log grown past what is worth keeping (an import's, a VACUUM's) is
 * truncated when it is emptied, not zeroed and kept on the disk. */
static void test_long_log_truncated(void **state)
{
    (void)state;
    testdb_t db;
    err_t err = {0};
    testdb_open(&db, form_csv, "U01");
    assert_int_equal(store_begin(db.s, &err), 0);
    char hash[72];   /* as long as a real one (SHA-256 in hex) */
    for (int i = 0; i < 30000; i++) {
        snprintf(hash, sizeof hash, "%064d", i);
        assert_int_equal(store_token_add(db.s, hash, db.form, db.unit, db.wave, &err), 0);
    }
    assert_int_equal(store_commit(db.s, &err), 0);
    char *wal = util_fmt("%s-wal", db.path);
    bytes_t b = slurp(wal);
    assert_true(b.n > 2 << 20);
    free(b.p);
    assert_int_equal(store_begin(db.s, &err), 0);
    snprintf(hash, sizeof hash, "%064d", 7);
    assert_int_equal(store_token_use(db.s, hash, &err), 0);
    assert_int_equal(store_commit(db.s, &err), 0);
    b = slurp(wal);
    assert_int_equal(b.n, 0);
    free(b.p);
    free(wal);
    testdb_close(&db);
}

/* The disk goes below everything gapsurvey opens: registered as the
 * default before the first store_open, which puts walwipe on top. */
static int disk_register(void **state)
{
    (void)state;
    sys_vfs = sqlite3_vfs_find(NULL);
    disk_vfs = *sys_vfs;
    disk_vfs.zName = "test-disk";
    disk_vfs.szOsFile = (int)sizeof(dfile_t) + sys_vfs->szOsFile;
    disk_vfs.xOpen = d_open;
    disk_vfs.pNext = NULL;
    return sqlite3_vfs_register(&disk_vfs, 1) == SQLITE_OK ? 0 : -1;
}

TEST_MAIN_GROUP(disk_register, NULL,
    cmocka_unit_test_setup_teardown(test_power_cuts, setup, teardown),
    cmocka_unit_test(test_long_log_truncated))
