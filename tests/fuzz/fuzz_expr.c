/*
 * fuzz_expr: libFuzzer target for the XPath subset of `relevant` and
 * `constraint`.  The input is split at the first NUL: before it the
 * expression, after it the answers the evaluator looks up (one per
 * question name a..z by position, and `.`), so both the parser and the
 * evaluator see hostile text, including deep nesting and huge numbers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survey/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const char *answers;   /* NUL-terminated, newline-separated */
} ctx_t;

static char slot[64][256];

/* The answer for a name: the line of answers its first letter picks,
 * copied to a per-letter slot so both sides of a comparison stay valid. */
static const char *lookup(void *ud, const char *name)
{
    const ctx_t *c = ud;
    unsigned k = name ? (unsigned char)name[0] % 63 : 63;
    const char *p = c->answers;
    for (unsigned i = 0; i < k % 4 && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return NULL;
    size_t n = strcspn(p, "\n");
    if (n >= sizeof slot[k])
        n = sizeof slot[k] - 1;
    memcpy(slot[k], p, n);
    slot[k][n] = '\0';
    return slot[k];
}

static void on_ref(void *ud, const char *name, int col)
{
    (void)ud, (void)name, (void)col;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    size_t elen = strlen(buf);
    ctx_t c = {elen < size ? buf + elen + 1 : ""};
    expr_t *e = NULL;
    err_t err = {0};
    if (expr_parse(buf, &e, &err) == 0) {
        expr_foreach_ref(e, on_ref, NULL);
        (void)expr_uses_dot(e);
        (void)expr_eval_bool(e, lookup, &c);
        (void)expr_eval_number(e, lookup, &c);
    }
    expr_free(e);
    err_clear(&err);
    free(buf);
    return 0;
}
