/* Structure of cells and of the space: depth, width, parameter counts and
 * automorphisms of every class, and how many raw encodings land in each.
 *
 * Definitions (NAS-Bench-101, Ying et al. 2019, section 3.2 and Figure 5:
 * "depth, measured by length of longest path from input to output, and
 * width, measured by maximum directed cut on the graph"):
 *
 * - depth: the number of EDGES on the longest input-to-output path (a lone
 *   input -> output edge has depth 1, a 7-vertex chain depth 6).
 * - width: the largest number of edges leaving a set S of vertices that
 *   holds the input, not the output, and every predecessor of each of its
 *   members.  Such an S is a "stage" of the computation: every tensor in
 *   flight between S and the rest crosses the cut, so the cut counts the
 *   branches running in parallel there.  The paper says width 1 networks
 *   are exactly the plain feed-forward chains; this definition gives that
 *   (an unrestricted directed cut would give a chain of 3 edges width 2,
 *   taking S = {input, second vertex}).  Every edge counts, the input ->
 *   output projection too.
 *
 * Known difference from the paper's text: the paper calls 5 "the maximum
 * width of networks in the dataset", but with every edge counted 6 occurs
 * (5 vertices: input -> a, b, c, out; a -> b, c, out; b, c -> out; cut
 * {input, a}).  Not counting the input -> output edge the maximum is 5.
 * The analysis reports both (column in_out_edge; the width table and JSON
 * give the width without that edge beside it), so either reading can be
 * plotted.
 *
 * Width is a maximum-weight closure: for a predecessor-closed S the edges
 * inside S are exactly the in-edges of its members other than the input,
 * so cut(S) = sum over v in S of (outdeg v - indeg v).  Picard's reduction
 * turns that into one small max-flow, exact for any cell size. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "cs_structure.h"
#include "cs_structure_analyses.h"
#include "analysis_writers.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_parallel.h"
#include "cs_params.h"
#include "cs_stats.h"

/* ------------------------------------------------------- per-class table */

static cs_status cs_structure_one(const cs_enum_result *res, size_t i,
                                  cs_cell_structure *out, cs_error *err)
{
    const cs_enum_class *k = &res->classes[i];
    cs_cell c;
    cs_enum_class_cell(res, k, &c);
    memset(out, 0, sizeof *out);
    out->vertices = (uint8_t)c.n;
    out->edges = (uint8_t)cs_cell_num_edges(&c);
    out->depth = (uint8_t)cs_cell_depth(&c);
    out->width = (uint8_t)cs_cell_width(&c);
    out->conv3x3 = (uint8_t)cs_cell_count_op(&c, CS_OP_CONV3X3);
    out->conv1x1 = (uint8_t)cs_cell_count_op(&c, CS_OP_CONV1X1);
    out->maxpool3x3 = (uint8_t)cs_cell_count_op(&c, CS_OP_MAXPOOL3X3);
    out->automorphisms = k->automorphisms;
    /* The representative is the dataset's stored vertex order, and the count
     * depends on that order (see cs_params.h). */
    cs_status st = cs_cell_trainable_parameters(&c, &out->trainable_parameters, err);
    if (st)
        return cs_error_prefix(err, "class %zu", i);
    return CS_OK;
}

typedef struct cs_structure_worker {
    const cs_enum_result *res;
    cs_cell_structure *out;
    size_t lo, hi;
    cs_status st;
    cs_error err;
} cs_structure_worker;

static void *cs_structure_run(void *arg)
{
    cs_structure_worker *w = arg;
    for (size_t i = w->lo; i < w->hi && !w->st; i++)
        w->st = cs_structure_one(w->res, i, &w->out[i], &w->err);
    return NULL;
}

cs_status cs_structure_compute(const cs_space *sp, int threads, cs_cell_structure **out,
                               cs_error *err)
{
    *out = NULL;
    const cs_enum_result *res = cs_space_result(sp);
    size_t nc = res->nclasses;
    cs_cell_structure *tab = malloc((nc ? nc : 1) * sizeof *tab);
    if (!tab)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (structure table)");
    int nt = cs_threads(threads);
    if ((size_t)nt > nc / 1024 + 1)
        nt = (int)(nc / 1024 + 1); /* threads for tiny spaces cost more than they give */
    cs_structure_worker *wk = calloc((size_t)nt, sizeof *wk);
    if (!wk) {
        free(tab);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < nt; i++) {
        wk[i].res = res;
        wk[i].out = tab;
        wk[i].lo = nc * (size_t)i / (size_t)nt;
        wk[i].hi = nc * (size_t)(i + 1) / (size_t)nt;
    }
    cs_parallel_run(nt, cs_structure_run, wk, sizeof *wk);
    cs_status st = CS_OK;
    for (int i = 0; i < nt && !st; i++)
        if (wk[i].st) {
            st = wk[i].st;
            if (err)
                *err = wk[i].err;
        }
    free(wk);
    if (st) {
        free(tab);
        return st;
    }
    *out = tab;
    return CS_OK;
}

/* ---------------------------------------------------- raw multiplicity */

#define CS_MULT_CHUNK 4096u

typedef struct cs_mult_shared {
    const cs_space *sp;
    uint64_t matrices;
    uint32_t labellings;
    atomic_uint_fast64_t next; /* first matrix of the next chunk to claim */
    atomic_uint_fast64_t done; /* matrices finished */
    atomic_bool stop;
} cs_mult_shared;

typedef struct cs_mult_worker {
    cs_mult_shared *sh;
    uint64_t *counts;
    uint64_t disconnected, too_many_edges;
    cs_status st;
    cs_error err;
    const cs_monitor *monitor; /* worker 0, on the calling thread, only */
} cs_mult_worker;

/* Validity of a raw encoding depends on its matrix only (every label is a
 * known op), so a matrix is either valid for all its labellings or for
 * none; the reason is the reference's, in its order: disconnected first,
 * then too many edges once pruned. */
static cs_status cs_mult_invalid(cs_mult_worker *w, uint64_t bits, const int32_t *cls)
{
    const cs_limits *lim = cs_space_limits(w->sh->sp);
    uint32_t L = w->sh->labellings;
    for (uint32_t t = 0; t < L; t++)
        if (cls[t] >= 0)
            return cs_error_set(&w->err, CS_ERR_VERIFY,
                                "raw matrix %llu: labelling 0 is invalid but labelling %u "
                                "is not",
                                (unsigned long long)bits, t);
    cs_cell c;
    cs_spec s;
    cs_enum_walk_cell(lim->max_vertices, bits, 0, lim->num_ops, &c);
    cs_spec_from_cell(&s, &c);
    if (!s.valid_spec)
        w->disconnected += L;
    else if (cs_cell_num_edges(&s.pruned) > lim->max_edges)
        w->too_many_edges += L;
    else
        return cs_error_set(&w->err, CS_ERR_VERIFY,
                            "raw matrix %llu prunes to a valid cell that is not a class "
                            "of the space",
                            (unsigned long long)bits);
    return CS_OK;
}

static void *cs_mult_run(void *arg)
{
    cs_mult_worker *w = arg;
    cs_mult_shared *sh = w->sh;
    uint32_t L = sh->labellings;
    int32_t *cls = malloc(L * sizeof *cls);
    if (!cls) {
        w->st = cs_error_set(&w->err, CS_ERR_NOMEM, "out of memory");
        atomic_store(&sh->stop, true);
        return NULL;
    }
    while (!atomic_load(&sh->stop)) {
        uint64_t lo = atomic_fetch_add(&sh->next, CS_MULT_CHUNK);
        if (lo >= sh->matrices)
            break;
        uint64_t hi = lo + CS_MULT_CHUNK < sh->matrices ? lo + CS_MULT_CHUNK : sh->matrices;
        for (uint64_t bits = lo; bits < hi; bits++) {
            cs_space_raw_classes(sh->sp, bits, cls);
            if (cls[0] < 0) {
                if ((w->st = cs_mult_invalid(w, bits, cls)))
                    break;
                continue;
            }
            for (uint32_t t = 0; t < L; t++) {
                if (cls[t] < 0) {
                    w->st = cs_error_set(&w->err, CS_ERR_VERIFY,
                                         "raw matrix %llu: labelling 0 is valid but "
                                         "labelling %u is not",
                                         (unsigned long long)bits, t);
                    break;
                }
                w->counts[cls[t]]++;
            }
            if (w->st)
                break;
        }
        if (w->st) {
            atomic_store(&sh->stop, true);
            break;
        }
        uint64_t done = atomic_fetch_add(&sh->done, hi - lo) + (hi - lo);
        cs_monitor_progress(w->monitor, "multiplicity", (double)done / (double)sh->matrices);
    }
    free(cls);
    return NULL;
}

void cs_multiplicity_destroy(cs_multiplicity *m)
{
    free(m->per_class);
    memset(m, 0, sizeof *m);
}

cs_status cs_multiplicity_compute(const cs_space *sp, int threads, const cs_monitor *monitor,
                                  cs_multiplicity *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    const cs_limits *lim = cs_space_limits(sp);
    if (lim->max_vertices > 8)
        return cs_error_set(err, CS_ERR_LIMIT,
                            "raw encodings of %d vertices: 2^%d matrices are too many to "
                            "walk (at most 8 vertices)",
                            lim->max_vertices,
                            lim->max_vertices * (lim->max_vertices - 1) / 2);
    size_t nc = cs_space_num_classes(sp);
    cs_mult_shared sh = {.sp = sp,
                         .matrices = cs_space_raw_matrices(sp),
                         .labellings = cs_space_raw_labellings(sp)};
    atomic_init(&sh.next, 0);
    atomic_init(&sh.done, 0);
    atomic_init(&sh.stop, false);
    int nt = cs_threads(threads);
    if ((uint64_t)nt > sh.matrices / CS_MULT_CHUNK + 1)
        nt = (int)(sh.matrices / CS_MULT_CHUNK + 1);
    cs_mult_worker *wk = calloc((size_t)nt, sizeof *wk);
    out->per_class = calloc(nc ? nc : 1, sizeof *out->per_class);
    if (!wk || !out->per_class) {
        free(wk);
        cs_multiplicity_destroy(out);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    /* Each worker counts into its own array, summed at the end: no sharing
     * of counters between cores.  Worker 0 counts straight into the result. */
    cs_status st = CS_OK;
    wk[0].counts = out->per_class;
    for (int i = 0; i < nt; i++) {
        wk[i].sh = &sh;
        if (i > 0 && !(wk[i].counts = calloc(nc ? nc : 1, sizeof *wk[i].counts)))
            st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (per-thread counts)");
    }
    wk[0].monitor = monitor;
    if (!st) {
        cs_parallel_run(nt, cs_mult_run, wk, sizeof *wk);
        for (int i = 0; i < nt && !st; i++)
            if (wk[i].st) {
                st = wk[i].st;
                if (err)
                    *err = wk[i].err;
            }
    }
    if (!st) {
        for (int i = 0; i < nt; i++) {
            if (i > 0)
                for (size_t c = 0; c < nc; c++)
                    out->per_class[c] += wk[i].counts[c];
            out->invalid_disconnected += wk[i].disconnected;
            out->invalid_edges += wk[i].too_many_edges;
        }
        out->nclasses = nc;
        out->encodings = sh.matrices * sh.labellings;
        out->invalid = out->invalid_disconnected + out->invalid_edges;
        for (size_t c = 0; c < nc; c++)
            out->valid += out->per_class[c];
        if (out->valid + out->invalid != out->encodings)
            st = cs_error_set(err, CS_ERR_VERIFY,
                              "raw encodings do not add up: %llu valid + %llu invalid != "
                              "%llu",
                              (unsigned long long)out->valid,
                              (unsigned long long)out->invalid,
                              (unsigned long long)out->encodings);
    }
    for (int i = 1; i < nt; i++)
        free(wk[i].counts);
    free(wk);
    if (st)
        cs_multiplicity_destroy(out);
    return st;
}

/* ------------------------------------------------------------- writing */


/* These analyses read no dataset: their files say so (and are the same)
 * whichever store is open beside them. */
static cs_analysis_ctx cs_without_data(const cs_analysis_ctx *ctx)
{
    cs_analysis_ctx c = *ctx;
    c.store = NULL;
    c.data_name = "none (structure only)";
    c.class_entry = c.entry_class = NULL;
    return c;
}

static void cs_progress(const cs_analysis_ctx *ctx, const char *phase, double done)
{
    cs_monitor_progress(&ctx->monitor, phase, done);
}

/* A sorted copy in new memory (the caller frees it). */
static cs_status cs_sorted(const double *x, size_t n, double **out, cs_error *err)
{
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    cs_sorted_copy(x, n, *out);
    return CS_OK;
}

/* The compact form and hash of class i, for tables and the JSON. */
#define CS_COMPACT_MAX 128

/* "min": value, "min_class": i, "min_hash": ..., "min_cell": ... (or max):
 * an extreme and the class holding it. */
static void put_extreme(cs_jb *js, const cs_enum_result *res, const char *which, size_t i,
                        long long value)
{
    cs_cell c;
    char hex[33], compact[CS_COMPACT_MAX];
    cs_enum_class_cell(res, &res->classes[i], &c);
    cs_hash_to_hex(res->classes[i].hash, hex);
    cs_cell_format_compact(&c, compact, sizeof compact);
    cs_jb_ki(js, which, value);
    cs_jb_keyf(js, "%s_class", which);
    cs_jb_int(js, (long long)i);
    cs_jb_keyf(js, "%s_hash", which);
    cs_jb_str(js, hex);
    cs_jb_keyf(js, "%s_cell", which);
    cs_jb_str(js, compact);
}

static bool cs_rep_in_out_edge(const cs_enum_result *res, size_t i)
{
    cs_cell c;
    cs_enum_class_cell(res, &res->classes[i], &c);
    return (c.adj[0] >> (c.n - 1)) & 1u;
}


/* Counts held in doubles (parameters, group sizes) print as integers:
 * the shortest round-trip form would write 882570 as 8.8257e+05. */
static void cs_put_count(FILE *f, double d)
{
    if (d == floor(d) && fabs(d) < 9007199254740992.0)
        fprintf(f, "%.0f", d);
    else
        cs_analysis_put_double(f, d);
}

/* An ECDF over the sorted values x: one row per distinct value with the
 * count at it and the fraction at or below it. */
static void cs_write_ecdf(FILE *f, const double *sorted, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && sorted[j] == sorted[i])
            j++;
        cs_put_count(f, sorted[i]);
        fprintf(f, "\t%zu\t", j - i);
        cs_analysis_put_double(f, (double)j / (double)n);
        fputc('\n', f);
        i = j;
    }
}

/* Ten log-spaced bins per decade, [10^(k/10), 10^((k+1)/10)), from the
 * minimum's bin to the maximum's; values must be positive. */
static void cs_write_log_hist(FILE *f, const double *sorted, size_t n)
{
    if (!n)
        return;
    int k0 = (int)floor(10.0 * log10(sorted[0]));
    while (pow(10.0, k0 / 10.0) > sorted[0])
        k0--;
    size_t i = 0;
    for (int k = k0; i < n; k++) {
        double lo = pow(10.0, k / 10.0), hi = pow(10.0, (k + 1) / 10.0);
        size_t cnt = 0;
        while (i < n && sorted[i] < hi) {
            cnt++;
            i++;
        }
        cs_analysis_put_double(f, lo);
        fputc('\t', f);
        cs_analysis_put_double(f, hi);
        fputc('\t', f);
        cs_analysis_put_double(f, sqrt(lo * hi));
        fprintf(f, "\t%zu\t", cnt);
        cs_analysis_put_double(f, (double)cnt / (double)n);
        fputc('\n', f);
    }
}

/* Rows of a big table formatted on several threads, each into its own
 * memory stream, then written in order: formatting (the compact form, the
 * hash in hex) costs more than the write. */
typedef void (*cs_row_fn)(FILE *f, size_t i, const void *user);

typedef struct cs_rows_worker {
    cs_row_fn fn;
    const void *user;
    size_t lo, hi;
    char *buf;
    size_t len;
    bool failed;
} cs_rows_worker;

static void *cs_rows_run(void *arg)
{
    cs_rows_worker *w = arg;
    FILE *f = open_memstream(&w->buf, &w->len);
    if (!f) {
        w->failed = true;
        return NULL;
    }
    for (size_t i = w->lo; i < w->hi; i++)
        w->fn(f, i, w->user);
    if (ferror(f))
        w->failed = true;
    if (fclose(f) != 0)
        w->failed = true;
    return NULL;
}

static cs_status cs_write_rows(FILE *out, size_t n, int threads, cs_row_fn fn,
                               const void *user, cs_error *err)
{
    int nt = cs_threads(threads);
    if ((size_t)nt > n / 4096 + 1)
        nt = (int)(n / 4096 + 1);
    /* Blocks of rows, several per thread, so memory stays a fraction of
     * the file and the threads finish close together. */
    size_t block = 65536;
    cs_rows_worker *wk = calloc((size_t)nt, sizeof *wk);
    if (!wk)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    cs_status st = CS_OK;
    for (size_t at = 0; at < n && !st; at += block * (size_t)nt) {
        for (int i = 0; i < nt; i++) {
            size_t lo = at + block * (size_t)i, hi = lo + block;
            wk[i] = (cs_rows_worker){.fn = fn, .user = user,
                                     .lo = lo < n ? lo : n, .hi = hi < n ? hi : n};
        }
        cs_parallel_run(nt, cs_rows_run, wk, sizeof *wk);
        for (int i = 0; i < nt; i++) {
            if (wk[i].failed && !st)
                st = cs_error_set(err, CS_ERR_NOMEM, "out of memory (formatting rows)");
            if (!st && wk[i].len && fwrite(wk[i].buf, 1, wk[i].len, out) != wk[i].len)
                st = cs_error_set(err, CS_ERR_IO, "write failed");
            free(wk[i].buf);
        }
    }
    free(wk);
    return st;
}

/* --------------------------------------------------- analysis: structure */

#define CS_MAXE 64 /* edges of a cell of the space: at most 55 */

typedef struct cs_structure_summary {
    size_t per_ve[CS_ENUM_MAXV + 1][CS_MAXE];
    size_t per_v[CS_ENUM_MAXV + 1], per_e[CS_MAXE];
    size_t depth[CS_MAXE], width[CS_MAXE], width_no_io[CS_MAXE];
    int max_depth, max_width, max_width_no_io, min_depth, min_width;
    uint64_t ops[3];
    size_t pmin, pmax; /* classes with the fewest and the most parameters */
} cs_structure_summary;

typedef struct cs_cells_rows {
    const cs_enum_result *res;
    const cs_cell_structure *tab;
} cs_cells_rows;

static void cs_cells_row(FILE *f, size_t i, const void *user)
{
    const cs_cells_rows *r = user;
    const cs_cell_structure *s = &r->tab[i];
    cs_cell c;
    char hex[33], compact[CS_COMPACT_MAX];
    cs_enum_class_cell(r->res, &r->res->classes[i], &c);
    cs_hash_to_hex(r->res->classes[i].hash, hex);
    cs_cell_format_compact(&c, compact, sizeof compact);
    fprintf(f, "%zu\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%lld\t", i, hex, compact,
            s->vertices, s->edges, s->depth, s->width, (int)((c.adj[0] >> (c.n - 1)) & 1u),
            s->conv3x3, s->conv1x1, s->maxpool3x3, (long long)s->trainable_parameters);
    cs_put_count(f, s->automorphisms);
    fputc('\n', f);
}

static cs_status cs_structure_cells_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                        const cs_cell_structure *tab, cs_error *err)
{
    const cs_enum_result *res = cs_space_result(ctx->space);
    cs_outfile o;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "structure_cells.tsv",
        "structure of every class (representative: the dataset's stored vertex order); "
        "depth = edges on the longest input-output path; width = maximum directed cut "
        "over predecessor-closed vertex sets holding the input and not the output, every "
        "edge counted (width - in_out_edge leaves out the input->output projection)",
        "class\thash\tcell\tvertices\tedges\tdepth\twidth\tin_out_edge\tconv3x3\tconv1x1\t"
        "maxpool3x3\ttrainable_parameters\tautomorphisms",
        &o, err);
    if (st)
        return st;
    cs_cells_rows rows = {res, tab};
    if ((st = cs_write_rows(o.f, res->nclasses, ctx->threads, cs_cells_row, &rows, err))) {
        cs_outfile_abort(&o);
        return st;
    }
    return cs_analysis_close(&o, err);
}

static cs_status cs_structure_tables(const cs_analysis_ctx *ctx, const char *outdir,
                                     const cs_structure_summary *sm, size_t nc,
                                     cs_error *err)
{
    const cs_limits *lim = cs_space_limits(ctx->space);
    int maxe = lim->max_edges < CS_MAXE ? lim->max_edges : CS_MAXE - 1;
    cs_outfile o;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "structure_vertices_edges.tsv",
        "classes by vertex and edge count (every pair of the space's limits, zeros "
        "included, for heat maps)",
        "vertices\tedges\tclasses", &o, err);
    if (st)
        return st;
    for (int v = 2; v <= lim->max_vertices; v++)
        for (int e = 1; e <= maxe; e++)
            fprintf(o.f, "%d\t%d\t%zu\n", v, e, sm->per_ve[v][e]);
    if ((st = cs_analysis_close(&o, err)))
        return st;

    if ((st = cs_analysis_tsv_open(ctx, outdir, "structure_vertices.tsv",
                                   "classes by vertex count", "vertices\tclasses\tfraction",
                                   &o, err)))
        return st;
    for (int v = 2; v <= lim->max_vertices; v++) {
        fprintf(o.f, "%d\t%zu\t", v, sm->per_v[v]);
        cs_analysis_put_double(o.f, (double)sm->per_v[v] / (double)nc);
        fputc('\n', o.f);
    }
    if ((st = cs_analysis_close(&o, err)))
        return st;

    if ((st = cs_analysis_tsv_open(ctx, outdir, "structure_edges.tsv",
                                   "classes by edge count", "edges\tclasses\tfraction", &o,
                                   err)))
        return st;
    for (int e = 1; e <= maxe; e++) {
        fprintf(o.f, "%d\t%zu\t", e, sm->per_e[e]);
        cs_analysis_put_double(o.f, (double)sm->per_e[e] / (double)nc);
        fputc('\n', o.f);
    }
    if ((st = cs_analysis_close(&o, err)))
        return st;

    if ((st = cs_analysis_tsv_open(ctx, outdir, "structure_depth.tsv",
                                   "classes by depth (edges on the longest input-output "
                                   "path; the paper's Figure 5, left)",
                                   "depth\tclasses\tfraction", &o, err)))
        return st;
    for (int d = 1; d <= sm->max_depth; d++) {
        fprintf(o.f, "%d\t%zu\t", d, sm->depth[d]);
        cs_analysis_put_double(o.f, (double)sm->depth[d] / (double)nc);
        fputc('\n', o.f);
    }
    if ((st = cs_analysis_close(&o, err)))
        return st;

    if ((st = cs_analysis_tsv_open(
             ctx, outdir, "structure_width.tsv",
             "classes by width (maximum directed cut over predecessor-closed sets holding "
             "the input, not the output; the paper's Figure 5, right): every edge counted, "
             "and without the input->output edge",
             "width\tclasses\tfraction\tclasses_without_in_out_edge\t"
             "fraction_without_in_out_edge",
             &o, err)))
        return st;
    int wmax = sm->max_width > sm->max_width_no_io ? sm->max_width : sm->max_width_no_io;
    for (int w = sm->width_no_io[0] ? 0 : 1; w <= wmax; w++) {
        fprintf(o.f, "%d\t%zu\t", w, sm->width[w]);
        cs_analysis_put_double(o.f, (double)sm->width[w] / (double)nc);
        fprintf(o.f, "\t%zu\t", sm->width_no_io[w]);
        cs_analysis_put_double(o.f, (double)sm->width_no_io[w] / (double)nc);
        fputc('\n', o.f);
    }
    return cs_analysis_close(&o, err);
}

/* Classes by automorphism group size (sizes in increasing order). */
static cs_status cs_structure_automorphisms(const cs_analysis_ctx *ctx, const char *outdir,
                                            const cs_cell_structure *tab, size_t nc,
                                            double *max_aut, size_t *trivial, cs_error *err)
{
    double *g = malloc((nc ? nc : 1) * sizeof *g), *a;
    if (!g)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < nc; i++)
        g[i] = tab[i].automorphisms;
    cs_status st = cs_sorted(g, nc, &a, err);
    free(g);
    if (st)
        return st;
    *max_aut = nc ? a[nc - 1] : 0;
    *trivial = 0;
    while (*trivial < nc && a[*trivial] == 1.0)
        (*trivial)++;
    cs_outfile o;
    st = cs_analysis_tsv_open(
        ctx, outdir, "structure_automorphisms.tsv",
        "classes by automorphism group size (labelled cell, input and output fixed); "
        "ecdf = fraction of classes with a group at most this large",
        "automorphisms\tclasses\tecdf", &o, err);
    if (!st) {
        cs_write_ecdf(o.f, a, nc);
        st = cs_analysis_close(&o, err);
    }
    free(a);
    return st;
}

/* The counts over classes the tables and the JSON need; params[i] gets
 * class i's trainable parameters. */
static void summarise(const cs_enum_result *res, const cs_cell_structure *tab, size_t nc,
                      cs_structure_summary *sm, double *params)
{
    sm->min_depth = sm->min_width = INT32_MAX;
    for (size_t i = 0; i < nc; i++) {
        const cs_cell_structure *s = &tab[i];
        int io = cs_rep_in_out_edge(res, i) ? 1 : 0;
        sm->per_ve[s->vertices][s->edges]++;
        sm->per_v[s->vertices]++;
        sm->per_e[s->edges]++;
        sm->depth[s->depth]++;
        sm->width[s->width]++;
        sm->width_no_io[s->width - io]++;
        if (s->depth > sm->max_depth)
            sm->max_depth = s->depth;
        if (s->depth < sm->min_depth)
            sm->min_depth = s->depth;
        if (s->width > sm->max_width)
            sm->max_width = s->width;
        if (s->width < sm->min_width)
            sm->min_width = s->width;
        if (s->width - io > sm->max_width_no_io)
            sm->max_width_no_io = s->width - io;
        sm->ops[0] += s->conv3x3;
        sm->ops[1] += s->conv1x1;
        sm->ops[2] += s->maxpool3x3;
        params[i] = (double)s->trainable_parameters;
        if (s->trainable_parameters < tab[sm->pmin].trainable_parameters)
            sm->pmin = i;
        if (s->trainable_parameters > tab[sm->pmax].trainable_parameters)
            sm->pmax = i;
    }
}

/* structure_params_hist.tsv and structure_params_ecdf.tsv of the sorted
 * parameter counts. */
static cs_status params_files(const cs_analysis_ctx *ctx, const char *outdir,
                              const double *sorted, size_t nc, cs_error *err)
{
    cs_outfile o;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "structure_params_hist.tsv",
        "classes by trainable parameters of the whole network, 10 log-spaced bins per "
        "decade [bin_lo, bin_hi); bin_mid is the geometric centre",
        "bin_lo\tbin_hi\tbin_mid\tclasses\tfraction", &o, err);
    if (st)
        return st;
    cs_write_log_hist(o.f, sorted, nc);
    if ((st = cs_analysis_close(&o, err)))
        return st;
    if ((st = cs_analysis_tsv_open(
             ctx, outdir, "structure_params_ecdf.tsv",
             "ECDF of trainable parameters over classes: every distinct count, the classes "
             "with it, and the fraction of classes at or below it",
             "trainable_parameters\tclasses\tecdf", &o, err)))
        return st;
    cs_write_ecdf(o.f, sorted, nc);
    return cs_analysis_close(&o, err);
}

/* structure.json's headline numbers. */
static void put_headline(cs_jb *js, const cs_enum_result *res, const cs_cell_structure *tab,
                         const cs_structure_summary *sm, const double *params,
                         const double *sorted, double max_aut, size_t trivial)
{
    const cs_limits *lim = &res->limits;
    size_t nc = res->nclasses;
    cs_jb_ki(js, "classes", (long long)nc);
    cs_jb_ki(js, "max_vertices", lim->max_vertices);
    cs_jb_ki(js, "max_edges", lim->max_edges);
    cs_jb_ki(js, "num_ops", lim->num_ops);
    cs_jb_key(js, "classes_per_vertices");
    cs_jb_open(js, '{');
    for (int v = 2; v <= lim->max_vertices; v++)
        cs_jb_keyf(js, "%d", v), cs_jb_int(js, (long long)sm->per_v[v]);
    cs_jb_close(js, '}');
    cs_jb_key(js, "classes_per_edges");
    cs_jb_open(js, '{');
    for (int e = 1; e <= lim->max_edges; e++)
        if (sm->per_e[e])
            cs_jb_keyf(js, "%d", e), cs_jb_int(js, (long long)sm->per_e[e]);
    cs_jb_close(js, '}');
    cs_jb_key(js, "trainable_parameters");
    cs_jb_open(js, '{');
    put_extreme(js, res, "min", sm->pmin, tab[sm->pmin].trainable_parameters);
    cs_jb_kn(js, "median", cs_quantile(sorted, nc, 0.5));
    cs_jb_kn(js, "mean", cs_mean(params, nc));
    put_extreme(js, res, "max", sm->pmax, tab[sm->pmax].trainable_parameters);
    cs_jb_close(js, '}');
    cs_jb_key(js, "depth");
    cs_jb_open(js, '{');
    cs_jb_ks(js, "definition", "edges on the longest input-output path");
    cs_jb_ki(js, "min", sm->min_depth);
    cs_jb_ki(js, "max", sm->max_depth);
    cs_jb_close(js, '}');
    cs_jb_key(js, "width");
    cs_jb_open(js, '{');
    cs_jb_ks(js, "definition",
             "maximum directed cut over predecessor-closed vertex sets holding the input and "
             "not the output, every edge counted");
    cs_jb_ki(js, "min", sm->min_width);
    cs_jb_ki(js, "max", sm->max_width);
    cs_jb_ki(js, "classes_at_max", (long long)sm->width[sm->max_width]);
    cs_jb_ki(js, "max_without_in_out_edge", sm->max_width_no_io);
    cs_jb_close(js, '}');
    cs_jb_key(js, "automorphisms");
    cs_jb_open(js, '{');
    cs_jb_ki(js, "max", (long long)max_aut);
    cs_jb_ki(js, "classes_with_trivial_group", (long long)trivial);
    cs_jb_close(js, '}');
    cs_jb_key(js, "interior_ops");
    cs_jb_open(js, '{');
    cs_jb_ki(js, "conv3x3", (long long)sm->ops[0]);
    cs_jb_ki(js, "conv1x1", (long long)sm->ops[1]);
    cs_jb_ki(js, "maxpool3x3", (long long)sm->ops[2]);
    cs_jb_close(js, '}');
}

cs_status cs_analysis_structure(const cs_analysis_ctx *given, const char *outdir,
                                cs_error *err)
{
    cs_analysis_ctx local = cs_without_data(given);
    const cs_analysis_ctx *ctx = &local;
    const cs_space *sp = ctx->space;
    const cs_enum_result *res = cs_space_result(sp);
    const cs_limits *lim = cs_space_limits(sp);
    size_t nc = res->nclasses;
    if (nc == 0)
        return cs_error_set(err, CS_ERR_ARG, "the space has no classes");
    if (lim->max_edges >= CS_MAXE)
        return cs_error_set(err, CS_ERR_LIMIT, "max_edges %d: at most %d", lim->max_edges,
                            CS_MAXE - 1);
    cs_progress(ctx, "structure", 0.0);
    cs_cell_structure *tab;
    cs_status st = cs_structure_compute(sp, ctx->threads, &tab, err);
    if (st)
        return st;
    cs_progress(ctx, "structure", 0.5);

    cs_structure_summary *sm = calloc(1, sizeof *sm);
    double *params = malloc(nc * sizeof *params), *sorted = NULL;
    cs_jb js = {0};
    double max_aut = 0;
    size_t trivial = 0;
    if (!sm || !params) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    summarise(res, tab, nc, sm, params);
    if ((st = cs_structure_cells_tsv(ctx, outdir, tab, err)) ||
        (st = cs_structure_tables(ctx, outdir, sm, nc, err)) ||
        (st = cs_sorted(params, nc, &sorted, err)) ||
        (st = params_files(ctx, outdir, sorted, nc, err)) ||
        (st = cs_structure_automorphisms(ctx, outdir, tab, nc, &max_aut, &trivial, err)) ||
        (st = cs_jb_init(&js, err)))
        goto done;
    put_headline(&js, res, tab, sm, params, sorted, max_aut, trivial);
    st = cs_jb_commit(ctx, outdir, "structure.json", "structure", &js, err);
    if (!st)
        cs_progress(ctx, "structure", 1.0);

done:
    cs_jb_free(&js);
    free(sorted);
    free(params);
    free(sm);
    free(tab);
    return st;
}

/* ------------------------------------------------ analysis: multiplicity */

static int cs_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

typedef struct cs_mult_rows {
    const cs_enum_result *res;
    const cs_multiplicity *m;
} cs_mult_rows;

static void cs_mult_row(FILE *f, size_t i, const void *user)
{
    const cs_mult_rows *r = user;
    char hex[33];
    cs_hash_to_hex(r->res->classes[i].hash, hex);
    fprintf(f, "%zu\t%s\t%d\t%llu\n", i, hex, r->res->classes[i].n,
            (unsigned long long)r->m->per_class[i]);
}

static cs_status cs_mult_cells_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                   const cs_multiplicity *m, cs_error *err)
{
    cs_outfile o;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "multiplicity_cells.tsv",
        "raw encodings (matrix bits and labelling of max_vertices vertices, before "
        "pruning) landing in each class",
        "class\thash\tvertices\tmultiplicity", &o, err);
    if (st)
        return st;
    cs_mult_rows rows = {cs_space_result(ctx->space), m};
    if ((st = cs_write_rows(o.f, m->nclasses, ctx->threads, cs_mult_row, &rows, err))) {
        cs_outfile_abort(&o);
        return st;
    }
    return cs_analysis_close(&o, err);
}

/* Powers of two: multiplicities span 1 to about 10^8. */
static cs_status cs_mult_hist_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                  const uint64_t *sorted, size_t nc, cs_error *err)
{
    cs_outfile o;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "multiplicity_hist.tsv",
        "classes by multiplicity in power-of-two bins [bin_lo, bin_hi] (integers); "
        "encodings = raw encodings landing in those classes",
        "bin_lo\tbin_hi\tclasses\tencodings", &o, err);
    if (st)
        return st;
    for (size_t i = 0; i < nc;) {
        uint64_t lo = 0, hi = 0;
        if (sorted[i] > 0) {
            int k = 63 - __builtin_clzll(sorted[i]);
            lo = UINT64_C(1) << k;
            hi = k == 63 ? UINT64_MAX : (lo << 1) - 1;
        }
        size_t cnt = 0;
        uint64_t enc = 0;
        while (i < nc && sorted[i] <= hi) {
            enc += sorted[i++];
            cnt++;
        }
        fprintf(o.f, "%llu\t%llu\t%zu\t%llu\n", (unsigned long long)lo,
                (unsigned long long)hi, cnt, (unsigned long long)enc);
    }
    return cs_analysis_close(&o, err);
}

static cs_status cs_mult_ecdf_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                  const cs_multiplicity *m, const uint64_t *sorted,
                                  cs_error *err)
{
    size_t nc = m->nclasses;
    cs_outfile o;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "multiplicity_ecdf.tsv",
        "ECDF of multiplicity: every distinct value, the classes with it, the fraction "
        "of classes at or below it, and the fraction of valid encodings in those "
        "classes",
        "multiplicity\tclasses\tecdf\tencodings_ecdf", &o, err);
    if (st)
        return st;
    uint64_t cum = 0;
    for (size_t i = 0; i < nc;) {
        size_t j = i;
        while (j < nc && sorted[j] == sorted[i])
            cum += sorted[j++];
        fprintf(o.f, "%llu\t%zu\t", (unsigned long long)sorted[i], j - i);
        cs_analysis_put_double(o.f, (double)j / (double)nc);
        fputc('\t', o.f);
        cs_analysis_put_double(o.f, m->valid ? (double)cum / (double)m->valid : 0.0);
        fputc('\n', o.f);
        i = j;
    }
    return cs_analysis_close(&o, err);
}

static cs_status cs_mult_vertices_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                      const cs_multiplicity *m, cs_error *err)
{
    const cs_enum_result *res = cs_space_result(ctx->space);
    const cs_limits *lim = cs_space_limits(ctx->space);
    cs_outfile o;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "multiplicity_vertices.tsv",
        "raw encodings by the vertex count of the class they prune to",
        "vertices\tclasses\tencodings\tfraction_of_valid\tmean_multiplicity", &o, err);
    if (st)
        return st;
    for (int v = 2; v <= lim->max_vertices; v++) {
        size_t cnt = 0;
        uint64_t enc = 0;
        for (size_t i = 0; i < m->nclasses; i++)
            if (res->classes[i].n == v) {
                cnt++;
                enc += m->per_class[i];
            }
        fprintf(o.f, "%d\t%zu\t%llu\t", v, cnt, (unsigned long long)enc);
        cs_analysis_put_double(o.f, m->valid ? (double)enc / (double)m->valid : 0.0);
        fputc('\t', o.f);
        cs_analysis_put_double(o.f, cnt ? (double)enc / (double)cnt : 0.0);
        fputc('\n', o.f);
    }
    return cs_analysis_close(&o, err);
}

static cs_status cs_mult_encodings_tsv(const cs_analysis_ctx *ctx, const char *outdir,
                                       const cs_multiplicity *m, cs_error *err)
{
    cs_outfile o;
    cs_status st = cs_analysis_tsv_open(
        ctx, outdir, "multiplicity_encodings.tsv",
        "all raw encodings by outcome (invalid reasons in the reference's order: "
        "disconnected first, then too many edges after pruning)",
        "outcome\tencodings\tfraction", &o, err);
    if (st)
        return st;
    const char *kinds[] = {"all", "valid", "invalid", "invalid_disconnected",
                           "invalid_too_many_edges"};
    uint64_t vals[] = {m->encodings, m->valid, m->invalid, m->invalid_disconnected,
                       m->invalid_edges};
    for (int i = 0; i < 5; i++) {
        fprintf(o.f, "%s\t%llu\t", kinds[i], (unsigned long long)vals[i]);
        cs_analysis_put_double(o.f, (double)vals[i] / (double)m->encodings);
        fputc('\n', o.f);
    }
    return cs_analysis_close(&o, err);
}

static cs_status cs_multiplicity_files(const cs_analysis_ctx *ctx, const char *outdir,
                                       const cs_multiplicity *m, const uint64_t *sorted,
                                       cs_error *err)
{
    cs_status st;
    if ((st = cs_mult_cells_tsv(ctx, outdir, m, err)) ||
        (st = cs_mult_hist_tsv(ctx, outdir, sorted, m->nclasses, err)) ||
        (st = cs_mult_ecdf_tsv(ctx, outdir, m, sorted, err)) ||
        (st = cs_mult_vertices_tsv(ctx, outdir, m, err)))
        return st;
    return cs_mult_encodings_tsv(ctx, outdir, m, err);
}

cs_status cs_analysis_multiplicity(const cs_analysis_ctx *given, const char *outdir,
                                   cs_error *err)
{
    cs_analysis_ctx local = cs_without_data(given);
    const cs_analysis_ctx *ctx = &local;
    const cs_enum_result *res = cs_space_result(ctx->space);
    const cs_limits *lim = cs_space_limits(ctx->space);
    if (res->nclasses == 0)
        return cs_error_set(err, CS_ERR_ARG, "the space has no classes");
    cs_multiplicity m;
    cs_status st = cs_multiplicity_compute(ctx->space, ctx->threads, &ctx->monitor, &m, err);
    if (st)
        return st;
    size_t nc = m.nclasses;
    uint64_t *sorted = malloc(nc * sizeof *sorted);
    double *md = malloc(nc * sizeof *md);
    cs_jb js = {0};
    if (!sorted || !md) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    memcpy(sorted, m.per_class, nc * sizeof *sorted);
    qsort(sorted, nc, sizeof *sorted, cs_cmp_u64);
    size_t imin = 0, imax = 0, reached = 0;
    for (size_t i = 0; i < nc; i++) {
        md[i] = (double)sorted[i];
        if (m.per_class[i] < m.per_class[imin])
            imin = i;
        if (m.per_class[i] > m.per_class[imax])
            imax = i;
        reached += m.per_class[i] > 0;
    }
    if ((st = cs_multiplicity_files(ctx, outdir, &m, sorted, err)))
        goto done;

    if ((st = cs_jb_init(&js, err)))
        goto done;
    cs_jb_ki(&js, "max_vertices", lim->max_vertices);
    cs_jb_ki(&js, "max_edges", lim->max_edges);
    cs_jb_ki(&js, "num_ops", lim->num_ops);
    cs_jb_ki(&js, "raw_matrices", (long long)cs_space_raw_matrices(ctx->space));
    cs_jb_ki(&js, "raw_labellings", (long long)cs_space_raw_labellings(ctx->space));
    cs_jb_ki(&js, "encodings", (long long)m.encodings);
    cs_jb_ki(&js, "valid", (long long)m.valid);
    cs_jb_ki(&js, "invalid", (long long)m.invalid);
    cs_jb_ki(&js, "invalid_disconnected", (long long)m.invalid_disconnected);
    cs_jb_ki(&js, "invalid_too_many_edges", (long long)m.invalid_edges);
    cs_jb_ki(&js, "classes", (long long)nc);
    cs_jb_ki(&js, "classes_reached", (long long)reached);
    cs_jb_key(&js, "multiplicity");
    cs_jb_open(&js, '{');
    put_extreme(&js, res, "min", imin, (long long)m.per_class[imin]);
    cs_jb_kn(&js, "median", cs_quantile(md, nc, 0.5));
    cs_jb_kn(&js, "mean", (double)m.valid / (double)nc);
    put_extreme(&js, res, "max", imax, (long long)m.per_class[imax]);
    cs_jb_close(&js, '}');
    st = cs_jb_commit(ctx, outdir, "multiplicity.json", "multiplicity", &js, err);

done:
    cs_jb_free(&js);
    free(md);
    free(sorted);
    cs_multiplicity_destroy(&m);
    return st;
}
