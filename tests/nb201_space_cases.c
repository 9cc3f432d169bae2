/* enum/: the NAS-Bench-201 census.  The expression classes are checked
 * against a second writing of the rule, recursive from the cell. */
#include <stdlib.h>
#include <string.h>

#include "cs_nb201_space.h"
#include "testutil.h"

TCase *cs_nb201_space_tcase(void);

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The expression of node j, written again from the rule: zero terms (none
 * edges, zero sources) left out, skip passes its source's string on as one
 * term, other ops wrap it; terms sorted; no terms is "#". */
static void expr(const cs_nb201_cell *c, int j, char *out)
{
    if (j == 0) {
        strcpy(out, "0");
        return;
    }
    static const char *const names[] = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                        "avg_pool_3x3"};
    /* edges into j: 1<-0 is edge 0; 2<-0, 2<-1 are 1, 2; 3<-0.. are 3, 4, 5 */
    int first = j == 1 ? 0 : j == 2 ? 1 : 3;
    char terms[3][600];
    const char *ptr[3];
    int nt = 0;
    for (int i = 0; i < j; i++) {
        int op = c->op[first + i];
        char src[600];
        expr(c, i, src);
        if (op == 0 || strcmp(src, "#") == 0)
            continue;
        if (op == 1)
            strcpy(terms[nt], src);
        else
            snprintf(terms[nt], sizeof terms[nt], "(%.500s)@%s", src, names[op]);
        ptr[nt] = terms[nt];
        nt++;
    }
    if (nt == 0) {
        strcpy(out, "#");
        return;
    }
    qsort(ptr, (size_t)nt, sizeof ptr[0], cmp_cstr);
    out[0] = '\0';
    for (int t = 0; t < nt; t++) {
        if (t)
            strcat(out, "+");
        strcat(out, ptr[t]);
    }
}

START_TEST(test_nb201_census)
{
    cs_nb201_census *c = malloc(sizeof *c);
    cs_error err;
    ck_assert_int_eq(cs_nb201_census_run(c, &err), CS_OK);
    ck_assert_uint_eq(c->cells, 15625);
    ck_assert_uint_eq(c->api_classes, 6466);  /* the API's own count */
    ck_assert_uint_eq(c->graph_classes, 7043); /* brute-forced in check_iso */
    ck_assert(cs_nb201_census_certified(c));
    /* the expression classes again, from the API's key text */
    char **keys = malloc(CS_NB201_CELLS * sizeof *keys);
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell cell;
        cs_nb201_from_code(code, &cell);
        char mine[1800];
        expr(&cell, 3, mine);
        keys[code] = strdup(mine);
        char lib[1024];
        cs_nb201_expression_key(&cell, lib, sizeof lib);
        ck_assert_msg(strcmp(lib, mine) == 0, "%u: %s vs %s", code, lib, mine);
    }
    char **sorted = malloc(CS_NB201_CELLS * sizeof *sorted);
    memcpy(sorted, keys, CS_NB201_CELLS * sizeof *sorted);
    qsort(sorted, CS_NB201_CELLS, sizeof *sorted, cmp_cstr);
    size_t n = 0;
    for (size_t i = 0; i < CS_NB201_CELLS; i++)
        n += i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0;
    ck_assert_uint_eq(n, c->expression_classes);
    ck_assert_uint_eq(n, 5390);
    /* class numbers: the smallest code of the class */
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        uint16_t k = c->expression_class[code];
        ck_assert_uint_le(k, code);
        ck_assert_str_eq(keys[k], keys[code]);
    }
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++)
        free(keys[code]);
    free(keys);
    free(sorted);
    free(c);
}
END_TEST

TCase *cs_nb201_space_tcase(void)
{
    TCase *tc = tcase_create("nb201");
    tcase_add_test(tc, test_nb201_census);
    return tc;
}
