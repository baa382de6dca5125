/*
 * encoding: turns the bytes of a questionnaire or data file into UTF-8.
 * Excel and WPS on Chinese Windows save CSV as GB18030/GBK, and Excel adds
 * a BOM to UTF-8; everything inside gapsurvey is UTF-8 without BOM.
 */
#ifndef GS_ENCODING_H
#define GS_ENCODING_H

#include <stddef.h>

#include "base/err.h"

typedef enum { ENC_AUTO, ENC_UTF8, ENC_GB18030 } enc_t;

/* Parses "auto", "utf-8"/"utf8", "gb18030"/"gbk"/"gb2312"; -1 if unknown. */
int enc_parse(const char *name, enc_t *out);
const char *enc_name(enc_t e);

/*
 * The ENC_AUTO detector, fed in pieces (an import streams its file).  Short
 * GB18030 text can be valid UTF-8 by chance and UTF-8 Chinese text often
 * decodes as (nonsense) GB18030, so "is it valid" alone cannot decide a
 * file with a bad byte.  It weighs bytes instead: in real UTF-8 nearly
 * every byte >= 0x80 belongs to a well-formed character, in GB18030 text
 * only a minority does by chance (0.3 to 0.7 of the invalid ones in the
 * test fixtures, at most 3 in short strings).  So a file is UTF-8 when it
 * has a BOM, or when its bytes in well-formed UTF-8 characters are at least
 * ENC_UTF8_RATIO times its bytes in none and it has some UTF-8 evidence; a
 * character cut off by the end of the input counts as evidence, not
 * against (GB18030 ends on whole characters, and Excel ends files with a
 * line end).  A file judged UTF-8 that holds a bad byte is an error at that
 * byte (enc_probe_error), never silently read as GB18030.
 */
#define ENC_UTF8_RATIO 4

/* The byte-order mark GB18030 gives U+FEFF: some Chinese editors write it
 * at the start of a GB18030 file, as others write EF BB BF before UTF-8. */
#define ENC_GB18030_BOM "\x84\x31\x95\x33"

typedef struct {
    int bom;               /* starts with a UTF-8 BOM */
    int gbbom;             /* starts with the GB18030 BOM (ENC_GB18030_BOM): the
                              file says it is GB18030, and is read as such */
    unsigned long long valid;    /* bytes >= 0x80 in well-formed characters */
    unsigned long long invalid;  /* bytes >= 0x80 in none */
    unsigned cut;          /* after enc_probe_end: bytes of the character the
                              input ends inside (0: none) */
    long long bad_off;     /* first bad byte (or the cut character's first
                              byte) as an offset from the start, BOM
                              included; -1 when none */
    long bad_line, bad_col;  /* its line and column, 1-based, in characters */
    unsigned char bad_byte;
    /* private: the character being read */
    long long off, seq_off;
    long line, col;
    unsigned cp, min, have, need, lead, bompre, gbpre;
} enc_probe_t;

void enc_probe_init(enc_probe_t *p);
void enc_probe_feed(enc_probe_t *p, const char *data, size_t len);
/* Ends the input and returns ENC_UTF8 or ENC_GB18030 as described above. */
enc_t enc_probe_end(enc_probe_t *p);
/* 1 when the input starts with a UTF-8 BOM but what follows would have
 * been judged GB18030 without it: a GB18030 file that an editor gave a
 * UTF-8 BOM, which --encoding gb18030 reads (the BOM is dropped). */
int enc_probe_gb_after_bom(const enc_probe_t *p);
/* When the input is to be read as UTF-8 but holds a bad byte (or ends
 * inside a character): sets err (ERR_INPUT at the byte's line and column)
 * and returns -1; else 0. */
int enc_probe_error(const enc_probe_t *p, err_t *err);

/* A file that is no text: an Excel workbook (.xlsx, or .xls and
 * password-protected ones) or another zip archive, told by its first bytes
 * (xlsx_sniff).  -1 with *err saying what it is and to save it as CSV; 0
 * for anything else. */
int enc_not_text(const char *data, size_t len, err_t *err);

/* Converts data to UTF-8.  With ENC_AUTO the probe above decides; a file
 * judged UTF-8 with a bad byte fails there.  A GB18030 BOM is dropped like
 * a UTF-8 one.  A workbook (.xlsx, .xls) or another zip archive is no text
 * at all and is refused as such, with what to do, before any decoding.  On success *out is a heap,
 * NUL-terminated copy without BOM (caller frees) and *used names what was
 * detected.  On failure returns -1 and err = ERR_INPUT at the line and
 * column (in characters) of the first byte that is not valid in the chosen
 * encoding. */
int enc_to_utf8(const char *data, size_t len, enc_t want, char **out,
                size_t *outlen, enc_t *used, err_t *err);

#endif
