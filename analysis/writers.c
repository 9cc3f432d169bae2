/* Writers the analyses share: JSON summaries and files, ECDF files, numbers
 * in TSV rows (analysis_writers.h). */
#include "analysis_writers.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_stats.h"

static const double summary_q[] = {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};
static const char *const summary_qname[] = {"q01", "q05", "q10", "q25", "q50",
                                            "q75", "q90", "q95", "q99"};

/* {"n", "mean", "stddev", "min", q01..q99, "max"} of n sorted values. */
void cs_jb_summary(cs_jb *b, const char *key, const double *sorted, size_t n)
{
    cs_jb_key(b, key);
    cs_jb_open(b, '{');
    cs_jb_ki(b, "n", (long long)n);
    cs_jb_kn(b, "mean", cs_mean(sorted, n));
    cs_jb_kn(b, "stddev", n ? cs_stddev(sorted, n) : NAN);
    cs_jb_kn(b, "min", n ? sorted[0] : NAN);
    for (size_t i = 0; i < sizeof summary_q / sizeof *summary_q; i++)
        cs_jb_kn(b, summary_qname[i], cs_quantile(sorted, n, summary_q[i]));
    cs_jb_kn(b, "max", n ? sorted[n - 1] : NAN);
    cs_jb_close(b, '}');
}

cs_status cs_jb_commit(const cs_analysis_ctx *ctx, const char *outdir, const char *file,
                             const char *analysis, cs_jb *b, cs_error *err)
{
    cs_status st = cs_jb_finish(b, err);
    if (!st)
        st = cs_analysis_json_write(ctx, outdir, file, analysis, b->buf, err);
    cs_jb_free(b);
    return st;
}

/* --- TSV helpers -------------------------------------------------------------------- */

void cs_analysis_tsv_num(FILE *f, double d, bool first)
{
    if (!first)
        fputc('\t', f);
    cs_analysis_put_double(f, d);
}

/* The header's ECDF file: `ncurves` columns after "fraction", curve j being
 * the n[j] ascending values sorted[j] (a curve without values prints NaN). */
cs_status cs_analysis_ecdf_write(const cs_analysis_ctx *ctx, const char *outdir, const char *file,
                            const char *what, size_t ncurves, const char *const *names,
                            const double *const *sorted, const size_t *n, cs_error *err)
{
    char columns[1024] = "fraction";
    size_t m = 0;
    for (size_t j = 0; j < ncurves; j++) {
        size_t len = strlen(columns);
        if ((size_t)snprintf(columns + len, sizeof columns - len, "\t%s", names[j]) >=
            sizeof columns - len)
            return cs_error_set(err, CS_ERR_ARG, "too many ECDF columns in %s", file);
        if (n[j] > m)
            m = n[j];
    }
    if (m > ECDF_MAX_POINTS)
        m = ECDF_MAX_POINTS;
    cs_outfile out;
    cs_status st = cs_analysis_tsv_open(ctx, outdir, file, what, columns, &out, err);
    if (st)
        return st;
    for (size_t k = 0; k < m; k++) {
        double frac = m > 1 ? (double)k / (double)(m - 1) : 1.0;
        cs_analysis_tsv_num(out.f, frac, true);
        for (size_t j = 0; j < ncurves; j++) {
            double v = NAN;
            if (n[j]) {
                size_t r = (size_t)llround(frac * (double)(n[j] - 1));
                v = sorted[j][r < n[j] ? r : n[j] - 1];
            }
            cs_analysis_tsv_num(out.f, v, false);
        }
        fputc('\n', out.f);
    }
    return cs_analysis_close(&out, err);
}


cs_status cs_analysis_op_pairs_files(const cs_analysis_ctx *ctx, const char *outdir,
                                     const cs_op_pairs *p, cs_error *err)
{
    enum { MAXPAIRS = 64 };
    int np = p->nops * (p->nops - 1);
    if (np > MAXPAIRS)
        return cs_error_set(err, CS_ERR_LIMIT, "too many operations (%d)", p->nops);
    char names_buf[MAXPAIRS][64];
    const char *names[MAXPAIRS];
    for (int x = 0; x < p->nops; x++)
        for (int y = 0; y < p->nops; y++)
            if (x != y) {
                int k = cs_op_pair_index(p->nops, x, y);
                snprintf(names_buf[k], sizeof names_buf[k], "%s_to_%s", p->op_names[x],
                         p->op_names[y]);
                names[k] = names_buf[k];
            }
    cs_status st = cs_analysis_ecdf_write(ctx, outdir, "op_importance_ecdf.tsv", p->delta_what,
                                          (size_t)np, names, p->delta, p->n, err);
    if (st)
        return st;
    char file[128], columns[1024];
    if (p->rel_cost) {
        snprintf(file, sizeof file, "op_importance_%s_ecdf.tsv", p->cost_name);
        if ((st = cs_analysis_ecdf_write(ctx, outdir, file, p->cost_what, (size_t)np, names,
                                         p->rel_cost, p->rel_n ? p->rel_n : p->n, err)))
            return st;
    }
    const char *d = p->delta_name, *c = p->cost_name;
    snprintf(columns, sizeof columns,
             "from\tto\tpairs\tdelta_%s_mean\tdelta_%s_sd\tdelta_%s_q05\tdelta_%s_q25\t"
             "delta_%s_q50\tdelta_%s_q75\tdelta_%s_q95\trelative_%s_mean\trelative_%s_q05\t"
             "relative_%s_q25\trelative_%s_q50\trelative_%s_q75\trelative_%s_q95",
             d, d, d, d, d, d, d, c, c, c, c, c, c);
    cs_outfile out;
    if ((st = cs_analysis_tsv_open(ctx, outdir, "op_importance.tsv", p->tsv_what, columns, &out,
                                   err)))
        return st;
    static const double qs[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int x = 0; x < p->nops; x++)
        for (int y = 0; y < p->nops; y++) {
            if (x == y)
                continue;
            int k = cs_op_pair_index(p->nops, x, y);
            const double *dv = p->delta[k], *rc = p->rel_cost ? p->rel_cost[k] : NULL;
            size_t n = p->n[k], rn = p->rel_n ? p->rel_n[k] : n;
            fprintf(out.f, "%s\t%s\t%zu", p->op_names[x], p->op_names[y], n);
            cs_analysis_tsv_num(out.f, cs_mean(dv, n), false);
            /* no pairs: no spread either (cs_stddev says 0 below two values) */
            cs_analysis_tsv_num(out.f, n ? cs_stddev(dv, n) : NAN, false);
            for (size_t q = 0; q < 5; q++)
                cs_analysis_tsv_num(out.f, cs_quantile(dv, n, qs[q]), false);
            cs_analysis_tsv_num(out.f, rc ? cs_mean(rc, rn) : NAN, false);
            for (size_t q = 0; q < 5; q++)
                cs_analysis_tsv_num(out.f, rc ? cs_quantile(rc, rn, qs[q]) : NAN, false);
            fputc('\n', out.f);
        }
    return cs_analysis_close(&out, err);
}

void cs_jb_op_pairs(cs_jb *j, const cs_op_pairs *p)
{
    char key[96];
    cs_jb_key(j, "pairs");
    cs_jb_open(j, '[');
    for (int x = 0; x < p->nops; x++)
        for (int y = 0; y < p->nops; y++) {
            if (x == y)
                continue;
            int k = cs_op_pair_index(p->nops, x, y);
            const double *dv = p->delta[k];
            size_t n = p->n[k];
            cs_jb_open(j, '{');
            cs_jb_ks(j, "from", p->op_names[x]);
            cs_jb_ks(j, "to", p->op_names[y]);
            snprintf(key, sizeof key, "mean_delta_%s_percent", p->delta_name);
            cs_jb_kn(j, key, p->percent * cs_mean(dv, n));
            snprintf(key, sizeof key, "median_delta_%s_percent", p->delta_name);
            cs_jb_kn(j, key, p->percent * cs_quantile(dv, n, 0.5));
            snprintf(key, sizeof key, "delta_%s", p->delta_name);
            cs_jb_summary(j, key, dv, n);
            if (p->rel_cost) {
                snprintf(key, sizeof key, "relative_%s", p->cost_name);
                cs_jb_summary(j, key, p->rel_cost[k], p->rel_n ? p->rel_n[k] : n);
            }
            cs_jb_close(j, '}');
        }
    cs_jb_close(j, ']');
}
