/*
 * test_encoding: the sheets an office saves from Excel reach us as UTF-8 (with or without a
 * byte-order mark) or as GB18030 (Excel's "ANSI" on a Chinese Windows); src/core/encoding.c
 * turns both into UTF-8 and refuses anything else without touching the output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/encoding.h"

/* A literal and its length without the terminating NUL, so embedded NULs count. */
#define S(lit) lit, sizeof(lit) - 1

/* Converts len bytes into a fresh buffer holding prefix first; returns encoding_to_utf8's result. */
static int convert(const char *text, size_t len, const char *prefix, buf_t *out, const char **name)
{
    buf_init(out);
    buf_adds(out, prefix);
    *name = "untouched";
    return encoding_to_utf8(text, len, out, name);
}

static void expect_text(const buf_t *out, const char *want, size_t want_len)
{
    assert_int_equal(out->len, want_len);
    assert_memory_equal(out->data, want, want_len);
    assert_int_equal(out->data[out->len], '\0'); /* still a C string */
}

static void utf8_without_bom_is_kept_byte_for_byte_and_named_utf8(void **state)
{
    (void)state;
    static const char sheet[] = "编号,名称,地区\r\n1,如东县人大代表之家,320623000000\r\n";
    buf_t out;
    const char *name;
    assert_int_equal(convert(S(sheet), "", &out, &name), 0);
    assert_string_equal(name, "UTF-8");
    expect_text(&out, S(sheet));
    buf_free(&out);
}

static void utf8_with_bom_loses_the_bom(void **state)
{
    (void)state;
    buf_t out;
    const char *name;
    assert_int_equal(convert(S("\xEF\xBB\xBF"
                               "名称,类型\r\n掘港街道联络站,hub\r\n"),
                             "", &out, &name),
                     0);
    assert_string_equal(name, "UTF-8");
    expect_text(&out, S("名称,类型\r\n掘港街道联络站,hub\r\n"));
    buf_free(&out);
}

static void output_is_appended_after_what_the_buffer_held(void **state)
{
    (void)state;
    buf_t out;
    const char *name;
    assert_int_equal(convert(S("\xEF\xBB\xBF"
                               "abc"),
                             "head:", &out, &name),
                     0);
    expect_text(&out, S("head:abc"));
    buf_free(&out);
    assert_int_equal(convert(S("\xC8\xE7\xB6\xAB\xCF\xD8"), "head:", &out, &name), 0);
    expect_text(&out, S("head:如东县"));
    buf_free(&out);
}

static void gb18030_rudong_county_becomes_utf8(void **state)
{
    (void)state;
    buf_t out;
    const char *name;
    /* 如东县 in GB18030 is C8 E7 B6 AB CF D8 */
    assert_int_equal(convert(S("\xC8\xE7\xB6\xAB\xCF\xD8"), "", &out, &name), 0);
    assert_string_equal(name, "GB18030");
    expect_text(&out, S("如东县"));
    buf_free(&out);
}

static void gb18030_sheet_with_chinese_headers_becomes_the_same_sheet_in_utf8(void **state)
{
    (void)state;
    /* "名称,地区\r\n如东县,320623000000\r\n" saved by Excel as ANSI */
    static const char gb[] = "\xC3\xFB\xB3\xC6,\xB5\xD8\xC7\xF8\r\n\xC8\xE7\xB6\xAB\xCF\xD8,320623000000\r\n";
    buf_t out;
    const char *name;
    assert_int_equal(convert(S(gb), "", &out, &name), 0);
    assert_string_equal(name, "GB18030");
    expect_text(&out, S("名称,地区\r\n如东县,320623000000\r\n"));
    buf_free(&out);
}

static void gb18030_four_byte_sequences_become_utf8(void **state)
{
    (void)state;
    buf_t out;
    const char *name;
    /* U+3400 㐀 (CJK extension A) is 81 39 EE 39; U+1F600 😀 is 94 39 FC 36; U+0080 is 81 30 81 30 */
    assert_int_equal(convert(S("\x81\x39\xEE\x39"), "", &out, &name), 0);
    assert_string_equal(name, "GB18030");
    expect_text(&out, S("㐀"));
    buf_free(&out);
    /* 代表 (B4 FA B1 ED) then 😀 */
    assert_int_equal(convert(S("\xB4\xFA\xB1\xED\x94\x39\xFC\x36"), "", &out, &name), 0);
    assert_string_equal(name, "GB18030");
    expect_text(&out, S("代表\xF0\x9F\x98\x80"));
    buf_free(&out);
    assert_int_equal(convert(S("a\x81\x30\x81\x30z"), "", &out, &name), 0);
    assert_string_equal(name, "GB18030");
    expect_text(&out, S("a\xC2\x80z"));
    buf_free(&out);
}

static void large_gb18030_text_converts_whole(void **state)
{
    (void)state;
    enum { REPEATS = 20000 };
    buf_t gb, want, out;
    buf_init(&gb);
    buf_init(&want);
    for (int i = 0; i < REPEATS; i++) {
        buf_add(&gb, S("\xC8\xE7\xB6\xAB\xCF\xD8,\x94\x39\xFC\x36\r\n"));
        buf_adds(&want, "如东县,\xF0\x9F\x98\x80\r\n");
    }
    const char *name;
    assert_int_equal(convert(gb.data, gb.len, "", &out, &name), 0);
    assert_string_equal(name, "GB18030");
    expect_text(&out, want.data, want.len);
    buf_free(&out);
    buf_free(&want);
    buf_free(&gb);
}

typedef struct {
    const char *text;
    size_t len;
    const char *why;
} bad_case_t;

static const bad_case_t bad[] = {
    {S("\xFF\xFE\xFD"), "FF FE FD: neither UTF-8 nor GB18030"},
    {S("\xFF"), "a lone FF"},
    {S("名称,地区\r\n\xFF\xFE\xFD,320623000000\r\n"), "UTF-8 text with an invalid run in a cell"},
    {S("\xC8\xE7\xB6\xAB\xCF"), "GB18030 cut in the middle of a character"},
    {S("\x81\x39\xEE"), "a four-byte GB18030 sequence cut short"},
    {S("\x81\x30\x81\xFF"), "a four-byte GB18030 sequence with a bad last byte"},
    {S("\xEF\xBB\xBF\xC8\xE7\xB6\xAB\xCF\xD8"), "a UTF-8 byte-order mark before GB18030 bytes"},
    {S("\xEF\xBB\xBF"
       "abc\xFF"),
     "a UTF-8 byte-order mark before invalid UTF-8"},
    {S("a\0b"), "a NUL byte"},
    {S("\xC8\xE7\0\xB6\xAB"), "GB18030 with a NUL byte"},
};

static void invalid_bytes_answer_minus_one_and_leave_the_output_unchanged(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        buf_t out;
        const char *name;
        int rc = convert(bad[i].text, bad[i].len, "kept", &out, &name);
        if (rc != -1 || out.len != 4 || memcmp(out.data, "kept", 5) != 0)
            fail_msg("%s: rc %d, output \"%.*s\" (%zu bytes)", bad[i].why, rc, (int)out.len, out.data, out.len);
        buf_free(&out);
    }
}

static void empty_input_is_empty_utf8(void **state)
{
    (void)state;
    buf_t out;
    const char *name;
    assert_int_equal(convert("", 0, "", &out, &name), 0);
    assert_string_equal(name, "UTF-8");
    expect_text(&out, S(""));
    buf_free(&out);
    assert_int_equal(convert(S("\xEF\xBB\xBF"), "", &out, &name), 0); /* a byte-order mark and nothing else */
    assert_string_equal(name, "UTF-8");
    expect_text(&out, S(""));
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_without_bom_is_kept_byte_for_byte_and_named_utf8),
        cmocka_unit_test(utf8_with_bom_loses_the_bom),
        cmocka_unit_test(output_is_appended_after_what_the_buffer_held),
        cmocka_unit_test(gb18030_rudong_county_becomes_utf8),
        cmocka_unit_test(gb18030_sheet_with_chinese_headers_becomes_the_same_sheet_in_utf8),
        cmocka_unit_test(gb18030_four_byte_sequences_become_utf8),
        cmocka_unit_test(large_gb18030_text_converts_whole),
        cmocka_unit_test(invalid_bytes_answer_minus_one_and_leave_the_output_unchanged),
        cmocka_unit_test(empty_input_is_empty_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
