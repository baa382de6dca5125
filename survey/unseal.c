/*
 * unseal: opening the sealed ballots of a wave as it closes (see
 * unseal.h; the ballot's format is ballot.c's).  Every answer is checked
 * again against the stored form (ans_set), as if it were typed again, so
 * a box forged with the public key can only hold answers the form allows;
 * and all of it happens in one transaction, so a wrong key or one bad box
 * changes nothing.
 */
#include "survey/unseal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "survey/answers.h"
#include "survey/units.h"
#include "survey/ballot.h"
#include "survey/seal.h"

static int unhex(const char *s, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

typedef struct {
    int id;                      /* forms.id */
    form_t *f;
    int *ids;                    /* items.id by position */
    size_t nids;
} form_slot_t;

typedef struct {
    store_t *s;
    int wave;
    const char *name;
    unsigned char pk[SEAL_PK_BYTES], sk[SEAL_SK_BYTES];
    form_slot_t *forms;
    size_t nforms;
    long opened;
    err_t *err;
} open_t;

static form_slot_t *form_of(open_t *o, int id)
{
    for (size_t i = 0; i < o->nforms; i++)
        if (o->forms[i].id == id)
            return &o->forms[i];
    form_slot_t fs = {id, NULL, NULL, 0};
    /* checked against the unit question the web offered: the units table's */
    if (store_form_get_by_id(o->s, id, &fs.f, o->err) != 0 ||
        units_fill_form(o->s, fs.f, o->err) != 0 ||
        store_item_ids(o->s, id, &fs.ids, &fs.nids, o->err) != 0) {
        form_free(fs.f);
        return NULL;
    }
    o->forms = util_xrealloc(o->forms, (o->nforms + 1) * sizeof *o->forms);
    o->forms[o->nforms] = fs;
    return &o->forms[o->nforms++];
}

/* Checks one opened ballot against its form and stores it: 0, or -1 with
 * *why (what is wrong with it; NULL when *o->err says more). */
static int store_one(open_t *o, int unit, char *m, size_t mn, const char **why)
{
    int form, bunit, used, rc = -1;
    char date[32], source[32];
    char *p = m, *end = m + mn;
    ans_t *a = NULL;
    store_answer_t *rows = NULL;
    size_t n = 0;
    *why = _("it is not a ballot of this program");
    if (strncmp(p, "gapsurvey ballot 1\n", 19) != 0 ||
        sscanf(p + 19, "%d %d %31s %31s%n", &form, &bunit, date, source, &used) != 4)
        goto cleanup;
    p += 19 + used + 1;
    if (bunit != unit) {
        *why = _("its unit was changed");
        goto cleanup;
    }
    form_slot_t *fs = form_of(o, form);
    if (!fs) {
        *why = NULL;
        goto cleanup;
    }
    a = ans_new(fs->f);
    *why = _("an answer does not fit the form");
    while (p < end) {
        int item, has_num;
        double num;
        long len;
        size_t pos = 0;
        if (sscanf(p, "%d %d %lf %ld%n", &item, &has_num, &num, &len, &used) != 4 || len < 0 ||
            p[used] != '\n' || (size_t)len > (size_t)(end - p) - (size_t)used - 1)
            goto cleanup;
        char *text = p + used + 1;
        while (pos < fs->nids && fs->ids[pos] != item)
            pos++;
        err_t e = {0};
        char c = text[len];
        text[len] = '\0';
        int bad = pos == fs->nids || ans_set(a, pos, text, &e) != 0;
        text[len] = c;
        err_clear(&e);
        if (bad)
            goto cleanup;
        p = text + len + 1;
    }
    ans_to_store(a, fs->ids, &rows, &n);
    *why = NULL;
    if (store_response_add(o->s, form, o->wave, unit, date, source, rows, n, o->err) != 0)
        goto cleanup;
    o->opened++;
    rc = 0;
cleanup:
    free(rows);
    ans_free(a);
    return rc;
}

static int open_one(void *ud, long id, int unit, const unsigned char *box, size_t n)
{
    open_t *o = ud;
    char *m = NULL;
    size_t mn = 0;
    const char *why = _("it does not open with this key: it was changed");
    (void)id;
    int rc = seal_ballot_open(o->pk, o->sk, box, n, &m, &mn) == 0 ? store_one(o, unit, m, mn, &why)
                                                                 : -1;
    if (rc != 0 && why)
        err_set(o->err, ERR_INPUT, _("a ballot of survey round %s cannot be opened (%s); nothing "
                                     "was changed"), o->name, why);
    if (m)
        seal_wipe(m, mn);
    free(m);
    return rc;
}

/* The key pair in keyfile, for wave `name` (whose public key is pk). */
static int read_key(open_t *o, const char *keyfile, err_t *err)
{
    char *data = NULL, *line;
    size_t len;
    unsigned char pk[SEAL_PK_BYTES];
    int rc = -1;
    if (util_read_file(keyfile, &data, &len, err) != 0)
        return -1;
    char *pkl = strstr(data, "\npk "), *skl = strstr(data, "\nsk ");
    if (strncmp(data, BALLOT_KEY_MAGIC, strlen(BALLOT_KEY_MAGIC)) != 0 || !pkl || !skl ||
        unhex(pkl + 4, pk, sizeof pk) != 0 || unhex(skl + 4, o->sk, sizeof o->sk) != 0) {
        err_set(err, ERR_INPUT, _("%s is not a key file written by 'gapsurvey wave add --sealed'"),
                keyfile);
        goto cleanup;
    }
    if (memcmp(pk, o->pk, sizeof pk) != 0) {
        line = strstr(data, "\nwave ");
        err_set(err, ERR_INPUT, _("%s is not the key of survey round %s (it is the key of %.*s); "
                                  "nothing was changed"), keyfile, o->name,
                line ? (int)strcspn(line + 6, "\n") : 1, line ? line + 6 : "?");
        goto cleanup;
    }
    rc = 0;
cleanup:
    seal_wipe(data, len);
    free(data);
    return rc;
}

int unseal_wave(store_t *s, const char *name, const char *keyfile, long *opened, err_t *err)
{
    open_t o = {.s = s, .name = name, .err = err};
    int rc = -1, in_tx = 0;
    *opened = 0;
    int r = store_wave_find(s, name, &o.wave, err);
    if (r == 1)
        err_set(err, ERR_NOTFOUND, _("no wave named '%s'"), name);
    if (r != 0)
        goto cleanup;
    r = store_wave_key(s, o.wave, o.pk, err);
    if (r == 0)
        err_set(err, ERR_FAIL, _("survey round %s is not sealed: close it without --key"), name);
    if (r != 1)
        goto cleanup;
    if (read_key(&o, keyfile, err) != 0 || store_begin(s, err) != 0)
        goto cleanup;
    in_tx = 1;
    /* unsealed first, so that the opened responses may be stored; the
     * ballots go last, in the same transaction */
    if (store_wave_unseal(s, o.wave, err) != 0 ||
        store_ballot_scan(s, o.wave, open_one, &o, err) != 0 ||
        store_ballot_delete(s, o.wave, err) != 0 || store_commit(s, err) != 0)
        goto cleanup;
    in_tx = 0;
    *opened = o.opened;
    rc = store_wave_close(s, name, err) < 0 ? -1 : 0;
cleanup:
    if (in_tx)
        store_rollback(s);
    for (size_t i = 0; i < o.nforms; i++) {
        form_free(o.forms[i].f);
        free(o.forms[i].ids);
    }
    free(o.forms);
    seal_wipe(o.sk, sizeof o.sk);
    return rc;
}
