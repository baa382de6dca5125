/*
 * fuzz_unit: libFuzzer target for the unit list reader of `unit import`
 * (code,name[,category,parent,headcount] CSV in UTF-8 or GB18030).  The
 * reader's row callback is static in cmd_unit.c, so that file is compiled
 * into this one (the SQLite amalgamation's trick) and driven the way
 * do_import drives it, up to the point where it would open the database.
 */
#include "../../cli/cmd_unit.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = NULL, *err = NULL;
    size_t tlen;
    unit_reader_t r = {.file = "fuzz.csv"};
    if (enc_to_utf8((const char *)data, size, ENC_AUTO, &text, &tlen, NULL, &err) == 0)
        (void)csvr_parse_mem(text, tlen, csvr_sniff_delim(text, tlen), on_row, &r, &err);
    for (size_t i = 0; i < r.nstrs; i++)
        free(r.strs[i]);
    free(r.strs);
    free(r.units);
    util_diag_free(&r.diag);
    free(text);
    free(err);
    return 0;
}
