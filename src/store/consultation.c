/* consultation: SQL for drafts, articles, followed topics and comments (see consultation.h). */
#include "store/consultation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/region.h"

#define DRAFT_COLUMNS                                                                                                  \
    "d.id, d.region_code, d.title, d.summary, d.deadline, d.closes_at, coalesce(d.published_at, 0), "                  \
    "coalesce(d.created_by, 0), d.created_at, "                                                                        \
    "(SELECT count(*) FROM draft_articles a WHERE a.draft_id = d.id), "                                                \
    "(SELECT count(*) FROM draft_comments c WHERE c.draft_id = d.id)"

/* Binds s, or NULL for an empty or absent text. */
static void bind_opt(store_stmt_t *st, int n, const char *s)
{
    if (s && *s)
        store_bind_text(st, n, s);
    else
        store_bind_null(st, n);
}

static void bind_opt_id(store_stmt_t *st, int n, int64_t id)
{
    if (id)
        store_bind_int(st, n, id);
    else
        store_bind_null(st, n);
}

/* The draft of the current row; its strings are the statement's (valid until the next step). */
static void read_draft(store_stmt_t *st, store_draft_t *d)
{
    memset(d, 0, sizeof(*d));
    d->id = store_col_int(st, 0);
    snprintf(d->region, sizeof(d->region), "%s", store_col_text(st, 1));
    d->title = (char *)store_col_text(st, 2);
    d->summary = (char *)store_col_text(st, 3);
    snprintf(d->deadline, sizeof(d->deadline), "%s", store_col_text(st, 4));
    d->closes_at = store_col_int(st, 5);
    d->published_at = store_col_int(st, 6);
    d->created_by = store_col_int(st, 7);
    d->created_at = store_col_int(st, 8);
    d->articles = store_col_int(st, 9);
    d->comments = store_col_int(st, 10);
}

void store_draft_free(store_draft_t *d)
{
    free(d->title);
    free(d->summary);
    d->title = d->summary = NULL;
}

int store_draft_insert(store_t *db, const store_draft_t *d, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO drafts (region_code, title, summary, deadline, closes_at, created_by, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $7)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, d->region);
    store_bind_text(st, 2, d->title);
    store_bind_text(st, 3, d->summary ? d->summary : "");
    store_bind_text(st, 4, d->deadline);
    store_bind_int(st, 5, d->closes_at);
    bind_opt_id(st, 6, d->created_by);
    store_bind_int(st, 7, d->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_draft_article_insert(store_t *db, int64_t draft_id, int number, const char *heading, const char *text,
                               const char *topic)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO draft_articles (draft_id, number, heading, text, topic) VALUES ($1, $2, $3, $4, $5)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, draft_id);
    store_bind_int(st, 2, number);
    store_bind_text(st, 3, heading ? heading : "");
    store_bind_text(st, 4, text);
    store_bind_text(st, 5, topic ? topic : "");
    return store_run(st);
}

int store_draft_get(store_t *db, int64_t id, store_draft_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " DRAFT_COLUMNS " FROM drafts d WHERE d.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        read_draft(st, out);
        out->title = strdup(out->title);
        out->summary = strdup(out->summary);
    }
    store_done(st);
    if (rc == STORE_ROW && !(out->title && out->summary)) {
        store_draft_free(out);
        return STORE_ERR;
    }
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_draft_publish(store_t *db, int64_t id, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE drafts SET published_at = $2, updated_at = $2 WHERE id = $1 AND published_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_EINVALID : rc;
}

int store_drafts_each(store_t *db, const store_draft_filter_t *f, int (*fn)(const store_draft_t *d, void *arg),
                      void *arg)
{
    /* $1..$5: the region and the regions above it; [$6, $7): its subtree; [$8, $9): where
     * unpublished drafts are shown too */
    store_stmt_t *st =
        store_prepare(db, "SELECT " DRAFT_COLUMNS " FROM drafts d"
                          " WHERE ($1 IS NULL OR d.region_code IN ($1, $2, $3, $4, $5)"
                          "        OR (d.region_code >= $6 AND d.region_code < $7))"
                          " AND (d.published_at IS NOT NULL OR (d.region_code >= $8 AND d.region_code < $9))"
                          " AND ($10 = 0 OR d.id < $10)"
                          " ORDER BY d.id DESC LIMIT $11");
    if (st == NULL)
        return STORE_ERR;
    char codes[5][REGION_CODE_LEN + 1] = {{0}};
    char hi[REGION_CODE_LEN + 2] = "", scope_hi[REGION_CODE_LEN + 2] = "";
    if (f->region) {
        snprintf(codes[0], sizeof(codes[0]), "%s", f->region);
        for (int i = 1; i < 5 && region_parent(codes[i - 1], codes[i]); i++)
            ;
        region_subtree_upper(f->region, hi);
    }
    for (int i = 0; i < 5; i++)
        bind_opt(st, i + 1, codes[i]);
    bind_opt(st, 6, f->region);
    bind_opt(st, 7, hi);
    if (f->unpublished_scope)
        region_subtree_upper(f->unpublished_scope, scope_hi);
    store_bind_text(st, 8, f->unpublished_scope ? f->unpublished_scope : "");
    store_bind_text(st, 9, scope_hi); /* "" >= x is never true: no unpublished ones */
    store_bind_int(st, 10, f->before_id);
    store_bind_int(st, 11, f->limit > 0 ? f->limit : 50);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_draft_t d;
        read_draft(st, &d);
        if (fn(&d, arg) != 0)
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_draft_articles_each(store_t *db, int64_t draft_id, int (*fn)(const store_draft_article_t *a, void *arg),
                              void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT a.id, a.number, a.heading, a.text, a.topic,"
            " (SELECT count(*) FROM draft_comments c WHERE c.draft_id = a.draft_id AND c.article_id = a.id)"
            " FROM draft_articles a WHERE a.draft_id = $1 ORDER BY a.number");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, draft_id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_draft_article_t a = {
            .id = store_col_int(st, 0),
            .draft_id = draft_id,
            .number = (int)store_col_int(st, 1),
            .heading = store_col_text(st, 2),
            .text = store_col_text(st, 3),
            .topic = store_col_text(st, 4),
            .comments = store_col_int(st, 5),
        };
        if (fn(&a, arg) != 0)
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_draft_article_find(store_t *db, int64_t draft_id, int number, int64_t *id, char topic[256])
{
    store_stmt_t *st = store_prepare(db, "SELECT id, topic FROM draft_articles WHERE draft_id = $1 AND number = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, draft_id);
    store_bind_int(st, 2, number);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        *id = store_col_int(st, 0);
        snprintf(topic, 256, "%s", store_col_text(st, 1));
    }
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_draft_follow_set(store_t *db, int64_t draft_id, int64_t deputy_id, const char *const *topics, int n,
                           int64_t now)
{
    store_stmt_t *st = store_prepare(db, "DELETE FROM draft_follows WHERE draft_id = $1 AND deputy_id = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, draft_id);
    store_bind_int(st, 2, deputy_id);
    int rc = store_run(st);
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        st = store_prepare(db, "INSERT INTO draft_follows (draft_id, deputy_id, topic, created_at)"
                               " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, draft_id);
        store_bind_int(st, 2, deputy_id);
        store_bind_text(st, 3, topics[i]);
        store_bind_int(st, 4, now);
        rc = store_run(st);
    }
    return rc;
}

int store_draft_follows_each(store_t *db, int64_t draft_id, int64_t deputy_id, int (*fn)(const char *topic, void *arg),
                             void *arg)
{
    store_stmt_t *st =
        store_prepare(db, "SELECT topic FROM draft_follows WHERE draft_id = $1 AND deputy_id = $2 ORDER BY topic");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, draft_id);
    store_bind_int(st, 2, deputy_id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if (fn(store_col_text(st, 0), arg) != 0)
            break;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_draft_comment_insert(store_t *db, const store_draft_comment_t *c, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO draft_comments (draft_id, article_id, source, deputy_id, station_id, meeting, author,"
            " name_sealed, phone_sealed, phone_hash, phone4, content, idempotency_key, created_by, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, c->draft_id);
    store_bind_int(st, 2, c->article_id);
    store_bind_text(st, 3, c->source);
    bind_opt_id(st, 4, c->deputy_id);
    bind_opt_id(st, 5, c->station_id);
    store_bind_text(st, 6, c->meeting ? c->meeting : "");
    store_bind_text(st, 7, c->author ? c->author : "");
    bind_opt(st, 8, c->name_sealed);
    bind_opt(st, 9, c->phone_sealed);
    bind_opt(st, 10, c->phone_hash);
    bind_opt(st, 11, c->phone4);
    store_bind_text(st, 12, c->content);
    bind_opt(st, 13, c->idempotency_key);
    bind_opt_id(st, 14, c->created_by);
    store_bind_int(st, 15, c->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_draft_comment_by_key(store_t *db, const char *key, int64_t *id, int64_t *draft_id, int64_t *article_id)
{
    store_stmt_t *st =
        store_prepare(db, "SELECT id, draft_id, article_id FROM draft_comments WHERE idempotency_key = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, key);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        *id = store_col_int(st, 0);
        *draft_id = store_col_int(st, 1);
        *article_id = store_col_int(st, 2);
    }
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

#define COMMENT_SELECT                                                                                                 \
    "SELECT c.id, c.draft_id, c.article_id, a.number, a.topic, c.source, coalesce(c.deputy_id, 0),"                    \
    " coalesce(c.station_id, 0), coalesce(dp.name, ''), coalesce(s.name, ''), c.meeting, c.author,"                    \
    " c.name_sealed, c.phone_sealed, coalesce(c.phone_hash, ''), coalesce(c.phone4, ''), c.content,"                   \
    " c.adopted, c.adoption_note, coalesce(c.reviewed_by, 0), coalesce(c.reviewed_at, 0),"                             \
    " coalesce(c.idempotency_key, ''), coalesce(c.created_by, 0), c.created_at"                                        \
    " FROM draft_comments c JOIN draft_articles a ON a.id = c.article_id"                                              \
    " LEFT JOIN deputies dp ON dp.id = c.deputy_id LEFT JOIN stations s ON s.id = c.station_id"

static const char *text_or_null(store_stmt_t *st, int col)
{
    return store_col_null(st, col) ? NULL : store_col_text(st, col);
}

static int each_comment(store_stmt_t *st, int (*fn)(const store_draft_comment_t *c, void *arg), void *arg, int *seen)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_draft_comment_t c = {
            .id = store_col_int(st, 0),
            .draft_id = store_col_int(st, 1),
            .article_id = store_col_int(st, 2),
            .article_number = (int)store_col_int(st, 3),
            .article_topic = store_col_text(st, 4),
            .source = store_col_text(st, 5),
            .deputy_id = store_col_int(st, 6),
            .station_id = store_col_int(st, 7),
            .deputy_name = store_col_text(st, 8),
            .station_name = store_col_text(st, 9),
            .meeting = store_col_text(st, 10),
            .author = store_col_text(st, 11),
            .name_sealed = text_or_null(st, 12),
            .phone_sealed = text_or_null(st, 13),
            .phone_hash = store_col_text(st, 14),
            .phone4 = store_col_text(st, 15),
            .content = store_col_text(st, 16),
            .adopted = store_col_int(st, 17) != 0,
            .adoption_note = store_col_text(st, 18),
            .reviewed_by = store_col_int(st, 19),
            .reviewed_at = store_col_int(st, 20),
            .idempotency_key = store_col_text(st, 21),
            .created_by = store_col_int(st, 22),
            .created_at = store_col_int(st, 23),
        };
        (*seen)++;
        if (fn(&c, arg) != 0)
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_draft_comments_each(store_t *db, int64_t draft_id, int64_t article_id,
                              int (*fn)(const store_draft_comment_t *c, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, COMMENT_SELECT " WHERE c.draft_id = $1 AND ($2 = 0 OR c.article_id = $2)"
                                                        " ORDER BY a.number, c.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, draft_id);
    store_bind_int(st, 2, article_id);
    int seen = 0;
    return each_comment(st, fn, arg, &seen);
}

int store_draft_comment_get(store_t *db, int64_t id, int (*fn)(const store_draft_comment_t *c, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, COMMENT_SELECT " WHERE c.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int seen = 0;
    int rc = each_comment(st, fn, arg, &seen);
    return rc == STORE_OK && seen == 0 ? STORE_ENOTFOUND : rc;
}

int store_draft_comment_draft(store_t *db, int64_t id, int64_t *draft_id)
{
    store_stmt_t *st = store_prepare(db, "SELECT draft_id FROM draft_comments WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        *draft_id = store_col_int(st, 0);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_draft_comment_review(store_t *db, int64_t id, bool adopted, const char *note, int64_t by, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE draft_comments SET adopted = $2, adoption_note = $3, reviewed_by = $4, reviewed_at = $5"
            " WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, adopted ? 1 : 0);
    store_bind_text(st, 3, note ? note : "");
    bind_opt_id(st, 4, by);
    store_bind_int(st, 5, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}
