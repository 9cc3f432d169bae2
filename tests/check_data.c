/* data/: TFRecord framing, the row codec, the store, queries. */
#include "testutil.h"

TCase *cs_tfrecord_tcase(void);
TCase *cs_nb101_row_tcase(void);
TCase *cs_store_tcase(void);
TCase *cs_synth_tcase(void);
TCase *cs_export_tcase(void);
TCase *cs_nb201_data_tcase(void);

static Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    suite_add_tcase(s, cs_tfrecord_tcase());
    suite_add_tcase(s, cs_nb101_row_tcase());
    suite_add_tcase(s, cs_store_tcase());
    suite_add_tcase(s, cs_synth_tcase());
    suite_add_tcase(s, cs_export_tcase());
    suite_add_tcase(s, cs_nb201_data_tcase());
    return s;
}

int main(void)
{
    return cs_test_run(data_suite());
}
