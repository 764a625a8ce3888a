/*
 * accounts: users and their sessions in the database. Returns STORE_OK, STORE_ENOTFOUND when
 * the row is absent, STORE_ECONSTRAINT when a rule refuses a write, or another STORE_E* code.
 */
#ifndef LIAISON_STORE_ACCOUNTS_H
#define LIAISON_STORE_ACCOUNTS_H

#include <stdint.h>

#include "store/store.h"

enum { STORE_USER_MAX_STATIONS = 8 };

typedef struct {
    int64_t id;
    char username[64];
    char display_name[192]; /* up to 40 characters of any width */
    char password_hash[128];
    char role[16];
    char region[13];
    int64_t unit_id;   /* 0 = none */
    int64_t deputy_id; /* 0 = none */
    int disabled;
    int64_t created_at;
    int64_t stations[STORE_USER_MAX_STATIONS]; /* staff: the stations they work for */
    int nstations;
} store_user_t;

typedef struct {
    store_user_t user;
    char csrf[64];
    int64_t last_seen_at;
} store_session_t;

int store_user_by_username(store_t *db, const char *username, store_user_t *out);
int store_user_by_id(store_t *db, int64_t id, store_user_t *out);
/* Inserts u (its id is ignored) and sets *id. */
int store_user_insert(store_t *db, const store_user_t *u, int64_t now, int64_t *id);
int store_user_set_password(store_t *db, int64_t id, const char *hash, int64_t now);
int store_user_set_disabled(store_t *db, int64_t id, int disabled, int64_t now);
/* Replaces the stations a staff account works for. */
int store_user_set_stations(store_t *db, int64_t id, const int64_t *stations, int n);
/* Calls each(user, arg) for accounts whose region lies in [lo, hi), by username; stops early if
 * each returns non-zero. Pass lo = hi = NULL for every account. */
int store_user_each(store_t *db, const char *lo, const char *hi, int limit, int offset,
                    int (*each)(const store_user_t *u, void *arg), void *arg);

int store_session_insert(store_t *db, const unsigned char *hash, size_t hash_len, int64_t user_id,
                         const char *csrf, int64_t now, int64_t expires_at, const char *ip);
/* A live session: not past its absolute expiry, used within idle_s, of an enabled account. */
int store_session_lookup(store_t *db, const unsigned char *hash, size_t hash_len, int64_t now,
                         int idle_s, store_session_t *out);
int store_session_touch(store_t *db, const unsigned char *hash, size_t hash_len, int64_t now);
int store_session_delete(store_t *db, const unsigned char *hash, size_t hash_len);
/* Ends every session of the account except keep (NULL: all), e.g. after a password change. */
int store_session_delete_for_user(store_t *db, int64_t user_id, const unsigned char *keep, size_t keep_len);

#endif
