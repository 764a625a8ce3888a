/*
 * opinions: what the constituent does (SPEC §3) - send an opinion to a station or a deputy, follow
 * it with the tracking code, and rate the answer - and the category tree the form offers.
 *
 * The tracking code alone opens nothing: it takes the last four digits of the phone given, or the
 * secret token handed out when no phone was. A wrong pair is answered exactly like an unknown
 * code, and wrong tries per address are limited, so codes cannot be probed.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/opinion_common.h"
#include "auth/vault.h"
#include "domain/region.h"
#include "store/regions.h"
#include "store/activities.h"
#include "store/registry.h"

enum { CONTENT_MAX = 5000, TOKEN_LEN = 12, IDEMPOTENCY_MAX = 64, TRIES = 8 };
enum { FILES_MAX = 3, FILE_MAX_BYTES = 512 * 1024 }; /* photos are made smaller by the form first */

/* ---- categories -------------------------------------------------------------------------------- */

/* Whether the actor may change a category of this region: their own region's and those below
 * it; the national set only from a province's office. */
static bool category_keeper(const actor_t *a, const char *category_region)
{
    if (category_region[0] == '\0')
        return region_level(a->region) == REGION_PROVINCE;
    return region_in_scope(a->region, category_region);
}

typedef struct {
    json_t *items;
    const char *region; /* NULL: every category */
} category_list_t;

static int category_json(const store_category_t *c, void *arg)
{
    category_list_t *l = arg;
    if (l->region && !api_category_serves(c->region, l->region))
        return 0;
    json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)c->id, "code", c->code, "name", c->name,
                          "name_en", c->name_en);
    if (c->parent_id)
        json_object_set_new(j, "parent_id", json_integer(c->parent_id));
    if (c->region[0])
        json_object_set_new(j, "region", json_string(c->region));
    json_array_append_new(l->items, j);
    return 0;
}

/* ?region=CODE: the categories a form for that place offers (the national set and those of its
 * region and the regions above); without it, every category. */
int api_categories_list(http_req_t *r)
{
    const char *region = http_query(r, "region");
    if (region && !region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    category_list_t l = {json_array(), region};
    if (store_categories_each(http_reader(r), category_json, &l) != STORE_OK) {
        json_decref(l.items);
        http_reply_internal(r, "cannot read categories");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", l.items));
    return 0;
}

/* Admins keep the tree (SPEC §3: categories are configurable): add, rename, retire. */
typedef struct {
    http_write_t super;
    api_who_t who;
    enum { CATEGORY_ADD, CATEGORY_RENAME, CATEGORY_RETIRE } op;
    int64_t id, parent_id;
    int position;
    char code[33], name[200], name_en[200];
    char region[13]; /* a new category's: the admin's */
} category_write_t;

static int category_run(http_write_t *w, store_t *db)
{
    category_write_t *c = (category_write_t *)w;
    int64_t now = time(NULL);
    int rc;
    if (c->op == CATEGORY_ADD) {
        store_category_t row = {0, c->parent_id, c->code, c->name, c->name_en, c->region};
        rc = store_category_insert(db, &row, c->position, now, &c->id);
    } else if (c->op == CATEGORY_RENAME) {
        rc = store_category_rename(db, c->id, c->name[0] ? c->name : NULL, c->name_en[0] ? c->name_en : NULL, now);
    } else {
        rc = store_category_retire(db, c->id, now);
    }
    const char *what[] = {"category.create", "category.update", "category.delete"};
    return rc ? rc : api_audit(db, &c->who, what[c->op], "category", c->id, c->region, c->code);
}

static void category_respond(http_write_t *w, http_req_t *r, int status)
{
    category_write_t *c = (category_write_t *)w;
    if (r == NULL)
        return;
    if (status == STORE_ECONSTRAINT)
        http_reply_error(r, 409, "code_taken", "another category has that code", "code");
    else if (status == STORE_ENOTFOUND && c->op == CATEGORY_ADD)
        http_reply_error(r, 422, "invalid", "parent_id must name a live top-level category", "parent_id");
    else if (status == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such category", NULL);
    else if (status != STORE_OK)
        http_reply_internal(r, "cannot change a category");
    else if (c->op == CATEGORY_RETIRE)
        http_reply_empty(r, 204);
    else
        http_reply_json(r, c->op == CATEGORY_ADD ? 201 : 200, json_pack("{s:I}", "id", (json_int_t)c->id));
}

static bool code_ok(const char *code)
{
    for (const char *p = code; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return *code != '\0';
}

static int category_write(http_req_t *r, int op)
{
    int64_t id = op == CATEGORY_ADD ? 0 : api_param_id(r, 0);
    if (op != CATEGORY_ADD && id == 0)
        return 0;
    json_t *body = op == CATEGORY_RETIRE ? NULL : http_json_body(r);
    if (op != CATEGORY_RETIRE && body == NULL)
        return 0;
    /* an office keeps its own categories; the national set is a province's */
    char region[13] = "";
    if (op != CATEGORY_ADD && store_category_region(http_reader(r), id, region) != STORE_OK) {
        json_decref(body);
        http_reply_error(r, 404, "not_found", "no such category", NULL);
        return 0;
    }
    if (op != CATEGORY_ADD && !category_keeper(http_actor(r), region)) {
        json_decref(body);
        http_reply_error(r, 403, "out_of_scope",
                         region[0] ? "that category is another region's" : "the national categories are a province's to change",
                         NULL);
        return 0;
    }
    category_write_t *c = http_write_new(r, sizeof(*c));
    c->op = op;
    c->id = id;
    snprintf(c->region, sizeof(c->region), "%s", op == CATEGORY_ADD ? http_actor(r)->region : region);
    api_input_t in = {r, body, false};
    if (body) {
        static const char *const add_fields[] = {"code", "name", "name_en", "parent_id", "position", NULL};
        static const char *const rename_fields[] = {"name", "name_en", NULL};
        api_only(&in, op == CATEGORY_ADD ? add_fields : rename_fields);
        const char *code = op == CATEGORY_ADD ? api_text(&in, "code", 1, 32, true) : NULL;
        if (code && !code_ok(code))
            api_invalid(&in, "code", "code must be lower-case letters, digits or _");
        const char *name = api_text(&in, "name", 1, 20, op == CATEGORY_ADD);
        const char *name_en = api_text(&in, "name_en", 1, 60, false);
        c->parent_id = api_id(&in, "parent_id");
        char parent_region[13];
        if (!in.failed && c->parent_id &&
            (store_category_region(http_reader(r), c->parent_id, parent_region) != STORE_OK ||
             !api_category_serves(parent_region, http_actor(r)->region)))
            api_invalid(&in, "parent_id", "parent_id must name a category of your region or the national set");
        json_t *position = json_object_get(body, "position");
        if (!in.failed && position && (!json_is_integer(position) || json_integer_value(position) < 0 ||
                                       json_integer_value(position) > 9999))
            api_invalid(&in, "position", "position must be a whole number from 0 to 9999");
        c->position = position ? (int)json_integer_value(position) : 100;
        snprintf(c->code, sizeof(c->code), "%s", code ? code : "");
        snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
        snprintf(c->name_en, sizeof(c->name_en), "%s", name_en ? name_en : "");
        json_decref(body);
    }
    if (in.failed) {
        free(c);
        return 0;
    }
    api_who(r, &c->who);
    c->super.run = category_run;
    c->super.respond = category_respond;
    http_write(r, &c->super);
    return 0;
}

int api_categories_create(http_req_t *r)
{
    return category_write(r, CATEGORY_ADD);
}

int api_categories_update(http_req_t *r)
{
    return category_write(r, CATEGORY_RENAME);
}

int api_categories_delete(http_req_t *r)
{
    return category_write(r, CATEGORY_RETIRE);
}

/* ---- intake ------------------------------------------------------------------------------------ */

typedef struct {
    http_write_t super;
    api_who_t who;
    store_opinion_t opinion;   /* its strings are this struct's own (freed in respond) */
    char token[TOKEN_LEN + 1]; /* handed out when no phone was given */
    int triage_days, answer_days;
    bool replayed;             /* the idempotency key had been used: the first answer again */
    char *replayed_token;      /* the first answer's token, sealed (owned) */
    bool key_reused;           /* the key came with a different message */
    struct {
        const char *mime;
        unsigned char *data;   /* owned */
        size_t len;
    } files[FILES_MAX];
    int nfiles;
    api_intake_via_t via; /* another program relaying the message (an Open311 client), or zero */
} intake_write_t;

static void intake_free(intake_write_t *w)
{
    store_opinion_free(&w->opinion);
    free(w->replayed_token);
    w->replayed_token = NULL;
    for (int i = 0; i < w->nfiles; i++)
        free(w->files[i].data);
    w->nfiles = 0;
}

/* n characters of the code alphabet from one draw of random bytes (rarely two). */
static void random_chars(char *out, size_t n)
{
    unsigned char bytes[2 * TOKEN_LEN];
    do
        randombytes_buf(bytes, sizeof(bytes));
    while (!opinion_code_from_bytes(bytes, sizeof(bytes), out, n));
}

static bool same_message(const store_opinion_t *a, const store_opinion_t *b)
{
    return strcmp(a->content, b->content) == 0 && a->station_id == b->station_id && a->deputy_id == b->deputy_id &&
           a->category_id == b->category_id && strcmp(a->region, b->region) == 0 &&
           strcmp(a->phone_hash, b->phone_hash) == 0;
}

static int intake_run(http_write_t *w, store_t *db)
{
    intake_write_t *in = (intake_write_t *)w;
    store_opinion_t *o = &in->opinion;
    if (o->idempotency_key[0]) {
        store_opinion_t first;
        int rc = store_opinion_by_idempotency(db, o->idempotency_key, &first);
        /* the same form sent again, or another message under a key already used (a guessed or
         * copied key must not hand out someone else's code and token) */
        if (rc == STORE_OK && !same_message(&first, o)) {
            store_opinion_free(&first);
            in->key_reused = true;
            return STORE_EINVALID;
        }
        if (rc == STORE_OK) {
            in->replayed = true;
            memcpy(o->tracking_code, first.tracking_code, sizeof(o->tracking_code));
            o->id = first.id;
            o->state = first.state;
            o->triage_due = first.triage_due;
            o->answer_due = first.answer_due;
            in->replayed_token = first.secret_sealed; /* opened in respond */
            first.secret_sealed = NULL;
            store_opinion_free(&first);
            return STORE_OK;
        }
        if (rc != STORE_ENOTFOUND)
            return rc;
    }
    o->created_at = time(NULL);
    int rc = api_opinion_deadlines(db, o->created_at, in->triage_days, in->answer_days, &o->triage_due, &o->answer_due);
    for (int i = 0; i < TRIES && rc == STORE_OK; i++) {
        random_chars(o->tracking_code, OPINION_CODE_LEN);
        rc = store_opinion_insert(db, o, &o->id);
        if (rc == STORE_ECONSTRAINT && i + 1 < TRIES)
            rc = STORE_OK; /* a code already handed out: draw another */
        else
            break;
    }
    for (int i = 0; i < in->nfiles && rc == STORE_OK; i++)
        rc = store_attachment_add(db, o->id, in->files[i].mime, in->files[i].data, in->files[i].len, o->created_at);
    if (rc != STORE_OK)
        return rc;
    store_opinion_event_t e = {
        .opinion_id = o->id, .at = o->created_at, .actor_id = in->who.actor_id,
        .actor = in->who.actor_id ? in->who.actor : "constituent", .action = "register",
        .to_state = "registered", .note = "", .public_note = "",
    };
    rc = store_opinion_event_add(db, &e);
    if (rc == STORE_OK)
        rc = api_opinion_publish(db, "opinion.created", o, o->created_at);
    return rc == STORE_OK && in->via.record ? in->via.record(&in->via, db, o->id) : rc;
}

static void intake_respond(http_write_t *w, http_req_t *r, int status)
{
    intake_write_t *in = (intake_write_t *)w;
    store_opinion_t *o = &in->opinion;
    if (r && status == STORE_EINVALID && in->key_reused) {
        http_reply_error(r, 409, "idempotency_key_reused", "that idempotency_key was sent with another message",
                         "idempotency_key");
    } else if (r && status != STORE_OK) {
        http_reply_internal(r, "cannot store an opinion");
    } else if (r && in->via.answer) {
        const api_intake_answer_t a = {o->id, o->tracking_code, in->token[0] ? in->token : NULL, o->created_at,
                                       o->answer_due};
        in->via.answer(r, &in->via, &a);
    } else if (r) {
        json_t *body = json_pack("{s:s, s:s, s:I, s:I}", "tracking_code", o->tracking_code, "state",
                                 opinion_state_name(o->state), "triage_due", (json_int_t)o->triage_due,
                                 "answer_due", (json_int_t)o->answer_due);
        if (r->session)
            json_object_set_new(body, "id", json_integer(o->id));
        if (in->replayed && in->replayed_token) {
            char *token = vault_open(http_vault(r), in->replayed_token, NULL);
            if (token)
                json_object_set_new(body, "token", json_string(token));
            free(token);
        } else if (in->token[0]) {
            json_object_set_new(body, "token", json_string(in->token));
        }
        if (in->replayed)
            http_add_header(r, "idempotent-replayed", "true");
        http_reply_json(r, 201, body);
    }
    intake_free(in);
}

/* The record named by field (a station or deputy), live; its region into region. */
static int64_t read_target(api_input_t *in, const char *field, const char *entity, char region[13])
{
    int64_t id = api_id(in, field);
    if (in->failed || id == 0)
        return 0;
    if (store_registry_region(http_reader(in->r), registry_entity(entity), id, region) != STORE_OK) {
        char msg[96];
        snprintf(msg, sizeof(msg), "%s names no such %s", field, entity);
        api_invalid(in, field, msg);
        return 0;
    }
    return id;
}

static int first_station(int64_t station_id, void *arg)
{
    *(int64_t *)arg = station_id;
    return 1;
}

/* A region code for the place the opinion is about: known, and in the county of whom it is sent to. */
static void read_region(api_input_t *in, const char *target_region, char out[13])
{
    const char *code = api_text(in, "region", 12, 12, true);
    if (in->failed)
        return;
    if (!region_code_valid(code) || store_region_exists(http_reader(in->r), code) != STORE_OK) {
        api_invalid(in, "region", "region names no known region");
        return;
    }
    /* a station or deputy of a county or below serves its whole county; one higher up, its region */
    char scope[13];
    if (region_level(target_region) >= REGION_COUNTY)
        snprintf(scope, sizeof(scope), "%.6s000000", target_region);
    else
        snprintf(scope, sizeof(scope), "%s", target_region);
    if (!region_code_valid(scope) || !region_in_scope(scope, code)) {
        api_invalid(in, "region", "region lies outside the area of the station or deputy");
        return;
    }
    snprintf(out, 13, "%s", code);
}

static void read_channel(api_input_t *in, store_opinion_t *o)
{
    const char *channel = api_text(in, "channel", 1, 15, false);
    bool staff = in->r->session && (in->r->session->actor.role == ROLE_STAFF || in->r->session->actor.role == ROLE_ADMIN ||
                                    in->r->session->actor.role == ROLE_DEPUTY);
    if (in->failed)
        return;
    if (channel == NULL)
        channel = staff ? "walk_in" : "online";
    if (!opinion_word_in(staff ? opinion_channels : opinion_public_channels, channel)) {
        api_invalid(in, "channel",
                    staff ? "channel must be online, qr, walk_in, visit, phone or letter" : "channel must be online or qr");
        return;
    }
    snprintf(o->channel, sizeof(o->channel), "%s", channel);
}

/* The constituent's name, phone and address, sealed; the phone's hash and last digits kept. */
static void read_person(api_input_t *in, store_opinion_t *o)
{
    const char *name = api_text(in, "name", 0, 50, false);
    const char *phone = api_text(in, "phone", 0, 20, false);
    const char *address = api_text(in, "address", 0, 200, false);
    if (in->failed)
        return;
    /* a field left empty on the form is not given */
    name = name && *name ? name : NULL;
    phone = phone && *phone ? phone : NULL;
    address = address && *address ? address : NULL;
    const vault_t *v = http_vault(in->r);
    char digits[16];
    if (phone) {
        if (!opinion_phone_valid(phone, digits)) {
            api_invalid(in, "phone", "phone must be a mobile number (11 digits) or a landline with its area code");
            return;
        }
        char hash[VAULT_HASH_HEX + 1];
        vault_lookup_hash(v, digits, strlen(digits), hash);
        snprintf(o->phone_hash, sizeof(o->phone_hash), "%s", hash);
        snprintf(o->phone4, sizeof(o->phone4), "%s", digits + strlen(digits) - 4);
        o->phone_sealed = vault_seal(v, digits, strlen(digits));
    }
    if (name)
        o->name_sealed = vault_seal(v, name, strlen(name));
    if (address)
        o->address_sealed = vault_seal(v, address, strlen(address));
}

static void read_idempotency(api_input_t *in, store_opinion_t *o)
{
    const char *key = http_header(in->r, "idempotency-key");
    if (key == NULL)
        key = api_text(in, "idempotency_key", 8, IDEMPOTENCY_MAX, false);
    if (in->failed || key == NULL)
        return;
    size_t n = strlen(key);
    bool ok = n >= 8 && n <= IDEMPOTENCY_MAX;
    for (const char *p = key; ok && *p; p++)
        ok = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_';
    if (!ok) {
        api_invalid(in, "idempotency_key", "idempotency_key must be 8 to 64 letters, digits, - or _");
        return;
    }
    snprintf(o->idempotency_key, sizeof(o->idempotency_key), "%s", key);
}

/* "attachments": up to three {"name", "data": base64} objects, each an image or a PDF by its
 * content and at most 512 KiB. A file too large is 413, one of another kind 415. */
static void read_attachments(api_input_t *in, intake_write_t *w)
{
    json_t *list = json_object_get(in->body, "attachments");
    if (in->failed || list == NULL)
        return;
    if (!json_is_array(list) || json_array_size(list) > FILES_MAX) {
        api_invalid(in, "attachments", "attachments must be a list of at most 3 files");
        return;
    }
    size_t i;
    json_t *file;
    json_array_foreach(list, i, file)
    {
        const char *b64 = json_string_value(json_object_get(file, "data"));
        if (b64 == NULL) {
            api_invalid(in, "attachments", "each attachment needs its data, in base64");
            return;
        }
        size_t cap = strlen(b64) / 4 * 3 + 3, len = 0;
        if (cap > FILE_MAX_BYTES + 3) {
            in->failed = true;
            http_reply_error(in->r, 413, "too_large", "an attachment may have at most 512 KiB", "attachments");
            return;
        }
        unsigned char *data = malloc(cap);
        if (data == NULL || sodium_base642bin(data, cap, b64, strlen(b64), "\r\n", &len, NULL,
                                              sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(data);
            api_invalid(in, "attachments", "an attachment's data is not base64");
            return;
        }
        const char *mime = opinion_attachment_type(data, len);
        if (mime == NULL) {
            free(data);
            in->failed = true;
            http_reply_error(in->r, 415, "unsupported_type", "attachments may be JPEG, PNG or WebP images or PDFs",
                             "attachments");
            return;
        }
        w->files[w->nfiles].mime = mime;
        w->files[w->nfiles].data = data;
        w->files[w->nfiles++].len = len;
    }
}

static const char *const intake_fields[] = {
    "station_id", "deputy_id", "category", "content", "region", "location", "name", "phone", "address",
    "consent_publish", "channel", "idempotency_key", "attachments", "visit_id", NULL,
};

/* "visit_id": staff record what a visitor raised at a reception (SPEC §4). The visit must be one
 * of their region's; the opinion goes to its station and, unless told otherwise, is about the
 * visit's place and keeps the visitor's sealed name and phone. */
static void read_visit(api_input_t *in, store_opinion_t *o, store_visit_t *v)
{
    int64_t id = api_id(in, "visit_id");
    if (in->failed || id == 0)
        return;
    const actor_t *a = http_actor(in->r);
    bool staff = a && (a->role == ROLE_STAFF || a->role == ROLE_ADMIN);
    if (!staff || store_visit_get(http_reader(in->r), id, v) != STORE_OK || !region_in_scope(a->region, v->region)) {
        api_invalid(in, "visit_id", "visit_id must name a reception visit of your region");
        return;
    }
    o->visit_id = id;
    if (o->station_id == 0)
        o->station_id = v->station_id;
    if (json_object_get(in->body, "region") == NULL)
        json_object_set_new(in->body, "region", json_string(v->region));
}

/* The visitor's sealed name and phone, when the form gave none. */
static void take_visitor(store_opinion_t *o, store_visit_t *v)
{
    if (o->name_sealed == NULL && v->name_sealed) {
        o->name_sealed = v->name_sealed;
        v->name_sealed = NULL;
    }
    if (o->phone_sealed == NULL && v->phone_sealed) {
        o->phone_sealed = v->phone_sealed;
        v->phone_sealed = NULL;
        snprintf(o->phone_hash, sizeof(o->phone_hash), "%s", v->phone_hash);
        snprintf(o->phone4, sizeof(o->phone4), "%s", v->phone4);
    }
}

int api_opinions_create(http_req_t *r)
{
    const config_t *cfg = http_config(r);
    if (r->session == NULL && api_rate_limited(r, "form", cfg->form_per_minute, 60, "too many messages from this address; try again in a minute"))
        return 0;
    json_t *body = http_json_body(r);
    if (body != NULL)
        api_opinion_intake(r, body, NULL);
    return 0;
}

void api_opinion_intake(http_req_t *r, json_t *body, const api_intake_via_t *via)
{
    const config_t *cfg = http_config(r);
    intake_write_t *w = http_write_new(r, sizeof(*w));
    if (via)
        w->via = *via;
    store_opinion_t *o = &w->opinion;
    api_input_t in = {r, body, false};
    api_only(&in, intake_fields);
    char station_region[13] = "", deputy_region[13] = "";
    o->station_id = read_target(&in, "station_id", "station", station_region);
    o->deputy_id = read_target(&in, "deputy_id", "deputy", deputy_region);
    store_visit_t visit = {0};
    read_visit(&in, o, &visit);
    if (!in.failed && o->visit_id && station_region[0] == '\0')
        store_registry_region(http_reader(r), registry_entity("station"), o->station_id, station_region);
    if (!in.failed && o->station_id == 0 && o->deputy_id == 0)
        api_invalid(&in, "station_id", "name the station (station_id) or the deputy (deputy_id) the message is for");
    const char *category = api_text(&in, "category", 1, 32, true);
    char category_region[13] = "";
    if (!in.failed && store_category_by_code(http_reader(r), category, &o->category_id, category_region) != STORE_OK)
        api_invalid(&in, "category", "category names no such category");
    const char *content = api_text(&in, "content", 1, CONTENT_MAX, true);
    if (!in.failed && strspn(content, " \t\r\n") == strlen(content))
        api_invalid(&in, "content", "content must say something");
    read_region(&in, o->station_id ? station_region : deputy_region, o->region);
    if (!in.failed && !api_category_serves(category_region, o->region))
        api_invalid(&in, "category", "category is another region's");
    /* a message to a deputy is kept by the station where the deputy receives people (the first
     * of theirs), so its figures and record books count it */
    if (!in.failed && o->station_id == 0 &&
        store_deputy_stations(http_reader(r), o->deputy_id, first_station, &o->station_id) != STORE_OK)
        o->station_id = 0;
    const char *location = api_text(&in, "location", 0, 200, false);
    read_channel(&in, o);
    read_person(&in, o);
    int consent = api_bool(&in, "consent_publish");
    read_idempotency(&in, o);
    read_attachments(&in, w);
    if (!in.failed && o->visit_id)
        take_visitor(o, &visit);
    store_visit_free(&visit);
    if (in.failed) {
        intake_free(w);
        free(w);
        json_decref(body);
        return;
    }
    o->content = strdup(content);
    o->location = strdup(location ? location : "");
    o->consent_publish = consent == 1;
    o->created_by = r->session ? r->session->actor.user_id : 0;
    if (o->phone_sealed == NULL) {
        random_chars(w->token, TOKEN_LEN);
        char hash[VAULT_HASH_HEX + 1];
        vault_lookup_hash(http_vault(r), w->token, TOKEN_LEN, hash);
        snprintf(o->secret_hash, sizeof(o->secret_hash), "%s", hash);
        o->secret_sealed = vault_seal(http_vault(r), w->token, TOKEN_LEN);
    }
    json_decref(body);
    api_who(r, &w->who);
    w->triage_days = cfg->triage_days;
    w->answer_days = cfg->answer_days;
    w->super.run = intake_run;
    w->super.respond = intake_respond;
    http_write(r, &w->super);
}

/* ---- tracking ---------------------------------------------------------------------------------- */

/* The opinion behind the route's code when phone4 or token (query or body) matches it; otherwise
 * answers 404 (or 429) and returns false. Wrong tries count against the client's address. */
static bool open_by_code(http_req_t *r, const char *phone4, const char *token, store_opinion_t *out)
{
    const config_t *cfg = http_config(r);
    if (api_rate_limited(r, "track", cfg->track_max_failures, cfg->login_window_s,
                         "too many wrong tracking codes from this address; try again later"))
        return false;
    char code[OPINION_CODE_LEN + 1];
    bool found = opinion_code_normalize(http_param(r, 0), code) &&
                 store_opinion_by_code(http_reader(r), code, out) == STORE_OK;
    bool match = false;
    if (found && phone4 && out->phone4[0])
        match = strlen(phone4) == 4 && sodium_memcmp(phone4, out->phone4, 4) == 0;
    else if (found && token && out->secret_hash[0]) {
        char hash[VAULT_HASH_HEX + 1];
        vault_lookup_hash(http_vault(r), token, strlen(token), hash);
        match = sodium_memcmp(hash, out->secret_hash, VAULT_HASH_HEX) == 0;
    }
    if (found && !match)
        store_opinion_free(out);
    if (!match) {
        http_reply_error(r, 404, "not_found", "no opinion matches that tracking code and phone number or token", NULL);
        return false;
    }
    api_rate_refund(r, "track");
    return true;
}

int api_track_get(http_req_t *r)
{
    store_opinion_t o;
    if (!open_by_code(r, http_query(r, "phone4"), http_query(r, "token"), &o))
        return 0;
    json_t *view = api_opinion_public_json(http_reader(r), &o);
    store_opinion_free(&o);
    if (view == NULL)
        http_reply_internal(r, "cannot read an opinion's timeline");
    else
        http_reply_json(r, 200, view);
    return 0;
}

int api_track_rate(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"phone4", "token", "rating", "comment", NULL};
    api_only(&in, fields);
    const char *phone4 = api_text(&in, "phone4", 4, 4, false);
    const char *token = api_text(&in, "token", 1, 64, false);
    opinion_rating_t rating = RATING_NONE;
    const char *comment = api_opinion_read_rating(&in, &rating);
    store_opinion_t o;
    if (in.failed || !open_by_code(r, phone4, token, &o)) {
        json_decref(body);
        return 0;
    }
    api_opinion_rate(r, &o, rating, comment, true);
    store_opinion_free(&o);
    json_decref(body);
    return 0;
}
