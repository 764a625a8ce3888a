/*
 * draft: splitting a pasted draft into articles, and the consultation's few rules (see draft.h).
 *
 * The splitter reads line by line. The one idea: a line is classified by its opening label
 * (第…条, 第…章, 第…节) alone, and the numeral between 第 and the label is read by a small
 * grammar of hundreds, tens and units, so 第一百零五条 and 第一百一十条 need no table.
 */
#include "domain/draft.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* ---- numerals ------------------------------------------------------------------------------- */

static const char *const digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

/* The digit 0..9 a character at *p stands for (advancing *p), or -1 (leaving *p). 两 stands for
 * 2 only where liang is true (before 百). */
static int read_digit(const char **p, const char *end, bool liang)
{
    static const struct {
        const char *text;
        int value;
    } words[] = {{"零", 0}, {"〇", 0}, {"一", 1}, {"二", 2}, {"两", 2}, {"三", 3},
                 {"四", 4}, {"五", 5}, {"六", 6}, {"七", 7}, {"八", 8}, {"九", 9}};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i].text);
        if ((size_t)(end - *p) >= n && memcmp(*p, words[i].text, n) == 0) {
            if (!liang && strcmp(words[i].text, "两") == 0)
                return -1;
            *p += n;
            return words[i].value;
        }
    }
    return -1;
}

static bool read_word(const char **p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
        return false;
    *p += n;
    return true;
}

static bool arabic(const char *s, size_t len, int *value)
{
    if (len > 3 || s[0] == '0')
        return false;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

/* The grammar: [d 百] ( 零 d | [d] 十 [d] | d )? with d in 1..9, where [d] before 十 is left out
 * only after a hundreds part or at the start (十二), and a lone units digit only at the start. */
bool draft_numeral_parse(const char *s, size_t len, int *value)
{
    if (len == 0)
        return false;
    if (s[0] >= '0' && s[0] <= '9')
        return arabic(s, len, value);
    const char *p = s, *end = s + len;
    int total = 0;
    const char *mark = p;
    int d = read_digit(&p, end, true);
    bool hundreds = d > 0 && read_word(&p, end, "百");
    if (hundreds)
        total = d * 100;
    else
        p = mark;
    if (p == end) {
        *value = total;
        return total > 0;
    }
    d = read_digit(&p, end, false);
    if (d == 0) { /* 一百零五 */
        d = read_digit(&p, end, false);
        if (!hundreds || d <= 0 || p != end)
            return false;
        *value = total + d;
        return true;
    }
    if (read_word(&p, end, "十")) {
        total += d > 0 ? d * 10 : 10;
    } else {
        /* a lone units digit: 三, never 一百二 (that would be read 一百二十 aloud) */
        if (d < 0 || hundreds || p != end)
            return false;
        *value = d;
        return true;
    }
    if (p != end) {
        d = read_digit(&p, end, false);
        if (d <= 0 || p != end)
            return false;
        total += d;
    }
    *value = total;
    return true;
}

void draft_numeral_format(int n, char out[DRAFT_NUMERAL_MAX])
{
    out[0] = '\0';
    if (n < 1 || n > DRAFT_MAX_NUMBER)
        return;
    int h = n / 100, t = n / 10 % 10, u = n % 10;
    buf_t b;
    buf_init(&b);
    if (h)
        buf_addf(&b, "%s百", digits[h]);
    if (h && t == 0 && u)
        buf_adds(&b, "零");
    if (t)
        buf_addf(&b, "%s十", h || t > 1 ? digits[t] : ""); /* 十二, but 一百一十 */
    if (u)
        buf_adds(&b, digits[u]);
    snprintf(out, DRAFT_NUMERAL_MAX, "%s", b.data ? b.data : "");
    buf_free(&b);
}

void draft_article_label(int n, char out[DRAFT_NUMERAL_MAX + 8])
{
    char numeral[DRAFT_NUMERAL_MAX];
    draft_numeral_format(n, numeral);
    snprintf(out, DRAFT_NUMERAL_MAX + 8, "第%s条", numeral);
}

/* ---- splitting ------------------------------------------------------------------------------ */

typedef enum { LINE_TEXT, LINE_ARTICLE, LINE_CHAPTER, LINE_SECTION } line_kind_t;

/* Skips spaces, tabs and the full-width and no-break spaces. */
static const char *skip_space(const char *p, const char *end)
{
    for (;;) {
        if (p < end && (*p == ' ' || *p == '\t'))
            p++;
        else if (end - p >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0)
            p += 3;
        else if (end - p >= 2 && memcmp(p, "\xC2\xA0", 2) == 0)
            p += 2;
        else
            return p;
    }
}

/* The end of [p, end) with trailing spaces dropped. */
static const char *trim_end(const char *p, const char *end)
{
    for (;;) {
        if (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        else if (end - p >= 3 && memcmp(end - 3, "\xE3\x80\x80", 3) == 0)
            end -= 3;
        else if (end - p >= 2 && memcmp(end - 2, "\xC2\xA0", 2) == 0)
            end -= 2;
        else
            return end;
    }
}

/* What a (trimmed) line opens with: 第<numeral>条/章/节, with its number and where the rest begins. */
static line_kind_t classify(const char *p, const char *end, int *number, const char **rest)
{
    static const struct {
        const char *label;
        line_kind_t kind;
    } labels[] = {{"条", LINE_ARTICLE}, {"章", LINE_CHAPTER}, {"节", LINE_SECTION}};
    if (!read_word(&p, end, "第"))
        return LINE_TEXT;
    /* the numeral runs to the first label: at most "一百一十一" (5 characters) or 3 digits */
    for (const char *q = p; q < end && q - p <= 15;) {
        for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
            size_t n = strlen(labels[i].label);
            if ((size_t)(end - q) >= n && memcmp(q, labels[i].label, n) == 0) {
                if (q == p || !draft_numeral_parse(p, (size_t)(q - p), number))
                    return LINE_TEXT;
                *rest = skip_space(q + n, end);
                return labels[i].kind;
            }
        }
        utf8_next(&q);
    }
    return LINE_TEXT;
}

static char *copy_span(const char *p, const char *end)
{
    size_t n = (size_t)(end - p);
    char *s = malloc(n + 1);
    if (s == NULL)
        abort(); /* as buf_t does */
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* 【heading】 at the start of an article's first line (also ［…］ and [...]). */
static char *read_heading(const char **p, const char *end)
{
    static const char *const pairs[][2] = {{"【", "】"}, {"［", "］"}, {"[", "]"}};
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const char *q = *p;
        if (!read_word(&q, end, pairs[i][0]))
            continue;
        const char *close = NULL;
        for (const char *c = q; c < end && close == NULL; c++)
            if ((size_t)(end - c) >= strlen(pairs[i][1]) && memcmp(c, pairs[i][1], strlen(pairs[i][1])) == 0)
                close = c;
        if (close == NULL || close == q)
            continue;
        char *heading = copy_span(q, close);
        *p = skip_space(close + strlen(pairs[i][1]), end);
        return heading;
    }
    return copy_span(*p, *p);
}

void draft_articles_init(draft_articles_t *a)
{
    memset(a, 0, sizeof(*a));
}

void draft_articles_free(draft_articles_t *a)
{
    for (size_t i = 0; i < a->count; i++) {
        free(a->items[i].heading);
        free(a->items[i].text);
        free(a->items[i].topic);
    }
    free(a->items);
    draft_articles_init(a);
}

static draft_article_t *add_article(draft_articles_t *a)
{
    if (a->count == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        draft_article_t *items = realloc(a->items, cap * sizeof(*items));
        if (items == NULL)
            abort();
        a->items = items;
        a->cap = cap;
    }
    draft_article_t *art = &a->items[a->count++];
    memset(art, 0, sizeof(*art));
    return art;
}

static char *copy_or_empty(const char *s)
{
    char *c = strdup(s ? s : "");
    if (c == NULL)
        abort();
    return c;
}

void draft_articles_add(draft_articles_t *a, int number, const char *heading, const char *text, const char *topic)
{
    draft_article_t *art = add_article(a);
    art->number = number;
    art->heading = copy_or_empty(heading);
    art->text = copy_or_empty(text);
    art->topic = copy_or_empty(topic);
}

static int fail(draft_articles_t *out, draft_error_t *err, int line, const char *message)
{
    draft_articles_free(out);
    err->line = line;
    snprintf(err->message, sizeof(err->message), "%s", message);
    return DRAFT_EINVALID;
}

/* Ends the article being read: its text from body, checked. */
static int finish(draft_articles_t *out, buf_t *body, draft_error_t *err)
{
    if (out->count == 0)
        return 0;
    draft_article_t *art = &out->items[out->count - 1];
    if (art->text)
        return 0;
    art->text = copy_span(body->data ? body->data : "", body->data ? body->data + body->len : "");
    buf_reset(body);
    char label[DRAFT_NUMERAL_MAX + 8], msg[200];
    draft_article_label(art->number, label);
    if (art->text[0] == '\0') {
        snprintf(msg, sizeof(msg), "%s has no text", label);
        return fail(out, err, art->line, msg);
    }
    if (utf8_chars(art->text, strlen(art->text)) > DRAFT_ARTICLE_MAX_CHARS ||
        utf8_chars(art->heading, strlen(art->heading)) > DRAFT_HEADING_MAX_CHARS) {
        snprintf(msg, sizeof(msg), "%s is longer than %d characters (or its heading than %d)", label,
                 DRAFT_ARTICLE_MAX_CHARS, DRAFT_HEADING_MAX_CHARS);
        return fail(out, err, art->line, msg);
    }
    return 0;
}

int draft_split(const char *text, draft_articles_t *out, draft_error_t *err)
{
    draft_articles_init(out);
    memset(err, 0, sizeof(*err));
    char *topic = copy_span(text, text);
    buf_t body;
    buf_init(&body);
    int line = 0, rc = 0;
    for (const char *p = text; *p && rc == 0;) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        const char *next = eol ? eol + 1 : end;
        line++;
        if (end > p && end[-1] == '\r')
            end--;
        const char *start = skip_space(p, end), *rest = NULL;
        end = trim_end(start, end);
        p = next;
        int number = 0;
        line_kind_t kind = classify(start, end, &number, &rest);
        int last = out->count ? out->items[out->count - 1].number : 0;
        if (kind == LINE_ARTICLE && number <= last)
            kind = LINE_TEXT; /* a reference to an earlier article that opens a line */
        if (kind != LINE_TEXT)
            rc = finish(out, &body, err);
        if (rc != 0)
            break;
        if (kind == LINE_CHAPTER) {
            free(topic);
            topic = copy_span(rest, end);
            if (topic[0] == '\0' || utf8_chars(topic, strlen(topic)) > DRAFT_TOPIC_MAX_CHARS) {
                free(topic); /* 第三章 alone, or a heading too long to be a topic: the label itself */
                topic = copy_span(start, trim_end(start, rest));
            }
        } else if (kind == LINE_ARTICLE) {
            if (out->count == DRAFT_MAX_ARTICLES) {
                rc = fail(out, err, line, "a draft may have at most 999 articles");
                break;
            }
            draft_article_t *art = add_article(out);
            art->number = number;
            art->line = line;
            art->topic = copy_or_empty(topic);
            art->heading = read_heading(&rest, end);
            if (rest < end)
                buf_add(&body, rest, (size_t)(end - rest));
        } else if (kind == LINE_TEXT && out->count && start < end) {
            if (body.len)
                buf_addc(&body, '\n');
            buf_add(&body, start, (size_t)(end - start));
        }
    }
    if (rc == 0)
        rc = finish(out, &body, err);
    if (rc == 0 && out->count == 0)
        rc = fail(out, err, 0, "no article found: each article begins on a line of its own with 第一条, 第二条 …");
    free(topic);
    buf_free(&body);
    return rc;
}

/* ---- the consultation ----------------------------------------------------------------------- */

const char *draft_state_name(draft_state_t state)
{
    switch (state) {
    case DRAFT_UNPUBLISHED: return "draft";
    case DRAFT_OPEN: return "open";
    case DRAFT_CLOSED: return "closed";
    }
    return "draft";
}

draft_state_t draft_state(bool published, int64_t closes_at, int64_t now)
{
    if (!published)
        return DRAFT_UNPUBLISHED;
    return now <= closes_at ? DRAFT_OPEN : DRAFT_CLOSED;
}

int64_t draft_closes_at(calendar_day_t deadline)
{
    return calendar_day_end(deadline);
}

bool draft_accepts_comments(bool published, int64_t closes_at, int64_t now)
{
    return draft_state(published, closes_at, now) == DRAFT_OPEN;
}

static const char *const source_names[DRAFT_SOURCE_COUNT] = {"online", "deputy", "meeting"};

const char *draft_source_name(draft_source_t source)
{
    return source < DRAFT_SOURCE_COUNT ? source_names[source] : "online";
}

int draft_source_from_name(const char *name)
{
    for (int i = 0; name && i < DRAFT_SOURCE_COUNT; i++)
        if (strcmp(source_names[i], name) == 0)
            return i;
    return -1;
}

void draft_mask_name(const char *name, buf_t *out)
{
    if (name == NULL || *name == '\0')
        return;
    const char *p = name;
    utf8_next(&p);
    buf_add(out, name, (size_t)(p - name));
    for (int i = 0; *p && i < 2; i++) {
        utf8_next(&p);
        buf_addc(out, '*');
    }
}
