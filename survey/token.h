/*
 * token: one-time invitation codes.  A code is printed on a slip (or sent
 * in a message) and typed back by a respondent at the terminal runner or
 * the web form; the store keeps only tok_hash() of it, so a stolen
 * database reveals no usable code and nothing links a code to a response.
 *
 * Both the runner and the web server call these two functions, so a code
 * typed in either place maps to the same stored hash.  Typing variations
 * that a person cannot see are forgiven: case, spaces, dashes, and the
 * full-width letters, digits, spaces and dashes a Chinese input method
 * produces.
 *
 * No crypto library is linked: SHA-256 is implemented here from FIPS 180-4.
 */
#ifndef GS_TOKEN_H
#define GS_TOKEN_H

#include <stddef.h>

#include "base/err.h"
#include "base/util.h"
#include "survey/store.h"

/* Longest normalised code, without its NUL. */
#define TOK_CODE_MAX 63

/* Normalises a typed code into out: ASCII letters upper-cased, spaces,
 * tabs and dashes removed (also their full-width forms, U+3000 and the
 * Unicode dashes), full-width letters and digits folded to ASCII.  What
 * remains must be letters and digits only.  Returns the length of out (at
 * least 1), or -1 when in holds anything else, nothing, or more than
 * TOK_CODE_MAX characters; out is then "". */
int tok_normalise(const char *in, char out[64]);

/* SHA-256 of the normalised code as 64 lower-case hex digits (heap, the
 * caller frees); NULL when the code does not normalise.  This is the
 * value stored in tokens.hash. */
char *tok_hash(const char *code);

/* SHA-256 (FIPS 180-4) of n bytes. */
void tok_sha256(const void *data, size_t n, unsigned char digest[32]);

/* ---- issuing (`token issue`) ----
 * A code is 16 characters from a 32-letter alphabet without 0/O, 1/I/l,
 * shown in groups of four: "K7QM-3XPA-9TRE-H2WD". */
#define TOK_ISSUED_LEN 19

/* One fresh code in that form (the terminal runner's resume keys are
 * made like invitation codes): 0, or -1 with err when the system's random
 * source fails. */
int tok_code_make(char out[TOK_ISSUED_LEN + 1], err_t *err);

typedef struct {
    size_t n;
    char (*codes)[TOK_ISSUED_LEN + 1];
    char **links;    /* what a respondent opens: BASE?code=CODE, one per code */
} tok_batch_t;

/* Makes n fresh codes (straight from getrandom()) and their links on
 * base_url, which starts with http:// or https:// (a base that has a
 * query gets &code=).  0, or -1 with err when the system's random
 * source fails.  Free the batch with tok_batch_free() either way. */
int tok_batch_make(tok_batch_t *b, const char *base_url, size_t n, err_t *err);
void tok_batch_free(tok_batch_t *b);   /* frees the contents */

/* 1 when the host of an http(s) URL is this computer as only it can reach
 * it: localhost (and NAME.localhost), 127.0.0.0/8, ::1, 0.0.0.0 or ::,
 * written in any of the forms a browser accepts for them (decimal,
 * 0x7f000001, [::ffff:127.0.0.1]...).  A phone that scans a slip with such
 * a link opens itself, not the survey. */
int tok_url_loopback(const char *url);

/* Stores the hash of every code of the batch for the form, unit (0: the
 * form asks for it) and wave in one transaction.  With slips_path, the
 * slips page is written to that file inside the transaction, so that no
 * code is stored that nobody could hand out, and removed again when the
 * commit fails.  0, or -1 with err and nothing stored. */
int tok_batch_store(store_t *s, const tok_batch_t *b, int form, int unit, int wave,
                    const char *slips_path, const util_buf_t *slips, err_t *err);

#endif
