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
#include "base/i18n.h"

#include <libintl.h>
#include <pthread.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define I18N_DOMAIN "gapsurvey"
#ifndef GS_LOCALEDIR
#define GS_LOCALEDIR "/usr/local/share/locale"
#endif

static int i18n_on;

#define MO_REL "/zh_CN/LC_MESSAGES/" I18N_DOMAIN ".mo"

/* The path of zh_CN/LC_MESSAGES/gapsurvey.mo: beside the binary in the
 * build tree (build/locale), in the installed tree (bin/../share/locale),
 * else where `make install` was told to put it.  Written into out (the
 * lowest module of base/ allocates nothing of util's, so util may use it). */
static void find_mo(char *out, size_t size)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        /* "../locale": a unit test binary in BUILD/tests */
        const char *rel[] = {"locale", "../share/locale", "../locale"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            int k = snprintf(out, size, "%s/%s" MO_REL, exe, rel[i]);
            if (k > 0 && (size_t)k < size && access(out, R_OK) == 0)
                return;
        }
    }
    snprintf(out, size, "%s" MO_REL, GS_LOCALEDIR);
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
        /* the C library's own messages (strerror) are converted to
         * LC_CTYPE's charset: in the "C" locale every Chinese character
         * would print as '?' */
        if (have)
            setlocale(LC_CTYPE, locales[i]);
    }
    if (!have) {   /* no usable locale: stay English rather than half-translate */
        i18n_on = 0;
        return;
    }
    setenv("LANGUAGE", "zh_CN", 1);
    char dir[4200];
    find_mo(dir, sizeof dir);
    dir[strlen(dir) - strlen(MO_REL)] = '\0';   /* the locale directory */
    bindtextdomain(I18N_DOMAIN, dir);
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

/* ---- the catalogue read directly, for i18n_pick -------------------------
 * gettext follows one process-wide language, but a web server answers
 * respondents in different languages at once, and a report is written in
 * its own --lang.  So the compiled catalogue (the .mo msgfmt writes: a
 * header, then two tables of (length, offset) pairs for the originals and
 * the translations, originals sorted by byte value) is read once into
 * memory and searched by binary search.  It is never freed: the strings
 * returned point into it for the life of the process. */
static unsigned char *mo_data;
static size_t mo_size;
static uint32_t mo_count, mo_orig, mo_trans;
static int mo_swap;
static pthread_once_t mo_once = PTHREAD_ONCE_INIT;

static uint32_t mo_u32(size_t off)
{
    uint32_t v;
    memcpy(&v, mo_data + off, 4);
    return mo_swap ? __builtin_bswap32(v) : v;
}

/* The string at table entry i (table = mo_orig or mo_trans), or NULL
 * when the entry points outside the file. */
static const char *mo_str(uint32_t table, uint32_t i, uint32_t *len)
{
    size_t e = (size_t)table + (size_t)i * 8;
    if (e + 8 > mo_size)
        return NULL;
    uint32_t n = mo_u32(e), off = mo_u32(e + 4);
    if ((size_t)off + n >= mo_size || mo_data[(size_t)off + n] != '\0')
        return NULL;
    *len = n;
    return (const char *)mo_data + off;
}

static void mo_load(void)
{
    char path[4200];
    find_mo(path, sizeof path);
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    if (!f)
        return;
    if (fseek(f, 0, SEEK_END) != 0)
        goto cleanup;
    long n = ftell(f);
    if (n < 28 || fseek(f, 0, SEEK_SET) != 0)
        goto cleanup;
    buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        goto cleanup;
    uint32_t magic;
    memcpy(&magic, buf, 4);
    if (magic != 0x950412deU && magic != 0xde120495U)
        goto cleanup;
    mo_data = buf;
    mo_size = (size_t)n;
    mo_swap = magic == 0xde120495U;
    mo_count = mo_u32(8);
    mo_orig = mo_u32(12);
    mo_trans = mo_u32(16);
    buf = NULL;
cleanup:
    free(buf);
    fclose(f);
}

const char *i18n_pick(int zh, const char *msgid)
{
    if (!zh || !msgid || !*msgid)
        return msgid;
    pthread_once(&mo_once, mo_load);
    if (!mo_data)
        return msgid;
    uint32_t lo = 0, hi = mo_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, len;
        const char *s = mo_str(mo_orig, mid, &len);
        if (!s)
            return msgid;
        /* a plural entry's original is "singular\0plural": compare the
         * singular part, which strcmp does by stopping at the NUL */
        int c = strcmp(msgid, s);
        if (c == 0) {
            const char *t = mo_str(mo_trans, mid, &len);
            return t && *t ? t : msgid;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return msgid;
}

const char *i18n_npick(int zh, const char *singular, const char *plural, unsigned long n)
{
    if (!zh)
        return n == 1 ? singular : plural;
    const char *t = i18n_pick(zh, singular);
    return t == singular ? (n == 1 ? singular : plural) : t;
}
