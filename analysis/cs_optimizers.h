/* cellscape analysis/: simulated NAS optimisers on the benchmark (the
 * NAS-Bench-101 paper's Fig. 7).
 *
 * Four optimisers search the space's raw encodings (max_vertices vertices,
 * the reference's edge bits and interior labellings; cs_space.h): random
 * search, regularized evolution, local search and REINFORCE.  Every query
 * returns one random repeat's 108-epoch final validation accuracy and
 * charges that repeat's training time; the incumbent is the cell with the
 * best validation accuracy seen; the regret at simulated time t is the best
 * mean test accuracy of any cell of the dataset minus the incumbent's mean
 * test accuracy.  Where each choice comes from (the paper, the authors' code
 * or our own decision) is written at the top of optimizers.c.
 *
 * The same four run on any space described as a cs_opt_problem (two-way
 * and k-way decisions, a class per encoding, per-class data), such as
 * NAS-Bench-201's: NAS-Bench-101 is itself run as a problem built from the
 * space and the store, so there is one implementation of each optimiser.
 *
 * Runs are independent: run r of method m draws from its own PRNG seeded by
 * (ctx->seed, m, r), so results do not depend on the thread count. */
#ifndef CS_OPTIMIZERS_H
#define CS_OPTIMIZERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cs_analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_opt_method {
    CS_OPT_RANDOM = 0,
    CS_OPT_EVOLUTION,
    CS_OPT_LOCAL,
    CS_OPT_REINFORCE,
    CS_OPT_NUM_METHODS
} cs_opt_method;

/* "random", "evolution", "local", "reinforce" (as in the output files). */
const char *cs_opt_method_name(cs_opt_method m);

/* How random cells are drawn (uniform over the valid encodings whose class
 * has data): by rejection from all raw encodings, or from a table of the
 * valid encodings built by scanning them (for stores that cover little of
 * the space, where rejection would take thousands of draws per cell).  Both
 * give the same distribution; the draws, and so the runs, differ. */
typedef enum cs_opt_sampler {
    CS_OPT_SAMPLER_AUTO = 0,
    CS_OPT_SAMPLER_REJECT,
    CS_OPT_SAMPLER_TABLE
} cs_opt_sampler;

typedef struct cs_opt_options {
    int runs;               /* per method; 500 */
    double budget;          /* simulated seconds per run; 1e7 */
    int grid_points;        /* log-spaced times of the regret curves; 200 */
    double grid_min;        /* first grid time; 100 s (the last is budget) */
    unsigned methods;       /* bit (1u << m) per method; all four */
    int population;         /* regularized evolution; 100 */
    int tournament;         /* 10 */
    double mutation_rate;   /* 1.0 */
    double learning_rate;   /* REINFORCE; 0.1 */
    double momentum;        /* REINFORCE baseline (moving average); 0.9 */
    cs_opt_sampler sampler; /* AUTO */
    int threads;            /* -1: ctx->threads (0 there: one per core) */
} cs_opt_options;

void cs_opt_options_init(cs_opt_options *o);

/* --- encodings --------------------------------------------------------------- */

/* A raw encoding: edge x -> y is bit x + y(y-1)/2 of bits; labelling is the
 * interior labels' index in product order (first interior vertex most
 * significant), as cs_space_raw_classes numbers them. */
typedef struct cs_opt_encoding {
    uint64_t bits;
    uint32_t labelling;
} cs_opt_encoding;

/* --- a search space described by its decisions ------------------------------ */

/* What the optimisers need of a space: its encodings as decisions, the
 * class every encoding lands in, and per class the data a query returns.
 * NAS-Bench-101 (cs_opt_bench_init) is one such problem, built from the
 * space and the store; NAS-Bench-201 (6 edges, each one of 5 ops, no edge
 * bits) is another.  An encoding is {bits, labelling}: bit s of bits is slot
 * s, labelling the spots' ops in product order (first spot most
 * significant).  The arrays are borrowed: they must outlive every bench
 * made from the problem. */
typedef struct cs_opt_problem {
    int slots;            /* two-way decisions (NAS-Bench-101: edge bits), 0..62 */
    int spots;            /* num_ops-way decisions (NAS-Bench-101: interior vertices;
                             NAS-Bench-201: the 6 edges); num_ops^spots <= 2^24 */
    int num_ops;          /* >= 1 */
    double slot_rate_div; /* evolution's mutation: a slot flips with probability
                             rate / slot_rate_div (NAS-Bench-101: n vertices) */
    double spot_rate_div; /* a spot changes to another op with probability
                             rate / spot_rate_div (NAS-Bench-101: n - 2; NAS-Bench-201:
                             6); a divisor <= 0 means never */
    size_t nclasses;      /* 1..INT32_MAX */
    /* The class of every labelling (num_ops^spots of them, in order) of the
     * edge bits `bits`, -1 where the encoding is invalid (so is any value
     * outside 0..nclasses-1).  Called from several threads at once: must be
     * thread-safe. */
    void (*raw_classes)(const void *user, uint64_t bits, int32_t *classes);
    const void *user;
    /* Per class: repeats with data (0: none, so the class cannot be
     * queried; at most CS_STORE_REPEATS), their validation accuracy and
     * cost (what a query charges), and the class's mean test accuracy
     * (what the regret is measured with; read only where nrep > 0). */
    const uint8_t *nrep;
    const double *validation; /* nclasses x CS_STORE_REPEATS, finite */
    const double *cost;       /* nclasses x CS_STORE_REPEATS, > 0 */
    const double *mean_test;
    /* For the outputs (cs_opt_write_problem): */
    const char *cost_unit;    /* "seconds", "queries", ... (letters, digits, '_');
                                 NULL: "seconds" */
    const char *data_name;    /* the data source; NULL: ctx->data_name */
    const char *benchmark;    /* whose results the data are, e.g. "NAS-Bench-201" */
    int epochs;               /* training epochs of the data; 0: not stated */
    bool synthetic;           /* label the outputs SYNTHETIC (so does ctx->synthetic) */
    const char *fitness_what; /* what `validation` is; NULL: "validation accuracy" */
    const char *score_what;   /* what `mean_test` is; NULL: "mean test accuracy" */
    const char *json_fields;  /* more "key": value pairs for optimizers.json, written
                                 before the optimisers' own; NULL: none */
} cs_opt_problem;

/* NAS-Bench-101's raw encodings as a problem, as cs_opt_bench_init builds
 * it (edge bits and interior labellings of sp's max_vertices vertices, the
 * example code's mutation rates, a class per encoding from sp, which is
 * borrowed; cost unit seconds): the data (nrep, validation, cost,
 * mean_test) are the caller's to set, so that the optimisers run on any
 * fitness and cost exactly as `cellscape analyze optimizers` runs them. */
void cs_opt_nb101_problem(cs_opt_problem *p, const cs_space *sp);

/* Check a problem's shape and data (not raw_classes).  CS_ERR_ARG for a bad
 * shape, CS_ERR_FORMAT for bad data (naming the class by index),
 * CS_ERR_NOTFOUND when no class has data. */
cs_status cs_opt_problem_check(const cs_opt_problem *p, cs_error *err);

/* --- the benchmark and single runs ----------------------------------------- */

typedef struct cs_opt_bench cs_opt_bench;

/* Prepare the 108-epoch data of ctx's store for the optimisers.  Errors:
 * CS_ERR_ARG (no store, bad options), CS_ERR_NOTFOUND (no 108-epoch runs,
 * or no class of the space with data), CS_ERR_FORMAT (a training time that
 * is not a positive number), CS_ERR_NOMEM. */
cs_status cs_opt_bench_init(cs_opt_bench **b, const cs_analysis_ctx *ctx,
                            const cs_opt_options *o, cs_error *err);
/* The same on any problem (checked as cs_opt_problem_check does); runs
 * draw from PRNGs seeded by seed, the table sampler's scan uses o->threads
 * threads (-1: one per core). */
cs_status cs_opt_bench_init_problem(cs_opt_bench **b, const cs_opt_problem *p,
                                    const cs_opt_options *o, uint64_t seed, cs_error *err);
void cs_opt_bench_destroy(cs_opt_bench *b);
double cs_opt_bench_best_test(const cs_opt_bench *b); /* best mean test accuracy */
int64_t cs_opt_bench_best_class(const cs_opt_bench *b);
size_t cs_opt_bench_classes_with_data(const cs_opt_bench *b);
/* One query of a run, in order. */
typedef struct cs_opt_query {
    double time;       /* simulated seconds when the result is known */
    int64_t cls;       /* class of the space */
    double validation; /* the repeat's validation accuracy */
} cs_opt_query;

typedef struct cs_opt_trace {
    cs_opt_query *q;
    size_t n, cap;
} cs_opt_trace;

void cs_opt_trace_destroy(cs_opt_trace *t);

typedef struct cs_opt_run_result {
    double final_regret;  /* at the budget */
    uint64_t queries;     /* charged within the budget */
    int64_t incumbent;    /* class, -1 before the first query */
    double incumbent_validation;
    double incumbent_test; /* its mean test accuracy */
} cs_opt_run_result;

/* Run `run` of method m.  grid_regret (grid_points values, may be NULL) gets
 * the regret at each grid time; trace (may be NULL, else zero-initialised
 * or reused) gets every query finished within the budget.  Before the first
 * query the regret is the best mean test accuracy (incumbent accuracy 0, as
 * in the authors' example code). */
cs_status cs_opt_run(const cs_opt_bench *b, cs_opt_method m, uint64_t run,
                     double *grid_regret, cs_opt_run_result *res, cs_opt_trace *trace,
                     cs_error *err);

/* --- all runs, and the analysis ----------------------------------------------- */

typedef struct cs_opt_results {
    int runs, grid_points;
    double *grid;                              /* grid_points times */
    double *regret[CS_OPT_NUM_METHODS];        /* runs x grid_points; NULL if not run */
    cs_opt_run_result *final[CS_OPT_NUM_METHODS]; /* runs; NULL if not run */
    double best_test;
    int64_t best_class;
    size_t classes_with_data;
    cs_opt_sampler sampler;
    double seconds;                            /* wall time of the runs */
} cs_opt_results;

/* Run every selected method o->runs times on o->threads threads. */
cs_status cs_opt_compute(const cs_analysis_ctx *ctx, const cs_opt_options *o,
                         cs_opt_results *r, cs_error *err);
void cs_opt_results_destroy(cs_opt_results *r);

/* Write optimizers_regret.tsv, optimizers_final.tsv, optimizers_ecdf.tsv
 * and optimizers.json into outdir (each atomically). */
cs_status cs_opt_write(const cs_analysis_ctx *ctx, const cs_opt_options *o,
                       const cs_opt_results *r, const char *outdir, cs_error *err);

/* cs_opt_compute then cs_opt_write. */
cs_status cs_analysis_optimizers_with(const cs_analysis_ctx *ctx, const cs_opt_options *o,
                                      const char *outdir, cs_error *err);

/* The same three on a problem.  ctx gives the seed, the threads (when
 * o->threads is -1), progress and the synthetic flag (and the data name
 * when p->data_name is NULL); its space and store are not used and may be
 * NULL.  The files are those of cs_opt_write, with the problem's cost unit
 * (time column `time_s` for seconds, else named UNIT; "budget_UNIT" in
 * the JSON), its benchmark and epochs in the labels. */
cs_status cs_opt_compute_problem(const cs_analysis_ctx *ctx, const cs_opt_problem *p,
                                 const cs_opt_options *o, cs_opt_results *r, cs_error *err);
cs_status cs_opt_write_problem(const cs_analysis_ctx *ctx, const cs_opt_problem *p,
                               const cs_opt_options *o, const cs_opt_results *r,
                               const char *outdir, cs_error *err);
cs_status cs_analysis_optimizers_problem(const cs_analysis_ctx *ctx, const cs_opt_problem *p,
                                         const cs_opt_options *o, const char *outdir,
                                         cs_error *err);

/* The registry's entry (`optimizers`): the paper's protocol with the
 * default options. */
cs_status cs_analysis_optimizers(const cs_analysis_ctx *ctx, const char *outdir,
                                 cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
