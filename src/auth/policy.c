/*
 * policy: the table is the whole access policy of Liaison. To read who may do what, read the
 * rows below; the functions only evaluate them.
 */
#include "auth/policy.h"

#include <string.h>

#define ANY_ROLE(action, rule)                                                                     \
    {action, ROLE_ADMIN, rule}, {action, ROLE_STAFF, rule}, {action, ROLE_DEPUTY, rule},           \
        {action, ROLE_UNIT, rule}, {action, ROLE_MEMBER, rule}

static const policy_row_t rows[] = {
    /* operations and the public */
    {"health.read", ROLE_PUBLIC, RULE_ANYONE},
    {"metrics.read", ROLE_PUBLIC, RULE_ANYONE},
    {"meta.read", ROLE_PUBLIC, RULE_ANYONE},
    {"openapi.read", ROLE_PUBLIC, RULE_ANYONE},
    /* sessions and one's own account */
    {"session.read", ROLE_PUBLIC, RULE_ANYONE},
    {"session.create", ROLE_PUBLIC, RULE_ANYONE},
    ANY_ROLE("session.delete", RULE_SIGNED_IN),
    ANY_ROLE("password.change", RULE_SELF),
    /* accounts: the deputy-affairs office, inside its region subtree */
    {"user.list", ROLE_ADMIN, RULE_REGION},
    {"user.read", ROLE_ADMIN, RULE_REGION},
    ANY_ROLE("user.read", RULE_SELF),
    {"user.create", ROLE_ADMIN, RULE_REGION},
    {"user.update", ROLE_ADMIN, RULE_REGION},
    {"audit.list", ROLE_ADMIN, RULE_REGION},
    /* the registry (SPEC §2): public to read, kept by the office inside its subtree */
    {"region.read", ROLE_PUBLIC, RULE_ANYONE},
    {"congress.read", ROLE_PUBLIC, RULE_ANYONE},
    {"congress.create", ROLE_ADMIN, RULE_REGION},
    {"congress.update", ROLE_ADMIN, RULE_REGION},
    {"congress.delete", ROLE_ADMIN, RULE_REGION},
    {"congress.import", ROLE_ADMIN, RULE_REGION},
    {"congress.export", ROLE_ADMIN, RULE_REGION},
    {"unit.read", ROLE_PUBLIC, RULE_ANYONE},
    {"unit.create", ROLE_ADMIN, RULE_REGION},
    {"unit.update", ROLE_ADMIN, RULE_REGION},
    {"unit.delete", ROLE_ADMIN, RULE_REGION},
    {"unit.import", ROLE_ADMIN, RULE_REGION},
    {"unit.export", ROLE_ADMIN, RULE_REGION},
    {"station.read", ROLE_PUBLIC, RULE_ANYONE},
    {"station.create", ROLE_ADMIN, RULE_REGION},
    {"station.update", ROLE_ADMIN, RULE_REGION},
    {"station.delete", ROLE_ADMIN, RULE_REGION},
    {"station.import", ROLE_ADMIN, RULE_REGION},
    {"station.export", ROLE_ADMIN, RULE_REGION},
    {"group.read", ROLE_PUBLIC, RULE_ANYONE},
    {"group.create", ROLE_ADMIN, RULE_REGION},
    {"group.update", ROLE_ADMIN, RULE_REGION},
    {"group.delete", ROLE_ADMIN, RULE_REGION},
    {"group.import", ROLE_ADMIN, RULE_REGION},
    {"group.export", ROLE_ADMIN, RULE_REGION},
    {"deputy.read", ROLE_PUBLIC, RULE_ANYONE},
    {"deputy.create", ROLE_ADMIN, RULE_REGION},
    {"deputy.update", ROLE_ADMIN, RULE_REGION},
    {"deputy.delete", ROLE_ADMIN, RULE_REGION},
    {"deputy.import", ROLE_ADMIN, RULE_REGION},
    {"deputy.export", ROLE_ADMIN, RULE_REGION},
    /* the opinion loop (SPEC §3): anyone may write in and follow their own with its code; the
     * station staff and the office handle what lies in their region, a deputy what was sent or
     * given to them, a unit what was referred to it */
    {"category.read", ROLE_PUBLIC, RULE_ANYONE},
    {"category.write", ROLE_ADMIN, RULE_SIGNED_IN}, /* one tree for every region */
    {"opinion.create", ROLE_PUBLIC, RULE_ANYONE},
    {"opinion.track", ROLE_PUBLIC, RULE_ANYONE},
    {"opinion.list", ROLE_ADMIN, RULE_REGION},
    {"opinion.list", ROLE_STAFF, RULE_REGION},
    {"opinion.list", ROLE_DEPUTY, RULE_DEPUTY},
    {"opinion.export", ROLE_ADMIN, RULE_REGION}, /* what the list shows, as a file */
    {"opinion.export", ROLE_STAFF, RULE_REGION},
    {"opinion.export", ROLE_DEPUTY, RULE_DEPUTY},
    {"opinion.read", ROLE_ADMIN, RULE_REGION},
    {"opinion.read", ROLE_STAFF, RULE_REGION},
    {"opinion.read", ROLE_DEPUTY, RULE_DEPUTY},
    {"opinion.contact", ROLE_ADMIN, RULE_REGION},
    {"opinion.contact", ROLE_STAFF, RULE_REGION},
    {"opinion.triage", ROLE_ADMIN, RULE_REGION},
    {"opinion.triage", ROLE_STAFF, RULE_REGION},
    {"opinion.handle", ROLE_ADMIN, RULE_REGION},
    {"opinion.handle", ROLE_STAFF, RULE_REGION},
    {"opinion.answer", ROLE_ADMIN, RULE_REGION},
    {"opinion.answer", ROLE_STAFF, RULE_REGION},
    {"opinion.answer", ROLE_DEPUTY, RULE_DEPUTY},
    /* a rating taken over the phone: by staff, never by whoever answered */
    {"opinion.rate", ROLE_ADMIN, RULE_REGION},
    {"opinion.rate", ROLE_STAFF, RULE_REGION},
    {"referral.list", ROLE_UNIT, RULE_UNIT},
    {"referral.read", ROLE_UNIT, RULE_UNIT},
    {"referral.read", ROLE_ADMIN, RULE_REGION},
    {"referral.read", ROLE_STAFF, RULE_REGION},
    {"referral.act", ROLE_UNIT, RULE_UNIT},
    {"referral.decide", ROLE_ADMIN, RULE_REGION},
    {"referral.decide", ROLE_STAFF, RULE_REGION},
    /* figures and the record books of stations: the office and station staff of the region */
    {"stats.read", ROLE_ADMIN, RULE_REGION},
    {"stats.read", ROLE_STAFF, RULE_REGION},
    /* the dashboard (数据看板) of a region subtree; the public headline figures for anyone */
    {"dashboard.read", ROLE_ADMIN, RULE_REGION},
    {"dashboard.read", ROLE_STAFF, RULE_REGION},
    {"dashboard.read", ROLE_MEMBER, RULE_REGION},
    {"stats.public", ROLE_PUBLIC, RULE_ANYONE},
    /* full-text search: each kind also needs the right to list it (src/api/search.c) */
    {"search", ROLE_ADMIN, RULE_REGION},
    {"search", ROLE_STAFF, RULE_REGION},
    {"book.read", ROLE_ADMIN, RULE_REGION},
    {"book.read", ROLE_STAFF, RULE_REGION},
    /* reception days and activities (SPEC §4): announced to everyone, kept by the office and the
     * station staff of the region; anyone may book a seat and follow or cancel it with its code;
     * the desk (check-in, no-shows) and the reception records, which name people, are staff's */
    {"rule.read", ROLE_PUBLIC, RULE_ANYONE},
    {"rule.write", ROLE_ADMIN, RULE_REGION},
    {"rule.write", ROLE_STAFF, RULE_REGION},
    {"schedule.read", ROLE_PUBLIC, RULE_ANYONE},
    {"activity.read", ROLE_PUBLIC, RULE_ANYONE},
    {"activity.write", ROLE_ADMIN, RULE_REGION},
    {"activity.write", ROLE_STAFF, RULE_REGION},
    {"booking.create", ROLE_PUBLIC, RULE_ANYONE},
    {"booking.own", ROLE_PUBLIC, RULE_ANYONE},
    {"booking.desk", ROLE_ADMIN, RULE_REGION},
    {"booking.desk", ROLE_STAFF, RULE_REGION},
    {"visit.read", ROLE_ADMIN, RULE_REGION},
    {"visit.read", ROLE_STAFF, RULE_REGION},
    {"visit.write", ROLE_ADMIN, RULE_REGION},
    {"visit.write", ROLE_STAFF, RULE_REGION},
    {"compliance.read", ROLE_ADMIN, RULE_REGION},
    {"compliance.read", ROLE_STAFF, RULE_REGION},
    /* the weekly digest and the biweekly batch referral: the office and station staff of the region */
    {"digest.read", ROLE_ADMIN, RULE_REGION},
    {"digest.read", ROLE_STAFF, RULE_REGION},
    {"referral.batch", ROLE_ADMIN, RULE_REGION},
    {"referral.batch", ROLE_STAFF, RULE_REGION},
    /* campaigns (SPEC §4a): public to follow, run by the office of their region; the office and
     * the station staff tag what lies in their region */
    {"campaign.read", ROLE_PUBLIC, RULE_ANYONE},
    {"campaign.create", ROLE_ADMIN, RULE_REGION},
    {"campaign.update", ROLE_ADMIN, RULE_REGION},
    {"campaign.tag", ROLE_ADMIN, RULE_REGION},
    {"campaign.tag", ROLE_STAFF, RULE_REGION},
    /* legislative consultation (SPEC §4a): anyone reads a published draft and comments on it; the
     * office of its region prepares and publishes it; a deputy follows its topics and reads the
     * comments on them; the office and the station staff inside the draft's region read every
     * comment, record a meeting's at a station of theirs, decide adoption and compile the report */
    {"draft.read", ROLE_PUBLIC, RULE_ANYONE},
    {"draft.comment", ROLE_PUBLIC, RULE_ANYONE},
    {"draft.create", ROLE_ADMIN, RULE_REGION},
    {"draft.publish", ROLE_ADMIN, RULE_REGION},
    {"draft.follow", ROLE_DEPUTY, RULE_SIGNED_IN},
    {"draft.record", ROLE_ADMIN, RULE_REGION},
    {"draft.record", ROLE_STAFF, RULE_REGION},
    {"draft.comments", ROLE_ADMIN, RULE_REGION},
    {"draft.comments", ROLE_STAFF, RULE_AREA},
    {"draft.comments", ROLE_DEPUTY, RULE_DEPUTY},
    {"draft.review", ROLE_ADMIN, RULE_REGION},
    {"draft.review", ROLE_STAFF, RULE_AREA},
    {"draft.report", ROLE_ADMIN, RULE_REGION},
    {"draft.report", ROLE_STAFF, RULE_AREA},
    /* deputy suggestions (SPEC §5): a deputy writes them, and a draft is theirs alone; co-signers
     * read what they were invited to; the office of the region reviews, numbers and assigns; a
     * unit sees and handles only what is assigned to it; standing-committee members read the
     * region's and its supervision lists, and each member the key suggestions (重点督办) naming
     * their own account as supervisor; the public reads replies published with consent */
    {"suggestion.create", ROLE_DEPUTY, RULE_SIGNED_IN},
    {"suggestion.list", ROLE_ADMIN, RULE_REGION},
    {"suggestion.list", ROLE_DEPUTY, RULE_DEPUTY},
    {"suggestion.list", ROLE_UNIT, RULE_UNIT},
    {"suggestion.list", ROLE_MEMBER, RULE_REGION},
    {"suggestion.read", ROLE_ADMIN, RULE_REGION},
    {"suggestion.read", ROLE_DEPUTY, RULE_DEPUTY},
    {"suggestion.read", ROLE_UNIT, RULE_UNIT},
    {"suggestion.read", ROLE_MEMBER, RULE_REGION},
    {"suggestion.write", ROLE_DEPUTY, RULE_DEPUTY},
    {"suggestion.cosign", ROLE_DEPUTY, RULE_DEPUTY},
    {"suggestion.review", ROLE_ADMIN, RULE_REGION},
    {"suggestion.handle", ROLE_UNIT, RULE_UNIT},
    {"suggestion.evaluate", ROLE_DEPUTY, RULE_DEPUTY},
    {"suggestion.supervise", ROLE_ADMIN, RULE_REGION},
    {"suggestion.supervise", ROLE_MEMBER, RULE_REGION},
    {"suggestion.supervised", ROLE_MEMBER, RULE_SELF},
    {"suggestion.sheet", ROLE_ADMIN, RULE_REGION},
    {"suggestion.sheet", ROLE_UNIT, RULE_UNIT},
    {"suggestion.published", ROLE_PUBLIC, RULE_ANYONE},
    /* secret ballots (SPEC §7): the office of the congress's region defines, opens, closes and
     * publishes them; a deputy on the electorate votes; anyone lists and reads published ones and
     * checks a receipt (the handlers show drafts to the office alone, open ones to the congress's
     * deputies too, and results only once closed) */
    {"ballot.list", ROLE_PUBLIC, RULE_ANYONE},
    {"ballot.read", ROLE_PUBLIC, RULE_ANYONE},
    {"ballot.manage", ROLE_ADMIN, RULE_REGION},
    {"ballot.vote", ROLE_DEPUTY, RULE_DEPUTY},
    {"ballot.receipt", ROLE_PUBLIC, RULE_ANYONE},
    /* duty records (SPEC §6): a deputy keeps their own; the office and the station staff keep
     * those of the deputies in their region and alone confirm them; a standing-committee member
     * reads those of the deputies linked to them - the handler names the member as the record's
     * account when member_deputies links them, so RULE_SELF is that link */
    {"duty.list", ROLE_ADMIN, RULE_REGION},
    {"duty.list", ROLE_STAFF, RULE_REGION},
    {"duty.list", ROLE_DEPUTY, RULE_DEPUTY},
    {"duty.list", ROLE_MEMBER, RULE_SELF},
    {"duty.read", ROLE_ADMIN, RULE_REGION},
    {"duty.read", ROLE_STAFF, RULE_REGION},
    {"duty.read", ROLE_DEPUTY, RULE_DEPUTY},
    {"duty.read", ROLE_MEMBER, RULE_SELF},
    {"duty.write", ROLE_ADMIN, RULE_REGION},
    {"duty.write", ROLE_STAFF, RULE_REGION},
    {"duty.write", ROLE_DEPUTY, RULE_DEPUTY},
    {"duty.confirm", ROLE_ADMIN, RULE_REGION},
    {"duty.confirm", ROLE_STAFF, RULE_REGION},
    /* duty scores and obligations (SPEC §6): every account reads the rules, which are one set for
     * every region and kept by the office; the office, the station staff and standing-committee
     * members read the score board and who is behind in their region; a deputy's explained score
     * is theirs, their region's office and staff's, and a linked member's - the handler names the
     * member as the score's account when member_deputies links them, so RULE_SELF is that link */
    ANY_ROLE("duty.rules.read", RULE_SIGNED_IN),
    {"duty.rules.write", ROLE_ADMIN, RULE_SIGNED_IN},
    ANY_ROLE("obligation.rules.read", RULE_SIGNED_IN),
    {"obligation.rules.write", ROLE_ADMIN, RULE_SIGNED_IN},
    {"score.list", ROLE_ADMIN, RULE_REGION},
    {"score.list", ROLE_STAFF, RULE_REGION},
    {"score.list", ROLE_MEMBER, RULE_REGION},
    {"score.read", ROLE_ADMIN, RULE_REGION},
    {"score.read", ROLE_STAFF, RULE_REGION},
    {"score.read", ROLE_DEPUTY, RULE_DEPUTY},
    {"score.read", ROLE_MEMBER, RULE_SELF},
    {"obligation.list", ROLE_ADMIN, RULE_REGION},
    {"obligation.list", ROLE_STAFF, RULE_REGION},
    {"obligation.list", ROLE_MEMBER, RULE_REGION},
    /* annual reports (SPEC §6, 述职报告): a deputy writes and publishes their own, the office and
     * the station staff those of the deputies of their region; a published one is everyone's to
     * read and to rate (drafts: the handler shows them to report.write alone) */
    {"report.read", ROLE_PUBLIC, RULE_ANYONE},
    {"report.write", ROLE_ADMIN, RULE_REGION},
    {"report.write", ROLE_STAFF, RULE_REGION},
    {"report.write", ROLE_DEPUTY, RULE_DEPUTY},
    {"report.rate", ROLE_PUBLIC, RULE_ANYONE},
    /* standing-committee members and their deputies (联系代表): the office links them inside its
     * region; a member reads their own dashboard and keeps their own contact log */
    {"member.manage", ROLE_ADMIN, RULE_REGION},
    {"member.dashboard", ROLE_MEMBER, RULE_SELF},
    {"member.contacts", ROLE_MEMBER, RULE_SELF},
    /* Open311 GeoReport v2 (SPEC §9): anyone reads services and requests (no personal data);
     * posting is open to the route, and the handler asks for an API key made by the office of the
     * place's region, which alone keeps its region's keys */
    {"open311.read", ROLE_PUBLIC, RULE_ANYONE},
    {"open311.post", ROLE_PUBLIC, RULE_ANYONE},
    {"open311_key.manage", ROLE_ADMIN, RULE_REGION},
    /* notification gateways (SPEC §9): the office sees the dead letters of its region (and those
     * of no region) and puts them back; it keeps its region's webhook subscriptions; the office
     * and station staff read the templates, one set for every region */
    {"outbox.manage", ROLE_ADMIN, RULE_REGION},
    {"webhook.manage", ROLE_ADMIN, RULE_REGION},
    {"outbox.templates", ROLE_ADMIN, RULE_SIGNED_IN},
    {"outbox.templates", ROLE_STAFF, RULE_SIGNED_IN},
    {NULL, ROLE_PUBLIC, RULE_ANYONE},
};

static const char *const names[ROLE_COUNT] = {"public", "admin", "staff", "deputy", "unit", "member"};

const char *role_name(role_t role)
{
    return role < ROLE_COUNT ? names[role] : "public";
}

role_t role_from_name(const char *name)
{
    for (int r = ROLE_ADMIN; r < ROLE_COUNT; r++)
        if (strcmp(names[r], name) == 0)
            return (role_t)r;
    return ROLE_PUBLIC;
}

static bool row_applies(const policy_row_t *row, const actor_t *actor, const char *action)
{
    if (strcmp(row->action, action) != 0)
        return false;
    return row->role == ROLE_PUBLIC || (actor && row->role == actor->role);
}

policy_decision_t policy_permits(const actor_t *actor, const char *action)
{
    for (const policy_row_t *row = rows; row->action; row++)
        if (row_applies(row, actor, action))
            return POLICY_ALLOW;
    return actor ? POLICY_FORBIDDEN : POLICY_UNAUTHENTICATED;
}

static bool rule_holds(scope_rule_t rule, const actor_t *actor, const policy_target_t *t)
{
    switch (rule) {
    case RULE_ANYONE: return true;
    case RULE_SIGNED_IN: return actor != NULL;
    case RULE_SELF: return actor && t->user_id && t->user_id == actor->user_id;
    case RULE_REGION: return actor && t->region && region_in_scope(actor->region, t->region);
    case RULE_UNIT: return actor && actor->unit_id && t->unit_id == actor->unit_id;
    case RULE_DEPUTY: return actor && actor->deputy_id && t->deputy_id == actor->deputy_id;
    case RULE_AREA: return actor && t->region && region_in_scope(t->region, actor->region);
    }
    return false;
}

policy_decision_t policy_check(const actor_t *actor, const char *action, const policy_target_t *target)
{
    policy_decision_t d = policy_permits(actor, action);
    if (d != POLICY_ALLOW)
        return d;
    for (const policy_row_t *row = rows; row->action; row++)
        if (row_applies(row, actor, action) && rule_holds(row->rule, actor, target))
            return POLICY_ALLOW;
    return POLICY_OUT_OF_SCOPE;
}

bool policy_has_action(const char *action)
{
    for (const policy_row_t *row = rows; row->action; row++)
        if (strcmp(row->action, action) == 0)
            return true;
    return false;
}

const policy_row_t *policy_rows(void)
{
    return rows;
}
