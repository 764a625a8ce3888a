/*
 * books: the three record books a liaison station keeps (SPEC §3, 一表两卡三薄) and the words
 * they print. A book is a list of opinions of one station and period, told in columns:
 *   reception - 接待走访群众记录簿: who came or was visited, who received them, and what they
 *               raised: every reception visit, and the walk-ins and home visits entered without one;
 *   opinions  - 建议意见情况记录簿: every opinion and how it is being handled;
 *   feedback  - 反馈群众意见和诉求情况记录簿: the answers given and how they were rated.
 * Each column has a key (the JSON and the web page's label), a Chinese and an English header.
 */
#ifndef LIAISON_DOMAIN_BOOKS_H
#define LIAISON_DOMAIN_BOOKS_H

#include <stdbool.h>

#include "domain/opinion.h"

typedef enum { BOOK_RECEPTION, BOOK_OPINIONS, BOOK_FEEDBACK, BOOK_COUNT } book_kind_t;

typedef enum {
    COL_CODE,      /* 编号 */
    COL_DATE,      /* 登记日期 */
    COL_CHANNEL,   /* 渠道 / 方式 */
    COL_PERSON,    /* 群众 (name masked) */
    COL_PHONE,     /* 联系电话 (last four digits) */
    COL_CATEGORY,  /* 类别 */
    COL_CONTENT,   /* 反映事项 */
    COL_HANDLING,  /* 办理方式 */
    COL_UNITS,     /* 承办单位 */
    COL_STATE,     /* 办理状态 */
    COL_ANSWERED,  /* 答复日期 */
    COL_ANSWER,    /* 答复内容 */
    COL_RATING,    /* 群众评价 */
    COL_COMMENT,   /* 评价意见 */
    COL_RECEIVED,  /* 接待人 */
    COL_COUNT
} book_column_t;

typedef struct {
    const char *name;          /* reception, opinions, feedback */
    const char *title, *title_en;
    const book_column_t *columns;
    int ncols;
} book_t;

/* The book called name, or NULL. */
const book_t *book_by_name(const char *name);
const book_t *book_get(book_kind_t kind);
/* Whether an opinion belongs in the book: reception holds walk-ins and home visits not raised at
 * a reception visit (the visit stands for those), feedback the answered, opinions all. */
bool book_holds(const book_t *book, const char *channel, bool answered, bool raised_at_visit);

const char *book_column_key(book_column_t col);
const char *book_column_header(book_column_t col, bool english);

/* The words a book prints for values (Chinese, or English when english). */
const char *book_state_word(opinion_state_t state, bool english);
/* A channel of an opinion, or "reception" for a visit received at a reception day or activity. */
const char *book_channel_word(const char *channel, bool english);
const char *book_handling_word(const char *disposition, bool english);
const char *book_rating_word(opinion_rating_t rating, bool english);

#endif
