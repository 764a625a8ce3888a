/* audit: SQL for the audit log. */
#include "store/audit.h"

int store_audit_append(store_t *db, const store_audit_t *a)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, region_code, ip, detail)"
            " VALUES ($1, nullif($2, 0), $3, $4, $5, $6, $7, $8, $9)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, a->at);
    store_bind_int(st, 2, a->actor_id);
    store_bind_text(st, 3, a->actor ? a->actor : "");
    store_bind_text(st, 4, a->action);
    store_bind_text(st, 5, a->entity ? a->entity : "");
    store_bind_text(st, 6, a->entity_id ? a->entity_id : "");
    store_bind_text(st, 7, a->region ? a->region : "");
    store_bind_text(st, 8, a->ip ? a->ip : "");
    store_bind_text(st, 9, a->detail ? a->detail : "");
    return store_run(st);
}

int store_audit_each(store_t *db, int64_t since, const char *lo, const char *hi, int64_t after_id,
                     int limit, int (*each)(const store_audit_t *a, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, region_code, ip, detail"
            " FROM audit_log WHERE at >= $1 AND id > $4"
            " AND ($2 IS NULL OR (region_code >= $2 AND region_code < $3))"
            " ORDER BY id LIMIT $5");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, since);
    store_bind_text(st, 2, lo);
    store_bind_text(st, 3, hi);
    store_bind_int(st, 4, after_id);
    store_bind_int(st, 5, limit);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_audit_t a = {
            .id = store_col_int(st, 0),
            .at = store_col_int(st, 1),
            .actor_id = store_col_int(st, 2),
            .actor = store_col_text(st, 3),
            .action = store_col_text(st, 4),
            .entity = store_col_text(st, 5),
            .entity_id = store_col_text(st, 6),
            .region = store_col_text(st, 7),
            .ip = store_col_text(st, 8),
            .detail = store_col_text(st, 9),
        };
        if (each(&a, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}
