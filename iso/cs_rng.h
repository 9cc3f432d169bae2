/* cellscape iso/: the seeded pseudo-random streams every module draws from.
 *
 * Two generators, both exact functions of their seed on every platform, so
 * one seed gives one result everywhere and at any thread count (each stream
 * is owned by one thread):
 *   splitmix64    one 64-bit word of state; cheap to seed per walk or per
 *                 item (the landscape's walks, a query's random repeat);
 *   xoshiro256**  four words, seeded by splitmix64; a long-running stream
 *                 (one per optimiser run).
 * cs_*_below draw uniformly from [0, n) without bias (Lemire's
 * multiply-and-reject), cs_rng_uniform from [0, 1) with 53 random bits.
 * Not for cryptography. */
#ifndef CS_RNG_H
#define CS_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* splitmix64 as a function of its state: the value the stream whose state
 * is z gives next (a counter-based generator: mix the counter). */
static inline uint64_t cs_mix64(uint64_t z)
{
    z += UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* The starting state of stream k (k = 0, 1, ...) under seed: the walks'
 * and the like, one independent splitmix64 stream each. */
static inline uint64_t cs_rng_stream_state(uint64_t seed, uint64_t k)
{
    return seed ^ (UINT64_C(0x9E3779B97F4A7C15) * (k + 1));
}

/* The next value of the splitmix64 stream whose state is *state. */
static inline uint64_t cs_splitmix64(uint64_t *state)
{
    uint64_t z = *state;
    *state += UINT64_C(0x9E3779B97F4A7C15);
    return cs_mix64(z);
}

/* Uniform in [0, n) from the splitmix64 stream; n > 0. */
static inline uint64_t cs_splitmix64_below(uint64_t *state, uint64_t n)
{
    for (;;) {
        __uint128_t p = (__uint128_t)cs_splitmix64(state) * n;
        uint64_t lo = (uint64_t)p;
        if (lo >= n || lo >= (-n) % n)
            return (uint64_t)(p >> 64);
    }
}

/* xoshiro256** (Blackman and Vigna). */
typedef struct cs_rng {
    uint64_t s[4];
} cs_rng;

/* Seed from one word (through splitmix64, so any seed, 0 included, is fine). */
void cs_rng_seed(cs_rng *r, uint64_t seed);
uint64_t cs_rng_next(cs_rng *r);
/* [0, 1) */
double cs_rng_uniform(cs_rng *r);
/* [0, n), unbiased; n > 0. */
uint64_t cs_rng_below(cs_rng *r, uint64_t n);

#ifdef __cplusplus
}
#endif
#endif
