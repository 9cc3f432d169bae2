/* Writing an enumeration: TSV, JSON lines, and the reference generator's own
 * file format, byte for byte (json.dump(buckets, f, sort_keys=True)). */
#include "cs_enum_output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static cs_status check_stream(FILE *f, const char *what, cs_error *err)
{
    if (ferror(f))
        return cs_error_set(err, CS_ERR_IO, "%s: write failed: %s", what,
                            strerror(errno));
    return CS_OK;
}

/* Python's repr of the labelling list: [-1, 0, 2, -2] */
static void write_labels(FILE *f, const cs_cell *c)
{
    fputc('[', f);
    for (int v = 0; v < c->n; v++)
        fprintf(f, "%s%d", v ? ", " : "", c->op[v]);
    fputc(']', f);
}

const char *const cs_enum_tsv_columns =
    "class\thash\tvertices\tedges\tcell\tcanonical\tautomorphisms\tmembers";

cs_status cs_enum_write_tsv(FILE *f, const cs_enum_result *res, cs_error *err)
{
    fprintf(f, "%s\n", cs_enum_tsv_columns);
    for (size_t i = 0; i < res->nclasses; i++) {
        const cs_enum_class *c = &res->classes[i];
        cs_cell cell, canon;
        char hex[33], rep[128], can[128];
        cs_enum_class_cell(res, c, &cell);
        cs_key_cell(&c->canon, &canon);
        cs_hash_to_hex(c->hash, hex);
        cs_cell_format_compact(&cell, rep, sizeof rep);
        cs_cell_format_compact(&canon, can, sizeof can);
        fprintf(f, "%zu\t%s\t%d\t%d\t%s\t%s\t%.0f\t%u\n", i, hex, c->n, c->edges,
                rep, can, c->automorphisms, c->members);
    }
    return check_stream(f, "TSV output", err);
}

cs_status cs_enum_write_jsonl(FILE *f, const cs_enum_result *res, cs_error *err)
{
    for (size_t i = 0; i < res->nclasses; i++) {
        const cs_enum_class *c = &res->classes[i];
        cs_cell cell, canon;
        char hex[33], buf[1024], can[128];
        cs_enum_class_cell(res, c, &cell);
        cs_key_cell(&c->canon, &canon);
        cs_hash_to_hex(c->hash, hex);
        cs_cell_format_compact(&canon, can, sizeof can);
        fprintf(f, "{\"class\": %zu, \"hash\": \"%s\", \"vertices\": %d, "
                   "\"edges\": %d, ", i, hex, c->n, c->edges);
        cs_cell_format_matrix_json(&cell, buf, sizeof buf);
        fprintf(f, "\"matrix\": %s, ", buf);
        cs_cell_format_ops_json(&cell, buf, sizeof buf);
        fprintf(f, "\"ops\": %s, \"labels\": ", buf);
        write_labels(f, &cell);
        fprintf(f, ", \"canonical\": \"%s\", \"automorphisms\": %.0f, "
                   "\"members\": %u}\n", can, c->automorphisms, c->members);
    }
    return check_stream(f, "JSON lines output", err);
}

static int cmp_by_hash(const void *a, const void *b)
{
    const cs_enum_class *x = *(const cs_enum_class *const *)a;
    const cs_enum_class *y = *(const cs_enum_class *const *)b;
    return memcmp(x->hash, y->hash, 16);
}

cs_status cs_enum_write_nasbench_json(FILE *f, const cs_enum_result *res,
                                      cs_error *err)
{
    const cs_enum_class **v = malloc((res->nclasses + 1) * sizeof *v);
    if (!v)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < res->nclasses; i++)
        v[i] = &res->classes[i];
    /* sort_keys: hex digests sort like their bytes */
    qsort(v, res->nclasses, sizeof *v, cmp_by_hash);
    fputc('{', f);
    for (size_t i = 0; i < res->nclasses; i++) {
        cs_cell cell;
        char hex[33], buf[1024];
        cs_enum_class_cell(res, v[i], &cell);
        cs_hash_to_hex(v[i]->hash, hex);
        cs_cell_format_matrix_json(&cell, buf, sizeof buf);
        fprintf(f, "%s\"%s\": [%s, ", i ? ", " : "", hex, buf);
        write_labels(f, &cell);
        fputc(']', f);
    }
    fputc('}', f);
    free(v);
    return check_stream(f, "nasbench-json output", err);
}
