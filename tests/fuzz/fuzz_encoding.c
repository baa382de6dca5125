/*
 * fuzz_encoding: libFuzzer target for the encoding detector and the
 * GB18030 -> UTF-8 conversion, whole-buffer (enc_to_utf8) and streamed in
 * small pieces (imp_src_decode_mem), so a multibyte sequence cut at a
 * chunk boundary is exercised.  The first byte picks the wanted encoding
 * and the chunk size.  Whatever it accepts must come out as valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/encoding.h"
#include "survey/import/importsrc.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_chunk(void *ud, const char *text, size_t n)
{
    size_t *total = ud;
    if (!util_utf8_valid(text, n, NULL))
        abort();   /* the decoder handed on text that is not UTF-8 */
    *total += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const enc_t wants[] = {ENC_AUTO, ENC_UTF8, ENC_GB18030};
    enc_t want = wants[data[0] % 3];
    size_t chunk = 1 + (data[0] >> 2);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    err_t err = {0};
    char *out = NULL;
    size_t outlen = 0;
    enc_t used = ENC_AUTO;
    if (enc_to_utf8(text, len, want, &out, &outlen, &used, &err) == 0) {
        if (!util_utf8_valid(out, outlen, NULL))
            abort();
        free(out);
        out = NULL;
        size_t total = 0;
        err_clear(&err);
        (void)imp_src_decode_mem(text, len, used == ENC_AUTO ? ENC_UTF8 : used, chunk,
                                 on_chunk, &total, &err);
    }
    free(out);
    err_clear(&err);
    return 0;
}
