/*
 * export: the driver (see export.h).  It picks the format's writer from one
 * table and makes the write atomic: a file is written under a temporary
 * name beside it and renamed when complete, so a failed export leaves no
 * half file.
 */
#include "survey/export/export.h"
#include "survey/export/writers.h"
#include "base/fs.h"
#include "base/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The writer of each format, indexed by exp_format_t.  A new format: its
 * name in format.c, its writer here, declared in writers.h. */
static const exp_writer_fn writers[] = {
    [EXP_PLAIN] = exp_write_text, [EXP_CSV] = exp_write_text, [EXP_JSON] = exp_write_text,
    [EXP_SAV] = exp_write_stat,   [EXP_DTA] = exp_write_stat, [EXP_XLSX] = exp_write_xlsx,
};

int exp_write(store_t *s, const form_t *f, const char *form_id, int wave, const exp_opts_t *o,
              exp_stats_t *st, err_t *err)
{
    memset(st, 0, sizeof *st);
    /* written beside the target and renamed over it at the end, so a
     * failed export never leaves half a file under the name asked for */
    char *tmp = o->path ? fs_temp_name(o->path) : NULL;
    int rc;
    if (tmp) {
        /* say which file cannot be written, not which temporary name */
        FILE *probe = fopen(tmp, "wb");
        if (!probe) {
            err_set(err, ERR_IO, _("cannot write %s: %s"), o->path, strerror(errno));
            free(tmp);
            return -1;
        }
        fclose(probe);
    }
    rc = writers[o->format](s, f, form_id, wave, o, tmp, st, err);
    if (tmp) {
        if (rc == 0 && fs_commit(tmp, o->path) != 0) {
            err_set(err, ERR_IO, _("cannot write %s: %s"), o->path, strerror(errno));
            rc = -1;
        }
        if (rc != 0)
            remove(tmp);
        free(tmp);
    }
    return rc;
}
