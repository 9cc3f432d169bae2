/* cellscape enum/: writing an enumeration's classes. */
#ifndef CS_ENUM_OUTPUT_H
#define CS_ENUM_OUTPUT_H

#include <stdio.h>

#include "cs_enum.h"

#ifdef __cplusplus
extern "C" {
#endif

/* TSV header; one class a line in order of first appearance:
 * class (index), hash, vertices, edges, cell (representative, compact form),
 * canonical (compact form), automorphisms, members (labelled graphs). */
extern const char *const cs_enum_tsv_columns;

cs_status cs_enum_write_tsv(FILE *f, const cs_enum_result *res, cs_error *err);
/* One JSON object a class: the TSV's fields plus matrix, ops, labels. */
cs_status cs_enum_write_jsonl(FILE *f, const cs_enum_result *res, cs_error *err);
/* The reference generator's output file, byte for byte. */
cs_status cs_enum_write_nasbench_json(FILE *f, const cs_enum_result *res,
                                      cs_error *err);

#ifdef __cplusplus
}
#endif
#endif
