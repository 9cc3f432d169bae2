/* cellscape analysis/: what the NAS-Bench-201 analyses' files share for
 * writing their outputs (not installed; cs_nb201_analysis.h is the API). */
#ifndef CS_NB201_INTERNAL_H
#define CS_NB201_INTERNAL_H

#include "cs_nb201_analysis.h"
#include "landscape_internal.h"
#include "cs_json.h"

/* The cells as the graph-level analyses (cs_landscape.h) see them. */
void cs_nb201_values_fitness(const cs_nb201_values *v, cs_landscape_fitness *lf,
                             const char *fitness_what);

/* The JSON fields every data analysis starts with: space, dataset and
 * the metrics read.  _put writes them into j; _fields into a new builder
 * whose text (fields->buf) the caller hands on and frees (cs_jb_free). */
void cs_nb201_values_put(cs_jb *j, const cs_nb201_values *v);
cs_status cs_nb201_values_fields(const cs_nb201_values *v, cs_jb *fields, cs_error *err);

/* A cell's name: its arch string (a cs_landscape_fitness namer). */
void cs_nb201_name_index(const void *user, int64_t v, char *buf, size_t size);

#endif
