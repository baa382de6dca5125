/*
 * import: the import engine behind `gapsurvey import`: one pass over a
 * response file (read by importsrc, its columns mapped by importfmt) that
 * checks every cell against the form, resolves each row's unit, and
 * stores the valid rows in one transaction, committed only when the whole
 * file was valid (or, with skip_invalid, writing the invalid rows to a
 * reject file).  The file is CSV (UTF-8 or GB18030) or an .xlsx workbook
 * (its first sheet).  Each import is a batch (store_import_begin) that can
 * be listed and undone.  A file imported before is recognised by a hash
 * of its decoded text, the same responses from other bytes (line ends,
 * column or row order, encoding, layout, labels) by a hash of the
 * responses.
 *
 * The engine never prints: every problem goes to the problem callback as
 * it is found, progress to the progress callback, and a failure comes back
 * as a non-zero return with err set.  The caller drives it in
 * stages so that it can speak between them:
 *
 *     import_t *im = import_new(store, &opts);
 *     import_read(im, &err)      the pass; problems reported as they come
 *     import_check(im, &err)     imported before?  too many problems?
 *     import_commit(im, &err)    stores (unless dry_run)
 *     import_free(im)            rolls back whatever was not committed
 *
 * Ownership: the import borrows the store and the strings in the options,
 * which must outlive it; messages handed to callbacks are valid only during
 * the call.
 */
#ifndef GS_IMPORT_H
#define GS_IMPORT_H

#include "base/encoding.h"
#include "base/err.h"
#include "survey/import/importfmt.h"
#include "survey/store.h"

typedef struct {
    long line, col;    /* 1-based position of the cell; for a read error where
                          reading stopped, 0 when not known (col 0: the line) */
    const char *msg;   /* translated, without the position */
    int fatal;         /* an encoding or CSV error: reading stopped there */
    const char *sheet; /* an .xlsx file: the sheet read (line is its row number,
                          col its column: show them as Sheet!C12); NULL for CSV */
} import_problem_t;

typedef enum {
    IMPORT_PASS_BEGIN,   /* the pass starts (nothing read yet) */
    IMPORT_PASS_STEP,    /* now and then while reading */
    IMPORT_PASS_DONE,    /* the whole file was read */
    IMPORT_PASS_END,     /* the pass is over, read or not */
} import_event_t;

typedef struct {
    const char *file;          /* the response file, also named in messages */
    const char *form_id;
    imp_format_t want;         /* the layout; IMP_AUTO: told from the header row */
    enc_t encoding;            /* ENC_AUTO: UTF-8 or GB18030, told from the bytes */
    const char *wave;          /* NULL: the newest open wave */
    const char *unit_column;   /* NULL: "unit" */
    int create_units;          /* add unknown unit codes instead of rejecting the row */
    int skip_invalid;          /* store the valid rows, the others go to a reject file */
    const char *rejects;       /* the reject file; NULL: FILE.rejected.csv */
    int dry_run;               /* check only: no transaction, nothing stored */
    int again;                 /* a file imported before is imported again */
    void (*problem)(void *ud, const import_problem_t *p);
    /* frac: share of the file read (0..1); rows: data rows so far */
    void (*progress)(void *ud, import_event_t ev, double frac, long rows);
    void *ud;
} import_opts_t;

typedef struct {
    long rows;            /* data rows read (blank rows are skipped, not counted) */
    long rejected;        /* rows with a problem */
    long stored;          /* responses stored (in the open transaction until committed) */
    long created;         /* units added (create_units) */
    long errors;          /* problems reported, the read error included */
    imp_format_t format;  /* the layout read (after IMP_AUTO was settled) */
    enc_t encoding;       /* ENC_UTF8 or ENC_GB18030 */
    int book;             /* the file was an .xlsx workbook (its first sheet was read) */
    long batch;           /* after import_commit: the import's batch id (import list/undo) */
    long labels;          /* cells read as choice labels, not names (imp_plan_labels) */
    char *label_example;  /* the first of them, "'同意' = 4 (a1)" (owned by the import) */
    const char *rejects;  /* the reject file's path (owned by the import), or NULL */
} import_stats_t;

typedef struct import import_t;

/* Never fails; o is copied, its strings are borrowed. */
import_t *import_new(store_t *s, const import_opts_t *o);
/* Rolls back a transaction that was not committed; NULL is fine. */
void import_free(import_t *im);

/* Finds the form, units and wave, opens the file and the reject file,
 * starts the transaction (unless dry_run) and reads the whole file,
 * reporting every problem; checking goes on after a problem, storing
 * stops (except with skip_invalid).  The reject file is closed, and
 * removed when it holds no row or the file could not be read.  Returns 0
 * (problems or not: see import_check), or -1 with err when the import
 * cannot go on (no such form or wave, a store error, an unreadable file
 * after reporting why, a reject file that cannot be written). */
int import_read(import_t *im, err_t *err);
/* After import_read: -1 with err when the file was imported into the
 * form before (and not again), or when there were problems that stop the
 * import (all of them without skip_invalid; a read error, a header problem
 * or every row rejected with it); else 0. */
int import_check(import_t *im, err_t *err);
/* After import_check: records the file as imported and commits.  Does
 * nothing with dry_run.  0, or -1 with err. */
int import_commit(import_t *im, err_t *err);

const import_stats_t *import_stats(const import_t *im);

/* `import undo`: deletes import batch id and every response it stored, in
 * one transaction.  0 and *removed; 1 when there is no such import; -1
 * with err (a store error, or an import recorded before batches were
 * kept, whose responses are not known). */
int import_undo(store_t *s, long id, long *removed, err_t *err);

#endif
