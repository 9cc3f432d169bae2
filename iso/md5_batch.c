/* cellscape: multi-lane MD5 (see md5_batch.h).
 *
 * Each SIMD lane carries its own message. A lane's blocks are read in place
 * from the message, except the last one or two, which hold the tail plus the
 * padding and are built once per message in a small per-lane buffer. Every
 * kernel call compresses one block in every lane; a lane that finishes takes
 * the next message, so messages of different lengths keep the lanes busy.
 * When the batch runs dry and only a few lanes remain, nettle's scalar
 * compression finishes them, which is cheaper than full-width kernel calls
 * that are mostly idle. */
#include "md5_batch.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <nettle/md5.h>

#if defined(__x86_64__) || defined(__i386__)
#define CS_MD5_X86 1
#include <immintrin.h>
#else
#define CS_MD5_X86 0
#endif

#define MAX_LANES 16

/* ---- scalar ---------------------------------------------------------- */

static void md5_one(const unsigned char *msg, size_t len, unsigned char digest[16])
{
    struct md5_ctx ctx;
    md5_init(&ctx);
    if (len) /* msg may be NULL for an empty message */
        md5_update(&ctx, len, msg);
    md5_digest(&ctx, MD5_DIGEST_SIZE, digest);
}

static void batch_scalar(size_t n, const unsigned char *const *msgs, const size_t *lens,
                         unsigned char (*digests)[16])
{
    for (size_t i = 0; i < n; i++)
        md5_one(msgs[i], lens[i], digests[i]);
}

/* ---- lane scheduling, shared by the SIMD kernels ---------------------- */

#if CS_MD5_X86

static const uint32_t md5_iv[4] = { 0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u };

/* One kernel call compresses one 64-byte block (blk[i], any alignment) into
 * every lane's state; st is transposed: st[j * lanes + lane]. */
typedef void (*md5_kernel)(uint32_t *st, const unsigned char *const *blk);

/* Fills t[0..128) with the last r (< 64) message bytes from src, 0x80, and
 * zeros; the caller adds the length. Done with masked loads, which read no
 * byte past the message; string functions are slow here because compilers
 * expand them into loops over r, and r varies from message to message. */
typedef void (*md5_tail)(unsigned char *t, const unsigned char *src, size_t r);

struct simd_impl {
    int lanes;
    md5_kernel kernel;
    md5_tail tail;
    /* Cost of one kernel call in quarters of a nettle block compression,
     * measured on AMD EPYC (Zen 4). It only steers the end-of-batch switch to
     * scalar, so a rough figure is enough. */
    unsigned cost4;
};

struct lanes {
    _Alignas(64) uint32_t st[4 * MAX_LANES];
    const unsigned char *blk[MAX_LANES];  /* block the next kernel call reads */
    const unsigned char *fend[MAX_LANES]; /* end of the in-place blocks */
    size_t left[MAX_LANES];               /* blocks still to compress */
    size_t id[MAX_LANES];                 /* message index, hence digest slot */
    _Alignas(64) unsigned char tail[MAX_LANES][128]; /* last 1 or 2 blocks, padded */
};

static void lane_start(const struct simd_impl *im, struct lanes *s, int i, size_t id,
                       const unsigned char *msg, size_t len)
{
    size_t full = len / 64, r = len % 64;
    size_t pad = r < 56 ? 1 : 2; /* 0x80 and the 8-byte length must fit */
    uint64_t bits = (uint64_t)len << 3;
    unsigned char *t = s->tail[i];

    im->tail(t, r ? msg + 64 * full : t, r); /* msg may be NULL when len is 0 */
    memcpy(t + 64 * pad - 8, &bits, 8);       /* x86 is little-endian, as MD5 */

    s->blk[i] = full ? msg : t;
    s->fend[i] = full ? msg + 64 * full : NULL;
    s->left[i] = full + pad;
    s->id[i] = id;
    for (int j = 0; j < 4; j++)
        s->st[j * im->lanes + i] = md5_iv[j];
}

/* An idle lane keeps feeding the kernel its own zeroed tail block (fend
 * points just past it, so advancing wraps back); its state is never read. */
static void lane_park(struct lanes *s, int i)
{
    memset(s->tail[i], 0, 64);
    s->blk[i] = s->tail[i];
    s->fend[i] = s->tail[i] + 64;
}

static void lane_advance(struct lanes *s, int i)
{
    const unsigned char *p = s->blk[i] + 64;
    s->blk[i] = p == s->fend[i] ? s->tail[i] : p;
}

static void lane_put_digest(const struct lanes *s, int lanes, int i, unsigned char d[16])
{
    for (int j = 0; j < 4; j++)
        memcpy(d + 4 * j, &s->st[j * lanes + i], 4); /* little-endian, as above */
}

/* True when finishing the live lanes one by one with nettle costs no more
 * than running the kernel until the longest of them is done. */
static bool drain_is_cheaper(const struct simd_impl *im, const struct lanes *s, unsigned live)
{
    size_t sum = 0, max = 0;
    for (int i = 0; i < im->lanes; i++) {
        if (!(live >> i & 1))
            continue;
        sum += s->left[i];
        if (s->left[i] > max)
            max = s->left[i];
    }
    return sum * 4 <= max * im->cost4;
}

static void drain_scalar(struct lanes *s, int lanes, unsigned live, unsigned char (*digests)[16])
{
    for (int i = 0; i < lanes; i++) {
        if (!(live >> i & 1))
            continue;
        uint32_t h[4];
        for (int j = 0; j < 4; j++)
            h[j] = s->st[j * lanes + i];
        for (; s->left[i] > 0; s->left[i]--, lane_advance(s, i))
            nettle_md5_compress(h, s->blk[i]);
        for (int j = 0; j < 4; j++)
            s->st[j * lanes + i] = h[j];
        lane_put_digest(s, lanes, i, digests[s->id[i]]);
    }
}

static void batch_simd(const struct simd_impl *im, size_t n, const unsigned char *const *msgs,
                       const size_t *lens, unsigned char (*digests)[16])
{
    const int L = im->lanes;
    struct lanes s;
    unsigned live = 0; /* bit i: lane i carries a message */
    size_t next = 0;

    for (int i = 0; i < L; i++) {
        if (next < n) {
            lane_start(im, &s, i, next, msgs[next], lens[next]);
            next++;
            live |= 1u << i;
        } else {
            lane_park(&s, i);
        }
    }

    while (live) {
        if (next == n && drain_is_cheaper(im, &s, live)) {
            drain_scalar(&s, L, live, digests);
            return;
        }
        im->kernel(s.st, s.blk);

        /* Branch-free over all lanes; finishing lanes are unpredictable, so
         * only they are visited one by one. Idle lanes' counters wrap
         * harmlessly and are masked out. */
        unsigned done = 0;
        for (int i = 0; i < L; i++) {
            lane_advance(&s, i);
            done |= (unsigned)(--s.left[i] == 0) << i;
        }
        for (done &= live; done; done &= done - 1) {
            int i = __builtin_ctz(done);
            lane_put_digest(&s, L, i, digests[s.id[i]]);
            if (next < n) {
                lane_start(im, &s, i, next, msgs[next], lens[next]);
                next++;
            } else {
                lane_park(&s, i);
                live &= ~(1u << i);
            }
        }
    }
}

/* ---- SIMD kernels ----------------------------------------------------- */

/* RFC 1321's sine table T[1..64], indexed from 0 */
static const uint32_t md5_k[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu,
    0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu,
    0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau,
    0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu,
    0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u,
    0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u,
    0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u,
    0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};

/* The 64 steps as S(round, a, b, c, d, message word, step, rotation), expanded
 * by each kernel with its own S. */
#define MD5_STEPS(S)                                              \
    S(F, a, b, c, d, 0, 0, 7)      S(F, d, a, b, c, 1, 1, 12)     \
    S(F, c, d, a, b, 2, 2, 17)     S(F, b, c, d, a, 3, 3, 22)     \
    S(F, a, b, c, d, 4, 4, 7)      S(F, d, a, b, c, 5, 5, 12)     \
    S(F, c, d, a, b, 6, 6, 17)     S(F, b, c, d, a, 7, 7, 22)     \
    S(F, a, b, c, d, 8, 8, 7)      S(F, d, a, b, c, 9, 9, 12)     \
    S(F, c, d, a, b, 10, 10, 17)   S(F, b, c, d, a, 11, 11, 22)   \
    S(F, a, b, c, d, 12, 12, 7)    S(F, d, a, b, c, 13, 13, 12)   \
    S(F, c, d, a, b, 14, 14, 17)   S(F, b, c, d, a, 15, 15, 22)   \
    S(G, a, b, c, d, 1, 16, 5)     S(G, d, a, b, c, 6, 17, 9)     \
    S(G, c, d, a, b, 11, 18, 14)   S(G, b, c, d, a, 0, 19, 20)    \
    S(G, a, b, c, d, 5, 20, 5)     S(G, d, a, b, c, 10, 21, 9)    \
    S(G, c, d, a, b, 15, 22, 14)   S(G, b, c, d, a, 4, 23, 20)    \
    S(G, a, b, c, d, 9, 24, 5)     S(G, d, a, b, c, 14, 25, 9)    \
    S(G, c, d, a, b, 3, 26, 14)    S(G, b, c, d, a, 8, 27, 20)    \
    S(G, a, b, c, d, 13, 28, 5)    S(G, d, a, b, c, 2, 29, 9)     \
    S(G, c, d, a, b, 7, 30, 14)    S(G, b, c, d, a, 12, 31, 20)   \
    S(H, a, b, c, d, 5, 32, 4)     S(H, d, a, b, c, 8, 33, 11)    \
    S(H, c, d, a, b, 11, 34, 16)   S(H, b, c, d, a, 14, 35, 23)   \
    S(H, a, b, c, d, 1, 36, 4)     S(H, d, a, b, c, 4, 37, 11)    \
    S(H, c, d, a, b, 7, 38, 16)    S(H, b, c, d, a, 10, 39, 23)   \
    S(H, a, b, c, d, 13, 40, 4)    S(H, d, a, b, c, 0, 41, 11)    \
    S(H, c, d, a, b, 3, 42, 16)    S(H, b, c, d, a, 6, 43, 23)    \
    S(H, a, b, c, d, 9, 44, 4)     S(H, d, a, b, c, 12, 45, 11)   \
    S(H, c, d, a, b, 15, 46, 16)   S(H, b, c, d, a, 2, 47, 23)    \
    S(I, a, b, c, d, 0, 48, 6)     S(I, d, a, b, c, 7, 49, 10)    \
    S(I, c, d, a, b, 14, 50, 15)   S(I, b, c, d, a, 5, 51, 21)    \
    S(I, a, b, c, d, 12, 52, 6)    S(I, d, a, b, c, 3, 53, 10)    \
    S(I, c, d, a, b, 10, 54, 15)   S(I, b, c, d, a, 1, 55, 21)    \
    S(I, a, b, c, d, 8, 56, 6)     S(I, d, a, b, c, 15, 57, 10)   \
    S(I, c, d, a, b, 6, 58, 15)    S(I, b, c, d, a, 13, 59, 21)   \
    S(I, a, b, c, d, 4, 60, 6)     S(I, d, a, b, c, 11, 61, 10)   \
    S(I, c, d, a, b, 2, 62, 15)    S(I, b, c, d, a, 9, 63, 21)

/* Compilers reassociate a + k + w + f(b,c,d) freely and tend to add f early,
 * which lengthens the serial chain through b (the previous step's result).
 * An empty asm makes the b-free part of the sum a finished value first. */
#define MD5_SEAL(x, reg) __asm__("" : "+" reg(x))

/* -- AVX2, 8 lanes -- */

#define TGT_AVX2 __attribute__((target("avx2")))

#define X8_ADD(x, y) _mm256_add_epi32(x, y)
#define X8_ROL(x, s) _mm256_or_si256(_mm256_slli_epi32(x, s), _mm256_srli_epi32(x, 32 - (s)))
#define X8_AKW(a, k, g) X8_ADD(a, X8_ADD(_mm256_set1_epi32((int)(k)), w[g]))
/* t: the sealed b-free sum; fb: the rest, which waits for b */
#define X8_END(a, b, t, op, fb, s) \
    { MD5_SEAL(t, "x"); a = X8_ADD(b, X8_ROL(op(t, fb), s)); }

#define X8_F(a, b, c, d, g, n, s)                                             \
    { __m256i t_ = X8_AKW(a, md5_k[n], g);                                    \
      X8_END(a, b, t_, X8_ADD,                                                \
             _mm256_xor_si256(d, _mm256_and_si256(b, _mm256_xor_si256(c, d))), s) }
/* (b & d) | (c & ~d): the terms share no bits, so | is +, and c & ~d joins
 * the b-free sum. */
#define X8_G(a, b, c, d, g, n, s)                                             \
    { __m256i t_ = X8_ADD(X8_AKW(a, md5_k[n], g), _mm256_andnot_si256(d, c)); \
      X8_END(a, b, t_, X8_ADD, _mm256_and_si256(b, d), s) }
#define X8_H(a, b, c, d, g, n, s)                                             \
    { __m256i t_ = X8_AKW(a, md5_k[n], g);                                    \
      X8_END(a, b, t_, X8_ADD, _mm256_xor_si256(b, _mm256_xor_si256(c, d)), s) }
/* c ^ (b | ~d) = ~(c ^ (~b & d)), and t + ~x = (t - 1) - x: the NOT becomes
 * a -1 folded into the constant. */
#define X8_I(a, b, c, d, g, n, s)                                             \
    { __m256i t_ = X8_AKW(a, md5_k[n] - 1u, g);                               \
      X8_END(a, b, t_, _mm256_sub_epi32,                                      \
             _mm256_xor_si256(c, _mm256_andnot_si256(b, d)), s) }
#define X8_STEP(r, a, b, c, d, g, n, s) X8_##r(a, b, c, d, g, n, s)

/* 8x8 transpose of dwords, in place: r[i] holds 8 words of lane i on entry,
 * word i of every lane on exit. Written out so that the compiler keeps it
 * all in registers. */
#define X8_T1(i) t[i] = _mm256_unpacklo_epi32(r[i], r[i + 1]); \
                 t[i + 1] = _mm256_unpackhi_epi32(r[i], r[i + 1]);
#define X8_T2(i) u[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);     \
                 u[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]); \
                 u[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]); \
                 u[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]);
#define X8_T3(i) r[i] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x20); \
                 r[i + 4] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x31);

TGT_AVX2 static inline void transpose8(__m256i r[8])
{
    __m256i t[8], u[8];
    X8_T1(0) X8_T1(2) X8_T1(4) X8_T1(6)
    X8_T2(0) X8_T2(4)
    X8_T3(0) X8_T3(1) X8_T3(2) X8_T3(3)
}

#define X8_LOAD(i) w[i] = _mm256_loadu_si256((const __m256i *)blk[i]); \
                   w[i + 8] = _mm256_loadu_si256((const __m256i *)(blk[i] + 32));

TGT_AVX2 static void md5_tail_avx2(unsigned char *t, const unsigned char *src, size_t r)
{
    /* maskload works on dwords: the whole ones first, then 0..3 bytes */
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int nd = (int)(r / 4);
    __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nd), idx);
    __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nd - 8), idx);
    const unsigned char *src_hi = nd > 8 ? src + 32 : src; /* m1 is empty otherwise */
    _mm256_storeu_si256((__m256i *)t, _mm256_maskload_epi32((const int *)src, m0));
    _mm256_storeu_si256((__m256i *)(t + 32), _mm256_maskload_epi32((const int *)src_hi, m1));
    _mm256_storeu_si256((__m256i *)(t + 64), _mm256_setzero_si256());
    _mm256_storeu_si256((__m256i *)(t + 96), _mm256_setzero_si256());
    for (size_t k = 4 * (size_t)nd; k < r; k++)
        t[k] = src[k];
    t[r] = 0x80;
}

TGT_AVX2 static void md5_kernel_avx2(uint32_t *st, const unsigned char *const *blk)
{
    __m256i w[16];
    X8_LOAD(0) X8_LOAD(1) X8_LOAD(2) X8_LOAD(3) X8_LOAD(4) X8_LOAD(5) X8_LOAD(6) X8_LOAD(7)
    transpose8(w);
    transpose8(w + 8);

    __m256i a0 = _mm256_load_si256((const __m256i *)(st + 0));
    __m256i b0 = _mm256_load_si256((const __m256i *)(st + 8));
    __m256i c0 = _mm256_load_si256((const __m256i *)(st + 16));
    __m256i d0 = _mm256_load_si256((const __m256i *)(st + 24));
    __m256i a = a0, b = b0, c = c0, d = d0;
    MD5_STEPS(X8_STEP)
    _mm256_store_si256((__m256i *)(st + 0), X8_ADD(a, a0));
    _mm256_store_si256((__m256i *)(st + 8), X8_ADD(b, b0));
    _mm256_store_si256((__m256i *)(st + 16), X8_ADD(c, c0));
    _mm256_store_si256((__m256i *)(st + 24), X8_ADD(d, d0));
}

/* -- AVX-512F, 16 lanes -- */

/* BW only for the byte-masked load in md5_tail_avx512 */
#define TGT_AVX512 __attribute__((target("avx512f,avx512bw")))

/* vpternlogd truth tables (operands b, c, d) for the four round functions */
#define X16_TT_F 0xca /* (b & c) | (~b & d) */
#define X16_TT_G 0xe4 /* (b & d) | (c & ~d) */
#define X16_TT_H 0x96 /* b ^ c ^ d */
#define X16_TT_I 0x39 /* c ^ (b | ~d) */
#define X16_STEP(r, a, b, c, d, g, n, s)                                       \
    {                                                                          \
        __m512i t_ = _mm512_add_epi32(a, _mm512_add_epi32(_mm512_set1_epi32((int)k[n]), w[g])); \
        MD5_SEAL(t_, "v");                                                     \
        t_ = _mm512_add_epi32(t_, _mm512_ternarylogic_epi32(b, c, d, X16_TT_##r)); \
        a = _mm512_add_epi32(b, _mm512_rol_epi32(t_, s));                      \
    }

/* 16x16 transpose of dwords, in place, as transpose8 but with 128-bit chunk
 * shuffles for the last stage: u[4q + m] holds words m, m + 4, m + 8, m + 12
 * of rows 4q..4q+3, one per chunk; two rounds of chunk shuffles gather
 * chunk k of u[m], u[m + 4], u[m + 8], u[m + 12]. */
#define X16_T1(i) t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]); \
                  t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
#define X16_T2(i) u[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);     \
                  u[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]); \
                  u[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]); \
                  u[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
#define X16_T3(m)                                                                \
    {                                                                            \
        __m512i v0 = _mm512_shuffle_i32x4(u[m], u[m + 4], 0x88); /* chunks 0,2 */ \
        __m512i v1 = _mm512_shuffle_i32x4(u[m], u[m + 4], 0xdd); /* chunks 1,3 */ \
        __m512i v2 = _mm512_shuffle_i32x4(u[m + 8], u[m + 12], 0x88);             \
        __m512i v3 = _mm512_shuffle_i32x4(u[m + 8], u[m + 12], 0xdd);             \
        r[m] = _mm512_shuffle_i32x4(v0, v2, 0x88);                                \
        r[m + 4] = _mm512_shuffle_i32x4(v1, v3, 0x88);                            \
        r[m + 8] = _mm512_shuffle_i32x4(v0, v2, 0xdd);                            \
        r[m + 12] = _mm512_shuffle_i32x4(v1, v3, 0xdd);                           \
    }

TGT_AVX512 static inline void transpose16(__m512i r[16])
{
    __m512i t[16], u[16];
    X16_T1(0) X16_T1(2) X16_T1(4) X16_T1(6) X16_T1(8) X16_T1(10) X16_T1(12) X16_T1(14)
    X16_T2(0) X16_T2(4) X16_T2(8) X16_T2(12)
    X16_T3(0) X16_T3(1) X16_T3(2) X16_T3(3)
}

#define X16_LOAD(i) w[i] = _mm512_loadu_si512(blk[i]);

TGT_AVX512 static void md5_tail_avx512(unsigned char *t, const unsigned char *src, size_t r)
{
    __mmask64 msg_bytes = r ? ~0ull >> (64 - r) : 0;
    __m512i v = _mm512_maskz_loadu_epi8(msg_bytes, src);
    v = _mm512_mask_blend_epi8((__mmask64)1 << r, v, _mm512_set1_epi8((char)0x80));
    _mm512_storeu_si512(t, v);
    _mm512_storeu_si512(t + 64, _mm512_setzero_si512());
}

TGT_AVX512 static void md5_kernel_avx512(uint32_t *st, const unsigned char *const *blk)
{
    __m512i w[16];
    X16_LOAD(0) X16_LOAD(1) X16_LOAD(2) X16_LOAD(3) X16_LOAD(4) X16_LOAD(5) X16_LOAD(6)
    X16_LOAD(7) X16_LOAD(8) X16_LOAD(9) X16_LOAD(10) X16_LOAD(11) X16_LOAD(12) X16_LOAD(13)
    X16_LOAD(14) X16_LOAD(15)
    transpose16(w);

    __m512i a0 = _mm512_load_si512(st + 0);
    __m512i b0 = _mm512_load_si512(st + 16);
    __m512i c0 = _mm512_load_si512(st + 32);
    __m512i d0 = _mm512_load_si512(st + 48);
    __m512i a = a0, b = b0, c = c0, d = d0;
    /* Read through an opaque pointer, the constants become broadcast memory
     * operands of vpaddd; as known values gcc builds each in a general
     * register and moves it over, two extra ops per step. */
    const uint32_t *k = md5_k;
    MD5_SEAL(k, "r");
    MD5_STEPS(X16_STEP)
    _mm512_store_si512(st + 0, _mm512_add_epi32(a, a0));
    _mm512_store_si512(st + 16, _mm512_add_epi32(b, b0));
    _mm512_store_si512(st + 32, _mm512_add_epi32(c, c0));
    _mm512_store_si512(st + 48, _mm512_add_epi32(d, d0));
}

static const struct simd_impl impl_avx2 = { 8, md5_kernel_avx2, md5_tail_avx2, 5 };
static const struct simd_impl impl_avx512 = { 16, md5_kernel_avx512, md5_tail_avx512, 5 };

#endif /* CS_MD5_X86 */

/* ---- public API ------------------------------------------------------- */

int cs_md5_impl_available(cs_md5_impl impl)
{
    switch (impl) {
    case CS_MD5_IMPL_AUTO:
    case CS_MD5_IMPL_SCALAR:
        return 1;
#if CS_MD5_X86
    /* libgcc / compiler-rt also check that the OS saves the wide registers. */
    case CS_MD5_IMPL_AVX2:
        return __builtin_cpu_supports("avx2") != 0;
    case CS_MD5_IMPL_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#endif
    default:
        return 0;
    }
}

const char *cs_md5_impl_name(cs_md5_impl impl)
{
    switch (impl) {
    case CS_MD5_IMPL_AUTO: return "auto";
    case CS_MD5_IMPL_SCALAR: return "scalar";
    case CS_MD5_IMPL_AVX2: return "avx2";
    case CS_MD5_IMPL_AVX512: return "avx512";
    }
    return "?";
}

void cs_md5_batch_impl(cs_md5_impl impl, size_t n, const unsigned char *const *msgs,
                       const size_t *lens, unsigned char (*digests)[16])
{
    if (impl == CS_MD5_IMPL_AUTO)
        impl = cs_md5_impl_available(CS_MD5_IMPL_AVX512) ? CS_MD5_IMPL_AVX512
             : cs_md5_impl_available(CS_MD5_IMPL_AVX2)   ? CS_MD5_IMPL_AVX2
                                                          : CS_MD5_IMPL_SCALAR;
    else if (!cs_md5_impl_available(impl))
        impl = CS_MD5_IMPL_SCALAR;

    switch (impl) {
#if CS_MD5_X86
    case CS_MD5_IMPL_AVX2:
        batch_simd(&impl_avx2, n, msgs, lens, digests);
        return;
    case CS_MD5_IMPL_AVX512:
        batch_simd(&impl_avx512, n, msgs, lens, digests);
        return;
#endif
    default:
        batch_scalar(n, msgs, lens, digests);
        return;
    }
}

void cs_md5_batch(size_t n, const unsigned char *const *msgs, const size_t *lens,
                  unsigned char (*digests)[16])
{
    cs_md5_batch_impl(CS_MD5_IMPL_AUTO, n, msgs, lens, digests);
}

void cs_md5_to_hex(const unsigned char digest[16], char hex[33])
{
    static const char xd[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        hex[2 * i] = xd[digest[i] >> 4];
        hex[2 * i + 1] = xd[digest[i] & 15];
    }
    hex[32] = '\0';
}

void cs_md5_hex(const void *msg, size_t len, char hex[33])
{
    unsigned char d[16];
    md5_one(msg, len, d);
    cs_md5_to_hex(d, hex);
}
