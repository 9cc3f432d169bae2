/* cellscape analyze: run analyses into a directory of TSV and JSON files. */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cs_analysis.h"
#include "cs_nb201_data.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: cellscape analyze NAME|all [--data FILE] [-o DIR] [--seed N]\n"
            "                         [--threads N] [-q]\n"
            "       cellscape analyze --space nb201 NAME|all [--data FILE.csv]\n"
            "                         [--dataset NAME] [--fitness M] [--score M] [--cost M]\n"
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
            "  --dataset NAME   nb201: the CSV's dataset to analyse (default: its first)\n"
            "  --fitness M      nb201: the metric searches climb (default valid-accuracy,\n"
            "                   else test-accuracy)\n"
            "  --score M        nb201: the metric searches are judged by (test-accuracy)\n"
            "  --cost M         nb201: what a query costs the optimisers (train-all-time\n"
            "                   if present, else one per query)\n"
            "  -o, --output DIR where to write (default: analysis); created if missing\n"
            "  --seed N         seed of every random choice (default 0)\n"
            "  --threads N      worker threads (default: one per core)\n"
            "  --runs N         runs per NAS optimiser (default 500, as in the paper)\n"
            "  --synthetic      label the data SYNTHETIC even if its file is not marked\n"
            "  --list           list the analyses\n"
            "  -q, --quiet      no progress on standard error\n"
            "  -h, --help       this text\n\n"
            "'all' runs every analysis the inputs allow.\n"
            "Exit status: 0 done, 1 bad input data, 2 bad usage, 4 output not written.\n");
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
            fprintf(f, "%s\t%s\t%s\n", list[i].name, list[i].needs_data ? "data" : "structure",
                    list[i].summary);
        else
            fprintf(f, "  %-14s %s%s\n", list[i].name, list[i].summary,
                    list[i].needs_data ? " (needs --data)" : "");
}

static int make_dir(const char *path)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf)
        return -1;
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Run the analyses of list (one, or all the inputs allow) with ctx (data)
 * or sctx (structure only).  An interrupt lets the analysis in progress
 * finish (its files are written whole or not at all) and stops before the
 * next one. */
static int run_analyses(const cs_analysis_info *list, size_t n, const cs_analysis_ctx *ctx,
                        const cs_analysis_ctx *sctx, bool have_data, const char *outdir,
                        bool quiet, cs_progress *prog, int *sig)
{
    int code = CS_EXIT_OK;
    cs_error err;
    cs_interrupts ints;
    cs_interrupts_catch(&ints);
    for (size_t i = 0; i < n; i++) {
        if (list[i].needs_data && !have_data)
            continue;
        if (cs_interrupted(NULL)) {
            code = CS_EXIT_IO;
            break;
        }
        cs_status st = list[i].run(list[i].needs_data ? ctx : sctx, outdir, &err);
        cs_progress_done(prog);
        if (st) {
            cs_cli_error("analyze", "%s: %s", list[i].name, err.msg);
            code = cs_cli_exit_for(st);
            break;
        }
        char json[64];
        cs_analysis_json_file(&list[i], json, sizeof json);
        if (!quiet)
            fprintf(stderr, "cellscape analyze: %s -> %s/%s%s\n", list[i].name, outdir, json,
                    list[i].needs_data && cs_analysis_synthetic(ctx) ? " (SYNTHETIC data)" : "");
    }
    *sig = cs_interrupts_release(&ints);
    if (*sig)
        cs_cli_error("analyze", "interrupted; the analyses written so far are complete");
    return code;
}

int cs_cmd_analyze(int argc, char **argv)
{
    enum {
        O_DATA = 256, O_SEED, O_THREADS, O_LIST, O_RUNS, O_SYNTH, O_SPACE, O_DATASET,
        O_FITNESS, O_SCORE, O_COST
    };
    static const struct option longopts[] = {
        {"data", required_argument, NULL, O_DATA}, {"output", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, O_SEED}, {"threads", required_argument, NULL, O_THREADS},
        {"list", no_argument, NULL, O_LIST},       {"quiet", no_argument, NULL, 'q'},
        {"runs", required_argument, NULL, O_RUNS}, {"synthetic", no_argument, NULL, O_SYNTH},
        {"space", required_argument, NULL, O_SPACE},
        {"dataset", required_argument, NULL, O_DATASET},
        {"fitness", required_argument, NULL, O_FITNESS},
        {"score", required_argument, NULL, O_SCORE},
        {"cost", required_argument, NULL, O_COST},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *data = NULL, *outdir = "analysis", *dataset = NULL, *fitness = NULL,
               *score = NULL, *cost = NULL;
    int seed = 0, threads = 0, runs = 0, c;
    bool quiet = false, synthetic = false, nb201 = false, list_only = false, help = false;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_DATA: data = optarg; break;
        case 'o': outdir = optarg; break;
        case O_SEED:
            if (!cs_cli_int("analyze", "--seed", optarg, 0, 2147483647, &seed))
                return CS_EXIT_USAGE;
            break;
        case O_THREADS:
            if (!cs_cli_int("analyze", "--threads", optarg, 1, 64, &threads))
                return CS_EXIT_USAGE;
            break;
        case O_RUNS:
            if (!cs_cli_int("analyze", "--runs", optarg, 1, 1000000, &runs))
                return CS_EXIT_USAGE;
            break;
        case O_SYNTH: synthetic = true; break;
        case O_SPACE:
            if (strcmp(optarg, "nb201") == 0)
                nb201 = true;
            else if (strcmp(optarg, "nb101") == 0)
                nb201 = false;
            else {
                cs_cli_error("analyze", "--space: '%s' is not nb101 or nb201", optarg);
                return CS_EXIT_USAGE;
            }
            break;
        case O_DATASET: dataset = optarg; break;
        case O_FITNESS: fitness = optarg; break;
        case O_SCORE: score = optarg; break;
        case O_COST: cost = optarg; break;
        case O_LIST: list_only = true; break;
        case 'q': quiet = true; break;
        case 'h': help = true; break;
        default: fputs("Try 'cellscape analyze --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    if (help) {
        usage(stdout);
        list_analyses(stdout, nb201, false);
        return CS_EXIT_OK;
    }
    if (list_only) {
        list_analyses(stdout, nb201, true);
        return CS_EXIT_OK;
    }
    if (!nb201 && (dataset || fitness || score || cost)) {
        cs_cli_error("analyze", "--dataset, --fitness, --score and --cost are for --space nb201");
        return CS_EXIT_USAGE;
    }
    if (optind != argc - 1) {
        cs_cli_error("analyze", "name one analysis, or all (see --list)");
        return CS_EXIT_USAGE;
    }
    const char *name = argv[optind];
    const cs_analysis_info *one = NULL;
    if (strcmp(name, "all") != 0) {
        one = nb201 ? cs_analysis_nb201_find(name) : cs_analysis_find(name);
        if (!one) {
            cs_cli_error("analyze", "no analysis named '%s' (see%s --list)", name,
                         nb201 ? " --space nb201" : "");
            return CS_EXIT_USAGE;
        }
        if (one->needs_data && !data) {
            cs_cli_error("analyze", "%s needs --data %s", name, nb201 ? "FILE.csv" : "STORE");
            return CS_EXIT_USAGE;
        }
    }
    if (make_dir(outdir) != 0) {
        cs_cli_error("analyze", "cannot create %s: %s", outdir, strerror(errno));
        return CS_EXIT_IO;
    }
    cs_progress prog;
    cs_progress_init(&prog, "analyze", quiet);
    cs_error err;
    cs_status st;
    cs_store *store = NULL;
    cs_nb201_data *csv = NULL;
    if (data && nb201 && (st = cs_nb201_data_read(data, &csv, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    if (data && !nb201 && (st = cs_store_open_any(&store, data, NULL, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    cs_space *space = NULL;
    if (!nb201) {
        cs_enum_options eo;
        cs_enum_options_init(&eo);
        eo.threads = threads;
        eo.progress = cs_progress_report;
        eo.progress_user = &prog;
        if ((st = cs_space_build(&space, &eo, &err))) {
            cs_store_close(store);
            cs_cli_error("analyze", "%s", err.msg);
            return cs_cli_exit_for(st);
        }
    }
    cs_analysis_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.data_name = data;
    ctx.seed = (uint64_t)seed;
    ctx.threads = threads;
    ctx.optimizer_runs = runs;
    ctx.synthetic = synthetic;
    ctx.nb201 = csv;
    ctx.nb201_dataset = dataset;
    ctx.nb201_fitness = fitness;
    ctx.nb201_score = score;
    ctx.nb201_cost = cost;
    ctx.progress = cs_progress_report;
    ctx.progress_user = &prog;
    int code = CS_EXIT_OK, sig = 0;
    /* Structure analyses get a context without the data: their results do
     * not depend on it, and their files must not be labelled with it. */
    cs_analysis_ctx sctx = ctx;
    sctx.data_name = NULL;
    sctx.nb201 = NULL;
    if ((st = cs_analysis_ctx_init(&sctx, space, NULL, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        code = cs_cli_exit_for(st);
        goto done;
    }
    if ((st = cs_analysis_ctx_init(&ctx, space, store, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        code = cs_cli_exit_for(st);
        cs_analysis_ctx_destroy(&sctx);
        goto done;
    }
    size_t n = 1;
    const cs_analysis_info *list =
        one ? one : nb201 ? cs_analysis_nb201_list(&n) : cs_analysis_list(&n);
    code = run_analyses(list, n, &ctx, &sctx, store || csv, outdir, quiet, &prog, &sig);
    cs_analysis_ctx_destroy(&ctx);
    cs_analysis_ctx_destroy(&sctx);
done:
    cs_space_destroy(space);
    cs_store_close(store);
    cs_nb201_data_destroy(csv);
    if (sig) {
        raise(sig);
        return CS_EXIT_IO;
    }
    return code;
}
