/* The reference module hash (graph_util.hash_module), bit for bit.
 *
 * Each vertex starts as md5hex of Python's str((out_degree, in_degree,
 * label)); then, n times, becomes md5hex(sorted in-neighbour hexes joined +
 * "|" + sorted out-neighbour hexes joined + "|" + its own hex); the
 * fingerprint is md5hex of Python's str() of the sorted list of hexes.
 *
 * The MD5s of one round are independent, so every round of a whole batch of
 * cells goes through the SIMD batch MD5 at once: that is what makes hashing
 * the 423,624 classes of the space take a fraction of a second. */
#include "cs_iso.h"
#include "md5_batch.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEX 32
/* Cells hashed together; bounds the message buffer. */
#define CHUNK 128

static void hex_encode(const unsigned char d[16], char *out)
{
    /* Two characters per byte from one table load: this runs for every
     * vertex of every round. */
    static const char pairs[513] =
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
        "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
        "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
        "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
        "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    for (int i = 0; i < 16; i++)
        memcpy(out + 2 * i, pairs + 2 * d[i], 2);
}

/* Python's str((out, in, label)) for small ints, without printf. */
static size_t put_int(char *p, int v)
{
    char tmp[12];
    size_t n = 0, k = 0;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    if (v < 0)
        p[k++] = '-';
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        p[k++] = tmp[--n];
    return k;
}

/* The first eight hex characters as a big-endian number order like memcmp;
 * equal prefixes (rare) fall back to the full comparison. */
static uint64_t hex_prefix(const char *h)
{
    uint64_t x;
    memcpy(&x, h, 8);
    return __builtin_bswap64(x);
}

static bool hex_less(const char *a, const char *b)
{
    uint64_t x = hex_prefix(a), y = hex_prefix(b);
    return x != y ? x < y : memcmp(a, b, HEX) < 0;
}

static void sort_hexes(const char **v, int k)
{
    for (int i = 1; i < k; i++) {
        const char *x = v[i];
        int j = i - 1;
        while (j >= 0 && hex_less(x, v[j])) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

struct cs_hasher {
    int maxn;              /* largest cell the buffers fit */
    size_t chunk;          /* and how many cells at once */
    char *msgbuf;
    const unsigned char **msgs;
    size_t *lens;
    unsigned char (*dig)[16];
    char *hexes, *newhex;  /* per cell CS_CELL_MAXV slots of HEX chars */
};

static cs_status hash_chunk(size_t count, const cs_cell *cells, char (*out)[33],
                            cs_hasher *h, cs_error *err)
{
    char *msgbuf = h->msgbuf;
    const unsigned char **msgs = h->msgs;
    size_t *lens = h->lens;
    unsigned char(*dig)[16] = h->dig;
    char *hexes = h->hexes, *newhex = h->newhex;
    /* hexes: per cell CS_CELL_MAXV slots of HEX chars */
    size_t nmsg = 0, used = 0;
    int maxn = 0;
    for (size_t c = 0; c < count; c++) {
        const cs_cell *cell = &cells[c];
        if (cell->n > maxn)
            maxn = cell->n;
        uint32_t indeg[CS_CELL_MAXV] = {0};
        for (int v = 0; v < cell->n; v++)
            for (uint32_t row = cell->adj[v]; row; row &= row - 1)
                indeg[__builtin_ctz(row)]++;
        for (int v = 0; v < cell->n; v++) {
            int label = cell->op[v];
            if (label == CS_OP_UNKNOWN)
                return cs_error_set(err, CS_ERR_VALUE,
                                    "cannot hash a cell with an unknown op "
                                    "(vertex %d)", v);
            char *m = msgbuf + used, *p = m;
            *p++ = '(';
            p += put_int(p, __builtin_popcount(cell->adj[v]));
            *p++ = ',';
            *p++ = ' ';
            p += put_int(p, (int)indeg[v]);
            *p++ = ',';
            *p++ = ' ';
            p += put_int(p, label);
            *p++ = ')';
            msgs[nmsg] = (const unsigned char *)m;
            lens[nmsg++] = (size_t)(p - m);
            used += (size_t)(p - m);
        }
    }
    cs_md5_batch(nmsg, msgs, lens, dig);
    nmsg = 0;
    for (size_t c = 0; c < count; c++)
        for (int v = 0; v < cells[c].n; v++)
            hex_encode(dig[nmsg++], hexes + (c * CS_CELL_MAXV + (size_t)v) * HEX);

    for (int round = 0; round < maxn; round++) {
        nmsg = 0;
        used = 0;
        for (size_t c = 0; c < count; c++) {
            const cs_cell *cell = &cells[c];
            if (round >= cell->n)
                continue;
            const char *hx = hexes + c * CS_CELL_MAXV * HEX;
            for (int v = 0; v < cell->n; v++) {
                const char *nb[CS_CELL_MAXV];
                int k = 0;
                char *m = msgbuf + used;
                char *p = m;
                /* All rows, not only those above v: graph_util.hash_module
                 * also hashes permuted matrices that are not upper triangular. */
                for (int w = 0; w < cell->n; w++)
                    if (cell->adj[w] >> v & 1)
                        nb[k++] = hx + w * HEX;
                sort_hexes(nb, k);
                for (int i = 0; i < k; i++, p += HEX)
                    memcpy(p, nb[i], HEX);
                *p++ = '|';
                k = 0;
                for (uint32_t row = cell->adj[v]; row; row &= row - 1)
                    nb[k++] = hx + __builtin_ctz(row) * HEX;
                sort_hexes(nb, k);
                for (int i = 0; i < k; i++, p += HEX)
                    memcpy(p, nb[i], HEX);
                *p++ = '|';
                memcpy(p, hx + v * HEX, HEX);
                p += HEX;
                msgs[nmsg] = (const unsigned char *)m;
                lens[nmsg++] = (size_t)(p - m);
                used += (size_t)(p - m);
            }
        }
        cs_md5_batch(nmsg, msgs, lens, dig);
        nmsg = 0;
        for (size_t c = 0; c < count; c++) {
            if (round >= cells[c].n)
                continue;
            for (int v = 0; v < cells[c].n; v++)
                hex_encode(dig[nmsg++],
                           newhex + (c * CS_CELL_MAXV + (size_t)v) * HEX);
        }
        for (size_t c = 0; c < count; c++)
            if (round < cells[c].n)
                memcpy(hexes + c * CS_CELL_MAXV * HEX,
                       newhex + c * CS_CELL_MAXV * HEX, (size_t)cells[c].n * HEX);
    }

    /* Python's str(sorted(list_of_hex)): ['a', 'b'] */
    nmsg = 0;
    used = 0;
    for (size_t c = 0; c < count; c++) {
        const char *sorted[CS_CELL_MAXV];
        int n = cells[c].n;
        for (int v = 0; v < n; v++)
            sorted[v] = hexes + (c * CS_CELL_MAXV + (size_t)v) * HEX;
        sort_hexes(sorted, n);
        char *m = msgbuf + used, *p = m;
        *p++ = '[';
        for (int v = 0; v < n; v++) {
            if (v) {
                *p++ = ',';
                *p++ = ' ';
            }
            *p++ = '\'';
            memcpy(p, sorted[v], HEX);
            p += HEX;
            *p++ = '\'';
        }
        *p++ = ']';
        msgs[nmsg] = (const unsigned char *)m;
        lens[nmsg++] = (size_t)(p - m);
        used += (size_t)(p - m);
    }
    cs_md5_batch(nmsg, msgs, lens, dig);
    for (size_t c = 0; c < count; c++) {
        hex_encode(dig[c], out[c]);
        out[c][HEX] = '\0';
    }
    return CS_OK;
}

static void hasher_free_buffers(cs_hasher *h)
{
    free(h->msgbuf);
    free(h->msgs);
    free(h->lens);
    free(h->dig);
    free(h->hexes);
    free(h->newhex);
}

/* Buffers for `chunk` cells of up to maxn vertices: a vertex's message is at
 * most 32 * (n + 1) + 2 bytes and the fingerprint list 36 * n + 2. */
static cs_status hasher_fit(cs_hasher *h, int maxn, size_t chunk, cs_error *err)
{
    if (maxn <= h->maxn && chunk <= h->chunk)
        return CS_OK;
    if (maxn < h->maxn)
        maxn = h->maxn;
    if (chunk < h->chunk)
        chunk = h->chunk;
    hasher_free_buffers(h);
    memset(h, 0, sizeof *h);
    const size_t per_vertex = (size_t)HEX * (size_t)(maxn + 2) + 8;
    const size_t slots = chunk * CS_CELL_MAXV;
    h->msgbuf = malloc(chunk * (size_t)maxn * per_vertex);
    h->msgs = malloc(slots * sizeof *h->msgs);
    h->lens = malloc(slots * sizeof *h->lens);
    h->dig = malloc(slots * sizeof *h->dig);
    h->hexes = malloc(slots * HEX);
    h->newhex = malloc(slots * HEX);
    if (!h->msgbuf || !h->msgs || !h->lens || !h->dig || !h->hexes || !h->newhex) {
        hasher_free_buffers(h);
        memset(h, 0, sizeof *h);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory hashing cells");
    }
    h->maxn = maxn;
    h->chunk = chunk;
    return CS_OK;
}

cs_status cs_hasher_init(cs_hasher **h, cs_error *err)
{
    /* Buffers come with the first cells, sized for them. */
    *h = calloc(1, sizeof **h);
    if (!*h)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    return CS_OK;
}

void cs_hasher_destroy(cs_hasher *h)
{
    if (!h)
        return;
    hasher_free_buffers(h);
    free(h);
}

cs_status cs_hasher_hash(cs_hasher *h, size_t count, const cs_cell *cells,
                         char (*hex)[33], cs_error *err)
{
    int maxn = 1;
    for (size_t c = 0; c < count; c++)
        if (cells[c].n > maxn)
            maxn = cells[c].n;
    size_t chunk = count < CHUNK ? (count ? count : 1) : CHUNK;
    cs_status st = hasher_fit(h, maxn, chunk, err);
    for (size_t at = 0; at < count && st == CS_OK; at += chunk) {
        size_t k = count - at < chunk ? count - at : chunk;
        st = hash_chunk(k, cells + at, hex + at, h, err);
    }
    return st;
}

cs_status cs_cell_hash_many(size_t count, const cs_cell *cells, char (*hex)[33],
                            cs_error *err)
{
    cs_hasher *h;
    cs_status st = cs_hasher_init(&h, err);
    if (st == CS_OK)
        st = cs_hasher_hash(h, count, cells, hex, err);
    cs_hasher_destroy(h);
    return st;
}

void cs_hash_to_hex(const unsigned char raw[16], char hex[33])
{
    hex_encode(raw, hex);
    hex[HEX] = '\0';
}

static inline unsigned hex_digit(unsigned char c)
{
    unsigned d = (unsigned)c - '0', l = (unsigned)c - 'a';
    return d < 10 ? d : l < 6 ? l + 10 : 0x100; /* 0x100: not a digit */
}

bool cs_hash_from_hex(const char *hex, size_t len, unsigned char raw[16])
{
    if (len != HEX)
        return false;
    unsigned bad = 0;
    for (int i = 0; i < HEX / 2; i++) {
        unsigned hi = hex_digit((unsigned char)hex[2 * i]);
        unsigned lo = hex_digit((unsigned char)hex[2 * i + 1]);
        bad |= hi | lo;
        raw[i] = (unsigned char)(hi << 4 | lo);
    }
    return (bad & 0x100) == 0;
}

cs_status cs_cell_hash(const cs_cell *c, char hex[33], cs_error *err)
{
    return cs_cell_hash_many(1, c, (char(*)[33])hex, err);
}
