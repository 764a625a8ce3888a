/*
 * open311_keys: the API keys of the civic apps that post to Open311 (SPEC §9), kept by the
 * deputy-affairs office inside its region: list, make, revoke.
 *
 * A key is shown once, in the answer that makes it; the database keeps its hash only. A key posts
 * for places inside its region, at most per_minute requests a minute.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/token.h"
#include "domain/region.h"
#include "store/open311.h"
#include "store/regions.h"

enum { PER_MINUTE_DEFAULT = 60, PER_MINUTE_MAX = 10000 };

void api_open311_key_hash(const char *key, char out[2 * TOKEN_HASH_BYTES + 1])
{
    unsigned char hash[TOKEN_HASH_BYTES];
    token_hash(key, strlen(key), hash);
    sodium_bin2hex(out, 2 * TOKEN_HASH_BYTES + 1, hash, sizeof(hash));
}

static json_t *key_json(const store_open311_key_t *k)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:i, s:I}", "id", (json_int_t)k->id, "name", k->name, "region", k->region,
                          "per_minute", k->per_minute, "created_at", (json_int_t)k->created_at);
    json_object_set_new(j, "created_by", k->created_by ? json_integer(k->created_by) : json_null());
    json_object_set_new(j, "revoked_at", k->revoked_at ? json_integer(k->revoked_at) : json_null());
    return j;
}

static int add_key(const store_open311_key_t *k, void *arg)
{
    json_array_append_new(arg, key_json(k));
    return 0;
}

int api_open311_keys_list(http_req_t *r)
{
    char lo[13], hi[14];
    if (!api_scope_region(r, lo, hi))
        return 0;
    json_t *items = json_array();
    if (store_open311_keys_each(http_reader(r), lo, hi, add_key, items) != STORE_OK) {
        json_decref(items);
        http_reply_internal(r, "cannot read the Open311 keys");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
    return 0;
}

typedef struct {
    http_write_t super;
    api_who_t who;
    store_open311_key_t key;
    char hash[2 * TOKEN_HASH_BYTES + 1];
    char secret[TOKEN_CHARS + 1]; /* shown once, in the answer */
    bool revoke;
} key_write_t;

static int key_run(http_write_t *w, store_t *db)
{
    key_write_t *k = (key_write_t *)w;
    int rc = k->revoke ? store_open311_key_revoke(db, k->key.id, k->key.created_at)
                       : store_open311_key_insert(db, k->hash, &k->key, &k->key.id);
    return rc ? rc
              : api_audit(db, &k->who, k->revoke ? "open311_key.revoke" : "open311_key.create", "open311_key",
                          k->key.id, k->key.region, k->key.name);
}

static void key_respond(http_write_t *w, http_req_t *r, int status)
{
    key_write_t *k = (key_write_t *)w;
    if (r && status == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such live key", NULL);
    else if (r && status != STORE_OK)
        http_reply_internal(r, "cannot change an Open311 key");
    else if (r && k->revoke)
        http_reply_empty(r, 204);
    else if (r) {
        json_t *j = key_json(&k->key);
        json_object_set_new(j, "key", json_string(k->secret));
        http_reply_json(r, 201, j);
    }
    sodium_memzero(k->secret, sizeof(k->secret));
}

int api_open311_keys_create(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"name", "region", "per_minute", NULL};
    api_only(&in, fields);
    const char *name = api_text(&in, "name", 1, 100, true);
    const char *region = api_text(&in, "region", 12, 12, false);
    if (!in.failed && region == NULL)
        region = http_actor(r)->region;
    if (!in.failed && (!region_code_valid(region) || store_region_exists(http_reader(r), region) != STORE_OK))
        api_invalid(&in, "region", "region names no known region");
    json_t *per_minute = json_object_get(body, "per_minute");
    if (!in.failed && per_minute &&
        (!json_is_integer(per_minute) || json_integer_value(per_minute) < 1 ||
         json_integer_value(per_minute) > PER_MINUTE_MAX))
        api_invalid(&in, "per_minute", "per_minute must be a whole number from 1 to 10000");
    policy_target_t target = {.region = region};
    if (in.failed || !http_authorize(r, &target, false)) {
        json_decref(body);
        return 0;
    }
    key_write_t *k = http_write_new(r, sizeof(*k));
    snprintf(k->key.name, sizeof(k->key.name), "%s", name);
    snprintf(k->key.region, sizeof(k->key.region), "%s", region);
    k->key.per_minute = per_minute ? (int)json_integer_value(per_minute) : PER_MINUTE_DEFAULT;
    k->key.created_by = http_actor(r)->user_id;
    k->key.created_at = time(NULL);
    json_decref(body);
    token_new(k->secret);
    api_open311_key_hash(k->secret, k->hash);
    api_who(r, &k->who);
    k->super.run = key_run;
    k->super.respond = key_respond;
    http_write(r, &k->super);
    return 0;
}

int api_open311_keys_delete(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return 0;
    store_open311_key_t key;
    if (store_open311_key_get(http_reader(r), id, &key) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such key", NULL);
        return 0;
    }
    policy_target_t target = {.region = key.region};
    if (!http_authorize(r, &target, true))
        return 0;
    key_write_t *k = http_write_new(r, sizeof(*k));
    k->key = key;
    k->key.created_at = time(NULL); /* the revocation's time */
    k->revoke = true;
    api_who(r, &k->who);
    k->super.run = key_run;
    k->super.respond = key_respond;
    http_write(r, &k->super);
    return 0;
}
