/* Every analysis, in the order a report runs them. */
#include "cs_analysis.h"
#include "cs_dataset.h"
#include "cs_landscape.h"
#include "cs_nb201_analysis.h"
#include "cs_optimizers.h"
#include "cs_structure_analyses.h"

#include <stdio.h>
#include <string.h>

static const cs_analysis_info analyses[] = {
    {"structure", "per-cell depth, width, op counts, parameters, automorphisms; space distributions",
     false, cs_analysis_structure, CS_FITNESS_UNUSED},
    {"multiplicity", "raw 7-vertex encodings per class (all 510 M walked), invalid ones by reason",
     false, cs_analysis_multiplicity, CS_FITNESS_UNUSED},
    {"accuracy", "train/validation/test accuracy distributions at 108 epochs, best cells (paper Fig. 2 left)",
     true, cs_analysis_accuracy, CS_FITNESS_UNUSED},
    {"noise", "noise of test accuracy over repeats per budget; validation-test correlation (Fig. 2 right)",
     true, cs_analysis_noise, CS_FITNESS_UNUSED},
    {"cost", "parameters and training time against validation accuracy, Pareto fronts, ResNet/Inception-like cells (Fig. 3)",
     true, cs_analysis_cost, CS_FITNESS_UNUSED},
    {"budget-correlation", "Spearman and Kendall rank correlation between budgets, all cells and top 50/10/1 % (supplement)",
     true, cs_analysis_budget_correlation, CS_FITNESS_UNUSED},
    {"op-importance", "change in validation accuracy and training time when one op is replaced by another (Fig. 4)",
     true, cs_analysis_op_importance, CS_FITNESS_UNUSED},
    {"depth-width", "validation accuracy and training time by cell depth and width (Fig. 5)",
     true, cs_analysis_depth_width, CS_FITNESS_UNUSED},
    {"neighbours", "neighbour graph of the classes (one edit on any encoding): degrees, components, sampled distances",
     false, cs_analysis_neighbours, CS_FITNESS_UNUSED},
    {"locality", "random-walk autocorrelation along single edits; fitness-distance correlation (Fig. 6 left)",
     true, cs_analysis_locality, CS_FITNESS_ALONE},
    {"peaks", "fraction of all 510 M encodings within edit distance d of a top cell, exact (Fig. 6 right)",
     true, cs_analysis_peaks, CS_FITNESS_ALONE},
    {"optima", "local optima of the neighbour graph: count, accuracies, basins under steepest ascent",
     true, cs_analysis_optima, CS_FITNESS_ALONE},
    {"optimizers", "simulated NAS optimisers (random, regularized evolution, local search, REINFORCE): test regret vs simulated time, final-regret ECDF (Fig. 7)",
     true, cs_analysis_optimizers, CS_FITNESS_WITH_DATA},
};

static const cs_analysis_info nb201_analyses[] = {
    {"structure", "NAS-Bench-201: unique cells under three equivalences by size; cells by depth, live edges and ops",
     false, cs_analysis_nb201_structure, CS_FITNESS_UNUSED},
    {"neighbours", "NAS-Bench-201: neighbour graph of the API's unique cells (one edge op changed): degrees, components, distances",
     false, cs_analysis_nb201_neighbours, CS_FITNESS_UNUSED},
    {"accuracy", "NAS-Bench-201: fitness and score distributions, best cells, noise among isomorphic cells",
     true, cs_analysis_nb201_accuracy, CS_FITNESS_WITH_DATA},
    {"op-importance", "NAS-Bench-201: change in fitness (and cost) when one edge's operation is replaced",
     true, cs_analysis_nb201_op_importance, CS_FITNESS_WITH_DATA},
    {"locality", "NAS-Bench-201: random-walk autocorrelation along single edits; fitness-distance correlation",
     true, cs_analysis_nb201_locality, CS_FITNESS_WITH_DATA},
    {"optima", "NAS-Bench-201: local optima of the cell graph, their fitness and basins under steepest ascent",
     true, cs_analysis_nb201_optima, CS_FITNESS_WITH_DATA},
    {"optimizers", "NAS-Bench-201: simulated NAS optimisers (random, regularized evolution, local search, REINFORCE): regret vs cost",
     true, cs_analysis_nb201_optimizers, CS_FITNESS_WITH_DATA},
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

void cs_analysis_json_file(const cs_analysis_info *a, char *buf, size_t size)
{
    snprintf(buf, size, "%s.json", a->name);
    for (char *p = buf; *p; p++)
        if (*p == '-')
            *p = '_';
}

const cs_analysis_info *cs_analysis_nb201_list(size_t *count)
{
    *count = sizeof nb201_analyses / sizeof nb201_analyses[0];
    return nb201_analyses;
}

const cs_analysis_info *cs_analysis_nb201_find(const char *name)
{
    size_t n;
    const cs_analysis_info *a = cs_analysis_nb201_list(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0)
            return &a[i];
    return NULL;
}
