/* cellscape export: a store to CSV, JSON lines or SQLite. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cs_export.h"
#include "cs_io.h"
#include "cs_store.h"

int cs_cmd_export(int argc, char **argv);

static const char *const help =
    "Usage: cellscape export STORE (--csv | --jsonl | --sqlite) [--mean] -o FILE\n\n"
    "Write every run of a store as CSV, JSON lines or an SQLite database.\n"
    "STORE is a store from 'cellscape import' or a .tfrecord (imported on the\n"
    "fly).  The output is written to a temporary file beside FILE and renamed\n"
    "when complete, so an error or an interrupt leaves nothing behind.\n\n"
    "  --csv            CSV (RFC 4180: header row, CRLF line ends, quoted fields)\n"
    "  --jsonl          JSON lines: one object per row, keys as the CSV columns\n"
    "  --sqlite         an SQLite database (schema in doc/export.md): tables meta,\n"
    "                   cell, trial_config, trial_stats, intermediate_stats; views\n"
    "                   runs and means (the CSV columns) and nni's nb101trialconfig,\n"
    "                   nb101trialstats, nb101intermediatestats\n"
    "  --mean           CSV/JSON lines: one row per cell and budget with the mean\n"
    "                   and sample standard deviation over the repeats (default:\n"
    "                   one row per cell, budget and repeat)\n"
    "  -o, --output FILE  where to write (required; - is standard output, for\n"
    "                   --csv and --jsonl only; a device or a pipe is written in\n"
    "                   place)\n"
    "  -q, --quiet      no progress on standard error\n"
    "  -h, --help       this text\n\n"
    "Columns, in order:\n"
    "  hash                  module hash (32 hex digits)\n"
    "  cell                  the stored cell, compact form (e.g. I3M1O:...)\n"
    "  adjacency, ops        the stored cell as the dataset's records hold it:\n"
    "                        V*V 0/1 characters row major; op names, comma separated\n"
    "  vertices, edges       of the stored cell\n"
    "  conv3x3, conv1x1, maxpool3x3  vertices with that operation\n"
    "  depth                 edges on the longest input-output path\n"
    "  trainable_parameters  a count\n"
    "  canonical             nauty canonical form of the cell, compact\n"
    "  epochs                the budget (4, 12, 36, 108)\n"
    "  repeat                0, 1, 2 (with --mean: repeats, the number averaged)\n"
    "  halfway_training_time, halfway_train_accuracy,\n"
    "  halfway_validation_accuracy, halfway_test_accuracy,\n"
    "  final_training_time, final_train_accuracy,\n"
    "  final_validation_accuracy, final_test_accuracy\n"
    "                        seconds and fractions in [0, 1], as stored; with --mean\n"
    "                        each becomes NAME_mean, NAME_std (std empty / null for a\n"
    "                        single repeat)\n"
    "  synthetic             true for cellscape's synthetic data, else false\n"
    "Numbers are written with the fewest digits that read back as the same\n"
    "double.\n\n"
    "Exit status: 0 written, 1 the store unreadable or malformed, 2 bad usage,\n"
    "4 the output not written, 5 internal error; 128+N killed by signal N\n"
    "(130: Ctrl-C), nothing left behind.\n";

/* The import reports no fraction (done < 0): show the phase only, as
 * 'cellscape import' does. */
static void on_import_progress(void *user, const char *phase, double done)
{
    cs_progress_report(user, phase, done < 0 ? 0.0 : done);
}

typedef struct export_args {
    const char *path, *output, *shown; /* shown: how messages name the output */
    int format;                        /* O_CSV, O_JSONL or O_SQLITE */
    bool mean, quiet;
} export_args;

enum { O_CSV = 256, O_JSONL, O_SQLITE, O_MEAN };

/* The command line into a: -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, export_args *a)
{
    static const struct option longopts[] = {
        {"csv", no_argument, NULL, O_CSV},       {"jsonl", no_argument, NULL, O_JSONL},
        {"sqlite", no_argument, NULL, O_SQLITE}, {"mean", no_argument, NULL, O_MEAN},
        {"output", required_argument, NULL, 'o'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    int c, nformats = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_CSV:
        case O_JSONL:
        case O_SQLITE:
            if (a->format != c)
                nformats++;
            a->format = c;
            break;
        case O_MEAN: a->mean = true; break;
        case 'o': a->output = optarg; break;
        case 'q': a->quiet = true; break;
        case 'h': fputs(help, stdout); return CS_EXIT_OK;
        default: fputs("Try 'cellscape export --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cs_cli_error("export", "give a store (see --help)");
        return CS_EXIT_USAGE;
    }
    if (optind < argc - 1) {
        cs_cli_error("export", "unexpected argument '%s'", argv[optind + 1]);
        return CS_EXIT_USAGE;
    }
    if (nformats != 1) {
        cs_cli_error("export", "give exactly one of --csv, --jsonl, --sqlite");
        return CS_EXIT_USAGE;
    }
    if (!a->output) {
        cs_cli_error("export", "-o FILE is required (- for standard output)");
        return CS_EXIT_USAGE;
    }
    if (a->format == O_SQLITE && a->mean) {
        cs_cli_error("export", "--mean is for --csv and --jsonl; the database always has "
                     "the view 'means'");
        return CS_EXIT_USAGE;
    }
    if (a->format == O_SQLITE && !strcmp(a->output, "-")) {
        cs_cli_error("export", "an SQLite database cannot go to standard output; "
                     "give -o FILE");
        return CS_EXIT_USAGE;
    }
    a->path = argv[optind];
    a->shown = strcmp(a->output, "-") ? a->output : "standard output";
    struct stat sb;
    bool direct = strcmp(a->output, "-") && stat(a->output, &sb) == 0 && !S_ISREG(sb.st_mode);
    if (direct && S_ISDIR(sb.st_mode)) {
        cs_cli_error("export", "%s is a directory; give -o FILE", a->output);
        return CS_EXIT_USAGE;
    }
    if (direct && a->format == O_SQLITE) {
        cs_cli_error("export", "%s is not a regular file; an SQLite database needs one",
                     a->output);
        return CS_EXIT_USAGE;
    }
    return -1;
}

/* s exported as a asks, the output replaced only when whole. */
static cs_status write_export(const cs_store *s, const export_args *a,
                              const cs_export_options *opt, cs_error *err)
{
    if (a->format == O_SQLITE)
        return cs_export_sqlite(s, a->output, opt, err);
    cs_export_mode mode = a->mean ? CS_EXPORT_MEAN : CS_EXPORT_RUNS;
    cs_outfile out;
    cs_status st = cs_outfile_open(&out, a->output, err);
    if (st)
        return st;
    st = a->format == O_CSV ? cs_export_csv(s, out.f, mode, opt, err)
                            : cs_export_jsonl(s, out.f, mode, opt, err);
    if (st == CS_OK)
        return cs_outfile_commit(&out, err);
    cs_outfile_abort(&out);
    return st;
}

int cs_cmd_export(int argc, char **argv)
{
    export_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;

    cs_progress prog;
    cs_progress_init(&prog, "export", a.quiet);
    cs_import_options iopt;
    cs_import_options_init(&iopt);
    iopt.monitor.progress = on_import_progress;
    iopt.monitor.progress_user = &prog;
    cs_store *s;
    cs_error err;
    cs_status st = cs_store_open_any(&s, a.path, &iopt, &err);
    if (st) {
        cs_progress_done(&prog);
        cs_cli_error("export", "%s", err.msg);
        /* Whatever went wrong, it was with the input. */
        return st == CS_ERR_NOMEM ? CS_EXIT_INTERNAL : CS_EXIT_INPUT;
    }

    /* An interrupt stops the export between cells; the temporary file is
     * removed and the signal then ends the process as it would have. */
    cs_interrupts ints;
    cs_interrupts_catch(&ints);
    cs_export_options opt;
    cs_export_options_init(&opt);
    opt.monitor.progress = cs_progress_report;
    opt.monitor.progress_user = &prog;
    opt.monitor.cancelled = cs_interrupted;
    st = write_export(s, &a, &opt, &err);
    cs_progress_done(&prog);
    int sig = cs_interrupts_release(&ints);
    bool synthetic = cs_store_synthetic(s);
    size_t rows = cs_export_num_rows(s, a.format != O_SQLITE && a.mean ? CS_EXPORT_MEAN
                                                                        : CS_EXPORT_RUNS);
    size_t cells = cs_store_num_cells(s);
    cs_store_close(s);
    if (st) {
        if (sig) {
            cs_cli_error("export", "interrupted; %s not written", a.shown);
            raise(sig);
            return CS_EXIT_IO;
        }
        /* Messages from the file layer name the file; a failed write on a
         * stream does not. */
        if (strstr(err.msg, a.output))
            cs_cli_error("export", "%s", err.msg);
        else
            cs_cli_error("export", "%s: %s", a.shown, err.msg);
        return st == CS_ERR_IO ? CS_EXIT_IO : cs_cli_exit_for(st);
    }
    fprintf(stderr, "cellscape export: %zu cells, %zu %s to %s%s\n", cells, rows,
            a.format == O_SQLITE ? "runs" : a.mean ? "cell x budget rows" : "runs", a.shown,
            synthetic ? " (SYNTHETIC data: marked in every row)" : "");
    return CS_EXIT_OK;
}
