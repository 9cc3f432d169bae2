/* cellscape data/: a store exported to CSV, JSON lines or SQLite.
 *
 * Text exports (CSV, JSON lines) come in two modes:
 *
 *   CS_EXPORT_RUNS  one row per cell x budget x repeat, cells in the
 *                   store's order (by module hash), budgets increasing,
 *                   repeats in file order (0, 1, 2).
 *   CS_EXPORT_MEAN  one row per cell x budget that has at least one run:
 *                   the repeat count, and the mean and the sample standard
 *                   deviation (n - 1 in the denominator; empty / null when
 *                   there is a single repeat) of each of the 8 metrics.
 *                   The mean is the sum in repeat order divided by the count,
 *                   bit for bit what `cellscape query --mean` (the reference
 *                   API's mean) gives; the deviation is
 *                   sqrt(sum((x - mean)^2) / (n - 1)), as numpy's
 *                   std(ddof=1).
 *
 * Columns of both modes, in this order (doc/export.md has the details):
 *   hash                 module hash, 32 lowercase hex digits
 *   cell                 the stored cell (module_adjacency /
 *                        module_operations) in compact form, I3M1O:...
 *   adjacency            the dataset's row form: V*V '0'/'1', row major
 *   ops                  the dataset's row form: op names, comma separated
 *   vertices, edges      of the stored cell
 *   conv3x3, conv1x1, maxpool3x3   vertices with that operation
 *   depth                edges on the longest input-output path
 *   trainable_parameters a count
 *   canonical            the nauty canonical form, compact
 *   epochs               the budget
 * then, RUNS:
 *   repeat               0, 1, 2
 *   halfway_training_time, halfway_train_accuracy,
 *   halfway_validation_accuracy, halfway_test_accuracy,
 *   final_training_time, final_train_accuracy, final_validation_accuracy,
 *   final_test_accuracy  as stored: seconds and fractions in [0, 1]
 * or, MEAN:
 *   repeats              runs averaged
 *   <metric>_mean, <metric>_std   for each of the 8 metrics above, in order
 * and last:
 *   synthetic            true when the store came from cellscape's
 *                        synthetic data (cs_store_synthetic), else false
 *
 * Doubles are written as the shortest decimal text that reads back (strtod)
 * as the same double, ".0" added to whole numbers (Python's repr, as
 * cs_export_format_double).  Non-finite values, which the dataset does not
 * hold, are nan / inf / -inf in CSV and null in JSON.
 *
 * CSV follows RFC 4180: a header row, CRLF line ends, fields holding a
 * comma, quote or line break quoted with "" doubling quotes.  JSON lines:
 * one object per line (LF), keys as the CSV columns, synthetic a boolean.
 *
 * The SQLite export writes a database in the schema of doc/export.md
 * (tables meta, cell, trial_config, trial_stats, intermediate_stats after
 * nni's NAS-Bench-101 tables, trial_mean with the means of --mean; views
 * runs and means with the text exports' columns, and nni-compatible views
 * nb101trialconfig, nb101trialstats, nb101intermediatestats).  It is built in a temporary file beside the
 * target inside one transaction and renamed over the target only when
 * complete: a failure or a cancellation leaves nothing behind.
 *
 * No global state: exports of different stores may run in parallel. */
#ifndef CS_EXPORT_H
#define CS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cs_error.h"
#include "cs_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the SQLite schema (PRAGMA user_version; meta key
 * schema_version).  Raised whenever a table or view changes. */
#define CS_EXPORT_SQLITE_SCHEMA_VERSION 2
/* PRAGMA application_id of our databases: "NB1c" (0x4E423163). */
#define CS_EXPORT_SQLITE_APPLICATION_ID 0x4E423163

typedef enum cs_export_mode {
    CS_EXPORT_RUNS = 0,
    CS_EXPORT_MEAN = 1
} cs_export_mode;

typedef struct cs_export_options {
    cs_monitor monitor; /* cancel polled between cells */
} cs_export_options;

/* The metrics of a run, in the order of the columns. */
#define CS_EXPORT_NMETRICS 8
/* "halfway_training_time", ..., "final_test_accuracy" (m = 0..7), or NULL. */
const char *cs_export_metric_name(int m);
/* r's metrics in that order (cs_run's field order). */
void cs_export_run_values(const cs_run *r, double v[CS_EXPORT_NMETRICS]);

/* No progress, no cancellation. */
void cs_export_options_init(cs_export_options *opt);

/* Rows a text export of `mode` writes after its header (CSV) or in all
 * (JSON lines): runs, or cell x budget pairs with at least one run. */
size_t cs_export_num_rows(const cs_store *s, cs_export_mode mode);

/* Write the store to f.  f is written with stdio only; the caller flushes
 * and closes it (cs_outfile makes the file atomic).  opt may be NULL.
 * Errors: CS_ERR_ARG for an unknown mode, CS_ERR_IO for a failed write
 * (f's error flag), CS_ERR_CANCELLED, CS_ERR_VALUE for a store holding a
 * cell that has no text form (not possible for stores cs_store_import
 * wrote). */
cs_status cs_export_csv(const cs_store *s, FILE *f, cs_export_mode mode,
                        const cs_export_options *opt, cs_error *err);
cs_status cs_export_jsonl(const cs_store *s, FILE *f, cs_export_mode mode,
                          const cs_export_options *opt, cs_error *err);

/* Write the store as an SQLite database at path (not "-": SQLite needs a
 * file), replacing any file there only on success.  CS_ERR_ARG for a NULL
 * or "-" path, CS_ERR_IO when the database cannot be created or written
 * (SQLite's message included), CS_ERR_CANCELLED, CS_ERR_NOMEM. */
cs_status cs_export_sqlite(const cs_store *s, const char *path,
                           const cs_export_options *opt, cs_error *err);

/* The shortest decimal text that strtod reads back as exactly d, as
 * Python's repr writes it (100.0, 0.1, 1e+16, 1e-05); nan, inf, -inf for
 * non-finite values.  Every command and analysis writes doubles with it.
 * Returns the length written, as snprintf (32 bytes always suffice). */
int cs_export_format_double(char *buf, size_t size, double d);

/* The cellscape version the exports record (meta table): the macro
 * CS_VERSION_STRING the library was built with, else PACKAGE_VERSION from
 * config.h (HAVE_CONFIG_H), else "unknown". */
const char *cs_export_version(void);

#ifdef __cplusplus
}
#endif
#endif
