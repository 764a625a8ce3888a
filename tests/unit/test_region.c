/*
 * test_region: the 12-digit administrative codes behind every scope (src/domain/region.c).
 *
 * Boundary tables: a code is valid, has a level and a prefix, and a scope contains exactly the
 * codes of its subtree. The range bound for SQL must hold every code of the subtree and nothing
 * of the next sibling, or an admin would see (or miss) a neighbouring county's records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/region.h"

/* Real places: 贵州省 > 六盘水市 > 钟山区 > a township > a village, and their neighbours. */
#define PROVINCE "520000000000"
#define CITY "520200000000"
#define COUNTY "520201000000"
#define TOWNSHIP "520201001000"
#define VILLAGE "520201001001"
#define NEIGHBOUR_COUNTY "520203000000"   /* 六枝特区 */
#define NEIGHBOUR_TOWNSHIP "520203001000" /* a township of 六枝特区 */
#define NEIGHBOUR_CITY "520300000000"     /* 遵义市 */
#define NEIGHBOUR_PROVINCE "530000000000" /* 云南省 */
#define SIBLING_TOWNSHIP "520201002000"
#define SIBLING_VILLAGE "520201001002"
#define COUSIN_VILLAGE "520201002001" /* same county, other township */

typedef struct {
    const char *code;
    region_level_t level;
    size_t prefix;
    const char *why;
} code_case_t;

static const code_case_t codes[] = {
    /* valid, one per level */
    {PROVINCE, REGION_PROVINCE, 2, "a province"},
    {CITY, REGION_CITY, 4, "a city"},
    {COUNTY, REGION_COUNTY, 6, "a county"},
    {TOWNSHIP, REGION_TOWNSHIP, 9, "a township"},
    {VILLAGE, REGION_VILLAGE, 12, "a village"},
    {"110000000000", REGION_PROVINCE, 2, "北京市"},
    {"010000000000", REGION_PROVINCE, 2, "province 01: leading zero, non-zero group"},
    {"100000000000", REGION_PROVINCE, 2, "province 10: trailing zero in the group"},
    {"990000000000", REGION_PROVINCE, 2, "province 99"},
    {"520100000000", REGION_CITY, 4, "city 01"},
    {"521000000000", REGION_CITY, 4, "city 10"},
    {"520210000000", REGION_COUNTY, 6, "county 10"},
    {"520201100000", REGION_TOWNSHIP, 9, "township 100"},
    {"520201010000", REGION_TOWNSHIP, 9, "township 010"},
    {"520201000100", REGION_INVALID, 0, "village 100 under an empty township"},
    {"520201001100", REGION_VILLAGE, 12, "village 100"},
    {"999999999999", REGION_VILLAGE, 12, "all nines"},
    /* wrong length */
    {"", REGION_INVALID, 0, "empty"},
    {"5", REGION_INVALID, 0, "one digit"},
    {"52", REGION_INVALID, 0, "just the province prefix"},
    {"520201", REGION_INVALID, 0, "just the county prefix"},
    {"52020100000", REGION_INVALID, 0, "11 digits"},
    {"5202010000000", REGION_INVALID, 0, "13 digits"},
    {"520201000000520201000000", REGION_INVALID, 0, "24 digits"},
    /* not digits */
    {"52020100000a", REGION_INVALID, 0, "a letter at the end"},
    {"a20201000000", REGION_INVALID, 0, "a letter at the start"},
    {"5202010O0000", REGION_INVALID, 0, "letter O for zero"},
    {" 52020100000", REGION_INVALID, 0, "leading space"},
    {"52020100000 ", REGION_INVALID, 0, "trailing space"},
    {"-52020100000", REGION_INVALID, 0, "minus sign"},
    {"+52020100000", REGION_INVALID, 0, "plus sign"},
    {"52020100000\n", REGION_INVALID, 0, "newline"},
    {"520201:00000", REGION_INVALID, 0, "':' (the character after '9')"},
    {"520201/00000", REGION_INVALID, 0, "'/' (the character before '0')"},
    {"5202010000\xEF\xBC\x90", REGION_INVALID, 0, "fullwidth digit zero"},
    {"５２０２０１", REGION_INVALID, 0, "fullwidth digits, 18 bytes"},
    /* zero groups */
    {"000000000000", REGION_INVALID, 0, "all zeros"},
    {"005200000000", REGION_INVALID, 0, "zero province with a city"},
    {"000000000001", REGION_INVALID, 0, "zero province with a village"},
    {"520001000000", REGION_INVALID, 0, "county under an empty city"},
    {"520200001000", REGION_TOWNSHIP, 9, "township straight under a city, as in cities without counties"},
    {"441900003000", REGION_TOWNSHIP, 9, "东莞市莞城街道: a city without counties"},
    {"441900003001", REGION_VILLAGE, 12, "a village of a township straight under a city"},
    {"441900000000", REGION_CITY, 4, "东莞市"},
    {"441900000001", REGION_INVALID, 0, "village under an empty county and an empty township"},
    {"520200000001", REGION_INVALID, 0, "village under an empty county and township"},
    {"520201000001", REGION_INVALID, 0, "village set under an empty township"},
    {"500001001001", REGION_INVALID, 0, "everything below an empty city"},
};

static void each_code_is_valid_or_not_with_its_level_and_prefix(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const code_case_t *c = &codes[i];
        bool valid = c->level != REGION_INVALID;
        if (region_code_valid(c->code) != valid || region_level(c->code) != c->level ||
            region_prefix_len(c->code) != c->prefix) {
            fail_msg("%s (%s): valid %d level %d prefix %zu, expected valid %d level %d prefix %zu", c->code, c->why,
                     region_code_valid(c->code), region_level(c->code), region_prefix_len(c->code), valid, c->level,
                     c->prefix);
        }
    }
}

static void a_null_code_is_invalid_and_in_no_scope(void **state)
{
    (void)state;
    assert_false(region_code_valid(NULL));
    assert_int_equal(region_level(NULL), REGION_INVALID);
    assert_int_equal(region_prefix_len(NULL), 0);
    assert_false(region_in_scope(NULL, COUNTY));
    assert_false(region_in_scope(COUNTY, NULL));
    char parent[REGION_CODE_LEN + 1];
    assert_false(region_parent(NULL, parent));
}

/* The places a scope is tested against. */
/* clang-format off */
static const char *const places[] = {
    PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE, NEIGHBOUR_COUNTY, NEIGHBOUR_TOWNSHIP,
    NEIGHBOUR_CITY, NEIGHBOUR_PROVINCE, SIBLING_TOWNSHIP, SIBLING_VILLAGE, COUSIN_VILLAGE,
};
/* clang-format on */
enum { NPLACES = sizeof(places) / sizeof(places[0]) };

typedef struct {
    const char *scope;
    /* in[i]: whether places[i] lies in scope */
    bool in[NPLACES];
} scope_case_t;

/* Columns: PROVINCE CITY COUNTY TOWNSHIP VILLAGE N_COUNTY N_TOWNSHIP N_CITY N_PROVINCE
 *          SIB_TOWNSHIP SIB_VILLAGE COUSIN_VILLAGE */
static const scope_case_t scopes[] = {
    {PROVINCE, {1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1}},
    {CITY, {0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1}},
    {COUNTY, {0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}},
    {TOWNSHIP, {0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0}},
    {VILLAGE, {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}},
    {NEIGHBOUR_COUNTY, {0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0}},
    {NEIGHBOUR_TOWNSHIP, {0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0}},
    {NEIGHBOUR_CITY, {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}},
    {NEIGHBOUR_PROVINCE, {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}},
    {SIBLING_TOWNSHIP, {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}},
    {SIBLING_VILLAGE, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}},
    /* invalid scopes contain nothing, not even codes that share their characters */
    {"520201", {0}},
    {"52", {0}},
    {"", {0}},
    {"000000000000", {0}},
    {"520201000001", {0}},
    {"52020100000x", {0}},
    {"5202010000000", {0}},
};

static void region_in_scope_holds_exactly_for_the_subtree_at_every_level(void **state)
{
    (void)state;
    for (size_t s = 0; s < sizeof(scopes) / sizeof(scopes[0]); s++)
        for (size_t p = 0; p < NPLACES; p++)
            if (region_in_scope(scopes[s].scope, places[p]) != scopes[s].in[p])
                fail_msg("scope '%s', code %s: in_scope %d, expected %d", scopes[s].scope, places[p],
                         region_in_scope(scopes[s].scope, places[p]), scopes[s].in[p]);
}

static void an_invalid_code_is_in_no_scope_even_when_its_prefix_matches(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "520201000001", /* village under an empty township, prefix 520201 */
        "52020100000",  /* too short */
        "5202010010011", "52020100100a", "520201", "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (region_in_scope(COUNTY, bad[i]) || region_in_scope(PROVINCE, bad[i]))
            fail_msg("invalid code '%s' was placed in a scope", bad[i]);
    }
}

static void a_region_is_in_its_own_scope_at_every_level(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].level != REGION_INVALID && !region_in_scope(codes[i].code, codes[i].code))
            fail_msg("%s is not in its own scope", codes[i].code);
}

static void region_parent_is_the_nearest_region_above_and_none_above_a_province(void **state)
{
    (void)state;
    static const struct {
        const char *code, *parent;
    } cases[] = {
        {VILLAGE, TOWNSHIP},
        {TOWNSHIP, COUNTY},
        {COUNTY, CITY},
        {CITY, PROVINCE},
        {PROVINCE, NULL},
        {"999999999999", "999999999000"},
        {"520201100100", "520201100000"},
        {"520210000000", "520200000000"},
        {"441900003000", "441900000000"}, /* a city without counties: the township's parent is the city */
        {"441900003001", "441900003000"},
        {"520201000001", NULL}, /* invalid */
        {"52020100000", NULL},
        {"000000000000", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[REGION_CODE_LEN + 1];
        memset(out, 'x', sizeof(out));
        bool ok = region_parent(cases[i].code, out);
        if (cases[i].parent == NULL) {
            if (ok)
                fail_msg("'%s' has a parent '%.*s', expected none", cases[i].code, REGION_CODE_LEN, out);
            continue;
        }
        if (!ok)
            fail_msg("'%s' has no parent, expected %s", cases[i].code, cases[i].parent);
        assert_string_equal(out, cases[i].parent);
        assert_true(region_level(out) != REGION_INVALID);
        assert_true(region_level(out) < region_level(cases[i].code));
        assert_true(region_in_scope(out, cases[i].code));
    }
}

/* A range scan code >= scope AND code < upper: strcmp is SQLite's BINARY collation for ASCII. */
static bool in_range(const char *scope, const char *upper, const char *code)
{
    return strcmp(code, scope) >= 0 && strcmp(code, upper) < 0;
}

static void subtree_upper_bounds_every_code_of_the_subtree_and_excludes_the_next_sibling(void **state)
{
    (void)state;
    static const struct {
        const char *scope;
        const char *inside[4];  /* the scope's smallest, largest and some middle codes */
        const char *outside[4]; /* the next sibling and beyond, and the previous one */
    } cases[] = {
        {PROVINCE,
         {PROVINCE, "529999999999", "520201001001", "521000000000"},
         {NEIGHBOUR_PROVINCE, "510000000000", "519999999999", "600000000000"}},
        {CITY,
         {CITY, "520299999999", COUNTY, VILLAGE},
         {NEIGHBOUR_CITY, "520100000000", "520199999999", "521000000000"}},
        {COUNTY,
         {COUNTY, "520201999999", TOWNSHIP, COUSIN_VILLAGE},
         {"520202000000", NEIGHBOUR_COUNTY, "520200000000", "520210000000"}},
        {TOWNSHIP,
         {TOWNSHIP, "520201001999", VILLAGE, SIBLING_VILLAGE},
         {SIBLING_TOWNSHIP, "520201000999", COUSIN_VILLAGE, "520201010000"}},
        {VILLAGE, {VILLAGE, NULL, NULL, NULL}, {SIBLING_VILLAGE, "520201001000", "520201001010", "520201001100"}},
        {"441900000000", /* 东莞市, townships straight under the city */
         {"441900000000", "441900003000", "441900003001", "441999999999"},
         {"442000000000", "441800000000", "442000003000", NULL}},
        {"441900003000",
         {"441900003000", "441900003001", "441900003999", NULL},
         {"441900004000", "441900002999", "441900000000", NULL}},
        {"999999999999", {"999999999999", NULL, NULL, NULL}, {"999999999998", NULL, NULL, NULL}},
        {"990000000000", {"990000000000", "999999999999", NULL, NULL}, {"980000000000", NULL, NULL, NULL}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char upper[REGION_CODE_LEN + 2];
        memset(upper, 'x', sizeof(upper));
        region_subtree_upper(cases[i].scope, upper);
        assert_non_null(memchr(upper, '\0', sizeof(upper)));
        size_t n = region_prefix_len(cases[i].scope);
        assert_int_equal(strlen(upper), n + 1);
        assert_memory_equal(upper, cases[i].scope, n);
        for (int k = 0; k < 4; k++) {
            const char *in = cases[i].inside[k], *out = cases[i].outside[k];
            if (in && !in_range(cases[i].scope, upper, in))
                fail_msg("scope %s, bound '%s': %s should be inside", cases[i].scope, upper, in);
            if (out && in_range(cases[i].scope, upper, out))
                fail_msg("scope %s, bound '%s': %s should be outside", cases[i].scope, upper, out);
        }
    }
}

/* The range and region_in_scope must agree, or SQL filters and handler checks would disagree. */
static void subtree_range_agrees_with_region_in_scope_for_every_pair(void **state)
{
    (void)state;
    for (size_t s = 0; s < NPLACES; s++) {
        char upper[REGION_CODE_LEN + 2];
        region_subtree_upper(places[s], upper);
        for (size_t p = 0; p < NPLACES; p++)
            if (in_range(places[s], upper, places[p]) != region_in_scope(places[s], places[p]))
                fail_msg("scope %s, code %s: range says %d, region_in_scope says %d", places[s], places[p],
                         in_range(places[s], upper, places[p]), region_in_scope(places[s], places[p]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_code_is_valid_or_not_with_its_level_and_prefix),
        cmocka_unit_test(a_null_code_is_invalid_and_in_no_scope),
        cmocka_unit_test(region_in_scope_holds_exactly_for_the_subtree_at_every_level),
        cmocka_unit_test(an_invalid_code_is_in_no_scope_even_when_its_prefix_matches),
        cmocka_unit_test(a_region_is_in_its_own_scope_at_every_level),
        cmocka_unit_test(region_parent_is_the_nearest_region_above_and_none_above_a_province),
        cmocka_unit_test(subtree_upper_bounds_every_code_of_the_subtree_and_excludes_the_next_sibling),
        cmocka_unit_test(subtree_range_agrees_with_region_in_scope_for_every_pair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
