/*
 * cli: what every cmd_*.c shares — the global options (--db, --lang), the
 * way errors are printed ("gapsurvey: CMD: message" on stderr) and opening
 * the store with a helpful message.  Only cmd_* code and main.c use this.
 */
#ifndef GS_CLI_H
#define GS_CLI_H

#include "base/i18n.h"
#include "survey/store.h"

/* Set by main.c before the command runs. */
extern const char *cli_db_path;     /* --db, else GAPSURVEY_DB, else ./gapsurvey.db */
extern const char *cli_lang;        /* "zh" or "en" */
extern const char *cli_cmd;         /* the command's name, for messages */
extern int cli_quiet;               /* --quiet: no progress or notes on stderr */

void cli_error(const char *fmt, ...) UTIL_PRINTF(1, 2);
/* Prints the usage text (translated; usage texts are marked N_()) to
 * stderr and returns 2 (the usage exit status). */
int cli_usage(const char *usage);
/* 1 when progress may be drawn on stderr: it is a terminal and not --quiet. */
int cli_progress(void);

/* A progress line on stderr for work that can take more than about a
 * second:  "WHAT [#####.....]  45%  1234 NOUN  800 NOUN/s  ETA 0:03".
 * Drawn only when cli_progress() allows it, first after CLI_PROGRESS_DELAY
 * seconds (quick work shows nothing), then at most ten times a second, so
 * calling cli_progress_update often costs one clock read.  The caller
 * passes translated text for what and noun. */
#define CLI_PROGRESS_DELAY 1.0
typedef struct {
    int on;              /* stderr is a terminal and not --quiet */
    const char *what;    /* e.g. _("importing") */
    const char *noun;    /* what is counted, e.g. _("rows"); NULL: no count */
    double t0, shown;
    int drawn;           /* a line is on the screen and must be cleared first */
} cli_progress_t;
/* Starts the clock; nothing is drawn yet. */
void cli_progress_begin(cli_progress_t *p, const char *what, const char *noun);
/* frac: share of the work done (0..1; below 0 when unknown: no bar, no
 * ETA); count: NOUNs done.  force draws at once, past the delay and the
 * rate limit (the final 100%). */
void cli_progress_update(cli_progress_t *p, double frac, long count, int force);
/* Removes the line (before printing anything else on stderr, and at the
 * end); the next update draws it again. */
void cli_progress_clear(cli_progress_t *p);
/* Opens the store, printing the error; returns NULL on failure. */
store_t *cli_open_store(int create);
/* getopt_long with gapsurvey's error style: returns the option, -1 at the
 * end of options, or '?' after printing "unknown option" / "missing value"
 * and the usage (the caller then returns 2).  Resets getopt state on the
 * first call for argv. */
struct option;
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const char *usage);
/* 1 when the language is Chinese. */
int cli_zh(void);
/* Parses --lang value: "zh"/"zh_CN"/"chinese" -> "zh", "en*"/"C" -> "en";
 * NULL if unknown. */
const char *cli_norm_lang(const char *v);
/* Language from the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). */
const char *cli_env_lang(void);

#endif
