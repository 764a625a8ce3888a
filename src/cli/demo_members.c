/*
 * demo_members: the demo member account (陈委员) linked to five deputies of the county - the demo
 * deputy first, so the member's dashboard shows a deputy with records, a score and suggestions -
 * with two entries in the contact log. Runs after the accounts exist, and once: a member who
 * already has links keeps them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/demo.h"
#include "core/calendar.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/registry.h"

enum { LINKED = 5, DAY = 86400 };

typedef struct {
    int64_t ids[LINKED];
    size_t n;
    int64_t skip; /* the member's own deputy record */
} pick_t;

static int pick_deputy(const store_registry_row_t *row, void *arg)
{
    pick_t *p = arg;
    bool taken = row->id == p->skip;
    for (size_t i = 0; i < p->n; i++)
        taken |= p->ids[i] == row->id;
    if (!taken)
        p->ids[p->n++] = row->id;
    return p->n == LINKED;
}

static int has_link(const store_member_deputy_t *d, void *arg)
{
    (void)d;
    *(bool *)arg = true;
    return 1;
}

int demo_members(store_t *db, const char *county)
{
    store_user_t member, deputy;
    if (store_user_by_username(db, "member", &member) != STORE_OK ||
        store_user_by_username(db, "deputy", &deputy) != STORE_OK)
        return 0; /* no demo accounts: nothing to link */
    bool linked = false;
    if (store_member_deputies_each(db, member.id, has_link, &linked) != STORE_OK)
        return -1;
    if (linked)
        return 0;
    pick_t p = {.ids = {deputy.deputy_id}, .n = deputy.deputy_id ? 1 : 0, .skip = member.deputy_id};
    char hi[14];
    snprintf(hi, sizeof(hi), "%.6s:", county); /* the county's subtree */
    store_registry_filter_t f = {.lo = county, .hi = hi, .limit = 40};
    if (store_registry_each(db, registry_entity("deputy"), &f, pick_deputy, &p) != STORE_OK || p.n < 2)
        return -1;
    int64_t now = time(NULL);
    if (store_begin(db) != STORE_OK)
        return -1;
    int rc = store_member_deputies_set(db, member.id, p.ids, p.n, now);
    static const struct {
        int deputy; /* index into the links */
        int days_ago;
        const char *channel, *note;
    } contacts[] = {
        {0, 21, "visit", "到联络站当面交流，了解代表近期走访选民的情况和群众集中反映的老旧小区改造问题。"},
        {1, 6, "phone", "电话联系，听取代表对本年度民生实事项目票决和建议办理工作的意见。"},
    };
    for (size_t i = 0; rc == STORE_OK && i < DEMO_COUNT(contacts); i++) {
        store_member_contact_t c = {
            .member_user_id = member.id, .deputy_id = p.ids[contacts[i].deputy], .note = contacts[i].note};
        calendar_format_date(calendar_day_of(now - contacts[i].days_ago * DAY), c.happened_on);
        snprintf(c.channel, sizeof(c.channel), "%s", contacts[i].channel);
        int64_t id;
        rc = store_member_contact_add(db, &c, now, &id);
    }
    if (rc != STORE_OK) {
        store_rollback(db);
        return -1;
    }
    return store_commit(db) == STORE_OK ? 0 : -1;
}
