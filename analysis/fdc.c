/* Fitness-distance correlation (cs_landscape.h). */
#include "cs_landscape.h"
#include "landscape_internal.h"

#include <math.h>
#include <stdlib.h>

#include "cs_stats.h"

cs_status cs_fdc_compute(cs_fdc *res, const double *fitness, const double *distance, size_t n,
                         cs_error *err)
{
    *res = (cs_fdc){.pearson = NAN, .spearman = NAN, .max_distance = NAN, .best = -1};
    double *fx = malloc((n + 1) * sizeof *fx), *fd = malloc((n + 1) * sizeof *fd);
    if (!fx || !fd) {
        free(fx);
        free(fd);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (fitness-distance correlation)");
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(fitness[i]) && !isnan(distance[i])) {
            fx[m] = fitness[i];
            fd[m] = distance[i];
            if (!m || fd[m] > res->max_distance)
                res->max_distance = fd[m];
            m++;
        }
    res->n = m;
    res->pearson = cs_pearson(fx, fd, m);
    cs_status st = cs_spearman(fx, fd, m, &res->spearman, err);
    free(fx);
    free(fd);
    return st;
}

cs_status cs_landscape_fdc(cs_fdc *res, const cs_rawspace *rs, const double *fitness,
                           int threads, uint8_t *class_dist, const cs_analysis_ctx *progress,
                           cs_error *err)
{
    size_t nc = rs->nclasses;
    int64_t best = cs_landscape_best(fitness, nc);
    if (best < 0)
        return cs_error_set(err, CS_ERR_ARG,
                            "fitness-distance correlation: no class has fitness");
    uint8_t *is_best = calloc(nc + 1, 1), *dist = class_dist ? class_dist : malloc(nc + 1);
    double *d = malloc((nc + 1) * sizeof *d);
    cs_raw_bfs_result *br = malloc(sizeof *br);
    cs_status st = CS_OK;
    if (!is_best || !dist || !d || !br) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (fitness-distance correlation)");
        goto out;
    }
    is_best[best] = 1;
    if ((st = cs_raw_bfs(rs, is_best, false, threads, br, dist, progress, err)))
        goto out;
    for (size_t c = 0; c < nc; c++)
        d[c] = dist[c] == CS_RAW_BFS_UNREACHED ? NAN : (double)dist[c];
    if (!(st = cs_fdc_compute(res, fitness, d, nc, err)))
        res->best = best;
out:
    free(is_best);
    if (dist != class_dist)
        free(dist);
    free(d);
    free(br);
    return st;
}
