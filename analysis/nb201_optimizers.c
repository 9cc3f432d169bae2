/* The simulated NAS optimisers on NAS-Bench-201 (cs_nb201_analysis.h): the
 * NAS-Bench-101 optimisers of cs_optimizers.h, given the space as six
 * five-way decisions (no edge bits: every encoding is a cell).
 *
 * Choices, where NAS-Bench-201's sources and ours differ from the
 * NAS-Bench-101 protocol:
 *   - a query returns the cell's fitness (the mean of its rows: the CSV has
 *     no pairing of repeats across metrics, so one value per cell) and
 *     charges its cost; the regret is the best score of any cell minus the
 *     incumbent's score;
 *   - regularized evolution mutates each edge with probability 1/6 to one
 *     of the other operations (one edge expected, as the NAS-Bench-201
 *     authors' mutate_arch changes one), redrawn until the child has data;
 *   - the budget is 300 queries' worth: 300 x the mean cost of the cells
 *     with data (300 queries without a cost metric); the grid starts at
 *     the mean cost, a first query's;
 *   - REINFORCE's reward is the fitness as a fraction: the API gives
 *     accuracies in percent, and its learning rate (0.1) is the one for
 *     rewards in [0, 1] (NAS-Bench-101's); with percent rewards one query
 *     moves a logit by several units and the policy collapses on the
 *     first good cell.  An accuracy metric whose values exceed 1 is
 *     divided by 100 for the search (the other optimisers only compare
 *     values, so they do not change); the regret stays in the score's
 *     units.  The JSON says which scale was used. */
#include "cs_nb201_analysis.h"
#include "nb201_internal.h"
#include "optimizers_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_nb201_data.h"

/* Queries' worth of cost in a run. */
#define NB201_BUDGET_QUERIES 300

/* Every labelling (the product code) is a cell: its class is its API index. */
static void nb201_classes(const void *user, uint64_t bits, int32_t *classes)
{
    (void)user;
    (void)bits; /* always 0: no edge bits */
    for (uint32_t code = 0; code < CS_NB201_CELLS; code++) {
        cs_nb201_cell c;
        cs_nb201_from_code(code, &c);
        classes[code] = (int32_t)cs_nb201_index(&c);
    }
}

/* Accuracies given in percent (the API's) are searched as fractions, the
 * scale NAS-Bench-101's optimisers climb: 0.01 then, else 1. */
static double fitness_scale(const cs_nb201_values *v)
{
    double fmax = -INFINITY;
    for (size_t i = 0; i < CS_NB201_CELLS; i++)
        if (!isnan(v->fitness[i]) && v->fitness[i] > fmax)
            fmax = v->fitness[i];
    size_t mlen = strlen(v->fitness_metric);
    return mlen >= 8 && strcmp(v->fitness_metric + mlen - 8, "accuracy") == 0 && fmax > 1.0
               ? 0.01
               : 1.0;
}

/* The unit: the cost metric's name (or "queries") with what may not stand
 * in a unit made '_'. */
static void cost_unit(char *unit, size_t cap, const char *cost_metric)
{
    snprintf(unit, cap, "%s", cost_metric ? cost_metric : "queries");
    for (char *p = unit; *p; p++)
        if (!cs_opt_unit_char(*p))
            *p = '_';
}

cs_status cs_analysis_nb201_optimizers(const cs_analysis_ctx *ctx, const char *outdir,
                                       cs_error *err)
{
    cs_nb201_values v;
    cs_status st = cs_nb201_values_init(&v, ctx, "optimizers", err);
    if (st)
        return st;
    uint8_t *nrep = calloc(CS_NB201_CELLS, sizeof *nrep);
    double *val = calloc((size_t)CS_NB201_CELLS * CS_STORE_REPEATS, sizeof *val);
    double *cost = calloc((size_t)CS_NB201_CELLS * CS_STORE_REPEATS, sizeof *cost);
    if (!nrep || !val || !cost) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (optimizers)");
        goto out;
    }
    double scale = fitness_scale(&v), cost_sum = 0;
    size_t queryable = 0, no_cost = 0;
    for (size_t i = 0; i < CS_NB201_CELLS; i++) {
        if (isnan(v.fitness[i]))
            continue;
        /* a cell whose cost is missing or not positive cannot be queried */
        if (!(v.cost[i] > 0)) {
            no_cost++;
            continue;
        }
        queryable++;
        nrep[i] = 1;
        val[i * CS_STORE_REPEATS] = scale * v.fitness[i];
        cost[i * CS_STORE_REPEATS] = v.cost[i];
        cost_sum += v.cost[i];
    }
    if (!queryable) {
        st = cs_error_set(err, CS_ERR_ARG,
                          "optimizers: no cell of dataset %s in %s has a positive %s",
                          v.dataset_name, ctx->data_name, v.cost_metric);
        goto out;
    }
    double mean_cost = cost_sum / (double)queryable;
    char unit[CS_NB201_DATA_MAX_NAME + 1], fitness_what[256], score_what[256];
    cost_unit(unit, sizeof unit, v.cost_metric);
    cs_nb201_values_describe(&v, fitness_what, sizeof fitness_what);
    snprintf(score_what, sizeof score_what, "%s of dataset %s", v.score_metric, v.dataset_name);
    cs_jb fields;
    if ((st = cs_jb_init(&fields, err)))
        goto out;
    cs_nb201_values_put(&fields, &v);
    cs_jb_kn(&fields, "search_fitness_scale", scale);
    cs_jb_ki(&fields, "cells_without_cost", (long long)no_cost);
    if ((st = cs_jb_finish(&fields, err)))
        goto out;
    cs_opt_problem p = {.slots = 0,
                        .spots = CS_NB201_EDGES,
                        .num_ops = CS_NB201_NUM_OPS,
                        .slot_rate_div = 1.0,
                        .spot_rate_div = CS_NB201_EDGES,
                        .nclasses = CS_NB201_CELLS,
                        .raw_classes = nb201_classes,
                        .user = NULL,
                        .nrep = nrep,
                        .validation = val,
                        .cost = cost,
                        .mean_test = v.score,
                        .cost_unit = unit,
                        .data_name = ctx->data_name,
                        .benchmark = "NAS-Bench-201",
                        .epochs = 0,
                        .synthetic = cs_analysis_synthetic(ctx),
                        .fitness_what = fitness_what,
                        .score_what = score_what,
                        .json_fields = fields.buf};
    cs_opt_options o;
    cs_opt_options_init(&o);
    if (ctx->optimizer_runs > 0)
        o.runs = ctx->optimizer_runs;
    o.budget = NB201_BUDGET_QUERIES * mean_cost;
    o.grid_min = mean_cost;
    st = cs_analysis_optimizers_problem(ctx, &p, &o, outdir, err);
    cs_jb_free(&fields);
out:
    free(nrep);
    free(val);
    free(cost);
    cs_nb201_values_destroy(&v);
    return st;
}
