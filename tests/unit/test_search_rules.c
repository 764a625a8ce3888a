/*
 * search rules: how a typed query falls into words, which words the trigram index answers, and
 * the snippet shown with the words marked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/search.h"

static search_query_t parsed(const char *q)
{
    search_query_t out;
    assert_int_equal(search_parse(q, &out), SEARCH_OK);
    return out;
}

static void words_split_at_ascii_and_ideographic_spaces_and_repeats_drop(void **state)
{
    (void)state;
    search_query_t q = parsed("  道路积水\u3000排水 道路积水\t井 ");
    assert_int_equal(q.count, 3);
    assert_string_equal(q.terms[0].text, "道路积水");
    assert_int_equal(q.terms[0].chars, 4);
    assert_string_equal(q.terms[1].text, "排水");
    assert_string_equal(q.terms[2].text, "井");
    assert_int_equal(q.indexed, 1);
}

static void a_query_of_200_characters_is_taken_and_201_refused(void **state)
{
    (void)state;
    char q[201 * 3 + 1] = "";
    for (int i = 0; i < 200; i++)
        strcat(q, "水");
    search_query_t out;
    assert_int_equal(search_parse(q, &out), SEARCH_OK);
    strcat(q, "水");
    assert_int_equal(search_parse(q, &out), SEARCH_TOO_LONG);
}

static void blank_broken_or_crowded_queries_are_refused(void **state)
{
    (void)state;
    search_query_t out;
    assert_int_equal(search_parse("", &out), SEARCH_EMPTY);
    assert_int_equal(search_parse(" \u3000 ", &out), SEARCH_EMPTY);
    assert_int_equal(search_parse("\xe6\xb0", &out), SEARCH_BAD_TEXT);
    assert_int_equal(search_parse("a\x01" "b", &out), SEARCH_BAD_TEXT);
    assert_int_equal(search_parse("一 二 三 四 五 六 七 八", &out), SEARCH_OK);
    assert_int_equal(search_parse("一 二 三 四 五 六 七 八 九", &out), SEARCH_TOO_MANY);
}

static void the_index_is_asked_only_for_words_of_three_characters_quoted(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    search_query_t q = parsed("积水 道路积水 say\"hi\"");
    assert_true(search_match_expression(&q, &b));
    buf_addc(&b, '\0');
    assert_string_equal(b.data, "\"道路积水\" AND \"say\"\"hi\"\"\"");
    buf_free(&b);
    buf_init(&b);
    q = parsed("积水 井");
    assert_false(search_match_expression(&q, &b));
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void containment_ignores_the_case_of_latin_letters_only(void **state)
{
    (void)state;
    assert_true(search_contains("更换LED路灯", "led"));
    assert_true(search_contains("更换led路灯", "LED路灯"));
    assert_true(search_contains("道路积水", "积"));
    assert_false(search_contains("道路积水", "积雪"));
    assert_false(search_contains("", "水"));
    search_query_t q = parsed("路灯 led");
    assert_true(search_contains_all("更换LED路灯", &q));
    assert_false(search_contains_all("更换路灯", &q));
}

static void joined(const search_snippet_t *s, char *out, size_t len)
{
    out[0] = '\0';
    for (int i = 0; i < s->count; i++)
        snprintf(out + strlen(out), len - strlen(out), "%s%.*s%s", s->pieces[i].hit ? "[" : "",
                 (int)s->pieces[i].len, s->pieces[i].start, s->pieces[i].hit ? "]" : "");
}

static void a_snippet_marks_every_word_where_it_occurs(void **state)
{
    (void)state;
    search_query_t q = parsed("积水 led");
    search_snippet_t s;
    char text[512];
    assert_true(search_snippet("路口积水，LED灯不亮，积水很深", &q, &s));
    joined(&s, text, sizeof(text));
    assert_string_equal(text, "路口[积水]，[LED]灯不亮，[积水]很深");
    assert_false(s.cut_before);
    assert_false(s.cut_after);
    assert_false(search_snippet("路口结冰", &q, &s));
}

static void a_long_text_is_cut_around_the_first_word_on_character_boundaries(void **state)
{
    (void)state;
    char text[2048] = "";
    for (int i = 0; i < 100; i++)
        strcat(text, "甲");
    strcat(text, "井盖");
    for (int i = 0; i < 100; i++)
        strcat(text, "乙");
    search_query_t q = parsed("井盖");
    search_snippet_t s;
    assert_true(search_snippet(text, &q, &s));
    assert_true(s.cut_before);
    assert_true(s.cut_after);
    assert_int_equal(s.count, 3);
    assert_int_equal(s.pieces[0].len, SEARCH_SNIPPET_RADIUS * 3); /* 40 characters of 3 bytes */
    assert_true(s.pieces[1].hit);
    assert_int_equal(s.pieces[2].len, (2 * SEARCH_SNIPPET_RADIUS - 2) * 3);
}

static void a_text_full_of_hits_stays_within_the_pieces_a_snippet_holds(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < 200; i++)
        strcat(text, "水a");
    search_query_t q = parsed("水");
    search_snippet_t s;
    assert_true(search_snippet(text, &q, &s));
    assert_true(s.count <= SEARCH_SNIPPET_PIECES);
    size_t total = 0;
    for (int i = 0; i < s.count; i++)
        total += s.pieces[i].len;
    const char *first = s.pieces[0].start;
    assert_true(first == text);
    assert_int_equal((size_t)(s.pieces[s.count - 1].start + s.pieces[s.count - 1].len - first), total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_split_at_ascii_and_ideographic_spaces_and_repeats_drop),
        cmocka_unit_test(a_query_of_200_characters_is_taken_and_201_refused),
        cmocka_unit_test(blank_broken_or_crowded_queries_are_refused),
        cmocka_unit_test(the_index_is_asked_only_for_words_of_three_characters_quoted),
        cmocka_unit_test(containment_ignores_the_case_of_latin_letters_only),
        cmocka_unit_test(a_snippet_marks_every_word_where_it_occurs),
        cmocka_unit_test(a_long_text_is_cut_around_the_first_word_on_character_boundaries),
        cmocka_unit_test(a_text_full_of_hits_stays_within_the_pieces_a_snippet_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
