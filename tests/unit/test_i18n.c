/*
 * Unit tests for survey/i18n's per-call lookup: i18n_pick and i18n_npick
 * read the compiled catalogue (BUILD/locale/zh_CN/LC_MESSAGES/gapsurvey.mo,
 * which this binary in BUILD/tests must find) and must give the same
 * Chinese as gettext's _() does once the process has chosen Chinese; the
 * English is the msgid itself, untouched; a msgid the catalogue lacks
 * comes back as it is; and the first use, from several threads at once,
 * loads the catalogue once for all of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "tests/unit/testmain.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Messages of the sources with their Chinese in po/zh_CN.po: a sentence,
 * one with no-break spaces, one whose Chinese takes positional arguments,
 * and a word. */
static const struct {
    const char *en, *zh;
} known[] = {
    {"This question must be answered.", "此题必须作答。"},
    {"Keys: Enter alone\u00A0=\u00A0blank (or keep the value shown), -\u00A0=\u00A0clear, "
     "b\u00A0=\u00A0back, n\u00A0=\u00A0save and next questionnaire, q\u00A0=\u00A0quit.",
     "按键：直接回车\u00A0=\u00A0空白（或保留显示的值），-\u00A0=\u00A0清除，"
     "b\u00A0=\u00A0返回，n\u00A0=\u00A0保存并录入下一份，q\u00A0=\u00A0退出。"},
    {"%s: no dimension '%s' in %s", "%1$s：%3$s 中没有维度“%2$s”"},
    {"Your invitation code", "您的邀请码"},
};

#define SING "function '%s' takes %d argument, got %d"
#define PLUR "function '%s' takes %d arguments, got %d"
#define SING_ZH "函数“%s”需要%d个参数，实际为%d个"

#define THREADS 8

static void *pick_in_thread(void *arg)
{
    (void)arg;
    return (void *)i18n_pick(1, known[0].en);
}

/* First, before anything else has loaded the catalogue: every thread
 * racing to load it gets the same Chinese, from the one copy. */
static void test_first_use_from_threads(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    void *got[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, pick_in_thread, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(t[i], &got[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        assert_string_equal(got[i], known[0].zh);
        assert_ptr_equal(got[i], got[0]);
    }
}

static void test_known(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(known); i++) {
        assert_string_equal(i18n_pick(1, known[i].en), known[i].zh);
        /* English is the msgid itself, not a copy from the catalogue */
        assert_ptr_equal(i18n_pick(0, known[i].en), known[i].en);
        assert_ptr_equal(TR(0, known[i].en), known[i].en);
        assert_string_equal(TR(1, known[i].en), known[i].zh);
    }
}

static void test_unknown(void **state)
{
    (void)state;
    static const char *const msgids[] = {
        "a message no source has written",
        "This question must be answered",        /* a prefix of a known one */
        "This question must be answered.x",      /* a known one and more */
        "\xE4\xB8\xAD",                           /* bytes, no msgid */
    };
    for (size_t i = 0; i < N_OF(msgids); i++) {
        assert_ptr_equal(i18n_pick(1, msgids[i]), msgids[i]);
        assert_ptr_equal(i18n_pick(0, msgids[i]), msgids[i]);
    }
    /* "" is the catalogue's header entry, never a message */
    const char *empty = "";
    assert_ptr_equal(i18n_pick(1, empty), empty);
    assert_null(i18n_pick(1, NULL));
}

static void test_plural(void **state)
{
    (void)state;
    /* Chinese has one form, whatever n */
    assert_string_equal(i18n_npick(1, SING, PLUR, 1), SING_ZH);
    assert_string_equal(i18n_npick(1, SING, PLUR, 3), SING_ZH);
    assert_string_equal(i18n_npick(0, SING, PLUR, 1), SING);
    assert_string_equal(i18n_npick(0, SING, PLUR, 0), PLUR);
    assert_string_equal(i18n_npick(0, SING, PLUR, 2), PLUR);
    /* unknown: English singular or plural by n, as ngettext does */
    assert_string_equal(i18n_npick(1, "%d cat", "%d cats", 1), "%d cat");
    assert_string_equal(i18n_npick(1, "%d cat", "%d cats", 2), "%d cats");
}

/* Last: i18n_init changes the process's language.  gettext and the direct
 * reading of the catalogue must then agree on every message. */
static void test_same_as_gettext(void **state)
{
    (void)state;
    i18n_init("zh");
    for (size_t i = 0; i < N_OF(known); i++)
        assert_string_equal(_(known[i].en), i18n_pick(1, known[i].en));
    assert_string_equal(i18n_ntext(SING, PLUR, 1), i18n_npick(1, SING, PLUR, 1));
    assert_string_equal(i18n_ntext(SING, PLUR, 5), i18n_npick(1, SING, PLUR, 5));
    assert_string_equal(_("a message no source has written"), "a message no source has written");
    /* back to English: _() is the msgid again; i18n_pick does not care */
    i18n_init("en");
    assert_ptr_equal(_(known[0].en), known[0].en);
    assert_string_equal(i18n_pick(1, known[0].en), known[0].zh);
}

TEST_MAIN(
    cmocka_unit_test(test_first_use_from_threads),
    cmocka_unit_test(test_known),
    cmocka_unit_test(test_unknown),
    cmocka_unit_test(test_plural),
    cmocka_unit_test(test_same_as_gettext))
