/*
 * test_store: the SQLite store on a real temporary database file (src/store/: sqlite.c,
 * migrate.c, writer.c, accounts.c, audit.c). What an operator relies on: migrations run once and
 * an old binary never touches a newer schema; commits are durable (WAL, synchronous=FULL) and
 * checked (foreign keys); the audit log cannot be rewritten; the writer acknowledges a write only
 * after its commit, commits many writes at once, and spares a batch one bad write; a backup of a
 * live database is a sound database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/accounts.h"
#include "store/regions.h"
#include "store/audit.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/writer.h"

#define HOME "520201000000"      /* 钟山区 */
#define NEIGHBOUR "520203000000" /* 六枝特区 */

typedef struct {
    char dir[64];
    char db[128];
} tmp_t;

static int setup(void **state)
{
    tmp_t *t = calloc(1, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "/tmp/liaison-test-store-XXXXXX");
    if (mkdtemp(t->dir) == NULL)
        return -1;
    snprintf(t->db, sizeof(t->db), "%s/liaison.db", t->dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    tmp_t *t = *state;
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
    free(t);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Polls until *counter reaches target or the deadline passes; true if it did. */
static bool wait_for_count(atomic_int *counter, int target, double seconds)
{
    double deadline = now_s() + seconds;
    while (atomic_load(counter) < target) {
        if (now_s() > deadline)
            return false;
        pause_ms(1);
    }
    return true;
}

static store_t *open_db(const char *path, store_mode_t mode)
{
    store_t *db = NULL;
    char err[512] = "";
    if (store_open(&db, path, mode, err, sizeof(err)) != STORE_OK)
        fail_msg("store_open %s: %s", path, err);
    return db;
}

static store_t *open_migrated(const char *path)
{
    store_t *db = open_db(path, STORE_READ_WRITE);
    char err[512] = "";
    int applied;
    if (store_migrate(db, &applied, err, sizeof(err)) != STORE_OK)
        fail_msg("migrate: %s", err);
    return db;
}

/* One integer from a query with no parameters. */
static int64_t query_int(store_t *db, const char *sql)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        fail_msg("%s: %s", sql, store_errmsg(db));
    int rc = store_step(st);
    if (rc != STORE_ROW)
        fail_msg("%s: no row (%d, %s)", sql, rc, store_errmsg(db));
    int64_t v = store_col_int(st, 0);
    store_done(st);
    return v;
}

/* One text from a query with no parameters, copied into out. */
static void query_text(store_t *db, const char *sql, char *out, size_t len)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        fail_msg("%s: %s", sql, store_errmsg(db));
    int rc = store_step(st);
    if (rc != STORE_ROW)
        fail_msg("%s: no row (%d)", sql, rc);
    snprintf(out, len, "%s", store_col_text(st, 0));
    store_done(st);
}

static int migration_count(void)
{
    int n = 0;
    for (const store_migration_t *m = store_migrations; m->version; m++)
        n++;
    return n;
}

/* ---- migrations ---- */

static void migrate_applies_every_migration_once_and_a_second_run_applies_none(void **state)
{
    tmp_t *t = *state;
    store_t *db = open_db(t->db, STORE_READ_WRITE);
    int version = -1, applied = -1;
    char err[512] = "";
    assert_int_equal(store_schema_version(db, &version), STORE_OK);
    assert_int_equal(version, 0);
    assert_true(store_schema_latest() >= 1);

    assert_int_equal(store_migrate(db, &applied, err, sizeof(err)), STORE_OK);
    assert_int_equal(applied, migration_count());
    assert_int_equal(store_schema_version(db, &version), STORE_OK);
    assert_int_equal(version, store_schema_latest());
    assert_int_equal(query_int(db, "SELECT count(*) FROM schema_migrations"), migration_count());

    applied = -1;
    assert_int_equal(store_migrate(db, &applied, err, sizeof(err)), STORE_OK);
    assert_int_equal(applied, 0);
    store_close(db);

    /* and again from a fresh connection, as `liaison migrate` run twice would */
    db = open_db(t->db, STORE_READ_WRITE);
    applied = -1;
    assert_int_equal(store_migrate(db, &applied, err, sizeof(err)), STORE_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM schema_migrations"), migration_count());
    assert_int_equal(store_schema_check(db, err, sizeof(err)), STORE_OK);
    store_close(db);
}

static void migrations_are_numbered_from_one_without_gaps(void **state)
{
    (void)state;
    int expect = 1;
    for (const store_migration_t *m = store_migrations; m->version; m++, expect++) {
        if (m->version != expect)
            fail_msg("migration %s has version %d, expected %d", m->name, m->version, expect);
        assert_non_null(m->sql);
        assert_non_null(m->name);
    }
    assert_int_equal(expect - 1, store_schema_latest());
}

static void a_newer_schema_is_refused_naming_both_versions(void **state)
{
    tmp_t *t = *state;
    store_t *db = open_migrated(t->db);
    int latest = store_schema_latest(), future = latest + 1;
    store_stmt_t *st =
        store_prepare(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 0)");
    assert_non_null(st);
    store_bind_int(st, 1, future);
    store_bind_text(st, 2, "from_a_newer_liaison");
    assert_int_equal(store_run(st), STORE_OK);
    store_close(db);

    db = open_db(t->db, STORE_READ_WRITE);
    char err[512] = "", have[32], knows[32];
    snprintf(have, sizeof(have), "version %d", future);
    snprintf(knows, sizeof(knows), "%d", latest);
    int applied = -1;
    assert_int_equal(store_migrate(db, &applied, err, sizeof(err)), STORE_ENEWER);
    assert_int_equal(applied, 0);
    if (strstr(err, have) == NULL || strstr(err, knows) == NULL)
        fail_msg("message '%s' should name the database's version %d and this binary's %d", err, future, latest);

    err[0] = '\0';
    assert_int_equal(store_schema_check(db, err, sizeof(err)), STORE_ENEWER);
    if (strstr(err, have) == NULL || strstr(err, knows) == NULL)
        fail_msg("schema check says '%s'", err);
    /* nothing was written: the future row is still the newest */
    int version = 0;
    assert_int_equal(store_schema_version(db, &version), STORE_OK);
    assert_int_equal(version, future);
    store_close(db);
}

static void schema_check_refuses_a_database_that_needs_migrating(void **state)
{
    tmp_t *t = *state;
    store_t *db = open_db(t->db, STORE_READ_WRITE);
    char err[512] = "";
    assert_int_equal(store_schema_check(db, err, sizeof(err)), STORE_ERR);
    assert_non_null(strstr(err, "version 0"));
    assert_non_null(strstr(err, "liaison migrate"));
    int applied;
    assert_int_equal(store_migrate(db, &applied, err, sizeof(err)), STORE_OK);
    assert_int_equal(store_schema_check(db, err, sizeof(err)), STORE_OK);
    assert_int_equal(store_ping(db), STORE_OK);
    store_close(db);
}

/* ---- connection settings ---- */

static void connections_use_wal_full_sync_and_foreign_keys(void **state)
{
    tmp_t *t = *state;
    store_t *db = open_migrated(t->db);
    char mode[32];
    query_text(db, "PRAGMA journal_mode", mode, sizeof(mode));
    assert_string_equal(mode, "wal");
    assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(query_int(db, "PRAGMA synchronous"), 2); /* FULL */
    assert_true(query_int(db, "PRAGMA busy_timeout") > 0);

    /* foreign keys are enforced, not just declared: an account in an unknown region is refused */
    store_user_t u = {
        .username = "orphan", .display_name = "x", .password_hash = "h", .role = "staff", .region = "520299000000"};
    int64_t id = 0;
    assert_int_equal(store_user_insert(db, &u, 1, &id), STORE_ECONSTRAINT);
    store_close(db);

    store_t *ro = open_db(t->db, STORE_READ_ONLY);
    assert_int_equal(query_int(ro, "PRAGMA foreign_keys"), 1);
    query_text(ro, "PRAGMA journal_mode", mode, sizeof(mode));
    assert_string_equal(mode, "wal");
    assert_true(store_exec(ro, "INSERT INTO regions (code, name, level) VALUES ('530000000000', 'x', 1)") < 0);
    store_close(ro);
}

static void a_missing_database_cannot_be_opened_read_only(void **state)
{
    tmp_t *t = *state;
    char path[160], err[512] = "";
    snprintf(path, sizeof(path), "%s/absent.db", t->dir);
    store_t *db = NULL;
    assert_int_equal(store_open(&db, path, STORE_READ_ONLY, err, sizeof(err)), STORE_ERR);
    assert_non_null(strstr(err, path));
    assert_int_equal(access(path, F_OK), -1); /* and it was not created */
}

/* ---- accounts and the audit log ---- */

static void seed_regions(store_t *db)
{
    assert_int_equal(store_begin(db), STORE_OK);
    assert_int_equal(store_region_upsert(db, "520000000000", "贵州省", NULL, 1), STORE_OK);
    assert_int_equal(store_region_upsert(db, "520200000000", "六盘水市", "520000000000", 2), STORE_OK);
    assert_int_equal(store_region_upsert(db, HOME, "钟山区", "520200000000", 3), STORE_OK);
    assert_int_equal(store_region_upsert(db, NEIGHBOUR, "六枝特区", "520200000000", 3), STORE_OK);
    assert_int_equal(store_commit(db), STORE_OK);
}

static int64_t add_user(store_t *db, const char *username, const char *role, const char *region)
{
    store_user_t u = {0};
    snprintf(u.username, sizeof(u.username), "%s", username);
    snprintf(u.display_name, sizeof(u.display_name), "%s 的名字", username);
    snprintf(u.password_hash, sizeof(u.password_hash), "$argon2id$fake");
    snprintf(u.role, sizeof(u.role), "%s", role);
    snprintf(u.region, sizeof(u.region), "%s", region);
    int64_t id = 0;
    int rc = store_user_insert(db, &u, 1000, &id);
    if (rc != STORE_OK)
        fail_msg("insert %s: %d %s", username, rc, store_errmsg(db));
    return id;
}

static int collect_names(const store_user_t *u, void *arg)
{
    char *out = arg;
    strcat(out, u->username);
    strcat(out, " ");
    return 0;
}

static void accounts_are_unique_by_name_ignoring_case_and_listed_by_region_range(void **state)
{
    tmp_t *t = *state;
    store_t *db = open_migrated(t->db);
    seed_regions(db);
    int64_t admin = add_user(db, "admin", "admin", HOME);
    add_user(db, "staff", "staff", HOME);
    add_user(db, "liuzhi", "admin", NEIGHBOUR);
    store_user_t u = {.display_name = "dup", .password_hash = "h", .role = "staff", .region = HOME};
    snprintf(u.username, sizeof(u.username), "ADMIN");
    int64_t id = 0;
    assert_int_equal(store_user_insert(db, &u, 1, &id), STORE_ECONSTRAINT);
    /* a role outside the five is refused by the schema */
    snprintf(u.username, sizeof(u.username), "root");
    snprintf(u.role, sizeof(u.role), "root");
    assert_int_equal(store_user_insert(db, &u, 1, &id), STORE_ECONSTRAINT);

    store_user_t got;
    assert_int_equal(store_user_by_username(db, "Admin", &got), STORE_OK);
    assert_int_equal(got.id, admin);
    assert_string_equal(got.display_name, "admin 的名字");
    assert_string_equal(got.region, HOME);
    assert_int_equal(store_user_by_username(db, "nobody", &got), STORE_ENOTFOUND);
    assert_int_equal(store_user_by_id(db, 999999, &got), STORE_ENOTFOUND);
    assert_int_equal(store_user_set_disabled(db, 999999, 1, 2), STORE_ENOTFOUND);

    char names[256] = "";
    assert_int_equal(store_user_each(db, HOME, "520201:", -1, 0, collect_names, names), STORE_OK);
    assert_string_equal(names, "admin staff ");
    names[0] = '\0';
    assert_int_equal(store_user_each(db, "520200000000", "5202:", -1, 0, collect_names, names), STORE_OK);
    assert_string_equal(names, "admin liuzhi staff ");
    names[0] = '\0';
    assert_int_equal(store_user_each(db, NULL, NULL, 1, 1, collect_names, names), STORE_OK);
    assert_string_equal(names, "liuzhi ");
    store_close(db);
}

static void a_session_lives_until_idle_or_absolute_expiry_or_the_account_is_disabled(void **state)
{
    tmp_t *t = *state;
    store_t *db = open_migrated(t->db);
    seed_regions(db);
    int64_t id = add_user(db, "deputy", "deputy", HOME);
    const unsigned char a[32] = {1}, b[32] = {2};
    assert_int_equal(store_session_insert(db, a, 32, id, "csrf-a", 1000, 1000 + 3600, "192.0.2.1"), STORE_OK);
    assert_int_equal(store_session_insert(db, b, 32, id, "csrf-b", 1000, 1000 + 3600, "192.0.2.1"), STORE_OK);
    store_session_t s;
    assert_int_equal(store_session_lookup(db, a, 32, 1500, 600, &s), STORE_OK);
    assert_string_equal(s.csrf, "csrf-a");
    assert_int_equal(s.user.id, id);
    /* idle for 600 s or more: gone; touched: alive again */
    assert_int_equal(store_session_lookup(db, a, 32, 1600, 600, &s), STORE_ENOTFOUND);
    assert_int_equal(store_session_touch(db, a, 32, 1590), STORE_OK);
    assert_int_equal(store_session_lookup(db, a, 32, 1600, 600, &s), STORE_OK);
    /* past the absolute expiry, however recently used */
    assert_int_equal(store_session_touch(db, a, 32, 4599), STORE_OK);
    assert_int_equal(store_session_lookup(db, a, 32, 4600, 600, &s), STORE_ENOTFOUND);
    /* a disabled account's sessions do not work */
    assert_int_equal(store_session_lookup(db, b, 32, 1500, 3600, &s), STORE_OK);
    assert_int_equal(store_user_set_disabled(db, id, 1, 1500), STORE_OK);
    assert_int_equal(store_session_lookup(db, b, 32, 1500, 3600, &s), STORE_ENOTFOUND);
    assert_int_equal(store_user_set_disabled(db, id, 0, 1500), STORE_OK);
    /* ending the other sessions keeps the one named */
    assert_int_equal(store_session_delete_for_user(db, id, b, 32), STORE_OK);
    assert_int_equal(store_session_lookup(db, b, 32, 1500, 3600, &s), STORE_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sessions"), 1);
    assert_int_equal(store_session_delete_for_user(db, id, NULL, 0), STORE_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sessions"), 0);
    store_close(db);
}

typedef struct {
    int n;
    char actions[256];
    char details[256];
} audit_seen_t;

static int collect_audit(const store_audit_t *a, void *arg)
{
    audit_seen_t *seen = arg;
    seen->n++;
    strcat(seen->actions, a->action);
    strcat(seen->actions, " ");
    strcat(seen->details, a->detail);
    strcat(seen->details, " ");
    return 0;
}

static void the_audit_log_refuses_update_and_delete(void **state)
{
    tmp_t *t = *state;
    store_t *db = open_migrated(t->db);
    store_audit_t a = {.at = 1000,
                       .actor = "cli",
                       .action = "user.create",
                       .entity = "user",
                       .entity_id = "1",
                       .region = HOME,
                       .detail = "admin"};
    assert_int_equal(store_audit_append(db, &a), STORE_OK);
    store_audit_t b = {.at = 2000,
                       .actor_id = 1,
                       .actor = "admin",
                       .action = "user.update",
                       .entity = "user",
                       .entity_id = "2",
                       .region = NEIGHBOUR,
                       .detail = "disabled",
                       .ip = "192.0.2.7"};
    assert_int_equal(store_audit_append(db, &b), STORE_OK);

    int rc = store_exec(db, "UPDATE audit_log SET detail = 'nothing happened'");
    if (rc == STORE_OK)
        fail_msg("an UPDATE of the audit log was allowed");
    assert_non_null(strstr(store_errmsg(db), "append-only"));
    rc = store_exec(db, "DELETE FROM audit_log");
    if (rc == STORE_OK)
        fail_msg("a DELETE from the audit log was allowed");
    rc = store_exec(db, "DELETE FROM audit_log WHERE id = 1");
    assert_true(rc != STORE_OK);
    /* also inside a transaction, and the rows are untouched */
    assert_int_equal(store_begin(db), STORE_OK);
    assert_true(store_exec(db, "UPDATE audit_log SET actor = 'someone else' WHERE id = 2") != STORE_OK);
    assert_int_equal(store_rollback(db), STORE_OK);

    audit_seen_t seen = {0};
    assert_int_equal(store_audit_each(db, 0, NULL, NULL, 0, 100, collect_audit, &seen), STORE_OK);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.actions, "user.create user.update ");
    assert_string_equal(seen.details, "admin disabled ");

    /* scoped reading: a county admin sees their county's entries only */
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(store_audit_each(db, 0, HOME, "520201:", 0, 100, collect_audit, &seen), STORE_OK);
    assert_string_equal(seen.actions, "user.create ");
    /* since and after */
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(store_audit_each(db, 1500, NULL, NULL, 0, 100, collect_audit, &seen), STORE_OK);
    assert_string_equal(seen.actions, "user.update ");
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(store_audit_each(db, 0, NULL, NULL, 1, 100, collect_audit, &seen), STORE_OK);
    assert_string_equal(seen.actions, "user.update ");
    store_close(db);
}

/* ---- the writer ---- */

static void create_probe_table(const char *path)
{
    store_t *db = open_migrated(path);
    assert_int_equal(store_exec(db, "CREATE TABLE probe (n INTEGER PRIMARY KEY, note TEXT NOT NULL DEFAULT '')"),
                     STORE_OK);
    store_close(db);
}

enum { JOB_INSERT, JOB_INSERT_THEN_FAIL, JOB_GATE };

typedef struct {
    writer_job_t job;
    int n;
    int kind;
    const char *note;
    atomic_int *done;
    atomic_int completed; /* how often complete ran for this job */
} probe_job_t;

/* The gate: a job that holds the writer inside its run until released. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_entered, gate_open;

static int insert_probe(store_t *db, int n, const char *note)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO probe (n, note) VALUES ($1, $2)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, n);
    store_bind_text(st, 2, note ? note : "");
    return store_run(st);
}

static int probe_run(writer_job_t *job, store_t *db)
{
    probe_job_t *p = (probe_job_t *)job;
    if (p->kind == JOB_GATE) {
        pthread_mutex_lock(&gate_lock);
        gate_entered = true;
        pthread_cond_broadcast(&gate_cond);
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 30;
        while (!gate_open)
            if (pthread_cond_timedwait(&gate_cond, &gate_lock, &deadline) != 0)
                break;
        pthread_mutex_unlock(&gate_lock);
    }
    int rc = insert_probe(db, p->n, p->note);
    if (rc == STORE_OK && p->kind == JOB_INSERT_THEN_FAIL)
        return STORE_ERR; /* its insert happened and must be undone */
    return rc;
}

static void probe_complete(writer_job_t *job)
{
    probe_job_t *p = (probe_job_t *)job;
    atomic_fetch_add(&p->completed, 1);
    atomic_fetch_add(p->done, 1);
}

static void probe_init(probe_job_t *p, int n, int kind, atomic_int *done)
{
    memset(p, 0, sizeof(*p));
    p->job.run = probe_run;
    p->job.complete = probe_complete;
    p->job.status = 12345;
    p->n = n;
    p->kind = kind;
    p->done = done;
}

static writer_t *start_writer(const char *path, int batch)
{
    writer_t *w = NULL;
    char err[512] = "";
    if (writer_start(&w, path, batch, err, sizeof(err)) != STORE_OK)
        fail_msg("writer_start: %s", err);
    return w;
}

enum { THREADS = 4, PER_THREAD = 500, JOBS = THREADS * PER_THREAD };

typedef struct {
    writer_t *w;
    probe_job_t *jobs;
    pthread_barrier_t *start;
} submitter_t;

static void *submit_all(void *arg)
{
    submitter_t *s = arg;
    pthread_barrier_wait(s->start);
    for (int i = 0; i < PER_THREAD; i++)
        writer_submit(s->w, &s->jobs[i].job);
    return NULL;
}

static void writer_commits_2000_writes_from_4_threads_in_far_fewer_commits(void **state)
{
    tmp_t *t = *state;
    create_probe_table(t->db);
    writer_t *w = start_writer(t->db, 1000);
    static probe_job_t jobs[JOBS];
    atomic_int done = 0;
    for (int i = 0; i < JOBS; i++)
        probe_init(&jobs[i], i + 1, JOB_INSERT, &done);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    pthread_t threads[THREADS];
    submitter_t subs[THREADS];
    for (int k = 0; k < THREADS; k++) {
        subs[k] = (submitter_t){w, jobs + k * PER_THREAD, &start};
        pthread_create(&threads[k], NULL, submit_all, &subs[k]);
    }
    for (int k = 0; k < THREADS; k++)
        pthread_join(threads[k], NULL);
    pthread_barrier_destroy(&start);
    if (!wait_for_count(&done, JOBS, 120))
        fail_msg("only %d of %d writes completed", atomic_load(&done), JOBS);
    uint64_t commits = writer_commits(w);
    assert_int_equal(writer_depth(w), 0);
    writer_stop(w);

    for (int i = 0; i < JOBS; i++) {
        if (jobs[i].job.status != STORE_OK)
            fail_msg("write %d completed with status %d", i + 1, jobs[i].job.status);
        assert_int_equal(atomic_load(&jobs[i].completed), 1);
    }
    store_t *db = open_db(t->db, STORE_READ_ONLY);
    assert_int_equal(query_int(db, "SELECT count(*) FROM probe"), JOBS);
    assert_int_equal(query_int(db, "SELECT sum(n) FROM probe"), (int64_t)JOBS * (JOBS + 1) / 2);
    store_close(db);
    print_message("%d writes in %llu commits\n", JOBS, (unsigned long long)commits);
    /* group commit: far fewer fsyncs than writes, and at least the batches the limit forces */
    assert_true(commits >= JOBS / 1000);
    if (commits >= JOBS)
        fail_msg("%llu commits for %d writes: no group commit", (unsigned long long)commits, JOBS);
}

static void a_failing_write_is_undone_alone_and_its_batch_commits(void **state)
{
    tmp_t *t = *state;
    create_probe_table(t->db);
    writer_t *w = start_writer(t->db, 1000);
    atomic_int done = 0;
    gate_entered = gate_open = false;

    probe_job_t gate, ok1, failing, ok2, duplicate, ok3;
    probe_init(&gate, 100, JOB_GATE, &done);
    probe_init(&ok1, 1, JOB_INSERT, &done);
    ok1.note = "first";
    probe_init(&failing, 2, JOB_INSERT_THEN_FAIL, &done);
    probe_init(&ok2, 3, JOB_INSERT, &done);
    probe_init(&duplicate, 1, JOB_INSERT, &done); /* same key as ok1, in the same batch */
    duplicate.note = "second";
    probe_init(&ok3, 5, JOB_INSERT, &done);

    writer_submit(w, &gate.job);
    pthread_mutex_lock(&gate_lock);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    while (!gate_entered)
        if (pthread_cond_timedwait(&gate_cond, &gate_lock, &deadline) != 0)
            break;
    bool entered = gate_entered;
    pthread_mutex_unlock(&gate_lock);
    assert_true(entered);

    /* the writer is busy inside the gate's run: these five queue up as one batch */
    uint64_t commits_before = writer_commits(w);
    writer_submit(w, &ok1.job);
    writer_submit(w, &failing.job);
    writer_submit(w, &ok2.job);
    writer_submit(w, &duplicate.job);
    writer_submit(w, &ok3.job);
    assert_int_equal(writer_depth(w), 6);
    assert_int_equal(atomic_load(&done), 0); /* nothing is acknowledged before its commit */

    pthread_mutex_lock(&gate_lock);
    gate_open = true;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
    if (!wait_for_count(&done, 6, 60))
        fail_msg("only %d of 6 writes completed", atomic_load(&done));
    assert_int_equal(writer_commits(w) - commits_before, 2); /* the gate's batch, then the five together */
    writer_stop(w);

    assert_int_equal(gate.job.status, STORE_OK);
    assert_int_equal(ok1.job.status, STORE_OK);
    assert_int_equal(failing.job.status, STORE_ERR);
    assert_int_equal(ok2.job.status, STORE_OK);
    assert_int_equal(duplicate.job.status, STORE_ECONSTRAINT);
    assert_int_equal(ok3.job.status, STORE_OK);

    store_t *db = open_db(t->db, STORE_READ_ONLY);
    assert_int_equal(query_int(db, "SELECT count(*) FROM probe"), 4);
    assert_int_equal(query_int(db, "SELECT count(*) FROM probe WHERE n = 2"), 0); /* the failed write's row */
    assert_int_equal(query_int(db, "SELECT count(*) FROM probe WHERE n IN (1, 3, 5, 100)"), 4);
    char note[32];
    query_text(db, "SELECT note FROM probe WHERE n = 1", note, sizeof(note));
    assert_string_equal(note, "first");
    store_close(db);
}

static void writer_stop_completes_every_write_already_submitted(void **state)
{
    tmp_t *t = *state;
    create_probe_table(t->db);
    writer_t *w = start_writer(t->db, 50);
    enum { N = 500 };
    static probe_job_t jobs[N];
    atomic_int done = 0;
    for (int i = 0; i < N; i++) {
        probe_init(&jobs[i], i + 1, JOB_INSERT, &done);
        writer_submit(w, &jobs[i].job);
    }
    writer_stop(w); /* at once, with most writes still queued */
    assert_int_equal(atomic_load(&done), N);
    for (int i = 0; i < N; i++)
        if (jobs[i].job.status != STORE_OK)
            fail_msg("write %d ended with status %d", i + 1, jobs[i].job.status);
    store_t *db = open_db(t->db, STORE_READ_ONLY);
    assert_int_equal(query_int(db, "SELECT count(*) FROM probe"), N);
    store_close(db);
}

/* ---- backup ---- */

typedef struct {
    const char *path;
    atomic_int commits;
    atomic_bool stop;
    double deadline;
    int failures;
} load_t;

/* A steady stream of small committed writes, as a busy server makes, until told to stop. */
static void *write_load(void *arg)
{
    load_t *l = arg;
    store_t *db = NULL;
    char err[512];
    if (store_open(&db, l->path, STORE_READ_WRITE, err, sizeof(err)) != STORE_OK) {
        l->failures++; /* no cmocka assertions off the test's own thread */
        return NULL;
    }
    for (int n = 1000000; !atomic_load(&l->stop) && now_s() < l->deadline; n++) {
        if (store_begin(db) != STORE_OK || insert_probe(db, n, "written during the backup") != STORE_OK ||
            store_commit(db) != STORE_OK) {
            l->failures++;
            store_rollback(db);
            continue;
        }
        atomic_fetch_add(&l->commits, 1);
    }
    store_close(db);
    return NULL;
}

static void backup_progress(int done, int total, void *arg)
{
    int *calls = arg;
    (*calls)++;
    (void)done;
    (void)total;
}

/* Fills the probe table with rows of about 1 KB: rows KB of database. */
static void fill(const char *path, int rows)
{
    create_probe_table(path);
    store_t *db = open_db(path, STORE_READ_WRITE);
    assert_int_equal(store_begin(db), STORE_OK);
    for (int i = 1; i <= rows; i++) {
        store_stmt_t *st = store_prepare(db, "INSERT INTO probe (n, note) VALUES ($1, hex(randomblob(500)))");
        assert_non_null(st);
        store_bind_int(st, 1, i);
        assert_int_equal(store_run(st), STORE_OK);
    }
    assert_int_equal(store_commit(db), STORE_OK);
    store_close(db);
}

typedef struct {
    int rc;
    char err[512];
    double took;
    int steps;
    int before, during; /* load commits before the backup began, and while it ran */
    bool load_still_running;
} backup_result_t;

/* Backs up t->db to dest, as `liaison backup` does, while another connection commits small writes
 * as fast as it can; the load stops at the deadline, or right after the backup. */
static backup_result_t backup_under_load(tmp_t *t, const char *dest, double deadline_s)
{
    load_t load = {.path = t->db, .deadline = now_s() + deadline_s};
    atomic_init(&load.commits, 0);
    atomic_init(&load.stop, false);
    pthread_t thread;
    pthread_create(&thread, NULL, write_load, &load);
    bool started_writing = wait_for_count(&load.commits, 10, 10);

    backup_result_t r = {0};
    store_t *src = open_db(t->db, STORE_READ_ONLY); /* as `liaison backup` opens it */
    r.before = atomic_load(&load.commits);
    double started = now_s();
    r.rc = store_backup(src, dest, backup_progress, &r.steps, r.err, sizeof(r.err));
    r.took = now_s() - started;
    r.during = atomic_load(&load.commits) - r.before;
    r.load_still_running = now_s() < load.deadline && !atomic_load(&load.stop);
    atomic_store(&load.stop, true);
    pthread_join(thread, NULL);
    store_close(src);
    assert_true(started_writing);
    assert_int_equal(load.failures, 0);
    print_message("backup took %.2f s in %d steps while %d writes committed\n", r.took, r.steps, r.during);
    return r;
}

static void a_backup_taken_during_writes_is_sound_and_holds_every_earlier_row(void **state)
{
    tmp_t *t = *state;
    enum { ROWS = 1000 };
    fill(t->db, ROWS);
    char dest[160];
    snprintf(dest, sizeof(dest), "%s/backup.db", t->dir);
    backup_result_t r = backup_under_load(t, dest, 30);
    if (r.rc != STORE_OK)
        fail_msg("backup failed: %s", r.err);

    store_t *copy = open_db(dest, STORE_READ_ONLY);
    char ok[64];
    query_text(copy, "PRAGMA integrity_check", ok, sizeof(ok));
    assert_string_equal(ok, "ok");
    int64_t rows = query_int(copy, "SELECT count(*) FROM probe");
    assert_true(rows >= ROWS + r.before); /* every write committed before the backup began */
    assert_true(rows <= ROWS + r.before + r.during);
    assert_int_equal(query_int(copy, "SELECT count(*) FROM probe WHERE n <= 1000"), ROWS);
    assert_int_equal(query_int(copy, "SELECT count(*) FROM schema_migrations"), migration_count());
    char err[512];
    assert_int_equal(store_schema_check(copy, err, sizeof(err)), STORE_OK);
    store_close(copy);
}

typedef struct {
    store_t *db;   /* another connection, as the server's writer is */
    int steps;     /* progress calls so far */
    int writes;    /* commits made between steps */
    int max_steps; /* after this many steps the writes stop, so a test never hangs */
    int failures;
} step_writer_t;

/* After each step of the backup, another connection commits one small write, as a live server
 * does all the time. */
static void write_between_steps(int done, int total, void *arg)
{
    step_writer_t *sw = arg;
    (void)done;
    (void)total;
    if (++sw->steps > sw->max_steps)
        return;
    if (store_begin(sw->db) != STORE_OK || insert_probe(sw->db, 2000000 + sw->steps, "between steps") != STORE_OK ||
        store_commit(sw->db) != STORE_OK) {
        sw->failures++;
        store_rollback(sw->db);
        return;
    }
    sw->writes++;
}

/*
 * An operator backs up a live server's database while it keeps committing writes. The backup must
 * finish while the writes go on, not only once the server falls quiet. Here a write lands between
 * every two steps of the backup (deterministic; a busy server does the same by chance, and with a
 * database of a few megabytes a tight write loop did: 10 s without finishing). A 2 MB database
 * takes several steps of 256 pages.
 */
static void a_backup_finishes_even_when_writes_land_between_its_steps(void **state)
{
    tmp_t *t = *state;
    enum { ROWS = 2000, MAX_STEPS = 500 };
    fill(t->db, ROWS);
    char dest[160], err[512] = "";
    snprintf(dest, sizeof(dest), "%s/backup.db", t->dir);
    step_writer_t sw = {.db = open_db(t->db, STORE_READ_WRITE), .max_steps = MAX_STEPS};
    store_t *src = open_db(t->db, STORE_READ_ONLY); /* as `liaison backup` opens it */
    int rc = store_backup(src, dest, write_between_steps, &sw, err, sizeof(err));
    store_close(src);
    store_close(sw.db);
    if (rc != STORE_OK)
        fail_msg("backup failed: %s", err);
    assert_int_equal(sw.failures, 0);
    print_message("backup took %d steps; %d writes landed between them\n", sw.steps, sw.writes);
    if (sw.steps > MAX_STEPS)
        fail_msg("the backup finished only after the writes stopped (%d steps, %d writes between them): "
                 "sqlite3_backup restarts after any commit of another connection, so copying 256 pages a step "
                 "never completes while a server keeps writing",
                 sw.steps, sw.writes);
    store_t *copy = open_db(dest, STORE_READ_ONLY);
    char ok[64];
    query_text(copy, "PRAGMA integrity_check", ok, sizeof(ok));
    assert_string_equal(ok, "ok");
    assert_true(query_int(copy, "SELECT count(*) FROM probe WHERE n <= 2000") == ROWS);
    store_close(copy);
}

static void a_backup_to_an_unwritable_place_fails_with_the_path(void **state)
{
    tmp_t *t = *state;
    store_t *db = open_migrated(t->db);
    char err[512] = "";
    assert_int_equal(store_backup(db, "/nonexistent/dir/backup.db", NULL, NULL, err, sizeof(err)), STORE_ERR);
    assert_non_null(strstr(err, "/nonexistent/dir/backup.db"));
    store_close(db);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(migrate_applies_every_migration_once_and_a_second_run_applies_none),
        T(migrations_are_numbered_from_one_without_gaps),
        T(a_newer_schema_is_refused_naming_both_versions),
        T(schema_check_refuses_a_database_that_needs_migrating),
        T(connections_use_wal_full_sync_and_foreign_keys),
        T(a_missing_database_cannot_be_opened_read_only),
        T(accounts_are_unique_by_name_ignoring_case_and_listed_by_region_range),
        T(a_session_lives_until_idle_or_absolute_expiry_or_the_account_is_disabled),
        T(the_audit_log_refuses_update_and_delete),
        T(writer_commits_2000_writes_from_4_threads_in_far_fewer_commits),
        T(a_failing_write_is_undone_alone_and_its_batch_commits),
        T(writer_stop_completes_every_write_already_submitted),
        T(a_backup_taken_during_writes_is_sound_and_holds_every_earlier_row),
        T(a_backup_finishes_even_when_writes_land_between_its_steps),
        T(a_backup_to_an_unwritable_place_fails_with_the_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
