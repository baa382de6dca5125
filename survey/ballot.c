/*
 * ballot: the sealed ballot box (see ballot.h).
 *
 * A ballot, before it is sealed, is text:
 *     gapsurvey ballot 1
 *     FORM UNIT DATE SOURCE
 *     ITEM HAS_NUM NUM LEN        one per answer, followed by LEN bytes
 *     TEXT...                     of text and a line end
 * FORM and ITEM are forms.id and items.id.  It is sealed with
 * crypto_box_seal (seal.h): only the wave's secret key opens it, and it
 * carries no sender key, so not even the server could say which of its
 * own submissions a box is.  unseal.c opens them.
 *
 * The key file holds the wave's name and both halves of the key pair in
 * hex, one per line; nothing else needs it.
 */
#include "survey/ballot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "survey/seal.h"

static void hex(util_buf_t *b, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        util_buf_addf(b, "%02x", p[i]);
}

int ballot_new_wave(store_t *s, const char *name, const char *keyfile, err_t *err)
{
    unsigned char pk[SEAL_PK_BYTES], sk[SEAL_SK_BYTES];
    util_buf_t b = {0};
    int rc = -1, id, fd = -1, written = 0;
    seal_keypair(pk, sk);
    util_buf_addf(&b, "%swave %s\npk ", BALLOT_KEY_MAGIC, name);
    hex(&b, pk, sizeof pk);
    util_buf_adds(&b, "\nsk ");
    hex(&b, sk, sizeof sk);
    util_buf_adds(&b, "\n");
    /* the secret key exists in this one file: made 0600, never over
     * another, on the disk before the wave that needs it */
    fd = open(keyfile, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, b.s, b.len) != (ssize_t)b.len || fsync(fd) != 0) {
        err_set(err, ERR_IO, _("cannot write the key file %s: %s"), keyfile, strerror(errno));
        goto cleanup;
    }
    written = 1;
    if (store_begin(s, err) != 0)
        goto cleanup;
    if (store_wave_add(s, name, &id, err) != 0 || store_wave_seal(s, id, pk, err) != 0 ||
        store_commit(s, err) != 0) {
        store_rollback(s);
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (fd >= 0)
        close(fd);
    if (rc != 0 && written)
        unlink(keyfile);
    seal_wipe(sk, sizeof sk);
    seal_wipe(b.s, b.len);
    util_buf_free(&b);
    return rc;
}

int ballot_response_add(store_t *s, int form, int wave, int unit, const char *date,
                        const char *source, const store_answer_t *a, size_t n, err_t *err)
{
    unsigned char pk[SEAL_PK_BYTES];
    int sealed = store_wave_key(s, wave, pk, err);
    if (sealed <= 0)
        return sealed < 0 ? -1 : store_response_add(s, form, wave, unit, date, source, a, n, err);
    util_buf_t b = {0};
    util_buf_addf(&b, "gapsurvey ballot 1\n%d %d %s %s\n", form, unit, date, source);
    for (size_t i = 0; i < n; i++) {
        util_buf_addf(&b, "%d %d %.17g %ld\n", a[i].item, a[i].has_num,
                      a[i].has_num ? a[i].num : 0.0, a[i].text ? (long)strlen(a[i].text) : -1L);
        if (a[i].text)
            util_buf_adds(&b, a[i].text);
        util_buf_adds(&b, "\n");
    }
    size_t bn;
    unsigned char *box = seal_ballot(pk, b.s, b.len, &bn);
    int rc = store_ballot_add(s, wave, unit, box, bn, err);
    seal_wipe(b.s, b.len);
    util_buf_free(&b);
    free(box);
    return rc;
}
