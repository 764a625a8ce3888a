/*
 * users: accounts, managed by the deputy-affairs office (admin) inside its own region subtree.
 * An account outside the admin's scope does not exist for them (404); creating one there is
 * refused (403). New passwords are hashed on a worker thread before the write.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/password.h"
#include "domain/region.h"
#include "store/regions.h"
#include "store/registry.h"

typedef struct {
    http_write_t super;
    api_who_t who;
    store_user_t user;     /* the account as it should be */
    int disabled;          /* -1: unchanged */
    bool set_password;
    bool set_stations;     /* user.stations replaces the account's stations */
    int64_t id;            /* set by the write */
    bool created;
} user_write_t;

typedef struct {
    http_task_t super;
    user_write_t *write;   /* handed on to the writer after hashing */
    char password[PASSWORD_MAX_BYTES + 1];
    int rc;
} hash_task_t;

/* unit_id and deputy_id name live records inside the admin's scope. */
static void check_link(api_input_t *in, const char *field, const char *entity, int64_t id)
{
    char region[13];
    if (in->failed || id == 0)
        return;
    int rc = store_registry_region(http_reader(in->r), registry_entity(entity), id, region);
    if (rc != STORE_OK || !region_in_scope(http_actor(in->r)->region, region))
        api_invalid(in, field, rc == STORE_OK ? "names a record outside your region" : "names no such record");
}

/* "stations": up to 8 ids of live stations inside the admin's scope, for a staff account. */
static void read_stations(api_input_t *in, user_write_t *w)
{
    json_t *v = json_object_get(in->body, "stations");
    if (in->failed || v == NULL)
        return;
    if (!json_is_array(v) || json_array_size(v) > STORE_USER_MAX_STATIONS) {
        api_invalid(in, "stations", "stations must be a list of at most 8 station ids");
        return;
    }
    const actor_t *a = http_actor(in->r);
    w->set_stations = true;
    w->user.nstations = 0;
    size_t i;
    json_t *id;
    json_array_foreach(v, i, id)
    {
        char region[13];
        if (!json_is_integer(id) || json_integer_value(id) < 1 ||
            store_registry_region(http_reader(in->r), registry_entity("station"), json_integer_value(id), region) !=
                STORE_OK) {
            api_invalid(in, "stations", "stations names no such station");
            return;
        }
        if (!region_in_scope(a->region, region)) {
            api_invalid(in, "stations", "stations names a station outside your region");
            return;
        }
        w->user.stations[w->user.nstations++] = json_integer_value(id);
    }
}

static bool username_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 32)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
            return false;
    return true;
}

static int create_run(http_write_t *w, store_t *db)
{
    user_write_t *u = (user_write_t *)w;
    int rc = store_user_insert(db, &u->user, time(NULL), &u->id);
    if (rc == STORE_OK && u->set_stations)
        rc = store_user_set_stations(db, u->id, u->user.stations, u->user.nstations);
    return rc ? rc : api_audit(db, &u->who, "user.create", "user", u->id, u->user.region, u->user.role);
}

static int update_run(http_write_t *w, store_t *db)
{
    user_write_t *u = (user_write_t *)w;
    int64_t now = time(NULL);
    int rc = STORE_OK;
    if (u->set_password)
        rc = store_user_set_password(db, u->id, u->user.password_hash, now);
    if (rc == STORE_OK && u->disabled >= 0)
        rc = store_user_set_disabled(db, u->id, u->disabled, now);
    if (rc == STORE_OK && u->set_stations)
        rc = store_user_set_stations(db, u->id, u->user.stations, u->user.nstations);
    /* a disabled account or a reset password ends every session of the account */
    if (rc == STORE_OK && (u->disabled == 1 || u->set_password))
        rc = store_session_delete_for_user(db, u->id, NULL, 0);
    const char *what = u->set_password ? "password reset"
                       : u->disabled == 1 ? "disabled"
                       : u->disabled == 0 ? "enabled"
                                          : "stations";
    return rc ? rc : api_audit(db, &u->who, "user.update", "user", u->id, u->user.region, what);
}

static void user_respond(http_write_t *w, http_req_t *r, int status)
{
    user_write_t *u = (user_write_t *)w;
    if (r == NULL)
        return;
    if (status == STORE_ECONSTRAINT) {
        http_reply_error(r, 409, "username_taken", "that username is taken", "username");
        return;
    }
    if (status != STORE_OK) {
        http_reply_internal(r, "cannot write an account");
        return;
    }
    store_user_t fresh;
    if (store_user_by_id(http_reader(r), u->id, &fresh) != STORE_OK) {
        http_reply_internal(r, "account vanished after its write");
        return;
    }
    http_reply_json(r, u->created ? 201 : 200, api_user_json(&fresh));
}

static void hash_run(http_task_t *t)
{
    hash_task_t *h = (hash_task_t *)t;
    h->rc = password_hash(h->password, h->write->user.password_hash);
}

static void hash_respond(http_task_t *t, http_req_t *r)
{
    hash_task_t *h = (hash_task_t *)t;
    sodium_memzero(h->password, sizeof(h->password));
    if (r == NULL || h->rc != 0) {
        if (r)
            http_reply_internal(r, "cannot hash a password");
        free(h->write);
        return;
    }
    http_write(r, &h->write->super);
}

/* Hashes password on a worker, then hands w to the writer. */
static void hash_then_write(http_req_t *r, user_write_t *w, const char *password)
{
    hash_task_t *t = http_task_new(r, sizeof(*t));
    t->rc = -1; /* stays an error if the worker never runs it */
    t->write = w;
    snprintf(t->password, sizeof(t->password), "%s", password);
    t->super.run = hash_run;
    t->super.respond = hash_respond;
    http_task(r, &t->super);
}

int api_users_create(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    const char *username = api_text(&in, "username", 3, 32, true);
    if (username && !username_ok(username))
        api_invalid(&in, "username", "username: 3 to 32 letters, digits, '_', '.' or '-'");
    const char *display = api_text(&in, "display_name", 1, 40, true);
    const char *password = api_text(&in, "password", 1, PASSWORD_MAX_BYTES, true);
    if (password && password_problem(password))
        api_invalid(&in, "password", password_problem(password));
    const char *role = api_text(&in, "role", 1, 16, true);
    if (role && role_from_name(role) == ROLE_PUBLIC)
        api_invalid(&in, "role", "role must be admin, staff, deputy, unit or member");
    const char *region = api_text(&in, "region", 12, 12, true);
    if (region && !region_code_valid(region))
        api_invalid(&in, "region", "region must be a 12-digit administrative code");
    int64_t unit_id = api_id(&in, "unit_id"), deputy_id = api_id(&in, "deputy_id");
    if (!in.failed && region && role_from_name(role) != ROLE_PUBLIC) {
        check_link(&in, "unit_id", "unit", unit_id);
        check_link(&in, "deputy_id", "deputy", deputy_id);
    }
    policy_target_t target = {.region = region};
    if (in.failed || !http_authorize(r, &target, false)) {
        json_decref(body);
        return 0;
    }
    if (store_region_exists(http_reader(r), region) != STORE_OK) {
        api_invalid(&in, "region", "no such region");
        json_decref(body);
        return 0;
    }
    user_write_t *w = http_write_new(r, sizeof(*w));
    api_who(r, &w->who);
    snprintf(w->user.username, sizeof(w->user.username), "%s", username);
    snprintf(w->user.display_name, sizeof(w->user.display_name), "%s", display);
    snprintf(w->user.role, sizeof(w->user.role), "%s", role);
    snprintf(w->user.region, sizeof(w->user.region), "%s", region);
    w->user.unit_id = unit_id;
    w->user.deputy_id = deputy_id;
    read_stations(&in, w);
    if (in.failed) {
        free(w);
        json_decref(body);
        return 0;
    }
    w->disabled = -1;
    w->created = true;
    w->super.run = create_run;
    w->super.respond = user_respond;
    hash_then_write(r, w, password);
    json_decref(body);
    return 0;
}

/* Loads the account named by the route and checks it is in scope; answers 404 otherwise. */
static bool load_in_scope(http_req_t *r, store_user_t *u)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return false;
    int rc = store_user_by_id(http_reader(r), id, u);
    if (rc == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such record", NULL);
        return false;
    }
    if (rc != STORE_OK) {
        http_reply_internal(r, "cannot read an account");
        return false;
    }
    policy_target_t target = {.user_id = u->id, .region = u->region};
    return http_authorize(r, &target, true);
}

int api_users_get(http_req_t *r)
{
    store_user_t u;
    if (load_in_scope(r, &u))
        http_reply_json(r, 200, api_user_json(&u));
    return 0;
}

int api_users_update(http_req_t *r)
{
    store_user_t u;
    if (!load_in_scope(r, &u))
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    int disabled = api_bool(&in, "disabled");
    const char *password = api_text(&in, "password", 1, PASSWORD_MAX_BYTES, false);
    if (password && password_problem(password))
        api_invalid(&in, "password", password_problem(password));
    if (!in.failed && disabled == 1 && u.id == r->session->actor.user_id)
        api_invalid(&in, "disabled", "you cannot disable your own account");
    user_write_t *w = http_write_new(r, sizeof(*w));
    w->user = u;
    read_stations(&in, w);
    if (!in.failed && disabled < 0 && password == NULL && !w->set_stations)
        api_invalid(&in, "disabled", "give disabled, password or stations");
    if (in.failed) {
        free(w);
        json_decref(body);
        return 0;
    }
    api_who(r, &w->who);
    w->id = u.id;
    w->disabled = disabled;
    w->set_password = password != NULL;
    w->super.run = update_run;
    w->super.respond = user_respond;
    if (password)
        hash_then_write(r, w, password);
    else
        http_write(r, &w->super);
    json_decref(body);
    return 0;
}

static int add_user(const store_user_t *u, void *arg)
{
    json_array_append_new(arg, api_user_json(u));
    return 0;
}

int api_users_list(http_req_t *r)
{
    long limit = api_query_long(r, "limit", 50, 1, 500);
    long offset = limit < 0 ? -1 : api_query_long(r, "offset", 0, 0, 1000000000);
    if (limit < 0 || offset < 0)
        return 0;
    const actor_t *a = http_actor(r);
    char hi[REGION_CODE_LEN + 2];
    region_subtree_upper(a->region, hi);
    json_t *users = json_array();
    if (store_user_each(http_reader(r), a->region, hi, (int)limit, (int)offset, add_user, users) != STORE_OK) {
        json_decref(users);
        http_reply_internal(r, "cannot list accounts");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o, s:i, s:i}", "users", users, "limit", (int)limit, "offset", (int)offset));
    return 0;
}
