/* harness: see harness.h. Processes are real; HTTP is libcurl. */
#include "harness.h"

#include "auth/token.h"

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "harness: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static const char *bin(void)
{
    const char *b = getenv("LIAISON_BIN");
    if (b == NULL)
        die("LIAISON_BIN is not set");
    return b;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        die("cannot find a free port: %s", strerror(errno));
    close(fd);
    return ntohs(a.sin_port);
}

/* Runs argv to completion with output captured in out; returns the exit status. */
static int run(const char *const *argv, char *out, size_t outlen)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        die("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(pipefd[1]);
    size_t n = 0;
    char scratch[4096];
    ssize_t got;
    while ((got = read(pipefd[0], scratch, sizeof(scratch))) > 0) {
        if (out && n + 1 < outlen) {
            size_t take = (size_t)got < outlen - 1 - n ? (size_t)got : outlen - 1 - n;
            memcpy(out + n, scratch, take);
            n += take;
        }
    }
    if (out && outlen)
        out[n] = '\0';
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_cli(server_t *s, char *out, size_t outlen, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = bin();
    for (int i = 0; args[i] && n < 28; i++)
        argv[n++] = args[i];
    char db_flag[320], data_flag[320];
    snprintf(db_flag, sizeof(db_flag), "--db=%s", s->db);
    snprintf(data_flag, sizeof(data_flag), "--data-dir=%s/data", s->dir);
    argv[n++] = db_flag;
    if (strcmp(args[0], "init") == 0)
        argv[n++] = data_flag;
    argv[n] = NULL;
    return run(argv, out, outlen);
}

void server_prepare(server_t *s)
{
    static int curl_ready;
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_ALL);
        curl_ready = 1;
    }
    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "/tmp/liaison-test-XXXXXX");
    if (mkdtemp(s->dir) == NULL)
        die("mkdtemp: %s", strerror(errno));
    snprintf(s->db, sizeof(s->db), "%s/liaison.db", s->dir);
    char out[4096];
    if (run_cli(s, out, sizeof(out), (const char *const[]){"init", NULL}) != 0)
        die("liaison init failed: %s", out);
    if (run_cli(s, out, sizeof(out), (const char *const[]){"demo", NULL}) != 0)
        die("liaison demo failed: %s", out);
}

static bool healthy(void *arg)
{
    server_t *s = arg;
    api_res_t *r = api_get(s, "/healthz");
    bool ok = r && r->status == 200;
    api_res_free(r);
    return ok;
}

void server_start(server_t *s, const char *const *extra)
{
    s->port = free_port();
    snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
    snprintf(s->stdout_path, sizeof(s->stdout_path), "%s/stdout.log", s->dir);
    snprintf(s->stderr_path, sizeof(s->stderr_path), "%s/stderr.log", s->dir);
    const char *web = getenv("LIAISON_WEB_DIR");
    char listen_flag[64], db_flag[320], data_flag[320], web_flag[600];
    snprintf(listen_flag, sizeof(listen_flag), "--listen=127.0.0.1:%d", s->port);
    snprintf(db_flag, sizeof(db_flag), "--db=%s", s->db);
    snprintf(data_flag, sizeof(data_flag), "--data-dir=%s/data", s->dir);
    snprintf(web_flag, sizeof(web_flag), "--web-dir=%s", web ? web : "web");
    const char *argv[48] = {bin(), "serve", listen_flag, db_flag, data_flag, web_flag};
    int n = 6;
    for (int i = 0; extra && extra[i] && n < 46; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    s->pid = fork();
    if (s->pid == 0) {
        int o = open(s->stdout_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int e = open(s->stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (!wait_until(healthy, s, 15000)) {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "cat %s >&2", s->stderr_path);
        if (system(cmd) != 0)
            fprintf(stderr, "(no server log)\n");
        die("server did not become healthy on port %d", s->port);
    }
}

void server_up(server_t *s, const char *const *extra)
{
    server_prepare(s);
    server_start(s, extra);
}

int server_stop(server_t *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int status;
    waitpid(s->pid, &status, 0);
    s->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void server_down(server_t *s)
{
    int status = server_stop(s);
    if (status != 0) {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "cat %s >&2", s->stderr_path);
        if (system(cmd) != 0)
            fprintf(stderr, "(no server log)\n");
        die("server exited with status %d", status);
    }
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "harness: could not remove %s\n", s->dir);
}

/* ---- HTTP ---- */

typedef struct {
    char *data;
    size_t len;
} grow_t;

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    grow_t *g = arg;
    size_t add = size * n;
    g->data = realloc(g->data, g->len + add + 1);
    memcpy(g->data + g->len, p, add);
    g->len += add;
    g->data[g->len] = '\0';
    return add;
}

/* With LIAISON_RECORD_RESPONSES=FILE, each answer is appended to FILE as one JSON line {method, path,
 * status, type, body (parsed JSON or null), request (the JSON body sent, or null)}: what
 * tests/e2e/openapi.test.mjs checks against docs/openapi.json. One write per line (O_APPEND). */
static void record_response(const char *method, const char *path, const char *body, size_t body_len,
                            const api_res_t *r)
{
    const char *file = getenv("LIAISON_RECORD_RESPONSES");
    if (file == NULL || *file == '\0')
        return;
    const char *type = api_header(r, "content-type");
    json_t *sent = body ? json_loadb(body, body_len, 0, NULL) : NULL;
    json_t *line = json_pack("{s:s, s:s, s:I, s:s?, s:O?, s:o?}", "method", method, "path", path, "status",
                             (json_int_t)r->status, "type", type, "body", r->json, "request", sent);
    char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
    int fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (text && fd >= 0) {
        size_t n = strlen(text);
        text[n] = '\n'; /* the NUL becomes the line's end: one write() */
        if (write(fd, text, n + 1) < 0)
            fprintf(stderr, "record_response: %s\n", strerror(errno));
    }
    if (fd >= 0)
        close(fd);
    free(text);
    json_decref(line);
}

api_res_t *api_request(server_t *s, const char *method, const char *path, const char *body, size_t body_len,
                       const char *content_type, const char *const *extra_headers)
{
    CURL *c = curl_easy_init();
    char url[2048];
    snprintf(url, sizeof(url), "%s%s", s->base, path);
    grow_t b = {calloc(1, 1), 0}, h = {calloc(1, 1), 0};
    struct curl_slist *hs = NULL;
    char ct[256];
    if (body || content_type) {
        snprintf(ct, sizeof(ct), "Content-Type: %s", content_type ? content_type : "application/json");
        hs = curl_slist_append(hs, ct);
    }
    for (int i = 0; extra_headers && extra_headers[i]; i++)
        hs = curl_slist_append(hs, extra_headers[i]);
    hs = curl_slist_append(hs, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(c);
    api_res_t *r = NULL;
    if (rc == CURLE_OK) {
        r = calloc(1, sizeof(*r));
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
        r->body = b.data;
        r->len = b.len;
        r->headers = h.data;
        r->json = json_loadb(b.data, b.len, 0, NULL);
        record_response(method, path, body, body_len, r);
    } else {
        free(b.data);
        free(h.data);
    }
    curl_slist_free_all(hs);
    curl_easy_cleanup(c);
    return r;
}

api_res_t *api_get(server_t *s, const char *path)
{
    return api_request(s, "GET", path, NULL, 0, NULL, NULL);
}

void api_res_free(api_res_t *r)
{
    if (r == NULL)
        return;
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    free(r);
}

const char *api_header(const api_res_t *r, const char *name)
{
    static char value[1024];
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *eol = strstr(line, "\r\n");
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(value, sizeof(value), "%.*s", (int)(len - (size_t)(v - line)), v);
            return value;
        }
        line = eol ? eol + 2 : line + len;
    }
    return NULL;
}

bool client_login(client_t *c, server_t *s, const char *username, const char *password)
{
    memset(c, 0, sizeof(*c));
    c->server = s;
    json_t *body = json_pack("{s:s, s:s}", "username", username, "password", password);
    char *text = json_dumps(body, 0);
    json_decref(body);
    api_res_t *r = api_request(s, "POST", "/api/v1/session", text, strlen(text), NULL, NULL);
    free(text);
    bool ok = r && r->status == 200;
    if (ok) {
        const char *cookie = api_header(r, "set-cookie");
        snprintf(c->cookies, sizeof(c->cookies), "%.*s", (int)strcspn(cookie ? cookie : "", ";"), cookie ? cookie : "");
        snprintf(c->csrf, sizeof(c->csrf), "%s", json_string_value(json_object_get(r->json, "csrf_token")));
    }
    api_res_free(r);
    return ok;
}

api_res_t *client_request(client_t *c, const char *method, const char *path, const char *json_body)
{
    char cookie[600], csrf[200];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", c->cookies);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", c->csrf);
    const char *headers[] = {cookie, csrf, NULL};
    return api_request(c->server, method, path, json_body, json_body ? strlen(json_body) : 0, NULL, headers);
}

/* The shell waits for the server's writer (up to 10 s) rather than failing with "database is locked". */
int db_exec(server_t *s, const char *sql)
{
    return run((const char *const[]){"/usr/bin/sqlite3", "-cmd", ".timeout 10000", s->db, sql, NULL}, NULL, 0);
}

int db_query(server_t *s, const char *sql, char *out, size_t outlen)
{
    int rc = run((const char *const[]){"/usr/bin/sqlite3", "-cmd", ".timeout 10000", s->db, sql, NULL}, out, outlen);
    out[strcspn(out, "\n")] = '\0';
    return rc;
}

long long db_number(server_t *s, const char *fmt, ...)
{
    char sql[2048], out[64] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    assert_int_equal(db_query(s, sql, out, sizeof(out)), 0);
    return atoll(out);
}

void db_execf(server_t *s, const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    assert_int_equal(db_exec(s, sql), 0);
}

void make_deputy_clients(server_t *s, long long congress, const char *region, int n, client_t *clients,
                         long long *ids)
{
    char out[64], path[320];
    if (db_query(s, "SELECT coalesce(max(id), 0) + 1 FROM deputies", out, sizeof(out)) != 0)
        die("cannot read the deputies");
    long long first = atoll(out), now = (long long)time(NULL);
    snprintf(path, sizeof(path), "%s/deputies-%lld.sql", s->dir, first);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        die("cannot write %s: %s", path, strerror(errno));
    fprintf(f, "BEGIN;\n");
    for (int i = 0; i < n; i++) {
        char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1], hex[2 * TOKEN_HASH_BYTES + 1];
        unsigned char hash[TOKEN_HASH_BYTES];
        long long id = first + i;
        token_new(token);
        token_new(csrf);
        token_hash(token, strlen(token), hash);
        for (int k = 0; k < TOKEN_HASH_BYTES; k++)
            snprintf(hex + 2 * k, 3, "%02x", hash[k]);
        fprintf(f,
                "INSERT INTO deputies (id, name, gender, region_code, created_at, updated_at)"
                " VALUES (%lld, '测试代表%lld', 'female', '%s', %lld, %lld);\n"
                "INSERT INTO deputy_seats (deputy_id, congress_id) VALUES (%lld, %lld);\n"
                "INSERT INTO users (username, display_name, password_hash, role, region_code, deputy_id, created_at,"
                " updated_at, password_changed_at) SELECT 'voter-%lld', '测试代表%lld', password_hash, 'deputy', '%s',"
                " %lld, %lld, %lld, %lld FROM users WHERE username = 'deputy';\n"
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)"
                " VALUES (X'%s', last_insert_rowid(), '%s', %lld, %lld, %lld);\n",
                id, id, region, now, now, id, congress, id, id, region, id, now, now, now, hex, csrf, now, now,
                now + 86400);
        memset(&clients[i], 0, sizeof(clients[i]));
        clients[i].server = s;
        snprintf(clients[i].cookies, sizeof(clients[i].cookies), "liaison_session=%s", token);
        snprintf(clients[i].csrf, sizeof(clients[i].csrf), "%s", csrf);
        ids[i] = id;
    }
    fprintf(f, "COMMIT;\n");
    fclose(f);
    char read_cmd[340];
    snprintf(read_cmd, sizeof(read_cmd), ".read %s", path);
    int rc = run((const char *const[]){"/usr/bin/sqlite3", "-bail", "-cmd", ".timeout 10000", s->db, read_cmd, NULL},
                 out, sizeof(out));
    if (rc != 0)
        die("cannot make %d deputies: %s", n, out);
}

bool wait_until(bool (*cond)(void *arg), void *arg, int timeout_ms)
{
    struct timespec start, now, tick = {0, 10 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (cond(arg))
            return true;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed > timeout_ms)
            return false;
        nanosleep(&tick, NULL);
    }
}

const char *api_error_member(const api_res_t *r, const char *name)
{
    return json_string_value(json_object_get(json_object_get(r->json, "error"), name));
}

void api_assert_error(const api_res_t *r, long status, const char *code, const char *field)
{
    assert_non_null(r);
    if (r->status != status || r->json == NULL)
        fprintf(stderr, "expected %ld %s, got %ld: %s\n", status, code, r->status, r->body);
    assert_int_equal(r->status, status);
    assert_non_null(r->json);
    const char *ct = api_header(r, "content-type");
    assert_non_null(ct);
    assert_true(strncasecmp(ct, "application/json", 16) == 0);
    assert_non_null(api_error_member(r, "code"));
    assert_string_equal(api_error_member(r, "code"), code);
    const char *message = api_error_member(r, "message");
    assert_non_null(message);
    assert_true(strlen(message) > 0);
    if (field) {
        assert_non_null(api_error_member(r, "field"));
        assert_string_equal(api_error_member(r, "field"), field);
    }
}

static size_t crowd_keep(char *p, size_t size, size_t n, void *arg)
{
    crowd_call_t *c = arg;
    size_t take = size * n;
    if (c->len + take < sizeof(c->reply)) {
        memcpy(c->reply + c->len, p, take);
        c->len += take;
        c->reply[c->len] = '\0';
    }
    return size * n;
}

/* The headers of a JSON request as client (NULL: the public). */
static struct curl_slist *crowd_headers(const client_t *client)
{
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (client) {
        char cookie[600], csrf[200];
        snprintf(cookie, sizeof(cookie), "Cookie: %s", client->cookies);
        snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", client->csrf);
        headers = curl_slist_append(headers, cookie);
        headers = curl_slist_append(headers, csrf);
    }
    return headers;
}

void crowd_send(client_t *client, crowd_call_t *calls, int n)
{
    struct curl_slist *headers = crowd_headers(client);
    struct curl_slist **own = calloc((size_t)n, sizeof(*own)); /* the calls that carry their own client */
    CURLM *multi = curl_multi_init();
    CURL **easy = calloc((size_t)n, sizeof(*easy));
    for (int i = 0; i < n; i++) {
        easy[i] = curl_easy_init();
        if (calls[i].as)
            own[i] = crowd_headers(calls[i].as);
        curl_easy_setopt(easy[i], CURLOPT_URL, calls[i].url);
        curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, own[i] ? own[i] : headers);
        curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, calls[i].body[0] ? calls[i].body : "{}");
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, crowd_keep);
        curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &calls[i]);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 120L);
        curl_multi_add_handle(multi, easy[i]);
    }
    int running = n;
    while (running > 0) {
        curl_multi_perform(multi, &running);
        if (running > 0)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    for (int i = 0; i < n; i++) {
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &calls[i].status);
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
        curl_slist_free_all(own[i]);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    free(own);
    free(easy);
}
