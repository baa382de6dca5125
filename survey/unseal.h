/*
 * unseal: `wave close W --key KEYFILE` for a sealed wave (ballot.h):
 * every box is opened, checked against its form and stored as a response
 * (random ids, so in no order of arrival), the boxes are deleted and the
 * wave closes.
 */
#ifndef GS_UNSEAL_H
#define GS_UNSEAL_H

#include "base/err.h"
#include "survey/store.h"

/* Opens every ballot of sealed wave `name` with keyfile and closes the
 * wave (store_wave_close: VACUUM).  All or nothing: a wrong key, or a box
 * that does not open or does not fit its form, changes nothing and says
 * which.  *opened: how many responses were stored. */
int unseal_wave(store_t *s, const char *name, const char *keyfile, long *opened, err_t *err);

#endif
