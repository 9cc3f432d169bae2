/* analysis/ simulated NAS optimisers (cs_optimizers.h).
 *
 * The stores are written here (flagged synthetic) for spaces of three and
 * four vertices, with accuracies and training times chosen so that every
 * answer is known: the best mean test accuracy, each repeat's validation
 * accuracy and time (so a query trace can be replayed exactly), and the
 * number of raw encodings of each class (counted here through
 * cs_enum_walk_cell and cs_space_find_cell, not through the
 * cs_space_raw_classes the optimisers use).  Regret curves are recomputed
 * from the traces; the population, mutation and policy mechanics are
 * checked against numbers worked out by hand. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cs_analysis.h"
#include "cs_enum.h"
#include "cs_nb101_row.h"
#include "optimizers_internal.h"
#include "cs_params.h"
#include "cs_space.h"
#include "cs_store.h"
#include "cs_tfrecord.h"

TCase *cs_optimizers_tcase(void);

#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif

/* --- spaces, made once before the tests fork ------------------------------------- */

static cs_space *sp4; /* 4 vertices, 3 ops: 91 classes, 64 x 9 raw encodings */
static cs_space *sp3; /* 3 vertices, 2 edges, 1 op: IO and I-conv3x3-O */

static void spaces_setup(void)
{
    cs_enum_options eo;
    cs_error err;
    cs_enum_options_init(&eo);
    eo.threads = 1;
    eo.limits.max_vertices = 4;
    if (cs_space_build(&sp4, &eo, &err) != CS_OK) {
        fprintf(stderr, "4-vertex space: %s\n", err.msg);
        sp4 = NULL;
    }
    eo.limits.max_vertices = 3;
    eo.limits.max_edges = 2;
    eo.limits.num_ops = 1;
    if (cs_space_build(&sp3, &eo, &err) != CS_OK) {
        fprintf(stderr, "3-vertex space: %s\n", err.msg);
        sp3 = NULL;
    }
}

static void spaces_teardown(void)
{
    cs_space_destroy(sp4);
    cs_space_destroy(sp3);
    sp4 = sp3 = NULL;
}

/* --- synthetic stores ----------------------------------------------------------------- */

/* Per class: three repeats' validation and test accuracy and training time;
 * val[c][0] NaN leaves the class out of the store. */
typedef struct data {
    size_t n;
    double (*val)[3], (*test)[3], (*time)[3];
} data;

static void data_init(data *d, const cs_space *sp)
{
    d->n = cs_space_num_classes(sp);
    d->val = malloc(d->n * sizeof *d->val);
    d->test = malloc(d->n * sizeof *d->test);
    d->time = malloc(d->n * sizeof *d->time);
    ck_assert(d->val && d->test && d->time);
    for (size_t c = 0; c < d->n; c++)
        for (int r = 0; r < 3; r++)
            d->val[c][r] = d->test[c][r] = d->time[c][r] = NAN;
}

static void data_destroy(data *d)
{
    free(d->val);
    free(d->test);
    free(d->time);
}

static bool has(const data *d, size_t c) { return !isnan(d->val[c][0]); }

static double mean_test(const data *d, size_t c)
{
    double s = 0;
    for (int r = 0; r < 3; r++)
        s += d->test[c][r];
    return s / 3;
}

static double best_test(const data *d, int64_t *best)
{
    double b = -1;
    for (size_t c = 0; c < d->n; c++)
        if (has(d, c) && mean_test(d, c) > b) {
            b = mean_test(d, c);
            *best = (int64_t)c;
        }
    return b;
}

/* The 4-vertex data: class c's mean test accuracy 0.80 + 0.001 * (37c mod
 * 91), distinct for the 91 classes (37 is prime to 91); validation repeats
 * at -0.002, 0, +0.002 around it; times 150 + c + 10r seconds (no result
 * before 150 s).  keep(c) says which classes have data. */
static void data4(data *d, bool (*keep)(size_t c))
{
    data_init(d, sp4);
    for (size_t c = 0; c < d->n; c++) {
        if (keep && !keep(c))
            continue;
        double m = 0.80 + 0.001 * (double)((37 * c) % 91);
        for (int r = 0; r < 3; r++) {
            d->test[c][r] = m;
            d->val[c][r] = m + 0.002 * (r - 1);
            d->time[c][r] = 150.0 + (double)c + 10.0 * r;
        }
    }
}

static bool every_third(size_t c) { return c % 3 == 0; }

static bool data_run(void *user, size_t c, int r, cs_test_metrics *out)
{
    const data *d = user;
    if (!has(d, c))
        return false;
    *out = (cs_test_metrics){d->val[c][r], d->test[c][r], d->time[c][r]};
    return true;
}

static void write_store(const cs_space *sp, const data *d, int epochs, char *path, size_t size)
{
    cs_test_write_store(sp, epochs, data_run, (void *)(uintptr_t)d, "optimizers-test", path,
                        size);
}

/* A store opened with its analysis context. */
typedef struct bench {
    char path[4200];
    cs_store *store;
    cs_analysis_ctx ctx;
} bench;

static void bench_open(bench *b, const cs_space *sp, const data *d, int epochs, uint64_t seed)
{
    cs_error err;
    write_store(sp, d, epochs, b->path, sizeof b->path);
    ck_assert_msg(cs_store_open(&b->store, b->path, &err) == CS_OK, "%s", err.msg);
    memset(&b->ctx, 0, sizeof b->ctx);
    b->ctx.data_name = "optimizer test store";
    b->ctx.seed = seed;
    b->ctx.threads = 2;
    ck_assert_msg(cs_analysis_ctx_init(&b->ctx, sp, b->store, &err) == CS_OK, "%s", err.msg);
}

static void bench_close(bench *b)
{
    cs_analysis_ctx_destroy(&b->ctx);
    cs_store_close(b->store);
    unlink(b->path);
}

static void small_options(cs_opt_options *o, int runs, double budget, int grid)
{
    cs_opt_options_init(o);
    o->runs = runs;
    o->budget = budget;
    o->grid_points = grid;
    o->grid_min = 100;
    o->threads = 2;
}

/* --- regret ------------------------------------------------------------------------------ */

/* Random search on all 91 classes: the optimum is known, the regret is never
 * negative, is the best accuracy itself before the first result (150 s at
 * the earliest), and reaches 0 with enough budget: the best class's +0.002
 * repeat beats every other repeat's validation accuracy. */
START_TEST(test_random_reaches_zero)
{
    ck_assert(sp4 != NULL);
    data d;
    data4(&d, NULL);
    int64_t best_c = -1;
    double best = best_test(&d, &best_c);
    ck_assert_double_eq_tol(best, 0.89, 1e-12); /* 0.80 + 0.001 * 90 */
    bench b;
    bench_open(&b, sp4, &d, 108, 7);
    cs_opt_options o;
    small_options(&o, 12, 2e6, 40);
    o.methods = 1u << CS_OPT_RANDOM;
    cs_opt_results r;
    cs_error err;
    ck_assert_msg(cs_opt_compute(&b.ctx, &o, &r, &err) == CS_OK, "%s", err.msg);
    ck_assert(r.best_test == best);
    ck_assert_int_eq(r.best_class, best_c);
    ck_assert_uint_eq(r.classes_with_data, 91);
    ck_assert_int_eq(r.sampler, CS_OPT_SAMPLER_REJECT); /* full coverage: no table */
    ck_assert(r.grid[0] == 100 && r.grid[39] == 2e6);
    for (int i = 0; i < o.runs; i++) {
        const double *g = r.regret[CS_OPT_RANDOM] + (size_t)i * 40;
        ck_assert(g[0] == best); /* nothing known at 100 s */
        for (int k = 0; k < 40; k++)
            ck_assert(g[k] >= 0);
        ck_assert(g[39] == 0);
        ck_assert(r.final[CS_OPT_RANDOM][i].final_regret == 0);
        ck_assert_int_eq(r.final[CS_OPT_RANDOM][i].incumbent, best_c);
        ck_assert(r.final[CS_OPT_RANDOM][i].incumbent_validation == d.val[best_c][2]);
        /* 2e6 s of queries of 150 to 260 s each */
        ck_assert(r.final[CS_OPT_RANDOM][i].queries > 2e6 / 261);
        ck_assert(r.final[CS_OPT_RANDOM][i].queries < 2e6 / 150 + 1);
    }
    cs_opt_results_destroy(&r);
    bench_close(&b);
    data_destroy(&d);
}
END_TEST

/* Replay a run's trace against the data: every query returns one of the
 * class's repeats (validation and time), times add up exactly, the grid
 * regrets are what the incumbent (best validation so far, strictly better
 * replaces it) gives, and nothing is charged past the budget. */
static void check_trace(const cs_opt_bench *ob, const data *d, const cs_opt_options *o,
                        cs_opt_method m, const cs_opt_trace *tr, const double *grid_regret,
                        const cs_opt_run_result *res)
{
    int64_t bc;
    double best = best_test(d, &bc);
    double now = 0;
    for (size_t i = 0; i < tr->n; i++) {
        int64_t c = tr->q[i].cls;
        ck_assert(c >= 0 && (size_t)c < d->n && has(d, (size_t)c));
        int r = -1;
        for (int k = 0; k < 3; k++)
            if (d->val[c][k] == tr->q[i].validation)
                r = k;
        ck_assert_msg(r >= 0, "query %zu of %s: not a repeat of class %lld", i,
                      cs_opt_method_name(m), (long long)c);
        now += d->time[c][r];
        ck_assert(tr->q[i].time == now);
    }
    ck_assert(now <= o->budget);
    ck_assert_uint_eq(res->queries, tr->n);
    const double *grid = cs_opt_bench_grid(ob);
    size_t qi = 0;
    int64_t inc = -1;
    double inc_val = -INFINITY;
    for (int g = 0; g < o->grid_points; g++) {
        while (qi < tr->n && tr->q[qi].time <= grid[g]) {
            if (tr->q[qi].validation > inc_val) {
                inc_val = tr->q[qi].validation;
                inc = tr->q[qi].cls;
            }
            qi++;
        }
        double want = inc < 0 ? best : best - mean_test(d, (size_t)inc);
        ck_assert_msg(grid_regret[g] == want, "%s grid %d: %.17g, want %.17g",
                      cs_opt_method_name(m), g, grid_regret[g], want);
        ck_assert(grid_regret[g] >= 0);
    }
    ck_assert_int_eq(res->incumbent, inc);
    ck_assert(res->final_regret == (inc < 0 ? best : best - mean_test(d, (size_t)inc)));
}

static void trace_all_methods(const data *d, cs_opt_sampler sampler, double budget)
{
    bench b;
    bench_open(&b, sp4, d, 108, 11);
    cs_opt_options o;
    small_options(&o, 1, budget, 60);
    o.population = 8;
    o.tournament = 3;
    o.sampler = sampler;
    cs_opt_bench *ob;
    cs_error err;
    ck_assert_msg(cs_opt_bench_init(&ob, &b.ctx, &o, &err) == CS_OK, "%s", err.msg);
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
        for (uint64_t run = 0; run < 3; run++) {
            cs_opt_trace tr = {0};
            double grid[60];
            cs_opt_run_result res;
            ck_assert_msg(cs_opt_run(ob, (cs_opt_method)m, run, grid, &res, &tr, &err) == CS_OK,
                          "%s", err.msg);
            ck_assert(tr.n > 0);
            check_trace(ob, d, &o, (cs_opt_method)m, &tr, grid, &res);
            if (m == CS_OPT_LOCAL) /* each class at most once */
                for (size_t i = 0; i < tr.n; i++)
                    for (size_t j = i + 1; j < tr.n; j++)
                        ck_assert(tr.q[i].cls != tr.q[j].cls);
            cs_opt_trace_destroy(&tr);
        }
    cs_opt_bench_destroy(ob);
    bench_close(&b);
}

START_TEST(test_trace_replay_full)
{
    ck_assert(sp4 != NULL);
    data d;
    data4(&d, NULL);
    trace_all_methods(&d, CS_OPT_SAMPLER_AUTO, 2e4);
    data_destroy(&d);
}
END_TEST

/* A third of the classes have data: only those are ever queried, with the
 * table sampler and with rejection. */
START_TEST(test_trace_replay_partial)
{
    ck_assert(sp4 != NULL);
    data d;
    data4(&d, every_third);
    trace_all_methods(&d, CS_OPT_SAMPLER_TABLE, 2e4);
    trace_all_methods(&d, CS_OPT_SAMPLER_REJECT, 2e4);
    data_destroy(&d);
}
END_TEST

/* Local search with budget to spare queries every class with data exactly
 * once, then stops; its incumbent is the best validation it saw. */
START_TEST(test_local_search_exhausts)
{
    ck_assert(sp4 != NULL);
    data d;
    data4(&d, every_third);
    bench b;
    bench_open(&b, sp4, &d, 108, 3);
    cs_opt_options o;
    small_options(&o, 1, 1e7, 10);
    cs_opt_bench *ob;
    cs_error err;
    ck_assert_msg(cs_opt_bench_init(&ob, &b.ctx, &o, &err) == CS_OK, "%s", err.msg);
    ck_assert_int_eq(cs_opt_bench_sampler(ob), CS_OPT_SAMPLER_TABLE); /* 31 of 91: auto */
    for (uint64_t run = 0; run < 4; run++) {
        cs_opt_trace tr = {0};
        cs_opt_run_result res;
        ck_assert(cs_opt_run(ob, CS_OPT_LOCAL, run, NULL, &res, &tr, &err) == CS_OK);
        ck_assert_uint_eq(res.queries, 31);
        bool seen[91] = {false};
        double top = -1;
        for (size_t i = 0; i < tr.n; i++) {
            ck_assert(!seen[tr.q[i].cls]);
            seen[tr.q[i].cls] = true;
            if (tr.q[i].validation > top)
                top = tr.q[i].validation;
        }
        ck_assert(res.incumbent_validation == top);
        cs_opt_trace_destroy(&tr);
    }
    cs_opt_bench_destroy(ob);
    bench_close(&b);
    data_destroy(&d);
}
END_TEST

/* --- determinism --------------------------------------------------------------------------- */

START_TEST(test_thread_count_and_seed)
{
    ck_assert(sp4 != NULL);
    data d;
    data4(&d, NULL);
    bench b;
    bench_open(&b, sp4, &d, 108, 42);
    cs_opt_options o;
    small_options(&o, 9, 3e4, 30);
    o.population = 10;
    o.tournament = 4;
    cs_opt_results r1, r3, r1b;
    cs_error err;
    o.threads = 1;
    ck_assert_msg(cs_opt_compute(&b.ctx, &o, &r1, &err) == CS_OK, "%s", err.msg);
    ck_assert(cs_opt_compute(&b.ctx, &o, &r1b, &err) == CS_OK);
    o.threads = 3;
    ck_assert(cs_opt_compute(&b.ctx, &o, &r3, &err) == CS_OK);
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        size_t cells = (size_t)o.runs * (size_t)o.grid_points;
        ck_assert(memcmp(r1.regret[m], r3.regret[m], cells * sizeof(double)) == 0);
        ck_assert(memcmp(r1.regret[m], r1b.regret[m], cells * sizeof(double)) == 0);
        for (int i = 0; i < o.runs; i++) {
            ck_assert(r1.final[m][i].final_regret == r3.final[m][i].final_regret);
            ck_assert_uint_eq(r1.final[m][i].queries, r3.final[m][i].queries);
            ck_assert_int_eq(r1.final[m][i].incumbent, r3.final[m][i].incumbent);
        }
    }
    /* Another seed: other runs (query counts differ somewhere). */
    b.ctx.seed = 43;
    cs_opt_results r2;
    ck_assert(cs_opt_compute(&b.ctx, &o, &r2, &err) == CS_OK);
    int differ = 0;
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
        for (int i = 0; i < o.runs; i++)
            differ += r1.final[m][i].queries != r2.final[m][i].queries;
    ck_assert_int_gt(differ, 0);
    cs_opt_results_destroy(&r1);
    cs_opt_results_destroy(&r1b);
    cs_opt_results_destroy(&r2);
    cs_opt_results_destroy(&r3);
    bench_close(&b);
    data_destroy(&d);
}
END_TEST

/* --- regularized evolution ------------------------------------------------------------------ */

static cs_opt_member member(double v)
{
    cs_opt_member m;
    memset(&m, 0, sizeof m);
    m.validation = v;
    return m;
}

START_TEST(test_population_aging_by_hand)
{
    cs_opt_population p;
    cs_error err;
    ck_assert(cs_opt_population_init(&p, 3, &err) == CS_OK);
    cs_rng rng;
    cs_rng_seed(&rng, 5);
    cs_opt_member a = member(0.9), b = member(0.1), c = member(0.2), d = member(0.05);
    cs_opt_population_add(&p, &a);
    cs_opt_population_add(&p, &b);
    cs_opt_population_add(&p, &c);
    ck_assert_uint_eq(p.size, 3);
    /* A tournament of the whole population: the best (0.9, the oldest). */
    ck_assert_uint_eq(cs_opt_population_tournament(&p, 3, &rng), 0);
    /* The child enters, the oldest dies although it is the best. */
    cs_opt_population_add(&p, &d);
    ck_assert_uint_eq(p.size, 3);
    ck_assert(cs_opt_population_age(&p, 0)->validation == 0.1);
    ck_assert(cs_opt_population_age(&p, 1)->validation == 0.2);
    ck_assert(cs_opt_population_age(&p, 2)->validation == 0.05);
    ck_assert_uint_eq(cs_opt_population_tournament(&p, 3, &rng), 1);
    /* Tournaments of 2 out of {0.1, 0.2, 0.05}, distinct members: 0.2 wins
     * unless {0.1, 0.05} is drawn (1 pair in 3); 0.05 never wins (it would
     * 1 time in 9 with replacement).  One member: uniform. */
    int wins[3] = {0, 0, 0}, ones[3] = {0, 0, 0};
    const int N = 30000;
    for (int i = 0; i < N; i++) {
        wins[cs_opt_population_tournament(&p, 2, &rng)]++;
        ones[cs_opt_population_tournament(&p, 1, &rng)]++;
    }
    ck_assert_int_eq(wins[2], 0);
    ck_assert_double_eq_tol((double)wins[0] / N, 1.0 / 3, 0.015);
    ck_assert_double_eq_tol((double)wins[1] / N, 2.0 / 3, 0.015);
    for (int k = 0; k < 3; k++)
        ck_assert_double_eq_tol((double)ones[k] / N, 1.0 / 3, 0.015);
    /* Ties go to the youngest: two members of 0.7, the later one wins. */
    cs_opt_member e = member(0.7), f = member(0.7);
    cs_opt_population_add(&p, &e); /* ages: 0.2, 0.05, 0.7 */
    cs_opt_population_add(&p, &f); /* ages: 0.05, 0.7, 0.7 */
    ck_assert_uint_eq(cs_opt_population_tournament(&p, 3, &rng), 2);
    cs_opt_population_destroy(&p);
}
END_TEST

/* The example code's mutation: each of the 21 edge slots flips with
 * probability 1/7, each of the 5 interior ops changes with probability 1/5
 * to one of the two OTHER ops, uniformly; rate 0 changes nothing. */
START_TEST(test_mutation_rates)
{
    cs_rng rng;
    cs_rng_seed(&rng, 99);
    const int N = 100000;
    int flips[21] = {0}, changed[5] = {0}, to[5][3] = {{0}};
    cs_opt_encoding parent = {UINT64_C(0x15555), 0}, child;
    parent.labelling = 1 * 81 + 2 * 27 + 0 * 9 + 1 * 3 + 2; /* ops 1,2,0,1,2 */
    const int old[5] = {1, 2, 0, 1, 2};
    for (int i = 0; i < N; i++) {
        cs_opt_mutate_raw(7, 3, 1.0, &rng, &parent, &child);
        for (int s = 0; s < 21; s++)
            flips[s] += (int)((parent.bits ^ child.bits) >> s & 1);
        ck_assert((child.bits >> 21) == 0);
        uint32_t t = child.labelling;
        for (int v = 4; v >= 0; v--) {
            int op = (int)(t % 3);
            t /= 3;
            if (op != old[v]) {
                changed[v]++;
                to[v][op]++;
            }
        }
    }
    for (int s = 0; s < 21; s++) /* sd of the frequency: 0.0011 */
        ck_assert_double_eq_tol((double)flips[s] / N, 1.0 / 7, 0.0055);
    for (int v = 0; v < 5; v++) {
        ck_assert_double_eq_tol((double)changed[v] / N, 0.2, 0.0065);
        for (int op = 0; op < 3; op++)
            if (op != old[v])
                ck_assert_double_eq_tol((double)to[v][op] / changed[v], 0.5, 0.02);
    }
    for (int i = 0; i < 1000; i++) {
        cs_opt_mutate_raw(7, 3, 0.0, &rng, &parent, &child);
        ck_assert(child.bits == parent.bits && child.labelling == parent.labelling);
    }
}
END_TEST

/* --- REINFORCE -------------------------------------------------------------------------------- */

/* Two updates of a two-choice policy (learning rate 0.1, momentum 0.9):
 * 1. choice 0, reward 0: the baseline is 0.1 * 0 / 0.1 = 0, advantage 0,
 *    nothing moves;
 * 2. choice 1, reward 1: baseline (0.09 * 0 + 0.1 * 1) / 0.19, advantage
 *    1 - 0.1 / 0.19 = 0.09 / 0.19; logits move by +-0.1 * adv * 0.5.
 * Then a three-choice decision: the gradient is (-1/3, -1/3, 2/3). */
START_TEST(test_reinforce_update_by_hand)
{
    cs_opt_policy p;
    cs_error err;
    int two = 2;
    ck_assert(cs_opt_policy_init(&p, 1, &two, 0.1, 0.9, &err) == CS_OK);
    int c0 = 0, c1 = 1;
    ck_assert(cs_opt_policy_update(&p, &c0, 0.0) == 0.0);
    ck_assert(p.logits[0] == 0 && p.logits[1] == 0);
    double adv = cs_opt_policy_update(&p, &c1, 1.0);
    ck_assert_double_eq_tol(adv, 0.09 / 0.19, 1e-15);
    double l = 0.1 * (0.09 / 0.19) * 0.5;
    ck_assert_double_eq_tol(p.logits[1], l, 1e-15);
    ck_assert_double_eq_tol(p.logits[0], -l, 1e-15);
    ck_assert_double_eq_tol(cs_opt_policy_prob(&p, 0, 1), 1 / (1 + exp(-2 * l)), 1e-15);
    /* Logits (0, log 4): choice 1 with probability 4/5. */
    p.logits[0] = 0;
    p.logits[1] = log(4.0);
    ck_assert_double_eq_tol(cs_opt_policy_prob(&p, 0, 1), 0.8, 1e-15);
    cs_rng rng;
    cs_rng_seed(&rng, 12);
    int ones = 0, ch;
    for (int i = 0; i < 20000; i++) {
        cs_opt_policy_sample(&p, &rng, &ch);
        ones += ch;
    }
    ck_assert_double_eq_tol(ones / 20000.0, 0.8, 0.012); /* sd 0.0028 */
    cs_opt_policy_destroy(&p);

    int three = 3, c2 = 2;
    ck_assert(cs_opt_policy_init(&p, 1, &three, 0.5, 0.0, &err) == CS_OK);
    /* momentum 0: the baseline is the reward itself, no step ever */
    ck_assert(cs_opt_policy_update(&p, &c2, 0.7) == 0.0);
    cs_opt_policy_destroy(&p);
    ck_assert(cs_opt_policy_init(&p, 1, &three, 0.5, 0.5, &err) == CS_OK);
    cs_opt_policy_update(&p, &c2, 0.0); /* baseline 0 */
    adv = cs_opt_policy_update(&p, &c2, 1.0);
    /* num 0.5, den 0.75: baseline 2/3, advantage 1/3 */
    ck_assert_double_eq_tol(adv, 1.0 / 3, 1e-15);
    ck_assert_double_eq_tol(p.logits[0], -0.5 / 3 / 3, 1e-15);
    ck_assert_double_eq_tol(p.logits[1], -0.5 / 3 / 3, 1e-15);
    ck_assert_double_eq_tol(p.logits[2], 0.5 / 3 * 2 / 3, 1e-15);
    cs_opt_policy_destroy(&p);
}
END_TEST

/* The two-cell toy: 3 vertices, one op, at most 2 edges.  The raw encodings
 * are 3 edge bits (0->1, 0->2, 1->2): of the 8, IO is {0->2}, {0->1, 0->2},
 * {0->2, 1->2}; the chain is {0->1, 1->2}; the rest are disconnected or
 * have 3 edges.  Under the uniform starting policy a valid sample is the
 * chain 1 time in 4.  With the chain far better, REINFORCE must end up
 * drawing it nearly always. */
static void toy(cs_opt_sampler sampler)
{
    ck_assert(sp3 != NULL);
    ck_assert_uint_eq(cs_space_num_classes(sp3), 2);
    cs_spec s;
    cs_error err;
    ck_assert(cs_spec_parse(&s, "I3O:101", 7, &err) == CS_OK);
    int64_t chain = cs_space_find_cell(sp3, &s.pruned);
    ck_assert(cs_spec_parse(&s, "IO:1", 4, &err) == CS_OK);
    int64_t io = cs_space_find_cell(sp3, &s.pruned);
    ck_assert(chain >= 0 && io >= 0 && chain != io);
    data d;
    data_init(&d, sp3);
    for (int r = 0; r < 3; r++) {
        d.val[chain][r] = d.test[chain][r] = 0.9 + 0.001 * r;
        d.val[io][r] = d.test[io][r] = 0.5 + 0.001 * r;
        d.time[chain][r] = d.time[io][r] = 100;
    }
    bench b;
    bench_open(&b, sp3, &d, 108, 1);
    cs_opt_options o;
    small_options(&o, 1, 3e5, 10);
    o.sampler = sampler;
    cs_opt_bench *ob;
    ck_assert_msg(cs_opt_bench_init(&ob, &b.ctx, &o, &err) == CS_OK, "%s", err.msg);
    ck_assert_int_eq(cs_opt_bench_sampler(ob),
                     sampler == CS_OPT_SAMPLER_TABLE ? CS_OPT_SAMPLER_TABLE
                                                     : CS_OPT_SAMPLER_REJECT);
    for (uint64_t run = 0; run < 3; run++) {
        cs_opt_trace tr = {0};
        cs_opt_run_result res;
        ck_assert(cs_opt_run(ob, CS_OPT_REINFORCE, run, NULL, &res, &tr, &err) == CS_OK);
        ck_assert_uint_eq(tr.n, 3000);
        int late = 0;
        for (size_t i = tr.n - 500; i < tr.n; i++)
            late += tr.q[i].cls == chain;
        ck_assert_msg(late > 475, "chain drawn %d times in the last 500 queries", late);
        ck_assert(res.final_regret == 0);
        cs_opt_trace_destroy(&tr);
    }
    cs_opt_bench_destroy(ob);
    /* The first query of a run comes from the uniform policy: the chain 1
     * time in 4 (400 runs of one query: 100, sd 8.7). */
    small_options(&o, 1, 150, 10); /* room for one 100 s query */
    o.sampler = sampler;
    ck_assert(cs_opt_bench_init(&ob, &b.ctx, &o, &err) == CS_OK);
    int first = 0;
    for (uint64_t run = 0; run < 400; run++) {
        cs_opt_trace tr = {0};
        cs_opt_run_result res;
        ck_assert(cs_opt_run(ob, CS_OPT_REINFORCE, run, NULL, &res, &tr, &err) == CS_OK);
        ck_assert_uint_eq(tr.n, 1);
        first += tr.q[0].cls == chain;
        cs_opt_trace_destroy(&tr);
    }
    ck_assert_msg(first > 60 && first < 140, "chain first %d times in 400 runs", first);
    cs_opt_bench_destroy(ob);
    bench_close(&b);
    data_destroy(&d);
}

START_TEST(test_reinforce_toy_reject) { toy(CS_OPT_SAMPLER_REJECT); }
END_TEST

START_TEST(test_reinforce_toy_table) { toy(CS_OPT_SAMPLER_TABLE); }
END_TEST

/* A result is known at the moment its training ends: with 100 s runs, a
 * grid from 100 s and a budget of 1000 s, the first query counts at the
 * first grid time and the tenth, ending exactly at the budget, counts. */
START_TEST(test_result_known_when_it_ends)
{
    ck_assert(sp3 != NULL);
    data d;
    data_init(&d, sp3);
    for (size_t c = 0; c < 2; c++)
        for (int r = 0; r < 3; r++) {
            d.val[c][r] = 0.6 + 0.1 * (double)c + 0.01 * r;
            d.test[c][r] = 0.5 + 0.2 * (double)c;
            d.time[c][r] = 100;
        }
    bench b;
    bench_open(&b, sp3, &d, 108, 8);
    cs_opt_options o;
    small_options(&o, 1, 1000, 10);
    cs_opt_bench *ob;
    cs_error err;
    ck_assert(cs_opt_bench_init(&ob, &b.ctx, &o, &err) == CS_OK);
    ck_assert(cs_opt_bench_grid(ob)[0] == 100 && cs_opt_bench_grid(ob)[9] == 1000);
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        cs_opt_trace tr = {0};
        double grid[10];
        cs_opt_run_result res;
        ck_assert(cs_opt_run(ob, (cs_opt_method)m, 0, grid, &res, &tr, &err) == CS_OK);
        if (m == CS_OPT_LOCAL) { /* two classes, each queried once */
            ck_assert_uint_eq(tr.n, 2);
        } else {
            ck_assert_uint_eq(tr.n, 10);
            ck_assert(tr.q[9].time == 1000);
        }
        ck_assert(tr.q[0].time == 100);
        ck_assert(grid[0] < 0.7); /* the first result is in */
        check_trace(ob, &d, &o, (cs_opt_method)m, &tr, grid, &res);
        cs_opt_trace_destroy(&tr);
    }
    cs_opt_bench_destroy(ob);
    bench_close(&b);
    data_destroy(&d);
}
END_TEST

/* --- random draws are uniform over the valid encodings with data -------------------------- */

static void uniform_draws(cs_opt_sampler sampler)
{
    ck_assert(sp4 != NULL);
    data d;
    data4(&d, every_third);
    for (size_t c = 0; c < d.n; c++)
        if (has(&d, c))
            for (int r = 0; r < 3; r++)
                d.time[c][r] = 1.0;
    /* Encodings per class, through the walk and the canonical form. */
    double count[91] = {0}, total = 0;
    for (uint64_t bits = 0; bits < 64; bits++)
        for (uint32_t t = 0; t < 9; t++) {
            cs_cell cell;
            cs_enum_walk_cell(4, bits, t, 3, &cell);
            int64_t c = cs_space_find_cell(sp4, &cell);
            if (c >= 0 && has(&d, (size_t)c)) {
                count[c]++;
                total++;
            }
        }
    ck_assert(total > 0);
    bench b;
    bench_open(&b, sp4, &d, 108, 2024);
    cs_opt_options o;
    const int N = 40000;
    small_options(&o, 1, N, 10);
    o.sampler = sampler;
    cs_opt_bench *ob;
    cs_error err;
    ck_assert(cs_opt_bench_init(&ob, &b.ctx, &o, &err) == CS_OK);
    ck_assert_int_eq(cs_opt_bench_sampler(ob), sampler);
    cs_opt_trace tr = {0};
    cs_opt_run_result res;
    ck_assert(cs_opt_run(ob, CS_OPT_RANDOM, 0, NULL, &res, &tr, &err) == CS_OK);
    ck_assert_uint_eq(tr.n, (size_t)N);
    double seen[91] = {0};
    for (size_t i = 0; i < tr.n; i++)
        seen[tr.q[i].cls]++;
    double chi2 = 0;
    int k = 0;
    for (int c = 0; c < 91; c++) {
        if (!count[c]) {
            ck_assert(seen[c] == 0);
            continue;
        }
        double e = N * count[c] / total;
        chi2 += (seen[c] - e) * (seen[c] - e) / e;
        k++;
    }
    /* chi-square with k - 1 degrees of freedom: mean k-1, sd sqrt(2(k-1)) */
    ck_assert_msg(chi2 < (k - 1) + 6 * sqrt(2.0 * (k - 1)), "chi2 %g over %d classes", chi2, k);
    cs_opt_trace_destroy(&tr);
    cs_opt_bench_destroy(ob);
    bench_close(&b);
    data_destroy(&d);
}

START_TEST(test_uniform_reject) { uniform_draws(CS_OPT_SAMPLER_REJECT); }
END_TEST

START_TEST(test_uniform_table) { uniform_draws(CS_OPT_SAMPLER_TABLE); }
END_TEST

/* --- errors ----------------------------------------------------------------------------------- */

START_TEST(test_errors)
{
    ck_assert(sp4 != NULL);
    cs_opt_options o;
    cs_opt_results r;
    cs_error err;
    cs_analysis_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.data_name = "none";
    ck_assert(cs_analysis_ctx_init(&ctx, sp4, NULL, &err) == CS_OK);
    small_options(&o, 2, 1e4, 10);
    ck_assert_int_eq(cs_opt_compute(&ctx, &o, &r, &err), CS_ERR_ARG);
    cs_analysis_ctx_destroy(&ctx);

    data d;
    data4(&d, NULL);
    bench b;
    bench_open(&b, sp4, &d, 36, 0); /* no 108-epoch runs */
    ck_assert_int_eq(cs_opt_compute(&b.ctx, &o, &r, &err), CS_ERR_NOTFOUND);
    ck_assert(strstr(err.msg, "108") != NULL);
    bench_close(&b);

    bench_open(&b, sp4, &d, 108, 0);
    o.tournament = o.population + 1;
    ck_assert_int_eq(cs_opt_compute(&b.ctx, &o, &r, &err), CS_ERR_ARG);
    small_options(&o, 2, 1e4, 10);
    o.grid_min = o.budget;
    ck_assert_int_eq(cs_opt_compute(&b.ctx, &o, &r, &err), CS_ERR_ARG);
    small_options(&o, 2, 1e4, 10);
    o.methods = 0;
    ck_assert_int_eq(cs_opt_compute(&b.ctx, &o, &r, &err), CS_ERR_ARG);
    bench_close(&b);

    d.time[5][1] = 0; /* a run that took no time: a run could never end */
    bench_open(&b, sp4, &d, 108, 0);
    small_options(&o, 2, 1e4, 10);
    ck_assert_int_eq(cs_opt_compute(&b.ctx, &o, &r, &err), CS_ERR_FORMAT);
    ck_assert(strstr(err.msg, "training time") != NULL);
    bench_close(&b);
    data_destroy(&d);
}
END_TEST

/* --- the files ---------------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's default ("linear") quantile of sorted values */
static double quantile_sorted(const double *s, int n, double q)
{
    double h = (n - 1) * q;
    int lo = (int)floor(h);
    if (lo >= n - 1)
        return s[n - 1];
    return s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

/* Next non-comment line of f into buf (without the newline); false at EOF. */
static bool data_line(FILE *f, char *buf, size_t size)
{
    while (fgets(buf, (int)size, f)) {
        if (buf[0] == '#')
            continue;
        buf[strcspn(buf, "\n")] = '\0';
        return true;
    }
    return false;
}

START_TEST(test_output_files)
{
    ck_assert(sp4 != NULL);
    data d;
    data4(&d, NULL);
    bench b;
    bench_open(&b, sp4, &d, 108, 77);
    cs_opt_options o;
    const int R = 7, G = 12;
    small_options(&o, R, 5e4, G);
    o.population = 10;
    o.tournament = 3;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/optimizers-out.XXXXXX", CS_TEST_TMPDIR);
    ck_assert(mkdtemp(dir) != NULL);
    cs_error err;
    ck_assert_msg(cs_analysis_optimizers_with(&b.ctx, &o, dir, &err) == CS_OK, "%s", err.msg);
    cs_opt_results r; /* the same runs again (determinism is tested above) */
    ck_assert(cs_opt_compute(&b.ctx, &o, &r, &err) == CS_OK);

    char path[4200], line[8192];
    snprintf(path, sizeof path, "%s/optimizers_regret.tsv", dir);
    FILE *f = fopen(path, "r");
    ck_assert(f != NULL);
    ck_assert(fgets(line, sizeof line, f) && line[0] == '#');
    ck_assert(fgets(line, sizeof line, f) && strstr(line, "SYNTHETIC") != NULL);
    ck_assert(data_line(f, line, sizeof line));
    ck_assert_str_eq(line, "time_s\trandom_mean\trandom_q25\trandom_median\trandom_q75\t"
                           "evolution_mean\tevolution_q25\tevolution_median\tevolution_q75\t"
                           "local_mean\tlocal_q25\tlocal_median\tlocal_q75\t"
                           "reinforce_mean\treinforce_q25\treinforce_median\treinforce_q75");
    double col[7], sorted[7];
    for (int g = 0; g < G; g++) {
        ck_assert(data_line(f, line, sizeof line));
        char *p = line;
        ck_assert(strtod(p, &p) == r.grid[g]);
        for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
            double sum = 0;
            for (int i = 0; i < R; i++)
                sum += col[i] = r.regret[m][(size_t)i * G + g];
            memcpy(sorted, col, sizeof col);
            qsort(sorted, R, sizeof *sorted, cmp_double);
            double want[4] = {sum / R, quantile_sorted(sorted, R, 0.25),
                              quantile_sorted(sorted, R, 0.5), quantile_sorted(sorted, R, 0.75)};
            for (int q = 0; q < 4; q++) {
                double v = strtod(p, &p);
                ck_assert_double_eq_tol(v, want[q], 1e-12);
            }
        }
        ck_assert_int_eq(*p, '\0');
    }
    ck_assert(!data_line(f, line, sizeof line));
    fclose(f);

    snprintf(path, sizeof path, "%s/optimizers_final.tsv", dir);
    f = fopen(path, "r");
    ck_assert(f != NULL);
    ck_assert(data_line(f, line, sizeof line));
    ck_assert_str_eq(line, "method\trun\tfinal_regret\tqueries\tincumbent_class\t"
                           "incumbent_validation_accuracy\tincumbent_mean_test_accuracy");
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
        for (int i = 0; i < R; i++) {
            ck_assert(data_line(f, line, sizeof line));
            char name[32];
            int run;
            double regret, val, test;
            unsigned long long q;
            long long inc;
            ck_assert_int_eq(sscanf(line, "%31s %d %lf %llu %lld %lf %lf", name, &run, &regret,
                                    &q, &inc, &val, &test),
                             7);
            ck_assert_str_eq(name, cs_opt_method_name((cs_opt_method)m));
            ck_assert_int_eq(run, i);
            ck_assert(regret == r.final[m][i].final_regret);
            ck_assert_uint_eq(q, r.final[m][i].queries);
            ck_assert_int_eq(inc, r.final[m][i].incumbent);
            ck_assert(test == mean_test(&d, (size_t)inc));
            ck_assert(regret == r.best_test - test);
        }
    ck_assert(!data_line(f, line, sizeof line));
    fclose(f);

    snprintf(path, sizeof path, "%s/optimizers_ecdf.tsv", dir);
    f = fopen(path, "r");
    ck_assert(f != NULL);
    ck_assert(data_line(f, line, sizeof line));
    ck_assert_str_eq(line, "fraction\trandom\tevolution\tlocal\treinforce");
    double fin[CS_OPT_NUM_METHODS][7];
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        for (int i = 0; i < R; i++)
            fin[m][i] = r.final[m][i].final_regret;
        qsort(fin[m], R, sizeof(double), cmp_double);
    }
    for (int i = 0; i < R; i++) {
        ck_assert(data_line(f, line, sizeof line));
        char *p = line;
        ck_assert_double_eq_tol(strtod(p, &p), (i + 1.0) / R, 1e-15);
        for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
            ck_assert(strtod(p, &p) == fin[m][i]);
    }
    fclose(f);

    snprintf(path, sizeof path, "%s/optimizers.json", dir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    ck_assert_msg(j != NULL, "%s", je.text);
    ck_assert_str_eq(json_string_value(json_object_get(j, "analysis")), "optimizers");
    ck_assert(json_is_true(json_object_get(j, "synthetic")));
    ck_assert_int_eq(json_integer_value(json_object_get(j, "runs")), R);
    ck_assert_double_eq_tol(json_number_value(json_object_get(j, "best_mean_test_accuracy")),
                            0.89, 1e-12);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "classes_with_data")), 91);
    json_t *methods = json_object_get(j, "methods");
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        json_t *jm = json_object_get(methods, cs_opt_method_name((cs_opt_method)m));
        ck_assert(jm != NULL);
        ck_assert(json_number_value(json_object_get(jm, "median_final_regret")) ==
                  quantile_sorted(fin[m], R, 0.5));
        double q = 0;
        for (int i = 0; i < R; i++)
            q += (double)r.final[m][i].queries;
        ck_assert_double_eq_tol(json_number_value(json_object_get(jm, "mean_queries")), q / R,
                                1e-9);
    }
    json_decref(j);
    cs_opt_results_destroy(&r);
    const char *files[] = {"optimizers_regret.tsv", "optimizers_final.tsv",
                           "optimizers_ecdf.tsv", "optimizers.json"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    ck_assert_int_eq(rmdir(dir), 0); /* nothing else (no temporary files) left */
    bench_close(&b);
    data_destroy(&d);
}
END_TEST

/* --- a space that is not a cs_space: NAS-Bench-201's shape ------------------------------ */

/* Six edges, each one of five ops, no edge bits: 5^6 = 15,625 cells, the
 * class of a cell being its labelling (edge 0 the most significant digit).
 * The data are written here; invalid_first >= 0 makes every cell whose
 * edge 0 has that op invalid (raw_classes gives -1). */
#define T201_N 15625
typedef struct t201 {
    uint8_t nrep[T201_N];
    double val[T201_N * 3], cost[T201_N * 3], test[T201_N];
    int invalid_first;
    cs_opt_problem p;
} t201;

static int t201_digit(int64_t c, int e)
{
    static const int w[6] = {3125, 625, 125, 25, 5, 1};
    return (int)(c / w[e] % 5);
}

static int64_t t201_code(const int d[6])
{
    int64_t c = 0;
    for (int e = 0; e < 6; e++)
        c = c * 5 + d[e];
    return c;
}

static void t201_raw_classes(const void *user, uint64_t bits, int32_t *classes)
{
    const t201 *t = user;
    for (int32_t c = 0; c < T201_N; c++)
        classes[c] = bits != 0 || (t->invalid_first >= 0 && t201_digit(c, 0) == t->invalid_first)
                         ? -1
                         : c;
}

static void t201_set(t201 *t, int64_t c, double val, double test, double cost)
{
    t->nrep[c] = 3;
    for (int r = 0; r < 3; r++) {
        t->val[c * 3 + r] = val + 0.001 * (r - 1);
        t->cost[c * 3 + r] = cost + r;
    }
    t->test[c] = test;
}

static t201 *t201_new(void)
{
    t201 *t = calloc(1, sizeof *t);
    ck_assert(t != NULL);
    t->invalid_first = -1;
    t->p = (cs_opt_problem){.slots = 0,
                            .spots = 6,
                            .num_ops = 5,
                            .slot_rate_div = 1,
                            .spot_rate_div = 6,
                            .nclasses = T201_N,
                            .raw_classes = t201_raw_classes,
                            .user = t,
                            .nrep = t->nrep,
                            .validation = t->val,
                            .cost = t->cost,
                            .mean_test = t->test,
                            .cost_unit = "seconds",
                            .data_name = "hand-made NB201-shaped test data",
                            .benchmark = "NAS-Bench-201",
                            .epochs = 200,
                            .synthetic = true};
    return t;
}

/* 50 cells with data: edges 3, 4, 5 fixed at ops 1, 2, 3, edges 0 and 1 any
 * op, edge 2 op 0 or 1.  Validation accuracy falls by 0.02 per step of
 * (edge 0, edge 1, edge 2) away from (4, 3, 1), which is the best by far
 * (0.95 against at most 0.78); test accuracy is validation - 0.01; costs
 * 100 + 2 * edge0 s. */
static const int T201_BEST[6] = {4, 3, 1, 1, 2, 3};

static t201 *t201_fifty(void)
{
    t201 *t = t201_new();
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++)
            for (int c = 0; c < 2; c++) {
                int d[6] = {a, b, c, 1, 2, 3};
                int dist = abs(a - 4) + abs(b - 3) + abs(c - 1);
                double v = dist ? 0.80 - 0.02 * dist : 0.95;
                t201_set(t, t201_code(d), v, v - 0.01, 100 + 2 * a);
            }
    return t;
}

static cs_analysis_ctx t201_ctx(uint64_t seed, int threads)
{
    cs_analysis_ctx ctx;
    memset(&ctx, 0, sizeof ctx); /* no space, no store: the problem says it all */
    ctx.data_name = "unused: the problem names its data";
    ctx.seed = seed;
    ctx.threads = threads;
    return ctx;
}

/* Four runs of each method with each sampler on the 50 cells (budget for
 * about 2000 queries): every query is a valid cell with data (edge 0's op
 * is never t->invalid_first), and every run ends with incumbent `inc`,
 * whose regret is `regret`. */
static void t201_runs(const t201 *t, uint64_t seed, int64_t inc, double regret)
{
    cs_opt_options o;
    small_options(&o, 4, 2.2e5, 20);
    o.population = 20;
    o.tournament = 5;
    cs_error err;
    for (int s = 0; s < 2; s++) {
        o.sampler = s ? CS_OPT_SAMPLER_TABLE : CS_OPT_SAMPLER_REJECT;
        cs_opt_bench *ob;
        ck_assert_msg(cs_opt_bench_init_problem(&ob, &t->p, &o, seed, &err) == CS_OK, "%s",
                      err.msg);
        ck_assert_int_eq(cs_opt_bench_sampler(ob), o.sampler);
        /* the dataset's best, whether it can be reached or not */
        ck_assert_uint_eq(cs_opt_bench_classes_with_data(ob), 50);
        ck_assert_int_eq(cs_opt_bench_best_class(ob), t201_code(T201_BEST));
        ck_assert(cs_opt_bench_best_test(ob) == 0.94);
        for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
            for (uint64_t run = 0; run < 4; run++) {
                cs_opt_trace tr = {0};
                cs_opt_run_result res;
                ck_assert_msg(cs_opt_run(ob, (cs_opt_method)m, run, NULL, &res, &tr, &err) ==
                                  CS_OK,
                              "%s", err.msg);
                for (size_t i = 0; i < tr.n; i++) {
                    ck_assert(t->nrep[tr.q[i].cls]);
                    ck_assert_int_ne(t201_digit(tr.q[i].cls, 0), t->invalid_first);
                }
                ck_assert_msg(res.incumbent == inc, "%s run %d: incumbent %lld",
                              cs_opt_method_name((cs_opt_method)m), (int)run,
                              (long long)res.incumbent);
                ck_assert_double_eq_tol(res.final_regret, regret, 1e-12);
                if (m != CS_OPT_LOCAL) /* local search stops when all are queried */
                    ck_assert_uint_ge(tr.n, 2000);
                cs_opt_trace_destroy(&tr);
            }
        cs_opt_bench_destroy(ob);
    }
}

/* Each method finds the best of the 50 cells, with either sampler, and
 * the results do not depend on the thread count. */
START_TEST(test_problem_finds_best)
{
    t201 *t = t201_fifty();
    t201_runs(t, 3, t201_code(T201_BEST), 0);
    cs_opt_options o;
    small_options(&o, 6, 2.2e5, 20);
    o.population = 20;
    o.tournament = 5;
    cs_error err;
    /* The whole analysis, on 1 and on 2 threads: the same regret, bit for bit. */
    cs_analysis_ctx c1 = t201_ctx(11, 1), c2 = t201_ctx(11, 2);
    o.sampler = CS_OPT_SAMPLER_AUTO;
    o.threads = -1; /* the context's */
    cs_opt_results r1, r2;
    ck_assert_msg(cs_opt_compute_problem(&c1, &t->p, &o, &r1, &err) == CS_OK, "%s", err.msg);
    ck_assert_msg(cs_opt_compute_problem(&c2, &t->p, &o, &r2, &err) == CS_OK, "%s", err.msg);
    ck_assert_int_eq(r1.sampler, CS_OPT_SAMPLER_TABLE); /* 50 of 15,625 have data */
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++) {
        ck_assert(memcmp(r1.regret[m], r2.regret[m],
                         (size_t)o.runs * (size_t)o.grid_points * sizeof(double)) == 0);
        for (int i = 0; i < o.runs; i++) {
            ck_assert_uint_eq(r1.final[m][i].queries, r2.final[m][i].queries);
            ck_assert_int_eq(r1.final[m][i].incumbent, r2.final[m][i].incumbent);
            ck_assert(r1.final[m][i].final_regret == 0);
        }
    }
    cs_opt_results_destroy(&r1);
    cs_opt_results_destroy(&r2);
    free(t);
}
END_TEST

/* A cancel callback that says yes on its third call. */
static bool cancel_on_third(void *user)
{
    int *calls = user;
    return ++*calls >= 3;
}

/* ctx->monitor.cancelled is polled between runs from the calling thread: the runs
 * stop with CS_ERR_CANCELLED, and no results are left to free. */
START_TEST(test_problem_cancelled)
{
    t201 *t = t201_fifty();
    t201_runs(t, 3, t201_code(T201_BEST), 0);
    cs_opt_options o;
    small_options(&o, 50, 2.2e5, 20);
    o.threads = -1;
    int calls = 0;
    cs_analysis_ctx c = t201_ctx(11, 2);
    c.monitor.cancelled = cancel_on_third;
    c.monitor.cancel_user = &calls;
    cs_opt_results r;
    cs_error err;
    ck_assert_int_eq(cs_opt_compute_problem(&c, &t->p, &o, &r, &err), CS_ERR_CANCELLED);
    ck_assert_str_eq(err.msg, "cancelled");
    ck_assert_int_eq(calls, 3);
    ck_assert_ptr_null(r.grid);
    for (int m = 0; m < CS_OPT_NUM_METHODS; m++)
        ck_assert_ptr_null(r.regret[m]);
    free(t);
}
END_TEST

/* Random search draws uniformly among the cells with data (each cell is one
 * encoding here): 5000 draws over the 50, about 100 each (sd 9.9). */
START_TEST(test_problem_random_uniform)
{
    t201 *t = t201_fifty();
    for (size_t i = 0; i < T201_N * 3; i++)
        t->cost[i] = 1;
    cs_opt_options o;
    small_options(&o, 1, 5000, 10);
    o.grid_min = 1;
    cs_error err;
    for (int s = 0; s < 2; s++) {
        o.sampler = s ? CS_OPT_SAMPLER_TABLE : CS_OPT_SAMPLER_REJECT;
        cs_opt_bench *ob;
        ck_assert(cs_opt_bench_init_problem(&ob, &t->p, &o, 5, &err) == CS_OK);
        cs_opt_trace tr = {0};
        cs_opt_run_result res;
        ck_assert(cs_opt_run(ob, CS_OPT_RANDOM, 0, NULL, &res, &tr, &err) == CS_OK);
        ck_assert_uint_eq(tr.n, 5000);
        int *count = calloc(T201_N, sizeof *count);
        ck_assert(count != NULL);
        for (size_t i = 0; i < tr.n; i++)
            count[tr.q[i].cls]++;
        int cells = 0;
        for (int c = 0; c < T201_N; c++) {
            if (!t->nrep[c]) {
                ck_assert_int_eq(count[c], 0);
                continue;
            }
            cells++;
            ck_assert_msg(count[c] > 60 && count[c] < 140, "cell %d drawn %d times", c,
                          count[c]);
        }
        ck_assert_int_eq(cells, 50);
        free(count);
        cs_opt_trace_destroy(&tr);
        cs_opt_bench_destroy(ob);
    }
    free(t);
}
END_TEST

/* With every cell's data in, local search queries its start and then the
 * start's neighbours: the 24 cells one op away (6 edges x 4 other ops),
 * each once, before anything else. */
START_TEST(test_problem_local_neighbours)
{
    t201 *t = t201_new();
    for (int64_t c = 0; c < T201_N; c++)
        t201_set(t, c, 0.5 + 0.4 * (double)((c * 7919) % T201_N) / T201_N, 0.5, 1);
    cs_opt_options o;
    small_options(&o, 1, 3 * 25, 10); /* costs 1..3: at least 25 queries */
    o.grid_min = 1;
    cs_error err;
    for (int s = 0; s < 2; s++) {
        o.sampler = s ? CS_OPT_SAMPLER_TABLE : CS_OPT_SAMPLER_AUTO;
        cs_opt_bench *ob;
        ck_assert(cs_opt_bench_init_problem(&ob, &t->p, &o, 9, &err) == CS_OK);
        ck_assert_int_eq(cs_opt_bench_sampler(ob),
                         s ? CS_OPT_SAMPLER_TABLE : CS_OPT_SAMPLER_REJECT);
        for (uint64_t run = 0; run < 20; run++) {
            cs_opt_trace tr = {0};
            cs_opt_run_result res;
            ck_assert(cs_opt_run(ob, CS_OPT_LOCAL, run, NULL, &res, &tr, &err) == CS_OK);
            ck_assert_uint_ge(tr.n, 25);
            int64_t start = tr.q[0].cls;
            bool seen[25] = {false};
            for (size_t i = 1; i < 25; i++) {
                int64_t c = tr.q[i].cls;
                int diff = 0, edge = -1;
                for (int e = 0; e < 6; e++)
                    if (t201_digit(c, e) != t201_digit(start, e)) {
                        diff++;
                        edge = e;
                    }
                ck_assert_int_eq(diff, 1);
                /* which of the 24: edge and new op, once each */
                int op = t201_digit(c, edge), old = t201_digit(start, edge);
                int slot = edge * 4 + (op > old ? op - 1 : op);
                ck_assert(!seen[slot]);
                seen[slot] = true;
            }
            cs_opt_trace_destroy(&tr);
        }
        cs_opt_bench_destroy(ob);
    }
    free(t);
}
END_TEST

/* Evolution's mutation on a problem: with a population of one, every child
 * is a mutation of the previous query; each edge's op changes with
 * probability rate / spot_rate_div (1/6 at rate 1, 1/3 at rate 2) to one
 * of the 4 others, uniformly.  20,000 children: sd of a frequency 1/6 is
 * 0.0026.  And cs_opt_mutate itself on a problem with slots. */
START_TEST(test_problem_mutation_rate)
{
    t201 *t = t201_new();
    for (int64_t c = 0; c < T201_N; c++)
        t201_set(t, c, 0.5, 0.5, 1);
    cs_opt_options o;
    small_options(&o, 1, 20001 * 3, 10);
    o.grid_min = 1;
    o.population = 1;
    o.tournament = 1;
    cs_error err;
    for (int rate = 1; rate <= 2; rate++) {
        o.mutation_rate = rate;
        cs_opt_bench *ob;
        ck_assert(cs_opt_bench_init_problem(&ob, &t->p, &o, 21, &err) == CS_OK);
        cs_opt_trace tr = {0};
        cs_opt_run_result res;
        ck_assert(cs_opt_run(ob, CS_OPT_EVOLUTION, 0, NULL, &res, &tr, &err) == CS_OK);
        ck_assert_uint_ge(tr.n, 20001);
        int changed[6] = {0}, to[5] = {0}, n = 20000;
        for (int i = 1; i <= n; i++)
            for (int e = 0; e < 6; e++) {
                int a = t201_digit(tr.q[i - 1].cls, e), b = t201_digit(tr.q[i].cls, e);
                if (a != b) {
                    changed[e]++;
                    to[(b - a + 5) % 5]++;
                }
            }
        ck_assert_int_eq(to[0], 0);
        int total = 0;
        for (int e = 0; e < 6; e++) {
            total += changed[e];
            ck_assert_double_eq_tol((double)changed[e] / n, rate / 6.0, 0.015);
        }
        for (int d = 1; d < 5; d++) /* the other ops, uniformly */
            ck_assert_double_eq_tol((double)to[d] / total, 0.25, 0.02);
        cs_opt_trace_destroy(&tr);
        cs_opt_bench_destroy(ob);
    }
    free(t);

    /* Slots and spots together: 10 slots flipping with probability 1/4,
     * 2 spots of 3 ops changing with probability 1/2 (rate 1). */
    cs_opt_problem p = {.slots = 10, .spots = 2, .num_ops = 3, .slot_rate_div = 4,
                        .spot_rate_div = 2};
    cs_rng rng;
    cs_rng_seed(&rng, 4);
    const int N = 40000;
    int flips[10] = {0}, ch[2] = {0};
    cs_opt_encoding parent = {0x2a5, 1 * 3 + 2}, child;
    for (int i = 0; i < N; i++) {
        cs_opt_mutate(&p, 1.0, &rng, &parent, &child);
        ck_assert((child.bits >> 10) == 0 && child.labelling < 9);
        for (int s = 0; s < 10; s++)
            flips[s] += (int)((parent.bits ^ child.bits) >> s & 1);
        ch[0] += child.labelling / 3 != 1;
        ch[1] += child.labelling % 3 != 2;
    }
    for (int s = 0; s < 10; s++) /* sd 0.0022 */
        ck_assert_double_eq_tol((double)flips[s] / N, 0.25, 0.011);
    for (int v = 0; v < 2; v++)
        ck_assert_double_eq_tol((double)ch[v] / N, 0.5, 0.0125);
    /* NAS-Bench-101's rule is the problem rule with divisors n and n - 2:
     * the same draws give the same children. */
    cs_opt_problem q7 = {.slots = 21, .spots = 5, .num_ops = 3, .slot_rate_div = 7,
                         .spot_rate_div = 5};
    cs_rng r1, r2;
    cs_rng_seed(&r1, 8);
    cs_rng_seed(&r2, 8);
    cs_opt_encoding par7 = {UINT64_C(0x15555), 100}, c1, c2;
    for (int i = 0; i < 1000; i++) {
        cs_opt_mutate_raw(7, 3, 1.3, &r1, &par7, &c1);
        cs_opt_mutate(&q7, 1.3, &r2, &par7, &c2);
        ck_assert(c1.bits == c2.bits && c1.labelling == c2.labelling);
    }
}
END_TEST

/* Cells whose edge 0 has op 4 are invalid (raw_classes gives -1), the best
 * cell among them: no method ever queries one, though they have data, and
 * the best the runs can reach is (3, 3, 1, 1, 2, 3), 0.02 worse
 * (validation 0.78, test 0.77). */
START_TEST(test_problem_invalid_labellings)
{
    t201 *t = t201_fifty();
    t->invalid_first = 4;
    int reach[6] = {3, 3, 1, 1, 2, 3};
    t201_runs(t, 13, t201_code(reach), 0.94 - 0.77);
    free(t);
}
END_TEST

/* Bad problems are refused, naming the class; the files carry the
 * problem's labels and cost unit. */
START_TEST(test_problem_errors_and_files)
{
    t201 *t = t201_fifty();
    cs_opt_options o;
    small_options(&o, 3, 2e4, 10);
    o.population = 5;
    o.tournament = 2;
    cs_opt_bench *ob;
    cs_error err;
    cs_opt_problem p = t->p;
    p.slots = 63;
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &p, &o, 0, &err), CS_ERR_ARG);
    p = t->p;
    p.spots = 0;
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &p, &o, 0, &err), CS_ERR_ARG);
    p = t->p;
    p.spots = 11; /* 5^11 labellings of one matrix */
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &p, &o, 0, &err), CS_ERR_ARG);
    p = t->p;
    p.raw_classes = NULL;
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &p, &o, 0, &err), CS_ERR_ARG);
    int64_t c0 = t201_code((int[6]){0, 0, 0, 1, 2, 3});
    t->cost[c0 * 3 + 2] = 0;
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &t->p, &o, 0, &err), CS_ERR_FORMAT);
    char want[64];
    snprintf(want, sizeof want, "class %lld, repeat 2", (long long)c0);
    ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
    t->cost[c0 * 3 + 2] = 1;
    t->nrep[c0] = 4;
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &t->p, &o, 0, &err), CS_ERR_FORMAT);
    t->nrep[c0] = 3;
    uint8_t *none = calloc(T201_N, 1);
    p = t->p;
    p.nrep = none;
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &p, &o, 0, &err), CS_ERR_NOTFOUND);
    free(none);
    o.tournament = 6;
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &t->p, &o, 0, &err), CS_ERR_ARG);
    o.tournament = 2;
    p = t->p;
    p.cost_unit = "per query"; /* it names a column */
    ck_assert_int_eq(cs_opt_bench_init_problem(&ob, &p, &o, 0, &err), CS_ERR_ARG);

    /* The files: costs in queries, the problem's labels. */
    for (size_t i = 0; i < T201_N * 3; i++)
        t->cost[i] = 1;
    t->p.cost_unit = "queries";
    t->p.fitness_what = "toy fitness";
    t->p.score_what = "toy score";
    t->p.json_fields = "\"dataset\": \"toy\"";
    cs_analysis_ctx ctx = t201_ctx(17, 2);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/optimizers-problem.XXXXXX", CS_TEST_TMPDIR);
    ck_assert(mkdtemp(dir) != NULL);
    o.budget = 300;
    o.grid_min = 1;
    ck_assert_msg(cs_analysis_optimizers_problem(&ctx, &t->p, &o, dir, &err) == CS_OK, "%s",
                  err.msg);
    char path[4200], line[8192];
    snprintf(path, sizeof path, "%s/optimizers_regret.tsv", dir);
    FILE *f = fopen(path, "r");
    ck_assert(f != NULL);
    ck_assert(fgets(line, sizeof line, f) && strstr(line, "(NAS-Bench-201)") &&
              strstr(line, "cost (queries)") && strstr(line, "200-epoch") &&
              strstr(line, "best toy score (0.93999999999999995) - the incumbent's toy score") &&
              strstr(line, "best toy fitness of one random"));
    ck_assert(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "# data: hand-made NB201-shaped test data (SYNTHETIC data, not "
                           "NAS-Bench-201 results)\n");
    ck_assert(fgets(line, sizeof line, f) && !strcmp(line, "# seed: 17\n"));
    ck_assert(fgets(line, sizeof line, f) && !strncmp(line, "queries\trandom_mean\t", 20));
    fclose(f);
    snprintf(path, sizeof path, "%s/optimizers.json", dir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    ck_assert_msg(j != NULL, "%s", je.text);
    ck_assert_str_eq(json_string_value(json_object_get(j, "data")),
                     "hand-made NB201-shaped test data");
    ck_assert(json_is_true(json_object_get(j, "synthetic")));
    ck_assert_str_eq(json_string_value(json_object_get(j, "dataset")), "toy");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "seed")), 17);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "epochs")), 200);
    ck_assert(json_number_value(json_object_get(j, "budget_queries")) == 300);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "classes_with_data")), 50);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "best_class")),
                     t201_code(T201_BEST));
    json_decref(j);
    const char *files[] = {"optimizers_regret.tsv", "optimizers_final.tsv",
                           "optimizers_ecdf.tsv", "optimizers.json"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        ck_assert_int_eq(unlink(path), 0);
    }
    ck_assert_int_eq(rmdir(dir), 0);
    free(t);
}
END_TEST

TCase *cs_optimizers_tcase(void)
{
    TCase *tc = tcase_create("optimizers");
    tcase_add_unchecked_fixture(tc, spaces_setup, spaces_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_random_reaches_zero);
    tcase_add_test(tc, test_trace_replay_full);
    tcase_add_test(tc, test_trace_replay_partial);
    tcase_add_test(tc, test_local_search_exhausts);
    tcase_add_test(tc, test_thread_count_and_seed);
    tcase_add_test(tc, test_population_aging_by_hand);
    tcase_add_test(tc, test_mutation_rates);
    tcase_add_test(tc, test_reinforce_update_by_hand);
    tcase_add_test(tc, test_result_known_when_it_ends);
    tcase_add_test(tc, test_reinforce_toy_reject);
    tcase_add_test(tc, test_reinforce_toy_table);
    tcase_add_test(tc, test_uniform_reject);
    tcase_add_test(tc, test_uniform_table);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_output_files);
    tcase_add_test(tc, test_problem_finds_best);
    tcase_add_test(tc, test_problem_cancelled);
    tcase_add_test(tc, test_problem_random_uniform);
    tcase_add_test(tc, test_problem_local_neighbours);
    tcase_add_test(tc, test_problem_mutation_rate);
    tcase_add_test(tc, test_problem_invalid_labellings);
    tcase_add_test(tc, test_problem_errors_and_files);
    return tc;
}
