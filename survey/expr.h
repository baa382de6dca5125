/*
 * expr: the XPath 1.0 subset that ODK/KoboToolbox forms use in the XLSForm
 * `relevant`, `constraint`, `calculation` and `choice_filter` columns.
 * Parsing is separate from evaluation so a form is checked once (with
 * columns for every syntax error) and then evaluated per answer without
 * re-parsing.
 *
 * Supported: ${name}, `.`, numbers, '...' and "..." strings,
 * = != < <= > >=, and, or, + - * div mod, unary minus, parentheses and the
 * functions selected, count-selected, string-length, number, string, true,
 * false, not, if, coalesce, concat, sum, min, max, round, int, floor,
 * ceiling, abs, contains, starts-with, ends-with, today.  Values follow
 * XPath 1.0 typing (number, string, boolean); an unanswered question is the
 * empty string.  As in ODK, an ISO date ("2026-03-01") converts to the
 * number of days since 1970-01-01, so dates compare and subtract; sum, min
 * and max read a space-separated list (a select_multiple answer) as its
 * numbers.
 */
#ifndef SURVEY_EXPR_H
#define SURVEY_EXPR_H

#include "base/err.h"

typedef struct expr expr_t;               /* opaque parsed expression */

/* Looks up the current answer of question `name` (name == NULL means `.`);
 * returns a string owned by the caller's context (NULL or "" = unanswered;
 * select_multiple answers are space-separated choice names).  The string
 * must stay valid until the expr_eval_* call that asked for it returns,
 * because both sides of a comparison are held at once. */
typedef const char *(*expr_lookup_fn)(void *ud, const char *name);

/* Parses src. On success returns 0 and *out (caller frees with expr_free).
 * On a syntax error returns -1, *out = NULL and err = ERR_INPUT with a
 * message like "unexpected ')'" or "unknown function 'foo'" and err->col the
 * 1-based character column in src where the problem is (err->line is 0).
 * A failed allocation is ERR_NOMEM ("out of memory"). */
int expr_parse(const char *src, expr_t **out, err_t *err);

/* The same for a `choice_filter` cell, evaluated once per choice: there a
 * bare name (`state`, `name`) is a column of the choices sheet, and the
 * lookup is asked for it as "#state" (question names never start with #). */
int expr_parse_filter(const char *src, expr_t **out, err_t *err);

void expr_free(expr_t *e);                 /* NULL is fine */

/* Calls cb for every ${name} reference, with its 1-based column in the
 * source, in source order.  name is owned by e. */
void expr_foreach_ref(const expr_t *e,
                      void (*cb)(void *ud, const char *name, int col),
                      void *ud);

/* Evaluates and converts to boolean (XPath boolean()). */
int expr_eval_bool(const expr_t *e, expr_lookup_fn lookup, void *ud);

/* Evaluates to a number (XPath number(); NaN when not a number). */
double expr_eval_number(const expr_t *e, expr_lookup_fn lookup, void *ud);

/* Evaluates to a string (XPath string(): 3, 0.5, "NaN", "true"); heap,
 * the caller frees; NULL only when memory ran out.  e NULL gives "". */
char *expr_eval_string(const expr_t *e, expr_lookup_fn lookup, void *ud);

/* The same for each choice column a filter uses (its name without #). */
void expr_foreach_field(const expr_t *e,
                        void (*cb)(void *ud, const char *name, int col),
                        void *ud);

/* 1 if the expression uses `.` (also implicitly, as in string-length()) */
int expr_uses_dot(const expr_t *e);

#endif
