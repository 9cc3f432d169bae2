/* Doubles as the shortest decimal text that reads back exactly (cs_json.h):
 * every number cellscape writes, in TSV, CSV, JSON and SQL text alike. */
#include "cs_json.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal d.ddd x 10^exp with n significant digits. */
typedef struct decimal {
    char dig[20];
    int n, exp;
    bool neg;
} decimal;

/* "[-]d.ddde[+-]x" as snprintf's %.*e writes it, into x. */
static void decimal_parse(const char *t, decimal *x)
{
    x->neg = *t == '-';
    t += x->neg;
    x->n = 0;
    for (; *t && *t != 'e'; t++)
        if (*t != '.')
            x->dig[x->n++] = *t;
    x->exp = atoi(t + 1);
    while (x->n > 1 && x->dig[x->n - 1] == '0')
        x->n--;
}

static void decimal_of(double d, int digits, decimal *x)
{
    /* %e of a double with precision <= 16 needs at most 24 bytes; the size
     * quiets gcc's -Wformat-truncation, which assumes 309 digits. */
    char t[320];
    snprintf(t, sizeof t, "%.*e", digits - 1, d);
    decimal_parse(t, x);
}

/* d rounded to p significant digits, derived from x, its 17-digit rounding
 * (trailing zeros stripped).  Deriving is exact unless x's dropped tail is
 * exactly a half (5 then zeros): then d itself decides, through snprintf. */
static void decimal_round(double d, const decimal *x, int p, decimal *y)
{
    *y = *x;
    if (p >= x->n)
        return;
    y->n = p;
    char first = x->dig[p];
    bool rest_zero = true;
    for (int i = p + 1; i < x->n; i++)
        rest_zero &= x->dig[i] == '0';
    if (first == '5' && rest_zero) {
        decimal_of(d, p, y);
        return;
    }
    if (first >= '5') {
        int i = p - 1;
        while (i >= 0 && y->dig[i] == '9')
            y->dig[i--] = '0';
        if (i < 0) {
            y->dig[0] = '1';
            y->exp++;
        } else {
            y->dig[i]++;
        }
    }
    while (y->n > 1 && y->dig[y->n - 1] == '0')
        y->n--;
}

/* "e-05", "e+16", ... at t; returns the length.  |exp| < 1000. */
static size_t put_exponent(char *t, int exp)
{
    size_t k = 0;
    t[k++] = 'e';
    t[k++] = exp < 0 ? '-' : '+';
    unsigned a = (unsigned)(exp < 0 ? -exp : exp);
    if (a >= 100)
        t[k++] = (char)('0' + a / 100);
    t[k++] = (char)('0' + a / 10 % 10);
    t[k++] = (char)('0' + a % 10);
    return k;
}

static bool decimal_round_trips(const decimal *y, double d)
{
    char t[48];
    size_t k = 0;
    if (y->neg)
        t[k++] = '-';
    t[k++] = y->dig[0];
    t[k++] = '.';
    for (int i = 1; i < y->n; i++)
        t[k++] = y->dig[i];
    k += put_exponent(t + k, y->exp);
    t[k] = '\0';
    return strtod(t, NULL) == d;
}

int cs_format_double(char *buf, size_t size, double d)
{
    if (isnan(d))
        return snprintf(buf, size, "nan");
    if (isinf(d))
        return snprintf(buf, size, d < 0 ? "-inf" : "inf");
    if (d == 0)
        return snprintf(buf, size, signbit(d) ? "-0.0" : "0.0");
    /* The shortest p whose p-digit rounding reads back as d.  Reading back
     * is monotone in p (the p+1-digit rounding is never farther from d than
     * the p-digit one), so p can be bisected; the 17-digit rounding always
     * reads back.  One snprintf gives the 17 digits, the shorter roundings
     * are derived from them; most values of the dataset (float32 values)
     * need 16 or 17 digits, so those are tried first. */
    decimal x, y;
    decimal_of(d, 17, &x);
    int lo = 1, hi = x.n; /* hi reads back */
    if (hi == 17) {
        decimal_round(d, &x, 16, &y);
        if (!decimal_round_trips(&y, d))
            lo = 17;
        else
            hi = 16;
    }
    if (lo < hi && hi == 16) {
        decimal_round(d, &x, 15, &y);
        if (!decimal_round_trips(&y, d))
            lo = 16;
        else
            hi = 15;
    }
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        decimal_round(d, &x, mid, &y);
        if (decimal_round_trips(&y, d))
            hi = mid;
        else
            lo = mid + 1;
    }
    decimal_round(d, &x, lo, &y);
    /* Written as Python's repr writes it: positional for exponents -4 to
     * 15 (100.0, 0.0001, 1234567890123456.0), ".0" on whole numbers, else
     * d.ddde+XX (1e+16, 1e-05).  %g would write 100 as 1e+02. */
    char t[48];
    size_t k = 0;
    if (y.neg)
        t[k++] = '-';
    if (y.exp < -4 || y.exp >= 16) {
        t[k++] = y.dig[0];
        if (y.n > 1)
            t[k++] = '.';
        for (int i = 1; i < y.n; i++)
            t[k++] = y.dig[i];
        k += put_exponent(t + k, y.exp);
    } else if (y.exp >= 0) {
        for (int i = 0; i <= y.exp; i++)
            t[k++] = i < y.n ? y.dig[i] : '0';
        t[k++] = '.';
        if (y.n <= y.exp + 1)
            t[k++] = '0';
        for (int i = y.exp + 1; i < y.n; i++)
            t[k++] = y.dig[i];
    } else {
        t[k++] = '0';
        t[k++] = '.';
        for (int i = 0; i < -y.exp - 1; i++)
            t[k++] = '0';
        for (int i = 0; i < y.n; i++)
            t[k++] = y.dig[i];
    }
    t[k] = '\0';
    if (size > 0) {
        size_t m = k < size - 1 ? k : size - 1;
        memcpy(buf, t, m);
        buf[m] = '\0';
    }
    return (int)k;
}
