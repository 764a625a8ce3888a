/*
 * harness: API tests against a real `liaison serve` on a free loopback port, with a fresh
 * database made by `liaison init` and `liaison demo` in a temporary directory.
 *
 * The binary comes from LIAISON_BIN and the front end from LIAISON_WEB_DIR (ctest sets both).
 * Responses are owned by the caller: free them with api_res_free.
 */
#ifndef LIAISON_TEST_HARNESS_H
#define LIAISON_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define DEMO_PASSWORD "liaison-demo"
#define HOME_REGION "320623000000"    /* 如东县 (Jiangsu): the demo county */
#define FOREIGN_REGION "320682000000" /* 如皋市: a neighbour, outside their scope */
#define FOREIGN_ADMIN "admin-rugao"   /* the demo's admin of FOREIGN_REGION */

typedef struct {
    pid_t pid;
    int port;
    char dir[256];      /* temporary directory holding db, data and logs */
    char db[300];
    char base[64];      /* "http://127.0.0.1:PORT" */
    char stdout_path[300];
    char stderr_path[300];
} server_t;

typedef struct {
    long status;
    char *body;          /* NUL-terminated */
    size_t len;
    char *headers;       /* raw response header block, lowercase names as sent */
    json_t *json;        /* parsed body, or NULL */
} api_res_t;

/* A signed-in client: cookie jar plus the CSRF token from the session. */
typedef struct {
    server_t *server;
    char cookies[512];   /* "liaison_session=..." or "" */
    char csrf[128];
} client_t;

/* Makes a fresh directory with an initialised demo database (no server yet). */
void server_prepare(server_t *s);
/* Starts `liaison serve` on the prepared directory with extra flags (NULL-terminated list),
 * and waits until /healthz answers. Aborts the test on failure. */
void server_start(server_t *s, const char *const *extra_flags);
/* prepare + start. */
void server_up(server_t *s, const char *const *extra_flags);
/* SIGTERM, then waits for exit; returns the exit status. */
int server_stop(server_t *s);
/* stop + removes the directory. */
void server_down(server_t *s);
/* Runs `liaison ARGS...` against the server's database; returns exit status; output to out. */
int run_cli(server_t *s, char *out, size_t outlen, const char *const *args);

/* One request. body may be NULL; content_type NULL means application/json when body given.
 * extra_headers is a NULL-terminated list of "Name: value" lines, or NULL. */
api_res_t *api_request(server_t *s, const char *method, const char *path, const char *body, size_t body_len,
                       const char *content_type, const char *const *extra_headers);
api_res_t *api_get(server_t *s, const char *path);
void api_res_free(api_res_t *r);
/* The value of a response header (case-insensitive name), in a static buffer, or NULL. */
const char *api_header(const api_res_t *r, const char *name);

/* A member of the JSON error ("code", "message", "field"), or NULL. */
const char *api_error_member(const api_res_t *r, const char *name);
/* Asserts a JSON error answer: this status and code, a JSON content type, a message, and (unless
 * field is NULL) the field it names. */
void api_assert_error(const api_res_t *r, long status, const char *code, const char *field);

/* Signs in; returns false if the login did not answer 200. */
bool client_login(client_t *c, server_t *s, const char *username, const char *password);
/* A request as the client: its cookie, and its CSRF token on unsafe methods. */
api_res_t *client_request(client_t *c, const char *method, const char *path, const char *json_body);

/* Runs an SQL statement on the server's database file with the sqlite3 shell (for tests that
 * must reach behind the API, e.g. to age a session). Returns exit status. */
int db_exec(server_t *s, const char *sql);
/* First column of the first row of a query, as text in out. */
int db_query(server_t *s, const char *sql, char *out, size_t outlen);
/* printf-formatted forms for tests: the first column of the first row as a number (0 for none),
 * and a statement run; either fails the test when the SQL fails. */
long long db_number(server_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void db_execf(server_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One request of a crowd sent all at once: POST url with the JSON body ("{}" when empty). */
typedef struct {
    char url[200];
    char body[256];
    char reply[2048]; /* the start of the answer's body */
    size_t len;
    long status;
    client_t *as; /* who sends this call (its cookie and CSRF token); NULL: crowd_send's client */
} crowd_call_t;

/* Sends every call at once - each on the wire before the first answer comes - as client (NULL:
 * the public) or, for a call naming one, as its own client, and waits for all the answers. */
void crowd_send(client_t *client, crowd_call_t *calls, int n);

/* Makes n new deputies seated in congress (their region: region), each with a deputy account and
 * a live session written straight into the database (no password hashing, so hundreds take a
 * moment): clients[i] is signed in as deputy ids[i]. Aborts the test on failure. */
void make_deputy_clients(server_t *s, long long congress, const char *region, int n, client_t *clients,
                         long long *ids);

/* Polls cond(arg) every 10 ms until true or timeout_ms passes. */
bool wait_until(bool (*cond)(void *arg), void *arg, int timeout_ms);

#endif
