/*
 * form: the questionnaire model and its XLSForm (pyxform one-file CSV)
 * loader.  Everything else — store, runner, web server, import, analysis —
 * sees a questionnaire only through form_t.
 *
 * Ownership: form_load_* returns a form_t the caller frees with form_free();
 * every string and array inside belongs to the form.
 */
#ifndef GS_FORM_H
#define GS_FORM_H

#include <stddef.h>

#include "survey/expr.h"
#include "base/util.h"

typedef enum {
    FORM_SELECT_ONE,
    FORM_SELECT_MULTIPLE,
    FORM_INTEGER,
    FORM_DECIMAL,
    FORM_TEXT,
    FORM_NOTE,
    FORM_BEGIN_GROUP,
    FORM_END_GROUP,
    FORM_CALCULATE,      /* no question: a value computed from the answers */
    FORM_DATE,           /* an ISO date, YYYY-MM-DD; never a time of day */
    FORM_RANK,           /* every choice of its list, in the order given */
    FORM_BEGIN_REPEAT,   /* the questions up to FORM_END_REPEAT, answered once per
                            instance (a list of events); kept as one value */
    FORM_END_REPEAT
} form_type_t;

typedef enum { FORM_ROLE_STAFF, FORM_ROLE_SELF } form_role_t;

/* A text in every language of the form: an array of FORM_MAX_LANGS
 * strings, text[i] belonging to form->langs[i]; NULL where the sheet left
 * it empty.  A form_text_t that is NULL has no text at all. */
#define FORM_MAX_LANGS 32
typedef char **form_text_t;

typedef struct {
    char *name;          /* the stored value */
    form_text_t label;
    double num;          /* name as a number, NAN when it is not one */
    char **extra;        /* the choices sheet's other columns (form->choice_cols),
                            for choice_filter; NULL when the sheet has none */
} form_choice_t;

typedef struct {
    char *name;
    form_choice_t *choices;
    size_t nchoices;
    int numeric;         /* every choice name is a number */
    double min, max;     /* of the numeric choice names */
    int yesno;           /* exactly the choices yes and no */
    long line;
    unsigned *slot;      /* form_list_choice's hash table of the names: choice
                            index + 1, 0 empty; slot_mask + 1 slots.  Built once
                            the list is loaded (NULL before, or in a list made by
                            hand: then it searches in turn).  choices[] keeps
                            the order of display. */
    size_t slot_mask;
    /* the choices named "0" .. "99" (canonical decimals: no sign, no
     * leading zero, no spaces): name -> index of the first choice so
     * named, -1 none.  Built with slot, beside it (meaningless while slot
     * is NULL).  Answers are mostly such names: read without hashing. */
    int bydig[100];
} form_list_t;

typedef struct {
    form_type_t type;
    char *name;
    form_text_t label, hint, required_message, constraint_message;
    int required;
    char *relevant_src, *constraint_src, *appearance, *calculation_src;
    expr_t *relevant, *constraint;   /* NULL when the cell is empty */
    expr_t *calculation;             /* FORM_CALCULATE's, never NULL there */
    /* choice_filter: which choices are offered, given the answers; its bare
     * names are choices-sheet columns (expr_parse_filter) */
    char *choice_filter_src;
    expr_t *choice_filter;
    char *default_value;  /* the answer it starts with, canonical; NULL none */
    int read_only;        /* shown with its default, never asked */
    int other;            /* or_other: the "specify other" text item, else -1 */
    int range;            /* a `range` row: a select_one whose list is its steps */
    int randomize;        /* parameters randomize=true: choices shuffled per respondent */
    int repeat;           /* the begin_repeat this question is in, -1 none */
    char *repeat_count_src;
    expr_t *repeat_count; /* begin_repeat: how many instances, NULL: as many as given */
    int list;            /* index into form->lists, -1 for none */
    int dim;             /* index into form->dims, -1 for none */
    int reverse;
    int has_points;
    double points;       /* per "yes" (yes/no list) or per count (integer) */
    int group;           /* index of the enclosing begin_group (or begin_repeat)
                            item, -1 at top */
    long line;           /* line in the source CSV; a workbook's: row of its sheet */
} form_item_t;

typedef struct {
    char *code;
    form_text_t label;
    size_t nscored;      /* Likert items (dimension set, no points) */
} form_dim_t;

typedef struct {
    char *form_id, *version, *title, *default_language, *unit_field;
    char *outcome_field;     /* the overall select_one the key drivers explain
                                (settings outcome_field, or the survey column
                                outcome = yes); NULL none */
    form_text_t title_text;  /* form_title::LANG columns; NULL when none */
    form_role_t role;
    char *file;          /* the name errors were reported against */
    size_t nlangs;
    char **langs;        /* "Chinese (zh)", "English (en)"; "" = plain `label` */
    int default_lang;    /* index into langs */
    form_item_t *items;
    size_t nitems;
    form_list_t *lists;
    size_t nlists;
    form_dim_t *dims;
    size_t ndims;
    char **choice_cols;   /* the choices sheet's other columns (choice_filter) */
    size_t nchoice_cols;
    char *source;        /* the UTF-8 CSV text exactly as loaded (BOM removed); for
                            a workbook, its sheets in the CSV layout */
    size_t source_len;
} form_t;

/* Loads a questionnaire from CSV text.  `file` names it in messages.  All
 * problems go to diags (errors and warnings, each FILE:LINE:COL); returns 0
 * and *out when there was no error, else -1 and *out = NULL; -2 (with one
 * error) when the file is no XLSForm at all, such as a unit list.  The
 * bytes may be UTF-8 (BOM allowed) or GB18030. */
int form_load_mem(const char *file, const char *data, size_t len, form_t **out,
                  util_diag_t *diags);
int form_load_file(const char *path, form_t **out, util_diag_t *diags);
void form_free(form_t *f);

int form_item_index(const form_t *f, const char *name);   /* -1 if none */
int form_dim_index(const form_t *f, const char *code);
int form_list_choice(const form_list_t *l, const char *name);   /* index or -1 */
/* form_list_choice, and *len = strlen(name), measured on the way (the
 * import's check of a cell's edges costs no second pass over it) */
int form_list_choice_len(const form_list_t *l, const char *name, size_t *len);

/* name's value when it is a canonical decimal 0 .. 99 ("0", "7", "42";
 * not "07", "+7", " 7" or "7 "), else -1. */
static inline int form_digit_name(const char *name)
{
    unsigned d0 = (unsigned)(unsigned char)name[0] - '0';
    if (d0 > 9)
        return -1;
    if (!name[1])
        return (int)d0;
    unsigned d1 = (unsigned)(unsigned char)name[1] - '0';
    if (d0 == 0 || d1 > 9 || name[2])
        return -1;
    return (int)(d0 * 10 + d1);
}

/* form_list_choice for a list of a loaded form (form_load_*, also after
 * form_list_replace: its tables are built), the names "0" .. "99"
 * answered here from its table: for callers that look names up per
 * answer, as the analysis scan does.  Not for a list made by hand (slot
 * NULL, its bydig not its own): form_list_choice searches that one. */
static inline int form_list_choice_fast(const form_list_t *l, const char *name)
{
    int d = form_digit_name(name);
    if (d >= 0)
        return l->bydig[d];
    return form_list_choice(l, name);
}

/* 1 when s is the text t holds in one of the form's languages. */
int form_text_has(form_text_t t, const char *s);
/* Replaces the choices of f->lists[list] by n choices named names[i] and
 * labelled labels[i] (both copied), in that order.  A choice of the same
 * name whose label in some language was labels[i] already keeps all its
 * labels (the translations of that name); any other gets labels[i] in
 * the default language only.  Choice-sheet columns stay with their
 * choice's name (empty for a new one).  The unit question filled from
 * the units table (survey/units.h) is its use. */
void form_list_replace(form_t *f, size_t list, const char *const *names,
                       const char *const *labels, size_t n);

/* Is this item a Likert item scored into its dimension? */
int form_item_scored(const form_t *f, const form_item_t *it);
/* Does this item hold an answer (not a note, group marker or calculate)? */
int form_item_answerable(const form_item_t *it);
/* Does a response keep a value of its own for it: an answer outside a
 * repeat, a calculate's, a repeat's instances (a question inside a repeat
 * is kept within its repeat's value)? */
int form_item_stored(const form_item_t *it);
/* The number of the most instances a repeat takes. */
#define FORM_MAX_INSTANCES 50

/* Language index for "zh" / "en" / a full language name; falls back to the
 * form's default language. */
int form_lang(const form_t *f, const char *lang);
/* The text in language li, else the default language, else any. Never NULL. */
const char *form_text(const form_t *f, form_text_t t, int li);
/* The form's title in language li (a form_title::LANG column), else its
 * plain form_title (which defaults to the form_id).  Never NULL. */
const char *form_title_in(const form_t *f, int li);

const char *form_type_name(form_type_t t);
const char *form_role_name(form_role_t r);

#endif
