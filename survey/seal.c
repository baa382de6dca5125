/*
 * seal: libsodium behind the few operations gapsurvey needs (see seal.h).
 * Only constructions libsodium documents as such are used: BLAKE2b for
 * the draft's row name, Argon2id (crypto_pwhash) for its key, XSalsa20-
 * Poly1305 (crypto_secretbox) for its content and crypto_box_seal for the
 * ballots, so nothing here is home-made cryptography.  sodium_init() is
 * called by every function that needs it: it is idempotent and
 * thread-safe, and spares the callers an initialisation step.
 */
#include "survey/seal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define SALT 16

/* When sodium_init fails there is no random source, and libsodium's own
 * randombytes then stops the program: nothing is left to report */
static void ready(void)
{
    int r = sodium_init();
    (void)r;
}

void seal_draft_id(const char *code, char out[65])
{
    static const unsigned char domain[] = "gapsurvey draft row";
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)code, strlen(code), domain,
                       sizeof domain - 1);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int seal_draft_key(const char *code, const unsigned char salt[16], unsigned char key[32])
{
    if (sodium_init() < 0)
        return -1;
    return crypto_pwhash(key, 32, code, strlen(code), salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0
               ? 0 : -1;
}

void seal_random(void *buf, size_t n)
{
    ready();
    randombytes_buf(buf, n);
}

unsigned char *seal_lock(const unsigned char key[32], const unsigned char salt[16],
                         const void *msg, size_t n, size_t *out_n)
{
    *out_n = SALT + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *box = util_xmalloc(*out_n);
    memcpy(box, salt, SALT);
    seal_random(box + SALT, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + SALT + crypto_secretbox_NONCEBYTES, msg, n, box + SALT, key);
    return box;
}

const unsigned char *seal_salt(const unsigned char *box, size_t n)
{
    return n >= SALT + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES ? box : NULL;
}

int seal_unlock(const unsigned char key[32], const unsigned char *box, size_t n, char **plain,
                size_t *plain_n)
{
    *plain = NULL;
    if (!seal_salt(box, n))
        return -1;
    size_t head = SALT + crypto_secretbox_NONCEBYTES, m = n - head - crypto_secretbox_MACBYTES;
    char *out = util_xmalloc(m + 1);
    if (crypto_secretbox_open_easy((unsigned char *)out, box + head, n - head, box + SALT, key)) {
        free(out);
        return -1;
    }
    out[m] = '\0';
    *plain = out;
    *plain_n = m;
    return 0;
}

int seal_pass_hash(const char *secret, char out[SEAL_PASS_BYTES])
{
    ready();
    return crypto_pwhash_str(out, secret, strlen(secret), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int seal_pass_check(const char *hash, const char *secret)
{
    ready();
    return crypto_pwhash_str_verify(hash, secret, strlen(secret)) == 0;
}

void seal_keypair(unsigned char pk[SEAL_PK_BYTES], unsigned char sk[SEAL_SK_BYTES])
{
    ready();
    crypto_box_keypair(pk, sk);
}

unsigned char *seal_ballot(const unsigned char pk[SEAL_PK_BYTES], const void *msg, size_t n,
                           size_t *out_n)
{
    *out_n = crypto_box_SEALBYTES + n;
    unsigned char *box = util_xmalloc(*out_n);
    ready();
    crypto_box_seal(box, msg, n, pk);
    return box;
}

int seal_ballot_open(const unsigned char pk[SEAL_PK_BYTES], const unsigned char sk[SEAL_SK_BYTES],
                     const unsigned char *box, size_t n, char **plain, size_t *plain_n)
{
    *plain = NULL;
    if (n < crypto_box_SEALBYTES)
        return -1;
    size_t m = n - crypto_box_SEALBYTES;
    char *out = util_xmalloc(m + 1);
    if (crypto_box_seal_open((unsigned char *)out, box, n, pk, sk) != 0) {
        free(out);
        return -1;
    }
    out[m] = '\0';
    *plain = out;
    *plain_n = m;
    return 0;
}

void seal_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}
