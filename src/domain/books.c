/* books: the record books' columns and words, as tables (see books.h). */
#include "domain/books.h"

#include <string.h>

static const book_column_t reception_cols[] = {COL_DATE,    COL_CHANNEL,  COL_PERSON, COL_PHONE,
                                               COL_CONTENT, COL_RECEIVED, COL_STATE};
static const book_column_t opinions_cols[] = {COL_CODE, COL_DATE, COL_CHANNEL, COL_CATEGORY, COL_CONTENT,
                                              COL_HANDLING, COL_UNITS, COL_STATE};
static const book_column_t feedback_cols[] = {COL_CODE, COL_DATE, COL_CONTENT, COL_ANSWERED, COL_ANSWER,
                                              COL_RATING, COL_COMMENT};

#define N(a) ((int)(sizeof(a) / sizeof(a[0])))
static const book_t books[BOOK_COUNT] = {
    {"reception", "接待走访群众记录簿", "Reception and visit record", reception_cols, N(reception_cols)},
    {"opinions", "建议意见情况记录簿", "Opinions and suggestions record", opinions_cols, N(opinions_cols)},
    {"feedback", "反馈群众意见和诉求情况记录簿", "Feedback record", feedback_cols, N(feedback_cols)},
};

static const struct {
    const char *key, *zh, *en;
} columns[COL_COUNT] = {
    [COL_CODE] = {"code", "编号", "Code"},
    [COL_DATE] = {"date", "登记日期", "Date"},
    [COL_CHANNEL] = {"channel", "方式", "Channel"},
    [COL_PERSON] = {"person", "群众", "Constituent"},
    [COL_PHONE] = {"phone", "联系电话", "Phone"},
    [COL_CATEGORY] = {"category", "类别", "Category"},
    [COL_CONTENT] = {"content", "反映事项", "Matter raised"},
    [COL_HANDLING] = {"handling", "办理方式", "Handling"},
    [COL_UNITS] = {"units", "承办单位", "Units"},
    [COL_STATE] = {"state", "办理情况", "State"},
    [COL_ANSWERED] = {"answered", "答复日期", "Answered"},
    [COL_ANSWER] = {"answer", "答复内容", "Answer"},
    [COL_RATING] = {"rating", "群众评价", "Rating"},
    [COL_COMMENT] = {"comment", "评价意见", "Comment"},
    [COL_RECEIVED] = {"received_by", "接待人", "Received by"},
};

const book_t *book_by_name(const char *name)
{
    for (int i = 0; name && i < BOOK_COUNT; i++)
        if (strcmp(books[i].name, name) == 0)
            return &books[i];
    return NULL;
}

const book_t *book_get(book_kind_t kind)
{
    return kind < BOOK_COUNT ? &books[kind] : NULL;
}

bool book_holds(const book_t *book, const char *channel, bool answered, bool raised_at_visit)
{
    if (book == &books[BOOK_RECEPTION])
        return !raised_at_visit && (strcmp(channel, "walk_in") == 0 || strcmp(channel, "visit") == 0);
    if (book == &books[BOOK_FEEDBACK])
        return answered;
    return true;
}

const char *book_column_key(book_column_t col)
{
    return col < COL_COUNT ? columns[col].key : "";
}

const char *book_column_header(book_column_t col, bool english)
{
    return col < COL_COUNT ? (english ? columns[col].en : columns[col].zh) : "";
}

typedef struct {
    const char *word, *zh, *en;
} word_t;

static const char *lookup(const word_t *list, const char *word, bool english)
{
    for (; word && list->word; list++)
        if (strcmp(list->word, word) == 0)
            return english ? list->en : list->zh;
    return "";
}

const char *book_state_word(opinion_state_t state, bool english)
{
    static const word_t words[] = {
        {"registered", "已登记", "registered"}, {"triaged", "已受理", "triaged"},
        {"in_progress", "办理中", "in progress"}, {"answered", "已答复", "answered"},
        {"closed", "已办结", "closed"},          {"merged", "已合并", "merged"},
        {"rejected", "不予受理", "not accepted"}, {NULL, NULL, NULL},
    };
    return lookup(words, opinion_state_name(state), english);
}

const char *book_channel_word(const char *channel, bool english)
{
    static const word_t words[] = {
        {"online", "网上留言", "online"}, {"qr", "扫码留言", "QR code"}, {"walk_in", "来访", "walk-in"},
        {"visit", "走访", "home visit"}, {"phone", "来电", "phone"},   {"letter", "来信", "letter"},
        {"reception", "接待日来访", "reception"}, {NULL, NULL, NULL},
    };
    return lookup(words, channel, english);
}

const char *book_handling_word(const char *disposition, bool english)
{
    static const word_t words[] = {
        {"resolve", "当场解决", "resolved on the spot"}, {"refer", "转交承办单位", "referred to a unit"},
        {"to_suggestion", "转为代表建议", "made a deputy suggestion"}, {"keep", "留作参考", "kept for reference"},
        {NULL, NULL, NULL},
    };
    return lookup(words, disposition, english);
}

const char *book_rating_word(opinion_rating_t rating, bool english)
{
    static const word_t words[] = {
        {"satisfied", "满意", "satisfied"}, {"basic", "基本满意", "fairly satisfied"},
        {"unsatisfied", "不满意", "unsatisfied"}, {NULL, NULL, NULL},
    };
    return lookup(words, opinion_rating_name(rating), english);
}
