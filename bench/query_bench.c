/* Store open and look-up speed (issue 3's targets: open < 50 ms; by cell
 * > 1 M/s, by hash or canonical form > 5 M/s, one core).
 *
 * Usage: query_bench STORE [queries]
 * Queries are the store's own cells with their interior vertices relabelled
 * at random (in topological order), so every look-up prunes, canonicalises
 * and finds; the answer is checked against the entry it came from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cs_rng.h"
#include "cs_store.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void relabel(const cs_cell *c, cs_cell *out, uint64_t *rng)
{
    int n = c->n, perm[CS_CELL_MAXV], indeg[CS_CELL_MAXV] = {0};
    for (int v = 0; v < n; v++)
        for (int w = 0; w < n; w++)
            indeg[w] += (int)(c->adj[v] >> w & 1);
    uint32_t done = 0;
    for (int k = 0; k < n; k++) {
        int ready[CS_CELL_MAXV], nr = 0;
        for (int v = 0; v < n; v++)
            if (!(done >> v & 1) && indeg[v] == 0)
                ready[nr++] = v;
        int v = ready[cs_splitmix64(rng) % (uint64_t)nr];
        done |= 1u << v;
        perm[v] = k;
        for (int w = 0; w < n; w++)
            indeg[w] -= (int)(c->adj[v] >> w & 1);
    }
    cs_cell_permute(c, perm, out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: query_bench STORE [queries]\n");
        return 2;
    }
    size_t nq = argc > 2 ? (size_t)atol(argv[2]) : 1000000;
    cs_error err;
    cs_store *s;
    double best_open = 1e9;
    for (int k = 0; k < 5; k++) {
        double t0 = now();
        if (cs_store_open(&s, argv[1], &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        double t = now() - t0;
        if (t < best_open)
            best_open = t;
        if (k < 4)
            cs_store_close(s);
    }
    size_t n = cs_store_num_cells(s);
    printf("store: %zu cells, %d budgets%s\n", n, cs_store_num_budgets(s),
           cs_store_synthetic(s) ? " (SYNTHETIC)" : "");
    printf("open (map + verify checksums): %.2f ms (best of 5)\n", best_open * 1e3);

    cs_cell *cells = malloc(nq * sizeof *cells);
    size_t *want = malloc(nq * sizeof *want);
    uint64_t rng = 1;
    for (size_t q = 0; q < nq; q++) {
        size_t i = cs_splitmix64(&rng) % n;
        cs_cell c;
        cs_key_cell(&cs_store_entry_at(s, i)->cell, &c);
        relabel(&c, &cells[q], &rng);
        want[q] = i;
    }
    cs_query_result *r = malloc(sizeof *r);
    size_t bad = 0;
    double t0 = now();
    for (size_t q = 0; q < nq; q++)
        bad += cs_store_lookup_cell(s, &cells[q]) != (int64_t)want[q];
    double t = now() - t0;
    printf("by cell (prune + check + canonical form + look-up, cs_store_lookup_cell): "
           "%.2f M/s (%zu queries, %zu wrong)\n", (double)nq / t / 1e6, nq, bad);
    size_t nspec = nq / 4;
    t0 = now();
    for (size_t q = 0; q < nspec; q++) {
        cs_spec_from_cell(&r->spec, &cells[q]);
        if (cs_store_lookup_spec(s, &r->spec, r, &err) != CS_OK || r->index != (int64_t)want[q])
            bad++;
    }
    t = now() - t0;
    printf("by spec (the reference's semantics with op names and messages, "
           "cs_store_lookup_spec): %.2f M/s\n", (double)nspec / t / 1e6);

    unsigned char(*hashes)[16] = malloc(nq * sizeof *hashes);
    cs_key *canons = malloc(nq * sizeof *canons);
    for (size_t q = 0; q < nq; q++) {
        memcpy(hashes[q], cs_store_entry_at(s, want[q])->hash, 16);
        canons[q] = cs_store_entry_at(s, want[q])->canon;
    }
    t0 = now();
    for (size_t q = 0; q < nq; q++)
        bad += cs_store_find_hash(s, hashes[q]) != (int64_t)want[q];
    t = now() - t0;
    printf("by module hash: %.2f M/s\n", (double)nq / t / 1e6);
    t0 = now();
    for (size_t q = 0; q < nq; q++)
        bad += cs_store_find_canon(s, &canons[q]) != (int64_t)want[q];
    t = now() - t0;
    printf("by canonical form: %.2f M/s\n", (double)nq / t / 1e6);
    free(cells);
    free(want);
    free(hashes);
    free(canons);
    free(r);
    cs_store_close(s);
    return bad ? 1 : 0;
}
