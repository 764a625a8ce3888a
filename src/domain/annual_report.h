/*
 * annual_report: the draft of a deputy's annual report to voters (述职报告, SPEC §6) written from
 * the figures of one year. Pure: the store gathers the year's confirmed duty records and the
 * figures of receptions, opinions and suggestions; this module only turns them into text.
 *
 * The draft is plain text in four sections, under the headings people expect on paper:
 *   一、参加活动情况        the records of every kind but those below, by kind, with their titles
 *   二、接待和联系选民情况  reception days and people received, then reception and home-visit records
 *   三、办理群众意见情况    opinions received, handled and answered, then the online-duty records
 *   四、提出建议及办理情况  suggestions led and co-signed with their state, reply category and rating
 * A section with nothing in it says so, so the deputy sees what is missing before publishing.
 */
#ifndef LIAISON_DOMAIN_ANNUAL_REPORT_H
#define LIAISON_DOMAIN_ANNUAL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum {
    ANNUAL_REPORT_TITLES_MAX = 30, /* titles listed per kind; the rest are counted */
};

/* One confirmed duty record of the year. */
typedef struct {
    const char *kind;      /* a duty_rules.kind */
    const char *kind_name; /* the rule's name, 学习培训 */
    const char *title;
    const char *happened_on; /* YYYY-MM-DD */
    const char *source;      /* manual, activity, visit, opinion, suggestion, cosign, ballot, campaign */
} annual_report_record_t;

/* A suggestion the deputy led or co-signed. */
typedef struct {
    const char *title;
    int64_t number;             /* 立案 number; 0 before acceptance */
    bool cosigned;              /* co-signed (附议) rather than led (领衔) */
    const char *state;          /* a suggestion state word (domain/suggestion.h) */
    const char *reply_category; /* A, B, C or NULL */
    const char *rating;         /* the deputy's rating of the reply: satisfied, basic, unsatisfied or NULL */
} annual_report_suggestion_t;

typedef struct {
    const char *deputy_name;
    int year;
    const annual_report_record_t *records; /* in the order they happened */
    size_t nrecords;
    int64_t reception_days;  /* days of held reception activities the deputy attended */
    int64_t people_received; /* visitors received at them */
    int64_t opinions_received, opinions_handled, opinions_answered, opinions_satisfied;
    const annual_report_suggestion_t *suggestions;
    size_t nsuggestions;
} annual_report_figures_t;

/* "<name> <year> 年度履职报告" appended to out. */
void annual_report_title(const char *deputy_name, int year, buf_t *out);
/* The draft's body appended to out. */
void annual_report_draft(const annual_report_figures_t *f, buf_t *out);
/* The section (1-4) a kind of duty is reported under. */
int annual_report_section_of(const char *kind);

/* The words of a report in Chinese: a suggestion state (已答复), a reply category (A: 所提问题已经
 * 解决或基本解决), a rating (满意); "" for an unknown word. */
const char *annual_report_state_zh(const char *state);
const char *annual_report_category_zh(const char *category);
const char *annual_report_rating_zh(const char *rating);

#endif
