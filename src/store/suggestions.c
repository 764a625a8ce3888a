/*
 * suggestions: the SQL of deputy suggestions. One column list (COLUMNS) and one reader
 * (read_row) serve every query that returns suggestions, so a list entry and the record read
 * alone never disagree.
 */
#include "store/suggestions.h"

#include <stdlib.h>
#include <string.h>

#define COLUMNS                                                                                                        \
    "s.id, coalesce(s.deputy_id, 0), coalesce(s.congress_id, 0), coalesce(s.category_id, 0), "                         \
    "coalesce(s.number, 0), coalesce(s.opinion_id, 0), coalesce(s.supervisor_user_id, 0), s.region_code, "             \
    "s.session, coalesce(s.reply_type, ''), coalesce(cat.code, ''), s.state, s.title, s.content, "                     \
    "s.reply_text, s.reply_reason, s.signed_by, s.rating_comment, coalesce(s.reply_category, ''), "                    \
    "coalesce(s.rating, ''), coalesce(s.result_rating, ''), s.reopens, s.key_suggestion, s.consent_deputy, "           \
    "s.consent_unit, s.near_notified, coalesce(s.due, 0), coalesce(s.contest_due, 0), "                                \
    "coalesce(s.commitment_at, 0), coalesce(s.reply_unit_id, 0), coalesce(s.submitted_at, 0), "                        \
    "coalesce(s.accepted_at, 0), coalesce(s.assigned_at, 0), coalesce(s.replied_at, 0), "                              \
    "coalesce(s.closed_at, 0), s.created_at, s.updated_at, d.name, c.name, "                                           \
    "(SELECT u.name FROM suggestion_units su JOIN units u ON u.id = su.unit_id WHERE su.suggestion_id = s.id"          \
    " AND su.role = 'lead' AND su.state <> 'replaced'), "                                                              \
    "coalesce((SELECT su.unit_id FROM suggestion_units su WHERE su.suggestion_id = s.id AND su.role = 'lead'"          \
    " AND su.state <> 'replaced'), 0) "
#define FROM                                                                                                           \
    " FROM suggestions s LEFT JOIN deputies d ON d.id = s.deputy_id LEFT JOIN congresses c ON c.id = s.congress_id"    \
    " LEFT JOIN categories cat ON cat.id = s.category_id "

static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int word(int index)
{
    return index < 0 ? 0 : index;
}

static void read_row(store_stmt_t *st, store_suggestion_t *s)
{
    memset(s, 0, sizeof(*s));
    s->id = store_col_int(st, 0);
    s->deputy_id = store_col_int(st, 1);
    s->congress_id = store_col_int(st, 2);
    s->category_id = store_col_int(st, 3);
    s->number = store_col_int(st, 4);
    s->opinion_id = store_col_int(st, 5);
    s->supervisor_user_id = store_col_int(st, 6);
    copy(s->region, sizeof(s->region), store_col_text(st, 7));
    copy(s->session, sizeof(s->session), store_col_text(st, 8));
    copy(s->reply_type, sizeof(s->reply_type), store_col_text(st, 9));
    copy(s->category_code, sizeof(s->category_code), store_col_text(st, 10));
    s->state = (suggestion_state_t)word(suggestion_state_from_name(store_col_text(st, 11)));
    s->title = store_col_dup(st, 12);
    s->content = store_col_dup(st, 13);
    s->reply_text = store_col_dup(st, 14);
    s->reply_reason = store_col_dup(st, 15);
    s->signed_by = store_col_dup(st, 16);
    s->rating_comment = store_col_dup(st, 17);
    s->reply_category = (suggestion_reply_category_t)word(suggestion_category_from_name(store_col_text(st, 18)));
    s->rating = (suggestion_rating_t)word(suggestion_rating_from_name(store_col_text(st, 19)));
    s->result_rating = (suggestion_rating_t)word(suggestion_rating_from_name(store_col_text(st, 20)));
    s->reopens = (int)store_col_int(st, 21);
    s->key = store_col_int(st, 22) != 0;
    s->consent_deputy = store_col_int(st, 23) != 0;
    s->consent_unit = store_col_int(st, 24) != 0;
    s->near_notified = store_col_int(st, 25) != 0;
    s->due = store_col_int(st, 26);
    s->contest_due = store_col_int(st, 27);
    s->commitment_at = store_col_int(st, 28);
    s->reply_unit_id = store_col_int(st, 29);
    s->submitted_at = store_col_int(st, 30);
    s->accepted_at = store_col_int(st, 31);
    s->assigned_at = store_col_int(st, 32);
    s->replied_at = store_col_int(st, 33);
    s->closed_at = store_col_int(st, 34);
    s->created_at = store_col_int(st, 35);
    s->updated_at = store_col_int(st, 36);
    s->deputy_name = store_col_dup(st, 37);
    s->congress_name = store_col_dup(st, 38);
    s->lead_unit_name = store_col_dup(st, 39);
    s->lead_unit_id = store_col_int(st, 40);
    if (s->title == NULL)
        s->title = strdup("");
    if (s->content == NULL)
        s->content = strdup("");
}

void store_suggestion_free(store_suggestion_t *s)
{
    STORE_FREE_TEXTS(&s->title, &s->content, &s->reply_text, &s->reply_reason, &s->signed_by, &s->rating_comment,
                     &s->deputy_name, &s->congress_name, &s->lead_unit_name);
}

/* Calls fn with each row of st (COLUMNS first) until it returns nonzero; hands st back. */
static int each_suggestion(store_stmt_t *st, int (*fn)(const store_suggestion_t *s, void *arg), void *arg)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_suggestion_t s;
        read_row(st, &s);
        int stop = fn(&s, arg);
        store_suggestion_free(&s);
        if (stop)
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_suggestion_get(store_t *db, int64_t id, store_suggestion_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " COLUMNS FROM " WHERE s.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_row(st, out);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_suggestion_insert(store_t *db, const store_suggestion_t *s, int64_t *id)
{
    /* the row is made with what it cannot be without; store_suggestion_save writes the rest */
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO suggestions (deputy_id, region_code, title, content, state, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, 'draft', $5, $5)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_opt_id(st, 1, s->deputy_id);
    store_bind_text(st, 2, s->region);
    store_bind_text(st, 3, s->title);
    store_bind_text(st, 4, s->content);
    store_bind_int(st, 5, s->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

static void bind_opt_word(store_stmt_t *st, int n, const char *w)
{
    store_bind_opt_text(st, n, w && *w ? w : NULL);
}

int store_suggestion_save(store_t *db, const store_suggestion_t *s)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE suggestions SET title = $2, content = $3, state = $4, congress_id = $5, session = $6,"
            " category_id = $7, number = $8, key_suggestion = $9, supervisor_user_id = $10, due = $11,"
            " contest_due = $12, reply_category = $13, reply_type = $14, reply_text = $15, reply_reason = $16,"
            " commitment_at = $17, signed_by = $18, reply_unit_id = $19, rating = $20, rating_comment = $21,"
            " result_rating = $22, reopens = $23, consent_deputy = $24, consent_unit = $25, submitted_at = $26,"
            " accepted_at = $27, assigned_at = $28, replied_at = $29, closed_at = $30, updated_at = $31,"
            " region_code = $32, near_notified = $33 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, s->id);
    store_bind_text(st, 2, s->title);
    store_bind_text(st, 3, s->content);
    store_bind_text(st, 4, suggestion_state_name(s->state));
    store_bind_opt_id(st, 5, s->congress_id);
    store_bind_text(st, 6, s->session);
    store_bind_opt_id(st, 7, s->category_id);
    store_bind_opt_id(st, 8, s->number);
    store_bind_int(st, 9, s->key);
    store_bind_opt_id(st, 10, s->supervisor_user_id);
    store_bind_opt_id(st, 11, s->due);
    store_bind_opt_id(st, 12, s->contest_due);
    bind_opt_word(st, 13, suggestion_category_name(s->reply_category));
    bind_opt_word(st, 14, s->reply_type);
    store_bind_text(st, 15, s->reply_text);
    store_bind_text(st, 16, s->reply_reason);
    store_bind_opt_id(st, 17, s->commitment_at);
    store_bind_text(st, 18, s->signed_by);
    store_bind_opt_id(st, 19, s->reply_unit_id);
    bind_opt_word(st, 20, suggestion_rating_name(s->rating));
    store_bind_text(st, 21, s->rating_comment);
    bind_opt_word(st, 22, suggestion_rating_name(s->result_rating));
    store_bind_int(st, 23, s->reopens);
    store_bind_int(st, 24, s->consent_deputy);
    store_bind_int(st, 25, s->consent_unit);
    store_bind_opt_id(st, 26, s->submitted_at);
    store_bind_opt_id(st, 27, s->accepted_at);
    store_bind_opt_id(st, 28, s->assigned_at);
    store_bind_opt_id(st, 29, s->replied_at);
    store_bind_opt_id(st, 30, s->closed_at);
    store_bind_int(st, 31, s->updated_at);
    store_bind_text(st, 32, s->region);
    store_bind_int(st, 33, s->near_notified);
    return store_run(st);
}

int store_suggestion_next_number(store_t *db, int64_t congress_id, const char *session, int64_t *number)
{
    store_stmt_t *st =
        store_prepare(db, "INSERT INTO suggestion_numbers (congress_id, session, last) VALUES ($1, $2, 1)"
                          " ON CONFLICT (congress_id, session) DO UPDATE SET last = last + 1 RETURNING last");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, congress_id);
    store_bind_text(st, 2, session);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        *number = store_col_int(st, 0);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc < 0 ? rc : STORE_ERR;
}

/* Runs a one-row query with id parameters and reports whether it found a row. */
static int exists(store_t *db, const char *sql, int64_t a, int64_t b, bool *found)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, a);
    store_bind_int(st, 2, b);
    int rc = store_step(st);
    store_done(st);
    *found = rc == STORE_ROW;
    return rc < 0 ? rc : STORE_OK;
}

int store_suggestion_deputy_sits(store_t *db, int64_t deputy_id, int64_t congress_id, bool *sits)
{
    return exists(db,
                  "SELECT 1 FROM deputy_seats ds JOIN deputies d ON d.id = ds.deputy_id"
                  " WHERE ds.deputy_id = $1 AND ds.congress_id = $2 AND d.deleted_at IS NULL",
                  deputy_id, congress_id, sits);
}

int store_suggestion_is_cosigner(store_t *db, int64_t id, int64_t deputy_id, bool *is)
{
    return exists(db, "SELECT 1 FROM suggestion_cosigners WHERE suggestion_id = $1 AND deputy_id = $2", id, deputy_id,
                  is);
}

/* ---- events ---- */

int store_suggestion_event_add(store_t *db, const store_suggestion_event_t *e)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO suggestion_events (suggestion_id, at, actor_id, actor, action, from_state, to_state, note)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, e->suggestion_id);
    store_bind_int(st, 2, e->at);
    store_bind_opt_id(st, 3, e->actor_id);
    store_bind_text(st, 4, e->actor);
    store_bind_text(st, 5, e->action);
    store_bind_opt_text(st, 6, e->from_state);
    store_bind_text(st, 7, e->to_state);
    store_bind_text(st, 8, e->note ? e->note : "");
    return store_run(st);
}

int store_suggestion_events_each(store_t *db, int64_t id, int (*fn)(const store_suggestion_event_t *e, void *arg),
                                 void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT suggestion_id, at, coalesce(actor_id, 0), actor, action, coalesce(from_state, ''), to_state, note"
            " FROM suggestion_events WHERE suggestion_id = $1 ORDER BY id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_suggestion_event_t e = {store_col_int(st, 0),  store_col_int(st, 1),  store_col_int(st, 2),
                                      store_col_text(st, 3), store_col_text(st, 4), store_col_text(st, 5),
                                      store_col_text(st, 6), store_col_text(st, 7)};
        if (fn(&e, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- co-signers and source opinions ---- */

int store_suggestion_set_cosigners(store_t *db, int64_t id, const int64_t *ids, int n, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "DELETE FROM suggestion_cosigners WHERE suggestion_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_run(st);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        st = store_prepare(db, "INSERT OR IGNORE INTO suggestion_cosigners (suggestion_id, deputy_id, invited_at)"
                               " VALUES ($1, $2, $3)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, ids[i]);
        store_bind_int(st, 3, now);
        rc = store_run(st);
    }
    return rc;
}

int store_suggestion_cosigner_answer(store_t *db, int64_t id, int64_t deputy_id, bool confirm, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE suggestion_cosigners SET state = $3, answered_at = $4 WHERE suggestion_id = $1 AND deputy_id = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, deputy_id);
    store_bind_text(st, 3, confirm ? "confirmed" : "declined");
    store_bind_int(st, 4, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_suggestion_cosigners_each(store_t *db, int64_t id, int (*fn)(const store_cosigner_t *c, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db,
        "SELECT c.deputy_id, coalesce(d.name, ''), c.state FROM suggestion_cosigners c"
        " LEFT JOIN deputies d ON d.id = c.deputy_id WHERE c.suggestion_id = $1 ORDER BY c.invited_at, c.deputy_id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_cosigner_t c = {store_col_int(st, 0), store_col_text(st, 1), store_col_text(st, 2)};
        if (fn(&c, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_suggestion_set_opinions(store_t *db, int64_t id, const int64_t *ids, int n)
{
    store_stmt_t *st = store_prepare(db, "UPDATE opinions SET suggestion_id = NULL WHERE suggestion_id = $1 AND id IN"
                                         " (SELECT opinion_id FROM suggestion_opinions WHERE suggestion_id = $1)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_run(st);
    if (rc == STORE_OK &&
        (st = store_prepare(db, "DELETE FROM suggestion_opinions WHERE suggestion_id = $1")) != NULL) {
        store_bind_int(st, 1, id);
        rc = store_run(st);
    }
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        st = store_prepare(db, "INSERT OR IGNORE INTO suggestion_opinions (suggestion_id, opinion_id) VALUES ($1, $2)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, ids[i]);
        rc = store_run(st);
        if (rc == STORE_OK &&
            (st = store_prepare(db, "UPDATE opinions SET suggestion_id = $1 WHERE id = $2")) != NULL) {
            store_bind_int(st, 1, id);
            store_bind_int(st, 2, ids[i]);
            rc = store_run(st);
        }
    }
    return rc;
}

int store_suggestion_opinions_each(store_t *db, int64_t id, int (*fn)(const store_linked_opinion_t *o, void *arg),
                                   void *arg)
{
    store_stmt_t *st = store_prepare(
        /* the links, and the opinion a draft of the opinion loop grew from */
        db,
        "SELECT o.id, o.tracking_code, o.state FROM opinions o WHERE o.id IN (SELECT opinion_id FROM"
        " suggestion_opinions WHERE suggestion_id = $1) OR o.id = (SELECT opinion_id FROM suggestions WHERE id = $1)"
        " ORDER BY o.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_linked_opinion_t o = {store_col_int(st, 0), store_col_text(st, 1), store_col_text(st, 2)};
        if (fn(&o, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- attachments ---- */

int store_suggestion_file_add(store_t *db, const store_suggestion_file_t *f, int64_t *id)
{
    store_stmt_t *st =
        store_prepare(db, "INSERT INTO suggestion_attachments (suggestion_id, name, mime, bytes, data, created_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, f->suggestion_id);
    store_bind_text(st, 2, f->name);
    store_bind_text(st, 3, f->mime);
    store_bind_int(st, 4, f->bytes);
    store_bind_blob(st, 5, f->data, (size_t)f->bytes);
    store_bind_int(st, 6, f->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

static int each_file(store_stmt_t *st, bool with_data, int (*fn)(const store_suggestion_file_t *f, void *arg),
                     void *arg, bool *found)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        *found = true;
        store_suggestion_file_t f = {store_col_int(st, 0),
                                     store_col_int(st, 1),
                                     store_col_int(st, 4),
                                     store_col_int(st, 5),
                                     store_col_text(st, 2),
                                     store_col_text(st, 3),
                                     with_data ? store_col_blob(st, 6) : NULL};
        if (fn(&f, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_suggestion_files_each(store_t *db, int64_t id, int (*fn)(const store_suggestion_file_t *f, void *arg),
                                void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT id, suggestion_id, name, mime, bytes, created_at"
                                         " FROM suggestion_attachments WHERE suggestion_id = $1 ORDER BY id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    bool found = false;
    return each_file(st, false, fn, arg, &found);
}

int store_suggestion_file_get(store_t *db, int64_t file_id, int (*fn)(const store_suggestion_file_t *f, void *arg),
                              void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT id, suggestion_id, name, mime, bytes, created_at, data"
                                         " FROM suggestion_attachments WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, file_id);
    bool found = false;
    int rc = each_file(st, true, fn, arg, &found);
    return rc == STORE_OK && !found ? STORE_ENOTFOUND : rc;
}

/* ---- assignments and the communication log ---- */

int store_assignment_add(store_t *db, int64_t id, int64_t unit_id, const char *role, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO suggestion_units (suggestion_id, unit_id, role, created_at, "
                                         "updated_at) VALUES ($1, $2, $3, $4, $4)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, unit_id);
    store_bind_text(st, 3, role);
    store_bind_int(st, 4, now);
    return store_run(st);
}

int store_assignments_replace(store_t *db, int64_t id, int64_t now)
{
    return store_assignments_set_state(db, id, "replaced", now);
}

int store_assignments_set_state(store_t *db, int64_t id, const char *state, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE suggestion_units SET state = $2, updated_at = $3 WHERE suggestion_id = $1 AND state <> 'replaced'");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_text(st, 2, state);
    store_bind_int(st, 3, now);
    return store_run(st);
}

int store_assignments_each(store_t *db, int64_t id, int (*fn)(const store_assignment_t *a, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT su.id, su.suggestion_id, su.unit_id, su.created_at, su.updated_at, coalesce(u.name, ''), su.role,"
            " su.state, su.contest_reason, su.opinion FROM suggestion_units su LEFT JOIN units u ON u.id = su.unit_id"
            " WHERE su.suggestion_id = $1 AND su.state <> 'replaced' ORDER BY su.role DESC, su.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_assignment_t a = {store_col_int(st, 0),
                                store_col_int(st, 1),
                                store_col_int(st, 2),
                                store_col_int(st, 3),
                                store_col_int(st, 4),
                                store_col_text(st, 5),
                                store_col_text(st, 6),
                                store_col_text(st, 7),
                                store_col_null(st, 8) ? NULL : store_col_text(st, 8),
                                store_col_null(st, 9) ? NULL : store_col_text(st, 9)};
        if (fn(&a, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_assignment_of(store_t *db, int64_t id, int64_t unit_id, int64_t *row, char role[8])
{
    store_stmt_t *st = store_prepare(db, "SELECT id, role FROM suggestion_units WHERE suggestion_id = $1 AND"
                                         " unit_id = $2 AND state <> 'replaced'");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, unit_id);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        *row = store_col_int(st, 0);
        copy(role, 8, store_col_text(st, 1));
    }
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_assignment_update(store_t *db, int64_t row, const char *state, const char *contest_reason,
                            const char *opinion, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE suggestion_units SET state = coalesce($2, state), contest_reason = coalesce($3, contest_reason),"
            " opinion = coalesce($4, opinion), updated_at = $5 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, row);
    store_bind_text(st, 2, state);
    store_bind_text(st, 3, contest_reason);
    store_bind_text(st, 4, opinion);
    store_bind_int(st, 5, now);
    return store_run(st);
}

int store_contact_add(store_t *db, const store_contact_t *c, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO suggestion_contacts (suggestion_id, unit_id, stage, way, text, created_by, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, c->suggestion_id);
    store_bind_int(st, 2, c->unit_id);
    store_bind_text(st, 3, c->stage);
    store_bind_text(st, 4, c->way);
    store_bind_text(st, 5, c->text);
    store_bind_opt_id(st, 6, c->created_by);
    store_bind_int(st, 7, c->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_contacts_each(store_t *db, int64_t id, int (*fn)(const store_contact_t *c, void *arg), void *arg)
{
    store_stmt_t *st =
        store_prepare(db, "SELECT id, suggestion_id, unit_id, coalesce(created_by, 0), created_at, stage, way, text"
                          " FROM suggestion_contacts WHERE suggestion_id = $1 ORDER BY id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_contact_t c = {store_col_int(st, 0), store_col_int(st, 1),  store_col_int(st, 2),  store_col_int(st, 3),
                             store_col_int(st, 4), store_col_text(st, 5), store_col_text(st, 6), store_col_text(st, 7)};
        if (fn(&c, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- lists and figures ---- */

#define HELD_BY_UNITS " s.state IN ('assigned', 'contested', 'handling') "
#define FILTERS " AND ($3 = '' OR s.state = $3) AND ($4 = 0 OR s.congress_id = $4) AND ($5 = '' OR s.session = $5) "
#define PAGE " AND ($6 = 0 OR s.id < $6) ORDER BY s.id DESC LIMIT $7"

static const char *list_sql(suggestion_list_kind_t kind)
{
    switch (kind) {
    case SUGGESTION_LIST_REGION:
        return "SELECT " COLUMNS FROM
               " WHERE s.region_code >= $1 AND s.region_code < $2 AND s.state <> 'draft'" FILTERS PAGE;
    case SUGGESTION_LIST_DEPUTY:
        return "SELECT " COLUMNS FROM " WHERE (s.deputy_id = $9 OR (s.state <> 'draft' AND"
               " s.id IN (SELECT suggestion_id FROM suggestion_cosigners WHERE deputy_id = $9)))" FILTERS PAGE;
    case SUGGESTION_LIST_UNIT:
        return "SELECT " COLUMNS FROM " WHERE s.id IN (SELECT suggestion_id FROM"
               " suggestion_units WHERE unit_id = $9 AND state <> 'replaced')" FILTERS PAGE;
    case SUGGESTION_LIST_OVERDUE:
        return "SELECT " COLUMNS FROM " WHERE s.region_code >= $1 AND s.region_code < $2 AND" HELD_BY_UNITS
               " AND s.due < $8" FILTERS " ORDER BY s.due, s.id LIMIT $7";
    case SUGGESTION_LIST_NEAR:
        return "SELECT " COLUMNS FROM " WHERE s.region_code >= $1 AND s.region_code < $2 AND" HELD_BY_UNITS
               " AND s.due >= $8 AND s.due <= $9" FILTERS " ORDER BY s.due, s.id LIMIT $7";
    case SUGGESTION_LIST_FOLLOW_UP:
        return "SELECT " COLUMNS FROM " WHERE s.commitment_at IS NOT NULL AND s.result_rating IS NULL AND"
               " s.commitment_at <= $8 AND s.region_code >= $1 AND s.region_code < $2 AND"
               " s.state IN ('replied', 'evaluated')" FILTERS " ORDER BY s.commitment_at, s.id"
               " LIMIT $7";
    case SUGGESTION_LIST_PUBLISHED:
        return "SELECT " COLUMNS FROM " WHERE s.reply_text IS NOT NULL AND s.consent_deputy = 1 AND s.consent_unit = 1"
               " AND s.state IN ('replied', 'evaluated', 'closed') AND s.region_code >= $1 AND s.region_code < "
               "$2" FILTERS PAGE;
    case SUGGESTION_LIST_SUPERVISED:
        return "SELECT " COLUMNS FROM " WHERE s.key_suggestion = 1 AND s.supervisor_user_id = $9" FILTERS PAGE;
    }
    return NULL;
}

int store_suggestions_list(store_t *db, const store_suggestion_filter_t *f,
                           int (*fn)(const store_suggestion_t *s, void *arg), void *arg)
{
    const char *sql = list_sql(f->kind);
    store_stmt_t *st = sql ? store_prepare(db, sql) : NULL;
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, f->region_lo ? f->region_lo : "");
    store_bind_text(st, 2, f->region_hi ? f->region_hi : "~");
    store_bind_text(st, 3, f->state ? f->state : "");
    store_bind_int(st, 4, f->congress_id);
    store_bind_text(st, 5, f->session ? f->session : "");
    /* each query names only the parameters it uses; the others bind to nothing */
    store_bind_int(st, 6, f->after);
    store_bind_int(st, 7, f->limit > 0 ? f->limit : 50);
    bool by_time =
        f->kind == SUGGESTION_LIST_OVERDUE || f->kind == SUGGESTION_LIST_NEAR || f->kind == SUGGESTION_LIST_FOLLOW_UP;
    store_bind_int(st, 8, by_time ? f->now : 0);
    store_bind_int(st, 9,
                   f->kind == SUGGESTION_LIST_DEPUTY       ? f->deputy_id
                   : f->kind == SUGGESTION_LIST_UNIT       ? f->unit_id
                   : f->kind == SUGGESTION_LIST_NEAR       ? f->until
                   : f->kind == SUGGESTION_LIST_SUPERVISED ? f->user_id
                                                           : 0);
    return each_suggestion(st, fn, arg);
}

/* 督: the league table reads the rollup of migrations/014_suggestion_league.sql, which its
 * triggers keep current on every write; rows whose figures fell to zero are left out. */
static const char league_sql[] =
    "SELECT f.unit_id, coalesce(u.name, ''), sum(f.assigned), sum(f.completed), sum(f.a_count), sum(f.rated),"
    " sum(f.satisfied), sum(f.solve_count) FROM suggestion_unit_figures f LEFT JOIN units u ON u.id = f.unit_id"
    " WHERE f.congress_id = $1 AND f.session = $2 AND f.region_code >= $3 AND f.region_code < $4"
    " GROUP BY f.unit_id HAVING sum(f.assigned) > 0 ORDER BY f.unit_id";

const char *store_suggestion_league_sql(void)
{
    return league_sql;
}

int store_suggestion_league(store_t *db, int64_t congress_id, const char *session, const char *region_lo,
                            const char *region_hi, int (*fn)(const store_league_row_t *row, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, league_sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, congress_id);
    store_bind_text(st, 2, session);
    store_bind_text(st, 3, region_lo);
    store_bind_text(st, 4, region_hi);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_league_row_t row = {store_col_int(st, 0), store_col_text(st, 1), store_col_int(st, 2),
                                  store_col_int(st, 3), store_col_int(st, 4),  store_col_int(st, 5),
                                  store_col_int(st, 6), store_col_int(st, 7)};
        if (fn(&row, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_suggestion_sheet(store_t *db, int64_t unit_id, int64_t from, int64_t to,
                           int (*fn)(const store_suggestion_t *s, const char *role, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " COLUMNS ", su.role" FROM " JOIN suggestion_units su ON su.suggestion_id = s.id"
            " WHERE su.unit_id = $1 AND su.created_at >= $2 AND su.created_at <= $3 AND su.state <> 'replaced'"
            " ORDER BY su.created_at, s.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, unit_id);
    store_bind_int(st, 2, from);
    store_bind_int(st, 3, to);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_suggestion_t s;
        read_row(st, &s);
        int stop = fn(&s, store_col_text(st, 41), arg);
        store_suggestion_free(&s);
        if (stop)
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_suggestions_near_unannounced(store_t *db, int64_t now, int64_t until,
                                       int (*fn)(const store_suggestion_t *s, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " COLUMNS FROM " WHERE" HELD_BY_UNITS
                                         " AND s.near_notified = 0 AND s.due >= $1 AND s.due <= $2"
                                         " ORDER BY s.due LIMIT 200");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, now);
    store_bind_int(st, 2, until);
    return each_suggestion(st, fn, arg);
}

int store_suggestion_mark_near(store_t *db, int64_t id)
{
    store_stmt_t *st = store_prepare(db, "UPDATE suggestions SET near_notified = 1 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return store_run(st);
}
