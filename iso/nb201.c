/* NAS-Bench-201 cells: the arch string, codes, the API's index and its
 * isomorphism key. */
#include "cs_nb201.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nb201_order.h"

static const char *const op_names[CS_NB201_NUM_OPS] = {"none", "skip_connect", "nor_conv_1x1",
                                                        "nor_conv_3x3", "avg_pool_3x3"};
static const int edge_to[CS_NB201_EDGES] = {1, 2, 2, 3, 3, 3};
static const int edge_from[CS_NB201_EDGES] = {0, 0, 1, 0, 1, 2};

const char *cs_nb201_op_name(int op)
{
    return op >= 0 && op < CS_NB201_NUM_OPS ? op_names[op] : NULL;
}

int cs_nb201_edge_to(int e)
{
    return edge_to[e];
}

int cs_nb201_edge_from(int e)
{
    return edge_from[e];
}

cs_status cs_nb201_parse(const char *text, size_t len, cs_nb201_cell *c, cs_error *err)
{
    size_t at = 0;
    for (int e = 0; e < CS_NB201_EDGES; e++) {
        /* a node's list opens with '|'; the next node's after "+|" */
        if (e == 1 || e == 3) {
            if (at + 1 >= len || text[at] != '+' || text[at + 1] != '|')
                return cs_error_set(err, CS_ERR_PARSE,
                                    "arch string: expected \"+|\" (node %d) at byte %zu",
                                    edge_to[e], at);
            at += 2;
        } else if (e == 0) {
            if (len == 0 || text[0] != '|')
                return cs_error_set(err, CS_ERR_PARSE,
                                    "arch string: expected '|' at byte 0 "
                                    "(form |op~0|+|op~0|op~1|+|op~0|op~1|op~2|)");
            at = 1;
        }
        if (at >= len)
            return cs_error_set(err, CS_ERR_PARSE,
                                "arch string ends at byte %zu; expected the op of edge %d <- %d",
                                at, edge_to[e], edge_from[e]);
        int op = -1;
        size_t n = 0;
        for (int k = 0; k < CS_NB201_NUM_OPS && op < 0; k++) {
            n = strlen(op_names[k]);
            if (at + n <= len && memcmp(text + at, op_names[k], n) == 0 && at + n < len &&
                text[at + n] == '~')
                op = k;
        }
        if (op < 0) {
            size_t end = at;
            while (end < len && text[end] != '~' && text[end] != '|' && end - at < 40)
                end++;
            return cs_error_set(err, CS_ERR_PARSE,
                                "arch string: unknown operation '%.*s' at byte %zu (none, "
                                "skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3)",
                                (int)(end - at), text + at, at);
        }
        at += n + 1;
        if (at + 1 >= len || text[at] != '0' + edge_from[e] || text[at + 1] != '|')
            return cs_error_set(err, CS_ERR_PARSE,
                                "arch string: expected \"%d|\" (edge %d <- %d) at byte %zu",
                                edge_from[e], edge_to[e], edge_from[e], at);
        at += 2;
        c->op[e] = (uint8_t)op;
    }
    if (at != len)
        return cs_error_set(err, CS_ERR_PARSE, "arch string: unexpected text at byte %zu", at);
    return CS_OK;
}

int cs_nb201_format(const cs_nb201_cell *c, char *buf, size_t size)
{
    char tmp[160];
    size_t k = 0;
    for (int e = 0; e < CS_NB201_EDGES; e++) {
        if (e == 1 || e == 3)
            tmp[k++] = '+';
        if (e == 0 || e == 1 || e == 3)
            tmp[k++] = '|';
        const char *name = cs_nb201_op_name(c->op[e]);
        if (!name)
            name = "?";
        k += (size_t)snprintf(tmp + k, sizeof tmp - k, "%s~%d|", name, edge_from[e]);
    }
    tmp[k] = '\0';
    return snprintf(buf, size, "%s", tmp);
}

uint32_t cs_nb201_code(const cs_nb201_cell *c)
{
    uint32_t code = 0;
    for (int e = 0; e < CS_NB201_EDGES; e++)
        code = code * CS_NB201_NUM_OPS + c->op[e];
    return code;
}

void cs_nb201_from_code(uint32_t code, cs_nb201_cell *c)
{
    for (int e = CS_NB201_EDGES - 1; e >= 0; e--) {
        c->op[e] = (uint8_t)(code % CS_NB201_NUM_OPS);
        code /= CS_NB201_NUM_OPS;
    }
}

uint32_t cs_nb201_index(const cs_nb201_cell *c)
{
    return cs_nb201_code_index[cs_nb201_code(c)];
}

bool cs_nb201_from_index(uint32_t index, cs_nb201_cell *c)
{
    if (index >= CS_NB201_CELLS)
        return false;
    cs_nb201_from_code(cs_nb201_index_code[index], c);
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Node strings grow at most 3-fold per level from a 1-character start:
 * node 3's is well under 512 bytes. */
#define KEY_MAX 512

/* The API's rule (zero_terms false) or the expression's (true: zero terms
 * dropped, a node without terms is zero). */
static int node_strings(const cs_nb201_cell *c, bool drop_zero, char *buf, size_t size)
{
    char node[CS_NB201_NODES][KEY_MAX];
    strcpy(node[0], "0");
    for (int j = 1; j < CS_NB201_NODES; j++) {
        char term[CS_NB201_NODES - 1][KEY_MAX];
        const char *terms[CS_NB201_NODES - 1];
        int nt = 0;
        for (int e = 0; e < CS_NB201_EDGES; e++) {
            if (edge_to[e] != j)
                continue;
            const char *src = node[edge_from[e]];
            int op = c->op[e];
            if (op == CS_NB201_NONE || strcmp(src, "#") == 0) {
                if (drop_zero)
                    continue;
                strcpy(term[nt], "#");
            } else if (op == CS_NB201_SKIP) {
                snprintf(term[nt], KEY_MAX, "%s", src);
            } else {
                snprintf(term[nt], KEY_MAX, "(%s)@%s", src, op_names[op]);
            }
            terms[nt] = term[nt];
            nt++;
        }
        /* Python's sorted() on str: code point order, which strcmp gives
         * for these ASCII strings. */
        qsort(terms, (size_t)nt, sizeof terms[0], cmp_str);
        size_t k = 0;
        strcpy(node[j], nt ? "" : "#");
        for (int t = 0; t < nt; t++)
            k += (size_t)snprintf(node[j] + k, KEY_MAX - k, "%s%s", t ? "+" : "", terms[t]);
    }
    return snprintf(buf, size, "%s", node[CS_NB201_NODES - 1]);
}

int cs_nb201_api_key(const cs_nb201_cell *c, char *buf, size_t size)
{
    return node_strings(c, false, buf, size);
}

int cs_nb201_expression_key(const cs_nb201_cell *c, char *buf, size_t size)
{
    return node_strings(c, true, buf, size);
}
