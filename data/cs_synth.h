/* cellscape: a synthetic NAS-Bench-101 dataset of full size, in the official
 * file format (nasbench_only108.tfrecord / nasbench_full.tfrecord).
 *
 * Every one of the 423,624 cells gets 3 repeats at 108 epochs, or at each of
 * 4, 12, 36 and 108 epochs, with the real module hash, the stored
 * representative (module_adjacency / module_operations), the real trainable
 * parameter count, and accuracies and times drawn from a documented
 * surrogate model of the cell's structure (doc/synthetic-data.md).  The
 * values are deterministic in the seed: one seed gives one file, byte for
 * byte, whatever the thread count.
 *
 * Synthetic data must never pass for real data: the final evaluation of
 * every record carries the checkpoint_path
 *     cellscape-synthetic/v1/seed=<seed>
 * (the official files carry a path to a training checkpoint there, or
 * nothing).  Readers test it with cs_synth_is_marker and say "synthetic"
 * in everything they print or draw from such a file. */
#ifndef CS_SYNTH_H
#define CS_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cs_enum.h"
#include "cs_error.h"
#include "cs_iso.h"
#include "cs_nb101_row.h"
#include "cs_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every synthetic checkpoint_path starts with this. */
#define CS_SYNTH_MARKER_PREFIX "cellscape-synthetic/"
/* Version of the surrogate model; it is part of the marker ("v1"). */
#define CS_SYNTH_MODEL_VERSION 1
/* Records per cell: 3 repeats per budget. */
#define CS_SYNTH_REPEATS 3

typedef struct cs_synth_options {
    uint64_t seed;
    bool only108;      /* budget 108 only (else 4, 12, 36, 108) */
    int threads;       /* 0: one per online core */
    /* The NAS-Bench-101 enumeration to use (cs_enum_run with the default
     * limits), or NULL to run it here (about a second on 2 cores). */
    const cs_enum_result *space;
    /* 0: every cell; else only the first max_cells cells in enumeration
     * order (for tests: the full space is 1.27 or 5.08 million records). */
    size_t max_cells;
    cs_monitor monitor; /* cancel polled between blocks of cells */
} cs_synth_options;

/* seed 0, all four budgets, one thread per core, every cell, no callbacks. */
void cs_synth_options_init(cs_synth_options *opt);

/* Write the synthetic dataset to f as TFRecords, one record per (cell,
 * budget, repeat): cells in the enumeration's order (the order in which
 * the reference generator first meets them), then budgets in increasing
 * order, then repeats 0, 1, 2.  *records (may be NULL) gets the number of
 * records written.  f is written with fwrite only; the caller flushes and
 * closes it (see cs_outfile for atomic files).  Errors: CS_ERR_ARG for bad
 * options or a space other than NAS-Bench-101's, CS_ERR_IO for a failed
 * write, CS_ERR_CANCELLED, CS_ERR_NOMEM. */
cs_status cs_synth_write(FILE *f, const cs_synth_options *opt, uint64_t *records,
                         cs_error *err);

/* The store that `cellscape import` makes of cs_synth_write's file, made
 * without the file (about 5x faster): identical but for the header's source
 * fields (no source file: its size and SHA-256 are zero).  Written
 * atomically.  stats gets records, cells and budgets; synthetic is true. */
cs_status cs_synth_store(const char *store_path, const cs_synth_options *opt,
                         cs_import_stats *stats, cs_error *err);

/* The synthetic record of one training run, exactly as cs_synth_write
 * writes it: cell is the class's stored representative (pruned, valid),
 * hash its module hash (32 lowercase hex digits), epochs one of 4, 12, 36,
 * 108, repeat 0..2.  CS_ERR_ARG for anything else, CS_ERR_VALUE for a cell
 * that is not a valid pruned cell. */
cs_status cs_synth_row(const cs_cell *cell, const char *hash, int epochs, int repeat,
                       uint64_t seed, cs_nb101_row *row, cs_error *err);

/* The marker of a seed: "cellscape-synthetic/v1/seed=<seed>".  Returns the
 * length as snprintf does. */
int cs_synth_marker(uint64_t seed, char *buf, size_t size);

/* true when checkpoint_path marks a synthetic record (any model version). */
bool cs_synth_is_marker(const char *checkpoint_path);

/* Parse a marker of this format: true and *version, *seed when it is one. */
bool cs_synth_parse_marker(const char *checkpoint_path, int *version, uint64_t *seed);

#ifdef __cplusplus
}
#endif
#endif
