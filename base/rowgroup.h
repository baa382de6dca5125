/*
 * rowgroup: the same problem on many rows as one message with the row
 * list.  A file with one wrong unit code on 23 rows, or a column of labels
 * where names were expected, would otherwise print hundreds of identical
 * lines and bury the one that differs.  Problems are grouped by (column,
 * message); each group keeps its rows as ranges ("2-24, 31") in the order
 * they came, and the groups in the order of their first row.
 *
 * Memory is bounded, whatever the file: at most max_groups groups (a
 * problem of a further kind is only counted) and max_ranges ranges per
 * group (later rows are only counted).
 *
 * Ownership: the groups own copies of the messages; strings returned by
 * rowgroup_rows are the caller's.
 */
#ifndef GS_ROWGROUP_H
#define GS_ROWGROUP_H

#include <stddef.h>

typedef struct rowgroup rowgroup_t;

rowgroup_t *rowgroup_new(size_t max_groups, size_t max_ranges);
void rowgroup_free(rowgroup_t *g);   /* NULL is fine */

/* Adds row `row` (any positive number: a line, or a sheet's row) to the
 * group of (col, msg).  Rows of one group are expected in increasing
 * order; a row that continues the last range (the same or the next
 * number) extends it.  Returns 1 when the problem started a group, 0
 * when it joined one, -1 when there was no room for another group (it is
 * counted in rowgroup_dropped). */
int rowgroup_add(rowgroup_t *g, long col, const char *msg, long row);

typedef struct {
    long col;            /* as given */
    const char *msg;     /* owned by the group */
    long first;          /* the first row */
    long rows;           /* how many rows (all of them, kept as ranges or not) */
} rowgroup_item_t;

size_t rowgroup_count(const rowgroup_t *g);
/* Group i (0 <= i < rowgroup_count), in the order of their first row. */
rowgroup_item_t rowgroup_get(const rowgroup_t *g, size_t i);
/* Group i's rows as text, "2-24, 31", at most max_ranges ranges and then
 * ", ..." when there are more (heap, caller frees). */
char *rowgroup_rows(const rowgroup_t *g, size_t i, size_t max_ranges);
/* Problems not kept because every group was taken. */
long rowgroup_dropped(const rowgroup_t *g);

#endif
