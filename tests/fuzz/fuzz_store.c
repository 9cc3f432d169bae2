/* libFuzzer target: opening a store (data/cs_store.h) and reading it.
 *
 * The input is one mode byte, then the file.  A store checks a CRC-32C of
 * its header and of every section, which no mutation gets past, so with
 * mode bit 0 set the harness first makes the checksums right for the bytes
 * it has (those of sections that lie inside the file, then the header's):
 * what is tested then is whether a store whose checksums hold but whose
 * contents lie (a file from another program, or a deliberate one) can hurt
 * a reader.  A store that opens is read the ways the commands read it:
 * every entry's runs, look-ups by module hash, by canonical key and by
 * cell, and the reference's query in every mode. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, F_SETPIPE_SZ (fuzz_util.h) */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_iso.h"
#include "cs_store.h"
#include "cs_tfrecord.h"
#include "fuzz_util.h"
#include "store_format.h"

/* Look-ups per input: enough to walk a small store, bounded for big ones. */
#define MAX_ENTRIES 64

/* crc of file[off, off + len) if the range lies inside the file. */
static int crc_in(const unsigned char *file, size_t size, uint64_t off, uint64_t len,
                  uint32_t *crc)
{
    if (off > size || len > size - off)
        return 0;
    *crc = cs_crc32c(file + off, (size_t)len);
    return 1;
}

static void fix_checksums(unsigned char *file, size_t size)
{
    if (size < sizeof(cs_store_header))
        return;
    cs_store_header h;
    memcpy(&h, file, sizeof h);
    uint64_t n = h.ncells, es = h.entry_size, slots = h.index_slots;
    /* Products that overflow do not describe ranges of this file. */
    if (n <= UINT32_MAX && es <= UINT32_MAX)
        crc_in(file, size, h.entries_offset, n * es, &h.crc_entries);
    if (slots <= size)
        crc_in(file, size, h.hash_index_offset, slots * 4, &h.crc_hash_index);
    if (slots <= size)
        crc_in(file, size, h.canon_index_offset, slots * sizeof(cs_canon_slot),
               &h.crc_canon_index);
    h.crc_header = 0;
    h.crc_header = cs_crc32c(&h, sizeof h);
    memcpy(file, &h, sizeof h);
}

static const char *const cells[] = {
    "I3O:111",
    "IO:1",
    "{\"matrix\": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], \"ops\": [\"input\", \"maxpool3x3\", \"output\"]}",
    /* in the seed stores (nb101-real30-only108.tfrecord's first cell) */
    ("0101000001110000010000000001000001000000010000000 "
     "input,conv3x3-bn-relu,conv1x1-bn-relu,conv1x1-bn-relu,conv3x3-bn-relu,conv1x1-bn-relu,output"),
    "I31O:101111",
};

static void query_all(const cs_store *s, cs_query_result *r)
{
    cs_error err;
    cs_budget_counter counter = {0, 0};
    int budgets[] = {4, 12, 36, 108, 0, -1};
    for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++)
        for (int halfway = 0; halfway < 2; halfway++) {
            (void)cs_store_query(s, r, budgets[b], halfway, CS_REPEAT_MEAN, 0, &counter, &err);
            for (int rep = -1; rep <= CS_STORE_REPEATS; rep++)
                (void)cs_store_query(s, r, budgets[b], halfway, CS_REPEAT_ONE, rep, &counter,
                                     &err);
        }
    for (int k = 0; k < cs_store_num_budgets(s); k++) {
        (void)cs_store_query(s, r, cs_store_budget(s, k), false, CS_REPEAT_MEAN, 0, NULL, &err);
        (void)cs_store_query(s, r, cs_store_budget(s, k), true, CS_REPEAT_ONE, 0, NULL, &err);
    }
}

static void read_store(const cs_store *s)
{
    unsigned char fp[32];
    cs_store_fingerprint(s, fp);
    (void)cs_store_official_name(s);
    (void)cs_store_synthetic(s);
    (void)cs_store_source_bytes(s);
    (void)cs_store_source_sha256(s);
    int nb = cs_store_num_budgets(s);
    for (int k = 0; k < nb; k++)
        if (cs_store_budget_index(s, cs_store_budget(s, k)) < 0)
            fuzz_fail("budget %d not found by its own epochs", k);

    cs_query_result *r = malloc(sizeof *r);
    if (!r)
        return;
    cs_error err;
    size_t n = cs_store_num_cells(s);
    for (size_t i = 0; i < n && i < MAX_ENTRIES; i++) {
        const cs_store_entry *e = cs_store_entry_at(s, i);
        for (int b = 0; b < nb; b++) {
            const cs_run *runs = cs_store_runs(s, i, b);
            volatile double sum = 0;
            for (int k = 0; k < e->repeats[b]; k++)
                sum += runs[k].final_test_accuracy + runs[k].halfway_training_time;
            (void)sum;
        }
        (void)cs_store_find_hash(s, e->hash);
        (void)cs_store_find_canon(s, &e->canon);
        cs_cell c;
        cs_key_cell(&e->cell, &c);
        (void)cs_store_lookup_cell(s, &c);
        cs_key_cell(&e->canon, &c);
        (void)cs_store_lookup_cell(s, &c);

        /* The reference's query on the cell as stored. */
        char text[256];
        if (c.n >= 2 && cs_cell_format_compact(&c, text, sizeof text) < (int)sizeof text &&
            cs_store_lookup(s, text, strlen(text), r, &err) == CS_OK)
            query_all(s, r);
        /* And on the entry itself, as `query --hash` reaches it. */
        memset(r, 0, sizeof *r);
        r->index = (int64_t)i;
        cs_hash_to_hex(e->hash, r->hash);
        query_all(s, r);
    }
    for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++)
        if (cs_store_lookup(s, cells[k], strlen(cells[k]), r, &err) == CS_OK)
            query_all(s, r);
    unsigned char absent[16] = {0};
    (void)cs_store_find_hash(s, absent);
    cs_key nokey = {0, 0};
    (void)cs_store_find_canon(s, &nokey);
    free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t flen = size - 1;
    unsigned char *file = malloc(flen ? flen : 1);
    if (!file)
        return 0;
    memcpy(file, data + 1, flen);
    if (data[0] & 1)
        fix_checksums(file, flen);
    const char *path = fuzz_file(file, flen);
    free(file);

    cs_store *s;
    cs_error err;
    cs_status st = cs_store_open(&s, path, &err);
    if (st == CS_OK) {
        read_store(s);
        cs_store_close(s);
    } else if (s != NULL) {
        fuzz_fail("a failed open left a store");
    } else if (st != CS_ERR_FORMAT && st != CS_ERR_IO && st != CS_ERR_NOMEM) {
        fuzz_fail("open failed with status %d: %s", (int)st, err.msg);
    }
    return 0;
}
