/* The NAS-Bench-201 census: three equivalences of the 15,625 cells. */
#include "cs_nb201_space.h"

#include <stdlib.h>
#include <string.h>

typedef struct item {
    uint16_t code;
    size_t len;
    unsigned char key[CS_NB201_GRAPH_KEY_MAX + 512];
} item;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    int c = memcmp(x->key, y->key, x->len);
    return c ? c : (x->code > y->code) - (x->code < y->code);
}

static bool same_key(const item *x, const item *y)
{
    return x->len == y->len && memcmp(x->key, y->key, x->len) == 0;
}

/* Number the classes of the keys in it[] (sorted here) into cls[code]:
 * each class gets the smallest code among its cells.  Returns the count. */
static size_t number_classes(item *it, uint16_t *cls)
{
    qsort(it, CS_NB201_CELLS, sizeof *it, cmp_item);
    size_t n = 0;
    for (size_t i = 0; i < CS_NB201_CELLS;) {
        size_t j = i;
        /* sorted by key, then code: the first is the smallest code */
        while (j < CS_NB201_CELLS && same_key(&it[i], &it[j]))
            cls[it[j++].code] = it[i].code;
        n++;
        i = j;
    }
    return n;
}

/* Classes of `fine` holding cells of two classes of `coarse`. */
static size_t across(const uint16_t *fine, const uint16_t *coarse)
{
    size_t n = 0;
    uint16_t *seen = malloc(CS_NB201_CELLS * sizeof *seen);
    bool *counted = calloc(CS_NB201_CELLS, sizeof *counted);
    if (!seen || !counted) {
        free(seen);
        free(counted);
        return SIZE_MAX; /* not certified */
    }
    for (size_t i = 0; i < CS_NB201_CELLS; i++)
        seen[i] = UINT16_MAX;
    for (uint32_t c = 0; c < CS_NB201_CELLS; c++) {
        uint16_t f = fine[c];
        if (seen[f] == UINT16_MAX)
            seen[f] = coarse[c];
        else if (seen[f] != coarse[c] && !counted[f]) {
            counted[f] = true;
            n++;
        }
    }
    free(counted);
    free(seen);
    return n;
}

cs_status cs_nb201_census_run(cs_nb201_census *c, cs_error *err)
{
    memset(c, 0, sizeof *c);
    item *it = malloc(CS_NB201_CELLS * sizeof *it);
    if (!it)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    c->cells = CS_NB201_CELLS;
    for (int pass = 0; pass < 3; pass++) {
        for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
            cs_nb201_cell cell;
            cs_nb201_from_code(code, &cell);
            item *x = &it[code];
            x->code = (uint16_t)code;
            if (pass == 0) {
                x->len = (size_t)cs_nb201_api_key(&cell, (char *)x->key, sizeof x->key);
            } else if (pass == 1) {
                x->len = (size_t)cs_nb201_expression_key(&cell, (char *)x->key, sizeof x->key);
            } else {
                cs_nb201_graph g;
                cs_nb201_graph_of(&cell, &g);
                c->zero_cells += g.zero;
                x->len = cs_nb201_graph_key(&g, x->key);
            }
        }
        uint16_t *cls = pass == 0   ? c->api_class
                        : pass == 1 ? c->expression_class
                                    : c->graph_class;
        size_t n = number_classes(it, cls);
        if (pass == 0)
            c->api_classes = n;
        else if (pass == 1)
            c->expression_classes = n;
        else
            c->graph_classes = n;
    }
    free(it);
    c->api_across = across(c->api_class, c->expression_class);
    c->graph_across = across(c->graph_class, c->expression_class);
    return CS_OK;
}

bool cs_nb201_census_certified(const cs_nb201_census *c)
{
    return c->cells == CS_NB201_CELLS && c->api_across == 0 && c->graph_across == 0;
}

cs_status cs_nb201_census_write_tsv(FILE *f, const cs_nb201_census *c, cs_error *err)
{
    fputs("index\tarch\tcode\tapi_class\tgraph_class\texpression_class\tzero\n", f);
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++) {
        cs_nb201_cell cell;
        char arch[160];
        cs_nb201_from_index(i, &cell);
        cs_nb201_format(&cell, arch, sizeof arch);
        uint32_t code = cs_nb201_code(&cell);
        cs_nb201_graph g;
        cs_nb201_graph_of(&cell, &g);
        fprintf(f, "%u\t%s\t%u\t%u\t%u\t%u\t%d\n", i, arch, code, c->api_class[code],
                c->graph_class[code], c->expression_class[code], g.zero ? 1 : 0);
    }
    if (ferror(f))
        return cs_error_set(err, CS_ERR_IO, "write failed");
    return CS_OK;
}

/* --- one edit ------------------------------------------------------------------ */

uint32_t cs_nb201_index_with(uint32_t i, int e, int op)
{
    cs_nb201_cell c;
    cs_nb201_from_index(i, &c);
    c.op[e] = (uint8_t)op;
    return cs_nb201_index(&c);
}

int cs_nb201_edits(const cs_nb201_cell *c, cs_nb201_cell out[CS_NB201_DEGREE])
{
    int n = 0;
    for (int e = 0; e < CS_NB201_EDGES; e++)
        for (int op = 0; op < CS_NB201_NUM_OPS; op++)
            if (op != c->op[e]) {
                out[n] = *c;
                out[n++].op[e] = (uint8_t)op;
            }
    return n;
}
