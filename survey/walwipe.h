/*
 * walwipe: the SQLite VFS gapsurvey opens its databases with, the
 * system's own except that an emptied write-ahead log is overwritten with
 * zeros in place instead of truncated (walwipe.c says why).
 */
#ifndef GS_WALWIPE_H
#define GS_WALWIPE_H

/* The VFS's name for sqlite3_open_v2, registered on the first call (call
 * it first from one thread, before any other opens a database); NULL when
 * it could not be, and SQLite's default VFS then serves. */
const char *walwipe_vfs(void);

#endif
