/* cellscape analysis/: fitness vectors, one double per class of the space
 * (NaN where there is no value), for the analyses that take any fitness
 * (cs_landscape.h, cs_optimizers.h) and for scripts.
 *
 * From a store: a metric of the NAS-Bench-101 records at one budget, the
 * mean over repeats or one repeat.  From a file: a TSV whose header row
 * names a key column and a `fitness` column. */
#ifndef CS_FITNESS_H
#define CS_FITNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "cs_analysis.h"
#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_metric {
    CS_METRIC_TRAIN_ACCURACY = 0,
    CS_METRIC_VALIDATION_ACCURACY,
    CS_METRIC_TEST_ACCURACY,
    CS_METRIC_TRAINING_TIME,
    CS_METRIC_NUM
} cs_metric;

typedef struct cs_metric_spec {
    cs_metric metric;
    bool halfway; /* the value halfway through training, not the final one */
} cs_metric_spec;

/* "train-accuracy", "validation-accuracy", "test-accuracy",
 * "training-time", each optionally prefixed "final-" (the default) or
 * "halfway-"; '_' may stand for '-' ("final_test_accuracy", as the records
 * name it).  Errors: CS_ERR_ARG naming the metrics there are. */
cs_status cs_metric_parse(const char *name, cs_metric_spec *spec, cs_error *err);
/* The canonical name: "validation-accuracy", "halfway-test-accuracy". */
void cs_metric_format(const cs_metric_spec *spec, char *buf, size_t size);
/* The value of the metric in one run. */
double cs_metric_of_run(const cs_metric_spec *spec, const cs_run *run);

/* The budget the analyses read by default: 108 epochs if the store has it,
 * else its largest; -1 without budgets. */
int cs_analysis_default_budget(const cs_store *s);
/* *b gets the store's index of its runs at `budget` epochs.  Errors:
 * CS_ERR_ARG when it has none, the message naming the store (`name`, or
 * "the dataset" if NULL) and listing the budgets it has.  Time O(1). */
cs_status cs_analysis_budget_index(const cs_store *s, const char *name, int budget, int *b,
                                   cs_error *err);

#define CS_FITNESS_MEAN (-1)

/* out[c] (nclasses of ctx's space) gets the metric at `budget` epochs:
 * the mean over the class's repeats (repeat CS_FITNESS_MEAN) or repeat
 * `repeat` (0-based); NaN where the store lacks the class, its runs at the
 * budget or that repeat.  se (may be NULL) gets the standard error of
 * each mean (sample standard deviation / sqrt(repeats); 0 for one value).
 * *with_data (may be NULL) gets the classes with a value.  Errors: CS_ERR_ARG without a store, for a budget the store lacks
 * (the message lists those it has) or a repeat outside 0..2.  Time
 * O(classes). */
cs_status cs_analysis_fitness(const cs_analysis_ctx *ctx, const cs_metric_spec *spec,
                              int budget, int repeat, double *out, double *se,
                              size_t *with_data, cs_error *err);

/* Trainable parameters per class (NaN where the store lacks it). */
cs_status cs_analysis_params(const cs_analysis_ctx *ctx, double *out, size_t *with_data,
                             cs_error *err);

/* A fitness file: a TSV (comment lines starting with '#' allowed before
 * the header row) whose header names a column `key` and a column
 * `fitness` (others are ignored); each row gives a vertex by its key and
 * its fitness (a number; "nan" or an empty field: none).  lookup maps a
 * key to its vertex (0..n-1) or -1 if there is none.  out (n values) gets
 * NaN for vertices absent from the file.  Errors (CS_ERR_FORMAT, naming
 * the file, line and column): no such column, a row of too few fields, an
 * unknown key, a key given twice, a fitness that is not a number;
 * CS_ERR_IO if the file cannot be read. */
cs_status cs_fitness_file_read(const char *path, const char *key, size_t n,
                               int64_t (*lookup)(void *user, const char *key, size_t len),
                               void *user, double *out, size_t *with_data, cs_error *err);

/* The NAS-Bench-101 form: the key column `hash` holds module hashes (32
 * hex digits) of cells of ctx's space.  Time O(classes) to hash the space
 * (about a second for NAS-Bench-101) plus O(rows log classes). */
cs_status cs_analysis_fitness_file(const cs_analysis_ctx *ctx, const char *path, double *out,
                                   size_t *with_data, cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
