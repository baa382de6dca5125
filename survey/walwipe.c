/*
 * walwipe: the SQLite VFS every gapsurvey connection opens its database
 * with.  It is the system's own VFS with two changes to the write-ahead
 * log, both for the no-history rule (DESIGN.md section 4), which
 * checkpoints and empties the log after every write that uses a code or a
 * draft (forget() in survey/store.c; the web server: after every group
 * commit):
 *
 * 1. Emptied, the log is overwritten with zeros, keeping its length and
 *    its disk blocks, instead of being truncated.  Truncated, it lost its
 *    blocks every time and the next commit allocated them again, so every
 *    sync of the log also committed the file system's journal (ext4: the
 *    blocks and the size); the first sync after a truncation, of a 32-byte
 *    header, took 2-6 ms on this machine's disk.  Overwritten in place, a
 *    sync of the log writes data only.
 * 2. The sync SQLite makes of a new log header before the log's first
 *    frames is left out when the file it overwrites was emptied by (1):
 *    one device flush fewer per group commit (3 -> 2 with the web
 *    writer's synchronous=NORMAL).
 *
 * Zeros are as good as truncation for the history: a log whose header is
 * zeros is no log (SQLite recovers nothing from it; the checkpoint has
 * copied and synced every page into the main file already), and a frame
 * of zeros ends a log's valid frames, so after the next commit's frames
 * nothing SQLite or anyone reading the file could take for an earlier
 * state is left.  SQLite calls xTruncate on the log when truncation is
 * safe (it holds the write lock and every reader lock but the first, so
 * nobody reads or writes a frame); zeroing there is safe for the same
 * reason.
 *
 * And after a power cut, when writes not yet synced may reach the disk in
 * any order and any of them may be lost.  The zeros are not synced (nor
 * was SQLite's truncation): the next sync of the log carries them to the
 * disk.  Until then the disk may hold the old header with some frames
 * zeroed, or overwritten by the next commit's frames, and others not, and
 * recovery would replay the old frames up to the first one that is not.
 * That is harmless when the old log held one commit: a run of its frames
 * either ends at that commit, whose pages the checkpoint has synced into
 * the main file before the wipe (replaying them writes what is there), or
 * holds no commit and is ignored.  A log holding several commits (another
 * process's besides this connection's, or commits whose checkpoint had to
 * wait) could be replayed up to an earlier one and turn pages of the
 * database back; then the zeroed header is synced before any frame is
 * touched, and with no header on the disk nothing is replayed.  Either
 * way the disk is safe to overwrite without SQLite's header sync: SQLite
 * makes that sync so that a restarted log's frames never reach the disk
 * while an older log's header is there that could validate a run of older
 * frames ending at an older commit, and after (1) there is either no such
 * header on the disk or its log held one commit.  So the header sync is
 * left out when the 32 bytes it overwrites are zeros in a file at least
 * that long (only a wipe leaves them so; a file truncated by another
 * program reads short and keeps the sync).
 *
 * The zeros go from the new end to the end of the file, whoever wrote
 * there (another process may have: the terminal's `run`, an import, one
 * that crashed); what this connection did not write itself is read first
 * and left alone where it is zeros already (rewritten, it would be carried
 * to the disk again).  A log grown past WIPE_KEEP_MAX (a bulk import, a
 * VACUUM) is truncated as before, so the disk does not keep it, and it is
 * not read back, for ever.  Every other file (the database, its -shm) is
 * the system VFS's own.
 */
#include "survey/walwipe.h"

#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#define WIPE_KEEP_MAX (2 << 20)   /* a longer log is truncated, not zeroed */
#define WIPE_CHUNK 16384          /* on the stack of the writing thread */
#define WAL_HEADER 32             /* a log's header: magic, version, page size, ..., salts */
#define FRAME_HEADER 24           /* a frame's: page, size after commit (0: none), salts */

/* A log file: ours in front, the system VFS's file right behind it in the
 * same allocation (SQLite allocates szOsFile bytes; both are freed with it). */
typedef struct {
    sqlite3_file base;            /* pMethods = &wipe_methods */
    sqlite3_file *real;           /* the system VFS's file, (wipe_file_t *)this + 1 */
    sqlite3_int64 hwm;            /* this connection wrote below here since its last wipe */
    int skip_sync;                /* the next sync is a new header's over a wiped one */
} wipe_file_t;

static sqlite3_vfs *sys_vfs;      /* the system VFS, whose functions do the work */
static sqlite3_vfs wipe_vfs;
static const char *wipe_name;     /* NULL until registered */
static const unsigned char zeros[WIPE_CHUNK];

#define REAL(f) (((wipe_file_t *)(f))->real)

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads n bytes at off; a short read (past the end) counts, as zeros. */
static int read_at(sqlite3_file *real, void *buf, int n, sqlite3_int64 off)
{
    int rc = real->pMethods->xRead(real, buf, n, off);
    return rc == SQLITE_IOERR_SHORT_READ ? SQLITE_OK : rc;
}

static int w_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int w_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int w_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    wipe_file_t *w = (wipe_file_t *)f;
    w->skip_sync = 0;
    if (off == 0 && n == WAL_HEADER) {
        /* a new log's header, which SQLite writes alone and then syncs:
         * needless over a wiped header (top of the file) */
        unsigned char cur[WAL_HEADER];
        sqlite3_int64 len;
        w->skip_sync = w->real->pMethods->xFileSize(w->real, &len) == SQLITE_OK &&
                       len >= WAL_HEADER &&
                       w->real->pMethods->xRead(w->real, cur, WAL_HEADER, 0) == SQLITE_OK &&
                       memcmp(cur, zeros, WAL_HEADER) == 0;
    }
    int rc = w->real->pMethods->xWrite(w->real, buf, n, off);
    if (off + n > w->hwm)
        w->hwm = off + n;         /* even when it failed: part may be written */
    if (rc != SQLITE_OK)
        w->skip_sync = 0;
    return rc;
}

/* Commit frames of the log whose header is hdr, in a file of len bytes:
 * 0, 1, or 2 meaning more than one (or what cannot be read: counted as
 * the worst).  Recovery stops at the first frame of another log (other
 * salts), so the count does too. */
static int commits(sqlite3_file *real, const unsigned char *hdr, sqlite3_int64 len)
{
    uint32_t ps = get32(hdr + 8);
    if (ps == 1)
        ps = 65536;
    if (ps < 512 || ps > 65536 || (ps & (ps - 1)))
        return 2;
    int n = 0;
    unsigned char fh[FRAME_HEADER];
    for (sqlite3_int64 off = WAL_HEADER; off + FRAME_HEADER <= len && n < 2;
         off += FRAME_HEADER + ps) {
        if (read_at(real, fh, FRAME_HEADER, off) != SQLITE_OK)
            return 2;
        if (memcmp(fh + 8, hdr + 16, 8) != 0)
            break;
        if (get32(fh + 4) != 0)
            n++;
    }
    return n;
}

/* Zeros over [off, len); where check, a chunk already all zeros is read
 * and left alone. */
static int zero_range(sqlite3_file *real, sqlite3_int64 off, sqlite3_int64 len, int check)
{
    unsigned char buf[WIPE_CHUNK];
    for (sqlite3_int64 n; off < len; off += n) {
        n = len - off < WIPE_CHUNK ? len - off : WIPE_CHUNK;
        if (check && read_at(real, buf, (int)n, off) == SQLITE_OK &&
            memcmp(buf, zeros, (size_t)n) == 0)
            continue;
        int rc = real->pMethods->xWrite(real, zeros, (int)n, off);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/* Empties a log of len bytes: the header (synced first when the log held
 * more than one commit: top of the file), then what this connection
 * wrote, then what lies past it where it is not zeros already. */
static int wipe(wipe_file_t *w, sqlite3_int64 len)
{
    const sqlite3_io_methods *m = w->real->pMethods;
    unsigned char hdr[WAL_HEADER] = {0};
    int rc = read_at(w->real, hdr, WAL_HEADER, 0);
    if (rc != SQLITE_OK)
        return rc;
    if (memcmp(hdr, zeros, WAL_HEADER) != 0) {
        int several = commits(w->real, hdr, len) > 1;
        if ((rc = m->xWrite(w->real, zeros, WAL_HEADER, 0)) != SQLITE_OK)
            return rc;
        if (several && (rc = m->xSync(w->real, SQLITE_SYNC_NORMAL)) != SQLITE_OK) {
            /* the header goes back: zeros that are not on the disk must
             * not let the next header skip its sync */
            m->xWrite(w->real, hdr, WAL_HEADER, 0);
            return rc;
        }
    }
    sqlite3_int64 own = w->hwm < len ? w->hwm : len;
    if (own < WAL_HEADER)
        own = WAL_HEADER;
    if ((rc = zero_range(w->real, WAL_HEADER, own, 0)) != SQLITE_OK)
        return rc;
    return zero_range(w->real, own, len, 1);
}

/* The change: a log cut to size is zeros from size to its end instead,
 * its length kept; one grown past WIPE_KEEP_MAX is truncated. */
static int w_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    wipe_file_t *w = (wipe_file_t *)f;
    const sqlite3_io_methods *m = w->real->pMethods;
    sqlite3_int64 len;
    int rc;
    w->skip_sync = 0;
    if (m->xFileSize(w->real, &len) != SQLITE_OK || len > WIPE_KEEP_MAX)
        rc = m->xTruncate(w->real, size);   /* as SQLite meant it */
    else if (size == 0)
        rc = len > 0 ? wipe(w, len) : SQLITE_OK;
    else   /* a limit on the log's length (journal_size_limit): older frames past it */
        rc = zero_range(w->real, size, len, 1);
    if (rc == SQLITE_OK && w->hwm > size)
        w->hwm = size;            /* else the next truncation wipes it all again */
    return rc;
}

static int w_sync(sqlite3_file *f, int flags)
{
    wipe_file_t *w = (wipe_file_t *)f;
    if (w->skip_sync) {
        w->skip_sync = 0;
        return SQLITE_OK;         /* a new header over a wiped one: top of the file */
    }
    return w->real->pMethods->xSync(w->real, flags);
}

static int w_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int w_lock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int w_unlock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int w_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int w_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int w_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int w_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

/* Version 1: a log is never memory-mapped and has no shared memory (that
 * is the database file's -shm, opened through the database file). */
static const sqlite3_io_methods wipe_methods = {
    1, w_close, w_read, w_write, w_truncate, w_sync, w_size, w_lock, w_unlock, w_reserved,
    w_control, w_sector, w_device, NULL, NULL, NULL, NULL, NULL, NULL,
};

static int w_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL))
        return sys_vfs->xOpen(sys_vfs, name, f, flags, out);   /* the system's file, as is */
    wipe_file_t *w = (wipe_file_t *)f;
    memset(w, 0, sizeof *w);
    w->real = (sqlite3_file *)(w + 1);
    int rc = sys_vfs->xOpen(sys_vfs, name, w->real, flags, out);
    if (rc != SQLITE_OK) {
        if (w->real->pMethods)
            w->real->pMethods->xClose(w->real);
        return rc;
    }
    w->base.pMethods = &wipe_methods;
    return SQLITE_OK;
}

const char *walwipe_vfs(void)
{
    if (wipe_name || !(sys_vfs = sqlite3_vfs_find(NULL)))
        return wipe_name;
    wipe_vfs = *sys_vfs;   /* its other functions (and their pAppData) serve as they are */
    wipe_vfs.zName = "gapsurvey-walwipe";
    wipe_vfs.szOsFile = (int)sizeof(wipe_file_t) + sys_vfs->szOsFile;
    wipe_vfs.xOpen = w_open;
    wipe_vfs.pNext = NULL;
    if (sqlite3_vfs_register(&wipe_vfs, 0) == SQLITE_OK)
        wipe_name = wipe_vfs.zName;
    return wipe_name;
}
