/* iso/: NAS-Bench-201 cells against the public list of the 15,625 arch
 * strings in the API's index order (../shared/realdata), and the API's
 * isomorphism rule: 6,466 cells. */
#include <stdlib.h>
#include <string.h>

#include "cs_nb201.h"
#include "testutil.h"

TCase *cs_nb201_tcase(void);

START_TEST(test_nb201_archs_in_api_order)
{
    json_t *root = cs_test_load_json("realdata/nb201-archs-cifar10.json");
    json_t *archs = json_object_get(root, "archs");
    ck_assert_uint_eq(json_array_size(archs), CS_NB201_CELLS);
    bool seen[CS_NB201_CELLS] = {false};
    for (size_t i = 0; i < CS_NB201_CELLS; i++) {
        const char *s = json_string_value(json_array_get(archs, i));
        cs_nb201_cell c, d;
        cs_error err;
        ck_assert_msg(cs_nb201_parse(s, strlen(s), &c, &err) == CS_OK, "%s: %s", s, err.msg);
        char back[160];
        ck_assert_int_eq(cs_nb201_format(&c, back, sizeof back), (int)strlen(s));
        ck_assert_str_eq(back, s);
        ck_assert_uint_eq(cs_nb201_index(&c), i);
        ck_assert(cs_nb201_from_index((uint32_t)i, &d));
        ck_assert(memcmp(c.op, d.op, sizeof c.op) == 0);
        uint32_t code = cs_nb201_code(&c);
        ck_assert_uint_lt(code, CS_NB201_CELLS);
        ck_assert(!seen[code]);
        seen[code] = true;
        cs_nb201_from_code(code, &d);
        ck_assert(memcmp(c.op, d.op, sizeof c.op) == 0);
    }
    cs_nb201_cell c;
    ck_assert(!cs_nb201_from_index(CS_NB201_CELLS, &c));
    json_decref(root);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The API's rule gives 6,466 distinct keys (the number the NAS-Bench-201
 * API reports); the cell with the best accuracy is one of them. */
START_TEST(test_nb201_api_unique_count)
{
    char **keys = malloc(CS_NB201_CELLS * sizeof *keys);
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell c;
        cs_nb201_from_code(code, &c);
        char buf[1024];
        int n = cs_nb201_api_key(&c, buf, sizeof buf);
        ck_assert(n > 0 && n < (int)sizeof buf);
        keys[code] = strdup(buf);
    }
    qsort(keys, CS_NB201_CELLS, sizeof *keys, cmp_str);
    size_t unique = 0;
    for (size_t i = 0; i < CS_NB201_CELLS; i++)
        unique += i == 0 || strcmp(keys[i], keys[i - 1]) != 0;
    ck_assert_uint_eq(unique, 6466);
    for (size_t i = 0; i < CS_NB201_CELLS; i++)
        free(keys[i]);
    free(keys);
}
END_TEST

/* Keys worked out by hand from the rule. */
START_TEST(test_nb201_api_keys_by_hand)
{
    static const struct {
        const char *arch, *key;
    } cases[] = {
        /* all none: each node's inputs are "#"; node 3 sorts three of them */
        {"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "#+#+#"},
        /* node 1 = "0" (skip), node 2 = "#+#", its skip passes "#+#" on:
         * not collapsed to "#", as the API's rule has it */
        {"|skip_connect~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|", "#+#+#+#"},
        {"|nor_conv_3x3~0|+|none~0|none~1|+|none~0|nor_conv_1x1~1|none~2|",
         "#+#+((0)@nor_conv_3x3)@nor_conv_1x1"},
        /* a single none edge into node 1 makes it "#", which zeroes its users */
        {"|none~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|", "#+#+0"},
        {"|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|"
         "skip_connect~2|",
         /* node 2 = "0+0"; node 3 sorts "0", "0", "0+0" */
         "0+0+0+0"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        cs_nb201_cell c;
        cs_error err;
        ck_assert_msg(cs_nb201_parse(cases[k].arch, strlen(cases[k].arch), &c, &err) == CS_OK,
                      "%s", err.msg);
        char buf[1024];
        cs_nb201_api_key(&c, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[k].key);
    }
}
END_TEST

START_TEST(test_nb201_parse_errors)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"", "expected '|' at byte 0"},
        {"|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "unknown operation 'conv' at byte 1"},
        {"|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "expected \"0|\""},
        {"|none~0||none~0|none~1|+|none~0|none~1|none~2|", "expected \"+|\" (node 2) at byte 8"},
        {"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x", "unexpected text at byte 47"},
        {"|none~0|+|none~0|none~1|+|none~0|none~1|", "ends at byte 40; expected the op of edge 3 <- 2"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        cs_nb201_cell c;
        cs_error err;
        ck_assert_int_eq(cs_nb201_parse(bad[k].text, strlen(bad[k].text), &c, &err),
                         CS_ERR_PARSE);
        ck_assert_msg(strstr(err.msg, bad[k].want), "'%s': '%s' lacks '%s'", bad[k].text,
                      err.msg, bad[k].want);
    }
}
END_TEST

/* An independent canonical form: the smallest (labels, arcs) over every
 * relabelling that keeps the input first, the output last and vertices
 * sorted by label (brute force over the permutations within each label). */
typedef struct brute {
    const cs_nb201_graph *g;
    int perm[CS_NB201_GRAPH_MAXV];
    bool used[CS_NB201_GRAPH_MAXV];
    uint32_t best[CS_NB201_GRAPH_MAXV];
    bool found;
} brute;

static void brute_try(brute *b, int pos)
{
    const cs_nb201_graph *g = b->g;
    if (pos == g->n) {
        uint32_t rows[CS_NB201_GRAPH_MAXV] = {0};
        int at[CS_NB201_GRAPH_MAXV];
        for (int i = 0; i < g->n; i++)
            at[b->perm[i]] = i;
        for (int u = 0; u < g->n; u++)
            for (int v = 0; v < g->n; v++)
                if (g->adj[u] >> v & 1)
                    rows[at[u]] |= UINT32_C(1) << at[v];
        if (!b->found || memcmp(rows, b->best, sizeof rows) < 0) {
            memcpy(b->best, rows, sizeof rows);
            b->found = true;
        }
        return;
    }
    /* position pos takes the pos-th label of the sorted label sequence */
    uint8_t sorted[CS_NB201_GRAPH_MAXV];
    int n = g->n;
    memcpy(sorted, g->label, (size_t)n);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && sorted[j] < sorted[j - 1]; j--) {
            uint8_t t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    for (int v = 0; v < n; v++)
        if (!b->used[v] && g->label[v] == sorted[pos]) {
            b->used[v] = true;
            b->perm[pos] = v;
            brute_try(b, pos + 1);
            b->used[v] = false;
        }
}

typedef struct brute_key {
    uint8_t n, labels[CS_NB201_GRAPH_MAXV];
    uint32_t rows[CS_NB201_GRAPH_MAXV];
    uint32_t code;
    size_t klen;
    unsigned char key[CS_NB201_GRAPH_KEY_MAX];
} brute_key;

static int cmp_brute(const void *a, const void *b)
{
    const brute_key *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? -1 : 1;
    int c = memcmp(x->labels, y->labels, sizeof x->labels);
    return c ? c : memcmp(x->rows, y->rows, sizeof x->rows);
}

static int cmp_nauty(const void *a, const void *b)
{
    const brute_key *x = a, *y = b;
    if (x->klen != y->klen)
        return x->klen < y->klen ? -1 : 1;
    return memcmp(x->key, y->key, x->klen);
}

/* The nauty key and the brute-force form split the 15,625 cells into the
 * same classes. */
START_TEST(test_nb201_graph_key_agrees_with_brute_force)
{
    brute_key *k = calloc(CS_NB201_CELLS, sizeof *k);
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell c;
        cs_nb201_graph g;
        cs_nb201_from_code(code, &c);
        cs_nb201_graph_of(&c, &g);
        ck_assert(g.n >= 2 && g.label[0] == CS_NB201_V_INPUT &&
                  g.label[g.n - 1] == CS_NB201_V_OUTPUT);
        brute b;
        memset(&b, 0, sizeof b);
        b.g = &g;
        brute_try(&b, 0);
        ck_assert(b.found);
        k[code].n = (uint8_t)g.n;
        memcpy(k[code].labels, g.label, (size_t)g.n);
        for (int i = 1; i < g.n; i++) /* sorted labels */
            for (int j = i; j > 0 && k[code].labels[j] < k[code].labels[j - 1]; j--) {
                uint8_t t = k[code].labels[j];
                k[code].labels[j] = k[code].labels[j - 1];
                k[code].labels[j - 1] = t;
            }
        memcpy(k[code].rows, b.best, sizeof b.best);
        k[code].code = code;
        k[code].klen = cs_nb201_graph_key(&g, k[code].key);
    }
    qsort(k, CS_NB201_CELLS, sizeof *k, cmp_brute);
    size_t classes = 0;
    for (size_t i = 0; i < CS_NB201_CELLS; i++) {
        bool same = i > 0 && cmp_brute(&k[i], &k[i - 1]) == 0;
        classes += !same;
        if (same)
            ck_assert_msg(k[i].klen == k[i - 1].klen &&
                              memcmp(k[i].key, k[i - 1].key, k[i].klen) == 0,
                          "cells %u and %u: same brute-force form, different nauty keys",
                          k[i].code, k[i - 1].code);
        else if (i > 0)
            ck_assert_msg(k[i].klen != k[i - 1].klen ||
                              memcmp(k[i].key, k[i - 1].key, k[i].klen) != 0,
                          "cells %u and %u: different forms, same nauty key", k[i].code,
                          k[i - 1].code);
    }
    /* and the other way: sorted by nauty key, equal keys have equal forms */
    qsort(k, CS_NB201_CELLS, sizeof *k, cmp_nauty);
    for (size_t i = 1; i < CS_NB201_CELLS; i++)
        if (k[i].klen == k[i - 1].klen && memcmp(k[i].key, k[i - 1].key, k[i].klen) == 0)
            ck_assert_msg(cmp_brute(&k[i], &k[i - 1]) == 0,
                          "cells %u and %u: one nauty key, different forms", k[i].code,
                          k[i - 1].code);
    ck_assert_uint_eq(classes, 7043);
    free(k);
}
END_TEST

/* Hand-made graphs: dead parts go, single inputs merge. */
START_TEST(test_nb201_graph_by_hand)
{
    static const struct {
        const char *arch;
        int n;
        bool zero;
    } cases[] = {
        {"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", 2, true},
        /* output = skip(input): input -> output */
        {"|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", 2, false},
        /* node 1 has no input: the conv on it is dead; output = conv(x) */
        {"|none~0|+|none~0|nor_conv_3x3~1|+|nor_conv_1x1~0|none~1|none~2|", 3, false},
        /* x -> conv -> (node 1 merged) -> pool -> (node 2 merged) -> output */
        {"|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|skip_connect~2|", 4, false},
        /* output = x + conv(x): input, conv, two skips, the output */
        {"|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|skip_connect~1|none~2|", 5, false},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        cs_nb201_cell c;
        cs_error err;
        ck_assert(cs_nb201_parse(cases[k].arch, strlen(cases[k].arch), &c, &err) == CS_OK);
        cs_nb201_graph g;
        cs_nb201_graph_of(&c, &g);
        ck_assert_msg(g.n == cases[k].n && g.zero == cases[k].zero, "%s: n %d zero %d",
                      cases[k].arch, g.n, g.zero);
    }
}
END_TEST

TCase *cs_nb201_tcase(void)
{
    TCase *tc = tcase_create("nb201");
    tcase_add_test(tc, test_nb201_archs_in_api_order);
    tcase_add_test(tc, test_nb201_api_unique_count);
    tcase_add_test(tc, test_nb201_api_keys_by_hand);
    tcase_add_test(tc, test_nb201_parse_errors);
    tcase_add_test(tc, test_nb201_graph_by_hand);
    tcase_add_test(tc, test_nb201_graph_key_agrees_with_brute_force);
    return tc;
}
