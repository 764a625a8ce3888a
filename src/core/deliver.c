/* deliver: webhook through libcurl, command through fork/exec, or the log (see deliver.h). */
#include "core/deliver.h"

#include <curl/curl.h>
#include <jansson.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

static int post(const deliver_config_t *c, const char *json, char *err, size_t errlen)
{
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        snprintf(err, errlen, "cannot start an HTTP client");
        return -1;
    }
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (c->secret && *c->secret) {
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, (const unsigned char *)c->secret, strlen(c->secret));
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)json, strlen(json));
        crypto_auth_hmacsha256_final(&st, mac);
        char hex[sizeof(mac) * 2 + 1], header[128];
        sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
        snprintf(header, sizeof(header), "X-Liaison-Signature: sha256=%s", hex);
        headers = curl_slist_append(headers, header);
    }
    curl_easy_setopt(curl, CURLOPT_URL, c->webhook);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)c->timeout_s);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "webhook: %s", curl_easy_strerror(rc));
        return -1;
    }
    if (status < 200 || status > 299) {
        snprintf(err, errlen, "webhook answered %ld", status);
        return -1;
    }
    return 0;
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

static int run_command(const deliver_config_t *c, const char *json, char *err, size_t errlen)
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
        execl("/bin/sh", "sh", "-c", c->command, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    if (pid < 0) {
        close(in[1]);
        snprintf(err, errlen, "command: %s", strerror(errno));
        return -1;
    }
    size_t len = strlen(json), done = 0;
    while (done < len) { /* a command that does not read its input still gets to run */
        ssize_t n = write(in[1], json + done, len - done);
        if (n <= 0 && errno != EINTR)
            break;
        done += n > 0 ? (size_t)n : 0;
    }
    close(in[1]);
    int status = wait_child(pid, c->timeout_s);
    if (status != 0) {
        snprintf(err, errlen, "command exited with %d", status);
        return -1;
    }
    return 0;
}

static const char *member(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "?";
}

int deliver_message(const deliver_config_t *c, const char *json, char *err, size_t errlen)
{
    if (c->webhook && *c->webhook)
        return post(c, json, err, errlen);
    if (c->command && *c->command)
        return run_command(c, json, err, errlen);
    /* no gateway: say that it would have gone, without what it says (the log is read widely) */
    json_t *message = json_loads(json, 0, NULL);
    log_info("notification %lld %s to %s", (long long)json_integer_value(json_object_get(message, "id")),
             member(message, "event"), member(message, "recipient"));
    json_decref(message);
    return 0;
}
