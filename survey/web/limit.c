/*
 * limit: the per-address token buckets of the web server (see limit.h).
 * A fixed table, so memory does not grow with the addresses seen: each
 * address hashes to a run of PROBE slots; a new address takes a free slot
 * of its run or evicts the one idle longest there.  An evicted address
 * starts again with a full bucket, so eviction errs on the side of letting
 * people in; an attacker needs many addresses to cause it.
 */
#include "survey/web/limit.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"

#define SLOTS 4096
#define PROBE 8

typedef struct {
    unsigned char key[17];       /* family byte + address (IPv6: its /64) */
    int used;
    double tokens, last;         /* last: seconds, monotonic */
} slot_t;

struct web_limit {
    double rate, burst;
    pthread_mutex_t mu;
    slot_t slot[SLOTS];
};

web_limit_t *web_limit_new(double rate, double burst)
{
    web_limit_t *l = util_xcalloc(1, sizeof *l);
    l->rate = rate;
    l->burst = burst < 1 ? 1 : burst;
    pthread_mutex_init(&l->mu, NULL);
    return l;
}

void web_limit_free(web_limit_t *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->mu);
    free(l);
}

static void key_of(const struct sockaddr *sa, unsigned char key[17])
{
    memset(key, 0, 17);
    if (sa && sa->sa_family == AF_INET) {
        key[0] = 4;
        memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else if (sa && sa->sa_family == AF_INET6) {
        key[0] = 6;
        memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr, 8);
    }
}

int web_limit_take(web_limit_t *l, const struct sockaddr *sa)
{
    if (!l || l->rate <= 0)
        return 1;
    unsigned char key[17];
    key_of(sa, key);
    uint32_t h = 2166136261u;    /* FNV-1a */
    for (int i = 0; i < 17; i++)
        h = (h ^ key[i]) * 16777619u;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    pthread_mutex_lock(&l->mu);
    slot_t *s = NULL, *oldest = NULL;
    for (int i = 0; i < PROBE && !s; i++) {
        slot_t *c = &l->slot[(h + (uint32_t)i) % SLOTS];
        if (c->used && memcmp(c->key, key, sizeof key) == 0)
            s = c;
        else if (!oldest || !c->used || (oldest->used && c->last < oldest->last))
            oldest = c;
    }
    if (!s) {
        s = oldest;
        memcpy(s->key, key, sizeof key);
        s->used = 1;
        s->tokens = l->burst;
        s->last = now;
    }
    s->tokens += (now - s->last) * l->rate;
    if (s->tokens > l->burst)
        s->tokens = l->burst;
    s->last = now;
    int ok = s->tokens >= 1;
    if (ok)
        s->tokens -= 1;
    pthread_mutex_unlock(&l->mu);
    return ok;
}
