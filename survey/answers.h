/*
 * answers: one respondent's answers to a form, held as canonical text per
 * item, with the rules that every way of collecting shares — value
 * validation against the item's type and choice list, `constraint`,
 * `relevant` (an item inside an irrelevant group is irrelevant too) and
 * `required`.  Import, the terminal runner and the web server all fill an
 * ans_t and hand it to the store through ans_to_store().
 *
 * Ownership: ans_t owns its strings; ans_get() returns a pointer into it.
 */
#ifndef GS_ANSWERS_H
#define GS_ANSWERS_H

#include "base/err.h"
#include "survey/form.h"
#include "survey/store.h"

typedef struct ans ans_t;

ans_t *ans_new(const form_t *f);
void ans_free(ans_t *a);                /* NULL is fine */
void ans_clear_all(ans_t *a);

/* Validates raw (trimmed; "" clears the answer) for item pos and stores its
 * canonical form: a choice name, names separated by one space, a number as
 * written.  Returns 0, or -1 with err = a message for the respondent (ERR_INPUT)
 * and the old answer kept.  Does not evaluate the constraint. */
int ans_set(ans_t *a, size_t pos, const char *raw, err_t *err);
const char *ans_get(const ans_t *a, size_t pos);   /* NULL = unanswered */

/* 1 when item pos is relevant given the current answers (its own relevant
 * and every enclosing group's). */
int ans_relevant(const ans_t *a, size_t pos);
/* 0 when the answer satisfies the item's constraint and choice_filter (or
 * there are none or no answer); -1 with msg = the constraint message in
 * language li, or a default naming the rule (ERR_INPUT). */
int ans_check_constraint(const ans_t *a, size_t pos, int li, err_t *msg);
/* 0 when a required item that is relevant has an answer; else -1 and msg. */
int ans_check_required(const ans_t *a, size_t pos, int li, err_t *msg);
/* 1 when choice c of item pos's list is offered given the current answers
 * (its choice_filter holds, or it has none).  ans_check_constraint refuses
 * an answer that chose one not offered. */
int ans_offered(const ans_t *a, size_t pos, size_t c);
/* The order in which this respondent sees the choices of items with
 * randomize=true: drawn from seed, a random number that says nothing about
 * them (0 = the list's own order).  The web form carries it from page to
 * page; nothing stores it. */
void ans_set_seed(ans_t *a, unsigned long long seed);
unsigned long long ans_seed(const ans_t *a);
/* A fresh random seed (getrandom), never 0. */
unsigned long long ans_new_seed(void);

/* The choices item pos offers now, in the order to show them: its list,
 * less (with filter) the choices its choice_filter leaves out given the
 * current answers, shuffled by the seed when the item asks for it (an
 * or_other's "other" stays last).  The copy shares names and labels with
 * the form; free it with ans_choices_free. */
form_list_t *ans_choices(const ans_t *a, size_t pos, int filter);
void ans_choices_free(form_list_t *l);
/* Gives every unanswered item with a `default` that value: how the
 * terminal and the web start a questionnaire (an import does not). */
void ans_set_defaults(ans_t *a);
/* Repeats.  The questions of a repeat are answered once per instance.
 * ans_focus puts instance k of the repeat that begins at rpos in focus:
 * ans_set, ans_get, ans_relevant and the checks of its questions then read
 * and write that instance, and references between them (${sibling}) are to
 * it.  Out of focus, a repeated question read from elsewhere gives every
 * instance's answer, joined by spaces (sum(${amount})).  k = (size_t)-1
 * puts none in focus.  The repeat's own ans_get is the instances as stored:
 * a CSV table with a header of the questions' names; ans_set reads one. */
void ans_focus(ans_t *a, size_t rpos, size_t k);
size_t ans_instances(const ans_t *a, size_t rpos);
/* The instance of repeat rpos in focus, -1 none. */
long ans_focused(const ans_t *a, size_t rpos);
/* Adds an empty instance, in focus; its index, or -1 at FORM_MAX_INSTANCES. */
long ans_instance_add(ans_t *a, size_t rpos);
void ans_instance_remove(ans_t *a, size_t rpos, size_t k);
/* How many instances repeat_count asks for now, or -1 when it is the
 * respondent's to say. */
long ans_instances_wanted(const ans_t *a, size_t rpos);
/* Clears the answers of items that are not relevant (ODK drops them). */
void ans_drop_irrelevant(ans_t *a);

/* text with every ${name} in it replaced by name's current value as the
 * respondent would read it: a select's choice labels in language li, any
 * other value as it is, nothing when unanswered.  Labels, hints and notes
 * use it to show earlier answers and calculations.  Heap; text NULL gives
 * "". */
char *ans_fill(const ans_t *a, const char *text, int li);

/* Builds store rows for every answered item; item_ids[pos] is items.id.
 * *out (caller frees the array; texts point into a) and *n. */
void ans_to_store(const ans_t *a, const int *item_ids, store_answer_t **out, size_t *n);

/* Stores the answers as one anonymous response, in one transaction: the
 * token (hash, or NULL) is marked used, the draft (key, or NULL) deleted
 * and the response written together, or nothing is.  Only the date is
 * kept, never the time of day, the token or where it came from beyond
 * `source`.  Returns 0; 1 when the token was already used (nothing
 * stored); -1 with err. */
int ans_submit(store_t *s, const ans_t *a, int form, const int *item_ids, int wave, int unit,
               const char *source, const char *token_hash, const char *draft_key, err_t *err);

/* One submission of a batch: the arguments of ans_submit, and its result
 * (rc as ans_submit returns it, err on -1; the holder clears it). */
typedef struct {
    const ans_t *a;
    int form;
    const int *item_ids;
    int wave, unit;
    const char *source, *token_hash, *draft_key;
    int rc;
    err_t err;
} ans_submission_t;

/* Group commit: stores n submissions in one transaction (one fsync for
 * all; on PostgreSQL one round trip, store_response_add_tokens): those
 * that use a code, keep no draft and go to a wave that is not sealed,
 * which is every web submission.  A code already used stores nothing and
 * stops nothing else (rc 1).  When the group fails as a whole (a bad row,
 * the commit), nothing of it is stored and each is stored again in a
 * transaction of its own, as are the submissions that are not grouped;
 * so each keeps the all-or-nothing of ans_submit (token, draft and
 * response together) and one that fails cannot take the others with it.
 * Every sub[i]->rc is final when this returns: 0 means committed. */
void ans_submit_many(store_t *s, ans_submission_t *const *sub, size_t n);

#endif
