/*
 * test_annual_report: the draft of a deputy's annual report (src/domain/annual_report.c). The four
 * headings come in order whatever the year held, and a section with nothing says so; records are
 * listed under the section of their kind, grouped in the order of the scoring rules with their
 * counts and titles; long lists are cut with a count of the rest; suggestions show their number,
 * state, reply category and the deputy's rating, led ones before co-signed ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/annual_report.h"
#include "domain/duty.h"

static const char *const headings[] = {"一、参加活动情况", "二、接待和联系选民情况", "三、办理群众意见情况",
                                       "四、提出建议及办理情况"};

/* The draft of f, owned by the caller's buffer. */
static char *draft(const annual_report_figures_t *f, buf_t *b)
{
    buf_init(b);
    annual_report_draft(f, b);
    return b->data;
}

/* The text of section n (1-4): from its heading to the next one (or the end). */
static void section(const char *text, int n, char *out, size_t cap)
{
    const char *from = strstr(text, headings[n - 1]);
    assert_non_null(from);
    const char *to = n < 4 ? strstr(from, headings[n]) : from + strlen(from);
    assert_non_null(to);
    snprintf(out, cap, "%.*s", (int)(to - from), from);
}

static void the_title_names_the_deputy_and_the_year(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    annual_report_title("周霞", 2026, &b);
    assert_string_equal(b.data, "周霞 2026 年度履职报告");
    buf_free(&b);
}

static void an_empty_year_has_the_four_headings_in_order_and_says_each_is_empty(void **state)
{
    (void)state;
    annual_report_figures_t f = {.deputy_name = "周霞", .year = 2025};
    buf_t b;
    const char *text = draft(&f, &b);
    const char *at = text;
    for (int i = 0; i < 4; i++) {
        const char *h = strstr(at, headings[i]);
        if (h == NULL)
            fail_msg("heading %s missing (or out of order) in:\n%s", headings[i], text);
        at = h + strlen(headings[i]);
    }
    assert_non_null(strstr(text, "2025 年"));
    char s[2048];
    for (int n = 1; n <= 4; n++) {
        section(text, n, s, sizeof(s));
        assert_non_null(strstr(s, "本年度暂无"));
    }
    buf_free(&b);
}

static void every_kind_of_duty_belongs_to_one_section(void **state)
{
    (void)state;
    static const int want[DUTY_KINDS] = {1, 1, 1, 1, 2, 2, 4, 1, 1, 1, 1, 3};
    for (int k = 0; k < DUTY_KINDS; k++)
        if (annual_report_section_of(duty_kinds[k]) != want[k])
            fail_msg("%s is in section %d, not %d", duty_kinds[k], annual_report_section_of(duty_kinds[k]), want[k]);
}

static void records_are_listed_by_kind_in_the_rules_order_under_their_section(void **state)
{
    (void)state;
    const annual_report_record_t records[] = {
        {"inspection", "视察调研", "全县农村人居环境整治视察", "2026-03-02", "manual"},
        {"training", "学习培训", "代表履职能力提升培训班", "2026-04-10", "manual"},
        {"visit", "走访群众", "走访掘港街道独居老人", "2026-05-01", "manual"},
        {"reception", "接待选民", "接待日", "2026-05-08", "activity"},
        {"training", "学习培训", "乡村振兴专题学习", "2026-06-01", "manual"},
        {"online", "网上履职", "答复群众意见 AC3D4", "2026-06-02", "opinion"},
        {"suggestion", "提出建议", "关于加装电梯的建议", "2026-06-03", "suggestion"},
        {"suggestion", "提出建议", "在小组会上口头提出的建议", "2026-06-04", "manual"},
    };
    annual_report_figures_t f = {.deputy_name = "周霞",
                                 .year = 2026,
                                 .records = records,
                                 .nrecords = sizeof(records) / sizeof(*records),
                                 .reception_days = 1,
                                 .people_received = 6};
    buf_t b;
    const char *text = draft(&f, &b);
    char s[4096];
    section(text, 1, s, sizeof(s));
    assert_non_null(strstr(s, "共 3 次"));
    /* training comes before inspection in the rules, whatever order they happened in */
    const char *training = strstr(s, "（一）学习培训 2 次");
    const char *inspection = strstr(s, "（二）视察调研 1 次");
    assert_non_null(training);
    assert_non_null(inspection);
    assert_true(training < inspection);
    assert_non_null(strstr(training, "1. 2026-04-10 代表履职能力提升培训班"));
    assert_non_null(strstr(training, "2. 2026-06-01 乡村振兴专题学习"));
    assert_null(strstr(s, "走访"));
    section(text, 2, s, sizeof(s));
    assert_non_null(strstr(s, "接待选民活动 1 天，接待来访群众 6 人次"));
    assert_non_null(strstr(s, "（一）接待选民 1 次"));
    assert_non_null(strstr(s, "（二）走访群众 1 次"));
    assert_non_null(strstr(s, "走访掘港街道独居老人"));
    section(text, 3, s, sizeof(s));
    assert_non_null(strstr(s, "答复群众意见 AC3D4"));
    section(text, 4, s, sizeof(s));
    /* the module's record is the suggestion itself (reported with its result); a typed one is listed */
    assert_null(strstr(s, "关于加装电梯的建议"));
    assert_non_null(strstr(s, "在小组会上口头提出的建议"));
    buf_free(&b);
}

static void a_long_list_is_cut_after_thirty_titles_with_a_count_of_the_rest(void **state)
{
    (void)state;
    enum { N = ANNUAL_REPORT_TITLES_MAX + 5 };
    annual_report_record_t records[N];
    char titles[N][32];
    for (int i = 0; i < N; i++) {
        snprintf(titles[i], sizeof(titles[i]), "第%d次小组活动", i + 1);
        records[i] = (annual_report_record_t){"group", "小组活动", titles[i], "2026-07-01", "activity"};
    }
    annual_report_figures_t f = {.deputy_name = "周霞", .year = 2026, .records = records, .nrecords = N};
    buf_t b;
    const char *text = draft(&f, &b);
    assert_non_null(strstr(text, "小组活动 35 次"));
    assert_non_null(strstr(text, "30. 2026-07-01 第30次小组活动"));
    assert_null(strstr(text, "第31次小组活动"));
    assert_non_null(strstr(text, "另有 5 次"));
    buf_free(&b);
}

static void opinions_give_received_handled_and_answered_and_the_satisfied_ones_when_any(void **state)
{
    (void)state;
    annual_report_figures_t f = {
        .deputy_name = "周霞", .year = 2026, .opinions_received = 5, .opinions_handled = 3, .opinions_answered = 2};
    buf_t b;
    char s[1024];
    section(draft(&f, &b), 3, s, sizeof(s));
    assert_non_null(strstr(s, "收到群众意见 5 件，负责办理 3 件，已答复 2 件。"));
    assert_null(strstr(s, "满意"));
    buf_free(&b);
    f.opinions_satisfied = 1;
    section(draft(&f, &b), 3, s, sizeof(s));
    assert_non_null(strstr(s, "已答复 2 件，其中群众评价满意 1 件。"));
    buf_free(&b);
}

static void suggestions_show_number_state_category_and_rating_led_ones_first(void **state)
{
    (void)state;
    const annual_report_suggestion_t list[] = {
        {"关于附议的建议", 9, true, "handling", NULL, NULL},
        {"关于修缮机耕道路的建议", 4, false, "closed", "A", "satisfied"},
        {"关于校园周边交通的建议", 0, false, "submitted", NULL, NULL},
    };
    annual_report_figures_t f = {.deputy_name = "周霞", .year = 2026, .suggestions = list, .nsuggestions = 3};
    buf_t b;
    char s[2048];
    section(draft(&f, &b), 4, s, sizeof(s));
    assert_non_null(strstr(s, "领衔提出建议 2 件，附议建议 1 件。"));
    const char *first =
        strstr(s, "1. 《关于修缮机耕道路的建议》（第0004号，领衔）：办结，答复为A类（所提问题已经解决或基本解决），"
                  "代表评价：满意。");
    const char *second = strstr(s, "2. 《关于校园周边交通的建议》（领衔）：已提交。");
    const char *third = strstr(s, "3. 《关于附议的建议》（第0009号，附议）：办理中。");
    if (!first || !second || !third)
        fail_msg("suggestions not as expected:\n%s", s);
    buf_free(&b);
}

static void unknown_words_are_not_translated(void **state)
{
    (void)state;
    assert_string_equal(annual_report_state_zh("replied"), "已答复");
    assert_string_equal(annual_report_state_zh("bogus"), "");
    assert_string_equal(annual_report_state_zh(NULL), "");
    assert_string_equal(annual_report_category_zh("D"), "");
    assert_string_equal(annual_report_rating_zh("basic"), "基本满意");
    assert_string_equal(annual_report_rating_zh(""), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_title_names_the_deputy_and_the_year),
        cmocka_unit_test(an_empty_year_has_the_four_headings_in_order_and_says_each_is_empty),
        cmocka_unit_test(every_kind_of_duty_belongs_to_one_section),
        cmocka_unit_test(records_are_listed_by_kind_in_the_rules_order_under_their_section),
        cmocka_unit_test(a_long_list_is_cut_after_thirty_titles_with_a_count_of_the_rest),
        cmocka_unit_test(opinions_give_received_handled_and_answered_and_the_satisfied_ones_when_any),
        cmocka_unit_test(suggestions_show_number_state_category_and_rating_led_ones_first),
        cmocka_unit_test(unknown_words_are_not_translated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
