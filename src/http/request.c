/*
 * request: what a handler does with its request: read parameters, query and body, answer (JSON,
 * errors, cached pages), ask the policy about one record, and hand work to the writer or a
 * worker. An answer from another thread comes back through the loop's queue; a guard in the
 * request's memory pool tells it when the client has gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "auth/token.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/utf8.h"
#include "http/router.h"
#include "http/server_internal.h"
#include "store/accounts.h"

/* ---- accessors ---- */

const config_t *http_config(http_req_t *r) { return r->loop->server->cfg; }
store_t *http_reader(http_req_t *r) { return r->loop->reader; }
worker_t *http_worker(http_req_t *r) { return r->loop->server->worker; }
struct ratelimit *http_ratelimit(http_req_t *r) { return r->loop->server->ratelimit; }
const struct vault *http_vault(http_req_t *r) { return r->loop->server->vault; }

const char *http_param(http_req_t *r, int i)
{
    if (i < 0 || i >= r->nparams)
        return NULL;
    return h2o_strdup(&r->h->pool, r->params[i].base, r->params[i].len).base;
}

const char *http_header(http_req_t *r, const char *name)
{
    ssize_t i = h2o_find_header_by_str(&r->h->headers, name, strlen(name), -1);
    if (i < 0)
        return NULL;
    h2o_iovec_t v = r->h->headers.entries[i].value;
    return h2o_strdup(&r->h->pool, v.base, v.len).base;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes %xx and '+' into a pool string of *len bytes; NULL for a malformed escape. */
static const char *url_decode(h2o_mem_pool_t *pool, const char *s, size_t n, size_t *len)
{
    char *out = h2o_mem_alloc_pool(pool, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return NULL;
            *o++ = (char)(hi * 16 + lo);
            i += 2;
            continue;
        }
        *o++ = s[i] == '+' ? ' ' : s[i];
    }
    *o = '\0';
    *len = (size_t)(o - out);
    return out;
}

/* Walks the query string's name=value pairs; fn sees each raw name and value (value NULL for a
 * name without =) and returns true to stop. Returns whether it stopped. */
static bool each_pair(const h2o_req_t *h, bool (*fn)(const char *name, size_t nlen, const char *value, size_t vlen,
                                                     void *arg),
                      void *arg)
{
    if (h->query_at == SIZE_MAX)
        return false;
    const char *q = h->path.base + h->query_at + 1, *end = h->path.base + h->path.len;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pe = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(pe - q));
        if (fn(q, (size_t)((eq ? eq : pe) - q), eq ? eq + 1 : NULL, eq ? (size_t)(pe - eq - 1) : 0, arg))
            return true;
        q = pe + 1;
    }
    return false;
}

typedef struct {
    http_req_t *r;
    const char *name; /* http_query: the name looked for; http_query_valid: the bad one */
    size_t nlen;
    const char *value;
} query_find_t;

static bool find_pair(const char *name, size_t nlen, const char *value, size_t vlen, void *arg)
{
    query_find_t *f = arg;
    if (nlen != f->nlen || memcmp(name, f->name, nlen) != 0)
        return false;
    size_t len;
    f->value = value ? url_decode(&f->r->h->pool, value, vlen, &len) : "";
    return true;
}

const char *http_query(http_req_t *r, const char *name)
{
    query_find_t f = {r, name, strlen(name), NULL};
    each_pair(r->h, find_pair, &f);
    return f.value; /* well formed: the pipeline checked every value before the handler ran */
}

static bool bad_pair(const char *name, size_t nlen, const char *value, size_t vlen, void *arg)
{
    query_find_t *f = arg;
    size_t len = 0;
    const char *v = value ? url_decode(&f->r->h->pool, value, vlen, &len) : "";
    if (v != NULL && utf8_valid(v, len))
        return false;
    f->name = name;
    f->nlen = nlen;
    return true;
}

bool http_query_valid(http_req_t *r)
{
    query_find_t f = {r, NULL, 0, NULL};
    if (!each_pair(r->h, bad_pair, &f))
        return true;
    char field[64], msg[160];
    snprintf(field, sizeof(field), "%.*s", (int)(f.nlen < 60 ? f.nlen : 60), f.name);
    if (!utf8_valid(field, strlen(field)))
        snprintf(field, sizeof(field), "query");
    snprintf(msg, sizeof(msg), "%s must be UTF-8 text, without NUL characters or broken %%-escapes", field);
    http_reply_error(r, 400, "invalid_query", msg, field);
    return false;
}

/* ---- replies ---- */

/* Whether this is the request's first answer (and it now has one). */
static bool first_answer(http_req_t *r)
{
    bool first = !r->answered;
    r->answered = true;
    return first;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : "Internal Server Error";
    }
}

void http_add_header(http_req_t *r, const char *name, const char *value)
{
    if (r->answered)
        return;
    /* h2o keeps the pointers it is given: copy both into the request's pool */
    h2o_iovec_t n = h2o_strdup(&r->h->pool, name, SIZE_MAX), v = h2o_strdup(&r->h->pool, value, SIZE_MAX);
    h2o_add_header_by_str(&r->h->pool, &r->h->res.headers, n.base, n.len, 0, NULL, v.base, v.len);
}

void http_reply_text(http_req_t *r, int status, const char *content_type, const char *body, size_t len)
{
    if (!first_answer(r))
        return;
    r->h->res.status = status;
    r->h->res.reason = reason(status);
    r->h->res.content_length = len;
    h2o_add_header(&r->h->pool, &r->h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type, strlen(content_type));
    h2o_add_header(&r->h->pool, &r->h->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    h2o_send_inline(r->h, body, len);
}

void http_reply_json(http_req_t *r, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)); /* 26.58, not 26.579999999999998 */
    json_decref(body);
    if (text == NULL) {
        http_reply_internal(r, "cannot serialize a response");
        return;
    }
    http_reply_text(r, status, "application/json; charset=utf-8", text, strlen(text));
    free(text);
}

/*
 * The version cached pages are good for. Writes of this server bump the writer's commit count,
 * which costs one atomic read to check; commits by another process (`liaison import`) show in
 * SQLite's data_version, asked at most once a second, since asking takes the WAL read lock.
 */
static int64_t data_version(http_loop_t *loop)
{
    uint64_t now = h2o_now(loop->ctx.loop);
    if (now - loop->asked_at >= 1000) {
        int64_t v;
        if (store_data_version(loop->reader, &v) == STORE_OK && (uint64_t)v != loop->seen_version) {
            loop->seen_version = (uint64_t)v;
            loop->outside_changes++;
        }
        loop->asked_at = now;
    }
    return (int64_t)(writer_commits(loop->server->writer) * 1000003u + loop->outside_changes);
}

bool http_reply_cached(http_req_t *r, const char *key)
{
    const char *body;
    size_t len;
    http_cache_check(r->loop->cache, data_version(r->loop));
    if (!http_cache_get(r->loop->cache, key, &body, &len))
        return false;
    http_reply_text(r, 200, "application/json; charset=utf-8", body, len);
    return true;
}

void http_reply_json_cache(http_req_t *r, const char *key, json_t *body)
{
    if (r->answered) {
        json_decref(body);
        return;
    }
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(body);
    if (text == NULL) {
        http_reply_internal(r, "cannot serialize a response");
        return;
    }
    http_cache_put(r->loop->cache, key, text, strlen(text));
    http_reply_text(r, 200, "application/json; charset=utf-8", text, strlen(text));
    free(text);
}

void http_reply_empty(http_req_t *r, int status)
{
    if (!first_answer(r))
        return;
    r->h->res.status = status;
    r->h->res.reason = reason(status);
    r->h->res.content_length = 0;
    h2o_add_header(&r->h->pool, &r->h->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    h2o_send_inline(r->h, "", 0);
}

void http_reply_error(http_req_t *r, int status, const char *code, const char *message, const char *field)
{
    if (r->errors && !r->answered) {
        r->errors(r, status, code, message, field);
        return;
    }
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (err == NULL) { /* a message that is not valid UTF-8 must not turn an answer into a 500 */
        static const char fallback[] = "{\"error\":{\"code\":\"invalid\",\"message\":\"the request was refused\"}}";
        http_reply_text(r, status, "application/json; charset=utf-8", fallback, sizeof(fallback) - 1);
        return;
    }
    if (field)
        json_object_set_new(err, "field", json_string(field));
    http_reply_json(r, status, json_pack("{s:o}", "error", err));
}

void http_reply_internal(http_req_t *r, const char *what)
{
    log_error("%s %.*s: %s", r->route ? r->route->action : "-", (int)r->h->path.len, r->h->path.base, what);
    http_reply_error(r, 500, "internal", "the server could not complete the request", NULL);
}

bool http_authorize(http_req_t *r, const policy_target_t *target, bool hide)
{
    policy_decision_t d = policy_check(http_actor(r), r->route->action, target);
    switch (d) {
    case POLICY_ALLOW: return true;
    case POLICY_UNAUTHENTICATED: http_reply_error(r, 401, "unauthenticated", "sign in first", NULL); break;
    case POLICY_FORBIDDEN: http_reply_error(r, 403, "forbidden", "your role may not do this", NULL); break;
    case POLICY_OUT_OF_SCOPE:
        if (hide)
            http_reply_error(r, 404, "not_found", "no such record", NULL);
        else
            http_reply_error(r, 403, "out_of_scope", "this is outside your scope", NULL);
        break;
    }
    return false;
}

/* ---- bodies ---- */

/* What every body must be: within --max-body, and of the content type (parameters allowed);
 * false after answering 413 or 415. */
static bool body_acceptable(http_req_t *r, const char *type)
{
    if ((long)r->h->entity.len > http_config(r)->max_body) {
        http_reply_error(r, 413, "too_large", "the request body is too large", NULL);
        return false;
    }
    const char *ct = http_header(r, "content-type");
    size_t n = strlen(type);
    if (ct == NULL || strncasecmp(ct, type, n) != 0 || (ct[n] && ct[n] != ';' && ct[n] != ' ')) {
        char msg[96];
        snprintf(msg, sizeof(msg), "send the body as %s", type);
        http_reply_error(r, 415, "unsupported_media_type", msg, NULL);
        return false;
    }
    return true;
}

json_t *http_json_body(http_req_t *r)
{
    h2o_req_t *h = r->h;
    if (!body_acceptable(r, "application/json"))
        return NULL;
    if (!utf8_valid(h->entity.base ? h->entity.base : "", h->entity.len)) {
        http_reply_error(r, 400, "invalid_utf8", "the body is not valid UTF-8 text (or holds a NUL byte)", NULL);
        return NULL;
    }
    json_error_t e;
    json_t *body = json_loadb(h->entity.base ? h->entity.base : "", h->entity.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
    if (body == NULL) {
        char msg[256];
        snprintf(msg, sizeof(msg), "malformed JSON at line %d column %d: %s", e.line, e.column, e.text);
        http_reply_error(r, 400, "malformed_json", msg, NULL);
        return NULL;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        http_reply_error(r, 400, "malformed_json", "the body must be a JSON object", NULL);
        return NULL;
    }
    return body;
}

json_t *http_form_body(http_req_t *r)
{
    h2o_req_t *h = r->h;
    if (!body_acceptable(r, "application/x-www-form-urlencoded"))
        return NULL;
    json_t *fields = json_object();
    const char *p = h->entity.base ? h->entity.base : "", *end = p + h->entity.len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *pe = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pe - p)), *ne = eq ? eq : pe;
        size_t nlen = 0, vlen = 0;
        const char *name = url_decode(&h->pool, p, (size_t)(ne - p), &nlen);
        const char *value = eq ? url_decode(&h->pool, eq + 1, (size_t)(pe - eq - 1), &vlen) : "";
        if (name == NULL || value == NULL || !utf8_valid(name, nlen) || !utf8_valid(value, vlen)) {
            json_decref(fields);
            http_reply_error(r, 400, "invalid_utf8", "the body is not UTF-8 text, or holds a NUL or a broken %-escape",
                             NULL);
            return NULL;
        }
        if (nlen > 0 && json_object_set_new(fields, name, json_string(value)) != 0) {
            json_decref(fields);
            http_reply_internal(r, "cannot read a form");
            return NULL;
        }
        p = pe + 1;
    }
    return fields;
}

/* ---- answers from other threads ---- */

static void guard_dispose(void *p)
{
    http_pending_t **guard = p;
    if (*guard)
        (*guard)->req = NULL;
}

static void park(http_req_t *r, http_pending_t *p, void (*deliver)(http_pending_t *))
{
    p->loop = r->loop;
    p->req = r;
    p->deliver = deliver;
    p->guard = h2o_mem_alloc_shared(&r->h->pool, sizeof(*p->guard), guard_dispose);
    *p->guard = p;
}

void http_on_replies(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    while (!h2o_linklist_is_empty(messages)) {
        http_pending_t *p = H2O_STRUCT_FROM_MEMBER(http_pending_t, msg.link, messages->next);
        h2o_linklist_unlink(&p->msg.link);
        if (p->req)
            *p->guard = NULL;
        p->deliver(p);
    }
}

static void post_back(http_pending_t *p)
{
    h2o_multithread_send_message(&p->loop->replies, &p->msg);
}

static int write_run(writer_job_t *job, store_t *db)
{
    http_write_t *w = H2O_STRUCT_FROM_MEMBER(http_write_t, job, job);
    return w->run(w, db);
}

static void write_complete(writer_job_t *job)
{
    http_write_t *w = H2O_STRUCT_FROM_MEMBER(http_write_t, job, job);
    post_back(&w->pending);
}

static void write_deliver(http_pending_t *p)
{
    http_write_t *w = H2O_STRUCT_FROM_MEMBER(http_write_t, pending, p);
    w->respond(w, p->req, w->job.status);
    free(w);
}

void *http_write_new(http_req_t *r, size_t size)
{
    (void)r;
    void *p = calloc(1, size);
    if (p == NULL)
        abort();
    return p;
}

void http_write(http_req_t *r, http_write_t *w)
{
    if (r->answered) { /* e.g. a refused query: nothing is written for an answered request */
        w->respond(w, NULL, STORE_ERR);
        free(w);
        return;
    }
    park(r, &w->pending, write_deliver);
    w->job.run = write_run;
    w->job.complete = write_complete;
    writer_submit(r->loop->server->writer, &w->job);
}

void http_write_detached(http_req_t *r, http_write_t *w)
{
    w->pending.loop = r->loop;
    w->pending.req = NULL;
    w->pending.deliver = write_deliver;
    w->job.run = write_run;
    w->job.complete = write_complete;
    writer_submit(r->loop->server->writer, &w->job);
}

static void task_run(worker_job_t *job)
{
    http_task_t *t = H2O_STRUCT_FROM_MEMBER(http_task_t, job, job);
    if (!job->cancelled)
        t->run(t);
}

static void task_complete(worker_job_t *job)
{
    http_task_t *t = H2O_STRUCT_FROM_MEMBER(http_task_t, job, job);
    post_back(&t->pending);
}

static void task_deliver(http_pending_t *p)
{
    http_task_t *t = H2O_STRUCT_FROM_MEMBER(http_task_t, pending, p);
    t->respond(t, p->req);
    free(t);
}

void *http_task_new(http_req_t *r, size_t size)
{
    return http_write_new(r, size);
}

void http_task(http_req_t *r, http_task_t *t)
{
    if (r->answered) {
        t->respond(t, NULL);
        free(t);
        return;
    }
    park(r, &t->pending, task_deliver);
    t->job.run = task_run;
    t->job.complete = task_complete;
    worker_submit(r->loop->server->worker, &t->job);
}
