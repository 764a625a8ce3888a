/* opinion_common: deadlines and the constituent's view of an opinion (see opinion_common.h). */
#include "api/opinion_common.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "domain/region.h"
#include "store/calendar.h"
#include "store/registry.h"

/*
 * The calendar, read from the table at most every CALENDAR_TTL seconds: every intake and every
 * list computes deadlines, and the table changes a few times a year (a new year's import shows
 * within that many seconds). One copy for the process, used under its lock.
 */
enum { CALENDAR_TTL = 10 };
static pthread_mutex_t calendar_lock = PTHREAD_MUTEX_INITIALIZER;
static calendar_t calendar;
static int64_t calendar_read_at; /* 0: never, or the last read failed */

/* The calendar with its lock held, or NULL (lock released) when it cannot be read. */
static const calendar_t *calendar_hold(store_t *db)
{
    pthread_mutex_lock(&calendar_lock);
    int64_t now = time(NULL);
    if (calendar_read_at == 0 || now - calendar_read_at >= CALENDAR_TTL) {
        calendar_free(&calendar);
        calendar_init(&calendar);
        calendar_read_at = store_calendar_load(db, &calendar) == STORE_OK ? now : 0;
    }
    if (calendar_read_at == 0) {
        pthread_mutex_unlock(&calendar_lock);
        return NULL;
    }
    return &calendar;
}

static void calendar_release(void)
{
    pthread_mutex_unlock(&calendar_lock);
}

int api_opinion_working_deadline(store_t *db, int64_t at, int n, int64_t *due)
{
    const calendar_t *cal = calendar_hold(db);
    if (cal == NULL)
        return STORE_ERR;
    *due = calendar_add_working_days(cal, at, n);
    calendar_release();
    return STORE_OK;
}

int api_opinion_deadlines(store_t *db, int64_t at, int triage_days, int answer_days, int64_t *triage_due,
                      int64_t *answer_due)
{
    const calendar_t *cal = calendar_hold(db);
    if (cal == NULL)
        return STORE_ERR;
    *triage_due = calendar_add_working_days(cal, at, triage_days);
    *answer_due = calendar_add_working_days(cal, at, answer_days);
    calendar_release();
    return STORE_OK;
}

int64_t api_opinion_warn_until(const calendar_t *cal, int64_t now)
{
    bool working_today = calendar_is_working_day(cal, calendar_day_of(now));
    return calendar_add_working_days(cal, now, working_today ? OPINION_WARN_DAYS - 1 : OPINION_WARN_DAYS);
}

static const char *flag_name(const calendar_t *cal, int64_t now, int64_t due)
{
    calendar_flag_t flag = due ? calendar_deadline_flag(cal, now, due, OPINION_WARN_DAYS) : CALENDAR_FLAG_NONE;
    return flag == CALENDAR_FLAG_OVERDUE ? "overdue" : flag == CALENDAR_FLAG_WARN ? "warn" : "none";
}

int api_opinion_warn_window(store_t *db, int64_t now, int64_t *until)
{
    const calendar_t *cal = calendar_hold(db);
    if (cal == NULL)
        return STORE_ERR;
    *until = api_opinion_warn_until(cal, now);
    calendar_release();
    return STORE_OK;
}

const char *api_opinion_flag(store_t *db, int64_t due)
{
    const calendar_t *cal = calendar_hold(db);
    if (cal == NULL)
        return "none";
    const char *name = flag_name(cal, time(NULL), due);
    calendar_release();
    return name;
}

bool api_category_serves(const char *category_region, const char *region)
{
    return category_region[0] == '\0' || region_in_scope(category_region, region);
}

bool api_opinion_read_period(http_req_t *r, int64_t *from, int64_t *to)
{
    const char *names[2] = {"from", "to"};
    calendar_day_t days[2] = {0, 0};
    bool given[2];
    for (int i = 0; i < 2; i++) {
        const char *text = http_query(r, names[i]);
        given[i] = text != NULL;
        if (text && calendar_parse_date(text, &days[i]) != 0) {
            http_reply_error(r, 400, "bad_query", "give a date as YYYY-MM-DD", names[i]);
            return false;
        }
    }
    if (given[0] && given[1] && days[1] < days[0]) {
        http_reply_error(r, 400, "bad_query", "to comes before from", "to");
        return false;
    }
    *from = given[0] ? calendar_day_start(days[0]) : 0;
    *to = given[1] ? calendar_day_end(days[1]) : given[0] ? INT64_MAX : 0;
    return true;
}

typedef struct {
    json_t *timeline;
} public_events_t;

static int public_event(const store_opinion_event_t *e, void *arg)
{
    public_events_t *p = arg;
    int action = opinion_action_from_name(e->action);
    if (action < 0 || !opinion_action_public((opinion_action_t)action))
        return 0; /* a unit's steps and other internal ones */
    json_t *j = json_pack("{s:s, s:I, s:s}", "action", e->action, "at", (json_int_t)e->at, "state", e->to_state);
    if (action == OPINION_RATE && e->note[0]) /* which rating: the constituent's own words */
        json_object_set_new(j, "rating", json_string(e->note));
    if (e->public_note[0])
        json_object_set_new(j, "note", json_string(e->public_note));
    json_array_append_new(p->timeline, j);
    return 0;
}

/* {id, name} of a registry record, or null when it is gone. */
static json_t *record_ref(store_t *db, const char *entity, int64_t id)
{
    char name[256];
    if (id == 0 || store_registry_name(db, registry_entity(entity), id, name, sizeof(name)) != STORE_OK)
        return json_null();
    return json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name);
}

json_t *api_opinion_public_json(store_t *db, const store_opinion_t *o)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o}", "tracking_code", o->tracking_code, "state",
                          opinion_state_name(o->state), "channel", o->channel, "content", o->content, "created_at",
                          (json_int_t)o->created_at, "category_id", (json_int_t)o->category_id, "station",
                          record_ref(db, "station", o->station_id), "deputy", record_ref(db, "deputy", o->deputy_id));
    const store_opinion_t *answered = o;
    store_opinion_t master;
    bool have_master = o->state == OPINION_MERGED && store_opinion_get(db, o->master_id, &master) == STORE_OK;
    if (have_master)
        answered = &master; /* SPEC §3: a merged item is answered with its master's answer */
    if (answered->answer) {
        json_object_set_new(j, "answer", json_string(answered->answer));
        json_object_set_new(j, "answered_at", json_integer(answered->answered_at));
    }
    if (have_master)
        json_object_set_new(j, "merged_state", json_string(opinion_state_name(master.state)));
    if (have_master)
        store_opinion_free(&master);
    if (o->rating != RATING_NONE)
        json_object_set_new(j, "rating", json_string(opinion_rating_name(o->rating)));
    json_object_set_new(j, "can_rate", json_boolean(o->state == OPINION_ANSWERED));
    public_events_t p = {json_array()};
    json_object_set_new(j, "timeline", p.timeline);
    if (store_opinion_events_each(db, o->id, public_event, &p) != STORE_OK) {
        json_decref(j);
        return NULL;
    }
    return j;
}

const char *api_opinion_read_rating(api_input_t *in, opinion_rating_t *rating)
{
    const char *word = api_text(in, "rating", 1, 16, true);
    const char *comment = api_text(in, "comment", 0, 1000, false);
    int r = in->failed ? -1 : opinion_rating_from_name(word);
    if (!in->failed && r < 0)
        api_invalid(in, "rating", "rating must be satisfied, basic or unsatisfied");
    *rating = r < 0 ? RATING_NONE : (opinion_rating_t)r;
    return comment;
}
