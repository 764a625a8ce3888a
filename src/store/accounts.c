/* accounts: SQL for users, regions (as scopes need them) and sessions. */
#include "store/accounts.h"

#include <stdio.h>
#include <string.h>

#define USER_COLUMNS                                                                               \
    "u.id, u.username, u.display_name, u.password_hash, u.role, u.region_code, "                   \
    "coalesce(u.unit_id, 0), coalesce(u.deputy_id, 0), u.disabled, u.created_at"

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static int read_stations(store_t *db, store_user_t *u)
{
    store_stmt_t *st = store_prepare(db, "SELECT station_id FROM user_stations WHERE user_id = $1 ORDER BY station_id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, u->id);
    int rc;
    u->nstations = 0;
    while ((rc = store_step(st)) == STORE_ROW && u->nstations < STORE_USER_MAX_STATIONS)
        u->stations[u->nstations++] = store_col_int(st, 0);
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* Reads the USER_COLUMNS starting at col. */
static void read_user(store_stmt_t *st, int col, store_user_t *u)
{
    u->id = store_col_int(st, col);
    copy(u->username, sizeof(u->username), store_col_text(st, col + 1));
    copy(u->display_name, sizeof(u->display_name), store_col_text(st, col + 2));
    copy(u->password_hash, sizeof(u->password_hash), store_col_text(st, col + 3));
    copy(u->role, sizeof(u->role), store_col_text(st, col + 4));
    copy(u->region, sizeof(u->region), store_col_text(st, col + 5));
    u->unit_id = store_col_int(st, col + 6);
    u->deputy_id = store_col_int(st, col + 7);
    u->disabled = (int)store_col_int(st, col + 8);
    u->created_at = store_col_int(st, col + 9);
    u->nstations = 0;
}

/* Steps a statement expected to give at most one user row. */
static int one_user(store_t *db, store_stmt_t *st, store_user_t *out)
{
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_user(st, 0, out);
    store_done(st);
    if (rc == STORE_ROW)
        return read_stations(db, out);
    return rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_user_by_username(store_t *db, const char *username, store_user_t *out)
{
    store_stmt_t *st = store_prepare(db, "SELECT " USER_COLUMNS " FROM users u WHERE u.username = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, username);
    return one_user(db, st, out);
}

int store_user_by_id(store_t *db, int64_t id, store_user_t *out)
{
    store_stmt_t *st = store_prepare(db, "SELECT " USER_COLUMNS " FROM users u WHERE u.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return one_user(db, st, out);
}

int store_user_insert(store_t *db, const store_user_t *u, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO users (username, display_name, password_hash, role, region_code, unit_id,"
            " deputy_id, disabled, created_at, updated_at, password_changed_at)"
            " VALUES ($1, $2, $3, $4, $5, nullif($6, 0), nullif($7, 0), $8, $9, $9, $9)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, u->username);
    store_bind_text(st, 2, u->display_name);
    store_bind_text(st, 3, u->password_hash);
    store_bind_text(st, 4, u->role);
    store_bind_text(st, 5, u->region);
    store_bind_int(st, 6, u->unit_id);
    store_bind_int(st, 7, u->deputy_id);
    store_bind_int(st, 8, u->disabled);
    store_bind_int(st, 9, now);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

/* Runs an UPDATE/DELETE that must touch a row. */
static int must_change(store_t *db, store_stmt_t *st)
{
    int rc = store_run(st);
    if (rc != STORE_OK)
        return rc;
    return store_changes(db) > 0 ? STORE_OK : STORE_ENOTFOUND;
}

int store_user_set_password(store_t *db, int64_t id, const char *hash, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_text(st, 2, hash);
    store_bind_int(st, 3, now);
    return must_change(db, st);
}

int store_user_set_disabled(store_t *db, int64_t id, int disabled, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, disabled);
    store_bind_int(st, 3, now);
    return must_change(db, st);
}

int store_user_each(store_t *db, const char *lo, const char *hi, int limit, int offset,
                    int (*each)(const store_user_t *u, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " USER_COLUMNS " FROM users u"
            " WHERE ($1 IS NULL OR (u.region_code >= $1 AND u.region_code < $2))"
            " ORDER BY u.username LIMIT $3 OFFSET $4");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    store_bind_int(st, 3, limit);
    store_bind_int(st, 4, offset);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_user_t u;
        read_user(st, 0, &u);
        if (read_stations(db, &u) != STORE_OK) {
            rc = STORE_ERR;
            break;
        }
        if (each(&u, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_session_insert(store_t *db, const unsigned char *hash, size_t hash_len, int64_t user_id,
                         const char *csrf, int64_t now, int64_t expires_at, const char *ip)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at,"
            " expires_at, ip) VALUES ($1, $2, $3, $4, $4, $5, $6)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_blob(st, 1, hash, hash_len);
    store_bind_int(st, 2, user_id);
    store_bind_text(st, 3, csrf);
    store_bind_int(st, 4, now);
    store_bind_int(st, 5, expires_at);
    store_bind_text(st, 6, ip);
    return store_run(st);
}

int store_session_lookup(store_t *db, const unsigned char *hash, size_t hash_len, int64_t now,
                         int idle_s, store_session_t *out)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " USER_COLUMNS ", s.csrf_token, s.last_seen_at FROM sessions s"
            " JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $2 - $3"
            " AND u.disabled = 0");
    if (st == NULL)
        return STORE_ERR;
    store_bind_blob(st, 1, hash, hash_len);
    store_bind_int(st, 2, now);
    store_bind_int(st, 3, idle_s);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        read_user(st, 0, &out->user);
        copy(out->csrf, sizeof(out->csrf), store_col_text(st, 10));
        out->last_seen_at = store_col_int(st, 11);
    }
    store_done(st);
    if (rc == STORE_ROW && read_stations(db, &out->user) != STORE_OK)
        return STORE_ERR;
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_session_touch(store_t *db, const unsigned char *hash, size_t hash_len, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_blob(st, 1, hash, hash_len);
    store_bind_int(st, 2, now);
    return store_run(st);
}

int store_session_delete(store_t *db, const unsigned char *hash, size_t hash_len)
{
    store_stmt_t *st = store_prepare(db, "DELETE FROM sessions WHERE token_hash = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_blob(st, 1, hash, hash_len);
    return store_run(st);
}

int store_session_delete_for_user(store_t *db, int64_t user_id, const unsigned char *keep, size_t keep_len)
{
    store_stmt_t *st = store_prepare(
        db, "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, user_id);
    if (keep)
        store_bind_blob(st, 2, keep, keep_len);
    else
        store_bind_null(st, 2);
    return store_run(st);
}

int store_user_set_stations(store_t *db, int64_t id, const int64_t *stations, int n)
{
    store_stmt_t *st = store_prepare(db, "DELETE FROM user_stations WHERE user_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_run(st);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        st = store_prepare(db, "INSERT OR IGNORE INTO user_stations (user_id, station_id) VALUES ($1, $2)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, stations[i]);
        rc = store_run(st);
    }
    return rc;
}
