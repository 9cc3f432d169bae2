/* cellscape cell: one line of output per cell given. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cs_iso.h"
#include "cs_params.h"

static const char *const help =
    "Usage: cellscape cell [--json] [--stop-on-error] [CELL...]\n\n"
    "Prune, check, hash and canonicalise NAS-Bench-101 cells with the reference\n"
    "API's semantics.  Cells come as arguments, or one per line on standard\n"
    "input (blank lines and lines starting with # are skipped), in any form:\n"
    "  JSON     {\"matrix\": [[0, 1], [0, 0]], \"ops\": [\"input\", \"output\"]}\n"
    "  row      0100 input,output            (adjacency row major, op names)\n"
    "  compact  I3O:111                      (I input, O output, 3 conv3x3,\n"
    "           1 conv1x1, M maxpool3x3; ':' then the upper triangle)\n\n"
    "Output: TSV with a header line, columns line, valid, hash, pruned\n"
    "(compact form), canonical (compact form of the nauty canonical cell),\n"
    "automorphisms, reference (the member of the class the dataset stores),\n"
    "trainable_parameters (of the network built from the reference member, as\n"
    "the dataset counts them), error, message.  With --json, one JSON object\n"
    "per cell with the reference's keys (valid, pruned_matrix, pruned_ops,\n"
    "hash, error, message) plus line, canonical, canonical_labelling,\n"
    "automorphisms, reference and trainable_parameters.\n\n"
    "  --json            JSON lines instead of TSV\n"
    "  --stop-on-error   stop at the first malformed cell (default: report it\n"
    "                    and carry on)\n"
    "  -h, --help        this text\n\n"
    "A cell outside the space (OutOfDomainError) is an answer, not an error.\n"
    "Exit status: 0 all cells read, 1 some cell malformed (ValueError or\n"
    "unreadable text), 2 bad usage; 128+N killed by signal N.\n";

typedef struct answer {
    long line;
    cs_status st;         /* CS_OK, CS_ERR_DOMAIN, or a construction error */
    cs_error err;
    cs_spec spec;
    char hash[33];
    cs_canon canon;
    cs_cell reference;   /* the member the dataset stores */
    int64_t params;      /* trainable parameters of that member's network */
} answer;

static void evaluate(answer *a, const char *text, size_t len)
{
    cs_error_clear(&a->err);
    a->st = cs_spec_parse(&a->spec, text, len, &a->err);
    if (a->st != CS_OK)
        return;
    a->st = cs_spec_check(&a->spec, &CS_NB101_LIMITS, &a->err);
    if (a->st != CS_OK)
        return;
    /* Valid cells have known ops and at most 7 vertices: none of these
     * calls can fail. */
    cs_cell_hash(&a->spec.pruned, a->hash, NULL);
    cs_cell_canon(&a->spec.pruned, &a->canon, NULL);
    cs_cell_reference_form(&a->spec.pruned, &a->reference, NULL);
    cs_cell_trainable_parameters(&a->reference, &a->params, NULL);
}

static void print_json(const answer *a)
{
    cs_jb j;
    cs_jb_start(&j, stdout);
    cs_jb_open(&j, '{');
    cs_jb_ki(&j, "line", a->line);
    bool constructed = a->st == CS_OK || a->st == CS_ERR_DOMAIN;
    if (constructed) {
        cs_jb_kb(&j, "valid", a->st == CS_OK);
        if (a->spec.valid_spec) {
            cs_jb_key(&j, "pruned_matrix");
            cs_cli_jb_matrix(&j, &a->spec.pruned);
            cs_jb_key(&j, "pruned_ops");
            cs_jb_open(&j, '[');
            for (int v = 0; v < a->spec.pruned.n; v++)
                cs_jb_str(&j, cs_spec_pruned_opname(&a->spec, v));
            cs_jb_close(&j, ']');
        }
    }
    if (a->st == CS_OK) {
        char buf[128];
        cs_jb_ks(&j, "hash", a->hash);
        cs_cell_format_compact(&a->canon.cell, buf, sizeof buf);
        cs_jb_ks(&j, "canonical", buf);
        cs_jb_key(&j, "canonical_labelling");
        cs_jb_open(&j, '[');
        for (int i = 0; i < a->canon.cell.n; i++)
            cs_jb_int(&j, a->canon.lab[i]);
        cs_jb_close(&j, ']');
        cs_jb_ki(&j, "automorphisms", (long long)a->canon.automorphisms);
        cs_cell_format_compact(&a->reference, buf, sizeof buf);
        cs_jb_ks(&j, "reference", buf);
        cs_jb_ki(&j, "trainable_parameters", (long long)a->params);
    } else {
        cs_jb_ks(&j, "error", cs_status_name(a->st));
        cs_jb_ks(&j, "message", a->err.msg);
    }
    cs_jb_close(&j, '}');
    putchar('\n');
}

/* TSV fields cannot hold tabs or newlines: messages are made safe. */
static void put_field(const char *s)
{
    for (; *s; s++)
        putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void print_tsv(const answer *a)
{
    char pruned[2048] = "", canon[128] = "", reference[128] = "";
    bool constructed = a->st == CS_OK || a->st == CS_ERR_DOMAIN;
    if (constructed && a->spec.valid_spec) {
        const cs_cell *p = &a->spec.pruned;
        bool known = true;
        for (int v = 0; v < p->n; v++)
            known = known && p->op[v] != CS_OP_UNKNOWN;
        if (known) {
            cs_cell_format_compact(p, pruned, sizeof pruned);
        } else {
            /* Unknown op names only fit the row form. */
            size_t off = 0;
            for (int i = 0; i < p->n; i++)
                for (int j = 0; j < p->n; j++)
                    pruned[off++] = (p->adj[i] >> j & 1) ? '1' : '0';
            for (int v = 0; v < p->n && off < sizeof pruned - CS_OPNAME_MAX - 2; v++)
                off += (size_t)snprintf(pruned + off, sizeof pruned - off, "%c%s",
                                        v ? ',' : ' ', cs_spec_pruned_opname(&a->spec, v));
        }
    }
    if (a->st == CS_OK) {
        cs_cell_format_compact(&a->canon.cell, canon, sizeof canon);
        cs_cell_format_compact(&a->reference, reference, sizeof reference);
    }
    printf("%ld\t%s\t%s\t", a->line,
           constructed ? (a->st == CS_OK ? "true" : "false") : "",
           a->st == CS_OK ? a->hash : "");
    put_field(pruned);
    printf("\t%s\t", canon);
    if (a->st == CS_OK)
        printf("%.0f\t%s\t%lld\t\t\n", a->canon.automorphisms, reference, (long long)a->params);
    else {
        printf("\t\t\t%s\t", cs_status_name(a->st));
        put_field(a->err.msg);
        putchar('\n');
    }
}

int cs_cmd_cell(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"stop-on-error", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    bool json = false, stop = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 's': stop = true; break;
        case 'h': fputs(help, stdout); return CS_EXIT_OK;
        default: fputs("Try 'cellscape cell --help'.\n", stderr); return CS_EXIT_USAGE;
        }
    }
    answer *a = malloc(sizeof *a);
    if (!a) {
        cs_cli_error("cell", "out of memory");
        return CS_EXIT_INTERNAL;
    }
    if (!json)
        puts("line\tvalid\thash\tpruned\tcanonical\tautomorphisms\treference\t"
             "trainable_parameters\terror\tmessage");
    long malformed = 0;
    cs_inputs in;
    cs_inputs_init(&in, argc, argv, optind);
    const char *text;
    size_t len;
    int more;
    while ((more = cs_inputs_next(&in, &text, &len)) > 0) {
        long lineno = in.lineno;
        a->line = lineno;
        evaluate(a, text, len);
        if (json)
            print_json(a);
        else
            print_tsv(a);
        if (a->st != CS_OK && a->st != CS_ERR_DOMAIN) {
            malformed++;
            cs_cli_error("cell", "line %ld: %s: %s", lineno, cs_status_name(a->st),
                         a->err.msg);
            if (stop)
                break;
        }
    }
    cs_inputs_destroy(&in);
    if (more < 0) {
        cs_cli_error("cell", "cannot read standard input (after %ld lines): %s", in.lineno,
                     strerror(in.read_errno));
        malformed++;
    }
    free(a);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cs_cli_error("cell", "cannot write standard output");
        return CS_EXIT_IO;
    }
    return malformed ? CS_EXIT_INPUT : CS_EXIT_OK;
}
