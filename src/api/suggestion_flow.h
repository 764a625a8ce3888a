/*
 * suggestion_flow: the write job shared by suggestion_flow.c (what runs in the writer: the state
 * machine's step, its event, notifications and audit) and suggestion_steps.c (the handlers that
 * read and check a request's input into it). Private to those two files.
 */
#ifndef LIAISON_API_SUGGESTION_FLOW_H
#define LIAISON_API_SUGGESTION_FLOW_H

#include "api/suggestion_common.h"

enum {
    SUGGESTION_TITLE_MAX = 100,
    SUGGESTION_CONTENT_MAX = 20000,
    SUGGESTION_TEXT_MAX = 5000,
    SUGGESTION_LIST_MAX = 50
};

typedef enum { SUGGESTION_OP_CREATE, SUGGESTION_OP_EDIT, SUGGESTION_OP_FILE, SUGGESTION_OP_STEP } suggestion_op_t;

typedef struct {
    http_write_t super;
    api_who_t who;
    suggestion_op_t op;
    suggestion_action_t action;
    api_suggestion_relation_t rel;
    int64_t id, actor_deputy_id, actor_unit_id;
    /* the draft */
    store_suggestion_t draft; /* create/edit: the fields given (owned strings) */
    bool has_title, has_content, has_category, has_congress, has_session, has_consent;
    int64_t cosigners[SUGGESTION_LIST_MAX], opinions[SUGGESTION_LIST_MAX];
    int ncosigners, nopinions; /* -1: not given */
    /* a step */
    char *text, *reason, *signed_by, *comment;
    char stage[8], way[8], reply_type[8];
    suggestion_reply_category_t category;
    suggestion_rating_t rating;
    int64_t commitment_at, lead_unit, co_units[SUGGESTION_LIST_MAX], supervisor, due;
    int nco_units, consent; /* consent: -1 not given */
    bool key, confirm;
    /* a file */
    unsigned char *data;
    size_t len;
    char file_name[128];
    const char *mime;
    /* config */
    int months, key_months, redo_months, contest_days;
    /* the outcome */
    const char *refused_state, *refused_message;
    const char *problem_field;
    char problem[320];
    int64_t made_id;
} suggestion_write_t;

/* A write of op on suggestion id (0 to create) for the request's actor, with the server's
 * deadlines; owned by the server once handed to api_suggestion_flow_submit. */
suggestion_write_t *api_suggestion_flow_new(http_req_t *r, suggestion_op_t op, int64_t id);
/* Hands f to the writer, or drops it when its input was refused (already answered). */
int api_suggestion_flow_submit(http_req_t *r, suggestion_write_t *f, bool refused);

#endif
