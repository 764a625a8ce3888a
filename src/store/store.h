/*
 * store: the database interface. Every SQL statement in Liaison lives under src/store/ and
 * reaches the database through these functions, with parameters written $1, $2, ... (a form both
 * SQLite and PostgreSQL accept). sqlite.c implements it; a PostgreSQL backend implements the same
 * functions.
 *
 * Conventions: functions returning int give 0 (STORE_OK) on success, or a negative STORE_E*
 * code; store_errmsg() then says what went wrong. Text returned by store_col_text belongs to the
 * statement and is valid until the next store_step or store_done on it.
 *
 * One store_t is one connection and belongs to one thread. Statements come from a per-connection
 * cache: store_prepare, bind, step, then store_done to hand the statement back.
 */
#ifndef LIAISON_STORE_STORE_H
#define LIAISON_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store store_t;
typedef struct store_stmt store_stmt_t;

enum {
    STORE_OK = 0,
    STORE_ROW = 1,
    STORE_DONE = 2,
    STORE_ERR = -1,        /* anything else: I/O, corruption, misuse */
    STORE_ECONSTRAINT = -2, /* a unique, check or foreign-key rule refused the write */
    STORE_EBUSY = -3,
    STORE_ENOTFOUND = -4,
    STORE_ENEWER = -5,     /* the database's schema is newer than this binary */
    STORE_EINVALID = -6,   /* the data breaks a rule; a message says which */
};

typedef enum { STORE_READ_ONLY, STORE_READ_WRITE } store_mode_t;

/* Opens (creating when READ_WRITE) a database with WAL, foreign keys, a busy timeout and
 * synchronous=FULL, so an acknowledged commit survives a power cut. */
int store_open(store_t **out, const char *path, store_mode_t mode, char *err, size_t errlen);
void store_close(store_t *db);
const char *store_errmsg(store_t *db);

/* Returns a ready statement (from the cache when possible), or NULL with store_errmsg set. The
 * cache keys statements by the address of sql, so sql must live as long as the connection: a
 * literal, or text built once at start. */
store_stmt_t *store_prepare(store_t *db, const char *sql);
void store_bind_int(store_stmt_t *st, int n, int64_t v);
/* Text is copied; NULL binds SQL NULL. */
void store_bind_text(store_stmt_t *st, int n, const char *s);
void store_bind_textn(store_stmt_t *st, int n, const char *s, size_t len);
void store_bind_blob(store_stmt_t *st, int n, const void *p, size_t len);
void store_bind_null(store_stmt_t *st, int n);
void store_bind_real(store_stmt_t *st, int n, double v);
/* s, or NULL for an empty or absent text; id, or NULL for 0. */
void store_bind_opt_text(store_stmt_t *st, int n, const char *s);
void store_bind_opt_id(store_stmt_t *st, int n, int64_t id);
/* STORE_ROW, STORE_DONE, or a negative STORE_E* code. */
int store_step(store_stmt_t *st);
int64_t store_col_int(store_stmt_t *st, int col);
const char *store_col_text(store_stmt_t *st, int col); /* "" for NULL */
const void *store_col_blob(store_stmt_t *st, int col);
size_t store_col_bytes(store_stmt_t *st, int col);
bool store_col_null(store_stmt_t *st, int col);
double store_col_real(store_stmt_t *st, int col);
/* A malloc'd copy of the column's text, or NULL for SQL NULL. */
char *store_col_dup(store_stmt_t *st, int col);
/* Frees the n strings a record read from the store owns, and sets them to NULL. */
void store_free_texts(char **const *texts, size_t n);
#define STORE_FREE_TEXTS(...)                                                                      \
    store_free_texts((char **const[]){__VA_ARGS__}, sizeof((char **const[]){__VA_ARGS__}) / sizeof(char **))
/* Resets the statement and returns it to the cache. Always call it, also after errors. */
void store_done(store_stmt_t *st);

/* Runs SQL with no parameters; several statements allowed (migrations). */
int store_exec(store_t *db, const char *sql);
/* Steps a prepared, bound statement to completion and hands it back. */
int store_run(store_stmt_t *st);

int store_begin(store_t *db); /* a write transaction, taking the write lock at once */
int store_commit(store_t *db);
int store_rollback(store_t *db);
/* Nested units of work inside a transaction, so one request's failure spares the batch. */
int store_savepoint(store_t *db);
int store_savepoint_release(store_t *db);
int store_savepoint_rollback(store_t *db);

/* Whether a transaction is open (false after an error made SQLite roll it all back). */
bool store_in_transaction(store_t *db);
int64_t store_last_insert_id(store_t *db);
int store_changes(store_t *db);
/* Readies the connection for one large transaction (a bulk import): a page cache big enough that
 * the transaction's pages stay in memory until the commit. */
int store_bulk_mode(store_t *db);
/* A number that changes whenever any other connection commits (SQLite's data_version): a reader
 * can tell from it whether what it computed earlier may be stale. */
int store_data_version(store_t *db, int64_t *version);
/* Cheap liveness check: the database answers a query. */
int store_ping(store_t *db);

/* Online backup of a live database to dest, page by page; progress gets pages done and total. */
int store_backup(store_t *db, const char *dest, void (*progress)(int done, int total, void *arg),
                 void *arg, char *err, size_t errlen);

#endif
