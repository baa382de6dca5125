/*
 * console: reads the figures of the survey console from the store and
 * words its cells, for the page (web_page.c) and the CSV download alike,
 * so the two always hold the same table (see console.h).
 */
#include "survey/web/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csv.h"
#include "base/i18n.h"
#include "survey/disclose.h"
#include "survey/form.h"

/* What a reading needs beyond the console itself: the ids of the waves
 * and units, in the order of c->waves and c->units. */
typedef struct {
    console_t *c;
    int *wave_ids, *wave_open;
    int *unit_ids;
    console_form_t *f;        /* the form being counted */
    int by_used;              /* a sealed wave: count the codes used */
} reading_t;

static int wave_cb(void *ud, const store_wave_t *w)
{
    reading_t *rd = ud;
    console_t *c = rd->c;
    c->waves = util_xrealloc(c->waves, (c->nwaves + 1) * sizeof *c->waves);
    rd->wave_ids = util_xrealloc(rd->wave_ids, (c->nwaves + 1) * sizeof *rd->wave_ids);
    rd->wave_open = util_xrealloc(rd->wave_open, (c->nwaves + 1) * sizeof *rd->wave_open);
    c->waves[c->nwaves] = util_xstrdup(w->name);
    rd->wave_ids[c->nwaves] = w->id;
    rd->wave_open[c->nwaves++] = w->closed_at == NULL;
    return 0;
}

static int unit_cb(void *ud, const store_unit_t *u)
{
    reading_t *rd = ud;
    console_t *c = rd->c;
    c->units = util_xrealloc(c->units, (c->nunits + 1) * sizeof *c->units);
    rd->unit_ids = util_xrealloc(rd->unit_ids, (c->nunits + 1) * sizeof *rd->unit_ids);
    c->units[c->nunits] = (console_unit_t){util_xstrdup(u->code), util_xstrdup(u->name),
                                           u->headcount > 0 ? u->headcount : -1, 0};
    rd->unit_ids[c->nunits++] = u->id;
    return 0;
}

/* The index of units.id `unit` in c->units, -1 for none.  A search in
 * turn: an organisation has tens of units, a few hundred at most. */
static long unit_index(const reading_t *rd, int unit)
{
    for (size_t i = 0; unit > 0 && i < rd->c->nunits; i++)
        if (rd->unit_ids[i] == unit)
            return (long)i;
    return -1;
}

static int self_cb(void *ud, int unit, long n)
{
    reading_t *rd = ud;
    long i = unit_index(rd, unit);
    if (i >= 0 && n > 0)
        rd->c->units[i].self = 1;
    return 0;
}

static int self_used_cb(void *ud, int unit, long issued, long used)
{
    (void)issued;
    return self_cb(ud, unit, used);
}

static int response_cb(void *ud, int unit, long n)
{
    reading_t *rd = ud;
    long i = unit_index(rd, unit);
    rd->f->responses += n;
    if (i >= 0)
        rd->f->counts[i].responses += n;
    return 0;
}

static int token_cb(void *ud, int unit, long issued, long used)
{
    reading_t *rd = ud;
    long i = unit_index(rd, unit);
    rd->f->invited += issued;
    rd->f->used += used;
    if (i >= 0) {
        rd->f->counts[i].invited += issued;
        rd->f->counts[i].used += used;
    } else {
        rd->f->invited_nounit += issued;
    }
    /* a sealed wave keeps its submissions in boxes that say nothing of
     * their form until it closes: the codes used are the count */
    return rd->by_used ? response_cb(ud, unit, used) : 0;
}

/* The title of the newest version of form_id in lang, into *title (heap). */
static int title_of(store_t *s, const char *form_id, const char *lang, char **title, err_t *err)
{
    form_t *f = NULL;
    int id;
    if (store_form_get(s, form_id, &f, &id, err) != 0)
        return -1;
    *title = util_xstrdup(form_title_in(f, form_lang(f, lang)));
    form_free(f);
    return 0;
}

/* Which units have filled a self-assessment (any self-role form) in the
 * wave, and the newest self form's title. */
static int read_self(store_t *s, reading_t *rd, int wave, const char *lang, err_t *err)
{
    console_t *c = rd->c;
    char **ids = NULL;
    size_t nids = 0;
    int rc = -1;
    if (store_form_ids_by_role(s, FORM_ROLE_SELF, &ids, &nids, err) != 0)
        return -1;
    for (size_t i = 0; i < nids; i++) {
        if (i == 0 && title_of(s, ids[i], lang, &c->self_title, err) != 0)
            goto cleanup;
        if (wave && (rd->by_used ? store_tokens_by_unit(s, ids[i], wave, self_used_cb, rd, err)
                                 : store_count_by_unit(s, ids[i], wave, self_cb, rd, err)) != 0)
            goto cleanup;
    }
    c->has_self = nids > 0;
    for (size_t i = 0; i < c->nunits; i++)
        c->self_filled += c->units[i].self != 0;
    rc = 0;
cleanup:
    for (size_t i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    return rc;
}

/* The small-group rule over the units' responses to f. */
static void hide_small(console_t *c, console_form_t *f)
{
    long *n = util_xcalloc(c->nunits + 1, sizeof *n);
    char *hidden = util_xcalloc(c->nunits + 1, 1);
    for (size_t i = 0; i < c->nunits; i++)
        n[i] = f->counts[i].responses;
    disclose_small(n, c->nunits, f->responses, c->min_n, hidden);
    /* what the shown units leave of the total is the hidden units' (and
     * the unitless) responses; disclose_small makes that 0 or min_n and
     * more by hiding one unit beyond the small ones, unless none is left
     * to hide: then the total is that small sum and is hidden itself */
    long left = f->responses;
    for (size_t i = 0; i < c->nunits; i++)
        left -= hidden[i] ? 0 : n[i];
    f->total_small = left > 0 && left < c->min_n;
    for (size_t i = 0; i < c->nunits; i++) {
        console_count_t *k = &f->counts[i];
        f->started += k->responses > 0;
        k->small = k->responses > 0 && k->responses < c->min_n;
        k->hidden = hidden[i];
        if (k->hidden)
            k->responses = 0;   /* what is hidden is not kept either */
    }
    free(n);
    free(hidden);
}

/* Counts each staff form of the wave into c->forms. */
static int read_forms(store_t *s, reading_t *rd, int wave, const char *lang, err_t *err)
{
    console_t *c = rd->c;
    char **ids = NULL;
    size_t nids = 0, active = 0;
    int rc = -1;
    if (store_form_ids_by_role(s, FORM_ROLE_STAFF, &ids, &nids, err) != 0)
        return -1;
    c->forms = util_xcalloc(nids + 1, sizeof *c->forms);
    for (size_t i = 0; i < nids; i++) {
        console_form_t *f = &c->forms[c->nforms++];
        f->form_id = util_xstrdup(ids[i]);
        f->counts = util_xcalloc(c->nunits + 1, sizeof *f->counts);
        rd->f = f;
        if (title_of(s, ids[i], lang, &f->title, err) != 0 ||
            store_tokens_by_unit(s, ids[i], wave, token_cb, rd, err) != 0 ||
            (!rd->by_used && store_count_by_unit(s, ids[i], wave, response_cb, rd, err) != 0))
            goto cleanup;
        active += f->invited > 0 || f->responses > 0;
    }
    /* the forms of this wave; a wave with nothing yet shows every form, so
     * that the page lists every unit as not started */
    for (size_t i = 0; active > 0 && i < c->nforms;) {
        console_form_t *f = &c->forms[i];
        if (f->invited > 0 || f->responses > 0) {
            i++;
            continue;
        }
        free(f->form_id);
        free(f->title);
        free(f->counts);
        memmove(f, f + 1, (c->nforms - i - 1) * sizeof *f);
        c->nforms--;
    }
    for (size_t i = 0; i < c->nforms; i++)
        hide_small(c, &c->forms[i]);
    rc = 0;
cleanup:
    for (size_t i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    return rc;
}

/* The wave asked for (name), else the newest open one, else the newest:
 * its index in c->waves, -1 when there is none (or no such name). */
static long pick_wave(const reading_t *rd, const char *name)
{
    const console_t *c = rd->c;
    for (size_t i = c->nwaves; name && i-- > 0;)
        if (strcmp(c->waves[i], name) == 0)
            return (long)i;
    if (name)
        return -1;
    for (size_t i = c->nwaves; i-- > 0;)
        if (rd->wave_open[i])
            return (long)i;
    return (long)c->nwaves - 1;
}

int console_build(store_t *s, const char *wave, const char *lang, long min_n, console_t *c,
                  err_t *err)
{
    reading_t rd = {c, NULL, NULL, NULL, NULL, 0};
    unsigned char pk[32];
    int rc = -1, r;
    memset(c, 0, sizeof *c);
    c->min_n = min_n;
    time_t now = time(NULL);
    struct tm tm;
    strftime(c->asof, sizeof c->asof, "%Y-%m-%d %H:%M", localtime_r(&now, &tm));
    if (store_wave_list(s, wave_cb, &rd, err) != 0 || store_unit_list(s, unit_cb, &rd, err) != 0)
        goto cleanup;
    long w = pick_wave(&rd, wave);
    if (w < 0 && wave) {
        rc = 1;
        goto cleanup;
    }
    for (size_t i = 0; i < c->nunits; i++)
        c->headcount = c->units[i].headcount < 0 || c->headcount < 0
                           ? -1 : c->headcount + c->units[i].headcount;
    if (w >= 0) {
        c->wave = c->waves[w];
        c->open = rd.wave_open[w];
        if ((r = store_wave_key(s, rd.wave_ids[w], pk, err)) < 0)
            goto cleanup;
        c->sealed = rd.by_used = r == 1;
    }
    if (read_self(s, &rd, w >= 0 ? rd.wave_ids[w] : 0, lang, err) != 0 ||
        (w >= 0 && read_forms(s, &rd, rd.wave_ids[w], lang, err) != 0))
        goto cleanup;
    rc = 0;
cleanup:
    free(rd.wave_ids);
    free(rd.wave_open);
    free(rd.unit_ids);
    return rc;
}

void console_free(console_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nwaves; i++)
        free(c->waves[i]);
    free(c->waves);
    for (size_t i = 0; i < c->nunits; i++) {
        free(c->units[i].code);
        free(c->units[i].name);
    }
    free(c->units);
    for (size_t i = 0; i < c->nforms; i++) {
        free(c->forms[i].form_id);
        free(c->forms[i].title);
        free(c->forms[i].counts);
    }
    free(c->forms);
    free(c->self_title);
    memset(c, 0, sizeof *c);
}

/* ---- the cells ---- */

static const char *const col_names[CONSOLE_NCOLS] = {
    [CONSOLE_HEADCOUNT] = N_("Headcount"),
    [CONSOLE_INVITED] = N_("Invited"),
    [CONSOLE_RESPONSES] = N_("Responses"),
    [CONSOLE_RATE_HEAD] = N_("Rate of headcount"),
    [CONSOLE_RATE_INVITED] = N_("Rate of invited"),
    [CONSOLE_SELF] = N_("Self-assessment"),
    [CONSOLE_STATUS] = N_("Status"),
};

const char *console_col_name(console_col_t col, int zh)
{
    return col < CONSOLE_NCOLS ? TR(zh, col_names[col]) : "";
}

const char *console_nounit(int zh)
{
    return TR(zh, "Codes without a unit (the respondent chooses it)");
}

static void rate(util_buf_t *out, long num, long den)
{
    if (den > 0)
        util_buf_addf(out, "%.1f%%", 100.0 * (double)num / (double)den);
}

/* The cells a unit and the total share (headcount, invited, responses and
 * the rates); 0 when col is none of them.  The rate of invited is of the
 * codes used: responses keyed in from paper or imported use no code, and
 * counted against the codes they would give rates above 100%. */
static int figure_cell(util_buf_t *out, console_col_t col, long min_n, long headcount,
                       long invited, long used, long responses, int small, int hidden, int zh)
{
    switch (col) {
    case CONSOLE_HEADCOUNT:
        if (headcount >= 0)
            util_buf_addf(out, "%ld", headcount);
        return 1;
    case CONSOLE_INVITED: util_buf_addf(out, "%ld", invited); return 1;
    case CONSOLE_RESPONSES:
        if (small)
            util_buf_addf(out, TR(zh, "fewer than %ld"), min_n);
        else if (hidden)
            util_buf_adds(out, TR(zh, "not shown"));
        else
            util_buf_addf(out, "%ld", responses);
        return 1;
    case CONSOLE_RATE_HEAD:
        if (!hidden)
            rate(out, responses, headcount);
        return 1;
    case CONSOLE_RATE_INVITED:
        if (!hidden)
            rate(out, used, invited);
        return 1;
    default: return 0;
    }
}

void console_cell(const console_t *c, const console_form_t *f, long u, console_col_t col,
                  int zh, util_buf_t *out)
{
    if (u == CONSOLE_NOUNIT) {
        if (col == CONSOLE_INVITED)
            util_buf_addf(out, "%ld", f->invited_nounit);
        return;
    }
    if (u < 0 || (size_t)u >= c->nunits) {   /* the total */
        if (figure_cell(out, col, c->min_n, c->headcount, f->invited, f->used, f->responses,
                        f->total_small, f->total_small, zh))
            return;
        if (col == CONSOLE_SELF)
            util_buf_addf(out, TR(zh, "%zu of %zu"), c->self_filled, c->nunits);
        else if (col == CONSOLE_STATUS)
            util_buf_addf(out, TR(zh, "%zu not started"), c->nunits - f->started);
        return;
    }
    const console_unit_t *un = &c->units[u];
    const console_count_t *k = &f->counts[u];
    if (figure_cell(out, col, c->min_n, un->headcount, k->invited, k->used, k->responses, k->small,
                    k->hidden, zh))
        return;
    if (col == CONSOLE_SELF)
        util_buf_adds(out, un->self ? TR(zh, "Filled") : TR(zh, "Not yet"));
    else if (col == CONSOLE_STATUS)
        util_buf_adds(out, k->hidden || k->responses > 0 ? TR(zh, "Started")
                                                         : TR(zh, "Not started"));
}

/* ---- CSV ---- */

static void csv_row(FILE *fp, const console_t *c, const console_form_t *f, long u, int zh)
{
    util_buf_t b = {0};
    csvw_cell(fp, f->title, ',', CSVW_NEUTRAL);
    fputc(',', fp);
    csvw_cell(fp, c->wave, ',', CSVW_NEUTRAL);
    fputc(',', fp);
    csvw_cell(fp, u >= 0 ? c->units[u].code : u == CONSOLE_TOTAL ? TR(zh, "Total") : "", ',',
              CSVW_NEUTRAL);
    fputc(',', fp);
    csvw_cell(fp, u >= 0 ? c->units[u].name : u == CONSOLE_NOUNIT ? console_nounit(zh) : "", ',',
              CSVW_NEUTRAL);
    for (int col = 0; col < CONSOLE_NCOLS; col++) {
        if (col == CONSOLE_SELF && !c->has_self)
            continue;
        util_buf_reset(&b);
        console_cell(c, f, u, (console_col_t)col, zh, &b);
        fputc(',', fp);
        csvw_cell(fp, b.s ? b.s : "", ',', CSVW_NEUTRAL);
    }
    fputs("\r\n", fp);
    util_buf_free(&b);
}

int console_csv(const console_t *c, int zh, util_buf_t *out, err_t *err)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&mem, &len);
    if (!fp) {
        err_set(err, ERR_FAIL, _("not enough memory for the CSV"));
        return -1;
    }
    fputs(CSV_BOM, fp);
    const char *head[] = {N_("Form"), N_("Wave"), N_("Unit code"), N_("Unit")};
    for (size_t i = 0; i < 4; i++) {
        csvw_cell(fp, TR(zh, head[i]), ',', CSVW_NEUTRAL);
        fputc(',', fp);
    }
    for (int col = 0; col < CONSOLE_NCOLS; col++)
        if (col != CONSOLE_SELF || c->has_self) {
            csvw_cell(fp, console_col_name((console_col_t)col, zh), ',', CSVW_NEUTRAL);
            fputs(col + 1 < CONSOLE_NCOLS ? "," : "\r\n", fp);
        }
    for (size_t i = 0; i < c->nforms; i++) {
        for (size_t u = 0; u < c->nunits; u++)
            csv_row(fp, c, &c->forms[i], (long)u, zh);
        if (c->forms[i].invited_nounit > 0)
            csv_row(fp, c, &c->forms[i], CONSOLE_NOUNIT, zh);
        csv_row(fp, c, &c->forms[i], CONSOLE_TOTAL, zh);
    }
    int bad = ferror(fp);
    if (fclose(fp) != 0 || bad) {
        free(mem);
        err_set(err, ERR_FAIL, _("not enough memory for the CSV"));
        return -1;
    }
    util_buf_add(out, mem, len);
    free(mem);
    return 0;
}
