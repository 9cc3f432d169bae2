/* cellscape: Check cases for cs_cell_trainable_parameters, against the real
 * NAS-Bench-101 values in ../shared/realdata and the real-data fixture.
 *
 * The mini fixtures (nb101-mini-full, nb101-mini-only108) are not used: their
 * trainable_parameters are synthetic and none of their 120 stored-cell values
 * follows the reference's rule (their one real repeat, of the Inception-like
 * cell, is not among the probes). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <check.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cs_error.h"
#include "cs_iso.h"
#include "cs_params.h"

#ifndef CS_TEST_SHARED_DIR
#define CS_TEST_SHARED_DIR "../shared"
#endif

TCase *cs_params_tcase(void);

/* ---------------------------------------------------------------- helpers */

static json_t *cs_params_load(const char *relpath)
{
    char path[4096];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/%s", CS_TEST_SHARED_DIR, relpath);
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "cannot load %s: %s", path, jerr.text);
    return j;
}

/* A cell from n x n 0/1 rows (ints or floats; only the first n of each row,
 * so 7x7 zero padding is ignored) and op codes. */
static void cs_params_cell(cs_cell *c, json_t *matrix, int n, const int *ops)
{
    memset(c, 0, sizeof *c);
    ck_assert_int_le(n, CS_CELL_MAXV);
    c->n = n;
    for (int i = 0; i < n; i++) {
        c->op[i] = (int8_t)ops[i];
        json_t *row = json_array_get(matrix, (size_t)i);
        ck_assert_msg(json_is_array(row), "matrix row %d missing", i);
        for (int j = 0; j < n; j++)
            if (json_number_value(json_array_get(row, (size_t)j)) != 0.0)
                c->adj[i] |= UINT32_C(1) << j;
    }
}

/* A cell from a matrix and a list of op names (module_operations). */
static void cs_params_cell_named(cs_cell *c, json_t *matrix, json_t *names)
{
    int ops[CS_CELL_MAXV];
    int n = (int)json_array_size(names);
    ck_assert_int_le(n, CS_CELL_MAXV);
    for (int i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(names, (size_t)i));
        ck_assert_ptr_nonnull(s);
        ops[i] = cs_op_from_name(s, strlen(s));
        ck_assert_msg(ops[i] != CS_OP_UNKNOWN, "unknown op %s", s);
    }
    cs_params_cell(c, matrix, n, ops);
}

/* A cell from rows given as strings of '0'/'1' and op codes. */
static void cs_params_cell_rows(cs_cell *c, int n, const char *const *rows, const int *ops)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    for (int i = 0; i < n; i++) {
        c->op[i] = (int8_t)ops[i];
        for (int j = 0; j < n; j++)
            if (rows[i][j] == '1')
                c->adj[i] |= UINT32_C(1) << j;
    }
}

static int64_t cs_params_of(const cs_cell *c)
{
    cs_error err = {0};
    int64_t p = -1;
    cs_status st = cs_cell_trainable_parameters(c, &p, &err);
    ck_assert_msg(st == CS_OK, "unexpected error: %s", err.msg);
    return p;
}

/* ------------------------------------------------------------- hand cases */

/* input -> output only.  Each module is one 1x1 projection + BN, C_in -> C
 * (build_module's "No interior vertices" branch):
 *   stem     3*3*3*128 + 2*128                         =   3,712
 *   stack 1  3 * (128*128 + 2*128) = 3 * 16,640         =  49,920
 *   stack 2  (128*256 + 512) + 2 * (256*256 + 512)
 *            = 33,280 + 2 * 66,048                      = 165,376
 *   stack 3  (256*512 + 1024) + 2 * (512*512 + 1024)
 *            = 132,096 + 2 * 263,168                    = 658,432
 *   dense    512*10 + 10                                =   5,130
 *   total                                               = 882,570 */
START_TEST(test_params_two_vertex)
{
    static const char *const rows[] = {"01", "00"};
    static const int ops[] = {CS_OP_INPUT, CS_OP_OUTPUT};
    cs_cell c;
    cs_params_cell_rows(&c, 2, rows, ops);
    ck_assert_int_eq(cs_params_of(&c), 882570);
}
END_TEST

/* input -> conv3x3 -> output.  The one vertex feeding the output gets all C
 * channels; per module: projection C_in -> C (C_in*C + 2C) plus the conv
 * (9*C*C + 2C):
 *   stem                                                =      3,712
 *   stack 1  3 * (16,640 + 9*128*128 + 256)
 *            = 3 * (16,640 + 147,712)                   =    493,056
 *   stack 2  (33,280 + 9*256*256 + 512) + 2 * (66,048 + 590,336)
 *            = 623,616 + 1,312,768                      =  1,936,384
 *   stack 3  (132,096 + 9*512*512 + 1024) + 2 * (263,168 + 2,360,320)
 *            = 2,492,416 + 5,246,976                    =  7,739,392
 *   dense                                               =      5,130
 *   total                                               = 10,177,674 */
START_TEST(test_params_one_conv)
{
    static const char *const rows[] = {"010", "001", "000"};
    static const int ops[] = {CS_OP_INPUT, CS_OP_CONV3X3, CS_OP_OUTPUT};
    cs_cell c;
    cs_params_cell_rows(&c, 3, rows, ops);
    ck_assert_int_eq(cs_params_of(&c), 10177674);
}
END_TEST

/* The Inception-like cell of facts section 7, in the dataset's order. */
START_TEST(test_params_inception)
{
    static const char *const rows[] = {
        "0111100", "0000001", "0000001", "0000001",
        "0000010", "0000001", "0000000"};
    static const int ops[] = {CS_OP_INPUT, CS_OP_CONV3X3, CS_OP_CONV1X1,
                              CS_OP_MAXPOOL3X3, CS_OP_CONV3X3, CS_OP_CONV3X3,
                              CS_OP_OUTPUT};
    cs_cell c;
    cs_params_cell_rows(&c, 7, rows, ops);
    ck_assert_int_eq(cs_params_of(&c), 2694282);
}
END_TEST

/* The count depends on vertex order.  input -> {1,2,3} -> output, one
 * conv3x3 and two maxpools: k = 3 feeders split C as 43/43/42 (C=128),
 * 86/85/85 (256), 171/171/170 (512), the extra channels going to the first
 * vertices.  Moving the conv from vertex 1 to vertex 3 changes only its own
 * size (projections from input sum to C_in*C either way):
 *   stack 1  3 * (9*(43^2 - 42^2) + 2)   = 3 * 767   = 2,301
 *   stack 2  3 * (9*(86^2 - 85^2) + 2)   = 3 * 1,541 = 4,623
 *   stack 3  3 * (9*(171^2 - 170^2) + 2) = 3 * 3,071 = 9,213
 *   difference                                       = 16,137 */
START_TEST(test_params_order_dependent)
{
    static const char *const rows[] = {"01110", "00001", "00001", "00001", "00000"};
    static const int first[] = {CS_OP_INPUT, CS_OP_CONV3X3, CS_OP_MAXPOOL3X3,
                                CS_OP_MAXPOOL3X3, CS_OP_OUTPUT};
    static const int last[] = {CS_OP_INPUT, CS_OP_MAXPOOL3X3, CS_OP_MAXPOOL3X3,
                               CS_OP_CONV3X3, CS_OP_OUTPUT};
    cs_cell a, b;
    cs_params_cell_rows(&a, 5, rows, first);
    cs_params_cell_rows(&b, 5, rows, last);
    ck_assert_int_eq(cs_params_of(&a) - cs_params_of(&b), 16137);
}
END_TEST

/* ------------------------------------------------------------- real data */

/* realdata/nb101-real-1k.json: 1,000 cells, 7x7 float matrices padded with
 * zeros and ops padded with -3 after the output. */
START_TEST(test_params_real_1k)
{
    json_t *d = cs_params_load("realdata/nb101-real-1k.json");
    json_t *adj = json_object_get(d, "adjacency");
    json_t *ops = json_object_get(d, "operations");
    json_t *want = json_object_get(d, "trainable_parameters");
    json_t *keys = json_object_get(d, "key");
    size_t count = json_array_size(adj);
    ck_assert_uint_eq(count, 1000);
    ck_assert_uint_eq(json_array_size(ops), count);
    ck_assert_uint_eq(json_array_size(want), count);
    for (size_t i = 0; i < count; i++) {
        json_t *labels = json_array_get(ops, i);
        int codes[CS_CELL_MAXV], n = 0;
        for (size_t j = 0; j < json_array_size(labels); j++) {
            int op = (int)json_integer_value(json_array_get(labels, j));
            if (op != -3) {
                ck_assert_int_lt(n, CS_CELL_MAXV);
                codes[n++] = op;
            }
        }
        cs_cell c;
        cs_params_cell(&c, json_array_get(adj, i), n, codes);
        int64_t expect = json_integer_value(json_array_get(want, i));
        ck_assert_msg(cs_params_of(&c) == expect, "cell %zu (%s): %" PRId64 " != %" PRId64,
                      i, json_string_value(json_array_get(keys, i)), cs_params_of(&c), expect);
    }
    json_decref(d);
}
END_TEST

/* realdata/nb101-real-30-repeats.json: hash -> {module_adjacency,
 * module_operations (names), trainable_parameters}. */
START_TEST(test_params_real_30)
{
    json_t *d = cs_params_load("realdata/nb101-real-30-repeats.json");
    const char *hash;
    json_t *rec;
    int checked = 0;
    json_object_foreach(d, hash, rec) {
        cs_cell c;
        cs_params_cell_named(&c, json_object_get(rec, "module_adjacency"),
                             json_object_get(rec, "module_operations"));
        int64_t expect = json_integer_value(json_object_get(rec, "trainable_parameters"));
        ck_assert_msg(cs_params_of(&c) == expect, "%s: %" PRId64 " != %" PRId64,
                      hash, cs_params_of(&c), expect);
        checked++;
    }
    ck_assert_int_eq(checked, 30);
    json_decref(d);
}
END_TEST

/* fixtures/nb101-real30-only108.expected.json: every probe the reference
 * answered with `fixed` (stored, permuted, dangling).  `fixed` holds the
 * stored pruned cell in the stored order, which is the order the count
 * belongs to (a permuted probe's own order can give a different count). */
START_TEST(test_params_fixture_real30)
{
    json_t *d = cs_params_load("fixtures/nb101-real30-only108.expected.json");
    json_t *probes = json_object_get(d, "probes");
    int checked = 0;
    for (size_t i = 0; i < json_array_size(probes); i++) {
        json_t *fixed = json_object_get(json_array_get(probes, i), "fixed");
        if (!json_is_object(fixed))
            continue;
        cs_cell c;
        cs_params_cell_named(&c, json_object_get(fixed, "module_adjacency"),
                             json_object_get(fixed, "module_operations"));
        int64_t expect = json_integer_value(json_object_get(fixed, "trainable_parameters"));
        ck_assert_msg(cs_params_of(&c) == expect, "probe %zu: %" PRId64 " != %" PRId64,
                      i, cs_params_of(&c), expect);
        checked++;
    }
    ck_assert_int_eq(checked, 90);
    json_decref(d);
}
END_TEST

/* ----------------------------------------------------------------- errors */

static void cs_params_expect_error(const cs_cell *c)
{
    cs_error err = {0};
    int64_t p = 12345;
    ck_assert_int_eq(cs_cell_trainable_parameters(c, &p, &err), CS_ERR_VALUE);
    ck_assert_int_eq(err.code, CS_ERR_VALUE);
    ck_assert_msg(err.msg[0] != '\0', "empty message");
    ck_assert_int_eq(p, 12345); /* untouched on error */
}

START_TEST(test_params_errors)
{
    cs_cell c;
    static const int io[] = {CS_OP_INPUT, CS_OP_OUTPUT};
    static const int i3o[] = {CS_OP_INPUT, CS_OP_CONV3X3, CS_OP_OUTPUT};

    /* Disconnected two-vertex cell: nothing to build. */
    static const char *const none2[] = {"00", "00"};
    cs_params_cell_rows(&c, 2, none2, io);
    cs_params_expect_error(&c);

    /* Not pruned: vertex 1 is a dead end (the reference would give it 0
     * channels and fail its assertion). */
    static const char *const dead[] = {"011", "000", "000"};
    cs_params_cell_rows(&c, 3, dead, i3o);
    cs_params_expect_error(&c);

    /* Not pruned: vertex 1 has no input. */
    static const char *const orphan[] = {"001", "001", "000"};
    cs_params_cell_rows(&c, 3, orphan, i3o);
    cs_params_expect_error(&c);

    /* Edge below the diagonal. */
    static const char *const lower[] = {"011", "001", "010"};
    cs_params_cell_rows(&c, 3, lower, i3o);
    cs_params_expect_error(&c);

    /* Wrong or unknown ops. */
    static const char *const path3[] = {"010", "001", "000"};
    static const int swapped[] = {CS_OP_OUTPUT, CS_OP_CONV3X3, CS_OP_INPUT};
    static const int unknown[] = {CS_OP_INPUT, CS_OP_UNKNOWN, CS_OP_OUTPUT};
    static const int inner_in[] = {CS_OP_INPUT, CS_OP_INPUT, CS_OP_OUTPUT};
    cs_params_cell_rows(&c, 3, path3, swapped);
    cs_params_expect_error(&c);
    cs_params_cell_rows(&c, 3, path3, unknown);
    cs_params_expect_error(&c);
    cs_params_cell_rows(&c, 3, path3, inner_in);
    cs_params_expect_error(&c);

    /* Too few vertices. */
    memset(&c, 0, sizeof c);
    c.n = 1;
    c.op[0] = CS_OP_INPUT;
    cs_params_expect_error(&c);

    /* NULL arguments. */
    int64_t p;
    cs_params_cell_rows(&c, 3, path3, i3o);
    ck_assert_int_eq(cs_cell_trainable_parameters(NULL, &p, NULL), CS_ERR_ARG);
    ck_assert_int_eq(cs_cell_trainable_parameters(&c, NULL, NULL), CS_ERR_ARG);
}
END_TEST

TCase *cs_params_tcase(void)
{
    TCase *tc = tcase_create("params");
    tcase_add_test(tc, test_params_two_vertex);
    tcase_add_test(tc, test_params_one_conv);
    tcase_add_test(tc, test_params_inception);
    tcase_add_test(tc, test_params_order_dependent);
    tcase_add_test(tc, test_params_real_1k);
    tcase_add_test(tc, test_params_real_30);
    tcase_add_test(tc, test_params_fixture_real30);
    tcase_add_test(tc, test_params_errors);
    return tc;
}
