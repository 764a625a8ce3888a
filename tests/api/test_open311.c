/*
 * test_open311: Open311 GeoReport v2 at /open311/v2/ (SPEC §9, src/api/open311.c), driven the way
 * the specification shows a civic app doing it: form-encoded posts with an api_key, answers read
 * in JSON and in XML, errors as GeoReport's error list. A post must become an opinion the web
 * form's way (staff see it, the constituent tracks it), and no answer may carry personal data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define PERSON_FIRST "小明"
#define PERSON_LAST "王"
#define PERSON "王小明"
#define PHONE "13812345678"
#define PHONE4 "5678"
#define TOWNSHIP "320623001000" /* 掘港街道 of HOME_REGION, the staff account's */
#define FOREIGN_TOWNSHIP "320682001000"
#define UNPUBLISHED_TEXT "家门口的垃圾站太臭" /* what a constituent did not consent to publish */
#define UNPUBLISHED_PLACE "人民路与青园路交叉口"

static server_t s;
static client_t admin, rugao, staff;
static char key[128];      /* a key of HOME_REGION, generous */
static char slow_key[128]; /* one of two posts a minute */
static long long slow_key_id;

/* ---- helpers ------------------------------------------------------------------------------------ */

/* A form body from name, value pairs (NULL-terminated), each %-encoded. Caller frees. */
static char *form(const char *const *pairs)
{
    CURL *c = curl_easy_init();
    size_t cap = 4096, used = 0;
    char *out = calloc(1, cap);
    for (int i = 0; pairs[i]; i += 2) {
        char *n = curl_easy_escape(c, pairs[i], 0), *v = curl_easy_escape(c, pairs[i + 1], 0);
        used += (size_t)snprintf(out + used, cap - used, "%s%s=%s", i ? "&" : "", n, v);
        curl_free(n);
        curl_free(v);
    }
    curl_easy_cleanup(c);
    assert_true(used < cap);
    return out;
}

static api_res_t *post_form(const char *path, const char *const *pairs)
{
    char *body = form(pairs);
    api_res_t *r = api_request(&s, "POST", path, body, strlen(body), "application/x-www-form-urlencoded", NULL);
    free(body);
    assert_non_null(r);
    return r;
}

static api_res_t *get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static api_res_t *get(const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    api_res_t *r = api_get(&s, path);
    assert_non_null(r);
    return r;
}

/* The answer is GeoReport's error list in JSON: status, and the one error's code and a
 * description holding hint. */
static void assert_open311_error(const api_res_t *r, long status, const char *hint)
{
    if (r->status != status || !json_is_array(r->json))
        fail_msg("expected an Open311 error %ld, got %ld: %s", status, r->status, r->body);
    json_t *e = json_array_get(r->json, 0);
    assert_int_equal(json_integer_value(json_object_get(e, "code")), status);
    const char *d = json_string_value(json_object_get(e, "description"));
    assert_non_null(d);
    if (hint && strstr(d, hint) == NULL)
        fail_msg("the error says \"%s\", not \"%s\"", d, hint);
    assert_non_null(strstr(api_header(r, "content-type"), "application/json"));
}

/* The same in XML: <errors><error><code>status</code><description>...hint...</description>. */
static void assert_open311_xml_error(const api_res_t *r, long status, const char *hint)
{
    char code[64];
    snprintf(code, sizeof(code), "<errors><error><code>%ld</code><description>", status);
    if (r->status != status || strstr(r->body, code) == NULL || (hint && strstr(r->body, hint) == NULL))
        fail_msg("expected an Open311 XML error %ld (%s), got %ld: %s", status, hint ? hint : "", r->status, r->body);
    assert_non_null(strstr(api_header(r, "content-type"), "text/xml"));
    assert_true(strncmp(r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>", 38) == 0);
}

/* The answer to path is refused with status in the format the path names (then freed). */
static void assert_refused(api_res_t *r, const char *path, long status, const char *hint)
{
    if (strstr(path, ".xml"))
        assert_open311_xml_error(r, status, hint);
    else
        assert_open311_error(r, status, hint);
    api_res_free(r);
}

static void assert_get_refused(const char *path, long status, const char *hint)
{
    assert_refused(get("%s", path), path, status, hint);
}

static void assert_post_refused(const char *path, const char *const *pairs, long status, const char *hint)
{
    assert_refused(post_form(path, pairs), path, status, hint);
}

/* The text between <tag> and </tag> (the first), in a static buffer; "" when absent. */
static const char *xml_value(const char *xml, const char *tag)
{
    static char out[512];
    char open[64], close[64];
    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    const char *a = strstr(xml, open), *b = a ? strstr(a, close) : NULL;
    out[0] = '\0';
    if (a && b)
        snprintf(out, sizeof(out), "%.*s", (int)(b - a - strlen(open)), a + strlen(open));
    return out;
}

/* A W3C datetime (UTC) seconds from now. */
static void w3c(char out[32], long seconds)
{
    time_t t = time(NULL) + seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static long long make_key(client_t *c, const char *name, int per_minute, char *out, size_t cap)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"per_minute\":%d}", name, per_minute);
    api_res_t *r = client_request(c, "POST", "/api/v1/open311-keys", body);
    assert_int_equal(r->status, 201);
    snprintf(out, cap, "%s", json_string_value(json_object_get(r->json, "key")));
    long long id = json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    return id;
}

/* A post a civic app makes: about TOWNSHIP, consented or not, with a phone or not. */
static api_res_t *post_request(const char *format, const char *api_key, const char *consent, bool phone)
{
    char path[64];
    snprintf(path, sizeof(path), "/open311/v2/requests.%s", format);
    bool publish = strcmp(consent, "true") == 0; /* unpublished posts have words of their own */
    const char *pairs[] = {"api_key",
                           api_key,
                           "jurisdiction_id",
                           HOME_REGION,
                           "service_code",
                           "traffic",
                           "attribute[region]",
                           TOWNSHIP,
                           "attribute[consent_publish]",
                           consent,
                           "description",
                           publish ? "路口红绿灯坏了三天" : UNPUBLISHED_TEXT,
                           "address_string",
                           publish ? "人民路口" : UNPUBLISHED_PLACE,
                           "first_name",
                           PERSON_FIRST,
                           "last_name",
                           PERSON_LAST,
                           phone ? "phone" : NULL,
                           PHONE,
                           NULL};
    return post_form(path, pairs);
}

static long long request_id_of(const api_res_t *r)
{
    assert_int_equal(r->status, 201);
    const char *id = r->json ? json_string_value(json_object_get(json_array_get(r->json, 0), "service_request_id"))
                             : xml_value(r->body, "service_request_id");
    assert_non_null(id);
    assert_true(atoll(id) > 0);
    return atoll(id);
}

/* ---- services ------------------------------------------------------------------------------------ */

static void services_list_the_categories_in_json_and_xml(void **state)
{
    (void)state;
    api_res_t *r = get("/open311/v2/services.json");
    assert_int_equal(r->status, 200);
    bool traffic = false;
    size_t i;
    json_t *service;
    json_array_foreach(r->json, i, service)
    {
        if (strcmp(json_string_value(json_object_get(service, "service_code")), "traffic") != 0)
            continue;
        traffic = true;
        assert_string_equal(json_string_value(json_object_get(service, "service_name")), "交通");
        assert_true(json_is_true(json_object_get(service, "metadata")));
        assert_string_equal(json_string_value(json_object_get(service, "type")), "realtime");
        assert_non_null(json_string_value(json_object_get(service, "description")));
        assert_non_null(json_string_value(json_object_get(service, "keywords")));
        assert_non_null(json_string_value(json_object_get(service, "group")));
    }
    assert_true(traffic);
    api_res_free(r);

    r = get("/open311/v2/services.xml?jurisdiction_id=%s", HOME_REGION);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(api_header(r, "content-type"), "text/xml"));
    assert_non_null(strstr(r->body, "<services><service><service_code>"));
    assert_non_null(strstr(r->body, "<service_code>traffic</service_code><service_name>交通</service_name>"));
    assert_non_null(strstr(r->body, "<metadata>true</metadata><type>realtime</type>"));
    api_res_free(r);

    assert_get_refused("/open311/v2/services.json?jurisdiction_id=999999000000", 404, "jurisdiction_id");
}

static void a_service_definition_lists_the_attributes_the_form_needs(void **state)
{
    (void)state;
    api_res_t *r = get("/open311/v2/services/traffic.json");
    assert_int_equal(r->status, 200);
    assert_string_equal(json_string_value(json_object_get(r->json, "service_code")), "traffic");
    json_t *attributes = json_object_get(r->json, "attributes");
    assert_int_equal(json_array_size(attributes), 3);
    const char *codes[] = {"consent_publish", "region", "station"};
    const bool required[] = {true, false, false};
    for (size_t i = 0; i < 3; i++) {
        json_t *a = json_array_get(attributes, i);
        assert_string_equal(json_string_value(json_object_get(a, "code")), codes[i]);
        assert_int_equal(json_is_true(json_object_get(a, "required")), required[i]);
        assert_int_equal(json_integer_value(json_object_get(a, "order")), (json_int_t)i + 1);
        assert_true(json_is_true(json_object_get(a, "variable")));
    }
    assert_int_equal(json_array_size(json_object_get(json_array_get(attributes, 0), "values")), 2);
    api_res_free(r);

    r = get("/open311/v2/services/traffic.xml");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "<service_definition><service_code>traffic</service_code><attributes><attribute>"));
    assert_non_null(strstr(r->body, "<values><value><key>true</key>"));
    assert_non_null(strstr(r->body, "constituent&apos;s")); /* text is escaped */
    api_res_free(r);

    assert_get_refused("/open311/v2/services/potholes.json", 404, "service_code");
    assert_get_refused("/open311/v2/services/potholes.xml", 404, "service_code");
}

/* ---- posting -------------------------------------------------------------------------------------- */

static void a_post_becomes_an_opinion_the_staff_handle_and_the_constituent_tracks(void **state)
{
    (void)state;
    char lat[] = "32.3120", lng[] = "121.1860"; /* near 掘港 */
    const char *pairs[] = {"api_key",
                           key,
                           "jurisdiction_id",
                           HOME_REGION,
                           "service_code",
                           "traffic",
                           "lat",
                           lat,
                           "long",
                           lng,
                           "address_string",
                           "青园路口",
                           "email",
                           "someone@example.com",
                           "first_name",
                           PERSON_FIRST,
                           "last_name",
                           PERSON_LAST,
                           "phone",
                           PHONE,
                           "description",
                           "路口积水，过不去",
                           "attribute[consent_publish]",
                           "true",
                           NULL};
    api_res_t *r = post_form("/open311/v2/requests.json", pairs);
    long long id = request_id_of(r);
    json_t *answer = json_array_get(r->json, 0);
    const char *code = json_string_value(json_object_get(answer, "tracking_code"));
    assert_non_null(code);
    assert_non_null(strstr(json_string_value(json_object_get(answer, "service_notice")), code));
    assert_null(json_object_get(answer, "token")); /* a phone was given: tracked with its digits */
    char tracking[32];
    snprintf(tracking, sizeof(tracking), "%s", code);
    api_res_free(r);

    /* the staff of the county see it in their inbox, through the same records as the web form's */
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld", id);
    r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    assert_string_equal(json_string_value(json_object_get(r->json, "content")), "路口积水，过不去");
    assert_string_equal(json_string_value(json_object_get(r->json, "channel")), "online");
    assert_true(json_is_true(json_object_get(r->json, "has_phone")));
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/track/%s?phone4=" PHONE4, tracking);
    r = api_get(&s, path);
    assert_int_equal(r->status, 200);
    assert_string_equal(json_string_value(json_object_get(r->json, "state")), "registered");
    api_res_free(r);

    /* anyone reads it back as a service request: consented, so with its text, place and point */
    r = get("/open311/v2/requests/%lld.json", id);
    assert_int_equal(r->status, 200);
    json_t *request = json_array_get(r->json, 0);
    assert_string_equal(json_string_value(json_object_get(request, "status")), "open");
    assert_non_null(strstr(json_string_value(json_object_get(request, "status_notes")), "已登记"));
    assert_non_null(strstr(json_string_value(json_object_get(request, "status_notes")), "registered"));
    assert_string_equal(json_string_value(json_object_get(request, "service_code")), "traffic");
    assert_string_equal(json_string_value(json_object_get(request, "description")), "路口积水，过不去");
    assert_string_equal(json_string_value(json_object_get(request, "address")), "青园路口");
    assert_true(json_real_value(json_object_get(request, "lat")) > 32.3);
    assert_non_null(strstr(json_string_value(json_object_get(request, "requested_datetime")), "+08:00"));
    assert_null(strstr(r->body, PERSON));
    assert_null(strstr(r->body, PHONE));
    assert_null(strstr(r->body, tracking));
    api_res_free(r);

    /* once staff answer, it reads closed, with the answer it was given */
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/resolve", id);
    r = client_request(&admin, "POST", path, "{\"text\":\"已疏通排水口\"}");
    if (r->status == 409) { /* resolving needs a triage first */
        api_res_free(r);
        snprintf(path, sizeof(path), "/api/v1/opinions/%lld/triage", id);
        r = client_request(&admin, "POST", path, "{}");
        assert_int_equal(r->status, 200);
        api_res_free(r);
        snprintf(path, sizeof(path), "/api/v1/opinions/%lld/resolve", id);
        r = client_request(&admin, "POST", path, "{\"text\":\"已疏通排水口\"}");
    }
    assert_int_equal(r->status, 200);
    api_res_free(r);
    r = get("/open311/v2/requests/%lld.xml", id);
    assert_int_equal(r->status, 200);
    assert_string_equal(xml_value(r->body, "status"), "closed");
    assert_non_null(strstr(xml_value(r->body, "status_notes"), "已疏通排水口"));
    api_res_free(r);
}

static void an_xml_post_without_a_phone_gets_a_token_that_finds_its_request(void **state)
{
    (void)state;
    api_res_t *r = post_request("xml", key, "false", false);
    assert_int_equal(r->status, 201);
    assert_non_null(strstr(api_header(r, "content-type"), "text/xml"));
    assert_non_null(strstr(r->body, "<service_requests><request><service_request_id>"));
    long long id = request_id_of(r);
    char token[64];
    snprintf(token, sizeof(token), "%s", xml_value(r->body, "token"));
    assert_int_equal(strlen(token), 12);
    assert_non_null(strstr(xml_value(r->body, "service_notice"), xml_value(r->body, "tracking_code")));
    api_res_free(r);

    r = get("/open311/v2/tokens/%s.json", token);
    assert_int_equal(r->status, 200);
    json_t *t = json_array_get(r->json, 0);
    assert_int_equal(atoll(json_string_value(json_object_get(t, "service_request_id"))), id);
    assert_string_equal(json_string_value(json_object_get(t, "token")), token);
    api_res_free(r);
    r = get("/open311/v2/tokens/%s.xml", token);
    assert_int_equal(r->status, 200);
    assert_int_equal(atoll(xml_value(r->body, "service_request_id")), id);
    api_res_free(r);
    assert_get_refused("/open311/v2/tokens/ACDEFGHJKMNP.json", 404, "token");

    /* not consented: the request shows no text and no place */
    r = get("/open311/v2/requests/%lld.json", id);
    assert_int_equal(r->status, 200);
    assert_null(json_object_get(json_array_get(r->json, 0), "description"));
    assert_null(json_object_get(json_array_get(r->json, 0), "address"));
    api_res_free(r);
    assert_get_refused("/open311/v2/requests/999999.json", 404, "service_request_id");
}

/* ---- reading with filters ----------------------------------------------------------------------- */

static bool lists_id(const json_t *list, long long id)
{
    size_t i;
    json_t *request;
    json_array_foreach(list, i, request) if (atoll(json_string_value(json_object_get(request, "service_request_id"))) ==
                                             id) return true;
    return false;
}

static void requests_filter_by_id_service_dates_and_status(void **state)
{
    (void)state;
    api_res_t *r = post_request("json", key, "true", true);
    long long open_id = request_id_of(r);
    api_res_free(r);
    const char *pairs[] = {"api_key",
                           key,
                           "service_code",
                           "health",
                           "attribute[region]",
                           TOWNSHIP,
                           "attribute[consent_publish]",
                           "true",
                           "description",
                           "卫生院排队太久",
                           NULL};
    r = post_form("/open311/v2/requests.json", pairs);
    long long health_id = request_id_of(r);
    api_res_free(r);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/reject", health_id);
    r = client_request(&admin, "POST", path, "{\"text\":\"不属于受理范围\"}");
    assert_int_equal(r->status, 200);
    api_res_free(r);

    r = get("/open311/v2/requests.json?service_request_id=%lld,%lld", open_id, health_id);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(r->json), 2);
    api_res_free(r);

    r = get("/open311/v2/requests.json?service_code=health&jurisdiction_id=%s", HOME_REGION);
    assert_true(lists_id(r->json, health_id));
    assert_false(lists_id(r->json, open_id));
    api_res_free(r);

    r = get("/open311/v2/requests.json?status=closed");
    assert_true(lists_id(r->json, health_id));
    assert_false(lists_id(r->json, open_id));
    api_res_free(r);
    r = get("/open311/v2/requests.xml?status=open");
    char id_tag[64];
    snprintf(id_tag, sizeof(id_tag), "<service_request_id>%lld</service_request_id>", open_id);
    assert_non_null(strstr(r->body, id_tag));
    snprintf(id_tag, sizeof(id_tag), "<service_request_id>%lld</service_request_id>", health_id);
    assert_null(strstr(r->body, id_tag));
    api_res_free(r);

    char hour_ago[32], in_an_hour[32];
    w3c(hour_ago, -3600);
    w3c(in_an_hour, 3600);
    r = get("/open311/v2/requests.json?start_date=%s&end_date=%s", hour_ago, in_an_hour);
    assert_true(lists_id(r->json, open_id));
    api_res_free(r);
    r = get("/open311/v2/requests.json?end_date=%s", hour_ago);
    assert_false(lists_id(r->json, open_id));
    api_res_free(r);
    r = get("/open311/v2/requests.json?jurisdiction_id=%s", FOREIGN_REGION);
    assert_false(lists_id(r->json, open_id));
    api_res_free(r);

    assert_get_refused("/open311/v2/requests.json?start_date=2026-03-01", 400, "start_date");
    assert_get_refused("/open311/v2/requests.xml?status=pending", 400, "status");
    assert_get_refused("/open311/v2/requests.json?service_code=potholes", 404, "service_code");
    assert_get_refused("/open311/v2/requests.json?service_request_id=1,x", 400, "service_request_id");
}

/* ---- bad input ------------------------------------------------------------------------------------ */

static void posts_without_a_valid_api_key_are_refused_403(void **state)
{
    (void)state;
    const char *none[] = {
        "service_code", "traffic", "attribute[region]", TOWNSHIP, "description", "无钥匙", "attribute[consent_publish]",
        "true",         NULL};
    assert_post_refused("/open311/v2/requests.json", none, 403, "api_key");
    assert_post_refused("/open311/v2/requests.xml", none, 403, "api_key");
    api_res_t *r = post_request("json", "not-a-key", "true", true);
    assert_open311_error(r, 403, "Invalid api_key");
    api_res_free(r);

    /* a revoked key posts no more */
    char revoked[128], path[64];
    long long id = make_key(&admin, "停用的应用", 10, revoked, sizeof(revoked));
    snprintf(path, sizeof(path), "/api/v1/open311-keys/%lld", id);
    r = client_request(&admin, "DELETE", path, NULL);
    assert_int_equal(r->status, 204);
    api_res_free(r);
    r = post_request("json", revoked, "true", true);
    assert_open311_error(r, 403, "Invalid api_key");
    api_res_free(r);
}

static void bad_posts_are_answered_in_the_open311_error_format(void **state)
{
    (void)state;
    long long before = db_number(&s, "SELECT count(*) FROM opinions");
    /* unknown service */
    const char *unknown[] = {"api_key",
                             key,
                             "service_code",
                             "potholes",
                             "attribute[region]",
                             TOWNSHIP,
                             "attribute[consent_publish]",
                             "true",
                             "description",
                             "坑",
                             NULL};
    assert_post_refused("/open311/v2/requests.json", unknown, 404, "service_code");
    /* a required attribute missing */
    const char *no_consent[] = {"api_key", key,           "service_code", "traffic", "attribute[region]",
                                TOWNSHIP,  "description", "没说是否公开", NULL};
    assert_post_refused("/open311/v2/requests.json", no_consent, 400, "attribute[consent_publish]");
    assert_post_refused("/open311/v2/requests.xml", no_consent, 400, "attribute[consent_publish]");
    /* a point in Paris and no region */
    const char *paris[] = {"api_key", key,           "service_code",
                           "traffic", "lat",         "48.8566",
                           "long",    "2.3522",      "attribute[consent_publish]",
                           "false",   "description", "远方",
                           NULL};
    assert_post_refused("/open311/v2/requests.json", paris, 400, "outside China");
    assert_post_refused("/open311/v2/requests.xml", paris, 400, "outside China");
    /* no place at all */
    const char *nowhere[] = {"api_key", key,           "service_code", "traffic", "attribute[consent_publish]",
                             "false",   "description", "哪里",         NULL};
    assert_post_refused("/open311/v2/requests.json", nowhere, 400, "attribute[region]");
    /* a place outside the jurisdiction, and a jurisdiction outside the key's region */
    const char *abroad[] = {"api_key",
                            key,
                            "service_code",
                            "traffic",
                            "attribute[region]",
                            FOREIGN_TOWNSHIP,
                            "attribute[consent_publish]",
                            "false",
                            "description",
                            "邻县的事",
                            NULL};
    assert_post_refused("/open311/v2/requests.json", abroad, 400, "jurisdiction");
    const char *foreign[] = {"api_key",
                             key,
                             "jurisdiction_id",
                             FOREIGN_REGION,
                             "service_code",
                             "traffic",
                             "attribute[region]",
                             FOREIGN_TOWNSHIP,
                             "attribute[consent_publish]",
                             "false",
                             "description",
                             "邻县的事",
                             NULL};
    assert_post_refused("/open311/v2/requests.json", foreign, 403, "jurisdiction_id");
    /* the web form's own checks, named in GeoReport's words */
    const char *no_text[] = {
        "api_key", key, "service_code", "traffic", "attribute[region]", TOWNSHIP, "attribute[consent_publish]",
        "false",   NULL};
    assert_post_refused("/open311/v2/requests.json", no_text, 400, "description");
    const char *bad_phone[] = {"api_key",
                               key,
                               "service_code",
                               "traffic",
                               "attribute[region]",
                               TOWNSHIP,
                               "attribute[consent_publish]",
                               "false",
                               "description",
                               "电话写错了",
                               "phone",
                               "12345",
                               NULL};
    assert_post_refused("/open311/v2/requests.json", bad_phone, 400, "phone");
    const char *stray[] = {"api_key",
                           key,
                           "service_code",
                           "traffic",
                           "attribute[region]",
                           TOWNSHIP,
                           "attribute[consent_publish]",
                           "false",
                           "description",
                           "多了字段",
                           "attribute[colour]",
                           "red",
                           NULL};
    assert_post_refused("/open311/v2/requests.json", stray, 400, "attribute[colour]");
    /* JSON is not what the specification posts; a wrong method is refused in the same format */
    char json[256];
    snprintf(json, sizeof(json), "{\"api_key\":\"%s\",\"service_code\":\"traffic\"}", key);
    api_res_t *r = api_request(&s, "POST", "/open311/v2/requests.json", json, strlen(json), "application/json", NULL);
    assert_open311_error(r, 415, "x-www-form-urlencoded");
    api_res_free(r);
    r = api_request(&s, "DELETE", "/open311/v2/services.xml", NULL, 0, NULL, NULL);
    assert_open311_xml_error(r, 405, NULL);
    assert_non_null(api_header(r, "allow"));
    api_res_free(r);
    assert_int_equal(db_number(&s, "SELECT count(*) FROM opinions"), before);

    /* a point outside China is harmless when the region says where: it is simply not kept */
    const char *with_region[] = {"api_key",
                                 key,
                                 "service_code",
                                 "traffic",
                                 "lat",
                                 "48.8566",
                                 "long",
                                 "2.3522",
                                 "attribute[region]",
                                 TOWNSHIP,
                                 "attribute[consent_publish]",
                                 "true",
                                 "description",
                                 "手机定位漂移了",
                                 NULL};
    r = post_form("/open311/v2/requests.json", with_region);
    long long id = request_id_of(r);
    api_res_free(r);
    assert_int_equal(
        db_number(&s, "SELECT count(*) FROM open311_requests WHERE opinion_id = %lld AND latitude IS NULL", id), 1);
}

static void a_key_past_its_rate_gets_429_in_the_open311_format(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        api_res_t *r = post_request("json", slow_key, "false", true);
        assert_int_equal(r->status, 201);
        api_res_free(r);
    }
    api_res_t *r = post_request("json", slow_key, "false", true);
    assert_open311_error(r, 429, "too many");
    assert_non_null(api_header(r, "retry-after"));
    api_res_free(r);
    r = post_request("xml", slow_key, "false", true);
    assert_open311_xml_error(r, 429, "too many");
    api_res_free(r);
    /* other keys are not slowed by it */
    r = post_request("json", key, "false", true);
    assert_int_equal(r->status, 201);
    api_res_free(r);
}

/* ---- privacy ------------------------------------------------------------------------------------ */

static void no_answer_carries_a_name_phone_or_tracking_code(void **state)
{
    (void)state;
    api_res_t *r = post_request("json", key, "false", true);
    long long id = request_id_of(r);
    char code[32];
    snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(json_array_get(r->json, 0), "tracking_code")));
    api_res_free(r);
    const char *paths[] = {"/open311/v2/requests.json", "/open311/v2/requests.xml",
                           "/open311/v2/requests.json?status=open"};
    for (size_t i = 0; i < 4; i++) {
        r = i < 3 ? get("%s", paths[i]) : get("/open311/v2/requests/%lld.xml", id);
        assert_int_equal(r->status, 200);
        if (strstr(r->body, PERSON) || strstr(r->body, PERSON_FIRST) || strstr(r->body, PHONE) ||
            strstr(r->body, code) || strstr(r->body, UNPUBLISHED_PLACE) || strstr(r->body, UNPUBLISHED_TEXT))
            fail_msg("personal or unpublished data in %s: %s", i < 3 ? paths[i] : "requests/ID.xml", r->body);
        api_res_free(r);
    }
}

/* ---- keys ---------------------------------------------------------------------------------------- */

static void admins_keep_the_keys_of_their_own_region(void **state)
{
    (void)state;
    api_res_t *r = client_request(&admin, "GET", "/api/v1/open311-keys", NULL);
    assert_int_equal(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_true(json_array_size(items) >= 2);
    assert_null(strstr(r->body, key)); /* shown once, at creation */
    assert_null(json_object_get(json_array_get(items, 0), "key"));
    api_res_free(r);

    r = client_request(&rugao, "GET", "/api/v1/open311-keys", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    api_res_free(r);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/open311-keys/%lld", slow_key_id);
    r = client_request(&rugao, "DELETE", path, NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = client_request(&rugao, "POST", "/api/v1/open311-keys", "{\"name\":\"越界\",\"region\":\"" HOME_REGION "\"}");
    api_assert_error(r, 403, "out_of_scope", NULL);
    api_res_free(r);
    r = client_request(&staff, "POST", "/api/v1/open311-keys", "{\"name\":\"站点\"}");
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = client_request(&admin, "POST", "/api/v1/open311-keys", "{\"name\":\"太快\",\"per_minute\":0}");
    api_assert_error(r, 422, "invalid", "per_minute");
    api_res_free(r);
    r = api_request(&s, "GET", "/api/v1/open311-keys", NULL, 0, NULL, NULL);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    assert_int_equal(db_number(&s, "SELECT count(*) FROM audit_log WHERE action = 'open311_key.create'"), 3);
}

static int setup(void **state)
{
    (void)state;
    server_up(&s, NULL); /* rate limits on: the key's limit is under test */
    if (!client_login(&admin, &s, "admin", DEMO_PASSWORD) || !client_login(&rugao, &s, FOREIGN_ADMIN, DEMO_PASSWORD) ||
        !client_login(&staff, &s, "staff", DEMO_PASSWORD))
        return -1;
    make_key(&admin, "如东民生热线", 1000, key, sizeof(key));
    slow_key_id = make_key(&admin, "慢速应用", 2, slow_key, sizeof(slow_key));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&s);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(services_list_the_categories_in_json_and_xml),
        cmocka_unit_test(a_service_definition_lists_the_attributes_the_form_needs),
        cmocka_unit_test(a_post_becomes_an_opinion_the_staff_handle_and_the_constituent_tracks),
        cmocka_unit_test(an_xml_post_without_a_phone_gets_a_token_that_finds_its_request),
        cmocka_unit_test(requests_filter_by_id_service_dates_and_status),
        cmocka_unit_test(posts_without_a_valid_api_key_are_refused_403),
        cmocka_unit_test(bad_posts_are_answered_in_the_open311_error_format),
        cmocka_unit_test(a_key_past_its_rate_gets_429_in_the_open311_format),
        cmocka_unit_test(no_answer_carries_a_name_phone_or_tracking_code),
        cmocka_unit_test(admins_keep_the_keys_of_their_own_region),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
