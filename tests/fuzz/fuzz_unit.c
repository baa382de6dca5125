/*
 * fuzz_unit: libFuzzer target for the unit list reader of `unit import`
 * (code,name[,category,parent,headcount] CSV in UTF-8 or GB18030):
 * units_parse() over the input, every row checked, up to the point where
 * `unit import` would open the database.
 */
#include <stdint.h>
#include <stdlib.h>

#include "survey/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    err_t err = {0};
    units_list_t l = {0};
    util_diag_t diag = {0};
    (void)units_parse("fuzz.csv", (const char *)data, size, &l, &diag, &err);
    units_list_free(&l);
    util_diag_free(&diag);
    err_clear(&err);
    return 0;
}
