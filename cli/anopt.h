/*
 * anopt: the analysis options that `analyze` and `report` share (--form,
 * --wave, --by, --compare-wave, --min-n, --min-diff, --fdr,
 * --allow-small-groups, --comment-min, --validity, --factors, --drivers,
 * --screen, --exclude-careless, --crosstab): one option
 * table and one parser, so both commands accept, check and word them
 * identically.  Only cmd_* code uses this.
 */
#ifndef GS_ANOPT_H
#define GS_ANOPT_H

#include "analysis/analyze.h"
#include "cli/cli.h"

/* Keys of the long-only options (past any letter) */
#define ANOPT_ALLOW_SMALL 0x101
#define ANOPT_COMMENT_MIN 0x102
#define ANOPT_VALIDITY 0x103
#define ANOPT_FACTORS 0x104
#define ANOPT_DRIVERS 0x105
#define ANOPT_SCREEN 0x106
#define ANOPT_EXCLUDE_CARELESS 0x107
#define ANOPT_CROSSTAB 0x108

/* The entries to splice into a command's option table (they end with a
 * comma); each with a letter works as -KEY too. */
#define ANOPT_OPTS                                                                     \
    {"form", 'f', CLI_VALUE | CLI_SHORT}, {"wave", 'w', CLI_VALUE | CLI_SHORT},         \
    {"by", 'b', CLI_VALUE | CLI_SHORT}, {"compare-wave", 'c', CLI_VALUE | CLI_SHORT},   \
    {"min-n", 'n', CLI_VALUE | CLI_SHORT}, {"min-diff", 'd', CLI_VALUE | CLI_SHORT},    \
    {"fdr", 'q', CLI_VALUE | CLI_SHORT}, {"comment-min", ANOPT_COMMENT_MIN, CLI_VALUE}, \
    {"allow-small-groups", ANOPT_ALLOW_SMALL, 0}, {"validity", ANOPT_VALIDITY, 0},       \
    {"factors", ANOPT_FACTORS, CLI_VALUE}, {"drivers", ANOPT_DRIVERS, 0},                \
    {"screen", ANOPT_SCREEN, 0}, {"exclude-careless", ANOPT_EXCLUDE_CARELESS, 0},        \
    {"crosstab", ANOPT_CROSSTAB, CLI_VALUE},

/* Applies option c with its argument to o (arg is kept, not copied: it
 * points into argv).  Returns 1 when c is one of the shared options, 0
 * when it is not (the command handles it), -1 after printing why the
 * value is wrong (the command then exits 2). */
int anopt_apply(an_opts_t *o, int c, const char *arg);

/* After every option: the checks that need more than one of them (a
 * --min-n below 5 needs --allow-small-groups).  Returns 0, or -1 after
 * printing why (the command then exits 2). */
int anopt_check(const an_opts_t *o);

/* The environment's part: GAPSURVEY_SCAN_BATCH, the respondents the
 * analysis scan hands to its second thread at once (1 to 1000000), or
 * "inline" for none (tests and bench/ compare the two).  Returns 0, or -1
 * after printing why the value is wrong (exit 2). */
int anopt_env(an_opts_t *o);

#endif
