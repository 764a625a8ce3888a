/*
 * regions: the public region tree, browsed from the provinces down to villages. A region comes
 * with the path above it (for breadcrumbs) and the regions under it (for the next tap).
 */
#include <string.h>

#include "core/utf8.h"

#include "api/api.h"
#include "domain/region.h"
#include "store/regions.h"

static json_t *region_json(const store_region_t *r)
{
    return json_pack("{s:s, s:s, s:i}", "code", r->code, "name", r->name, "level", r->level);
}

static int add_region(const store_region_t *r, void *arg)
{
    json_array_append_new(arg, region_json(r));
    return 0;
}

/* Places whose name holds q, inside region (a county or below keeps the scan small). */
static int search(http_req_t *r, const char *q)
{
    const char *region = http_query(r, "region");
    long limit = api_query_long(r, "limit", 20, 1, 100);
    if (limit < 0)
        return 0;
    if (region && !region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    if (utf8_chars(q, strlen(q)) > 30) {
        http_reply_error(r, 400, "bad_query", "q must have at most 30 characters", "q");
        return 0;
    }
    char hi[REGION_CODE_LEN + 2];
    if (region)
        region_subtree_upper(region, hi);
    json_t *items = json_array();
    if (store_region_search(http_reader(r), region ? region : "0", region ? hi : ":", q, (int)limit, add_region,
                            items) != STORE_OK) {
        json_decref(items);
        http_reply_internal(r, "cannot search regions");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
    return 0;
}

int api_regions_list(http_req_t *r)
{
    const char *q = http_query(r, "q");
    if (q && *q)
        return search(r, q);
    json_t *children = json_array();
    if (store_region_children(http_reader(r), NULL, add_region, children) != STORE_OK) {
        json_decref(children);
        http_reply_internal(r, "cannot read regions");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "children", children));
    return 0;
}

int api_regions_get(http_req_t *r)
{
    const char *code = http_param(r, 0);
    store_t *db = http_reader(r);
    store_region_t region;
    int rc = region_code_valid(code) ? store_region_get(db, code, &region) : STORE_ENOTFOUND;
    if (rc != STORE_OK) {
        if (rc == STORE_ENOTFOUND)
            http_reply_error(r, 404, "not_found", "no such region", NULL);
        else
            http_reply_internal(r, "cannot read a region");
        return 0;
    }
    json_t *o = region_json(&region), *path = json_array(), *children = json_array();
    /* the path from the province down to this region */
    store_region_t up = region;
    for (int depth = 0; depth < 5 && up.parent[0] && store_region_get(db, up.parent, &up) == STORE_OK; depth++)
        json_array_insert_new(path, 0, json_pack("{s:s, s:s, s:i}", "code", up.code, "name", up.name, "level", up.level));
    json_object_set_new(o, "path", path);
    json_object_set_new(o, "children", children);
    if (store_region_children(db, region.code, add_region, children) != STORE_OK) {
        json_decref(o);
        http_reply_internal(r, "cannot read regions");
        return 0;
    }
    http_reply_json(r, 200, o);
    return 0;
}
