/*
 * migrations: the versioned schema, embedded in the binary from migrations/NNN_name.sql.
 *
 * store_migrate applies, in one transaction each, every migration newer than the database's
 * version, and records it in schema_migrations. Running it again changes nothing. A database
 * whose version is newer than the newest migration known to this binary is refused with
 * STORE_ENEWER: an old binary must never write to a schema it does not understand.
 */
#ifndef LIAISON_STORE_MIGRATIONS_H
#define LIAISON_STORE_MIGRATIONS_H

#include "store/store.h"

typedef struct {
    int version;
    const char *name;
    const char *sql;
} store_migration_t;

/* Terminated by an entry with version 0; generated at build time. */
extern const store_migration_t store_migrations[];

int store_schema_latest(void);
/* The database's current version (0 for a new database). */
int store_schema_version(store_t *db, int *version);
/* Brings the schema up to date; *applied gets how many migrations ran. */
int store_migrate(store_t *db, int *applied, char *err, size_t errlen);
/* Refuses a database that is not exactly at the latest version (for serve). */
int store_schema_check(store_t *db, char *err, size_t errlen);

#endif
