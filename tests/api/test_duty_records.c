/*
 * test_duty_records: a deputy's duty records (履职记录) through the API. What a user sees: a
 * deputy (or staff for them) records a duty, which waits as pending; the author edits or deletes
 * it while it waits, and a rejected one goes back to the queue when edited; staff confirm it only
 * with the evidence its rule asks for (a photo, or a written account); photos from a phone are
 * kept re-encoded, without their EXIF location, with a thumbnail; and every bad input of the
 * issue gets a clear error with nothing written: a photo too large, not an image, or a
 * decompression bomb, a date in the future, the same record twice.
 *
 * Scope: a deputy sees only their own records (another deputy's is 404), staff and the office
 * those of their region (a neighbour county's admin gets 404), a member those of the deputies
 * linked to them. Pictures are made by libgd in the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static server_t srv;
static client_t admin, staff, deputy, member, unit, rugao;
static long long own_deputy;   /* the deputy account's deputy, in the staff's township */
static long long peer_deputy;  /* another deputy of the same township */
static long long far_deputy;   /* a deputy of the county outside the staff's township */
static long long rugao_deputy; /* a deputy of the neighbour county */
static char staff_region[13];

/* ---- behind the API ---- */

static long long sql_ll(const char *fmt, ...)
{
    char query[1024], out[64] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(query, sizeof(query), fmt, ap);
    va_end(ap);
    if (db_query(&srv, query, out, sizeof(out)) != 0)
        fail_msg("query failed: %s", query);
    return atoll(out);
}

/* The Beijing day days from today, "YYYY-MM-DD". */
static const char *beijing_day(int days)
{
    static char out[4][11];
    static int next;
    char *day = out[next++ % 4];
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    strftime(day, 11, "%Y-%m-%d", gmtime_r(&t, &tm));
    return day;
}

/* ---- requests ---- */

static api_res_t *call(client_t *c, const char *method, json_t *body, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    char *text = body ? json_dumps(body, 0) : NULL;
    json_decref(body);
    api_res_t *r = c ? client_request(c, method, path, text)
                     : api_request(&srv, method, path, text, text ? strlen(text) : 0, NULL, NULL);
    free(text);
    assert_non_null(r);
    return r;
}

static void expect(api_res_t *r, long status, const char *what)
{
    if (r->status != status)
        fail_msg("%s: expected %ld, got %ld: %s", what, status, r->status, r->body);
}

/* Asserts the error and frees the answer. */
static void refused(api_res_t *r, long status, const char *code, const char *field)
{
    api_assert_error(r, status, code, field);
    api_res_free(r);
}

static long long id_of(const json_t *j)
{
    return (long long)json_integer_value(json_object_get(j, "id"));
}

static const char *text_of(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "";
}

/* A record as the client makes it: of deputy_id (0: the deputy themself). Returns the answer. */
static api_res_t *record(client_t *c, long long deputy_id, const char *kind, const char *title, const char *body,
                         const char *day)
{
    json_t *j = json_pack("{s:s, s:s, s:s}", "kind", kind, "title", title, "happened_on", day);
    if (body)
        json_object_set_new(j, "body", json_string(body));
    if (deputy_id)
        json_object_set_new(j, "deputy_id", json_integer(deputy_id));
    return call(c, "POST", j, "/api/v1/duty-records");
}

/* A record made as c; its id. */
static long long new_record(client_t *c, long long deputy_id, const char *kind, const char *title, const char *body)
{
    api_res_t *r = record(c, deputy_id, kind, title, body, beijing_day(0));
    expect(r, 201, "recording a duty");
    long long id = id_of(r->json);
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

static api_res_t *step(client_t *c, long long id, const char *what, json_t *body)
{
    return call(c, "POST", body ? body : json_object(), "/api/v1/duty-records/%lld/%s", id, what);
}

/* Uploads bytes as a photo of the record, as c with its cookie and CSRF token. */
static api_res_t *upload(client_t *c, long long id, const void *data, size_t len, const char *type)
{
    char path[96], cookie[600], csrf[200];
    snprintf(path, sizeof(path), "/api/v1/duty-records/%lld/photos", id);
    snprintf(cookie, sizeof(cookie), "Cookie: %s", c->cookies);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", c->csrf);
    const char *headers[] = {cookie, csrf, NULL};
    api_res_t *r = api_request(&srv, "POST", path, data, len, type, headers);
    assert_non_null(r);
    return r;
}

/* ---- pictures ---- */

typedef struct {
    unsigned char *data;
    size_t len;
} picture_t;

/* A w x h JPEG (or PNG) of two colours made by gd. */
static picture_t picture(int w, int h, bool png)
{
    gdImagePtr im = gdImageCreateTrueColor(w, h);
    gdImageFilledRectangle(im, 0, 0, w - 1, h / 2, gdTrueColor(200, 40, 40));
    gdImageFilledRectangle(im, 0, h / 2 + 1, w - 1, h - 1, gdTrueColor(40, 120, 200));
    int size = 0;
    void *p = png ? gdImagePngPtr(im, &size) : gdImageJpegPtr(im, &size, 90);
    gdImageDestroy(im);
    assert_non_null(p);
    picture_t pic = {malloc((size_t)size), (size_t)size};
    memcpy(pic.data, p, (size_t)size);
    gdFree(p);
    return pic;
}

#define PLACE "GPSLatitude 32 deg 18' 36.00\" N" /* what the camera wrote, to look for afterwards */

/* The JPEG with an APP1 "Exif" segment after its SOI: a big-endian TIFF block with one IFD
 * whose GPSInfo pointer leads to the place written as text. */
static picture_t with_location(picture_t jpeg)
{
    /* clang-format off */
    static const unsigned char tiff[] = {
        'M', 'M', 0, 42, 0, 0, 0, 8,                /* big-endian TIFF, its first IFD at 8: */
        0, 1,                                       /* one entry, */
        0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26,  /* GPSInfo (LONG): the GPS data at 26, */
        0, 0, 0, 0,                                 /* no next IFD */
    };
    /* clang-format on */
    size_t seg = 2 + 6 + sizeof(tiff) + sizeof(PLACE);
    picture_t out = {malloc(jpeg.len + 2 + seg), jpeg.len + 2 + seg};
    unsigned char *p = out.data;
    memcpy(p, jpeg.data, 2);
    p[2] = 0xff, p[3] = 0xe1, p[4] = (unsigned char)(seg >> 8), p[5] = (unsigned char)(seg & 0xff);
    memcpy(p + 6, "Exif\0\0", 6);
    memcpy(p + 12, tiff, sizeof(tiff));
    memcpy(p + 12 + sizeof(tiff), PLACE, sizeof(PLACE));
    memcpy(p + 4 + seg, jpeg.data + 2, jpeg.len - 2);
    free(jpeg.data);
    return out;
}

static bool holds(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, needle, n) == 0)
            return true;
    return false;
}

/* The size of a JPEG answer, decoded by gd. */
static void jpeg_size(const api_res_t *r, int *w, int *h)
{
    assert_string_equal(api_header(r, "content-type"), "image/jpeg");
    gdImagePtr im = gdImageCreateFromJpegPtr((int)r->len, r->body);
    assert_non_null(im);
    *w = gdImageSX(im);
    *h = gdImageSY(im);
    gdImageDestroy(im);
}

/* ---- the tests ---- */

static void a_deputy_records_a_duty_and_it_waits_for_staff_as_pending(void **state)
{
    (void)state;
    api_res_t *r = record(&deputy, 0, "meeting", "参加镇人大代表小组会议", "讨论年度履职计划", beijing_day(0));
    expect(r, 201, "a deputy's own record");
    json_t *j = r->json;
    long long id = id_of(j);
    assert_int_equal(id_of(json_object_get(j, "deputy")), own_deputy);
    assert_true(strlen(text_of(json_object_get(j, "deputy"), "name")) > 0);
    assert_string_equal(text_of(j, "state"), "pending");
    assert_string_equal(text_of(j, "source"), "manual");
    assert_true(json_is_null(json_object_get(j, "source_id")));
    assert_string_equal(text_of(j, "happened_on"), beijing_day(0));
    assert_string_equal(text_of(j, "body"), "讨论年度履职计划");
    assert_int_equal(json_array_size(json_object_get(j, "photos")), 0);
    assert_true(json_is_true(json_object_get(j, "editable")));
    assert_null(json_object_get(j, "confirmed_at"));
    assert_null(json_object_get(j, "reason"));
    assert_true(json_integer_value(json_object_get(j, "created_at")) > 0);
    api_res_free(r);

    /* the deputy reads it back, and staff find it in their queue */
    r = call(&deputy, "GET", NULL, "/api/v1/duty-records/%lld", id);
    expect(r, 200, "reading one's record");
    api_res_free(r);
    r = call(&staff, "GET", NULL, "/api/v1/duty-records?state=pending&limit=100");
    expect(r, 200, "the staff's queue");
    bool seen = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        assert_string_equal(text_of(e, "state"), "pending");
        seen |= id_of(e) == id;
    }
    assert_true(seen);
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT count(*) FROM audit_log WHERE action = 'duty.create' AND entity_id = '%lld'", id),
                     1);
}

static void staff_record_for_deputies_of_their_region_and_not_beyond_it(void **state)
{
    (void)state;
    long long id = new_record(&staff, peer_deputy, "reception", "代为登记：接待来访群众", NULL);
    /* the record lies where its deputy serves */
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_records r JOIN deputies d ON d.id = r.deputy_id"
                            " WHERE r.id = %lld AND r.deputy_id = %lld AND r.region_code = d.region_code",
                            id, peer_deputy),
                     1);
    long long before = sql_ll("SELECT count(*) FROM duty_records");
    refused(record(&staff, far_deputy, "reception", "另一个街道的代表", NULL, beijing_day(0)), 403, "out_of_scope",
            NULL);
    refused(record(&staff, 0, "reception", "没有指明代表", NULL, beijing_day(0)), 422, "invalid", "deputy_id");
    refused(record(&staff, 99999999, "reception", "不存在的代表", NULL, beijing_day(0)), 422, "invalid", "deputy_id");
    refused(record(&admin, rugao_deputy, "reception", "邻县的代表", NULL, beijing_day(0)), 403, "out_of_scope", NULL);
    refused(record(&deputy, peer_deputy, "reception", "替别人登记", NULL, beijing_day(0)), 403, "out_of_scope", NULL);
    refused(record(&unit, own_deputy, "reception", "单位", NULL, beijing_day(0)), 403, "forbidden", NULL);
    refused(record(NULL, own_deputy, "reception", "公众", NULL, beijing_day(0)), 401, "unauthenticated", NULL);
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_records"), before);
    /* the office of the county records for a deputy outside the staff's township */
    new_record(&admin, far_deputy, "reception", "县人大办代为登记", NULL);
}

static void the_author_edits_while_pending_or_rejected_and_an_edit_sends_it_back_to_the_queue(void **state)
{
    (void)state;
    long long id = new_record(&deputy, 0, "help", "协调修复村道", "联系交通部门修复村道坑洼");
    api_res_t *r =
        call(&deputy, "PATCH", json_pack("{s:s}", "title", "协调修复村道两处坑洼"), "/api/v1/duty-records/%lld", id);
    expect(r, 200, "editing a pending record");
    assert_string_equal(text_of(r->json, "title"), "协调修复村道两处坑洼");
    api_res_free(r);

    r = step(&staff, id, "reject", json_pack("{s:s}", "reason", "请补充照片"));
    expect(r, 200, "rejecting");
    assert_string_equal(text_of(r->json, "state"), "rejected");
    assert_string_equal(text_of(r->json, "reason"), "请补充照片");
    api_res_free(r);

    r = call(&deputy, "PATCH", json_pack("{s:s}", "body", "联系交通部门修复村道两处坑洼，群众出行已恢复正常"),
             "/api/v1/duty-records/%lld", id);
    expect(r, 200, "editing a rejected record");
    assert_string_equal(text_of(r->json, "state"), "pending");
    assert_null(json_object_get(r->json, "reason"));
    api_res_free(r);

    /* a confirmed record is fixed: no edit, no delete, no new photo, no second decision */
    long long meeting = new_record(&deputy, 0, "meeting", "出席县人代会分组讨论", NULL);
    r = step(&staff, meeting, "confirm", NULL);
    expect(r, 200, "confirming a record needing no evidence");
    assert_string_equal(text_of(r->json, "state"), "confirmed");
    assert_true(json_integer_value(json_object_get(r->json, "confirmed_at")) > 0);
    assert_false(json_is_true(json_object_get(r->json, "editable")));
    api_res_free(r);
    refused(call(&deputy, "PATCH", json_pack("{s:s}", "title", "改"), "/api/v1/duty-records/%lld", meeting), 409,
            "illegal_transition", NULL);
    refused(call(&deputy, "DELETE", NULL, "/api/v1/duty-records/%lld", meeting), 409, "illegal_transition", NULL);
    refused(step(&staff, meeting, "confirm", NULL), 409, "illegal_transition", NULL);
    refused(step(&staff, meeting, "reject", json_pack("{s:s}", "reason", "迟了")), 409, "illegal_transition", NULL);
    picture_t pic = picture(40, 30, false);
    refused(upload(&deputy, meeting, pic.data, pic.len, "image/jpeg"), 409, "illegal_transition", NULL);
    free(pic.data);
    /* a deputy field cannot move a record to another deputy */
    refused(call(&deputy, "PATCH", json_pack("{s:I}", "deputy_id", (json_int_t)peer_deputy),
                 "/api/v1/duty-records/%lld", id),
            422, "invalid", "deputy_id");
}

static void a_pending_record_is_deleted_with_its_photos(void **state)
{
    (void)state;
    long long id = new_record(&deputy, 0, "visit", "走访种植大户", NULL);
    picture_t pic = picture(64, 48, false);
    api_res_t *r = upload(&deputy, id, pic.data, pic.len, "image/jpeg");
    free(pic.data);
    expect(r, 201, "a photo");
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_photos WHERE record_id = %lld", id), 1);
    r = call(&deputy, "DELETE", NULL, "/api/v1/duty-records/%lld", id);
    expect(r, 204, "deleting a pending record");
    api_res_free(r);
    refused(call(&deputy, "GET", NULL, "/api/v1/duty-records/%lld", id), 404, "not_found", NULL);
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_photos WHERE record_id = %lld", id), 0);
}

static void confirming_asks_for_the_evidence_of_the_kinds_rule(void **state)
{
    (void)state;
    /* visit: its rule asks for a photo */
    long long visit = new_record(&deputy, 0, "visit", "走访困难家庭", "走访三户困难家庭，了解就医需求");
    refused(step(&staff, visit, "confirm", NULL), 422, "evidence_missing", "photo");
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_records WHERE id = %lld AND state = 'pending'", visit), 1);
    picture_t pic = picture(80, 60, false);
    api_res_t *r = upload(&deputy, visit, pic.data, pic.len, "image/jpeg");
    free(pic.data);
    expect(r, 201, "a photo");
    api_res_free(r);
    r = step(&staff, visit, "confirm", NULL);
    expect(r, 200, "confirming with a photo");
    assert_string_equal(text_of(r->json, "state"), "confirmed");
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_records WHERE id = %lld AND confirmed_by = (SELECT id FROM users"
                            " WHERE username = 'staff') AND confirmed_at > 0",
                            visit),
                     1);

    /* training: its rule asks for a written account of ten characters or more */
    long long training = new_record(&deputy, 0, "training", "参加代表培训", "已参加");
    refused(step(&staff, training, "confirm", NULL), 422, "evidence_missing", "body");
    api_res_free(call(&deputy, "PATCH", json_pack("{s:s}", "body", "学习代表法和建议撰写，完成结业测试"),
                      "/api/v1/duty-records/%lld", training));
    r = step(&staff, training, "confirm", json_object());
    expect(r, 200, "confirming with a written account");
    api_res_free(r);

    /* only staff and the office decide; a rejection needs its reason */
    long long other = new_record(&deputy, 0, "meeting", "参加代表联络站座谈", NULL);
    refused(step(&deputy, other, "confirm", NULL), 403, "forbidden", NULL);
    refused(step(&staff, other, "reject", json_object()), 422, "invalid", "reason");
    refused(step(&staff, other, "confirm", json_pack("{s:b}", "really", 1)), 422, "invalid", "really");
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_records WHERE id = %lld AND state = 'pending'", other), 1);
}

static void a_photo_is_kept_re_encoded_without_its_exif_location_and_with_a_thumbnail(void **state)
{
    (void)state;
    long long id = new_record(&deputy, 0, "inspection", "视察农村饮水工程", "实地查看水厂和管网改造");
    picture_t pic = with_location(picture(400, 300, false));
    assert_true(holds((const char *)pic.data, pic.len, "Exif"));
    assert_true(holds((const char *)pic.data, pic.len, PLACE));
    api_res_t *r = upload(&deputy, id, pic.data, pic.len, "image/jpeg");
    free(pic.data);
    expect(r, 201, "a photo with a location");
    long long photo = id_of(r->json);
    assert_int_equal(json_integer_value(json_object_get(r->json, "width")), 400);
    assert_int_equal(json_integer_value(json_object_get(r->json, "height")), 300);
    api_res_free(r);

    int w, h;
    r = call(&deputy, "GET", NULL, "/api/v1/duty-records/%lld/photos/%lld", id, photo);
    expect(r, 200, "the photo");
    assert_false(holds(r->body, r->len, "Exif"));
    assert_false(holds(r->body, r->len, PLACE));
    jpeg_size(r, &w, &h);
    assert_int_equal(w, 400);
    api_res_free(r);
    r = call(&staff, "GET", NULL, "/api/v1/duty-records/%lld/photos/%lld/thumb", id, photo);
    expect(r, 200, "the thumbnail");
    assert_false(holds(r->body, r->len, "Exif"));
    jpeg_size(r, &w, &h);
    assert_int_equal(w, 320);
    assert_int_equal(h, 240);
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_photos WHERE id = %lld AND instr(data, 'Exif') > 0", photo), 0);

    /* a large photo is scaled to 2048 px on its long side */
    picture_t big = picture(3000, 1200, true);
    r = upload(&deputy, id, big.data, big.len, "image/png");
    free(big.data);
    expect(r, 201, "a large photo");
    assert_int_equal(json_integer_value(json_object_get(r->json, "width")), 2048);
    assert_int_equal(json_integer_value(json_object_get(r->json, "height")), 819);
    long long second = id_of(r->json);
    api_res_free(r);
    r = call(&deputy, "GET", NULL, "/api/v1/duty-records/%lld", id);
    json_t *photos = json_object_get(r->json, "photos");
    assert_int_equal(json_array_size(photos), 2);
    assert_int_equal(json_integer_value(json_array_get(photos, 0)), photo);
    assert_int_equal(json_integer_value(json_array_get(photos, 1)), second);
    api_res_free(r);
    refused(call(&deputy, "GET", NULL, "/api/v1/duty-records/%lld/photos/%lld", id, photo + 100000), 404, "not_found",
            NULL);

    /* nine photos a record at most */
    picture_t small = picture(32, 24, false);
    for (int i = 2; i < 9; i++) {
        r = upload(&deputy, id, small.data, small.len, "image/jpeg");
        expect(r, 201, "a photo up to the ninth");
        api_res_free(r);
    }
    refused(upload(&deputy, id, small.data, small.len, "image/jpeg"), 409, "too_many_photos", "photo");
    free(small.data);
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_photos WHERE record_id = %lld", id), 9);
}

static void every_bad_input_of_the_issue_gets_a_clear_error_and_nothing_is_written(void **state)
{
    (void)state;
    long long id = new_record(&deputy, 0, "group", "参加代表小组活动", NULL);
    long long records = sql_ll("SELECT count(*) FROM duty_records"),
              photos = sql_ll("SELECT count(*) FROM duty_photos");

    /* not an image, whatever it is called */
    const char text[] = "this is not a photo";
    refused(upload(&deputy, id, text, strlen(text), "image/jpeg"), 415, "unsupported_type", NULL);
    refused(upload(&deputy, id, "%PDF-1.4\n", 9, "application/pdf"), 415, "unsupported_type", NULL);
    /* a decompression bomb: a PNG header claiming 100000 x 100000 pixels */
    /* clang-format off */
    static const unsigned char bomb[33] = {
        0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
        0, 0x01, 0x86, 0xa0, 0, 0x01, 0x86, 0xa0,     /* 100000 x 100000 */
        8, 6, 0, 0, 0, 0, 0, 0, 0,
    };
    /* clang-format on */
    refused(upload(&deputy, id, bomb, sizeof(bomb), "image/png"), 422, "decompression_bomb", "photo");
    /* a header with damaged data behind it */
    picture_t cut = picture(40, 30, true);
    refused(upload(&deputy, id, cut.data, 40, "image/png"), 422, "invalid", "photo");
    free(cut.data);
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_photos"), photos);

    /* a date in the future (tomorrow in Beijing), before 2000, or not a day */
    refused(record(&deputy, 0, "visit", "明天的走访", NULL, beijing_day(1)), 422, "invalid", "happened_on");
    refused(record(&deputy, 0, "visit", "很久以前", NULL, "1999-12-31"), 422, "invalid", "happened_on");
    refused(record(&deputy, 0, "visit", "日期", NULL, "2026-02-30"), 422, "invalid", "happened_on");
    refused(record(&deputy, 0, "visit", "日期", NULL, "2026/02/03"), 422, "invalid", "happened_on");
    refused(call(&deputy, "PATCH", json_pack("{s:s}", "happened_on", beijing_day(2)), "/api/v1/duty-records/%lld", id),
            422, "invalid", "happened_on");
    /* today (Beijing) is allowed, and 2000-01-01 */
    api_res_free(call(&deputy, "DELETE", NULL, "/api/v1/duty-records/%lld",
                      new_record(&deputy, 0, "visit", "今天的走访", NULL)));
    api_res_t *r = record(&deputy, 0, "visit", "最早的一天", NULL, "2000-01-01");
    expect(r, 201, "the first day allowed");
    api_res_free(call(&deputy, "DELETE", NULL, "/api/v1/duty-records/%lld", id_of(r->json)));
    api_res_free(r);

    /* the same record twice: same deputy, kind, day and title */
    refused(record(&deputy, 0, "group", "参加代表小组活动", "再来一次", beijing_day(0)), 409, "duplicate", NULL);
    refused(record(&staff, own_deputy, "group", "参加代表小组活动", NULL, beijing_day(0)), 409, "duplicate", NULL);
    long long other = new_record(&deputy, 0, "group", "参加代表小组学习", NULL);
    refused(call(&deputy, "PATCH", json_pack("{s:s}", "title", "参加代表小组活动"), "/api/v1/duty-records/%lld", other),
            409, "duplicate", NULL);
    /* other kinds of bad field */
    refused(record(&deputy, 0, "sleep", "睡觉", NULL, beijing_day(0)), 422, "invalid", "kind");
    refused(record(&deputy, 0, "visit", "", NULL, beijing_day(0)), 422, "invalid", "title");
    char long_title[700] = "";
    for (int i = 0; i < 201; i++)
        strcat(long_title, "走");
    refused(record(&deputy, 0, "visit", long_title, NULL, beijing_day(0)), 422, "invalid", "title");
    refused(call(&deputy, "POST",
                 json_pack("{s:s, s:s, s:s, s:s}", "kind", "visit", "title", "走访", "happened_on", beijing_day(0),
                           "state", "confirmed"),
                 "/api/v1/duty-records"),
            422, "invalid", "state");
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_records"), records + 1); /* only `other` */

    /* a rejected record no longer blocks the same one typed again */
    api_res_free(step(&staff, other, "reject", json_pack("{s:s}", "reason", "重复")));
    r = record(&deputy, 0, "group", "参加代表小组学习", NULL, beijing_day(0));
    expect(r, 201, "the same record again after a rejection");
    api_res_free(r);
}

static void a_photo_over_8_mib_is_refused_as_too_large_and_one_of_8_mib_is_not(void **state)
{
    (void)state;
    long long id = new_record(&deputy, 0, "help", "帮助群众办理医保", NULL);
    size_t limit = 8 * 1024 * 1024;
    picture_t pic = picture(40, 30, false);
    unsigned char *large = calloc(1, limit + 1);
    memcpy(large, pic.data, pic.len); /* a real JPEG, padded after its end */
    free(pic.data);
    api_res_t *r = upload(&deputy, id, large, limit, "image/jpeg");
    expect(r, 201, "a photo of exactly 8 MiB");
    api_res_free(r);
    r = upload(&deputy, id, large, limit + 1, "image/jpeg");
    free(large);
    refused(r, 413, "too_large", NULL);
    assert_int_equal(sql_ll("SELECT count(*) FROM duty_photos WHERE record_id = %lld", id), 1);
}

static void records_outside_ones_scope_do_not_exist_for_one(void **state)
{
    (void)state;
    long long peers = new_record(&staff, peer_deputy, "visit", "同镇另一位代表的走访", NULL);
    long long mine = new_record(&deputy, 0, "visit", "本人的走访", NULL);
    picture_t pic = picture(40, 30, false);
    api_res_t *r = upload(&staff, peers, pic.data, pic.len, "image/jpeg");
    expect(r, 201, "staff add a photo for a deputy");
    long long photo = id_of(r->json);
    api_res_free(r);

    /* another deputy's record: 404 for the demo deputy, whatever they do */
    refused(call(&deputy, "GET", NULL, "/api/v1/duty-records/%lld", peers), 404, "not_found", NULL);
    refused(call(&deputy, "PATCH", json_pack("{s:s}", "title", "改"), "/api/v1/duty-records/%lld", peers), 404,
            "not_found", NULL);
    refused(call(&deputy, "DELETE", NULL, "/api/v1/duty-records/%lld", peers), 404, "not_found", NULL);
    refused(call(&deputy, "GET", NULL, "/api/v1/duty-records/%lld/photos/%lld", peers, photo), 404, "not_found", NULL);
    refused(upload(&deputy, peers, pic.data, pic.len, "image/jpeg"), 404, "not_found", NULL);
    refused(call(&deputy, "GET", NULL, "/api/v1/duty-records?deputy=%lld", peer_deputy), 403, "out_of_scope", "deputy");
    /* the neighbour county's admin: 404 for every record of this county */
    refused(call(&rugao, "GET", NULL, "/api/v1/duty-records/%lld", mine), 404, "not_found", NULL);
    refused(step(&rugao, mine, "confirm", NULL), 404, "not_found", NULL);
    refused(call(&rugao, "GET", NULL, "/api/v1/duty-records/%lld/photos/%lld/thumb", peers, photo), 404, "not_found",
            NULL);
    refused(call(&rugao, "GET", NULL, "/api/v1/duty-records?region=%s", HOME_REGION), 403, "out_of_scope", "region");
    refused(call(&unit, "GET", NULL, "/api/v1/duty-records"), 403, "forbidden", NULL);
    refused(call(NULL, "GET", NULL, "/api/v1/duty-records"), 401, "unauthenticated", NULL);
    free(pic.data);

    /* lists: the deputy's own only; the neighbour admin's none of this county */
    r = call(&deputy, "GET", NULL, "/api/v1/duty-records?limit=100");
    expect(r, 200, "the deputy's list");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
        assert_int_equal(id_of(json_object_get(e, "deputy")), own_deputy);
    api_res_free(r);
    r = call(&rugao, "GET", NULL, "/api/v1/duty-records?limit=100");
    expect(r, 200, "the neighbour's list");
    json_array_foreach(json_object_get(r->json, "items"), i, e)
        assert_int_equal(strncmp(text_of(e, "region"), FOREIGN_REGION, 6), 0);
    api_res_free(r);
    /* staff: their township only */
    r = call(&staff, "GET", NULL, "/api/v1/duty-records?limit=100");
    json_array_foreach(json_object_get(r->json, "items"), i, e)
        assert_int_equal(strncmp(text_of(e, "region"), staff_region, 9), 0);
    api_res_free(r);
}

static void a_member_reads_the_records_of_the_deputies_linked_to_them_only(void **state)
{
    (void)state;
    long long linked = new_record(&deputy, 0, "report", "向选民述职", "在联络站向选民报告一年来的履职情况");
    /* a deputy of the township no member keeps in touch with */
    long long stranger = sql_ll("SELECT id FROM deputies WHERE region_code = '%s' AND id <> %lld AND id NOT IN"
                                " (SELECT deputy_id FROM member_deputies) AND deleted_at IS NULL",
                                staff_region, own_deputy);
    assert_true(stranger > 0);
    long long unlinked = new_record(&staff, stranger, "report", "另一位代表述职", NULL);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT OR IGNORE INTO member_deputies (member_user_id, deputy_id, linked_at)"
             " SELECT id, %lld, 0 FROM users WHERE username = 'member'",
             own_deputy);
    assert_int_equal(db_exec(&srv, sql), 0);

    api_res_t *r = call(&member, "GET", NULL, "/api/v1/duty-records/%lld", linked);
    expect(r, 200, "a linked deputy's record");
    assert_false(json_is_true(json_object_get(r->json, "editable")));
    api_res_free(r);
    refused(call(&member, "GET", NULL, "/api/v1/duty-records/%lld", unlinked), 404, "not_found", NULL);
    refused(call(&member, "PATCH", json_pack("{s:s}", "title", "改"), "/api/v1/duty-records/%lld", linked), 403,
            "forbidden", NULL);
    refused(step(&member, linked, "confirm", NULL), 403, "forbidden", NULL);
    r = call(&member, "GET", NULL, "/api/v1/duty-records?limit=100");
    expect(r, 200, "the member's list");
    size_t i;
    json_t *e;
    bool seen = false;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        assert_int_not_equal(id_of(json_object_get(e, "deputy")), stranger);
        seen |= id_of(e) == linked;
    }
    assert_true(seen);
    api_res_free(r);
}

static void lists_filter_by_state_kind_and_year_and_page_on(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        char title[64];
        snprintf(title, sizeof(title), "网上答复群众第%d件", i + 1);
        new_record(&deputy, 0, "online", title, NULL);
    }
    api_res_t *r =
        call(&deputy, "GET", NULL, "/api/v1/duty-records?kind=online&state=pending&year=%.4s&limit=2", beijing_day(0));
    expect(r, 200, "a filtered list");
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 2);
    long long next = (long long)json_integer_value(json_object_get(r->json, "next"));
    assert_int_equal(next, id_of(json_array_get(items, 1)));
    assert_true(id_of(json_array_get(items, 0)) > next); /* newest first */
    api_res_free(r);
    r = call(&deputy, "GET", NULL, "/api/v1/duty-records?kind=online&state=pending&after=%lld&limit=2", next);
    expect(r, 200, "the next page");
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    assert_true(json_is_null(json_object_get(r->json, "next")));
    api_res_free(r);
    r = call(&deputy, "GET", NULL, "/api/v1/duty-records?kind=online&year=2001");
    expect(r, 200, "another year");
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    api_res_free(r);
    refused(call(&deputy, "GET", NULL, "/api/v1/duty-records?state=lost"), 400, "bad_query", "state");
    refused(call(&deputy, "GET", NULL, "/api/v1/duty-records?kind=sleep"), 400, "bad_query", "kind");
    refused(call(&deputy, "GET", NULL, "/api/v1/duty-records?year=1999"), 400, "bad_query", "year");
}

static void the_demo_leaves_two_pending_records_in_the_staff_queue(void **state)
{
    (void)state;
    /* run first: the demo's own records, before any test adds more */
    api_res_t *r = call(&staff, "GET", NULL, "/api/v1/duty-records?state=pending&deputy=%lld", own_deputy);
    expect(r, 200, "the staff's queue");
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 2);
    /* the visit has its photo, so staff can confirm it at once */
    json_t *visit = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e) if (strcmp(text_of(e, "kind"), "visit") == 0) visit = e;
    assert_non_null(visit);
    assert_int_equal(json_array_size(json_object_get(visit, "photos")), 1);
    api_res_free(r);
}

static int setup(void **state)
{
    (void)state;
    server_up(&srv, (const char *const[]){"--rate-limits=off", NULL});
    client_t *clients[] = {&admin, &staff, &deputy, &member, &unit, &rugao};
    const char *names[] = {"admin", "staff", "deputy", "member", "unit", FOREIGN_ADMIN};
    for (int i = 0; i < 6; i++)
        if (!client_login(clients[i], &srv, names[i], DEMO_PASSWORD))
            return -1;
    api_res_t *r = client_request(&deputy, "GET", "/api/v1/session", NULL);
    own_deputy = (long long)json_integer_value(json_object_get(json_object_get(r->json, "user"), "deputy_id"));
    api_res_free(r);
    r = client_request(&staff, "GET", "/api/v1/session", NULL);
    snprintf(staff_region, sizeof(staff_region), "%s", text_of(json_object_get(r->json, "user"), "region"));
    api_res_free(r);
    peer_deputy = sql_ll("SELECT id FROM deputies WHERE region_code = '%s' AND id <> %lld AND deleted_at IS NULL",
                         staff_region, own_deputy);
    far_deputy = sql_ll("SELECT id FROM deputies WHERE region_code LIKE '%.6s%%' AND region_code NOT LIKE '%.9s%%'"
                        " AND deleted_at IS NULL",
                        HOME_REGION, staff_region);
    /* the neighbour county has no deputies in the demo: its office registers one */
    r = call(&rugao, "POST",
             json_pack("{s:s, s:s, s:s}", "name", "邻县代表", "gender", "male", "region", FOREIGN_REGION),
             "/api/v1/deputies");
    rugao_deputy = id_of(r->json);
    api_res_free(r);
    return own_deputy > 0 && peer_deputy > 0 && far_deputy > 0 && rugao_deputy > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_demo_leaves_two_pending_records_in_the_staff_queue),
        cmocka_unit_test(a_deputy_records_a_duty_and_it_waits_for_staff_as_pending),
        cmocka_unit_test(staff_record_for_deputies_of_their_region_and_not_beyond_it),
        cmocka_unit_test(the_author_edits_while_pending_or_rejected_and_an_edit_sends_it_back_to_the_queue),
        cmocka_unit_test(a_pending_record_is_deleted_with_its_photos),
        cmocka_unit_test(confirming_asks_for_the_evidence_of_the_kinds_rule),
        cmocka_unit_test(a_photo_is_kept_re_encoded_without_its_exif_location_and_with_a_thumbnail),
        cmocka_unit_test(every_bad_input_of_the_issue_gets_a_clear_error_and_nothing_is_written),
        cmocka_unit_test(a_photo_over_8_mib_is_refused_as_too_large_and_one_of_8_mib_is_not),
        cmocka_unit_test(records_outside_ones_scope_do_not_exist_for_one),
        cmocka_unit_test(a_member_reads_the_records_of_the_deputies_linked_to_them_only),
        cmocka_unit_test(lists_filter_by_state_kind_and_year_and_page_on),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
