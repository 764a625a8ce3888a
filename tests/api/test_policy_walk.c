/*
 * policy walk: every route, for every role, inside its own scope and in a foreign one, answers
 * the status the product rules promise.
 *
 * The expectations below are written from the rules (SPEC §1, the API contract), not generated
 * from src/auth/policy.c, so the two can disagree and the walk says where. The live route list
 * comes from `liaison routes`; a route the server serves without a row here fails the walk, and
 * so does a row for a route the server does not serve. One server serves the whole walk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* ---- who calls ---- */

enum { PUBLIC, ADMIN, STAFF, DEPUTY, UNIT, MEMBER, ADMIN_RUGAO, NCALLERS };

#ifndef FOREIGN_ADMIN
#define FOREIGN_ADMIN "admin-rugao" /* the demo's admin of FOREIGN_REGION */
#endif

/* the demo accounts: all of HOME_REGION except the admin of the neighbouring FOREIGN_REGION */
static const char *const caller_names[NCALLERS] = {"public", "admin",  "staff",      "deputy",
                                                   "unit",   "member", FOREIGN_ADMIN};

/* Which record (or region) the request names, seen from the caller. */
typedef enum {
    T_NONE,    /* the route names no record */
    T_HOME,    /* a record (or region) inside the caller's own region subtree */
    T_FOREIGN, /* one in the neighbouring county, outside the caller's scope */
    T_SELF,    /* the caller's own account */
} target_t;

static const char *const target_names[] = {"no record", "own scope", "foreign scope", "own account"};

typedef struct {
    int status;       /* 0: no expectation written (fails); -1: does not apply to this caller */
    const char *code; /* error.code expected with the status, or NULL for a success */
} expect_t;

/* clang-format off */
#define OK(st) {st, NULL}
#define NA {-1, NULL}
#define UNAUTH {401, "unauthenticated"}
#define FORBIDDEN {403, "forbidden"}
#define OUT_OF_SCOPE {403, "out_of_scope"}
#define NOT_FOUND {404, "not_found"}
#define WRONG_PASSWORD {403, "wrong_password"}
/* The rows of one registry entity (congresses, units, ...): the same rules for each. A sheet
 * import is sent one valid row in the caller's own county; an export with no region is the
 * caller's own subtree, and ?region= a neighbour's is out of scope. */
#define REGISTRY_ROWS(plural) \
    {"GET", "/api/v1/" plural, T_NONE, \
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}}, \
    {"POST", "/api/v1/" plural, T_HOME, \
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}}, \
    {"POST", "/api/v1/" plural, T_FOREIGN, \
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}}, \
    {"POST", "/api/v1/" plural "/import", T_NONE, \
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}}, \
    {"GET", "/api/v1/" plural "/export.csv", T_NONE, \
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}}, \
    {"GET", "/api/v1/" plural "/export.csv", T_FOREIGN, \
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}}, \
    {"GET", "/api/v1/" plural "/:id", T_HOME, \
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}}, \
    {"GET", "/api/v1/" plural "/:id", T_FOREIGN, \
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}}, \
    {"PATCH", "/api/v1/" plural "/:id", T_HOME, \
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}}, \
    {"PATCH", "/api/v1/" plural "/:id", T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}}, \
    {"DELETE", "/api/v1/" plural "/:id", T_HOME, \
        {UNAUTH,  OK(204),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(204)}}, \
    {"DELETE", "/api/v1/" plural "/:id", T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}}
/* A record anyone may read, or a step anyone may take, wherever it lies. */
#define ANYONE_ROWS(method, pattern) \
    {method, pattern, T_HOME, \
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}}, \
    {method, pattern, T_FOREIGN, \
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}}
/* An opinion (or referral) named by id, for the office and the station staff of its region only. */
#define REGION_STAFF_ROWS(method, pattern) \
    {method, pattern, T_HOME, \
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}}, \
    {method, pattern, T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}}
/* The same, and also the deputy the opinion was sent to (the own-scope one is; the foreign one is
 * not sent to them). */
#define SENT_DEPUTY_ROWS(method, pattern) \
    {method, pattern, T_HOME, \
        {UNAUTH,  OK(200),          OK(200),        OK(200),        FORBIDDEN,      FORBIDDEN,      OK(200)}}, \
    {method, pattern, T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}}
/* A unit's step on a referral: its own (own scope) or another unit's in the neighbouring county. */
#define UNIT_ROWS(pattern) \
    {"POST", pattern, T_HOME, \
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      OK(200),        FORBIDDEN,      FORBIDDEN}}, \
    {"POST", pattern, T_FOREIGN, \
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      NOT_FOUND,      FORBIDDEN,      FORBIDDEN}}
/* Deputy suggestions: a supervision list (the office and members), a unit's 交办单 (the office
 * and the unit itself), and the steps of the lead deputy, the office and an assigned unit. */
#define SUGGESTION_SUPERVISE_ROW(pattern) \
    {"GET", pattern, T_NONE, \
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200),        OK(200)}}
#define SUGGESTION_SHEET_ROWS(pattern) \
    {"GET", pattern, T_HOME, \
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      OK(200),        FORBIDDEN,      OK(200)}}, \
    {"GET", pattern, T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      NOT_FOUND,      FORBIDDEN,      NOT_FOUND}}
#define SUGGESTION_DEPUTY_ROWS(method, pattern, st) \
    {method, pattern, T_HOME, \
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      OK(st),         FORBIDDEN,      FORBIDDEN,      FORBIDDEN}}, \
    {method, pattern, T_FOREIGN, \
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN}}
#define SUGGESTION_OFFICE_ROWS(pattern) \
    {"POST", pattern, T_HOME, \
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}}, \
    {"POST", pattern, T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}}
/* Secret ballots: a step of the office of the ballot's region; an open ballot's receipt check. */
#define BALLOT_OFFICE_ROWS(method, pattern) \
    {method, pattern, T_HOME, \
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}}, \
    {method, pattern, T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}}
#define NOT_CLOSED {409, "not_closed"}
#define SUGGESTION_UNIT_ROWS(pattern, st) \
    {"POST", pattern, T_HOME, \
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      OK(st),         FORBIDDEN,      FORBIDDEN}}, \
    {"POST", pattern, T_FOREIGN, \
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      NOT_FOUND,      FORBIDDEN,      FORBIDDEN}}
/* A duty record: read by its deputy, the office and staff of its region and a linked member; changed
 * by its deputy, the office and staff of its region. */
#define DUTY_READ_ROWS(pattern) \
    {"GET", pattern, T_HOME, \
        {UNAUTH,  OK(200),          OK(200),        OK(200),        FORBIDDEN,      OK(200),        OK(200)}}, \
    {"GET", pattern, T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      NOT_FOUND,      FORBIDDEN,      NOT_FOUND,      NOT_FOUND}}
#define DUTY_WRITE_ROWS(method, pattern, st) \
    {method, pattern, T_HOME, \
        {UNAUTH,  OK(st),           OK(st),         OK(st),         FORBIDDEN,      FORBIDDEN,      OK(st)}}, \
    {method, pattern, T_FOREIGN, \
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}}
/* clang-format on */

typedef struct {
    const char *method, *pattern;
    target_t target;
    /* public, admin, staff, deputy, unit, member, admin-rugao */
    expect_t expect[NCALLERS];
} walk_row_t;

/*
 * The rules, route by route:
 * - operations and meta are open to everyone;
 * - GET/POST session are open too (GET without a session answers 200 with "user" null: nobody is
 *   signed in);
 * - signing out and changing one's own password need a session; the password change is sent with
 *   a deliberately wrong current password, so a signed-in caller gets 403 wrong_password (proof
 *   the policy let them through to the check) and the public 401;
 * - accounts and the audit log belong to admins inside their own region subtree; a record outside
 *   it is 404 when named by id, and creating into a foreign region is 403 out_of_scope;
 * - anyone reads their own account; other roles get 404 for someone else's (it does not exist for
 *   them) and 403 for what their role may never do;
 * - the region tree and the registry (congresses, units, stations, groups, deputies) are public to
 *   read, wherever the record is; writing them belongs to admins inside their own region subtree:
 *   creating into it 201, into a neighbour's 403 out_of_scope; changing or deleting a record of
 *   theirs 200/204, one outside it 404 (it does not exist for them); other roles 403, the public
 *   401. Every delete is sent to a fresh record, so no row depends on another's;
 * - the opinion loop (SPEC §3): anyone reads the categories, writes in, and follows and rates their
 *   own opinion with its tracking code and the last four digits of their phone, wherever it is;
 *   an admin keeps the categories of their own region (the national set is a province's);
 * - the inbox, an opinion by id and its files belong to the office and the station staff of the
 *   opinion's region, and to the deputy it was sent to; its contact details, related items,
 *   triage and handling to the office and the staff only; answering, and a rating taken by phone,
 *   to the deputy too. An opinion outside the caller's scope is 404, ?region= a neighbour's is
 *   403 out_of_scope, and a role with no part in it gets 403;
 * - a unit lists and reads its own referrals and takes their steps (another unit's is 404); the
 *   office and the staff of the region read them and grant or refuse more time;
 * - the figures of a region and a station's record books belong to the office and the station
 *   staff of the region too.
 *   Every step is sent to a fresh opinion or referral already in a state that allows it (and every
 *   retirement to a fresh category), so the answer is the policy's, not the state machine's, and
 *   no row depends on another's.
 */
/* clang-format off */
static const walk_row_t walk[] = {
    /* method, pattern, what the request names, then the expectation of each caller: */
    /*   public   admin             staff           deputy          unit            member          admin-rugao */
    {"GET", "/healthz", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/metrics", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/api/v1/meta", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/api/v1/openapi.json", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/api/v1/session", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"POST", "/api/v1/session", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"DELETE", "/api/v1/session", T_NONE,
        {UNAUTH,  OK(204),          OK(204),        OK(204),        OK(204),        OK(204),        OK(204)}},
    {"PUT", "/api/v1/session/password", T_NONE,
        {UNAUTH,  WRONG_PASSWORD,   WRONG_PASSWORD, WRONG_PASSWORD, WRONG_PASSWORD, WRONG_PASSWORD, WRONG_PASSWORD}},
    {"GET", "/api/v1/users", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"POST", "/api/v1/users", T_HOME,
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/users", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/users/:id", T_HOME,
        {UNAUTH,  OK(200),          NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      OK(200)}},
    {"GET", "/api/v1/users/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND}},
    {"GET", "/api/v1/users/:id", T_SELF,
        {NA,      OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"PATCH", "/api/v1/users/:id", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"PATCH", "/api/v1/users/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    /* {"disabled":false} on oneself: an admin may (only disabling oneself is refused) */
    {"PATCH", "/api/v1/users/:id", T_SELF,
        {NA,      OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/audit", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/regions", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    ANYONE_ROWS("GET", "/api/v1/regions/:code"),
    REGISTRY_ROWS("congresses"),
    REGISTRY_ROWS("units"),
    REGISTRY_ROWS("stations"),
    REGISTRY_ROWS("groups"),
    REGISTRY_ROWS("deputies"),
    /* service cards (联络站服务卡) and contact cards (代表连心卡): QR codes anyone may scan */
    ANYONE_ROWS("GET", "/api/v1/stations/:id/qr.svg"),
    ANYONE_ROWS("GET", "/api/v1/deputies/:id/qr.svg"),
    /* the opinion loop: the constituent's side */
    {"GET", "/api/v1/categories", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    /* an admin adds categories to their own region and keeps those; a neighbour's are not theirs */
    {"POST", "/api/v1/categories", T_NONE,
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"PATCH", "/api/v1/categories/:id", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"PATCH", "/api/v1/categories/:id", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"DELETE", "/api/v1/categories/:id", T_HOME,
        {UNAUTH,  OK(204),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(204)}},
    {"DELETE", "/api/v1/categories/:id", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"POST", "/api/v1/opinions", T_NONE,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    ANYONE_ROWS("GET", "/api/v1/track/:code"),
    ANYONE_ROWS("POST", "/api/v1/track/:code/rating"),
    /* the opinion loop: the office, the station staff and the deputies */
    {"GET", "/api/v1/opinions", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        OK(200),        FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/opinions", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    /* the inbox as a file: whoever reads the list, with the same scope */
    {"GET", "/api/v1/opinions/export.csv", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        OK(200),        FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/opinions/export.csv", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/opinions/export.xlsx", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        OK(200),        FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/opinions/export.xlsx", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    SENT_DEPUTY_ROWS("GET", "/api/v1/opinions/:id"),
    SENT_DEPUTY_ROWS("GET", "/api/v1/opinions/:id/attachments/:file"),
    REGION_STAFF_ROWS("GET", "/api/v1/opinions/:id/contact"),
    REGION_STAFF_ROWS("GET", "/api/v1/opinions/:id/similar"),
    REGION_STAFF_ROWS("POST", "/api/v1/opinions/:id/triage"),
    REGION_STAFF_ROWS("POST", "/api/v1/opinions/:id/reject"),
    REGION_STAFF_ROWS("POST", "/api/v1/opinions/:id/merge"),
    REGION_STAFF_ROWS("POST", "/api/v1/opinions/:id/resolve"),
    REGION_STAFF_ROWS("POST", "/api/v1/opinions/:id/refer"),
    REGION_STAFF_ROWS("POST", "/api/v1/opinions/:id/to-suggestion"),
    REGION_STAFF_ROWS("POST", "/api/v1/opinions/:id/keep"),
    SENT_DEPUTY_ROWS("POST", "/api/v1/opinions/:id/answer"),
    REGION_STAFF_ROWS("POST", "/api/v1/opinions/:id/rate"), /* a phone rating: staff, never the answering deputy */
    /* the opinion loop: referrals (交办) to the units */
    {"GET", "/api/v1/referrals", T_NONE,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      OK(200),        FORBIDDEN,      FORBIDDEN}},
    {"GET", "/api/v1/referrals/:id", T_HOME,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      OK(200),        FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/referrals/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      FORBIDDEN,      NOT_FOUND,      FORBIDDEN,      NOT_FOUND}},
    UNIT_ROWS("/api/v1/referrals/:id/accept"),
    UNIT_ROWS("/api/v1/referrals/:id/reply"),
    UNIT_ROWS("/api/v1/referrals/:id/extension"),
    UNIT_ROWS("/api/v1/referrals/:id/return"),
    REGION_STAFF_ROWS("POST", "/api/v1/referrals/:id/extension/grant"),
    REGION_STAFF_ROWS("POST", "/api/v1/referrals/:id/extension/refuse"),
    /* the opinion loop: figures, and a station's record books (which name people) */
    {"GET", "/api/v1/stats", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/stats", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    REGION_STAFF_ROWS("GET", "/api/v1/stations/:id/books/:book"),
    /* the dashboard: the office, station staff and members, in their own region subtree; the
     * public headline figures of any region for anyone */
    {"GET", "/api/v1/dashboard", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      OK(200),        OK(200)}},
    {"GET", "/api/v1/dashboard", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE,   OUT_OF_SCOPE}},
    {"GET", "/api/v1/public/stats", T_FOREIGN,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    /* full-text search: the office and station staff, in their own region subtree */
    {"GET", "/api/v1/search", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/search", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    /* reception days and activities (SPEC §4): anyone reads them and books a seat (and follows or
     * cancels it with its code and phone digits); the office and the station staff of the
     * station's region keep the rules and activities, work the desk and read the reception
     * records and compliance lists - a neighbour's are 404 by id, 403 by ?region= */
    ANYONE_ROWS("GET", "/api/v1/stations/:id/rules"),
    {"POST", "/api/v1/stations/:id/rules", T_HOME,
        {UNAUTH,  OK(201),          OK(201),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/stations/:id/rules", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    REGION_STAFF_ROWS("PATCH", "/api/v1/rules/:id"),
    {"DELETE", "/api/v1/rules/:id", T_HOME,
        {UNAUTH,  OK(204),          OK(204),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(204)}},
    {"DELETE", "/api/v1/rules/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    ANYONE_ROWS("GET", "/api/v1/stations/:id/schedule"),
    ANYONE_ROWS("GET", "/api/v1/stations/:id/schedule.xlsx"),
    {"GET", "/api/v1/activities", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"POST", "/api/v1/activities", T_HOME,
        {UNAUTH,  OK(201),          OK(201),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/activities", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    ANYONE_ROWS("GET", "/api/v1/activities/:id"),
    REGION_STAFF_ROWS("PATCH", "/api/v1/activities/:id"),
    REGION_STAFF_ROWS("POST", "/api/v1/activities/:id/cancel"),
    REGION_STAFF_ROWS("POST", "/api/v1/activities/:id/record"),
    {"POST", "/api/v1/activities/:id/photos", T_HOME,
        {UNAUTH,  OK(201),          OK(201),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/activities/:id/photos", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    ANYONE_ROWS("GET", "/api/v1/activities/:id/photos/:photo"),
    {"POST", "/api/v1/activities/:id/bookings", T_HOME,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    {"POST", "/api/v1/activities/:id/bookings", T_FOREIGN,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    REGION_STAFF_ROWS("GET", "/api/v1/activities/:id/bookings"),
    {"POST", "/api/v1/activities/:id/visits", T_HOME,
        {UNAUTH,  OK(201),          OK(201),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/activities/:id/visits", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    ANYONE_ROWS("GET", "/api/v1/bookings/:code"),
    ANYONE_ROWS("POST", "/api/v1/bookings/:code/cancel"),
    REGION_STAFF_ROWS("POST", "/api/v1/bookings/:code/check-in"),
    REGION_STAFF_ROWS("POST", "/api/v1/bookings/:code/no-show"),
    {"GET", "/api/v1/visits", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/visits", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    REGION_STAFF_ROWS("GET", "/api/v1/visits/:id"),
    {"GET", "/api/v1/compliance", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/compliance", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    /* the weekly digest and the biweekly batch referral (一周一汇总, 半月一交办) */
    {"GET", "/api/v1/digest", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/digest", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/digest.xlsx", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/digest.xlsx", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/batch-referrals", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/batch-referrals", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/batch-referrals.xlsx", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/batch-referrals.xlsx", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    /* campaigns (SPEC §4a): anyone follows them; the office runs those of its own region; the
     * office and the station staff tag (and untag) what lies in their region - each time a fresh
     * opinion of the campaign's county */
    {"GET", "/api/v1/campaigns", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"POST", "/api/v1/campaigns", T_HOME,
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/campaigns", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    ANYONE_ROWS("GET", "/api/v1/campaigns/:id"),
    {"PATCH", "/api/v1/campaigns/:id", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"PATCH", "/api/v1/campaigns/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    {"POST", "/api/v1/campaigns/:id/items", T_HOME,
        {UNAUTH,  OK(201),          OK(201),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/campaigns/:id/items", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    {"DELETE", "/api/v1/campaigns/:id/items/:kind/:item", T_HOME,
        {UNAUTH,  OK(204),          OK(204),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(204)}},
    {"DELETE", "/api/v1/campaigns/:id/items/:kind/:item", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    /* legislative consultation (SPEC §4a): anyone reads a published draft and comments on it; the
     * office and the staff record a meeting at a station of theirs (which a neighbour's draft does
     * not cover: 422); the office of its region prepares and publishes it (a fresh unpublished
     * one each time); deputies follow topics (a fresh draft each time); the office and the staff
     * inside the draft's region read the comments, decide adoption and compile the report, and so
     * does the demo deputy for the comments of 如东县's draft, whose topic they follow */
    {"GET", "/api/v1/drafts", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"POST", "/api/v1/drafts", T_HOME,
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/drafts", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    ANYONE_ROWS("GET", "/api/v1/drafts/:id"),
    {"POST", "/api/v1/drafts/:id/publish", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"POST", "/api/v1/drafts/:id/publish", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    {"POST", "/api/v1/drafts/:id/follow", T_HOME,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN}},
    {"POST", "/api/v1/drafts/:id/follow", T_FOREIGN,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN}},
    {"POST", "/api/v1/drafts/:id/articles/:number/comments", T_HOME,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    {"POST", "/api/v1/drafts/:id/articles/:number/comments", T_FOREIGN,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    {"POST", "/api/v1/drafts/:id/articles/:number/meeting-comments", T_HOME,
        {UNAUTH,  OK(201),          OK(201),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/drafts/:id/articles/:number/meeting-comments", T_FOREIGN,
        {UNAUTH,  {422, "invalid"}, {422, "invalid"}, FORBIDDEN,    FORBIDDEN,      FORBIDDEN,      {422, "invalid"}}},
    {"GET", "/api/v1/drafts/:id/comments", T_HOME,
        {UNAUTH,  OK(200),          OK(200),        OK(200),        FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/drafts/:id/comments", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/drafts/:id/report", T_HOME,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/drafts/:id/report", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/drafts/:id/report.xlsx", T_HOME,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/drafts/:id/report.xlsx", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    REGION_STAFF_ROWS("POST", "/api/v1/comments/:id/adopt"),
    /* deputy suggestions (SPEC §5): a deputy writes, edits, submits and rates their own (a
     * neighbour county's is 404) and answers an invitation to co-sign; the office of the region
     * reviews and assigns (a neighbour's is 404); a unit takes the steps of what is assigned to it
     * (another county's is 404); the office and members read the supervision lists, a member the
     * key suggestions they supervise; the office and a unit print a unit's 交办单 (another unit's
     * is 404); the public reads published replies.
     * Every step is sent to a fresh suggestion already in the state it needs (set up behind the
     * API), so the answer is the policy's */
    {"GET", "/api/v1/suggestions", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      OK(200),        OK(200),        OK(200),        OK(200)}},
    {"POST", "/api/v1/suggestions", T_NONE,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      OK(201),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN}},
    SUGGESTION_SUPERVISE_ROW("/api/v1/suggestions/overdue"),
    SUGGESTION_SUPERVISE_ROW("/api/v1/suggestions/near-deadline"),
    SUGGESTION_SUPERVISE_ROW("/api/v1/suggestions/follow-up"),
    SUGGESTION_SUPERVISE_ROW("/api/v1/suggestions/league"),
    /* the key suggestions a member supervises: members alone (their own account's) */
    {"GET", "/api/v1/suggestions/supervised", T_NONE,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200),        FORBIDDEN}},
    {"GET", "/api/v1/suggestions/published", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    SUGGESTION_SHEET_ROWS("/api/v1/suggestions/sheet"),
    SUGGESTION_SHEET_ROWS("/api/v1/suggestions/sheet.xlsx"),
    {"GET", "/api/v1/suggestions/:id", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/api/v1/suggestions/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND}},
    {"GET", "/api/v1/suggestions/:id/attachments/:file", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/api/v1/suggestions/:id/attachments/:file", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND}},
    SUGGESTION_DEPUTY_ROWS("PATCH", "/api/v1/suggestions/:id", 200),
    SUGGESTION_DEPUTY_ROWS("POST", "/api/v1/suggestions/:id/attachments", 201),
    SUGGESTION_DEPUTY_ROWS("POST", "/api/v1/suggestions/:id/submit", 200),
    SUGGESTION_DEPUTY_ROWS("POST", "/api/v1/suggestions/:id/cosign", 200),
    SUGGESTION_DEPUTY_ROWS("POST", "/api/v1/suggestions/:id/evaluate", 200),
    SUGGESTION_DEPUTY_ROWS("POST", "/api/v1/suggestions/:id/rate-result", 200),
    SUGGESTION_OFFICE_ROWS("/api/v1/suggestions/:id/accept"),
    SUGGESTION_OFFICE_ROWS("/api/v1/suggestions/:id/return"),
    SUGGESTION_OFFICE_ROWS("/api/v1/suggestions/:id/to-letter"),
    SUGGESTION_OFFICE_ROWS("/api/v1/suggestions/:id/assign"),
    SUGGESTION_OFFICE_ROWS("/api/v1/suggestions/:id/reassign"),
    SUGGESTION_UNIT_ROWS("/api/v1/suggestions/:id/contest", 200),
    SUGGESTION_UNIT_ROWS("/api/v1/suggestions/:id/start", 200),
    SUGGESTION_UNIT_ROWS("/api/v1/suggestions/:id/contacts", 201),
    SUGGESTION_UNIT_ROWS("/api/v1/suggestions/:id/co-opinion", 200),
    SUGGESTION_UNIT_ROWS("/api/v1/suggestions/:id/reply", 200),
    /* secret ballots (SPEC §7): anyone lists them (each role sees its own: the office its region's,
     * a deputy those they may vote in, the public the published ones); the office of the congress's
     * region defines, opens, closes and publishes them (a neighbour's is 404); an open ballot is read
     * by its office and its electorate (the demo deputy is on the own-scope one's), and only a deputy
     * on the electorate votes (a ballot they cannot see is 404); anyone checks a receipt, which an
     * open ballot answers 409 not_closed; the announcement of a closed ballot is its office's until
     * published. Every step is sent to a fresh ballot already in the state it needs */
    {"GET", "/api/v1/ballots", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"POST", "/api/v1/ballots", T_HOME,
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/ballots", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/ballots/:id", T_HOME,
        {NOT_FOUND, OK(200),        NOT_FOUND,      OK(200),        NOT_FOUND,      NOT_FOUND,      OK(200)}},
    {"GET", "/api/v1/ballots/:id", T_FOREIGN,
        {NOT_FOUND, NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND}},
    BALLOT_OFFICE_ROWS("PATCH", "/api/v1/ballots/:id"),
    BALLOT_OFFICE_ROWS("POST", "/api/v1/ballots/:id/open"),
    BALLOT_OFFICE_ROWS("POST", "/api/v1/ballots/:id/close"),
    BALLOT_OFFICE_ROWS("POST", "/api/v1/ballots/:id/publish"),
    {"POST", "/api/v1/ballots/:id/vote", T_HOME,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      OK(201),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN}},
    {"POST", "/api/v1/ballots/:id/vote", T_FOREIGN,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      NOT_FOUND,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN}},
    {"GET", "/api/v1/ballots/:id/receipts/:code", T_HOME,
        {NOT_CLOSED, NOT_CLOSED,    NOT_CLOSED,     NOT_CLOSED,     NOT_CLOSED,     NOT_CLOSED,     NOT_CLOSED}},
    {"GET", "/api/v1/ballots/:id/receipts/:code", T_FOREIGN,
        {NOT_CLOSED, NOT_CLOSED,    NOT_CLOSED,     NOT_CLOSED,     NOT_CLOSED,     NOT_CLOSED,     NOT_CLOSED}},
    {"GET", "/api/v1/ballots/:id/announcement", T_HOME,
        {NOT_FOUND, OK(200),        NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      OK(200)}},
    {"GET", "/api/v1/ballots/:id/announcement", T_FOREIGN,
        {NOT_FOUND, NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND}},
    /* duty records (SPEC §6): a deputy keeps their own, the office and the station staff those of
     * the deputies of their region, and they alone confirm or reject; a member reads those of the
     * deputies linked to them (the walk links the demo member to the demo deputy). A record outside
     * the caller's scope is 404, ?region= a neighbour's 403. Every change and decision is sent to a
     * fresh pending record; the own-scope record of admin-rugao is one of a deputy of its county */
    {"GET", "/api/v1/duty-records", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        OK(200),        FORBIDDEN,      OK(200),        OK(200)}},
    {"GET", "/api/v1/duty-records", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   OUT_OF_SCOPE,   FORBIDDEN,      OUT_OF_SCOPE,   OUT_OF_SCOPE}},
    {"POST", "/api/v1/duty-records", T_HOME,
        {UNAUTH,  OK(201),          OK(201),        OK(201),        FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/duty-records", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    DUTY_READ_ROWS("/api/v1/duty-records/:id"),
    DUTY_READ_ROWS("/api/v1/duty-records/:id/photos/:photo"),
    DUTY_READ_ROWS("/api/v1/duty-records/:id/photos/:photo/thumb"),
    DUTY_WRITE_ROWS("PATCH", "/api/v1/duty-records/:id", 200),
    DUTY_WRITE_ROWS("DELETE", "/api/v1/duty-records/:id", 204),
    DUTY_WRITE_ROWS("POST", "/api/v1/duty-records/:id/photos", 201),
    REGION_STAFF_ROWS("POST", "/api/v1/duty-records/:id/confirm"),
    REGION_STAFF_ROWS("POST", "/api/v1/duty-records/:id/reject"),
    /* duty scores and obligations (SPEC §6): every account reads the rules, and an admin changes
     * them (one set for every region, so "foreign" names the same rule); the office, the station staff and
     * members read the score board and who is behind in their own region (?region= a neighbour's
     * is 403); a deputy's explained score is theirs, their region's office and staff's, and a
     * linked member's (the walk links the demo member to the demo deputy) - anyone else's is 404 */
    {"GET", "/api/v1/duty-rules", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"PATCH", "/api/v1/duty-rules/:id", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"PATCH", "/api/v1/duty-rules/:id", T_FOREIGN,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/obligation-rules", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"PATCH", "/api/v1/obligation-rules/:id", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"PATCH", "/api/v1/obligation-rules/:id", T_FOREIGN,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/scores", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      OK(200),        OK(200)}},
    {"GET", "/api/v1/scores", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE,   OUT_OF_SCOPE}},
    {"GET", "/api/v1/obligations", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      OK(200),        OK(200)}},
    {"GET", "/api/v1/obligations", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     OUT_OF_SCOPE,   FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE,   OUT_OF_SCOPE}},
    {"GET", "/api/v1/deputies/:id/score", T_HOME,
        {UNAUTH,  OK(200),          OK(200),        OK(200),        FORBIDDEN,      OK(200),        OK(200)}},
    {"GET", "/api/v1/deputies/:id/score", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      NOT_FOUND,      FORBIDDEN,      NOT_FOUND,      NOT_FOUND}},
    /* annual reports (SPEC §6, 述职报告): anyone lists a deputy's published reports, reads and rates
     * a published one; a draft is its deputy's and their region's office and staff's, who write,
     * publish and withdraw it - anyone else is told it does not exist (404). Every write is sent
     * to a fresh report (a generate to a year the deputy has none of); the read to the county's
     * draft, the ratings to its published report with a fresh phone each */
    {"GET", "/api/v1/deputies/:id/annual-reports", T_HOME,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/api/v1/deputies/:id/annual-reports", T_FOREIGN,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    DUTY_WRITE_ROWS("POST", "/api/v1/deputies/:id/annual-reports", 201), /* the same scope as a duty record's */
    {"GET", "/api/v1/annual-reports/:id", T_HOME,
        {NOT_FOUND, OK(200),        OK(200),        OK(200),        NOT_FOUND,      NOT_FOUND,      OK(200)}},
    {"GET", "/api/v1/annual-reports/:id", T_FOREIGN,
        {NOT_FOUND, NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND}},
    DUTY_WRITE_ROWS("PATCH", "/api/v1/annual-reports/:id", 200),
    DUTY_WRITE_ROWS("POST", "/api/v1/annual-reports/:id/publish", 200),
    DUTY_WRITE_ROWS("POST", "/api/v1/annual-reports/:id/unpublish", 200),
    {"POST", "/api/v1/annual-reports/:id/ratings", T_HOME,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    {"POST", "/api/v1/annual-reports/:id/ratings", T_FOREIGN,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    /* members and their deputies (联系代表): the office lists the members of its region (?region=
     * a neighbour's is 403) and links them (a neighbour's member is 404); a member alone has a
     * dashboard and a contact log, their own */
    {"GET", "/api/v1/members", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/members", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"PUT", "/api/v1/members/:id/deputies", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"PUT", "/api/v1/members/:id/deputies", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    {"GET", "/api/v1/members/me", T_NONE,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200),        FORBIDDEN}},
    {"GET", "/api/v1/members/me/contacts", T_NONE,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200),        FORBIDDEN}},
    {"POST", "/api/v1/members/me/contacts", T_NONE,
        {UNAUTH,  FORBIDDEN,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201),        FORBIDDEN}},
    /* Open311 (SPEC §9): anyone reads; a post needs an API key, not a role; the office keeps the
     * keys of its region (a key outside it does not exist for them) */
    {"GET", "/api/v1/open311-keys", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"POST", "/api/v1/open311-keys", T_HOME,
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/open311-keys", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"DELETE", "/api/v1/open311-keys/:id", T_HOME,
        {UNAUTH,  OK(204),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(204)}},
    {"DELETE", "/api/v1/open311-keys/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    ANYONE_ROWS("GET", "/open311/v2/discovery.json"),
    ANYONE_ROWS("GET", "/open311/v2/discovery.xml"),
    ANYONE_ROWS("GET", "/open311/v2/services.json"),
    ANYONE_ROWS("GET", "/open311/v2/services.xml"),
    ANYONE_ROWS("GET", "/open311/v2/services/:code"),
    ANYONE_ROWS("GET", "/open311/v2/requests.json"),
    ANYONE_ROWS("GET", "/open311/v2/requests.xml"),
    ANYONE_ROWS("GET", "/open311/v2/requests/:id"),
    ANYONE_ROWS("GET", "/open311/v2/tokens/:token"),
    {"POST", "/open311/v2/requests.json", T_NONE,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    {"POST", "/open311/v2/requests.xml", T_NONE,
        {OK(201), OK(201),          OK(201),        OK(201),        OK(201),        OK(201),        OK(201)}},
    /* notification gateways (SPEC §9): the office sees and puts back the dead letters of its
     * region and keeps its region's webhook subscriptions (another county's do not exist for it);
     * the office and station staff read the templates */
    {"GET", "/api/v1/outbox/dead", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/outbox/dead", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"POST", "/api/v1/outbox/:id/retry", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"POST", "/api/v1/outbox/:id/retry", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    {"GET", "/api/v1/outbox/templates", T_NONE,
        {UNAUTH,  OK(200),          OK(200),        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/webhooks", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/webhooks", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"POST", "/api/v1/webhooks", T_HOME,
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/webhooks", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"DELETE", "/api/v1/webhooks/:id", T_HOME,
        {UNAUTH,  OK(204),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(204)}},
    {"DELETE", "/api/v1/webhooks/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
};
/* clang-format on */
#define NWALK (sizeof(walk) / sizeof(walk[0]))

/* ---- the one server of the walk ---- */

enum { RUDONG, RUGAO, NCOUNTIES }; /* HOME_REGION, FOREIGN_REGION */

/* The opinion loop of one county, as the walk sets it up. */
typedef struct {
    client_t *admin;    /* the office: it takes fresh opinions to the state a step needs */
    client_t *unit;     /* signed in as the unit of unit_id: it asks for more time */
    char region[13];    /* what the opinions are about: the staff account's township in 如东县 */
    long long station;  /* where they are sent */
    long long unit_id;  /* where they are referred */
    long long opinion;  /* an open one, for the reads and as the master of merges */
    char code[16];      /* its tracking code */
    long long file;     /* its attachment */
    long long category; /* a category its admin made */
    long long referral; /* a referral of another one to unit_id, for the reads */
} county_t;

typedef struct {
    server_t server;
    client_t clients[NCALLERS]; /* [PUBLIC] stays signed out */
    long long self_id[NCALLERS];
    long long home_target;       /* an account in 如东县 (not a caller) */
    long long foreign_target;    /* an account in 如皋市 (not a caller) */
    int fresh;                   /* for unique usernames */
    int term;                    /* for unique congress terms (届), above the demo's own */
    long long home_record[5];    /* one record of each registry entity in 如东县 */
    long long foreign_record[5]; /* and one in 如皋市 */
    long long deputy_id;         /* the deputy account's deputy */
    client_t rugao_unit;         /* an account of a unit of 如皋市 (the demo has none there) */
    county_t county[NCOUNTIES];  /* the opinion loop in 如东县 and in 如皋市 */
} walk_state_t;

static walk_state_t w;

static const char *home_region(int caller)
{
    return caller == ADMIN_RUGAO ? FOREIGN_REGION : HOME_REGION;
}

static const char *foreign_region(int caller)
{
    return caller == ADMIN_RUGAO ? HOME_REGION : FOREIGN_REGION;
}

/* The registry entities, in the order of home_record and foreign_record. */
static const char *const registry_plurals[] = {"congresses", "units", "stations", "groups", "deputies"};
#define NREGISTRY (sizeof(registry_plurals) / sizeof(registry_plurals[0]))

/* Index of the registry entity a route pattern names, or -1 for other routes. */
static int registry_index(const char *pattern)
{
    for (size_t i = 0; i < NREGISTRY; i++) {
        size_t n = strlen(registry_plurals[i]);
        if (strncmp(pattern, "/api/v1/", 8) == 0 && strncmp(pattern + 8, registry_plurals[i], n) == 0 &&
            (pattern[8 + n] == '\0' || pattern[8 + n] == '/'))
            return (int)i;
    }
    return -1;
}

/* A body that creates a valid record of the entity in region (a fresh congress term each time). */
static json_t *registry_body(int entity, const char *region)
{
    char name[64];
    snprintf(name, sizeof(name), "巡查记录%d", ++w.fresh);
    switch (entity) {
    case 0: {
        int term = ++w.term;
        snprintf(name, sizeof(name), "第%d届人民代表大会", term);
        return json_pack("{s:i, s:s, s:i, s:s}", "level", 4, "region", region, "term", term, "name", name);
    }
    case 1: return json_pack("{s:s, s:s}", "name", name, "region", region);
    case 2: return json_pack("{s:s, s:s, s:s}", "name", name, "kind", "hub", "region", region);
    case 3: return json_pack("{s:s, s:s}", "name", name, "region", region);
    case 4: return json_pack("{s:s, s:s, s:s}", "name", "张代表", "gender", "female", "region", region);
    }
    fail_msg("no registry entity %d", entity);
    return NULL;
}

static long long json_id(const json_t *user)
{
    return (long long)json_integer_value(json_object_get(user, "id"));
}

/* POSTs body (taken) to path as client, or publicly when client is NULL, for the walk's own
 * setup: anything but the status wanted fails the test. The caller frees the answer. */
static api_res_t *post_json(client_t *client, const char *path, json_t *body, long want)
{
    char *text = json_dumps(body, 0);
    json_decref(body);
    assert_non_null(text);
    api_res_t *r = client ? client_request(client, "POST", path, text)
                          : api_request(&w.server, "POST", path, text, strlen(text), NULL, NULL);
    assert_non_null(r);
    if (r->status != want)
        fprintf(stderr, "setting up: POST %s %s: %ld %s\n", path, text, r->status, r->body);
    free(text);
    assert_int_equal(r->status, want);
    return r;
}

/* POSTs body (taken) as client and returns the id of what it created. */
static long long create(client_t *client, const char *path, json_t *body)
{
    api_res_t *r = post_json(client, path, body, 201);
    long long id = json_id(r->json);
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

/* Creates a registry record in the admin's own county; returns its id. */
static long long create_record(client_t *admin, int entity, const char *region)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/%s", registry_plurals[entity]);
    return create(admin, path, registry_body(entity, region));
}

/* Creates an account of role as an admin client (of unit_id's unit, unless 0); returns its id. */
static long long create_account(client_t *admin, const char *username, const char *region, const char *role,
                                long long unit_id)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", username, "display_name", username, "password",
                             "target-password-1", "role", role, "region", region);
    if (unit_id)
        json_object_set_new(body, "unit_id", json_integer(unit_id));
    return create(admin, "/api/v1/users", body);
}

/* ---- the opinion loop ---- */

#define PHONE "13812345678" /* the constituent's phone in every opinion of the walk */
#define PHONE4 "5678"

/* How far a fresh opinion is taken before a step is sent to it. */
typedef enum { STAGE_REGISTERED, STAGE_TRIAGED, STAGE_IN_PROGRESS, STAGE_ANSWERED } stage_t;

/* The state each step needs (SPEC §3): rejecting and merging need none, handling a triage first,
 * answering a disposition, rating an answer. The moves of fresh_opinion reach them in order. */
static const struct {
    const char *step;
    stage_t stage;
} opinion_steps[] = {
    {"triage", STAGE_REGISTERED}, {"reject", STAGE_REGISTERED},  {"merge", STAGE_REGISTERED},
    {"resolve", STAGE_TRIAGED},   {"refer", STAGE_TRIAGED},      {"to-suggestion", STAGE_TRIAGED},
    {"keep", STAGE_TRIAGED},      {"answer", STAGE_IN_PROGRESS}, {"rate", STAGE_ANSWERED},
};
static const char *const stage_moves[] = {"triage", "keep", "answer"};

/* s past prefix, or NULL when s does not start with it. */
static const char *after(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* The step a route takes on an opinion or a referral ("triage", "extension/grant"), or NULL. */
static const char *loop_step(const char *pattern)
{
    const char *step = after(pattern, "/api/v1/opinions/:id/");
    return step ? step : after(pattern, "/api/v1/referrals/:id/");
}

/* The county of the record (or region) a row names, seen from the caller; T_NONE is their own. */
static int county_of(int caller, target_t t)
{
    return (t != T_FOREIGN) != (caller == ADMIN_RUGAO) ? RUDONG : RUGAO;
}

/* An opinion to the county's station, with a phone and a file; in 如东县 sent to the demo
 * deputy too. */
static json_t *opinion_body(int county)
{
    const county_t *k = &w.county[county];
    json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s}", "station_id", (json_int_t)k->station, "category", "urban",
                             "content", "巡查：村口路灯不亮，夜里行走不便", "region", k->region, "phone", PHONE);
    if (county == RUDONG)
        json_object_set_new(body, "deputy_id", json_integer(w.deputy_id));
    /* a PDF ("%PDF-1.4\n%walk\n"), the smallest file it takes */
    json_object_set_new(body, "attachments",
                        json_pack("[{s:s, s:s}]", "name", "walk.pdf", "data", "JVBERi0xLjQKJXdhbGsK"));
    return body;
}

/* A new category of the one tree, with a code of its own. */
static json_t *category_body(void)
{
    char code[32], name[32];
    int n = ++w.fresh;
    snprintf(code, sizeof(code), "walk_%d", n);
    snprintf(name, sizeof(name), "巡查类别%d", n);
    return json_pack("{s:s, s:s}", "code", code, "name", name);
}

/* A body that step (of an opinion or a referral) accepts for a record of the county. */
static json_t *step_body(const char *step, int county)
{
    const county_t *k = &w.county[county];
    if (strcmp(step, "triage") == 0)
        return json_pack("{s:s}", "urgency", "urgent");
    if (strcmp(step, "merge") == 0)
        return json_pack("{s:I}", "master_id", (json_int_t)k->opinion);
    if (strcmp(step, "refer") == 0)
        return json_pack("{s:I}", "unit_id", (json_int_t)k->unit_id);
    if (strcmp(step, "rate") == 0)
        return json_pack("{s:s}", "rating", "satisfied");
    if (strcmp(step, "extension") == 0)
        return json_pack("{s:i, s:s}", "days", 5, "text", "需要现场勘查");
    if (strcmp(step, "accept") == 0 || strncmp(step, "extension/", 10) == 0)
        return json_object();
    return json_pack("{s:s}", "text", "巡查答复：已安排维修"); /* every other step takes a text */
}

/* The opinion of a tracking code, found in the office's inbox (a public post is not told its id). */
static long long opinion_id_of(client_t *admin, const char *code)
{
    api_res_t *r = client_request(admin, "GET", "/api/v1/opinions?limit=20", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    long long id = 0;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r->json, "items"), i, o)
    {
        const char *c = json_string_value(json_object_get(o, "tracking_code"));
        if (c && strcmp(c, code) == 0)
            id = json_id(o);
    }
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

/* Sends a fresh opinion of the county publicly and has its office take it to stage; returns its
 * id, and its tracking code into code (16 bytes) unless NULL. */
static long long fresh_opinion(int county, stage_t stage, char *code)
{
    county_t *k = &w.county[county];
    api_res_t *r = post_json(NULL, "/api/v1/opinions", opinion_body(county), 201);
    char tracking[16];
    const char *given = json_string_value(json_object_get(r->json, "tracking_code"));
    snprintf(tracking, sizeof(tracking), "%s", given ? given : "");
    api_res_free(r);
    long long id = opinion_id_of(k->admin, tracking);
    for (int s = 0; s < (int)stage; s++) {
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/opinions/%lld/%s", id, stage_moves[s]);
        api_res_free(post_json(k->admin, path, step_body(stage_moves[s], county), 200));
    }
    if (code)
        snprintf(code, 16, "%s", tracking);
    return id;
}

/* Refers a fresh opinion of the county to its unit (which then asks for more time, if
 * extension_asked); returns the referral's id. */
static long long fresh_referral(int county, bool extension_asked)
{
    county_t *k = &w.county[county];
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/refer", fresh_opinion(county, STAGE_TRIAGED, NULL));
    api_res_t *r = post_json(k->admin, path, step_body("refer", county), 200);
    long long id = json_id(json_array_get(json_object_get(r->json, "referrals"), 0));
    api_res_free(r);
    assert_true(id > 0);
    if (extension_asked) {
        snprintf(path, sizeof(path), "/api/v1/referrals/%lld/extension", id);
        api_res_free(post_json(k->unit, path, step_body("extension", county), 200));
    }
    return id;
}

/* The opinion, referral, station or category a loop route names in the county: a fresh one in
 * the state its step needs (or to retire), or the county's own; 0 for other routes. */
static long long loop_target(const walk_row_t *row, int county)
{
    const char *pattern = row->pattern;
    const char *step = loop_step(pattern);
    if (after(pattern, "/api/v1/opinions/:id")) {
        for (size_t i = 0; step && i < sizeof(opinion_steps) / sizeof(opinion_steps[0]); i++)
            if (strcmp(step, opinion_steps[i].step) == 0)
                return fresh_opinion(county, opinion_steps[i].stage, NULL);
        return w.county[county].opinion; /* a read: contact details, related items */
    }
    if (after(pattern, "/api/v1/referrals/:id"))
        return step ? fresh_referral(county, strncmp(step, "extension/", 10) == 0) : w.county[county].referral;
    if (after(pattern, "/api/v1/stations/:id/books/")) /* the station its opinions are sent to */
        return w.county[county].station;
    if (after(pattern, "/api/v1/categories/:id"))
        return strcmp(row->method, "DELETE") == 0
                   ? create(w.county[county].admin, "/api/v1/categories", category_body())
                   : w.county[county].category;
    return 0;
}

/* The demo's places of the loop in 如东县 (from the staff, deputy and unit sessions) and the
 * walk's own in 如皋市, an account of its unit, and one opinion and one referral in each. */
static void loop_setup(const json_t *staff, const json_t *deputy, const json_t *unit)
{
    county_t *k = &w.county[RUDONG];
    k->admin = &w.clients[ADMIN];
    k->unit = &w.clients[UNIT];
    snprintf(k->region, sizeof(k->region), "%s", json_string_value(json_object_get(staff, "region")));
    k->station = (long long)json_integer_value(json_array_get(json_object_get(staff, "stations"), 0));
    k->unit_id = (long long)json_integer_value(json_object_get(unit, "unit_id"));
    w.deputy_id = (long long)json_integer_value(json_object_get(deputy, "deputy_id"));
    assert_true(k->station > 0 && k->unit_id > 0 && w.deputy_id > 0);

    k = &w.county[RUGAO];
    k->admin = &w.clients[ADMIN_RUGAO];
    k->unit = &w.rugao_unit;
    snprintf(k->region, sizeof(k->region), "%s", FOREIGN_REGION);
    k->station = w.foreign_record[2];
    k->unit_id = w.foreign_record[1];
    create_account(k->admin, "walk-rugao-unit", FOREIGN_REGION, "unit", k->unit_id);
    assert_true(client_login(k->unit, &w.server, "walk-rugao-unit", "target-password-1"));

    for (int c = 0; c < NCOUNTIES; c++) {
        k = &w.county[c];
        k->opinion = fresh_opinion(c, STAGE_REGISTERED, k->code);
        k->category = create(k->admin, "/api/v1/categories", category_body());
        k->referral = fresh_referral(c, false);
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/opinions/%lld", k->opinion);
        api_res_t *r = client_request(k->admin, "GET", path, NULL);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        k->file = json_id(json_array_get(json_object_get(r->json, "attachments"), 0));
        api_res_free(r);
        assert_true(k->file > 0);
    }
}

/* ---- campaigns ---- */

/* A campaign of region from 30 days ago to 30 days ahead (Beijing days). */
static json_t *campaign_fields(const char *region)
{
    char from[11], to[11];
    time_t now = time(NULL) + 8 * 3600, first = now - 30 * 86400, last = now + 30 * 86400;
    struct tm tm;
    strftime(from, sizeof(from), "%Y-%m-%d", gmtime_r(&first, &tm));
    strftime(to, sizeof(to), "%Y-%m-%d", gmtime_r(&last, &tm));
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "region", region, "theme", "代表\"三进\"", "title", "巡查主题活动",
                     "starts_on", from, "ends_on", to);
}

/* The county's campaign, made by its office on first use. */
static long long walk_campaign(int county)
{
    static long long made[NCOUNTIES];
    if (made[county] == 0)
        made[county] = create(w.county[county].admin, "/api/v1/campaigns",
                              campaign_fields(county == RUDONG ? HOME_REGION : FOREIGN_REGION));
    return made[county];
}

/* The body of a campaign route: a new campaign in the region the row names, a new title, or a
 * fresh opinion of the county to tag. NULL for reads and untags. */
static json_t *campaign_body(const walk_row_t *row, int caller)
{
    if (strcmp(row->method, "GET") == 0 || strcmp(row->method, "DELETE") == 0)
        return NULL;
    if (strcmp(row->pattern, "/api/v1/campaigns") == 0)
        return campaign_fields(row->target == T_FOREIGN ? foreign_region(caller) : home_region(caller));
    if (strcmp(row->method, "PATCH") == 0)
        return json_pack("{s:s}", "title", "巡查改名");
    return json_pack("{s:s, s:I}", "kind", "opinion", "id",
                     (json_int_t)fresh_opinion(county_of(caller, row->target), STAGE_REGISTERED, NULL));
}

/* The path of a campaign route naming a record: the county's campaign, and for an untag a fresh
 * opinion its office has tagged. False for other routes. */
static bool campaign_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    const char *rest = after(row->pattern, "/api/v1/campaigns/:id");
    if (rest == NULL)
        return false;
    int county = county_of(caller, row->target);
    long long id = walk_campaign(county);
    if (strcmp(rest, "/items/:kind/:item") == 0) {
        long long opinion = fresh_opinion(county, STAGE_REGISTERED, NULL);
        snprintf(out, len, "/api/v1/campaigns/%lld/items", id);
        api_res_free(post_json(w.county[county].admin, out,
                               json_pack("{s:s, s:I}", "kind", "opinion", "id", (json_int_t)opinion), 201));
        snprintf(out, len, "/api/v1/campaigns/%lld/items/opinion/%lld", id, opinion);
    } else {
        snprintf(out, len, "/api/v1/campaigns/%lld%s", id, rest);
    }
    return true;
}

/* ---- legislative consultation ---- */

/* A new draft of region with one article under the topic 总则, taking comments for 30 days. */
static json_t *draft_fields(const char *region)
{
    char deadline[11];
    time_t last = time(NULL) + 8 * 3600 + 30 * 86400;
    struct tm tm;
    strftime(deadline, sizeof(deadline), "%Y-%m-%d", gmtime_r(&last, &tm));
    return json_pack("{s:s, s:s, s:s, s:s}", "title", "巡查条例（草案）", "region", region, "deadline", deadline,
                     "text", "第一章 总则\n第一条 巡查条文。");
}

/* A fresh draft of the county's office, published unless told not to; its id. */
static long long walk_draft(int county, bool publish)
{
    client_t *office = w.county[county].admin;
    long long id = create(office, "/api/v1/drafts", draft_fields(county == RUDONG ? HOME_REGION : FOREIGN_REGION));
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/drafts/%lld/publish", id);
    if (publish)
        api_res_free(post_json(office, path, json_object(), 200));
    return id;
}

/* The county's published draft, made on first use with a public comment on it (into *comment
 * unless NULL); the demo deputy follows the topic of 如东县's. */
static long long county_draft(int county, long long *comment)
{
    static long long draft[NCOUNTIES], first_comment[NCOUNTIES];
    char path[96];
    if (draft[county] == 0) {
        draft[county] = walk_draft(county, true);
        snprintf(path, sizeof(path), "/api/v1/drafts/%lld/articles/1/comments", draft[county]);
        first_comment[county] = create(NULL, path, json_pack("{s:s}", "content", "巡查意见"));
        snprintf(path, sizeof(path), "/api/v1/drafts/%lld/follow", draft[county]);
        if (county == RUDONG)
            api_res_free(post_json(&w.clients[DEPUTY], path, json_pack("{s:[s]}", "topics", "总则"), 200));
    }
    if (comment)
        *comment = first_comment[county];
    return draft[county];
}

/* The body of a consultation route: a new draft in the region the row names, a comment, a
 * meeting's comment (at a station of the caller's own county), a topic to follow, a decision;
 * NULL for reads. */
static json_t *draft_body(const walk_row_t *row, int caller)
{
    if (strcmp(row->method, "GET") == 0)
        return NULL;
    if (strcmp(row->pattern, "/api/v1/drafts") == 0)
        return draft_fields(row->target == T_FOREIGN ? foreign_region(caller) : home_region(caller));
    if (after(row->pattern, "/api/v1/comments/"))
        return json_pack("{s:b, s:s}", "adopted", 1, "note", "巡查采纳");
    if (strstr(row->pattern, "/follow"))
        return json_pack("{s:[s]}", "topics", "总则");
    if (strstr(row->pattern, "/meeting-comments"))
        return json_pack("{s:s, s:I, s:s}", "content", "巡查座谈会意见", "station_id",
                         (json_int_t)w.county[county_of(caller, T_NONE)].station, "meeting", "巡查座谈会");
    if (strstr(row->pattern, "/comments"))
        return json_pack("{s:s}", "content", "巡查意见");
    return json_object(); /* publish */
}

/* The path of a consultation route naming a record: a fresh unpublished draft to publish, a
 * fresh published one to follow (so following changes nothing another row reads), the county's
 * comment to decide on, or else the county's draft (article 1 where one is named). False for
 * other routes. */
static bool draft_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    int county = county_of(caller, row->target);
    const char *rest = after(row->pattern, "/api/v1/comments/:id");
    long long comment;
    if (rest) {
        county_draft(county, &comment);
        snprintf(out, len, "/api/v1/comments/%lld%s", comment, rest);
        return true;
    }
    rest = after(row->pattern, "/api/v1/drafts/:id");
    if (rest == NULL)
        return false;
    long long id = strcmp(rest, "/publish") == 0  ? walk_draft(county, false)
                   : strcmp(rest, "/follow") == 0 ? walk_draft(county, true)
                                                  : county_draft(county, NULL);
    const char *number = strstr(rest, ":number");
    if (number)
        snprintf(out, len, "/api/v1/drafts/%lld%.*s1%s", id, (int)(number - rest), rest, number + 7);
    else
        snprintf(out, len, "/api/v1/drafts/%lld%s", id, rest);
    return true;
}

/* ---- reception days ---- */

/* A WebP photo as far as the server looks (its header), with no NUL so it travels as text. */
#define WALK_PHOTO "RIFFAAAAWEBPVP8 walk"

/* The phone digits of the booking the last cancel row's path names, for its body. */
static char cancel_phone4[5];

static bool is_photo_upload(const walk_row_t *row)
{
    /* a suggestion's attachment takes the same image */
    return strcmp(row->method, "POST") == 0 && (strcmp(row->pattern, "/api/v1/activities/:id/photos") == 0 ||
                                                strcmp(row->pattern, "/api/v1/suggestions/:id/attachments") == 0);
}

/* A Beijing time days from now at hh:00, as the forms type it. */
static void beijing_time(char out[17], int days, int hh)
{
    time_t t = time(NULL) + 8 * 3600 + days * 86400;
    struct tm tm;
    char day[11];
    strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&t, &tm));
    snprintf(out, 17, "%sT%02d:00", day, hh);
}

/* A fresh activity at the county's station, a few days ahead, with room for every booking of the
 * walk; with begun, moved behind the API to have begun an hour ago (a record or a no-show needs
 * that). */
static long long walk_activity(int county, bool begun)
{
    char starts[17], ends[17], sql[160];
    beijing_time(starts, 3, 9);
    beijing_time(ends, 3, 11);
    long long id = create(w.county[county].admin, "/api/v1/activities",
                          json_pack("{s:I, s:s, s:s, s:s, s:s, s:i}", "station_id", (json_int_t)w.county[county].station,
                                    "kind", "reception", "title", "巡查接待日", "starts_at", starts, "ends_at", ends,
                                    "capacity", 1000));
    snprintf(sql, sizeof(sql), "UPDATE activities SET starts_at = %lld, ends_at = %lld WHERE id = %lld",
             (long long)time(NULL) - 3600, (long long)time(NULL) + 3600, id);
    if (begun && db_exec(&w.server, sql) != 0)
        fail_msg("cannot move activity %lld", id);
    return id;
}

/* A fresh booking of a fresh activity of the county (begun after it was booked, when asked):
 * its code into code, its phone's last digits into phone4. */
static void walk_booking(int county, bool begun, char code[16], char phone4[5])
{
    long long activity = walk_activity(county, false);
    char path[80], phone[16], sql[160];
    snprintf(phone, sizeof(phone), "137%08d", ++w.fresh);
    snprintf(phone4, 5, "%s", phone + 7);
    snprintf(path, sizeof(path), "/api/v1/activities/%lld/bookings", activity);
    api_res_t *r = post_json(NULL, path, json_pack("{s:s, s:s}", "topic", "巡查预约", "phone", phone), 201);
    snprintf(code, 16, "%s", json_string_value(json_object_get(r->json, "code")));
    api_res_free(r);
    snprintf(sql, sizeof(sql), "UPDATE activities SET starts_at = %lld WHERE id = %lld", (long long)time(NULL) - 3600,
             activity);
    if (begun && db_exec(&w.server, sql) != 0)
        fail_msg("cannot move activity %lld", activity);
}

/* What each county's reception rows read: an activity with a photo and a walk-in visit, and a
 * booking of it. Made on first use. */
typedef struct {
    long long activity, photo, visit;
    char code[16], phone4[5];
} walk_reception_t;

static const walk_reception_t *county_reception(int county)
{
    static walk_reception_t made[NCOUNTIES];
    walk_reception_t *k = &made[county];
    if (k->activity)
        return k;
    client_t *office = w.county[county].admin;
    walk_booking(county, false, k->code, k->phone4);
    k->activity = walk_activity(county, false);
    char path[80];
    snprintf(path, sizeof(path), "/api/v1/activities/%lld/visits", k->activity);
    k->visit = create(office, path, json_pack("{s:s}", "topic", "巡查来访"));
    snprintf(path, sizeof(path), "/api/v1/activities/%lld/photos", k->activity);
    char cookie[600], csrf[200];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", office->cookies);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", office->csrf);
    const char *headers[] = {cookie, csrf, NULL};
    api_res_t *r = api_request(&w.server, "POST", path, WALK_PHOTO, strlen(WALK_PHOTO), "image/webp", headers);
    assert_int_equal(r->status, 201);
    k->photo = json_id(r->json);
    api_res_free(r);
    return k;
}

/* A fresh reception rule of the county's station (no roster, so it clashes with nothing). */
static long long walk_rule(int county)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/stations/%lld/rules", w.county[county].station);
    return create(w.county[county].admin, path,
                  json_pack("{s:s, s:i, s:[]}", "rule", "weekly SAT 08:00-09:00", "capacity", 5, "deputies"));
}

/* The body of a reception route; NULL for reads, deletes and the bodiless photo. */
static json_t *reception_body(const walk_row_t *row, int caller)
{
    int county = county_of(caller, row->target);
    if (strcmp(row->method, "GET") == 0 || strcmp(row->method, "DELETE") == 0)
        return NULL;
    if (strcmp(row->pattern, "/api/v1/activities") == 0) {
        char starts[17], ends[17];
        beijing_time(starts, 4, 14);
        beijing_time(ends, 4, 16);
        return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i}", "station_id", (json_int_t)w.county[county].station, "kind",
                         "research", "title", "巡查调研", "starts_at", starts, "ends_at", ends, "capacity", 0);
    }
    if (strstr(row->pattern, "/rules"))
        return json_pack("{s:s, s:i, s:[]}", "rule", "weekly SUN 08:00-09:00", "capacity", 5, "deputies");
    if (strcmp(row->method, "PATCH") == 0)
        return json_pack("{s:s}", "title", "巡查改名");
    if (strstr(row->pattern, "/record"))
        return json_pack("{s:i, s:s, s:[]}", "visitors", 3, "summary", "巡查记录", "attended");
    if (strstr(row->pattern, "/activities/:id/bookings")) {
        char phone[16];
        snprintf(phone, sizeof(phone), "136%08d", ++w.fresh);
        return json_pack("{s:s, s:s}", "topic", "巡查预约", "phone", phone);
    }
    if (strstr(row->pattern, "/visits"))
        return json_pack("{s:s}", "topic", "巡查来访");
    if (strstr(row->pattern, "/cancel") && after(row->pattern, "/api/v1/bookings/"))
        return json_pack("{s:s}", "phone4", cancel_phone4);
    return json_object(); /* check-in, no-show */
}

/* The path of a reception route naming a record, or a region (?region= of a foreign one). False
 * for other routes. A booking's cancel leaves its phone digits in cancel_phone4 for the body. */
static bool reception_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    int county = county_of(caller, row->target);
    const char *p = row->pattern;
    if (strcmp(p, "/api/v1/visits") == 0 || strcmp(p, "/api/v1/compliance") == 0) {
        if (row->target == T_FOREIGN)
            snprintf(out, len, "%s?region=%s", p, foreign_region(caller));
        else
            snprintf(out, len, "%s", p);
        return true;
    }
    const char *rest = after(p, "/api/v1/bookings/:code");
    if (rest) {
        char code[16], phone4[5];
        const walk_reception_t *k = county_reception(county);
        bool read = strcmp(row->method, "GET") == 0;
        if (read)
            snprintf(code, sizeof(code), "%s", k->code);
        else
            walk_booking(county, strcmp(rest, "/no-show") == 0, code, phone4);
        snprintf(out, len, "/api/v1/bookings/%s%s%s%s", code, rest, read ? "?phone4=" : "", read ? k->phone4 : "");
        if (!read)
            snprintf(cancel_phone4, 5, "%s", phone4);
        return true;
    }
    if ((rest = after(p, "/api/v1/rules/:id"))) {
        snprintf(out, len, "/api/v1/rules/%lld", walk_rule(county));
        return true;
    }
    if ((rest = after(p, "/api/v1/stations/:id")) && (after(rest, "/rules") || after(rest, "/schedule"))) {
        snprintf(out, len, "/api/v1/stations/%lld%s", w.county[county].station, rest);
        return true;
    }
    if ((rest = after(p, "/api/v1/visits/:id"))) {
        snprintf(out, len, "/api/v1/visits/%lld", county_reception(county)->visit);
        return true;
    }
    if ((rest = after(p, "/api/v1/activities/:id")) == NULL)
        return false;
    const walk_reception_t *k = county_reception(county);
    /* a change gets an activity of its own, so no row depends on another's */
    bool change = strcmp(row->method, "GET") != 0 && strcmp(rest, "/bookings") != 0 && strcmp(rest, "/visits") != 0 &&
                  strcmp(rest, "/photos") != 0;
    long long id = change ? walk_activity(county, strcmp(rest, "/record") == 0) : k->activity;
    if (strcmp(rest, "/photos/:photo") == 0)
        snprintf(out, len, "/api/v1/activities/%lld/photos/%lld", id, k->photo);
    else
        snprintf(out, len, "/api/v1/activities/%lld%s", id, rest);
    return true;
}

/* ---- deputy suggestions ---- */

/* The state (and the rows beside it) a fresh suggestion needs for each step, by the route's tail. */
static const struct {
    const char *tail, *state;
} suggestion_stages[] = {
    {"", "assigned"},          {"/attachments/:file", "assigned"}, {"/attachments", "draft"},
    {"/submit", "draft"},      {"/cosign", "submitted"},          {"/accept", "submitted"},
    {"/return", "submitted"},  {"/to-letter", "submitted"},       {"/assign", "accepted"},
    {"/reassign", "contested"}, {"/contest", "assigned"},         {"/start", "assigned"},
    {"/contacts", "assigned"}, {"/co-opinion", "assigned"},       {"/reply", "handling"},
    {"/evaluate", "replied"},  {"/rate-result", "evaluated"},
};

/* The first result of an SQL query as a number, for the setup behind the API. */
static long long walk_query(const char *fmt, ...)
{
    char sql[1024], out[32] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    if (db_query(&w.server, sql, out, sizeof(out)) != 0)
        fail_msg("setting up: %s", sql);
    return atoll(out);
}

static long long county_congress(void)
{
    static long long id;
    if (id == 0)
        id = walk_query("SELECT id FROM congresses WHERE level = 4 AND region_code = '%s'", HOME_REGION);
    return id;
}

/* A fresh suggestion of the county in the state the step of tail needs: in 如东县 led by the demo
 * deputy (who is invited to co-sign another's instead, for the cosign step), in 如皋市 by another
 * deputy of its congress; assigned to the county's unit (as a co-unit, for the co-opinion step), with a file. */
static long long walk_suggestion(int county, const char *tail)
{
    const char *state = NULL;
    for (size_t i = 0; i < sizeof(suggestion_stages) / sizeof(*suggestion_stages); i++)
        if (strcmp(suggestion_stages[i].tail, tail) == 0)
            state = suggestion_stages[i].state;
    if (state == NULL)
        fail_msg("no stage is known for suggestion step %s", tail);
    long long other = walk_query("SELECT max(id) FROM deputies WHERE id <> %lld", w.deputy_id);
    bool own = county == RUDONG && strcmp(tail, "/cosign") != 0;
    long long now = (long long)time(NULL), unit = w.county[county].unit_id;
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "INSERT INTO suggestions (deputy_id, region_code, title, content, state, congress_id, session,"
             " reply_category, reply_type, reply_text, rating, due, contest_due, created_at, updated_at)"
             " VALUES (%lld, '%s', '巡查建议', '巡查内容', '%s', %s, 'recess', %s, %s, %s, %s, %lld, %lld, %lld, %lld)",
             own ? w.deputy_id : other, w.county[county].region, state, "$congress",
             strcmp(state, "replied") == 0 || strcmp(state, "evaluated") == 0 ? "'A'" : "NULL",
             strcmp(state, "replied") == 0 || strcmp(state, "evaluated") == 0 ? "'solve'" : "NULL",
             strcmp(state, "replied") == 0 || strcmp(state, "evaluated") == 0 ? "'已解决'" : "NULL",
             strcmp(state, "evaluated") == 0 ? "'satisfied'" : "NULL", now + 60 * 86400, now + 10 * 86400, now, now);
    char congress[24], *mark = strstr(sql, "$congress");
    snprintf(congress, sizeof(congress), "%lld", county == RUDONG ? county_congress() : w.foreign_record[0]);
    if (mark) {
        char rest[512];
        snprintf(rest, sizeof(rest), "%s", mark + 9);
        snprintf(mark, sizeof(sql) - (size_t)(mark - sql), "%s%s", congress, rest);
    }
    if (db_exec(&w.server, sql) != 0)
        fail_msg("setting up: %s", sql);
    long long id = walk_query("SELECT max(id) FROM suggestions");
    bool assigned = strcmp(state, "draft") != 0 && strcmp(state, "submitted") != 0 && strcmp(state, "accepted") != 0;
    if (assigned)
        snprintf(sql, sizeof(sql),
                 "INSERT INTO suggestion_units (suggestion_id, unit_id, role, state, created_at, updated_at)"
                 " VALUES (%lld, %lld, '%s', '%s', %lld, %lld)",
                 id, unit, strcmp(tail, "/co-opinion") == 0 ? "co" : "lead",
                 strcmp(state, "contested") == 0 ? "contested" : "assigned", now, now);
    if (assigned && db_exec(&w.server, sql) != 0)
        fail_msg("setting up: %s", sql);
    /* the demo deputy is invited to co-sign only in 如东县; elsewhere it is none of theirs */
    snprintf(sql, sizeof(sql),
             "INSERT INTO suggestion_cosigners (suggestion_id, deputy_id, invited_at) VALUES (%lld, %lld, %lld);"
             "INSERT INTO suggestion_attachments (suggestion_id, name, mime, bytes, data, created_at)"
             " VALUES (%lld, 'walk.pdf', 'application/pdf', 9, '%%PDF-1.4\n', %lld)",
             id, own || county == RUGAO ? other : w.deputy_id, now, id, now);
    if (db_exec(&w.server, sql) != 0)
        fail_msg("setting up: %s", sql);
    return id;
}

/* The body of a suggestion route; NULL for reads (and the attachment, sent as a photo). */
static json_t *suggestion_body(const walk_row_t *row, int caller)
{
    const char *tail = after(row->pattern, "/api/v1/suggestions/:id");
    long long unit = w.county[county_of(caller, row->target)].unit_id;
    if (strcmp(row->method, "GET") == 0)
        return NULL;
    if (tail == NULL)
        return json_pack("{s:s, s:s, s:I, s:s}", "title", "巡查建议", "content", "巡查内容", "congress_id",
                         (json_int_t)county_congress(), "session", "recess");
    if (strcmp(row->method, "PATCH") == 0)
        return json_pack("{s:s}", "title", "巡查改名");
    if (strcmp(tail, "/cosign") == 0)
        return json_pack("{s:b}", "confirm", 1);
    if (strcmp(tail, "/assign") == 0 || strcmp(tail, "/reassign") == 0)
        return json_pack("{s:I}", "lead_unit_id", (json_int_t)unit);
    if (strcmp(tail, "/contacts") == 0)
        return json_pack("{s:s, s:s}", "stage", "before", "text", "巡查沟通");
    if (strcmp(tail, "/reply") == 0)
        return json_pack("{s:s, s:s, s:s, s:s}", "category", "A", "type", "solve", "text", "巡查答复", "signed_by",
                         "巡查");
    if (strcmp(tail, "/evaluate") == 0 || strcmp(tail, "/rate-result") == 0)
        return json_pack("{s:s}", "rating", "satisfied");
    if (strcmp(tail, "/return") == 0 || strcmp(tail, "/to-letter") == 0 || strcmp(tail, "/contest") == 0 ||
        strcmp(tail, "/co-opinion") == 0)
        return json_pack("{s:s}", "text", "巡查说明");
    return json_object(); /* submit, accept, start */
}

/* The path of a suggestion route: a fresh suggestion for :id, the county's unit for a sheet. */
static bool suggestion_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    const char *p = row->pattern, *tail = after(p, "/api/v1/suggestions/:id");
    int county = county_of(caller, row->target);
    if (after(p, "/api/v1/suggestions") == NULL)
        return false;
    if (after(p, "/api/v1/suggestions/sheet")) {
        time_t today = time(NULL) + 8 * 3600;
        struct tm tm;
        char day[11];
        strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&today, &tm));
        snprintf(out, len, "%s?unit=%lld&from=%s", p, w.county[county].unit_id, day);
    } else if (strcmp(p, "/api/v1/suggestions/league") == 0) {
        snprintf(out, len, "%s?congress=%lld&session=recess", p, county_congress());
    } else if (tail == NULL) {
        snprintf(out, len, "%s", p);
    } else {
        long long id = walk_suggestion(county, strcmp(row->method, "PATCH") == 0 ? "/attachments" : tail);
        if (strcmp(tail, "/attachments/:file") == 0)
            snprintf(out, len, "/api/v1/suggestions/%lld/attachments/%lld", id,
                     walk_query("SELECT id FROM suggestion_attachments WHERE suggestion_id = %lld", id));
        else
            snprintf(out, len, "/api/v1/suggestions/%lld%s", id, tail);
    }
    return true;
}

/* ---- duty records ---- */

/* The deputy whose records the county's rows name: the demo deputy, or the walk's in 如皋市. */
static long long duty_deputy(int county)
{
    return county == RUDONG ? w.deputy_id : w.foreign_record[4];
}

/* A fresh pending record (kind meeting: no evidence needed to confirm it) of the county's deputy,
 * written behind the API; its id. */
static long long walk_duty_record(int county)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "INSERT INTO duty_records (deputy_id, region_code, kind, title, happened_on, created_at, updated_at)"
             " SELECT id, region_code, 'meeting', '巡查履职%d', '2026-01-05', 0, 0 FROM deputies WHERE id = %lld",
             ++w.fresh, duty_deputy(county));
    if (db_exec(&w.server, sql) != 0)
        fail_msg("setting up: %s", sql);
    return walk_query("SELECT max(id) FROM duty_records");
}

/* The county's record to read, with a photo, made on first use; in 如东县 the demo member is
 * linked to its deputy. The photo's id into photo. */
static long long county_duty_record(int county, long long *photo)
{
    static long long made[NCOUNTIES], photos[NCOUNTIES];
    char sql[256];
    if (made[county] == 0) {
        made[county] = walk_duty_record(county);
        snprintf(sql, sizeof(sql),
                 "INSERT INTO duty_photos (record_id, width, height, data, thumb, created_at)"
                 " VALUES (%lld, 1, 1, X'FFD8FFD9', X'FFD8FFD9', 0);"
                 "INSERT OR IGNORE INTO member_deputies (member_user_id, deputy_id, linked_at) VALUES (%lld, %lld, 0)",
                 made[county], w.self_id[MEMBER], w.deputy_id);
        if (db_exec(&w.server, sql) != 0)
            fail_msg("setting up: %s", sql);
        photos[county] = walk_query("SELECT max(id) FROM duty_photos");
    }
    *photo = photos[county];
    return made[county];
}

/* The path of a duty-record route: ?region= a neighbour's for the foreign list, the county's
 * record for reads, a fresh one for every change. False for other routes. */
static bool duty_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    const char *rest = after(row->pattern, "/api/v1/duty-records/:id");
    int county = county_of(caller, row->target);
    if (strcmp(row->pattern, "/api/v1/duty-records") == 0) {
        snprintf(out, len, "%s%s%s", row->pattern, row->target == T_FOREIGN ? "?region=" : "",
                 row->target == T_FOREIGN ? foreign_region(caller) : "");
        return true;
    }
    if (rest == NULL)
        return false;
    long long photo, id = county_duty_record(county, &photo);
    if (strcmp(row->method, "GET") != 0)
        id = walk_duty_record(county);
    if (after(rest, "/photos/:photo"))
        snprintf(out, len, "/api/v1/duty-records/%lld/photos/%lld%s", id, photo, rest + 14);
    else
        snprintf(out, len, "/api/v1/duty-records/%lld%s", id, rest);
    return true;
}

/* The body of a duty-record route: a new record of the county's deputy, an edit, a reason, a
 * decision; NULL for reads, deletes and the photo (sent by duty_photo_upload). */
static json_t *duty_body(const walk_row_t *row, int caller)
{
    const char *rest = after(row->pattern, "/api/v1/duty-records");
    if (strcmp(row->method, "GET") == 0 || strcmp(row->method, "DELETE") == 0 || strcmp(rest, "/:id/photos") == 0)
        return NULL;
    char title[32];
    snprintf(title, sizeof(title), "巡查履职%d", ++w.fresh);
    if (*rest == '\0')
        return json_pack("{s:s, s:s, s:s, s:I}", "kind", "meeting", "title", title, "happened_on", "2026-01-05",
                         "deputy_id", (json_int_t)duty_deputy(county_of(caller, row->target)));
    if (strcmp(row->method, "PATCH") == 0)
        return json_pack("{s:s}", "title", title);
    if (strcmp(rest, "/:id/reject") == 0)
        return json_pack("{s:s}", "reason", "巡查退回");
    return json_object(); /* confirm */
}

static bool is_duty_photo(const walk_row_t *row)
{
    return strcmp(row->method, "POST") == 0 && strcmp(row->pattern, "/api/v1/duty-records/:id/photos") == 0;
}

/* Sends a real JPEG (made by gd: the server decodes it) to path as the caller. */
static api_res_t *duty_photo_upload(int caller, const char *path)
{
    gdImagePtr im = gdImageCreateTrueColor(16, 12);
    int size = 0;
    void *jpeg = gdImageJpegPtr(im, &size, 80);
    gdImageDestroy(im);
    char cookie[600], csrf[200];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", w.clients[caller].cookies);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", w.clients[caller].csrf);
    const char *headers[] = {cookie, csrf, NULL};
    api_res_t *r = api_request(&w.server, "POST", path, jpeg, (size_t)size, "image/jpeg",
                               caller == PUBLIC ? NULL : headers);
    gdFree(jpeg);
    return r;
}

/* ---- secret ballots ---- */

/* The state a fresh ballot needs for each route, by the route's tail (and method). */
static const char *ballot_state_for(const walk_row_t *row, const char *tail)
{
    if (strcmp(row->method, "PATCH") == 0 || strcmp(tail, "/open") == 0)
        return "draft";
    if (strcmp(tail, "/publish") == 0 || strcmp(tail, "/announcement") == 0)
        return "closed";
    return "open"; /* reading, closing, voting, a receipt check */
}

static long long ballot_candidate; /* a candidate of the last fresh ballot, for its vote */

/* A fresh ballot of the county's congress in state, set up behind the API: in 如东县 with the demo
 * deputy on its electorate, in 如皋市 of the neighbour's congress; open from an hour ago. */
static long long walk_ballot(int county, const char *state)
{
    long long now = (long long)time(NULL);
    long long of = county == RUDONG ? county_congress() : w.foreign_record[0];
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "INSERT INTO ballots (congress_id, region_code, kind, title, rule, choose, opens_at, closes_at, state,"
             " electorate, cast_count, created_at, updated_at) VALUES (%lld, '%s', 'project', '巡查票决', 'exactly', 1,"
             " %lld, %lld, '%s', 1, %s, %lld, %lld);"
             "INSERT INTO ballot_candidates (ballot_id, position, name) SELECT max(id), 1, '甲' FROM ballots;"
             "INSERT INTO ballot_candidates (ballot_id, position, name) SELECT max(id), 2, '乙' FROM ballots;",
             of, county == RUDONG ? HOME_REGION : FOREIGN_REGION, now - 3600, now + 86400, state,
             strcmp(state, "closed") == 0 ? "0" : "NULL", now, now);
    if (db_exec(&w.server, sql) != 0)
        fail_msg("setting up: %s", sql);
    long long id = walk_query("SELECT max(id) FROM ballots");
    snprintf(sql, sizeof(sql), "INSERT INTO ballot_electorate (ballot_id, deputy_id) VALUES (%lld, %lld)", id,
             w.deputy_id);
    if (county == RUDONG && db_exec(&w.server, sql) != 0)
        fail_msg("setting up: %s", sql);
    ballot_candidate = walk_query("SELECT min(id) FROM ballot_candidates WHERE ballot_id = %lld", id);
    return id;
}

/* The body of a ballot route: a definition in the county's congress, a change, a vote, or {}. */
static json_t *ballot_body(const walk_row_t *row, int caller)
{
    const char *tail = after(row->pattern, "/api/v1/ballots/:id");
    if (strcmp(row->method, "GET") == 0)
        return NULL;
    if (strcmp(row->method, "PATCH") == 0)
        return json_pack("{s:s}", "title", "巡查改名");
    if (tail && strcmp(tail, "/vote") == 0)
        return json_pack("{s:[I]}", "choices", (json_int_t)ballot_candidate);
    if (tail)
        return json_object();
    char from[17], to[17];
    beijing_time(from, 1, 9);
    beijing_time(to, 2, 9);
    long long of = county_of(caller, row->target) == RUDONG ? county_congress() : w.foreign_record[0];
    return json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:[{s:s}, {s:s}]}", "congress_id", (json_int_t)of, "kind",
                     "department", "title", "巡查票决", "rule", "exactly", "choose", 1, "opens_at", from, "closes_at",
                     to, "candidates", "name", "甲", "name", "乙");
}

/* The path of a ballot route: a fresh ballot for :id, an unknown receipt for :code. */
static bool ballot_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    const char *tail = after(row->pattern, "/api/v1/ballots/:id");
    if (after(row->pattern, "/api/v1/ballots") == NULL)
        return false;
    if (tail == NULL) {
        snprintf(out, len, "%s", row->pattern);
        return true;
    }
    long long id = walk_ballot(county_of(caller, row->target), ballot_state_for(row, tail));
    snprintf(out, len, "/api/v1/ballots/%lld%s", id,
             strcmp(tail, "/receipts/:code") == 0 ? "/receipts/ACDE-FGHJ-KMNP" : tail);
    return true;
}

/* ---- duty scores and obligations ---- */

/* The path of a score or obligation route: ?region= a neighbour's for a foreign board, the first
 * rule for a rule's change, and for an explained score the county's deputy (in 如东县 the demo
 * deputy, linked to the demo member here). False for other routes. */
static bool score_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    const char *p = row->pattern;
    bool foreign = row->target == T_FOREIGN;
    if (strcmp(p, "/api/v1/scores") == 0 || strcmp(p, "/api/v1/obligations") == 0 ||
        strcmp(p, "/api/v1/duty-rules") == 0 || strcmp(p, "/api/v1/obligation-rules") == 0) {
        snprintf(out, len, "%s%s%s", p, foreign ? "?region=" : "", foreign ? foreign_region(caller) : "");
        return true;
    }
    if (strcmp(p, "/api/v1/duty-rules/:id") == 0 || strcmp(p, "/api/v1/obligation-rules/:id") == 0) {
        bool duty = after(p, "/api/v1/duty-rules/") != NULL;
        snprintf(out, len, "%.*s%lld", (int)strlen(p) - 3, p,
                 walk_query("SELECT min(id) FROM %s", duty ? "duty_rules" : "obligation_rules"));
        return true;
    }
    if (strcmp(p, "/api/v1/deputies/:id/score") != 0)
        return false;
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT OR IGNORE INTO member_deputies (member_user_id, deputy_id, linked_at) VALUES (%lld, %lld, 0)",
             w.self_id[MEMBER], w.deputy_id);
    if (db_exec(&w.server, sql) != 0)
        fail_msg("setting up: %s", sql);
    snprintf(out, len, "/api/v1/deputies/%lld/score",
             county_of(caller, row->target) == RUDONG ? w.deputy_id : w.foreign_record[4]);
    return true;
}

/* ---- annual reports and member links ---- */

/* The report of year of the county's deputy (the one duty rows name), written behind the API in
 * state over whatever that deputy had of the year; its id. With state NULL the year is only
 * cleared, for a draft the API generates itself (and 0 is returned). */
static long long put_report(int county, int year, const char *state)
{
    long long deputy = duty_deputy(county);
    char sql[1024];
    int n = snprintf(sql, sizeof(sql),
                     "DELETE FROM report_ratings WHERE report_id IN (SELECT id FROM annual_reports"
                     " WHERE deputy_id = %lld AND year = %d);"
                     "DELETE FROM annual_reports WHERE deputy_id = %lld AND year = %d;",
                     deputy, year, deputy, year);
    if (state)
        snprintf(sql + n, sizeof(sql) - (size_t)n,
                 "INSERT INTO annual_reports (deputy_id, region_code, year, title, body, state, generated_at,"
                 " published_at, created_at, updated_at) SELECT id, region_code, %d, '巡查述职', '巡查正文', '%s', 0,"
                 " %s, 0, 0 FROM deputies WHERE id = %lld",
                 year, state, strcmp(state, "published") == 0 ? "1" : "NULL", deputy);
    if (db_exec(&w.server, sql) != 0)
        fail_msg("setting up: %s", sql);
    return state ? walk_query("SELECT id FROM annual_reports WHERE deputy_id = %lld AND year = %d", deputy, year) : 0;
}

/* A fresh report of the county's deputy in state (see put_report), in one of the years
 * 2000-2019, which go round; its year into *year. */
static long long walk_report(int county, const char *state, int *year)
{
    static int turn;
    *year = 2000 + turn++ % 20;
    return put_report(county, *year, state);
}

/* The county's standing report of a state (a draft to read, a published one to rate), made on
 * first use in a year outside walk_report's round. */
static long long county_report(int county, bool published)
{
    static long long made[NCOUNTIES][2];
    if (made[county][published] == 0)
        made[county][published] = put_report(county, published ? 2021 : 2020, published ? "published" : "draft");
    return made[county][published];
}

static int report_generate_year; /* the year the last generate row's path cleared, for its body */

/* The member account of the county: the demo member in 如东县, one made by its office in 如皋市. */
static long long county_member(int county)
{
    static long long rugao;
    if (county == RUDONG)
        return w.self_id[MEMBER];
    if (rugao == 0)
        rugao = create_account(&w.clients[ADMIN_RUGAO], "walk-member-rugao", FOREIGN_REGION, "member", 0);
    return rugao;
}

/* The path of an annual-report or member route; false for other routes. */
static bool report_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    const char *p = row->pattern, *rest = after(p, "/api/v1/annual-reports/:id");
    int county = county_of(caller, row->target), year;
    if (strcmp(p, "/api/v1/deputies/:id/annual-reports") == 0) {
        if (strcmp(row->method, "POST") == 0)
            walk_report(county, NULL, &report_generate_year);
        snprintf(out, len, "/api/v1/deputies/%lld/annual-reports", duty_deputy(county));
    } else if (rest) {
        long long id;
        if (strcmp(rest, "/ratings") == 0 || strcmp(row->method, "GET") == 0)
            id = county_report(county, strcmp(rest, "/ratings") == 0);
        else
            id = walk_report(county, strcmp(rest, "/unpublish") == 0 ? "published" : "draft", &year);
        snprintf(out, len, "/api/v1/annual-reports/%lld%s", id, rest);
    } else if (strcmp(p, "/api/v1/members/:id/deputies") == 0) {
        snprintf(out, len, "/api/v1/members/%lld/deputies", county_member(county));
    } else if (strcmp(p, "/api/v1/members") == 0) {
        snprintf(out, len, "%s%s%s", p, row->target == T_FOREIGN ? "?region=" : "",
                 row->target == T_FOREIGN ? foreign_region(caller) : "");
    } else if (after(p, "/api/v1/members/me")) {
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "INSERT OR IGNORE INTO member_deputies (member_user_id, deputy_id, linked_at) VALUES (%lld, %lld, 0)",
                 w.self_id[MEMBER], w.deputy_id);
        if (db_exec(&w.server, sql) != 0)
            fail_msg("setting up: %s", sql);
        snprintf(out, len, "%s", p);
    } else {
        return false;
    }
    return true;
}

static bool is_report_route(const walk_row_t *row)
{
    return strstr(row->pattern, "/annual-reports") || after(row->pattern, "/api/v1/members");
}

/* The body of an annual-report or member route; NULL for reads. */
static json_t *report_body(const walk_row_t *row, int caller)
{
    static int phones;
    const char *p = row->pattern;
    if (strcmp(row->method, "GET") == 0)
        return NULL;
    if (strcmp(p, "/api/v1/deputies/:id/annual-reports") == 0)
        return json_pack("{s:i}", "year", report_generate_year);
    if (strcmp(row->method, "PATCH") == 0)
        return json_pack("{s:s}", "title", "巡查改名");
    if (after(p, "/api/v1/annual-reports/:id/ratings")) {
        char phone[16];
        snprintf(phone, sizeof(phone), "139%08d", ++phones);
        return json_pack("{s:s, s:s}", "phone", phone, "rating", "satisfied");
    }
    if (strcmp(p, "/api/v1/members/:id/deputies") == 0)
        return json_pack("{s:[I]}", "deputies", (json_int_t)duty_deputy(county_of(caller, row->target)));
    if (strcmp(p, "/api/v1/members/me/contacts") == 0)
        return json_pack("{s:I, s:s, s:s, s:s}", "deputy_id", (json_int_t)w.deputy_id, "happened_on", "2025-06-01",
                         "channel", "phone", "note", "巡查联系");
    return json_object(); /* publish, unpublish */
}

static int walk_setup(void **state)
{
    (void)state;
    memset(&w, 0, sizeof(w));
    w.term = 20;
    /* the password rows send wrong passwords on purpose; they must not trip the login limit */
    server_up(&w.server, (const char *const[]){"--rate-limits=off", NULL});
    json_t *users[NCALLERS] = {NULL}; /* each caller's session user */
    for (int c = ADMIN; c < NCALLERS; c++) {
        if (!client_login(&w.clients[c], &w.server, caller_names[c], DEMO_PASSWORD)) {
            fprintf(stderr, "cannot sign in as %s\n", caller_names[c]);
            server_stop(&w.server);
            return -1;
        }
        api_res_t *r = client_request(&w.clients[c], "GET", "/api/v1/session", NULL);
        if (r == NULL || r->status != 200 || !json_is_object(json_object_get(r->json, "user"))) {
            fprintf(stderr, "%s has no session after signing in\n", caller_names[c]);
            api_res_free(r);
            server_stop(&w.server);
            return -1;
        }
        users[c] = json_incref(json_object_get(r->json, "user"));
        w.self_id[c] = json_id(users[c]);
        api_res_free(r);
    }
    w.clients[PUBLIC].server = &w.server;
    w.home_target = create_account(&w.clients[ADMIN], "walk-zhongshan", HOME_REGION, "staff", 0);
    w.foreign_target = create_account(&w.clients[ADMIN_RUGAO], "walk-rugao", FOREIGN_REGION, "staff", 0);
    for (size_t e = 0; e < NREGISTRY; e++) {
        w.home_record[e] = create_record(&w.clients[ADMIN], (int)e, HOME_REGION);
        w.foreign_record[e] = create_record(&w.clients[ADMIN_RUGAO], (int)e, FOREIGN_REGION);
    }
    loop_setup(users[STAFF], users[DEPUTY], users[UNIT]);
    for (int c = ADMIN; c < NCALLERS; c++)
        json_decref(users[c]);
    return 0;
}

static int walk_teardown(void **state)
{
    (void)state;
    server_down(&w.server);
    return 0;
}

/* ---- one check ---- */

/* The record a row names for the caller; a registry delete (and a step of the opinion loop) gets
 * a fresh one, made by the admin of the county it lies in, so a wrongly allowed delete or step
 * cannot change another row's answer. */
static long long target_id(const walk_row_t *row, int caller, target_t t)
{
    bool rugao = caller == ADMIN_RUGAO;
    int entity = registry_index(row->pattern);
    long long loop = loop_target(row, county_of(caller, t));
    if (loop)
        return loop;
    if (entity >= 0) {
        bool in_rudong = county_of(caller, t) == RUDONG;
        if (strcmp(row->method, "DELETE") == 0)
            return create_record(&w.clients[in_rudong ? ADMIN : ADMIN_RUGAO], entity,
                                 in_rudong ? HOME_REGION : FOREIGN_REGION);
        return in_rudong ? w.home_record[entity] : w.foreign_record[entity];
    }
    switch (t) {
    case T_HOME: return rugao ? w.foreign_target : w.home_target;
    case T_FOREIGN: return rugao ? w.home_target : w.foreign_target;
    case T_SELF: return w.self_id[caller];
    case T_NONE: break;
    }
    return 0;
}

/* The path with :id replaced by the target's id (and :file or :book after it), or :code by the
 * target's region code (or tracking code). */
/* ---- Open311 ---- */

static char open311_key[NCOUNTIES][64]; /* one key of each county, made by its office */

static const char *county_key(int county)
{
    if (open311_key[county][0] == '\0') {
        api_res_t *r = post_json(&w.clients[county == RUDONG ? ADMIN : ADMIN_RUGAO], "/api/v1/open311-keys",
                                 json_pack("{s:s}", "name", "巡查应用"), 201);
        snprintf(open311_key[county], sizeof(open311_key[county]), "%s",
                 json_string_value(json_object_get(r->json, "key")));
        api_res_free(r);
    }
    return open311_key[county];
}

/* A GeoReport post about the county's place, with no phone (so it is handed a token). */
static char *open311_form(int county)
{
    char *text = malloc(512);
    snprintf(text, 512, "api_key=%s&service_code=traffic&attribute%%5Bregion%%5D=%s"
             "&attribute%%5Bconsent_publish%%5D=false&description=%%E5%%B7%%A1%%E6%%9F%%A5", county_key(county),
             w.county[county].region);
    return text;
}

/* The path of an Open311 route or of a key: a fresh key of the county for a revocation, the
 * county's opinion for a request, a fresh post's token for a token. False for other routes. */
static bool open311_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    int county = county_of(caller, row->target);
    if (strcmp(row->pattern, "/api/v1/open311-keys/:id") == 0) {
        long long id = create(&w.clients[county == RUDONG ? ADMIN : ADMIN_RUGAO], "/api/v1/open311-keys",
                              json_pack("{s:s}", "name", "巡查删除"));
        snprintf(out, len, "/api/v1/open311-keys/%lld", id);
    } else if (strcmp(row->pattern, "/open311/v2/services/:code") == 0) {
        snprintf(out, len, "/open311/v2/services/traffic.%s", county == RUDONG ? "json" : "xml");
    } else if (strcmp(row->pattern, "/open311/v2/requests/:id") == 0) {
        snprintf(out, len, "/open311/v2/requests/%lld.json", w.county[county].opinion);
    } else if (strcmp(row->pattern, "/open311/v2/tokens/:token") == 0) {
        char *form = open311_form(county);
        api_res_t *r = api_request(&w.server, "POST", "/open311/v2/requests.json", form, strlen(form),
                                   "application/x-www-form-urlencoded", NULL);
        free(form);
        const char *token = r && r->status == 201
                                ? json_string_value(json_object_get(json_array_get(r->json, 0), "token"))
                                : NULL;
        if (token == NULL)
            fail_msg("setting up: an Open311 post answered %ld %s", r ? r->status : 0L, r ? r->body : "");
        snprintf(out, len, "/open311/v2/tokens/%s.json", token);
        api_res_free(r);
    } else if (after(row->pattern, "/open311/") || after(row->pattern, "/api/v1/open311-keys")) {
        snprintf(out, len, "%s", row->pattern);
    } else {
        return false;
    }
    return true;
}

/* ---- notification gateways ---- */

/* A webhook subscription of the region, as its office would make it. */
static json_t *webhook_body(const char *region)
{
    return json_pack("{s:s, s:[s], s:s}", "url", "http://127.0.0.1:9/walk", "events", "opinion.created", "region",
                     region);
}

/* The path of a gateway route: a fresh dead letter or subscription of the county for the routes
 * that name one, ?region= of the foreign county for the lists. False for other routes. */
static bool gateway_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    if (!after(row->pattern, "/api/v1/outbox/") && !after(row->pattern, "/api/v1/webhooks"))
        return false;
    int county = county_of(caller, row->target);
    const char *region = county == RUDONG ? HOME_REGION : FOREIGN_REGION;
    if (strcmp(row->pattern, "/api/v1/outbox/:id/retry") == 0) {
        db_execf(&w.server,
                 "INSERT INTO outbox (created_at, event, recipient, payload, next_at, attempts, dead_at)"
                 " VALUES (1, 'opinion.created', 'station:1', '{\"region\":\"%s\"}', 1, 4, 2)",
                 region);
        snprintf(out, len, "/api/v1/outbox/%lld/retry", db_number(&w.server, "SELECT max(id) FROM outbox"));
    } else if (strcmp(row->pattern, "/api/v1/webhooks/:id") == 0) {
        long long id = create(&w.clients[county == RUDONG ? ADMIN : ADMIN_RUGAO], "/api/v1/webhooks",
                              webhook_body(region));
        snprintf(out, len, "/api/v1/webhooks/%lld", id);
    } else if (row->target == T_FOREIGN && strcmp(row->method, "GET") == 0) {
        snprintf(out, len, "%s?region=%s", row->pattern, foreign_region(caller));
    } else {
        snprintf(out, len, "%s", row->pattern);
    }
    return true;
}

/* The digest and the batch referral: the caller's own region, or ?region= of a foreign one. */
static bool digest_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    if (!after(row->pattern, "/api/v1/digest") && !after(row->pattern, "/api/v1/batch-referrals"))
        return false;
    if (row->target == T_FOREIGN)
        snprintf(out, len, "%s?region=%s", row->pattern, foreign_region(caller));
    else
        snprintf(out, len, "%s", row->pattern);
    return true;
}

static void fill_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    if (digest_path(row, caller, out, len) || gateway_path(row, caller, out, len) || open311_path(row, caller, out, len) || campaign_path(row, caller, out, len) || draft_path(row, caller, out, len) ||
        reception_path(row, caller, out, len) || suggestion_path(row, caller, out, len) ||
        ballot_path(row, caller, out, len) || duty_path(row, caller, out, len) || score_path(row, caller, out, len) ||
        report_path(row, caller, out, len))
        return;
    const char *param = strstr(row->pattern, ":id");
    const char *code = strstr(row->pattern, ":code");
    const char *track = after(row->pattern, "/api/v1/track/:code");
    if (track) {
        /* the county's own opinion to follow; a rating, a fresh one with an answer to rate */
        int county = county_of(caller, row->target);
        char fresh[16];
        if (*track)
            fresh_opinion(county, STAGE_ANSWERED, fresh);
        snprintf(out, len, "/api/v1/track/%s%s", *track ? fresh : w.county[county].code,
                 *track ? track : "?phone4=" PHONE4);
        return;
    }
    if (code) {
        snprintf(out, len, "%.*s%s%s", (int)(code - row->pattern), row->pattern,
                 row->target == T_FOREIGN ? foreign_region(caller) : home_region(caller), code + 5);
        return;
    }
    if (strcmp(row->pattern, "/api/v1/search") == 0) { /* a word to look for, in a region or the caller's own */
        snprintf(out, len, "/api/v1/search?q=road%s%s", row->target == T_FOREIGN ? "&region=" : "",
                 row->target == T_FOREIGN ? foreign_region(caller) : "");
        return;
    }
    if (param == NULL && row->target == T_FOREIGN &&
        (strstr(row->pattern, "/export.") || strcmp(row->pattern, "/api/v1/stats") == 0 ||
         strcmp(row->pattern, "/api/v1/dashboard") == 0 || strcmp(row->pattern, "/api/v1/public/stats") == 0 ||
         strcmp(row->pattern, "/api/v1/opinions") == 0)) {
        snprintf(out, len, "%s?region=%s", row->pattern, foreign_region(caller));
        return;
    }
    if (param == NULL) {
        snprintf(out, len, "%s", row->pattern);
        return;
    }
    snprintf(out, len, "%.*s%lld%s", (int)(param - row->pattern), row->pattern, target_id(row, caller, row->target),
             param + 3);
    /* a second parameter: the attachment of the county's opinion, or a record book */
    char *second = strchr(out, ':');
    size_t left = second ? len - (size_t)(second - out) : 0;
    if (second && strcmp(second, ":file") == 0)
        snprintf(second, left, "%lld", w.county[county_of(caller, row->target)].file);
    else if (second && strcmp(second, ":book") == 0)
        snprintf(second, left, "%s", "opinions");
}

static bool is_import(const walk_row_t *row)
{
    const char *end = strstr(row->pattern, "/import");
    return end && end[7] == '\0';
}

/* A CSV sheet of one valid record in region (a fresh congress term each time). Caller frees. */
static char *import_sheet(int entity, const char *region)
{
    char *text = malloc(256);
    int n = ++w.fresh, term = ++w.term;
    switch (entity) {
    case 0: snprintf(text, 256, "level,region,term,name\n4,%s,%d,第%d届人民代表大会\n", region, term, term); break;
    case 1: snprintf(text, 256, "name,region\n导入单位%d,%s\n", n, region); break;
    case 2: snprintf(text, 256, "name,kind,region\n导入站点%d,hub,%s\n", n, region); break;
    case 3: snprintf(text, 256, "name,region\n导入小组%d,%s\n", n, region); break;
    default: snprintf(text, 256, "name,gender,region\n导入代表,male,%s\n", region); break;
    }
    return text;
}

/* A body that passes validation, so the status says what the policy decided. NULL for none. */
static char *valid_body(const walk_row_t *row, int caller)
{
    json_t *body = NULL;
    if (is_photo_upload(row)) {
        return strdup(WALK_PHOTO);
    } else if (after(row->pattern, "/open311/") && strcmp(row->method, "POST") == 0) {
        return open311_form(RUDONG);
    } else if (strcmp(row->pattern, "/api/v1/outbox/:id/retry") == 0) {
        body = json_object(); /* the path names all it needs */
    } else if (strcmp(row->pattern, "/api/v1/webhooks") == 0 && strcmp(row->method, "POST") == 0) {
        body = webhook_body(row->target == T_FOREIGN ? foreign_region(caller) : home_region(caller));
    } else if (strcmp(row->pattern, "/api/v1/open311-keys") == 0 && strcmp(row->method, "POST") == 0) {
        body = json_pack("{s:s, s:s}", "name", "巡查应用", "region",
                         row->target == T_FOREIGN ? foreign_region(caller) : home_region(caller));
    } else if (after(row->pattern, "/api/v1/activities") || after(row->pattern, "/api/v1/bookings/") ||
               after(row->pattern, "/api/v1/rules/") || strstr(row->pattern, "/rules") ||
               after(row->pattern, "/api/v1/visits")) {
        body = reception_body(row, caller);
    } else if (is_report_route(row)) {
        body = report_body(row, caller);
    } else if (after(row->pattern, "/api/v1/duty-rules/") || after(row->pattern, "/api/v1/obligation-rules/")) {
        body = json_object(); /* nothing changed: the answer is the policy's */
    } else if (after(row->pattern, "/api/v1/duty-records")) {
        body = duty_body(row, caller);
    } else if (after(row->pattern, "/api/v1/suggestions")) {
        body = suggestion_body(row, caller);
    } else if (after(row->pattern, "/api/v1/ballots")) {
        body = ballot_body(row, caller);
    } else if (after(row->pattern, "/api/v1/campaigns")) {
        body = campaign_body(row, caller);
    } else if (after(row->pattern, "/api/v1/drafts") || after(row->pattern, "/api/v1/comments/")) {
        body = draft_body(row, caller);
    } else if (strcmp(row->pattern, "/api/v1/session") == 0 && strcmp(row->method, "POST") == 0) {
        body = json_pack("{s:s, s:s}", "username", caller == PUBLIC ? "member" : caller_names[caller], "password",
                         DEMO_PASSWORD);
    } else if (strcmp(row->pattern, "/api/v1/session/password") == 0) {
        body = json_pack("{s:s, s:s}", "current_password", "not-the-password", "new_password", "a-new-password-1");
    } else if (strcmp(row->pattern, "/api/v1/users") == 0 && strcmp(row->method, "POST") == 0) {
        char username[32];
        snprintf(username, sizeof(username), "walk-%d", ++w.fresh);
        const char *region = row->target == T_FOREIGN ? foreign_region(caller) : home_region(caller);
        body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", username, "display_name", username, "password",
                         "walk-password-1", "role", "staff", "region", region);
    } else if (is_import(row)) {
        return import_sheet(registry_index(row->pattern), home_region(caller));
    } else if (registry_index(row->pattern) >= 0 && strcmp(row->method, "POST") == 0) {
        const char *region = row->target == T_FOREIGN ? foreign_region(caller) : home_region(caller);
        body = registry_body(registry_index(row->pattern), region);
    } else if (strcmp(row->pattern, "/api/v1/categories") == 0 && strcmp(row->method, "POST") == 0) {
        body = category_body();
    } else if ((registry_index(row->pattern) >= 0 || after(row->pattern, "/api/v1/categories/")) &&
               strcmp(row->method, "PATCH") == 0) {
        body = json_pack("{s:s}", "name", "巡查后改名");
    } else if (strcmp(row->method, "PATCH") == 0) {
        body = json_pack("{s:b}", "disabled", 0);
    } else if (strcmp(row->pattern, "/api/v1/opinions") == 0 && strcmp(row->method, "POST") == 0) {
        body = opinion_body(county_of(caller, T_NONE));
    } else if (after(row->pattern, "/api/v1/track/:code/rating")) {
        body = json_pack("{s:s, s:s}", "phone4", PHONE4, "rating", "satisfied");
    } else if (loop_step(row->pattern) && strcmp(row->method, "POST") == 0) {
        body = step_body(loop_step(row->pattern), county_of(caller, row->target));
    } else if (strcmp(row->method, "GET") != 0 && strcmp(row->method, "DELETE") != 0) {
        fail_msg("no valid body is known for %s %s: add one to valid_body", row->method, row->pattern);
    }
    if (body == NULL)
        return NULL;
    char *text = json_dumps(body, 0);
    json_decref(body);
    return text;
}

static api_res_t *send_as(int caller, const walk_row_t *row, const char *path, const char *body)
{
    if (is_duty_photo(row))
        return duty_photo_upload(caller, path);
    const char *type = is_import(row) ? "text/csv" : is_photo_upload(row) ? "image/webp" : NULL;
    if (after(row->pattern, "/open311/") && strcmp(row->method, "POST") == 0)
        type = "application/x-www-form-urlencoded";
    if (caller == PUBLIC)
        return api_request(&w.server, row->method, path, body, body ? strlen(body) : 0, type, NULL);
    if (type) {
        char cookie[600], csrf[200];
        snprintf(cookie, sizeof(cookie), "Cookie: %s", w.clients[caller].cookies);
        snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", w.clients[caller].csrf);
        const char *headers[] = {cookie, csrf, NULL};
        return api_request(&w.server, row->method, path, body, strlen(body), type, headers);
    }
    if (strcmp(row->method, "DELETE") == 0 && strcmp(row->pattern, "/api/v1/session") == 0) {
        /* sign out a throwaway session, so the caller's own one serves the rest of the walk */
        client_t throwaway;
        if (!client_login(&throwaway, &w.server, caller_names[caller], DEMO_PASSWORD))
            fail_msg("cannot sign in a second session as %s", caller_names[caller]);
        return client_request(&throwaway, row->method, path, body);
    }
    return client_request(&w.clients[caller], row->method, path, body);
}

/* Sends one request; returns true when the answer is the expected one, and says why not. */
static bool check_one(const walk_row_t *row, int caller)
{
    const expect_t *e = &row->expect[caller];
    char path[256];
    fill_path(row, caller, path, sizeof(path));
    char *body = valid_body(row, caller);
    api_res_t *r = send_as(caller, row, path, body);
    free(body);
    bool ok = r != NULL && r->status == e->status;
    const char *code = NULL;
    if (r && r->json)
        code = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    if (ok && e->code)
        ok = code && strcmp(code, e->code) == 0;
    if (!ok)
        fprintf(stderr, "MISMATCH route %s %s as %s [%s] (sent %s %s): expected %d%s%s, got %ld %s\n", row->method,
                row->pattern, caller_names[caller], target_names[row->target], row->method, path, e->status,
                e->code ? " " : "", e->code ? e->code : "", r ? r->status : 0L, r ? r->body : "(no answer)");
    api_res_free(r);
    return ok;
}

/* ---- the tests ---- */

static bool walk_has(const char *method, const char *pattern)
{
    for (size_t i = 0; i < NWALK; i++)
        if (strcmp(walk[i].method, method) == 0 && strcmp(walk[i].pattern, pattern) == 0)
            return true;
    return false;
}

static bool walk_has_target(const char *method, const char *pattern, target_t t)
{
    for (size_t i = 0; i < NWALK; i++)
        if (strcmp(walk[i].method, method) == 0 && strcmp(walk[i].pattern, pattern) == 0 && walk[i].target == t)
            return true;
    return false;
}

typedef struct {
    char method[16], pattern[256], action[128];
} live_route_t;

/* `liaison routes`: one "METHOD PATTERN ACTION" line per route. Returns the count. */
static int live_routes(live_route_t *out, int max)
{
    const char *bin = getenv("LIAISON_BIN");
    assert_non_null(bin);
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "'%s' routes", bin);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof(line), p)) {
        live_route_t lr = {0};
        int got = sscanf(line, "%15s %255s %127s", lr.method, lr.pattern, lr.action);
        if (got < 2)
            continue;
        if (n < max)
            out[n++] = lr;
    }
    int status = pclose(p);
    assert_int_equal(status, 0);
    return n;
}

static void every_served_route_has_an_expectation_and_every_expectation_a_served_route(void **state)
{
    (void)state;
    live_route_t live[256];
    int n = live_routes(live, 256);
    assert_true(n > 0);
    int problems = 0;
    for (int i = 0; i < n; i++) {
        if (!walk_has(live[i].method, live[i].pattern)) {
            fprintf(stderr,
                    "route %s %s (action %s) is served but the policy walk has no expectation for it: add a row "
                    "for every caller to the walk table (and a policy row to src/auth/policy.c)\n",
                    live[i].method, live[i].pattern, live[i].action);
            problems++;
        } else if (strchr(live[i].pattern, ':') && (!walk_has_target(live[i].method, live[i].pattern, T_HOME) ||
                                                    !walk_has_target(live[i].method, live[i].pattern, T_FOREIGN))) {
            fprintf(stderr, "route %s %s names a record, but the walk lacks its own-scope or foreign-scope row\n",
                    live[i].method, live[i].pattern);
            problems++;
        }
    }
    for (size_t i = 0; i < NWALK; i++) {
        bool served = false;
        for (int j = 0; j < n && !served; j++)
            served = strcmp(live[j].method, walk[i].method) == 0 && strcmp(live[j].pattern, walk[i].pattern) == 0;
        if (!served) {
            fprintf(stderr, "the policy walk expects route %s %s, but `liaison routes` does not list it\n",
                    walk[i].method, walk[i].pattern);
            problems++;
        }
        for (int c = 0; c < NCALLERS; c++) {
            if (walk[i].expect[c].status == 0) {
                fprintf(stderr, "route %s %s (%s) has no expectation for %s\n", walk[i].method, walk[i].pattern,
                        target_names[walk[i].target], caller_names[c]);
                problems++;
            }
        }
    }
    printf("routes: %d served, %zu walk rows, %d problems\n", n, NWALK, problems);
    assert_int_equal(problems, 0);
}

static void every_role_gets_the_expected_status_on_every_route_in_and_out_of_scope(void **state)
{
    (void)state;
    int checks = 0, mismatches = 0;
    for (size_t i = 0; i < NWALK; i++) {
        for (int c = 0; c < NCALLERS; c++) {
            if (walk[i].expect[c].status < 0)
                continue;
            checks++;
            if (!check_one(&walk[i], c))
                mismatches++;
        }
    }
    printf("policy walk: %d checks over %zu rows and %d callers, %d mismatches\n", checks, NWALK, NCALLERS, mismatches);
    assert_true(checks > 0);
    assert_int_equal(mismatches, 0);
}

/* Whether a 12-digit code lies in the county subtree of county (also 12 digits, ending 000000). */
static bool in_county(const char *code, const char *county)
{
    return code && strncmp(code, county, 6) == 0;
}

/* Counts list members outside the county; sets *seen when an element (with the given action,
 * unless NULL) has id_key equal to want. */
static int outside_county(const json_t *list, const char *county, const char *id_key, const char *action,
                          long long want, bool *seen)
{
    int outside = 0;
    size_t i;
    json_t *e;
    *seen = false;
    json_array_foreach(list, i, e)
    {
        const char *region = json_string_value(json_object_get(e, "region"));
        if (!in_county(region, county)) {
            char *text = json_dumps(e, JSON_COMPACT);
            fprintf(stderr, "the admin of %s sees an entry of region %s: %s\n", county, region ? region : "(none)",
                    text ? text : "");
            free(text);
            outside++;
        }
        const char *what = json_string_value(json_object_get(e, "action"));
        if (action && (what == NULL || strcmp(what, action) != 0))
            continue;
        json_t *id = json_object_get(e, id_key);
        long long v = json_is_integer(id)  ? (long long)json_integer_value(id)
                      : json_is_string(id) ? atoll(json_string_value(id))
                                           : 0;
        if (v == want)
            *seen = true;
    }
    return outside;
}

static void admins_list_accounts_and_audit_entries_of_their_own_county_only(void **state)
{
    (void)state;
    const int admins[] = {ADMIN, ADMIN_RUGAO};
    for (int k = 0; k < 2; k++) {
        int c = admins[k];
        const char *county = home_region(c);
        long long own = c == ADMIN_RUGAO ? w.foreign_target : w.home_target;
        long long foreign = c == ADMIN_RUGAO ? w.home_target : w.foreign_target;
        bool seen;

        api_res_t *r = client_request(&w.clients[c], "GET", "/api/v1/users?limit=500", NULL);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        json_t *users = json_object_get(r->json, "users");
        assert_true(json_is_array(users));
        assert_int_equal(outside_county(users, county, "id", NULL, own, &seen), 0);
        assert_true(seen); /* the account made in their county is there */
        outside_county(users, county, "id", NULL, foreign, &seen);
        assert_false(seen);
        api_res_free(r);

        r = client_request(&w.clients[c], "GET", "/api/v1/audit?limit=1000", NULL);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        json_t *entries = json_object_get(r->json, "entries");
        assert_true(json_is_array(entries));
        assert_true(json_array_size(entries) > 0);
        assert_int_equal(outside_county(entries, county, "entity_id", "user.create", own, &seen), 0);
        assert_true(seen); /* the creation of the account in their county is logged for them */
        outside_county(entries, county, "entity_id", "user.create", foreign, &seen);
        assert_false(seen);
        api_res_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_served_route_has_an_expectation_and_every_expectation_a_served_route),
        cmocka_unit_test(every_role_gets_the_expected_status_on_every_route_in_and_out_of_scope),
        cmocka_unit_test(admins_list_accounts_and_audit_entries_of_their_own_county_only),
    };
    return cmocka_run_group_tests(tests, walk_setup, walk_teardown);
}
