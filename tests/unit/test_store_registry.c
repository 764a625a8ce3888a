/*
 * test_store_registry: the registry's SQL (src/store/registry.c) and the region table
 * (src/store/regions.c) on a real migrated SQLite file. A record reads back as written; an
 * update changes only what it names; a delete hides the record but keeps its row; lists filter
 * by region subtree, by text (Chinese, two characters and more) and by station, and page by id;
 * a deputy's stations and seats are replaced as sets; every link rule is checked before a write;
 * importing a region twice never duplicates it, and a renamed region is renamed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/region.h"
#include "domain/registry.h"
#include "store/migrations.h"
#include "store/regions.h"
#include "store/registry.h"
#include "store/store.h"

/* Real places: 贵州省 > 六盘水市 > 钟山区 > 黄土坡街道 > 一个社区; 六枝特区 next door. */
#define PROVINCE "520000000000"
#define CITY "520200000000"
#define COUNTY "520201000000"
#define TOWNSHIP "520201011000"
#define VILLAGE "520201011001"
#define SIBLING_TOWNSHIP "520201012000"
#define NEIGHBOUR "520203000000"
#define NEIGHBOUR_TOWNSHIP "520203001000"

#define NOW 1700000000

typedef struct {
    char dir[64], path[128];
    store_t *db;
} fixture_t;

static int64_t query_int(store_t *db, const char *sql, int64_t id)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        fail_msg("%s: %s", sql, store_errmsg(db));
    if (strstr(sql, "$1"))
        store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc != STORE_ROW)
        fail_msg("%s: no row (%d)", sql, rc);
    int64_t v = store_col_null(st, 0) ? -1 : store_col_int(st, 0);
    store_done(st);
    return v;
}

static void region(store_t *db, const char *code, const char *name, const char *parent)
{
    int rc = store_region_upsert(db, code, name, parent, (int)region_level(code));
    if (rc != STORE_OK)
        fail_msg("region %s: %s", code, store_errmsg(db));
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/liaison-test-registry-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/liaison.db", f->dir);
    char err[512] = "";
    int applied;
    if (store_open(&f->db, f->path, STORE_READ_WRITE, err, sizeof(err)) != STORE_OK ||
        store_migrate(f->db, &applied, err, sizeof(err)) != STORE_OK) {
        fprintf(stderr, "cannot make a database: %s\n", err);
        return -1;
    }
    store_registry_init();
    region(f->db, PROVINCE, "贵州省", NULL);
    region(f->db, CITY, "六盘水市", PROVINCE);
    region(f->db, COUNTY, "钟山区", CITY);
    region(f->db, TOWNSHIP, "黄土坡街道", COUNTY);
    region(f->db, VILLAGE, "德坞社区", TOWNSHIP);
    region(f->db, SIBLING_TOWNSHIP, "红岩街道", COUNTY);
    region(f->db, NEIGHBOUR, "六枝特区", CITY);
    region(f->db, NEIGHBOUR_TOWNSHIP, "平寨镇", NEIGHBOUR);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    store_close(f->db);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

/* ---- building values ---- */

static int index_of(const registry_entity_t *e, const char *name)
{
    int i = registry_field_index(e, name);
    if (i < 0)
        fail_msg("%s has no field %s", e->name, name);
    return i;
}

/* Sets name/text pairs (NULL-terminated; texts must outlive the values) on a zeroed array. */
static void vfill(const registry_entity_t *e, registry_value_t *values, va_list ap)
{
    memset(values, 0, sizeof(registry_value_t) * REGISTRY_MAX_FIELDS);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *text = va_arg(ap, const char *);
        int i = index_of(e, name);
        const char *problem = registry_parse(&e->fields[i], text, &values[i]);
        if (problem)
            fail_msg("%s.%s = %s: %s", e->name, name, text, problem);
    }
}

/* Inserts a new record from name/text pairs, with defaults; returns its id. */
static int64_t insert(store_t *db, const char *entity, ...)
{
    const registry_entity_t *e = registry_entity(entity);
    registry_value_t values[REGISTRY_MAX_FIELDS];
    va_list ap;
    va_start(ap, entity);
    vfill(e, values, ap);
    va_end(ap);
    assert_null(registry_missing(e, values));
    registry_defaults(e, values);
    int64_t id = 0;
    int rc = store_registry_insert(db, e, values, NOW, &id);
    if (rc != STORE_OK)
        fail_msg("insert %s: %d %s", entity, rc, store_errmsg(db));
    assert_true(id > 0);
    return id;
}

static int update(store_t *db, const char *entity, int64_t id, int64_t now, ...)
{
    const registry_entity_t *e = registry_entity(entity);
    registry_value_t values[REGISTRY_MAX_FIELDS];
    va_list ap;
    va_start(ap, now);
    vfill(e, values, ap);
    va_end(ap);
    return store_registry_update(db, e, id, values, now);
}

static const registry_value_t *value(const store_registry_row_t *row, const char *entity, const char *name)
{
    return &row->values[index_of(registry_entity(entity), name)];
}

/* ---- listing ---- */

typedef struct {
    int64_t ids[64];
    int n;
} ids_t;

static int collect(const store_registry_row_t *row, void *arg)
{
    ids_t *ids = arg;
    if (ids->n < 64)
        ids->ids[ids->n++] = row->id;
    return 0;
}

static ids_t list(store_t *db, const char *entity, const char *subtree, const char *q, int64_t after, int limit,
                  int64_t station)
{
    char hi[REGION_CODE_LEN + 2];
    store_registry_filter_t f = {.q = q, .after = after, .limit = limit, .station_id = station};
    if (subtree) {
        region_subtree_upper(subtree, hi);
        f.lo = subtree;
        f.hi = hi;
    }
    ids_t ids = {{0}, 0};
    int rc = store_registry_each(db, registry_entity(entity), &f, collect, &ids);
    if (rc != STORE_OK)
        fail_msg("list %s: %d %s", entity, rc, store_errmsg(db));
    return ids;
}

/* Asserts the list holds exactly the given ids (0-terminated), in order. */
static void expect_ids(ids_t got, const int64_t *want, const char *what)
{
    int n = 0;
    while (want[n])
        n++;
    bool same = got.n == n;
    for (int i = 0; same && i < n; i++)
        same = got.ids[i] == want[i];
    if (!same) {
        fprintf(stderr, "%s: expected", what);
        for (int i = 0; i < n; i++)
            fprintf(stderr, " %lld", (long long)want[i]);
        fprintf(stderr, ", got");
        for (int i = 0; i < got.n; i++)
            fprintf(stderr, " %lld", (long long)got.ids[i]);
        fprintf(stderr, "\n");
        fail();
    }
}

#define IDS(...) ((const int64_t[]){__VA_ARGS__, 0})
#define NONE ((const int64_t[]){0})

/* ---- the tests ---- */

static void a_station_reads_back_with_every_field_it_was_given(void **state)
{
    fixture_t *f = *state;
    int64_t id = insert(f->db, "station", "name", "黄土坡街道代表联络站", "kind", "hub", "region", TOWNSHIP, "address",
                        "钟山区黄土坡街道办事处二楼", "latitude", "26.5847", "longitude", "104.8431", "hours",
                        "周一至周五 9:00-17:00", NULL);
    store_registry_row_t row;
    assert_int_equal(store_registry_get(f->db, registry_entity("station"), id, &row), STORE_OK);
    assert_int_equal(row.id, id);
    assert_string_equal(value(&row, "station", "name")->text, "黄土坡街道代表联络站");
    assert_string_equal(value(&row, "station", "kind")->text, "hub");
    assert_string_equal(value(&row, "station", "region")->text, TOWNSHIP);
    assert_string_equal(value(&row, "station", "address")->text, "钟山区黄土坡街道办事处二楼");
    assert_float_equal(value(&row, "station", "latitude")->d, 26.5847, 1e-9);
    assert_float_equal(value(&row, "station", "longitude")->d, 104.8431, 1e-9);
    assert_true(value(&row, "station", "hub_id")->null);
    assert_string_equal(value(&row, "station", "contact_name")->text, "");
    assert_false(value(&row, "station", "contact_name")->null);
    assert_int_equal(row.created_at, NOW);
    assert_int_equal(row.updated_at, NOW);
    store_registry_row_free(&row);

    char where[13];
    assert_int_equal(store_registry_region(f->db, registry_entity("station"), id, where), STORE_OK);
    assert_string_equal(where, TOWNSHIP);
}

static void a_record_in_a_region_that_does_not_exist_is_refused(void **state)
{
    fixture_t *f = *state;
    const registry_entity_t *e = registry_entity("unit");
    registry_value_t values[REGISTRY_MAX_FIELDS];
    memset(values, 0, sizeof(values));
    registry_parse(&e->fields[index_of(e, "name")], "区住建局", &values[index_of(e, "name")]);
    registry_parse(&e->fields[index_of(e, "region")], "520201099000", &values[index_of(e, "region")]);
    registry_defaults(e, values);
    int64_t id = 0;
    assert_int_equal(store_registry_insert(f->db, e, values, NOW, &id), STORE_ECONSTRAINT);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM units", 0), 0);
}

static void an_update_changes_only_the_fields_it_names(void **state)
{
    fixture_t *f = *state;
    int64_t id = insert(f->db, "station", "name", "荷城街道代表联络站", "kind", "hub", "region", COUNTY, "address",
                        "旧地址", "latitude", "26.5", "hours", "周一", NULL);
    assert_int_equal(update(f->db, "station", id, NOW + 60, "address", "荷城街道新址3号", NULL), STORE_OK);
    store_registry_row_t row;
    assert_int_equal(store_registry_get(f->db, registry_entity("station"), id, &row), STORE_OK);
    assert_string_equal(value(&row, "station", "address")->text, "荷城街道新址3号");
    assert_string_equal(value(&row, "station", "name")->text, "荷城街道代表联络站");
    assert_string_equal(value(&row, "station", "kind")->text, "hub");
    assert_string_equal(value(&row, "station", "hours")->text, "周一");
    assert_float_equal(value(&row, "station", "latitude")->d, 26.5, 1e-9);
    assert_int_equal(row.created_at, NOW);
    assert_int_equal(row.updated_at, NOW + 60);
    store_registry_row_free(&row);

    /* a field set to null is cleared; the others still stay */
    assert_int_equal(update(f->db, "station", id, NOW + 120, "latitude", "", NULL), STORE_OK);
    assert_int_equal(store_registry_get(f->db, registry_entity("station"), id, &row), STORE_OK);
    assert_true(value(&row, "station", "latitude")->null);
    assert_string_equal(value(&row, "station", "address")->text, "荷城街道新址3号");
    store_registry_row_free(&row);

    /* an optional text emptied is "", never NULL (its column is NOT NULL) */
    assert_int_equal(update(f->db, "station", id, NOW + 150, "hours", "", NULL), STORE_OK);
    assert_int_equal(store_registry_get(f->db, registry_entity("station"), id, &row), STORE_OK);
    assert_string_equal(value(&row, "station", "hours")->text, "");
    assert_string_equal(value(&row, "station", "address")->text, "荷城街道新址3号");
    store_registry_row_free(&row);

    /* the search index follows the new name */
    assert_int_equal(update(f->db, "station", id, NOW + 180, "name", "荷泉街道代表联络站", NULL), STORE_OK);
    expect_ids(list(f->db, "station", NULL, "荷泉", 0, 10, 0), IDS(id), "search after a rename, new name");
    expect_ids(list(f->db, "station", NULL, "荷城街道代表", 0, 10, 0), NONE, "search after a rename, old name");
}

static void updating_or_deleting_a_record_that_does_not_exist_is_not_found(void **state)
{
    fixture_t *f = *state;
    store_registry_row_t row;
    assert_int_equal(store_registry_get(f->db, registry_entity("deputy"), 999, &row), STORE_ENOTFOUND);
    store_registry_row_free(&row);
    assert_int_equal(update(f->db, "deputy", 999, NOW, "name", "王五", NULL), STORE_ENOTFOUND);
    assert_int_equal(store_registry_delete(f->db, registry_entity("deputy"), 999, NOW), STORE_ENOTFOUND);
    char where[13];
    assert_int_equal(store_registry_region(f->db, registry_entity("deputy"), 999, where), STORE_ENOTFOUND);
}

static void a_deleted_record_vanishes_from_reads_but_its_row_stays(void **state)
{
    fixture_t *f = *state;
    const registry_entity_t *unit = registry_entity("unit");
    int64_t keep = insert(f->db, "unit", "name", "区教育局", "region", COUNTY, NULL);
    int64_t gone = insert(f->db, "unit", "name", "区住建局", "region", COUNTY, NULL);
    assert_int_equal(store_registry_delete(f->db, unit, gone, NOW + 5), STORE_OK);

    store_registry_row_t row;
    assert_int_equal(store_registry_get(f->db, unit, gone, &row), STORE_ENOTFOUND);
    store_registry_row_free(&row);
    char where[13];
    assert_int_equal(store_registry_region(f->db, unit, gone, where), STORE_ENOTFOUND);
    expect_ids(list(f->db, "unit", NULL, NULL, 0, 10, 0), IDS(keep), "units after a delete");
    expect_ids(list(f->db, "unit", NULL, "住建", 0, 10, 0), NONE, "search for the deleted unit");
    /* the row is still there, marked */
    assert_int_equal(query_int(f->db, "SELECT deleted_at FROM units WHERE id = $1", gone), NOW + 5);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM units", 0), 2);
    /* and cannot be deleted or changed again */
    assert_int_equal(store_registry_delete(f->db, unit, gone, NOW + 6), STORE_ENOTFOUND);
    assert_int_equal(update(f->db, "unit", gone, NOW + 7, "name", "区住建局（新）", NULL), STORE_ENOTFOUND);
    assert_int_equal(query_int(f->db, "SELECT deleted_at FROM units WHERE id = $1", gone), NOW + 5);
}

static void lists_keep_to_a_region_subtree(void **state)
{
    fixture_t *f = *state;
    int64_t county = insert(f->db, "station", "name", "钟山区代表之家", "kind", "home", "region", COUNTY, NULL);
    int64_t town = insert(f->db, "station", "name", "黄土坡街道代表联络站", "kind", "hub", "region", TOWNSHIP, NULL);
    char hub[24];
    snprintf(hub, sizeof(hub), "%lld", (long long)town);
    int64_t village =
        insert(f->db, "station", "name", "德坞社区代表联络点", "kind", "spoke", "region", VILLAGE, "hub_id", hub, NULL);
    int64_t sibling =
        insert(f->db, "station", "name", "红岩街道代表联络站", "kind", "hub", "region", SIBLING_TOWNSHIP, NULL);
    int64_t neighbour = insert(f->db, "station", "name", "六枝特区代表之家", "kind", "home", "region", NEIGHBOUR, NULL);
    expect_ids(list(f->db, "station", NULL, NULL, 0, 50, 0), IDS(county, town, village, sibling, neighbour),
               "everywhere");
    expect_ids(list(f->db, "station", CITY, NULL, 0, 50, 0), IDS(county, town, village, sibling, neighbour),
               "the city");
    expect_ids(list(f->db, "station", COUNTY, NULL, 0, 50, 0), IDS(county, town, village, sibling), "钟山区");
    expect_ids(list(f->db, "station", TOWNSHIP, NULL, 0, 50, 0), IDS(town, village), "黄土坡街道");
    expect_ids(list(f->db, "station", VILLAGE, NULL, 0, 50, 0), IDS(village), "德坞社区");
    expect_ids(list(f->db, "station", NEIGHBOUR, NULL, 0, 50, 0), IDS(neighbour), "六枝特区");
    expect_ids(list(f->db, "station", NEIGHBOUR_TOWNSHIP, NULL, 0, 50, 0), NONE, "平寨镇");
}

static void lists_page_by_id_after_the_last_one_seen(void **state)
{
    fixture_t *f = *state;
    int64_t ids[7];
    const char *names[7] = {"一号联络站", "二号联络站", "三号联络站", "四号联络站",
                            "五号联络站", "六号联络站", "七号联络站"};
    for (int i = 0; i < 7; i++)
        ids[i] = insert(f->db, "station", "name", names[i], "kind", "hub", "region", COUNTY, NULL);
    expect_ids(list(f->db, "station", NULL, NULL, 0, 3, 0), IDS(ids[0], ids[1], ids[2]), "page 1");
    expect_ids(list(f->db, "station", NULL, NULL, ids[2], 3, 0), IDS(ids[3], ids[4], ids[5]), "page 2");
    expect_ids(list(f->db, "station", NULL, NULL, ids[5], 3, 0), IDS(ids[6]), "page 3");
    expect_ids(list(f->db, "station", NULL, NULL, ids[6], 3, 0), NONE, "past the end");
    /* a record deleted between pages does not shift the next page */
    assert_int_equal(store_registry_delete(f->db, registry_entity("station"), ids[1], NOW), STORE_OK);
    expect_ids(list(f->db, "station", NULL, NULL, ids[2], 3, 0), IDS(ids[3], ids[4], ids[5]), "page 2 again");
    expect_ids(list(f->db, "station", NULL, NULL, 0, 3, 0), IDS(ids[0], ids[2], ids[3]), "page 1 again");
}

static void text_search_finds_chinese_substrings_of_two_characters_and_more(void **state)
{
    fixture_t *f = *state;
    int64_t a = insert(f->db, "station", "name", "黄土坡街道代表联络站", "kind", "hub", "region", TOWNSHIP, "address",
                       "钟山大道88号", NULL);
    int64_t b = insert(f->db, "station", "name", "红岩街道代表联络站", "kind", "hub", "region", SIBLING_TOWNSHIP, NULL);
    int64_t c = insert(f->db, "station", "name", "钟山区代表之家", "kind", "home", "region", COUNTY, NULL);
    expect_ids(list(f->db, "station", NULL, "黄土", 0, 10, 0), IDS(a), "2 characters");
    expect_ids(list(f->db, "station", NULL, "街道", 0, 10, 0), IDS(a, b), "2 characters, two matches");
    expect_ids(list(f->db, "station", NULL, "红岩街道", 0, 10, 0), IDS(b), "4 characters");
    expect_ids(list(f->db, "station", NULL, "代表之家", 0, 10, 0), IDS(c), "4 characters");
    expect_ids(list(f->db, "station", NULL, "联络站", 0, 10, 0), IDS(a, b), "3 characters");
    expect_ids(list(f->db, "station", NULL, "大道88", 0, 10, 0), IDS(a), "the address counts too");
    expect_ids(list(f->db, "station", NULL, "钟山", 0, 10, 0), IDS(a, c), "name or address");
    expect_ids(list(f->db, "station", NULL, "遵义", 0, 10, 0), NONE, "no match");
    expect_ids(list(f->db, "station", NULL, "%", 0, 10, 0), NONE, "LIKE's wildcard is a plain character");
    expect_ids(list(f->db, "station", NULL, "_", 0, 10, 0), NONE, "LIKE's other wildcard too");
    expect_ids(list(f->db, "station", TOWNSHIP, "街道", 0, 10, 0), IDS(a), "text inside a subtree");

    int64_t d1 =
        insert(f->db, "deputy", "name", "张晓明", "gender", "male", "region", COUNTY, "occupation", "煤矿工人", NULL);
    int64_t d2 =
        insert(f->db, "deputy", "name", "李明", "gender", "female", "region", COUNTY, "occupation", "教师", NULL);
    expect_ids(list(f->db, "deputy", NULL, "明", 0, 10, 0), IDS(d1, d2), "1 character");
    expect_ids(list(f->db, "deputy", NULL, "晓明", 0, 10, 0), IDS(d1), "2 characters of a name");
    expect_ids(list(f->db, "deputy", NULL, "煤矿", 0, 10, 0), IDS(d1), "the occupation counts");

    /* entities without a search table match their name */
    int64_t u1 = insert(f->db, "unit", "name", "钟山区住房和城乡建设局", "region", COUNTY, NULL);
    int64_t u2 = insert(f->db, "unit", "name", "钟山区教育局", "region", COUNTY, NULL);
    expect_ids(list(f->db, "unit", NULL, "住房", 0, 10, 0), IDS(u1), "a unit by 2 characters");
    expect_ids(list(f->db, "unit", NULL, "钟山区", 0, 10, 0), IDS(u1, u2), "units by 3 characters");
    expect_ids(list(f->db, "unit", NULL, "%", 0, 10, 0), NONE, "no wildcard in units either");
}

static void deputies_are_listed_by_station(void **state)
{
    fixture_t *f = *state;
    int64_t s1 = insert(f->db, "station", "name", "黄土坡街道代表联络站", "kind", "hub", "region", TOWNSHIP, NULL);
    int64_t s2 =
        insert(f->db, "station", "name", "红岩街道代表联络站", "kind", "hub", "region", SIBLING_TOWNSHIP, NULL);
    int64_t d1 = insert(f->db, "deputy", "name", "张三", "gender", "male", "region", COUNTY, NULL);
    int64_t d2 = insert(f->db, "deputy", "name", "李四", "gender", "female", "region", COUNTY, NULL);
    int64_t d3 = insert(f->db, "deputy", "name", "王五", "gender", "male", "region", COUNTY, NULL);
    assert_int_equal(store_deputy_set_stations(f->db, d1, (int64_t[]){s1, s2}, 2), STORE_OK);
    assert_int_equal(store_deputy_set_stations(f->db, d3, (int64_t[]){s1}, 1), STORE_OK);
    expect_ids(list(f->db, "deputy", NULL, NULL, 0, 10, s1), IDS(d1, d3), "deputies of station 1");
    expect_ids(list(f->db, "deputy", NULL, NULL, 0, 10, s2), IDS(d1), "deputies of station 2");
    expect_ids(list(f->db, "deputy", NULL, NULL, 0, 10, 0), IDS(d1, d2, d3), "every deputy");
    expect_ids(list(f->db, "deputy", NULL, "王五", 0, 10, s1), IDS(d3), "by station and name");
    assert_int_equal(store_registry_delete(f->db, registry_entity("deputy"), d3, NOW), STORE_OK);
    expect_ids(list(f->db, "deputy", NULL, NULL, 0, 10, s1), IDS(d1), "a deleted deputy leaves the station's list");
}

static int collect_station(int64_t id, void *arg)
{
    ids_t *ids = arg;
    ids->ids[ids->n++] = id;
    return 0;
}

static ids_t stations_of(store_t *db, int64_t deputy)
{
    ids_t ids = {{0}, 0};
    assert_int_equal(store_deputy_stations(db, deputy, collect_station, &ids), STORE_OK);
    return ids;
}

static void a_deputys_stations_are_replaced_as_a_set(void **state)
{
    fixture_t *f = *state;
    int64_t s1 = insert(f->db, "station", "name", "一号站", "kind", "hub", "region", COUNTY, NULL);
    int64_t s2 = insert(f->db, "station", "name", "二号站", "kind", "hub", "region", COUNTY, NULL);
    int64_t s3 = insert(f->db, "station", "name", "三号站", "kind", "online", "region", COUNTY, NULL);
    int64_t d = insert(f->db, "deputy", "name", "赵六", "gender", "female", "region", COUNTY, NULL);
    expect_ids(stations_of(f->db, d), NONE, "a new deputy");
    assert_int_equal(store_deputy_set_stations(f->db, d, (int64_t[]){s3, s1, s1}, 3), STORE_OK);
    expect_ids(stations_of(f->db, d), IDS(s1, s3), "two stations (one given twice)");
    assert_int_equal(store_deputy_set_stations(f->db, d, (int64_t[]){s2}, 1), STORE_OK);
    expect_ids(stations_of(f->db, d), IDS(s2), "replaced by one");
    assert_int_equal(store_deputy_set_stations(f->db, d, (int64_t[]){s1, s2}, 2), STORE_OK);
    assert_int_equal(store_registry_delete(f->db, registry_entity("station"), s1, NOW), STORE_OK);
    expect_ids(stations_of(f->db, d), IDS(s2), "a deleted station is not shown");
    assert_int_equal(store_deputy_set_stations(f->db, d, NULL, 0), STORE_OK);
    expect_ids(stations_of(f->db, d), NONE, "emptied");
    /* a station that does not exist is refused by the foreign key */
    assert_int_equal(store_deputy_set_stations(f->db, d, (int64_t[]){9999}, 1), STORE_ECONSTRAINT);
}

typedef struct {
    int n;
    int64_t congress[8];
    int level[8];
    char name[8][128], district[8][128];
} seats_t;

static int collect_seat(const store_seat_t *seat, void *arg)
{
    seats_t *s = arg;
    s->congress[s->n] = seat->congress_id;
    s->level[s->n] = seat->level;
    snprintf(s->name[s->n], sizeof(s->name[0]), "%s", seat->name);
    snprintf(s->district[s->n], sizeof(s->district[0]), "%s", seat->district);
    s->n++;
    return 0;
}

static void a_deputys_seats_name_their_congress_level_and_district(void **state)
{
    fixture_t *f = *state;
    int64_t county = insert(f->db, "congress", "level", "4", "region", COUNTY, "term", "9", "name",
                            "钟山区第九届人民代表大会", NULL);
    int64_t city = insert(f->db, "congress", "level", "3", "region", CITY, "term", "9", "name",
                          "六盘水市第九届人民代表大会", NULL);
    int64_t national = insert(f->db, "congress", "level", "1", "term", "14", "name", "第十四届全国人民代表大会", NULL);
    char where[13] = "x";
    assert_int_equal(store_registry_region(f->db, registry_entity("congress"), national, where), STORE_OK);
    assert_string_equal(where, ""); /* the national congress has no region */

    int64_t d = insert(f->db, "deputy", "name", "孙七", "gender", "male", "region", COUNTY, NULL);
    store_seat_t seats[] = {{county, "黄土坡选区", 0, NULL}, {city, "钟山区代表团", 0, NULL}};
    assert_int_equal(store_deputy_set_seats(f->db, d, seats, 2), STORE_OK);
    seats_t got = {0};
    assert_int_equal(store_deputy_seats(f->db, d, collect_seat, &got), STORE_OK);
    assert_int_equal(got.n, 2);
    /* by level: the city congress (3) before the county one (4) */
    assert_int_equal(got.congress[0], city);
    assert_int_equal(got.level[0], 3);
    assert_string_equal(got.name[0], "六盘水市第九届人民代表大会");
    assert_string_equal(got.district[0], "钟山区代表团");
    assert_int_equal(got.congress[1], county);
    assert_int_equal(got.level[1], 4);
    assert_string_equal(got.district[1], "黄土坡选区");

    store_seat_t one[] = {{county, "红岩选区", 0, NULL}};
    assert_int_equal(store_deputy_set_seats(f->db, d, one, 1), STORE_OK);
    memset(&got, 0, sizeof(got));
    assert_int_equal(store_deputy_seats(f->db, d, collect_seat, &got), STORE_OK);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.congress[0], county);
    assert_string_equal(got.district[0], "红岩选区");

    assert_int_equal(store_registry_delete(f->db, registry_entity("congress"), county, NOW), STORE_OK);
    memset(&got, 0, sizeof(got));
    assert_int_equal(store_deputy_seats(f->db, d, collect_seat, &got), STORE_OK);
    assert_int_equal(got.n, 0); /* a deleted congress holds no seats */
}

static void a_second_congress_of_the_same_level_region_and_term_conflicts(void **state)
{
    fixture_t *f = *state;
    insert(f->db, "congress", "level", "4", "region", COUNTY, "term", "9", "name", "钟山区第九届人民代表大会", NULL);
    const registry_entity_t *e = registry_entity("congress");
    registry_value_t values[REGISTRY_MAX_FIELDS];
    memset(values, 0, sizeof(values));
    registry_parse(&e->fields[index_of(e, "level")], "4", &values[index_of(e, "level")]);
    registry_parse(&e->fields[index_of(e, "region")], COUNTY, &values[index_of(e, "region")]);
    registry_parse(&e->fields[index_of(e, "term")], "9", &values[index_of(e, "term")]);
    registry_parse(&e->fields[index_of(e, "name")], "重复", &values[index_of(e, "name")]);
    registry_defaults(e, values);
    int64_t id;
    assert_int_equal(store_registry_insert(f->db, e, values, NOW, &id), STORE_ECONSTRAINT);
}

typedef struct {
    int n;
    int64_t ids[16];
    char names[16][128];
} refs_t;

static int collect_ref(int64_t id, const char *name, void *arg)
{
    refs_t *r = arg;
    r->ids[r->n] = id;
    snprintf(r->names[r->n], sizeof(r->names[0]), "%s", name);
    r->n++;
    return 0;
}

static void a_hub_lists_its_live_spokes(void **state)
{
    fixture_t *f = *state;
    int64_t hub = insert(f->db, "station", "name", "黄土坡街道代表联络站", "kind", "hub", "region", TOWNSHIP, NULL);
    char hub_text[24];
    snprintf(hub_text, sizeof(hub_text), "%lld", (long long)hub);
    int64_t a = insert(f->db, "station", "name", "德坞社区联络点", "kind", "spoke", "region", VILLAGE, "hub_id",
                       hub_text, NULL);
    int64_t b = insert(f->db, "station", "name", "水西社区联络点", "kind", "spoke", "region", TOWNSHIP, "hub_id",
                       hub_text, NULL);
    int64_t c =
        insert(f->db, "station", "name", "已撤销联络点", "kind", "spoke", "region", TOWNSHIP, "hub_id", hub_text, NULL);
    insert(f->db, "station", "name", "红岩街道代表联络站", "kind", "hub", "region", SIBLING_TOWNSHIP, NULL);
    assert_int_equal(store_registry_delete(f->db, registry_entity("station"), c, NOW), STORE_OK);
    refs_t got = {0};
    assert_int_equal(store_station_spokes(f->db, hub, collect_ref, &got), STORE_OK);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.ids[0], a);
    assert_string_equal(got.names[0], "德坞社区联络点");
    assert_int_equal(got.ids[1], b);
    assert_string_equal(got.names[1], "水西社区联络点");
}

/* ---- regions ---- */

typedef struct {
    int n;
    char codes[16][13];
    char names[16][200];
} regions_t;

static int collect_region(const store_region_t *r, void *arg)
{
    regions_t *g = arg;
    if (g->n < 16) {
        snprintf(g->codes[g->n], 13, "%s", r->code);
        snprintf(g->names[g->n], 200, "%s", r->name);
        g->n++;
    }
    return 0;
}

static void importing_a_region_twice_never_duplicates_it(void **state)
{
    fixture_t *f = *state;
    int64_t before = query_int(f->db, "SELECT count(*) FROM regions", 0);
    region(f->db, COUNTY, "钟山区", CITY);
    assert_int_equal(store_changes(f->db), 0); /* nothing changed, nothing written */
    region(f->db, PROVINCE, "贵州省", NULL);
    assert_int_equal(store_changes(f->db), 0);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM regions", 0), before);
    assert_int_equal(store_region_exists(f->db, COUNTY), STORE_OK);
    assert_int_equal(store_region_exists(f->db, "520201099000"), STORE_ENOTFOUND);
}

static void a_renamed_region_is_renamed_in_place(void **state)
{
    fixture_t *f = *state;
    int64_t before = query_int(f->db, "SELECT count(*) FROM regions", 0);
    region(f->db, VILLAGE, "德坞社区居委会", TOWNSHIP);
    assert_int_equal(store_changes(f->db), 1);
    store_region_t r;
    assert_int_equal(store_region_get(f->db, VILLAGE, &r), STORE_OK);
    assert_string_equal(r.name, "德坞社区居委会");
    assert_string_equal(r.parent, TOWNSHIP);
    assert_int_equal(r.level, 5);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM regions", 0), before);

    /* re-parented (a township moved between counties keeps its code here only as a test) */
    region(f->db, VILLAGE, "德坞社区居委会", SIBLING_TOWNSHIP);
    assert_int_equal(store_region_get(f->db, VILLAGE, &r), STORE_OK);
    assert_string_equal(r.parent, SIBLING_TOWNSHIP);

    assert_int_equal(store_region_get(f->db, PROVINCE, &r), STORE_OK);
    assert_string_equal(r.parent, "");
    assert_int_equal(r.level, 1);
    assert_int_equal(store_region_get(f->db, "530000000000", &r), STORE_ENOTFOUND);
}

static void a_region_under_a_parent_that_does_not_exist_is_refused(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(store_region_upsert(f->db, "530100000000", "昆明市", "530000000000", 2), STORE_ECONSTRAINT);
    assert_int_equal(store_region_exists(f->db, "530100000000"), STORE_ENOTFOUND);
}

static void children_come_in_code_order_and_provinces_have_no_parent(void **state)
{
    fixture_t *f = *state;
    regions_t got = {0};
    assert_int_equal(store_region_children(f->db, NULL, collect_region, &got), STORE_OK);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.codes[0], PROVINCE);
    memset(&got, 0, sizeof(got));
    assert_int_equal(store_region_children(f->db, CITY, collect_region, &got), STORE_OK);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.codes[0], COUNTY);
    assert_string_equal(got.names[0], "钟山区");
    assert_string_equal(got.codes[1], NEIGHBOUR);
    memset(&got, 0, sizeof(got));
    assert_int_equal(store_region_children(f->db, VILLAGE, collect_region, &got), STORE_OK);
    assert_int_equal(got.n, 0);
}

static void region_search_finds_names_inside_a_subtree(void **state)
{
    fixture_t *f = *state;
    char hi[REGION_CODE_LEN + 2];
    region_subtree_upper(COUNTY, hi);
    regions_t got = {0};
    assert_int_equal(store_region_search(f->db, COUNTY, hi, "街道", 10, collect_region, &got), STORE_OK);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.codes[0], TOWNSHIP);
    assert_string_equal(got.codes[1], SIBLING_TOWNSHIP);
    memset(&got, 0, sizeof(got));
    assert_int_equal(store_region_search(f->db, COUNTY, hi, "街道", 1, collect_region, &got), STORE_OK);
    assert_int_equal(got.n, 1);
    memset(&got, 0, sizeof(got));
    assert_int_equal(store_region_search(f->db, COUNTY, hi, "平寨", 10, collect_region, &got), STORE_OK);
    assert_int_equal(got.n, 0); /* 平寨镇 is in 六枝特区 */
}

/* ---- link rules ---- */

typedef struct {
    const char *what;
    const char *entity;
    int64_t id;            /* the record changed, 0 for a new one */
    const char *pairs[12]; /* name, text, ... NULL */
    const char *region;    /* the record's region after the write */
    int64_t stations[4];   /* a deputy's stations, 0-terminated */
    int64_t seat;          /* a deputy's seat in this congress, 0 for none */
    const char *field;     /* the field a refusal must name, NULL when allowed */
} link_case_t;

static void check_link_case(store_t *db, const link_case_t *c)
{
    const registry_entity_t *e = registry_entity(c->entity);
    registry_value_t values[REGISTRY_MAX_FIELDS];
    memset(values, 0, sizeof(values));
    for (int k = 0; c->pairs[k]; k += 2) {
        int i = index_of(e, c->pairs[k]);
        const char *problem = registry_parse(&e->fields[i], c->pairs[k + 1], &values[i]);
        if (problem)
            fail_msg("%s: %s = %s: %s", c->what, c->pairs[k], c->pairs[k + 1], problem);
    }
    store_registry_row_t old;
    bool have_old = false;
    if (c->id) {
        assert_int_equal(store_registry_get(db, e, c->id, &old), STORE_OK);
        have_old = true;
    } else {
        registry_defaults(e, values);
    }
    int nstations = 0;
    while (nstations < 4 && c->stations[nstations])
        nstations++;
    store_seat_t seat = {c->seat, "", 0, NULL};
    store_registry_change_t change = {e,           c->id,     values, have_old ? &old : NULL, c->region,
                                      c->stations, nstations, &seat,  c->seat ? 1 : 0};
    const char *field = NULL;
    char msg[256] = "";
    int rc = store_registry_check_links(db, &change, &field, msg, sizeof(msg));
    if (c->field == NULL && rc != STORE_OK)
        fail_msg("%s: expected allowed, got %d (%s: %s)", c->what, rc, field ? field : "", msg);
    if (c->field && (rc != STORE_EINVALID || field == NULL || strcmp(field, c->field) != 0 || msg[0] == '\0'))
        fail_msg("%s: expected a refusal naming %s, got %d (%s: %s)", c->what, c->field, rc, field ? field : "(none)",
                 msg);
    if (have_old)
        store_registry_row_free(&old);
}

static const char *id_text(int64_t id)
{
    static char texts[16][24];
    static int next;
    char *t = texts[next++ % 16];
    snprintf(t, 24, "%lld", (long long)id);
    return t;
}

static void every_link_rule_is_checked_before_a_write(void **state)
{
    fixture_t *f = *state;
    int64_t hub = insert(f->db, "station", "name", "黄土坡街道代表联络站", "kind", "hub", "region", TOWNSHIP, NULL);
    int64_t home = insert(f->db, "station", "name", "钟山区代表之家", "kind", "home", "region", COUNTY, NULL);
    int64_t online = insert(f->db, "station", "name", "网上联络站", "kind", "online", "region", COUNTY, NULL);
    int64_t spoke = insert(f->db, "station", "name", "德坞社区联络点", "kind", "spoke", "region", VILLAGE, "hub_id",
                           id_text(hub), NULL);
    int64_t sibling =
        insert(f->db, "station", "name", "红岩街道代表联络站", "kind", "hub", "region", SIBLING_TOWNSHIP, NULL);
    int64_t abroad = insert(f->db, "station", "name", "六枝特区代表之家", "kind", "home", "region", NEIGHBOUR, NULL);
    int64_t gone = insert(f->db, "station", "name", "已撤销联络站", "kind", "hub", "region", COUNTY, NULL);
    assert_int_equal(store_registry_delete(f->db, registry_entity("station"), gone, NOW), STORE_OK);
    int64_t deputy = insert(f->db, "deputy", "name", "张三", "gender", "male", "region", COUNTY, NULL);
    int64_t foreign_deputy = insert(f->db, "deputy", "name", "李四", "gender", "female", "region", NEIGHBOUR, NULL);
    int64_t foreign_group = insert(f->db, "group", "name", "六枝代表小组", "region", NEIGHBOUR, NULL);
    int64_t congress = insert(f->db, "congress", "level", "4", "region", COUNTY, "term", "9", "name",
                              "钟山区第九届人民代表大会", NULL);
    const char *h = id_text(hub), *sp = id_text(spoke), *ab = id_text(abroad), *gn = id_text(gone), *hm = id_text(home),
               *on = id_text(online), *fd = id_text(foreign_deputy), *fg = id_text(foreign_group),
               *dp = id_text(deputy);

    const link_case_t cases[] = {
        {"a spoke under a township hub",
         "station",
         0,
         {"name", "新联络点", "kind", "spoke", "hub_id", h, NULL},
         VILLAGE,
         {0},
         0,
         NULL},
        {"a spoke under the county's home",
         "station",
         0,
         {"name", "新联络点", "kind", "spoke", "hub_id", hm, NULL},
         TOWNSHIP,
         {0},
         0,
         NULL},
        {"a spoke without a hub", "station", 0, {"name", "新联络点", "kind", "spoke", NULL}, VILLAGE, {0}, 0, "hub_id"},
        {"a spoke under a spoke",
         "station",
         0,
         {"name", "新联络点", "kind", "spoke", "hub_id", sp, NULL},
         VILLAGE,
         {0},
         0,
         "hub_id"},
        {"a spoke under the online station",
         "station",
         0,
         {"name", "新联络点", "kind", "spoke", "hub_id", on, NULL},
         VILLAGE,
         {0},
         0,
         "hub_id"},
        {"a spoke under the neighbour's home",
         "station",
         0,
         {"name", "新联络点", "kind", "spoke", "hub_id", ab, NULL},
         VILLAGE,
         {0},
         0,
         "hub_id"},
        {"a spoke under a deleted hub",
         "station",
         0,
         {"name", "新联络点", "kind", "spoke", "hub_id", gn, NULL},
         VILLAGE,
         {0},
         0,
         "hub_id"},
        {"a spoke under no such station",
         "station",
         0,
         {"name", "新联络点", "kind", "spoke", "hub_id", "99999", NULL},
         VILLAGE,
         {0},
         0,
         "hub_id"},
        {"a station as its own hub", "station", spoke, {"hub_id", sp, NULL}, VILLAGE, {0}, 0, "hub_id"},
        {"a spoke losing its hub", "station", spoke, {"hub_id", "", NULL}, VILLAGE, {0}, 0, "hub_id"},
        {"a spoke renamed keeps its hub", "station", spoke, {"name", "德坞联络点", NULL}, VILLAGE, {0}, 0, NULL},
        {"a hub turned into a spoke without a hub",
         "station",
         hub,
         {"kind", "spoke", NULL},
         TOWNSHIP,
         {0},
         0,
         "hub_id"},
        /* its own liaison point still hangs from it, so it must stay a hub */
        {"a hub with a liaison point turned into a spoke of the home",
         "station",
         hub,
         {"kind", "spoke", "hub_id", hm, NULL},
         TOWNSHIP,
         {0},
         0,
         "kind"},
        {"a group led by a deputy of the county",
         "group",
         0,
         {"name", "代表小组", "leader_id", dp, NULL},
         TOWNSHIP,
         {0},
         0,
         NULL},
        {"a group led by the neighbour's deputy",
         "group",
         0,
         {"name", "代表小组", "leader_id", fd, NULL},
         TOWNSHIP,
         {0},
         0,
         "leader_id"},
        {"a group at the neighbour's station",
         "group",
         0,
         {"name", "代表小组", "station_id", ab, NULL},
         COUNTY,
         {0},
         0,
         "station_id"},
        {"a group at a deleted station",
         "group",
         0,
         {"name", "代表小组", "station_id", gn, NULL},
         COUNTY,
         {0},
         0,
         "station_id"},
        {"a deputy in the neighbour's group",
         "deputy",
         0,
         {"name", "王五", "gender", "male", "group_id", fg, NULL},
         COUNTY,
         {0},
         0,
         "group_id"},
        {"a county deputy in two stations of the county",
         "deputy",
         0,
         {"name", "王五", "gender", "male", NULL},
         COUNTY,
         {hub, spoke, 0},
         0,
         NULL},
        {"a township deputy in the next township's station",
         "deputy",
         0,
         {"name", "王五", "gender", "male", NULL},
         TOWNSHIP,
         {hub, sibling, 0},
         0,
         "stations"},
        {"a deputy in the neighbour's station",
         "deputy",
         0,
         {"name", "王五", "gender", "male", NULL},
         COUNTY,
         {abroad, 0},
         0,
         "stations"},
        {"a deputy in a deleted station",
         "deputy",
         0,
         {"name", "王五", "gender", "male", NULL},
         COUNTY,
         {gone, 0},
         0,
         "stations"},
        {"a deputy in the county congress",
         "deputy",
         0,
         {"name", "王五", "gender", "male", NULL},
         COUNTY,
         {0},
         congress,
         NULL},
        {"a deputy in no such congress",
         "deputy",
         0,
         {"name", "王五", "gender", "male", NULL},
         COUNTY,
         {0},
         99999,
         "seats"},
        {"a county congress in the county",
         "congress",
         0,
         {"level", "4", "term", "10", "name", "第十届", NULL},
         COUNTY,
         {0},
         0,
         NULL},
        {"a township congress in the county",
         "congress",
         0,
         {"level", "5", "term", "10", "name", "第十届", NULL},
         COUNTY,
         {0},
         0,
         "region"},
        {"a national congress with a region",
         "congress",
         0,
         {"level", "1", "term", "14", "name", "全国", NULL},
         COUNTY,
         {0},
         0,
         "region"},
        {"the national congress", "congress", 0, {"level", "1", "term", "14", "name", "全国", NULL}, "", {0}, 0, NULL},
        {"a congress moved to the city keeps level 4",
         "congress",
         congress,
         {"region", CITY, NULL},
         CITY,
         {0},
         0,
         "region"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_link_case(f->db, &cases[i]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_station_reads_back_with_every_field_it_was_given),
        T(a_record_in_a_region_that_does_not_exist_is_refused),
        T(an_update_changes_only_the_fields_it_names),
        T(updating_or_deleting_a_record_that_does_not_exist_is_not_found),
        T(a_deleted_record_vanishes_from_reads_but_its_row_stays),
        T(lists_keep_to_a_region_subtree),
        T(lists_page_by_id_after_the_last_one_seen),
        T(text_search_finds_chinese_substrings_of_two_characters_and_more),
        T(deputies_are_listed_by_station),
        T(a_deputys_stations_are_replaced_as_a_set),
        T(a_deputys_seats_name_their_congress_level_and_district),
        T(a_second_congress_of_the_same_level_region_and_term_conflicts),
        T(a_hub_lists_its_live_spokes),
        T(every_link_rule_is_checked_before_a_write),
        T(importing_a_region_twice_never_duplicates_it),
        T(a_renamed_region_is_renamed_in_place),
        T(a_region_under_a_parent_that_does_not_exist_is_refused),
        T(children_come_in_code_order_and_provinces_have_no_parent),
        T(region_search_finds_names_inside_a_subtree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
