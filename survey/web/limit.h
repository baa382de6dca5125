/*
 * limit: how many requests carrying a code (or an admin secret) one
 * client address may make, as a token bucket per address: `burst` at
 * once, then `rate` a second.  A whole office behind one NAT address (a
 * few hundred people opening their forms within minutes) stays within the
 * burst; a script trying or polling codes as fast as it can does not.
 * IPv6 addresses count by their /64, which one household or one attacker
 * holds whole.  Thread-safe.
 */
#ifndef GS_WEB_LIMIT_H
#define GS_WEB_LIMIT_H

#include <sys/socket.h>

typedef struct web_limit web_limit_t;

/* rate <= 0: no limit (web_limit_take always allows). */
web_limit_t *web_limit_new(double rate, double burst);
void web_limit_free(web_limit_t *l);   /* NULL is fine */
/* Takes one request from the bucket of sa's address: 1 allowed, 0 over
 * the limit. */
int web_limit_take(web_limit_t *l, const struct sockaddr *sa);

#endif
