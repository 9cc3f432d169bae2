/* cellscape: MD5 of many independent messages at once.
 *
 * One MD5 is a serial chain of 64 dependent steps per block, so a single
 * message cannot use a wide vector unit; many messages can, one per lane.
 * The results are bit-identical to RFC 1321 MD5 (checked against nettle). */
#ifndef CS_MD5_BATCH_H
#define CS_MD5_BATCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CS_MD5_IMPL_AUTO = 0, /* best available: AVX512, else AVX2, else SCALAR */
    CS_MD5_IMPL_SCALAR,   /* nettle, one message at a time */
    CS_MD5_IMPL_AVX2,     /* 8 lanes */
    CS_MD5_IMPL_AVX512    /* 16 lanes, needs AVX-512F */
} cs_md5_impl;

/* Digest n independent messages: digests[i] = MD5(msgs[i][0..lens[i])).
 * n may be 0 (then no pointer is read); lengths may differ per message and
 * may be 0, in which case msgs[i] may be NULL. Thread-safe, no allocation. */
void cs_md5_batch(size_t n, const unsigned char *const *msgs, const size_t *lens,
                  unsigned char (*digests)[16]);

/* Same with a forced implementation (for tests and benchmarks). An impl that
 * this CPU or build cannot run falls back to SCALAR instead of faulting. */
void cs_md5_batch_impl(cs_md5_impl impl, size_t n, const unsigned char *const *msgs,
                       const size_t *lens, unsigned char (*digests)[16]);

/* 1 if this CPU and build can run impl (AUTO and SCALAR always can). */
int cs_md5_impl_available(cs_md5_impl impl);

/* "auto", "scalar", "avx2", "avx512"; "?" for a value outside the enum. */
const char *cs_md5_impl_name(cs_md5_impl impl);

/* One message as lowercase hex plus NUL (uses nettle). */
void cs_md5_hex(const void *msg, size_t len, char hex[33]);
void cs_md5_to_hex(const unsigned char digest[16], char hex[33]);

#ifdef __cplusplus
}
#endif
#endif
