/* cellscape data/: the NAS-Bench-101 store.
 *
 * `cs_store_import` reads an official TFRecord file (or our synthetic one),
 * checks every record, and writes a compact binary store: a header, one
 * fixed-size entry per cell sorted by module hash, and two hash indexes (by
 * module hash and by canonical form).  Opening a store maps it into memory
 * and checks its checksums; no parsing.
 *
 * File layout (little-endian), version 1:
 *   header   (CS_STORE_HEADER_SIZE bytes, see cs_store_header)
 *   entries  ncells x entry_size: cs_store_entry then, for each budget and
 *            repeat, a cs_run (8 doubles)
 *   hash index   index_slots x uint32 (entry + 1, 0 = empty), slot from the
 *                module hash's first 8 bytes, linear probing
 *   canon index  index_slots x (canonical key, uint32 entry + 1, uint32 0),
 *                slot from the canonical key
 * Every section has a CRC-32C in the header; the header has its own. */
#ifndef CS_STORE_H
#define CS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"
#include "cs_iso.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_STORE_VERSION 1
/* checkpoint_path of every evaluation in cellscape's synthetic files starts
 * with this; a store made from such a file is flagged synthetic. */
#define CS_SYNTHETIC_MARKER "cellscape-synthetic"
#define CS_STORE_MAX_BUDGETS 4
#define CS_STORE_REPEATS 3

/* One training run at one budget: what the reference API returns as a data
 * point of `computed_stat`, in its key order. */
typedef struct cs_run {
    double halfway_training_time;
    double halfway_train_accuracy;
    double halfway_validation_accuracy;
    double halfway_test_accuracy;
    double final_training_time;
    double final_train_accuracy;
    double final_validation_accuracy;
    double final_test_accuracy;
} cs_run;

/* The fixed part of a cell's entry. */
typedef struct cs_store_entry {
    unsigned char hash[16]; /* module hash, raw MD5 */
    cs_key cell;            /* module_adjacency / module_operations as stored */
    cs_key canon;           /* key of the nauty canonical form */
    int32_t trainable_parameters;
    uint8_t repeats[CS_STORE_MAX_BUDGETS]; /* runs present per budget */
    /* 1 + the cell's place among the source's cells in the order of their
     * first records (the order the reference API's dict iterates); 0 in
     * stores written before it was kept. */
    uint32_t source_rank;
    uint32_t reserved;
} cs_store_entry;

typedef struct cs_store cs_store;

/* --- import ------------------------------------------------------------- */

typedef struct cs_import_options {
    bool keep_going;     /* skip bad records (counted) instead of failing, and
                            keep the records of a cut file before the cut */
    bool synthetic;      /* flag the store synthetic even if its records do
                            not carry cellscape's marker (data made elsewhere) */
    int threads;         /* 0: one per core */
    /* cancel polled between batches of records and while the store is
     * written */
    cs_monitor monitor;
} cs_import_options;

typedef struct cs_import_stats {
    uint64_t records;      /* records read */
    uint64_t skipped;      /* bad records skipped (keep_going) */
    uint64_t cells;
    int nbudgets;
    int budgets[CS_STORE_MAX_BUDGETS];
    bool synthetic;        /* the file says it is cellscape's synthetic data */
    unsigned char sha256[32]; /* of the TFRecord file */
    uint64_t bytes;
    cs_error first_skipped; /* the first skipped record's error */
    /* The file ends inside a record (a download cut short): with
     * keep_going the records before it were imported and these say what
     * was lost; without, the import failed and they say so too. */
    bool cut;
    uint64_t cut_bytes;     /* of the partial record, lost */
    cs_error cut_error;     /* the reader's message: file, record, offset */
} cs_import_stats;

void cs_import_options_init(cs_import_options *opt);

/* Read `tfrecord` and write the store to `store_path` atomically (nothing
 * is left under that name unless the import succeeds). */
cs_status cs_store_import(const char *tfrecord, const char *store_path,
                          const cs_import_options *opt, cs_import_stats *stats,
                          cs_error *err);

/* --- open and read ------------------------------------------------------- */

cs_status cs_store_open(cs_store **s, const char *path, cs_error *err);
/* A store or a .tfrecord: the latter is imported into a temporary store
 * first (files are told apart by their first bytes, not their names). */
cs_status cs_store_open_any(cs_store **s, const char *path,
                            const cs_import_options *opt, cs_error *err);
void cs_store_close(cs_store *s);

/* --- a cache of imported .tfrecord files ----------------------------------- */

/* Where cached imports live: $CELLSCAPE_CACHE, else
 * $XDG_CACHE_HOME/cellscape, else $HOME/.cache/cellscape. */
cs_status cs_store_cache_dir(char *buf, size_t size, cs_error *err);

typedef enum cs_cache_outcome {
    CS_CACHE_NOT_USED,  /* path is a store (or not a regular file): opened as is */
    CS_CACHE_HIT,       /* an earlier import of this very file was reused */
    CS_CACHE_STORED,    /* imported now, and kept for the next open */
    CS_CACHE_UNUSABLE   /* the cache could not be written: imported into a
                           temporary store, as cs_store_open_any does */
} cs_cache_outcome;

typedef struct cs_cache_result {
    cs_cache_outcome outcome;
    char path[4096];      /* the cached store (HIT, STORED), else "" */
    cs_error cache_error; /* why the cache was UNUSABLE */
} cs_cache_result;

/* Open a store, or a TFRecord through the cache in cache_dir (NULL:
 * cs_store_cache_dir).  A TFRecord's import is kept under a name made from
 * its absolute path and its identity as stat(2) gives it (device, inode,
 * size, modification and change times to the nanosecond): any write to the
 * file changes its change time, which no user can set back, so a changed
 * file is never answered from an old import; the older import of the same
 * path is removed.  The import is written atomically (a concurrent open
 * sees the whole store or none).  A cache that cannot be created or written
 * is not an error: res says so and why.  Errors are those of the import. */
cs_status cs_store_open_cached(cs_store **s, const char *path, const char *cache_dir,
                               const cs_import_options *opt, cs_cache_result *res,
                               cs_error *err);

size_t cs_store_num_cells(const cs_store *s);
int cs_store_num_budgets(const cs_store *s);
int cs_store_budget(const cs_store *s, int index);      /* epochs */
int cs_store_budget_index(const cs_store *s, int epochs); /* -1 if absent */
bool cs_store_synthetic(const cs_store *s);
/* SHA-256 of the TFRecord the store was made from, and its size. */
const unsigned char *cs_store_source_sha256(const cs_store *s);
uint64_t cs_store_source_bytes(const cs_store *s);
/* SHA-256 of the store's header, which holds the CRC-32C of every section
 * and the source's SHA-256: two stores with one fingerprint hold the same
 * data (a cache key for what is computed from a store). */
void cs_store_fingerprint(const cs_store *s, unsigned char out[32]);
/* "nasbench_only108.tfrecord" / "nasbench_full.tfrecord" when the source's
 * SHA-256 is an official file's, else NULL. */
const char *cs_store_official_name(const cs_store *s);
/* The same for a SHA-256 in hand (cs_import_stats.sha256). */
const char *cs_official_name(const unsigned char sha256[32]);

const cs_store_entry *cs_store_entry_at(const cs_store *s, size_t i);
/* order[r] = the entry index of the r-th cell of the source, in the order of
 * first records (num_cells slots).  False when the store does not know that
 * order (written by an older cellscape, or ranks that are not a permutation):
 * order is then the store's own (hash) order.  O(n) time, no allocation. */
bool cs_store_source_order(const cs_store *s, size_t *order);
/* The runs of entry i at budget index b: entry->repeats[b] of them. */
const cs_run *cs_store_runs(const cs_store *s, size_t i, int b);

/* Look-ups: the entry index, or -1. */
int64_t cs_store_find_hash(const cs_store *s, const unsigned char hash[16]);
int64_t cs_store_find_canon(const cs_store *s, const cs_key *canon);

/* --- the reference API's query ---------------------------------------------- */

typedef enum { CS_REPEAT_ONE, CS_REPEAT_MEAN } cs_repeat_mode;

typedef struct cs_budget_counter {
    double total_time;   /* training time charged */
    double total_epochs; /* epochs charged (half when stopping halfway) */
} cs_budget_counter;

typedef struct cs_query_result {
    int64_t index;        /* entry, -1 when not in the dataset */
    cs_spec spec;         /* the query, pruned */
    char hash[33];
    /* what `query` returns for one repeat (or the mean of all) */
    int epochs;
    double training_time, train_accuracy, validation_accuracy, test_accuracy;
    int32_t trainable_parameters;
} cs_query_result;

/* Find a cell given in any iso/ text form, with the reference's semantics:
 * construction errors (CS_ERR_VALUE), domain errors (CS_ERR_DOMAIN); a valid
 * cell the store lacks gives CS_OK with index -1.  No MD5: the canonical form
 * finds the entry, whose stored hash is the module hash (enum --verify
 * certifies that the two are in bijection over the space). */
cs_status cs_store_lookup(const cs_store *s, const char *text, size_t len,
                          cs_query_result *r, cs_error *err);
cs_status cs_store_lookup_spec(const cs_store *s, const cs_spec *spec,
                               cs_query_result *r, cs_error *err);

/* The fast path for programs holding cells (no op names, no messages):
 * the entry of cell c after pruning, or -1 when it is outside the space or
 * not in the dataset.  (Nothing else can fail: the canonical form needs no
 * memory, and refuses only cells outside the space, those with a cycle.) */
int64_t cs_store_lookup_cell(const cs_store *s, const cs_cell *c);

/* The reference's query(spec, epochs, stop_halfway) on a looked-up cell:
 * repeat `repeat` (0..2) or the mean of all repeats; charges `counter`
 * (may be NULL) as the reference does.  CS_ERR_NOTFOUND for a budget the
 * store lacks (message as the reference's). */
cs_status cs_store_query(const cs_store *s, cs_query_result *r, int epochs,
                         bool stop_halfway, cs_repeat_mode mode, int repeat,
                         cs_budget_counter *counter, cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
