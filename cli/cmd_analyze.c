/* cellscape analyze: run analyses into a directory of TSV and JSON files. */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cs_analysis.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: cellscape analyze NAME|all [--data STORE] [-o DIR] [--seed N]\n"
            "                         [--threads N] [-q]\n"
            "       cellscape analyze --list\n\n"
            "Compute the statistics behind the NAS-Bench-101 paper's figures and the\n"
            "landscape beyond them.  Each analysis writes DIR/NAME*.tsv (for gnuplot\n"
            "and scripts: '#' comment lines saying what and from which data, SYNTHETIC\n"
            "when it is, then a header row) and DIR/NAME.json (headline numbers).\n\n"
            "  --data FILE      a store or a .tfrecord (needed by the data analyses)\n"
            "  -o, --output DIR where to write (default: analysis); created if missing\n"
            "  --seed N         seed of every random choice (default 0)\n"
            "  --threads N      worker threads (default: one per core)\n"
            "  --runs N         runs per NAS optimiser (default 500, as in the paper)\n"
            "  --synthetic      label the data SYNTHETIC even if its file is not marked\n"
            "  --list           list the analyses\n"
            "  -q, --quiet      no progress on standard error\n"
            "  -h, --help       this text\n\n"
            "'all' runs every analysis the inputs allow.\n"
            "Exit status: 0 done, 1 bad input data, 2 bad usage, 4 output not written.\n\n"
            "Analyses:\n");
    size_t n;
    const cs_analysis_info *list = cs_analysis_list(&n);
    for (size_t i = 0; i < n; i++)
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

int cs_cmd_analyze(int argc, char **argv)
{
    enum { O_DATA = 256, O_SEED, O_THREADS, O_LIST, O_RUNS, O_SYNTH };
    static const struct option longopts[] = {
        {"data", required_argument, NULL, O_DATA}, {"output", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, O_SEED}, {"threads", required_argument, NULL, O_THREADS},
        {"list", no_argument, NULL, O_LIST},       {"quiet", no_argument, NULL, 'q'},
        {"runs", required_argument, NULL, O_RUNS}, {"synthetic", no_argument, NULL, O_SYNTH},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *data = NULL, *outdir = "analysis";
    int seed = 0, threads = 0, runs = 0, c;
    bool quiet = false, synthetic = false;
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
        case O_LIST: {
            size_t n;
            const cs_analysis_info *list = cs_analysis_list(&n);
            for (size_t i = 0; i < n; i++)
                printf("%s\t%s\t%s\n", list[i].name, list[i].needs_data ? "data" : "structure",
                       list[i].summary);
            return CS_EXIT_OK;
        }
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return CS_EXIT_OK;
        default: fputs("Try 'cellscape analyze --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cs_cli_error("analyze", "name one analysis, or all (see --list)");
        return CS_EXIT_USAGE;
    }
    const char *name = argv[optind];
    const cs_analysis_info *one = NULL;
    if (strcmp(name, "all") != 0) {
        one = cs_analysis_find(name);
        if (!one) {
            cs_cli_error("analyze", "no analysis named '%s' (see --list)", name);
            return CS_EXIT_USAGE;
        }
        if (one->needs_data && !data) {
            cs_cli_error("analyze", "%s needs --data STORE", name);
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
    if (data && (st = cs_store_open_any(&store, data, NULL, &err))) {
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    cs_enum_options eo;
    cs_enum_options_init(&eo);
    eo.threads = threads;
    eo.progress = cs_progress_report;
    eo.progress_user = &prog;
    cs_space *space;
    if ((st = cs_space_build(&space, &eo, &err))) {
        cs_store_close(store);
        cs_cli_error("analyze", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    cs_analysis_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.data_name = data;
    ctx.seed = (uint64_t)seed;
    ctx.threads = threads;
    ctx.optimizer_runs = runs;
    ctx.synthetic = synthetic;
    ctx.progress = cs_progress_report;
    ctx.progress_user = &prog;
    int code = CS_EXIT_OK;
    /* Structure analyses get a context without the store: their results do
     * not depend on it, and their files must not be labelled with it. */
    cs_analysis_ctx sctx = ctx;
    sctx.data_name = NULL;
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
    size_t n;
    const cs_analysis_info *list = one ? one : cs_analysis_list(&n);
    if (one)
        n = 1;
    /* An interrupt lets the analysis in progress finish (its files are
     * written whole or not at all) and stops before the next one. */
    cs_interrupts ints;
    cs_interrupts_catch(&ints);
    for (size_t i = 0; i < n; i++) {
        if (list[i].needs_data && !store)
            continue;
        if (cs_interrupted(NULL)) {
            code = CS_EXIT_IO;
            break;
        }
        if ((st = list[i].run(list[i].needs_data ? &ctx : &sctx, outdir, &err))) {
            cs_progress_done(&prog);
            cs_cli_error("analyze", "%s: %s", list[i].name, err.msg);
            code = cs_cli_exit_for(st);
            break;
        }
        cs_progress_done(&prog);
        char json[64];
        cs_analysis_json_file(&list[i], json, sizeof json);
        if (!quiet)
            fprintf(stderr, "cellscape analyze: %s -> %s/%s%s\n", list[i].name, outdir, json,
                    list[i].needs_data && cs_analysis_synthetic(&ctx) ? " (SYNTHETIC data)" : "");
    }
    int sig = cs_interrupts_release(&ints);
    cs_analysis_ctx_destroy(&ctx);
    cs_analysis_ctx_destroy(&sctx);
    if (sig) {
        cs_cli_error("analyze", "interrupted; the analyses written so far are complete");
        cs_space_destroy(space);
        cs_store_close(store);
        raise(sig);
        return CS_EXIT_IO;
    }
done:
    cs_space_destroy(space);
    cs_store_close(store);
    return code;
}
