/* cs_store_import: TFRecord -> store.
 *
 * One pass over the records, in file order (the reference API keeps repeats
 * in file order too).  Each record is framed-checked (reader), decoded
 * (row codec), its cell parsed and checked, and its runs appended to its
 * cell.  A cell's module hash is checked against the hash of its adjacency
 * and ops once, when the cell is first met; later records of the cell must
 * carry the same cell.  Hashes are computed in batches on SIMD lanes. */
#include "cs_store.h"
#include "cs_io.h"
#include "cs_nb101_row.h"
#include "cs_tfrecord.h"
#include "store_format.h"

#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

void cs_import_options_init(cs_import_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

/* Where a cell was first met, for messages about its hash. */
typedef struct origin {
    uint64_t record, offset;
} origin;

typedef struct builder {
    cs_store_entry *entries;
    cs_run *runs;        /* CS_STORE_MAX_BUDGETS * CS_STORE_REPEATS per cell */
    origin *first;
    size_t n, cap;
    uint32_t *slots;     /* hash -> cell + 1 */
    uint64_t nslots;
    int nbudgets;
    int budgets[CS_STORE_MAX_BUDGETS];
    /* cells waiting for their hash check */
    cs_cell pending[256];
    size_t pending_idx[256];
    size_t npending;
    cs_hasher *hasher;
    const char *path;
} builder;

uint64_t cs_store_hash_slot(const unsigned char hash[16], uint64_t slots)
{
    uint64_t x;
    memcpy(&x, hash, 8); /* MD5 bytes are already uniform */
    return x & (slots - 1);
}

uint64_t cs_store_canon_slot(const cs_key *canon, uint64_t slots)
{
    uint64_t x = canon->lo * UINT64_C(0x9E3779B97F4A7C15) ^ canon->hi;
    x ^= x >> 31;
    x *= UINT64_C(0xBF58476D1CE4E5B9);
    x ^= x >> 29;
    return x & (slots - 1);
}

static cs_status grow_slots(builder *b, cs_error *err)
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
static int64_t find_cell(const builder *b, const unsigned char hash[16], uint64_t *slot)
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

static cs_status add_cell(builder *b, size_t *index, cs_error *err)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1 << 14;
        cs_store_entry *e = realloc(b->entries, cap * sizeof *e);
        if (e)
            b->entries = e;
        cs_run *r = realloc(b->runs, cap * CS_STORE_MAX_BUDGETS * CS_STORE_REPEATS * sizeof *r);
        if (r)
            b->runs = r;
        origin *o = realloc(b->first, cap * sizeof *o);
        if (o)
            b->first = o;
        if (!e || !r || !o)
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (%zu cells)", b->n);
        b->cap = cap;
    }
    *index = b->n++;
    memset(&b->entries[*index], 0, sizeof b->entries[*index]);
    return CS_OK;
}

static cs_status check_pending(builder *b, cs_error *err)
{
    char hex[256][33];
    if (!b->npending)
        return CS_OK;
    cs_status st = cs_hasher_hash(b->hasher, b->npending, b->pending, hex, err);
    if (st)
        return st;
    for (size_t k = 0; k < b->npending; k++) {
        size_t i = b->pending_idx[k];
        unsigned char raw[16];
        cs_hash_from_hex(hex[k], 32, raw);
        if (memcmp(raw, b->entries[i].hash, 16) != 0) {
            char want[33];
            cs_hash_to_hex(b->entries[i].hash, want);
            b->npending = 0;
            return cs_error_set(err, CS_ERR_FORMAT,
                                "%s: record %llu at byte offset %llu: module hash %s "
                                "does not match its cell, whose hash is %s",
                                b->path, (unsigned long long)b->first[i].record,
                                (unsigned long long)b->first[i].offset, want, hex[k]);
        }
    }
    b->npending = 0;
    return CS_OK;
}

/* One decoded record into the builder.  Errors name nothing: the caller
 * prefixes the record's place. */
static cs_status add_record(builder *b, const cs_nb101_row *row, uint64_t record,
                            uint64_t offset, cs_error *err)
{
    int bi = -1;
    for (int k = 0; k < b->nbudgets; k++)
        if (b->budgets[k] == row->epochs)
            bi = k;
    if (bi < 0) {
        if (b->nbudgets == CS_STORE_MAX_BUDGETS)
            return cs_error_set(err, CS_ERR_FORMAT,
                                "a fifth epoch budget (%d); a dataset has at most %d",
                                row->epochs, CS_STORE_MAX_BUDGETS);
        bi = b->nbudgets++;
        b->budgets[bi] = row->epochs;
    }

    cs_spec spec;
    cs_status st = cs_spec_parse_row(&spec, row->adjacency, strlen(row->adjacency), row->ops,
                                     strlen(row->ops), err);
    if (st)
        return cs_error_prefix(err, "cell: ");
    if ((st = cs_spec_check(&spec, &CS_NB101_LIMITS, err)))
        return cs_error_prefix(err, "cell: ");
    if (!cs_cell_equal(&spec.original, &spec.pruned))
        return cs_error_set(err, CS_ERR_FORMAT, "cell is not pruned (the dataset "
                                                "stores pruned cells)");
    cs_key key;
    if ((st = cs_cell_key(&spec.pruned, &key, err)))
        return st;

    unsigned char hash[16];
    cs_hash_from_hex(row->hash, 32, hash);
    if (2 * (b->n + 1) > b->nslots && (st = grow_slots(b, err)))
        return st;
    uint64_t slot;
    int64_t found = find_cell(b, hash, &slot);
    size_t i = 0;
    if (found < 0) {
        if ((st = add_cell(b, &i, err)))
            return st;
        b->slots[slot] = (uint32_t)(i + 1);
        cs_store_entry *e = &b->entries[i];
        memcpy(e->hash, hash, 16);
        e->cell = key;
        e->trainable_parameters = row->trainable_parameters;
        cs_canon cn;
        if ((st = cs_cell_canon(&spec.pruned, &cn, err)) ||
            (st = cs_cell_key(&cn.cell, &e->canon, err)))
            return st;
        b->first[i] = (origin){record, offset};
        b->pending[b->npending] = spec.pruned;
        b->pending_idx[b->npending++] = i;
        if (b->npending == 256 && (st = check_pending(b, err)))
            return st;
    } else {
        i = (size_t)found;
        if (cs_key_cmp(&key, &b->entries[i].cell) != 0)
            return cs_error_set(err, CS_ERR_FORMAT,
                                "module hash %s was stored with another cell at record %llu",
                                row->hash, (unsigned long long)b->first[i].record);
    }
    cs_store_entry *e = &b->entries[i];
    if (e->repeats[bi] == CS_STORE_REPEATS)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "a fourth repeat of cell %s at %d epochs", row->hash, row->epochs);
    cs_run *r = &b->runs[(i * CS_STORE_MAX_BUDGETS + (size_t)bi) * CS_STORE_REPEATS +
                         e->repeats[bi]];
    *r = (cs_run){row->eval[1].training_time,       row->eval[1].train_accuracy,
                  row->eval[1].validation_accuracy, row->eval[1].test_accuracy,
                  row->eval[2].training_time,       row->eval[2].train_accuracy,
                  row->eval[2].validation_accuracy, row->eval[2].test_accuracy};
    e->repeats[bi]++;
    return CS_OK;
}

static void builder_free(builder *b)
{
    free(b->entries);
    free(b->runs);
    free(b->first);
    free(b->slots);
    cs_hasher_destroy(b->hasher);
}

/* Hash the record's bytes as they stand in the file: the framing is what
 * the reader checked, so it can be rebuilt exactly. */
static void sha_record(struct sha256_ctx *sha, const unsigned char *data, size_t len)
{
    unsigned char head[12], foot[4];
    uint64_t l = len;
    for (int k = 0; k < 8; k++)
        head[k] = (unsigned char)(l >> (8 * k));
    uint32_t c = cs_crc32c_masked(head, 8);
    for (int k = 0; k < 4; k++)
        head[8 + k] = (unsigned char)(c >> (8 * k));
    c = cs_crc32c_masked(data, len);
    for (int k = 0; k < 4; k++)
        foot[k] = (unsigned char)(c >> (8 * k));
    sha256_update(sha, 12, head);
    sha256_update(sha, len, data);
    sha256_update(sha, 4, foot);
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

static cs_status write_store(builder *b, cs_import_stats *stats, const char *store_path,
                             cs_error *err);

cs_status cs_store_import(const char *tfrecord, const char *store_path,
                          const cs_import_options *opt, cs_import_stats *stats,
                          cs_error *err)
{
    cs_import_options defaults;
    if (!opt) {
        cs_import_options_init(&defaults);
        opt = &defaults;
    }
    memset(stats, 0, sizeof *stats);
    builder b;
    memset(&b, 0, sizeof b);
    b.path = tfrecord;
    cs_tfrecord_reader *rd = NULL;
    cs_status st = cs_hasher_init(&b.hasher, err);
    if (st == CS_OK)
        st = cs_tfrecord_reader_open(&rd, tfrecord, err);
    if (st) {
        builder_free(&b);
        return st;
    }
    struct sha256_ctx sha;
    sha256_init(&sha);
    cs_nb101_row *row = malloc(sizeof *row);
    if (!row) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (;;) {
        const unsigned char *data;
        size_t len;
        int eof;
        if ((st = cs_tfrecord_reader_next(rd, &data, &len, &eof, err)))
            goto done; /* framing damage: nothing after it can be trusted */
        if (eof)
            break;
        sha_record(&sha, data, len);
        stats->bytes += len + 16;
        uint64_t rec = cs_tfrecord_reader_record_index(rd);
        uint64_t off = cs_tfrecord_reader_record_offset(rd);
        stats->records++;
        if ((stats->records & 0x3FFF) == 0 && opt->progress)
            opt->progress(opt->progress_user, "import", -1.0);
        cs_error rerr;
        st = cs_nb101_row_decode(data, len, row, &rerr);
        if (st == CS_OK) {
            if (strncmp(row->checkpoint_path, "cellscape-synthetic", 19) == 0)
                stats->synthetic = true;
            st = add_record(&b, row, rec, off, &rerr);
        }
        if (st) {
            if (st == CS_ERR_NOMEM || !opt->keep_going) {
                *err = rerr;
                cs_tfrecord_reader_error_prefix(rd, err);
                goto done;
            }
            if (stats->skipped++ == 0) {
                stats->first_skipped = rerr;
                cs_tfrecord_reader_error_prefix(rd, &stats->first_skipped);
            }
            st = CS_OK;
        }
    }
    if ((st = check_pending(&b, err)))
        goto done;
    if (b.n == 0) {
        st = cs_error_set(err, CS_ERR_FORMAT, "%s: no records%s", tfrecord,
                          stats->skipped ? " that could be read" : "");
        goto done;
    }
    sha256_digest(&sha, 32, stats->sha256);
    st = write_store(&b, stats, store_path, err);
done:
    free(row);
    cs_tfrecord_reader_close(rd);
    builder_free(&b);
    return st;
}

static cs_status write_store(builder *b, cs_import_stats *stats, const char *store_path,
                             cs_error *err)
{
    /* Budgets in increasing order; runs are re-laid out to match. */
    int order[CS_STORE_MAX_BUDGETS], sorted[CS_STORE_MAX_BUDGETS];
    memcpy(sorted, b->budgets, sizeof sorted);
    qsort(sorted, (size_t)b->nbudgets, sizeof sorted[0], cmp_budget);
    for (int k = 0; k < b->nbudgets; k++)
        for (int j = 0; j < b->nbudgets; j++)
            if (b->budgets[j] == sorted[k])
                order[k] = j;

    size_t n = b->n;
    size_t *perm = malloc(n * sizeof *perm);
    hash_order *ho = malloc(n * sizeof *ho);
    uint64_t slots = 1;
    while (slots < 2 * (uint64_t)n)
        slots <<= 1;
    uint32_t *hidx = calloc(slots, sizeof *hidx), *cidx = calloc(slots, sizeof *cidx);
    size_t entry_size = sizeof(cs_store_entry) + (size_t)b->nbudgets * CS_STORE_REPEATS * sizeof(cs_run);
    unsigned char *ebuf = malloc(entry_size);
    cs_status st = CS_OK;
    cs_outfile out = {0};
    if (!perm || !ho || !hidx || !cidx || !ebuf) {
        st = cs_error_set(err, CS_ERR_NOMEM, "out of memory writing the store");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(ho[i].hash, b->entries[i].hash, 16);
        ho[i].index = i;
    }
    qsort(ho, n, sizeof *ho, cmp_hash_order);
    for (size_t k = 0; k < n; k++)
        perm[k] = ho[k].index;
    for (size_t k = 0; k < n; k++) {
        const cs_store_entry *e = &b->entries[perm[k]];
        uint64_t s = cs_store_hash_slot(e->hash, slots);
        while (hidx[s])
            s = (s + 1) & (slots - 1);
        hidx[s] = (uint32_t)(k + 1);
        s = cs_store_canon_slot(&e->canon, slots);
        while (cidx[s]) {
            if (cs_key_cmp(&b->entries[perm[cidx[s] - 1]].canon, &e->canon) == 0) {
                st = cs_error_set(err, CS_ERR_FORMAT,
                                  "%s: records %llu and %llu hold isomorphic cells under "
                                  "different module hashes",
                                  b->path, (unsigned long long)b->first[perm[cidx[s] - 1]].record,
                                  (unsigned long long)b->first[perm[k]].record);
                goto done;
            }
            s = (s + 1) & (slots - 1);
        }
        cidx[s] = (uint32_t)(k + 1);
    }

    cs_store_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, CS_STORE_MAGIC, sizeof CS_STORE_MAGIC);
    h.version = CS_STORE_VERSION;
    h.byte_order = CS_STORE_BYTE_ORDER;
    h.header_size = CS_STORE_HEADER_SIZE;
    h.entry_size = (uint32_t)entry_size;
    h.ncells = n;
    h.nbudgets = (uint32_t)b->nbudgets;
    for (int k = 0; k < b->nbudgets; k++)
        h.budgets[k] = (uint32_t)sorted[k];
    h.repeats = CS_STORE_REPEATS;
    h.flags = stats->synthetic ? CS_STORE_FLAG_SYNTHETIC : 0;
    h.entries_offset = CS_STORE_HEADER_SIZE;
    h.hash_index_offset = h.entries_offset + n * entry_size;
    h.canon_index_offset = h.hash_index_offset + slots * sizeof(uint32_t);
    h.index_slots = slots;
    h.file_size = h.canon_index_offset + slots * sizeof(uint32_t);
    h.source_bytes = stats->bytes;
    memcpy(h.source_sha256, stats->sha256, 32);

    /* Entries are written once to the file and once through the CRC. */
    if ((st = cs_outfile_open(&out, store_path, err)))
        goto done;
    if (fseek(out.f, CS_STORE_HEADER_SIZE, SEEK_SET) != 0) {
        st = cs_error_set(err, CS_ERR_IO, "%s: cannot seek", store_path);
        goto fail;
    }
    uint32_t crc = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = perm[k];
        memcpy(ebuf, &b->entries[i], sizeof(cs_store_entry));
        cs_store_entry *e = (cs_store_entry *)ebuf;
        uint8_t reps[CS_STORE_MAX_BUDGETS] = {0};
        cs_run *runs = (cs_run *)(ebuf + sizeof(cs_store_entry));
        memset(runs, 0, (size_t)b->nbudgets * CS_STORE_REPEATS * sizeof(cs_run));
        for (int kb = 0; kb < b->nbudgets; kb++) {
            reps[kb] = b->entries[i].repeats[order[kb]];
            memcpy(runs + kb * CS_STORE_REPEATS,
                   &b->runs[(i * CS_STORE_MAX_BUDGETS + (size_t)order[kb]) * CS_STORE_REPEATS],
                   reps[kb] * sizeof(cs_run));
        }
        memcpy(e->repeats, reps, sizeof reps);
        crc = cs_crc32c_extend(crc, ebuf, entry_size);
        if (fwrite(ebuf, entry_size, 1, out.f) != 1)
            break;
    }
    h.crc_entries = crc;
    h.crc_hash_index = cs_crc32c(hidx, slots * sizeof *hidx);
    h.crc_canon_index = cs_crc32c(cidx, slots * sizeof *cidx);
    h.crc_header = cs_crc32c(&h, sizeof h);
    fwrite(hidx, sizeof *hidx, slots, out.f);
    fwrite(cidx, sizeof *cidx, slots, out.f);
    if (fseek(out.f, 0, SEEK_SET) != 0 || fwrite(&h, sizeof h, 1, out.f) != 1 || ferror(out.f)) {
        st = cs_error_set(err, CS_ERR_IO, "%s: write failed", store_path);
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
    free(ho);
    free(hidx);
    free(cidx);
    free(ebuf);
    return st;
}
