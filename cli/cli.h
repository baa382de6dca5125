/*
 * cli: what every cmd_*.c shares — running a command from main.c's table
 * (the global options, `help`, opening the store from the command's
 * flags), one option table per command that drives its parsing, the way
 * errors are printed ("gapsurvey: CMD: message" on stderr) and progress
 * lines.  Only cmd_* code and main.c use this.
 */
#ifndef GS_CLI_H
#define GS_CLI_H

#include "base/err.h"
#include "base/i18n.h"
#include "survey/store.h"

/* Set by cli_main before the command runs. */
extern const char *cli_db_path;     /* --db, else GAPSURVEY_DB, else ./gapsurvey.db */
extern const char *cli_lang;        /* "zh" or "en" */
extern const char *cli_cmd;         /* the command's name, for messages */
extern int cli_quiet;               /* --quiet: no progress or notes on stderr */

/* ---- commands ----
 * A command is an entry of main.c's table, a subcommand an entry of its
 * command's table (form check|add|list), both of this type: the entry
 * says what the (sub)command needs, cli opens it.  The store is opened by
 * cli_store(), the one place that does, when the command first asks for
 * it (after its options and files were checked, so a usage error or a bad
 * input file is reported the same with or without a database), and cli
 * closes it after the command returns. */
#define CLI_NEEDS_DB   1u   /* uses the store, which must exist */
#define CLI_CREATES_DB 2u   /* uses the store, creating it when missing (init) */

typedef struct {
    unsigned flags;      /* of the (sub)command running: CLI_NEEDS_DB ... */
    store_t *store;      /* NULL until cli_store(); owned by cli */
} cli_ctx_t;

typedef struct {
    const char *name;
    /* argv[0] is the (sub)command's name; returns the exit status: 0 ok,
     * 1 failure, 2 usage */
    int (*fn)(int argc, char **argv, cli_ctx_t *cx);
    unsigned flags;
    const char *summary;     /* N_(): its line in `gapsurvey --help`; NULL for subcommands */
} cli_cmd_t;

/* The whole program: global options, then the command named in argv,
 * from cmds (ended by a NULL name).  Returns the exit status. */
int cli_main(int argc, char **argv, const cli_cmd_t *cmds, const char *version);
/* The entry of subs (ended by a NULL name) called name, or NULL. */
const cli_cmd_t *cli_sub_find(const cli_cmd_t *subs, const char *name);
/* Runs a subcommand: its flags replace the command's; argv[0] is its name. */
int cli_sub_run(cli_ctx_t *cx, const cli_cmd_t *sub, int argc, char **argv);
/* `CMD [--help] SUB WORD...` (form, unit, wave): --help anywhere, then the
 * subcommand the first other word names runs with the words after the
 * options; the usage (exit 2) when there is none or no such one. */
int cli_subcommand(cli_ctx_t *cx, int argc, char **argv, const cli_cmd_t *subs,
                   const char *usage);
/* The subcommand name nearest to a mistyped one, or NULL. */
const char *cli_sub_nearest(const cli_cmd_t *subs, const char *name);
/* `CMD --list-options` of a command whose subcommands take the options:
 * each subcommand's list, one after the other; returns 0. */
int cli_sub_options(cli_ctx_t *cx, const cli_cmd_t *subs);
/* The store the running (sub)command declared in its flags, opened on the
 * first call; NULL after printing why it cannot be opened. */
store_t *cli_store(cli_ctx_t *cx);
/* Closes the store before the command ends (serve only checks that there
 * is one: its server opens a connection per thread). */
void cli_store_close(cli_ctx_t *cx);

/* ---- options ----
 * One table per command (and per subcommand that takes options) is the
 * one list of the options it has: cli_getopt parses by it, and
 * `gapsurvey COMMAND --list-options` prints it (one long option a line,
 * --help included), which tests/cli/docs.sh and completion.sh compare
 * with the --help text, the man page and the bash completion.  The --help
 * text itself is the command's usage (one N_() text, translated whole). */
#define CLI_VALUE 1u        /* takes a value (--name VALUE, --name=VALUE) */
#define CLI_SHORT 2u        /* -KEY works too */
typedef struct {
    const char *name;       /* the long name without "--"; NULL ends a table */
    int key;                /* what cli_getopt returns for it (a letter) */
    unsigned flags;         /* CLI_VALUE, CLI_SHORT */
} cli_opt_t;
/* Ends a table.  Every table has --help and -h without listing them. */
#define CLI_OPT_END {NULL, 0, 0}
#define CLI_LIST_OPTIONS "--list-options"

/* What cli_getopt returns besides an option's key. */
#define CLI_END 0           /* no more options: optind is the first other word */
#define CLI_HELP (-1)       /* --help: the usage was printed on stdout */
#define CLI_BAD (-2)        /* "unknown option" or "needs a value" was printed, and the usage */
/* getopt_long over opts (plus --help) with gapsurvey's error style; the
 * value is in optarg.  A new parse starts when argv changes or the last one
 * ended.  Loop while it returns a key (> 0); then a negative return is the
 * end of the command: return cli_status(c). */
int cli_getopt(int argc, char **argv, const cli_opt_t *opts, const char *usage);
/* The exit status of a parse that stopped: 0 after --help, 2 after an error. */
int cli_status(int c);
/* Prints the long options of opts, one a line, --help last. */
void cli_list_options(const cli_opt_t *opts);

/* "gapsurvey: CMD: message" on stderr. */
void cli_error(const char *fmt, ...) UTIL_PRINTF(1, 2);
/* The same for an error: its err_text ("FILE:LINE:COL: message" as far
 * as it knows them). */
void cli_perror(const err_t *e);
/* Prints the usage text (translated; usage texts are marked N_()) to
 * stderr and returns 2 (the usage exit status). */
int cli_usage(const char *usage);
/* Loads the newest version of form_id: 0, or 1 after printing why not (no
 * such form: 'gapsurvey form list' shows them; else the store's error).
 * *row (when not NULL) is its forms.id; *f is the caller's to free. */
int cli_form_get(store_t *s, const char *form_id, form_t **f, int *row);
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
/* 1 when the language is Chinese. */
int cli_zh(void);
/* Parses --lang value: "zh"/"zh_CN"/"chinese" -> "zh", "en*"/"C" -> "en";
 * NULL if unknown. */
const char *cli_norm_lang(const char *v);
/* Language from the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). */
const char *cli_env_lang(void);

#endif
