/*
 * writer: one thread, one read-write connection, batches of jobs in one transaction each.
 * Group commit falls out of the queue: while one batch is being fsynced, the next one gathers.
 */
#include "store/writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/log.h"

struct writer {
    jobq_t queue;
    pthread_t thread;
    store_t *db;
    int batch_max;
    atomic_uint_fast64_t commits;
};

static writer_job_t *job_of(job_node_t *n)
{
    return (writer_job_t *)((char *)n - offsetof(writer_job_t, node));
}

static void run_one(store_t *db, writer_job_t *job)
{
    if (store_savepoint(db) != STORE_OK) {
        job->status = STORE_ERR;
        return;
    }
    job->status = job->run(job, db);
    if (job->status == STORE_OK)
        store_savepoint_release(db);
    else
        store_savepoint_rollback(db);
}

/* Nothing of the batch was kept: every job that thought it succeeded is told otherwise. */
static void fail_batch(job_node_t *batch, int rc)
{
    for (job_node_t *n = batch; n; n = n->next)
        if (job_of(n)->status == STORE_OK)
            job_of(n)->status = rc;
}

static void run_batch(writer_t *w, job_node_t *batch)
{
    for (job_node_t *n = batch; n; n = n->next)
        job_of(n)->status = STORE_OK;
    int rc = store_begin(w->db);
    if (rc != STORE_OK) {
        log_error("cannot begin a write transaction: %s", store_errmsg(w->db));
        fail_batch(batch, rc);
        return;
    }
    for (job_node_t *n = batch; n; n = n->next) {
        run_one(w->db, job_of(n));
        /* some errors (I/O, a full disk) roll back the whole transaction; the jobs still to
         * come must not then run, and commit, outside it */
        if (!store_in_transaction(w->db)) {
            log_error("a write ended the whole transaction: %s", store_errmsg(w->db));
            fail_batch(batch, STORE_ERR);
            return;
        }
    }
    rc = store_commit(w->db);
    if (rc != STORE_OK) {
        log_error("commit failed: %s", store_errmsg(w->db));
        store_rollback(w->db);
        fail_batch(batch, rc);
    } else
        atomic_fetch_add(&w->commits, 1);
}

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    job_node_t *batch;
    while ((batch = jobq_take(&w->queue, (size_t)w->batch_max)) != NULL) {
        run_batch(w, batch);
        size_t n = 0;
        /* complete may free the job, so read next first */
        for (job_node_t *next, *j = batch; j; j = next, n++) {
            next = j->next;
            job_of(j)->complete(job_of(j));
        }
        jobq_finished(&w->queue, n);
    }
    return NULL;
}

int writer_start(writer_t **out, const char *db_path, int batch_max, char *err, size_t errlen)
{
    writer_t *w = calloc(1, sizeof(*w));
    if (w == NULL)
        abort();
    if (store_open(&w->db, db_path, STORE_READ_WRITE, err, errlen) != STORE_OK) {
        free(w);
        return STORE_ERR;
    }
    w->batch_max = batch_max > 0 ? batch_max : 1;
    jobq_init(&w->queue);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        store_close(w->db);
        jobq_free(&w->queue);
        free(w);
        return STORE_ERR;
    }
    *out = w;
    return STORE_OK;
}

void writer_submit(writer_t *w, writer_job_t *job)
{
    if (!jobq_push(&w->queue, &job->node)) {
        job->status = STORE_ERR;
        job->complete(job);
    }
}

size_t writer_depth(writer_t *w)
{
    return jobq_depth(&w->queue);
}

uint64_t writer_commits(writer_t *w)
{
    return atomic_load(&w->commits);
}

void writer_stop(writer_t *w)
{
    if (w == NULL)
        return;
    jobq_close(&w->queue);
    pthread_join(w->thread, NULL);
    store_close(w->db);
    jobq_free(&w->queue);
    free(w);
}
