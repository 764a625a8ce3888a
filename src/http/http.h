/*
 * http: the server's request context and the helpers every API handler uses.
 *
 * A request arrives on one of the event loops (one per core). The router matches method and
 * path; the request is checked (path, session, CSRF, the policy's role question) before the
 * handler runs. A handler answers at once from the loop's read-only connection, or hands a write
 * to the writer with http_write and answers when it has committed.
 *
 * Memory: http_req_t and everything reached from it live in the request's pool and are freed
 * with it. Handlers never free what these helpers return.
 */
#ifndef LIAISON_HTTP_HTTP_H
#define LIAISON_HTTP_HTTP_H

#include <h2o.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/policy.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/worker.h"
#include "store/store.h"
#include "store/writer.h"

enum {
    HTTP_MAX_PARAMS = 4,
    /* The most any route accepts (a duty record's photo, 8 MiB). h2o refuses larger bodies on its
     * own, in plain text, so its ceiling sits above this one and each route answers its own JSON 413. */
    HTTP_ROUTE_BODY_MAX = 8 << 20,
};
#define HTTP_SESSION_COOKIE "liaison_session"

typedef struct http_server http_server_t;
typedef struct http_loop http_loop_t;
typedef struct http_req http_req_t;
typedef int (*http_handler_t)(http_req_t *r);
/* Writes an error answer in a format of a route's own (Open311's error list) instead of the
 * JSON error object; it answers through http_reply_text. */
typedef void (*http_error_writer_t)(http_req_t *r, int status, const char *code, const char *message,
                                    const char *field);

typedef struct {
    const char *method;
    const char *pattern; /* "/api/v1/users/:id": a ":name" segment is a parameter */
    http_handler_t handler;
    const char *action;  /* the policy action this route performs */
    http_error_writer_t errors; /* NULL: errors are the JSON error object */
} http_route_t;

/* The signed-in account behind a request. */
typedef struct {
    actor_t actor;
    char username[64];
    char display_name[192];
    char csrf[64];
    unsigned char token_hash[32];
    int64_t last_seen_at;
} http_session_t;

struct http_req {
    h2o_req_t *h;
    http_loop_t *loop;
    const http_route_t *route;
    h2o_iovec_t params[HTTP_MAX_PARAMS];
    int nparams;
    http_session_t *session; /* NULL for the public */
    char ip[48];             /* the client's address (the proxy's word for it with trust-proxy) */
    bool secure;             /* reached over HTTPS, here or at a trusted proxy */
    bool answered;           /* a reply helper has answered: later answers, writes and tasks are dropped */
    http_error_writer_t errors; /* the matched route's error format (NULL: JSON error object) */
};

/* The server-wide parts a handler may use (read-only but for their own locks). */
const config_t *http_config(http_req_t *r);
/* The loop's read-only database connection. */
store_t *http_reader(http_req_t *r);
worker_t *http_worker(http_req_t *r);
struct ratelimit *http_ratelimit(http_req_t *r);
/* The key that seals personal data (loaded from the data directory at start). */
const struct vault *http_vault(http_req_t *r);
static inline const actor_t *http_actor(http_req_t *r)
{
    return r->session ? &r->session->actor : NULL;
}

/* A route parameter by its position in the pattern, as a NUL-terminated string. */
const char *http_param(http_req_t *r, int i);
/* A query-string value, decoded; NULL when absent. Handlers see only valid text: the pipeline
 * answers 400 invalid_query for a broken %-escape, invalid UTF-8 or a NUL before they run. */
const char *http_query(http_req_t *r, const char *name);
/* Whether every query value is UTF-8 text without NUL or broken escapes; otherwise answers 400
 * naming the first bad parameter. The pipeline asks before any handler runs. */
bool http_query_valid(http_req_t *r);
/* A request header's value as a NUL-terminated string, or NULL. */
const char *http_header(http_req_t *r, const char *lowercase_name);

/* Parses the body as a JSON object. On failure it has already answered (415, 413, 400) and
 * returns NULL. The caller owns the returned reference. */
json_t *http_json_body(http_req_t *r);

/* Parses an application/x-www-form-urlencoded body into an object of strings (a name given twice:
 * the last value). On failure it has already answered (415, 413, 400) and returns NULL. The
 * caller owns the returned reference. */
json_t *http_form_body(http_req_t *r);

/* Answers from the loop's page cache when it holds key and the database has not changed since;
 * returns false (having answered nothing) otherwise. */
bool http_reply_cached(http_req_t *r, const char *key);
/* Answers 200 with body (stealing the reference) as JSON, and keeps the text under key. */
void http_reply_json_cache(http_req_t *r, const char *key, json_t *body);
/* Answers with body (stealing the reference) serialized as JSON. */
void http_reply_json(http_req_t *r, int status, json_t *body);
/* Answers {"error":{"code","message","field"}}; field may be NULL. A route with an error writer
 * of its own answers in that format instead. */
void http_reply_error(http_req_t *r, int status, const char *code, const char *message, const char *field);
void http_reply_empty(http_req_t *r, int status);
void http_reply_text(http_req_t *r, int status, const char *content_type, const char *body, size_t len);
void http_add_header(http_req_t *r, const char *name, const char *value);
/* Answers 500 and logs why. */
void http_reply_internal(http_req_t *r, const char *what);

/* The policy's scope question for one record; on refusal it answers (404 when hide, else 403)
 * and returns false. */
bool http_authorize(http_req_t *r, const policy_target_t *target, bool hide);

/* Private: a request parked on another thread, and how its answer finds its way back. */
typedef struct http_pending http_pending_t;
struct http_pending {
    h2o_multithread_message_t msg;
    http_loop_t *loop;
    http_req_t *req;          /* NULL once the client has gone */
    http_pending_t **guard;   /* lives in the request's pool; clears req when the pool dies */
    void (*deliver)(http_pending_t *p);
};

/*
 * A write handed to the writer. Embed http_write_t first in a struct of your own, get it from
 * http_write_new, fill it, and call http_write. run executes on the writer thread inside the
 * group-commit transaction (use only the struct's own fields and db there). respond is called on
 * the request's loop after the commit, with r == NULL if the client has gone; the struct is freed
 * afterwards.
 */
typedef struct http_write http_write_t;
struct http_write {
    writer_job_t job;
    int (*run)(http_write_t *w, store_t *db);
    void (*respond)(http_write_t *w, http_req_t *r, int status);
    http_pending_t pending;
};
/* Allocates a zeroed write of size bytes (>= sizeof(http_write_t)), owned by the server. */
void *http_write_new(http_req_t *r, size_t size);
void http_write(http_req_t *r, http_write_t *w);
/* A write nobody waits for (e.g. a session's last-seen time): respond gets r == NULL. */
void http_write_detached(http_req_t *r, http_write_t *w);

/*
 * Work for a worker thread (password hashing): like http_write, but run executes on a worker
 * thread with no database; then respond runs on the loop.
 */
typedef struct http_task http_task_t;
struct http_task {
    worker_job_t job;
    void (*run)(http_task_t *t);
    void (*respond)(http_task_t *t, http_req_t *r);
    http_pending_t pending;
};
void *http_task_new(http_req_t *r, size_t size);
void http_task(http_req_t *r, http_task_t *t);

/* Appends the Prometheus text of the server's metrics. */
void http_render_metrics(http_req_t *r, buf_t *out);

/* Periodic work the server runs every --jobs-interval-s seconds on a thread of its own, with a
 * read-only connection of that thread; writes go through writer. */
typedef void (*http_tick_t)(const config_t *cfg, writer_t *writer, store_t *db, int64_t now);

/* The server. routes is a table ending with a NULL method; it must outlive the server. tick may
 * be NULL. */
int http_server_run(const config_t *cfg, const http_route_t *routes, http_tick_t tick);
/* Requests a graceful stop, as SIGTERM does (for tests). */
void http_server_request_stop(void);

#endif
