/* A store exported to CSV, JSON lines and SQLite (see cs_export.h and
 * doc/export.md). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "cs_export.h"
#include "cs_json.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The version the meta table records: CS_VERSION_STRING when the build
 * defines it, else the package's version from config.h, else "unknown". */
#if !defined(CS_VERSION_STRING) && defined(PACKAGE_VERSION)
#define CS_VERSION_STRING PACKAGE_VERSION
#endif
#ifndef CS_VERSION_STRING
#define CS_VERSION_STRING "unknown"
#endif

#define NMETRICS CS_EXPORT_NMETRICS

/* The metrics of a run in the reference's key order (cs_run's order). */
static const char *const metric_names[NMETRICS] = {
    "halfway_training_time", "halfway_train_accuracy", "halfway_validation_accuracy",
    "halfway_test_accuracy", "final_training_time",    "final_train_accuracy",
    "final_validation_accuracy", "final_test_accuracy"};

const char *cs_export_metric_name(int m)
{
    return m >= 0 && m < NMETRICS ? metric_names[m] : NULL;
}

void cs_export_run_values(const cs_run *r, double v[CS_EXPORT_NMETRICS])
{
    v[0] = r->halfway_training_time;
    v[1] = r->halfway_train_accuracy;
    v[2] = r->halfway_validation_accuracy;
    v[3] = r->halfway_test_accuracy;
    v[4] = r->final_training_time;
    v[5] = r->final_train_accuracy;
    v[6] = r->final_validation_accuracy;
    v[7] = r->final_test_accuracy;
}

void cs_export_options_init(cs_export_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

const char *cs_export_version(void)
{
    return CS_VERSION_STRING;
}

/* The shortest round-trip text of a double: iso/'s (cs_json.h). */
int cs_export_format_double(char *buf, size_t size, double d)
{
    return cs_format_double(buf, size, d);
}

/* --- a growing line buffer -------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool failed;
} sbuf;

static void sb_reserve(sbuf *b, size_t extra)
{
    if (b->failed || b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = true;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void sb_put(sbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    if (b->failed)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_int(sbuf *b, long long v)
{
    char t[32];
    int n = snprintf(t, sizeof t, "%lld", v);
    sb_put(b, t, (size_t)n);
}

/* CSV: quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void sb_csv_field(sbuf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        sb_puts(b, s);
        return;
    }
    sb_put(b, "\"", 1);
    for (const char *q = s; *q; q++) {
        if (*q == '"')
            sb_put(b, "\"", 1);
        sb_put(b, q, 1);
    }
    sb_put(b, "\"", 1);
}

/* JSON string; our texts are ASCII, control characters are escaped anyway. */
static void sb_json_string(sbuf *b, const char *s)
{
    sb_put(b, "\"", 1);
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if (*q == '"' || *q == '\\') {
            char e[2] = {'\\', (char)*q};
            sb_put(b, e, 2);
        } else if (*q < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", *q);
            sb_put(b, e, 6);
        } else {
            sb_put(b, (const char *)q, 1);
        }
    }
    sb_put(b, "\"", 1);
}

static void sb_double_csv(sbuf *b, double d)
{
    char t[40];
    int n = cs_format_double(t, sizeof t, d);
    sb_put(b, t, (size_t)n);
}

static void sb_double_json(sbuf *b, double d)
{
    if (!isfinite(d)) {
        sb_put(b, "null", 4);
        return;
    }
    sb_double_csv(b, d);
}

/* --- one cell's text columns ------------------------------------------------ */

typedef struct cell_text {
    cs_cell cell;
    char hash[33];
    char compact[128];
    char adjacency[CS_KEY_MAXV * CS_KEY_MAXV + 1];
    char ops[CS_KEY_MAXV * 24];
    char canonical[128];
    int vertices, edges, conv3x3, conv1x1, maxpool3x3, depth;
} cell_text;

static cs_status cell_text_init(const cs_store *s, size_t i, cell_text *t, cs_error *err)
{
    const cs_store_entry *e = cs_store_entry_at(s, i);
    cs_cell canon;
    cs_hash_to_hex(e->hash, t->hash);
    cs_key_cell(&e->cell, &t->cell);
    cs_key_cell(&e->canon, &canon);
    for (int v = 0; v < t->cell.n; v++)
        if (!cs_op_name(t->cell.op[v]))
            return cs_error_set(err, CS_ERR_VALUE, "cell %s (entry %zu): vertex %d has an "
                                "operation with no name", t->hash, i, v);
    char row[sizeof t->adjacency + sizeof t->ops + 2];
    int n1 = cs_cell_format_compact(&t->cell, t->compact, sizeof t->compact);
    int n2 = cs_cell_format_compact(&canon, t->canonical, sizeof t->canonical);
    int n3 = cs_cell_format_row(&t->cell, row, sizeof row);
    if (n1 < 0 || (size_t)n1 >= sizeof t->compact || n2 < 0 ||
        (size_t)n2 >= sizeof t->canonical || n3 < 0 || (size_t)n3 >= sizeof row)
        return cs_error_set(err, CS_ERR_VALUE, "cell %s (entry %zu): too large to write",
                            t->hash, i);
    /* The row form is "<adjacency> <ops>": the two fields of a record. */
    char *space = strchr(row, ' ');
    if (!space)
        return cs_error_set(err, CS_ERR_VALUE, "cell %s (entry %zu): no row form", t->hash, i);
    *space = '\0';
    memcpy(t->adjacency, row, (size_t)(space - row) + 1);
    memcpy(t->ops, space + 1, strlen(space + 1) + 1);
    t->vertices = t->cell.n;
    t->edges = cs_cell_num_edges(&t->cell);
    t->conv3x3 = cs_cell_count_op(&t->cell, CS_OP_CONV3X3);
    t->conv1x1 = cs_cell_count_op(&t->cell, CS_OP_CONV1X1);
    t->maxpool3x3 = cs_cell_count_op(&t->cell, CS_OP_MAXPOOL3X3);
    t->depth = cs_cell_depth(&t->cell);
    return CS_OK;
}

/* Mean (sum in repeat order / n, as the reference's mean) and sample
 * standard deviation of each metric over n runs; std NaN when n < 2. */
static void mean_std(const cs_run *runs, int n, double mean[NMETRICS], double std[NMETRICS])
{
    double sum[NMETRICS] = {0}, v[NMETRICS];
    for (int k = 0; k < n; k++) {
        cs_export_run_values(&runs[k], v);
        for (int m = 0; m < NMETRICS; m++)
            sum[m] += v[m];
    }
    for (int m = 0; m < NMETRICS; m++)
        mean[m] = sum[m] / n;
    double ss[NMETRICS] = {0};
    for (int k = 0; k < n; k++) {
        cs_export_run_values(&runs[k], v);
        for (int m = 0; m < NMETRICS; m++)
            ss[m] += (v[m] - mean[m]) * (v[m] - mean[m]);
    }
    for (int m = 0; m < NMETRICS; m++)
        std[m] = n > 1 ? sqrt(ss[m] / (n - 1)) : NAN;
}

size_t cs_export_num_rows(const cs_store *s, cs_export_mode mode)
{
    size_t rows = 0, ncells = cs_store_num_cells(s);
    int nb = cs_store_num_budgets(s);
    for (size_t i = 0; i < ncells; i++) {
        const cs_store_entry *e = cs_store_entry_at(s, i);
        for (int b = 0; b < nb; b++)
            rows += mode == CS_EXPORT_MEAN ? (e->repeats[b] > 0) : e->repeats[b];
    }
    return rows;
}

/* Progress every 1024 cells, cancellation every 256. */
static cs_status tick(const cs_export_options *opt, size_t i, size_t n, const char *phase,
                      cs_error *err)
{
    if ((i & 255) != 0)
        return CS_OK;
    if (cs_monitor_cancelled(&opt->monitor))
        return cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
    if ((i & 1023) == 0)
        cs_monitor_progress(&opt->monitor, phase, n ? (double)i / (double)n : 1.0);
    return CS_OK;
}

/* --- CSV and JSON lines ----------------------------------------------------- */

typedef enum { FMT_CSV, FMT_JSONL } text_format;

static void header_csv(sbuf *b, cs_export_mode mode)
{
    sb_puts(b, "hash,cell,adjacency,ops,vertices,edges,conv3x3,conv1x1,maxpool3x3,depth,"
              "trainable_parameters,canonical,epochs,");
    sb_puts(b, mode == CS_EXPORT_MEAN ? "repeats" : "repeat");
    for (int m = 0; m < NMETRICS; m++) {
        sb_put(b, ",", 1);
        sb_puts(b, metric_names[m]);
        if (mode == CS_EXPORT_MEAN) {
            sb_puts(b, "_mean,");
            sb_puts(b, metric_names[m]);
            sb_puts(b, "_std");
        }
    }
    sb_puts(b, ",synthetic\r\n");
}

/* The columns every row of a cell shares, up to the value of "epochs". */
static void cell_prefix(sbuf *b, text_format fmt, const cell_text *t, int32_t params)
{
    const struct {
        const char *name, *text; /* text NULL: the number */
        long long number;
    } cols[] = {{"hash", t->hash, 0},           {"cell", t->compact, 0},
                {"adjacency", t->adjacency, 0}, {"ops", t->ops, 0},
                {"vertices", NULL, t->vertices}, {"edges", NULL, t->edges},
                {"conv3x3", NULL, t->conv3x3}, {"conv1x1", NULL, t->conv1x1},
                {"maxpool3x3", NULL, t->maxpool3x3}, {"depth", NULL, t->depth},
                {"trainable_parameters", NULL, params}, {"canonical", t->canonical, 0}};
    b->len = 0;
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        if (fmt == FMT_JSONL) {
            sb_puts(b, i ? ",\"" : "{\"");
            sb_puts(b, cols[i].name);
            sb_puts(b, "\":");
            if (cols[i].text)
                sb_json_string(b, cols[i].text);
            else
                sb_int(b, cols[i].number);
        } else {
            if (cols[i].text)
                sb_csv_field(b, cols[i].text);
            else
                sb_int(b, cols[i].number);
            sb_put(b, ",", 1);
        }
    }
    if (fmt == FMT_JSONL)
        sb_puts(b, ",\"epochs\":");
}

static void put_value(sbuf *b, text_format fmt, const char *name, const char *suffix, double d,
                      bool missing)
{
    if (fmt == FMT_CSV) {
        sb_put(b, ",", 1);
        if (!missing)
            sb_double_csv(b, d);
        return;
    }
    sb_puts(b, ",\"");
    sb_puts(b, name);
    sb_puts(b, suffix);
    sb_puts(b, "\":");
    if (missing)
        sb_put(b, "null", 4);
    else
        sb_double_json(b, d);
}

/* A row's start: the cell's columns, epochs, then "repeat" or "repeats". */
static void row_start(sbuf *line, const sbuf *pre, text_format fmt, int epochs,
                      const char *key, int value)
{
    line->len = 0;
    sb_put(line, pre->p, pre->len);
    sb_int(line, epochs);
    if (fmt == FMT_JSONL) {
        sb_puts(line, ",\"");
        sb_puts(line, key);
        sb_puts(line, "\":");
    } else {
        sb_put(line, ",", 1);
    }
    sb_int(line, value);
}

static void row_end(sbuf *line, const char *tail, FILE *f)
{
    sb_puts(line, tail);
    if (!line->failed)
        fwrite(line->p, 1, line->len, f);
}

static cs_status export_text(const cs_store *s, FILE *f, cs_export_mode mode, text_format fmt,
                             const cs_export_options *opt, cs_error *err)
{
    if (mode != CS_EXPORT_RUNS && mode != CS_EXPORT_MEAN)
        return cs_error_set(err, CS_ERR_ARG, "unknown export mode %d", (int)mode);
    cs_export_options none;
    if (!opt) {
        cs_export_options_init(&none);
        opt = &none;
    }
    const bool synthetic = cs_store_synthetic(s);
    const char *syn_csv = synthetic ? ",true\r\n" : ",false\r\n";
    const char *syn_json = synthetic ? ",\"synthetic\":true}\n" : ",\"synthetic\":false}\n";
    const size_t ncells = cs_store_num_cells(s);
    const int nb = cs_store_num_budgets(s);
    sbuf pre = {0}, line = {0};
    cs_status st = CS_OK;
    cell_text *t = malloc(sizeof *t);
    if (!t)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    if (fmt == FMT_CSV) {
        header_csv(&line, mode);
        if (!line.failed)
            fwrite(line.p, 1, line.len, f);
    }
    for (size_t i = 0; i < ncells && st == CS_OK; i++) {
        if ((st = tick(opt, i, ncells, "export", err)))
            break;
        if ((st = cell_text_init(s, i, t, err)))
            break;
        const cs_store_entry *e = cs_store_entry_at(s, i);
        cell_prefix(&pre, fmt, t, e->trainable_parameters);
        if (pre.failed) {
            st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
            break;
        }
        for (int b = 0; b < nb; b++) {
            const cs_run *runs = cs_store_runs(s, i, b);
            const int n = e->repeats[b];
            if (n == 0)
                continue;
            const int epochs = cs_store_budget(s, b);
            const char *tail = fmt == FMT_CSV ? syn_csv : syn_json;
            if (mode == CS_EXPORT_MEAN) {
                double mean[NMETRICS], std[NMETRICS];
                mean_std(runs, n, mean, std);
                row_start(&line, &pre, fmt, epochs, "repeats", n);
                for (int m = 0; m < NMETRICS; m++) {
                    put_value(&line, fmt, metric_names[m], "_mean", mean[m], false);
                    put_value(&line, fmt, metric_names[m], "_std", std[m], n < 2);
                }
                row_end(&line, tail, f);
                continue;
            }
            for (int k = 0; k < n; k++) {
                double v[NMETRICS];
                cs_export_run_values(&runs[k], v);
                row_start(&line, &pre, fmt, epochs, "repeat", k);
                for (int m = 0; m < NMETRICS; m++)
                    put_value(&line, fmt, metric_names[m], "", v[m], false);
                row_end(&line, tail, f);
            }
        }
        if (pre.failed || line.failed)
            st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        else if (ferror(f))
            st = cs_error_set(err, CS_ERR_IO, "write failed: %s", strerror(errno));
    }
    if (st == CS_OK && (pre.failed || line.failed))
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    if (st == CS_OK && (fflush(f) != 0 || ferror(f)))
        st = cs_error_set(err, CS_ERR_IO, "write failed: %s", strerror(errno));
    if (st == CS_OK)
        cs_monitor_progress(&opt->monitor, "export", 1.0);
    free(pre.p);
    free(line.p);
    free(t);
    return st;
}

cs_status cs_export_csv(const cs_store *s, FILE *f, cs_export_mode mode,
                        const cs_export_options *opt, cs_error *err)
{
    return export_text(s, f, mode, FMT_CSV, opt, err);
}

cs_status cs_export_jsonl(const cs_store *s, FILE *f, cs_export_mode mode,
                          const cs_export_options *opt, cs_error *err)
{
    return export_text(s, f, mode, FMT_JSONL, opt, err);
}

/* --- SQLite ------------------------------------------------------------------ */

#define MEAN_COLUMN(name) "  " name "_mean REAL NOT NULL,\n  " name "_std REAL,\n"

/* The schema; doc/export.md documents every column.  Base tables keep the
 * dataset's units (fractions, seconds, counts) and bit-exact values; the
 * nb101* views give nni's column names and units (percent, millions of
 * parameters) except nni's training time x 60, which is not copied. */
static const char schema_sql[] =
    "CREATE TABLE meta (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT\n"
    ");\n"
    "CREATE TABLE cell (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  hash TEXT NOT NULL UNIQUE,\n"
    "  cell TEXT NOT NULL,\n"
    "  adjacency TEXT NOT NULL,\n"
    "  ops TEXT NOT NULL,\n"
    "  arch TEXT NOT NULL,\n"
    "  nni_arch TEXT NOT NULL,\n"
    "  num_vertices INTEGER NOT NULL,\n"
    "  num_edges INTEGER NOT NULL,\n"
    "  conv3x3 INTEGER NOT NULL,\n"
    "  conv1x1 INTEGER NOT NULL,\n"
    "  maxpool3x3 INTEGER NOT NULL,\n"
    "  depth INTEGER NOT NULL,\n"
    "  parameters INTEGER NOT NULL,\n"
    "  canonical TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE trial_config (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  cell_id INTEGER NOT NULL REFERENCES cell(id),\n"
    "  num_epochs INTEGER NOT NULL,\n"
    "  UNIQUE (cell_id, num_epochs)\n"
    ");\n"
    "CREATE TABLE trial_stats (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  config_id INTEGER NOT NULL REFERENCES trial_config(id),\n"
    "  repeat INTEGER NOT NULL,\n"
    "  train_accuracy REAL NOT NULL,\n"
    "  validation_accuracy REAL NOT NULL,\n"
    "  test_accuracy REAL NOT NULL,\n"
    "  parameters INTEGER NOT NULL,\n"
    "  training_time REAL NOT NULL,\n"
    "  UNIQUE (config_id, repeat)\n"
    ");\n"
    "CREATE TABLE intermediate_stats (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  trial_id INTEGER NOT NULL REFERENCES trial_stats(id),\n"
    "  current_epoch INTEGER NOT NULL,\n"
    "  train_accuracy REAL NOT NULL,\n"
    "  validation_accuracy REAL NOT NULL,\n"
    "  test_accuracy REAL NOT NULL,\n"
    "  training_time REAL NOT NULL,\n"
    "  UNIQUE (trial_id, current_epoch)\n"
    ");\n"
    "CREATE TABLE trial_mean (\n"
    "  config_id INTEGER PRIMARY KEY REFERENCES trial_config(id),\n"
    "  repeats INTEGER NOT NULL,\n"
    MEAN_COLUMN("halfway_training_time") MEAN_COLUMN("halfway_train_accuracy")
    MEAN_COLUMN("halfway_validation_accuracy") MEAN_COLUMN("halfway_test_accuracy")
    MEAN_COLUMN("final_training_time") MEAN_COLUMN("final_train_accuracy")
    MEAN_COLUMN("final_validation_accuracy")
    "  final_test_accuracy_mean REAL NOT NULL,\n"
    "  final_test_accuracy_std REAL\n"
    ");\n";

/* Built after the rows are in (faster than growing them row by row). */
static const char index_sql[] =
    "CREATE INDEX cell_canonical ON cell (canonical);\n"
    "CREATE INDEX cell_num_vertices ON cell (num_vertices);\n"
    "CREATE INDEX trial_config_num_epochs ON trial_config (num_epochs);\n";

#define HALFWAY_JOIN                                                                     \
    "  JOIN trial_config tc ON tc.id = t.config_id\n"                                   \
    "  JOIN intermediate_stats h ON h.trial_id = t.id AND h.current_epoch = tc.num_epochs / 2\n"

#define CELL_COLUMNS                                                                     \
    "  c.hash AS hash, c.cell AS cell, c.adjacency AS adjacency, c.ops AS ops,\n"        \
    "  c.num_vertices AS vertices, c.num_edges AS edges,\n"                               \
    "  c.conv3x3 AS conv3x3, c.conv1x1 AS conv1x1, c.maxpool3x3 AS maxpool3x3,\n"         \
    "  c.depth AS depth,\n"                                                                \
    "  c.parameters AS trainable_parameters, c.canonical AS canonical,\n"                \
    "  tc.num_epochs AS epochs,\n"

#define SYNTHETIC_COLUMN \
    "  (SELECT value = 'true' FROM meta WHERE key = 'synthetic') AS synthetic\n"

#define MEAN_PAIR(name) "  m." name "_mean AS " name "_mean, m." name "_std AS " name "_std,\n"

static const char view_sql[] =
    "CREATE VIEW runs AS SELECT\n" CELL_COLUMNS
    "  t.repeat AS repeat,\n"
    "  h.training_time AS halfway_training_time,\n"
    "  h.train_accuracy AS halfway_train_accuracy,\n"
    "  h.validation_accuracy AS halfway_validation_accuracy,\n"
    "  h.test_accuracy AS halfway_test_accuracy,\n"
    "  t.training_time AS final_training_time,\n"
    "  t.train_accuracy AS final_train_accuracy,\n"
    "  t.validation_accuracy AS final_validation_accuracy,\n"
    "  t.test_accuracy AS final_test_accuracy,\n" SYNTHETIC_COLUMN
    "FROM trial_stats t\n" HALFWAY_JOIN
    "  JOIN cell c ON c.id = tc.cell_id\n"
    "ORDER BY t.id;\n"
    "CREATE VIEW means AS SELECT\n" CELL_COLUMNS
    "  m.repeats AS repeats,\n"
    MEAN_PAIR("halfway_training_time") MEAN_PAIR("halfway_train_accuracy")
    MEAN_PAIR("halfway_validation_accuracy") MEAN_PAIR("halfway_test_accuracy")
    MEAN_PAIR("final_training_time") MEAN_PAIR("final_train_accuracy")
    MEAN_PAIR("final_validation_accuracy") MEAN_PAIR("final_test_accuracy")
    SYNTHETIC_COLUMN
    "FROM trial_mean m JOIN trial_config tc ON tc.id = m.config_id\n"
    "  JOIN cell c ON c.id = tc.cell_id\n"
    "ORDER BY m.config_id;\n"
    /* nni's tables (nni.nas.benchmarks.nasbench101.model), for nni's queries. */
    "CREATE VIEW nb101trialconfig AS\n"
    "  SELECT tc.id AS id, c.nni_arch AS arch, c.num_vertices AS num_vertices,\n"
    "    c.hash AS hash, tc.num_epochs AS num_epochs\n"
    "  FROM trial_config tc JOIN cell c ON c.id = tc.cell_id;\n"
    "CREATE VIEW nb101trialstats AS\n"
    "  SELECT id, config_id, train_accuracy * 100 AS train_acc,\n"
    "    validation_accuracy * 100 AS valid_acc, test_accuracy * 100 AS test_acc,\n"
    "    parameters / 1e6 AS parameters, training_time\n"
    "  FROM trial_stats;\n"
    "CREATE VIEW nb101intermediatestats AS\n"
    "  SELECT id, trial_id, current_epoch, train_accuracy * 100 AS train_acc,\n"
    "    validation_accuracy * 100 AS valid_acc, test_accuracy * 100 AS test_acc,\n"
    "    training_time\n"
    "  FROM intermediate_stats;\n";

/* nni's arch dict as json.dumps(arch, sort_keys=True) writes it:
 * {"input1": [0], "input2": [0, 1], "op1": "conv3x3-bn-relu", ...}:
 * "inputI" lists the predecessors of vertex I (1..n-1), "opI" the op of
 * interior vertex I.  Keys sort as strings ("input10" < "input2"). */
typedef struct nni_key {
    char key[24];
    int vertex;
    bool is_op;
} nni_key;

static int nni_key_cmp(const void *a, const void *b)
{
    return strcmp(((const nni_key *)a)->key, ((const nni_key *)b)->key);
}

static void nni_arch(sbuf *b, const cs_cell *c)
{
    nni_key keys[2 * CS_CELL_MAXV];
    int nk = 0;
    for (int v = 1; v < c->n; v++) {
        snprintf(keys[nk].key, sizeof keys[nk].key, "input%d", v);
        keys[nk].vertex = v;
        keys[nk++].is_op = false;
    }
    for (int v = 1; v < c->n - 1; v++) {
        snprintf(keys[nk].key, sizeof keys[nk].key, "op%d", v);
        keys[nk].vertex = v;
        keys[nk++].is_op = true;
    }
    qsort(keys, (size_t)nk, sizeof keys[0], nni_key_cmp);
    b->len = 0;
    sb_put(b, "{", 1);
    for (int k = 0; k < nk; k++) {
        if (k)
            sb_put(b, ", ", 2);
        sb_json_string(b, keys[k].key);
        sb_put(b, ": ", 2);
        if (keys[k].is_op) {
            sb_json_string(b, cs_op_name(c->op[keys[k].vertex]));
            continue;
        }
        sb_put(b, "[", 1);
        bool first = true;
        for (int u = 0; u < keys[k].vertex; u++)
            if (c->adj[u] >> keys[k].vertex & 1) {
                if (!first)
                    sb_put(b, ", ", 2);
                sb_int(b, u);
                first = false;
            }
        sb_put(b, "]", 1);
    }
    sb_put(b, "}", 1);
}

typedef struct sql_export {
    sqlite3 *db;
    const char *path; /* the target, for messages */
    sqlite3_stmt *meta, *cell, *config, *trial, *inter, *mean;
} sql_export;

static cs_status sql_fail(sql_export *x, const char *what, cs_error *err)
{
    int code = x->db ? sqlite3_errcode(x->db) : SQLITE_NOMEM;
    const char *msg = x->db ? sqlite3_errmsg(x->db) : "out of memory";
    return cs_error_set(err, code == SQLITE_NOMEM ? CS_ERR_NOMEM : CS_ERR_IO,
                        "%s: SQLite: %s: %s", x->path, what, msg);
}

static cs_status sql_exec(sql_export *x, const char *sql, const char *what, cs_error *err)
{
    if (sqlite3_exec(x->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(x, what, err);
    return CS_OK;
}

static cs_status sql_prepare(sql_export *x, sqlite3_stmt **stmt, const char *sql,
                             cs_error *err)
{
    if (sqlite3_prepare_v2(x->db, sql, -1, stmt, NULL) != SQLITE_OK)
        return sql_fail(x, "prepare", err);
    return CS_OK;
}

/* Step an insert whose values are bound, and reset it for the next row. */
static cs_status sql_step(sql_export *x, sqlite3_stmt *stmt, const char *what, cs_error *err)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return sql_fail(x, what, err);
    return CS_OK;
}

static cs_status sql_meta(sql_export *x, const char *key, const char *value, cs_error *err)
{
    sqlite3_bind_text(x->meta, 1, key, -1, SQLITE_STATIC);
    if (value)
        sqlite3_bind_text(x->meta, 2, value, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(x->meta, 2);
    return sql_step(x, x->meta, "meta", err);
}

static cs_status sql_meta_rows(sql_export *x, const cs_store *s, cs_error *err)
{
    char buf[256];
    cs_status st;
    const unsigned char *sha = cs_store_source_sha256(s);
    for (int k = 0; k < 32; k++)
        snprintf(buf + 2 * k, 3, "%02x", sha[k]);
    if ((st = sql_meta(x, "format", "cellscape NAS-Bench-101 export", err)) ||
        (st = sql_meta(x, "cellscape_version", cs_export_version(), err)) ||
        (st = sql_meta(x, "source_sha256", buf, err)))
        return st;
    snprintf(buf, sizeof buf, "%d", CS_EXPORT_SQLITE_SCHEMA_VERSION);
    if ((st = sql_meta(x, "schema_version", buf, err)))
        return st;
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)cs_store_source_bytes(s));
    if ((st = sql_meta(x, "source_bytes", buf, err)) ||
        (st = sql_meta(x, "official_name", cs_store_official_name(s), err)) ||
        (st = sql_meta(x, "synthetic", cs_store_synthetic(s) ? "true" : "false", err)))
        return st;
    size_t off = 0;
    buf[0] = '\0';
    for (int b = 0; b < cs_store_num_budgets(s); b++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%d", b ? "," : "",
                                cs_store_budget(s, b));
    if ((st = sql_meta(x, "budgets", buf, err)))
        return st;
    snprintf(buf, sizeof buf, "%d", CS_STORE_REPEATS);
    if ((st = sql_meta(x, "repeats", buf, err)))
        return st;
    snprintf(buf, sizeof buf, "%zu", cs_store_num_cells(s));
    if ((st = sql_meta(x, "cells", buf, err)))
        return st;
    return sql_meta(x, "units", "accuracies: fractions in [0, 1]; training_time: seconds; "
                    "parameters: a count (nb101* views: nni's percent and millions)", err);
}

/* The ids of the rows inserted last: each table counts from 1. */
typedef struct sql_ids {
    sqlite3_int64 config, trial, inter;
} sql_ids;

/* Cell i's row of table cell; t and nni are the caller's, reused cell
 * after cell. */
static cs_status sql_cell(sql_export *x, const cs_store *s, size_t i, sqlite3_int64 cell_id,
                          cell_text *t, sbuf *nni, cs_error *err)
{
    char arch[4096];
    cs_status st = cell_text_init(s, i, t, err);
    if (st)
        return st;
    int need = cs_cell_format_json(&t->cell, arch, sizeof arch);
    if (need < 0 || (size_t)need >= sizeof arch)
        return cs_error_set(err, CS_ERR_VALUE, "cell %s (entry %zu): too large to write",
                            t->hash, i);
    nni_arch(nni, &t->cell);
    if (nni->failed)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    sqlite3_stmt *q = x->cell;
    sqlite3_bind_int64(q, 1, cell_id);
    sqlite3_bind_text(q, 2, t->hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, t->compact, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, t->adjacency, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, t->ops, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, arch, need, SQLITE_STATIC);
    sqlite3_bind_text(q, 7, nni->p, (int)nni->len, SQLITE_STATIC);
    sqlite3_bind_int(q, 8, t->vertices);
    sqlite3_bind_int(q, 9, t->edges);
    sqlite3_bind_int(q, 10, t->conv3x3);
    sqlite3_bind_int(q, 11, t->conv1x1);
    sqlite3_bind_int(q, 12, t->maxpool3x3);
    sqlite3_bind_int(q, 13, t->depth);
    sqlite3_bind_int(q, 14, cs_store_entry_at(s, i)->trainable_parameters);
    sqlite3_bind_text(q, 15, t->canonical, -1, SQLITE_STATIC);
    /* Stepped before arch goes out of scope: SQLite does not copy it. */
    return sql_step(x, q, "insert into cell", err);
}

/* Run k's row of trial_stats and its two of intermediate_stats, halfway
 * first. */
static cs_status sql_trial(sql_export *x, const cs_run *r, int k, int epochs, int32_t params,
                           sql_ids *id, cs_error *err)
{
    sqlite3_stmt *q = x->trial;
    sqlite3_bind_int64(q, 1, ++id->trial);
    sqlite3_bind_int64(q, 2, id->config);
    sqlite3_bind_int(q, 3, k);
    sqlite3_bind_double(q, 4, r->final_train_accuracy);
    sqlite3_bind_double(q, 5, r->final_validation_accuracy);
    sqlite3_bind_double(q, 6, r->final_test_accuracy);
    sqlite3_bind_int(q, 7, params);
    sqlite3_bind_double(q, 8, r->final_training_time);
    cs_status st = sql_step(x, q, "insert into trial_stats", err);
    for (int half = 1; half >= 0 && st == CS_OK; half--) {
        q = x->inter;
        sqlite3_bind_int64(q, 1, ++id->inter);
        sqlite3_bind_int64(q, 2, id->trial);
        sqlite3_bind_int(q, 3, half ? epochs / 2 : epochs);
        sqlite3_bind_double(q, 4, half ? r->halfway_train_accuracy : r->final_train_accuracy);
        sqlite3_bind_double(q, 5, half ? r->halfway_validation_accuracy
                                       : r->final_validation_accuracy);
        sqlite3_bind_double(q, 6, half ? r->halfway_test_accuracy : r->final_test_accuracy);
        sqlite3_bind_double(q, 7, half ? r->halfway_training_time : r->final_training_time);
        st = sql_step(x, q, "insert into intermediate_stats", err);
    }
    return st;
}

/* The means of the text exports' --mean, bit for bit. */
static cs_status sql_mean(sql_export *x, const cs_run *runs, int n, sqlite3_int64 config_id,
                          cs_error *err)
{
    double mean[NMETRICS], std[NMETRICS];
    mean_std(runs, n, mean, std);
    sqlite3_stmt *q = x->mean;
    sqlite3_bind_int64(q, 1, config_id);
    sqlite3_bind_int(q, 2, n);
    for (int m = 0; m < NMETRICS; m++) {
        sqlite3_bind_double(q, 3 + 2 * m, mean[m]);
        if (n > 1)
            sqlite3_bind_double(q, 4 + 2 * m, std[m]);
        else
            sqlite3_bind_null(q, 4 + 2 * m);
    }
    return sql_step(x, q, "insert into trial_mean", err);
}

/* Cell i's runs at budget b (if it has any): its trial_config row, then
 * the runs' rows and their mean. */
static cs_status sql_budget(sql_export *x, const cs_store *s, size_t i, int b,
                            sqlite3_int64 cell_id, sql_ids *id, cs_error *err)
{
    const cs_store_entry *e = cs_store_entry_at(s, i);
    const int n = e->repeats[b];
    if (n == 0)
        return CS_OK;
    const int epochs = cs_store_budget(s, b);
    const cs_run *runs = cs_store_runs(s, i, b);
    sqlite3_bind_int64(x->config, 1, ++id->config);
    sqlite3_bind_int64(x->config, 2, cell_id);
    sqlite3_bind_int(x->config, 3, epochs);
    cs_status st = sql_step(x, x->config, "insert into trial_config", err);
    for (int k = 0; k < n && st == CS_OK; k++)
        st = sql_trial(x, &runs[k], k, epochs, e->trainable_parameters, id, err);
    if (st == CS_OK)
        st = sql_mean(x, runs, n, id->config, err);
    return st;
}

static cs_status sql_rows(sql_export *x, const cs_store *s, const cs_export_options *opt,
                          cs_error *err)
{
    cs_status st = CS_OK;
    cell_text *t = malloc(sizeof *t);
    sbuf nni = {0};
    if (!t)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    const size_t ncells = cs_store_num_cells(s);
    const int nb = cs_store_num_budgets(s);
    sql_ids id = {0, 0, 0};
    for (size_t i = 0; i < ncells && st == CS_OK; i++) {
        const sqlite3_int64 cell_id = (sqlite3_int64)i + 1;
        if ((st = tick(opt, i, ncells, "export", err)) ||
            (st = sql_cell(x, s, i, cell_id, t, &nni, err)))
            break;
        for (int b = 0; b < nb && st == CS_OK; b++)
            st = sql_budget(x, s, i, b, cell_id, &id, err);
    }
    free(nni.p);
    free(t);
    return st;
}

/* Everything inside one transaction on the temporary file. */
static cs_status sql_build(sql_export *x, const cs_store *s, const cs_export_options *opt,
                           cs_error *err)
{
    cs_status st;
    char pragmas[256];
    /* The file is private until renamed and deleted on failure: no journal
     * on disk and no syncs are needed (the whole file is synced before the
     * rename). */
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;"
             "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -65536;"
             "PRAGMA application_id = %d; PRAGMA user_version = %d;",
             CS_EXPORT_SQLITE_APPLICATION_ID, CS_EXPORT_SQLITE_SCHEMA_VERSION);
    if ((st = sql_exec(x, pragmas, "set up", err)) ||
        (st = sql_exec(x, "BEGIN", "begin", err)) ||
        (st = sql_exec(x, schema_sql, "create tables", err)))
        return st;
    if ((st = sql_prepare(x, &x->meta, "INSERT INTO meta (key, value) VALUES (?, ?)", err)) ||
        (st = sql_prepare(x, &x->cell,
                          "INSERT INTO cell (id, hash, cell, adjacency, ops, arch, nni_arch, "
                          "num_vertices, num_edges, conv3x3, conv1x1, maxpool3x3, depth, "
                          "parameters, canonical) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err)) ||
        (st = sql_prepare(x, &x->config,
                          "INSERT INTO trial_config (id, cell_id, num_epochs) VALUES (?, ?, ?)",
                          err)) ||
        (st = sql_prepare(x, &x->trial,
                          "INSERT INTO trial_stats (id, config_id, repeat, train_accuracy, "
                          "validation_accuracy, test_accuracy, parameters, training_time) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err)) ||
        (st = sql_prepare(x, &x->inter,
                          "INSERT INTO intermediate_stats (id, trial_id, current_epoch, "
                          "train_accuracy, validation_accuracy, test_accuracy, training_time) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)", err)) ||
        (st = sql_prepare(x, &x->mean,
                          "INSERT INTO trial_mean VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                          "?, ?, ?, ?, ?, ?)", err)))
        return st;
    if ((st = sql_meta_rows(x, s, err)) || (st = sql_rows(x, s, opt, err)))
        return st;
    cs_monitor_progress(&opt->monitor, "index", 1.0);
    if ((st = sql_exec(x, index_sql, "create indexes", err)) ||
        (st = sql_exec(x, view_sql, "create views", err)))
        return st;
    if (cs_monitor_cancelled(&opt->monitor))
        return cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
    return sql_exec(x, "COMMIT", "commit", err);
}

static void sql_finalize(sql_export *x)
{
    sqlite3_finalize(x->meta);
    sqlite3_finalize(x->cell);
    sqlite3_finalize(x->config);
    sqlite3_finalize(x->trial);
    sqlite3_finalize(x->inter);
    sqlite3_finalize(x->mean);
    x->meta = x->cell = x->config = x->trial = x->inter = x->mean = NULL;
}

static cs_status sync_file(const char *path, const char *target, cs_error *err)
{
    int fd = open(path, O_RDWR);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return cs_error_set(err, CS_ERR_IO, "%s: cannot write: %s", target, strerror(e));
    }
    if (close(fd) != 0)
        return cs_error_set(err, CS_ERR_IO, "%s: cannot write: %s", target, strerror(errno));
    return CS_OK;
}

cs_status cs_export_sqlite(const cs_store *s, const char *path, const cs_export_options *opt,
                           cs_error *err)
{
    if (!path || !*path || strcmp(path, "-") == 0)
        return cs_error_set(err, CS_ERR_ARG, "an SQLite export needs a file name, not %s",
                            path && *path ? "standard output" : "an empty one");
    /* A device or a directory would be replaced by the rename. */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return cs_error_set(err, CS_ERR_ARG, "%s: not a regular file; an SQLite export "
                            "needs one", path);
    cs_export_options none;
    if (!opt) {
        cs_export_options_init(&none);
        opt = &none;
    }
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    snprintf(tmp, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return cs_error_set(err, CS_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    /* mkstemp makes 0600; exports are ordinary shareable files (as cs_outfile). */
    fchmod(fd, 0644);
    close(fd);

    sql_export x;
    memset(&x, 0, sizeof x);
    x.path = path;
    cs_status st;
    /* The empty file mkstemp made is an empty database to SQLite. */
    if (sqlite3_open_v2(tmp, &x.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        st = sql_fail(&x, "open", err);
    else
        st = sql_build(&x, s, opt, err);
    sql_finalize(&x);
    if (x.db && sqlite3_close(x.db) != SQLITE_OK && st == CS_OK)
        st = sql_fail(&x, "close", err);
    if (st == CS_OK)
        st = sync_file(tmp, path, err);
    if (st == CS_OK && rename(tmp, path) != 0)
        st = cs_error_set(err, CS_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    if (st != CS_OK) {
        unlink(tmp);
        /* SQLite's side files, should a journal mode have left any. */
        char *side = malloc(len + 32);
        if (side) {
            snprintf(side, len + 32, "%s-journal", tmp);
            unlink(side);
            snprintf(side, len + 32, "%s-wal", tmp);
            unlink(side);
            free(side);
        }
    } else {
        cs_monitor_progress(&opt->monitor, "export", 1.0);
    }
    free(tmp);
    return st;
}
