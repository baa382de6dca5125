/*
 * fuzz_form: libFuzzer target for the XLSForm CSV loader.  Each input is a
 * questionnaire file as a user might hand it to `form check`: any bytes,
 * any encoding.  The loader must report problems through its diagnostics
 * and never crash, read out of bounds or leak.
 */
#include <stddef.h>
#include <stdint.h>

#include "survey/form.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    form_t *f = NULL;
    util_diag_t d = {0};
    if (form_load_mem("fuzz.csv", (const char *)data, size, &f, &d) == 0 && f) {
        /* walk what the loader built, so a dangling pointer in it shows */
        for (size_t i = 0; i < f->nitems; i++) {
            (void)form_item_scored(f, &f->items[i]);
            if (f->items[i].name)
                (void)form_item_index(f, f->items[i].name);
        }
    }
    form_free(f);
    util_diag_free(&d);
    return 0;
}
