/*
 * policy: the one access table. Each row says that a role may perform an action on records that
 * satisfy a scope rule. Every handler asks here; no handler decides access on its own.
 *
 * Two questions, asked in order:
 *   policy_permits - may this role perform the action at all? (401 without a session, 403)
 *   policy_check   - is this particular record inside the actor's scope?  (403 or 404)
 * A record outside scope is answered as if it did not exist (404) wherever its existence
 * would itself be a leak; the caller chooses, because only it knows whether a record was named.
 */
#ifndef LIAISON_AUTH_POLICY_H
#define LIAISON_AUTH_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/region.h"

typedef enum {
    ROLE_PUBLIC = 0, /* no session */
    ROLE_ADMIN,
    ROLE_STAFF,
    ROLE_DEPUTY,
    ROLE_UNIT,
    ROLE_MEMBER,
    ROLE_COUNT
} role_t;

typedef enum {
    RULE_ANYONE,    /* no session needed */
    RULE_SIGNED_IN, /* any account */
    RULE_SELF,      /* the actor's own account */
    RULE_REGION,    /* a record whose region lies in the actor's region subtree */
    RULE_UNIT,      /* a record of the actor's unit */
    RULE_DEPUTY,    /* a record of the actor's deputy */
    RULE_AREA,      /* a record whose region holds the actor's (a county's draft, for its townships' staff) */
} scope_rule_t;

typedef struct {
    role_t role;
    int64_t user_id;
    char region[REGION_CODE_LEN + 1];
    int64_t unit_id;   /* 0 = none */
    int64_t deputy_id; /* 0 = none */
} actor_t;

/* What a record offers to scope rules; zero/NULL fields are simply not matched. */
typedef struct {
    int64_t user_id;
    const char *region;
    int64_t unit_id;
    int64_t deputy_id;
} policy_target_t;

typedef enum {
    POLICY_ALLOW = 0,
    POLICY_UNAUTHENTICATED, /* 401: sign in first */
    POLICY_FORBIDDEN,       /* 403: this role may not do this */
    POLICY_OUT_OF_SCOPE,    /* the record is not the actor's to touch: 403 or 404 by the caller */
} policy_decision_t;

typedef struct {
    const char *action;
    role_t role;
    scope_rule_t rule;
} policy_row_t;

const char *role_name(role_t role);
/* ROLE_PUBLIC for an unknown name. */
role_t role_from_name(const char *name);
/* actor NULL means the public. */
policy_decision_t policy_permits(const actor_t *actor, const char *action);
policy_decision_t policy_check(const actor_t *actor, const char *action, const policy_target_t *target);
/* True when the table has at least one row for the action (a route without one is a bug). */
bool policy_has_action(const char *action);
/* The table itself, terminated by a row with action NULL. */
const policy_row_t *policy_rows(void);

#endif
