/* cellscape internal: building a store from records (import, synth).
 *
 * Records are added in source order (repeats keep that order, as in the
 * reference API); cs_store_check_entries checks cells' module hashes
 * against their adjacency and ops and computes their canonical forms, once
 * per cell (import runs it on the new cells while it reads);
 * cs_store_builder_write lays the store out (store_format.h) and writes it
 * atomically.  Not installed. */
#ifndef CS_STORE_BUILD_H
#define CS_STORE_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "cs_nb101_row.h"
#include "cs_store.h"

/* Where a cell was first met, for messages about its hash. */
typedef struct cs_store_origin {
    uint64_t record, offset;
} cs_store_origin;

typedef struct cs_store_builder {
    cs_store_entry *entries;
    /* Per budget, CS_STORE_REPEATS runs per cell: allocated when the budget
     * is first met, so an only108 file never touches room for four. */
    cs_run *runs[CS_STORE_MAX_BUDGETS];
    cs_store_origin *first;
    size_t n, cap;
    uint32_t *slots;     /* hash -> cell + 1 */
    uint64_t nslots;
    int nbudgets;
    int budgets[CS_STORE_MAX_BUDGETS];
    const char *path;
    /* cancel polled while the store is written: see cs_import_options */
    cs_monitor monitor;
} cs_store_builder;

/* One training run as a source record gives it. */
typedef struct cs_store_record {
    cs_status st;
    bool synthetic;
    int epochs;
    int32_t trainable_parameters;
    unsigned char hash[16];
    cs_key cell;
    cs_run run;
} cs_store_record;

/* The record of a decoded row: its cell must be a valid pruned cell of
 * NAS-Bench-101 (errors in the reference's words, prefixed "cell: "). */
cs_status cs_store_record_from_row(const cs_nb101_row *row, cs_store_record *r, cs_error *err);

/* Everything but the cell: hash, budget, parameters, the run, the
 * synthetic marker. */
void cs_store_record_metrics(const cs_nb101_row *row, cs_store_record *r);

/* Add one record (the builder starts zeroed, path set for messages).
 * record and offset say where the record is in the source, for messages. */
cs_status cs_store_builder_add(cs_store_builder *b, const cs_store_record *r, uint64_t record,
                               uint64_t offset, cs_error *err);

/* For n entries: compute each canonical form, and check each module hash
 * against the hash of its cell; *bad is the first whose hash is wrong (then
 * bad_hex holds the right one), or SIZE_MAX. */
cs_status cs_store_check_entries(cs_store_entry *e, size_t n, cs_hasher *h, size_t *bad,
                                 char bad_hex[33], cs_error *err);

/* The error for entry i, whose cell hashes to computed. */
cs_status cs_store_builder_bad_hash(const cs_store_builder *b, size_t i, const char *computed,
                                    cs_error *err);

/* Write the store; stats gets cells and budgets (its sha256, bytes and
 * synthetic fields go into the header). */
cs_status cs_store_builder_write(cs_store_builder *b, cs_import_stats *stats,
                                 const char *store_path, cs_error *err);

void cs_store_builder_destroy(cs_store_builder *b);

#endif
