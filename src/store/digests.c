/* digests: the digest's offices and claims, and the batch of a half month's referrals. */
#include "store/digests.h"

int store_digest_offices(store_t *db, int (*fn)(const char *region, int64_t user_id, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT u.region_code, u.id FROM users u JOIN regions g ON g.code = u.region_code"
                                         " WHERE u.role = 'admin' AND u.disabled = 0 AND g.level IN (2, 3)"
                                         " ORDER BY u.region_code, u.id");
    if (st == NULL)
        return STORE_ERR;
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if (fn(store_col_text(st, 0), store_col_int(st, 1), arg) != 0)
            break;
    store_done(st);
    return rc == STORE_ROW || rc == STORE_DONE ? STORE_OK : rc;
}

int store_digest_claim(store_t *db, const char *region, const char *week, int64_t now, bool *fresh)
{
    store_stmt_t *st =
        store_prepare(db, "INSERT OR IGNORE INTO digests_sent (region_code, week, sent_at) VALUES ($1, $2, $3)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, region);
    store_bind_text(st, 2, week);
    store_bind_int(st, 3, now);
    int rc = store_step(st);
    store_done(st);
    if (rc != STORE_DONE)
        return rc < 0 ? rc : STORE_ERR;
    *fresh = store_changes(db) == 1;
    return STORE_OK;
}

int store_batch_referrals(store_t *db, const char *lo, const char *hi, int64_t from, int64_t to, int64_t unit_id,
                          int (*fn)(const store_batch_row_t *row, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT r.unit_id, u.name, r.id, r.state, r.due, r.created_at, o.id, o.tracking_code, o.content,"
            " o.location, o.region_code, o.urgency, o.category_id"
            " FROM referrals r JOIN opinions o ON o.id = r.opinion_id JOIN units u ON u.id = r.unit_id"
            " WHERE r.created_at BETWEEN $1 AND $2 AND o.region_code >= $3 AND o.region_code < $4"
            " AND ($5 IS NULL OR r.unit_id = $5)"
            " AND r.state IN ('sent', 'accepted') AND o.state = 'in_progress'"
            " ORDER BY r.unit_id, r.created_at, r.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, from);
    store_bind_int(st, 2, to);
    store_bind_text(st, 3, lo);
    store_bind_text(st, 4, hi);
    store_bind_opt_id(st, 5, unit_id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_batch_row_t row = {
            .unit_id = store_col_int(st, 0),
            .unit_name = store_col_text(st, 1),
            .referral_id = store_col_int(st, 2),
            .state = store_col_text(st, 3),
            .due = store_col_int(st, 4),
            .created_at = store_col_int(st, 5),
            .opinion_id = store_col_int(st, 6),
            .tracking_code = store_col_text(st, 7),
            .content = store_col_text(st, 8),
            .location = store_col_text(st, 9),
            .region = store_col_text(st, 10),
            .urgency = store_col_text(st, 11),
            .category_id = store_col_int(st, 12),
        };
        if (fn(&row, arg) != 0)
            break;
    }
    store_done(st);
    return rc == STORE_ROW || rc == STORE_DONE ? STORE_OK : rc;
}
