/* cellscape enum: regenerate, certify and write the search space. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cs_nb201_space.h"
#include "cs_enum.h"
#include "cs_enum_output.h"
#include "cs_io.h"

static const char *const help =
    "Usage: cellscape enum [OPTIONS]\n\n"
    "Walk the space as the reference generator does (2..N vertices, every edge\n"
    "pattern, every labelling), group the labelled graphs into exact\n"
    "isomorphism classes with nauty, and give each class its representative\n"
    "(first met), module hash and canonical form.\n\n"
    "  --max-vertices N   largest cell (2..11; default 7)\n"
    "  --max-edges N      most edges (default 9)\n"
    "  --num-ops N        interior ops 1..3 (default 3)\n"
    "  --verify           certify: canonical forms distinct across classes and\n"
    "                     equal within them, nauty's group sizes confirmed, module\n"
    "                     hashes distinct across classes and equal within them\n"
    "  --exhaustive       with --verify: hash every labelled graph met, not\n"
    "                     just the first and last of each class\n"
    "  --format F         write the classes as tsv, jsonl or nasbench-json (the\n"
    "                     reference generator's file, byte for byte)\n"
    "  -o, --output FILE  where to write them (- for standard output; written\n"
    "                     to a temporary file and renamed when complete)\n"
    "  --json             print the summary as JSON\n"
    "  --space S          nb101 (default) or nb201: NAS-Bench-201's 15,625 cells,\n"
    "                     their classes by the API's rule, by computation graph\n"
    "                     and by expression (--verify explains every difference;\n"
    "                     -o FILE or --format tsv lists every cell)\n"
    "  --threads N        worker threads (default: one per core)\n"
    "  -q, --quiet        no progress on standard error\n"
    "  -h, --help         this text\n\n"
    "The summary goes to standard output, or to standard error when the\n"
    "classes go to standard output.  Exit status: 0 done (and certified, with\n"
    "--verify), 2 bad usage, 3 a certification check failed, 4 output not\n"
    "written, 5 internal error; 128+N killed by signal N (130: Ctrl-C).\n";

typedef enum { FMT_NONE, FMT_TSV, FMT_JSONL, FMT_NASBENCH } out_format;

static void print_summary_json(FILE *f, const cs_enum_result *r, uint64_t labelled,
                               uint64_t matrices)
{
    cs_jb j;
    cs_jb_start(&j, f);
    cs_jb_open(&j, '{');
    cs_jb_ki(&j, "max_vertices", r->limits.max_vertices);
    cs_jb_ki(&j, "max_edges", r->limits.max_edges);
    cs_jb_ki(&j, "num_ops", r->limits.num_ops);
    cs_jb_ki(&j, "classes", (long long)r->nclasses);
    cs_jb_ki(&j, "labelled", (long long)labelled);
    cs_jb_ki(&j, "matrices", (long long)matrices);
    cs_jb_kn(&j, "seconds", round(r->seconds * 1000) / 1000); /* to the millisecond */
    cs_jb_key(&j, "per_vertices");
    cs_jb_open(&j, '[');
    uint64_t cum = 0;
    for (int v = 2; v <= r->limits.max_vertices; v++) {
        const cs_enum_count *c = &r->per_vertices[v];
        cum += c->classes;
        cs_jb_open(&j, '{');
        cs_jb_ki(&j, "vertices", v);
        cs_jb_ki(&j, "matrices", (long long)c->matrices);
        cs_jb_ki(&j, "labelled", (long long)c->labelled);
        cs_jb_ki(&j, "classes", (long long)c->classes);
        cs_jb_ki(&j, "classes_up_to", (long long)cum);
        cs_jb_close(&j, '}');
    }
    cs_jb_close(&j, ']');
    const cs_enum_verdict *d = &r->verdict;
    if (d->ran) {
        cs_jb_key(&j, "verify");
        cs_jb_open(&j, '{');
        cs_jb_kb(&j, "certified", cs_enum_certified(r));
        cs_jb_kb(&j, "exhaustive", d->exhaustive);
        cs_jb_ki(&j, "canon_duplicates", (long long)d->canon_duplicates);
        cs_jb_ki(&j, "canon_splits", (long long)d->canon_splits);
        cs_jb_ki(&j, "group_mismatches", (long long)d->group_mismatches);
        cs_jb_ki(&j, "hash_collisions", (long long)d->hash_collisions);
        cs_jb_ki(&j, "hash_splits", (long long)d->hash_splits);
        cs_jb_ki(&j, "members_hashed", (long long)d->members_hashed);
        cs_jb_close(&j, '}');
    }
    cs_jb_close(&j, '}');
    fputc('\n', f);
}

static void print_summary(FILE *f, const cs_enum_result *r, bool json)
{
    uint64_t labelled = 0, matrices = 0;
    for (int v = 2; v <= r->limits.max_vertices; v++) {
        labelled += r->per_vertices[v].labelled;
        matrices += r->per_vertices[v].matrices;
    }
    const cs_enum_verdict *d = &r->verdict;
    if (json) {
        print_summary_json(f, r, labelled, matrices);
        return;
    }
    fprintf(f, "Space: at most %d vertices, %d edges, %d ops\n\n",
            r->limits.max_vertices, r->limits.max_edges, r->limits.num_ops);
    fprintf(f, "%8s %10s %12s %10s %12s\n", "vertices", "matrices", "labelled",
            "classes", "up to here");
    uint64_t cum = 0;
    for (int v = 2; v <= r->limits.max_vertices; v++) {
        const cs_enum_count *c = &r->per_vertices[v];
        cum += c->classes;
        fprintf(f, "%8d %10llu %12llu %10llu %12llu\n", v,
                (unsigned long long)c->matrices, (unsigned long long)c->labelled,
                (unsigned long long)c->classes, (unsigned long long)cum);
    }
    fprintf(f, "\n%zu unique cells from %llu labelled graphs (%.2f s)\n",
            r->nclasses, (unsigned long long)labelled, r->seconds);
    if (!d->ran)
        return;
    fprintf(f, "\nVerification (%s):\n", d->exhaustive ? "exhaustive" : "first and last member of each class");
    fprintf(f, "  classes with the same nauty canonical form   %llu\n",
            (unsigned long long)d->canon_duplicates);
    fprintf(f, "  members off their class's canonical form     %llu\n",
            (unsigned long long)d->canon_splits);
    fprintf(f, "  automorphism groups unlike nauty's size      %llu\n",
            (unsigned long long)d->group_mismatches);
    fprintf(f, "  classes sharing a module hash (collisions)   %llu\n",
            (unsigned long long)d->hash_collisions);
    fprintf(f, "  members off their class's module hash        %llu (of %llu hashed)\n",
            (unsigned long long)d->hash_splits, (unsigned long long)d->members_hashed);
    if (cs_enum_certified(r))
        fprintf(f, "CERTIFIED: %zu unique cells; module hashes and isomorphism "
                   "classes are in bijection.\n", r->nclasses);
    else
        fprintf(f, "NOT CERTIFIED: see the counts above.\n");
}

static void print_nb201(FILE *f, const cs_nb201_census *c, bool verify, bool json)
{
    size_t e = c->expression_classes;
    if (json) {
        cs_jb j;
        cs_jb_start(&j, f);
        cs_jb_open(&j, '{');
        cs_jb_ks(&j, "space", "nb201");
        cs_jb_ki(&j, "cells", (long long)c->cells);
        cs_jb_ki(&j, "api_classes", (long long)c->api_classes);
        cs_jb_ki(&j, "graph_classes", (long long)c->graph_classes);
        cs_jb_ki(&j, "expression_classes", (long long)e);
        cs_jb_ki(&j, "zero_cells", (long long)c->zero_cells);
        if (verify) {
            cs_jb_key(&j, "verify");
            cs_jb_open(&j, '{');
            cs_jb_kb(&j, "certified", cs_nb201_census_certified(c));
            cs_jb_ki(&j, "api_classes_across_expressions", (long long)c->api_across);
            cs_jb_ki(&j, "graph_classes_across_expressions", (long long)c->graph_across);
            cs_jb_ki(&j, "api_only_zero_terms", (long long)(c->api_classes - e));
            cs_jb_ki(&j, "graph_only_sharing", (long long)(c->graph_classes - e));
            cs_jb_close(&j, '}');
        }
        cs_jb_close(&j, '}');
        fputc('\n', f);
        return;
    }
    fprintf(f, "Space: NAS-Bench-201 (4 nodes, 6 edges, 5 ops)\n\n");
    fprintf(f, "%6zu cells\n", c->cells);
    fprintf(f, "%6zu classes by the API's rule (to_unique_str with consider_zero)\n",
            c->api_classes);
    fprintf(f, "%6zu classes of computation graphs (nauty, dead parts removed)\n",
            c->graph_classes);
    fprintf(f, "%6zu classes of the expression computed (zero terms dropped)\n", e);
    fprintf(f, "%6zu cells compute 0\n", c->zero_cells);
    if (!verify)
        return;
    fprintf(f, "\nVerification: both the API's classes and the graphs' refine the "
               "expressions'\n");
    fprintf(f, "  API classes holding two expressions     %zu\n", c->api_across);
    fprintf(f, "  graph classes holding two expressions   %zu\n", c->graph_across);
    if (!cs_nb201_census_certified(c)) {
        fprintf(f, "NOT CERTIFIED: see the counts above.\n");
        return;
    }
    fprintf(f, "CERTIFIED, every difference explained:\n"
               "  the API's %zu = %zu expressions + %zu classes that differ only in zero terms\n"
               "    (its key tells x from x + 0, and keeps a node whose inputs are all none);\n"
               "  the graphs' %zu = %zu expressions + %zu classes that compute one expression\n"
               "    with different sharing (one operation used twice, or two copies of it\n"
               "    with their own weights), which the API's key, written as a tree, cannot "
               "see.\n",
            c->api_classes, e, c->api_classes - e, c->graph_classes, e, c->graph_classes - e);
}

/* enum --space nb201 */
static int enum_nb201(bool verify, bool json, const char *output, bool quiet)
{
    (void)quiet; /* the census takes well under a second */
    cs_error err;
    cs_outfile out = {0};
    cs_status st;
    if (output && (st = cs_outfile_open(&out, output, &err))) {
        cs_cli_error("enum", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    cs_nb201_census *c = malloc(sizeof *c);
    if (!c) {
        if (output)
            cs_outfile_abort(&out);
        cs_cli_error("enum", "out of memory");
        return CS_EXIT_INTERNAL;
    }
    st = cs_nb201_census_run(c, &err);
    if (st == CS_OK && output) {
        st = cs_nb201_census_write_tsv(out.f, c, &err);
        if (st == CS_OK)
            st = cs_outfile_commit(&out, &err);
        else
            cs_outfile_abort(&out);
    } else if (output) {
        cs_outfile_abort(&out);
    }
    if (st) {
        free(c);
        cs_cli_error("enum", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    print_nb201(output && !strcmp(output, "-") ? stderr : stdout, c, verify, json);
    int code = verify && !cs_nb201_census_certified(c) ? CS_EXIT_VERIFY : CS_EXIT_OK;
    free(c);
    return code;
}

typedef struct enum_args {
    cs_enum_options opt;
    out_format fmt;
    const char *output;
    bool json, quiet, nb201;
} enum_args;

/* The command line into a: -1 to go on, else the exit code (--help, or a
 * usage error already reported). */
static int parse_enum_args(int argc, char **argv, enum_args *a)
{
    enum { O_MAXV = 256, O_MAXE, O_OPS, O_VERIFY, O_EXH, O_FMT, O_JSON, O_THR, O_SPACE };
    static const struct option longopts[] = {
        {"max-vertices", required_argument, NULL, O_MAXV},
        {"max-edges", required_argument, NULL, O_MAXE},
        {"num-ops", required_argument, NULL, O_OPS},
        {"verify", no_argument, NULL, O_VERIFY},
        {"exhaustive", no_argument, NULL, O_EXH},
        {"format", required_argument, NULL, O_FMT},
        {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, O_JSON},
        {"space", required_argument, NULL, O_SPACE},
        {"threads", required_argument, NULL, O_THR},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    cs_enum_options_init(&a->opt);
    a->fmt = FMT_NONE;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_MAXV:
            if (!cs_cli_int("enum", "--max-vertices", optarg, 2, CS_ENUM_MAXV,
                            &a->opt.limits.max_vertices))
                return CS_EXIT_USAGE;
            break;
        case O_MAXE:
            if (!cs_cli_int("enum", "--max-edges", optarg, 1, 64, &a->opt.limits.max_edges))
                return CS_EXIT_USAGE;
            break;
        case O_OPS:
            if (!cs_cli_int("enum", "--num-ops", optarg, 1, CS_NUM_OPS, &a->opt.limits.num_ops))
                return CS_EXIT_USAGE;
            break;
        case O_VERIFY: a->opt.verify = true; break;
        case O_EXH: a->opt.exhaustive = true; break;
        case O_FMT:
            if (!strcmp(optarg, "tsv")) a->fmt = FMT_TSV;
            else if (!strcmp(optarg, "jsonl")) a->fmt = FMT_JSONL;
            else if (!strcmp(optarg, "nasbench-json")) a->fmt = FMT_NASBENCH;
            else {
                cs_cli_error("enum", "--format takes tsv, jsonl or nasbench-json, not '%s'", optarg);
                return CS_EXIT_USAGE;
            }
            break;
        case 'o': a->output = optarg; break;
        case O_JSON: a->json = true; break;
        case O_SPACE:
            if (!strcmp(optarg, "nb201"))
                a->nb201 = true;
            else if (strcmp(optarg, "nb101") != 0) {
                cs_cli_error("enum", "--space takes nb101 or nb201, not '%s'", optarg);
                return CS_EXIT_USAGE;
            }
            break;
        case O_THR:
            if (!cs_cli_int("enum", "--threads", optarg, 1, 64, &a->opt.threads))
                return CS_EXIT_USAGE;
            break;
        case 'q': a->quiet = true; break;
        case 'h': fputs(help, stdout); return CS_EXIT_OK;
        default: fputs("Try 'cellscape enum --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cs_cli_error("enum", "unexpected argument '%s'", argv[optind]);
        return CS_EXIT_USAGE;
    }
    return -1;
}

/* The listing of res into out, committed; out removed on failure or if an
 * interrupt came while writing. */
static cs_status write_listing(out_format fmt, cs_outfile *out, const cs_enum_result *res,
                               cs_error *err)
{
    cs_status st = fmt == FMT_TSV     ? cs_enum_write_tsv(out->f, res, err)
                   : fmt == FMT_JSONL ? cs_enum_write_jsonl(out->f, res, err)
                                      : cs_enum_write_nasbench_json(out->f, res, err);
    if (st == CS_OK && cs_interrupted(NULL))
        st = cs_error_set(err, CS_ERR_IO, "interrupted; nothing written");
    if (st == CS_OK)
        st = cs_outfile_commit(out, err);
    else
        cs_outfile_abort(out);
    return st;
}

int cs_cmd_enum(int argc, char **argv)
{
    enum_args args;
    int parsed = parse_enum_args(argc, argv, &args);
    if (parsed >= 0)
        return parsed;
    if (args.nb201) {
        if (args.fmt != FMT_NONE && args.fmt != FMT_TSV) {
            cs_cli_error("enum", "--space nb201 writes its cells as tsv only");
            return CS_EXIT_USAGE;
        }
        const char *to = args.output ? args.output : args.fmt == FMT_TSV ? "-" : NULL;
        return enum_nb201(args.opt.verify, args.json, to, args.quiet);
    }
    if (args.opt.exhaustive && !args.opt.verify) {
        cs_cli_error("enum", "--exhaustive goes with --verify");
        return CS_EXIT_USAGE;
    }
    if (args.output && args.fmt == FMT_NONE)
        args.fmt = FMT_TSV;
    bool listing_to_stdout =
        args.fmt != FMT_NONE && (!args.output || !strcmp(args.output, "-"));

    cs_outfile out = {0};
    cs_error err;
    cs_status st;
    /* The walk stops within milliseconds of an interrupt (or, once it is
     * done, the listing is not written): its temporary file is removed.
     * Caught before the file is made, so that none is left behind. */
    args.opt.monitor.cancelled = cs_interrupted;
    cs_interrupts ints;
    cs_interrupts_catch(&ints);
    /* Open first: a bad path fails before the work, not after it. */
    if (args.fmt != FMT_NONE && (st = cs_outfile_open(&out, args.output, &err))) {
        cs_interrupts_release(&ints);
        cs_cli_error("enum", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    cs_progress prog;
    cs_progress_init(&prog, "enum", args.quiet);
    args.opt.monitor.progress = cs_progress_report;
    args.opt.monitor.progress_user = &prog;
    cs_enum_result res;
    st = cs_enum_run(&args.opt, &res, &err);
    cs_progress_done(&prog);
    if ((st == CS_OK || st == CS_ERR_CANCELLED) && cs_interrupted(NULL)) {
        if (args.fmt != FMT_NONE && out.path)
            cs_cli_error("enum", "interrupted; nothing written to %s", out.path);
        else
            cs_cli_error("enum", "interrupted%s",
                         args.fmt != FMT_NONE ? "; nothing written" : "");
        if (args.fmt != FMT_NONE)
            cs_outfile_abort(&out);
        cs_enum_result_destroy(&res);
        int sig = cs_interrupts_release(&ints);
        raise(sig);
        return CS_EXIT_IO;
    }
    if (st) {
        if (args.fmt != FMT_NONE)
            cs_outfile_abort(&out);
        cs_cli_error("enum", "%s", err.msg);
        return cs_cli_exit_for(st);
    }
    if (args.fmt != FMT_NONE) {
        if ((st = write_listing(args.fmt, &out, &res, &err))) {
            int sig = cs_interrupts_release(&ints);
            cs_cli_error("enum", "%s", err.msg);
            cs_enum_result_destroy(&res);
            if (sig)
                raise(sig);
            return CS_EXIT_IO;
        }
    }
    cs_interrupts_release(&ints);
    print_summary(listing_to_stdout ? stderr : stdout, &res, args.json);
    int code = args.opt.verify && !cs_enum_certified(&res) ? CS_EXIT_VERIFY : CS_EXIT_OK;
    cs_enum_result_destroy(&res);
    return code;
}
