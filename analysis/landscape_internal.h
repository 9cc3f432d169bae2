/* cellscape analysis/: what the landscape files share and users do not see
 * (not installed). */
#ifndef CS_LANDSCAPE_INTERNAL_H
#define CS_LANDSCAPE_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "cs_analysis.h"
#include "cs_landscape.h"

static inline void cs_landscape_report(const cs_analysis_ctx *ctx, const char *phase,
                                       double done)
{
    if (ctx)
        cs_monitor_progress(&ctx->monitor, phase, done);
}

/* A TSV number: round-trip precision, "nan" for NaN. */
void cs_landscape_put_num(FILE *f, double d);

/* w emptied, then its arrays for nwalks walks of up to `steps` steps
 * (each path holds 2 * steps + 2 entries: a restart adds a separator);
 * CS_ERR_LIMIT / CS_ERR_NOMEM with w empty. */
cs_status cs_walks_alloc(cs_walks *w, int nwalks, int steps, cs_error *err);

/* A vertex and the key it is ranked by. */
typedef struct cs_ranked {
    double key;
    int64_t c;
} cs_ranked;

/* qsort order: descending key, then ascending vertex. */
int cs_ranked_cmp(const void *a, const void *b);

/* The vertex of highest x (the lowest index among ties), -1 if all NaN. */
int64_t cs_landscape_best(const double *x, size_t n);

/* --- the graph-level analyses, for any neighbour graph --------------------
 * The NAS-Bench-101 analyses above and the NAS-Bench-201 ones
 * (cs_nb201_analysis.h) build their graph and fitness, then share these. */

/* Degrees, components (igraph) and distances from sampled sources of g:
 * neighbours_degree.tsv, neighbours_components.tsv, neighbours_distance.tsv
 * and neighbours.json, which gets the fields of extra_json (a list of
 * "key": value pairs, may be NULL) too. */
cs_status cs_nbgraph_analyse(const cs_analysis_ctx *ctx, const char *outdir,
                             const cs_nbgraph *g, const char *extra_json, cs_error *err);

/* A fitness on the vertices of a neighbour graph, and how to name them. */
typedef struct cs_landscape_fitness {
    size_t n;                   /* vertices */
    const double *fitness;      /* what a search climbs; NaN: no data */
    const double *score;        /* reported beside it (test accuracy) */
    const char *fitness_what;   /* "mean validation accuracy at 108 epochs" */
    const char *vertex_what;    /* "class": a column, "global_best_class" */
    const char *vertex_plural;  /* "classes": "classes_with_data", "isolated_classes" */
    const char *name_what;      /* "cell": the column and keys of a vertex's name */
    const char *fitness_column; /* "mean_validation" */
    const char *score_column;   /* "mean_test" */
    const char *fitness_short;  /* "validation": rwa_validation, best_validation */
    const char *score_short;    /* "test" */
    void (*name)(const void *user, int64_t v, char *buf, size_t size);
    const void *name_user;
} cs_landscape_fitness;

/* Local optima of lf's fitness on g restricted to vertices with fitness,
 * and their basins under steepest ascent (ties to the lowest index):
 * optima.tsv, optima_basins.tsv, optima.json (plus extra_json's fields). */
cs_status cs_landscape_optima_write(const cs_analysis_ctx *ctx, const char *outdir,
                                    const cs_nbgraph *g, const cs_landscape_fitness *lf,
                                    const char *extra_json, cs_error *err);

/* A locality analysis's results, for its files. */
typedef struct cs_locality_result {
    const double *rwa_fitness, *rwa_score; /* [CS_LOCALITY_MAX_SHIFT + 1] */
    const uint64_t *npairs;                /* pairs at each shift */
    const char *rwa_what, *fdc_what;       /* the TSV files' comment lines */
    const char *fdc_distance;              /* what the distance is, for the JSON */
    const double *fx, *fd;                 /* fitness and distance to the best vertex */
    size_t nf;                             /* of every vertex with data */
    int walks, steps;
    uint64_t restarts;                     /* walks stuck, restarted */
    size_t visited;                        /* vertices the walks visited */
    int64_t best;                          /* the vertex of best fitness */
} cs_locality_result;

/* locality_rwa.tsv, locality_fdc.tsv and locality.json (with the
 * fitness-distance correlations, Pearson and Spearman). */
cs_status cs_landscape_locality_write(const cs_analysis_ctx *ctx, const char *outdir,
                                      const cs_landscape_fitness *lf,
                                      const cs_locality_result *r, const char *extra_json,
                                      cs_error *err);

#endif
