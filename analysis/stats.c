/* The statistics the analyses share (cs_stats.h).
 *
 * Sorting is a radix sort on order-preserving integer keys of the doubles
 * (below); Kendall's tau-b is Knight's algorithm (Knight 1966, "A computer
 * method for calculating Kendall's tau with ungrouped data", JASA
 * 61:436-439): sort by (x, y), then count the exchanges a merge sort by y
 * makes. */
#include "cs_stats.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Neumaier's compensated sum: the analyses average 400k accuracies near
 * 0.9, where a plain running sum loses about six digits. */
static double sum_compensated(const double *x, size_t n)
{
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = s + x[i];
        if (fabs(s) >= fabs(x[i]))
            c += (s - t) + x[i];
        else
            c += (x[i] - t) + s;
        s = t;
    }
    return s + c;
}

double cs_mean(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    return sum_compensated(x, n) / (double)n;
}

double cs_stddev(const double *x, size_t n)
{
    if (n < 2)
        return 0.0;
    double m = cs_mean(x, n), ss = 0.0, c = 0.0;
    /* Two passes: the one-pass formula cancels catastrophically when the
     * spread is tiny next to the mean (repeat noise of 0.1 % on 0.93). */
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m;
        c += d;
        ss += d * d;
    }
    /* c corrects the rounding of m (the "corrected two-pass" algorithm). */
    double var = (ss - c * c / (double)n) / (double)(n - 1);
    return var > 0.0 ? sqrt(var) : 0.0;
}

/* --- sorting ---------------------------------------------------------------
 * Doubles are sorted as 64-bit integer keys whose unsigned order is the
 * numeric order (the IEEE bit pattern, sign-flipped), by an LSD radix sort
 * of 11-bit digits: six linear passes, fewer when a digit is the same in
 * every key (accuracies share their top bits), against ~19 branchy passes
 * of a merge sort for the 400k-cell columns the analyses sort. */

/* -0.0 sorts before +0.0 (a valid ascending order of equal values, and
 * cs_sorted_copy keeps every bit); callers that test keys for ties pass
 * values through zero_positive first. */
static inline uint64_t double_key(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u >> 63 ? ~u : u | UINT64_C(0x8000000000000000);
}

static inline double key_double(uint64_t k)
{
    uint64_t u = k >> 63 ? k & ~UINT64_C(0x8000000000000000) : ~k;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static inline double zero_positive(double d)
{
    return d == 0.0 ? 0.0 : d;
}

#define RADIX_BITS 11
#define RADIX_PASSES 6 /* ceil(64 / 11) */
#define RADIX_SIZE (1u << RADIX_BITS)

/* Sort key[0..n) ascending, carrying val (may be NULL) along, stably;
 * tkey / tval are scratch of the same sizes.  The result is in key / val. */
static void radix_sort(uint64_t *key, uint32_t *val, uint64_t *tkey, uint32_t *tval, size_t n)
{
    if (n < 2)
        return;
    if (n < 64) { /* insertion sort: stable, and no histograms to clear */
        for (size_t i = 1; i < n; i++) {
            uint64_t k = key[i];
            uint32_t v = val ? val[i] : 0;
            size_t j = i;
            for (; j > 0 && key[j - 1] > k; j--) {
                key[j] = key[j - 1];
                if (val)
                    val[j] = val[j - 1];
            }
            key[j] = k;
            if (val)
                val[j] = v;
        }
        return;
    }
    static const int shift[RADIX_PASSES] = {0, 11, 22, 33, 44, 55};
    size_t (*count)[RADIX_SIZE] = calloc(RADIX_PASSES, sizeof *count);
    if (!count) { /* no memory for histograms: a slow but allocation-free sort */
        for (size_t gap = n / 2; gap > 0; gap /= 2) /* not stable: only keys matter */
            for (size_t i = gap; i < n; i++)
                for (size_t j = i; j >= gap && key[j - gap] > key[j]; j -= gap) {
                    uint64_t t = key[j];
                    key[j] = key[j - gap];
                    key[j - gap] = t;
                    if (val) {
                        uint32_t u = val[j];
                        val[j] = val[j - gap];
                        val[j - gap] = u;
                    }
                }
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < RADIX_PASSES; p++)
            count[p][(key[i] >> shift[p]) & (RADIX_SIZE - 1)]++;
    uint64_t *sk = key, *dk = tkey;
    uint32_t *sv = val, *dv = tval;
    for (int p = 0; p < RADIX_PASSES; p++) {
        size_t *c = count[p];
        if (c[(sk[0] >> shift[p]) & (RADIX_SIZE - 1)] == n)
            continue; /* every key has this digit */
        size_t sum = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++) {
            size_t at = c[(sk[i] >> shift[p]) & (RADIX_SIZE - 1)]++;
            dk[at] = sk[i];
            if (val)
                dv[at] = sv[i];
        }
        uint64_t *t = sk;
        sk = dk;
        dk = t;
        uint32_t *u = sv;
        sv = dv;
        dv = u;
    }
    if (sk != key) {
        memcpy(key, sk, n * sizeof *key);
        if (val)
            memcpy(val, sv, n * sizeof *val);
    }
    free(count);
}

static void sift_down(double *a, size_t r, size_t end)
{
    for (;;) {
        size_t c = 2 * r + 1;
        if (c >= end)
            return;
        if (c + 1 < end && a[c] < a[c + 1])
            c++;
        if (!(a[r] < a[c]))
            return;
        double t = a[r];
        a[r] = a[c];
        a[c] = t;
        r = c;
    }
}

static void heap_sort(double *a, size_t n)
{
    for (size_t start = n / 2; start-- > 0;)
        sift_down(a, start, n);
    for (size_t end = n - 1; end > 0; end--) {
        double t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

void cs_sorted_copy(const double *x, size_t n, double *out)
{
    if (n == 0)
        return;
    uint64_t *k = malloc(2 * n * sizeof *k);
    if (!k) {
        /* No scratch memory: an in-place heap sort is slower but cannot fail. */
        memmove(out, x, n * sizeof *x);
        heap_sort(out, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        k[i] = double_key(x[i]);
    radix_sort(k, NULL, k + n, NULL, n);
    for (size_t i = 0; i < n; i++)
        out[i] = key_double(k[i]);
    free(k);
}

/* --- quantiles -------------------------------------------------------------- */

static double quantile_sorted(const double *s, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return s[n - 1];
    double frac = h - (double)lo;
    /* numpy's _lerp form, exact at both ends. */
    double a = s[lo], b = s[lo + 1], d = b - a;
    return frac >= 0.5 ? b - d * (1.0 - frac) : a + d * frac;
}

/* The k-th smallest of x[0..n) (Hoare's selection, median of three), which
 * rearranges x so that everything after index k is >= it. */
static double select_kth(double *x, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (lo < hi) {
        double a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (x[i] < pivot)
                i++;
            while (pivot < x[j])
                j--;
            if (i <= j) {
                double t = x[i];
                x[i++] = x[j];
                x[j--] = t;
            }
        }
        /* [lo, j] <= pivot, [i, hi] >= pivot, anything between == pivot */
        if (kk <= j)
            hi = j;
        else if (kk >= i)
            lo = i;
        else
            break;
    }
    return x[k];
}

double cs_quantile(const double *x, size_t n, double q)
{
    if (n == 0 || !(q >= 0.0 && q <= 1.0))
        return NAN;
    /* Already sorted (ECDF supports usually are): no copy, no allocation. */
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++)
        sorted = !(x[i] < x[i - 1]);
    if (sorted)
        return quantile_sorted(x, n, q);
    double *w = malloc(n * sizeof *w);
    if (!w)
        return NAN; /* no memory, and no way to report it: no number */
    memcpy(w, x, n * sizeof *w);
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    double r;
    if (lo >= n - 1) {
        r = select_kth(w, n, n - 1);
    } else {
        double a = select_kth(w, n, lo);
        /* After selection everything above index lo is >= a: the next
         * order statistic is the minimum of that part. */
        double b = w[lo + 1];
        for (size_t i = lo + 2; i < n; i++)
            if (w[i] < b)
                b = w[i];
        double frac = h - (double)lo, d = b - a;
        r = frac >= 0.5 ? b - d * (1.0 - frac) : a + d * frac;
    }
    free(w);
    return r;
}

/* --- correlation -------------------------------------------------------------- */

double cs_pearson(const double *x, const double *y, size_t n)
{
    if (n < 2)
        return NAN;
    double mx = cs_mean(x, n), my = cs_mean(y, n);
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (sxx <= 0.0 || syy <= 0.0)
        return NAN;
    double r = sxy / (sqrt(sxx) * sqrt(syy));
    /* Rounding can push |r| a hair past 1 for perfectly linear data. */
    return r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
}

/* Average ranks (1-based) of x into rank, ties sharing the mean of their
 * positions. */
static cs_status average_ranks(const double *x, size_t n, double *rank, cs_error *err)
{
    uint64_t *key = malloc(2 * n * sizeof *key);
    uint32_t *idx = malloc(2 * n * sizeof *idx);
    if (!key || !idx) {
        free(key);
        free(idx);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory ranking %zu values", n);
    }
    for (size_t i = 0; i < n; i++) {
        key[i] = double_key(zero_positive(x[i]));
        idx[i] = (uint32_t)i;
    }
    radix_sort(key, idx, key + n, idx + n, n);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && key[j] == key[i])
            j++;
        double r = 0.5 * (double)(i + 1 + j); /* mean of positions i+1 .. j */
        for (size_t k = i; k < j; k++)
            rank[idx[k]] = r;
        i = j;
    }
    free(key);
    free(idx);
    return CS_OK;
}

cs_status cs_spearman(const double *x, const double *y, size_t n, double *rho, cs_error *err)
{
    *rho = NAN;
    if (n < 2)
        return CS_OK;
    if (n > UINT32_MAX)
        return cs_error_set(err, CS_ERR_LIMIT, "%zu values: at most %u supported", n,
                            (unsigned)UINT32_MAX);
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    cs_status st = CS_OK;
    if (!rx || !ry)
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory ranking %zu values", n);
    if (!st && !(st = average_ranks(x, n, rx, err)) && !(st = average_ranks(y, n, ry, err)))
        *rho = cs_pearson(rx, ry, n);
    free(rx);
    free(ry);
    return st;
}

/* Pairs tied within runs of equal keys of a sorted array: sum of t(t-1)/2. */
static uint64_t tied_pairs(const uint64_t *k, size_t n)
{
    uint64_t t = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && k[j] == k[i])
            j++;
        uint64_t run = j - i;
        t += run * (run - 1) / 2;
        i = j;
    }
    return t;
}

/* Merge sort of keys counting the exchanges: the pairs i < j with
 * k[i] > k[j] (equal keys are taken from the left, so ties count none). */
static uint64_t sort_count_inversions(uint64_t *k, uint64_t *tmp, size_t n)
{
    uint64_t swaps = 0;
    uint64_t *src = k, *dst = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                if (src[j] < src[i]) {
                    swaps += mid - i;
                    dst[o++] = src[j++];
                } else {
                    dst[o++] = src[i++];
                }
            }
            while (i < mid)
                dst[o++] = src[i++];
            while (j < hi)
                dst[o++] = src[j++];
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != k)
        memcpy(k, src, n * sizeof *k);
    return swaps;
}

cs_status cs_kendall_tau_b(const double *x, const double *y, size_t n, double *tau,
                           cs_error *err)
{
    *tau = NAN;
    if (n < 2)
        return CS_OK;
    if (n > UINT32_MAX)
        return cs_error_set(err, CS_ERR_LIMIT, "%zu values: at most %u supported", n,
                            (unsigned)UINT32_MAX);
    uint64_t *kx = malloc(2 * n * sizeof *kx), *ky = malloc(2 * n * sizeof *ky);
    uint32_t *idx = malloc(2 * n * sizeof *idx);
    if (!kx || !ky || !idx) {
        free(kx);
        free(ky);
        free(idx);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory for Kendall's tau of %zu pairs",
                            n);
    }
    /* 1. Order by x, then y (LSD: by y, then stably by x).  Pairs tied in x
     * are then in y order, so the merge below counts exactly the discordant
     * pairs. */
    for (size_t i = 0; i < n; i++) {
        ky[i] = double_key(zero_positive(y[i]));
        idx[i] = (uint32_t)i;
    }
    radix_sort(ky, idx, ky + n, idx + n, n);
    for (size_t q = 0; q < n; q++)
        kx[q] = double_key(zero_positive(x[idx[q]]));
    radix_sort(kx, idx, kx + n, idx + n, n);
    for (size_t q = 0; q < n; q++)
        ky[q] = double_key(zero_positive(y[idx[q]]));
    uint64_t n1 = tied_pairs(kx, n); /* tied in x */
    uint64_t n3 = 0;                 /* tied in x and y */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && kx[j] == kx[i] && ky[j] == ky[i])
            j++;
        uint64_t run = j - i;
        n3 += run * (run - 1) / 2;
        i = j;
    }
    /* 2. Sort the y sequence counting exchanges; then the y ties. */
    uint64_t swaps = sort_count_inversions(ky, ky + n, n);
    uint64_t n2 = tied_pairs(ky, n);
    free(kx);
    free(ky);
    free(idx);
    uint64_t n0 = (uint64_t)n * (n - 1) / 2;
    /* concordant - discordant = n0 - n1 - n2 + n3 - 2 * swaps */
    double num = (double)((int64_t)(n0 - n1 - n2 + n3) - 2 * (int64_t)swaps);
    double d1 = (double)(n0 - n1), d2 = (double)(n0 - n2);
    if (d1 <= 0.0 || d2 <= 0.0)
        return CS_OK; /* a constant side: NaN, as cs_pearson */
    double t = num / (sqrt(d1) * sqrt(d2));
    *tau = t > 1.0 ? 1.0 : (t < -1.0 ? -1.0 : t);
    return CS_OK;
}
