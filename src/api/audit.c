/* audit: the office reads the audit log of its region subtree, page by page. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "domain/region.h"

static int add_entry(const store_audit_t *a, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->id,
                                         "at", (json_int_t)a->at, "actor", a->actor, "action", a->action, "entity",
                                         a->entity, "entity_id", a->entity_id, "region", a->region, "ip", a->ip,
                                         "detail", a->detail));
    return 0;
}

int api_audit_list(http_req_t *r)
{
    long since = api_query_long(r, "since", 0, 0, 1L << 40);
    long after = since < 0 ? -1 : api_query_long(r, "after", 0, 0, 1L << 62);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", 100, 1, 1000);
    if (since < 0 || after < 0 || limit < 0)
        return 0;
    const actor_t *a = http_actor(r);
    char hi[REGION_CODE_LEN + 2];
    region_subtree_upper(a->region, hi);
    json_t *entries = json_array();
    if (store_audit_each(http_reader(r), since, a->region, hi, after, (int)limit, add_entry, entries) != STORE_OK) {
        json_decref(entries);
        http_reply_internal(r, "cannot read the audit log");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "entries", entries));
    return 0;
}
