/* cs_store_import: TFRecord -> store.
 *
 * The reading thread frames the records (both CRCs), feeds the file's
 * SHA-256 and hands batches of raw records to worker threads, which decode
 * them (JSON row, base64, protobuf, the cell).  Batches are merged in file
 * order, so repeats keep the file's order as in the reference API.  A
 * cell's module hash is checked against the hash of its adjacency and ops,
 * and its canonical form computed, once per cell, by the same threads while
 * the file is still being read; later records of a cell must carry the
 * same cell. */
#include "cs_store.h"
#include "cs_parallel.h"
#include "cs_nb101_row.h"
#include "cs_tfrecord.h"
#include "store_build.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

void cs_import_options_init(cs_import_options *opt)
{
    memset(opt, 0, sizeof *opt);
}


/* OpenSSL's SHA-256: 1.75 GB/s here against nettle's 1.58 (both SHA-NI). */
static void sha_bytes(void *sha, const unsigned char *bytes, size_t n)
{
    EVP_DigestUpdate(sha, bytes, n);
}

/* --- the decoding pipeline ---------------------------------------------- */

#define BATCH_RECORDS 4096
/* A batch also ends once it holds this many bytes: read-ahead is bounded
 * by NSLOTS batches, and records may be up to 16 MiB, so a count alone let
 * a file of large records be held whole.  Official batches (4096 records of
 * ~450 bytes) stay under it. */
#define BATCH_BYTES ((size_t)4 << 20)
#define DECODE_CHUNK 128
#define NSLOTS 4

enum { SLOT_EMPTY, SLOT_FILLED, SLOT_DECODED };

typedef struct batch {
    int state;
    size_t n, next, done;
    unsigned char *data;
    size_t cap, used;
    size_t off[BATCH_RECORDS + 1];
    uint64_t record[BATCH_RECORDS], offset[BATCH_RECORDS];
    cs_store_record out[BATCH_RECORDS];
    cs_error err[BATCH_RECORDS];
} batch;

/* New cells are checked (module hash, canonical form) while the file is
 * still being read, by the decoding threads when they have no record to
 * decode: a job holds copies of the entries, since the builder's array may
 * move as it grows. */
#define CHECK_JOB_CELLS 8192

typedef struct check_job {
    size_t first, n;        /* builder entries [first, first + n) */
    cs_store_entry *e;      /* their copies; canonical forms filled in */
    bool done;
    size_t bad;             /* index in e of the first wrong hash, or SIZE_MAX */
    char bad_hex[33];
    cs_status st;
    cs_error err;
} check_job;

typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t work, decoded_cv;
    batch *slots[NSLOTS];
    uint64_t oldest, filled; /* batch sequence numbers: [oldest, filled) in flight */
    check_job **jobs;        /* in order of cells; each stays where it is */
    size_t njobs, jobs_cap, next_job, jobs_done;
    size_t checked;          /* cells handed to jobs so far */
    bool stop;
} pipeline;

static void run_check_job(check_job *j, cs_hasher **h)
{
    j->st = *h ? CS_OK : cs_hasher_init(h, &j->err);
    if (j->st == CS_OK)
        j->st = cs_store_check_entries(j->e, j->n, *h, &j->bad, j->bad_hex, &j->err);
}

static void *decode_worker(void *arg)
{
    pipeline *p = arg;
    cs_nb101_row *rows = malloc(DECODE_CHUNK * sizeof *rows);
    const unsigned char *data[DECODE_CHUNK];
    size_t len[DECODE_CHUNK];
    cs_hasher *hasher = NULL;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        batch *bt = NULL;
        for (uint64_t q = p->oldest; q < p->filled && !bt; q++) {
            batch *c = p->slots[q % NSLOTS];
            if (c->state == SLOT_FILLED && c->next < c->n)
                bt = c;
        }
        if (!bt && p->next_job < p->njobs) {
            /* Records first (the reader waits on them), then cells. */
            check_job *j = p->jobs[p->next_job++];
            pthread_mutex_unlock(&p->mu);
            run_check_job(j, &hasher);
            pthread_mutex_lock(&p->mu);
            j->done = true;
            p->jobs_done++;
            pthread_cond_broadcast(&p->decoded_cv);
            continue;
        }
        if (!bt) {
            pthread_cond_wait(&p->work, &p->mu);
            continue;
        }
        size_t lo = bt->next, hi = lo + DECODE_CHUNK < bt->n ? lo + DECODE_CHUNK : bt->n;
        bt->next = hi;
        pthread_mutex_unlock(&p->mu);
        for (size_t k = lo; k < hi; k++) {
            data[k - lo] = bt->data + bt->off[k];
            len[k - lo] = bt->off[k + 1] - bt->off[k];
        }
        cs_status st[DECODE_CHUNK];
        if (rows)
            cs_nb101_row_decode_many(hi - lo, data, len, rows, st, &bt->err[lo]);
        for (size_t k = lo; k < hi; k++) {
            cs_store_record *d = &bt->out[k];
            d->st = !rows ? cs_error_set(&bt->err[k], CS_ERR_NOMEM, "out of memory")
                    : st[k - lo] ? st[k - lo]
                                 : cs_store_record_from_row(&rows[k - lo], d, &bt->err[k]);
        }
        pthread_mutex_lock(&p->mu);
        bt->done += hi - lo;
        if (bt->done == bt->n) {
            bt->state = SLOT_DECODED;
            pthread_cond_broadcast(&p->decoded_cv);
        }
    }
    pthread_mutex_unlock(&p->mu);
    cs_hasher_destroy(hasher);
    free(rows);
    return NULL;
}

static cs_status batch_add(batch *bt, const unsigned char *data, size_t len, uint64_t rec,
                           uint64_t off, cs_error *err)
{
    /* An empty first record still needs the buffer: decoders take
     * data + off, and offsetting a null pointer is undefined. */
    if (!bt->data || bt->used + len > bt->cap) {
        size_t cap = bt->cap ? bt->cap : 1 << 20;
        while (cap < bt->used + len)
            cap *= 2;
        unsigned char *d = realloc(bt->data, cap);
        if (!d)
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (record batch)");
        bt->data = d;
        bt->cap = cap;
    }
    memcpy(bt->data + bt->used, data, len);
    bt->off[bt->n] = bt->used;
    bt->used += len;
    bt->record[bt->n] = rec;
    bt->offset[bt->n] = off;
    bt->n++;
    bt->off[bt->n] = bt->used;
    return CS_OK;
}

/* Merge the oldest batch once cs_store_record; errors get the record's place. */
static cs_status merge_oldest(pipeline *p, cs_store_builder *b, const cs_import_options *opt,
                              cs_import_stats *stats, cs_error *err)
{
    pthread_mutex_lock(&p->mu);
    batch *bt = p->slots[p->oldest % NSLOTS];
    while (bt->state != SLOT_DECODED)
        pthread_cond_wait(&p->decoded_cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    cs_status st = CS_OK;
    for (size_t k = 0; k < bt->n; k++) {
        cs_store_record *d = &bt->out[k];
        st = d->st;
        if (st == CS_OK) {
            stats->synthetic |= d->synthetic;
            st = cs_store_builder_add(b, d, bt->record[k], bt->offset[k], &bt->err[k]);
        }
        if (st == CS_OK)
            continue;
        cs_error_prefix(&bt->err[k], "%s: record %llu at byte offset %llu: ", b->path,
                        (unsigned long long)bt->record[k], (unsigned long long)bt->offset[k]);
        if (st == CS_ERR_NOMEM || !opt->keep_going) {
            *err = bt->err[k];
            return st;
        }
        if (stats->skipped++ == 0)
            stats->first_skipped = bt->err[k];
        st = CS_OK;
    }
    pthread_mutex_lock(&p->mu);
    bt->state = SLOT_EMPTY;
    bt->n = bt->used = bt->next = bt->done = 0;
    p->oldest++;
    pthread_mutex_unlock(&p->mu);
    return st;
}

/* Hand the cells added since the last job to a new one, once there are
 * enough of them (or all that are left, at the end). */
static cs_status queue_check(pipeline *p, const cs_store_builder *b, bool final, cs_error *err)
{
    size_t n = b->n - p->checked;
    if (n == 0 || (!final && n < CHECK_JOB_CELLS))
        return CS_OK;
    cs_store_entry *e = malloc(n * sizeof *e);
    check_job *job = malloc(sizeof *job);
    if (!e || !job) {
        free(e);
        free(job);
        return cs_error_set(err, CS_ERR_NOMEM, "out of memory (cells to check)");
    }
    memcpy(e, b->entries + p->checked, n * sizeof *e);
    *job = (check_job){.first = p->checked, .n = n, .e = e, .bad = SIZE_MAX};
    pthread_mutex_lock(&p->mu);
    if (p->njobs == p->jobs_cap) {
        /* Workers read this array only under the lock, so it may move. */
        size_t cap = p->jobs_cap ? 2 * p->jobs_cap : 64;
        check_job **nj = realloc(p->jobs, cap * sizeof *nj);
        if (!nj) {
            pthread_mutex_unlock(&p->mu);
            free(e);
            free(job);
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (cells to check)");
        }
        p->jobs = nj;
        p->jobs_cap = cap;
    }
    p->jobs[p->njobs++] = job;
    p->checked += n;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    return CS_OK;
}

/* Wait for every job, then take the canonical forms into the builder; the
 * first wrong hash in file order is the error. */
static cs_status finish_checks(pipeline *p, cs_store_builder *b, cs_error *err)
{
    pthread_mutex_lock(&p->mu);
    while (p->jobs_done < p->njobs)
        pthread_cond_wait(&p->decoded_cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    for (size_t k = 0; k < p->njobs; k++) {
        check_job *j = p->jobs[k];
        if (j->st) {
            *err = j->err;
            return j->st;
        }
        if (j->bad != SIZE_MAX)
            return cs_store_builder_bad_hash(b, j->first + j->bad, j->bad_hex, err);
        for (size_t i = 0; i < j->n; i++)
            b->entries[j->first + i].canon = j->e[i].canon;
    }
    return CS_OK;
}

/* Read records into bt until it is full or the file ends (*eof).  A file
 * cut inside a record (a download that stopped) holds every record before
 * the cut whole: with keep_going they are kept and the cut is noted in
 * stats; other framing damage, after which nothing can be trusted, is the
 * error. */
static cs_status fill_batch(cs_tfrecord_reader *rd, batch *bt, const cs_import_options *opt,
                            cs_import_stats *stats, bool *eof, cs_error *err)
{
    while (bt->n < BATCH_RECORDS && bt->used < BATCH_BYTES) {
        const unsigned char *data;
        size_t len;
        int at_end;
        cs_status st = cs_tfrecord_reader_next(rd, &data, &len, &at_end, err);
        if (st) {
            if (!cs_tfrecord_reader_cut(rd, &stats->cut_bytes))
                return st;
            stats->cut = true;
            stats->cut_error = *err;
            if (!opt->keep_going)
                return st;
            *eof = true;
            return CS_OK;
        }
        if (at_end) {
            *eof = true;
            return CS_OK;
        }
        stats->bytes += len + 16;
        stats->records++;
        if ((st = batch_add(bt, data, len, cs_tfrecord_reader_record_index(rd),
                            cs_tfrecord_reader_record_offset(rd), err)))
            return st;
    }
    return CS_OK;
}

/* Hand the filled slot to the decoding threads. */
static void publish_batch(pipeline *p, batch *bt)
{
    pthread_mutex_lock(&p->mu);
    bt->state = bt->n ? SLOT_FILLED : SLOT_DECODED;
    p->filled++;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

static cs_status pipeline_init(pipeline *p, cs_error *err)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->decoded_cv, NULL);
    for (int k = 0; k < NSLOTS; k++)
        if (!(p->slots[k] = calloc(1, sizeof(batch))))
            return cs_error_set(err, CS_ERR_NOMEM, "out of memory (record batches)");
    return CS_OK;
}

/* Stop the workers (joined by the caller), then free what the pipeline
 * holds. */
static void pipeline_stop(pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

static void pipeline_destroy(pipeline *p)
{
    for (int k = 0; k < NSLOTS; k++) {
        if (p->slots[k])
            free(p->slots[k]->data);
        free(p->slots[k]);
    }
    for (size_t k = 0; k < p->njobs; k++) {
        free(p->jobs[k]->e);
        free(p->jobs[k]);
    }
    free(p->jobs);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->decoded_cv);
}

cs_status cs_store_import(const char *tfrecord, const char *store_path,
                          const cs_import_options *opt, cs_import_stats *stats,
                          cs_error *err)
{
    cs_import_options defaults;
    if (!opt) {
        cs_import_options_init(&defaults);
        opt = &defaults;
    }
    memset(stats, 0, sizeof *stats);
    stats->synthetic = opt->synthetic;
    cs_store_builder b;
    memset(&b, 0, sizeof b);
    b.path = tfrecord;
    b.monitor = opt->monitor;
    int nthreads = cs_threads(opt->threads);

    pipeline p;
    cs_parallel_group workers = {0};
    cs_tfrecord_reader *rd = NULL;
    EVP_MD_CTX *sha = NULL;
    cs_status st = pipeline_init(&p, err);
    if (st == CS_OK)
        st = cs_tfrecord_reader_open(&rd, tfrecord, err);
    if (st)
        goto done;
    if (cs_parallel_start(&workers, nthreads, decode_worker, &p, 0) == 0) {
        st = cs_error_set(err, CS_ERR_NOMEM, "cannot start a decoding thread");
        goto done;
    }
    if (!(sha = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(sha, EVP_sha256(), NULL)) {
        st = cs_error_set(err, CS_ERR_NOMEM, "cannot set up SHA-256");
        goto done;
    }
    cs_tfrecord_reader_on_read(rd, sha_bytes, sha);
    for (bool eof = false; !eof;) {
        if (p.filled - p.oldest == NSLOTS &&
            ((st = merge_oldest(&p, &b, opt, stats, err)) ||
             (st = queue_check(&p, &b, false, err))))
            goto done;
        batch *bt = p.slots[p.filled % NSLOTS];
        if ((st = fill_batch(rd, bt, opt, stats, &eof, err)))
            goto done;
        cs_monitor_progress(&opt->monitor, "import", -1.0);
        if ((st = cs_monitor_check(&opt->monitor, err)))
            goto done;
        publish_batch(&p, bt);
    }
    while (p.oldest < p.filled)
        if ((st = merge_oldest(&p, &b, opt, stats, err)) ||
            (st = queue_check(&p, &b, false, err)))
            goto done;
    if (b.n == 0) {
        if (stats->cut) {
            *err = stats->cut_error; /* cut inside its first record */
            st = CS_ERR_FORMAT;
        } else {
            st = cs_error_set(err, CS_ERR_FORMAT, "%s: no records%s", tfrecord,
                              stats->skipped ? " that could be read" : "");
        }
        goto done;
    }
    cs_monitor_progress(&opt->monitor, "check module hashes", -1.0);
    if ((st = queue_check(&p, &b, true, err)) || (st = finish_checks(&p, &b, err)))
        goto done;
    unsigned digest_len = 0;
    if (!EVP_DigestFinal_ex(sha, stats->sha256, &digest_len)) {
        st = cs_error_set(err, CS_ERR_NOMEM, "SHA-256 failed");
        goto done;
    }
    st = cs_store_builder_write(&b, stats, store_path, err);
done:
    pipeline_stop(&p);
    cs_parallel_join(&workers);
    pipeline_destroy(&p);
    cs_tfrecord_reader_close(rd);
    EVP_MD_CTX_free(sha);
    cs_store_builder_destroy(&b);
    return st;
}

