/*
 * testerr: an error's position and message as one string, "line L, column
 * C: message" (or "line L: message"), so that the tables of expected
 * reader errors stay one readable string a case while the test still
 * checks that the position arrives in the fields and not in the text.
 */
#ifndef GS_TESTERR_H
#define GS_TESTERR_H

#include "base/err.h"
#include "base/util.h"

/* Heap; NULL when e holds no error. */
static inline char *testerr_pos(const err_t *e)
{
    if (!e || e->code == ERR_OK)
        return NULL;
    if (e->line > 0 && e->col > 0)
        return util_fmt("line %ld, column %ld: %s", e->line, e->col, e->msg);
    if (e->line > 0)
        return util_fmt("line %ld: %s", e->line, e->msg);
    return util_xstrdup(e->msg);
}

#endif
