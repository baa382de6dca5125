/*
 * fs: directories, atomic whole-file writes and the search for shipped data
 * files (see fs.h).
 *
 * Atomic writes follow the usual recipe (git's lockfiles, SQLite's journal
 * names): the temporary file sits in the target's own directory, because
 * rename(2) is atomic only within one file system; it is fsync'ed before
 * the rename, or a crash soon after could leave the new name pointing at
 * an empty file on file systems that reorder the two.  The directory itself
 * is not synced: after a crash the old file may come back, but never a
 * torn one, which is the promise made.
 */
#include "base/fs.h"
#include "base/i18n.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

int fs_mkdir_p(const char *path, err_t *err)
{
    char *p = util_xstrdup(path);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char save = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                err_set(err, ERR_IO, _("%s: cannot create directory: %s"), p, strerror(errno));
                rc = -1;
                break;
            }
            *s = save;
            if (!save)
                break;
        }
    }
    free(p);
    return rc;
}

char *fs_temp_name(const char *path)
{
    /* the process id keeps two gapsurvey runs writing the same file apart */
    return util_fmt("%s.tmp%ld", path, (long)getpid());
}

int fs_commit(const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int bad = fsync(fd) != 0;
    int saved = errno;
    close(fd);
    if (bad) {
        errno = saved;
        return -1;
    }
    return rename(tmp, path);
}

int fs_write_atomic(const char *path, const void *data, size_t len, err_t *err)
{
    char *tmp = fs_temp_name(path);
    int rc = -1;
    /* 0666 and the umask, as fopen would create it */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        err_set(err, ERR_IO, _("%s: cannot write: %s"), path, strerror(errno));
        goto cleanup;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (left > 0 || fsync(fd) != 0) {
        err_set(err, ERR_IO, _("%s: write failed: %s"), path, strerror(errno));
        close(fd);
        goto cleanup;
    }
    if (close(fd) != 0) {
        err_set(err, ERR_IO, _("%s: write failed: %s"), path, strerror(errno));
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        err_set(err, ERR_IO, _("%s: cannot write: %s"), path, strerror(errno));
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc != 0 && fd >= 0)     /* the temporary file exists (fd is closed by now) */
        unlink(tmp);
    free(tmp);
    return rc;
}

char *fs_find_data(const char *rel)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *env = getenv("GAPSURVEY_DATA");
    char *cands[6] = {0};
    size_t k = 0;
    if (env && *env)
        cands[k++] = util_fmt("%s/%s", env, rel);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        cands[k++] = util_fmt("%s/../share/gapsurvey/%s", exe, rel);
        cands[k++] = util_fmt("%s/../%s", exe, rel);   /* build/gapsurvey in the tree */
        cands[k++] = util_fmt("%s/%s", exe, rel);
    }
    cands[k++] = util_xstrdup(rel);
    char *found = NULL;
    for (size_t i = 0; i < k; i++) {
        if (!found && access(cands[i], R_OK) == 0)
            found = cands[i];
        else
            free(cands[i]);
    }
    return found;
}
