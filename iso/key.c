/* 128-bit keys of valid cells; see cs_iso.h. */
#include "cs_iso.h"

#include <string.h>

/* Bit i of the 128-bit key. */
static void put_bit(cs_key *k, unsigned i, uint64_t b)
{
    if (i < 64)
        k->lo |= b << i;
    else
        k->hi |= b << (i - 64);
}

static uint64_t get_bits(const cs_key *k, unsigned i, unsigned w)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < w; b++, i++)
        v |= (i < 64 ? k->lo >> i : k->hi >> (i - 64)) & 1u ? UINT64_C(1) << b : 0;
    return v;
}

cs_status cs_cell_key(const cs_cell *c, cs_key *key, cs_error *err)
{
    int n = c->n;
    memset(key, 0, sizeof *key);
    if (n < 2 || n > CS_KEY_MAXV)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "a cell key holds 2 to %d vertices, not %d",
                            CS_KEY_MAXV, n);
    if (c->op[0] != CS_OP_INPUT || c->op[n - 1] != CS_OP_OUTPUT)
        return cs_error_set(err, CS_ERR_VALUE,
                            "a cell key needs input first and output last");
    unsigned at = 0;
    for (unsigned b = 0; b < 5; b++)
        put_bit(key, at++, (uint64_t)n >> b & 1);
    for (int v = 1; v < n - 1; v++) {
        if (c->op[v] < 0 || c->op[v] >= CS_NUM_OPS)
            return cs_error_set(err, CS_ERR_VALUE,
                                "a cell key needs known interior ops (vertex %d)", v);
        put_bit(key, at++, (uint64_t)c->op[v] & 1);
        put_bit(key, at++, (uint64_t)c->op[v] >> 1 & 1);
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            put_bit(key, at++, c->adj[i] >> j & 1);
    return CS_OK;
}

void cs_key_cell(const cs_key *key, cs_cell *c)
{
    memset(c, 0, sizeof *c);
    unsigned at = 0;
    int n = (int)get_bits(key, at, 5);
    at += 5;
    if (n < 2 || n > CS_KEY_MAXV)
        return; /* not a key cs_cell_key made: leave an empty cell */
    c->n = n;
    c->op[0] = CS_OP_INPUT;
    c->op[n - 1] = CS_OP_OUTPUT;
    for (int v = 1; v < n - 1; v++, at += 2)
        c->op[v] = (int8_t)get_bits(key, at, 2);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++, at++)
            if (get_bits(key, at, 1))
                c->adj[i] |= UINT32_C(1) << j;
}

uint64_t cs_key_hash(const cs_key *k)
{
    uint64_t x = k->lo * UINT64_C(0x9E3779B97F4A7C15) ^ k->hi;
    x ^= x >> 31;
    x *= UINT64_C(0xBF58476D1CE4E5B9);
    x ^= x >> 29;
    return x;
}

int cs_key_cmp(const cs_key *a, const cs_key *b)
{
    if (a->hi != b->hi)
        return a->hi < b->hi ? -1 : 1;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return 0;
}
