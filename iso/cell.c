/* Cell model and the reference ModelSpec semantics (construction, pruning,
 * domain check).  Messages are the reference API's, verbatim. */
#include "cs_iso.h"

#include <stdio.h>
#include <string.h>

const cs_limits CS_NB101_LIMITS = {7, 9, 3};

static const char *const op_names[] = {"conv3x3-bn-relu", "conv1x1-bn-relu",
                                       "maxpool3x3"};

const char *cs_op_name(int op)
{
    switch (op) {
    case CS_OP_INPUT: return "input";
    case CS_OP_OUTPUT: return "output";
    case CS_OP_CONV3X3:
    case CS_OP_CONV1X1:
    case CS_OP_MAXPOOL3X3: return op_names[op];
    default: return NULL;
    }
}

int cs_op_from_name(const char *name, size_t len)
{
    for (int op = CS_OP_OUTPUT; op < CS_NUM_OPS; op++) {
        const char *known = cs_op_name(op);
        if (strlen(known) == len && memcmp(known, name, len) == 0)
            return op;
    }
    return CS_OP_UNKNOWN;
}

char cs_op_letter(int op)
{
    switch (op) {
    case CS_OP_INPUT: return 'I';
    case CS_OP_OUTPUT: return 'O';
    case CS_OP_CONV3X3: return '3';
    case CS_OP_CONV1X1: return '1';
    case CS_OP_MAXPOOL3X3: return 'M';
    default: return '?';
    }
}

int cs_op_from_letter(char c)
{
    switch (c) {
    case 'I': return CS_OP_INPUT;
    case 'O': return CS_OP_OUTPUT;
    case '3': return CS_OP_CONV3X3;
    case '1': return CS_OP_CONV1X1;
    case 'M': return CS_OP_MAXPOOL3X3;
    default: return CS_OP_UNKNOWN;
    }
}

int cs_cell_num_edges(const cs_cell *c)
{
    int e = 0;
    for (int i = 0; i < c->n; i++)
        e += __builtin_popcount(c->adj[i]);
    return e;
}

bool cs_cell_equal(const cs_cell *a, const cs_cell *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (a->adj[i] != b->adj[i] || a->op[i] != b->op[i])
            return false;
    return true;
}

void cs_cell_permute(const cs_cell *in, const int *perm, cs_cell *out)
{
    cs_cell tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.n = in->n;
    for (int i = 0; i < in->n; i++) {
        tmp.op[perm[i]] = in->op[i];
        for (uint32_t row = in->adj[i]; row; row &= row - 1)
            tmp.adj[perm[i]] |= UINT32_C(1) << perm[__builtin_ctz(row)];
    }
    *out = tmp;
}

uint32_t cs_prune_mask(int n, const uint32_t *adj)
{
    if (n <= 0)
        return 0;
    /* Rows only point forward, so one pass in vertex order (backward for
     * the output) closes each reachability set. */
    uint32_t from_input = 1, to_output = UINT32_C(1) << (n - 1);
    for (int v = 0; v < n; v++)
        if (from_input >> v & 1)
            from_input |= adj[v];
    for (int v = n - 1; v >= 0; v--)
        if (adj[v] & to_output)
            to_output |= UINT32_C(1) << v;
    return from_input & to_output;
}

/* The reference _prune: keep vertices reachable from the input and reaching
 * the output; fewer than two kept means input and output are disconnected. */
static void spec_prune(cs_spec *s)
{
    const cs_cell *c = &s->original;
    int n = c->n;
    uint32_t keep = cs_prune_mask(n, c->adj);
    int kept = __builtin_popcount(keep);

    memset(&s->pruned, 0, sizeof s->pruned);
    if (kept < 2) {
        s->valid_spec = false;
        return;
    }
    s->valid_spec = true;
    int newidx[CS_CELL_MAXV];
    int k = 0;
    for (int v = 0; v < n; v++) {
        newidx[v] = -1;
        if (keep >> v & 1) {
            newidx[v] = k;
            s->kept[k] = v;
            s->pruned.op[k] = c->op[v];
            k++;
        }
    }
    s->pruned.n = k;
    for (int i = 0; i < k; i++) {
        uint32_t row = c->adj[s->kept[i]] & keep;
        for (; row; row &= row - 1)
            s->pruned.adj[i] |= UINT32_C(1) << newidx[__builtin_ctz(row)];
    }
}

cs_status cs_spec_init(cs_spec *s, int nrows, const int *row_len,
                       const int *const *rows, int nops,
                       const char *const *ops, const size_t *op_len,
                       cs_error *err)
{
    memset(s, 0, sizeof *s);
    /* The reference checks shape, then ops length, then triangularity. */
    for (int i = 0; i < nrows; i++)
        if (row_len[i] != nrows)
            return cs_error_set(err, CS_ERR_VALUE, "matrix must be square");
    if (nrows == 0)
        return cs_error_set(err, CS_ERR_VALUE, "matrix must be square");
    if (nops != nrows)
        return cs_error_set(err, CS_ERR_VALUE,
                            "length of ops must match matrix dimensions");
    for (int i = 0; i < nrows; i++)
        for (int j = 0; j <= i; j++)
            if (rows[i][j] != 0)
                return cs_error_set(err, CS_ERR_VALUE,
                                    "matrix must be upper triangular");
    for (int i = 0; i < nrows; i++)
        for (int j = 0; j < nrows; j++)
            if (rows[i][j] != 0 && rows[i][j] != 1)
                return cs_error_set(err, CS_ERR_VALUE,
                                    "matrix entries must be 0 or 1, got %d "
                                    "at row %d, column %d",
                                    rows[i][j], i, j);
    if (nrows > CS_CELL_MAXV)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "matrix has %d vertices; cellscape holds at most %d",
                            nrows, CS_CELL_MAXV);

    s->original.n = nrows;
    for (int i = 0; i < nrows; i++) {
        for (int j = i + 1; j < nrows; j++)
            if (rows[i][j])
                s->original.adj[i] |= UINT32_C(1) << j;
        size_t len = op_len ? op_len[i] : strlen(ops[i]);
        if (len >= CS_OPNAME_MAX)
            return cs_error_set(err, CS_ERR_LIMIT,
                                "op %d is %zu bytes long; at most %d allowed",
                                i, len, CS_OPNAME_MAX - 1);
        memcpy(s->opname[i], ops[i], len);
        s->opname[i][len] = '\0';
        s->original.op[i] = (int8_t)cs_op_from_name(ops[i], len);
    }
    spec_prune(s);
    return CS_OK;
}

void cs_spec_from_cell(cs_spec *s, const cs_cell *c)
{
    memset(s, 0, sizeof *s);
    s->original = *c;
    for (int i = 0; i < c->n; i++) {
        const char *name = cs_op_name(c->op[i]);
        strcpy(s->opname[i], name ? name : "?");
    }
    spec_prune(s);
}

const char *cs_spec_pruned_opname(const cs_spec *s, int v)
{
    return s->opname[s->kept[v]];
}

cs_status cs_spec_check(const cs_spec *s, const cs_limits *lim, cs_error *err)
{
    if (!s->valid_spec)
        return cs_error_set(err, CS_ERR_DOMAIN,
                            "invalid spec, provided graph is disconnected.");
    const cs_cell *p = &s->pruned;
    int edges = cs_cell_num_edges(p);
    if (p->n > lim->max_vertices)
        return cs_error_set(err, CS_ERR_DOMAIN,
                            "too many vertices, got %d (max vertices = %d)",
                            p->n, lim->max_vertices);
    if (edges > lim->max_edges)
        return cs_error_set(err, CS_ERR_DOMAIN,
                            "too many edges, got %d (max edges = %d)", edges,
                            lim->max_edges);
    if (p->op[0] != CS_OP_INPUT)
        return cs_error_set(err, CS_ERR_DOMAIN,
                            "first operation should be 'input'");
    if (p->op[p->n - 1] != CS_OP_OUTPUT)
        return cs_error_set(err, CS_ERR_DOMAIN,
                            "last operation should be 'output'");
    for (int v = 1; v < p->n - 1; v++) {
        if (p->op[v] < 0 || p->op[v] >= lim->num_ops) {
            /* The reference prints its available_ops list with Python's repr. */
            char avail[256];
            size_t off = 0;
            for (int k = 0; k < lim->num_ops && k < CS_NUM_OPS; k++)
                off += (size_t)snprintf(avail + off, sizeof avail - off,
                                        "%s'%s'", k ? ", " : "", op_names[k]);
            return cs_error_set(err, CS_ERR_DOMAIN,
                                "unsupported op %s (available ops = [%s])",
                                cs_spec_pruned_opname(s, v), avail);
        }
    }
    return CS_OK;
}
