/* Building a store from records: the merge in source order, the per-cell
 * check of module hashes and canonical forms, the store's layout. */
#include "store_build.h"

#include "cs_io.h"
#include "cs_parallel.h"
#include "cs_tfrecord.h"
#include "store_format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
uint64_t cs_store_hash_slot(const unsigned char hash[16], uint64_t slots)
{
    uint64_t x;
    memcpy(&x, hash, 8); /* MD5 bytes are already uniform */
    return x & (slots - 1);
}

uint64_t cs_store_canon_slot(const cs_key *canon, uint64_t slots)
{
    return cs_key_hash(canon) & (slots - 1);
}

static cs_status grow_slots(cs_store_builder *b, cs_error *err)
{
    uint64_t ns = b->nslots ? b->nslots * 2 : 1 << 16;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (import index)");
    for (size_t i = 0; i < b->n; i++) {
        uint64_t s = cs_store_hash_slot(b->entries[i].hash, ns);
        while (slots[s])
            s = (s + 1) & (ns - 1);
        slots[s] = (uint32_t)(i + 1);
    }
    free(b->slots);
    b->slots = slots;
    b->nslots = ns;
    return CS_OK;
}

/* The cell with this hash: its index, or -1 with *slot where it would go. */
static int64_t find_cell(const cs_store_builder *b, const unsigned char hash[16], uint64_t *slot)
{
    uint64_t s = cs_store_hash_slot(hash, b->nslots);
    while (b->slots[s]) {
        size_t i = b->slots[s] - 1;
        if (memcmp(b->entries[i].hash, hash, 16) == 0)
            return (int64_t)i;
        s = (s + 1) & (b->nslots - 1);
    }
    *slot = s;
    return -1;
}

static cs_status add_cell(cs_store_builder *b, size_t *index, cs_error *err)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1 << 14;
        cs_store_entry *e = realloc(b->entries, cap * sizeof *e);
        if (e)
            b->entries = e;
        bool runs_ok = true;
        for (int k = 0; k < b->nbudgets; k++) {
            cs_run *r = realloc(b->runs[k], cap * CS_STORE_REPEATS * sizeof *r);
            if (r)
                b->runs[k] = r;
            runs_ok = runs_ok && r;
        }
        cs_store_origin *o = realloc(b->first, cap * sizeof *o);
        if (o)
            b->first = o;
        if (!e || !runs_ok || !o)
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (%zu cells)", b->n);
        b->cap = cap;
    }
    *index = b->n++;
    memset(&b->entries[*index], 0, sizeof b->entries[*index]);
    return CS_OK;
}


/* A stored cell as every record of a sound file holds it: a square 0/1
 * upper-triangular matrix, input first, output last, interior ops from the
 * space, within the limits and already pruned.  Accepts exactly what the
 * reference construction plus cs_spec_check and the pruning test accept,
 * without building a cs_spec (op names, pruning record) per record; false
 * sends the record down that path for its error message. */
static bool stored_cell(const char *adj, size_t adj_len, const char *ops, size_t ops_len,
                        cs_cell *c)
{
    int n = 0;
    while ((size_t)(n + 1) * (size_t)(n + 1) <= adj_len)
        n++;
    if ((size_t)n * (size_t)n != adj_len || n < 2 || n > CS_NB101_LIMITS.max_vertices)
        return false;
    memset(c, 0, sizeof *c);
    c->n = n;
    int edges = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            char ch = adj[i * n + j];
            if (ch == '1' && j > i) {
                c->adj[i] |= UINT32_C(1) << j;
                edges++;
            } else if (ch != '0') {
                return false;
            }
        }
    if (edges > CS_NB101_LIMITS.max_edges)
        return false;
    const char *p = ops, *end = ops + ops_len;
    for (int v = 0; v < n; v++) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        if ((comma == NULL) != (v == n - 1))
            return false;
        const char *stop = comma ? comma : end;
        int op = cs_op_from_name(p, (size_t)(stop - p));
        int want_ok = v == 0       ? op == CS_OP_INPUT
                      : v == n - 1 ? op == CS_OP_OUTPUT
                                   : op >= 0 && op < CS_NB101_LIMITS.num_ops;
        if (!want_ok)
            return false;
        c->op[v] = (int8_t)op;
        p = stop + 1;
    }
    return cs_prune_mask(n, c->adj) == (UINT32_C(1) << n) - 1;
}

/* Decode one record (any thread).  Errors name nothing: the caller prefixes
 * the record's place. */
cs_status cs_store_record_from_row(const cs_nb101_row *row, cs_store_record *d, cs_error *err)
{
    cs_status st;
    size_t adj_len = strlen(row->adjacency), ops_len = strlen(row->ops);
    cs_cell cell;
    if (!stored_cell(row->adjacency, adj_len, row->ops, ops_len, &cell)) {
        /* The reference's own construction words what is wrong. */
        cs_spec spec;
        if ((st = cs_spec_parse_row(&spec, row->adjacency, adj_len, row->ops, ops_len, err)) ||
            (st = cs_spec_check(&spec, &CS_NB101_LIMITS, err)))
            return cs_error_prefix(err, "cell: ");
        if (!cs_cell_equal(&spec.original, &spec.pruned))
            return cs_error_set(err, CS_ERR_FORMAT, "cell is not pruned (the dataset "
                                                    "stores pruned cells)");
        cell = spec.pruned;
    }
    if ((st = cs_cell_key(&cell, &d->cell, err)))
        return st;
    cs_store_record_metrics(row, d);
    return CS_OK;
}

void cs_store_record_metrics(const cs_nb101_row *row, cs_store_record *d)
{
    d->st = CS_OK;
    cs_hash_from_hex(row->hash, 32, d->hash);
    d->epochs = row->epochs;
    d->trainable_parameters = row->trainable_parameters;
    d->synthetic = strncmp(row->checkpoint_path, CS_SYNTHETIC_MARKER,
                           sizeof CS_SYNTHETIC_MARKER - 1) == 0;
    d->run = (cs_run){row->eval[1].training_time,       row->eval[1].train_accuracy,
                      row->eval[1].validation_accuracy, row->eval[1].test_accuracy,
                      row->eval[2].training_time,       row->eval[2].train_accuracy,
                      row->eval[2].validation_accuracy, row->eval[2].test_accuracy};
}

/* A cs_store_record record into the cs_store_builder (the reading thread, in file order). */
cs_status cs_store_builder_add(cs_store_builder *b, const cs_store_record *d, uint64_t record, uint64_t offset,
                              cs_error *err)
{
    int bi = -1;
    for (int k = 0; k < b->nbudgets; k++)
        if (b->budgets[k] == d->epochs)
            bi = k;
    if (bi < 0) {
        if (b->nbudgets == CS_STORE_MAX_BUDGETS)
            return cs_error_set(err, CS_ERR_FORMAT,
                                "a fifth epoch budget (%d); a dataset has at most %d",
                                d->epochs, CS_STORE_MAX_BUDGETS);
        b->runs[b->nbudgets] = malloc((b->cap ? b->cap : 1) * CS_STORE_REPEATS * sizeof(cs_run));
        if (!b->runs[b->nbudgets])
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (runs)");
        bi = b->nbudgets++;
        b->budgets[bi] = d->epochs;
    }
    cs_status st;
    if (2 * (b->n + 1) > b->nslots && (st = grow_slots(b, err)))
        return st;
    uint64_t slot;
    int64_t found = find_cell(b, d->hash, &slot);
    size_t i = 0;
    if (found < 0) {
        if ((st = add_cell(b, &i, err)))
            return st;
        b->slots[slot] = (uint32_t)(i + 1);
        cs_store_entry *e = &b->entries[i];
        memcpy(e->hash, d->hash, 16);
        e->cell = d->cell;
        e->trainable_parameters = d->trainable_parameters;
        b->first[i] = (cs_store_origin){record, offset};
    } else {
        i = (size_t)found;
        if (cs_key_cmp(&d->cell, &b->entries[i].cell) != 0) {
            char hex[33];
            cs_hash_to_hex(d->hash, hex);
            return cs_error_set(err, CS_ERR_FORMAT,
                                "module hash %s was stored with another cell at record %llu", hex,
                                (unsigned long long)b->first[i].record);
        }
    }
    cs_store_entry *e = &b->entries[i];
    if (e->repeats[bi] == CS_STORE_REPEATS) {
        char hex[33];
        cs_hash_to_hex(d->hash, hex);
        return cs_error_set(err, CS_ERR_FORMAT, "a fourth repeat of cell %s at %d epochs", hex,
                            d->epochs);
    }
    b->runs[bi][i * CS_STORE_REPEATS + e->repeats[bi]] = d->run;
    e->repeats[bi]++;
    return CS_OK;
}

/* --- the final pass: hash check and canonical form, every cell once ------ */

#define CELL_CHUNK 256

cs_status cs_store_check_entries(cs_store_entry *e, size_t n, cs_hasher *h, size_t *bad,
                                 char bad_hex[33], cs_error *err)
{
    cs_cell cells[CELL_CHUNK];
    char hex[CELL_CHUNK][33];
    cs_status st = CS_OK;
    *bad = SIZE_MAX;
    for (size_t at = 0; at < n && !st; at += CELL_CHUNK) {
        size_t k = n - at < CELL_CHUNK ? n - at : CELL_CHUNK;
        for (size_t j = 0; j < k && !st; j++) {
            cs_canon cn;
            cs_key_cell(&e[at + j].cell, &cells[j]);
            if ((st = cs_cell_canon(&cells[j], &cn, err)) == CS_OK)
                st = cs_cell_key(&cn.cell, &e[at + j].canon, err);
        }
        if (st || (st = cs_hasher_hash(h, k, cells, hex, err)))
            break;
        for (size_t j = 0; j < k; j++) {
            unsigned char raw[16];
            cs_hash_from_hex(hex[j], 32, raw);
            if (memcmp(raw, e[at + j].hash, 16) != 0) {
                *bad = at + j;
                memcpy(bad_hex, hex[j], 33);
                return CS_OK;
            }
        }
    }
    return st;
}

cs_status cs_store_builder_bad_hash(const cs_store_builder *b, size_t i, const char *computed,
                                    cs_error *err)
{
    char want[33];
    cs_hash_to_hex(b->entries[i].hash, want);
    return cs_error_set(err, CS_ERR_FORMAT,
                        "%s: record %llu at byte offset %llu: module hash %s does not "
                        "match its cell, whose hash is %s",
                        b->path, (unsigned long long)b->first[i].record,
                        (unsigned long long)b->first[i].offset, want, computed);
}

void cs_store_builder_destroy(cs_store_builder *b)
{
    free(b->entries);
    for (int k = 0; k < CS_STORE_MAX_BUDGETS; k++)
        free(b->runs[k]);
    free(b->first);
    free(b->slots);
}
static bool builder_cancelled(const cs_store_builder *b)
{
    return cs_monitor_cancelled(&b->monitor);
}

static int cmp_budget(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

typedef struct hash_order {
    unsigned char hash[16];
    size_t index;
} hash_order;

static int cmp_hash_order(const void *a, const void *b)
{
    return memcmp(((const hash_order *)a)->hash, ((const hash_order *)b)->hash, 16);
}


/* The budgets in increasing order (sorted), and where each was in the
 * builder's (order[k]): runs are re-laid out to match. */
static void budget_order(const cs_store_builder *b, int sorted[CS_STORE_MAX_BUDGETS],
                         int order[CS_STORE_MAX_BUDGETS])
{
    memcpy(sorted, b->budgets, CS_STORE_MAX_BUDGETS * sizeof *sorted);
    qsort(sorted, (size_t)b->nbudgets, sizeof sorted[0], cmp_budget);
    for (int k = 0; k < b->nbudgets; k++)
        for (int j = 0; j < b->nbudgets; j++)
            if (b->budgets[j] == sorted[k])
                order[k] = j;
}

/* perm: the entries in hash order (the store's); hidx and cidx (slots each,
 * zeroed): the open-addressing indexes by hash and by canonical form.
 * CS_ERR_FORMAT when two entries hold isomorphic cells. */
static cs_status build_indexes(const cs_store_builder *b, size_t *perm, uint32_t *hidx,
                               cs_canon_slot *cidx, uint64_t slots, cs_error *err)
{
    size_t n = b->n;
    hash_order *ho = malloc(n * sizeof *ho + 1);
    if (!ho)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory writing the store");
    for (size_t i = 0; i < n; i++) {
        memcpy(ho[i].hash, b->entries[i].hash, 16);
        ho[i].index = i;
    }
    qsort(ho, n, sizeof *ho, cmp_hash_order);
    for (size_t k = 0; k < n; k++)
        perm[k] = ho[k].index;
    free(ho);
    for (size_t k = 0; k < n; k++) {
        const cs_store_entry *e = &b->entries[perm[k]];
        uint64_t s = cs_store_hash_slot(e->hash, slots);
        while (hidx[s])
            s = (s + 1) & (slots - 1);
        hidx[s] = (uint32_t)(k + 1);
        s = cs_store_canon_slot(&e->canon, slots);
        while (cidx[s].entry) {
            if (cs_key_cmp(&cidx[s].key, &e->canon) == 0)
                return cs_error_set(err, CS_ERR_FORMAT,
                                    "%s: records %llu and %llu hold isomorphic cells under "
                                    "different module hashes",
                                    b->path,
                                    (unsigned long long)b->first[perm[cidx[s].entry - 1]].record,
                                    (unsigned long long)b->first[perm[k]].record);
            s = (s + 1) & (slots - 1);
        }
        cidx[s].key = e->canon;
        cidx[s].entry = (uint32_t)(k + 1);
    }
    return CS_OK;
}

/* The header of the store, all but its CRCs. */
static void header_of(const cs_store_builder *b, const cs_import_stats *stats,
                      const int *sorted, size_t entry_size, uint64_t slots, cs_store_header *h)
{
    memset(h, 0, sizeof *h);
    memcpy(h->magic, CS_STORE_MAGIC, sizeof CS_STORE_MAGIC);
    h->version = CS_STORE_VERSION;
    h->byte_order = CS_STORE_BYTE_ORDER;
    h->header_size = CS_STORE_HEADER_SIZE;
    h->entry_size = (uint32_t)entry_size;
    h->ncells = b->n;
    h->nbudgets = (uint32_t)b->nbudgets;
    for (int k = 0; k < b->nbudgets; k++)
        h->budgets[k] = (uint32_t)sorted[k];
    h->repeats = CS_STORE_REPEATS;
    h->flags = stats->synthetic ? CS_STORE_FLAG_SYNTHETIC : 0;
    h->entries_offset = CS_STORE_HEADER_SIZE;
    h->hash_index_offset = h->entries_offset + b->n * entry_size;
    h->canon_index_offset = h->hash_index_offset + slots * sizeof(uint32_t);
    h->index_slots = slots;
    h->file_size = h->canon_index_offset + slots * sizeof(cs_canon_slot);
    h->source_bytes = stats->bytes;
    memcpy(h->source_sha256, stats->sha256, 32);
}

/* The entries in perm's order onto f, each once to the file and once
 * through the CRC (returned).  Entries go out in large writes: one small
 * fwrite per entry made the kernel zero and merge a partial page at every
 * 4 KiB flush.  Stops early on a write error (f's error flag) or a cancel. */
static uint32_t write_entries(const cs_store_builder *b, FILE *f, const size_t *perm,
                              const int *order, size_t entry_size, unsigned char *ebuf,
                              size_t chunk_entries)
{
    size_t n = b->n;
    uint32_t crc = 0;
    for (size_t k0 = 0; k0 < n; k0 += chunk_entries) {
        size_t m = n - k0 < chunk_entries ? n - k0 : chunk_entries;
        memset(ebuf, 0, m * entry_size);
        for (size_t k = k0; k < k0 + m; k++) {
            size_t i = perm[k];
            unsigned char *at = ebuf + (k - k0) * entry_size;
            cs_store_entry *e = (cs_store_entry *)at;
            cs_run *runs = (cs_run *)(at + sizeof(cs_store_entry));
            *e = b->entries[i];
            e->source_rank = (uint32_t)(i + 1);
            for (int kb = 0; kb < b->nbudgets; kb++) {
                e->repeats[kb] = b->entries[i].repeats[order[kb]];
                memcpy(runs + kb * CS_STORE_REPEATS, &b->runs[order[kb]][i * CS_STORE_REPEATS],
                       e->repeats[kb] * sizeof(cs_run));
            }
            for (int kb = b->nbudgets; kb < CS_STORE_MAX_BUDGETS; kb++)
                e->repeats[kb] = 0;
        }
        crc = cs_crc32c_extend(crc, ebuf, m * entry_size);
        if (fwrite(ebuf, entry_size, m, f) != m || builder_cancelled(b))
            break;
    }
    return crc;
}

cs_status cs_store_builder_write(cs_store_builder *b, cs_import_stats *stats, const char *store_path,
                             cs_error *err)
{
    int order[CS_STORE_MAX_BUDGETS], sorted[CS_STORE_MAX_BUDGETS];
    budget_order(b, sorted, order);
    size_t n = b->n;
    size_t *perm = malloc(n * sizeof *perm + 1);
    uint64_t slots = 1;
    while (slots < 2 * (uint64_t)n)
        slots <<= 1;
    uint32_t *hidx = calloc(slots, sizeof *hidx);
    cs_canon_slot *cidx = calloc(slots, sizeof *cidx);
    size_t entry_size = sizeof(cs_store_entry) + (size_t)b->nbudgets * CS_STORE_REPEATS * sizeof(cs_run);
    size_t chunk_entries = ((size_t)1 << 20) / entry_size + 1;
    unsigned char *ebuf = malloc(chunk_entries * entry_size);
    cs_status st = CS_OK;
    cs_outfile out = {0};
    if (!perm || !hidx || !cidx || !ebuf) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory writing the store");
        goto done;
    }
    if ((st = build_indexes(b, perm, hidx, cidx, slots, err)))
        goto done;
    cs_store_header h;
    header_of(b, stats, sorted, entry_size, slots, &h);

    if ((st = cs_outfile_open(&out, store_path, err)))
        goto done;
    if (fseek(out.f, CS_STORE_HEADER_SIZE, SEEK_SET) != 0) {
        st = cs_error_set(err, CS_ERR_IO, "%s: cannot seek", store_path);
        goto fail;
    }
    h.crc_entries = write_entries(b, out.f, perm, order, entry_size, ebuf, chunk_entries);
    h.crc_hash_index = cs_crc32c(hidx, slots * sizeof *hidx);
    h.crc_canon_index = cs_crc32c(cidx, slots * sizeof *cidx);
    h.crc_header = cs_crc32c(&h, sizeof h);
    fwrite(hidx, sizeof *hidx, slots, out.f);
    fwrite(cidx, sizeof *cidx, slots, out.f);
    if (fseek(out.f, 0, SEEK_SET) != 0 || fwrite(&h, sizeof h, 1, out.f) != 1 || ferror(out.f)) {
        st = cs_error_set(err, CS_ERR_IO, "%s: write failed", store_path);
        goto fail;
    }
    /* The bytes reach the disk before the last look for an interrupt, so
     * that one arriving in the slow part still finds the store unnamed;
     * after the look only the rename is left. */
    if (fflush(out.f) != 0 || fsync(fileno(out.f)) != 0) {
        st = cs_error_set(err, CS_ERR_IO, "%s: write failed: %s", store_path, strerror(errno));
        goto fail;
    }
    if (builder_cancelled(b)) {
        st = cs_error_set(err, CS_ERR_CANCELLED, "cancelled");
        goto fail;
    }
    if ((st = cs_outfile_commit(&out, err)))
        goto done;
    stats->cells = n;
    stats->nbudgets = b->nbudgets;
    memcpy(stats->budgets, sorted, sizeof sorted);
    goto done;
fail:
    cs_outfile_abort(&out);
done:
    free(perm);
    free(hidx);
    free(cidx);
    free(ebuf);
    return st;
}
