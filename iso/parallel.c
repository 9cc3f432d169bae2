#include "cs_parallel.h"

#include <pthread.h>
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
