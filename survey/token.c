/*
 * token: issuing, normalising and hashing invitation codes (see token.h).
 * SHA-256 follows FIPS 180-4 section 6.2 word for word; it runs once per
 * typed code, so clarity wins over speed.  A hash of a code is enough (no
 * salt): codes are random and issued by gapsurvey, so there is no
 * dictionary of likely codes to test against, and the web server and the
 * runner must find the same row from the code alone.
 *
 * An issued code has 16 x 5 = 80 bits straight from getrandom(), with no
 * modulo bias because the alphabet has 32 letters, a power of two.  Order
 * matters when issuing: the codes are stored (one transaction) and the
 * slips written before the command prints the CSV, so a code handed out is
 * always a code the server knows.
 */
#include "survey/token.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/i18n.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* One 512-bit block into the running hash h (FIPS 180-4 6.2.2). */
static void block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = s1 + w[t - 7] + s0 + w[t - 16];
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[t] + w[t];
        uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void tok_sha256(const void *data, size_t n, unsigned char digest[32])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const unsigned char *p = data;
    size_t left = n;
    for (; left >= 64; left -= 64, p += 64)
        block(h, p);
    /* padding (5.1.1): 0x80, zeros, then the length in bits, big-endian;
     * it spills into a second block when fewer than 9 bytes remain */
    unsigned char tail[128] = {0};
    memcpy(tail, p, left);
    tail[left] = 0x80;
    size_t tlen = left < 56 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++)
        tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
    block(h, tail);
    if (tlen == 128)
        block(h, tail + 64);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (unsigned char)(h[i] >> 24);
        digest[4 * i + 1] = (unsigned char)(h[i] >> 16);
        digest[4 * i + 2] = (unsigned char)(h[i] >> 8);
        digest[4 * i + 3] = (unsigned char)h[i];
    }
}

/* Full-width forms (U+FF01..U+FF5E) are ASCII shifted by 0xFEE0; a Chinese
 * input method left in full-width mode types "ＡＢ１２" for "AB12". */
static unsigned fold(unsigned cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0;
    else if (cp == 0x3000)
        cp = ' ';
    else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x30FC || cp == 0xFE63)
        cp = '-';
    return cp;
}

int tok_normalise(const char *in, char out[64])
{
    size_t k = 0, n = in ? strlen(in) : 0;
    out[0] = '\0';
    while (n > 0) {
        unsigned cp;
        int len = util_utf8_decode(in, n, &cp);
        in += len;
        n -= (size_t)len;
        cp = fold(cp);
        if (cp == ' ' || cp == '\t' || cp == '-' || cp == '\r' || cp == '\n')
            continue;
        if (cp >= 'a' && cp <= 'z')
            cp -= 'a' - 'A';
        if (!((cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) || k == TOK_CODE_MAX) {
            out[0] = '\0';
            return -1;
        }
        out[k++] = (char)cp;
    }
    out[k] = '\0';
    return k ? (int)k : -1;
}

char *tok_hash(const char *code)
{
    char norm[64];
    int n = tok_normalise(code, norm);
    if (n < 0)
        return NULL;
    unsigned char d[32];
    tok_sha256(norm, (size_t)n, d);
    char *hex = util_xmalloc(65);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
    return hex;
}

/* ---- issuing ---- */

#define CODE_CHARS 16
static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";   /* 32 */

/* One code, "XXXX-XXXX-XXXX-XXXX". */
static int make_code(char out[TOK_ISSUED_LEN + 1])
{
    unsigned char r[CODE_CHARS * 5 / 8];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        return -1;
    size_t k = 0;
    for (int i = 0; i < CODE_CHARS; i++) {
        /* bits 5i .. 5i+4 of the 80 random bits */
        int bit = 5 * i, v = 0;
        for (int j = 0; j < 5; j++, bit++)
            v = (v << 1) | ((r[bit / 8] >> (7 - bit % 8)) & 1);
        if (i && i % 4 == 0)
            out[k++] = '-';
        out[k++] = alphabet[v];
    }
    out[k] = '\0';
    return 0;
}

int tok_code_make(char out[TOK_ISSUED_LEN + 1], err_t *err)
{
    if (make_code(out) == 0)
        return 0;
    return err_set(err, ERR_IO, _("cannot read the system's random source: %s"), strerror(errno));
}

int tok_batch_make(tok_batch_t *b, const char *base_url, size_t n, err_t *err)
{
    /* the link: BASE?code=CODE (a BASE that has a query gets &code=) */
    size_t bl = strlen(base_url);
    const char *sep = strchr(base_url, '?') ? "&"
                      : (base_url[bl - 1] == '/' || strchr(base_url + 8, '/')) ? "?" : "/?";
    char *link_base = util_fmt("%s%scode=", base_url, sep);
    int rc = -1;
    b->n = n;
    b->codes = util_xcalloc(n, sizeof *b->codes);
    b->links = util_xcalloc(n, sizeof *b->links);
    for (size_t i = 0; i < n; i++) {
        if (make_code(b->codes[i]) != 0) {
            err_set(err, ERR_IO, _("cannot read the system's random source: %s"), strerror(errno));
            goto cleanup;
        }
        b->links[i] = util_fmt("%s%s", link_base, b->codes[i]);
    }
    rc = 0;
cleanup:
    free(link_base);
    return rc;
}

void tok_batch_free(tok_batch_t *b)
{
    for (size_t i = 0; b->links && i < b->n; i++)
        free(b->links[i]);
    free(b->links);
    free(b->codes);
    memset(b, 0, sizeof *b);
}

static int write_file(const char *path, const util_buf_t *b, err_t *err)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
        return -1;
    }
    size_t wrote = b->len ? fwrite(b->s, 1, b->len, f) : 0;
    if (fclose(f) != 0 || wrote != b->len) {
        err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
        remove(path);
        return -1;
    }
    return 0;
}

static int by_text(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    return strcmp(x ? x : "", y ? y : "");
}

int tok_batch_store(store_t *s, const tok_batch_t *b, int form, int unit, int wave,
                    const char *slips_path, const util_buf_t *slips, err_t *err)
{
    int rc = -1;
    int wrote_slips = 0;
    /* stored in the order of their hashes, not of the list handed out:
     * the rows' order in the file says nothing about who got which code */
    char **h = util_xcalloc(b->n + 1, sizeof *h);
    for (size_t i = 0; i < b->n; i++)
        h[i] = tok_hash(b->codes[i]);
    qsort(h, b->n, sizeof *h, by_text);
    if (store_begin(s, err) != 0)
        goto done;
    for (size_t i = 0; i < b->n; i++)
        if (!h[i] || store_token_add(s, h[i], form, unit, wave, err) != 0) {
            err_set(err, ERR_FAIL, _("cannot store the codes"));
            goto fail;
        }
    if (slips_path) {
        if (write_file(slips_path, slips, err) != 0)
            goto fail;
        wrote_slips = 1;
    }
    if (store_commit(s, err) != 0)
        goto fail;
    rc = 0;
    goto done;
fail:
    store_rollback(s);
    if (wrote_slips)
        remove(slips_path);
done:
    for (size_t i = 0; i < b->n; i++)
        free(h[i]);
    free(h);
    return rc;
}

int tok_url_loopback(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);   /* user:password@host */
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    char host[256];
    if (*p == '[') {   /* [IPv6]:port */
        const char *end = memchr(p, ']', n);
        n = end ? (size_t)(end - p - 1) : 0;
        p++;
    } else {
        n = strcspn(p, ":/?#");
    }
    if (n == 0 || n >= sizeof host)
        return 0;
    for (size_t i = 0; i < n; i++)
        host[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
    host[n] = '\0';
    if (host[n - 1] == '.')   /* "localhost." is localhost too */
        host[--n] = '\0';
    if (strcmp(host, "localhost") == 0 || (n > 10 && strcmp(host + n - 10, ".localhost") == 0))
        return 1;
    struct in6_addr a6;
    if (inet_pton(AF_INET6, host, &a6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6))
            return 1;
        if (!IN6_IS_ADDR_V4MAPPED(&a6))
            return 0;
        return a6.s6_addr[12] == 127 || (a6.s6_addr[12] | a6.s6_addr[13] | a6.s6_addr[14] |
                                          a6.s6_addr[15]) == 0;
    }
    /* inet_aton takes every IPv4 form a browser does: 127.1, 2130706433,
     * 0x7f.0.0.1 */
    struct in_addr a4;
    if (inet_aton(host, &a4) == 0)
        return 0;
    uint32_t v = ntohl(a4.s_addr);
    return (v >> 24) == 127 || v == 0;
}
