/* cellscape synth: write a synthetic NAS-Bench-101 dataset file. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cs_io.h"
#include "cs_synth.h"

static const char *const help =
    "Usage: cellscape synth -o FILE [OPTIONS]\n\n"
    "Write a SYNTHETIC NAS-Bench-101 dataset in the official file format:\n"
    "every one of the 423,624 cells, 3 repeats at 108 epochs (--only108, like\n"
    "nasbench_only108.tfrecord) or at 4, 12, 36 and 108 epochs (like\n"
    "nasbench_full.tfrecord).  Module hashes, stored cells and parameter counts\n"
    "are the real ones; accuracies and times come from a surrogate model of the\n"
    "cell's structure with noise (doc/synthetic-data.md).  It is NOT real\n"
    "data: every record's final evaluation has the checkpoint_path\n"
    "cellscape-synthetic/v1/seed=SEED, and cellscape says \"synthetic\" wherever\n"
    "such a file shows.  The same seed gives the same file, byte for byte,\n"
    "whatever the thread count.\n\n"
    "  -o, --output FILE  where to write (required; written to a temporary file\n"
    "                     and renamed when complete, so an error or an interrupt\n"
    "                     leaves nothing; - writes to standard output)\n"
    "  --seed N           the random seed, 0 to 2^64-1 (default 0)\n"
    "  --only108          108-epoch runs only (1,270,872 records, ~0.57 GB);\n"
    "                     default all four budgets (5,083,488 records, ~2.3 GB)\n"
    "  --store            write a store (as `cellscape import` makes, without\n"
    "                     the TFRecord file: ~5x faster) instead of records\n"
    "  --cells N          only the first N cells in enumeration order: a small\n"
    "                     sample file, not the whole space\n"
    "  --threads N        worker threads (default: one per core)\n"
    "  -q, --quiet        no progress on standard error\n"
    "  -h, --help         this text\n\n"
    "A one-line summary goes to standard error.  Exit status: 0 written, 2 bad\n"
    "usage, 4 output not written, 5 internal error; 128+N killed by signal N\n"
    "(130: Ctrl-C), nothing left behind.\n";

static bool parse_seed(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*text < '0' || *text > '9')
        return false;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return false;
    *out = (uint64_t)v;
    return true;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct synth_args {
    cs_synth_options opt;
    const char *output;
    bool quiet, as_store;
    int cells; /* 0: all */
} synth_args;

/* The command line into a: -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, synth_args *a)
{
    enum { O_SEED = 256, O_ONLY108, O_STORE, O_CELLS, O_THR };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, O_SEED},
        {"only108", no_argument, NULL, O_ONLY108},
        {"store", no_argument, NULL, O_STORE},
        {"cells", required_argument, NULL, O_CELLS},
        {"threads", required_argument, NULL, O_THR},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    cs_synth_options_init(&a->opt);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': a->output = optarg; break;
        case O_SEED:
            if (!parse_seed(optarg, &a->opt.seed)) {
                cs_cli_error("synth", "--seed takes a whole number from 0 to "
                             "18446744073709551615, not '%s'", optarg);
                return CS_EXIT_USAGE;
            }
            break;
        case O_ONLY108: a->opt.only108 = true; break;
        case O_STORE: a->as_store = true; break;
        case O_CELLS:
            if (!cs_cli_int("synth", "--cells", optarg, 1, 423624, &a->cells))
                return CS_EXIT_USAGE;
            break;
        case O_THR:
            if (!cs_cli_int("synth", "--threads", optarg, 1, 64, &a->opt.threads))
                return CS_EXIT_USAGE;
            break;
        case 'q': a->quiet = true; break;
        case 'h': fputs(help, stdout); return CS_EXIT_OK;
        default: fputs("Try 'cellscape synth --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cs_cli_error("synth", "unexpected argument '%s'", argv[optind]);
        return CS_EXIT_USAGE;
    }
    if (!a->output) {
        cs_cli_error("synth", "-o FILE is required (the file is ~0.57 or ~2.3 GB)");
        fputs("Try 'cellscape synth --help'.\n", stderr);
        return CS_EXIT_USAGE;
    }
    if (!strcmp(a->output, "-") && isatty(STDOUT_FILENO)) {
        cs_cli_error("synth", "will not write binary records to a terminal; use -o FILE");
        return CS_EXIT_USAGE;
    }
    a->opt.max_cells = (size_t)a->cells;
    return -1;
}

int cs_cmd_synth(int argc, char **argv)
{
    synth_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    /* An interrupt stops the work between blocks; the temporary file is
     * removed and the signal then ends the process as it would have. */
    cs_interrupts ints;
    cs_interrupts_catch(&ints);
    a.opt.monitor.cancelled = cs_interrupted;

    cs_outfile out;
    cs_error err;
    cs_status st = CS_OK;
    if (a.as_store && !strcmp(a.output, "-"))
        st = cs_error_set(&err, CS_ERR_ARG, "--store needs a file (-o FILE), not -");
    else if (!a.as_store)
        st = cs_outfile_open(&out, a.output, &err);
    if (st) {
        cs_interrupts_release(&ints);
        cs_cli_error("synth", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    cs_progress prog;
    cs_progress_init(&prog, "synth", a.quiet);
    a.opt.monitor.progress = cs_progress_report;
    a.opt.monitor.progress_user = &prog;
    double t0 = now();
    uint64_t records = 0;
    if (a.as_store) {
        cs_import_stats stats;
        st = cs_synth_store(a.output, &a.opt, &stats, &err);
        records = stats.records;
    } else {
        st = cs_synth_write(out.f, &a.opt, &records, &err);
        if (st == CS_OK)
            st = cs_outfile_commit(&out, &err);
        else
            cs_outfile_abort(&out);
    }
    cs_progress_done(&prog);
    double seconds = now() - t0;

    int sig = cs_interrupts_release(&ints);
    if (st) {
        if (sig) {
            cs_cli_error("synth", "interrupted; %s not written", a.output);
            raise(sig);
        } else {
            cs_cli_error("synth", "%s: %s", a.output, err.msg);
        }
        return st == CS_ERR_IO ? CS_EXIT_IO : cs_cli_exit_for(st);
    }
    char marker[64], what[64];
    cs_synth_marker(a.opt.seed, marker, sizeof marker);
    if (a.cells)
        snprintf(what, sizeof what, "the first %d cells only", a.cells);
    else
        snprintf(what, sizeof what, "all 423,624 cells");
    fprintf(stderr,
            "cellscape synth: wrote %llu SYNTHETIC records (%s, 3 repeats, %s) %s %s "
            "in %.1f s; marker %s\n",
            (unsigned long long)records, what,
            a.opt.only108 ? "108 epochs" : "4/12/36/108 epochs",
            a.as_store ? "as a store to" : "to",
            strcmp(a.output, "-") ? a.output : "standard output", seconds, marker);
    return CS_EXIT_OK;
}
