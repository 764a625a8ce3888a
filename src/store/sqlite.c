/*
 * sqlite: the SQLite backend of store.h.
 *
 * The one idea: statements are cached per connection keyed by the address of their SQL text.
 * SQL lives in string literals under src/store/, whose addresses never change, so a lookup is a
 * pointer hash, not a string compare. A statement already in use (a nested query with the same
 * text) gets a fresh uncached one.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define CACHE_SLOTS 256

struct store_stmt {
    sqlite3_stmt *stmt;
    store_t *db;
    const char *sql;
    bool in_use;
    bool cached;
};

struct store {
    sqlite3 *conn;
    store_stmt_t cache[CACHE_SLOTS];
};

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return STORE_OK;
    case SQLITE_ROW: return STORE_ROW;
    case SQLITE_DONE: return STORE_DONE;
    case SQLITE_CONSTRAINT: return STORE_ECONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return STORE_EBUSY;
    default: return STORE_ERR;
    }
}

int store_open(store_t **out, const char *path, store_mode_t mode, char *err, size_t errlen)
{
    int flags = mode == STORE_READ_ONLY ? SQLITE_OPEN_READONLY
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX; /* one connection per thread */
    sqlite3 *conn = NULL;
    int rc = sqlite3_open_v2(path, &conn, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
        sqlite3_close(conn);
        return STORE_ERR;
    }
    sqlite3_extended_result_codes(conn, 1);
    sqlite3_busy_timeout(conn, 5000);
    const char *pragmas = mode == STORE_READ_ONLY
                              ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                              : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                "PRAGMA foreign_keys=ON;";
    char *msg = NULL;
    if (sqlite3_exec(conn, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : "cannot configure database");
        sqlite3_free(msg);
        sqlite3_close(conn);
        return STORE_ERR;
    }
    store_t *db = calloc(1, sizeof(*db));
    if (db == NULL)
        abort();
    db->conn = conn;
    *out = db;
    return STORE_OK;
}

void store_close(store_t *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++)
        sqlite3_finalize(db->cache[i].stmt);
    sqlite3_close(db->conn);
    free(db);
}

const char *store_errmsg(store_t *db)
{
    return sqlite3_errmsg(db->conn);
}

static store_stmt_t *prepare_into(store_t *db, store_stmt_t *slot, const char *sql)
{
    if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt, NULL) !=
        SQLITE_OK)
        return NULL;
    slot->db = db;
    slot->sql = sql;
    slot->in_use = true;
    return slot;
}

store_stmt_t *store_prepare(store_t *db, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
    for (size_t probe = 0; probe < 8; probe++) {
        store_stmt_t *s = &db->cache[(h + probe) % CACHE_SLOTS];
        if (s->sql == sql && !s->in_use) {
            s->in_use = true;
            return s;
        }
        if (s->sql == NULL) {
            s->cached = true;
            return prepare_into(db, s, sql);
        }
    }
    store_stmt_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        abort();
    if (prepare_into(db, s, sql) == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

/* The index SQLite gave "$n" (its order of first appearance, which need not be n); n < 100. */
static int param(store_stmt_t *st, int n)
{
    char name[8] = "$", *p = name + 1;
    if (n >= 10)
        *p++ = (char)('0' + n / 10 % 10);
    *p++ = (char)('0' + n % 10);
    *p = '\0';
    return sqlite3_bind_parameter_index(st->stmt, name);
}

void store_bind_int(store_stmt_t *st, int n, int64_t v)
{
    sqlite3_bind_int64(st->stmt, param(st, n), v);
}

void store_bind_text(store_stmt_t *st, int n, const char *s)
{
    if (s == NULL)
        sqlite3_bind_null(st->stmt, param(st, n));
    else
        sqlite3_bind_text(st->stmt, param(st, n), s, -1, SQLITE_TRANSIENT);
}

void store_bind_textn(store_stmt_t *st, int n, const char *s, size_t len)
{
    sqlite3_bind_text(st->stmt, param(st, n), s, (int)len, SQLITE_TRANSIENT);
}

void store_bind_blob(store_stmt_t *st, int n, const void *p, size_t len)
{
    sqlite3_bind_blob(st->stmt, param(st, n), p, (int)len, SQLITE_TRANSIENT);
}

void store_bind_real(store_stmt_t *st, int n, double v)
{
    sqlite3_bind_double(st->stmt, param(st, n), v);
}

void store_bind_null(store_stmt_t *st, int n)
{
    sqlite3_bind_null(st->stmt, param(st, n));
}

void store_bind_opt_text(store_stmt_t *st, int n, const char *s)
{
    if (s && *s)
        store_bind_text(st, n, s);
    else
        store_bind_null(st, n);
}

void store_bind_opt_id(store_stmt_t *st, int n, int64_t id)
{
    if (id)
        store_bind_int(st, n, id);
    else
        store_bind_null(st, n);
}

char *store_col_dup(store_stmt_t *st, int col)
{
    return store_col_null(st, col) ? NULL : strdup(store_col_text(st, col));
}

void store_free_texts(char **const *texts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(*texts[i]);
        *texts[i] = NULL;
    }
}

int store_step(store_stmt_t *st)
{
    return map_rc(sqlite3_step(st->stmt));
}

int64_t store_col_int(store_stmt_t *st, int col)
{
    return sqlite3_column_int64(st->stmt, col);
}

const char *store_col_text(store_stmt_t *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st->stmt, col);
    return t ? (const char *)t : "";
}

const void *store_col_blob(store_stmt_t *st, int col)
{
    return sqlite3_column_blob(st->stmt, col);
}

size_t store_col_bytes(store_stmt_t *st, int col)
{
    return (size_t)sqlite3_column_bytes(st->stmt, col);
}

double store_col_real(store_stmt_t *st, int col)
{
    return sqlite3_column_double(st->stmt, col);
}

bool store_col_null(store_stmt_t *st, int col)
{
    return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

void store_done(store_stmt_t *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st->stmt);
    sqlite3_clear_bindings(st->stmt);
    if (st->cached) {
        st->in_use = false;
    } else {
        sqlite3_finalize(st->stmt);
        free(st);
    }
}

int store_run(store_stmt_t *st)
{
    int rc = store_step(st);
    while (rc == STORE_ROW)
        rc = store_step(st);
    store_done(st);
    return rc == STORE_DONE ? STORE_OK : rc;
}

int store_exec(store_t *db, const char *sql)
{
    return map_rc(sqlite3_exec(db->conn, sql, NULL, NULL, NULL));
}

int store_begin(store_t *db) { return store_exec(db, "BEGIN IMMEDIATE"); }
int store_commit(store_t *db) { return store_exec(db, "COMMIT"); }
int store_rollback(store_t *db) { return store_exec(db, "ROLLBACK"); }
/* Savepoints come twice per write from the group-commit writer: prepared once, not parsed each time. */
static int run_cached(store_t *db, const char *sql)
{
    store_stmt_t *st = store_prepare(db, sql);
    return st ? store_run(st) : STORE_ERR;
}

int store_savepoint(store_t *db) { return run_cached(db, "SAVEPOINT unit_of_work"); }
int store_savepoint_release(store_t *db) { return run_cached(db, "RELEASE unit_of_work"); }

int store_savepoint_rollback(store_t *db)
{
    int rc = run_cached(db, "ROLLBACK TO unit_of_work");
    return rc ? rc : run_cached(db, "RELEASE unit_of_work");
}

bool store_in_transaction(store_t *db)
{
    return !sqlite3_get_autocommit(db->conn);
}

int64_t store_last_insert_id(store_t *db)
{
    return sqlite3_last_insert_rowid(db->conn);
}

int store_changes(store_t *db)
{
    return sqlite3_changes(db->conn);
}

int store_bulk_mode(store_t *db)
{
    return store_exec(db, "PRAGMA cache_size = -524288"); /* 512 MiB, in KiB */
}

int store_data_version(store_t *db, int64_t *version)
{
    store_stmt_t *st = store_prepare(db, "PRAGMA data_version");
    if (st == NULL)
        return STORE_ERR;
    int rc = store_step(st);
    if (rc == STORE_ROW)
        *version = store_col_int(st, 0);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : STORE_ERR;
}

int store_ping(store_t *db)
{
    store_stmt_t *st = store_prepare(db, "SELECT count(*) FROM schema_migrations");
    if (st == NULL)
        return STORE_ERR;
    int rc = store_step(st);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : STORE_ERR;
}

int store_backup(store_t *db, const char *dest, void (*progress)(int, int, void *), void *arg,
                 char *err, size_t errlen)
{
    /* a backup holds password hashes and sealed personal data: only the owner may read it */
    int fd = open(dest, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) != 0) {
        snprintf(err, errlen, "%s: %s", dest, strerror(errno));
        if (fd >= 0)
            close(fd);
        return STORE_ERR;
    }
    close(fd);
    sqlite3 *out = NULL;
    if (sqlite3_open(dest, &out) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        return STORE_ERR;
    }
    sqlite3_backup *b = sqlite3_backup_init(out, "main", db->conn, "main");
    if (b == NULL) {
        snprintf(err, errlen, "%s: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        return STORE_ERR;
    }
    /* One step: in WAL mode it holds a read snapshot and never blocks the writer, whereas small
     * steps start over each time the live server commits between them. */
    if (progress)
        progress(0, sqlite3_backup_pagecount(b), arg);
    int rc;
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep(20);
    if (progress)
        progress(sqlite3_backup_pagecount(b), sqlite3_backup_pagecount(b), arg);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", dest, sqlite3_errstr(rc));
        sqlite3_close(out);
        return STORE_ERR;
    }
    sqlite3_close(out);
    return STORE_OK;
}
