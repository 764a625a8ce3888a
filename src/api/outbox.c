/*
 * outbox: what the staff see of the notification queue (SPEC §9) - the dead letters, messages
 * whose tries are used up, and putting one back in the queue - and the templates people read.
 *
 * Scope: a message whose payload names a region belongs to the admins whose subtree holds it; one
 * that names none (a booking's notice, a digest) to every admin, which is safe because the list
 * shows the event, the recipient's kind and id and the error, never the payload.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "domain/region.h"
#include "store/outbox.h"

enum { LIST_MAX = 200, LIST_DEFAULT = 50 };

/* " webhook email " as ["webhook", "email"]. */
static json_t *channel_list(const char *done)
{
    json_t *list = json_array();
    char copy[128];
    snprintf(copy, sizeof(copy), "%s", done);
    char *save = NULL;
    for (char *word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save))
        json_array_append_new(list, json_string(word));
    return list;
}

static json_t *dead_json(const store_outbox_t *m)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:i, s:s, s:o, s:I}", "id", (json_int_t)m->id, "event", m->event,
                          "recipient", m->recipient, "attempts", m->attempts, "last_error", m->last_error,
                          "channels_done", channel_list(m->channels_done), "created_at", (json_int_t)m->created_at);
    json_object_set_new(j, "region", m->region[0] ? json_string(m->region) : json_null());
    json_object_set_new(j, "tried_at", m->tried_at ? json_integer(m->tried_at) : json_null());
    json_object_set_new(j, "dead_at", m->dead_at ? json_integer(m->dead_at) : json_null());
    json_object_set_new(j, "next_at", json_integer(m->next_at));
    json_object_set_new(j, "delivered_at", m->delivered_at ? json_integer(m->delivered_at) : json_null());
    return j;
}

static int add_dead(const store_outbox_t *m, void *arg)
{
    json_array_append_new(arg, dead_json(m));
    return 0;
}

int api_outbox_dead(http_req_t *r)
{
    char lo[13], hi[14];
    if (!api_scope_region(r, lo, hi))
        return 0;
    long limit = api_query_long(r, "limit", LIST_DEFAULT, 1, LIST_MAX);
    long after = api_query_long(r, "after", 0, 0, LONG_MAX);
    if (limit < 0 || after < 0)
        return 0;
    json_t *items = json_array();
    if (store_outbox_dead_each(http_reader(r), lo, hi, after, (int)limit + 1, add_dead, items) != STORE_OK) {
        json_decref(items);
        http_reply_internal(r, "cannot read the dead letters");
        return 0;
    }
    api_reply_page(r, items, limit);
    return 0;
}

typedef struct {
    http_write_t super;
    api_who_t who;
    int64_t id;
    char region[13];
} retry_write_t;

static int copy_row(const store_outbox_t *m, void *arg)
{
    *(json_t **)arg = dead_json(m);
    return 1;
}

static int retry_run(http_write_t *w, store_t *db)
{
    retry_write_t *x = (retry_write_t *)w;
    int rc = store_outbox_retry(db, x->id, time(NULL));
    return rc ? rc : api_audit(db, &x->who, "outbox.retry", "outbox", x->id, x->region[0] ? x->region : NULL, "");
}

static void retry_respond(http_write_t *w, http_req_t *r, int status)
{
    retry_write_t *x = (retry_write_t *)w;
    json_t *row = NULL;
    if (r && status == STORE_ENOTFOUND)
        http_reply_error(r, 409, "not_dead", "the message is not a dead letter (any more)", NULL);
    else if (r && status != STORE_OK)
        http_reply_internal(r, "cannot put the message back in the queue");
    else if (r && store_outbox_get(http_reader(r), x->id, copy_row, &row) == STORE_OK && row)
        http_reply_json(r, 200, row);
    else if (r)
        http_reply_internal(r, "cannot read the message");
}

int api_outbox_retry(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return 0;
    json_t *row = NULL;
    if (store_outbox_get(http_reader(r), id, copy_row, &row) != STORE_OK || row == NULL) {
        http_reply_error(r, 404, "not_found", "no such message", NULL);
        return 0;
    }
    /* a message of no region is every admin's (see the top) */
    const char *region = json_string_value(json_object_get(row, "region"));
    policy_target_t target = {.region = region ? region : http_actor(r)->region};
    bool dead = json_integer_value(json_object_get(row, "dead_at")) != 0 &&
                json_is_null(json_object_get(row, "delivered_at"));
    retry_write_t *x = NULL;
    bool allowed = http_authorize(r, &target, true);
    if (allowed && !dead) {
        http_reply_error(r, 409, "not_dead", "the message is not a dead letter", NULL);
    } else if (allowed) {
        x = http_write_new(r, sizeof(*x));
        x->id = id;
        snprintf(x->region, sizeof(x->region), "%s", region ? region : "");
    }
    json_decref(row);
    if (x == NULL)
        return 0;
    api_who(r, &x->who);
    x->super.run = retry_run;
    x->super.respond = retry_respond;
    http_write(r, &x->super);
    return 0;
}

static int add_template(const store_template_t *t, void *arg)
{
    json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, s:s}", "event", t->event, "channel", t->channel,
                                         "lang", t->lang, "subject", t->subject, "body", t->body));
    return 0;
}

int api_outbox_templates(http_req_t *r)
{
    json_t *items = json_array();
    if (store_templates_each(http_reader(r), add_template, items) != STORE_OK) {
        json_decref(items);
        http_reply_internal(r, "cannot read the templates");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
    return 0;
}
