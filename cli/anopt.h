/*
 * anopt: the analysis options that `analyze` and `report` share (--form,
 * --wave, --by, --compare-wave, --min-n, --min-diff, --fdr): one getopt
 * table and one parser, so both commands accept, check and word them
 * identically.  Only cmd_* code uses this.
 */
#ifndef GS_ANOPT_H
#define GS_ANOPT_H

#include <getopt.h>

#include "analysis/analyze.h"

/* The short letters and long entries to splice into a command's own
 * getopt tables (the long ones end with a comma). */
#define ANOPT_SHORT "f:w:b:c:n:d:q:"
#define ANOPT_LONG                                                                   \
    {"form", required_argument, NULL, 'f'}, {"wave", required_argument, NULL, 'w'},  \
    {"by", required_argument, NULL, 'b'}, {"compare-wave", required_argument, NULL, 'c'}, \
    {"min-n", required_argument, NULL, 'n'}, {"min-diff", required_argument, NULL, 'd'}, \
    {"fdr", required_argument, NULL, 'q'},

/* Applies option c with its argument to o (arg is kept, not copied: it
 * points into argv).  Returns 1 when c is one of the shared options, 0
 * when it is not (the command handles it), -1 after printing why the
 * value is wrong (the command then exits 2). */
int anopt_apply(an_opts_t *o, int c, const char *arg);

#endif
