/*
 * anopt: the analysis options that `analyze` and `report` share (--form,
 * --wave, --by, --compare-wave, --min-n, --min-diff, --fdr): one option
 * table and one parser, so both commands accept, check and word them
 * identically.  Only cmd_* code uses this.
 */
#ifndef GS_ANOPT_H
#define GS_ANOPT_H

#include "analysis/analyze.h"
#include "cli/cli.h"

/* The entries to splice into a command's option table (they end with a
 * comma); each works as -KEY too. */
#define ANOPT_OPTS                                                                     \
    {"form", 'f', CLI_VALUE | CLI_SHORT}, {"wave", 'w', CLI_VALUE | CLI_SHORT},         \
    {"by", 'b', CLI_VALUE | CLI_SHORT}, {"compare-wave", 'c', CLI_VALUE | CLI_SHORT},   \
    {"min-n", 'n', CLI_VALUE | CLI_SHORT}, {"min-diff", 'd', CLI_VALUE | CLI_SHORT},    \
    {"fdr", 'q', CLI_VALUE | CLI_SHORT},

/* Applies option c with its argument to o (arg is kept, not copied: it
 * points into argv).  Returns 1 when c is one of the shared options, 0
 * when it is not (the command handles it), -1 after printing why the
 * value is wrong (the command then exits 2). */
int anopt_apply(an_opts_t *o, int c, const char *arg);

#endif
