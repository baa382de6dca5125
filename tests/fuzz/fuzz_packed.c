/*
 * fuzz_packed: libFuzzer target for the packed answers of a response
 * (survey/packed): any bytes are decoded without reading past their end;
 * what decodes is encoded again and must come back the same bytes' worth
 * of answers, bit for bit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survey/packed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    err_t err = {0};
    packed_it_t it, back;
    packed_ans_t a, b;
    util_buf_t buf = {0};
    int last = -1, r;
    packed_begin(&it, data, size);
    while ((r = packed_next(&it, &a, &err)) == 1)
        if (packed_put(&buf, &last, &a, &err))
            abort();             /* what decodes always encodes */
    err_clear(&err);
    /* the answers decoded before any damage come back the same */
    packed_begin(&it, data, size);
    packed_begin(&back, buf.s, buf.len);
    while (packed_next(&back, &b, &err) == 1) {
        if (packed_next(&it, &a, &err) != 1 || a.pos != b.pos || a.has_num != b.has_num ||
            memcmp(&a.num, &b.num, sizeof a.num) != 0 || !a.text != !b.text ||
            a.tlen != b.tlen || (a.text && memcmp(a.text, b.text, a.tlen) != 0))
            abort();
    }
    err_clear(&err);
    util_buf_free(&buf);
    return 0;
}
