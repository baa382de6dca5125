/*
 * testmain: the main() that every unit test file ends with, so that a
 * file lists its cases and nothing else: TEST_MAIN(case, case, ...) runs
 * the cases (cmocka_unit_test(f), cmocka_unit_test_setup_teardown(...),
 * ...) as one cmocka group and exits with the number that failed;
 * TEST_MAIN_GROUP(setup, teardown, case, ...) does the same with a setup
 * and teardown (cmocka's CMFixtureFunction) run once around the whole
 * group.  The group is named "tests" in cmocka's output, as before.
 * Include after cmocka.h.
 */
#ifndef GS_TESTMAIN_H
#define GS_TESTMAIN_H

#include <stddef.h>

#define TEST_MAIN_GROUP(group_setup, group_teardown, ...)                      \
    int main(void)                                                             \
    {                                                                          \
        const struct CMUnitTest tests[] = {__VA_ARGS__};                       \
        return cmocka_run_group_tests(tests, group_setup, group_teardown);     \
    }

#define TEST_MAIN(...) TEST_MAIN_GROUP(NULL, NULL, __VA_ARGS__)

#endif
