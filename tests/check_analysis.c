/* analysis/: every analysis on inputs whose answers are known. */
#include "testutil.h"

TCase *cs_structure_tcase(void);
TCase *cs_stats_tcase(void);
TCase *cs_dataset_tcase(void);
TCase *cs_landscape_tcase(void);
TCase *cs_optimizers_tcase(void);
TCase *cs_nb201_analysis_tcase(void);

static Suite *analysis_suite(void)
{
    Suite *s = suite_create("analysis");
    suite_add_tcase(s, cs_structure_tcase());
    suite_add_tcase(s, cs_stats_tcase());
    suite_add_tcase(s, cs_dataset_tcase());
    suite_add_tcase(s, cs_landscape_tcase());
    suite_add_tcase(s, cs_optimizers_tcase());
    suite_add_tcase(s, cs_nb201_analysis_tcase());
    return s;
}

int main(void)
{
    return cs_test_run(analysis_suite());
}
