/*
 * Unit tests for cli/cli: the web server's log (cmd_serve's log_line,
 * cli_error from every request thread) holds whole lines: eight threads
 * writing at once leave every message on a line of its own, never parts
 * of two in one line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#define THREADS 8
#define LINES 3000

static void *writer(void *arg)
{
    long t = (long)arg;
    for (int i = 0; i < LINES; i++)
        cli_error("storing a response: thread %ld, message %d", t, i);
    return NULL;
}

static void test_log_lines_whole(void **state)
{
    (void)state;
    char path[] = "/tmp/gs-test-cli-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    close(fd);
    cli_cmd = "serve";
    pthread_t th[THREADS];
    for (long t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, writer, (void *)t), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);

    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[200], want[200];
    int next[THREADS] = {0}, lines = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        long t = -1;
        int i = -1;
        lines++;
        if (sscanf(line, "gapsurvey: serve: storing a response: thread %ld, message %d", &t, &i) != 2 ||
            t < 0 || t >= THREADS) {
            bad++;
            continue;
        }
        snprintf(want, sizeof want, "gapsurvey: serve: storing a response: thread %ld, message %d\n",
                 t, i);
        if (strcmp(line, want) != 0 || i != next[t])
            bad++;
        else
            next[t]++;
    }
    fclose(f);
    unlink(path);
    if (bad)
        fprintf(stderr, "%d of %d log lines are not one whole message\n", bad, lines);
    assert_int_equal(bad, 0);
    assert_int_equal(lines, THREADS * LINES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_lines_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
