/* cellscape analysis/: the optimisers' parts (cs_optimizers.h), for
 * optimizers.c and the tests that check each part on its own: the run's
 * PRNG, mutation, regularized evolution's population, REINFORCE's policy.
 * Not installed: not the library's API. */
#ifndef CS_OPTIMIZERS_INTERNAL_H
#define CS_OPTIMIZERS_INTERNAL_H

#include "cs_optimizers.h"
#include "cs_rng.h"

#include <stdbool.h>

/* What may stand in a problem's cost_unit: it names a TSV column and a JSON
 * key. */
static inline bool cs_opt_unit_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* --- the PRNG every run owns: cs_rng (xoshiro256**, seeded by splitmix64) ---- */

/* The PRNG of run `run` of method m under the analysis seed. */
void cs_opt_rng_seed_run(cs_rng *r, uint64_t seed, cs_opt_method m, uint64_t run);

/* The mutation of the NAS-Bench-101 authors' example code, without the
 * validity check, on a problem's encodings: every slot flips with
 * probability rate / slot_rate_div, every spot changes with probability
 * rate / spot_rate_div to one of the other num_ops - 1 ops, uniformly.
 * (raw_classes and the data are not used.) */
void cs_opt_mutate(const cs_opt_problem *p, double rate, cs_rng *rng,
                   const cs_opt_encoding *parent, cs_opt_encoding *child);

/* The same on NAS-Bench-101's raw encodings of n vertices: every edge slot
 * flips with probability rate / n, every interior op changes with
 * probability rate / (n - 2). */
void cs_opt_mutate_raw(int n, int num_ops, double rate, cs_rng *rng,
                       const cs_opt_encoding *parent, cs_opt_encoding *child);

/* --- regularized evolution's population (aging) ----------------------------- */

typedef struct cs_opt_member {
    cs_opt_encoding enc;
    int64_t cls;
    double validation;
} cs_opt_member;

typedef struct cs_opt_population {
    size_t capacity, size, oldest;
    cs_opt_member *m;
} cs_opt_population;

cs_status cs_opt_population_init(cs_opt_population *p, size_t capacity, cs_error *err);
void cs_opt_population_destroy(cs_opt_population *p);
/* Add a member; when full the oldest member dies, whatever its fitness. */
void cs_opt_population_add(cs_opt_population *p, const cs_opt_member *m);
/* Member by age: 0 is the oldest, size - 1 the youngest. */
const cs_opt_member *cs_opt_population_age(const cs_opt_population *p, size_t age);
/* A tournament: k distinct members drawn uniformly (without replacement,
 * k clamped to the size), the one with the best validation accuracy wins,
 * ties going to the youngest.  Returns the winner's age; size must be > 0. */
size_t cs_opt_population_tournament(const cs_opt_population *p, size_t k, cs_rng *rng);

/* --- REINFORCE's policy: one categorical distribution per decision --------- */

typedef struct cs_opt_policy {
    int ndecisions;
    int *nchoices;  /* per decision */
    int *offset;    /* first logit of each decision */
    double *logits; /* all zero at the start: the uniform policy */
    double learning_rate, momentum;
    double num, den; /* the baseline: bias-corrected moving average num / den */
} cs_opt_policy;

cs_status cs_opt_policy_init(cs_opt_policy *p, int ndecisions, const int *nchoices,
                             double learning_rate, double momentum, cs_error *err);
void cs_opt_policy_destroy(cs_opt_policy *p);
/* Probability of choice j at decision d. */
double cs_opt_policy_prob(const cs_opt_policy *p, int d, int j);
void cs_opt_policy_sample(const cs_opt_policy *p, cs_rng *rng, int *choice);
/* One REINFORCE step for a sampled choice vector and its reward: update the
 * baseline with the reward, then logits += lr * (reward - baseline) *
 * d log p(choice) / d logits.  Returns the advantage. */
double cs_opt_policy_update(cs_opt_policy *p, const int *choice, double reward);

/* The sampler in use: CS_OPT_SAMPLER_REJECT or CS_OPT_SAMPLER_TABLE. */
cs_opt_sampler cs_opt_bench_sampler(const cs_opt_bench *b);
/* The grid times (grid_points of them). */
const double *cs_opt_bench_grid(const cs_opt_bench *b);

#endif
