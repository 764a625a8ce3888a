/*
 * test_utf8: strict UTF-8 validation of user text (src/core/utf8.c) against the boundaries of the
 * Unicode well-formed byte sequences table (Unicode 15, table 3-7), and character counting as a
 * person counts (人大代表 is four characters, not twelve bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

/* A literal and its length without the terminating NUL, so embedded NULs count. */
#define S(lit) lit, sizeof(lit) - 1

typedef struct {
    const char *s;
    size_t n;
    bool valid;
    const char *why;
} utf8_case_t;

static const utf8_case_t cases[] = {
    /* well-formed, at the edges of each row of table 3-7 */
    {S(""), true, "empty"},
    {S("a"), true, "ASCII"},
    {S("\x01"), true, "U+0001"},
    {S("\x7F"), true, "U+007F, last one-byte"},
    {S("\xC2\x80"), true, "U+0080, first two-byte"},
    {S("\xDF\xBF"), true, "U+07FF, last two-byte"},
    {S("\xE0\xA0\x80"), true, "U+0800, first three-byte (E0 A0)"},
    {S("\xE0\xBF\xBF"), true, "U+0FFF (E0 BF)"},
    {S("\xE1\x80\x80"), true, "U+1000 (E1..EC 80)"},
    {S("\xEC\xBF\xBF"), true, "U+CFFF"},
    {S("\xED\x80\x80"), true, "U+D000 (ED 80)"},
    {S("\xED\x9F\xBF"), true, "U+D7FF, last before the surrogates"},
    {S("\xEE\x80\x80"), true, "U+E000, first after the surrogates"},
    {S("\xEF\xBF\xBF"), true, "U+FFFF, last three-byte"},
    {S("\xF0\x90\x80\x80"), true, "U+10000, first four-byte (F0 90)"},
    {S("\xF0\xBF\xBF\xBF"), true, "U+3FFFF (F0 BF)"},
    {S("\xF1\x80\x80\x80"), true, "U+40000 (F1..F3 80)"},
    {S("\xF3\xBF\xBF\xBF"), true, "U+FFFFF"},
    {S("\xF4\x80\x80\x80"), true, "U+100000 (F4 80)"},
    {S("\xF4\x8F\xBF\xBF"), true, "U+10FFFF, the last code point"},
    {S("人大代表"), true, "Chinese"},
    {S("人大代表 liaison 联络站 \xF0\x9F\x98\x80"), true, "mixed with an emoji"},
    {S("\xEF\xBB\xBF"
       "abc"),
     true, "byte order mark"},
    /* overlong forms */
    {S("\xC0\x80"), false, "C0 80: overlong NUL"},
    {S("\xC0\xAF"), false, "C0 AF: overlong '/'"},
    {S("\xC1\xBF"), false, "C1 BF: overlong U+007F"},
    {S("\xE0\x80\x80"), false, "E0 80 80: overlong NUL"},
    {S("\xE0\x80\xAF"), false, "E0 80 AF: overlong '/'"},
    {S("\xE0\x9F\xBF"), false, "E0 9F BF: overlong U+07FF"},
    {S("\xF0\x80\x80\x80"), false, "F0 80 80 80: overlong NUL"},
    {S("\xF0\x8F\xBF\xBF"), false, "F0 8F BF BF: overlong U+FFFF"},
    /* surrogates */
    {S("\xED\xA0\x80"), false, "ED A0 80: U+D800"},
    {S("\xED\xAD\xBF"), false, "ED AD BF: U+DB7F"},
    {S("\xED\xB0\x80"), false, "ED B0 80: U+DC00"},
    {S("\xED\xBF\xBF"), false, "ED BF BF: U+DFFF"},
    {S("\xED\xA0\xBD\xED\xB8\x80"), false, "CESU-8 surrogate pair"},
    /* past U+10FFFF and bytes that never occur */
    {S("\xF4\x90\x80\x80"), false, "F4 90 80 80: U+110000"},
    {S("\xF4\xBF\xBF\xBF"), false, "F4 BF BF BF"},
    {S("\xF5\x80\x80\x80"), false, "F5: lead byte past U+10FFFF"},
    {S("\xF7\xBF\xBF\xBF"), false, "F7"},
    {S("\xF8\x88\x80\x80\x80"), false, "F8: five-byte form"},
    {S("\xFC\x84\x80\x80\x80\x80"), false, "FC: six-byte form"},
    {S("\xFE"), false, "FE"},
    {S("\xFF"), false, "FF"},
    {S("\xC0"), false, "lone C0"},
    {S("\xC1"), false, "lone C1"},
    /* continuation bytes out of place */
    {S("\x80"), false, "lone continuation 80"},
    {S("\xBF"), false, "lone continuation BF"},
    {S("a\x80"
       "b"),
     false, "continuation between ASCII"},
    {S("\xE4\xBA\xBA\xBA"), false, "人 followed by a stray continuation"},
    {S("\xC2\x80\x80"), false, "two-byte with one continuation too many"},
    /* bad continuation bytes */
    {S("\xC2\x41"), false, "C2 then ASCII"},
    {S("\xC2\xC0"), false, "C2 then a lead byte"},
    {S("\xE4\x41\xBA"), false, "second byte ASCII"},
    {S("\xE4\xBA\x41"), false, "third byte ASCII"},
    {S("\xE4\xBA\xE4\xBA\xBA"), false, "third byte a lead byte"},
    {S("\xF0\x9F\x41\x80"), false, "four-byte, third byte ASCII"},
    {S("\xF0\x9F\x98\x41"), false, "four-byte, fourth byte ASCII"},
    {S("\xF0\x9F\x98\xC0"), false, "four-byte, fourth byte C0"},
    /* truncated sequences */
    {S("\xC2"), false, "two-byte, cut after the lead"},
    {S("\xE4"), false, "人 cut after the lead"},
    {S("\xE4\xBA"), false, "人 cut after two bytes"},
    {S("\xE4\xBA"
       "a"),
     false, "人 cut, then ASCII"},
    {S("\xF0\x9F\x98"), false, "emoji cut after three bytes"},
    {S("\xF0\x9F"), false, "emoji cut after two bytes"},
    {S("\xF0"), false, "emoji cut after the lead"},
    {S("人大代\xE8\xA1"), false, "Chinese text cut in its last character"},
    /* NUL is never text */
    {S("\0"), false, "a NUL alone"},
    {S("a\0b"), false, "a NUL in the middle"},
    {S("人大代表\0"), false, "a NUL at the end"},
};

static void each_byte_sequence_is_accepted_or_refused_as_table_3_7_says(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (utf8_valid(cases[i].s, cases[i].n) != cases[i].valid) {
            char hex[64] = "";
            for (size_t k = 0; k < cases[i].n && k < 20; k++)
                snprintf(hex + 3 * k, sizeof(hex) - 3 * k, "%02X ", (unsigned char)cases[i].s[k]);
            fail_msg("%s [%s]: valid %d, expected %d", cases[i].why, hex, !cases[i].valid, cases[i].valid);
        }
    }
}

/* Every single byte: the ASCII range but NUL is valid alone, and no byte >= 0x80 is. */
static void every_single_byte_is_valid_only_if_ascii_and_not_nul(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        char b = (char)c;
        bool expect = c > 0 && c < 0x80;
        if (utf8_valid(&b, 1) != expect)
            fail_msg("byte %02X: valid %d, expected %d", c, !expect, expect);
    }
}

/* Every two-byte sequence: lead C2..DF with a continuation 80..BF, and nothing else of length 2
 * (besides two ASCII bytes). */
static void every_two_byte_sequence_follows_the_table(void **state)
{
    (void)state;
    for (int a = 0x80; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            char s[2] = {(char)a, (char)b};
            bool expect = a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF;
            if (utf8_valid(s, 2) != expect)
                fail_msg("%02X %02X: valid %d, expected %d", a, b, !expect, expect);
        }
}

/* The first continuation byte's range for every three- and four-byte lead byte. */
static void the_second_byte_range_of_each_lead_byte_is_exact(void **state)
{
    (void)state;
    for (int lead = 0xE0; lead <= 0xFF; lead++) {
        int lo = 0x80, hi = 0xBF, len = lead <= 0xEF ? 3 : 4;
        if (lead == 0xE0)
            lo = 0xA0;
        if (lead == 0xED)
            hi = 0x9F;
        if (lead == 0xF0)
            lo = 0x90;
        if (lead == 0xF4)
            hi = 0x8F;
        if (lead >= 0xF5)
            lo = 0x100; /* nothing is valid */
        for (int b = 0; b < 256; b++) {
            char s[4] = {(char)lead, (char)b, (char)0x80, (char)0x80};
            bool expect = b >= lo && b <= hi;
            if (utf8_valid(s, (size_t)len) != expect)
                fail_msg("%02X %02X 80%s: valid %d, expected %d", lead, b, len == 4 ? " 80" : "", !expect, expect);
        }
    }
}

/* The validator looks only at the n bytes it is given. */
static void validation_stops_at_the_given_length(void **state)
{
    (void)state;
    const char *s = "人大代表";
    assert_true(utf8_valid(s, 12));
    assert_true(utf8_valid(s, 9));
    assert_false(utf8_valid(s, 11));
    assert_false(utf8_valid(s, 10));
    assert_true(utf8_valid(s, 0));
    assert_true(utf8_valid("abc\xFF", 3));
    assert_false(utf8_valid("abc\xFF", 4));
}

static void utf8_chars_counts_what_a_person_sees(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n, chars;
    } counts[] = {
        {S(""), 0},
        {S("a"), 1},
        {S("人大代表"), 4},
        {S("人大代表联络站"), 7},
        {S("代表liaison"), 9},
        {S("a人b"), 3},
        {S("\xF0\x9F\x98\x80"), 1},
        {S("\xC2\x80\xDF\xBF"), 2},
        {S("\xF4\x8F\xBF\xBF\xEF\xBF\xBF\x7F"), 3},
        {S("请尽快修复小区路灯。Please fix the lights!"), 10 + 22},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        assert_true(utf8_valid(counts[i].s, counts[i].n));
        if (utf8_chars(counts[i].s, counts[i].n) != counts[i].chars)
            fail_msg("'%s': %zu characters, expected %zu", counts[i].s, utf8_chars(counts[i].s, counts[i].n),
                     counts[i].chars);
    }
    /* a prefix counts only the characters it holds */
    assert_int_equal(utf8_chars("人大代表", 6), 2);
}

/* 5,000 characters of Chinese text is 15,000 bytes: limits are in characters. */
static void five_thousand_chinese_characters_count_as_five_thousand(void **state)
{
    (void)state;
    static char text[5000 * 3 + 1];
    for (size_t i = 0; i < 5000; i++)
        memcpy(text + 3 * i, "联", 3);
    assert_true(utf8_valid(text, 15000));
    assert_int_equal(utf8_chars(text, 15000), 5000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_byte_sequence_is_accepted_or_refused_as_table_3_7_says),
        cmocka_unit_test(every_single_byte_is_valid_only_if_ascii_and_not_nul),
        cmocka_unit_test(every_two_byte_sequence_follows_the_table),
        cmocka_unit_test(the_second_byte_range_of_each_lead_byte_is_exact),
        cmocka_unit_test(validation_stops_at_the_given_length),
        cmocka_unit_test(utf8_chars_counts_what_a_person_sees),
        cmocka_unit_test(five_thousand_chinese_characters_count_as_five_thousand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
