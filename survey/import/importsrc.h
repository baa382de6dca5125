/*
 * importsrc: a response file read in fixed-size chunks and handed on as
 * UTF-8, so that an import's memory does not grow with the file.  The file
 * is read once per import pass (checking, then storing), each time from the
 * start; GB18030 is converted piece by piece with iconv, keeping a
 * character cut at a chunk's end for the next chunk.
 *
 * Ownership: imp_src_t owns its FILE; the text handed to the callback
 * belongs to the source and is valid only during the call.
 */
#ifndef GS_IMPORTSRC_H
#define GS_IMPORTSRC_H

#include <stddef.h>

#include "base/encoding.h"
#include "base/err.h"

typedef struct imp_src imp_src_t;

/* Opens path.  With ENC_AUTO the file is read through once to decide: a
 * UTF-8 BOM, or valid UTF-8 from start to end, is UTF-8; anything else is
 * taken as GB18030.  The file must be a regular file (it is read again for
 * every pass).  Returns 0, or -1 with err (which does not name the file:
 * callers add it). */
int imp_src_open(const char *path, enc_t want, imp_src_t **out, err_t *err);
void imp_src_free(imp_src_t *s);              /* NULL is fine */
enc_t imp_src_encoding(const imp_src_t *s);   /* ENC_UTF8 or ENC_GB18030 */
long long imp_src_size(const imp_src_t *s);   /* bytes in the file */
long long imp_src_done(const imp_src_t *s);   /* bytes read so far in this pass */

/* Called with successive pieces of UTF-8 text; a character is never split
 * between two pieces.  Return 0 to go on, non-zero to stop. */
typedef int (*imp_chunk_fn)(void *ud, const char *text, size_t n);

/* Reads the file from its start (a BOM is dropped) and hands it to fn.
 * Returns 0 at the end of the file; fn's non-zero value as is (err
 * untouched); -1 with err = ERR_INPUT at the line and column of the first
 * byte that is not valid in the encoding (they count decoded characters,
 * as an editor shows them), or a read error (ERR_IO). */
int imp_src_read(imp_src_t *s, imp_chunk_fn fn, void *ud, err_t *err);

/* The same decoding over a buffer, fed in pieces of `chunk` bytes: lets
 * tests cut the input at every byte.  want is ENC_UTF8 or ENC_GB18030. */
int imp_src_decode_mem(const char *data, size_t len, enc_t want, size_t chunk,
                       imp_chunk_fn fn, void *ud, err_t *err);

#endif
