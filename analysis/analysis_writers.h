/* cellscape analysis/ (internal): the writers the analyses share.
 *
 * An analysis's JSON file is built with cs_jb (iso/cs_json.h): its body,
 * the inside of the top-level object cs_analysis_json_write wraps. */
#ifndef CS_ANALYSIS_WRITERS_H
#define CS_ANALYSIS_WRITERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cs_analysis.h"
#include "cs_json.h"

/* Points of an ECDF file (cs_dataset.h's f_k grid). */
#define ECDF_MAX_POINTS 2001

/* key: {"n", "mean", "stddev", "min", q01..q99, "max"} of n sorted values. */
void cs_jb_summary(cs_jb *b, const char *key, const double *sorted, size_t n);
/* Finish b, write it as outdir/file for `analysis`, free it. */
cs_status cs_jb_commit(const cs_analysis_ctx *ctx, const char *outdir, const char *file,
                       const char *analysis, cs_jb *b, cs_error *err);

/* A number in a TSV row, a tab before it unless first. */
void cs_analysis_tsv_num(FILE *f, double d, bool first);

/* An ECDF file (cs_dataset.h): `ncurves` columns after "fraction", curve j
 * being the n[j] ascending values sorted[j] (NaN for a curve without
 * values). */
cs_status cs_analysis_ecdf_write(const cs_analysis_ctx *ctx, const char *outdir,
                                 const char *file, const char *what, size_t ncurves,
                                 const char *const *names, const double *const *sorted,
                                 const size_t *n, cs_error *err);

/* --- operation importance: one operation replaced by another ---------------
 * Pairs (x, y), x != y, of nops operations, numbered x (nops - 1) +
 * (y > x ? y - 1 : y). */
static inline int cs_op_pair_index(int nops, int x, int y)
{
    return x * (nops - 1) + (y > x ? y - 1 : y);
}

typedef struct cs_op_pairs {
    int nops;
    const char *const *op_names;
    const double *const *delta;    /* per pair: changes of the fitness, ascending */
    const double *const *rel_cost; /* per pair: relative changes of the cost,
                                      ascending; NULL: no cost */
    const size_t *n;               /* per pair: replacements */
    const size_t *rel_n;           /* per pair: those with a cost (NULL: n) */
    const char *delta_name;        /* "validation": delta_validation_* */
    const char *cost_name;         /* "time": relative_time_*, op_importance_time_ecdf.tsv */
    double percent;                /* a delta times this is in percentage points */
    const char *delta_what, *cost_what, *tsv_what; /* the files' comment lines */
} cs_op_pairs;

/* op_importance_ecdf.tsv, op_importance_COST_ecdf.tsv (with a cost) and
 * op_importance.tsv. */
cs_status cs_analysis_op_pairs_files(const cs_analysis_ctx *ctx, const char *outdir,
                                     const cs_op_pairs *p, cs_error *err);
/* "pairs": [{"from", "to", mean and median delta in percent, summaries}]. */
void cs_jb_op_pairs(cs_jb *j, const cs_op_pairs *p);

#endif
