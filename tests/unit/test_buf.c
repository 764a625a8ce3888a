/*
 * test_buf: the growable text buffer (src/core/buf.c). Its promise is that data is always a
 * NUL-terminated string, whatever was added, and that JSON built with it is valid JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static void check_invariant(const buf_t *b)
{
    assert_non_null(b->data);
    assert_int_equal(b->data[b->len], '\0');
    if (b->cap)
        assert_true(b->len < b->cap);
}

static void a_new_buffer_is_an_empty_string(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    check_invariant(&b);
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    buf_free(&b);
    check_invariant(&b);
    buf_free(&b); /* freeing twice is harmless: free leaves it initialised */
}

static void adding_byte_by_byte_grows_and_keeps_every_byte(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    for (size_t i = 0; i < 100000; i++) {
        buf_addc(&b, (char)('a' + i % 26));
        if (i % 997 == 0)
            check_invariant(&b);
    }
    check_invariant(&b);
    assert_int_equal(b.len, 100000);
    assert_int_equal(strlen(b.data), 100000);
    for (size_t i = 0; i < 100000; i++)
        if (b.data[i] != (char)('a' + i % 26))
            fail_msg("byte %zu is '%c'", i, b.data[i]);
    buf_free(&b);
}

static void one_large_add_and_embedded_nul_bytes_are_kept(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    static char big[1 << 20];
    memset(big, 'x', sizeof(big));
    buf_adds(&b, "人大");
    buf_add(&b, big, sizeof(big));
    buf_add(&b, "a\0b", 3);
    check_invariant(&b);
    assert_int_equal(b.len, 6 + sizeof(big) + 3);
    assert_memory_equal(b.data, "人大", 6);
    assert_memory_equal(b.data + 6 + sizeof(big), "a\0b", 3);
    buf_add(&b, "", 0);
    assert_int_equal(b.len, 6 + sizeof(big) + 3);
    buf_free(&b);
}

static void grow_reserves_room_without_changing_the_text(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    buf_adds(&b, "代表");
    buf_grow(&b, 5000);
    check_invariant(&b);
    assert_true(b.cap >= b.len + 5000 + 1);
    assert_string_equal(b.data, "代表");
    char *before = b.data;
    for (int i = 0; i < 5000; i++)
        buf_addc(&b, 'z');
    assert_ptr_equal(b.data, before); /* reserved room means no reallocation */
    assert_int_equal(b.len, 6 + 5000);
    buf_free(&b);
}

static void reset_empties_but_keeps_the_memory(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    buf_adds(&b, "some text that needs memory");
    size_t cap = b.cap;
    char *data = b.data;
    buf_reset(&b);
    check_invariant(&b);
    assert_string_equal(b.data, "");
    assert_int_equal(b.cap, cap);
    assert_ptr_equal(b.data, data);
    buf_adds(&b, "again");
    assert_string_equal(b.data, "again");
    buf_free(&b);

    buf_init(&b);
    buf_reset(&b); /* on a never-grown buffer */
    check_invariant(&b);
    buf_free(&b);
}

static void addf_formats_short_and_long_text(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    buf_addf(&b, "%d-%s-%c", 42, "人大", 'x');
    assert_string_equal(b.data, "42-人大-x");
    buf_addf(&b, "%s", "");
    assert_string_equal(b.data, "42-人大-x");
    buf_addf(&b, "[%5000d]", 7);
    check_invariant(&b);
    assert_int_equal(b.len, strlen("42-人大-x") + 5002);
    assert_int_equal(b.data[b.len - 2], '7');
    assert_int_equal(b.data[b.len - 1], ']');
    buf_addf(&b, "%lld", (long long)INT64_MIN);
    assert_non_null(strstr(b.data, "-9223372036854775808"));
    check_invariant(&b);
    buf_free(&b);
}

static void detach_hands_over_the_text_and_leaves_the_buffer_empty(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    buf_adds(&b, "联络站");
    size_t len = 0;
    char *s = buf_detach(&b, &len);
    assert_string_equal(s, "联络站");
    assert_int_equal(len, 9);
    check_invariant(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    buf_adds(&b, "reused");
    assert_string_equal(b.data, "reused");
    assert_string_equal(s, "联络站"); /* the detached text is independent of the buffer */
    free(s);
    buf_free(&b);

    /* an empty buffer still gives a string the caller can free */
    buf_init(&b);
    s = buf_detach(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
    s = buf_detach(&b, NULL);
    assert_string_equal(s, "");
    free(s);
}

static char *escaped(const char *s, size_t n)
{
    buf_t b;
    buf_init(&b);
    buf_add_json_escaped(&b, s, n);
    return buf_detach(&b, NULL);
}

static void json_escaping_escapes_quotes_backslashes_and_control_characters(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
        const char *out;
    } cases[] = {
        {"plain", 5, "plain"},
        {"\"", 1, "\\\""},
        {"\\", 1, "\\\\"},
        {"say \"hi\"", 8, "say \\\"hi\\\""},
        {"\n\r\t", 3, "\\n\\r\\t"},
        {"\x01", 1, "\\u0001"},
        {"\x1f", 1, "\\u001f"},
        {"\b\f", 2, "\\u0008\\u000c"},
        {"a\0b", 3, "a\\u0000b"},
        {"\x7f", 1, "\x7f"},
        {" ", 1, " "},
        {"/", 1, "/"},
        {"人大代表", 12, "人大代表"},
        {"</script>", 9, "</script>"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = escaped(cases[i].in, cases[i].n);
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("case %zu: escaped to '%s', expected '%s'", i, got, cases[i].out);
        free(got);
    }
}

/* Every byte 1..127 and some Chinese text, escaped, parses back to itself as a JSON string. */
static void json_escaped_text_parses_back_to_the_same_string(void **state)
{
    (void)state;
    char raw[128 + 16];
    size_t n = 0;
    for (int c = 1; c < 128; c++)
        raw[n++] = (char)c;
    memcpy(raw + n, "人大代表", 12);
    n += 12;
    buf_t doc;
    buf_init(&doc);
    buf_addc(&doc, '"');
    buf_add_json_escaped(&doc, raw, n);
    buf_addc(&doc, '"');
    json_error_t err;
    json_t *j = json_loadb(doc.data, doc.len, JSON_DECODE_ANY, &err);
    if (j == NULL)
        fail_msg("escaped text is not JSON: %s (%s)", err.text, doc.data);
    assert_true(json_is_string(j));
    assert_int_equal(json_string_length(j), n);
    assert_memory_equal(json_string_value(j), raw, n);
    json_decref(j);
    buf_free(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_buffer_is_an_empty_string),
        cmocka_unit_test(adding_byte_by_byte_grows_and_keeps_every_byte),
        cmocka_unit_test(one_large_add_and_embedded_nul_bytes_are_kept),
        cmocka_unit_test(grow_reserves_room_without_changing_the_text),
        cmocka_unit_test(reset_empties_but_keeps_the_memory),
        cmocka_unit_test(addf_formats_short_and_long_text),
        cmocka_unit_test(detach_hands_over_the_text_and_leaves_the_buffer_empty),
        cmocka_unit_test(json_escaping_escapes_quotes_backslashes_and_control_characters),
        cmocka_unit_test(json_escaped_text_parses_back_to_the_same_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
