/*
 * export/text: the text writers — plain, csv and json (see writers.h).
 *
 * `plain` writes the answers exactly as stored, so that importing it gives
 * the same data back.  `csv` is for people opening it in Excel or WPS: a
 * BOM so the Chinese is read as UTF-8, CRLF line ends, and every text cell
 * that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with
 * an apostrophe — an answer typed by a respondent must never execute on a
 * researcher's machine.  Numbers like -3 stay numbers.
 */
#include "survey/export/writers.h"
#include "base/csv.h"
#include "base/i18n.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- plain, csv, json ---- */

typedef struct {
    FILE *out;
    const form_t *f;
    const exp_opts_t *o;
    exp_stats_t *st;
} text_t;

/* Only the csv format, meant for spreadsheets, neutralises formulas; the
 * plain format is read back by `import` and must keep every value as it
 * is. */
static void csv_cell(text_t *t, const char *s)
{
    csvw_cell(t->out, s, ',', CSVW_EDGE_SPACES | (t->o->format == EXP_CSV ? CSVW_NEUTRAL : 0));
}

static const char *eol(const text_t *t)
{
    return t->o->format == EXP_CSV ? "\r\n" : "\n";
}

static void csv_header(text_t *t)
{
    if (t->o->format == EXP_CSV)
        fputs(CSV_BOM, t->out);
    fputs("unit", t->out);
    for (size_t i = 0; i < t->f->nitems; i++)
        if (exp_item_exported(t->f, i)) {
            fputc(',', t->out);
            csv_cell(t, t->f->items[i].name);
        }
    fputs(eol(t), t->out);
}

static int csv_row(void *ud, const exp_row_t *r)
{
    text_t *t = ud;
    csv_cell(t, r->unit);
    for (size_t i = 0; i < t->f->nitems; i++) {
        if (!exp_item_exported(t->f, i))
            continue;
        fputc(',', t->out);
        const char *v = r->val[i];
        if (!v)
            continue;
        if (t->o->labels && t->f->items[i].list >= 0) {
            char *l = exp_answer_label(t->f, &t->f->items[i], v, t->o->lang);
            csv_cell(t, l);
            free(l);
        } else {
            csv_cell(t, v);
        }
    }
    fputs(eol(t), t->out);
    t->st->rows++;
    return ferror(t->out) ? -1 : 0;
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\r')
            fputs("\\r", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* A number as JSON spells it: "3", "-1.5", "2e3"; not ".5", "+3", "0x1F". */
static int json_number_ok(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return 0;
    if (*p == '.') {
        if (!(*++p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

static void json_number(FILE *out, const char *v)
{
    double d;
    if (json_number_ok(v))
        fputs(v, out);
    else if (util_parse_double(v, &d) == 0)
        fprintf(out, "%.17g", d);
    else
        json_string(out, v);
}

static void json_value(text_t *t, const form_item_t *it, const char *v)
{
    const form_t *f = t->f;
    FILE *out = t->out;
    const form_list_t *l = it->list >= 0 ? &f->lists[it->list] : NULL;
    if (!v) {
        fputs("null", out);
    } else if (it->type == FORM_SELECT_MULTIPLE) {
        fputc('[', out);
        char *copy = util_xstrdup(v), *save = NULL;
        int first = 1;
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            int c = form_list_choice(l, w);
            if (!first)
                fputc(',', out);
            first = 0;
            json_string(out, t->o->labels && c >= 0 ? exp_choice_label(f, l, (size_t)c, t->o->lang)
                                                    : w);
        }
        free(copy);
        fputc(']', out);
    } else if (it->type == FORM_SELECT_ONE) {
        int c = form_list_choice(l, v);
        if (t->o->labels && c >= 0)
            json_string(out, exp_choice_label(f, l, (size_t)c, t->o->lang));
        else if (l->numeric && c >= 0)
            json_number(out, v);
        else
            json_string(out, v);
    } else if (it->type == FORM_INTEGER || it->type == FORM_DECIMAL) {
        json_number(out, v);
    } else {
        json_string(out, v);
    }
}

static int json_row(void *ud, const exp_row_t *r)
{
    text_t *t = ud;
    fputs(t->st->rows ? ",\n{" : "\n{", t->out);
    fputs("\"unit\":", t->out);
    json_string(t->out, r->unit);
    for (size_t i = 0; i < t->f->nitems; i++) {
        if (!exp_item_exported(t->f, i))
            continue;
        fputc(',', t->out);
        json_string(t->out, t->f->items[i].name);
        fputc(':', t->out);
        json_value(t, &t->f->items[i], r->val[i]);
    }
    fputc('}', t->out);
    t->st->rows++;
    return ferror(t->out) ? -1 : 0;
}

int exp_write_text(store_t *s, const form_t *f, const char *form_id, int wave,
                      const exp_opts_t *o, const char *path, exp_stats_t *st, err_t *err)
{
    FILE *out = stdout;
    if (path && !(out = fopen(path, "wb"))) {
        err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
        return -1;
    }
    text_t t = {out, f, o, st};
    int rc;
    if (o->format == EXP_JSON) {
        fputc('[', out);
        rc = exp_scan(s, f, form_id, wave, o, json_row, &t, err);
        fputs("\n]\n", out);
    } else {
        csv_header(&t);
        rc = exp_scan(s, f, form_id, wave, o, csv_row, &t, err);
    }
    int bad = ferror(out) != 0;
    if (path)
        bad |= fclose(out) != 0;
    else
        bad |= fflush(out) != 0;
    if (rc == 0 && bad) {
        err_set(err, ERR_IO, _("cannot write %s: %s"), path ? path : "the output", strerror(errno));
        rc = -1;
    }
    return rc;
}
