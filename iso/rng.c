/* xoshiro256** (cs_rng.h). */
#include "cs_rng.h"

void cs_rng_seed(cs_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = cs_splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t cs_rng_next(cs_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double cs_rng_uniform(cs_rng *r)
{
    return (double)(cs_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t cs_rng_below(cs_rng *r, uint64_t n)
{
    /* The multiplication's low word decides; the modulus is needed only
     * when it is below n, which is rare. */
    unsigned __int128 m = (unsigned __int128)cs_rng_next(r) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t t = -n % n;
        while (lo < t) {
            m = (unsigned __int128)cs_rng_next(r) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}
