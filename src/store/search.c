/*
 * search: full-text search over the trigram indexes (see search.h).
 *
 * Each kind has two statements, made at compile time because the statement cache knows a
 * statement by the address of its text: one that asks the index ($1 is the MATCH expression)
 * and one that reads the scope's newest rows when no term is long enough for the index.
 */
#include "store/search.h"

#include <string.h>

/* columns: id, region, created_at, label, state, then the searched texts */
#define OPINION_COLUMNS "t.id, t.region_code, t.created_at, t.tracking_code, t.state, t.content, coalesce(t.answer, '')"
#define SUGGESTION_COLUMNS                                                                                   \
    "t.id, t.region_code, t.created_at, t.title, t.state, t.title, t.content, coalesce(t.reply_text, '')"
#define DUTY_COLUMNS "t.id, t.region_code, t.created_at, d.name, t.state, t.title, t.body"

#define SCOPE " t.region_code >= $3 AND t.region_code < $4"
#define BEFORE(col) " AND " col " < $2"

#define INDEXED(fts, table, columns, join, where)                                                            \
    "SELECT " columns " FROM " fts " JOIN " table " t ON t.id = " fts ".rowid" join " WHERE " fts " MATCH $1" \
    BEFORE(fts ".rowid") " AND" SCOPE where " ORDER BY " fts ".rowid DESC"
#define SCANNED(table, columns, join, where)                                                                 \
    "SELECT " columns " FROM " table " t" join " WHERE" SCOPE BEFORE("t.id") where " ORDER BY t.id DESC"

#define DUTY_JOIN " JOIN deputies d ON d.id = t.deputy_id"
/* a draft is its deputy's alone until submitted */
#define SUGGESTION_WHERE " AND t.state <> 'draft'"

static const struct {
    const char *name;
    const char *indexed, *scanned;
    int nfields;
    const char *field_names[STORE_SEARCH_FIELDS];
} KINDS[SEARCH_KIND_COUNT] = {
    [SEARCH_OPINIONS] = {"opinion", INDEXED("opinions_fts", "opinions", OPINION_COLUMNS, "", ""),
                         SCANNED("opinions", OPINION_COLUMNS, "", ""), 2, {"content", "answer"}},
    [SEARCH_SUGGESTIONS] = {"suggestion",
                            INDEXED("suggestions_fts", "suggestions", SUGGESTION_COLUMNS, "", SUGGESTION_WHERE),
                            SCANNED("suggestions", SUGGESTION_COLUMNS, "", SUGGESTION_WHERE),
                            3,
                            {"title", "content", "reply"}},
    [SEARCH_DUTIES] = {"duty", INDEXED("duty_records_fts", "duty_records", DUTY_COLUMNS, DUTY_JOIN, ""),
                       SCANNED("duty_records", DUTY_COLUMNS, DUTY_JOIN, ""), 2, {"title", "body"}},
};

enum { COL_FIELDS = 5 };

const char *search_kind_name(search_kind_t kind)
{
    return kind < SEARCH_KIND_COUNT ? KINDS[kind].name : "";
}

int search_kind_from_name(const char *name)
{
    for (int k = 0; k < SEARCH_KIND_COUNT; k++)
        if (strcmp(KINDS[k].name, name) == 0)
            return k;
    return -1;
}

/* Each term in one of the texts: the index found rows holding the long terms, perhaps in
 * different columns, and knows nothing of the short ones. */
static bool every_term_found(const store_hit_t *hit, const search_query_t *q)
{
    for (int i = 0; i < q->count; i++) {
        bool found = false;
        for (int f = 0; f < hit->nfields && !found; f++)
            found = search_contains(hit->fields[f], q->terms[i].text);
        if (!found)
            return false;
    }
    return true;
}

int store_search(store_t *db, store_search_t *s, int (*fn)(const store_hit_t *hit, void *arg), void *arg)
{
    buf_t match;
    buf_init(&match);
    bool indexed = search_match_expression(s->query, &match);
    buf_addc(&match, '\0');
    store_stmt_t *st = store_prepare(db, indexed ? KINDS[s->kind].indexed : KINDS[s->kind].scanned);
    if (st == NULL) {
        buf_free(&match);
        return STORE_ERR;
    }
    store_bind_text(st, 1, match.data);
    store_bind_int(st, 2, s->before_id > 0 ? s->before_id : INT64_MAX);
    store_bind_text(st, 3, s->region_lo);
    store_bind_text(st, 4, s->region_hi);
    s->scanned_out = false;
    int rc = STORE_DONE, found = 0, read = 0;
    while (found < s->limit && (rc = store_step(st)) == STORE_ROW) {
        if (!indexed && ++read > STORE_SEARCH_SCAN_MAX) {
            s->scanned_out = true;
            break;
        }
        store_hit_t hit = {
            .kind = s->kind,
            .id = store_col_int(st, 0),
            .region = store_col_text(st, 1),
            .created_at = store_col_int(st, 2),
            .label = store_col_text(st, 3),
            .state = store_col_text(st, 4),
            .nfields = KINDS[s->kind].nfields,
        };
        for (int f = 0; f < hit.nfields; f++) {
            hit.field_names[f] = KINDS[s->kind].field_names[f];
            hit.fields[f] = store_col_text(st, COL_FIELDS + f);
        }
        if (!every_term_found(&hit, s->query))
            continue;
        found++;
        if (fn(&hit, arg) != 0)
            break;
    }
    if (found == s->limit || s->scanned_out)
        rc = STORE_DONE;
    store_done(st);
    buf_free(&match);
    return rc == STORE_DONE || rc == STORE_ROW ? STORE_OK : rc;
}
