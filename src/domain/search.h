/*
 * search: the rules of full-text search in Chinese (SPEC §8) - how a query typed into the box
 * falls into terms, which of them the trigram index can answer, and which part of a long text
 * to show with the terms marked. Nothing here does I/O.
 *
 * Chinese has no spaces between words, so the index holds every run of three characters
 * (SQLite FTS5, trigram tokenizer) and a term matches wherever it occurs as a substring. A term
 * of one or two characters has no trigram: the store finds it by scanning the rows of the
 * searcher's scope instead. Spaces separate terms; a text matches when it holds every term.
 * Latin letters match without regard to case, as the index folds them.
 */
#ifndef LIAISON_DOMAIN_SEARCH_H
#define LIAISON_DOMAIN_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

enum {
    SEARCH_QUERY_MAX_CHARS = 200, /* a longer query is refused, not cut */
    SEARCH_MAX_TERMS = 8,
    SEARCH_TERM_MAX_BYTES = 4 * SEARCH_QUERY_MAX_CHARS,
    SEARCH_TRIGRAM = 3, /* characters a term needs for the index to answer it */
};

typedef enum {
    SEARCH_OK = 0,
    SEARCH_EMPTY,     /* nothing but spaces */
    SEARCH_TOO_LONG,  /* over SEARCH_QUERY_MAX_CHARS characters */
    SEARCH_TOO_MANY,  /* over SEARCH_MAX_TERMS terms */
    SEARCH_BAD_TEXT,  /* not valid UTF-8, or a control character */
} search_status_t;

typedef struct {
    char text[SEARCH_TERM_MAX_BYTES + 1];
    size_t chars;
} search_term_t;

typedef struct {
    search_term_t terms[SEARCH_MAX_TERMS];
    int count;
    int indexed; /* how many terms have SEARCH_TRIGRAM characters or more */
} search_query_t;

/* Splits q at white space (ASCII or the ideographic space U+3000) into terms, dropping repeats. */
search_status_t search_parse(const char *q, search_query_t *out);

/* The FTS5 MATCH expression for the indexed terms, each a quoted string ("道路积水" AND "排水"),
 * into out; false when no term is long enough for the index. */
bool search_match_expression(const search_query_t *q, buf_t *out);

/* Whether text holds term (ASCII letters compared without case). */
bool search_contains(const char *text, const char *term);
/* Whether text holds every term of q. */
bool search_contains_all(const char *text, const search_query_t *q);

/* One piece of a snippet: text, and whether it is a term that matched. */
typedef struct {
    const char *start;
    size_t len;
    bool hit;
} search_piece_t;

enum { SEARCH_SNIPPET_PIECES = 2 * SEARCH_MAX_TERMS * 4 + 1, SEARCH_SNIPPET_RADIUS = 40 };

typedef struct {
    search_piece_t pieces[SEARCH_SNIPPET_PIECES];
    int count;
    bool cut_before, cut_after; /* text was left out before the first piece, after the last */
} search_snippet_t;

/* The part of text around the first term of q that occurs in it - up to SEARCH_SNIPPET_RADIUS
 * characters either side - as pieces pointing into text, each occurrence of a term a piece of
 * its own. False when no term occurs in text. */
bool search_snippet(const char *text, const search_query_t *q, search_snippet_t *out);

#endif
