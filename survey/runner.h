/*
 * runner: answering a form one item at a time, shared by the terminal
 * runner (`gapsurvey run`, respondent and data-entry modes).  It holds a
 * session — one questionnaire's answers, which item comes next given
 * `relevant`, saving each answer to a draft the moment it is given,
 * submitting — and lays out text for a terminal by display width, so
 * Chinese lines wrap and align where a terminal puts them.  It never
 * reads or writes a terminal itself: the layout functions append to a
 * util_buf_t and cmd_run.c prints it.
 *
 * Typed input, for every mode: a choice is its name or its 1-based
 * position in the list — except on a list whose names are all numbers (a
 * rating scale), where the number is the name, so "4" on a 0-4 scale is
 * never the fourth choice (select_multiple: several, separated by spaces
 * or commas); full-width digits from a Chinese input method count as
 * digits; "" leaves an item unanswered.
 *
 * Ownership: run_t borrows the store and the form (both must outlive it)
 * and owns its answers.  Messages returned through char ** are the
 * caller's to free.
 */
#ifndef GS_RUNNER_H
#define GS_RUNNER_H

#include <stddef.h>

#include "base/err.h"
#include "survey/answers.h"
#include "survey/form.h"
#include "survey/store.h"

typedef struct run run_t;

typedef struct {
    store_t *store;          /* borrowed */
    const form_t *form;      /* borrowed */
    int form_row;            /* forms.id of this version */
    int wave;                /* waves.id the response goes to */
    int unit;                /* units.id; 0 = from the form's unit question */
    const char *unit_code;   /* with unit: answers the unit question, which is then not asked */
    const char *draft_key;   /* NULL = keep no draft (scripted input) */
    const char *lang;        /* "zh" or "en": the runner's own words */
    int ascii;               /* the terminal is not UTF-8: no box drawing */
    int entry;               /* keying paper forms: required items may stay blank */
    const char *draft_secret; /* the invitation code: the draft's answers are encrypted
                                 with a key made from it (seal.h); NULL = in clear */
} run_cfg_t;

/* Starts a session with no answers (the unit question answered from
 * unit_code).  Returns 0, or -1 with err when unit_code is not a choice
 * of the unit question. */
int run_new(const run_cfg_t *cfg, run_t **out, err_t *err);
void run_free(run_t *r);                  /* NULL is fine */
const ans_t *run_answers(const run_t *r);
const form_t *run_form(const run_t *r);
/* Forgets every answer (the next questionnaire in data entry); the unit
 * question is answered again from unit_code.  The draft is not touched. */
void run_reset(run_t *r);

/* ---- walking the form ---- */
/* 1 when item pos is shown now: a note or an answerable item, relevant,
 * and not the unit question answered from the command line. */
int run_shown(const run_t *r, int pos);
/* The next shown item after pos (pos -1: the first), or nitems at the end. */
int run_next(const run_t *r, int pos);
/* The previous shown answerable item before pos (notes are skipped), or -1. */
int run_prev(const run_t *r, int pos);
/* Question number of item pos among the answerable items that can be
 * asked (1-based), and how many there are: fixed by the form, like the
 * numbers printed on a paper questionnaire. */
int run_number(const run_t *r, int pos, int *total);
/* Data entry: a row of single-digit ratings typed as one line ("54433"),
 * as EpiData keyers expect: digit k answers the k-th question asked from
 * pos on (notes passed over, relevance followed as the digits fill it),
 * each of which must be a rating scale of digits (run_is_scale, 0-9).
 * All or nothing: 0 with the positions filled in *filled (heap, caller
 * frees; *nfilled of them), each saved as run_answer does; 1 when the line
 * is no such row (fewer than two digits, something else, or item pos
 * takes no digit), to be taken as one answer; 2 with *msg when some digit
 * is no choice of its question, a constraint refuses it, or the row is
 * longer than the rating questions that follow: nothing is filled; -1 with
 * *msg when the draft could not be saved. */
int run_answer_row(run_t *r, int pos, const char *line, int **filled, size_t *nfilled,
                   err_t *msg);
/* 1 when item pos must be answered before moving on: required items for
 * respondents; in data entry only the unit question (when the unit is not
 * given), because a keyer types what is on paper, blanks included. */
int run_required(const run_t *r, int pos);
/* Answers item pos with a typed line (see the top of this file).  On
 * success the answer is stored, answers of items that are no longer
 * relevant are dropped (as ODK does), and all of it is saved to the draft
 * in one transaction.  Returns 0; 1 when the line is refused, with msg
 * for the person typing (the old answer is kept); -1 with msg when the
 * draft could not be saved. */
int run_answer(run_t *r, int pos, const char *line, err_t *msg);
/* Records that the session is on item pos, once a draft exists. */
int run_move(run_t *r, int pos, err_t *err);
/* 0 when every relevant item satisfies required and constraint; else 1,
 * *pos the first that does not and msg why. */
int run_check(const run_t *r, int *pos, err_t *msg);
/* How many items hold an answer. */
int run_count_answered(const run_t *r);

/* ---- drafts ---- */
/* The key of the draft a session keeps, from what only that session
 * knows, so that a draft is never offered to anyone else: data entry of
 * batch (pass 1 or 2, the batch's name being what keyers share), an
 * invitation (code, normalised), else the session's own resume key
 * (session, normalised: a fresh random code, shown to the person, typed
 * back with `run --resume`).  A code or resume key names the draft by
 * seal_draft_id, neither by itself nor by the token's hash; it is also
 * the draft's secret (run_cfg_t.draft_secret).  The key holds no time,
 * no person and no unit: two people of one unit never share a draft.
 * Heap; NULL when neither batch, code nor session is given. */
char *run_draft_base(const char *form_id, int entry, const char *batch, int pass,
                     const char *code, const char *session);
/* Takes the draft of what started the session (key `base`) and marks it
 * as held while this process runs: the first of base, base#2, base#3 ...
 * that no running session holds, so two people answering with the same
 * command at two terminals never share one.  A draft left by a session
 * that quit or died is taken over, to be resumed.  *key (heap) is the
 * draft's key; *draft_form the form version of a draft that existed
 * already, 0 for a new one. */
int run_draft_claim(store_t *s, const char *base, int form, int wave, int unit, char **key,
                    int *draft_form, err_t *err);
/* `run --resume KEY`: takes the draft named base (run_draft_base of the
 * key) when it exists and no running session holds it: 0, *key (heap) and
 * the draft's form version, wave and unit in *d; 1 when there is no such
 * draft (submitted, deleted, never saved, or the key is mistyped); 2 when
 * a running session holds it; -1 with err. */
int run_draft_resume(store_t *s, const char *base, char **key, store_draft_t *d, err_t *err);
/* Lets go of the draft when the session ends: deleted when it holds no
 * answer, else left for its owner (the same code, batch or resume key)
 * to resume. */
int run_draft_release(store_t *s, const char *key, err_t *err);
/* The session continues with draft key (claimed with run_draft_claim). */
void run_use_draft(run_t *r, const char *key);
/* Loads the draft into the session: 0 and *cursor (a shown item, or
 * nitems when it stopped at the end); 1 when there is none. */
int run_draft_load(run_t *r, int *cursor, err_t *err);
/* Deletes the draft and forgets the answers. */
int run_draft_discard(run_t *r, err_t *err);

/* ---- storing ---- */
/* The unit of the response: the configured one, else the answer to the
 * unit question (which must name a known unit).  0 and *unit; 1 with
 * msg when there is none. */
int run_unit(const run_t *r, int *unit, err_t *msg);
/* Stores the answers as one response, using the token (hash or NULL) and
 * deleting the draft in the same transaction (ans_submit).  *response is
 * the new response's id.  Returns 0; 1 when the token was used meanwhile
 * (nothing stored); -1 with err. */
int run_submit(run_t *r, const char *source, const char *token_hash, long *response,
               err_t *err);

/* Data entry: stores the keyed questionnaire as a response (source
 * "entry") and empties the draft, which the session keeps holding for the
 * next questionnaire, in one transaction. */
int run_store_entry(run_t *r, long *response, err_t *err);
/* Double entry of paper forms: the first keying of questionnaire seq is
 * kept in the batch (not yet a response) and the draft emptied, in one
 * transaction. */
int run_batch_keep(run_t *r, int batch, long seq, err_t *err);
/* The first keying of questionnaire seq: (*values)[pos] is its answer or
 * NULL; the caller frees it with run_values_free(*values, nitems). */
int run_batch_first(run_t *r, int batch, long seq, char ***values, err_t *err);
void run_values_free(char **values, size_t n);
/* Stores the verified questionnaire seq as a response, forgets its first
 * keying, adds the comparison counts to the batch and empties the draft,
 * in one transaction. */
int run_batch_verified(run_t *r, int batch, long seq, long compared, long differences,
                       long *response, err_t *err);

/* ---- layout (width = terminal columns; nothing is wider than width-1) ---- */
/* Is the list a numeric rating scale (2-11 consecutive whole numbers)? */
int run_is_scale(const form_list_t *l);
/* The index of a typed choice: its name, else (lists that are not all
 * numbers) its 1-based position; -1 when it is neither. */
int run_choice(const form_list_t *l, const char *typed);
/* Appends text wrapped to width: the first line starts after `prefix`
 * (already counted as its display width), continuation lines with indent
 * spaces.  Breaks at spaces and between CJK characters, never before a
 * closing or after an opening punctuation mark.  Ends with a newline. */
void run_wrap(util_buf_t *out, const char *prefix, const char *text, size_t width,
              size_t indent);
/* text cut to at most width display columns, ending in an ellipsis when
 * cut (heap). */
char *run_fit(const char *text, size_t width, int ascii);
/* The form's title, the keys and (for a new group) the group's heading. */
void run_render_intro(const run_t *r, size_t width, util_buf_t *out);
/* An item as the respondent sees it: a heading when the group changes,
 * the numbered label, the choices (a rating scale on one line) and the
 * current answer.  rows = terminal height, to keep long lists in view. */
void run_render_item(run_t *r, int pos, size_t width, size_t rows, util_buf_t *out);
/* The prompt after it, e.g. "(1-5, Enter keeps 4) > ". */
void run_render_prompt(const run_t *r, int pos, size_t width, util_buf_t *out);
/* The hint of item pos (or that there is none) and the keys. */
void run_render_help(const run_t *r, int pos, size_t width, util_buf_t *out);
/* Data entry: the one-line prompt of item pos, e.g.
 * "[ 4/45] po1  The unit's leaders ... (1-5) [4]: ". */
void run_render_entry_prompt(const run_t *r, int pos, size_t width, util_buf_t *out);
/* The answers so far, before "Submit? [Y/n]". */
void run_render_summary(const run_t *r, size_t width, util_buf_t *out);
/* The answer of item pos for display ("4 Agree"), or NULL (heap). */
char *run_show_value(const run_t *r, int pos, const char *value);
/* A horizontal rule with an optional title, width-1 columns. */
void run_rule(util_buf_t *out, const char *title, const char *right, size_t width, int ascii);

#endif
