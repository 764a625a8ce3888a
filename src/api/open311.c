/*
 * open311: Open311 GeoReport v2 at /open311/v2/ (SPEC §9), so civic apps that speak it can submit
 * and follow opinions: categories are services, opinions are service requests.
 *
 * Every answer is built once as a JSON value and written as JSON or, for a path ending in .xml,
 * as XML (core/xml.h); errors too, as the specification's error list, through the routes' error
 * writer, so the pipeline's own refusals (405, 413, 415, 429 ...) come out in the same format.
 *
 * A post creates the opinion through the web form's intake (api_opinion_intake), with the same
 * checks: this file only turns GeoReport's fields into the form's and finds the station and
 * region the form would have been opened at. It needs an admin's API key; it speaks for the
 * constituent, never for a signed-in browser. What any client may read holds no personal data:
 * no name, phone or address, never the tracking code, and the message, place and point only
 * when the constituent consented to publish (SPEC §3).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/opinion_common.h"
#include "auth/token.h"
#include "auth/vault.h"
#include "core/xml.h"
#include "domain/open311.h"
#include "domain/region.h"
#include "store/open311.h"
#include "store/regions.h"
#include "store/registry.h"

enum { LIST_MAX = 1000, IDS_MAX = 200, DEFAULT_DAYS = 90, CODE_MAX = 64 };

/* ---- answers in either format ------------------------------------------------------------------ */

static const char *item_name(const char *list)
{
    static const char *const names[][2] = {
        {"services", "service"}, {"service_requests", "request"}, {"errors", "error"},   {"attributes", "attribute"},
        {"values", "value"},     {"endpoints", "endpoint"},       {"formats", "format"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i][0], list) == 0)
            return names[i][1];
    return "item";
}

/* The format the path asks for: its last segment's extension. */
static open311_format_t path_format(http_req_t *r)
{
    h2o_req_t *h = r->h;
    size_t len = h->query_at == SIZE_MAX ? h->path.len : h->query_at;
    return len >= 4 && memcmp(h->path.base + len - 4, ".xml", 4) == 0 ? OPEN311_XML : OPEN311_JSON;
}

/* Answers body (stolen) in the path's format; root names the XML document element. */
static void reply(http_req_t *r, int status, json_t *body, const char *root)
{
    if (path_format(r) == OPEN311_JSON) {
        http_reply_json(r, status, body);
        return;
    }
    buf_t xml;
    buf_init(&xml);
    xml_from_json(&xml, root, body, item_name);
    json_decref(body);
    http_reply_text(r, status, "text/xml; charset=utf-8", xml.data, xml.len);
    buf_free(&xml);
}

/* GeoReport's name for a field of the web form, as an error names it. */
static const char *open311_field(const char *field)
{
    static const char *const names[][2] = {
        {"category", "service_code"},
        {"content", "description"},
        {"region", "attribute[region]"},
        {"station_id", "attribute[station]"},
        {"location", "address_string"},
        {"name", "first_name"},
        {"consent_publish", "attribute[consent_publish]"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i][0], field) == 0)
            return names[i][1];
    return field;
}

void api_open311_error(http_req_t *r, int status, const char *code, const char *message, const char *field)
{
    (void)code;
    char description[512];
    if (field)
        snprintf(description, sizeof(description), "%s: %s", open311_field(field), message);
    else
        snprintf(description, sizeof(description), "%s", message);
    int shown = open311_http_status(status);
    json_t *error = json_pack("{s:i, s:s}", "code", shown, "description", description);
    if (error == NULL) /* a description cut inside a character */
        error = json_pack("{s:i, s:s}", "code", shown, "description", "the request was refused");
    r->errors = NULL; /* whatever happens next is no Open311 error again */
    reply(r, shown, json_pack("[o]", error), "errors");
}

static void refuse(http_req_t *r, int status, const char *message)
{
    http_reply_error(r, status, "open311", message, NULL);
}

/* The route's last parameter "name.json" split; answers 404 for another format. */
static bool param_name(http_req_t *r, char *base, size_t cap)
{
    if (open311_split_format(http_param(r, 0), base, cap) != OPEN311_FORMAT_UNKNOWN)
        return true;
    refuse(r, 404, "ask for name.json or name.xml");
    return false;
}

/* ?jurisdiction_id= (or the posted field) as a region subtree: false after answering 404. An
 * absent one leaves lo empty. */
static bool read_jurisdiction(http_req_t *r, const char *code, char lo[13], char hi[14])
{
    lo[0] = hi[0] = '\0';
    if (code == NULL || *code == '\0')
        return true;
    if (!region_code_valid(code) || store_region_exists(http_reader(r), code) != STORE_OK) {
        refuse(r, 404, "jurisdiction_id not found: it must be a 12-digit region code, such as a county's");
        return false;
    }
    snprintf(lo, 13, "%s", code);
    region_subtree_upper(lo, hi);
    return true;
}

/* ---- discovery and services -------------------------------------------------------------------- */

#define SPECIFICATION "http://wiki.open311.org/GeoReport_v2"
#define CHANGESET "2026-03-01T00:00:00+08:00"

int api_open311_discovery(http_req_t *r)
{
    char url[300];
    snprintf(url, sizeof(url), "%s://%.*s/open311/v2", r->secure ? "https" : "http", (int)r->h->authority.len,
             r->h->authority.base);
    json_t *endpoint =
        json_pack("{s:s, s:s, s:s, s:s, s:[s, s]}", "specification", SPECIFICATION, "url", url, "changeset", CHANGESET,
                  "type", "production", "formats", "application/json", "text/xml");
    reply(r, 200,
          json_pack("{s:s, s:s, s:s, s:[o]}", "changeset", CHANGESET, "contact",
                    "人大代表联络站 / the deputy-affairs office of each county", "key_service",
                    "Reading is open to all. To post, ask the deputy-affairs office of your county for an api_key.",
                    "endpoints", endpoint),
          "discovery");
    return 0;
}

typedef struct {
    json_t *services;
    json_t *names;      /* id -> name, for the groups of sub-categories */
    const char *region; /* jurisdiction: only the categories offered there; NULL for all */
} services_t;

static int service_json(const store_category_t *c, void *arg)
{
    services_t *s = arg;
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)c->id);
    json_object_set_new(s->names, id, json_string(c->name));
    if (s->region && !api_category_serves(c->region, s->region))
        return 0;
    snprintf(id, sizeof(id), "%lld", (long long)c->parent_id);
    const char *group = json_string_value(json_object_get(s->names, id));
    char description[512], keywords[512];
    snprintf(description, sizeof(description), "%s / %s", c->name, c->name_en[0] ? c->name_en : c->code);
    snprintf(keywords, sizeof(keywords), "%s, %s%s%s", c->code, c->name, c->name_en[0] ? ", " : "", c->name_en);
    json_array_append_new(s->services,
                          json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", c->code, "service_name",
                                    c->name, "description", description, "metadata", 1, "type", "realtime", "keywords",
                                    keywords, "group", group ? group : c->name));
    return 0;
}

int api_open311_services(http_req_t *r)
{
    char lo[13], hi[14];
    if (!read_jurisdiction(r, http_query(r, "jurisdiction_id"), lo, hi))
        return 0;
    services_t s = {json_array(), json_object(), lo[0] ? lo : NULL};
    int rc = store_categories_each(http_reader(r), service_json, &s);
    json_decref(s.names);
    if (rc != STORE_OK) {
        json_decref(s.services);
        http_reply_internal(r, "cannot read categories");
        return 0;
    }
    reply(r, 200, s.services, "services");
    return 0;
}

/* What the form needs beyond GeoReport's standard fields (decided for every service alike). */
static json_t *attributes_json(void)
{
    return json_pack(
        "[{s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:[{s:s, s:s}, {s:s, s:s}]},"
        " {s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:[]},"
        " {s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:[]}]",
        "variable", 1, "code", "consent_publish", "datatype", "singlevaluelist", "required", 1, "datatype_description",
        "true or false: the constituent's own choice, asked for every message", "order", 1, "description",
        "是否同意公开留言内容 / May the message be published?", "values", "key", "true", "name",
        "同意公开 / may be published", "key", "false", "name", "不公开 / keep it unpublished",
        /* SPEC §2: the place is a 12-digit region code; a point can stand for it */
        "variable", 1, "code", "region", "datatype", "string", "required", 0, "datatype_description",
        "12-digit region code of the village, community or township; needed when lat and long are not given", "order",
        2, "description", "所在村（社区）或乡镇的区划代码 / Region code of the place", "values", "variable", 1, "code",
        "station", "datatype", "number", "required", 0, "datatype_description",
        "id of a station (GET /api/v1/stations); by default the station nearest to lat/long, else the one of "
        "the region, its township or its county",
        "order", 3, "description", "接收留言的代表联络站 / The liaison station the message is for", "values");
}

int api_open311_service(http_req_t *r)
{
    char code[CODE_MAX + 1], region[13];
    int64_t id;
    if (!param_name(r, code, sizeof(code)))
        return 0;
    if (store_category_by_code(http_reader(r), code, &id, region) != STORE_OK) {
        refuse(r, 404, "service_code not found");
        return 0;
    }
    reply(r, 200, json_pack("{s:s, s:o}", "service_code", code, "attributes", attributes_json()), "service_definition");
    return 0;
}

/* ---- service requests: reading ----------------------------------------------------------------- */

/* id -> {code, name} of every category, for naming each request's service. */
static int category_entry(const store_category_t *c, void *arg)
{
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)c->id);
    json_object_set_new(arg, id, json_pack("{s:s, s:s}", "code", c->code, "name", c->name));
    return 0;
}

typedef struct {
    http_req_t *r;
    json_t *requests;
    json_t *categories; /* NULL until the first request needs them */
    int failed;
} requests_t;

/* Retired categories keep their opinions: those are read on their own. */
static json_t *category_of(requests_t *q, int64_t id)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)id);
    if (q->categories == NULL) {
        q->categories = json_object();
        if (store_categories_each(http_reader(q->r), category_entry, q->categories) != STORE_OK)
            q->failed = 1;
    }
    return json_object_get(q->categories, key);
}

/* One opinion as a GeoReport service request: the public facts, and what the constituent
 * consented to publish. */
static json_t *request_json(requests_t *q, const store_opinion_t *o)
{
    store_t *db = http_reader(q->r);
    char id[24], notes[5200], at[26];
    snprintf(id, sizeof(id), "%lld", (long long)o->id);
    open311_status_notes(o->state, notes, sizeof(notes));
    if (o->consent_publish && o->answer && *o->answer) {
        size_t n = strlen(notes);
        snprintf(notes + n, sizeof(notes) - n, ": %s", o->answer);
    }
    json_t *category = category_of(q, o->category_id);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "service_request_id", id, "status", open311_status(o->state),
                          "status_notes", notes, "service_name",
                          category ? json_string_value(json_object_get(category, "name")) : "", "service_code",
                          category ? json_string_value(json_object_get(category, "code")) : "");
    if (o->consent_publish)
        json_object_set_new(j, "description", json_string(o->content));
    char station[256] = "";
    if (o->station_id)
        store_registry_name(db, registry_entity("station"), o->station_id, station, sizeof(station));
    json_object_set_new(j, "agency_responsible", json_string(station));
    json_object_set_new(j, "service_notice", json_null());
    open311_format_datetime(o->created_at, at);
    json_object_set_new(j, "requested_datetime", json_string(at));
    open311_format_datetime(o->updated_at ? o->updated_at : o->created_at, at);
    json_object_set_new(j, "updated_datetime", json_string(at));
    if (opinion_state_open(o->state) && o->answer_due) {
        open311_format_datetime(o->answer_due, at);
        json_object_set_new(j, "expected_datetime", json_string(at));
    } else {
        json_object_set_new(j, "expected_datetime", json_null());
    }
    if (o->consent_publish && o->location[0])
        json_object_set_new(j, "address", json_string(o->location));
    double lat, lng;
    if (o->consent_publish && store_open311_request_point(db, o->id, &lat, &lng) == STORE_OK) {
        json_object_set_new(j, "lat", json_real(lat));
        json_object_set_new(j, "long", json_real(lng));
    }
    json_object_set_new(j, "media_url", json_null());
    return j;
}

static int add_request(int64_t id, void *arg)
{
    requests_t *q = arg;
    store_opinion_t o;
    int rc = store_opinion_get(http_reader(q->r), id, &o);
    if (rc == STORE_OK) {
        json_t *j = request_json(q, &o);
        if (j)
            json_array_append_new(q->requests, j);
        else
            q->failed = 1;
    } else if (rc != STORE_ENOTFOUND) {
        q->failed = 1;
    }
    store_opinion_free(&o);
    return q->failed;
}

static void reply_requests(requests_t *q)
{
    if (q->categories)
        json_decref(q->categories);
    if (q->failed) {
        json_decref(q->requests);
        http_reply_internal(q->r, "cannot read service requests");
        return;
    }
    reply(q->r, 200, q->requests, "service_requests");
}

/* A date filter, or 0 when absent; false after answering 400. */
static bool read_date(http_req_t *r, const char *name, int64_t *out)
{
    const char *text = http_query(r, name);
    *out = 0;
    if (text == NULL || *text == '\0' || open311_parse_datetime(text, out))
        return true;
    char msg[160];
    snprintf(msg, sizeof(msg), "%s must be a W3C datetime with its time zone, such as 2026-03-01T09:30:00+08:00", name);
    refuse(r, 400, msg);
    return false;
}

/* ?status=open|closed (or both, comma-separated) as the list of states wanted; NULL for all. */
static bool read_status(http_req_t *r, const char *states[OPINION_STATE_COUNT + 1], const char *const **out)
{
    const char *text = http_query(r, "status");
    *out = NULL;
    if (text == NULL || *text == '\0')
        return true;
    bool open = false, closed = false;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, ",");
        if (n == 4 && memcmp(p, "open", 4) == 0)
            open = true;
        else if (n == 6 && memcmp(p, "closed", 6) == 0)
            closed = true;
        else {
            refuse(r, 400, "status must be open or closed");
            return false;
        }
        p += n + (p[n] == ',');
    }
    int k = 0;
    for (int s = 0; s < OPINION_STATE_COUNT; s++)
        if (opinion_state_open((opinion_state_t)s) ? open : closed)
            states[k++] = opinion_state_name((opinion_state_t)s);
    states[k] = NULL;
    *out = states;
    return true;
}

/* ?service_request_id=1,2,3: each request asked for (others are ignored, as the specification
 * says), newest first. Returns false after answering. */
static bool requests_by_id(requests_t *q, const char *list)
{
    int64_t ids[IDS_MAX];
    int n = 0;
    for (const char *p = list; *p;) {
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno || v <= 0 || (*end && *end != ',') || n == IDS_MAX) {
            refuse(q->r, 400, "service_request_id must be up to 200 ids separated by commas");
            return false;
        }
        ids[n++] = v;
        p = *end ? end + 1 : end;
    }
    for (int i = 0; i < n && !q->failed; i++)
        add_request(ids[i], q);
    return true;
}

int api_open311_requests(http_req_t *r)
{
    requests_t q = {r, json_array(), NULL, 0};
    const char *ids = http_query(r, "service_request_id");
    if (ids && *ids) {
        if (requests_by_id(&q, ids))
            reply_requests(&q);
        else
            json_decref(q.requests);
        return 0;
    }
    char lo[13], hi[14];
    store_open311_filter_t f = {.limit = LIST_MAX};
    const char *states[OPINION_STATE_COUNT + 1];
    const char *code = http_query(r, "service_code");
    char category_region[13];
    bool ok = read_jurisdiction(r, http_query(r, "jurisdiction_id"), lo, hi) &&
              read_date(r, "start_date", &f.created_from) && read_date(r, "end_date", &f.created_to) &&
              read_status(r, states, &f.states);
    if (ok && code && *code &&
        store_category_by_code(http_reader(r), code, &f.category_id, category_region) != STORE_OK) {
        refuse(r, 404, "service_code not found");
        ok = false;
    }
    if (!ok) {
        json_decref(q.requests);
        return 0;
    }
    /* the specification's default: the last 90 days */
    if (f.created_from == 0 && f.created_to == 0)
        f.created_from = (int64_t)time(NULL) - DEFAULT_DAYS * 86400;
    f.region_lo = lo[0] ? lo : NULL;
    f.region_hi = lo[0] ? hi : NULL;
    if (store_open311_request_ids(http_reader(r), &f, add_request, &q) != STORE_OK)
        q.failed = 1;
    reply_requests(&q);
    return 0;
}

int api_open311_request(http_req_t *r)
{
    char id[32];
    if (!param_name(r, id, sizeof(id)))
        return 0;
    char *end;
    long long v = strtoll(id, &end, 10);
    store_opinion_t o;
    if (*end || v <= 0 || store_opinion_get(http_reader(r), v, &o) != STORE_OK) {
        refuse(r, 404, "service_request_id not found");
        return 0;
    }
    store_opinion_free(&o);
    requests_t q = {r, json_array(), NULL, 0};
    add_request(v, &q);
    reply_requests(&q);
    return 0;
}

/* A token stands for the request it was handed out with: the opinion's tracking token. */
int api_open311_token(http_req_t *r)
{
    char token[CODE_MAX + 1], hash[VAULT_HASH_HEX + 1];
    if (!param_name(r, token, sizeof(token)))
        return 0;
    vault_lookup_hash(http_vault(r), token, strlen(token), hash);
    int64_t id;
    if (store_open311_by_secret(http_reader(r), hash, &id) != STORE_OK) {
        refuse(r, 404, "token not found");
        return 0;
    }
    char sid[24];
    snprintf(sid, sizeof(sid), "%lld", (long long)id);
    reply(r, 200, json_pack("[{s:s, s:s}]", "service_request_id", sid, "token", token), "service_requests");
    return 0;
}

/* ---- service requests: posting ----------------------------------------------------------------- */

/* GeoReport's fields a post may carry; attribute[...] are checked one by one. email, device_id,
 * account_id and media_url are accepted and dropped: Liaison keeps no e-mail addresses and
 * fetches no files from elsewhere. */
static const char *const post_fields[] = {
    "api_key",   "jurisdiction_id", "service_code", "lat",       "long",  "address_string", "address_id", "email",
    "device_id", "account_id",      "first_name",   "last_name", "phone", "description",    "media_url",  NULL,
};
static const char *const attribute_codes[] = {"consent_publish", "region", "station", NULL};

static const char *field(json_t *form, const char *name)
{
    const char *v = json_string_value(json_object_get(form, name));
    return v && *v ? v : NULL;
}

/* Every field is one GeoReport knows, or an attribute of the service definition. */
static bool known_fields(http_req_t *r, json_t *form)
{
    const char *name;
    json_t *value;
    json_object_foreach(form, name, value)
    {
        bool known = false;
        for (int i = 0; post_fields[i] && !known; i++)
            known = strcmp(post_fields[i], name) == 0;
        size_t n = strlen(name);
        for (int i = 0; attribute_codes[i] && !known; i++)
            known = n == strlen(attribute_codes[i]) + 11 && strncmp(name, "attribute[", 10) == 0 &&
                    strncmp(name + 10, attribute_codes[i], n - 11) == 0 && name[n - 1] == ']';
        if (!known) {
            char msg[200];
            snprintf(msg, sizeof(msg), "%.80s is not a field of this service (see services/{service_code}.json)", name);
            refuse(r, 400, msg);
            return false;
        }
    }
    return true;
}

/* The client's key: a live one, within its rate. Returns false after answering 403 or 429. */
static bool read_key(http_req_t *r, json_t *form, store_open311_key_t *key)
{
    const char *text = field(form, "api_key");
    if (text == NULL) {
        refuse(r, 403, "api_key was not provided -- can't proceed with create_request.");
        return false;
    }
    char hex[2 * TOKEN_HASH_BYTES + 1];
    api_open311_key_hash(text, hex);
    if (store_open311_key_by_hash(http_reader(r), hex, key) != STORE_OK) {
        refuse(r, 403, "Invalid api_key received -- can't proceed with create_request.");
        return false;
    }
    char limit_key[48];
    snprintf(limit_key, sizeof(limit_key), "open311:%lld", (long long)key->id);
    return !api_rate_limited_key(r, limit_key, key->per_minute, 60,
                                 "this api_key has sent too many requests this minute; try again shortly");
}

/* lat and long, both or neither. Returns false after answering 400. */
static bool read_point(http_req_t *r, json_t *form, bool *has, double *lat, double *lng)
{
    const char *a = field(form, "lat"), *b = field(form, "long");
    *has = a && b;
    if (!a && !b)
        return true;
    char *ea = NULL, *eb = NULL;
    if (a && b) {
        *lat = strtod(a, &ea);
        *lng = strtod(b, &eb);
    }
    if (!*has || *ea || *eb || !isfinite(*lat) || !isfinite(*lng) || fabs(*lat) > 90 || fabs(*lng) > 180) {
        refuse(r, 400, "lat and long must both be given, in decimal degrees (WGS84)");
        return false;
    }
    return true;
}

typedef struct {
    int64_t id;
    char region[13];
} near_station_t;

static int nearest(const store_registry_row_t *row, void *arg)
{
    near_station_t *n = arg;
    const registry_entity_t *e = registry_entity("station");
    n->id = row->id;
    snprintf(n->region, sizeof(n->region), "%s", row->values[registry_field_index(e, "region")].text);
    return 1;
}

/* Where the message is about and which station gets it, as the web form would have been opened:
 * attribute[region] (else the region of the station nearest to the point) inside the
 * jurisdiction, attribute[station] (else the nearest, else the region's). Writes "region" and
 * "station_id" into body; returns false after answering 400. */
static bool read_place(http_req_t *r, json_t *form, const char *lo, const char *hi, bool has_point, double lat,
                       double lng, json_t *body)
{
    const char *region = field(form, "attribute[region]"), *station = field(form, "attribute[station]");
    near_station_t near = {0, ""};
    if (region == NULL && !has_point) {
        refuse(r, 400, "say where: give lat and long, or attribute[region]");
        return false;
    }
    if (region == NULL && !open311_in_china(lat, lng)) {
        refuse(r, 400, "lat/long lie outside China; give attribute[region] with the place's region code");
        return false;
    }
    if (region == NULL) {
        if (store_registry_near(http_reader(r), registry_entity("station"), lat, lng, lo, hi, 1, nearest, &near) !=
                STORE_OK ||
            near.id == 0) {
            refuse(r, 400, "no station of the jurisdiction has a location; give attribute[region]");
            return false;
        }
        region = near.region;
    }
    if (region_code_valid(region) && !(strcmp(region, lo) >= 0 && strcmp(region, hi) < 0)) {
        refuse(r, 400, "the place lies outside the jurisdiction (jurisdiction_id, or the api_key's region)");
        return false;
    }
    json_object_set_new(body, "region", json_string(region));
    if (station) {
        char *end;
        long long id = strtoll(station, &end, 10);
        if (*end || id <= 0) {
            refuse(r, 400, "attribute[station]: must be the id of a station");
            return false;
        }
        json_object_set_new(body, "station_id", json_integer(id));
    } else if (near.id) {
        json_object_set_new(body, "station_id", json_integer(near.id));
    } else {
        int64_t id = 0;
        if (region_code_valid(region))
            store_open311_station_for(http_reader(r), region, &id);
        if (id == 0) {
            refuse(r, 400, "attribute[region]: no station serves that region (is it a known 12-digit code?)");
            return false;
        }
        json_object_set_new(body, "station_id", json_integer(id));
    }
    return true;
}

static int record_request(const api_intake_via_t *via, store_t *db, int64_t opinion_id)
{
    return store_open311_request_add(db, opinion_id, via->key_id, via->has_point, via->lat, via->lng);
}

/* The posting client hears the request's id and, beside GeoReport's fields, the tracking code the
 * constituent follows it with (and the token, when no phone was given). */
static void answer_post(http_req_t *r, const api_intake_via_t *via, const api_intake_answer_t *a)
{
    (void)via;
    char id[24], due[26], notice[600];
    snprintf(id, sizeof(id), "%lld", (long long)a->id);
    open311_format_datetime(a->answer_due, due);
    snprintf(notice, sizeof(notice),
             "已登记，跟踪码 %s，请凭跟踪码和手机尾号%s查询办理进度；答复期限 %.10s。"
             " Registered: tracking code %s; follow it with the last four digits of the phone%s. Answer due %.10s.",
             a->tracking_code, a->token ? "（或 token）" : "", due, a->tracking_code, a->token ? " (or the token)" : "",
             due);
    json_t *request = json_pack("{s:s, s:s, s:n, s:s}", "service_request_id", id, "service_notice", notice,
                                "account_id", "tracking_code", a->tracking_code);
    if (a->token)
        json_object_set_new(request, "token", json_string(a->token));
    reply(r, 201, json_pack("[o]", request), "service_requests");
}

int api_open311_post(http_req_t *r)
{
    json_t *form = http_form_body(r);
    if (form == NULL)
        return 0;
    store_open311_key_t key;
    char lo[13], hi[14], category_region[13];
    int64_t category;
    bool has_point = false;
    double lat = 0, lng = 0;
    const char *jurisdiction = field(form, "jurisdiction_id"), *code = field(form, "service_code");
    const char *consent = field(form, "attribute[consent_publish]");
    bool ok = read_key(r, form, &key) && known_fields(r, form) && read_jurisdiction(r, jurisdiction, lo, hi);
    if (ok && lo[0] && !region_in_scope(key.region, lo)) {
        refuse(r, 403, "this api_key may not post for that jurisdiction_id");
        ok = false;
    }
    if (ok && lo[0] == '\0') { /* the key's own region */
        snprintf(lo, sizeof(lo), "%s", key.region);
        region_subtree_upper(lo, hi);
    }
    if (ok && code == NULL) {
        refuse(r, 400, "service_code is required");
        ok = false;
    } else if (ok && store_category_by_code(http_reader(r), code, &category, category_region) != STORE_OK) {
        refuse(r, 404, "service_code not found");
        ok = false;
    } else if (ok && consent == NULL) {
        refuse(r, 400, "attribute[consent_publish] is required: true or false");
        ok = false;
    } else if (ok && strcmp(consent, "true") != 0 && strcmp(consent, "false") != 0) {
        refuse(r, 400, "attribute[consent_publish] must be true or false");
        ok = false;
    }
    /* the web form's fields, checked by the form's own intake */
    json_t *body = json_object();
    ok = ok && read_point(r, form, &has_point, &lat, &lng) && read_place(r, form, lo, hi, has_point, lat, lng, body);
    if (!ok) {
        json_decref(body);
        json_decref(form);
        return 0;
    }
    char name[256];
    open311_person_name(field(form, "first_name"), field(form, "last_name"), name, sizeof(name));
    json_object_set_new(body, "category", json_string(code));
    if (field(form, "description")) /* else the intake answers that it is required */
        json_object_set_new(body, "content", json_string(field(form, "description")));
    json_object_set_new(body, "consent_publish", json_boolean(strcmp(consent, "true") == 0));
    json_object_set_new(body, "channel", json_string("online"));
    if (field(form, "address_string"))
        json_object_set_new(body, "location", json_string(field(form, "address_string")));
    if (name[0])
        json_object_set_new(body, "name", json_string(name));
    if (field(form, "phone"))
        json_object_set_new(body, "phone", json_string(field(form, "phone")));
    /* a point outside China stood for nothing (the region said where): it is not kept */
    api_intake_via_t via = {key.id, has_point && open311_in_china(lat, lng), lat, lng, record_request, answer_post};
    json_decref(form);
    r->session = NULL; /* the client speaks for a constituent, never for a signed-in browser */
    api_opinion_intake(r, body, &via);
    return 0;
}
