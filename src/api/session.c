/*
 * session: signing in and out, and changing one's own password.
 *
 * Signing in takes three hops so no event loop waits: the account is read on the loop, the
 * password is checked with argon2id on a worker thread, and the new session is written by the
 * writer; the cookie is set only once that write has committed. Failures count toward the
 * rate limit per IP and per username; past it, login answers 429 with Retry-After.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/password.h"
#include "auth/ratelimit.h"
#include "auth/token.h"
#include "core/log.h"


static json_t *session_json(const store_user_t *u, const char *csrf)
{
    return json_pack("{s:o, s:s}", "user", api_user_json(u), "csrf_token", csrf);
}

int api_session_get(http_req_t *r)
{
    if (r->session == NULL) {
        /* "Who is signed in?" has an answer when nobody is: a 4xx here would be logged by the
         * browser as an error on every signed-out page load. */
        http_reply_json(r, 200, json_pack("{s:n, s:n}", "user", "csrf_token"));
        return 0;
    }
    store_user_t u;
    if (store_user_by_id(http_reader(r), r->session->actor.user_id, &u) != STORE_OK) {
        http_reply_internal(r, "session without its account");
        return 0;
    }
    http_reply_json(r, 200, session_json(&u, r->session->csrf));
    return 0;
}

static void set_cookie(http_req_t *r, const char *token, int max_age)
{
    char cookie[256];
    bool tls = r->secure;
    snprintf(cookie, sizeof(cookie), HTTP_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", token,
             max_age, tls ? "; Secure" : "");
    http_add_header(r, "set-cookie", cookie);
}

/* ---- rate limits ---- */

static void limit_keys(http_req_t *r, const char *username, char *ip_key, char *user_key, size_t len)
{
    snprintf(ip_key, len, "login-ip:%s", r->ip);
    int n = snprintf(user_key, len, "login-user:");
    for (const char *p = username; *p && (size_t)n + 1 < len; p++)
        user_key[n++] = (char)tolower((unsigned char)*p);
    user_key[n] = '\0';
}

/*
 * Counts a sign-in attempt against the IP and the username before the password is checked, so
 * attempts already in flight cannot slip past the limit; answers 429 when either is spent.
 * A good password gives the attempt back (settle_attempt).
 */
static bool attempt_refused(http_req_t *r, const char *username)
{
    const config_t *cfg = http_config(r);
    if (!cfg->rate_limits)
        return false;
    char ip_key[96], user_key[96];
    limit_keys(r, username, ip_key, user_key, sizeof(ip_key));
    int64_t now = time(NULL);
    int wait = ratelimit_hit(http_ratelimit(r), ip_key, cfg->login_max_failures, cfg->login_window_s, now);
    int wait_user = ratelimit_hit(http_ratelimit(r), user_key, cfg->login_max_failures, cfg->login_window_s, now);
    if (wait == 0 && wait_user == 0)
        return false;
    if (wait == 0) /* the address was counted for a try that never happens */
        ratelimit_refund(http_ratelimit(r), ip_key);
    else if (wait_user == 0)
        ratelimit_refund(http_ratelimit(r), user_key);
    char retry[16];
    snprintf(retry, sizeof(retry), "%d", wait > wait_user ? wait : wait_user);
    http_add_header(r, "retry-after", retry);
    http_reply_error(r, 429, "too_many_attempts", "too many failed sign-ins; try again later", NULL);
    return true;
}

/* After a good password the attempt no longer counts against the address, nor the account. */
static void settle_attempt(http_req_t *r, const char *username)
{
    if (!http_config(r)->rate_limits)
        return;
    char ip_key[96], user_key[96];
    limit_keys(r, username, ip_key, user_key, sizeof(ip_key));
    ratelimit_refund(http_ratelimit(r), ip_key);
    ratelimit_clear(http_ratelimit(r), user_key);
}

/* ---- signing in ---- */

typedef struct {
    http_write_t super;
    api_who_t who;
    store_user_t user;
    bool ok;
    char token[TOKEN_CHARS + 1];
    char csrf[TOKEN_CHARS + 1];
    int64_t now, expires_at;
} login_write_t;

typedef struct {
    http_task_t super;
    store_user_t user;
    bool found;
    char username[64];
    char password[PASSWORD_MAX_BYTES + 1];
    bool ok;
} login_task_t;

static int login_run(http_write_t *w, store_t *db)
{
    login_write_t *l = (login_write_t *)w;
    if (!l->ok)
        return api_audit(db, &l->who, "session.login_failed", "user", l->user.id, l->user.region, l->user.username);
    unsigned char hash[TOKEN_HASH_BYTES];
    token_hash(l->token, strlen(l->token), hash);
    int rc = store_session_insert(db, hash, sizeof(hash), l->user.id, l->csrf, l->now, l->expires_at, l->who.ip);
    if (rc == STORE_OK)
        rc = api_audit(db, &l->who, "session.login", "user", l->user.id, l->user.region, "");
    return rc;
}

static void login_respond(http_write_t *w, http_req_t *r, int status)
{
    login_write_t *l = (login_write_t *)w;
    if (r == NULL || !l->ok)
        return; /* a failed attempt was answered already */
    if (status != STORE_OK) {
        http_reply_internal(r, "cannot store a session");
        return;
    }
    set_cookie(r, l->token, http_config(r)->session_max_s);
    http_reply_json(r, 200, session_json(&l->user, l->csrf));
}

static void verify_run(http_task_t *t)
{
    login_task_t *l = (login_task_t *)t;
    if (l->found && !l->user.disabled)
        l->ok = password_verify(l->user.password_hash, l->password);
    else
        password_burn_time(l->password);
}

static void verify_respond(http_task_t *t, http_req_t *r)
{
    login_task_t *l = (login_task_t *)t;
    sodium_memzero(l->password, sizeof(l->password));
    if (r == NULL)
        return;
    login_write_t *w = http_write_new(r, sizeof(*w));
    api_who(r, &w->who);
    w->user = l->user;
    w->ok = l->ok;
    w->super.run = login_run;
    w->super.respond = login_respond;
    if (!l->ok) {
        http_reply_error(r, 401, "invalid_credentials", "wrong username or password", NULL);
        if (l->found)
            http_write_detached(r, &w->super);
        else
            free(w);
        return;
    }
    settle_attempt(r, l->username);
    snprintf(w->who.actor, sizeof(w->who.actor), "%s", l->user.username);
    w->who.actor_id = l->user.id;
    token_new(w->token);
    token_new(w->csrf);
    w->now = time(NULL);
    w->expires_at = w->now + http_config(r)->session_max_s;
    http_write(r, &w->super);
}

int api_session_create(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    const char *username = api_text(&in, "username", 1, 64, true);
    const char *password = api_text(&in, "password", 1, PASSWORD_MAX_BYTES, true);
    if (!in.failed && strlen(password) > PASSWORD_MAX_BYTES)
        api_invalid(&in, "password", "password is too long");
    if (in.failed || attempt_refused(r, username)) {
        json_decref(body);
        return 0;
    }
    store_user_t user = {0};
    int rc = store_user_by_username(http_reader(r), username, &user);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND) {
        json_decref(body);
        http_reply_internal(r, "cannot read an account");
        return 0;
    }
    login_task_t *t = http_task_new(r, sizeof(*t));
    t->found = rc == STORE_OK;
    t->user = user;
    snprintf(t->username, sizeof(t->username), "%s", username);
    snprintf(t->password, sizeof(t->password), "%s", password);
    json_decref(body);
    t->super.run = verify_run;
    t->super.respond = verify_respond;
    http_task(r, &t->super);
    return 0;
}

/* ---- signing out ---- */

typedef struct {
    http_write_t super;
    api_who_t who;
    unsigned char hash[TOKEN_HASH_BYTES];
    char region[13];
} logout_write_t;

static int logout_run(http_write_t *w, store_t *db)
{
    logout_write_t *l = (logout_write_t *)w;
    int rc = store_session_delete(db, l->hash, sizeof(l->hash));
    return rc ? rc : api_audit(db, &l->who, "session.logout", "user", l->who.actor_id, l->region, "");
}

static void logout_respond(http_write_t *w, http_req_t *r, int status)
{
    if (r == NULL)
        return;
    if (status != STORE_OK) {
        http_reply_internal(r, "cannot end a session");
        return;
    }
    set_cookie(r, "", 0);
    http_reply_empty(r, 204);
}

int api_session_delete(http_req_t *r)
{
    logout_write_t *w = http_write_new(r, sizeof(*w));
    api_who(r, &w->who);
    memcpy(w->hash, r->session->token_hash, sizeof(w->hash));
    snprintf(w->region, sizeof(w->region), "%s", r->session->actor.region);
    w->super.run = logout_run;
    w->super.respond = logout_respond;
    http_write(r, &w->super);
    return 0;
}

/* ---- changing one's password ---- */

typedef struct {
    http_write_t super;
    api_who_t who;
    int64_t user_id;
    char region[13];
    unsigned char keep[TOKEN_HASH_BYTES];
    char hash[PASSWORD_HASH_MAX];
} password_write_t;

typedef struct {
    http_task_t super;
    char current_hash[PASSWORD_HASH_MAX];
    char current[PASSWORD_MAX_BYTES + 1];
    char next[PASSWORD_MAX_BYTES + 1];
    char new_hash[PASSWORD_HASH_MAX];
    bool ok;
} password_task_t;

static int password_run(http_write_t *w, store_t *db)
{
    password_write_t *p = (password_write_t *)w;
    int rc = store_user_set_password(db, p->user_id, p->hash, time(NULL));
    if (rc == STORE_OK) /* other devices must sign in again */
        rc = store_session_delete_for_user(db, p->user_id, p->keep, sizeof(p->keep));
    return rc ? rc : api_audit(db, &p->who, "password.change", "user", p->user_id, p->region, "");
}

static void password_respond(http_write_t *w, http_req_t *r, int status)
{
    if (r == NULL)
        return;
    if (status != STORE_OK)
        http_reply_internal(r, "cannot change a password");
    else
        http_reply_empty(r, 204);
}

static void rehash_run(http_task_t *t)
{
    password_task_t *p = (password_task_t *)t;
    p->ok = password_verify(p->current_hash, p->current) && password_hash(p->next, p->new_hash) == 0;
}

static void rehash_respond(http_task_t *t, http_req_t *r)
{
    password_task_t *p = (password_task_t *)t;
    sodium_memzero(p->current, sizeof(p->current));
    sodium_memzero(p->next, sizeof(p->next));
    if (r == NULL)
        return;
    if (!p->ok) {
        http_reply_error(r, 403, "wrong_password", "the current password is wrong", "current_password");
        return;
    }
    settle_attempt(r, r->session->username);
    password_write_t *w = http_write_new(r, sizeof(*w));
    api_who(r, &w->who);
    w->user_id = r->session->actor.user_id;
    snprintf(w->region, sizeof(w->region), "%s", r->session->actor.region);
    memcpy(w->keep, r->session->token_hash, sizeof(w->keep));
    memcpy(w->hash, p->new_hash, sizeof(w->hash));
    w->super.run = password_run;
    w->super.respond = password_respond;
    http_write(r, &w->super);
}

int api_password_change(http_req_t *r)
{
    policy_target_t self = {.user_id = r->session ? r->session->actor.user_id : 0};
    if (!http_authorize(r, &self, false))
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    const char *current = api_text(&in, "current_password", 1, PASSWORD_MAX_BYTES, true);
    const char *next = api_text(&in, "new_password", 1, PASSWORD_MAX_BYTES, true);
    const char *problem = next ? password_problem(next) : NULL;
    if (problem)
        api_invalid(&in, "new_password", problem);
    store_user_t u;
    if (!in.failed && store_user_by_id(http_reader(r), r->session->actor.user_id, &u) != STORE_OK) {
        http_reply_internal(r, "session without its account");
        in.failed = true;
    }
    if (!in.failed && (strlen(current) > PASSWORD_MAX_BYTES || strlen(next) > PASSWORD_MAX_BYTES))
        api_invalid(&in, strlen(current) > PASSWORD_MAX_BYTES ? "current_password" : "new_password",
                    "password is too long");
    if (in.failed || attempt_refused(r, r->session->username)) {
        json_decref(body);
        return 0;
    }
    password_task_t *t = http_task_new(r, sizeof(*t));
    snprintf(t->current_hash, sizeof(t->current_hash), "%s", u.password_hash);
    snprintf(t->current, sizeof(t->current), "%s", current);
    snprintf(t->next, sizeof(t->next), "%s", next);
    json_decref(body);
    t->super.run = rehash_run;
    t->super.respond = rehash_respond;
    http_task(r, &t->super);
    return 0;
}
