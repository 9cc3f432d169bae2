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

TCase *cs_nb201_tcase(void)
{
    TCase *tc = tcase_create("nb201");
    tcase_add_test(tc, test_nb201_archs_in_api_order);
    tcase_add_test(tc, test_nb201_api_unique_count);
    tcase_add_test(tc, test_nb201_api_keys_by_hand);
    tcase_add_test(tc, test_nb201_parse_errors);
    return tc;
}
