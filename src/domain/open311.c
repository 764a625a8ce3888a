/*
 * open311: pure rules of the Open311 endpoint - China's box, W3C datetimes, formats, statuses.
 * Datetimes are counted with the calendar's civil-day arithmetic, so no time zone database and no
 * locale is involved: a W3C datetime carries its own offset.
 */
#include "domain/open311.h"

#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "domain/books.h"

bool open311_in_china(double lat, double lng)
{
    /* NaN compares false everywhere, so it is refused too */
    return lat >= 3.85 && lat <= 53.56 && lng >= 73.50 && lng <= 135.09;
}

/* n digits at *p into *out, advancing p; false when any is not a digit. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool take(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

bool open311_parse_datetime(const char *text, int64_t *utc)
{
    const char *p = text;
    int year, month, day, hour, minute, second = 0;
    if (!digits(&p, 4, &year) || !take(&p, '-') || !digits(&p, 2, &month) || !take(&p, '-') || !digits(&p, 2, &day) ||
        !take(&p, 'T') || !digits(&p, 2, &hour) || !take(&p, ':') || !digits(&p, 2, &minute))
        return false;
    if (take(&p, ':')) {
        if (!digits(&p, 2, &second))
            return false;
        if (take(&p, '.')) { /* fractions of a second: at least one digit, dropped */
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    int offset = 0;
    if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (!digits(&p, 2, &oh) || !take(&p, ':') || !digits(&p, 2, &om) || oh > 14 || om > 59)
            return false;
        offset = sign * (oh * 3600 + om * 60);
    } else if (!take(&p, 'Z')) {
        return false; /* the specification requires the time zone */
    }
    calendar_day_t d;
    if (*p != '\0' || hour > 23 || minute > 59 || second > 59 || calendar_day_from_ymd(year, month, day, &d) != 0)
        return false;
    *utc = (int64_t)d * 86400 + hour * 3600 + minute * 60 + second - offset;
    return true;
}

void open311_format_datetime(int64_t utc, char out[26])
{
    int64_t beijing = utc + 8 * 3600;
    int64_t days = beijing >= 0 ? beijing / 86400 : -((-beijing + 86399) / 86400);
    int64_t secs = beijing - days * 86400;
    int year, month, mday;
    calendar_day_to_ymd((calendar_day_t)days, &year, &month, &mday);
    char text[64]; /* room for any year the compiler can imagine; real ones take 25 */
    snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d+08:00", year, month, mday, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60));
    size_t n = strnlen(text, 25);
    memcpy(out, text, n);
    out[n] = '\0';
}

open311_format_t open311_split_format(const char *segment, char *base, size_t cap)
{
    const char *dot = strrchr(segment, '.');
    if (dot == NULL || dot == segment || (size_t)(dot - segment) >= cap)
        return OPEN311_FORMAT_UNKNOWN;
    open311_format_t f = strcmp(dot, ".json") == 0  ? OPEN311_JSON
                         : strcmp(dot, ".xml") == 0 ? OPEN311_XML
                                                    : OPEN311_FORMAT_UNKNOWN;
    if (f != OPEN311_FORMAT_UNKNOWN) {
        memcpy(base, segment, (size_t)(dot - segment));
        base[dot - segment] = '\0';
    }
    return f;
}

const char *open311_status(opinion_state_t state)
{
    return opinion_state_open(state) ? "open" : "closed";
}

void open311_status_notes(opinion_state_t state, char *out, size_t cap)
{
    snprintf(out, cap, "%s (%s)", book_state_word(state, false), book_state_word(state, true));
}

int open311_http_status(int status)
{
    return status == 422 ? 400 : status;
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

void open311_person_name(const char *first, const char *last, char *out, size_t cap)
{
    first = first ? first : "";
    last = last ? last : "";
    if (!ascii(first) || !ascii(last))
        snprintf(out, cap, "%s%s", last, first);
    else
        snprintf(out, cap, "%s%s%s", first, *first && *last ? " " : "", last);
}
