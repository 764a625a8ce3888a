/*
 * log: each line is built whole in a buffer and written with one write(2), so lines from
 * several threads never interleave.
 */
#include "core/log.h"

#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static int quiet;

void log_set_quiet(int q)
{
    quiet = q;
}

static void emit(int fd, const char *level, const char *fmt, va_list ap)
{
    buf_t msg, line;
    buf_init(&msg);
    buf_init(&line);
    buf_vaddf(&msg, fmt, ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    buf_addf(&line, "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"level\":\"%s\",\"msg\":\"",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             ts.tv_nsec / 1000000, level);
    buf_add_json_escaped(&line, msg.data, msg.len);
    buf_adds(&line, "\"}\n");
    ssize_t r = write(fd, line.data, line.len);
    (void)r;
    buf_free(&msg);
    buf_free(&line);
}

#define DEFINE_LOG(name, level, fd, gate)                                                          \
    void name(const char *fmt, ...)                                                                \
    {                                                                                              \
        if (gate)                                                                                  \
            return;                                                                                \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        emit(fd, level, fmt, ap);                                                                  \
        va_end(ap);                                                                                \
    }

DEFINE_LOG(log_info, "info", 2, quiet)
DEFINE_LOG(log_warn, "warn", 2, 0)
DEFINE_LOG(log_error, "error", 2, 0)

void log_access_line(const char *json, unsigned long len)
{
    ssize_t r = write(1, json, len);
    (void)r;
}
