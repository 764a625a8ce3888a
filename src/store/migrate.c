/*
 * migrate: applies the embedded migrations. The schema_migrations table is the record of truth
 * (not PRAGMA user_version), because a PostgreSQL backend needs the same record.
 */
#include <stdio.h>

#include "store/migrations.h"

static const char *create_table =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

int store_schema_latest(void)
{
    int latest = 0;
    for (const store_migration_t *m = store_migrations; m->version; m++)
        if (m->version > latest)
            latest = m->version;
    return latest;
}

int store_schema_version(store_t *db, int *version)
{
    *version = 0;
    store_stmt_t *st = store_prepare(
        db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (st == NULL)
        return STORE_ERR;
    int rc = store_step(st);
    int exists = rc == STORE_ROW && store_col_int(st, 0) > 0;
    store_done(st);
    if (rc != STORE_ROW)
        return STORE_ERR;
    if (!exists)
        return STORE_OK;
    st = store_prepare(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (st == NULL)
        return STORE_ERR;
    rc = store_step(st);
    if (rc == STORE_ROW)
        *version = (int)store_col_int(st, 0);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : STORE_ERR;
}

static int refuse_newer(int have, char *err, size_t errlen)
{
    snprintf(err, errlen,
             "the database has schema version %d but this liaison knows only up to %d; "
             "run a newer liaison",
             have, store_schema_latest());
    return STORE_ENEWER;
}

static int apply(store_t *db, const store_migration_t *m, char *err, size_t errlen)
{
    if (store_begin(db) != STORE_OK) {
        snprintf(err, errlen, "migration %03d: %s", m->version, store_errmsg(db));
        return STORE_ERR;
    }
    int rc = store_exec(db, m->sql);
    if (rc == STORE_OK) {
        store_stmt_t *st = store_prepare(
            db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, unixepoch())");
        if (st == NULL)
            rc = STORE_ERR;
        else {
            store_bind_int(st, 1, m->version);
            store_bind_text(st, 2, m->name);
            rc = store_run(st);
        }
    }
    if (rc == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK) {
        snprintf(err, errlen, "migration %s: %s", m->name, store_errmsg(db));
        store_rollback(db);
    }
    return rc;
}

int store_migrate(store_t *db, int *applied, char *err, size_t errlen)
{
    *applied = 0;
    if (store_exec(db, create_table) != STORE_OK) {
        snprintf(err, errlen, "%s", store_errmsg(db));
        return STORE_ERR;
    }
    int have;
    if (store_schema_version(db, &have) != STORE_OK) {
        snprintf(err, errlen, "%s", store_errmsg(db));
        return STORE_ERR;
    }
    if (have > store_schema_latest())
        return refuse_newer(have, err, errlen);
    for (const store_migration_t *m = store_migrations; m->version; m++) {
        if (m->version <= have)
            continue;
        int rc = apply(db, m, err, errlen);
        if (rc != STORE_OK)
            return rc;
        (*applied)++;
    }
    return STORE_OK;
}

int store_schema_check(store_t *db, char *err, size_t errlen)
{
    int have;
    if (store_schema_version(db, &have) != STORE_OK) {
        snprintf(err, errlen, "%s", store_errmsg(db));
        return STORE_ERR;
    }
    if (have > store_schema_latest())
        return refuse_newer(have, err, errlen);
    if (have < store_schema_latest()) {
        snprintf(err, errlen, "the database has schema version %d, expected %d; run liaison migrate",
                 have, store_schema_latest());
        return STORE_ERR;
    }
    return STORE_OK;
}
