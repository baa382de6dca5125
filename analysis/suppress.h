/*
 * suppress: disclosure control for one grouping of the respondents (DESIGN.md
 * section 5, "Anonymity" and "Disclosure control beyond min_n").
 *
 * Pure functions: they see group sizes, the respondents' total and the
 * cross-counts against the other groupings a researcher could ask for, and
 * mark which groups are hidden.  They read no store, no scan state and no
 * results structure, and allocate only their own scratch, so they can be
 * unit-tested on tables written by hand (tests/unit/test_suppress.c).
 *
 * Ownership: every pointer is borrowed for the duration of the call;
 * hidden[] is the caller's, read and written in place.
 */
#ifndef GS_SUPPRESS_H
#define GS_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

/* Respondents in group g of the analysed grouping and group h of other
 * grouping k (n of them); only pairs that occur are listed. */
typedef struct {
    uint32_t g, k, h, n;
} suppress_pair_t;

/* xoff[k] of a grouping whose counts are in the pair list, not in xrow */
#define SUPPRESS_SPARSE ((size_t)-1)

/* The analysed grouping cross-counted against every other grouping
 * (by unit, by each select_one question).  Groupings with few groups are
 * dense columns of xrow; those with many groups are pairs in xsp; each
 * grouping's counts are in one of the two, never both. */
typedef struct {
    size_t nx;                   /* other groupings */
    const size_t *xsize;         /* nx: groups of each */
    const size_t *xtoff;         /* nx + 1: grouping k's groups start at xtot[xtoff[k]] */
    const long *xtot;            /* xtoff[nx]: respondents per group of each */
    const size_t *xoff;          /* nx: grouping k's columns in a row of xrow, or SUPPRESS_SPARSE */
    size_t xstride;              /* columns per row of xrow */
    const uint32_t *xrow;        /* one row per analysed group (NULL: no dense grouping) */
    const suppress_pair_t *xsp;  /* the sparse groupings' pairs, sorted by g, then k, then h
                                    (NULL: none) */
    const size_t *xsp_at;        /* ngroups + 1: group g's pairs are xsp[xsp_at[g] .. xsp_at[g + 1]) */
} suppress_cross_t;

/* The min_n rule and its complement: disclose_small (survey/disclose.h)
 * under this module's name.  Groups with 1..min_n-1 respondents are
 * hidden; if the hidden groups and the respondents in no group
 * together hold fewer than min_n, the next smallest group is hidden too,
 * and so is it when exactly one group is hidden and everyone is in a
 * group (the total minus the shown groups would be that group).
 *
 * n[g]: respondents of group g (0: an absent group, never hidden);
 * total: all respondents, those in no group included; hidden[g] on entry
 * marks groups already hidden (by suppress_linked), on return every hidden
 * group.  Returns the number of hidden groups. */
size_t suppress_small(const long *n, size_t ngroups, long total, long min_n, char *hidden);

/* The differencing defence across groupings: hides groups until no block
 * of this grouping or of another one (its shown groups and its pool of
 * hidden and ungrouped respondents) can be differenced down to 1..min_n-1
 * people by the combinations suppress.c describes, applying
 * suppress_small after every round.  x holds the cross-counts of the same
 * ngroups groups.  Returns the number of groups it hid beyond those
 * hidden on entry. */
size_t suppress_linked(const long *n, size_t ngroups, long total, long min_n,
                       const suppress_cross_t *x, char *hidden);

#endif
