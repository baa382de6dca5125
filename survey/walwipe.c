/*
 * walwipe: the SQLite VFS every gapsurvey connection opens its database
 * with.  It is the system's own VFS with one change: when SQLite cuts a
 * write-ahead log short (the TRUNCATE checkpoint that follows every write
 * using a code or a draft, forget() in survey/store.c), the log's bytes
 * past the new end are overwritten with zeros and the file keeps its
 * length and its disk blocks, instead of being truncated.
 *
 * Why: the no-history rule (DESIGN.md section 4) checkpoints and empties
 * the WAL after every group commit of the web server.  Truncated, the log
 * lost its blocks each time, and the next commit allocated them again, so
 * every fdatasync of the log also had to commit the file system's journal
 * (ext4: block allocation, file size); the log's first write after the
 * truncation, a 32-byte header, cost 2-6 ms on this machine's disk.
 * Overwritten in place, the log's syncs write data only.
 *
 * Why zeros are as good as truncation: a log whose first bytes are zeros
 * has no valid header, so SQLite recovers nothing from it (the checkpoint
 * has already copied and synced every page into the main file), and a
 * frame of zeros ends a log's valid frames, so the frames the next commit
 * writes from offset 32 are followed by nothing SQLite or anyone reading
 * the file could take for an earlier state.  SQLite calls xTruncate on the
 * log at the moment truncation is safe (it holds the write lock and every
 * reader lock past the first, so nobody reads or writes a frame), and
 * zeroing there is safe for the same reason.
 *
 * And after a power cut: the zeros are not synced (neither is SQLite's
 * truncation); the next commit's sync of its new header carries them to
 * the disk.  Until then the disk may hold the old header with some frames
 * zeroed and others not, and recovery would replay the frames before the
 * first zeroed one.  That is harmless when the log held one commit: a
 * prefix of its frames either ends at that commit, whose pages the
 * checkpoint has already synced into the main file (so replaying them
 * writes what is there), or holds no commit and is ignored.  A log holding
 * several commits (another process's besides this connection's, or
 * commits whose checkpoint had to wait) could be replayed up to an earlier
 * one and turn pages of the database back; so then the header is zeroed
 * and synced first, before any frame is touched, and with no header on
 * the disk nothing is replayed.  (SQLite syncs a restarted log's new
 * header before its frames for the same reason.)  This connection knows
 * the log holds one commit when the header on the file is the one it
 * wrote, it wrote one commit frame after it, and nothing lies past what it
 * wrote.
 *
 * The zeros go from the new end to the end of the file, whoever wrote
 * there (another process may have: the terminal's `run`, an import, or a
 * process that crashed); what this connection did not write itself is read
 * first and left alone where it is zeros already.  A log grown past
 * WIPE_KEEP_MAX (a bulk import, a VACUUM) is truncated as before, so the
 * disk does not keep it, and reading it back, for ever.
 * Every other file (the database, its -shm) is the system VFS's own.
 */
#include "survey/walwipe.h"

#include <sqlite3.h>
#include <string.h>

#define WIPE_KEEP_MAX (2 << 20)   /* a longer log is truncated, not zeroed */
#define WIPE_CHUNK 16384          /* on the stack of the writing thread */
#define WAL_HEADER 32             /* bytes of a log's header */
#define FRAME_HEADER 24           /* bytes of a frame's header, written apart from its page */

/* A log file: ours in front, the system VFS's file right behind it in the
 * same allocation (SQLite allocates szOsFile bytes; both are freed with it). */
typedef struct {
    sqlite3_file base;            /* pMethods = &wipe_methods */
    sqlite3_file *real;           /* the system VFS's file, (wipe_file_t *)this + 1 */
    sqlite3_int64 hwm;            /* this connection wrote below here since its last wipe */
    unsigned char hdr[WAL_HEADER];   /* the last log header this connection wrote */
    int have_hdr;                 /* hdr is set */
    int commits;                  /* commit frames this connection wrote after hdr */
} wipe_file_t;

static sqlite3_vfs *sys_vfs;      /* the system VFS, whose functions do the work */
static sqlite3_vfs wipe_vfs;
static const char *wipe_name;     /* NULL until registered */
static const unsigned char zeros[WIPE_CHUNK];

#define REAL(f) (((wipe_file_t *)(f))->real)

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
    int rc = w->real->pMethods->xWrite(w->real, buf, n, off);
    if (off + n > w->hwm)
        w->hwm = off + n;         /* even when it failed: part may be written */
    const unsigned char *b = buf;
    if (off == 0 && n == WAL_HEADER) {
        memcpy(w->hdr, b, WAL_HEADER);   /* a new log: SQLite writes its header alone */
        w->have_hdr = 1;
        w->commits = 0;
    } else if (off >= WAL_HEADER && n == FRAME_HEADER && (b[4] | b[5] | b[6] | b[7])) {
        w->commits++;             /* a frame header whose "size after commit" is set */
    }
    return rc;
}

/* 1 when the bytes [off, len) of the file are zeros (a short read fills
 * with zeros: the file is shorter). */
static int zero_from(sqlite3_file *real, sqlite3_int64 off, sqlite3_int64 len)
{
    unsigned char buf[WIPE_CHUNK];
    for (sqlite3_int64 n; off < len; off += n) {
        n = len - off < WIPE_CHUNK ? len - off : WIPE_CHUNK;
        int rc = real->pMethods->xRead(real, buf, (int)n, off);
        if ((rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) ||
            memcmp(buf, zeros, (size_t)n) != 0)
            return 0;
    }
    return 1;
}

static int write_zeros(sqlite3_file *real, sqlite3_int64 off, sqlite3_int64 len)
{
    for (sqlite3_int64 n; off < len; off += n) {
        n = len - off < WIPE_CHUNK ? len - off : WIPE_CHUNK;
        int rc = real->pMethods->xWrite(real, zeros, (int)n, off);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/* Empties the log: its header is zeroed (and synced first unless the log
 * holds this connection's one commit: see the top of the file), then what
 * this connection wrote, then whatever lies past that if it is not zeros
 * already (another process's frames: the terminal's `run`, an import, a
 * process that crashed).  Zeros of an earlier wipe are read, not written
 * again, so the next sync does not carry them to the disk again. */
static int wipe(wipe_file_t *w, sqlite3_int64 len)
{
    const sqlite3_io_methods *m = w->real->pMethods;
    unsigned char cur[WAL_HEADER] = {0};
    int rc = m->xRead(w->real, cur, WAL_HEADER, 0);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
        return rc;
    sqlite3_int64 own = w->hwm < len ? w->hwm : len;
    int others = !zero_from(w->real, own > WAL_HEADER ? own : WAL_HEADER, len);
    if (memcmp(cur, zeros, WAL_HEADER) != 0) {
        int one = w->have_hdr && memcmp(cur, w->hdr, WAL_HEADER) == 0 && !others &&
                  w->commits <= 1;
        if ((rc = m->xWrite(w->real, zeros, WAL_HEADER, 0)) != SQLITE_OK ||
            (!one && (rc = m->xSync(w->real, SQLITE_SYNC_NORMAL)) != SQLITE_OK))
            return rc;
    }
    if ((rc = write_zeros(w->real, WAL_HEADER, others ? len : own)) != SQLITE_OK)
        return rc;
    w->have_hdr = 0;
    return SQLITE_OK;
}

/* The change: a log cut to size is zeros from size to its end instead,
 * its length kept; one grown past WIPE_KEEP_MAX is truncated. */
static int w_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    wipe_file_t *w = (wipe_file_t *)f;
    const sqlite3_io_methods *m = w->real->pMethods;
    sqlite3_int64 len;
    int rc;
    if (m->xFileSize(w->real, &len) != SQLITE_OK || len > WIPE_KEEP_MAX)
        rc = m->xTruncate(w->real, size);   /* as SQLite meant it */
    else if (size == 0 && len > 0)
        rc = wipe(w, len);
    else   /* a limit on the log's size (journal_size_limit): past it, old frames */
        rc = size < len && !zero_from(w->real, size, len) ? write_zeros(w->real, size, len)
                                                          : SQLITE_OK;
    if (rc == SQLITE_OK && w->hwm > size)
        w->hwm = size;            /* else the next truncation tries again */
    return rc;
}

static int w_sync(sqlite3_file *f, int flags)
{
    return REAL(f)->pMethods->xSync(REAL(f), flags);
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
    w->base.pMethods = NULL;
    w->real = (sqlite3_file *)(w + 1);
    int rc = sys_vfs->xOpen(sys_vfs, name, w->real, flags, out);
    if (rc != SQLITE_OK) {
        if (w->real->pMethods)
            w->real->pMethods->xClose(w->real);
        return rc;
    }
    w->hwm = 0;
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
