/*
 * test_router: method + path to route (src/http/router.c). A path either fits a pattern exactly
 * or not at all: no trailing-slash or extra-segment leniency that would let /api/v1/users/1/x
 * reach a handler written for /api/v1/users/:id. A path known under other methods is a 405 with
 * its Allow list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/router.h"

static const http_route_t routes[] = {
    {"GET", "/healthz", NULL, "health.read"},                     /* 0 */
    {"GET", "/api/v1/users", NULL, "user.list"},                  /* 1 */
    {"POST", "/api/v1/users", NULL, "user.create"},               /* 2 */
    {"GET", "/api/v1/users/me", NULL, "user.read"},               /* 3: literal before :id wins */
    {"GET", "/api/v1/users/:id", NULL, "user.read"},              /* 4 */
    {"PATCH", "/api/v1/users/:id", NULL, "user.update"},          /* 5 */
    {"GET", "/api/v1/stations/:s/deputies/:d", NULL, "x.read"},   /* 6 */
    {"GET", "/four/:a/:b/:c/:d", NULL, "x.read"},                 /* 7: HTTP_MAX_PARAMS */
    {"GET", "/five/:a/:b/:c/:d/:e", NULL, "x.read"},              /* 8: one too many */
    {"GET", "/", NULL, "x.read"},                                 /* 9 */
    {"PUT", "/api/v1/session/password", NULL, "password.change"}, /* 10 */
    {"DELETE", "/api/v1/users/:id", NULL, "user.update"},         /* 11 */
    {NULL, NULL, NULL, NULL},
};

typedef struct {
    int index;
    h2o_iovec_t params[HTTP_MAX_PARAMS];
    int nparams;
    char allow[128];
} match_t;

static match_t match(const char *method, const char *path)
{
    match_t m;
    memset(&m, 0, sizeof(m));
    m.nparams = -1;
    m.index = router_match(routes, method, strlen(method), path, strlen(path), m.params, &m.nparams, m.allow,
                           sizeof(m.allow));
    return m;
}

static void param_is(const match_t *m, int i, const char *want)
{
    assert_true(i < m->nparams);
    if (m->params[i].len != strlen(want) || memcmp(m->params[i].base, want, m->params[i].len) != 0)
        fail_msg("param %d is '%.*s', expected '%s'", i, (int)m->params[i].len, m->params[i].base, want);
}

static void literal_paths_match_their_route_with_no_params(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path;
        int index;
    } cases[] = {
        {"GET", "/healthz", 0},
        {"GET", "/api/v1/users", 1},
        {"POST", "/api/v1/users", 2},
        {"GET", "/api/v1/users/me", 3},
        {"GET", "/", 9},
        {"PUT", "/api/v1/session/password", 10},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        match_t m = match(cases[i].method, cases[i].path);
        if (m.index != cases[i].index)
            fail_msg("%s %s: route %d, expected %d", cases[i].method, cases[i].path, m.index, cases[i].index);
        assert_int_equal(m.nparams, 0);
    }
}

static void param_segments_capture_their_text_from_the_path(void **state)
{
    (void)state;
    const char *path = "/api/v1/users/42";
    match_t m = match("GET", path);
    assert_int_equal(m.index, 4);
    assert_int_equal(m.nparams, 1);
    param_is(&m, 0, "42");
    assert_ptr_equal(m.params[0].base, path + strlen("/api/v1/users/")); /* points into the path */

    m = match("PATCH", "/api/v1/users/7");
    assert_int_equal(m.index, 5);
    param_is(&m, 0, "7");

    m = match("GET", "/api/v1/stations/520201/deputies/代表-3");
    assert_int_equal(m.index, 6);
    assert_int_equal(m.nparams, 2);
    param_is(&m, 0, "520201");
    param_is(&m, 1, "代表-3");

    /* the router does not judge a parameter's content; the handler does */
    m = match("GET", "/api/v1/users/%2e%2e");
    assert_int_equal(m.index, 4);
    param_is(&m, 0, "%2e%2e");
    m = match("GET", "/api/v1/users/abc");
    assert_int_equal(m.index, 4);
    param_is(&m, 0, "abc");
}

static void the_first_fitting_route_wins(void **state)
{
    (void)state;
    match_t m = match("GET", "/api/v1/users/me");
    assert_int_equal(m.index, 3);
    m = match("PATCH", "/api/v1/users/me"); /* only :id has PATCH */
    assert_int_equal(m.index, 5);
    param_is(&m, 0, "me");
}

static void trailing_slashes_extra_segments_and_near_misses_are_not_found(void **state)
{
    (void)state;
    static const char *const misses[] = {
        "/healthz/",
        "/healthz/x",
        "/healthzz",
        "/health",
        "/HEALTHZ",
        "//healthz",
        "/healthz//",
        "/api/v1/users/",
        "/api/v1/users//",
        "/api/v1/users/42/",
        "/api/v1/users/42/extra",
        "/api/v1/users/42/extra/more",
        "/api/v1//users",
        "/api/v1",
        "/api/v2/users",
        "/api/v1/user",
        "/api/v1/stations/1/deputies",
        "/api/v1/stations/1/deputies/",
        "/api/v1/stations//deputies/2",
        "",
        "healthz",
        "api/v1/users",
        "//",
        "/nope",
    };
    for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
        match_t m = match("GET", misses[i]);
        if (m.index != ROUTER_NOT_FOUND)
            fail_msg("GET '%s' matched route %d, expected not found", misses[i], m.index);
    }
}

static void only_the_given_length_of_the_path_is_matched(void **state)
{
    (void)state;
    /* the path's length excludes the query string, which h2o hands over in the same buffer */
    const char *raw = "/api/v1/users/42?limit=5";
    h2o_iovec_t params[HTTP_MAX_PARAMS];
    int nparams = -1;
    char allow[64];
    int i = router_match(routes, "GET", 3, raw, strlen("/api/v1/users/42"), params, &nparams, allow, sizeof(allow));
    assert_int_equal(i, 4);
    assert_int_equal(params[0].len, 2);
    assert_memory_equal(params[0].base, "42", 2);
    /* and the method's length too */
    i = router_match(routes, "GETX", 3, "/healthz", 8, params, &nparams, allow, sizeof(allow));
    assert_int_equal(i, 0);
    i = router_match(routes, "GET", 3, "/healthz", 7, params, &nparams, allow, sizeof(allow));
    assert_int_equal(i, ROUTER_NOT_FOUND);
}

static void a_known_path_with_another_method_is_bad_method_with_the_allow_list(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path, *allow;
    } cases[] = {
        {"DELETE", "/api/v1/users", "GET, POST"},
        {"PUT", "/api/v1/users", "GET, POST"},
        {"POST", "/healthz", "GET"},
        {"HEAD", "/healthz", "GET"},
        {"get", "/healthz", "GET"}, /* methods are case-sensitive */
        {"PUT", "/api/v1/users/7", "GET, PATCH, DELETE"},
        {"POST", "/api/v1/users/me", "GET, PATCH, DELETE"}, /* GET listed once though two routes fit */
        {"GET", "/api/v1/session/password", "PUT"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        match_t m = match(cases[i].method, cases[i].path);
        if (m.index != ROUTER_BAD_METHOD)
            fail_msg("%s %s: %d, expected ROUTER_BAD_METHOD", cases[i].method, cases[i].path, m.index);
        if (strcmp(m.allow, cases[i].allow) != 0)
            fail_msg("%s %s: Allow '%s', expected '%s'", cases[i].method, cases[i].path, m.allow, cases[i].allow);
    }
    /* a path known to no route is not a 405 */
    match_t m = match("DELETE", "/nope");
    assert_int_equal(m.index, ROUTER_NOT_FOUND);
    assert_string_equal(m.allow, "");
}

static void a_small_allow_buffer_is_never_overrun(void **state)
{
    (void)state;
    for (size_t len = 1; len <= 24; len++) {
        char allow[32];
        memset(allow, '#', sizeof(allow));
        h2o_iovec_t params[HTTP_MAX_PARAMS];
        int nparams;
        int i = router_match(routes, "POST", 4, "/api/v1/users/7", 15, params, &nparams, allow, len);
        assert_int_equal(i, ROUTER_BAD_METHOD);
        assert_non_null(memchr(allow, '\0', len));
        for (size_t k = len; k < sizeof(allow); k++)
            if (allow[k] != '#')
                fail_msg("allow_len %zu: byte %zu was written", len, k);
    }
    /* no buffer at all */
    h2o_iovec_t params[HTTP_MAX_PARAMS];
    int nparams;
    assert_int_equal(router_match(routes, "POST", 4, "/healthz", 8, params, &nparams, NULL, 0), ROUTER_BAD_METHOD);
}

static void four_params_fit_and_a_fifth_is_never_matched(void **state)
{
    (void)state;
    match_t m = match("GET", "/four/a/b/c/d");
    assert_int_equal(m.index, 7);
    assert_int_equal(m.nparams, HTTP_MAX_PARAMS);
    param_is(&m, 0, "a");
    param_is(&m, 3, "d");
    /* a pattern with more parameters than fit never matches, rather than overflowing params */
    m = match("GET", "/five/a/b/c/d/e");
    assert_int_equal(m.index, ROUTER_NOT_FOUND);
}

/* Every real route is reachable by its own method with its parameters filled in. */
static void every_api_route_matches_itself(void **state)
{
    (void)state;
    size_t n = router_count(api_routes);
    assert_true(n > 0);
    for (size_t r = 0; r < n; r++) {
        char path[256] = "";
        size_t used = 0;
        for (const char *p = api_routes[r].pattern; *p;) {
            if (*p == ':') {
                used += (size_t)snprintf(path + used, sizeof(path) - used, "1");
                while (*p && *p != '/')
                    p++;
            } else
                path[used++] = *p++;
        }
        path[used] = '\0';
        h2o_iovec_t params[HTTP_MAX_PARAMS];
        int nparams;
        char allow[128];
        int i = router_match(api_routes, api_routes[r].method, strlen(api_routes[r].method), path, used, params,
                             &nparams, allow, sizeof(allow));
        if (i != (int)r)
            fail_msg("%s %s (as %s) matched route %d", api_routes[r].method, api_routes[r].pattern, path, i);
    }
    assert_int_equal(router_count(routes), 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_paths_match_their_route_with_no_params),
        cmocka_unit_test(param_segments_capture_their_text_from_the_path),
        cmocka_unit_test(the_first_fitting_route_wins),
        cmocka_unit_test(trailing_slashes_extra_segments_and_near_misses_are_not_found),
        cmocka_unit_test(only_the_given_length_of_the_path_is_matched),
        cmocka_unit_test(a_known_path_with_another_method_is_bad_method_with_the_allow_list),
        cmocka_unit_test(a_small_allow_buffer_is_never_overrun),
        cmocka_unit_test(four_params_fit_and_a_fifth_is_never_matched),
        cmocka_unit_test(every_api_route_matches_itself),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
