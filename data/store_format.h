/* Internal to data/: the store's on-disk header (little-endian, version 1). */
#ifndef CS_STORE_FORMAT_H
#define CS_STORE_FORMAT_H

#include <stdint.h>

#include "cs_store.h"

#define CS_STORE_MAGIC "cellscape-nb101"   /* 15 characters and a NUL */
#define CS_STORE_HEADER_SIZE 256
#define CS_STORE_FLAG_SYNTHETIC 1u
/* Written as the host sees 0x01020304: tells a big-endian reader apart. */
#define CS_STORE_BYTE_ORDER 0x01020304u

typedef struct cs_store_header {
    char magic[16];
    uint32_t version;
    uint32_t byte_order;
    uint32_t header_size;
    uint32_t entry_size;
    uint64_t ncells;
    uint32_t nbudgets;
    uint32_t budgets[CS_STORE_MAX_BUDGETS];
    uint32_t repeats;
    uint32_t flags;
    uint32_t reserved0;
    uint64_t entries_offset;
    uint64_t hash_index_offset;
    uint64_t canon_index_offset;
    uint64_t index_slots;
    uint64_t file_size;
    uint64_t source_bytes;
    unsigned char source_sha256[32];
    uint32_t crc_entries;
    uint32_t crc_hash_index;
    uint32_t crc_canon_index;
    uint32_t crc_header; /* over the header with this field zero */
    unsigned char pad[CS_STORE_HEADER_SIZE - 168];
} cs_store_header;

_Static_assert(sizeof(cs_store_header) == CS_STORE_HEADER_SIZE, "header layout");
_Static_assert(sizeof(cs_store_entry) == 64, "entry layout");
_Static_assert(sizeof(cs_run) == 64, "run layout");

/* A slot of the canonical-form index: the key itself, so that a look-up
 * touches one cache line, not the slot and then the entry. */
typedef struct cs_canon_slot {
    cs_key key;
    uint32_t entry; /* entry + 1; 0 = empty */
    uint32_t reserved;
} cs_canon_slot;

_Static_assert(sizeof(cs_canon_slot) == 24, "canon slot layout");

/* Slot of a module hash / canonical key in an index of `slots` (a power of
 * two) entries. */
uint64_t cs_store_hash_slot(const unsigned char hash[16], uint64_t slots);
uint64_t cs_store_canon_slot(const cs_key *canon, uint64_t slots);

#endif
