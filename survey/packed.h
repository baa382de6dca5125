/*
 * packed: the layout of one response's answers in a single value
 * (responses.answers, a BLOB on SQLite and bytea on PostgreSQL; the
 * layout is documented for plain SQL readers in doc/STORAGE.md).  The
 * answers come in the order of their items' positions in the form
 * version (items.pos).  Each answer is one tag byte and what it says
 * follows:
 *
 *   tag bits 7..4  the step from the previous answer's position (the first
 *                  answer's from -1), 1..15; 0: the step follows as an
 *                  unsigned LEB128 varint
 *   tag bits 1..0  the number: 0 none, 1 an integer (zigzag varint), 2 a
 *                  double (8 bytes, IEEE 754 little-endian, bit for bit)
 *   tag bit 2      a text follows, NUL-terminated
 *   tag bit 3      the text is the integer's decimal digits (not stored)
 *
 * Bits 2 and 3 are never both set, and bit 3 only with an integer.  A
 * text never holds a NUL.  Decoding allocates nothing: an iterator hands
 * out pointers into the blob, and any malformed blob is an error.
 */
#ifndef GS_PACKED_H
#define GS_PACKED_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/util.h"

/* One answer: pos its item's position; text NULL for none, else tlen
 * bytes followed by a NUL. */
typedef struct {
    int pos;
    int has_num;
    double num;
    const char *text;
    size_t tlen;
} packed_ans_t;

/* Appends one answer to b.  *last is the previous answer's position (-1
 * before the first); positions must rise.  ERR_INPUT, b unchanged,
 * when pos does not rise or the text holds a NUL. */
int packed_put(util_buf_t *b, int *last, const packed_ans_t *a, err_t *err);

/* Reading a blob: packed_begin, then packed_next until it returns 0 (no
 * more answers) or -1 (malformed: err set).  The answer's text points
 * into the blob, into a constant table (0..99) or into the iterator for an
 * integer's digits: valid until the next call.  The blob is the caller's
 * and must outlive it. */
typedef struct {
    const unsigned char *p, *end;
    int pos;
    char digits[24];
} packed_it_t;
void packed_begin(packed_it_t *it, const void *blob, size_t n);
int packed_next_any(packed_it_t *it, packed_ans_t *a, err_t *err);

/* The texts "0" .. "99" (packed.c). */
extern const char packed_small_digits[100][3];

/* packed_next_any, with the most common answer read inline: a one-byte
 * tag (a step of 1..15, an integer whose text is its digits) and the
 * integer 0..63 in one byte (select_one codes and ratings; the zigzag
 * varint of v is 2v).  The checks are packed_next_any's. */
static inline int packed_next(packed_it_t *it, packed_ans_t *a, err_t *err)
{
    const unsigned char *p = it->p;
    if (it->end - p >= 2 && (p[0] & 0x0f) == 0x09 && p[0] >= 0x10 && !(p[1] & 0x81) &&
        it->pos < 0x7fffffff - 15) {
        it->pos += p[0] >> 4;
        it->p = p + 2;
        a->pos = it->pos;
        a->has_num = 1;
        a->num = (double)(p[1] >> 1);
        a->text = packed_small_digits[p[1] >> 1];
        a->tlen = p[1] < 20 ? 1 : 2;
        return 1;
    }
    return packed_next_any(it, a, err);
}

/* The number of answers in a blob, or -1 (malformed: err set). */
long packed_count(const void *blob, size_t n, err_t *err);

#endif
