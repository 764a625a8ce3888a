/*
 * region: pure functions over 12-digit codes. The groups' widths are 2,2,2,3,3; a level is the
 * index of the last non-zero group.
 */
#include "domain/region.h"

#include <string.h>

static const size_t ends[] = {2, 4, 6, 9, 12};

static bool group_zero(const char *code, int g)
{
    size_t from = g ? ends[g - 1] : 0;
    for (size_t i = from; i < ends[g]; i++)
        if (code[i] != '0')
            return false;
    return true;
}

bool region_code_valid(const char *code)
{
    if (code == NULL || strlen(code) != REGION_CODE_LEN)
        return false;
    for (size_t i = 0; i < REGION_CODE_LEN; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    if (group_zero(code, 0))
        return false;
    /* a level left empty may not have levels under it, except the county: cities without
     * counties (东莞, 中山, 儋州, 嘉峪关) hold their townships directly */
    bool seen_zero = false;
    for (int g = 1; g < 5; g++) {
        bool z = group_zero(code, g);
        if (!z && seen_zero)
            return false;
        seen_zero = seen_zero || (z && g != 2);
    }
    return true;
}

region_level_t region_level(const char *code)
{
    if (!region_code_valid(code))
        return REGION_INVALID;
    int level = 1;
    for (int g = 1; g < 5; g++)
        if (!group_zero(code, g))
            level = g + 1;
    return (region_level_t)level;
}

size_t region_prefix_len(const char *code)
{
    region_level_t l = region_level(code);
    return l == REGION_INVALID ? 0 : ends[l - 1];
}

bool region_in_scope(const char *scope, const char *code)
{
    size_t n = region_prefix_len(scope);
    return n && region_code_valid(code) && strncmp(scope, code, n) == 0;
}

bool region_parent(const char *code, char out[REGION_CODE_LEN + 1])
{
    region_level_t l = region_level(code);
    if (l <= REGION_PROVINCE)
        return false;
    memcpy(out, code, REGION_CODE_LEN + 1);
    memset(out + ends[l - 2], '0', REGION_CODE_LEN - ends[l - 2]);
    return true;
}

void region_subtree_upper(const char *scope, char out[REGION_CODE_LEN + 2])
{
    /* ':' sorts right after '9', so prefix + ":" bounds every code under the prefix */
    size_t n = region_prefix_len(scope);
    memcpy(out, scope, n);
    out[n] = ':';
    out[n + 1] = '\0';
}
