/* cs_synth: the synthetic NAS-Bench-101 dataset.  The surrogate model, its
 * constants and where they come from are in doc/synthetic-data.md; keep the
 * two in step (and bump CS_SYNTH_MODEL_VERSION when values change).
 *
 * Every random number is a pure function of (seed, what it is for, cell,
 * budget, repeat): splitmix64's finaliser applied to a key built from those,
 * so no state is shared between threads and any block of cells can be made
 * by any thread in any order.  Workers encode blocks of cells into memory;
 * the calling thread writes the blocks in order. */
#include "cs_synth.h"
#include "cs_parallel.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_params.h"
#include "cs_rng.h"
#include "cs_tfrecord.h"
#include "store_build.h"

/* --- counter-based random numbers --------------------------------------- */

/* A child key: distinct (parent, x) give unrelated keys. */
static uint64_t subkey(uint64_t parent, uint64_t x)
{
    return cs_mix64(parent ^ cs_mix64(x ^ UINT64_C(0x5851f42d4c957f2d)));
}

/* Uniform in (0, 1]: draw i of key. */
static double uniform(uint64_t key, uint64_t i)
{
    return (double)((subkey(key, i) >> 11) + 1) * 0x1.0p-53;
}

/* Standard normal number i of key: Marsaglia's polar method on the
 * uniforms (key, 64 i + 2 k), (key, 64 i + 2 k + 1), k = 0, 1, ... until a
 * pair falls inside the unit circle (one value per pair; no cos). */
static double normal(uint64_t key, uint64_t i)
{
    for (uint64_t k = 0; k < 32; k++) {
        double u = 2.0 * uniform(key, 64 * i + 2 * k) - 1.0;
        double v = 2.0 * uniform(key, 64 * i + 2 * k + 1) - 1.0;
        double s = u * u + v * v;
        if (s < 1.0 && s > 0.0)
            return u * sqrt(-2.0 * log(s) / s);
    }
    return 0.0; /* 32 misses in a row: probability 0.2146^32 */
}

/* Streams: what a key is for. */
enum { TAG_CELL = 1, TAG_SHAPE = 2 };

/* Draws of a cell's key. */
enum { DRAW_CELL_SHARED = 0, DRAW_CELL_BUDGET = 1 /* ..4 */, DRAW_CELL_TIME = 5,
       DRAW_CELL_FAIL = 100 /* a uniform */ };

/* Draws of a run's key (cell, budget, repeat). */
enum {
    DRAW_RUN_ETA = 0,
    DRAW_RUN_VAL,
    DRAW_RUN_TEST,
    DRAW_RUN_HALF,
    DRAW_RUN_HALF_VAL,
    DRAW_RUN_HALF_TEST,
    DRAW_RUN_TRAIN,
    DRAW_RUN_HALF_TRAIN,
    DRAW_RUN_TIME,
    DRAW_RUN_HALF_TIME,
    DRAW_RUN_INIT_VAL,
    DRAW_RUN_INIT_TEST,
    DRAW_RUN_INIT_TRAIN,
    DRAW_RUN_FAIL = 100 /* a uniform, not a normal */
};

/* --- the surrogate model (doc/synthetic-data.md, section 2) ------------- */

#define NBUDGETS 4
static const int budget_epochs[NBUDGETS] = {4, 12, 36, 108};

/* Features: 1, #conv3x3, #conv1x1, #maxpool3x3, depth, width, edges,
 * input->output edge, ln(parameters / 1e6). */
#define NFEAT 9

/* Per-budget linear predictors of the logit of the accuracy, fitted by
 * least squares to the 1,000 real cells of nb101-real-1k.json. */
static const double beta[NBUDGETS][NFEAT] = {
    {-0.593, +0.025, +0.004, -0.151, -0.218, +0.193, +0.042, +0.323, -0.089},
    {+0.117, -0.098, -0.196, -0.348, -0.168, +0.383, +0.118, +0.483, +0.113},
    {+1.358, -0.143, -0.170, -0.328, -0.142, +0.292, +0.173, +0.422, +0.346},
    {+2.143, -0.085, -0.162, -0.245, -0.089, +0.214, +0.130, +0.397, +0.329},
};
static const double acc_floor = 0.09;                              /* LO */
static const double acc_ceiling[NBUDGETS] = {0.72, 0.88, 0.94, 0.955}; /* HI_b */
static const double cell_sd[NBUDGETS] = {1.32, 1.20, 0.65, 0.336};     /* sigma_b */
static const double cell_shared[NBUDGETS] = {0.80, 0.90, 0.97, 0.96};  /* lambda_b */
static const double repeat_sd[NBUDGETS] = {0.60, 0.50, 0.20, 0.11};    /* tau_b */
static const double shape_weight = 0.8, own_weight = 0.6;              /* of U_c */

static const double test_offset = 0.0055;   /* test below validation */
static const double eval_noise = 0.6;       /* x binomial sd of 9,984 images */
static const double half_logit_mean = 0.95, half_logit_sd = 0.45;
static const double train_final_psi[NBUDGETS] = {0.95, 0.80, 0.40, 0.001};
static const double train_final_sd[NBUDGETS] = {0.10, 0.15, 0.30, 1.0};
static const double train_half_psi[NBUDGETS] = {0.98, 0.95, 0.92, 0.85};
static const double train_half_sd = 0.10;
static const double cell_fail_rate = 0.0005, run_fail_rate = 0.0005;
static const double chance = 0.1, chance_fail_sd = 0.003, chance_init_sd = 0.01;

/* 108-epoch training time: log-linear in ln(parameters) and counts
 * (least squares on the real cells), with a per-cell lognormal factor whose
 * normal is clipped to +-2.5 sd. */
static const double time_intercept = 6.637, time_per_lnmparam = 0.469,
                    time_per_vertex = -0.102, time_per_edge = 0.062,
                    time_per_maxpool = 0.112, time_cell_sd = 0.17, time_clip = 2.5;
static const double time_repeat_sd = 0.002, time_half_sd = 0.0005;
static const double eval_epochs = 1.5, startup_seconds = 30.0;

#define VALID_IMAGES 9984  /* validation and test: 39 batches of 256 */
#define TRAIN_IMAGES 39936 /* train accuracy: 156 batches of 256 */

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* The stored value of an accuracy: a whole number of images out of
 * `images`, as a float32 (what the official files hold), widened. */
static double quantise(double acc, int images)
{
    double k = floor(acc * images + 0.5);
    if (k < 0)
        k = 0;
    if (k > images)
        k = images;
    return (double)(float)(k / images);
}

static double as_float32(double x)
{
    return (double)(float)x;
}

/* Everything about a cell that its runs share. */
typedef struct synth_cell {
    uint64_t key;             /* the cell's random key */
    double x[NFEAT];
    double shared;            /* U_c: the cell's own quality, all budgets */
    double own[NBUDGETS];     /* Z_{c,b} */
    double time108;           /* T_c, seconds */
    bool unstable;            /* every run of the cell diverges */
    int32_t params;
} synth_cell;

/* Longest input -> output path, in edges, of a valid cell in topological
 * vertex order (upper triangular). */
static int cell_depth(const cs_cell *c)
{
    int dist[CS_CELL_MAXV];
    dist[0] = 0;
    for (int v = 1; v < c->n; v++) {
        dist[v] = -1;
        for (int u = 0; u < v; u++)
            if ((c->adj[u] >> v & 1u) && dist[u] >= 0 && dist[u] + 1 > dist[v])
                dist[v] = dist[u] + 1;
    }
    return dist[c->n - 1];
}

/* An isomorphism invariant of the unlabelled graph: vertex count, depth
 * and the sorted (in-degree, out-degree) pairs.  Cells that differ only in
 * their ops, or in an edge that keeps this invariant, share the shape term;
 * that gives the landscape locality beyond the features. */
static uint64_t cell_shape(const cs_cell *c, int depth)
{
    int code[CS_CELL_MAXV];
    for (int v = 0; v < c->n; v++) {
        int in = 0, out = __builtin_popcount(c->adj[v]);
        for (int u = 0; u < v; u++)
            in += (int)(c->adj[u] >> v & 1u);
        code[v] = (in & 31) << 5 | (out & 31);
    }
    for (int i = 1; i < c->n; i++) /* insertion sort: n <= 7 */
        for (int j = i; j > 0 && code[j - 1] > code[j]; j--) {
            int t = code[j];
            code[j] = code[j - 1];
            code[j - 1] = t;
        }
    uint64_t h = (uint64_t)c->n << 8 | (uint64_t)depth;
    for (int v = 0; v < c->n; v++)
        h = cs_mix64(h ^ (uint64_t)code[v]);
    return h;
}

static bool is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[n] == '\0';
}

/* The first 16 hex digits of the module hash as a number. */
static uint64_t hash_key(const char *hex)
{
    uint64_t k = 0;
    for (int i = 0; i < 16; i++) {
        char ch = hex[i];
        k = k << 4 | (uint64_t)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
    }
    return k;
}

static uint64_t seed_key(uint64_t seed)
{
    return cs_mix64(seed ^ UINT64_C(0x63656c6c73636170) /* "cellscap" */);
}

static cs_status synth_cell_init(synth_cell *sc, const cs_cell *c, const char *hash,
                                 uint64_t seed, cs_error *err)
{
    int64_t params;
    cs_status st = cs_cell_trainable_parameters(c, &params, err);
    if (st)
        return st;
    if (params > INT32_MAX)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "cell has %" PRId64 " parameters, more than an int32", params);
    sc->params = (int32_t)params;

    int count[CS_NUM_OPS] = {0};
    for (int v = 1; v < c->n - 1; v++)
        count[c->op[v]]++;
    int depth = cell_depth(c), width = 0, out = c->n - 1;
    for (int v = 1; v < out; v++)
        width += (int)(c->adj[v] >> out & 1u);
    int edges = cs_cell_num_edges(c);
    double mparams = (double)params / 1e6;
    sc->x[0] = 1.0;
    sc->x[1] = count[CS_OP_CONV3X3];
    sc->x[2] = count[CS_OP_CONV1X1];
    sc->x[3] = count[CS_OP_MAXPOOL3X3];
    sc->x[4] = depth;
    sc->x[5] = width;
    sc->x[6] = edges;
    sc->x[7] = (double)(c->adj[0] >> out & 1u);
    sc->x[8] = log(mparams);

    uint64_t sk = seed_key(seed);
    sc->key = subkey(subkey(sk, TAG_CELL), hash_key(hash));
    uint64_t shape = subkey(subkey(sk, TAG_SHAPE), cell_shape(c, depth));
    sc->shared = shape_weight * normal(shape, 0) + own_weight * normal(sc->key, DRAW_CELL_SHARED);
    for (int b = 0; b < NBUDGETS; b++)
        sc->own[b] = normal(sc->key, DRAW_CELL_BUDGET + (uint64_t)b);

    double zt = normal(sc->key, DRAW_CELL_TIME);
    zt = zt < -time_clip ? -time_clip : zt > time_clip ? time_clip : zt;
    sc->time108 = exp(time_intercept + time_per_lnmparam * sc->x[8] + time_per_vertex * c->n
                      + time_per_edge * edges + time_per_maxpool * count[CS_OP_MAXPOOL3X3]
                      + time_cell_sd * zt);
    sc->unstable = uniform(sc->key, DRAW_CELL_FAIL) <= cell_fail_rate;
    return CS_OK;
}

/* validation, test and train accuracy of one evaluation whose latent
 * accuracy is a. */
static void set_accuracies(cs_nb101_eval *e, double a, double train, uint64_t run,
                           int draw_val, int draw_test)
{
    double sd = eval_noise * sqrt(a * (1.0 - a) / VALID_IMAGES);
    e->validation_accuracy = quantise(a + sd * normal(run, (uint64_t)draw_val), VALID_IMAGES);
    e->test_accuracy = quantise(a - test_offset + sd * normal(run, (uint64_t)draw_test),
                                VALID_IMAGES);
    e->train_accuracy = quantise(train, TRAIN_IMAGES);
}

/* Fill the numbers of row (budget index b, repeat r). */
static void synth_run(const synth_cell *sc, int b, int r, cs_nb101_row *row)
{
    uint64_t run = subkey(sc->key, 16 + (uint64_t)(b * 4 + r));
    int epochs = budget_epochs[b];
    row->epochs = epochs;
    row->trainable_parameters = sc->params;
    row->n_eval = CS_NB101_N_EVAL;
    row->layout = 0;

    /* Evaluation 0: the untrained network, at chance. */
    cs_nb101_eval *e0 = &row->eval[0], *e1 = &row->eval[1], *e2 = &row->eval[2];
    e0->current_epoch = 0.0;
    e0->training_time = 0.0;
    e0->validation_accuracy =
        quantise(chance + chance_init_sd * normal(run, DRAW_RUN_INIT_VAL), VALID_IMAGES);
    e0->test_accuracy =
        quantise(chance + chance_init_sd * normal(run, DRAW_RUN_INIT_TEST), VALID_IMAGES);
    e0->train_accuracy =
        quantise(chance + chance_init_sd * normal(run, DRAW_RUN_INIT_TRAIN), TRAIN_IMAGES);

    double t_final = sc->time108 * epochs / 108.0 * (1.0 + time_repeat_sd * normal(run, DRAW_RUN_TIME));
    double t_half = t_final * (0.5 + time_half_sd * normal(run, DRAW_RUN_HALF_TIME));
    e1->current_epoch = epochs / 2.0;
    e1->training_time = as_float32(t_half);
    e2->current_epoch = epochs;
    e2->training_time = as_float32(t_final);
    row->total_time = e2->training_time + eval_epochs * sc->time108 / 108.0 + startup_seconds;

    if (sc->unstable || uniform(run, DRAW_RUN_FAIL) <= run_fail_rate) {
        /* A diverged run: chance level at both evaluations. */
        double af = chance + chance_fail_sd * normal(run, DRAW_RUN_ETA);
        double ah = chance + chance_fail_sd * normal(run, DRAW_RUN_HALF);
        set_accuracies(e2, af, af + chance_fail_sd * normal(run, DRAW_RUN_TRAIN), run,
                       DRAW_RUN_VAL, DRAW_RUN_TEST);
        set_accuracies(e1, ah, ah + chance_fail_sd * normal(run, DRAW_RUN_HALF_TRAIN), run,
                       DRAW_RUN_HALF_VAL, DRAW_RUN_HALF_TEST);
        return;
    }

    double eta = 0.0;
    for (int k = 0; k < NFEAT; k++)
        eta += beta[b][k] * sc->x[k];
    double lam = cell_shared[b];
    eta += cell_sd[b] * (lam * sc->shared + sqrt(1.0 - lam * lam) * sc->own[b]);
    eta += repeat_sd[b] * normal(run, DRAW_RUN_ETA);
    double a_final = acc_floor + (acc_ceiling[b] - acc_floor) * sigmoid(eta);
    double h = sigmoid(half_logit_mean + half_logit_sd * normal(run, DRAW_RUN_HALF));
    double a_half = acc_floor + (a_final - acc_floor) * h;

    double deficit = (1.0 - a_final) * train_final_psi[b]
                     * exp(train_final_sd[b] * normal(run, DRAW_RUN_TRAIN));
    set_accuracies(e2, a_final, 1.0 - deficit, run, DRAW_RUN_VAL, DRAW_RUN_TEST);
    deficit = (1.0 - a_half) * train_half_psi[b]
              * exp(train_half_sd * normal(run, DRAW_RUN_HALF_TRAIN));
    set_accuracies(e1, a_half, 1.0 - deficit, run, DRAW_RUN_HALF_VAL, DRAW_RUN_HALF_TEST);
}

/* hash, adjacency and ops text of row from the cell. */
static cs_status row_text(cs_nb101_row *row, const cs_cell *c, const char *hash, cs_error *err)
{
    char buf[CS_NB101_ADJ_MAX + CS_NB101_OPS_MAX + 2];
    int len = cs_cell_format_row(c, buf, sizeof buf);
    int nn = c->n * c->n;
    if (len < 0 || (size_t)len >= sizeof buf || len <= nn || buf[nn] != ' ')
        return cs_error_set(err, CS_ERR_VALUE, "cell cannot be written as a dataset row");
    memcpy(row->adjacency, buf, (size_t)nn);
    row->adjacency[nn] = '\0';
    memcpy(row->ops, buf + nn + 1, (size_t)(len - nn - 1));
    row->ops[len - nn - 1] = '\0';
    memcpy(row->hash, hash, 32);
    row->hash[32] = '\0';
    return CS_OK;
}

static int budget_index(int epochs)
{
    for (int b = 0; b < NBUDGETS; b++)
        if (budget_epochs[b] == epochs)
            return b;
    return -1;
}

cs_status cs_synth_row(const cs_cell *cell, const char *hash, int epochs, int repeat,
                       uint64_t seed, cs_nb101_row *row, cs_error *err)
{
    if (!cell || !hash || !row)
        return cs_error_set(err, CS_ERR_ARG, "cs_synth_row: NULL argument");
    int b = budget_index(epochs);
    if (b < 0)
        return cs_error_set(err, CS_ERR_ARG, "epochs %d is not a budget (4, 12, 36, 108)", epochs);
    if (repeat < 0 || repeat >= CS_SYNTH_REPEATS)
        return cs_error_set(err, CS_ERR_ARG, "repeat %d is not 0, 1 or 2", repeat);
    if (strnlen(hash, 33) != 32 || !is_lower_hex(hash, 32))
        return cs_error_set(err, CS_ERR_ARG, "module hash is not 32 lowercase hex digits");
    synth_cell sc;
    cs_status st = synth_cell_init(&sc, cell, hash, seed, err);
    if (st)
        return st;
    memset(row, 0, sizeof *row);
    if ((st = row_text(row, cell, hash, err)))
        return st;
    cs_synth_marker(seed, row->checkpoint_path, sizeof row->checkpoint_path);
    synth_run(&sc, b, repeat, row);
    return CS_OK;
}

/* --- the marker ---------------------------------------------------------- */

int cs_synth_marker(uint64_t seed, char *buf, size_t size)
{
    return snprintf(buf, size, "%sv%d/seed=%" PRIu64, CS_SYNTH_MARKER_PREFIX,
                    CS_SYNTH_MODEL_VERSION, seed);
}

bool cs_synth_is_marker(const char *checkpoint_path)
{
    return checkpoint_path
           && strncmp(checkpoint_path, CS_SYNTH_MARKER_PREFIX, strlen(CS_SYNTH_MARKER_PREFIX)) == 0;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out, const char **end)
{
    uint64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    *end = p;
    return true;
}

bool cs_synth_parse_marker(const char *checkpoint_path, int *version, uint64_t *seed)
{
    if (!cs_synth_is_marker(checkpoint_path))
        return false;
    const char *p = checkpoint_path + strlen(CS_SYNTH_MARKER_PREFIX), *end;
    uint64_t v, s;
    if (*p++ != 'v' || !parse_u64(p, INT32_MAX, &v, &end) || strncmp(end, "/seed=", 6) != 0)
        return false;
    if (!parse_u64(end + 6, UINT64_MAX, &s, &end) || *end != '\0')
        return false;
    if (version)
        *version = (int)v;
    if (seed)
        *seed = s;
    return true;
}

/* --- the whole file ------------------------------------------------------ */

void cs_synth_options_init(cs_synth_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

/* Cells per block: ~6,000 records (~2.7 MB) for all four budgets. */
#define BLOCK_CELLS 512
/* Bound on one framed record of a NAS-Bench-101 cell (7 vertices): about
 * 560 bytes at most (hash 32, adjacency 49, ops 111, base64 metrics 276,
 * JSON punctuation, 16 bytes of framing). */
#define RECORD_BOUND 1024

/* A slot of the ring: block i is made in slot i % window.  Its buffer is
 * allocated once and reused, so the pages are touched once per run, not
 * once per block. */
typedef struct synth_slot {
    bool ready;
    cs_status status;
    cs_error err;
    char *buf;
    size_t cap, len;
    uint64_t records;
} synth_slot;

typedef struct synth_job {
    const cs_synth_options *opt;
    const cs_enum_result *space;
    size_t ncells, nblocks, window;
    int b_first; /* first budget index: 3 for only108 */
    pthread_mutex_t lock;
    pthread_cond_t ready, space_left;
    size_t next;      /* next block to claim */
    size_t written;   /* blocks written so far */
    bool stop;
    synth_slot *slot;
} synth_job;

/* The model of cell i of the space, its cell (may be NULL), and the row's
 * hash and, when with_text, its adjacency and ops. */
static cs_status space_cell(const cs_enum_result *space, size_t i, uint64_t seed, bool with_text,
                            synth_cell *sc, cs_cell *cell_out, cs_nb101_row *row, cs_error *err)
{
    const cs_enum_class *cls = &space->classes[i];
    cs_cell cell;
    cs_hash_to_hex(cls->hash, row->hash);
    cs_enum_class_cell(space, cls, &cell);
    if (cell_out)
        *cell_out = cell;
    cs_status st;
    if ((st = synth_cell_init(sc, &cell, row->hash, seed, err)) ||
        (with_text && (st = row_text(row, &cell, row->hash, err))))
        cs_error_prefix(err, "cell %zu (%s): ", i, row->hash);
    return st;
}

/* Encode block blk into out->buf (out->len bytes, out->records records). */
static cs_status encode_block(synth_job *job, size_t blk, synth_slot *out, cs_error *err)
{
    size_t first = blk * BLOCK_CELLS, last = first + BLOCK_CELLS;
    if (last > job->ncells)
        last = job->ncells;
    size_t cap = BLOCK_CELLS * (size_t)(NBUDGETS - job->b_first) * CS_SYNTH_REPEATS * RECORD_BOUND;
    if (!out->buf) {
        out->buf = malloc(cap);
        if (!out->buf)
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory for a block of records");
        out->cap = cap;
    }
    FILE *ms = fmemopen(out->buf, out->cap, "w");
    if (!ms)
        return cs_error_set(err, CS_ERR_NOMEM, "cannot open a block buffer: %s", strerror(errno));
    cs_nb101_row *row = calloc(1, sizeof *row);
    cs_status st = row ? CS_OK : cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    uint64_t records = 0;
    uint64_t seed = job->opt->seed;
    if (row)
        cs_synth_marker(seed, row->checkpoint_path, sizeof row->checkpoint_path);
    for (size_t i = first; i < last && st == CS_OK; i++) {
        synth_cell sc;
        if ((st = space_cell(job->space, i, seed, true, &sc, NULL, row, err)))
            break;
        for (int b = job->b_first; b < NBUDGETS && st == CS_OK; b++)
            for (int r = 0; r < CS_SYNTH_REPEATS && st == CS_OK; r++) {
                synth_run(&sc, b, r, row);
                unsigned char *data;
                size_t dlen;
                if ((st = cs_nb101_row_encode(row, &data, &dlen, err)))
                    break;
                st = cs_tfrecord_write(ms, data, dlen, err);
                free(data);
                records++;
            }
    }
    free(row);
    /* fmemopen refuses writes past the end: only a record over
     * RECORD_BOUND (a bug) could get there. */
    long pos = ftell(ms);
    if ((fflush(ms) != 0 || pos < 0 || (size_t)pos >= out->cap) && st == CS_OK)
        st = cs_error_set(err, CS_ERR_LIMIT, "block %zu overflows its %zu-byte buffer", blk,
                          out->cap);
    fclose(ms);
    if (st)
        return st;
    out->len = (size_t)pos;
    out->records = records;
    return CS_OK;
}

static void *worker(void *arg)
{
    synth_job *job = arg;
    pthread_mutex_lock(&job->lock);
    for (;;) {
        while (!job->stop && job->next < job->nblocks && job->next >= job->written + job->window)
            pthread_cond_wait(&job->space_left, &job->lock);
        if (job->stop || job->next >= job->nblocks)
            break;
        size_t blk = job->next++;
        synth_slot *s = &job->slot[blk % job->window];
        pthread_mutex_unlock(&job->lock);
        /* The slot is this worker's until it is marked ready. */
        cs_status st = encode_block(job, blk, s, &s->err);
        pthread_mutex_lock(&job->lock);
        s->status = st;
        s->ready = true;
        pthread_cond_broadcast(&job->ready);
    }
    pthread_mutex_unlock(&job->lock);
    return NULL;
}

static cs_status write_blocks(FILE *f, synth_job *job, int nthreads, uint64_t *records,
                              cs_error *err)
{
    const cs_synth_options *opt = job->opt;
    cs_parallel_group group;
    cs_status st = CS_OK;
    /* The calling thread writes in order: it needs at least one worker. */
    if (cs_parallel_start(&group, nthreads, worker, job, 0) == 0)
        return cs_error_set(err, CS_ERR_NOMEM, "cannot start a worker thread");

    uint64_t total = 0;
    for (size_t i = 0; i < job->nblocks && st == CS_OK; i++) {
        synth_slot *s = &job->slot[i % job->window];
        pthread_mutex_lock(&job->lock);
        while (!s->ready)
            pthread_cond_wait(&job->ready, &job->lock);
        pthread_mutex_unlock(&job->lock);
        /* No worker touches a ready slot until written moves past it. */
        if (s->status) {
            st = s->status;
            *err = s->err;
        } else {
            if (s->len && fwrite(s->buf, 1, s->len, f) != s->len)
                st = cs_error_set(err, CS_ERR_IO, "cannot write records: %s", strerror(errno));
            total += s->records;
        }
        if (st == CS_OK && cs_monitor_cancelled(&opt->monitor))
            st = cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
        pthread_mutex_lock(&job->lock);
        s->ready = false;
        job->written = i + 1;
        if (st)
            job->stop = true;
        pthread_cond_broadcast(&job->space_left);
        pthread_mutex_unlock(&job->lock);
        if (st == CS_OK)
            cs_monitor_progress(&opt->monitor, "synthesise records",
                          (double)(i + 1) / (double)job->nblocks);
    }
    cs_parallel_join(&group);
    if (st == CS_OK && records)
        *records = total;
    return st;
}

static cs_status synth_options_check(const cs_synth_options *opt, cs_error *err)
{
    if (opt->threads < 0 || opt->threads > 64)
        return cs_error_set(err, CS_ERR_ARG, "threads is %d, expected 0 (all cores) to 64",
                            opt->threads);
    if (cs_monitor_cancelled(&opt->monitor))
        return cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
    return CS_OK;
}

/* The space to use: opt's (NAS-Bench-101's only), or one enumerated here
 * into *own (then *space == own, for the caller to destroy). */
static cs_status synth_space(const cs_synth_options *opt, cs_enum_result *own,
                             const cs_enum_result **space, cs_error *err)
{
    *space = opt->space;
    if (!*space) {
        cs_enum_options eo;
        cs_enum_options_init(&eo);
        eo.threads = opt->threads;
        eo.monitor = opt->monitor;
        cs_status st = cs_enum_run(&eo, own, err);
        if (st)
            return st;
        *space = own;
    } else if ((*space)->limits.max_vertices != CS_NB101_LIMITS.max_vertices
               || (*space)->limits.max_edges != CS_NB101_LIMITS.max_edges
               || (*space)->limits.num_ops != CS_NB101_LIMITS.num_ops) {
        return cs_error_set(err, CS_ERR_ARG,
                            "the synthetic model is calibrated for the NAS-Bench-101 space "
                            "(7 vertices, 9 edges, 3 ops), not %d, %d, %d",
                            (*space)->limits.max_vertices, (*space)->limits.max_edges,
                            (*space)->limits.num_ops);
    }
    return CS_OK;
}

cs_status cs_synth_write(FILE *f, const cs_synth_options *opt, uint64_t *records,
                         cs_error *err)
{
    if (records)
        *records = 0;
    if (!f || !opt)
        return cs_error_set(err, CS_ERR_ARG, "cs_synth_write: NULL argument");
    cs_status cst = synth_options_check(opt, err);
    if (cst)
        return cst;

    cs_enum_result own;
    const cs_enum_result *space;
    cs_status sst = synth_space(opt, &own, &space, err);
    if (sst)
        return sst;

    synth_job job;
    memset(&job, 0, sizeof job);
    job.opt = opt;
    job.space = space;
    job.ncells = space->nclasses;
    if (opt->max_cells && opt->max_cells < job.ncells)
        job.ncells = opt->max_cells;
    job.nblocks = (job.ncells + BLOCK_CELLS - 1) / BLOCK_CELLS;
    job.b_first = opt->only108 ? NBUDGETS - 1 : 0;
    int nthreads = cs_threads(opt->threads);
    job.window = 2 * (size_t)nthreads + 2;
    job.slot = calloc(job.window, sizeof *job.slot);
    cs_status st;
    if (!job.slot) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    } else {
        pthread_mutex_init(&job.lock, NULL);
        pthread_cond_init(&job.ready, NULL);
        pthread_cond_init(&job.space_left, NULL);
        st = write_blocks(f, &job, nthreads, records, err);
        pthread_cond_destroy(&job.space_left);
        pthread_cond_destroy(&job.ready);
        pthread_mutex_destroy(&job.lock);
        for (size_t i = 0; i < job.window; i++)
            free(job.slot[i].buf);
        free(job.slot);
    }
    if (space == &own)
        cs_enum_result_destroy(&own);
    return st;
}

/* --- straight into a store ---------------------------------------------- */

typedef struct store_block {
    const cs_enum_result *space;
    uint64_t seed;
    int b_first;
    size_t lo, hi;          /* cells */
    cs_store_record *out;   /* (hi - lo) * records per cell */
    cs_status st;
    cs_error err;
} store_block;

static void *store_block_make(void *arg)
{
    store_block *w = arg;
    w->st = CS_OK;
    cs_nb101_row *row = calloc(1, sizeof *row);
    if (!row) {
        w->st = cs_error_set(&w->err, CS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    cs_synth_marker(w->seed, row->checkpoint_path, sizeof row->checkpoint_path);
    cs_store_record *r = w->out;
    for (size_t i = w->lo; i < w->hi && !w->st; i++) {
        synth_cell sc;
        cs_cell cell;
        cs_key key;
        /* The cell goes in as a key: no text to format and parse again. */
        if ((w->st = space_cell(w->space, i, w->seed, false, &sc, &cell, row, &w->err)) ||
            (w->st = cs_cell_key(&cell, &key, &w->err)))
            break;
        for (int b = w->b_first; b < NBUDGETS; b++)
            for (int k = 0; k < CS_SYNTH_REPEATS; k++) {
                synth_run(&sc, b, k, row);
                cs_store_record_metrics(row, r);
                r->cell = key;
                r++;
            }
    }
    free(row);
    return NULL;
}

cs_status cs_synth_store(const char *store_path, const cs_synth_options *opt,
                         cs_import_stats *stats, cs_error *err)
{
    if (!store_path || !opt || !stats)
        return cs_error_set(err, CS_ERR_ARG, "cs_synth_store: NULL argument");
    memset(stats, 0, sizeof *stats);
    cs_status st = synth_options_check(opt, err);
    if (st)
        return st;
    cs_enum_result own;
    const cs_enum_result *space;
    if ((st = synth_space(opt, &own, &space, err)))
        return st;
    size_t ncells = space->nclasses;
    if (opt->max_cells && opt->max_cells < ncells)
        ncells = opt->max_cells;
    int nthreads = cs_threads(opt->threads);
    int b_first = opt->only108 ? NBUDGETS - 1 : 0;
    size_t per_cell = (size_t)(NBUDGETS - b_first) * CS_SYNTH_REPEATS;

    cs_store_builder b;
    memset(&b, 0, sizeof b);
    b.path = "synthetic dataset";
    store_block w[CS_MAX_THREADS];
    cs_store_record *recs = malloc((size_t)nthreads * BLOCK_CELLS * per_cell * sizeof *recs);
    if (!recs)
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    /* Threads make blocks of cells; this thread adds them in order, so the
     * store is the one `import` makes of cs_synth_write's file. */
    uint64_t record = 0;
    for (size_t at = 0; at < ncells && !st;) {
        int nw = 0;
        for (; nw < nthreads && at < ncells; nw++) {
            size_t hi = at + BLOCK_CELLS < ncells ? at + BLOCK_CELLS : ncells;
            w[nw] = (store_block){space, opt->seed, b_first, at, hi,
                                  recs + (size_t)nw * BLOCK_CELLS * per_cell, CS_OK, {0}};
            at = hi;
        }
        cs_parallel_run(nw, store_block_make, w, sizeof w[0]);
        for (int t = 0; t < nw && !st; t++) {
            if ((st = w[t].st)) {
                *err = w[t].err;
                break;
            }
            for (size_t k = 0; k < (w[t].hi - w[t].lo) * per_cell && !st; k++, record++)
                st = cs_store_builder_add(&b, &w[t].out[k], record, 0, err);
        }
        if (!st && cs_monitor_cancelled(&opt->monitor))
            st = cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
        if (!st)
            cs_monitor_progress(&opt->monitor, "synthesise the store",
                          (double)at / (double)ncells);
    }
    free(recs);
    stats->records = record;
    stats->synthetic = true;
    /* Cells came in the space's order, each new: entry i is class i, whose
     * module hash and canonical form the enumeration computed (and its
     * verification certifies), so they are not computed twice. */
    for (size_t i = 0; i < b.n && !st; i++) {
        if (memcmp(b.entries[i].hash, space->classes[i].hash, 16) != 0)
            st = cs_error_set(err, CS_ERR_VALUE, "synthetic cell %zu out of order", i);
        b.entries[i].canon = space->classes[i].canon;
    }
    if (!st && b.n != ncells)
        st = cs_error_set(err, CS_ERR_VALUE, "synthetic store has %zu cells, not %zu", b.n, ncells);
    if (!st)
        st = cs_store_builder_write(&b, stats, store_path, err);
    cs_store_builder_destroy(&b);
    if (space == &own)
        cs_enum_result_destroy(&own);
    return st;
}
