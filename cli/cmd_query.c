/* cellscape query: look cells up in a store, as the reference API does. */
#include <getopt.h>
#include <jansson.h>
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

static json_t *run_json(const cs_run *r)
{
    return json_pack("{sfsfsfsfsfsfsfsf}", "halfway_training_time", r->halfway_training_time,
                     "halfway_train_accuracy", r->halfway_train_accuracy,
                     "halfway_validation_accuracy", r->halfway_validation_accuracy,
                     "halfway_test_accuracy", r->halfway_test_accuracy, "final_training_time",
                     r->final_training_time, "final_train_accuracy", r->final_train_accuracy,
                     "final_validation_accuracy", r->final_validation_accuracy,
                     "final_test_accuracy", r->final_test_accuracy);
}

static json_t *fixed_json(const cs_store *s, size_t i)
{
    const cs_store_entry *e = cs_store_entry_at(s, i);
    cs_cell c;
    cs_key_cell(&e->cell, &c);
    json_t *m = json_array(), *ops = json_array();
    for (int a = 0; a < c.n; a++) {
        json_t *row = json_array();
        for (int b = 0; b < c.n; b++)
            json_array_append_new(row, json_integer(c.adj[a] >> b & 1));
        json_array_append_new(m, row);
        json_array_append_new(ops, json_string(cs_op_name(c.op[a])));
    }
    return json_pack("{sososI}", "module_adjacency", m, "module_operations", ops,
                     "trainable_parameters", (json_int_t)e->trainable_parameters);
}

static void put_tsv_double(double d)
{
    char buf[40];
    cs_export_format_double(buf, sizeof buf, d);
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

static json_t *computed_json(const cs_store *s, size_t i)
{
    json_t *comp = json_object();
    const cs_store_entry *e = cs_store_entry_at(s, i);
    for (int b = 0; b < cs_store_num_budgets(s); b++) {
        char key[16];
        snprintf(key, sizeof key, "%d", cs_store_budget(s, b));
        json_t *list = json_array();
        const cs_run *runs = cs_store_runs(s, i, b);
        for (int k = 0; k < e->repeats[b]; k++)
            json_array_append_new(list, run_json(&runs[k]));
        json_object_set_new(comp, key, list);
    }
    return comp;
}

static void print_json(const cs_store *s, const query_options *o, long lineno, bool synthetic,
                       const cs_query_result *r, const answer *a)
{
    json_t *j = json_object();
    json_object_set_new(j, "line", json_integer(lineno));
    if (synthetic)
        json_object_set_new(j, "synthetic", json_true());
    if (a->constructed)
        json_object_set_new(j, "valid", json_boolean(a->st == CS_OK));
    if (a->st == CS_ERR_KEY)
        json_object_set_new(j, "hash", json_string(r->hash));
    if (a->st == CS_OK) {
        json_object_set_new(j, "hash", json_string(r->hash));
        json_object_set_new(j, "in_dataset", json_boolean(a->found));
    } else {
        json_object_set_new(j, "error", json_string(cs_status_name(a->st)));
        json_object_set_new(j, "message", json_string(a->err.msg));
    }
    if (a->found) {
        json_object_set_new(j, "fixed", fixed_json(s, (size_t)r->index));
        if (o->all) {
            json_object_set_new(j, "computed", computed_json(s, (size_t)r->index));
        } else if (a->qst == CS_OK) {
            json_t *q = json_pack("{sisfsfsfsf}", "epochs", o->epochs, "training_time",
                                  r->training_time, "train_accuracy", r->train_accuracy,
                                  "validation_accuracy", r->validation_accuracy,
                                  "test_accuracy", r->test_accuracy);
            json_object_set_new(q, "repeat", o->mean ? json_string("mean") : json_integer(a->rep));
            json_object_set_new(q, "stop_halfway", json_boolean(o->halfway));
            json_object_set_new(j, "query", q);
        }
    }
    char *out = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
    if (out)
        puts(out);
    free(out);
    json_decref(j);
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
