/*
 * ballot: sealed waves, for organisations where even the server's operator
 * must not read answers before the survey closes.  `wave add W --sealed
 * KEYFILE` makes a key pair, writes the secret half to KEYFILE (for the
 * organiser to take off the server) and keeps only the public half; while
 * W is open every submission (web, terminal, data entry) is stored as a
 * box sealed to it, beside its unit so response rates can be followed;
 * `wave close W --key KEYFILE` opens every box (unseal.h).  The key holder and the database operator are meant
 * to be different people: the operator has boxes and no key, the key
 * holder a key and no boxes.
 */
#ifndef GS_BALLOT_H
#define GS_BALLOT_H

#include <stddef.h>

#include "base/err.h"
#include "survey/store.h"

/* The first line of a wave's key file. */
#define BALLOT_KEY_MAGIC "gapsurvey sealed wave key 1\n"

/* Adds wave `name`, sealed, and writes its secret key to keyfile (created
 * 0600; an existing file is never overwritten).  Nothing is kept when
 * either fails. */
int ballot_new_wave(store_t *s, const char *name, const char *keyfile, err_t *err);

/* What every front end calls instead of store_response_add: the response,
 * or in a sealed wave its sealed ballot (same arguments; call inside the
 * transaction that also uses the code). */
int ballot_response_add(store_t *s, int form, int wave, int unit, const char *date,
                        const char *source, const store_answer_t *a, size_t n, err_t *err);

#endif
