/*
 * test_xml: the XML writer behind Open311's text/xml answers (src/core/xml.c): markup characters
 * are escaped, characters XML cannot carry are left out, and a JSON value becomes the elements a
 * GeoReport client expects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/xml.h"

static void markup_in_text_is_escaped_and_control_characters_dropped(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    const char text[] = "<a href=\"x\">Tom & Jerry's</a>\x01\x1f\t\n\r路灯";
    xml_escape(&b, text, sizeof(text) - 1);
    assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;\t\n\r路灯");
    buf_free(&b);
}

static const char *singular(const char *list)
{
    return strcmp(list, "services") == 0 ? "service" : strcmp(list, "values") == 0 ? "value" : "item";
}

static void a_json_list_becomes_repeated_elements_in_order(void **state)
{
    (void)state;
    json_t *v = json_pack("[{s:s, s:b, s:i, s:n, s:[s, s]}, {s:s, s:f}]", "service_code", "a<b", "metadata", 1, "order",
                          2, "group", "values", "x", "y", "service_code", "路灯", "lat", 32.5);
    buf_t b;
    buf_init(&b);
    xml_from_json(&b, "services", v, singular);
    assert_string_equal(b.data, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                "<services><service><service_code>a&lt;b</service_code><metadata>true</metadata>"
                                "<order>2</order><group></group><values><value>x</value><value>y</value></values>"
                                "</service><service><service_code>路灯</service_code><lat>32.5</lat></service>"
                                "</services>\n");
    buf_free(&b);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(markup_in_text_is_escaped_and_control_characters_dropped),
        cmocka_unit_test(a_json_list_becomes_repeated_elements_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
