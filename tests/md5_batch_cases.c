/* Tests for the batch MD5: every implementation must agree bit for bit with
 * nettle, whatever the mix of lengths, batch size and lane occupancy. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "md5_batch.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/md5.h>

#if defined(__unix__)
#include <sys/mman.h>
#include <unistd.h>
#define HAVE_GUARD_PAGES 1
#endif

TCase *cs_md5_batch_tcase(void);

/* Loop tests run once per entry; SCALAR always runs, so the reference path
 * is exercised even on a CPU without AVX. */
static const cs_md5_impl impls[] = { CS_MD5_IMPL_SCALAR, CS_MD5_IMPL_AVX2,
                                     CS_MD5_IMPL_AVX512, CS_MD5_IMPL_AUTO };
#define N_IMPLS ((int)(sizeof impls / sizeof impls[0]))

static int impl_or_skip(int i, cs_md5_impl *impl)
{
    *impl = impls[i];
    if (cs_md5_impl_available(*impl))
        return 1;
    fprintf(stderr, "md5_batch: skipping %s, not supported on this CPU/build\n",
            cs_md5_impl_name(*impl));
    return 0;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void fill_random(unsigned char *p, size_t n, uint64_t *s)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)splitmix64(s);
}

static void nettle_md5(const unsigned char *msg, size_t len, unsigned char d[16])
{
    struct md5_ctx ctx;
    md5_init(&ctx);
    if (len)
        md5_update(&ctx, len, msg);
    md5_digest(&ctx, MD5_DIGEST_SIZE, d);
}

/* Runs impl over the batch and checks every digest against nettle. */
static void check_batch(cs_md5_impl impl, size_t n, const unsigned char *const *msgs,
                        const size_t *lens, const char *what)
{
    unsigned char (*got)[16] = malloc((n ? n : 1) * sizeof *got);
    ck_assert_ptr_nonnull(got);
    memset(got, 0xa5, (n ? n : 1) * sizeof *got);
    cs_md5_batch_impl(impl, n, msgs, lens, got);
    for (size_t i = 0; i < n; i++) {
        unsigned char want[16];
        nettle_md5(msgs[i], lens[i], want);
        ck_assert_msg(memcmp(got[i], want, 16) == 0,
                      "%s: %s, batch of %zu, message %zu (length %zu) differs from nettle",
                      cs_md5_impl_name(impl), what, n, i, lens[i]);
    }
    free(got);
}

/* ---- RFC 1321 appendix A.5 ------------------------------------------- */

static const char *const rfc_msg[] = {
    "",
    "a",
    "abc",
    "message digest",
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
};
static const char *const rfc_hex[] = {
    "d41d8cd98f00b204e9800998ecf8427e",
    "0cc175b9c0f1b6a831c399e269772661",
    "900150983cd24fb0d6963f7d28e17f72",
    "f96b697d7cb7938d525a2f31aaf161d0",
    "c3fcd3d76192e4007dfb496cca67e13b",
    "d174ab98d277d9f5a5611c2c9f419d9f",
    "57edf4a22be3c955ac49da2e2107b67a",
};
#define N_RFC 7

START_TEST(test_rfc_vectors)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    const unsigned char *msgs[N_RFC];
    size_t lens[N_RFC];
    unsigned char d[N_RFC][16];
    for (int k = 0; k < N_RFC; k++) {
        msgs[k] = (const unsigned char *)rfc_msg[k];
        lens[k] = strlen(rfc_msg[k]);
    }
    /* all at once, then each alone, so both full and nearly empty lane sets run */
    cs_md5_batch_impl(impl, N_RFC, msgs, lens, d);
    for (int k = 0; k < N_RFC; k++) {
        char hex[33];
        cs_md5_to_hex(d[k], hex);
        ck_assert_str_eq(hex, rfc_hex[k]);
        cs_md5_batch_impl(impl, 1, &msgs[k], &lens[k], d);
        cs_md5_to_hex(d[0], hex);
        ck_assert_str_eq(hex, rfc_hex[k]);
    }
}
END_TEST

START_TEST(test_hex_helpers)
{
    char hex[33];
    for (int k = 0; k < N_RFC; k++) {
        cs_md5_hex(rfc_msg[k], strlen(rfc_msg[k]), hex);
        ck_assert_str_eq(hex, rfc_hex[k]);
    }
    cs_md5_hex(NULL, 0, hex);
    ck_assert_str_eq(hex, rfc_hex[0]);

    unsigned char d[16];
    for (int i = 0; i < 16; i++)
        d[i] = (unsigned char)(i * 17);
    cs_md5_to_hex(d, hex);
    ck_assert_str_eq(hex, "00112233445566778899aabbccddeeff");
    ck_assert_uint_eq(strlen(hex), 32);
}
END_TEST

START_TEST(test_impl_info)
{
    ck_assert_int_eq(cs_md5_impl_available(CS_MD5_IMPL_AUTO), 1);
    ck_assert_int_eq(cs_md5_impl_available(CS_MD5_IMPL_SCALAR), 1);
    ck_assert_str_eq(cs_md5_impl_name(CS_MD5_IMPL_AUTO), "auto");
    ck_assert_str_eq(cs_md5_impl_name(CS_MD5_IMPL_SCALAR), "scalar");
    ck_assert_str_eq(cs_md5_impl_name(CS_MD5_IMPL_AVX2), "avx2");
    ck_assert_str_eq(cs_md5_impl_name(CS_MD5_IMPL_AVX512), "avx512");
    ck_assert_str_eq(cs_md5_impl_name((cs_md5_impl)99), "?");
    ck_assert_int_eq(cs_md5_impl_available((cs_md5_impl)99), 0);
    for (int i = 0; i < N_IMPLS; i++) {
        int a = cs_md5_impl_available(impls[i]);
        ck_assert(a == 0 || a == 1);
    }
}
END_TEST

START_TEST(test_empty_batch)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    cs_md5_batch_impl(impl, 0, NULL, NULL, NULL);

    /* n = 0 must not write past the (empty) batch */
    unsigned char d[1][16];
    memset(d, 0x5a, sizeof d);
    const unsigned char *m = (const unsigned char *)"x";
    size_t len = 1;
    cs_md5_batch_impl(impl, 0, &m, &len, d);
    for (int k = 0; k < 16; k++)
        ck_assert_uint_eq(d[0][k], 0x5a);
}
END_TEST

/* ---- random messages -------------------------------------------------- */

#define RAND_MAX_LEN 1000
#define RAND_MAX_BATCH 70

/* One pool for all messages; starting offsets vary so that the SIMD loads
 * see every alignment. */
START_TEST(test_random_batches)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    uint64_t seed = 0x6d643562617463u;
    size_t pool_len = RAND_MAX_BATCH * (RAND_MAX_LEN + 64);
    unsigned char *pool = malloc(pool_len);
    ck_assert_ptr_nonnull(pool);
    fill_random(pool, pool_len, &seed);

    const unsigned char *msgs[RAND_MAX_BATCH];
    size_t lens[RAND_MAX_BATCH];
    for (int rep = 0; rep < 3; rep++) {
        for (size_t n = 1; n <= RAND_MAX_BATCH; n++) {
            for (size_t i = 0; i < n; i++) {
                lens[i] = (size_t)(splitmix64(&seed) % (RAND_MAX_LEN + 1));
                msgs[i] = pool + i * (RAND_MAX_LEN + 64) + splitmix64(&seed) % 64;
            }
            check_batch(impl, n, msgs, lens, "random lengths 0..1000");
        }
    }
    free(pool);
}
END_TEST

/* Every length 0..1000 once, in one batch and in batches of 1..70 with the
 * lengths shuffled, so each length meets each lane position. */
START_TEST(test_every_length)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    enum { N = RAND_MAX_LEN + 1 };
    uint64_t seed = 42;
    unsigned char *buf = malloc(N);
    const unsigned char **msgs = malloc(N * sizeof *msgs);
    size_t *lens = malloc(N * sizeof *lens);
    ck_assert(buf && msgs && lens);
    fill_random(buf, N, &seed);
    for (size_t i = 0; i < N; i++) {
        msgs[i] = buf;
        lens[i] = i;
    }
    check_batch(impl, N, msgs, lens, "every length, ascending");

    for (size_t i = N - 1; i > 0; i--) {
        size_t j = (size_t)(splitmix64(&seed) % (i + 1));
        size_t t = lens[i];
        lens[i] = lens[j];
        lens[j] = t;
    }
    for (size_t at = 0, n = 1; at < N; at += n, n = n % RAND_MAX_BATCH + 1) {
        size_t m = N - at < n ? N - at : n;
        check_batch(impl, m, msgs + at, lens + at, "every length, shuffled");
    }
    free(buf);
    free(msgs);
    free(lens);
}
END_TEST

/* ---- block boundaries ------------------------------------------------- */

/* Where the padding spills into a second block (56), a message fills whole
 * blocks (64, 128), and the neighbours of each. */
static const size_t edge_lens[] = { 0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129 };
#define N_EDGE (sizeof edge_lens / sizeof edge_lens[0])

START_TEST(test_block_boundaries)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    enum { MAXN = 40 };
    unsigned char buf[200];
    uint64_t seed = 7;
    fill_random(buf, sizeof buf, &seed);
    const unsigned char *msgs[MAXN];
    size_t lens[MAXN];
    for (size_t i = 0; i < MAXN; i++)
        msgs[i] = buf + i % 7;

    /* each edge length as a uniform batch: alone, a full vector, a vector
     * and a bit, several vectors */
    static const size_t sizes[] = { 1, 2, 8, 9, 16, 17, 33, MAXN };
    for (size_t e = 0; e < N_EDGE; e++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            for (size_t i = 0; i < sizes[s]; i++)
                lens[i] = edge_lens[e];
            check_batch(impl, sizes[s], msgs, lens, "uniform edge length");
        }

    /* all edge lengths mixed in one batch, twice over */
    for (size_t i = 0; i < 2 * N_EDGE; i++)
        lens[i] = edge_lens[i % N_EDGE];
    check_batch(impl, 2 * N_EDGE, msgs, lens, "mixed edge lengths");
}
END_TEST

/* ---- lanes out of step ------------------------------------------------ */

/* Each lane a different length and block count, including a 1 MiB + 1
 * message that outlives every other lane and the whole batch. */
START_TEST(test_distinct_lane_lengths)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    enum { N = 37, BIG = (1 << 20) + 1 };
    uint64_t seed = 99;
    unsigned char *big = malloc(BIG);
    ck_assert_ptr_nonnull(big);
    fill_random(big, BIG, &seed);
    const unsigned char *msgs[N];
    size_t lens[N];

    for (size_t i = 0; i < N; i++) {
        msgs[i] = big + i;
        lens[i] = i * 37 + (i & 1) * 64; /* 0, 101, 74, 175, ...: all distinct */
    }
    check_batch(impl, 16, msgs, lens, "one length per lane");
    check_batch(impl, N, msgs, lens, "one length per lane, refilled");

    /* long message first, in the middle, and last */
    size_t pos[] = { 0, N / 2, N - 1 };
    for (size_t p = 0; p < 3; p++) {
        size_t keep_len = lens[pos[p]];
        const unsigned char *keep_msg = msgs[pos[p]];
        msgs[pos[p]] = big;
        lens[pos[p]] = BIG;
        check_batch(impl, N, msgs, lens, "one long lane");
        msgs[pos[p]] = keep_msg;
        lens[pos[p]] = keep_len;
    }

    /* short-to-long ramp: lanes finish one after another */
    for (size_t i = 0; i < N; i++)
        lens[i] = 34 + i * 7;
    check_batch(impl, N, msgs, lens, "ramp 34..286");
    free(big);
}
END_TEST

/* The workload the batch exists for: lengths 34..300 in batches of 57. */
START_TEST(test_module_like_batches)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    enum { N = 57 * 8 };
    uint64_t seed = 2024;
    unsigned char buf[512];
    fill_random(buf, sizeof buf, &seed);
    const unsigned char *msgs[N];
    size_t lens[N];
    for (size_t i = 0; i < N; i++) {
        lens[i] = 34 + (size_t)(splitmix64(&seed) % 267);
        msgs[i] = buf + splitmix64(&seed) % (sizeof buf - 300);
    }
    for (size_t at = 0; at < N; at += 57)
        check_batch(impl, 57, msgs + at, lens + at, "module-like batch of 57");
    check_batch(impl, N, msgs, lens, "module-like, one batch");
}
END_TEST

/* Messages may alias each other and the same pointer may repeat. */
START_TEST(test_aliasing_and_null_empty)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    enum { N = 20 };
    const unsigned char *abc = (const unsigned char *)rfc_msg[2];
    const unsigned char *msgs[N];
    size_t lens[N];
    unsigned char d[N][16];
    for (int i = 0; i < N; i++) {
        msgs[i] = i % 3 == 0 ? NULL : abc;
        lens[i] = i % 3 == 0 ? 0 : 3;
    }
    cs_md5_batch_impl(impl, N, msgs, lens, d);
    for (int i = 0; i < N; i++) {
        char hex[33];
        cs_md5_to_hex(d[i], hex);
        ck_assert_str_eq(hex, rfc_hex[i % 3 == 0 ? 0 : 2]);
    }
}
END_TEST

#ifdef HAVE_GUARD_PAGES
/* The SIMD paths must not read a byte outside a message, even within the
 * same vector: messages here start right after or end right before a page
 * that faults on any access. */
START_TEST(test_no_overread)
{
    cs_md5_impl impl;
    if (!impl_or_skip(_i, &impl))
        return;
    enum { N = 300 };
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *map = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                              -1, 0);
    ck_assert_ptr_ne(map, MAP_FAILED);
    unsigned char *data = map + pg;
    uint64_t seed = 5;
    fill_random(data, pg, &seed);
    ck_assert_int_eq(mprotect(map, pg, PROT_NONE), 0);
    ck_assert_int_eq(mprotect(data + pg, pg, PROT_NONE), 0);

    const unsigned char *msgs[N];
    size_t lens[N];
    for (size_t i = 0; i < N; i++) {
        lens[i] = i % 150;
        msgs[i] = i % 2 ? data + pg - lens[i] : data;
    }
    for (size_t n = 1; n <= N; n += 37)
        check_batch(impl, n, msgs + (N - n), lens + (N - n), "against guard pages");
    check_batch(impl, N, msgs, lens, "against guard pages");
    munmap(map, 3 * pg);
}
END_TEST
#endif

TCase *cs_md5_batch_tcase(void)
{
    TCase *tc = tcase_create("md5_batch");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hex_helpers);
    tcase_add_test(tc, test_impl_info);
    tcase_add_loop_test(tc, test_rfc_vectors, 0, N_IMPLS);
    tcase_add_loop_test(tc, test_empty_batch, 0, N_IMPLS);
    tcase_add_loop_test(tc, test_block_boundaries, 0, N_IMPLS);
    tcase_add_loop_test(tc, test_distinct_lane_lengths, 0, N_IMPLS);
    tcase_add_loop_test(tc, test_module_like_batches, 0, N_IMPLS);
    tcase_add_loop_test(tc, test_aliasing_and_null_empty, 0, N_IMPLS);
    tcase_add_loop_test(tc, test_random_batches, 0, N_IMPLS);
    tcase_add_loop_test(tc, test_every_length, 0, N_IMPLS);
#ifdef HAVE_GUARD_PAGES
    tcase_add_loop_test(tc, test_no_overread, 0, N_IMPLS);
#endif
    return tc;
}
