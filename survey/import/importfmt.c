/*
 * importfmt: header plans and row reading for plain, KoboToolbox/ODK and
 * 问卷星 (wjx) response files (see importfmt.h).
 *
 * The foreign formats are matched loosely where the platforms differ among
 * themselves and strictly where a wrong guess would put answers under the
 * wrong question.  KoboToolbox joins group names with '/', ODK Central
 * with '-', so a header is accepted as "groups, then a question name" only
 * when every part before the name really is a group of the form.  问卷星
 * numbers its questions, but a matrix question (one number, several rows)
 * shifts every number after it away from the form's item positions; so a
 * question is matched by its text first, and by its number only while no
 * matrix has come before it.
 *
 * 问卷星's "by option number" export writes 1..k for the k-th option and
 * its "by option text" export the option's text; a cell that is a whole
 * number in range is read as an option number, anything else as a text.
 * A list whose labels are themselves numbers ("1", "2", ...) in that order
 * reads the same either way.
 */
#include "survey/import/importfmt.h"
#include "base/i18n.h"

#include <stdlib.h>
#include <string.h>

typedef enum {
    COL_IGNORE,
    COL_NOHEADER,      /* an empty header cell: values in it are errors */
    COL_UNIT,
    COL_ITEM,
    COL_OPTION
} coltype_t;

typedef struct {
    coltype_t type;
    int item;          /* form position (COL_ITEM, COL_OPTION) */
    int choice;        /* COL_OPTION: index into the item's list */
} col_t;

struct imp_plan {
    const form_t *f;
    imp_format_t fmt;
    col_t *cols;
    size_t ncols;
    long line;                 /* of the header */
    int unit_col;              /* column index, -1 */
    int *item_col;             /* per item: the column holding its answer, -1 */
    int *opt_first, *opt_n;    /* per item: its option columns in opts[] */
    int *opt_items, nopt_items; /* the items with option columns, in form order */
    int *opts;
    signed char *sel;          /* scratch per choice: -1 not given, 0, 1 */
    signed char *optval;       /* scratch per column: an option cell read as -2..1 */
    unsigned char *bad;        /* scratch per item: its own cell was rejected */
    imp_report_fn report;
    void *ud;
    int problems;              /* in the current row */
    long labels;               /* cells read as choice labels, every row so far */
    char *label_example;       /* the first of them, for the message (heap) */
};

static const char *const wjx_system[] = {
    "序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
    "总分", "填写设备", "操作系统", "浏览器", NULL};

/* KoboToolbox and ODK Central columns that are no question: ids, times,
 * devices, review states.  Columns starting with '_' and the `meta` and
 * `formhub` groups are system columns too. */
static const char *const kobo_system[] = {
    "SubmissionDate", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
    "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    "instanceID", "instanceName", "rootUuid", "deprecatedID", "start", "end", "today",
    "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit", NULL};

int imp_format_parse(const char *name, imp_format_t *out)
{
    if (util_streq_ci(name, "auto"))
        *out = IMP_AUTO;
    else if (util_streq_ci(name, "plain"))
        *out = IMP_PLAIN;
    else if (util_streq_ci(name, "kobo") || util_streq_ci(name, "odk") ||
             util_streq_ci(name, "kobotoolbox"))
        *out = IMP_KOBO;
    else if (util_streq_ci(name, "wjx") || strcmp(name, "问卷星") == 0)
        *out = IMP_WJX;
    else
        return -1;
    return 0;
}

const char *imp_format_name(imp_format_t f)
{
    switch (f) {
    case IMP_PLAIN: return "plain";
    case IMP_KOBO: return "kobo";
    case IMP_WJX: return "wjx";
    default: return "auto";
    }
}

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whitespace that label comparisons ignore: ASCII, U+3000 and U+00A0;
 * returns its length at s, 0 for none. */
static size_t space_at(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        return 1;
    if (starts(s, "\xE3\x80\x80"))
        return 3;
    if (starts(s, "\xC2\xA0"))
        return 2;
    return 0;
}

/* Texts equal but for whitespace: platforms re-wrap long question texts. */
static int same_text(const char *a, const char *b)
{
    for (;;) {
        size_t k;
        while ((k = space_at(a)) > 0)
            a += k;
        while ((k = space_at(b)) > 0)
            b += k;
        if (!*a || !*b)
            return !*a && !*b;
        if (*a++ != *b++)
            return 0;
    }
}

static int text_matches(const form_t *f, form_text_t t, const char *s)
{
    if (!t)
        return 0;
    for (size_t l = 0; l < f->nlangs; l++)
        if (t[l] && same_text(t[l], s))
            return 1;
    return 0;
}

static int choice_by_label(const form_t *f, const form_list_t *l, const char *v)
{
    for (size_t c = 0; c < l->nchoices; c++)
        if (text_matches(f, l->choices[c].label, v))
            return (int)c;
    return -1;
}

static int is_sep(char c)
{
    return c == '/' || c == '-';
}

static int is_group(const form_t *f, const char *s, size_t n)
{
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        if (it->type == FORM_BEGIN_GROUP && it->name && strlen(it->name) == n &&
            memcmp(it->name, s, n) == 0)
            return 1;
    }
    return 0;
}

/* 1 when s[0..n) is group names of the form joined by '/' or '-'.  Group
 * names may contain '-' themselves, hence every split is tried. */
static int group_path(const form_t *f, const char *s, size_t n)
{
    for (size_t k = 1; k <= n; k++)
        if ((k == n || is_sep(s[k])) && is_group(f, s, k) &&
            (k == n || group_path(f, s + k + 1, n - k - 1)))
            return 1;
    return 0;
}

/* A KoboToolbox/ODK header: [groups SEP] name [SEP option].  Returns the
 * item's position (and *choice, -1 for the item's own column) or -1. */
static int kobo_resolve(const form_t *f, const char *h, int *choice)
{
    size_t len = strlen(h);
    *choice = -1;
    for (size_t s = 0; s < len; s++) {
        if (s > 0 && (!is_sep(h[s - 1]) || !group_path(f, h, s - 1)))
            continue;
        for (size_t e = len; e > s; e--) {
            if (e < len && !is_sep(h[e]))
                continue;
            char *name = util_xstrndup(h + s, e - s);
            int k = form_item_index(f, name);
            free(name);
            if (k < 0 || !form_item_answerable(&f->items[k]))
                continue;
            if (e == len)
                return k;
            if (f->items[k].type != FORM_SELECT_MULTIPLE)
                continue;
            int c = form_list_choice(&f->lists[f->items[k].list], h + e + 1);
            if (c >= 0) {
                *choice = c;
                return k;
            }
        }
    }
    return -1;
}

static int kobo_is_system(const char *h)
{
    if (h[0] == '_' || in_list(kobo_system, h))
        return 1;
    const char *first_end = h + strcspn(h, "/-");
    if (!*first_end)
        return 0;
    size_t n = (size_t)(first_end - h);
    if ((n == 4 && memcmp(h, "meta", 4) == 0) || (n == 7 && memcmp(h, "formhub", 7) == 0))
        return 1;
    const char *last = h + strlen(h);
    while (last > h && !is_sep(last[-1]))
        last--;
    return in_list(kobo_system, last);
}

/* "12、text" (also "12：" and "12:"): the number and the text after it. */
static int wjx_numbered(const char *h, long *n, const char **rest)
{
    const char *p = h;
    long v = 0;
    while (*p >= '0' && *p <= '9' && p - h < 5)
        v = v * 10 + (*p++ - '0');
    if (p == h)
        return 0;
    if (starts(p, "、") || starts(p, "："))
        p += 3;
    else if (*p == ':')
        p++;
    else
        return 0;
    *n = v;
    *rest = p;
    return 1;
}

/* Matrix rows and multi-option columns: "第12题(label)" or "12、(label)",
 * with ASCII or full-width parentheses.  Returns the label (heap), or NULL. */
static char *wjx_sub(const char *h, long *n)
{
    const char *p;
    if (starts(h, "第")) {
        p = h + 3;
        long v = 0;
        const char *d = p;
        while (*p >= '0' && *p <= '9' && p - d < 5)
            v = v * 10 + (*p++ - '0');
        if (p == d || !starts(p, "题"))
            return NULL;
        p += 3;
        *n = v;
    } else if (!wjx_numbered(h, n, &p)) {
        return NULL;
    }
    while (*p == ' ')
        p++;
    size_t open = *p == '(' ? 1 : starts(p, "（") ? 3 : 0;
    size_t len = strlen(p);
    size_t close = len > open && p[len - 1] == ')' ? 1
                 : len >= open + 3 && strcmp(p + len - 3, "）") == 0 ? 3 : 0;
    if (!open || !close)
        return NULL;
    return util_trim(util_xstrndup(p + open, len - open - close));
}

static int wjx_skipped(const char *v)
{
    return strcmp(v, "(跳过)") == 0 || strcmp(v, "（跳过）") == 0 ||
           strcmp(v, "跳过") == 0 ||
           strcmp(v, "-2") == 0 || strcmp(v, "-3") == 0 || strcmp(v, "(空)") == 0 ||
           strcmp(v, "（空）") == 0;
}

imp_format_t imp_format_detect(const form_t *f, const csvr_row_t *header, char delim)
{
    int kobo = 0;
    for (size_t j = 0; j < header->ncells; j++) {
        char *c = util_trim(util_xstrdup(header->cells[j]));
        long n;
        const char *rest;
        char *lab = wjx_sub(c, &n);
        int wjx = lab || in_list(wjx_system, c) || wjx_numbered(c, &n, &rest);
        int choice;
        if (!wjx && *c && form_item_index(f, c) < 0 &&
            (kobo_is_system(c) || kobo_resolve(f, c, &choice) >= 0))
            kobo = 1;
        free(lab);
        free(c);
        if (wjx)
            return IMP_WJX;
    }
    return kobo || delim == ';' ? IMP_KOBO : IMP_PLAIN;
}

static void bad(imp_plan_t *p, long line, long col, const char *fmt, ...) UTIL_PRINTF(4, 5);
static void bad(imp_plan_t *p, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = util_vfmt(fmt, ap);
    va_end(ap);
    p->problems++;
    p->report(p->ud, line, col, m);
    free(m);
}

static void set_item(imp_plan_t *p, size_t j, int k, const char *h)
{
    if (p->item_col[k] >= 0) {
        bad(p, p->line, (long)j + 1, _("column '%s' gives %s a second time "
                                       "(first in column %d)"), h,
            p->f->items[k].name, p->item_col[k] + 1);
        return;
    }
    p->cols[j].type = COL_ITEM;
    p->cols[j].item = k;
    p->item_col[k] = (int)j;
}

static void set_option(imp_plan_t *p, size_t j, int k, int c, const char *h)
{
    for (size_t i = 0; i < j; i++)
        if (p->cols[i].type == COL_OPTION && p->cols[i].item == k && p->cols[i].choice == c) {
            bad(p, p->line, (long)j + 1, _("column '%s' gives option %s of %s a second time "
                  "(first in column %zu)"), h, p->f->lists[p->f->items[k].list].choices[c].name,
                p->f->items[k].name, i + 1);
            return;
        }
    p->cols[j].type = COL_OPTION;
    p->cols[j].item = k;
    p->cols[j].choice = c;
}

static void set_unit(imp_plan_t *p, size_t j, const char *h)
{
    if (p->unit_col >= 0) {
        bad(p, p->line, (long)j + 1, _("column '%s' is a second unit column "
                                       "(first in column %d)"), h,
            p->unit_col + 1);
        return;
    }
    p->cols[j].type = COL_UNIT;
    p->unit_col = (int)j;
}

static void unknown_column(imp_plan_t *p, size_t j, const char *h, const char *word)
{
    const form_t *f = p->f;
    const char **names = util_xcalloc(f->nitems + 1, sizeof *names);
    size_t m = 0;
    for (size_t i = 0; i < f->nitems; i++)
        if (form_item_answerable(&f->items[i]))
            names[m++] = f->items[i].name;
    const char *near = util_nearest(word, names);
    if (near)
        bad(p, p->line, (long)j + 1, _("column '%s' is not a question of %s; "
                                       "did you mean '%s'?"), h,
            f->form_id, near);
    else
        bad(p, p->line, (long)j + 1, _("column '%s' is not a question of %s"), h, f->form_id);
    free(names);
}

/* The unit column's header: --unit-column, else "unit" when no question
 * of the form is called that (then the question gives the unit). */
static int is_unit_header(const imp_plan_t *p, const char *h, const char *unit_column)
{
    if (unit_column)
        return strcmp(h, unit_column) == 0;
    return strcmp(h, "unit") == 0 && (p->fmt == IMP_PLAIN || form_item_index(p->f, "unit") < 0);
}

/* exact_item's answers other than an item's index: no item has the name;
 * the item takes no answer (a note or group), which was reported.  Not
 * errors of the import, just two things a column can be. */
enum { ITEM_NONE = -1, ITEM_UNANSWERABLE = -2 };

/* The item named h exactly (header cell j), or ITEM_NONE, ITEM_UNANSWERABLE. */
static int exact_item(imp_plan_t *p, size_t j, const char *h)
{
    int k = form_item_index(p->f, h);
    if (k < 0)
        return ITEM_NONE;
    if (p->f->items[k].repeat >= 0) {
        bad(p, p->line, (long)j + 1, _("column '%s' is a question of repeat '%s', whose rows "
            "are not imported from a table of responses"), h,
            p->f->items[p->f->items[k].repeat].name);
        return ITEM_UNANSWERABLE;
    }
    if (p->f->items[k].type == FORM_CALCULATE) {
        /* a calculate's column (in gapsurvey's or Kobo's export) is
         * computed again from the answers, not taken from the file */
        p->cols[j].type = COL_IGNORE;
        return ITEM_UNANSWERABLE;
    }
    if (!form_item_answerable(&p->f->items[k])) {
        bad(p, p->line, (long)j + 1, _("column '%s' is a %s, which takes no answer"), h,
            form_type_name(p->f->items[k].type));
        return ITEM_UNANSWERABLE;
    }
    return k;
}

static void plan_plain(imp_plan_t *p, const csvr_row_t *h, char **names, const char *unit_column)
{
    for (size_t j = 0; j < h->ncells; j++) {
        const char *c = names[j];
        int dup = 0;
        for (size_t i = 0; i < j && *c; i++)
            if (strcmp(names[i], c) == 0)
                dup = 1;
        if (dup) {
            bad(p, p->line, (long)j + 1, _("column '%s' appears twice"), c);
            continue;
        }
        if (!*c) {
            p->cols[j].type = COL_NOHEADER;
        } else if (is_unit_header(p, c, unit_column)) {
            set_unit(p, j, c);
        } else if (strcmp(c, IMP_PROBLEMS_COLUMN) == 0 || strcmp(c, "_index") == 0) {
            continue;   /* _index: the row number of an export of a form with repeats */
        } else {
            int k = exact_item(p, j, c);
            if (k >= 0)
                set_item(p, j, k, c);
            else if (k == ITEM_NONE)
                unknown_column(p, j, c, c);
        }
    }
}

static void plan_kobo(imp_plan_t *p, const csvr_row_t *h, char **names, const char *unit_column)
{
    for (size_t j = 0; j < h->ncells; j++) {
        const char *c = names[j];
        int k, choice;
        if (!*c) {
            p->cols[j].type = COL_NOHEADER;
        } else if (unit_column && strcmp(c, unit_column) == 0) {
            set_unit(p, j, c);
        } else if (strcmp(c, IMP_PROBLEMS_COLUMN) == 0) {
            continue;
        } else if ((k = exact_item(p, j, c)) >= 0) {
            set_item(p, j, k, c);
        } else if (k == ITEM_UNANSWERABLE) {
            continue;
        } else if (kobo_is_system(c)) {
            continue;
        } else if ((k = kobo_resolve(p->f, c, &choice)) >= 0) {
            if (choice < 0)
                set_item(p, j, k, c);
            else
                set_option(p, j, k, choice, c);
        } else if (is_unit_header(p, c, unit_column)) {
            set_unit(p, j, c);
        } else {
            const char *last = c + strlen(c);
            while (last > c && last[-1] != '/')
                last--;
            unknown_column(p, j, c, last);
        }
    }
}

/* The n-th (1-based) question that takes an answer, or -1. */
static int nth_question(const form_t *f, long n)
{
    for (size_t i = 0; i < f->nitems; i++)
        if (form_item_answerable(&f->items[i]) && --n == 0)
            return (int)i;
    return -1;
}

static int item_by_label(const imp_plan_t *p, const char *text)
{
    for (size_t i = 0; i < p->f->nitems; i++)
        if (form_item_answerable(&p->f->items[i]) && p->item_col[i] < 0 &&
            text_matches(p->f, p->f->items[i].label, text))
            return (int)i;
    return -1;
}

/* A 问卷星 multi-option column "第N题(option text)": the select_multiple
 * whose list has that option, preferring the question the previous option
 * column of number N went to, then question N of the form. */
static int wjx_option_item(const imp_plan_t *p, const char *label, long n, int prev_item,
                           int *choice, int *ambiguous)
{
    const form_t *f = p->f;
    int found = -1, count = 0, nth = nth_question(f, n);
    *ambiguous = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        const form_item_t *it = &f->items[i];
        if (it->type != FORM_SELECT_MULTIPLE)
            continue;
        int c = choice_by_label(f, &f->lists[it->list], label);
        if (c < 0)
            continue;
        if ((int)i == prev_item || (int)i == nth) {
            *choice = c;
            return (int)i;
        }
        if (count++ == 0) {
            found = (int)i;
            *choice = c;
        }
    }
    if (count > 1) {
        *ambiguous = 1;
        return -1;
    }
    return found;
}

static void plan_wjx(imp_plan_t *p, const csvr_row_t *h, char **names, const char *unit_column)
{
    const form_t *f = p->f;
    long *pending = util_xcalloc(h->ncells + 1, sizeof *pending);
    unsigned char *after_matrix = util_xcalloc(h->ncells + 1, 1);
    int matrix = 0, prev_item = -1;
    long prev_n = -1;
    for (size_t j = 0; j < h->ncells; j++) {
        const char *c = names[j], *text;
        long n;
        int k;
        char *lab = NULL;
        if (!*c) {
            p->cols[j].type = COL_NOHEADER;
        } else if (unit_column && strcmp(c, unit_column) == 0) {
            set_unit(p, j, c);
        } else if (strcmp(c, IMP_PROBLEMS_COLUMN) == 0 || in_list(wjx_system, c)) {
            continue;
        } else if ((k = exact_item(p, j, c)) >= 0) {
            set_item(p, j, k, c);
        } else if (k == ITEM_UNANSWERABLE) {
            continue;
        } else if (is_unit_header(p, c, unit_column)) {
            set_unit(p, j, c);
        } else if ((lab = wjx_sub(c, &n)) != NULL) {
            int choice = -1, ambiguous = 0;
            if ((k = item_by_label(p, lab)) >= 0) {
                set_item(p, j, k, c);
                matrix = 1;
            } else if ((k = wjx_option_item(p, lab, n, n == prev_n ? prev_item : -1, &choice,
                                            &ambiguous)) >= 0) {
                set_option(p, j, k, choice, c);
                prev_n = n;
                prev_item = k;
            } else if (ambiguous) {
                bad(p, p->line, (long)j + 1, _("column '%s': several questions of %s have the "
                                               "option '%s'; make question %ld's text match its "
                                               "label"), c, f->form_id, lab, n);
            } else {
                bad(p, p->line, (long)j + 1, _("column '%s' is not a question of %s: no question "
                      "has the text '%s' and no select_multiple has such an option"), c,
                    f->form_id, lab);
            }
            free(lab);
        } else if (wjx_numbered(c, &n, &text)) {
            if ((k = item_by_label(p, text)) >= 0) {
                set_item(p, j, k, c);
            } else {
                pending[j] = n > 0 ? n : -1;
                after_matrix[j] = (unsigned char)matrix;
            }
        } else {
            bad(p, p->line, (long)j + 1, _("column '%s' is neither one of 问卷星's own "
                  "columns nor a question (\"N、text\" or \"第N题(text)\")"), c);
        }
    }
    /* by number, once every text match has taken its item */
    for (size_t j = 0; j < h->ncells; j++) {
        if (!pending[j])
            continue;
        const char *c = names[j];
        int k = nth_question(f, pending[j]);
        if (after_matrix[j])
            bad(p, p->line, (long)j + 1, _("column '%s' matches no question of %s by its text, and "
                  "after a matrix question the numbers no longer follow the form; make the text "
                  "match the question's label"), c, f->form_id);
        else if (k < 0)
            bad(p, p->line, (long)j + 1, _("column '%s' matches no question of %s by its text, and "
                  "the form has no question %ld"), c, f->form_id, pending[j] > 0 ? pending[j] : 0);
        else if (p->item_col[k] >= 0)
            bad(p, p->line, (long)j + 1, _("column '%s' matches no question of %s by its text, and "
                  "question %ld (%s) already has column %d"), c, f->form_id, pending[j],
                f->items[k].name, p->item_col[k] + 1);
        else
            set_item(p, j, k, c);
    }
    free(pending);
    free(after_matrix);
}

imp_plan_t *imp_plan_new(const form_t *f, imp_format_t fmt, const char *unit_column,
                         const csvr_row_t *header, imp_report_fn report, void *ud)
{
    imp_plan_t *p = util_xcalloc(1, sizeof *p);
    size_t ni = f->nitems + 1;
    p->f = f;
    p->fmt = fmt;
    p->ncols = header->ncells;
    p->cols = util_xcalloc(p->ncols + 1, sizeof *p->cols);
    p->line = header->line;
    p->unit_col = -1;
    p->item_col = util_xmalloc(ni * sizeof *p->item_col);
    p->opt_first = util_xcalloc(ni, sizeof *p->opt_first);
    p->opt_n = util_xcalloc(ni, sizeof *p->opt_n);
    p->opt_items = util_xcalloc(ni, sizeof *p->opt_items);
    p->opts = util_xcalloc(p->ncols + 1, sizeof *p->opts);
    p->optval = util_xcalloc(p->ncols + 1, 1);
    p->bad = util_xcalloc(ni, 1);
    for (size_t i = 0; i < ni; i++)
        p->item_col[i] = -1;
    p->report = report;
    p->ud = ud;
    char **names = util_xcalloc(p->ncols + 1, sizeof *names);
    for (size_t j = 0; j < p->ncols; j++)
        names[j] = util_trim(util_xstrdup(header->cells[j]));
    if (fmt == IMP_KOBO)
        plan_kobo(p, header, names, unit_column);
    else if (fmt == IMP_WJX)
        plan_wjx(p, header, names, unit_column);
    else
        plan_plain(p, header, names, unit_column);

    /* option columns grouped by item, for one pass per row */
    size_t maxc = 1, k = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        p->opt_first[i] = (int)k;
        for (size_t j = 0; j < p->ncols; j++)
            if (p->cols[j].type == COL_OPTION && p->cols[j].item == (int)i)
                p->opts[k++] = (int)j;
        p->opt_n[i] = (int)k - p->opt_first[i];
        if (p->opt_n[i] > 0)
            p->opt_items[p->nopt_items++] = (int)i;
        if (f->items[i].list >= 0 && f->lists[f->items[i].list].nchoices > maxc)
            maxc = f->lists[f->items[i].list].nchoices;
    }
    p->sel = util_xmalloc(maxc);

    int uf = f->unit_field ? form_item_index(f, f->unit_field) : -1;
    if (p->unit_col < 0 && (uf < 0 || (p->item_col[uf] < 0 && p->opt_n[uf] == 0))) {
        if (unit_column)
            bad(p, p->line, 1, _("no column '%s' (--unit-column)"), unit_column);
        else if (uf >= 0)
            bad(p, p->line, 1, _("no 'unit' column and no column for the question %s; every "
                  "response needs the code of its unit (--unit-column names another column)"),
                f->unit_field);
        else
            bad(p, p->line, 1, _("no 'unit' column; every response needs the code of its unit "
                  "(--unit-column names another column)"));
    }
    for (size_t j = 0; j < p->ncols; j++)
        free(names[j]);
    free(names);
    return p;
}

void imp_plan_free(imp_plan_t *p)
{
    if (!p)
        return;
    free(p->cols);
    free(p->item_col);
    free(p->opt_first);
    free(p->opt_n);
    free(p->opt_items);
    free(p->opts);
    free(p->sel);
    free(p->optval);
    free(p->bad);
    free(p->label_example);
    free(p);
}

long imp_plan_labels(const imp_plan_t *p, const char **example)
{
    if (example)
        *example = p->label_example;
    return p->labels;
}

imp_format_t imp_plan_format(const imp_plan_t *p)
{
    return p->fmt;
}

long imp_plan_column(const imp_plan_t *p, size_t item)
{
    if (item >= p->f->nitems)
        return 1;
    if (p->item_col[item] >= 0)
        return p->item_col[item] + 1;
    if (p->opt_n[item] > 0)
        return p->opts[p->opt_first[item]] + 1;
    return 1;
}

int imp_plan_rejected(const imp_plan_t *p, size_t item)
{
    return item < p->f->nitems && p->bad[item];
}

int imp_row_blank(const csvr_row_t *row)
{
    for (size_t j = 0; j < row->ncells; j++)
        for (const char *c = row->cells[j]; *c; c++)
            if (*c != ' ' && *c != '\t')
                return 0;
    return 1;
}

/* One 问卷星 option: its number or its text (an "other" option's written-in
 * text follows in 〖〗 and is dropped).  Returns the choice index or -1. */
static int wjx_choice(const form_t *f, const form_list_t *l, const char *v)
{
    long k;
    if (util_parse_long(v, &k) == 0)
        return k >= 1 && (size_t)k <= l->nchoices ? (int)k - 1 : -1;
    int c = choice_by_label(f, l, v);
    const char *other = strstr(v, "〖");
    if (c < 0 && other) {
        char *head = util_xstrndup(v, (size_t)(other - v));
        c = choice_by_label(f, l, util_trim(head));
        free(head);
    }
    return c;
}

/* The text for ans_set() from a cell of the item's own column, or NULL
 * with err when a 问卷星 option cannot be read. */
static char *cell_value(const imp_plan_t *p, const form_item_t *it, const char *cell, err_t *err)
{
    const form_t *f = p->f;
    char *v = util_trim(util_xstrdup(cell));
    const form_list_t *l = it->list >= 0 ? &f->lists[it->list] : NULL;
    if (p->fmt == IMP_WJX) {
        if (wjx_skipped(v)) {
            *v = '\0';
            return v;
        }
        if (!l || !*v)
            return v;
        util_buf_t b = {0};
        char *rest = v;
        /* several options: ┋ in the by-text export, '|' when retyped */
        while (rest) {
            char *sep = it->type == FORM_SELECT_MULTIPLE ? strstr(rest, "┋") : NULL;
            char *bar = it->type == FORM_SELECT_MULTIPLE ? strchr(rest, '|') : NULL;
            size_t seplen = 3;
            if (bar && (!sep || bar < sep)) {
                sep = bar;
                seplen = 1;
            }
            if (sep)
                *sep = '\0';
            char *one = util_trim(rest);
            if (*one) {
                int c = wjx_choice(f, l, one);
                if (c < 0) {
                    err_set(err, ERR_INPUT, _("'%s' is not an option of %s: give its number "
                                              "(1-%zu) or its text"), one, it->name, l->nchoices);
                    util_buf_free(&b);
                    free(v);
                    return NULL;
                }
                if (b.len)
                    util_buf_addc(&b, ' ');
                util_buf_adds(&b, l->choices[c].name);
            }
            rest = sep ? sep + seplen : NULL;
        }
        free(v);
        return b.s ? util_buf_take(&b) : util_xstrdup("");
    }
    return v;
}

/* The one choice of l with the label v in any of the form's languages, or
 * -1 (none, or several: a label shared by two choices names neither). */
static int unique_label(const form_t *f, const form_list_t *l, const char *v)
{
    int c = choice_by_label(f, l, v);
    for (size_t k = (size_t)c + 1; c >= 0 && k < l->nchoices; k++)
        if (text_matches(f, l->choices[k].label, v))
            return -1;
    return c;
}

/* A cell of choice labels where names were expected, as `export --labels`
 * writes them (the options of a select_multiple joined by "; ") and as
 * KoboToolbox can export: the names, or NULL when some part is no label of
 * exactly one choice. */
static char *labels_to_names(const form_t *f, const form_item_t *it, const char *cell)
{
    const form_list_t *l = &f->lists[it->list];
    char *v = util_trim(util_xstrdup(cell)), *save = NULL, *names = NULL;
    util_buf_t b = {0};
    if (it->type == FORM_SELECT_ONE) {
        int c = *v ? unique_label(f, l, v) : -1;
        names = c >= 0 ? util_xstrdup(l->choices[c].name) : NULL;
        goto cleanup;
    }
    for (char *t = strtok_r(v, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        t = util_trim(t);
        int c = form_list_choice(l, t);
        if (c < 0 && (c = unique_label(f, l, t)) < 0)
            goto cleanup;
        if (b.len)
            util_buf_addc(&b, ' ');
        util_buf_adds(&b, l->choices[c].name);
    }
    names = util_buf_take(&b);
cleanup:
    util_buf_free(&b);
    free(v);
    return names;
}

/* A select cell ans_set refused: read as labels when it is made of them,
 * counted for the message that says so.  0 when it was, else -1. */
static int try_labels(imp_plan_t *p, ans_t *a, int item, const char *cell)
{
    const form_item_t *it = &p->f->items[item];
    if (it->list < 0 || p->fmt == IMP_WJX ||
        (it->type != FORM_SELECT_ONE && it->type != FORM_SELECT_MULTIPLE))
        return -1;
    char *names = labels_to_names(p->f, it, cell);
    err_t msg = {0};
    int rc = names && ans_set(a, (size_t)item, names, &msg) == 0 ? 0 : -1;
    if (rc == 0 && p->labels++ == 0) {
        char *t = util_trim(util_xstrdup(cell));
        /* TRANSLATORS: a choice label read as its choice: label, choice
         * names, question */
        p->label_example = util_fmt(_("'%s' = %s (%s)"), t, names, it->name);
        free(t);
    }
    err_clear(&msg);
    free(names);
    return rc;
}

/* An option column's cell: 1, 0, -1 when empty or skipped, -2 when bad. */
static int option_value(const imp_plan_t *p, const char *cell)
{
    char *v = util_trim(util_xstrdup(cell));
    int r = -2;
    if (!*v || (p->fmt == IMP_WJX && wjx_skipped(v)))
        r = -1;
    else if (strcmp(v, "1") == 0 || strcmp(v, "1.0") == 0 || util_streq_ci(v, "true") ||
             util_streq_ci(v, "yes"))
        r = 1;
    else if (strcmp(v, "0") == 0 || strcmp(v, "0.0") == 0 || util_streq_ci(v, "false") ||
             util_streq_ci(v, "no"))
        r = 0;
    free(v);
    return r;
}

static void options_row(imp_plan_t *p, ans_t *a, const csvr_row_t *row, int i)
{
    const form_t *f = p->f;
    const form_item_t *it = &f->items[i];
    const form_list_t *l = &f->lists[it->list];
    memset(p->sel, -1, l->nchoices);
    for (int k = 0; k < p->opt_n[i]; k++) {
        int j = p->opts[p->opt_first[i] + k];
        if (p->optval[j] >= 0)
            p->sel[p->cols[j].choice] = p->optval[j];
    }
    if (p->item_col[i] >= 0) {
        /* a summary column too: it is the answer, the 0/1 columns must agree */
        if (p->bad[i])
            return;
        const char *ans = ans_get(a, (size_t)i);
        for (int k = 0; k < p->opt_n[i]; k++) {
            int j = p->opts[p->opt_first[i] + k], c = p->cols[j].choice;
            int in = ans && util_has_word(ans, l->choices[c].name);
            if (p->sel[c] >= 0 && p->sel[c] != in)
                bad(p, row->line, j + 1, _("option %s of %s is %d here but column %d says '%s'"),
                    l->choices[c].name, it->name, p->sel[c], p->item_col[i] + 1, ans ? ans : "");
        }
        return;
    }
    util_buf_t b = {0};
    for (size_t c = 0; c < l->nchoices; c++)
        if (p->sel[c] == 1) {
            if (b.len)
                util_buf_addc(&b, ' ');
            util_buf_adds(&b, l->choices[c].name);
        }
    if (b.len) {
        err_t msg = {0};
        if (ans_set(a, (size_t)i, b.s, &msg) != 0) {
            bad(p, row->line, p->opts[p->opt_first[i]] + 1, "%s", msg.msg);
            err_clear(&msg);
        }
    }
    util_buf_free(&b);
}

void imp_plan_row(imp_plan_t *p, ans_t *a, const csvr_row_t *row, imp_row_t *out,
                  imp_report_fn report, void *ud)
{
    p->report = report;
    p->ud = ud;
    p->problems = 0;
    out->unit = NULL;
    if (p->unit_col >= 0)
        out->unit_col = p->unit_col + 1;
    else
        out->unit_col = p->f->unit_field ?
            imp_plan_column(p, (size_t)form_item_index(p->f, p->f->unit_field)) : 1;
    ans_clear_all(a);
    memset(p->bad, 0, p->f->nitems + 1);
    memset(p->optval, -1, p->ncols + 1);   /* a short row leaves its last options empty */
    for (size_t j = p->ncols; j < row->ncells; j++)
        if (row->cells[j][0]) {
            bad(p, row->line, (long)j + 1, _("value '%s' in a column without a header"),
                row->cells[j]);
            break;
        }
    for (size_t j = 0; j < row->ncells && j < p->ncols; j++) {
        const col_t *c = &p->cols[j];
        const char *cell = row->cells[j];
        if (c->type == COL_UNIT) {
            out->unit = cell;
        } else if (c->type == COL_NOHEADER && cell[0]) {
            bad(p, row->line, (long)j + 1, _("value '%s' in a column without a header"), cell);
        } else if (c->type == COL_OPTION) {
            p->optval[j] = (signed char)option_value(p, cell);
            if (p->optval[j] == -2)
                bad(p, row->line, (long)j + 1, _("'%s' is not 1 or 0 (option %s of %s)"), cell,
                    p->f->lists[p->f->items[c->item].list].choices[c->choice].name,
                    p->f->items[c->item].name);
        } else if (c->type == COL_ITEM) {
            err_t msg = {0};
            /* a plain file's cell needs no translation and goes to ans_set
             * as it is (ans_set trims): no copy for each of the tens of
             * millions of cells of a province-wide import */
            char *v = p->fmt == IMP_PLAIN ? NULL : cell_value(p, &p->f->items[c->item], cell, &msg);
            const char *val = p->fmt == IMP_PLAIN ? cell : v;
            if (!val || (ans_set(a, (size_t)c->item, val, &msg) != 0 &&
                         try_labels(p, a, c->item, val) != 0)) {
                bad(p, row->line, (long)j + 1, "%s", msg.msg);
                p->bad[c->item] = 1;
            }
            if (msg.msg || msg.file)   /* nothing to free for a good cell */
                err_clear(&msg);
            if (v)
                free(v);
        }
    }
    for (int k = 0; k < p->nopt_items; k++)
        options_row(p, a, row, p->opt_items[k]);
    out->problems = p->problems;
}
