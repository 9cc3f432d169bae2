/* cellscape: running a function on several threads, one struct each. */
#ifndef CS_PARALLEL_H
#define CS_PARALLEL_H

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

#ifdef __cplusplus
}
#endif
#endif
