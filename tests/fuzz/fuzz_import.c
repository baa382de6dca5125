/*
 * fuzz_import: libFuzzer target for the response-file parsers behind
 * `import`: decoding (UTF-8 or GB18030, in pieces), the CSV reader, format
 * detection and the plain, kobo and wjx column plans, and every row turned
 * into answers with the constraint checks the importer runs.  The first
 * byte picks the format (auto, plain, kobo, wjx), the questionnaire (the
 * shipped staff survey or the small test form) and the piece size; the
 * rest is the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survey/answers.h"
#include "base/csv.h"
#include "base/encoding.h"
#include "survey/form.h"
#include "survey/import/importfmt.h"
#include "survey/import/importsrc.h"
#include "base/util.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const form_t *form;
    imp_format_t want, fmt;
    char delim;
    csvr_t *csv;
    imp_plan_t *plan;
    ans_t *ans;
    long problems;
} fz_t;

static form_t *forms[2];

static void load_forms(void)
{
    static const char *const paths[2] = {FUZZ_ROOT "/questionnaires/staff-opinion.csv",
                                         FUZZ_ROOT "/tests/fixtures/import/mini-form.csv"};
    for (int i = 0; i < 2; i++) {
        util_diag_t d = {0};
        if (form_load_file(paths[i], &forms[i], &d) != 0)
            abort();   /* the harness cannot run without its questionnaires */
        util_diag_free(&d);
    }
}

static void on_problem(void *ud, long line, long col, const char *msg)
{
    fz_t *z = ud;
    (void)line, (void)col, (void)msg;
    z->problems++;
}

static int on_row(void *ud, const csvr_row_t *row)
{
    fz_t *z = ud;
    if (!z->plan) {
        z->fmt = z->want == IMP_AUTO ? imp_format_detect(z->form, row, z->delim) : z->want;
        z->plan = imp_plan_new(z->form, z->fmt, NULL, row, on_problem, z);
        return z->plan ? 0 : 1;
    }
    if (imp_row_blank(row))
        return 0;
    imp_row_t r;
    imp_plan_row(z->plan, z->ans, row, &r, on_problem, z);
    for (size_t i = 0; i < z->form->nitems; i++) {
        err_t msg = {0};
        (void)imp_plan_rejected(z->plan, i);
        (void)imp_plan_column(z->plan, i);
        if (ans_get(z->ans, i))
            (void)ans_check_constraint(z->ans, i, z->form->default_lang, &msg);
        err_clear(&msg);
    }
    return 0;
}

static int on_chunk(void *ud, const char *text, size_t n)
{
    fz_t *z = ud;
    if (!z->csv) {
        z->delim = csvr_sniff_delim(text, n);
        z->csv = csvr_new(z->delim, on_row, z);
        if (!z->csv)
            return 2;
    }
    return csvr_feed(z->csv, text, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!forms[0])
        load_forms();
    if (size < 1)
        return 0;
    static const imp_format_t fmts[] = {IMP_AUTO, IMP_PLAIN, IMP_KOBO, IMP_WJX};
    fz_t z = {.form = forms[(data[0] >> 2) & 1], .want = fmts[data[0] & 3]};
    size_t chunk = (data[0] & 0x80) ? 7 : 4096;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    err_t err = {0};
    enc_t enc = ENC_UTF8;
    char *probe = NULL;
    size_t plen;
    if (enc_to_utf8(text, len, ENC_AUTO, &probe, &plen, &enc, &err) != 0)
        enc = ENC_UTF8;   /* still fed: the streamed decoder must refuse it too */
    free(probe);
    err_clear(&err);
    z.ans = ans_new(z.form);
    if (imp_src_decode_mem(text, len, enc, chunk, on_chunk, &z, &err) == 0 && z.csv)
        (void)csvr_finish(z.csv);
    csvr_free(z.csv);
    imp_plan_free(z.plan);
    ans_free(z.ans);
    err_clear(&err);
    return 0;
}
