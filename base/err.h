/*
 * err: the one error type.  A function that can fail takes `err_t *err` as
 * its last parameter, returns -1 (or the non-zero value its header names)
 * and says what went wrong in *err: a code for the kind of failure, a
 * translated message for a person, and, when the failure is in the content
 * of a file or a value, where (file, line, column) as fields, never as
 * text inside the message.  Library code never prints one; the commands
 * do, through err_text ("FILE:LINE:COL: message", as compilers write it).
 *
 *     err_t err = {0};
 *     if (store_open(path, 0, &s, &err) != 0)
 *         cli_perror(&err);
 *     err_clear(&err);
 *
 * Ownership, for every err_t in the program:
 *   - The holder of an err_t (whoever declared it, usually `err_t err =
 *     {0};` on a caller's stack, or a struct member) owns its msg and file;
 *     err_clear() frees them and leaves {0}.  A function handed an err_t *
 *     only fills it; it never frees or keeps it.
 *   - The first error wins: setting an err_t that already holds an error
 *     changes nothing, since the first failure is the cause and later ones
 *     (a rollback, "nothing imported") are its consequences.  err_clear()
 *     it before using it for something new.
 *   - A NULL err_t * is allowed everywhere and discards the error.
 *   - An err_t holds an error exactly when code != ERR_OK; msg is then
 *     non-NULL.  msg and file stay valid until err_clear().
 *
 * Not errors, so not here: a lookup's "not found" is its return value (1,
 * err untouched), and other answers a function can give besides success
 * are named in its module.  The codes are the kinds a caller may want to
 * tell apart; a locked database is ERR_DB like any other SQLite failure,
 * since nothing treats it otherwise.
 */
#ifndef GS_ERR_H
#define GS_ERR_H

#if defined(__GNUC__)
#define ERR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ERR_PRINTF(a, b)
#endif

typedef enum {
    ERR_OK = 0,
    ERR_FAIL,       /* anything not below: a refused request, a bad option value */
    ERR_NOMEM,      /* an allocation that is allowed to fail did (the expression parser) */
    ERR_IO,         /* the system said no: the message carries strerror() */
    ERR_INPUT,      /* bad content of a file or a value; line/col say where when known */
    ERR_NOTFOUND,   /* a named thing (form, wave, database, program) does not exist */
    ERR_EXISTS,     /* a thing to be added exists already */
    ERR_DB          /* SQLite failed (the message carries its reason) */
} err_code_t;

typedef struct {
    err_code_t code;
    char *msg;      /* heap, translated; without file or position */
    char *file;     /* heap, or NULL: added by the caller that knows the file */
    long line, col; /* 1-based; 0 when not known */
} err_t;

/* Sets e (when it holds no error yet) to code and the formatted message.
 * Both return -1, so that `return err_set(...);` ends a failing function. */
int err_set(err_t *e, err_code_t code, const char *fmt, ...) ERR_PRINTF(3, 4);
int err_set_at(err_t *e, err_code_t code, long line, long col, const char *fmt, ...)
    ERR_PRINTF(5, 6);
/* Names the file an error is in, when e holds an error that names none. */
void err_set_file(err_t *e, const char *file);
/* Moves src's error into dst (when dst holds none; else it is dropped) and
 * leaves src {0}. */
void err_move(err_t *dst, err_t *src);
/* "FILE:LINE:COL: msg", "FILE:LINE: msg", "FILE: msg" or "msg", as far as
 * e knows them; heap (the caller frees), NULL when e holds no error. */
char *err_text(const err_t *e);
/* Frees msg and file; e is {0} again.  NULL is fine. */
void err_clear(err_t *e);

#endif
