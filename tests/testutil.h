/* Shared helpers of the Check suites. */
#ifndef CS_TESTUTIL_H
#define CS_TESTUTIL_H

#include <check.h>
#include <jansson.h>
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
/* Parse {"matrix": m, "ops": o} through the JSON reader. */
cs_status cs_test_spec(cs_spec *s, json_t *matrix, json_t *ops, cs_error *err);
/* A cell from a matrix of 0/1 (ints or floats) and integer labels
 * (-1 input, -2 output, 0..2 ops, -3 padding dropped). */
void cs_test_cell_from_labels(cs_cell *c, json_t *matrix, json_t *labels);
/* Read a whole file; caller frees.  NULL if it cannot. */
char *cs_test_read_file(const char *path, size_t *len);
/* Deterministic PRNG for property tests. */
unsigned long long cs_test_rand(unsigned long long *state);

#endif
