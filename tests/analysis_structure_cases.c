/* analysis/ structure: depth and width on cells drawn by hand and against a
 * brute-force reading of their definitions, trainable parameters of the
 * structure table against the real dataset, raw-encoding multiplicity
 * against a walk of every encoding, and the analyses' files on a space
 * small enough to count by hand. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "testutil.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_analysis.h"
#include "cs_enum.h"
#include "cs_space.h"
#include "cs_structure.h"
#include "cs_structure_analyses.h"

TCase *cs_structure_tcase(void);

/* A cell from n and its edges as digit pairs ("01 12": 0->1, 1->2);
 * interior ops are conv3x3. */
static void st_cell(cs_cell *c, int n, const char *edges)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    c->op[0] = CS_OP_INPUT;
    c->op[n - 1] = CS_OP_OUTPUT;
    for (int v = 1; v < n - 1; v++)
        c->op[v] = CS_OP_CONV3X3;
    for (const char *p = edges; p[0] && p[1]; p++) {
        if (p[0] == ' ')
            continue;
        int u = p[0] - '0', v = p[1] - '0';
        ck_assert_msg(u >= 0 && u < v && v < n, "bad edge %c%c", p[0], p[1]);
        c->adj[u] |= UINT32_C(1) << v;
        p++;
    }
}

/* Brute force of the width's definition: every set S holding the input and
 * not the output; skip S unless it holds every predecessor of its members;
 * count the edges leaving it. */
static int st_width_brute(const cs_cell *c)
{
    int n = c->n, best = -1;
    uint32_t pred[CS_CELL_MAXV] = {0};
    for (int u = 0; u < n; u++)
        for (int v = 0; v < n; v++)
            if (c->adj[u] >> v & 1)
                pred[v] |= UINT32_C(1) << u;
    for (uint32_t mask = 0; mask < (UINT32_C(1) << (n - 2)); mask++) {
        uint32_t S = 1u | (mask << 1);
        bool closed = true;
        for (int v = 0; v < n && closed; v++)
            if ((S >> v & 1) && (pred[v] & ~S))
                closed = false;
        if (!closed)
            continue;
        int cut = 0;
        for (int u = 0; u < n; u++)
            if (S >> u & 1)
                cut += __builtin_popcount(c->adj[u] & ~S);
        if (cut > best)
            best = cut;
    }
    return best;
}

/* Brute force of the depth: every path from v to the output, by recursion. */
static int st_depth_brute(const cs_cell *c, int v)
{
    if (v == c->n - 1)
        return 0;
    int best = -1;
    for (int w = 0; w < c->n; w++)
        if (c->adj[v] >> w & 1) {
            int d = st_depth_brute(c, w);
            if (d >= 0 && d + 1 > best)
                best = d + 1;
        }
    return best;
}

static cs_space *st_space(int max_vertices, int max_edges)
{
    cs_enum_options opt;
    cs_enum_options_init(&opt);
    opt.limits.max_vertices = max_vertices;
    opt.limits.max_edges = max_edges;
    opt.threads = 2;
    cs_space *sp;
    cs_error err;
    cs_status st = cs_space_build(&sp, &opt, &err);
    ck_assert_msg(st == CS_OK, "space build: %s", err.msg);
    return sp;
}

/* --- depth and width by hand --------------------------------------------------- */

START_TEST(test_depth_width_by_hand)
{
    static const struct {
        int n;
        const char *edges, *what;
        int depth, width;
    } cases[] = {
        /* the smallest cell: one edge, one path of one edge, one cut */
        {2, "01", "input -> output", 1, 1},
        /* a chain: every closed S is a prefix, each cut one edge.  (An
         * unrestricted directed cut would take S = {0, 2}: edges 0->1 and
         * 2->3 leave it, width 2; the paper has chains at width 1.) */
        {5, "01 12 23 34", "chain of 4 edges", 4, 1},
        /* three parallel branches: S = {0} cuts 01 02 03; S = {0,1,2,3}
         * cuts 14 24 34; both 3.  Longest path 0->1->4: 2 edges. */
        {5, "01 02 03 14 24 34", "three parallel branches", 2, 3},
        /* the same with the input->output projection: every S cuts 04 too */
        {5, "01 02 03 04 14 24 34", "three branches and a skip", 2, 4},
        /* The Inception-like cell of the facts sheet (section 7): input ->
         * 1, 2, 3, 4; 1, 2, 3 -> output; 4 -> 5 -> output.  Every interior
         * vertex has one edge in and one out, so adding any of them to a
         * closed S leaves the cut at S = {0}'s 4.  Longest path 0->4->5->6:
         * 3 edges. */
        {7, "01 02 03 04 16 26 36 45 56", "Inception-like", 3, 4},
        /* Width 6 from 9 edges: input -> 1, 2, 3, 4(output); 1 -> 2, 3, 4;
         * 2, 3 -> 4.  S = {0, 1} cuts 02 03 04 12 13 14.  Longest path
         * 0->1->2->4: 3 edges.  (The paper's text says 5 is the widest; not
         * counting the 0->4 edge gives 5 here.) */
        {5, "01 02 03 04 12 13 14 24 34", "widest: 6", 3, 6},
        /* An hourglass: 0 -> 1, 2 -> 3 -> 4, 5 -> 6.  Cuts: {0}: 2;
         * {0,1,2}: 13 23 = 2; {0,1,2,3}: 34 35 = 2; {0,1,2,3,4}: 46 35 = 2;
         * {0,1}: 02 13 = 2.  Longest path 0->1->3->4->6: 4 edges. */
        {7, "01 02 13 23 34 35 46 56", "hourglass", 4, 2},
        /* A fan-out after one vertex: {0} cuts 1 edge, {0,1} cuts 12 13 14
         * = 3, {0,1,2} cuts 13 14 25 = 3.  Longest path 0->1->2->5: 3. */
        {6, "01 12 13 14 25 35 45", "fan after a stem", 3, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_cell c;
        st_cell(&c, cases[i].n, cases[i].edges);
        ck_assert_msg(cs_cell_depth(&c) == cases[i].depth, "%s: depth %d, want %d",
                      cases[i].what, cs_cell_depth(&c), cases[i].depth);
        ck_assert_msg(cs_cell_width(&c) == cases[i].width, "%s: width %d, want %d",
                      cases[i].what, cs_cell_width(&c), cases[i].width);
        /* and the brute force agrees with the hand answers */
        ck_assert_int_eq(st_width_brute(&c), cases[i].width);
        ck_assert_int_eq(st_depth_brute(&c, 0), cases[i].depth);
    }
}
END_TEST

/* Random valid cells of up to 12 vertices (beyond the space, where the
 * flow has more to do) against the brute force. */
START_TEST(test_depth_width_random_cells)
{
    unsigned long long rng = 0x5eed5eedULL;
    int tested = 0, max_width = 0, max_depth = 0;
    while (tested < 3000) {
        cs_cell raw;
        memset(&raw, 0, sizeof raw);
        raw.n = 2 + (int)(cs_test_rand(&rng) % 11);
        raw.op[0] = CS_OP_INPUT;
        raw.op[raw.n - 1] = CS_OP_OUTPUT;
        for (int v = 1; v < raw.n - 1; v++)
            raw.op[v] = (int8_t)(cs_test_rand(&rng) % 3);
        unsigned density = 20 + (unsigned)(cs_test_rand(&rng) % 60);
        for (int u = 0; u < raw.n; u++)
            for (int v = u + 1; v < raw.n; v++)
                if (cs_test_rand(&rng) % 100 < density)
                    raw.adj[u] |= UINT32_C(1) << v;
        cs_spec s;
        cs_spec_from_cell(&s, &raw);
        if (!s.valid_spec)
            continue;
        const cs_cell *c = &s.pruned;
        int w = cs_cell_width(c), d = cs_cell_depth(c);
        /* (ck_abort only on failure: each passing ck_assert writes a mark
         * through Check's channel, which dominates loops this long) */
        if (w != st_width_brute(c))
            ck_abort_msg("cell %d: width %d, brute force %d", tested, w, st_width_brute(c));
        if (d != st_depth_brute(c, 0))
            ck_abort_msg("cell %d: depth %d, brute force %d", tested, d,
                         st_depth_brute(c, 0));
        if (w > max_width)
            max_width = w;
        if (d > max_depth)
            max_depth = d;
        tested++;
    }
    /* the sample reached wide and deep cells, not only trivial ones */
    ck_assert_int_ge(max_width, 8);
    ck_assert_int_ge(max_depth, 9);
}
END_TEST

/* --- the whole NAS-Bench-101 space ---------------------------------------------- */

/* realdata/nb101-real-1k.json: the dataset's stored cells (7x7 matrices
 * padded with zeros, ops padded with -3) and their trainable_parameters.
 * Each is found in the space; its class's row of the structure table must
 * give the real parameter count, and the class representative must be the
 * stored cell itself (the dataset stores the representative).  Then every
 * row of the table against a direct computation. */
START_TEST(test_structure_table_nb101)
{
    cs_space *sp = st_space(7, 9);
    const cs_enum_result *res = cs_space_result(sp);
    ck_assert_uint_eq(res->nclasses, 423624);
    cs_cell_structure *tab;
    cs_error err;
    ck_assert_msg(cs_structure_compute(sp, 2, &tab, &err) == CS_OK, "%s", err.msg);

    json_t *d = cs_test_load_json("realdata/nb101-real-1k.json");
    json_t *adj = json_object_get(d, "adjacency");
    json_t *ops = json_object_get(d, "operations");
    json_t *want = json_object_get(d, "trainable_parameters");
    json_t *keys = json_object_get(d, "key");
    ck_assert_uint_eq(json_array_size(adj), 1000);
    for (size_t i = 0; i < json_array_size(adj); i++) {
        cs_cell c, rep;
        cs_test_cell_from_labels(&c, json_array_get(adj, i), json_array_get(ops, i));
        int64_t k = cs_space_find_cell(sp, &c);
        const char *key = json_string_value(json_array_get(keys, i));
        ck_assert_msg(k >= 0, "real cell %s not in the space", key);
        char hex[33];
        cs_hash_to_hex(res->classes[k].hash, hex);
        ck_assert_str_eq(hex, key);
        cs_enum_class_cell(res, &res->classes[k], &rep);
        ck_assert_msg(cs_cell_equal(&rep, &c), "real cell %s: representative differs", key);
        int64_t expect = json_integer_value(json_array_get(want, i));
        ck_assert_msg(tab[k].trainable_parameters == expect,
                      "real cell %s: %" PRId64 " parameters, dataset %" PRId64, key,
                      tab[k].trainable_parameters, expect);
    }
    json_decref(d);

    /* Every row: counted directly from the representative, depth and width
     * by brute force. */
    for (size_t i = 0; i < res->nclasses; i++) {
        cs_cell c;
        cs_enum_class_cell(res, &res->classes[i], &c);
        int edges = 0, ops3 = 0, ops1 = 0, opsm = 0;
        for (int u = 0; u < c.n; u++)
            for (int v = 0; v < c.n; v++)
                edges += (int)(c.adj[u] >> v & 1);
        for (int v = 1; v < c.n - 1; v++) {
            ops3 += c.op[v] == CS_OP_CONV3X3;
            ops1 += c.op[v] == CS_OP_CONV1X1;
            opsm += c.op[v] == CS_OP_MAXPOOL3X3;
        }
        const cs_cell_structure *s = &tab[i];
        if (s->vertices != c.n || s->edges != edges || s->conv3x3 != ops3 ||
            s->conv1x1 != ops1 || s->maxpool3x3 != opsm ||
            s->automorphisms != res->classes[i].automorphisms)
            ck_abort_msg("class %zu: row (%d vertices, %d edges, ops %d/%d/%d, %g "
                         "automorphisms) vs (%d, %d, %d/%d/%d, %g)",
                         i, s->vertices, s->edges, s->conv3x3, s->conv1x1, s->maxpool3x3,
                         s->automorphisms, c.n, edges, ops3, ops1, opsm,
                         res->classes[i].automorphisms);
        if (s->depth != st_depth_brute(&c, 0) || s->width != st_width_brute(&c))
            ck_abort_msg("class %zu: depth %d width %d, brute force %d %d", i, s->depth,
                         s->width, st_depth_brute(&c, 0), st_width_brute(&c));
    }
    free(tab);
    cs_space_destroy(sp);
}
END_TEST

/* --- raw-encoding multiplicity ---------------------------------------------------- */

static const struct {
    int max_vertices, max_edges;
    uint64_t encodings; /* 2^(n(n-1)/2) * 3^(n-2), written out */
} st_small[] = {
    {4, 9, 64 * 9},
    {5, 9, 1024 * 27},
    {5, 5, 1024 * 27}, /* a tight edge limit: many "too many edges" */
};

/* Does the input reach the output in a raw (unpruned) cell? */
static bool st_connected(const cs_cell *c)
{
    uint32_t seen = 1;
    for (int v = 0; v < c->n; v++)
        if (seen >> v & 1)
            seen |= c->adj[v];
    return seen >> (c->n - 1) & 1;
}

/* Every raw encoding turned into a cell and looked up, one at a time. */
START_TEST(test_multiplicity_brute_force)
{
    int n = st_small[_i].max_vertices;
    cs_space *sp = st_space(n, st_small[_i].max_edges);
    size_t nc = cs_space_num_classes(sp);
    cs_multiplicity m;
    cs_error err;
    ck_assert_msg(cs_multiplicity_compute(sp, 2, NULL, &m, &err) == CS_OK, "%s",
                  err.msg);
    ck_assert_uint_eq(m.nclasses, nc);

    uint64_t *count = calloc(nc, sizeof *count);
    uint64_t disconnected = 0, too_many = 0, all = 0;
    uint32_t labellings = 1;
    for (int i = 0; i < n - 2; i++)
        labellings *= 3;
    for (uint64_t bits = 0; bits < (UINT64_C(1) << (n * (n - 1) / 2)); bits++)
        for (uint32_t t = 0; t < labellings; t++) {
            cs_cell c;
            cs_enum_walk_cell(n, bits, t, 3, &c);
            int64_t k = cs_space_find_cell(sp, &c);
            all++;
            if (k >= 0)
                count[k]++;
            else if (!st_connected(&c))
                disconnected++;
            else
                too_many++; /* connected, all ops known: only edges are left */
        }
    ck_assert_uint_eq(all, st_small[_i].encodings);
    ck_assert_uint_eq(m.encodings, st_small[_i].encodings);
    uint64_t valid = 0;
    size_t reached = 0;
    for (size_t k = 0; k < nc; k++) {
        if (m.per_class[k] != count[k])
            ck_abort_msg("class %zu: %" PRIu64 " vs %" PRIu64, k, m.per_class[k], count[k]);
        valid += count[k];
        reached += count[k] > 0;
    }
    ck_assert_uint_eq(m.valid, valid);
    ck_assert_uint_eq(m.invalid_disconnected, disconnected);
    ck_assert_uint_eq(m.invalid_edges, too_many);
    ck_assert_uint_eq(m.invalid, disconnected + too_many);
    /* The counts add up, and every class is met: a class of fewer vertices
     * is reached by leaving the extra vertices unconnected. */
    ck_assert_uint_eq(m.valid + m.invalid, st_small[_i].encodings);
    ck_assert_uint_eq(reached, nc);
    /* Adding the input->output edge to a disconnected encoding gives one
     * that prunes to that lone edge (class 0, the first the walk meets),
     * and removing it goes back: a bijection. */
    ck_assert_uint_eq(m.per_class[0], m.invalid_disconnected);
    if (st_small[_i].max_edges < 9)
        ck_assert_uint_gt(m.invalid_edges, 0);
    free(count);
    cs_multiplicity_destroy(&m);
    cs_space_destroy(sp);
}
END_TEST

/* A class with all max_vertices vertices prunes nothing, so its raw
 * encodings are its relabellings that keep the matrix upper triangular,
 * told apart as cells.  Counted by permuting interior vertices, on the
 * six-vertex space (62,010 such classes, 24 orders each). */
START_TEST(test_multiplicity_full_size_classes)
{
    const int n = 6;
    cs_space *sp = st_space(n, 9);
    const cs_enum_result *res = cs_space_result(sp);
    cs_multiplicity m;
    cs_error err;
    ck_assert_msg(cs_multiplicity_compute(sp, 2, NULL, &m, &err) == CS_OK, "%s",
                  err.msg);
    ck_assert_uint_eq(m.encodings, UINT64_C(32768) * 81);
    ck_assert_uint_eq(m.valid + m.invalid, m.encodings);
    size_t checked = 0;
    uint64_t above_one = 0;
    for (size_t k = 0; k < res->nclasses; k++) {
        if (res->classes[k].n != n)
            continue;
        cs_cell c, seen[24];
        int nseen = 0;
        cs_enum_class_cell(res, &res->classes[k], &c);
        int perm[6] = {0, 1, 2, 3, 4, 5};
        /* all 24 orders of the interior vertices 1..4 (Heap's algorithm
         * would do; a counter over 4^4 skipping repeats is simpler) */
        for (int code = 0; code < 256; code++) {
            int used = 0;
            bool ok = true;
            for (int v = 1; v <= 4; v++) {
                perm[v] = 1 + (code >> (2 * (v - 1)) & 3);
                if (used >> perm[v] & 1)
                    ok = false;
                used |= 1 << perm[v];
            }
            if (!ok)
                continue;
            cs_cell p;
            cs_cell_permute(&c, perm, &p);
            bool upper = true;
            for (int u = 0; u < n; u++)
                if (p.adj[u] & ((UINT32_C(2) << u) - 1))
                    upper = false;
            if (!upper)
                continue;
            bool dup = false;
            for (int j = 0; j < nseen && !dup; j++)
                dup = cs_cell_equal(&seen[j], &p);
            if (!dup)
                seen[nseen++] = p;
        }
        if (m.per_class[k] != (uint64_t)nseen)
            ck_abort_msg("class %zu: %" PRIu64 " vs %d", k, m.per_class[k], nseen);
        above_one += nseen > 1;
        checked++;
    }
    ck_assert_uint_eq(checked, 62010);
    ck_assert_uint_gt(above_one, 0);
    cs_multiplicity_destroy(&m);
    cs_space_destroy(sp);
}
END_TEST

/* --- the analyses' files on the three-vertex space ------------------------------------
 *
 * Seven classes: input -> output (IO); input -> x -> output for x in
 * conv3x3, conv1x1, maxpool (three classes); the same with the
 * input -> output edge too (three more).
 *   depth: IO 1, the six others 2.
 *   width: IO 1; x without the skip 1; with it 2 (S = {input} cuts 0x, 0out).
 *   vertices x edges: (2,1) 1, (3,2) 3, (3,3) 3.
 *   parameters: IO and input -> maxpool -> output both have only 1x1
 *   projections of the input to C channels in each of the 9 cells:
 *   stem 3*3*3*128 + 2*128 = 3,712; stack 1: 3 * (128*128 + 256) = 49,920;
 *   stack 2: 128*256 + 512 + 2 * (256*256 + 512) = 165,376; stack 3:
 *   256*512 + 1024 + 2 * (512*512 + 1024) = 658,432; dense 512*10 + 10 =
 *   5,130; total 882,570, the smallest, for 2 classes.
 *   raw encodings: 2^3 matrices x 3 labellings = 24.  Matrices: {} {01}
 *   {12} disconnected (9 encodings); {02} {01,02} {02,12} prune to IO
 *   (9); {01,12} and {01,02,12} give each labelled class once (6). */

typedef struct st_progress {
    int calls;
    double last;
} st_progress;

static void st_on_progress(void *user, const char *phase, double done)
{
    st_progress *p = user;
    (void)phase;
    ck_assert(done >= 0.0 && done <= 1.0);
    p->calls++;
    p->last = done;
}

/* The data row of a TSV file whose first field is `first`, or NULL. */
static char *st_tsv_row(const char *dir, const char *file, const char *first, char *buf,
                        size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "missing %s", path);
    char *found = NULL;
    size_t len = strlen(first);
    while (fgets(buf, (int)size, f))
        if (buf[0] != '#' && strncmp(buf, first, len) == 0 && buf[len] == '\t') {
            buf[strcspn(buf, "\n")] = '\0';
            found = buf;
            break;
        }
    fclose(f);
    return found;
}

static void st_expect_row(const char *dir, const char *file, const char *row)
{
    char buf[1024], first[64];
    size_t k = strcspn(row, "\t");
    memcpy(first, row, k);
    first[k] = '\0';
    char *got = st_tsv_row(dir, file, first, buf, sizeof buf);
    ck_assert_msg(got != NULL, "%s: no row %s", file, first);
    ck_assert_msg(strncmp(got, row, strlen(row)) == 0, "%s: row '%s', want '%s...'", file,
                  got, row);
}

static void st_remove_dir(const char *dir)
{
    static const char *files[] = {
        "structure_cells.tsv",       "structure_vertices_edges.tsv",
        "structure_vertices.tsv",    "structure_edges.tsv",
        "structure_depth.tsv",       "structure_width.tsv",
        "structure_params_hist.tsv", "structure_params_ecdf.tsv",
        "structure_automorphisms.tsv", "structure.json",
        "multiplicity_cells.tsv",    "multiplicity_hist.tsv",
        "multiplicity_ecdf.tsv",     "multiplicity_vertices.tsv",
        "multiplicity_encodings.tsv", "multiplicity.json"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

START_TEST(test_analyses_three_vertices)
{
    cs_space *sp = st_space(3, 9);
    ck_assert_uint_eq(cs_space_num_classes(sp), 7);
    cs_analysis_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    cs_error err;
    ck_assert(cs_analysis_ctx_init(&ctx, sp, NULL, &err) == CS_OK);
    st_progress prog = {0, -1};
    ctx.monitor.progress = st_on_progress;
    ctx.monitor.progress_user = &prog;
    char dir[] = "/tmp/cs_structure_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_msg(cs_analysis_structure(&ctx, dir, &err) == CS_OK, "%s", err.msg);
    ck_assert_msg(cs_analysis_multiplicity(&ctx, dir, &err) == CS_OK, "%s", err.msg);
    ck_assert_int_gt(prog.calls, 0);
    ck_assert(prog.last == 1.0);

    st_expect_row(dir, "structure_depth.tsv", "1\t1\t");
    st_expect_row(dir, "structure_depth.tsv", "2\t6\t");
    st_expect_row(dir, "structure_width.tsv", "1\t4\t");
    st_expect_row(dir, "structure_width.tsv", "2\t3\t");
    st_expect_row(dir, "structure_vertices.tsv", "3\t6\t");
    st_expect_row(dir, "structure_edges.tsv", "2\t3\t");
    st_expect_row(dir, "structure_edges.tsv", "4\t0\t");
    st_expect_row(dir, "structure_params_ecdf.tsv", "882570\t2\t");
    st_expect_row(dir, "structure_automorphisms.tsv", "1\t7\t1");
    st_expect_row(dir, "multiplicity_encodings.tsv", "all\t24\t1");
    st_expect_row(dir, "multiplicity_encodings.tsv", "valid\t15\t");
    st_expect_row(dir, "multiplicity_encodings.tsv", "invalid_disconnected\t9\t");
    st_expect_row(dir, "multiplicity_encodings.tsv", "invalid_too_many_edges\t0\t");
    st_expect_row(dir, "multiplicity_vertices.tsv", "2\t1\t9\t");
    st_expect_row(dir, "multiplicity_vertices.tsv", "3\t6\t6\t");
    st_expect_row(dir, "multiplicity_ecdf.tsv", "1\t6\t");
    st_expect_row(dir, "multiplicity_ecdf.tsv", "9\t1\t1.0\t1.0");

    /* The lone-edge class: IO, 2 vertices, 1 edge, depth 1, width 1, the
     * in->out edge, no ops, 882,570 parameters, trivial group. */
    char buf[1024];
    char *row = st_tsv_row(dir, "structure_cells.tsv", "0", buf, sizeof buf);
    ck_assert_ptr_nonnull(row);
    ck_assert_msg(strstr(row, "\tIO:1\t2\t1\t1\t1\t1\t0\t0\t0\t882570\t1") != NULL, "%s",
                  row);
    row = st_tsv_row(dir, "multiplicity_cells.tsv", "0", buf, sizeof buf);
    ck_assert_ptr_nonnull(row);
    size_t rl = strlen(row);
    ck_assert_msg(rl > 4 && strcmp(row + rl - 4, "\t2\t9") == 0, "%s", row);
    /* vertices x edges: the table has every pair, zeros included */
    char path[512];
    snprintf(path, sizeof path, "%s/structure_vertices_edges.tsv", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    int rows = 0, v, e;
    size_t cnt, total = 0;
    while (fgets(buf, sizeof buf, f))
        if (sscanf(buf, "%d\t%d\t%zu", &v, &e, &cnt) == 3) {
            rows++;
            total += cnt;
            if (v == 2 && e == 1)
                ck_assert_uint_eq(cnt, 1);
            else if (v == 3 && (e == 2 || e == 3))
                ck_assert_uint_eq(cnt, 3);
            else
                ck_assert_uint_eq(cnt, 0);
        }
    fclose(f);
    ck_assert_int_eq(rows, 2 * 9);
    ck_assert_uint_eq(total, 7);

    json_error_t jerr;
    snprintf(path, sizeof path, "%s/structure.json", dir);
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "%s: %s", path, jerr.text);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "classes")), 7);
    json_t *p = json_object_get(j, "trainable_parameters");
    ck_assert_int_eq(json_integer_value(json_object_get(p, "min")), 882570);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "width"), "max")),
                     2);
    ck_assert(json_is_false(json_object_get(j, "synthetic")));
    json_decref(j);
    snprintf(path, sizeof path, "%s/multiplicity.json", dir);
    j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "%s: %s", path, jerr.text);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "encodings")), 24);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "invalid")), 9);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "classes_reached")), 7);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(j, "multiplicity"), "max")), 9);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(j, "multiplicity"), "max_cell")),
        "IO:1");
    json_decref(j);

    st_remove_dir(dir);
    cs_analysis_ctx_destroy(&ctx);
    cs_space_destroy(sp);
}
END_TEST

TCase *cs_structure_tcase(void)
{
    TCase *tc = tcase_create("structure");
    /* the NAS-Bench-101 space is built once in one test: ~2 s, ~10 s
     * under sanitizers */
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_depth_width_by_hand);
    tcase_add_test(tc, test_depth_width_random_cells);
    tcase_add_test(tc, test_structure_table_nb101);
    tcase_add_loop_test(tc, test_multiplicity_brute_force, 0,
                        (int)(sizeof st_small / sizeof st_small[0]));
    tcase_add_test(tc, test_multiplicity_full_size_classes);
    tcase_add_test(tc, test_analyses_three_vertices);
    return tc;
}
