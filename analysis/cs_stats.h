/* cellscape analysis/: the statistics the analyses share.  Pure functions on
 * arrays; NaN-free inputs assumed unless said.  All O(n log n) or better. */
#ifndef CS_STATS_H
#define CS_STATS_H

#include <stddef.h>

#include "cs_error.h"

#ifdef __cplusplus
extern "C" {
#endif

double cs_mean(const double *x, size_t n);
/* Sample standard deviation (n - 1); 0 for n < 2. */
double cs_stddev(const double *x, size_t n);
/* Quantile q in [0, 1] of x (linear interpolation between order statistics,
 * numpy's default "linear" method); x is not modified. */
double cs_quantile(const double *x, size_t n, double q);
/* Sort a copy of x into out (size n): the ECDF's support. */
void cs_sorted_copy(const double *x, size_t n, double *out);
/* Pearson correlation; NaN when a side is constant. */
double cs_pearson(const double *x, const double *y, size_t n);
/* Spearman rank correlation, ties given their average rank. */
cs_status cs_spearman(const double *x, const double *y, size_t n, double *rho, cs_error *err);
/* Kendall's tau-b (ties corrected), O(n log n) (Knight's algorithm). */
cs_status cs_kendall_tau_b(const double *x, const double *y, size_t n, double *tau,
                           cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
