/* The cellscape command on the fixtures: what users and scripts see. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#ifndef CS_TEST_BINARY
#define CS_TEST_BINARY "./cellscape"
#endif
#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif

typedef cs_test_cli_result result;

static result run(const char *args, const char *input)
{
    return cs_test_cli(NULL, args, input);
}

static void result_free(result *r)
{
    cs_test_cli_free(r);
}

static void write_temp(char *path, size_t size, const char *text)
{
    snprintf(path, size, "%s/cli-in-XXXXXX", CS_TEST_TMPDIR);
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static const char *const fixtures[] = {
    "fixtures/nb101-mini-full.expected.json",
    "fixtures/nb101-mini-only108.expected.json",
    "fixtures/nb101-real30-only108.expected.json",
};

static const char *const tfrecords[] = {
    "fixtures/nb101-mini-full.tfrecord",
    "fixtures/nb101-mini-only108.tfrecord",
    "fixtures/nb101-real30-only108.tfrecord",
};

/* Write the probes of one fixture as JSON lines; returns the probes. */
static json_t *probe_input(int fixture, char *path, size_t size)
{
    json_t *root = cs_test_load_json(fixtures[fixture]);
    json_t *probes = json_object_get(root, "probes");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    size_t i;
    json_t *p;
    json_array_foreach(probes, i, p)
    {
        json_t *o = json_pack("{sOsO}", "matrix", json_object_get(p, "matrix"), "ops",
                              json_object_get(p, "ops"));
        char *s = json_dumps(o, JSON_COMPACT);
        fprintf(f, "%s\n", s);
        free(s);
        json_decref(o);
    }
    fclose(f);
    write_temp(path, size, text);
    free(text);
    return root;
}

/* Every probe through `cellscape cell --json`: keys equal the reference's. */
START_TEST(test_cell_json_matches_probes)
{
    char in[4096];
    json_t *root = probe_input(_i, in, sizeof in);
    json_t *probes = json_object_get(root, "probes");
    size_t i;
    json_t *p;
    result r = run("cell --json", in);
    unlink(in);
    /* construction errors are malformed input: exit 1, each named on stderr */
    ck_assert_int_eq(r.code, 1);
    ck_assert(strstr(r.err, "line ") && strstr(r.err, "ValueError"));
    char *save, *line = strtok_r(r.out, "\n", &save);
    json_array_foreach(probes, i, p)
    {
        ck_assert_msg(line != NULL, "no output for probe %zu", i);
        json_t *got = json_loads(line, 0, NULL);
        ck_assert_msg(got != NULL, "bad JSON: %s", line);
        ck_assert_int_eq(json_integer_value(json_object_get(got, "line")), (json_int_t)i + 1);
        static const char *const keys[] = {"valid", "pruned_matrix", "pruned_ops", "hash",
                                           "error", "message"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_t *want = json_object_get(p, keys[k]);
            if (!want)
                continue;
            json_t *have = json_object_get(got, keys[k]);
            ck_assert_msg(have && json_equal(want, have), "probe %zu key %s: got %s", i,
                          keys[k], line);
        }
        if (json_is_true(json_object_get(p, "valid")))
            ck_assert(json_object_get(got, "canonical") && json_object_get(got, "automorphisms"));
        /* real parameter counts (the mini fixtures' are synthetic) */
        json_t *fixed = json_object_get(p, "fixed");
        if (_i == 2 && fixed)
            ck_assert_msg(json_equal(json_object_get(fixed, "trainable_parameters"),
                                     json_object_get(got, "trainable_parameters")),
                          "probe %zu parameters: %s", i, line);
        json_decref(got);
        line = strtok_r(NULL, "\n", &save);
    }
    result_free(&r);
    json_decref(root);
}
END_TEST

START_TEST(test_cell_forms_and_tsv)
{
    /* the Inception-like cell in three forms: one hash, one canonical form */
    result r = run("cell '{\"matrix\": [[0,1,1,1,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],"
                   "[0,0,0,0,1,0,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]], "
                   "\"ops\": [\"input\",\"conv1x1-bn-relu\",\"conv3x3-bn-relu\","
                   "\"conv3x3-bn-relu\",\"conv3x3-bn-relu\",\"maxpool3x3\",\"output\"]}' "
                   "I31M33O:111100000010001001101 "
                   "'0111100000000100000010000001000001000000010000000 "
                   "input,conv3x3-bn-relu,conv1x1-bn-relu,maxpool3x3,conv3x3-bn-relu,"
                   "conv3x3-bn-relu,output'",
                   NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    char *save, *line = strtok_r(r.out, "\n", &save);
    ck_assert_str_eq(line, "line\tvalid\thash\tpruned\tcanonical\tautomorphisms\treference\t"
                           "trainable_parameters\terror\tmessage");
    char hash[3][64], canon[3][128];
    for (int k = 0; k < 3; k++) {
        line = strtok_r(NULL, "\n", &save);
        ck_assert_ptr_nonnull(line);
        long n, aut, params;
        char valid[8], pruned[128], ref[128];
        ck_assert_int_eq(sscanf(line, "%ld %7s %63s %127s %127s %ld %127s %ld", &n, valid, hash[k],
                                pruned, canon[k], &aut, ref, &params), 8);
        /* the facts sheet's count for the Inception-like cell, whatever the
         * order it was given in */
        ck_assert_int_eq(params, 2694282);
        ck_assert_str_eq(ref, "I31M33O:111100000010001001101");
        ck_assert_int_eq(n, k + 1);
        ck_assert_str_eq(valid, "true");
    }
    ck_assert_str_eq(hash[0], hash[1]);
    ck_assert_str_eq(hash[0], hash[2]);
    ck_assert_str_eq(canon[0], canon[1]);
    ck_assert_str_eq(canon[0], canon[2]);
    result_free(&r);
}
END_TEST

START_TEST(test_cell_bad_lines_named)
{
    char in[4096];
    write_temp(in, sizeof in, "IO:1\n\n# a comment\ngarbage\nI3O:111\n0120 input,output\n");
    result r = run("cell", in);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.err, "line 4: ParseError"), "%s", r.err);
    ck_assert_msg(strstr(r.err, "line 6: ParseError"), "%s", r.err);
    ck_assert(strstr(r.out, "\n5\ttrue\t"));
    result_free(&r);
    r = run("cell --stop-on-error", in);
    ck_assert_int_eq(r.code, 1);
    ck_assert(!strstr(r.out, "\n5\t"));
    ck_assert(!strstr(r.err, "line 6"));
    result_free(&r);
    unlink(in);
}
END_TEST

/* The reference generator's files through the command and -o. */
START_TEST(test_enum_nasbench_json_file)
{
    static const char *const files[] = {"realdata/generated_graphs_4V9E.json",
                                         "realdata/generated_graphs_5V9E.json"};
    char out[4096], args[8192], ref[4096];
    snprintf(out, sizeof out, "%s/enum-%d-%ld.json", CS_TEST_TMPDIR, _i, (long)getpid());
    snprintf(args, sizeof args, "enum --max-vertices %d --verify --format nasbench-json -o %s",
             4 + _i, out);
    result r = run(args, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert(strstr(r.out, "CERTIFIED"));
    size_t a, b;
    char *got = cs_test_read_file(out, &a);
    cs_test_shared_path(ref, sizeof ref, files[_i]);
    char *want = cs_test_read_file(ref, &b);
    ck_assert(got && want);
    ck_assert_uint_eq(a, b);
    ck_assert(memcmp(got, want, a) == 0);
    free(got);
    free(want);
    unlink(out);
    result_free(&r);
}
END_TEST

START_TEST(test_enum_summary_json)
{
    result r = run("enum --max-vertices 5 --verify --json", NULL);
    ck_assert_int_eq(r.code, 0);
    json_t *o = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(json_integer_value(json_object_get(o, "classes")), 2532);
    ck_assert(json_is_true(json_object_get(json_object_get(o, "verify"), "certified")));
    json_decref(o);
    result_free(&r);
}
END_TEST

START_TEST(test_usage_errors)
{
    static const char *const bad[] = {
        "enum --max-vertices 99", "enum --max-vertices x", "enum --format xml",
        "enum --exhaustive", "enum extra", "cell --nope", "nosuchcommand", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        result r = run(bad[i], NULL);
        ck_assert_msg(r.code == 2, "'%s' exit %d", bad[i], r.code);
        ck_assert_msg(r.err[0] != '\0', "'%s' said nothing", bad[i]);
        result_free(&r);
    }
    static const char *const help[] = {"--help",        "cell --help",  "enum --help",
                                       "import --help", "query --help", "export --help",
                                       "synth --help",  "analyze --help", "--version"};
    for (size_t i = 0; i < sizeof help / sizeof help[0]; i++) {
        result r = run(help[i], NULL);
        ck_assert_int_eq(r.code, 0);
        ck_assert(strlen(r.out) > 10);
        result_free(&r);
    }
}
END_TEST

/* An output that cannot be written: exit 4, nothing left behind. */
START_TEST(test_enum_unwritable_output)
{
    char dir[4096], args[8192];
    snprintf(dir, sizeof dir, "%s/no-such-dir-%ld", CS_TEST_TMPDIR, (long)getpid());
    snprintf(args, sizeof args, "enum --max-vertices 4 -o %s/x.tsv", dir);
    result r = run(args, NULL);
    ck_assert_int_eq(r.code, 4);
    ck_assert(strstr(r.err, "x.tsv"));
    struct stat st;
    ck_assert(stat(dir, &st) != 0);
    result_free(&r);
    /* standard output on a full device: the writes fail, and we say so */
    int status = system("CELLSCAPE_PROGRESS=0 " CS_TEST_BINARY
                        " enum --max-vertices 5 --format tsv > /dev/full 2> /dev/null");
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 4);
    /* -o on a device writes in place: the device stays a device */
    status = system("CELLSCAPE_PROGRESS=0 " CS_TEST_BINARY
                    " enum --max-vertices 4 --format tsv -o /dev/null > /dev/null 2>&1");
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat sb;
    ck_assert(stat("/dev/null", &sb) == 0 && S_ISCHR(sb.st_mode));
    status = system("CELLSCAPE_PROGRESS=0 " CS_TEST_BINARY
                    " enum --max-vertices 5 --format tsv -o /dev/full > /dev/null 2>&1");
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 4);
    ck_assert(stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode));
}
END_TEST


/* import, then query --json --all-repeats: every probe's keys as the
 * reference answered them, values bit-exact. */
START_TEST(test_import_and_query_match_probes)
{
    char in[4096], store[4096], args[16384], src[4096];
    json_t *root = probe_input(_i, in, sizeof in);
    cs_test_shared_path(src, sizeof src, tfrecords[_i]);
    snprintf(store, sizeof store, "%s/store-%d-%ld.nb101", CS_TEST_TMPDIR, _i, (long)getpid());
    snprintf(args, sizeof args, "import %s -o %s", src, store);
    result r = run(args, NULL);
    ck_assert_msg(r.code == 0, "import exit %d: %s", r.code, r.err);
    ck_assert(strstr(r.out, "records"));
    result_free(&r);
    for (int direct = 0; direct < 2; direct++) {
        /* the store, then the .tfrecord itself (imported on the fly) */
        snprintf(args, sizeof args, "query %s --json --all-repeats", direct ? src : store);
        r = run(args, in);
        ck_assert_int_eq(r.code, 1); /* the ValueError probes */
        char *save, *line = strtok_r(r.out, "\n", &save);
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(root, "probes"), i, p)
        {
            ck_assert_msg(line != NULL, "no output for probe %zu", i);
            json_t *got = json_loads(line, 0, NULL);
            ck_assert_ptr_nonnull(got);
            static const char *const keys[] = {"valid", "hash", "error", "message",
                                               "in_dataset", "fixed", "computed"};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                json_t *want = json_object_get(p, keys[k]);
                if (!want)
                    continue;
                json_t *have = json_object_get(got, keys[k]);
                ck_assert_msg(have && json_equal(want, have), "probe %zu key %s: %s", i,
                              keys[k], line);
            }
            json_decref(got);
            line = strtok_r(NULL, "\n", &save);
        }
        result_free(&r);
    }
    unlink(in);
    unlink(store);
    json_decref(root);
}
END_TEST

START_TEST(test_query_tsv_and_hash)
{
    char src[4096], args[16384];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-real30-only108.tfrecord");
    snprintf(args, sizeof args,
             "query %s --repeat 1 ff92c322c5d9d3d587d9c146a63d0807 00000000000000000000000000000000",
             src);
    result r = run(args, NULL);
    ck_assert_msg(r.code == 1, "exit %d: %s", r.code, r.err);
    /* repeat 1 of that cell (realdata): test accuracy 0.9192708134651184 */
    ck_assert_msg(strstr(r.out, "\n1\ttrue\ttrue\tff92c322c5d9d3d587d9c146a63d0807\t108\t1\t"
                                "1395.739990234375\t1.0\t0.9279847741127014\t0.9192708134651184\t6315018"),
                  "%s", r.out);
    /* a hash the store lacks proves nothing about validity: the
     * reference's KeyError, the line counted as failed (exit 1 above) */
    ck_assert_msg(strstr(r.out, "\n2\t\t\t00000000000000000000000000000000\t\t\t\t\t\t\t\t"
                                "KeyError\tunknown module hash 00000000000000000000000000000000"),
                  "%s", r.out);
    ck_assert(strstr(r.err, "line 2: KeyError"));
    result_free(&r);
    snprintf(args, sizeof args, "query --json %s 00000000000000000000000000000000", src);
    r = run(args, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(!strstr(r.out, "\"valid\"") && !strstr(r.out, "in_dataset") &&
                      strstr(r.out, "\"error\": \"KeyError\""),
                  "%s", r.out);
    ck_assert(!strstr(r.out, "synthetic") && !strstr(r.err, "SYNTHETIC"));
    result_free(&r);
}
END_TEST

/* A read error on standard input (here: it is a directory) is no end of
 * input: the command says so and fails. */
START_TEST(test_stdin_read_error_fails)
{
    char src[4096], args[8192];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-real30-only108.tfrecord");
    result r = run("cell", CS_TEST_TMPDIR);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.err, "cannot read standard input"), "%s", r.err);
    result_free(&r);
    snprintf(args, sizeof args, "query %s", src);
    r = run(args, CS_TEST_TMPDIR);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.err, "cannot read standard input"), "%s", r.err);
    result_free(&r);
    /* an empty input is fine */
    r = run("cell", NULL);
    ck_assert_int_eq(r.code, 0);
    result_free(&r);
}
END_TEST

/* A file that is neither a store nor a TFRecord is called that, by name,
 * not reported as a damaged record. */
START_TEST(test_not_a_store_nor_tfrecord)
{
    char path[4096], args[8192];
    write_temp(path, sizeof path, "this is a text file, long enough for a header\n");
    snprintf(args, sizeof args, "query %s IO:1", path);
    result r = run(args, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.err, path) && strstr(r.err, "not a TFRecord file nor a cellscape store"),
                  "%s", r.err);
    ck_assert(!strstr(r.err, "bad length CRC"));
    result_free(&r);
    unlink(path);
    /* a store that cannot be read is bad input (1), as query --help says */
    static const char *const unreadable[] = {"query /nonexistent/x.store IO:1",
                                             "query " CS_TEST_TMPDIR " IO:1"};
    for (size_t i = 0; i < 2; i++) {
        r = run(unreadable[i], NULL);
        ck_assert_msg(r.code == 1, "'%s': exit %d: %s", unreadable[i], r.code, r.err);
        result_free(&r);
    }
    r = run("query --help", NULL);
    ck_assert(strstr(r.out, "1 some cell malformed or the store\nunreadable"));
    result_free(&r);
}
END_TEST

/* A synthetic store's answers say SYNTHETIC in every output form. */
START_TEST(test_query_synthetic_labelled)
{
    char src[4096], store[4096], args[16384];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-real30-only108.tfrecord");
    snprintf(store, sizeof store, "%s/qsyn-%ld.nb101", CS_TEST_TMPDIR, (long)getpid());
    snprintf(args, sizeof args, "import -q --synthetic %s -o %s", src, store);
    result r = run(args, NULL);
    ck_assert_msg(r.code == 0, "%s", r.err);
    result_free(&r);
    snprintf(args, sizeof args, "query %s ff92c322c5d9d3d587d9c146a63d0807", store);
    r = run(args, NULL);
    ck_assert_msg(r.code == 0, "%s", r.err);
    ck_assert_msg(strncmp(r.out, "# SYNTHETIC", 11) == 0, "%s", r.out);
    ck_assert(strstr(r.out, "\nline\tvalid\t"));
    ck_assert(strstr(r.err, "SYNTHETIC"));
    result_free(&r);
    snprintf(args, sizeof args, "query --json %s ff92c322c5d9d3d587d9c146a63d0807", store);
    r = run(args, NULL);
    ck_assert_msg(r.code == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "\"synthetic\": true"), "%s", r.out);
    result_free(&r);
    unlink(store);
}
END_TEST

START_TEST(test_import_errors)
{
    char args[16384], store[4096], bad[4096];
    snprintf(store, sizeof store, "%s/never-%ld.nb101", CS_TEST_TMPDIR, (long)getpid());
    /* a TFRecord cut in the middle of a record */
    char src[4096];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-real30-only108.tfrecord");
    size_t len;
    char *buf = cs_test_read_file(src, &len);
    snprintf(bad, sizeof bad, "%s/cut-%ld.tfrecord", CS_TEST_TMPDIR, (long)getpid());
    FILE *f = fopen(bad, "wb");
    fwrite(buf, 1, len - 100, f);
    fclose(f);
    /* the whole records before the cut, by the framing (8-byte length,
     * 4-byte CRC, data, 4-byte CRC) */
    size_t whole = 0, at = 0;
    for (;;) {
        uint64_t dlen = 0;
        for (int k = 0; k < 8; k++)
            dlen |= (uint64_t)(unsigned char)buf[at + (size_t)k] << (8 * k);
        if (at + 16 + dlen > len - 100)
            break;
        at += 16 + (size_t)dlen;
        whole++;
    }
    free(buf);
    ck_assert_uint_eq(whole, 89);
    snprintf(args, sizeof args, "import %s -o %s", bad, store);
    result r = run(args, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.err, bad) && strstr(r.err, "record 89") && strstr(r.err, "offset"),
                  "%s", r.err);
    ck_assert_msg(strstr(r.err, "--keep-going keeps the 89 records before the cut"), "%s", r.err);
    ck_assert(access(store, F_OK) != 0);
    result_free(&r);
    /* --keep-going: those records kept, the loss said, a warning status */
    snprintf(args, sizeof args, "import --keep-going --json -q %s -o %s", bad, store);
    r = run(args, NULL);
    ck_assert_msg(r.code == 6, "exit %d: %s", r.code, r.err);
    char want[256];
    snprintf(want, sizeof want, "kept the 89 records before the cut, lost its last %zu bytes",
             len - 100 - at);
    ck_assert_msg(strstr(r.err, want), "%s", r.err);
    json_t *summary = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(summary);
    ck_assert_int_eq(json_integer_value(json_object_get(summary, "records")), 89);
    ck_assert(json_is_true(json_object_get(summary, "cut")));
    ck_assert_int_eq(json_integer_value(json_object_get(summary, "cut_bytes_lost")),
                     (json_int_t)(len - 100 - at));
    json_decref(summary);
    result_free(&r);
    ck_assert_int_eq(unlink(store), 0);
    /* a store that is not one */
    snprintf(args, sizeof args, "query %s IO:1", bad);
    r = run(args, NULL);
    ck_assert_int_eq(r.code, 1);
    result_free(&r);
    unlink(bad);
    r = run("import", NULL);
    ck_assert_int_eq(r.code, 2);
    result_free(&r);
    r = run("query /nonexistent/store IO:1", NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert(strstr(r.err, "/nonexistent/store"));
    result_free(&r);
}
END_TEST

/* enum --space nb201: the counts, certified, and every cell listed in the
 * API's index order (the public list of arch strings). */
START_TEST(test_enum_nb201)
{
    result r = run("enum --space nb201 --verify", NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert(strstr(r.out, "15625 cells") && strstr(r.out, "6466 classes by the API's rule") &&
              strstr(r.out, "7043 classes of computation graphs") && strstr(r.out, "CERTIFIED"));
    result_free(&r);
    char path[4096], args[8192];
    snprintf(path, sizeof path, "%s/nb201-%ld.tsv", CS_TEST_TMPDIR, (long)getpid());
    snprintf(args, sizeof args, "enum --space nb201 -o %s", path);
    r = run(args, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    result_free(&r);
    size_t len;
    char *tsv = cs_test_read_file(path, &len);
    ck_assert_ptr_nonnull(tsv);
    json_t *root = cs_test_load_json("realdata/nb201-archs-cifar10.json");
    json_t *archs = json_object_get(root, "archs");
    size_t lines = 0;
    char *save = NULL;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (lines > 0) {
            char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
            ck_assert(tab1 && tab2);
            *tab2 = '\0';
            ck_assert_str_eq(tab1 + 1, json_string_value(json_array_get(archs, lines - 1)));
        }
        lines++;
    }
    ck_assert_uint_eq(lines, 15626);
    json_decref(root);
    free(tsv);
    unlink(path);
    r = run("enum --space nb301", NULL);
    ck_assert_int_eq(r.code, 2);
    ck_assert(strstr(r.err, "--space takes nb101 or nb201"));
    result_free(&r);
}
END_TEST

/* The arch string's six edge operations, in order. */
static int arch_ops(const char *arch, char ops[6][32])
{
    int k = 0;
    for (const char *p = arch; *p && k <= 6;) {
        if (*p == '|' || *p == '+') {
            p++;
            continue;
        }
        size_t n = strcspn(p, "|");
        if (k == 6 || n >= 32)
            return -1;
        memcpy(ops[k], p, n);
        ops[k++][n] = '\0';
        p += n;
    }
    return k;
}

/* analyze neighbours --edges on NAS-Bench-201: the nodes are the API's
 * cells in its order (realdata/nb201-archs-cifar10.json), and the edges are
 * exactly the pairs of cells one edge operation apart: each is checked
 * on the arch strings, and there are 15,625 x 24 / 2 of them, all the pairs
 * there are. */
START_TEST(test_analyze_edges)
{
    char dir[4096], edges[4200], nodes[4200], args[16384];
    snprintf(dir, sizeof dir, "%s/edges-%ld", CS_TEST_TMPDIR, (long)getpid());
    snprintf(edges, sizeof edges, "%s-graph.tsv", dir);
    snprintf(nodes, sizeof nodes, "%s-graph.nodes.tsv", dir);
    snprintf(args, sizeof args, "analyze --space nb201 neighbours -q -o %s --edges %s", dir,
             edges);
    result r = run(args, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    result_free(&r);
    json_t *root = cs_test_load_json("realdata/nb201-archs-cifar10.json");
    json_t *archs = json_object_get(root, "archs");
    ck_assert_uint_eq(json_array_size(archs), 15625);
    size_t len;
    char *tsv = cs_test_read_file(nodes, &len), *save = NULL;
    ck_assert_ptr_nonnull(tsv);
    size_t lines = 0;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (lines == 0) {
            ck_assert_str_eq(line, "index\tarch");
        } else {
            char want[64];
            snprintf(want, sizeof want, "%zu\t", lines - 1);
            ck_assert(strncmp(line, want, strlen(want)) == 0);
            ck_assert_str_eq(line + strlen(want),
                             json_string_value(json_array_get(archs, lines - 1)));
        }
        lines++;
    }
    ck_assert_uint_eq(lines, 15626);
    free(tsv);
    tsv = cs_test_read_file(edges, &len);
    ck_assert_ptr_nonnull(tsv);
    lines = 0;
    long last_a = -1, last_b = -1;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (lines++ == 0) {
            ck_assert_str_eq(line, "source\ttarget");
            continue;
        }
        long a, b;
        ck_assert_msg(sscanf(line, "%ld\t%ld", &a, &b) == 2, "line '%s'", line);
        ck_assert(a >= 0 && a < b && b < 15625);
        ck_assert_msg(a > last_a || (a == last_a && b > last_b), "not ascending at %ld %ld", a, b);
        last_a = a;
        last_b = b;
        char oa[6][32], ob[6][32];
        ck_assert_int_eq(arch_ops(json_string_value(json_array_get(archs, (size_t)a)), oa), 6);
        ck_assert_int_eq(arch_ops(json_string_value(json_array_get(archs, (size_t)b)), ob), 6);
        int differ = 0;
        for (int e = 0; e < 6; e++)
            differ += strcmp(oa[e], ob[e]) != 0;
        ck_assert_msg(differ == 1, "edge %ld-%ld: %d operations differ", a, b, differ);
    }
    ck_assert_uint_eq(lines, 1 + 15625 * 24 / 2);
    free(tsv);
    json_decref(root);
    unlink(edges);
    unlink(nodes);
    /* --nodes names the second file; an unwritable one leaves neither */
    snprintf(args, sizeof args,
             "analyze --space nb201 neighbours -q -o %s --edges %s --nodes %s/no/such/n.tsv", dir,
             edges, dir);
    r = run(args, NULL);
    ck_assert_int_eq(r.code, 4);
    ck_assert_msg(strstr(r.err, "/no/such/n.tsv"), "%s", r.err);
    ck_assert(access(edges, F_OK) != 0);
    result_free(&r);
    static const char *const bad[][2] = {
        {"analyze locality --edges e.tsv", "--edges is for the neighbours analysis"},
        {"analyze all --edges e.tsv", "--edges is for the neighbours analysis"},
        {"analyze neighbours --nodes n.tsv", "give --edges FILE"},
        {"analyze neighbours --edges -", "--nodes FILE"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = run(bad[i][0], NULL);
        ck_assert_msg(r.code == 2, "%s: exit %d", bad[i][0], r.code);
        ck_assert_msg(strstr(r.err, bad[i][1]), "%s: %s", bad[i][0], r.err);
        result_free(&r);
    }
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(args), 0);
}
END_TEST

/* analyze on a fixture imported as synthetic: files appear, labelled. */
START_TEST(test_analyze_on_fixture)
{
    char src[4096], store[4096], dir[4096], args[16384], path[8192];
    cs_test_shared_path(src, sizeof src, "fixtures/nb101-mini-full.tfrecord");
    snprintf(store, sizeof store, "%s/an-%ld.nb101", CS_TEST_TMPDIR, (long)getpid());
    snprintf(dir, sizeof dir, "%s/an-%ld", CS_TEST_TMPDIR, (long)getpid());
    snprintf(args, sizeof args, "import --synthetic %s -o %s", src, store);
    result r = run(args, NULL);
    ck_assert_msg(r.code == 0, "%s", r.err);
    result_free(&r);
    snprintf(args, sizeof args, "analyze noise --data %s -o %s", store, dir);
    r = run(args, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert(strstr(r.err, "SYNTHETIC"));
    result_free(&r);
    size_t len;
    snprintf(path, sizeof path, "%s/noise.json", dir);
    char *json = cs_test_read_file(path, &len);
    ck_assert_ptr_nonnull(json);
    json_t *o = json_loads(json, 0, NULL);
    ck_assert_ptr_nonnull(o);
    ck_assert(json_is_true(json_object_get(o, "synthetic")));
    ck_assert_str_eq(json_string_value(json_object_get(o, "analysis")), "noise");
    json_decref(o);
    free(json);
    snprintf(path, sizeof path, "%s/noise_ecdf.tsv", dir);
    char *tsv = cs_test_read_file(path, &len);
    ck_assert_ptr_nonnull(tsv);
    ck_assert(tsv[0] == '#' && strstr(tsv, "SYNTHETIC"));
    free(tsv);
    /* a file of made-up values without the marker: --synthetic labels it */
    char src2[4096];
    cs_test_shared_path(src2, sizeof src2, "fixtures/nb101-mini-only108.tfrecord");
    snprintf(args, sizeof args, "analyze noise --data %s -o %s -q", src2, dir);
    r = run(args, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    result_free(&r);
    tsv = cs_test_read_file(path, &len);
    ck_assert(tsv && !strstr(tsv, "SYNTHETIC"));
    free(tsv);
    snprintf(args, sizeof args, "analyze noise --synthetic --data %s -o %s -q", src2, dir);
    r = run(args, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert_msg(r.err[0] == '\0', "-q printed: %s", r.err);
    result_free(&r);
    tsv = cs_test_read_file(path, &len);
    ck_assert(tsv && strstr(tsv, "SYNTHETIC"));
    free(tsv);
    /* usage errors */
    static const char *const bad[] = {"analyze", "analyze nosuch", "analyze noise"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = run(bad[i], NULL);
        ck_assert_msg(r.code == 2, "'%s' exit %d", bad[i], r.code);
        result_free(&r);
    }
    r = run("analyze --list", NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert(strstr(r.out, "optimizers\tdata\t") && strstr(r.out, "structure\tstructure\t"));
    result_free(&r);
    snprintf(args, sizeof args, "rm -rf %s %s", dir, store);
    ck_assert_int_eq(system(args), 0);
}
END_TEST

/* analyze --space nb201 on a hand-made CSV: every analysis writes its
 * file; bad input and bad usage say what is wrong. */
START_TEST(test_analyze_nb201)
{
    char csv[4096], bad[4096], dir[4096], args[16384], path[8192];
    write_temp(csv, sizeof csv,
               "# synthetic\narch,dataset,metric,value\n"
               "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
               "nor_conv_3x3~2|,cifar10-valid,valid-accuracy,91.5\n"
               "|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
               "nor_conv_3x3~2|,cifar10-valid,valid-accuracy,90.5\n"
               "0,cifar10-valid,valid-accuracy,80\n"
               "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
               "nor_conv_3x3~2|,cifar10-valid,test-accuracy,91\n"
               "|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
               "nor_conv_3x3~2|,cifar10-valid,test-accuracy,90\n"
               "0,cifar10-valid,test-accuracy,79\n");
    write_temp(bad, sizeof bad, "arch,dataset,metric,value\n|nor_conv_3x3~0|,c,m,1\n");
    snprintf(dir, sizeof dir, "%s/an201-%ld", CS_TEST_TMPDIR, (long)getpid());
    snprintf(args, sizeof args, "analyze --space nb201 all --data %s -o %s", csv, dir);
    result r = run(args, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    ck_assert(strstr(r.err, "optima -> ") && strstr(r.err, "SYNTHETIC"));
    result_free(&r);
    static const char *const files[] = {"structure.json", "neighbours.json", "accuracy.json",
                                        "op_importance.json", "locality.json", "optima.json",
                                        "optimizers.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        json_error_t jerr;
        json_t *o = json_load_file(path, 0, &jerr);
        ck_assert_msg(o != NULL, "%s: %s", path, jerr.text);
        bool data = i >= 2;
        ck_assert_msg(json_is_boolean(json_object_get(o, "synthetic")) &&
                          json_is_true(json_object_get(o, "synthetic")) == data,
                      "%s: synthetic must be %d", files[i], data);
        if (data)
            ck_assert_str_eq(json_string_value(json_object_get(o, "dataset")), "cifar10-valid");
        json_decref(o);
    }
    /* a fitness file keyed by arch string */
    char ffile[4096];
    write_temp(ffile, sizeof ffile,
               "arch\tfitness\n"
               "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
               "nor_conv_3x3~2|\t0.25\n"
               "|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
               "nor_conv_3x3~2|\t0.75\n");
    snprintf(args, sizeof args, "analyze --space nb201 optima --data %s --fitness-file %s -o %s -q",
             csv, ffile, dir);
    r = run(args, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
    result_free(&r);
    json_t *fo = cs_test_json_at(dir, "optima.json");
    ck_assert_ptr_nonnull(fo);
    snprintf(path, sizeof path, "file:%s", ffile);
    ck_assert_str_eq(json_string_value(json_object_get(fo, "fitness_metric")), path);
    ck_assert(cs_test_jnum(fo, "global_best_fitness") == 0.75);
    json_decref(fo);
    unlink(ffile);
    write_temp(ffile, sizeof ffile, "arch\tfitness\n|nor_conv_3x3~0|\t1\n");
    snprintf(args, sizeof args, "analyze --space nb201 optima --data %s --fitness-file %s -o %s",
             csv, ffile, dir);
    r = run(args, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.err, ffile) && strstr(r.err, ":2: column 1 (arch)"), "%s", r.err);
    result_free(&r);
    unlink(ffile);
    /* bad CSV: the line at fault */
    snprintf(args, sizeof args, "analyze --space nb201 accuracy --data %s -o %s", bad, dir);
    r = run(args, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.err, bad) && strstr(r.err, "line 2"), "%s", r.err);
    result_free(&r);
    /* a dataset that is not there */
    snprintf(args, sizeof args,
             "analyze --space nb201 accuracy --dataset cifar100 --data %s -o %s", csv, dir);
    r = run(args, NULL);
    ck_assert_int_ne(r.code, 0);
    ck_assert_msg(strstr(r.err, "cifar100") && strstr(r.err, "cifar10-valid"), "%s", r.err);
    result_free(&r);
    static const char *const usage[] = {"analyze --space nb201 accuracy",
                                        "analyze --space nb301 structure",
                                        "analyze structure --fitness valid-accuracy",
                                        "analyze --space nb201 peaks"};
    for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
        r = run(usage[i], NULL);
        ck_assert_msg(r.code == 2, "'%s' exit %d", usage[i], r.code);
        result_free(&r);
    }
    r = run("analyze --space nb201 --list", NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert(strstr(r.out, "optima\tdata\t") && strstr(r.out, "neighbours\tstructure\t"));
    result_free(&r);
    r = run("analyze --space nb201 --help", NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert(strstr(r.out, "NAS-Bench-201: neighbour graph"));
    result_free(&r);
    snprintf(args, sizeof args, "rm -rf %s %s %s", dir, csv, bad);
    ck_assert_int_eq(system(args), 0);
}
END_TEST

/* The mean over repeats (repeat < 0) or one repeat of a metric of a cell of
 * realdata/nb101-real-30-repeats.json, computed here from the source JSON. */
static double real30_metric(json_t *cell, const char *metric, int repeat)
{
    json_t *runs = json_object_get(json_object_get(cell, "computed_stats"), "108");
    if (repeat >= 0)
        return cs_test_jnum(json_array_get(runs, (size_t)repeat), metric);
    double sum = 0;
    for (size_t r = 0; r < json_array_size(runs); r++)
        sum += cs_test_jnum(json_array_get(runs, r), metric);
    return sum / (double)json_array_size(runs);
}

static char *run_ok_json(const char *args, const char *dir, const char *file, json_t **out)
{
    result r = run(args, NULL);
    ck_assert_msg(r.code == 0, "'%s': exit %d: %s", args, r.code, r.err);
    char *err = strdup(r.err);
    result_free(&r);
    *out = cs_test_json_at(dir, file);
    ck_assert_msg(*out != NULL, "%s/%s", dir, file);
    return err;
}

/* --fitness, --budget, --repeat and --fitness-file on the real 30 cells:
 * the best fitness the optima report is the one computed here from the
 * source data (or from the values the file gives), and every output names
 * the fitness. */
START_TEST(test_analyze_fitness_metric)
{
    char data[4096], dir[4096], args[16384], path[8192], bad[4096];
    cs_test_shared_path(data, sizeof data, "fixtures/nb101-real30-only108.tfrecord");
    snprintf(dir, sizeof dir, "%s/anfit-%ld", CS_TEST_TMPDIR, (long)getpid());
    json_t *real = cs_test_load_json("realdata/nb101-real-30-repeats.json");
    ck_assert_uint_eq(json_object_size(real), 30);

    /* a stored metric at a budget, mean or one repeat */
    static const struct {
        const char *flag, *metric, *name;
        int repeat;
    } cases[] = {
        {"test-accuracy", "final_test_accuracy", "test-accuracy@108 (mean over repeats)", -1},
        {"halfway_validation_accuracy --repeat 2", "halfway_validation_accuracy",
         "halfway-validation-accuracy@108 (repeat 2)", 2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double best = -1e300;
        const char *key;
        json_t *cell;
        json_object_foreach(real, key, cell)
        {
            double v = real30_metric(cell, cases[k].metric, cases[k].repeat);
            if (v > best)
                best = v;
        }
        snprintf(args, sizeof args, "analyze optima --data %s --fitness %s --budget 108 -o %s",
                 data, cases[k].flag, dir);
        json_t *o;
        char *err = run_ok_json(args, dir, "optima.json", &o);
        ck_assert_msg(strstr(err, cases[k].name), "stderr does not name the fitness: %s", err);
        free(err);
        ck_assert_str_eq(json_string_value(json_object_get(o, "fitness")), cases[k].name);
        ck_assert_int_eq((int)cs_test_jnum(o, "classes_with_data"), 30);
        ck_assert_msg(fabs(cs_test_jnum(o, "global_best_fitness") - best) < 1e-12,
                      "%s: best %.17g, expected %.17g", cases[k].flag,
                      cs_test_jnum(o, "global_best_fitness"), best);
        json_decref(o);
        size_t len;
        snprintf(path, sizeof path, "%s/optima.tsv", dir);
        char *tsv = cs_test_read_file(path, &len);
        ck_assert_msg(tsv && strstr(tsv, cases[k].name), "optima.tsv does not name the fitness");
        free(tsv);
    }

    /* errors: the metric, the budget, the file's line and column */
    snprintf(args, sizeof args, "rm -rf %s", dir);
    ck_assert_int_eq(system(args), 0);
    write_temp(bad, sizeof bad, "hash\tfitness\nff92c322c5d9d3d587d9c146a63d0807\t0.5\n"
                                "ff967a69c937a5e17d4c9b601b11dce8\t0.5x\n");
    static const struct {
        const char *args, *needle1, *needle2;
        int code;
    } errors[] = {
        {"analyze optima --data %s --fitness test-acc -o %s", "unknown metric 'test-acc'",
         "test-accuracy", 2},
        {"analyze locality --data %s --fitness test-accuracy --budget 36 -o %s", "36",
         "it has: 108", 2},
        {"analyze optimizers --data %s --budget 36 -o %s", "no runs at 36 epochs", "it has: 108",
         2},
        {"analyze peaks --data %s --fitness-file %s.nosuch -o %s", "nosuch", "cannot open", 1},
        {"analyze peaks --data %s --fitness-file BAD -o %s", ":3: column 2 (fitness)",
         "'0.5x' is not a number", 1},
    };
    for (size_t k = 0; k < sizeof errors / sizeof errors[0]; k++) {
        char fmt[512];
        snprintf(fmt, sizeof fmt, "%s", errors[k].args);
        if (strstr(fmt, "%s.nosuch"))
            snprintf(args, sizeof args, fmt, data, data, dir);
        else if (strstr(fmt, "BAD")) {
            char *b = strstr(fmt, "BAD");
            memcpy(b, "%s ", 3);
            snprintf(args, sizeof args, fmt, data, bad, dir);
        } else
            snprintf(args, sizeof args, fmt, data, dir);
        result r = run(args, NULL);
        ck_assert_msg(r.code == errors[k].code, "'%s': exit %d: %s", args, r.code, r.err);
        ck_assert_msg(strstr(r.err, errors[k].needle1) && strstr(r.err, errors[k].needle2),
                      "'%s': %s", args, r.err);
        if (strstr(errors[k].args, "BAD"))
            ck_assert_msg(strstr(r.err, bad), "the file is not named: %s", r.err);
        result_free(&r);
        /* a failed analysis leaves no output directory behind */
        struct stat st;
        ck_assert_msg(stat(dir, &st) != 0, "'%s' left %s behind", args, dir);
    }
    static const char *const usage[] = {
        "analyze optima --fitness-file x.tsv --fitness test-accuracy",
        "analyze optima --fitness test-accuracy",
        "analyze optima --repeat 1",
        "analyze optima --fitness-file x.tsv --repeat 4",
        "analyze structure --fitness-file x.tsv",
        "analyze noise --budget 12",
        "analyze optimizers --fitness-file x.tsv",
        "analyze --space nb201 optima --budget 12",
    };
    for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
        result r = run(usage[i], NULL);
        ck_assert_msg(r.code == 2, "'%s' exit %d: %s", usage[i], r.code, r.err);
        result_free(&r);
    }
    result r = run("analyze --list", NULL);
    ck_assert(strstr(r.out, "optima\tdata\tfitness-alone\t") &&
              strstr(r.out, "noise\tdata\tno-fitness\t") &&
              strstr(r.out, "optimizers\tdata\tfitness\t"));
    result_free(&r);
    json_decref(real);
    snprintf(args, sizeof args, "rm -rf %s %s", dir, bad);
    ck_assert_int_eq(system(args), 0);
}
END_TEST

/* A fitness file (minus the parameter count, one cell without a value)
 * drives optima, locality and peaks with or without a dataset: one run per
 * loop index (0, 1: optima without and with the dataset; 2: locality;
 * 3: peaks), so that tests/valgrind.sh can share them out. */
START_TEST(test_analyze_fitness_file)
{
    char data[4096], dir[4096], args[16384], path[8192], ffile[4096];
    cs_test_shared_path(data, sizeof data, "fixtures/nb101-real30-only108.tfrecord");
    snprintf(dir, sizeof dir, "%s/anfile-%ld-%d", CS_TEST_TMPDIR, (long)getpid(), _i);
    json_t *real = cs_test_load_json("realdata/nb101-real-30-repeats.json");
    ck_assert_uint_eq(json_object_size(real), 30);
    char *text = NULL;
    size_t text_len = 0;
    FILE *f = open_memstream(&text, &text_len);
    fputs("# smallest model wins\nhash\tcomment\tfitness\n", f);
    double best = -1e300;
    const char *key, *skipped = NULL;
    json_t *cell;
    json_object_foreach(real, key, cell)
    {
        double params = cs_test_jnum(cell, "trainable_parameters");
        if (!skipped) {
            skipped = key;
            fprintf(f, "%s\tnone\tnan\n", key);
            continue;
        }
        fprintf(f, "%s\tx\t%.17g\n", key, -params);
        if (-params > best)
            best = -params;
    }
    fclose(f);
    write_temp(ffile, sizeof ffile, text);
    free(text);
    snprintf(path, sizeof path, "file:%s", ffile);
    json_t *o;
    if (_i < 2) {
        bool with_data = _i == 1;
        snprintf(args, sizeof args, "analyze optima %s%s --fitness-file %s -o %s -q",
                 with_data ? "--data " : "", with_data ? data : "", ffile, dir);
        free(run_ok_json(args, dir, "optima.json", &o));
        ck_assert_str_eq(json_string_value(json_object_get(o, "fitness")), path);
        ck_assert_int_eq((int)cs_test_jnum(o, "classes_with_data"), 29);
        ck_assert(cs_test_jnum(o, "global_best_fitness") == best);
        /* no dataset, no epochs: the budget is null, not a made-up 0 */
        json_t *budget = json_object_get(o, "budget");
        if (with_data)
            ck_assert_int_eq(json_integer_value(budget), 108);
        else
            ck_assert_msg(json_is_null(budget), "budget without a dataset is not null");
        json_decref(o);
    } else if (_i == 2) {
        snprintf(args, sizeof args, "analyze locality --fitness-file %s -o %s -q", ffile, dir);
        free(run_ok_json(args, dir, "locality.json", &o));
        ck_assert_str_eq(json_string_value(json_object_get(o, "fitness")), path);
        ck_assert(json_is_null(json_object_get(o, "budget")));
        json_decref(o);
        snprintf(path, sizeof path, "%s/locality_rwa.tsv", dir);
        size_t rwa_len;
        char *rwa = cs_test_read_file(path, &rwa_len);
        ck_assert_ptr_nonnull(rwa);
        ck_assert_msg(!strstr(rwa, "at 0 epochs"), "%.300s", rwa);
        free(rwa);
    } else {
        snprintf(args, sizeof args, "analyze peaks --fitness-file %s -o %s -q", ffile, dir);
        free(run_ok_json(args, dir, "peaks.json", &o));
        ck_assert_str_eq(json_string_value(json_object_get(o, "fitness")), path);
        ck_assert(json_is_null(json_object_get(o, "budget")));
        json_decref(o);
    }
    json_decref(real);
    snprintf(args, sizeof args, "rm -rf %s %s", dir, ffile);
    ck_assert_int_eq(system(args), 0);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cellscape");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_cell_json_matches_probes, 0, 3);
    tcase_add_test(tc, test_cell_forms_and_tsv);
    tcase_add_test(tc, test_cell_bad_lines_named);
    tcase_add_loop_test(tc, test_enum_nasbench_json_file, 0, 2);
    tcase_add_test(tc, test_enum_summary_json);
    tcase_add_test(tc, test_usage_errors);
    tcase_add_test(tc, test_enum_unwritable_output);
    tcase_add_loop_test(tc, test_import_and_query_match_probes, 0, 3);
    tcase_add_test(tc, test_query_tsv_and_hash);
    tcase_add_test(tc, test_stdin_read_error_fails);
    tcase_add_test(tc, test_query_synthetic_labelled);
    tcase_add_test(tc, test_not_a_store_nor_tfrecord);
    tcase_add_test(tc, test_import_errors);
    tcase_add_test(tc, test_analyze_on_fixture);
    tcase_add_test(tc, test_enum_nb201);
    tcase_add_test(tc, test_analyze_nb201);
    tcase_add_test(tc, test_analyze_fitness_metric);
    tcase_add_test(tc, test_analyze_edges);
    tcase_add_loop_test(tc, test_analyze_fitness_file, 0, 2);
    suite_add_tcase(s, tc);
    /* A case of its own, tagged, so that tests/valgrind.sh can run the
     * suite as two processes of about the same length: under memcheck a
     * process's threads run one at a time, so what to balance is the CPU
     * time of the commands (locality and peaks on a fitness file, the
     * heaviest, against all the rest). */
    TCase *half = tcase_create("valgrind_half");
    tcase_set_tags(half, "valgrind-half");
    tcase_set_timeout(half, 300);
    tcase_add_loop_test(half, test_analyze_fitness_file, 2, 4);
    suite_add_tcase(s, half);
    return s;
}

int main(void)
{
    return cs_test_run(cli_suite());
}
