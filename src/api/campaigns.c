/*
 * campaigns: 主题活动 (SPEC §4a), such as 代表"三进" - the office sets a theme, a period, the
 * regions, deputies and groups taking part and tasks per deputy or group ("进社区 2 次"); the
 * office and station staff tag the activities, visits and opinions that count toward it; anyone
 * reads the campaign with its progress.
 *
 * One idea: progress is counted from the tagged rows every time it is shown (store/campaigns.c),
 * and the counts by kind, region and month come from the same pass over the same rows as the list
 * of tagged activities, so a figure and its list never disagree. The public view holds no
 * personal data: visits and opinions are only counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/calendar.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "store/campaigns.h"
#include "store/regions.h"
#include "store/registry.h"

enum { MAX_REGIONS = 50, MAX_DEPUTIES = 500, MAX_GROUPS = 100, MAX_TASKS = 200, TARGET_MAX = 1000 };
enum { LIST_DEFAULT = 50, LIST_MAX = 200, MONTHS_MAX = 64 };

static const char *const item_kinds[] = {"activity", "visit", "opinion", NULL};

static int kind_index(const char *kind)
{
    for (int i = 0; item_kinds[i]; i++)
        if (strcmp(item_kinds[i], kind) == 0)
            return i;
    return -1;
}

static const char *campaign_state(const store_campaign_t *c, int64_t now)
{
    return now < c->starts_at ? "upcoming" : now > c->ends_at ? "ended" : "running";
}

/* Deputies and groups of a county or below serve the whole county; of a higher level, their region. */
static void serving_area(const char *region, char out[13])
{
    if (region_level(region) >= REGION_COUNTY)
        snprintf(out, 13, "%.6s000000", region);
    else
        snprintf(out, 13, "%s", region);
}

/* ---- reading ----------------------------------------------------------------------------------- */

static json_t *summary_json(const store_campaign_t *c, int64_t tagged, int64_t now)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)c->id, "region", c->region, "theme",
                     c->theme, "title", c->title, "starts_on", c->starts_on, "ends_on", c->ends_on, "state",
                     campaign_state(c, now), "tagged", (json_int_t)tagged);
}

typedef struct {
    json_t *items;
    int64_t now;
} list_t;

static int list_one(const store_campaign_t *c, int64_t tagged, void *arg)
{
    list_t *l = arg;
    json_array_append_new(l->items, summary_json(c, tagged, l->now));
    return 0;
}

/* GET /api/v1/campaigns?region=CODE&limit=N: the campaigns running in or over a place. */
int api_campaigns_list(http_req_t *r)
{
    const char *region = http_query(r, "region");
    if (region && !region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    long limit = api_query_long(r, "limit", LIST_DEFAULT, 1, LIST_MAX);
    if (limit < 0)
        return 0;
    store_campaign_filter_t f = {.limit = (int)limit};
    char hi[REGION_CODE_LEN + 2], up[5][13];
    if (region) {
        region_subtree_upper(region, hi);
        f.lo = region;
        f.hi = hi;
        /* a campaign of the county runs in each of its villages too */
        snprintf(up[0], 13, "%s", region);
        f.ancestors[f.nancestors++] = up[0];
        while (f.nancestors < 5 && region_parent(up[f.nancestors - 1], up[f.nancestors])) {
            f.ancestors[f.nancestors] = up[f.nancestors];
            f.nancestors++;
        }
    }
    list_t l = {json_array(), time(NULL)};
    if (store_campaigns_each(http_reader(r), &f, list_one, &l) != STORE_OK) {
        json_decref(l.items);
        http_reply_internal(r, "cannot list campaigns");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", l.items));
    return 0;
}

static int pair_json(int64_t id, const char *name, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
    return 0;
}

typedef struct {
    json_t *list;
    char codes[MAX_REGIONS][13];
    int n;
} regions_t;

static int region_json(const char *code, const char *name, void *arg)
{
    regions_t *rs = arg;
    if (rs->list)
        json_array_append_new(rs->list, json_pack("{s:s, s:s, s:i}", "code", code, "name", name, "count", 0));
    if (rs->n < MAX_REGIONS)
        snprintf(rs->codes[rs->n++], 13, "%s", code);
    return 0;
}

static int task_json(const store_campaign_task_t *t, int64_t done, void *arg)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:i, s:I}", "id", (json_int_t)t->id, "title", t->title, "counts", t->counts,
                          "target", t->target, "done", (json_int_t)done);
    json_object_set_new(j, "deputy",
                        t->deputy_id ? json_pack("{s:I, s:s}", "id", (json_int_t)t->deputy_id, "name", t->who)
                                     : json_null());
    json_object_set_new(j, "group",
                        t->group_id ? json_pack("{s:I, s:s}", "id", (json_int_t)t->group_id, "name", t->who)
                                    : json_null());
    json_array_append_new(arg, j);
    return 0;
}

/* One pass over the tagged items: the counts by kind, region and month, the public list of
 * activities, and for staff the items inside their own scope. */
typedef struct {
    http_req_t *r;
    regions_t *regions;
    int64_t by_kind[3];
    json_t *by_month;  /* [{month, activity, visit, opinion}] in time order */
    json_t *activities;
    json_t *items;     /* NULL for the public */
} progress_t;

static int progress_item(const store_campaign_item_t *it, void *arg)
{
    progress_t *p = arg;
    int k = kind_index(it->kind);
    if (k < 0)
        return 0;
    p->by_kind[k]++;
    for (int i = 0; i < p->regions->n; i++) {
        if (region_in_scope(p->regions->codes[i], it->region)) {
            json_t *count = json_object_get(json_array_get(p->regions->list, (size_t)i), "count");
            json_integer_set(count, json_integer_value(count) + 1);
            break;
        }
    }
    int year, month;
    calendar_day_to_ymd(calendar_day_of(it->at), &year, &month, NULL);
    char label[8];
    snprintf(label, sizeof(label), "%04d-%02d", year, month);
    json_t *last = json_array_get(p->by_month, json_array_size(p->by_month) - 1);
    if (last == NULL || strcmp(json_string_value(json_object_get(last, "month")), label) != 0) {
        last = json_pack("{s:s, s:i, s:i, s:i}", "month", label, "activity", 0, "visit", 0, "opinion", 0);
        json_array_append_new(p->by_month, last);
    }
    json_t *count = json_object_get(last, it->kind);
    json_integer_set(count, json_integer_value(count) + 1);
    if (k == 0)
        json_array_append_new(p->activities,
                              json_pack("{s:I, s:s, s:s, s:I, s:s, s:{s:I, s:s}}", "id", (json_int_t)it->id, "title",
                                        it->label, "kind", it->activity_kind, "starts_at", (json_int_t)it->at,
                                        "region", it->region, "station", "id", (json_int_t)it->station_id, "name",
                                        it->station_name));
    policy_target_t t = {.region = it->region};
    if (p->items && policy_check(http_actor(p->r), "campaign.tag", &t) == POLICY_ALLOW)
        json_array_append_new(p->items, json_pack("{s:s, s:I, s:s, s:s, s:I, s:I}", "kind", it->kind, "id",
                                                  (json_int_t)it->id, "label", it->label, "region", it->region, "at",
                                                  (json_int_t)it->at, "tagged_at", (json_int_t)it->tagged_at));
    return 0;
}

/* The whole campaign with its progress, or NULL when the database fails. */
static json_t *campaign_json(http_req_t *r, const store_campaign_t *c)
{
    store_t *db = http_reader(r);
    int64_t total = 0;
    json_t *j = summary_json(c, 0, time(NULL));
    store_region_t office;
    json_object_set_new(j, "region_name",
                        json_string(store_region_get(db, c->region, &office) == STORE_OK ? office.name : ""));
    json_object_set_new(j, "description", json_string(c->description));
    regions_t regions = {.list = json_array()};
    json_t *deputies = json_array(), *groups = json_array(), *tasks = json_array();
    json_object_set_new(j, "regions", regions.list);
    json_object_set_new(j, "deputies", deputies);
    json_object_set_new(j, "groups", groups);
    json_object_set_new(j, "tasks", tasks);
    const actor_t *a = http_actor(r);
    progress_t p = {.r = r, .regions = &regions, .by_month = json_array(), .activities = json_array(),
                    .items = a && (a->role == ROLE_ADMIN || a->role == ROLE_STAFF) ? json_array() : NULL};
    json_object_set_new(j, "activities", p.activities);
    if (p.items)
        json_object_set_new(j, "items", p.items);
    if (store_campaign_regions_each(db, c->id, region_json, &regions) != STORE_OK ||
        store_campaign_deputies_each(db, c->id, pair_json, deputies) != STORE_OK ||
        store_campaign_groups_each(db, c->id, pair_json, groups) != STORE_OK ||
        store_campaign_tasks_each(db, c->id, task_json, tasks) != STORE_OK ||
        store_campaign_items_each(db, c->id, progress_item, &p) != STORE_OK) {
        json_decref(p.by_month);
        json_decref(j);
        return NULL;
    }
    for (int k = 0; k < 3; k++)
        total += p.by_kind[k];
    json_object_set_new(j, "tagged", json_integer(total));
    json_object_set_new(j, "progress",
                        json_pack("{s:I, s:{s:I, s:I, s:I}, s:O, s:o}", "total", (json_int_t)total, "by_kind",
                                  "activity", (json_int_t)p.by_kind[0], "visit", (json_int_t)p.by_kind[1], "opinion",
                                  (json_int_t)p.by_kind[2], "by_region", regions.list, "by_month", p.by_month));
    return j;
}

static void reply_campaign(http_req_t *r, int status, int64_t id)
{
    store_campaign_t c;
    int rc = store_campaign_get(http_reader(r), id, &c);
    if (rc == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such campaign", NULL);
        return;
    }
    json_t *j = rc == STORE_OK ? campaign_json(r, &c) : NULL;
    if (j == NULL)
        http_reply_internal(r, "cannot read a campaign");
    else
        http_reply_json(r, status, j);
}

int api_campaigns_get(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    if (id)
        reply_campaign(r, 200, id);
    return 0;
}

/* ---- the office's writes ------------------------------------------------------------------------ */

typedef struct {
    int64_t deputy_id, group_id;
    char title[4 * STORE_CAMPAIGN_TITLE_MAX + 1];
    char counts[16];
    int target;
} task_input_t;

typedef struct {
    http_write_t super;
    api_who_t who;
    bool create;
    store_campaign_t campaign;
    int nregions, ndeputies, ngroups, ntasks; /* -1: not given, left as they are */
    char regions[MAX_REGIONS][13];
    int64_t deputies[MAX_DEPUTIES], groups[MAX_GROUPS];
    task_input_t tasks[MAX_TASKS];
} campaign_write_t;

static int campaign_run(http_write_t *w, store_t *db)
{
    campaign_write_t *cw = (campaign_write_t *)w;
    store_campaign_t *c = &cw->campaign;
    int rc = cw->create ? store_campaign_insert(db, c, &c->id) : store_campaign_save(db, c);
    if (rc == STORE_OK && cw->nregions >= 0)
        rc = store_campaign_set_regions(db, c->id, (const char (*)[13])cw->regions, cw->nregions);
    if (rc == STORE_OK && cw->ndeputies >= 0)
        rc = store_campaign_set_deputies(db, c->id, cw->deputies, cw->ndeputies);
    if (rc == STORE_OK && cw->ngroups >= 0)
        rc = store_campaign_set_groups(db, c->id, cw->groups, cw->ngroups);
    if (rc == STORE_OK && cw->ntasks >= 0) {
        store_campaign_task_t tasks[MAX_TASKS];
        for (int i = 0; i < cw->ntasks; i++)
            tasks[i] = (store_campaign_task_t){.deputy_id = cw->tasks[i].deputy_id, .group_id = cw->tasks[i].group_id,
                                               .title = cw->tasks[i].title, .counts = cw->tasks[i].counts,
                                               .target = cw->tasks[i].target};
        rc = store_campaign_set_tasks(db, c->id, tasks, cw->ntasks);
    }
    if (rc != STORE_OK)
        return rc;
    return api_audit(db, &cw->who, cw->create ? "campaign.create" : "campaign.update", "campaign", c->id, c->region,
                     c->title);
}

static void campaign_respond(http_write_t *w, http_req_t *r, int status)
{
    campaign_write_t *cw = (campaign_write_t *)w;
    if (r == NULL)
        return;
    if (status == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such campaign", NULL);
    else if (status != STORE_OK)
        http_reply_internal(r, "cannot store a campaign");
    else
        reply_campaign(r, cw->create ? 201 : 200, cw->campaign.id);
}

/* A day "YYYY-MM-DD" into out (as given, or kept when absent and not required). */
static void read_day(api_input_t *in, const char *field, bool required, char out[11], calendar_day_t *day)
{
    const char *text = api_text(in, field, 8, 10, required);
    if (in->failed || text == NULL) {
        if (!in->failed && out[0])
            calendar_parse_date(out, day);
        return;
    }
    if (calendar_parse_date(text, day) != 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), "%s must be a day written YYYY-MM-DD", field);
        api_invalid(in, field, msg);
        return;
    }
    calendar_format_date(*day, out);
}

/* A list of ids of live records of entity whose region lies in area; -1 when absent. */
static int read_ids(api_input_t *in, const char *field, const char *entity, const char *area, int64_t *out, int max)
{
    json_t *list = json_object_get(in->body, field);
    if (in->failed || list == NULL)
        return -1;
    char msg[160];
    if (!json_is_array(list) || json_array_size(list) > (size_t)max) {
        snprintf(msg, sizeof(msg), "%s must be a list of at most %d ids", field, max);
        api_invalid(in, field, msg);
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        char region[13];
        if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
            store_registry_region(http_reader(in->r), registry_entity(entity), json_integer_value(v), region) !=
                STORE_OK ||
            !region_in_scope(area, region)) {
            snprintf(msg, sizeof(msg), "%s[%zu] names no %s of the campaign's area", field, i, entity);
            api_invalid(in, field, msg);
            return -1;
        }
        out[i] = json_integer_value(v);
    }
    return (int)json_array_size(list);
}

static int read_regions(api_input_t *in, const char *office, char (*out)[13])
{
    json_t *list = json_object_get(in->body, "regions");
    if (in->failed || list == NULL)
        return -1;
    if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > MAX_REGIONS) {
        api_invalid(in, "regions", "regions must be a list of 1 to 50 region codes");
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *code = json_string_value(v);
        if (code == NULL || !region_code_valid(code) || store_region_exists(http_reader(in->r), code) != STORE_OK ||
            !region_in_scope(office, code)) {
            char msg[160];
            snprintf(msg, sizeof(msg), "regions[%zu] names no known region inside the office's region", i);
            api_invalid(in, "regions", msg);
            return -1;
        }
        snprintf(out[i], 13, "%s", code);
    }
    return (int)json_array_size(list);
}

/* A whole number of a task (0 when absent), or -1 when it is not one. */
static int64_t task_number(json_t *task, const char *key)
{
    json_t *v = json_object_get(task, key);
    if (v == NULL || json_is_null(v))
        return 0;
    return json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : -1;
}

/* What is wrong with task i, or NULL; fills out when nothing is. */
static const char *task_problem(http_req_t *r, json_t *task, const char *area, task_input_t *out)
{
    static const char *const keys[] = {"deputy_id", "group_id", "title", "counts", "target", NULL};
    if (!json_is_object(task))
        return "must be an object";
    const char *key;
    json_t *v;
    json_object_foreach(task, key, v)
    {
        const char *const *k = keys;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (*k == NULL)
            return "has a field that is not one of deputy_id, group_id, title, counts, target";
    }
    out->deputy_id = task_number(task, "deputy_id");
    out->group_id = task_number(task, "group_id");
    json_t *title = json_object_get(task, "title");
    const char *text = json_string_value(title);
    size_t bytes = text ? json_string_length(title) : 0;
    const char *counts = json_string_value(json_object_get(task, "counts"));
    json_int_t target = json_integer_value(json_object_get(task, "target"));
    char region[13];
    if (out->deputy_id < 0 || out->group_id < 0 || (out->deputy_id == 0) == (out->group_id == 0))
        return "needs deputy_id or group_id (one of them, a positive whole number)";
    if (text == NULL || strlen(text) != bytes || !utf8_valid(text, bytes) || utf8_chars(text, bytes) < 1 ||
        utf8_chars(text, bytes) > STORE_CAMPAIGN_TITLE_MAX)
        return "needs a title of 1 to 100 characters";
    if (counts == NULL || kind_index(counts) < 0)
        return "counts must be activity, visit or opinion";
    if (!json_is_integer(json_object_get(task, "target")) || target < 1 || target > TARGET_MAX)
        return "target must be a whole number from 1 to 1000";
    if (store_registry_region(http_reader(r), registry_entity(out->deputy_id ? "deputy" : "group"),
                              out->deputy_id ? out->deputy_id : out->group_id, region) != STORE_OK ||
        !region_in_scope(area, region))
        return out->deputy_id ? "deputy_id names no deputy of the campaign's area"
                              : "group_id names no group of the campaign's area";
    snprintf(out->title, sizeof(out->title), "%s", text);
    snprintf(out->counts, sizeof(out->counts), "%s", counts);
    out->target = (int)target;
    return NULL;
}

static int read_tasks(api_input_t *in, const char *area, task_input_t *out)
{
    json_t *list = json_object_get(in->body, "tasks");
    if (in->failed || list == NULL)
        return -1;
    if (!json_is_array(list) || json_array_size(list) > MAX_TASKS) {
        api_invalid(in, "tasks", "tasks must be a list of at most 200 tasks");
        return -1;
    }
    size_t i;
    json_t *task;
    json_array_foreach(list, i, task)
    {
        const char *problem = task_problem(in->r, task, area, &out[i]);
        if (problem) {
            char msg[160];
            snprintf(msg, sizeof(msg), "tasks[%zu] %s", i, problem);
            api_invalid(in, "tasks", msg);
            return -1;
        }
    }
    return (int)json_array_size(list);
}

static const char *const campaign_fields[] = {"region", "theme",    "title",  "description", "starts_on",
                                              "ends_on", "regions", "deputies", "groups",    "tasks", NULL};

/* POST (id 0) or PATCH a campaign: every field checked before anything is written. */
static int campaign_write(http_req_t *r, int64_t id)
{
    store_campaign_t old = {0};
    if (id) {
        int rc = store_campaign_get(http_reader(r), id, &old);
        if (rc != STORE_OK) {
            if (rc == STORE_ENOTFOUND)
                http_reply_error(r, 404, "not_found", "no such campaign", NULL);
            else
                http_reply_internal(r, "cannot read a campaign");
            return 0;
        }
        policy_target_t t = {.region = old.region};
        if (!http_authorize(r, &t, true))
            return 0;
    }
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    campaign_write_t *w = http_write_new(r, sizeof(*w));
    store_campaign_t *c = &w->campaign;
    *c = old;
    w->create = id == 0;
    api_input_t in = {r, body, false};
    api_only(&in, campaign_fields);
    if (!in.failed && id && json_object_get(body, "region"))
        api_invalid(&in, "region", "a campaign stays with the office that runs it");
    const char *region = id ? NULL : api_text(&in, "region", 12, 12, false);
    if (!in.failed && region &&
        (!region_code_valid(region) || store_region_exists(http_reader(r), region) != STORE_OK))
        api_invalid(&in, "region", "region names no known region");
    if (!in.failed && !id) {
        snprintf(c->region, sizeof(c->region), "%s", region ? region : http_actor(r)->region);
        policy_target_t t = {.region = c->region};
        if (!http_authorize(r, &t, false))
            in.failed = true;
    }
    const char *theme = api_text(&in, "theme", 1, STORE_CAMPAIGN_THEME_MAX, !id);
    const char *title = api_text(&in, "title", 1, STORE_CAMPAIGN_TITLE_MAX, !id);
    const char *description = api_text(&in, "description", 0, STORE_CAMPAIGN_TEXT_MAX, false);
    calendar_day_t first = 0, last = 0;
    read_day(&in, "starts_on", !id, c->starts_on, &first);
    read_day(&in, "ends_on", !id, c->ends_on, &last);
    if (!in.failed && last < first)
        api_invalid(&in, "ends_on", "ends_on must not come before starts_on");
    char area[13];
    serving_area(c->region, area);
    w->nregions = read_regions(&in, c->region, w->regions);
    w->ndeputies = read_ids(&in, "deputies", "deputy", area, w->deputies, MAX_DEPUTIES);
    w->ngroups = read_ids(&in, "groups", "group", area, w->groups, MAX_GROUPS);
    w->ntasks = read_tasks(&in, area, w->tasks);
    if (in.failed) {
        json_decref(body);
        free(w);
        return 0;
    }
    if (theme)
        snprintf(c->theme, sizeof(c->theme), "%s", theme);
    if (title)
        snprintf(c->title, sizeof(c->title), "%s", title);
    if (description)
        snprintf(c->description, sizeof(c->description), "%s", description);
    json_decref(body);
    c->starts_at = calendar_day_start(first);
    c->ends_at = calendar_day_end(last);
    c->updated_at = time(NULL);
    if (w->create) {
        c->created_at = c->updated_at;
        c->created_by = http_actor(r)->user_id;
        if (w->nregions < 0) { /* by default it runs across the office's whole region */
            snprintf(w->regions[0], 13, "%s", c->region);
            w->nregions = 1;
        }
    }
    api_who(r, &w->who);
    w->super.run = campaign_run;
    w->super.respond = campaign_respond;
    http_write(r, &w->super);
    return 0;
}

int api_campaigns_create(http_req_t *r)
{
    return campaign_write(r, 0);
}

int api_campaigns_update(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    return id ? campaign_write(r, id) : 0;
}

/* ---- tagging ----------------------------------------------------------------------------------- */

typedef struct {
    http_write_t super;
    api_who_t who;
    bool untag;
    int64_t campaign, item, now;
    char kind[16], region[13];
} tag_write_t;

static int tag_run(http_write_t *w, store_t *db)
{
    tag_write_t *t = (tag_write_t *)w;
    int rc = t->untag ? store_campaign_untag(db, t->campaign, t->kind, t->item)
                      : store_campaign_tag(db, t->campaign, t->kind, t->item, t->who.actor_id, t->now);
    if (rc != STORE_OK)
        return rc;
    char detail[48];
    snprintf(detail, sizeof(detail), "%s %lld", t->kind, (long long)t->item);
    /* logged under the item's region, so the office of the station that holds it sees it */
    return api_audit(db, &t->who, t->untag ? "campaign.untag" : "campaign.tag", "campaign", t->campaign, t->region,
                     detail);
}

static void tag_respond(http_write_t *w, http_req_t *r, int status)
{
    tag_write_t *t = (tag_write_t *)w;
    if (r == NULL)
        return;
    if (status == STORE_ECONSTRAINT)
        http_reply_error(r, 409, "already_tagged", "that item counts toward this campaign already", "id");
    else if (status == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "that item is not tagged to this campaign", NULL);
    else if (status != STORE_OK)
        http_reply_internal(r, "cannot tag an item");
    else if (t->untag)
        http_reply_empty(r, 204);
    else
        http_reply_json(r, 201, json_pack("{s:I, s:s, s:I, s:I}", "campaign_id", (json_int_t)t->campaign, "kind",
                                          t->kind, "id", (json_int_t)t->item, "tagged_at", (json_int_t)t->now));
}

typedef struct {
    const char *region;
    bool inside;
} inside_t;

static int region_holds(const char *code, const char *name, void *arg)
{
    (void)name;
    inside_t *in = arg;
    in->inside = in->inside || region_in_scope(code, in->region);
    return in->inside;
}

/* The campaign of the route, the item's place and the caller's right to it. When tagging,
 * `in` checks the item against the campaign's regions and period. Answers and returns false on
 * any refusal. */
static bool tag_target(http_req_t *r, tag_write_t *t, api_input_t *in, store_campaign_t *c)
{
    store_t *db = http_reader(r);
    int rc = store_campaign_get(db, t->campaign, c);
    if (rc != STORE_OK) {
        if (rc == STORE_ENOTFOUND)
            http_reply_error(r, 404, "not_found", "no such campaign", NULL);
        else
            http_reply_internal(r, "cannot read a campaign");
        return false;
    }
    int64_t at = 0;
    char state[16] = "";
    rc = store_campaign_item_place(db, t->kind, t->item, t->region, &at, state);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND) {
        http_reply_internal(r, "cannot read an item");
        return false;
    }
    if (rc == STORE_ENOTFOUND) {
        char msg[64];
        snprintf(msg, sizeof(msg), "id names no such %s", t->kind);
        if (in)
            api_invalid(in, "id", msg);
        else
            http_reply_error(r, 404, "not_found", msg, NULL);
        return false;
    }
    policy_target_t target = {.region = t->region};
    if (!http_authorize(r, &target, true))
        return false;
    if (in == NULL)
        return true;
    inside_t inside = {t->region, false};
    if (store_campaign_regions_each(db, c->id, region_holds, &inside) != STORE_OK) {
        http_reply_internal(r, "cannot read a campaign's regions");
        return false;
    }
    char msg[128];
    if (!inside.inside) {
        snprintf(msg, sizeof(msg), "that %s lies outside the campaign's regions", t->kind);
        http_reply_error(r, 422, "outside_regions", msg, "id");
    } else if (at < c->starts_at || at > c->ends_at) {
        snprintf(msg, sizeof(msg), "that %s falls outside the campaign's period %s to %s", t->kind, c->starts_on,
                 c->ends_on);
        http_reply_error(r, 422, "outside_period", msg, "id");
    } else if (strcmp(t->kind, "activity") == 0 && strcmp(state, "cancelled") == 0) {
        http_reply_error(r, 422, "invalid", "a cancelled activity does not count", "id");
    } else {
        return true;
    }
    return false;
}

/* POST /api/v1/campaigns/:id/items {kind, id}: the office or the staff whose region holds the item. */
int api_campaigns_tag(http_req_t *r)
{
    int64_t campaign = api_param_id(r, 0);
    if (campaign == 0)
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    tag_write_t *t = http_write_new(r, sizeof(*t));
    t->campaign = campaign;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"kind", "id", NULL};
    api_only(&in, fields);
    const char *kind = api_text(&in, "kind", 1, 15, true);
    if (!in.failed && kind_index(kind) < 0)
        api_invalid(&in, "kind", "kind must be activity, visit or opinion");
    t->item = api_id(&in, "id");
    if (!in.failed && t->item == 0)
        api_invalid(&in, "id", "id is required");
    if (!in.failed)
        snprintf(t->kind, sizeof(t->kind), "%s", kind);
    store_campaign_t c;
    bool ok = !in.failed && tag_target(r, t, &in, &c);
    json_decref(body);
    if (!ok) {
        free(t);
        return 0;
    }
    t->now = time(NULL);
    api_who(r, &t->who);
    t->super.run = tag_run;
    t->super.respond = tag_respond;
    http_write(r, &t->super);
    return 0;
}

/* DELETE /api/v1/campaigns/:id/items/:kind/:item */
int api_campaigns_untag(http_req_t *r)
{
    int64_t campaign = api_param_id(r, 0);
    if (campaign == 0)
        return 0;
    const char *kind = http_param(r, 1);
    if (kind == NULL || kind_index(kind) < 0) {
        http_reply_error(r, 404, "not_found", "kind must be activity, visit or opinion", NULL);
        return 0;
    }
    int64_t item = api_param_id(r, 2);
    if (item == 0)
        return 0;
    tag_write_t *t = http_write_new(r, sizeof(*t));
    t->untag = true;
    t->campaign = campaign;
    t->item = item;
    snprintf(t->kind, sizeof(t->kind), "%s", kind);
    store_campaign_t c;
    if (!tag_target(r, t, NULL, &c)) {
        free(t);
        return 0;
    }
    api_who(r, &t->who);
    t->super.run = tag_run;
    t->super.respond = tag_respond;
    http_write(r, &t->super);
    return 0;
}
