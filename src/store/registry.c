/*
 * registry store: statements are assembled once per entity from its field table (column names
 * only, never input) and kept for the life of the process, so the statement cache can key them
 * by address like every other statement.
 */
#include "store/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/region.h"

typedef struct {
    char *get, *region, *list[2][2], *insert, *update, *delete, *near; /* list[by_region][by_text] */
    char *unindex, *index_one, *index_from; /* the trigram search table's upkeep */
    char *max_id;
} entity_sql_t;

static entity_sql_t sql[8];

static int entity_index(const registry_entity_t *e)
{
    const registry_entity_t *const *all = registry_entities();
    for (int i = 0; all[i]; i++)
        if (all[i] == e)
            return i;
    abort(); /* an entity not in the table is a programming error */
}

static void add_columns(buf_t *b, const registry_entity_t *e)
{
    buf_adds(b, "id");
    for (int i = 0; i < e->nfields; i++)
        buf_addf(b, ", %s", registry_column(&e->fields[i]));
    buf_adds(b, ", created_at, updated_at");
}

static char *build_select(const registry_entity_t *e, const char *where)
{
    buf_t b;
    buf_init(&b);
    buf_adds(&b, "SELECT ");
    add_columns(&b, e);
    buf_addf(&b, " FROM %s WHERE deleted_at IS NULL AND %s", e->table, where);
    return buf_detach(&b, NULL);
}

/* Variants by filter, so that a region filter is an index range scan rather than an OR the planner
 * cannot use an index for, and so that only searches carry a LIKE: SQLite prepares a statement
 * with LIKE on a parameter again whenever that parameter is bound. */
static char *build_list(const registry_entity_t *e, bool by_region, bool by_text)
{
    buf_t where;
    buf_init(&where);
    /* "+id" keeps the planner off the primary key, which would walk every id to sort-free order */
    buf_adds(&where, by_region ? "region_code >= $1 AND region_code < $2 AND +id > $3" : "id > $3");
    if (by_text && e->search)
        buf_addf(&where, " AND id IN (SELECT rowid FROM %s WHERE text LIKE $5 ESCAPE '\\')", e->search);
    else if (by_text)
        buf_adds(&where, " AND instr(name, $6) > 0");
    if (strcmp(e->name, "deputy") == 0)
        buf_adds(&where, " AND ($7 = 0 OR id IN (SELECT deputy_id FROM station_deputies WHERE station_id = $7))");
    buf_adds(&where, " ORDER BY id LIMIT $4");
    char *s = build_select(e, where.data);
    buf_free(&where);
    return s;
}

static char *build_insert(const registry_entity_t *e)
{
    buf_t b;
    buf_init(&b);
    buf_addf(&b, "INSERT INTO %s (", e->table);
    for (int i = 0; i < e->nfields; i++)
        buf_addf(&b, "%s, ", registry_column(&e->fields[i]));
    buf_adds(&b, "created_at, updated_at) VALUES (");
    for (int i = 0; i < e->nfields; i++)
        buf_addf(&b, "$%d, ", i + 1);
    buf_addf(&b, "$%d, $%d)", e->nfields + 1, e->nfields + 1);
    return buf_detach(&b, NULL);
}

/* Each field k is $(2k+2) "is it set?" and $(2k+3) its value; $1 is the id. */
static char *build_update(const registry_entity_t *e)
{
    buf_t b;
    buf_init(&b);
    buf_addf(&b, "UPDATE %s SET ", e->table);
    for (int i = 0; i < e->nfields; i++) {
        const char *c = registry_column(&e->fields[i]);
        buf_addf(&b, "%s = CASE WHEN $%d THEN $%d ELSE %s END, ", c, 2 * i + 2, 2 * i + 3, c);
    }
    buf_addf(&b, "updated_at = $%d WHERE id = $1 AND deleted_at IS NULL", 2 * e->nfields + 2);
    return buf_detach(&b, NULL);
}

void store_registry_init(void)
{
    const registry_entity_t *const *all = registry_entities();
    for (int i = 0; all[i]; i++) {
        const registry_entity_t *e = all[i];
        if (sql[i].get)
            continue;
        char where[160];
        sql[i].get = build_select(e, "id = $1");
        snprintf(where, sizeof(where), "SELECT coalesce(region_code, ''), name FROM %s WHERE id = $1 AND deleted_at IS NULL",
                 e->table);
        sql[i].region = strdup(where);
        for (int by_region = 0; by_region < 2; by_region++)
            for (int by_text = 0; by_text < 2; by_text++)
                sql[i].list[by_region][by_text] = build_list(e, by_region, by_text);
        sql[i].insert = build_insert(e);
        sql[i].update = build_update(e);
        snprintf(where, sizeof(where),
                 "UPDATE %s SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL", e->table);
        sql[i].delete = strdup(where);
        char top[128];
        snprintf(top, sizeof(top), "SELECT coalesce(max(id), 0) FROM %s", e->table);
        sql[i].max_id = strdup(top);
        if (e->search) {
            char q[256];
            snprintf(q, sizeof(q), "DELETE FROM %s WHERE rowid = $1", e->search);
            sql[i].unindex = strdup(q);
            snprintf(q, sizeof(q), "INSERT INTO %s (rowid, text) SELECT id, %s FROM %s WHERE id = $1", e->search,
                     e->search_text, e->table);
            sql[i].index_one = strdup(q);
            snprintf(q, sizeof(q), "INSERT INTO %s (rowid, text) SELECT id, %s FROM %s WHERE id > $1", e->search,
                     e->search_text, e->table);
            sql[i].index_from = strdup(q);
        }
        /* nearest first: squared degrees with longitude shrunk by cos(latitude), bound by the caller */
        sql[i].near = build_select(e, "latitude IS NOT NULL AND longitude IS NOT NULL"
                                      " AND ($1 IS NULL OR (region_code >= $1 AND region_code < $2))"
                                      " ORDER BY (latitude - $3) * (latitude - $3)"
                                      " + (longitude - $4) * (longitude - $4) * $5, id LIMIT $6");
    }
}

const char *store_registry_list_sql(const registry_entity_t *e, bool by_region)
{
    return sql[entity_index(e)].list[by_region][0];
}

void store_registry_row_free(store_registry_row_t *row)
{
    buf_free(&row->text);
}

/* Reads the columns of add_columns; text is gathered in row->text, then pointed at. */
static void read_row(store_stmt_t *st, const registry_entity_t *e, store_registry_row_t *row)
{
    size_t offsets[REGISTRY_MAX_FIELDS];
    buf_reset(&row->text);
    row->id = store_col_int(st, 0);
    for (int i = 0; i < e->nfields; i++) {
        registry_value_t *v = &row->values[i];
        int col = i + 1;
        *v = (registry_value_t){.set = true, .null = store_col_null(st, col)};
        offsets[i] = row->text.len;
        buf_adds(&row->text, store_col_text(st, col));
        buf_addc(&row->text, '\0');
        v->i = store_col_int(st, col);
        v->d = store_col_real(st, col);
    }
    for (int i = 0; i < e->nfields; i++)
        row->values[i].text = row->text.data + offsets[i];
    row->created_at = store_col_int(st, e->nfields + 1);
    row->updated_at = store_col_int(st, e->nfields + 2);
}

/* Steps a bound statement of add_columns rows, handing each to each, and hands it back. */
static int each_row(store_stmt_t *st, const registry_entity_t *e, int (*each)(const store_registry_row_t *row, void *arg),
                    void *arg)
{
    store_registry_row_t row;
    buf_init(&row.text);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        read_row(st, e, &row);
        if (each(&row, arg))
            break;
    }
    store_done(st);
    buf_free(&row.text);
    return rc < 0 ? rc : STORE_OK;
}

int store_registry_get(store_t *db, const registry_entity_t *e, int64_t id, store_registry_row_t *row)
{
    store_stmt_t *st = store_prepare(db, sql[entity_index(e)].get);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    buf_init(&row->text);
    if (rc == STORE_ROW)
        read_row(st, e, row);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* The region (column 0) or the name (column 1) of a live record into out. */
static int live_column(store_t *db, const registry_entity_t *e, int64_t id, int col, char *out, size_t cap)
{
    store_stmt_t *st = store_prepare(db, sql[entity_index(e)].region);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        snprintf(out, cap, "%s", store_col_text(st, col));
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_registry_region(store_t *db, const registry_entity_t *e, int64_t id, char region[13])
{
    return live_column(db, e, id, 0, region, 13);
}

int store_registry_name(store_t *db, const registry_entity_t *e, int64_t id, char *name, size_t cap)
{
    return live_column(db, e, id, 1, name, cap);
}

/* "%text%" with LIKE's wildcards escaped, for the trigram index. */
static char *like_pattern(const char *q)
{
    buf_t b;
    buf_init(&b);
    buf_addc(&b, '%');
    for (; *q; q++) {
        if (*q == '%' || *q == '_' || *q == '\\')
            buf_addc(&b, '\\');
        buf_addc(&b, *q);
    }
    buf_addc(&b, '%');
    return buf_detach(&b, NULL);
}

int store_registry_each(store_t *db, const registry_entity_t *e, const store_registry_filter_t *f,
                        int (*each)(const store_registry_row_t *row, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, sql[entity_index(e)].list[f->lo != NULL][f->q != NULL]);
    if (st == NULL)
        return STORE_ERR;
    char *pattern = f->q && e->search ? like_pattern(f->q) : NULL;
    store_bind_text(st, 1, f->lo);
    store_bind_text(st, 2, f->hi);
    store_bind_int(st, 3, f->after);
    store_bind_int(st, 4, f->limit);
    store_bind_text(st, 5, e->search ? pattern : f->q);
    if (!e->search)
        store_bind_text(st, 6, f->q);
    if (strcmp(e->name, "deputy") == 0)
        store_bind_int(st, 7, f->station_id);
    int rc = each_row(st, e, each, arg);
    free(pattern);
    return rc;
}

static void bind_value(store_stmt_t *st, int n, const registry_field_t *f, const registry_value_t *v)
{
    if ((!v->set || v->null) && f->kind == FIELD_TEXT)
        store_bind_text(st, n, ""); /* optional text is never NULL, only empty */
    else if (!v->set || v->null)
        store_bind_null(st, n);
    else if (f->kind == FIELD_INT || f->kind == FIELD_REF || f->kind == FIELD_BOOL)
        store_bind_int(st, n, v->i);
    else if (f->kind == FIELD_REAL)
        store_bind_real(st, n, v->d);
    else
        store_bind_text(st, n, v->text);
}

/* Runs one of the search-table statements with $1 = n. */
static int search_upkeep(store_t *db, const char *q, int64_t n)
{
    store_stmt_t *st = store_prepare(db, q);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, n);
    return store_run(st);
}

/* The record's searchable text, indexed afresh (a deleted record stays findable by nothing: lists
 * filter on deleted_at). */
static int reindex(store_t *db, const registry_entity_t *e, int64_t id)
{
    if (e->search == NULL)
        return STORE_OK;
    int rc = search_upkeep(db, sql[entity_index(e)].unindex, id);
    return rc ? rc : search_upkeep(db, sql[entity_index(e)].index_one, id);
}

int store_registry_max_id(store_t *db, const registry_entity_t *e, int64_t *max)
{
    store_stmt_t *st = store_prepare(db, sql[entity_index(e)].max_id);
    if (st == NULL)
        return STORE_ERR;
    int rc = store_step(st);
    if (rc == STORE_ROW)
        *max = store_col_int(st, 0);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : STORE_ERR;
}

int store_registry_index_from(store_t *db, const registry_entity_t *e, int64_t after_id)
{
    return e->search ? search_upkeep(db, sql[entity_index(e)].index_from, after_id) : STORE_OK;
}

int store_registry_insert(store_t *db, const registry_entity_t *e, const registry_value_t *values, int64_t now,
                          int64_t *id)
{
    int rc = store_registry_insert_unindexed(db, e, values, now, id);
    return rc ? rc : reindex(db, e, *id);
}

int store_registry_insert_unindexed(store_t *db, const registry_entity_t *e, const registry_value_t *values,
                                    int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(db, sql[entity_index(e)].insert);
    if (st == NULL)
        return STORE_ERR;
    for (int i = 0; i < e->nfields; i++)
        bind_value(st, i + 1, &e->fields[i], &values[i]);
    store_bind_int(st, e->nfields + 1, now);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_registry_update(store_t *db, const registry_entity_t *e, int64_t id, const registry_value_t *values,
                          int64_t now)
{
    store_stmt_t *st = store_prepare(db, sql[entity_index(e)].update);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    for (int i = 0; i < e->nfields; i++) {
        /* an emptied choice or yes/no keeps its value: it always holds one */
        field_kind_t k = e->fields[i].kind;
        store_bind_int(st, 2 * i + 2, values[i].set && !(values[i].null && (k == FIELD_CHOICE || k == FIELD_BOOL)));
        bind_value(st, 2 * i + 3, &e->fields[i], &values[i]);
    }
    store_bind_int(st, 2 * e->nfields + 2, now);
    int rc = store_run(st);
    if (rc == STORE_OK && store_changes(db) == 0)
        return STORE_ENOTFOUND;
    return rc ? rc : reindex(db, e, id);
}

int store_registry_delete(store_t *db, const registry_entity_t *e, int64_t id, int64_t now)
{
    store_stmt_t *st = store_prepare(db, sql[entity_index(e)].delete);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, now);
    int rc = store_run(st);
    return rc != STORE_OK ? rc : store_changes(db) ? STORE_OK : STORE_ENOTFOUND;
}

int store_deputy_set_stations(store_t *db, int64_t deputy_id, const int64_t *stations, int n)
{
    store_stmt_t *st = store_prepare(db, "DELETE FROM station_deputies WHERE deputy_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    int rc = store_run(st);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        st = store_prepare(db, "INSERT OR IGNORE INTO station_deputies (station_id, deputy_id) VALUES ($1, $2)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, stations[i]);
        store_bind_int(st, 2, deputy_id);
        rc = store_run(st);
    }
    return rc;
}

int store_deputy_stations(store_t *db, int64_t deputy_id, int (*each)(int64_t station_id, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT sd.station_id FROM station_deputies sd JOIN stations s ON"
                                         " s.id = sd.station_id WHERE sd.deputy_id = $1 AND s.deleted_at IS NULL"
                                         " ORDER BY sd.station_id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if (each(store_col_int(st, 0), arg))
            break;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_deputy_set_seats(store_t *db, int64_t deputy_id, const store_seat_t *seats, int n)
{
    store_stmt_t *st = store_prepare(db, "DELETE FROM deputy_seats WHERE deputy_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    int rc = store_run(st);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        st = store_prepare(db, "INSERT INTO deputy_seats (deputy_id, congress_id, district) VALUES ($1, $2, $3)"
                               " ON CONFLICT DO UPDATE SET district = excluded.district");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, deputy_id);
        store_bind_int(st, 2, seats[i].congress_id);
        store_bind_text(st, 3, seats[i].district ? seats[i].district : "");
        rc = store_run(st);
    }
    return rc;
}

int store_deputy_seats(store_t *db, int64_t deputy_id, int (*each)(const store_seat_t *seat, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT s.congress_id, c.level, c.name, s.district FROM deputy_seats s"
                                         " JOIN congresses c ON c.id = s.congress_id"
                                         " WHERE s.deputy_id = $1 AND c.deleted_at IS NULL ORDER BY c.level");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_seat_t seat = {store_col_int(st, 0), store_col_text(st, 3), (int)store_col_int(st, 1),
                             store_col_text(st, 2)};
        if (each(&seat, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* Steps a bound statement of (id, name) rows, handing each to each, and hands it back. */
static int each_id_name(store_stmt_t *st, int (*each)(int64_t id, const char *name, void *arg), void *arg)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if (each(store_col_int(st, 0), store_col_text(st, 1), arg))
            break;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_station_spokes(store_t *db, int64_t hub_id, int (*each)(int64_t id, const char *name, void *arg),
                         void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT id, name FROM stations WHERE hub_id = $1 AND deleted_at IS NULL"
                                         " ORDER BY id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, hub_id);
    return each_id_name(st, each, arg);
}

/* ---- link rules ---- */

static const registry_value_t *final_value(const store_registry_change_t *c, int i)
{
    return c->values[i].set || c->old == NULL ? &c->values[i] : &c->old->values[i];
}

static int invalid(const char **field, const char *name, char *msg, size_t len, const char *fmt, const char *detail)
{
    *field = name;
    snprintf(msg, len, fmt, name, detail);
    return STORE_EINVALID;
}

static int check_reference(store_t *db, const store_registry_change_t *c, int i, const char **field, char *msg,
                           size_t len)
{
    const registry_field_t *f = &c->e->fields[i];
    char region[13];
    int rc = store_registry_region(db, registry_entity(f->ref), c->values[i].i, region);
    if (rc == STORE_ENOTFOUND)
        return invalid(field, f->name, msg, len, "%s %s", "names no such record");
    if (rc != STORE_OK)
        return rc;
    const char *problem = registry_reference_problem(c->e, f->name, c->region, region);
    return problem ? invalid(field, f->name, msg, len, "%s %s", problem) : STORE_OK;
}

/* A spoke needs a hub, and a hub is a 代表联络站 or 代表之家 other than the station itself. */
static int check_station(store_t *db, const store_registry_change_t *c, const char **field, char *msg, size_t len)
{
    int kind = registry_field_index(c->e, "kind"), hub = registry_field_index(c->e, "hub_id");
    if (strcmp(final_value(c, kind)->text, "spoke") == 0 && final_value(c, hub)->null)
        return invalid(field, "hub_id", msg, len, "%s %s", "is required: a liaison point (spoke) needs its hub");
    if (!c->values[hub].set || c->values[hub].null)
        return STORE_OK;
    store_registry_row_t target;
    if (c->values[hub].i == c->id)
        return invalid(field, "hub_id", msg, len, "%s %s", "cannot name the station itself");
    int rc = store_registry_get(db, c->e, c->values[hub].i, &target);
    if (rc != STORE_OK)
        return rc == STORE_ENOTFOUND ? invalid(field, "hub_id", msg, len, "%s %s", "names no such station") : rc;
    const char *k = target.values[kind].text;
    bool ok = strcmp(k, "hub") == 0 || strcmp(k, "home") == 0;
    store_registry_row_free(&target);
    return ok ? STORE_OK
              : invalid(field, "hub_id", msg, len, "%s %s", "must name a liaison station (hub) or a deputies' home");
}

static int count_one(int64_t id, const char *name, void *arg)
{
    ++*(int *)arg;
    return 1;
}

int store_station_has_spokes(store_t *db, int64_t id, bool *has)
{
    int n = 0;
    int rc = store_station_spokes(db, id, count_one, &n);
    *has = n > 0;
    return rc;
}

/* A hub or home with live spokes stays one, or its spokes would hang from nothing. */
static int check_hub_kind(store_t *db, const store_registry_change_t *c, const char **field, char *msg, size_t len)
{
    int kind = registry_field_index(c->e, "kind");
    if (c->old == NULL || !c->values[kind].set || c->values[kind].null)
        return STORE_OK;
    const char *k = c->values[kind].text;
    if (strcmp(k, "hub") == 0 || strcmp(k, "home") == 0)
        return STORE_OK;
    bool has;
    int rc = store_station_has_spokes(db, c->id, &has);
    if (rc != STORE_OK)
        return rc;
    return has ? invalid(field, "kind", msg, len, "%s %s", "cannot change while liaison points hang from this station")
               : STORE_OK;
}

typedef struct {
    int64_t ids[64];
    int n;
} id_list_t;

static int collect_id(int64_t id, void *arg)
{
    id_list_t *l = arg;
    if (l->n < 64)
        l->ids[l->n++] = id;
    return 0;
}

static int check_deputy(store_t *db, const store_registry_change_t *c, const char **field, char *msg, size_t len)
{
    char region[13];
    const int64_t *stations = c->stations;
    int nstations = c->nstations;
    id_list_t stored = {.n = 0};
    if (stations == NULL && c->old) { /* a deputy who moves must still lie over their stations */
        int rc = store_deputy_stations(db, c->id, collect_id, &stored);
        if (rc != STORE_OK)
            return rc;
        stations = stored.ids;
        nstations = stored.n;
    }
    for (int i = 0; i < nstations; i++) {
        int rc = store_registry_region(db, registry_entity("station"), stations[i], region);
        if (rc != STORE_OK && rc != STORE_ENOTFOUND)
            return rc;
        const char *problem = rc ? "names no such station" : registry_station_problem(c->region, region);
        if (problem)
            return invalid(field, c->stations ? "stations" : "region", msg, len, "%s %s", problem);
    }
    for (int i = 0; i < c->nseats; i++) {
        int rc = store_registry_region(db, registry_entity("congress"), c->seats[i].congress_id, region);
        if (rc != STORE_OK)
            return rc == STORE_ENOTFOUND ? invalid(field, "seats", msg, len, "%s %s", "names no such congress") : rc;
        /* an office seats its deputies in the congresses over its region or inside it (the national
         * one has no region), never in a neighbour's */
        if (c->scope && region[0] && !region_in_scope(c->scope, region) && !region_in_scope(region, c->scope))
            return invalid(field, "seats", msg, len, "%s %s", "names a congress outside your region");
    }
    return STORE_OK;
}

int store_registry_check_links(store_t *db, const store_registry_change_t *c, const char **field, char *msg,
                               size_t msglen)
{
    const registry_entity_t *e = c->e;
    const registry_value_t *was = c->old ? &c->old->values[registry_region_field(e)] : NULL;
    bool moved = was && strcmp(was->null ? "" : was->text, c->region) != 0;
    for (int i = 0; i < e->nfields; i++) {
        /* a reference given now, or any kept one when the record moves */
        const registry_value_t *v = final_value(c, i);
        if (e->fields[i].kind != FIELD_REF || v->null || !(c->values[i].set || moved))
            continue;
        store_registry_change_t kept = *c;
        registry_value_t values[REGISTRY_MAX_FIELDS];
        memcpy(values, c->values, sizeof(values[0]) * (size_t)e->nfields);
        values[i] = *v;
        kept.values = values;
        int rc = check_reference(db, &kept, i, field, msg, msglen);
        if (rc != STORE_OK)
            return rc;
    }
    if (moved && strcmp(e->name, "station") == 0 && strncmp(was->text, c->region, 6) != 0) {
        bool has = false;
        int rc = store_station_has_spokes(db, c->id, &has);
        if (rc != STORE_OK)
            return rc;
        if (has)
            return invalid(field, "region", msg, msglen, "%s %s",
                           "cannot move to another county while liaison points hang from this station");
    }
    if (strcmp(e->name, "station") == 0) {
        int rc = check_station(db, c, field, msg, msglen);
        return rc ? rc : check_hub_kind(db, c, field, msg, msglen);
    }
    if (strcmp(e->name, "deputy") == 0)
        return check_deputy(db, c, field, msg, msglen);
    if (strcmp(e->name, "congress") == 0) {
        const char *problem = registry_congress_problem(final_value(c, registry_field_index(e, "level"))->i, c->region);
        return problem ? invalid(field, "region", msg, msglen, "%s: %s", problem) : STORE_OK;
    }
    return STORE_OK;
}

int store_registry_near(store_t *db, const registry_entity_t *e, double lat, double lng, const char *lo,
                        const char *hi, int limit, int (*each)(const store_registry_row_t *row, void *arg), void *arg)
{
    if (registry_field_index(e, "latitude") < 0)
        return STORE_ERR;
    store_stmt_t *st = store_prepare(db, sql[entity_index(e)].near);
    if (st == NULL)
        return STORE_ERR;
    double shrink = cos(lat * M_PI / 180.0);
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    store_bind_real(st, 3, lat);
    store_bind_real(st, 4, lng);
    store_bind_real(st, 5, shrink * shrink);
    store_bind_int(st, 6, limit);
    return each_row(st, e, each, arg);
}

int store_station_deputies(store_t *db, int64_t station_id, int (*each)(int64_t id, const char *name, void *arg),
                           void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT d.id, d.name FROM station_deputies sd JOIN deputies d"
                                         " ON d.id = sd.deputy_id WHERE sd.station_id = $1 AND d.deleted_at IS NULL"
                                         " ORDER BY sd.deputy_id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, station_id);
    return each_id_name(st, each, arg);
}
