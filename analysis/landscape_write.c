/* The files of the graph-level landscape analyses, shared by both spaces:
 * locality (autocorrelation, fitness-distance correlation) and local optima. */
#include "analysis_writers.h"
#include "cs_landscape.h"
#include "landscape_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_export.h"
#include "cs_stats.h"

void cs_landscape_put_num(FILE *f, double d)
{
    if (isnan(d))
        fputs("nan", f);
    else
        cs_analysis_put_double(f, d);
}

const char *cs_landscape_json_num(char *buf, size_t size, double d)
{
    /* the one formatter of every file: shortest round-trip digits */
    if (!isfinite(d))
        snprintf(buf, size, "null");
    else
        cs_export_format_double(buf, size, d);
    return buf;
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
    char cell[128], n1[40], n2[40], n3[40], n4[40], n5[40], n6[40], n7[40];
    lf->name(lf->name_user, r->best, cell, sizeof cell);
    const char *fs = lf->fitness_short, *ss = lf->score_short;
    char body[4096], what_json[1024];
    snprintf(body, sizeof body,
             "%s%s\"fitness\": \"%s\", \"%s_with_data\": %zu, \"walks\": %d, "
             "\"steps_per_walk\": %d, \"restarts\": %llu, \"%s_visited\": %zu, "
             "\"rwa_%s_shift1\": %s, \"rwa_%s_shift2\": %s, \"rwa_%s_shift5\": %s, "
             "\"rwa_%s_shift1\": %s, \"best_%s\": %lld, \"best_%s\": \"%s\", "
             "\"best_%s\": %s, \"fdc_distance\": \"%s\", \"fdc_pearson\": %s, "
             "\"fdc_spearman\": %s, \"max_distance\": %d",
             extra_json ? extra_json : "", extra_json && *extra_json ? ", " : "",
             cs_json_escape(lf->fitness_what, what_json, sizeof what_json), lf->vertex_plural,
             r->nf, r->walks, r->steps,
             (unsigned long long)r->restarts, lf->vertex_plural, r->visited, fs,
             cs_landscape_json_num(n1, sizeof n1, r->rwa_fitness[1]), fs,
             cs_landscape_json_num(n2, sizeof n2, r->rwa_fitness[2]), fs,
             cs_landscape_json_num(n3, sizeof n3, r->rwa_fitness[5]), ss,
             cs_landscape_json_num(n4, sizeof n4, r->rwa_score[1]), lf->vertex_what, (long long)r->best,
             lf->name_what, cell, fs, cs_landscape_json_num(n5, sizeof n5, lf->fitness[r->best]),
             r->fdc_distance, cs_landscape_json_num(n6, sizeof n6, fdc.pearson), cs_landscape_json_num(n7, sizeof n7, fdc.spearman),
             maxd);
    return cs_analysis_json_write(ctx, outdir, "locality.json", "locality", body, err);
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
    char cell[128], tcell[128], n[8][40], body[4096], what_json[1024];
    lf->name(lf->name_user, best, cell, sizeof cell);
    if (o.noptima)
        lf->name(lf->name_user, o.optima[0], tcell, sizeof tcell);
    else
        snprintf(tcell, sizeof tcell, "none");
    double gbasin = o.degree[best] ? (double)o.basin[best] : 0.0;
    size_t nascent = o.nascent, noptima = o.noptima;
    snprintf(body, sizeof body,
             "%s%s\"fitness\": \"%s\", "
             "\"%s_with_data\": %zu, \"isolated_%s\": %zu, \"local_optima\": %zu, "
             "\"strict_local_optima\": %zu, \"plateau_optima\": %zu, "
             "\"global_best_%s\": %lld, \"global_best_%s\": \"%s\", "
             "\"global_best_%s\": %s, \"global_best_isolated\": %s, "
             "\"global_best_basin\": %.0f, \"global_best_basin_fraction\": %s, "
             "\"best_optimum_%s\": \"%s\", \"largest_basin\": %llu, "
             "\"mean_basin\": %s, \"mean_ascent_steps\": %s, \"max_ascent_steps\": %u, "
             "\"optima_%s_mean\": %s, \"optima_%s_median\": %s, "
             "\"optima_%s_min\": %s",
             extra_json ? extra_json : "", extra_json && *extra_json ? ", " : "",
             cs_json_escape(lf->fitness_what, what_json, sizeof what_json), lf->vertex_plural,
             o.with_data, lf->vertex_plural, o.isolated,
             noptima, o.nstrict, noptima - o.nstrict, lf->vertex_what, (long long)best,
             lf->name_what, cell, lf->fitness_short, cs_landscape_json_num(n[0], sizeof n[0], f[best]),
             o.degree[best] ? "false" : "true", gbasin,
             cs_landscape_json_num(n[1], sizeof n[1], nascent ? gbasin / (double)nascent : NAN),
             lf->name_what, tcell, (unsigned long long)largest_basin,
             cs_landscape_json_num(n[2], sizeof n[2],
                                   noptima ? (double)nascent / (double)noptima : NAN),
             cs_landscape_json_num(n[3], sizeof n[3],
                                   nascent ? (double)o.sum_steps / (double)nascent : NAN),
             o.max_steps, lf->fitness_short,
             cs_landscape_json_num(n[4], sizeof n[4], cs_mean(ofit, noptima)), lf->fitness_short,
             cs_landscape_json_num(n[5], sizeof n[5],
                                   noptima ? cs_quantile(ofit, noptima, 0.5) : NAN),
             lf->fitness_short,
             cs_landscape_json_num(n[6], sizeof n[6],
                                   noptima ? cs_quantile(ofit, noptima, 0.0) : NAN));
    st = cs_analysis_json_write(ctx, outdir, "optima.json", "optima", body, err);
out:
    free(ofit);
    cs_optima_destroy(&o);
    return st;
}
