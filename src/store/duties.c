/* duties: SQL for duty records and their photos (see duties.h). */
#include "store/duties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_COLUMNS                                                                                                 \
    "r.id, r.deputy_id, d.name, r.region_code, r.kind, r.title, r.body, r.happened_on, r.source,"                      \
    " r.source_id, r.state, r.reason, r.created_by, r.confirmed_by, r.confirmed_at, r.created_at,"                     \
    " r.updated_at, (SELECT json_group_array(id) FROM (SELECT id FROM duty_photos"                                     \
    " WHERE record_id = r.id ORDER BY id))"

void store_duty_record_free(store_duty_record_t *r)
{
    STORE_FREE_TEXTS(&r->deputy_name, &r->title, &r->body, &r->reason, &r->photos);
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void read_record(store_stmt_t *st, store_duty_record_t *r)
{
    memset(r, 0, sizeof(*r));
    r->id = store_col_int(st, 0);
    r->deputy_id = store_col_int(st, 1);
    r->deputy_name = store_col_dup(st, 2);
    copy(r->region, sizeof(r->region), store_col_text(st, 3));
    copy(r->kind, sizeof(r->kind), store_col_text(st, 4));
    r->title = store_col_dup(st, 5);
    r->body = store_col_dup(st, 6);
    copy(r->happened_on, sizeof(r->happened_on), store_col_text(st, 7));
    copy(r->source, sizeof(r->source), store_col_text(st, 8));
    r->source_id = store_col_int(st, 9);
    copy(r->state, sizeof(r->state), store_col_text(st, 10));
    r->reason = store_col_dup(st, 11);
    r->created_by = store_col_int(st, 12);
    r->confirmed_by = store_col_int(st, 13);
    r->confirmed_at = store_col_int(st, 14);
    r->created_at = store_col_int(st, 15);
    r->updated_at = store_col_int(st, 16);
    r->photos = store_col_dup(st, 17);
}

/* Whether read_record could copy every text it owns. */
static bool record_whole(const store_duty_record_t *r)
{
    return r->deputy_name && r->title && r->body && r->photos;
}

int store_duty_record_get(store_t *db, int64_t id, store_duty_record_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " RECORD_COLUMNS " FROM duty_records r"
                                         " JOIN deputies d ON d.id = r.deputy_id WHERE r.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_record(st, out);
    store_done(st);
    if (rc == STORE_ROW && !record_whole(out)) {
        store_duty_record_free(out);
        return STORE_ERR;
    }
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_duty_records_each(store_t *db, const store_duty_filter_t *f,
                            int (*fn)(const store_duty_record_t *r, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " RECORD_COLUMNS " FROM duty_records r JOIN deputies d ON d.id = r.deputy_id"
            " WHERE ($1 IS NULL OR (r.region_code >= $1 AND r.region_code < $2))"
            " AND ($3 IS NULL OR r.deputy_id = $3)"
            " AND ($4 IS NULL OR r.deputy_id IN (SELECT deputy_id FROM member_deputies WHERE member_user_id = $4))"
            " AND ($5 IS NULL OR r.state = $5) AND ($6 IS NULL OR r.kind = $6)"
            " AND ($7 IS NULL OR r.happened_on >= $7) AND ($8 IS NULL OR r.happened_on <= $8)"
            " AND ($9 IS NULL OR r.id < $9)"
            " ORDER BY r.id DESC LIMIT $10");
    if (st == NULL)
        return STORE_ERR;
    store_bind_opt_text(st, 1, f->region_lo);
    store_bind_opt_text(st, 2, f->region_hi);
    store_bind_opt_id(st, 3, f->deputy_id);
    store_bind_opt_id(st, 4, f->member_user_id);
    store_bind_opt_text(st, 5, f->state);
    store_bind_opt_text(st, 6, f->kind);
    store_bind_opt_text(st, 7, f->from);
    store_bind_opt_text(st, 8, f->to);
    store_bind_opt_id(st, 9, f->before_id);
    store_bind_int(st, 10, f->limit);
    int rc, stop = 0;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        store_duty_record_t r;
        read_record(st, &r);
        stop = record_whole(&r) ? fn(&r, arg) : -1;
        store_duty_record_free(&r);
    }
    store_done(st);
    return stop < 0 ? STORE_ERR : stop ? STORE_OK : rc == STORE_DONE ? STORE_OK : rc;
}

int store_duty_record_insert(store_t *db, const store_duty_record_t *r, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO duty_records (deputy_id, region_code, kind, title, body, happened_on, created_by,"
            " created_at, updated_at)"
            " SELECT id, region_code, $2, $3, $4, $5, $6, $7, $7 FROM deputies WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->deputy_id);
    store_bind_text(st, 2, r->kind);
    store_bind_text(st, 3, r->title);
    store_bind_text(st, 4, r->body ? r->body : "");
    store_bind_text(st, 5, r->happened_on);
    store_bind_opt_id(st, 6, r->created_by);
    store_bind_int(st, 7, now);
    int rc = store_run(st);
    if (rc == STORE_OK && store_changes(db) == 0)
        return STORE_ENOTFOUND;
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_duty_record_save(store_t *db, const store_duty_record_t *r, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE duty_records SET kind = $2, title = $3, body = $4, happened_on = $5,"
                                         " state = $6, reason = $7, confirmed_by = $8, confirmed_at = $9,"
                                         " updated_at = $10 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->id);
    store_bind_text(st, 2, r->kind);
    store_bind_text(st, 3, r->title);
    store_bind_text(st, 4, r->body ? r->body : "");
    store_bind_text(st, 5, r->happened_on);
    store_bind_text(st, 6, r->state);
    store_bind_text(st, 7, r->reason); /* NULL binds NULL */
    store_bind_opt_id(st, 8, r->confirmed_by);
    store_bind_opt_id(st, 9, r->confirmed_at);
    store_bind_int(st, 10, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_duty_record_delete(store_t *db, int64_t id)
{
    store_stmt_t *st = store_prepare(db, "DELETE FROM duty_photos WHERE record_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_run(st);
    if (rc != STORE_OK)
        return rc;
    if ((st = store_prepare(db, "DELETE FROM duty_records WHERE id = $1")) == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

/* The first column of the one row st selects as a number into *out, 0 when there is no row. */
static int first_int(store_stmt_t *st, int64_t *out)
{
    int rc = store_step(st);
    *out = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_duty_record_twin(store_t *db, const store_duty_record_t *r, int64_t except, int64_t *other)
{
    store_stmt_t *st = store_prepare(db, "SELECT id FROM duty_records WHERE deputy_id = $1 AND kind = $2"
                                         " AND happened_on = $3 AND title = $4 AND source = 'manual'"
                                         " AND state <> 'rejected' AND id <> $5 LIMIT 1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->deputy_id);
    store_bind_text(st, 2, r->kind);
    store_bind_text(st, 3, r->happened_on);
    store_bind_text(st, 4, r->title);
    store_bind_int(st, 5, except);
    return first_int(st, other);
}

int store_duty_kind_evidence(store_t *db, const char *kind, char out[8])
{
    store_stmt_t *st = store_prepare(db, "SELECT evidence FROM duty_rules WHERE kind = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, kind);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        copy(out, 8, store_col_text(st, 0));
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_duty_member_linked(store_t *db, int64_t member_user_id, int64_t deputy_id, bool *linked)
{
    store_stmt_t *st =
        store_prepare(db, "SELECT count(*) FROM member_deputies WHERE member_user_id = $1 AND deputy_id = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, member_user_id);
    store_bind_int(st, 2, deputy_id);
    int64_t n;
    int rc = first_int(st, &n);
    *linked = n > 0;
    return rc;
}

/* ---- photos ---- */

int store_duty_photo_add(store_t *db, int64_t record, const store_duty_photo_t *p, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO duty_photos (record_id, width, height, data, thumb, created_at)"
                                         " VALUES ($1, $2, $3, $4, $5, $6)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, record);
    store_bind_int(st, 2, p->width);
    store_bind_int(st, 3, p->height);
    store_bind_blob(st, 4, p->jpeg, p->jpeg_len);
    store_bind_blob(st, 5, p->thumb, p->thumb_len);
    store_bind_int(st, 6, now);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_duty_photo_count(store_t *db, int64_t record, int *count)
{
    store_stmt_t *st = store_prepare(db, "SELECT count(*) FROM duty_photos WHERE record_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, record);
    int64_t n;
    int rc = first_int(st, &n);
    *count = (int)n;
    return rc;
}

int store_duty_photo_read(store_t *db, int64_t record, int64_t photo, bool thumb,
                          void (*fn)(const void *data, size_t len, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, thumb ? "SELECT thumb FROM duty_photos WHERE record_id = $1 AND id = $2"
                                               : "SELECT data FROM duty_photos WHERE record_id = $1 AND id = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, record);
    store_bind_int(st, 2, photo);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        fn(store_col_blob(st, 0), store_col_bytes(st, 0), arg);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}
