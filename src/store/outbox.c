/* outbox store: the queue's reads and tries, dead letters, templates, subscriptions (outbox.h). */
#include "store/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REGION_OF_PAYLOAD "CASE WHEN json_valid(payload) THEN coalesce(json_extract(payload, '$.region'), '') ELSE '' END"
#define OUTBOX_COLUMNS                                                                                             \
    "id, created_at, event, recipient, payload, attempts, channels_done, coalesce(last_error, ''), next_at,"       \
    " coalesce(tried_at, 0), coalesce(dead_at, 0), coalesce(delivered_at, 0), " REGION_OF_PAYLOAD

static int each_message(store_stmt_t *st, int (*fn)(const store_outbox_t *m, void *arg), void *arg, int *found)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_outbox_t m = {
            .id = store_col_int(st, 0), .created_at = store_col_int(st, 1), .event = store_col_text(st, 2),
            .recipient = store_col_text(st, 3), .payload = store_col_text(st, 4),
            .attempts = (int)store_col_int(st, 5), .channels_done = store_col_text(st, 6),
            .last_error = store_col_text(st, 7), .next_at = store_col_int(st, 8), .tried_at = store_col_int(st, 9),
            .dead_at = store_col_int(st, 10), .delivered_at = store_col_int(st, 11), .region = store_col_text(st, 12),
        };
        if (found)
            (*found)++;
        if (fn(&m, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_outbox_due(store_t *db, int64_t now, int limit, int (*fn)(const store_outbox_t *m, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE delivered_at IS NULL"
                                         " AND dead_at IS NULL AND next_at <= $1 ORDER BY next_at, id LIMIT $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, now);
    store_bind_int(st, 2, limit);
    return each_message(st, fn, arg, NULL);
}

int store_outbox_tried(store_t *db, int64_t id, const store_outbox_try_t *t, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE outbox SET attempts = attempts + 1, delivered_at = $2, last_error = $3, next_at = $4,"
            " channels_done = $5, tried_at = $6, dead_at = $7 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_opt_id(st, 2, t->delivered ? now : 0);
    store_bind_opt_text(st, 3, t->delivered ? NULL : t->error);
    store_bind_int(st, 4, t->next_at);
    store_bind_text(st, 5, t->channels_done ? t->channels_done : "");
    store_bind_int(st, 6, now);
    store_bind_opt_id(st, 7, !t->delivered && t->dead ? now : 0);
    return store_run(st);
}

int store_outbox_dead_each(store_t *db, const char *lo, const char *hi, int64_t before, int limit,
                           int (*fn)(const store_outbox_t *m, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT * FROM (SELECT " OUTBOX_COLUMNS " AS payload_region FROM outbox WHERE dead_at IS NOT NULL"
            " AND delivered_at IS NULL AND ($3 = 0 OR id < $3)) WHERE payload_region = ''"
            " OR (payload_region >= $1 AND payload_region < $2) ORDER BY id DESC LIMIT $4");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    store_bind_int(st, 3, before);
    store_bind_int(st, 4, limit);
    return each_message(st, fn, arg, NULL);
}

int store_outbox_get(store_t *db, int64_t id, int (*fn)(const store_outbox_t *m, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int found = 0;
    int rc = each_message(st, fn, arg, &found);
    return rc == STORE_OK && found == 0 ? STORE_ENOTFOUND : rc;
}

int store_outbox_retry(store_t *db, int64_t id, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE outbox SET dead_at = NULL, attempts = 0, next_at = $2"
                                         " WHERE id = $1 AND dead_at IS NOT NULL AND delivered_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_outbox_email(store_t *db, const char *recipient, char *out, size_t outlen)
{
    static const struct {
        const char *prefix, *sql;
    } kinds[] = {
        {"user:", "SELECT email FROM users WHERE id = $1 AND disabled = 0"},
        {"unit:", "SELECT email FROM units WHERE id = $1 AND deleted_at IS NULL"},
        {"deputy:", "SELECT email FROM users WHERE deputy_id = $1 AND disabled = 0 AND email <> '' ORDER BY id LIMIT 1"},
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        size_t n = strlen(kinds[i].prefix);
        if (strncmp(recipient, kinds[i].prefix, n) != 0)
            continue;
        store_stmt_t *st = store_prepare(db, kinds[i].sql);
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, strtoll(recipient + n, NULL, 10));
        int rc = store_step(st);
        if (rc == STORE_ROW)
            snprintf(out, outlen, "%s", store_col_text(st, 0));
        store_done(st);
        if (rc < 0)
            return rc;
        return rc == STORE_ROW && *out ? STORE_OK : STORE_ENOTFOUND;
    }
    return STORE_ENOTFOUND; /* constituents, bookings and subscriptions have no e-mail */
}

static int each_template(store_stmt_t *st, int (*fn)(const store_template_t *t, void *arg), void *arg, int *found)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_template_t t = {store_col_text(st, 0), store_col_text(st, 1), store_col_text(st, 2),
                              store_col_text(st, 3), store_col_text(st, 4)};
        (*found)++;
        if (fn(&t, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_template_find(store_t *db, const char *event, const char *channel, const char *lang,
                        int (*fn)(const store_template_t *t, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT event, channel, lang, subject, body FROM notification_templates WHERE lang = $3"
            " AND (event = $1 OR (event = '*' AND channel = '*')) AND channel IN ($2, '*')"
            " ORDER BY event = '*', channel = '*' LIMIT 1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, event);
    store_bind_text(st, 2, channel);
    store_bind_text(st, 3, lang);
    int found = 0;
    int rc = each_template(st, fn, arg, &found);
    return rc == STORE_OK && found == 0 ? STORE_ENOTFOUND : rc;
}

int store_templates_each(store_t *db, int (*fn)(const store_template_t *t, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT event, channel, lang, subject, body FROM notification_templates"
                                         " ORDER BY event = '*' DESC, event, channel, lang");
    if (st == NULL)
        return STORE_ERR;
    int found = 0;
    return each_template(st, fn, arg, &found);
}

/* ---- webhook subscriptions ----------------------------------------------------------------------- */

#define WEBHOOK_COLUMNS "id, url, events, region_code, active, coalesce(created_by, 0), created_at, secret_sealed"

void store_webhook_free(store_webhook_t *w)
{
    free(w->secret_sealed);
    w->secret_sealed = NULL;
}

static void webhook_row(store_stmt_t *st, store_webhook_t *w, bool with_secret)
{
    w->id = store_col_int(st, 0);
    snprintf(w->url, sizeof(w->url), "%s", store_col_text(st, 1));
    snprintf(w->events, sizeof(w->events), "%s", store_col_text(st, 2));
    snprintf(w->region, sizeof(w->region), "%s", store_col_text(st, 3));
    w->active = store_col_int(st, 4) != 0;
    w->created_by = store_col_int(st, 5);
    w->created_at = store_col_int(st, 6);
    w->secret_sealed = with_secret ? store_col_dup(st, 7) : NULL;
}

static int each_webhook(store_stmt_t *st, int (*fn)(const store_webhook_t *w, void *arg), void *arg)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_webhook_t w;
        webhook_row(st, &w, false);
        if (fn(&w, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_webhook_insert(store_t *db, const store_webhook_t *w, int64_t *id)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO webhook_subscriptions (url, secret_sealed, events, region_code,"
                                         " active, created_by, created_at) VALUES ($1, $2, $3, $4, 1, $5, $6)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, w->url);
    store_bind_text(st, 2, w->secret_sealed);
    store_bind_text(st, 3, w->events);
    store_bind_text(st, 4, w->region);
    store_bind_opt_id(st, 5, w->created_by);
    store_bind_int(st, 6, w->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_webhooks_each(store_t *db, const char *lo, const char *hi, int (*fn)(const store_webhook_t *w, void *arg),
                        void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " WEBHOOK_COLUMNS " FROM webhook_subscriptions WHERE deleted_at IS NULL"
                                         " AND region_code >= $1 AND region_code < $2 ORDER BY id DESC");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    return each_webhook(st, fn, arg);
}

int store_webhooks_for_event(store_t *db, const char *event, int (*fn)(const store_webhook_t *w, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " WEBHOOK_COLUMNS " FROM webhook_subscriptions WHERE deleted_at IS NULL"
                                         " AND active = 1 AND instr(events, ' ' || $1 || ' ') > 0 ORDER BY id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, event);
    return each_webhook(st, fn, arg);
}

int store_webhook_get(store_t *db, int64_t id, store_webhook_t *out)
{
    store_stmt_t *st =
        store_prepare(db, "SELECT " WEBHOOK_COLUMNS " FROM webhook_subscriptions WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        webhook_row(st, out, true);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_webhook_delete(store_t *db, int64_t id, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE webhook_subscriptions SET deleted_at = $2, active = 0"
                                         " WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, now);
    int rc = store_run(st);
    if (rc == STORE_OK && store_changes(db) == 0)
        return STORE_ENOTFOUND;
    if (rc != STORE_OK)
        return rc;
    char recipient[40];
    snprintf(recipient, sizeof(recipient), "subscription:%lld", (long long)id);
    st = store_prepare(db, "DELETE FROM outbox WHERE recipient = $1 AND delivered_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, recipient);
    return store_run(st);
}
