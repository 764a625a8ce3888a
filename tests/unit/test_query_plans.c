/* query plans: a region filter is an index range scan on every registry table, so a county's
 * list costs the same in a province-sized database as in a county-sized one; and the league table
 * of units reads its rollup by the primary key, never the suggestions themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "store/migrations.h"
#include "store/registry.h"
#include "store/suggestions.h"

static char path[64];

static int setup(void **state)
{
    snprintf(path, sizeof(path), "/tmp/liaison-plans-XXXXXX");
    int fd = mkstemp(path);
    close(fd);
    store_t *db;
    char err[256];
    int applied;
    assert_int_equal(store_open(&db, path, STORE_READ_WRITE, err, sizeof(err)), STORE_OK);
    assert_int_equal(store_migrate(db, &applied, err, sizeof(err)), STORE_OK);
    store_close(db);
    store_registry_init();
    return 0;
}

static int teardown(void **state)
{
    char wal[80], shm[80];
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(shm, sizeof(shm), "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    return 0;
}

static int collect(void *arg, int n, char **values, char **names)
{
    buf_adds(arg, values[3]); /* the plan's detail column */
    buf_addc(arg, '\n');
    return 0;
}

static void plan_of(const char *sql, buf_t *out)
{
    sqlite3 *conn;
    assert_int_equal(sqlite3_open(path, &conn), SQLITE_OK);
    buf_t q;
    buf_init(&q);
    buf_addf(&q, "EXPLAIN QUERY PLAN %s", sql);
    char *err = NULL;
    int rc = sqlite3_exec(conn, q.data, collect, out, &err);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", q.data, err);
    buf_free(&q);
    sqlite3_close(conn);
}

static void a_region_filtered_list_is_an_index_range_scan_on_every_registry_table(void **state)
{
    for (const registry_entity_t *const *e = registry_entities(); *e; e++) {
        buf_t plan;
        buf_init(&plan);
        plan_of(store_registry_list_sql(*e, true), &plan);
        if (strstr(plan.data, "(region_code>? AND region_code<?)") == NULL)
            fail_msg("%s: the region filter does not use an index range:\n%s", (*e)->plural, plan.data);
        buf_free(&plan);
    }
}

static void an_unfiltered_list_walks_the_primary_key_without_sorting(void **state)
{
    for (const registry_entity_t *const *e = registry_entities(); *e; e++) {
        buf_t plan;
        buf_init(&plan);
        plan_of(store_registry_list_sql(*e, false), &plan);
        if (strstr(plan.data, "INTEGER PRIMARY KEY (rowid>?)") == NULL || strstr(plan.data, "TEMP B-TREE"))
            fail_msg("%s: the page does not start from the last id seen:\n%s", (*e)->plural, plan.data);
        buf_free(&plan);
    }
}

static void the_league_table_reads_the_rollup_by_its_primary_key_without_sorting(void **state)
{
    buf_t plan;
    buf_init(&plan);
    plan_of(store_suggestion_league_sql(), &plan);
    if (strstr(plan.data, "SEARCH f USING PRIMARY KEY (congress_id=? AND session=?)") == NULL ||
        strstr(plan.data, "TEMP B-TREE") || strstr(plan.data, "suggestions"))
        fail_msg("the league table does not read suggestion_unit_figures by its primary key:\n%s", plan.data);
    buf_free(&plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_region_filtered_list_is_an_index_range_scan_on_every_registry_table),
        cmocka_unit_test(an_unfiltered_list_walks_the_primary_key_without_sorting),
        cmocka_unit_test(the_league_table_reads_the_rollup_by_its_primary_key_without_sorting),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
