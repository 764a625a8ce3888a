/*
 * gen_opinions: a year of opinions (SPEC §3), each with the timeline the loop would have given it.
 * An opinion is born at a time of day on a day of the year (fewer at weekends), and walks the
 * states registered -> triaged -> in_progress -> answered -> closed (or is rejected or merged)
 * with realistic delays; a step that would fall after --until is not taken, so the newest
 * opinions are still open and some referrals run late. The row is written with its final state,
 * then its events, so the triggers (rollups, search, duty records) see what the server's steps
 * would have left. Personal data is omitted (name, phone and address are optional): no vault work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/gen.h"

enum { MAX_EVENTS = 16, BATCH = 50000, DAY = 86400 };

/* the department a category's referrals go to (index into gen_departments) */
static const int category_unit[10] = {7, 8, 1, 12, 3, 6, 10, 14, 2, 19};
/* how often each category comes, per mille */
static const int category_weight[10] = {180, 140, 90, 100, 100, 120, 120, 60, 60, 30};

typedef struct {
    int64_t at;
    const char *actor, *action, *from, *to, *note, *public_note;
} event_t;

typedef struct {
    int64_t id, created, station, deputy, owner_deputy, master, answered_at, rated_at, closed_at, updated;
    int category, reopens;
    const char *channel, *state, *disposition, *urgency, *tier, *rating, *rating_comment;
    char region[13];
    char content[1024], answer[512];
    event_t events[MAX_EVENTS];
    int nevents;
    /* the referral, when referred */
    int64_t unit, referral_at, referral_due, referral_updated;
    const char *referral_state;
    char reply[512];
} opinion_t;

static void event(opinion_t *o, int64_t at, const char *actor, const char *action, const char *to, const char *note,
                  const char *public_note)
{
    if (o->nevents == MAX_EVENTS)
        return;
    o->events[o->nevents++] = (event_t){at, actor, action, o->nevents ? o->state : NULL, to, note, public_note};
    o->state = to;
    o->updated = at;
}

static int pick_category(gen_t *g)
{
    int r = (int)gen_below(g, 1000);
    for (int i = 0; i < 10; i++)
        if ((r -= category_weight[i]) < 0)
            return i;
    return 9;
}

static const char *station_channel(gen_t *g)
{
    static const char *const channels[] = {"walk_in", "walk_in", "walk_in", "walk_in", "walk_in", "walk_in", "walk_in",
                                           "qr",      "qr",      "qr",      "qr",      "online",  "online",  "online",
                                           "online",  "phone",   "phone",   "visit",   "visit",   "letter"};
    return GEN_PICK(g, channels);
}

/* The steps after registration, each only if it happens before the end of the year. */
static void timeline(gen_t *g, opinion_t *o, const gen_county_t *county)
{
    static const char *const reasons[] = {"经核实，该事项不属于人大代表联络站受理范围，建议通过信访渠道反映。",
                                          "反映内容不具体，无法核实，欢迎补充具体地点后再次反映。",
                                          "该事项已通过司法程序处理，请依法维护权益。"};
    static const char *const keeps[] = {"涉及规划调整，留作参考，纳入明年民生实事项目征集。",
                                        "意见具有普遍性，留作代表调研参考。"};
    int64_t t = o->created, until = g->until;
    event(o, t, "constituent", "register", "registered", "", "");
    if ((t += gen_between(g, 600, 2 * DAY)) >= until)
        return;
    int r = (int)gen_below(g, 1000);
    if (r < 30) {
        const char *why = GEN_PICK(g, reasons);
        snprintf(o->answer, sizeof(o->answer), "%s", why);
        o->answered_at = o->closed_at = t;
        event(o, t, "staff", "reject", "rejected", "", o->answer);
        return;
    }
    if (r < 70 && county->last_opinion) {
        o->master = county->last_opinion;
        o->closed_at = t;
        event(o, t, "staff", "merge", "merged", "与相同诉求合并办理", "");
        return;
    }
    o->urgency = gen_chance(g, 80) ? "urgent" : "normal";
    static const char *const tiers[] = {"station",  "station", "township", "township",
                                        "township", "county",  "county",   "city"};
    o->tier = GEN_PICK(g, tiers);
    if (o->deputy)
        o->owner_deputy = o->deputy;
    event(o, t, "staff", "triage", "triaged", "", "");
    if ((t += gen_between(g, 3600, 2 * DAY)) >= until)
        return;
    const char *unit_name = "相关部门";
    int d = (int)gen_below(g, 1000);
    if (o->deputy ? d < 600 : d < 320) {
        o->disposition = "resolve";
        gen_answer_text(g, o->category, o->deputy ? "代表" : "联络站", o->answer, sizeof(o->answer));
        event(o, t, o->deputy ? "deputy" : "staff", "resolve", "in_progress", "", "");
    } else if (d < 900) {
        o->disposition = "refer";
        o->unit = g->units[county->first_unit + category_unit[o->category] % county->nunits];
        o->referral_at = o->referral_updated = t;
        o->referral_due = gen_working_days(g, t, 10);
        o->referral_state = "sent";
        event(o, t, "staff", "refer", "in_progress", "交办承办单位", "");
        if ((t += gen_between(g, 1800, 2 * DAY)) >= until)
            return;
        o->referral_state = "accepted";
        o->referral_updated = t;
        event(o, t, "unit", "referral.accept", "in_progress", "", "");
        /* most units reply within the ten working days; some run late */
        if ((t += gen_chance(g, 120) ? gen_between(g, 14 * DAY, 40 * DAY) : gen_between(g, DAY, 12 * DAY)) >= until)
            return;
        gen_answer_text(g, o->category, gen_departments[category_unit[o->category]], o->reply, sizeof(o->reply));
        o->referral_state = "replied";
        o->referral_updated = t;
        event(o, t, "unit", "referral.reply", "in_progress", o->reply, "");
        snprintf(o->answer, sizeof(o->answer), "%s", o->reply);
        unit_name = "承办单位";
        if ((t += gen_between(g, 1800, 3 * DAY)) >= until)
            return;
    } else {
        o->disposition = "keep";
        event(o, t, "staff", "keep", "in_progress", GEN_PICK(g, keeps), "");
        if ((t += gen_between(g, DAY, 5 * DAY)) >= until)
            return;
        snprintf(o->answer, sizeof(o->answer), "感谢您的意见，%s已留作参考，将在今后工作中统筹考虑。", unit_name);
    }
    o->answered_at = t;
    event(o, t, o->owner_deputy ? "deputy" : "staff", "answer", "answered", "", o->answer);
    if ((t += gen_between(g, 3600, 10 * DAY)) >= until)
        return;
    if (gen_chance(g, 550)) {
        int rating = gen_chance(g, 780) ? 1 : gen_chance(g, 700) ? 2 : 3;
        o->rating = rating == 1 ? "satisfied" : rating == 2 ? "basic" : "unsatisfied";
        o->rating_comment = gen_rating_comment(g, rating);
        o->rated_at = t;
        if (rating == 3) { /* SPEC §3: 不满意 reopens once */
            o->reopens = 1;
            event(o, t, "constituent", "rate", "in_progress", o->rating, o->rating_comment);
            if ((t += gen_between(g, 3 * DAY, 15 * DAY)) >= until)
                return;
            snprintf(o->answer, sizeof(o->answer), "经再次办理，%s已落实整改措施，问题已得到解决。", unit_name);
            o->answered_at = t;
            event(o, t, "staff", "answer", "answered", "", o->answer);
        } else {
            o->closed_at = t;
            event(o, t, "constituent", "rate", "closed", o->rating, o->rating_comment);
            return;
        }
    }
    /* an answer left unrated closes after ten working days */
    if ((t = gen_working_days(g, o->answered_at, 10)) >= until)
        return;
    o->closed_at = t;
    event(o, t, "system", "auto_close", "closed", "", "");
}

/* Tracking codes from the opinion's number: n * A + B modulo 23^8 is a permutation (A is prime to
 * 23), so codes never repeat yet look random. */
static void tracking_code(gen_t *g, int64_t n, char out[9])
{
    static const char alphabet[] = "ACDEFGHJKMNPQRTWXY34679";
    const uint64_t space = 78310985281ULL; /* 23^8 */
    uint64_t x = ((uint64_t)n * 2654435761ULL + g->code_offset) % space;
    for (int i = 7; i >= 0; i--) {
        out[i] = alphabet[x % 23];
        x /= 23;
    }
    out[8] = '\0';
}

static int write_opinion(gen_t *g, opinion_t *o, const char *code)
{
    store_stmt_t *st = store_prepare(
        g->db, "INSERT INTO opinions (tracking_code, channel, station_id, deputy_id, region_code, category_id,"
               " content, state, disposition, urgency, tier, owner_deputy_id, master_id, answer, answered_at, rating,"
               " rating_comment, rated_at, reopens, triage_due, answer_due, created_at, updated_at, closed_at,"
               " consent_publish) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
               " $17, $18, $19, $20, $21, $22, $23, $24, $25)");
    if (st == NULL)
        return -1;
    store_bind_text(st, 1, code);
    store_bind_text(st, 2, o->channel);
    store_bind_opt_id(st, 3, o->station);
    store_bind_opt_id(st, 4, o->deputy);
    store_bind_text(st, 5, o->region);
    store_bind_int(st, 6, g->category_ids[o->category]);
    store_bind_text(st, 7, o->content);
    store_bind_text(st, 8, o->state);
    store_bind_text(st, 9, o->disposition);
    store_bind_text(st, 10, o->urgency);
    store_bind_text(st, 11, o->tier);
    store_bind_opt_id(st, 12, o->owner_deputy);
    store_bind_opt_id(st, 13, o->master);
    store_bind_opt_text(st, 14, o->answer);
    store_bind_opt_id(st, 15, o->answered_at);
    store_bind_text(st, 16, o->rating);
    store_bind_text(st, 17, o->rating_comment);
    store_bind_opt_id(st, 18, o->rated_at);
    store_bind_int(st, 19, o->reopens);
    store_bind_int(st, 20, gen_working_days(g, o->created, 2));
    store_bind_int(st, 21, gen_working_days(g, o->created, 15));
    store_bind_int(st, 22, o->created);
    store_bind_int(st, 23, o->updated);
    store_bind_opt_id(st, 24, o->closed_at);
    store_bind_int(st, 25, gen_chance(g, 600));
    if ((o->id = gen_insert(g, st)) < 0)
        return -1;
    for (int i = 0; i < o->nevents; i++) {
        const event_t *e = &o->events[i];
        st = store_prepare(g->db, "INSERT INTO opinion_events (opinion_id, at, actor, action, from_state, to_state,"
                                  " note, public_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, o->id);
        store_bind_int(st, 2, e->at);
        store_bind_text(st, 3, e->actor);
        store_bind_text(st, 4, e->action);
        store_bind_text(st, 5, e->from);
        store_bind_text(st, 6, e->to);
        store_bind_text(st, 7, e->note);
        store_bind_text(st, 8, e->public_note);
        if (gen_insert(g, st) < 0)
            return -1;
    }
    g->n_events += o->nevents;
    if (o->referral_state) {
        st = store_prepare(g->db, "INSERT INTO referrals (opinion_id, unit_id, state, due, reply, created_at,"
                                  " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, o->id);
        store_bind_int(st, 2, o->unit);
        store_bind_text(st, 3, o->referral_state);
        store_bind_int(st, 4, o->referral_due);
        store_bind_opt_text(st, 5, o->reply);
        store_bind_int(st, 6, o->referral_at);
        store_bind_int(st, 7, o->referral_updated);
        if (gen_insert(g, st) < 0)
            return -1;
        g->n_referrals++;
    }
    return 0;
}

static int by_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One opinion created at t: at a station (most), or sent to a deputy. */
static int one(gen_t *g, int64_t t, int64_t n)
{
    static opinion_t o; /* large; one at a time */
    memset(&o, 0, sizeof(o));
    o.created = t;
    o.urgency = "normal";
    o.category = pick_category(g);
    const char *place;
    int county;
    if (gen_chance(g, 150)) {
        const gen_deputy_t *d = &g->deputies[gen_below(g, (uint32_t)g->ndeputies)];
        o.deputy = d->id;
        o.channel = gen_chance(g, 600) ? "online" : "qr";
        snprintf(o.region, sizeof(o.region), "%s", d->region);
        county = d->county;
        place = d->township >= 0 ? g->townships[d->township].name : g->counties[county].name;
    } else {
        const gen_station_t *s = &g->stations[gen_below(g, (uint32_t)g->nstations)];
        o.station = s->id;
        o.channel = s->id == g->counties[s->county].online ? "online" : station_channel(g);
        snprintf(o.region, sizeof(o.region), "%s", s->region);
        county = s->county;
        place = s->place;
    }
    gen_opinion_text(g, o.category, place, o.content, sizeof(o.content));
    gen_county_t *k = &g->counties[county];
    timeline(g, &o, k);
    char code[9];
    tracking_code(g, n, code);
    if (write_opinion(g, &o, code) != 0)
        return -1;
    if (strcmp(o.state, "merged") != 0) /* the newest of the county: still open when the next one comes */
        k->last_opinion = o.id;
    g->n_opinions++;
    return 0;
}

int gen_opinions(gen_t *g)
{
    const int64_t total = g->scale->opinions;
    /* a weekday brings about twice a weekend day's opinions */
    double weights[366], sum = 0;
    for (int d = 0; d < 365; d++) {
        int weekday = (int)(((g->start + 8 * 3600) / DAY + 4) % 7); /* 0 Sunday; 1970-01-01 was a Thursday */
        weekday = (weekday + d) % 7;
        weights[d] = weekday == 0 || weekday == 6 ? 0.5 : 1.0;
        sum += weights[d];
    }
    int64_t *times = NULL, made = 0;
    size_t cap = 0;
    double carry = 0;
    if (store_begin(g->db) != STORE_OK)
        return -1;
    for (int d = 0; d < 365; d++) {
        double want = (double)total * weights[d] / sum + carry;
        int64_t n = d == 364 ? total - made : (int64_t)want;
        carry = want - (double)n;
        if ((size_t)n > cap) {
            cap = (size_t)n * 2;
            int64_t *grown = realloc(times, cap * sizeof(*times));
            if (grown == NULL) {
                free(times);
                return -1;
            }
            times = grown;
        }
        int64_t day = g->start + (int64_t)d * DAY;
        for (int64_t i = 0; i < n; i++) /* mostly 07:00-22:00 Beijing, some at night */
            times[i] = day + (gen_chance(g, 900) ? gen_between(g, 7 * 3600, 22 * 3600) : gen_below(g, DAY));
        qsort(times, (size_t)n, sizeof(*times), by_time);
        for (int64_t i = 0; i < n; i++) {
            if (one(g, times[i], made + 1) != 0) {
                free(times);
                return -1;
            }
            if (++made % BATCH == 0 && (store_commit(g->db) != STORE_OK || store_begin(g->db) != STORE_OK)) {
                free(times);
                return -1;
            }
            gen_progress(g, "opinions", made, total);
        }
    }
    free(times);
    gen_progress_end(g, "opinions", made);
    return store_commit(g->db) == STORE_OK ? 0 : -1;
}
