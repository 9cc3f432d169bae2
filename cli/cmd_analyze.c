/* cellscape analyze: run analyses into a directory of TSV and JSON files. */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cs_analysis.h"
#include "cs_fitness.h"
#include "cs_landscape.h"
#include "cs_nb201_analysis.h"
#include "cs_nb201.h"
#include "cs_nb201_data.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: cellscape analyze NAME|all [--data FILE] [-o DIR] [--seed N]\n"
            "                         [--fitness M [--budget E] [--repeat R] |\n"
            "                          --fitness-file FILE] [--threads N] [-q]\n"
            "       cellscape analyze [--space nb201] neighbours --edges FILE [--nodes FILE]\n"
            "       cellscape analyze --space nb201 NAME|all [--data FILE.csv]\n"
            "                         [--dataset NAME] [--fitness M | --fitness-file FILE]\n"
            "                         [--score M] [--cost M]\n"
            "       cellscape analyze [--space nb201] --list\n\n"
            "Compute the statistics behind the NAS-Bench-101 paper's figures and the\n"
            "landscape beyond them, or the same for NAS-Bench-201.  Each analysis\n"
            "writes DIR/NAME*.tsv (for gnuplot and scripts: '#' comment lines saying\n"
            "what and from which data, SYNTHETIC when it is, then a header row) and\n"
            "DIR/NAME.json (headline numbers).\n\n"
            "  --data FILE      NAS-Bench-101: a store or a .tfrecord; NAS-Bench-201: a\n"
            "                   CSV of per-cell results (doc/nb201-csv.md); needed by\n"
            "                   the data analyses\n"
            "  --space S        nb101 (default) or nb201\n"
            "  --fitness M      the metric the landscape analyses and the optimisers\n"
            "                   climb.  nb101: train-accuracy, validation-accuracy\n"
            "                   (default), test-accuracy or training-time, final or\n"
            "                   prefixed halfway-; nb201: a metric of the CSV (default\n"
            "                   valid-accuracy, else test-accuracy)\n"
            "  --budget E       nb101: the epochs of the fitness and of the test\n"
            "                   accuracy beside it (default 108, else the largest)\n"
            "  --repeat R       nb101: one repeat (0, 1 or 2) instead of the mean\n"
            "  --fitness-file FILE  your own fitness: a TSV with a header row naming\n"
            "                   the columns hash (nb101: module hashes) or arch\n"
            "                   (nb201: arch strings) and fitness; cells absent from\n"
            "                   it have none.  nb101 locality, peaks and optima need no\n"
            "                   --data with it\n"
            "  --edges FILE     neighbours: also write the graph as a TSV edge list\n"
            "                   (header source, target; class indices, each edge once)\n"
            "  --nodes FILE     with --edges: its vertices (index, hash, cell; nb201:\n"
            "                   index, arch); default FILE's name with .tsv replaced by\n"
            "                   .nodes.tsv\n"
            "  --dataset NAME   nb201: the CSV's dataset to analyse (default: its first)\n"
            "  --score M        nb201: the metric searches are judged by (test-accuracy)\n"
            "  --cost M         nb201: what a query costs the optimisers (train-all-time\n"
            "                   if present, else one per query)\n"
            "  -o, --output DIR where to write (default: analysis); created if missing,\n"
            "                   and removed again if nothing could be written into it\n"
            "  --seed N         seed of every random choice (default 0)\n"
            "  --threads N      worker threads (default: one per core)\n"
            "  --runs N         runs per NAS optimiser (default 500, as in the paper)\n"
            "  --synthetic      label the data SYNTHETIC even if its file is not marked\n"
            "  --list           list the analyses (TSV: name, input, fitness use, summary)\n"
            "  -q, --quiet      no progress on standard error\n"
            "  -h, --help       this text\n\n"
            "'all' runs every analysis the inputs allow; a fitness applies to those\n"
            "that climb one (marked 'fitness' below), and the others ignore it.\n"
            "Every output of those names its fitness.\n"
            "Exit status: 0 done, 1 bad input data, 2 bad usage, 4 output not written,\n"
            "128+N killed by signal N (130 on Ctrl-C).\n");
}

static const char *fitness_use_name(cs_analysis_fitness_use u)
{
    return u == CS_FITNESS_ALONE ? "fitness-alone" : u == CS_FITNESS_WITH_DATA ? "fitness"
                                                                               : "no-fitness";
}

static void list_analyses(FILE *f, bool nb201, bool tsv)
{
    size_t n;
    const cs_analysis_info *list = nb201 ? cs_analysis_nb201_list(&n) : cs_analysis_list(&n);
    if (!tsv)
        fprintf(f, "\nAnalyses (%s):\n",
                nb201 ? "NAS-Bench-201" : "NAS-Bench-101; --space nb201 --help lists NAS-Bench-201's");
    for (size_t i = 0; i < n; i++)
        if (tsv)
            fprintf(f, "%s\t%s\t%s\t%s\n", list[i].name, list[i].needs_data ? "data" : "structure",
                    fitness_use_name(list[i].fitness), list[i].summary);
        else
            fprintf(f, "  %-14s %s%s\n", list[i].name, list[i].summary,
                    list[i].fitness == CS_FITNESS_ALONE
                        ? " (fitness; needs --data or --fitness-file)"
                    : list[i].fitness    ? " (fitness; needs --data)"
                    : list[i].needs_data ? " (needs --data)"
                                         : "");
}

typedef struct analyze_options {
    const char *data, *outdir, *dataset, *fitness, *fitness_file, *score, *cost, *edges, *nodes;
    int seed, threads, runs, budget, repeat; /* budget 0: default; repeat -1: mean */
    bool quiet, synthetic, nb201, list_only, help;
    cs_metric_spec metric; /* NB-101's --fitness, as check_options parses it */
} analyze_options;

/* Parse argv into o; returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, analyze_options *o)
{
    enum {
        O_DATA = 256, O_SEED, O_THREADS, O_LIST, O_RUNS, O_SYNTH, O_SPACE, O_DATASET,
        O_FITNESS, O_SCORE, O_COST, O_BUDGET, O_REPEAT, O_FITNESS_FILE, O_EDGES, O_NODES
    };
    static const struct option longopts[] = {
        {"data", required_argument, NULL, O_DATA}, {"output", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, O_SEED}, {"threads", required_argument, NULL, O_THREADS},
        {"list", no_argument, NULL, O_LIST},       {"quiet", no_argument, NULL, 'q'},
        {"runs", required_argument, NULL, O_RUNS}, {"synthetic", no_argument, NULL, O_SYNTH},
        {"space", required_argument, NULL, O_SPACE},
        {"dataset", required_argument, NULL, O_DATASET},
        {"fitness", required_argument, NULL, O_FITNESS},
        {"fitness-file", required_argument, NULL, O_FITNESS_FILE},
        {"budget", required_argument, NULL, O_BUDGET},
        {"repeat", required_argument, NULL, O_REPEAT},
        {"score", required_argument, NULL, O_SCORE},
        {"cost", required_argument, NULL, O_COST},
        {"edges", required_argument, NULL, O_EDGES},
        {"nodes", required_argument, NULL, O_NODES},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->outdir = "analysis";
    o->repeat = CS_FITNESS_MEAN;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_DATA: o->data = optarg; break;
        case 'o': o->outdir = optarg; break;
        case O_SEED:
            if (!cs_cli_int("analyze", "--seed", optarg, 0, 2147483647, &o->seed))
                return CS_EXIT_USAGE;
            break;
        case O_THREADS:
            if (!cs_cli_int("analyze", "--threads", optarg, 1, 64, &o->threads))
                return CS_EXIT_USAGE;
            break;
        case O_RUNS:
            if (!cs_cli_int("analyze", "--runs", optarg, 1, 1000000, &o->runs))
                return CS_EXIT_USAGE;
            break;
        case O_BUDGET:
            if (!cs_cli_int("analyze", "--budget", optarg, 1, 1000000, &o->budget))
                return CS_EXIT_USAGE;
            break;
        case O_REPEAT:
            if (!cs_cli_int("analyze", "--repeat", optarg, 0, CS_STORE_REPEATS - 1, &o->repeat))
                return CS_EXIT_USAGE;
            break;
        case O_SYNTH: o->synthetic = true; break;
        case O_SPACE:
            if (strcmp(optarg, "nb201") == 0)
                o->nb201 = true;
            else if (strcmp(optarg, "nb101") == 0)
                o->nb201 = false;
            else {
                cs_cli_error("analyze", "--space: '%s' is not nb101 or nb201", optarg);
                return CS_EXIT_USAGE;
            }
            break;
        case O_DATASET: o->dataset = optarg; break;
        case O_FITNESS: o->fitness = optarg; break;
        case O_FITNESS_FILE: o->fitness_file = optarg; break;
        case O_SCORE: o->score = optarg; break;
        case O_COST: o->cost = optarg; break;
        case O_EDGES: o->edges = optarg; break;
        case O_NODES: o->nodes = optarg; break;
        case O_LIST: o->list_only = true; break;
        case 'q': o->quiet = true; break;
        case 'h': o->help = true; break;
        default: fputs("Try 'cellscape analyze --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    return -1;
}

/* The usage rules between the options and the analysis chosen (one, or
 * NULL for all), NB-101's --fitness parsed into o->metric; returns -1 if
 * they hold, else the exit code. */
static int check_options(analyze_options *o, const cs_analysis_info *one, const char *name)
{
    bool own_fitness = o->fitness || o->fitness_file;
    if (o->nb201 && (o->budget || o->repeat != CS_FITNESS_MEAN)) {
        cs_cli_error("analyze", "--budget and --repeat are for NAS-Bench-101 (--space nb101)");
        return CS_EXIT_USAGE;
    }
    if (!o->nb201 && (o->dataset || o->score || o->cost)) {
        cs_cli_error("analyze", "--dataset, --score and --cost are for --space nb201");
        return CS_EXIT_USAGE;
    }
    if (o->fitness && o->fitness_file) {
        cs_cli_error("analyze", "--fitness and --fitness-file each name the fitness: give one");
        return CS_EXIT_USAGE;
    }
    if (o->repeat != CS_FITNESS_MEAN && !o->fitness) {
        cs_cli_error("analyze", "--repeat picks a repeat of the --fitness metric: name it");
        return CS_EXIT_USAGE;
    }
    /* A mistyped metric fails now, not after the space is built. */
    cs_error err;
    if (o->fitness && !o->nb201 && cs_metric_parse(o->fitness, &o->metric, &err)) {
        cs_cli_error("analyze", "%s", err.msg);
        return CS_EXIT_USAGE;
    }
    if (o->nodes && !o->edges) {
        cs_cli_error("analyze", "--nodes names the vertices of --edges: give --edges FILE");
        return CS_EXIT_USAGE;
    }
    if (o->edges && (!one || strcmp(one->name, "neighbours") != 0)) {
        cs_cli_error("analyze", "--edges is for the neighbours analysis: "
                                "cellscape analyze neighbours --edges FILE");
        return CS_EXIT_USAGE;
    }
    if (o->edges && !o->nodes && strcmp(o->edges, "-") == 0) {
        cs_cli_error("analyze", "--edges -: name the vertices' file with --nodes FILE");
        return CS_EXIT_USAGE;
    }
    if (!one)
        return -1;
    if ((own_fitness || o->budget) && !one->fitness) {
        cs_cli_error("analyze", "%s does not climb a fitness: --fitness, --fitness-file and "
                                "--budget are for the analyses --list marks 'fitness'", name);
        return CS_EXIT_USAGE;
    }
    bool enough = o->data || (o->fitness_file && one->fitness == CS_FITNESS_ALONE && !o->nb201);
    if (one->needs_data && !enough) {
        cs_cli_error("analyze", "%s needs --data %s%s", name, o->nb201 ? "FILE.csv" : "STORE",
                     one->fitness == CS_FITNESS_ALONE && !o->nb201 ? " or --fitness-file FILE"
                                                                   : "");
        return CS_EXIT_USAGE;
    }
    if (o->fitness && !o->data) {
        cs_cli_error("analyze", "--fitness %s is a metric of the data: give --data", o->fitness);
        return CS_EXIT_USAGE;
    }
    return -1;
}

/* The caller's fitness the options name (none: the analyses' defaults). */
typedef struct own_fitness {
    double *values, *se;
    char name[4160];
} own_fitness;

static cs_status own_fitness_load(own_fitness *f, const analyze_options *o,
                                  cs_analysis_ctx *ctx, cs_error *err)
{
    memset(f, 0, sizeof *f);
    if (!o->fitness_file && (!o->fitness || o->nb201))
        return CS_OK; /* NB-201's --fitness names a column of its CSV */
    size_t n = o->nb201 ? CS_NB201_CELLS : cs_space_num_classes(ctx->space), with_data = 0;
    f->values = malloc((n + 1) * sizeof *f->values);
    if (!f->values)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    cs_status st;
    if (o->fitness_file) {
        st = o->nb201 ? cs_nb201_fitness_file(o->fitness_file, f->values, &with_data, err)
                      : cs_analysis_fitness_file(ctx, o->fitness_file, f->values, &with_data, err);
        snprintf(f->name, sizeof f->name, "file:%s", o->fitness_file);
    } else {
        int budget = o->budget ? o->budget : cs_analysis_default_budget(ctx->store);
        if (o->repeat == CS_FITNESS_MEAN && !(f->se = malloc((n + 1) * sizeof *f->se)))
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        st = cs_analysis_fitness(ctx, &o->metric, budget, o->repeat, f->values, f->se, &with_data,
                                 err);
        char metric[64];
        cs_metric_format(&o->metric, metric, sizeof metric);
        if (o->repeat == CS_FITNESS_MEAN)
            snprintf(f->name, sizeof f->name, "%s@%d (mean over repeats)", metric, budget);
        else
            snprintf(f->name, sizeof f->name, "%s@%d (repeat %d)", metric, budget, o->repeat);
    }
    if (st)
        return st;
    if (!with_data)
        return cs_error_set(err, CS_ERR_ARG, "fitness %s: no %s has a value", f->name,
                            o->nb201 ? "cell" : "class of the space");
    ctx->fitness = f->values;
    ctx->fitness_se = f->se;
    ctx->fitness_name = f->name;
    return CS_OK;
}

static void own_fitness_destroy(own_fitness *f)
{
    free(f->values);
    free(f->se);
}

/* Run the analyses of list (one, or all the inputs allow) with ctx (data)
 * or sctx (structure only).  An interrupt lets the analysis in progress
 * finish (its files are written whole or not at all) and stops before the
 * next one.  *wrote counts the analyses written. */
static int run_analyses(const cs_analysis_info *list, size_t n, const cs_analysis_ctx *ctx,
                        const cs_analysis_ctx *sctx, bool have_data, const char *outdir,
                        bool quiet, cs_progress *prog, int *sig, size_t *wrote)
{
    int code = CS_EXIT_OK;
    cs_error err;
    cs_interrupts ints;
    cs_interrupts_catch(&ints);
    *wrote = 0;
    for (size_t i = 0; i < n; i++) {
        bool fitness_alone = list[i].fitness == CS_FITNESS_ALONE && ctx->fitness;
        if (list[i].needs_data && !have_data && !fitness_alone)
            continue;
        if (cs_interrupted(NULL)) {
            code = CS_EXIT_IO;
            break;
        }
        const cs_analysis_ctx *c = list[i].needs_data ? ctx : sctx;
        cs_analysis_ctx plain;
        if (ctx->fitness && !list[i].fitness) {
            /* the analyses that read fixed metrics must not name a fitness */
            plain = *c;
            plain.fitness = plain.fitness_se = NULL;
            plain.fitness_name = NULL;
            plain.budget = 0;
            c = &plain;
        }
        cs_status st = list[i].run(c, outdir, &err);
        cs_progress_done(prog);
        if (st) {
            cs_cli_error("analyze", "%s: %s", list[i].name, err.msg);
            code = cs_cli_exit_for(st);
            break;
        }
        ++*wrote;
        char json[64];
        cs_analysis_json_file(&list[i], json, sizeof json);
        if (!quiet)
            fprintf(stderr, "cellscape analyze: %s -> %s/%s%s\n", list[i].name, outdir, json,
                    list[i].needs_data && cs_analysis_synthetic(c) ? " (SYNTHETIC data)" : "");
    }
    *sig = cs_interrupts_release(&ints);
    if (*sig)
        cs_cli_error("analyze", "interrupted; the analyses written so far are complete");
    return code;
}

/* The nodes file beside the edge list: edges.tsv -> edges.nodes.tsv. */
static char *nodes_path_for(const char *edges)
{
    size_t len = strlen(edges);
    if (len > 4 && strcmp(edges + len - 4, ".tsv") == 0)
        len -= 4;
    char *p = malloc(len + sizeof ".nodes.tsv");
    if (p) {
        memcpy(p, edges, len);
        memcpy(p + len, ".nodes.tsv", sizeof ".nodes.tsv");
    }
    return p;
}

/* analyze neighbours --edges: the graph the analysis counted, as files. */
static int write_graph_files(const analyze_options *o, const cs_space *space, bool quiet,
                             cs_progress *prog)
{
    cs_error err;
    cs_nbgraph g;
    char *nodes = o->nodes ? NULL : nodes_path_for(o->edges);
    const char *nodes_path = o->nodes ? o->nodes : nodes;
    if (!nodes_path) {
        cs_cli_error("analyze", "out of memory");
        return CS_EXIT_IO;
    }
    cs_progress_report(prog, "neighbours: edge list", 0.0);
    cs_status st = o->nb201 ? cs_nb201_cell_graph(&g, &err)
                            : cs_nbgraph_of_space(&g, space, o->threads, NULL, &err);
    if (!st) {
        st = o->nb201 ? cs_nb201_graph_write_tsv(&g, o->edges, nodes_path, &err)
                      : cs_nbgraph_write_tsv(&g, space, o->edges, nodes_path, &err);
        cs_progress_done(prog);
        if (!st && !quiet)
            fprintf(stderr, "cellscape analyze: neighbours -> %s (%zu edges), %s (%zu vertices)\n",
                    o->edges, g.nedges, nodes_path, g.nvertices);
        cs_nbgraph_destroy(&g);
    }
    free(nodes);
    if (st) {
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    return CS_EXIT_OK;
}

/* Undo cs_mkdirs when no analysis wrote into the directory: remove the
 * directories made, innermost first, each only if empty. */
static void remove_made_dirs(const char *outdir, const char *made)
{
    char buf[4096];
    size_t stop = strlen(made);
    if (strlen(outdir) >= sizeof buf)
        return;
    strcpy(buf, outdir);
    for (;;) {
        size_t len = strlen(buf);
        while (len > 1 && buf[len - 1] == '/')
            buf[--len] = '\0';
        if (len < stop || rmdir(buf) != 0)
            return;
        char *slash = strrchr(buf, '/');
        if (!slash || (size_t)(slash - buf) < stop)
            return;
        *slash = '\0';
    }
}

/* The analysis argv names: *one, or NULL for all.  Returns -1 if there is
 * one such, else the exit code. */
static int find_analysis(int argc, char **argv, const analyze_options *o, const char **name,
                         const cs_analysis_info **one)
{
    if (optind != argc - 1) {
        cs_cli_error("analyze", "name one analysis, or all (see --list)");
        return CS_EXIT_USAGE;
    }
    *name = argv[optind];
    *one = NULL;
    if (strcmp(*name, "all") == 0)
        return -1;
    *one = o->nb201 ? cs_analysis_nb201_find(*name) : cs_analysis_find(*name);
    if (!*one) {
        cs_cli_error("analyze", "no analysis named '%s' (see%s --list)", *name,
                     o->nb201 ? " --space nb201" : "");
        return CS_EXIT_USAGE;
    }
    return -1;
}

/* What the analyses read: --data, and NB-101's space. */
typedef struct analyze_inputs {
    cs_store *store;
    cs_nb201_data *csv;
    cs_space *space;
} analyze_inputs;

static void inputs_close(analyze_inputs *in)
{
    cs_space_destroy(in->space);
    cs_store_close(in->store);
    cs_nb201_data_destroy(in->csv);
}

/* Returns -1 when the inputs are open, else the exit code with nothing
 * left open. */
static int inputs_open(analyze_inputs *in, const analyze_options *o, cs_progress *prog)
{
    cs_error err;
    cs_status st;
    memset(in, 0, sizeof *in);
    if (o->data && o->nb201 && (st = cs_nb201_data_read(o->data, &in->csv, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for_input(st);
    }
    if (o->data && !o->nb201 && (st = cs_store_open_any(&in->store, o->data, NULL, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for_input(st);
    }
    /* So does a budget the data lacks (the message lists those it has). */
    int budget_index;
    if (in->store && o->budget &&
        (st = cs_analysis_budget_index(in->store, o->data, o->budget, &budget_index, &err))) {
        inputs_close(in);
        cs_cli_error("analyze", "%s", err.msg);
        return CS_EXIT_USAGE;
    }
    if (o->nb201)
        return -1;
    cs_enum_options eo;
    cs_enum_options_init(&eo);
    eo.threads = o->threads;
    eo.monitor.progress = cs_progress_report;
    eo.monitor.progress_user = prog;
    if ((st = cs_space_build(&in->space, &eo, &err))) {
        inputs_close(in);
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    return -1;
}

/* The analyses' context as the options set it, before cs_analysis_ctx_init. */
static void ctx_from_options(cs_analysis_ctx *ctx, const analyze_options *o,
                             const analyze_inputs *in, cs_progress *prog)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->data_name = o->data;
    ctx->seed = (uint64_t)o->seed;
    ctx->threads = o->threads;
    ctx->optimizer_runs = o->runs;
    ctx->synthetic = o->synthetic;
    ctx->nb201 = in->csv;
    ctx->nb201_dataset = o->dataset;
    ctx->nb201_fitness = o->fitness_file ? NULL : o->fitness;
    ctx->nb201_score = o->score;
    ctx->nb201_cost = o->cost;
    ctx->budget = o->budget;
    ctx->monitor.progress = cs_progress_report;
    ctx->monitor.progress_user = prog;
}

/* With ctx and sctx ready: the caller's fitness, the output directory and
 * the analyses of one (NULL: all). */
static int analyze_into(const analyze_options *o, const cs_analysis_info *one,
                        const analyze_inputs *in, cs_analysis_ctx *ctx,
                        const cs_analysis_ctx *sctx, cs_progress *prog, int *sig)
{
    cs_error err;
    cs_status st;
    char *made = NULL;
    own_fitness fit;
    int code = CS_EXIT_OK;
    if ((st = own_fitness_load(&fit, o, ctx, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        code = cs_cli_exit_for_input(st);
    } else if ((st = cs_mkdirs(o->outdir, &made, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        code = cs_cli_exit_for(st);
    } else {
        if (fit.values && !o->quiet)
            fprintf(stderr, "cellscape analyze: fitness %s\n", fit.name);
        size_t n = 1, wrote = 0;
        const cs_analysis_info *list =
            one ? one : o->nb201 ? cs_analysis_nb201_list(&n) : cs_analysis_list(&n);
        code = run_analyses(list, n, ctx, sctx, in->store || in->csv, o->outdir, o->quiet, prog,
                            sig, &wrote);
        if (code == CS_EXIT_OK && !*sig && o->edges)
            code = write_graph_files(o, in->space, o->quiet, prog);
        if (!wrote && made)
            remove_made_dirs(o->outdir, made);
    }
    free(made);
    own_fitness_destroy(&fit);
    return code;
}

/* The analyses' contexts around analyze_into. */
static int analyze_with_inputs(const analyze_options *o, const cs_analysis_info *one,
                               const analyze_inputs *in, cs_progress *prog, int *sig)
{
    cs_error err;
    cs_status st;
    cs_analysis_ctx ctx;
    ctx_from_options(&ctx, o, in, prog);
    /* Structure analyses get a context without the data: their results do
     * not depend on it, and their files must not be labelled with it. */
    cs_analysis_ctx sctx = ctx;
    sctx.data_name = NULL;
    sctx.nb201 = NULL;
    sctx.budget = 0;
    if ((st = cs_analysis_ctx_init(&sctx, in->space, NULL, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    if ((st = cs_analysis_ctx_init(&ctx, in->space, in->store, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        cs_analysis_ctx_destroy(&sctx);
        return cs_cli_exit_for(st);
    }
    int code = analyze_into(o, one, in, &ctx, &sctx, prog, sig);
    cs_analysis_ctx_destroy(&ctx);
    cs_analysis_ctx_destroy(&sctx);
    return code;
}

int cs_cmd_analyze(int argc, char **argv)
{
    analyze_options o;
    int code = parse_options(argc, argv, &o);
    if (code >= 0)
        return code;
    if (o.help) {
        usage(stdout);
        list_analyses(stdout, o.nb201, false);
        return CS_EXIT_OK;
    }
    if (o.list_only) {
        list_analyses(stdout, o.nb201, true);
        return CS_EXIT_OK;
    }
    const char *name;
    const cs_analysis_info *one;
    if ((code = find_analysis(argc, argv, &o, &name, &one)) >= 0 ||
        (code = check_options(&o, one, name)) >= 0)
        return code;
    cs_progress prog;
    cs_progress_init(&prog, "analyze", o.quiet);
    analyze_inputs in;
    if ((code = inputs_open(&in, &o, &prog)) >= 0)
        return code;
    int sig = 0;
    code = analyze_with_inputs(&o, one, &in, &prog, &sig);
    inputs_close(&in);
    if (sig) {
        raise(sig);
        return CS_EXIT_IO;
    }
    return code;
}
