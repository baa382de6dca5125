/*
 * export: the driver, the response scan every writer shares, and the text
 * writers — plain, csv and json (see export.h; .sav/.dta live in
 * exportstat.c, .xlsx in exportxlsx.c).
 *
 * `plain` writes the answers exactly as stored, so that importing it gives
 * the same data back.  `csv` is for people opening it in Excel or WPS: a
 * BOM so the Chinese is read as UTF-8, CRLF line ends, and every text cell
 * that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with
 * an apostrophe — an answer typed by a respondent must never execute on a
 * researcher's machine.  Numbers like -3 stay numbers.
 */
#include "survey/export/export.h"
#include "survey/answers.h"
#include "base/csv.h"
#include "base/fs.h"
#include "base/i18n.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int exp_format_parse(const char *name, exp_format_t *out)
{
    static const struct { const char *name; exp_format_t f; } names[] = {
        {"plain", EXP_PLAIN}, {"csv", EXP_CSV},   {"json", EXP_JSON}, {"sav", EXP_SAV},
        {"spss", EXP_SAV},    {"dta", EXP_DTA},   {"stata", EXP_DTA}, {"xlsx", EXP_XLSX},
        {"excel", EXP_XLSX},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (util_streq_ci(name, names[i].name)) {
            *out = names[i].f;
            return 0;
        }
    return -1;
}

const char *exp_format_name(exp_format_t f)
{
    static const char *const names[] = {"plain", "csv", "json", "sav", "dta", "xlsx"};
    return names[f];
}

int exp_format_from_path(const char *path, exp_format_t *out)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/') || util_streq_ci(dot + 1, "plain"))
        return -1;
    return exp_format_parse(dot + 1, out);
}

int exp_format_binary(exp_format_t f)
{
    return f == EXP_SAV || f == EXP_DTA || f == EXP_XLSX;
}

int exp_item_exported(const form_t *f, size_t pos)
{
    const form_item_t *it = &f->items[pos];
    return form_item_answerable(it) && strcmp(it->name, "unit") != 0;
}

const char *exp_choice_label(const form_t *f, const form_list_t *l, size_t c, int li)
{
    const char *t = form_text(f, l->choices[c].label, li);
    return *t ? t : l->choices[c].name;
}

char *exp_answer_label(const form_t *f, const form_item_t *it, const char *v, int li)
{
    if (it->list < 0)
        return util_xstrdup(v);
    const form_list_t *l = &f->lists[it->list];
    util_buf_t b = {0};
    char *copy = util_xstrdup(v), *save = NULL;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        int c = form_list_choice(l, t);
        if (b.len)
            util_buf_adds(&b, "; ");
        util_buf_adds(&b, c >= 0 ? exp_choice_label(f, l, (size_t)c, li) : t);
    }
    free(copy);
    return b.s ? util_buf_take(&b) : util_xstrdup("");
}

/* ---- the scan ---- */

typedef struct {
    int id;
    char *code;
} unit_code_t;

typedef struct {
    const form_t *f;
    ans_t *ans;
    unit_code_t *units;
    size_t nunits;
    const char **val;
    char **owned;         /* texts made here (a number stored without text) */
    unsigned char *na;
    exp_row_fn fn;
    void *ud;
} scan_t;

static int cmp_unit_id(const void *a, const void *b)
{
    const unit_code_t *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int add_unit(void *ud, const store_unit_t *u)
{
    scan_t *sc = ud;
    sc->units = util_xrealloc(sc->units, (sc->nunits + 1) * sizeof *sc->units);
    sc->units[sc->nunits++] = (unit_code_t){u->id, util_xstrdup(u->code)};
    return 0;
}

static int scan_row(void *ud, const store_scan_row_t *r)
{
    scan_t *sc = ud;
    const form_t *f = sc->f;
    for (size_t i = 0; i < f->nitems; i++) {
        sc->val[i] = NULL;
        sc->na[i] = 0;
        free(sc->owned[i]);
        sc->owned[i] = NULL;
    }
    ans_clear_all(sc->ans);
    for (size_t k = 0; k < r->n; k++) {
        size_t pos = (size_t)r->pos[k];
        const char *v = r->text[k];
        if (!v && !isnan(r->num[k]))
            v = sc->owned[pos] = util_fmt("%.15g", r->num[k]);
        if (!v)
            continue;
        sc->val[pos] = v;
        char *m = NULL;
        if (ans_set(sc->ans, pos, v, &m) != 0)
            free(m);   /* a choice an older version had: exported, but no help for `relevant` */
    }
    for (size_t i = 0; i < f->nitems; i++)
        if (!sc->val[i] && form_item_answerable(&f->items[i]) && !ans_relevant(sc->ans, i))
            sc->na[i] = 1;
    unit_code_t key = {r->unit, NULL};
    unit_code_t *u = r->unit ? bsearch(&key, sc->units, sc->nunits, sizeof *sc->units,
                                       cmp_unit_id) : NULL;
    exp_row_t row = {u ? u->code : "", sc->val, sc->na};
    return sc->fn(sc->ud, &row);
}

int exp_scan(store_t *s, const form_t *f, const char *form_id, int wave, exp_row_fn fn,
             void *ud, char **err)
{
    scan_t sc = {0};
    sc.f = f;
    sc.fn = fn;
    sc.ud = ud;
    sc.ans = ans_new(f);
    sc.val = util_xcalloc(f->nitems + 1, sizeof *sc.val);
    sc.owned = util_xcalloc(f->nitems + 1, sizeof *sc.owned);
    sc.na = util_xcalloc(f->nitems + 1, 1);
    int rc = store_unit_list(s, add_unit, &sc, err);
    if (rc == 0) {
        qsort(sc.units, sc.nunits, sizeof *sc.units, cmp_unit_id);
        rc = store_scan(s, form_id, wave, f, scan_row, &sc, err);
    }
    for (size_t i = 0; i < sc.nunits; i++)
        free(sc.units[i].code);
    for (size_t i = 0; i < f->nitems; i++)
        free(sc.owned[i]);
    free(sc.units);
    free(sc.owned);
    free(sc.val);
    free(sc.na);
    ans_free(sc.ans);
    return rc;
}

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

static int write_text(store_t *s, const form_t *f, const char *form_id, int wave,
                      const exp_opts_t *o, const char *path, exp_stats_t *st, char **err)
{
    FILE *out = stdout;
    if (path && !(out = fopen(path, "wb"))) {
        util_seterr(err, _("cannot write %s: %s"), path, strerror(errno));
        return -1;
    }
    text_t t = {out, f, o, st};
    int rc;
    if (o->format == EXP_JSON) {
        fputc('[', out);
        rc = exp_scan(s, f, form_id, wave, json_row, &t, err);
        fputs("\n]\n", out);
    } else {
        csv_header(&t);
        rc = exp_scan(s, f, form_id, wave, csv_row, &t, err);
    }
    int bad = ferror(out) != 0;
    if (path)
        bad |= fclose(out) != 0;
    else
        bad |= fflush(out) != 0;
    if (rc == 0 && bad) {
        util_seterr(err, _("cannot write %s: %s"), path ? path : "the output", strerror(errno));
        rc = -1;
    }
    return rc;
}

int exp_write(store_t *s, const form_t *f, const char *form_id, int wave, const exp_opts_t *o,
              exp_stats_t *st, char **err)
{
    memset(st, 0, sizeof *st);
    /* written beside the target and renamed over it at the end, so a
     * failed export never leaves half a file under the name asked for */
    char *tmp = o->path ? fs_temp_name(o->path) : NULL;
    int rc;
    if (tmp) {
        /* say which file cannot be written, not which temporary name */
        FILE *probe = fopen(tmp, "wb");
        if (!probe) {
            util_seterr(err, _("cannot write %s: %s"), o->path, strerror(errno));
            free(tmp);
            return -1;
        }
        fclose(probe);
    }
    if (o->format == EXP_SAV || o->format == EXP_DTA)
        rc = exp_write_stat(s, f, form_id, wave, o, tmp, st, err);
    else if (o->format == EXP_XLSX)
        rc = exp_write_xlsx(s, f, form_id, wave, o, tmp, st, err);
    else
        rc = write_text(s, f, form_id, wave, o, tmp, st, err);
    if (tmp) {
        if (rc == 0 && fs_commit(tmp, o->path) != 0) {
            util_seterr(err, _("cannot write %s: %s"), o->path, strerror(errno));
            rc = -1;
        }
        if (rc != 0)
            remove(tmp);
        free(tmp);
    }
    return rc;
}
