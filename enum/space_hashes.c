/* cellscape: the module hash of every class of a space. */
#include <stdlib.h>

#include "cs_iso.h"
#include "cs_space.h"

cs_status cs_space_class_hashes(const cs_space *sp, char (*hex)[33], cs_error *err)
{
    /* the hasher is fastest on batches (cs_hasher_hash hashes many cells
     * at once); a batch bounds the cells held at a time */
    enum { BATCH = 4096 };
    const cs_enum_result *res = cs_space_result(sp);
    size_t nc = cs_space_num_classes(sp);
    cs_cell *cells = malloc(BATCH * sizeof *cells);
    if (!cells)
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (hashing the space)");
    cs_hasher *h = NULL;
    cs_status st = cs_hasher_init(&h, err);
    for (size_t lo = 0; !st && lo < nc; lo += BATCH) {
        size_t k = nc - lo < BATCH ? nc - lo : BATCH;
        for (size_t i = 0; i < k; i++)
            cs_enum_class_cell(res, &res->classes[lo + i], &cells[i]);
        st = cs_hasher_hash(h, k, cells, hex + lo, err);
    }
    cs_hasher_destroy(h);
    free(cells);
    return st;
}
