/*
 * search: query terms, the trigram MATCH expression and snippets (see search.h).
 */
#include "domain/search.h"

#include <string.h>

#include "core/utf8.h"

enum { IDEOGRAPHIC_SPACE = 0x3000 };

static bool is_space(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == IDEOGRAPHIC_SPACE;
}

static bool has_term(const search_query_t *q, const char *text, size_t len)
{
    for (int i = 0; i < q->count; i++)
        if (strlen(q->terms[i].text) == len && memcmp(q->terms[i].text, text, len) == 0)
            return true;
    return false;
}

static search_status_t add_term(search_query_t *q, const char *start, const char *end, size_t chars)
{
    size_t len = (size_t)(end - start);
    if (len == 0 || has_term(q, start, len))
        return SEARCH_OK;
    if (q->count == SEARCH_MAX_TERMS)
        return SEARCH_TOO_MANY;
    search_term_t *t = &q->terms[q->count++];
    memcpy(t->text, start, len);
    t->text[len] = '\0';
    t->chars = chars;
    if (chars >= SEARCH_TRIGRAM)
        q->indexed++;
    return SEARCH_OK;
}

search_status_t search_parse(const char *q, search_query_t *out)
{
    memset(out, 0, sizeof(*out));
    size_t n = strlen(q);
    if (!utf8_valid(q, n))
        return SEARCH_BAD_TEXT;
    if (utf8_chars(q, n) > SEARCH_QUERY_MAX_CHARS)
        return SEARCH_TOO_LONG;
    const char *p = q, *start = q;
    size_t chars = 0;
    while (*p) {
        const char *at = p;
        unsigned c = utf8_next(&p);
        if (is_space(c)) {
            search_status_t s = add_term(out, start, at, chars);
            if (s != SEARCH_OK)
                return s;
            start = p;
            chars = 0;
        } else if (c < 0x20 || c == 0x7f) {
            return SEARCH_BAD_TEXT;
        } else {
            chars++;
        }
    }
    search_status_t s = add_term(out, start, p, chars);
    if (s != SEARCH_OK)
        return s;
    return out->count == 0 ? SEARCH_EMPTY : SEARCH_OK;
}

bool search_match_expression(const search_query_t *q, buf_t *out)
{
    bool any = false;
    for (int i = 0; i < q->count; i++) {
        if (q->terms[i].chars < SEARCH_TRIGRAM)
            continue;
        buf_adds(out, any ? " AND \"" : "\"");
        for (const char *c = q->terms[i].text; *c; c++) {
            if (*c == '"') /* FTS5 strings escape a quote by doubling it */
                buf_addc(out, '"');
            buf_addc(out, *c);
        }
        buf_addc(out, '"');
        any = true;
    }
    return any;
}

static char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether term begins at s (ASCII letters without case; UTF-8 bytes of other letters are
 * never in A-Z, so folding bytes is safe). */
static bool starts_with(const char *s, const char *term)
{
    for (; *term; s++, term++)
        if (*s == '\0' || fold(*s) != fold(*term))
            return false;
    return true;
}

static const char *find(const char *text, const char *term)
{
    for (const char *s = text; *s; s++)
        if (starts_with(s, term))
            return s;
    return NULL;
}

bool search_contains(const char *text, const char *term)
{
    return find(text, term) != NULL;
}

bool search_contains_all(const char *text, const search_query_t *q)
{
    for (int i = 0; i < q->count; i++)
        if (!search_contains(text, q->terms[i].text))
            return false;
    return true;
}

/* ---- snippets ------------------------------------------------------------------------------ */

static const char *back_chars(const char *text, const char *p, int n)
{
    while (n-- > 0 && p > text) {
        p--;
        while (p > text && ((unsigned char)*p & 0xC0) == 0x80)
            p--;
    }
    return p;
}

static const char *forward_chars(const char *p, int n)
{
    while (n-- > 0 && *p)
        utf8_next(&p);
    return p;
}

/* The length of the longest term beginning at s, or 0. */
static size_t term_at(const char *s, const search_query_t *q)
{
    size_t best = 0;
    for (int i = 0; i < q->count; i++) {
        size_t len = strlen(q->terms[i].text);
        if (len > best && starts_with(s, q->terms[i].text))
            best = len;
    }
    return best;
}

static void add_piece(search_snippet_t *out, const char *start, size_t len, bool hit)
{
    if (len == 0)
        return;
    search_piece_t *last = out->count ? &out->pieces[out->count - 1] : NULL;
    if (last && !last->hit && !hit) {
        last->len += len;
        return;
    }
    out->pieces[out->count++] = (search_piece_t){start, len, hit};
}

bool search_snippet(const char *text, const search_query_t *q, search_snippet_t *out)
{
    memset(out, 0, sizeof(*out));
    const char *first = NULL;
    for (int i = 0; i < q->count; i++) {
        const char *at = find(text, q->terms[i].text);
        if (at && (first == NULL || at < first))
            first = at;
    }
    if (first == NULL)
        return false;
    const char *start = back_chars(text, first, SEARCH_SNIPPET_RADIUS);
    const char *end = forward_chars(first, 2 * SEARCH_SNIPPET_RADIUS);
    const char *plain = start;
    for (const char *s = start; s < end && *s;) {
        size_t len = term_at(s, q);
        /* two pieces per hit, and the closing plain piece must still fit */
        if (len == 0 || out->count + 3 > SEARCH_SNIPPET_PIECES) {
            s++;
            continue;
        }
        add_piece(out, plain, (size_t)(s - plain), false);
        add_piece(out, s, len, true);
        s += len;
        plain = s;
        if (s > end)
            end = s;
    }
    add_piece(out, plain, (size_t)(end - plain), false);
    out->cut_before = start > text;
    out->cut_after = *end != '\0';
    return true;
}
