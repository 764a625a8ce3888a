/* query plans: a region filter is an index range scan on every registry table, so a county's
 * list costs the same in a province-sized database as in a county-sized one; and the league table
 * of units reads its rollup by the primary key, never the suggestions themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "store/dashboard.h"
#include "store/migrations.h"
#include "store/registry.h"
#include "store/scores.h"
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

/* The dashboard reads a region's rollup rows, its open opinions, the days a period cuts and its
 * visits each through an index - never by scanning a table. */
static void the_dashboard_reads_every_figure_through_an_index(void **state)
{
    static const char *const reads[] = {
        "SEARCH m USING PRIMARY KEY (region_code>? AND region_code<?)",
        "SEARCH o USING COVERING INDEX opinions_open_region (region_code>? AND region_code<?)",
        "SEARCH o USING INDEX opinions_created_region (created_at>? AND created_at<?)", /* then the cut days' rows */
        "SEARCH v USING COVERING INDEX visits_region (region_code>? AND region_code<?)",
    };
    for (int group = STORE_DASH_TOTAL; group <= STORE_DASH_BY_MONTH; group++) {
        buf_t plan;
        buf_init(&plan);
        plan_of(store_dashboard_sql((store_dash_group_t)group), &plan);
        for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
            if (strstr(plan.data, reads[i]) == NULL)
                fail_msg("grouping %d does not read \"%s\":\n%s", group, reads[i], plan.data);
        if (strstr(plan.data, "SCAN m") || strstr(plan.data, "SCAN o") || strstr(plan.data, "SCAN v"))
            fail_msg("grouping %d scans a table:\n%s", group, plan.data);
        buf_free(&plan);
    }
}

/* The trigger program's statement st (up to end) with each NEW.x and OLD.x made a parameter, so
 * EXPLAIN QUERY PLAN takes it as the trigger runs it. */
static void trigger_statement(const char *st, const char *end, buf_t *out)
{
    for (const char *p = st; p < end; p++) {
        bool starts_word = p == st || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        if (starts_word && (strncmp(p, "NEW.", 4) == 0 || strncmp(p, "OLD.", 4) == 0)) {
            for (p += 4; p < end && (isalnum((unsigned char)*p) || *p == '_'); p++)
                ;
            buf_addc(out, '?');
            p--;
        } else {
            buf_addc(out, *p);
        }
    }
}

/* Whether a plan walks a stored table or index whole (or builds an automatic index over one):
 * only what the plan itself made (a co-routine or materialized subquery) may be scanned. */
static bool plan_scans_a_table(const char *plan)
{
    for (const char *line = plan; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
        size_t len = strcspn(line, "\n");
        char name[128] = "";
        if (strncmp(line, "SCAN ", 5) == 0)
            sscanf(line + 5, "%127s", name);
        else if (strncmp(line, "SEARCH ", 7) == 0 && memmem(line, len, "AUTOMATIC", 9))
            sscanf(line + 7, "%127s", name);
        if (name[0] == '\0' || strcmp(name, "CONSTANT") == 0)
            continue;
        char made[160], made_too[160];
        snprintf(made, sizeof(made), "CO-ROUTINE %s\n", name);
        snprintf(made_too, sizeof(made_too), "MATERIALIZE %s\n", name);
        if (strstr(plan, made) == NULL && strstr(plan, made_too) == NULL)
            return true;
    }
    return false;
}

/* Duty records are written by triggers in every module's write transaction (017_duty_sources.sql),
 * for the demo generator and bulk loads too: each statement of theirs reads by index. */
static void every_statement_of_the_duty_source_triggers_reads_by_index(void **state)
{
    sqlite3 *conn;
    assert_int_equal(sqlite3_open(path, &conn), SQLITE_OK);
    sqlite3_stmt *list;
    assert_int_equal(
        sqlite3_prepare_v2(conn, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'duty%'", -1,
                           &list, NULL),
        SQLITE_OK);
    int triggers = 0, statements = 0;
    while (sqlite3_step(list) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(list, 0),
                   *sql = (const char *)sqlite3_column_text(list, 1);
        const char *body = strstr(sql, "\nBEGIN") ? strstr(sql, "\nBEGIN") + 6 : strstr(sql, "BEGIN") + 5;
        const char *end = body + strlen(body) - 3; /* END */
        triggers++;
        for (const char *st = body; st < end;) {
            const char *stop = memchr(st, ';', (size_t)(end - st));
            stop = stop ? stop : end;
            while (st < stop && isspace((unsigned char)*st))
                st++;
            if (st < stop && strncmp(st, "SELECT RAISE", 12) != 0) {
                buf_t text, plan;
                buf_init(&text);
                buf_init(&plan);
                trigger_statement(st, stop, &text);
                plan_of(text.data, &plan);
                if (plan_scans_a_table(plan.data))
                    fail_msg("trigger %s scans a table:\n%s\n%s", name, text.data, plan.data);
                statements++;
                buf_free(&text);
                buf_free(&plan);
            }
            st = stop + 1;
        }
    }
    sqlite3_finalize(list);
    sqlite3_close(conn);
    assert_true(triggers >= 20 && statements > triggers);
}

/* Scores and obligations are counted on every read (store/scores.c): the subjects of a region by
 * an index range on region_code, each one's records, activities and visits by its own index, and a
 * deputy's explained score in the order of duty_records_deputy, without sorting. */
static void scores_and_obligations_read_a_regions_subjects_and_their_records_by_index(void **state)
{
    static const char *const records_by[] = {"duty_records_deputy (deputy_id=? AND happened_on>? AND happened_on<?)",
                                              "duty_records_deputy (deputy_id=? AND happened_on>? AND happened_on<?)",
                                              "activities_station (station_id=? AND starts_at>? AND starts_at<?)"};
    for (int subject = STORE_SUBJECT_DEPUTY; subject <= STORE_SUBJECT_STATION; subject++) {
        buf_t plan;
        buf_init(&plan);
        plan_of(store_duty_subjects_sql((store_subject_t)subject), &plan);
        if (plan_scans_a_table(plan.data) || strstr(plan.data, "(region_code>? AND region_code<?)") == NULL ||
            strstr(plan.data, records_by[subject]) == NULL)
            fail_msg("the counts of subject %d are not read by index:\n%s", subject, plan.data);
        buf_free(&plan);
    }
    buf_t plan;
    buf_init(&plan);
    plan_of(store_deputy_records_sql(), &plan);
    if (plan_scans_a_table(plan.data) || strstr(plan.data, "TEMP B-TREE") ||
        strstr(plan.data, "duty_records_deputy (deputy_id=? AND happened_on>? AND happened_on<?)") == NULL)
        fail_msg("a deputy's records are not read in index order:\n%s", plan.data);
    buf_free(&plan);
    /* the daily reminder walks every deputy once (that is its job); what it asks of each is a look-up */
    buf_init(&plan);
    plan_of(store_obligation_laggards_sql(), &plan);
    if (strstr(plan.data, "SEARCH r USING PRIMARY KEY (rule_id=? AND subject_id=? AND period_key=?)") == NULL ||
        strstr(plan.data, "SEARCH x USING INDEX duty_records_deputy") == NULL || strstr(plan.data, "TEMP B-TREE"))
        fail_msg("the reminder does not look up each deputy's records and reminders by index:\n%s", plan.data);
    buf_free(&plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_region_filtered_list_is_an_index_range_scan_on_every_registry_table),
        cmocka_unit_test(an_unfiltered_list_walks_the_primary_key_without_sorting),
        cmocka_unit_test(the_league_table_reads_the_rollup_by_its_primary_key_without_sorting),
        cmocka_unit_test(the_dashboard_reads_every_figure_through_an_index),
        cmocka_unit_test(every_statement_of_the_duty_source_triggers_reads_by_index),
        cmocka_unit_test(scores_and_obligations_read_a_regions_subjects_and_their_records_by_index),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
