/* What every NAS-Bench-201 analysis starts from: the values it reads from
 * the data, the graph of cells one edit apart, and cells' names. */
#include "analysis_writers.h"
#include "cs_nb201_analysis.h"
#include "nb201_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_fitness.h"
#include "cs_nb201.h"
#include "cs_nb201_data.h"

void cs_nb201_name_index(const void *user, int64_t v, char *buf, size_t size)
{
    (void)user;
    cs_nb201_cell c;
    if (v < 0 || !cs_nb201_from_index((uint32_t)v, &c))
        snprintf(buf, size, "none");
    else
        cs_nb201_format(&c, buf, size);
}

cs_status cs_nb201_cell_graph(cs_nbgraph *g, cs_error *err)
{
    enum { CBITS = 14 };
    size_t nk = 0;
    uint64_t *keys = malloc((size_t)CS_NB201_CELLS * CS_NB201_DEGREE / 2 * sizeof *keys);
    if (!keys)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (cell graph)");
    for (uint32_t i = 0; i < CS_NB201_CELLS; i++) {
        cs_nb201_cell c, d[CS_NB201_DEGREE];
        cs_nb201_from_index(i, &c);
        for (int k = cs_nb201_edits(&c, d) - 1; k >= 0; k--) {
            uint32_t j = cs_nb201_index(&d[k]);
            if (i < j)
                keys[nk++] = (uint64_t)i << CBITS | j;
        }
    }
    cs_status st = cs_nbgraph_from_pairs(g, CS_NB201_CELLS, keys, nk, CBITS, err);
    free(keys);
    return st;
}

void cs_nb201_values_destroy(cs_nb201_values *v)
{
    free(v->fitness);
    free(v->score);
    free(v->cost);
    memset(v, 0, sizeof *v);
}

/* The metric the user named for dataset ds, or an error listing what the
 * dataset has. */
static cs_status named_metric(const cs_nb201_values *v, const cs_analysis_ctx *ctx,
                              const char *analysis, const char *name, const char *have, int *m,
                              cs_error *err)
{
    if ((*m = cs_nb201_data_metric_of(ctx->nb201, v->dataset, name)) >= 0)
        return CS_OK;
    return cs_error_set(err, CS_ERR_ARG, "%s: dataset %s of %s has no metric '%s' (it has: %s)",
                        analysis, v->dataset_name, ctx->data_name, name, have);
}

/* The dataset the user named (default the first), or an error listing the
 * datasets the data has. */
static cs_status pick_dataset(const cs_nb201_data *d, const cs_analysis_ctx *ctx,
                              const char *analysis, int *ds, cs_error *err)
{
    *ds = 0;
    if (!ctx->nb201_dataset)
        return CS_OK;
    if ((*ds = cs_nb201_data_find_dataset(d, ctx->nb201_dataset)) >= 0)
        return CS_OK;
    char have[1024];
    size_t len = 0;
    have[0] = '\0';
    for (int i = 0; i < cs_nb201_data_num_datasets(d) && len < sizeof have; i++)
        len += (size_t)snprintf(have + len, sizeof have - len, "%s%s",
                                len ? ", " : "", cs_nb201_data_dataset(d, i));
    return cs_error_set(err, CS_ERR_ARG, "%s: no dataset '%s' in %s (it has: %s)",
                        analysis, ctx->nb201_dataset, ctx->data_name, have);
}

/* The metric indices of fitness (-1: the caller's own), score and cost (-1:
 * one per query).  Defaults fall back as documented: fitness to test
 * accuracy when there is no validation accuracy, which the outputs then
 * flag; score to the fitness when there is no test accuracy. */
static cs_status pick_metrics(cs_nb201_values *v, const cs_analysis_ctx *ctx,
                              const char *analysis, const char *have, int *fm, int *sm,
                              int *cm, cs_error *err)
{
    const cs_nb201_data *d = ctx->nb201;
    int ds = v->dataset;
    cs_status st;
    if (ctx->fitness) {
        *fm = -1; /* the caller's, per API index */
    } else if (ctx->nb201_fitness) {
        if ((st = named_metric(v, ctx, analysis, ctx->nb201_fitness, have, fm, err)))
            return st;
    } else if ((*fm = cs_nb201_data_metric_of(d, ds, CS_NB201_FITNESS_DEFAULT)) < 0) {
        *fm = cs_nb201_data_metric_of(d, ds, CS_NB201_SCORE_DEFAULT);
        v->fitness_fallback = true;
        if (*fm < 0)
            return cs_error_set(err, CS_ERR_ARG,
                                "%s: dataset %s of %s has neither %s nor %s (it has: %s); "
                                "name the fitness metric", analysis, v->dataset_name,
                                ctx->data_name, CS_NB201_FITNESS_DEFAULT,
                                CS_NB201_SCORE_DEFAULT, have);
    }
    if (ctx->nb201_score) {
        if ((st = named_metric(v, ctx, analysis, ctx->nb201_score, have, sm, err)))
            return st;
    } else if ((*sm = cs_nb201_data_metric_of(d, ds, CS_NB201_SCORE_DEFAULT)) < 0) {
        if (*fm < 0)
            return cs_error_set(err, CS_ERR_ARG,
                                "%s: dataset %s of %s has no %s (it has: %s); name the score "
                                "metric", analysis, v->dataset_name, ctx->data_name,
                                CS_NB201_SCORE_DEFAULT, have);
        *sm = *fm;
    }
    if (ctx->nb201_cost) {
        if ((st = named_metric(v, ctx, analysis, ctx->nb201_cost, have, cm, err)))
            return st;
    } else
        *cm = cs_nb201_data_metric_of(d, ds, CS_NB201_COST_DEFAULT);
    return CS_OK;
}

/* Copies the chosen metrics' per-cell means into v.  A cell lacking fitness
 * or score gets NaN in all three, so every analysis skips the same cells. */
static cs_status fill_values(cs_nb201_values *v, const cs_analysis_ctx *ctx,
                             const char *analysis, int fm, int sm, int cm, cs_error *err)
{
    const cs_nb201_data *d = ctx->nb201;
    int ds = v->dataset;
    v->fitness = malloc(CS_NB201_CELLS * sizeof *v->fitness);
    v->score = malloc(CS_NB201_CELLS * sizeof *v->score);
    v->cost = malloc(CS_NB201_CELLS * sizeof *v->cost);
    if (!v->fitness || !v->score || !v->cost) {
        cs_nb201_values_destroy(v);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    const double *f = fm >= 0 ? cs_nb201_data_means(d, ds, fm) : ctx->fitness,
                 *s = cs_nb201_data_means(d, ds, sm),
                 *c = cm >= 0 ? cs_nb201_data_means(d, ds, cm) : NULL;
    for (size_t i = 0; i < CS_NB201_CELLS; i++) {
        bool ok = !isnan(f[i]) && !isnan(s[i]);
        v->fitness[i] = ok ? f[i] : NAN;
        v->score[i] = ok ? s[i] : NAN;
        v->cost[i] = ok ? (c ? c[i] : 1.0) : NAN;
        v->with_data += ok;
    }
    if (!v->with_data) {
        /* the message first: destroying v forgets its metric's name */
        cs_error_set(err, CS_ERR_ARG, "%s: no cell has both %s and %s for dataset %s in %s",
                     analysis, v->fitness_metric, cs_nb201_data_metric(d, sm),
                     cs_nb201_data_dataset(d, ds), ctx->data_name);
        cs_nb201_values_destroy(v);
        return CS_ERR_ARG;
    }
    return CS_OK;
}

cs_status cs_nb201_values_init(cs_nb201_values *v, const cs_analysis_ctx *ctx,
                               const char *analysis, cs_error *err)
{
    memset(v, 0, sizeof *v);
    const cs_nb201_data *d = ctx->nb201;
    if (!d)
        return cs_error_set(err, CS_ERR_ARG,
                            "%s needs NAS-Bench-201 results (a CSV: doc/nb201-csv.md)",
                            analysis);
    int ds, fm = -1, sm = -1, cm = -1; /* pick_metrics sets them all on success */
    cs_status st = pick_dataset(d, ctx, analysis, &ds, err);
    if (st)
        return st;
    v->dataset = ds;
    v->dataset_name = cs_nb201_data_dataset(d, ds);
    char have[1024];
    cs_nb201_data_list_metrics(d, ds, have, sizeof have);
    if ((st = pick_metrics(v, ctx, analysis, have, &fm, &sm, &cm, err)))
        return st;
    v->fitness_metric = fm >= 0 ? cs_nb201_data_metric(d, fm)
                        : ctx->fitness_name ? ctx->fitness_name : "the caller's fitness";
    v->score_metric = cs_nb201_data_metric(d, sm);
    v->cost_metric = cm >= 0 ? cs_nb201_data_metric(d, cm) : NULL;
    return fill_values(v, ctx, analysis, fm, sm, cm, err);
}

void cs_nb201_values_describe(const cs_nb201_values *v, char *buf, size_t size)
{
    snprintf(buf, size, "%s of dataset %s%s", v->fitness_metric, v->dataset_name,
             v->fitness_fallback ? " (no validation accuracy in the data: test accuracy)" : "");
}

void cs_nb201_values_fitness(const cs_nb201_values *v, cs_landscape_fitness *lf,
                             const char *fitness_what)
{
    *lf = (cs_landscape_fitness){.n = CS_NB201_CELLS,
                                 .fitness = v->fitness,
                                 .score = v->score,
                                 .fitness_what = fitness_what,
                                 .vertex_what = "cell",
                                 .vertex_plural = "cells",
                                 .name_what = "arch",
                                 .fitness_column = "fitness",
                                 .score_column = "score",
                                 .fitness_short = "fitness",
                                 .score_short = "score",
                                 .name = cs_nb201_name_index,
                                 .name_user = NULL};
}

/* The fields every data analysis's JSON starts with. */
void cs_nb201_values_put(cs_jb *j, const cs_nb201_values *v)
{
    cs_jb_ks(j, "space", "NAS-Bench-201");
    cs_jb_ks(j, "dataset", v->dataset_name);
    cs_jb_ks(j, "fitness_metric", v->fitness_metric);
    cs_jb_kb(j, "fitness_is_test_accuracy", v->fitness_fallback);
    cs_jb_ks(j, "score_metric", v->score_metric);
    cs_jb_key(j, "cost_metric");
    if (v->cost_metric)
        cs_jb_str(j, v->cost_metric);
    else
        cs_jb_null(j);
}

cs_status cs_nb201_values_fields(const cs_nb201_values *v, cs_jb *fields, cs_error *err)
{
    cs_status st = cs_jb_init(fields, err);
    if (st)
        return st;
    cs_nb201_values_put(fields, v);
    return cs_jb_finish(fields, err);
}

static int64_t arch_lookup(void *user, const char *key, size_t len)
{
    (void)user;
    cs_nb201_cell c;
    if (cs_nb201_parse(key, len, &c, NULL))
        return -1;
    return (int64_t)cs_nb201_index(&c);
}

cs_status cs_nb201_fitness_file(const char *path, double *out, size_t *with_data,
                                cs_error *err)
{
    return cs_fitness_file_read(path, "arch", CS_NB201_CELLS, arch_lookup, NULL, out,
                                with_data, err);
}
