/*
 * api: the HTTP resources. Each file parses and validates its input field by field, asks the
 * policy, calls the domain and the store, and answers JSON. This header has the route table and
 * the few helpers every resource shares.
 */
#ifndef LIAISON_API_API_H
#define LIAISON_API_API_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/registry.h"
#include "http/http.h"
#include "store/accounts.h"
#include "store/audit.h"

/* Every route of the server, ending with a NULL method. */
extern const http_route_t api_routes[];

/* Input fields of one JSON body. The first problem is answered (422 naming the field) and
 * later calls do nothing, so a handler reads all its fields and then checks failed once. */
typedef struct {
    http_req_t *r;
    json_t *body;
    bool failed;
} api_input_t;

/* Text of min..max characters (as a person counts them); NULL when absent and not required. */
const char *api_text(api_input_t *in, const char *field, size_t min_chars, size_t max_chars, bool required);
/* -1 when absent, else 0 or 1. */
int api_bool(api_input_t *in, const char *field);
/* 0 when absent, else a positive whole number. */
int64_t api_id(api_input_t *in, const char *field);
/* Answers 422 naming the first key of the body that is not in keys (NULL-terminated). */
void api_only(api_input_t *in, const char *const *keys);
/* Answers 422 for field with message (for rules beyond the type: "no such region"). */
void api_invalid(api_input_t *in, const char *field, const char *message);

/* The region subtree a list reads, [lo, hi): ?region= when it lies inside the actor's scope,
 * else the actor's own; false after answering 403 naming region. */
bool api_scope_region(http_req_t *r, char lo[13], char hi[14]);

/* A positive whole number from a route parameter, or 0 after answering 404. */
int64_t api_param_id(http_req_t *r, int i);
/* A query number in [min, max], dflt when absent; -1 after answering 400. */
long api_query_long(http_req_t *r, const char *name, long dflt, long min, long max);

/* Answers 200 {"items", "next"} for a list read with limit + 1 entries: an entry beyond limit is
 * dropped and says there is a next page, which begins after the last one shown (its "id"). */
void api_reply_page(http_req_t *r, json_t *items, long limit);

/* Counts one event of kind ("form", "track") for the client's address; past limit within the
 * window it answers 429 with Retry-After and returns true. api_rate_refund gives one back. */
bool api_rate_limited(http_req_t *r, const char *kind, int limit, int window_s, const char *message);
void api_rate_refund(http_req_t *r, const char *kind);
/* The same for a key of the caller's choosing ("open311:KEY_ID") instead of kind and address. */
bool api_rate_limited_key(http_req_t *r, const char *key, int limit, int window_s, const char *message);

/* Who acts, copied out of the request so a writer job may use it on its own thread. */
typedef struct {
    int64_t actor_id;
    char actor[64];
    char ip[48];
} api_who_t;

void api_who(http_req_t *r, api_who_t *who);
int api_audit(store_t *db, const api_who_t *who, const char *action, const char *entity, int64_t entity_id,
              const char *region, const char *detail);

/* A constituent's sealed name with all but its first character hidden ("王**"), enough to tell
 * entries apart on paper; "" when none. Opening it is a read of personal data: log it. */
struct vault;
json_t *api_masked_name(const struct vault *vault, const char *sealed);

/* The public view of an account. */
json_t *api_user_json(const store_user_t *u);

/* Handlers, by resource. */
int api_healthz(http_req_t *r);
int api_metrics(http_req_t *r);
int api_meta(http_req_t *r);
int api_openapi(http_req_t *r);
int api_session_get(http_req_t *r);
int api_session_create(http_req_t *r);
int api_session_delete(http_req_t *r);
int api_password_change(http_req_t *r);
int api_users_list(http_req_t *r);
int api_users_create(http_req_t *r);
int api_users_get(http_req_t *r);
int api_users_update(http_req_t *r);
int api_audit_list(http_req_t *r);
int api_regions_list(http_req_t *r);
int api_regions_get(http_req_t *r);
/* The registry: one set of handlers for every entity; the route's action names the entity. */
const registry_entity_t *api_registry_entity(http_req_t *r);
int api_registry_list(http_req_t *r);
int api_registry_get(http_req_t *r);
int api_registry_create(http_req_t *r);
int api_registry_update(http_req_t *r);
int api_registry_delete(http_req_t *r);
/* The SVG QR code of a deputy's or station's public page. */
int api_registry_qr(http_req_t *r);
/* A CSV sheet in (all or nothing; ?dry_run=true only checks) and out. */
int api_registry_import(http_req_t *r);
int api_registry_export(http_req_t *r);
/* The opinion loop: the constituent's side, then staff's, then units'. */
int api_categories_list(http_req_t *r);
int api_categories_create(http_req_t *r);
int api_categories_update(http_req_t *r);
int api_categories_delete(http_req_t *r);
int api_opinions_create(http_req_t *r);
int api_track_get(http_req_t *r);
int api_track_rate(http_req_t *r);
int api_opinions_list(http_req_t *r);
int api_opinions_get(http_req_t *r);
int api_opinions_contact(http_req_t *r);
int api_opinions_attachment(http_req_t *r);
int api_opinions_similar(http_req_t *r);
int api_opinions_triage(http_req_t *r);
int api_opinions_reject(http_req_t *r);
int api_opinions_merge(http_req_t *r);
int api_opinions_resolve(http_req_t *r);
int api_opinions_refer(http_req_t *r);
int api_opinions_to_suggestion(http_req_t *r);
int api_opinions_keep(http_req_t *r);
int api_opinions_answer(http_req_t *r);
int api_opinions_rate(http_req_t *r);
int api_referrals_list(http_req_t *r);
int api_referrals_get(http_req_t *r);
int api_referrals_accept(http_req_t *r);
int api_referrals_reply(http_req_t *r);
int api_referrals_ask_extension(http_req_t *r);
int api_referrals_return(http_req_t *r);
int api_referrals_grant_extension(http_req_t *r);
int api_referrals_refuse_extension(http_req_t *r);
/* Figures and record books. */
int api_stats(http_req_t *r);
/* dashboard.c */
int api_dashboard(http_req_t *r);
int api_public_stats(http_req_t *r);
int api_search(http_req_t *r);
int api_station_book(http_req_t *r);
/* Reception days, activities, bookings, visits and compliance. */
int api_rules_list(http_req_t *r);
int api_rules_create(http_req_t *r);
int api_rules_update(http_req_t *r);
int api_rules_delete(http_req_t *r);
int api_station_schedule(http_req_t *r);
int api_station_schedule_xlsx(http_req_t *r);
int api_activities_list(http_req_t *r);
int api_activities_create(http_req_t *r);
int api_activities_get(http_req_t *r);
int api_activities_update(http_req_t *r);
int api_activities_cancel(http_req_t *r);
int api_activities_record(http_req_t *r);
int api_activities_photo_add(http_req_t *r);
int api_activities_photo(http_req_t *r);
int api_bookings_create(http_req_t *r);
int api_activity_bookings(http_req_t *r);
int api_visits_create(http_req_t *r);
int api_bookings_get(http_req_t *r);
int api_bookings_cancel(http_req_t *r);
int api_bookings_check_in(http_req_t *r);
int api_bookings_no_show(http_req_t *r);
int api_visits_list(http_req_t *r);
int api_visits_get(http_req_t *r);
int api_compliance(http_req_t *r);
/* The weekly digest (一周一汇总) and the biweekly batch referral (半月一交办): api/digest_routes.c. */
int api_digest(http_req_t *r);
int api_digest_xlsx_route(http_req_t *r);
int api_batch_referrals(http_req_t *r);
int api_batch_referrals_xlsx(http_req_t *r);
/* Campaigns (主题活动) and what counts toward them. */
int api_campaigns_list(http_req_t *r);
int api_campaigns_get(http_req_t *r);
int api_campaigns_create(http_req_t *r);
int api_campaigns_update(http_req_t *r);
int api_campaigns_tag(http_req_t *r);
int api_campaigns_untag(http_req_t *r);
/* Legislative consultation (立法征求意见): drafts, topics followed, comments, the report. */
int api_drafts_list(http_req_t *r);
int api_drafts_get(http_req_t *r);
int api_drafts_create(http_req_t *r);
int api_drafts_publish(http_req_t *r);
int api_drafts_follow(http_req_t *r);
int api_draft_comments_create(http_req_t *r);
int api_draft_comments_record(http_req_t *r);
int api_draft_comments_list(http_req_t *r);
int api_draft_comments_adopt(http_req_t *r);
int api_draft_report(http_req_t *r);
int api_draft_report_xlsx(http_req_t *r);
/* Deputy suggestions (代表建议: 提、交、办、督、评): the record, each step, the lists and sheets. */
int api_suggestions_create(http_req_t *r);
int api_suggestions_list(http_req_t *r);
int api_suggestions_get(http_req_t *r);
int api_suggestions_update(http_req_t *r);
int api_suggestions_attach(http_req_t *r);
int api_suggestions_attachment(http_req_t *r);
int api_suggestions_submit(http_req_t *r);
int api_suggestions_cosign(http_req_t *r);
int api_suggestions_accept(http_req_t *r);
int api_suggestions_return(http_req_t *r);
int api_suggestions_to_letter(http_req_t *r);
int api_suggestions_assign(http_req_t *r);
int api_suggestions_contest(http_req_t *r);
int api_suggestions_reassign(http_req_t *r);
int api_suggestions_start(http_req_t *r);
int api_suggestions_contact(http_req_t *r);
int api_suggestions_co_opinion(http_req_t *r);
int api_suggestions_reply(http_req_t *r);
int api_suggestions_evaluate(http_req_t *r);
/* Open311 GeoReport v2 (/open311/v2/...; open311.c) and its clients' API keys (open311_keys.c).
 * api_open311_error writes every error of those routes as GeoReport's error list. */
void api_open311_error(http_req_t *r, int status, const char *code, const char *message, const char *field);
int api_open311_discovery(http_req_t *r);
int api_open311_services(http_req_t *r);
int api_open311_service(http_req_t *r);
int api_open311_requests(http_req_t *r);
int api_open311_request(http_req_t *r);
int api_open311_token(http_req_t *r);
int api_open311_post(http_req_t *r);
int api_open311_keys_list(http_req_t *r);
int api_open311_keys_create(http_req_t *r);
int api_open311_keys_delete(http_req_t *r);
/* The hex of a key's hash, as the keys table keeps it (64 characters and the NUL). */
void api_open311_key_hash(const char *key, char out[65]);
/* Notification gateways (SPEC §9): dead letters and templates (outbox.c), integrators' webhook
 * subscriptions (webhooks.c). api_webhooks_publish copies event into the outbox for each active
 * subscription to it whose region holds region, in the caller's transaction; payload (taken)
 * must hold no personal data - it gets "region" added. */
int api_outbox_dead(http_req_t *r);
int api_outbox_retry(http_req_t *r);
int api_outbox_templates(http_req_t *r);
int api_webhooks_list(http_req_t *r);
int api_webhooks_create(http_req_t *r);
int api_webhooks_delete(http_req_t *r);
int api_webhooks_publish(store_t *db, const char *event, json_t *payload, const char *region, int64_t now);
int api_suggestions_rate_result(http_req_t *r);
int api_suggestions_overdue(http_req_t *r);
int api_suggestions_near(http_req_t *r);
int api_suggestions_follow_up(http_req_t *r);
int api_suggestions_supervised(http_req_t *r);
int api_suggestions_league(http_req_t *r);
int api_suggestions_published(http_req_t *r);
int api_suggestions_sheet(http_req_t *r);
int api_suggestions_sheet_xlsx(http_req_t *r);
/* Secret ballots (票决): the office's definition and steps, a deputy's vote, results, receipts. */
int api_ballots_list(http_req_t *r);
int api_ballots_create(http_req_t *r);
int api_ballots_get(http_req_t *r);
int api_ballots_update(http_req_t *r);
int api_ballots_open(http_req_t *r);
int api_ballots_close(http_req_t *r);
int api_ballots_publish(http_req_t *r);
int api_ballots_vote(http_req_t *r);
int api_ballots_receipt(http_req_t *r);
int api_ballots_announcement(http_req_t *r);
/* Duty records (履职记录): a deputy's records, their photos, and staff's confirmation. */
int api_duty_records_list(http_req_t *r);
int api_duty_records_create(http_req_t *r);
int api_duty_records_get(http_req_t *r);
int api_duty_records_update(http_req_t *r);
int api_duty_records_delete(http_req_t *r);
int api_duty_records_confirm(http_req_t *r);
int api_duty_records_reject(http_req_t *r);
int api_duty_photos_add(http_req_t *r);
int api_duty_photos_get(http_req_t *r);
int api_duty_photos_thumb(http_req_t *r);
/* Duty scores and obligations (履职积分, 履职义务): the rules, the board, a deputy's explained
 * score, who is behind; and the daily reminder, which sends at most API_REMIND_BATCH a call. */
int api_duty_rules_list(http_req_t *r);
int api_duty_rules_update(http_req_t *r);
int api_scores_list(http_req_t *r);
int api_deputy_score(http_req_t *r);
int api_obligation_rules_list(http_req_t *r);
int api_obligation_rules_update(http_req_t *r);
int api_obligations_list(http_req_t *r);
/* Each active obligation rule with the subjects of the region subtree [region, hi) behind it in
 * year: [{rule, subject, behind:{count, items}}], or NULL when it cannot be read. */
json_t *api_obligations_assess(store_t *db, const char *region, const char *hi, int year);
enum { API_REMIND_BATCH = 200 };
int api_obligations_remind(store_t *db, int64_t now, int *sent);

/* Annual reports (述职报告): the draft from the year's records, editing, publishing, public ratings. */
int api_annual_reports_list(http_req_t *r);
int api_annual_reports_generate(http_req_t *r);
int api_annual_reports_get(http_req_t *r);
int api_annual_reports_update(http_req_t *r);
int api_annual_reports_publish(http_req_t *r);
int api_annual_reports_unpublish(http_req_t *r);
int api_annual_reports_rate(http_req_t *r);
/* Standing-committee members and their deputies (联系代表): links, dashboard, contact log. */
int api_members_list(http_req_t *r);
int api_members_link(http_req_t *r);
int api_members_dashboard(http_req_t *r);
int api_member_contacts_list(http_req_t *r);
int api_member_contacts_create(http_req_t *r);

#endif
