/*
 * registry: the field tables of every registry entity, and the parsing of one field's text.
 * To see what a station or a deputy holds, read the tables below.
 */
#include "domain/registry.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/region.h"

#define TEXT(n, l, req, lo, hi) {n, l, FIELD_TEXT, req, lo, hi, NULL, NULL, false}
#define INT(n, l, req, lo, hi) {n, l, FIELD_INT, req, lo, hi, NULL, NULL, false}
#define REAL(n, l, lo, hi) {n, l, FIELD_REAL, false, lo, hi, NULL, NULL, false}
#define REGION(n, l) {n, l, FIELD_REGION, true, 0, 0, NULL, NULL, false}
#define REF(n, l, entity) {n, l, FIELD_REF, false, 1, 0, NULL, entity, false}
#define CHOICE(n, l, req, list) {n, l, FIELD_CHOICE, req, 0, 0, list, NULL, false}
#define BOOL(n, l) {n, l, FIELD_BOOL, false, 0, 1, NULL, NULL, false}
#define COUNT(a) ((int)(sizeof(a) / sizeof(a[0])))

/* 1 全国 2 省 3 设区的市 4 县 5 乡镇 */
static const registry_field_t congress_fields[] = {
    INT("level", "层级", true, 1, 5),
    {"region", "地区", FIELD_REGION, false, 0, 0, NULL, NULL, false}, /* none for the national congress */
    INT("term", "届次", true, 1, 99),
    TEXT("name", "名称", true, 2, 60),
};

static const registry_field_t unit_fields[] = {
    TEXT("name", "名称", true, 2, 60),
    TEXT("parent_government", "所属政府", false, 0, 60),
    REGION("region", "地区"),
    TEXT("contact_name", "联系人", false, 0, 30),
    TEXT("contact_phone", "联系电话", false, 0, 30),
};

/* 代表之家, 代表联络站, 代表联络室/点, 基层立法联系点, 预算工委基层联系点, 涉侨联系点,
 * 经济运行观察点, 专业代表工作室, 网上联络站 */
static const char *const station_kinds[] = {"home", "hub", "spoke", "legislative", "budget",
                                            "overseas", "economic", "professional", "online", NULL};

static const registry_field_t station_fields[] = {
    TEXT("name", "名称", true, 2, 60),
    CHOICE("kind", "类型", true, station_kinds),
    REGION("region", "地区"),
    REF("hub_id", "所属联络站", "station"),
    TEXT("address", "地址", false, 0, 120),
    REAL("latitude", "纬度", -90, 90),
    REAL("longitude", "经度", -180, 180),
    TEXT("hours", "开放时间", false, 0, 120),
    TEXT("contact_name", "联系人", false, 0, 30),
    TEXT("contact_phone", "联系电话", false, 0, 30),
    TEXT("description", "简介", false, 0, 2000),
};

static const registry_field_t group_fields[] = {
    TEXT("name", "名称", true, 2, 60),
    REGION("region", "地区"),
    REF("leader_id", "组长", "deputy"),
    REF("station_id", "联系的联络站", "station"),
};

static const char *const genders[] = {"male", "female", NULL};
static const char *const contact_preferences[] = {"station", "online", "phone", NULL};

static const registry_field_t deputy_fields[] = {
    TEXT("name", "姓名", true, 2, 30),
    CHOICE("gender", "性别", true, genders),
    TEXT("ethnicity", "民族", false, 0, 20),
    REGION("region", "地区"),
    TEXT("occupation", "职业", false, 0, 60),
    TEXT("sector", "界别", false, 0, 30),
    TEXT("biography", "简介", false, 0, 2000),
    TEXT("photo", "照片地址", false, 0, 200),
    CHOICE("contact_preference", "联系方式", false, contact_preferences),
    {"phone", "手机号码", FIELD_TEXT, false, 0, 20, NULL, NULL, true},
    BOOL("phone_public", "公开手机号码"),
    REF("group_id", "代表小组", "group"),
};

static const registry_entity_t congress = {"congress", "congresses", "congresses", NULL, NULL, congress_fields,
                                           COUNT(congress_fields)};
static const registry_entity_t unit = {"unit", "units", "units", NULL, NULL, unit_fields, COUNT(unit_fields)};
static const registry_entity_t station = {"station", "stations", "stations", "station_search",
                                          "name || ' ' || address", station_fields,
                                          COUNT(station_fields)};
static const registry_entity_t group = {"group", "groups", "deputy_groups", NULL, NULL, group_fields,
                                        COUNT(group_fields)};
static const registry_entity_t deputy = {"deputy", "deputies", "deputies", "deputy_search",
                                         "name || ' ' || occupation", deputy_fields,
                                         COUNT(deputy_fields)};

static const registry_entity_t *const entities[] = {&congress, &unit, &station, &group, &deputy, NULL};

const registry_entity_t *const *registry_entities(void)
{
    return entities;
}

const registry_entity_t *registry_entity(const char *name)
{
    for (int i = 0; entities[i]; i++)
        if (strcmp(entities[i]->name, name) == 0 || strcmp(entities[i]->plural, name) == 0)
            return entities[i];
    return NULL;
}

/* Labels that sheets exported before the labels matched the staff forms still carry. */
static const struct {
    const registry_entity_t *e;
    const char *field, *label;
} old_labels[] = {
    {&station, "hub_id", "所属站点"},  {&group, "station_id", "联系站点"}, {&deputy, "photo", "照片"},
    {&deputy, "phone", "手机"},        {&deputy, "phone_public", "公开手机"},
};

int registry_field_index(const registry_entity_t *e, const char *name)
{
    for (int i = 0; i < e->nfields; i++)
        if (strcmp(e->fields[i].name, name) == 0 || strcmp(e->fields[i].label, name) == 0)
            return i;
    for (size_t k = 0; k < sizeof(old_labels) / sizeof(old_labels[0]); k++)
        if (old_labels[k].e == e && strcmp(old_labels[k].label, name) == 0)
            return registry_field_index(e, old_labels[k].field);
    return -1;
}

int registry_region_field(const registry_entity_t *e)
{
    return registry_field_index(e, "region");
}

static const char *parse_number(const registry_field_t *f, const char *text, registry_value_t *out)
{
    char *end;
    errno = 0;
    if (f->kind == FIELD_REAL) {
        double d = strtod(text, &end);
        if (errno || *end || end == text || !isfinite(d) || d < (double)f->min || d > (double)f->max)
            return "must be a number in range";
        out->d = d;
        return NULL;
    }
    long long v = strtoll(text, &end, 10);
    if (errno || *end || end == text)
        return "must be a whole number";
    if (f->kind == FIELD_REF ? v < 1 : (v < f->min || v > f->max))
        return f->kind == FIELD_REF ? "must be the id of a record" : "is out of range";
    out->i = v;
    return NULL;
}

static const char *parse_bool(const char *text, registry_value_t *out)
{
    static const char *const yes[] = {"true", "1", "yes", "是", NULL}, *const no[] = {"false", "0", "no", "否", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcmp(text, yes[i]) == 0) {
            out->i = 1;
            return NULL;
        }
    for (int i = 0; no[i]; i++)
        if (strcmp(text, no[i]) == 0) {
            out->i = 0;
            return NULL;
        }
    return "must be true or false";
}

const char *registry_parse(const registry_field_t *f, const char *text, registry_value_t *out)
{
    size_t n = strlen(text);
    out->set = true;
    out->null = n == 0;
    out->text = text;
    out->i = 0;
    out->d = 0;
    if (!utf8_valid(text, n))
        return "holds a NUL or invalid character";
    if (n == 0)
        return f->required ? "is required" : NULL;
    switch (f->kind) {
    case FIELD_TEXT: {
        size_t chars = utf8_chars(text, n);
        return (long)chars < f->min || (long)chars > f->max ? "has too few or too many characters" : NULL;
    }
    case FIELD_INT:
    case FIELD_REAL:
    case FIELD_REF: return parse_number(f, text, out);
    case FIELD_REGION: return region_code_valid(text) ? NULL : "must be a 12-digit region code";
    case FIELD_CHOICE:
        for (int i = 0; f->choices[i]; i++)
            if (strcmp(f->choices[i], text) == 0)
                return NULL;
        return "is not one of the allowed values";
    case FIELD_BOOL: return parse_bool(text, out);
    }
    return "is not understood";
}

const registry_field_t *registry_missing(const registry_entity_t *e, const registry_value_t *values)
{
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].required && (!values[i].set || values[i].null))
            return &e->fields[i];
    return NULL;
}

const char *registry_column(const registry_field_t *f)
{
    if (strcmp(f->name, "region") == 0)
        return "region_code";
    if (strcmp(f->name, "phone") == 0)
        return "phone_sealed";
    return f->name;
}

void registry_defaults(const registry_entity_t *e, registry_value_t *values)
{
    for (int i = 0; i < e->nfields; i++) {
        const registry_field_t *f = &e->fields[i];
        registry_value_t *v = &values[i];
        if (v->set && !v->null)
            continue;
        if (f->kind == FIELD_TEXT)
            *v = (registry_value_t){.set = true, .text = ""};
        else if (f->kind == FIELD_CHOICE)
            *v = (registry_value_t){.set = true, .text = f->choices[0]};
        else if (f->kind == FIELD_BOOL)
            *v = (registry_value_t){.set = true, .i = 0};
        else
            *v = (registry_value_t){.set = true, .null = true};
    }
}

/* The county (or, above county level, the region itself) whose subtree a record's links stay in. */
static void county_of(const char *region, char out[REGION_CODE_LEN + 1])
{
    memcpy(out, region, REGION_CODE_LEN + 1);
    if (region_level(region) > REGION_COUNTY)
        memset(out + 6, '0', REGION_CODE_LEN - 6);
}

const char *registry_reference_problem(const registry_entity_t *e, const char *field, const char *region,
                                       const char *target)
{
    (void)e;
    (void)field;
    char county[REGION_CODE_LEN + 1];
    county_of(region, county);
    return region_in_scope(county, target) ? NULL : "names a record in another county";
}

const char *registry_station_problem(const char *deputy_region, const char *station_region)
{
    return region_in_scope(deputy_region, station_region) ? NULL : "names a station outside the deputy's region";
}

const char *registry_congress_problem(int64_t level, const char *region)
{
    if (level == 1)
        return region == NULL || *region == '\0' ? NULL : "the national congress has no region";
    if (region == NULL || *region == '\0')
        return "a local congress needs its region";
    /* congress levels 2..5 sit in regions of levels 1..4 */
    return (int64_t)region_level(region) == level - 1 ? NULL : "the region's level does not match the congress's";
}

double registry_distance_m(double lat1, double lng1, double lat2, double lng2)
{
    const double r = 6371008.8, rad = M_PI / 180.0; /* mean Earth radius */
    double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);
    return 2 * r * atan2(sqrt(a), sqrt(1 - a));
}

bool registry_parse_point(const char *text, double *lat, double *lng)
{
    char *end;
    errno = 0;
    *lat = strtod(text, &end);
    if (errno || end == text || *end != ',')
        return false;
    const char *second = end + 1;
    *lng = strtod(second, &end);
    return !errno && end != second && *end == '\0' && isfinite(*lat) && isfinite(*lng) && *lat >= -90 &&
           *lat <= 90 && *lng >= -180 && *lng <= 180;
}

void registry_qr_url(char *out, size_t cap, const char *base, const registry_entity_t *e, int64_t id)
{
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    snprintf(out, cap, "%.*s/%s.html?id=%lld&via=qr", (int)n, base, e->name, (long long)id);
}
