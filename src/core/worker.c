/* worker: a fixed pool of threads over one jobq. */
#include "core/worker.h"

#include <stdlib.h>

struct worker {
    jobq_t queue;
    int nthreads;
    pthread_t threads[];
};

static worker_job_t *job_of(job_node_t *n)
{
    return (worker_job_t *)((char *)n - offsetof(worker_job_t, node));
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    job_node_t *n;
    while ((n = jobq_take(&w->queue, 1)) != NULL) {
        worker_job_t *job = job_of(n);
        job->run(job);
        job->complete(job);
        jobq_finished(&w->queue, 1);
    }
    return NULL;
}

worker_t *worker_start(int threads)
{
    if (threads < 1)
        threads = 1;
    worker_t *w = calloc(1, sizeof(*w) + (size_t)threads * sizeof(pthread_t));
    if (w == NULL)
        abort();
    jobq_init(&w->queue);
    w->nthreads = threads;
    for (int i = 0; i < threads; i++)
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0)
            abort();
    return w;
}

void worker_submit(worker_t *w, worker_job_t *job)
{
    job->cancelled = 0;
    if (!jobq_push(&w->queue, &job->node)) {
        job->cancelled = 1;
        job->complete(job);
    }
}

void worker_stop(worker_t *w)
{
    if (w == NULL)
        return;
    jobq_close(&w->queue);
    for (int i = 0; i < w->nthreads; i++)
        pthread_join(w->threads[i], NULL);
    jobq_free(&w->queue);
    free(w);
}
