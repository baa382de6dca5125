/*
 * anopt: the options analyze and report share (see anopt.h).  The limits
 * are the analysis engine's: a minimum group size of at least one person
 * (below 5 only with --allow-small-groups, which every output stamps),
 * a difference in points on the 0-100 scale, and a false discovery rate
 * strictly between 0 and 1 (Benjamini-Hochberg is undefined at either end).
 */
#include "cli/anopt.h"

#include "cli/cli.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

int anopt_apply(an_opts_t *o, int c, const char *arg)
{
    long l;
    double x;
    switch (c) {
    case 'f': o->form_id = arg; return 1;
    case 'w': o->wave = arg; return 1;
    case 'b': o->by = arg; return 1;
    case 'c': o->compare_wave = arg; return 1;
    case 'n':
        if (util_parse_long(arg, &l) != 0 || l < 1 || l > 1000000) {
            cli_error(_("--min-n takes a whole number >= 1, not '%s'"), arg);
            return -1;
        }
        o->min_n = (int)l;
        return 1;
    case 'd':
        if (util_parse_double(arg, &x) != 0 || x < 0 || x > 100) {
            cli_error(_("--min-diff takes points between 0 and 100, not '%s'"), arg);
            return -1;
        }
        o->min_diff = x;
        return 1;
    case 'q':
        if (util_parse_double(arg, &x) != 0 || x <= 0 || x >= 1) {
            cli_error(_("--fdr takes a rate between 0 and 1, not '%s'"), arg);
            return -1;
        }
        o->fdr = x;
        return 1;
    case ANOPT_ALLOW_SMALL: o->allow_small_groups = 1; return 1;
    case ANOPT_VALIDITY: o->validity = 1; return 1;
    case ANOPT_DRIVERS: o->drivers = 1; return 1;
    case ANOPT_SCREEN: o->screen = 1; return 1;
    case ANOPT_EXCLUDE_CARELESS: o->exclude_careless = 1; return 1;
    case ANOPT_FACTORS:
        /* the number of factors asks for the factor analysis */
        if (util_parse_long(arg, &l) != 0 || l < 1 || l > 1000) {
            cli_error(_("--factors takes a whole number of factors >= 1, not '%s'"), arg);
            return -1;
        }
        o->factors = (size_t)l;
        o->validity = 1;
        return 1;
    case ANOPT_CROSSTAB: o->crosstab = arg; return 1;
    case ANOPT_COMMENT_MIN:
        if (util_parse_long(arg, &l) != 0 || l < 1 || l > 1000000) {
            cli_error(_("--comment-min takes a whole number >= 1, not '%s'"), arg);
            return -1;
        }
        o->comment_min = (int)l;
        return 1;
    default:
        return 0;
    }
}

int anopt_env(an_opts_t *o)
{
    const char *v = getenv("GAPSURVEY_SCAN_BATCH");
    long l;
    if (!v || !*v)
        return 0;
    if (strcmp(v, "inline") == 0) {
        o->scan_batch = -1;
        return 0;
    }
    if (util_parse_long(v, &l) != 0 || l < 1 || l > 1000000) {
        cli_error(_("GAPSURVEY_SCAN_BATCH must be a whole number from 1 to 1000000 or 'inline', not '%s'"),
                  v);
        return -1;
    }
    o->scan_batch = l;
    return 0;
}

int anopt_check(const an_opts_t *o)
{
    if (o->min_n < RES_MIN_N_SAFE && !o->allow_small_groups) {
        cli_error(_("--min-n %d is below %d: groups that small can identify their members; add "
                    "--allow-small-groups if that is really wanted (every output will say so)"),
                  o->min_n, RES_MIN_N_SAFE);
        return -1;
    }
    return 0;
}
