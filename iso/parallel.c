#include "cs_parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

int cs_threads(int requested)
{
    long n = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    return n > CS_MAX_THREADS ? CS_MAX_THREADS : (int)n;
}

void cs_parallel_run(int n, void *(*fn)(void *), void *workers, size_t size)
{
    pthread_t tid[CS_MAX_THREADS];
    bool started[CS_MAX_THREADS] = {false};
    char *w = workers;
    if (n > CS_MAX_THREADS)
        n = CS_MAX_THREADS;
    for (int i = 1; i < n; i++)
        started[i] = pthread_create(&tid[i], NULL, fn, w + (size_t)i * size) == 0;
    fn(w);
    for (int i = 1; i < n; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else
            fn(w + (size_t)i * size);
    }
}

typedef struct job_queue {
    void (*job)(void *arg, size_t j);
    void *arg;
    size_t njobs;
    atomic_size_t next;
} job_queue;

static void *queue_worker(void *p)
{
    job_queue *q = p;
    for (size_t j; (j = atomic_fetch_add(&q->next, 1)) < q->njobs;)
        q->job(q->arg, j);
    return NULL;
}

void cs_parallel_for(int threads, size_t njobs, void (*job)(void *arg, size_t j), void *arg)
{
    int nt = cs_threads(threads);
    if ((size_t)nt > njobs)
        nt = njobs ? (int)njobs : 1;
    job_queue q = {.job = job, .arg = arg, .njobs = njobs};
    atomic_init(&q.next, 0);
    cs_parallel_group g;
    /* The shared queue is every worker's argument; the caller works too,
     * so the jobs get done even if no thread starts. */
    cs_parallel_start(&g, nt - 1, queue_worker, &q, 0);
    queue_worker(&q);
    cs_parallel_join(&g);
}

int cs_parallel_start(cs_parallel_group *g, int n, void *(*fn)(void *), void *workers,
                      size_t size)
{
    char *w = workers;
    g->started = 0;
    if (n > CS_MAX_THREADS)
        n = CS_MAX_THREADS;
    for (int i = 0; i < n; i++) {
        if (pthread_create(&g->tid[g->started], NULL, fn, w + (size_t)i * size) != 0)
            break;
        g->started++;
    }
    return g->started;
}

void cs_parallel_join(cs_parallel_group *g)
{
    for (int i = 0; i < g->started; i++)
        pthread_join(g->tid[i], NULL);
    g->started = 0;
}
