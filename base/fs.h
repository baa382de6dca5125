/*
 * fs: the file-system chores several layers share — creating a directory
 * with its parents, replacing a whole file so that nobody ever reads half
 * of it, and finding the files gapsurvey ships (questionnaires, the sample
 * unit list) wherever the binary was installed or built.
 *
 * Errors come back through err_t (base/err.h) with messages that name the
 * path the user gave (never a temporary name).  Nothing here prints or
 * exits.
 */
#ifndef GS_FS_H
#define GS_FS_H

#include <stddef.h>

#include "base/err.h"

/* Creates path and any missing parents (mkdir -p; an existing directory is
 * fine).  0, or -1 with err "PATH: cannot create directory: why" naming
 * the first part that could not be made. */
int fs_mkdir_p(const char *path, err_t *err);

/* Replaces path with len bytes of data atomically: they go into a
 * temporary file in the same directory, which is synced to disk and then
 * renamed over path, so a reader (or a crash) sees the old file or the
 * whole new one.  0, or -1 with err naming path. */
int fs_write_atomic(const char *path, const void *data, size_t len, err_t *err);

/* The same in two steps, for writers that must open the file by name
 * themselves (ReadStat, libxlsxwriter): fs_temp_name gives the temporary
 * name beside path (heap, caller frees); when the writer is done,
 * fs_commit syncs tmp and renames it over path.  fs_commit returns 0, or
 * -1 with errno set (tmp is left for the caller to remove). */
char *fs_temp_name(const char *path);
int fs_commit(const char *tmp, const char *path);

/* Finds a shipped file such as "questionnaires/staff-opinion.csv": in
 * $GAPSURVEY_DATA, beside the binary's share/gapsurvey, the source tree the
 * binary was built in, then the current directory.  Heap path or NULL. */
char *fs_find_data(const char *rel);

#endif
