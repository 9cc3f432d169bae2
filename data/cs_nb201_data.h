/* cellscape data/: per-cell NAS-Bench-201 results from a CSV file.
 *
 * The official NAS-Bench-201 files are PyTorch pickles that only the
 * official Python API (nas_201_api) reads, so users export what they need
 * from it into a small text format (doc/nb201-csv.md):
 *
 *     # comments; a comment that is exactly "synthetic" flags made-up values
 *     arch,dataset,metric,value
 *     |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|...|,cifar10,test-accuracy,94.37
 *     6111,cifar10,test-accuracy,94.35
 *
 * A cell is an arch string or an API index (0 .. 15,624).  Rows with the
 * same (cell, dataset, metric) are repeats (seeds): the reader keeps their
 * count, mean and sample standard deviation per cell, in arrays indexed by
 * the API index, one set per (dataset, metric) pair that occurs.
 *
 * Errors name the source, the line, the byte offset (from the start of the
 * input, of the field at fault or else of the line) and what is wrong:
 * CS_ERR_FORMAT for malformed text, CS_ERR_LIMIT past a limit below,
 * CS_ERR_IO, CS_ERR_NOMEM.  An object, once read, is immutable: threads may
 * query one object at once. */
#ifndef CS_NB201_DATA_H
#define CS_NB201_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_NB201_DATA_MAX_DATASETS 64
#define CS_NB201_DATA_MAX_METRICS 64
#define CS_NB201_DATA_MAX_NAME 64        /* characters of a dataset or metric name */
#define CS_NB201_DATA_MAX_LINE 4096      /* bytes of a line, without its LF or CRLF */
#define CS_NB201_DATA_MAX_ROWS ((size_t)1 << 31)

typedef struct cs_nb201_data cs_nb201_data;

/* Read the whole file at path ("-" reads standard input, named "<stdin>").
 * On failure *out is NULL. */
cs_status cs_nb201_data_read(const char *path, cs_nb201_data **out, cs_error *err);
/* The same on bytes in memory; name is how errors and
 * cs_nb201_data_source name them (e.g. the path, or "<stdin>"). */
cs_status cs_nb201_data_read_memory(const char *buf, size_t len, const char *name,
                                    cs_nb201_data **out, cs_error *err);
void cs_nb201_data_destroy(cs_nb201_data *d);

/* The name or path given. */
const char *cs_nb201_data_source(const cs_nb201_data *d);
/* The file has a "# synthetic" comment: its values are made up. */
bool cs_nb201_data_synthetic(const cs_nb201_data *d);
/* Data rows read (comments, blank lines and the header aside). */
size_t cs_nb201_data_rows(const cs_nb201_data *d);

/* Datasets and metrics, in order of first appearance; names are NULL and
 * finds -1 when absent. */
int cs_nb201_data_num_datasets(const cs_nb201_data *d);
const char *cs_nb201_data_dataset(const cs_nb201_data *d, int i);
int cs_nb201_data_find_dataset(const cs_nb201_data *d, const char *name);
int cs_nb201_data_num_metrics(const cs_nb201_data *d);
const char *cs_nb201_data_metric(const cs_nb201_data *d, int i);
int cs_nb201_data_find_metric(const cs_nb201_data *d, const char *name);

/* Per API index (CS_NB201_CELLS entries), over the rows of (dataset,
 * metric): the mean, NaN where there are none; the sample standard
 * deviation (n - 1), 0 for one row, NaN for none; the number of rows.  All
 * NULL when the pair never occurs (or an index is out of range). */
const double *cs_nb201_data_means(const cs_nb201_data *d, int dataset, int metric);
const double *cs_nb201_data_stddevs(const cs_nb201_data *d, int dataset, int metric);
const uint32_t *cs_nb201_data_counts(const cs_nb201_data *d, int dataset, int metric);
/* Cells with at least one row of (dataset, metric); 0 if it never occurs. */
size_t cs_nb201_data_cells(const cs_nb201_data *d, int dataset, int metric);

/* SHA-256 of the bytes read, 64 lowercase hex digits. */
const char *cs_nb201_data_sha256(const cs_nb201_data *d);
/* The metric `name` of dataset ds, or -1 if the data lack it there. */
int cs_nb201_data_metric_of(const cs_nb201_data *d, int ds, const char *name);
/* The metrics dataset ds has, comma separated, into buf (for messages). */
void cs_nb201_data_list_metrics(const cs_nb201_data *d, int ds, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
