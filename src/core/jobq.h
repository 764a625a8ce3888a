/*
 * jobq: a closable FIFO of intrusive job nodes, shared between threads (mutex and condition
 * variable beside the data they guard). Producers push; one consumer thread takes whole batches,
 * which is what lets the writer commit many requests in one transaction.
 */
#ifndef LIAISON_CORE_JOBQ_H
#define LIAISON_CORE_JOBQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct job_node {
    struct job_node *next;
} job_node_t;

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t nonempty;
    job_node_t *head, *tail;
    size_t depth; /* queued, not yet taken */
    size_t busy;  /* taken, not yet finished (jobq_finished) */
    bool closed;
} jobq_t;

void jobq_init(jobq_t *q);
void jobq_free(jobq_t *q);
/* Returns false (and queues nothing) once the queue is closed. */
bool jobq_push(jobq_t *q, job_node_t *job);
/* Blocks until jobs are queued or the queue is closed; takes at most max in FIFO order as a
 * NULL-terminated list. Returns NULL only when closed and empty. */
job_node_t *jobq_take(jobq_t *q, size_t max);
/* The consumer reports that n taken jobs are done. */
void jobq_finished(jobq_t *q, size_t n);
/* Queued plus in progress. */
size_t jobq_depth(jobq_t *q);
void jobq_close(jobq_t *q);

#endif
