/*
 * digest_routes: GET /api/v1/digest[.xlsx]?region=&week= and GET /api/v1/batch-referrals[.xlsx]
 * ?region=&period=&unit= for the office and station staff of the region. The query is checked on
 * the loop; the digest or batch is then made on a worker with a read connection of its own
 * (api/digest.c builds both) and sent as JSON or as a workbook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/digest.h"
#include "domain/region.h"
#include "store/regions.h"

typedef struct {
    http_task_t super;
    bool batch, xlsx;
    char region[13];
    digest_week_t week;
    digest_period_t period;
    int64_t unit, now;
    const char *db_path;
    buf_t out;
    char err[128];
} digest_task_t;

static void digest_task_run(http_task_t *task)
{
    digest_task_t *t = (digest_task_t *)task;
    store_t *db;
    if (store_open(&db, t->db_path, STORE_READ_ONLY, t->err, sizeof(t->err)) != STORE_OK)
        return;
    json_t *j = t->batch ? api_batch_build(db, t->region, &t->period, t->unit)
                         : api_digest_build(db, t->region, &t->week, t->now);
    store_close(db);
    if (j == NULL) {
        snprintf(t->err, sizeof(t->err), "cannot read the %s", t->batch ? "batch referral" : "digest");
        return;
    }
    if (t->xlsx) {
        int rc = t->batch ? api_batch_xlsx(j, &t->out, t->err, sizeof(t->err))
                          : api_digest_xlsx(j, &t->out, t->err, sizeof(t->err));
        if (rc != 0)
            buf_reset(&t->out);
    } else {
        char *text = json_dumps(j, JSON_COMPACT);
        if (text)
            buf_adds(&t->out, text);
        free(text);
    }
    json_decref(j);
}

static void digest_task_respond(http_task_t *task, http_req_t *r)
{
    digest_task_t *t = (digest_task_t *)task;
    if (r && t->out.len == 0) {
        http_reply_internal(r, t->err[0] ? t->err : "cannot make the digest");
    } else if (r && t->xlsx) {
        char disposition[128];
        snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%s-%s.xlsx\"",
                 t->batch ? "batch-referral" : "digest", t->region, t->batch ? t->period.label : t->week.label);
        http_add_header(r, "content-disposition", disposition);
        http_reply_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", t->out.data,
                        t->out.len);
    } else if (r) {
        http_reply_text(r, 200, "application/json", t->out.data, t->out.len);
    }
    buf_free(&t->out);
}

/* ?region= (default: the actor's own) inside the actor's scope and known; false after answering. */
static bool read_region(http_req_t *r, char region[13])
{
    const char *code = http_query(r, "region");
    if (code && !region_code_valid(code)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return false;
    }
    snprintf(region, 13, "%s", code ? code : http_actor(r)->region);
    policy_target_t target = {.region = region};
    if (!http_authorize(r, &target, false))
        return false;
    if (store_region_exists(http_reader(r), region) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such region", "region");
        return false;
    }
    return true;
}

static int start(http_req_t *r, bool batch, bool xlsx)
{
    char region[13];
    if (!read_region(r, region))
        return 0;
    int64_t now = time(NULL);
    const char *why = NULL;
    digest_week_t week = {0};
    digest_period_t period = {0};
    const char *text = http_query(r, batch ? "period" : "week");
    if (batch && text == NULL)
        digest_period_of(now, &period);
    else if (!batch && text == NULL)
        digest_week_of(now, &week);
    else if (batch ? digest_period_parse(text, &period, &why) != 0 : digest_week_parse(text, &week, &why) != 0) {
        http_reply_error(r, 400, "bad_query", why, batch ? "period" : "week");
        return 0;
    }
    long unit = batch ? api_query_long(r, "unit", 0, 1, INT32_MAX) : 0;
    if (unit < 0)
        return 0;
    digest_task_t *t = http_task_new(r, sizeof(*t));
    t->batch = batch;
    t->xlsx = xlsx;
    snprintf(t->region, sizeof(t->region), "%s", region);
    t->week = week;
    t->period = period;
    t->unit = unit;
    t->now = now;
    t->db_path = http_config(r)->db;
    buf_init(&t->out);
    t->super.run = digest_task_run;
    t->super.respond = digest_task_respond;
    http_task(r, &t->super);
    return 0;
}

int api_digest(http_req_t *r)
{
    return start(r, false, false);
}

int api_digest_xlsx_route(http_req_t *r)
{
    return start(r, false, true);
}

int api_batch_referrals(http_req_t *r)
{
    return start(r, true, false);
}

int api_batch_referrals_xlsx(http_req_t *r)
{
    return start(r, true, true);
}
