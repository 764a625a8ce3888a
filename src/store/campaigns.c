/* campaigns: SQL for campaigns and what is tagged to them (see campaigns.h). */
#include "store/campaigns.h"

#include <stdio.h>
#include <string.h>

#define CAMPAIGN_COLUMNS                                                                           \
    "c.id, c.region_code, c.theme, c.title, c.description, c.starts_on, c.ends_on, c.starts_at, "  \
    "c.ends_at, coalesce(c.created_by, 0), c.created_at, c.updated_at"

/* The deputies a task stands for, as SQL over the task row t: its deputy, or its group's. */
#define TASK_DEPUTY(col)                                                                           \
    "(" col " = t.deputy_id OR " col " IN (SELECT m.id FROM deputies m WHERE m.group_id = t.group_id" \
    " AND m.deleted_at IS NULL))"

/* A deputy took part in an activity unless the record marks them absent. */
#define TOOK_PART "coalesce(ad.attended, 1) = 1 AND " TASK_DEPUTY("ad.deputy_id")

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void read_campaign(store_stmt_t *st, store_campaign_t *c)
{
    memset(c, 0, sizeof(*c));
    c->id = store_col_int(st, 0);
    copy(c->region, sizeof(c->region), store_col_text(st, 1));
    copy(c->theme, sizeof(c->theme), store_col_text(st, 2));
    copy(c->title, sizeof(c->title), store_col_text(st, 3));
    copy(c->description, sizeof(c->description), store_col_text(st, 4));
    copy(c->starts_on, sizeof(c->starts_on), store_col_text(st, 5));
    copy(c->ends_on, sizeof(c->ends_on), store_col_text(st, 6));
    c->starts_at = store_col_int(st, 7);
    c->ends_at = store_col_int(st, 8);
    c->created_by = store_col_int(st, 9);
    c->created_at = store_col_int(st, 10);
    c->updated_at = store_col_int(st, 11);
}

/* Binds the fields both insert and save write, as $2..$9. */
static void bind_campaign(store_stmt_t *st, const store_campaign_t *c)
{
    store_bind_text(st, 2, c->region);
    store_bind_text(st, 3, c->theme);
    store_bind_text(st, 4, c->title);
    store_bind_text(st, 5, c->description);
    store_bind_text(st, 6, c->starts_on);
    store_bind_text(st, 7, c->ends_on);
    store_bind_int(st, 8, c->starts_at);
    store_bind_int(st, 9, c->ends_at);
}

int store_campaign_insert(store_t *db, const store_campaign_t *c, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO campaigns (created_by, region_code, theme, title, description, starts_on, ends_on,"
            " starts_at, ends_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)");
    if (st == NULL)
        return STORE_ERR;
    if (c->created_by)
        store_bind_int(st, 1, c->created_by);
    else
        store_bind_null(st, 1);
    bind_campaign(st, c);
    store_bind_int(st, 10, c->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_campaign_save(store_t *db, const store_campaign_t *c)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE campaigns SET region_code = $2, theme = $3, title = $4, description = $5, starts_on = $6,"
            " ends_on = $7, starts_at = $8, ends_at = $9, updated_at = $10 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, c->id);
    bind_campaign(st, c);
    store_bind_int(st, 10, c->updated_at);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_campaign_get(store_t *db, int64_t id, store_campaign_t *out)
{
    store_stmt_t *st = store_prepare(db, "SELECT " CAMPAIGN_COLUMNS " FROM campaigns c WHERE c.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_campaign(st, out);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* Runs the statement of sql bound to the campaign id alone (the deletes of the set_ functions). */
static int run_with_id(store_t *db, const char *sql, int64_t id)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return store_run(st);
}

/* Replaces a set of ids linked to the campaign: del empties it, add inserts ($1 campaign, $2 id). */
static int set_ids(store_t *db, const char *del, const char *add, int64_t id, const int64_t *ids, int n)
{
    int rc = run_with_id(db, del, id);
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        store_stmt_t *st = store_prepare(db, add);
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, ids[i]);
        rc = store_run(st);
    }
    return rc;
}

int store_campaign_set_regions(store_t *db, int64_t id, const char (*codes)[13], int n)
{
    int rc = run_with_id(db, "DELETE FROM campaign_regions WHERE campaign_id = $1", id);
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        store_stmt_t *st = store_prepare(
            db, "INSERT INTO campaign_regions (campaign_id, region_code) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, id);
        store_bind_text(st, 2, codes[i]);
        rc = store_run(st);
    }
    return rc;
}

int store_campaign_set_deputies(store_t *db, int64_t id, const int64_t *deputies, int n)
{
    return set_ids(db, "DELETE FROM campaign_deputies WHERE campaign_id = $1",
                   "INSERT INTO campaign_deputies (campaign_id, deputy_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", id,
                   deputies, n);
}

int store_campaign_set_groups(store_t *db, int64_t id, const int64_t *groups, int n)
{
    return set_ids(db, "DELETE FROM campaign_groups WHERE campaign_id = $1",
                   "INSERT INTO campaign_groups (campaign_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", id,
                   groups, n);
}

int store_campaign_set_tasks(store_t *db, int64_t id, const store_campaign_task_t *tasks, int n)
{
    int rc = run_with_id(db, "DELETE FROM campaign_tasks WHERE campaign_id = $1", id);
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        store_stmt_t *st = store_prepare(db, "INSERT INTO campaign_tasks (campaign_id, position, deputy_id, group_id,"
                                             " title, counts, target) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, i);
        if (tasks[i].deputy_id)
            store_bind_int(st, 3, tasks[i].deputy_id);
        else
            store_bind_null(st, 3);
        if (tasks[i].group_id)
            store_bind_int(st, 4, tasks[i].group_id);
        else
            store_bind_null(st, 4);
        store_bind_text(st, 5, tasks[i].title);
        store_bind_text(st, 6, tasks[i].counts);
        store_bind_int(st, 7, tasks[i].target);
        rc = store_run(st);
        /* whoever has a task takes part */
        int64_t who = tasks[i].deputy_id ? tasks[i].deputy_id : tasks[i].group_id;
        st = rc ? NULL
                : store_prepare(db, tasks[i].deputy_id ? "INSERT INTO campaign_deputies (campaign_id, deputy_id)"
                                                         " VALUES ($1, $2) ON CONFLICT DO NOTHING"
                                                       : "INSERT INTO campaign_groups (campaign_id, group_id)"
                                                         " VALUES ($1, $2) ON CONFLICT DO NOTHING");
        if (rc == STORE_OK && st == NULL)
            return STORE_ERR;
        if (st) {
            store_bind_int(st, 1, id);
            store_bind_int(st, 2, who);
            rc = store_run(st);
        }
    }
    return rc;
}

/* Steps a statement bound to the campaign id, with two columns a row: an id (by_id is called) or
 * a region code (by_code), then a name. */
static int each_pair(store_t *db, const char *sql, int64_t id, int (*by_id)(int64_t, const char *, void *),
                     int (*by_code)(const char *, const char *, void *), void *arg)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        int stop = by_id ? by_id(store_col_int(st, 0), store_col_text(st, 1), arg)
                         : by_code(store_col_text(st, 0), store_col_text(st, 1), arg);
        if (stop)
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_campaign_regions_each(store_t *db, int64_t id, int (*fn)(const char *code, const char *name, void *arg),
                                void *arg)
{
    return each_pair(db,
                     "SELECT cr.region_code, r.name FROM campaign_regions cr JOIN regions r ON r.code = cr.region_code"
                     " WHERE cr.campaign_id = $1 ORDER BY cr.region_code",
                     id, NULL, fn, arg);
}

int store_campaign_deputies_each(store_t *db, int64_t id, int (*fn)(int64_t id, const char *name, void *arg),
                                 void *arg)
{
    return each_pair(db,
                     "SELECT d.id, d.name FROM campaign_deputies cd JOIN deputies d ON d.id = cd.deputy_id"
                     " WHERE cd.campaign_id = $1 AND d.deleted_at IS NULL ORDER BY d.id",
                     id, fn, NULL, arg);
}

int store_campaign_groups_each(store_t *db, int64_t id, int (*fn)(int64_t id, const char *name, void *arg),
                               void *arg)
{
    return each_pair(db,
                     "SELECT g.id, g.name FROM campaign_groups cg JOIN deputy_groups g ON g.id = cg.group_id"
                     " WHERE cg.campaign_id = $1 AND g.deleted_at IS NULL ORDER BY g.id",
                     id, fn, NULL, arg);
}

int store_campaign_tasks_each(store_t *db, int64_t id,
                              int (*fn)(const store_campaign_task_t *t, int64_t done, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT t.id, coalesce(t.deputy_id, 0), coalesce(t.group_id, 0), t.title, t.counts, t.target,"
            " coalesce(d.name, g.name, ''),"
            " (SELECT count(*) FROM campaign_items ci WHERE ci.campaign_id = t.campaign_id AND ci.kind = t.counts AND ("
            "  (ci.kind = 'activity' AND EXISTS (SELECT 1 FROM activity_deputies ad"
            "    WHERE ad.activity_id = ci.item_id AND " TOOK_PART "))"
            "  OR (ci.kind = 'visit' AND EXISTS (SELECT 1 FROM visits v"
            "    JOIN activity_deputies ad ON ad.activity_id = v.activity_id WHERE v.id = ci.item_id AND " TOOK_PART "))"
            "  OR (ci.kind = 'opinion' AND EXISTS (SELECT 1 FROM opinions o WHERE o.id = ci.item_id"
            "    AND (" TASK_DEPUTY("o.deputy_id") " OR " TASK_DEPUTY("o.owner_deputy_id") ")))))"
            " FROM campaign_tasks t LEFT JOIN deputies d ON d.id = t.deputy_id"
            " LEFT JOIN deputy_groups g ON g.id = t.group_id WHERE t.campaign_id = $1 ORDER BY t.position, t.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_campaign_task_t t = {
            .id = store_col_int(st, 0),
            .deputy_id = store_col_int(st, 1),
            .group_id = store_col_int(st, 2),
            .title = store_col_text(st, 3),
            .counts = store_col_text(st, 4),
            .target = (int)store_col_int(st, 5),
            .who = store_col_text(st, 6),
        };
        if (fn(&t, store_col_int(st, 7), arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_campaigns_each(store_t *db, const store_campaign_filter_t *f,
                         int (*fn)(const store_campaign_t *c, int64_t tagged, void *arg), void *arg)
{
    static const char *const everywhere =
        "SELECT " CAMPAIGN_COLUMNS ", (SELECT count(*) FROM campaign_items ci WHERE ci.campaign_id = c.id)"
        " FROM campaigns c ORDER BY c.starts_on DESC, c.id DESC LIMIT $1";
    static const char *const by_region =
        "SELECT " CAMPAIGN_COLUMNS ", (SELECT count(*) FROM campaign_items ci WHERE ci.campaign_id = c.id)"
        " FROM campaigns c WHERE c.id IN (SELECT cr.campaign_id FROM campaign_regions cr"
        " WHERE (cr.region_code >= $2 AND cr.region_code < $3) OR cr.region_code IN ($4, $5, $6, $7, $8, $9))"
        " ORDER BY c.starts_on DESC, c.id DESC LIMIT $1";
    store_stmt_t *st = store_prepare(db, f->lo ? by_region : everywhere);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, f->limit);
    if (f->lo) {
        store_bind_text(st, 2, f->lo);
        store_bind_text(st, 3, f->hi);
        for (int i = 0; i < 6; i++)
            store_bind_text(st, 4 + i, i < f->nancestors ? f->ancestors[i] : NULL);
    }
    int rc;
    store_campaign_t c;
    while ((rc = store_step(st)) == STORE_ROW) {
        read_campaign(st, &c);
        if (fn(&c, store_col_int(st, 12), arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_campaign_item_place(store_t *db, const char *kind, int64_t item, char region[13], int64_t *at,
                              char state[16])
{
    const char *sql = NULL;
    if (strcmp(kind, "activity") == 0)
        sql = "SELECT region_code, starts_at, state FROM activities WHERE id = $1";
    else if (strcmp(kind, "visit") == 0)
        sql = "SELECT region_code, created_at, '' FROM visits WHERE id = $1";
    else if (strcmp(kind, "opinion") == 0)
        sql = "SELECT region_code, created_at, state FROM opinions WHERE id = $1";
    if (sql == NULL)
        return STORE_ENOTFOUND;
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, item);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        copy(region, 13, store_col_text(st, 0));
        *at = store_col_int(st, 1);
        copy(state, 16, store_col_text(st, 2));
    }
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_campaign_tag(store_t *db, int64_t campaign, const char *kind, int64_t item, int64_t by, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO campaign_items (campaign_id, kind, item_id, tagged_by, tagged_at)"
                                         " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, campaign);
    store_bind_text(st, 2, kind);
    store_bind_int(st, 3, item);
    if (by)
        store_bind_int(st, 4, by);
    else
        store_bind_null(st, 4);
    store_bind_int(st, 5, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ECONSTRAINT : rc;
}

int store_campaign_untag(store_t *db, int64_t campaign, const char *kind, int64_t item)
{
    store_stmt_t *st =
        store_prepare(db, "DELETE FROM campaign_items WHERE campaign_id = $1 AND kind = $2 AND item_id = $3");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, campaign);
    store_bind_text(st, 2, kind);
    store_bind_int(st, 3, item);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_campaign_items_each(store_t *db, int64_t id, int (*fn)(const store_campaign_item_t *item, void *arg),
                              void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT ci.kind, ci.item_id, ci.tagged_at,"
            " coalesce(a.region_code, v.region_code, o.region_code, ''),"
            " coalesce(a.starts_at, v.created_at, o.created_at, 0) AS at,"
            " coalesce(a.title, va.title, o.tracking_code, ''), coalesce(a.kind, ''),"
            " coalesce(a.station_id, v.station_id, o.station_id, 0), coalesce(s.name, '')"
            " FROM campaign_items ci"
            " LEFT JOIN activities a ON ci.kind = 'activity' AND a.id = ci.item_id"
            " LEFT JOIN visits v ON ci.kind = 'visit' AND v.id = ci.item_id"
            " LEFT JOIN activities va ON va.id = v.activity_id"
            " LEFT JOIN opinions o ON ci.kind = 'opinion' AND o.id = ci.item_id"
            " LEFT JOIN stations s ON s.id = coalesce(a.station_id, v.station_id, o.station_id)"
            " WHERE ci.campaign_id = $1 ORDER BY at, ci.kind, ci.item_id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_campaign_item_t item = {
            .kind = store_col_text(st, 0),
            .id = store_col_int(st, 1),
            .tagged_at = store_col_int(st, 2),
            .region = store_col_text(st, 3),
            .at = store_col_int(st, 4),
            .label = store_col_text(st, 5),
            .activity_kind = store_col_text(st, 6),
            .station_id = store_col_int(st, 7),
            .station_name = store_col_text(st, 8),
        };
        if (fn(&item, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}
