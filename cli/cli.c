/*
 * cli: global options and error printing for the commands (see cli.h).
 */
#include "cli/cli.h"

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

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const char *usage)
{
    static char **last_argv;
    if (last_argv != argv) {
        last_argv = argv;
        optind = 0;   /* GNU: full re-initialisation */
    }
    opterr = 0;
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == '?' || c == ':') {
        const char *bad = argv[optind - 1];
        if (optopt && strchr(shortopts, optopt) && optopt != '?')
            cli_error(_("option -%c needs a value"), optopt);
        else if (bad && strncmp(bad, "--", 2) == 0) {
            const char *eq = strchr(bad, '=');
            size_t n = eq ? (size_t)(eq - bad - 2) : strlen(bad + 2);
            int needs = 0;
            for (const struct option *o = longopts; o && o->name; o++)
                if (strlen(o->name) == n && strncmp(o->name, bad + 2, n) == 0)
                    needs = 1;
            if (needs) {
                cli_error(_("option %s needs a value"), bad);
            } else {
                const char *names[64];
                size_t k = 0;
                for (const struct option *o = longopts; o && o->name && k < 63; o++)
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
        } else
            cli_error(_("unknown option '%s'"), bad ? bad : "?");
        fputs(_(usage), stderr);
        return '?';
    }
    return c;
}

store_t *cli_open_store(int create)
{
    store_t *s = NULL;
    char *err = NULL;
    if (store_open(cli_db_path, create, &s, &err) != 0) {
        cli_error("%s", err);
        free(err);
        return NULL;
    }
    return s;
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

