#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}

void cs_test_shared_path(char *buf, size_t size, const char *relpath)
{
    snprintf(buf, size, "%s/%s", CS_TEST_SHARED_DIR, relpath);
}

json_t *cs_test_load_json(const char *relpath)
{
    char path[4096];
    json_error_t jerr;
    cs_test_shared_path(path, sizeof path, relpath);
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "cannot load %s: %s", path, jerr.text);
    return j;
}

cs_status cs_test_spec(cs_spec *s, json_t *matrix, json_t *ops, cs_error *err)
{
    json_t *o = json_object();
    json_object_set(o, "matrix", matrix);
    json_object_set(o, "ops", ops);
    char *text = json_dumps(o, JSON_COMPACT);
    cs_status st = cs_spec_parse(s, text, strlen(text), err);
    free(text);
    json_decref(o);
    return st;
}

void cs_test_cell_from_labels(cs_cell *c, json_t *matrix, json_t *labels)
{
    memset(c, 0, sizeof *c);
    int n = 0;
    for (size_t i = 0; i < json_array_size(labels); i++)
        if (json_integer_value(json_array_get(labels, i)) != -3)
            n++;
    c->n = n;
    for (int i = 0; i < n; i++) {
        c->op[i] = (int8_t)json_integer_value(json_array_get(labels, (size_t)i));
        json_t *row = json_array_get(matrix, (size_t)i);
        for (int j = 0; j < n; j++)
            if (json_number_value(json_array_get(row, (size_t)j)) != 0.0)
                c->adj[i] |= UINT32_C(1) << j;
    }
}

char *cs_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

unsigned long long cs_test_rand(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
