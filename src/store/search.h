/*
 * search: SQL for full-text search (SPEC §8) over the trigram indexes of 018_search.sql. The
 * indexed terms of a query go to FTS5 MATCH; every term, short ones included, is then checked
 * against the row's texts here, so a row is a hit only when each term occurs in one of them.
 * A query with no term of three characters has no index to use: the newest rows of the scope
 * are read instead, at most STORE_SEARCH_SCAN_MAX of them, and the answer says when it stopped.
 */
#ifndef LIAISON_STORE_SEARCH_H
#define LIAISON_STORE_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/search.h"
#include "store/store.h"

enum { STORE_SEARCH_SCAN_MAX = 100000, STORE_SEARCH_FIELDS = 3 };

typedef enum { SEARCH_OPINIONS, SEARCH_SUGGESTIONS, SEARCH_DUTIES, SEARCH_KIND_COUNT } search_kind_t;

/* "opinion", "suggestion", "duty"; -1 for any other name. */
const char *search_kind_name(search_kind_t kind);
int search_kind_from_name(const char *name);

typedef struct {
    search_kind_t kind;
    int64_t id;
    const char *region;
    int64_t created_at;
    const char *label;     /* tracking code, suggestion title, or the deputy's name */
    const char *state;
    int nfields;
    const char *field_names[STORE_SEARCH_FIELDS]; /* "content", "answer", "title", "reply", "body" */
    const char *fields[STORE_SEARCH_FIELDS];
} store_hit_t;

typedef struct {
    search_kind_t kind;
    const search_query_t *query;
    const char *region_lo, *region_hi; /* the searcher's scope: region codes in [lo, hi) */
    int64_t before_id;                 /* 0: from the newest */
    int limit;
    bool scanned_out;                  /* out: a scan stopped at STORE_SEARCH_SCAN_MAX rows */
} store_search_t;

/* Calls fn for each hit, newest first, up to s->limit of them; fn returning non-zero stops. */
int store_search(store_t *db, store_search_t *s, int (*fn)(const store_hit_t *hit, void *arg), void *arg);

#endif
