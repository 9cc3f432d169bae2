/* The reference API's query semantics on a store. */
#include "cs_store.h"

#include <stdio.h>
#include <string.h>

cs_status cs_store_lookup_spec(const cs_store *s, const cs_spec *spec, cs_query_result *r,
                               cs_error *err)
{
    if (&r->spec != spec)
        r->spec = *spec;
    r->index = -1;
    r->hash[0] = '\0';
    cs_status st = cs_spec_check(&r->spec, &CS_NB101_LIMITS, err);
    if (st)
        return st;
    cs_canon cn;
    cs_key key;
    if ((st = cs_cell_canon(&r->spec.pruned, &cn, err)) ||
        (st = cs_cell_key(&cn.cell, &key, err)))
        return st;
    r->index = cs_store_find_canon(s, &key);
    if (r->index >= 0) {
        const cs_store_entry *e = cs_store_entry_at(s, (size_t)r->index);
        cs_hash_to_hex(e->hash, r->hash);
        r->trainable_parameters = e->trainable_parameters;
        return CS_OK;
    }
    /* Not in the dataset: the module hash still answers "which cell". */
    return cs_cell_hash(&r->spec.pruned, r->hash, err);
}

int64_t cs_store_lookup_cell(const cs_store *s, const cs_cell *c)
{
    const cs_limits *lim = &CS_NB101_LIMITS;
    uint32_t keep = cs_prune_mask(c->n, c->adj);
    int n = __builtin_popcount(keep);
    if (n < 2 || n > lim->max_vertices)
        return -1;
    cs_cell p;
    memset(&p, 0, sizeof p);
    int idx[CS_CELL_MAXV], k = 0;
    for (int v = 0; v < c->n; v++)
        if (keep >> v & 1) {
            idx[v] = k;
            p.op[k++] = c->op[v];
        }
    p.n = n;
    int edges = 0;
    for (int v = 0; v < c->n; v++)
        if (keep >> v & 1)
            for (uint32_t r = c->adj[v] & keep; r; r &= r - 1, edges++)
                p.adj[idx[v]] |= UINT32_C(1) << idx[__builtin_ctz(r)];
    if (edges > lim->max_edges || p.op[0] != CS_OP_INPUT || p.op[n - 1] != CS_OP_OUTPUT)
        return -1;
    for (int v = 1; v < n - 1; v++)
        if (p.op[v] < 0 || p.op[v] >= lim->num_ops)
            return -1;
    cs_canon cn;
    cs_key key;
    if (cs_cell_canon(&p, &cn, NULL) || cs_cell_key(&cn.cell, &key, NULL))
        return -1;
    return cs_store_find_canon(s, &key);
}

cs_status cs_store_lookup(const cs_store *s, const char *text, size_t len, cs_query_result *r,
                          cs_error *err)
{
    r->index = -1;
    r->hash[0] = '\0';
    cs_status st = cs_spec_parse(&r->spec, text, len, err);
    if (st)
        return st;
    return cs_store_lookup_spec(s, &r->spec, r, err);
}

cs_status cs_store_query(const cs_store *s, cs_query_result *r, int epochs, bool stop_halfway,
                         cs_repeat_mode mode, int repeat, cs_budget_counter *counter,
                         cs_error *err)
{
    int b = cs_store_budget_index(s, epochs);
    if (b < 0) {
        /* The reference prints its valid_epochs set. */
        char set[64];
        size_t off = 0;
        for (int k = 0; k < cs_store_num_budgets(s); k++)
            off += (size_t)snprintf(set + off, sizeof set - off, "%s%d", k ? ", " : "",
                                    cs_store_budget(s, k));
        return cs_error_set(err, CS_ERR_DOMAIN,
                            "invalid number of epochs, must be one of {%s}", set);
    }
    if (r->index < 0)
        return cs_error_set(err, CS_ERR_NOTFOUND, "cell %s is not in the dataset", r->hash);
    const cs_store_entry *e = cs_store_entry_at(s, (size_t)r->index);
    const cs_run *runs = cs_store_runs(s, (size_t)r->index, b);
    int n = e->repeats[b];
    if (n == 0)
        return cs_error_set(err, CS_ERR_NOTFOUND, "cell %s has no run at %d epochs", r->hash,
                            epochs);
    double t = 0, tr = 0, va = 0, te = 0;
    int first = 0, count = n;
    if (mode == CS_REPEAT_ONE) {
        if (repeat < 0 || repeat >= n)
            return cs_error_set(err, CS_ERR_ARG, "repeat %d: cell %s has repeats 0..%d at %d "
                                                 "epochs", repeat, r->hash, n - 1, epochs);
        first = repeat;
        count = 1;
    }
    for (int k = first; k < first + count; k++) {
        const cs_run *x = &runs[k];
        t += stop_halfway ? x->halfway_training_time : x->final_training_time;
        tr += stop_halfway ? x->halfway_train_accuracy : x->final_train_accuracy;
        va += stop_halfway ? x->halfway_validation_accuracy : x->final_validation_accuracy;
        te += stop_halfway ? x->halfway_test_accuracy : x->final_test_accuracy;
    }
    r->epochs = epochs;
    r->training_time = t / count;
    r->train_accuracy = tr / count;
    r->validation_accuracy = va / count;
    r->test_accuracy = te / count;
    r->trainable_parameters = e->trainable_parameters;
    if (counter) {
        counter->total_time += r->training_time;
        counter->total_epochs += stop_halfway ? epochs / 2 : epochs;
    }
    return CS_OK;
}
