/* cellscape query: look cells up in a store, as the reference API does. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cs_rng.h"
#include "cs_export.h"
#include "cs_store.h"

static const char *const help =
    "Usage: cellscape query STORE [OPTIONS] [CELL...]\n\n"
    "Look cells up with the reference API's semantics (prune, check, find).\n"
    "STORE is a store from 'cellscape import' or a .tfrecord (imported on the\n"
    "fly).  Cells come as arguments or one per line on standard input, in any\n"
    "form 'cellscape cell' reads, or as a 32-digit module hash.\n\n"
    "  --epochs N       budget to query (default 108)\n"
    "  --halfway        the halfway evaluation (the reference's stop_halfway)\n"
    "  --repeat K       repeat K (0..2)\n"
    "  --seed S         a random repeat per query, from seed S (default: seed 0)\n"
    "  --mean           the mean of all repeats\n"
    "  --all-repeats    every budget and repeat (the reference's computed_stat)\n"
    "  --json           one JSON object per cell with the reference's keys (valid,\n"
    "                   hash, error, message, in_dataset, fixed, and query or,\n"
    "                   with --all-repeats, computed)\n"
    "  --counters       print the budget counters (training time and epochs\n"
    "                   charged, as the reference's) on standard error at the end\n"
    "  -h, --help       this text\n\n"
    "TSV columns: line, valid, in_dataset, hash, epochs, repeat, training_time,\n"
    "train_accuracy, validation_accuracy, test_accuracy, trainable_parameters,\n"
    "error, message (repeat is 'mean' with --mean).  A module hash the store\n"
    "lacks is a KeyError, as in the reference: a hash alone says nothing of\n"
    "validity.  A SYNTHETIC store's answers say so: a '# SYNTHETIC' line before\n"
    "the TSV header, \"synthetic\": true in every JSON line, a note on stderr.\n"
    "Exit status: 0 all cells read, 1 some cell malformed or the store\n"
    "unreadable, 2 bad usage, 5 internal error; 128+N killed by signal N.\n";

static bool is_hash(const char *t, size_t len, unsigned char raw[16])
{
    while (len && (t[len - 1] == '\n' || t[len - 1] == '\r' || t[len - 1] == ' '))
        len--;
    return cs_hash_from_hex(t, len, raw);
}

/* The reference's fixed statistics of entry i. */
static void put_fixed(cs_jb *j, const cs_store *s, size_t i)
{
    const cs_store_entry *e = cs_store_entry_at(s, i);
    cs_cell c;
    cs_key_cell(&e->cell, &c);
    cs_jb_open(j, '{');
    cs_jb_key(j, "module_adjacency");
    cs_cli_jb_matrix(j, &c);
    cs_jb_key(j, "module_operations");
    cs_jb_open(j, '[');
    for (int a = 0; a < c.n; a++)
        cs_jb_str(j, cs_op_name(c.op[a]));
    cs_jb_close(j, ']');
    cs_jb_ki(j, "trainable_parameters", (long long)e->trainable_parameters);
    cs_jb_close(j, '}');
}

static void put_tsv_double(double d)
{
    char buf[40];
    cs_format_double(buf, sizeof buf, d);
    printf("\t%s", buf);
}

typedef struct query_options {
    int epochs, repeat, seed; /* repeat -1: a random one per query (or --mean) */
    bool halfway, mean, all, json, counters, help;
} query_options;

/* Parse argv into o; returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, query_options *o)
{
    enum { O_EPOCHS = 256, O_HALF, O_REPEAT, O_SEED, O_MEAN, O_ALL, O_JSON, O_COUNTERS };
    static const struct option longopts[] = {
        {"epochs", required_argument, NULL, O_EPOCHS}, {"halfway", no_argument, NULL, O_HALF},
        {"repeat", required_argument, NULL, O_REPEAT}, {"seed", required_argument, NULL, O_SEED},
        {"mean", no_argument, NULL, O_MEAN},         {"all-repeats", no_argument, NULL, O_ALL},
        {"json", no_argument, NULL, O_JSON},         {"counters", no_argument, NULL, O_COUNTERS},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->epochs = 108;
    o->repeat = -1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_EPOCHS:
            if (!cs_cli_int("query", "--epochs", optarg, 1, 1 << 20, &o->epochs))
                return CS_EXIT_USAGE;
            break;
        case O_HALF: o->halfway = true; break;
        case O_REPEAT:
            if (!cs_cli_int("query", "--repeat", optarg, 0, CS_STORE_REPEATS - 1, &o->repeat))
                return CS_EXIT_USAGE;
            break;
        case O_SEED:
            if (!cs_cli_int("query", "--seed", optarg, 0, 2147483647, &o->seed))
                return CS_EXIT_USAGE;
            break;
        case O_MEAN: o->mean = true; break;
        case O_ALL: o->all = true; break;
        case O_JSON: o->json = true; break;
        case O_COUNTERS: o->counters = true; break;
        case 'h': o->help = true; break;
        default: fputs("Try 'cellscape query --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    if (o->help)
        return -1;
    if (optind >= argc) {
        cs_cli_error("query", "give a store (see --help)");
        return CS_EXIT_USAGE;
    }
    if (o->mean && o->repeat >= 0) {
        cs_cli_error("query", "--mean and --repeat exclude each other");
        return CS_EXIT_USAGE;
    }
    return -1;
}

/* One input line's answer. */
typedef struct answer {
    cs_status st;      /* finding the cell: CS_OK, a construction or domain error, KeyError */
    cs_status qst;     /* querying it (when found) */
    bool constructed;  /* a ModelSpec could be built (valid or out of domain) */
    bool found;        /* in the dataset */
    int rep;           /* the repeat queried */
    cs_error err;
} answer;

/* Find the cell of a line: a module hash, or a cell in any text form. */
static cs_status find(const cs_store *s, const char *text, size_t len, cs_query_result *r,
                      cs_error *err)
{
    unsigned char raw[16];
    if (!is_hash(text, len, raw))
        return cs_store_lookup(s, text, len, r, err);
    memset(&r->spec, 0, sizeof r->spec);
    r->index = cs_store_find_hash(s, raw);
    memcpy(r->hash, text, 32);
    r->hash[32] = '\0';
    if (r->index < 0)
        /* A hash is not a cell: whether one exists behind it, and is
         * valid, the store cannot say (the reference: KeyError). */
        return cs_error_set(err, CS_ERR_KEY, "unknown module hash %s (not in this dataset)",
                            r->hash);
    cs_cell cell;
    cs_key_cell(&cs_store_entry_at(s, (size_t)r->index)->cell, &cell);
    cs_spec_from_cell(&r->spec, &cell);
    return CS_OK;
}

static void answer_line(const cs_store *s, const query_options *o, const char *text, size_t len,
                        long lineno, uint64_t *rng, cs_budget_counter *counter,
                        cs_query_result *r, answer *a)
{
    cs_error_clear(&a->err);
    a->st = find(s, text, len, r, &a->err);
    a->constructed = a->st == CS_OK || a->st == CS_ERR_DOMAIN;
    if (!a->constructed)
        cs_cli_error("query", "line %ld: %s: %s", lineno, cs_status_name(a->st), a->err.msg);
    a->found = a->st == CS_OK && r->index >= 0;
    a->rep = o->repeat;
    if (a->found && !o->mean && !o->all && a->rep < 0) {
        int b = cs_store_budget_index(s, o->epochs);
        int n = b >= 0 ? cs_store_entry_at(s, (size_t)r->index)->repeats[b] : 0;
        a->rep = n ? (int)(cs_splitmix64(rng) % (uint64_t)n) : 0;
    }
    a->qst = CS_OK;
    if (a->found && !o->all) {
        a->qst = cs_store_query(s, r, o->epochs, o->halfway,
                                o->mean ? CS_REPEAT_MEAN : CS_REPEAT_ONE, a->rep, counter,
                                &a->err);
        if (a->qst)
            cs_cli_error("query", "line %ld: %s", lineno, a->err.msg);
    }
}

/* The reference's computed statistics of entry i: every budget's runs. */
static void put_computed(cs_jb *j, const cs_store *s, size_t i)
{
    const cs_store_entry *e = cs_store_entry_at(s, i);
    cs_jb_open(j, '{');
    for (int b = 0; b < cs_store_num_budgets(s); b++) {
        cs_jb_keyf(j, "%d", cs_store_budget(s, b));
        cs_jb_open(j, '[');
        const cs_run *runs = cs_store_runs(s, i, b);
        for (int k = 0; k < e->repeats[b]; k++) {
            double v[CS_EXPORT_NMETRICS];
            cs_export_run_values(&runs[k], v);
            cs_jb_open(j, '{');
            for (int m = 0; m < CS_EXPORT_NMETRICS; m++)
                cs_jb_kn(j, cs_export_metric_name(m), v[m]);
            cs_jb_close(j, '}');
        }
        cs_jb_close(j, ']');
    }
    cs_jb_close(j, '}');
}

static void print_json(const cs_store *s, const query_options *o, long lineno, bool synthetic,
                       const cs_query_result *r, const answer *a)
{
    cs_jb j;
    cs_jb_start(&j, stdout);
    cs_jb_open(&j, '{');
    cs_jb_ki(&j, "line", lineno);
    if (synthetic)
        cs_jb_kb(&j, "synthetic", true);
    if (a->constructed)
        cs_jb_kb(&j, "valid", a->st == CS_OK);
    if (a->st == CS_ERR_KEY)
        cs_jb_ks(&j, "hash", r->hash);
    if (a->st == CS_OK) {
        cs_jb_ks(&j, "hash", r->hash);
        cs_jb_kb(&j, "in_dataset", a->found);
    } else {
        cs_jb_ks(&j, "error", cs_status_name(a->st));
        cs_jb_ks(&j, "message", a->err.msg);
    }
    if (a->found) {
        cs_jb_key(&j, "fixed");
        put_fixed(&j, s, (size_t)r->index);
        if (o->all) {
            cs_jb_key(&j, "computed");
            put_computed(&j, s, (size_t)r->index);
        } else if (a->qst == CS_OK) {
            cs_jb_key(&j, "query");
            cs_jb_open(&j, '{');
            cs_jb_ki(&j, "epochs", o->epochs);
            cs_jb_kn(&j, "training_time", r->training_time);
            cs_jb_kn(&j, "train_accuracy", r->train_accuracy);
            cs_jb_kn(&j, "validation_accuracy", r->validation_accuracy);
            cs_jb_kn(&j, "test_accuracy", r->test_accuracy);
            cs_jb_key(&j, "repeat");
            if (o->mean)
                cs_jb_str(&j, "mean");
            else
                cs_jb_int(&j, a->rep);
            cs_jb_kb(&j, "stop_halfway", o->halfway);
            cs_jb_close(&j, '}');
        }
    }
    cs_jb_close(&j, '}');
    putchar('\n');
}

static void print_tsv(const cs_store *s, const query_options *o, long lineno,
                      const cs_query_result *r, const answer *a)
{
    cs_status st = a->st;
    if (!a->constructed || st == CS_ERR_DOMAIN || !a->found || a->qst) {
        printf("%ld\t%s\t%s\t%s\t\t\t\t\t\t\t\t%s\t%s\n", lineno,
               a->constructed ? (st == CS_OK ? "true" : "false") : "",
               st == CS_OK ? (a->found ? "true" : "false") : "",
               st == CS_OK || st == CS_ERR_KEY ? r->hash : "",
               st == CS_OK && !a->qst ? "" : cs_status_name(st ? st : a->qst), a->err.msg);
        return;
    }
    if (o->all) {
        const cs_store_entry *e = cs_store_entry_at(s, (size_t)r->index);
        for (int b = 0; b < cs_store_num_budgets(s); b++)
            for (int k = 0; k < e->repeats[b]; k++) {
                const cs_run *x = &cs_store_runs(s, (size_t)r->index, b)[k];
                bool h = o->halfway;
                printf("%ld\ttrue\ttrue\t%s\t%d\t%d", lineno, r->hash, cs_store_budget(s, b), k);
                put_tsv_double(h ? x->halfway_training_time : x->final_training_time);
                put_tsv_double(h ? x->halfway_train_accuracy : x->final_train_accuracy);
                put_tsv_double(h ? x->halfway_validation_accuracy : x->final_validation_accuracy);
                put_tsv_double(h ? x->halfway_test_accuracy : x->final_test_accuracy);
                printf("\t%d\t\t\n", (int)e->trainable_parameters);
            }
        return;
    }
    printf("%ld\ttrue\ttrue\t%s\t%d\t", lineno, r->hash, o->epochs);
    if (o->mean)
        printf("mean");
    else
        printf("%d", a->rep);
    put_tsv_double(r->training_time);
    put_tsv_double(r->train_accuracy);
    put_tsv_double(r->validation_accuracy);
    put_tsv_double(r->test_accuracy);
    printf("\t%d\t\t\n", (int)r->trainable_parameters);
}

int cs_cmd_query(int argc, char **argv)
{
    query_options o;
    int code = parse_options(argc, argv, &o);
    if (code >= 0)
        return code;
    if (o.help) {
        fputs(help, stdout);
        return CS_EXIT_OK;
    }
    const char *path = argv[optind++];
    cs_store *s;
    cs_error err;
    cs_status st = cs_store_open_any(&s, path, NULL, &err);
    if (st) {
        cs_cli_error("query", "%s", err.msg);
        return cs_cli_exit_for_input(st);
    }
    cs_query_result *r = malloc(sizeof *r);
    answer *a = malloc(sizeof *a);
    if (!r || !a) {
        free(r);
        free(a);
        cs_store_close(s);
        cs_cli_error("query", "out of memory");
        return CS_EXIT_INTERNAL;
    }
    /* Made-up numbers must never pass for NAS-Bench-101's: a comment line
     * before the TSV header, a field in every JSON line, a note on stderr. */
    bool synthetic = cs_store_synthetic(s);
    if (synthetic) {
        cs_cli_error("query", "%s holds SYNTHETIC data, not NAS-Bench-101 results", path);
        if (!o.json)
            printf("# SYNTHETIC data (%s): not NAS-Bench-101 results\n", path);
    }
    if (!o.json)
        puts("line\tvalid\tin_dataset\thash\tepochs\trepeat\ttraining_time\ttrain_accuracy\t"
             "validation_accuracy\ttest_accuracy\ttrainable_parameters\terror\tmessage");
    uint64_t rng = (uint64_t)o.seed;
    cs_budget_counter counter = {0, 0};
    long malformed = 0;
    cs_inputs in;
    cs_inputs_init(&in, argc, argv, optind);
    const char *text;
    size_t len;
    int more;
    while ((more = cs_inputs_next(&in, &text, &len)) > 0) {
        answer_line(s, &o, text, len, in.lineno, &rng, &counter, r, a);
        malformed += !a->constructed + (a->qst != CS_OK);
        if (o.json)
            print_json(s, &o, in.lineno, synthetic, r, a);
        else
            print_tsv(s, &o, in.lineno, r, a);
    }
    if (o.counters)
        fprintf(stderr, "budget counters: training time %.6f s, epochs %.0f\n",
                counter.total_time, counter.total_epochs);
    cs_inputs_destroy(&in);
    if (more < 0) {
        cs_cli_error("query", "cannot read standard input (after %ld lines): %s", in.lineno,
                     strerror(in.read_errno));
        malformed++;
    }
    free(r);
    free(a);
    cs_store_close(s);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cs_cli_error("query", "cannot write standard output");
        return CS_EXIT_IO;
    }
    return malformed ? CS_EXIT_INPUT : CS_EXIT_OK;
}
