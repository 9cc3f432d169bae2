/* cellscape: trainable-parameter count of a cell's NAS-Bench-101 network.
 *
 * Mirrors google-research/nasbench nasbench/lib/model_builder.py
 * (build_model_fn, build_module, compute_vertex_channels, projection) and
 * base_ops.py (conv_bn_relu: conv2d with use_bias=False, then
 * batch_normalization, whose trainable variables are gamma and beta), with
 * the default config: stem_filter_size 128, num_stacks 3,
 * num_modules_per_stack 3, num_labels 10, 3 input image channels.
 * Checked against the real trainable_parameters of 1,030 dataset cells. */
#include "cs_params.h"

#include <stdint.h>

#define CS_PARAMS_IMAGE_CHANNELS 3
#define CS_PARAMS_STEM_CHANNELS 128
#define CS_PARAMS_NUM_STACKS 3
#define CS_PARAMS_MODULES_PER_STACK 3
#define CS_PARAMS_NUM_LABELS 10

/* conv_bn_relu(k x k, cin -> cout): the kernel (no bias) plus BN's gamma and
 * beta per output channel (moving mean/variance are not trainable). */
static int64_t cs_conv_bn_params(int64_t k, int64_t cin, int64_t cout)
{
    return k * k * cin * cout + 2 * cout;
}

static int cs_has_edge(const cs_cell *c, int from, int to)
{
    return (c->adj[from] >> to) & 1u;
}

/* What the reference would refuse (ModelSpec or an assertion in
 * compute_vertex_channels / build_module) or what is not a pruned cell. */
static cs_status cs_params_check(const cs_cell *c, cs_error *err)
{
    int n = c->n;
    if (n < 2 || n > CS_CELL_MAXV)
        return cs_error_set(err, CS_ERR_VALUE,
                            "cell has %d vertices, need 2 to %d", n, CS_CELL_MAXV);
    if (c->op[0] != CS_OP_INPUT)
        return cs_error_set(err, CS_ERR_VALUE, "first vertex is not input");
    if (c->op[n - 1] != CS_OP_OUTPUT)
        return cs_error_set(err, CS_ERR_VALUE, "last vertex is not output");
    for (int v = 1; v < n - 1; v++)
        if (c->op[v] < 0 || c->op[v] >= CS_NUM_OPS)
            return cs_error_set(err, CS_ERR_VALUE,
                                "vertex %d has op %d, not an interior op", v, c->op[v]);
    /* Allowed bits of row i: columns i+1 .. n-1. */
    for (int i = 0; i < n; i++) {
        uint32_t above = (n == 32 ? UINT32_MAX : (UINT32_C(1) << n) - 1u)
                         & ~((UINT32_C(2) << i) - 1u);
        if (c->adj[i] & ~above)
            return cs_error_set(err, CS_ERR_VALUE,
                                "row %d has an edge on or below the diagonal "
                                "or past vertex %d", i, n - 1);
    }
    /* Pruned: in an upper-triangular DAG, every vertex having an in-edge
     * (out-edge) means every vertex is reachable from input (reaches output).
     * The reference needs both: a dead end gets 0 channels (assertion in
     * compute_vertex_channels), a vertex without inputs has nothing to add. */
    for (int v = 0; v < n; v++) {
        if (v < n - 1 && c->adj[v] == 0)
            return cs_error_set(err, CS_ERR_VALUE,
                                "vertex %d has no out-edge: the cell is not pruned", v);
        int has_in = 0;
        for (int u = 0; u < v && !has_in; u++)
            has_in = cs_has_edge(c, u, v);
        if (v > 0 && !has_in)
            return cs_error_set(err, CS_ERR_VALUE,
                                "vertex %d has no in-edge: the cell is not pruned", v);
    }
    return CS_OK;
}

/* compute_vertex_channels: ch[v] for v = 0..n-1 of a checked cell. */
static void cs_vertex_channels(const cs_cell *c, int64_t c_in, int64_t c_out, int64_t *ch)
{
    int n = c->n, out = n - 1;
    for (int v = 0; v < n; v++)
        ch[v] = 0;
    ch[0] = c_in;
    ch[out] = c_out;
    if (n == 2)
        return;

    /* The split counts interior vertices only: the reference sums
     * matrix[1:] (rows from vertex 1), so an input -> output edge does not
     * take a share.  Non-zero because vertex n-2 can only feed the output. */
    int k = 0;
    for (int v = 1; v < out; v++)
        k += cs_has_edge(c, v, out);
    int64_t share = c_out / k, extra = c_out % k;
    /* The first `extra` output feeders, in vertex order, get one more. */
    for (int v = 1; v < out; v++) {
        if (!cs_has_edge(c, v, out))
            continue;
        ch[v] = share;
        if (extra > 0) {
            ch[v]++;
            extra--;
        }
    }
    /* Backwards from n-3 (n-2 feeds the output): the other vertices take the
     * max of their interior successors, so channels never grow along an
     * interior edge (truncate() only slices, never pads). */
    for (int v = out - 2; v >= 1; v--) {
        if (cs_has_edge(c, v, out))
            continue;
        for (int d = v + 1; d < out; d++)
            if (cs_has_edge(c, v, d) && ch[d] > ch[v])
                ch[v] = ch[d];
    }
}

/* build_module with `c_in` input channels and `c_out` output channels. */
static int64_t cs_module_params(const cs_cell *c, int64_t c_in, int64_t c_out)
{
    int64_t ch[CS_CELL_MAXV];
    int out = c->n - 1;
    int64_t p = 0;

    cs_vertex_channels(c, c_in, c_out, ch);
    for (int v = 1; v < out; v++) {
        /* Input is always projected (1x1 conv + BN) to the vertex's count;
         * edges from interior vertices are summed after slicing: free. */
        if (cs_has_edge(c, 0, v))
            p += cs_conv_bn_params(1, c_in, ch[v]);
        /* The op sees its own channel count in and out. */
        if (c->op[v] == CS_OP_CONV3X3)
            p += cs_conv_bn_params(3, ch[v], ch[v]);
        else if (c->op[v] == CS_OP_CONV1X1)
            p += cs_conv_bn_params(1, ch[v], ch[v]);
        /* maxpool3x3: no parameters. */
    }
    /* Input -> output: a projection to the full c_out, both when it is added
     * to the concatenation and when it is the cell's only path (n == 2). */
    if (cs_has_edge(c, 0, out))
        p += cs_conv_bn_params(1, c_in, c_out);
    return p;
}

cs_status cs_cell_trainable_parameters(const cs_cell *c, int64_t *params, cs_error *err)
{
    if (c == NULL || params == NULL)
        return cs_error_set(err, CS_ERR_ARG, "cs_cell_trainable_parameters: NULL argument");
    cs_status st = cs_params_check(c, err);
    if (st != CS_OK)
        return st;

    /* Stem: conv_bn_relu(3x3, image channels -> 128). */
    int64_t total = cs_conv_bn_params(3, CS_PARAMS_IMAGE_CHANNELS, CS_PARAMS_STEM_CHANNELS);
    /* Each module's input channels are the previous module's output; the
     * max-pool before stacks 2 and 3 keeps them, so the first module of a
     * stack maps the previous stack's count to the doubled one. */
    int64_t c_in = CS_PARAMS_STEM_CHANNELS, channels = CS_PARAMS_STEM_CHANNELS;
    for (int stack = 0; stack < CS_PARAMS_NUM_STACKS; stack++) {
        if (stack > 0)
            channels *= 2;
        for (int m = 0; m < CS_PARAMS_MODULES_PER_STACK; m++) {
            total += cs_module_params(c, c_in, channels);
            c_in = channels; /* the output concat always sums to `channels` */
        }
    }
    /* Global average pool (free), then dense with bias. */
    total += channels * CS_PARAMS_NUM_LABELS + CS_PARAMS_NUM_LABELS;
    *params = total;
    return CS_OK;
}
