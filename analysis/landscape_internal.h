/* cellscape analysis/: what the landscape files share and users do not see
 * (not installed). */
#ifndef CS_LANDSCAPE_INTERNAL_H
#define CS_LANDSCAPE_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "cs_analysis.h"

static inline void cs_landscape_report(const cs_analysis_ctx *ctx, const char *phase,
                                       double done)
{
    if (ctx && ctx->progress)
        ctx->progress(ctx->progress_user, phase, done);
}

/* A TSV number: round-trip precision, "nan" for NaN. */
void cs_landscape_put_num(FILE *f, double d);
/* A JSON number into buf (JSON has no NaN: null). */
const char *cs_landscape_json_num(char *buf, size_t size, double d);

/* A vertex and the key it is ranked by. */
typedef struct cs_ranked {
    double key;
    int64_t c;
} cs_ranked;

/* qsort order: descending key, then ascending vertex. */
int cs_ranked_cmp(const void *a, const void *b);

/* The vertex of highest x (the lowest index among ties), -1 if all NaN. */
int64_t cs_landscape_best(const double *x, size_t n);

#endif
