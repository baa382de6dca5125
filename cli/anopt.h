/*
 * anopt: the analysis options that `analyze` and `report` share (--form,
 * --wave, --by, --compare-wave, --min-n, --min-diff, --fdr,
 * --allow-small-groups, --comment-min): one getopt
 * table and one parser, so both commands accept, check and word them
 * identically.  Only cmd_* code uses this.
 */
#ifndef GS_ANOPT_H
#define GS_ANOPT_H

#include <getopt.h>

#include "analysis/analyze.h"

/* Long-only options (values past any letter) */
#define ANOPT_ALLOW_SMALL 0x101
#define ANOPT_COMMENT_MIN 0x102

/* The short letters and long entries to splice into a command's own
 * getopt tables (the long ones end with a comma). */
#define ANOPT_SHORT "f:w:b:c:n:d:q:"
#define ANOPT_LONG                                                                   \
    {"form", required_argument, NULL, 'f'}, {"wave", required_argument, NULL, 'w'},  \
    {"by", required_argument, NULL, 'b'}, {"compare-wave", required_argument, NULL, 'c'}, \
    {"min-n", required_argument, NULL, 'n'}, {"min-diff", required_argument, NULL, 'd'}, \
    {"fdr", required_argument, NULL, 'q'},                                           \
    {"allow-small-groups", no_argument, NULL, ANOPT_ALLOW_SMALL},                    \
    {"comment-min", required_argument, NULL, ANOPT_COMMENT_MIN},

/* Applies option c with its argument to o (arg is kept, not copied: it
 * points into argv).  Returns 1 when c is one of the shared options, 0
 * when it is not (the command handles it), -1 after printing why the
 * value is wrong (the command then exits 2). */
int anopt_apply(an_opts_t *o, int c, const char *arg);

/* After every option: the checks that need more than one of them (a
 * --min-n below 5 needs --allow-small-groups).  Returns 0, or -1 after
 * printing why (the command then exits 2). */
int anopt_check(const an_opts_t *o);

#endif
