/* smoke: the server starts, answers health, and the demo admin can sign in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "harness.h"

static void demo_admin_signs_in_and_sees_their_name(void **state)
{
    server_t s;
    server_up(&s, NULL);
    client_t admin;
    assert_true(client_login(&admin, &s, "admin", DEMO_PASSWORD));
    api_res_t *r = client_request(&admin, "GET", "/api/v1/session", NULL);
    assert_int_equal(r->status, 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r->json, "user"), "username")), "admin");
    api_res_free(r);
    server_down(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_admin_signs_in_and_sees_their_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
