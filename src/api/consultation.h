/*
 * consultation: what the two files of legislative consultation's HTTP side share -
 * consultation.c (drafts, their articles and the topics deputies follow) and
 * consultation_comments.c (comments, adoption and the feedback report).
 */
#ifndef LIAISON_API_CONSULTATION_H
#define LIAISON_API_CONSULTATION_H

#include "api/api.h"
#include "domain/draft.h"
#include "store/consultation.h"

/* The draft named by the route's first parameter as the actor may see it: a published one,
 * or an unpublished one only for those who may publish it. Otherwise answers 404 and returns
 * false. The caller frees d (store_draft_free) after a true return. */
bool api_draft_load(http_req_t *r, store_draft_t *d);

/* The draft as lists and pages show it: id, region, region_name, title, summary, deadline,
 * closes_at, state, published_at, article_count, comment_count, created_at; db NULL leaves region_name "". */
json_t *api_draft_json(store_t *db, const store_draft_t *d);

/* A comment. Staff see where it came from and its review; the public (staff false) sees the
 * article, the source, the shown author, the text and the time. Never the sealed data. */
json_t *api_draft_comment_json(const store_draft_comment_t *c, bool staff);

/* Reads an idempotency key from the Idempotency-Key header or the body's "idempotency_key"
 * into key (65 bytes; "" when none). Answers 422 through in when it is malformed. */
void api_draft_read_idempotency(api_input_t *in, char key[65]);

#endif
