/*
 * Unit tests for base/fs: mkdir -p over existing and missing parents and
 * its message when a part is a file; atomic writes that replace a file
 * whole, leave no temporary file behind and name the path asked for when
 * they fail; the two-step temp name and commit; and the search for
 * shipped data files through $GAPSURVEY_DATA.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/util.h"
#include "tests/unit/testmain.h"

static char root[] = "/tmp/gs-test-fs-XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd = util_fmt("rm -rf '%s'", root);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *slurp(const char *path)
{
    err_t err = {0};
    char *data = NULL;
    size_t len = 0;
    if (util_read_file(path, &data, &len, &err) != 0) {
        err_clear(&err);
        return NULL;
    }
    return data;
}

/* Files in dir whose name holds ".tmp" (none may stay behind). */
static int temps_in(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp") != NULL;
    closedir(d);
    return n;
}

static void test_mkdir_p(void **state)
{
    (void)state;
    err_t err = {0};
    char *deep = util_fmt("%s/a/b/c", root);
    assert_int_equal(fs_mkdir_p(deep, &err), 0);
    assert_true(is_dir(deep));
    assert_int_equal(fs_mkdir_p(deep, &err), 0);        /* exists: fine */
    char *slash = util_fmt("%s/d/", root);
    assert_int_equal(fs_mkdir_p(slash, &err), 0);
    assert_null(err.msg);

    /* a file where a directory should be: mkdir of the part below it fails
     * (the file itself passes as "exists") and the message names that part */
    char *file = util_fmt("%s/a/f", root), *under = util_fmt("%s/a/f/g", root);
    assert_int_equal(fs_write_atomic(file, "x", 1, &err), 0);
    assert_int_equal(fs_mkdir_p(under, &err), -1);
    assert_non_null(err.msg);
    char *want = util_fmt("%s: cannot create directory: ", under);
    assert_non_null(strstr(err.msg, want));
    free(want);
    err_clear(&err);
    free(deep);
    free(slash);
    free(file);
    free(under);
}

static void test_write_atomic(void **state)
{
    (void)state;
    err_t err = {0};
    char *p = util_fmt("%s/w.txt", root);
    assert_int_equal(fs_write_atomic(p, "first version", 13, &err), 0);
    char *got = slurp(p);
    assert_string_equal(got, "first version");
    free(got);
    assert_int_equal(fs_write_atomic(p, "2nd", 3, &err), 0);   /* shorter: no old tail */
    got = slurp(p);
    assert_string_equal(got, "2nd");
    free(got);
    assert_int_equal(fs_write_atomic(p, NULL, 0, &err), 0);    /* empty file */
    got = slurp(p);
    assert_string_equal(got, "");
    free(got);
    assert_null(err.msg);
    assert_int_equal(temps_in(root), 0);

    /* a directory in the way: fails naming the path, the directory stays */
    char *d = util_fmt("%s/isdir", root);
    assert_int_equal(fs_mkdir_p(d, &err), 0);
    assert_int_equal(fs_write_atomic(d, "x", 1, &err), -1);
    assert_non_null(err.msg);
    assert_true(strncmp(err.msg, d, strlen(d)) == 0);
    assert_non_null(strstr(err.msg, "cannot write"));
    err_clear(&err);
    assert_true(is_dir(d));
    assert_int_equal(temps_in(root), 0);

    /* a missing directory */
    char *m = util_fmt("%s/missing/x.txt", root);
    assert_int_equal(fs_write_atomic(m, "x", 1, &err), -1);
    assert_non_null(err.msg);
    assert_true(strncmp(err.msg, m, strlen(m)) == 0);
    err_clear(&err);
    free(m);
    free(d);
    free(p);
}

static void test_temp_and_commit(void **state)
{
    (void)state;
    err_t err = {0};
    char *p = util_fmt("%s/c.txt", root);
    assert_int_equal(fs_write_atomic(p, "old", 3, &err), 0);
    char *tmp = fs_temp_name(p);
    assert_true(strncmp(tmp, p, strlen(p)) == 0);   /* beside the target */
    FILE *f = fopen(tmp, "wb");
    assert_non_null(f);
    fputs("new", f);
    assert_int_equal(fclose(f), 0);
    char *got = slurp(p);
    assert_string_equal(got, "old");                /* untouched until commit */
    free(got);
    assert_int_equal(fs_commit(tmp, p), 0);
    got = slurp(p);
    assert_string_equal(got, "new");
    free(got);
    assert_int_equal(access(tmp, F_OK), -1);
    assert_int_equal(fs_commit(tmp, p), -1);        /* nothing to commit */
    free(tmp);
    free(p);
}

static void test_find_data(void **state)
{
    (void)state;
    err_t err = {0};
    char *p = util_fmt("%s/questionnaires/x.csv", root);
    char *dir = util_fmt("%s/questionnaires", root);
    assert_int_equal(fs_mkdir_p(dir, &err), 0);
    assert_int_equal(fs_write_atomic(p, "x", 1, &err), 0);
    setenv("GAPSURVEY_DATA", root, 1);
    char *found = fs_find_data("questionnaires/x.csv");
    assert_non_null(found);
    assert_string_equal(found, p);
    free(found);
    assert_null(fs_find_data("questionnaires/no-such-file.csv"));
    unsetenv("GAPSURVEY_DATA");
    free(dir);
    free(p);
}

TEST_MAIN_GROUP(setup, teardown,
    cmocka_unit_test(test_mkdir_p),
    cmocka_unit_test(test_write_atomic),
    cmocka_unit_test(test_temp_and_commit),
    cmocka_unit_test(test_find_data))
