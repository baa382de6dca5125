/*
 * i18n: gettext set-up and lookup (see i18n.h).
 *
 * gettext translates only when the LC_MESSAGES locale is not "C", and the
 * Chinese locale is rarely generated on the servers this runs on.  So the
 * language is chosen by gapsurvey itself (--lang, else LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG, as cli_env_lang reads them): for Chinese, LC_MESSAGES
 * is set to any UTF-8 locale that exists (C.UTF-8 is always there on
 * Debian) and LANGUAGE to zh_CN, which gettext then follows.  For English
 * no lookup happens at all.
 */
#include "i18n.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define I18N_DOMAIN "gapsurvey"
#ifndef GS_LOCALEDIR
#define GS_LOCALEDIR "/usr/local/share/locale"
#endif

static int i18n_on;

/* The directory holding zh_CN/LC_MESSAGES/gapsurvey.mo: beside the binary
 * in the build tree (build/locale), in the installed tree
 * (bin/../share/locale), else where `make install` was told to put it. */
static char *find_localedir(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        const char *rel[] = {"locale", "../share/locale"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            char *dir = util_fmt("%s/%s", exe, rel[i]);
            char *mo = util_fmt("%s/zh_CN/LC_MESSAGES/" I18N_DOMAIN ".mo", dir);
            int ok = access(mo, R_OK) == 0;
            free(mo);
            if (ok)
                return dir;
            free(dir);
        }
    }
    return util_xstrdup(GS_LOCALEDIR);
}

void i18n_init(const char *lang)
{
    i18n_on = lang && strcmp(lang, "zh") == 0;
    if (!i18n_on)
        return;
    const char *locales[] = {"C.UTF-8", "C.utf8", "zh_CN.UTF-8", "en_US.UTF-8", ""};
    int have = 0;
    for (size_t i = 0; i < sizeof locales / sizeof locales[0] && !have; i++) {
        const char *l = setlocale(LC_MESSAGES, locales[i]);
        have = l && strcmp(l, "C") != 0 && strcmp(l, "POSIX") != 0;
    }
    if (!have) {   /* no usable locale: stay English rather than half-translate */
        i18n_on = 0;
        return;
    }
    setenv("LANGUAGE", "zh_CN", 1);
    char *dir = find_localedir();
    bindtextdomain(I18N_DOMAIN, dir);
    free(dir);
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
}

const char *i18n_text(const char *msgid)
{
    if (!i18n_on || !msgid || !*msgid)
        return msgid;
    return dgettext(I18N_DOMAIN, msgid);
}

const char *i18n_ntext(const char *singular, const char *plural, unsigned long n)
{
    if (!i18n_on)
        return n == 1 ? singular : plural;
    return dngettext(I18N_DOMAIN, singular, plural, n);
}
