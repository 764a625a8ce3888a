/*
 * demo_duties: the duty records `liaison demo` leaves for the demo deputy, so "我的履职" has a
 * history and the staff's 履职审核 queue has work: records the deputy typed over the past weeks,
 * most confirmed, one rejected with its reason, and two still pending - one of them a home visit
 * with a photo, which its rule asks for before staff may confirm it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gd.h>

#include "cli/demo.h"
#include "core/calendar.h"
#include "core/image.h"
#include "store/duties.h"

enum { DAY = 86400 };

static const struct {
    const char *kind, *title, *body;
    int days_ago;
    bool photo;
    const char *state; /* what staff made of it */
} records[] = {
    {"training", "参加县人大代表履职能力提升培训班", "参加为期两天的培训，学习代表法和议案建议撰写方法，完成结业测试。",
     40, false, "confirmed"},
    {"visit", "走访掘港街道独居老人", "走访五户独居老人，了解助餐和就医需求，已反映给街道民政部门。", 33, true,
     "confirmed"},
    {"inspection", "参加全县农村人居环境整治视察", "实地查看三个村的厕所改造和污水处理设施，提出管护建议。", 26, true,
     "confirmed"},
    {"help", "协调解决小区路灯维修", "协调供电所和物业，修复小区内六盏损坏路灯。", 19, false, "rejected"},
    {"visit", "入户走访城东社区居民", "走访八户居民，听取对老旧小区改造的意见，整理成建议稿。", 5, true, "pending"},
    {"training", "参加乡村振兴专题学习", "学习乡村振兴促进法，交流本选区特色产业发展情况。", 2, false, "pending"},
};

/* A photo of the demo: a field under a sky with a sun, made and re-encoded as uploads are. */
static int demo_photo(image_photo_t *out)
{
    gdImagePtr im = gdImageCreateTrueColor(800, 600);
    if (im == NULL)
        return -1;
    gdImageFilledRectangle(im, 0, 0, 799, 379, gdTrueColor(135, 190, 235));
    gdImageFilledRectangle(im, 0, 380, 799, 599, gdTrueColor(90, 160, 70));
    gdImageFilledEllipse(im, 640, 110, 120, 120, gdTrueColor(250, 210, 60));
    gdImageFilledRectangle(im, 180, 260, 420, 420, gdTrueColor(230, 225, 215));
    int size = 0;
    void *png = gdImagePngPtr(im, &size);
    gdImageDestroy(im);
    int rc = png ? image_reencode(png, (size_t)size, out) : IMAGE_ENOMEM;
    gdFree(png);
    return rc == IMAGE_OK ? 0 : -1;
}

int demo_duties(store_t *db, int64_t deputy)
{
    image_photo_t photo;
    if (demo_photo(&photo) != 0)
        return -1;
    store_duty_photo_t p = {photo.width, photo.height, photo.jpeg, photo.thumb, photo.jpeg_len, photo.thumb_len};
    int64_t now = time(NULL);
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < DEMO_COUNT(records); i++) {
        int64_t at = now - records[i].days_ago * DAY, photo_id;
        store_duty_record_t r = {
            .deputy_id = deputy, .title = (char *)records[i].title, .body = (char *)records[i].body};
        snprintf(r.kind, sizeof(r.kind), "%s", records[i].kind);
        calendar_format_date(calendar_day_of(at), r.happened_on);
        rc = store_duty_record_insert(db, &r, at, &r.id);
        if (rc == STORE_OK && records[i].photo)
            rc = store_duty_photo_add(db, r.id, &p, at, &photo_id);
        if (rc != STORE_OK || strcmp(records[i].state, "pending") == 0)
            continue;
        snprintf(r.state, sizeof(r.state), "%s", records[i].state);
        if (strcmp(r.state, "confirmed") == 0)
            r.confirmed_at = at + 2 * DAY;
        else
            r.reason = (char *)"路灯维修由物业日常负责，请补充您本人协调的过程和群众反映。";
        rc = store_duty_record_save(db, &r, at + 2 * DAY);
    }
    image_photo_free(&photo);
    return rc == STORE_OK ? 0 : -1;
}
