/*
 * ballots: the SQL of secret ballots. One column list (COLUMNS) and one reader (read_row) serve
 * every query that returns ballots. The papers are written and counted here but never read back
 * one by one: the only questions asked of them are "how many" and "is this receipt among them".
 */
#include "store/ballots.h"

#include <stdlib.h>
#include <string.h>

#define COLUMNS                                                                                                        \
    "b.id, b.congress_id, coalesce(b.created_by, 0), b.region_code, b.kind, b.rule, b.state, b.title, "                \
    "b.description, b.choose, b.opens_at, b.closes_at, b.electorate, coalesce(b.cast_count, -1), b.created_at, "       \
    "b.updated_at, coalesce(b.opened_at, 0), coalesce(b.closed_at, 0), coalesce(b.published_at, 0), c.name, "          \
    "(SELECT count(*) FROM ballot_candidates bc WHERE bc.ballot_id = b.id) "
#define FROM " FROM ballots b LEFT JOIN congresses c ON c.id = b.congress_id "

static int word(int index)
{
    return index < 0 ? 0 : index;
}

static void read_row(store_stmt_t *st, store_ballot_t *b)
{
    memset(b, 0, sizeof(*b));
    b->id = store_col_int(st, 0);
    b->congress_id = store_col_int(st, 1);
    b->created_by = store_col_int(st, 2);
    const char *region = store_col_text(st, 3);
    size_t n = strlen(region) < sizeof(b->region) ? strlen(region) : sizeof(b->region) - 1;
    memcpy(b->region, region, n);
    b->kind = (ballot_kind_t)word(ballot_kind_from_name(store_col_text(st, 4)));
    b->rule = (ballot_rule_t)word(ballot_rule_from_name(store_col_text(st, 5)));
    b->state = (ballot_state_t)word(ballot_state_from_name(store_col_text(st, 6)));
    b->title = store_col_dup(st, 7);
    b->description = store_col_dup(st, 8);
    b->choose = (int)store_col_int(st, 9);
    b->opens_at = store_col_int(st, 10);
    b->closes_at = store_col_int(st, 11);
    b->electorate = store_col_int(st, 12);
    b->cast_count = store_col_int(st, 13);
    b->created_at = store_col_int(st, 14);
    b->updated_at = store_col_int(st, 15);
    b->opened_at = store_col_int(st, 16);
    b->closed_at = store_col_int(st, 17);
    b->published_at = store_col_int(st, 18);
    b->congress_name = store_col_dup(st, 19);
    b->candidates_count = store_col_int(st, 20);
    if (b->title == NULL)
        b->title = strdup("");
    if (b->description == NULL)
        b->description = strdup("");
}

void store_ballot_free(store_ballot_t *b)
{
    STORE_FREE_TEXTS(&b->title, &b->description, &b->congress_name);
}

int store_ballot_get(store_t *db, int64_t id, store_ballot_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " COLUMNS FROM " WHERE b.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_row(st, out);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_ballot_insert(store_t *db, const store_ballot_t *b, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db,
        "INSERT INTO ballots (congress_id, region_code, kind, title, description, rule, choose, opens_at,"
        " closes_at, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, b->congress_id);
    store_bind_text(st, 2, b->region);
    store_bind_text(st, 3, ballot_kind_name(b->kind));
    store_bind_text(st, 4, b->title);
    store_bind_text(st, 5, b->description ? b->description : "");
    store_bind_text(st, 6, ballot_rule_name(b->rule));
    store_bind_int(st, 7, b->choose);
    store_bind_int(st, 8, b->opens_at);
    store_bind_int(st, 9, b->closes_at);
    store_bind_opt_id(st, 10, b->created_by);
    store_bind_int(st, 11, b->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_ballot_save(store_t *db, const store_ballot_t *b)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE ballots SET congress_id = $2, region_code = $3, kind = $4, title = $5, description = $6,"
            " rule = $7, choose = $8, opens_at = $9, closes_at = $10, state = $11, electorate = $12,"
            " cast_count = $13, updated_at = $14, opened_at = $15, closed_at = $16, published_at = $17 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, b->id);
    store_bind_int(st, 2, b->congress_id);
    store_bind_text(st, 3, b->region);
    store_bind_text(st, 4, ballot_kind_name(b->kind));
    store_bind_text(st, 5, b->title);
    store_bind_text(st, 6, b->description ? b->description : "");
    store_bind_text(st, 7, ballot_rule_name(b->rule));
    store_bind_int(st, 8, b->choose);
    store_bind_int(st, 9, b->opens_at);
    store_bind_int(st, 10, b->closes_at);
    store_bind_text(st, 11, ballot_state_name(b->state));
    store_bind_int(st, 12, b->electorate);
    if (b->cast_count < 0)
        store_bind_null(st, 13);
    else
        store_bind_int(st, 13, b->cast_count);
    store_bind_int(st, 14, b->updated_at);
    store_bind_opt_id(st, 15, b->opened_at);
    store_bind_opt_id(st, 16, b->closed_at);
    store_bind_opt_id(st, 17, b->published_at);
    return store_run(st);
}

int store_ballots_list(store_t *db, const store_ballot_filter_t *f, int (*fn)(const store_ballot_t *b, void *arg),
                       void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " COLUMNS FROM " WHERE ($1 IS NULL OR (b.region_code >= $1 AND b.region_code < $2))"
            " AND ($3 = 0 OR (b.state <> 'draft' AND EXISTS (SELECT 1 FROM ballot_electorate e"
            " WHERE e.ballot_id = b.id AND e.deputy_id = $3)))"
            " AND ($4 = 0 OR b.state = 'published') AND ($5 IS NULL OR b.state = $5) AND ($6 = 0 OR b.id < $6)"
            " ORDER BY b.id DESC LIMIT $7");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, f->region_lo);
    store_bind_text(st, 2, f->region_hi);
    store_bind_int(st, 3, f->deputy_id);
    store_bind_int(st, 4, f->published_only);
    store_bind_text(st, 5, f->state);
    store_bind_int(st, 6, f->after);
    store_bind_int(st, 7, f->limit);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_ballot_t b;
        read_row(st, &b);
        int stop = fn(&b, arg);
        store_ballot_free(&b);
        if (stop)
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- candidates ---- */

/* Runs a statement whose one parameter is the ballot's id (clearing a list before it is written). */
static int run_for(store_t *db, const char *sql, int64_t ballot_id)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, ballot_id);
    return store_run(st);
}

int store_ballot_set_candidates(store_t *db, int64_t ballot_id, const store_candidate_t *list, int n)
{
    int rc = run_for(db, "DELETE FROM ballot_candidates WHERE ballot_id = $1", ballot_id);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        store_stmt_t *st = store_prepare(db, "INSERT INTO ballot_candidates (ballot_id, position, name, description)"
                                             " VALUES ($1, $2, $3, $4)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, ballot_id);
        store_bind_int(st, 2, i + 1);
        store_bind_text(st, 3, list[i].name);
        store_bind_text(st, 4, list[i].description ? list[i].description : "");
        rc = store_run(st);
    }
    return rc;
}

int store_ballot_candidates_each(store_t *db, int64_t ballot_id, int (*fn)(const store_candidate_t *c, void *arg),
                                 void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT id, position, name, description, coalesce(votes, -1)"
                                         " FROM ballot_candidates WHERE ballot_id = $1 ORDER BY position");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, ballot_id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_candidate_t c = {store_col_int(st, 0), (int)store_col_int(st, 1), store_col_text(st, 2),
                               store_col_text(st, 3), store_col_int(st, 4)};
        if (fn(&c, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- the electorate ---- */

int store_ballot_set_voters(store_t *db, int64_t ballot_id, const int64_t *ids, int n)
{
    int rc = run_for(db, "DELETE FROM ballot_electorate WHERE ballot_id = $1", ballot_id);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        store_stmt_t *st = store_prepare(db, "INSERT INTO ballot_electorate (ballot_id, deputy_id) VALUES ($1, $2)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, ballot_id);
        store_bind_int(st, 2, ids[i]);
        rc = store_run(st);
    }
    return rc;
}

int store_ballot_voters_each(store_t *db, int64_t ballot_id, int (*fn)(int64_t deputy_id, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT deputy_id FROM ballot_electorate WHERE ballot_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, ballot_id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if (fn(store_col_int(st, 0), arg))
            break;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* The one number a query with one id parameter answers. */
static int count_of(store_t *db, const char *sql, int64_t id, int64_t *count)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    *count = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc < 0 ? rc : STORE_ERR;
}

int store_ballot_voters_count(store_t *db, int64_t ballot_id, int64_t *count)
{
    return count_of(db, "SELECT count(*) FROM ballot_electorate WHERE ballot_id = $1", ballot_id, count);
}

int store_ballot_seated_count(store_t *db, int64_t congress_id, int64_t *count)
{
    return count_of(db,
                    "SELECT count(*) FROM deputy_seats s JOIN deputies d ON d.id = s.deputy_id"
                    " WHERE s.congress_id = $1 AND d.deleted_at IS NULL",
                    congress_id, count);
}

int store_ballot_fix_electorate(store_t *db, int64_t ballot_id, int64_t congress_id, int64_t *count)
{
    int rc = store_ballot_voters_count(db, ballot_id, count);
    if (rc != STORE_OK || *count > 0)
        return rc;
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO ballot_electorate (ballot_id, deputy_id) SELECT $1, s.deputy_id FROM deputy_seats s"
            " JOIN deputies d ON d.id = s.deputy_id WHERE s.congress_id = $2 AND d.deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, ballot_id);
    store_bind_int(st, 2, congress_id);
    rc = store_run(st);
    return rc ? rc : store_ballot_voters_count(db, ballot_id, count);
}

/* Whether a row of (ballot, deputy) is in the table the query reads. */
static int has_pair(store_t *db, const char *sql, int64_t ballot_id, int64_t deputy_id, bool *found)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, ballot_id);
    store_bind_int(st, 2, deputy_id);
    int rc = store_step(st);
    store_done(st);
    *found = rc == STORE_ROW;
    return rc < 0 ? rc : STORE_OK;
}

int store_ballot_eligible(store_t *db, int64_t ballot_id, int64_t deputy_id, bool *eligible)
{
    return has_pair(db, "SELECT 1 FROM ballot_electorate WHERE ballot_id = $1 AND deputy_id = $2", ballot_id, deputy_id,
                    eligible);
}

int store_ballot_voted(store_t *db, int64_t ballot_id, int64_t deputy_id, bool *voted)
{
    return has_pair(db, "SELECT 1 FROM ballot_roll WHERE ballot_id = $1 AND deputy_id = $2", ballot_id, deputy_id,
                    voted);
}

/* ---- voting and the count ---- */

int store_ballot_roll_add(store_t *db, int64_t ballot_id, int64_t deputy_id)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO ballot_roll (ballot_id, deputy_id) VALUES ($1, $2)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, ballot_id);
    store_bind_int(st, 2, deputy_id);
    return store_run(st);
}

int store_ballot_paper_add(store_t *db, int64_t ballot_id, const unsigned char id[BALLOT_PAPER_ID_BYTES],
                           const char *receipt_hash, const int64_t *choices, int n)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO ballot_papers (id, ballot_id, receipt_hash) VALUES ($1, $2, $3)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_blob(st, 1, id, BALLOT_PAPER_ID_BYTES);
    store_bind_int(st, 2, ballot_id);
    store_bind_text(st, 3, receipt_hash);
    int rc = store_run(st);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        st = store_prepare(db, "INSERT INTO ballot_marks (paper_id, candidate_id) VALUES ($1, $2)");
        if (st == NULL)
            return STORE_ERR;
        store_bind_blob(st, 1, id, BALLOT_PAPER_ID_BYTES);
        store_bind_int(st, 2, choices[i]);
        rc = store_run(st);
    }
    return rc;
}

int store_ballot_box_counts(store_t *db, int64_t ballot_id, int64_t *papers, int64_t *roll)
{
    int rc = count_of(db, "SELECT count(*) FROM ballot_papers WHERE ballot_id = $1", ballot_id, papers);
    return rc ? rc : count_of(db, "SELECT count(*) FROM ballot_roll WHERE ballot_id = $1", ballot_id, roll);
}

int store_ballot_tally(store_t *db, int64_t ballot_id)
{
    return run_for(db,
                   "UPDATE ballot_candidates SET votes = (SELECT count(*) FROM ballot_marks m"
                   " WHERE m.candidate_id = ballot_candidates.id) WHERE ballot_id = $1",
                   ballot_id);
}

int store_ballot_receipt_counted(store_t *db, int64_t ballot_id, const char *receipt_hash, bool *counted)
{
    store_stmt_t *st = store_prepare(db, "SELECT 1 FROM ballot_papers WHERE receipt_hash = $1 AND ballot_id = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, receipt_hash);
    store_bind_int(st, 2, ballot_id);
    int rc = store_step(st);
    store_done(st);
    *counted = rc == STORE_ROW;
    return rc < 0 ? rc : STORE_OK;
}

int store_ballots_due(store_t *db, int64_t now, int64_t *ids, int max, int *n)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT id FROM ballots WHERE state = 'open' AND closes_at <= $1 ORDER BY closes_at LIMIT $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, now);
    store_bind_int(st, 2, max);
    int rc;
    *n = 0;
    while ((rc = store_step(st)) == STORE_ROW && *n < max)
        ids[(*n)++] = store_col_int(st, 0);
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}
