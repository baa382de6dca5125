/*
 * relay: one worker thread taking batches in order (see relay.h).  A
 * mutex and one condition variable guard the one slot: the caller waits
 * on it while the slot is full, the worker while it is empty.
 */
#include "base/relay.h"

#include <pthread.h>
#include <stdlib.h>

struct relay {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void (*work)(void *ud, void *batch);
    void *ud;
    void *batch;        /* with the worker, NULL when none */
    int quit;
};

static void *worker(void *arg)
{
    relay_t *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!r->batch && !r->quit)
            pthread_cond_wait(&r->cv, &r->mu);
        if (!r->batch)
            break;
        void *b = r->batch;
        pthread_mutex_unlock(&r->mu);
        r->work(r->ud, b);
        pthread_mutex_lock(&r->mu);
        r->batch = NULL;
        pthread_cond_broadcast(&r->cv);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

relay_t *relay_new(void (*work)(void *ud, void *batch), void *ud)
{
    relay_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->work = work;
    r->ud = ud;
    if (pthread_mutex_init(&r->mu, NULL) != 0)
        goto fail;
    if (pthread_cond_init(&r->cv, NULL) != 0) {
        pthread_mutex_destroy(&r->mu);
        goto fail;
    }
    if (pthread_create(&r->th, NULL, worker, r) != 0) {
        pthread_cond_destroy(&r->cv);
        pthread_mutex_destroy(&r->mu);
        goto fail;
    }
    return r;
fail:
    free(r);
    return NULL;
}

void relay_hand(relay_t *r, void *batch)
{
    pthread_mutex_lock(&r->mu);
    while (r->batch)
        pthread_cond_wait(&r->cv, &r->mu);
    r->batch = batch;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void relay_wait(relay_t *r)
{
    pthread_mutex_lock(&r->mu);
    while (r->batch)
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
}

void relay_free(relay_t *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    while (r->batch)
        pthread_cond_wait(&r->cv, &r->mu);
    r->quit = 1;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->th, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}
