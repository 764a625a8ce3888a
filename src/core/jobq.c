/* jobq: a mutex-guarded singly linked FIFO; see jobq.h. */
#include "core/jobq.h"

void jobq_init(jobq_t *q)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->nonempty, NULL);
    q->head = q->tail = NULL;
    q->depth = q->busy = 0;
    q->closed = false;
}

void jobq_free(jobq_t *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->nonempty);
}

bool jobq_push(jobq_t *q, job_node_t *job)
{
    job->next = NULL;
    pthread_mutex_lock(&q->lock);
    bool ok = !q->closed;
    if (ok) {
        if (q->tail)
            q->tail->next = job;
        else
            q->head = job;
        q->tail = job;
        q->depth++;
        pthread_cond_signal(&q->nonempty);
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

job_node_t *jobq_take(jobq_t *q, size_t max)
{
    pthread_mutex_lock(&q->lock);
    while (q->head == NULL && !q->closed)
        pthread_cond_wait(&q->nonempty, &q->lock);
    job_node_t *first = q->head, *last = NULL;
    size_t n = 0;
    for (job_node_t *j = q->head; j && n < max; j = j->next, n++)
        last = j;
    if (last) {
        q->head = last->next;
        if (q->head == NULL)
            q->tail = NULL;
        last->next = NULL;
    }
    q->depth -= n;
    q->busy += n;
    pthread_mutex_unlock(&q->lock);
    return n ? first : NULL;
}

void jobq_finished(jobq_t *q, size_t n)
{
    pthread_mutex_lock(&q->lock);
    q->busy -= n;
    pthread_mutex_unlock(&q->lock);
}

size_t jobq_depth(jobq_t *q)
{
    pthread_mutex_lock(&q->lock);
    size_t d = q->depth + q->busy;
    pthread_mutex_unlock(&q->lock);
    return d;
}

void jobq_close(jobq_t *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->nonempty);
    pthread_mutex_unlock(&q->lock);
}
