/* Simulated NAS optimisers on the benchmark (NAS-Bench-101, Ying et al.,
 * ICML 2019, section 5 and Fig. 7).
 *
 * Sources, and what each one fixes here:
 *
 * - The protocol is the paper's and its example code's (google-research/
 *   nasbench, NASBench.ipynb: run_random_search / run_evolution_search):
 *   a query returns ONE random repeat of the cell at 108 epochs and the
 *   budget counter charges that repeat's training time; the incumbent is the
 *   best validation accuracy seen (strictly better replaces it, so ties keep
 *   the earlier cell), test accuracy is only used to score; a run stops at
 *   the first query that would end past the budget (its result would come
 *   too late, so it never counts).  The regret is the issue's: best mean
 *   test accuracy over the dataset minus the incumbent's mean test accuracy.
 *   Before the first result the example code's incumbent has accuracy 0, so
 *   the regret there is the best mean test accuracy itself.  500 runs to
 *   10^7 simulated seconds are the paper's Fig. 7 settings.
 *
 * - Random search is the example code's random_spec: every upper-triangular
 *   edge a fair coin, every interior op uniform, redrawn until the spec is
 *   valid; that is, uniform over the valid raw encodings (so a class weighs
 *   as many encodings as prune to it), not uniform over classes.
 *
 * - Regularized evolution (Real et al., AAAI 2019) is the example code's
 *   run_evolution_search: the population is seeded with random cells; a
 *   tournament draws `tournament` distinct members (random_combination,
 *   without replacement) and the best validation accuracy wins (the code
 *   takes the last of a stable sort, so ties go to the youngest); the child
 *   is mutate_spec(parent, mutation_rate): every edge slot flips with
 *   probability mutation_rate / NUM_VERTICES (1/7: three flips expected
 *   over the 21 slots, not one) and every interior op changes with
 *   probability mutation_rate / OP_SPOTS (1/5) to one of the OTHER ops,
 *   redrawn until valid; the oldest member dies.  Population 100 and
 *   tournament 10 are the (and automl/nas_benchmarks'
 *   run_regularized_evolution.py defaults); the notebook uses 50 and 10.
 *   Mutation works on the raw (unpruned) encoding, as mutate_spec does on
 *   original_matrix / original_ops.
 *
 * - REINFORCE is automl/nas_benchmarks experiment_scripts/run_rl.py, whose
 *   agent the NAS-Bench-101 authors provided (it keeps their edge_logits /
 *   op_logits in comments): one categorical distribution per decision with
 *   logits starting at zero; a sample that is not a valid cell is redrawn
 *   without an update and without cost; the reward is the validation
 *   accuracy; the baseline is a bias-corrected exponential moving average
 *   (momentum 0.9) updated with the reward BEFORE the advantage is taken;
 *   logits += learning_rate * advantage * d log p(sample) / d logits, with
 *   its default learning rate 0.1 (the value the paper tuned is not in the
 *   sources we could read; the option sets another).  The decisions are the raw encoding's:
 *   one two-way choice per edge slot, one num_ops-way choice per interior
 *   vertex.
 *
 * - Local search is our choice where the sources are silent: hill climbing
 *   with random restarts, the simplest form studied by White, Nolen and
 *   Savani (arXiv:2005.02960).  From a random cell, query every neighbour
 *   (one edge slot flipped or one interior op changed, valid, of another
 *   class; several edits reaching one class count once) in random order --
 *   the order matters when the budget ends inside a neighbourhood -- then
 *   move to the best neighbour if its validation accuracy beats the
 *   current cell's, else restart from a random cell not yet queried (their
 *   code redraws random cells until one is new).  A class is queried at
 *   most once per run: its first answer is remembered (it would be the same
 *   architecture trained again).  A run that has queried every class with
 *   data (possible on small stores only) stops early.
 *
 * Partial stores (the fixtures): a class without 108-epoch data cannot be
 * queried, so it counts as an invalid sample and is redrawn (random draws,
 * mutations, REINFORCE samples) or skipped (neighbours).  When the store
 * covers less than 90% of the classes, random cells are drawn from a table
 * of the valid encodings whose class has data (built by one scan of the raw
 * encodings, cs_space_raw_classes) instead of by rejection, which would
 * take thousands of draws per cell; the distribution is the same.  REINFORCE
 * then alternates two exact rejection samplers of its policy restricted to
 * that table (a policy draw kept if it has data; a uniform table draw kept
 * with probability p(e) / max p) and falls back to exact sampling over the
 * whole table if neither succeeds for a while.
 *
 * Other spaces (cs_opt_problem): everything above holds with "edge slot"
 * read as slot, "interior op" as spot, and the mutation's divisors (7 and
 * 5 for NAS-Bench-101) as the problem's.  NAS-Bench-201 has no slots: its
 * encodings are the 5^6 labellings of its 6 edges, so a random cell is a
 * uniform labelling, a neighbour one edge's op changed (24 of them), and
 * REINFORCE learns 6 five-way decisions.  The NAS-Bench-101 path builds
 * such a problem from the space and the store, with the same numbers as
 * before it existed (its outputs are byte for byte those of the earlier
 * code). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream, sysconf, clock_gettime */
#endif

#include "analysis_writers.h"
#include "optimizers_internal.h"
#include "cs_rng.h"
#include "cs_parallel.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cs_stats.h"

/* Draws allowed for one valid cell before giving up: far beyond what any
 * space with a reasonable share of data needs, small enough to end. */
#define OPT_MAX_DRAWS 20000000ULL
/* Draws of already queried cells after which local search gives up
 * restarting (what is left unqueried is then a tiny share of the space). */
#define OPT_RESTART_DRAWS 1000000ULL
/* Largest table of valid encodings (16 M entries: 128 MB plus the index). */
#define OPT_TABLE_CAP ((size_t)1 << 24)
/* Chunk of raw matrices per scan task. */
#define OPT_SCAN_CHUNK 4096
#define OPT_MAX_THREADS CS_MAX_THREADS /* cs_parallel.h's bound */

static const char *const method_names[CS_OPT_NUM_METHODS] = {"random", "evolution", "local",
                                                             "reinforce"};

const char *cs_opt_method_name(cs_opt_method m)
{
    return (unsigned)m < CS_OPT_NUM_METHODS ? method_names[m] : "unknown";
}

void cs_opt_options_init(cs_opt_options *o)
{
    o->runs = 500;
    o->budget = 1e7;
    o->grid_points = 200;
    o->grid_min = 1e2;
    o->methods = (1u << CS_OPT_NUM_METHODS) - 1;
    o->population = 100;
    o->tournament = 10;
    o->mutation_rate = 1.0;
    o->learning_rate = 0.1;
    o->momentum = 0.9;
    o->sampler = CS_OPT_SAMPLER_AUTO;
    o->threads = -1;
}

static cs_status check_options(const cs_opt_options *o, cs_error *err)
{
    if (o->runs < 1 || o->runs > 100000000)
        return cs_error_set(err, CS_ERR_ARG, "runs must be in 1..10^8, not %d", o->runs);
    if (!(o->budget > 0) || !isfinite(o->budget))
        return cs_error_set(err, CS_ERR_ARG, "the budget must be a positive number of seconds");
    if (o->grid_points < 2 || o->grid_points > 1000000)
        return cs_error_set(err, CS_ERR_ARG, "grid points must be in 2..10^6, not %d",
                            o->grid_points);
    if (!(o->grid_min > 0) || !(o->grid_min < o->budget))
        return cs_error_set(err, CS_ERR_ARG,
                            "the first grid time must be positive and below the budget");
    if (!o->methods || o->methods >> CS_OPT_NUM_METHODS)
        return cs_error_set(err, CS_ERR_ARG, "no optimiser selected (methods mask %#x)",
                            o->methods);
    if (o->population < 1 || o->population > 10000000)
        return cs_error_set(err, CS_ERR_ARG, "population must be in 1..10^7, not %d",
                            o->population);
    if (o->tournament < 1 || o->tournament > o->population)
        return cs_error_set(err, CS_ERR_ARG, "tournament size %d is not in 1..population (%d)",
                            o->tournament, o->population);
    if (!(o->mutation_rate >= 0) || !isfinite(o->mutation_rate))
        return cs_error_set(err, CS_ERR_ARG, "the mutation rate must be a number >= 0");
    if (!(o->learning_rate >= 0) || !isfinite(o->learning_rate))
        return cs_error_set(err, CS_ERR_ARG, "the learning rate must be a number >= 0");
    if (!(o->momentum >= 0 && o->momentum < 1))
        return cs_error_set(err, CS_ERR_ARG, "the baseline momentum must be in [0, 1)");
    if (o->sampler != CS_OPT_SAMPLER_AUTO && o->sampler != CS_OPT_SAMPLER_REJECT &&
        o->sampler != CS_OPT_SAMPLER_TABLE)
        return cs_error_set(err, CS_ERR_ARG, "unknown sampler %d", (int)o->sampler);
    return CS_OK;
}

/* --- PRNG ------------------------------------------------------------------ */

void cs_opt_rng_seed_run(cs_rng *r, uint64_t seed, cs_opt_method m, uint64_t run)
{
    /* Hash the three numbers so that neighbouring runs get unrelated
     * streams. */
    uint64_t x = seed;
    uint64_t h = cs_splitmix64(&x);
    x = h ^ ((uint64_t)m + 1) * UINT64_C(0xD1B54A32D192ED03);
    h = cs_splitmix64(&x);
    x = h ^ run;
    cs_rng_seed(r, cs_splitmix64(&x));
}

/* --- encodings ------------------------------------------------------------ */

static uint32_t ipow(uint32_t b, int e)
{
    uint32_t r = 1;
    while (e-- > 0)
        r *= b;
    return r;
}

/* The mutation of a space of `slots` two-way and `spots` k-way decisions;
 * every slot and every spot draws its uniform, whatever it gives, so the
 * draws of NAS-Bench-101's raw mutation are those of the example code's
 * loop over the matrix and the ops. */
static void mutate(int slots, int spots, int k, double slot_p, double spot_p, cs_rng *rng,
                   const cs_opt_encoding *parent, cs_opt_encoding *child)
{
    uint64_t bits = parent->bits;
    for (int s = 0; s < slots; s++)
        if (cs_rng_uniform(rng) < slot_p)
            bits ^= UINT64_C(1) << s;
    uint32_t t = parent->labelling;
    for (int v = 1; v <= spots; v++) {
        if (!(cs_rng_uniform(rng) < spot_p) || k < 2)
            continue;
        uint32_t w = ipow((uint32_t)k, spots - v);
        uint32_t old = t / w % (uint32_t)k;
        uint32_t op = (uint32_t)cs_rng_below(rng, (uint64_t)k - 1);
        if (op >= old)
            op++; /* one of the other ops, uniformly */
        t = t - old * w + op * w;
    }
    child->bits = bits;
    child->labelling = t;
}

/* rate / div, or 0 for a divisor that is not positive (a space without
 * interior vertices has no spot to change). */
static double mutation_p(double rate, double div) { return div > 0 ? rate / div : 0; }

void cs_opt_mutate(const cs_opt_problem *p, double rate, cs_rng *rng,
                   const cs_opt_encoding *parent, cs_opt_encoding *child)
{
    mutate(p->slots, p->spots, p->num_ops, mutation_p(rate, p->slot_rate_div),
           mutation_p(rate, p->spot_rate_div), rng, parent, child);
}

void cs_opt_mutate_raw(int n, int num_ops, double rate, cs_rng *rng,
                       const cs_opt_encoding *parent, cs_opt_encoding *child)
{
    mutate(n * (n - 1) / 2, n - 2, num_ops, rate / n, mutation_p(rate, n - 2), rng, parent,
           child);
}

/* --- population ------------------------------------------------------------ */

cs_status cs_opt_population_init(cs_opt_population *p, size_t capacity, cs_error *err)
{
    p->capacity = capacity;
    p->size = p->oldest = 0;
    p->m = malloc((capacity ? capacity : 1) * sizeof *p->m);
    if (!p->m)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (population of %zu)", capacity);
    return CS_OK;
}

void cs_opt_population_destroy(cs_opt_population *p)
{
    free(p->m);
    p->m = NULL;
    p->capacity = p->size = p->oldest = 0;
}

void cs_opt_population_add(cs_opt_population *p, const cs_opt_member *m)
{
    if (p->size < p->capacity) {
        p->m[(p->oldest + p->size) % p->capacity] = *m;
        p->size++;
    } else {
        p->m[p->oldest] = *m; /* the oldest dies, the child is now the youngest */
        p->oldest = (p->oldest + 1) % p->capacity;
    }
}

const cs_opt_member *cs_opt_population_age(const cs_opt_population *p, size_t age)
{
    return &p->m[(p->oldest + age) % p->capacity];
}

size_t cs_opt_population_tournament(const cs_opt_population *p, size_t k, cs_rng *rng)
{
    /* Selection sampling (Knuth's algorithm S): walking the ages in order,
     * take each with probability (still needed) / (still left); every
     * k-subset is equally likely and no memory is needed.  Ages ascend, so
     * `>=` hands ties to the youngest. */
    size_t n = p->size, need = k < n ? k : n, best = 0;
    double best_v = -INFINITY;
    bool have = false;
    for (size_t a = 0; a < n && need; a++) {
        if (cs_rng_below(rng, (uint64_t)(n - a)) >= need)
            continue;
        need--;
        double v = cs_opt_population_age(p, a)->validation;
        if (!have || v >= best_v) {
            best = a;
            best_v = v;
            have = true;
        }
    }
    return best;
}

/* --- policy ----------------------------------------------------------------- */

static void policy_softmax(const cs_opt_policy *p, int d, double *out)
{
    const double *l = p->logits + p->offset[d];
    int nc = p->nchoices[d];
    double mx = l[0], s = 0;
    for (int j = 1; j < nc; j++)
        if (l[j] > mx)
            mx = l[j];
    for (int j = 0; j < nc; j++)
        s += out[j] = exp(l[j] - mx);
    for (int j = 0; j < nc; j++)
        out[j] /= s;
}

cs_status cs_opt_policy_init(cs_opt_policy *p, int ndecisions, const int *nchoices,
                             double learning_rate, double momentum, cs_error *err)
{
    memset(p, 0, sizeof *p);
    if (ndecisions < 1)
        return cs_error_set(err, CS_ERR_ARG, "a policy needs at least one decision");
    int total = 0;
    for (int d = 0; d < ndecisions; d++) {
        if (nchoices[d] < 1 || nchoices[d] > 1024)
            return cs_error_set(err, CS_ERR_ARG, "decision %d has %d choices", d, nchoices[d]);
        total += nchoices[d];
    }
    p->ndecisions = ndecisions;
    p->nchoices = malloc((size_t)ndecisions * sizeof *p->nchoices);
    p->offset = malloc((size_t)ndecisions * sizeof *p->offset);
    p->logits = calloc((size_t)total, sizeof *p->logits);
    if (!p->nchoices || !p->offset || !p->logits) {
        cs_opt_policy_destroy(p);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (policy)");
    }
    for (int d = 0, o = 0; d < ndecisions; o += nchoices[d], d++) {
        p->nchoices[d] = nchoices[d];
        p->offset[d] = o;
    }
    p->learning_rate = learning_rate;
    p->momentum = momentum;
    return CS_OK;
}

void cs_opt_policy_destroy(cs_opt_policy *p)
{
    free(p->nchoices);
    free(p->offset);
    free(p->logits);
    memset(p, 0, sizeof *p);
}

static void policy_reset(cs_opt_policy *p)
{
    int total = p->offset[p->ndecisions - 1] + p->nchoices[p->ndecisions - 1];
    memset(p->logits, 0, (size_t)total * sizeof *p->logits);
    p->num = p->den = 0;
}

double cs_opt_policy_prob(const cs_opt_policy *p, int d, int j)
{
    double pr[1024];
    policy_softmax(p, d, pr);
    return pr[j];
}

/* One categorical draw by inversion. */
static int draw_categorical(const double *pr, int nc, cs_rng *rng)
{
    int j = 0;
    double u = cs_rng_uniform(rng), acc = pr[0];
    while (j < nc - 1 && u >= acc)
        acc += pr[++j];
    return j;
}

/* Sampling with the probabilities already at hand (probs laid out as the
 * logits). */
static void policy_sample_probs(const cs_opt_policy *p, const double *probs, cs_rng *rng,
                                int *choice)
{
    for (int d = 0; d < p->ndecisions; d++)
        choice[d] = draw_categorical(probs + p->offset[d], p->nchoices[d], rng);
}

static void policy_all_probs(const cs_opt_policy *p, double *probs)
{
    for (int d = 0; d < p->ndecisions; d++)
        policy_softmax(p, d, probs + p->offset[d]);
}

void cs_opt_policy_sample(const cs_opt_policy *p, cs_rng *rng, int *choice)
{
    for (int d = 0; d < p->ndecisions; d++) {
        double pr[1024];
        policy_softmax(p, d, pr);
        choice[d] = draw_categorical(pr, p->nchoices[d], rng);
    }
}

/* The baseline takes the reward first (as in run_rl.py), then the advantage
 * is measured against it. */
static double policy_advantage(cs_opt_policy *p, double reward)
{
    p->num = p->momentum * p->num + (1 - p->momentum) * reward;
    p->den = p->momentum * p->den + (1 - p->momentum);
    return reward - p->num / p->den;
}

/* d log p(choice) / d logit_j = [j == choice] - p_j, for decision d. */
static void policy_ascend(cs_opt_policy *p, int d, const double *pr, int choice, double step)
{
    double *l = p->logits + p->offset[d];
    for (int j = 0; j < p->nchoices[d]; j++)
        l[j] += step * ((j == choice) - pr[j]);
}

/* The step with the probabilities that drew the sample (laid out as the
 * logits), as the runs keep them. */
static double policy_step(cs_opt_policy *p, const double *probs, const int *choice,
                          double reward)
{
    double advantage = policy_advantage(p, reward);
    for (int d = 0; d < p->ndecisions; d++)
        policy_ascend(p, d, probs + p->offset[d], choice[d], p->learning_rate * advantage);
    return advantage;
}

double cs_opt_policy_update(cs_opt_policy *p, const int *choice, double reward)
{
    double advantage = policy_advantage(p, reward);
    for (int d = 0; d < p->ndecisions; d++) {
        double pr[1024];
        policy_softmax(p, d, pr); /* before this decision's logits move */
        policy_ascend(p, d, pr, choice[d], p->learning_rate * advantage);
    }
    return advantage;
}

/* --- the benchmark ----------------------------------------------------------- */

struct cs_opt_bench {
    cs_opt_problem p;
    bool nb101; /* made from a space and a store: errors name its cells and budget */
    cs_opt_options opt;
    uint64_t seed;
    int k, slots, spots;
    double slot_p, spot_p; /* the mutation's probabilities */
    uint32_t L;
    uint64_t bits_mask;
    size_t nclasses, covered;
    /* NAS-Bench-101: the store's 108-epoch data, laid out as a problem's */
    uint8_t *own_nrep;
    double *own_val, *own_cost, *own_test;
    double best_test;
    int64_t best_class;
    double *grid;
    cs_opt_sampler sampler;
    /* CS_OPT_SAMPLER_TABLE: the valid encodings with data, in increasing
     * code = bits * L + labelling, and an index code -> class. */
    uint32_t *tab_bits;
    uint16_t *tab_lab;
    int32_t *tab_cls;
    size_t tab_n;
    uint64_t *index; /* (code + 1) << 32 | class, 0 empty */
    uint64_t index_mask;
};

/* A class raw_classes gave that can be queried: a class of the problem
 * (anything else counts as invalid) with data. */
static inline bool has_data(const cs_opt_bench *b, int64_t c)
{
    return c >= 0 && (size_t)c < b->nclasses && b->p.nrep[c];
}

static uint64_t index_slot(uint32_t code, uint64_t mask)
{
    uint64_t x = (uint64_t)code * UINT64_C(0x9E3779B97F4A7C15);
    return (x ^ (x >> 29)) & mask;
}

/* --- scanning the raw encodings into a table ------------------------------- */

typedef struct scan_chunk {
    uint32_t *code;
    int32_t *cls;
    size_t n, cap;
} scan_chunk;

typedef struct scan_shared {
    const cs_opt_bench *b;
    atomic_size_t next, total;
    atomic_bool stop;
    size_t nchunks;
    scan_chunk *chunks;
    atomic_int failed; /* CS_ERR_NOMEM */
} scan_shared;

static bool chunk_push(scan_chunk *c, uint32_t code, int32_t cls)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        uint32_t *nc = realloc(c->code, cap * sizeof *nc);
        if (nc)
            c->code = nc;
        int32_t *nk = nc ? realloc(c->cls, cap * sizeof *nk) : NULL;
        if (!nk)
            return false;
        c->cls = nk;
        c->cap = cap;
    }
    c->code[c->n] = code;
    c->cls[c->n++] = cls;
    return true;
}

static void *scan_worker(void *arg)
{
    scan_shared *sh = arg;
    const cs_opt_bench *b = sh->b;
    int32_t *classes = malloc(b->L * sizeof *classes);
    if (!classes) {
        atomic_store(&sh->failed, 1);
        atomic_store(&sh->stop, true);
        return NULL;
    }
    uint64_t nbits = b->bits_mask + 1;
    for (;;) {
        size_t ci = atomic_fetch_add(&sh->next, 1);
        if (ci >= sh->nchunks || atomic_load(&sh->stop))
            break;
        scan_chunk *c = &sh->chunks[ci];
        uint64_t lo = (uint64_t)ci * OPT_SCAN_CHUNK, hi = lo + OPT_SCAN_CHUNK;
        if (hi > nbits)
            hi = nbits;
        for (uint64_t bits = lo; bits < hi; bits++) {
            b->p.raw_classes(b->p.user, bits, classes);
            for (uint32_t t = 0; t < b->L; t++) {
                int32_t k = classes[t];
                if (!has_data(b, k))
                    continue;
                if (!chunk_push(c, (uint32_t)(bits * b->L + t), k)) {
                    atomic_store(&sh->failed, 1);
                    atomic_store(&sh->stop, true);
                    break;
                }
            }
        }
        if (atomic_fetch_add(&sh->total, c->n) + c->n > OPT_TABLE_CAP)
            atomic_store(&sh->stop, true);
    }
    free(classes);
    return NULL;
}

/* Build the table; *fits is false (and nothing is kept) when it would pass
 * OPT_TABLE_CAP. */
static cs_status build_table(cs_opt_bench *b, int nthreads, const cs_monitor *monitor,
                             bool *fits, cs_error *err)
{
    *fits = false;
    uint64_t nbits = b->bits_mask + 1;
    scan_shared sh;
    sh.b = b;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.total, 0);
    atomic_init(&sh.stop, false);
    atomic_init(&sh.failed, 0);
    sh.nchunks = (size_t)((nbits + OPT_SCAN_CHUNK - 1) / OPT_SCAN_CHUNK);
    sh.chunks = calloc(sh.nchunks, sizeof *sh.chunks);
    if (!sh.chunks)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (encoding scan)");
    cs_monitor_progress(monitor, "optimizers: scanning the raw encodings", -1.0);
    /* every thread takes chunks from the shared counter, the caller's too */
    cs_parallel_group g;
    cs_parallel_start(&g, nthreads - 1, scan_worker, &sh, 0);
    scan_worker(&sh);
    cs_parallel_join(&g);
    cs_status st = CS_OK;
    size_t total = 0;
    for (size_t i = 0; i < sh.nchunks; i++)
        total += sh.chunks[i].n;
    if (atomic_load(&sh.failed))
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (encoding scan)");
    /* A stop without failure means the cap was passed: no table. */
    bool complete = !atomic_load(&sh.stop);
    if (!st && complete) {
        uint64_t slots = 1;
        while (slots < 2 * (uint64_t)(total ? total : 1))
            slots <<= 1;
        b->tab_bits = malloc((total ? total : 1) * sizeof *b->tab_bits);
        b->tab_lab = malloc((total ? total : 1) * sizeof *b->tab_lab);
        b->tab_cls = malloc((total ? total : 1) * sizeof *b->tab_cls);
        b->index = calloc(slots, sizeof *b->index);
        if (!b->tab_bits || !b->tab_lab || !b->tab_cls || !b->index)
            st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (table of %zu encodings)",
                              total);
        else {
            size_t at = 0;
            b->index_mask = slots - 1;
            for (size_t i = 0; i < sh.nchunks; i++)
                for (size_t j = 0; j < sh.chunks[i].n; j++, at++) {
                    uint32_t code = sh.chunks[i].code[j];
                    b->tab_bits[at] = code / b->L;
                    b->tab_lab[at] = (uint16_t)(code % b->L);
                    b->tab_cls[at] = sh.chunks[i].cls[j];
                    uint64_t s = index_slot(code, b->index_mask);
                    while (b->index[s])
                        s = (s + 1) & b->index_mask;
                    b->index[s] = ((uint64_t)code + 1) << 32 | (uint32_t)b->tab_cls[at];
                }
            b->tab_n = total;
            *fits = true;
        }
    }
    for (size_t i = 0; i < sh.nchunks; i++) {
        free(sh.chunks[i].code);
        free(sh.chunks[i].cls);
    }
    free(sh.chunks);
    return st;
}

void cs_opt_bench_destroy(cs_opt_bench *b)
{
    if (!b)
        return;
    free(b->own_nrep);
    free(b->own_val);
    free(b->own_cost);
    free(b->own_test);
    free(b->grid);
    free(b->tab_bits);
    free(b->tab_lab);
    free(b->tab_cls);
    free(b->index);
    free(b);
}

static int clamp_threads(int t)
{
    if (t <= 0)
        t = cs_threads(0);
    return t > OPT_MAX_THREADS ? OPT_MAX_THREADS : t;
}

static int resolve_threads(const cs_analysis_ctx *ctx, const cs_opt_options *o)
{
    return clamp_threads(o->threads >= 0 ? o->threads : ctx->threads);
}

/* num_ops^spots, or 0 past 2^24 (the labellings of one matrix are a row of
 * every worker's cache). */
static uint32_t problem_labellings(const cs_opt_problem *p)
{
    uint64_t L = 1;
    for (int v = 0; v < p->spots; v++)
        if ((L *= (uint64_t)p->num_ops) > (UINT64_C(1) << 24))
            return 0;
    return (uint32_t)L;
}

cs_status cs_opt_problem_check(const cs_opt_problem *p, cs_error *err)
{
    if (p->slots < 0 || p->slots > 62)
        return cs_error_set(err, CS_ERR_ARG, "a problem has 0..62 slots, not %d", p->slots);
    if (p->num_ops < 1 || p->num_ops > 1024)
        return cs_error_set(err, CS_ERR_ARG, "a problem has 1..1024 ops, not %d", p->num_ops);
    if (p->spots < 0 || !problem_labellings(p))
        return cs_error_set(err, CS_ERR_ARG,
                            "a problem has spots >= 0 and num_ops^spots <= 2^24, not %d "
                            "spots of %d ops",
                            p->spots, p->num_ops);
    /* REINFORCE's policy needs a decision to learn. */
    if (p->slots + p->spots < 1)
        return cs_error_set(err, CS_ERR_ARG, "a problem needs at least one slot or spot");
    if (isnan(p->slot_rate_div) || isnan(p->spot_rate_div))
        return cs_error_set(err, CS_ERR_ARG, "the mutation rate divisors must be numbers");
    if (p->nclasses < 1 || p->nclasses > INT32_MAX)
        return cs_error_set(err, CS_ERR_ARG, "a problem has 1..2^31-1 classes, not %zu",
                            p->nclasses);
    if (!p->raw_classes || !p->nrep || !p->validation || !p->cost || !p->mean_test)
        return cs_error_set(err, CS_ERR_ARG,
                            "a problem needs raw_classes, nrep, validation, cost and mean_test");
    /* The unit names a column and a JSON key. */
    for (const char *u = p->cost_unit; u && *u; u++)
        if (!cs_opt_unit_char(*u))
            return cs_error_set(err, CS_ERR_ARG,
                                "cost unit \"%s\": only letters, digits and '_' may name it",
                                p->cost_unit);
    if (p->cost_unit && !*p->cost_unit)
        return cs_error_set(err, CS_ERR_ARG, "an empty cost unit");
    const char *name = p->data_name ? p->data_name : "the problem's data";
    size_t covered = 0;
    for (size_t c = 0; c < p->nclasses; c++) {
        int nr = p->nrep[c];
        if (!nr)
            continue;
        if (nr > CS_STORE_REPEATS)
            return cs_error_set(err, CS_ERR_FORMAT, "%s: class %zu has %d repeats; at most %d",
                                name, c, nr, CS_STORE_REPEATS);
        for (int r = 0; r < nr; r++) {
            double t = p->cost[c * CS_STORE_REPEATS + r],
                   v = p->validation[c * CS_STORE_REPEATS + r];
            if (!(t > 0) || !isfinite(t) || !isfinite(v))
                return cs_error_set(err, CS_ERR_FORMAT,
                                    "%s: class %zu, repeat %d: cost %g, validation %g; the "
                                    "simulated optimisers need a positive cost and finite "
                                    "accuracies",
                                    name, c, r, t, v);
        }
        if (!isfinite(p->mean_test[c]))
            return cs_error_set(err, CS_ERR_FORMAT,
                                "%s: class %zu: mean test accuracy %g is not a number", name, c,
                                p->mean_test[c]);
        covered++;
    }
    if (!covered)
        return cs_error_set(err, CS_ERR_NOTFOUND, "no class has data in %s", name);
    return CS_OK;
}

/* Everything after the data: the problem is checked, b->p, b->nb101 and
 * the own_* arrays are set; b is destroyed on error. */
static cs_status bench_setup(cs_opt_bench **out, cs_opt_bench *b, const cs_opt_options *o,
                             uint64_t seed, int nthreads, const cs_monitor *monitor,
                             cs_error *err)
{
    const cs_opt_problem *p = &b->p;
    b->opt = *o;
    b->seed = seed;
    b->k = p->num_ops;
    b->slots = p->slots;
    b->spots = p->spots;
    b->slot_p = mutation_p(o->mutation_rate, p->slot_rate_div);
    b->spot_p = mutation_p(o->mutation_rate, p->spot_rate_div);
    b->L = problem_labellings(p);
    b->bits_mask = (UINT64_C(1) << p->slots) - 1;
    b->nclasses = p->nclasses;
    b->grid = malloc((size_t)o->grid_points * sizeof *b->grid);
    if (!b->grid) {
        cs_opt_bench_destroy(b);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    b->best_class = -1;
    for (size_t c = 0; c < b->nclasses; c++) {
        if (!p->nrep[c])
            continue;
        b->covered++;
        if (b->best_class < 0 || p->mean_test[c] > b->best_test) {
            b->best_test = p->mean_test[c];
            b->best_class = (int64_t)c;
        }
    }
    double lmin = log(o->grid_min), lmax = log(o->budget);
    for (int i = 0; i < o->grid_points; i++)
        b->grid[i] = exp(lmin + (lmax - lmin) * i / (o->grid_points - 1));
    b->grid[0] = o->grid_min;
    b->grid[o->grid_points - 1] = o->budget;

    /* The table needs every code (bits * L + labelling) in 32 bits and a scan
     * of at most a few million raw matrices. */
    bool table_ok = b->bits_mask < (UINT64_C(1) << 22) && b->L <= UINT16_MAX &&
                    (b->bits_mask + 1) * (uint64_t)b->L <= UINT32_MAX;
    b->sampler = CS_OPT_SAMPLER_REJECT;
    bool want_table = o->sampler == CS_OPT_SAMPLER_TABLE ||
                      (o->sampler == CS_OPT_SAMPLER_AUTO && b->covered * 10 < b->nclasses * 9);
    if (want_table && !table_ok && o->sampler == CS_OPT_SAMPLER_TABLE) {
        bool nb101 = b->nb101;
        cs_opt_bench_destroy(b);
        if (nb101)
            return cs_error_set(err, CS_ERR_ARG,
                                "the table sampler needs a space of at most 7 vertices");
        return cs_error_set(err, CS_ERR_ARG,
                            "the table sampler needs at most 22 slots and 65535 labellings "
                            "(num_ops^spots), 2^32 encodings in all");
    }
    if (want_table && table_ok) {
        bool fits;
        cs_status st = build_table(b, nthreads, monitor, &fits, err);
        if (st) {
            cs_opt_bench_destroy(b);
            return st;
        }
        if (fits && b->tab_n)
            b->sampler = CS_OPT_SAMPLER_TABLE;
        else if (o->sampler == CS_OPT_SAMPLER_TABLE) {
            cs_opt_bench_destroy(b);
            return cs_error_set(err, CS_ERR_LIMIT,
                                "more than %zu valid encodings have data: too many for the "
                                "table sampler",
                                OPT_TABLE_CAP);
        }
    }
    *out = b;
    return CS_OK;
}

static void space_raw_classes(const void *user, uint64_t bits, int32_t *classes)
{
    cs_space_raw_classes(user, bits, classes);
}

void cs_opt_nb101_problem(cs_opt_problem *p, const cs_space *sp)
{
    /* The raw encodings: n vertices, the reference's edge bits and interior
     * labellings; the example code's mutation rates. */
    const cs_limits *lim = cs_space_limits(sp);
    int n = lim->max_vertices;
    *p = (cs_opt_problem){
        .slots = n * (n - 1) / 2,
        .spots = n > 2 ? n - 2 : 0,
        .num_ops = lim->num_ops,
        .slot_rate_div = n,
        .spot_rate_div = n - 2,
        .nclasses = cs_space_num_classes(sp),
        .raw_classes = space_raw_classes,
        .user = sp,
        .cost_unit = "seconds",
        .benchmark = "NAS-Bench-101",
    };
}

cs_status cs_opt_bench_init(cs_opt_bench **out, const cs_analysis_ctx *ctx,
                            const cs_opt_options *o, cs_error *err)
{
    *out = NULL;
    cs_status st = check_options(o, err);
    if (st)
        return st;
    if (!ctx->store || !ctx->class_entry)
        return cs_error_set(err, CS_ERR_ARG,
                            "the optimisers need a dataset (a store with 108-epoch runs)");
    int epochs = ctx->budget ? ctx->budget : 108;
    int b108 = cs_store_budget_index(ctx->store, epochs);
    if (b108 < 0)
        return cs_error_set(err, ctx->budget ? CS_ERR_ARG : CS_ERR_NOTFOUND,
                            "%s has no %d-epoch runs; the optimisers query that budget",
                            ctx->data_name, epochs);
    cs_opt_bench *b = calloc(1, sizeof *b);
    if (!b)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    size_t nclasses = cs_space_num_classes(ctx->space);
    b->nb101 = true;
    b->own_nrep = calloc(nclasses ? nclasses : 1, sizeof *b->own_nrep);
    b->own_val = calloc((nclasses ? nclasses : 1) * CS_STORE_REPEATS, sizeof *b->own_val);
    b->own_cost = calloc((nclasses ? nclasses : 1) * CS_STORE_REPEATS, sizeof *b->own_cost);
    b->own_test = calloc(nclasses ? nclasses : 1, sizeof *b->own_test);
    if (!b->own_nrep || !b->own_val || !b->own_cost || !b->own_test) {
        cs_opt_bench_destroy(b);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (%zu classes)", nclasses);
    }
    cs_opt_nb101_problem(&b->p, ctx->space);
    b->p.nrep = b->own_nrep;
    b->p.validation = b->own_val;
    b->p.cost = b->own_cost;
    b->p.mean_test = b->own_test;
    b->p.data_name = ctx->data_name;
    b->p.epochs = epochs;
    b->p.synthetic = cs_analysis_synthetic(ctx);
    size_t covered = 0;
    for (size_t c = 0; c < nclasses; c++) {
        int64_t e = ctx->class_entry[c];
        if (e < 0)
            continue;
        const cs_store_entry *ent = cs_store_entry_at(ctx->store, (size_t)e);
        int nr = ent->repeats[b108];
        if (nr > CS_STORE_REPEATS)
            nr = CS_STORE_REPEATS;
        const cs_run *runs = cs_store_runs(ctx->store, (size_t)e, b108);
        double sum = 0;
        for (int r = 0; r < nr; r++) {
            double t = runs[r].final_training_time, v = runs[r].final_validation_accuracy,
                   a = runs[r].final_test_accuracy;
            if (!(t > 0) || !isfinite(t) || !isfinite(v) || !isfinite(a)) {
                char hex[33];
                cs_hash_to_hex(ent->hash, hex);
                cs_opt_bench_destroy(b);
                return cs_error_set(err, CS_ERR_FORMAT,
                                    "%s: cell %s, %d-epoch repeat %d: training time %g, "
                                    "validation %g, test %g; the simulated optimisers need "
                                    "a positive time and finite accuracies",
                                    ctx->data_name, hex, epochs, r, t, v, a);
            }
            /* a caller's fitness is what every query of the class returns */
            b->own_val[c * CS_STORE_REPEATS + (size_t)r] = ctx->fitness ? ctx->fitness[c] : v;
            b->own_cost[c * CS_STORE_REPEATS + (size_t)r] = t;
            sum += a;
        }
        if (!nr || (ctx->fitness && !isfinite(ctx->fitness[c])))
            continue;
        b->own_nrep[c] = (uint8_t)nr;
        b->own_test[c] = sum / nr;
        covered++;
    }
    if (!covered) {
        cs_opt_bench_destroy(b);
        return cs_error_set(err, CS_ERR_NOTFOUND,
                            "no cell of the space has %d-epoch data%s in %s", epochs,
                            ctx->fitness ? " and a fitness" : "", ctx->data_name);
    }
    /* What the store gave is checked above, with the cells' hashes. */
    return bench_setup(out, b, o, ctx->seed, resolve_threads(ctx, o), &ctx->monitor, err);
}

static cs_status bench_init_problem(cs_opt_bench **out, const cs_opt_problem *p,
                                    const cs_opt_options *o, uint64_t seed, int nthreads,
                                    const cs_monitor *monitor, cs_error *err)
{
    *out = NULL;
    cs_status st = check_options(o, err);
    if (st || (st = cs_opt_problem_check(p, err)))
        return st;
    cs_opt_bench *b = calloc(1, sizeof *b);
    if (!b)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    b->p = *p;
    return bench_setup(out, b, o, seed, nthreads, monitor, err);
}

cs_status cs_opt_bench_init_problem(cs_opt_bench **out, const cs_opt_problem *p,
                                    const cs_opt_options *o, uint64_t seed, cs_error *err)
{
    return bench_init_problem(out, p, o, seed, clamp_threads(o->threads), NULL, err);
}

double cs_opt_bench_best_test(const cs_opt_bench *b) { return b->best_test; }
int64_t cs_opt_bench_best_class(const cs_opt_bench *b) { return b->best_class; }
size_t cs_opt_bench_classes_with_data(const cs_opt_bench *b) { return b->covered; }
cs_opt_sampler cs_opt_bench_sampler(const cs_opt_bench *b) { return b->sampler; }
const double *cs_opt_bench_grid(const cs_opt_bench *b) { return b->grid; }

void cs_opt_trace_destroy(cs_opt_trace *t)
{
    free(t->q);
    t->q = NULL;
    t->n = t->cap = 0;
}

/* --- one run ------------------------------------------------------------------- */

typedef struct nbr {
    cs_opt_encoding enc;
    int64_t cls;
} nbr;

/* What a thread keeps between runs (allocated on first use) and the state
 * of the run it is doing. */
typedef struct worker {
    const cs_opt_bench *b;
    cs_rng rng;
    /* rejection sampler: a direct-mapped cache of raw matrices' classes
     * (cs_space_raw_classes costs about a microsecond; local search looks
     * up the same matrices again and again within a climb) */
    uint64_t *ctag; /* UINT64_MAX: empty */
    int32_t *cval;  /* centries x L */
    uint64_t cmask;
    /* local search: what this run has queried */
    uint32_t *stamp;
    double *seen;
    uint32_t cur_stamp;
    size_t distinct;
    nbr *nb;
    /* evolution and REINFORCE */
    cs_opt_population pop;
    bool pop_ok;
    cs_opt_policy pol;
    bool pol_ok;
    int *choice;
    double *probs, *weights;
    double *chunk, *oprob; /* table mode: 3 x 256 edge-byte and L labelling probabilities */
    uint64_t tries_a, acc_a, tries_b, acc_b; /* table mode: the two samplers' record */
    /* the run */
    double *grid_out;
    cs_opt_trace *trace;
    double now, inc_val, regret;
    int64_t inc;
    uint64_t queries;
    int next_grid;
    cs_status st;
    cs_error err;
} worker;

static void worker_init(worker *w, const cs_opt_bench *b)
{
    memset(w, 0, sizeof *w);
    w->b = b;
}

static void worker_destroy(worker *w)
{
    free(w->ctag);
    free(w->cval);
    free(w->stamp);
    free(w->seen);
    free(w->nb);
    if (w->pop_ok)
        cs_opt_population_destroy(&w->pop);
    if (w->pol_ok)
        cs_opt_policy_destroy(&w->pol);
    free(w->choice);
    free(w->probs);
    free(w->weights);
    free(w->chunk);
    free(w->oprob);
}

static bool fail(worker *w, cs_status st, const char *msg)
{
    w->st = cs_error_set(&w->err, st, "%s", msg);
    return false;
}

/* The class of an encoding if it is valid and has data, else -1. */
static int64_t enc_class(worker *w, const cs_opt_encoding *e)
{
    const cs_opt_bench *b = w->b;
    if (b->sampler == CS_OPT_SAMPLER_TABLE) {
        uint32_t code = (uint32_t)(e->bits * b->L + e->labelling);
        for (uint64_t s = index_slot(code, b->index_mask); b->index[s];
             s = (s + 1) & b->index_mask)
            if ((uint32_t)(b->index[s] >> 32) == code + 1)
                return (int32_t)(uint32_t)b->index[s];
        return -1;
    }
    uint64_t slot = (e->bits * UINT64_C(0x9E3779B97F4A7C15)) >> 40 & w->cmask;
    int32_t *row = w->cval + slot * b->L;
    if (w->ctag[slot] != e->bits) {
        b->p.raw_classes(b->p.user, e->bits, row);
        w->ctag[slot] = e->bits;
    }
    int32_t c = row[e->labelling];
    return has_data(b, c) ? c : -1;
}

static bool sample_random(worker *w, cs_opt_encoding *e, int64_t *cls)
{
    const cs_opt_bench *b = w->b;
    if (b->sampler == CS_OPT_SAMPLER_TABLE) {
        size_t i = (size_t)cs_rng_below(&w->rng, b->tab_n);
        e->bits = b->tab_bits[i];
        e->labelling = b->tab_lab[i];
        *cls = b->tab_cls[i];
        return true;
    }
    for (uint64_t d = 0; d < OPT_MAX_DRAWS; d++) {
        e->bits = cs_rng_next(&w->rng) & b->bits_mask;
        e->labelling = (uint32_t)cs_rng_below(&w->rng, b->L);
        if ((*cls = enc_class(w, e)) >= 0)
            return true;
    }
    return fail(w, CS_ERR_LIMIT, "no valid cell with data in 20 million random draws");
}

/* Query class c: one random repeat, its time charged.  False when the
 * result would come after the budget (the run is over) or on error. */
static bool query(worker *w, int64_t c, double *val)
{
    const cs_opt_bench *b = w->b;
    int nrep = b->p.nrep[c];
    int r = nrep > 1 ? (int)cs_rng_below(&w->rng, (uint64_t)nrep) : 0;
    size_t at = (size_t)c * CS_STORE_REPEATS + (size_t)r;
    double t = w->now + b->p.cost[at];
    if (!(t <= b->opt.budget))
        return false;
    while (w->next_grid < b->opt.grid_points && b->grid[w->next_grid] < t) {
        if (w->grid_out)
            w->grid_out[w->next_grid] = w->regret;
        w->next_grid++;
    }
    w->now = t;
    w->queries++;
    *val = b->p.validation[at];
    if (*val > w->inc_val) {
        w->inc_val = *val;
        w->inc = c;
        w->regret = b->best_test - b->p.mean_test[c];
    }
    if (w->trace) {
        cs_opt_trace *tr = w->trace;
        if (tr->n == tr->cap) {
            size_t cap = tr->cap ? 2 * tr->cap : 1024;
            cs_opt_query *q = realloc(tr->q, cap * sizeof *q);
            if (!q)
                return fail(w, CS_ERR_NOMEM, "out of memory (query trace)");
            tr->q = q;
            tr->cap = cap;
        }
        tr->q[tr->n++] = (cs_opt_query){t, c, *val};
    }
    return true;
}

static void run_random(worker *w)
{
    cs_opt_encoding e;
    int64_t c;
    double v;
    while (sample_random(w, &e, &c) && query(w, c, &v))
        ;
}

static bool mutate_valid(worker *w, const cs_opt_encoding *parent, cs_opt_encoding *child,
                         int64_t *cls)
{
    const cs_opt_bench *b = w->b;
    for (uint64_t d = 0; d < OPT_MAX_DRAWS; d++) {
        mutate(b->slots, b->spots, b->k, b->slot_p, b->spot_p, &w->rng, parent, child);
        if ((*cls = enc_class(w, child)) >= 0)
            return true;
    }
    return fail(w, CS_ERR_LIMIT, "no valid mutation with data in 20 million draws");
}

static void run_evolution(worker *w)
{
    const cs_opt_bench *b = w->b;
    if (!w->pop_ok) {
        if ((w->st = cs_opt_population_init(&w->pop, (size_t)b->opt.population, &w->err)))
            return;
        w->pop_ok = true;
    }
    w->pop.size = w->pop.oldest = 0;
    cs_opt_member m;
    while (w->pop.size < w->pop.capacity) {
        if (!sample_random(w, &m.enc, &m.cls) || !query(w, m.cls, &m.validation))
            return;
        cs_opt_population_add(&w->pop, &m);
    }
    for (;;) {
        size_t a = cs_opt_population_tournament(&w->pop, (size_t)b->opt.tournament, &w->rng);
        cs_opt_encoding parent = cs_opt_population_age(&w->pop, a)->enc;
        if (!mutate_valid(w, &parent, &m.enc, &m.cls) || !query(w, m.cls, &m.validation))
            return;
        cs_opt_population_add(&w->pop, &m);
    }
}

/* Local search's query: each class once per run. */
static bool ls_visit(worker *w, int64_t c, double *val)
{
    if (w->stamp[c] == w->cur_stamp) {
        *val = w->seen[c];
        return true;
    }
    if (!query(w, c, val))
        return false;
    w->stamp[c] = w->cur_stamp;
    w->seen[c] = *val;
    w->distinct++;
    return true;
}

static int neighbours(worker *w, const cs_opt_encoding *e, int64_t cls, nbr *out)
{
    const cs_opt_bench *b = w->b;
    int cnt = 0;
    int total = b->slots + b->spots * (b->k - 1);
    for (int i = 0; i < total; i++) {
        cs_opt_encoding x = *e;
        if (i < b->slots)
            x.bits ^= UINT64_C(1) << i;
        else {
            int j = i - b->slots, v = 1 + j / (b->k - 1), alt = j % (b->k - 1);
            uint32_t wgt = ipow((uint32_t)b->k, b->spots - v);
            uint32_t old = x.labelling / wgt % (uint32_t)b->k;
            uint32_t op = (uint32_t)alt >= old ? (uint32_t)alt + 1 : (uint32_t)alt;
            x.labelling = x.labelling - old * wgt + op * wgt;
        }
        int64_t c = enc_class(w, &x);
        if (c < 0 || c == cls)
            continue;
        bool dup = false;
        for (int q = 0; q < cnt && !dup; q++)
            dup = out[q].cls == c;
        if (!dup)
            out[cnt++] = (nbr){x, c};
    }
    return cnt;
}

static void run_local(worker *w)
{
    const cs_opt_bench *b = w->b;
    if (!w->stamp) {
        int total = b->slots + b->spots * (b->k > 1 ? b->k - 1 : 0);
        w->stamp = calloc(b->nclasses, sizeof *w->stamp);
        w->seen = malloc(b->nclasses * sizeof *w->seen);
        w->nb = malloc((size_t)(total + 1) * sizeof *w->nb);
        if (!w->stamp || !w->seen || !w->nb) {
            fail(w, CS_ERR_NOMEM, "out of memory (local search)");
            return;
        }
    }
    if (++w->cur_stamp == 0) { /* wrapped: forget every older run */
        memset(w->stamp, 0, b->nclasses * sizeof *w->stamp);
        w->cur_stamp = 1;
    }
    w->distinct = 0;
    bool have = false;
    cs_opt_encoding cur = {0, 0};
    int64_t cur_cls = -1;
    double cur_val = 0;
    while (w->distinct < b->covered) {
        if (!have) {
            /* A restart draws random cells until one not yet queried, as
             * White et al.'s code does; after a million draws of queried
             * cells, what is left is too rare to find: the run ends. */
            uint64_t d = 0;
            do {
                if (!sample_random(w, &cur, &cur_cls))
                    return;
            } while (w->stamp[cur_cls] == w->cur_stamp && ++d < OPT_RESTART_DRAWS);
            if (d == OPT_RESTART_DRAWS || !ls_visit(w, cur_cls, &cur_val))
                return;
            have = true;
        }
        int cnt = neighbours(w, &cur, cur_cls, w->nb);
        for (int i = cnt - 1; i > 0; i--) { /* query them in random order */
            int j = (int)cs_rng_below(&w->rng, (uint64_t)i + 1);
            nbr t = w->nb[i];
            w->nb[i] = w->nb[j];
            w->nb[j] = t;
        }
        double best = cur_val;
        int bi = -1;
        for (int i = 0; i < cnt; i++) {
            double v;
            if (!ls_visit(w, w->nb[i].cls, &v))
                return;
            if (v > best) {
                best = v;
                bi = i;
            }
        }
        if (bi >= 0) {
            cur = w->nb[bi].enc;
            cur_cls = w->nb[bi].cls;
            cur_val = best;
        } else
            have = false; /* a local optimum: restart */
    }
}

/* REINFORCE's decisions <-> an encoding. */
static void choice_to_enc(const cs_opt_bench *b, const int *ch, cs_opt_encoding *e)
{
    e->bits = 0;
    for (int s = 0; s < b->slots; s++)
        e->bits |= (uint64_t)ch[s] << s;
    uint32_t t = 0;
    for (int v = 0; v < b->spots; v++)
        t = t * (uint32_t)b->k + (uint32_t)ch[b->slots + v];
    e->labelling = t;
}

static void enc_to_choice(const cs_opt_bench *b, const cs_opt_encoding *e, int *ch)
{
    for (int s = 0; s < b->slots; s++)
        ch[s] = (int)(e->bits >> s & 1);
    uint32_t t = e->labelling;
    for (int v = b->spots - 1; v >= 0; v--) {
        ch[b->slots + v] = (int)(t % (uint32_t)b->k);
        t /= (uint32_t)b->k;
    }
}

/* Table mode: the policy's probability of every value of each byte of the
 * edge bits, and of every labelling, so that p(e) of a table entry is four
 * products.  (The table sampler needs at most 21 edge slots: 3 bytes.) */
static void reinforce_tables(worker *w, double *bound)
{
    const cs_opt_bench *b = w->b;
    const cs_opt_policy *p = &w->pol;
    double B = 1;
    /* Built by doubling: adding slot i makes value v | 1 << i from v. */
    for (int c = 0; c < 3; c++) {
        double *cp = w->chunk + 256 * c;
        cp[0] = 1;
        int size = 1;
        for (int i = 0; i < 8; i++, size *= 2) {
            int slot = 8 * c + i;
            double p0 = 1, p1 = 0; /* no such slot: only its 0 value exists */
            if (slot < b->slots) {
                p0 = w->probs[p->offset[slot]];
                p1 = w->probs[p->offset[slot] + 1];
            }
            for (int v = 0; v < size; v++) {
                cp[v | size] = cp[v] * p1;
                cp[v] *= p0;
            }
            B *= p0 > p1 ? p0 : p1;
        }
    }
    /* Labellings in product order: the first interior vertex is the most
     * significant digit, so append digits one vertex at a time. */
    w->oprob[0] = 1;
    uint32_t size = 1;
    for (int v = 0; v < b->spots; v++) {
        const double *pr = w->probs + p->offset[b->slots + v];
        double mx = 0;
        for (int j = 0; j < b->k; j++)
            if (pr[j] > mx)
                mx = pr[j];
        for (uint32_t t = size; t-- > 0;)
            for (int j = b->k - 1; j >= 0; j--)
                w->oprob[t * (uint32_t)b->k + (uint32_t)j] = w->oprob[t] * pr[j];
        size *= (uint32_t)b->k;
        B *= mx;
    }
    *bound = B; /* = max over all encodings of p(e) >= p(e) of any entry */
}

static inline double table_prob(const worker *w, size_t i)
{
    const cs_opt_bench *b = w->b;
    uint32_t bits = b->tab_bits[i];
    return w->chunk[bits & 255] * w->chunk[256 + (bits >> 8 & 255)] *
           w->chunk[512 + (bits >> 16 & 255)] * w->oprob[b->tab_lab[i]];
}

static void table_entry(worker *w, size_t i, cs_opt_encoding *e, int64_t *cls)
{
    const cs_opt_bench *b = w->b;
    e->bits = b->tab_bits[i];
    e->labelling = b->tab_lab[i];
    *cls = b->tab_cls[i];
    enc_to_choice(b, e, w->choice);
}

/* A sample of the policy restricted to the valid encodings with data. */
static bool reinforce_sample(worker *w, cs_opt_encoding *e, int64_t *cls)
{
    const cs_opt_bench *b = w->b;
    cs_opt_policy *p = &w->pol;
    if (b->sampler != CS_OPT_SAMPLER_TABLE) {
        for (uint64_t d = 0; d < OPT_MAX_DRAWS; d++) {
            policy_sample_probs(p, w->probs, &w->rng, w->choice);
            choice_to_enc(b, w->choice, e);
            if ((*cls = enc_class(w, e)) >= 0)
                return true;
        }
        return fail(w, CS_ERR_LIMIT, "REINFORCE drew no valid cell with data in 20 million "
                                     "draws");
    }
    /* Two exact rejection samplers, interleaved: (a) a policy draw, kept if
     * valid with data (likely once the policy has settled on cells with
     * data); (b) a uniform table entry e, kept with probability p(e) / B,
     * B >= p(e) (likely while the policy is near uniform).  Whichever keeps
     * a sample, it follows p restricted to the table; so does the mix, and
     * the number of (b) tries per (a) can follow the success rates seen so
     * far in the run.  A try of (a) costs about sixteen of (b) (measured);
     * successes per unit of cost are linear-fractional in that number, so
     * the best is one extreme or the other: 1 or 1024 (which still tries
     * (a) now and then, to notice when it becomes the better one). */
    double B;
    reinforce_tables(w, &B);
    double rate_a = (w->acc_a + 1.0) / (w->tries_a + 2.0),
           rate_b = (w->acc_b + 1.0) / (w->tries_b + 2.0);
    uint64_t ratio = 16 * rate_b > rate_a ? 1024 : 1;
    uint64_t spent = 0, allowance = b->tab_n / 2 + 256;
    while (spent < allowance) {
        for (uint64_t j = 0; j < ratio; j++) {
            size_t i = (size_t)cs_rng_below(&w->rng, b->tab_n);
            w->tries_b++;
            if (cs_rng_uniform(&w->rng) * B < table_prob(w, i)) {
                w->acc_b++;
                table_entry(w, i, e, cls);
                return true;
            }
        }
        policy_sample_probs(p, w->probs, &w->rng, w->choice);
        choice_to_enc(b, w->choice, e);
        w->tries_a++;
        if ((*cls = enc_class(w, e)) >= 0) {
            w->acc_a++;
            return true;
        }
        spent += ratio + 16;
    }
    /* Neither is getting anywhere: sample exactly over the whole table. */
    if (!w->weights && !(w->weights = malloc(b->tab_n * sizeof *w->weights)))
        return fail(w, CS_ERR_NOMEM, "out of memory (REINFORCE sampler)");
    double sum = 0;
    for (size_t i = 0; i < b->tab_n; i++)
        sum += w->weights[i] = table_prob(w, i);
    double u = cs_rng_uniform(&w->rng) * sum, acc = 0;
    size_t i = 0;
    for (; i + 1 < b->tab_n; i++)
        if ((acc += w->weights[i]) > u)
            break;
    table_entry(w, i, e, cls);
    return true;
}

static void run_reinforce(worker *w)
{
    const cs_opt_bench *b = w->b;
    int nd = b->slots + b->spots;
    if (!w->pol_ok) {
        int *nc = malloc((size_t)nd * sizeof *nc);
        if (!nc) {
            fail(w, CS_ERR_NOMEM, "out of memory (policy)");
            return;
        }
        for (int d = 0; d < nd; d++)
            nc[d] = d < b->slots ? 2 : b->k;
        w->st = cs_opt_policy_init(&w->pol, nd, nc, b->opt.learning_rate, b->opt.momentum,
                                   &w->err);
        free(nc);
        if (w->st)
            return;
        w->pol_ok = true;
        int total = w->pol.offset[nd - 1] + w->pol.nchoices[nd - 1];
        w->choice = malloc((size_t)nd * sizeof *w->choice);
        w->probs = malloc((size_t)total * sizeof *w->probs);
        w->chunk = malloc(3 * 256 * sizeof *w->chunk);
        w->oprob = malloc(b->L * sizeof *w->oprob);
        if (!w->choice || !w->probs || !w->chunk || !w->oprob) {
            fail(w, CS_ERR_NOMEM, "out of memory (policy)");
            return;
        }
    }
    policy_reset(&w->pol);
    policy_all_probs(&w->pol, w->probs);
    w->tries_a = w->acc_a = w->tries_b = w->acc_b = 0;
    cs_opt_encoding e;
    int64_t c;
    double v;
    while (reinforce_sample(w, &e, &c) && query(w, c, &v)) {
        policy_step(&w->pol, w->probs, w->choice, v);
        policy_all_probs(&w->pol, w->probs);
    }
}

static cs_status do_run(worker *w, cs_opt_method m, uint64_t run, double *grid_regret,
                        cs_opt_run_result *res, cs_opt_trace *trace, cs_error *err)
{
    const cs_opt_bench *b = w->b;
    if ((unsigned)m >= CS_OPT_NUM_METHODS)
        return cs_error_set(err, CS_ERR_ARG, "unknown optimiser %d", (int)m);
    if (!w->ctag && b->sampler != CS_OPT_SAMPLER_TABLE) {
        size_t entries = 1; /* about a megabyte of cache */
        while (entries < 1024 && 2 * entries * b->L * sizeof(int32_t) <= ((size_t)1 << 20))
            entries *= 2;
        w->ctag = malloc(entries * sizeof *w->ctag);
        w->cval = malloc(entries * b->L * sizeof *w->cval);
        if (!w->ctag || !w->cval)
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        memset(w->ctag, 0xff, entries * sizeof *w->ctag);
        w->cmask = entries - 1;
    }
    cs_opt_rng_seed_run(&w->rng, b->seed, m, run);
    w->grid_out = grid_regret;
    w->trace = trace;
    if (trace)
        trace->n = 0;
    w->now = 0;
    w->inc_val = -INFINITY;
    w->inc = -1;
    w->regret = b->best_test;
    w->queries = 0;
    w->next_grid = 0;
    w->st = CS_OK;
    switch (m) {
    case CS_OPT_RANDOM: run_random(w); break;
    case CS_OPT_EVOLUTION: run_evolution(w); break;
    case CS_OPT_LOCAL: run_local(w); break;
    default: run_reinforce(w); break;
    }
    if (w->st) {
        if (err)
            *err = w->err;
        return w->st;
    }
    for (; w->next_grid < b->opt.grid_points; w->next_grid++)
        if (grid_regret)
            grid_regret[w->next_grid] = w->regret;
    res->final_regret = w->regret;
    res->queries = w->queries;
    res->incumbent = w->inc;
    res->incumbent_validation = w->inc >= 0 ? w->inc_val : 0;
    res->incumbent_test = w->inc >= 0 ? b->p.mean_test[w->inc] : 0;
    return CS_OK;
}

cs_status cs_opt_run(const cs_opt_bench *b, cs_opt_method m, uint64_t run,
                     double *grid_regret, cs_opt_run_result *res, cs_opt_trace *trace,
                     cs_error *err)
{
    worker w;
    worker_init(&w, b);
    cs_status st = do_run(&w, m, run, grid_regret, res, trace, err);
    worker_destroy(&w);
    return st;
}

/* --- all runs on threads ---------------------------------------------------- */

typedef struct run_shared {
    cs_monitor monitor; /* the caller's, polled from the calling thread only */
    const cs_opt_bench *b;
    cs_opt_results *r;
    int methods[CS_OPT_NUM_METHODS], nmethods;
    size_t total;
    atomic_size_t next, done;
    atomic_bool stop;
    pthread_mutex_t lock;
    size_t err_task; /* the lowest failed task, so the message is deterministic */
    cs_status st;
    cs_error err;
} run_shared;

typedef struct run_arg {
    run_shared *sh;
    bool main;
} run_arg;

static void *run_worker(void *arg)
{
    run_arg *ra = arg;
    run_shared *sh = ra->sh;
    worker w;
    worker_init(&w, sh->b);
    int G = sh->r->grid_points;
    for (;;) {
        size_t task = atomic_fetch_add(&sh->next, 1);
        if (task >= sh->total || atomic_load(&sh->stop))
            break;
        int m = sh->methods[task / (size_t)sh->r->runs];
        size_t run = task % (size_t)sh->r->runs;
        cs_error err;
        cs_status st = do_run(&w, (cs_opt_method)m, run, sh->r->regret[m] + run * (size_t)G,
                              &sh->r->final[m][run], NULL, &err);
        if (st) {
            pthread_mutex_lock(&sh->lock);
            if (!sh->st || task < sh->err_task) {
                sh->st = st;
                sh->err = err;
                sh->err_task = task;
            }
            pthread_mutex_unlock(&sh->lock);
            atomic_store(&sh->stop, true);
            break;
        }
        size_t done = atomic_fetch_add(&sh->done, 1) + 1;
        if (ra->main)
            cs_monitor_progress(&sh->monitor, "optimizers: runs",
                              (double)done / (double)sh->total);
        if (ra->main && cs_monitor_cancelled(&sh->monitor)) {
            pthread_mutex_lock(&sh->lock);
            if (!sh->st) {
                sh->st = cs_error_set(&sh->err, CS_ERR_CANCELLED, "cancelled");
                sh->err_task = task;
            }
            pthread_mutex_unlock(&sh->lock);
            atomic_store(&sh->stop, true);
            break;
        }
    }
    worker_destroy(&w);
    return NULL;
}

void cs_opt_results_destroy(cs_opt_results *r)
{
    free(r->grid);
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        free(r->regret[m]);
        free(r->final[m]);
    }
    memset(r, 0, sizeof *r);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Every run on a bench (destroyed here), whichever way it was made. */
static cs_status compute(cs_opt_bench *b, const cs_analysis_ctx *ctx, int nthreads,
                         const cs_opt_options *o, double t0, cs_opt_results *r, cs_error *err)
{
    cs_status st = CS_OK;
    r->runs = o->runs;
    r->grid_points = o->grid_points;
    r->best_test = b->best_test;
    r->best_class = b->best_class;
    r->classes_with_data = b->covered;
    r->sampler = b->sampler;
    r->grid = malloc((size_t)o->grid_points * sizeof *r->grid);
    run_shared sh;
    memset(&sh, 0, sizeof sh);
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        if (!(o->methods >> m & 1))
            continue;
        sh.methods[sh.nmethods++] = m;
        r->regret[m] = malloc((size_t)o->runs * (size_t)o->grid_points * sizeof(double));
        r->final[m] = calloc((size_t)o->runs, sizeof(cs_opt_run_result));
        if (!r->regret[m] || !r->final[m])
            st = CS_ERR_NOMEM;
    }
    if (st || !r->grid) {
        cs_opt_results_destroy(r);
        cs_opt_bench_destroy(b);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (results of %d runs)", o->runs);
    }
    memcpy(r->grid, b->grid, (size_t)o->grid_points * sizeof *r->grid);
    if (ctx)
        sh.monitor = ctx->monitor;
    sh.b = b;
    sh.r = r;
    sh.total = (size_t)sh.nmethods * (size_t)o->runs;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.done, 0);
    atomic_init(&sh.stop, false);
    pthread_mutex_init(&sh.lock, NULL);
    if ((size_t)nthreads > sh.total)
        nthreads = (int)sh.total;
    run_arg ra[OPT_MAX_THREADS];
    for (int i = 0; i < nthreads; i++)
        ra[i] = (run_arg){&sh, i == 0};
    cs_parallel_run(nthreads, run_worker, ra, sizeof ra[0]);
    pthread_mutex_destroy(&sh.lock);
    cs_opt_bench_destroy(b);
    if (sh.st) {
        if (err)
            *err = sh.err;
        cs_opt_results_destroy(r);
        return sh.st;
    }
    r->seconds = now_seconds() - t0;
    return CS_OK;
}

cs_status cs_opt_compute(const cs_analysis_ctx *ctx, const cs_opt_options *o,
                         cs_opt_results *r, cs_error *err)
{
    memset(r, 0, sizeof *r);
    double t0 = now_seconds();
    cs_opt_bench *b;
    cs_status st = cs_opt_bench_init(&b, ctx, o, err);
    if (st)
        return st;
    return compute(b, ctx, resolve_threads(ctx, o), o, t0, r, err);
}

cs_status cs_opt_compute_problem(const cs_analysis_ctx *ctx, const cs_opt_problem *p,
                                 const cs_opt_options *o, cs_opt_results *r, cs_error *err)
{
    memset(r, 0, sizeof *r);
    double t0 = now_seconds();
    int nthreads = resolve_threads(ctx, o);
    cs_opt_bench *b;
    cs_status st = bench_init_problem(&b, p, o, ctx->seed, nthreads, &ctx->monitor, err);
    if (st)
        return st;
    return compute(b, ctx, nthreads, o, t0, r, err);
}

/* --- output --------------------------------------------------------------------- */

/* How the files name the data.  NAS-Bench-101 (store set) is labelled as
 * every analysis of a store is, by common.c; a problem has no store, so its
 * labels come from the problem (in the same layout). */
typedef struct opt_labels {
    const cs_analysis_ctx *ctx;
    bool store;
    const char *data_name, *benchmark, *cost_unit, *figure;
    bool synthetic;
    int epochs;
    const char *fitness_what, *score_what, *json_fields;
    bool name_fitness; /* a caller's fitness: every file names it */
} opt_labels;

static cs_analysis_source labels_source(const opt_labels *lb)
{
    if (lb->store)
        return cs_analysis_source_of(lb->ctx);
    return (cs_analysis_source){lb->data_name, lb->benchmark, lb->synthetic};
}

static cs_status labels_tsv_open(const opt_labels *lb, const char *outdir, const char *file,
                                 const char *what, const char *columns, cs_outfile *out,
                                 cs_error *err)
{
    cs_analysis_source src = labels_source(lb);
    return cs_analysis_tsv_open_as(&src, lb->ctx->seed, outdir, file, what, columns, out, err);
}

static cs_status labels_json_write(const opt_labels *lb, const char *outdir, const char *body,
                                   cs_error *err)
{
    cs_analysis_source src = labels_source(lb);
    return cs_analysis_json_write_as(&src, lb->ctx->seed, outdir, "optimizers.json",
                                     "optimizers", body, err);
}

/* Regret against time: mean and quartiles over the runs (col: runs
 * doubles of scratch). */
static cs_status write_regret(const opt_labels *lb, const cs_opt_results *r, const char *outdir,
                              double *col, cs_error *err)
{
    int R = r->runs, G = r->grid_points;
    char *columns = NULL;
    size_t columns_len = 0;
    cs_status st = CS_OK;
    FILE *cf = open_memstream(&columns, &columns_len);
    if (!cf)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    if (!strcmp(lb->cost_unit, "seconds"))
        fputs("time_s", cf);
    else
        fputs(lb->cost_unit, cf); /* "queries": the count of queries */
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
        if (r->regret[m])
            fprintf(cf, "\t%s_mean\t%s_q25\t%s_median\t%s_q75", method_names[m],
                    method_names[m], method_names[m], method_names[m]);
    fclose(cf);
    char what[1024], cost[128], epochs[32] = "";
    if (!strcmp(lb->cost_unit, "seconds"))
        snprintf(cost, sizeof cost, "training time");
    else
        snprintf(cost, sizeof cost, "cost (%s)", lb->cost_unit);
    if (lb->epochs > 0)
        snprintf(epochs, sizeof epochs, "%d-epoch ", lb->epochs);
    snprintf(what, sizeof what,
             "simulated NAS optimisers (%s): test regret against simulated "
             "%s, mean and quartiles over %d runs; regret = best %s "
             "(%.17g) - the incumbent's %s, the incumbent having the best "
             "%s of one random %srepeat per query",
             lb->figure, cost, R, lb->score_what, r->best_test, lb->score_what,
             lb->fitness_what, epochs);
    cs_outfile out;
    st = labels_tsv_open(lb, outdir, "optimizers_regret.tsv", what, columns, &out, err);
    free(columns);
    if (st)
        return st;
    for (int g = 0; g < G; g++) {
        cs_analysis_put_double(out.f, r->grid[g]);
        for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
            if (!r->regret[m])
                continue;
            for (int i = 0; i < R; i++)
                col[i] = r->regret[m][(size_t)i * G + g];
            double v[4] = {cs_mean(col, (size_t)R), cs_quantile(col, (size_t)R, 0.25),
                           cs_quantile(col, (size_t)R, 0.5), cs_quantile(col, (size_t)R, 0.75)};
            for (int q = 0; q < 4; q++) {
                fputc('\t', out.f);
                cs_analysis_put_double(out.f, v[q]);
            }
        }
        fputc('\n', out.f);
    }
    return cs_analysis_close(&out, err);
}

/* Every run's final state. */
static cs_status write_final(const opt_labels *lb, const cs_opt_options *o,
                             const cs_opt_results *r, const char *outdir, cs_error *err)
{
    int R = r->runs;
    char what[1024];
    cs_outfile out;
    cs_status st;
    snprintf(what, sizeof what,
             "simulated NAS optimisers: every run's final regret at %.17g simulated %s, "
             "queries charged, and incumbent (class of the space)%s%s",
             o->budget, lb->cost_unit, lb->name_fitness ? "; fitness: " : "",
             lb->name_fitness ? lb->fitness_what : "");
    if ((st = labels_tsv_open(lb, outdir, "optimizers_final.tsv", what,
                                   "method\trun\tfinal_regret\tqueries\tincumbent_class\t"
                                   "incumbent_validation_accuracy\tincumbent_mean_test_accuracy",
                                   &out, err)))
        return st;
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        if (!r->final[m])
            continue;
        for (int i = 0; i < R; i++) {
            const cs_opt_run_result *f = &r->final[m][i];
            fprintf(out.f, "%s\t%d\t", method_names[m], i);
            cs_analysis_put_double(out.f, f->final_regret);
            fprintf(out.f, "\t%llu\t%lld\t", (unsigned long long)f->queries,
                    (long long)f->incumbent);
            cs_analysis_put_double(out.f, f->incumbent_validation);
            fputc('\t', out.f);
            cs_analysis_put_double(out.f, f->incumbent_test);
            fputc('\n', out.f);
        }
    }
    return cs_analysis_close(&out, err);
}

/* The distribution of the final regret: sorted values against the
 * empirical CDF. */
static cs_status write_ecdf(const opt_labels *lb, const cs_opt_results *r,
                            double *const sorted[CS_OPT_NUM_METHODS], const char *outdir,
                            cs_error *err)
{
    int R = r->runs;
    char what[1024], *columns = NULL;
    size_t columns_len = 0;
    cs_outfile out;
    cs_status st;
    FILE *cf = open_memstream(&columns, &columns_len);
    if (!cf)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    fputs("fraction", cf);
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
        if (sorted[m])
            fprintf(cf, "\t%s", method_names[m]);
    fclose(cf);
    snprintf(what, sizeof what,
             "simulated NAS optimisers: empirical CDF of the final regret (row i: fraction "
             "(i+1)/runs of the runs end with at most this regret)%s%s",
             lb->name_fitness ? "; fitness: " : "", lb->name_fitness ? lb->fitness_what : "");
    st = labels_tsv_open(lb, outdir, "optimizers_ecdf.tsv", what, columns, &out, err);
    free(columns);
    if (st)
        return st;
    for (int i = 0; i < R; i++) {
        cs_analysis_put_double(out.f, (double)(i + 1) / R);
        for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
            if (sorted[m]) {
                fputc('\t', out.f);
                cs_analysis_put_double(out.f, sorted[m][i]);
            }
        fputc('\n', out.f);
    }
    return cs_analysis_close(&out, err);
}

/* Headline numbers: optimizers.json. */
static cs_status write_summary(const opt_labels *lb, const cs_opt_options *o,
                               const cs_opt_results *r, double *const sorted[CS_OPT_NUM_METHODS],
                               const char *outdir, cs_error *err)
{
    int R = r->runs;
    cs_jb j;
    cs_status st = cs_jb_init(&j, err);
    if (st)
        return st;
    if (lb->json_fields)
        cs_jb_fields(&j, lb->json_fields);
    if (lb->epochs > 0)
        cs_jb_ki(&j, "epochs", lb->epochs);
    char key[64];
    snprintf(key, sizeof key, "budget_%s", lb->cost_unit);
    cs_jb_kn(&j, key, o->budget);
    cs_jb_ki(&j, "runs", R);
    cs_jb_kn(&j, "best_mean_test_accuracy", r->best_test);
    cs_jb_ki(&j, "best_class", (long long)r->best_class);
    cs_jb_ki(&j, "classes_with_data", (long long)r->classes_with_data);
    cs_jb_ks(&j, "sampler", r->sampler == CS_OPT_SAMPLER_TABLE ? "table" : "rejection");
    cs_jb_key(&j, "settings");
    cs_jb_open(&j, '{');
    cs_jb_ki(&j, "population", o->population);
    cs_jb_ki(&j, "tournament", o->tournament);
    cs_jb_kn(&j, "mutation_rate", o->mutation_rate);
    cs_jb_kn(&j, "learning_rate", o->learning_rate);
    cs_jb_kn(&j, "baseline_momentum", o->momentum);
    cs_jb_close(&j, '}');
    cs_jb_key(&j, "methods");
    cs_jb_open(&j, '{');
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        if (!r->final[m])
            continue;
        double q = 0, found = 0;
        for (int i = 0; i < R; i++) {
            q += (double)r->final[m][i].queries;
            found += r->final[m][i].final_regret == 0;
        }
        cs_jb_key(&j, method_names[m]);
        cs_jb_open(&j, '{');
        cs_jb_ki(&j, "runs", R);
        cs_jb_kn(&j, "median_final_regret", cs_quantile(sorted[m], (size_t)R, 0.5));
        cs_jb_kn(&j, "mean_final_regret", cs_mean(sorted[m], (size_t)R));
        cs_jb_kn(&j, "q25_final_regret", cs_quantile(sorted[m], (size_t)R, 0.25));
        cs_jb_kn(&j, "q75_final_regret", cs_quantile(sorted[m], (size_t)R, 0.75));
        cs_jb_kn(&j, "mean_queries", q / R);
        cs_jb_kn(&j, "fraction_zero_regret", found / R);
        cs_jb_close(&j, '}');
    }
    cs_jb_close(&j, '}');
    if (!(st = cs_jb_finish(&j, err)))
        st = labels_json_write(lb, outdir, j.buf, err);
    cs_jb_free(&j);
    return st;
}

static cs_status write_results(const opt_labels *lb, const cs_opt_options *o,
                               const cs_opt_results *r, const char *outdir, cs_error *err)
{
    int R = r->runs;
    double *col = malloc((size_t)R * sizeof *col), *sorted[CS_OPT_NUM_METHODS] = {NULL};
    cs_status st = CS_OK;
    if (!col) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
        if (r->final[m]) {
            double *fr = malloc((size_t)R * sizeof *fr);
            sorted[m] = malloc((size_t)R * sizeof *sorted[m]);
            if (!fr || !sorted[m]) {
                free(fr);
                st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
                goto out;
            }
            for (int i = 0; i < R; i++)
                fr[i] = r->final[m][i].final_regret;
            cs_sorted_copy(fr, (size_t)R, sorted[m]);
            free(fr);
        }
    if (!(st = write_regret(lb, r, outdir, col, err)) &&
        !(st = write_final(lb, o, r, outdir, err)) &&
        !(st = write_ecdf(lb, r, sorted, outdir, err)))
        st = write_summary(lb, o, r, sorted, outdir, err);
out:
    free(col);
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
        free(sorted[m]);
    return st;
}

cs_status cs_opt_write(const cs_analysis_ctx *ctx, const cs_opt_options *o,
                       const cs_opt_results *r, const char *outdir, cs_error *err)
{
    char test_what[64];
    int epochs = ctx->budget ? ctx->budget : 108;
    snprintf(test_what, sizeof test_what, "mean test accuracy");
    const char *fitness_name = ctx->fitness_name ? ctx->fitness_name : "the caller's fitness";
    /* The default's files stay as they were; a caller's fitness is named. */
    cs_jb fields;
    cs_status st = cs_jb_init(&fields, err);
    if (st)
        return st;
    cs_jb_ks(&fields, "fitness", fitness_name);
    if ((st = cs_jb_finish(&fields, err)))
        return st;
    opt_labels lb = {ctx,
                     true,
                     ctx->data_name,
                     "NAS-Bench-101",
                     "seconds",
                     "NAS-Bench-101 Fig. 7",
                     false,
                     epochs,
                     ctx->fitness ? fitness_name : "validation accuracy",
                     test_what,
                     ctx->fitness ? fields.buf : NULL,
                     ctx->fitness != NULL};
    st = write_results(&lb, o, r, outdir, err);
    cs_jb_free(&fields);
    return st;
}

cs_status cs_opt_write_problem(const cs_analysis_ctx *ctx, const cs_opt_problem *p,
                               const cs_opt_options *o, const cs_opt_results *r,
                               const char *outdir, cs_error *err)
{
    const char *name = p->data_name ? p->data_name : ctx->data_name;
    const char *bench = p->benchmark ? p->benchmark : "benchmark";
    opt_labels lb = {ctx,
                     false,
                     name ? name : "unnamed data",
                     bench,
                     p->cost_unit ? p->cost_unit : "seconds",
                     bench,
                     p->synthetic || ctx->synthetic,
                     p->epochs,
                     p->fitness_what ? p->fitness_what : "validation accuracy",
                     p->score_what ? p->score_what : "mean test accuracy",
                     p->json_fields,
                     ctx->fitness != NULL};
    return write_results(&lb, o, r, outdir, err);
}

cs_status cs_analysis_optimizers_problem(const cs_analysis_ctx *ctx, const cs_opt_problem *p,
                                         const cs_opt_options *o, const char *outdir,
                                         cs_error *err)
{
    cs_opt_results r;
    cs_status st = cs_opt_compute_problem(ctx, p, o, &r, err);
    if (st)
        return st;
    st = cs_opt_write_problem(ctx, p, o, &r, outdir, err);
    cs_opt_results_destroy(&r);
    return st;
}

cs_status cs_analysis_optimizers_with(const cs_analysis_ctx *ctx, const cs_opt_options *o,
                                      const char *outdir, cs_error *err)
{
    cs_opt_results r;
    cs_status st = cs_opt_compute(ctx, o, &r, err);
    if (st)
        return st;
    st = cs_opt_write(ctx, o, &r, outdir, err);
    cs_opt_results_destroy(&r);
    return st;
}

cs_status cs_analysis_optimizers(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    cs_opt_options o;
    cs_opt_options_init(&o);
    if (ctx->optimizer_runs > 0)
        o.runs = ctx->optimizer_runs;
    return cs_analysis_optimizers_with(ctx, &o, outdir, err);
}
