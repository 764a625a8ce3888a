/*
 * annual_report: the text of a 述职报告 draft (see annual_report.h). Records are grouped by kind
 * in the order of the scoring rules (duty_kinds), each group under a numbered sub-heading
 * （一）（二）... with its titles listed by day.
 */
#include "domain/annual_report.h"

#include <string.h>

#include "domain/draft.h"
#include "domain/duty.h"
#include "domain/suggestion.h"

/* The kinds a section lists besides its figures (section 1 lists every other kind). */
static const char *const reception_kinds[] = {"reception", "visit", NULL};
static const char *const opinion_kinds[] = {"online", NULL};
static const char *const suggestion_kinds[] = {"suggestion", NULL};

static bool kind_in(const char *const *kinds, const char *kind)
{
    for (; *kinds; kinds++)
        if (strcmp(*kinds, kind) == 0)
            return true;
    return false;
}

int annual_report_section_of(const char *kind)
{
    if (kind_in(reception_kinds, kind))
        return 2;
    if (kind_in(opinion_kinds, kind))
        return 3;
    if (kind_in(suggestion_kinds, kind))
        return 4;
    return 1;
}

/* Whether a record belongs in the listing of section. A suggestion record written by the
 * suggestion module is the suggestion itself, reported with its result in section 4; only typed
 * ones are listed beside it. */
static bool listed_in(const annual_report_record_t *r, int section)
{
    if (annual_report_section_of(r->kind) != section)
        return false;
    return section != 4 || strcmp(r->source, "manual") == 0;
}

static size_t count_listed(const annual_report_figures_t *f, int section)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nrecords; i++)
        n += listed_in(&f->records[i], section);
    return n;
}

/* The records of section, by kind in the rules' order, under （一）（二）...; "" when none. */
static void list_records(const annual_report_figures_t *f, int section, buf_t *out)
{
    int group = 0;
    for (int k = 0; k < DUTY_KINDS; k++) {
        size_t count = 0, shown = 0;
        const char *name = duty_kinds[k];
        for (size_t i = 0; i < f->nrecords; i++)
            if (listed_in(&f->records[i], section) && strcmp(f->records[i].kind, duty_kinds[k]) == 0) {
                count++;
                if (f->records[i].kind_name && *f->records[i].kind_name)
                    name = f->records[i].kind_name;
            }
        if (count == 0)
            continue;
        char numeral[DRAFT_NUMERAL_MAX];
        draft_numeral_format(++group, numeral);
        buf_addf(out, "（%s）%s %zu 次\n", numeral, name, count);
        for (size_t i = 0; i < f->nrecords && shown < ANNUAL_REPORT_TITLES_MAX; i++) {
            const annual_report_record_t *r = &f->records[i];
            if (listed_in(r, section) && strcmp(r->kind, duty_kinds[k]) == 0)
                buf_addf(out, "  %zu. %s %s\n", ++shown, r->happened_on, r->title);
        }
        if (count > shown)
            buf_addf(out, "  ……另有 %zu 次，详见履职档案。\n", count - shown);
    }
}

static void section_activities(const annual_report_figures_t *f, buf_t *out)
{
    size_t n = count_listed(f, 1);
    buf_adds(out, "一、参加活动情况\n");
    if (n == 0) {
        buf_adds(out, "本年度暂无参加活动的记录。\n");
        return;
    }
    buf_addf(out, "全年参加学习培训、会议、视察调研、小组活动等履职活动共 %zu 次。\n", n);
    list_records(f, 1, out);
}

static void section_receptions(const annual_report_figures_t *f, buf_t *out)
{
    buf_adds(out, "二、接待和联系选民情况\n");
    if (f->reception_days == 0 && count_listed(f, 2) == 0) {
        buf_adds(out, "本年度暂无接待和联系选民的记录。\n");
        return;
    }
    buf_addf(out, "全年到代表联络站参加接待选民活动 %lld 天，接待来访群众 %lld 人次。\n", (long long)f->reception_days,
             (long long)f->people_received);
    list_records(f, 2, out);
}

static void section_opinions(const annual_report_figures_t *f, buf_t *out)
{
    buf_adds(out, "三、办理群众意见情况\n");
    if (f->opinions_received == 0 && f->opinions_handled == 0 && count_listed(f, 3) == 0) {
        buf_adds(out, "本年度暂无办理群众意见的记录。\n");
        return;
    }
    buf_addf(out, "全年收到群众意见 %lld 件，负责办理 %lld 件，已答复 %lld 件", (long long)f->opinions_received,
             (long long)f->opinions_handled, (long long)f->opinions_answered);
    if (f->opinions_satisfied)
        buf_addf(out, "，其中群众评价满意 %lld 件", (long long)f->opinions_satisfied);
    buf_adds(out, "。\n");
    list_records(f, 3, out);
}

static void suggestion_line(const annual_report_suggestion_t *s, size_t n, buf_t *out)
{
    buf_addf(out, "  %zu. 《%s》（", n, s->title);
    if (s->number) {
        char number[16];
        suggestion_number_text(s->number, number);
        buf_addf(out, "%s，", number);
    }
    buf_addf(out, "%s）：%s", s->cosigned ? "附议" : "领衔", annual_report_state_zh(s->state));
    if (s->reply_category && *s->reply_category)
        buf_addf(out, "，答复为%s类（%s）", s->reply_category, annual_report_category_zh(s->reply_category));
    if (s->rating && *s->rating)
        buf_addf(out, "，代表评价：%s", annual_report_rating_zh(s->rating));
    buf_adds(out, "。\n");
}

static void section_suggestions(const annual_report_figures_t *f, buf_t *out)
{
    size_t led = 0, cosigned = 0, n = 0;
    for (size_t i = 0; i < f->nsuggestions; i++)
        f->suggestions[i].cosigned ? cosigned++ : led++;
    buf_adds(out, "四、提出建议及办理情况\n");
    if (f->nsuggestions == 0 && count_listed(f, 4) == 0) {
        buf_adds(out, "本年度暂无提出建议的记录。\n");
        return;
    }
    buf_addf(out, "全年领衔提出建议 %zu 件，附议建议 %zu 件。\n", led, cosigned);
    for (int pass = 0; pass < 2; pass++) /* led ones first */
        for (size_t i = 0; i < f->nsuggestions; i++)
            if (f->suggestions[i].cosigned == (pass == 1))
                suggestion_line(&f->suggestions[i], ++n, out);
    list_records(f, 4, out);
}

void annual_report_title(const char *deputy_name, int year, buf_t *out)
{
    buf_addf(out, "%s %d 年度履职报告", deputy_name, year);
}

void annual_report_draft(const annual_report_figures_t *f, buf_t *out)
{
    buf_addf(out, "%d 年，本人认真履行人大代表职责，密切联系选民。现将本年度履职情况报告如下：\n\n", f->year);
    section_activities(f, out);
    buf_adds(out, "\n");
    section_receptions(f, out);
    buf_adds(out, "\n");
    section_opinions(f, out);
    buf_adds(out, "\n");
    section_suggestions(f, out);
    buf_adds(out, "\n以上报告，请选民审议。\n");
}

static const char *word_zh(const char *const (*table)[2], const char *word)
{
    for (; word && (*table)[0]; table++)
        if (strcmp((*table)[0], word) == 0)
            return (*table)[1];
    return "";
}

const char *annual_report_state_zh(const char *state)
{
    static const char *const words[][2] = {
        {"draft", "草稿"},      {"submitted", "已提交"}, {"returned", "退回修改"},  {"letter", "转为来信"},
        {"accepted", "已立案"}, {"assigned", "已交办"},  {"contested", "申请调整"}, {"handling", "办理中"},
        {"replied", "已答复"},  {"evaluated", "已评价"}, {"closed", "办结"},        {NULL, NULL},
    };
    return word_zh(words, state);
}

const char *annual_report_category_zh(const char *category)
{
    static const char *const words[][2] = {
        {"A", "所提问题已经解决或基本解决"},
        {"B", "所提问题正在解决或已列入计划逐步解决"},
        {"C", "所提问题因条件限制暂时无法解决，留作参考"},
        {NULL, NULL},
    };
    return word_zh(words, category);
}

const char *annual_report_rating_zh(const char *rating)
{
    static const char *const words[][2] = {
        {"satisfied", "满意"}, {"basic", "基本满意"}, {"unsatisfied", "不满意"}, {NULL, NULL}};
    return word_zh(words, rating);
}
