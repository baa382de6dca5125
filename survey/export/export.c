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

/* One file: written beside its name and renamed when complete. */
static int write_file(store_t *s, const form_t *f, const char *form_id, int wave,
                      const exp_opts_t *o, exp_stats_t *st, err_t *err)
{
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

/* The file of a repeat's table: out.csv -> out-events.csv. */
static char *repeat_path(const char *path, const char *repeat)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : path))
        return util_fmt("%s-%s", path, repeat);
    return util_fmt("%.*s-%s%s", (int)(dot - path), path, repeat, dot);
}

int exp_write(store_t *s, const form_t *f, const char *form_id, int wave, const exp_opts_t *o,
              exp_stats_t *st, err_t *err)
{
    memset(st, 0, sizeof *st);
    if (!exp_has_repeats(f))
        return write_file(s, f, form_id, wave, o, st, err);
    if (!o->path) {
        err_set(err, ERR_FAIL, _("form %s has repeats, which are written as files of their own "
                                 "beside the main one: name the main file with -o FILE"),
                f->form_id);
        return -1;
    }
    exp_opts_t to = *o;
    exp_table_t *t = exp_table_new(f, -1);
    to.table = t;
    int rc = write_file(s, &t->form, form_id, wave, &to, st, err);
    exp_table_free(t);
    util_buf_t also = {0};
    for (size_t i = 0; i < f->nitems && rc == 0; i++) {
        if (f->items[i].type != FORM_BEGIN_REPEAT)
            continue;
        exp_stats_t rst = {0};
        t = exp_table_new(f, (long)i);
        to.table = t;
        to.path = repeat_path(o->path, f->items[i].name);
        rc = write_file(s, &t->form, form_id, wave, &to, &rst, err);
        util_buf_addf(&also, "%s%s", also.len ? ", " : "", to.path);
        st->truncated += rst.truncated;
        st->unlisted += rst.unlisted;
        free((char *)to.path);
        exp_table_free(t);
    }
    st->tables = util_buf_take(&also);
    return rc;
}
