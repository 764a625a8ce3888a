/*
 * test_store_opinions: the opinion loop's SQL (src/store/opinions.c) on a real migrated SQLite
 * file. An opinion reads back as written; a tracking code already handed out is refused without
 * spoiling the transaction, so the writer can draw another; the event timeline cannot be changed;
 * and the figures of a region count exactly what the list of the same filter shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/migrations.h"
#include "store/opinions.h"
#include "store/regions.h"
#include "store/store.h"

#define COUNTY "320623000000"
#define TOWNSHIP "320623001000"
#define NOW 1795000000

typedef struct {
    char dir[64], path[128];
    store_t *db;
    int64_t station, category;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/liaison-test-opinions-XXXXXX");
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
    if (store_region_upsert(f->db, "320000000000", "江苏省", NULL, 1) != STORE_OK ||
        store_region_upsert(f->db, "320600000000", "南通市", "320000000000", 2) != STORE_OK ||
        store_region_upsert(f->db, COUNTY, "如东县", "320600000000", 3) != STORE_OK ||
        store_region_upsert(f->db, TOWNSHIP, "掘港街道", COUNTY, 4) != STORE_OK ||
        store_exec(f->db, "INSERT INTO stations (name, kind, region_code, created_at, updated_at)"
                          " VALUES ('测试联络站', 'hub', '" TOWNSHIP "', 0, 0)") != STORE_OK ||
        store_category_id(f->db, "traffic", &f->category) != STORE_OK)
        return -1;
    f->station = store_last_insert_id(f->db);
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

static store_opinion_t opinion(fixture_t *f, const char *code, const char *channel)
{
    store_opinion_t o = {0};
    snprintf(o.tracking_code, sizeof(o.tracking_code), "%s", code);
    snprintf(o.channel, sizeof(o.channel), "%s", channel);
    snprintf(o.region, sizeof(o.region), "%s", TOWNSHIP);
    o.station_id = f->station;
    o.category_id = f->category;
    o.content = "红绿灯时间太短";
    o.location = "";
    o.triage_due = NOW + 86400;
    o.answer_due = NOW + 20 * 86400;
    o.created_at = NOW;
    return o;
}

static int64_t count(store_t *db, const char *sql)
{
    store_stmt_t *st = store_prepare(db, sql);
    assert_non_null(st);
    assert_int_equal(store_step(st), STORE_ROW);
    int64_t n = store_col_int(st, 0);
    store_done(st);
    return n;
}

static void an_opinion_reads_back_as_written(void **state)
{
    fixture_t *f = *state;
    store_opinion_t o = opinion(f, "ACDEFGHJ", "walk_in");
    snprintf(o.phone4, sizeof(o.phone4), "5678");
    int64_t id;
    assert_int_equal(store_opinion_insert(f->db, &o, &id), STORE_OK);
    store_opinion_t back;
    assert_int_equal(store_opinion_by_code(f->db, "ACDEFGHJ", &back), STORE_OK);
    assert_int_equal(back.id, id);
    assert_string_equal(back.channel, "walk_in");
    assert_string_equal(back.content, "红绿灯时间太短");
    assert_string_equal(back.phone4, "5678");
    assert_int_equal(back.state, OPINION_REGISTERED);
    assert_int_equal(store_opinion_current_due(&back), NOW + 86400);
    assert_null(back.answer);
    store_opinion_free(&back);
}

static void a_taken_tracking_code_is_refused_and_the_transaction_goes_on(void **state)
{
    fixture_t *f = *state;
    store_opinion_t first = opinion(f, "KMNPQRTW", "online"), second = opinion(f, "KMNPQRTW", "qr");
    int64_t id1, id2 = 0;
    assert_int_equal(store_begin(f->db), STORE_OK);
    assert_int_equal(store_opinion_insert(f->db, &first, &id1), STORE_OK);
    assert_int_equal(store_opinion_insert(f->db, &second, &id2), STORE_ECONSTRAINT);
    assert_int_equal(id2, 0);
    snprintf(second.tracking_code, sizeof(second.tracking_code), "KMNPQRTX");
    assert_int_equal(store_opinion_insert(f->db, &second, &id2), STORE_OK); /* a new draw succeeds */
    assert_true(store_in_transaction(f->db));
    assert_int_equal(store_commit(f->db), STORE_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM opinions WHERE tracking_code LIKE 'KMNPQRT%'"), 2);
}

static void the_timeline_can_be_neither_changed_nor_deleted(void **state)
{
    fixture_t *f = *state;
    store_opinion_t o = opinion(f, "XY346799", "phone");
    int64_t id;
    assert_int_equal(store_opinion_insert(f->db, &o, &id), STORE_OK);
    store_opinion_event_t e = {.opinion_id = id, .at = NOW, .actor = "constituent", .action = "register",
                               .to_state = "registered"};
    assert_int_equal(store_opinion_event_add(f->db, &e), STORE_OK);
    assert_int_not_equal(store_exec(f->db, "UPDATE opinion_events SET note = 'x'"), STORE_OK);
    assert_int_not_equal(store_exec(f->db, "DELETE FROM opinion_events"), STORE_OK);
    assert_true(count(f->db, "SELECT count(*) FROM opinion_events") >= 1);
}

typedef struct {
    int64_t collected, answered;
} sum_t;

static int add_figures(const store_opinion_figures_t *row, void *arg)
{
    sum_t *s = arg;
    s->collected += row->collected;
    s->answered += row->answered;
    return 0;
}

static int count_one(const store_opinion_t *o, void *arg)
{
    (void)o;
    ++*(int64_t *)arg;
    return 0;
}

static void figures_count_what_the_list_of_the_same_filter_shows(void **state)
{
    fixture_t *f = *state;
    const char *codes[] = {"ACACACAC", "ADADADAD", "AEAEAEAE"};
    for (int i = 0; i < 3; i++) {
        store_opinion_t o = opinion(f, codes[i], i ? "online" : "visit");
        int64_t id;
        assert_int_equal(store_opinion_insert(f->db, &o, &id), STORE_OK);
    }
    assert_int_equal(store_exec(f->db, "UPDATE opinions SET answer = '已处理', answered_at = 1, state = 'answered'"
                                       " WHERE tracking_code = 'ADADADAD'"), STORE_OK);
    char hi[14] = "320623:";
    store_opinion_filter_t all = {.region_lo = COUNTY, .region_hi = hi};
    sum_t figures = {0, 0};
    assert_int_equal(store_opinion_figures(f->db, &all, NOW, add_figures, &figures), STORE_OK);
    int64_t listed = 0, answered = 0;
    assert_int_equal(store_opinions_each(f->db, &all, count_one, &listed), STORE_OK);
    store_opinion_filter_t only_answered = all;
    only_answered.answered = true;
    assert_int_equal(store_opinions_each(f->db, &only_answered, count_one, &answered), STORE_OK);
    assert_int_equal(figures.collected, listed);
    assert_int_equal(figures.answered, answered);
    assert_true(answered >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_opinion_reads_back_as_written, setup, teardown),
        cmocka_unit_test_setup_teardown(a_taken_tracking_code_is_refused_and_the_transaction_goes_on, setup, teardown),
        cmocka_unit_test_setup_teardown(the_timeline_can_be_neither_changed_nor_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(figures_count_what_the_list_of_the_same_filter_shows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
