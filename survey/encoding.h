/*
 * encoding: turns the bytes of a questionnaire or data file into UTF-8.
 * Excel and WPS on Chinese Windows save CSV as GB18030/GBK, and Excel adds
 * a BOM to UTF-8; everything inside gapsurvey is UTF-8 without BOM.
 */
#ifndef GS_ENCODING_H
#define GS_ENCODING_H

#include <stddef.h>

typedef enum { ENC_AUTO, ENC_UTF8, ENC_GB18030 } enc_t;

/* Parses "auto", "utf-8"/"utf8", "gb18030"/"gbk"/"gb2312"; -1 if unknown. */
int enc_parse(const char *name, enc_t *out);
const char *enc_name(enc_t e);

/* Converts data to UTF-8.  With ENC_AUTO: a UTF-8 BOM or valid UTF-8 is
 * UTF-8, anything else is tried as GB18030.  On success *out is a heap,
 * NUL-terminated copy without BOM (caller frees) and *used names what was
 * detected.  On failure returns -1 and *err = "line L, column C: ..." for
 * the first byte that is not valid in the chosen encoding. */
int enc_to_utf8(const char *data, size_t len, enc_t want, char **out,
                size_t *outlen, enc_t *used, char **err);

#endif
