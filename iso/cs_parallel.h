/* cellscape: the one way the library runs work on threads.
 *
 * Three shapes, all joining before they return what they computed:
 *   cs_parallel_run    n workers, one struct each, the caller's thread
 *                      among them (fan out, join);
 *   cs_parallel_for    njobs indices handed out one at a time to the
 *                      threads that ask (uneven jobs);
 *   cs_parallel_start  workers in the background while the calling thread
 *     / _join          does its own part (a pipeline whose caller writes
 *                      in order what the workers make).
 * Each degrades to fewer threads when pthread_create fails: time is lost,
 * never results. */
#ifndef CS_PARALLEL_H
#define CS_PARALLEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CS_MAX_THREADS 64

/* Threads for a request: requested if > 0, else one per online core;
 * at least 1, at most CS_MAX_THREADS. */
int cs_threads(int requested);

/* Run fn(worker i) for i < n over `workers`, an array of n structs of
 * `size` bytes: worker 0 on the calling thread, the others on new threads.
 * A worker whose thread cannot start runs on the calling thread, so a
 * failed pthread_create costs time, not results.  Returns when all are
 * done. */
void cs_parallel_run(int n, void *(*fn)(void *), void *workers, size_t size);

/* Run job(arg, j) for every j < njobs on up to `threads` threads (0: one
 * per core), the caller's among them; each thread takes the next index
 * when it is done with one.  Returns when all are done. */
void cs_parallel_for(int threads, size_t njobs, void (*job)(void *arg, size_t j), void *arg);

/* Workers started in the background: fn(workers + i * size) for i < n on
 * new threads (size 0: every worker gets `workers` itself, a shared job).
 * Returns how many started (0..n): the caller decides whether fewer will
 * do.  cs_parallel_join waits for every started worker. */
typedef struct cs_parallel_group {
    int started;
    pthread_t tid[CS_MAX_THREADS];
} cs_parallel_group;

int cs_parallel_start(cs_parallel_group *g, int n, void *(*fn)(void *), void *workers,
                      size_t size);
void cs_parallel_join(cs_parallel_group *g);

#ifdef __cplusplus
}
#endif
#endif
