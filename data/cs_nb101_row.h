/* cellscape: one NAS-Bench-101 record's data, the JSON row
 *   ["<module hash>", <epochs>, "<adjacency 0/1 string>", "<ops,comma,separated>", "<base64 metrics>"]
 * where the metrics are a nasbench.ModelMetrics protobuf (data/nasbench.proto).
 *
 * This layer checks types and lengths only; the cell itself (adjacency, ops)
 * is parsed by the iso/ module. */
#ifndef CS_NB101_ROW_H
#define CS_NB101_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds of the text fields, in characters without the NUL. The dataset has
 * at most 7 vertices (49 and ~110 characters); the bounds leave room for
 * larger research spaces while keeping the row a fixed-size value. */
#define CS_NB101_ADJ_MAX (32 * 32)
#define CS_NB101_OPS_MAX (32 * 24)
#define CS_NB101_CHECKPOINT_MAX 255
#define CS_NB101_N_EVAL 3

/* Bits of cs_nb101_row.layout: which optional protobuf fields a record did
 * not carry (or carried unusually), so that encode(decode(x)) == x byte for
 * byte. Zero is the layout of the official files and the one to use when
 * building a row from scratch. */
#define CS_NB101_LAYOUT_NO_TOTAL_TIME 0x1u
/* Field f of evaluation i absent; f: 0 current_epoch, 1 training_time,
 * 2 train_accuracy, 3 validation_accuracy, 4 test_accuracy. Only the fields
 * the reference API never reads may be absent (see cs_nb101_row_decode). */
#define CS_NB101_LAYOUT_NO_EVAL_FIELD(i, f) (0x2u << ((i) * 5 + (f)))
/* The last evaluation carried an empty checkpoint_path (zero-length field);
 * without this bit an empty path is left out, as in the fixtures. */
#define CS_NB101_LAYOUT_EMPTY_CHECKPOINT 0x10000u
/* The record carried protobuf content the row does not keep (unknown fields,
 * checkpoint paths of evaluations 0 and 1): encode cannot reproduce it. */
#define CS_NB101_LAYOUT_DROPPED 0x20000u

typedef struct cs_nb101_eval {
    double current_epoch;
    double training_time; /* seconds of training only */
    double train_accuracy;
    double validation_accuracy;
    double test_accuracy;
} cs_nb101_eval;

typedef struct cs_nb101_row {
    char hash[33];                         /* 32 lowercase hex digits */
    int epochs;                            /* budget: 4, 12, 36, 108 */
    char adjacency[CS_NB101_ADJ_MAX + 1];  /* raw V*V '0'/'1' text, row major */
    char ops[CS_NB101_OPS_MAX + 1];        /* raw "input,...,output" text */
    int32_t trainable_parameters;
    double total_time;
    int n_eval;                            /* always CS_NB101_N_EVAL when decoded */
    cs_nb101_eval eval[CS_NB101_N_EVAL];   /* [0] init, [1] halfway, [2] final */
    char checkpoint_path[CS_NB101_CHECKPOINT_MAX + 1]; /* of eval[2]; "" if none */
    uint32_t layout;                       /* CS_NB101_LAYOUT_* bits */
} cs_nb101_row;

/* Decode one record's data into row. CS_ERR_FORMAT says what is wrong
 * (invalid JSON, not an array of 5, wrong type of item N, hash not 32
 * lowercase hex, bad base64, malformed protobuf, evaluation count not 3,
 * missing required field, text over its bound); the caller adds file,
 * record and offset with cs_error_prefix (see
 * cs_tfrecord_reader_error_prefix). Required: trainable_parameters, and the
 * training time and the three accuracies of evaluations 1 and 2 (what the
 * reference API reads); other protobuf fields are optional, absent ones read
 * as 0 and are noted in row->layout. On error row holds partial values.
 * Thread safe apart from the caveat on cJSON in the implementation. */
cs_status cs_nb101_row_decode(const unsigned char *data, size_t len, cs_nb101_row *row,
                              cs_error *err);

/* Encode row as the official files do (Python json.dumps layout:
 * `["<hash>", 108, "<adj>", "<ops>", "<base64>"]`, non-ASCII escaped as
 * \uXXXX). *out is malloc'd, not NUL-terminated; the caller frees it.
 * CS_ERR_ARG for a row that cannot be a record (bad hash, epochs < 1, n_eval
 * not 3, unterminated or non-UTF-8 text). */
/* Decode n rows: st[i] and errs[i] as cs_nb101_row_decode would give for
 * row i.  Faster than n calls from several threads at once (the JSON parser
 * is serialised by one lock, taken once per CS_NB101_DECODE_MANY_MAX rows). */
#define CS_NB101_DECODE_MANY_MAX 64
void cs_nb101_row_decode_many(size_t n, const unsigned char *const *data, const size_t *len,
                              cs_nb101_row *rows, cs_status *st, cs_error *errs);

cs_status cs_nb101_row_encode(const cs_nb101_row *row, unsigned char **out, size_t *outlen,
                              cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
