/*
 * worker: threads for work that takes milliseconds of CPU (password hashing, exports), so no
 * event loop ever waits on it. A job runs on a worker thread; complete is then called there too
 * and must only hand the result on.
 */
#ifndef LIAISON_CORE_WORKER_H
#define LIAISON_CORE_WORKER_H

#include "core/jobq.h"

typedef struct worker worker_t;
typedef struct worker_job worker_job_t;

struct worker_job {
    job_node_t node; /* private */
    void (*run)(worker_job_t *job);
    void (*complete)(worker_job_t *job);
    int cancelled;   /* set when the pool stops before the job ran */
};

worker_t *worker_start(int threads);
void worker_submit(worker_t *w, worker_job_t *job);
/* Runs every queued job, then joins the threads. */
void worker_stop(worker_t *w);

#endif
