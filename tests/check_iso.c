/* iso/: cells, the reference semantics, the module hash, canonical forms. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_io.h"
#include "cs_iso.h"
#include "cs_parallel.h"
#include "cs_rng.h"
#include "testutil.h"

TCase *cs_md5_batch_tcase(void);
TCase *cs_params_tcase(void);
TCase *cs_nb201_tcase(void);
TCase *cs_json_tcase(void);

static const char *const fixtures[] = {
    "fixtures/nb101-mini-full.expected.json",
    "fixtures/nb101-mini-only108.expected.json",
    "fixtures/nb101-real30-only108.expected.json",
};

static void check_matrix(const cs_cell *c, json_t *m, const char *what)
{
    ck_assert_int_eq((int)json_array_size(m), c->n);
    for (int i = 0; i < c->n; i++)
        for (int j = 0; j < c->n; j++) {
            int want = (int)json_integer_value(json_array_get(json_array_get(m, (size_t)i), (size_t)j));
            ck_assert_msg(want == (int)(c->adj[i] >> j & 1), "%s: entry %d,%d", what, i, j);
        }
}

/* Every probe the reference API answered, reproduced. */
START_TEST(test_fixture_probes)
{
    json_t *root = cs_test_load_json(fixtures[_i]);
    json_t *probes = json_object_get(root, "probes");
    ck_assert(json_array_size(probes) > 0);
    size_t i;
    json_t *p;
    json_array_foreach(probes, i, p)
    {
        const char *kind = json_string_value(json_object_get(p, "kind"));
        cs_spec s;
        cs_error err;
        cs_status st = cs_test_spec(&s, json_object_get(p, "matrix"), json_object_get(p, "ops"), &err);
        const char *want_err = json_string_value(json_object_get(p, "error"));
        const char *want_msg = json_string_value(json_object_get(p, "message"));
        if (want_err && !strcmp(want_err, "ValueError")) {
            ck_assert_msg(st == CS_ERR_VALUE, "probe %zu (%s): status %d", i, kind, st);
            ck_assert_str_eq(err.msg, want_msg);
            continue;
        }
        ck_assert_msg(st == CS_OK, "probe %zu (%s): %s", i, kind, err.msg);
        json_t *pm = json_object_get(p, "pruned_matrix");
        if (pm) {
            ck_assert(s.valid_spec);
            check_matrix(&s.pruned, pm, kind);
            json_t *po = json_object_get(p, "pruned_ops");
            ck_assert_int_eq((int)json_array_size(po), s.pruned.n);
            for (int v = 0; v < s.pruned.n; v++)
                ck_assert_str_eq(cs_spec_pruned_opname(&s, v),
                                 json_string_value(json_array_get(po, (size_t)v)));
        }
        st = cs_spec_check(&s, &CS_NB101_LIMITS, &err);
        bool valid = json_is_true(json_object_get(p, "valid"));
        ck_assert_msg((st == CS_OK) == valid, "probe %zu (%s): validity", i, kind);
        if (!valid) {
            ck_assert_str_eq(cs_status_name(st), want_err);
            ck_assert_str_eq(err.msg, want_msg);
            continue;
        }
        char hex[33];
        ck_assert_int_eq(cs_cell_hash(&s.pruned, hex, &err), CS_OK);
        ck_assert_str_eq(hex, json_string_value(json_object_get(p, "hash")));
    }
    json_decref(root);
}
END_TEST

/* The reference generator's own files: every hash from matrix + labels. */
static const char *const generated[] = {"realdata/generated_graphs_4V9E.json",
                                        "realdata/generated_graphs_5V9E.json"};

START_TEST(test_generated_graph_hashes)
{
    json_t *root = cs_test_load_json(generated[_i]);
    const char *key;
    json_t *v;
    size_t count = 0;
    json_object_foreach(root, key, v)
    {
        cs_cell c;
        char hex[33];
        cs_test_cell_from_labels(&c, json_array_get(v, 0), json_array_get(v, 1));
        ck_assert_int_eq(cs_cell_hash(&c, hex, NULL), CS_OK);
        ck_assert_str_eq(hex, key);
        count++;
    }
    ck_assert_uint_eq(count, _i == 0 ? 91 : 2532);
    json_decref(root);
}
END_TEST

/* 1,000 real cells (zero padded, labels as ints). */
START_TEST(test_real_1k_hashes)
{
    json_t *root = cs_test_load_json("realdata/nb101-real-1k.json");
    json_t *keys = json_object_get(root, "key");
    json_t *adj = json_object_get(root, "adjacency");
    json_t *ops = json_object_get(root, "operations");
    ck_assert_uint_eq(json_array_size(keys), 1000);
    for (size_t i = 0; i < json_array_size(keys); i++) {
        cs_cell c;
        char hex[33];
        cs_test_cell_from_labels(&c, json_array_get(adj, i), json_array_get(ops, i));
        ck_assert_int_eq(cs_cell_hash(&c, hex, NULL), CS_OK);
        ck_assert_str_eq(hex, json_string_value(json_array_get(keys, i)));
    }
    json_decref(root);
}
END_TEST

/* 30 real cells as the API returns them (op names); many hashed at once. */
START_TEST(test_real_30_hashes)
{
    json_t *root = cs_test_load_json("realdata/nb101-real-30-repeats.json");
    cs_cell cells[30];
    const char *want[30];
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        cs_spec s;
        cs_error err;
        ck_assert_int_eq(cs_test_spec(&s, json_object_get(v, "module_adjacency"),
                                      json_object_get(v, "module_operations"), &err), CS_OK);
        ck_assert_int_eq(cs_spec_check(&s, &CS_NB101_LIMITS, &err), CS_OK);
        ck_assert(cs_cell_equal(&s.original, &s.pruned));
        cells[n] = s.pruned;
        want[n++] = key;
    }
    ck_assert_uint_eq(n, 30);
    char hex[30][33];
    ck_assert_int_eq(cs_cell_hash_many(n, cells, hex, NULL), CS_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(hex[i], want[i]);
    json_decref(root);
}
END_TEST

/* Quoted data points: a query that needs pruning-free relabelling, and a hash. */
START_TEST(test_quoted_points)
{
    json_t *root = cs_test_load_json("realdata/nb101-quoted-datapoints.json");
    json_t *points = json_object_get(root, "points");
    size_t i, checked = 0;
    json_t *p;
    json_array_foreach(points, i, p)
    {
        json_t *m = json_object_get(p, "matrix"), *o = json_object_get(p, "ops");
        const char *hash = json_string_value(json_object_get(p, "hash"));
        if (m && o && hash) {
            cs_spec s;
            char hex[33];
            ck_assert_int_eq(cs_test_spec(&s, m, o, NULL), CS_OK);
            ck_assert_int_eq(cs_cell_hash(&s.pruned, hex, NULL), CS_OK);
            ck_assert_str_eq(hex, hash);
            checked++;
        }
        json_t *qm = json_object_get(p, "query_matrix");
        json_t *rm = json_object_get(p, "module_adjacency_returned");
        if (qm && rm) {
            /* The query and the stored cell differ in vertex order but are
             * one class: same hash, same canonical form. */
            cs_spec a, b;
            cs_canon ca, cb;
            char ha[33], hb[33];
            ck_assert_int_eq(cs_test_spec(&a, qm, json_object_get(p, "query_ops"), NULL), CS_OK);
            ck_assert_int_eq(cs_test_spec(&b, rm, json_object_get(p, "module_operations_returned"), NULL), CS_OK);
            ck_assert(!cs_cell_equal(&a.pruned, &b.pruned));
            cs_cell_hash(&a.pruned, ha, NULL);
            cs_cell_hash(&b.pruned, hb, NULL);
            ck_assert_str_eq(ha, hb);
            cs_cell_canon(&a.pruned, &ca, NULL);
            cs_cell_canon(&b.pruned, &cb, NULL);
            ck_assert(cs_cell_equal(&ca.cell, &cb.cell));
            checked++;
        }
    }
    ck_assert_uint_ge(checked, 2);
    json_decref(root);
}
END_TEST

/* A random topological relabelling of interior vertices. */
static void random_relabel(const cs_cell *c, cs_cell *out, unsigned long long *rng)
{
    int n = c->n, perm[CS_CELL_MAXV], indeg[CS_CELL_MAXV] = {0};
    for (int v = 0; v < n; v++)
        for (int w = 0; w < n; w++)
            if (c->adj[v] >> w & 1)
                indeg[w]++;
    uint32_t done = 0;
    for (int k = 0; k < n; k++) {
        int ready[CS_CELL_MAXV], nr = 0;
        for (int v = 0; v < n; v++)
            if (!(done >> v & 1) && indeg[v] == 0)
                ready[nr++] = v;
        int v = ready[cs_test_rand(rng) % (unsigned)nr];
        done |= 1u << v;
        perm[v] = k;
        for (int w = 0; w < n; w++)
            if (c->adj[v] >> w & 1)
                indeg[w]--;
    }
    cs_cell_permute(c, perm, out);
}

static void sample_cells(cs_cell *cells, int *count)
{
    json_t *root = cs_test_load_json("realdata/nb101-real-1k.json");
    json_t *adj = json_object_get(root, "adjacency");
    json_t *ops = json_object_get(root, "operations");
    *count = 200;
    for (int i = 0; i < *count; i++)
        cs_test_cell_from_labels(&cells[i], json_array_get(adj, (size_t)i * 5),
                                 json_array_get(ops, (size_t)i * 5));
    json_decref(root);
}

START_TEST(test_relabelling_invariance)
{
    static cs_cell cells[200];
    int count;
    unsigned long long rng = 42;
    sample_cells(cells, &count);
    int moved = 0;
    for (int i = 0; i < count; i++) {
        char h0[33], h1[33];
        cs_canon c0, c1;
        cs_cell_hash(&cells[i], h0, NULL);
        ck_assert_int_eq(cs_cell_canon(&cells[i], &c0, NULL), CS_OK);
        for (int r = 0; r < 5; r++) {
            cs_cell p;
            random_relabel(&cells[i], &p, &rng);
            moved += !cs_cell_equal(&p, &cells[i]);
            /* still a valid cell: input first, output last, upper triangular */
            ck_assert_int_eq(p.op[0], CS_OP_INPUT);
            ck_assert_int_eq(p.op[p.n - 1], CS_OP_OUTPUT);
            cs_cell_hash(&p, h1, NULL);
            ck_assert_str_eq(h0, h1);
            ck_assert_int_eq(cs_cell_canon(&p, &c1, NULL), CS_OK);
            ck_assert(cs_cell_equal(&c0.cell, &c1.cell));
            ck_assert(c0.automorphisms == c1.automorphisms);
        }
    }
    ck_assert_int_gt(moved, 100);
}
END_TEST

START_TEST(test_changes_change_canonical_form)
{
    static cs_cell cells[200];
    int count;
    sample_cells(cells, &count);
    for (int i = 0; i < count; i++) {
        cs_cell *c = &cells[i];
        cs_canon c0, c1;
        char h0[33], h1[33];
        cs_cell_canon(c, &c0, NULL);
        cs_cell_hash(c, h0, NULL);
        /* another op at vertex 1 */
        cs_cell d = *c;
        d.op[1] = (int8_t)((d.op[1] + 1) % 3);
        cs_cell_canon(&d, &c1, NULL);
        cs_cell_hash(&d, h1, NULL);
        ck_assert(!cs_cell_equal(&c0.cell, &c1.cell));
        ck_assert_str_ne(h0, h1);
        /* one more or one fewer edge (the graph stays a DAG) */
        d = *c;
        d.adj[0] ^= UINT32_C(1) << (c->n - 1);
        cs_cell_canon(&d, &c1, NULL);
        ck_assert(!cs_cell_equal(&c0.cell, &c1.cell));
    }
}
END_TEST

START_TEST(test_canonical_form_is_a_cell)
{
    static cs_cell cells[200];
    int count;
    sample_cells(cells, &count);
    for (int i = 0; i < count; i++) {
        cs_canon cn;
        cs_cell_canon(&cells[i], &cn, NULL);
        const cs_cell *k = &cn.cell;
        ck_assert_int_eq(k->op[0], CS_OP_INPUT);
        ck_assert_int_eq(k->op[k->n - 1], CS_OP_OUTPUT);
        for (int v = 0; v < k->n; v++)
            ck_assert_uint_eq(k->adj[v] & ((UINT32_C(2) << v) - 1), 0);
        /* lab maps canonical vertices back onto the cell given */
        for (int a = 0; a < k->n; a++) {
            ck_assert_int_eq(k->op[a], cells[i].op[cn.lab[a]]);
            for (int b = 0; b < k->n; b++)
                ck_assert_int_eq((int)(k->adj[a] >> b & 1),
                                 (int)(cells[i].adj[cn.lab[a]] >> cn.lab[b] & 1));
        }
        cs_key key;
        cs_cell back;
        ck_assert_int_eq(cs_cell_key(k, &key, NULL), CS_OK);
        cs_key_cell(&key, &back);
        ck_assert(cs_cell_equal(&back, k));
    }
}
END_TEST

/* Automorphism counts worked out by hand. */
START_TEST(test_automorphisms_by_hand)
{
    struct { const char *cell; double aut; } cases[] = {
        {"IO:1", 1},
        {"I33O:110011", 2},        /* two parallel conv3x3 */
        {"I31O:110011", 1},        /* parallel, different ops */
        {"I333O:1110001011", 6},   /* three parallel */
        {"I3333O:111100001001011", 24},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_spec s;
        cs_canon cn;
        cs_error err;
        ck_assert_msg(cs_spec_parse(&s, cases[i].cell, strlen(cases[i].cell), &err) == CS_OK,
                      "%s: %s", cases[i].cell, err.msg);
        ck_assert_int_eq(cs_cell_canon(&s.pruned, &cn, NULL), CS_OK);
        ck_assert_msg(cn.automorphisms == cases[i].aut, "%s: %g", cases[i].cell, cn.automorphisms);
    }
}
END_TEST

/* Text forms: every form reads back to the same cell. */
START_TEST(test_text_forms_round_trip)
{
    static cs_cell cells[200];
    int count;
    sample_cells(cells, &count);
    for (int i = 0; i < count; i++) {
        char buf[1024];
        cs_spec s;
        cs_error err;
        cs_cell_format_compact(&cells[i], buf, sizeof buf);
        ck_assert_msg(cs_spec_parse(&s, buf, strlen(buf), &err) == CS_OK, "%s", err.msg);
        ck_assert(cs_cell_equal(&s.original, &cells[i]));
        cs_cell_format_row(&cells[i], buf, sizeof buf);
        ck_assert_msg(cs_spec_parse(&s, buf, strlen(buf), &err) == CS_OK, "%s", err.msg);
        ck_assert(cs_cell_equal(&s.original, &cells[i]));
        cs_cell_format_json(&cells[i], buf, sizeof buf);
        ck_assert_msg(cs_spec_parse(&s, buf, strlen(buf), &err) == CS_OK, "%s", err.msg);
        ck_assert(cs_cell_equal(&s.original, &cells[i]));
    }
}
END_TEST

START_TEST(test_format_exact_text)
{
    cs_spec s;
    const char *in = "{\"matrix\": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "
                     "\"ops\": [\"input\", \"maxpool3x3\", \"output\"]}";
    char buf[256];
    ck_assert_int_eq(cs_spec_parse(&s, in, strlen(in), NULL), CS_OK);
    cs_cell_format_json(&s.original, buf, sizeof buf);
    ck_assert_str_eq(buf, in);
    cs_cell_format_compact(&s.original, buf, sizeof buf);
    ck_assert_str_eq(buf, "IMO:111");
    cs_cell_format_row(&s.original, buf, sizeof buf);
    ck_assert_str_eq(buf, "011001000 input,maxpool3x3,output");
    /* a too-small buffer still reports the full length */
    ck_assert_int_eq(cs_cell_format_compact(&s.original, buf, 4), 7);
    ck_assert_uint_eq(strlen(buf), 3);
}
END_TEST

/* Malformed cells: the error kind and a message naming the field. */
START_TEST(test_malformed_cells)
{
    struct { const char *text; cs_status st; const char *needle; } cases[] = {
        {"{\"matrix\": [[0, 1], [0]], \"ops\": [\"input\", \"output\"]}", CS_ERR_VALUE, "matrix must be square"},
        {"{\"matrix\": [[0, 1], [1, 0]], \"ops\": [\"input\", \"output\"]}", CS_ERR_VALUE, "upper triangular"},
        {"{\"matrix\": [[0, 2], [0, 0]], \"ops\": [\"input\", \"output\"]}", CS_ERR_VALUE, "0 or 1, got 2 at row 0, column 1"},
        {"{\"matrix\": [[0, 1], [0, 0]], \"ops\": [\"input\"]}", CS_ERR_VALUE, "length of ops"},
        {"{\"matrix\": [[0, \"x\"], [0, 0]], \"ops\": [\"input\", \"output\"]}", CS_ERR_PARSE, "row 0, column 1"},
        {"{\"matrix\": [[0, 1], [0, 0]], \"ops\": [\"input\", 7]}", CS_ERR_PARSE, "\"ops\" item 1"},
        {"{\"matrix\": [[0, 1], [0, 0]]}", CS_ERR_PARSE, "missing key \"ops\""},
        {"{\"matrix\": [[0, 1], [0, 0]], \"ops\": [\"input\", \"output\"]", CS_ERR_PARSE, "invalid JSON"},
        {"[1, 2]", CS_ERR_PARSE, "not a cell"},
        {"01000 input,output", CS_ERR_VALUE, "not a square number"},
        {"0120 input,output", CS_ERR_PARSE, "character 2"},
        {"0100 input,,output", CS_ERR_PARSE, "op 1 is empty"},
        {"0100 input,conv3x3-bn-relu,output", CS_ERR_VALUE, "length of ops"},
        {"I3O:11", CS_ERR_PARSE, "needs 3 edge bits"},
        {"IXO:111", CS_ERR_PARSE, "compact op 1 is 'X'"},
        {"I3O:1a1", CS_ERR_PARSE, "edge bit 1"},
        {"garbage", CS_ERR_PARSE, "not a cell"},
        {"   ", CS_ERR_PARSE, "empty"},
        {"0100 input,output extra", CS_ERR_PARSE, "two fields"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_spec s;
        cs_error err;
        cs_status st = cs_spec_parse(&s, cases[i].text, strlen(cases[i].text), &err);
        ck_assert_msg(st == cases[i].st, "case %zu '%s': status %d (%s)", i, cases[i].text, st,
                      st ? err.msg : "ok");
        ck_assert_msg(strstr(err.msg, cases[i].needle), "case %zu: message '%s' lacks '%s'", i,
                      err.msg, cases[i].needle);
    }
}
END_TEST

/* Unknown ops are a domain error naming the op, after pruning. */
START_TEST(test_unknown_op_after_pruning)
{
    cs_spec s;
    cs_error err;
    /* vertex 2 (conv5x5) dangles and is pruned away: the cell is valid */
    const char *t = "{\"matrix\": [[0,1,1,0],[0,0,0,1],[0,0,0,0],[0,0,0,0]],"
                    " \"ops\": [\"input\",\"conv3x3-bn-relu\",\"conv5x5\",\"output\"]}";
    ck_assert_int_eq(cs_spec_parse(&s, t, strlen(t), &err), CS_OK);
    ck_assert_int_eq(s.pruned.n, 3);
    ck_assert_int_eq(cs_spec_check(&s, &CS_NB101_LIMITS, &err), CS_OK);
    /* an interior "input" is an unsupported op too */
    const char *u = "0110000100010000 input,input,conv1x1-bn-relu,output";
    ck_assert_int_eq(cs_spec_parse(&s, u, strlen(u), &err), CS_OK);
    ck_assert_int_eq(cs_spec_check(&s, &CS_NB101_LIMITS, &err), CS_ERR_DOMAIN);
    ck_assert_str_eq(err.msg, "unsupported op input (available ops = ['conv3x3-bn-relu', "
                              "'conv1x1-bn-relu', 'maxpool3x3'])");
}
END_TEST


/* The reference generator's own files list its representatives: every
 * relabelling of one finds it again. */
START_TEST(test_reference_form_of_generated_graphs)
{
    json_t *root = cs_test_load_json("realdata/generated_graphs_5V9E.json");
    const char *key;
    json_t *v;
    unsigned long long rng = 5;
    json_object_foreach(root, key, v)
    {
        cs_cell c, rep, p;
        cs_test_cell_from_labels(&c, json_array_get(v, 0), json_array_get(v, 1));
        ck_assert_int_eq(cs_cell_reference_form(&c, &rep, NULL), CS_OK);
        ck_assert_msg(cs_cell_equal(&rep, &c), "%s", key);
        random_relabel(&c, &p, &rng);
        ck_assert_int_eq(cs_cell_reference_form(&p, &rep, NULL), CS_OK);
        ck_assert_msg(cs_cell_equal(&rep, &c), "%s relabelled", key);
    }
    json_decref(root);
}
END_TEST

/* Real dataset cells are stored as the reference's representatives. */
START_TEST(test_reference_form_of_real_cells)
{
    json_t *root = cs_test_load_json("realdata/nb101-real-1k.json");
    json_t *adj = json_object_get(root, "adjacency"), *ops = json_object_get(root, "operations");
    unsigned long long rng = 9;
    for (size_t i = 0; i < json_array_size(adj); i++) {
        cs_cell c, rep, p;
        cs_test_cell_from_labels(&c, json_array_get(adj, i), json_array_get(ops, i));
        random_relabel(&c, &p, &rng);
        ck_assert_int_eq(cs_cell_reference_form(&p, &rep, NULL), CS_OK);
        ck_assert_msg(cs_cell_equal(&rep, &c), "cell %zu", i);
    }
    json_decref(root);
}
END_TEST

/* Twelve vertices make a 66-bit edge pattern; bits 64 and 65 (edges from
 * positions 9 and 10 into the output) once wrapped onto bits 0 and 1,
 * which made an order with both the better one (found by fuzz_cell). */
START_TEST(test_reference_form_of_twelve_vertices)
{
    /* Input -> chain of nine conv3x3 -> output, and input -> maxpool -> output
     * with the maxpool last among the interior vertices. */
    const char *in = "I333333333MO:100000000101000000000100000000100000001000000100000100001000100011";
    cs_spec s;
    cs_error err;
    ck_assert_int_eq(cs_spec_parse(&s, in, strlen(in), &err), CS_OK);
    cs_cell rep;
    ck_assert_int_eq(cs_cell_reference_form(&s.pruned, &rep, &err), CS_OK);
    char out[128];
    cs_cell_format_compact(&rep, out, sizeof out);
    /* The maxpool first: the output's in-edges are then bits 56 and 65,
     * against 64 and 65 with it last. */
    ck_assert_str_eq(out, "IM333333333O:110000000000000000001100000000100000001000000100000100001000100101");
}
END_TEST


/* --- the seeded streams (cs_rng.h) --------------------------------------------
 * Expected values: the published generators (splitmix64 from state 0;
 * xoshiro256** from state {1, 2, 3, 4}) computed by a separate Python
 * transcription of the authors' reference C code. */
START_TEST(test_rng_reference_values)
{
    uint64_t s = 0;
    ck_assert_uint_eq(cs_splitmix64(&s), UINT64_C(0xe220a8397b1dcdaf));
    ck_assert_uint_eq(cs_splitmix64(&s), UINT64_C(0x6e789e6aa1b965f4));
    ck_assert_uint_eq(cs_splitmix64(&s), UINT64_C(0x06c45d188009454f));
    cs_rng r = {{1, 2, 3, 4}};
    ck_assert_uint_eq(cs_rng_next(&r), 11520);
    ck_assert_uint_eq(cs_rng_next(&r), 0);
    ck_assert_uint_eq(cs_rng_next(&r), 1509978240);
    ck_assert_uint_eq(cs_rng_next(&r), UINT64_C(1215971899390074240));
}
END_TEST

/* Draws below n cover [0, n) evenly: a chi-square bound far in the tail
 * (p < 1e-9 for a fair generator), and never n or above. */
START_TEST(test_rng_below_is_uniform)
{
    enum { N = 7, DRAWS = 70000 };
    unsigned long a[N] = {0}, b[N] = {0};
    cs_rng r;
    cs_rng_seed(&r, 42);
    uint64_t s = 42;
    for (int i = 0; i < DRAWS; i++) {
        uint64_t x = cs_rng_below(&r, N), y = cs_splitmix64_below(&s, N);
        ck_assert_uint_lt(x, N);
        ck_assert_uint_lt(y, N);
        a[x]++;
        b[y]++;
        double u = cs_rng_uniform(&r);
        ck_assert(u >= 0.0 && u < 1.0);
    }
    double ca = 0, cb = 0, e = (double)DRAWS / N;
    for (int k = 0; k < N; k++) {
        ca += (a[k] - e) * (a[k] - e) / e;
        cb += (b[k] - e) * (b[k] - e) / e;
    }
    /* chi-square with 6 degrees of freedom: P(X > 50) < 1e-8 */
    ck_assert_msg(ca < 50 && cb < 50, "chi-square %g %g", ca, cb);
    ck_assert_uint_eq(cs_rng_below(&r, 1), 0);
}
END_TEST


/* --- threads (cs_parallel.h) ------------------------------------------------ */

static void count_job(void *arg, size_t j)
{
    atomic_int *hits = arg;
    atomic_fetch_add(&hits[j], 1);
}

/* Every index is done exactly once, whatever the thread count. */
START_TEST(test_parallel_for_does_each_job_once)
{
    static const size_t njobs[] = {0, 1, 3, 1000};
    static const int threads[] = {1, 2, 3, 8, 0};
    for (size_t a = 0; a < sizeof njobs / sizeof *njobs; a++)
        for (size_t b = 0; b < sizeof threads / sizeof *threads; b++) {
            atomic_int hits[1000];
            for (size_t j = 0; j < 1000; j++)
                atomic_init(&hits[j], 0);
            cs_parallel_for(threads[b], njobs[a], count_job, hits);
            for (size_t j = 0; j < 1000; j++)
                ck_assert_int_eq(atomic_load(&hits[j]), j < njobs[a] ? 1 : 0);
        }
}
END_TEST

typedef struct bg_worker {
    int id;
    long sum;
} bg_worker;

static void *bg_run(void *p)
{
    bg_worker *w = p;
    for (int i = 0; i <= w->id * 1000; i++)
        w->sum += i;
    return NULL;
}

/* Background workers each get their own struct and are all joined. */
START_TEST(test_parallel_start_join)
{
    bg_worker w[5];
    for (int i = 0; i < 5; i++)
        w[i] = (bg_worker){.id = i, .sum = 0};
    cs_parallel_group g;
    ck_assert_int_eq(cs_parallel_start(&g, 5, bg_run, w, sizeof *w), 5);
    cs_parallel_join(&g);
    for (int i = 0; i < 5; i++) {
        long n = (long)i * 1000;
        ck_assert_int_eq(w[i].sum, n * (n + 1) / 2);
    }
    ck_assert_int_eq(g.started, 0);
}
END_TEST


/* --- directories (cs_io.h) ---------------------------------------------------- */

static bool is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* mkdir -p says which directory it made first, so that removing that one
 * tree undoes it and nothing that was there before is touched. */
START_TEST(test_mkdirs_and_undo)
{
    char top[512], path[1024], file[1100];
    snprintf(top, sizeof top, "%s/cs-mkdirs-XXXXXX", CS_TEST_TMPDIR);
    ck_assert(mkdtemp(top) != NULL);
    cs_error err;
    char *made = NULL;
    snprintf(path, sizeof path, "%s/a/b/c", top);
    ck_assert_msg(cs_mkdirs(path, &made, &err) == CS_OK, "%s", err.msg);
    ck_assert(is_dir(path));
    snprintf(file, sizeof file, "%s/a", top);
    ck_assert_str_eq(made, file);
    free(made);
    /* again: nothing new */
    ck_assert(cs_mkdirs(path, &made, &err) == CS_OK);
    ck_assert_ptr_null(made);
    /* a file where a directory should be: named in the error */
    snprintf(file, sizeof file, "%s/a/b/f", top);
    FILE *f = fopen(file, "w");
    ck_assert(f != NULL);
    fclose(f);
    snprintf(path, sizeof path, "%s/a/b/f/g", top);
    ck_assert(cs_mkdirs(path, &made, &err) == CS_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, file));
    ck_assert_ptr_null(made);
    /* undo from a: everything below goes, top stays */
    snprintf(path, sizeof path, "%s/a", top);
    ck_assert_msg(cs_remove_tree(path, &err) == CS_OK, "%s", err.msg);
    ck_assert(!is_dir(path));
    ck_assert(is_dir(top));
    ck_assert(cs_remove_tree(path, &err) == CS_ERR_IO);
    ck_assert(rmdir(top) == 0);
}
END_TEST

static Suite *iso_suite(void)
{
    Suite *s = suite_create("iso");
    TCase *tc = tcase_create("reference");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_fixture_probes, 0, 3);
    tcase_add_loop_test(tc, test_generated_graph_hashes, 0, 2);
    tcase_add_test(tc, test_real_1k_hashes);
    tcase_add_test(tc, test_real_30_hashes);
    tcase_add_test(tc, test_quoted_points);
    suite_add_tcase(s, tc);
    tc = tcase_create("canonical");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_relabelling_invariance);
    tcase_add_test(tc, test_changes_change_canonical_form);
    tcase_add_test(tc, test_canonical_form_is_a_cell);
    tcase_add_test(tc, test_automorphisms_by_hand);
    tcase_add_test(tc, test_reference_form_of_generated_graphs);
    tcase_add_test(tc, test_reference_form_of_real_cells);
    tcase_add_test(tc, test_reference_form_of_twelve_vertices);
    suite_add_tcase(s, tc);
    tc = tcase_create("text");
    tcase_add_test(tc, test_text_forms_round_trip);
    tcase_add_test(tc, test_format_exact_text);
    tcase_add_test(tc, test_malformed_cells);
    tcase_add_test(tc, test_unknown_op_after_pruning);
    suite_add_tcase(s, tc);
    tc = tcase_create("rng");
    tcase_add_test(tc, test_rng_reference_values);
    tcase_add_test(tc, test_rng_below_is_uniform);
    suite_add_tcase(s, tc);
    tc = tcase_create("dirs");
    tcase_add_test(tc, test_mkdirs_and_undo);
    suite_add_tcase(s, tc);
    tc = tcase_create("parallel");
    tcase_add_test(tc, test_parallel_for_does_each_job_once);
    tcase_add_test(tc, test_parallel_start_join);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, cs_md5_batch_tcase());
    suite_add_tcase(s, cs_params_tcase());
    suite_add_tcase(s, cs_nb201_tcase());
    suite_add_tcase(s, cs_json_tcase());
    return s;
}

int main(void)
{
    return cs_test_run(iso_suite());
}
