/*
 * test_draft: the rules of legislative consultation (src/domain/draft.c). Every article number a
 * draft may carry (1 to 999) reads back as written; the forms people actually write parse and
 * malformed ones are refused; pasted drafts split into the articles and topics a reader sees,
 * whatever spacing and line endings they bring; and a draft takes comments to the last second
 * of its deadline day in Beijing and not one after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/draft.h"

/* ---- numerals ---- */

static void every_number_from_1_to_999_reads_back_as_written(void **state)
{
    (void)state;
    for (int n = 1; n <= DRAFT_MAX_NUMBER; n++) {
        char text[DRAFT_NUMERAL_MAX];
        draft_numeral_format(n, text);
        int back = 0;
        if (!draft_numeral_parse(text, strlen(text), &back) || back != n)
            fail_msg("%d was written %s and read back as %d", n, text, back);
        char digits[8];
        snprintf(digits, sizeof(digits), "%d", n);
        back = 0;
        assert_true(draft_numeral_parse(digits, strlen(digits), &back));
        assert_int_equal(back, n);
    }
}

static void numbers_are_written_the_way_drafts_write_them(void **state)
{
    (void)state;
    static const struct {
        int n;
        const char *text;
    } cases[] = {
        {1, "一"},         {9, "九"},           {10, "十"},        {11, "十一"},      {12, "十二"},
        {20, "二十"},      {99, "九十九"},      {100, "一百"},     {101, "一百零一"}, {105, "一百零五"},
        {110, "一百一十"}, {111, "一百一十一"}, {120, "一百二十"}, {200, "二百"},     {999, "九百九十九"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[DRAFT_NUMERAL_MAX];
        draft_numeral_format(cases[i].n, text);
        assert_string_equal(text, cases[i].text);
    }
    char label[DRAFT_NUMERAL_MAX + 8];
    draft_article_label(12, label);
    assert_string_equal(label, "第十二条");
    char none[DRAFT_NUMERAL_MAX];
    draft_numeral_format(0, none);
    assert_string_equal(none, "");
    draft_numeral_format(1000, none);
    assert_string_equal(none, "");
}

static void other_ways_people_write_numbers_are_read_too(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int n;
    } cases[] = {
        {"一百十", 110}, {"两百", 200}, {"两百零三", 203}, {"一百〇五", 105}, {"一十", 10}, {"一十二", 12}, {"七", 7},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int n = 0;
        if (!draft_numeral_parse(cases[i].text, strlen(cases[i].text), &n) || n != cases[i].n)
            fail_msg("%s read as %d, wanted %d", cases[i].text, n, cases[i].n);
    }
}

static void malformed_numbers_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",     "零",   "百",     "一百二", /* said aloud as 120: ambiguous in a draft */
        "十零", "一一", "二十两", "两",     "两十",   "一千", "一百零", "一百零十", "0",
        "012",  "1000", "1a",     "十百",   "一百百", "第一", "一 二",  "-1",       "九百九十九一",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int n = -7;
        if (draft_numeral_parse(bad[i], strlen(bad[i]), &n))
            fail_msg("\"%s\" was read as %d", bad[i], n);
    }
}

/* ---- splitting ---- */

/* Splits text, failing the test on an error. */
static void split_ok(const char *text, draft_articles_t *out)
{
    draft_error_t err;
    if (draft_split(text, out, &err) != 0)
        fail_msg("split refused (line %d): %s", err.line, err.message);
}

static void a_pasted_regulation_splits_into_articles_under_its_chapters(void **state)
{
    (void)state;
    const char *text = "如东县养犬管理条例（草案）\n"
                       "\n"
                       "目录\n"
                       "第一章　总则\n"
                       "第二章　登记管理\n"
                       "\n"
                       "第一章　总则\n"
                       "第一条　为了规范养犬行为，保障公民健康和人身安全，制定本条例。\n"
                       "第二条　本条例适用于本县行政区域内的养犬管理。\n"
                       "　　乡镇人民政府、街道办事处协助做好相关工作。\n"
                       "第二章　登记管理\n"
                       "第一节 一般规定\n"
                       "第三条 【登记】 养犬人应当为犬只办理登记。\n"
                       "第四条养犬人应当遵守下列规定：\n"
                       "（一）携犬出户时束犬链；\n"
                       "（二）及时清除犬只粪便。\n";
    draft_articles_t a;
    split_ok(text, &a);
    assert_int_equal(a.count, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(a.items[i].number, i + 1);
    assert_string_equal(a.items[0].topic, "总则");
    assert_string_equal(a.items[0].text, "为了规范养犬行为，保障公民健康和人身安全，制定本条例。");
    assert_int_equal(a.items[0].line, 8);
    assert_string_equal(a.items[1].text,
                        "本条例适用于本县行政区域内的养犬管理。\n乡镇人民政府、街道办事处协助做好相关工作。");
    assert_string_equal(a.items[2].topic, "登记管理");
    assert_string_equal(a.items[2].heading, "登记");
    assert_string_equal(a.items[2].text, "养犬人应当为犬只办理登记。");
    assert_string_equal(a.items[3].heading, "");
    assert_string_equal(a.items[3].text,
                        "养犬人应当遵守下列规定：\n（一）携犬出户时束犬链；\n（二）及时清除犬只粪便。");
    draft_articles_free(&a);
    assert_int_equal(a.count, 0);
    assert_null(a.items);
}

static void windows_line_endings_blank_lines_and_spaces_change_nothing(void **state)
{
    (void)state;
    draft_articles_t unix_style, windows;
    split_ok("第一章 总则\n第一条 甲。\n第二条 乙。\n丙。\n", &unix_style);
    split_ok("  第一章  总则  \r\n\r\n\t第一条　　甲。　\r\n\r\n第二条 乙。\r\n   丙。\r\n\r\n", &windows);
    assert_int_equal(unix_style.count, windows.count);
    for (size_t i = 0; i < windows.count; i++) {
        assert_int_equal(unix_style.items[i].number, windows.items[i].number);
        assert_string_equal(unix_style.items[i].text, windows.items[i].text);
        assert_string_equal(unix_style.items[i].topic, windows.items[i].topic);
    }
    assert_string_equal(windows.items[1].text, "乙。\n丙。");
    draft_articles_free(&unix_style);
    draft_articles_free(&windows);
}

static void articles_without_chapters_have_no_topic_and_a_bare_chapter_is_named_by_its_label(void **state)
{
    (void)state;
    draft_articles_t a;
    split_ok("第一条 甲。\n第三章\n第二条 乙。", &a); /* the last line has no newline */
    assert_int_equal(a.count, 2);
    assert_string_equal(a.items[0].topic, "");
    assert_string_equal(a.items[1].topic, "第三章");
    assert_string_equal(a.items[1].text, "乙。");
    draft_articles_free(&a);
}

static void numbers_in_the_hundreds_and_arabic_numbers_split_too(void **state)
{
    (void)state;
    draft_articles_t a;
    split_ok("第九十九条 甲。\n第一百条 乙。\n第一百零五条 丙。\n第一百一十条 丁。\n第111条 戊。\n", &a);
    assert_int_equal(a.count, 5);
    const int want[] = {99, 100, 105, 110, 111};
    for (int i = 0; i < 5; i++)
        assert_int_equal(a.items[i].number, want[i]);
    draft_articles_free(&a);
}

static void a_line_that_opens_with_an_earlier_article_number_stays_in_the_text(void **state)
{
    (void)state;
    draft_articles_t a;
    split_ok("第一条 甲。\n第二条 有下列情形之一的：\n第一条规定的情形除外。\n第三条 丙。\n", &a);
    assert_int_equal(a.count, 3);
    assert_string_equal(a.items[1].text, "有下列情形之一的：\n第一条规定的情形除外。");
    draft_articles_free(&a);
}

static void text_that_only_looks_like_a_label_is_not_one(void **state)
{
    (void)state;
    draft_articles_t a;
    /* 第一次, 第X条 without a numeral, and 第 at the end of a line are plain text */
    split_ok("第一条 甲。\n第一次会议通过。\n第条 不是条文。\n第\n", &a);
    assert_int_equal(a.count, 1);
    assert_string_equal(a.items[0].text, "甲。\n第一次会议通过。\n第条 不是条文。\n第");
    draft_articles_free(&a);
}

static void drafts_that_cannot_be_split_are_refused_with_the_line_at_fault(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line;
        const char *says;
    } cases[] = {
        {"", 0, "no article"},
        {"某某条例（草案）\n总则\n", 0, "no article"},
        {"第一条 甲。\n第二条\n第三条 丙。\n", 2, "第二条 has no text"},
        {"第一条 甲。\n第二条　　\n", 2, "第二条 has no text"},
        {"第一条 甲。\n第二条 乙。\n第一章 总则\n", 0, NULL}, /* a chapter with no article after it is fine */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        draft_articles_t a;
        draft_error_t err;
        int rc = draft_split(cases[i].text, &a, &err);
        if (cases[i].says == NULL) {
            assert_int_equal(rc, 0);
            draft_articles_free(&a);
            continue;
        }
        assert_int_equal(rc, DRAFT_EINVALID);
        assert_int_equal(a.count, 0);
        assert_int_equal(err.line, cases[i].line);
        if (strstr(err.message, cases[i].says) == NULL)
            fail_msg("case %zu says \"%s\", not \"%s\"", i, err.message, cases[i].says);
    }
}

static void an_article_over_5000_characters_is_refused(void **state)
{
    (void)state;
    static char text[32 + 3 * (DRAFT_ARTICLE_MAX_CHARS + 1)];
    strcpy(text, "第一条 ");
    for (int i = 0; i < DRAFT_ARTICLE_MAX_CHARS; i++)
        strcat(text, "字");
    draft_articles_t a;
    draft_error_t err;
    assert_int_equal(draft_split(text, &a, &err), 0); /* exactly 5000 is fine */
    draft_articles_free(&a);
    strcat(text, "字");
    assert_int_equal(draft_split(text, &a, &err), DRAFT_EINVALID);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "longer than 5000"));
}

static void a_draft_of_999_articles_splits_and_the_numbers_stop_there(void **state)
{
    (void)state;
    buf_t text;
    buf_init(&text);
    for (int n = 1; n <= DRAFT_MAX_NUMBER; n++) {
        char label[DRAFT_NUMERAL_MAX + 8];
        draft_article_label(n, label);
        buf_addf(&text, "%s 内容%d。\n", label, n);
    }
    draft_articles_t a;
    split_ok(text.data, &a);
    assert_int_equal(a.count, DRAFT_MAX_ARTICLES);
    assert_int_equal(a.items[998].number, 999);
    draft_articles_free(&a);
    buf_adds(&text, "第1000条 多余。\n"); /* not a number a draft may use: text of the last article */
    split_ok(text.data, &a);
    assert_int_equal(a.count, DRAFT_MAX_ARTICLES);
    assert_non_null(strstr(a.items[998].text, "第1000条"));
    draft_articles_free(&a);
    buf_free(&text);
}

static void articles_added_one_by_one_keep_copies(void **state)
{
    (void)state;
    draft_articles_t a;
    draft_articles_init(&a);
    char text[16] = "甲。";
    for (int n = 1; n <= 40; n++)
        draft_articles_add(&a, n, NULL, text, n < 20 ? "总则" : NULL);
    text[0] = 'x';
    assert_int_equal(a.count, 40);
    assert_string_equal(a.items[39].text, "甲。");
    assert_string_equal(a.items[0].topic, "总则");
    assert_string_equal(a.items[39].topic, "");
    assert_string_equal(a.items[39].heading, "");
    draft_articles_free(&a);
}

/* ---- the consultation ---- */

static void a_draft_takes_comments_to_the_last_second_of_its_deadline_day_in_beijing(void **state)
{
    (void)state;
    calendar_day_t day;
    assert_int_equal(calendar_parse_date("2026-03-31", &day), 0);
    int64_t closes = draft_closes_at(day);
    /* 2026-03-31 23:59:59 +08:00 is 15:59:59 UTC */
    assert_int_equal(closes, 1774972799);
    static const struct {
        bool published;
        int64_t at;
        draft_state_t state;
    } cases[] = {
        {true, 1774972799 - 86400 * 30, DRAFT_OPEN},
        {true, 1774972799, DRAFT_OPEN},
        {true, 1774972800, DRAFT_CLOSED}, /* 2026-04-01 00:00:00 in Beijing */
        {true, 1774972800 + 86400 * 365, DRAFT_CLOSED},
        {false, 1774972799 - 86400, DRAFT_UNPUBLISHED},
        {false, 1774972800, DRAFT_UNPUBLISHED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(draft_state(cases[i].published, closes, cases[i].at), cases[i].state);
        assert_int_equal(draft_accepts_comments(cases[i].published, closes, cases[i].at), cases[i].state == DRAFT_OPEN);
    }
    assert_string_equal(draft_state_name(DRAFT_UNPUBLISHED), "draft");
    assert_string_equal(draft_state_name(DRAFT_OPEN), "open");
    assert_string_equal(draft_state_name(DRAFT_CLOSED), "closed");
}

static void comment_sources_are_named_both_ways(void **state)
{
    (void)state;
    for (int s = 0; s < DRAFT_SOURCE_COUNT; s++)
        assert_int_equal(draft_source_from_name(draft_source_name((draft_source_t)s)), s);
    assert_string_equal(draft_source_name(DRAFT_SOURCE_MEETING), "meeting");
    assert_int_equal(draft_source_from_name("letter"), -1);
    assert_int_equal(draft_source_from_name(NULL), -1);
}

static void a_constituents_name_is_shown_masked(void **state)
{
    (void)state;
    static const struct {
        const char *name, *shown;
    } cases[] = {
        {"张三", "张*"}, {"王小明", "王**"}, {"欧阳娜娜", "欧**"}, {"李", "李"}, {"", ""}, {"Li Lei", "L**"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_t out;
        buf_init(&out);
        draft_mask_name(cases[i].name, &out);
        assert_string_equal(out.data ? out.data : "", cases[i].shown);
        buf_free(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_number_from_1_to_999_reads_back_as_written),
        cmocka_unit_test(numbers_are_written_the_way_drafts_write_them),
        cmocka_unit_test(other_ways_people_write_numbers_are_read_too),
        cmocka_unit_test(malformed_numbers_are_refused),
        cmocka_unit_test(a_pasted_regulation_splits_into_articles_under_its_chapters),
        cmocka_unit_test(windows_line_endings_blank_lines_and_spaces_change_nothing),
        cmocka_unit_test(articles_without_chapters_have_no_topic_and_a_bare_chapter_is_named_by_its_label),
        cmocka_unit_test(numbers_in_the_hundreds_and_arabic_numbers_split_too),
        cmocka_unit_test(a_line_that_opens_with_an_earlier_article_number_stays_in_the_text),
        cmocka_unit_test(text_that_only_looks_like_a_label_is_not_one),
        cmocka_unit_test(drafts_that_cannot_be_split_are_refused_with_the_line_at_fault),
        cmocka_unit_test(an_article_over_5000_characters_is_refused),
        cmocka_unit_test(a_draft_of_999_articles_splits_and_the_numbers_stop_there),
        cmocka_unit_test(articles_added_one_by_one_keep_copies),
        cmocka_unit_test(a_draft_takes_comments_to_the_last_second_of_its_deadline_day_in_beijing),
        cmocka_unit_test(comment_sources_are_named_both_ways),
        cmocka_unit_test(a_constituents_name_is_shown_masked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
