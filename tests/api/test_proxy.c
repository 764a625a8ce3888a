/* proxy: behind the operator's own reverse proxy (--trust-proxy), the client's address and
 * scheme come from X-Forwarded-For and X-Forwarded-Proto; without the flag they are ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "harness.h"

static api_res_t *login_forwarded(server_t *s)
{
    const char *body = "{\"username\":\"admin\",\"password\":\"" DEMO_PASSWORD "\"}";
    const char *headers[] = {"X-Forwarded-For: 198.51.100.7, 203.0.113.9", "X-Forwarded-Proto: https", NULL};
    return api_request(s, "POST", "/api/v1/session", body, strlen(body), NULL, headers);
}

static void last_login_ip(server_t *s, char *out, size_t len)
{
    assert_int_equal(db_query(s, "SELECT ip FROM audit_log WHERE action = 'session.login' ORDER BY id DESC LIMIT 1",
                              out, len),
                     0);
}

static void behind_a_trusted_proxy_the_forwarded_client_and_https_count(void **state)
{
    server_t s;
    server_up(&s, (const char *const[]){"--trust-proxy", NULL});
    api_res_t *r = login_forwarded(&s);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(api_header(r, "set-cookie"), "; Secure"));
    api_res_free(r);
    char ip[64];
    last_login_ip(&s, ip, sizeof(ip));
    assert_string_equal(ip, "203.0.113.9"); /* the address our proxy appended, not what the client claimed */
    server_down(&s);
}

static void without_trust_proxy_forwarded_headers_are_ignored(void **state)
{
    server_t s;
    server_up(&s, NULL);
    api_res_t *r = login_forwarded(&s);
    assert_int_equal(r->status, 200);
    assert_null(strstr(api_header(r, "set-cookie"), "Secure"));
    api_res_free(r);
    char ip[64];
    last_login_ip(&s, ip, sizeof(ip));
    assert_string_equal(ip, "127.0.0.1");
    server_down(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(behind_a_trusted_proxy_the_forwarded_client_and_https_count),
        cmocka_unit_test(without_trust_proxy_forwarded_headers_are_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
