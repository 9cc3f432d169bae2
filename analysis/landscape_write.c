/* The files of the graph-level landscape analyses, shared by both spaces:
 * locality (autocorrelation, fitness-distance correlation) and local optima. */
#include "analysis_writers.h"
#include "cs_landscape.h"
#include "landscape_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_stats.h"

void cs_landscape_put_num(FILE *f, double d)
{
    if (isnan(d))
        fputs("nan", f);
    else
        cs_analysis_put_double(f, d);
}

/* The files of a locality analysis (cs_landscape.h). */
cs_status cs_landscape_locality_write(const cs_analysis_ctx *ctx, const char *outdir,
                                      const cs_landscape_fitness *lf,
                                      const cs_locality_result *r, const char *extra_json,
                                      cs_error *err)
{
    cs_fdc fdc;
    cs_status st = cs_fdc_compute(&fdc, r->fx, r->fd, r->nf, err);
    if (st)
        return st;
    int maxd = fdc.n ? (int)fdc.max_distance : 0;
    cs_outfile out;
    char columns[256];
    snprintf(columns, sizeof columns, "shift\tpairs\trwa_%s\trwa_%s", lf->fitness_short,
             lf->score_short);
    if ((st = cs_analysis_tsv_open(ctx, outdir, "locality_rwa.tsv", r->rwa_what, columns, &out,
                                   err)))
        return st;
    for (int s = 1; s <= CS_LOCALITY_MAX_SHIFT; s++) {
        fprintf(out.f, "%d\t%llu\t", s, (unsigned long long)r->npairs[s]);
        cs_landscape_put_num(out.f, r->rwa_fitness[s]);
        fputc('\t', out.f);
        cs_landscape_put_num(out.f, r->rwa_score[s]);
        fputc('\n', out.f);
    }
    if ((st = cs_analysis_close(&out, err)))
        return st;
    snprintf(columns, sizeof columns, "distance\t%s\tmean_%s\tmax_%s", lf->vertex_plural,
             lf->fitness_short, lf->fitness_short);
    if ((st = cs_analysis_tsv_open(ctx, outdir, "locality_fdc.tsv", r->fdc_what, columns, &out,
                                   err)))
        return st;
    for (int d = 0; d <= maxd; d++) {
        double sum = 0, mx = -INFINITY;
        size_t cnt = 0;
        for (size_t i = 0; i < r->nf; i++)
            if (r->fd[i] == d) {
                sum += r->fx[i];
                mx = r->fx[i] > mx ? r->fx[i] : mx;
                cnt++;
            }
        if (!cnt)
            continue;
        fprintf(out.f, "%d\t%zu\t", d, cnt);
        cs_landscape_put_num(out.f, sum / (double)cnt);
        fputc('\t', out.f);
        cs_landscape_put_num(out.f, mx);
        fputc('\n', out.f);
    }
    if ((st = cs_analysis_close(&out, err)))
        return st;
    char cell[128];
    lf->name(lf->name_user, r->best, cell, sizeof cell);
    const char *fs = lf->fitness_short, *ss = lf->score_short;
    cs_jb j;
    if ((st = cs_jb_init(&j, err)))
        return st;
    if (extra_json)
        cs_jb_fields(&j, extra_json);
    cs_jb_ks(&j, "fitness", lf->fitness_what);
    cs_jb_keyf(&j, "%s_with_data", lf->vertex_plural);
    cs_jb_int(&j, (long long)r->nf);
    cs_jb_ki(&j, "walks", r->walks);
    cs_jb_ki(&j, "steps_per_walk", r->steps);
    cs_jb_ki(&j, "restarts", (long long)r->restarts);
    cs_jb_keyf(&j, "%s_visited", lf->vertex_plural);
    cs_jb_int(&j, (long long)r->visited);
    cs_jb_keyf(&j, "rwa_%s_shift1", fs);
    cs_jb_num(&j, r->rwa_fitness[1]);
    cs_jb_keyf(&j, "rwa_%s_shift2", fs);
    cs_jb_num(&j, r->rwa_fitness[2]);
    cs_jb_keyf(&j, "rwa_%s_shift5", fs);
    cs_jb_num(&j, r->rwa_fitness[5]);
    cs_jb_keyf(&j, "rwa_%s_shift1", ss);
    cs_jb_num(&j, r->rwa_score[1]);
    cs_jb_keyf(&j, "best_%s", lf->vertex_what);
    cs_jb_int(&j, (long long)r->best);
    cs_jb_keyf(&j, "best_%s", lf->name_what);
    cs_jb_str(&j, cell);
    cs_jb_keyf(&j, "best_%s", fs);
    cs_jb_num(&j, lf->fitness[r->best]);
    cs_jb_ks(&j, "fdc_distance", r->fdc_distance);
    cs_jb_kn(&j, "fdc_pearson", fdc.pearson);
    cs_jb_kn(&j, "fdc_spearman", fdc.spearman);
    cs_jb_ki(&j, "max_distance", maxd);
    return cs_jb_commit(ctx, outdir, "locality.json", "locality", &j, err);
}


/* The files of the local optima (cs_optima_compute has the definitions). */
static cs_status optima_tsv(const cs_analysis_ctx *ctx, const char *outdir, const cs_optima *o,
                            const cs_landscape_fitness *lf, cs_error *err)
{
    cs_outfile out;
    char what[512], columns[256];
    snprintf(what, sizeof what,
             "local optima of the neighbour graph on %s with data (no neighbour has a "
             "higher %s), best first; basin: %s whose steepest ascent ends there",
             lf->vertex_plural, lf->fitness_what, lf->vertex_plural);
    snprintf(columns, sizeof columns,
             "rank\t%s\t%s\t%s\t%s\tdegree\tbasin_size\tstrict", lf->vertex_what,
             lf->name_what, lf->fitness_column, lf->score_column);
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "optima.tsv", what, columns, &out, err);
    if (st)
        return st;
    for (size_t i = 0; i < o->noptima; i++) {
        int64_t v = o->optima[i];
        char cell[128];
        lf->name(lf->name_user, v, cell, sizeof cell);
        fprintf(out.f, "%zu\t%lld\t%s\t", i + 1, (long long)v, cell);
        cs_landscape_put_num(out.f, lf->fitness[v]);
        fputc('\t', out.f);
        cs_landscape_put_num(out.f, lf->score[v]);
        fprintf(out.f, "\t%u\t%llu\t%d\n", o->degree[v], (unsigned long long)o->basin[v],
                o->strict[v]);
    }
    return cs_analysis_close(&out, err);
}

/* Basin sizes, largest first, and the optima of each size. */
static cs_status basins_tsv(const cs_analysis_ctx *ctx, const char *outdir, const cs_optima *o,
                            cs_error *err)
{
    cs_ranked *r = malloc((o->noptima + 1) * sizeof *r);
    if (!r)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (optima)");
    for (size_t i = 0; i < o->noptima; i++)
        r[i] = (cs_ranked){(double)o->basin[o->optima[i]], o->optima[i]};
    qsort(r, o->noptima, sizeof *r, cs_ranked_cmp);
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, "optima_basins.tsv",
                                        "local optima by basin size (steepest ascent)",
                                        "basin_size\toptima", &out, err);
    if (!st) {
        for (size_t i = 0; i < o->noptima;) {
            size_t j = i;
            while (j < o->noptima && r[j].key == r[i].key)
                j++;
            fprintf(out.f, "%.0f\t%zu\n", r[i].key, j - i);
            i = j;
        }
        st = cs_analysis_close(&out, err);
    }
    free(r);
    return st;
}

cs_status cs_landscape_optima_write(const cs_analysis_ctx *ctx, const char *outdir,
                                    const cs_nbgraph *g, const cs_landscape_fitness *lf,
                                    const char *extra_json, cs_error *err)
{
    const double *f = lf->fitness;
    int64_t best = cs_landscape_best(f, lf->n);
    if (best < 0)
        return cs_error_set(err, CS_ERR_ARG, "optima: no %s with data", lf->vertex_what);
    cs_optima o;
    cs_status st = cs_optima_compute(&o, g, f, err);
    if (st)
        return st;
    double *ofit = malloc((o.noptima + 1) * sizeof *ofit);
    if (!ofit) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (optima)");
        goto out;
    }
    uint64_t largest_basin = 0;
    for (size_t i = 0; i < o.noptima; i++) {
        ofit[i] = f[o.optima[i]];
        if (o.basin[o.optima[i]] > largest_basin)
            largest_basin = o.basin[o.optima[i]];
    }
    if ((st = optima_tsv(ctx, outdir, &o, lf, err)) || (st = basins_tsv(ctx, outdir, &o, err)))
        goto out;
    char cell[128], tcell[128];
    lf->name(lf->name_user, best, cell, sizeof cell);
    if (o.noptima)
        lf->name(lf->name_user, o.optima[0], tcell, sizeof tcell);
    else
        snprintf(tcell, sizeof tcell, "none");
    double gbasin = o.degree[best] ? (double)o.basin[best] : 0.0;
    size_t nascent = o.nascent, noptima = o.noptima;
    cs_jb j;
    if ((st = cs_jb_init(&j, err)))
        goto out;
    if (extra_json)
        cs_jb_fields(&j, extra_json);
    cs_jb_ks(&j, "fitness", lf->fitness_what);
    cs_jb_keyf(&j, "%s_with_data", lf->vertex_plural);
    cs_jb_int(&j, (long long)o.with_data);
    cs_jb_keyf(&j, "isolated_%s", lf->vertex_plural);
    cs_jb_int(&j, (long long)o.isolated);
    cs_jb_ki(&j, "local_optima", (long long)noptima);
    cs_jb_ki(&j, "strict_local_optima", (long long)o.nstrict);
    cs_jb_ki(&j, "plateau_optima", (long long)(noptima - o.nstrict));
    cs_jb_keyf(&j, "global_best_%s", lf->vertex_what);
    cs_jb_int(&j, (long long)best);
    cs_jb_keyf(&j, "global_best_%s", lf->name_what);
    cs_jb_str(&j, cell);
    cs_jb_keyf(&j, "global_best_%s", lf->fitness_short);
    cs_jb_num(&j, f[best]);
    cs_jb_key(&j, "global_best_isolated");
    cs_jb_bool(&j, !o.degree[best]);
    cs_jb_ki(&j, "global_best_basin", (long long)gbasin);
    cs_jb_kn(&j, "global_best_basin_fraction", nascent ? gbasin / (double)nascent : NAN);
    cs_jb_keyf(&j, "best_optimum_%s", lf->name_what);
    cs_jb_str(&j, tcell);
    cs_jb_ki(&j, "largest_basin", (long long)largest_basin);
    cs_jb_kn(&j, "mean_basin", noptima ? (double)nascent / (double)noptima : NAN);
    cs_jb_kn(&j, "mean_ascent_steps", nascent ? (double)o.sum_steps / (double)nascent : NAN);
    cs_jb_ki(&j, "max_ascent_steps", (long long)o.max_steps);
    cs_jb_keyf(&j, "optima_%s_mean", lf->fitness_short);
    cs_jb_num(&j, cs_mean(ofit, noptima));
    cs_jb_keyf(&j, "optima_%s_median", lf->fitness_short);
    cs_jb_num(&j, noptima ? cs_quantile(ofit, noptima, 0.5) : NAN);
    cs_jb_keyf(&j, "optima_%s_min", lf->fitness_short);
    cs_jb_num(&j, noptima ? cs_quantile(ofit, noptima, 0.0) : NAN);
    st = cs_jb_commit(ctx, outdir, "optima.json", "optima", &j, err);
out:
    free(ofit);
    cs_optima_destroy(&o);
    return st;
}
