/* deliver: webhook and SMTP through libcurl, command through fork/exec (see deliver.h). The pure
 * parts - signature, template, e-mail text, backoff - come first, so tests can call them alone. */
#include "core/deliver.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

/* ---- pure parts ------------------------------------------------------------------------------ */

void deliver_signature(const char *secret, int64_t ts, const char *body, char out[DELIVER_SIGNATURE_LEN + 1])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char stamp[24];
    int n = snprintf(stamp, sizeof(stamp), "%lld.", (long long)ts);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)stamp, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, DELIVER_SIGNATURE_LEN - 7 + 1, mac, sizeof(mac));
}

long deliver_backoff(int attempts, long first_s, long max_s)
{
    long pause = first_s;
    for (int k = 1; k < attempts && pause < max_s; k++)
        pause *= 2;
    return pause < max_s ? pause : max_s;
}

static void add_member(buf_t *out, const json_t *v)
{
    if (json_is_string(v))
        buf_adds(out, json_string_value(v));
    else if (json_is_integer(v))
        buf_addf(out, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        buf_addf(out, "%g", json_real_value(v));
    else if (json_is_boolean(v))
        buf_adds(out, json_is_true(v) ? "true" : "false");
}

char *deliver_fill(const char *template_text, const json_t *payload)
{
    buf_t out;
    buf_init(&out);
    for (const char *p = template_text; *p;) {
        const char *end = *p == '{' ? strchr(p + 1, '}') : NULL;
        size_t n = end ? (size_t)(end - p - 1) : 0;
        bool key = end && n > 0 && n < 64 && strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
        if (!key) {
            buf_addc(&out, *p++);
            continue;
        }
        char name[64];
        memcpy(name, p + 1, n);
        name[n] = '\0';
        add_member(&out, json_object_get(payload, name));
        p = end + 1;
    }
    buf_addc(&out, '\0');
    return buf_detach(&out, NULL);
}

int deliver_address_valid(const char *address)
{
    size_t len = strlen(address);
    const char *at = strchr(address, '@');
    if (len == 0 || len > 254 || at == NULL || at == address || at[1] == '\0' || strchr(at + 1, '@'))
        return 0;
    for (const char *p = address; *p; p++)
        if (*p <= ' ' || *p >= 127 || strchr("<>()[]\\,;:\"", *p))
            return 0;
    return 1;
}

static void add_base64(buf_t *out, const unsigned char *data, size_t len)
{
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *text = malloc(cap);
    if (text == NULL)
        abort();
    sodium_bin2base64(text, cap, data, len, sodium_base64_VARIANT_ORIGINAL);
    buf_adds(out, text);
    free(text);
}

/* The subject as RFC 2047 encoded words of whole characters, each under 76 columns. */
static void add_subject(buf_t *out, const char *subject)
{
    size_t len = strlen(subject), at = 0;
    buf_adds(out, "Subject: ");
    if (len == 0)
        return;
    while (at < len) {
        size_t take = len - at < 45 ? len - at : 45;
        while (at + take < len && ((unsigned char)subject[at + take] & 0xC0) == 0x80)
            take--; /* not inside a character */
        if (at)
            buf_adds(out, "\r\n ");
        buf_adds(out, "=?UTF-8?B?");
        add_base64(out, (const unsigned char *)subject + at, take);
        buf_adds(out, "?=");
        at += take;
    }
}

char *deliver_mail_text(const deliver_mail_t *m)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (!deliver_address_valid(m->from) || !deliver_address_valid(m->to))
        return NULL;
    time_t t = (time_t)m->date;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf_t out;
    buf_init(&out);
    buf_addf(&out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    buf_addf(&out, "From: <%s>\r\nTo: <%s>\r\nMessage-ID: <liaison.%lld.%lld@%s>\r\n", m->from, m->to,
             (long long)m->id, (long long)m->date, strchr(m->from, '@') + 1);
    add_subject(&out, m->subject);
    buf_adds(&out, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
    /* 57 bytes make one 76-column line of base64 */
    size_t len = strlen(m->text);
    for (size_t at = 0; at < len; at += 57) {
        add_base64(&out, (const unsigned char *)m->text + at, len - at < 57 ? len - at : 57);
        buf_adds(&out, "\r\n");
    }
    buf_addc(&out, '\0');
    return buf_detach(&out, NULL);
}

/* ---- the gateways ------------------------------------------------------------------------------ */

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* Performs the prepared transfer; an error or (for HTTP) a status outside 2xx is a failure. */
static int perform(CURL *curl, const char *what, bool http, char *err, size_t errlen)
{
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s: %s", what, curl_easy_strerror(rc));
        return -1;
    }
    if (http && (status < 200 || status > 299)) {
        snprintf(err, errlen, "%s answered %ld", what, status);
        return -1;
    }
    return 0;
}

int deliver_webhook(const char *url, const char *secret, const char *event, int64_t id, const char *body,
                    int timeout_s, char *err, size_t errlen)
{
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        snprintf(err, errlen, "cannot start an HTTP client");
        return -1;
    }
    char line[128];
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    snprintf(line, sizeof(line), "X-Liaison-Event: %s", event);
    headers = curl_slist_append(headers, line);
    snprintf(line, sizeof(line), "X-Liaison-Delivery: %lld", (long long)id);
    headers = curl_slist_append(headers, line);
    if (secret && *secret) {
        int64_t now = time(NULL);
        char signature[DELIVER_SIGNATURE_LEN + 1];
        deliver_signature(secret, now, body, signature);
        snprintf(line, sizeof(line), "X-Liaison-Timestamp: %lld", (long long)now);
        headers = curl_slist_append(headers, line);
        snprintf(line, sizeof(line), "X-Liaison-Signature: %s", signature);
        headers = curl_slist_append(headers, line);
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout_s);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    int rc = perform(curl, "webhook", true, err, errlen);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return rc;
}

typedef struct {
    const char *text;
    size_t len, at;
} upload_t;

static size_t read_upload(char *p, size_t size, size_t n, void *arg)
{
    upload_t *u = arg;
    size_t take = u->len - u->at < size * n ? u->len - u->at : size * n;
    memcpy(p, u->text + u->at, take);
    u->at += take;
    return take;
}

int deliver_mail(const char *url, const deliver_mail_t *m, int timeout_s, char *err, size_t errlen)
{
    char *text = deliver_mail_text(m);
    if (text == NULL) {
        snprintf(err, errlen, "e-mail: not a valid address");
        return -1;
    }
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        free(text);
        snprintf(err, errlen, "cannot start a mail client");
        return -1;
    }
    char from[300], to[300];
    snprintf(from, sizeof(from), "<%s>", m->from);
    snprintf(to, sizeof(to), "<%s>", m->to);
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    upload_t up = {text, strlen(text), 0};
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout_s);
    int rc = perform(curl, "e-mail", false, err, errlen);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    free(text);
    return rc;
}

/* Waits for pid until the deadline, then kills it. Returns its exit status, or -1. */
static int wait_child(pid_t pid, int timeout_s)
{
    time_t deadline = time(NULL) + timeout_s;
    int status;
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (got < 0 && errno != EINTR)
            return -1;
        if (time(NULL) >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

int deliver_command(const char *command, const char *body, int timeout_s, char *err, size_t errlen)
{
    int in[2];
    if (pipe(in) != 0) {
        snprintf(err, errlen, "command: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        close(in[0]);
        close(in[1]);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    if (pid < 0) {
        close(in[1]);
        snprintf(err, errlen, "command: %s", strerror(errno));
        return -1;
    }
    size_t len = strlen(body), done = 0;
    while (done < len) { /* a command that does not read its input still gets to run */
        ssize_t n = write(in[1], body + done, len - done);
        if (n <= 0 && errno != EINTR)
            break;
        done += n > 0 ? (size_t)n : 0;
    }
    close(in[1]);
    int status = wait_child(pid, timeout_s);
    if (status != 0) {
        snprintf(err, errlen, "command exited with %d", status);
        return -1;
    }
    return 0;
}
