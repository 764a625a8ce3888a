/* common: input validation and the helpers every resource shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/ratelimit.h"
#include "auth/vault.h"
#include "core/utf8.h"
#include "domain/region.h"

void api_invalid(api_input_t *in, const char *field, const char *message)
{
    if (in->failed)
        return;
    in->failed = true;
    http_reply_error(in->r, 422, "invalid", message, field);
}

const char *api_text(api_input_t *in, const char *field, size_t min_chars, size_t max_chars, bool required)
{
    if (in->failed)
        return NULL;
    json_t *v = json_object_get(in->body, field);
    char msg[160];
    if (v == NULL || json_is_null(v)) {
        if (required) {
            snprintf(msg, sizeof(msg), "%s is required", field);
            api_invalid(in, field, msg);
        }
        return NULL;
    }
    if (!json_is_string(v)) {
        snprintf(msg, sizeof(msg), "%s must be text", field);
        api_invalid(in, field, msg);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t bytes = json_string_length(v);
    /* bodies are parsed with JSON_ALLOW_NUL so that a \u0000 is refused here, naming its field */
    if (strlen(s) != bytes || !utf8_valid(s, bytes)) {
        snprintf(msg, sizeof(msg), "%s holds a NUL or invalid character", field);
        api_invalid(in, field, msg);
        return NULL;
    }
    size_t n = utf8_chars(s, bytes);
    if (n < min_chars || n > max_chars) {
        snprintf(msg, sizeof(msg), "%s must have %zu to %zu characters", field, min_chars, max_chars);
        api_invalid(in, field, msg);
        return NULL;
    }
    return s;
}

int api_bool(api_input_t *in, const char *field)
{
    if (in->failed)
        return -1;
    json_t *v = json_object_get(in->body, field);
    if (v == NULL)
        return -1;
    if (!json_is_boolean(v)) {
        char msg[160];
        snprintf(msg, sizeof(msg), "%s must be true or false", field);
        api_invalid(in, field, msg);
        return -1;
    }
    return json_is_true(v);
}

int64_t api_id(api_input_t *in, const char *field)
{
    if (in->failed)
        return 0;
    json_t *v = json_object_get(in->body, field);
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        char msg[160];
        snprintf(msg, sizeof(msg), "%s must be a positive whole number", field);
        api_invalid(in, field, msg);
        return 0;
    }
    return json_integer_value(v);
}

int64_t api_param_id(http_req_t *r, int i)
{
    const char *s = http_param(r, i);
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (s == NULL || *end || v <= 0 || end == s) {
        http_reply_error(r, 404, "not_found", "no such record", NULL);
        return 0;
    }
    return v;
}

long api_query_long(http_req_t *r, const char *name, long dflt, long min, long max)
{
    const char *s = http_query(r, name);
    if (s == NULL)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end || v < min || v > max) {
        char msg[160];
        snprintf(msg, sizeof(msg), "%s must be a whole number from %ld to %ld", name, min, max);
        http_reply_error(r, 400, "bad_query", msg, name);
        return -1;
    }
    return v;
}

bool api_scope_region(http_req_t *r, char lo[13], char hi[14])
{
    const actor_t *a = http_actor(r);
    const char *region = http_query(r, "region");
    if (region && (!region_code_valid(region) || !region_in_scope(a->region, region))) {
        http_reply_error(r, 403, "out_of_scope", "region lies outside your region", "region");
        return false;
    }
    snprintf(lo, 13, "%s", region ? region : a->region);
    region_subtree_upper(lo, hi);
    return true;
}

void api_who(http_req_t *r, api_who_t *who)
{
    memset(who, 0, sizeof(*who));
    if (r->session) {
        who->actor_id = r->session->actor.user_id;
        snprintf(who->actor, sizeof(who->actor), "%s", r->session->username);
    }
    snprintf(who->ip, sizeof(who->ip), "%s", r->ip);
}

int api_audit(store_t *db, const api_who_t *who, const char *action, const char *entity, int64_t entity_id,
              const char *region, const char *detail)
{
    char id[24] = "";
    if (entity_id)
        snprintf(id, sizeof(id), "%lld", (long long)entity_id);
    store_audit_t a = {
        .at = time(NULL),
        .actor_id = who->actor_id,
        .actor = who->actor,
        .action = action,
        .entity = entity,
        .entity_id = id,
        .region = region,
        .ip = who->ip,
        .detail = detail,
    };
    return store_audit_append(db, &a);
}

json_t *api_user_json(const store_user_t *u)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:I}", "id", (json_int_t)u->id, "username", u->username,
                          "display_name", u->display_name, "role", u->role, "region", u->region, "disabled",
                          u->disabled, "created_at", (json_int_t)u->created_at);
    if (u->unit_id)
        json_object_set_new(j, "unit_id", json_integer(u->unit_id));
    if (u->deputy_id)
        json_object_set_new(j, "deputy_id", json_integer(u->deputy_id));
    json_t *stations = json_array();
    for (int i = 0; i < u->nstations; i++)
        json_array_append_new(stations, json_integer(u->stations[i]));
    json_object_set_new(j, "stations", stations);
    return j;
}

void api_only(api_input_t *in, const char *const *keys)
{
    const char *key;
    json_t *v;
    json_object_foreach(in->body, key, v)
    {
        const char *const *k = keys;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (*k == NULL) {
            char msg[160];
            snprintf(msg, sizeof(msg), "%.64s is not a field here", key);
            api_invalid(in, key, msg);
            return;
        }
    }
}

bool api_rate_limited(http_req_t *r, const char *kind, int limit, int window_s, const char *message)
{
    char key[96];
    snprintf(key, sizeof(key), "%s:%s", kind, r->ip);
    return api_rate_limited_key(r, key, limit, window_s, message);
}

bool api_rate_limited_key(http_req_t *r, const char *key, int limit, int window_s, const char *message)
{
    if (!http_config(r)->rate_limits)
        return false;
    int wait = ratelimit_hit(http_ratelimit(r), key, limit, window_s, time(NULL));
    if (wait == 0)
        return false;
    char retry[16];
    snprintf(retry, sizeof(retry), "%d", wait);
    http_add_header(r, "retry-after", retry);
    http_reply_error(r, 429, "too_many_requests", message, NULL);
    return true;
}

void api_rate_refund(http_req_t *r, const char *kind)
{
    if (!http_config(r)->rate_limits)
        return;
    char key[96];
    snprintf(key, sizeof(key), "%s:%s", kind, r->ip);
    ratelimit_refund(http_ratelimit(r), key);
}

/* The first character of the name, the rest hidden: enough to tell entries apart on paper. */
json_t *api_masked_name(const struct vault *vault, const char *sealed)
{
    char *name = sealed ? vault_open(vault, sealed, NULL) : NULL;
    if (name == NULL)
        return json_string("");
    const char *p = name;
    utf8_next(&p);
    buf_t out;
    buf_init(&out);
    buf_add(&out, name, (size_t)(p - name));
    for (int i = 0; *p && i < 2; i++)
        utf8_next(&p), buf_adds(&out, "*");
    free(name);
    json_t *j = json_string(out.data ? out.data : "");
    buf_free(&out);
    return j;
}

void api_reply_page(http_req_t *r, json_t *items, long limit)
{
    json_t *next = json_null();
    if (json_array_size(items) > (size_t)limit) {
        json_array_remove(items, (size_t)limit);
        next = json_integer(json_integer_value(json_object_get(json_array_get(items, (size_t)limit - 1), "id")));
    }
    http_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next", next));
}
