/* cellscape: TFRecord framing, the container of the NAS-Bench-101 files.
 *
 * A file is a sequence of records
 *   uint64 length (LE) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
 * The reader streams: it holds one read chunk plus at most one record, never
 * the file, so the 2 GB nasbench_full.tfrecord reads in bounded memory. */
#ifndef CS_TFRECORD_H
#define CS_TFRECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest record data the reader accepts. Official records are under 1 KiB;
 * the limit exists so that a corrupted length cannot make us allocate
 * gigabytes before the data CRC could reject it. */
#define CS_TFRECORD_MAX_RECORD_LEN ((size_t)16 << 20)

/* Plain CRC-32C (Castagnoli), e.g. 0xE3069283 for "123456789". */
uint32_t cs_crc32c(const void *buf, size_t len);
/* The CRC-32C of (what gave crc) followed by buf: crc of nothing is 0. */
uint32_t cs_crc32c_extend(uint32_t crc, const void *buf, size_t len);

/* TFRecord's masked form of cs_crc32c(buf, len). */
uint32_t cs_crc32c_masked(const void *buf, size_t len);

typedef struct cs_tfrecord_reader cs_tfrecord_reader;

/* Open path for reading ("-" reads standard input, named "<stdin>" in
 * messages). On failure *r is NULL and err says why (CS_ERR_IO, CS_ERR_NOMEM). */
cs_status cs_tfrecord_reader_open(cs_tfrecord_reader **r, const char *path, cs_error *err);

/* Read the next record. On success either *eof is 1 (clean end of file:
 * *data is NULL, *len 0) or *eof is 0 and *data, *len hold the record's data,
 * valid until the next call or close. Framing damage gives CS_ERR_FORMAT with
 * a message naming the file, record index and byte offset; a read failure
 * gives CS_ERR_IO. After an error the reader stays failed: further calls
 * return the same status. */
cs_status cs_tfrecord_reader_next(cs_tfrecord_reader *r, const unsigned char **data,
                                  size_t *len, int *eof, cs_error *err);

/* After cs_tfrecord_reader_next failed: true when it was because the file
 * ends inside a record (a cut file: a download that stopped), *lost (may
 * be NULL) getting the bytes of that partial record.  Every record before
 * it was read whole and checked. */
bool cs_tfrecord_reader_cut(const cs_tfrecord_reader *r, uint64_t *lost);

/* 0-based index and starting byte offset of the record last returned, or of
 * the record at fault after an error. Before the first record both are 0; at
 * end of file they are the record count and the file size. */
uint64_t cs_tfrecord_reader_record_index(const cs_tfrecord_reader *r);
uint64_t cs_tfrecord_reader_record_offset(const cs_tfrecord_reader *r);

/* The name used in messages: the path, or "<stdin>". */
const char *cs_tfrecord_reader_path(const cs_tfrecord_reader *r);

/* Prefix err with "<file>: record <i> at byte offset <o>: " for the current
 * record, so a row decoding error says where the row is. Returns err->code. */
cs_status cs_tfrecord_reader_error_prefix(const cs_tfrecord_reader *r, cs_error *err);

/* Have fn see every byte the reader reads, in file order, as it reads it:
 * after a clean end of file fn has seen the whole file once (a digest of the
 * file costs one pass over large chunks instead of one per record). */
typedef void (*cs_tfrecord_bytes_fn)(void *user, const unsigned char *bytes, size_t n);
void cs_tfrecord_reader_on_read(cs_tfrecord_reader *r, cs_tfrecord_bytes_fn fn, void *user);

/* Closes the file (not standard input) and frees r; NULL is allowed. */
void cs_tfrecord_reader_close(cs_tfrecord_reader *r);

/* Append one framed record to f. CS_ERR_LIMIT if len exceeds
 * CS_TFRECORD_MAX_RECORD_LEN (our reader would refuse it), CS_ERR_IO if a
 * write fails. Buffered: the caller checks fflush/fclose as usual. */
cs_status cs_tfrecord_write(FILE *f, const void *data, size_t len, cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
