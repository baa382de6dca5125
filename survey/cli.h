/*
 * cli: what every cmd_*.c shares — the global options (--db, --lang), the
 * way errors are printed ("gapsurvey: CMD: message" on stderr) and opening
 * the store with a helpful message.  Only cmd_* code and main.c use this.
 */
#ifndef GS_CLI_H
#define GS_CLI_H

#include "i18n.h"
#include "store.h"

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
/* Opens the store, printing the error; returns NULL on failure. */
store_t *cli_open_store(int create);
/* getopt_long with gapsurvey's error style: returns the option, -1 at the
 * end of options, or '?' after printing "unknown option" / "missing value"
 * and the usage (the caller then returns 2).  Resets getopt state on the
 * first call for argv. */
struct option;
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const char *usage);
/* Finds a shipped file such as "questionnaires/staff-opinion.csv": in
 * $GAPSURVEY_DATA, beside the binary's share/gapsurvey, the source tree the
 * binary was built in, then the current directory.  Heap path or NULL. */
char *cli_find_data(const char *rel);
/* 1 when the language is Chinese. */
int cli_zh(void);
/* Parses --lang value: "zh"/"zh_CN"/"chinese" -> "zh", "en*"/"C" -> "en";
 * NULL if unknown. */
const char *cli_norm_lang(const char *v);
/* Language from the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). */
const char *cli_env_lang(void);

#endif
