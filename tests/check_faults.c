/* Faults: damaged inputs, a full disk, signals, a store replaced under a
 * reader, inputs made to exhaust memory, readers on many threads.  Each
 * case asks what the developers' guide asks of bad input: the right answer
 * or a clean error naming the file at fault, never a crash, a hang or a
 * partial file left behind.  (A crash fails the test: Check runs each test
 * in a process of its own; the sanitizer build catches memory errors.) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cs_io.h"
#include "cs_nb101_row.h"
#include "cs_nb201_data.h"
#include "cs_store.h"
#include "cs_synth.h"
#include "cs_tfrecord.h"
#include "testutil.h"

#include <nettle/base64.h>

#ifndef CS_TEST_TMPDIR
#define CS_TEST_TMPDIR "/tmp"
#endif
#ifndef CS_TEST_BINARY
#define CS_TEST_BINARY "./cellscape"
#endif

#define REAL30 "fixtures/nb101-real30-only108.tfrecord"
#define MINI_FULL "fixtures/nb101-mini-full.tfrecord"
#define MINI_ONLY108 "fixtures/nb101-mini-only108.tfrecord"

/* --- helpers -------------------------------------------------------------- */

static void temp_dir(char *dir, size_t size, const char *tag)
{
    snprintf(dir, size, "%s/faults-%s-XXXXXX", CS_TEST_TMPDIR, tag);
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir, strerror(errno));
}

/* A fresh directory, and the paths of an input and an output in it. */
static void scratch(char dir[2048], char tf[4096], char store[4096], const char *tag)
{
    temp_dir(dir, 2048, tag);
    snprintf(tf, 4096, "%s/in.tfrecord", dir);
    snprintf(store, 4096, "%s/out.nb101", dir);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* The first name in dir that is not in keep (NULL-ended), or false: what a
 * failed write left behind. */
static bool stray_file(const char *dir, const char *const *keep, char *name, size_t size)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "opendir %s: %s", dir, strerror(errno));
    struct dirent *e;
    bool found = false;
    while (!found && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        found = true;
        for (const char *const *k = keep; *k && found; k++)
            found = strcmp(e->d_name, *k) != 0;
        if (found)
            snprintf(name, size, "%s", e->d_name);
    }
    closedir(d);
    return found;
}

#define EXPECT_ONLY(dir, context, ...)                                                          \
    do {                                                                                        \
        const char *const keep_[] = {__VA_ARGS__, NULL};                                        \
        char stray_[512];                                                                       \
        if (stray_file(dir, keep_, stray_, sizeof stray_))                                      \
            ck_abort_msg("%s: %s/%s left behind", context, dir, stray_);                        \
    } while (0)

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert(len == 0 || fwrite(data, 1, len, f) == len);
    ck_assert_int_eq(fclose(f), 0);
}

/* The damage is done in place, a byte or a length at a time: writing the
 * file anew for each of thousands of cases cost more than the imports. */
static int open_damaged(const char *path, const void *data, size_t len)
{
    write_file(path, data, len);
    int fd = open(path, O_WRONLY);
    ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
    return fd;
}

static void put_byte(int fd, size_t pos, unsigned char v)
{
    ck_assert_int_eq(pwrite(fd, &v, 1, (off_t)pos), 1);
}

static void cut_to(int fd, size_t len)
{
    ck_assert_int_eq(ftruncate(fd, (off_t)len), 0);
}

static unsigned char *read_shared(const char *rel, size_t *len)
{
    char path[4096];
    cs_test_shared_path(path, sizeof path, rel);
    unsigned char *b = (unsigned char *)cs_test_read_file(path, len);
    ck_assert_msg(b != NULL, "cannot read %s", path);
    return b;
}

/* Start offsets of the records of a TFRecord image, by their length fields
 * alone; off[count] is where the last one ends. */
static size_t record_offsets(const unsigned char *b, size_t n, size_t *off, size_t max)
{
    size_t k = 0, at = 0;
    while (at + 12 <= n && k < max) {
        uint64_t len = 0;
        for (int i = 7; i >= 0; i--)
            len = len << 8 | b[at + i];
        off[k++] = at;
        at += 12 + (size_t)len + 4;
    }
    off[k] = at;
    return k;
}

/* The real-values fixture, whose first record spans [off[0], off[1]). */
static unsigned char *first_record(size_t off[2])
{
    size_t n;
    unsigned char *all = read_shared(REAL30, &n);
    ck_assert_int_eq(record_offsets(all, n, off, 1), 1);
    return all;
}

static cs_status import(const char *tf, const char *store, cs_error *err)
{
    cs_import_options opt;
    cs_import_options_init(&opt);
    opt.threads = 1;
    cs_import_stats stats;
    cs_error_clear(err);
    return cs_store_import(tf, store, &opt, &stats, err);
}

static cs_status import_keep_going(const char *tf, const char *store, cs_import_stats *stats,
                                   cs_error *err)
{
    cs_import_options opt;
    cs_import_options_init(&opt);
    opt.threads = 1;
    opt.keep_going = true;
    cs_error_clear(err);
    return cs_store_import(tf, store, &opt, stats, err);
}

static cs_store *import_open(const char *tf, const char *store)
{
    cs_error err;
    ck_assert_msg(import(tf, store, &err) == CS_OK, "%s", err.msg);
    cs_store *s;
    ck_assert_msg(cs_store_open(&s, store, &err) == CS_OK, "%s", err.msg);
    return s;
}

static bool same_run(const cs_query_result *a, const cs_query_result *b)
{
    return a->epochs == b->epochs && a->trainable_parameters == b->trainable_parameters &&
           !memcmp(&a->training_time, &b->training_time, sizeof a->training_time) &&
           !memcmp(&a->train_accuracy, &b->train_accuracy, sizeof a->train_accuracy) &&
           !memcmp(&a->validation_accuracy, &b->validation_accuracy,
                   sizeof a->validation_accuracy) &&
           !memcmp(&a->test_accuracy, &b->test_accuracy, sizeof a->test_accuracy);
}

/* Every cell of got is ref's with a prefix of its runs (all of them when
 * full, and then every cell of ref is in got), and a query finds it and
 * answers as ref does. */
static void expect_same_answers(const cs_store *got, const cs_store *ref, bool full,
                                const char *context)
{
    if (full) {
        ck_assert_msg(cs_store_num_cells(got) == cs_store_num_cells(ref), "%s: %zu cells, not %zu",
                      context, cs_store_num_cells(got), cs_store_num_cells(ref));
        ck_assert_int_eq(cs_store_num_budgets(got), cs_store_num_budgets(ref));
        ck_assert(cs_store_synthetic(got) == cs_store_synthetic(ref));
    }
    for (size_t k = 0; k < cs_store_num_cells(got); k++) {
        const cs_store_entry *e = cs_store_entry_at(got, k);
        int64_t j = cs_store_find_hash(ref, e->hash);
        ck_assert_msg(j >= 0, "%s: cell %zu is not the original's", context, k);
        const cs_store_entry *f = cs_store_entry_at(ref, (size_t)j);
        ck_assert_msg(cs_key_cmp(&e->cell, &f->cell) == 0 && cs_key_cmp(&e->canon, &f->canon) == 0 &&
                          e->trainable_parameters == f->trainable_parameters,
                      "%s: cell %zu differs from the original's", context, k);
        for (int b = 0; b < cs_store_num_budgets(got); b++) {
            int rb = cs_store_budget_index(ref, cs_store_budget(got, b));
            ck_assert_msg(rb >= 0, "%s: budget %d not in the original", context,
                          cs_store_budget(got, b));
            int n = e->repeats[b];
            ck_assert_msg(full ? n == f->repeats[rb] : n <= f->repeats[rb],
                          "%s: cell %zu has %d runs, the original %d", context, k, n,
                          f->repeats[rb]);
            ck_assert_msg(!memcmp(cs_store_runs(got, k, b), cs_store_runs(ref, (size_t)j, rb),
                                  (size_t)n * sizeof(cs_run)),
                          "%s: cell %zu's runs differ", context, k);
        }
    }
    /* The same through the query path: by cell, then the reference's query. */
    for (size_t j = 0; j < cs_store_num_cells(ref); j++) {
        const cs_store_entry *f = cs_store_entry_at(ref, j);
        cs_cell c;
        cs_key_cell(&f->cell, &c);
        int64_t gi = cs_store_lookup_cell(got, &c);
        ck_assert_msg(gi == cs_store_find_hash(got, f->hash),
                      "%s: cell and hash look-ups disagree", context);
        ck_assert_msg(!full || gi >= 0, "%s: cell %zu lost", context, j);
        if (gi < 0)
            continue;
        cs_query_result a = {.index = gi}, b = {.index = (int64_t)j};
        cs_hash_to_hex(f->hash, a.hash);
        cs_hash_to_hex(f->hash, b.hash);
        for (int bi = 0; bi < cs_store_num_budgets(got); bi++) {
            int epochs = cs_store_budget(got, bi);
            if (!cs_store_entry_at(got, (size_t)gi)->repeats[bi])
                continue;
            cs_error e1, e2;
            ck_assert_int_eq(cs_store_query(got, &a, epochs, false, CS_REPEAT_ONE, 0, NULL, &e1),
                             CS_OK);
            ck_assert_int_eq(cs_store_query(ref, &b, epochs, false, CS_REPEAT_ONE, 0, NULL, &e2),
                             CS_OK);
            ck_assert_msg(same_run(&a, &b), "%s: query of cell %zu differs", context, j);
        }
    }
}

/* --- 1. every single-byte corruption and every truncation ----------------- */

/* The first records of the real-values fixture: small enough to import once
 * per byte, several cells, three repeats each. */
#define SMALL_RECORDS 5

typedef struct small_file {
    char dir[2048], path[4096], ref_path[4096], bad[4096], out[4096];
    unsigned char *bytes;
    size_t len;
    size_t off[SMALL_RECORDS + 1];
    cs_store *ref;
} small_file;

static void small_file_make(small_file *sf, const char *tag)
{
    size_t n;
    unsigned char *all = read_shared(REAL30, &n);
    size_t count = record_offsets(all, n, sf->off, SMALL_RECORDS);
    ck_assert_int_eq(count, SMALL_RECORDS);
    sf->len = sf->off[SMALL_RECORDS];
    ck_assert(sf->len <= n);
    sf->bytes = all;
    temp_dir(sf->dir, sizeof sf->dir, tag);
    snprintf(sf->path, sizeof sf->path, "%s/small.tfrecord", sf->dir);
    snprintf(sf->ref_path, sizeof sf->ref_path, "%s/ref.nb101", sf->dir);
    snprintf(sf->bad, sizeof sf->bad, "%s/bad.tfrecord", sf->dir);
    snprintf(sf->out, sizeof sf->out, "%s/out.nb101", sf->dir);
    write_file(sf->path, sf->bytes, sf->len);
    sf->ref = import_open(sf->path, sf->ref_path);
    ck_assert_uint_gt(cs_store_num_cells(sf->ref), 1);
}

static void small_file_free(small_file *sf)
{
    cs_store_close(sf->ref);
    free(sf->bytes);
    remove_dir(sf->dir);
}

/* The record holding byte pos (or where the file was cut). */
static size_t record_at(const small_file *sf, size_t pos)
{
    size_t k = 0;
    while (k + 1 < SMALL_RECORDS && sf->off[k + 1] <= pos)
        k++;
    return k;
}

/* A failed import: the message names the file, the record at fault and its
 * byte offset, and nothing is left under the store's name. */
static void expect_import_error(const small_file *sf, cs_status st, const cs_error *err,
                                size_t record, const char *what)
{
    char where[4200];
    snprintf(where, sizeof where, "%s: record %zu at byte offset %zu", sf->bad, record,
             sf->off[record]);
    ck_assert_msg(st != CS_OK, "%s: imported without an error", what);
    ck_assert_msg(strstr(err->msg, where) != NULL, "%s: the message does not say \"%s\": %s",
                  what, where, err->msg);
    EXPECT_ONLY(sf->dir, what, "small.tfrecord", "ref.nb101", "bad.tfrecord");
}

START_TEST(test_tfrecord_every_flip)
{
    small_file sf;
    small_file_make(&sf, "flip");
    static const unsigned char flips[] = {0x01, 0x80, 0xff};
    int fd = open_damaged(sf.bad, sf.bytes, sf.len);
    for (size_t pos = 0; pos < sf.len; pos++)
        for (size_t v = 0; v < sizeof flips; v++) {
            put_byte(fd, pos, sf.bytes[pos] ^ flips[v]);
            cs_error err;
            cs_status st = import(sf.bad, sf.out, &err);
            put_byte(fd, pos, sf.bytes[pos]);
            char what[128];
            snprintf(what, sizeof what, "byte %zu ^ 0x%02x", pos, flips[v]);
            /* Each byte is under a CRC-32C (length, its CRC, data, its
             * CRC), which catches every error burst of up to 32 bits. */
            expect_import_error(&sf, st, &err, record_at(&sf, pos), what);
        }
    close(fd);
    small_file_free(&sf);
}
END_TEST

/* A NAS-Bench-201 CSV has no checksums: a damaged byte may still read as
 * another valid file (a digit changed).  What must hold: the reader never
 * crashes or reads out of bounds (ASan in CI), and every failure is a
 * format error naming the source, a line and a byte offset. */
static void expect_csv_read(const char *text, size_t len, const char *what)
{
    cs_nb201_data *d = NULL;
    cs_error err;
    cs_status st = cs_nb201_data_read_memory(text, len, "damaged.csv", &d, &err);
    if (st == CS_OK) {
        ck_assert_msg(d != NULL, "%s: no object", what);
        ck_assert_msg(cs_nb201_data_rows(d) >= 1 && cs_nb201_data_rows(d) <= 6,
                      "%s: %zu rows", what, cs_nb201_data_rows(d));
        cs_nb201_data_destroy(d);
        return;
    }
    ck_assert_msg(d == NULL, "%s: an object on failure", what);
    ck_assert_msg(st == CS_ERR_FORMAT || st == CS_ERR_LIMIT, "%s: status %d: %s", what, st,
                  err.msg);
    ck_assert_msg(strncmp(err.msg, "damaged.csv: ", 13) == 0 && strstr(err.msg, "line ") &&
                      strstr(err.msg, "(byte "),
                  "%s: the message does not name the line and byte: %s", what, err.msg);
}

START_TEST(test_nb201_csv_every_flip_and_truncation)
{
    static const char csv[] =
        "# NAS-Bench-201 results\n"
        "arch,dataset,metric,value\n"
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
        "nor_conv_1x1~2|,cifar10,test-accuracy,94.37\n"
        "6111,cifar10,valid-accuracy,91.5\r\n"
        "\"0\",cifar10,test-accuracy,89.25\n"
        "0,cifar10,test-accuracy,-1e-3\n";
    size_t len = sizeof csv - 1;
    char *buf = malloc(len);
    static const unsigned char flips[] = {0x01, 0x20, 0x80, 0xff};
    for (size_t pos = 0; pos < len; pos++)
        for (size_t v = 0; v < sizeof flips; v++) {
            memcpy(buf, csv, len);
            buf[pos] = (char)(buf[pos] ^ flips[v]);
            char what[64];
            snprintf(what, sizeof what, "byte %zu ^ 0x%02x", pos, flips[v]);
            expect_csv_read(buf, len, what);
        }
    for (size_t cut = 0; cut < len; cut++) {
        char what[64];
        snprintf(what, sizeof what, "cut at %zu", cut);
        expect_csv_read(csv, cut, what);
    }
    free(buf);
}
END_TEST

/* The store written from the first k records of the small file opens and
 * holds their k runs (answering as the whole file's where that is sound);
 * it is removed after. */
static void expect_store_of_records(const small_file *sf, size_t k, bool same_answers,
                                    const char *what)
{
    cs_error err;
    cs_store *s;
    ck_assert_msg(cs_store_open(&s, sf->out, &err) == CS_OK, "%s: %s", what, err.msg);
    if (same_answers)
        expect_same_answers(s, sf->ref, false, what);
    size_t runs = 0;
    for (size_t i = 0; i < cs_store_num_cells(s); i++)
        runs += cs_store_entry_at(s, i)->repeats[0];
    ck_assert_msg(runs == k, "%s: %zu runs from %zu records", what, runs, k);
    cs_store_close(s);
    ck_assert_int_eq(unlink(sf->out), 0);
}

START_TEST(test_tfrecord_every_truncation)
{
    small_file sf;
    small_file_make(&sf, "cut");
    int fd = open_damaged(sf.bad, sf.bytes, sf.len);
    for (size_t len = sf.len; len-- > 0;) {
        cut_to(fd, len);
        cs_error err;
        cs_status st = import(sf.bad, sf.out, &err);
        char what[128];
        snprintf(what, sizeof what, "cut to %zu bytes", len);
        size_t k = record_at(&sf, len);
        if (len == 0) {
            ck_assert_int_eq(st, CS_ERR_FORMAT);
            ck_assert_msg(strstr(err.msg, sf.bad) && strstr(err.msg, "no records"), "%s: %s",
                          what, err.msg);
            EXPECT_ONLY(sf.dir, what, "small.tfrecord", "ref.nb101", "bad.tfrecord");
        } else if (len == sf.off[k]) {
            /* Cut between records: a shorter file, as sound as the whole. */
            ck_assert_msg(st == CS_OK, "%s: %s", what, err.msg);
            expect_store_of_records(&sf, k, true, what);
        } else {
            expect_import_error(&sf, st, &err, k, what);
            ck_assert_msg(strstr(err.msg, "truncated"), "%s: %s", what, err.msg);
            /* keep_going: a cut file (a download that stopped) keeps every
             * record before the cut and says what was lost */
            cs_import_stats stats;
            st = import_keep_going(sf.bad, sf.out, &stats, &err);
            ck_assert_msg(stats.cut && stats.cut_bytes == len - sf.off[k],
                          "%s, keep going: cut %d, %llu bytes lost", what, (int)stats.cut,
                          (unsigned long long)stats.cut_bytes);
            if (k == 0) {
                expect_import_error(&sf, st, &err, k, what);
                continue;
            }
            ck_assert_msg(st == CS_OK, "%s, keep going: %s", what, err.msg);
            ck_assert_uint_eq(stats.records, k);
            ck_assert_msg(strstr(stats.cut_error.msg, "truncated"), "%s", stats.cut_error.msg);
            expect_store_of_records(&sf, k, false, what);
        }
    }
    close(fd);
    small_file_free(&sf);
}
END_TEST

/* The store: every byte is under the header's, the entries' or an index's
 * CRC-32C, so any flip or cut must make the open fail, naming the file; a
 * store that still opened would have to answer exactly as before. */
START_TEST(test_store_every_flip_and_truncation)
{
    char dir[2048], tf[4096], ref_path[4096], bad[4096];
    temp_dir(dir, sizeof dir, "store");
    cs_test_shared_path(tf, sizeof tf, REAL30);
    snprintf(ref_path, sizeof ref_path, "%s/ref.nb101", dir);
    snprintf(bad, sizeof bad, "%s/bad.nb101", dir);
    cs_store *ref = import_open(tf, ref_path);
    size_t len;
    unsigned char *bytes = (unsigned char *)cs_test_read_file(ref_path, &len);
    ck_assert_ptr_nonnull(bytes);
    static const unsigned char flips[] = {0x01, 0x80, 0xff};
    size_t opened = 0;
    int fd = open_damaged(bad, bytes, len);
    /* step < 3 * len: byte step / 3 flipped by one of the values; then the
     * file cut, shorter and shorter. */
    for (size_t step = 0; step < 4 * len; step++) {
        bool cut = step >= 3 * len;
        size_t pos = cut ? 4 * len - 1 - step : step / 3;
        unsigned char flip = flips[step % 3];
        char what[128];
        if (cut) {
            cut_to(fd, pos);
            snprintf(what, sizeof what, "store cut to %zu bytes", pos);
        } else {
            put_byte(fd, pos, bytes[pos] ^ flip);
            snprintf(what, sizeof what, "store byte %zu ^ 0x%02x", pos, flip);
        }
        cs_store *s;
        cs_error err;
        cs_error_clear(&err);
        if (cs_store_open(&s, bad, &err) == CS_OK) {
            /* (the map is shared: the byte is put back only after this) */
            ck_assert_msg(!cut, "%s: opened", what);
            expect_same_answers(s, ref, true, what);
            cs_store_close(s);
            opened++;
        } else {
            ck_assert_ptr_null(s);
            ck_assert_msg(strstr(err.msg, bad) != NULL, "%s: the message does not name %s: %s",
                          what, bad, err.msg);
        }
        if (!cut)
            put_byte(fd, pos, bytes[pos]);
    }
    /* No byte of the format is outside every checksum. */
    ck_assert_msg(opened == 0, "%zu damaged stores opened", opened);
    close(fd);
    free(bytes);
    cs_store_close(ref);
    remove_dir(dir);
}
END_TEST

/* --- running the command ----------------------------------------------------- */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void pause_briefly(void)
{
    struct timespec t = {0, 200000}; /* 0.2 ms */
    nanosleep(&t, NULL);
}

/* Start `cellscape argv[1]...` with stdout and stderr into the files out
 * and err; with a file-size limit of fsize_limit bytes when not 0 (and
 * SIGXFSZ ignored, so that writes fail with EFBIG as on a full disk
 * instead of killing the process). */
static pid_t spawn(char *const argv[], const char *out, const char *err, rlim_t fsize_limit)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid > 0)
        return pid;
    int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fi = open("/dev/null", O_RDONLY);
    if (fo < 0 || fe < 0 || fi < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0 || dup2(fi, 0) < 0)
        _exit(126);
    if (fsize_limit) {
        struct rlimit rl = {fsize_limit, fsize_limit};
        signal(SIGXFSZ, SIG_IGN); /* ignored stays ignored across exec */
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(126);
    }
    setenv("CELLSCAPE_PROGRESS", "0", 1);
    execv(CS_TEST_BINARY, argv);
    _exit(127);
}

static int wait_for(pid_t pid)
{
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

/* --- 2. too little space ------------------------------------------------------ */

START_TEST(test_full_disk_leaves_nothing)
{
    char dir[2048], out[4096], err[4096], store[4096], tf[4096];
    temp_dir(dir, sizeof dir, "full");
    snprintf(out, sizeof out, "%s/stdout", dir);
    snprintf(err, sizeof err, "%s/stderr", dir);
    snprintf(store, sizeof store, "%s/in.nb101", dir);
    cs_test_shared_path(tf, sizeof tf, MINI_FULL);
    /* The whole store to export from, written without a limit. */
    cs_store_close(import_open(tf, store));
    static const struct {
        const char *cmd, *flag, *name;
    } jobs[] = {{"import", NULL, "x.nb101"},          {"export", "--csv", "x.csv"},
                {"export", "--jsonl", "x.jsonl"},      {"export", "--sqlite", "x.sqlite"},
                {"synth", NULL, "x.tfrecord"}};
    for (size_t j = 0; j < sizeof jobs / sizeof jobs[0]; j++) {
        char target[4096];
        snprintf(target, sizeof target, "%s/%s", dir, jobs[j].name);
        char *argv[12];
        int a = 0;
        argv[a++] = (char *)"cellscape";
        argv[a++] = (char *)jobs[j].cmd;
        if (!strcmp(jobs[j].cmd, "import")) {
            argv[a++] = tf;
        } else if (!strcmp(jobs[j].cmd, "export")) {
            argv[a++] = store;
            argv[a++] = (char *)jobs[j].flag;
        } else {
            argv[a++] = (char *)"--only108";
            argv[a++] = (char *)"--cells";
            argv[a++] = (char *)"300";
        }
        argv[a++] = (char *)"-o";
        argv[a++] = target;
        argv[a] = NULL;
        /* 32 KiB: every output here is several times that. */
        int status = wait_for(spawn(argv, out, err, 32 << 10));
        size_t n;
        char *msg = cs_test_read_file(err, &n);
        ck_assert_ptr_nonnull(msg);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 4,
                      "%s %s: status 0x%x, expected exit 4: %s", jobs[j].cmd,
                      jobs[j].name, status, msg);
        ck_assert_msg(strstr(msg, target) != NULL, "%s: the message does not name %s: %s",
                      jobs[j].cmd, target, msg);
        free(msg);
        EXPECT_ONLY(dir, jobs[j].name, "stdout", "stderr", "in.nb101");
    }
    remove_dir(dir);
}
END_TEST

/* --- 3. interrupted ------------------------------------------------------------ */

static char big_dir[2048], big_tf[4096], big_store[4096];

/* The first `cells` cells of cellscape's SYNTHETIC dataset, 108 epochs. */
static void synth_file(const char *path, size_t cells)
{
    cs_synth_options opt;
    cs_synth_options_init(&opt);
    opt.only108 = true;
    opt.max_cells = cells;
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    cs_error err;
    ck_assert_msg(cs_synth_write(f, &opt, NULL, &err) == CS_OK, "%s", err.msg);
    ck_assert_int_eq(fclose(f), 0);
}

/* A SYNTHETIC dataset of 60000 cells (76 MB, 180000 records) and its store:
 * an import or export long enough to interrupt (made once for the case). */
static void big_setup(void)
{
    temp_dir(big_dir, sizeof big_dir, "big");
    snprintf(big_tf, sizeof big_tf, "%s/big.tfrecord", big_dir);
    snprintf(big_store, sizeof big_store, "%s/big.nb101", big_dir);
    synth_file(big_tf, 60000);
    cs_error err;
    cs_import_options io;
    cs_import_options_init(&io);
    cs_import_stats stats;
    ck_assert_msg(cs_store_import(big_tf, big_store, &io, &stats, &err) == CS_OK, "%s", err.msg);
}

static void big_teardown(void)
{
    remove_dir(big_dir);
}

/* Whether process pid has the file `path` open (Linux /proc). */
static bool has_open(pid_t pid, const char *path)
{
    struct stat want, st;
    ck_assert_int_eq(stat(path, &want), 0);
    char fddir[64], link[4200];
    snprintf(fddir, sizeof fddir, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(fddir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        snprintf(link, sizeof link, "%s/%s", fddir, e->d_name);
        found = stat(link, &st) == 0 && st.st_dev == want.st_dev && st.st_ino == want.st_ino;
    }
    closedir(d);
    return found;
}

/* Whether dir holds a name starting with prefix. */
static bool has_prefixed(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL)
        found = strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return found;
}

enum { WHILE_READING, WHILE_WRITING };

/* Poll the child pid (for up to two minutes) until ready(arg) says so,
 * then send sig and wait for it: true when sent, *status its end (or its
 * end before it got ready). */
static bool signal_once(pid_t pid, int sig, bool (*ready)(const void *), const void *arg,
                        int *status)
{
    double t0 = now();
    *status = 0;
    while (now() - t0 < 120) {
        pid_t w = waitpid(pid, status, WNOHANG);
        ck_assert_int_ge(w, 0);
        if (w == pid)
            return false;
        if (ready(arg)) {
            ck_assert_int_eq(kill(pid, sig), 0);
            *status = wait_for(pid);
            return true;
        }
        pause_briefly();
    }
    return false;
}

typedef struct interrupt_point {
    int when;
    pid_t pid;
    const char *input, *dir, *tmp_prefix;
} interrupt_point;

static bool interrupt_point_reached(const void *arg)
{
    const interrupt_point *p = arg;
    return p->when == WHILE_READING ? has_open(p->pid, p->input)
                                    : has_prefixed(p->dir, p->tmp_prefix);
}

/* Run argv, send sig once it has the input open (WHILE_READING) or once
 * its temporary output exists (WHILE_WRITING), and expect it to end by the
 * signal or with an error, leaving nothing but stdout and stderr in dir.
 * A signal that comes after the last point where the command looks for one
 * (only the rename left) lets it finish: then the output is whole, and the
 * run is tried again, a few times, until one is interrupted; so is a run
 * whose temporary output came and went between two looks. */
static void interrupt(char *const argv[], const char *dir, const char *name, const char *input,
                      int sig, int when)
{
    char out[4096], err[4096], tmp_prefix[512], target[4096], what[256];
    snprintf(out, sizeof out, "%s/stdout", dir);
    snprintf(err, sizeof err, "%s/stderr", dir);
    snprintf(target, sizeof target, "%s/%s", dir, name);
    snprintf(tmp_prefix, sizeof tmp_prefix, "%s.tmp.", name);
    snprintf(what, sizeof what, "%s %s, signal %d %s", argv[1], name, sig,
             when == WHILE_READING ? "while reading" : "while writing");
    for (int attempt = 0;; attempt++) {
        pid_t pid = spawn(argv, out, err, 0);
        int status = 0;
        interrupt_point at = {when, pid, input, dir, tmp_prefix};
        bool sent = signal_once(pid, sig, interrupt_point_reached, &at, &status);
        if (!sent && waitpid(pid, &status, WNOHANG) == 0) {
            kill(pid, SIGKILL); /* never saw its input or output: do not leave it running */
            status = wait_for(pid);
        }
        /* The temporary output of an import exists only while the store
         * is written, at the end, for a few milliseconds: a poll can miss
         * it.  A whole output then, and another try. */
        if (!sent && when == WHILE_WRITING && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
            attempt < 20) {
            EXPECT_ONLY(dir, what, "stdout", "stderr", name);
            ck_assert_int_eq(unlink(target), 0);
            continue;
        }
        ck_assert_msg(sent, "%s: finished before it could be interrupted (status 0x%x)", what,
                      status);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            ck_assert_msg(when == WHILE_WRITING && attempt < 5,
                          "%s: finished as if not interrupted (attempt %d)", what, attempt + 1);
            EXPECT_ONLY(dir, what, "stdout", "stderr", name);
            ck_assert_int_eq(unlink(target), 0);
            continue;
        }
        ck_assert_msg((WIFSIGNALED(status) && WTERMSIG(status) == sig) || WIFEXITED(status),
                      "%s: status 0x%x", what, status);
        /* The command caught the signal, cleaned up, and said so. */
        size_t n;
        char *msg = cs_test_read_file(err, &n);
        ck_assert_ptr_nonnull(msg);
        ck_assert_msg(strstr(msg, "interrupted") && strstr(msg, target), "%s: %s", what, msg);
        free(msg);
        EXPECT_ONLY(dir, what, "stdout", "stderr");
        return;
    }
}

START_TEST(test_interrupted_import)
{
    static const int sigs[] = {SIGINT, SIGTERM};
    char dir[2048], target[4096];
    temp_dir(dir, sizeof dir, "intr");
    snprintf(target, sizeof target, "%s/x.nb101", dir);
    char *argv[] = {(char *)"cellscape", (char *)"import", big_tf, (char *)"-o", target, NULL};
    for (int k = 0; k < 2; k++)
        for (int when = WHILE_READING; when <= WHILE_WRITING; when++)
            interrupt(argv, dir, "x.nb101", big_tf, sigs[k], when);
    remove_dir(dir);
}
END_TEST

START_TEST(test_interrupted_synth_and_export)
{
    static const int sigs[] = {SIGINT, SIGTERM};
    char dir[2048], target[4096];
    temp_dir(dir, sizeof dir, "intr2");
    for (int k = 0; k < 2; k++) {
        snprintf(target, sizeof target, "%s/y.tfrecord", dir);
        char *synth[] = {(char *)"cellscape", (char *)"synth", (char *)"--only108",
                         (char *)"--cells", (char *)"60000", (char *)"-o", target, NULL};
        interrupt(synth, dir, "y.tfrecord", big_tf, sigs[k], WHILE_WRITING);
        snprintf(target, sizeof target, "%s/z.csv", dir);
        char *csv[] = {(char *)"cellscape", (char *)"export", big_store, (char *)"--csv",
                       (char *)"-o", target, NULL};
        interrupt(csv, dir, "z.csv", big_store, sigs[k], WHILE_WRITING);
        snprintf(target, sizeof target, "%s/z.sqlite", dir);
        char *sql[] = {(char *)"cellscape", (char *)"export", big_store, (char *)"--sqlite",
                       (char *)"-o", target, NULL};
        interrupt(sql, dir, "z.sqlite", big_store, sigs[k], WHILE_WRITING);
    }
    remove_dir(dir);
}
END_TEST

/* enum stops mid-walk: 8 vertices and 10 edges take 10 s uninterrupted. */
START_TEST(test_interrupted_enum)
{
    static const int sigs[] = {SIGINT, SIGTERM};
    char dir[2048], target[4096];
    temp_dir(dir, sizeof dir, "intr3");
    snprintf(target, sizeof target, "%s/classes.tsv", dir);
    char *argv[] = {(char *)"cellscape", (char *)"enum", (char *)"--max-vertices", (char *)"8",
                    (char *)"--max-edges", (char *)"10", (char *)"-o", target, NULL};
    for (int k = 0; k < 2; k++) {
        double t0 = now();
        interrupt(argv, dir, "classes.tsv", NULL, sigs[k], WHILE_WRITING);
        ck_assert_msg(now() - t0 < 8, "enum took %.1f s to stop", now() - t0);
    }
    remove_dir(dir);
}
END_TEST

static bool path_exists(const void *path)
{
    return access(path, F_OK) == 0;
}

/* Whether any name below dir contains needle. */
static bool tree_has(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        found = strstr(e->d_name, needle) != NULL || tree_has(path, needle);
    }
    closedir(d);
    return found;
}

/* report, interrupted once it has made its directories: a new report
 * directory is removed again (with the parent it made), and one that was
 * there keeps what it had, with no temporary file left in it. */
START_TEST(test_interrupted_report_leaves_nothing_new)
{
    char dir[2048], out[4096], err[4096], target[4096], mark[4096], data[4200];
    temp_dir(dir, sizeof dir, "intr-report");
    snprintf(out, sizeof out, "%s/stdout", dir);
    snprintf(err, sizeof err, "%s/stderr", dir);
    for (int existing = 0; existing < 2; existing++) {
        snprintf(target, sizeof target, "%s/%s", dir, existing ? "old" : "new/report");
        snprintf(mark, sizeof mark, "%s/old/mine.txt", dir);
        if (existing) {
            snprintf(data, sizeof data, "%s/old", dir);
            ck_assert_int_eq(mkdir(data, 0755), 0);
            FILE *f = fopen(mark, "w");
            ck_assert_ptr_nonnull(f);
            fputs("a file of the user's\n", f);
            fclose(f);
        }
        snprintf(data, sizeof data, "%s/data", target);
        char *argv[] = {(char *)"cellscape", (char *)"report", (char *)"-o", target, NULL};
        pid_t pid = spawn(argv, out, err, 0);
        int status;
        bool sent = signal_once(pid, SIGTERM, path_exists, data, &status);
        ck_assert_msg(sent, "the report finished before it could be interrupted (0x%x)", status);
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status 0x%x", status);
        size_t n;
        char *msg = cs_test_read_file(err, &n);
        ck_assert_ptr_nonnull(msg);
        ck_assert_msg(strstr(msg, "interrupted") && strstr(msg, target), "%s", msg);
        if (!existing) {
            ck_assert_msg(strstr(msg, "not written"), "%s", msg);
            EXPECT_ONLY(dir, "a new report, interrupted", "stdout", "stderr");
        } else {
            ck_assert_msg(access(mark, F_OK) == 0, "the user's file is gone");
            ck_assert_msg(!tree_has(target, ".tmp."), "a temporary file is left in %s", target);
        }
        free(msg);
    }
    cs_error e;
    ck_assert_msg(cs_remove_tree(dir, &e) == CS_OK, "%s", e.msg);
}
END_TEST

/* --- 4. a store replaced under its readers ----------------------------------- */

START_TEST(test_replaced_store_never_half_seen)
{
    char dir[2048], a_tf[4096], b_tf[4096], a[4096], b[4096], shared[4096];
    temp_dir(dir, sizeof dir, "swap");
    cs_test_shared_path(a_tf, sizeof a_tf, REAL30);
    cs_test_shared_path(b_tf, sizeof b_tf, MINI_ONLY108);
    snprintf(a, sizeof a, "%s/a.nb101", dir);
    snprintf(b, sizeof b, "%s/b.nb101", dir);
    snprintf(shared, sizeof shared, "%s/shared.nb101", dir);
    unsigned char fp[2][32];
    size_t cells[2];
    cs_store *s = import_open(a_tf, a);
    cs_store_fingerprint(s, fp[0]);
    cells[0] = cs_store_num_cells(s);
    cs_store_close(s);
    s = import_open(b_tf, b);
    cs_store_fingerprint(s, fp[1]);
    cells[1] = cs_store_num_cells(s);
    cs_store_close(s);
    ck_assert(memcmp(fp[0], fp[1], 32) != 0 && cells[0] != cells[1]);
    cs_store_close(import_open(a_tf, shared));

    /* A writer process imports A, then B, then A... over one path for two
     * seconds; every open here must find one of the two, whole. */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        double t0 = now();
        for (int i = 0; now() - t0 < 2.0; i++) {
            cs_error err;
            if (import(i % 2 ? a_tf : b_tf, shared, &err) != CS_OK)
                _exit(1);
        }
        _exit(0);
    }
    size_t seen[2] = {0, 0};
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        cs_error err;
        ck_assert_msg(cs_store_open(&s, shared, &err) == CS_OK, "%s", err.msg);
        unsigned char f[32];
        cs_store_fingerprint(s, f);
        int which = !memcmp(f, fp[0], 32) ? 0 : !memcmp(f, fp[1], 32) ? 1 : -1;
        ck_assert_msg(which >= 0, "the store is neither A nor B");
        ck_assert_uint_eq(cs_store_num_cells(s), cells[which]);
        /* and its entries hold what the index says */
        for (size_t i = 0; i < cs_store_num_cells(s); i += 7) {
            const cs_store_entry *e = cs_store_entry_at(s, i);
            ck_assert_int_eq(cs_store_find_hash(s, e->hash), (int64_t)i);
            ck_assert_int_eq(cs_store_find_canon(s, &e->canon), (int64_t)i);
        }
        cs_store_close(s);
        seen[which]++;
    }
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the writer failed: 0x%x",
                  status);
    ck_assert_msg(seen[0] > 0 && seen[1] > 0, "saw A %zu and B %zu times", seen[0], seen[1]);
    EXPECT_ONLY(dir, "replacing", "a.nb101", "b.nb101", "shared.nb101");
    remove_dir(dir);
}
END_TEST

/* --- 5. inputs made to exhaust memory --------------------------------------- */

/* The sanitizers keep freed memory in quarantine and shadow what is used,
 * so peak resident memory says nothing under them: they check the errors
 * only (and their own allocator limits catch huge requests). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MEMORY_MEASURED 0
#else
#define MEMORY_MEASURED 1
#endif

typedef struct child_result {
    cs_status st;
    long grew_kb; /* peak resident memory over what it was before the import */
    char msg[CS_ERROR_MSG_MAX];
} child_result;

/* Import in a child process, so that its peak memory is its own. */
static child_result import_in_child(const char *tf, const char *store, bool keep_going)
{
    int fd[2];
    ck_assert_int_eq(pipe(fd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fd[0]);
        child_result r;
        memset(&r, 0, sizeof r);
        struct rusage before, after;
        getrusage(RUSAGE_SELF, &before);
        cs_import_options opt;
        cs_import_options_init(&opt);
        opt.keep_going = keep_going;
        cs_import_stats stats;
        cs_error err;
        cs_error_clear(&err);
        r.st = cs_store_import(tf, store, &opt, &stats, &err);
        getrusage(RUSAGE_SELF, &after);
        r.grew_kb = after.ru_maxrss - before.ru_maxrss;
        memcpy(r.msg, err.msg, sizeof r.msg);
        ssize_t n = write(fd[1], &r, sizeof r);
        _exit(n == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fd[1]);
    child_result r;
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = read(fd[0], (char *)&r + got, sizeof r - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the importing process died (status 0x%x)", status);
    ck_assert_uint_eq(got, sizeof r);
    return r;
}

/* Records with valid framing (the CRCs pass, so only the limits stop
 * them), one per data buffer. */
static void write_records(const char *path, const unsigned char *const *data, const size_t *len,
                          size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    for (size_t i = 0; i < n; i++) {
        cs_error err;
        ck_assert_msg(cs_tfrecord_write(f, data[i], len[i], &err) == CS_OK, "%s", err.msg);
    }
    ck_assert_int_eq(fclose(f), 0);
}

/* Import path as one bad record after a good one; expect an error naming
 * the file, record 1 and `phrase`, no store, and memory growth under
 * limit_mb. */
static void expect_bounded_error(const unsigned char *bad, size_t bad_len, const char *phrase,
                                 long limit_mb)
{
    char dir[2048], tf[4096], store[4096];
    scratch(dir, tf, store, "limit");
    size_t off[2];
    unsigned char *all = first_record(off);
    const unsigned char *data[2] = {all + 12, bad};
    size_t len[2] = {off[1] - 16, bad_len};
    write_records(tf, data, len, 2);
    free(all);
    child_result r = import_in_child(tf, store, false);
    char where[4200];
    snprintf(where, sizeof where, "%s: record 1 at byte offset %zu", tf, off[1]);
    ck_assert_msg(r.st != CS_OK, "a %zu-byte record imported", bad_len);
    ck_assert_msg(strstr(r.msg, where) && strstr(r.msg, phrase),
                  "expected \"%s\" and \"%s\": %s", where, phrase, r.msg);
    EXPECT_ONLY(dir, phrase, "in.tfrecord");
    if (MEMORY_MEASURED)
        ck_assert_msg(r.grew_kb < limit_mb * 1024, "%s: memory grew by %ld MB", phrase,
                      r.grew_kb / 1024);
    remove_dir(dir);
}

/* A row of the real fixture's first record with item `which` replaced by
 * `item` (given with its quotes, or as a number). */
static unsigned char *row_with(int which, const char *item, size_t item_len, size_t *len)
{
    static const char *const items[5] = {
        "\"ff92c322c5d9d3d587d9c146a63d0807\"", "108",
        "\"0101000001110000010000000001000001000000010000000\"",
        "\"input,conv3x3-bn-relu,conv1x1-bn-relu,conv1x1-bn-relu,conv3x3-bn-relu,"
        "conv1x1-bn-relu,output\"",
        "\"Ci0JAAAAAAAAAAARAAAAAAAAAAAZAAAAAAAAAAAhAAAAAAAAAAApAAAAAAAAAAAKLQkAAAAAAABLQBEAAAAgr"
        "s+FQBkAAABA7ATqPyEAAAAgO3HoPykAAACgQVroPwotCQAAAAAAAFtAEQAAAECN0JVAGQAAAAAAAPA/IQAAAOB"
        "bnu0/KQAAAKCqiu0/EIq4gQMZAAAAAAAAAAA=\""};
    size_t cap = item_len + 1024;
    unsigned char *row = malloc(cap);
    ck_assert_ptr_nonnull(row);
    size_t at = 0;
    row[at++] = '[';
    for (int i = 0; i < 5; i++) {
        if (i) {
            memcpy(row + at, ", ", 2);
            at += 2;
        }
        const char *t = i == which ? item : items[i];
        size_t tl = i == which ? item_len : strlen(items[i]);
        memcpy(row + at, t, tl);
        at += tl;
    }
    row[at++] = ']';
    *len = at;
    return row;
}

/* Peak memory of importing n records of `size` bytes each, all bad. */
static long import_many_records(size_t n, size_t size)
{
    char dir[2048], tf[4096], store[4096];
    scratch(dir, tf, store, "many");
    unsigned char *b = malloc(size);
    ck_assert_ptr_nonnull(b);
    memset(b, 'a', size);
    b[0] = b[size - 1] = '"';
    const unsigned char **data = malloc(n * sizeof *data);
    size_t *len = malloc(n * sizeof *len);
    ck_assert(data && len);
    for (size_t i = 0; i < n; i++) {
        data[i] = b;
        len[i] = size;
    }
    write_records(tf, data, len, n);
    child_result r = import_in_child(tf, store, false);
    char want[4200];
    snprintf(want, sizeof want, "%s: record 0 at byte offset 0: row is a string", tf);
    ck_assert_msg(r.st == CS_ERR_FORMAT && strstr(r.msg, want), "%s", r.msg);
    EXPECT_ONLY(dir, "many large records", "in.tfrecord");
    free(data);
    free(len);
    free(b);
    remove_dir(dir);
    return r.grew_kb;
}

START_TEST(test_memory_independent_of_file_size)
{
    /* Records are read ahead in batches while earlier ones decode; a batch
     * must be bounded in bytes, not only in records, or a file of large
     * records is held whole in memory. */
    long small = import_many_records(8, (size_t)1 << 20);
    long large = import_many_records(96, (size_t)1 << 20);
    if (MEMORY_MEASURED)
        ck_assert_msg(large - small < 32 * 1024,
                      "8 MB of records took %ld MB, 96 MB took %ld MB", small / 1024,
                      large / 1024);
}
END_TEST

START_TEST(test_record_length_over_limit)
{
    /* A length field with a valid CRC, claiming a terabyte, then a few
     * bytes: the reader must refuse before allocating. */
    char dir[2048], tf[4096], store[4096];
    scratch(dir, tf, store, "length");
    size_t off[2];
    unsigned char *all = first_record(off);
    static const uint64_t lengths[] = {(uint64_t)1 << 40, CS_TFRECORD_MAX_RECORD_LEN + 1,
                                       UINT64_MAX};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        unsigned char b[4096];
        memcpy(b, all, off[1]);
        unsigned char *h = b + off[1];
        for (int k = 0; k < 8; k++)
            h[k] = (unsigned char)(lengths[i] >> (8 * k));
        uint32_t c = cs_crc32c_masked(h, 8);
        for (int k = 0; k < 4; k++)
            h[8 + k] = (unsigned char)(c >> (8 * k));
        memset(h + 12, 'x', 100);
        write_file(tf, b, off[1] + 112);
        child_result r = import_in_child(tf, store, true);
        char want[4200];
        snprintf(want, sizeof want, "%s: record 1 at byte offset %zu: record length %llu exceeds",
                 tf, off[1], (unsigned long long)lengths[i]);
        ck_assert_msg(r.st == CS_ERR_FORMAT && strstr(r.msg, want), "%s", r.msg);
        if (MEMORY_MEASURED)
            ck_assert_msg(r.grew_kb < 32 * 1024, "memory grew by %ld MB", r.grew_kb / 1024);
        EXPECT_ONLY(dir, "length over the limit", "in.tfrecord");
    }
    free(all);
    remove_dir(dir);
}
END_TEST

START_TEST(test_record_at_limit)
{
    /* The largest record the reader takes, all one JSON string. */
    size_t len = CS_TFRECORD_MAX_RECORD_LEN;
    unsigned char *b = malloc(len);
    ck_assert_ptr_nonnull(b);
    memset(b, 'a', len);
    b[0] = b[len - 1] = '"';
    expect_bounded_error(b, len, "row is a string, expected an array", 160);
    free(b);
}
END_TEST

START_TEST(test_deep_json)
{
    /* 100000 nested arrays: a recursive parser without a depth limit would
     * overflow its stack. */
    size_t depth = 100000;
    unsigned char *b = malloc(2 * depth);
    ck_assert_ptr_nonnull(b);
    memset(b, '[', depth);
    memset(b + depth, ']', depth);
    expect_bounded_error(b, 2 * depth, "invalid JSON", 32);
    /* unclosed */
    expect_bounded_error(b, depth, "invalid JSON", 32);
    free(b);
}
END_TEST

START_TEST(test_huge_json_strings)
{
    /* A 4 MiB adjacency, read directly and (escaped) through the JSON
     * parser; a 12 MiB module hash. */
    size_t n = (size_t)4 << 20;
    char *item = malloc(n + 16);
    ck_assert_ptr_nonnull(item);
    item[0] = '"';
    memset(item + 1, '0', n);
    item[n + 1] = '"';
    size_t len;
    unsigned char *row = row_with(2, item, n + 2, &len);
    char phrase[128];
    snprintf(phrase, sizeof phrase, "item 2 (adjacency) is %zu characters long, limit %d", n,
             CS_NB101_ADJ_MAX);
    expect_bounded_error(row, len, phrase, 64);
    free(row);
    memcpy(item + 1, "\\u0030", 6); /* an escape: the cJSON path */
    row = row_with(2, item, n + 2, &len);
    snprintf(phrase, sizeof phrase, "item 2 (adjacency) is %zu characters long, limit %d", n - 5,
             CS_NB101_ADJ_MAX);
    expect_bounded_error(row, len, phrase, 64);
    free(row);
    free(item);

    n = (size_t)12 << 20;
    item = malloc(n + 2);
    ck_assert_ptr_nonnull(item);
    item[0] = '"';
    memset(item + 1, 'f', n);
    item[n + 1] = '"';
    row = row_with(0, item, n + 2, &len);
    expect_bounded_error(row, len, "item 0 (module hash) is not 32 lowercase hex digits", 96);
    free(row);
    free(item);
}
END_TEST

/* A metrics item: base64 of `reps` copies of `unit` then trainable
 * parameters. */
static unsigned char *metrics_row(const unsigned char *unit, size_t unit_len, size_t reps,
                                  size_t *len)
{
    size_t pb_len = unit_len * reps + 2;
    unsigned char *pb = malloc(pb_len);
    ck_assert_ptr_nonnull(pb);
    for (size_t i = 0; i < reps; i++)
        memcpy(pb + i * unit_len, unit, unit_len);
    pb[pb_len - 2] = 0x10; /* trainable_parameters = 1 */
    pb[pb_len - 1] = 0x01;
    size_t b64_len = BASE64_ENCODE_RAW_LENGTH(pb_len);
    char *item = malloc(b64_len + 2);
    ck_assert_ptr_nonnull(item);
    item[0] = '"';
    base64_encode_raw(item + 1, pb_len, pb);
    item[b64_len + 1] = '"';
    unsigned char *row = row_with(4, item, b64_len + 2, len);
    free(item);
    free(pb);
    return row;
}

START_TEST(test_absurd_repeated_counts)
{
    /* A million empty evaluation_data entries: 2 MB of protobuf that a
     * decoder taking counts on trust would turn into a million structs. */
    static const unsigned char empty_eval[] = {0x0a, 0x00};
    size_t len;
    unsigned char *row = metrics_row(empty_eval, sizeof empty_eval, 1000000, &len);
    expect_bounded_error(row, len, "holds too many fields", 64);
    free(row);
    /* A million unknown fields (field 15, varint 0) beside the three
     * evaluations. */
    static const unsigned char unknown[] = {0x78, 0x00};
    row = metrics_row(unknown, sizeof unknown, 1000000, &len);
    expect_bounded_error(row, len, "holds too many fields", 64);
    free(row);
}
END_TEST

/* --- 6. threads ----------------------------------------------------------------- */

#define NTHREADS 8
#define RANDOM_CELLS 3000
#define RANDOM_KEYS 500

/* What one look-up answered: compared field by field, messages included. */
typedef struct lookup_answer {
    cs_status st;
    int64_t index;
    char hash[33];
    int32_t params;
    char msg[CS_ERROR_MSG_MAX];
} lookup_answer;

typedef struct query_answer {
    cs_status st;
    cs_query_result r;
    cs_budget_counter counter;
    char msg[CS_ERROR_MSG_MAX];
} query_answer;

/* Every question asked, with the answer the calling thread got alone. */
typedef struct workload {
    const cs_store *s;
    size_t ntexts;
    char **texts;
    lookup_answer *lookups;      /* per text */
    size_t nqueries;             /* per text: budgets x {final, halfway} x {mean, 0, 1, 2, 3} */
    query_answer *queries;       /* ntexts x nqueries */
    cs_cell cells[RANDOM_CELLS];
    int64_t by_cell[RANDOM_CELLS];
    size_t nkeys;
    unsigned char (*hashes)[16];
    cs_key *canons;
    int64_t *by_hash, *by_canon;
    unsigned long long seed;
    atomic_size_t checked, wrong;
    pthread_mutex_t mu;
    char first_wrong[512];
} workload;

static void do_lookup(const cs_store *s, const char *text, lookup_answer *a, cs_query_result *r)
{
    cs_error err;
    cs_error_clear(&err);
    memset(a, 0, sizeof *a);
    a->st = cs_store_lookup(s, text, strlen(text), r, &err);
    a->index = r->index;
    memcpy(a->hash, r->hash, sizeof a->hash);
    a->params = a->st == CS_OK && r->index >= 0 ? r->trainable_parameters : 0;
    if (a->st)
        memcpy(a->msg, err.msg, sizeof a->msg);
}

/* Query k of a looked-up cell (see workload.nqueries). */
static void do_query(const cs_store *s, const cs_query_result *looked, size_t k, query_answer *a)
{
    int budget = cs_store_budget(s, (int)(k / 10));
    bool halfway = k / 5 % 2;
    int mode = (int)(k % 5); /* 0 mean, 1..4 repeat mode - 1 (3 is out of range) */
    cs_error err;
    cs_error_clear(&err);
    memset(a, 0, sizeof *a);
    a->r = *looked;
    a->st = cs_store_query(s, &a->r, budget, halfway, mode ? CS_REPEAT_ONE : CS_REPEAT_MEAN,
                           mode - 1, &a->counter, &err);
    if (a->st)
        memcpy(a->msg, err.msg, sizeof a->msg);
}

static bool same_lookup(const lookup_answer *a, const lookup_answer *b)
{
    return a->st == b->st && a->index == b->index && !strcmp(a->hash, b->hash) &&
           a->params == b->params && !strcmp(a->msg, b->msg);
}

static bool same_query(const query_answer *a, const query_answer *b)
{
    return a->st == b->st && !strcmp(a->msg, b->msg) &&
           (a->st != CS_OK || (same_run(&a->r, &b->r) &&
                               !memcmp(&a->counter, &b->counter, sizeof a->counter)));
}

static void wrong(workload *w, const char *what, size_t i)
{
    if (atomic_fetch_add(&w->wrong, 1) == 0) {
        pthread_mutex_lock(&w->mu);
        snprintf(w->first_wrong, sizeof w->first_wrong, "%s %zu", what, i);
        pthread_mutex_unlock(&w->mu);
    }
}

typedef struct worker {
    workload *w;
    unsigned long long seed;
    size_t ops;
} worker;

static void *ask_at_random(void *arg)
{
    worker *me = arg;
    workload *w = me->w;
    unsigned long long rng = me->seed;
    for (size_t op = 0; op < me->ops; op++) {
        unsigned long long x = cs_test_rand(&rng);
        size_t i;
        switch (x % 5) {
        case 0:
        case 1: { /* a cell as text, then every query of it */
            i = (size_t)(x >> 8) % w->ntexts;
            lookup_answer a;
            cs_query_result r;
            do_lookup(w->s, w->texts[i], &a, &r);
            if (!same_lookup(&a, &w->lookups[i]))
                wrong(w, "lookup of text", i);
            if (a.st != CS_OK)
                break;
            size_t k = (size_t)(x >> 40) % w->nqueries;
            query_answer q;
            do_query(w->s, &r, k, &q);
            if (!same_query(&q, &w->queries[i * w->nqueries + k]))
                wrong(w, "query of text", i);
            break;
        }
        case 2:
            i = (size_t)(x >> 8) % RANDOM_CELLS;
            if (cs_store_lookup_cell(w->s, &w->cells[i]) != w->by_cell[i])
                wrong(w, "lookup of cell", i);
            break;
        case 3:
            i = (size_t)(x >> 8) % w->nkeys;
            if (cs_store_find_hash(w->s, w->hashes[i]) != w->by_hash[i])
                wrong(w, "find_hash", i);
            break;
        default:
            i = (size_t)(x >> 8) % w->nkeys;
            if (cs_store_find_canon(w->s, &w->canons[i]) != w->by_canon[i])
                wrong(w, "find_canon", i);
            break;
        }
        atomic_fetch_add(&w->checked, 1);
    }
    return NULL;
}

/* The probes of the fixture, every stored cell in JSON, random cells
 * (pruned or not, in the space or not) and random keys, answered once on
 * this thread. */
static void workload_make(workload *w, const cs_store *s)
{
    memset(w, 0, sizeof *w);
    w->s = s;
    pthread_mutex_init(&w->mu, NULL);
    json_t *root = cs_test_load_json("fixtures/nb101-mini-full.expected.json");
    json_t *probes = json_object_get(root, "probes");
    size_t nprobes = json_array_size(probes), ncells = cs_store_num_cells(s);
    w->ntexts = nprobes + ncells;
    w->texts = calloc(w->ntexts, sizeof *w->texts);
    ck_assert_ptr_nonnull(w->texts);
    for (size_t i = 0; i < nprobes; i++) {
        json_t *p = json_array_get(probes, i);
        json_t *o = json_pack("{sOsO}", "matrix", json_object_get(p, "matrix"), "ops",
                              json_object_get(p, "ops"));
        w->texts[i] = json_dumps(o, JSON_COMPACT);
        json_decref(o);
    }
    json_decref(root);
    for (size_t i = 0; i < ncells; i++) {
        cs_cell c;
        cs_key_cell(&cs_store_entry_at(s, i)->cell, &c);
        char buf[4096];
        int n = cs_cell_format_json(&c, buf, sizeof buf);
        ck_assert(n > 0 && (size_t)n < sizeof buf);
        w->texts[nprobes + i] = strdup(buf);
    }
    w->nqueries = (size_t)cs_store_num_budgets(s) * 10;
    w->lookups = calloc(w->ntexts, sizeof *w->lookups);
    w->queries = calloc(w->ntexts * w->nqueries, sizeof *w->queries);
    ck_assert(w->lookups && w->queries);
    size_t found = 0;
    for (size_t i = 0; i < w->ntexts; i++) {
        ck_assert_ptr_nonnull(w->texts[i]);
        cs_query_result r;
        do_lookup(s, w->texts[i], &w->lookups[i], &r);
        if (w->lookups[i].st != CS_OK)
            continue;
        found += r.index >= 0;
        for (size_t k = 0; k < w->nqueries; k++)
            do_query(s, &r, k, &w->queries[i * w->nqueries + k]);
    }
    ck_assert_uint_ge(found, ncells);

    unsigned long long rng = 20240611;
    size_t in_store = 0;
    for (size_t i = 0; i < RANDOM_CELLS; i++) {
        cs_cell *c = &w->cells[i];
        memset(c, 0, sizeof *c);
        if (i % 3 == 0) { /* a stored cell (the probes hold permuted ones) */
            cs_key_cell(&cs_store_entry_at(s, (size_t)(cs_test_rand(&rng) % ncells))->cell, c);
        } else {
            c->n = 2 + (int)(cs_test_rand(&rng) % 7);
            for (int a = 0; a < c->n; a++) {
                c->op[a] = (int8_t)(cs_test_rand(&rng) % 3);
                for (int b = a + 1; b < c->n; b++)
                    if (cs_test_rand(&rng) % 3 == 0)
                        c->adj[a] |= UINT32_C(1) << b;
            }
            c->op[0] = CS_OP_INPUT;
            c->op[c->n - 1] = CS_OP_OUTPUT;
        }
        w->by_cell[i] = cs_store_lookup_cell(s, c);
        in_store += w->by_cell[i] >= 0;
    }
    ck_assert_uint_ge(in_store, RANDOM_CELLS / 3);

    w->nkeys = ncells + RANDOM_KEYS;
    w->hashes = malloc(w->nkeys * sizeof *w->hashes);
    w->canons = malloc(w->nkeys * sizeof *w->canons);
    w->by_hash = malloc(w->nkeys * sizeof *w->by_hash);
    w->by_canon = malloc(w->nkeys * sizeof *w->by_canon);
    ck_assert(w->hashes && w->canons && w->by_hash && w->by_canon);
    for (size_t i = 0; i < w->nkeys; i++) {
        if (i < ncells) {
            memcpy(w->hashes[i], cs_store_entry_at(s, i)->hash, 16);
            w->canons[i] = cs_store_entry_at(s, i)->canon;
        } else {
            for (int k = 0; k < 16; k++)
                w->hashes[i][k] = (unsigned char)cs_test_rand(&rng);
            w->canons[i].lo = cs_test_rand(&rng);
            w->canons[i].hi = cs_test_rand(&rng);
        }
        w->by_hash[i] = cs_store_find_hash(s, w->hashes[i]);
        w->by_canon[i] = cs_store_find_canon(s, &w->canons[i]);
        ck_assert(i >= ncells || (w->by_hash[i] == (int64_t)i && w->by_canon[i] == (int64_t)i));
    }
}

static void workload_free(workload *w)
{
    for (size_t i = 0; i < w->ntexts; i++)
        free(w->texts[i]);
    free(w->texts);
    free(w->lookups);
    free(w->queries);
    free(w->hashes);
    free(w->canons);
    free(w->by_hash);
    free(w->by_canon);
    pthread_mutex_destroy(&w->mu);
}

/* Operations per thread per round; fewer under the sanitizers (TSan runs
 * this case alone, 5-15 times slower). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OPS_PER_THREAD 3000
#else
#define OPS_PER_THREAD 20000
#endif

START_TEST(test_store_queried_from_threads)
{
    char dir[2048], tf[4096], store[4096];
    temp_dir(dir, sizeof dir, "threads");
    cs_test_shared_path(tf, sizeof tf, MINI_FULL);
    snprintf(store, sizeof store, "%s/mini.nb101", dir);
    cs_store *s = import_open(tf, store);
    workload *w = malloc(sizeof *w);
    ck_assert_ptr_nonnull(w);
    workload_make(w, s);
    /* Rounds with different seeds: each thread its own random sequence. */
    for (unsigned long long round = 0; round < 3; round++) {
        pthread_t tid[NTHREADS];
        worker wk[NTHREADS];
        for (int t = 0; t < NTHREADS; t++) {
            wk[t] = (worker){w, 1000 * (round + 1) + (unsigned long long)t, OPS_PER_THREAD};
            ck_assert_int_eq(pthread_create(&tid[t], NULL, ask_at_random, &wk[t]), 0);
        }
        for (int t = 0; t < NTHREADS; t++)
            ck_assert_int_eq(pthread_join(tid[t], NULL), 0);
    }
    ck_assert_msg(atomic_load(&w->wrong) == 0, "%zu of %zu answers differ; the first: %s",
                  atomic_load(&w->wrong), atomic_load(&w->checked), w->first_wrong);
    ck_assert_uint_eq(atomic_load(&w->checked), 3 * NTHREADS * OPS_PER_THREAD);
    workload_free(w);
    free(w);
    cs_store_close(s);
    remove_dir(dir);
}
END_TEST

/* The import's own threads (a reader, decoders, cell checks) and synth's:
 * a store made on 1, 2 or 8 threads is the same file, byte for byte.  9000
 * cells: several record batches and two jobs of cell checks, so that
 * ThreadSanitizer sees every hand-over of the pipeline. */
START_TEST(test_import_on_threads_is_deterministic)
{
    char dir[2048], tf[4096], store[4096];
    scratch(dir, tf, store, "imthreads");
    synth_file(tf, 9000);
    cs_error err;
    static const int threads[] = {1, 2, 8};
    char *first = NULL;
    size_t first_len = 0;
    for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
        cs_import_options opt;
        cs_import_options_init(&opt);
        opt.threads = threads[k];
        cs_import_stats stats;
        ck_assert_msg(cs_store_import(tf, store, &opt, &stats, &err) == CS_OK, "%s", err.msg);
        ck_assert_uint_eq(stats.cells, 9000);
        size_t len;
        char *bytes = cs_test_read_file(store, &len);
        ck_assert_ptr_nonnull(bytes);
        if (!first) {
            first = bytes;
            first_len = len;
            continue;
        }
        ck_assert_msg(len == first_len && !memcmp(bytes, first, len),
                      "the store made on %d threads differs from the one made on 1",
                      threads[k]);
        free(bytes);
    }
    free(first);
    remove_dir(dir);
}
END_TEST

/* --- the suite ------------------------------------------------------------ */

static Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("corruption");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_tfrecord_every_flip);
    tcase_add_test(tc, test_tfrecord_every_truncation);
    tcase_add_test(tc, test_store_every_flip_and_truncation);
    tcase_add_test(tc, test_nb201_csv_every_flip_and_truncation);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_record_length_over_limit);
    tcase_add_test(tc, test_record_at_limit);
    tcase_add_test(tc, test_deep_json);
    tcase_add_test(tc, test_huge_json_strings);
    tcase_add_test(tc, test_absurd_repeated_counts);
    tcase_add_test(tc, test_memory_independent_of_file_size);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, big_setup, big_teardown);
    tcase_add_test(tc, test_full_disk_leaves_nothing);
    tcase_add_test(tc, test_interrupted_import);
    tcase_add_test(tc, test_interrupted_synth_and_export);
    tcase_add_test(tc, test_interrupted_enum);
    tcase_add_test(tc, test_interrupted_report_leaves_nothing_new);
    tcase_add_test(tc, test_replaced_store_never_half_seen);
    suite_add_tcase(s, tc);

    /* Alone under ThreadSanitizer (tests/tsan.sh): CK_RUN_CASE=threads. */
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_store_queried_from_threads);
    tcase_add_test(tc, test_import_on_threads_is_deterministic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cs_test_run(faults_suite());
}
