/*
 * routes: every route of Liaison in one table, each with the policy action it performs. A route
 * whose action has no row in the policy table fails the policy tests.
 */
#include "api/api.h"

const http_route_t api_routes[] = {
    {"GET", "/healthz", api_healthz, "health.read"},
    {"GET", "/metrics", api_metrics, "metrics.read"},
    {"GET", "/api/v1/meta", api_meta, "meta.read"},
    {"GET", "/api/v1/session", api_session_get, "session.read"},
    {"POST", "/api/v1/session", api_session_create, "session.create"},
    {"DELETE", "/api/v1/session", api_session_delete, "session.delete"},
    {"PUT", "/api/v1/session/password", api_password_change, "password.change"},
    {"GET", "/api/v1/users", api_users_list, "user.list"},
    {"POST", "/api/v1/users", api_users_create, "user.create"},
    {"GET", "/api/v1/users/:id", api_users_get, "user.read"},
    {"PATCH", "/api/v1/users/:id", api_users_update, "user.update"},
    {"GET", "/api/v1/audit", api_audit_list, "audit.list"},
    {NULL, NULL, NULL, NULL},
};
