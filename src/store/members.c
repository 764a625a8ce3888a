/* members: SQL for members' links to deputies and their contact log (see members.h). */
#include "store/members.h"

#include <stdio.h>
#include <string.h>

/* Steps st to its end, or until fn returns non-zero, and hands it back. */
#define STEP_EACH(st, rc, stop, call)                                                                                  \
    do {                                                                                                               \
        while (!(stop) && ((rc) = store_step(st)) == STORE_ROW)                                                        \
            (stop) = (call);                                                                                           \
        store_done(st);                                                                                                \
    } while (0)

static int finish(int rc, int stop)
{
    return stop ? STORE_OK : rc == STORE_DONE ? STORE_OK : rc;
}

int store_members_each(store_t *db, const char *lo, const char *hi, int64_t after, int limit,
                       int (*fn)(int64_t user_id, const char *display_name, const char *region, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT id, display_name, region_code FROM users"
                                         " WHERE region_code >= $1 AND region_code < $2 AND role = 'member'"
                                         " AND disabled = 0 AND id > $3 ORDER BY id LIMIT $4");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    store_bind_int(st, 3, after);
    store_bind_int(st, 4, limit);
    int rc = STORE_DONE, stop = 0;
    STEP_EACH(st, rc, stop, fn(store_col_int(st, 0), store_col_text(st, 1), store_col_text(st, 2), arg));
    return finish(rc, stop);
}

int store_member_deputies_each(store_t *db, int64_t member_user_id,
                               int (*fn)(const store_member_deputy_t *d, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT d.id, d.name, d.region_code, m.linked_at FROM member_deputies m"
                                         " JOIN deputies d ON d.id = m.deputy_id"
                                         " WHERE m.member_user_id = $1 AND d.deleted_at IS NULL ORDER BY d.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, member_user_id);
    int rc = STORE_DONE, stop = 0;
    store_member_deputy_t d;
    STEP_EACH(st, rc, stop,
              (d = (store_member_deputy_t){store_col_int(st, 0), store_col_text(st, 1), store_col_text(st, 2),
                                           store_col_int(st, 3)},
               fn(&d, arg)));
    return finish(rc, stop);
}

int store_member_deputies_set(store_t *db, int64_t member_user_id, const int64_t *ids, size_t n, int64_t now)
{
    /* links not named any more go; the others stay as they were, the new ones are added */
    store_stmt_t *st = store_prepare(db, "DELETE FROM member_deputies WHERE member_user_id = $1"
                                         " AND deputy_id NOT IN (SELECT value FROM json_each($2))");
    if (st == NULL)
        return STORE_ERR;
    char list[4096];
    size_t used = (size_t)snprintf(list, sizeof(list), "[");
    for (size_t i = 0; i < n && used < sizeof(list) - 24; i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%lld", i ? "," : "", (long long)ids[i]);
    snprintf(list + used, sizeof(list) - used, "]");
    store_bind_int(st, 1, member_user_id);
    store_bind_text(st, 2, list);
    int rc = store_run(st);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        st = store_prepare(db, "INSERT OR IGNORE INTO member_deputies (member_user_id, deputy_id, linked_at)"
                               " VALUES ($1, $2, $3)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, member_user_id);
        store_bind_int(st, 2, ids[i]);
        store_bind_int(st, 3, now);
        rc = store_run(st);
    }
    return rc;
}

int store_member_contact_add(store_t *db, const store_member_contact_t *c, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO member_contacts (member_user_id, deputy_id, happened_on,"
                                         " channel, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, c->member_user_id);
    store_bind_int(st, 2, c->deputy_id);
    store_bind_text(st, 3, c->happened_on);
    store_bind_text(st, 4, c->channel);
    store_bind_text(st, 5, c->note);
    store_bind_int(st, 6, now);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

static void read_contact(store_stmt_t *st, store_member_contact_t *c)
{
    memset(c, 0, sizeof(*c));
    c->id = store_col_int(st, 0);
    c->member_user_id = store_col_int(st, 1);
    c->deputy_id = store_col_int(st, 2);
    c->deputy_name = store_col_text(st, 3);
    snprintf(c->happened_on, sizeof(c->happened_on), "%s", store_col_text(st, 4));
    snprintf(c->channel, sizeof(c->channel), "%s", store_col_text(st, 5));
    c->note = store_col_text(st, 6);
    c->created_at = store_col_int(st, 7);
}

#define CONTACT_COLUMNS "c.id, c.member_user_id, c.deputy_id, d.name, c.happened_on, c.channel, c.note, c.created_at"

int store_member_contacts_each(store_t *db, int64_t member_user_id, int64_t deputy_id, int64_t before, int limit,
                               int (*fn)(const store_member_contact_t *c, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " CONTACT_COLUMNS " FROM member_contacts c"
                                         " JOIN deputies d ON d.id = c.deputy_id WHERE c.member_user_id = $1"
                                         " AND ($2 IS NULL OR c.deputy_id = $2) AND ($3 IS NULL OR c.id < $3)"
                                         " ORDER BY c.id DESC LIMIT $4");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, member_user_id);
    store_bind_opt_id(st, 2, deputy_id);
    store_bind_opt_id(st, 3, before);
    store_bind_int(st, 4, limit);
    int rc = STORE_DONE, stop = 0;
    store_member_contact_t c;
    STEP_EACH(st, rc, stop, (read_contact(st, &c), fn(&c, arg)));
    return finish(rc, stop);
}

int store_member_contact_get(store_t *db, int64_t member_user_id, int64_t id,
                             int (*fn)(const store_member_contact_t *c, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " CONTACT_COLUMNS " FROM member_contacts c"
                                         " JOIN deputies d ON d.id = c.deputy_id"
                                         " WHERE c.member_user_id = $1 AND c.id = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, member_user_id);
    store_bind_int(st, 2, id);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        store_member_contact_t c;
        read_contact(st, &c);
        fn(&c, arg);
    }
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_member_last_contact(store_t *db, int64_t member_user_id, int64_t deputy_id, char out[11])
{
    store_stmt_t *st = store_prepare(db, "SELECT max(happened_on) FROM member_contacts"
                                         " WHERE member_user_id = $1 AND deputy_id = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, member_user_id);
    store_bind_int(st, 2, deputy_id);
    int rc = store_step(st);
    snprintf(out, 11, "%s", rc == STORE_ROW ? store_col_text(st, 0) : "");
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ERR : rc;
}

int store_member_open_suggestions(store_t *db, int64_t deputy_id, int64_t *count)
{
    store_stmt_t *st = store_prepare(db, "SELECT count(*) FROM suggestions WHERE deputy_id = $1"
                                         " AND state NOT IN ('draft', 'letter', 'closed')");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    int rc = store_step(st);
    *count = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ERR : rc;
}
