/*
 * test_registry: the registry's field tables and rules (src/domain/registry.c). Every field kind
 * parsed at its bounds (text counted in characters, so Chinese text is not cut at a third of
 * its limit), required fields, the defaults of a new record, and the tables of the link rules:
 * references stay in one county, a deputy's stations lie inside the deputy's region, and a
 * congress sits in a region of its own level.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/registry.h"

/* Real places: 贵州省 > 六盘水市 > 钟山区 > 黄土坡街道 > a community; 六枝特区 next door. */
#define PROVINCE "520000000000"
#define CITY "520200000000"
#define COUNTY "520201000000"
#define TOWNSHIP "520201011000"
#define VILLAGE "520201011001"
#define SIBLING_TOWNSHIP "520201012000"
#define NEIGHBOUR_COUNTY "520203000000"
#define NEIGHBOUR_TOWNSHIP "520203001000"
#define NEIGHBOUR_CITY "520300000000"
#define NEIGHBOUR_PROVINCE "530000000000"

static const registry_field_t *field(const char *entity, const char *name)
{
    const registry_entity_t *e = registry_entity(entity);
    if (e == NULL)
        fail_msg("no entity %s", entity);
    int i = registry_field_index(e, name);
    if (i < 0)
        fail_msg("%s has no field %s", entity, name);
    return &e->fields[i];
}

/* n copies of a string (for lengths in characters). Caller frees. */
static char *repeat(const char *s, int n)
{
    size_t len = strlen(s);
    char *out = malloc(len * (size_t)n + 1);
    for (int i = 0; i < n; i++)
        memcpy(out + len * (size_t)i, s, len);
    out[len * (size_t)n] = '\0';
    return out;
}

/* ---- the tables themselves ---- */

static void every_entity_is_found_by_its_singular_and_plural_name(void **state)
{
    (void)state;
    const char *names[][2] = {{"congress", "congresses"},
                              {"unit", "units"},
                              {"station", "stations"},
                              {"group", "groups"},
                              {"deputy", "deputies"}};
    int count = 0;
    for (const registry_entity_t *const *e = registry_entities(); *e; e++)
        count++;
    assert_int_equal(count, 5);
    for (size_t i = 0; i < 5; i++) {
        const registry_entity_t *one = registry_entity(names[i][0]), *many = registry_entity(names[i][1]);
        assert_non_null(one);
        assert_ptr_equal(one, many);
        assert_string_equal(one->plural, names[i][1]);
        assert_true(one->nfields <= REGISTRY_MAX_FIELDS);
        assert_true(registry_region_field(one) >= 0); /* every record has a place */
    }
    assert_null(registry_entity("opinion"));
    assert_null(registry_entity(""));
}

static void a_field_is_found_by_its_json_key_or_its_chinese_csv_header(void **state)
{
    (void)state;
    const registry_entity_t *station = registry_entity("station");
    assert_int_equal(registry_field_index(station, "name"), registry_field_index(station, "名称"));
    assert_int_equal(registry_field_index(station, "kind"), registry_field_index(station, "类型"));
    assert_int_equal(registry_field_index(station, "hub_id"), registry_field_index(station, "所属站点"));
    const registry_entity_t *deputy = registry_entity("deputy");
    assert_int_equal(registry_field_index(deputy, "name"), registry_field_index(deputy, "姓名"));
    assert_int_equal(registry_field_index(deputy, "phone"), registry_field_index(deputy, "手机"));
    assert_int_equal(registry_field_index(deputy, "nickname"), -1);
    assert_int_equal(registry_field_index(deputy, "id"), -1);
    assert_int_equal(registry_field_index(deputy, "Name"), -1);
}

static void region_and_phone_live_in_their_own_columns_and_the_phone_is_hidden(void **state)
{
    (void)state;
    assert_string_equal(registry_column(field("station", "region")), "region_code");
    assert_string_equal(registry_column(field("deputy", "region")), "region_code");
    assert_string_equal(registry_column(field("deputy", "phone")), "phone_sealed");
    assert_string_equal(registry_column(field("deputy", "name")), "name");
    assert_true(field("deputy", "phone")->hidden);
    assert_false(field("deputy", "phone_public")->hidden);
    assert_false(field("station", "contact_phone")->hidden); /* a station's line is public */
}

/* ---- registry_parse, kind by kind ---- */

typedef struct {
    const char *entity, *field, *text;
    bool ok;
    const char *why;
} parse_case_t;

static void check_parse_table(const parse_case_t *cases, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const parse_case_t *c = &cases[i];
        registry_value_t v;
        memset(&v, 0x5a, sizeof(v));
        const char *problem = registry_parse(field(c->entity, c->field), c->text, &v);
        if ((problem == NULL) != c->ok) {
            fprintf(stderr, "%s.%s = \"%s\" (%s): expected %s, got %s\n", c->entity, c->field, c->text, c->why,
                    c->ok ? "accepted" : "refused", problem ? problem : "accepted");
            bad++;
        }
        if (!v.set) {
            fprintf(stderr, "%s.%s = \"%s\": the value is not marked set\n", c->entity, c->field, c->text);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void text_lengths_are_counted_in_characters_not_bytes(void **state)
{
    (void)state;
    char *one = repeat("站", 1), *two = repeat("站", 2), *sixty = repeat("站", 60), *sixty_one = repeat("站", 61);
    char *thirty = repeat("张", 30), *thirty_one = repeat("张", 31), *ascii60 = repeat("a", 60),
         *ascii61 = repeat("a", 61), *bio = repeat("简", 2000), *bio_over = repeat("简", 2001),
         *emoji = repeat("\xF0\x9F\x98\x80", 2); /* two 4-byte characters */
    const parse_case_t cases[] = {
        {"station", "name", one, false, "1 character, minimum 2"},
        {"station", "name", two, true, "2 characters (6 bytes)"},
        {"station", "name", sixty, true, "60 characters = 180 bytes, the maximum"},
        {"station", "name", sixty_one, false, "61 characters"},
        {"station", "name", ascii60, true, "60 ASCII characters"},
        {"station", "name", ascii61, false, "61 ASCII characters"},
        {"station", "name", emoji, true, "2 four-byte characters"},
        {"deputy", "name", thirty, true, "30 characters (90 bytes), the maximum of a name"},
        {"deputy", "name", thirty_one, false, "31 characters"},
        {"station", "description", bio, true, "2000 characters"},
        {"station", "description", bio_over, false, "2001 characters"},
        {"deputy", "biography", bio, true, "2000 characters"},
        {"deputy", "biography", bio_over, false, "2001 characters"},
        {"station", "address", "", true, "optional and empty"},
        {"station", "name", "", false, "required and empty"},
        {"station", "name", "a\xff", false, "invalid UTF-8"},
        {"station", "name", "\xe7\xab", false, "a cut-off character"},
        {"station", "name", "\xc0\xaf\xc0\xaf", false, "overlong forms"},
        {"deputy", "phone", "13800138000", true, "an 11-digit phone"},
    };
    check_parse_table(cases, sizeof(cases) / sizeof(cases[0]));
    free(one), free(two), free(sixty), free(sixty_one), free(thirty), free(thirty_one), free(ascii60), free(ascii61);
    free(bio), free(bio_over), free(emoji);
}

static void whole_numbers_are_checked_against_their_range(void **state)
{
    (void)state;
    const parse_case_t cases[] = {
        {"congress", "level", "0", false, "below 1"},
        {"congress", "level", "1", true, "national"},
        {"congress", "level", "5", true, "township"},
        {"congress", "level", "6", false, "above 5"},
        {"congress", "level", "-1", false, "negative"},
        {"congress", "level", "2.5", false, "a fraction"},
        {"congress", "level", "3a", false, "trailing letters"},
        {"congress", "level", "三", false, "a Chinese numeral"},
        {"congress", "level", "", false, "required"},
        {"congress", "term", "1", true, "第一届"},
        {"congress", "term", "99", true, "the last term allowed"},
        {"congress", "term", "100", false, "past 99"},
        {"congress", "term", "99999999999999999999999", false, "overflows 64 bits"},
        {"congress", "term", "-99999999999999999999999", false, "underflows 64 bits"},
    };
    check_parse_table(cases, sizeof(cases) / sizeof(cases[0]));
    registry_value_t v;
    assert_null(registry_parse(field("congress", "term"), "18", &v));
    assert_int_equal(v.i, 18);
    assert_false(v.null);
}

static void coordinates_are_numbers_inside_the_globe(void **state)
{
    (void)state;
    const parse_case_t cases[] = {
        {"station", "latitude", "-90", true, "south pole"},
        {"station", "latitude", "90", true, "north pole"},
        {"station", "latitude", "26.5847", true, "钟山区"},
        {"station", "latitude", "90.0001", false, "past the pole"},
        {"station", "latitude", "-90.5", false, "past the south pole"},
        {"station", "longitude", "180", true, "date line"},
        {"station", "longitude", "-180", true, "date line, west"},
        {"station", "longitude", "180.01", false, "past the date line"},
        {"station", "longitude", "1e2", true, "exponent form, 100"},
        {"station", "longitude", "nan", false, "not a number"},
        {"station", "longitude", "inf", false, "infinity"},
        {"station", "longitude", "104.8", true, "六盘水"},
        {"station", "longitude", "104.8°", false, "a degree sign"},
        {"station", "longitude", "东经104", false, "words"},
        {"station", "longitude", "", true, "optional"},
    };
    check_parse_table(cases, sizeof(cases) / sizeof(cases[0]));
    registry_value_t v;
    assert_null(registry_parse(field("station", "latitude"), "26.5847", &v));
    assert_float_equal(v.d, 26.5847, 1e-9);
    assert_null(registry_parse(field("station", "latitude"), "", &v));
    assert_true(v.null);
}

static void references_are_record_ids_from_one(void **state)
{
    (void)state;
    const parse_case_t cases[] = {
        {"station", "hub_id", "1", true, "the first id"},
        {"station", "hub_id", "9007199254740993", true, "a large id"},
        {"station", "hub_id", "0", false, "no record has id 0"},
        {"station", "hub_id", "-3", false, "negative"},
        {"station", "hub_id", "abc", false, "not a number"},
        {"station", "hub_id", "", true, "optional: no hub"},
        {"group", "leader_id", "7", true, "a deputy"},
        {"group", "station_id", "0", false, "no record has id 0"},
        {"deputy", "group_id", "1.0", false, "a fraction"},
    };
    check_parse_table(cases, sizeof(cases) / sizeof(cases[0]));
    registry_value_t v;
    assert_null(registry_parse(field("station", "hub_id"), "42", &v));
    assert_int_equal(v.i, 42);
}

static void regions_are_valid_twelve_digit_codes(void **state)
{
    (void)state;
    const parse_case_t cases[] = {
        {"station", "region", COUNTY, true, "钟山区"},
        {"station", "region", VILLAGE, true, "a community"},
        {"station", "region", PROVINCE, true, "贵州省"},
        {"station", "region", "520201", false, "six digits"},
        {"station", "region", "52020100000", false, "eleven digits"},
        {"station", "region", "5202010000000", false, "thirteen digits"},
        {"station", "region", "000000000000", false, "no province"},
        {"station", "region", "52020100000a", false, "a letter"},
        {"station", "region", "520200000001", false, "a village under no township"},
        {"station", "region", "", false, "required"},
        {"congress", "region", "", true, "the national congress has none"},
        {"congress", "region", CITY, true, "六盘水市"},
    };
    check_parse_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void choices_are_exact_and_case_sensitive(void **state)
{
    (void)state;
    const char *kinds[] = {"home",     "hub",      "spoke",        "legislative", "budget",
                           "overseas", "economic", "professional", "online"};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        registry_value_t v;
        const char *problem = registry_parse(field("station", "kind"), kinds[i], &v);
        if (problem)
            fail_msg("station kind %s refused: %s", kinds[i], problem);
        assert_string_equal(v.text, kinds[i]);
    }
    const parse_case_t cases[] = {
        {"station", "kind", "Hub", false, "capitalised"},
        {"station", "kind", "hub ", false, "trailing space"},
        {"station", "kind", "联络站", false, "the Chinese name"},
        {"station", "kind", "", false, "required"},
        {"deputy", "gender", "male", true, "male"},
        {"deputy", "gender", "female", true, "female"},
        {"deputy", "gender", "男", false, "Chinese"},
        {"deputy", "gender", "", false, "required"},
        {"deputy", "contact_preference", "online", true, "online"},
        {"deputy", "contact_preference", "phone", true, "phone"},
        {"deputy", "contact_preference", "email", false, "not offered"},
        {"deputy", "contact_preference", "", true, "optional"},
    };
    check_parse_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void booleans_accept_english_digits_and_shi_fou(void **state)
{
    (void)state;
    const struct {
        const char *text;
        int64_t want;
    } yes_no[] = {{"true", 1}, {"1", 1}, {"yes", 1}, {"是", 1}, {"false", 0}, {"0", 0}, {"no", 0}, {"否", 0}};
    for (size_t i = 0; i < sizeof(yes_no) / sizeof(yes_no[0]); i++) {
        registry_value_t v;
        const char *problem = registry_parse(field("deputy", "phone_public"), yes_no[i].text, &v);
        if (problem)
            fail_msg("phone_public = %s refused: %s", yes_no[i].text, problem);
        assert_int_equal(v.i, yes_no[i].want);
        assert_false(v.null);
    }
    const parse_case_t cases[] = {
        {"deputy", "phone_public", "maybe", false, "not a boolean"},
        {"deputy", "phone_public", "2", false, "not 0 or 1"},
        {"deputy", "phone_public", "对", false, "another Chinese word"},
        {"deputy", "phone_public", "", true, "optional: empty"},
    };
    check_parse_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void an_empty_text_is_a_null_value(void **state)
{
    (void)state;
    registry_value_t v;
    assert_null(registry_parse(field("station", "address"), "", &v));
    assert_true(v.set);
    assert_true(v.null);
    assert_null(registry_parse(field("station", "address"), "钟山大道1号", &v));
    assert_true(v.set);
    assert_false(v.null);
    assert_string_equal(v.text, "钟山大道1号");
}

/* ---- missing fields and defaults ---- */

static void set_value(const registry_entity_t *e, registry_value_t *values, const char *name, const char *text)
{
    int i = registry_field_index(e, name);
    assert_true(i >= 0);
    const char *problem = registry_parse(&e->fields[i], text, &values[i]);
    if (problem)
        fail_msg("%s.%s = %s: %s", e->name, name, text, problem);
}

static void the_first_missing_required_field_is_named(void **state)
{
    (void)state;
    const registry_entity_t *station = registry_entity("station");
    registry_value_t values[REGISTRY_MAX_FIELDS];
    memset(values, 0, sizeof(values));
    const registry_field_t *missing = registry_missing(station, values);
    assert_non_null(missing);
    assert_string_equal(missing->name, "name");
    set_value(station, values, "name", "黄土坡街道代表联络站");
    assert_string_equal(registry_missing(station, values)->name, "kind");
    set_value(station, values, "kind", "hub");
    assert_string_equal(registry_missing(station, values)->name, "region");
    set_value(station, values, "address", "钟山大道1号"); /* optional fields don't count */
    assert_string_equal(registry_missing(station, values)->name, "region");
    set_value(station, values, "region", COUNTY);
    assert_null(registry_missing(station, values));
    /* a required field given as empty is as missing as one not given */
    registry_parse(&station->fields[registry_field_index(station, "name")], "", &values[0]);
    assert_string_equal(registry_missing(station, values)->name, "name");

    const registry_entity_t *deputy = registry_entity("deputy");
    memset(values, 0, sizeof(values));
    set_value(deputy, values, "name", "张三");
    set_value(deputy, values, "region", COUNTY);
    assert_string_equal(registry_missing(deputy, values)->name, "gender");
    set_value(deputy, values, "gender", "female");
    assert_null(registry_missing(deputy, values));

    const registry_entity_t *congress = registry_entity("congress");
    memset(values, 0, sizeof(values));
    set_value(congress, values, "level", "1");
    set_value(congress, values, "term", "14");
    set_value(congress, values, "name", "第十四届全国人民代表大会");
    assert_null(registry_missing(congress, values)); /* national: no region needed */
}

static void a_new_record_gets_empty_text_the_first_choice_and_false(void **state)
{
    (void)state;
    const registry_entity_t *deputy = registry_entity("deputy");
    registry_value_t values[REGISTRY_MAX_FIELDS];
    memset(values, 0, sizeof(values));
    set_value(deputy, values, "name", "李四");
    set_value(deputy, values, "gender", "male");
    set_value(deputy, values, "region", COUNTY);
    set_value(deputy, values, "occupation", "教师");
    set_value(deputy, values, "sector", ""); /* given as empty: defaulted like the unset ones */
    registry_defaults(deputy, values);
    for (int i = 0; i < deputy->nfields; i++)
        if (!values[i].set)
            fail_msg("deputy.%s is not set after registry_defaults", deputy->fields[i].name);
    const registry_value_t *v = values;
    assert_string_equal(v[registry_field_index(deputy, "name")].text, "李四");
    assert_string_equal(v[registry_field_index(deputy, "occupation")].text, "教师");
    assert_string_equal(v[registry_field_index(deputy, "ethnicity")].text, "");
    assert_false(v[registry_field_index(deputy, "ethnicity")].null);
    assert_string_equal(v[registry_field_index(deputy, "sector")].text, "");
    assert_false(v[registry_field_index(deputy, "sector")].null);
    assert_string_equal(v[registry_field_index(deputy, "phone")].text, "");
    assert_string_equal(v[registry_field_index(deputy, "contact_preference")].text, "station");
    assert_int_equal(v[registry_field_index(deputy, "phone_public")].i, 0);
    assert_false(v[registry_field_index(deputy, "phone_public")].null);
    assert_true(v[registry_field_index(deputy, "group_id")].null); /* no group yet */

    const registry_entity_t *station = registry_entity("station");
    memset(values, 0, sizeof(values));
    set_value(station, values, "name", "荷城街道代表联络站");
    set_value(station, values, "kind", "online");
    set_value(station, values, "region", COUNTY);
    registry_defaults(station, values);
    assert_string_equal(values[registry_field_index(station, "kind")].text, "online");
    assert_true(values[registry_field_index(station, "latitude")].null);
    assert_true(values[registry_field_index(station, "hub_id")].null);
    assert_string_equal(values[registry_field_index(station, "hours")].text, "");
}

/* ---- link rules ---- */

typedef struct {
    const char *entity, *field, *region, *target;
    bool ok;
    const char *why;
} reference_case_t;

static void references_stay_inside_one_county(void **state)
{
    (void)state;
    const reference_case_t cases[] = {
        {"station", "hub_id", COUNTY, COUNTY, true, "a county station names another in the county"},
        {"station", "hub_id", VILLAGE, TOWNSHIP, true, "a village spoke names its township hub"},
        {"station", "hub_id", TOWNSHIP, SIBLING_TOWNSHIP, true, "townships of one county"},
        {"station", "hub_id", VILLAGE, COUNTY, true, "a village names the county's home"},
        {"station", "hub_id", COUNTY, VILLAGE, true, "down into the county"},
        {"station", "hub_id", COUNTY, NEIGHBOUR_COUNTY, false, "the neighbouring county"},
        {"station", "hub_id", TOWNSHIP, NEIGHBOUR_TOWNSHIP, false, "a township of the neighbour"},
        {"station", "hub_id", VILLAGE, CITY, false, "up to the city: outside the county"},
        {"group", "leader_id", COUNTY, COUNTY, true, "a group leader of the county"},
        {"group", "leader_id", COUNTY, NEIGHBOUR_COUNTY, false, "a leader from another county"},
        {"group", "station_id", TOWNSHIP, COUNTY, true, "the group's station in its county"},
        {"group", "station_id", TOWNSHIP, NEIGHBOUR_TOWNSHIP, false, "a station of another county"},
        {"deputy", "group_id", VILLAGE, SIBLING_TOWNSHIP, true, "a group of the same county"},
        {"deputy", "group_id", COUNTY, NEIGHBOUR_COUNTY, false, "a group of another county"},
        {"group", "leader_id", CITY, COUNTY, true, "a city group may name a county deputy"},
        {"group", "leader_id", CITY, NEIGHBOUR_CITY, false, "but not one of another city"},
        {"group", "leader_id", PROVINCE, NEIGHBOUR_PROVINCE, false, "nor of another province"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const reference_case_t *c = &cases[i];
        const char *problem = registry_reference_problem(registry_entity(c->entity), c->field, c->region, c->target);
        if ((problem == NULL) != c->ok) {
            fprintf(stderr, "%s.%s from %s to %s (%s): expected %s, got %s\n", c->entity, c->field, c->region,
                    c->target, c->why, c->ok ? "allowed" : "refused", problem ? problem : "allowed");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void a_deputy_is_placed_only_in_stations_inside_their_region(void **state)
{
    (void)state;
    const struct {
        const char *deputy, *station;
        bool ok;
        const char *why;
    } cases[] = {
        {COUNTY, COUNTY, true, "the county's own station"},
        {COUNTY, TOWNSHIP, true, "a township station of the county"},
        {COUNTY, VILLAGE, true, "a village point of the county"},
        {CITY, VILLAGE, true, "a city deputy in a village point of the city (混合编组进站)"},
        {TOWNSHIP, TOWNSHIP, true, "a township deputy at home"},
        {TOWNSHIP, SIBLING_TOWNSHIP, false, "the next township"},
        {TOWNSHIP, COUNTY, false, "up at the county"},
        {COUNTY, NEIGHBOUR_COUNTY, false, "the neighbouring county"},
        {COUNTY, NEIGHBOUR_TOWNSHIP, false, "a township of the neighbour"},
        {CITY, NEIGHBOUR_CITY, false, "another city"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *problem = registry_station_problem(cases[i].deputy, cases[i].station);
        if ((problem == NULL) != cases[i].ok) {
            fprintf(stderr, "deputy of %s in station of %s (%s): expected %s, got %s\n", cases[i].deputy,
                    cases[i].station, cases[i].why, cases[i].ok ? "allowed" : "refused", problem ? problem : "allowed");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void a_congress_sits_in_a_region_of_its_own_level(void **state)
{
    (void)state;
    const struct {
        int64_t level;
        const char *region;
        bool ok;
        const char *why;
    } cases[] = {
        {1, NULL, true, "全国人大 has no region"},
        {1, "", true, "全国人大, region given empty"},
        {1, PROVINCE, false, "全国人大 with a province"},
        {2, PROVINCE, true, "贵州省人大"},
        {2, CITY, false, "a provincial congress in a city"},
        {2, NULL, false, "a provincial congress without a region"},
        {3, CITY, true, "六盘水市人大"},
        {3, PROVINCE, false, "a city congress in a province"},
        {3, COUNTY, false, "a city congress in a county"},
        {4, COUNTY, true, "钟山区人大"},
        {4, CITY, false, "a county congress in a city"},
        {4, TOWNSHIP, false, "a county congress in a township"},
        {4, "", false, "a county congress without a region"},
        {5, TOWNSHIP, true, "a township congress"},
        {5, COUNTY, false, "a township congress in a county"},
        {5, VILLAGE, false, "villages have no congress"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *problem = registry_congress_problem(cases[i].level, cases[i].region);
        if ((problem == NULL) != cases[i].ok) {
            fprintf(stderr, "congress level %lld in %s (%s): expected %s, got %s\n", (long long)cases[i].level,
                    cases[i].region ? cases[i].region : "(none)", cases[i].why, cases[i].ok ? "allowed" : "refused",
                    problem ? problem : "allowed");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void a_qr_code_opens_the_public_page_and_marks_the_visit_as_scanned(void **state)
{
    (void)state;
    char url[256];
    registry_qr_url(url, sizeof(url), "https://rd.rudong.gov.cn/", registry_entity("deputy"), 42);
    assert_string_equal(url, "https://rd.rudong.gov.cn/deputy.html?id=42&via=qr");
    registry_qr_url(url, sizeof(url), "http://127.0.0.1:8080", registry_entity("station"), 7);
    assert_string_equal(url, "http://127.0.0.1:8080/station.html?id=7&via=qr");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_qr_code_opens_the_public_page_and_marks_the_visit_as_scanned),
        cmocka_unit_test(every_entity_is_found_by_its_singular_and_plural_name),
        cmocka_unit_test(a_field_is_found_by_its_json_key_or_its_chinese_csv_header),
        cmocka_unit_test(region_and_phone_live_in_their_own_columns_and_the_phone_is_hidden),
        cmocka_unit_test(text_lengths_are_counted_in_characters_not_bytes),
        cmocka_unit_test(whole_numbers_are_checked_against_their_range),
        cmocka_unit_test(coordinates_are_numbers_inside_the_globe),
        cmocka_unit_test(references_are_record_ids_from_one),
        cmocka_unit_test(regions_are_valid_twelve_digit_codes),
        cmocka_unit_test(choices_are_exact_and_case_sensitive),
        cmocka_unit_test(booleans_accept_english_digits_and_shi_fou),
        cmocka_unit_test(an_empty_text_is_a_null_value),
        cmocka_unit_test(the_first_missing_required_field_is_named),
        cmocka_unit_test(a_new_record_gets_empty_text_the_first_choice_and_false),
        cmocka_unit_test(references_stay_inside_one_county),
        cmocka_unit_test(a_deputy_is_placed_only_in_stations_inside_their_region),
        cmocka_unit_test(a_congress_sits_in_a_region_of_its_own_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
