/*
 * pipeline: what happens to every request before its handler and after its answer.
 *
 * Before: the raw path is checked (no dot segments, NUL bytes or broken UTF-8), the route is
 * matched (404, 405 with Allow), the session cookie is resolved, the policy is asked whether the
 * role may act at all (401, 403), and unsafe methods must carry the session's CSRF token and no
 * foreign Origin. Paths no route claims fall through to h2o's file handler for web/.
 * After: the logger, which h2o calls for every request it disposes of, records metrics and one
 * JSON access-log line.
 */
#include <arpa/inet.h>
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

#define TOUCH_EVERY_S 60

typedef struct {
    h2o_handler_t super;
    http_server_t *server;
} api_handler_t;

typedef struct {
    h2o_logger_t super;
    http_server_t *server;
} api_logger_t;

static void conn_ip(h2o_conn_t *conn, char *out, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = conn->callbacks->get_peername(conn, (struct sockaddr *)&ss);
    http_sockaddr_text((struct sockaddr *)&ss, sl, out, len);
}

static h2o_iovec_t path_only(h2o_req_t *h)
{
    return h2o_iovec_init(h->path.base, h->query_at == SIZE_MAX ? h->path.len : h->query_at);
}

/* No NUL, valid UTF-8, and no "." or ".." segment in a decoded path. */
static const char *segments_problem(const char *path, size_t n)
{
    if (!utf8_valid(path, n))
        return memchr(path, '\0', n) ? "the path holds a NUL byte" : "the path is not valid UTF-8";
    for (const char *p = path, *end = path + n; (p = memchr(p, '/', (size_t)(end - p))) != NULL; p++) {
        size_t dots = 0;
        while (p + 1 + dots < end && p[1 + dots] == '.')
            dots++;
        bool segment_ends = p + 1 + dots == end || p[1 + dots] == '/';
        /* "/.." anywhere, and "/./"; a final "/." is left to h2o, which normalises it away */
        if (segment_ends && (dots == 2 || (dots == 1 && p + 2 != end)))
            return "the path may not contain . or .. segments";
    }
    return NULL;
}

/* A path a person could mean: no "." or ".." segment (even %-encoded), no NUL, valid UTF-8. */
static const char *path_problem(h2o_iovec_t path)
{
    char decoded[4096];
    size_t n = 0;
    if (path.len >= sizeof(decoded))
        return "the path is too long";
    if (memchr(path.base, '%', path.len) == NULL) /* the common case: nothing to decode */
        return segments_problem(path.base, path.len);
    for (size_t i = 0; i < path.len; i++) {
        char c = path.base[i];
        if (c == '%' && i + 2 < path.len) {
            char hex[3] = {path.base[i + 1], path.base[i + 2], 0};
            char *end;
            long v = strtol(hex, &end, 16);
            if (*end == '\0') {
                c = (char)v;
                i += 2;
            }
        }
        decoded[n++] = c;
    }
    return segments_problem(decoded, n);
}

static void add_security_headers(h2o_req_t *h)
{
    static const struct {
        const char *name, *value;
    } headers[] = {
        {"x-content-type-options", "nosniff"},
        {"x-frame-options", "DENY"},
        {"referrer-policy", "same-origin"},
        {"content-security-policy",
         "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
         "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"},
    };
    for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
        h2o_add_header_by_str(&h->pool, &h->res.headers, headers[i].name, strlen(headers[i].name), 0, NULL,
                              headers[i].value, strlen(headers[i].value));
}

/* The session token from the Cookie header(s), or an empty vector. */
static h2o_iovec_t session_token(h2o_req_t *h)
{
    for (ssize_t i = -1; (i = h2o_find_header(&h->headers, H2O_TOKEN_COOKIE, i)) != -1;) {
        h2o_iovec_t v = h->headers.entries[i].value;
        const char *p = v.base, *end = v.base + v.len;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == ';'))
                p++;
            const char *semi = memchr(p, ';', (size_t)(end - p));
            const char *e = semi ? semi : end;
            size_t klen = strlen(HTTP_SESSION_COOKIE);
            if ((size_t)(e - p) > klen && memcmp(p, HTTP_SESSION_COOKIE "=", klen + 1) == 0)
                return h2o_iovec_init(p + klen + 1, (size_t)(e - p) - klen - 1);
            p = e;
        }
    }
    return h2o_iovec_init(NULL, 0);
}

typedef struct {
    http_write_t super;
    unsigned char hash[TOKEN_HASH_BYTES];
    int64_t now;
} touch_t;

static int touch_run(http_write_t *w, store_t *db)
{
    touch_t *t = (touch_t *)w;
    return store_session_touch(db, t->hash, sizeof(t->hash), t->now);
}

static void touch_respond(http_write_t *w, http_req_t *r, int status)
{
    if (status != STORE_OK)
        log_warn("cannot record a session's last use");
}

static void resolve_session(http_req_t *r)
{
    h2o_iovec_t token = session_token(r->h);
    if (token.len != TOKEN_CHARS)
        return;
    unsigned char hash[TOKEN_HASH_BYTES];
    token_hash(token.base, token.len, hash);
    int64_t now = time(NULL);
    store_session_t row;
    if (store_session_lookup(http_reader(r), hash, sizeof(hash), now, http_config(r)->session_idle_s, &row) != STORE_OK)
        return;
    http_session_t *s = h2o_mem_alloc_pool(&r->h->pool, sizeof(*s));
    memset(s, 0, sizeof(*s));
    s->actor.role = role_from_name(row.user.role);
    s->actor.user_id = row.user.id;
    snprintf(s->actor.region, sizeof(s->actor.region), "%s", row.user.region);
    s->actor.unit_id = row.user.unit_id;
    s->actor.deputy_id = row.user.deputy_id;
    snprintf(s->username, sizeof(s->username), "%s", row.user.username);
    snprintf(s->display_name, sizeof(s->display_name), "%s", row.user.display_name);
    snprintf(s->csrf, sizeof(s->csrf), "%s", row.csrf);
    memcpy(s->token_hash, hash, sizeof(hash));
    s->last_seen_at = row.last_seen_at;
    r->session = s;
    if (now - row.last_seen_at >= TOUCH_EVERY_S) {
        touch_t *t = http_write_new(r, sizeof(*t));
        memcpy(t->hash, hash, sizeof(hash));
        t->now = now;
        t->super.run = touch_run;
        t->super.respond = touch_respond;
        http_write_detached(r, &t->super);
    }
}

/* Behind our own proxy: the client is the last address it appended, and the scheme its word. */
static void apply_forwarded(http_req_t *r)
{
    const char *xff = http_header(r, "x-forwarded-for"), *proto = http_header(r, "x-forwarded-proto");
    if (xff) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        char ip[48];
        unsigned char addr[sizeof(struct in6_addr)];
        snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(last, " "), last);
        if (inet_pton(AF_INET, ip, addr) == 1 || inet_pton(AF_INET6, ip, addr) == 1)
            snprintf(r->ip, sizeof(r->ip), "%s", ip);
    }
    if (proto)
        r->secure = strcasecmp(proto, "https") == 0;
}

static bool is_safe_method(h2o_iovec_t m)
{
    return h2o_memis(m.base, m.len, H2O_STRLIT("GET")) || h2o_memis(m.base, m.len, H2O_STRLIT("HEAD")) ||
           h2o_memis(m.base, m.len, H2O_STRLIT("OPTIONS"));
}

/* Unsafe methods: no foreign Origin, and with a session, the session's CSRF token. */
static bool cross_site_refused(http_req_t *r)
{
    if (is_safe_method(r->h->method))
        return false;
    const char *origin = http_header(r, "origin");
    if (origin && strcmp(origin, "null") != 0) {
        /* same origin: the very scheme and authority this request came in on */
        h2o_iovec_t scheme = r->secure ? h2o_iovec_init(H2O_STRLIT("https")) : h2o_iovec_init(H2O_STRLIT("http"));
        h2o_iovec_t authority = r->h->authority;
        size_t n = strlen(origin);
        if (n != scheme.len + 3 + authority.len || memcmp(origin, scheme.base, scheme.len) != 0 ||
            memcmp(origin + scheme.len, "://", 3) != 0 ||
            memcmp(origin + scheme.len + 3, authority.base, authority.len) != 0) {
            http_reply_error(r, 403, "cross_origin", "requests from another site are refused", NULL);
            return true;
        }
    }
    if (r->session == NULL)
        return false;
    const char *sent = http_header(r, "x-csrf-token");
    if (sent == NULL || !token_equal(sent, r->session->csrf)) {
        http_reply_error(r, 403, "csrf", "missing or wrong X-CSRF-Token header", "X-CSRF-Token");
        return true;
    }
    return false;
}

/* The route is kept in the request's environment for the logger, which would otherwise match
 * the path a second time. */
#define ROUTE_ENV "liaison.route"

static void remember_route(h2o_req_t *h, int route)
{
    h2o_vector_reserve(&h->pool, &h->env, h->env.size + 2);
    h->env.entries[h->env.size++] = h2o_iovec_init(H2O_STRLIT(ROUTE_ENV));
    h->env.entries[h->env.size++] = h2o_iovec_init(NULL, (size_t)route);
}

static int remembered_route(h2o_req_t *h)
{
    for (size_t i = 0; i + 1 < h->env.size; i += 2)
        if (h2o_memis(h->env.entries[i].base, h->env.entries[i].len, H2O_STRLIT(ROUTE_ENV)))
            return (int)h->env.entries[i + 1].len;
    return -1;
}

static void count_out(void *p)
{
    http_loop_t **loop = p;
    (*loop)->in_flight--;
}

static int on_req(h2o_handler_t *self, h2o_req_t *h)
{
    http_server_t *s = ((api_handler_t *)self)->server;
    http_loop_t *loop = loop_of(h->conn->ctx);
    http_loop_t **counted = h2o_mem_alloc_shared(&h->pool, sizeof(*counted), count_out);
    *counted = loop;
    loop->in_flight++;
    add_security_headers(h);

    http_req_t *r = h2o_mem_alloc_pool(&h->pool, sizeof(*r));
    memset(r, 0, sizeof(*r));
    r->h = h;
    r->loop = loop;
    h2o_iovec_t path = path_only(h);
    const char *bad = path_problem(path);
    if (bad) {
        http_reply_error(r, 400, "bad_path", bad, NULL);
        return 0;
    }
    char allow[64];
    int i = router_match(s->routes, h->method.base, h->method.len, path.base, path.len, r->params, &r->nparams,
                         allow, sizeof(allow));
    if (i == ROUTER_NOT_FOUND) {
        if (path.len >= 5 && memcmp(path.base, "/api/", 5) == 0) {
            http_reply_error(r, 404, "not_found", "no such API route", NULL);
            return 0;
        }
        return -1; /* a static file, or h2o's 404 */
    }
    if (i == ROUTER_BAD_METHOD) {
        /* the path's own error format: that of a route it has, by the first method allowed */
        int same = router_match(s->routes, allow, strcspn(allow, ","), path.base, path.len, r->params,
                                &r->nparams, NULL, 0);
        r->errors = same >= 0 ? s->routes[same].errors : NULL;
        http_add_header(r, "allow", allow);
        http_reply_error(r, 405, "method_not_allowed", "this path does not take that method", NULL);
        return 0;
    }
    r->route = &s->routes[i];
    r->errors = r->route->errors;
    remember_route(h, i);
    conn_ip(h->conn, r->ip, sizeof(r->ip));
    r->secure = h->scheme == &H2O_URL_SCHEME_HTTPS;
    if (s->cfg->trust_proxy)
        apply_forwarded(r);
    resolve_session(r);
    switch (s->permits[i][r->session ? r->session->actor.role : ROLE_PUBLIC]) {
    case POLICY_UNAUTHENTICATED: http_reply_error(r, 401, "unauthenticated", "sign in first", NULL); return 0;
    case POLICY_FORBIDDEN: http_reply_error(r, 403, "forbidden", "your role may not do this", NULL); return 0;
    default: break;
    }
    if (cross_site_refused(r) || !http_query_valid(r))
        return 0;
    r->route->handler(r);
    return 0;
}

/* ---- after: metrics and the access log ---- */

static int route_label(h2o_req_t *h)
{
    int i = remembered_route(h);
    if (i >= 0)
        return i;
    h2o_iovec_t path = path_only(h);
    if (path.len >= 5 && memcmp(path.base, "/api/", 5) == 0)
        return METRICS_UNMATCHED;
    return h->res.status == 404 ? METRICS_UNMATCHED : METRICS_STATIC;
}

static double seconds_since(struct timeval t)
{
    struct timeval now;
    gettimeofday(&now, NULL);
    return (double)(now.tv_sec - t.tv_sec) + (double)(now.tv_usec - t.tv_usec) / 1e6;
}

static void log_access(h2o_logger_t *self, h2o_req_t *h)
{
    http_server_t *s = ((api_logger_t *)self)->server;
    int route = route_label(h);
    double secs = seconds_since(h->timestamps.request_begin_at);
    metrics_observe(s->metrics, route, h->res.status, secs);
    if (!s->cfg->access_log)
        return;
    char ip[48];
    conn_ip(h->conn, ip, sizeof(ip));
    h2o_iovec_t path = path_only(h);
    buf_t line;
    buf_init(&line);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    buf_addf(&line, "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02dZ\",\"type\":\"access\",\"ip\":\"%s\",\"method\":\"",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ip);
    buf_add_json_escaped(&line, h->method.base, h->method.len);
    buf_adds(&line, "\",\"path\":\"");
    buf_add_json_escaped(&line, path.base, path.len);
    buf_addf(&line, "\",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"route\":\"", h->res.status, h->bytes_sent, secs * 1e3);
    if (route >= 0)
        buf_addf(&line, "%s %s", s->routes[route].method, s->routes[route].pattern);
    else
        buf_adds(&line, route == METRICS_STATIC ? "static" : "unmatched");
    buf_adds(&line, "\"}\n");
    log_access_line(line.data, line.len);
    buf_free(&line);
}

void http_register_handlers(h2o_pathconf_t *pathconf, http_server_t *s)
{
    http_register_files(pathconf, s, s->cfg->web_dir);
}

void http_register_files(h2o_pathconf_t *pathconf, http_server_t *s, const char *dir)
{
    api_handler_t *h = (api_handler_t *)h2o_create_handler(pathconf, sizeof(*h));
    h->super.on_req = on_req;
    h->server = s;
    static const char *index_files[] = {"index.html", NULL};
    h2o_file_register(pathconf, dir, index_files, NULL, 0);
    api_logger_t *l = (api_logger_t *)h2o_create_logger(pathconf, sizeof(*l));
    l->super.log_access = log_access;
    l->server = s;
}

/* ---- metrics for the /metrics route ---- */

void http_render_metrics(http_req_t *r, buf_t *out)
{
    http_server_t *s = r->loop->server;
    metrics_render(s->metrics, writer_depth(s->writer), (size_t)atomic_load(&s->conns), out);
}
