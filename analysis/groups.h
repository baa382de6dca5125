/*
 * groups: who is in which group of an analysis.  The groups are the
 * units of the units table, the choices of a select_one question
 * (--by ITEM), or the units' category or parent in the units table
 * (--by category, --by parent: a group is the set of units sharing that
 * value, whether or not each unit would be shown on its own).  Whatever
 * the grouping, the units' categories and parents are mapped too, for
 * the disclosure control of the analyses by category and by parent
 * (scan_unit_sets, scan_cross_init).
 *
 * Ownership: a groups_t is the caller's (zeroed, then groups_load;
 * groups_free).  Its res_group_t array moves to the res_t (the caller
 * sets groups to NULL); the scan gets copies of the maps (groups_copy).
 */
#ifndef GS_GROUPS_H
#define GS_GROUPS_H

#include <stddef.h>

#include "analysis/results.h"
#include "analysis/scan.h"
#include "base/err.h"
#include "survey/form.h"
#include "survey/store.h"

typedef struct {
    scan_grouping_t grouping;
    int by_pos;              /* SCAN_G_ITEM: the question's form position; else -1 */
    res_group_t *groups;     /* ngroups, sorted by code */
    size_t ngroups;
    char *group_by;          /* "unit", "category", "parent" or the question's name */
    char *group_label;       /* the question's label in the analysis language; NULL otherwise */
    int *unit_group;         /* units.id -> group index, -1 (via units only) */
    int *ucat, *upar;        /* units.id -> index among the categories, parents; -1 */
    size_t ncat, npar;
    size_t nids;             /* entries of unit_group, ucat, upar: the largest unit id + 1 */
    double *unit_invited;    /* nids: the unit's headcount, NAN unknown */
} groups_t;

/* The groups of `by` (NULL or "unit", "category", "parent", or a
 * select_one question of f) into g; li is the language of the names.
 * Returns 0, or -1 with *err (heap): `by` names no select_one question. */
int groups_load(store_t *s, const form_t *f, int li, const char *by, groups_t *g, err_t *err);

/* A copy of one of g's maps (nids entries), for the scan to own. */
int *groups_copy(const groups_t *g, const int *map);

/* Responses over invitations per group of a grouping through units:
 * each unit's invitations are the codes issued to it for form_id in wave,
 * else its headcount; a group's are its units' sum, unknown (NAN, base
 * RES_RATE_NONE) when one of them is or when its units count different
 * things.  Into invited, response_rate and rate_basis of groups[]
 * (ngroups, their n already counted).  left_out (NULL: none) counts per
 * group the respondents left out of the analysis (--exclude-careless):
 * they did respond, so the rate counts them (the rule res_responded gives
 * the renderers once quality_careless has set each group's flagged).  Returns 0, or -1 with *err. */
int groups_rates(store_t *s, const char *form_id, int wave, const groups_t *g, res_group_t *groups,
                 size_t ngroups, const long *left_out, err_t *err);

void groups_free(groups_t *g);   /* what groups_load made and nobody took */

#endif
