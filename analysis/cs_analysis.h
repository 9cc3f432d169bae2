/* cellscape analysis/: every analysis of the NAS-Bench-101 paper, and the
 * landscape beyond it.
 *
 * Each analysis is a function with one contract: given a context (the
 * space, and a store for those that need data), write its results into a
 * directory as TSV files (for gnuplot and scripts) and one JSON file of
 * headline numbers, each written atomically.  Every file says where its
 * data came from, and says SYNTHETIC when the store is.
 *
 * TSV layout: comment lines starting with '#' (what, source, synthetic or
 * real, seed), then one header row of column names, then tab-separated rows.
 * gnuplot reads them with `set datafile separator "\t"` and
 * `set key autotitle columnhead`. */
#ifndef CS_ANALYSIS_H
#define CS_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cs_error.h"
#include "cs_io.h"
#include "cs_space.h"
#include "cs_store.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cs_nb201_data;

typedef struct cs_analysis_ctx {
    const cs_space *space;       /* required by the NAS-Bench-101 analyses */
    const cs_store *store;       /* NULL: structure-only analyses */
    const char *data_name;       /* how outputs name the data source */
    uint64_t seed;               /* every random choice derives from it */
    int threads;                 /* 0: one per core */
    int optimizer_runs;          /* runs per NAS optimiser; 0: the paper's 500 */
    bool synthetic;              /* label the data SYNTHETIC even if the store is not
                                    marked (e.g. a file of made-up values from elsewhere) */
    /* Filled by cs_analysis_ctx_init when there is a store: the store entry
     * of every class of the space (-1 if the dataset lacks it), and back. */
    int64_t *class_entry;
    int64_t *entry_class;
    /* The NAS-Bench-201 analyses (cs_nb201_analysis.h): their data (NULL:
     * structure only) and which of its columns they read (NULL: the
     * defaults there). */
    const struct cs_nb201_data *nb201;
    const char *nb201_dataset, *nb201_fitness, *nb201_score, *nb201_cost;
    /* A fitness the caller brings (a metric of the store at some budget, a
     * predictor's score, a file): one value per class of the space (for
     * NAS-Bench-201: per cell in API index order), NaN where there is none.
     * NULL: each analysis's default (NAS-Bench-101: mean final validation
     * accuracy at 108 epochs).  fitness_name says what it is in every
     * output ("validation-accuracy@108", "file:scores.tsv"); the caller
     * keeps both alive while the context is used. */
    const double *fitness;
    const char *fitness_name;
    /* The standard error of each value of fitness (NULL: 0), for the
     * analyses that take "within 2 standard errors of the best" (peaks). */
    const double *fitness_se;
    /* The budget (epochs) the default fitness and the scores beside it
     * read; 0: 108, or the store's largest if it lacks 108. */
    int budget;
    /* cancel polled by the computations that take long (the optimisers,
     * between runs) */
    cs_monitor monitor;
} cs_analysis_ctx;

/* store may be NULL.  Fails if a store entry is not a class of the space. */
cs_status cs_analysis_ctx_init(cs_analysis_ctx *ctx, const cs_space *space,
                               const cs_store *store, cs_error *err);
void cs_analysis_ctx_destroy(cs_analysis_ctx *ctx);

bool cs_analysis_synthetic(const cs_analysis_ctx *ctx);

typedef cs_status (*cs_analysis_fn)(const cs_analysis_ctx *ctx, const char *outdir,
                                    cs_error *err);

/* How an analysis uses a caller's fitness (cs_analysis_ctx.fitness). */
typedef enum cs_analysis_fitness_use {
    CS_FITNESS_UNUSED = 0, /* reads fixed metrics, or none */
    CS_FITNESS_WITH_DATA,  /* climbs the fitness; still needs the data (scores, costs) */
    CS_FITNESS_ALONE       /* a fitness suffices: runs without data when given one */
} cs_analysis_fitness_use;

typedef struct cs_analysis_info {
    const char *name;      /* as in `cellscape analyze NAME` */
    const char *summary;   /* one line for --help */
    bool needs_data;       /* needs a store (or, for CS_FITNESS_ALONE, a fitness) */
    cs_analysis_fn run;
    cs_analysis_fitness_use fitness;
} cs_analysis_info;

/* The registry, in the order a report runs them. */
const cs_analysis_info *cs_analysis_list(size_t *count);
const cs_analysis_info *cs_analysis_find(const char *name);
/* The NAS-Bench-201 registry (cs_nb201_analysis.h), in report order. */
const cs_analysis_info *cs_analysis_nb201_list(size_t *count);
const cs_analysis_info *cs_analysis_nb201_find(const char *name);
/* The JSON file an analysis writes: its name with '-' as '_', ".json". */
void cs_analysis_json_file(const cs_analysis_info *a, char *buf, size_t size);

/* --- writing results ------------------------------------------------------ */

/* Open outdir/file for writing (atomically) and write the comment lines
 * (`what`, the data source, SYNTHETIC or real, the seed) and the header row
 * `columns` (tab-separated names). */
cs_status cs_analysis_tsv_open(const cs_analysis_ctx *ctx, const char *outdir,
                               const char *file, const char *what, const char *columns,
                               cs_outfile *out, cs_error *err);
/* Write a double with round-trip precision (shortest that reads back). */
void cs_analysis_put_double(FILE *f, double d);
/* Commit a file opened above. */
cs_status cs_analysis_close(cs_outfile *out, cs_error *err);

/* Write outdir/file as the JSON object text `body` (without braces: a list
 * of "key": value pairs) plus the analysis name, data source and a
 * "synthetic" flag, atomically. */
cs_status cs_analysis_json_write(const cs_analysis_ctx *ctx, const char *outdir,
                                 const char *file, const char *analysis,
                                 const char *body, cs_error *err);

/* How files name their data: the source's name, the benchmark whose
 * results it holds (NULL: no data, the space's structure) and whether it
 * is synthetic.  The writers above take it from a context; the _as forms
 * take it given (the optimisers on a problem, cs_optimizers.h). */
typedef struct cs_analysis_source {
    const char *name;
    const char *benchmark;
    bool synthetic;
} cs_analysis_source;

cs_analysis_source cs_analysis_source_of(const cs_analysis_ctx *ctx);
cs_status cs_analysis_tsv_open_as(const cs_analysis_source *src, uint64_t seed,
                                  const char *outdir, const char *file, const char *what,
                                  const char *columns, cs_outfile *out, cs_error *err);
cs_status cs_analysis_json_write_as(const cs_analysis_source *src, uint64_t seed,
                                    const char *outdir, const char *file,
                                    const char *analysis, const char *body, cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
