/*
 * writer: the one path by which the server writes, with group commit.
 *
 * Requests hand a writer_job_t to writer_submit and go on serving; the writer thread takes every
 * job queued so far (up to the batch limit), runs each inside its own savepoint of one
 * transaction, commits once (one fsync for the whole batch under synchronous=FULL), and only then
 * calls each job's complete callback with its status. A job whose run fails is rolled back alone;
 * if the commit itself fails, every job in the batch is told so. Nothing is acknowledged before
 * it is durable.
 *
 * complete runs on the writer thread: it must only hand the result on (e.g. to an event loop's
 * queue), never block. The job's memory belongs to the submitter until complete is called.
 */
#ifndef LIAISON_STORE_WRITER_H
#define LIAISON_STORE_WRITER_H

#include <stdint.h>

#include "core/jobq.h"
#include "store/store.h"

typedef struct writer writer_t;
typedef struct writer_job writer_job_t;

struct writer_job {
    job_node_t node; /* private to the writer */
    /* Runs on the writer thread inside a savepoint: 0 keeps its changes, < 0 undoes them. */
    int (*run)(writer_job_t *job, store_t *db);
    /* After the commit: status is run's result, or the commit's error. */
    void (*complete)(writer_job_t *job);
    int status;
};

int writer_start(writer_t **out, const char *db_path, int batch_max, char *err, size_t errlen);
/* Thread-safe. After writer_stop has begun, the job completes at once with STORE_ERR. */
void writer_submit(writer_t *w, writer_job_t *job);
/* Jobs queued or in the transaction now (the /metrics gauge). */
size_t writer_depth(writer_t *w);
uint64_t writer_commits(writer_t *w);
/* Finishes and commits every job already submitted, then stops the thread and closes. */
void writer_stop(writer_t *w);

#endif
