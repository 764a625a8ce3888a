/*
 * bad input: every malformed request gets one clear JSON error with the right status, and the
 * server goes on serving afterwards (each test asks /healthz once it is done). One server is
 * shared by the whole file: no case here changes state another case depends on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"

static server_t srv;
static client_t admin;

static int start_server(void **state)
{
    server_up(&srv, NULL);
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD))
        return -1;
    return 0;
}

static int stop_server(void **state)
{
    server_down(&srv);
    return 0;
}

/* ---- helpers ---- */

/* The response is a JSON error {"error":{"code","message"[,"field"]}} with this status and code;
 * field NULL means any. */
static void assert_still_serving(void)
{
    api_res_t *r = api_get(&srv, "/healthz");
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_string_equal(json_string_value(json_object_get(r->json, "status")), "ok");
    api_res_free(r);
}

static api_res_t *post_raw(const char *path, const char *body, size_t len, const char *content_type)
{
    return api_request(&srv, "POST", path, body, len, content_type, NULL);
}

static api_res_t *post_text(const char *path, const char *body, const char *content_type)
{
    return post_raw(path, body, strlen(body), content_type);
}

/* ---- bodies ---- */

static void malformed_json_answers_400_malformed_json(void **state)
{
    static const char *const bodies[] = {
        "{\"username\":",
        "{username: \"admin\"}",
        "{\"username\":\"admin\",}",
        "{\"username\":\"admin\" \"password\":\"x\"}",
        "",
        "{\"username\":\"admin\",\"username\":\"staff\",\"password\":\"x\"}", /* duplicate key */
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        api_res_t *r = post_text("/api/v1/session", bodies[i], NULL);
        api_assert_error(r, 400, "malformed_json", NULL);
        api_res_free(r);
        assert_still_serving();
    }
}

static void json_body_that_is_not_an_object_answers_400(void **state)
{
    static const char *const bodies[] = {
        "[{\"username\":\"admin\",\"password\":\"liaison-demo\"}]", "[]", "\"admin\"", "42", "null", "true"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        api_res_t *r = post_text("/api/v1/session", bodies[i], NULL);
        api_assert_error(r, 400, "malformed_json", NULL);
        assert_null(api_header(r, "set-cookie"));
        api_res_free(r);
        assert_still_serving();
    }
}

static void body_in_a_content_type_other_than_json_answers_415(void **state)
{
    static const char *const types[] = {"text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                                        "multipart/form-data; boundary=x"};
    const char *body = "{\"username\":\"admin\",\"password\":\"liaison-demo\"}";
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        api_res_t *r = post_text("/api/v1/session", body, types[i]);
        api_assert_error(r, 415, "unsupported_media_type", NULL);
        assert_null(api_header(r, "set-cookie"));
        api_res_free(r);
        assert_still_serving();
    }
    /* the same body as JSON (with a charset) is accepted: the 415 came from the type alone */
    api_res_t *r = post_text("/api/v1/session", body, "application/json; charset=utf-8");
    assert_int_equal(r->status, 200);
    api_res_free(r);
}

/* {"username":"aaa...","password":"x"} of exactly total bytes. */
static char *big_login_body(size_t total)
{
    const char *head = "{\"username\":\"", *tail = "\",\"password\":\"x\"}";
    char *body = malloc(total + 1);
    assert_non_null(body);
    size_t h = strlen(head), t = strlen(tail);
    memcpy(body, head, h);
    memset(body + h, 'a', total - h - t);
    memcpy(body + total - t, tail, t + 1);
    return body;
}

static void body_of_two_mib_answers_413(void **state)
{
    size_t two_mib = 2u << 20;
    char *body = big_login_body(two_mib);
    api_res_t *r = post_raw("/api/v1/session", body, two_mib, NULL);
    api_assert_error(r, 413, "too_large", NULL);
    api_res_free(r);
    free(body);
    assert_still_serving();

    /* just under the 1 MiB default is read, and refused for its content instead */
    size_t under = (1u << 20) - 64;
    body = big_login_body(under);
    r = post_raw("/api/v1/session", body, under, NULL);
    api_assert_error(r, 422, "invalid", "username");
    api_res_free(r);
    free(body);
    assert_still_serving();
}

static void invalid_utf8_in_a_body_answers_400(void **state)
{
    static const char *const bodies[] = {
        "{\"username\":\"\xff\xfe\",\"password\":\"x\"}",             /* bytes never valid in UTF-8 */
        "{\"username\":\"\xc3\",\"password\":\"x\"}",                 /* truncated sequence */
        "{\"username\":\"\xc0\xaf\",\"password\":\"x\"}",             /* overlong '/' */
        "{\"username\":\"\xed\xa0\x80\",\"password\":\"x\"}",         /* UTF-16 surrogate */
        "{\"username\":\"admin\",\"password\":\"liaison-demo\xe9\"}", /* Latin-1 é */
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        api_res_t *r = post_text("/api/v1/session", bodies[i], NULL);
        api_assert_error(r, 400, "invalid_utf8", NULL);
        api_res_free(r);
        assert_still_serving();
    }
}

static void raw_nul_byte_in_a_body_answers_400(void **state)
{
    static const char body[] = "{\"username\":\"admin\",\"password\":\"liaison-demo\"}\0";
    static const char inside[] = "{\"username\":\"adm\0in\",\"password\":\"liaison-demo\"}";
    api_res_t *r = post_raw("/api/v1/session", body, sizeof(body) - 1, NULL); /* NUL after the object */
    api_assert_error(r, 400, "invalid_utf8", NULL);
    assert_null(api_header(r, "set-cookie"));
    api_res_free(r);
    assert_still_serving();
    r = post_raw("/api/v1/session", inside, sizeof(inside) - 1, NULL); /* NUL inside a string */
    api_assert_error(r, 400, "invalid_utf8", NULL);
    api_res_free(r);
    assert_still_serving();
}

static void escaped_nul_inside_a_json_string_answers_422_naming_the_field(void **state)
{
    api_res_t *r = post_text("/api/v1/session", "{\"username\":\"adm\\u0000in\",\"password\":\"liaison-demo\"}", NULL);
    api_assert_error(r, 422, "invalid", "username");
    assert_null(api_header(r, "set-cookie"));
    api_res_free(r);
    assert_still_serving();
    r = post_text("/api/v1/session", "{\"username\":\"admin\",\"password\":\"liaison-demo\\u0000\"}", NULL);
    api_assert_error(r, 422, "invalid", "password");
    assert_null(api_header(r, "set-cookie"));
    api_res_free(r);
    assert_still_serving();
}

/* ---- routes and methods ---- */

static void unknown_api_route_answers_404_json(void **state)
{
    static const char *const paths[] = {"/api/v1/nothing", "/api/v2/users", "/api/", "/api/v1/users/1/extra",
                                        "/api/v1/meta..x"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        api_res_t *r = api_get(&srv, paths[i]);
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
        assert_still_serving();
    }
}

/* Splits a list like "GET, POST" into at most max methods; returns how many. */
static int split_methods(const char *list, char out[][16], int max)
{
    int n = 0;
    for (const char *p = list; *p && n < max;) {
        p += strspn(p, ", ");
        size_t len = strcspn(p, ", ");
        if (len == 0)
            break;
        snprintf(out[n++], 16, "%.*s", (int)len, p);
        p += len;
    }
    return n;
}

/* The Allow header, as a set of methods, equals want (any order). */
static void assert_allow(const api_res_t *r, const char *want)
{
    const char *header = api_header(r, "allow");
    assert_non_null(header);
    char allow[256], got[8][16], expected[8][16];
    snprintf(allow, sizeof(allow), "%s", header);
    int n_got = split_methods(allow, got, 8), n_expected = split_methods(want, expected, 8);
    if (n_got != n_expected)
        fail_msg("Allow: %s, expected exactly %s", allow, want);
    for (int i = 0; i < n_expected; i++) {
        bool found = false;
        for (int j = 0; j < n_got; j++)
            found = found || strcmp(got[j], expected[i]) == 0;
        if (!found)
            fail_msg("Allow: %s lacks %s", allow, expected[i]);
    }
}

static void wrong_method_answers_405_with_allow_listing_the_right_ones(void **state)
{
    static const struct {
        const char *method, *path, *allow;
    } cases[] = {
        {"PUT", "/api/v1/users", "GET,POST"},       {"DELETE", "/api/v1/users", "GET,POST"},
        {"POST", "/api/v1/users/1", "GET,PATCH"},   {"PATCH", "/api/v1/session", "GET,POST,DELETE"},
        {"GET", "/api/v1/session/password", "PUT"}, {"POST", "/api/v1/meta", "GET"},
        {"DELETE", "/api/v1/audit", "GET"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        api_res_t *r = api_request(&srv, cases[i].method, cases[i].path, NULL, 0, NULL, NULL);
        api_assert_error(r, 405, "method_not_allowed", NULL);
        assert_allow(r, cases[i].allow);
        api_res_free(r);
        assert_still_serving();
    }
}

/* ---- paths ---- */

static void path_with_dot_segments_answers_400_bad_path(void **state)
{
    static const char *const paths[] = {
        "/api/v1/../healthz",
        "/api/v1/%2e%2e/healthz",
        "/api/v1/%2E%2E/users",
        "/api/v1/.%2e/meta",
        "/api/v1/./meta",
        "/api/v1/%2e/meta",
        "/api/v1/users/..",
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/index.html/..%2f..%2f..%2fetc%2fpasswd",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        api_res_t *r = api_get(&srv, paths[i]);
        if (r == NULL || r->status != 400)
            fprintf(stderr, "path %s\n", paths[i]);
        api_assert_error(r, 400, "bad_path", NULL);
        assert_null(strstr(r->body, "root:"));
        api_res_free(r);
        assert_still_serving();
    }
}

/* ---- cross-site writes ---- */

static api_res_t *delete_session_with(const client_t *c, const char *csrf_header, const char *origin_header)
{
    char cookie[600];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", c->cookies);
    const char *headers[4] = {cookie, NULL, NULL, NULL};
    int n = 1;
    if (csrf_header)
        headers[n++] = csrf_header;
    if (origin_header)
        headers[n++] = origin_header;
    return api_request(c->server, "DELETE", "/api/v1/session", NULL, 0, NULL, headers);
}

/* GET /api/v1/session still names the client's account (200 alone would not do: a visitor
 * without a session also gets 200, with user null). */
static void assert_signed_in(client_t *c)
{
    api_res_t *r = client_request(c, "GET", "/api/v1/session", NULL);
    assert_int_equal(r->status, 200);
    assert_true(json_is_object(json_object_get(r->json, "user")));
    assert_non_null(json_string_value(json_object_get(r->json, "csrf_token")));
    assert_string_equal(json_string_value(json_object_get(r->json, "csrf_token")), c->csrf);
    api_res_free(r);
}

static void cookie_write_without_the_right_csrf_token_answers_403_csrf(void **state)
{
    client_t staff;
    assert_true(client_login(&staff, &srv, "staff", DEMO_PASSWORD));
    char wrong[200], others[200], empty[] = "X-CSRF-Token;"; /* curl sends "X-CSRF-Token:" empty */
    snprintf(wrong, sizeof(wrong), "X-CSRF-Token: %.43s", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    snprintf(others, sizeof(others), "X-CSRF-Token: %s", admin.csrf); /* a real token of another session */
    const char *attempts[] = {NULL, wrong, others, empty};
    for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
        api_res_t *r = delete_session_with(&staff, attempts[i], NULL);
        api_assert_error(r, 403, "csrf", NULL);
        api_res_free(r);
        assert_signed_in(&staff); /* the refused sign-out did not happen */
        assert_still_serving();
    }
    /* a cookie-authenticated create without a token is refused before anything is written */
    char cookie[600];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", admin.cookies);
    const char *headers[] = {cookie, NULL};
    const char *body = "{\"username\":\"csrf-victim\",\"display_name\":\"x\",\"password\":\"long-enough-pw\","
                       "\"role\":\"staff\",\"region\":\"" HOME_REGION "\"}";
    api_res_t *r = api_request(&srv, "POST", "/api/v1/users", body, strlen(body), NULL, headers);
    api_assert_error(r, 403, "csrf", NULL);
    api_res_free(r);
    char count[32];
    assert_int_equal(db_query(&srv, "SELECT count(*) FROM users WHERE username = 'csrf-victim'", count, sizeof(count)),
                     0);
    assert_string_equal(count, "0");

    /* with its own token the same sign-out goes through */
    r = client_request(&staff, "DELETE", "/api/v1/session", NULL);
    assert_int_equal(r->status, 204);
    api_res_free(r);
    assert_still_serving();
}

static void write_with_a_foreign_origin_answers_403(void **state)
{
    static const char *const origins[] = {"Origin: https://evil.example", "Origin: http://127.0.0.1.evil.example",
                                          "Origin: http://localhost:1"};
    const char *login = "{\"username\":\"staff\",\"password\":\"liaison-demo\"}";
    for (size_t i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
        /* without a session: a login posted from another site */
        const char *headers[] = {origins[i], NULL};
        api_res_t *r = api_request(&srv, "POST", "/api/v1/session", login, strlen(login), NULL, headers);
        api_assert_error(r, 403, "cross_origin", NULL);
        assert_null(api_header(r, "set-cookie"));
        api_res_free(r);
        assert_still_serving();
    }
    /* with a session and its CSRF token, a foreign Origin is still refused */
    client_t staff;
    assert_true(client_login(&staff, &srv, "staff", DEMO_PASSWORD));
    char csrf[200];
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", staff.csrf);
    api_res_t *r = delete_session_with(&staff, csrf, "Origin: https://evil.example");
    api_assert_error(r, 403, "cross_origin", NULL);
    api_res_free(r);
    assert_signed_in(&staff);

    /* our own origin passes */
    char own[128];
    snprintf(own, sizeof(own), "Origin: %s", srv.base);
    r = delete_session_with(&staff, csrf, own);
    assert_int_equal(r->status, 204);
    api_res_free(r);
    assert_still_serving();
}

/* ---- query strings and ids ---- */

static void bad_query_number_answers_400_naming_it(void **state)
{
    static const struct {
        const char *path, *field;
    } cases[] = {
        {"/api/v1/users?limit=abc", "limit"},   {"/api/v1/users?limit=", "limit"},
        {"/api/v1/users?limit=10x", "limit"},   {"/api/v1/users?limit=0", "limit"},
        {"/api/v1/users?limit=-1", "limit"},    {"/api/v1/users?limit=99999999999999999999999", "limit"},
        {"/api/v1/users?offset=abc", "offset"}, {"/api/v1/users?limit=5&offset=-3", "offset"},
        {"/api/v1/audit?limit=abc", "limit"},   {"/api/v1/audit?since=yesterday", "since"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        api_res_t *r = client_request(&admin, "GET", cases[i].path, NULL);
        if (r == NULL || r->status != 400)
            fprintf(stderr, "path %s\n", cases[i].path);
        api_assert_error(r, 400, "bad_query", cases[i].field);
        assert_non_null(strstr(api_error_member(r, "message"), cases[i].field));
        api_res_free(r);
        assert_still_serving();
    }
    api_res_t *r = client_request(&admin, "GET", "/api/v1/users?limit=2", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "users")), 2);
    api_res_free(r);
}

static void non_numeric_user_id_answers_404(void **state)
{
    static const char *const paths[] = {"/api/v1/users/abc", "/api/v1/users/1x",  "/api/v1/users/0",
                                        "/api/v1/users/-1",  "/api/v1/users/%31", "/api/v1/users/99999999999999999999",
                                        "/api/v1/users/1.0"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        api_res_t *r = client_request(&admin, "GET", paths[i], NULL);
        if (r == NULL || r->status != 404)
            fprintf(stderr, "path %s\n", paths[i]);
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
        assert_still_serving();
    }
    /* the admin's own id, written plainly, is found */
    char id[32], path[64];
    assert_int_equal(db_query(&srv, "SELECT id FROM users WHERE username = 'admin'", id, sizeof(id)), 0);
    snprintf(path, sizeof(path), "/api/v1/users/%s", id);
    api_res_t *r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    api_res_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_json_answers_400_malformed_json),
        cmocka_unit_test(json_body_that_is_not_an_object_answers_400),
        cmocka_unit_test(body_in_a_content_type_other_than_json_answers_415),
        cmocka_unit_test(body_of_two_mib_answers_413),
        cmocka_unit_test(invalid_utf8_in_a_body_answers_400),
        cmocka_unit_test(raw_nul_byte_in_a_body_answers_400),
        cmocka_unit_test(escaped_nul_inside_a_json_string_answers_422_naming_the_field),
        cmocka_unit_test(unknown_api_route_answers_404_json),
        cmocka_unit_test(wrong_method_answers_405_with_allow_listing_the_right_ones),
        cmocka_unit_test(path_with_dot_segments_answers_400_bad_path),
        cmocka_unit_test(cookie_write_without_the_right_csrf_token_answers_403_csrf),
        cmocka_unit_test(write_with_a_foreign_origin_answers_403),
        cmocka_unit_test(bad_query_number_answers_400_naming_it),
        cmocka_unit_test(non_numeric_user_id_answers_404),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
