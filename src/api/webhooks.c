/*
 * webhooks: integrators subscribe to events of the opinion and suggestion loops (SPEC §9) -
 * opinion.created, opinion.answered, opinion.rated, suggestion.replied - for a region subtree,
 * kept by the deputy-affairs office of that region: list, make, end.
 *
 * The one idea: an event is copied into the outbox once per matching subscription, in the
 * transaction that makes it, as "subscription:ID"; from there the dispatcher signs it with the
 * subscription's own secret and retries it like any message, dead letters included. The payloads
 * are written for strangers: ids, states, region, category, rating - never a name, a phone, a
 * tracking code or a text someone typed.
 *
 * The secret is the HMAC key itself, so it is kept sealed (vault), not hashed; it is shown once,
 * in the answer that makes the subscription.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/token.h"
#include "auth/vault.h"
#include "domain/region.h"
#include "store/opinions.h"
#include "store/outbox.h"
#include "store/regions.h"

enum { SECRET_MIN = 16, SECRET_MAX = 128, URL_MAX = 500 };

static const char *const events[] = {"opinion.created", "opinion.answered", "opinion.rated", "suggestion.replied",
                                     NULL};

/* ---- fanning an event out ------------------------------------------------------------------------ */

typedef struct {
    store_t *db;
    const char *event, *region, *text;
    int64_t now;
    int rc;
} publish_t;

static int publish_one(const store_webhook_t *w, void *arg)
{
    publish_t *p = arg;
    if (!region_in_scope(w->region, p->region))
        return 0;
    char to[40];
    snprintf(to, sizeof(to), "subscription:%lld", (long long)w->id);
    p->rc = store_outbox_add(p->db, p->event, to, p->text, p->now);
    return p->rc != STORE_OK;
}

int api_webhooks_publish(store_t *db, const char *event, json_t *payload, const char *region, int64_t now)
{
    json_object_set_new(payload, "region", json_string(region));
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    if (text == NULL)
        return STORE_ERR;
    publish_t p = {db, event, region, text, now, STORE_OK};
    int rc = store_webhooks_for_event(db, event, publish_one, &p);
    free(text);
    return rc ? rc : p.rc;
}

/* ---- the admin's API ------------------------------------------------------------------------------ */

/* " a b " as ["a", "b"]. */
static json_t *event_list(const char *spaced)
{
    json_t *list = json_array();
    for (int i = 0; events[i]; i++) {
        char word[40];
        snprintf(word, sizeof(word), " %s ", events[i]);
        if (strstr(spaced, word))
            json_array_append_new(list, json_string(events[i]));
    }
    return list;
}

static json_t *webhook_json(const store_webhook_t *w)
{
    json_t *j = json_pack("{s:I, s:s, s:o, s:s, s:b, s:I}", "id", (json_int_t)w->id, "url", w->url, "events",
                          event_list(w->events), "region", w->region, "active", w->active, "created_at",
                          (json_int_t)w->created_at);
    json_object_set_new(j, "created_by", w->created_by ? json_integer(w->created_by) : json_null());
    return j;
}

static int add_webhook(const store_webhook_t *w, void *arg)
{
    json_array_append_new(arg, webhook_json(w));
    return 0;
}

int api_webhooks_list(http_req_t *r)
{
    char lo[13], hi[14];
    if (!api_scope_region(r, lo, hi))
        return 0;
    json_t *items = json_array();
    if (store_webhooks_each(http_reader(r), lo, hi, add_webhook, items) != STORE_OK) {
        json_decref(items);
        http_reply_internal(r, "cannot read the webhook subscriptions");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
    return 0;
}

typedef struct {
    http_write_t super;
    api_who_t who;
    store_webhook_t hook;
    char secret[SECRET_MAX + 1]; /* shown once, in the answer */
    bool end;
} webhook_write_t;

static int webhook_run(http_write_t *w, store_t *db)
{
    webhook_write_t *x = (webhook_write_t *)w;
    int rc = x->end ? store_webhook_delete(db, x->hook.id, x->hook.created_at)
                    : store_webhook_insert(db, &x->hook, &x->hook.id);
    return rc ? rc
              : api_audit(db, &x->who, x->end ? "webhook.delete" : "webhook.create", "webhook", x->hook.id,
                          x->hook.region, x->hook.url);
}

static void webhook_respond(http_write_t *w, http_req_t *r, int status)
{
    webhook_write_t *x = (webhook_write_t *)w;
    if (r && status == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such subscription", NULL);
    else if (r && status != STORE_OK)
        http_reply_internal(r, "cannot change a webhook subscription");
    else if (r && x->end)
        http_reply_empty(r, 204);
    else if (r) {
        json_t *j = webhook_json(&x->hook);
        json_object_set_new(j, "secret", json_string(x->secret));
        http_reply_json(r, 201, j);
    }
    sodium_memzero(x->secret, sizeof(x->secret));
    store_webhook_free(&x->hook);
}

static bool url_valid(const char *url)
{
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return false;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127)
            return false;
    return strlen(url) > 8;
}

/* The events array as " a b " (each known, at least one); false after answering 422. */
static bool read_events(api_input_t *in, char *out, size_t outlen)
{
    json_t *list = json_object_get(in->body, "events");
    size_t i;
    json_t *e;
    if (in->failed)
        return false;
    if (!json_is_array(list) || json_array_size(list) == 0) {
        api_invalid(in, "events", "events must list one or more of the subscribable events");
        return false;
    }
    snprintf(out, outlen, " ");
    json_array_foreach(list, i, e)
    {
        int k = 0;
        while (events[k] && !(json_is_string(e) && strcmp(events[k], json_string_value(e)) == 0))
            k++;
        if (events[k] == NULL) {
            api_invalid(in, "events",
                        "events may be opinion.created, opinion.answered, opinion.rated, suggestion.replied");
            return false;
        }
        char word[40];
        snprintf(word, sizeof(word), " %s ", events[k]);
        if (strstr(out, word) == NULL)
            snprintf(out + strlen(out), outlen - strlen(out), "%s ", events[k]);
    }
    return true;
}

int api_webhooks_create(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"url", "events", "region", "secret", NULL};
    api_only(&in, fields);
    const char *url = api_text(&in, "url", 9, URL_MAX, true);
    if (!in.failed && !url_valid(url))
        api_invalid(&in, "url", "url must be an http:// or https:// address");
    char spaced[256];
    read_events(&in, spaced, sizeof(spaced));
    const char *region = api_text(&in, "region", 12, 12, false);
    if (!in.failed && region == NULL)
        region = http_actor(r)->region;
    if (!in.failed && (!region_code_valid(region) || store_region_exists(http_reader(r), region) != STORE_OK))
        api_invalid(&in, "region", "region names no known region");
    const char *secret = api_text(&in, "secret", SECRET_MIN, SECRET_MAX, false);
    if (!in.failed && secret && strspn(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~") !=
                                    strlen(secret))
        api_invalid(&in, "secret", "secret may hold letters, digits and - _ . ~ only");
    policy_target_t target = {.region = region};
    if (in.failed || !http_authorize(r, &target, false)) {
        json_decref(body);
        return 0;
    }
    webhook_write_t *x = http_write_new(r, sizeof(*x));
    snprintf(x->hook.url, sizeof(x->hook.url), "%s", url);
    snprintf(x->hook.events, sizeof(x->hook.events), "%s", spaced);
    snprintf(x->hook.region, sizeof(x->hook.region), "%s", region);
    x->hook.active = true;
    x->hook.created_by = http_actor(r)->user_id;
    x->hook.created_at = time(NULL);
    if (secret)
        snprintf(x->secret, sizeof(x->secret), "%s", secret);
    else
        token_new(x->secret);
    json_decref(body);
    x->hook.secret_sealed = vault_seal(http_vault(r), x->secret, strlen(x->secret));
    api_who(r, &x->who);
    x->super.run = webhook_run;
    x->super.respond = webhook_respond;
    http_write(r, &x->super);
    return 0;
}

int api_webhooks_delete(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return 0;
    store_webhook_t hook;
    if (store_webhook_get(http_reader(r), id, &hook) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such subscription", NULL);
        return 0;
    }
    store_webhook_free(&hook);
    policy_target_t target = {.region = hook.region};
    if (!http_authorize(r, &target, true))
        return 0;
    webhook_write_t *x = http_write_new(r, sizeof(*x));
    x->hook = hook;
    x->hook.created_at = time(NULL); /* the ending's time */
    x->end = true;
    api_who(r, &x->who);
    x->super.run = webhook_run;
    x->super.respond = webhook_respond;
    http_write(r, &x->super);
    return 0;
}
