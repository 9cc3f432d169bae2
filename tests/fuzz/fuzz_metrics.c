/* libFuzzer target: the ModelMetrics decoder (protobuf-c, with the row
 * codec's arena allocator), internal to data/nb101_row.c.
 *
 * The input is the protobuf message itself: the harness base64-encodes it
 * into the 5th item of an otherwise valid row, so every mutation reaches
 * protobuf-c and the checks after it (evaluation count, required fields,
 * checkpoint path) instead of dying in JSON or base64.  A row that decodes
 * must survive encode + decode unchanged. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, F_SETPIPE_SZ (fuzz_util.h) */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cs_nb101_row.h"
#include "fuzz_util.h"

/* The first row of nb101-real30-only108.tfrecord up to its metrics. */
static const char row_head[] =
    "[\"ff92c322c5d9d3d587d9c146a63d0807\", 108, "
    "\"0101000001110000010000000001000001000000010000000\", "
    "\"input,conv3x3-bn-relu,conv1x1-bn-relu,conv1x1-bn-relu,conv3x3-bn-relu,conv1x1-bn-relu,output\", \"";
static const char row_tail[] = "\"]";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    size_t b64 = (size + 2) / 3 * 4;
    size_t len = sizeof row_head - 1 + b64 + sizeof row_tail - 1;
    unsigned char *text = malloc(len + 1);
    cs_nb101_row *row = calloc(1, sizeof *row);
    if (!text || !row) {
        free(text);
        free(row);
        return 0;
    }
    memcpy(text, row_head, sizeof row_head - 1);
    EVP_EncodeBlock(text + sizeof row_head - 1, data, (int)size);
    memcpy(text + sizeof row_head - 1 + b64, row_tail, sizeof row_tail - 1);

    cs_error err;
    cs_status st = cs_nb101_row_decode(text, len, row, &err);
    if (st == CS_OK) {
        fuzz_check_row(row);
        fuzz_check_row_roundtrip(row);
    } else if (st != CS_ERR_FORMAT && st != CS_ERR_NOMEM) {
        fuzz_fail("decode failed with status %d: %s", (int)st, err.msg);
    } else if (strncmp(err.msg, "item 4 (metrics)", 16) != 0 && strncmp(err.msg, "metrics:", 8) != 0) {
        /* Everything but the metrics is valid: no other item may fail. */
        fuzz_fail("a valid row with fuzzed metrics failed elsewhere: %s", err.msg);
    }
    free(row);
    free(text);
    return 0;
}
