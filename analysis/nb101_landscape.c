/* The landscape analyses that need data: locality, distance to peaks, local
 * optima; and the edit-distance search over the raw encoding space they
 * share.
 *
 * Fitness.  A class's fitness is the mean over its repeats of the final
 * validation accuracy at the store's 108-epoch budget (its largest budget if
 * it has no 108): what a search sees.  The top cells of `peaks` follow the
 * paper and use the mean test accuracy.  Classes the dataset lacks have no
 * fitness: the walks treat their encodings like invalid ones, the optima
 * are taken on the neighbour graph restricted to classes with data, and
 * FDC, top cells and optima count only classes with data.
 *
 * Edit distance.  One edit flips one edge bit or changes one interior
 * operation (cs_landscape.h).  The paper's fraction of "the search space"
 * within distance d of a top cell is read as a fraction of all raw
 * encodings, valid or not, with distances through any encoding: the edit
 * distance is then a plain Hamming distance on the encoding (edge bits and
 * operations).  peaks also reports the valid encodings within distance d,
 * both under that metric and with paths kept on valid encodings. */
#include "analysis_writers.h"
#include "cs_landscape.h"
#include "landscape_internal.h"
#include "cs_parallel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_fitness.h"
#include "cs_stats.h"

/* --- fitness ------------------------------------------------------------------ */

typedef struct fitness {
    int budget;         /* epochs of the scores (and of the default fitness) */
    size_t nclasses;
    size_t with_data;   /* classes with a fitness */
    double *validation; /* the fitness climbed, per class; NaN without data */
    double *test;       /* the score beside it: mean test accuracy (NaN: none) */
    double *test_se;    /* standard error of the test mean (0 for one repeat) */
    double *se;         /* the caller's fitness's standard errors (0: none given) */
    bool caller;        /* the fitness is ctx->fitness, not mean validation accuracy */
    const char *name;   /* what the fitness is, for the outputs */
} fitness;

static void fitness_destroy(fitness *f)
{
    free(f->validation);
    free(f->test);
    free(f->test_se);
    free(f->se);
}

static cs_status fitness_init(fitness *f, const cs_analysis_ctx *ctx, const char *analysis,
                              cs_error *err)
{
    memset(f, 0, sizeof *f);
    bool have_store = ctx->store && ctx->class_entry;
    if (!have_store && !ctx->fitness)
        return cs_error_set(err, CS_ERR_ARG, "%s needs a dataset or a fitness", analysis);
    f->nclasses = cs_space_num_classes(ctx->space);
    f->validation = malloc((f->nclasses + 1) * sizeof *f->validation);
    f->test = malloc((f->nclasses + 1) * sizeof *f->test);
    f->test_se = malloc((f->nclasses + 1) * sizeof *f->test_se);
    if (!f->validation || !f->test || !f->test_se) {
        fitness_destroy(f);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    cs_status st = CS_OK;
    if (have_store) {
        f->budget = ctx->budget ? ctx->budget : cs_analysis_default_budget(ctx->store);
        if (f->budget < 0) {
            fitness_destroy(f);
            return cs_error_set(err, CS_ERR_FORMAT, "%s: the dataset has no budgets", analysis);
        }
        cs_metric_spec val = {CS_METRIC_VALIDATION_ACCURACY, false};
        cs_metric_spec test = {CS_METRIC_TEST_ACCURACY, false};
        if ((st = cs_analysis_fitness(ctx, &test, f->budget, CS_FITNESS_MEAN, f->test, f->test_se,
                                      &f->with_data, err)) ||
            (!ctx->fitness && (st = cs_analysis_fitness(ctx, &val, f->budget, CS_FITNESS_MEAN,
                                                        f->validation, NULL, NULL, err)))) {
            fitness_destroy(f);
            cs_error_prefix(err, "%s: ", analysis);
            return st;
        }
    } else {
        for (size_t c = 0; c < f->nclasses; c++) {
            f->test[c] = NAN;
            f->test_se[c] = 0.0;
        }
    }
    f->name = "mean final validation accuracy over repeats";
    if (ctx->fitness) {
        f->caller = true;
        f->name = ctx->fitness_name ? ctx->fitness_name : "the caller's fitness";
        f->with_data = 0;
        if (!(f->se = malloc((f->nclasses + 1) * sizeof *f->se))) {
            fitness_destroy(f);
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        }
        for (size_t c = 0; c < f->nclasses; c++) {
            f->validation[c] = ctx->fitness[c];
            f->se[c] = ctx->fitness_se ? ctx->fitness_se[c] : 0.0;
            f->with_data += !isnan(ctx->fitness[c]);
        }
        if (!f->with_data) {
            fitness_destroy(f);
            return cs_error_set(err, CS_ERR_ARG, "%s: no class of the space has a value of %s",
                                analysis, f->name);
        }
    }
    if (!f->with_data) {
        fitness_destroy(f);
        return cs_error_set(err, CS_ERR_ARG,
                            "%s: no class of the space has runs at %d epochs in the dataset",
                            analysis, f->budget);
    }
    return CS_OK;
}

/* The budget for the JSON: null when there is no dataset (a fitness
 * file alone: no epochs anywhere). */
/* The JSON field naming the fitness's budget ("budget": null for a
 * caller's fitness), in a new builder (cs_nb201_values_fields's way). */
static cs_status budget_field(const fitness *f, cs_jb *out, cs_error *err)
{
    cs_status st = cs_jb_init(out, err);
    if (st)
        return st;
    cs_jb_key(out, "budget");
    if (f->budget <= 0)
        cs_jb_null(out);
    else
        cs_jb_int(out, f->budget);
    return cs_jb_finish(out, err);
}

/* What every data analysis starts with: the fitness and the raw space. */
static cs_status landscape_begin(const cs_analysis_ctx *ctx, const char *analysis, fitness *fit,
                                 cs_rawspace *rs, cs_error *err)
{
    cs_status st = fitness_init(fit, ctx, analysis, err);
    if (st)
        return st;
    char phase[64];
    snprintf(phase, sizeof phase, "%s: raw encodings", analysis);
    cs_landscape_report(ctx, phase, 0.0);
    if ((st = cs_rawspace_init(rs, ctx->space, ctx->threads, &ctx->monitor, err)))
        fitness_destroy(fit);
    return st;
}

static void class_compact(const cs_space *sp, int64_t c, char *buf, size_t size)
{
    cs_cell cell;
    const cs_enum_result *res = cs_space_result(sp);
    cs_enum_class_cell(res, &res->classes[c], &cell);
    cs_cell_format_compact(&cell, buf, size);
}

static void class_namer(const void *user, int64_t c, char *buf, size_t size)
{
    class_compact(user, c, buf, size);
}

/* The fitness's names in the files: the default's are the paper's columns. */
static void fitness_names(const fitness *fit, const char **column, const char **short_name)
{
    *column = fit->caller ? "fitness" : "mean_validation";
    *short_name = fit->caller ? "fitness" : "validation";
}

/* The classes of the space as the graph-level analyses see them. */
static void class_fitness(cs_landscape_fitness *lf, const fitness *fit,
                          const cs_analysis_ctx *ctx, const char *what)
{
    const char *column, *short_name;
    fitness_names(fit, &column, &short_name);
    *lf = (cs_landscape_fitness){.n = fit->nclasses,
                                 .fitness = fit->validation,
                                 .score = fit->test,
                                 .fitness_what = what,
                                 .vertex_what = "class",
                                 .vertex_plural = "classes",
                                 .name_what = "cell",
                                 .fitness_column = column,
                                 .score_column = "mean_test",
                                 .fitness_short = short_name,
                                 .score_short = "test",
                                 .name = class_namer,
                                 .name_user = ctx->space};
}

/* What the locality files' RWA and FDC say they hold (size bytes each). */
static void locality_texts(const fitness *fit, char *rwa_what, char *fdc_what, size_t size)
{
    char beside[96] = "";
    if (fit->budget > 0)
        snprintf(beside, sizeof beside, " (and of the mean test accuracy at %d epochs)",
                 fit->budget);
    if (fit->caller) {
        snprintf(rwa_what, size,
                 "random-walk autocorrelation of %s%s along %d walks of %d single edits "
                 "in the raw encoding space (invalid encodings and classes without "
                 "fitness rejected)",
                 fit->name, beside, CS_LOCALITY_WALKS, CS_LOCALITY_STEPS);
        snprintf(fdc_what, size,
                 "classes with fitness by edit distance (Hamming distance of raw "
                 "encodings, nearest encodings) to the class of best %s",
                 fit->name);
    } else {
        snprintf(rwa_what, size,
                 "random-walk autocorrelation of the mean accuracy at %d epochs along %d "
                 "walks of %d single edits in the raw encoding space (invalid encodings "
                 "and classes without data rejected)",
                 fit->budget, CS_LOCALITY_WALKS, CS_LOCALITY_STEPS);
        snprintf(fdc_what, size,
                 "classes with data by edit distance (Hamming distance of raw encodings, "
                 "nearest encodings) to the class of best mean validation accuracy at %d "
                 "epochs",
                 fit->budget);
    }
}

cs_status cs_analysis_locality(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    fitness fit;
    cs_rawspace rs;
    cs_status st = landscape_begin(ctx, "locality", &fit, &rs, err);
    if (st)
        return st;
    cs_walks walks = {0};
    uint8_t *dist = malloc(rs.nclasses + 1);
    double *fx = malloc((fit.with_data + 1) * sizeof *fx);
    double *fd = malloc((fit.with_data + 1) * sizeof *fd);
    if (!dist || !fx || !fd) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (locality)");
        goto out;
    }
    cs_landscape_report(ctx, "locality: random walks", 0.0);
    if ((st = cs_walks_run(&walks, &rs, fit.validation, CS_LOCALITY_WALKS, CS_LOCALITY_STEPS,
                           ctx->seed, ctx->threads, &ctx->monitor, err)))
        goto out;
    double rwa_v[CS_LOCALITY_MAX_SHIFT + 1], rwa_t[CS_LOCALITY_MAX_SHIFT + 1];
    uint64_t npairs[CS_LOCALITY_MAX_SHIFT + 1], npairs_t[CS_LOCALITY_MAX_SHIFT + 1];
    if ((st = cs_landscape_walk_autocorrelation(walks.path, walks.len, walks.nwalks,
                                                fit.validation, CS_LOCALITY_MAX_SHIFT,
                                                ctx->threads, rwa_v, npairs, err)) ||
        (st = cs_landscape_walk_autocorrelation(walks.path, walks.len, walks.nwalks, fit.test,
                                                CS_LOCALITY_MAX_SHIFT, ctx->threads, rwa_t,
                                                npairs_t, err)))
        goto out;
    uint64_t nrestart = 0;
    for (int w = 0; w < walks.nwalks; w++)
        nrestart += walks.restarts[w];
    size_t visited = cs_walks_visited(&walks, rs.nclasses);

    /* fitness-distance correlation: edit distance to the best class */
    cs_landscape_report(ctx, "locality: distances to the best cell", 0.0);
    cs_fdc fdc;
    if ((st = cs_landscape_fdc(&fdc, &rs, fit.validation, ctx->threads, dist, ctx, err)))
        goto out;
    size_t nf = 0;
    for (size_t c = 0; c < fit.nclasses; c++)
        if (!isnan(fit.validation[c])) {
            fx[nf] = fit.validation[c];
            fd[nf++] = dist[c];
        }

    /* files */
    {
        char rwa_what[512], fdc_what[512];
        locality_texts(&fit, rwa_what, fdc_what, sizeof rwa_what);
        cs_jb extra;
        if ((st = budget_field(&fit, &extra, err)))
            goto out;
        cs_landscape_fitness lf;
        class_fitness(&lf, &fit, ctx, fit.name);
        cs_locality_result lr = {.rwa_fitness = rwa_v,
                                 .rwa_score = rwa_t,
                                 .npairs = npairs,
                                 .rwa_what = rwa_what,
                                 .fdc_what = fdc_what,
                                 .fdc_distance = "edit distance between raw encodings (Hamming), "
                                                 "nearest encodings of the class and of the best "
                                                 "cell",
                                 .fx = fx,
                                 .fd = fd,
                                 .nf = nf,
                                 .walks = CS_LOCALITY_WALKS,
                                 .steps = CS_LOCALITY_STEPS,
                                 .restarts = nrestart,
                                 .visited = visited,
                                 .best = fdc.best};
        st = cs_landscape_locality_write(ctx, outdir, &lf, &lr, extra.buf, err);
        cs_jb_free(&extra);
    }
out:
    cs_walks_destroy(&walks);
    free(dist);
    free(fx);
    free(fd);
    cs_rawspace_destroy(&rs);
    fitness_destroy(&fit);
    return st;
}

/* --- distance to peaks ----------------------------------------------------------
 * Top cells (the paper's): classes whose mean test accuracy (or the caller's
 * fitness, with its standard errors if given) is within two
 * standard errors of the best class's, the standard error being that of the
 * best class's mean over its repeats (sample standard deviation / sqrt(r)).
 * The fraction of the space within edit distance d of a top cell is exact:
 * a multi-source search from every encoding of every top cell. */

/* The peaks analysis: the top cells (within two standard errors of the
 * best by key) and the edit distances from their encodings. */
typedef struct peaks {
    const fitness *fit;
    const cs_rawspace *rs;
    const double *key, *kse; /* what ranks the cells, its standard error */
    char key_what[256];
    int64_t best;
    double threshold;
    cs_ranked *tops; /* the top cells, best first */
    size_t ntop;
    uint64_t *enc;   /* raw encodings per class */
    cs_raw_bfs_result *all, *valid; /* through any encoding; valid ones only */
    uint64_t raw;    /* raw encodings in all */
    double frac6, frac6v, frac6p; /* within distance 6 (or the largest) */
} peaks;

/* peaks_distance.tsv; sets the fractions within distance 6. */
static cs_status peaks_distance_tsv(const cs_analysis_ctx *ctx, const char *outdir, peaks *pk,
                                    cs_error *err)
{
    const cs_rawspace *rs = pk->rs;
    const cs_raw_bfs_result *all = pk->all, *valid = pk->valid;
    cs_outfile out;
    char what[1024];
    snprintf(what, sizeof what,
             "encodings within edit distance d of an encoding of a top cell (%zu cells within "
             "2 standard errors of the best %s); within: "
             "distances through any encoding, as a fraction of all %llu raw encodings, and "
             "valid ones of the %llu valid; valid_paths: paths through valid encodings only",
             pk->ntop, pk->key_what, (unsigned long long)pk->raw,
             (unsigned long long)rs->valid_encodings);
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "peaks_distance.tsv", what,
                                        "distance\tencodings\twithin\tfraction_within\t"
                                        "valid_within\tfraction_valid_within\t"
                                        "valid_paths_within\tfraction_valid_paths_within",
                                        &out, err);
    if (st)
        return st;
    int maxd = all->max_distance > valid->max_distance ? all->max_distance
                                                        : valid->max_distance;
    uint64_t cum = 0, cumv = 0, cump = 0;
    pk->frac6 = pk->frac6v = pk->frac6p = NAN;
    for (int d = 0; d <= maxd; d++) {
        cum += all->reached[d];
        cumv += all->reached_valid[d];
        cump += valid->reached[d];
        double f = (double)cum / (double)pk->raw,
               fv = (double)cumv / (double)rs->valid_encodings,
               fp = (double)cump / (double)rs->valid_encodings;
        if (d == 6 || (d == maxd && d < 6)) {
            pk->frac6 = f;
            pk->frac6v = fv;
            pk->frac6p = fp;
        }
        fprintf(out.f, "%d\t%llu\t%llu\t", d, (unsigned long long)all->reached[d],
                (unsigned long long)cum);
        cs_landscape_put_num(out.f, f);
        fprintf(out.f, "\t%llu\t", (unsigned long long)cumv);
        cs_landscape_put_num(out.f, fv);
        fprintf(out.f, "\t%llu\t", (unsigned long long)cump);
        cs_landscape_put_num(out.f, fp);
        fputc('\n', out.f);
    }
    return cs_analysis_close(&out, err);
}

/* peaks_top.tsv: the top cells, best first. */
static cs_status peaks_top_tsv(const cs_analysis_ctx *ctx, const char *outdir, const peaks *pk,
                               cs_error *err)
{
    cs_outfile out;
    char what[1024];
    snprintf(what, sizeof what, "top cells: %s within 2 standard errors of the best",
             pk->key_what);
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "peaks_top.tsv", what,
                                        pk->fit->caller
                                            ? "class\tcell\tfitness\tfitness_standard_error"
                                              "\tencodings"
                                            : "class\tcell\tmean_test\ttest_standard_error"
                                              "\tencodings",
                                        &out, err);
    if (st)
        return st;
    for (size_t i = 0; i < pk->ntop; i++) {
        int64_t c = pk->tops[i].c;
        char cell[128];
        class_compact(ctx->space, c, cell, sizeof cell);
        fprintf(out.f, "%lld\t%s\t", (long long)c, cell);
        cs_landscape_put_num(out.f, pk->key[c]);
        fputc('\t', out.f);
        cs_landscape_put_num(out.f, pk->kse[c]);
        fprintf(out.f, "\t%llu\n", (unsigned long long)pk->enc[c]);
    }
    return cs_analysis_close(&out, err);
}

/* peaks.json: the best cell, the threshold, the counts and fractions. */
static cs_status peaks_json(const cs_analysis_ctx *ctx, const char *outdir, const peaks *pk,
                            cs_error *err)
{
    const fitness *fit = pk->fit;
    char cell[128];
    class_compact(ctx->space, pk->best, cell, sizeof cell);
    const char *kname = fit->caller ? "fitness" : "mean_test";
    const char *sename = fit->caller ? "fitness" : "test";
    cs_jb j;
    cs_status st = cs_jb_init(&j, err);
    if (st)
        return st;
    if (fit->caller)
        cs_jb_ks(&j, "fitness", fit->name);
    cs_jb_key(&j, "budget");
    if (fit->budget > 0)
        cs_jb_int(&j, fit->budget);
    else
        cs_jb_num(&j, NAN); /* null: a fitness file alone has no epochs */
    cs_jb_ki(&j, "best_class", (long long)pk->best);
    cs_jb_ks(&j, "best_cell", cell);
    cs_jb_keyf(&j, "best_%s", kname);
    cs_jb_num(&j, pk->key[pk->best]);
    cs_jb_keyf(&j, "best_%s_standard_error", sename);
    cs_jb_num(&j, pk->kse[pk->best]);
    cs_jb_kn(&j, "threshold", pk->threshold);
    cs_jb_ki(&j, "top_cells", (long long)pk->ntop);
    cs_jb_ki(&j, "top_encodings", (long long)pk->all->reached[0]);
    cs_jb_ki(&j, "raw_encodings", (long long)pk->raw);
    cs_jb_ki(&j, "valid_encodings", (long long)pk->rs->valid_encodings);
    cs_jb_ks(&j, "space_reading",
             "fraction_within: all raw encodings, valid or not, distances through any "
             "encoding (Hamming distance of encodings); valid_paths: valid encodings, paths "
             "through valid encodings only");
    cs_jb_kn(&j, "fraction_within_6", pk->frac6);
    cs_jb_kn(&j, "fraction_valid_within_6", pk->frac6v);
    cs_jb_kn(&j, "fraction_valid_paths_within_6", pk->frac6p);
    cs_jb_ki(&j, "max_distance", pk->all->max_distance);
    cs_jb_ki(&j, "max_distance_valid_paths", pk->valid->max_distance);
    return cs_jb_commit(ctx, outdir, "peaks.json", "peaks", &j, err);
}

cs_status cs_analysis_peaks(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    fitness fit;
    cs_rawspace rs;
    cs_status st = landscape_begin(ctx, "peaks", &fit, &rs, err);
    if (st)
        return st;
    peaks pk = {.fit = &fit, .rs = &rs};
    /* what ranks the cells: the paper's mean test accuracy, or the caller's fitness */
    pk.key = fit.caller ? fit.validation : fit.test;
    pk.kse = fit.caller ? fit.se : fit.test_se;
    if (fit.caller)
        snprintf(pk.key_what, sizeof pk.key_what, "%s", fit.name);
    else
        snprintf(pk.key_what, sizeof pk.key_what, "mean test accuracy at %d epochs",
                 fit.budget);
    pk.best = cs_landscape_best(pk.key, fit.nclasses);
    if (pk.best < 0) { /* fitness_init saw a class with data */
        cs_rawspace_destroy(&rs);
        fitness_destroy(&fit);
        return cs_error_set(err, CS_ERR_ARG, "peaks: no class with data");
    }
    pk.threshold = pk.key[pk.best] - 2.0 * pk.kse[pk.best];
    uint8_t *top = calloc(fit.nclasses + 1, 1);
    pk.enc = calloc(fit.nclasses + 1, sizeof *pk.enc);
    pk.tops = malloc((fit.with_data + 1) * sizeof *pk.tops);
    pk.all = malloc(sizeof *pk.all);
    pk.valid = malloc(sizeof *pk.valid);
    if (!top || !pk.enc || !pk.tops || !pk.all || !pk.valid) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (peaks)");
        goto out;
    }
    for (size_t c = 0; c < fit.nclasses; c++)
        if (!isnan(pk.key[c]) && pk.key[c] >= pk.threshold) {
            top[c] = 1;
            pk.tops[pk.ntop++] = (cs_ranked){pk.key[c], (int64_t)c};
        }
    qsort(pk.tops, pk.ntop, sizeof *pk.tops, cs_ranked_cmp);
    for (uint32_t tab = 0; tab < rs.ntables; tab++)
        for (uint32_t t = 0; t < rs.labellings; t++) {
            int32_t c = rs.tables[(size_t)tab * rs.labellings + t];
            if (c >= 0)
                pk.enc[c] += rs.table_count[tab];
        }
    cs_landscape_report(ctx, "peaks: edit distances, all encodings", 0.0);
    if ((st = cs_raw_bfs(&rs, top, false, ctx->threads, pk.all, NULL, ctx, err)))
        goto out;
    cs_landscape_report(ctx, "peaks: edit distances, valid encodings only", 0.0);
    if ((st = cs_raw_bfs(&rs, top, true, ctx->threads, pk.valid, NULL, ctx, err)))
        goto out;
    pk.raw = rs.matrices * rs.labellings;
    if (!(st = peaks_distance_tsv(ctx, outdir, &pk, err)) &&
        !(st = peaks_top_tsv(ctx, outdir, &pk, err)))
        st = peaks_json(ctx, outdir, &pk, err);
out:
    free(top);
    free(pk.enc);
    free(pk.tops);
    free(pk.all);
    free(pk.valid);
    cs_rawspace_destroy(&rs);
    fitness_destroy(&fit);
    return st;
}


cs_status cs_analysis_optima(const cs_analysis_ctx *ctx, const char *outdir, cs_error *err)
{
    fitness fit;
    cs_rawspace rs;
    cs_nbgraph g;
    cs_status st = landscape_begin(ctx, "optima", &fit, &rs, err);
    if (st)
        return st;
    cs_landscape_report(ctx, "optima: neighbour graph", 0.0);
    if (!(st = cs_nbgraph_build(&g, &rs, ctx->threads, &ctx->monitor, err))) {
        char what[256];
        if (fit.caller)
            snprintf(what, sizeof what, "%s", fit.name);
        else
            snprintf(what, sizeof what, "mean validation accuracy at %d epochs", fit.budget);
        cs_jb extra;
        if (!(st = budget_field(&fit, &extra, err))) {
            cs_landscape_fitness lf;
            class_fitness(&lf, &fit, ctx, what);
            st = cs_landscape_optima_write(ctx, outdir, &g, &lf, extra.buf, err);
            cs_jb_free(&extra);
        }
        cs_nbgraph_destroy(&g);
    }
    cs_rawspace_destroy(&rs);
    fitness_destroy(&fit);
    return st;
}
