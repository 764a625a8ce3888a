/* regions: SQL for the region table. A subtree is always the range [prefix, prefix + ":"). */
#include "store/regions.h"

#include <stdio.h>

static void read_region(store_stmt_t *st, store_region_t *r)
{
    snprintf(r->code, sizeof(r->code), "%s", store_col_text(st, 0));
    snprintf(r->name, sizeof(r->name), "%s", store_col_text(st, 1));
    snprintf(r->parent, sizeof(r->parent), "%s", store_col_text(st, 2));
    r->level = (int)store_col_int(st, 3);
}

static int each_region(store_stmt_t *st, int (*each)(const store_region_t *r, void *arg), void *arg)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_region_t r;
        read_region(st, &r);
        if (each(&r, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_region_exists(store_t *db, const char *code)
{
    store_stmt_t *st = store_prepare(db, "SELECT 1 FROM regions WHERE code = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, code);
    int rc = store_step(st);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_region_get(store_t *db, const char *code, store_region_t *out)
{
    store_stmt_t *st =
        store_prepare(db, "SELECT code, name, coalesce(parent_code, ''), level FROM regions WHERE code = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, code);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_region(st, out);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_region_upsert(store_t *db, const char *code, const char *name, const char *parent, int level)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO regions (code, name, parent_code, level) VALUES ($1, $2, nullif($3, ''), $4)"
            " ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code,"
            " level = excluded.level"
            " WHERE name <> excluded.name OR parent_code IS NOT excluded.parent_code OR level <> excluded.level");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, code);
    store_bind_text(st, 2, name);
    store_bind_text(st, 3, parent ? parent : "");
    store_bind_int(st, 4, level);
    return store_run(st);
}

int store_region_children(store_t *db, const char *code, int (*each)(const store_region_t *r, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT code, name, coalesce(parent_code, ''), level FROM regions"
                                         " WHERE parent_code IS $1 ORDER BY code");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, code);
    return each_region(st, each, arg);
}

int store_region_search(store_t *db, const char *lo, const char *hi, const char *text, int limit,
                        int (*each)(const store_region_t *r, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT code, name, coalesce(parent_code, ''), level FROM regions"
                                         " WHERE code >= $1 AND code < $2 AND instr(name, $3) > 0"
                                         " ORDER BY code LIMIT $4");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    store_bind_text(st, 3, text);
    store_bind_int(st, 4, limit);
    return each_region(st, each, arg);
}
