/*
 * server_internal: what server.c and request.c share: the server and loop structures. Nothing
 * outside src/http/ includes this.
 */
#ifndef LIAISON_HTTP_SERVER_INTERNAL_H
#define LIAISON_HTTP_SERVER_INTERNAL_H

#include <openssl/ssl.h>
#include <netdb.h>
#include <stdatomic.h>

#include "auth/ratelimit.h"
#include "auth/vault.h"
#include "http/cache.h"
#include "http/http.h"
#include "http/metrics.h"

typedef struct ip_count ip_count_t;

struct http_server {
    const config_t *cfg;
    const http_route_t *routes;
    writer_t *writer;
    worker_t *worker;
    ratelimit_t *ratelimit;
    metrics_t *metrics;
    vault_t *vault;
    h2o_globalconf_t globalconf;
    SSL_CTX *ssl_ctx;
    int listen_fd;
    atomic_int conns;
    atomic_int stopping;
    pthread_mutex_t ip_lock; /* guards ip_table */
    ip_count_t *ip_table[1024];
    int nloops;
    http_loop_t *loops;
    /* loops whose event loop is up on their own thread (see loop_main) */
    pthread_mutex_t ready_lock;
    pthread_cond_t ready_cv;
    int ready;
    /* the policy's role question answered once per route at start: [route][role] */
    policy_decision_t (*permits)[ROLE_COUNT];
    /* the periodic work (http_tick_t), on a thread of its own */
    http_tick_t tick;
    pthread_t ticker;
    pthread_mutex_t tick_lock;
    pthread_cond_t tick_wake; /* signalled to stop */
};

struct http_loop {
    h2o_context_t ctx; /* first: a conn's ctx pointer leads back to its loop */
    http_server_t *server;
    h2o_accept_ctx_t accept_ctx;
    h2o_socket_t *listener;
    store_t *reader;
    http_cache_t *cache;                /* hot public pages, dropped when the database changes */
    uint64_t seen_version;              /* data_version when last asked */
    uint64_t outside_changes;           /* how often it had moved: commits by other processes */
    uint64_t asked_at;                  /* when (loop clock, ms) */
    h2o_multithread_receiver_t replies; /* answers from the writer and workers */
    int listen_fd;                      /* this loop's duplicate of the listening socket */
    int in_flight;                      /* requests begun and not yet disposed */
    h2o_timeout_t filecache_timeout;    /* forgets open web/ files every second */
    h2o_timeout_entry_t filecache_entry;
    pthread_t thread;
};

static inline http_loop_t *loop_of(h2o_context_t *ctx)
{
    return (http_loop_t *)ctx;
}

/* server.c: an address as numeric text ("unknown" when it has none). */
void http_sockaddr_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);
/* request.c: the handler registered for every path, and the access logger. */
void http_register_handlers(h2o_pathconf_t *pathconf, http_server_t *server);
/* The same handlers serving the files of dir (the web dir, or a vendored package's files). */
void http_register_files(h2o_pathconf_t *pathconf, http_server_t *server, const char *dir);
/* request.c: delivers answers from other threads on the loop. */
void http_on_replies(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages);

#endif
