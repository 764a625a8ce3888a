/*
 * consultation: SQL for legislative consultation (SPEC §4a) - drafts, their articles, the topics
 * deputies follow, and the comments on articles with their adoption. The rules (splitting,
 * deadlines, states) live in domain/draft.h; this module only reads and writes rows.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). Rows handed to callbacks are
 * valid only during the call; a store_draft_t read with store_draft_get owns its strings
 * (store_draft_free).
 */
#ifndef LIAISON_STORE_CONSULTATION_H
#define LIAISON_STORE_CONSULTATION_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef struct {
    int64_t id;
    char region[13];
    char *title, *summary; /* owned when read by store_draft_get */
    char deadline[11];     /* YYYY-MM-DD */
    int64_t closes_at, published_at, created_by, created_at;
    int64_t articles, comments; /* counts, when read */
} store_draft_t;

void store_draft_free(store_draft_t *d);

/* Inserts a draft (unpublished); its id into *id. */
int store_draft_insert(store_t *db, const store_draft_t *d, int64_t *id);
int store_draft_article_insert(store_t *db, int64_t draft_id, int number, const char *heading, const char *text,
                               const char *topic);
/* STORE_ENOTFOUND when there is none; out may be freed whatever the result. */
int store_draft_get(store_t *db, int64_t id, store_draft_t *out);
/* Publishes an unpublished draft at now; STORE_EINVALID when it was published already. */
int store_draft_publish(store_t *db, int64_t id, int64_t now);

/* A list query: drafts of region (and of the regions above it) and of its subtree, or every
 * draft when region is NULL; published ones, and unpublished ones inside the subtree of
 * unpublished_scope unless it is NULL. Newest first, ids below before_id (0: from the newest). */
typedef struct {
    const char *region;
    const char *unpublished_scope;
    int64_t before_id;
    int limit;
} store_draft_filter_t;

int store_drafts_each(store_t *db, const store_draft_filter_t *f, int (*fn)(const store_draft_t *d, void *arg),
                      void *arg);

typedef struct {
    int64_t id, draft_id;
    int number;
    const char *heading, *text, *topic;
    int64_t comments; /* how many comments it has */
} store_draft_article_t;

/* A draft's articles in number order, each with its comment count. */
int store_draft_articles_each(store_t *db, int64_t draft_id, int (*fn)(const store_draft_article_t *a, void *arg),
                              void *arg);
/* The id and topic (64 bytes) of the article numbered so in the draft; STORE_ENOTFOUND. */
int store_draft_article_find(store_t *db, int64_t draft_id, int number, int64_t *id, char topic[256]);

/* Replaces the topics a deputy follows in a draft with topics[0..n). */
int store_draft_follow_set(store_t *db, int64_t draft_id, int64_t deputy_id, const char *const *topics, int n,
                           int64_t now);
/* Calls fn(topic) for each topic the deputy follows in the draft, in order. */
int store_draft_follows_each(store_t *db, int64_t draft_id, int64_t deputy_id, int (*fn)(const char *topic, void *arg),
                             void *arg);

typedef struct {
    int64_t id, draft_id, article_id;
    int article_number;        /* when read */
    const char *article_topic; /* when read */
    const char *source;        /* online | deputy | meeting */
    int64_t deputy_id, station_id;
    const char *deputy_name, *station_name; /* when read; "" for none */
    const char *meeting, *author;
    const char *name_sealed, *phone_sealed; /* NULL when absent */
    const char *phone_hash, *phone4;        /* "" when absent */
    const char *content;
    bool adopted;
    const char *adoption_note;
    int64_t reviewed_by, reviewed_at;
    const char *idempotency_key; /* "" when none */
    int64_t created_by, created_at;
} store_draft_comment_t;

int store_draft_comment_insert(store_t *db, const store_draft_comment_t *c, int64_t *id);
/* The comment sent with this idempotency key: its id and the draft and article it is on. */
int store_draft_comment_by_key(store_t *db, const char *key, int64_t *id, int64_t *draft_id, int64_t *article_id);
/* A draft's comments (article_id 0: on every article) in article order, oldest first within one. */
int store_draft_comments_each(store_t *db, int64_t draft_id, int64_t article_id,
                              int (*fn)(const store_draft_comment_t *c, void *arg), void *arg);
/* One comment (fn is called once); STORE_ENOTFOUND. */
int store_draft_comment_get(store_t *db, int64_t id, int (*fn)(const store_draft_comment_t *c, void *arg), void *arg);
/* The draft a comment is on; STORE_ENOTFOUND. */
int store_draft_comment_draft(store_t *db, int64_t id, int64_t *draft_id);
/* Records the decision on a comment: adopted or not, with a note, by whom and when. */
int store_draft_comment_review(store_t *db, int64_t id, bool adopted, const char *note, int64_t by, int64_t now);

#endif
