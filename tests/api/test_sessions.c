/*
 * sessions: signing in and out, the session cookie, expiry, password changes, disabled accounts,
 * what the database keeps of a session and a password, and the login rate limit.
 *
 * Three groups, each with its own server: the main one (sign-in rate limit raised out of the way,
 * because every request comes from 127.0.0.1 and the failures of one test would lock out the
 * next), one with --login-max-failures=3, and one with --rate-limits=off. Tests that change an
 * account's password or state use an account of their own, created through the API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"

#define NEW_PASSWORD "a-brand-new-passphrase"

static server_t srv;
static client_t admin;

/* ---- helpers ---- */

/* POST /api/v1/session with this username and password, without a cookie. */
static api_res_t *login(server_t *s, const char *username, const char *password)
{
    json_t *body = json_pack("{s:s, s:s}", "username", username, "password", password);
    char *text = json_dumps(body, 0);
    json_decref(body);
    api_res_t *r = api_request(s, "POST", "/api/v1/session", text, strlen(text), NULL, NULL);
    free(text);
    return r;
}

/* GET /api/v1/session with the client's cookie names the client's account and repeats its
 * CSRF token. */
static void assert_signed_in(client_t *c)
{
    api_res_t *r = client_request(c, "GET", "/api/v1/session", NULL);
    assert_non_null(r);
    if (r->status != 200 || !json_is_object(json_object_get(r->json, "user")))
        fprintf(stderr, "expected a signed-in session, got %ld: %s\n", r->status, r->body);
    assert_int_equal(r->status, 200);
    assert_true(json_is_object(json_object_get(r->json, "user")));
    assert_true(json_integer_value(json_object_get(json_object_get(r->json, "user"), "id")) > 0);
    assert_non_null(json_string_value(json_object_get(r->json, "csrf_token")));
    assert_string_equal(json_string_value(json_object_get(r->json, "csrf_token")), c->csrf);
    api_res_free(r);
}

/* "Nobody is signed in": GET /api/v1/session answers 200 {"user":null,"csrf_token":null}. */
static void assert_session_reads_nobody(const api_res_t *r)
{
    assert_non_null(r);
    if (r->status != 200 || !json_is_null(json_object_get(r->json, "user")))
        fprintf(stderr, "expected 200 with user null, got %ld: %s\n", r->status, r->body);
    assert_int_equal(r->status, 200);
    assert_true(json_is_object(r->json));
    assert_true(json_is_null(json_object_get(r->json, "user")));
    assert_true(json_is_null(json_object_get(r->json, "csrf_token")));
    assert_int_equal(json_object_size(r->json), 2);
    assert_null(api_header(r, "set-cookie"));
}

/* The client's session is gone: GET /api/v1/session with its cookie reads nobody, and a read
 * that needs a session answers 401. */
static void assert_signed_out(client_t *c)
{
    api_res_t *r = client_request(c, "GET", "/api/v1/session", NULL);
    assert_session_reads_nobody(r);
    api_res_free(r);
    r = client_request(c, "GET", "/api/v1/users/1", NULL);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

/* The session token from the client's cookie ("liaison_session=TOKEN"). */
static const char *cookie_token(const client_t *c)
{
    const char *eq = strchr(c->cookies, '=');
    assert_non_null(eq);
    return eq + 1;
}

/* "X'..'": the SQL literal of the 32-byte BLAKE2b hash of the client's token (auth/token.h). */
static void token_hash_literal(const client_t *c, char *out, size_t len)
{
    const char *token = cookie_token(c);
    unsigned char hash[32];
    char hex[65];
    crypto_generichash(hash, sizeof(hash), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(out, len, "X'%s'", hex);
}

/* Runs an UPDATE on the client's session row, then checks that the row now matches expect. */
static void update_session(client_t *c, const char *set, const char *expect)
{
    char hash[80], sql[512], out[64];
    token_hash_literal(c, hash, sizeof(hash));
    snprintf(sql, sizeof(sql), "PRAGMA busy_timeout = 5000; UPDATE sessions SET %s WHERE token_hash = %s;", set, hash);
    assert_int_equal(db_exec(c->server, sql), 0);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash = %s AND %s", hash, expect);
    assert_int_equal(db_query(c->server, sql, out, sizeof(out)), 0);
    assert_string_equal(out, "1");
}

static long long user_id(server_t *s, const char *username)
{
    char sql[200], out[32];
    snprintf(sql, sizeof(sql), "SELECT id FROM users WHERE username = '%s'", username);
    assert_int_equal(db_query(s, sql, out, sizeof(out)), 0);
    assert_true(out[0] != '\0');
    return atoll(out);
}

/* Creates a staff account in the home county as the admin (through the API). */
static void create_account(const char *username)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", username, "display_name", username, "password",
                             DEMO_PASSWORD, "role", "staff", "region", HOME_REGION);
    char *text = json_dumps(body, 0);
    json_decref(body);
    api_res_t *r = client_request(&admin, "POST", "/api/v1/users", text);
    free(text);
    if (r->status != 201)
        fprintf(stderr, "creating %s: %ld %s\n", username, r->status, r->body);
    assert_int_equal(r->status, 201);
    api_res_free(r);
}

static api_res_t *change_password(client_t *c, const char *current, const char *next)
{
    json_t *body = json_pack("{s:s, s:s}", "current_password", current, "new_password", next);
    char *text = json_dumps(body, 0);
    json_decref(body);
    api_res_t *r = client_request(c, "PUT", "/api/v1/session/password", text);
    free(text);
    return r;
}

/* Set-Cookie attributes after the name=value pair, checked one by one (case-insensitive names). */
static bool cookie_has(const char *set_cookie, const char *attribute)
{
    char copy[512];
    snprintf(copy, sizeof(copy), "%s", set_cookie);
    char *save;
    strtok_r(copy, ";", &save); /* name=value */
    for (char *a = strtok_r(NULL, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
        while (*a == ' ')
            a++;
        size_t n = strlen(a);
        while (n && a[n - 1] == ' ')
            a[--n] = '\0';
        if (strcasecmp(a, attribute) == 0)
            return true;
    }
    return false;
}

/* The value of attribute NAME=value in a Set-Cookie header, or NULL. */
static const char *cookie_attribute(const char *set_cookie, const char *name, char *out, size_t len)
{
    const char *p = set_cookie;
    size_t n = strlen(name);
    while ((p = strchr(p, ';')) != NULL) {
        p++;
        while (*p == ' ')
            p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == '=') {
            snprintf(out, len, "%.*s", (int)strcspn(p + n + 1, ";"), p + n + 1);
            return out;
        }
    }
    return NULL;
}

/* ---- the main group ---- */

static int start_main(void **state)
{
    const char *flags[] = {"--login-max-failures=1000", NULL};
    server_up(&srv, flags);
    return client_login(&admin, &srv, "admin", DEMO_PASSWORD) ? 0 : -1;
}

static int stop_main(void **state)
{
    server_down(&srv);
    return 0;
}

static void signing_in_returns_the_account_and_a_csrf_token_and_get_session_repeats_them(void **state)
{
    api_res_t *r = login(&srv, "staff", DEMO_PASSWORD);
    assert_int_equal(r->status, 200);
    json_t *user = json_object_get(r->json, "user");
    assert_string_equal(json_string_value(json_object_get(user, "username")), "staff");
    assert_string_equal(json_string_value(json_object_get(user, "role")), "staff");
    /* the demo's staff works at 掘港街道's station, a township inside the demo county */
    assert_string_equal(json_string_value(json_object_get(user, "region")), "320623001000");
    assert_false(json_is_true(json_object_get(user, "disabled")));
    assert_null(json_object_get(user, "password_hash"));
    assert_null(json_object_get(user, "password"));
    const char *csrf = json_string_value(json_object_get(r->json, "csrf_token"));
    assert_non_null(csrf);
    assert_true(strlen(csrf) >= 32);
    assert_non_null(api_header(r, "set-cookie"));
    api_res_free(r);

    client_t staff;
    assert_true(client_login(&staff, &srv, "staff", DEMO_PASSWORD));
    r = client_request(&staff, "GET", "/api/v1/session", NULL);
    assert_int_equal(r->status, 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r->json, "user"), "username")), "staff");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "user"), "id")),
                     user_id(&srv, "staff"));
    assert_string_equal(json_string_value(json_object_get(r->json, "csrf_token")), staff.csrf);
    api_res_free(r);
}

static void get_session_without_a_session_answers_200_with_user_null_and_protected_routes_still_401(void **state)
{
    /* without a cookie, or with a made-up one, nobody is signed in: that is an answer, not an error */
    api_res_t *r = api_get(&srv, "/api/v1/session");
    assert_session_reads_nobody(r);
    assert_non_null(api_header(r, "content-type"));
    assert_true(strncmp(api_header(r, "content-type"), "application/json", 16) == 0);
    api_res_free(r);
    client_t forged = {.server = &srv};
    snprintf(forged.cookies, sizeof(forged.cookies), "liaison_session=%s",
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_signed_out(&forged);

    /* everything that needs a session still refuses the visitor with 401 */
    static const char *const reads[] = {"/api/v1/users", "/api/v1/users/1", "/api/v1/audit"};
    for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        r = api_get(&srv, reads[i]);
        api_assert_error(r, 401, "unauthenticated", NULL);
        api_res_free(r);
    }
    r = api_request(&srv, "DELETE", "/api/v1/session", NULL, 0, NULL, NULL);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

static void session_cookie_is_httponly_samesite_lax_path_root_and_not_secure_over_http(void **state)
{
    api_res_t *r = login(&srv, "deputy", DEMO_PASSWORD);
    assert_int_equal(r->status, 200);
    char cookie[512], value[64];
    snprintf(cookie, sizeof(cookie), "%s", api_header(r, "set-cookie"));
    api_res_free(r);
    assert_true(strncmp(cookie, "liaison_session=", 16) == 0);
    size_t token_len = strcspn(cookie + 16, ";");
    assert_true(token_len >= 32);
    assert_true(cookie_has(cookie, "HttpOnly"));
    assert_true(cookie_has(cookie, "SameSite=Lax"));
    assert_true(cookie_has(cookie, "Path=/"));
    assert_false(cookie_has(cookie, "Secure"));
    assert_null(cookie_attribute(cookie, "Domain", value, sizeof(value)));
    assert_non_null(cookie_attribute(cookie, "Max-Age", value, sizeof(value)));
    assert_true(atol(value) > 0);
}

static void signing_out_answers_204_clears_the_cookie_and_the_old_cookie_stops_working(void **state)
{
    client_t unit, other;
    assert_true(client_login(&unit, &srv, "unit", DEMO_PASSWORD));
    assert_true(client_login(&other, &srv, "unit", DEMO_PASSWORD));
    char hash[80], sql[200], out[32];
    token_hash_literal(&unit, hash, sizeof(hash));
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash = %s", hash);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    assert_string_equal(out, "1");

    api_res_t *r = client_request(&unit, "DELETE", "/api/v1/session", NULL);
    assert_int_equal(r->status, 204);
    assert_int_equal(r->len, 0);
    const char *set = api_header(r, "set-cookie");
    assert_non_null(set);
    char cleared[512], value[64];
    snprintf(cleared, sizeof(cleared), "%s", set);
    assert_true(strncmp(cleared, "liaison_session=;", 17) == 0 || strcmp(cleared, "liaison_session=") == 0);
    assert_non_null(cookie_attribute(cleared, "Max-Age", value, sizeof(value)));
    assert_string_equal(value, "0");
    assert_true(cookie_has(cleared, "Path=/"));
    api_res_free(r);

    /* the session is gone: the old cookie reads nobody, and cannot read or write as the account */
    assert_signed_out(&unit);
    r = client_request(&unit, "DELETE", "/api/v1/session", NULL);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    r = client_request(&unit, "GET", "/api/v1/users/1", NULL);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    assert_string_equal(out, "0");
    /* signing out on one device leaves the other signed in */
    assert_signed_in(&other);
}

static void wrong_password_and_unknown_user_both_answer_401_invalid_credentials(void **state)
{
    api_res_t *wrong = login(&srv, "staff", "not-the-password");
    api_res_t *unknown = login(&srv, "nobody-here", DEMO_PASSWORD);
    api_res_t *wrong_case = login(&srv, "staff", "LIAISON-DEMO");
    api_assert_error(wrong, 401, "invalid_credentials", NULL);
    api_assert_error(unknown, 401, "invalid_credentials", NULL);
    api_assert_error(wrong_case, 401, "invalid_credentials", NULL);
    /* the same answer, so a stranger cannot tell which usernames exist */
    assert_string_equal(wrong->body, unknown->body);
    assert_null(api_header(wrong, "set-cookie"));
    assert_null(api_header(unknown, "set-cookie"));
    api_res_free(wrong);
    api_res_free(unknown);
    api_res_free(wrong_case);
}

static void session_idle_past_the_idle_expiry_no_longer_works(void **state)
{
    client_t idle, fresh;
    assert_true(client_login(&idle, &srv, "member", DEMO_PASSWORD));
    assert_true(client_login(&fresh, &srv, "member", DEMO_PASSWORD));
    assert_signed_in(&idle);
    update_session(&idle, "last_seen_at = last_seen_at - 100000", "last_seen_at < strftime('%s','now') - 90000");
    assert_signed_out(&idle);
    api_res_t *r = client_request(&idle, "DELETE", "/api/v1/session", NULL);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    /* only the idle session ended */
    assert_signed_in(&fresh);
}

static void session_past_its_absolute_expiry_no_longer_works(void **state)
{
    client_t old, fresh;
    assert_true(client_login(&old, &srv, "member", DEMO_PASSWORD));
    assert_true(client_login(&fresh, &srv, "member", DEMO_PASSWORD));
    assert_signed_in(&old);
    /* used a moment ago, but past its absolute expiry */
    update_session(&old, "expires_at = strftime('%s','now') - 1, last_seen_at = strftime('%s','now')",
                   "expires_at < strftime('%s','now')");
    assert_signed_out(&old);
    assert_signed_in(&fresh);
}

static void changing_ones_password_ends_other_sessions_and_keeps_the_current_one(void **state)
{
    create_account("pw-changer");
    client_t laptop, phone;
    assert_true(client_login(&laptop, &srv, "pw-changer", DEMO_PASSWORD));
    assert_true(client_login(&phone, &srv, "pw-changer", DEMO_PASSWORD));
    api_res_t *r = change_password(&laptop, DEMO_PASSWORD, NEW_PASSWORD);
    if (r->status != 204)
        fprintf(stderr, "%ld %s\n", r->status, r->body);
    assert_int_equal(r->status, 204);
    api_res_free(r);

    assert_signed_in(&laptop);
    assert_signed_out(&phone);
    r = login(&srv, "pw-changer", DEMO_PASSWORD);
    api_assert_error(r, 401, "invalid_credentials", NULL);
    api_res_free(r);
    client_t again;
    assert_true(client_login(&again, &srv, "pw-changer", NEW_PASSWORD));
    assert_signed_in(&again);
}

static void weak_new_password_answers_422_naming_new_password(void **state)
{
    create_account("pw-weak");
    client_t c, other;
    assert_true(client_login(&c, &srv, "pw-weak", DEMO_PASSWORD));
    assert_true(client_login(&other, &srv, "pw-weak", DEMO_PASSWORD));
    static const char *const weak[] = {"short", "", "1234567", "七个汉字的密码"};
    for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
        api_res_t *r = change_password(&c, DEMO_PASSWORD, weak[i]);
        api_assert_error(r, 422, "invalid", "new_password");
        api_res_free(r);
    }
    /* nothing changed: the old password still signs in and the other session lives */
    assert_signed_in(&other);
    client_t again;
    assert_true(client_login(&again, &srv, "pw-weak", DEMO_PASSWORD));
    /* eight characters, as a person counts them, are enough */
    api_res_t *r = change_password(&c, DEMO_PASSWORD, "八个汉字的好密码");
    assert_int_equal(r->status, 204);
    api_res_free(r);
    assert_true(client_login(&again, &srv, "pw-weak", "八个汉字的好密码"));
}

static void wrong_current_password_answers_403(void **state)
{
    create_account("pw-wrong");
    client_t c, other;
    assert_true(client_login(&c, &srv, "pw-wrong", DEMO_PASSWORD));
    assert_true(client_login(&other, &srv, "pw-wrong", DEMO_PASSWORD));
    api_res_t *r = change_password(&c, "not-my-password", NEW_PASSWORD);
    api_assert_error(r, 403, "wrong_password", NULL);
    api_res_free(r);
    assert_signed_in(&c);
    assert_signed_in(&other);
    r = login(&srv, "pw-wrong", NEW_PASSWORD);
    api_assert_error(r, 401, "invalid_credentials", NULL);
    api_res_free(r);
    client_t again;
    assert_true(client_login(&again, &srv, "pw-wrong", DEMO_PASSWORD));
}

static void password_change_needs_a_session_and_its_csrf_token(void **state)
{
    const char *body = "{\"current_password\":\"liaison-demo\",\"new_password\":\"" NEW_PASSWORD "\"}";
    api_res_t *r = api_request(&srv, "PUT", "/api/v1/session/password", body, strlen(body), NULL, NULL);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    create_account("pw-csrf");
    client_t c;
    assert_true(client_login(&c, &srv, "pw-csrf", DEMO_PASSWORD));
    char cookie[600];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", c.cookies);
    const char *headers[] = {cookie, NULL};
    r = api_request(&srv, "PUT", "/api/v1/session/password", body, strlen(body), NULL, headers);
    api_assert_error(r, 403, "csrf", NULL);
    api_res_free(r);
    client_t again;
    assert_true(client_login(&again, &srv, "pw-csrf", DEMO_PASSWORD));
}

static void disabled_account_cannot_sign_in_and_its_open_session_stops_working(void **state)
{
    create_account("to-disable");
    client_t c;
    assert_true(client_login(&c, &srv, "to-disable", DEMO_PASSWORD));
    assert_signed_in(&c);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/users/%lld", user_id(&srv, "to-disable"));
    api_res_t *r = client_request(&admin, "PATCH", path, "{\"disabled\":true}");
    assert_int_equal(r->status, 200);
    assert_true(json_is_true(json_object_get(r->json, "disabled")));
    api_res_free(r);

    assert_signed_out(&c);
    r = login(&srv, "to-disable", DEMO_PASSWORD);
    api_assert_error(r, 401, "invalid_credentials", NULL);
    assert_null(api_header(r, "set-cookie"));
    api_res_free(r);

    /* enabled again, the same password signs in: the refusal came from the flag alone */
    r = client_request(&admin, "PATCH", path, "{\"disabled\":false}");
    assert_int_equal(r->status, 200);
    assert_false(json_is_true(json_object_get(r->json, "disabled")));
    api_res_free(r);
    client_t again;
    assert_true(client_login(&again, &srv, "to-disable", DEMO_PASSWORD));
    /* the session that was open when the account was disabled stays ended */
    assert_signed_out(&c);
}

static void session_token_is_not_stored_only_its_32_byte_hash(void **state)
{
    client_t c;
    assert_true(client_login(&c, &srv, "deputy", DEMO_PASSWORD));
    const char *token = cookie_token(&c);
    for (const char *p = token; *p; p++) /* base64url: safe to quote in SQL */
        assert_true(isalnum((unsigned char)*p) || *p == '-' || *p == '_');
    char sql[600], out[64];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM sessions WHERE token_hash = '%s' OR token_hash = CAST('%s' AS BLOB)"
             " OR instr(CAST(token_hash AS TEXT), '%s') > 0 OR csrf_token = '%s' OR ip = '%s'",
             token, token, token, token, token);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    assert_string_equal(out, "0");
    assert_int_equal(db_query(&srv,
                              "SELECT count(*) FROM sessions WHERE typeof(token_hash) <> 'blob'"
                              " OR length(token_hash) <> 32",
                              out, sizeof(out)),
                     0);
    assert_string_equal(out, "0");
    assert_int_equal(db_query(&srv, "SELECT count(*) FROM sessions", out, sizeof(out)), 0);
    assert_true(atoi(out) > 0);
    /* what is stored is the token's BLAKE2b-256 hash (auth/token.h) */
    char hash[80];
    token_hash_literal(&c, hash, sizeof(hash));
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash = %s", hash);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    assert_string_equal(out, "1");
}

static void passwords_are_stored_as_argon2id(void **state)
{
    create_account("hash-check"); /* hashed by the server, beside the demo's from the command line */
    char out[64];
    assert_int_equal(db_query(&srv, "SELECT count(*) FROM users", out, sizeof(out)), 0);
    assert_true(atoi(out) >= 7);
    assert_int_equal(db_query(&srv, "SELECT count(*) FROM users WHERE substr(password_hash, 1, 10) <> '$argon2id$'",
                              out, sizeof(out)),
                     0);
    assert_string_equal(out, "0");
    assert_int_equal(
        db_query(&srv, "SELECT count(*) FROM users WHERE instr(password_hash, 'liaison-demo') > 0", out, sizeof(out)),
        0);
    assert_string_equal(out, "0");
}

/* ---- the login rate limit: --login-max-failures=3 ---- */

static server_t limited;

static int start_limited(void **state)
{
    const char *flags[] = {"--login-max-failures=3", NULL};
    server_up(&limited, flags);
    return 0;
}

static int stop_limited(void **state)
{
    server_down(&limited);
    return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    return size * n;
}

/* Collects the Retry-After value. */
static size_t header_line(char *p, size_t size, size_t n, void *arg)
{
    size_t len = size * n;
    if (len > 12 && strncasecmp(p, "retry-after:", 12) == 0)
        *(long *)arg = strtol(p + 12, NULL, 10);
    return len;
}

/* A login sent from the loopback address from_ip (e.g. "127.0.0.2"): each address counts on its
 * own toward the per-IP limit. Returns the status; *retry_after is the Retry-After value or -1. */
static long login_from(server_t *s, const char *from_ip, const char *username, const char *password, long *retry_after)
{
    CURL *c = curl_easy_init();
    assert_non_null(c);
    char url[128], body[256];
    snprintf(url, sizeof(url), "%s/api/v1/session", s->base);
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
    struct curl_slist *hs = curl_slist_append(NULL, "Content-Type: application/json");
    *retry_after = -1;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_INTERFACE, from_ip);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_line);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, retry_after);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else
        fprintf(stderr, "login from %s: %s\n", from_ip, curl_easy_strerror(rc));
    curl_slist_free_all(hs);
    curl_easy_cleanup(c);
    return status;
}

static void assert_locked(const api_res_t *r)
{
    api_assert_error(r, 429, "too_many_attempts", NULL);
    assert_null(api_header(r, "set-cookie"));
    const char *retry = api_header(r, "retry-after");
    assert_non_null(retry);
    long seconds = strtol(retry, NULL, 10);
    assert_true(seconds >= 1 && seconds <= 900); /* within --login-window-s (900 by default) */
}

static void login_answers_429_with_retry_after_after_three_failures_even_for_the_right_password(void **state)
{
    for (int i = 0; i < 3; i++) {
        api_res_t *r = login(&limited, "staff", "wrong-password");
        api_assert_error(r, 401, "invalid_credentials", NULL);
        api_res_free(r);
    }
    api_res_t *r = login(&limited, "staff", "wrong-password");
    assert_locked(r);
    api_res_free(r);
    r = login(&limited, "staff", DEMO_PASSWORD);
    assert_locked(r);
    api_res_free(r);
}

static void locked_username_answers_429_from_every_address_while_others_sign_in(void **state)
{
    /* three failures for deputy, each from its own address: only the username reaches the limit */
    static const char *const from[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
    long retry;
    for (int i = 0; i < 3; i++)
        assert_int_equal(login_from(&limited, from[i], "deputy", "wrong-password", &retry), 401);
    assert_int_equal(login_from(&limited, "127.0.0.5", "deputy", DEMO_PASSWORD, &retry), 429);
    assert_true(retry >= 1 && retry <= 900);
    assert_int_equal(login_from(&limited, "127.0.0.5", "DEPUTY", DEMO_PASSWORD, &retry), 429);
    /* the same fresh address signs another account in */
    assert_int_equal(login_from(&limited, "127.0.0.5", "unit", DEMO_PASSWORD, &retry), 200);
    assert_int_equal(retry, -1);
}

static void address_with_three_failures_answers_429_for_every_username(void **state)
{
    static const char *const names[] = {"nobody-1", "nobody-2", "nobody-3"};
    long retry;
    for (int i = 0; i < 3; i++)
        assert_int_equal(login_from(&limited, "127.0.0.7", names[i], "wrong-password", &retry), 401);
    assert_int_equal(login_from(&limited, "127.0.0.7", "member", DEMO_PASSWORD, &retry), 429);
    assert_true(retry >= 1 && retry <= 900);
    assert_int_equal(login_from(&limited, "127.0.0.8", "member", DEMO_PASSWORD, &retry), 200);
}

/* ---- --rate-limits=off ---- */

static void login_never_answers_429_with_rate_limits_off(void **state)
{
    server_t s;
    const char *flags[] = {"--rate-limits=off", "--login-max-failures=1", NULL};
    server_up(&s, flags);
    for (int i = 0; i < 6; i++) {
        api_res_t *r = login(&s, "staff", "wrong-password");
        api_assert_error(r, 401, "invalid_credentials", NULL);
        assert_null(api_header(r, "retry-after"));
        api_res_free(r);
    }
    client_t c;
    assert_true(client_login(&c, &s, "staff", DEMO_PASSWORD));
    server_down(&s);
}

int main(void)
{
    const struct CMUnitTest main_tests[] = {
        cmocka_unit_test(signing_in_returns_the_account_and_a_csrf_token_and_get_session_repeats_them),
        cmocka_unit_test(get_session_without_a_session_answers_200_with_user_null_and_protected_routes_still_401),
        cmocka_unit_test(session_cookie_is_httponly_samesite_lax_path_root_and_not_secure_over_http),
        cmocka_unit_test(signing_out_answers_204_clears_the_cookie_and_the_old_cookie_stops_working),
        cmocka_unit_test(wrong_password_and_unknown_user_both_answer_401_invalid_credentials),
        cmocka_unit_test(session_idle_past_the_idle_expiry_no_longer_works),
        cmocka_unit_test(session_past_its_absolute_expiry_no_longer_works),
        cmocka_unit_test(changing_ones_password_ends_other_sessions_and_keeps_the_current_one),
        cmocka_unit_test(weak_new_password_answers_422_naming_new_password),
        cmocka_unit_test(wrong_current_password_answers_403),
        cmocka_unit_test(password_change_needs_a_session_and_its_csrf_token),
        cmocka_unit_test(disabled_account_cannot_sign_in_and_its_open_session_stops_working),
        cmocka_unit_test(session_token_is_not_stored_only_its_32_byte_hash),
        cmocka_unit_test(passwords_are_stored_as_argon2id),
    };
    const struct CMUnitTest limited_tests[] = {
        cmocka_unit_test(login_answers_429_with_retry_after_after_three_failures_even_for_the_right_password),
        cmocka_unit_test(locked_username_answers_429_from_every_address_while_others_sign_in),
        cmocka_unit_test(address_with_three_failures_answers_429_for_every_username),
    };
    const struct CMUnitTest unlimited_tests[] = {
        cmocka_unit_test(login_never_answers_429_with_rate_limits_off),
    };
    int failed = cmocka_run_group_tests_name("sessions", main_tests, start_main, stop_main);
    failed += cmocka_run_group_tests_name("login rate limit", limited_tests, start_limited, stop_limited);
    failed += cmocka_run_group_tests_name("rate limits off", unlimited_tests, NULL, NULL);
    return failed;
}
