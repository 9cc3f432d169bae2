/* Shared helpers of the Check suites. */
#ifndef CS_TESTUTIL_H
#define CS_TESTUTIL_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cs_iso.h"

#ifndef CS_TEST_SHARED_DIR
#define CS_TEST_SHARED_DIR "../shared"
#endif

/* Run a suite with TAP or plain output as CK_* variables choose; 0 if all
 * passed. */
int cs_test_run(Suite *s);
/* Load SHARED_DIR/relpath as JSON; fails the test if it cannot. */
json_t *cs_test_load_json(const char *relpath);
/* Full path of SHARED_DIR/relpath in a static-free buffer of the caller. */
void cs_test_shared_path(char *buf, size_t size, const char *relpath);
/* Load dir/file as JSON; fails the test if it cannot. */
json_t *cs_test_json_at(const char *dir, const char *file);
/* The number at key k of object j; fails the test if it is not one. */
double cs_test_jnum(json_t *j, const char *k);
/* Parse {"matrix": m, "ops": o} through the JSON reader. */
cs_status cs_test_spec(cs_spec *s, json_t *matrix, json_t *ops, cs_error *err);
/* A cell from a matrix of 0/1 (ints or floats) and integer labels
 * (-1 input, -2 output, 0..2 ops, -3 padding dropped). */
void cs_test_cell_from_labels(cs_cell *c, json_t *matrix, json_t *labels);
/* Read a whole file; caller frees.  NULL if it cannot. */
char *cs_test_read_file(const char *path, size_t *len);
/* A test dataset over a space: for every class c and repeat r that `run`
 * accepts (returning true with the run's final validation and test accuracy
 * and training time), a record at `epochs` epochs marked synthetic; the file
 * is imported and the store's path written to path.  tag names the file. */
typedef struct cs_test_metrics {
    double validation, test, time;
} cs_test_metrics;
struct cs_space;
void cs_test_write_store(const struct cs_space *sp, int epochs,
                         bool (*run)(void *user, size_t c, int r, cs_test_metrics *out),
                         void *user, const char *tag, char *path, size_t size);

/* Deterministic PRNG for property tests. */
unsigned long long cs_test_rand(unsigned long long *state);

/* Pearson, Spearman (ties averaged) and Kendall's tau-b by their textbook
 * formulas, quadratic where that is simplest (tests/analysis_stats_cases.c):
 * the brute force the library's statistics are checked against. */
double cs_test_direct_pearson(const double *x, const double *y, size_t n);
double cs_test_direct_spearman(const double *x, const double *y, size_t n);
double cs_test_direct_tau_b(const double *x, const double *y, size_t n);

/* Run `cellscape ARGS` (CS_TEST_BINARY) with the file `input` (may be NULL)
 * on stdin and `env` (may be NULL: "VAR=value ..." words) in its
 * environment; progress is off.  CS_TEST_WRAPPER, if set, runs the command
 * under a tool, e.g. valgrind (tests/valgrind.sh), which must keep its own
 * report off stderr. */
typedef struct cs_test_cli_result {
    int code; /* exit status, or 128 if killed */
    char *out;
    size_t out_len;
    char *err;
} cs_test_cli_result;
cs_test_cli_result cs_test_cli(const char *env, const char *args, const char *input);
void cs_test_cli_free(cs_test_cli_result *r);

#endif
