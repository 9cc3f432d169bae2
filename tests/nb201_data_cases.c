/* data/: the NAS-Bench-201 CSV reader (doc/nb201-csv.md), on hand-made
 * inputs whose expected values were worked out by hand, and on the real
 * CIFAR-10 accuracies of ../shared/realdata/nb201-archs-cifar10.json. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_nb201.h"
#include "cs_nb201_data.h"
#include "testutil.h"

TCase *cs_nb201_data_tcase(void);

#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif

/* The first entry of nb201-archs-cifar10.json: the API's index 0. */
#define ARCH_INDEX0 \
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
/* The best CIFAR-10 cell (94.373 % test accuracy in the paper); entry 6111
 * of the same file. */
#define ARCH_BEST \
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
#define HEADER "arch,dataset,metric,value\n" /* 26 bytes */

static cs_nb201_data *read_ok(const char *text, size_t len)
{
    cs_nb201_data *d = NULL;
    cs_error err;
    cs_status st = cs_nb201_data_read_memory(text, len, "test.csv", &d, &err);
    ck_assert_msg(st == CS_OK, "read failed: %s", st ? err.msg : "");
    ck_assert_ptr_nonnull(d);
    return d;
}

static uint32_t index_of(const char *arch)
{
    cs_nb201_cell c;
    cs_error err;
    ck_assert_msg(cs_nb201_parse(arch, strlen(arch), &c, &err) == CS_OK, "%s", err.msg);
    return cs_nb201_index(&c);
}

START_TEST(test_arch_and_index_mix)
{
    static const char text[] = "# exported by hand\n" HEADER
                               ARCH_INDEX0 ",cifar10,test-accuracy,85\n"
                               "0,cifar10,test-accuracy,86\n"
                               "\"0\" , cifar10 , test-accuracy , \"87.5\"\n"
                               ARCH_BEST ",cifar10,test-accuracy,94.5\n"
                               "6111,cifar10-valid,valid-accuracy,91.25\n";
    cs_nb201_data *d = read_ok(text, sizeof text - 1);
    ck_assert_str_eq(cs_nb201_data_source(d), "test.csv");
    ck_assert(!cs_nb201_data_synthetic(d));
    ck_assert_uint_eq(cs_nb201_data_rows(d), 5);
    ck_assert_int_eq(cs_nb201_data_num_datasets(d), 2);
    ck_assert_str_eq(cs_nb201_data_dataset(d, 0), "cifar10");
    ck_assert_str_eq(cs_nb201_data_dataset(d, 1), "cifar10-valid");
    ck_assert_ptr_null(cs_nb201_data_dataset(d, 2));
    ck_assert_int_eq(cs_nb201_data_num_metrics(d), 2);
    ck_assert_str_eq(cs_nb201_data_metric(d, 0), "test-accuracy");
    ck_assert_str_eq(cs_nb201_data_metric(d, 1), "valid-accuracy");
    int c10 = cs_nb201_data_find_dataset(d, "cifar10");
    int c10v = cs_nb201_data_find_dataset(d, "cifar10-valid");
    int test = cs_nb201_data_find_metric(d, "test-accuracy");
    int valid = cs_nb201_data_find_metric(d, "valid-accuracy");
    ck_assert_int_eq(c10, 0);
    ck_assert_int_eq(c10v, 1);
    ck_assert_int_eq(cs_nb201_data_find_dataset(d, "cifar100"), -1);
    ck_assert_int_eq(cs_nb201_data_find_metric(d, "train-all-time"), -1);

    ck_assert_uint_eq(index_of(ARCH_INDEX0), 0);
    ck_assert_uint_eq(index_of(ARCH_BEST), 6111);
    const double *mean = cs_nb201_data_means(d, c10, test);
    const double *sd = cs_nb201_data_stddevs(d, c10, test);
    const uint32_t *n = cs_nb201_data_counts(d, c10, test);
    ck_assert_ptr_nonnull(mean);
    /* index 0 by its arch string, by "0" and by a quoted "0": one cell */
    ck_assert_uint_eq(n[0], 3);
    /* 85, 86, 87.5: mean 517/6; deviations -7/6, -1/6, 8/6, squares 114/36 */
    ck_assert_double_eq_tol(mean[0], 517.0 / 6.0, 1e-12);
    ck_assert_double_eq_tol(sd[0], sqrt((114.0 / 36.0) / 2.0), 1e-12);
    ck_assert_uint_eq(n[6111], 1);
    ck_assert_double_eq(mean[6111], 94.5);
    ck_assert_double_eq(sd[6111], 0.0);
    ck_assert_uint_eq(n[1], 0);
    ck_assert(isnan(mean[1]) && isnan(sd[1]));
    ck_assert_uint_eq(cs_nb201_data_cells(d, c10, test), 2);

    ck_assert_uint_eq(cs_nb201_data_cells(d, c10v, valid), 1);
    ck_assert_double_eq(cs_nb201_data_means(d, c10v, valid)[6111], 91.25);
    /* pairs that never occur, and indexes out of range */
    ck_assert_ptr_null(cs_nb201_data_means(d, c10, valid));
    ck_assert_ptr_null(cs_nb201_data_stddevs(d, c10v, test));
    ck_assert_ptr_null(cs_nb201_data_counts(d, c10, valid));
    ck_assert_uint_eq(cs_nb201_data_cells(d, c10, valid), 0);
    ck_assert_ptr_null(cs_nb201_data_means(d, 2, 0));
    ck_assert_ptr_null(cs_nb201_data_means(d, -1, 0));
    cs_nb201_data_destroy(d);
}
END_TEST

START_TEST(test_repeats_mean_sd)
{
    /* Seeds of one cell interleaved with other cells and pairs. */
    static const char text[] = "index,dataset,metric,value\n"
                               "7,cifar100,valid-accuracy,1\n"
                               "8,cifar100,valid-accuracy,70\n"
                               "7,cifar100,valid-accuracy,2\n"
                               "7,cifar100,train-all-time,1000\n"
                               "7,cifar100,valid-accuracy,3\n"
                               "7,cifar100,valid-accuracy,4\n"
                               "15624,cifar100,valid-accuracy,-2.5e1\n"
                               "15624,cifar100,valid-accuracy,+25E0\n";
    cs_nb201_data *d = read_ok(text, sizeof text - 1);
    ck_assert_uint_eq(cs_nb201_data_rows(d), 8);
    int ds = cs_nb201_data_find_dataset(d, "cifar100");
    int m = cs_nb201_data_find_metric(d, "valid-accuracy");
    int t = cs_nb201_data_find_metric(d, "train-all-time");
    const double *mean = cs_nb201_data_means(d, ds, m);
    const double *sd = cs_nb201_data_stddevs(d, ds, m);
    const uint32_t *n = cs_nb201_data_counts(d, ds, m);
    /* 1, 2, 3, 4: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5 */
    ck_assert_uint_eq(n[7], 4);
    ck_assert_double_eq_tol(mean[7], 2.5, 1e-15);
    ck_assert_double_eq_tol(sd[7], sqrt(5.0 / 3.0), 1e-15);
    ck_assert_uint_eq(n[8], 1);
    ck_assert_double_eq(mean[8], 70.0);
    /* -25 and 25: mean 0, sd sqrt((625 + 625) / 1) */
    ck_assert_uint_eq(n[15624], 2);
    ck_assert_double_eq_tol(mean[15624], 0.0, 1e-15);
    ck_assert_double_eq_tol(sd[15624], sqrt(1250.0), 1e-12);
    ck_assert_uint_eq(cs_nb201_data_cells(d, ds, m), 3);
    ck_assert_uint_eq(cs_nb201_data_cells(d, ds, t), 1);
    ck_assert_double_eq(cs_nb201_data_means(d, ds, t)[7], 1000.0);
    ck_assert_uint_eq(cs_nb201_data_counts(d, ds, t)[8], 0);
    cs_nb201_data_destroy(d);
}
END_TEST

START_TEST(test_crlf_comments_quotes_synthetic)
{
    static const char text[] = "\xEF\xBB\xBF# values made up for a test\r\n"
                               "\r\n"
                               "   \t\r\n"
                               "#   SyNtHeTiC  \r\n"
                               " \"index\" ,\tdataset , metric ,value \r\n"
                               "# a comment between rows\r\n"
                               "\"12\" , \"ImageNet16-120\",valid-accuracy,\t40.5 \r\n"
                               "\"" ARCH_INDEX0 "\",ImageNet16-120,valid-accuracy,1e1\r\n"
                               "12,ImageNet16-120,valid-accuracy,41.5"; /* no final newline */
    cs_nb201_data *d = read_ok(text, sizeof text - 1);
    ck_assert(cs_nb201_data_synthetic(d));
    ck_assert_uint_eq(cs_nb201_data_rows(d), 3);
    int ds = cs_nb201_data_find_dataset(d, "ImageNet16-120");
    ck_assert_int_eq(ds, 0);
    const double *mean = cs_nb201_data_means(d, ds, 0);
    ck_assert_double_eq(mean[12], 41.0);
    ck_assert_double_eq_tol(cs_nb201_data_stddevs(d, ds, 0)[12], sqrt(0.5), 1e-15);
    ck_assert_double_eq(mean[0], 10.0);
    cs_nb201_data_destroy(d);

    /* "synthetic" has to be the whole comment */
    static const char not_marked[] = "# synthetic data? no\n#synthetics\n" HEADER "0,c,m,1\n";
    d = read_ok(not_marked, sizeof not_marked - 1);
    ck_assert(!cs_nb201_data_synthetic(d));
    cs_nb201_data_destroy(d);
    /* ... and may come after the rows */
    static const char late[] = HEADER "0,c,m,1\n#synthetic\n";
    d = read_ok(late, sizeof late - 1);
    ck_assert(cs_nb201_data_synthetic(d));
    cs_nb201_data_destroy(d);
}
END_TEST

START_TEST(test_sha256)
{
    /* sha256sum of the same 34 bytes */
    static const char text[] = HEADER "0,c,m,1\n";
    cs_nb201_data *d = read_ok(text, sizeof text - 1);
    ck_assert_str_eq(cs_nb201_data_sha256(d),
                     "02d3dfc1d7d53d85319c2431e6fbe8992e7e23a425943609f273026fab5352f6");
    cs_nb201_data_destroy(d);
}
END_TEST

/* --- errors ------------------------------------------------------------------ */

typedef struct bad_case {
    const char *text;
    size_t len; /* 0: strlen */
    cs_status code;
    const char *where; /* "line N (byte B)[, field F]" */
    const char *what;  /* another part of the message */
} bad_case;

#define NUL_ROW HEADER "0,cif\0ar,acc,1\n"

static const bad_case bad_cases[] = {
    {"", 0, CS_ERR_FORMAT, "line 1 (byte 0)", "empty file"},
    {"# only\n\n", 0, CS_ERR_FORMAT, "line 3 (byte 8)", "no header"},
    {HEADER, 0, CS_ERR_FORMAT, "line 2 (byte 26)", "no data rows after the header on line 1"},
    {HEADER "# none\n", 0, CS_ERR_FORMAT, "line 3 (byte 33)", "no data rows"},
    {"arch,dataset,metric\n0,c,m,1\n", 0, CS_ERR_FORMAT, "line 1 (byte 0)", "header has 3 columns"},
    {"arch,dataset,metrics,value\n0,c,m,1\n", 0, CS_ERR_FORMAT, "line 1 (byte 13), field 3",
     "unknown column name 'metrics'"},
    {"Arch,dataset,metric,value\n0,c,m,1\n", 0, CS_ERR_FORMAT, "line 1 (byte 0), field 1",
     "unknown column name 'Arch'"},
    {"0,cifar10,acc,1\n", 0, CS_ERR_FORMAT, "line 1 (byte 0)", "missing header"},
    {HEADER "0,cifar10,acc\n", 0, CS_ERR_FORMAT, "line 2 (byte 26)", "3 fields; expected 4"},
    {HEADER "0,cifar10,acc,1,\n", 0, CS_ERR_FORMAT, "line 2 (byte 26)", "5 fields; expected 4"},
    {HEADER "0,cifar10,acc,abc\n", 0, CS_ERR_FORMAT, "line 2 (byte 40), field 4", "bad number 'abc'"},
    {HEADER "0,cifar10,acc,nan\n", 0, CS_ERR_FORMAT, "line 2 (byte 40), field 4", "bad number 'nan'"},
    {HEADER "0,cifar10,acc,inf\n", 0, CS_ERR_FORMAT, "line 2 (byte 40), field 4", "bad number"},
    {HEADER "0,cifar10,acc,0x10\n", 0, CS_ERR_FORMAT, "line 2 (byte 40), field 4", "bad number"},
    {HEADER "0,cifar10,acc,1.2.3\n", 0, CS_ERR_FORMAT, "line 2 (byte 40), field 4", "bad number"},
    {HEADER "0,cifar10,acc,1e999\n", 0, CS_ERR_FORMAT, "line 2 (byte 40), field 4", "not finite"},
    {HEADER "0,cifar10,acc,\n", 0, CS_ERR_FORMAT, "line 2 (byte 40), field 4", "empty value"},
    {HEADER "15625,cifar10,acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 26), field 1",
     "index 15625 out of range (0..15624)"},
    {HEADER "99999999999999999999999,cifar10,acc,1\n", 0, CS_ERR_FORMAT,
     "line 2 (byte 26), field 1", "out of range"},
    {HEADER "-1,cifar10,acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 26), field 1",
     "neither an arch string"},
    {HEADER ",cifar10,acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 26), field 1", "empty cell"},
    {HEADER "|foo~0|+|none~0|none~1|+|none~0|none~1|none~2|,c,m,1\n", 0, CS_ERR_FORMAT,
     "line 2 (byte 26), field 1", "bad arch string: unknown operation 'foo'"},
    {HEADER "|none~0|+|none~0|none~1|,c,m,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 26), field 1",
     "bad arch string: expected \"+|\""},
    {NUL_ROW, sizeof NUL_ROW - 1, CS_ERR_FORMAT, "line 2 (byte 31)", "NUL byte"},
    {HEADER "0,cifar 10,acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 28), field 2",
     "bad dataset name 'cifar 10'"},
    {HEADER "0,c,val/acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 30), field 3",
     "bad metric name 'val/acc'"},
    {HEADER "0,,acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 28), field 2", "empty dataset name"},
    {HEADER "0,c,"
            "m2345678901234567890123456789012345678901234567890123456789012345,1\n",
     0, CS_ERR_FORMAT, "line 2 (byte 30), field 3", "metric name longer than 64"},
    {HEADER "0,\"cifar10,acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 28), field 2",
     "unterminated quote"},
    {HEADER "0,\"cifar10\"x,acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 37), field 2",
     "text after the closing quote"},
    {HEADER "0,cif\"ar10,acc,1\n", 0, CS_ERR_FORMAT, "line 2 (byte 28), field 2",
     "a quote inside an unquoted field"},
    /* CRLF and a comment before the header: offsets count every byte */
    {"# c\r\narch,dataset,metric,value\r\n0,c,m,1\r\n0,c,m,x\r\n", 0, CS_ERR_FORMAT,
     "line 4 (byte 47), field 4", "bad number 'x'"},
};

START_TEST(test_errors)
{
    const bad_case *bc = &bad_cases[_i];
    size_t len = bc->len ? bc->len : strlen(bc->text);
    cs_nb201_data *d = (cs_nb201_data *)&d; /* must be reset to NULL */
    cs_error err;
    cs_status st = cs_nb201_data_read_memory(bc->text, len, "runs.csv", &d, &err);
    ck_assert_msg(st == bc->code, "case %d: status %d (%s), expected %d", _i, (int)st,
                  st ? err.msg : "", (int)bc->code);
    ck_assert_ptr_null(d);
    ck_assert_msg(strncmp(err.msg, "runs.csv: ", 10) == 0, "case %d: '%s' does not name the file",
                  _i, err.msg);
    char where[96];
    snprintf(where, sizeof where, "runs.csv: %s: ", bc->where);
    ck_assert_msg(strncmp(err.msg, where, strlen(where)) == 0, "case %d: '%s' lacks '%s'", _i,
                  err.msg, where);
    ck_assert_msg(strstr(err.msg, bc->what) != NULL, "case %d: '%s' lacks '%s'", _i, err.msg,
                  bc->what);
}
END_TEST

/* A row "0,c,m,VALUE" padded with leading zeros in VALUE to len bytes. */
static char *padded_file(size_t line_len, size_t *len)
{
    size_t head = strlen(HEADER);
    char *t = malloc(head + line_len + 2);
    ck_assert_ptr_nonnull(t);
    memcpy(t, HEADER, head);
    memcpy(t + head, "0,c,m,", 6);
    memset(t + head + 6, '0', line_len - 7);
    t[head + line_len - 1] = '5';
    t[head + line_len] = '\n';
    t[head + line_len + 1] = '\0';
    *len = head + line_len + 1;
    return t;
}

START_TEST(test_line_limit)
{
    size_t len;
    char *t = padded_file(4096, &len);
    cs_nb201_data *d = read_ok(t, len);
    ck_assert_double_eq(cs_nb201_data_means(d, 0, 0)[0], 5.0);
    cs_nb201_data_destroy(d);
    free(t);

    t = padded_file(4097, &len);
    cs_error err;
    ck_assert_int_eq(cs_nb201_data_read_memory(t, len, "long.csv", &d, &err), CS_ERR_LIMIT);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err.msg, "long.csv: line 2 (byte 26): line longer than 4096 bytes"),
                  "%s", err.msg);
    free(t);
}
END_TEST

/* n rows "0,dK,m,1" (or "0,d,mK,1" for metrics), K = 0 .. n-1. */
static char *names_file(int n, bool metrics, size_t *len)
{
    char *t = malloc(strlen(HEADER) + (size_t)n * 16 + 1);
    ck_assert_ptr_nonnull(t);
    size_t o = (size_t)sprintf(t, "%s", HEADER);
    for (int k = 0; k < n; k++)
        o += (size_t)sprintf(t + o, metrics ? "0,d,m%d,1\n" : "0,d%d,m,1\n", k);
    *len = o;
    return t;
}

START_TEST(test_name_limits)
{
    bool metrics = _i == 1;
    size_t len;
    char *t = names_file(64, metrics, &len);
    cs_nb201_data *d = read_ok(t, len);
    ck_assert_int_eq(metrics ? cs_nb201_data_num_metrics(d) : cs_nb201_data_num_datasets(d), 64);
    ck_assert_str_eq(metrics ? cs_nb201_data_metric(d, 63) : cs_nb201_data_dataset(d, 63),
                     metrics ? "m63" : "d63");
    cs_nb201_data_destroy(d);
    free(t);

    /* The 65th name is on line 66: 10 rows of 9 bytes and 54 of 10 after
     * the 26-byte header put it at byte 656, its field 2 (3) at 658 (660). */
    t = names_file(65, metrics, &len);
    cs_error err;
    ck_assert_int_eq(cs_nb201_data_read_memory(t, len, "many.csv", &d, &err), CS_ERR_LIMIT);
    ck_assert_ptr_null(d);
    const char *want = metrics ? "many.csv: line 66 (byte 660), field 3: more than 64 metrics"
                               : "many.csv: line 66 (byte 658), field 2: more than 64 datasets";
    ck_assert_msg(strcmp(err.msg, want) == 0, "'%s' is not '%s'", err.msg, want);
    free(t);
}
END_TEST

/* --- files ------------------------------------------------------------------- */

static void temp_path(char *path, size_t size, const char *tag)
{
    snprintf(path, size, "%s/nb201-%s.XXXXXX", CS_TEST_TMPDIR, tag);
    int fd = mkstemp(path);
    ck_assert_msg(fd >= 0, "cannot create %s", path);
    close(fd);
}

START_TEST(test_read_file_errors)
{
    cs_nb201_data *d = NULL;
    cs_error err;
    ck_assert_int_eq(cs_nb201_data_read(CS_TEST_TMPDIR "/no-such-dir/runs.csv", &d, &err),
                     CS_ERR_IO);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err.msg, "no-such-dir/runs.csv: cannot open") != NULL, "%s", err.msg);
    /* a directory opens but does not read */
    ck_assert_int_eq(cs_nb201_data_read(CS_TEST_TMPDIR, &d, &err), CS_ERR_IO);
    ck_assert_ptr_null(d);

    char path[4096];
    temp_path(path, sizeof path, "bad");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(HEADER "0,c,m,1\n1,c,m,x\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(cs_nb201_data_read(path, &d, &err), CS_ERR_FORMAT);
    char want[4200];
    snprintf(want, sizeof want, "%s: line 3 (byte 40), field 4: bad number 'x'", path);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "'%s' lacks '%s'", err.msg, want);
    unlink(path);
}
END_TEST

/* The real CIFAR-10 test accuracies, written as a CSV the way a user's
 * export would be, read back: every cell where the API's index order puts
 * it. */
START_TEST(test_real_cifar10)
{
    char json_path[4096];
    cs_test_shared_path(json_path, sizeof json_path, "realdata/nb201-archs-cifar10.json");
    size_t jlen;
    char *jtext = cs_test_read_file(json_path, &jlen);
    ck_assert_msg(jtext != NULL, "cannot read %s", json_path);
    cJSON *root = cJSON_ParseWithLength(jtext, jlen);
    free(jtext);
    ck_assert_ptr_nonnull(root);
    cJSON *archs = cJSON_GetObjectItemCaseSensitive(root, "archs");
    cJSON *acc = cJSON_GetObjectItemCaseSensitive(root, "accuracies");
    ck_assert_int_eq(cJSON_GetArraySize(archs), CS_NB201_CELLS);
    ck_assert_int_eq(cJSON_GetArraySize(acc), CS_NB201_CELLS);
    double *want = malloc(CS_NB201_CELLS * sizeof *want);
    ck_assert_ptr_nonnull(want);

    char path[4096];
    temp_path(path, sizeof path, "cifar10");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("# nb201-archs-cifar10.json (tiga1231/nasbench-vis)\narch,dataset,metric,value\n", f);
    int best = -1;
    int i = 0;
    const cJSON *a, *v = acc->child;
    cJSON_ArrayForEach(a, archs) {
        ck_assert(cJSON_IsString(a) && cJSON_IsNumber(v));
        want[i] = v->valuedouble;
        if (strcmp(a->valuestring, ARCH_BEST) == 0)
            best = i;
        fprintf(f, "%s,cifar10,test-accuracy,%.17g\n", a->valuestring, want[i]);
        v = v->next;
        i++;
    }
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(best, 6111);
    ck_assert_str_eq(cJSON_GetArrayItem(archs, 0)->valuestring, ARCH_INDEX0);
    cJSON_Delete(root);

    cs_nb201_data *d = NULL;
    cs_error err;
    cs_status st = cs_nb201_data_read(path, &d, &err);
    unlink(path);
    ck_assert_msg(st == CS_OK, "%s", err.msg);
    ck_assert_str_eq(cs_nb201_data_source(d), path);
    ck_assert(!cs_nb201_data_synthetic(d));
    ck_assert_uint_eq(cs_nb201_data_rows(d), CS_NB201_CELLS);
    int ds = cs_nb201_data_find_dataset(d, "cifar10");
    int m = cs_nb201_data_find_metric(d, "test-accuracy");
    ck_assert_uint_eq(cs_nb201_data_cells(d, ds, m), CS_NB201_CELLS);
    const double *mean = cs_nb201_data_means(d, ds, m);
    const double *sd = cs_nb201_data_stddevs(d, ds, m);
    const uint32_t *n = cs_nb201_data_counts(d, ds, m);
    uint32_t at = index_of(ARCH_BEST);
    ck_assert_uint_eq(at, (uint32_t)best);
    /* The file's value (the mean of the API's trials); the paper rounds
     * it to 94.373. */
    ck_assert_double_eq_tol(mean[at], 94.37333333333333, 1e-9);
    ck_assert_double_eq_tol(mean[at], 94.373, 5e-4);
    for (int k = 0; k < CS_NB201_CELLS; k++) {
        ck_assert_msg(mean[k] == want[k], "index %d: %.17g, file %.17g", k, mean[k], want[k]);
        ck_assert_uint_eq(n[k], 1);
        ck_assert_double_eq(sd[k], 0.0);
    }
    free(want);
    cs_nb201_data_destroy(d);
}
END_TEST

TCase *cs_nb201_data_tcase(void)
{
    TCase *tc = tcase_create("nb201_data");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_arch_and_index_mix);
    tcase_add_test(tc, test_repeats_mean_sd);
    tcase_add_test(tc, test_crlf_comments_quotes_synthetic);
    tcase_add_test(tc, test_sha256);
    tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_line_limit);
    tcase_add_loop_test(tc, test_name_limits, 0, 2);
    tcase_add_test(tc, test_read_file_errors);
    tcase_add_test(tc, test_real_cifar10);
    return tc;
}
