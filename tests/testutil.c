#include "testutil.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_nb101_row.h"
#include "cs_params.h"
#include "cs_space.h"
#include "cs_store.h"
#include "cs_tfrecord.h"
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

#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif

void cs_test_write_store(const cs_space *sp, int epochs,
                         bool (*run)(void *user, size_t c, int r, cs_test_metrics *out),
                         void *user, const char *tag, char *path, size_t size)
{
    char tf[4096];
    snprintf(tf, sizeof tf, "%s/%s.XXXXXX", CS_TEST_TMPDIR, tag);
    int fd = mkstemp(tf);
    ck_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    ck_assert(f != NULL);
    const cs_enum_result *res = cs_space_result(sp);
    cs_error err;
    for (size_t c = 0; c < res->nclasses; c++) {
        cs_cell cell;
        cs_enum_class_cell(res, &res->classes[c], &cell);
        for (int r = 0; r < 3; r++) {
            cs_test_metrics x;
            if (!run(user, c, r, &x))
                continue;
            cs_nb101_row row;
            memset(&row, 0, sizeof row);
            cs_hash_to_hex(res->classes[c].hash, row.hash);
            row.epochs = epochs;
            char text[2048];
            cs_cell_format_row(&cell, text, sizeof text);
            char *blank = strchr(text, ' ');
            ck_assert(blank != NULL);
            *blank = '\0';
            ck_assert(strlen(text) <= CS_NB101_ADJ_MAX && strlen(blank + 1) <= CS_NB101_OPS_MAX);
            memcpy(row.adjacency, text, strlen(text) + 1);
            memcpy(row.ops, blank + 1, strlen(blank + 1) + 1);
            int64_t params;
            ck_assert(cs_cell_trainable_parameters(&cell, &params, &err) == CS_OK);
            row.trainable_parameters = (int32_t)params;
            row.total_time = x.time + 10;
            row.n_eval = 3;
            row.eval[0] = (cs_nb101_eval){0.0, 0.0, 0.1, 0.1, 0.1};
            row.eval[1] = (cs_nb101_eval){epochs / 2.0, x.time / 2, 0.5, 0.5, 0.5};
            row.eval[2] = (cs_nb101_eval){epochs, x.time, 1.0, x.validation, x.test};
            snprintf(row.checkpoint_path, sizeof row.checkpoint_path, "%s/%s",
                     CS_SYNTHETIC_MARKER, tag);
            unsigned char *bytes;
            size_t len;
            ck_assert_msg(cs_nb101_row_encode(&row, &bytes, &len, &err) == CS_OK, "%s", err.msg);
            ck_assert(cs_tfrecord_write(f, bytes, len, &err) == CS_OK);
            free(bytes);
        }
    }
    ck_assert_int_eq(fclose(f), 0);
    snprintf(path, size, "%s.store", tf);
    cs_import_options io;
    cs_import_options_init(&io);
    io.threads = 1;
    cs_import_stats stats;
    ck_assert_msg(cs_store_import(tf, path, &io, &stats, &err) == CS_OK, "%s", err.msg);
    ck_assert(stats.synthetic);
    unlink(tf);
}

#ifndef CS_TEST_BINARY
#define CS_TEST_BINARY "./cellscape"
#endif

cs_test_cli_result cs_test_cli(const char *env, const char *args, const char *input)
{
    char outp[4096], errp[4096], cmd[16384];
    snprintf(outp, sizeof outp, "%s/cli-out-XXXXXX", CS_TEST_TMPDIR);
    snprintf(errp, sizeof errp, "%s/cli-err-XXXXXX", CS_TEST_TMPDIR);
    int fo = mkstemp(outp), fe = mkstemp(errp);
    ck_assert(fo >= 0 && fe >= 0);
    close(fo);
    close(fe);
    const char *wrapper = getenv("CS_TEST_WRAPPER");
    snprintf(cmd, sizeof cmd, "CELLSCAPE_PROGRESS=0 %s %s %s %s < %s > %s 2> %s",
             env ? env : "", wrapper ? wrapper : "", CS_TEST_BINARY, args,
             input ? input : "/dev/null", outp, errp);
    int status = system(cmd);
    cs_test_cli_result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    size_t n;
    r.out = cs_test_read_file(outp, &r.out_len);
    r.err = cs_test_read_file(errp, &n);
    unlink(outp);
    unlink(errp);
    ck_assert(r.out && r.err);
    return r;
}

void cs_test_cli_free(cs_test_cli_result *r)
{
    free(r->out);
    free(r->err);
}

json_t *cs_test_json_at(const char *dir, const char *file)
{
    char p[8192];
    json_error_t jerr;
    snprintf(p, sizeof p, "%s/%s", dir, file);
    json_t *j = json_load_file(p, 0, &jerr);
    ck_assert_msg(j != NULL, "%s: %s", p, jerr.text);
    return j;
}

double cs_test_jnum(json_t *j, const char *k)
{
    json_t *v = json_object_get(j, k);
    ck_assert_msg(v && json_is_number(v), "JSON key %s missing or not a number", k);
    return json_number_value(v);
}
