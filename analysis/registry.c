/* Every analysis, in the order a report runs them. */
#include "cs_analysis.h"
#include "cs_structure_analyses.h"

#include <string.h>

static const cs_analysis_info analyses[] = {
    {"structure", "per-cell depth, width, op counts, parameters, automorphisms; space distributions",
     false, cs_analysis_structure},
    {"multiplicity", "raw 7-vertex encodings per class (all 510 M walked), invalid ones by reason",
     false, cs_analysis_multiplicity},
};

const cs_analysis_info *cs_analysis_list(size_t *count)
{
    *count = sizeof analyses / sizeof analyses[0];
    return analyses;
}

const cs_analysis_info *cs_analysis_find(const char *name)
{
    for (size_t i = 0; i < sizeof analyses / sizeof analyses[0]; i++)
        if (strcmp(analyses[i].name, name) == 0)
            return &analyses[i];
    return NULL;
}
