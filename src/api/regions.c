/*
 * regions: the public region tree, browsed from the provinces down to villages. A region comes
 * with the path above it (for breadcrumbs) and the regions under it (for the next tap).
 */
#include <string.h>

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

int api_regions_list(http_req_t *r)
{
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
    while (up.parent[0] && store_region_get(db, up.parent, &up) == STORE_OK)
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
