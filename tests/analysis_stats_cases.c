/* analysis/ shared statistics: hand-computed small cases, and every fast
 * algorithm against the direct O(n^2) definition on random data with and
 * without ties. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cs_stats.h"

TCase *cs_stats_tcase(void);
/* The definitions, computed directly in O(n^2); analysis_dataset_cases.c
 * checks the analyses with them too (both files go in one test program). */

#define EPS 1e-12

/* --- hand-computed cases ------------------------------------------------------ */

START_TEST(test_mean_stddev_by_hand)
{
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    ck_assert_double_eq_tol(cs_mean(x, 8), 5.0, EPS);
    /* squared deviations sum to 32; sample variance 32 / 7 */
    ck_assert_double_eq_tol(cs_stddev(x, 8), sqrt(32.0 / 7.0), EPS);
    ck_assert_double_eq(cs_stddev(x, 1), 0.0);
    ck_assert(isnan(cs_mean(x, 0)));
    /* Tiny spread on a large mean: the one-pass formula would give 0 or
     * garbage here; the true sample sd of {m, m+e, m+2e} is e. */
    const double y[] = {0.93, 0.93 + 1e-9, 0.93 + 2e-9};
    ck_assert_double_eq_tol(cs_stddev(y, 3), 1e-9, 1e-15);
}
END_TEST

START_TEST(test_quantiles_of_1234)
{
    const double x[] = {4, 1, 3, 2}; /* unsorted on purpose */
    const double copy[] = {4, 1, 3, 2};
    /* numpy.quantile([1,2,3,4], q) with the default linear method */
    ck_assert_double_eq_tol(cs_quantile(x, 4, 0.0), 1.0, EPS);
    ck_assert_double_eq_tol(cs_quantile(x, 4, 0.25), 1.75, EPS);
    ck_assert_double_eq_tol(cs_quantile(x, 4, 0.5), 2.5, EPS);
    ck_assert_double_eq_tol(cs_quantile(x, 4, 0.75), 3.25, EPS);
    ck_assert_double_eq_tol(cs_quantile(x, 4, 0.9), 3.7, EPS);
    ck_assert_double_eq_tol(cs_quantile(x, 4, 1.0), 4.0, EPS);
    ck_assert_mem_eq(x, copy, sizeof x); /* x is not modified */
    const double s[] = {1, 2, 3, 4}; /* the sorted path */
    ck_assert_double_eq_tol(cs_quantile(s, 4, 0.25), 1.75, EPS);
    const double one = 7.5;
    ck_assert_double_eq(cs_quantile(&one, 1, 0.3), 7.5);
    ck_assert(isnan(cs_quantile(x, 0, 0.5)));
    ck_assert(isnan(cs_quantile(x, 4, 1.5)));
}
END_TEST

START_TEST(test_pearson_by_hand)
{
    double x[20], y[20], z[20], c[20];
    for (int i = 0; i < 20; i++) {
        x[i] = i * 0.37 - 2.0;
        y[i] = 3.0 * x[i] + 1.0;
        z[i] = -0.5 * x[i] + 7.0;
        c[i] = 4.0;
    }
    ck_assert_double_eq_tol(cs_pearson(x, y, 20), 1.0, EPS);
    ck_assert_double_eq_tol(cs_pearson(x, z, 20), -1.0, EPS);
    ck_assert(isnan(cs_pearson(x, c, 20)));
    /* x = 1..5, y = 2,1,4,3,5: sxy = 8, sxx = syy = 10 */
    const double a[] = {1, 2, 3, 4, 5}, b[] = {2, 1, 4, 3, 5};
    ck_assert_double_eq_tol(cs_pearson(a, b, 5), 0.8, EPS);
}
END_TEST

START_TEST(test_rank_correlations_by_hand)
{
    /* y has one tie (7, 7): average ranks 1, 2, 3.5, 5, 3.5.
     * Spearman: sxy = 8, sxx = 10, syy = 9.5 -> 8 / sqrt(95).
     * Kendall: 8 concordant, 1 discordant, 1 pair tied in y, n0 = 10:
     * tau-b = 7 / sqrt(10 * 9). */
    const double x[] = {1, 2, 3, 4, 5}, y[] = {5, 6, 7, 8, 7};
    double rho, tau;
    cs_error err;
    ck_assert_int_eq(cs_spearman(x, y, 5, &rho, &err), CS_OK);
    ck_assert_double_eq_tol(rho, 8.0 / sqrt(95.0), EPS);
    ck_assert_int_eq(cs_kendall_tau_b(x, y, 5, &tau, &err), CS_OK);
    ck_assert_double_eq_tol(tau, 7.0 / sqrt(90.0), EPS);
    /* reversed order: both -1 */
    const double r[] = {9, 8, 7, 6, 5};
    ck_assert_int_eq(cs_spearman(x, r, 5, &rho, &err), CS_OK);
    ck_assert_double_eq_tol(rho, -1.0, EPS);
    ck_assert_int_eq(cs_kendall_tau_b(x, r, 5, &tau, &err), CS_OK);
    ck_assert_double_eq_tol(tau, -1.0, EPS);
    /* a constant side, and too few values: NaN, not an error */
    const double c[] = {3, 3, 3, 3, 3};
    ck_assert_int_eq(cs_kendall_tau_b(x, c, 5, &tau, &err), CS_OK);
    ck_assert(isnan(tau));
    ck_assert_int_eq(cs_spearman(c, x, 5, &rho, &err), CS_OK);
    ck_assert(isnan(rho));
    ck_assert_int_eq(cs_kendall_tau_b(x, y, 1, &tau, &err), CS_OK);
    ck_assert(isnan(tau));
    /* ties in both x and y, by hand: x = 1,1,2,2  y = 1,2,1,2.
     * Pairs: (0,1) x-tie, (2,3) x-tie, (0,2) y-tie, (1,3) y-tie,
     * (0,3) concordant, (1,2) discordant: tau-b = 0. */
    const double tx[] = {1, 1, 2, 2}, ty[] = {1, 2, 1, 2};
    ck_assert_int_eq(cs_kendall_tau_b(tx, ty, 4, &tau, &err), CS_OK);
    ck_assert_double_eq_tol(tau, 0.0, EPS);
    /* x = 1,1,2,3  y = 1,2,2,3: (0,2) (0,3) (1,3) (2,3) concordant,
     * (0,1) tied in x, (1,2) tied in y: C = 4, D = 0, n1 = n2 = 1, n0 = 6:
     * tau-b = 4 / sqrt(5 * 5) = 0.8 */
    const double ux[] = {1, 1, 2, 3}, uy[] = {1, 2, 2, 3};
    ck_assert_int_eq(cs_kendall_tau_b(ux, uy, 4, &tau, &err), CS_OK);
    ck_assert_double_eq_tol(tau, 0.8, EPS);
}
END_TEST

/* --- against the definitions ------------------------------------------------------ */

double cs_test_direct_tau_b(const double *x, const double *y, size_t n)
{
    int64_t conc = 0, disc = 0, tx = 0, ty = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double dx = x[j] - x[i], dy = y[j] - y[i];
            if (dx == 0 && dy == 0)
                continue; /* tied in both: in neither count */
            if (dx == 0)
                tx++;
            else if (dy == 0)
                ty++;
            else if ((dx > 0) == (dy > 0))
                conc++;
            else
                disc++;
        }
    /* tau-b = (C - D) / sqrt((C + D + Tx)(C + D + Ty)), Tx tied only in x */
    return (double)(conc - disc) / sqrt((double)(conc + disc + tx) * (double)(conc + disc + ty));
}

static void direct_ranks(const double *x, size_t n, double *r)
{
    for (size_t i = 0; i < n; i++) {
        size_t less = 0, equal = 0;
        for (size_t j = 0; j < n; j++) {
            less += x[j] < x[i];
            equal += x[j] == x[i];
        }
        r[i] = (double)less + (double)(equal + 1) / 2.0;
    }
}

double cs_test_direct_pearson(const double *x, const double *y, size_t n)
{
    long double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    return (double)(sxy / sqrtl(sxx * syy));
}

double cs_test_direct_spearman(const double *x, const double *y, size_t n)
{
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    direct_ranks(x, n, rx);
    direct_ranks(y, n, ry);
    double r = cs_test_direct_pearson(rx, ry, n);
    free(rx);
    free(ry);
    return r;
}

static double unif(unsigned long long *st)
{
    return (double)(cs_test_rand(st) >> 11) / 9007199254740992.0;
}

/* n values; with ties, drawn from `levels` distinct values; y correlated
 * with x by `mix`. */
static void random_pairs(unsigned long long *st, size_t n, int levels, double mix, double *x,
                         double *y)
{
    for (size_t i = 0; i < n; i++) {
        double a = unif(st), b = mix * a + (1.0 - mix) * unif(st);
        if (levels > 0) {
            a = floor(a * levels);
            b = floor(b * levels);
            /* -0.0 must tie with +0.0 */
            if (a == 0.0 && (cs_test_rand(st) & 1))
                a = -0.0;
            if (b == 0.0 && (cs_test_rand(st) & 1))
                b = -0.0;
        }
        x[i] = a;
        y[i] = b;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

START_TEST(test_against_direct_random)
{
    static const size_t sizes[] = {2, 3, 7, 64, 257, 1500};
    static const int levels[] = {0, 2, 5, 40};
    static const double mixes[] = {0.0, 0.6, 0.95, -1.0};
    unsigned long long st = 0x5eed1234abcdULL;
    cs_error err;
    for (size_t a = 0; a < sizeof sizes / sizeof *sizes; a++)
        for (size_t b = 0; b < sizeof levels / sizeof *levels; b++)
            for (size_t c = 0; c < sizeof mixes / sizeof *mixes; c++) {
                size_t n = sizes[a];
                double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
                double *s = malloc(n * sizeof *s), *q = malloc(n * sizeof *q);
                random_pairs(&st, n, levels[b], mixes[c] < 0 ? 0.8 : mixes[c], x, y);
                if (mixes[c] < 0) /* anti-correlated */
                    for (size_t i = 0; i < n; i++)
                        y[i] = -y[i];
                /* Kendall tau-b */
                double tau, want = cs_test_direct_tau_b(x, y, n);
                ck_assert_int_eq(cs_kendall_tau_b(x, y, n, &tau, &err), CS_OK);
                if (isnan(want))
                    ck_assert_msg(isnan(tau), "n=%zu levels=%d: tau %g, want NaN", n,
                                  levels[b], tau);
                else
                    ck_assert_msg(fabs(tau - want) < 1e-12,
                                  "n=%zu levels=%d mix=%g: tau %.15g, direct %.15g", n,
                                  levels[b], mixes[c], tau, want);
                /* Spearman = Pearson of average ranks */
                double rho, want_rho = cs_test_direct_spearman(x, y, n);
                ck_assert_int_eq(cs_spearman(x, y, n, &rho, &err), CS_OK);
                if (isnan(want_rho) || isinf(want_rho))
                    ck_assert(isnan(rho));
                else
                    ck_assert_msg(fabs(rho - want_rho) < 1e-12,
                                  "n=%zu levels=%d: rho %.15g, direct %.15g", n, levels[b],
                                  rho, want_rho);
                /* Pearson */
                double r = cs_pearson(x, y, n), want_r = cs_test_direct_pearson(x, y, n);
                if (!isnan(want_r) && !isinf(want_r))
                    ck_assert_msg(fabs(r - want_r) < 1e-12, "pearson %.15g vs %.15g", r,
                                  want_r);
                /* sorted copy and quantiles against qsort and the formula */
                cs_sorted_copy(x, n, s);
                memcpy(q, x, n * sizeof *q);
                qsort(q, n, sizeof *q, cmp_double);
                for (size_t i = 0; i < n; i++)
                    ck_assert_msg(s[i] == q[i], "sorted[%zu] = %g, qsort gives %g", i, s[i],
                                  q[i]);
                for (int k = 0; k <= 20; k++) {
                    double p = k / 20.0, h = (double)(n - 1) * p;
                    size_t lo = (size_t)floor(h);
                    double wq = lo + 1 < n ? q[lo] + (h - (double)lo) * (q[lo + 1] - q[lo])
                                           : q[n - 1];
                    ck_assert_msg(fabs(cs_quantile(x, n, p) - wq) < 1e-12,
                                  "quantile %g of %zu values: %.15g, want %.15g", p, n,
                                  cs_quantile(x, n, p), wq);
                }
                free(x);
                free(y);
                free(s);
                free(q);
            }
}
END_TEST

TCase *cs_stats_tcase(void)
{
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, test_mean_stddev_by_hand);
    tcase_add_test(tc, test_quantiles_of_1234);
    tcase_add_test(tc, test_pearson_by_hand);
    tcase_add_test(tc, test_rank_correlations_by_hand);
    tcase_add_test(tc, test_against_direct_random);
    return tc;
}
