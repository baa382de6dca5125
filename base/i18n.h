/*
 * i18n: translated user text through GNU gettext (text domain "gapsurvey").
 * Every message a person reads is written in English in the source and
 * wrapped in _() where it is used, or N_() where it is only stored (a usage
 * text, a table of summaries) and translated with _() when printed;
 * `make pot` extracts both into po/gapsurvey.pot and po/zh_CN.po holds the
 * Chinese.  English output never goes through the catalogue, so it is
 * byte-for-byte the source text whatever the locale.
 */
#ifndef GS_I18N_H
#define GS_I18N_H

#if defined(__GNUC__)
#define I18N_FORMAT_ARG(a) __attribute__((format_arg(a)))
#else
#define I18N_FORMAT_ARG(a)
#endif

#define _(s) i18n_text(s)
/* No parentheses: N_("...") must stay a string literal, so it can
 * initialise a char array. */
#define N_(s) s

/* Chooses the language ("zh" or "en") for every later _(); main.c calls it
 * once the --lang option and the environment are known.  Finds the
 * catalogue in the build tree (BUILD/locale beside the binary) or the
 * installed tree (PREFIX/share/locale). */
void i18n_init(const char *lang);
/* msgid in the chosen language; msgid itself for English, before
 * i18n_init, or when the catalogue lacks it. */
const char *i18n_text(const char *msgid) I18N_FORMAT_ARG(1);
/* Plural form: singular or plural by n, as ngettext. */
const char *i18n_ntext(const char *singular, const char *plural, unsigned long n)
    I18N_FORMAT_ARG(1) I18N_FORMAT_ARG(2);

/* msgid in Chinese when zh is non-zero, else msgid itself, whatever
 * language the process chose: for text whose language is picked per call
 * (a report written with its own --lang, a web page in the language the
 * respondent asked for).  Reads the compiled catalogue once, on first use,
 * thread-safely; returns msgid when there is none or it lacks the entry.
 * The result is static: never freed. */
const char *i18n_pick(int zh, const char *msgid) I18N_FORMAT_ARG(2);
/* As i18n_pick for a message with a plural (Chinese has one form). */
const char *i18n_npick(int zh, const char *singular, const char *plural, unsigned long n)
    I18N_FORMAT_ARG(2) I18N_FORMAT_ARG(3);
/* Short spelling of i18n_pick; xgettext knows both (keyword TR:2). */
#define TR(zh, s) i18n_pick((zh), (s))

#endif
