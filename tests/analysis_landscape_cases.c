/* analysis/ landscape: the raw encoding space, the neighbour graph, edit
 * distances, and the locality, peaks and optima analyses.
 *
 * Every answer comes from outside the code under test: the definition
 * applied by brute force to small spaces (every encoding, every edit, with
 * enum/'s cs_space_raw_classes as the only oracle of classes), or a space
 * of at most three vertices whose graph and landscape are worked out by
 * hand below.  The data analyses read stores written here with the row
 * codec and TFRecord writer, flagged synthetic, with fitness values chosen
 * so that the answers are known. */
#include "testutil.h"

#include <dirent.h>
#include <igraph.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_analysis.h"
#include "cs_landscape.h"
#include "cs_nb101_row.h"
#include "cs_params.h"
#include "cs_space.h"
#include "cs_store.h"
#include "cs_tfrecord.h"

TCase *cs_landscape_tcase(void);

#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif

/* Spaces of 3 to 6 vertices, built once before the tests fork. */
static cs_space *spaces[8];

static void spaces_setup(void)
{
    for (int n = 3; n <= 6; n++) {
        cs_enum_options eo;
        cs_error err;
        cs_enum_options_init(&eo);
        eo.limits.max_vertices = n;
        if (cs_space_build(&spaces[n], &eo, &err) != CS_OK) {
            fprintf(stderr, "space of %d vertices: %s\n", n, err.msg);
            spaces[n] = NULL;
        }
    }
}

static void spaces_teardown(void)
{
    for (int n = 3; n <= 6; n++) {
        cs_space_destroy(spaces[n]);
        spaces[n] = NULL;
    }
}

static const cs_space *space(int n)
{
    ck_assert_msg(spaces[n] != NULL, "no space of %d vertices", n);
    return spaces[n];
}

/* --- brute force over raw encodings ---------------------------------------------- */

/* Every encoding's class, by enum/'s cs_space_raw_classes alone. */
typedef struct raw_oracle {
    int n, k, nbits;
    uint32_t L;
    uint64_t M, points;
    int32_t *cls;          /* points = M * L */
    uint32_t weight[8];
} raw_oracle;

static void oracle_init(raw_oracle *o, const cs_space *sp)
{
    o->n = cs_space_limits(sp)->max_vertices;
    o->k = cs_space_limits(sp)->num_ops;
    o->nbits = o->n * (o->n - 1) / 2;
    o->M = cs_space_raw_matrices(sp);
    o->L = cs_space_raw_labellings(sp);
    o->points = o->M * o->L;
    o->cls = malloc(o->points * sizeof *o->cls);
    ck_assert(o->cls != NULL);
    for (uint64_t m = 0; m < o->M; m++)
        cs_space_raw_classes(sp, m, o->cls + m * o->L);
    uint32_t w = 1;
    for (int v = o->n - 2; v >= 1; v--) {
        o->weight[v] = w;
        w *= (uint32_t)o->k;
    }
}

static void oracle_destroy(raw_oracle *o) { free(o->cls); }

static int digit(const raw_oracle *o, uint32_t t, int v)
{
    return (int)((t / o->weight[v]) % (uint32_t)o->k);
}

/* Every point one edit from p: returns how many, into out[]. */
static int oracle_edits(const raw_oracle *o, uint64_t p, uint64_t *out)
{
    uint64_t m = p / o->L;
    uint32_t t = (uint32_t)(p % o->L);
    int c = 0;
    for (int b = 0; b < o->nbits; b++)
        out[c++] = (m ^ (UINT64_C(1) << b)) * o->L + t;
    for (int v = 1; v <= o->n - 2; v++)
        for (int e = 0; e < o->k; e++)
            if (e != digit(o, t, v))
                out[c++] = (uint64_t)((int64_t)(m * o->L + t) +
                                      (int64_t)(e - digit(o, t, v)) * o->weight[v]);
    return c;
}

static int hamming(const raw_oracle *o, uint64_t p, uint64_t q)
{
    uint64_t m1 = p / o->L, m2 = q / o->L;
    uint32_t t1 = (uint32_t)(p % o->L), t2 = (uint32_t)(q % o->L);
    int d = __builtin_popcountll(m1 ^ m2);
    for (int v = 1; v <= o->n - 2; v++)
        d += digit(o, t1, v) != digit(o, t2, v);
    return d;
}

/* Distances from the encodings of the flagged classes: through every
 * point (the minimum Hamming distance), or by BFS through valid points. */
static void oracle_distances(const raw_oracle *o, const uint8_t *flag, bool valid_only,
                             int *dist)
{
    uint64_t *src = malloc(o->points * sizeof *src), ns = 0;
    uint64_t *queue = malloc(o->points * sizeof *queue);
    ck_assert(src && queue);
    for (uint64_t p = 0; p < o->points; p++) {
        dist[p] = -1;
        if (o->cls[p] >= 0 && flag[o->cls[p]])
            src[ns++] = p;
    }
    if (!valid_only) {
        for (uint64_t p = 0; p < o->points; p++)
            for (uint64_t i = 0; i < ns; i++) {
                int d = hamming(o, p, src[i]);
                if (dist[p] < 0 || d < dist[p])
                    dist[p] = d;
            }
    } else {
        uint64_t head = 0, tail = 0;
        for (uint64_t i = 0; i < ns; i++) {
            dist[src[i]] = 0;
            queue[tail++] = src[i];
        }
        while (head < tail) {
            uint64_t p = queue[head++], nb[64];
            int c = oracle_edits(o, p, nb);
            for (int i = 0; i < c; i++)
                if (o->cls[nb[i]] >= 0 && dist[nb[i]] < 0) {
                    dist[nb[i]] = dist[p] + 1;
                    queue[tail++] = nb[i];
                }
        }
    }
    free(src);
    free(queue);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The neighbour graph by its definition: every valid encoding, every edit.
 * Returns sorted unique keys a << 32 | b, a < b. */
static uint64_t *oracle_edges(const raw_oracle *o, size_t *n)
{
    size_t cap = 1 << 16, ne = 0;
    uint64_t *e = malloc(cap * sizeof *e);
    ck_assert(e != NULL);
    for (uint64_t p = 0; p < o->points; p++) {
        if (o->cls[p] < 0)
            continue;
        uint64_t nb[64];
        int c = oracle_edits(o, p, nb);
        for (int i = 0; i < c; i++) {
            int32_t a = o->cls[p], b = o->cls[nb[i]];
            if (b < 0 || a == b)
                continue;
            if (ne == cap) {
                cap *= 2;
                e = realloc(e, cap * sizeof *e);
                ck_assert(e != NULL);
            }
            e[ne++] = a < b ? (uint64_t)a << 32 | (uint64_t)b : (uint64_t)b << 32 | (uint64_t)a;
        }
    }
    qsort(e, ne, sizeof *e, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < ne; i++)
        if (!u || e[i] != e[u - 1])
            e[u++] = e[i];
    *n = u;
    return e;
}

/* --- the three-vertex space, by hand ---------------------------------------------
 * Classes: IO (input -> output) and, for each op x, chain(x) = I -> x -> O
 * and full(x) = chain(x) plus I -> O.  Raw encodings have 3 vertices: bits
 * b0 = 0->1, b1 = 0->2, b2 = 1->2.  b0+b2 is chain(x); b0+b1+b2 is full(x);
 * b1, b0+b1, b1+b2 prune to IO; the rest are invalid.  One edit joins:
 *   IO - full(x)        (b0+b1 or b1+b2, add the missing bit)
 *   chain(x) - full(x)  (flip b1)
 *   chain(x) - chain(y), full(x) - full(y)  (change the op)
 * and nothing else (IO - chain(x) needs two flips): 12 edges. */
typedef struct three {
    int64_t io, chain[3], full[3];
} three;

static int64_t find_cell(const cs_space *sp, int n, const uint32_t *adj, const int8_t *op)
{
    cs_cell c;
    memset(&c, 0, sizeof c);
    c.n = n;
    for (int i = 0; i < n; i++) {
        c.adj[i] = adj[i];
        c.op[i] = op[i];
    }
    int64_t k = cs_space_find_cell(sp, &c);
    ck_assert(k >= 0);
    return k;
}

static void three_classes(three *t)
{
    const cs_space *sp = space(3);
    uint32_t io[2] = {1u << 1, 0};
    int8_t io_op[2] = {-1, -2};
    t->io = find_cell(sp, 2, io, io_op);
    for (int x = 0; x < 3; x++) {
        uint32_t chain[3] = {1u << 1, 1u << 2, 0}, full[3] = {1u << 1 | 1u << 2, 1u << 2, 0};
        int8_t op[3] = {-1, (int8_t)x, -2};
        t->chain[x] = find_cell(sp, 3, chain, op);
        t->full[x] = find_cell(sp, 3, full, op);
    }
}

static uint64_t key(int64_t a, int64_t b)
{
    return a < b ? (uint64_t)a << 32 | (uint64_t)b : (uint64_t)b << 32 | (uint64_t)a;
}

/* --- synthetic stores ---------------------------------------------------------------- */

/* Write a store with three 108-epoch repeats for every class c whose val[c]
 * is not NaN (validation and test accuracies val[c][r], test[c][r]). */
typedef struct fitness_arrays {
    const double (*val)[3], (*test)[3];
} fitness_arrays;

static bool fitness_run(void *user, size_t c, int r, cs_test_metrics *out)
{
    const fitness_arrays *fa = user;
    if (isnan(fa->val[c][0]))
        return false;
    *out = (cs_test_metrics){fa->val[c][r], fa->test[c][r], 1000.0};
    return true;
}

static void write_store(const cs_space *sp, const double (*val)[3], const double (*test)[3],
                        char *path, size_t size)
{
    fitness_arrays fa = {val, test};
    cs_test_write_store(sp, 108, fitness_run, &fa, "landscape-test", path, size);
}

/* fitness arrays of a space: every class NaN */
static double (*fit_new(const cs_space *sp))[3]
{
    size_t n = cs_space_num_classes(sp);
    double (*v)[3] = malloc(n * sizeof *v);
    ck_assert(v != NULL);
    for (size_t c = 0; c < n; c++)
        v[c][0] = v[c][1] = v[c][2] = NAN;
    return v;
}

static void fit_set(double (*v)[3], int64_t c, double a)
{
    v[c][0] = v[c][1] = v[c][2] = a;
}

/* An analysis run into a fresh directory. */
typedef struct run {
    char dir[4096];
    char store_path[4200]; /* a store written for the run, or "" */
    cs_store *store;
    cs_analysis_ctx ctx;
} run;

static void run_start(run *r, const cs_space *sp, const char *store_path)
{
    if (store_path != r->store_path)
        r->store_path[0] = '\0';
    snprintf(r->dir, sizeof r->dir, "%s/landscape-out.XXXXXX", CS_TEST_TMPDIR);
    ck_assert(mkdtemp(r->dir) != NULL);
    cs_error err;
    r->store = NULL;
    if (store_path)
        ck_assert_msg(cs_store_open(&r->store, store_path, &err) == CS_OK, "%s", err.msg);
    memset(&r->ctx, 0, sizeof r->ctx);
    r->ctx.seed = 7;
    r->ctx.threads = 2;
    r->ctx.data_name = store_path ? "landscape test store" : NULL;
    ck_assert_msg(cs_analysis_ctx_init(&r->ctx, sp, r->store, &err) == CS_OK, "%s", err.msg);
}

static void run_end(run *r)
{
    cs_analysis_ctx_destroy(&r->ctx);
    if (r->store)
        cs_store_close(r->store);
    DIR *d = opendir(r->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char p[8192];
            snprintf(p, sizeof p, "%s/%s", r->dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(r->dir);
    if (r->store_path[0])
        unlink(r->store_path);
}

/* A run on a store written from the given accuracies (see write_store). */
static void run_on_data(run *r, const cs_space *sp, double (*val)[3], double (*test)[3])
{
    write_store(sp, (const double(*)[3])val, (const double(*)[3])test, r->store_path,
                sizeof r->store_path);
    run_start(r, sp, r->store_path);
}

static json_t *run_json(const run *r, const char *file)
{
    return cs_test_json_at(r->dir, file);
}

static double jnum(json_t *j, const char *k) { return cs_test_jnum(j, k); }

/* A TSV's data rows (comments and header skipped), fields as numbers
 * (NaN where not one); returns the row count. */
#define TSV_MAXCOL 10
static size_t read_tsv(const run *r, const char *file, double (**rows)[TSV_MAXCOL],
                       char header[512])
{
    char p[8192];
    snprintf(p, sizeof p, "%s/%s", r->dir, file);
    size_t len;
    char *text = cs_test_read_file(p, &len);
    ck_assert_msg(text != NULL, "cannot read %s", p);
    size_t n = 0, cap = 64;
    *rows = malloc(cap * sizeof **rows);
    bool seen_header = false;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        if (!seen_header) {
            snprintf(header, 512, "%s", line);
            seen_header = true;
            continue;
        }
        if (n == cap) {
            cap *= 2;
            *rows = realloc(*rows, cap * sizeof **rows);
        }
        int col = 0;
        for (char *f = line; f && col < TSV_MAXCOL; col++) {
            char *end;
            (*rows)[n][col] = strtod(f, &end);
            if (end == f || (*end && *end != '\t'))
                (*rows)[n][col] = NAN;
            f = strchr(f, '\t');
            if (f)
                f++;
        }
        for (; col < TSV_MAXCOL; col++)
            (*rows)[n][col] = NAN;
        n++;
    }
    free(text);
    return n;
}

/* --- the raw space --------------------------------------------------------------------- */

START_TEST(rawspace_matches_raw_classes)
{
    for (int n = 3; n <= 6; n++) {
        const cs_space *sp = space(n);
        cs_rawspace rs;
        cs_error err;
        ck_assert_msg(cs_rawspace_init(&rs, sp, 2, NULL, &err) == CS_OK, "%s", err.msg);
        uint32_t L = cs_space_raw_labellings(sp);
        int32_t *T = malloc(L * sizeof *T);
        uint64_t valid = 0, with_table = 0, counted = 0, wrong = 0;
        for (uint64_t m = 0; m < cs_space_raw_matrices(sp); m++) {
            cs_space_raw_classes(sp, m, T);
            bool any = false;
            for (uint32_t t = 0; t < L; t++) {
                wrong += cs_rawspace_class(&rs, m, t) != T[t];
                valid += T[t] >= 0;
                any |= T[t] >= 0;
            }
            with_table += any;
        }
        ck_assert_msg(wrong == 0, "n=%d: %llu encodings in the wrong class", n,
                      (unsigned long long)wrong);
        for (uint32_t i = 0; i < rs.ntables; i++)
            counted += rs.table_count[i];
        ck_assert_uint_eq(rs.valid_encodings, valid);
        ck_assert_uint_eq(counted, with_table);
        free(T);
        cs_rawspace_destroy(&rs);
    }
}
END_TEST

/* --- the neighbour graph ------------------------------------------------------------------ */

/* The adjacency lists hold each edge both ways, sorted.  (Counted, then
 * asserted once: an assertion per item is slow under Check.) */
static void check_csr(const cs_nbgraph *g)
{
    ck_assert_uint_eq(g->offset[g->nvertices], 2 * g->nedges);
    size_t bad = 0;
    for (size_t e = 0; e < g->nedges; e++) {
        uint32_t a = g->edges[2 * e], b = g->edges[2 * e + 1];
        bool ab = false, ba = false;
        for (uint64_t i = g->offset[a]; i < g->offset[a + 1]; i++)
            ab |= g->adj[i] == b;
        for (uint64_t i = g->offset[b]; i < g->offset[b + 1]; i++)
            ba |= g->adj[i] == a;
        bad += !(a < b && ab && ba);
    }
    for (size_t v = 0; v < g->nvertices; v++)
        for (uint64_t i = g->offset[v] + 1; i < g->offset[v + 1]; i++)
            bad += g->adj[i - 1] >= g->adj[i];
    ck_assert_msg(bad == 0, "%zu faults in the adjacency lists", bad);
}

START_TEST(nbgraph_three_vertices_by_hand)
{
    three t;
    three_classes(&t);
    uint64_t want[12];
    int nw = 0;
    for (int x = 0; x < 3; x++) {
        want[nw++] = key(t.io, t.full[x]);
        want[nw++] = key(t.chain[x], t.full[x]);
        for (int y = x + 1; y < 3; y++) {
            want[nw++] = key(t.chain[x], t.chain[y]);
            want[nw++] = key(t.full[x], t.full[y]);
        }
    }
    qsort(want, 12, sizeof want[0], cmp_u64);
    cs_rawspace rs;
    cs_nbgraph g;
    cs_error err;
    ck_assert(cs_rawspace_init(&rs, space(3), 1, NULL, &err) == CS_OK);
    ck_assert(cs_nbgraph_build(&g, &rs, 1, NULL, &err) == CS_OK);
    ck_assert_uint_eq(g.nvertices, 7);
    ck_assert_uint_eq(g.nedges, 12);
    for (int e = 0; e < 12; e++)
        ck_assert_uint_eq(key(g.edges[2 * e], g.edges[2 * e + 1]), want[e]);
    check_csr(&g);
    ck_assert_uint_eq(g.offset[t.io + 1] - g.offset[t.io], 3);
    cs_nbgraph_destroy(&g);
    cs_rawspace_destroy(&rs);
}
END_TEST

START_TEST(nbgraph_equals_definition)
{
    /* n = 4 and 5: every valid encoding, every edit; any thread count */
    for (int n = 4; n <= 5; n++) {
        raw_oracle o;
        oracle_init(&o, space(n));
        size_t nw;
        uint64_t *want = oracle_edges(&o, &nw);
        for (int threads = 1; threads <= 3; threads += 2) {
            cs_rawspace rs;
            cs_nbgraph g;
            cs_error err;
            ck_assert(cs_rawspace_init(&rs, space(n), threads, NULL, &err) == CS_OK);
            ck_assert(cs_nbgraph_build(&g, &rs, threads, NULL, &err) == CS_OK);
            ck_assert_msg(g.nedges == nw, "n=%d: %zu edges, the definition gives %zu", n,
                          g.nedges, nw);
            size_t differ = 0;
            for (size_t e = 0; e < nw; e++)
                differ += key(g.edges[2 * e], g.edges[2 * e + 1]) != want[e];
            ck_assert_msg(differ == 0, "n=%d: %zu edges differ from the definition's", n,
                          differ);
            check_csr(&g);
            cs_nbgraph_destroy(&g);
            cs_rawspace_destroy(&rs);
        }
        free(want);
        oracle_destroy(&o);
    }
}
END_TEST

START_TEST(nbgraph_bfs_matches_igraph)
{
    cs_rawspace rs;
    cs_nbgraph g;
    cs_error err;
    ck_assert(cs_rawspace_init(&rs, space(5), 2, NULL, &err) == CS_OK);
    ck_assert(cs_nbgraph_build(&g, &rs, 2, NULL, &err) == CS_OK);
    igraph_vector_int_t ev;
    igraph_t ig;
    ck_assert(igraph_vector_int_init(&ev, (igraph_integer_t)(2 * g.nedges)) == IGRAPH_SUCCESS);
    for (size_t i = 0; i < 2 * g.nedges; i++)
        VECTOR(ev)[i] = g.edges[i];
    ck_assert(igraph_create(&ig, &ev, (igraph_integer_t)g.nvertices, IGRAPH_UNDIRECTED) ==
              IGRAPH_SUCCESS);
    igraph_matrix_t d;
    igraph_matrix_init(&d, 0, 0);
    int32_t *dist = malloc(g.nvertices * sizeof *dist);
    uint32_t *queue = malloc(g.nvertices * sizeof *queue);
    uint64_t *counts = calloc(g.nvertices + 1, sizeof *counts);
    uint32_t sources[4] = {0, 1, (uint32_t)g.nvertices / 2, (uint32_t)g.nvertices - 1};
    for (int s = 0; s < 4; s++) {
        ck_assert(igraph_distances(&ig, &d, igraph_vss_1(sources[s]), igraph_vss_all(),
                                   IGRAPH_ALL) == IGRAPH_SUCCESS);
        memset(counts, 0, (g.nvertices + 1) * sizeof *counts);
        size_t reached;
        uint32_t far;
        int ecc = cs_nbgraph_bfs(&g, sources[s], dist, queue, counts, g.nvertices + 1, &far,
                                 &reached);
        size_t want_reached = 0;
        double want_ecc = 0;
        size_t differ = 0;
        for (size_t v = 0; v < g.nvertices; v++) {
            double w = MATRIX(d, 0, v);
            if (isfinite(w)) {
                differ += dist[v] != (int)w;
                want_reached++;
                if (w > want_ecc)
                    want_ecc = w;
            } else {
                differ += dist[v] != -1;
            }
        }
        ck_assert_uint_eq(differ, 0);
        ck_assert_uint_eq(reached, want_reached);
        ck_assert_int_eq(ecc, (int)want_ecc);
        ck_assert_int_eq(dist[far], ecc);
    }
    free(dist);
    free(queue);
    free(counts);
    igraph_matrix_destroy(&d);
    igraph_destroy(&ig);
    igraph_vector_int_destroy(&ev);
    cs_nbgraph_destroy(&g);
    cs_rawspace_destroy(&rs);
}
END_TEST

START_TEST(neighbours_analysis_three_vertices)
{
    /* The hand graph: degrees IO 3, chain 3, full 4; one component; with
     * every class a source, the distances are all pairs: 12 edges give 24
     * ordered pairs at 1, IO - chain(x) and chain(x) - full(y != x) give
     * 3 + 6 unordered pairs at 2. */
    run r;
    run_start(&r, space(3), NULL);
    cs_error err;
    ck_assert_msg(cs_analysis_neighbours(&r.ctx, r.dir, &err) == CS_OK, "%s", err.msg);
    json_t *j = run_json(&r, "neighbours.json");
    ck_assert_int_eq((int)jnum(j, "vertices"), 7);
    ck_assert_int_eq((int)jnum(j, "edges"), 12);
    ck_assert_int_eq((int)jnum(j, "components"), 1);
    ck_assert_int_eq((int)jnum(j, "largest_component"), 7);
    ck_assert_int_eq((int)jnum(j, "isolated_vertices"), 0);
    ck_assert_int_eq((int)jnum(j, "min_degree"), 3);
    ck_assert_int_eq((int)jnum(j, "max_degree"), 4);
    ck_assert_double_eq_tol(jnum(j, "mean_degree"), 24.0 / 7.0, 1e-12);
    ck_assert_int_eq((int)jnum(j, "bfs_sources"), 7);
    ck_assert_int_eq((int)jnum(j, "diameter_estimate"), 2);
    ck_assert_double_eq_tol(jnum(j, "mean_distance_sampled"), 60.0 / 42.0, 1e-12);
    ck_assert_int_eq((int)jnum(j, "sampled_pairs_reachable"), 42);
    ck_assert_int_eq((int)jnum(j, "raw_encodings"), 24);
    ck_assert_int_eq((int)jnum(j, "valid_encodings"), 15); /* IO 3x3, chain 3, full 3 */
    ck_assert(json_is_false(json_object_get(j, "synthetic")));
    json_decref(j);
    double (*rows)[TSV_MAXCOL];
    char header[512];
    size_t n = read_tsv(&r, "neighbours_degree.tsv", &rows, header);
    ck_assert_str_eq(header, "degree\tclasses\tfraction");
    ck_assert_uint_eq(n, 2);
    ck_assert(rows[0][0] == 3 && rows[0][1] == 4 && rows[1][0] == 4 && rows[1][1] == 3);
    free(rows);
    n = read_tsv(&r, "neighbours_distance.tsv", &rows, header);
    ck_assert_uint_eq(n, 2);
    ck_assert(rows[0][0] == 1 && rows[0][1] == 24 && rows[1][0] == 2 && rows[1][1] == 18);
    free(rows);
    n = read_tsv(&r, "neighbours_components.tsv", &rows, header);
    ck_assert_uint_eq(n, 1);
    ck_assert(rows[0][0] == 7 && rows[0][1] == 1 && rows[0][2] == 7);
    free(rows);
    run_end(&r);
}
END_TEST

/* --- edit distances -------------------------------------------------------------------------- */

START_TEST(raw_bfs_equals_brute_force)
{
    for (int n = 4; n <= 5; n++) {
        const cs_space *sp = space(n);
        raw_oracle o;
        oracle_init(&o, sp);
        size_t nc = cs_space_num_classes(sp);
        uint8_t *flag = calloc(nc, 1);
        unsigned long long rng = 12345 + (unsigned long long)n;
        for (int i = 0; i < 3; i++)
            flag[cs_test_rand(&rng) % nc] = 1;
        int *dist = malloc(o.points * sizeof *dist);
        uint8_t *cdist = malloc(nc);
        cs_rawspace rs;
        cs_error err;
        ck_assert(cs_rawspace_init(&rs, sp, 2, NULL, &err) == CS_OK);
        for (int valid_only = 0; valid_only <= 1; valid_only++) {
            oracle_distances(&o, flag, valid_only, dist);
            uint64_t want[CS_RAW_BFS_LEVELS] = {0}, want_valid[CS_RAW_BFS_LEVELS] = {0};
            int want_max = 0;
            int *want_c = malloc(nc * sizeof *want_c);
            for (size_t c = 0; c < nc; c++)
                want_c[c] = -1;
            for (uint64_t p = 0; p < o.points; p++) {
                if (dist[p] < 0)
                    continue;
                want[dist[p]]++;
                if (o.cls[p] >= 0) {
                    want_valid[dist[p]]++;
                    int32_t c = o.cls[p];
                    if (want_c[c] < 0 || dist[p] < want_c[c])
                        want_c[c] = dist[p];
                }
                if (dist[p] > want_max)
                    want_max = dist[p];
            }
            cs_raw_bfs_result res;
            ck_assert_msg(cs_raw_bfs(&rs, flag, valid_only, 2, &res, cdist, NULL, &err) == CS_OK,
                          "%s", err.msg);
            ck_assert_int_eq(res.max_distance, want_max);
            for (int d = 0; d <= want_max; d++) {
                ck_assert_msg(res.reached[d] == want[d], "n=%d valid_only=%d d=%d: %llu, not %llu",
                              n, valid_only, d, (unsigned long long)res.reached[d],
                              (unsigned long long)want[d]);
                ck_assert_uint_eq(res.reached_valid[d], want_valid[d]);
            }
            size_t differ = 0;
            for (size_t c = 0; c < nc; c++)
                differ += (want_c[c] < 0 ? CS_RAW_BFS_UNREACHED : want_c[c]) != cdist[c];
            ck_assert_msg(differ == 0, "n=%d: %zu classes at the wrong distance", n, differ);
            free(want_c);
        }
        cs_rawspace_destroy(&rs);
        free(flag);
        free(dist);
        free(cdist);
        oracle_destroy(&o);
    }
}
END_TEST

static bool cancel_after(void *user)
{
    int *left = user;
    return --*left < 0;
}

/* The search asks its context's monitor after each level whether to stop:
 * told to after the second, it returns CS_ERR_CANCELLED and has asked
 * exactly three times; never told, it asks once per level and finishes. */
START_TEST(raw_bfs_is_cancelled_between_levels)
{
    const cs_space *sp = space(5);
    size_t nc = cs_space_num_classes(sp);
    uint8_t *flag = calloc(nc, 1);
    flag[0] = 1;
    cs_rawspace rs;
    cs_error err;
    ck_assert(cs_rawspace_init(&rs, sp, 2, NULL, &err) == CS_OK);
    cs_analysis_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    int left = 2;
    ctx.monitor.cancelled = cancel_after;
    ctx.monitor.cancel_user = &left;
    cs_raw_bfs_result res;
    ck_assert_int_eq(cs_raw_bfs(&rs, flag, false, 2, &res, NULL, &ctx, &err), CS_ERR_CANCELLED);
    ck_assert_str_eq(err.msg, "cancelled");
    ck_assert_int_eq(left, -1);
    left = 1000;
    ck_assert_int_eq(cs_raw_bfs(&rs, flag, false, 2, &res, NULL, &ctx, &err), CS_OK);
    ck_assert_int_ge(res.max_distance, 3);
    /* one question per level searched: max_distance levels, and the empty last one */
    ck_assert_int_eq(1000 - left, res.max_distance + 1);
    cs_rawspace_destroy(&rs);
    free(flag);
}
END_TEST

/* The raw space asks its monitor after each of its 2 phases, the neighbour
 * graph after each of its 3: told to stop at any of those questions, each
 * returns CS_ERR_CANCELLED and leaves its struct empty. */
START_TEST(raw_space_and_graph_are_cancelled_between_phases)
{
    const cs_space *sp = space(5);
    cs_rawspace rs;
    cs_nbgraph g;
    cs_error err;
    cs_monitor m = {.cancelled = cancel_after};
    int left;
    m.cancel_user = &left;
    for (int k = 0; k < 2; k++) {
        left = k;
        ck_assert_int_eq(cs_rawspace_init(&rs, sp, 2, &m, &err), CS_ERR_CANCELLED);
        ck_assert_str_eq(err.msg, "cancelled");
        ck_assert(rs.tables == NULL && rs.table_of == NULL);
    }
    left = 2;
    ck_assert_int_eq(cs_rawspace_init(&rs, sp, 2, &m, &err), CS_OK);
    ck_assert_int_eq(left, 0);
    for (int k = 0; k < 3; k++) {
        left = k;
        ck_assert_int_eq(cs_nbgraph_build(&g, &rs, 2, &m, &err), CS_ERR_CANCELLED);
        ck_assert(g.adj == NULL && g.nedges == 0);
    }
    left = 3;
    ck_assert_int_eq(cs_nbgraph_build(&g, &rs, 2, &m, &err), CS_OK);
    ck_assert_int_eq(left, 0);
    ck_assert_uint_gt(g.nedges, 0);
    cs_nbgraph_destroy(&g);
    cs_rawspace_destroy(&rs);
}
END_TEST

/* The walks ask every few thousand steps (the calling thread's worker, for
 * all): stopped at the first question, or at a later one, the run returns
 * CS_ERR_CANCELLED with no walks; never stopped, it asks about once per
 * 4,096 steps of its own walks. */
START_TEST(walks_are_cancelled_between_steps)
{
    const cs_space *sp = space(5);
    cs_rawspace rs;
    cs_error err;
    ck_assert(cs_rawspace_init(&rs, sp, 2, NULL, &err) == CS_OK);
    size_t nc = cs_space_num_classes(sp);
    double *f = malloc(nc * sizeof *f);
    for (size_t i = 0; i < nc; i++)
        f[i] = (double)(i % 7);
    cs_monitor m = {.cancelled = cancel_after};
    int left;
    m.cancel_user = &left;
    cs_walks w;
    for (int k = 0; k < 2; k++) {
        left = k * 3;
        ck_assert_int_eq(cs_walks_run(&w, &rs, f, 4, 20000, 1, 2, &m, &err), CS_ERR_CANCELLED);
        ck_assert_str_eq(err.msg, "cancelled");
        ck_assert(w.path == NULL && w.len == NULL);
    }
    left = 1000;
    double rwa[3];
    uint64_t np[3];
    ck_assert_int_eq(cs_landscape_rwa(&rs, f, 4, 20000, 1, 2, 2, rwa, np, &m, &err), CS_OK);
    /* worker 0 walks 2 of the 4 walks: 5 questions each (steps 0, 4096, ..., 16384) */
    ck_assert_int_eq(1000 - left, 10);
    free(f);
    cs_rawspace_destroy(&rs);
}
END_TEST

/* --- the data analyses --------------------------------------------------------- */

START_TEST(optima_three_vertices_by_hand)
{
    /* Fitness: IO .5, chain(0,1,2) .6 .7 .65, full(0,1,2) .55 .52 .8.
     * full(2) beats IO, chain(2), full(0), full(1): strict optimum; chain(1)
     * beats full(1), chain(0), chain(2): strict optimum.  Ascents: IO,
     * full(0), full(1), chain(2) -> full(2); chain(0) -> chain(1).  Basins
     * 5 and 2, one step each for the 5 non-optima. */
    const cs_space *sp = space(3);
    three t;
    three_classes(&t);
    double (*v)[3] = fit_new(sp);
    fit_set(v, t.io, 0.5);
    fit_set(v, t.chain[0], 0.6);
    fit_set(v, t.chain[1], 0.7);
    fit_set(v, t.chain[2], 0.65);
    fit_set(v, t.full[0], 0.55);
    fit_set(v, t.full[1], 0.52);
    fit_set(v, t.full[2], 0.8);
    run r;
    run_on_data(&r, sp, v, v);
    cs_error err;
    ck_assert_msg(cs_analysis_optima(&r.ctx, r.dir, &err) == CS_OK, "%s", err.msg);
    json_t *j = run_json(&r, "optima.json");
    ck_assert(json_is_true(json_object_get(j, "synthetic")));
    ck_assert_int_eq((int)jnum(j, "classes_with_data"), 7);
    ck_assert_int_eq((int)jnum(j, "isolated_classes"), 0);
    ck_assert_int_eq((int)jnum(j, "local_optima"), 2);
    ck_assert_int_eq((int)jnum(j, "strict_local_optima"), 2);
    ck_assert_int_eq((int)jnum(j, "global_best_class"), (int)t.full[2]);
    ck_assert_int_eq((int)jnum(j, "global_best_basin"), 5);
    ck_assert_double_eq_tol(jnum(j, "global_best_basin_fraction"), 5.0 / 7.0, 1e-12);
    ck_assert_double_eq_tol(jnum(j, "mean_ascent_steps"), 5.0 / 7.0, 1e-12);
    ck_assert_int_eq((int)jnum(j, "max_ascent_steps"), 1);
    ck_assert_double_eq_tol(jnum(j, "optima_validation_mean"), 0.75, 1e-12);
    json_decref(j);
    double (*rows)[TSV_MAXCOL];
    char header[512];
    size_t n = read_tsv(&r, "optima.tsv", &rows, header);
    ck_assert_str_eq(header,
                     "rank\tclass\tcell\tmean_validation\tmean_test\tdegree\tbasin_size\tstrict");
    ck_assert_uint_eq(n, 2);
    ck_assert(rows[0][1] == (double)t.full[2] && rows[0][5] == 4 && rows[0][6] == 5 &&
              rows[0][7] == 1);
    ck_assert(rows[1][1] == (double)t.chain[1] && rows[1][5] == 3 && rows[1][6] == 2);
    ck_assert_double_eq_tol(rows[0][3], 0.8, 1e-12);
    free(rows);
    n = read_tsv(&r, "optima_basins.tsv", &rows, header);
    ck_assert_uint_eq(n, 2);
    ck_assert(rows[0][0] == 5 && rows[0][1] == 1 && rows[1][0] == 2 && rows[1][1] == 1);
    free(rows);
    run_end(&r);
    free(v);
}
END_TEST

START_TEST(locality_walk_autocorrelation_by_hand)
{
    /* Data for chain(x) (0.6) and full(x) (0.4) only.  From chain(x)
     * (bits b0+b2, op x) the acceptable edits are flip b1 (full(x)) and
     * the two op changes; from full(x), flip b1 and the two op changes (b0
     * or b2 give IO, which has no data).  So each step switches kind with
     * probability 1/3, and the autocorrelation at shift s is (1/3)^s. */
    const cs_space *sp = space(3);
    three t;
    three_classes(&t);
    double (*v)[3] = fit_new(sp);
    for (int x = 0; x < 3; x++) {
        fit_set(v, t.chain[x], 0.6);
        fit_set(v, t.full[x], 0.4);
    }
    run r;
    run_on_data(&r, sp, v, v);
    cs_error err;
    ck_assert_msg(cs_analysis_locality(&r.ctx, r.dir, &err) == CS_OK, "%s", err.msg);
    double (*rows)[TSV_MAXCOL];
    char header[512];
    size_t n = read_tsv(&r, "locality_rwa.tsv", &rows, header);
    ck_assert_str_eq(header, "shift\tpairs\trwa_validation\trwa_test");
    ck_assert_uint_eq(n, CS_LOCALITY_MAX_SHIFT);
    for (int s = 1; s <= 3; s++) {
        ck_assert_int_eq((int)rows[s - 1][0], s);
        ck_assert_double_eq_tol(rows[s - 1][1],
                                (double)CS_LOCALITY_WALKS * (CS_LOCALITY_STEPS + 1 - s), 0.5);
        ck_assert_double_eq_tol(rows[s - 1][2], pow(1.0 / 3.0, s), 0.01);
        ck_assert_double_eq_tol(rows[s - 1][3], rows[s - 1][2], 1e-12);
    }
    free(rows);
    json_t *j = run_json(&r, "locality.json");
    ck_assert_int_eq((int)jnum(j, "classes_with_data"), 6);
    ck_assert_int_eq((int)jnum(j, "restarts"), 0);
    ck_assert_int_eq((int)jnum(j, "classes_visited"), 6);
    json_decref(j);
    /* The same seed gives the same walks whatever the thread count. */
    run r1;
    run_start(&r1, sp, r.store_path);
    r1.ctx.threads = 1;
    ck_assert(cs_analysis_locality(&r1.ctx, r1.dir, &err) == CS_OK);
    char p0[8300], p1[8300];
    snprintf(p0, sizeof p0, "%s/locality_rwa.tsv", r.dir);
    snprintf(p1, sizeof p1, "%s/locality_rwa.tsv", r1.dir);
    size_t l0, l1;
    char *a = cs_test_read_file(p0, &l0), *b = cs_test_read_file(p1, &l1);
    ck_assert(a && b && l0 == l1 && memcmp(a, b, l0) == 0);
    free(a);
    free(b);
    run_end(&r1);
    run_end(&r);
    free(v);
}
END_TEST

/* Fitness decreasing linearly with the edit distance to one class gives a
 * fitness-distance correlation of exactly -1. */
START_TEST(locality_fdc_single_peak)
{
    const cs_space *sp = space(5);
    raw_oracle o;
    oracle_init(&o, sp);
    size_t nc = cs_space_num_classes(sp);
    int64_t peak = (int64_t)nc / 3;
    uint8_t *flag = calloc(nc, 1);
    flag[peak] = 1;
    int *dist = malloc(o.points * sizeof *dist), *cd = malloc(nc * sizeof *cd);
    oracle_distances(&o, flag, false, dist);
    for (size_t c = 0; c < nc; c++)
        cd[c] = -1;
    for (uint64_t p = 0; p < o.points; p++)
        if (o.cls[p] >= 0 && (cd[o.cls[p]] < 0 || dist[p] < cd[o.cls[p]]))
            cd[o.cls[p]] = dist[p];
    double (*v)[3] = fit_new(sp);
    int maxd = 0;
    for (size_t c = 0; c < nc; c++) {
        fit_set(v, (int64_t)c, 0.9 - 0.01 * cd[c]);
        maxd = cd[c] > maxd ? cd[c] : maxd;
    }
    run r;
    run_on_data(&r, sp, v, v);
    cs_error err;
    ck_assert_msg(cs_analysis_locality(&r.ctx, r.dir, &err) == CS_OK, "%s", err.msg);
    json_t *j = run_json(&r, "locality.json");
    ck_assert_int_eq((int)jnum(j, "best_class"), (int)peak);
    ck_assert_double_eq_tol(jnum(j, "fdc_pearson"), -1.0, 1e-9);
    ck_assert_double_eq_tol(jnum(j, "fdc_spearman"), -1.0, 1e-9);
    ck_assert_int_eq((int)jnum(j, "max_distance"), maxd);
    ck_assert_int_eq((int)jnum(j, "classes_with_data"), (int)nc);
    double rwa1 = jnum(j, "rwa_validation_shift1");
    ck_assert(rwa1 > 0.5 && rwa1 < 1.0); /* a smooth landscape: strongly correlated */
    json_decref(j);
    double (*rows)[TSV_MAXCOL];
    char header[512];
    size_t n = read_tsv(&r, "locality_fdc.tsv", &rows, header);
    /* a row per distance at which some class lies, in order */
    size_t want_rows = 0;
    for (int d = 0; d <= maxd; d++) {
        size_t cnt = 0;
        for (size_t c = 0; c < nc; c++)
            cnt += cd[c] == d;
        if (!cnt)
            continue;
        ck_assert_uint_lt(want_rows, n);
        ck_assert_int_eq((int)rows[want_rows][0], d);
        ck_assert_double_eq(rows[want_rows][1], (double)cnt);
        ck_assert_double_eq_tol(rows[want_rows][2], 0.9 - 0.01 * d, 1e-12);
        want_rows++;
    }
    ck_assert_uint_eq(n, want_rows);
    free(rows);
    run_end(&r);
    free(v);
    free(flag);
    free(dist);
    free(cd);
    oracle_destroy(&o);
}
END_TEST

START_TEST(peaks_two_top_cells)
{
    /* P's test accuracies 0.94, 0.95, 0.96: mean 0.95, standard error
     * 0.01 / sqrt(3); threshold 0.95 - 0.02 / sqrt(3) = 0.93845.  Q (0.945)
     * is a top cell, R (0.938) is not; the rest 0.5. */
    const cs_space *sp = space(5);
    raw_oracle o;
    oracle_init(&o, sp);
    size_t nc = cs_space_num_classes(sp);
    int64_t P = 100, Q = (int64_t)nc - 5, R = (int64_t)nc / 2;
    double (*v)[3] = fit_new(sp), (*te)[3] = fit_new(sp);
    for (size_t c = 0; c < nc; c++) {
        fit_set(v, (int64_t)c, 0.5);
        fit_set(te, (int64_t)c, 0.5);
    }
    te[P][0] = 0.94;
    te[P][1] = 0.95;
    te[P][2] = 0.96;
    fit_set(te, Q, 0.945);
    fit_set(te, R, 0.938);
    run r;
    run_on_data(&r, sp, v, te);
    cs_error err;
    ck_assert_msg(cs_analysis_peaks(&r.ctx, r.dir, &err) == CS_OK, "%s", err.msg);
    uint8_t *flag = calloc(nc, 1);
    flag[P] = flag[Q] = 1;
    uint64_t encP = 0, encQ = 0, valid = 0;
    for (uint64_t p = 0; p < o.points; p++) {
        encP += o.cls[p] == P;
        encQ += o.cls[p] == Q;
        valid += o.cls[p] >= 0;
    }
    json_t *j = run_json(&r, "peaks.json");
    ck_assert_int_eq((int)jnum(j, "best_class"), (int)P);
    ck_assert_double_eq_tol(jnum(j, "best_mean_test"), 0.95, 1e-12);
    ck_assert_double_eq_tol(jnum(j, "best_test_standard_error"), 0.01 / sqrt(3.0), 1e-12);
    ck_assert_double_eq_tol(jnum(j, "threshold"), 0.95 - 0.02 / sqrt(3.0), 1e-12);
    ck_assert_int_eq((int)jnum(j, "top_cells"), 2);
    ck_assert_int_eq((int)jnum(j, "top_encodings"), (int)(encP + encQ));
    ck_assert_int_eq((int)jnum(j, "raw_encodings"), (int)o.points);
    ck_assert_int_eq((int)jnum(j, "valid_encodings"), (int)valid);
    json_decref(j);
    int *all = malloc(o.points * sizeof *all), *vp = malloc(o.points * sizeof *vp);
    oracle_distances(&o, flag, false, all);
    oracle_distances(&o, flag, true, vp);
    double (*rows)[TSV_MAXCOL];
    char header[512];
    size_t n = read_tsv(&r, "peaks_distance.tsv", &rows, header);
    ck_assert_str_eq(header, "distance\tencodings\twithin\tfraction_within\tvalid_within\t"
                             "fraction_valid_within\tvalid_paths_within\t"
                             "fraction_valid_paths_within");
    uint64_t reach_all = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t w = 0, wv = 0, wp = 0, at = 0;
        for (uint64_t p = 0; p < o.points; p++) {
            at += all[p] == (int)i;
            w += all[p] <= (int)i;
            wv += o.cls[p] >= 0 && all[p] <= (int)i;
            wp += vp[p] >= 0 && vp[p] <= (int)i;
        }
        ck_assert_int_eq((int)rows[i][0], (int)i);
        ck_assert_double_eq(rows[i][1], (double)at);
        ck_assert_double_eq(rows[i][2], (double)w);
        ck_assert_double_eq_tol(rows[i][3], (double)w / (double)o.points, 1e-15);
        ck_assert_double_eq(rows[i][4], (double)wv);
        ck_assert_double_eq(rows[i][6], (double)wp);
        ck_assert_double_eq_tol(rows[i][7], (double)wp / (double)valid, 1e-15);
        reach_all = w;
    }
    ck_assert_uint_eq(reach_all, o.points); /* the last row covers the space */
    free(rows);
    n = read_tsv(&r, "peaks_top.tsv", &rows, header);
    ck_assert_uint_eq(n, 2);
    ck_assert(rows[0][0] == (double)P && rows[0][4] == (double)encP);
    ck_assert(rows[1][0] == (double)Q && rows[1][4] == (double)encQ);
    free(rows);
    run_end(&r);
    free(v);
    free(te);
    free(flag);
    free(all);
    free(vp);
    oracle_destroy(&o);
}
END_TEST

START_TEST(data_analyses_need_a_store)
{
    run r;
    run_start(&r, space(3), NULL);
    cs_error err;
    ck_assert_int_eq(cs_analysis_locality(&r.ctx, r.dir, &err), CS_ERR_ARG);
    ck_assert_int_eq(cs_analysis_peaks(&r.ctx, r.dir, &err), CS_ERR_ARG);
    ck_assert_int_eq(cs_analysis_optima(&r.ctx, r.dir, &err), CS_ERR_ARG);
    ck_assert(strstr(err.msg, "dataset") != NULL);
    run_end(&r);
}
END_TEST

/* --- any fitness, by brute force ---------------------------------------------------
 * A fitness that is no stored metric: a score with ties (plateaus), minus a
 * penalty per edge of the cell, and no value for about one class in seven.
 * The optima, the FDC and the walk autocorrelation the library computes on
 * it are checked against the definitions, computed here from the raw
 * encodings alone (the oracle above), on the five-vertex space. */
static double *any_fitness(const cs_space *sp)
{
    size_t nc = cs_space_num_classes(sp);
    double *f = malloc(nc * sizeof *f);
    ck_assert(f != NULL);
    const cs_enum_result *res = cs_space_result(sp);
    for (size_t c = 0; c < nc; c++) {
        unsigned long long st = (unsigned long long)c * 2654435761ULL + 12345;
        unsigned long long r = cs_test_rand(&st);
        cs_cell cell;
        cs_enum_class_cell(res, &res->classes[c], &cell);
        int edges = 0;
        for (int v = 0; v < cell.n; v++)
            edges += __builtin_popcount(cell.adj[v]);
        f[c] = r % 7 == 0 ? NAN : (double)((r >> 17) % 12) * 0.25 - 0.125 * edges;
    }
    return f;
}

/* Adjacency lists of the definition's graph (oracle_edges). */
typedef struct def_graph {
    size_t n;
    size_t *deg;
    int64_t **nb;
} def_graph;

static void def_graph_init(def_graph *d, const raw_oracle *o, size_t nc)
{
    size_t ne;
    uint64_t *e = oracle_edges(o, &ne);
    d->n = nc;
    d->deg = calloc(nc, sizeof *d->deg);
    d->nb = calloc(nc, sizeof *d->nb);
    ck_assert(d->deg && d->nb);
    for (size_t i = 0; i < ne; i++) {
        d->deg[e[i] >> 32]++;
        d->deg[e[i] & 0xffffffffu]++;
    }
    for (size_t v = 0; v < nc; v++) {
        d->nb[v] = malloc((d->deg[v] + 1) * sizeof *d->nb[v]);
        ck_assert(d->nb[v] != NULL);
        d->deg[v] = 0;
    }
    for (size_t i = 0; i < ne; i++) {
        int64_t a = (int64_t)(e[i] >> 32), b = (int64_t)(e[i] & 0xffffffffu);
        d->nb[a][d->deg[a]++] = b;
        d->nb[b][d->deg[b]++] = a;
    }
    free(e);
}

static void def_graph_destroy(def_graph *d)
{
    for (size_t v = 0; v < d->n; v++)
        free(d->nb[v]);
    free(d->nb);
    free(d->deg);
}

/* Lines of a file, split in place; returns how many. */
static size_t split_lines(char *text, char ***lines)
{
    size_t n = 0, cap = 1024;
    char **l = malloc(cap * sizeof *l), *save = NULL;
    ck_assert(l != NULL);
    for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        if (n == cap) {
            cap *= 2;
            l = realloc(l, cap * sizeof *l);
            ck_assert(l != NULL);
        }
        l[n++] = t;
    }
    *lines = l;
    return n;
}

/* The graph files of the 5-vertex space: the edges are the definition's
 * graph (every encoding, every edit), and the nodes are the reference
 * generator's 2,532 cells (realdata/generated_graphs_5V9E.json, keyed by
 * module hash), each row's cell one of its hash's class and of its index. */
START_TEST(nbgraph_files_match_definition_and_reference)
{
    const cs_space *sp = space(5);
    size_t nc = cs_space_num_classes(sp);
    cs_error err;
    cs_nbgraph g;
    ck_assert_msg(cs_nbgraph_of_space(&g, sp, 2, NULL, &err) == CS_OK, "%s", err.msg);
    char dir[4096], edges[4200], nodes[4200];
    snprintf(dir, sizeof dir, "%s/graph-files.XXXXXX", CS_TEST_TMPDIR);
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(edges, sizeof edges, "%s/edges.tsv", dir);
    snprintf(nodes, sizeof nodes, "%s/nodes.tsv", dir);
    ck_assert_msg(cs_nbgraph_write_tsv(&g, sp, edges, nodes, &err) == CS_OK, "%s", err.msg);

    raw_oracle o;
    oracle_init(&o, sp);
    size_t nw;
    uint64_t *want = oracle_edges(&o, &nw);
    size_t len, n;
    char *text = cs_test_read_file(edges, &len), **line;
    ck_assert_ptr_nonnull(text);
    n = split_lines(text, &line);
    ck_assert_uint_eq(n, 1 + nw);
    ck_assert_str_eq(line[0], "source\ttarget");
    for (size_t i = 0; i < nw; i++) {
        char expect[64];
        snprintf(expect, sizeof expect, "%u\t%u", (unsigned)(want[i] >> 32),
                 (unsigned)(want[i] & 0xffffffffu));
        ck_assert_str_eq(line[1 + i], expect);
    }
    free(line);
    free(text);

    json_t *ref = cs_test_load_json("realdata/generated_graphs_5V9E.json");
    ck_assert_uint_eq(json_object_size(ref), nc);
    text = cs_test_read_file(nodes, &len);
    ck_assert_ptr_nonnull(text);
    n = split_lines(text, &line);
    ck_assert_uint_eq(n, 1 + nc);
    ck_assert_str_eq(line[0], "index\thash\tcell");
    for (size_t c = 0; c < nc; c++) {
        char *f1 = strchr(line[1 + c], '\t'), *f2 = f1 ? strchr(f1 + 1, '\t') : NULL;
        ck_assert(f1 && f2);
        *f1++ = *f2++ = '\0';
        ck_assert_uint_eq(strtoul(line[1 + c], NULL, 10), c);
        json_t *entry = json_object_get(ref, f1);
        ck_assert_msg(entry != NULL, "class %zu: hash %s is not the reference's", c, f1);
        cs_cell want_cell;
        cs_test_cell_from_labels(&want_cell, json_array_get(entry, 0), json_array_get(entry, 1));
        cs_spec spec;
        ck_assert_msg(cs_spec_parse_compact(&spec, f2, strlen(f2), &err) == CS_OK, "%s", err.msg);
        ck_assert_msg(cs_spec_check(&spec, cs_space_limits(sp), &err) == CS_OK, "%s", err.msg);
        char hex[33];
        ck_assert_int_eq(cs_cell_hash(&spec.pruned, hex, &err), CS_OK);
        ck_assert_str_eq(hex, f1);
        ck_assert_int_eq(cs_space_find_cell(sp, &spec.pruned), (int64_t)c);
        ck_assert_int_eq(cs_space_find_cell(sp, &want_cell), (int64_t)c);
    }
    free(line);
    free(text);
    json_decref(ref);
    free(want);
    oracle_destroy(&o);
    unlink(edges);
    unlink(nodes);

    /* neither file when one cannot be written; not a graph of this space */
    char bad[4300];
    snprintf(bad, sizeof bad, "%s/no/such/nodes.tsv", dir);
    ck_assert_int_eq(cs_nbgraph_write_tsv(&g, sp, edges, bad, &err), CS_ERR_IO);
    ck_assert_msg(strstr(err.msg, "/no/such/nodes.tsv"), "%s", err.msg);
    ck_assert(access(edges, F_OK) != 0);
    ck_assert_int_eq(cs_nbgraph_write_tsv(&g, space(4), edges, nodes, &err), CS_ERR_ARG);
    ck_assert(access(edges, F_OK) != 0 && access(nodes, F_OK) != 0);
    ck_assert_int_eq(rmdir(dir), 0);
    cs_nbgraph_destroy(&g);
}
END_TEST

START_TEST(optima_any_fitness_brute_force)
{
    const cs_space *sp = space(5);
    size_t nc = cs_space_num_classes(sp);
    double *f = any_fitness(sp);
    raw_oracle o;
    oracle_init(&o, sp);
    def_graph d;
    def_graph_init(&d, &o, nc);
    /* the definitions */
    size_t with_data = 0, isolated = 0, noptima = 0, nstrict = 0, nascent = 0, plateaus = 0;
    uint64_t sum_steps = 0;
    uint32_t max_steps = 0;
    int64_t *up = malloc(nc * sizeof *up), *end = malloc(nc * sizeof *end);
    uint8_t *strict = calloc(nc, 1);
    ck_assert(up && end && strict);
    for (size_t v = 0; v < nc; v++) {
        up[v] = -1;
        if (isnan(f[v]))
            continue;
        with_data++;
        size_t live = 0, better = 0, ties = 0;
        int64_t best = -1;
        for (size_t i = 0; i < d.deg[v]; i++) {
            int64_t w = d.nb[v][i];
            if (isnan(f[w]))
                continue;
            live++;
            better += f[w] > f[v];
            ties += f[w] == f[v];
            if (best < 0 || f[w] > f[best] || (f[w] == f[best] && w < best))
                best = w;
        }
        if (!live) {
            isolated++;
            up[v] = -2;
            continue;
        }
        if (!better) {
            noptima++;
            nstrict += ties == 0;
            plateaus += ties > 0;
            strict[v] = ties == 0;
            up[v] = (int64_t)v;
        } else {
            up[v] = best;
        }
    }
    for (size_t v = 0; v < nc; v++) {
        end[v] = -1;
        if (up[v] < 0)
            continue;
        uint32_t steps = 0;
        int64_t x = (int64_t)v;
        while (up[x] != x) {
            x = up[x];
            steps++;
        }
        end[v] = x;
        nascent++;
        sum_steps += steps;
        if (steps > max_steps)
            max_steps = steps;
    }
    ck_assert_msg(noptima > 10 && plateaus > 0 && isolated < with_data,
                  "the fitness must make several optima and a plateau (%zu, %zu)", noptima,
                  plateaus);
    /* the library, on the public neighbour graph */
    cs_nbgraph g;
    cs_optima opt;
    cs_error err;
    ck_assert_msg(cs_nbgraph_of_space(&g, sp, 2, NULL, &err) == CS_OK, "%s", err.msg);
    ck_assert_msg(cs_optima_compute(&opt, &g, f, &err) == CS_OK, "%s", err.msg);
    ck_assert_uint_eq(opt.n, nc);
    ck_assert_uint_eq(opt.with_data, with_data);
    ck_assert_uint_eq(opt.isolated, isolated);
    ck_assert_uint_eq(opt.noptima, noptima);
    ck_assert_uint_eq(opt.nstrict, nstrict);
    ck_assert_uint_eq(opt.nascent, nascent);
    ck_assert_uint_eq(opt.sum_steps, sum_steps);
    ck_assert_uint_eq(opt.max_steps, max_steps);
    uint64_t *basin = calloc(nc, sizeof *basin);
    ck_assert(basin != NULL);
    for (size_t v = 0; v < nc; v++)
        if (end[v] >= 0)
            basin[end[v]]++;
    for (size_t v = 0; v < nc; v++) {
        ck_assert_msg(opt.optimum[v] == end[v], "class %zu ends at %lld, not %lld", v,
                      (long long)opt.optimum[v], (long long)end[v]);
        ck_assert_uint_eq(opt.basin[v], up[v] == (int64_t)v ? basin[v] : 0);
        ck_assert_uint_eq(opt.strict[v], strict[v]);
    }
    /* best first, ties by the lowest index */
    for (size_t i = 0; i + 1 < opt.noptima; i++) {
        int64_t a = opt.optima[i], b = opt.optima[i + 1];
        ck_assert(up[a] == a && up[b] == b);
        ck_assert(f[a] > f[b] || (f[a] == f[b] && a < b));
    }
    free(basin);
    cs_optima_destroy(&opt);
    cs_nbgraph_destroy(&g);
    free(up);
    free(end);
    free(strict);
    def_graph_destroy(&d);
    oracle_destroy(&o);
    free(f);
}
END_TEST

START_TEST(fdc_any_fitness_brute_force)
{
    const cs_space *sp = space(5);
    size_t nc = cs_space_num_classes(sp);
    double *f = any_fitness(sp);
    raw_oracle o;
    oracle_init(&o, sp);
    /* the best class: the highest fitness, the lowest index among ties */
    size_t best = nc;
    for (size_t c = 0; c < nc; c++)
        if (!isnan(f[c]) && (best == nc || f[c] > f[best]))
            best = c;
    uint8_t *flag = calloc(nc, 1);
    int *pd = malloc(o.points * sizeof *pd);
    int *cd = malloc(nc * sizeof *cd);
    ck_assert(flag && pd && cd);
    flag[best] = 1;
    oracle_distances(&o, flag, false, pd);
    for (size_t c = 0; c < nc; c++)
        cd[c] = -1;
    for (uint64_t p = 0; p < o.points; p++) {
        int32_t c = o.cls[p];
        if (c >= 0 && (cd[c] < 0 || pd[p] < cd[c]))
            cd[c] = pd[p];
    }
    double *x = malloc(nc * sizeof *x), *y = malloc(nc * sizeof *y);
    ck_assert(x && y);
    size_t n = 0;
    int maxd = 0;
    for (size_t c = 0; c < nc; c++)
        if (!isnan(f[c])) {
            x[n] = f[c];
            y[n++] = cd[c];
            if (cd[c] > maxd)
                maxd = cd[c];
        }
    double want_p = cs_test_direct_pearson(x, y, n), want_s = cs_test_direct_spearman(x, y, n);
    ck_assert_msg(isfinite(want_p) && isfinite(want_s) && n > 100 && maxd > 2,
                  "a degenerate case: n %zu, max distance %d, pearson %g", n, maxd, want_p);

    cs_rawspace rs;
    cs_error err;
    ck_assert(cs_rawspace_init(&rs, sp, 2, NULL, &err) == CS_OK);
    cs_fdc res;
    uint8_t *class_dist = malloc(nc);
    ck_assert(class_dist != NULL);
    ck_assert_msg(cs_landscape_fdc(&res, &rs, f, 2, class_dist, NULL, &err) == CS_OK, "%s",
                  err.msg);
    ck_assert_int_eq(res.best, (int64_t)best);
    ck_assert_uint_eq(res.n, n);
    ck_assert(res.max_distance == maxd);
    for (size_t c = 0; c < nc; c++)
        ck_assert_msg(class_dist[c] == cd[c], "class %zu: distance %d, brute force %d", c,
                      class_dist[c], cd[c]);
    ck_assert_msg(fabs(res.pearson - want_p) < 1e-12, "pearson %.17g, brute force %.17g",
                  res.pearson, want_p);
    ck_assert_msg(fabs(res.spearman - want_s) < 1e-12, "spearman %.17g, brute force %.17g",
                  res.spearman, want_s);
    cs_rawspace_destroy(&rs);
    free(class_dist);
    free(x);
    free(y);
    free(flag);
    free(pd);
    free(cd);
    oracle_destroy(&o);
    free(f);
}
END_TEST

START_TEST(walk_autocorrelation_any_fitness_brute_force)
{
    const cs_space *sp = space(5);
    double *f = any_fitness(sp);
    raw_oracle o;
    oracle_init(&o, sp);
    size_t ne;
    uint64_t *edges = oracle_edges(&o, &ne);
    cs_rawspace rs;
    cs_error err;
    ck_assert(cs_rawspace_init(&rs, sp, 2, NULL, &err) == CS_OK);
    enum { WALKS = 40, STEPS = 60, SHIFTS = 6 };
    const uint64_t seed = 77;
    cs_walks w;
    ck_assert_msg(cs_walks_run(&w, &rs, f, WALKS, STEPS, seed, 2, NULL, &err) == CS_OK, "%s",
                  err.msg);
    /* the walks keep to classes with fitness and move by one edit */
    for (int k = 0; k < WALKS; k++)
        for (size_t i = 0; i < w.len[k]; i++) {
            int32_t a = w.path[k][i];
            if (a < 0)
                continue;
            ck_assert_msg(!isnan(f[a]), "walk %d visits class %d, which has no fitness", k, a);
            if (i + 1 < w.len[k] && w.path[k][i + 1] >= 0 && w.path[k][i + 1] != a) {
                int32_t b = w.path[k][i + 1];
                uint64_t e = a < b ? (uint64_t)a << 32 | (uint64_t)b
                                   : (uint64_t)b << 32 | (uint64_t)a;
                ck_assert_msg(bsearch(&e, edges, ne, sizeof e, cmp_u64) != NULL,
                              "walk %d steps from class %d to %d, not one edit apart", k, a, b);
            }
        }
    /* the autocorrelation of the same walks, by its definition */
    double want[SHIFTS + 1];
    uint64_t want_pairs[SHIFTS + 1];
    size_t cap = (size_t)WALKS * (STEPS + 1);
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
    ck_assert(x && y);
    for (int s = 1; s <= SHIFTS; s++) {
        size_t n = 0;
        for (int k = 0; k < WALKS; k++)
            for (size_t i = 0; i + (size_t)s < w.len[k]; i++) {
                bool cut = false;
                for (size_t j = i; j <= i + (size_t)s; j++)
                    cut |= w.path[k][j] < 0;
                if (cut)
                    continue;
                x[n] = f[w.path[k][i]];
                y[n++] = f[w.path[k][i + (size_t)s]];
            }
        want_pairs[s] = n;
        want[s] = cs_test_direct_pearson(x, y, n);
    }
    double rwa[SHIFTS + 1];
    uint64_t npairs[SHIFTS + 1];
    ck_assert_msg(cs_landscape_rwa(&rs, f, WALKS, STEPS, seed, SHIFTS, 2, rwa, npairs, NULL,
                                   &err) == CS_OK,
                  "%s", err.msg);
    for (int s = 1; s <= SHIFTS; s++) {
        ck_assert_msg(npairs[s] == want_pairs[s], "shift %d: %llu pairs, brute force %llu", s,
                      (unsigned long long)npairs[s], (unsigned long long)want_pairs[s]);
        ck_assert_msg(fabs(rwa[s] - want[s]) < 1e-12, "shift %d: rwa %.17g, brute force %.17g",
                      s, rwa[s], want[s]);
    }
    ck_assert(want[1] > want[SHIFTS]); /* nearer steps are more alike */
    free(x);
    free(y);
    cs_walks_destroy(&w);
    cs_rawspace_destroy(&rs);
    free(edges);
    oracle_destroy(&o);
    free(f);
}
END_TEST

TCase *cs_landscape_tcase(void)
{
    TCase *tc = tcase_create("landscape");
    tcase_add_unchecked_fixture(tc, spaces_setup, spaces_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rawspace_matches_raw_classes);
    tcase_add_test(tc, nbgraph_three_vertices_by_hand);
    tcase_add_test(tc, nbgraph_equals_definition);
    tcase_add_test(tc, nbgraph_bfs_matches_igraph);
    tcase_add_test(tc, neighbours_analysis_three_vertices);
    tcase_add_test(tc, raw_bfs_equals_brute_force);
    tcase_add_test(tc, raw_bfs_is_cancelled_between_levels);
    tcase_add_test(tc, raw_space_and_graph_are_cancelled_between_phases);
    tcase_add_test(tc, walks_are_cancelled_between_steps);
    tcase_add_test(tc, optima_three_vertices_by_hand);
    tcase_add_test(tc, locality_walk_autocorrelation_by_hand);
    tcase_add_test(tc, locality_fdc_single_peak);
    tcase_add_test(tc, peaks_two_top_cells);
    tcase_add_test(tc, data_analyses_need_a_store);
    tcase_add_test(tc, optima_any_fitness_brute_force);
    tcase_add_test(tc, fdc_any_fitness_brute_force);
    tcase_add_test(tc, walk_autocorrelation_any_fitness_brute_force);
    tcase_add_test(tc, nbgraph_files_match_definition_and_reference);
    return tc;
}
