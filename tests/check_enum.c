/* enum/: the reference walk, exact classes, certification, output files. */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_enum.h"
#include "cs_enum_output.h"
#include "cs_space.h"
#include "testutil.h"

static void run(int maxv, int maxe, int ops, bool verify, cs_enum_result *r)
{
    cs_enum_options o;
    cs_error err;
    cs_enum_options_init(&o);
    o.limits.max_vertices = maxv;
    o.limits.max_edges = maxe;
    o.limits.num_ops = ops;
    o.verify = verify;
    ck_assert_msg(cs_enum_run(&o, r, &err) == CS_OK, "%s", err.msg);
}

/* The reference generator's output files, reproduced byte for byte. */
START_TEST(test_nasbench_json_identical)
{
    static const char *const files[] = {"realdata/generated_graphs_4V9E.json",
                                         "realdata/generated_graphs_5V9E.json"};
    int maxv = 4 + _i;
    cs_enum_result r;
    run(maxv, 9, 3, true, &r);
    ck_assert(cs_enum_certified(&r));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(cs_enum_write_nasbench_json(f, &r, NULL), CS_OK);
    fclose(f);
    char path[4096];
    size_t want_len;
    cs_test_shared_path(path, sizeof path, files[_i]);
    char *want = cs_test_read_file(path, &want_len);
    ck_assert_ptr_nonnull(want);
    ck_assert_uint_eq(len, want_len);
    ck_assert(memcmp(buf, want, len) == 0);
    free(buf);
    free(want);
    cs_enum_result_destroy(&r);
}
END_TEST

/* Worked by hand: 2 vertices give IO; 3 vertices need edges 0-1 and 1-2,
 * with or without 0-2: 2 matrices x num_ops labellings, none isomorphic. */
START_TEST(test_tiny_space_by_hand)
{
    for (int ops = 1; ops <= 3; ops++) {
        cs_enum_result r;
        run(3, 9, ops, true, &r);
        ck_assert_uint_eq(r.nclasses, 1 + 2 * (size_t)ops);
        ck_assert_uint_eq(r.per_vertices[3].matrices, 2);
        ck_assert_uint_eq(r.per_vertices[3].labelled, 2 * (uint64_t)ops);
        ck_assert(cs_enum_certified(&r));
        /* first met: the 2-vertex cell, then bits 0b101 with label 0 */
        ck_assert_uint_eq(r.classes[0].n, 2);
        ck_assert_uint_eq(r.classes[1].bits, 5);
        ck_assert_uint_eq(r.classes[1].labelling, 0);
        cs_enum_result_destroy(&r);
    }
    /* With at most 2 edges only the chain input -> x -> output remains. */
    cs_enum_result r;
    run(3, 2, 3, true, &r);
    ck_assert_uint_eq(r.nclasses, 1 + 3);
    cs_enum_result_destroy(&r);
}
END_TEST

START_TEST(test_walk_classes_match_brute_force)
{
    /* Brute force: every (matrix, labelling) of the walk, classes by the
     * canonical form of iso/, independent of the walk's group orbits. */
    for (int ops = 1; ops <= 3; ops++) {
        cs_enum_result r;
        run(5, 9, ops, false, &r);
        size_t cap = 1 << 16, n = 0;
        cs_key *keys = malloc(cap * sizeof *keys);
        for (int v = 2; v <= 5; v++) {
            int nb = v * (v - 1) / 2;
            uint32_t L = 1;
            for (int i = 0; i < v - 2; i++)
                L *= (uint32_t)ops;
            for (uint64_t bits = 0; bits < (UINT64_C(1) << nb); bits++) {
                if (__builtin_popcountll(bits) > 9)
                    continue;
                for (uint32_t t = 0; t < L; t++) {
                    cs_cell c;
                    cs_spec s;
                    cs_enum_walk_cell(v, bits, t, ops, &c);
                    cs_spec_from_cell(&s, &c);
                    if (!s.valid_spec || !cs_cell_equal(&s.pruned, &c))
                        continue; /* not a full DAG */
                    cs_canon cn;
                    cs_cell_canon(&c, &cn, NULL);
                    cs_cell_key(&cn.cell, &keys[n++], NULL);
                    ck_assert(n < cap);
                }
            }
        }
        qsort(keys, n, sizeof *keys, (int (*)(const void *, const void *))cs_key_cmp);
        size_t distinct = n ? 1 : 0;
        for (size_t i = 1; i < n; i++)
            distinct += cs_key_cmp(&keys[i - 1], &keys[i]) != 0;
        ck_assert_uint_eq(distinct, r.nclasses);
        uint64_t labelled = 0;
        for (int v = 2; v <= 5; v++)
            labelled += r.per_vertices[v].labelled;
        ck_assert_uint_eq(labelled, n);
        free(keys);
        cs_enum_result_destroy(&r);
    }
}
END_TEST

/* What the reference generator (google-research/nasbench
 * scripts/generate_graphs.py, run on this machine with --max_vertices 7
 * --noverify_isomorphism; see BENCHMARKS.md) logged and wrote: after each
 * vertex count, "Up to N vertices: X graphs (Y without hashing)", and the
 * SHA-256 of its output file. */
static const uint64_t reference_classes_up_to[] = {0, 0, 1, 7, 91, 2532, 64542, 423624};
static const uint64_t reference_labelled_up_to[] = {0, 0, 1, 7, 97, 3364, 128509, 1293208};
static const char reference_7v_sha256[] =
    "b62900d1b8b3b850df432da5dce9e7a9248655bba8ada9f03e54cdcc6487a39a";

/* The paper's count, certified; the reference's log and output file
 * reproduced; TSV agrees with the classes. */
START_TEST(test_full_space)
{
    cs_enum_result r;
    run(7, 9, 3, true, &r);
    ck_assert_uint_eq(r.nclasses, 423624);
    ck_assert(cs_enum_certified(&r));
    uint64_t classes = 0, labelled = 0;
    for (int v = 2; v <= 7; v++) {
        classes += r.per_vertices[v].classes;
        labelled += r.per_vertices[v].labelled;
        ck_assert_uint_eq(classes, reference_classes_up_to[v]);
        ck_assert_uint_eq(labelled, reference_labelled_up_to[v]);
    }
    {
        char *json = NULL;
        size_t jlen = 0;
        FILE *jf = open_memstream(&json, &jlen);
        ck_assert_int_eq(cs_enum_write_nasbench_json(jf, &r, NULL), CS_OK);
        fclose(jf);
        struct sha256_ctx sha;
        unsigned char d[32];
        char hex[65];
        sha256_init(&sha);
        sha256_update(&sha, jlen, (const uint8_t *)json);
        sha256_digest(&sha, 32, d);
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", d[i]);
        ck_assert_str_eq(hex, reference_7v_sha256);
        ck_assert_uint_eq(jlen, 92799846);
        free(json);
    }
    /* the 4V and 5V reference files' sizes, as the walk's running totals */
    uint64_t cum = 0;
    for (int v = 2; v <= 5; v++)
        cum += r.per_vertices[v].classes;
    ck_assert_uint_eq(cum, 2532);
    ck_assert_uint_eq(cum - r.per_vertices[5].classes, 91);
    /* the walk's representative is the reference form of its canonical cell */
    for (size_t i = 0; i < r.nclasses; i += 97) {
        cs_cell rep, canon, ref;
        cs_enum_class_cell(&r, &r.classes[i], &rep);
        cs_key_cell(&r.classes[i].canon, &canon);
        ck_assert_int_eq(cs_cell_reference_form(&canon, &ref, NULL), CS_OK);
        ck_assert_msg(cs_cell_equal(&ref, &rep), "class %zu", i);
    }

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(cs_enum_write_tsv(f, &r, NULL), CS_OK);
    fclose(f);
    char *save, *line = strtok_r(buf, "\n", &save);
    ck_assert_str_eq(line, cs_enum_tsv_columns);
    size_t rows = 0;
    unsigned long long rng = 7;
    while ((line = strtok_r(NULL, "\n", &save))) {
        /* spot-check: the representative column hashes to the hash column */
        if (cs_test_rand(&rng) % 1000 == 0) {
            char hash[33], cell[64];
            ck_assert_int_eq(sscanf(line, "%*s %32s %*s %*s %63s", hash, cell), 2);
            cs_spec s;
            char hex[33];
            ck_assert_int_eq(cs_spec_parse(&s, cell, strlen(cell), NULL), CS_OK);
            cs_cell_hash(&s.pruned, hex, NULL);
            ck_assert_str_eq(hex, hash);
        }
        rows++;
    }
    ck_assert_uint_eq(rows, 423624);
    free(buf);
    cs_enum_result_destroy(&r);
}
END_TEST

START_TEST(test_jsonl_rows_parse)
{
    cs_enum_result r;
    run(5, 9, 3, false, &r);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(cs_enum_write_jsonl(f, &r, NULL), CS_OK);
    fclose(f);
    size_t rows = 0;
    for (char *p = buf; *p;) {
        char *nl = strchr(p, '\n');
        ck_assert_ptr_nonnull(nl);
        json_error_t jerr;
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, &jerr);
        ck_assert_msg(o != NULL, "row %zu: %s", rows, jerr.text);
        cs_spec s;
        char hex[33];
        ck_assert_int_eq(cs_test_spec(&s, json_object_get(o, "matrix"), json_object_get(o, "ops"), NULL), CS_OK);
        cs_cell_hash(&s.pruned, hex, NULL);
        ck_assert_str_eq(hex, json_string_value(json_object_get(o, "hash")));
        json_decref(o);
        rows++;
        p = nl + 1;
    }
    ck_assert_uint_eq(rows, 2532);
    free(buf);
    cs_enum_result_destroy(&r);
}
END_TEST

START_TEST(test_bad_limits)
{
    cs_enum_options o;
    cs_enum_result r;
    cs_error err;
    cs_enum_options_init(&o);
    o.limits.max_vertices = 1;
    ck_assert_int_eq(cs_enum_run(&o, &r, &err), CS_ERR_ARG);
    ck_assert(strstr(err.msg, "--max-vertices"));
    o.limits.max_vertices = 7;
    o.limits.num_ops = 4;
    ck_assert_int_eq(cs_enum_run(&o, &r, &err), CS_ERR_ARG);
    ck_assert(strstr(err.msg, "--num-ops"));
}
END_TEST

static bool stop_at_question(void *user)
{
    long *asked = user; /* [0] questions so far, [1] the one answered "stop" (0: none) */
    return ++asked[0] == asked[1];
}

/* The walk, the hashing and the certification all ask the monitor whether
 * to stop: told to at the first, a middle and the last question of a run,
 * the enumeration returns CS_ERR_CANCELLED with nothing in its result. */
START_TEST(test_cancelled_at_any_question)
{
    cs_enum_options o;
    cs_enum_options_init(&o);
    o.limits.max_vertices = 6;
    o.verify = o.exhaustive = true;
    o.threads = 2;
    long asked[2] = {0, 0};
    o.monitor.cancelled = stop_at_question;
    o.monitor.cancel_user = asked;
    cs_enum_result r;
    cs_error err;
    ck_assert_msg(cs_enum_run(&o, &r, &err) == CS_OK, "%s", err.msg);
    long total = asked[0];
    ck_assert_int_ge(total, 3);
    cs_enum_result_destroy(&r);
    const long at[] = {1, total / 2, total};
    for (int k = 0; k < 3; k++) {
        asked[0] = 0;
        asked[1] = at[k];
        ck_assert_int_eq(cs_enum_run(&o, &r, &err), CS_ERR_CANCELLED);
        ck_assert_str_eq(err.msg, "cancelled");
        ck_assert_int_eq(asked[0], at[k]);
        ck_assert(r.classes == NULL && r.nclasses == 0);
    }
}
END_TEST

/* Eight vertices (the "at least 8"): certified, and the classes up
 * to seven vertices are the paper's 423,624. */
START_TEST(test_eight_vertices)
{
    cs_enum_result r;
    run(8, 9, 3, true, &r);
    ck_assert(cs_enum_certified(&r));
    uint64_t up_to_7 = 0;
    for (int v = 2; v <= 7; v++)
        up_to_7 += r.per_vertices[v].classes;
    ck_assert_uint_eq(up_to_7, 423624);
    ck_assert_uint_gt(r.per_vertices[8].classes, 0);
    ck_assert_uint_eq(r.nclasses, up_to_7 + r.per_vertices[8].classes);
    cs_enum_result_destroy(&r);
}
END_TEST


/* Raw encodings: every one of a 5-vertex space against pruning and
 * canonical look-up done cell by cell. */
START_TEST(test_space_raw_classes_exhaustive)
{
    cs_enum_options o;
    cs_enum_options_init(&o);
    o.limits.max_vertices = 5;
    cs_space *sp;
    cs_error err;
    ck_assert_msg(cs_space_build(&sp, &o, &err) == CS_OK, "%s", err.msg);
    ck_assert_uint_eq(cs_space_num_classes(sp), 2532);
    ck_assert_uint_eq(cs_space_raw_matrices(sp), 1024);
    ck_assert_uint_eq(cs_space_raw_labellings(sp), 27);
    int32_t classes[27];
    size_t valid = 0;
    uint32_t *hits = calloc(2532, sizeof *hits);
    for (uint64_t bits = 0; bits < 1024; bits++) {
        cs_space_raw_classes(sp, bits, classes);
        for (uint32_t t = 0; t < 27; t++) {
            cs_cell c;
            cs_enum_walk_cell(5, bits, t, 3, &c);
            ck_assert_int_eq(classes[t], cs_space_find_cell(sp, &c));
            if (classes[t] >= 0) {
                valid++;
                hits[classes[t]]++;
            }
        }
    }
    /* every class is reached by some raw encoding */
    for (size_t i = 0; i < 2532; i++)
        ck_assert_uint_gt(hits[i], 0);
    ck_assert_uint_gt(valid, 2532);
    free(hits);
    cs_space_destroy(sp);
}
END_TEST

START_TEST(test_space_raw_classes_sampled)
{
    cs_enum_options o;
    cs_enum_options_init(&o);
    cs_space *sp;
    ck_assert_int_eq(cs_space_build(&sp, &o, NULL), CS_OK);
    ck_assert_uint_eq(cs_space_raw_matrices(sp), 1u << 21);
    int32_t classes[243];
    unsigned long long rng = 3;
    for (int k = 0; k < 2000; k++) {
        uint64_t bits = cs_test_rand(&rng) & ((1u << 21) - 1);
        cs_space_raw_classes(sp, bits, classes);
        for (uint32_t t = 0; t < 243; t += 7) {
            cs_cell c;
            cs_enum_walk_cell(7, bits, t, 3, &c);
            ck_assert_int_eq(classes[t], cs_space_find_cell(sp, &c));
        }
    }
    /* a class's representative is found as itself */
    const cs_enum_result *r = cs_space_result(sp);
    for (size_t i = 0; i < r->nclasses; i += 101) {
        cs_cell c;
        cs_enum_class_cell(r, &r->classes[i], &c);
        ck_assert_int_eq(cs_space_find_cell(sp, &c), (int64_t)i);
    }
    cs_space_destroy(sp);
}
END_TEST

TCase *cs_nb201_space_tcase(void);

static Suite *enum_suite(void)
{
    Suite *s = suite_create("enum");
    TCase *tc = tcase_create("walk");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_nasbench_json_identical, 0, 2);
    tcase_add_test(tc, test_tiny_space_by_hand);
    tcase_add_test(tc, test_walk_classes_match_brute_force);
    tcase_add_test(tc, test_jsonl_rows_parse);
    tcase_add_test(tc, test_bad_limits);
    tcase_add_test(tc, test_cancelled_at_any_question);
    tcase_add_test(tc, test_full_space);
    tcase_add_test(tc, test_eight_vertices);
    tcase_add_test(tc, test_space_raw_classes_exhaustive);
    tcase_add_test(tc, test_space_raw_classes_sampled);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, cs_nb201_space_tcase());
    return s;
}

int main(void)
{
    return cs_test_run(enum_suite());
}
