/* analysis/ on NAS-Bench-201: structure, neighbour graphs and the data
 * analyses.
 *
 * Expected values come from outside the code under test: counts known in
 * closed form (binomials, the Hamming graph H(6, 5)), the API's numbers
 * (6,466 unique cells), second implementations written here from the
 * definitions (paths of the 4-node cell, classes by the API's key, local
 * optima by looking at every neighbour), small hand-made CSVs whose answers
 * are worked out in the comments, and the real CIFAR-10 accuracies of
 * ../shared/realdata (cells that compute 0 score chance, 10 %). */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_analysis.h"
#include "cs_nb201.h"
#include "cs_nb201_analysis.h"
#include "cs_nb201_data.h"

TCase *cs_nb201_analysis_tcase(void);

#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif

/* --- running analyses ----------------------------------------------------------- */

typedef struct run {
    char dir[256];
    cs_nb201_data *data;
    cs_analysis_ctx ctx;
} run;

static void run_init(run *r, const char *csv)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "%s/cs-nb201-XXXXXX", CS_TEST_TMPDIR);
    ck_assert(mkdtemp(r->dir) != NULL);
    cs_error err;
    if (csv)
        ck_assert_msg(cs_nb201_data_read_memory(csv, strlen(csv), "test.csv", &r->data, &err) ==
                          CS_OK,
                      "%s", err.msg);
    r->ctx.data_name = csv ? "test.csv" : "none (structure only)";
    r->ctx.nb201 = r->data;
    r->ctx.threads = 2;
}

static void run_destroy(run *r)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    ck_assert_int_eq(system(cmd), 0);
    cs_nb201_data_destroy(r->data);
}

static void run_ok(run *r, cs_analysis_fn fn)
{
    cs_error err;
    cs_status st = fn(&r->ctx, r->dir, &err);
    ck_assert_msg(st == CS_OK, "%s", err.msg);
}

static json_t *run_json(const run *r, const char *file)
{
    return cs_test_json_at(r->dir, file);
}

static double jnum(json_t *j, const char *k) { return cs_test_jnum(j, k); }

/* A TSV's data rows as numbers (NaN where a field is not one). */
#define MAXCOL 20
typedef struct tsv {
    size_t n;
    double v[400][MAXCOL];
    char text[400][MAXCOL][96];
    char header[1024];
} tsv;

static tsv *read_tsv(const run *r, const char *file)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", r->dir, file);
    size_t len;
    char *text = cs_test_read_file(p, &len);
    ck_assert_msg(text != NULL, "cannot read %s", p);
    tsv *t = calloc(1, sizeof *t);
    bool header = false;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        if (!header) {
            snprintf(t->header, sizeof t->header, "%s", line);
            header = true;
            continue;
        }
        ck_assert_uint_lt(t->n, 400);
        int col = 0;
        for (char *s2 = NULL, *f = strtok_r(line, "\t", &s2); f && col < MAXCOL;
             f = strtok_r(NULL, "\t", &s2), col++) {
            char *end;
            double d = strtod(f, &end);
            t->v[t->n][col] = *end ? NAN : d;
            snprintf(t->text[t->n][col], sizeof t->text[t->n][col], "%s", f);
        }
        t->n++;
    }
    free(text);
    return t;
}

static uint32_t idx(const char *arch)
{
    cs_nb201_cell c;
    cs_error err;
    ck_assert_msg(cs_nb201_parse(arch, strlen(arch), &c, &err) == CS_OK, "%s", err.msg);
    return cs_nb201_index(&c);
}

/* --- structure -------------------------------------------------------------------- */

/* The input-output paths of the cell through edges (e for each step). */
static const int paths[4][3] = {{3, -1, -1}, {0, 4, -1}, {1, 5, -1}, {0, 2, 5}};

typedef struct shape {
    int depth, op_depth, live, convs;
} shape;

/* From the definition: an edge is live when it lies on a path all of whose
 * edges are not none; depth is the longest such path, op depth the most
 * non-skip operations on one. */
static shape shape_by_paths(const cs_nb201_cell *c)
{
    shape s = {0, 0, 0, 0};
    bool live[6] = {false};
    for (int p = 0; p < 4; p++) {
        bool ok = true;
        int len = 0, ops = 0;
        for (int k = 0; k < 3 && paths[p][k] >= 0; k++) {
            int op = c->op[paths[p][k]];
            ok = ok && op != CS_NB201_NONE;
            len++;
            ops += op != CS_NB201_SKIP;
        }
        if (!ok)
            continue;
        for (int k = 0; k < 3 && paths[p][k] >= 0; k++)
            live[paths[p][k]] = true;
        s.depth = len > s.depth ? len : s.depth;
        s.op_depth = ops > s.op_depth ? ops : s.op_depth;
    }
    for (int e = 0; e < 6; e++)
        if (live[e]) {
            s.live++;
            s.convs += c->op[e] == CS_NB201_CONV1X1 || c->op[e] == CS_NB201_CONV3X3;
        }
    return s;
}

START_TEST(structure_counts)
{
    run r;
    run_init(&r, NULL);
    run_ok(&r, cs_analysis_nb201_structure);
    json_t *j = run_json(&r, "structure.json");
    ck_assert_int_eq((int)jnum(j, "cells"), 15625);
    ck_assert_int_eq((int)jnum(j, "api_classes"), 6466); /* the API's count */
    ck_assert(json_is_true(json_object_get(j, "certified")));
    ck_assert(json_is_false(json_object_get(j, "synthetic")));

    /* cells with k edges of one op: C(6, k) 4^(6-k), for every op */
    static const double binom[7] = {4096, 6144, 3840, 1280, 240, 24, 1};
    tsv *t = read_tsv(&r, "structure_ops.tsv");
    ck_assert_str_eq(t->header,
                     "edges\tnone\tskip_connect\tnor_conv_1x1\tnor_conv_3x3\tavg_pool_3x3");
    ck_assert_uint_eq(t->n, 7);
    for (size_t k = 0; k < 7; k++)
        for (int op = 1; op <= 5; op++)
            ck_assert_double_eq(t->v[k][op], binom[k]);
    free(t);

    /* depth, op depth, live edges and live convolutions by paths */
    double want[7][4] = {{0}};
    size_t zero = 0;
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell c;
        cs_nb201_from_code(code, &c);
        shape s = shape_by_paths(&c);
        want[s.depth][0]++;
        want[s.op_depth][1]++;
        want[s.live][2]++;
        want[s.convs][3]++;
        zero += s.depth == 0;
    }
    t = read_tsv(&r, "structure_depth.tsv");
    ck_assert_uint_eq(t->n, 7);
    for (size_t n = 0; n < 7; n++)
        for (int k = 0; k < 4; k++)
            ck_assert_msg(t->v[n][k + 1] == want[n][k], "n=%zu column %d: %g, want %g", n,
                          k + 1, t->v[n][k + 1], want[n][k]);
    free(t);
    /* a cell computes 0 exactly when no path is all not-none */
    ck_assert_int_eq((int)jnum(j, "zero_cells"), (int)zero);
    json_decref(j);

    /* classes by size add up to the cells */
    t = read_tsv(&r, "structure_classes.tsv");
    double sum[3] = {0}, classes[3] = {0};
    for (size_t i = 0; i < t->n; i++)
        for (int k = 0; k < 3; k++) {
            sum[k] += t->v[i][0] * t->v[i][k + 1];
            classes[k] += t->v[i][k + 1];
        }
    for (int k = 0; k < 3; k++)
        ck_assert_double_eq(sum[k], 15625);
    ck_assert_double_eq(classes[0], 6466);
    free(t);
    run_destroy(&r);
}
END_TEST

/* --- neighbours ------------------------------------------------------------------- */

typedef struct keyed {
    char key[256];
    uint32_t code;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

START_TEST(neighbour_graphs)
{
    run r;
    run_init(&r, NULL);
    run_ok(&r, cs_analysis_nb201_neighbours);
    json_t *j = run_json(&r, "neighbours.json");
    /* H(6, 5): 24-regular on 5^6 vertices, diameter 6 */
    ck_assert_int_eq((int)jnum(j, "cells"), 15625);
    ck_assert_int_eq((int)jnum(j, "cell_graph_edges"), 15625 * 24 / 2);
    ck_assert_int_eq((int)jnum(j, "cell_graph_min_degree"), 24);
    ck_assert_int_eq((int)jnum(j, "cell_graph_max_degree"), 24);
    ck_assert_int_eq((int)jnum(j, "cell_graph_diameter"), 6);

    /* The class graph, again: classes by sorting the API's keys, edges by
     * trying every edit of every cell. */
    keyed *k = malloc(CS_NB201_CELLS * sizeof *k);
    uint32_t *cls = malloc(CS_NB201_CELLS * sizeof *cls);
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell c;
        cs_nb201_from_code(code, &c);
        cs_nb201_api_key(&c, k[code].key, sizeof k[code].key);
        k[code].code = code;
    }
    qsort(k, CS_NB201_CELLS, sizeof *k, cmp_keyed);
    uint32_t n = 0;
    for (size_t i = 0; i < CS_NB201_CELLS; i++) {
        if (i && strcmp(k[i].key, k[i - 1].key) != 0)
            n++;
        cls[k[i].code] = n;
    }
    n++;
    ck_assert_uint_eq(n, 6466);
    uint64_t *pairs = malloc((size_t)CS_NB201_CELLS * 24 * sizeof *pairs);
    size_t np = 0;
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell c;
        cs_nb201_from_code(code, &c);
        for (int e = 0; e < 6; e++)
            for (int op = 0; op < 5; op++) {
                cs_nb201_cell d = c;
                d.op[e] = (uint8_t)op;
                uint32_t a = cls[code], b = cls[cs_nb201_code(&d)];
                if (a < b)
                    pairs[np++] = (uint64_t)a << 32 | b;
            }
    }
    qsort(pairs, np, sizeof *pairs, cmp_u64);
    size_t edges = 0;
    for (size_t i = 0; i < np; i++)
        edges += i == 0 || pairs[i] != pairs[i - 1];
    ck_assert_int_eq((int)jnum(j, "vertices"), (int)n);
    ck_assert_int_eq((int)jnum(j, "edges"), (int)edges);
    ck_assert_int_eq((int)jnum(j, "components"), 1);
    free(k);
    free(cls);
    free(pairs);
    json_decref(j);
    run_destroy(&r);
}
END_TEST

/* --- data analyses on hand-made CSVs ---------------------------------------------- */

#define A33 "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
/* A33 with edge 0 (1<-0) a 1x1 convolution */
#define A13 "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
/* A33 with edge 0 none, then also edge 1 none, then also edge 2 none */
#define B1 "|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
#define B2 "|none~0|+|none~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
#define B3 "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
/* far from all of them: every edge differs from A33 and from B1-B3 */
#define FAR "|skip_connect~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|skip_connect~0|skip_connect~1|skip_connect~2|"
#define ZERO "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"

START_TEST(op_importance_by_hand)
{
    /* A33 -> A13 replaces conv3x3 by conv1x1 on edge 0: -5 (95 -> 90); the
     * reverse +5; nothing else is one edit apart with both ends in the
     * data except A33 <-> B1 (conv3x3 -> none: 80 - 95 = -15) and A13 <->
     * B1 (conv1x1 -> none: -10), and B1 <-> B2 on edge 1 (conv3x3 -> none:
     * 70 - 80 = -10). */
    run r;
    run_init(&r, "arch,dataset,metric,value\n" A33 ",cifar10,test-accuracy,95\n" A13
                 ",cifar10,test-accuracy,90\n" B1 ",cifar10,test-accuracy,80\n" B2
                 ",cifar10,test-accuracy,70\n");
    run_ok(&r, cs_analysis_nb201_op_importance);
    tsv *t = read_tsv(&r, "op_importance.tsv");
    ck_assert_uint_eq(t->n, 20);
    int seen = 0;
    for (size_t i = 0; i < t->n; i++) {
        const char *from = t->text[i][0], *to = t->text[i][1];
        double pairs = t->v[i][2], mean = t->v[i][3];
        if (!strcmp(from, "conv3x3") && !strcmp(to, "conv1x1")) {
            ck_assert_double_eq(pairs, 1);
            ck_assert_double_eq_tol(mean, -5, 1e-12);
            seen++;
        } else if (!strcmp(from, "conv1x1") && !strcmp(to, "conv3x3")) {
            ck_assert_double_eq(pairs, 1);
            ck_assert_double_eq_tol(mean, 5, 1e-12);
            seen++;
        } else if (!strcmp(from, "conv3x3") && !strcmp(to, "none")) {
            /* A33 -> B1 (-15) and B1 -> B2 (-10) */
            ck_assert_double_eq(pairs, 2);
            ck_assert_double_eq_tol(mean, -12.5, 1e-12);
            seen++;
        } else if (!strcmp(from, "none") && !strcmp(to, "conv3x3")) {
            ck_assert_double_eq(pairs, 2);
            ck_assert_double_eq_tol(mean, 12.5, 1e-12);
            seen++;
        } else if (!strcmp(from, "conv1x1") && !strcmp(to, "none")) {
            ck_assert_double_eq(pairs, 1);
            ck_assert_double_eq_tol(mean, -10, 1e-12);
            seen++;
        } else if (!strcmp(from, "none") && !strcmp(to, "conv1x1")) {
            ck_assert_double_eq(pairs, 1);
            ck_assert_double_eq_tol(mean, 10, 1e-12);
            seen++;
        } else
            ck_assert_msg(pairs == 0, "%s -> %s: %g pairs", from, to, pairs);
    }
    ck_assert_int_eq(seen, 6);
    free(t);
    json_t *j = run_json(&r, "op_importance.json");
    ck_assert_int_eq((int)jnum(j, "replacements_counted"), 8);
    ck_assert(json_is_true(json_object_get(j, "fitness_is_test_accuracy")));
    ck_assert(json_is_null(json_object_get(j, "cost_metric")));
    json_decref(j);
    run_destroy(&r);

    /* With a cost for A33 (40) and A13 (20) only: conv3x3 -> conv1x1 costs
     * (20 - 40) / 40 = -50 %, the reverse +100 %; the replacements into or
     * out of B1, which has no cost, count for the fitness only. */
    run_init(&r, "arch,dataset,metric,value\n" A33 ",cifar10,test-accuracy,95\n" A13
                 ",cifar10,test-accuracy,90\n" B1 ",cifar10,test-accuracy,80\n" A33
                 ",cifar10,train-all-time,40\n" A13 ",cifar10,train-all-time,20\n");
    run_ok(&r, cs_analysis_nb201_op_importance);
    t = read_tsv(&r, "op_importance.tsv");
    for (size_t i = 0; i < t->n; i++) {
        const char *from = t->text[i][0], *to = t->text[i][1];
        if (!strcmp(from, "conv3x3") && !strcmp(to, "conv1x1"))
            ck_assert_double_eq_tol(t->v[i][10], -0.5, 1e-12);
        else if (!strcmp(from, "conv1x1") && !strcmp(to, "conv3x3"))
            ck_assert_double_eq_tol(t->v[i][10], 1.0, 1e-12);
        else if (!strcmp(from, "conv3x3") && !strcmp(to, "none")) {
            ck_assert_double_eq(t->v[i][2], 1);   /* A33 -> B1 counted */
            ck_assert(isnan(t->v[i][10]));        /* without a cost */
        }
    }
    free(t);
    run_destroy(&r);
}
END_TEST

START_TEST(optima_by_hand)
{
    /* A33 95, B1 80, B2 85 (B2 - B1 - A33 is a path: A33 and B2 are two
     * edits apart), FAR 50 alone.  Optima: A33 (its one neighbour with
     * data, B1, is worse) and B2 (likewise); B1 climbs to A33.  FAR has no
     * neighbour with data: isolated, not an optimum. */
    run r;
    run_init(&r, "# synthetic\narch,dataset,metric,value\n" A33 ",c10,valid-accuracy,95\n" B1
                 ",c10,valid-accuracy,80\n" B2 ",c10,valid-accuracy,85\n" FAR
                 ",c10,valid-accuracy,50\n" A33 ",c10,test-accuracy,94\n" B1
                 ",c10,test-accuracy,79\n" B2 ",c10,test-accuracy,84\n" FAR
                 ",c10,test-accuracy,49\n");
    run_ok(&r, cs_analysis_nb201_optima);
    json_t *j = run_json(&r, "optima.json");
    ck_assert(json_is_true(json_object_get(j, "synthetic")));
    ck_assert(json_is_false(json_object_get(j, "fitness_is_test_accuracy")));
    ck_assert_str_eq(json_string_value(json_object_get(j, "fitness_metric")), "valid-accuracy");
    ck_assert_int_eq((int)jnum(j, "cells_with_data"), 4);
    ck_assert_int_eq((int)jnum(j, "isolated_cells"), 1);
    ck_assert_int_eq((int)jnum(j, "local_optima"), 2);
    ck_assert_int_eq((int)jnum(j, "strict_local_optima"), 2);
    ck_assert_int_eq((int)jnum(j, "global_best_cell"), (int)idx(A33));
    ck_assert_str_eq(json_string_value(json_object_get(j, "global_best_arch")), A33);
    ck_assert_int_eq((int)jnum(j, "global_best_basin"), 2);
    json_decref(j);
    tsv *t = read_tsv(&r, "optima.tsv");
    ck_assert_uint_eq(t->n, 2);
    ck_assert_str_eq(t->text[0][2], A33);
    ck_assert_double_eq(t->v[0][3], 95);
    ck_assert_double_eq(t->v[0][4], 94); /* the score beside it */
    ck_assert_double_eq(t->v[0][6], 2);  /* basin */
    ck_assert_str_eq(t->text[1][2], B2);
    ck_assert_double_eq(t->v[1][6], 1);
    free(t);
    run_destroy(&r);
}
END_TEST

START_TEST(locality_by_hand)
{
    /* A chain A33 - B1 - B2 - B3 with fitness 90, 80, 70, 60: the best is
     * A33 and every other cell is as far from it as it is worse, so the
     * fitness-distance correlation is -1 (Pearson and Spearman). */
    run r;
    run_init(&r, "index,dataset,metric,value\n" A33 ",d,test-accuracy,90\n" B1
                 ",d,test-accuracy,80\n" B2 ",d,test-accuracy,70\n" B3 ",d,test-accuracy,60\n");
    run_ok(&r, cs_analysis_nb201_locality);
    json_t *j = run_json(&r, "locality.json");
    ck_assert_double_eq_tol(jnum(j, "fdc_pearson"), -1.0, 1e-12);
    ck_assert_double_eq_tol(jnum(j, "fdc_spearman"), -1.0, 1e-12);
    ck_assert_int_eq((int)jnum(j, "max_distance"), 3);
    ck_assert_int_eq((int)jnum(j, "best_cell"), (int)idx(A33));
    ck_assert_int_eq((int)jnum(j, "cells_visited"), 4);
    ck_assert_int_eq((int)jnum(j, "restarts"), 0);
    /* along a path walk, neighbours differ by exactly 10: positive at 1 */
    ck_assert(jnum(j, "rwa_fitness_shift1") > 0.0);
    json_decref(j);
    tsv *t = read_tsv(&r, "locality_fdc.tsv");
    ck_assert_uint_eq(t->n, 4);
    for (size_t d = 0; d < 4; d++) {
        ck_assert_double_eq(t->v[d][0], (double)d);
        ck_assert_double_eq(t->v[d][1], 1);
        ck_assert_double_eq(t->v[d][2], 90.0 - 10.0 * (double)d);
    }
    free(t);
    run_destroy(&r);
}
END_TEST

/* Two cells of one API class: node 1 is the input (skip), and the output
 * adds a 3x3 and a 1x1 convolution of it, one through edge 3 <- 0 and the
 * other through 3 <- 1, in either order. */
#define ISO1 "|skip_connect~0|+|none~0|none~1|+|nor_conv_3x3~0|nor_conv_1x1~1|none~2|"
#define ISO2 "|skip_connect~0|+|none~0|none~1|+|nor_conv_1x1~0|nor_conv_3x3~1|none~2|"

static bool stop_after(void *user)
{
    int *left = user;
    return --*left < 0;
}

/* The walks ask every 4,096 steps: 2 walks of 10,000 steps ask 3 times
 * each; told to stop at the fourth question, the run returns
 * CS_ERR_CANCELLED with no walks. */
START_TEST(walks_are_cancelled_between_steps)
{
    cs_nbgraph g;
    cs_error err;
    ck_assert_int_eq(cs_nb201_cell_graph(&g, &err), CS_OK);
    double *f = malloc(CS_NB201_CELLS * sizeof *f);
    for (int i = 0; i < CS_NB201_CELLS; i++)
        f[i] = (double)(i % 11);
    int left = 1000;
    cs_monitor m = {.cancelled = stop_after, .cancel_user = &left};
    cs_walks w;
    ck_assert_int_eq(cs_nb201_walks_run(&w, &g, f, 2, 10000, 5, &m, &err), CS_OK);
    ck_assert_int_eq(1000 - left, 6);
    cs_walks_destroy(&w);
    left = 3;
    ck_assert_int_eq(cs_nb201_walks_run(&w, &g, f, 2, 10000, 5, &m, &err), CS_ERR_CANCELLED);
    ck_assert_str_eq(err.msg, "cancelled");
    ck_assert(w.path == NULL && w.len == NULL);
    free(f);
    cs_nbgraph_destroy(&g);
}
END_TEST

START_TEST(accuracy_by_hand)
{
    /* ISO1 has two rows (repeats) 90 and 92: mean 91; ISO2 93; their class's
     * pooled sd is that of {91, 93}: sqrt(2).  ZERO computes 0: 10. */
    run r;
    run_init(&r, "arch,dataset,metric,value\n" ISO1 ",cifar10,test-accuracy,90\n" ISO1
                 ",cifar10,test-accuracy,92\n" ISO2 ",cifar10,test-accuracy,93\n" ZERO
                 ",cifar10,test-accuracy,10\n" A33 ",other,test-accuracy,99\n");
    run_ok(&r, cs_analysis_nb201_accuracy);
    json_t *j = run_json(&r, "accuracy.json");
    ck_assert_str_eq(json_string_value(json_object_get(j, "dataset")), "cifar10");
    ck_assert_int_eq((int)jnum(j, "cells_with_data"), 3);
    ck_assert_int_eq((int)jnum(j, "best_score_index"), (int)idx(ISO2));
    ck_assert_double_eq_tol(jnum(j, "best_score"), 93, 1e-12);
    ck_assert_int_eq((int)jnum(j, "zero_cells_with_data"), 1);
    ck_assert_double_eq_tol(jnum(j, "zero_cells_mean_score"), 10, 1e-12);
    ck_assert_int_eq((int)jnum(j, "api_classes_with_duplicates"), 1);
    ck_assert_double_eq_tol(jnum(j, "api_class_pooled_score_sd"), sqrt(2.0), 1e-12);
    json_t *f = json_object_get(j, "fitness");
    ck_assert_double_eq_tol(json_number_value(json_object_get(f, "mean")), (91 + 93 + 10) / 3.0,
                            1e-12);
    json_decref(j);
    tsv *t = read_tsv(&r, "accuracy_best.tsv");
    ck_assert_uint_eq(t->n, 3);
    ck_assert_str_eq(t->text[0][2], ISO2);
    ck_assert_str_eq(t->text[1][2], ISO1);
    ck_assert_double_eq_tol(t->v[1][3], 91, 1e-12);
    free(t);
    /* the other dataset */
    r.ctx.nb201_dataset = "other";
    run_ok(&r, cs_analysis_nb201_accuracy);
    j = run_json(&r, "accuracy.json");
    ck_assert_int_eq((int)jnum(j, "cells_with_data"), 1);
    json_decref(j);
    run_destroy(&r);
}
END_TEST

START_TEST(errors_name_what_is_missing)
{
    run r;
    run_init(&r, "arch,dataset,metric,value\n" A33 ",cifar10,train-accuracy,90\n");
    cs_error err;
    /* no data at all */
    cs_analysis_ctx none = {.data_name = "none"};
    ck_assert_int_eq(cs_analysis_nb201_accuracy(&none, r.dir, &err), CS_ERR_ARG);
    /* no test or validation accuracy */
    ck_assert_int_eq(cs_analysis_nb201_optima(&r.ctx, r.dir, &err), CS_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "train-accuracy") != NULL, "%s", err.msg);
    /* a dataset that is not there: the message lists those that are */
    r.ctx.nb201_dataset = "cifar100";
    ck_assert_int_eq(cs_analysis_nb201_locality(&r.ctx, r.dir, &err), CS_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "cifar100") && strstr(err.msg, "cifar10)"), "%s", err.msg);
    /* the metric named as fitness is used */
    r.ctx.nb201_dataset = NULL;
    r.ctx.nb201_fitness = "train-accuracy";
    run_ok(&r, cs_analysis_nb201_accuracy);
    r.ctx.nb201_score = "test-accuracy";
    ck_assert_int_eq(cs_analysis_nb201_accuracy(&r.ctx, r.dir, &err), CS_ERR_ARG);
    run_destroy(&r);
    /* fitness and score on different cells: both metrics are named */
    run_init(&r, "arch,dataset,metric,value\n" A33 ",cifar10,valid-accuracy,90\n" A13
                 ",cifar10,test-accuracy,80\n");
    ck_assert_int_eq(cs_analysis_nb201_optima(&r.ctx, r.dir, &err), CS_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "no cell has both valid-accuracy and test-accuracy for "
                                  "dataset cifar10 in test.csv"),
                  "%s", err.msg);
    run_destroy(&r);
}
END_TEST

START_TEST(optimizers_by_hand)
{
    /* Four cells with data, A33 the best by both metrics: 300 queries'
     * worth of budget finds it in every run of every method.  With a cost
     * metric the budget is 300 x the mean cost ((10 + 20 + 30 + 40) / 4). */
    run r;
    run_init(&r, "arch,dataset,metric,value\n" A33 ",d,valid-accuracy,95\n" B1
                 ",d,valid-accuracy,80\n" B2 ",d,valid-accuracy,85\n" FAR
                 ",d,valid-accuracy,50\n" A33 ",d,test-accuracy,94\n" B1 ",d,test-accuracy,79\n" B2
                 ",d,test-accuracy,84\n" FAR ",d,test-accuracy,49\n" A33 ",d,train-all-time,40\n" B1
                 ",d,train-all-time,10\n" B2 ",d,train-all-time,20\n" FAR ",d,train-all-time,30\n");
    r.ctx.optimizer_runs = 20;
    run_ok(&r, cs_analysis_nb201_optimizers);
    json_t *j = run_json(&r, "optimizers.json");
    ck_assert_int_eq((int)jnum(j, "best_class"), (int)idx(A33));
    ck_assert_double_eq_tol(jnum(j, "best_mean_test_accuracy"), 94, 1e-12);
    ck_assert_double_eq_tol(jnum(j, "budget_train_all_time"), 300 * 25.0, 1e-9);
    ck_assert_str_eq(json_string_value(json_object_get(j, "cost_metric")), "train-all-time");
    json_t *m = json_object_get(j, "methods");
    const char *names[] = {"random", "evolution", "local", "reinforce"};
    for (int i = 0; i < 4; i++) {
        json_t *x = json_object_get(m, names[i]);
        ck_assert_msg(x != NULL, "no %s", names[i]);
        ck_assert_double_eq(jnum(x, "fraction_zero_regret"), 1.0);
    }
    json_decref(j);
    tsv *t = read_tsv(&r, "optimizers_regret.tsv");
    ck_assert_msg(strncmp(t->header, "train_all_time\t", 15) == 0, "%s", t->header);
    ck_assert_double_eq_tol(t->v[0][0], 25.0, 1e-9);            /* the grid starts at the mean cost */
    ck_assert_double_eq_tol(t->v[t->n - 1][0], 7500.0, 1e-9);   /* and ends at the budget */
    free(t);
    run_destroy(&r);
}
END_TEST

/* --- real data ----------------------------------------------------------------------- */

static char *real_csv(void)
{
    json_t *j = cs_test_load_json("realdata/nb201-archs-cifar10.json");
    json_t *archs = json_object_get(j, "archs"), *acc = json_object_get(j, "accuracies");
    ck_assert_uint_eq(json_array_size(archs), 15625);
    size_t cap = 15625 * 160 + 64, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv, cap, "arch,dataset,metric,value\n");
    for (size_t i = 0; i < 15625; i++)
        len += (size_t)snprintf(csv + len, cap - len, "%s,cifar10,test-accuracy,%.17g\n",
                                json_string_value(json_array_get(archs, i)),
                                json_number_value(json_array_get(acc, i)));
    json_decref(j);
    return csv;
}

START_TEST(real_cifar10)
{
    char *csv = real_csv();
    run r;
    run_init(&r, csv);
    free(csv);
    run_ok(&r, cs_analysis_nb201_accuracy);
    json_t *j = run_json(&r, "accuracy.json");
    ck_assert(json_is_false(json_object_get(j, "synthetic")));
    /* SOURCES.md: the best is 94.373 for this cell */
    ck_assert_str_eq(json_string_value(json_object_get(j, "best_score_arch")),
                     "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|"
                     "nor_conv_3x3~1|nor_conv_1x1~2|");
    ck_assert_double_eq_tol(jnum(j, "best_score"), 94.373, 1e-3);
    /* a network that outputs 0 guesses: 10 % on CIFAR-10's ten classes */
    ck_assert_double_eq_tol(jnum(j, "zero_cells_mean_score"), 10.0, 1e-9);
    json_decref(j);

    /* local optima, by looking at every cell's 24 neighbours */
    const double *acc = cs_nb201_data_means(r.data, 0, 0);
    int optima = 0;
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++) {
        cs_nb201_cell c;
        cs_nb201_from_index(i, &c);
        bool best = true;
        for (int e = 0; e < 6 && best; e++)
            for (int op = 0; op < 5 && best; op++) {
                cs_nb201_cell d = c;
                d.op[e] = (uint8_t)op;
                uint32_t k = cs_nb201_index(&d);
                best = k == i || acc[k] < acc[i];
            }
        optima += best;
    }
    run_ok(&r, cs_analysis_nb201_optima);
    j = run_json(&r, "optima.json");
    ck_assert_int_eq((int)jnum(j, "strict_local_optima"), optima);
    json_decref(j);
    run_ok(&r, cs_analysis_nb201_locality);
    j = run_json(&r, "locality.json");
    double rwa1 = jnum(j, "rwa_fitness_shift1"), rwa5 = jnum(j, "rwa_fitness_shift5");
    ck_assert(rwa1 > rwa5 && rwa5 > 0.0 && rwa1 < 1.0);
    ck_assert(jnum(j, "fdc_spearman") < 0.0);
    json_decref(j);
    /* Local search and regularized evolution beat random search here, as
     * White et al. (arXiv:2005.02960) found on NAS-Bench-201. */
    r.ctx.optimizer_runs = 100;
    run_ok(&r, cs_analysis_nb201_optimizers);
    j = run_json(&r, "optimizers.json");
    json_t *m = json_object_get(j, "methods");
    double rnd = jnum(json_object_get(m, "random"), "mean_final_regret");
    ck_assert(jnum(json_object_get(m, "local"), "mean_final_regret") < rnd);
    ck_assert(jnum(json_object_get(m, "evolution"), "mean_final_regret") < rnd);
    ck_assert_int_eq((int)jnum(j, "budget_queries"), 300);
    json_decref(j);
    run_destroy(&r);
}
END_TEST

TCase *cs_nb201_analysis_tcase(void)
{
    TCase *tc = tcase_create("nb201");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, structure_counts);
    tcase_add_test(tc, neighbour_graphs);
    tcase_add_test(tc, op_importance_by_hand);
    tcase_add_test(tc, optima_by_hand);
    tcase_add_test(tc, locality_by_hand);
    tcase_add_test(tc, walks_are_cancelled_between_steps);
    tcase_add_test(tc, accuracy_by_hand);
    tcase_add_test(tc, errors_name_what_is_missing);
    tcase_add_test(tc, optimizers_by_hand);
    tcase_add_test(tc, real_cifar10);
    return tc;
}
