/*
 * dispatch: routes one outbox message to its channels (see dispatch.h). The one idea: a message
 * remembers which channels took it (channels_done), so a retry after a partial failure - the
 * webhook took it, the mail server was down - sends only to the channels still owed, and nobody
 * gets the same notice twice.
 */
#include "api/dispatch.h"

#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/vault.h"
#include "core/deliver.h"
#include "core/log.h"

enum { TIMEOUT_S = 10 };

static bool took(const char *done, const char *channel)
{
    char word[32];
    snprintf(word, sizeof(word), " %s ", channel);
    return strstr(done, word) != NULL;
}

static void mark(char *done, size_t donelen, const char *channel)
{
    size_t len = strlen(done);
    snprintf(done + len, donelen - len, len ? "%s " : " %s ", channel);
}

/* The message as the gateways get it: {id, event, recipient?, created_at, payload}. */
static json_t *message_json(const store_outbox_t *m, bool with_recipient)
{
    json_t *payload = json_loads(m->payload, 0, NULL);
    json_t *j = json_pack("{s:I, s:s, s:I, s:o}", "id", (json_int_t)m->id, "event", m->event, "created_at",
                          (json_int_t)m->created_at, "payload", payload ? payload : json_object());
    if (with_recipient)
        json_object_set_new(j, "recipient", json_string(m->recipient));
    return j;
}

typedef struct {
    json_t *values; /* the payload, with the message's event and id */
    char *subject, *text;
} rendered_t;

static int fill_template(const store_template_t *t, void *arg)
{
    rendered_t *out = arg;
    out->subject = deliver_fill(t->subject, out->values);
    out->text = deliver_fill(t->body, out->values);
    return 1;
}

/* The channel's template filled from the payload (only what belongs to the recipient is in it). */
static bool render(store_t *db, const char *lang, const char *channel, json_t *message, rendered_t *out)
{
    out->values = json_deep_copy(json_object_get(message, "payload"));
    json_object_set(out->values, "event", json_object_get(message, "event"));
    json_object_set(out->values, "id", json_object_get(message, "id"));
    out->subject = out->text = NULL;
    int rc = store_template_find(db, json_string_value(json_object_get(message, "event")), channel, lang,
                                 fill_template, out);
    json_decref(out->values);
    return rc == STORE_OK && out->subject && out->text;
}

static int to_channel(const config_t *cfg, store_t *db, const store_outbox_t *m, const char *channel,
                      const char *address, char *err, size_t errlen)
{
    json_t *message = message_json(m, true);
    rendered_t r;
    if (!render(db, cfg->notify_lang, channel, message, &r)) {
        json_decref(message);
        snprintf(err, errlen, "%s: no template for %s", channel, m->event);
        return -1;
    }
    int rc;
    if (strcmp(channel, "email") == 0) {
        deliver_mail_t mail = {cfg->notify_smtp_from, address, r.subject, r.text, m->id, m->created_at};
        rc = deliver_mail(cfg->notify_smtp_url, &mail, TIMEOUT_S, err, errlen);
    } else {
        json_object_set_new(message, "lang", json_string(cfg->notify_lang));
        json_object_set_new(message, "subject", json_string(r.subject));
        json_object_set_new(message, "text", json_string(r.text));
        char *body = json_dumps(message, JSON_COMPACT);
        if (body == NULL)
            rc = -1, snprintf(err, errlen, "%s: cannot write the message", channel);
        else if (strcmp(channel, "webhook") == 0)
            rc = deliver_webhook(cfg->notify_webhook, cfg->notify_secret, m->event, m->id, body, TIMEOUT_S, err, errlen);
        else
            rc = deliver_command(cfg->notify_command, body, TIMEOUT_S, err, errlen);
        free(body);
    }
    free(r.subject);
    free(r.text);
    json_decref(message);
    return rc;
}

/* An integrator's copy, signed with the subscription's own secret. */
static int to_subscription(const struct vault *vault, store_t *db, const store_outbox_t *m, char *err, size_t errlen)
{
    store_webhook_t w;
    int rc = store_webhook_get(db, strtoll(m->recipient + strlen("subscription:"), NULL, 10), &w);
    if (rc == STORE_ENOTFOUND)
        return 0; /* ended meanwhile: there is nobody to tell */
    if (rc != STORE_OK) {
        snprintf(err, errlen, "subscription: cannot read it");
        return -1;
    }
    size_t len = 0;
    char *secret = vault ? vault_open(vault, w.secret_sealed, &len) : NULL;
    store_webhook_free(&w);
    if (secret == NULL) {
        snprintf(err, errlen, "subscription: cannot open its secret");
        return -1;
    }
    json_t *message = message_json(m, false);
    char *body = json_dumps(message, JSON_COMPACT);
    json_decref(message);
    rc = body ? deliver_webhook(w.url, secret, m->event, m->id, body, TIMEOUT_S, err, errlen) : -1;
    free(body);
    sodium_memzero(secret, len);
    free(secret);
    return rc;
}

int api_dispatch(const config_t *cfg, const struct vault *vault, store_t *db, const store_outbox_t *m, char *done,
                 size_t donelen, char *err, size_t errlen)
{
    if (strncmp(m->recipient, "subscription:", 13) == 0)
        return to_subscription(vault, db, m, err, errlen);
    char address[256] = "";
    bool email = cfg->notify_smtp_url[0] && store_outbox_email(db, m->recipient, address, sizeof(address)) == STORE_OK;
    const struct {
        const char *name;
        bool on;
    } channels[] = {{"webhook", cfg->notify_webhook[0] != '\0'}, {"command", cfg->notify_command[0] != '\0'},
                    {"email", email}};
    int failed = 0, any = 0;
    for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
        if (!channels[i].on)
            continue;
        any++;
        if (took(done, channels[i].name))
            continue;
        char why[200];
        if (to_channel(cfg, db, m, channels[i].name, address, why, sizeof(why)) == 0)
            mark(done, donelen, channels[i].name);
        else if (failed++ == 0)
            snprintf(err, errlen, "%s", why);
    }
    if (!any) /* no gateway: say that it would have gone, without what it says (the log is read widely) */
        log_info("notification %lld %s to %s", (long long)m->id, m->event, m->recipient);
    return failed ? -1 : 0;
}
