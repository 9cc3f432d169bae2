/* Opening a store (a memory map, checked) and finding cells in it. */
#define _DEFAULT_SOURCE /* madvise */
#include "cs_store.h"
#include "cs_tfrecord.h"
#include "store_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct cs_store {
    const unsigned char *map;
    size_t size;
    const cs_store_header *h;
    const unsigned char *entries;
    const uint32_t *hash_index;
    const cs_canon_slot *canon_index;
};

/* The official files' SHA-256 (facts sheet, section 5). */
static const struct {
    const char *name, *sha256;
} official[] = {
    {"nasbench_only108.tfrecord",
     "4c39c3936e36a85269881d659e44e61a245babcb72cb374eacacf75d0e5f4fd1"},
    {"nasbench_full.tfrecord",
     "3d64db8180fb1b0207212f9032205064312b6907a3bbc81eabea10db2f5c7e9c"},
};

static cs_status corrupt(cs_error *err, const char *path, const char *what)
{
    return cs_error_set(err, CS_ERR_FORMAT, "%s: %s (the store is damaged: import it again)",
                        path, what);
}

/* The checksums say the bytes are those written, not that the writer wrote
 * a sound store: one made by another program, or made to hurt, must not
 * send a reader outside the map (index slots naming absent cells, more runs
 * than an entry holds) or into an endless probe (an index with no empty
 * slot).  Both are checked in one pass with the checksums, a slice at a
 * time while the slice is in cache: a second pass over the 360 MB of a full
 * store would read it from memory again (a quarter of the open's time). */
typedef struct store_scan {
    size_t released, page; /* the map is released up to `released` */
    uint32_t crc_entries, crc_hash, crc_canon;
    unsigned most_repeats;
    uint32_t hash_min, hash_max, canon_min, canon_max;
} store_scan;

/* Bytes per slice: well inside a core's L2. */
#define SCAN_SLICE ((size_t)256 << 10)
/* The scanned part of the map is released (its pages stay in the page
 * cache) in steps of this many bytes: the open then leaves in the resident
 * set only what is used later, not the whole file it read. */
#define SCAN_RELEASE ((size_t)4 << 20)

static void release_scanned(const cs_store *s, store_scan *sc, const void *upto, bool all)
{
    size_t end = (size_t)((const unsigned char *)upto - s->map) / sc->page * sc->page;
    if (end > sc->released && (all || end - sc->released >= SCAN_RELEASE)) {
        /* advice only: a failure leaves the pages mapped, nothing else */
        (void)madvise((void *)(uintptr_t)(s->map + sc->released), end - sc->released,
                      MADV_DONTNEED);
        sc->released = end;
    }
}

/* The checksum of an index of `slots` slots of `size` bytes, and the least
 * and greatest of the uint32 entry number at offset `at` in each slot. */
static void scan_index(const cs_store *s, store_scan *sc, const unsigned char *index,
                       uint64_t slots, size_t size, size_t at, uint32_t *crc, uint32_t *lo,
                       uint32_t *hi)
{
    size_t per = SCAN_SLICE / size;
    *crc = 0;
    *lo = UINT32_MAX;
    *hi = 0;
    for (uint64_t k0 = 0; k0 < slots; k0 += per) {
        uint64_t end = slots - k0 < per ? slots : k0 + per;
        *crc = cs_crc32c_extend(*crc, index + k0 * size, (end - k0) * size);
        /* a reduction without early exits: the loop vectorises */
        uint32_t l = *lo, h = *hi;
        for (uint64_t k = k0; k < end; k++) {
            uint32_t v;
            memcpy(&v, index + k * size + at, sizeof v);
            l = v < l ? v : l;
            h = v > h ? v : h;
        }
        *lo = l;
        *hi = h;
        release_scanned(s, sc, index + end * size, false);
    }
}

static void scan_store(const cs_store *s, store_scan *sc)
{
    const cs_store_header *h = s->h;
    uint64_t slots = h->index_slots;
    long page = sysconf(_SC_PAGESIZE);
    *sc = (store_scan){.page = page > 0 ? (size_t)page : 4096};
    /* the header stays: every call reads it */
    sc->released = (CS_STORE_HEADER_SIZE + sc->page - 1) / sc->page * sc->page;
    size_t per = SCAN_SLICE / h->entry_size + 1;
    for (uint64_t i = 0; i < h->ncells; i += per) {
        uint64_t n = h->ncells - i < per ? h->ncells - i : per;
        const unsigned char *p = s->entries + i * h->entry_size;
        sc->crc_entries = cs_crc32c_extend(sc->crc_entries, p, n * h->entry_size);
        for (uint64_t k = 0; k < n; k++) {
            const cs_store_entry *e = (const cs_store_entry *)(p + k * h->entry_size);
            for (uint32_t b = 0; b < h->nbudgets; b++)
                sc->most_repeats = e->repeats[b] > sc->most_repeats ? e->repeats[b]
                                                                    : sc->most_repeats;
        }
        release_scanned(s, sc, p + n * h->entry_size, false);
    }
    scan_index(s, sc, (const unsigned char *)s->hash_index, slots, sizeof *s->hash_index, 0,
               &sc->crc_hash, &sc->hash_min, &sc->hash_max);
    scan_index(s, sc, (const unsigned char *)s->canon_index, slots, sizeof *s->canon_index,
               offsetof(cs_canon_slot, entry), &sc->crc_canon, &sc->canon_min,
               &sc->canon_max);
    release_scanned(s, sc, s->map + s->size, true);
}

static cs_status check_store(cs_store *s, const char *path, cs_error *err)
{
    const cs_store_header *h = s->h;
    if (s->size < CS_STORE_HEADER_SIZE || memcmp(h->magic, CS_STORE_MAGIC, sizeof CS_STORE_MAGIC))
        return cs_error_set(err, CS_ERR_FORMAT, "%s: not a cellscape store", path);
    if (h->byte_order != CS_STORE_BYTE_ORDER)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "%s: store written with another byte order; import it on this "
                            "machine", path);
    if (h->version != CS_STORE_VERSION)
        return cs_error_set(err, CS_ERR_FORMAT,
                            "%s: store version %u; this cellscape reads version %d "
                            "(import the dataset again)", path, h->version, CS_STORE_VERSION);
    cs_store_header copy = *h;
    copy.crc_header = 0;
    if (cs_crc32c(&copy, sizeof copy) != h->crc_header)
        return corrupt(err, path, "header checksum mismatch");
    uint64_t slots = h->index_slots;
    if (h->header_size != CS_STORE_HEADER_SIZE || h->nbudgets < 1 ||
        h->nbudgets > CS_STORE_MAX_BUDGETS || h->repeats != CS_STORE_REPEATS ||
        h->entry_size != sizeof(cs_store_entry) + h->nbudgets * CS_STORE_REPEATS * sizeof(cs_run) ||
        slots == 0 || (slots & (slots - 1)) || slots < h->ncells || h->ncells > UINT32_MAX - 1 ||
        slots > s->size || /* before slots * sizeof(cs_canon_slot) can wrap around */
        h->entries_offset != CS_STORE_HEADER_SIZE ||
        h->hash_index_offset != h->entries_offset + h->ncells * h->entry_size ||
        h->canon_index_offset != h->hash_index_offset + slots * 4 ||
        h->file_size != h->canon_index_offset + slots * sizeof(cs_canon_slot) ||
        h->canon_index_offset % sizeof(uint64_t) != 0)
        return corrupt(err, path, "inconsistent header");
    if (h->file_size != s->size)
        return corrupt(err, path, "file size differs from the header's (truncated?)");
    s->hash_index = (const uint32_t *)(s->map + h->hash_index_offset);
    s->canon_index = (const cs_canon_slot *)(s->map + h->canon_index_offset);
    store_scan sc;
    scan_store(s, &sc);
    if (sc.crc_entries != h->crc_entries)
        return corrupt(err, path, "cell entries checksum mismatch");
    if (sc.crc_hash != h->crc_hash_index || sc.crc_canon != h->crc_canon_index)
        return corrupt(err, path, "index checksum mismatch");
    if (sc.hash_max > h->ncells || sc.canon_max > h->ncells)
        return corrupt(err, path, "an index slot names a cell the store lacks");
    if (sc.hash_min != 0 || sc.canon_min != 0)
        return corrupt(err, path, "an index has no empty slot");
    if (sc.most_repeats > CS_STORE_REPEATS)
        return corrupt(err, path, "a cell counts more runs than its entry holds");
    return CS_OK;
}

cs_status cs_store_open(cs_store **out, const char *path, cs_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return cs_error_set(err, CS_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return cs_error_set(err, CS_ERR_IO, "%s: %s", path, strerror(e));
    }
    if ((size_t)st.st_size < CS_STORE_HEADER_SIZE) {
        close(fd);
        return cs_error_set(err, CS_ERR_FORMAT, "%s: not a cellscape store (%lld bytes)", path,
                            (long long)st.st_size);
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return cs_error_set(err, CS_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
    cs_store *s = calloc(1, sizeof *s);
    if (!s) {
        munmap(map, (size_t)st.st_size);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory");
    }
    s->map = map;
    s->size = (size_t)st.st_size;
    s->h = map;
    s->entries = s->map + CS_STORE_HEADER_SIZE;
    cs_status rc = check_store(s, path, err);
    if (rc) {
        cs_store_close(s);
        return rc;
    }
    *out = s;
    return CS_OK;
}

void cs_store_close(cs_store *s)
{
    if (!s)
        return;
    munmap((void *)(uintptr_t)s->map, s->size);
    free(s);
}

cs_status cs_store_open_any(cs_store **s, const char *path, const cs_import_options *opt,
                            cs_error *err)
{
    *s = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, "%s: %s", path, strerror(errno));
    char magic[16] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (got == sizeof magic && memcmp(magic, CS_STORE_MAGIC, sizeof CS_STORE_MAGIC) == 0)
        return cs_store_open(s, path, err);
    /* A TFRecord: import into a temporary store that disappears on close. */
    const char *tmpdir = getenv("TMPDIR");
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/cellscape-store-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(tmp);
    if (fd < 0)
        return cs_error_set(err, CS_ERR_IO, "%s: cannot create a temporary store: %s", tmp,
                            strerror(errno));
    close(fd);
    cs_import_stats stats;
    cs_status st = cs_store_import(path, tmp, opt, &stats, err);
    if (st == CS_OK)
        st = cs_store_open(s, tmp, err);
    unlink(tmp);
    return st;
}

size_t cs_store_num_cells(const cs_store *s) { return (size_t)s->h->ncells; }
int cs_store_num_budgets(const cs_store *s) { return (int)s->h->nbudgets; }
int cs_store_budget(const cs_store *s, int i) { return (int)s->h->budgets[i]; }
bool cs_store_synthetic(const cs_store *s) { return s->h->flags & CS_STORE_FLAG_SYNTHETIC; }
void cs_store_fingerprint(const cs_store *s, unsigned char out[32])
{
    /* OpenSSL, as for the source digest at import: one SHA-256 provider.
     * The one-shot digest fails only on allocation; a zero fingerprint
     * then matches no stamp, so reports redo their work. */
    unsigned int len = 0;
    if (!EVP_Digest(s->h, sizeof *s->h, out, &len, EVP_sha256(), NULL) || len != 32)
        memset(out, 0, 32);
}

bool cs_store_source_order(const cs_store *s, size_t *order)
{
    size_t n = cs_store_num_cells(s);
    const size_t unset = (size_t)-1;
    for (size_t r = 0; r < n; r++)
        order[r] = unset;
    for (size_t i = 0; i < n; i++) {
        uint32_t rank = cs_store_entry_at(s, i)->source_rank;
        if (rank == 0 || rank > n || order[rank - 1] != unset)
            goto store_order;
        order[rank - 1] = i;
    }
    return true;
store_order:
    for (size_t r = 0; r < n; r++)
        order[r] = r;
    return false;
}

const unsigned char *cs_store_source_sha256(const cs_store *s) { return s->h->source_sha256; }
uint64_t cs_store_source_bytes(const cs_store *s) { return s->h->source_bytes; }

int cs_store_budget_index(const cs_store *s, int epochs)
{
    for (uint32_t k = 0; k < s->h->nbudgets; k++)
        if ((int)s->h->budgets[k] == epochs)
            return (int)k;
    return -1;
}

const char *cs_store_official_name(const cs_store *s)
{
    return cs_official_name(s->h->source_sha256);
}

const char *cs_official_name(const unsigned char sha256[32])
{
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sha256[i]);
    for (size_t k = 0; k < sizeof official / sizeof official[0]; k++)
        if (strcmp(hex, official[k].sha256) == 0)
            return official[k].name;
    return NULL;
}

const cs_store_entry *cs_store_entry_at(const cs_store *s, size_t i)
{
    return (const cs_store_entry *)(s->entries + i * s->h->entry_size);
}

const cs_run *cs_store_runs(const cs_store *s, size_t i, int b)
{
    return (const cs_run *)(s->entries + i * s->h->entry_size + sizeof(cs_store_entry)) +
           b * CS_STORE_REPEATS;
}

int64_t cs_store_find_hash(const cs_store *s, const unsigned char hash[16])
{
    uint64_t slots = s->h->index_slots;
    for (uint64_t k = cs_store_hash_slot(hash, slots);; k = (k + 1) & (slots - 1)) {
        uint32_t v = s->hash_index[k];
        if (!v)
            return -1;
        if (memcmp(cs_store_entry_at(s, v - 1)->hash, hash, 16) == 0)
            return (int64_t)v - 1;
    }
}

int64_t cs_store_find_canon(const cs_store *s, const cs_key *canon)
{
    uint64_t slots = s->h->index_slots;
    for (uint64_t k = cs_store_canon_slot(canon, slots);; k = (k + 1) & (slots - 1)) {
        const cs_canon_slot *c = &s->canon_index[k];
        if (!c->entry)
            return -1;
        if (c->key.lo == canon->lo && c->key.hi == canon->hi)
            return (int64_t)c->entry - 1;
    }
}
