/*
 * search: GET /api/v1/search - full-text search in Chinese over opinions and their answers,
 * suggestions and their replies, and duty records (SPEC §8), inside the searcher's region
 * subtree. Each hit comes with the parts of its texts that matched, as pieces marked hit or
 * not, so the page highlights them without ever reading the text as markup.
 */
#include <limits.h>
#include <string.h>

#include "api/api.h"
#include "store/search.h"

enum { PAGE_MAX = 50 };

static json_t *snippet_json(const char *field, const search_snippet_t *s)
{
    json_t *pieces = json_array();
    for (int i = 0; i < s->count; i++)
        json_array_append_new(pieces, json_pack("{s:s%, s:b}", "text", s->pieces[i].start, s->pieces[i].len, "hit",
                                                s->pieces[i].hit));
    return json_pack("{s:s, s:o, s:b, s:b}", "field", field, "pieces", pieces, "cut_before", s->cut_before,
                     "cut_after", s->cut_after);
}

typedef struct {
    const search_query_t *query;
    json_t *items;
    int64_t last_id;
} hits_t;

static int hit_json(const store_hit_t *hit, void *arg)
{
    hits_t *h = arg;
    json_t *matches = json_array();
    for (int f = 0; f < hit->nfields; f++) {
        search_snippet_t s;
        if (search_snippet(hit->fields[f], h->query, &s))
            json_array_append_new(matches, snippet_json(hit->field_names[f], &s));
    }
    json_array_append_new(h->items, json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:o}", "kind", search_kind_name(hit->kind),
                                              "id", (json_int_t)hit->id, "label", hit->label, "state", hit->state,
                                              "region", hit->region, "created_at", (json_int_t)hit->created_at,
                                              "matches", matches));
    h->last_id = hit->id;
    return 0;
}

static const char *parse_problem(search_status_t s)
{
    switch (s) {
    case SEARCH_EMPTY:
        return "q must hold something to search for";
    case SEARCH_TOO_LONG:
        return "q may have at most 200 characters";
    case SEARCH_TOO_MANY:
        return "q may hold at most 8 words";
    default:
        return "q must be text without control characters";
    }
}

int api_search(http_req_t *r)
{
    const char *q = http_query(r, "q");
    const char *kind_name = http_query(r, "kind");
    int kind = search_kind_from_name(kind_name ? kind_name : "opinion");
    search_query_t query;
    search_status_t parsed = q ? search_parse(q, &query) : SEARCH_EMPTY;
    if (parsed != SEARCH_OK) {
        http_reply_error(r, 400, "bad_query", parse_problem(parsed), "q");
        return 0;
    }
    if (kind < 0) {
        http_reply_error(r, 400, "bad_query", "kind must be opinion, suggestion or duty", "kind");
        return 0;
    }
    /* a search reads what the kind's list shows: whoever may not list it may not search it */
    static const char *const LIST_ACTION[SEARCH_KIND_COUNT] = {"opinion.list", "suggestion.list", "duty.list"};
    if (policy_permits(http_actor(r), LIST_ACTION[kind]) != POLICY_ALLOW) {
        http_reply_error(r, 403, "forbidden", "your role may not search these", "kind");
        return 0;
    }
    char lo[13], hi[14];
    long before = api_query_long(r, "before", 0, 0, LONG_MAX);
    long limit = before < 0 ? -1 : api_query_long(r, "limit", 20, 1, PAGE_MAX);
    if (limit < 0 || !api_scope_region(r, lo, hi))
        return 0;
    store_search_t s = {.kind = kind, .query = &query, .region_lo = lo, .region_hi = hi, .before_id = before,
                        .limit = (int)limit};
    hits_t h = {&query, json_array(), 0};
    if (store_search(http_reader(r), &s, hit_json, &h) != STORE_OK) {
        json_decref(h.items);
        http_reply_internal(r, "cannot search");
        return 0;
    }
    bool more = (long)json_array_size(h.items) == limit;
    http_reply_json(r, 200, json_pack("{s:s, s:o, s:o, s:b}", "kind", search_kind_name(kind), "items", h.items, "next",
                                      more ? json_integer(h.last_id) : json_null(), "partial", s.scanned_out));
    return 0;
}
