/*
 * server: listeners, event loops and graceful shutdown.
 *
 * One listening socket is shared by one h2o event loop per core; each loop has its own
 * read-only database connection, and all of them share one writer thread (group commit) and a
 * small pool of worker threads. The main thread only waits for SIGTERM/SIGINT; then each loop
 * stops accepting, lets its requests in flight finish (their writes included), and exits, after
 * which the writer commits what is left and closes the database.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "http/router.h"
#include "http/server_internal.h"

#include <h2o/http1.h>
#include <h2o/http2.h>

enum { DRAIN_SECONDS = 20 };

struct ip_count {
    ip_count_t *next;
    int count;
    char ip[48];
};

/* ---- per-IP connection counts ---- */

static size_t ip_bucket(const char *ip)
{
    size_t h = 5381;
    for (; *ip; ip++)
        h = h * 33 + (unsigned char)*ip;
    return h % 1024;
}

/* Counts a connection from ip unless that would pass the limit; returns whether it counted. */
static bool ip_acquire(http_server_t *s, const char *ip)
{
    pthread_mutex_lock(&s->ip_lock);
    ip_count_t **head = &s->ip_table[ip_bucket(ip)], *e = *head;
    while (e && strcmp(e->ip, ip) != 0)
        e = e->next;
    bool ok = !e || e->count < s->cfg->max_conns_per_ip;
    if (ok && !e) {
        e = calloc(1, sizeof(*e));
        if (e == NULL)
            abort();
        snprintf(e->ip, sizeof(e->ip), "%s", ip);
        e->next = *head;
        *head = e;
    }
    if (ok)
        e->count++;
    pthread_mutex_unlock(&s->ip_lock);
    return ok;
}

static void ip_release(http_server_t *s, const char *ip)
{
    pthread_mutex_lock(&s->ip_lock);
    for (ip_count_t **p = &s->ip_table[ip_bucket(ip)]; *p; p = &(*p)->next) {
        if (strcmp((*p)->ip, ip) == 0) {
            if (--(*p)->count == 0) {
                ip_count_t *dead = *p;
                *p = dead->next;
                free(dead);
            }
            break;
        }
    }
    pthread_mutex_unlock(&s->ip_lock);
}

/* ---- accepting ---- */

typedef struct {
    http_server_t *server;
    char ip[48];
} conn_tag_t;

void http_sockaddr_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
    const void *addr = NULL;
    if (len >= sizeof(struct sockaddr_in) && sa->sa_family == AF_INET)
        addr = &((const struct sockaddr_in *)sa)->sin_addr;
    else if (len >= sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6)
        addr = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (addr == NULL || inet_ntop(sa->sa_family, addr, out, (socklen_t)outlen) == NULL)
        snprintf(out, outlen, "unknown");
}

static void on_conn_close(void *data)
{
    conn_tag_t *tag = data;
    atomic_fetch_sub(&tag->server->conns, 1);
    ip_release(tag->server, tag->ip);
    free(tag);
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    http_loop_t *loop = listener->data;
    http_server_t *s = loop->server;
    if (err != NULL)
        return;
    /* accept a handful per wake-up so one loop cannot starve the others */
    for (int i = 0; i < 16; i++) {
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (sock == NULL)
            return;
        conn_tag_t *tag = calloc(1, sizeof(*tag));
        if (tag == NULL)
            abort();
        tag->server = s;
        struct sockaddr_storage ss;
        socklen_t sl = h2o_socket_getpeername(sock, (struct sockaddr *)&ss);
        http_sockaddr_text((struct sockaddr *)&ss, sl, tag->ip, sizeof(tag->ip));
        if (atomic_fetch_add(&s->conns, 1) >= s->cfg->max_conns || !ip_acquire(s, tag->ip)) {
            atomic_fetch_sub(&s->conns, 1);
            free(tag);
            h2o_socket_close(sock);
            continue;
        }
        sock->on_close.cb = on_conn_close;
        sock->on_close.data = tag;
        h2o_accept(&loop->accept_ctx, sock);
    }
}

static int open_listener(const char *address, char *err, size_t errlen)
{
    char host[128];
    const char *colon = strrchr(address, ':');
    snprintf(host, sizeof(host), "%.*s", (int)(colon - address), address);
    if (host[0] == '[') { /* [::1]:8080 */
        memmove(host, host + 1, strlen(host));
        host[strcspn(host, "]")] = '\0';
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res;
    int rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "listen %s: %s", address, gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
        snprintf(err, errlen, "listen %s: %s", address, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static SSL_CTX *open_tls(const config_t *cfg, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        snprintf(err, errlen, "TLS: cannot create a context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        const char *why = ERR_reason_error_string(ERR_get_error());
        snprintf(err, errlen, "TLS: cannot load %s and %s: %s", cfg->tls_cert, cfg->tls_key,
                 why ? why : "unreadable, or the key does not match the certificate");
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (cfg->http2)
        h2o_ssl_register_alpn_protocols(ctx, h2o_http2_alpn_protocols);
    return ctx;
}

/* ---- loops ---- */

static void on_filecache_timeout(h2o_timeout_entry_t *entry);

/*
 * Makes the loop's h2o event loop, context and listener. It runs on the loop's own thread: h2o
 * 2.2.5 takes socket buffers from a per-thread pool without a lock, so a loop whose sockets
 * (its wake-up pipe included) were made on another thread shares that thread's pool with
 * every loop made there - and two loops reading writer replies at once corrupt it.
 */
static void loop_attach(http_loop_t *loop)
{
    http_server_t *s = loop->server;
    h2o_context_init(&loop->ctx, h2o_evloop_create(), &s->globalconf);
    h2o_multithread_register_receiver(loop->ctx.queue, &loop->replies, http_on_replies);
    h2o_timeout_init(loop->ctx.loop, &loop->filecache_timeout, 1000);
    loop->filecache_entry.cb = on_filecache_timeout;
    h2o_timeout_link(loop->ctx.loop, &loop->filecache_timeout, &loop->filecache_entry);
    loop->accept_ctx.ctx = &loop->ctx;
    loop->accept_ctx.hosts = s->globalconf.hosts;
    loop->accept_ctx.ssl_ctx = s->ssl_ctx;
    loop->listener = h2o_evloop_socket_create(loop->ctx.loop, loop->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    loop->listener->data = loop;
    h2o_socket_read_start(loop->listener, on_accept);
    pthread_mutex_lock(&s->ready_lock);
    s->ready++;
    pthread_cond_broadcast(&s->ready_cv);
    pthread_mutex_unlock(&s->ready_lock);
}

static void *loop_main(void *arg)
{
    http_loop_t *loop = arg;
    http_server_t *s = loop->server;
    loop_attach(loop);
    while (!atomic_load(&s->stopping))
        h2o_evloop_run(loop->ctx.loop, INT32_MAX);

    h2o_socket_read_stop(loop->listener);
    h2o_socket_close(loop->listener);
    h2o_context_request_shutdown(&loop->ctx);
    time_t deadline = time(NULL) + DRAIN_SECONDS;
    while (loop->in_flight > 0 && time(NULL) < deadline)
        h2o_evloop_run(loop->ctx.loop, 100);
    if (loop->in_flight > 0)
        log_warn("shutdown: %d requests still in flight after %d s", loop->in_flight, DRAIN_SECONDS);
    return NULL;
}

/* h2o keeps web/ files open between requests; forgetting them every second bounds how long
 * a replaced file can still be served from its old descriptor. */
static void on_filecache_timeout(h2o_timeout_entry_t *entry)
{
    http_loop_t *loop = H2O_STRUCT_FROM_MEMBER(http_loop_t, filecache_entry, entry);
    h2o_filecache_clear(loop->ctx.filecache);
    h2o_timeout_link(loop->ctx.loop, &loop->filecache_timeout, &loop->filecache_entry);
}

static int loop_init(http_loop_t *loop, http_server_t *s, char *err, size_t errlen)
{
    loop->server = s;
    if (store_open(&loop->reader, s->cfg->db, STORE_READ_ONLY, err, errlen) != STORE_OK)
        return -1;
    loop->cache = http_cache_new();
    if ((loop->listen_fd = dup(s->listen_fd)) < 0) {
        snprintf(err, errlen, "dup: %s", strerror(errno));
        return -1;
    }
    return 0; /* the rest is made on the loop's own thread (loop_attach) */
}

static void configure_h2o(http_server_t *s)
{
    const config_t *cfg = s->cfg;
    h2o_config_init(&s->globalconf);
    s->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("liaison"));
    /* h2o's own ceiling; each route enforces its own smaller limit with a JSON 413 */
    size_t ceiling = (size_t)HTTP_ROUTE_BODY_MAX + (1u << 20);
    s->globalconf.max_request_entity_size = (size_t)cfg->max_body * 8 > ceiling ? (size_t)cfg->max_body * 8 : ceiling;
    s->globalconf.http1.req_timeout = (uint64_t)cfg->req_timeout_ms;
    s->globalconf.http1.upgrade_to_http2 = cfg->http2;
    s->globalconf.http2.idle_timeout = (uint64_t)cfg->idle_timeout_ms;
    s->globalconf.filecache.capacity = 256;
    h2o_hostconf_t *host = h2o_config_register_host(&s->globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    /* ECharts for the dashboard, from the npm package installed next to the web dir, as it is
     * (registered before "/", which h2o would match first) */
    char vendor[sizeof(cfg->web_dir) + 40];
    snprintf(vendor, sizeof(vendor), "%s/../node_modules/echarts/dist", cfg->web_dir);
    http_register_files(h2o_config_register_path(host, "/vendor/echarts", 0), s, vendor);
    http_register_handlers(h2o_config_register_path(host, "/", 0), s);
}

static void wait_for_signal(http_server_t *s, sigset_t *set)
{
    int sig = 0;
    sigwait(set, &sig);
    log_info("received signal %d: finishing requests in flight", sig);
    atomic_store(&s->stopping, 1);
    /* the loops hold duplicates; the socket stops listening once each loop has closed its own */
    close(s->listen_fd);
    s->listen_fd = -1;
    for (int i = 0; i < s->nloops; i++)
        h2o_multithread_send_message(&s->loops[i].replies, NULL);
}

static int start(http_server_t *s, char *err, size_t errlen)
{
    const config_t *cfg = s->cfg;
    if (cfg->tls_cert[0] && (s->ssl_ctx = open_tls(cfg, err, errlen)) == NULL)
        return -1;
    if ((s->vault = vault_load(cfg->data_dir, err, errlen)) == NULL)
        return -1;
    if ((s->listen_fd = open_listener(cfg->listen, err, errlen)) < 0)
        return -1;
    if (writer_start(&s->writer, cfg->db, cfg->commit_batch, err, errlen) != STORE_OK)
        return -1;
    s->worker = worker_start(2);
    s->ratelimit = ratelimit_new();
    s->metrics = metrics_new(s->routes);
    size_t nroutes = router_count(s->routes);
    s->permits = calloc(nroutes, sizeof(*s->permits));
    if (s->permits == NULL)
        abort();
    for (size_t i = 0; i < nroutes; i++)
        for (int role = 0; role < ROLE_COUNT; role++) {
            actor_t someone = {.role = (role_t)role};
            s->permits[i][role] = policy_permits(role == ROLE_PUBLIC ? NULL : &someone, s->routes[i].action);
        }
    configure_h2o(s);
    s->nloops = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (s->nloops < 1)
        s->nloops = 1;
    s->loops = calloc((size_t)s->nloops, sizeof(http_loop_t));
    if (s->loops == NULL)
        abort();
    for (int i = 0; i < s->nloops; i++)
        if (loop_init(&s->loops[i], s, err, errlen) != 0)
            return -1;
    return 0;
}

static http_server_t *the_server; /* kept reachable until exit: loops own live connections */

/* Runs the tick every jobs_interval_s until the server stops; the pause ends early on stop. */
static void *ticker_main(void *arg)
{
    http_server_t *s = arg;
    char err[256];
    store_t *db;
    if (store_open(&db, s->cfg->db, STORE_READ_ONLY, err, sizeof(err)) != STORE_OK) {
        log_error("background jobs: %s", err);
        return NULL;
    }
    pthread_mutex_lock(&s->tick_lock);
    while (!atomic_load(&s->stopping)) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += s->cfg->jobs_interval_s;
        pthread_cond_timedwait(&s->tick_wake, &s->tick_lock, &until);
        if (atomic_load(&s->stopping))
            break;
        pthread_mutex_unlock(&s->tick_lock);
        s->tick(s->cfg, s->writer, db, time(NULL));
        pthread_mutex_lock(&s->tick_lock);
    }
    pthread_mutex_unlock(&s->tick_lock);
    store_close(db);
    return NULL;
}

int http_server_run(const config_t *cfg, const http_route_t *routes, http_tick_t tick)
{
    char err[512] = "";
    http_server_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        abort();
    the_server = s;
    s->cfg = cfg;
    s->routes = routes;
    s->listen_fd = -1;
    s->tick = tick;
    pthread_mutex_init(&s->ip_lock, NULL);
    pthread_mutex_init(&s->tick_lock, NULL);
    pthread_mutex_init(&s->ready_lock, NULL);
    pthread_cond_init(&s->ready_cv, NULL);
    pthread_cond_init(&s->tick_wake, NULL);

    /* every thread inherits the mask; only the main thread takes the signals, with sigwait */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (start(s, err, sizeof(err)) != 0) {
        log_error("%s", err);
        fprintf(stderr, "liaison serve: %s\n", err);
        return 1;
    }
    log_info("listening on %s://%s with %d event loops", s->ssl_ctx ? "https" : "http", cfg->listen, s->nloops);
    for (int i = 0; i < s->nloops; i++)
        pthread_create(&s->loops[i].thread, NULL, loop_main, &s->loops[i]);
    /* a signal now would message loops that cannot receive yet */
    pthread_mutex_lock(&s->ready_lock);
    while (s->ready < s->nloops)
        pthread_cond_wait(&s->ready_cv, &s->ready_lock);
    pthread_mutex_unlock(&s->ready_lock);
    if (tick)
        pthread_create(&s->ticker, NULL, ticker_main, s);
    wait_for_signal(s, &set);
    for (int i = 0; i < s->nloops; i++)
        pthread_join(s->loops[i].thread, NULL);
    if (tick) { /* before the writer stops: a tick may be waiting on it */
        pthread_mutex_lock(&s->tick_lock);
        pthread_cond_signal(&s->tick_wake);
        pthread_mutex_unlock(&s->tick_lock);
        pthread_join(s->ticker, NULL);
    }
    worker_stop(s->worker);
    writer_stop(s->writer);
    vault_free(s->vault);
    for (int i = 0; i < s->nloops; i++)
        store_close(s->loops[i].reader);
    log_info("stopped: every acknowledged write is committed");
    return 0;
}

void http_server_request_stop(void)
{
    kill(getpid(), SIGTERM);
}
