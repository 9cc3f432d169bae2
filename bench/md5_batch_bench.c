/* Benchmark of cs_md5_batch against nettle's MD5, single thread.
 *
 * Usage: md5_batch_bench [messages]   (default 100000)
 *
 * Two message sets: all 130 bytes, and lengths uniform in 34..300 (the
 * module-hash workload). Each implementation digests the set in one batch
 * and in batches of 57 (one module's worth); the best of several runs is
 * reported as ns per message, MB/s of message bytes, and speedup over nettle.
 * Every digest is checked against nettle so a fast wrong answer shows. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 199309L
#endif
#include "cs_rng.h"
#include "md5_batch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nettle/md5.h>

#define RUNS 7

struct set {
    const char *name;
    size_t n, bytes;
    const unsigned char **msgs;
    size_t *lens;
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Messages laid end to end in one pool, as a caller's buffers would be. */
static int make_set(struct set *s, const char *name, size_t n, size_t lo, size_t hi, uint64_t seed)
{
    s->name = name;
    s->n = n;
    s->lens = malloc(n * sizeof *s->lens);
    s->msgs = malloc(n * sizeof *s->msgs);
    if (!s->lens || !s->msgs)
        return -1;
    s->bytes = 0;
    for (size_t i = 0; i < n; i++) {
        s->lens[i] = lo + (size_t)(cs_splitmix64(&seed) % (hi - lo + 1));
        s->bytes += s->lens[i];
    }
    unsigned char *pool = malloc(s->bytes ? s->bytes : 1);
    if (!pool)
        return -1;
    for (size_t i = 0; i < s->bytes; i++)
        pool[i] = (unsigned char)cs_splitmix64(&seed);
    for (size_t i = 0, at = 0; i < n; at += s->lens[i], i++)
        s->msgs[i] = pool + at;
    return 0;
}

static void free_set(struct set *s)
{
    if (s->msgs)
        free((void *)s->msgs[0]);
    free(s->msgs);
    free(s->lens);
}

static void run_nettle(const struct set *s, size_t batch, unsigned char (*out)[16])
{
    (void)batch;
    for (size_t i = 0; i < s->n; i++) {
        struct md5_ctx ctx;
        md5_init(&ctx);
        md5_update(&ctx, s->lens[i], s->msgs[i]);
        md5_digest(&ctx, MD5_DIGEST_SIZE, out[i]);
    }
}

static cs_md5_impl cur_impl;

static void run_impl(const struct set *s, size_t batch, unsigned char (*out)[16])
{
    for (size_t at = 0; at < s->n; at += batch) {
        size_t m = s->n - at < batch ? s->n - at : batch;
        cs_md5_batch_impl(cur_impl, m, s->msgs + at, s->lens + at, out + at);
    }
}

static double best_ns(void (*run)(const struct set *, size_t, unsigned char (*)[16]),
                      const struct set *s, size_t batch, unsigned char (*out)[16])
{
    double best = 1e300;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        run(s, batch, out);
        double t = now_ns() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

static void report(const char *impl, const struct set *s, const char *batch, double ns,
                   double base_ns, int ok)
{
    printf("%-7s %-12s batch=%-6s ns/msg=%8.1f  MB/s=%7.0f  speedup=%5.2fx%s\n", impl, s->name,
           batch, ns / s->n, s->bytes / (ns * 1e-9) / 1e6, base_ns / ns,
           ok ? "" : "  DIGEST MISMATCH");
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
    if (n == 0) {
        fprintf(stderr, "usage: %s [messages > 0]\n", argv[0]);
        return 2;
    }
    struct set sets[2] = { { 0 }, { 0 } };
    unsigned char (*ref)[16] = malloc(n * sizeof *ref);
    unsigned char (*out)[16] = malloc(n * sizeof *out);
    if (!ref || !out || make_set(&sets[0], "130B", n, 130, 130, 1) ||
        make_set(&sets[1], "mixed34-300", n, 34, 300, 2)) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }

    static const cs_md5_impl impls[] = { CS_MD5_IMPL_SCALAR, CS_MD5_IMPL_AVX2,
                                         CS_MD5_IMPL_AVX512, CS_MD5_IMPL_AUTO };
    int bad = 0;
    printf("md5_batch_bench: %zu messages per set, best of %d runs, 1 thread\n", n, RUNS);
    for (int k = 0; k < 2; k++) {
        const struct set *s = &sets[k];
        double base = best_ns(run_nettle, s, n, ref);
        report("nettle", s, "-", base, base, 1);
        for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
            if (!cs_md5_impl_available(impls[i])) {
                printf("%-7s %-12s not available on this CPU/build\n",
                       cs_md5_impl_name(impls[i]), s->name);
                continue;
            }
            cur_impl = impls[i];
            static const size_t batches[] = { 0, 57 }; /* 0: the whole set */
            for (size_t b = 0; b < 2; b++) {
                size_t bs = batches[b] ? batches[b] : n;
                char label[24] = "all";
                if (batches[b])
                    snprintf(label, sizeof label, "%zu", bs);
                memset(out, 0, n * sizeof *out);
                double t = best_ns(run_impl, s, bs, out);
                int ok = memcmp(out, ref, n * sizeof *out) == 0;
                bad |= !ok;
                report(cs_md5_impl_name(impls[i]), s, label, t, base, ok);
            }
        }
    }
    free_set(&sets[0]);
    free_set(&sets[1]);
    free(ref);
    free(out);
    return bad;
}
