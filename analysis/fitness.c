/* Fitness vectors from a store or a file (cs_fitness.h). */
#include "cs_fitness.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_iso.h"
#include "cs_stats.h"

static const char *const metric_names[CS_METRIC_NUM] = {"train-accuracy", "validation-accuracy",
                                                        "test-accuracy", "training-time"};

cs_status cs_metric_parse(const char *name, cs_metric_spec *spec, cs_error *err)
{
    char buf[64];
    size_t len = strlen(name);
    if (len >= sizeof buf)
        goto bad;
    for (size_t i = 0; i <= len; i++)
        buf[i] = name[i] == '_' ? '-' : name[i];
    const char *s = buf;
    spec->halfway = false;
    if (strncmp(s, "halfway-", 8) == 0) {
        spec->halfway = true;
        s += 8;
    } else if (strncmp(s, "final-", 6) == 0) {
        s += 6;
    }
    for (int m = 0; m < CS_METRIC_NUM; m++)
        if (strcmp(s, metric_names[m]) == 0) {
            spec->metric = (cs_metric)m;
            return CS_OK;
        }
bad:
    return cs_error_set(err, CS_ERR_ARG,
                        "unknown metric '%s' (metrics: train-accuracy, validation-accuracy, "
                        "test-accuracy, training-time; final by default, or prefixed "
                        "halfway-)",
                        name);
}

void cs_metric_format(const cs_metric_spec *spec, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", spec->halfway ? "halfway-" : "", metric_names[spec->metric]);
}

double cs_metric_of_run(const cs_metric_spec *spec, const cs_run *r)
{
    switch (spec->metric) {
    case CS_METRIC_TRAIN_ACCURACY:
        return spec->halfway ? r->halfway_train_accuracy : r->final_train_accuracy;
    case CS_METRIC_VALIDATION_ACCURACY:
        return spec->halfway ? r->halfway_validation_accuracy : r->final_validation_accuracy;
    case CS_METRIC_TEST_ACCURACY:
        return spec->halfway ? r->halfway_test_accuracy : r->final_test_accuracy;
    case CS_METRIC_TRAINING_TIME:
        return spec->halfway ? r->halfway_training_time : r->final_training_time;
    default:
        return NAN;
    }
}

int cs_analysis_default_budget(const cs_store *s)
{
    if (cs_store_budget_index(s, 108) >= 0)
        return 108;
    int best = -1;
    for (int i = 0; i < cs_store_num_budgets(s); i++)
        if (cs_store_budget(s, i) > best)
            best = cs_store_budget(s, i);
    return best;
}

cs_status cs_analysis_budget_index(const cs_store *s, const char *name, int budget, int *b,
                                   cs_error *err)
{
    if ((*b = cs_store_budget_index(s, budget)) >= 0)
        return CS_OK;
    char list[64] = "";
    size_t used = 0;
    for (int i = 0; i < cs_store_num_budgets(s) && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%d", i ? ", " : "",
                                 cs_store_budget(s, i));
    return cs_error_set(err, CS_ERR_ARG, "%s has no runs at %d epochs (it has: %s)",
                        name ? name : "the dataset", budget, *list ? list : "none");
}

cs_status cs_analysis_fitness(const cs_analysis_ctx *ctx, const cs_metric_spec *spec,
                              int budget, int repeat, double *out, double *se,
                              size_t *with_data, cs_error *err)
{
    if (!ctx->store || !ctx->class_entry)
        return cs_error_set(err, CS_ERR_ARG, "a metric fitness needs a dataset");
    if (repeat != CS_FITNESS_MEAN && (repeat < 0 || repeat >= CS_STORE_REPEATS))
        return cs_error_set(err, CS_ERR_ARG, "repeat %d is not one of 0..%d", repeat,
                            CS_STORE_REPEATS - 1);
    int b;
    cs_status st = cs_analysis_budget_index(ctx->store, ctx->data_name, budget, &b, err);
    if (st)
        return st;
    size_t nc = cs_space_num_classes(ctx->space), n = 0;
    for (size_t c = 0; c < nc; c++) {
        out[c] = NAN;
        if (se)
            se[c] = 0.0;
        int64_t e = ctx->class_entry[c];
        if (e < 0)
            continue;
        int r = cs_store_entry_at(ctx->store, (size_t)e)->repeats[b];
        const cs_run *runs = cs_store_runs(ctx->store, (size_t)e, b);
        if (repeat == CS_FITNESS_MEAN && r > 0) {
            double v[CS_STORE_REPEATS];
            for (int i = 0; i < r; i++)
                v[i] = cs_metric_of_run(spec, &runs[i]);
            out[c] = cs_mean(v, (size_t)r);
            if (se)
                se[c] = cs_stddev(v, (size_t)r) / sqrt((double)r);
        } else if (repeat != CS_FITNESS_MEAN && repeat < r) {
            out[c] = cs_metric_of_run(spec, &runs[repeat]);
        } else {
            continue;
        }
        n++;
    }
    if (with_data)
        *with_data = n;
    return CS_OK;
}

cs_status cs_analysis_params(const cs_analysis_ctx *ctx, double *out, size_t *with_data,
                             cs_error *err)
{
    if (!ctx->store || !ctx->class_entry)
        return cs_error_set(err, CS_ERR_ARG, "trainable parameters need a dataset");
    size_t nc = cs_space_num_classes(ctx->space), n = 0;
    for (size_t c = 0; c < nc; c++) {
        int64_t e = ctx->class_entry[c];
        out[c] = e < 0 ? NAN
                       : (double)cs_store_entry_at(ctx->store, (size_t)e)->trainable_parameters;
        n += e >= 0;
    }
    if (with_data)
        *with_data = n;
    return CS_OK;
}

/* --- fitness files -------------------------------------------------------- */

/* Field `col` (0-based) of a tab-separated line: *start and *len. */
static bool field_at(const char *line, size_t col, const char **start, size_t *len)
{
    const char *p = line;
    for (size_t i = 0; i < col; i++) {
        p = strchr(p, '\t');
        if (!p)
            return false;
        p++;
    }
    const char *e = p + strcspn(p, "\t");
    *start = p;
    *len = (size_t)(e - p);
    return true;
}

static size_t chomp(char *line, size_t n)
{
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return n;
}

/* A fitness file being read: where, which columns, and what is filled so far. */
typedef struct fitness_reader {
    const char *path, *key;
    size_t n, lineno, count;
    int64_t (*lookup)(void *user, const char *key, size_t len);
    void *user;
    double *out;
    uint8_t *seen; /* by class: a second line for a cell is an error, not an override */
    long kcol, fcol; /* -1 until the header row names them */
} fitness_reader;

/* The header row: the first column of each name is the one read. */
static cs_status read_header(fitness_reader *r, const char *line, cs_error *err)
{
    for (long c = 0;; c++) {
        const char *s;
        size_t l;
        if (!field_at(line, (size_t)c, &s, &l))
            break;
        if (l == strlen(r->key) && memcmp(s, r->key, l) == 0 && r->kcol < 0)
            r->kcol = c;
        else if (l == 7 && memcmp(s, "fitness", 7) == 0 && r->fcol < 0)
            r->fcol = c;
    }
    if (r->kcol < 0 || r->fcol < 0)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "%s:%zu: the header row has no column '%s' (it needs "
                            "tab-separated columns '%s' and 'fitness')",
                            r->path, r->lineno, r->kcol < 0 ? r->key : "fitness", r->key);
    return CS_OK;
}

/* A fitness field's value, NaN (no fitness) when empty; false when it is
 * not a number or is infinite. */
static bool fitness_value(const char *s, size_t len, double *x)
{
    *x = NAN;
    if (!len)
        return true;
    char num[64];
    char *end;
    if (len >= sizeof num)
        return false;
    memcpy(num, s, len);
    num[len] = '\0';
    errno = 0;
    *x = strtod(num, &end);
    return !(*end || end == num || isinf(*x));
}

/* A data row: the cell its key names gets its fitness. */
static cs_status read_row(fitness_reader *r, const char *line, cs_error *err)
{
    const char *ks, *fs;
    size_t kl, fl;
    long kcol = r->kcol, fcol = r->fcol;
    if (!field_at(line, (size_t)kcol, &ks, &kl) || !field_at(line, (size_t)fcol, &fs, &fl))
        return cs_error_set(err, CS_ERR_FORMAT, "%s:%zu: column %ld (%s) is missing", r->path,
                            r->lineno, (kcol > fcol ? kcol : fcol) + 1,
                            kcol > fcol ? r->key : "fitness");
    int64_t v = r->lookup(r->user, ks, kl);
    if (v < 0 || (size_t)v >= r->n)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "%s:%zu: column %ld (%s): '%.*s' is not a cell of the space",
                            r->path, r->lineno, kcol + 1, r->key, (int)(kl > 64 ? 64 : kl), ks);
    if (r->seen[v])
        return cs_error_set(err, CS_ERR_FORMAT, "%s:%zu: column %ld (%s): '%.*s' given twice",
                            r->path, r->lineno, kcol + 1, r->key, (int)(kl > 64 ? 64 : kl), ks);
    r->seen[v] = 1;
    double x;
    if (!fitness_value(fs, fl, &x))
        return cs_error_set(err, CS_ERR_FORMAT,
                            "%s:%zu: column %ld (fitness): '%.*s' is not a number", r->path,
                            r->lineno, fcol + 1, (int)(fl > 64 ? 64 : fl), fs);
    r->out[v] = x;
    r->count += !isnan(x);
    return CS_OK;
}

cs_status cs_fitness_file_read(const char *path, const char *key, size_t n,
                               int64_t (*lookup)(void *user, const char *key, size_t len),
                               void *user, double *out, size_t *with_data, cs_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    fitness_reader r = {.path = path, .key = key, .n = n, .lookup = lookup, .user = user,
                        .out = out, .seen = calloc(n + 1, 1), .kcol = -1, .fcol = -1};
    char *line = NULL;
    size_t cap = 0;
    cs_status st = CS_OK;
    if (!r.seen) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (%s)", path);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = NAN;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0) {
        r.lineno++;
        size_t len = chomp(line, (size_t)got);
        if (line[0] == '#' || len == 0)
            continue;
        if ((st = r.kcol < 0 ? read_header(&r, line, err) : read_row(&r, line, err)))
            goto out;
    }
    if (ferror(f)) {
        st = cs_error_set(err, CS_ERR_IO, "%s: read error after line %zu: %s", path, r.lineno,
                          strerror(errno));
        goto out;
    }
    if (r.kcol < 0) {
        st = cs_error_set(err, CS_ERR_FORMAT,
                          "%s: no header row (it needs tab-separated columns '%s' and 'fitness')",
                          path, key);
        goto out;
    }
    if (with_data)
        *with_data = r.count;
out:
    free(line);
    free(r.seen);
    fclose(f);
    return st;
}

/* The space's classes by module hash. */
typedef struct hashed {
    unsigned char hash[16];
    int64_t c;
} hashed;

static int cmp_hashed(const void *a, const void *b)
{
    return memcmp(((const hashed *)a)->hash, ((const hashed *)b)->hash, 16);
}

typedef struct hash_index {
    hashed *h;
    size_t n;
} hash_index;

static int64_t hash_lookup(void *user, const char *key, size_t len)
{
    const hash_index *ix = user;
    hashed k;
    if (!cs_hash_from_hex(key, len, k.hash))
        return -1;
    const hashed *hit = bsearch(&k, ix->h, ix->n, sizeof k, cmp_hashed);
    return hit ? hit->c : -1;
}

cs_status cs_analysis_fitness_file(const cs_analysis_ctx *ctx, const char *path, double *out,
                                   size_t *with_data, cs_error *err)
{
    size_t nc = cs_space_num_classes(ctx->space);
    hash_index ix = {malloc((nc + 1) * sizeof *ix.h), nc};
    char (*hex)[33] = malloc((nc + 1) * sizeof *hex);
    cs_status st = CS_OK;
    if (!ix.h || !hex) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (hashing the space)");
        goto out;
    }
    if ((st = cs_space_class_hashes(ctx->space, hex, err)))
        goto out;
    for (size_t c = 0; c < nc; c++) {
        cs_hash_from_hex(hex[c], 32, ix.h[c].hash);
        ix.h[c].c = (int64_t)c;
    }
    qsort(ix.h, nc, sizeof *ix.h, cmp_hashed);
    st = cs_fitness_file_read(path, "hash", nc, hash_lookup, &ix, out, with_data, err);
out:
    free(ix.h);
    free(hex);
    return st;
}
