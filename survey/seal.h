/*
 * seal: the cryptography of gapsurvey's anonymity (libsodium), in one
 * place:
 *  - drafts of a respondent with an invitation code, readable only with
 *    that code: the key comes from the code through a slow KDF
 *    (crypto_pwhash, Argon2id) with a random salt kept beside the box,
 *    and the draft row is found by another derivation of the code, so the
 *    row's name says nothing about the key;
 *  - the sealed ballot box of a sealed wave: a key pair whose secret half
 *    leaves the server; submissions are crypto_box_seal'ed to the public
 *    half and can be opened only with the secret one.
 * Nothing here touches the store; callers store what these functions make.
 * Heap results are the caller's (free); -1 means the input was refused.
 */
#ifndef GS_SEAL_H
#define GS_SEAL_H

#include <stddef.h>

#define SEAL_PK_BYTES 32
#define SEAL_SK_BYTES 32

/* ---- drafts ---- */
/* The name of code's draft row, in hex (65 bytes with the NUL): a keyed
 * BLAKE2b of the normalised code, neither its token hash nor its key. */
void seal_draft_id(const char *code, char out[65]);
/* A draft's key: Argon2id of the code with salt (16 bytes) at libsodium's
 * "interactive" cost, a tenth of a second: paid once per session, and by
 * anyone trying codes against the database, for each code. */
int seal_draft_key(const char *code, const unsigned char salt[16], unsigned char key[32]);
void seal_random(void *buf, size_t n);
/* msg (n bytes) encrypted and authenticated under key: salt (16 bytes,
 * kept in the clear for seal_draft_key) || nonce || ciphertext. */
unsigned char *seal_lock(const unsigned char key[32], const unsigned char salt[16],
                         const void *msg, size_t n, size_t *out_n);
/* The salt of a box made by seal_lock (NULL when it is too short). */
const unsigned char *seal_salt(const unsigned char *box, size_t n);
/* Opens a box of seal_lock: 0 and *plain (heap, NUL added past *plain_n), or
 * -1 when the key is wrong or the box was changed. */
int seal_unlock(const unsigned char key[32], const unsigned char *box, size_t n, char **plain,
                size_t *plain_n);

/* ---- the admin secret ----
 * Kept as an Argon2id string (crypto_pwhash_str, about 0.1 s and 64 MiB
 * to check), so a copy of the database does not open the admin page,
 * even when the secret chosen was a weak one. */
#define SEAL_PASS_BYTES 128
int seal_pass_hash(const char *secret, char out[SEAL_PASS_BYTES]);
/* 1 when secret is the one hashed into hash. */
int seal_pass_check(const char *hash, const char *secret);

/* ---- the sealed ballot box ---- */
void seal_keypair(unsigned char pk[SEAL_PK_BYTES], unsigned char sk[SEAL_SK_BYTES]);
/* msg sealed to pk (anonymous sender: crypto_box_seal). */
unsigned char *seal_ballot(const unsigned char pk[SEAL_PK_BYTES], const void *msg, size_t n,
                           size_t *out_n);
/* Opens a sealed ballot: 0 and *plain (heap, NUL-terminated), -1 when the
 * key pair is not the one it was sealed to or the box was changed. */
int seal_ballot_open(const unsigned char pk[SEAL_PK_BYTES], const unsigned char sk[SEAL_SK_BYTES],
                     const unsigned char *box, size_t n, char **plain, size_t *plain_n);
/* Overwrites n bytes of secret with zeros (not optimised away). */
void seal_wipe(void *p, size_t n);

#endif
