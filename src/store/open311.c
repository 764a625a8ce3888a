/* open311 store: keys, the Open311 side of an opinion, and the endpoint's reads (see open311.h). */
#include "store/open311.h"

#include <stdio.h>

#define KEY_COLUMNS "id, name, region_code, per_minute, coalesce(created_by, 0), created_at, coalesce(revoked_at, 0)"

static void key_row(store_stmt_t *st, store_open311_key_t *k)
{
    k->id = store_col_int(st, 0);
    snprintf(k->name, sizeof(k->name), "%s", store_col_text(st, 1));
    snprintf(k->region, sizeof(k->region), "%s", store_col_text(st, 2));
    k->per_minute = (int)store_col_int(st, 3);
    k->created_by = store_col_int(st, 4);
    k->created_at = store_col_int(st, 5);
    k->revoked_at = store_col_int(st, 6);
}

/* One row into *out: STORE_OK, STORE_ENOTFOUND or an error; hands the statement back. */
static int one_key(store_stmt_t *st, store_open311_key_t *out)
{
    int rc = store_step(st);
    if (rc == STORE_ROW)
        key_row(st, out);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* The first column of the one row as an id: STORE_OK, STORE_ENOTFOUND or an error. */
static int one_id(store_stmt_t *st, int64_t *id)
{
    int rc = store_step(st);
    if (rc == STORE_ROW)
        *id = store_col_int(st, 0);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_open311_key_insert(store_t *db, const char *key_hash, const store_open311_key_t *k, int64_t *id)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO open311_keys (key_hash, name, region_code, per_minute,"
                                         " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, key_hash);
    store_bind_text(st, 2, k->name);
    store_bind_text(st, 3, k->region);
    store_bind_int(st, 4, k->per_minute);
    store_bind_opt_id(st, 5, k->created_by);
    store_bind_int(st, 6, k->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_open311_keys_each(store_t *db, const char *lo, const char *hi,
                            int (*fn)(const store_open311_key_t *k, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " KEY_COLUMNS " FROM open311_keys"
                                         " WHERE region_code >= $1 AND region_code < $2 ORDER BY id DESC");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_open311_key_t k;
        key_row(st, &k);
        if (fn(&k, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_open311_key_get(store_t *db, int64_t id, store_open311_key_t *out)
{
    store_stmt_t *st = store_prepare(db, "SELECT " KEY_COLUMNS " FROM open311_keys WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return one_key(st, out);
}

int store_open311_key_by_hash(store_t *db, const char *key_hash, store_open311_key_t *out)
{
    store_stmt_t *st =
        store_prepare(db, "SELECT " KEY_COLUMNS " FROM open311_keys WHERE key_hash = $1 AND revoked_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, key_hash);
    return one_key(st, out);
}

int store_open311_key_revoke(store_t *db, int64_t id, int64_t now)
{
    store_stmt_t *st =
        store_prepare(db, "UPDATE open311_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_open311_request_add(store_t *db, int64_t opinion_id, int64_t key_id, bool has_point, double lat, double lng)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO open311_requests (opinion_id, key_id, latitude, longitude) VALUES ($1, $2, $3, $4)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, opinion_id);
    store_bind_int(st, 2, key_id);
    if (has_point) {
        store_bind_real(st, 3, lat);
        store_bind_real(st, 4, lng);
    } else {
        store_bind_null(st, 3);
        store_bind_null(st, 4);
    }
    return store_run(st);
}

int store_open311_request_point(store_t *db, int64_t opinion_id, double *lat, double *lng)
{
    store_stmt_t *st = store_prepare(db, "SELECT latitude, longitude FROM open311_requests"
                                         " WHERE opinion_id = $1 AND latitude IS NOT NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, opinion_id);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        *lat = store_col_real(st, 0);
        *lng = store_col_real(st, 1);
    }
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_open311_station_for(store_t *db, const char *region, int64_t *station_id)
{
    /* $1 the place, $2 its township, $3 its county: the longest match wins */
    store_stmt_t *st =
        store_prepare(db, "SELECT id FROM stations WHERE deleted_at IS NULL AND region_code IN ($1, $2, $3)"
                          " ORDER BY region_code DESC, id LIMIT 1");
    if (st == NULL)
        return STORE_ERR;
    char township[13], county[13];
    snprintf(township, sizeof(township), "%.9s000", region);
    snprintf(county, sizeof(county), "%.6s000000", region);
    store_bind_text(st, 1, region);
    store_bind_text(st, 2, township);
    store_bind_text(st, 3, county);
    return one_id(st, station_id);
}

int store_open311_by_secret(store_t *db, const char *secret_hash, int64_t *id)
{
    store_stmt_t *st = store_prepare(db, "SELECT id FROM opinions WHERE secret_hash = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, secret_hash);
    return one_id(st, id);
}

enum { STATES_MAX = 7 };

int store_open311_request_ids(store_t *db, const store_open311_filter_t *f, int (*fn)(int64_t id, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT id FROM opinions WHERE ($1 IS NULL OR (region_code >= $1 AND region_code < $2))"
            " AND ($3 = 0 OR category_id = $3) AND ($4 = 0 OR created_at >= $4) AND ($5 = 0 OR created_at < $5)"
            " AND ($6 = 0 OR state IN ($7, $8, $9, $10, $11, $12, $13)) ORDER BY id DESC LIMIT $14");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, f->region_lo);
    store_bind_text(st, 2, f->region_hi);
    store_bind_int(st, 3, f->category_id);
    store_bind_int(st, 4, f->created_from);
    store_bind_int(st, 5, f->created_to);
    store_bind_int(st, 6, f->states != NULL);
    bool more = f->states != NULL;
    for (int i = 0; i < STATES_MAX; i++) {
        more = more && f->states[i] != NULL;
        store_bind_text(st, 7 + i, more ? f->states[i] : NULL);
    }
    store_bind_int(st, 14, f->limit);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if (fn(store_col_int(st, 0), arg))
            break;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}
