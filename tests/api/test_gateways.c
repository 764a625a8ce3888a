/*
 * gateways: notifications leave through the office's signed webhook and by e-mail, failures are
 * retried with growing pauses until they are dead letters the office sees and puts back, and
 * integrators' subscriptions get the opinion loop's events signed with their own secret, with
 * nothing personal in them (SPEC §9).
 *
 * The test is its own webhook receiver (a small HTTP server on a loopback port, in a thread)
 * and its own mail server (an SMTP responder that accepts whatever comes), so everything the
 * server sends can be read back byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/deliver.h"
#include "harness.h"

#define OFFICE_SECRET "office-secret-for-tests"
#define MAIL_FROM "liaison@rudong.example"
#define STAFF_MAIL "staff@rudong.example"
enum { MAX_HITS = 512, MAX_MAILS = 32 };

/* ---- a listening socket served by a thread ---------------------------------------------------- */

typedef struct {
    int fd, port;
    pthread_t thread;
    atomic_bool stop;
    void (*serve)(int conn);
} listener_t;

static void *listener_main(void *arg)
{
    listener_t *l = arg;
    while (!atomic_load(&l->stop)) {
        struct pollfd p = {l->fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int conn = accept(l->fd, NULL, NULL);
        if (conn < 0)
            continue;
        struct timeval limit = {5, 0};
        setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
        l->serve(conn);
        close(conn);
    }
    return NULL;
}

static void listener_start(listener_t *l, void (*serve)(int conn))
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    l->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(l->fd >= 0);
    assert_int_equal(bind(l->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(l->fd, 16), 0);
    assert_int_equal(getsockname(l->fd, (struct sockaddr *)&a, &len), 0);
    l->port = ntohs(a.sin_port);
    l->serve = serve;
    atomic_store(&l->stop, false);
    assert_int_equal(pthread_create(&l->thread, NULL, listener_main, l), 0);
}

static void listener_stop(listener_t *l)
{
    atomic_store(&l->stop, true);
    pthread_join(l->thread, NULL);
    close(l->fd);
}

static void say(int conn, const char *text)
{
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(conn, text + done, len - done);
        if (n <= 0)
            return;
        done += (size_t)n;
    }
}

/* ---- the webhook receiver ------------------------------------------------------------------------ */

typedef struct {
    char path[64], event[64], timestamp[32], signature[96];
    long long delivery;
    char *body;
} hit_t;

static struct {
    listener_t l;
    pthread_mutex_t lock;
    atomic_int status; /* what it answers */
    hit_t hits[MAX_HITS];
    int n;
} hook = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The value of header name (lower case, with its colon) in the header block, into out. */
static void header_value(const char *headers, const char *name, char *out, size_t outlen)
{
    out[0] = '\0';
    for (const char *line = headers; line && *line; line = strstr(line, "\r\n") ? strstr(line, "\r\n") + 2 : NULL) {
        if (strncasecmp(line, name, strlen(name)) != 0)
            continue;
        const char *v = line + strlen(name);
        v += strspn(v, " ");
        size_t n = strcspn(v, "\r\n");
        snprintf(out, outlen, "%.*s", (int)(n < outlen ? n : outlen - 1), v);
        return;
    }
}

static void serve_hook(int conn)
{
    static char request[65536];
    size_t len = 0;
    char *end = NULL;
    while (end == NULL && len < sizeof(request) - 1) {
        ssize_t n = read(conn, request + len, sizeof(request) - 1 - len);
        if (n <= 0)
            return;
        len += (size_t)n;
        request[len] = '\0';
        end = strstr(request, "\r\n\r\n");
    }
    if (end == NULL)
        return;
    end[2] = '\0'; /* the header block, each line ending in CRLF */
    char value[128];
    header_value(request, "content-length:", value, sizeof(value));
    size_t want = (size_t)atol(value), have = len - (size_t)(end + 4 - request);
    header_value(request, "expect:", value, sizeof(value));
    if (strcasecmp(value, "100-continue") == 0)
        say(conn, "HTTP/1.1 100 Continue\r\n\r\n");
    char *body = malloc(want + 1);
    memcpy(body, end + 4, have < want ? have : want);
    while (have < want) {
        ssize_t n = read(conn, body + have, want - have);
        if (n <= 0)
            break;
        have += (size_t)n;
    }
    body[have < want ? have : want] = '\0';
    pthread_mutex_lock(&hook.lock);
    if (hook.n < MAX_HITS) {
        hit_t *h = &hook.hits[hook.n++];
        sscanf(request, "POST %63s", h->path);
        header_value(request, "x-liaison-event:", h->event, sizeof(h->event));
        header_value(request, "x-liaison-timestamp:", h->timestamp, sizeof(h->timestamp));
        header_value(request, "x-liaison-signature:", h->signature, sizeof(h->signature));
        header_value(request, "x-liaison-delivery:", value, sizeof(value));
        h->delivery = atoll(value);
        h->body = body;
        body = NULL;
    }
    pthread_mutex_unlock(&hook.lock);
    free(body);
    char answer[128];
    snprintf(answer, sizeof(answer), "HTTP/1.1 %d Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
             atomic_load(&hook.status));
    say(conn, answer);
}

/* How many posts reached path (NULL: any) for delivery id (0: any) and event (NULL: any); the
 * last one into *out (its body is the receiver's). */
static int hits(const char *path, long long delivery, const char *event, hit_t *out)
{
    int count = 0;
    pthread_mutex_lock(&hook.lock);
    for (int i = 0; i < hook.n; i++) {
        hit_t *h = &hook.hits[i];
        if ((path && strcmp(h->path, path) != 0) || (delivery && h->delivery != delivery) ||
            (event && strcmp(h->event, event) != 0))
            continue;
        count++;
        if (out)
            *out = *h;
    }
    pthread_mutex_unlock(&hook.lock);
    return count;
}

typedef struct {
    const char *path, *event;
    long long delivery;
    int count;
} hits_wait_t;

static bool enough_hits(void *arg)
{
    hits_wait_t *w = arg;
    return hits(w->path, w->delivery, w->event, NULL) >= w->count;
}

/* ---- the mail server --------------------------------------------------------------------------- */

typedef struct {
    char from[128], to[128];
    char *data;
} mail_t;

static struct {
    listener_t l;
    pthread_mutex_t lock;
    mail_t mails[MAX_MAILS];
    int n;
} smtp = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool read_line(int conn, char *line, size_t cap)
{
    size_t len = 0;
    char c;
    while (read(conn, &c, 1) == 1) {
        if (c == '\n') {
            if (len && line[len - 1] == '\r')
                len--;
            line[len] = '\0';
            return true;
        }
        if (len + 1 < cap)
            line[len++] = c;
    }
    return false;
}

/* An SMTP server that takes every message (RFC 5321, the few commands curl sends). */
static void serve_smtp(int conn)
{
    char line[1024];
    mail_t m = {0};
    size_t len = 0;
    bool in_data = false;
    say(conn, "220 fake.example ESMTP\r\n");
    while (read_line(conn, line, sizeof(line))) {
        if (in_data && strcmp(line, ".") != 0) {
            size_t n = strlen(line);
            m.data = realloc(m.data, len + n + 3);
            memcpy(m.data + len, line, n);
            memcpy(m.data + len + n, "\r\n", 3);
            len += n + 2;
        } else if (in_data) {
            in_data = false;
            pthread_mutex_lock(&smtp.lock);
            if (smtp.n < MAX_MAILS)
                smtp.mails[smtp.n++] = m;
            else
                free(m.data);
            pthread_mutex_unlock(&smtp.lock);
            memset(&m, 0, sizeof(m));
            len = 0;
            say(conn, "250 queued\r\n");
        } else if (strncasecmp(line, "EHLO", 4) == 0) {
            say(conn, "250-fake.example\r\n250 8BITMIME\r\n");
        } else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
            snprintf(m.from, sizeof(m.from), "%s", line + 10);
            say(conn, "250 OK\r\n");
        } else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
            snprintf(m.to, sizeof(m.to), "%s", line + 8);
            say(conn, "250 OK\r\n");
        } else if (strcasecmp(line, "DATA") == 0) {
            in_data = true;
            say(conn, "354 go on\r\n");
        } else if (strcasecmp(line, "QUIT") == 0) {
            say(conn, "221 bye\r\n");
            break;
        } else {
            say(conn, "250 OK\r\n");
        }
    }
    free(m.data);
}

/* The mail sent to address "<to>", or false. */
static bool mail_to(const char *to, mail_t *out)
{
    bool found = false;
    pthread_mutex_lock(&smtp.lock);
    for (int i = 0; i < smtp.n; i++)
        if (strcmp(smtp.mails[i].to, to) == 0) {
            *out = smtp.mails[i];
            found = true;
        }
    pthread_mutex_unlock(&smtp.lock);
    return found;
}

static bool mail_came(void *arg)
{
    mail_t m;
    return mail_to(arg, &m);
}

/* ---- the server ------------------------------------------------------------------------------------ */

static server_t srv;
static client_t admin, rugao, staff;
static long long staff_id;

static int start_all(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    atomic_store(&hook.status, 200);
    listener_start(&hook.l, serve_hook);
    listener_start(&smtp.l, serve_smtp);
    server_prepare(&srv);
    /* the demo's own notices would only crowd the receiver */
    db_execf(&srv, "DELETE FROM outbox");
    char webhook[128], mail[128];
    snprintf(webhook, sizeof(webhook), "--notify-webhook=http://127.0.0.1:%d/office", hook.l.port);
    snprintf(mail, sizeof(mail), "--notify-smtp-url=smtp://127.0.0.1:%d", smtp.l.port);
    server_start(&srv, (const char *const[]){"--rate-limits=off", "--jobs-interval-s=1", webhook,
                                             "--notify-secret=" OFFICE_SECRET, mail, "--notify-smtp-from=" MAIL_FROM,
                                             "--notify-backoff-s=1", "--notify-backoff-max-s=3",
                                             "--notify-max-attempts=4", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&rugao, &srv, FOREIGN_ADMIN, DEMO_PASSWORD) ||
        !client_login(&staff, &srv, "staff", DEMO_PASSWORD))
        return -1;
    staff_id = db_number(&srv, "SELECT id FROM users WHERE username = 'staff'");
    return 0;
}

static int stop_all(void **state)
{
    (void)state;
    server_down(&srv);
    listener_stop(&hook.l);
    listener_stop(&smtp.l);
    for (int i = 0; i < hook.n; i++)
        free(hook.hits[i].body);
    for (int i = 0; i < smtp.n; i++)
        free(smtp.mails[i].data);
    return 0;
}

/* Puts a notice to the staff account in the outbox, as the opinion loop would; returns its id. */
static long long notice_to_staff(long long opinion_id)
{
    db_execf(&srv,
             "INSERT INTO outbox (created_at, event, recipient, payload, next_at) VALUES (strftime('%%s', 'now'),"
             " 'opinion.assigned', 'user:%lld', '{\"opinion_id\":%lld,\"state\":\"triaged\",\"region\":\"%s\"}', 0)",
             staff_id, opinion_id, HOME_REGION);
    return db_number(&srv, "SELECT id FROM outbox WHERE json_extract(payload, '$.opinion_id') = %lld", opinion_id);
}

typedef struct {
    const char *sql;
} sql_wait_t;

static bool sql_true(void *arg)
{
    return db_number(&srv, "%s", ((sql_wait_t *)arg)->sql) == 1;
}

static bool signed_with(const hit_t *h, const char *secret)
{
    char expected[DELIVER_SIGNATURE_LEN + 1];
    deliver_signature(secret, atoll(h->timestamp), h->body, expected);
    return strcmp(expected, h->signature) == 0;
}

/* The item of the list answered by GET path whose id is id, or NULL. */
static json_t *listed(client_t *c, const char *path, long long id)
{
    api_res_t *r = client_request(c, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    json_t *found = NULL, *item;
    size_t i;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        if (json_integer_value(json_object_get(item, "id")) == id)
            found = json_incref(item);
    }
    api_res_free(r);
    return found;
}

/* ---- the office's webhook and e-mail ------------------------------------------------------------- */

static void office_webhook_gets_the_notice_signed_over_its_timestamp_and_body(void **state)
{
    (void)state;
    long long id = notice_to_staff(4242);
    hits_wait_t came = {"/office", NULL, id, 1};
    assert_true(wait_until(enough_hits, &came, 15000));
    hit_t h;
    assert_int_equal(hits("/office", id, NULL, &h), 1);
    assert_string_equal(h.event, "opinion.assigned");
    long long ts = atoll(h.timestamp);
    assert_true(ts > time(NULL) - 60 && ts <= time(NULL) + 1);
    assert_true(signed_with(&h, OFFICE_SECRET));
    /* replayed under another time, or with another key, the signature does not verify */
    hit_t replay = h;
    snprintf(replay.timestamp, sizeof(replay.timestamp), "%lld", ts + 3600);
    assert_false(signed_with(&replay, OFFICE_SECRET));
    assert_false(signed_with(&h, "another-secret"));
    /* the message: what the outbox holds, with the Chinese template filled from it */
    json_t *body = json_loads(h.body, 0, NULL);
    assert_non_null(body);
    assert_int_equal(json_integer_value(json_object_get(body, "id")), id);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(body, "payload"), "opinion_id")), 4242);
    assert_string_equal(json_string_value(json_object_get(body, "lang")), "zh");
    assert_string_equal(json_string_value(json_object_get(body, "subject")), "新的群众意见待办理");
    assert_non_null(strstr(json_string_value(json_object_get(body, "text")), "意见 4242 已分派给您"));
    json_decref(body);
    sql_wait_t recorded = {NULL};
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT delivered_at IS NOT NULL AND channels_done = ' webhook ' FROM outbox WHERE id = %lld",
             id);
    recorded.sql = sql;
    assert_true(wait_until(sql_true, &recorded, 10000));
}

static char *decoded_body(const char *data)
{
    const char *start = strstr(data, "\r\n\r\n");
    assert_non_null(start);
    size_t cap = strlen(start);
    unsigned char *out = calloc(1, cap + 1);
    size_t len = 0;
    assert_int_equal(sodium_base642bin(out, cap, start + 4, strlen(start + 4), "\r\n", &len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    out[len] = '\0';
    return (char *)out;
}

static void a_recipient_with_an_address_also_gets_an_email_with_the_email_template(void **state)
{
    (void)state;
    db_execf(&srv, "UPDATE users SET email = '" STAFF_MAIL "' WHERE id = %lld", staff_id);
    long long id = notice_to_staff(4343);
    assert_true(wait_until(mail_came, "<" STAFF_MAIL ">", 15000));
    mail_t m;
    assert_true(mail_to("<" STAFF_MAIL ">", &m));
    assert_string_equal(m.from, "<" MAIL_FROM ">");
    assert_non_null(strstr(m.data, "\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(m.data, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(m.data, "To: <" STAFF_MAIL ">\r\n"));
    char *text = decoded_body(m.data);
    assert_non_null(strstr(text, "意见 4343 已分派给您，请登录代表联络站工作台及时办理。"));
    free(text);
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT delivered_at IS NOT NULL AND instr(channels_done, ' email ') > 0 AND instr(channels_done,"
             " ' webhook ') > 0 FROM outbox WHERE id = %lld", id);
    sql_wait_t both = {sql};
    assert_true(wait_until(sql_true, &both, 10000));
    db_execf(&srv, "UPDATE users SET email = '' WHERE id = %lld", staff_id);
}

/* ---- retries, dead letters, and putting one back ------------------------------------------------ */

typedef struct {
    long long id;
    long long pause[8]; /* next_at - tried_at seen after the k-th try */
} tries_t;

static bool dead_yet(void *arg)
{
    tries_t *t = arg;
    char sql[200], row[64] = "";
    snprintf(sql, sizeof(sql), "SELECT attempts || ' ' || (next_at - coalesce(tried_at, 0)) || ' ' || (dead_at IS NOT NULL)"
                               " FROM outbox WHERE id = %lld", t->id);
    if (db_query(&srv, sql, row, sizeof(row)) != 0)
        return false;
    long long attempts = 0, pause = 0, dead = 0;
    if (sscanf(row, "%lld %lld %lld", &attempts, &pause, &dead) == 3 && attempts > 0 && attempts < 8)
        t->pause[attempts] = pause;
    return dead == 1;
}

static void a_failing_receiver_is_retried_with_growing_pauses_then_dead_lettered_and_retried_by_the_office(void **state)
{
    (void)state;
    atomic_store(&hook.status, 500);
    tries_t t = {.id = notice_to_staff(4444)};
    assert_true(wait_until(dead_yet, &t, 30000));
    /* the pause doubles after each failure, up to --notify-backoff-max-s (3) */
    assert_int_equal(t.pause[1], 1);
    assert_int_equal(t.pause[2], 2);
    assert_int_equal(t.pause[3], 3);
    assert_int_equal(hits("/office", t.id, NULL, NULL), 4); /* --notify-max-attempts, then no more */

    char path[64];
    json_t *dead = listed(&admin, "/api/v1/outbox/dead", t.id);
    assert_non_null(dead);
    assert_string_equal(json_string_value(json_object_get(dead, "last_error")), "webhook answered 500");
    assert_int_equal(json_integer_value(json_object_get(dead, "attempts")), 4);
    assert_string_equal(json_string_value(json_object_get(dead, "region")), HOME_REGION);
    assert_null(json_object_get(dead, "payload")); /* the list shows no payload */
    json_decref(dead);
    assert_null(listed(&rugao, "/api/v1/outbox/dead", t.id)); /* another county's office */
    api_res_t *r = client_request(&staff, "GET", "/api/v1/outbox/dead", NULL);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/outbox/%lld/retry", t.id);
    r = client_request(&rugao, "POST", path, "{}");
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);

    atomic_store(&hook.status, 200);
    r = client_request(&admin, "POST", path, "{}");
    assert_int_equal(r->status, 200);
    assert_true(json_is_null(json_object_get(r->json, "dead_at")));
    api_res_free(r);
    hits_wait_t again = {"/office", NULL, t.id, 5};
    assert_true(wait_until(enough_hits, &again, 15000));
    char sql[120];
    snprintf(sql, sizeof(sql), "SELECT delivered_at IS NOT NULL FROM outbox WHERE id = %lld", t.id);
    sql_wait_t delivered = {sql};
    assert_true(wait_until(sql_true, &delivered, 10000));
    assert_null(listed(&admin, "/api/v1/outbox/dead", t.id));
    r = client_request(&admin, "POST", path, "{}");
    api_assert_error(r, 409, "not_dead", NULL);
    api_res_free(r);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM audit_log WHERE action = 'outbox.retry' AND entity_id = %lld",
                               t.id),
                     1);
}

/* ---- integrators' subscriptions ------------------------------------------------------------------- */

static long long subscribe(client_t *c, const char *path, const char *events, char *secret, size_t secretlen)
{
    char body[400];
    snprintf(body, sizeof(body), "{\"url\":\"http://127.0.0.1:%d%s\",\"events\":%s}", hook.l.port, path, events);
    api_res_t *r = client_request(c, "POST", "/api/v1/webhooks", body);
    assert_int_equal(r->status, 201);
    long long id = json_integer_value(json_object_get(r->json, "id"));
    const char *s = json_string_value(json_object_get(r->json, "secret"));
    assert_non_null(s);
    assert_true(strlen(s) >= 16);
    if (secret)
        snprintf(secret, secretlen, "%s", s);
    api_res_free(r);
    return id;
}

static long long post_opinion(void)
{
    api_res_t *r = api_get(&srv, "/api/v1/stations?region=" HOME_REGION "&limit=1");
    json_t *station = json_array_get(json_object_get(r->json, "items"), 0);
    char body[600];
    snprintf(body, sizeof(body),
             "{\"station_id\":%lld,\"category\":\"urban\",\"content\":\"小区门口路灯坏了\",\"region\":\"%s\","
             "\"name\":\"王小明\",\"phone\":\"13912345678\"}",
             (long long)json_integer_value(json_object_get(station, "id")),
             json_string_value(json_object_get(station, "region")));
    api_res_free(r);
    r = client_request(&admin, "POST", "/api/v1/opinions", body);
    assert_int_equal(r->status, 201);
    long long id = json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    return id;
}

/* The last post to path of event about opinion id, after waiting for it. */
static json_t *event_for(const char *path, const char *event, long long opinion, hit_t *out)
{
    hits_wait_t came = {path, event, 0, 1};
    assert_true(wait_until(enough_hits, &came, 15000));
    json_t *body = NULL;
    pthread_mutex_lock(&hook.lock);
    for (int i = 0; i < hook.n; i++) {
        json_t *j = strcmp(hook.hits[i].path, path) == 0 && strcmp(hook.hits[i].event, event) == 0
                        ? json_loads(hook.hits[i].body, 0, NULL)
                        : NULL;
        if (json_integer_value(json_object_get(json_object_get(j, "payload"), "opinion_id")) == opinion) {
            json_decref(body);
            body = json_incref(j);
            *out = hook.hits[i];
        }
        json_decref(j);
    }
    pthread_mutex_unlock(&hook.lock);
    return body;
}

static bool has_opinion_event(void *arg)
{
    hit_t h;
    const char *const *what = arg;
    json_t *j = NULL;
    pthread_mutex_lock(&hook.lock);
    bool found = false;
    for (int i = 0; i < hook.n && !found; i++) {
        if (strcmp(hook.hits[i].path, what[0]) != 0 || strcmp(hook.hits[i].event, what[1]) != 0)
            continue;
        j = json_loads(hook.hits[i].body, 0, NULL);
        found = json_integer_value(json_object_get(json_object_get(j, "payload"), "opinion_id")) == atoll(what[2]);
        json_decref(j);
    }
    pthread_mutex_unlock(&hook.lock);
    (void)h;
    return found;
}

static void a_subscription_gets_the_opinion_loop_signed_with_its_own_secret_and_nothing_personal(void **state)
{
    (void)state;
    char secret[200];
    long long sub = subscribe(&admin, "/integrator", "[\"opinion.created\",\"opinion.answered\",\"opinion.rated\"]",
                              secret, sizeof(secret));
    long long foreign = subscribe(&rugao, "/rugao", "[\"opinion.created\"]", NULL, 0);
    json_t *shown = listed(&admin, "/api/v1/webhooks", sub);
    assert_non_null(shown);
    assert_null(json_object_get(shown, "secret")); /* shown once, when made */
    assert_string_equal(json_string_value(json_object_get(shown, "region")), HOME_REGION);
    json_decref(shown);
    assert_null(listed(&rugao, "/api/v1/webhooks", sub));

    long long opinion = post_opinion();
    char id_text[24];
    snprintf(id_text, sizeof(id_text), "%lld", opinion);
    const char *created[] = {"/integrator", "opinion.created", id_text};
    assert_true(wait_until(has_opinion_event, created, 15000));
    hit_t h;
    json_t *body = event_for("/integrator", "opinion.created", opinion, &h);
    assert_non_null(body);
    assert_true(signed_with(&h, secret));
    assert_false(signed_with(&h, OFFICE_SECRET));
    json_t *payload = json_object_get(body, "payload");
    assert_string_equal(json_string_value(json_object_get(payload, "state")), "registered");
    assert_non_null(json_object_get(payload, "region"));
    assert_null(strstr(h.body, "13912345678"));
    assert_null(strstr(h.body, "王小明"));
    assert_null(strstr(h.body, "路灯"));
    assert_null(json_object_get(payload, "tracking_code"));
    assert_null(json_object_get(body, "recipient"));
    json_decref(body);
    /* the neighbour's subscription is not told of this county's opinion, nor is the office's webhook */
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM outbox WHERE recipient = 'subscription:%lld'", foreign), 0);
    assert_int_equal(hits("/office", 0, "opinion.created", NULL), 0);

    /* answered, then rated: each reaches the subscriber */
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/triage", opinion);
    api_res_free(client_request(&admin, "POST", path, "{}"));
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/resolve", opinion);
    api_res_t *r = client_request(&admin, "POST", path, "{\"text\":\"已修复路灯\"}");
    assert_int_equal(r->status, 200);
    api_res_free(r);
    const char *answered[] = {"/integrator", "opinion.answered", id_text};
    assert_true(wait_until(has_opinion_event, answered, 15000));
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/rate", opinion);
    r = client_request(&admin, "POST", path, "{\"rating\":\"satisfied\",\"comment\":\"谢谢王小明的邻居\"}");
    assert_int_equal(r->status, 200);
    api_res_free(r);
    const char *rated[] = {"/integrator", "opinion.rated", id_text};
    assert_true(wait_until(has_opinion_event, rated, 15000));
    body = event_for("/integrator", "opinion.rated", opinion, &h);
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "payload"), "rating")), "satisfied");
    assert_null(strstr(h.body, "王小明"));
    assert_true(signed_with(&h, secret));
    json_decref(body);

    /* ended: another county's office cannot, its own can, once */
    snprintf(path, sizeof(path), "/api/v1/webhooks/%lld", sub);
    r = client_request(&rugao, "DELETE", path, NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = client_request(&admin, "DELETE", path, NULL);
    assert_int_equal(r->status, 204);
    api_res_free(r);
    r = client_request(&admin, "DELETE", path, NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    assert_null(listed(&admin, "/api/v1/webhooks", sub));
}

static void a_subscription_names_a_web_address_and_known_events(void **state)
{
    (void)state;
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"url\":\"ftp://example.org/x\",\"events\":[\"opinion.created\"]}", "url"},
        {"{\"url\":\"http://example.org/x\",\"events\":[]}", "events"},
        {"{\"url\":\"http://example.org/x\",\"events\":[\"opinion.deleted\"]}", "events"},
        {"{\"url\":\"http://example.org/x\",\"events\":[\"opinion.created\"],\"secret\":\"short\"}", "secret"},
        {"{\"url\":\"http://example.org/x\",\"events\":[\"opinion.created\"],\"colour\":\"red\"}", "colour"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        api_res_t *r = client_request(&admin, "POST", "/api/v1/webhooks", bad[i].body);
        api_assert_error(r, 422, "invalid", bad[i].field);
        api_res_free(r);
    }
    char body[200];
    snprintf(body, sizeof(body), "{\"url\":\"http://example.org/x\",\"events\":[\"opinion.created\"],\"region\":\"%s\"}",
             FOREIGN_REGION);
    api_res_t *r = client_request(&admin, "POST", "/api/v1/webhooks", body);
    api_assert_error(r, 403, "out_of_scope", NULL);
    api_res_free(r);
}

static void staff_read_the_templates_in_both_languages(void **state)
{
    (void)state;
    api_res_t *r = client_request(&staff, "GET", "/api/v1/outbox/templates", NULL);
    assert_int_equal(r->status, 200);
    int zh = 0, en = 0;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(r->json, "items"), i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "event")), "opinion.answered") != 0 ||
            strcmp(json_string_value(json_object_get(t, "channel")), "email") != 0)
            continue;
        zh += strcmp(json_string_value(json_object_get(t, "lang")), "zh") == 0;
        en += strcmp(json_string_value(json_object_get(t, "lang")), "en") == 0;
        assert_non_null(strstr(json_string_value(json_object_get(t, "body")), "{tracking_code}"));
    }
    assert_int_equal(zh, 1);
    assert_int_equal(en, 1);
    api_res_free(r);
    r = api_get(&srv, "/api/v1/outbox/templates");
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(office_webhook_gets_the_notice_signed_over_its_timestamp_and_body),
        cmocka_unit_test(a_recipient_with_an_address_also_gets_an_email_with_the_email_template),
        cmocka_unit_test(a_subscription_gets_the_opinion_loop_signed_with_its_own_secret_and_nothing_personal),
        cmocka_unit_test(a_subscription_names_a_web_address_and_known_events),
        cmocka_unit_test(staff_read_the_templates_in_both_languages),
        cmocka_unit_test(a_failing_receiver_is_retried_with_growing_pauses_then_dead_lettered_and_retried_by_the_office),
    };
    return cmocka_run_group_tests(tests, start_all, stop_all);
}
