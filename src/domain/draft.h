/*
 * draft: the rules of legislative consultation (SPEC §4a, 立法征求意见) - how a draft law or
 * regulation pasted as text falls apart into its articles (第一条, 第二条 … 第一百零五条) under the
 * chapters that give their topics (第一章 总则), whether a draft still takes comments, and how an
 * author's name is shown. Nothing here does I/O.
 *
 * A draft is published by the office of a region and takes comments until the end of its
 * deadline day in Beijing time. Its state is derived, never stored apart from "published":
 * unpublished (the office is still preparing it), open, or closed once the deadline has passed.
 */
#ifndef LIAISON_DOMAIN_DRAFT_H
#define LIAISON_DOMAIN_DRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/calendar.h"

enum {
    DRAFT_EINVALID = -1,
    DRAFT_MAX_NUMBER = 999, /* article and chapter numbers go up to the hundreds */
    DRAFT_MAX_ARTICLES = 999,
    DRAFT_ARTICLE_MAX_CHARS = 5000, /* an article's text, as a person counts characters */
    DRAFT_HEADING_MAX_CHARS = 50,
    DRAFT_TOPIC_MAX_CHARS = 50,
    DRAFT_NUMERAL_MAX = 40, /* bytes of the longest numeral written by draft_numeral_format */
};

/* ---- numerals ------------------------------------------------------------------------------- */

/* The value (1..999) of a Chinese numeral as drafts write article numbers - 一 九 十 十二 二十
 * 一百 一百零五 一百一十 (also 一百十), 两 for 二 before 百, 〇 for 零 - or of Arabic digits (12).
 * len bytes of s, nothing else around; false for anything else. */
bool draft_numeral_parse(const char *s, size_t len, int *value);
/* Writes n (1..999) as drafts write it (十二, 一百零五, 一百一十) into out; "" for other n. */
void draft_numeral_format(int n, char out[DRAFT_NUMERAL_MAX]);
/* "第十二条" for 12, into out. */
void draft_article_label(int n, char out[DRAFT_NUMERAL_MAX + 8]);

/* ---- splitting a pasted draft --------------------------------------------------------------- */

typedef struct {
    int number;    /* 第N条 */
    int line;      /* the line of the pasted text where it begins (1-based) */
    char *heading; /* 【立法目的】 at its start without the brackets, or "" */
    char *text;    /* its paragraphs joined by "\n" */
    char *topic;   /* the title of the chapter it stands in (总则), or "" before any chapter */
} draft_article_t;

typedef struct {
    draft_article_t *items; /* owned: draft_articles_free */
    size_t count, cap;
} draft_articles_t;

typedef struct {
    int line;          /* of the pasted text, 1-based; 0 for the text as a whole */
    char message[200]; /* a sentence for the person who pasted it */
} draft_error_t;

void draft_articles_init(draft_articles_t *a);
void draft_articles_free(draft_articles_t *a);
/* Appends an article with copies of heading, text and topic (NULL is ""). */
void draft_articles_add(draft_articles_t *a, int number, const char *heading, const char *text, const char *topic);

/*
 * Splits text into articles. An article begins on a line starting with 第<numeral>条 (leading
 * spaces, full-width ones too, are ignored) and runs to the next article or chapter line; a
 * line starting with 第<numeral>章 sets the topic of the articles after it to the chapter's
 * title; 第<numeral>节 lines (sections) are left out. What comes before the first article (the
 * title, a preamble, a table of contents) is not an article. Numbers must grow: a line whose
 * number is not above the last article's is part of that article's text (a reference such as
 * "第三条规定的情形…" that happens to open a line). Blank lines are dropped and \r\n is read as \n.
 * Returns 0, or DRAFT_EINVALID with err when there is no article, an article has no text, or
 * a limit (DRAFT_MAX_ARTICLES, DRAFT_ARTICLE_MAX_CHARS) is passed; out then holds nothing.
 */
int draft_split(const char *text, draft_articles_t *out, draft_error_t *err);

/* ---- the consultation ----------------------------------------------------------------------- */

typedef enum {
    DRAFT_UNPUBLISHED = 0, /* "draft": only the office sees it */
    DRAFT_OPEN,            /* published, deadline not passed: takes comments */
    DRAFT_CLOSED,          /* published, deadline passed */
} draft_state_t;

/* "draft", "open", "closed". */
const char *draft_state_name(draft_state_t state);
/* The state at time now of a draft published or not, taking comments until closes_at. */
draft_state_t draft_state(bool published, int64_t closes_at, int64_t now);
/* The last second a draft with this deadline day takes comments: 23:59:59 Beijing time. */
int64_t draft_closes_at(calendar_day_t deadline);
/* Whether a comment sent at now is taken. */
bool draft_accepts_comments(bool published, int64_t closes_at, int64_t now);

/* Where a comment came from. */
typedef enum {
    DRAFT_SOURCE_ONLINE = 0, /* a constituent, on the public page */
    DRAFT_SOURCE_DEPUTY,     /* a signed-in deputy */
    DRAFT_SOURCE_MEETING,    /* recorded by staff at a meeting (座谈会) of a station */
    DRAFT_SOURCE_COUNT
} draft_source_t;

const char *draft_source_name(draft_source_t source);
/* The source named, or -1. */
int draft_source_from_name(const char *name);

/* How a constituent's name is shown beside a comment: the first character and one * for each
 * of the next (at most two): 张三 -> 张*, 欧阳娜娜 -> 欧**. Appends to out; nothing for "". */
void draft_mask_name(const char *name, buf_t *out);

#endif
