/* libFuzzer target: the import path as a whole (cs_store_import: framing,
 * row decoding on a worker thread, cell checks, module hash check,
 * canonical forms, writing the store atomically), then opening the result.
 *
 * The input describes a TFRecord file as for fuzz_tfrecord (fuzz_util.h:
 * raw, or records framed by the harness and then damaged); mode bit 1
 * imports with keep_going.  Checks of the import's promises:
 *  - a failed import leaves nothing behind: no store, no temporary file;
 *  - a store it wrote opens, holds the cells it counted, and finds every
 *    entry by module hash, by canonical key and by its cell, whose module
 *    hash is the entry's. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, F_SETPIPE_SZ (fuzz_util.h) */
#endif
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_iso.h"
#include "cs_store.h"
#include "fuzz_util.h"

static char dir[256];

static void remove_dir(void)
{
    if (dir[0])
        rmdir(dir);
}

/* A directory of this process's own, under $FUZZ_IMPORT_DIR (run.sh makes
 * one and removes it, crash or not) or on tmpfs when there is one: the
 * import syncs the store before renaming it into place. */
static const char *store_dir(void)
{
    if (!dir[0]) {
        const char *base = getenv("FUZZ_IMPORT_DIR");
        if (!base || !*base)
            base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(dir, sizeof dir, "%s/cellscape-fuzz-import-XXXXXX", base);
        if (!mkdtemp(dir))
            fuzz_fail("mkdtemp %s failed", dir);
        atexit(remove_dir);
    }
    return dir;
}

static size_t dir_entries(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        fuzz_fail("cannot list %s", path);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void check_store(const char *path, const cs_import_stats *stats)
{
    cs_store *s;
    cs_error err;
    if (cs_store_open(&s, path, &err) != CS_OK)
        fuzz_fail("a store just imported does not open: %s", err.msg);
    size_t n = cs_store_num_cells(s);
    if (n != stats->cells || n == 0 || cs_store_num_budgets(s) != stats->nbudgets)
        fuzz_fail("store holds %zu cells, %d budgets; import said %llu, %d", n,
                  cs_store_num_budgets(s), (unsigned long long)stats->cells, stats->nbudgets);
    for (size_t i = 0; i < n; i++) {
        const cs_store_entry *e = cs_store_entry_at(s, i);
        if (cs_store_find_hash(s, e->hash) != (int64_t)i ||
            cs_store_find_canon(s, &e->canon) != (int64_t)i)
            fuzz_fail("entry %zu not found by its own hash or canonical key", i);
        cs_cell c;
        cs_key_cell(&e->cell, &c);
        if (cs_store_lookup_cell(s, &c) != (int64_t)i)
            fuzz_fail("entry %zu not found by its cell", i);
        char hex[33], want[33];
        cs_hash_to_hex(e->hash, want);
        if (cs_cell_hash(&c, hex, &err) != CS_OK || strcmp(hex, want) != 0)
            fuzz_fail("entry %zu: module hash %s, its cell hashes to %s", i, want, hex);
        int runs = 0;
        for (int b = 0; b < cs_store_num_budgets(s); b++) {
            if (e->repeats[b] > CS_STORE_REPEATS)
                fuzz_fail("entry %zu has %d repeats", i, e->repeats[b]);
            runs += e->repeats[b];
        }
        if (runs == 0)
            fuzz_fail("entry %zu has no run", i);
    }
    cs_store_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t flen;
    unsigned char *file = fuzz_tfrecord_file(data, size, &flen);
    if (!file)
        return 0;
    const char *src = fuzz_file(file, flen);
    free(file);

    char store[300];
    snprintf(store, sizeof store, "%s/store", store_dir());
    cs_import_options opt;
    cs_import_options_init(&opt);
    opt.threads = 1;
    opt.keep_going = size > 0 && (data[0] & FUZZ_MODE_STDIN);
    cs_import_stats stats;
    cs_error err;
    cs_status st = cs_store_import(src, store, &opt, &stats, &err);
    if (st == CS_OK) {
        check_store(store, &stats);
        if (unlink(store) != 0)
            fuzz_fail("the import reported success but left no store");
    } else {
        /* Cells fail with the reference's kinds (ValueError, ...). */
        if (st < CS_ERR_VALUE || st > CS_ERR_LIMIT)
            fuzz_fail("import failed with status %d: %s", (int)st, err.msg);
        if (err.msg[0] == '\0')
            fuzz_fail("import failed without a message");
    }
    if (dir_entries(store_dir()) != 0)
        fuzz_fail("the import left files behind (status %d: %s)", (int)st,
                  st ? err.msg : "ok");
    return 0;
}
