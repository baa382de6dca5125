/*
 * disclose: the min_n rule and its complement (see disclose.h), moved
 * here from analysis/suppress.c unchanged so that the survey console
 * hides exactly what the analysis hides.
 */
#include "survey/disclose.h"

/* Respondents in no group (no unit, or the --by question unanswered) are
 * in the total too, so they count as hidden: three people who skipped
 * "party member" would otherwise be the population minus the two shown
 * groups.  And a grouping never has exactly one hidden group when everyone
 * is in a group: that group would be the total minus the shown ones,
 * exactly (a group is hidden with min_n or more only by the differencing
 * defence, which the exact figure would undo). */
size_t disclose_small(const long *n, size_t ngroups, long total, long min_n, char *hidden)
{
    long pool = total, ungrouped;
    size_t nhidden = 0;
    for (size_t i = 0; i < ngroups; i++)
        pool -= n[i];
    ungrouped = pool;
    for (size_t i = 0; i < ngroups; i++)
        if (n[i] > 0 && (n[i] < min_n || hidden[i])) {
            hidden[i] = 1;
            pool += n[i];
            nhidden++;
        }
    if (((nhidden > 0 || pool > 0) && pool < min_n) || (nhidden == 1 && ungrouped == 0)) {
        long best = -1;
        for (size_t i = 0; i < ngroups; i++)
            if (!hidden[i] && n[i] > 0 && (best < 0 || n[i] < n[best]))
                best = (long)i;
        if (best >= 0) {
            hidden[best] = 1;
            nhidden++;
        }
    }
    return nhidden;
}
