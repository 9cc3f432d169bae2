/* cellscape import: a TFRecord file into a store. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cs_store.h"

static const char *const help =
    "Usage: cellscape import FILE.tfrecord -o FILE.nb101 [--keep-going] [--synthetic]\n"
    "                        [--json]\n\n"
    "Read a NAS-Bench-101 dataset file (nasbench_only108.tfrecord,\n"
    "nasbench_full.tfrecord, or cellscape synth output; '-' reads standard\n"
    "input), check every record (both CRCs, the JSON row, the metrics, the cell,\n"
    "its module hash), and write a store that opens as a memory map.  The store\n"
    "is written to a temporary file and renamed when complete.\n\n"
    "  -o, --output FILE  the store to write (required)\n"
    "  --keep-going       skip bad records, count them, and go on (framing damage\n"
    "                     still stops: nothing after it can be trusted); of a file\n"
    "                     cut inside a record (a download that stopped), keep\n"
    "                     every record before the cut and say how many bytes\n"
    "                     were lost\n"
    "  --synthetic        label the store synthetic: for made-up data whose\n"
    "                     records lack cellscape synth's marker (every output\n"
    "                     made from the store then says SYNTHETIC)\n"
    "  --json             print the summary as JSON\n"
    "  -q, --quiet        no progress on standard error\n"
    "  -h, --help         this text\n\n"
    "Exit status: 0 imported, 1 bad input (the message names the file, record\n"
    "and byte offset), 2 bad usage, 4 the store could not be written, 6 the\n"
    "store was written but part of the input was lost (--keep-going: records\n"
    "skipped or a cut file's tail); 128+N killed by signal N (130: Ctrl-C),\n"
    "nothing left behind.\n";


static void on_progress(void *user, const char *phase, double done)
{
    (void)done;
    cs_progress_report(user, phase, 0.0);
}

/* The import's outcome as one JSON object. */
static void print_json(const char *input, const char *output, const cs_import_stats *stats,
                       const char *sha, const char *official)
{
    cs_jb j;
    cs_jb_start(&j, stdout);
    cs_jb_open(&j, '{');
    cs_jb_ks(&j, "input", input);
    cs_jb_ks(&j, "store", output);
    cs_jb_ki(&j, "records", (long long)stats->records);
    cs_jb_ki(&j, "cells", (long long)stats->cells);
    cs_jb_ki(&j, "skipped", (long long)stats->skipped);
    cs_jb_kb(&j, "cut", stats->cut);
    cs_jb_ki(&j, "cut_bytes_lost", (long long)stats->cut_bytes);
    cs_jb_key(&j, "budgets");
    cs_jb_open(&j, '[');
    for (int k = 0; k < stats->nbudgets; k++)
        cs_jb_int(&j, stats->budgets[k]);
    cs_jb_close(&j, ']');
    cs_jb_kb(&j, "synthetic", stats->synthetic);
    cs_jb_ks(&j, "sha256", sha);
    cs_jb_key(&j, "official");
    if (official)
        cs_jb_str(&j, official);
    else
        cs_jb_null(&j);
    cs_jb_close(&j, '}');
    putchar('\n');
}

/* The options into opt, *output, *json and *quiet; -1 to go on, else the
 * exit code. */
static int parse_args(int argc, char **argv, cs_import_options *opt, const char **output,
                      bool *json, bool *quiet)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"keep-going", no_argument, NULL, 'k'},
                                             {"synthetic", no_argument, NULL, 's'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': *output = optarg; break;
        case 'k': opt->keep_going = true; break;
        case 's': opt->synthetic = true; break;
        case 'j': *json = true; break;
        case 'q': *quiet = true; break;
        case 'h': fputs(help, stdout); return CS_EXIT_OK;
        default: fputs("Try 'cellscape import --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || !*output) {
        cs_cli_error("import", "give one input file and -o STORE (see --help)");
        return CS_EXIT_USAGE;
    }
    return -1;
}

/* What was imported, on standard output; warnings on standard error. */
static void print_result(const char *input, const char *output, const cs_import_stats *stats,
                         bool json)
{
    char sha[65];
    for (int i = 0; i < 32; i++)
        snprintf(sha + 2 * i, 3, "%02x", stats->sha256[i]);
    char budgets[64] = "";
    size_t off = 0;
    for (int k = 0; k < stats->nbudgets; k++)
        off += (size_t)snprintf(budgets + off, sizeof budgets - off, "%s%d", k ? ", " : "",
                                stats->budgets[k]);
    const char *official = cs_official_name(stats->sha256);
    if (json) {
        print_json(input, output, stats, sha, official);
    } else {
        printf("%s: %llu records, %llu cells, budgets {%s}%s\n", input,
               (unsigned long long)stats->records, (unsigned long long)stats->cells, budgets,
               stats->synthetic ? ", SYNTHETIC data (cellscape synth)" : "");
        printf("source SHA-256 %s%s%s\n", sha, official ? ": the official " : "",
               official ? official : "");
        printf("store written to %s\n", output);
    }
    if (stats->skipped)
        cs_cli_error("import", "warning: skipped %llu bad records; the first: %s",
                     (unsigned long long)stats->skipped, stats->first_skipped.msg);
    if (stats->cut)
        cs_cli_error("import", "warning: %s; kept the %llu records before the cut, "
                     "lost its last %llu bytes", stats->cut_error.msg,
                     (unsigned long long)stats->records, (unsigned long long)stats->cut_bytes);
}

int cs_cmd_import(int argc, char **argv)
{
    const char *output = NULL;
    bool json = false, quiet = false;
    cs_import_options opt;
    cs_import_options_init(&opt);
    int code = parse_args(argc, argv, &opt, &output, &json, &quiet);
    if (code >= 0)
        return code;
    const char *input = argv[optind];
    cs_progress prog;
    cs_progress_init(&prog, "import", quiet);
    opt.monitor.progress = on_progress;
    opt.monitor.progress_user = &prog;
    /* An interrupt stops the import between batches or while the store
     * is written; the temporary file is removed and the signal then ends
     * the process as it would have. */
    cs_interrupts ints;
    cs_interrupts_catch(&ints);
    opt.monitor.cancelled = cs_interrupted;
    cs_import_stats stats;
    cs_error err;
    cs_status st = cs_store_import(input, output, &opt, &stats, &err);
    cs_progress_done(&prog);
    int sig = cs_interrupts_release(&ints);
    if (st) {
        if (sig) {
            cs_cli_error("import", "interrupted; %s not written", output);
            raise(sig);
        } else {
            cs_cli_error("import", "%s", err.msg);
            if (stats.cut && stats.records)
                fprintf(stderr, "cellscape import: the file is cut short; --keep-going keeps "
                                "the %llu records before the cut\n",
                        (unsigned long long)stats.records);
        }
        return cs_cli_exit_for(st);
    }
    print_result(input, output, &stats, json);
    return stats.skipped || stats.cut ? CS_EXIT_PARTIAL : CS_EXIT_OK;
}
