/*
 * exportstat: SPSS .sav and Stata .dta files through ReadStat, one code
 * path for both (see export.h).
 *
 * Coding.  select_one becomes a number: the choice name itself when every
 * name of the list is a whole number (a Likert 1..5 stays 1..5), else 1..k
 * in list order; the choice labels become value labels.  select_multiple
 * becomes one 0/1 variable per option, named question_option.  integer and
 * decimal stay numbers, text becomes a string.  Variable labels are the
 * question texts.
 *
 * Missing values.  SPSS: not answered is -9, not applicable (the form's
 * `relevant` skipped the question) is -8; both are declared user-missing
 * and labelled, so SPSS, PSPP and R's haven (user_na = FALSE) treat them as
 * missing while the reason stays visible.  A variable whose own values
 * include -9 or -8 gets system-missing instead.  Stata: the extended
 * missing values .a and .b, labelled the same way.
 *
 * ReadStat needs the number of rows and every string's width before the
 * first row, so the responses are scanned twice, inside one read
 * transaction: both scans see the same snapshot while imports go on.
 */
#include "survey/export/writers.h"
#include "base/i18n.h"

#include <readstat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_ANSWERED (-9)
#define NOT_APPLICABLE (-8)
#define SAV_STRING_MAX 32767
#define DTA_STRING_MAX 2045
#define INT32_LO (-2147483647.0)
#define INT32_HI 2147483620.0      /* Stata keeps the values above for missing */

typedef enum { V_UNIT, V_CODED, V_OPTION, V_NUMBER, V_TEXT } vkind_t;

typedef struct {
    vkind_t kind;
    int item, choice;
    char *name;
    size_t width;        /* strings: the longest value in bytes */
    int whole;           /* numbers: every value whole and within int32 */
    int clash;           /* sav: a value is -9 or -8, so no missing codes */
    readstat_variable_t *var;
} svar_t;

typedef struct {
    const form_t *f;
    const exp_opts_t *o;
    int dta;
    svar_t *v;
    size_t nv;
    int *bynum;          /* per list: coded by the choice names as numbers */
    int *list_clash;     /* per list: a code is -9 or -8 */
    long rows;
    readstat_writer_t *w;
    FILE *out;
    exp_stats_t *st;
    readstat_error_t rerr;
    const char *rwhat;
} stat_t;

static const char *const sav_reserved[] = {
    "ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH", NULL};
static const char *const dta_reserved[] = {
    "byte", "double", "float", "if", "in", "int", "long", "strL", "using", "with", NULL};

static int reserved(const stat_t *x, const char *n)
{
    const char *const *r = x->dta ? dta_reserved : sav_reserved;
    for (; *r; r++)
        if (x->dta ? strcmp(*r, n) == 0 : util_streq_ci(*r, n))
            return 1;
    /* Stata's str1..str2045 are type names */
    if (x->dta && strncmp(n, "str", 3) == 0 && n[3] >= '0' && n[3] <= '9' &&
        strspn(n + 3, "0123456789") == strlen(n + 3))
        return 1;
    return 0;
}

static int name_taken(const stat_t *x, const char *n)
{
    for (size_t i = 0; i < x->nv; i++)
        if (util_streq_ci(x->v[i].name, n))
            return 1;
    return reserved(x, n);
}

/* A variable name both programs accept: ASCII letters, digits and '_',
 * starting with a letter, at most 64 (SPSS) or 32 (Stata) bytes, unique
 * ignoring case. */
static char *var_name(const stat_t *x, const char *base, const char *suffix)
{
    size_t max = x->dta ? 32 : 64;
    util_buf_t b = {0};
    if (!((base[0] >= 'a' && base[0] <= 'z') || (base[0] >= 'A' && base[0] <= 'Z')))
        util_buf_addc(&b, 'v');
    util_buf_adds(&b, base);
    if (suffix) {
        util_buf_addc(&b, '_');
        util_buf_adds(&b, suffix);
    }
    for (size_t i = 0; i < b.len; i++) {
        char c = b.s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            b.s[i] = '_';
    }
    if (b.len > max)
        b.s[b.len = max] = '\0';
    char *n = util_buf_take(&b);
    for (int k = 2; name_taken(x, n); k++) {
        char tail[16];
        int tl = snprintf(tail, sizeof tail, "_%d", k);
        size_t keep = strlen(n);
        if (keep + (size_t)tl > max)
            keep = max - (size_t)tl;
        char *m = util_fmt("%.*s%s", (int)keep, n, tail);
        free(n);
        n = m;
    }
    return n;
}

/* s cut to at most max bytes and max_chars characters without splitting
 * a character; heap. */
static char *clip(const char *s, size_t max, size_t max_chars, int *cut)
{
    size_t n = 0, chars = 0, len = strlen(s);
    while (n < len && chars < max_chars) {
        unsigned cp;
        size_t k = (size_t)util_utf8_decode(s + n, len - n, &cp);
        if (n + k > max)
            break;
        n += k;
        chars++;
    }
    if (cut)
        *cut = n < len;
    return util_xstrndup(s, n);
}

static svar_t *add_var(stat_t *x, vkind_t kind, int item, int choice, char *name)
{
    x->v = util_xrealloc(x->v, (x->nv + 1) * sizeof *x->v);
    svar_t *v = &x->v[x->nv++];
    *v = (svar_t){kind, item, choice, name, 0, 1, 0, NULL};
    return v;
}

static void plan(stat_t *x)
{
    const form_t *f = x->f;
    x->bynum = util_xcalloc(f->nlists + 1, sizeof *x->bynum);
    x->list_clash = util_xcalloc(f->nlists + 1, sizeof *x->list_clash);
    for (size_t l = 0; l < f->nlists; l++) {
        const form_list_t *L = &f->lists[l];
        int by = L->numeric && L->nchoices > 0;
        for (size_t c = 0; c < L->nchoices && by; c++) {
            double d = L->choices[c].num;
            if (d != (double)(long long)d || d < INT32_LO || d > INT32_HI)
                by = 0;
        }
        x->bynum[l] = by;
        for (size_t c = 0; by && c < L->nchoices; c++)
            if (L->choices[c].num == NOT_ANSWERED || L->choices[c].num == NOT_APPLICABLE)
                x->list_clash[l] = 1;
    }
    add_var(x, V_UNIT, -1, -1, var_name(x, "unit", NULL));
    for (size_t i = 0; i < f->nitems; i++) {
        if (!exp_item_exported(f, i))
            continue;
        const form_item_t *it = &f->items[i];
        switch (it->type) {
        case FORM_SELECT_ONE:
            add_var(x, V_CODED, (int)i, -1, var_name(x, it->name, NULL))->clash =
                x->list_clash[it->list];
            break;
        case FORM_SELECT_MULTIPLE: {
            const form_list_t *L = &f->lists[it->list];
            for (size_t c = 0; c < L->nchoices; c++)
                add_var(x, V_OPTION, (int)i, (int)c, var_name(x, it->name, L->choices[c].name));
            break;
        }
        case FORM_INTEGER:
        case FORM_DECIMAL:
            add_var(x, V_NUMBER, (int)i, -1, var_name(x, it->name, NULL))->whole =
                it->type == FORM_INTEGER;
            break;
        default:
            add_var(x, V_TEXT, (int)i, -1, var_name(x, it->name, NULL));
            break;
        }
    }
}

static int measure_row(void *ud, const exp_row_t *r)
{
    stat_t *x = ud;
    size_t smax = x->dta ? DTA_STRING_MAX : SAV_STRING_MAX;
    x->rows++;
    for (size_t k = 0; k < x->nv; k++) {
        svar_t *v = &x->v[k];
        const char *val = v->kind == V_UNIT ? r->unit : r->val[v->item];
        if (!val)
            continue;
        if (v->kind == V_UNIT || v->kind == V_TEXT) {
            size_t n = strlen(val);
            v->width = n > v->width ? (n > smax ? smax : n) : v->width;
        } else if (v->kind == V_NUMBER) {
            double d;
            if (util_parse_double(val, &d) != 0)
                continue;
            if (d == NOT_ANSWERED || d == NOT_APPLICABLE)
                v->clash = 1;
            if (d != (double)(long long)d || d < INT32_LO || d > INT32_HI)
                v->whole = 0;
        }
    }
    return 0;
}

static int rs(stat_t *x, readstat_error_t e, const char *what)
{
    if (e == READSTAT_OK)
        return 0;
    x->rerr = e;
    x->rwhat = what;
    return -1;
}

static int put_missing(stat_t *x, const svar_t *v, int na)
{
    if (x->dta)
        return rs(x, readstat_insert_tagged_missing_value(x->w, v->var, na ? 'b' : 'a'),
                  _("writing"));
    if (v->clash)
        return rs(x, readstat_insert_missing_value(x->w, v->var), _("writing"));
    return rs(x, readstat_insert_double_value(x->w, v->var, na ? NOT_APPLICABLE : NOT_ANSWERED),
              _("writing"));
}

static int put_number(stat_t *x, const svar_t *v, double d, int as_int)
{
    if (x->dta && as_int)
        return rs(x, readstat_insert_int32_value(x->w, v->var, (int32_t)d), _("writing"));
    return rs(x, readstat_insert_double_value(x->w, v->var, d), _("writing"));
}

static int put_string(stat_t *x, const svar_t *v, const char *s)
{
    int cut = 0;
    char *c = clip(s, v->width, (size_t)-1, &cut);
    if (cut)
        x->st->truncated++;
    int rc = rs(x, readstat_insert_string_value(x->w, v->var, c), _("writing"));
    free(c);
    return rc;
}

static int write_row(void *ud, const exp_row_t *r)
{
    stat_t *x = ud;
    const form_t *f = x->f;
    if (rs(x, readstat_begin_row(x->w), _("writing")))
        return -1;
    for (size_t k = 0; k < x->nv; k++) {
        const svar_t *v = &x->v[k];
        const char *val = v->kind == V_UNIT ? r->unit : r->val[v->item];
        int na = v->item >= 0 && r->na[v->item];
        int rc = 0;
        if (v->kind == V_UNIT || v->kind == V_TEXT) {
            rc = put_string(x, v, val ? val : "");
        } else if (!val) {
            rc = put_missing(x, v, na);
        } else if (v->kind == V_CODED) {
            const form_item_t *it = &f->items[v->item];
            int c = form_list_choice(&f->lists[it->list], val);
            if (c < 0) {
                x->st->unlisted++;
                rc = rs(x, readstat_insert_missing_value(x->w, v->var), _("writing"));
            } else {
                double code = x->bynum[it->list] ? f->lists[it->list].choices[c].num : c + 1;
                rc = put_number(x, v, code, 1);
            }
        } else if (v->kind == V_OPTION) {
            const form_list_t *L = &f->lists[f->items[v->item].list];
            if (v->choice == 0) {
                /* an option the newest version no longer lists: counted once per answer */
                char *copy = util_xstrdup(val), *save = NULL;
                for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
                    if (form_list_choice(L, w) < 0)
                        x->st->unlisted++;
                free(copy);
            }
            rc = put_number(x, v, util_has_word(val, L->choices[v->choice].name), 1);
        } else {
            double d;
            if (util_parse_double(val, &d) != 0) {
                x->st->unlisted++;
                rc = rs(x, readstat_insert_missing_value(x->w, v->var), _("writing"));
            } else {
                rc = put_number(x, v, d, v->whole);
            }
        }
        if (rc)
            return -1;
    }
    if (rs(x, readstat_end_row(x->w), _("writing")))
        return -1;
    x->st->rows++;
    return 0;
}

static ssize_t write_bytes(const void *data, size_t len, void *ctx)
{
    stat_t *x = ctx;
    return fwrite(data, 1, len, x->out) == len ? (ssize_t)len : -1;
}

static void label_missing(stat_t *x, readstat_label_set_t *ls)
{
    const char *no = TR(x->o->zh, "not answered");
    const char *na = TR(x->o->zh, "not applicable (skipped by the form's logic)");
    if (x->dta) {
        readstat_label_tagged_value(ls, 'a', no);
        readstat_label_tagged_value(ls, 'b', na);
    } else {
        readstat_label_double_value(ls, NOT_ANSWERED, no);
        readstat_label_double_value(ls, NOT_APPLICABLE, na);
    }
}

static void label_value(stat_t *x, readstat_label_set_t *ls, double code, const char *text)
{
    /* SPSS keeps 120 bytes of a value label */
    char *t = clip(text, x->dta ? 32000 : 120, (size_t)-1, NULL);
    if (x->dta)
        readstat_label_int32_value(ls, (int32_t)code, t);
    else
        readstat_label_double_value(ls, code, t);
    free(t);
}

/* Label sets and variables, then the header of the file. */
static int define(stat_t *x)
{
    const form_t *f = x->f;
    readstat_type_t ltype = x->dta ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE;
    readstat_label_set_t **lists = util_xcalloc(f->nlists + 1, sizeof *lists);
    readstat_label_set_t *selected = NULL, *missing = NULL;
    int rc = -1;
    char *label = clip(f->title ? f->title : f->form_id, x->dta ? 80 : 64, 80, NULL);
    if (rs(x, readstat_writer_set_file_label(x->w, label), _("file label")))
        goto cleanup;
    if (x->dta && rs(x, readstat_writer_set_file_format_version(x->w, 118), _("file version")))
        goto cleanup;
    for (size_t k = 0; k < x->nv; k++) {
        svar_t *v = &x->v[k];
        const form_item_t *it = v->item >= 0 ? &f->items[v->item] : NULL;
        readstat_label_set_t *ls = NULL;
        if (v->kind == V_CODED) {
            if (!lists[it->list]) {
                const form_list_t *L = &f->lists[it->list];
                char *n = var_name(x, L->name, NULL);
                ls = lists[it->list] = readstat_add_label_set(x->w, ltype, n);
                free(n);
                for (size_t c = 0; c < L->nchoices; c++)
                    label_value(x, ls, x->bynum[it->list] ? L->choices[c].num : (double)c + 1,
                                exp_choice_label(f, L, c, x->o->lang));
                if (!x->list_clash[it->list])
                    label_missing(x, ls);
            }
            ls = lists[it->list];
        } else if (v->kind == V_OPTION) {
            if (!selected) {
                selected = readstat_add_label_set(x->w, ltype, "selected");
                label_value(x, selected, 0, TR(x->o->zh, "not selected"));
                label_value(x, selected, 1, TR(x->o->zh, "selected"));
                label_missing(x, selected);
            }
            ls = selected;
        } else if (v->kind == V_NUMBER && !v->clash) {
            if (!missing) {
                missing = readstat_add_label_set(x->w, ltype, "missing");
                label_missing(x, missing);
            }
            ls = missing;
        }
        readstat_type_t type = READSTAT_TYPE_DOUBLE;
        if (v->kind == V_UNIT || v->kind == V_TEXT)
            type = READSTAT_TYPE_STRING;
        else if (x->dta && (v->kind != V_NUMBER || v->whole))
            type = READSTAT_TYPE_INT32;
        v->var = readstat_add_variable(x->w, v->name, type, v->width ? v->width : 1);
        if (!v->var) {
            x->rerr = READSTAT_ERROR_MALLOC;
            x->rwhat = v->name;
            goto cleanup;
        }
        free(label);
        if (v->kind == V_UNIT) {
            label = util_xstrdup(TR(x->o->zh, "unit code"));
        } else if (v->kind == V_OPTION) {
            const form_list_t *L = &f->lists[it->list];
            label = util_fmt("%s: %s", form_text(f, it->label, x->o->lang),
                             exp_choice_label(f, L, (size_t)v->choice, x->o->lang));
        } else {
            const char *t = form_text(f, it->label, x->o->lang);
            label = util_xstrdup(*t ? t : it->name);
        }
        char *cl = clip(label, x->dta ? 320 : 255, x->dta ? 80 : (size_t)-1, NULL);
        readstat_variable_set_label(v->var, cl);
        free(cl);
        if (ls)
            readstat_variable_set_label_set(v->var, ls);
        if (type != READSTAT_TYPE_STRING && !x->dta && !v->clash) {
            if (rs(x, readstat_variable_add_missing_double_value(v->var, NOT_ANSWERED), v->name) ||
                rs(x, readstat_variable_add_missing_double_value(v->var, NOT_APPLICABLE), v->name))
                goto cleanup;
        }
        if (v->kind == V_CODED)
            readstat_variable_set_measure(v->var, f->lists[it->list].numeric
                                                      ? READSTAT_MEASURE_ORDINAL
                                                      : READSTAT_MEASURE_NOMINAL);
        else if (v->kind == V_NUMBER)
            readstat_variable_set_measure(v->var, READSTAT_MEASURE_SCALE);
        else
            readstat_variable_set_measure(v->var, READSTAT_MEASURE_NOMINAL);
        if (!x->dta && type != READSTAT_TYPE_STRING && (v->kind != V_NUMBER || v->whole))
            readstat_variable_set_format(v->var, "F8.0");
    }
    rc = 0;
cleanup:
    free(label);
    free(lists);
    return rc;
}

int exp_write_stat(store_t *s, const form_t *f, const char *form_id, int wave,
                   const exp_opts_t *o, const char *path, exp_stats_t *st, err_t *err)
{
    stat_t x = {0};
    int rc = -1, in_tx = 0;
    x.f = f;
    x.o = o;
    x.dta = o->format == EXP_DTA;
    x.st = st;
    plan(&x);
    if (store_read_begin(s, err) != 0)
        goto cleanup;
    in_tx = 1;
    if (exp_scan(s, f, form_id, wave, o, measure_row, &x, err) != 0)
        goto cleanup;
    x.out = stdout;
    if (path && !(x.out = fopen(path, "wb"))) {
        err_set(err, ERR_FAIL, _("cannot write %s"), path);
        goto cleanup;
    }
    x.w = readstat_writer_init();
    readstat_set_data_writer(x.w, write_bytes);
    if (define(&x) != 0 ||
        rs(&x, x.dta ? readstat_begin_writing_dta(x.w, &x, x.rows)
                     : readstat_begin_writing_sav(x.w, &x, x.rows), _("starting the file")) ||
        rs(&x, readstat_validate_metadata(x.w), _("checking the file's labels")))
        goto cleanup;
    for (size_t k = 0; k < x.nv; k++)
        if (rs(&x, readstat_validate_variable(x.w, x.v[k].var), x.v[k].name))
            goto cleanup;
    if (exp_scan(s, f, form_id, wave, o, write_row, &x, err) != 0 ||
        rs(&x, readstat_end_writing(x.w), _("finishing the file")))
        goto cleanup;
    rc = 0;
cleanup:
    if (x.rerr != READSTAT_OK)
        err_set(err, ERR_FAIL, _("%s file, %s: %s"), x.dta ? "Stata" : "SPSS",
                x.rwhat ? x.rwhat : "writing", readstat_error_message(x.rerr));
    if (in_tx)
        store_rollback(s);
    if (x.w)
        readstat_writer_free(x.w);
    if (x.out && x.out != stdout) {
        if (fclose(x.out) != 0 && rc == 0) {
            err_set(err, ERR_FAIL, _("cannot write %s"), path);
            rc = -1;
        }
    } else if (x.out && fflush(x.out) != 0 && rc == 0) {
        err_set(err, ERR_FAIL, _("cannot write the output"));
        rc = -1;
    }
    for (size_t k = 0; k < x.nv; k++)
        free(x.v[k].name);
    free(x.v);
    free(x.bynum);
    free(x.list_clash);
    return rc;
}
