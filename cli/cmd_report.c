/* cellscape report: the whole report in one command. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cs_report.h"

static const char *const help =
    "Usage: cellscape report [--data FILE] [-o DIR] [OPTIONS]\n"
    "       cellscape report --space nb201 [--data FILE.csv] [--dataset NAME]\n"
    "                        [--fitness M] [--score M] [--cost M] [-o DIR] [OPTIONS]\n\n"
    "Build the report: run every analysis, render every figure of the NAS-Bench-101\n"
    "paper and of the search space with gnuplot (PNG and SVG), and write\n"
    "DIR/index.html (figures with captions, headline numbers beside the paper's,\n"
    "the data source with its checksum) and DIR/summary.md, which is also printed.\n\n"
    "Without --data the structure figures are real (they need no dataset) and the\n"
    "data figures come from a SYNTHETIC dataset (cellscape synth --seed 1, kept in\n"
    "DIR/data): every such figure and number says so, and so does the page's top.\n\n"
    "With --space nb201 the report is NAS-Bench-201's: its data are a CSV of\n"
    "per-cell results exported from the official API (doc/nb201-csv.md); without\n"
    "--data it holds the structure figures only.\n\n"
    "  --data FILE      a store or a .tfrecord (e.g. nasbench_full.tfrecord; a\n"
    "                   .tfrecord is imported once into DIR/data/imported.nb101);\n"
    "                   with --space nb201 a CSV (a '# synthetic' line marks it)\n"
    "  --space S        nb101 (default) or nb201\n"
    "  --dataset NAME   nb201: the CSV's dataset (default: its first)\n"
    "  --fitness M      nb201: the metric searches climb (default valid-accuracy,\n"
    "                   else test-accuracy when the dataset has no validation)\n"
    "  --score M        nb201: the metric searches are judged by (test-accuracy)\n"
    "  --cost M         nb201: what a query costs the simulated optimisers\n"
    "                   (default train-all-time if present, else one per query)\n"
    "  -o, --output DIR where to write (default: report); created if missing\n"
    "  --seed N         seed of the analyses' random choices (default 0)\n"
    "  --threads N      worker threads and gnuplot processes (default: one per core)\n"
    "  --optimizer-runs N  runs per simulated NAS optimiser (default 500, as in the\n"
    "                   paper)\n"
    "  --synthetic      label the data SYNTHETIC even if its file is not marked\n"
    "                   (values made up elsewhere, e.g. a test fixture)\n"
    "  --scripts DIR    the gnuplot scripts and figures.tsv (default: the installed\n"
    "                   ones, or CELLSCAPE_REPORTS if set)\n"
    "  --force          redo every analysis and figure (default: reuse what an\n"
    "                   earlier run made from the same inputs)\n"
    "  -q, --quiet      no progress on standard error, no summary on standard output\n"
    "  -h, --help       this text\n\n"
    "Exit status: 0 done, 1 bad input data, 2 bad usage, 4 output not written\n"
    "(or gnuplot failed), 5 internal error; 128+N killed by signal N (130:\n"
    "Ctrl-C).\n";

/* Progress for a long job that may not run on a terminal: a line per step
 * always (unless quiet), the terminal's running fraction as usual. */
typedef struct report_progress {
    cs_progress tty;
    bool quiet;
    char last[64];
    struct timespec t0;
} report_progress;

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void report_step(void *user, const char *phase, double done)
{
    report_progress *p = user;
    if (p->quiet)
        return;
    if (strncmp(p->last, phase, sizeof p->last - 1) != 0) {
        snprintf(p->last, sizeof p->last, "%s", phase);
        if (!p->tty.enabled)
            fprintf(stderr, "cellscape report: [%5.1f s] %s\n", since(&p->t0), phase);
    }
    cs_progress_report(&p->tty, phase, done);
}

/* The command line into opt and *quiet: -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, cs_report_options *opt, bool *quiet)
{
    enum {
        O_DATA = 256, O_SEED, O_THREADS, O_SCRIPTS, O_FORCE, O_RUNS, O_SYNTH, O_SPACE,
        O_DATASET, O_FITNESS, O_SCORE, O_COST
    };
    static const struct option longopts[] = {
        {"data", required_argument, NULL, O_DATA},
        {"space", required_argument, NULL, O_SPACE},
        {"dataset", required_argument, NULL, O_DATASET},
        {"fitness", required_argument, NULL, O_FITNESS},
        {"score", required_argument, NULL, O_SCORE},
        {"cost", required_argument, NULL, O_COST},
        {"output", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, O_SEED},
        {"threads", required_argument, NULL, O_THREADS},
        {"scripts", required_argument, NULL, O_SCRIPTS},
        {"force", no_argument, NULL, O_FORCE},
        {"optimizer-runs", required_argument, NULL, O_RUNS},
        {"synthetic", no_argument, NULL, O_SYNTH},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    cs_report_options_init(opt);
    opt->outdir = "report";
    opt->scripts_dir = getenv("CELLSCAPE_REPORTS");
    if (opt->scripts_dir && !*opt->scripts_dir)
        opt->scripts_dir = NULL;
    *quiet = false;
    int c, seed = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_DATA: opt->data = optarg; break;
        case O_SPACE:
            if (strcmp(optarg, "nb201") == 0)
                opt->space = CS_REPORT_NB201;
            else if (strcmp(optarg, "nb101") == 0)
                opt->space = CS_REPORT_NB101;
            else {
                cs_cli_error("report", "--space: '%s' is not nb101 or nb201", optarg);
                return CS_EXIT_USAGE;
            }
            break;
        case O_DATASET: opt->dataset = optarg; break;
        case O_FITNESS: opt->fitness = optarg; break;
        case O_SCORE: opt->score = optarg; break;
        case O_COST: opt->cost = optarg; break;
        case 'o': opt->outdir = optarg; break;
        case O_SEED:
            if (!cs_cli_int("report", "--seed", optarg, 0, 2147483647, &seed))
                return CS_EXIT_USAGE;
            break;
        case O_THREADS:
            if (!cs_cli_int("report", "--threads", optarg, 1, 64, &opt->threads))
                return CS_EXIT_USAGE;
            break;
        case O_SCRIPTS: opt->scripts_dir = optarg; break;
        case O_FORCE: opt->force = true; break;
        case O_RUNS:
            if (!cs_cli_int("report", "--optimizer-runs", optarg, 1, 1000000, &opt->optimizer_runs))
                return CS_EXIT_USAGE;
            break;
        case O_SYNTH: opt->synthetic = true; break;
        case 'q': *quiet = true; break;
        case 'h': fputs(help, stdout); return CS_EXIT_OK;
        default: fputs("Try 'cellscape report --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cs_cli_error("report", "unexpected argument '%s'", argv[optind]);
        fputs("Try 'cellscape report --help'.\n", stderr);
        return CS_EXIT_USAGE;
    }
    if (!*opt->outdir) {
        cs_cli_error("report", "-o needs a directory");
        return CS_EXIT_USAGE;
    }
    bool nb201_flags = opt->dataset || opt->fitness || opt->score || opt->cost;
    if (opt->space != CS_REPORT_NB201 && nb201_flags) {
        cs_cli_error("report", "--dataset, --fitness, --score and --cost are for --space nb201");
        return CS_EXIT_USAGE;
    }
    if (opt->space == CS_REPORT_NB201 && !opt->data && nb201_flags) {
        cs_cli_error("report", "--dataset, --fitness, --score and --cost need --data FILE.csv");
        return CS_EXIT_USAGE;
    }
    opt->seed = (uint64_t)seed;
    return -1;
}

/* What a finished report says: its summary on standard output (unless
 * quiet), the counts and where it is. */
static void print_outcome(const cs_report_result *res, const report_progress *prog, bool quiet)
{
    if (quiet)
        return;
    FILE *md = fopen(res->summary_md, "r");
    if (md) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, md)) > 0)
            fwrite(buf, 1, n, stdout);
        fclose(md);
        putchar('\n');
    }
    fprintf(stderr,
            "cellscape report: %zu analyses run, %zu reused; %zu figures rendered, %zu "
            "reused%s, in %.1f s%s\n",
            res->analyses_run, res->analyses_reused, res->figures_rendered, res->figures_reused,
            res->figures_skipped ? "; data figures skipped: no data" : "", since(&prog->t0),
            res->synthetic ? " (data figures from SYNTHETIC data)" : "");
    printf("Report: %s\n", res->index_html);
}

int cs_cmd_report(int argc, char **argv)
{
    cs_report_options opt;
    bool quiet;
    int rc = parse_args(argc, argv, &opt, &quiet);
    if (rc >= 0)
        return rc;

    report_progress prog;
    memset(&prog, 0, sizeof prog);
    prog.quiet = quiet;
    clock_gettime(CLOCK_MONOTONIC, &prog.t0);
    cs_progress_init(&prog.tty, "report", quiet);
    opt.monitor.progress = report_step;
    opt.monitor.progress_user = &prog;
    cs_interrupts ints;
    cs_interrupts_catch(&ints);
    opt.monitor.cancelled = cs_interrupted;

    cs_report_result res;
    cs_error err;
    cs_status st = cs_report_build(&opt, &res, &err);
    cs_progress_done(&prog.tty);
    int sig = cs_interrupts_release(&ints);
    if (st) {
        if (sig) {
            if (res.outdir_removed)
                cs_cli_error("report", "interrupted; %s not written", opt.outdir);
            else
                cs_cli_error("report", "interrupted; %s is incomplete (each file in it whole)",
                             opt.outdir);
            raise(sig);
        }
        cs_cli_error("report", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    print_outcome(&res, &prog, quiet);
    return CS_EXIT_OK;
}
