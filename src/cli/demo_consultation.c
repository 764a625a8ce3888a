/*
 * demo_consultation: the draft `liaison demo` leaves open for comment (SPEC §4a, 立法征求意见),
 * so the public page, the workspace section and the feedback report have something to show: a
 * county regulation pasted as text and split by the same rule the API uses, published, taking
 * comments for thirty more days, with a constituent's comment and one from a meeting at the
 * demo staff's station.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/demo.h"
#include "domain/draft.h"
#include "store/consultation.h"

static const char *const text =
    "如东县农村人居环境治理条例（草案）\n"
    "第一章 总则\n"
    "第一条 为了改善农村人居环境，建设美丽乡村，根据有关法律法规，结合本县实际，制定本条例。\n"
    "第二条 本条例适用于本县行政区域内农村人居环境的治理、保护和监督管理。\n"
    "第二章 垃圾和污水治理\n"
    "第三条 乡镇人民政府应当建立农村生活垃圾收集、转运和处置体系，做到日产日清。\n"
    "第四条 村民委员会应当组织村民开展房前屋后环境整治，引导村民对生活垃圾分类投放。\n"
    "第三章 监督和保障\n"
    "第五条 县人民政府应当将农村人居环境治理经费纳入财政预算。\n";

int demo_consultation(store_t *db, const vault_t *vault, int64_t station)
{
    int64_t now = time(NULL);
    draft_articles_t articles;
    draft_error_t err;
    if (draft_split(text, &articles, &err) != 0)
        return -1;
    store_draft_t d = {.title = "如东县农村人居环境治理条例（草案）",
                       .summary = "县人大常委会法工委现将草案全文公布，征求社会各界意见。"};
    snprintf(d.region, sizeof(d.region), "%s", "320623000000");
    calendar_day_t last = calendar_day_of(now + 30 * 86400);
    calendar_format_date(last, d.deadline);
    d.closes_at = draft_closes_at(last);
    d.created_at = now - 3 * 86400;
    int rc = store_draft_insert(db, &d, &d.id);
    for (size_t i = 0; i < articles.count && rc == STORE_OK; i++)
        rc = store_draft_article_insert(db, d.id, articles.items[i].number, articles.items[i].heading,
                                        articles.items[i].text, articles.items[i].topic);
    draft_articles_free(&articles);
    if (rc == STORE_OK)
        rc = store_draft_publish(db, d.id, now - 2 * 86400);
    int64_t article[2] = {0, 0};
    char topic[256];
    if (rc == STORE_OK)
        rc = store_draft_article_find(db, d.id, 3, &article[0], topic);
    if (rc == STORE_OK)
        rc = store_draft_article_find(db, d.id, 4, &article[1], topic);
    const char *name = "顾建华";
    char *sealed = vault ? vault_seal(vault, name, strlen(name)) : NULL;
    store_draft_comment_t comments[] = {
        {.draft_id = d.id,
         .article_id = article[0],
         .source = "online",
         .author = sealed ? "顾**" : "",
         .name_sealed = sealed,
         .content = "建议明确偏远自然村的垃圾转运频次，不能只在集镇做到日产日清。",
         .created_at = now - 86400},
        {.draft_id = d.id,
         .article_id = article[1],
         .source = "meeting",
         .station_id = station,
         .meeting = "掘港街道立法征求意见座谈会",
         .content = "与会村民建议把垃圾分类的宣传指导写进村规民约。",
         .created_at = now - 3600},
    };
    for (size_t i = 0; i < DEMO_COUNT(comments) && rc == STORE_OK; i++) {
        int64_t id;
        rc = store_draft_comment_insert(db, &comments[i], &id);
    }
    free(sealed);
    return rc == STORE_OK ? 0 : -1;
}
