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

#endif
