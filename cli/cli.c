/*
 * cli: running a command (the global options, `help`, the store opened
 * from the command's flags), option tables, error printing and progress
 * lines for the commands (see cli.h).
 */
#include "cli/cli.h"

#include <assert.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *cli_db_path = "gapsurvey.db";
const char *cli_lang = "en";
const char *cli_cmd = "gapsurvey";
int cli_quiet;

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* one line whole, even when the server's threads log at once */
    flockfile(stderr);
    fprintf(stderr, "gapsurvey: %s: ", cli_cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}

void cli_perror(const err_t *e)
{
    char *t = err_text(e);
    cli_error("%s", t ? t : "?");
    free(t);
}

int cli_usage(const char *usage)
{
    fputs(_(usage), stderr);
    return 2;
}

int cli_progress(void)
{
    return !cli_quiet && isatty(STDERR_FILENO);
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_begin(cli_progress_t *p, const char *what, const char *noun)
{
    p->on = cli_progress();
    p->what = what;
    p->noun = noun;
    p->t0 = p->shown = mono_now();
    p->drawn = 0;
}

void cli_progress_update(cli_progress_t *p, double frac, long count, int force)
{
    if (!p->on)
        return;
    double t = mono_now(), el = t - p->t0;
    if (!force && (el < CLI_PROGRESS_DELAY || (p->drawn && t - p->shown < 0.1)))
        return;
    p->shown = t;
    fputc('\r', stderr);   /* outside the messages: gettext wants no \r in one */
    fputs(p->what, stderr);
    if (frac >= 0) {
        if (frac > 1)
            frac = 1;
        char bar[21];
        int full = (int)(frac * 20);
        for (int i = 0; i < 20; i++)
            bar[i] = i < full ? '#' : '.';
        bar[20] = '\0';
        fprintf(stderr, " [%s] %3d%%", bar, (int)(frac * 100));
    }
    if (p->noun)
        /* TRANSLATORS: a count and a rate, e.g. "1234 rows  800 rows/s";
         * both %s are the translated noun ("rows") */
        fprintf(stderr, _("  %ld %s  %.0f %s/s"), count, p->noun,
                el > 0 ? (double)count / el : 0.0, p->noun);
    if (frac > 0) {
        long eta = el > 0 ? (long)(el * (1 - frac) / frac + 0.5) : 0;
        /* TRANSLATORS: time left, minutes:seconds */
        fprintf(stderr, _("  ETA %ld:%02ld"), eta / 60, eta % 60);
    }
    fputs("\033[K", stderr);
    fflush(stderr);
    p->drawn = 1;
}

void cli_progress_clear(cli_progress_t *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->drawn = 0;
    }
}

/* ---- options ---- */

/* opts plus --help as getopt_long's two tables. */
#define MAX_OPTS 40
typedef struct {
    struct option longs[MAX_OPTS + 2];
    char shorts[2 * MAX_OPTS + 2];
} getopt_tables_t;

static void getopt_tables(const cli_opt_t *opts, getopt_tables_t *t)
{
    size_t n = 0, k = 0;
    for (const cli_opt_t *o = opts; o && o->name && n < MAX_OPTS; o++) {
        int arg = o->flags & CLI_VALUE ? required_argument : no_argument;
        t->longs[n++] = (struct option){o->name, arg, NULL, o->key};
        if (o->flags & CLI_SHORT) {
            t->shorts[k++] = (char)o->key;
            if (arg == required_argument)
                t->shorts[k++] = ':';
        }
    }
    t->longs[n++] = (struct option){"help", no_argument, NULL, 'h'};
    t->longs[n] = (struct option){NULL, 0, NULL, 0};
    t->shorts[k++] = 'h';
    t->shorts[k] = '\0';
}

/* Says what is wrong with the option getopt_long refused. */
static void bad_option(char **argv, const getopt_tables_t *t)
{
    const char *bad = argv[optind - 1];
    /* a long option is named as it was typed: getopt_long sets optopt to
     * its key, which is no option the user knows ("--csv" is not "-C") */
    if (bad && strncmp(bad, "--", 2) != 0 && optopt && strchr(t->shorts, optopt) && optopt != '?') {
        cli_error(_("option -%c needs a value"), optopt);
    } else if (bad && strncmp(bad, "--", 2) == 0) {
        const char *eq = strchr(bad, '=');
        size_t n = eq ? (size_t)(eq - bad - 2) : strlen(bad + 2);
        int needs = 0;
        for (const struct option *o = t->longs; o->name; o++)
            if (strlen(o->name) == n && strncmp(o->name, bad + 2, n) == 0)
                needs = 1;
        if (needs) {
            cli_error(_("option %s needs a value"), bad);
        } else {
            const char *names[MAX_OPTS + 2];
            size_t k = 0;
            for (const struct option *o = t->longs; o->name; o++)
                names[k++] = o->name;
            names[k] = NULL;
            char *w = util_xstrndup(bad + 2, n);
            const char *near = util_nearest(w, names);
            free(w);
            if (near)
                cli_error(_("unknown option '%s'; did you mean '--%s'?"), bad, near);
            else
                cli_error(_("unknown option '%s'"), bad);
        }
    } else {
        cli_error(_("unknown option '%s'"), bad ? bad : "?");
    }
}

int cli_getopt(int argc, char **argv, const cli_opt_t *opts, const char *usage)
{
    static char **last_argv;
    static int ended;
    if (last_argv != argv || ended) {
        last_argv = argv;
        ended = 0;
        optind = 0;   /* GNU: full re-initialisation */
        if (argc == 2 && strcmp(argv[1], CLI_LIST_OPTIONS) == 0) {
            cli_list_options(opts);
            ended = 1;
            return CLI_HELP;
        }
    }
    getopt_tables_t t;
    getopt_tables(opts, &t);
    opterr = 0;
    int c = getopt_long(argc, argv, t.shorts, t.longs, NULL);
    if (c == -1) {
        ended = 1;
        return CLI_END;
    }
    if (c == 'h') {
        fputs(_(usage), stdout);
        ended = 1;
        return CLI_HELP;
    }
    if (c == '?' || c == ':') {
        bad_option(argv, &t);
        fputs(_(usage), stderr);
        ended = 1;
        return CLI_BAD;
    }
    return c;
}

int cli_status(int c)
{
    return c == CLI_HELP ? 0 : 2;
}

void cli_list_options(const cli_opt_t *opts)
{
    for (const cli_opt_t *o = opts; o && o->name; o++)
        printf("--%s\n", o->name);
    printf("--%s\n", "help");   /* every table has it */
}

/* ---- the store ---- */

store_t *cli_store(cli_ctx_t *cx)
{
    /* a command that did not declare the store in its table entry would
     * open a database it may not create, or create one it should not */
    assert(cx->flags & (CLI_NEEDS_DB | CLI_CREATES_DB));
    if (cx->store)
        return cx->store;
    err_t err = {0};
    if (store_open(cli_db_path, (cx->flags & CLI_CREATES_DB) != 0, &cx->store, &err) != 0) {
        cli_perror(&err);
        err_clear(&err);
        cx->store = NULL;
    }
    return cx->store;
}

void cli_store_close(cli_ctx_t *cx)
{
    store_close(cx->store);
    cx->store = NULL;
}

int cli_form_get(store_t *s, const char *form_id, form_t **f, int *row)
{
    err_t err = {0};
    int r = store_form_get(s, form_id, f, row, &err);
    if (r == 1)
        cli_error(_("no form '%s'; 'gapsurvey form list' shows the stored ones"), form_id);
    else if (r != 0)
        cli_perror(&err);
    err_clear(&err);
    return r != 0;
}

/* ---- commands ---- */

const cli_cmd_t *cli_sub_find(const cli_cmd_t *subs, const char *name)
{
    for (; subs->name; subs++)
        if (strcmp(subs->name, name) == 0)
            return subs;
    return NULL;
}

int cli_sub_run(cli_ctx_t *cx, const cli_cmd_t *sub, int argc, char **argv)
{
    cx->flags = sub->flags;
    return sub->fn(argc, argv, cx);
}

int cli_subcommand(cli_ctx_t *cx, int argc, char **argv, const cli_cmd_t *subs,
                   const char *usage)
{
    static const cli_opt_t no_opts[] = {CLI_OPT_END};
    int c = cli_getopt(argc, argv, no_opts, usage);
    if (c != CLI_END)
        return cli_status(c);
    const cli_cmd_t *sub = optind < argc ? cli_sub_find(subs, argv[optind]) : NULL;
    if (!sub)
        return cli_usage(usage);
    return cli_sub_run(cx, sub, argc - optind, argv + optind);
}

const char *cli_sub_nearest(const cli_cmd_t *subs, const char *name)
{
    const char *names[64];
    size_t k = 0;
    for (; subs->name && k < 63; subs++)
        names[k++] = subs->name;
    names[k] = NULL;
    return util_nearest(name, names);
}

int cli_sub_options(cli_ctx_t *cx, const cli_cmd_t *subs)
{
    for (; subs->name; subs++) {
        char *av[] = {(char *)subs->name, CLI_LIST_OPTIONS, NULL};
        cli_sub_run(cx, subs, 2, av);
    }
    return 0;
}

static const char usage[] = N_(
    "usage: gapsurvey [--db FILE] [--lang zh|en] [--quiet] COMMAND [ARGS]\n"
    "       gapsurvey help COMMAND\n"
    "       gapsurvey --version\n"
    "\n"
    "The database is --db FILE, else $GAPSURVEY_DB, else ./gapsurvey.db.\n"
    "The language is --lang, else $LANGUAGE, $LC_ALL, $LC_MESSAGES or $LANG,\n"
    "else English.  --quiet (-q) keeps everything but errors and data off the\n"
    "terminal.  'gapsurvey help COMMAND' or 'gapsurvey COMMAND --help'\n"
    "describes a command with examples; 'man gapsurvey' has them all.\n"
    "\n"
    "commands:\n");

static const char examples[] = N_(
    "\n"
    "examples:\n"
    "  gapsurvey demo --out demo          simulate a city and write its report\n"
    "  gapsurvey --lang zh help analyze   describe analyze in Chinese\n");

/* The global options (before the command); the order is that of the
 * "did you mean" candidates. */
static const cli_opt_t global_opts[] = {
    {"help", 'h', CLI_SHORT}, {"version", 'V', CLI_SHORT}, {"quiet", 'q', CLI_SHORT},
    {"db", 'd', CLI_VALUE},   {"lang", 'l', CLI_VALUE},    CLI_OPT_END};

static void print_usage(FILE *out, const cli_cmd_t *cmds)
{
    fputs(_(usage), out);
    for (; cmds->name; cmds++)
        fprintf(out, "  %-10s %s\n", cmds->name, _(cmds->summary));
    fputs(_(examples), out);
}

static void no_command(const cli_cmd_t *cmds, const char *name)
{
    const char *near = cli_sub_nearest(cmds, name);
    if (near)
        fprintf(stderr, _("gapsurvey: no command '%s'; did you mean '%s'?\n"), name, near);
    else
        fprintf(stderr, _("gapsurvey: no command '%s'; 'gapsurvey --help' lists them\n"), name);
}

/* The global option argv[*i] is (*i moves past a value in the next word),
 * its value in *val; NULL when it is none. */
static const cli_opt_t *global_option(int argc, char **argv, int *i, const char **val)
{
    const char *a = argv[*i];
    for (const cli_opt_t *o = global_opts; o->name; o++) {
        size_t n = strlen(o->name);
        if ((o->flags & CLI_SHORT) && a[0] == '-' && a[1] == o->key && !a[2])
            return o;
        if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, o->name, n) != 0)
            continue;
        if (!a[n + 2] && !(o->flags & CLI_VALUE))
            return o;
        if (a[n + 2] == '=' && (o->flags & CLI_VALUE)) {
            *val = a + n + 3;
            return o;
        }
        if (!a[n + 2] && (o->flags & CLI_VALUE) && *i + 1 < argc) {
            *val = argv[++*i];
            return o;
        }
    }
    return NULL;
}

static void bad_global_option(const char *a, const cli_opt_t *opts)
{
    const char *names[8];
    size_t k = 0, dashes = strspn(a, "-");
    for (const cli_opt_t *o = opts; o->name && k < 7; o++)
        names[k++] = o->name;
    names[k] = NULL;
    const char *eq = strchr(a, '=');
    char *w = util_xstrndup(a + dashes, eq ? (size_t)(eq - a) - dashes : strlen(a + dashes));
    const char *near = util_nearest(w, names);
    free(w);
    for (const cli_opt_t *o = opts; o->name; o++)
        if ((o->flags & CLI_VALUE) && strncmp(a, "--", 2) == 0 && strcmp(a + 2, o->name) == 0) {
            fprintf(stderr, _("gapsurvey: option %s needs a value\n"), a);
            return;
        }
    if (near)
        fprintf(stderr, _("gapsurvey: unknown option '%s'; did you mean '--%s'?\n"), a, near);
    else
        fprintf(stderr, _("gapsurvey: unknown option '%s'\n"), a);
}

/* The options before the command: -1 when the command is to run (*i its
 * index, *help set by --help), else the exit status. */
static int global_options(int argc, char **argv, const cli_cmd_t *cmds, const char *version,
                          int *i, int *help)
{
    if (argc == 2 && strcmp(argv[1], CLI_LIST_OPTIONS) == 0) {
        cli_list_options(global_opts + 1);   /* --help is printed last */
        for (; cmds->name; cmds++)
            printf("%s\n", cmds->name);
        return 0;
    }
    for (*i = 1; *i < argc && argv[*i][0] == '-'; ++*i) {
        const char *val = NULL;
        const cli_opt_t *o = global_option(argc, argv, i, &val);
        switch (o ? o->key : 0) {
        case 'h': *help = 1; break;   /* after the loop, so a later --lang still applies */
        case 'V': printf("gapsurvey %s\n", version); return 0;
        case 'q': cli_quiet = 1; break;
        case 'd': cli_db_path = val; break;
        case 'l':
            cli_lang = cli_norm_lang(val);
            if (!cli_lang) {
                cli_lang = "en";
                fprintf(stderr, _("gapsurvey: --lang takes zh or en, not '%s'\n"), val);
                return 2;
            }
            i18n_init(cli_lang);
            break;
        default:
            bad_global_option(argv[*i], global_opts);
            print_usage(stderr, cmds);
            return 2;
        }
    }
    return -1;
}

int cli_main(int argc, char **argv, const cli_cmd_t *cmds, const char *version)
{
    const char *env = getenv("GAPSURVEY_DB");
    if (env && *env)
        cli_db_path = env;
    cli_lang = cli_env_lang();
    i18n_init(cli_lang);
    int i = 1, help = 0;
    int rc = global_options(argc, argv, cmds, version, &i, &help);
    if (rc >= 0)
        return rc;
    if (help || (i < argc && strcmp(argv[i], "help") == 0 && i + 1 >= argc)) {
        print_usage(stdout, cmds);
        return 0;
    }
    if (i >= argc) {
        print_usage(stderr, cmds);
        return 2;
    }
    /* `help COMMAND` is `COMMAND --help` */
    int asked = strcmp(argv[i], "help") == 0;
    const char *name = argv[i + asked];
    const cli_cmd_t *cmd = cli_sub_find(cmds, name);
    if (!cmd) {
        no_command(cmds, name);
        return 2;
    }
    char *av[] = {(char *)name, "--help", NULL};
    cli_ctx_t cx = {0, NULL};
    cli_cmd = name;
    rc = asked ? cli_sub_run(&cx, cmd, 2, av) : cli_sub_run(&cx, cmd, argc - i, argv + i);
    cli_store_close(&cx);
    return rc;
}

int cli_zh(void)
{
    return strcmp(cli_lang, "zh") == 0;
}

const char *cli_norm_lang(const char *v)
{
    if (!v || !*v)
        return NULL;
    if (strncmp(v, "zh", 2) == 0 || util_streq_ci(v, "chinese"))
        return "zh";
    if (strncmp(v, "en", 2) == 0 || strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0 ||
        util_streq_ci(v, "english"))
        return "en";
    return NULL;
}

const char *cli_env_lang(void)
{
    const char *vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < 4; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) {
            const char *l = cli_norm_lang(v);
            return l ? l : "en";
        }
    }
    return "en";
}

