/*
 * relay: one worker thread that takes batches in the order they are
 * handed over, while the caller fills the next one.  At most one batch is
 * with the worker at a time, so a caller with two buffers fills one while
 * the other is worked on (double buffering), and whatever the worker
 * updates sees the batches in exactly the order they were handed: work
 * split this way gives the same result, to the last bit, as doing it
 * inline (the analysis scan's accumulators, analysis/scan.c).
 *
 * Ownership: the batches are the caller's; between relay_hand(b) and the
 * next relay_hand or relay_wait returning, b belongs to the worker.
 */
#ifndef GS_RELAY_H
#define GS_RELAY_H

typedef struct relay relay_t;

/* Starts the worker: work(ud, batch) will be called on it for each batch
 * handed.  NULL when no thread can be started (the caller then does the
 * work itself). */
relay_t *relay_new(void (*work)(void *ud, void *batch), void *ud);

/* Waits until the worker is done with the batch handed before, then hands
 * it batch.  On return the earlier batch is the caller's again. */
void relay_hand(relay_t *r, void *batch);

/* Waits until the worker is done with every batch handed. */
void relay_wait(relay_t *r);

/* relay_wait, then stops the worker and frees r.  NULL is a no-op. */
void relay_free(relay_t *r);

#endif
